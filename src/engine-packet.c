/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine-packet.c: the steps of a flow the steps write (a scenario's
 * lines): send on time, expect with a deadline, silence, wait, command;
 * the target's segments kept for them; the RST at the end. */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdrun.h"
#include "coalesce.h"
#include "engine-int.h"
#include "fmt.h"
#include "match.h"
#include "offload.h"
#include "xmalloc.h"

#define ENGINE_GRACE_NS		2000000LL	/* a stamp read after its deadline */
#define ENGINE_SHELL_POLL_NS	1000000LL	/* a command's exit looked at */

/* ------------------------------------------------------- the clock */

struct eng_when
eng_step_when(const struct step *st, const struct eng_clock *c)
{
	struct eng_when w = { c->ref, c->ref, 0, false };
	const struct step_time *t = &st->time;
	int64_t base = c->ref;

	if ((st->kind == STEP_PACKET || st->kind == STEP_ICMP) &&
	    st->dir == DIR_TO_TARGET && c->prev_send)
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
		w.hi = c->ref + c->any_ns;
		w.any = true;
		break;
	case STEP_TIME_NONE:
		break;
	}
	return w;
}

/* The previous step for the next one's time: completed at ref, was
 * scheduled at x->w.lo. */
void
eng_clock_done(struct engine *e, struct eng_exec *x, int64_t ref, bool send)
{
	e->clock.ref = ref;
	e->clock.prev_at = x->w.lo;
	e->clock.prev_send = send;
}

/* ---------------------------------------------------------- capture */

/* A super-segment (TSO, GSO, GRO) is matched as the segments that were on
 * the wire (offload.h); the report shows it once, as captured. */
