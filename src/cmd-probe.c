/* cmd-probe.c: `tcpshake probe TARGET`: crafted segments to one target's
 * ports, each reply matched to its probe, RTT from kernel capture stamps. */
#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "craft.h"
#include "decode.h"
#include "event.h"
#include "hex.h"
#include "probe.h"
#include "report.h"
#include "route.h"
#include "segment.h"
#include "sniff.h"
#include "tcpshake.h"
#include "xmalloc.h"

#define PROBE_MAX_TOTAL		1000000	/* probes a run may send: 85 MB of
					 * tables at most */
#define PROBE_DEFAULT_PORT	80
#define PROBE_DEFAULT_WIN	65535
#define PROBE_BATCH		64	/* sends between drains at full rate */
#define PROBE_SPIN_NS		200000	/* spin, not sleep, this close */
#define PROBE_WINDOW		256	/* unanswered probes at full rate */
#define PROBE_STALL_NS		10000000 /* no answer so long: no window */
#define PROBE_MAX_WORKERS	8	/* senders at full rate */
#define PROBE_PAR_MIN		1000	/* fewer probes: one sender */
#define SPORT_LOW		32768	/* random source ports: Linux's */
#define SPORT_HIGH		60999	/* ephemeral range */

/* Set by SIGINT/SIGTERM: stop sending, print the summary. A signal
 * handler can reach nothing else. */
static volatile sig_atomic_t probe_stop;

struct probe_opts {
	const char	*target;
	struct segment	 tmpl;		/* flags, win, options, payload, IP */
	bool		 flags_given;
	bool		 seq_fixed;
	bool		 ack_fixed;
	uint16_t	 sport;		/* 0: random per probe */
	uint16_t	*ports;
	uint32_t	 nports;
	uint64_t	 count;		/* rounds over the port list */
	int64_t		 interval_ns;
	int64_t		 timeout_ns;
	bool		 quiet;
	int		 verbose;
	bool		 json;
	const char	*wfile;
	const char	*iface;
	const char	*source;
};

/* Per-port counters for the summary; RTTs in nanoseconds, their mean
 * and spread kept by Welford's method (no sum of squares to cancel). */
struct probe_stat {
	uint64_t	 sent;
	uint64_t	 answered;
	uint64_t	 nrtt;
	int64_t		 min, max;
	double		 mean, m2;
};

/*
 * One sender with its share of the probes: its own raw socket, its own
 * capture (filtered to its own source ports when there are several), its
 * own probe table. At full rate with random source ports there is one per
 * CPU the process may run on, so the kernel's work for each send (and, in
 * the lab, the target's) spreads over the CPUs; otherwise there is one.
 */
struct probe_worker {
	struct probe_run	*r;
	int			 k;		/* which one */
	struct segment		 seg;		/* the template, its own copy */
	struct sniff		*sn;
	int			 linktype;
	struct craft		*cr;
	struct probe_table	*tab;
	uint64_t		 rng;
	uint16_t		 sport_lo;	/* its random source ports */
	uint16_t		 sport_hi;
	uint32_t		 nprobes;	/* its share */
	uint32_t		 nsent;
	uint32_t		 nseen_out;
	uint32_t		 nanswered;
	uint64_t		 unmatched;
	bool			 window_off;	/* answers stalled once */
	pthread_t		 thread;
};

struct probe_run {
	struct probe_opts	*o;
	struct route		 rt;
	struct sink		*out;		/* stdout: text or JSON */
	struct sink		*files;		/* -w pcap */
	bool			 emit_any;	/* a sink takes segments */
	pthread_mutex_t		 emit_lock;	/* senders share the sinks */
	struct timespec		 start;		/* CLOCK_REALTIME, as pcap */
	uint32_t		 nprobes;
	int			 nworkers;
	struct probe_worker	*w;
};

enum {
	LO_FLAGS = 256, LO_SEQ, LO_ACK, LO_WIN, LO_URG, LO_MSS,
	LO_WSCALE, LO_SACKOK, LO_SACK, LO_TS, LO_NOP, LO_OPTION,
	LO_DATA, LO_DATA_HEX, LO_DATA_LEN, LO_TTL, LO_TOS, LO_ID,
	LO_DF, LO_BADSUM, LO_SPORT, LO_RATE, LO_TIMEOUT, LO_JSON,
	LO_SOURCE,
};

