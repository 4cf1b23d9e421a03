/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-flow.c: the RFC 9293 state machine driven by hand-built segments:
 * every transition of the diagram, RST in each state, the acceptability
 * cases, acks of unsent data, retransmission, TIME_WAIT, reassembly,
 * sequence numbers across 2^32, and what the SYNs negotiate. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "flow.h"

#define SEC	1000000000LL
#define ISS	1000u		/* ours */
#define IRS	5000u		/* the peer's */

static struct flow_out out;

static struct flow_config
cfg_base(void)
{
	struct flow_config c;

	flow_config_init(&c);
	ipaddr_parse("198.18.0.1", &c.local);
	ipaddr_parse("198.18.0.2", &c.remote);
	c.lport = 40000;
	c.rport = 80;
	c.iss = ISS;
	return c;
}

/* Feed one segment from the peer at `now`; out holds what it produced. */
static bool
feed_opts(struct flow *f, uint8_t flags, uint32_t seq, uint32_t ack,
    uint16_t win, const char *data, const struct segment *opts, int64_t now)
{
	struct segment s;
	bool taken;

	segment_init(&s);
	if (opts != NULL) {
		s.nopts = opts->nopts;
		memcpy(s.opts, opts->opts, sizeof s.opts);
	}
	ipaddr_parse("198.18.0.2", &s.src);
	ipaddr_parse("198.18.0.1", &s.dst);
	s.sport = 80;
	s.dport = 40000;
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.win = win;
	if (data != NULL)
		segment_set_data(&s, data, (uint32_t)strlen(data));
	flow_out_reset(&out);
	taken = flow_input(f, &s, now, &out);
	segment_clear(&s);
	return taken;
}

static bool
feed(struct flow *f, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
    const char *data)
{
	return feed_opts(f, flags, seq, ack, win, data, NULL, 0);
}

static const struct segment *
sent(size_t k)
{
	return flow_out_seg(&out, k);
}

/* The k-th segment sent has these flags, seq and ack (ack 0: no ACK). */
#define CHECK_SENT(k, fl, sq, ak) do {					\
	const struct segment *s_ = sent(k);				\
	CHECK_(s_ != NULL, "segment %d sent", (int)(k));		\
	if (s_ != NULL) {						\
		CHECK_INT(s_->flags, (fl));				\
		CHECK_INT(s_->seq, (sq));				\
		CHECK_INT(s_->ack, (ak));				\
	}								\
} while (0)

/* out holds exactly one state change, from -> to. */
static bool
changed(enum flow_state from, enum flow_state to)
{
	size_t i;

	for (i = 0; i < out.n; i++)
		if (out.item[i].type == FLOW_STATE)
			return out.item[i].from == from && out.item[i].to == to &&
			    flow_out_count(&out, FLOW_STATE) == 1;
	return false;
}

#define CHECK_CHANGE(from, to) \
	CHECK_(changed(from, to), "state change %s -> %s", \
	    flow_state_name(from), flow_state_name(to))

static void
open_active(struct flow *f, const struct flow_config *c)
{
	flow_init(f, c);
	flow_out_reset(&out);
	flow_open_active(f, 0, &out);
}

/* Active open and the SYN-ACK: ESTABLISHED, snd.nxt ISS+1, rcv.nxt IRS+1. */
static void
established(struct flow *f, const struct flow_config *c)
{
	open_active(f, c);
	feed(f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 65535, NULL);
}

static void
test_names(void)
{
	CHECK_STR(flow_state_name(FLOW_CLOSED), "CLOSED");
	CHECK_STR(flow_state_name(FLOW_LISTEN), "LISTEN");
	CHECK_STR(flow_state_name(FLOW_SYN_SENT), "SYN_SENT");
	CHECK_STR(flow_state_name(FLOW_SYN_RECEIVED), "SYN_RECEIVED");
	CHECK_STR(flow_state_name(FLOW_ESTABLISHED), "ESTABLISHED");
	CHECK_STR(flow_state_name(FLOW_FIN_WAIT_1), "FIN_WAIT_1");
	CHECK_STR(flow_state_name(FLOW_FIN_WAIT_2), "FIN_WAIT_2");
	CHECK_STR(flow_state_name(FLOW_CLOSING), "CLOSING");
	CHECK_STR(flow_state_name(FLOW_TIME_WAIT), "TIME_WAIT");
	CHECK_STR(flow_state_name(FLOW_CLOSE_WAIT), "CLOSE_WAIT");
	CHECK_STR(flow_state_name(FLOW_LAST_ACK), "LAST_ACK");
	CHECK_STR(flow_state_name((enum flow_state)99), "?");
	CHECK_STR(flow_end_name(FLOW_END_RESET), "reset by peer");
	CHECK_STR(flow_end_name(FLOW_END_TIMEOUT), "timed out");
}

/* CLOSED -> SYN_SENT, the SYN and its options. */
static void
test_active_open(void)
{
	struct flow_config c = cfg_base();
	struct flow f;
	const struct segment *s;

	open_active(&f, &c);
	CHECK_INT(f.state, FLOW_SYN_SENT);
	CHECK_CHANGE(FLOW_CLOSED, FLOW_SYN_SENT);
	CHECK_SENT(0, TH_SYN_, ISS, 0);
	s = sent(0);
	CHECK_INT(s->nopts, 1);
	CHECK_INT(s->opts[0].kind, OPT_MSS);
	CHECK_INT(s->opts[0].u.mss, 1460);
	CHECK_INT(s->win, 65535);
	CHECK_INT(s->sport, 40000);
	CHECK_INT(s->dport, 80);
	CHECK_INT(f.snd_una, ISS);
	CHECK_INT(f.snd_nxt, ISS + 1);
	CHECK_INT(flow_next_timeout(&f), SEC);
	flow_free(&f);

	/* All options, in Linux's order; TSval from the clock plus offset. */
	c.mss = 1400;
	c.sackok = true;
	c.ts = true;
	c.ts_offset = 100;
	c.wscale = 7;
	flow_init(&f, &c);
	flow_out_reset(&out);
	flow_open_active(&f, 2 * SEC, &out);
	s = sent(0);
	CHECK_INT(s->nopts, 5);
	CHECK_INT(s->opts[0].kind, OPT_MSS);
	CHECK_INT(s->opts[1].kind, OPT_SACKOK);
	CHECK_INT(s->opts[2].kind, OPT_TS);
	CHECK_INT(s->opts[2].u.ts.val, 2100);
	CHECK_INT(s->opts[2].u.ts.ecr, 0);
	CHECK_INT(s->opts[3].kind, OPT_NOP);
	CHECK_INT(s->opts[4].kind, OPT_WSCALE);
	CHECK_INT(s->opts[4].u.wscale, 7);
	flow_free(&f);

	/* No options at all. */
	c = cfg_base();
	c.mss = 0;
	open_active(&f, &c);
	CHECK_INT(sent(0)->nopts, 0);
	/* Opening twice is refused. */
	flow_out_reset(&out);
	CHECK_INT(flow_open_active(&f, 0, &out), -1);
	CHECK(flow_out_note(&out, FLOW_NOTE_REFUSED) != NULL);
	flow_free(&f);
}

/* SYN_SENT -> ESTABLISHED on the SYN-ACK, and what SYN_SENT refuses. */
static void
test_syn_sent(void)
{
	struct flow_config c = cfg_base();
	struct flow f;
	const struct flow_item *n;

	established(&f, &c);
	CHECK_INT(f.state, FLOW_ESTABLISHED);
	CHECK_CHANGE(FLOW_SYN_SENT, FLOW_ESTABLISHED);
	CHECK_SENT(0, TH_ACK_, ISS + 1, IRS + 1);
	CHECK_INT(out.item[0].type, FLOW_STATE);	/* state, then ACK */
	CHECK_INT(f.irs, IRS);
	CHECK_INT(f.rcv_nxt, IRS + 1);
	CHECK_INT(f.snd_una, ISS + 1);
	CHECK_INT(f.snd_wnd, 65535);
	CHECK_INT(f.snd_mss, 536);	/* no MSS option from the peer */
	CHECK_INT(flow_next_timeout(&f), FLOW_NO_TIMEOUT);
	flow_free(&f);

	/* An ack that is not ISS+1 gets <SEQ=SEG.ACK><CTL=RST>. */
	open_active(&f, &c);
	CHECK(!feed(&f, TH_SYN_ | TH_ACK_, IRS, ISS, 65535, NULL));
	CHECK_INT(f.state, FLOW_SYN_SENT);
	CHECK_SENT(0, TH_RST_, ISS, 0);
	n = flow_out_note(&out, FLOW_NOTE_BAD_ACK);
	CHECK(n != NULL);
	if (n != NULL)
		CHECK_STR(n->text,
		    "ack 0 does not acknowledge our SYN (expects 1): RST sent");
	CHECK(!feed(&f, TH_ACK_, IRS, ISS + 7, 65535, NULL));
	CHECK_SENT(0, TH_RST_, ISS + 7, 0);
	/* ... but a RST with a bad ack is dropped without a reply. */
	CHECK(!feed(&f, TH_RST_ | TH_ACK_, 0, ISS + 7, 0, NULL));
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 0);
	/* A RST without ACK is ignored; a plain ACK of our SYN too. */
	CHECK(!feed(&f, TH_RST_, 0, 0, 0, NULL));
	CHECK(flow_out_note(&out, FLOW_NOTE_IGNORED) != NULL);
	CHECK(!feed(&f, TH_ACK_, IRS, ISS + 1, 0, NULL));
	CHECK_INT(f.state, FLOW_SYN_SENT);
	/* RST+ACK acknowledging the SYN: refused. */
	CHECK(feed(&f, TH_RST_ | TH_ACK_, 0, ISS + 1, 0, NULL));
	CHECK_INT(f.state, FLOW_CLOSED);
	CHECK_CHANGE(FLOW_SYN_SENT, FLOW_CLOSED);
	CHECK_INT(f.end, FLOW_END_REFUSED);
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 0);
	CHECK_INT(flow_next_timeout(&f), FLOW_NO_TIMEOUT);
	flow_free(&f);
}

