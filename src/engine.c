/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine.c: the scenario run loop: steps sent on time, the target's
 * segments captured and matched with deadlines, verdicts as EV_STEP. */
#include "config.h"

#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmdrun.h"
#include "coalesce.h"
#include "decode.h"
#include "engine.h"
#include "match.h"
#include "status.h"
#include "fmt.h"
#include "offload.h"
#include "route.h"
#include "target.h"
#include "session.h"
#include "syscall-step.h"
#include "syscall.h"
#include "xmalloc.h"

#define ENGINE_GRACE_NS		2000000LL	/* a stamp read after its deadline */

/* A scenario's flow: its conversation in the session, and what the
 * target may still hold for it (eng_reset_open). */
struct eng_clock;

struct eng_flow {
	struct engine	*e;
	struct conn	*c;		/* ports, seqspace, the target's
					 * segments waiting for '>' lines */
	bool		 opened;	/* we sent on it */
	bool		 rst;		/* a RST went either way */
	bool		 fin_out;	/* we sent a FIN */
	bool		 fin_in;	/* the target sent one */
	bool		 fin_acked;	/* and we acknowledged it */
	uint32_t	 fin_in_end;	/* the target's seq after its FIN */
	uint32_t	 snd_nxt;	/* ours after the last send (wire) */
	uint16_t	 out_sport, out_dport;	/* the last send's ports */
};

struct engine {
	const struct script		*sc;
	const struct engine_config	*cfg;
	struct route	 rt;
	uint16_t	 dport;
	struct session	*s;
	bool		 started;	/* the run's clock is running */
	int64_t		 end_ns;	/* on it, when the session closed */
	struct eng_flow	*flows;
	size_t		 nflows;
	int64_t		 tol_us;
	double		 tol_pct;
	unsigned	 mtu;		/* the interface's; 0: unknown */
	bool		 wire_failed;
	struct sysstep	*sys;		/* the agent, for a file with system
					 * calls */
	char		 err[256];
	struct engine_result *res;
	struct eng_clock *clk;		/* engine_open(): the steps' clock */
};

/* ------------------------------------------------------------ clock */

static int64_t
eng_now(const struct engine *e)
{
	return session_now(e->s);
}

static bool
eng_stopped(const struct engine *e)
{
	return e->cfg->stop != NULL && *e->cfg->stop;
}

/* ----------------------------------------------------------- events */

