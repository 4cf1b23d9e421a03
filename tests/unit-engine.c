/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-engine.c: scenarios run by the engine against a scripted peer on the
 * fake wire: handshakes, retransmissions, silence, tolerance windows,
 * out-of-order arrivals; no root, no network. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "engine.h"
#include "session.h"
#include "wire-fake.h"

#define MS	1000000LL
#define PEER_ISN 5000u

/* What the peer does when a segment of ours goes out. */
struct peer {
	int64_t	 lag;			/* send to stamp, 0: the default */
	int64_t	 synack_delay;		/* answer a SYN after this */
	int	 synacks;		/* that many times, 1 s apart */
	int64_t	 data_at[4];		/* after the handshake's ACK, these */
	const char *data_line[4];	/* packet lines, numbers relative */
};

struct outcome {
	int	 line;
	bool	 ok;
	char	 why[512];
};

struct run {
	struct outcome o[32];
	int	 n;
	struct engine_result res;
	size_t	 nsent;
	int64_t	 sent_t[8];
	uint32_t sent_ack[8];
	uint32_t sent_seq[8];
	uint8_t	 sent_flags[8];
	size_t	 nicmp;		/* ICMP errors sent; the last one's bytes */
	uint8_t	 icmp[128];
	uint32_t icmp_len;
};

static void
peer_on_send(void *arg, struct wire_fake *fk, const struct segment *s,
    int64_t t)
{
	const struct peer *p = arg;
	struct segment a;
	char line[256];
	int i;

	if ((s->flags & TH_SYN_) && !(s->flags & TH_ACK_)) {
		for (i = 0; i < p->synacks; i++) {
			snprintf(line, sizeof line, "S. %u:%u(0) ack %u win "
			    "65535 <mss 1460>", PEER_ISN, PEER_ISN, s->seq + 1);
			CHECK(wire_fake_arrive_line(fk, t + p->synack_delay +
			    i * 1000 * MS, line));
		}
		return;
	}
	if (s->flags != TH_ACK_ || s->ack != PEER_ISN + 1 || s->len != 0)
		return;
	/* The handshake's ACK: the data lines, numbers moved by the ISNs. */
	for (i = 0; i < 4 && p->data_line[i] != NULL; i++) {
		struct text_error err;

		segment_init(&a);
		if (!segment_parse(p->data_line[i], &a, &err)) {
			printf("Bail out! %s: %s\n", p->data_line[i], err.msg);
			exit(1);
		}
		a.seq += PEER_ISN;
		a.ack += s->seq - 1;	/* our ISN */
		wire_fake_arrive(fk, t + p->data_at[i], &a);
		segment_clear(&a);
	}
}

static void
collect(void *arg, const struct event *ev)
{
	struct run *r = arg;
	struct outcome *o;

	if (ev->type != EV_STEP || ev->outcome == NULL ||
	    ev->outcome->line == 0 || r->n == 32)
		return;
	o = &r->o[r->n++];
	o->line = ev->outcome->line;
	o->ok = ev->outcome->ok;
	snprintf(o->why, sizeof o->why, "%s", ev->outcome->why ?
	    ev->outcome->why : "");
}

static struct script *
parse(const char *text)
{
	struct script_errors errs = { 0 };
	struct script_defs defs = { .target = "198.18.0.2:80" };
	struct script *sc;

	if ((sc = script_parse_string("t.shake", text, &defs, &errs)) ==
	    NULL) {
		script_errors_print(stdout, &errs);
		printf("Bail out! script does not parse\n");
		exit(1);
	}
	return sc;
}

