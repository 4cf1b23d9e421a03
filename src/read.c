/* SPDX-License-Identifier: GPL-2.0-or-later */
/* read.c: a capture file's packets decoded and put in their flows, as
 * events with relative numbers, or as a scenario's segments; the counts. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "read-shake.h"
#include "read.h"
#include "seqspace.h"
#include "sniff.h"
#include "xmalloc.h"

/*
 * One flow of the file: both directions of a 4-tuple. Endpoint 0 is the
 * one that sorts lower, so either direction finds the same entry.
 */
struct read_end {
	struct ipaddr	 addr;
	uint16_t	 port;
};

struct read_flow {
	struct read_end	 ep[2];
	struct seqspace	 ss;		/* side 0 is ep[0]'s */
	int		 opener;	/* the side that sent the first SYN
					 * (or got the first SYN-ACK); -1 */
	struct read_flow *next;
};

struct flow_table {
	struct read_flow **buckets;
	size_t		 nbuckets;	/* a power of two */
	size_t		 count;
};

struct read_file {
	struct sniff	*sn;
	char		*path;
};

struct read_run {
	const struct read_config *cfg;
	const char	*path;
	struct flow_table flows;
	struct read_counts *counts;
	struct timespec	 first;
	bool		 have_first;
	int		 linktype;
	char		*err;
	size_t		 errlen;
};

static int
end_cmp(const struct read_end *x, const struct read_end *y)
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
flow_hash(const struct read_end ep[2])
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
flow_key(const struct segment *seg, struct read_end ep[2], int *side)
{
	struct read_end s, d;

	memset(&s, 0, sizeof s);
	memset(&d, 0, sizeof d);
	s.addr.family = seg->src.family;
	memcpy(s.addr.a, seg->src.a, ipaddr_len(&seg->src));
	s.port = seg->sport;
	d.addr.family = seg->dst.family;
	memcpy(d.addr.a, seg->dst.a, ipaddr_len(&seg->dst));
	d.port = seg->dport;
	*side = end_cmp(&s, &d) <= 0 ? 0 : 1;
	ep[*side] = s;
	ep[1 - *side] = d;
}