static void eng_note(struct engine *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
eng_note(struct engine *e, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	session_note(e->s, "%s", text);
}

/* ---------------------------------------------------------- capture */

/* A super-segment (TSO, GSO, GRO) is matched as the segments that were on
 * the wire (offload.h); the report shows it once, as captured. */
static void
eng_push_wire(struct engine *e, struct conn *c, const struct wire_pkt *pkt)
{
	struct segment *parts;
	size_t n, i;

	n = offload_wire_segments(&pkt->d.seg, pkt->d.iplen, e->mtu,
	    c->syn_mss, &parts);
	if (n > 1)
		eng_note(e, "a super-segment of %" PRIu32 " bytes: matched as "
		    "the %zu segments of %" PRIu32 " it was on the wire",
		    pkt->d.seg.len, n, parts[0].len);
	for (i = 0; i < n; i++)
		conn_push(c, &parts[i], pkt->t_ns);
	offload_split_free(parts, n);
}

/* ------------------------------------------- what the target holds */

static bool
seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static void
flow_track_in(struct eng_flow *f, const struct segment *s)
{
	if (s->flags & TH_RST_)
		f->rst = true;
	if (s->flags & TH_FIN_) {
		f->fin_in = true;
		f->fin_in_end = s->seq + s->len + 1 +
		    ((s->flags & TH_SYN_) ? 1 : 0);
	}
}

static void
flow_track_out(struct eng_flow *f, const struct segment *s)
{
	uint32_t end = s->seq + s->len + ((s->flags & TH_SYN_) ? 1 : 0) +
	    ((s->flags & TH_FIN_) ? 1 : 0);

	if (!f->opened || seq_after(end, f->snd_nxt))
		f->snd_nxt = end;
	f->opened = true;
	f->out_sport = s->sport;
	f->out_dport = s->dport;
	if (s->flags & TH_RST_)
		f->rst = true;
	if (s->flags & TH_FIN_)
		f->fin_out = true;
	if (f->fin_in && (s->flags & TH_ACK_) &&
	    !seq_after(f->fin_in_end, s->ack))
		f->fin_acked = true;
}

/*
 * Every way a run ends (the last step, a failure, a signal), a flow the
 * target may still hold gets a RST at our next sequence number, as
 * connect does: an interrupted run must not leave the target's socket
 * ESTABLISHED. A flow reset either way, or closed both ways with the
 * target's FIN acknowledged, is left alone.
 */
static void
eng_reset_open(struct engine *e)
{
	struct segment rst;
	size_t i;
	int n = 0;

	for (i = 0; i < e->nflows; i++) {
		struct eng_flow *f = &e->flows[i];

		if (!f->opened || f->rst || (f->fin_out && f->fin_acked))
			continue;
		segment_init(&rst);
		rst.src = e->rt.src;
		rst.dst = e->rt.dst;
		rst.sport = f->out_sport;
		rst.dport = f->out_dport;
		rst.seq = f->snd_nxt;
		rst.flags = TH_RST_;
		rst.has |= SEG_HAS_PORTS;
		if (session_send(e->s, f->c, &rst, e->err,
		    sizeof e->err) == -1) {
			e->wire_failed = true;
			return;
		}
		f->rst = true;
		n++;
	}
	if (n > 0)
		eng_note(e, "reset %d flow%s the run left open", n,
		    n == 1 ? "" : "s");
}

/* The target's segment on a flow, its event queued by the session: it
 * waits for a '>' line. */
static void
eng_arrived(void *drv, struct conn *c, const struct wire_pkt *pkt,
    int64_t *rtt_ns)
{
	struct eng_flow *f = drv;

	(void)rtt_ns;
	flow_track_in(f, &pkt->d.seg);
	eng_push_wire(f->e, c, pkt);
}

static const struct conn_ops eng_conn_ops = {
	.arrived = eng_arrived,
};

/* Serve the wire until `until` (run ns), or sooner once done(arg). */
static void
eng_pump(struct engine *e, int64_t until, bool (*done)(void *), void *arg)
{
	if (session_run(e->s, until, done, arg, e->err, sizeof e->err) ==
	    SESSION_ERROR)
		e->wire_failed = true;
}

/* The status line for a wait until `until` (run ns) on step st. */
static void
eng_status(struct engine *e, const struct step *st, const char *what,
    int64_t until)
{
	char line[160];

	snprintf(line, sizeof line, "%s line %d (%s)", what, st->line,
	    st->text);
	status_begin(line, until - eng_now(e));
}

/* Keep reading the capture until `at`, then spin to it exactly. */
static void
eng_wait_until(struct engine *e, int64_t at)
{
	eng_pump(e, at - (e->cfg->spin_ns > 0 ? e->cfg->spin_ns :
	    ENGINE_SPIN_NS), NULL, NULL);
	while (!eng_stopped(e) && eng_now(e) < at)
		;
}

static bool
sent_done(void *arg)
{
	const struct engine *e = arg;

	return session_unseen(e->s) == 0;
}

static bool
flow_has_segment(void *arg)
{
	return conn_peek(arg) != NULL;
}

/* ------------------------------------------------------------ steps */

struct eng_clock {
	int64_t	 ref;		/* when the previous step completed */
	int64_t	 prev_at;	/* the previous step's scheduled time */
	bool	 prev_send;	/* the previous step was a '<' line */
	int64_t	 any_ns;	/* how long '*' waits; 0: ENGINE_ANY_WAIT_NS */
};

/* Where a step lies on the run's clock: [lo, hi], the gap it counts from
 * (for the tolerance), whether any time will do. */
struct eng_when {
	int64_t	 lo, hi, gap;
	bool	 any;
};

static struct eng_when
step_when(const struct step *st, const struct eng_clock *c)
{
	struct eng_when w = { c->ref, c->ref, 0, false };
	const struct step_time *t = &st->time;
	int64_t base = c->ref;

	if (st->kind == STEP_PACKET && st->dir == DIR_TO_TARGET && c->prev_send)
		base = c->prev_at;
	switch (t->kind) {
	case STEP_TIME_ABS:
		w.lo = t->start_ns;
		w.hi = t->window ? t->end_ns : t->start_ns;
		w.gap = w.lo - c->ref;
		break;
	case STEP_TIME_REL:
		w.lo = base + t->start_ns;
		w.hi = base + (t->window ? t->end_ns : t->start_ns);
		w.gap = t->start_ns;
		break;
	case STEP_TIME_ANY:
		w.hi = c->ref + (c->any_ns > 0 ? c->any_ns :
		    ENGINE_ANY_WAIT_NS);
		w.any = true;
		break;
	case STEP_TIME_NONE:
		break;
	}
	return w;
}

/* One step's verdict, to the sinks as EV_STEP. */
struct eng_verdict {
	bool		 ok;
	const char	*got;
	char		 why[1024];
	int64_t		 t_ns;
	int64_t		 dev_ns;
	bool		 has_dev;
};

static void
eng_verdict(struct engine *e, const struct step *st, struct eng_verdict *v)
{
	struct step_outcome o = { 0 };
	struct event ev;

	o.file = e->sc->file;
	o.line = st->line;
	o.ok = v->ok;
	o.flow = st->flow >= 0 ? e->sc->flows[st->flow].name : NULL;
	o.from_target = st->dir == DIR_FROM_TARGET;
	o.expected = st->text;
	o.got = v->got;
	o.awaited = st->kind == STEP_PACKET && st->dir == DIR_FROM_TARGET;
	o.asserts = o.awaited || st->kind == STEP_SILENCE ||
	    st->kind == STEP_SYSCALL || st->kind == STEP_PYTHON ||
	    st->kind == STEP_SHELL;
	o.why = v->ok ? NULL : v->why;
	o.t_ns = v->t_ns;
	o.dev_ns = v->dev_ns;
	o.has_dev = v->has_dev;
	event_init(&ev, EV_STEP);
	ev.t_ns = v->t_ns;
	ev.dir = st->dir;
	ev.outcome = &o;
	session_emit(e->s, &ev);
	e->res->nsteps++;
	if (!v->ok)
		e->res->nfailed++;
}

/* A segment sent; in a file with system calls (packetdrill's), one
 * larger than the path's MTU goes as the segments it would be on the
 * wire (coalesce.h). */
static int
eng_send_cut(struct engine *e, struct eng_flow *f, const struct segment *out)
{
	struct segment *parts;
	uint32_t room = 0, hdr;
	size_t n, k;
	int rc = 0;

	hdr = (out->src.family == AF_INET6 ? 40 : 20) + 20 +
	    (((uint32_t)segment_optlen(out) + 3) & ~3U);
	if (e->sc->syscalls && e->mtu > hdr)
		room = e->mtu - hdr;
	n = coalesce_cut(out, room, &parts);
	for (k = 0; k < n && rc == 0; k++)
		if ((rc = session_send(e->s, f->c, &parts[k], e->err,
		    sizeof e->err)) == 0)
			flow_track_out(f, &parts[k]);
	offload_split_free(parts, n);
	return rc;
}

struct eng_run {
	struct conn	*c;
	uint32_t	 want;
};

static bool
run_complete(void *arg)
{
	struct eng_run *r = arg;

	return coalesce_run(r->c, r->want) >= r->want;
}

/* A '>' line of packetdrill's longer than the segment that came: the
 * contiguous segments after it, as its kernel's super-segment. */
static void
eng_coalesce(struct engine *e, const struct step *st, struct eng_flow *f,
    int64_t deadline)
{
	struct conn_rcvd *rc = conn_peek(f->c);
	struct eng_run r = { f->c, st->seg.len };

	if (!e->sc->syscalls || rc == NULL || (st->seg.has & SEG_ANY_SEQ) ||
	    rc->seg.len == 0 || rc->seg.len >= st->seg.len)
		return;
	eng_pump(e, deadline + COALESCE_WAIT_NS, run_complete, &r);
	coalesce_merge(f->c, st->seg.len);
}

static bool
step_send(struct engine *e, const struct step *st, struct eng_clock *c,
    struct eng_verdict *v)
{
	struct eng_flow *f = &e->flows[st->flow];
	struct eng_when w = step_when(st, c);
	struct segment out;
	int64_t user_ns = 0;
	uint64_t seen;
	int rc;

	eng_wait_until(e, w.lo);
	/* In a file with system calls each SYN we send gives its number as
	 * our ISN (a new connection of the file's starts its own numbers;
	 * a retransmitted SYN gives the same). */
	if (e->sc->syscalls && (st->seg.flags & TH_SYN_) &&
	    !(st->seg.has & SEG_ABS_SEQ))
		f->c->ss.known[SEQ_LOCAL] = false;
	match_outgoing(&st->seg, &f->c->ss, &out);
	out.src = e->rt.src;
	out.dst = e->rt.dst;
	if (!(st->seg.has & SEG_HAS_PORTS)) {
		out.sport = f->c->lport;
		out.dport = e->dport;
	}
	seen = f->c->sent;
	rc = eng_send_cut(e, f, &out);
	if (rc == 0)
		user_ns = eng_now(e);
	segment_clear(&out);
	if (rc != 0) {
		e->wire_failed = true;
		return false;
	}
	/* The send's time is its kernel stamp: wait for the capture (the
	 * session gives it up after its wait, and says so). */
	eng_pump(e, WIRE_NEVER, sent_done, e);
	if (e->wire_failed)
		return false;
	if (f->c->sent == seen)
		f->c->last_sent_t = user_ns;
	c->ref = f->c->last_sent_t;
	c->prev_at = w.lo;
	c->prev_send = true;
	v->ok = true;
	v->t_ns = f->c->last_sent_t;
	v->dev_ns = v->t_ns - w.lo;
	v->has_dev = true;
	/* A late send still passes (the target saw what it saw), but the
	 * file's verdict counts it: a busy machine never goes unseen. */
	if (v->dev_ns > match_tolerance_ns(e->tol_us, e->tol_pct, w.gap))
		e->res->nlate++;
	return true;
}

/* The segment seen, as a packet line in the script's numbers. */
static char *
got_text(const struct step *st, const struct eng_flow *f,
    const struct segment *got)
{
	struct segment view;
	char *s;
	int fmt = SEGFMT_PREVIEW;

	if (st->seg.has & (SEG_HAS_TTL | SEG_HAS_TOS | SEG_HAS_ECN))
		fmt |= SEGFMT_IP;
	match_view(got, &st->seg, &f->c->ss, &view);
	view.has &= ~(uint32_t)SEG_HAS_PORTS;
	if (!(st->seg.has & SEG_HAS_WIN))
		view.has &= ~(uint32_t)SEG_HAS_WIN;
	s = segment_format(&view, fmt);
	segment_clear(&view);
	return s;
}

/* In a file with system calls, a '>' SYN line for a new connection (its
 * target's numbers known from an earlier one) leaves aside what the
 * earlier connection still sends on the four-tuple (its FIN, its RST):
 * packetdrill's new socket has a port of its own. True when one was. */
static bool
eng_left_over(struct engine *e, const struct step *st, struct eng_flow *f)
{
	struct conn_rcvd *rc = conn_peek(f->c);
	char *text;

	if (!e->sc->syscalls || rc == NULL || !f->c->ss.known[SEQ_REMOTE] ||
	    (st->seg.flags & (TH_SYN_ | TH_ACK_)) != TH_SYN_ ||
	    (rc->seg.flags & TH_SYN_))
		return false;
	text = got_text(st, f, &rc->seg);
	eng_note(e, "line %d: left aside, from the file's earlier connection: "
	    "%s", st->line, text);
	free(text);
	conn_take(f->c, rc);
	return true;
}

/* In a file with system calls, a SYN of the target's at another ISN than
 * the flow's is a new connection of the file's (a socket after a closed
 * one: packetdrill's scripts number each from 0): its numbers are
 * learned again. */
static void
eng_new_conn(struct engine *e, const struct step *st, struct eng_flow *f,
    const struct segment *got)
{
	struct seqspace *b = &f->c->ss;

	if (e->sc->syscalls && b->known[SEQ_REMOTE] &&
	    (got->flags & TH_SYN_) && (st->seg.flags & TH_SYN_) &&
	    !(st->seg.has & (SEG_ANY_SEQ | SEG_ABS_SEQ)) &&
	    got->seq - b->isn[SEQ_REMOTE] != st->seg.seq) {
		b->known[SEQ_REMOTE] = false;
		b->ts_known = false;
		f->rst = f->fin_in = f->fin_out = f->fin_acked = false;
	}
}

static bool
step_expect(struct engine *e, const struct step *st, struct eng_clock *c,
    struct eng_verdict *v, char **got)
{
	struct eng_flow *f = &e->flows[st->flow];
	struct eng_when w = step_when(st, c);
	int64_t tol = match_tolerance_ns(e->tol_us, e->tol_pct, w.gap);
	int64_t deadline = w.any ? w.hi : w.hi + tol;
	struct match_result r;
	struct conn_rcvd *rc;
	char tw[160] = "", t[32], *diffs;
	bool seg_ok, time_ok = true;

	eng_status(e, st, "waiting for", deadline);
	eng_pump(e, deadline + ENGINE_GRACE_NS, flow_has_segment, f->c);
	while (eng_left_over(e, st, f))
		eng_pump(e, deadline + ENGINE_GRACE_NS, flow_has_segment,
		    f->c);
	status_end();
	eng_coalesce(e, st, f, deadline);
	if ((rc = conn_peek(f->c)) == NULL) {
		v->t_ns = eng_now(e);
		snprintf(v->why, sizeof v->why, "no segment arrived by %s",
		    fmt_time(deadline, t, sizeof t));
		c->ref = v->t_ns;
		c->prev_at = w.lo;
		c->prev_send = false;
		return false;
	}
	eng_new_conn(e, st, f, &rc->seg);
	match_learn(&f->c->ss, &st->seg, &rc->seg);
	seg_ok = match_segment(&st->seg, &rc->seg, &f->c->ss, &r);
	if (!w.any) {
		time_ok = match_time(w.lo, w.hi, tol, rc->t_ns, &v->dev_ns, tw,
		    sizeof tw);
		v->has_dev = true;
	}
	*got = got_text(st, f, &rc->seg);
	v->got = *got;
	v->t_ns = rc->t_ns;
	diffs = match_result_str(&r);
	snprintf(v->why, sizeof v->why, "%s%s%s", diffs, diffs[0] != '\0' &&
	    tw[0] != '\0' ? "; " : "", tw);
	free(diffs);
	c->ref = rc->t_ns;
	conn_take(f->c, rc);
	c->prev_at = w.lo;
	c->prev_send = false;
	return seg_ok && time_ok;
}

struct eng_span {
	struct conn	*c;
	int64_t		 lo, hi;
};

static bool
span_has_segment(void *arg)
{
	struct eng_span *sp = arg;

	return conn_find_in(sp->c, sp->lo, sp->hi) != NULL;
}

/* Silence: a segment of the flow seen in the window, not taken by an
 * earlier step, fails it; one seen before the window stays for the next
 * expected line. */
static bool
step_silence(struct engine *e, const struct step *st, struct eng_clock *c,
    struct eng_verdict *v, char **got)
{
	struct eng_flow *f = &e->flows[st->flow];
	struct eng_when w = step_when(st, c);
	struct eng_span sp = { f->c, w.lo, w.hi };
	struct conn_rcvd *rc;
	char from[32], until[32], at[32];

	eng_status(e, st, "silence asked by", w.hi);
	eng_pump(e, w.hi, span_has_segment, &sp);
	status_end();
	c->prev_at = w.lo;
	c->prev_send = false;
	if ((rc = conn_find_in(f->c, w.lo, w.hi)) == NULL) {
		v->t_ns = w.hi;
		c->ref = w.hi;
		return true;
	}
	*got = got_text(st, f, &rc->seg);
	v->got = *got;
	v->t_ns = c->ref = rc->t_ns;
	snprintf(v->why, sizeof v->why, "silence: expected nothing from %s "
	    "to %s, got a segment at %s", fmt_time(w.lo, from, sizeof from),
	    fmt_time(w.hi, until, sizeof until),
	    fmt_time(rc->t_ns, at, sizeof at));
	conn_take(f->c, rc);
	return false;
}

/* Run a command, reading the capture meanwhile; its stdout goes to our
 * stderr so that reports on stdout (TAP, JSON) stay clean. */
static bool
step_shell(struct engine *e, const struct step *st, struct eng_clock *c,
    struct eng_verdict *v)
{
	struct eng_when w = step_when(st, c);
	struct cmdrun *run;
	char err[128];
	int64_t deadline;
	int r, status;

	eng_wait_until(e, w.lo);
	v->dev_ns = eng_now(e) - w.lo;
	v->has_dev = true;
	/* As the run's user, or as root when the file said so (cmdrun.h). */
	if ((run = cmdrun_start(st->command, err, sizeof err)) == NULL) {
		snprintf(v->why, sizeof v->why, "command: %s", err);
		return false;
	}
	deadline = eng_now(e) + ENGINE_SHELL_WAIT_NS;
	while ((r = cmdrun_poll(run, &status, err, sizeof err)) == 0) {
		if (eng_now(e) >= deadline || eng_stopped(e)) {
			cmdrun_kill(run);
			cmdrun_free(run);
			snprintf(v->why, sizeof v->why, "command: still running "
			    "after %lld s, killed", ENGINE_SHELL_WAIT_NS /
			    1000000000LL);
			c->ref = v->t_ns = eng_now(e);
			return false;
		}
		eng_pump(e, eng_now(e) + 1000000, NULL, NULL);
	}
	cmdrun_free(run);
	c->ref = v->t_ns = eng_now(e);
	c->prev_at = w.lo;
	c->prev_send = false;
	if (r < 0)
		snprintf(v->why, sizeof v->why, "command: %s", err);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	else if (WIFEXITED(status))
		snprintf(v->why, sizeof v->why, "command: exit status %d",
		    WEXITSTATUS(status));
	else
		snprintf(v->why, sizeof v->why, "command: killed by signal %d",
		    WTERMSIG(status));
	return false;
}

/* A blocking call's verdict, once it returned. */
static void
eng_late(void *arg, const struct step *st, const struct sysstep_verdict *sv)
{
	struct engine *e = arg;
	struct eng_verdict v;

	memset(&v, 0, sizeof v);
	v.ok = sv->ok;
	v.got = sv->got[0] != '\0' ? sv->got : NULL;
	v.t_ns = sv->t_ns;
	v.dev_ns = sv->dev_ns;
	v.has_dev = true;
	snprintf(v.why, sizeof v.why, "%s", sv->why);
	eng_verdict(e, st, &v);
}

/* A system call (or, in a file with them, a command) made by the agent
 * in the target's namespace. false when the agent or the wire failed;
 * *deferred when a blocking call was handed over. */
static bool
step_agent(struct engine *e, const struct step *st, struct eng_clock *c,
    struct eng_verdict *v, char **got, bool *deferred)
{
	struct eng_when w = step_when(st, c);
	struct sysstep_verdict sv;
	int64_t end_at = 0, tol;
	int r;

	if (sysstep_settle(e->sys, e->s, false, e->err, sizeof e->err) ==
	    -1) {
		e->wire_failed = true;
		return false;
	}
	if (st->kind == STEP_SYSCALL && st->call->blocking)
		end_at = st->time.kind == STEP_TIME_REL ? w.lo -
		    st->time.start_ns + st->call->end_ns : st->call->end_ns;
	tol = match_tolerance_ns(e->tol_us, e->tol_pct, end_at > 0 ?
	    end_at - w.lo : w.gap);
	eng_wait_until(e, w.lo);
	r = sysstep_run(e->sys, e->s, st, (size_t)(st - e->sc->steps), w.lo,
	    end_at, tol, &sv, e->err, sizeof e->err);
	if (r < 0) {
		e->wire_failed = true;
		return false;
	}
	c->prev_at = w.lo;
	c->prev_send = false;
	if (r == 0) {
		c->ref = eng_now(e);
		*deferred = true;
		return true;
	}
	c->ref = sv.t_ns;
	v->ok = sv.ok;
	v->t_ns = sv.t_ns;
	v->dev_ns = sv.dev_ns;
	v->has_dev = true;
	if (sv.got[0] != '\0')
		v->got = *got = xstrdup(sv.got);
	snprintf(v->why, sizeof v->why, "%s", sv.why);
	return true;
}

static bool
step_run(struct engine *e, const struct step *st, struct eng_clock *c)
{
	struct eng_verdict v;
	struct eng_when w;
	char *got = NULL;
	bool deferred = false;

	memset(&v, 0, sizeof v);
	if (e->sys != NULL && (st->kind == STEP_SYSCALL ||
	    st->kind == STEP_SHELL || st->kind == STEP_PYTHON)) {
		if (!step_agent(e, st, c, &v, &got, &deferred))
			return false;
		if (deferred)
			return true;
		goto judged;
	}
	switch (st->kind) {
	case STEP_PACKET:
		if (st->dir == DIR_TO_TARGET) {
			if (!step_send(e, st, c, &v))
				return false;	/* the wire failed */
		} else
			v.ok = step_expect(e, st, c, &v, &got);
		break;
	case STEP_SILENCE:
		v.ok = step_silence(e, st, c, &v, &got);
		break;
	case STEP_SHELL:
		v.ok = step_shell(e, st, c, &v);
		break;
	case STEP_WAIT:
		w = step_when(st, c);
		eng_pump(e, w.lo, NULL, NULL);
		c->ref = c->prev_at = v.t_ns = w.lo;
		c->prev_send = false;
		v.ok = true;
		break;
	case STEP_SYSCALL:	/* only with an agent (eng_open) */
	case STEP_PYTHON:
		break;
	}
judged:
	/* A step cut short by a signal is not a failure of the target; a
	 * silence or a wait cut short is no success either. */
	if (e->wire_failed || (eng_stopped(e) && (!v.ok ||
	    st->kind == STEP_SILENCE || st->kind == STEP_WAIT))) {
		e->res->stopped = eng_stopped(e);
		free(got);
		return false;
	}
	eng_verdict(e, st, &v);
	free(got);
	return v.ok || e->cfg->keep_going;
}

/* ------------------------------------------------------------ setup */

/* The session to the script's target: through the route, or on the
 * caller's wire. */
static int
eng_open_session(struct engine *e)
{
	struct session_config sc;
	struct wire_config *wc = &sc.wire_cfg;
	const char *abs;

	memset(&sc, 0, sizeof sc);
	sc.wire = e->cfg->wire;
	abs = script_option(e->sc, "absolute");
	sc.absolute = e->cfg->absolute || (abs != NULL &&
	    strcmp(abs, "yes") == 0);
	sc.stop = e->cfg->stop;
	sc.peer = e->cfg->peer;
	sc.emit = e->cfg->emit;
	sc.emit_arg = e->cfg->emit_arg;
	if (sc.wire == NULL) {
		if (target_route(e->sc->target_host, e->cfg->ifname,
		    e->cfg->source, &e->rt, e->err, sizeof e->err) < 0)
			return -1;
		wc->local = e->rt.src;
		wc->remote = e->rt.dst;
		wc->ifname = e->rt.ifname;
		wc->rport = e->dport;
		wc->no_guard = e->cfg->no_guard;
		/* The guard first: without privileges, the line names
		 * CAP_NET_ADMIN (tcpshake(1), run). */
		wc->guard_first = true;
	}
	if ((e->s = session_open(&sc, e->err, sizeof e->err)) == NULL)
		return -1;
	e->rt.src = wire_config(session_wire(e->s))->local;
	e->rt.dst = wire_config(session_wire(e->s))->remote;
	return 0;
}

/* A port of our own for each flow: held (bound, not listening), so
 * nothing else on this host takes it while the scenario runs. */
static int
eng_open(struct engine *e)
{
	size_t i;

	if (e->sc->target_host == NULL) {
		snprintf(e->err, sizeof e->err, "no target: give --target "
		    "HOST:PORT or a 'target' line");
		return -1;
	}
	e->dport = e->sc->target_port;
	e->nflows = e->sc->nflows;
	e->flows = xcalloc(e->nflows, sizeof *e->flows);
	/* Forked before the wire opens and root goes: it enters the
	 * target's namespace and makes calls there as root. */
	if (e->sc->syscalls) {
		if (e->cfg->agent_netns == NULL) {
			snprintf(e->err, sizeof e->err, "system-call lines "
			    "need a lab target: run it with --lab");
			return -1;
		}
		if ((e->sys = sysstep_start(e->sc, e->cfg->agent_netns,
		    eng_late, e, e->err, sizeof e->err)) == NULL)
			return -1;
		/* packetdrill's '<' lines may exceed the MTU: our interface
		 * to the target takes them whole, as the target's does
		 * (agent.c), before the capture sizes itself. */
		if (e->cfg->wire == NULL && target_route(e->sc->target_host,
		    e->cfg->ifname, e->cfg->source, &e->rt, e->err,
		    sizeof e->err) == 0)
			sysstep_wide_mtu(e->rt.ifname);
	}
	if (eng_open_session(e) < 0)
		return -1;
	e->mtu = offload_iface_mtu(e->rt.ifname);
	for (i = 0; i < e->nflows; i++) {
		e->flows[i].e = e;
		if ((e->flows[i].c = session_add_conn(e->s,
		    e->sc->flows[i].sport, e->dport, true, &eng_conn_ops,
		    &e->flows[i], e->err, sizeof e->err)) == NULL)
			return -1;
	}
	if (e->sys != NULL && sysstep_addrs(e->sys, &e->rt.dst, e->dport,
	    &e->rt.src, e->flows[0].c->lport, e->err, sizeof e->err) == -1)
		return -1;
	/* Root goes now; the next file opens its wire with what is kept. */
	return privdrop_apply(e->cfg->drop, PRIVDROP_KEEP_BIND |
	    (e->cfg->no_guard ? 0 : PRIVDROP_KEEP_ADMIN), e->err,
	    sizeof e->err);
}

static void
eng_close(struct engine *e)
{
	if (e->started && !e->wire_failed)
		eng_reset_open(e);
	/* Stamps for the last sends, and what the target still says. */
	if (e->started && !e->wire_failed)
		eng_pump(e, eng_now(e) + ENGINE_GRACE_NS, NULL, NULL);
	if (e->s != NULL && e->started && !e->wire_failed)
		session_settle(e->s);
	free(e->flows);
	e->flows = NULL;
	if (e->started)
		e->end_ns = eng_now(e);
	session_close(e->s);
	e->s = NULL;
	/* After the RSTs above: its sockets close with it. */
	sysstep_stop(e->sys);
	e->sys = NULL;
}

/* The file's verdict: EV_STEP with line 0. */
static void
eng_file_verdict(struct engine *e, const char *error)
{
	struct step_outcome o = { 0 };
	struct event ev;

	o.file = e->sc->file;
	o.ok = error == NULL && e->res->nfailed == 0 && !e->res->stopped;
	o.nsteps = e->res->nsteps;
	o.nfailed = e->res->nfailed;
	o.nlate = e->res->nlate;
	o.nsteps_file = (int)e->sc->nsteps;
	o.stopped = e->res->stopped;
	o.error = error;
	if (e->started)
		o.t_ns = e->s != NULL ? eng_now(e) : e->end_ns;
	event_init(&ev, EV_STEP);
	ev.t_ns = o.t_ns;
	ev.outcome = &o;
	if (e->cfg->emit != NULL)
		e->cfg->emit(e->cfg->emit_arg, &ev);
}

/* After a failure, the cleanup commands still run: the untimed commands
 * after the last timed step (tcpshake-scenario(5), COMMANDS). */
static void
eng_cleanup(struct engine *e, size_t from, struct eng_clock *c)
{
	size_t first = e->sc->nsteps, k;

	while (first > 0 && e->sc->steps[first - 1].kind == STEP_SHELL &&
	    e->sc->steps[first - 1].time.kind == STEP_TIME_NONE)
		first--;
	for (k = first > from ? first : from; k < e->sc->nsteps; k++)
		step_run(e, &e->sc->steps[k], c);
}

int
engine_run(const struct script *sc, const struct engine_config *cfg,
    struct engine_result *r, char *err, size_t errlen)
{
	struct engine e;
	struct eng_clock c = { 0, 0, false, cfg->any_wait_ns };
	size_t i;
	int rc = 0;

	memset(&e, 0, sizeof e);
	memset(r, 0, sizeof *r);
	e.sc = sc;
	e.cfg = cfg;
	e.res = r;
	e.tol_us = cfg->tolerance_usecs >= 0 ? cfg->tolerance_usecs :
	    sc->tolerance_usecs;
	e.tol_pct = cfg->tolerance_percent >= 0 ? cfg->tolerance_percent :
	    sc->tolerance_percent;
	if (eng_open(&e) < 0) {
		snprintf(err, errlen, "%s: %s", sc->file, e.err);
		eng_file_verdict(&e, e.err);
		eng_close(&e);
		return -1;
	}
	/* Sleeps end when asked, not up to 50 us later (timer slack). */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	session_start(e.s);
	e.started = true;
	for (i = 0; i < sc->nsteps && !e.wire_failed; i++) {
		if (eng_stopped(&e)) {
			r->stopped = true;
			break;
		}
		if (!step_run(&e, &sc->steps[i], &c))
			break;
	}
	if (i < sc->nsteps && !e.wire_failed && !r->stopped)
		eng_cleanup(&e, i + 1, &c);
	/* A blocking call still out: its verdict. */
	if (e.sys != NULL && !e.wire_failed && !r->stopped &&
	    (sysstep_settle(e.sys, e.s, true, e.err, sizeof e.err) == -1 ||
	    sysstep_python(e.sys, e.s, sc->steps, e.err, sizeof e.err) == -1))
		e.wire_failed = true;
	if (e.wire_failed) {
		snprintf(err, errlen, "%s:%d: %s", sc->file, i < sc->nsteps ?
		    sc->steps[i].line : 0, e.err);
		rc = -1;
	}
	eng_close(&e);
	eng_file_verdict(&e, rc < 0 ? e.err : NULL);
	return rc;
}

/* ------------------------------------------- one step at a time */

struct engine *
engine_open(const struct script *sc, const struct engine_config *cfg,
    struct engine_result *r, char *err, size_t errlen)
{
	struct engine *e = xcalloc(1, sizeof *e);

	memset(r, 0, sizeof *r);
	e->sc = sc;
	e->cfg = cfg;
	e->res = r;
	e->tol_us = cfg->tolerance_usecs >= 0 ? cfg->tolerance_usecs :
	    sc->tolerance_usecs;
	e->tol_pct = cfg->tolerance_percent >= 0 ? cfg->tolerance_percent :
	    sc->tolerance_percent;
	e->clk = xcalloc(1, sizeof *e->clk);
	e->clk->any_ns = cfg->any_wait_ns;
	if (eng_open(e) < 0) {
		snprintf(err, errlen, "%s", e->err);
		engine_close(e);
		return NULL;
	}
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	session_start(e->s);
	e->started = true;
	return e;
}

/* The flows sc declares beyond the engine's (sc repeats the earlier ones
 * in order): conversations added; the array moves, so do the drivers. */
static int
eng_grow(struct engine *e, const struct script *sc)
{
	size_t i, n = e->nflows;

	if (sc->nflows <= n)
		return 0;
	e->flows = xreallocarray(e->flows, sc->nflows, sizeof *e->flows);
	memset(e->flows + n, 0, (sc->nflows - n) * sizeof *e->flows);
	e->nflows = sc->nflows;
	for (i = 0; i < n; i++)
		e->flows[i].c->drv = &e->flows[i];
	for (i = n; i < sc->nflows; i++) {
		e->flows[i].e = e;
		if ((e->flows[i].c = session_add_conn(e->s, sc->flows[i].sport,
		    e->dport, true, &eng_conn_ops, &e->flows[i], e->err,
		    sizeof e->err)) == NULL) {
			e->nflows = i;
			return -1;
		}
	}
	return 0;
}

int
engine_step(struct engine *e, const struct script *sc, size_t i,
    bool from_now, char *err, size_t errlen)
{
	int before = e->res->nfailed;
	bool ran;

	e->sc = sc;
	if (eng_grow(e, sc) < 0) {
		snprintf(err, errlen, "%s", e->err);
		return -1;
	}
	if (from_now) {
		e->clk->ref = e->clk->prev_at = eng_now(e);
		e->clk->prev_send = false;
	}
	e->res->stopped = false;
	ran = step_run(e, &sc->steps[i], e->clk);
	if (e->wire_failed) {
		snprintf(err, errlen, "%s", e->err);
		e->wire_failed = false;
		return -1;
	}
	return ran && e->res->nfailed == before && !e->res->stopped ? 1 : 0;
}

struct session *
engine_session(const struct engine *e)
{
	return e->s;
}

struct conn *
engine_flow_conn(const struct engine *e, size_t flow)
{
	return e->flows != NULL && flow < e->nflows ? e->flows[flow].c : NULL;
}

void
engine_close(struct engine *e)
{
	if (e == NULL)
		return;
	eng_close(e);
	free(e->clk);
	free(e);
}