/* 198.18.0.1:40000 to 198.18.0.2:80, the peer answering our sends. */
static struct wire *
fake_wire(struct peer *p, struct wire_fake **fk)
{
	struct wire_config wc;
	struct wire *w;

	memset(&wc, 0, sizeof wc);
	ipaddr_parse("198.18.0.1", &wc.local);
	ipaddr_parse("198.18.0.2", &wc.remote);
	wc.rport = 80;
	wc.lport = 40000;
	w = wire_fake_open(&wc, fk);
	wire_fake_set_peer(*fk, peer_on_send, p);
	if (p->lag > 0)
		wire_fake_set_lag(*fk, p->lag);
	return w;
}

static void
run_script(const char *text, struct peer *p, struct run *r)
{
	struct engine_config ec;
	struct wire_fake *fk;
	struct wire *w;
	struct script *sc;
	char err[256];
	size_t i;
	int rc;

	memset(r, 0, sizeof *r);
	sc = parse(text);
	w = fake_wire(p, &fk);
	memset(&ec, 0, sizeof ec);
	ec.wire = w;
	ec.tolerance_usecs = -1;
	ec.tolerance_percent = -1;
	ec.keep_going = true;
	ec.emit = collect;
	ec.emit_arg = r;
	rc = engine_run(sc, &ec, &r->res, err, sizeof err);
	CHECK_(rc == 0, "engine_run: %s", rc == 0 ? "ok" : err);
	r->nsent = wire_fake_nsent(fk);
	for (i = 0; i < r->nsent && i < 8; i++) {
		const struct segment *s = wire_fake_sent(fk, i, &r->sent_t[i]);

		r->sent_ack[i] = s->ack;
		r->sent_seq[i] = s->seq;
		r->sent_flags[i] = s->flags;
	}
	{
		const uint8_t *b;
		uint32_t n;

		r->nicmp = wire_fake_icmp(fk, &b, &n);
		if (r->nicmp > 0 && n <= sizeof r->icmp) {
			memcpy(r->icmp, b, n);
			r->icmp_len = n;
		}
	}
	CHECK_INT(wire_fake_nports(fk), 1);
	CHECK_INT(wire_fake_nguarded(fk), 1);
	wire_close(w);
	script_free(sc);
}

static const char handshake[] =
    "0 < S 0:0(0) win 65535 <mss 1460>\n"
    "+0 > S. 0:0(0) ack 1 <mss 1460>\n"
    "+0 < . 1:1(0) ack 1 win 65535\n";

static void
test_handshake(void)
{
	struct peer p = { .synack_delay = 2 * MS, .synacks = 1 };
	struct run r;

	run_script(handshake, &p, &r);
	CHECK_INT(r.res.nsteps, 3);
	CHECK_INT(r.res.nfailed, 0);
	CHECK_INT(r.nsent, 3);
	/* Our ACK acknowledges the peer's ISN, moved to the wire. */
	CHECK_INT(r.sent_ack[1], PEER_ISN + 1);
	/* '+0' after a '>' counts from its arrival: 2 ms after the SYN. */
	CHECK(r.sent_t[1] - r.sent_t[0] >= 2 * MS &&
	    r.sent_t[1] - r.sent_t[0] < 3 * MS);
	/* The run ends with the flow open: it is reset at our next seq. */
	CHECK_INT(r.sent_flags[2], TH_RST_);
	CHECK_INT(r.sent_seq[2], 1);
}

/* "< icmp ...": an ICMP error to the target, quoting the flow's ports
 * and the line's seq in the target's numbers (its ISN learned from the
 * SYN-ACK), sent at its time between the segments. */
