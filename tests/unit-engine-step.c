/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-engine-step.c: the engine a step at a time, as the shell drives it
 * (engine_open, engine_step, engine_close) on the fake wire: each line
 * parsed alone, flows declared later added, '*' bounded by any_wait_ns, a
 * relative time from the call, the flows left open reset at the end. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "engine.h"
#include "session.h"
#include "wire-fake.h"

#define MS	1000000LL
#define PEER_ISN 7000u

/* The peer answers every SYN with a SYN-ACK 1 ms later, on its port. */
static void
peer_on_send(void *arg, struct wire_fake *fk, const struct segment *s,
    int64_t t)
{
	char line[160];

	(void)arg;
	if ((s->flags & TH_SYN_) && !(s->flags & TH_ACK_)) {
		snprintf(line, sizeof line, "80>%u S. %u:%u(0) ack %u! win 65535 "
		    "<mss 1460>", s->sport, PEER_ISN, PEER_ISN, s->seq + 1);
		CHECK(wire_fake_arrive_line(fk, t + MS, line));
	}
}

struct steps {
	int	 nok, nfail;
	int	 last_line;
};

static void
collect(void *arg, const struct event *ev)
{
	struct steps *st = arg;

	if (ev->type != EV_STEP || ev->outcome == NULL ||
	    ev->outcome->line == 0)
		return;
	st->last_line = ev->outcome->line;
	if (ev->outcome->ok)
		st->nok++;
	else
		st->nfail++;
}

static struct script *
parse(const char *text)
{
	struct script_errors errs = { 0 };
	struct script_defs defs = { .target = "198.18.0.2:80" };
	struct script *sc = script_parse_string("shell", text, &defs, &errs);

	if (sc == NULL) {
		script_errors_print(stdout, &errs);
		printf("Bail out! does not parse: %s\n", text);
		exit(1);
	}
	return sc;
}

/* Parse text (its last line the step) and run it; sc replaces *keep,
 * which the engine refers to until the next step. */
static int
step(struct engine *e, struct script **keep, const char *text)
{
	struct script *sc = parse(text);
	char err[256];
	int rc = engine_step(e, sc, sc->nsteps - 1, true, err, sizeof err);

	CHECK_(rc >= 0, "engine_step: %s", rc >= 0 ? "ok" : err);
	script_free(*keep);
	*keep = sc;
	return rc;
}

static void
test_steps(void)
{
	struct wire_config wc;
	struct engine_config ec;
	struct engine_result res;
	struct steps st = { 0, 0, 0 };
	struct wire_fake *fk;
	struct wire *w;
	struct script *sc = parse("");
	struct engine *e;
	const struct segment *s;
	int64_t t0, t1;
	char err[256];

	memset(&wc, 0, sizeof wc);
	ipaddr_parse("198.18.0.1", &wc.local);
	ipaddr_parse("198.18.0.2", &wc.remote);
	wc.rport = 80;
	w = wire_fake_open(&wc, &fk);
	wire_fake_set_peer(fk, peer_on_send, NULL);
	memset(&ec, 0, sizeof ec);
	ec.wire = w;
	ec.tolerance_usecs = -1;
	ec.tolerance_percent = -1;
	ec.any_wait_ns = 50 * MS;
	ec.emit = collect;
	ec.emit_arg = &st;
	e = engine_open(sc, &ec, &res, err, sizeof err);
	CHECK_(e != NULL, "engine_open: %s", e != NULL ? "ok" : err);
	if (e == NULL)
		return;
	/* The implicit flow, then two declared: the first is the same
	 * conversation, its SYN-ACK still queued for it after the flows
	 * array grew. */
	CHECK_INT(step(e, &sc, "+0 < S 0:0(0) win 65535"), 1);
	CHECK_INT(step(e, &sc, "flow a\nflow b\n* a > S. 0:0(0) ack 1 <...>"),
	    1);
	CHECK_INT(step(e, &sc, "flow a\nflow b\n+0 b < S 0:0(0) win 1000"), 1);
	CHECK_INT(step(e, &sc, "flow a\nflow b\n* b > S. 0:0(0) ack 1 <...>"),
	    1);
	CHECK_INT(st.nok, 4);
	/* '*' waits any_wait_ns, not 10 s, and fails. */
	t0 = session_now(engine_session(e));
	CHECK_INT(step(e, &sc, "flow a\nflow b\n* a > P. 1:2(1) ack 1"), 0);
	t1 = session_now(engine_session(e));
	CHECK_(t1 - t0 >= 50 * MS && t1 - t0 < 60 * MS, "'*' waited %lld ms",
	    (long long)((t1 - t0) / MS));
	CHECK_INT(st.nfail, 1);
	/* A relative time counts from the call. */
	t0 = session_now(engine_session(e));
	CHECK_INT(step(e, &sc, "flow a\nflow b\n+0.020 a < . 1:1(0) ack 1 "
	    "win 65535"), 1);
	s = wire_fake_sent(fk, wire_fake_nsent(fk) - 1, &t1);
	CHECK_(t1 - t0 >= 20 * MS && t1 - t0 < 22 * MS, "+0.020 sent %lld us "
	    "later", (long long)((t1 - t0) / 1000));
	CHECK_INT(s->ack, PEER_ISN + 1);
	CHECK_INT(wire_fake_nports(fk), 2);
	CHECK_INT(wire_fake_nguarded(fk), 2);
	/* Both flows are open at the target: reset at the end. */
	engine_close(e);
	CHECK_INT(wire_fake_nsent(fk), 5);
	CHECK_INT(wire_fake_sent(fk, 3, NULL)->flags, TH_RST_);
	CHECK_INT(wire_fake_sent(fk, 4, NULL)->flags, TH_RST_);
	script_free(sc);
	wire_close(w);
}

int
main(void)
{
	test_steps();
	return check_done();
}
