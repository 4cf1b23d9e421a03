/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-session.c: the session on the fake wire: conversations found by
 * their 4-tuple, two flows at once, a driver's timer, events in the
 * wire's order and relative numbers; no root, no network. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "session.h"
#include "wire-fake.h"

#define MS	1000000LL

/* What the sinks saw, in order. */
struct seen {
	int		 n;
	enum event_type	 type[32];
	enum event_dir	 dir[32];
	int64_t		 t[32];
	uint16_t	 lport[32];	/* ours, for segments */
	uint32_t	 seq_base[32];
	char		 text[32][80];
};

static void
collect(void *arg, const struct event *ev)
{
	struct seen *sn = arg;
	int i = sn->n;

	if (i == 32)
		return;
	sn->n++;
	sn->type[i] = ev->type;
	sn->dir[i] = ev->dir;
	sn->t[i] = ev->t_ns;
	sn->seq_base[i] = ev->seq_base;
	if (ev->seg != NULL)
		sn->lport[i] = ev->dir == DIR_TO_TARGET ? ev->seg->sport :
		    ev->seg->dport;
	snprintf(sn->text[i], sizeof sn->text[i], "%s", ev->text ? ev->text :
	    "");
}

struct setup {
	struct wire	*w;
	struct wire_fake *fk;
	struct session	*s;
	struct seen	 seen;
};

static void
setup(struct setup *su)
{
	struct wire_config wc;
	struct session_config sc;
	char err[256];

	memset(su, 0, sizeof *su);
	memset(&wc, 0, sizeof wc);
	ipaddr_parse("198.18.0.1", &wc.local);
	ipaddr_parse("198.18.0.2", &wc.remote);
	wc.rport = 80;
	su->w = wire_fake_open(&wc, &su->fk);
	memset(&sc, 0, sizeof sc);
	sc.wire = su->w;
	sc.emit = collect;
	sc.emit_arg = &su->seen;
	su->s = session_open(&sc, err, sizeof err);
	CHECK(su->s != NULL);
}

static void
teardown(struct setup *su)
{
	session_close(su->s);
	wire_close(su->w);
}

static void
arrive(struct setup *su, int64_t t, uint16_t dport, uint8_t flags,
    uint32_t seq)
{
	struct segment a;

	segment_init(&a);
	a.sport = 80;
	a.dport = dport;
	a.has |= SEG_HAS_PORTS;
	a.flags = flags;
	a.seq = seq;
	a.win = 1000;
	wire_fake_arrive(su->fk, t, &a);
	segment_clear(&a);
}

static struct segment
our_seg(struct setup *su, uint16_t sport, uint8_t flags, uint32_t seq)
{
	struct segment o;

	segment_init(&o);
	o.src = wire_config(su->w)->local;
	o.dst = wire_config(su->w)->remote;
	o.sport = sport;
	o.dport = 80;
	o.has |= SEG_HAS_PORTS;
	o.flags = flags;
	o.seq = seq;
	o.win = 1000;
	return o;
}

/* Two conversations without a driver, ports 40000 and 40001. */
static void
two_conns(struct setup *su, struct conn **a, struct conn **b)
{
	char err[256];

	*a = session_add_conn(su->s, 40000, 80, true, NULL, NULL, err,
	    sizeof err);
	*b = session_add_conn(su->s, 40001, 80, true, NULL, NULL, err,
	    sizeof err);
	CHECK(*a != NULL && *b != NULL);
}

/* Two conversations on one wire: each of the target's segments goes to
 * the queue of its 4-tuple; one for a port nobody holds goes nowhere. */
