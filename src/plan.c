/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan.c: the steps of a planned conversation carried out by a TCB over
 * the session: user calls, and waits for a state or a condition. */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "burst.h"
#include "endpoint.h"
#include "flow.h"
#include "plan.h"
#include "session.h"
#include "status.h"
#include "xmalloc.h"

/* One run of a plan. */
struct plan_ctx {
	const struct plan *p;
	struct session	*s;
	struct endpoint	*ep;
	struct ep_flow	*fl;
	volatile sig_atomic_t *stop;
	const struct plan_hooks *h;
	struct plan_result *r;
	enum plan_cond	 cond;		/* of the wait under way */
	bool		 closing;	/* the wait is a PLAN_CLOSE */
	bool		 tw_status;	/* the status line says TIME_WAIT */
};

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

struct plan_step *
plan_add(struct plan *p, enum plan_kind kind)
{
	struct plan_step *st;

	p->steps = xreallocarray(p->steps, p->n + 1, sizeof *p->steps);
	st = &p->steps[p->n++];
	memset(st, 0, sizeof *st);
	st->kind = kind;
	return st;
}

void
plan_await(struct plan *p, enum plan_cond cond, int64_t timeout_ns,
    const char *what)
{
	struct plan_step *st = plan_add(p, PLAN_AWAIT);

	st->cond = cond;
	st->timeout_ns = timeout_ns;
	st->what = what;
}

static void
fail_why(struct plan_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail_why(struct plan_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->r->failed != NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(c->r->why, sizeof c->r->why, fmt, ap);
	va_end(ap);
	c->r->failed = c->r->why;
}

static const char *
signal_name(int sig)
{
	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	}
	return "a signal";
}

/* ---- Waiting ---- */

static bool
cond_holds(void *arg)
{
	struct plan_ctx *c = arg;
	const struct flow *f = ep_flow_tcb(c->fl);
	size_t got;

	if (f->state == FLOW_TIME_WAIT && !c->tw_status) {
		c->tw_status = true;
		status_begin("TIME_WAIT", f->cfg.time_wait_ns);
	}
	if (f->state == FLOW_CLOSED)
		return true;
	if (c->closing)
		return false;
	switch (c->cond) {
	case PLAN_ESTABLISHED:
		return f->state != FLOW_SYN_SENT;
	case PLAN_ACKED:
		return f->bytes_acked >= c->p->written;
	case PLAN_ECHOED:
		ep_flow_received(c->fl, &got);
		return got >= c->p->written;
	case PLAN_PEER_FIN:
		return f->state == FLOW_CLOSE_WAIT;
	case PLAN_TIME:
	case PLAN_SYNACKS:
		return false;
	}
	return true;
}

/* Serve the session until the condition holds or len passes. False when
 * the conversation cannot go on (r says why). */
static bool
wait_for(struct plan_ctx *c, int64_t len, const char *what, bool may_end)
{
	const struct flow *f = ep_flow_tcb(c->fl);
	enum session_status st;
	char err[256];

	status_begin(what, len);
	st = session_run(c->s, session_now(c->s) + len, cond_holds, c, err,
	    sizeof err);
	status_end();
	if (st == SESSION_ERROR) {
		c->r->error = true;
		fail_why(c, "%s", err);
		return false;
	}
	if (st == SESSION_STOPPED) {
		fail_why(c, "interrupted by %s", signal_name(*c->stop));
		return false;
	}
	if (f->state == FLOW_CLOSED && !c->closing) {
		fail_why(c, "%s", flow_end_name(f->end));
		return false;
	}
	if (st == SESSION_DEADLINE && !may_end) {
		fail_why(c, "%s: nothing within %.3f s", what,
		    (double)len / 1e9);
		return false;
	}
	return true;
}

static bool
echo_matches(struct plan_ctx *c)
{
	const uint8_t *got;
	size_t len, i, off = 0;

	got = ep_flow_received(c->fl, &len);
	if (len < c->p->written) {
		fail_why(c, "data not echoed: %zu of %zu bytes came back", len,
		    c->p->written);
		return false;
	}
	for (i = 0; i < c->p->n; i++) {
		const struct plan_step *w = &c->p->steps[i];

		if (w->kind != PLAN_WRITE)
			continue;
		if (memcmp(got + off, w->data, w->len) != 0) {
			fail_why(c, "data not echoed: the bytes that came back "
			    "differ from those sent");
			return false;
		}
		off += w->len;
	}
	return true;
}

/* The SYN-ACKs watched (--no-final-ack): the time runs out; none is a
 * failure. */