static void listening(struct flow *, struct flow_config *);

/* The handshake RTT counts from the latest SYN or SYN-ACK sent. */
static void
test_handshake_rtt(void)
{
	struct flow_config c = cfg_base();
	struct flow f;

	open_active(&f, &c);
	CHECK_INT(f.hs_rtt_ns, -1);
	feed_opts(&f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 65535, NULL, NULL,
	    SEC / 50);
	CHECK_INT(f.hs_rtt_ns, SEC / 50);
	flow_free(&f);

	open_active(&f, &c);
	flow_on_timer(&f, SEC, &out);
	feed_opts(&f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 65535, NULL, NULL,
	    SEC + SEC / 100);
	CHECK_INT(f.hs_rtt_ns, SEC / 100);
	flow_free(&f);

	listening(&f, &c);
	feed_opts(&f, TH_SYN_, IRS, 0, 65535, NULL, NULL, 2 * SEC);
	feed_opts(&f, TH_ACK_, IRS + 1, ISS + 1, 65535, NULL, NULL,
	    2 * SEC + SEC / 1000);
	CHECK_INT(f.state, FLOW_ESTABLISHED);
	CHECK_INT(f.hs_rtt_ns, SEC / 1000);
	flow_free(&f);
}

/* SYN_SENT -> SYN_RECEIVED -> ESTABLISHED, both ways to finish. */
static void
test_simultaneous_open(void)
{
	struct flow_config c = cfg_base();
	struct flow f;

	open_active(&f, &c);
	CHECK(feed(&f, TH_SYN_, IRS, 0, 65535, NULL));
	CHECK_INT(f.state, FLOW_SYN_RECEIVED);
	CHECK_CHANGE(FLOW_SYN_SENT, FLOW_SYN_RECEIVED);
	CHECK_SENT(0, TH_SYN_ | TH_ACK_, ISS, IRS + 1);
	CHECK(!f.passive);
	/* The peer's ACK of our SYN. */
	CHECK(feed(&f, TH_ACK_, IRS + 1, ISS + 1, 65535, NULL));
	CHECK_INT(f.state, FLOW_ESTABLISHED);
	CHECK_CHANGE(FLOW_SYN_RECEIVED, FLOW_ESTABLISHED);
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 0);
	flow_free(&f);

	/* The peer's own SYN-ACK completes it too (as Linux does). */
	open_active(&f, &c);
	feed(&f, TH_SYN_, IRS, 0, 65535, NULL);
	CHECK(feed(&f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 65535, NULL));
	CHECK_INT(f.state, FLOW_ESTABLISHED);
	CHECK_CHANGE(FLOW_SYN_RECEIVED, FLOW_ESTABLISHED);
	flow_free(&f);

	/* A RST in SYN_RECEIVED after an active open: CLOSED, not LISTEN. */
	open_active(&f, &c);
	feed(&f, TH_SYN_, IRS, 0, 65535, NULL);
	CHECK(feed(&f, TH_RST_, IRS + 1, 0, 0, NULL));
	CHECK_INT(f.state, FLOW_CLOSED);
	CHECK_CHANGE(FLOW_SYN_RECEIVED, FLOW_CLOSED);
	CHECK_INT(f.end, FLOW_END_REFUSED);
	flow_free(&f);
}

static void
listening(struct flow *f, struct flow_config *c)
{
	c->remote.family = AF_UNSPEC;
	c->rport = 0;
	flow_init(f, c);
	flow_out_reset(&out);
	flow_open_passive(f, 0, &out);
}

/* CLOSED -> LISTEN -> SYN_RECEIVED -> ESTABLISHED, and back to LISTEN. */
static void
test_passive(void)
{
	struct flow_config c = cfg_base();
	struct flow f;
	char buf[64];

	listening(&f, &c);
	CHECK_INT(f.state, FLOW_LISTEN);
	CHECK_CHANGE(FLOW_CLOSED, FLOW_LISTEN);
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 0);
	/* RST ignored, ACK answered with RST, a bare segment dropped. */
	CHECK(!feed(&f, TH_RST_, IRS, 0, 0, NULL));
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 0);
	CHECK(!feed(&f, TH_ACK_, IRS, 777, 0, NULL));
	CHECK_SENT(0, TH_RST_, 777, 0);
	CHECK_INT(sent(0)->dport, 80);
	CHECK(!feed(&f, 0, IRS, 0, 0, NULL));
	CHECK_INT(f.state, FLOW_LISTEN);

	CHECK(feed(&f, TH_SYN_, IRS, 0, 65535, NULL));
	CHECK_INT(f.state, FLOW_SYN_RECEIVED);
	CHECK_CHANGE(FLOW_LISTEN, FLOW_SYN_RECEIVED);
	CHECK_SENT(0, TH_SYN_ | TH_ACK_, ISS, IRS + 1);
	CHECK_STR(ipaddr_str(&f.cfg.remote, buf, sizeof buf), "198.18.0.2");
	CHECK_INT(f.cfg.rport, 80);
	CHECK(f.passive);
	/* The SYN again: our SYN-ACK was lost, so it goes again. */
	CHECK(feed_opts(&f, TH_SYN_, IRS, 0, 65535, NULL, NULL, SEC / 2));
	CHECK_SENT(0, TH_SYN_ | TH_ACK_, ISS, IRS + 1);
	CHECK(flow_out_note(&out, FLOW_NOTE_DUP_SYN) != NULL);
	CHECK_INT(flow_next_timeout(&f), SEC + SEC / 2);
	/* An ACK of something else: <SEQ=SEG.ACK><CTL=RST>. */
	CHECK(!feed(&f, TH_ACK_, IRS + 1, ISS + 9, 65535, NULL));
	CHECK_SENT(0, TH_RST_, ISS + 9, 0);
	CHECK_INT(f.state, FLOW_SYN_RECEIVED);
	/* The third segment of the handshake. */
	CHECK(feed(&f, TH_ACK_, IRS + 1, ISS + 1, 1000, NULL));
	CHECK_INT(f.state, FLOW_ESTABLISHED);
	CHECK_CHANGE(FLOW_SYN_RECEIVED, FLOW_ESTABLISHED);
	CHECK_INT(f.snd_wnd, 1000);
	CHECK_INT(flow_next_timeout(&f), FLOW_NO_TIMEOUT);
	flow_free(&f);

	/* SYN_RECEIVED -> LISTEN on a RST at rcv.nxt; the peer is forgotten. */
	c = cfg_base();
	listening(&f, &c);
	feed(&f, TH_SYN_, IRS, 0, 65535, NULL);
	CHECK(!feed(&f, TH_RST_, IRS + 5, 0, 0, NULL));	/* in window */
	CHECK(flow_out_note(&out, FLOW_NOTE_CHALLENGE) != NULL);
	CHECK_SENT(0, TH_ACK_, ISS + 1, IRS + 1);
	CHECK(feed(&f, TH_RST_, IRS + 1, 0, 0, NULL));
	CHECK_INT(f.state, FLOW_LISTEN);
	CHECK_CHANGE(FLOW_SYN_RECEIVED, FLOW_LISTEN);
	CHECK_INT(f.cfg.rport, 0);
	CHECK(!f.have_irs);
	CHECK_INT(flow_next_timeout(&f), FLOW_NO_TIMEOUT);
	/* It listens again: a new SYN is taken. */
	CHECK(feed(&f, TH_SYN_, 9000, 0, 65535, NULL));
	CHECK_INT(f.state, FLOW_SYN_RECEIVED);
	CHECK_INT(f.irs, 9000);
	/* A SYN with another ISN in SYN_RECEIVED also returns to LISTEN. */
	CHECK(feed(&f, TH_SYN_, 9003, 0, 65535, NULL));
	CHECK_INT(f.state, FLOW_LISTEN);
	flow_free(&f);
}