static void
push_wire(struct engine *e, struct conn *c, const struct wire_pkt *pkt)
{
	struct segment *parts;
	size_t n, i;

	n = offload_wire_segments(&pkt->d.seg, pkt->d.iplen, e->mtu,
	    c->syn_mss, &parts);
	if (n > 1)
		session_note(e->s, "a super-segment of %" PRIu32 " bytes: "
		    "matched as the %zu segments of %" PRIu32 " it was on the "
		    "wire", pkt->d.seg.len, n, parts[0].len);
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
track_in(struct eng_flow *f, const struct segment *s)
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
track_out(struct eng_flow *f, const struct segment *s)
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
 * connect does. A flow reset either way, or closed both ways with the
 * target's FIN acknowledged, is left alone.
 */
int
eng_reset_written(struct engine *e)
{
	const struct wire_config *wc = wire_config(session_wire(e->s));
	struct segment rst;
	size_t i;
	int n = 0;

	for (i = 0; i < e->nflows; i++) {
		struct eng_flow *f = e->flows[i];

		if (f->fl != NULL || !f->opened || f->rst ||
		    (f->fin_out && f->fin_acked))
			continue;
		segment_init(&rst);
		rst.src = wc->local;
		rst.dst = wc->remote;
		rst.sport = f->out_sport;
		rst.dport = f->out_dport;
		rst.seq = f->snd_nxt;
		rst.flags = TH_RST_;
		rst.has |= SEG_HAS_PORTS;
		if (session_send(e->s, f->c, &rst, e->res.why,
		    sizeof e->res.why) == -1) {
			e->res.error = true;
			e->res.failed = e->res.why;
			return -1;
		}
		f->rst = true;
		n++;
	}
	if (n > 0)
		session_note(e->s, "reset %d flow%s the run left open", n,
		    n == 1 ? "" : "s");
	return 0;
}

/* The target's segment on a flow, its event queued by the session: it
 * waits for a '>' line. */
static void
written_arrived(void *drv, struct conn *c, const struct wire_pkt *pkt,
    int64_t *rtt_ns)
{
	struct eng_flow *f = drv;

	(void)rtt_ns;
	track_in(f, &pkt->d.seg);
	push_wire(f->e, c, pkt);
}

const struct conn_ops eng_written_ops = {
	.arrived = written_arrived,
};

/* ------------------------------------------------------------ steps */

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

/* Phase 0: the wait until shortly before x->w.lo; then the spin. */
enum eng_next
eng_wait_for_time(struct engine *e, struct eng_exec *x)
{
	x->w = eng_step_when(x->st, &e->clock);
	x->phase = 1;
	eng_wait(e, x->w.lo - eng_spin_ns(e), NULL, NULL);
	return ENG_WAIT;
}

static void
send_verdict(struct engine *e, struct eng_exec *x, struct eng_flow *f)
{
	if (f->c->sent == x->seen)
		f->c->last_sent_t = x->user_ns;
	eng_clock_done(e, x, f->c->last_sent_t, true);
	x->ok = true;
	x->t_ns = f->c->last_sent_t;
	x->dev_ns = x->t_ns - x->w.lo;
	x->has_dev = true;
	/* A late send still passes (the target saw what it saw), but the
	 * file's verdict counts it: a busy machine never goes unseen. */
	if (x->dev_ns > match_tolerance_ns(e->o.tolerance_usecs,
	    e->o.tolerance_percent, x->w.gap))
		e->res.nlate++;
}

/* A segment sent; in a file with system calls (packetdrill's), one
 * larger than the path's MTU goes as the segments it would be on the
 * wire (coalesce.h); with --mss, one longer than that goes as segments of
 * that size (packetdrill sends a GSO packet of gso_size mss, which the
 * target's stack takes as those segments). */
static int
send_cut(struct engine *e, struct eng_flow *f, const struct segment *out)
{
	struct segment *parts;
	uint32_t room = 0, hdr;
	size_t n, k;
	int rc = 0;

	hdr = (out->src.family == AF_INET6 ? 40 : 20) + 20 +
	    (((uint32_t)segment_optlen(out) + 3) & ~3U);
	if (e->syscalls && e->mtu > hdr)
		room = e->mtu - hdr;
	if (e->mss_cut > 0 && (room == 0 || e->mss_cut < room))
		room = e->mss_cut;
	n = coalesce_cut(out, room, &parts);
	for (k = 0; k < n && rc == 0; k++)
		if ((rc = session_send(e->s, f->c, &parts[k], e->res.why,
		    sizeof e->res.why)) == 0)
			track_out(f, &parts[k]);
	offload_split_free(parts, n);
	return rc;
}

enum eng_next
eng_send(struct engine *e, struct eng_exec *x)
{
	const struct wire_config *wc = wire_config(session_wire(e->s));
	struct eng_flow *f = eng_flow_of(e, x->st);
	struct segment out;
	int rc;

	switch (x->phase) {
	case 0:
		return eng_wait_for_time(e, x);
	case 1:
		eng_spin_to(e, x->w.lo);
		/* In a file with system calls each SYN we send gives its
		 * number as our ISN (a new connection of the file's starts
		 * its own numbers; a retransmitted SYN gives the same). */
		if (e->syscalls && (x->st->seg.flags & TH_SYN_) &&
		    !(x->st->seg.has & SEG_ABS_SEQ))
			f->c->ss.known[SEQ_LOCAL] = false;
		match_outgoing(&x->st->seg, &f->c->ss, &out);
		out.src = wc->local;
		out.dst = wc->remote;
		if (!(x->st->seg.has & SEG_HAS_PORTS)) {
			out.sport = f->c->lport;
			out.dport = f->c->rport;
		}
		x->seen = f->c->sent;
		rc = send_cut(e, f, &out);
		if (rc == 0)
			x->user_ns = eng_now(e);
		segment_clear(&out);
		if (rc != 0) {
			e->res.error = true;
			e->res.failed = e->res.why;
			return ENG_FAILED;
		}
		/* The send's time is its kernel stamp: wait for the capture
		 * (the session gives it up after its wait, and says so). */
		x->phase = 2;
		eng_wait(e, WIRE_NEVER, sent_done, e);
		return ENG_WAIT;
	}
	send_verdict(e, x, f);
	return ENG_END;
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

/* The status line for a wait on step st. */
static const char *
status_text(const struct step *st, const char *what, char *buf, size_t len)
{
	snprintf(buf, len, "%s line %d (%s)", what, st->line, st->text);
	return buf;
}

static bool
expect_match(struct engine *e, struct eng_exec *x, struct eng_flow *f,
    struct conn_rcvd *rc)
{
	const struct step *st = x->st;
	struct match_result r;
	char tw[160] = "", *diffs;
	bool seg_ok, time_ok = true;

	match_learn(&f->c->ss, &st->seg, &rc->seg);
	seg_ok = match_segment(&st->seg, &rc->seg, &f->c->ss, &r);
	if (!x->w.any) {
		time_ok = match_time(x->w.lo, x->w.hi, x->tol, rc->t_ns,
		    &x->dev_ns, tw, sizeof tw);
		x->has_dev = true;
	}
	x->got = got_text(st, f, &rc->seg);
	x->t_ns = rc->t_ns;
	diffs = match_result_str(&r);
	snprintf(x->why, sizeof x->why, "%s%s%s", diffs, diffs[0] != '\0' &&
	    tw[0] != '\0' ? "; " : "", tw);
	free(diffs);
	eng_clock_done(e, x, rc->t_ns, false);
	conn_take(f->c, rc);
	return seg_ok && time_ok;
}

/* In a file with system calls, a '>' SYN or SYN-ACK line for a new
 * connection (its target's numbers known from an earlier one) leaves
 * aside what the earlier connection still sends on the four-tuple (its
 * FIN, its RST, the RST of its socket destroyed for the new one: agent
 * flow_kill), and a bare SYN line the earlier one's SYN retransmitted
 * before the call that connects again (its socket destroyed then):
 * packetdrill's new socket has a port of its own. True when one was. */
static bool
left_over(struct engine *e, const struct step *st, struct eng_flow *f)
{
	struct conn_rcvd *rc = conn_peek(f->c);
	struct segment view;
	char *text;

	if (!e->syscalls || rc == NULL || !f->c->ss.known[SEQ_REMOTE] ||
	    !(st->seg.flags & TH_SYN_))
		return false;
	if ((rc->seg.flags & TH_SYN_) && ((st->seg.flags & TH_ACK_) ||
	    (rc->seg.flags & TH_ACK_) || rc->t_ns >= e->connect_ns))
		return false;
	/* As on the wire: the flow's numbers may be the new connection's
	 * already. */
	segment_init(&view);
	segment_copy(&view, &rc->seg);
	view.has &= ~(uint32_t)SEG_HAS_PORTS;
	view.has |= SEG_ABS_SEQ | SEG_ABS_ACK;
	text = segment_format(&view, SEGFMT_PREVIEW);
	segment_clear(&view);
	session_note(e->s, "line %d: left aside, from the file's earlier "
	    "connection: %s", st->line, text);
	free(text);
	conn_take(f->c, rc);
	return true;
}

/* In a file with system calls, a SYN of the target's at another ISN than
 * the flow's is a new connection of the file's (a socket after a closed
 * one: packetdrill's scripts number each from 0): its numbers are
 * learned again. */
static void
new_conn(struct engine *e, const struct step *st, struct eng_flow *f,
    const struct segment *got)
{
	struct seqspace *b = &f->c->ss;

	if (e->syscalls && b->known[SEQ_REMOTE] &&
	    (got->flags & TH_SYN_) && (st->seg.flags & TH_SYN_) &&
	    !(st->seg.has & (SEG_ANY_SEQ | SEG_ABS_SEQ)) &&
	    got->seq - seqspace_base_in(b, SEQ_REMOTE, got) != st->seg.seq) {
		b->known[SEQ_REMOTE] = false;
		b->ts_known = false;
		f->rst = f->fin_in = f->fin_out = f->fin_acked = false;
	}
}

static bool
run_complete(void *arg)
{
	struct eng_exec *x = arg;

	return coalesce_run(x->coal, x->coal_want) >= x->coal_want;
}

/* A '>' line of packetdrill's longer than the segment that came: the
 * contiguous segments after it, as its kernel's super-segment. */
static bool
coalesce_wanted(struct engine *e, struct eng_exec *x, struct eng_flow *f)
{
	const struct step *st = x->st;
	struct conn_rcvd *rc = conn_peek(f->c);

	if (!e->syscalls || rc == NULL || (st->seg.has & SEG_ANY_SEQ) ||
	    rc->seg.len == 0 || rc->seg.len >= st->seg.len)
		return false;
	x->coal = f->c;
	x->coal_want = st->seg.len;
	return true;
}

enum eng_next
eng_expect(struct engine *e, struct eng_exec *x)
{
	struct eng_flow *f = eng_flow_of(e, x->st);
	struct conn_rcvd *rc;
	char line[160], t[32];

	if (x->phase == 0) {
		x->w = eng_step_when(x->st, &e->clock);
		x->tol = match_tolerance_ns(e->o.tolerance_usecs,
		    e->o.tolerance_percent, x->w.gap);
		x->deadline = x->w.any ? x->w.hi : x->w.hi + x->tol;
		x->phase = 1;
		eng_status(e, status_text(x->st, "waiting for", line,
		    sizeof line), x->deadline - eng_now(e));
		eng_wait(e, x->deadline + ENGINE_GRACE_NS, flow_has_segment,
		    f->c);
		return ENG_WAIT;
	}
	if (x->phase == 1 && left_over(e, x->st, f)) {
		eng_wait(e, x->deadline + ENGINE_GRACE_NS, flow_has_segment,
		    f->c);
		return ENG_WAIT;
	}
	if (x->phase == 1 && coalesce_wanted(e, x, f)) {
		x->phase = 2;
		eng_wait(e, x->deadline + COALESCE_WAIT_NS, run_complete, x);
		return ENG_WAIT;
	}
	if (x->phase == 2)
		coalesce_merge(f->c, x->coal_want);
	if ((rc = conn_peek(f->c)) == NULL) {
		x->t_ns = eng_now(e);
		snprintf(x->why, sizeof x->why, "no segment arrived by %s",
		    fmt_time(x->deadline, t, sizeof t));
		eng_clock_done(e, x, x->t_ns, false);
		return ENG_END;
	}
	new_conn(e, x->st, f, &rc->seg);
	x->ok = expect_match(e, x, f, rc);
	return ENG_END;
}

static bool
span_has_segment(void *arg)
{
	struct engine *e = arg;
	struct eng_flow *f = eng_flow_of(e, e->x.st);

	return conn_find_in(f->c, e->x.span_lo, e->x.span_hi) != NULL;
}

/* Silence: a segment of the flow seen in the window, not taken by an
 * earlier step, fails it; one seen before the window stays for the next
 * expected line. */
enum eng_next
eng_silence(struct engine *e, struct eng_exec *x)
{
	struct eng_flow *f = eng_flow_of(e, x->st);
	struct conn_rcvd *rc;
	char line[160], from[32], until[32], at[32];

	if (x->phase == 0) {
		x->w = eng_step_when(x->st, &e->clock);
		x->span_lo = x->w.lo;
		x->span_hi = x->w.hi;
		x->phase = 1;
		eng_status(e, status_text(x->st, "silence asked by", line,
		    sizeof line), x->w.hi - eng_now(e));
		eng_wait(e, x->w.hi, span_has_segment, e);
		return ENG_WAIT;
	}
	e->clock.prev_at = x->w.lo;
	e->clock.prev_send = false;
	if ((rc = conn_find_in(f->c, x->w.lo, x->w.hi)) == NULL) {
		x->t_ns = e->clock.ref = x->w.hi;
		x->ok = true;
		return ENG_END;
	}
	x->got = got_text(x->st, f, &rc->seg);
	x->t_ns = e->clock.ref = rc->t_ns;
	snprintf(x->why, sizeof x->why, "silence: expected nothing from %s "
	    "to %s, got a segment at %s", fmt_time(x->w.lo, from, sizeof from),
	    fmt_time(x->w.hi, until, sizeof until),
	    fmt_time(rc->t_ns, at, sizeof at));
	conn_take(f->c, rc);
	return ENG_END;
}

/* The command's end: its status, or why it has none. */
static void
shell_status(struct eng_exec *x, int r, int status, const char *err)
{
	if (r < 0)
		snprintf(x->why, sizeof x->why, "command: %s", err);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		x->ok = true;
	else if (WIFEXITED(status))
		snprintf(x->why, sizeof x->why, "command: exit status %d",
		    WEXITSTATUS(status));
	else
		snprintf(x->why, sizeof x->why, "command: killed by signal %d",
		    WTERMSIG(status));
}

/* Run a command, reading the capture meanwhile; its stdout goes to our
 * stderr so that reports on stdout (TAP, JSON) stay clean. */
enum eng_next
eng_shell(struct engine *e, struct eng_exec *x)
{
	char err[128];
	int r, status;

	switch (x->phase) {
	case 0:
		return eng_wait_for_time(e, x);
	case 1:
		eng_spin_to(e, x->w.lo);
		x->dev_ns = eng_now(e) - x->w.lo;
		x->has_dev = true;
		/* As the run's user, or as root when the file said so
		 * (cmdrun.h). */
		if ((x->cmd = cmdrun_start(x->st->command, err,
		    sizeof err)) == NULL) {
			snprintf(x->why, sizeof x->why, "command: %s", err);
			return ENG_END;
		}
		x->deadline = eng_now(e) + ENGINE_SHELL_WAIT_NS;
		x->phase = 2;
		break;
	}
	if ((r = cmdrun_poll(x->cmd, &status, err, sizeof err)) == 0) {
		if (eng_now(e) < x->deadline && !eng_stopped(e)) {
			eng_wait(e, eng_now(e) + ENGINE_SHELL_POLL_NS, NULL,
			    NULL);
			return ENG_WAIT;
		}
		cmdrun_kill(x->cmd);
		snprintf(x->why, sizeof x->why, "command: still running after "
		    "%lld s, killed", ENGINE_SHELL_WAIT_NS / 1000000000LL);
		e->clock.ref = x->t_ns = eng_now(e);
	} else {
		x->t_ns = eng_now(e);
		eng_clock_done(e, x, x->t_ns, false);
		shell_status(x, r, status, err);
	}
	cmdrun_free(x->cmd);
	x->cmd = NULL;
	return ENG_END;
}

/* "TIME wait": the clock moves on. */
enum eng_next
eng_pause(struct engine *e, struct eng_exec *x)
{
	if (x->phase == 0) {
		x->w = eng_step_when(x->st, &e->clock);
		x->phase = 1;
		eng_wait(e, x->w.lo, NULL, NULL);
		return ENG_WAIT;
	}
	eng_clock_done(e, x, x->w.lo, false);
	x->t_ns = x->w.lo;
	x->ok = true;
	return ENG_END;
}
