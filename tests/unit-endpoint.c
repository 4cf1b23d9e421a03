/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-endpoint.c: the endpoint driving a flow against a scripted peer on
 * the fake wire: handshake, reaction time, SYN retransmissions, data out
 * of order; no root, no network. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "endpoint.h"
#include "session.h"
#include "wire-fake.h"

#define MS	1000000LL
#define ISS	1000u
#define PEER_ISN 5000u

struct peer {
	bool	 silent;		/* never answers */
	int64_t	 data_at[2];		/* after the handshake, relative */
	const char *data_line[2];	/* numbers relative to the ISNs */
};

struct seen {
	char	 states[8][24];
	int	 nstates;
	int	 nsegs;
	/* The segments in the order emitted: time, flags, wire ack. */
	int64_t	 seg_t[16];
	uint8_t	 seg_flags[16];
	uint32_t seg_ack[16];
};

static void
peer_on_send(void *arg, struct wire_fake *fk, const struct segment *s,
    int64_t t)
{
	const struct peer *p = arg;
	struct text_error err;
	struct segment a;
	char line[160];
	int i;

	if (p->silent)
		return;
	if (s->flags == TH_SYN_) {
		snprintf(line, sizeof line, "S. %u:%u(0) ack %u win 65535 "
		    "<mss 1460>", PEER_ISN, PEER_ISN, s->seq + 1);
		wire_fake_arrive_line(fk, t + 2 * MS, line);
		return;
	}
	if (s->flags != TH_ACK_ || s->ack != PEER_ISN + 1)
		return;
	for (i = 0; i < 2 && p->data_line[i] != NULL; i++) {
		segment_init(&a);
		if (!segment_parse(p->data_line[i], &a, &err)) {
			printf("Bail out! %s: %s\n", p->data_line[i], err.msg);
			exit(1);
		}
		a.seq += PEER_ISN;
		a.ack += ISS;
		wire_fake_arrive(fk, t + p->data_at[i], &a);
		segment_clear(&a);
	}
}

static void
collect(void *arg, const struct event *ev)
{
	struct seen *sn = arg;

	if (ev->type == EV_SEGMENT && sn->nsegs < 16) {
		sn->seg_t[sn->nsegs] = ev->t_ns;
		sn->seg_flags[sn->nsegs] = ev->seg->flags;
		sn->seg_ack[sn->nsegs] = ev->seg->ack;
	}
	if (ev->type == EV_SEGMENT)
		sn->nsegs++;
	if (ev->type == EV_STATE && sn->nstates < 8)
		snprintf(sn->states[sn->nstates++], 24, "%s", ev->text);
}

struct setup {
	struct wire	*w;
	struct wire_fake *fk;
	struct session	*s;
	struct endpoint	*ep;
	struct ep_flow	*fl;
	struct seen	 seen;
};

static void
setup(struct setup *su, struct peer *p)
{
	struct wire_config wc;
	struct session_config sc;
	struct endpoint_config ec;
	struct flow_config fc;
	char err[256];

	memset(su, 0, sizeof *su);
	memset(&wc, 0, sizeof wc);
	ipaddr_parse("2001:db8::1", &wc.local);
	ipaddr_parse("2001:db8::2", &wc.remote);
	wc.lport = 40000;
	wc.rport = 80;
	su->w = wire_fake_open(&wc, &su->fk);
	wire_fake_set_peer(su->fk, peer_on_send, p);
	memset(&sc, 0, sizeof sc);
	sc.wire = su->w;
	sc.emit = collect;
	sc.emit_arg = &su->seen;
	su->s = session_open(&sc, err, sizeof err);
	CHECK(su->s != NULL);
	memset(&ec, 0, sizeof ec);
	su->ep = endpoint_new(su->s, &ec);
	flow_config_init(&fc);
	fc.lport = wc.lport;
	fc.rport = wc.rport;
	fc.iss = ISS;
	su->fl = endpoint_add_flow(su->ep, &fc, err, sizeof err);
	CHECK_(su->fl != NULL, "endpoint_add_flow: %s", err);
	CHECK_INT(endpoint_connect(su->ep, su->fl, err, sizeof err), 0);
}

static void
teardown(struct setup *su)
{
	session_close(su->s);
	endpoint_free(su->ep);
	wire_close(su->w);
}

static bool
established(void *arg)
{
	return ep_flow_tcb(arg)->state == FLOW_ESTABLISHED;
}

static bool
got_ten(void *arg)
{
	size_t len;

	ep_flow_received(arg, &len);
	return len >= 10;
}

