/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-read.c: `tcpshake read FILE.pcap`, a capture file printed as packet
 * lines (or explained, or as JSON Lines), seq/ack relative per flow. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "decode.h"
#include "event.h"
#include "read-shake.h"
#include "report.h"
#include "script.h"
#include "seqspace.h"
#include "sniff.h"
#include "tcpshake.h"
#include "xmalloc.h"

/* Parsed options (the only globals a front end keeps). */
struct read_opts {
	int		 text_flags;
	bool		 json;
	bool		 absolute;
	const char	*filter;
	const char	*shake;		/* --shake HOST:PORT */
	const char	*path;
};

/*
 * One flow of the file: both directions of a 4-tuple. Endpoint 0 is the
 * one that sorts lower, so either direction finds the same entry. Each
 * side's ISN is learned from its SYN, as tcpdump does.
 */
struct endpoint {
	struct ipaddr	 addr;
	uint16_t	 port;
};

struct flow {
	struct endpoint	 ep[2];
	struct seqspace	 ss;		/* side 0 is ep[0]'s */
	struct flow	*next;
};

struct flow_table {
	struct flow	**buckets;
	size_t		 nbuckets;	/* a power of two */
	size_t		 count;
};

struct read_counts {
	uint64_t	 segments;
	uint64_t	 icmp;
	uint64_t	 malformed;
	uint64_t	 badsum;
	uint64_t	 skipped;
};

struct read_run {
	const struct read_opts	*opts;
	struct sink		*sinks;
	struct shake		*shake;		/* --shake: instead of sinks */
	struct flow_table	 flows;
	struct read_counts	 counts;
	struct timespec		 first;
	bool			 have_first;
	uint64_t		 pktno;
};

static int
endpoint_cmp(const struct endpoint *x, const struct endpoint *y)
{
	int c;

	if (x->addr.family != y->addr.family)
		return x->addr.family < y->addr.family ? -1 : 1;
	if ((c = memcmp(x->addr.a, y->addr.a, sizeof x->addr.a)) != 0)
		return c;
	return x->port == y->port ? 0 : x->port < y->port ? -1 : 1;
}

/* FNV-1a over the sorted endpoints. */
static uint64_t
flow_hash(const struct endpoint ep[2])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	int i;
	size_t j;

	for (i = 0; i < 2; i++) {
		h = (h ^ ep[i].addr.family) * 0x100000001b3ULL;
		for (j = 0; j < sizeof ep[i].addr.a; j++)
			h = (h ^ ep[i].addr.a[j]) * 0x100000001b3ULL;
		h = (h ^ (ep[i].port >> 8)) * 0x100000001b3ULL;
		h = (h ^ (ep[i].port & 0xff)) * 0x100000001b3ULL;
	}
	return h;
}

static void
flow_key(const struct segment *seg, struct endpoint ep[2], int *side)
{
	struct endpoint s, d;

	memset(&s, 0, sizeof s);
	memset(&d, 0, sizeof d);
	s.addr.family = seg->src.family;
	memcpy(s.addr.a, seg->src.a, ipaddr_len(&seg->src));
	s.port = seg->sport;
	d.addr.family = seg->dst.family;
	memcpy(d.addr.a, seg->dst.a, ipaddr_len(&seg->dst));
	d.port = seg->dport;
	*side = endpoint_cmp(&s, &d) <= 0 ? 0 : 1;
	ep[*side] = s;
	ep[1 - *side] = d;
}

static void
flows_grow(struct flow_table *t)
{
	struct flow **old = t->buckets, *f, *next;
	size_t oldn = t->nbuckets, i, b;

	t->nbuckets = oldn ? oldn * 2 : 256;
	t->buckets = xcalloc(t->nbuckets, sizeof *t->buckets);
	for (i = 0; i < oldn; i++) {
		for (f = old[i]; f != NULL; f = next) {
			next = f->next;
			b = flow_hash(f->ep) & (t->nbuckets - 1);
			f->next = t->buckets[b];
			t->buckets[b] = f;
		}
	}
	free(old);
}

