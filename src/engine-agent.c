/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine-agent.c: a file with system calls: its calls (and its commands)
 * handed to the agent in the target's namespace (syscall-step.h) at
 * their times, judged there; a blocking call's verdict when it returns. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-int.h"
#include "match.h"
#include "syscall-step.h"
#include "syscall.h"
#include "xmalloc.h"

static enum eng_next
agent_failed(struct engine *e)
{
	e->res.error = true;
	e->res.failed = e->res.why;
	return ENG_FAILED;
}

/* A call that may connect a socket made since the last such call (the
 * agent binds it to the flow's port, destroying what an earlier socket
 * left there): when it was handed over. */
static void
new_connection(struct engine *e, const struct step *st)
{
	if (st->kind != STEP_SYSCALL)
		return;
	if (strcmp(st->call->name, "socket") == 0)
		e->fresh_socket = true;
	else if (e->fresh_socket && syscall_connects(st->call)) {
		e->connect_ns = eng_now(e);
		e->fresh_socket = false;
	}
}

/* Phase 0: the blocking call before settled, the times; then the call
 * at its time. */
enum eng_next
eng_agent(struct engine *e, struct eng_exec *x)
{
	const struct step *st = x->st;
	struct sysstep_verdict sv;
	int r;

	if (x->phase == 0) {
		if (sysstep_settle(e->sys, e->s, false, e->res.why,
		    sizeof e->res.why) == -1)
			return agent_failed(e);
		x->w = eng_step_when(st, &e->clock);
		x->deadline = 0;	/* a blocking call's END */
		if (st->kind == STEP_SYSCALL && st->call->blocking)
			x->deadline = st->time.kind == STEP_TIME_REL ?
			    x->w.lo - st->time.start_ns + st->call->end_ns :
			    st->call->end_ns;
		x->tol = match_tolerance_ns(e->o.tolerance_usecs,
		    e->o.tolerance_percent, x->deadline > 0 ?
		    x->deadline - x->w.lo : x->w.gap);
		return eng_wait_for_time(e, x);
	}
	eng_spin_to(e, x->w.lo);
	new_connection(e, st);
	r = sysstep_run(e->sys, e->s, st, (size_t)(st - e->steps0), x->w.lo,
	    x->deadline, x->tol, &sv, e->res.why, sizeof e->res.why);
	if (r < 0)
		return agent_failed(e);
	e->clock.prev_at = x->w.lo;
	e->clock.prev_send = false;
	if (r == 0) {
		e->clock.ref = eng_now(e);
		x->ok = x->deferred = true;
		return ENG_END;
	}
	e->clock.ref = sv.t_ns;
	x->ok = sv.ok;
	x->t_ns = sv.t_ns;
	x->dev_ns = sv.dev_ns;
	x->has_dev = true;
	if (sv.got[0] != '\0')
		x->got = xstrdup(sv.got);
	snprintf(x->why, sizeof x->why, "%s", sv.why);
	return ENG_END;
}

/* A system call or a %{ }% block without an agent (the parser makes
 * them only where the caller runs one). */
enum eng_next
eng_no_agent(struct engine *e, struct eng_exec *x)
{
	(void)e;
	snprintf(x->why, sizeof x->why, "no agent in the target's namespace "
	    "for this line");
	return ENG_END;
}

void
eng_agent_late(void *arg, const struct step *st,
    const struct sysstep_verdict *sv)
{
	eng_verdict_emit(arg, st, sv->ok, sv->got[0] != '\0' ? sv->got : NULL,
	    sv->why, sv->t_ns, sv->dev_ns, true);
}
