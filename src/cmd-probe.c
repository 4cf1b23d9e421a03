/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-probe.c: `tcpshake probe TARGET`: crafted segments to one target's
 * ports, each reply matched to its probe, RTT from kernel capture stamps. */
#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "clock.h"
#include "craft.h"
#include "decode.h"
#include "event.h"
#include "hex.h"
#include "privdrop.h"
#include "probe.h"
#include "report.h"
#include "route.h"
#include "segment.h"
#include "segopt.h"
#include "srcrange.h"
#include "sniff.h"
#include "splitmix.h"
#include "target.h"
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
	char		*target;
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
	bool		 forged;	/* --source-range */
	struct srcrange	 range;
	struct privdrop_opts drop;	/* --user, --no-drop */
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
	bool			 failed;	/* err says why it stopped */
	uint32_t		 unsent;	/* the table's last ones: their
						 * send failed */
	char			 err[256];
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
	atomic_bool		 failed;	/* a sender stopped: all stop */
};

enum {
	PO_PORT = 1, PO_SPORT, PO_COUNT, PO_INTERVAL, PO_RATE, PO_TIMEOUT,
	PO_JSON, PO_WRITE, PO_IFACE, PO_SOURCE, PO_SOURCE_RANGE,
};

static const struct cli_opt probe_opts_table[] = {
	{ "port", 'p', PO_PORT, "PORTS",
	    "target ports: 80, 20-25,443 (80; or TARGET:PORT)", 0, NULL },
	{ "sport", 0, PO_SPORT, "N", "source port, 1-65535 (random)", 0,
	    NULL },
	{ "count", 'c', PO_COUNT, "N", "rounds over the ports (1)", 0, NULL },
	{ "interval", 'i', PO_INTERVAL, "T",
	    "time between probes (10ms; 0: full rate)", 0, NULL },
	{ "rate", 0, PO_RATE, "N", "probes a second (0: full rate)", 0,
	    NULL },
	{ "timeout", 0, PO_TIMEOUT, "T", "wait for replies after the last "
	    "probe (1s)", 0, NULL },
	{ "json", 0, PO_JSON, NULL, "JSON Lines on standard output", 0,
	    NULL },
	{ "write", 'w', PO_WRITE, "FILE", "write the segments to a pcap file",
	    0, NULL },
	{ "interface", 'I', PO_IFACE, "IFACE", "send from this interface", 0,
	    NULL },
	{ "source", 0, PO_SOURCE, "ADDR", "source address", 0, NULL },
	{ "source-range", 0, PO_SOURCE_RANGE, "PREFIX", "forge each probe's "
	    "source at random from PREFIX, inside 198.18.0.0/15 or "
	    "2001:db8::/32 (a SYN flood)", 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cli_table probe_tables[] = {
	{ "Segment options", segopt_table, SEGOPT_ANY },
	{ "Probe options", probe_opts_table, 0 },
	{ "Privileges", privdrop_table, 0 },
	{ NULL, NULL, 0 },
};

static int cmd_probe_exec(int, char **);

const struct cmd_entry cmd_probe_entry = {
	.name = "probe",
	.usage = "probe [segment options] [-p PORTS] [-c N] "
	    "[-i T | --rate N] [--timeout T] [-q|-v] [--json] [-w FILE] "
	    "[-I IFACE] [--source ADDR] [--source-range PREFIX] "
	    "[--user NAME|--no-drop] TARGET[:PORT]",
	.summary = "send crafted segments to a host, match its replies, "
	    "time them",
	.exec = cmd_probe_exec,
};

/* Pacing, output and where from. */
static void
parse_run_opt(struct probe_opts *o, int id, const char *arg)
{
	uint64_t rate;
	char err[256];

	switch (id) {
	case PO_PORT:
		free(o->ports);
		o->ports = target_ports(arg, &o->nports, "-p");
		break;
	case PO_SPORT:
		o->sport = (uint16_t)parse_uint(arg, 1, 65535, "--sport");
		break;
	case PO_COUNT:
		o->count = parse_uint(arg, 1, PROBE_MAX_TOTAL, "-c");
		break;
	case PO_INTERVAL:
		o->interval_ns = parse_duration(arg, "-i");
		break;
	case PO_RATE:
		rate = parse_uint(arg, 0, 100000000, "--rate");
		o->interval_ns = rate == 0 ? 0 : (int64_t)(1000000000 / rate);
		break;
	case PO_TIMEOUT:
		o->timeout_ns = parse_duration(arg, "--timeout");
		break;
	case PO_JSON: o->json = true; break;
	case PO_WRITE: o->wfile = arg; break;
	case PO_IFACE: o->iface = arg; break;
	case PO_SOURCE: o->source = arg; break;
	case PO_SOURCE_RANGE:
		if (!srcrange_parse(arg, &o->range, err, sizeof err))
			fatalx("probe: %s", err);
		o->forged = true;
		break;
	}
}

/* The segment options into the template. */
static void
probe_take_segopts(struct probe_opts *o, struct segopts *so)
{
	if (so->win_given && so->win > 65535)
		fatalx("probe: --win %" PRIu32 ": a probe's window field "
		    "holds 65535 at most (it is sent unscaled)", so->win);
	o->tmpl = so->seg;
	o->tmpl.win = so->win_given ? (uint16_t)so->win : PROBE_DEFAULT_WIN;
	o->flags_given = so->flags_given;
	o->seq_fixed = so->seq_given;
	o->ack_fixed = so->ack_given;
}

static void
probe_target(struct probe_opts *o, const char *arg)
{
	struct target t;

	cli_target("probe", arg, o->ports != NULL, &t);
	o->target = xstrdup(t.host);
	if (t.port != 0) {
		o->ports = xmalloc(sizeof *o->ports);
		o->ports[0] = t.port;
		o->nports = 1;
	}
}

static void
probe_parse(struct probe_opts *o, int argc, char **argv)
{
	struct segopts so;
	struct cli c;
	const char *target;
	int id;

	memset(o, 0, sizeof *o);
	segopts_init(&so);
	o->count = 1;
	o->interval_ns = 10 * 1000000;
	o->timeout_ns = 1000000000;
	cli_begin(&c, &cmd_probe_entry, probe_tables, false, argc, argv);
	while ((id = cli_next(&c)) != -1)
		if (!segopts_apply(&so, id, c.arg) &&
		    !privdrop_option(&o->drop, id, c.arg))
			parse_run_opt(o, id, c.arg);
	o->quiet = gopts.quiet;
	o->verbose = gopts.verbose;
	target = cli_one_operand(&c, "no target (give an address or a host "
	    "name)");
	cli_end(&c);
	probe_take_segopts(o, &so);
	probe_target(o, target);
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
	int rc;

	if ((rc = target_route(o->target, o->iface, o->source, &r->rt, err,
	    sizeof err)) == -1)
		fatalx("probe: %s", err);
	/* Resolved, if not routed: the field check comes first. */
	if (r->rt.dst.family == AF_INET6 &&
	    (o->tmpl.df || (o->tmpl.has & SEG_HAS_ID)))
		fatalx("probe: --df and --id are IPv4 fields; %s is IPv6",
		    o->target);
	if (rc < 0)
		fatalx("%s", err);
	if (o->forged && o->range.net.family != r->rt.dst.family)
		fatalx("probe: --source-range is IPv%d and %s is IPv%d: give "
		    "a prefix of the target's family",
		    o->range.net.family == AF_INET ? 4 : 6, o->target,
		    r->rt.dst.family == AF_INET ? 4 : 6);
}

/* How many senders: one per CPU (at most PROBE_MAX_WORKERS) at full
 * rate with random source ports, which are what tells their replies
 * apart; one otherwise, so paced probes go out in order. */
static int
probe_nworkers(const struct probe_opts *o, uint32_t nprobes)
{
	cpu_set_t set;
	int n;

	if (o->interval_ns != 0 || o->sport != 0 || o->forged ||
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
	char src[64], dst[64], net[72], filter[1024], err[256];
	const char *icmp = r->rt.dst.family == AF_INET6 ? "icmp6" : "icmp";

	ipaddr_str(&r->rt.src, src, sizeof src);
	ipaddr_str(&r->rt.dst, dst, sizeof dst);
	/* ICMP errors may come from a router on the way, not the target. */
	if (r->o->forged) {
		srcrange_str(&r->o->range, net, sizeof net);
		snprintf(filter, sizeof filter, "(tcp and (src host %s or "
		    "src net %s) and dst host %s) or (tcp and src host %s and "
		    "(dst host %s or dst net %s)) or (%s and (dst host %s or "
		    "dst net %s))", src, net, dst, dst, src, net, icmp, src,
		    net);
	} else if (r->nworkers == 1)
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
	/* fe80::1%eth0: the zone's interface for every send. */
	if (r->rt.scope != 0 &&
	    craft_bind_device(w->cr, r->rt.ifname, err, sizeof err) == -1)
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
		if (r->o->forged)
			probe_table_src_range(w->tab, &r->o->range);
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

/* The local kernel's RST on a probe's flow: the segment, and a line
 * saying whose it is. */
static void
probe_kernel_rst(struct probe_worker *w, const struct decoded *d,
    const struct sniff_pkt *pkt, uint32_t id)
{
	struct event ev;

	probe_event(w, &ev, EV_SEGMENT, d, pkt);
	ev.probe = (int)probe_global(w, id);
	probe_emit(w->r, &ev);
	event_init(&ev, EV_NOTE);
	ev.text = "the RST above was not sent by tcpshake: the local "
	    "kernel's, which knows no such connection (probe keeps no "
	    "guard; connect and run do)";
	probe_emit(w->r, &ev);
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
	/* Our kernel's own segments on the flow are neither probes nor
	 * replies; its RST to a SYN-ACK it knows nothing of is shown, as it
	 * is why a handshake from raw sockets dies. */
	if (!ipaddr_eq(&d->seg.src, &w->r->rt.dst)) {
		if ((id = probe_match_kernel(w->tab, &d->seg)) != PROBE_NONE)
			probe_kernel_rst(w, d, pkt, id);
		return;
	}
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

/* A sender that cannot go on stops every sender and says why to the main
 * thread, which reports it once they are all in: no thread exits the
 * program while others hold the sinks' lock. */
static void __attribute__((format(printf, 2, 3)))
probe_fail(struct probe_worker *w, const char *fmt, ...)
{
	va_list ap;

	if (w->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(w->err, sizeof w->err, fmt, ap);
	va_end(ap);
	/* libnet's messages end in a newline; the line is ours to end. */
	w->err[strcspn(w->err, "\n")] = '\0';
	w->failed = true;
	atomic_store(&w->r->failed, true);
}

/* Ctrl-C, or a sender failed: send nothing more. */
static bool
probe_halted(struct probe_worker *w)
{
	return probe_stop || atomic_load(&w->r->failed);
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
		probe_fail(w, "capture on %s: %s", w->r->rt.ifname, err);
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

	while (!probe_halted(w) && (now = mono_ns()) < deadline) {
		probe_drain(w);
		if (until_done && probe_all_in(w))
			return;
		left = deadline - now - PROBE_SPIN_NS;
		if (left <= 0)
			continue;
		tmo.tv_sec = left / 1000000000;
		tmo.tv_nsec = left % 1000000000;
		if (ppoll(&pfd, 1, &tmo, NULL) == -1 && errno != EINTR)
			probe_fail(w, "poll: %s", strerror(errno));
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
	if (o->forged) {
		uint64_t rnd[2] = { splitmix64(&w->rng),
		    splitmix64(&w->rng) };

		srcrange_pick(&o->range, rnd, &seg->src);
	}
	seg->sport = o->sport != 0 ? o->sport : (uint16_t)(w->sport_lo +
	    splitmix64(&w->rng) % (w->sport_hi - w->sport_lo + 1u));
	if (!o->seq_fixed)
		seg->seq = (uint32_t)splitmix64(&w->rng);
	if (!o->ack_fixed)
		seg->ack = (seg->flags & TH_ACK_) ?
		    (uint32_t)splitmix64(&w->rng) : 0;
	return probe_add(w->tab, seg, pidx) != PROBE_NONE;
}

/* Paced: one probe, built and sent on its own. */
static void
probe_send_one(struct probe_worker *w, uint32_t id)
{
	char err[256];

	if (!probe_next(w, id))
		return;
	if (craft_send(w->cr, &w->seg, NULL, NULL, err, sizeof err) == -1) {
		w->unsent = 1;
		probe_fail(w, "%s", err);
		return;
	}
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
	if (k > 0 && craft_send_batch(w->cr, p, k, err, sizeof err) == -1) {
		w->unsent = k;
		probe_fail(w, "%s", err);
		return;
	}
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

	while (!w->window_off && !probe_halted(w) &&
	    w->nsent - w->nanswered >= PROBE_WINDOW) {
		before = w->nanswered;
		if (ppoll(&pfd, 1, &tmo, NULL) == -1 && errno != EINTR)
			probe_fail(w, "poll: %s", strerror(errno));
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

	/* A forged source is no part of the template: those go one by one,
	 * as fast as they are built. */
	for (i = 0; w->r->o->interval_ns == 0 && !w->r->o->forged &&
	    i < w->nprobes && !probe_halted(w); i += n) {
		n = w->nprobes - i < PROBE_BATCH ? w->nprobes - i :
		    PROBE_BATCH;
		probe_drain(w);
		probe_window(w);
		/* Ctrl-C while waiting: not one probe more. */
		if (probe_halted(w))
			break;
		probe_send_batch(w, i, n);
		last = mono_ns();
	}
	for (; i < w->nprobes && !probe_halted(w); i++) {
		probe_wait_until(w, t0 + (int64_t)i * w->r->o->interval_ns,
		    false);
		if (probe_halted(w))
			break;
		probe_send_one(w, i);
		last = mono_ns();
	}
	if (!w->failed)
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
		/* A failed send's probes were never sent: not counted. */
		n = probe_count(w->tab) - w->unsent;
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
	free(r->o->target);
}

static int
cmd_probe_exec(int argc, char **argv)
{
	struct probe_opts o;
	struct probe_run r;
	char err[256];
	char *why = NULL;
	int rc, k;

	probe_parse(&o, argc, argv);
	memset(&r, 0, sizeof r);
	r.o = &o;
	r.nprobes = (uint32_t)(o.count * o.nports);
	r.nworkers = probe_nworkers(&o, r.nprobes);
	probe_route(&r);
	probe_open_workers(&r);
	probe_open_sinks(&r);
	/* Sockets and files open, no thread yet: root goes. */
	if (privdrop_apply(&o.drop, 0, err, sizeof err) == -1)
		fatalx("probe: %s", err);

	cli_catch_stops(probe_on_signal);
	probe_note(&r);
	clock_gettime(CLOCK_REALTIME, &r.start);
	probe_run_workers(&r);
	rc = probe_summary(&r);
	for (k = 0; k < r.nworkers && why == NULL; k++)
		if (r.w[k].failed)
			why = xstrdup(r.w[k].err);
	/* The summary and -w's records are out before the error line. */
	probe_close(&r);
	if (why != NULL) {
		warnx_("probe: %s", why);
		free(why);
		return 2;
	}
	return rc;
}