/* ESTABLISHED -> FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT -> CLOSED. */
static void
test_active_close(void)
{
	struct flow_config c = cfg_base();
	struct flow f;

	c.time_wait_ns = 2 * SEC;
	established(&f, &c);
	flow_out_reset(&out);
	CHECK_INT(flow_close(&f, 0, &out), 0);
	CHECK_INT(f.state, FLOW_FIN_WAIT_1);
	CHECK_CHANGE(FLOW_ESTABLISHED, FLOW_FIN_WAIT_1);
	CHECK_SENT(0, TH_FIN_ | TH_ACK_, ISS + 1, IRS + 1);
	CHECK_INT(f.snd_nxt, ISS + 2);
	CHECK_INT(flow_next_timeout(&f), SEC);
	/* Sending after close is refused. */
	flow_out_reset(&out);
	CHECK_INT(flow_send_data(&f, "x", 1, 0, &out), -1);
	CHECK_INT(flow_close(&f, 0, &out), -1);

	CHECK(feed(&f, TH_ACK_, IRS + 1, ISS + 2, 65535, NULL));
	CHECK_INT(f.state, FLOW_FIN_WAIT_2);
	CHECK_CHANGE(FLOW_FIN_WAIT_1, FLOW_FIN_WAIT_2);
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 0);
	CHECK_INT(flow_next_timeout(&f), FLOW_NO_TIMEOUT);

	CHECK(feed_opts(&f, TH_FIN_ | TH_ACK_, IRS + 1, ISS + 2, 65535, NULL,
	    NULL, 5 * SEC));
	CHECK_INT(f.state, FLOW_TIME_WAIT);
	CHECK_CHANGE(FLOW_FIN_WAIT_2, FLOW_TIME_WAIT);
	CHECK_SENT(0, TH_ACK_, ISS + 2, IRS + 2);
	CHECK_INT(flow_next_timeout(&f), 7 * SEC);

	/* The peer did not get our ACK: its FIN again is ACKed again and
	 * TIME_WAIT starts over (RFC 9293). */
	CHECK(feed_opts(&f, TH_FIN_ | TH_ACK_, IRS + 1, ISS + 2, 65535, NULL,
	    NULL, 6 * SEC));
	CHECK_SENT(0, TH_ACK_, ISS + 2, IRS + 2);
	CHECK(flow_out_note(&out, FLOW_NOTE_TIME_WAIT) != NULL);
	CHECK_INT(f.state, FLOW_TIME_WAIT);
	CHECK_INT(flow_next_timeout(&f), 8 * SEC);

	flow_out_reset(&out);
	flow_on_timer(&f, 7 * SEC, &out);	/* early: nothing */
	CHECK_INT(out.n, 0);
	flow_on_timer(&f, 8 * SEC, &out);
	CHECK_INT(f.state, FLOW_CLOSED);
	CHECK_CHANGE(FLOW_TIME_WAIT, FLOW_CLOSED);
	CHECK_STR(out.item[0].text, "TIME_WAIT ended after 2.000 s");
	CHECK_INT(f.end, FLOW_END_CLOSED);
	CHECK_INT(flow_next_timeout(&f), FLOW_NO_TIMEOUT);
	flow_free(&f);

	/* TIME_WAIT of 0: the ACK goes out, then the flow leaves, and says so. */
	c.time_wait_ns = 0;
	established(&f, &c);
	flow_out_reset(&out);
	flow_close(&f, 0, &out);
	feed(&f, TH_ACK_, IRS + 1, ISS + 2, 65535, NULL);
	feed(&f, TH_FIN_ | TH_ACK_, IRS + 1, ISS + 2, 65535, NULL);
	CHECK_INT(f.state, FLOW_CLOSED);
	CHECK_INT(flow_out_count(&out, FLOW_STATE), 2);
	CHECK_INT(out.item[0].to, FLOW_TIME_WAIT);
	CHECK_INT(out.item[1].type, FLOW_SEND);
	CHECK(flow_out_note(&out, FLOW_NOTE_TIME_WAIT) != NULL);
	CHECK_INT(out.item[out.n - 1].from, FLOW_TIME_WAIT);
	CHECK_INT(out.item[out.n - 1].to, FLOW_CLOSED);
	flow_free(&f);
}

/* FIN_WAIT_1 -> CLOSING -> TIME_WAIT, and FIN_WAIT_1 -> TIME_WAIT. */
static void
test_simultaneous_close(void)
{
	struct flow_config c = cfg_base();
	struct flow f;

	c.time_wait_ns = SEC;
	established(&f, &c);
	flow_close(&f, 0, &out);
	/* Their FIN crosses ours: it does not ack our FIN. */
	CHECK(feed(&f, TH_FIN_ | TH_ACK_, IRS + 1, ISS + 1, 65535, NULL));
	CHECK_INT(f.state, FLOW_CLOSING);
	CHECK_CHANGE(FLOW_FIN_WAIT_1, FLOW_CLOSING);
	CHECK_SENT(0, TH_ACK_, ISS + 2, IRS + 2);
	/* An ACK not covering our FIN changes nothing. */
	CHECK(feed(&f, TH_ACK_, IRS + 2, ISS + 1, 65535, NULL));
	CHECK_INT(f.state, FLOW_CLOSING);
	CHECK(feed(&f, TH_ACK_, IRS + 2, ISS + 2, 65535, NULL));
	CHECK_INT(f.state, FLOW_TIME_WAIT);
	CHECK_CHANGE(FLOW_CLOSING, FLOW_TIME_WAIT);
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 0);
	flow_free(&f);

	/* FIN+ACK of our FIN in one segment: straight to TIME_WAIT. */
	established(&f, &c);
	flow_close(&f, 0, &out);
	CHECK(feed(&f, TH_FIN_ | TH_ACK_, IRS + 1, ISS + 2, 65535, NULL));
	CHECK_INT(f.state, FLOW_TIME_WAIT);
	CHECK_CHANGE(FLOW_FIN_WAIT_1, FLOW_TIME_WAIT);
	CHECK_SENT(0, TH_ACK_, ISS + 2, IRS + 2);
	flow_free(&f);
}

/* ESTABLISHED -> CLOSE_WAIT -> LAST_ACK -> CLOSED. */
static void
test_passive_close(void)
{
	struct flow_config c = cfg_base();
	struct flow f;

	established(&f, &c);
	CHECK(feed(&f, TH_FIN_ | TH_ACK_, IRS + 1, ISS + 1, 65535, NULL));
	CHECK_INT(f.state, FLOW_CLOSE_WAIT);
	CHECK_CHANGE(FLOW_ESTABLISHED, FLOW_CLOSE_WAIT);
	CHECK_SENT(0, TH_ACK_, ISS + 1, IRS + 2);
	/* The FIN again (our ACK lost) is outside the window: ACKed. */
	CHECK(!feed(&f, TH_FIN_ | TH_ACK_, IRS + 1, ISS + 1, 65535, NULL));
	CHECK_SENT(0, TH_ACK_, ISS + 1, IRS + 2);
	/* We may still send in CLOSE_WAIT. */
	flow_out_reset(&out);
	CHECK_INT(flow_send_data(&f, "bye", 3, 0, &out), 0);
	CHECK_SENT(0, TH_ACK_ | TH_PSH_, ISS + 1, IRS + 2);
	feed(&f, TH_ACK_, IRS + 2, ISS + 4, 65535, NULL);
	flow_out_reset(&out);
	CHECK_INT(flow_close(&f, 0, &out), 0);
	CHECK_INT(f.state, FLOW_LAST_ACK);
	CHECK_CHANGE(FLOW_CLOSE_WAIT, FLOW_LAST_ACK);
	CHECK_SENT(0, TH_FIN_ | TH_ACK_, ISS + 4, IRS + 2);
	CHECK(feed(&f, TH_ACK_, IRS + 2, ISS + 5, 65535, NULL));
	CHECK_INT(f.state, FLOW_CLOSED);
	CHECK_CHANGE(FLOW_LAST_ACK, FLOW_CLOSED);
	CHECK_INT(f.end, FLOW_END_CLOSED);
	CHECK_INT(f.bytes_sent, 3);
	CHECK_INT(f.bytes_acked, 3);
	/* A segment to the closed flow is answered with RST. */
	CHECK(!feed(&f, TH_ACK_, IRS + 2, ISS + 5, 65535, NULL));
	CHECK_SENT(0, TH_RST_, ISS + 5, 0);
	CHECK(!feed(&f, TH_FIN_, IRS + 2, 0, 65535, NULL));
	CHECK_SENT(0, TH_RST_ | TH_ACK_, 0, IRS + 3);
	CHECK(!feed(&f, TH_RST_, IRS + 2, 0, 0, NULL));
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 0);
	flow_free(&f);
}

/* Drive a fresh flow to `st` (time_wait 10 s so TIME_WAIT stays). */
static void
reach(struct flow *f, enum flow_state st)
{
	struct flow_config c = cfg_base();

	c.time_wait_ns = 10 * SEC;
	established(f, &c);
	switch (st) {
	case FLOW_FIN_WAIT_1:
		flow_close(f, 0, &out);
		break;
	case FLOW_FIN_WAIT_2:
		flow_close(f, 0, &out);
		feed(f, TH_ACK_, IRS + 1, ISS + 2, 65535, NULL);
		break;
	case FLOW_CLOSING:
		flow_close(f, 0, &out);
		feed(f, TH_FIN_ | TH_ACK_, IRS + 1, ISS + 1, 65535, NULL);
		break;
	case FLOW_TIME_WAIT:
		flow_close(f, 0, &out);
		feed(f, TH_FIN_ | TH_ACK_, IRS + 1, ISS + 2, 65535, NULL);
		break;
	case FLOW_CLOSE_WAIT:
		feed(f, TH_FIN_ | TH_ACK_, IRS + 1, ISS + 1, 65535, NULL);
		break;
	case FLOW_LAST_ACK:
		feed(f, TH_FIN_ | TH_ACK_, IRS + 1, ISS + 1, 65535, NULL);
		flow_close(f, 0, &out);
		break;
	default:
		break;
	}
}

