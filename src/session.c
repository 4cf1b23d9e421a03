/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session.c: the loop every driver runs on: one wire, its arrivals handed
 * to their conversations, timers, and events emitted in the wire's order. */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "icmp.h"
#include "peer.h"
#include "session-int.h"
#include "status.h"
#include "stops.h"
#include "xmalloc.h"

/* After a segment the target's state is read every PEER_DUE_NS until it
 * changes, for PEER_QUIET_NS; once nothing has moved for that long, every
 * PEER_POLL_NS: what its own timers change without a segment (a request
 * dropped after its last SYN-ACK, the end of TIME_WAIT) shows as it
 * happens, as a timer's change. */
#define PEER_DUE_NS	10000000LL	/* 10 ms */
#define PEER_QUIET_NS	200000000LL	/* 0.2 s */
#define PEER_POLL_NS	100000000LL	/* 0.1 s */

int64_t
session_now(const struct session *s)
{
	return wire_now(s->w);
}

void
session_start(struct session *s)
{
	wire_start(s->w);
	s->last_t = 0;
}

struct wire *
session_wire(const struct session *s)
{
	return s->w;
}

unsigned
session_drops(const struct session *s)
{
	return wire_drops(s->w);
}

size_t
session_unseen(const struct session *s)
{
	return wire_unseen(s->w);
}

const struct conn_table *
session_conns(const struct session *s)
{
	return &s->conns;
}

void
session_state(struct session *s, enum event_dir dir, const char *name,
    bool timer)
{
	struct pend *p = pend_push(s, EV_STATE, dir);

	pend_text(p, "%s", name);
	p->ev.timer = timer;
	session_flush(s);
}

void
session_note(struct session *s, const char *fmt, ...)
{
	struct pend *p = pend_push(s, EV_NOTE, DIR_NONE);
	va_list ap;

	va_start(ap, fmt);
	pend_vtext(p, fmt, ap);
	va_end(ap);
	session_flush(s);
}

/*
 * --peer-netns: the target's socket state of c, read before each segment
 * we send (the target has handled what we sent before it), when one of
 * its segments arrives (the state it sent it in), while idle after a
 * segment was shown until the state changes (our last one's effect), and
 * when the session settles; a change is queued with the events, after
 * the segment that caused it, whatever the capture's lag in showing them.
 */
static void
peer_read_as(struct session *s, const struct conn *c, bool timer)
{
	const struct wire_config *wc = &s->cfg.wire_cfg;
	int st;

	if (s->cfg.peer == NULL || c == NULL || !peer_changed(s->cfg.peer,
	    &wc->remote, c->rport, &wc->local, c->lport, &st))
		return;
	/* No socket before our SYN reached it is no change to show. */
	if (st == PEER_CLOSED && !s->peer_shown)
		return;
	s->peer_shown = true;
	s->peer_due = false;
	session_state(s, DIR_FROM_TARGET, peer_state_name(st), timer);
}

static void
peer_read(struct session *s, const struct conn *c)
{
	peer_read_as(s, c, false);
}

/* While quiet: a change is the target's timer's (its own row in a
 * ladder, with how long the state it ends held). When the next read is
 * due. */
static int64_t
peer_poll(struct session *s, int64_t now)
{
	int64_t quiet = s->last_t + PEER_QUIET_NS;

	if (s->cfg.peer == NULL || s->peer_conn == NULL || s->settling)
		return INT64_MAX;
	if (now < quiet) {
		if (!s->peer_due)
			return quiet;
		peer_read(s, s->peer_conn);
		return now + PEER_DUE_NS < quiet ? now + PEER_DUE_NS : quiet;
	}
	if (!s->peer_shown)
		return INT64_MAX;
	if (now >= s->peer_poll_at) {
		if (session_unseen(s) == 0)
			peer_read_as(s, s->peer_conn, true);
		s->peer_poll_at = now + PEER_POLL_NS;
	}
	return s->peer_poll_at;
}

/* The bases of a segment c's side sent (SEQ_LOCAL: ours). */
static void
pend_bases(struct pend *p, const struct conn *c, int side)
{
	seqspace_bases(&c->ss, side, &p->seg, &p->ev.seq_base,
	    &p->ev.ack_base);
	if (c->ss.known[SEQ_REMOTE])
		return;
	/* Before anything learned the target's ISN, its SYN shows it as 0
	 * and what follows counts from it (a step meets the SYN-ACK only
	 * after the data that came right behind it arrived). */
	if (side == SEQ_REMOTE && (p->seg.flags & TH_SYN_))
		p->ev.seq_base = p->seg.seq;
	else if (side == SEQ_REMOTE && c->rsyn_seen)
		p->ev.seq_base = c->rsyn_seq;
	else if (side == SEQ_LOCAL && c->rsyn_seen)
		p->ev.ack_base = c->rsyn_seq;
}

