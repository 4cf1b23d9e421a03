/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe-plan.c: `tcpshake probe` past its options: the route, the sinks,
 * one session (and its lanes) with a BURST step as its plan, the
 * summary per port from the probe tables. */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "burst.h"
#include "cli.h"
#include "event.h"
#include "engine.h"
#include "output.h"
#include "probe-plan.h"
#include "route.h"
#include "session.h"
#include "target.h"
#include "tcpshake.h"
#include "xmalloc.h"

/* Set by SIGINT/SIGTERM/SIGHUP: stop sending, print the summary. */
static volatile sig_atomic_t probe_stop;

/* Per-port counters for the summary; RTTs in nanoseconds, their mean
 * and spread kept by Welford's method (no sum of squares to cancel). */
struct probe_stat {
	uint64_t	 sent;
	uint64_t	 answered;
	uint64_t	 nrtt;
	int64_t		 min, max;
	double		 mean, m2;
};

struct probe_run {
	struct probe_opts	*o;
	struct route		 rt;
	struct output		*out;
	uint32_t		 nprobes;
	struct session		*s;
	struct burst		*b;
	struct probe_stat	*st;		/* per port, for the summary */
};

/* Resolve, find the way out, say so once. */
static void
probe_route(struct probe_run *r)
{
	struct probe_opts *o = r->o;
	char err[256];
	int rc;

	if ((rc = target_route(o->target, o->iface, o->source, &r->rt, err,
	    sizeof err)) == -1)
		fatalx("probe: %s", err);
	/* Resolved, if not routed: the field check comes first. */
	if (r->rt.dst.family == AF_INET6 &&
	    (o->tmpl.df || (o->tmpl.has & SEG_HAS_ID)))
		fatalx("probe: --df and --id are IPv4 fields; %s is IPv6",
		    o->target);
	if (rc < 0)
		fatalx("%s", err);
	if (o->forged && o->range.net.family != r->rt.dst.family)
		fatalx("probe: --source-range is IPv%d and %s is IPv%d: give "
		    "a prefix of the target's family",
		    o->range.net.family == AF_INET ? 4 : 6, o->target,
		    r->rt.dst.family == AF_INET ? 4 : 6);
}

static void
probe_on_signal(int sig)
{
	probe_stop = sig;
}

/* The burst asked for, and the session and lanes it runs on: the
 * capture open and filtered before the first send. */
static void
probe_open(struct probe_run *r)
{
	struct probe_opts *o = r->o;
	struct session_config sc;
	struct burst_spec sp = {
		.tmpl = &o->tmpl, .ports = o->ports, .nports = o->nports,
		.nprobes = r->nprobes, .sport = o->sport,
		.seq_fixed = o->seq_fixed, .ack_fixed = o->ack_fixed,
		.interval_ns = o->interval_ns, .timeout_ns = o->timeout_ns,
		.forged = o->forged ? &o->range : NULL,
		.show = !o->out.quiet || o->out.pcap != NULL,
	};
	int nlanes = burst_lanes(&sp);
	char err[256];

	memset(&sc, 0, sizeof sc);
	sc.wire_cfg.local = r->rt.src;
	sc.wire_cfg.remote = r->rt.dst;
	sc.wire_cfg.ifname = r->rt.ifname;
	sc.wire_cfg.icmp = true;
	/* The kernel's RST to a SYN-ACK is shown, not prevented. */
	sc.wire_cfg.no_guard = true;
	sc.wire_cfg.forged = sp.forged;
	if (nlanes > 1)
		burst_lane_ports(0, nlanes, &sc.wire_cfg.lport_lo,
		    &sc.wire_cfg.lport_hi);
	sc.absolute = true;
	sc.stop = &probe_stop;
	/* Segments, ICMP errors, notes: the session merges the lanes'
	 * in the order of their stamps. */
	sc.emit = output_emit;
	sc.emit_arg = r->out;
	if ((r->s = session_open(&sc, err, sizeof err)) == NULL ||
	    (r->b = burst_new(r->s, &sp, nlanes, err, sizeof err)) == NULL)
		fatalx("%s", err);
}