static void
test_icmp(void)
{
	static const char text[] =
	    "0 < S 0:0(0) win 65535 <mss 1460>\n"
	    "+0 > S. 0:0(0) ack 1 <mss 1460>\n"
	    "+0 < . 1:1(0) ack 1 win 65535\n"
	    "+0.005 < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]\n"
	    "+0 < R. 1:1(0) ack 1 win 0\n";
	struct peer p = { .synack_delay = 1 * MS, .synacks = 1 };
	const uint8_t *q;
	struct run r;

	run_script(text, &p, &r);
	CHECK_INT(r.res.nsteps, 5);
	CHECK_INT(r.res.nfailed, 0);
	CHECK_INT(r.nicmp, 1);
	CHECK_INT(r.icmp_len, 56);
	if (r.icmp_len != 56)
		return;
	CHECK_INT(r.icmp[9], 1);			/* ICMP */
	CHECK_MEM(r.icmp + 12, "\xc6\x12\x00\x01\xc6\x12\x00\x02", 8);
	CHECK_INT(r.icmp[20], 3);
	CHECK_INT(r.icmp[21], 4);
	CHECK_INT(r.icmp[26] << 8 | r.icmp[27], 1200);
	q = r.icmp + 28;				/* the quote */
	CHECK_INT(q[2] << 8 | q[3], 20 + 20 + 1460);
	CHECK_MEM(q + 12, "\xc6\x12\x00\x02\xc6\x12\x00\x01", 8);
	CHECK_INT(q[20] << 8 | q[21], 80);
	CHECK_INT(q[22] << 8 | q[23], 40000);
	CHECK_INT((uint32_t)q[24] << 24 | (uint32_t)q[25] << 16 |
	    (uint32_t)q[26] << 8 | q[27], PEER_ISN + 1);
	/* The RST after it went out too, and none at the end. */
	CHECK_INT(r.nsent, 3);
	CHECK_INT(r.sent_flags[2], TH_RST_ | TH_ACK_);
}

/* A flow reset by the script, or closed both ways, gets no RST at the
 * end; a flow stopped half-way does. */
static void
test_reset_at_end(void)
{
	struct peer p = { .synack_delay = 1 * MS, .synacks = 1,
	    .data_at = { 5 * MS }, .data_line = { "F. 1:1(0) ack 2" } };
	struct run r;
	char text[512];

	snprintf(text, sizeof text, "%s+0 < R 1:1(0) win 0\n", handshake);
	run_script(text, &p, &r);
	CHECK_INT(r.nsent, 3);
	snprintf(text, sizeof text, "%s"
	    "+0 < F. 1:1(0) ack 1 win 65535\n"
	    "+0.005 > F. 1:1(0) ack 2\n"
	    "+0 < . 2:2(0) ack 2 win 65535\n", handshake);
	run_script(text, &p, &r);
	CHECK_INT(r.res.nfailed, 0);
	CHECK_INT(r.nsent, 4);
	/* Our FIN sent, theirs not acknowledged: reset after our FIN. */
	snprintf(text, sizeof text, "%s"
	    "+0 < F. 1:1(0) ack 1 win 65535\n"
	    "+0.005 > F. 1:1(0) ack 2\n", handshake);
	run_script(text, &p, &r);
	CHECK_INT(r.nsent, 4);
	CHECK_INT(r.sent_flags[3], TH_RST_);
	CHECK_INT(r.sent_seq[3], 2);
}

/* The SYN-ACK 10 ms late for '+0' (tolerance 4 ms) fails with the time;
 * a window that holds it passes. */
static void
test_tolerance(void)
{
	struct peer p = { .synack_delay = 10 * MS, .synacks = 1 };
	struct run r;

	run_script(handshake, &p, &r);
	CHECK_INT(r.res.nfailed, 1);
	CHECK_INT(r.o[1].line, 2);
	CHECK(!r.o[1].ok);
	/* It waits until the end of the tolerance, not for the segment. */
	CHECK_(strstr(r.o[1].why, "no segment arrived by 0.004") != NULL,
	    "why: %s", r.o[1].why);
	run_script("0 < S 0:0(0) win 65535 <mss 1460>\n"
	    "+0.008~+0.012 > S. 0:0(0) ack 1 <mss 1460>\n", &p, &r);
	CHECK_INT(r.res.nfailed, 0);
	/* --tolerance_usecs widens it. */
	run_script("--tolerance_usecs=11000\n"
	    "0 < S 0:0(0) win 65535 <mss 1460>\n"
	    "+0 > S. 0:0(0) ack 1 <mss 1460>\n", &p, &r);
	CHECK_INT(r.res.nfailed, 0);
}