/* ---- Sending ---- */

/* Before something of ours leaves: what led to it is shown, and the
 * target's state read (before our first packet nothing of ours can have
 * changed it). */
static void
send_before(struct session *s, struct conn *c)
{
	session_flush(s);
	if (s->peer_armed)
		peer_read(s, c);
	s->peer_armed = true;
}

/* The event of what left: seg (copied) and its bytes, on c. */
static struct pend *
send_event(struct session *s, struct conn *c, enum event_type type,
    const struct segment *seg, const uint8_t *bytes, uint32_t len, int side)
{
	struct pend *p = pend_push(s, type, DIR_TO_TARGET);

	segment_copy(&p->seg, seg);
	p->has_seg = true;
	pend_set_ip(p, bytes, len);
	pend_bases(p, c, side);
	p->conn = c;
	return p;
}

int
session_send(struct session *s, struct conn *c, const struct segment *seg,
    char *err, size_t errlen)
{
	const uint8_t *bytes;
	uint32_t len;
	struct pend *p;

	send_before(s, c);
	if (wire_send(s->w, seg, s->next_tag, &bytes, &len, err, errlen) == -1)
		return -1;
	p = send_event(s, c, EV_SEGMENT, seg, bytes, len, SEQ_LOCAL);
	p->waiting = true;
	p->tag = s->next_tag++;
	return 0;
}

int
session_send_icmp(struct session *s, struct conn *c, const struct icmp_wire *w,
    char *err, size_t errlen)
{
	const uint8_t *bytes;
	uint32_t len;
	struct pend *p;

	send_before(s, c);
	if (wire_send_icmp(s->w, w, &bytes, &len, err, errlen) == -1)
		return -1;
	/* The quote is the target's segment: its numbers, the target's. */
	p = send_event(s, c, EV_ICMP, &w->quote, bytes, len, SEQ_REMOTE);
	p->ev.icmp_type = w->type;
	p->ev.icmp_code = w->code;
	p->ev.icmp_rest = w->rest;
	p->icmp_from = s->cfg.wire_cfg.local;
	session_flush(s);
	return 0;
}

/* ---- Opening and closing ---- */

struct session *
session_open(const struct session_config *cfg, char *err, size_t errlen)
{
	struct session *s;
	struct wire *w;

	if ((w = cfg->wire) == NULL && (w = wire_open(&cfg->wire_cfg, err,
	    errlen)) == NULL)
		return NULL;
	s = xcalloc(1, sizeof *s);
	s->cfg = *cfg;
	if (cfg->wire != NULL)
		s->cfg.wire_cfg = *wire_config(w);
	if (s->cfg.wire_cfg.sent_wait_ns <= 0)
		s->cfg.wire_cfg.sent_wait_ns = SESSION_SENT_WAIT_NS;
	s->w = w;
	return s;
}

void
session_set_tap(struct session *s, bool (*tap)(void *,
    const struct wire_pkt *), void *arg)
{
	s->tap = tap;
	s->tap_arg = arg;
}

static bool
nothing_waiting(void *arg)
{
	return session_unseen(arg) == 0;
}

void
session_settle(struct session *s)
{
	volatile sig_atomic_t *stop = s->cfg.stop;
	char err[256];

	if (!nothing_waiting(s)) {
		/* A signal may have ended the run: still show what went out. */
		s->cfg.stop = NULL;
		s->settling = true;
		session_run(s, session_now(s) + s->cfg.wire_cfg.sent_wait_ns,
		    nothing_waiting, s, err, sizeof err);
		s->settling = false;
		s->cfg.stop = stop;
	}
	queue_expire(s, -1);
	/* Where the target's socket ended up. */
	peer_read(s, s->peer_conn);
	group_drain(s->group);
}

void
session_close(struct session *s)
{
	size_t i;

	if (s == NULL)
		return;
	session_settle(s);
	for (i = 0; i < s->qn; i++)
		s->q[i].waiting = false;
	s->holding = false;
	session_flush(s);
	free(s->q);
	group_drain(s->group);
	if (s->w != s->cfg.wire)
		wire_close(s->w);
	conn_table_free(&s->conns);
	free(s->timed);
	group_close(s);
	free(s);
}

