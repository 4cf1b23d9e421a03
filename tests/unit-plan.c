/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-plan.c: connect's plans (connect_build_plan) carried out by a TCB
 * over the session against a scripted server on the fake wire: the
 * handshake, an echo, the closes fin, half and rst, the SYN's
 * retransmission schedule; no root, no network. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "connect-plan.h"
#include "endpoint.h"
#include "engine.h"
#include "session.h"
#include "wire-fake.h"
#include "xmalloc.h"

#define MS	1000000LL
#define S	(1000 * MS)
#define ISS	1000u
#define PEER_ISN 7000u

/* The scripted server: SYN-ACK, ACK (and echo) of data, and on our FIN
 * its own (after "tail" for a half close). */
struct server {
	bool	 silent;	/* answers nothing */
	bool	 echo;
	bool	 tail;		/* writes "tail" after our FIN */
	uint32_t nxt;		/* its next seq */
};

static void arrive(struct wire_fake *, int64_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
arrive(struct wire_fake *fk, int64_t t, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	CHECK_(wire_fake_arrive_line(fk, t, line), "arrives: %s", line);
}

static void
server_on_send(void *arg, struct wire_fake *fk, const struct segment *s,
    int64_t t)
{
	struct server *sv = arg;
	uint32_t end = s->seq + s->len;

	if (sv->silent || (s->flags & TH_RST_))
		return;
	if (s->flags == TH_SYN_) {
		sv->nxt = PEER_ISN + 1;
		arrive(fk, t + 1 * MS, "S. %u:%u(0) ack %u win 65535 <mss 1460>",
		    PEER_ISN, PEER_ISN, s->seq + 1);
		return;
	}
	if (s->len > 0) {
		arrive(fk, t + 1 * MS, ". %u:%u(0) ack %u win 65535", sv->nxt,
		    sv->nxt, end);
		if (sv->echo) {
			arrive(fk, t + 2 * MS, "P. %u:%u(%u) ack %u win 65535 "
			    "\"%.*s\"", sv->nxt, sv->nxt + s->len, s->len, end,
			    (int)s->len, (const char *)s->data);
			sv->nxt += s->len;
		}
	}
	if (s->flags & TH_FIN_) {
		end++;
		if (sv->tail) {
			arrive(fk, t + 1 * MS, "P. %u:%u(4) ack %u win 65535 "
			    "\"tail\"", sv->nxt, sv->nxt + 4, end);
			sv->nxt += 4;
		}
		arrive(fk, t + 2 * MS, "F. %u:%u(0) ack %u win 65535", sv->nxt,
		    sv->nxt, end);
		sv->nxt++;
	}
}

struct rig {
	struct wire	*w;
	struct wire_fake *fk;
	struct session	*s;
	struct endpoint	*ep;
	struct ep_flow	*fl;
	struct engine_result res;
};

static void
opts_init(struct connect_opts *o)
{
	memset(o, 0, sizeof *o);
	flow_config_init(&o->fc);
	o->fc.iss = ISS;
	o->fc.lport = 40000;
	o->fc.rport = 80;
	o->close = CLOSE_FIN;
}

static void
add_send(struct connect_opts *o, const char *text)
{
	o->sends = xreallocarray(o->sends, o->nsends + 1, sizeof *o->sends);
	o->sends[o->nsends].data = (uint8_t *)xstrdup(text);
	o->sends[o->nsends].len = strlen(text);
	o->send_total += strlen(text);
	o->nsends++;
}

/* connect's plan for o against sv, run to its end. */
static void
run_plan(struct rig *rg, struct connect_opts *o, struct server *sv)
{
	struct wire_config wc;
	struct session_config sc;
	struct endpoint_config ec = { 0 };
	struct engine_opts eo = { 0 };
	struct plan p;
	char err[256] = "";
	size_t i;

	memset(rg, 0, sizeof *rg);
	memset(&wc, 0, sizeof wc);
	ipaddr_parse("198.18.0.1", &wc.local);
	ipaddr_parse("198.18.0.2", &wc.remote);
	wc.lport = o->fc.lport;
	wc.rport = o->fc.rport;
	rg->w = wire_fake_open(&wc, &rg->fk);
	wire_fake_set_peer(rg->fk, server_on_send, sv);
	memset(&sc, 0, sizeof sc);
	sc.wire = rg->w;
	rg->s = session_open(&sc, err, sizeof err);
	rg->ep = endpoint_new(rg->s, &ec);
	rg->fl = endpoint_add_flow(rg->ep, &o->fc, err, sizeof err);
	CHECK_(rg->fl != NULL, "flow: %s", err);
	plan_init(&p);
	connect_build_plan(o, &p);
	engine_run_plan(rg->s, &eo, rg->ep, rg->fl, &p, &rg->res);
	plan_free(&p);
	session_settle(rg->s);
	for (i = 0; i < o->nsends; i++)
		free(o->sends[i].data);
	free(o->sends);
}

static void
rig_free(struct rig *rg)
{
	session_close(rg->s);
	endpoint_free(rg->ep);
	wire_close(rg->w);
}

static uint8_t
sent_flags(const struct rig *rg, size_t i)
{
	return wire_fake_sent(rg->fk, i, NULL)->flags;
}

/* --close fin: SYN, ACK, FIN, the ACK of the target's FIN; closed. */
static void
test_close_fin(void)
{
	struct connect_opts o;
	struct server sv = { 0 };
	struct rig rg;
	const struct flow *f;

	opts_init(&o);
	run_plan(&rg, &o, &sv);
	f = ep_flow_tcb(rg.fl);
	CHECK_(rg.res.failed == NULL, "as asked: %s", rg.res.failed ?
	    rg.res.failed : "");
	CHECK_INT(f->state, FLOW_CLOSED);
	CHECK_INT(f->end, FLOW_END_CLOSED);
	CHECK_INT(wire_fake_nsent(rg.fk), 4);
	CHECK_INT(sent_flags(&rg, 0), TH_SYN_);
	CHECK_INT(sent_flags(&rg, 1), TH_ACK_);
	CHECK_INT(sent_flags(&rg, 2), TH_FIN_ | TH_ACK_);
	CHECK_INT(sent_flags(&rg, 3), TH_ACK_);
	CHECK_INT(wire_fake_sent(rg.fk, 3, NULL)->ack, PEER_ISN + 2);
	rig_free(&rg);
}

/* --send twice --expect-echo: acknowledged, echoed, the same bytes. */
static void
test_echo(void)
{
	struct connect_opts o;
	struct server sv = { .echo = true };
	struct rig rg;
	const uint8_t *got;
	size_t len;

	opts_init(&o);
	add_send(&o, "hello ");
	add_send(&o, "world");
	o.expect_echo = true;
	run_plan(&rg, &o, &sv);
	CHECK_(rg.res.failed == NULL, "as asked: %s", rg.res.failed ?
	    rg.res.failed : "");
	got = ep_flow_received(rg.fl, &len);
	CHECK_INT(len, 11);
	CHECK(len == 11 && memcmp(got, "hello world", 11) == 0);
	CHECK_INT(ep_flow_tcb(rg.fl)->bytes_acked, 11);
	CHECK_INT(ep_flow_tcb(rg.fl)->end, FLOW_END_CLOSED);
	rig_free(&rg);
}

/* --expect-echo against a server that does not echo: not as asked. */
static void
test_no_echo(void)
{
	struct connect_opts o;
	struct server sv = { 0 };
	struct rig rg;

	opts_init(&o);
	add_send(&o, "ping");
	o.expect_echo = true;
	o.timeout_ns = 200 * MS;
	run_plan(&rg, &o, &sv);
	CHECK_STR(rg.res.failed, "waiting for the echo: nothing within "
	    "0.200 s");
	/* Left ESTABLISHED: the plan resets it. */
	CHECK_INT(sent_flags(&rg, wire_fake_nsent(rg.fk) - 1), TH_RST_);
	CHECK_INT(ep_flow_tcb(rg.fl)->end, FLOW_END_ABORTED);
	rig_free(&rg);
}

/* --close half: the target writes after our FIN; we take it and close. */
static void
test_close_half(void)
{
	struct connect_opts o;
	struct server sv = { .tail = true };
	struct rig rg;

	opts_init(&o);
	o.close = CLOSE_HALF;
	run_plan(&rg, &o, &sv);
	CHECK_(rg.res.failed == NULL, "as asked: %s", rg.res.failed ?
	    rg.res.failed : "");
	CHECK_INT(ep_flow_received_after_fin(rg.fl), 4);
	CHECK_INT(ep_flow_tcb(rg.fl)->end, FLOW_END_CLOSED);
	rig_free(&rg);
}

/* --close rst: SYN, ACK, RST, nothing more. */
static void
test_close_rst(void)
{
	struct connect_opts o;
	struct server sv = { 0 };
	struct rig rg;

	opts_init(&o);
	o.close = CLOSE_RST;
	run_plan(&rg, &o, &sv);
	CHECK(rg.res.failed == NULL);
	CHECK_INT(wire_fake_nsent(rg.fk), 3);
	CHECK_INT(sent_flags(&rg, 2) & TH_RST_, TH_RST_);
	CHECK_INT(ep_flow_tcb(rg.fl)->end, FLOW_END_ABORTED);
	rig_free(&rg);
}

/* Nobody answers: the SYN at 0, 1, 3 and 7 s (--rto 1s, --retries 3),
 * then the flow gives up within the handshake's bound. */
static void
test_syn_schedule(void)
{
	static const int64_t want[] = { 0, 1 * S, 3 * S, 7 * S };
	struct connect_opts o;
	struct server sv = { .silent = true };
	struct rig rg;
	int64_t t0, t;
	size_t i;

	opts_init(&o);
	run_plan(&rg, &o, &sv);
	CHECK_INT(wire_fake_nsent(rg.fk), 4);
	wire_fake_sent(rg.fk, 0, &t0);
	for (i = 0; i < 4 && i < wire_fake_nsent(rg.fk); i++) {
		CHECK_INT(sent_flags(&rg, i), TH_SYN_);
		wire_fake_sent(rg.fk, i, &t);
		CHECK_(llabs(t - t0 - want[i]) < 1 * MS, "SYN %zu at %lld ns",
		    i, (long long)(t - t0));
	}
	CHECK_STR(rg.res.failed, "timed out");
	CHECK_INT(ep_flow_tcb(rg.fl)->state, FLOW_CLOSED);
	rig_free(&rg);
}

int
main(void)
{
	test_close_fin();
	test_echo();
	test_no_echo();
	test_close_half();
	test_close_rst();
	test_syn_schedule();
	return check_done();
}