/* The flow seg belongs to, created when `create`; *side is seg's sender. */
static struct flow *
flows_find(struct flow_table *t, const struct segment *seg, bool create,
    int *side)
{
	struct endpoint ep[2];
	struct flow *f;
	size_t b;

	flow_key(seg, ep, side);
	if (create && (t->nbuckets == 0 || t->count >= t->nbuckets * 2))
		flows_grow(t);
	if (t->nbuckets == 0)
		return NULL;
	b = flow_hash(ep) & (t->nbuckets - 1);
	for (f = t->buckets[b]; f != NULL; f = f->next)
		if (endpoint_cmp(&f->ep[0], &ep[0]) == 0 &&
		    endpoint_cmp(&f->ep[1], &ep[1]) == 0)
			return f;
	if (!create)
		return NULL;
	f = xcalloc(1, sizeof *f);
	f->ep[0] = ep[0];
	f->ep[1] = ep[1];
	f->next = t->buckets[b];
	t->buckets[b] = f;
	t->count++;
	return f;
}

static void
flows_free(struct flow_table *t)
{
	struct flow *f, *next;
	size_t i;

	for (i = 0; i < t->nbuckets; i++)
		for (f = t->buckets[i]; f != NULL; f = next) {
			next = f->next;
			free(f);
		}
	free(t->buckets);
	memset(t, 0, sizeof *t);
}

/* Each number is relative to its own side's ISN when that SYN was seen
 * (seqspace_learn), absolute otherwise (base 0). */
static void
flow_bases(const struct flow *f, int side, struct event *ev)
{
	if (f == NULL || (!f->ss.known[0] && !f->ss.known[1]))
		return;
	ev->relative = true;
	seqspace_bases(&f->ss, side, &ev->seq_base, &ev->ack_base);
}

static int64_t
read_elapsed(struct read_run *run, const struct timespec *ts)
{
	if (!run->have_first) {
		run->first = *ts;
		run->have_first = true;
	}
	return (int64_t)(ts->tv_sec - run->first.tv_sec) * 1000000000 +
	    (ts->tv_nsec - run->first.tv_nsec);
}

static void
read_segment(struct read_run *run, struct decoded *d, struct event *ev)
{
	struct flow *f;
	int side;

	ev->type = d->kind == DK_ICMP ? EV_ICMP : EV_SEGMENT;
	ev->seg = &d->seg;
	if (d->kind == DK_ICMP) {
		run->counts.icmp++;
		ev->icmp_type = d->icmp_type;
		ev->icmp_code = d->icmp_code;
		ev->icmp_from = &d->icmp_from;
		f = flows_find(&run->flows, &d->seg, false, &side);
	} else {
		run->counts.segments++;
		if (d->seg.cksum_state == CKSUM_BAD)
			run->counts.badsum++;
		ev->ip = d->ip;
		ev->iplen = d->iplen;
		f = flows_find(&run->flows, &d->seg, true, &side);
		seqspace_learn(&f->ss, side, &d->seg);
	}
	if (!run->opts->absolute)
		flow_bases(f, side, ev);
}

static void
read_packet(struct read_run *run, int linktype, const struct sniff_pkt *pkt)
{
	struct decoded d;
	struct event ev;
	enum decode_status st;
	char detail[256], text[320];

	run->pktno++;
	memset(&d, 0, sizeof d);
	detail[0] = '\0';
	event_init(&ev, EV_SEGMENT);
	ev.ts = pkt->ts;
	ev.t_ns = read_elapsed(run, &pkt->ts);
	/* The wire length tells a snaplen's cut from a lying IP length. */
	st = decode_frame_len(linktype, pkt->data, pkt->caplen, pkt->len, &d,
	    detail, sizeof detail);
	if (st == DEC_LINK_UNSUPPORTED)
		fatalx("cannot read '%s': link type %d is not one tcpshake "
		    "decodes (try Ethernet, Linux cooked or raw IP)",
		    run->opts->path, linktype);
	if (decode_is_skip(st)) {
		run->counts.skipped++;
		return;
	}
	if (run->shake != NULL) {
		/* A scenario has no line for an ICMP error or a packet
		 * that does not decode. */
		if (st == DEC_OK && d.kind == DK_TCP)
			shake_add(run->shake, &d.seg, ev.t_ns);
		segment_clear(&d.seg);
		return;
	}
	if (st != DEC_OK) {
		run->counts.malformed++;
		snprintf(text, sizeof text, "%s (packet %" PRIu64 ")",
		    detail[0] != '\0' ? detail : decode_strerror(st),
		    run->pktno);
		ev.type = EV_MALFORMED;
		ev.text = text;
	} else
		read_segment(run, &d, &ev);
	if (!gopts.quiet)
		sinks_emit(run->sinks, &ev);
	/* Also after an error: a decode that failed late may own a payload. */
	segment_clear(&d.seg);
}

