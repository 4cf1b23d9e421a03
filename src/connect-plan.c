/* SPDX-License-Identifier: GPL-2.0-or-later */
/* connect-plan.c: `tcpshake connect` past its options: the route, the
 * sinks, one session with the flow's TCB, the plan the options ask for,
 * the target's states (--peer-netns), the summary. */
#include "config.h"

#include <sys/random.h>

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "connect-plan.h"
#include "endpoint.h"
#include "engine.h"
#include "flow.h"
#include "fmt.h"
#include "output.h"
#include "peer.h"
#include "realtime.h"
#include "route.h"
#include "segment.h"
#include "session.h"
#include "target.h"
#include "tcpshake.h"
#include "xmalloc.h"

#define CONNECT_MIN_TIMEOUT_NS	5000000000LL	/* a phase's least bound */
#define CONNECT_MAX_SYNACKS	64	/* --no-final-ack stamps kept */
#define SPORT_LOW		32768	/* random source ports: Linux's */
#define SPORT_HIGH		60999	/* ephemeral range */

const char *const close_names[CLOSE_NMODES] = {
	[CLOSE_FIN] = "fin",
	[CLOSE_HALF] = "half",
	[CLOSE_WAIT] = "wait",
	[CLOSE_RST] = "rst",
	[CLOSE_NONE] = "none",
};

/* Set by SIGINT/SIGTERM/SIGHUP: the run stops, resets the connection,
 * reports and removes the guard. A handler can reach nothing else. */
static volatile sig_atomic_t connect_stop;

struct connect_run {
	struct connect_opts *o;
	struct route	 rt;
	struct session	*s;
	struct endpoint	*ep;
	struct ep_flow	*fl;
	struct peer	*peer;
	struct output	*out;
	struct engine_result res;	/* failed: why the exit is 1 */
	int64_t		 synack_t[CONNECT_MAX_SYNACKS];
	size_t		 nsynack;
	uint64_t	 segs_sent;
	uint64_t	 segs_rcvd;
};

static uint64_t
connect_random(void)
{
	uint64_t v;

	if (getrandom(&v, sizeof v, 0) != sizeof v) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		v = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^
		    (uint64_t)getpid();
	}
	return v;
}

/* A phase's bound: --timeout, else long enough for every retransmission
 * the flow makes before it gives up, and never below 5 s. */
static int64_t
phase_timeout(const struct connect_opts *o)
{
	int64_t total = 0, rto = o->fc.rto_ns;
	int i;

	if (o->timeout_ns > 0)
		return o->timeout_ns;
	for (i = 0; i <= o->fc.retries; i++) {
		total += rto;
		rto = rto > FLOW_MAX_RTO_NS / 2 ? FLOW_MAX_RTO_NS : rto * 2;
	}
	total += total / 10;
	return total > CONNECT_MIN_TIMEOUT_NS ? total : CONNECT_MIN_TIMEOUT_NS;
}

/* ---- Output ---- */

/* Every event of the endpoint, counted, to the output. */
static void
connect_emit(void *arg, const struct event *ev)
{
	struct connect_run *r = arg;

	if (ev->type == EV_SEGMENT && ev->seg != NULL) {
		if (ev->dir == DIR_TO_TARGET)
			r->segs_sent++;
		else if (ev->dir == DIR_FROM_TARGET) {
			r->segs_rcvd++;
			if ((ev->seg->flags & (TH_SYN_ | TH_ACK_)) ==
			    (TH_SYN_ | TH_ACK_) &&
			    r->nsynack < CONNECT_MAX_SYNACKS)
				r->synack_t[r->nsynack++] = ev->t_ns;
		}
	}
	output_emit(r->out, ev);
}

/* ---- The run ---- */

static void
connect_on_signal(int sig)
{
	connect_stop = sig;
}