/* RST at rcv.nxt closes every synchronized state; elsewhere in the window
 * it gets a challenge ACK; outside it, nothing. */
static void
test_rst_each_state(void)
{
	static const enum flow_state states[] = {
		FLOW_ESTABLISHED, FLOW_FIN_WAIT_1, FLOW_FIN_WAIT_2,
		FLOW_CLOSING, FLOW_TIME_WAIT, FLOW_CLOSE_WAIT, FLOW_LAST_ACK,
	};
	size_t i;

	for (i = 0; i < sizeof states / sizeof states[0]; i++) {
		enum flow_state st = states[i];
		struct flow f;
		uint32_t nxt;

		reach(&f, st);
		CHECK_(f.state == st, "reached %s", flow_state_name(st));
		nxt = f.rcv_nxt;
		CHECK_(!feed(&f, TH_RST_, nxt + 100000, 0, 0, NULL) &&
		    flow_out_count(&out, FLOW_SEND) == 0 && f.state == st,
		    "%s: RST outside the window dropped", flow_state_name(st));
		CHECK_(!feed(&f, TH_RST_, nxt + 1, 0, 0, NULL) &&
		    flow_out_note(&out, FLOW_NOTE_CHALLENGE) != NULL &&
		    sent(0) != NULL && sent(0)->flags == TH_ACK_ &&
		    f.state == st, "%s: RST in the window: challenge ACK",
		    flow_state_name(st));
		CHECK_(feed(&f, TH_RST_, nxt, 0, 0, NULL) &&
		    changed(st, FLOW_CLOSED) &&
		    flow_out_count(&out, FLOW_SEND) == 0,
		    "%s -> CLOSED on RST", flow_state_name(st));
		CHECK_(flow_next_timeout(&f) == FLOW_NO_TIMEOUT,
		    "%s: no timer after RST", flow_state_name(st));
		CHECK_(f.end == (st == FLOW_TIME_WAIT ? FLOW_END_CLOSED :
		    FLOW_END_RESET), "%s: ended as %s", flow_state_name(st),
		    flow_end_name(f.end));
		flow_free(&f);
	}
}

/* A SYN in a synchronized state: challenge ACK, nothing else. */
static void
test_syn_in_established(void)
{
	struct flow_config c = cfg_base();
	struct flow f;

	established(&f, &c);
	CHECK(!feed(&f, TH_SYN_, IRS + 10, 0, 65535, NULL));
	CHECK(flow_out_note(&out, FLOW_NOTE_CHALLENGE) != NULL);
	CHECK_SENT(0, TH_ACK_, ISS + 1, IRS + 1);
	CHECK_INT(f.state, FLOW_ESTABLISHED);
	/* The SYN-ACK again (our ACK lost): old, so ACKed. */
	CHECK(!feed(&f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 65535, NULL));
	CHECK(flow_out_note(&out, FLOW_NOTE_UNACCEPTABLE) != NULL);
	CHECK_SENT(0, TH_ACK_, ISS + 1, IRS + 1);
	flow_free(&f);
}

/* Data from the peer, in order, counted and acknowledged. */
static size_t
delivered(const char *want)
{
	size_t i, n = 0, wl = strlen(want);
	char buf[256];

	for (i = 0; i < out.n; i++) {
		if (out.item[i].type != FLOW_DATA || n + out.item[i].len >
		    sizeof buf)
			continue;
		memcpy(buf + n, out.item[i].data, out.item[i].len);
		n += out.item[i].len;
	}
	return n == wl && memcmp(buf, want, n) == 0;
}

/* RFC 9293 3.10.7.4: the four cases of length and window, each side. */
static void
test_acceptability(void)
{
	struct flow_config c = cfg_base();
	struct flow f;
	const struct flow_item *n;
	uint32_t nxt = IRS + 1;

	c.rcv_wnd = 1000;
	established(&f, &c);
	CHECK_INT(f.rcv_wnd, 1000);

	/* Length 0, window > 0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND. */
	CHECK(feed(&f, TH_ACK_, nxt, ISS + 1, 65535, NULL));
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 0);
	CHECK(feed(&f, TH_ACK_, nxt + 999, ISS + 1, 65535, NULL));
	CHECK(!feed(&f, TH_ACK_, nxt + 1000, ISS + 1, 65535, NULL));
	n = flow_out_note(&out, FLOW_NOTE_UNACCEPTABLE);
	CHECK(n != NULL);
	if (n != NULL)
		CHECK_STR(n->text, "seq 1001 outside the receive window "
		    "1..1001: ACK sent");
	CHECK_SENT(0, TH_ACK_, ISS + 1, nxt);
	CHECK(!feed(&f, TH_ACK_, nxt - 1, ISS + 1, 65535, NULL));
	n = flow_out_note(&out, FLOW_NOTE_UNACCEPTABLE);
	if (n != NULL)
		CHECK_STR(n->text, "seq 0 outside the receive window 1..1001 "
		    "(already received): ACK sent");
	CHECK_INT(f.unacceptable, 2);

	/* Length > 0, window > 0: first or last byte in the window. */
	CHECK(!feed(&f, TH_ACK_, nxt + 1000, ISS + 1, 65535, "abc"));
	CHECK(flow_out_note(&out, FLOW_NOTE_UNACCEPTABLE) != NULL);
	CHECK_INT(flow_out_count(&out, FLOW_DATA), 0);
	CHECK(!feed(&f, TH_ACK_, nxt - 3, ISS + 1, 65535, "abc"));
	CHECK_SENT(0, TH_ACK_, ISS + 1, nxt);
	CHECK_INT(flow_out_count(&out, FLOW_DATA), 0);
	/* Starting before rcv.nxt, ending inside: the new part is kept. */
	CHECK(feed(&f, TH_ACK_, nxt - 2, ISS + 1, 65535, "xyAB"));
	CHECK(delivered("AB"));
	CHECK_SENT(0, TH_ACK_, ISS + 1, nxt + 2);
	flow_free(&f);

	/* Starting inside, ending beyond: the end is cut, FIN with it. */
	c.rcv_wnd = 4;
	established(&f, &c);
	nxt = IRS + 1;
	CHECK(feed(&f, TH_ACK_ | TH_FIN_, nxt, ISS + 1, 65535, "abcdef"));
	CHECK(delivered("abcd"));
	CHECK(flow_out_note(&out, FLOW_NOTE_TRIMMED) != NULL);
	CHECK_INT(f.state, FLOW_ESTABLISHED);	/* the FIN was cut off */
	CHECK_SENT(0, TH_ACK_, ISS + 1, nxt + 4);
	flow_free(&f);

	/* Window 0. Length 0: only SEG.SEQ = RCV.NXT. */
	c.rcv_wnd = 0;
	established(&f, &c);
	nxt = IRS + 1;
	CHECK_INT(f.rcv_wnd, 0);
	CHECK(feed(&f, TH_ACK_, nxt, ISS + 1, 65535, NULL));
	CHECK(!feed(&f, TH_ACK_, nxt + 1, ISS + 1, 65535, NULL));
	CHECK(flow_out_note(&out, FLOW_NOTE_UNACCEPTABLE) != NULL);
	/* Length > 0: never acceptable; at rcv.nxt its ACK still counts
	 * (RFC 9293's allowance) but the bytes are dropped. */
	CHECK(!feed(&f, TH_ACK_, nxt + 1, ISS + 1, 65535, "abc"));
	CHECK(flow_out_note(&out, FLOW_NOTE_UNACCEPTABLE) != NULL);
	flow_out_reset(&out);
	flow_send_data(&f, "hi", 2, 0, &out);
	CHECK(feed(&f, TH_ACK_, nxt, ISS + 3, 65535, "abc"));
	CHECK_INT(flow_out_count(&out, FLOW_DATA), 0);
	CHECK(flow_out_note(&out, FLOW_NOTE_TRIMMED) != NULL);
	CHECK_INT(f.snd_una, ISS + 3);
	CHECK_SENT(0, TH_ACK_, ISS + 3, nxt);
	CHECK_INT(sent(0)->win, 0);
	flow_free(&f);
}

/* ACK processing: acks of unsent data, duplicates, the window. */
static void
test_ack_processing(void)
{
	struct flow_config c = cfg_base();
	struct flow f;
	const struct flow_item *n;

	established(&f, &c);
	CHECK(!feed(&f, TH_ACK_, IRS + 1, ISS + 42, 65535, "data"));
	n = flow_out_note(&out, FLOW_NOTE_BAD_ACK);
	CHECK(n != NULL);
	if (n != NULL)
		CHECK_STR(n->text, "ack 42 acknowledges data not yet sent "
		    "(snd.nxt 1): ACK sent");
	CHECK_SENT(0, TH_ACK_, ISS + 1, IRS + 1);
	CHECK_INT(flow_out_count(&out, FLOW_DATA), 0);
	CHECK_INT(f.rcv_nxt, IRS + 1);

	flow_out_reset(&out);
	flow_send_data(&f, "0123456789", 10, 0, &out);
	CHECK(feed(&f, TH_ACK_, IRS + 1, ISS + 5, 3000, NULL));
	CHECK_INT(f.snd_una, ISS + 5);
	CHECK_INT(f.sndbuf_len, 6);
	CHECK_INT(f.snd_wnd, 3000);
	CHECK_INT(flow_next_timeout(&f), SEC);	/* still data in flight */
	/* A duplicate (older) ack: ignored, its data still taken. */
	CHECK(feed(&f, TH_ACK_, IRS + 1, ISS + 2, 100, "hello"));
	CHECK_INT(f.snd_una, ISS + 5);
	CHECK_INT(f.snd_wnd, 3000);	/* an old ack updates no window */
	CHECK(delivered("hello"));
	CHECK(feed(&f, TH_ACK_, IRS + 6, ISS + 11, 2000, NULL));
	CHECK_INT(f.snd_una, ISS + 11);
	CHECK_INT(f.sndbuf_len, 0);
	CHECK_INT(f.bytes_acked, 10);
	CHECK_INT(f.snd_wnd, 2000);
	CHECK_INT(flow_next_timeout(&f), FLOW_NO_TIMEOUT);
	/* A segment without ACK is dropped. */
	CHECK(!feed(&f, 0, IRS + 6, 0, 0, "zz"));
	CHECK(flow_out_note(&out, FLOW_NOTE_IGNORED) != NULL);
	CHECK_INT(flow_out_count(&out, FLOW_DATA), 0);
	flow_free(&f);
}