static bool
step_watch(struct plan_ctx *c, const struct plan_step *st)
{
	const struct flow *f = ep_flow_tcb(c->fl);
	char err[256];

	status_begin(st->what, st->timeout_ns);
	if (session_run(c->s, session_now(c->s) + st->timeout_ns, cond_holds,
	    c, err, sizeof err) == SESSION_ERROR) {
		c->r->error = true;
		fail_why(c, "%s", err);
		return false;
	}
	status_end();
	if (c->stop != NULL && *c->stop)
		fail_why(c, "interrupted by %s", signal_name(*c->stop));
	if (c->h->synacks == NULL || c->h->synacks(c->h->arg) == 0)
		fail_why(c, "no SYN-ACK within %.3f s (%s)",
		    (double)st->timeout_ns / 1e9, flow_end_name(f->end));
	return c->r->failed == NULL;
}

static bool
step_await(struct plan_ctx *c, const struct plan_step *st)
{
	c->cond = st->cond;
	c->closing = false;
	switch (st->cond) {
	case PLAN_SYNACKS:
		return step_watch(c, st);
	case PLAN_TIME:
		return wait_for(c, st->timeout_ns, st->what, true);
	case PLAN_ECHOED:
		return wait_for(c, st->timeout_ns, st->what, false) &&
		    echo_matches(c);
	default:
		return wait_for(c, st->timeout_ns, st->what, false);
	}
}

/* Until both directions are closed; with rearm, the bound counts from
 * the last byte received (the target may keep sending after our FIN). */
static bool
step_close(struct plan_ctx *c, const struct plan_step *st)
{
	const struct flow *f = ep_flow_tcb(c->fl);
	size_t before, after;

	c->closing = true;
	for (;;) {
		ep_flow_received(c->fl, &before);
		wait_for(c, st->timeout_ns, st->what, true);
		ep_flow_received(c->fl, &after);
		if (f->state == FLOW_CLOSED || c->r->failed != NULL ||
		    !st->rearm || after == before)
			break;
	}
	c->closing = false;
	if (f->state == FLOW_CLOSED && f->end == FLOW_END_CLOSED)
		return true;
	if (f->state == FLOW_CLOSED)
		fail_why(c, "%s", flow_end_name(f->end));
	else
		fail_why(c, "%s: still %s after %.3f s", st->what,
		    flow_state_name(f->state), (double)st->timeout_ns / 1e9);
	return false;
}

/* ---- Steps ---- */

/* A user call's outcome: 1 is a refusal (a note says why). */
static bool
user_call(struct plan_ctx *c, const struct plan_step *st, int rc,
    const char *err)
{
	if (rc == -1) {
		c->r->error = true;
		fail_why(c, "%s", err);
		return false;
	}
	if (rc == 1 && !st->lenient) {
		fail_why(c, "the flow refused the call (see the note above)");
		return false;
	}
	return true;
}

/* The burst's lanes run to their end; a sender's error is the plan's. */
static bool
step_burst(struct plan_ctx *c, const struct plan_step *st)
{
	char err[256];

	if (burst_run(st->burst, c->stop, err, sizeof err) == 0)
		return true;
	fail_why(c, "%s", err);
	c->r->error = true;
	return false;
}

static bool
step_run(struct plan_ctx *c, const struct plan_step *st)
{
	char err[256] = "";

	switch (st->kind) {
	case PLAN_OPEN:
		return user_call(c, st, endpoint_connect(c->ep, c->fl, err,
		    sizeof err), err);
	case PLAN_WRITE:
		return user_call(c, st, endpoint_send(c->ep, c->fl, st->data,
		    st->len, err, sizeof err), err);
	case PLAN_SHUTDOWN:
		return user_call(c, st, endpoint_shutdown(c->ep, c->fl, err,
		    sizeof err), err);
	case PLAN_ABORT:
		return user_call(c, st, endpoint_abort(c->ep, c->fl, err,
		    sizeof err), err);
	case PLAN_CLOSE:
		return step_close(c, st);
	case PLAN_AWAIT:
		return step_await(c, st);
	case PLAN_BURST:
		return step_burst(c, st);
	}
	return false;
}

void
plan_run(const struct plan *p, struct session *s, struct endpoint *ep,
    struct ep_flow *fl, volatile sig_atomic_t *stop,
    const struct plan_hooks *h, struct plan_result *r)
{
	static const struct plan_hooks none;
	struct plan_ctx c = { .p = p, .s = s, .ep = ep, .fl = fl,
	    .stop = stop, .h = h != NULL ? h : &none, .r = r };
	const struct flow *f = fl != NULL ? ep_flow_tcb(fl) : NULL;
	char err[256];
	size_t i;

	memset(r, 0, sizeof *r);
	for (i = 0; i < p->n; i++)
		if ((r->failed == NULL || p->steps[i].always) && !r->error)
			step_run(&c, &p->steps[i]);
	/* Failed or interrupted with the target holding state: reset it
	 * rather than leave it a connection nobody will close. */
	if (r->failed != NULL && !r->error && f != NULL &&
	    f->state != FLOW_CLOSED &&
	    f->state != FLOW_SYN_SENT && f->state != FLOW_TIME_WAIT)
		endpoint_abort(ep, fl, err, sizeof err);
}