static void
test_handshake(void)
{
	struct peer p = { 0 };
	struct setup su;
	const struct segment *s;
	int64_t t0, t1;
	char err[256];

	setup(&su, &p);
	CHECK_INT(session_run(su.s, 1000 * MS, established, su.fl, err,
	    sizeof err), SESSION_DONE);
	CHECK_INT(wire_fake_nsent(su.fk), 2);
	s = wire_fake_sent(su.fk, 0, &t0);
	CHECK_INT(s->flags, TH_SYN_);
	CHECK_INT(s->seq, ISS);
	s = wire_fake_sent(su.fk, 1, &t1);
	CHECK_INT(s->flags, TH_ACK_);
	CHECK_INT(s->ack, PEER_ISN + 1);
	/* The ACK leaves when the SYN-ACK arrives (2 ms after the SYN),
	 * not at the next timer or poll. */
	CHECK_(t1 - t0 - 2 * MS < 100000, "reaction %lld ns",
	    (long long)(t1 - t0 - 2 * MS));
	/* Kernel stamps: the SYN seen leaving (WIRE_FAKE_LAG_NS after the
	 * send) to the SYN-ACK's arrival. */
	CHECK_(llabs(ep_flow_hs_rtt(su.fl) - (2 * MS - WIRE_FAKE_LAG_NS)) <
	    1000, "rtt %lld ns", (long long)ep_flow_hs_rtt(su.fl));
	session_settle(su.s);
	CHECK_INT(su.seen.nstates, 2);
	CHECK_STR(su.seen.states[0], "SYN_SENT");
	CHECK_STR(su.seen.states[1], "ESTABLISHED");
	CHECK_INT(su.seen.nsegs, 3);
	teardown(&su);
}

/* Nobody answers: the SYN again after the RTO (1 s), then after 2 s. */
static void
test_syn_retransmission(void)
{
	struct peer p = { .silent = true };
	struct setup su;
	int64_t t0, t1, t2;
	char err[256];

	setup(&su, &p);
	CHECK_INT(session_run(su.s, 3500 * MS, established, su.fl, err,
	    sizeof err), SESSION_DEADLINE);
	CHECK_INT(wire_fake_nsent(su.fk), 3);
	wire_fake_sent(su.fk, 0, &t0);
	wire_fake_sent(su.fk, 1, &t1);
	wire_fake_sent(su.fk, 2, &t2);
	CHECK(wire_fake_sent(su.fk, 2, NULL)->seq == ISS);
	CHECK_(t1 - t0 >= 1000 * MS && t1 - t0 < 1010 * MS, "rto %lld",
	    (long long)(t1 - t0));
	CHECK_(t2 - t1 >= 2000 * MS && t2 - t1 < 2010 * MS, "rto %lld",
	    (long long)(t2 - t1));
	CHECK_INT(ep_flow_tcb(su.fl)->state, FLOW_SYN_SENT);
	teardown(&su);
}

/* The second half first: held, then delivered with the first. */
static void
test_out_of_order(void)
{
	struct peer p = { .data_at = { 5 * MS, 6 * MS }, .data_line = {
	    "P. 6:11(5) ack 1 \"world\"", "P. 1:6(5) ack 1 \"hello\"" } };
	struct setup su;
	const uint8_t *data;
	size_t len;
	char err[256];

	setup(&su, &p);
	CHECK_INT(session_run(su.s, 1000 * MS, got_ten, su.fl, err,
	    sizeof err), SESSION_DONE);
	data = ep_flow_received(su.fl, &len);
	CHECK_INT(len, 10);
	CHECK(len == 10 && memcmp(data, "helloworld", 10) == 0);
	/* What we sent last acknowledges all ten bytes. */
	CHECK_INT(wire_fake_sent(su.fk, wire_fake_nsent(su.fk) - 1,
	    NULL)->ack, PEER_ISN + 11);
	teardown(&su);
}

static bool
close_wait(void *arg)
{
	return ep_flow_tcb(arg)->state == FLOW_CLOSE_WAIT;
}

/* The target's FIN comes 5 us after its data, before our ACK of the data
 * shows leaving (WIRE_FAKE_LAG_NS): the events go in the wire's order,
 * the FIN before that ACK, and their times never run backwards. */
static void
test_wire_order(void)
{
	struct peer p = { .data_at = { 5 * MS, 5 * MS + 5000 }, .data_line = {
	    "P. 1:6(5) ack 1 \"hello\"", "F. 6:6(0) ack 1" } };
	struct setup su;
	char err[256];
	int i, fin = -1, ack6 = -1;

	setup(&su, &p);
	CHECK_INT(session_run(su.s, 1000 * MS, close_wait, su.fl, err,
	    sizeof err), SESSION_DONE);
	session_settle(su.s);
	CHECK_INT(su.seen.nsegs, 7);
	for (i = 0; i < su.seen.nsegs && i < 16; i++) {
		if (i > 0)
			CHECK_(su.seen.seg_t[i] >= su.seen.seg_t[i - 1],
			    "segment %d at %lld after %lld", i,
			    (long long)su.seen.seg_t[i],
			    (long long)su.seen.seg_t[i - 1]);
		if (su.seen.seg_flags[i] & TH_FIN_)
			fin = i;
		if (su.seen.seg_flags[i] == TH_ACK_ &&
		    su.seen.seg_ack[i] == PEER_ISN + 6)
			ack6 = i;
	}
	CHECK_(fin >= 0 && ack6 > fin, "the FIN (%d) before our ACK of the "
	    "data (%d)", fin, ack6);
	teardown(&su);
}

int
main(void)
{
	test_handshake();
	test_syn_retransmission();
	test_out_of_order();
	test_wire_order();
	return check_done();
}