/* Sending: segments of at most the peer's MSS, within its window. */
static void
test_send(void)
{
	struct flow_config c = cfg_base();
	struct segment o;
	struct tcp_option mss = { .kind = OPT_MSS, .len = 4 };
	struct flow f;
	char buf[250];

	memset(buf, 'a', sizeof buf);
	segment_init(&o);
	mss.u.mss = 100;
	segment_add_opt(&o, &mss);
	open_active(&f, &c);
	feed_opts(&f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 150, NULL, &o, 0);
	CHECK_INT(f.snd_mss, 100);
	CHECK_INT(f.peer_mss, 100);
	flow_out_reset(&out);
	CHECK_INT(flow_send_data(&f, buf, sizeof buf, 0, &out), 0);
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 2);	/* 150 of window */
	CHECK_SENT(0, TH_ACK_, ISS + 1, IRS + 1);
	CHECK_INT(sent(0)->len, 100);
	CHECK_INT(sent(1)->len, 50);
	CHECK_INT(sent(1)->seq, ISS + 101);
	CHECK_INT(f.snd_nxt, ISS + 151);
	/* The ack opens the window: the rest goes, PSH on the last. */
	CHECK(feed(&f, TH_ACK_, IRS + 1, ISS + 151, 1000, NULL));
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 1);
	CHECK_SENT(0, TH_ACK_ | TH_PSH_, ISS + 151, IRS + 1);
	CHECK_INT(sent(0)->len, 100);
	CHECK_INT(f.bytes_sent, 250);
	flow_free(&f);

	/* A zero window: one byte probes it, and is retransmitted. */
	open_active(&f, &c);
	feed(&f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 0, NULL);
	flow_out_reset(&out);
	flow_send_data(&f, "abc", 3, 0, &out);
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 1);
	CHECK_INT(sent(0)->len, 1);
	flow_out_reset(&out);
	flow_on_timer(&f, SEC, &out);
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 1);
	CHECK_INT(sent(0)->seq, ISS + 1);
	CHECK_INT(sent(0)->len, 1);
	flow_free(&f);

	/* Data queued in SYN_SENT leaves once ESTABLISHED, after the ACK. */
	open_active(&f, &c);
	flow_out_reset(&out);
	CHECK_INT(flow_send_data(&f, "early", 5, 0, &out), 0);
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 0);
	feed(&f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 65535, NULL);
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 2);
	CHECK_SENT(0, TH_ACK_, ISS + 1, IRS + 1);
	CHECK_SENT(1, TH_ACK_ | TH_PSH_, ISS + 1, IRS + 1);
	CHECK_INT(sent(1)->len, 5);
	flow_free(&f);
}

/* Retransmission: 1, 2, 4 s, then giving up. */
static void
test_retransmit(void)
{
	struct flow_config c = cfg_base();
	struct flow f;
	const struct flow_item *n;
	int64_t at[] = { 1, 3, 7 }, iv[] = { 1, 2, 4 };
	int i;

	open_active(&f, &c);
	for (i = 0; i < 3; i++) {
		CHECK_INT(flow_next_timeout(&f), at[i] * SEC);
		flow_out_reset(&out);
		flow_on_timer(&f, at[i] * SEC - 1, &out);
		CHECK_INT(out.n, 0);
		flow_on_timer(&f, at[i] * SEC, &out);
		CHECK_SENT(0, TH_SYN_, ISS, 0);
		n = flow_out_note(&out, FLOW_NOTE_RETRANSMIT);
		CHECK(n != NULL);
		if (n != NULL) {
			CHECK_INT(n->rtx, i + 1);
			CHECK_INT(n->interval_ns, iv[i] * SEC);
		}
		CHECK_INT(out.item[out.n - 1].rtx, i + 1);
		CHECK_INT(out.item[out.n - 1].interval_ns, iv[i] * SEC);
	}
	n = flow_out_note(&out, FLOW_NOTE_RETRANSMIT);
	if (n != NULL)
		CHECK_STR(n->text,
		    "retransmission 3 of SYN, 4.000 s after the previous send");
	CHECK_INT(flow_next_timeout(&f), 15 * SEC);
	flow_out_reset(&out);
	flow_on_timer(&f, 15 * SEC, &out);
	CHECK_INT(f.state, FLOW_CLOSED);
	CHECK_CHANGE(FLOW_SYN_SENT, FLOW_CLOSED);
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 0);
	CHECK(flow_out_note(&out, FLOW_NOTE_GAVE_UP) != NULL);
	CHECK_STR(out.item[out.n - 1].text, "gave up after 3 retransmissions");
	CHECK_INT(f.end, FLOW_END_TIMEOUT);
	CHECK_INT(f.retransmissions, 3);
	CHECK_INT(flow_next_timeout(&f), FLOW_NO_TIMEOUT);
	flow_free(&f);

	/* Data and FIN: an RTO of 200 ms, one retry; an ack resets it. */
	c.rto_ns = SEC / 5;
	c.retries = 1;
	established(&f, &c);
	flow_out_reset(&out);
	flow_send_data(&f, "abc", 3, 10 * SEC, &out);
	CHECK_INT(flow_next_timeout(&f), 10 * SEC + SEC / 5);
	flow_out_reset(&out);
	flow_on_timer(&f, 10 * SEC + SEC / 5, &out);
	CHECK_SENT(0, TH_ACK_ | TH_PSH_, ISS + 1, IRS + 1);
	CHECK_INT(sent(0)->len, 3);
	CHECK_INT(out.item[out.n - 1].rtx, 1);
	CHECK_INT(flow_next_timeout(&f), 10 * SEC + 3 * SEC / 5);
	feed(&f, TH_ACK_, IRS + 1, ISS + 4, 65535, NULL);
	CHECK_INT(flow_next_timeout(&f), FLOW_NO_TIMEOUT);
	CHECK_INT(f.rtx_count, 0);
	flow_out_reset(&out);
	flow_close(&f, 11 * SEC, &out);
	flow_out_reset(&out);
	flow_on_timer(&f, 11 * SEC + SEC / 5, &out);
	CHECK_SENT(0, TH_FIN_ | TH_ACK_, ISS + 4, IRS + 1);
	n = flow_out_note(&out, FLOW_NOTE_RETRANSMIT);
	if (n != NULL)
		CHECK_STR(n->text,
		    "retransmission 1 of FIN, 0.200 s after the previous send");
	flow_out_reset(&out);
	flow_on_timer(&f, 11 * SEC + 3 * SEC / 5, &out);
	CHECK_INT(f.state, FLOW_CLOSED);
	CHECK_STR(out.item[out.n - 1].text, "gave up after 1 retransmission");
	flow_free(&f);

	/* SYN_RECEIVED retransmits its SYN-ACK. */
	c = cfg_base();
	listening(&f, &c);
	feed(&f, TH_SYN_, IRS, 0, 65535, NULL);
	flow_out_reset(&out);
	flow_on_timer(&f, SEC, &out);
	CHECK_SENT(0, TH_SYN_ | TH_ACK_, ISS, IRS + 1);
	flow_free(&f);
}