static void
probe_note(struct probe_run *r)
{
	struct event ev;
	char src[64], dst[64], *text;

	ipaddr_str(&r->rt.src, src, sizeof src);
	ipaddr_str(&r->rt.dst, dst, sizeof dst);
	if (strcmp(r->rt.canon, dst) == 0)
		xasprintf(&text, "probing %s from %s on %s: %" PRIu32
		    " probe%s", dst, src, r->rt.ifname, r->nprobes,
		    r->nprobes == 1 ? "" : "s");
	else
		xasprintf(&text, "probing %s (%s) from %s on %s: %" PRIu32
		    " probe%s", r->rt.canon, dst, src, r->rt.ifname,
		    r->nprobes, r->nprobes == 1 ? "" : "s");
	event_init(&ev, EV_NOTE);
	ev.text = text;
	session_emit(r->s, &ev);
	free(text);
}

/* ---- The summary ---- */

static void
stat_add(struct probe_stat *s, int64_t rtt_ns)
{
	double d;

	if (s->nrtt == 0 || rtt_ns < s->min)
		s->min = rtt_ns;
	if (s->nrtt == 0 || rtt_ns > s->max)
		s->max = rtt_ns;
	s->nrtt++;
	d = (double)rtt_ns - s->mean;
	s->mean += d / (double)s->nrtt;
	s->m2 += d * ((double)rtt_ns - s->mean);
}

/* Population standard deviation, in nanoseconds. */
static double
stat_stddev(const struct probe_stat *s)
{
	return s->nrtt > 0 && s->m2 > 0 ? sqrt(s->m2 / (double)s->nrtt) : 0.0;
}

/* One port's summary: a line for people, and the same numbers by name
 * for JSON (RTTs in whole nanoseconds; none when nothing came back). */
static void
probe_summary_port(struct probe_run *r, uint16_t port,
    const struct probe_stat *s)
{
	struct event_count counts[] = {
		{ .key = "port", .value = port },
		{ .key = "sent", .value = s->sent },
		{ .key = "received", .value = s->answered },
		{ .key = "lost", .value = s->sent - s->answered },
		{ .key = "rtt_min_ns", .value = (uint64_t)s->min },
		{ .key = "rtt_avg_ns", .value = (uint64_t)llround(s->mean) },
		{ .key = "rtt_max_ns", .value = (uint64_t)s->max },
		{ .key = "rtt_stddev_ns",
		  .value = (uint64_t)llround(stat_stddev(s)) },
	};
	struct event ev;
	char dst[64], rtt[160], *text;

	rtt[0] = '\0';
	if (s->nrtt > 0)
		snprintf(rtt, sizeof rtt, ", rtt min/avg/max/stddev = "
		    "%.3f/%.3f/%.3f/%.3f us", (double)s->min / 1000.0,
		    s->mean / 1000.0, (double)s->max / 1000.0,
		    stat_stddev(s) / 1000.0);
	xasprintf(&text, "--- %s port %u: %" PRIu64 " sent, %" PRIu64
	    " received, %" PRIu64 " lost (%.1f%%)%s",
	    ipaddr_str(&r->rt.dst, dst, sizeof dst), port, s->sent,
	    s->answered, s->sent - s->answered, s->sent > 0 ?
	    100.0 * (double)(s->sent - s->answered) / (double)s->sent : 0.0,
	    rtt);
	event_init(&ev, EV_SUMMARY);
	ev.text = text;
	ev.counts = counts;
	ev.ncounts = s->nrtt > 0 ? sizeof counts / sizeof counts[0] : 4;
	ev.verdict = s->sent > 0 && s->answered == s->sent ? VERDICT_OK :
	    VERDICT_FAIL;
	output_emit(r->out, &ev);
	free(text);
}