/* A SYN-ACK sent again after 1 s is a second expected line. */
static void
test_retransmission(void)
{
	struct peer p = { .synack_delay = 1 * MS, .synacks = 2 };
	struct run r;

	run_script("0 < S 0:0(0) win 65535 <mss 1460>\n"
	    "+0 > S. 0:0(0) ack 1 <mss 1460>\n"
	    "+1 > S. 0:0(0) ack 1 <mss 1460>\n", &p, &r);
	CHECK_INT(r.res.nsteps, 3);
	CHECK_INT(r.res.nfailed, 0);
	/* Expected two seconds apart: the second is 1 s late. */
	run_script("0 < S 0:0(0) win 65535 <mss 1460>\n"
	    "+0 > S. 0:0(0) ack 1 <mss 1460>\n"
	    "+2 > S. 0:0(0) ack 1 <mss 1460>\n", &p, &r);
	CHECK_INT(r.res.nfailed, 1);
	CHECK_(strstr(r.o[2].why, "early") != NULL, "why: %s", r.o[2].why);
}

/* Silence holds when nothing comes, and fails on a segment in its span. */
static void
test_silence(void)
{
	struct peer p = { .synack_delay = 1 * MS, .synacks = 1 };
	struct peer q = { .synack_delay = 1 * MS, .synacks = 1,
	    .data_at = { 500 * MS }, .data_line = { "P. 1:6(5) ack 1 "
	    "\"hello\"" } };
	struct run r;
	static const char text[] =
	    "0 < S 0:0(0) win 65535 <mss 1460>\n"
	    "+0 > S. 0:0(0) ack 1 <mss 1460>\n"
	    "+0 < . 1:1(0) ack 1 win 65535\n"
	    "+0~+1 > none\n";

	run_script(text, &p, &r);
	CHECK_INT(r.res.nsteps, 4);
	CHECK_INT(r.res.nfailed, 0);
	run_script(text, &q, &r);
	CHECK_INT(r.res.nfailed, 1);
	CHECK_INT(r.o[3].line, 4);
	CHECK(!r.o[3].ok);
}

/* Segments out of order are taken in the order they arrive. */
static void
test_out_of_order(void)
{
	struct peer p = { .synack_delay = 1 * MS, .synacks = 1,
	    .data_at = { 10 * MS, 11 * MS },
	    .data_line = { "P. 6:11(5) ack 1 \"world\"",
	    "P. 1:6(5) ack 1 \"hello\"" } };
	struct run r;
	static const char head[] =
	    "0 < S 0:0(0) win 65535 <mss 1460>\n"
	    "+0 > S. 0:0(0) ack 1 <mss 1460>\n"
	    "+0 < . 1:1(0) ack 1 win 65535\n";
	char text[512];
	int i;

	snprintf(text, sizeof text, "%s"
	    "+0.010 > P. 6:11(5) ack 1 \"world\"\n"
	    "+0.001 > P. 1:6(5) ack 1 \"hello\"\n"
	    "+0 < . 1:1(0) ack 11 win 65535 <sack 6:11>\n", head);
	run_script(text, &p, &r);
	CHECK_INT(r.res.nsteps, 6);
	CHECK_INT(r.res.nfailed, 0);
	for (i = 0; i < r.n; i++)
		if (!r.o[i].ok)
			printf("# line %d: %s\n", r.o[i].line, r.o[i].why);
	/* In sequence order the first expectation meets "world". */
	snprintf(text, sizeof text, "%s"
	    "+0.010 > P. 1:6(5) ack 1 \"hello\"\n", head);
	run_script(text, &p, &r);
	CHECK_INT(r.res.nfailed, 1);
	CHECK_(strstr(r.o[3].why, "seq: expected 1, got 6") != NULL,
	    "why: %s", r.o[3].why);
}