/* Out-of-order data held, reported, delivered when the gap fills. */
static void
test_reassembly(void)
{
	struct flow_config c = cfg_base();
	struct flow f;
	const struct segment *s;
	uint32_t nxt = IRS + 1;

	c.sackok = true;
	open_active(&f, &c);
	{
		struct segment o;
		struct tcp_option sk = { .kind = OPT_SACKOK, .len = 2 };

		segment_init(&o);
		segment_add_opt(&o, &sk);
		feed_opts(&f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 65535, NULL,
		    &o, 0);
	}
	CHECK(f.sack_ok);
	/* "hello world!" as "hello", "world!" (after a gap " "), ... */
	CHECK(feed(&f, TH_ACK_, nxt, ISS + 1, 65535, "hello"));
	CHECK(delivered("hello"));
	CHECK_SENT(0, TH_ACK_, ISS + 1, nxt + 5);
	CHECK(feed(&f, TH_ACK_, nxt + 6, ISS + 1, 65535, "world"));
	CHECK_INT(flow_out_count(&out, FLOW_DATA), 0);
	CHECK_INT(flow_out_count(&out, FLOW_HELD), 1);
	CHECK_INT(out.item[0].seq, nxt + 6);
	CHECK_INT(out.item[0].len, 5);
	CHECK_INT(out.item[0].newbytes, 5);
	CHECK_STR(out.item[0].text,
	    "seq 7:12 held out of order (5 new), waiting for 6");
	s = sent(0);
	CHECK_SENT(0, TH_ACK_, ISS + 1, nxt + 5);	/* a duplicate ACK */
	CHECK(s != NULL && s->nopts == 3 && s->opts[2].kind == OPT_SACK);
	if (s != NULL && s->nopts == 3) {
		CHECK_INT(s->opts[2].u.sack.n, 1);
		CHECK_INT(s->opts[2].u.sack.b[0].left, nxt + 6);
		CHECK_INT(s->opts[2].u.sack.b[0].right, nxt + 11);
	}
	/* An overlapping copy adds one byte; a FIN beyond the gap waits. */
	CHECK(feed(&f, TH_ACK_ | TH_FIN_, nxt + 9, ISS + 1, 65535, "ld!"));
	CHECK_INT(out.item[0].newbytes, 1);
	CHECK_INT(f.state, FLOW_ESTABLISHED);
	CHECK(f.rcv_fin_held);
	/* The gap fills: everything goes up, and the FIN is taken. */
	CHECK(feed(&f, TH_ACK_, nxt + 5, ISS + 1, 65535, " "));
	CHECK(delivered(" world!"));
	CHECK_INT(flow_out_count(&out, FLOW_DATA), 2);
	CHECK(out.item[1].type == FLOW_DATA && out.item[1].from_hold);
	CHECK_INT(f.state, FLOW_CLOSE_WAIT);
	CHECK_SENT(0, TH_ACK_, ISS + 1, nxt + 13);
	CHECK_INT(sent(0)->nopts, 0);	/* nothing held: no SACK */
	CHECK_INT(f.bytes_received, 12);
	CHECK_INT(f.held.n, 0);
	flow_free(&f);
}

/* Sequence numbers across 2^32 on both sides. */
static void
test_wrap(void)
{
	struct flow_config c = cfg_base();
	struct flow f;
	uint32_t irs = 0xfffffffau;

	c.iss = 0xfffffffeu;
	flow_init(&f, &c);
	flow_out_reset(&out);
	flow_open_active(&f, 0, &out);
	CHECK(feed(&f, TH_SYN_ | TH_ACK_, irs, 0xffffffffu, 65535, NULL));
	CHECK_INT(f.state, FLOW_ESTABLISHED);
	CHECK_SENT(0, TH_ACK_, 0xffffffffu, 0xfffffffbu);
	flow_out_reset(&out);
	flow_send_data(&f, "abcd", 4, 0, &out);
	CHECK_SENT(0, TH_ACK_ | TH_PSH_, 0xffffffffu, 0xfffffffbu);
	CHECK_INT(f.snd_nxt, 3);
	/* Out of order across the wrap: "89" at 3, then "01234567". */
	CHECK(feed(&f, TH_ACK_, 3, 3, 65535, "89"));
	CHECK_INT(flow_out_count(&out, FLOW_HELD), 1);
	CHECK_INT(f.snd_una, 3);
	CHECK_INT(f.sndbuf_len, 0);
	CHECK(feed(&f, TH_ACK_, 0xfffffffbu, 3, 65535, "01234567"));
	CHECK(delivered("0123456789"));
	CHECK_INT(f.rcv_nxt, 5);
	CHECK_SENT(0, TH_ACK_, 3, 5);
	/* Old data from before the wrap is refused as old. */
	CHECK(!feed(&f, TH_ACK_, 0xfffffffcu, 3, 65535, "12"));
	CHECK(flow_out_note(&out, FLOW_NOTE_UNACCEPTABLE) != NULL);
	CHECK_INT(flow_rel_rcv(&f, 5), 11);
	CHECK_INT(flow_rel_snd(&f, 3), 5);
	flow_free(&f);
}

static void
syn_opts(struct segment *o, int wscale, bool ts, uint32_t tsval)
{
	struct tcp_option w = { .kind = OPT_WSCALE, .len = 3 };
	struct tcp_option t = { .kind = OPT_TS, .len = 10 };

	segment_init(o);
	if (wscale >= 0) {
		w.u.wscale = (uint8_t)wscale;
		segment_add_opt(o, &w);
	}
	if (ts) {
		t.u.ts.val = tsval;
		segment_add_opt(o, &t);
	}
}

/* Window scaling only when both SYNs carry wscale. */
static void
test_wscale(void)
{
	struct flow_config c = cfg_base();
	struct segment o;
	struct flow f;

	c.wscale = 7;
	c.rcv_wnd = 1 << 20;
	syn_opts(&o, 2, false, 0);
	open_active(&f, &c);
	feed_opts(&f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 1000, NULL, &o, 0);
	CHECK(f.wscale_ok);
	CHECK_INT(f.snd_wscale, 2);
	CHECK_INT(f.rcv_wscale, 7);
	CHECK_INT(f.snd_wnd, 1000);	/* the SYN-ACK's window: unscaled */
	CHECK_INT(f.rcv_wnd, 1 << 20);
	CHECK_INT(sent(0)->win, (1 << 20) >> 7);
	feed(&f, TH_ACK_, IRS + 1, ISS + 1, 1000, NULL);
	CHECK_INT(f.snd_wnd, 4000);
	/* A segment 500 KiB ahead is inside our scaled window. */
	CHECK(feed(&f, TH_ACK_, IRS + 1 + 500000, ISS + 1, 1000, NULL));
	flow_free(&f);

	/* We offer, the peer does not: no scaling either way. */
	syn_opts(&o, -1, false, 0);
	open_active(&f, &c);
	feed_opts(&f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 1000, NULL, &o, 0);
	CHECK(!f.wscale_ok);
	CHECK_INT(f.rcv_wnd, 65535);
	CHECK_INT(sent(0)->win, 65535);
	feed(&f, TH_ACK_, IRS + 1, ISS + 1, 1000, NULL);
	CHECK_INT(f.snd_wnd, 1000);
	CHECK(!feed(&f, TH_ACK_, IRS + 1 + 500000, ISS + 1, 1000, NULL));
	flow_free(&f);

	/* The peer offers, we do not: our SYN-ACK carries no wscale. */
	c.wscale = -1;
	syn_opts(&o, 5, false, 0);
	listening(&f, &c);
	feed_opts(&f, TH_SYN_, IRS, 0, 1000, NULL, &o, 0);
	CHECK(!f.wscale_ok);
	CHECK(segment_find_opt(sent(0), OPT_WSCALE) == NULL);
	CHECK_INT(f.peer_wscale, 5);
	flow_free(&f);

	/* Both, passively: the SYN-ACK echoes ours. */
	c.wscale = 3;
	listening(&f, &c);
	feed_opts(&f, TH_SYN_, IRS, 0, 1000, NULL, &o, 0);
	CHECK(f.wscale_ok);
	CHECK(segment_find_opt(sent(0), OPT_WSCALE) != NULL);
	flow_free(&f);
}

/* Timestamps: echoed, and PAWS refuses an old TSval. */
static void
test_timestamps(void)
{
	struct flow_config c = cfg_base();
	struct segment o;
	const struct tcp_option *t;
	struct flow f;

	c.ts = true;
	syn_opts(&o, -1, true, 7000);
	open_active(&f, &c);
	feed_opts(&f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 65535, NULL, &o,
	    3 * SEC);
	CHECK(f.ts_ok);
	CHECK_INT(f.ts_recent, 7000);
	CHECK_INT(f.snd_mss, 536 - 12);
	t = segment_find_opt(sent(0), OPT_TS);
	CHECK(t != NULL);
	if (t != NULL) {
		CHECK_INT(t->u.ts.val, 3000);
		CHECK_INT(t->u.ts.ecr, 7000);
	}
	syn_opts(&o, -1, true, 7100);
	CHECK(feed_opts(&f, TH_ACK_, IRS + 1, ISS + 1, 65535, "a", &o, 0));
	CHECK_INT(f.ts_recent, 7100);
	syn_opts(&o, -1, true, 6000);
	CHECK(!feed_opts(&f, TH_ACK_, IRS + 2, ISS + 1, 65535, "b", &o, 0));
	CHECK(flow_out_note(&out, FLOW_NOTE_UNACCEPTABLE) != NULL);
	CHECK_INT(flow_out_count(&out, FLOW_DATA), 0);
	flow_free(&f);

	/* Only we offer TS: none on later segments. */
	syn_opts(&o, -1, false, 0);
	open_active(&f, &c);
	feed_opts(&f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 65535, NULL, &o, 0);
	CHECK(!f.ts_ok);
	CHECK_INT(sent(0)->nopts, 0);
	flow_free(&f);
}

static void
test_urgent(void)
{
	struct flow_config c = cfg_base();
	struct flow f;
	struct segment s;

	established(&f, &c);
	segment_init(&s);
	s.flags = TH_ACK_ | TH_URG_;
	s.seq = IRS + 1;
	s.ack = ISS + 1;
	s.win = 65535;
	s.urg = 3;
	segment_set_data(&s, "!!!x", 4);
	flow_out_reset(&out);
	CHECK(flow_input(&f, &s, 0, &out));
	CHECK(flow_out_note(&out, FLOW_NOTE_URGENT) != NULL);
	CHECK(delivered("!!!x"));
	CHECK_INT(f.urg_count, 1);
	CHECK_INT(f.urg_last, 3);
	segment_clear(&s);
	flow_free(&f);
}

