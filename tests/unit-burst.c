/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-burst.c: the BURST step on the fake wire: replies matched to their
 * probes, timeouts, RSTs counted, the local kernel's RST shown, the pace,
 * the count and the window kept, Ctrl-C and a failed send stopping it;
 * no root, no network. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "burst.h"
#include "check.h"
#include "session.h"
#include "wire-fake.h"

#define US	1000LL
#define MS	1000000LL

enum answer { ANS_NONE, ANS_RST, ANS_SYNACK, ANS_SYNACK_KERNEL_RST };

/* A scripted target and what the sinks saw. */
struct bench {
	struct wire	*w;
	struct wire_fake *fk;
	struct session	*s;
	struct burst	*b;
	enum answer	 ans;
	uint16_t	 synack_port;	/* ANS_RST: this port answers SYN-ACK */
	int64_t		 delay;		/* of each answer */
	volatile sig_atomic_t stop;
	size_t		 stop_at;	/* set stop on this send (1-based) */
	size_t		 sends;
	/* events */
	int		 out, in, notes, kernel_notes, with_rtt;
	int		 probe_ids[64];
	int		 nids;
};

static void
collect(void *arg, const struct event *ev)
{
	struct bench *t = arg;

	if (ev->type == EV_NOTE) {
		t->notes++;
		if (strstr(ev->text, "not sent by tcpshake") != NULL)
			t->kernel_notes++;
		return;
	}
	if (ev->type != EV_SEGMENT)
		return;
	if (ev->dir == DIR_TO_TARGET) {
		t->out++;
		if (t->nids < 64)
			t->probe_ids[t->nids++] = ev->probe;
	} else {
		t->in++;
		if (ev->rtt_ns >= 0)
			t->with_rtt++;
	}
}

static void
kernel_rst(struct bench *t, const struct segment *synack_to, int64_t at)
{
	struct segment r;
	char err[256];

	(void)at;
	segment_init(&r);
	r.src = wire_config(t->w)->local;
	r.dst = wire_config(t->w)->remote;
	r.sport = synack_to->sport;
	r.dport = synack_to->dport;
	r.has |= SEG_HAS_PORTS;
	r.flags = TH_RST_;
	r.seq = synack_to->seq + 1;
	r.win = 0;
	CHECK(wire_send_unstamped(t->w, &r, err, sizeof err) == 0);
	segment_clear(&r);
}

/* The target: each SYN answered as t->ans says, t->delay later. */
static void
peer(void *arg, struct wire_fake *fk, const struct segment *sent, int64_t now)
{
	struct bench *t = arg;
	struct segment a;

	if (!(sent->flags & TH_SYN_))
		return;		/* the "kernel's" RST */
	t->sends++;
	if (t->stop_at != 0 && t->sends == t->stop_at)
		t->stop = 2;	/* SIGINT, as the handler sets it */
	if (t->ans == ANS_NONE)
		return;
	segment_init(&a);
	a.sport = sent->dport;
	a.dport = sent->sport;
	a.has |= SEG_HAS_PORTS;
	a.ack = sent->seq + 1;
	a.win = 1000;
	if (t->ans == ANS_RST && sent->dport != t->synack_port)
		a.flags = TH_RST_ | TH_ACK_;
	else {
		a.flags = TH_SYN_ | TH_ACK_;
		a.seq = 777;
	}
	wire_fake_arrive(fk, now + t->delay, &a);
	if (t->ans == ANS_SYNACK_KERNEL_RST)
		kernel_rst(t, sent, now);
	segment_clear(&a);
}

static struct segment tmpl;
static const uint16_t ports[] = { 80, 81 };

static void
spec_init(struct burst_spec *sp, uint32_t n, int64_t interval)
{
	memset(sp, 0, sizeof *sp);
	segment_init(&tmpl);
	tmpl.flags = TH_SYN_;
	tmpl.win = 65535;
	sp->tmpl = &tmpl;
	sp->ports = ports;
	sp->nports = 2;
	sp->nprobes = n;
	sp->interval_ns = interval;
	sp->timeout_ns = 50 * MS;
	sp->show = true;
}

static void
open_bench(struct bench *t, const struct burst_spec *sp, enum answer ans)
{
	struct wire_config wc;
	struct session_config sc;
	char err[256];

	memset(t, 0, sizeof *t);
	t->ans = ans;
	t->delay = 100 * US;
	memset(&wc, 0, sizeof wc);
	ipaddr_parse("198.18.0.1", &wc.local);
	ipaddr_parse("198.18.0.2", &wc.remote);
	wc.icmp = true;
	wc.no_guard = true;
	t->w = wire_fake_open(&wc, &t->fk);
	wire_fake_set_peer(t->fk, peer, t);
	memset(&sc, 0, sizeof sc);
	sc.wire = t->w;
	sc.absolute = true;
	sc.stop = &t->stop;
	sc.emit = collect;
	sc.emit_arg = t;
	t->s = session_open(&sc, err, sizeof err);
	CHECK(t->s != NULL);
	t->b = burst_new(t->s, sp, 1, err, sizeof err);
	CHECK(t->b != NULL);
}