/* Sends whose stamps come later than the tolerance pass, and are
 * counted. */
static void
test_late_sends(void)
{
	struct peer p = { .lag = 6 * MS };
	struct peer q = { .lag = 1 * MS };
	struct run r;
	static const char text[] =
	    "0 < S 0:0(0) win 65535 <mss 1460>\n"
	    "+0.010 < R 1:1(0) win 0\n";

	run_script(text, &p, &r);
	CHECK_INT(r.res.nfailed, 0);
	/* The RST sent at the end is no step: two late sends. */
	CHECK_INT(r.res.nlate, 2);
	run_script(text, &q, &r);
	CHECK_INT(r.res.nlate, 0);
}

/* The shell's way: one step fed at a time, polled with a short bound
 * (ENGINE_BUSY while the SYN-ACK is on its way), the session served
 * between steps (ENGINE_IDLE), the verdict read after each. */
static void
test_one_step(void)
{
	struct peer p = { .synack_delay = 20 * MS, .synacks = 1 };
	struct session_config sc;
	struct engine_opts eo;
	struct wire_fake *fk;
	struct wire *w;
	struct session *s;
	struct engine *e;
	struct script *scr;
	struct run r;
	enum engine_poll rc;
	char err[256];
	size_t i;
	int busy = 0;

	memset(&r, 0, sizeof r);
	scr = parse("0 < S 0:0(0) win 65535 <mss 1460>\n"
	    "* > S. 0:0(0) ack 1 <...>\n+0 < . 1:1(0) ack 1 win 65535\n");
	w = fake_wire(&p, &fk);
	memset(&sc, 0, sizeof sc);
	sc.wire = w;
	sc.emit = collect;
	sc.emit_arg = &r;
	s = session_open(&sc, err, sizeof err);
	memset(&eo, 0, sizeof eo);
	eo.tolerance_usecs = SCRIPT_TOLERANCE_USECS;
	eo.tolerance_percent = SCRIPT_TOLERANCE_PERCENT;
	eo.verdicts = true;
	e = engine_new(s, &eo);
	CHECK_INT(engine_add_flow(e, 40000, 80, err, sizeof err), 0);
	session_start(s);
	for (i = 0; i < scr->nsteps; i++) {
		engine_feed(e, &scr->steps[i]);
		while ((rc = engine_poll(e, session_now(s) + 5 * MS)) ==
		    ENGINE_BUSY)
			busy++;
		CHECK_INT(rc, ENGINE_DONE);
		CHECK_(engine_outcome(e)->ok, "step %zu: %s", i,
		    engine_outcome(e)->why ? engine_outcome(e)->why : "ok");
		CHECK_INT(engine_outcome(e)->line, scr->steps[i].line);
	}
	/* The SYN-ACK took 20 ms: polls of 5 ms came back without it. */
	CHECK(busy >= 3);
	CHECK_INT(r.n, 3);
	CHECK_INT(engine_poll(e, session_now(s) + 5 * MS), ENGINE_IDLE);
	CHECK_INT(engine_result(e)->nsteps, 3);
	CHECK(engine_result(e)->failed == NULL);
	/* The flow is open: the end resets it. */
	engine_finish(e);
	session_settle(s);
	CHECK_INT(wire_fake_nsent(fk), 3);
	CHECK_INT(wire_fake_sent(fk, 2, NULL)->flags, TH_RST_);
	engine_free(e);
	session_close(s);
	wire_close(w);
	script_free(scr);
}

int
main(void)
{
	test_handshake();
	test_icmp();
	test_one_step();
	test_tolerance();
	test_retransmission();
	test_silence();
	test_out_of_order();
	test_late_sends();
	test_reset_at_end();
	return check_done();
}