static void
connect_route(struct connect_run *r)
{
	struct connect_opts *o = r->o;
	char err[256];
	int rc;

	if ((rc = target_route(o->host, o->iface, o->source, &r->rt, err,
	    sizeof err)) < 0)
		fatalx("%s%s", rc == TARGET_NO_ROUTE ? "" : "connect: ", err);
	if (r->rt.src.family != r->rt.dst.family)
		fatalx("connect: --source %s and %s are of different "
		    "families", o->source, o->host);
}

static void
connect_open(struct connect_run *r)
{
	struct connect_opts *o = r->o;
	struct session_config sc;
	struct endpoint_config ec;
	char err[256];

	if (o->sport == 0)
		o->sport = (uint16_t)(SPORT_LOW + connect_random() %
		    (SPORT_HIGH - SPORT_LOW + 1));
	if (!o->isn_fixed)
		o->fc.iss = (uint32_t)connect_random();
	o->fc.lport = o->sport;
	o->fc.rport = o->port;
	o->fc.ts_offset = o->ts_fixed ? o->ts_val :
	    (uint32_t)connect_random();
	if (o->peer_netns != NULL &&
	    (r->peer = peer_open(o->peer_netns, err, sizeof err)) == NULL)
		fatalx("--peer-netns: %s", err);
	memset(&sc, 0, sizeof sc);
	sc.wire_cfg.local = r->rt.src;
	sc.wire_cfg.remote = r->rt.dst;
	sc.wire_cfg.ifname = r->rt.ifname;
	sc.wire_cfg.lport = o->fc.lport;
	sc.wire_cfg.rport = o->fc.rport;
	sc.wire_cfg.icmp = true;
	sc.wire_cfg.no_guard = o->no_guard;
	sc.absolute = o->absolute;
	sc.stop = &connect_stop;
	sc.emit = connect_emit;
	sc.peer = r->peer;
	sc.emit_arg = r;
	memset(&ec, 0, sizeof ec);
	ec.absolute = o->absolute;
	ec.state_causes = o->verbose > 0;
	if ((r->s = session_open(&sc, err, sizeof err)) == NULL)
		fatalx("%s", err);
	r->ep = endpoint_new(r->s, &ec);
	if ((r->fl = endpoint_add_flow(r->ep, &o->fc, err, sizeof err)) ==
	    NULL)
		fatalx("%s", err);
}

/* ---- The plan ---- */

/* The close asked for: nothing, our RST, or our FIN (first waiting for
 * the target's with --close wait) and the end of both directions. */
static void
connect_plan_close(const struct connect_opts *o, struct plan *p, int64_t tmo)
{
	struct step *st;

	switch (o->close) {
	case CLOSE_NONE:
		return;
	case CLOSE_RST:
		plan_add(p, STEP_ABORT);
		return;
	case CLOSE_WAIT:
		plan_await(p, STEP_PEER_FIN, tmo,
		    "waiting for the target's FIN");
		break;
	case CLOSE_FIN:
	case CLOSE_HALF:
		break;
	}
	plan_add(p, STEP_SHUTDOWN);
	st = plan_add(p, STEP_CLOSE);
	st->timeout_ns = tmo + o->fc.time_wait_ns;
	st->what = o->close == CLOSE_WAIT ? "waiting for the ACK of our FIN" :
	    "waiting for the target's FIN";
	st->rearm = o->close == CLOSE_HALF;
}


/* The steps the options ask for. */
void
connect_build_plan(const struct connect_opts *o, struct plan *p)
{
	int64_t tmo = phase_timeout(o);
	struct step *st;
	size_t i;

	plan_add(p, STEP_OPEN);
	if (o->fc.no_final_ack) {
		plan_await(p, STEP_SYNACKS, o->watch_ns > 0 ? o->watch_ns : tmo,
		    "watching the target's SYN-ACKs");
		/* The target keeps its half-open socket until it gives up
		 * too. */
		st = plan_add(p, STEP_SHUTDOWN);
		st->lenient = st->always = true;
		return;
	}
	plan_await(p, STEP_ESTABLISHED, tmo, "waiting for the SYN-ACK");
	for (i = 0; i < o->nsends; i++) {
		st = plan_add(p, STEP_WRITE);
		st->data = o->sends[i].data;
		st->len = o->sends[i].len;
	}
	if (o->nsends > 0)
		plan_await(p, STEP_ACKED, tmo,
		    "waiting for our data to be acknowledged");
	if (o->expect_echo)
		plan_await(p, STEP_ECHOED, tmo, "waiting for the echo");
	if (o->recv_wait_ns > 0)
		plan_await(p, STEP_TIME, o->recv_wait_ns, "receiving");
	connect_plan_close(o, p, tmo);
}