static const char *
plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void
read_summary(struct read_run *run)
{
	const struct read_counts *c = &run->counts;
	struct event_count counts[] = {
		{ .key = "segments", .value = c->segments },
		{ .key = "icmp", .value = c->icmp },
		{ .key = "malformed", .value = c->malformed },
		{ .key = "bad_checksums", .value = c->badsum },
		{ .key = "skipped", .value = c->skipped },
	};
	struct event ev;
	char icmp[64] = "", *text;

	if (c->icmp > 0)
		snprintf(icmp, sizeof icmp, ", %" PRIu64 " ICMP %s", c->icmp,
		    plural(c->icmp, "error", "errors"));
	xasprintf(&text, "%" PRIu64 " TCP %s%s, %" PRIu64 " malformed, %"
	    PRIu64 " bad %s, %" PRIu64 " other %s skipped", c->segments,
	    plural(c->segments, "segment", "segments"), icmp, c->malformed,
	    c->badsum, plural(c->badsum, "checksum", "checksums"), c->skipped,
	    plural(c->skipped, "packet", "packets"));
	event_init(&ev, EV_SUMMARY);
	ev.text = text;
	ev.counts = counts;
	ev.ncounts = sizeof counts / sizeof counts[0];
	ev.verdict = c->malformed == 0 && c->badsum == 0 ? VERDICT_OK :
	    VERDICT_FAIL;
	sinks_emit(run->sinks, &ev);
	free(text);
}

enum { RDO_EXPLAIN = 1, RDO_HEX, RDO_JSON, RDO_ABSOLUTE, RDO_FILTER,
    RDO_SHAKE };

