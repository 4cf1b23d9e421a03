/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.c: the probe table. Probes live in one array; hashes on the
 * 4-tuple and seq (or ack) chain them so a captured segment finds its
 * probe in a lookup and a walk over a chain of one, never a scan. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "srcrange.h"
#include "xmalloc.h"

/* Probes with the same 4-tuple and seq (a fixed --sport and --seq) are
 * the same to a reply; the oldest unmatched wins, and the walk stops after
 * this many candidates so it stays bounded. */
#define PROBE_WALK_MAX	256
/* Distinct sequence lengths (payload + SYN + FIN) a table keeps; every
 * probe of one run has the same. */
#define PROBE_MAX_SEQLENS	4

/*
 * Two chained hashes over the 4-tuple: one also keyed on the probe's seq
 * (our segment leaving, an ICMP quote, and a reply acking seq + seqlen),
 * one also keyed on its ack (a RST answering a segment with ACK set has
 * seq = that ack). A random source port per probe makes the 4-tuple all
 * but unique; the seq makes it so when a run reuses ports, and keeps every
 * lookup at one short chain.
 */
struct probe_table {
	struct ipaddr	 src;
	struct ipaddr	 dst;
	const struct srcrange *range;	/* forged sources, or NULL */
	struct probe	*p;
	uint32_t	 n;
	uint32_t	 max;
	uint32_t	*by_seq;	/* chain heads, newest first */
	uint32_t	*by_ack;	/* probes with ACK set only */
	uint32_t	*next_ack;	/* by_ack's chain links */
	uint32_t	 mask;
	uint32_t	 seqlens[PROBE_MAX_SEQLENS];
	int		 nseqlens;
	bool		 syn_data;	/* some probe is a SYN with payload */
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
	t->next_ack = xcalloc(max > 0 ? max : 1, sizeof *t->next_ack);
	while (nb < max && nb < (1u << 30))
		nb <<= 1;
	nb <<= 1;	/* load factor at most one half */
	t->by_seq = xmalloc(nb * sizeof *t->by_seq);
	t->by_ack = xmalloc(nb * sizeof *t->by_ack);
	memset(t->by_seq, 0xff, nb * sizeof *t->by_seq);
	memset(t->by_ack, 0xff, nb * sizeof *t->by_ack);
	t->mask = nb - 1;
	return t;
}

void
probe_table_src_range(struct probe_table *t, const struct srcrange *r)
{
	t->range = r;
}

/* Our address: the route's, or one of the forged range. */
static bool
probe_ours(const struct probe_table *t, const struct ipaddr *a)
{
	return ipaddr_eq(a, &t->src) ||
	    (t->range != NULL && srcrange_contains(t->range, a));
}

void
probe_table_free(struct probe_table *t)
{
	if (t == NULL)
		return;
	free(t->p);
	free(t->next_ack);
	free(t->by_seq);
	free(t->by_ack);
	free(t);
}

/* The addresses are the table's own, so the ports carry the 4-tuple. */
static uint32_t
probe_hash(const struct probe_table *t, uint16_t sport, uint16_t dport,
    uint32_t key)
{
	uint64_t h = ((uint64_t)sport << 48 | (uint64_t)dport << 32 | key) *
	    0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 32) & t->mask;
}

static bool
probe_note_seqlen(struct probe_table *t, uint32_t seqlen)
{
	int i;

	for (i = 0; i < t->nseqlens; i++)
		if (t->seqlens[i] == seqlen)
			return true;
	if (t->nseqlens == PROBE_MAX_SEQLENS)
		return false;
	t->seqlens[t->nseqlens++] = seqlen;
	return true;
}

uint32_t
probe_add(struct probe_table *t, const struct segment *seg, uint32_t port_idx)
{
	struct probe *p;
	uint32_t id, h;

	if (t->n >= t->max || !probe_note_seqlen(t, segment_seqlen(seg)))
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
	if ((p->flags & TH_SYN_) && p->seqlen > 1)
		t->syn_data = true;
	h = probe_hash(t, p->sport, p->dport, p->seq);
	p->next = t->by_seq[h];
	t->by_seq[h] = id;
	t->next_ack[id] = PROBE_NONE;
	if (p->flags & TH_ACK_) {
		h = probe_hash(t, p->sport, p->dport, p->ack);
		t->next_ack[id] = t->by_ack[h];
		t->by_ack[h] = id;
	}
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
	FIT_KERNEL,	/* our kernel's RST to the target's answer */
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
		/* A SYN's payload may go unacknowledged (no TCP Fast Open):
		 * the SYN-ACK then acks the SYN alone. */
		if ((seg->flags & TH_ACK_) &&
		    (seg->ack == p->seq + p->seqlen ||
		    ((p->flags & TH_SYN_) && seg->ack == p->seq + 1)))
			return true;
		return (p->flags & TH_ACK_) && (seg->flags & TH_RST_) &&
		    seg->seq == p->ack;
	case FIT_QUOTED:
		return seg->seq == p->seq;
	case FIT_KERNEL:
		return (seg->flags & TH_RST_) && (seg->seq == p->seq +
		    p->seqlen || ((p->flags & TH_SYN_) &&
		    seg->seq == p->seq + 1));
	}
	return false;
}

