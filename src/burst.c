/* SPDX-License-Identifier: GPL-2.0-or-later */
/* burst.c: the BURST step: probes sent paced or in batches behind a
 * window, matched through the probe table from the session's tap. */
#include "config.h"

#include <sys/random.h>

#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "burst.h"
#include "clock.h"
#include "session.h"
#include "splitmix.h"
#include "srcrange.h"
#include "wire.h"
#include "xmalloc.h"

/* One sender with its share of the probes: its session (its wire), its
 * probe table, its random source ports. */
struct lane {
	struct burst		*b;
	int			 k;
	struct session		*s;
	struct segment		 seg;		/* the template, its own copy */
	struct probe_table	*tab;
	uint64_t		 rng;
	uint16_t		 lo, hi;	/* its random source ports */
	uint32_t		 nprobes;	/* its share */
	uint32_t		 nsent;
	uint32_t		 nseen_out;
	uint32_t		 nanswered;
	uint32_t		 mark;		/* nanswered when a wait began */
	uint64_t		 unmatched;
	bool			 window_off;	/* answers stalled once */
	bool			 failed;	/* err says why it stopped */
	uint32_t		 unsent;	/* the table's last ones: their
						 * send failed */
	char			 err[256];
	pthread_t		 thread;
};

struct burst {
	struct burst_spec	 spec;
	struct lane		*l;
	int			 n;
	volatile sig_atomic_t	*stop;
	atomic_bool		 failed;	/* a lane stopped: all stop */
};

int
burst_lanes(const struct burst_spec *sp)
{
	cpu_set_t set;
	int n;

	if (sp->interval_ns != 0 || sp->sport != 0 || sp->forged != NULL ||
	    sp->nprobes < BURST_PAR_MIN ||
	    sched_getaffinity(0, sizeof set, &set) != 0)
		return 1;
	n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > BURST_MAX_LANES ? BURST_MAX_LANES : n;
}

void
burst_lane_ports(int k, int nlanes, uint16_t *lo, uint16_t *hi)
{
	uint32_t span = (BURST_SPORT_HIGH - BURST_SPORT_LOW + 1) /
	    (uint32_t)nlanes;

	*lo = (uint16_t)(BURST_SPORT_LOW + (uint32_t)k * span);
	*hi = k == nlanes - 1 ? BURST_SPORT_HIGH :
	    (uint16_t)(*lo + span - 1);
}

/* ---- Errors ---- */

/* A lane that cannot go on stops every lane; burst_run() hands its
 * line to the caller once all are in. */