static const struct option probe_longopts[] = {
	{ "flags", required_argument, NULL, LO_FLAGS },
	{ "seq", required_argument, NULL, LO_SEQ },
	{ "ack", required_argument, NULL, LO_ACK },
	{ "win", required_argument, NULL, LO_WIN },
	{ "urg", required_argument, NULL, LO_URG },
	{ "mss", required_argument, NULL, LO_MSS },
	{ "wscale", required_argument, NULL, LO_WSCALE },
	{ "sackok", no_argument, NULL, LO_SACKOK },
	{ "sack", required_argument, NULL, LO_SACK },
	{ "ts", required_argument, NULL, LO_TS },
	{ "nop", no_argument, NULL, LO_NOP },
	{ "option", required_argument, NULL, LO_OPTION },
	{ "data", required_argument, NULL, LO_DATA },
	{ "data-hex", required_argument, NULL, LO_DATA_HEX },
	{ "data-len", required_argument, NULL, LO_DATA_LEN },
	{ "ttl", required_argument, NULL, LO_TTL },
	{ "tos", required_argument, NULL, LO_TOS },
	{ "id", required_argument, NULL, LO_ID },
	{ "df", no_argument, NULL, LO_DF },
	{ "badsum", no_argument, NULL, LO_BADSUM },
	{ "port", required_argument, NULL, 'p' },
	{ "sport", required_argument, NULL, LO_SPORT },
	{ "count", required_argument, NULL, 'c' },
	{ "interval", required_argument, NULL, 'i' },
	{ "rate", required_argument, NULL, LO_RATE },
	{ "timeout", required_argument, NULL, LO_TIMEOUT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "json", no_argument, NULL, LO_JSON },
	{ "write", required_argument, NULL, 'w' },
	{ "interface", required_argument, NULL, 'I' },
	{ "source", required_argument, NULL, LO_SOURCE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int cmd_probe_exec(int, char **);

const struct cmd_entry cmd_probe_entry = {
	.name = "probe",
	.usage = "probe [-SAFRPU] [--flags F] [-p PORTS] [-c N] "
	    "[-i T | --rate N] [--timeout T] [-q|-v] [--json] [-w FILE] "
	    "[-I IFACE] [--source ADDR] [segment options] TARGET",
	.summary = "send crafted segments to a host, match its replies, "
	    "time them",
	.exec = cmd_probe_exec,
};

/* splitmix64: fast, and good enough for ports and sequence numbers. */
static uint64_t
probe_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static const struct {
	char	letter;
	uint8_t	bit;
} probe_flag_letters[] = {
	{ 'S', TH_SYN_ }, { 'A', TH_ACK_ }, { '.', TH_ACK_ },
	{ 'F', TH_FIN_ }, { 'R', TH_RST_ }, { 'P', TH_PSH_ },
	{ 'U', TH_URG_ }, { 'E', TH_ECE_ }, { 'W', TH_CWR_ },
	{ 'C', TH_CWR_ },
};

static uint8_t
parse_flags(const char *s)
{
	uint8_t bits = 0;
	size_t i;
	const char *c;

	if (strcmp(s, "-") == 0)
		return 0;
	if (*s == '\0')
		fatalx("--flags: empty (give letters from SAFRPUEW, or - "
		    "for none)");
	for (c = s; *c != '\0'; c++) {
		for (i = 0; i < sizeof probe_flag_letters /
		    sizeof probe_flag_letters[0]; i++)
			if (probe_flag_letters[i].letter == *c)
				break;
		if (i == sizeof probe_flag_letters /
		    sizeof probe_flag_letters[0])
			fatalx("--flags: '%s' has unknown flag letter '%c' "
			    "(use S A F R P U E W, or - for none)", s, *c);
		bits |= probe_flag_letters[i].bit;
	}
	return bits;
}

/* "20-25,80,443" into a list of ports. */
static void
parse_ports(struct probe_opts *o, const char *s)
{
	char *copy = xstrdup(s), *tok, *save = NULL, *dash;
	uint64_t lo, hi, p;

	free(o->ports);
	o->ports = NULL;
	o->nports = 0;
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((dash = strchr(tok, '-')) != NULL && dash != tok) {
			*dash = '\0';
			lo = parse_uint(tok, 1, 65535, "-p");
			hi = parse_uint(dash + 1, 1, 65535, "-p");
			if (hi < lo)
				fatalx("-p: range %s-%s runs backwards",
				    tok, dash + 1);
		} else
			lo = hi = parse_uint(tok, 1, 65535, "-p");
		o->ports = xreallocarray(o->ports, o->nports + (hi - lo + 1),
		    sizeof *o->ports);
		for (p = lo; p <= hi; p++)
			o->ports[o->nports++] = (uint16_t)p;
	}
	free(copy);
	if (o->nports == 0)
		fatalx("-p: '%s' names no port (try -p 80 or -p 20-25,443)",
		    s);
}

/* Hex digits (optionally "0x"-prefixed, spaces and colons ignored) into a
 * new buffer; *len gets the byte count. */
static uint8_t *
parse_hex(const char *s, size_t *len, const char *what)
{
	uint8_t *buf = xmalloc(strlen(s) / 2 + 1);
	size_t n = 0;
	int hi = -1, v;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == ':')
			continue;
		if ((v = hex_digit(*s)) < 0)
			fatalx("%s: '%c' is not a hex digit", what, *s);
		if (hi < 0) {
			hi = v;
			continue;
		}
		buf[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		fatalx("%s: odd number of hex digits", what);
	*len = n;
	return buf;
}

static void
add_opt(struct segment *seg, const struct tcp_option *o, const char *what)
{
	if (!segment_add_opt(seg, o))
		fatalx("%s: too many TCP options", what);
	if (segment_optlen(seg) > 40)
		fatalx("%s: TCP options would take %zu bytes, more than the "
		    "40 a header holds", what, segment_optlen(seg));
}

/* Two numbers "A:B" (B optional when bdef is not NULL). */
static void
parse_pair(const char *s, uint32_t *a, uint32_t *b, const uint32_t *bdef,
    const char *what)
{
	char *copy = xstrdup(s), *colon = strchr(copy, ':');

	if (colon == NULL && bdef == NULL)
		fatalx("%s: '%s' is not two numbers A:B", what, s);
	if (colon != NULL)
		*colon = '\0';
	*a = (uint32_t)parse_uint(copy, 0, UINT32_MAX, what);
	*b = colon != NULL ? (uint32_t)parse_uint(colon + 1, 0, UINT32_MAX,
	    what) : *bdef;
	free(copy);
}

static void
parse_sack(struct segment *seg, const char *s)
{
	struct tcp_option o, *last;
	uint32_t l, r;

	parse_pair(s, &l, &r, NULL, "--sack");
	last = seg->nopts > 0 ? &seg->opts[seg->nopts - 1] : NULL;
	/* Consecutive --sack options are blocks of one SACK option. */
	if (last != NULL && last->kind == OPT_SACK &&
	    last->u.sack.n < OPT_MAX_SACK) {
		last->u.sack.b[last->u.sack.n].left = l;
		last->u.sack.b[last->u.sack.n].right = r;
		last->u.sack.n++;
		last->len = (uint8_t)(2 + 8 * last->u.sack.n);
		if (segment_optlen(seg) > 40)
			fatalx("--sack: TCP options would take %zu bytes, "
			    "more than the 40 a header holds",
			    segment_optlen(seg));
		return;
	}
	memset(&o, 0, sizeof o);
	o.kind = OPT_SACK;
	o.len = 10;
	o.u.sack.n = 1;
	o.u.sack.b[0].left = l;
	o.u.sack.b[0].right = r;
	add_opt(seg, &o, "--sack");
}

/* --option KIND[:HEX]: any kind with raw bytes. Known kinds are read
 * into their fields when the bytes have the usual size, so they go out
 * as given. */
static void
parse_raw_option(struct segment *seg, const char *s)
{
	struct tcp_option o;
	char *copy = xstrdup(s), *colon = strchr(copy, ':');
	uint8_t *raw = NULL;
	size_t n = 0;

	if (colon != NULL)
		*colon = '\0';
	memset(&o, 0, sizeof o);
	o.kind = (uint8_t)parse_uint(copy, 0, 255, "--option");
	if (colon != NULL)
		raw = parse_hex(colon + 1, &n, "--option");
	free(copy);
	if (o.kind <= OPT_NOP && n > 0)
		fatalx("--option: kind %u is one byte and takes no data",
		    o.kind);
	if (n > OPT_MAX_RAW)
		fatalx("--option: %zu data bytes, at most %d fit", n,
		    OPT_MAX_RAW);
	if (o.kind > OPT_NOP)
		o.len = (uint8_t)(n + 2);
	switch (o.kind) {
	case OPT_EOL:
	case OPT_NOP:
		break;
	case OPT_MSS:
		if (n != 2)
			fatalx("--option: mss takes 2 bytes (or use --mss)");
		o.u.mss = (uint16_t)(raw[0] << 8 | raw[1]);
		break;
	case OPT_WSCALE:
		if (n != 1)
			fatalx("--option: wscale takes 1 byte (or use "
			    "--wscale)");
		o.u.wscale = raw[0];
		break;
	case OPT_SACKOK:
		if (n != 0)
			fatalx("--option: sackOK takes no data");
		break;
	case OPT_SACK:
	case OPT_TS:
		fatalx("--option: write kind %u with %s", o.kind,
		    o.kind == OPT_SACK ? "--sack L:R" : "--ts VAL[:ECR]");
	default:
		if (n > 0)
			memcpy(o.u.raw, raw, n);
		break;
	}
	free(raw);
	add_opt(seg, &o, "--option");
}

/* Segment options, in the order given. */
static bool
parse_tcp_opt(struct segment *seg, int ch, const char *arg)
{
	struct tcp_option o;
	uint32_t zero = 0;

	memset(&o, 0, sizeof o);
	switch (ch) {
	case LO_MSS:
		o.kind = OPT_MSS;
		o.len = 4;
		o.u.mss = (uint16_t)parse_uint(arg, 0, 65535, "--mss");
		add_opt(seg, &o, "--mss");
		return true;
	case LO_WSCALE:
		o.kind = OPT_WSCALE;
		o.len = 3;
		o.u.wscale = (uint8_t)parse_uint(arg, 0, 255, "--wscale");
		add_opt(seg, &o, "--wscale");
		return true;
	case LO_SACKOK:
		o.kind = OPT_SACKOK;
		o.len = 2;
		add_opt(seg, &o, "--sackok");
		return true;
	case LO_SACK:
		parse_sack(seg, arg);
		return true;
	case LO_TS:
		o.kind = OPT_TS;
		o.len = 10;
		parse_pair(arg, &o.u.ts.val, &o.u.ts.ecr, &zero, "--ts");
		add_opt(seg, &o, "--ts");
		return true;
	case LO_NOP:
		o.kind = OPT_NOP;
		add_opt(seg, &o, "--nop");
		return true;
	case LO_OPTION:
		parse_raw_option(seg, arg);
		return true;
	}
	return false;
}

/* Payload and IP fields. */
static bool
parse_body_opt(struct segment *seg, int ch, const char *arg)
{
	uint8_t *buf;
	size_t n;

	switch (ch) {
	case LO_DATA:
		segment_set_data(seg, arg, (uint32_t)strlen(arg));
		return true;
	case LO_DATA_HEX:
		buf = parse_hex(arg, &n, "--data-hex");
		segment_set_data(seg, buf, (uint32_t)n);
		free(buf);
		return true;
	case LO_DATA_LEN:
		segment_set_data(seg, NULL,
		    (uint32_t)parse_uint(arg, 0, 65000, "--data-len"));
		return true;
	case LO_TTL:
		seg->ttl = (uint8_t)parse_uint(arg, 1, 255, "--ttl");
		seg->has |= SEG_HAS_TTL;
		return true;
	case LO_TOS:
		seg->tos = (uint8_t)parse_uint(arg, 0, 255, "--tos");
		seg->has |= SEG_HAS_TOS;
		return true;
	case LO_ID:
		seg->ip_id = (uint16_t)parse_uint(arg, 0, 65535, "--id");
		seg->has |= SEG_HAS_ID;
		return true;
	case LO_DF:
		seg->df = true;
		return true;
	case LO_BADSUM:
		seg->badsum = true;
		return true;
	}
	return false;
}

/* TCP header fields and flags. */
static bool
parse_header_opt(struct probe_opts *o, int ch, const char *arg)
{
	struct segment *seg = &o->tmpl;

	switch (ch) {
	case 'S': seg->flags |= TH_SYN_; break;
	case 'A': seg->flags |= TH_ACK_; break;
	case 'F': seg->flags |= TH_FIN_; break;
	case 'R': seg->flags |= TH_RST_; break;
	case 'P': seg->flags |= TH_PSH_; break;
	case 'U': seg->flags |= TH_URG_; break;
	case LO_FLAGS:
		seg->flags |= parse_flags(arg);
		break;
	case LO_SEQ:
		o->seq_fixed = strcmp(arg, "random") != 0;
		if (o->seq_fixed)
			seg->seq = (uint32_t)parse_uint(arg, 0, UINT32_MAX,
			    "--seq");
		return true;
	case LO_ACK:
		o->ack_fixed = true;
		seg->ack = (uint32_t)parse_uint(arg, 0, UINT32_MAX, "--ack");
		return true;
	case LO_WIN:
		seg->win = (uint16_t)parse_uint(arg, 0, 65535, "--win");
		return true;
	case LO_URG:
		seg->urg = (uint16_t)parse_uint(arg, 0, 65535, "--urg");
		return true;
	default:
		return false;
	}
	o->flags_given = true;
	return true;
}

/* Pacing, output and where from. */
static bool
parse_run_opt(struct probe_opts *o, int ch, const char *arg)
{
	uint64_t rate;

	switch (ch) {
	case 'p':
		parse_ports(o, arg);
		return true;
	case LO_SPORT:
		o->sport = (uint16_t)parse_uint(arg, 1, 65535, "--sport");
		return true;
	case 'c':
		o->count = parse_uint(arg, 1, PROBE_MAX_TOTAL, "-c");
		return true;
	case 'i':
		o->interval_ns = parse_duration(arg, "-i");
		return true;
	case LO_RATE:
		rate = parse_uint(arg, 0, 100000000, "--rate");
		o->interval_ns = rate == 0 ? 0 : (int64_t)(1000000000 / rate);
		return true;
	case LO_TIMEOUT:
		o->timeout_ns = parse_duration(arg, "--timeout");
		return true;
	case 'q': o->quiet = true; return true;
	case 'v': o->verbose++; return true;
	case LO_JSON: o->json = true; return true;
	case 'w': o->wfile = arg; return true;
	case 'I': o->iface = arg; return true;
	case LO_SOURCE: o->source = arg; return true;
	}
	return false;
}

static void
probe_parse(struct probe_opts *o, int argc, char **argv)
{
	int ch;

	opterr = 0;	/* one line of ours instead of getopt's */
	memset(o, 0, sizeof *o);
	segment_init(&o->tmpl);
	o->tmpl.win = PROBE_DEFAULT_WIN;
	o->count = 1;
	o->interval_ns = 10 * 1000000;
	o->timeout_ns = 1000000000;
	o->quiet = gopts.quiet;
	o->verbose = gopts.verbose;
	while ((ch = getopt_long(argc, argv, "SAFRPUp:c:i:qvw:I:h",
	    probe_longopts, NULL)) != -1) {
		if (ch == 'h') {
			printf("usage: tcpshake %s\n", cmd_probe_entry.usage);
			exit(0);
		}
		if (parse_header_opt(o, ch, optarg) ||
		    parse_tcp_opt(&o->tmpl, ch, optarg) ||
		    parse_body_opt(&o->tmpl, ch, optarg) ||
		    parse_run_opt(o, ch, optarg))
			continue;
		if (ch == '?' && optopt != 0 && strchr("pciwI", optopt))
			fatalx("probe: -%c needs a value (see 'tcpshake probe "
			    "--help')", optopt);
		fatalx("probe: unknown option or missing value: '%s' (see "
		    "'tcpshake probe --help')", argv[optind - 1]);
	}
	if (optind != argc - 1) {
		if (optind >= argc)
			fatalx("probe: no target (give an address or a host "
			    "name)");
		fatalx("probe: one target only ('%s' is one too many)",
		    argv[optind + 1]);
	}
	o->target = argv[optind];
	if (!o->flags_given)
		o->tmpl.flags = TH_SYN_;
	if (o->ports == NULL) {
		o->ports = xmalloc(sizeof *o->ports);
		o->ports[o->nports++] = PROBE_DEFAULT_PORT;
	}
	if (o->count * o->nports > PROBE_MAX_TOTAL)
		fatalx("probe: %" PRIu64 " probes is more than one run sends "
		    "(%d); lower -c or the port count", o->count * o->nports,
		    PROBE_MAX_TOTAL);
}

/* Resolve, find the way out, say so once. */
static void
probe_route(struct probe_run *r)
{
	struct probe_opts *o = r->o;
	char err[256];

	if (route_resolve(o->target, AF_UNSPEC, &r->rt.dst, err,
	    sizeof err) == -1)
		fatalx("%s", err);
	snprintf(r->rt.canon, sizeof r->rt.canon, "%s", o->target);
	if (route_lookup(&r->rt, o->iface, o->source, err, sizeof err) == -1)
		fatalx("%s", err);
	if (r->rt.dst.family == AF_INET6 &&
	    (o->tmpl.df || (o->tmpl.has & SEG_HAS_ID)))
		fatalx("probe: --df and --id are IPv4 fields; %s is IPv6",
		    o->target);
}

/* How many senders: one per CPU (at most PROBE_MAX_WORKERS) at full
 * rate with random source ports, which are what tells their replies
 * apart; one otherwise, so paced probes go out in order. */
static int
probe_nworkers(const struct probe_opts *o, uint32_t nprobes)
{
	cpu_set_t set;
	int n;

	if (o->interval_ns != 0 || o->sport != 0 ||
	    nprobes < PROBE_PAR_MIN ||
	    sched_getaffinity(0, sizeof set, &set) != 0)
		return 1;
	n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > PROBE_MAX_WORKERS ? PROBE_MAX_WORKERS : n;
}

/* The capture, open and filtered before the first send, so the stamps of
 * our own segments leaving are in it too. */
static void
probe_open_capture(struct probe_worker *w)
{
	struct probe_run *r = w->r;
	char src[64], dst[64], filter[512], err[256];
	const char *icmp = r->rt.dst.family == AF_INET6 ? "icmp6" : "icmp";

	ipaddr_str(&r->rt.src, src, sizeof src);
	ipaddr_str(&r->rt.dst, dst, sizeof dst);
	/* ICMP errors may come from a router on the way, not the target. */
	if (r->nworkers == 1)
		snprintf(filter, sizeof filter, "(tcp and host %s and host "
		    "%s) or (%s and dst host %s)", src, dst, icmp, src);
	else
		snprintf(filter, sizeof filter, "(src host %s and dst host "
		    "%s and tcp src portrange %u-%u) or (src host %s and dst "
		    "host %s and tcp dst portrange %u-%u) or (%s and dst host "
		    "%s)", src, dst, w->sport_lo, w->sport_hi, dst, src,
		    w->sport_lo, w->sport_hi, icmp, src);
	w->sn = sniff_open_live(r->rt.ifname, filter, err, sizeof err);
	if (w->sn == NULL)
		fatalx("%s", err);
	w->linktype = sniff_linktype(w->sn);
	w->cr = craft_open(r->rt.dst.family, CRAFT_WIRE, err, sizeof err);
	if (w->cr == NULL)
		fatalx("%s", err);
	/* At full rate every probe is a copy of this, patched. */
	if (r->o->interval_ns == 0 &&
	    craft_template(w->cr, &w->seg, err, sizeof err) == -1)
		fatalx("%s", err);
}

/* Split the probes and the random source ports between the senders, and
 * open each one's capture and socket. */
static void
probe_open_workers(struct probe_run *r)
{
	uint32_t span = (SPORT_HIGH - SPORT_LOW + 1) / (uint32_t)r->nworkers;
	struct probe_worker *w;
	int k;

	r->w = xcalloc((size_t)r->nworkers, sizeof *r->w);
	for (k = 0; k < r->nworkers; k++) {
		w = &r->w[k];
		w->r = r;
		w->k = k;
		w->nprobes = (r->nprobes - (uint32_t)k + (uint32_t)r->nworkers -
		    1) / (uint32_t)r->nworkers;
		w->sport_lo = (uint16_t)(SPORT_LOW + (uint32_t)k * span);
		w->sport_hi = k == r->nworkers - 1 ? SPORT_HIGH :
		    (uint16_t)(w->sport_lo + span - 1);
		if (getrandom(&w->rng, sizeof w->rng, 0) != sizeof w->rng)
			w->rng = (uint64_t)mono_ns() + (uint64_t)k;
		segment_copy(&w->seg, &r->o->tmpl);
		w->seg.src = r->rt.src;
		w->seg.dst = r->rt.dst;
		w->tab = probe_table_new(&r->rt.src, &r->rt.dst, w->nprobes);
		probe_open_capture(w);
	}
}

static void
probe_open_sinks(struct probe_run *r)
{
	struct probe_opts *o = r->o;
	char err[256];
	void *ctx;
	int flags = 0;

	if (o->json)
		sinks_add(&r->out, &report_json_ops, report_json_new(stdout));
	else {
		if (o->verbose > 0)
			flags |= REPORT_HEX | REPORT_IP;
		sinks_add(&r->out, &report_text_ops,
		    report_text_new(stdout, flags));
	}
	if (o->wfile != NULL) {
		if ((ctx = report_pcap_new(o->wfile, err, sizeof err)) == NULL)
			fatalx("%s", err);
		sinks_add(&r->files, &report_pcap_ops, ctx);
	}
	r->emit_any = !o->quiet || r->files != NULL;
	pthread_mutex_init(&r->emit_lock, NULL);
}

/* Segments and ICMP errors: to the files always, to stdout unless -q;
 * one sender at a time. */
static void
probe_emit(struct probe_run *r, const struct event *ev)
{
	if (!r->emit_any)
		return;
	pthread_mutex_lock(&r->emit_lock);
	if (!r->o->quiet)
		sinks_emit(r->out, ev);
	sinks_emit(r->files, ev);
	pthread_mutex_unlock(&r->emit_lock);
}

static void
probe_note(struct probe_run *r)
{
	struct event ev;
	char src[64], dst[64], *text;

	ipaddr_str(&r->rt.src, src, sizeof src);
	ipaddr_str(&r->rt.dst, dst, sizeof dst);
	if (strcmp(r->rt.canon, dst) == 0)
		xasprintf(&text, "probing %s from %s on %s: %" PRIu32
		    " probe%s", dst, src, r->rt.ifname, r->nprobes,
		    r->nprobes == 1 ? "" : "s");
	else
		xasprintf(&text, "probing %s (%s) from %s on %s: %" PRIu32
		    " probe%s", r->rt.canon, dst, src, r->rt.ifname,
		    r->nprobes, r->nprobes == 1 ? "" : "s");
	event_init(&ev, EV_NOTE);
	ev.text = text;
	probe_emit(r, &ev);
	free(text);
}

/* Probe id of sender w in the run's numbering (and -p order). */
static uint32_t
probe_global(const struct probe_worker *w, uint32_t id)
{
	return id * (uint32_t)w->r->nworkers + (uint32_t)w->k;
}

static void
probe_event(struct probe_worker *w, struct event *ev, enum event_type type,
    const struct decoded *d, const struct sniff_pkt *pkt)
{
	event_init(ev, type);
	ev->dir = type == EV_SEGMENT && !ipaddr_eq(&d->seg.src,
	    &w->r->rt.dst) ? DIR_TO_TARGET : DIR_FROM_TARGET;
	ev->ts = pkt->ts;
	ev->t_ns = timespec_diff_ns(&pkt->ts, &w->r->start);
	ev->seg = &d->seg;
	ev->ip = d->ip;
	ev->iplen = d->iplen;
}

static void
probe_seen_out(struct probe_worker *w, const struct decoded *d,
    const struct sniff_pkt *pkt, uint32_t id)
{
	struct probe *p = probe_get(w->tab, id);
	struct event ev;

	p->seen_out = true;
	p->ts_out = pkt->ts;
	w->nseen_out++;
	probe_event(w, &ev, EV_SEGMENT, d, pkt);
	ev.probe = (int)probe_global(w, id);
	probe_emit(w->r, &ev);
}

/* A reply or an ICMP error for probe id: the first one answers it. */
static int64_t
probe_answer(struct probe_worker *w, uint32_t id, const struct timespec *ts)
{
	struct probe *p = probe_get(w->tab, id);
	int64_t rtt = -1;

	p->replies++;
	if (p->seen_out)
		rtt = timespec_diff_ns(ts, &p->ts_out);
	if (!p->answered) {
		p->answered = true;
		p->rtt_ns = rtt;
		w->nanswered++;
	}
	return rtt;
}

static void
probe_seen_tcp(struct probe_worker *w, const struct decoded *d,
    const struct sniff_pkt *pkt)
{
	struct event ev;
	uint32_t id;

	if ((id = probe_match_out(w->tab, &d->seg)) != PROBE_NONE) {
		probe_seen_out(w, d, pkt, id);
		return;
	}
	/* Our kernel's own segments on the flow (its RST to a SYN-ACK it
	 * knows nothing of) are neither probes nor replies. */
	if (!ipaddr_eq(&d->seg.src, &w->r->rt.dst))
		return;
	probe_event(w, &ev, EV_SEGMENT, d, pkt);
	if ((id = probe_match_reply(w->tab, &d->seg)) != PROBE_NONE) {
		ev.probe = (int)probe_global(w, id);
		ev.rtt_ns = probe_answer(w, id, &pkt->ts);
	} else
		w->unmatched++;
	probe_emit(w->r, &ev);
}

static void
probe_seen_icmp(struct probe_worker *w, const struct decoded *d,
    const struct sniff_pkt *pkt)
{
	struct event ev;
	uint32_t id;

	/* Every sender's capture sees every ICMP error: each takes those
	 * about its own source ports. */
	if (w->r->nworkers > 1 && (d->seg.sport < w->sport_lo ||
	    d->seg.sport > w->sport_hi))
		return;
	if ((id = probe_match_quoted(w->tab, &d->seg)) == PROBE_NONE) {
		w->unmatched++;
		return;
	}
	probe_event(w, &ev, EV_ICMP, d, pkt);
	ev.probe = (int)probe_global(w, id);
	ev.rtt_ns = probe_answer(w, id, &pkt->ts);
	ev.icmp_type = d->icmp_type;
	ev.icmp_code = d->icmp_code;
	ev.icmp_from = &d->icmp_from;
	probe_emit(w->r, &ev);
}

/* Everything the capture holds now, without blocking. */
static void
probe_drain(struct probe_worker *w)
{
	struct sniff_pkt pkt;
	struct decoded d;
	char err[256];
	int rc;

	while ((rc = sniff_next(w->sn, &pkt, err, sizeof err)) == 1) {
		if (decode_frame(w->linktype, pkt.data, pkt.caplen, &d,
		    NULL, 0) != DEC_OK)
			continue;
		if (d.kind == DK_TCP)
			probe_seen_tcp(w, &d, &pkt);
		else
			probe_seen_icmp(w, &d, &pkt);
		segment_clear(&d.seg);
	}
	if (rc == -2)
		fatalx("capture on %s: %s", w->r->rt.ifname, err);
}

/* Every probe sent so far is answered and was seen leaving. */
static bool
probe_all_in(const struct probe_worker *w)
{
	return w->nanswered == w->nsent && w->nseen_out == w->nsent;
}

/* Until mono_ns() reaches deadline (or, with until_done, every probe is
 * in): sleep in poll on the capture while far, spin while close; the
 * capture is served either way. */
static void
probe_wait_until(struct probe_worker *w, int64_t deadline, bool until_done)
{
	struct pollfd pfd = { .fd = sniff_fd(w->sn), .events = POLLIN };
	struct timespec tmo;
	int64_t now, left;

	while (!probe_stop && (now = mono_ns()) < deadline) {
		probe_drain(w);
		if (until_done && probe_all_in(w))
			return;
		left = deadline - now - PROBE_SPIN_NS;
		if (left <= 0)
			continue;
		tmo.tv_sec = left / 1000000000;
		tmo.tv_nsec = left % 1000000000;
		if (ppoll(&pfd, 1, &tmo, NULL) == -1 && errno != EINTR)
			fatal("poll");
	}
	probe_drain(w);
}

/* Probe id's fields into the sender's segment, and the probe into the
 * table before it leaves (the reply may beat us back). False when the
 * table takes no more. */
static bool
probe_next(struct probe_worker *w, uint32_t id)
{
	struct probe_opts *o = w->r->o;
	struct segment *seg = &w->seg;
	uint32_t pidx = probe_global(w, id) % o->nports;

	seg->dport = o->ports[pidx];
	seg->sport = o->sport != 0 ? o->sport : (uint16_t)(w->sport_lo +
	    probe_random(&w->rng) % (w->sport_hi - w->sport_lo + 1u));
	if (!o->seq_fixed)
		seg->seq = (uint32_t)probe_random(&w->rng);
	if (!o->ack_fixed)
		seg->ack = (seg->flags & TH_ACK_) ?
		    (uint32_t)probe_random(&w->rng) : 0;
	return probe_add(w->tab, seg, pidx) != PROBE_NONE;
}

/* Paced: one probe, built and sent on its own. */
static void
probe_send_one(struct probe_worker *w, uint32_t id)
{
	char err[256];

	if (!probe_next(w, id))
		return;
	if (craft_send(w->cr, &w->seg, NULL, NULL, err, sizeof err) == -1)
		fatalx("%s", err);
	w->nsent++;
}

/* Full rate: n probes from first on, copies of the sender's template
 * with their own ports and numbers, in one sendmmsg(2) or few. */
static void
probe_send_batch(struct probe_worker *w, uint32_t first, uint32_t n)
{
	struct craft_patch p[PROBE_BATCH];
	uint32_t i, k = 0;
	char err[256];

	for (i = 0; i < n; i++) {
		if (!probe_next(w, first + i))
			continue;
		p[k].sport = w->seg.sport;
		p[k].dport = w->seg.dport;
		p[k].seq = w->seg.seq;
		p[k].ack = w->seg.ack;
		p[k].flags = w->seg.flags;
		k++;
	}
	if (k > 0 && craft_send_batch(w->cr, p, k, err, sizeof err) == -1)
		fatalx("%s", err);
	w->nsent += k;
}

/*
 * At full rate a sender keeps at most PROBE_WINDOW probes waiting for an
 * answer, while answers keep coming: a target in the lab processes what
 * arrives on one CPU with a backlog of 1000 packets (netdev_max_backlog)
 * and drops whatever comes faster than it answers. A stall of
 * PROBE_STALL_NS without an answer lifts the window for the rest of the
 * run, so a target that answers nothing holds nothing back.
 */
static void
probe_window(struct probe_worker *w)
{
	struct pollfd pfd = { .fd = sniff_fd(w->sn), .events = POLLIN };
	struct timespec tmo = { 0, PROBE_STALL_NS };
	int64_t moved = mono_ns();
	uint32_t before;

	while (!w->window_off && !probe_stop &&
	    w->nsent - w->nanswered >= PROBE_WINDOW) {
		before = w->nanswered;
		if (ppoll(&pfd, 1, &tmo, NULL) == -1 && errno != EINTR)
			fatal("poll");
		probe_drain(w);
		if (w->nanswered != before)
			moved = mono_ns();
		else if (mono_ns() - moved >= PROBE_STALL_NS)
			w->window_off = true;
	}
}

/* One sender's run: its probes on time (or, at full rate, in batches
 * with the capture drained between), then the wait for the last
 * replies, which ends early once everything is in. */
static void *
probe_worker_run(void *arg)
{
	struct probe_worker *w = arg;
	int64_t t0 = mono_ns(), last = t0;
	uint32_t i, n;

	for (i = 0; w->r->o->interval_ns == 0 && i < w->nprobes &&
	    !probe_stop; i += n) {
		n = w->nprobes - i < PROBE_BATCH ? w->nprobes - i :
		    PROBE_BATCH;
		probe_drain(w);
		probe_window(w);
		probe_send_batch(w, i, n);
		last = mono_ns();
	}
	for (; i < w->nprobes && !probe_stop; i++) {
		probe_wait_until(w, t0 + (int64_t)i * w->r->o->interval_ns,
		    false);
		probe_send_one(w, i);
		last = mono_ns();
	}
	probe_wait_until(w, last + w->r->o->timeout_ns, true);
	return NULL;
}

/* One sender runs here; more run in threads that leave signals to this
 * one (its handler stops them all). */
static void
probe_run_workers(struct probe_run *r)
{
	sigset_t all, old;
	int k, e;

	if (r->nworkers == 1) {
		probe_worker_run(&r->w[0]);
		return;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (k = 0; k < r->nworkers; k++)
		if ((e = pthread_create(&r->w[k].thread, NULL,
		    probe_worker_run, &r->w[k])) != 0)
			fatalx("cannot start a sender thread: %s", strerror(e));
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	for (k = 0; k < r->nworkers; k++)
		pthread_join(r->w[k].thread, NULL);
}

static void
stat_add(struct probe_stat *s, int64_t rtt_ns)
{
	double d;

	if (s->nrtt == 0 || rtt_ns < s->min)
		s->min = rtt_ns;
	if (s->nrtt == 0 || rtt_ns > s->max)
		s->max = rtt_ns;
	s->nrtt++;
	d = (double)rtt_ns - s->mean;
	s->mean += d / (double)s->nrtt;
	s->m2 += d * ((double)rtt_ns - s->mean);
}

/* Population standard deviation, in nanoseconds. */
static double
stat_stddev(const struct probe_stat *s)
{
	return s->nrtt > 0 && s->m2 > 0 ? sqrt(s->m2 / (double)s->nrtt) : 0.0;
}

/* One port's summary: a line for people, and the same numbers by name
 * for JSON (RTTs in whole nanoseconds; none when nothing came back). */
static void
probe_summary_port(struct probe_run *r, uint16_t port,
    const struct probe_stat *s)
{
	struct event_count counts[] = {
		{ .key = "port", .value = port },
		{ .key = "sent", .value = s->sent },
		{ .key = "received", .value = s->answered },
		{ .key = "lost", .value = s->sent - s->answered },
		{ .key = "rtt_min_ns", .value = (uint64_t)s->min },
		{ .key = "rtt_avg_ns", .value = (uint64_t)llround(s->mean) },
		{ .key = "rtt_max_ns", .value = (uint64_t)s->max },
		{ .key = "rtt_stddev_ns",
		  .value = (uint64_t)llround(stat_stddev(s)) },
	};
	struct event ev;
	char dst[64], rtt[160], *text;

	rtt[0] = '\0';
	if (s->nrtt > 0)
		snprintf(rtt, sizeof rtt, ", rtt min/avg/max/stddev = "
		    "%.3f/%.3f/%.3f/%.3f us", (double)s->min / 1000.0,
		    s->mean / 1000.0, (double)s->max / 1000.0,
		    stat_stddev(s) / 1000.0);
	xasprintf(&text, "--- %s port %u: %" PRIu64 " sent, %" PRIu64
	    " received, %" PRIu64 " lost (%.1f%%)%s",
	    ipaddr_str(&r->rt.dst, dst, sizeof dst), port, s->sent,
	    s->answered, s->sent - s->answered, s->sent > 0 ?
	    100.0 * (double)(s->sent - s->answered) / (double)s->sent : 0.0,
	    rtt);
	event_init(&ev, EV_SUMMARY);
	ev.text = text;
	ev.counts = counts;
	ev.ncounts = s->nrtt > 0 ? sizeof counts / sizeof counts[0] : 4;
	ev.verdict = s->sent > 0 && s->answered == s->sent ? VERDICT_OK :
	    VERDICT_FAIL;
	sinks_emit(r->out, &ev);
	sinks_emit(r->files, &ev);
	free(text);
}

/* Counters summed over the senders. */
struct probe_totals {
	uint32_t	sent;
	uint32_t	seen_out;
	uint32_t	answered;
	uint64_t	unmatched;
	unsigned	drops;
};

static void
probe_tally(struct probe_run *r, struct probe_stat *st,
    struct probe_totals *t)
{
	struct probe_worker *w;
	uint32_t i, n;
	int k;

	memset(t, 0, sizeof *t);
	for (k = 0; k < r->nworkers; k++) {
		w = &r->w[k];
		t->sent += w->nsent;
		t->seen_out += w->nseen_out;
		t->answered += w->nanswered;
		t->unmatched += w->unmatched;
		t->drops += sniff_drops(w->sn);
		n = probe_count(w->tab);
		for (i = 0; i < n; i++) {
			const struct probe *p = probe_get(w->tab, i);
			struct probe_stat *s = &st[p->port_idx];

			s->sent++;
			if (p->answered)
				s->answered++;
			if (p->rtt_ns >= 0)
				stat_add(s, p->rtt_ns);
		}
	}
}

/* What did not fit anywhere, when there is any. */
static void
probe_summary_misfits(struct probe_run *r, const struct probe_totals *t)
{
	struct event_count counts[] = {
		{ .key = "never_seen_leaving", .value = t->sent - t->seen_out },
		{ .key = "unmatched", .value = t->unmatched },
		{ .key = "capture_drops", .value = t->drops },
	};
	struct event ev;
	char *text;

	/* A probe the capture never saw leave was most likely held back by
	 * the kernel: no neighbour (ARP/NDP) answer for the next hop. */
	xasprintf(&text, "--- %" PRIu32 " probe%s never seen leaving %s (no "
	    "ARP/NDP answer?), %" PRIu64 " unmatched repl%s, %u packet%s "
	    "dropped by the capture", t->sent - t->seen_out,
	    t->sent - t->seen_out == 1 ? "" : "s", r->rt.ifname,
	    t->unmatched, t->unmatched == 1 ? "y" : "ies", t->drops,
	    t->drops == 1 ? "" : "s");
	event_init(&ev, EV_SUMMARY);
	ev.text = text;
	ev.counts = counts;
	ev.ncounts = sizeof counts / sizeof counts[0];
	sinks_emit(r->out, &ev);
	sinks_emit(r->files, &ev);
	free(text);
}

/* Per port in -p order; then what did not fit anywhere, if anything.
 * Returns the exit status: 0 when every probe sent was answered. */
static int
probe_summary(struct probe_run *r)
{
	struct probe_stat *st = xcalloc(r->o->nports, sizeof *st);
	struct probe_totals t;
	uint32_t i;

	probe_tally(r, st, &t);
	for (i = 0; i < r->o->nports; i++)
		if (st[i].sent > 0)
			probe_summary_port(r, r->o->ports[i], &st[i]);
	free(st);
	if (t.unmatched != 0 || t.drops != 0 || t.seen_out != t.sent)
		probe_summary_misfits(r, &t);
	return t.sent > 0 && t.answered == t.sent ? 0 : 1;
}

static void
probe_on_signal(int sig)
{
	(void)sig;
	probe_stop = 1;
}

static void
probe_close(struct probe_run *r)
{
	int k;

	sinks_close(&r->out);
	sinks_close(&r->files);
	for (k = 0; k < r->nworkers; k++) {
		probe_table_free(r->w[k].tab);
		craft_close(r->w[k].cr);
		sniff_close(r->w[k].sn);
		segment_clear(&r->w[k].seg);
	}
	free(r->w);
	pthread_mutex_destroy(&r->emit_lock);
	segment_clear(&r->o->tmpl);
	free(r->o->ports);
}

static int
cmd_probe_exec(int argc, char **argv)
{
	struct probe_opts o;
	struct probe_run r;
	struct sigaction sa;
	int rc;

	probe_parse(&o, argc, argv);
	memset(&r, 0, sizeof r);
	r.o = &o;
	r.nprobes = (uint32_t)(o.count * o.nports);
	r.nworkers = probe_nworkers(&o, r.nprobes);
	probe_route(&r);
	probe_open_workers(&r);
	probe_open_sinks(&r);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = probe_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	probe_note(&r);
	clock_gettime(CLOCK_REALTIME, &r.start);
	probe_run_workers(&r);
	rc = probe_summary(&r);
	probe_close(&r);
	return rc;
}
