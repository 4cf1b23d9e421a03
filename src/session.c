/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session.c: the loop every driver runs on: one wire, its arrivals handed
 * to their conversations, timers, and events emitted in the wire's order. */
#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "icmp.h"
#include "peer.h"
#include "session.h"
#include "status.h"
#include "xmalloc.h"

/* An event waiting its turn. A segment we sent waits for the capture to
 * show it leaving (its kernel stamp is its time); what came after it in
 * the conversation waits behind it, so the order is the wire's. */
struct pend {
	struct event	 ev;		/* pointers set when emitted */
	bool		 has_seg;
	struct segment	 seg;
	uint8_t		*ip;
	char		*text;
	struct ipaddr	 icmp_from;
	struct conn	*conn;
	bool		 waiting;	/* sent, not yet seen leaving */
	uint64_t	 tag;		/* its wire_send() tag */
};

struct session {
	struct session_config cfg;
	struct wire	*w;
	struct conn_table conns;
	uint64_t	 next_tag;
	struct pend	*q;
	size_t		 qn;
	size_t		 qcap;
	bool		 fallback_said;
	bool		 settling;	/* session_settle: no timers */
	bool		 holding;	/* a driver takes an arrival: the
					 * queue stays until its event is
					 * complete */
	int64_t		 last_t;	/* of the last event emitted */
	/* --peer-netns: the target's state of the last conversation shown */
	struct conn	*peer_conn;
	bool		 peer_shown;	/* a state of the target's was shown */
	bool		 peer_armed;	/* something of ours went out */
	bool		 peer_due;	/* a segment shown since the last change */
	/* A burst's tap on what is read (session_set_tap). */
	bool		(*tap)(void *arg, const struct wire_pkt *);
	void		*tap_arg;
	/* With lanes: the parent's group, shared; under its lock, how far
	 * this session has read its capture (the parent's clock). */
	struct group	*group;
	atomic_bool	 done_reading;	/* session_lane_done() */
	_Atomic int64_t	 read_to;
	struct pend	*ob;		/* its events ready, [obh, obn) */
	size_t		 obh, obn, obcap;
	int64_t		 peer_poll_at;	/* the next read while quiet */
};

/*
 * A session and its lanes: one lock for their emits, and their events
 * merged in the order of the capture's stamps on the parent's clock
 * (each lane reads its own capture, in its own order). An event waits
 * until every member has read its capture past the event's stamp: a
 * member's mark is where its last drain that emptied the capture began
 * (or its wait for the capture began), less SESSION_MERGE_SLACK_NS for a
 * packet stamped before it reached the capture; a member done reading
 * holds nothing back. Settle and close emit the rest.
 */
struct group {
	pthread_mutex_t	 lock;
	struct session	*owner;		/* the parent: its clock, its emit */
	struct session	**mv;		/* the members, owner first */
	size_t		 nm;
	atomic_size_t	 held;		/* events in the outboxes */
};

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

/* ---- The queue of events ---- */

static struct pend *
pend_push(struct session *s, enum event_type type, enum event_dir dir)
{
	struct pend *p;

	if (s->qn == s->qcap) {
		s->qcap = s->qcap ? s->qcap * 2 : 16;
		s->q = xreallocarray(s->q, s->qcap, sizeof *s->q);
	}
	p = &s->q[s->qn++];
	memset(p, 0, sizeof *p);
	event_init(&p->ev, type);
	p->ev.dir = dir;
	p->ev.relative = !s->cfg.absolute;
	p->ev.t_ns = session_now(s);
	p->ev.ts = wire_realtime(s->w, p->ev.t_ns);
	segment_init(&p->seg);
	return p;
}

static void __attribute__((format(printf, 2, 0)))
pend_vtext(struct pend *p, const char *fmt, va_list ap)
{
	free(p->text);
	if (vasprintf(&p->text, fmt, ap) == -1)
		p->text = xstrdup("?");
}