static const struct cli_opt read_table[] = {
	{ "explain", 'e', RDO_EXPLAIN, NULL, "each header field in words", 0,
	    NULL },
	{ "hex", 'x', RDO_HEX, NULL, "each packet in hex", 0, NULL },
	{ "json", 0, RDO_JSON, NULL, "JSON Lines instead of text", 0, NULL },
	{ "absolute", 0, RDO_ABSOLUTE, NULL, "absolute sequence numbers", 0,
	    NULL },
	{ "filter", 'f', RDO_FILTER, "BPF", "read only the packets a "
	    "pcap-filter(7) expression takes", 0, NULL },
	{ "shake", 0, RDO_SHAKE, "HOST:PORT", "the conversation with one "
	    "endpoint as a scenario", 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cli_table read_tables[] = {
	{ "Read options", read_table, 0 },
	{ NULL, NULL, 0 },
};

static void
read_option(struct read_opts *o, int id, const char *arg)
{
	switch (id) {
	case RDO_EXPLAIN: o->text_flags |= REPORT_EXPLAIN; break;
	case RDO_HEX: o->text_flags |= REPORT_HEX; break;
	case RDO_JSON: o->json = true; break;
	case RDO_ABSOLUTE: o->absolute = true; break;
	case RDO_FILTER: o->filter = arg; break;
	case RDO_SHAKE: o->shake = arg; break;
	}
}

static void
read_parse(int argc, char **argv, struct read_opts *o)
{
	struct cli c;
	int id, ind;

	memset(o, 0, sizeof *o);
	cli_begin(&c, &cmd_read_entry, read_tables, false, argc, argv);
	while ((id = cli_next(&c)) != -1)
		read_option(o, id, c.arg);
	ind = cli_optind(&c);
	cli_end(&c);
	if (gopts.verbose > 0)
		o->text_flags |= REPORT_IP;
	if (ind == argc)
		cli_usage_error(&cmd_read_entry, "no capture file (give "
		    "FILE.pcap, or - for standard input)");
	if (argc - ind > 1)
		cli_usage_error(&cmd_read_entry, "one capture file at a time "
		    "('%s' is one too many)", argv[ind + 1]);
	o->path = argv[ind];
	if (o->shake != NULL && (o->json || o->absolute ||
	    (o->text_flags & (REPORT_EXPLAIN | REPORT_HEX))))
		fatalx("read: --shake prints a scenario; leave out --json, "
		    "--absolute, -e and -x");
}

/* --shake's HOST:PORT: an address, as the capture has no names. */
static struct shake *
read_shake_new(const struct read_opts *o)
{
	struct ipaddr a;
	char *host, why[160];
	uint16_t port;

	if (!script_target_parse(o->shake, &host, &port, why, sizeof why))
		fatalx("read: --shake '%s': %s", o->shake, why);
	if (!ipaddr_parse(host, &a))
		fatalx("read: --shake '%s': give the target's address, as "
		    "198.18.0.2:80 or [2001:db8::2]:80", o->shake);
	free(host);
	return shake_new(strcmp(o->path, "-") == 0 ? "standard input" :
	    o->path, &a, port);
}

/* The scenario, once every packet was read. No segment of the target is
 * most likely a wrong address or port: say so, rather than print a
 * scenario without steps. */
static void
read_shake_finish(struct read_run *run)
{
	if (shake_count(run->shake) == 0)
		fatalx("read: no TCP segment in '%s' is to or from %s",
		    run->opts->path, run->opts->shake);
	shake_write(run->shake, stdout);
	shake_free(run->shake);
}

static struct sniff *
read_open(const struct read_opts *o)
{
	struct sniff *sn;
	char err[512];
	FILE *f = NULL;

	/* Say "no such file" in our words before libpcap says it in its;
	 * "-" is standard input, which libpcap opens itself. */
	if (strcmp(o->path, "-") != 0 && (f = fopen(o->path, "rb")) == NULL)
		fatalx("cannot read '%s': %s", o->path, strerror(errno));
	if (f != NULL)
		fclose(f);
	err[0] = '\0';
	if ((sn = sniff_open_file(o->path, o->filter, err, sizeof err)) == NULL)
		fatalx("%s", err[0] != '\0' ? err : "cannot read the file");
	return sn;
}

static int
read_exec(int argc, char **argv)
{
	struct read_opts o;
	struct read_run run;
	struct sniff *sn;
	struct sniff_pkt pkt;
	char err[512];
	int r, linktype;

	read_parse(argc, argv, &o);
	sn = read_open(&o);
	memset(&run, 0, sizeof run);
	run.opts = &o;
	if (o.shake != NULL)
		run.shake = read_shake_new(&o);
	else if (o.json)
		sinks_add(&run.sinks, &report_json_ops, report_json_new(stdout));
	else
		sinks_add(&run.sinks, &report_text_ops,
		    report_text_new(stdout, o.text_flags));
	linktype = sniff_linktype(sn);
	err[0] = '\0';
	while ((r = sniff_next(sn, &pkt, err, sizeof err)) == 1)
		read_packet(&run, linktype, &pkt);
	/* A file cut short is no conversation to replay. */
	if (run.shake != NULL && r == -2)
		fatalx("cannot read '%s' past packet %" PRIu64 ": %s", o.path,
		    run.pktno, err[0] != '\0' ? err : "read error");
	if (run.shake != NULL)
		read_shake_finish(&run);
	else
		read_summary(&run);
	sinks_close(&run.sinks);
	flows_free(&run.flows);
	sniff_close(sn);
	/* A file cut short keeps what was printed, and says where it ends. */
	if (r == -2)
		fatalx("cannot read '%s' past packet %" PRIu64 ": %s", o.path,
		    run.pktno, err[0] != '\0' ? err : "read error");
	return 0;
}

const struct cmd_entry cmd_read_entry = {
	.name = "read",
	.usage = "read [-e] [-x] [-q|-v] [--json] [--absolute] [--filter BPF] "
	    "[--shake HOST:PORT] FILE.pcap",
	.summary = "print the TCP segments of a capture file as packet lines",
	.exec = read_exec,
};