static void
flows_grow(struct flow_table *t)
{
	struct read_flow **old = t->buckets, *f, *next;
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
static struct read_flow *
flows_find(struct flow_table *t, const struct segment *seg, bool create,
    int *side)
{
	struct read_end ep[2];
	struct read_flow *f;
	size_t b;

	flow_key(seg, ep, side);
	if (create && (t->nbuckets == 0 || t->count >= t->nbuckets * 2))
		flows_grow(t);
	if (t->nbuckets == 0)
		return NULL;
	b = flow_hash(ep) & (t->nbuckets - 1);
	for (f = t->buckets[b]; f != NULL; f = f->next)
		if (end_cmp(&f->ep[0], &ep[0]) == 0 &&
		    end_cmp(&f->ep[1], &ep[1]) == 0)
			return f;
	if (!create)
		return NULL;
	f = xcalloc(1, sizeof *f);
	f->ep[0] = ep[0];
	f->ep[1] = ep[1];
	f->opener = -1;
	f->next = t->buckets[b];
	t->buckets[b] = f;
	t->count++;
	return f;
}

static void
flows_free(struct flow_table *t)
{
	struct read_flow *f, *next;
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
flow_bases(const struct read_flow *f, int side, struct event *ev)
{
	if (f == NULL || (!f->ss.known[0] && !f->ss.known[1]))
		return;
	ev->relative = true;
	seqspace_bases(&f->ss, side, ev->seg, &ev->seq_base,
	    &ev->ack_base);
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

/* --directions: the opener's segments go into the target ('<'), the
 * other side's come out of it ('>'); nothing before a SYN says which. */
static void
flow_direction(struct read_flow *f, int side, struct event *ev)
{
	const struct segment *s = ev->seg;

	if (f->opener < 0 && (s->flags & TH_SYN_))
		f->opener = (s->flags & TH_ACK_) ? !side : side;
	if (f->opener >= 0)
		ev->dir = side == f->opener ? DIR_TO_TARGET : DIR_FROM_TARGET;
}

static void
read_segment(struct read_run *run, struct decoded *d, struct event *ev)
{
	struct read_flow *f;
	int side;

	ev->type = d->kind == DK_ICMP ? EV_ICMP : EV_SEGMENT;
	ev->seg = &d->seg;
	if (d->kind == DK_ICMP) {
		run->counts->icmp++;
		ev->icmp_type = d->icmp_type;
		ev->icmp_code = d->icmp_code;
		ev->icmp_rest = d->icmp_rest;
		ev->icmp_from = &d->icmp_from;
		f = flows_find(&run->flows, &d->seg, false, &side);
	} else {
		run->counts->segments++;
		if (d->seg.cksum_state == CKSUM_BAD)
			run->counts->badsum++;
		ev->ip = d->ip;
		ev->iplen = d->iplen;
		f = flows_find(&run->flows, &d->seg, true, &side);
		seqspace_learn(&f->ss, side, &d->seg);
		if (run->cfg->directions)
			flow_direction(f, side, ev);
	}
	if (!run->cfg->absolute)
		flow_bases(f, side, ev);
}

static void
emit(struct read_run *run, const struct event *ev)
{
	if (run->cfg->emit != NULL)
		run->cfg->emit(run->cfg->emit_arg, ev);
}

/* One packet: false when the file's link type is none we decode. */
static bool
read_packet(struct read_run *run, const struct sniff_pkt *pkt)
{
	struct decoded d;
	struct event ev;
	enum decode_status st;
	char detail[256], text[320];

	run->counts->packets++;
	memset(&d, 0, sizeof d);
	detail[0] = '\0';
	event_init(&ev, EV_SEGMENT);
	ev.ts = pkt->ts;
	ev.t_ns = read_elapsed(run, &pkt->ts);
	/* The wire length tells a snaplen's cut from a lying IP length. */
	st = decode_frame_len(run->linktype, pkt->data, pkt->caplen, pkt->len,
	    &d, detail, sizeof detail);
	if (st == DEC_LINK_UNSUPPORTED) {
		snprintf(run->err, run->errlen, "cannot read '%s': link type "
		    "%d is not one tcpshake decodes (try Ethernet, Linux "
		    "cooked or raw IP)", run->path, run->linktype);
		return false;
	}
	if (decode_is_skip(st)) {
		run->counts->skipped++;
		return true;
	}
	if (run->cfg->shake != NULL) {
		/* An ICMP error about the endpoint's segment is a '<
		 * icmp' line; a packet that does not decode has none. */
		if (st == DEC_OK && d.kind == DK_TCP)
			shake_add(run->cfg->shake, &d.seg, ev.t_ns);
		else if (st == DEC_OK)
			shake_add_icmp(run->cfg->shake, d.icmp_from.family,
			    d.icmp_type, d.icmp_code, d.icmp_rest, &d.seg,
			    d.icmp_qlen, ev.t_ns);
		segment_clear(&d.seg);
		return true;
	}
	if (st != DEC_OK) {
		run->counts->malformed++;
		snprintf(text, sizeof text, "%s (packet %" PRIu64 ")",
		    detail[0] != '\0' ? detail : decode_strerror(st),
		    run->counts->packets);
		ev.type = EV_MALFORMED;
		ev.text = text;
	} else
		read_segment(run, &d, &ev);
	emit(run, &ev);
	/* Also after an error: a decode that failed late may own a payload. */
	segment_clear(&d.seg);
	return true;
}

struct read_file *
read_open(const char *path, const char *filter, char *err, size_t errlen)
{
	struct read_file *rf;
	struct sniff *sn;
	FILE *f = NULL;

	/* Say "no such file" in our words before libpcap says it in its;
	 * "-" is standard input, which libpcap opens itself. */
	if (strcmp(path, "-") != 0 && (f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "cannot read '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	if (f != NULL)
		fclose(f);
	err[0] = '\0';
	if ((sn = sniff_open_file(path, filter, err, errlen)) == NULL) {
		if (err[0] == '\0')
			snprintf(err, errlen, "cannot read the file");
		return NULL;
	}
	rf = xcalloc(1, sizeof *rf);
	rf->sn = sn;
	rf->path = xstrdup(path);
	return rf;
}

void
read_close(struct read_file *rf)
{
	if (rf == NULL)
		return;
	sniff_close(rf->sn);
	free(rf->path);
	free(rf);
}

enum read_status
read_capture(struct read_file *rf, const struct read_config *cfg,
    struct read_counts *counts, char *err, size_t errlen)
{
	struct read_run run;
	struct sniff_pkt pkt;
	char e[512];
	int r;

	memset(counts, 0, sizeof *counts);
	memset(&run, 0, sizeof run);
	run.cfg = cfg;
	run.path = rf->path;
	run.counts = counts;
	run.linktype = sniff_linktype(rf->sn);
	run.err = err;
	run.errlen = errlen;
	e[0] = '\0';
	while ((r = sniff_next(rf->sn, &pkt, e, sizeof e)) == 1)
		if (!read_packet(&run, &pkt))
			break;
	flows_free(&run.flows);
	if (r == 1)
		return READ_CANNOT;	/* the link type */
	if (r == -2) {
		snprintf(err, errlen, "cannot read '%s' past packet %" PRIu64
		    ": %s", rf->path, counts->packets, e[0] != '\0' ? e :
		    "read error");
		return READ_CUT;
	}
	return READ_OK;
}

static const char *
plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void
read_summary(const struct read_counts *c,
    void (*emit_fn)(void *arg, const struct event *), void *arg)
{
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
	emit_fn(arg, &ev);
	free(text);
}