static void
test_two_flows(void)
{
	struct setup su;
	struct conn *a, *b;
	char err[256];

	setup(&su);
	two_conns(&su, &a, &b);
	CHECK_INT(wire_fake_nports(su.fk), 2);
	CHECK_INT(wire_fake_nguarded(su.fk), 2);
	CHECK(conn_find(session_conns(su.s), &wire_config(su.w)->local, 40001,
	    &wire_config(su.w)->remote, 80) == b);
	CHECK(conn_find(session_conns(su.s), &wire_config(su.w)->local, 80,
	    &wire_config(su.w)->remote, 40001) == NULL);
	arrive(&su, 1 * MS, 40001, TH_SYN_ | TH_ACK_, 7000);
	arrive(&su, 2 * MS, 40000, TH_RST_, 9000);
	arrive(&su, 3 * MS, 40002, TH_RST_, 1);
	CHECK_INT(session_run(su.s, 10 * MS, NULL, NULL, err, sizeof err),
	    SESSION_DEADLINE);
	CHECK_INT(a->qlen - a->qhead, 1);
	CHECK_INT(b->qlen - b->qhead, 1);
	CHECK_INT(conn_peek(a)->seg.seq, 9000);
	CHECK_INT(conn_peek(b)->seg.flags, TH_SYN_ | TH_ACK_);
	CHECK_INT(conn_peek(b)->t_ns, 1 * MS);
	CHECK_INT(a->received + b->received, 2);
	/* Two events: the third segment is no conversation's. */
	CHECK_INT(su.seen.n, 2);
	CHECK_INT(su.seen.lport[0], 40001);
	/* The target's SYN shows its ISN as 0 before anything learned it. */
	CHECK_INT(su.seen.seq_base[0], 7000);
	CHECK_INT(su.seen.lport[1], 40000);
	conn_take(b, conn_peek(b));
	CHECK(conn_peek(b) == NULL);
	/* Data right behind the SYN-ACK, before a step learned its ISN,
	 * counts from that SYN too (a Fast Open server's first data). */
	arrive(&su, 4 * MS, 40001, TH_PSH_ | TH_ACK_, 7001);
	CHECK_INT(session_run(su.s, 10 * MS, NULL, NULL, err, sizeof err),
	    SESSION_DEADLINE);
	CHECK_INT(su.seen.n, 3);
	CHECK_INT(su.seen.seq_base[2], 7000);
	teardown(&su);
}

/* A send shows at its kernel stamp; the target's segment stamped before
 * it, though handled while it waited, is shown first: times never run
 * backwards. */
static void
test_wire_order(void)
{
	struct setup su;
	struct conn *a, *b;
	struct segment o;
	char err[256];
	int i;

	setup(&su);
	two_conns(&su, &a, &b);
	wire_fake_set_lag(su.fk, 2 * MS);
	arrive(&su, 1 * MS, 40001, TH_ACK_, 5);
	o = our_seg(&su, 40000, TH_SYN_, 100);
	CHECK_INT(session_send(su.s, a, &o, err, sizeof err), 0);
	segment_clear(&o);
	session_note(su.s, "after the send");
	CHECK_INT(su.seen.n, 0);	/* the note waits behind the send */
	CHECK_INT(session_unseen(su.s), 1);
	CHECK_INT(session_run(su.s, 10 * MS, NULL, NULL, err, sizeof err),
	    SESSION_DEADLINE);
	CHECK_INT(su.seen.n, 3);
	CHECK_INT(su.seen.dir[0], DIR_FROM_TARGET);
	CHECK_INT(su.seen.dir[1], DIR_TO_TARGET);
	CHECK_INT(su.seen.type[2], EV_NOTE);
	CHECK_STR(su.seen.text[2], "after the send");
	for (i = 1; i < su.seen.n; i++)
		CHECK_(su.seen.t[i] >= su.seen.t[i - 1], "event %d at %lld "
		    "not before %lld", i, (long long)su.seen.t[i],
		    (long long)su.seen.t[i - 1]);
	CHECK_INT(a->sent, 1);
	CHECK_(a->last_sent_t >= 2 * MS, "stamp %lld",
	    (long long)a->last_sent_t);
	CHECK(a->syn_seen);
	teardown(&su);
}