static void
tally_probe(void *arg, const struct probe *p)
{
	struct probe_stat *s = &((struct probe_stat *)arg)[p->port_idx];

	s->sent++;
	if (p->answered)
		s->answered++;
	if (p->rtt_ns >= 0)
		stat_add(s, p->rtt_ns);
}

/* What did not fit anywhere, when there is any. */
static void
probe_summary_misfits(struct probe_run *r, const struct burst_totals *t)
{
	struct event_count counts[] = {
		{ .key = "never_seen_leaving", .value = t->sent - t->seen_out },
		{ .key = "unmatched", .value = t->unmatched },
		{ .key = "capture_drops", .value = t->drops },
	};
	struct event ev;
	char *text;

	/* A probe the capture never saw leave was most likely held back by
	 * the kernel: no neighbour (ARP/NDP) answer for the next hop. */
	xasprintf(&text, "--- %" PRIu32 " probe%s never seen leaving %s (no "
	    "ARP/NDP answer?), %" PRIu64 " unmatched repl%s, %u packet%s "
	    "dropped by the capture", t->sent - t->seen_out,
	    t->sent - t->seen_out == 1 ? "" : "s", r->rt.ifname,
	    t->unmatched, t->unmatched == 1 ? "y" : "ies", t->drops,
	    t->drops == 1 ? "" : "s");
	event_init(&ev, EV_SUMMARY);
	ev.text = text;
	ev.counts = counts;
	ev.ncounts = sizeof counts / sizeof counts[0];
	output_emit(r->out, &ev);
	free(text);
}

/* Per port in -p order; then what did not fit anywhere, if anything.
 * Returns the exit status: 0 when every probe sent was answered. */
static int
probe_summary(struct probe_run *r)
{
	struct probe_stat *st = xcalloc(r->o->nports, sizeof *st);
	struct burst_totals t;
	uint32_t i;

	burst_totals(r->b, &t);
	burst_foreach(r->b, tally_probe, st);
	for (i = 0; i < r->o->nports; i++)
		if (st[i].sent > 0)
			probe_summary_port(r, r->o->ports[i], &st[i]);
	free(st);
	if (t.unmatched != 0 || t.drops != 0 || t.seen_out != t.sent)
		probe_summary_misfits(r, &t);
	return t.sent > 0 && t.answered == t.sent ? 0 : 1;
}

static void
probe_close(struct probe_run *r)
{
	burst_free(r->b);
	session_close(r->s);
	output_close(r->out);
	segment_clear(&r->o->tmpl);
	free(r->o->ports);
	free(r->o->target);
}

int
probe_plan_run(struct probe_opts *o)
{
	struct probe_run r;
	struct engine_opts eo;
	struct engine_result res;
	struct plan p;
	char err[256];
	char *why = NULL;
	int rc;

	memset(&r, 0, sizeof r);
	r.o = o;
	r.nprobes = (uint32_t)(o->count * o->nports);
	probe_route(&r);
	r.out = output_open("probe", &o->out);
	probe_open(&r);
	/* Sockets and files open, no thread yet: root goes. */
	if (privdrop_apply(&o->drop, 0, err, sizeof err) == -1)
		fatalx("probe: %s", err);
	cli_catch_stops(probe_on_signal);
	probe_note(&r);
	plan_init(&p);
	plan_add(&p, STEP_BURST)->burst = r.b;
	memset(&eo, 0, sizeof eo);
	eo.stop = &probe_stop;
	engine_run_plan(r.s, &eo, NULL, NULL, &p, &res);
	plan_free(&p);
	if (res.error)
		why = xstrdup(res.why);
	rc = probe_summary(&r);
	/* The summary and -w's records are out before the error line. */
	probe_close(&r);
	if (why != NULL) {
		warnx_("probe: %s", why);
		free(why);
		return 2;
	}
	return rc;
}