/* --no-final-ack: SYN-ACKs counted with their intervals, never ACKed. */
static void
test_no_final_ack(void)
{
	struct flow_config c = cfg_base();
	struct flow f;
	const struct flow_item *n;

	c.no_final_ack = true;
	open_active(&f, &c);
	CHECK(feed_opts(&f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 65535, NULL,
	    NULL, SEC / 100));
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 0);
	CHECK_INT(f.state, FLOW_SYN_SENT);
	CHECK_INT(flow_next_timeout(&f), FLOW_NO_TIMEOUT);
	CHECK(feed_opts(&f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 65535, NULL,
	    NULL, SEC + SEC / 100));
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 0);
	n = flow_out_note(&out, FLOW_NOTE_SYNACK);
	CHECK(n != NULL);
	if (n != NULL) {
		CHECK_INT(n->interval_ns, SEC);
		CHECK_STR(n->text,
		    "SYN-ACK 2 received, 1.000 s after the previous one");
	}
	CHECK_INT(f.synacks, 2);
	flow_free(&f);
}

static void
test_abort(void)
{
	struct flow_config c = cfg_base();
	struct flow f;

	established(&f, &c);
	flow_out_reset(&out);
	flow_send_data(&f, "abc", 3, 0, &out);
	flow_out_reset(&out);
	CHECK_INT(flow_abort(&f, 0, &out), 0);
	CHECK_SENT(0, TH_RST_, ISS + 4, 0);
	CHECK_INT(sent(0)->win, 0);
	CHECK_INT(f.state, FLOW_CLOSED);
	CHECK_INT(f.end, FLOW_END_ABORTED);
	CHECK_INT(flow_next_timeout(&f), FLOW_NO_TIMEOUT);
	flow_out_reset(&out);
	CHECK_INT(flow_abort(&f, 0, &out), -1);
	CHECK_INT(flow_close(&f, 0, &out), -1);
	CHECK_INT(flow_out_count(&out, FLOW_NOTE), 2);
	CHECK_STR(out.item[0].text,
	    "abort in CLOSED: connection does not exist");
	flow_free(&f);

	/* In SYN_SENT the abort sends nothing. */
	open_active(&f, &c);
	flow_out_reset(&out);
	flow_abort(&f, 0, &out);
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 0);
	CHECK_CHANGE(FLOW_SYN_SENT, FLOW_CLOSED);
	flow_free(&f);
}

/*
 * Two flows through a delayed pipe that loses every drop_every-th segment:
 * one opens and sends, the other listens and echoes, both close. It ends
 * well only if each side's rules agree with the other's.
 */
#define SIM_MAX		256
#define SIM_BYTES	5000

struct sim_pkt {
	int64_t		 at;
	int		 to;
	struct segment	 seg;
};

struct sim {
	struct flow	 end[2];	/* 0 opens, 1 listens and echoes */
	struct flow_out	 o;
	struct sim_pkt	 q[SIM_MAX];
	size_t		 n;
	int		 drop_every;
	int		 sent;
	uint8_t		 got[2][SIM_BYTES];
	size_t		 ngot[2];
	size_t		 echoed;
};

static void
sim_take(struct sim *sm, int side, int64_t now)
{
	size_t i;

	for (i = 0; i < sm->o.n; i++) {
		struct flow_item *it = &sm->o.item[i];

		if (it->type == FLOW_DATA && sm->ngot[side] + it->len <=
		    SIM_BYTES) {
			memcpy(sm->got[side] + sm->ngot[side], it->data, it->len);
			sm->ngot[side] += it->len;
		}
		if (it->type != FLOW_SEND || sm->n == SIM_MAX)
			continue;
		if (sm->drop_every > 0 && ++sm->sent % sm->drop_every == 0)
			continue;
		sm->q[sm->n].at = now + SEC / 100;
		sm->q[sm->n].to = 1 - side;
		segment_init(&sm->q[sm->n].seg);
		segment_copy(&sm->q[sm->n].seg, &it->seg);
		sm->n++;
	}
	flow_out_reset(&sm->o);
}

/* What the two users do next: echo, close after the echo, close on FIN. */
static void
sim_users(struct sim *sm, int64_t now)
{
	struct flow *a = &sm->end[0], *b = &sm->end[1];

	if (sm->ngot[1] > sm->echoed && (b->state == FLOW_ESTABLISHED ||
	    b->state == FLOW_CLOSE_WAIT)) {
		flow_send_data(b, sm->got[1] + sm->echoed,
		    sm->ngot[1] - sm->echoed, now, &sm->o);
		sm->echoed = sm->ngot[1];
		sim_take(sm, 1, now);
	}
	if (sm->ngot[0] == SIM_BYTES && a->state == FLOW_ESTABLISHED) {
		flow_close(a, now, &sm->o);
		sim_take(sm, 0, now);
	}
	if (b->state == FLOW_CLOSE_WAIT && sm->echoed == SIM_BYTES &&
	    !b->fin_queued) {
		flow_close(b, now, &sm->o);
		sim_take(sm, 1, now);
	}
}

/* One event: the earliest segment or timer. False when none is left. */
static bool
sim_step(struct sim *sm, int64_t *now)
{
	int64_t t = FLOW_NO_TIMEOUT;
	size_t i, pk = SIZE_MAX;
	int side, timer = -1;

	for (i = 0; i < sm->n; i++)
		if (sm->q[i].at < t) {
			t = sm->q[i].at;
			pk = i;
		}
	for (side = 0; side < 2; side++)
		if (flow_next_timeout(&sm->end[side]) < t) {
			t = flow_next_timeout(&sm->end[side]);
			timer = side;
		}
	if (t == FLOW_NO_TIMEOUT || t > 600 * SEC)
		return false;
	*now = t;
	if (timer >= 0) {
		flow_on_timer(&sm->end[timer], t, &sm->o);
		sim_take(sm, timer, t);
	} else {
		struct sim_pkt p = sm->q[pk];

		sm->q[pk] = sm->q[--sm->n];
		flow_input(&sm->end[p.to], &p.seg, t, &sm->o);
		segment_clear(&p.seg);
		sim_take(sm, p.to, t);
	}
	sim_users(sm, t);
	return true;
}