static void __attribute__((format(printf, 2, 3)))
lane_fail(struct lane *l, const char *fmt, ...)
{
	va_list ap;

	if (l->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(l->err, sizeof l->err, fmt, ap);
	va_end(ap);
	/* libnet's messages end in a newline; the line is ours to end. */
	l->err[strcspn(l->err, "\n")] = '\0';
	l->failed = true;
	atomic_store(&l->b->failed, true);
}

/* Ctrl-C, or a lane failed: send nothing more. */
static bool
halted(const struct lane *l)
{
	return (l->b->stop != NULL && *l->b->stop) ||
	    atomic_load(&l->b->failed);
}

/* ---- What the capture shows ---- */

/* Probe id of lane l in the run's numbering (and the ports' order). */
static uint32_t
global_id(const struct lane *l, uint32_t id)
{
	return id * (uint32_t)l->b->n + (uint32_t)l->k;
}

static void
lane_event(struct lane *l, struct event *ev, enum event_type type,
    enum event_dir dir, const struct wire_pkt *pkt, uint32_t id)
{
	event_init(ev, type);
	ev->dir = dir;
	ev->ts = pkt->ts;
	ev->t_ns = pkt->t_ns;
	ev->seg = &pkt->d.seg;
	ev->ip = pkt->d.ip;
	ev->iplen = pkt->d.iplen;
	if (id != PROBE_NONE)
		ev->probe = (int)global_id(l, id);
}

static void
lane_emit(struct lane *l, const struct event *ev)
{
	if (l->b->spec.show)
		session_queue(l->s, ev);
}

/* A reply or an ICMP error for probe id: the first one answers it. */
static int64_t
lane_answer(struct lane *l, uint32_t id, const struct timespec *ts)
{
	struct probe *p = probe_get(l->tab, id);
	int64_t rtt = -1;

	p->replies++;
	if (p->seen_out)
		rtt = timespec_diff_ns(ts, &p->ts_out);
	if (!p->answered) {
		p->answered = true;
		p->rtt_ns = rtt;
		l->nanswered++;
	}
	return rtt;
}

static void
seen_kernel_note(struct lane *l)
{
	struct event ev;

	event_init(&ev, EV_NOTE);
	ev.text = "the RST above was not sent by tcpshake: the local "
	    "kernel's, which knows no such connection (probe keeps no "
	    "guard; connect and run do)";
	lane_emit(l, &ev);
}

static void
seen_reply(struct lane *l, const struct wire_pkt *pkt)
{
	struct event ev;
	uint32_t id = probe_match_reply(l->tab, &pkt->d.seg);

	lane_event(l, &ev, EV_SEGMENT, DIR_FROM_TARGET, pkt, id);
	if (id != PROBE_NONE)
		ev.rtt_ns = lane_answer(l, id, &pkt->ts);
	else
		l->unmatched++;
	lane_emit(l, &ev);
}

/* Ours leaving: a probe (its stamp), or the local kernel's RST on a
 * probe's flow, shown with a line saying whose it is: it is why a
 * handshake from raw sockets dies. Other segments of our kernel's are
 * neither. */
static void
seen_ours(struct lane *l, const struct wire_pkt *pkt)
{
	struct event ev;
	struct probe *p;
	uint32_t id;
	bool kernel = false;

	if ((id = probe_match_out(l->tab, &pkt->d.seg)) != PROBE_NONE) {
		p = probe_get(l->tab, id);
		p->seen_out = true;
		p->ts_out = pkt->ts;
		l->nseen_out++;
	} else if (ipaddr_eq(&pkt->d.seg.src, &l->seg.dst)) {
		/* The target is ourselves (loopback): a reply. */
		seen_reply(l, pkt);
		return;
	} else if ((id = probe_match_kernel(l->tab, &pkt->d.seg)) !=
	    PROBE_NONE)
		kernel = true;
	else
		return;
	if (!l->b->spec.show)
		return;
	lane_event(l, &ev, EV_SEGMENT, DIR_TO_TARGET, pkt, id);
	lane_emit(l, &ev);
	if (kernel)
		seen_kernel_note(l);
}

static void
seen_icmp(struct lane *l, const struct wire_pkt *pkt)
{
	const struct segment *q = &pkt->d.seg;
	struct event ev;
	uint32_t id;

	/* Every lane's capture sees every ICMP error: each takes those
	 * about its own source ports. */
	if (l->b->n > 1 && (q->sport < l->lo || q->sport > l->hi))
		return;
	if ((id = probe_match_quoted(l->tab, q)) == PROBE_NONE) {
		l->unmatched++;
		return;
	}
	lane_event(l, &ev, EV_ICMP, DIR_FROM_TARGET, pkt, id);
	ev.rtt_ns = lane_answer(l, id, &pkt->ts);
	ev.icmp_type = pkt->d.icmp_type;
	ev.icmp_code = pkt->d.icmp_code;
	ev.icmp_rest = pkt->d.icmp_rest;
	ev.icmp_from = &pkt->d.icmp_from;
	lane_emit(l, &ev);
}

/* The session's tap: everything but what did not decode (the session
 * shows that) is the burst's. */
static bool
lane_tap(void *arg, const struct wire_pkt *pkt)
{
	struct lane *l = arg;

	switch (pkt->kind) {
	case WIRE_MALFORMED:
		return false;
	case WIRE_ICMP:
		seen_icmp(l, pkt);
		break;
	case WIRE_ARRIVED:
		seen_reply(l, pkt);
		break;
	case WIRE_SENT:
	case WIRE_LATE:
	case WIRE_FOREIGN:
		seen_ours(l, pkt);
		break;
	}
	return true;
}

/* ---- Waiting ---- */

static bool
lane_all_in(void *arg)
{
	struct lane *l = arg;

	return atomic_load(&l->b->failed) || (l->nanswered == l->nsent &&
	    l->nseen_out == l->nsent);
}

static bool
lane_halted(void *arg)
{
	return atomic_load(&((struct lane *)arg)->b->failed);
}

static bool
lane_moved(void *arg)
{
	struct lane *l = arg;

	return atomic_load(&l->b->failed) || l->nanswered != l->mark;
}

/* Serve the session until deadline or done(l): the tap sees each
 * packet. */
static void
lane_wait(struct lane *l, int64_t deadline, bool (*done)(void *))
{
	char err[256];

	if (session_run(l->s, deadline, done, l, err, sizeof err) ==
	    SESSION_ERROR)
		lane_fail(l, "%s", err);
}

/*
 * At full rate a lane keeps at most BURST_WINDOW probes waiting for an
 * answer, while answers keep coming: a target in the lab processes what
 * arrives on one CPU with a backlog of 1000 packets (netdev_max_backlog)
 * and drops whatever comes faster than it answers. A stall of
 * BURST_STALL_NS without an answer lifts the window for the rest of the
 * run, so a target that answers nothing holds nothing back.
 */
static void
lane_window(struct lane *l)
{
	while (!l->window_off && !halted(l) &&
	    l->nsent - l->nanswered >= BURST_WINDOW) {
		l->mark = l->nanswered;
		lane_wait(l, session_now(l->s) + BURST_STALL_NS, lane_moved);
		if (l->nanswered == l->mark)
			l->window_off = true;
	}
}

/* ---- Sending ---- */

/* Probe id's fields into the lane's segment, and the probe into the
 * table before it leaves (the reply may beat us back). False when the
 * table takes no more. */
static bool
lane_next(struct lane *l, uint32_t id)
{
	const struct burst_spec *sp = &l->b->spec;
	struct segment *seg = &l->seg;
	uint32_t pidx = global_id(l, id) % sp->nports;

	seg->dport = sp->ports[pidx];
	if (sp->forged != NULL) {
		uint64_t rnd[2] = { splitmix64(&l->rng),
		    splitmix64(&l->rng) };

		srcrange_pick(sp->forged, rnd, &seg->src);
	}
	seg->sport = sp->sport != 0 ? sp->sport : (uint16_t)(l->lo +
	    splitmix64(&l->rng) % (l->hi - l->lo + 1u));
	if (!sp->seq_fixed)
		seg->seq = (uint32_t)splitmix64(&l->rng);
	if (!sp->ack_fixed)
		seg->ack = (seg->flags & TH_ACK_) ?
		    (uint32_t)splitmix64(&l->rng) : 0;
	return probe_add(l->tab, seg, pidx) != PROBE_NONE;
}

/* Paced (or forged): one probe, built and sent on its own. */
static void
lane_send_one(struct lane *l, uint32_t id)
{
	char err[256];

	if (!lane_next(l, id))
		return;
	if (wire_send_unstamped(session_wire(l->s), &l->seg, err,
	    sizeof err) == -1) {
		l->unsent = 1;
		lane_fail(l, "%s", err);
		return;
	}
	l->nsent++;
}

/* Full rate: n probes from first on, copies of the template with their
 * own ports and numbers, in one sendmmsg(2) or few. */
static void
lane_send_batch(struct lane *l, uint32_t first, uint32_t n)
{
	struct wire_patch p[BURST_BATCH];
	uint32_t i, k = 0;
	char err[256];

	for (i = 0; i < n; i++) {
		if (!lane_next(l, first + i))
			continue;
		p[k].sport = l->seg.sport;
		p[k].dport = l->seg.dport;
		p[k].seq = l->seg.seq;
		p[k].ack = l->seg.ack;
		p[k].flags = l->seg.flags;
		k++;
	}
	if (wire_send_batch(session_wire(l->s), p, k, err, sizeof err) ==
	    -1) {
		l->unsent = k;
		lane_fail(l, "%s", err);
		return;
	}
	l->nsent += k;
}

/* One lane's run: its probes on time (or, at full rate, in batches with
 * the capture drained between), then the wait for the last replies,
 * which ends early once everything is in. */
static void *
lane_run(void *arg)
{
	struct lane *l = arg;
	const struct burst_spec *sp = &l->b->spec;
	int64_t t0 = session_now(l->s), last = t0;
	uint32_t i, n;

	/* A forged source is no part of the template: those go one by one,
	 * as fast as they are built. */
	for (i = 0; sp->interval_ns == 0 && sp->forged == NULL &&
	    i < l->nprobes && !halted(l); i += n) {
		n = l->nprobes - i < BURST_BATCH ? l->nprobes - i :
		    BURST_BATCH;
		lane_wait(l, session_now(l->s), NULL);
		lane_window(l);
		/* Ctrl-C while waiting: not one probe more. */
		if (halted(l))
			break;
		lane_send_batch(l, i, n);
		last = session_now(l->s);
	}
	for (; i < l->nprobes && !halted(l); i++) {
		lane_wait(l, t0 + (int64_t)i * sp->interval_ns, lane_halted);
		if (halted(l))
			break;
		lane_send_one(l, i);
		last = session_now(l->s);
	}
	if (!l->failed)
		lane_wait(l, last + sp->timeout_ns, lane_all_in);
	/* The other lanes' events wait for this one's no longer. */
	session_lane_done(l->s);
	return NULL;
}

/* ---- The step ---- */

static void
lane_init(struct burst *b, struct lane *l, int k, struct session *s)
{
	const struct wire_config *wc = wire_config(session_wire(s));

	l->b = b;
	l->k = k;
	l->s = s;
	l->nprobes = (b->spec.nprobes - (uint32_t)k + (uint32_t)b->n - 1) /
	    (uint32_t)b->n;
	burst_lane_ports(k, b->n, &l->lo, &l->hi);
	if (getrandom(&l->rng, sizeof l->rng, 0) != sizeof l->rng)
		l->rng = (uint64_t)mono_ns() + (uint64_t)k;
	segment_init(&l->seg);
	segment_copy(&l->seg, b->spec.tmpl);
	l->seg.src = wc->local;
	l->seg.dst = wc->remote;
	l->tab = probe_table_new(&wc->local, &wc->remote, l->nprobes);
	if (b->spec.forged != NULL)
		probe_table_src_range(l->tab, b->spec.forged);
	session_set_tap(s, lane_tap, l);
}

struct burst *
burst_new(struct session *s, const struct burst_spec *sp, int nlanes,
    char *err, size_t errlen)
{
	struct burst *b = xcalloc(1, sizeof *b);
	struct session *ls;
	uint16_t lo, hi;
	int k;

	b->spec = *sp;
	b->n = nlanes < 1 ? 1 : nlanes;
	b->l = xcalloc((size_t)b->n, sizeof *b->l);
	atomic_init(&b->failed, false);
	for (k = 0; k < b->n; k++) {
		ls = s;
		burst_lane_ports(k, b->n, &lo, &hi);
		if (k > 0 && (ls = session_open_lane(s, lo, hi, err,
		    errlen)) == NULL) {
			b->n = k;
			burst_free(b);
			return NULL;
		}
		lane_init(b, &b->l[k], k, ls);
		/* At full rate every probe is a copy of this, patched. */
		if (sp->interval_ns == 0 && sp->forged == NULL &&
		    wire_set_template(session_wire(ls), &b->l[k].seg, err,
		    errlen) == -1) {
			b->n = k + 1;
			burst_free(b);
			return NULL;
		}
	}
	return b;
}

/* One lane runs here; more run in threads that leave signals to this
 * one. */
static int
run_lanes(struct burst *b, char *err, size_t errlen)
{
	sigset_t all, old;
	int k, e, started;

	if (b->n == 1) {
		lane_run(&b->l[0]);
		return 0;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (started = 1; started < b->n; started++)
		if ((e = pthread_create(&b->l[started].thread, NULL, lane_run,
		    &b->l[started])) != 0) {
			snprintf(err, errlen, "cannot start a sender thread: "
			    "%s", strerror(e));
			atomic_store(&b->failed, true);
			break;
		}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (started == b->n)
		lane_run(&b->l[0]);
	for (k = 1; k < started; k++)
		pthread_join(b->l[k].thread, NULL);
	return started == b->n ? 0 : -1;
}

int
burst_run(struct burst *b, volatile sig_atomic_t *stop, char *err,
    size_t errlen)
{
	int k, rc;

	b->stop = stop;
	for (k = 0; k < b->n; k++)
		session_start(b->l[k].s);
	rc = run_lanes(b, err, errlen);
	/* What the lanes' merge still holds, before any summary. */
	session_settle(b->l[0].s);
	if (rc == -1)
		return -1;
	for (k = 0; k < b->n; k++)
		if (b->l[k].failed) {
			snprintf(err, errlen, "%s", b->l[k].err);
			return -1;
		}
	return 0;
}

void
burst_totals(const struct burst *b, struct burst_totals *t)
{
	const struct lane *l;
	int k;

	memset(t, 0, sizeof *t);
	for (k = 0; k < b->n; k++) {
		l = &b->l[k];
		t->sent += l->nsent;
		t->seen_out += l->nseen_out;
		t->answered += l->nanswered;
		t->unmatched += l->unmatched;
		t->drops += session_drops(l->s);
	}
}

void
burst_foreach(const struct burst *b, void (*fn)(void *,
    const struct probe *), void *arg)
{
	const struct lane *l;
	uint32_t i, n;
	int k;

	for (k = 0; k < b->n; k++) {
		l = &b->l[k];
		/* A failed send's probes were never sent. */
		n = probe_count(l->tab) - l->unsent;
		for (i = 0; i < n; i++)
			fn(arg, probe_get(l->tab, i));
	}
}

void
burst_free(struct burst *b)
{
	int k;

	if (b == NULL)
		return;
	for (k = 0; k < b->n; k++) {
		session_set_tap(b->l[k].s, NULL, NULL);
		if (k > 0)
			session_close(b->l[k].s);
		probe_table_free(b->l[k].tab);
		segment_clear(&b->l[k].seg);
	}
	free(b->l);
	free(b);
}
