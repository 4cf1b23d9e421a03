/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session-queue.c: the session's events on their way out: queued until
 * the capture stamps our sends, in the wire's order, and with lanes
 * merged across their captures in stamp order (the group). */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session-int.h"
#include "xmalloc.h"

struct pend *
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

void
pend_vtext(struct pend *p, const char *fmt, va_list ap)
{
	free(p->text);
	if (vasprintf(&p->text, fmt, ap) == -1)
		p->text = xstrdup("?");
}

void
pend_text(struct pend *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pend_vtext(p, fmt, ap);
	va_end(ap);
}

void
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
void
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
void
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

struct pend *
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
void
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
void
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

/* ---- Lanes ---- */

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

/* The group's part of closing s: the owner frees it, a lane leaves it. */
void
group_close(struct session *s)
{
	if (s->group != NULL && s->group->owner == s) {
		pthread_mutex_destroy(&s->group->lock);
		free(s->group->mv);
		free(s->group);
	} else if (s->group != NULL)
		group_leave(s);
	free(s->ob);
}
