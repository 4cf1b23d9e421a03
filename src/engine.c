/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine.c: the step executor: a step fed, its phases run between the
 * session's waits until it has a verdict; the clock steps count from;
 * verdicts as data and EV_STEP; the end's resets; probe's burst. */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "burst.h"
#include "cmdrun.h"
#include "engine-int.h"
#include "offload.h"
#include "status.h"
#include "xmalloc.h"

/* ------------------------------------------------------------ basics */

int64_t
eng_now(const struct engine *e)
{
	return session_now(e->s);
}

bool
eng_stopped(const struct engine *e)
{
	return e->o.stop != NULL && *e->o.stop;
}

struct eng_flow *
eng_flow_of(struct engine *e, const struct step *st)
{
	return e->flows[st->flow];
}

int64_t
eng_spin_ns(const struct engine *e)
{
	return e->o.spin_ns > 0 ? e->o.spin_ns : ENGINE_SPIN_NS;
}

const char *
eng_signal_name(int sig)
{
	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	}
	return "a signal";
}

void
eng_fail(struct engine *e, const char *fmt, ...)
{
	va_list ap;

	if (e->res.failed != NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(e->res.why, sizeof e->res.why, fmt, ap);
	va_end(ap);
	e->res.failed = e->res.why;
}

void
eng_wait(struct engine *e, int64_t until, bool (*done)(void *), void *arg)
{
	struct eng_exec *x = &e->x;

	x->waiting = true;
	x->until = until;
	x->done = done;
	x->arg = arg;
}

void
eng_status(struct engine *e, const char *text, int64_t ns)
{
	status_begin(text, ns);
	e->x.status = true;
}

void
eng_spin_to(struct engine *e, int64_t at)
{
	while (!eng_stopped(e) && eng_now(e) < at)
		;
}

/* ------------------------------------------------------------ flows */

struct engine *
engine_new(struct session *s, const struct engine_opts *o)
{
	struct engine *e = xcalloc(1, sizeof *e);
	const char *ifname = wire_config(session_wire(s))->ifname;

	e->s = s;
	e->o = *o;
	e->clock.any_ns = o->any_wait_ns > 0 ? o->any_wait_ns :
	    ENGINE_ANY_WAIT_NS;
	e->mtu = offload_iface_mtu(ifname != NULL ? ifname : "");
	return e;
}

void
engine_free(struct engine *e)
{
	size_t i;

	if (e == NULL)
		return;
	if (e->x.cmd != NULL) {
		cmdrun_kill(e->x.cmd);
		cmdrun_free(e->x.cmd);
	}
	free(e->x.got);
	for (i = 0; i < e->nflows; i++) {
		free(e->flows[i]->written);
		free(e->flows[i]);
	}
	free(e->flows);
	free(e);
}

static struct eng_flow *
flow_new(struct engine *e)
{
	struct eng_flow *f = xcalloc(1, sizeof *f);

	f->e = e;
	e->flows = xreallocarray(e->flows, e->nflows + 1, sizeof *e->flows);
	e->flows[e->nflows++] = f;
	return f;
}

int
engine_add_flow(struct engine *e, uint16_t lport, uint16_t rport,
    char *err, size_t errlen)
{
	struct conn *c;

	/* A port of our own, held (bound, not listening), so nothing else
	 * on this host takes it while the flow runs. */
	if ((c = session_add_conn(e->s, lport, rport, true, &eng_written_ops,
	    NULL, err, errlen)) == NULL)
		return -1;
	c->drv = flow_new(e);
	e->flows[e->nflows - 1]->c = c;
	/* packetdrill's numbers in its files (seqspace.h) */
	c->ss.pd = e->syscalls;
	return (int)e->nflows - 1;
}

int
engine_add_tcb(struct engine *e, struct endpoint *ep, struct ep_flow *fl)
{
	struct eng_flow *f = flow_new(e);

	f->ep = ep;
	f->fl = fl;
	return (int)e->nflows - 1;
}

/* ------------------------------------------------------------ burst */

/* The burst's lanes run to their end (burst_run serves the session and
 * its lanes itself); a sender's error is the wire's. */
enum eng_next
eng_burst(struct engine *e, struct eng_exec *x)
{
	if (burst_run(x->st->burst, e->o.stop, e->res.why,
	    sizeof e->res.why) == -1) {
		e->res.error = true;
		e->res.failed = e->res.why;
		return ENG_FAILED;
	}
	x->ok = true;
	x->t_ns = eng_now(e);
	return ENG_END;
}

/* --------------------------------------------------------- dispatch */

typedef enum eng_next (*eng_phase_fn)(struct engine *, struct eng_exec *);

static const eng_phase_fn phases[STEP_NKINDS] = {
	[STEP_PACKET] = NULL,		/* eng_send or eng_expect */
	[STEP_SILENCE] = eng_silence,
	[STEP_SHELL] = eng_shell,
	[STEP_WAIT] = eng_pause,
	[STEP_PYTHON] = eng_no_agent,
	[STEP_SYSCALL] = eng_no_agent,
	[STEP_ICMP] = eng_icmp,
	[STEP_OPEN] = eng_tcb_call,
	[STEP_WRITE] = eng_tcb_call,
	[STEP_SHUTDOWN] = eng_tcb_call,
	[STEP_ABORT] = eng_tcb_call,
	[STEP_CLOSE] = eng_close,
	[STEP_AWAIT] = eng_await,
	[STEP_BURST] = eng_burst,
};

static eng_phase_fn
phase_fn(const struct engine *e, const struct step *st)
{
	/* In a file with system calls, its commands run in the target's
	 * namespace too, through the agent. */
	if (e->sys != NULL && (st->kind == STEP_SYSCALL ||
	    st->kind == STEP_SHELL || st->kind == STEP_PYTHON))
		return eng_agent;
	if (st->kind == STEP_PACKET)
		return st->dir == DIR_TO_TARGET ? eng_send : eng_expect;
	return phases[st->kind];
}

void
engine_feed(struct engine *e, const struct step *st)
{
	struct eng_exec *x = &e->x;

	free(x->got);
	memset(x, 0, sizeof *x);
	x->st = st;
	x->busy = true;
}

/* Serve the session for the step's wait: false while the caller's
 * `until` comes first. */
static bool
wait_serve(struct engine *e, struct eng_exec *x, int64_t until)
{
	int64_t lim = until < x->until ? until : x->until;
	enum session_status st;
	char err[256];

	st = session_run(e->s, lim, x->done, x->arg, err, sizeof err);
	if (st == SESSION_DEADLINE && lim < x->until)
		return false;
	if (st == SESSION_ERROR) {
		e->res.error = true;
		e->res.failed = NULL;
		snprintf(e->res.why, sizeof e->res.why, "%s", err);
		e->res.failed = e->res.why;
	}
	x->waiting = false;
	x->ended = st;
	if (x->status) {
		status_end();
		x->status = false;
	}
	return true;
}

void
eng_verdict_emit(struct engine *e, const struct step *st, bool ok,
    const char *got, const char *why, int64_t t_ns, int64_t dev_ns,
    bool has_dev)
{
	struct step_outcome *o = &e->x.out;
	struct event ev;

	memset(o, 0, sizeof *o);
	o->file = e->o.file;
	o->line = st->line;
	o->ok = ok;
	o->flow = st->flow >= 0 && e->o.flow_names != NULL ?
	    e->o.flow_names[st->flow] : NULL;
	o->from_target = st->dir == DIR_FROM_TARGET;
	o->expected = st->text;
	o->got = got;
	o->awaited = st->kind == STEP_PACKET && st->dir == DIR_FROM_TARGET;
	o->asserts = step_asserts(st);
	o->why = ok ? NULL : why;
	o->t_ns = t_ns;
	o->dev_ns = dev_ns;
	o->has_dev = has_dev;
	e->res.nsteps++;
	if (!ok) {
		e->res.nfailed++;
		eng_fail(e, "%s", why);
	}
	if (!e->o.verdicts)
		return;
	event_init(&ev, EV_STEP);
	ev.t_ns = t_ns;
	ev.dir = st->dir;
	ev.outcome = o;
	session_emit(e->s, &ev);
}

static void
verdict(struct engine *e, struct eng_exec *x)
{
	eng_verdict_emit(e, x->st, x->ok, x->got, x->why, x->t_ns, x->dev_ns,
	    x->has_dev);
}

static enum engine_poll
step_end(struct engine *e, struct eng_exec *x, enum eng_next n)
{
	enum step_kind k = x->st->kind;

	x->busy = false;
	if (x->status) {
		status_end();
		x->status = false;
	}
	if (x->cmd != NULL) {
		cmdrun_kill(x->cmd);
		cmdrun_free(x->cmd);
		x->cmd = NULL;
	}
	if (n == ENG_FAILED || e->res.error)
		return ENGINE_ERROR;
	/* A step cut short by a signal is not a failure of the target; a
	 * silence or a wait cut short is no success either. */
	if (eng_stopped(e) && (!x->ok || k == STEP_SILENCE ||
	    k == STEP_WAIT)) {
		e->res.stopped = true;
		eng_fail(e, "interrupted by %s", eng_signal_name(*e->o.stop));
		return ENGINE_STOPPED;
	}
	if (x->deferred)
		return ENGINE_DONE;	/* its verdict comes later */
	if (k >= STEP_OPEN) {
		/* A TCB's step ends now: the next relative time counts from
		 * here. */
		e->clock.ref = x->t_ns = eng_now(e);
		e->clock.prev_send = false;
	}
	verdict(e, x);
	return ENGINE_DONE;
}

/* No step under way: the session served all the same. */
static enum engine_poll
idle(struct engine *e, int64_t until)
{
	enum session_status st;

	if (e->res.error)
		return ENGINE_ERROR;
	st = session_run(e->s, until, NULL, NULL, e->res.why,
	    sizeof e->res.why);
	if (st == SESSION_ERROR) {
		e->res.error = true;
		e->res.failed = e->res.why;
		return ENGINE_ERROR;
	}
	return st == SESSION_STOPPED ? ENGINE_STOPPED : ENGINE_IDLE;
}

void
engine_clock_now(struct engine *e)
{
	e->clock.ref = e->clock.prev_at = eng_now(e);
	e->clock.prev_send = false;
}

struct session *
engine_session(const struct engine *e)
{
	return e->s;
}

struct conn *
engine_flow_conn(const struct engine *e, size_t flow)
{
	return flow < e->nflows ? e->flows[flow]->c : NULL;
}

enum engine_poll
engine_poll(struct engine *e, int64_t until)
{
	struct eng_exec *x = &e->x;
	enum eng_next n;

	if (!x->busy)
		return idle(e, until);
	for (;;) {
		if (x->waiting && !wait_serve(e, x, until))
			return ENGINE_BUSY;
		if (e->res.error)
			return step_end(e, x, ENG_FAILED);
		if ((n = phase_fn(e, x->st)(e, x)) != ENG_WAIT)
			return step_end(e, x, n);
	}
}

const struct step_outcome *
engine_outcome(const struct engine *e)
{
	return &e->x.out;
}

const struct engine_result *
engine_result(const struct engine *e)
{
	return &e->res;
}

/* ------------------------------------------------------ whole plans */

void
engine_run_steps(struct engine *e, const struct step *v, size_t n,
    bool keep_going, bool cleanup_after_stop)
{
	bool failed = false;
	size_t i;

	for (i = 0; i < n && !e->res.error; i++) {
		if (eng_stopped(e)) {
			e->res.stopped = true;
			eng_fail(e, "interrupted by %s",
			    eng_signal_name(*e->o.stop));
			if (!cleanup_after_stop)
				return;
			failed = true;
		}
		if (failed && !v[i].always)
			continue;
		engine_feed(e, &v[i]);
		switch (engine_poll(e, WIRE_NEVER)) {
		case ENGINE_DONE:
			if (!e->x.ok && !keep_going)
				failed = true;
			break;
		case ENGINE_STOPPED:
			if (!cleanup_after_stop)
				return;
			failed = true;
			break;
		case ENGINE_BUSY:
		case ENGINE_ERROR:
		case ENGINE_IDLE:
			return;
		}
	}
}

void
engine_finish(struct engine *e)
{
	size_t i;

	if (e->res.error)
		return;
	if (eng_reset_written(e) == -1)
		return;
	for (i = 0; i < e->nflows; i++)
		if (e->flows[i]->fl != NULL && e->res.failed != NULL)
			eng_reset_tcb(e, e->flows[i]);
}

void
engine_run_plan(struct session *s, const struct engine_opts *o,
    struct endpoint *ep, struct ep_flow *fl, const struct plan *p,
    struct engine_result *res)
{
	struct engine *e = engine_new(s, o);

	if (fl != NULL)
		engine_add_tcb(e, ep, fl);
	engine_run_steps(e, p->steps, p->n, false, true);
	engine_finish(e);
	*res = e->res;
	if (res->failed != NULL)
		res->failed = res->why;
	engine_free(e);
}