/* ---- The summary ---- */

static void
summary_synacks(struct connect_run *r, FILE *f)
{
	size_t i;

	fprintf(f, "\n--- %zu SYN-ACK%s", r->nsynack, r->nsynack == 1 ?
	    "" : "s");
	if (r->nsynack > 1) {
		fprintf(f, ", intervals");
		for (i = 1; i < r->nsynack; i++)
			fprintf(f, " %.3f", (double)(r->synack_t[i] -
			    r->synack_t[i - 1]) / 1e9);
		fprintf(f, " s");
	}
}

static void
summary_target(struct connect_run *r, FILE *f)
{
	const struct flow *fl = ep_flow_tcb(r->fl);
	struct segment s;
	char *opts;

	if (!fl->have_irs) {
		fprintf(f, "\n--- no SYN-ACK from the target");
		return;
	}
	segment_init(&s);
	memcpy(s.opts, fl->peer_opts, sizeof s.opts);
	s.nopts = fl->peer_nopts;
	opts = segment_format_opts(&s);
	fprintf(f, "\n--- target ISN %" PRIu32 ", SYN-ACK win %u %s",
	    fl->irs, fl->peer_win, s.nopts > 0 ? opts : "<no options>");
	free(opts);
}

static char *
summary_text(struct connect_run *r)
{
	const struct flow *fl = ep_flow_tcb(r->fl);
	int64_t rtt = ep_flow_hs_rtt(r->fl);
	char dst[80], src[80], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		fatal("open_memstream");
	fprintf(f, "--- %s from %s (ISN %" PRIu32 "): %s, prober %s",
	    fmt_endpoint(&r->rt.dst, fl->cfg.rport, dst, sizeof dst),
	    fmt_endpoint(&r->rt.src, fl->cfg.lport, src, sizeof src),
	    fl->iss, flow_end_name(fl->end), flow_state_name(fl->state));
	summary_target(r, f);
	if (r->o->fc.no_final_ack)
		summary_synacks(r, f);
	fprintf(f, "\n--- ");
	if (rtt >= 0)
		fprintf(f, "handshake rtt %" PRId64 ".%03" PRId64 " us; ",
		    rtt / 1000, rtt % 1000);
	fprintf(f, "sent %" PRIu64 " bytes (%" PRIu64 " acked), received %"
	    PRIu64 " (%" PRIu64 " after our FIN); %" PRIu64
	    " retransmission%s, %" PRIu64 " unacceptable",
	    fl->bytes_sent, fl->bytes_acked, fl->bytes_received,
	    ep_flow_received_after_fin(r->fl), fl->retransmissions,
	    fl->retransmissions == 1 ? "" : "s", fl->unacceptable);
	if (ep_flow_foreign(r->fl) > 0)
		fprintf(f, "; %" PRIu64 " segments from the local kernel",
		    ep_flow_foreign(r->fl));
	if (session_drops(r->s) > 0)
		fprintf(f, "; %u packets dropped by the capture",
		    session_drops(r->s));
	if (r->res.failed != NULL)
		fprintf(f, "\n--- not as asked: %s", r->res.failed);
	else if (r->o->fc.no_final_ack)
		fprintf(f, "\n--- as asked (--no-final-ack)");
	else
		fprintf(f, "\n--- as asked (--close %s)",
		    close_names[r->o->close]);
	fclose(f);
	return buf;
}