static void
sim_run(int drop_every, bool wscale)
{
	static struct sim sm;
	struct flow_config ca = cfg_base(), cb = cfg_base();
	uint8_t data[SIM_BYTES];
	int64_t now = 0;
	size_t i;

	memset(&sm, 0, sizeof sm);
	sm.drop_every = drop_every;
	for (i = 0; i < SIM_BYTES; i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
	ca.rcv_wnd = cb.rcv_wnd = 3000;
	ca.retries = cb.retries = 8;
	ca.time_wait_ns = cb.time_wait_ns = 5 * SEC;
	ca.sackok = cb.sackok = ca.ts = cb.ts = true;
	if (wscale)
		ca.wscale = cb.wscale = 2;
	cb.local = ca.remote;
	cb.lport = 80;
	cb.iss = 0xffffff00u;	/* the echo crosses 2^32 */
	cb.remote.family = AF_UNSPEC;
	cb.rport = 0;
	flow_init(&sm.end[0], &ca);
	flow_init(&sm.end[1], &cb);
	flow_out_init(&sm.o);
	flow_open_passive(&sm.end[1], 0, &sm.o);
	flow_open_active(&sm.end[0], 0, &sm.o);
	flow_send_data(&sm.end[0], data, sizeof data, 0, &sm.o);
	sim_take(&sm, 0, 0);
	for (i = 0; i < 100000 && sim_step(&sm, &now); i++)
		;
	CHECK_(sm.ngot[1] == SIM_BYTES &&
	    memcmp(sm.got[1], data, SIM_BYTES) == 0,
	    "drop 1/%d: the listener got all %d bytes", drop_every, SIM_BYTES);
	CHECK_(sm.ngot[0] == SIM_BYTES &&
	    memcmp(sm.got[0], data, SIM_BYTES) == 0,
	    "drop 1/%d: the echo came back whole", drop_every);
	CHECK_(sm.end[0].state == FLOW_CLOSED &&
	    sm.end[0].end == FLOW_END_CLOSED, "drop 1/%d: opener closed "
	    "orderly (%s, %s)", drop_every, flow_state_name(sm.end[0].state),
	    flow_end_name(sm.end[0].end));
	CHECK_(sm.end[1].state == FLOW_CLOSED &&
	    sm.end[1].end == FLOW_END_CLOSED, "drop 1/%d: listener closed "
	    "orderly (%s, %s)", drop_every, flow_state_name(sm.end[1].state),
	    flow_end_name(sm.end[1].end));
	CHECK_((drop_every == 0) == (sm.end[0].retransmissions +
	    sm.end[1].retransmissions == 0), "drop 1/%d: %llu + %llu "
	    "retransmissions", drop_every,
	    (unsigned long long)sm.end[0].retransmissions,
	    (unsigned long long)sm.end[1].retransmissions);
	CHECK_(sm.end[0].wscale_ok == wscale && sm.end[1].ts_ok &&
	    sm.end[0].sack_ok, "drop 1/%d: options negotiated", drop_every);
	for (i = 0; i < sm.n; i++)
		segment_clear(&sm.q[i].seg);
	flow_free(&sm.end[0]);
	flow_free(&sm.end[1]);
	flow_out_free(&sm.o);
}

/* Half close: FIN_WAIT_2 keeps receiving; data after the peer's FIN is
 * ignored; a FIN queued in SYN_RECEIVED waits for the handshake. */
static void
test_half_close(void)
{
	struct flow_config c = cfg_base();
	struct flow f;
	struct segment bad;

	established(&f, &c);
	flow_close(&f, 0, &out);
	feed(&f, TH_ACK_, IRS + 1, ISS + 2, 65535, NULL);
	CHECK_INT(f.state, FLOW_FIN_WAIT_2);
	CHECK(feed(&f, TH_ACK_ | TH_PSH_, IRS + 1, ISS + 2, 65535, "late"));
	CHECK(delivered("late"));
	CHECK_SENT(0, TH_ACK_, ISS + 2, IRS + 5);
	CHECK(feed(&f, TH_ACK_ | TH_FIN_, IRS + 5, ISS + 2, 65535, "!"));
	CHECK(delivered("!"));
	CHECK_INT(f.state, FLOW_CLOSED);	/* TIME_WAIT 0 */
	CHECK_INT(f.bytes_received, 5);
	flow_free(&f);

	/* Bytes in the window after the peer's FIN: ignored. */
	established(&f, &c);
	feed(&f, TH_ACK_ | TH_FIN_, IRS + 1, ISS + 1, 65535, NULL);
	CHECK_INT(f.state, FLOW_CLOSE_WAIT);
	CHECK(feed(&f, TH_ACK_, IRS + 2, ISS + 1, 65535, "zombie"));
	CHECK_INT(flow_out_count(&out, FLOW_DATA), 0);
	CHECK(flow_out_note(&out, FLOW_NOTE_IGNORED) != NULL);
	CHECK_INT(f.rcv_nxt, IRS + 2);
	flow_free(&f);

	/* SYN_RECEIVED -> FIN_WAIT_1 on close: the FIN goes at once. */
	listening(&f, &c);
	feed(&f, TH_SYN_, IRS, 0, 65535, NULL);
	flow_out_reset(&out);
	CHECK_INT(flow_close(&f, 0, &out), 0);
	CHECK_INT(f.state, FLOW_FIN_WAIT_1);
	CHECK_CHANGE(FLOW_SYN_RECEIVED, FLOW_FIN_WAIT_1);
	CHECK_SENT(0, TH_FIN_ | TH_ACK_, ISS + 1, IRS + 1);
	/* Unanswered, the SYN-ACK goes again first. */
	flow_out_reset(&out);
	flow_on_timer(&f, SEC, &out);
	CHECK_SENT(0, TH_SYN_ | TH_ACK_, ISS, IRS + 1);
	CHECK(flow_out_note(&out, FLOW_NOTE_RETRANSMIT) != NULL &&
	    strstr(flow_out_note(&out, FLOW_NOTE_RETRANSMIT)->text,
	    "of SYN-ACK") != NULL);
	/* The peer acks SYN and FIN together. */
	CHECK(feed_opts(&f, TH_ACK_, IRS + 1, ISS + 2, 65535, NULL, NULL,
	    SEC + SEC / 10));
	CHECK_CHANGE(FLOW_FIN_WAIT_1, FLOW_FIN_WAIT_2);
	CHECK_INT(f.hs_rtt_ns, SEC / 10);
	CHECK_INT(flow_next_timeout(&f), FLOW_NO_TIMEOUT);
	flow_free(&f);

	/* With data queued in SYN_RECEIVED the FIN waits for the handshake
	 * and follows the data. */
	listening(&f, &c);
	feed(&f, TH_SYN_, IRS, 0, 65535, NULL);
	flow_out_reset(&out);
	CHECK_INT(flow_send_data(&f, "hey", 3, 0, &out), 0);
	CHECK_INT(flow_close(&f, 0, &out), 0);
	CHECK_INT(f.state, FLOW_SYN_RECEIVED);
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 0);
	CHECK(feed(&f, TH_ACK_, IRS + 1, ISS + 1, 65535, NULL));
	CHECK_INT(f.state, FLOW_FIN_WAIT_1);
	CHECK_INT(flow_out_count(&out, FLOW_STATE), 2);
	CHECK_SENT(0, TH_PSH_ | TH_ACK_, ISS + 1, IRS + 1);
	CHECK_SENT(1, TH_FIN_ | TH_ACK_, ISS + 4, IRS + 1);
	flow_free(&f);

	/* LISTEN -> SYN_SENT: a send with the remote end known opens. */
	c = cfg_base();
	flow_init(&f, &c);
	flow_open_passive(&f, 0, &out);
	flow_out_reset(&out);
	CHECK_INT(flow_send_data(&f, "go", 2, 0, &out), 0);
	CHECK_CHANGE(FLOW_LISTEN, FLOW_SYN_SENT);
	CHECK_SENT(0, TH_SYN_, ISS, 0);
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 1);
	feed(&f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 65535, NULL);
	CHECK_SENT(1, TH_PSH_ | TH_ACK_, ISS + 1, IRS + 1);
	flow_free(&f);
	/* Without it, the send is refused. */
	listening(&f, &c);
	flow_out_reset(&out);
	CHECK_INT(flow_send_data(&f, "go", 2, 0, &out), -1);
	CHECK_INT(f.state, FLOW_LISTEN);
	flow_free(&f);

	/* close in LISTEN and SYN_SENT: CLOSED at once, nothing sent. */
	c = cfg_base();
	listening(&f, &c);
	flow_out_reset(&out);
	CHECK_INT(flow_close(&f, 0, &out), 0);
	CHECK_CHANGE(FLOW_LISTEN, FLOW_CLOSED);
	flow_free(&f);
	c = cfg_base();
	open_active(&f, &c);
	flow_out_reset(&out);
	CHECK_INT(flow_close(&f, 0, &out), 0);
	CHECK_CHANGE(FLOW_SYN_SENT, FLOW_CLOSED);
	CHECK_INT(flow_out_count(&out, FLOW_SEND), 0);
	CHECK_INT(flow_next_timeout(&f), FLOW_NO_TIMEOUT);
	flow_free(&f);

	/* Data on the SYN-ACK is delivered; a bad checksum is dropped. */
	open_active(&f, &c);
	segment_init(&bad);
	bad.flags = TH_SYN_ | TH_ACK_;
	bad.seq = IRS;
	bad.ack = ISS + 1;
	bad.cksum_state = CKSUM_BAD;
	flow_out_reset(&out);
	CHECK(!flow_input(&f, &bad, 0, &out));
	CHECK(flow_out_note(&out, FLOW_NOTE_IGNORED) != NULL);
	CHECK_INT(f.state, FLOW_SYN_SENT);
	bad.cksum_state = CKSUM_OK;
	bad.len = 10;		/* a length with no bytes behind it */
	flow_out_reset(&out);
	CHECK(!flow_input(&f, &bad, 0, &out));
	CHECK(flow_out_note(&out, FLOW_NOTE_IGNORED) != NULL);
	CHECK_INT(f.state, FLOW_SYN_SENT);
	CHECK(feed(&f, TH_SYN_ | TH_ACK_, IRS, ISS + 1, 65535, "hi"));
	CHECK(delivered("hi"));
	CHECK_SENT(0, TH_ACK_, ISS + 1, IRS + 3);
	flow_free(&f);
}

/* More gaps than the hold keeps: the segment is dropped and said so. */
static void
test_hold_full(void)
{
	struct flow_config c = cfg_base();
	struct flow f;

	c.max_held_ranges = 2;
	established(&f, &c);
	CHECK(feed(&f, TH_ACK_, IRS + 11, ISS + 1, 65535, "a"));
	CHECK(feed(&f, TH_ACK_, IRS + 21, ISS + 1, 65535, "b"));
	CHECK(feed(&f, TH_ACK_, IRS + 31, ISS + 1, 65535, "c"));
	CHECK(flow_out_note(&out, FLOW_NOTE_HOLD_FULL) != NULL);
	CHECK_INT(flow_out_count(&out, FLOW_HELD), 0);
	CHECK_INT(f.held.n, 2);
	CHECK_SENT(0, TH_ACK_, ISS + 1, IRS + 1);
	flow_free(&f);
}

static void
test_two_flows(void)
{
	sim_run(0, false);
	sim_run(0, true);
	sim_run(3, true);
	sim_run(4, false);
	sim_run(5, true);
	sim_run(7, false);
	sim_run(11, true);
	sim_run(6, true);
	sim_run(9, true);
}

int
main(void)
{
	flow_out_init(&out);
	test_names();
	test_active_open();
	test_syn_sent();
	test_handshake_rtt();
	test_simultaneous_open();
	test_passive();
	test_active_close();
	test_simultaneous_close();
	test_passive_close();
	test_rst_each_state();
	test_syn_in_established();
	test_acceptability();
	test_ack_processing();
	test_send();
	test_retransmit();
	test_reassembly();
	test_wrap();
	test_wscale();
	test_timestamps();
	test_urgent();
	test_no_final_ack();
	test_abort();
	test_half_close();
	test_hold_full();
	test_two_flows();
	flow_out_free(&out);
	return check_done();
}
