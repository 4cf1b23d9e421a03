/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-connect.c: `tcpshake connect TARGET:PORT`: a whole TCP conversation
 * from user space (handshake, data, the close asked for), all of it shown. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "connect-plan.h"
#include "report.h"
#include "segopt.h"
#include "serve.h"
#include "target.h"
#include "tcpshake.h"
#include "xmalloc.h"

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
	{ "Privileges", privdrop_table, 0 },
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
	    "[--peer-netns NS] [--user NAME|--no-drop] [-q|-v] "
	    "TARGET:PORT | -p PORT TARGET",
	.summary = "open a TCP connection from user space, talk, close it "
	    "as asked, show every segment and state",
	.exec = cmd_connect_exec,
};

/* ---- Arguments ---- */

/* TARGET[:PORT]; the port from there or -p, one of them. */
static void
parse_target(struct connect_opts *o, const char *s)
{
	struct target t;

	cli_target("connect", s, o->port != 0, &t);
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

	for (i = 0; i < CLOSE_NMODES; i++)
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

/* --ladder or --json: standard output's one format. */
static void
connect_format(struct connect_opts *o, enum output_format f)
{
	if (o->out.format != OUTPUT_TEXT && o->out.format != f)
		o->formats_clash = true;
	o->out.format = f;
}

static bool
parse_out_opt(struct connect_opts *o, int ch, const char *arg)
{
	switch (ch) {
	case CO_NO_GUARD: o->no_guard = true; return true;
	case CO_REALTIME: o->realtime = true; return true;
	case CO_ABSOLUTE: o->absolute = true; return true;
	case CO_LADDER: connect_format(o, OUTPUT_LADDER); return true;
	case CO_JSON: connect_format(o, OUTPUT_JSON); return true;
	case CO_WRITE: o->out.pcap = arg; return true;
	case CO_SVG: o->out.svg = arg; return true;
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
	if (o->formats_clash)
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
		    !parse_talk_opt(o, id, c.arg) &&
		    !privdrop_option(&o->drop, id, c.arg))
			parse_out_opt(o, id, c.arg);
	target = cli_one_operand(&c, "no target (give TARGET:PORT, as in "
	    "198.18.0.2:80)");
	cli_end(&c);
	o->verbose = gopts.verbose;
	o->out.quiet = gopts.quiet;
	o->out.status = true;
	if (o->verbose > 0)
		o->out.flags |= REPORT_IP;
	if (o->verbose > 1)
		o->out.flags |= REPORT_HEX;
	connect_take_segopts(o, &so);
	segment_clear(&so.seg);
	parse_target(o, target);
	connect_check(o);
}

static int
cmd_connect_exec(int argc, char **argv)
{
	struct connect_opts o;

	connect_parse(&o, argc, argv);
	/* A conversation is watched as it happens, through pipes too. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	return connect_plan_run(&o);
}