static void
pend_text(struct pend *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
pend_text(struct pend *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pend_vtext(p, fmt, ap);
	va_end(ap);
}

static void
pend_set_ip(struct pend *p, const uint8_t *ip, uint32_t len)
{
	free(p->ip);
	p->ip = NULL;
	p->ev.iplen = 0;
	if (ip == NULL || len == 0)
		return;
	p->ip = xmalloc(len);
	memcpy(p->ip, ip, len);
	p->ev.iplen = len;
}

static bool
event_is_packet(const struct event *ev)
{
	return ev->type == EV_SEGMENT || ev->type == EV_ICMP ||
	    ev->type == EV_MALFORMED;
}

/* Point the event at what p owns, emit it, free it. */
static void
pend_out(struct session *s, struct pend *p)
{
	p->ev.seg = p->has_seg ? &p->seg : NULL;
	p->ev.ip = p->ip;
	p->ev.text = p->text;
	if (p->ev.type == EV_ICMP)
		p->ev.icmp_from = &p->icmp_from;
	if (s->cfg.emit != NULL)
		s->cfg.emit(s->cfg.emit_arg, &p->ev);
	segment_clear(&p->seg);
	free(p->ip);
	free(p->text);
}

/* The first n of s's queue, ready, into its outbox on the parent's
 * clock (the outbox takes what they own). The group's lock is held. */
static void
group_take(struct session *s, size_t n)
{
	const struct wire *w = s->group->owner->w;
	size_t i;

	if (s->obn + n > s->obcap && s->obh > 0) {
		memmove(s->ob, s->ob + s->obh, (s->obn - s->obh) *
		    sizeof *s->ob);
		s->obn -= s->obh;
		s->obh = 0;
	}
	if (s->obn + n > s->obcap) {
		s->obcap = s->obn + n > 2 * s->obcap ? s->obn + n :
		    2 * s->obcap;
		s->ob = xreallocarray(s->ob, s->obcap, sizeof *s->ob);
	}
	memcpy(s->ob + s->obn, s->q, n * sizeof *s->q);
	for (i = s->obn; i < s->obn + n; i++)
		s->ob[i].ev.t_ns = wire_stamp_ns(w, &s->ob[i].ev.ts);
	s->obn += n;
	atomic_fetch_add(&s->group->held, n);
}

/* Emit the members' events up to time upto (the parent's clock), the
 * earliest first: each member's outbox is in its own capture's order.
 * The group's lock is held. */
static void
group_out(struct group *g, int64_t upto)
{
	struct session *m, *best;
	size_t i;

	for (;;) {
		best = NULL;
		for (i = 0; i < g->nm; i++) {
			m = g->mv[i];
			if (m->obh < m->obn && (best == NULL ||
			    m->ob[m->obh].ev.t_ns <
			    best->ob[best->obh].ev.t_ns))
				best = m;
		}
		if (best == NULL || best->ob[best->obh].ev.t_ns > upto)
			return;
		pend_out(g->owner, &best->ob[best->obh++]);
		atomic_fetch_sub(&g->held, 1);
		if (best->obh == best->obn)
			best->obh = best->obn = 0;
	}
}

/* How far every member has read. The group's lock is held. */
static int64_t
group_upto(const struct group *g)
{
	int64_t upto = INT64_MAX;
	size_t i;

	for (i = 0; i < g->nm; i++)
		if (!atomic_load(&g->mv[i]->done_reading) &&
		    atomic_load(&g->mv[i]->read_to) < upto)
			upto = atomic_load(&g->mv[i]->read_to);
	return upto;
}

/* Member s has read its capture to `to`: what every member has read
 * past is emitted. Nothing held: no lock (a read without lanes' events,
 * -q, costs a store). */
static void
group_mark(struct session *s, int64_t to)
{
	struct group *g = s->group;

	if (g == NULL)
		return;
	atomic_store(&s->read_to, to - SESSION_MERGE_SLACK_NS);
	if (atomic_load(&g->held) == 0)
		return;
	pthread_mutex_lock(&g->lock);
	group_out(g, group_upto(g));
	pthread_mutex_unlock(&g->lock);
}

/* All the group holds (settle, close, an event of the caller's). */
static void
group_drain(struct group *g)
{
	if (g == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	group_out(g, INT64_MAX);
	pthread_mutex_unlock(&g->lock);
}

/* Before an event goes out: a note's time, the peer's turn (conn: the
 * conversation of the segment it shows, or NULL). */
static void
event_ready(struct session *s, struct event *ev, struct conn *conn)
{
	/* A state or a note comes after the segment before it: never show
	 * it earlier (a user call's clock can lag the kernel's stamp). */
	if (!event_is_packet(ev) && ev->t_ns < s->last_t) {
		ev->t_ns = s->last_t;
		ev->ts = wire_realtime(s->w, s->last_t);
	}
	s->last_t = ev->t_ns;
	if (ev->type == EV_SEGMENT && conn != NULL) {
		s->peer_due = s->cfg.peer != NULL;
		s->peer_conn = conn;
	}
}

static void
pend_ready(struct session *s, struct pend *p)
{
	event_ready(s, &p->ev, p->has_seg ? p->conn : NULL);
}

/* The first n of the queue leave it: emitted, or with lanes into the
 * outbox the group merges from. */
static void
queue_out(struct session *s, size_t n)
{
	struct group *g = s->group;
	size_t i;

	for (i = 0; i < n; i++) {
		pend_ready(s, &s->q[i]);
		if (g == NULL)
			pend_out(s, &s->q[i]);
	}
	if (g != NULL && n > 0) {
		pthread_mutex_lock(&g->lock);
		group_take(s, n);
		group_out(g, group_upto(g));
		pthread_mutex_unlock(&g->lock);
	}
	memmove(s->q, s->q + n, (s->qn - n) * sizeof *s->q);
	s->qn -= n;
}

/* Emit from the head up to the first segment still unseen. */
void
session_flush(struct session *s)
{
	size_t i = 0;

	if (s->holding)
		return;
	while (i < s->qn && !s->q[i].waiting)
		i++;
	if (i > 0)
		queue_out(s, i);
}

void
session_emit(struct session *s, const struct event *ev)
{
	struct group *g = s->group;

	session_flush(s);
	if (g == NULL) {
		if (s->cfg.emit != NULL)
			s->cfg.emit(s->cfg.emit_arg, ev);
		return;
	}
	pthread_mutex_lock(&g->lock);
	group_out(g, INT64_MAX);
	if (s->cfg.emit != NULL)
		s->cfg.emit(s->cfg.emit_arg, ev);
	pthread_mutex_unlock(&g->lock);
}

void
session_queue(struct session *s, const struct event *ev)
{
	struct event now;
	struct pend *p;

	/* No lanes and nothing ahead of it: out at once, without the copy
	 * a queued event needs (a burst's every shown event comes here). */
	if (s->group == NULL && s->qn == 0) {
		now = *ev;
		now.outcome = NULL;
		now.counts = NULL;
		now.ncounts = 0;
		if (ev->t_ns == 0 && ev->ts.tv_sec == 0 &&
		    ev->ts.tv_nsec == 0) {
			now.t_ns = s->last_t;
			now.ts = wire_realtime(s->w, s->last_t);
		}
		event_ready(s, &now, NULL);
		if (s->cfg.emit != NULL)
			s->cfg.emit(s->cfg.emit_arg, &now);
		return;
	}
	p = pend_push(s, ev->type, ev->dir);
	p->ev = *ev;
	p->ev.outcome = NULL;
	p->ev.counts = NULL;
	p->ev.ncounts = 0;
	if (ev->seg != NULL) {
		segment_copy(&p->seg, ev->seg);
		p->has_seg = true;
	}
	pend_set_ip(p, ev->ip, ev->iplen);
	if (ev->text != NULL)
		p->text = xstrdup(ev->text);
	if (ev->icmp_from != NULL)
		p->icmp_from = *ev->icmp_from;
	if (ev->t_ns == 0 && ev->ts.tv_sec == 0 && ev->ts.tv_nsec == 0) {
		p->ev.t_ns = s->last_t;
		p->ev.ts = wire_realtime(s->w, s->last_t);
	}
	/* With lanes, the drain's end moves them (one lock a drain). */
	if (s->group == NULL)
		session_flush(s);
}

static struct pend *
pend_by_tag(struct session *s, uint64_t tag)
{
	size_t i;

	for (i = 0; i < s->qn; i++)
		if (s->q[i].waiting && s->q[i].tag == tag)
			return &s->q[i];
	return NULL;
}

/* Sent segments the capture did not show in time (now < 0: any): their
 * time is the user-space clock's, and the reader is told so once. */
static void
queue_expire(struct session *s, int64_t now)
{
	struct pend *p;
	uint64_t tag;
	bool any = false;

	while (wire_expire(s->w, now < 0 ? WIRE_NEVER : now, &tag))
		if ((p = pend_by_tag(s, tag)) != NULL) {
			p->waiting = false;
			any = true;
		}
	if (any && !s->fallback_said) {
		s->fallback_said = true;
		/* The note goes after what it is about. */
		p = pend_push(s, EV_NOTE, DIR_NONE);
		pend_text(p, "a sent segment did not show in the capture on "
		    "%s within %.0f ms: its time is the user-space clock's, "
		    "not the kernel's", s->cfg.wire_cfg.ifname ?
		    s->cfg.wire_cfg.ifname : "any",
		    (double)s->cfg.wire_cfg.sent_wait_ns / 1e6);
	}
	session_flush(s);
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

static void
group_join(struct group *g, struct session *s)
{
	g->mv = xreallocarray(g->mv, g->nm + 1, sizeof *g->mv);
	g->mv[g->nm++] = s;
	s->group = g;
	atomic_init(&s->done_reading, false);
	atomic_init(&s->read_to, INT64_MIN);
}

/* A lane closing: what it holds goes out, and the group forgets it. */
static void
group_leave(struct session *s)
{
	struct group *g = s->group;
	size_t i;

	pthread_mutex_lock(&g->lock);
	group_out(g, INT64_MAX);
	for (i = 0; i < g->nm && g->mv[i] != s; i++)
		;
	if (i < g->nm)
		memmove(g->mv + i, g->mv + i + 1, (g->nm - i - 1) *
		    sizeof *g->mv);
	g->nm -= i < g->nm;
	pthread_mutex_unlock(&g->lock);
}

void
session_lane_done(struct session *s)
{
	struct group *g = s->group;

	if (g == NULL)
		return;
	atomic_store(&s->done_reading, true);
	pthread_mutex_lock(&g->lock);
	group_out(g, group_upto(g));
	pthread_mutex_unlock(&g->lock);
}

struct session *
session_open_lane(struct session *s, uint16_t lo, uint16_t hi, char *err,
    size_t errlen)
{
	struct session_config cfg = s->cfg;
	struct session *lane;

	if (s->cfg.wire != NULL) {
		snprintf(err, errlen, "a lane needs a live wire");
		return NULL;
	}
	cfg.wire_cfg.lport_lo = lo;
	cfg.wire_cfg.lport_hi = hi;
	/* One guard a process: the parent's (its table is named after us). */
	cfg.wire_cfg.no_guard = true;
	cfg.peer = NULL;
	if ((lane = session_open(&cfg, err, errlen)) == NULL)
		return NULL;
	if (s->group == NULL) {
		s->group = xcalloc(1, sizeof *s->group);
		pthread_mutex_init(&s->group->lock, NULL);
		atomic_init(&s->group->held, 0);
		s->group->owner = s;
		group_join(s->group, s);
	}
	group_join(s->group, lane);
	return lane;
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
	if (s->group != NULL && s->group->owner == s) {
		pthread_mutex_destroy(&s->group->lock);
		free(s->group->mv);
		free(s->group);
	} else if (s->group != NULL)
		group_leave(s);
	free(s->ob);
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

/* A packet's block: it and the states and notes after it. */
static size_t
block_end(const struct session *s, size_t i)
{
	size_t j = i + 1;

	while (j < s->qn && !event_is_packet(&s->q[j].ev))
		j++;
	return j;
}

/*
 * Ours at i left later than packets of the target queued behind it: they
 * arrived while it waited to be sent and were handled after it. The wire's
 * order is the reader's: its block goes after theirs, so times never run
 * backwards down a ladder.
 */
static void
queue_order(struct session *s, size_t i)
{
	struct pend *tmp;
	size_t j, k, n;

	for (;;) {
		j = block_end(s, i);
		if (j >= s->qn || s->q[j].waiting ||
		    s->q[j].ev.t_ns >= s->q[i].ev.t_ns)
			return;
		k = block_end(s, j);
		n = j - i;
		tmp = xreallocarray(NULL, n, sizeof *tmp);
		memcpy(tmp, s->q + i, n * sizeof *tmp);
		memmove(s->q + i, s->q + j, (k - j) * sizeof *tmp);
		memcpy(s->q + i + (k - j), tmp, n * sizeof *tmp);
		free(tmp);
		i += k - j;
	}
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
	for (i = 0; i < s->conns.n && !s->settling; i++) {
		struct conn *c = s->conns.v[i];

		if (c->ops == NULL || c->ops->next_timer == NULL)
			continue;
		if (c->ops->next_timer(c->drv, c) <= now &&
		    c->ops->on_timer(c->drv, c, now, err, errlen) == -1)
			return -1;
		if ((t = c->ops->next_timer(c->drv, c)) < *next)
			*next = t;
	}
	return 0;
}

static void
hold_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, old);
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
	hold_signals(&old);
	st = run_loop(s, deadline, done, arg, &old, err, errlen);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return st;
}
