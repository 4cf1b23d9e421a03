/* cmd-connect.c: `tcpshake connect TARGET:PORT`: a whole TCP conversation
 * from user space (handshake, data, the close asked for), all of it shown. */
#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "endpoint.h"
#include "session.h"
#include "flow.h"
#include "fmt.h"
#include "peer.h"
#include "realtime.h"
#include "report.h"
#include "route.h"
#include "segment.h"
#include "segopt.h"
#include "serve.h"
#include "status.h"
#include "target.h"
#include "tcpshake.h"
#include "xmalloc.h"

#define CONNECT_MIN_TIMEOUT_NS	5000000000LL	/* a phase's least bound */
#define CONNECT_MAX_SEND	(16 << 20)	/* --send bytes in all */
#define CONNECT_MAX_SYNACKS	64	/* --no-final-ack stamps kept */
#define SPORT_LOW		32768	/* random source ports: Linux's */
#define SPORT_HIGH		60999	/* ephemeral range */

/* Set by SIGINT/SIGTERM/SIGHUP: the run stops, resets the connection,
 * reports and removes the guard. A handler can reach nothing else. */
static volatile sig_atomic_t connect_stop;

enum close_mode {
	CLOSE_FIN,
	CLOSE_HALF,
	CLOSE_WAIT,
	CLOSE_RST,
	CLOSE_NONE,
};

static const char *const close_names[] = {
	[CLOSE_FIN] = "fin",
	[CLOSE_HALF] = "half",
	[CLOSE_WAIT] = "wait",
	[CLOSE_RST] = "rst",
	[CLOSE_NONE] = "none",
};

struct send_chunk {
	uint8_t		*data;
	size_t		 len;
};

struct connect_opts {
	char		*host;
	uint16_t	 port;
	struct flow_config fc;
	bool		 isn_fixed;
	bool		 opts_given;	/* --mss/--wscale/--sackok/--ts */
	bool		 ts_fixed;	/* --ts VAL: TSval starts near VAL */
	uint32_t	 ts_val;
	bool		 no_options;
	uint32_t	 win;
	bool		 win_given;
	uint16_t	 sport;
	struct send_chunk *sends;
	size_t		 nsends;
	size_t		 send_total;
	bool		 expect_echo;
	int64_t		 recv_wait_ns;
	enum close_mode	 close;
	bool		 close_given;
	int64_t		 watch_ns;
	int64_t		 timeout_ns;	/* 0: computed */
	bool		 no_guard;
	bool		 realtime;	/* --realtime: SCHED_FIFO if allowed */
	bool		 absolute;
	bool		 ladder;
	bool		 json;
	const char	*wfile;
	const char	*svgfile;	/* --svg: the ladder as a picture */
	const char	*iface;
	const char	*source;
	const char	*peer_netns;
	bool		 quiet;
	int		 verbose;
};

/* The phase a run is in: what session_run() waits for. */
enum phase {
	PH_HANDSHAKE,
	PH_ACKED,
	PH_ECHO,
	PH_RECV,
	PH_PEER_FIN,
	PH_CLOSED,
};

struct connect_run {
	struct connect_opts *o;
	struct route	 rt;
	struct session	*s;
	struct endpoint	*ep;
	struct ep_flow	*fl;
	struct peer	*peer;
	struct sink	*out;		/* stdout */
	struct sink	*files;		/* -w, --svg */
	FILE		*svg;		/* --svg's file, closed after its sink */
	enum phase	 phase;
	const char	*failed;	/* why the exit is 1; NULL: as asked */
	char		 why[160];
	int64_t		 synack_t[CONNECT_MAX_SYNACKS];
	size_t		 nsynack;
	uint64_t	 segs_sent;
	uint64_t	 segs_rcvd;
	bool		 peer_shown;	/* a target state was shown */
	bool		 peer_armed;	/* something of ours went out */
	bool		 tw_status;	/* the status line says TIME_WAIT */
	bool		 peer_due;	/* a segment shown since the last read
					 * of the target's state */
};