static void
connect_summary(struct connect_run *r)
{
	const struct flow *fl = ep_flow_tcb(r->fl);
	int64_t rtt = ep_flow_hs_rtt(r->fl);
	struct event_count counts[11];
	struct event ev;
	size_t n = 0;
	char *text = summary_text(r);

#define COUNT(k, v) do { counts[n].key = (k); counts[n++].value = (v); } \
	while (0)
	COUNT("segments_sent", r->segs_sent);
	COUNT("segments_received", r->segs_rcvd);
	COUNT("bytes_sent", fl->bytes_sent);
	COUNT("bytes_acked", fl->bytes_acked);
	COUNT("bytes_received", fl->bytes_received);
	COUNT("retransmissions", fl->retransmissions);
	COUNT("unacceptable", fl->unacceptable);
	COUNT("synacks", r->nsynack);
	COUNT("isn", fl->iss);
	if (fl->have_irs)
		COUNT("target_isn", fl->irs);
	if (rtt >= 0)
		COUNT("handshake_rtt_ns", (uint64_t)rtt);
#undef COUNT
	event_init(&ev, EV_SUMMARY);
	ev.verdict = r->res.failed == NULL ? VERDICT_OK : VERDICT_FAIL;
	ev.text = text;
	ev.t_ns = session_now(r->s);
	ev.counts = counts;
	ev.ncounts = n;
	output_emit(r->out, &ev);
	free(text);
}

static void
connect_free(struct connect_run *r)
{
	size_t i;

	session_close(r->s);
	endpoint_free(r->ep);
	r->s = NULL;
	r->ep = NULL;
	if (r->peer != NULL)
		peer_close(r->peer);
	output_close(r->out);
	r->out = NULL;
	for (i = 0; i < r->o->nsends; i++)
		free(r->o->sends[i].data);
	free(r->o->sends);
	free(r->o->host);
}

/* The plan's hook: the SYN-ACKs counted by connect_emit(). */
static size_t
connect_synacks(void *arg)
{
	return ((struct connect_run *)arg)->nsynack;
}

int
connect_plan_run(struct connect_opts *o)
{
	struct connect_run r;
	struct engine_opts eo;
	struct plan p;
	char dst[80], src[80], rterr[160];
	int rc;

	memset(&r, 0, sizeof r);
	r.o = o;
	connect_route(&r);
	/* Ours before the guard's: then it leaves them to us, and the run
	 * ends through session_close(), which removes the guard. */
	cli_catch_stops(connect_on_signal);
	r.out = output_open("connect", &o->out);
	connect_open(&r);
	if (o->realtime && realtime_enable(rterr, sizeof rterr) == -1)
		session_note(r.s, "--realtime: %s; running at normal "
		    "priority", rterr);
	/* Wire, guard, peer, files and priority set: root goes. The guard
	 * removes its table on the way out. */
	if (privdrop_apply(&o->drop, o->no_guard ? 0 : PRIVDROP_KEEP_ADMIN,
	    rterr, sizeof rterr) == -1)
		fatalx("connect: %s", rterr);
	session_note(r.s, "connecting to %s from %s on %s%s",
	    fmt_endpoint(&r.rt.dst, o->port, dst, sizeof dst),
	    fmt_endpoint(&r.rt.src, o->sport, src, sizeof src),
	    r.rt.ifname, o->no_guard ? " (no guard: the local kernel may "
	    "answer with RST)" : "");
	plan_init(&p);
	connect_build_plan(o, &p);
	memset(&eo, 0, sizeof eo);
	eo.stop = &connect_stop;
	eo.synacks = connect_synacks;
	eo.synacks_arg = &r;
	realtime_settle();
	/* A failure or a stop with the target holding state resets the
	 * flow. */
	engine_run_plan(r.s, &eo, r.ep, r.fl, &p, &r.res);
	plan_free(&p);
	if (r.res.error)
		fatalx("%s", r.res.failed);
	/* Whatever went out last is shown before the summary, and where
	 * the target's socket ended up. */
	session_settle(r.s);
	connect_summary(&r);
	rc = r.res.failed == NULL ? 0 : 1;
	connect_free(&r);
	return rc;
}