static void
close_bench(struct bench *t)
{
	burst_free(t->b);
	session_close(t->s);
	wire_close(t->w);
	segment_clear(&tmpl);
}

struct tally {
	int	 n, answered, with_rtt, per_port[2];
	int64_t	 min_rtt, max_rtt;
};

static void
tally(void *arg, const struct probe *p)
{
	struct tally *c = arg;

	c->n++;
	c->per_port[p->port_idx]++;
	if (p->answered)
		c->answered++;
	if (p->rtt_ns >= 0) {
		if (c->with_rtt == 0 || p->rtt_ns < c->min_rtt)
			c->min_rtt = p->rtt_ns;
		if (c->with_rtt == 0 || p->rtt_ns > c->max_rtt)
			c->max_rtt = p->rtt_ns;
		c->with_rtt++;
	}
}

/* Paced SYNs, each answered 100 us later: every reply found, its RTT
 * from the kernel stamps (send + 20 us) to the reply's. */
static void
test_replies_matched(void)
{
	struct burst_spec sp;
	struct burst_totals tot;
	struct tally c = { 0 };
	struct bench t;
	char err[256];
	int i;

	spec_init(&sp, 5, 1 * MS);
	open_bench(&t, &sp, ANS_SYNACK);
	CHECK_INT(burst_run(t.b, &t.stop, err, sizeof err), 0);
	burst_totals(t.b, &tot);
	CHECK_INT(tot.sent, 5);
	CHECK_INT(tot.seen_out, 5);
	CHECK_INT(tot.answered, 5);
	CHECK_INT(tot.unmatched, 0);
	burst_foreach(t.b, tally, &c);
	CHECK_INT(c.n, 5);
	CHECK_INT(c.per_port[0], 3);	/* probes 0, 2, 4 to port 80 */
	CHECK_INT(c.per_port[1], 2);
	CHECK_INT(c.with_rtt, 5);
	/* Within a microsecond: the fake's clock ticks at each read. */
	CHECK(c.min_rtt >= 100 * US - WIRE_FAKE_LAG_NS - US);
	CHECK(c.max_rtt <= 100 * US - WIRE_FAKE_LAG_NS + US);
	CHECK_INT(t.out, 5);
	CHECK_INT(t.in, 5);
	CHECK_INT(t.with_rtt, 5);
	for (i = 0; i < 5; i++)
		CHECK_INT(t.probe_ids[i], i);
	/* All in: the run ends without waiting out its 50 ms. */
	CHECK(session_now(t.s) < 4 * MS + 50 * MS);
	close_bench(&t);
}

/* A silent target: nothing answered, the run waits its timeout after the
 * last probe and no longer. */
static void
test_timeouts(void)
{
	struct burst_spec sp;
	struct burst_totals tot;
	struct bench t;
	char err[256];
	int64_t last, end;

	spec_init(&sp, 3, 1 * MS);
	open_bench(&t, &sp, ANS_NONE);
	CHECK_INT(burst_run(t.b, &t.stop, err, sizeof err), 0);
	end = session_now(t.s);
	burst_totals(t.b, &tot);
	CHECK_INT(tot.sent, 3);
	CHECK_INT(tot.seen_out, 3);
	CHECK_INT(tot.answered, 0);
	CHECK(wire_fake_sent(t.fk, 2, &last) != NULL);
	CHECK(end >= last + 50 * MS);
	CHECK(end < last + 51 * MS);
	CHECK_INT(t.in, 0);
	close_bench(&t);
}

/* A closed port's RST-ACK answers its probe as a SYN-ACK does. */
static void
test_rst_counted(void)
{
	struct burst_spec sp;
	struct burst_totals tot;
	struct tally c = { 0 };
	struct bench t;
	char err[256];

	spec_init(&sp, 4, 1 * MS);
	open_bench(&t, &sp, ANS_RST);
	t.synack_port = 81;
	CHECK_INT(burst_run(t.b, &t.stop, err, sizeof err), 0);
	burst_totals(t.b, &tot);
	CHECK_INT(tot.answered, 4);
	CHECK_INT(tot.unmatched, 0);
	burst_foreach(t.b, tally, &c);
	CHECK_INT(c.answered, 4);
	CHECK_INT(c.with_rtt, 4);
	close_bench(&t);
}

/* The local kernel's RST to a SYN-ACK on a probe's flow: shown, with the
 * line saying whose it is, and not taken for a probe. */