struct conn *
session_add_conn(struct session *s, uint16_t lport, uint16_t rport,
    bool reserve, const struct conn_ops *ops, void *drv, char *err,
    size_t errlen)
{
	struct conn *c;

	/* A port the wire holds is one the local kernel gives nobody. */
	if (reserve && wire_take_port(s->w, lport, &lport, err, errlen) < 0)
		return NULL;
	if (lport == 0 || rport == 0) {
		snprintf(err, errlen, "a flow needs both ports");
		return NULL;
	}
	if (wire_guard_flow(s->w, lport, rport, err, errlen) < 0)
		return NULL;
	c = conn_add(&s->conns, &s->cfg.wire_cfg.local, lport,
	    &s->cfg.wire_cfg.remote, rport);
	c->ops = ops;
	c->drv = drv;
	c->guarded = wire_guarded(s->w);
	if (ops != NULL && ops->next_timer != NULL) {
		s->timed = xreallocarray(s->timed, s->ntimed + 1,
		    sizeof *s->timed);
		s->timed[s->ntimed++] = c;
	}
	return c;
}

/* ---- The capture ---- */

static void
fill_from_capture(struct pend *p, const struct wire_pkt *pkt)
{
	segment_clear(&p->seg);
	segment_copy(&p->seg, &pkt->d.seg);
	p->has_seg = true;
	pend_set_ip(p, pkt->d.ip, pkt->d.iplen);
	p->ev.ts = pkt->ts;
	p->ev.t_ns = pkt->t_ns;
}

/* One of ours leaving: it gives its pending event the kernel's stamp. */
static void
seen_sent(struct session *s, const struct wire_pkt *pkt)
{
	const struct segment *seg = &pkt->d.seg;
	const struct tcp_option *mss;
	struct pend *p;
	struct conn *c;

	if ((p = pend_by_tag(s, pkt->tag)) == NULL)
		return;
	c = p->conn;
	fill_from_capture(p, pkt);
	p->waiting = false;
	c->sent++;
	c->last_sent_t = pkt->t_ns;
	if ((seg->flags & TH_SYN_) && (mss = segment_find_opt(seg,
	    OPT_MSS)) != NULL)
		c->syn_mss = mss->u.mss;
	if ((seg->flags & (TH_SYN_ | TH_ACK_)) == TH_SYN_) {
		c->syn_seen = true;
		c->syn_ts = pkt->ts;
	}
	queue_order(s, (size_t)(p - s->q));
	session_flush(s);
}

/* The conversation's 4-tuple, but not sent by us: the local kernel's. */
static void
seen_foreign(struct session *s, struct conn *c, const struct wire_pkt *pkt)
{
	struct pend *p;

	c->foreign++;
	p = pend_push(s, EV_SEGMENT, DIR_TO_TARGET);
	fill_from_capture(p, pkt);
	p->conn = c;
	pend_bases(p, c, SEQ_LOCAL);
	p = pend_push(s, EV_NOTE, DIR_NONE);
	pend_text(p, "the segment above was not sent by tcpshake: the local "
	    "kernel's%s", c->guarded ? "" : " (the guard is off)");
	session_flush(s);
}

/* The target's segment: the event first, then what its driver made of it.
 * The driver's TCB may learn the numbers the event shows, so the event is
 * completed after it took the segment, and only then can anything be
 * emitted; then the driver answers. */
static int
seen_incoming(struct session *s, struct conn *c, const struct wire_pkt *pkt,
    char *err, size_t errlen)
{
	int64_t rtt = -1;
	size_t at;

	peer_read(s, c);
	fill_from_capture(pend_push(s, EV_SEGMENT, DIR_FROM_TARGET), pkt);
	at = s->qn - 1;
	s->q[at].conn = c;
	c->received++;
	s->holding = true;
	if (c->ops != NULL && c->ops->arrived != NULL)
		c->ops->arrived(c->drv, c, pkt, &rtt);
	else
		conn_push(c, &pkt->d.seg, pkt->t_ns);
	s->holding = false;
	pend_bases(&s->q[at], c, SEQ_REMOTE);
	if (pkt->d.seg.flags & TH_SYN_) {
		c->rsyn_seen = true;
		c->rsyn_seq = pkt->d.seg.seq;
	}
	s->q[at].ev.rtt_ns = rtt;
	session_flush(s);
	if (c->ops != NULL && c->ops->react != NULL)
		return c->ops->react(c->drv, c, err, errlen);
	return 0;
}

static void
seen_icmp(struct session *s, struct conn *c, const struct wire_pkt *pkt)
{
	struct pend *p = pend_push(s, EV_ICMP, DIR_FROM_TARGET);

	fill_from_capture(p, pkt);
	pend_bases(p, c, SEQ_LOCAL);
	p->ev.icmp_type = pkt->d.icmp_type;
	p->ev.icmp_code = pkt->d.icmp_code;
	p->ev.icmp_rest = pkt->d.icmp_rest;
	p->icmp_from = pkt->d.icmp_from;
	session_flush(s);
}

