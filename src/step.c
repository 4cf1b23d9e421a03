/* SPDX-License-Identifier: GPL-2.0-or-later */
/* step.c: plans, lists of steps built by the front ends (connect's from
 * its options, the shell's as typed). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "step.h"
#include "xmalloc.h"

void
plan_init(struct plan *p)
{
	memset(p, 0, sizeof *p);
}

void
plan_free(struct plan *p)
{
	free(p->steps);
	plan_init(p);
}

struct step *
plan_add(struct plan *p, enum step_kind kind)
{
	struct step *st;

	p->steps = xreallocarray(p->steps, p->n + 1, sizeof *p->steps);
	st = &p->steps[p->n++];
	memset(st, 0, sizeof *st);
	segment_init(&st->seg);
	st->kind = kind;
	st->time.kind = STEP_TIME_NONE;
	st->dir = DIR_NONE;
	st->flow = kind == STEP_BURST ? -1 : 0;
	return st;
}

struct step *
plan_await(struct plan *p, enum step_cond cond, int64_t timeout_ns,
    const char *what)
{
	struct step *st = plan_add(p, STEP_AWAIT);

	st->cond = cond;
	st->timeout_ns = timeout_ns;
	st->what = what;
	return st;
}

bool
step_asserts(const struct step *st)
{
	return (st->kind == STEP_PACKET && st->dir == DIR_FROM_TARGET) ||
	    st->kind == STEP_SILENCE || st->kind == STEP_SHELL ||
	    st->kind == STEP_SYSCALL || st->kind == STEP_PYTHON;
}
