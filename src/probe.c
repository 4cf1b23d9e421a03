/* probe.c: the probe table. Probes live in one array; a hash on the
 * 4-tuple chains them so a captured segment finds its probe in a lookup
 * plus a short walk over probes sharing its ports, never a scan. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "xmalloc.h"

/* Probes that share a 4-tuple (a fixed --sport) are told apart by seq and
 * ack; when even those are the same, the oldest unmatched wins, and the
 * walk stops after this many candidates so it stays bounded. */
#define PROBE_WALK_MAX	256

struct probe_table {
	struct ipaddr	 src;
	struct ipaddr	 dst;
	struct probe	*p;
	uint32_t	 n;
	uint32_t	 max;
	uint32_t	*bucket;	/* first probe of each chain, newest first */
	uint32_t	 mask;
};

struct probe_table *
probe_table_new(const struct ipaddr *src, const struct ipaddr *dst,
    uint32_t max)
{
	struct probe_table *t = xcalloc(1, sizeof *t);
	uint32_t nb = 1024;

	t->src = *src;
	t->dst = *dst;
	t->max = max;
	t->p = xcalloc(max > 0 ? max : 1, sizeof *t->p);
	while (nb < max && nb < (1u << 30))
		nb <<= 1;
	nb <<= 1;	/* load factor at most one half */
	t->bucket = xmalloc(nb * sizeof *t->bucket);
	memset(t->bucket, 0xff, nb * sizeof *t->bucket);
	t->mask = nb - 1;
	return t;
}

void
probe_table_free(struct probe_table *t)
{
	if (t == NULL)
		return;
	free(t->p);
	free(t->bucket);
	free(t);
}

/* The addresses are the table's own, so the ports carry the 4-tuple. */
static uint32_t
probe_hash(const struct probe_table *t, uint16_t sport, uint16_t dport)
{
	uint32_t h = ((uint32_t)sport << 16 | dport) * 0x9e3779b1u;

	return (h ^ (h >> 15)) & t->mask;
}

uint32_t
probe_add(struct probe_table *t, const struct segment *seg, uint32_t port_idx)
{
	struct probe *p;
	uint32_t id, h;

	if (t->n >= t->max)
		return PROBE_NONE;
	id = t->n++;
	p = &t->p[id];
	memset(p, 0, sizeof *p);
	p->seq = seg->seq;
	p->ack = seg->ack;
	p->seqlen = segment_seqlen(seg);
	p->sport = seg->sport;
	p->dport = seg->dport;
	p->flags = seg->flags;
	p->port_idx = port_idx;
	p->rtt_ns = -1;
	h = probe_hash(t, p->sport, p->dport);
	p->next = t->bucket[h];
	t->bucket[h] = id;
	return id;
}

struct probe *
probe_get(struct probe_table *t, uint32_t id)
{
	return id < t->n ? &t->p[id] : NULL;
}

uint32_t
probe_count(const struct probe_table *t)
{
	return t->n;
}

enum probe_fit {
	FIT_OUT,	/* our probe leaving */
	FIT_REPLY,	/* the target answering it */
	FIT_QUOTED,	/* an ICMP error quoting it */
};

static bool
probe_fits(const struct probe *p, const struct segment *seg,
    enum probe_fit how)
{
	switch (how) {
	case FIT_OUT:
		return !p->seen_out && seg->seq == p->seq &&
		    seg->flags == p->flags;
	case FIT_REPLY:
		if ((seg->flags & TH_ACK_) &&
		    seg->ack == p->seq + p->seqlen)
			return true;
		return (p->flags & TH_ACK_) && (seg->flags & TH_RST_) &&
		    seg->seq == p->ack;
	case FIT_QUOTED:
		return seg->seq == p->seq;
	}
	return false;
}

/* Walk the chain of (sport, dport) for a probe that fits; the oldest one
 * still waiting wins, else the newest that fits (a duplicate reply). */
static uint32_t
probe_find(struct probe_table *t, uint16_t sport, uint16_t dport,
    const struct segment *seg, enum probe_fit how)
{
	uint32_t id, fitting = PROBE_NONE, waiting = PROBE_NONE;
	int walked = 0;

	for (id = t->bucket[probe_hash(t, sport, dport)];
	    id != PROBE_NONE && walked < PROBE_WALK_MAX; id = t->p[id].next) {
		const struct probe *p = &t->p[id];

		if (p->sport != sport || p->dport != dport ||
		    !probe_fits(p, seg, how))
			continue;
		walked++;
		if (fitting == PROBE_NONE)
			fitting = id;
		if (how == FIT_OUT || !p->answered)
			waiting = id;
	}
	return waiting != PROBE_NONE ? waiting : fitting;
}

uint32_t
probe_match_out(struct probe_table *t, const struct segment *seg)
{
	if (!ipaddr_eq(&seg->src, &t->src) || !ipaddr_eq(&seg->dst, &t->dst))
		return PROBE_NONE;
	return probe_find(t, seg->sport, seg->dport, seg, FIT_OUT);
}

uint32_t
probe_match_reply(struct probe_table *t, const struct segment *seg)
{
	if (!ipaddr_eq(&seg->src, &t->dst) || !ipaddr_eq(&seg->dst, &t->src))
		return PROBE_NONE;
	return probe_find(t, seg->dport, seg->sport, seg, FIT_REPLY);
}

uint32_t
probe_match_quoted(struct probe_table *t, const struct segment *seg)
{
	if (!ipaddr_eq(&seg->src, &t->src) || !ipaddr_eq(&seg->dst, &t->dst))
		return PROBE_NONE;
	return probe_find(t, seg->sport, seg->dport, seg, FIT_QUOTED);
}
