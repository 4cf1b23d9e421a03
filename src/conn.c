/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conn.c: the session's conversations by 4-tuple, and the target's
 * segments each keeps for the steps that expect them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "xmalloc.h"

struct conn *
conn_add(struct conn_table *t, uint16_t lport, uint16_t rport)
{
	struct conn *c = xcalloc(1, sizeof *c);

	c->lport = lport;
	c->rport = rport;
	seqspace_init(&c->ss);
	t->v = xreallocarray(t->v, t->n + 1, sizeof *t->v);
	t->v[t->n++] = c;
	return c;
}

struct conn *
conn_find(const struct conn_table *t, uint16_t lport, uint16_t rport)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i]->lport == lport && t->v[i]->rport == rport)
			return t->v[i];
	return NULL;
}

void
conn_table_free(struct conn_table *t)
{
	size_t i, k;

	for (i = 0; i < t->n; i++) {
		for (k = t->v[i]->qhead; k < t->v[i]->qlen; k++)
			segment_clear(&t->v[i]->q[k].seg);
		free(t->v[i]->q);
		free(t->v[i]);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
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