enum {
	CO_ISN = 1, CO_SPORT, CO_NO_OPTIONS, CO_PORT, CO_SEND,
	CO_EXPECT_ECHO, CO_RECV_WAIT, CO_CLOSE, CO_TIME_WAIT, CO_NO_FINAL_ACK,
	CO_WATCH, CO_RTO, CO_RETRIES, CO_TIMEOUT, CO_NO_GUARD, CO_ABSOLUTE,
	CO_LADDER, CO_JSON, CO_SVG, CO_WRITE, CO_IFACE, CO_SOURCE,
	CO_PEER_NETNS, CO_REALTIME,
};

static const struct cli_opt connect_syn_table[] = {
	{ "isn", 0, CO_ISN, "N|random", "our initial sequence number "
	    "(random)", 0, NULL },
	{ "sport", 0, CO_SPORT, "N", "source port, 1-65535 (random)", 0,
	    NULL },
	{ "port", 'p', CO_PORT, "PORT", "target port (or TARGET:PORT)", 0,
	    NULL },
	{ "no-options", 0, CO_NO_OPTIONS, NULL, "a SYN without options", 0,
	    NULL },
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cli_opt connect_talk_table[] = {
	{ "send", 0, CO_SEND, "STR|@FILE", "send these bytes once connected "
	    "(repeatable)", 0, NULL },
	{ "expect-echo", 0, CO_EXPECT_ECHO, NULL, "the target must echo what "
	    "was sent", 0, NULL },
	{ "recv-wait", 0, CO_RECV_WAIT, "T", "receive for this long before "
	    "closing", 0, NULL },
	{ "close", 0, CO_CLOSE, "MODE", "fin, half, wait, rst or none (fin)",
	    0, NULL },
	{ "time-wait", 0, CO_TIME_WAIT, "T", "stay in TIME_WAIT this long",
	    0, NULL },
	{ "no-final-ack", 0, CO_NO_FINAL_ACK, NULL, "never ACK the SYN-ACK",
	    0, NULL },
	{ "watch", 0, CO_WATCH, "T", "with --no-final-ack: watch the "
	    "SYN-ACKs this long", 0, NULL },
	{ "rto", 0, CO_RTO, "T", "initial retransmission timeout (1s)", 0,
	    NULL },
	{ "retries", 0, CO_RETRIES, "N", "retransmissions, 0-20 (3)", 0,
	    NULL },
	{ "timeout", 0, CO_TIMEOUT, "T", "bound on each phase", 0, NULL },
	{ "no-guard", 0, CO_NO_GUARD, NULL, "let the local kernel answer "
	    "with RST", 0, NULL },
	{ "realtime", 0, CO_REALTIME, NULL, "real-time priority where "
	    "allowed, so a busy machine does not delay answers", 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cli_opt connect_out_table[] = {
	{ "absolute", 0, CO_ABSOLUTE, NULL, "absolute sequence numbers", 0,
	    NULL },
	{ "ladder", 0, CO_LADDER, NULL, "a ladder diagram", 0, NULL },
	{ "json", 0, CO_JSON, NULL, "JSON Lines on standard output", 0,
	    NULL },
	{ "svg", 0, CO_SVG, "FILE", "the ladder as an SVG picture", 0, NULL },
	{ "write", 'w', CO_WRITE, "FILE", "write the segments to a pcap file",
	    0, NULL },
	{ "interface", 'I', CO_IFACE, "IFACE", "send from this interface", 0,
	    NULL },
	{ "source", 0, CO_SOURCE, "ADDR", "source address", 0, NULL },
	{ "peer-netns", 0, CO_PEER_NETNS, "NS", "show the target's socket "
	    "states, read in this namespace", 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cli_table connect_tables[] = {
	{ "SYN options", connect_syn_table, 0 },
	{ "Segment options", segopt_table, SEGOPT_SYN },
	{ "Conversation options", connect_talk_table, 0 },
	{ "Output options", connect_out_table, 0 },
	{ NULL, NULL, 0 },
};

static int cmd_connect_exec(int, char **);

const struct cmd_entry cmd_connect_entry = {
	.name = "connect",
	.usage = "connect [--isn N|random] [--sport N] [--win N] [--mss N] "
	    "[--wscale N] [--sackok] [--ts VAL] [--no-options] [--send STR|@FILE] "
	    "[--expect-echo] [--recv-wait T] [--close fin|half|wait|rst|none] "
	    "[--time-wait T] [--no-final-ack --watch T] [--rto T] "
	    "[--retries N] [--timeout T] [--no-guard] [--realtime] "
	    "[--absolute] "
	    "[--ladder|--json] [-w FILE] [--svg FILE] [-I IFACE] [--source ADDR] "
	    "[--peer-netns NS] [-q|-v] TARGET:PORT | -p PORT TARGET",
	.summary = "open a TCP connection from user space, talk, close it "
	    "as asked, show every segment and state",
	.exec = cmd_connect_exec,
};

/* ---- Arguments ---- */

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

/* TARGET[:PORT]; the port from there or -p, one of them. */
static void
parse_target(struct connect_opts *o, const char *s)
{
	struct target t;
	char err[256];
	int rc;

	if ((rc = target_parse(s, &t, err, sizeof err)) < 0)
		fatalx("connect: %s%s", err, rc == TARGET_AMBIGUOUS ?
		    " (or give the port with -p)" : "");
	if (t.port != 0 && o->port != 0)
		fatalx("connect: '%s' names a port and so does -p: give one",
		    s);
	if (t.port == 0 && o->port == 0)
		fatalx("connect: '%s' has no port (give TARGET:PORT, as in "
		    "198.18.0.2:80, or -p PORT)", s);
	o->host = xstrdup(t.host);
	if (t.port != 0)
		o->port = t.port;
}

static void
read_send_file(struct send_chunk *c, const char *path)
{
	int fd = open(path, O_RDONLY);
	size_t cap = 4096;
	ssize_t n;

	if (fd == -1)
		fatal("--send: cannot open %s", path);
	c->data = xmalloc(cap);
	c->len = 0;
	while ((n = read(fd, c->data + c->len, cap - c->len)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fatal("--send: cannot read %s", path);
		}
		c->len += (size_t)n;
		if (c->len > CONNECT_MAX_SEND)
			fatalx("--send: %s is larger than %d bytes", path,
			    CONNECT_MAX_SEND);
		if (c->len == cap)
			c->data = xrealloc(c->data, cap *= 2);
	}
	close(fd);
}

static void
parse_send(struct connect_opts *o, const char *arg)
{
	struct send_chunk *c;
	char *error;

	o->sends = xreallocarray(o->sends, o->nsends + 1, sizeof *o->sends);
	c = &o->sends[o->nsends++];
	if (arg[0] == '@')
		read_send_file(c, arg + 1);
	else if (!serve_unescape(arg, &c->data, &c->len, &error))
		fatalx("--send: %s", error);
	if (c->len == 0)
		fatalx("--send: '%s' gives no bytes", arg);
	o->send_total += c->len;
	if (o->send_total > CONNECT_MAX_SEND)
		fatalx("--send: more than %d bytes in all", CONNECT_MAX_SEND);
}

static void
parse_close(struct connect_opts *o, const char *arg)
{
	size_t i;

	for (i = 0; i < sizeof close_names / sizeof close_names[0]; i++)
		if (strcmp(arg, close_names[i]) == 0) {
			o->close = (enum close_mode)i;
			o->close_given = true;
			return;
		}
	fatalx("--close: '%s' is not a close mode (use fin, half, wait, rst "
	    "or none)", arg);
}

/* The SYN: ISN, port. */
static bool
parse_syn_opt(struct connect_opts *o, int id, const char *arg)
{
	switch (id) {
	case CO_ISN:
		o->isn_fixed = strcmp(arg, "random") != 0;
		if (o->isn_fixed)
			o->fc.iss = (uint32_t)parse_uint(arg, 0, UINT32_MAX,
			    "--isn");
		return true;
	case CO_SPORT:
		o->sport = (uint16_t)parse_uint(arg, 1, 65535, "--sport");
		return true;
	case CO_PORT:
		o->port = (uint16_t)parse_uint(arg, 1, 65535, "-p");
		return true;
	case CO_NO_OPTIONS:
		o->no_options = true;
		return true;
	}
	return false;
}

/* The shared segment options a SYN takes, into the flow's config. */
static void
connect_take_segopts(struct connect_opts *o, const struct segopts *so)
{
	struct flow_config *fc = &o->fc;
	const struct tcp_option *t;
	size_t i;

	o->win = so->win;
	o->win_given = so->win_given;
	o->opts_given = so->opts_given;
	for (i = 0; i < so->seg.nopts; i++) {
		t = &so->seg.opts[i];
		if (t->kind == OPT_MSS)
			fc->mss = t->u.mss;
		else if (t->kind == OPT_WSCALE)
			fc->wscale = t->u.wscale;
		else if (t->kind == OPT_SACKOK)
			fc->sackok = true;
		else if (t->kind == OPT_TS) {
			if (t->u.ts.ecr != 0)
				fatalx("connect: --ts %" PRIu32 ":%" PRIu32
				    ": a SYN echoes no timestamp; give --ts "
				    "%" PRIu32, t->u.ts.val, t->u.ts.ecr,
				    t->u.ts.val);
			fc->ts = true;
			o->ts_fixed = true;
			o->ts_val = t->u.ts.val;
		}
	}
}

/* What happens after the handshake, and its timing. */
static bool
parse_talk_opt(struct connect_opts *o, int ch, const char *arg)
{
	switch (ch) {
	case CO_SEND:
		parse_send(o, arg);
		return true;
	case CO_EXPECT_ECHO:
		o->expect_echo = true;
		return true;
	case CO_RECV_WAIT:
		o->recv_wait_ns = parse_duration(arg, "--recv-wait");
		return true;
	case CO_CLOSE:
		parse_close(o, arg);
		return true;
	case CO_TIME_WAIT:
		o->fc.time_wait_ns = parse_duration(arg, "--time-wait");
		return true;
	case CO_NO_FINAL_ACK:
		o->fc.no_final_ack = true;
		return true;
	case CO_WATCH:
		o->watch_ns = parse_duration(arg, "--watch");
		return true;
	case CO_RTO:
		o->fc.rto_ns = parse_duration(arg, "--rto");
		if (o->fc.rto_ns < 1000000)
			fatalx("--rto: '%s' is below 1 ms", arg);
		return true;
	case CO_RETRIES:
		o->fc.retries = (int)parse_uint(arg, 0, 20, "--retries");
		return true;
	case CO_TIMEOUT:
		o->timeout_ns = parse_duration(arg, "--timeout");
		if (o->timeout_ns == 0)
			fatalx("--timeout: give a duration above 0");
		return true;
	}
	return false;
}

static bool
parse_out_opt(struct connect_opts *o, int ch, const char *arg)
{
	switch (ch) {
	case CO_NO_GUARD: o->no_guard = true; return true;
	case CO_REALTIME: o->realtime = true; return true;
	case CO_ABSOLUTE: o->absolute = true; return true;
	case CO_LADDER: o->ladder = true; return true;
	case CO_JSON: o->json = true; return true;
	case CO_WRITE: o->wfile = arg; return true;
	case CO_SVG: o->svgfile = arg; return true;
	case CO_IFACE: o->iface = arg; return true;
	case CO_SOURCE: o->source = arg; return true;
	case CO_PEER_NETNS: o->peer_netns = arg; return true;
	}
	return false;
}

/* Combinations that cannot mean anything. */
static void
connect_check(struct connect_opts *o)
{
	struct flow_config *fc = &o->fc;

	if (o->no_options && o->opts_given)
		fatalx("connect: --no-options and --mss/--wscale/--sackok/--ts "
		    "contradict each other");
	if (o->no_options) {
		fc->mss = 0;
		fc->wscale = -1;
	}
	if (o->win_given) {
		if (o->win > 65535 && fc->wscale <= 0)
			fatalx("--win: %" PRIu32 " needs --wscale (the window "
			    "field holds 65535 at most)", o->win);
		fc->rcv_wnd = o->win;
	}
	if (o->ladder && o->json)
		fatalx("connect: --ladder and --json both write to standard "
		    "output: choose one (add -w FILE for a pcap)");
	if (o->expect_echo && o->nsends == 0)
		fatalx("connect: --expect-echo needs --send");
	if (o->watch_ns > 0 && !fc->no_final_ack)
		fatalx("connect: --watch goes with --no-final-ack");
	if (fc->no_final_ack && (o->nsends > 0 || o->recv_wait_ns > 0 ||
	    o->close_given || fc->time_wait_ns > 0))
		fatalx("connect: --no-final-ack never completes the handshake: "
		    "--send, --recv-wait, --close and --time-wait do not "
		    "apply");
	if (fc->time_wait_ns > 0 && o->close != CLOSE_FIN &&
	    o->close != CLOSE_HALF)
		fatalx("connect: --time-wait needs --close fin or half (only "
		    "an active close reaches TIME_WAIT)");
}

static void
connect_parse(struct connect_opts *o, int argc, char **argv)
{
	struct segopts so;
	struct cli c;
	const char *target;
	int id;

	memset(o, 0, sizeof *o);
	flow_config_init(&o->fc);
	segopts_init(&so);
	o->close = CLOSE_FIN;
	cli_begin(&c, &cmd_connect_entry, connect_tables, false, argc, argv);
	while ((id = cli_next(&c)) != -1)
		if (!segopts_apply(&so, id, c.arg) &&
		    !parse_syn_opt(o, id, c.arg) &&
		    !parse_talk_opt(o, id, c.arg))
			parse_out_opt(o, id, c.arg);
	target = cli_one_operand(&c, "no target (give TARGET:PORT, as in "
	    "198.18.0.2:80)");
	cli_end(&c);
	o->quiet = gopts.quiet;
	o->verbose = gopts.verbose;
	connect_take_segopts(o, &so);
	segment_clear(&so.seg);
	parse_target(o, target);
	connect_check(o);
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

static void
peer_event(struct connect_run *r)
{
	const struct flow *f = ep_flow_tcb(r->fl);
	int st;

	if (r->peer == NULL || r->s == NULL || !peer_changed(r->peer,
	    &r->rt.dst, f->cfg.rport, &r->rt.src, f->cfg.lport, &st))
		return;
	/* No socket before our SYN reached it is no change to show. */
	if (st == PEER_CLOSED && !r->peer_shown)
		return;
	r->peer_shown = true;
	r->peer_due = false;
	session_state(r->s, DIR_FROM_TARGET, peer_state_name(st), false);
}

/* --peer-netns: the target's socket state is read before each segment we
 * send (the target has handled what we sent before it), when one of the
 * target's arrives (the state it sent it in), once the endpoint is idle
 * after showing a segment (our last one's effect), and at the end; a
 * change is queued with the endpoint's events, after the segment that
 * caused it, whatever the capture's lag in showing them. */
static void
connect_before_send(void *arg)
{
	struct connect_run *r = arg;

	/* Before our first SYN there is nothing of ours to have changed. */
	if (r->peer_armed)
		peer_event(r);
	r->peer_armed = true;
}

static void
connect_before_recv(void *arg)
{
	peer_event(arg);
}

/* Every event of the endpoint: to the files, to stdout unless -q. */
static void
connect_emit(void *arg, const struct event *ev)
{
	struct connect_run *r = arg;

	if (ev->type == EV_SEGMENT && ev->seg != NULL) {
		r->peer_due = r->peer != NULL;
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
	if (!r->o->quiet)
		sinks_emit(r->out, ev);
	sinks_emit(r->files, ev);
}

static void
connect_open_sinks(struct connect_run *r)
{
	struct connect_opts *o = r->o;
	char err[256];
	void *ctx;
	int flags = 0;

	if (o->verbose > 0)
		flags |= REPORT_IP;
	if (o->verbose > 1)
		flags |= REPORT_HEX;
	status_setup(!o->json && !o->quiet);
	if (status_enabled())
		sinks_add(&r->out, &status_sink_ops, NULL);
	if (o->json)
		sinks_add(&r->out, &report_json_ops, report_json_new(stdout));
	else if (o->ladder)
		sinks_add(&r->out, &report_ladder_ops,
		    report_ladder_new(stdout, flags));
	else
		sinks_add(&r->out, &report_text_ops,
		    report_text_new(stdout, flags));
	if (o->wfile != NULL) {
		if ((ctx = report_pcap_new(o->wfile, err, sizeof err)) == NULL)
			fatalx("%s", err);
		sinks_add(&r->files, &report_pcap_ops, ctx);
	}
	if (o->svgfile != NULL) {
		if ((r->svg = fopen(o->svgfile, "w")) == NULL)
			fatal("cannot write '%s'", o->svgfile);
		sinks_add(&r->files, &report_ladder_ops,
		    report_ladder_svg_new(r->svg, flags & REPORT_IP));
	}
}

/* ---- The run ---- */

static const char *
signal_name(int sig)
{
	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	}
	return "a signal";
}

static void
connect_on_signal(int sig)
{
	connect_stop = sig;
}

static void
connect_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = connect_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void
connect_route(struct connect_run *r)
{
	struct connect_opts *o = r->o;
	char err[256];

	if (target_resolve(o->host, &r->rt.dst, &r->rt.scope, err,
	    sizeof err) == -1)
		fatalx("connect: %s", err);
	snprintf(r->rt.canon, sizeof r->rt.canon, "%s", o->host);
	if (route_lookup(&r->rt, o->iface, o->source, err, sizeof err) == -1)
		fatalx("%s", err);
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
	sc.before_send = connect_before_send;
	sc.before_recv = connect_before_recv;
	sc.emit_arg = r;
	memset(&ec, 0, sizeof ec);
	ec.absolute = o->absolute;
	ec.state_causes = o->verbose > 0;
	if (o->peer_netns != NULL &&
	    (r->peer = peer_open(o->peer_netns, err, sizeof err)) == NULL)
		fatalx("--peer-netns: %s", err);
	if ((r->s = session_open(&sc, err, sizeof err)) == NULL)
		fatalx("%s", err);
	r->ep = endpoint_new(r->s, &ec);
	if ((r->fl = endpoint_add_flow(r->ep, &o->fc, err, sizeof err)) ==
	    NULL)
		fatalx("%s", err);
}

static bool
connect_done(void *arg)
{
	struct connect_run *r = arg;
	const struct flow *f = ep_flow_tcb(r->fl);
	size_t got;

	if (r->peer_due)
		peer_event(r);
	if (f->state == FLOW_TIME_WAIT && !r->tw_status) {
		r->tw_status = true;
		status_begin("TIME_WAIT", r->o->fc.time_wait_ns);
	}
	if (f->state == FLOW_CLOSED)
		return true;
	switch (r->phase) {
	case PH_HANDSHAKE:
		return f->state != FLOW_SYN_SENT;
	case PH_ACKED:
		return f->bytes_acked >= r->o->send_total;
	case PH_ECHO:
		ep_flow_received(r->fl, &got);
		return got >= r->o->send_total;
	case PH_RECV:
		return false;
	case PH_PEER_FIN:
		return f->state == FLOW_CLOSE_WAIT;
	case PH_CLOSED:
		return false;
	}
	return true;
}

static void
fail_why(struct connect_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail_why(struct connect_run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->failed != NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof r->why, fmt, ap);
	va_end(ap);
	r->failed = r->why;
}

/* Run one phase to its end. False when the conversation cannot go on. */
static bool
run_phase(struct connect_run *r, enum phase ph, int64_t len,
    const char *what)
{
	const struct flow *f = ep_flow_tcb(r->fl);
	char err[256];
	enum session_status st;

	r->phase = ph;
	status_begin(what, len);
	st = session_run(r->s, session_now(r->s) + len, connect_done, r,
	    err, sizeof err);
	status_end();
	if (st == SESSION_ERROR)
		fatalx("%s", err);
	if (st == SESSION_STOPPED) {
		fail_why(r, "interrupted by %s", signal_name(connect_stop));
		return false;
	}
	if (f->state == FLOW_CLOSED && ph != PH_CLOSED) {
		fail_why(r, "%s", flow_end_name(f->end));
		return false;
	}
	if (st == SESSION_DEADLINE && ph != PH_RECV && ph != PH_CLOSED) {
		fail_why(r, "%s: nothing within %.3f s", what,
		    (double)len / 1e9);
		return false;
	}
	return true;
}

static void
user_call_check(struct connect_run *r, int rc, const char *err)
{
	if (rc == -1)
		fatalx("%s", err);
	if (rc == 1)
		fail_why(r, "the flow refused the call (see the note above)");
}

static bool
echo_matches(struct connect_run *r)
{
	const uint8_t *got;
	size_t len, i, off = 0;

	got = ep_flow_received(r->fl, &len);
	if (len < r->o->send_total) {
		fail_why(r, "data not echoed: %zu of %zu bytes came back", len,
		    r->o->send_total);
		return false;
	}
	for (i = 0; i < r->o->nsends; i++) {
		if (memcmp(got + off, r->o->sends[i].data,
		    r->o->sends[i].len) != 0) {
			fail_why(r, "data not echoed: the bytes that came back "
			    "differ from those sent");
			return false;
		}
		off += r->o->sends[i].len;
	}
	return true;
}

/* --send, in order, acknowledged (and echoed with --expect-echo). */
static bool
connect_talk(struct connect_run *r)
{
	struct connect_opts *o = r->o;
	int64_t tmo = phase_timeout(o);
	char err[256];
	size_t i;
	int rc;

	for (i = 0; i < o->nsends; i++) {
		rc = endpoint_send(r->ep, r->fl, o->sends[i].data,
		    o->sends[i].len, err, sizeof err);
		user_call_check(r, rc, err);
	}
	if (r->failed != NULL)
		return false;
	if (o->nsends > 0 && !run_phase(r, PH_ACKED, tmo,
	    "waiting for our data to be acknowledged"))
		return false;
	if (o->expect_echo && (!run_phase(r, PH_ECHO, tmo,
	    "waiting for the echo") || !echo_matches(r)))
		return false;
	if (o->recv_wait_ns > 0 && !run_phase(r, PH_RECV, o->recv_wait_ns,
	    "receiving"))
		return false;
	return true;
}

/* With --close half the target may keep sending after our FIN: the bound
 * counts from the last byte received. */
static bool
wait_closed(struct connect_run *r, int64_t tmo, const char *what)
{
	const struct flow *f = ep_flow_tcb(r->fl);
	size_t before, after;

	for (;;) {
		ep_flow_received(r->fl, &before);
		run_phase(r, PH_CLOSED, tmo, what);
		ep_flow_received(r->fl, &after);
		if (f->state == FLOW_CLOSED || r->failed != NULL ||
		    r->o->close != CLOSE_HALF || after == before)
			break;
	}
	if (f->state == FLOW_CLOSED && f->end == FLOW_END_CLOSED)
		return true;
	if (f->state == FLOW_CLOSED)
		fail_why(r, "%s", flow_end_name(f->end));
	else
		fail_why(r, "%s: still %s after %.3f s", what,
		    flow_state_name(f->state), (double)tmo / 1e9);
	return false;
}

static void
connect_close(struct connect_run *r)
{
	struct connect_opts *o = r->o;
	int64_t tmo = phase_timeout(o);
	char err[256];

	switch (o->close) {
	case CLOSE_NONE:
		return;
	case CLOSE_RST:
		user_call_check(r, endpoint_abort(r->ep, r->fl, err,
		    sizeof err), err);
		return;
	case CLOSE_WAIT:
		if (!run_phase(r, PH_PEER_FIN, tmo,
		    "waiting for the target's FIN"))
			return;
		break;
	case CLOSE_FIN:
	case CLOSE_HALF:
		break;
	}
	user_call_check(r, endpoint_shutdown(r->ep, r->fl, err, sizeof err),
	    err);
	if (r->failed == NULL)
		wait_closed(r, tmo + o->fc.time_wait_ns,
		    o->close == CLOSE_WAIT ? "waiting for the ACK of our FIN" :
		    "waiting for the target's FIN");
}

static void
connect_watch(struct connect_run *r)
{
	int64_t len = r->o->watch_ns > 0 ? r->o->watch_ns :
	    phase_timeout(r->o);
	char err[256];

	r->phase = PH_RECV;
	status_begin("watching the target's SYN-ACKs", len);
	if (session_run(r->s, session_now(r->s) + len, connect_done, r,
	    err, sizeof err) == SESSION_ERROR)
		fatalx("%s", err);
	status_end();
	if (connect_stop)
		fail_why(r, "interrupted by %s", signal_name(connect_stop));
	if (r->nsynack == 0)
		fail_why(r, "no SYN-ACK within %.3f s (%s)", (double)len / 1e9,
		    flow_end_name(ep_flow_tcb(r->fl)->end));
	/* The target keeps its half-open socket until it gives up too. */
	endpoint_shutdown(r->ep, r->fl, err, sizeof err);
}

static void
connect_converse(struct connect_run *r)
{
	const struct flow *f = ep_flow_tcb(r->fl);
	char err[256];

	user_call_check(r, endpoint_connect(r->ep, r->fl, err, sizeof err),
	    err);
	if (r->o->fc.no_final_ack) {
		connect_watch(r);
		return;
	}
	if (run_phase(r, PH_HANDSHAKE, phase_timeout(r->o),
	    "waiting for the SYN-ACK") && connect_talk(r))
		connect_close(r);
	/* Interrupted or failed with the target holding state: reset it
	 * rather than leave it a connection nobody will close. */
	if (r->failed != NULL && f->state != FLOW_CLOSED &&
	    f->state != FLOW_SYN_SENT && f->state != FLOW_TIME_WAIT)
		endpoint_abort(r->ep, r->fl, err, sizeof err);
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
	if (r->failed != NULL)
		fprintf(f, "\n--- not as asked: %s", r->failed);
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
	ev.verdict = r->failed == NULL ? VERDICT_OK : VERDICT_FAIL;
	ev.text = text;
	ev.t_ns = session_now(r->s);
	ev.counts = counts;
	ev.ncounts = n;
	sinks_emit(r->out, &ev);
	sinks_emit(r->files, &ev);
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
	sinks_close(&r->out);
	sinks_close(&r->files);
	if (r->svg != NULL && fclose(r->svg) != 0)
		warnx_("cannot write '%s'", r->o->svgfile);
	r->svg = NULL;
	for (i = 0; i < r->o->nsends; i++)
		free(r->o->sends[i].data);
	free(r->o->sends);
	free(r->o->host);
}

static int
cmd_connect_exec(int argc, char **argv)
{
	struct connect_opts o;
	struct connect_run r;
	char dst[80], src[80], rterr[160];
	int rc;

	connect_parse(&o, argc, argv);
	/* A conversation is watched as it happens, through pipes too. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&r, 0, sizeof r);
	r.o = &o;
	connect_route(&r);
	/* Ours before the guard's: then it leaves them to us, and the run
	 * ends through session_close(), which removes the guard. */
	connect_signals();
	connect_open_sinks(&r);
	connect_open(&r);
	if (o.realtime && realtime_enable(rterr, sizeof rterr) == -1)
		session_note(r.s, "--realtime: %s; running at normal "
		    "priority", rterr);
	session_note(r.s, "connecting to %s from %s on %s%s",
	    fmt_endpoint(&r.rt.dst, o.port, dst, sizeof dst),
	    fmt_endpoint(&r.rt.src, o.sport, src, sizeof src),
	    r.rt.ifname, o.no_guard ? " (no guard: the local kernel may "
	    "answer with RST)" : "");
	connect_converse(&r);
	/* Whatever went out last is shown before the summary, and where
	 * the target's socket ended up. */
	session_settle(r.s);
	peer_event(&r);
	connect_summary(&r);
	rc = r.failed == NULL ? 0 : 1;
	connect_free(&r);
	return rc;
}