/* A driver's timer: fired once at its time, its send shown, and a
 * driver sees the target's segments instead of the queue. */
struct drv {
	struct session	*s;
	int64_t		 at;
	int		 fired;
	int		 arrived;
};

static void
drv_arrived(void *arg, struct conn *c, const struct wire_pkt *pkt,
    int64_t *rtt_ns)
{
	struct drv *d = arg;

	(void)c;
	(void)pkt;
	d->arrived++;
	*rtt_ns = 1234;
}

static int64_t
drv_next(void *arg, struct conn *c)
{
	(void)c;
	return ((struct drv *)arg)->at;
}

static int
drv_timer(void *arg, struct conn *c, int64_t now, char *err, size_t errlen)
{
	struct drv *d = arg;
	struct segment o;
	int rc;

	(void)now;
	d->fired++;
	d->at = INT64_MAX;
	segment_init(&o);
	o.src = wire_config(session_wire(d->s))->local;
	o.dst = wire_config(session_wire(d->s))->remote;
	o.sport = c->lport;
	o.dport = c->rport;
	o.has |= SEG_HAS_PORTS;
	o.flags = TH_RST_;
	rc = session_send(d->s, c, &o, err, errlen);
	segment_clear(&o);
	return rc;
}

static const struct conn_ops drv_ops = {
	.arrived = drv_arrived,
	.next_timer = drv_next,
	.on_timer = drv_timer,
};

static bool
fired(void *arg)
{
	return ((struct drv *)arg)->fired > 0 && session_unseen(
	    ((struct drv *)arg)->s) == 0;
}

static void
test_timer(void)
{
	struct setup su;
	struct drv d = { .at = 5 * MS };
	struct conn *c;
	int64_t t;
	char err[256];

	setup(&su);
	d.s = su.s;
	c = session_add_conn(su.s, 40000, 80, false, &drv_ops, &d, err,
	    sizeof err);
	CHECK(c != NULL);
	arrive(&su, 1 * MS, 40000, TH_ACK_, 1);
	CHECK_INT(session_run(su.s, 50 * MS, fired, &d, err, sizeof err),
	    SESSION_DONE);
	CHECK_INT(d.fired, 1);
	CHECK_INT(d.arrived, 1);
	CHECK(conn_peek(c) == NULL);		/* the driver took it */
	CHECK_INT(wire_fake_nsent(su.fk), 1);
	wire_fake_sent(su.fk, 0, &t);
	CHECK_(t >= 5 * MS && t < 5 * MS + 100000, "timer send at %lld",
	    (long long)t);
	CHECK_INT(su.seen.n, 2);
	CHECK_INT(su.seen.dir[0], DIR_FROM_TARGET);
	CHECK_INT(su.seen.dir[1], DIR_TO_TARGET);
	teardown(&su);
}

/* A stop flag set before the run: it returns at once, nothing lost. */
static void
test_stop(void)
{
	volatile sig_atomic_t stop = 1;
	struct wire_config wc;
	struct session_config sc;
	struct wire_fake *fk;
	struct session *s;
	struct wire *w;
	char err[256];

	memset(&wc, 0, sizeof wc);
	ipaddr_parse("2001:db8::1", &wc.local);
	ipaddr_parse("2001:db8::2", &wc.remote);
	w = wire_fake_open(&wc, &fk);
	memset(&sc, 0, sizeof sc);
	sc.wire = w;
	sc.stop = &stop;
	s = session_open(&sc, err, sizeof err);
	CHECK_INT(session_run(s, 1000 * MS, NULL, NULL, err, sizeof err),
	    SESSION_STOPPED);
	CHECK_(session_now(s) < 1 * MS, "returned at %lld",
	    (long long)session_now(s));
	session_close(s);
	wire_close(w);
}

int
main(void)
{
	test_two_flows();
	test_wire_order();
	test_timer();
	test_stop();
	return check_done();
}