/* What a walk found: the oldest probe still waiting, and the newest that
 * fits at all (a duplicate reply goes there). */
struct probe_found {
	uint32_t	waiting;
	uint32_t	fitting;
};

static void
probe_walk(struct probe_table *t, bool by_ack, uint16_t sport,
    uint16_t dport, uint32_t key, const struct segment *seg,
    enum probe_fit how, struct probe_found *f)
{
	uint32_t id, *heads = by_ack ? t->by_ack : t->by_seq;
	int walked = 0;

	for (id = heads[probe_hash(t, sport, dport, key)];
	    id != PROBE_NONE && walked < PROBE_WALK_MAX;
	    id = by_ack ? t->next_ack[id] : t->p[id].next) {
		const struct probe *p = &t->p[id];

		if (p->sport != sport || p->dport != dport ||
		    !probe_fits(p, seg, how))
			continue;
		walked++;
		if (f->fitting == PROBE_NONE || id > f->fitting)
			f->fitting = id;
		if ((how == FIT_OUT || !p->answered) &&
		    (f->waiting == PROBE_NONE || id < f->waiting))
			f->waiting = id;
	}
}

static uint32_t
probe_pick(const struct probe_found *f)
{
	return f->waiting != PROBE_NONE ? f->waiting : f->fitting;
}

uint32_t
probe_match_out(struct probe_table *t, const struct segment *seg)
{
	struct probe_found f = { PROBE_NONE, PROBE_NONE };

	if (!probe_ours(t, &seg->src) || !ipaddr_eq(&seg->dst, &t->dst))
		return PROBE_NONE;
	probe_walk(t, false, seg->sport, seg->dport, seg->seq, seg, FIT_OUT,
	    &f);
	return probe_pick(&f);
}

uint32_t
probe_match_reply(struct probe_table *t, const struct segment *seg)
{
	struct probe_found f = { PROBE_NONE, PROBE_NONE };
	int i;

	if (!ipaddr_eq(&seg->src, &t->dst) || !probe_ours(t, &seg->dst))
		return PROBE_NONE;
	/* An ack covering a probe: its seq is the ack less its seqlen, or
	 * less 1 for a SYN whose payload was not taken. */
	if (seg->flags & TH_ACK_) {
		for (i = 0; i < t->nseqlens; i++)
			probe_walk(t, false, seg->dport, seg->sport,
			    seg->ack - t->seqlens[i], seg, FIT_REPLY, &f);
		if (t->syn_data)
			probe_walk(t, false, seg->dport, seg->sport,
			    seg->ack - 1, seg, FIT_REPLY, &f);
	}
	if (seg->flags & TH_RST_)
		probe_walk(t, true, seg->dport, seg->sport, seg->seq, seg,
		    FIT_REPLY, &f);
	return probe_pick(&f);
}

uint32_t
probe_match_kernel(struct probe_table *t, const struct segment *seg)
{
	struct probe_found f = { PROBE_NONE, PROBE_NONE };
	int i;

	if (!probe_ours(t, &seg->src) || !ipaddr_eq(&seg->dst, &t->dst) ||
	    !(seg->flags & TH_RST_))
		return PROBE_NONE;
	for (i = 0; i < t->nseqlens; i++)
		probe_walk(t, false, seg->sport, seg->dport,
		    seg->seq - t->seqlens[i], seg, FIT_KERNEL, &f);
	if (t->syn_data)
		probe_walk(t, false, seg->sport, seg->dport, seg->seq - 1, seg,
		    FIT_KERNEL, &f);
	return probe_pick(&f);
}

uint32_t
probe_match_quoted(struct probe_table *t, const struct segment *seg)
{
	struct probe_found f = { PROBE_NONE, PROBE_NONE };

	if (!probe_ours(t, &seg->src) || !ipaddr_eq(&seg->dst, &t->dst))
		return PROBE_NONE;
	probe_walk(t, false, seg->sport, seg->dport, seg->seq, seg,
	    FIT_QUOTED, &f);
	return probe_pick(&f);
}
