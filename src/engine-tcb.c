/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine-tcb.c: a TCB's steps (endpoint.h): user calls, waits for a state
 * or a condition with a deadline, the close of both directions, the
 * reset after a failure. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"
#include "engine-int.h"
#include "flow.h"
#include "status.h"
#include "xmalloc.h"

static const struct flow *
tcb(const struct eng_flow *f)
{
	return ep_flow_tcb(f->fl);
}

static void
remember_written(struct eng_flow *f, const struct step *st)
{
	f->written = xrealloc(f->written, f->nwritten + st->len + 1);
	memcpy(f->written + f->nwritten, st->data, st->len);
	f->nwritten += st->len;
}

/* A user call's outcome: 1 is a refusal (a note says why). */
enum eng_next
eng_tcb_call(struct engine *e, struct eng_exec *x)
{
	const struct step *st = x->st;
	struct eng_flow *f = eng_flow_of(e, st);
	char err[256] = "";
	int rc = 0;

	switch (st->kind) {
	case STEP_OPEN:
		rc = endpoint_connect(f->ep, f->fl, err, sizeof err);
		break;
	case STEP_WRITE:
		rc = endpoint_send(f->ep, f->fl, st->data, st->len, err,
		    sizeof err);
		if (rc == 0)
			remember_written(f, st);
		break;
	case STEP_SHUTDOWN:
		rc = endpoint_shutdown(f->ep, f->fl, err, sizeof err);
		break;
	default:
		rc = endpoint_abort(f->ep, f->fl, err, sizeof err);
		break;
	}
	if (rc == -1) {
		e->res.error = true;
		snprintf(e->res.why, sizeof e->res.why, "%s", err);
		e->res.failed = e->res.why;
		return ENG_FAILED;
	}
	if (rc == 1 && !st->lenient)
		snprintf(x->why, sizeof x->why, "the flow refused the call "
		    "(see the note above)");
	else
		x->ok = true;
	return ENG_END;
}

/* ---- Waiting ---- */

static bool
cond_holds(void *arg)
{
	struct engine *e = arg;
	const struct step *st = e->x.st;
	struct eng_flow *f = eng_flow_of(e, st);
	const struct flow *t = tcb(f);
	size_t got;

	if (t->state == FLOW_TIME_WAIT && !f->tw_shown) {
		f->tw_shown = true;
		eng_status(e, "TIME_WAIT", t->cfg.time_wait_ns);
	}
	if (t->state == FLOW_CLOSED)
		return true;
	if (st->kind == STEP_CLOSE)
		return false;
	switch (st->cond) {
	case STEP_ESTABLISHED:
		return t->state != FLOW_SYN_SENT;
	case STEP_ACKED:
		return t->bytes_acked >= f->nwritten;
	case STEP_ECHOED:
		ep_flow_received(f->fl, &got);
		return got >= f->nwritten;
	case STEP_PEER_FIN:
		return t->state == FLOW_CLOSE_WAIT;
	case STEP_TIME:
	case STEP_SYNACKS:
		return false;
	}
	return true;
}

static void
wait_cond(struct engine *e, struct eng_exec *x)
{
	eng_status(e, x->st->what, x->st->timeout_ns);
	eng_wait(e, eng_now(e) + x->st->timeout_ns, cond_holds, e);
	x->phase = 1;
}

static bool
interrupted(struct engine *e, struct eng_exec *x)
{
	if (x->ended != SESSION_STOPPED)
		return false;
	snprintf(x->why, sizeof x->why, "interrupted by %s",
	    eng_signal_name(*e->o.stop));
	return true;
}

/* After a wait for a condition: false when the conversation cannot go on
 * (x->why says why). may_end: the time running out is as asked. */
static bool
wait_result(struct engine *e, struct eng_exec *x, bool may_end)
{
	const struct flow *t = tcb(eng_flow_of(e, x->st));

	if (interrupted(e, x))
		return false;
	if (t->state == FLOW_CLOSED) {
		snprintf(x->why, sizeof x->why, "%s", flow_end_name(t->end));
		return false;
	}
	if (x->ended == SESSION_DEADLINE && !may_end) {
		snprintf(x->why, sizeof x->why, "%s: nothing within %.3f s",
		    x->st->what, (double)x->st->timeout_ns / 1e9);
		return false;
	}
	return true;
}

