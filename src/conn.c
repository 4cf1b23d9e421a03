/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conn.c: the session's conversations by 4-tuple, and the target's
 * segments each keeps for the steps that expect them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "xmalloc.h"

/* ---- The hash on the 4-tuple ---- */

static uint64_t
mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

static uint64_t
addr_hash(uint64_t h, const struct ipaddr *a)
{
	uint64_t w[2] = { 0, 0 };

	memcpy(w, a->a, ipaddr_len(a));
	return mix(mix(mix(h, a->family), w[0]), w[1]);
}

static size_t
key_hash(const struct ipaddr *la, uint16_t lp, const struct ipaddr *ra,
    uint16_t rp, size_t nslot)
{
	uint64_t h = mix(0, (uint64_t)lp << 16 | rp);

	h = addr_hash(addr_hash(h, la), ra);
	/* splitmix64's finaliser spreads the low bits the mask keeps. */
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
	return (size_t)(h ^ (h >> 31)) & (nslot - 1);
}

static size_t
conn_slot(const struct conn *c, size_t nslot)
{
	return key_hash(&c->laddr, c->lport, &c->raddr, c->rport, nslot);
}

static void
slot_put(struct conn **slot, size_t nslot, struct conn *c)
{
	size_t i = conn_slot(c, nslot);

	while (slot[i] != NULL)
		i = (i + 1) & (nslot - 1);
	slot[i] = c;
}

/* Keep the table at most half full. */
static void
slots_grow(struct conn_table *t)
{
	size_t i, n;

	if (2 * (t->n + 1) <= t->nslot)
		return;
	n = t->nslot ? t->nslot * 2 : 16;
	free(t->slot);
	t->slot = xcalloc(n, sizeof *t->slot);
	t->nslot = n;
	for (i = 0; i < t->n; i++)
		slot_put(t->slot, n, t->v[i]);
}

struct conn *
conn_add(struct conn_table *t, const struct ipaddr *laddr, uint16_t lport,
    const struct ipaddr *raddr, uint16_t rport)
{
	struct conn *c = xcalloc(1, sizeof *c);

	c->laddr = *laddr;
	c->raddr = *raddr;
	c->lport = lport;
	c->rport = rport;
	seqspace_init(&c->ss);
	slots_grow(t);
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->v = xreallocarray(t->v, t->cap, sizeof *t->v);
	}
	c->idx = t->n;
	t->v[t->n++] = c;
	slot_put(t->slot, t->nslot, c);
	return c;
}

struct conn *
conn_find(const struct conn_table *t, const struct ipaddr *laddr,
    uint16_t lport, const struct ipaddr *raddr, uint16_t rport)
{
	struct conn *c;
	size_t i;

	if (t->nslot == 0)
		return NULL;
	i = key_hash(laddr, lport, raddr, rport, t->nslot);
	while ((c = t->slot[i]) != NULL) {
		if (c->lport == lport && c->rport == rport &&
		    ipaddr_eq(&c->laddr, laddr) && ipaddr_eq(&c->raddr, raddr))
			return c;
		i = (i + 1) & (t->nslot - 1);
	}
	return NULL;
}

static void
conn_free(struct conn *c)
{
	size_t k;

	for (k = c->qhead; k < c->qlen; k++)
		segment_clear(&c->q[k].seg);
	free(c->q);
	free(c);
}

/* Linear probing's removal: the entries after the hole that would not
 * be found past it move into it. */
static void
slot_remove(struct conn_table *t, const struct conn *c)
{
	size_t mask = t->nslot - 1, i, j, home;

	i = conn_slot(c, t->nslot);
	while (t->slot[i] != c)
		i = (i + 1) & mask;
	for (j = (i + 1) & mask; t->slot[j] != NULL; j = (j + 1) & mask) {
		home = conn_slot(t->slot[j], t->nslot);
		/* Moves when its home is not in (i, j], cyclically. */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->slot[i] = t->slot[j];
			i = j;
		}
	}
	t->slot[i] = NULL;
}

void
conn_remove(struct conn_table *t, struct conn *c)
{
	slot_remove(t, c);
	t->v[c->idx] = t->v[--t->n];
	t->v[c->idx]->idx = c->idx;
	conn_free(c);
}

void
conn_table_free(struct conn_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		conn_free(t->v[i]);
	free(t->v);
	free(t->slot);
	memset(t, 0, sizeof *t);
}

void
conn_push(struct conn *c, const struct segment *seg, int64_t t_ns)
{
	struct conn_rcvd *r;

	if (c->qhead > 0 && c->qhead == c->qlen)
		c->qhead = c->qlen = 0;
	if (c->qlen == c->qcap) {
		c->qcap = c->qcap ? c->qcap * 2 : 8;
		c->q = xreallocarray(c->q, c->qcap, sizeof *c->q);
	}
	r = &c->q[c->qlen++];
	segment_init(&r->seg);
	segment_copy(&r->seg, seg);
	r->t_ns = t_ns;
}

struct conn_rcvd *
conn_peek(struct conn *c)
{
	return c->qhead < c->qlen ? &c->q[c->qhead] : NULL;
}

struct conn_rcvd *
conn_find_in(struct conn *c, int64_t lo, int64_t hi)
{
	size_t k;

	for (k = c->qhead; k < c->qlen; k++)
		if (c->q[k].t_ns >= lo && c->q[k].t_ns <= hi)
			return &c->q[k];
	return NULL;
}

void
conn_take(struct conn *c, struct conn_rcvd *r)
{
	size_t k = (size_t)(r - c->q);

	segment_clear(&r->seg);
	if (k == c->qhead) {
		c->qhead++;
		return;
	}
	memmove(&c->q[k], &c->q[k + 1], (c->qlen - k - 1) * sizeof *c->q);
	c->qlen--;
}
