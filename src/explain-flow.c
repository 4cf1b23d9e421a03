/* SPDX-License-Identifier: GPL-2.0-or-later */
/* explain-flow.c: the SYN options of each connection read -e has seen,
 * kept per 4-tuple for the segments after them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "explain-flow.h"
#include "xmalloc.h"

/* Enough for any capture a person reads with -e; past it, the oldest
 * connection makes room. */
#define EXPLAIN_MAX_FLOWS	1024

struct explain_flow {
	struct ipaddr		 a, b;		/* a: the lower endpoint */
	uint16_t		 aport, bport;
	struct explain_syn	 syn[2];	/* [0]: a's, [1]: b's */
};

struct explain_ctx {
	struct explain_flow	*f;
	size_t			 n;
	size_t			 next;		/* the slot to reuse when full */
};

struct explain_ctx *
explain_ctx_new(void)
{
	struct explain_ctx *x = xcalloc(1, sizeof *x);

	x->f = xcalloc(EXPLAIN_MAX_FLOWS, sizeof *x->f);
	return x;
}

void
explain_ctx_free(struct explain_ctx *x)
{
	if (x == NULL)
		return;
	free(x->f);
	free(x);
}

/* The endpoints in a fixed order, so both directions find one flow;
 * *side says which of them sent seg. */
static int
endpoint_cmp(const struct ipaddr *x, uint16_t xp, const struct ipaddr *y,
    uint16_t yp)
{
	int c = memcmp(x->a, y->a, sizeof x->a);

	if (c != 0)
		return c;
	return (int)xp - (int)yp;
}

static struct explain_flow *
flow_find(struct explain_ctx *x, const struct segment *seg, int *side)
{
	const struct ipaddr *lo = &seg->src, *hi = &seg->dst;
	uint16_t lop = seg->sport, hip = seg->dport;
	struct explain_flow *f;
	size_t i;

	*side = 0;
	if (endpoint_cmp(lo, lop, hi, hip) > 0) {
		lo = &seg->dst;
		hi = &seg->src;
		lop = seg->dport;
		hip = seg->sport;
		*side = 1;
	}
	for (i = 0; i < x->n; i++) {
		f = &x->f[i];
		if (f->aport == lop && f->bport == hip &&
		    ipaddr_eq(&f->a, lo) && ipaddr_eq(&f->b, hi))
			return f;
	}
	if (x->n < EXPLAIN_MAX_FLOWS)
		f = &x->f[x->n++];
	else {
		f = &x->f[x->next];
		x->next = (x->next + 1) % EXPLAIN_MAX_FLOWS;
	}
	memset(f, 0, sizeof *f);
	f->a = *lo;
	f->b = *hi;
	f->aport = lop;
	f->bport = hip;
	return f;
}

static void
syn_record(struct explain_syn *s, const struct segment *seg)
{
	int i;

	memset(s, 0, sizeof *s);
	s->seen = true;
	s->wscale = -1;
	s->ecn = (seg->flags & (TH_ECE_ | TH_CWR_)) == (TH_ECE_ | TH_CWR_) ||
	    ((seg->flags & TH_ACK_) && (seg->flags & TH_ECE_));
	for (i = 0; i < seg->nopts && i < SEG_MAX_OPTS; i++) {
		if (seg->opts[i].kind == OPT_WSCALE)
			s->wscale = seg->opts[i].u.wscale;
		else if (seg->opts[i].kind == OPT_SACKOK)
			s->sackok = true;
		else if (seg->opts[i].kind == OPT_TS)
			s->ts = true;
	}
}

void
explain_ctx_see(struct explain_ctx *x, const struct segment *seg,
    const struct explain_syn **mine, const struct explain_syn **theirs)
{
	struct explain_flow *f;
	int side;

	f = flow_find(x, seg, &side);
	if (seg->flags & TH_SYN_)
		syn_record(&f->syn[side], seg);
	*mine = &f->syn[side];
	*theirs = &f->syn[1 - side];
}