static bool
echo_matches(struct eng_exec *x, const struct eng_flow *f)
{
	const uint8_t *got;
	size_t len;

	got = ep_flow_received(f->fl, &len);
	if (len < f->nwritten) {
		snprintf(x->why, sizeof x->why, "data not echoed: %zu of %zu "
		    "bytes came back", len, f->nwritten);
		return false;
	}
	if (f->nwritten > 0 && memcmp(got, f->written, f->nwritten) != 0) {
		snprintf(x->why, sizeof x->why, "data not echoed: the bytes "
		    "that came back differ from those sent");
		return false;
	}
	return true;
}

/* The SYN-ACKs watched (--no-final-ack): the time runs out; none is a
 * failure. */
static bool
watch_result(struct engine *e, struct eng_exec *x)
{
	const struct flow *t = tcb(eng_flow_of(e, x->st));

	if (eng_stopped(e)) {
		snprintf(x->why, sizeof x->why, "interrupted by %s",
		    eng_signal_name(*e->o.stop));
		return false;
	}
	if (e->o.synacks == NULL || e->o.synacks(e->o.synacks_arg) == 0) {
		snprintf(x->why, sizeof x->why, "no SYN-ACK within %.3f s (%s)",
		    (double)x->st->timeout_ns / 1e9, flow_end_name(t->end));
		return false;
	}
	return true;
}

enum eng_next
eng_await(struct engine *e, struct eng_exec *x)
{
	if (x->phase == 0) {
		wait_cond(e, x);
		return ENG_WAIT;
	}
	switch (x->st->cond) {
	case STEP_SYNACKS:
		x->ok = watch_result(e, x);
		break;
	case STEP_TIME:
		x->ok = wait_result(e, x, true);
		break;
	case STEP_ECHOED:
		x->ok = wait_result(e, x, false) &&
		    echo_matches(x, eng_flow_of(e, x->st));
		break;
	default:
		x->ok = wait_result(e, x, false);
		break;
	}
	return ENG_END;
}

/* Until both directions are closed; with rearm, the bound counts from
 * the last byte received (the target may keep sending after our FIN). */
enum eng_next
eng_close(struct engine *e, struct eng_exec *x)
{
	const struct step *st = x->st;
	const struct eng_flow *f = eng_flow_of(e, st);
	const struct flow *t = tcb(f);
	size_t after;

	if (x->phase == 1) {
		if (interrupted(e, x))
			return ENG_END;
		ep_flow_received(f->fl, &after);
		if (t->state == FLOW_CLOSED || !st->rearm ||
		    after == x->before)
			x->phase = 2;
	}
	if (x->phase == 0 || x->phase == 1) {
		ep_flow_received(f->fl, &x->before);
		wait_cond(e, x);
		return ENG_WAIT;
	}
	if (t->state == FLOW_CLOSED && t->end == FLOW_END_CLOSED)
		x->ok = true;
	else if (t->state == FLOW_CLOSED)
		snprintf(x->why, sizeof x->why, "%s", flow_end_name(t->end));
	else
		snprintf(x->why, sizeof x->why, "%s: still %s after %.3f s",
		    st->what, flow_state_name(t->state),
		    (double)st->timeout_ns / 1e9);
	return ENG_END;
}

/* Failed or interrupted with the target holding state: reset it rather
 * than leave it a connection nobody will close. */
void
eng_reset_tcb(struct engine *e, struct eng_flow *f)
{
	const struct flow *t = tcb(f);
	char err[256];

	(void)e;
	if (t->state != FLOW_CLOSED && t->state != FLOW_SYN_SENT &&
	    t->state != FLOW_TIME_WAIT)
		endpoint_abort(f->ep, f->fl, err, sizeof err);
}