static void
seen_malformed(struct session *s, const struct wire_pkt *pkt)
{
	struct pend *p = pend_push(s, EV_MALFORMED, DIR_NONE);

	p->ev.ts = pkt->ts;
	p->ev.t_ns = pkt->t_ns;
	pend_text(p, "%s%s%s", decode_strerror(pkt->status),
	    pkt->detail[0] ? ": " : "", pkt->detail);
	session_flush(s);
}

/* Classified by the wire; found by its 4-tuple. */
static int
seen_packet(struct session *s, const struct wire_pkt *pkt, char *err,
    size_t errlen)
{
	const struct segment *g = &pkt->d.seg;
	struct conn *c;

	if (s->tap != NULL && s->tap(s->tap_arg, pkt))
		return 0;
	switch (pkt->kind) {
	case WIRE_SENT:
		seen_sent(s, pkt);
		break;
	case WIRE_LATE:		/* shown already, on the user-space clock */
		break;
	case WIRE_FOREIGN:
		if ((c = conn_find(&s->conns, &g->src, g->sport, &g->dst,
		    g->dport)) != NULL)
			seen_foreign(s, c, pkt);
		break;
	case WIRE_ICMP:
		if ((c = conn_find(&s->conns, &g->src, g->sport, &g->dst,
		    g->dport)) != NULL)
			seen_icmp(s, c, pkt);
		break;
	case WIRE_ARRIVED:
		if ((c = conn_find(&s->conns, &g->dst, g->dport, &g->src,
		    g->sport)) != NULL)
			return seen_incoming(s, c, pkt, err, errlen);
		break;
	case WIRE_MALFORMED:
		seen_malformed(s, pkt);
		break;
	}
	return 0;
}

static int
drain(struct session *s, char *err, size_t errlen)
{
	struct wire_pkt pkt;
	char e[256];
	int rc;

	int64_t t0 = s->group != NULL ? wire_now(s->group->owner->w) : 0;

	while ((rc = wire_read(s->w, &pkt, e, sizeof e)) == 1)
		if (seen_packet(s, &pkt, err, errlen) == -1)
			return -1;
	if (rc == 0 && s->group != NULL) {
		session_flush(s);
		group_mark(s, t0);
	}
	if (rc == -1) {
		snprintf(err, errlen, "capture on %s: %s",
		    s->cfg.wire_cfg.ifname ? s->cfg.wire_cfg.ifname : "any", e);
		return -1;
	}
	return 0;
}

/* ---- The loop ---- */

static int
timers(struct session *s, int64_t now, int64_t *next, char *err,
    size_t errlen)
{
	size_t i;
	int64_t t;

	*next = wire_next_expiry(s->w);
	for (i = 0; i < s->ntimed && !s->settling; i++) {
		struct conn *c = s->timed[i];

		if (c->ops->next_timer(c->drv, c) <= now &&
		    c->ops->on_timer(c->drv, c, now, err, errlen) == -1)
			return -1;
		if ((t = c->ops->next_timer(c->drv, c)) < *next)
			*next = t;
	}
	return 0;
}

static enum session_status
run_loop(struct session *s, int64_t deadline, bool (*done)(void *),
    void *arg, const sigset_t *mask, char *err, size_t errlen)
{
	int64_t now, next, t;

	for (;;) {
		if (drain(s, err, errlen) == -1)
			return SESSION_ERROR;
		now = session_now(s);
		if (timers(s, now, &next, err, errlen) == -1)
			return SESSION_ERROR;
		queue_expire(s, now);
		if ((t = peer_poll(s, now)) < next)
			next = t;
		if (done != NULL && done(arg))
			return SESSION_DONE;
		if (s->cfg.stop != NULL && *s->cfg.stop)
			return SESSION_STOPPED;
		if (now >= deadline)
			return SESSION_DEADLINE;
		if (deadline < next)
			next = deadline;
		status_tick();
		/* Waiting on an empty capture: what comes now is stamped
		 * from now on. */
		group_mark(s, s->group != NULL ?
		    wire_now(s->group->owner->w) : 0);
		if (wire_wait(s->w, status_sleep_ns(next - now), mask, err,
		    errlen) == -1)
			return SESSION_ERROR;
	}
}

enum session_status
session_run(struct session *s, int64_t deadline, bool (*done)(void *),
    void *arg, char *err, size_t errlen)
{
	sigset_t old;
	enum session_status st;

	if (s->cfg.stop == NULL)
		return run_loop(s, deadline, done, arg, NULL, err, errlen);
	stops_block(&old);
	st = run_loop(s, deadline, done, arg, &old, err, errlen);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return st;
}