static void
test_kernel_rst(void)
{
	struct burst_spec sp;
	struct burst_totals tot;
	struct bench t;
	char err[256];

	spec_init(&sp, 2, 1 * MS);
	open_bench(&t, &sp, ANS_SYNACK_KERNEL_RST);
	CHECK_INT(burst_run(t.b, &t.stop, err, sizeof err), 0);
	burst_totals(t.b, &tot);
	CHECK_INT(tot.sent, 2);
	CHECK_INT(tot.seen_out, 2);
	CHECK_INT(tot.answered, 2);
	CHECK_INT(t.out, 4);		/* two probes, two kernel RSTs */
	CHECK_INT(t.kernel_notes, 2);
	CHECK_INT(t.probe_ids[0], 0);
	CHECK_INT(t.probe_ids[1], 0);	/* probe 0's flow */
	close_bench(&t);
}

/* Paced: one probe every interval, never sooner, and the count kept. */
static void
test_rate(void)
{
	struct burst_spec sp;
	struct bench t;
	char err[256];
	int64_t prev, at;
	size_t i;
	bool spaced = true;

	spec_init(&sp, 10, 10 * MS);
	open_bench(&t, &sp, ANS_RST);
	CHECK_INT(burst_run(t.b, &t.stop, err, sizeof err), 0);
	CHECK_INT(wire_fake_nsent(t.fk), 10);
	wire_fake_sent(t.fk, 0, &prev);
	for (i = 1; i < 10; i++) {
		wire_fake_sent(t.fk, i, &at);
		if (at - prev < 10 * MS || at - prev > 10 * MS + 100 * US)
			spaced = false;
		prev = at;
	}
	CHECK_(spaced, "paced sends 10 ms apart");
	close_bench(&t);
}

/* Full rate: the count exactly; a silent target holds the window at
 * BURST_WINDOW probes until the stall lifts it. */
static void
test_full_rate_window(void)
{
	struct burst_spec sp;
	struct burst_totals tot;
	struct bench t;
	char err[256];
	int64_t a, b;

	spec_init(&sp, 1000, 0);
	sp.timeout_ns = 1 * MS;
	open_bench(&t, &sp, ANS_NONE);
	CHECK_INT(burst_run(t.b, &t.stop, err, sizeof err), 0);
	burst_totals(t.b, &tot);
	CHECK_INT(wire_fake_nsent(t.fk), 1000);
	CHECK_INT(tot.sent, 1000);
	CHECK_INT(tot.seen_out, 1000);
	wire_fake_sent(t.fk, BURST_WINDOW - 1, &a);
	wire_fake_sent(t.fk, BURST_WINDOW, &b);
	CHECK_(b - a >= BURST_STALL_NS, "the window held %lld ns",
	    (long long)(b - a));
	close_bench(&t);

	/* A target that answers: the window never holds for long. */
	spec_init(&sp, 1000, 0);
	open_bench(&t, &sp, ANS_RST);
	CHECK_INT(burst_run(t.b, &t.stop, err, sizeof err), 0);
	burst_totals(t.b, &tot);
	CHECK_INT(tot.sent, 1000);
	CHECK_INT(tot.answered, 1000);
	CHECK(session_now(t.s) < BURST_STALL_NS);
	close_bench(&t);
}

/* Ctrl-C: not one probe after it, paced or at full rate (the batch
 * under way is one system call). */
static void
test_stop(void)
{
	struct burst_spec sp;
	struct burst_totals tot;
	struct bench t;
	char err[256];

	spec_init(&sp, 10, 1 * MS);
	open_bench(&t, &sp, ANS_RST);
	t.stop_at = 3;
	CHECK_INT(burst_run(t.b, &t.stop, err, sizeof err), 0);
	burst_totals(t.b, &tot);
	CHECK_INT(wire_fake_nsent(t.fk), 3);
	CHECK_INT(tot.sent, 3);
	close_bench(&t);

	spec_init(&sp, 1000, 0);
	open_bench(&t, &sp, ANS_RST);
	t.stop_at = 10;
	CHECK_INT(burst_run(t.b, &t.stop, err, sizeof err), 0);
	CHECK_INT(wire_fake_nsent(t.fk), BURST_BATCH);
	close_bench(&t);
}

/* A send that fails stops the run; its line comes back to the caller and
 * the probe is not counted sent. */
static void
test_send_error(void)
{
	struct burst_spec sp;
	struct burst_totals tot;
	struct tally c = { 0 };
	struct bench t;
	char err[256] = "";

	spec_init(&sp, 10, 1 * MS);
	open_bench(&t, &sp, ANS_RST);
	wire_fake_fail_after(t.fk, 3);
	CHECK_INT(burst_run(t.b, &t.stop, err, sizeof err), -1);
	CHECK(strstr(err, "No buffer space") != NULL);
	burst_totals(t.b, &tot);
	CHECK_INT(tot.sent, 3);
	burst_foreach(t.b, tally, &c);
	CHECK_INT(c.n, 3);
	close_bench(&t);
}

int
main(void)
{
	test_replies_matched();
	test_timeouts();
	test_rst_counted();
	test_kernel_rst();
	test_rate();
	test_full_rate_window();
	test_stop();
	test_send_error();
	return check_done();
}
