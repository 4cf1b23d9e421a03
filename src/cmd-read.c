/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-read.c: `tcpshake read FILE.pcap`, a capture file printed as packet
 * lines (or explained, or as JSON Lines, or its first conversation as a
 * ladder), seq/ack relative per flow. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "event.h"
#include "read-ladder.h"
#include "read-shake.h"
#include "read.h"
#include "report.h"
#include "script.h"
#include "tcpshake.h"
#include "xmalloc.h"

/* Parsed options (the only globals a front end keeps). */
struct read_opts {
	int		 text_flags;
	bool		 json;
	bool		 absolute;
	bool		 ladder;	/* --ladder */
	const char	*filter;
	const char	*shake;		/* --shake HOST:PORT */
	const char	*path;
};

/* Every event of the file: to the sinks unless -q. */
static void
read_emit(void *arg, const struct event *ev)
{
	if (!gopts.quiet)
		sinks_emit(arg, ev);
}

/* The summary, -q or not. */
static void
read_emit_all(void *arg, const struct event *ev)
{
	sinks_emit(arg, ev);
}

enum { RDO_EXPLAIN = 1, RDO_HEX, RDO_JSON, RDO_ABSOLUTE, RDO_FILTER,
    RDO_SHAKE, RDO_LADDER };

static const struct cli_opt read_table[] = {
	{ "explain", 'e', RDO_EXPLAIN, NULL, "each header field in words", 0,
	    NULL },
	{ "hex", 'x', RDO_HEX, NULL, "each packet in hex", 0, NULL },
	{ "json", 0, RDO_JSON, NULL, "JSON Lines instead of text", 0, NULL },
	{ "ladder", 0, RDO_LADDER, NULL, "the first conversation as a ladder "
	    "diagram, both ends' states inferred from its segments", 0,
	    NULL },
	{ "absolute", 0, RDO_ABSOLUTE, NULL, "absolute sequence numbers", 0,
	    NULL },
	{ "filter", 'f', RDO_FILTER, "BPF", "read only the packets a "
	    "pcap-filter(7) expression takes", 0, NULL },
	{ "shake", 0, RDO_SHAKE, "HOST:PORT", "the conversation with one "
	    "endpoint as a scenario", 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cli_table read_tables[] = {
	{ "Read options", read_table, 0 },
	{ NULL, NULL, 0 },
};

static void
read_option(struct read_opts *o, int id, const char *arg)
{
	switch (id) {
	case RDO_EXPLAIN: o->text_flags |= REPORT_EXPLAIN; break;
	case RDO_HEX: o->text_flags |= REPORT_HEX; break;
	case RDO_JSON: o->json = true; break;
	case RDO_LADDER: o->ladder = true; break;
	case RDO_ABSOLUTE: o->absolute = true; break;
	case RDO_FILTER: o->filter = arg; break;
	case RDO_SHAKE: o->shake = arg; break;
	}
}

static void
read_parse(int argc, char **argv, struct read_opts *o)
{
	struct cli c;
	int id, ind;

	memset(o, 0, sizeof *o);
	cli_begin(&c, &cmd_read_entry, read_tables, false, argc, argv);
	while ((id = cli_next(&c)) != -1)
		read_option(o, id, c.arg);
	ind = cli_optind(&c);
	cli_end(&c);
	if (gopts.verbose > 0)
		o->text_flags |= REPORT_IP;
	if (ind == argc)
		cli_usage_error(&cmd_read_entry, "no capture file (give "
		    "FILE.pcap, or - for standard input)");
	if (argc - ind > 1)
		cli_usage_error(&cmd_read_entry, "one capture file at a time "
		    "('%s' is one too many)", argv[ind + 1]);
	o->path = argv[ind];
	if (o->shake != NULL && (o->json || o->absolute ||
	    (o->text_flags & (REPORT_EXPLAIN | REPORT_HEX))))
		fatalx("read: --shake prints a scenario; leave out --json, "
		    "--absolute, -e and -x");
	if (o->ladder && (o->json || o->shake != NULL ||
	    (o->text_flags & (REPORT_EXPLAIN | REPORT_HEX))))
		fatalx("read: --ladder draws a diagram; leave out --json, "
		    "--shake, -e and -x");
}

/* --shake's HOST:PORT: an address, as the capture has no names. */
static struct shake *
read_shake_new(const struct read_opts *o)
{
	struct ipaddr a;
	char *host, why[160];
	uint16_t port;

	if (!script_target_parse(o->shake, &host, &port, why, sizeof why))
		fatalx("read: --shake '%s': %s", o->shake, why);
	if (!ipaddr_parse(host, &a))
		fatalx("read: --shake '%s': give the target's address, as "
		    "198.18.0.2:80 or [2001:db8::2]:80", o->shake);
	free(host);
	return shake_new(strcmp(o->path, "-") == 0 ? "standard input" :
	    o->path, &a, port);
}

/* The scenario, once every packet was read. No segment of the target is
 * most likely a wrong address or port: say so, rather than print a
 * scenario without steps. */
static void
read_shake_finish(const struct read_opts *o, struct shake *sh)
{
	if (shake_count(sh) == 0)
		fatalx("read: no TCP segment in '%s' is to or from %s",
		    o->path, o->shake);
	shake_write(sh, stdout);
	shake_free(sh);
}

static int
read_exec(int argc, char **argv)
{
	struct read_opts o;
	struct read_config rc;
	struct read_counts counts;
	struct read_file *rf;
	struct sink *sinks = NULL;
	struct read_ladder *lad = NULL;
	enum read_status st;
	char err[512];

	read_parse(argc, argv, &o);
	if ((rf = read_open(o.path, o.filter, err, sizeof err)) == NULL)
		fatalx("%s", err);
	memset(&rc, 0, sizeof rc);
	rc.absolute = o.absolute;
	if (o.shake != NULL)
		rc.shake = read_shake_new(&o);
	else if (o.json)
		sinks_add(&sinks, &report_json_ops, report_json_new(stdout));
	else if (o.ladder)
		sinks_add(&sinks, &report_ladder_ops,
		    report_ladder_new(stdout, 0));
	else
		sinks_add(&sinks, &report_text_ops,
		    report_text_new(stdout, o.text_flags));
	rc.emit = read_emit;
	rc.emit_arg = sinks;
	if (o.ladder) {
		lad = read_ladder_new(read_emit, sinks);
		rc.directions = true;
		rc.emit = read_ladder_emit;
		rc.emit_arg = lad;
	}
	st = read_capture(rf, &rc, &counts, err, sizeof err);
	read_close(rf);
	/* A file cut short is no conversation to replay. */
	if (st == READ_CANNOT || (st == READ_CUT && rc.shake != NULL))
		fatalx("%s", err);
	if (rc.shake != NULL)
		read_shake_finish(&o, rc.shake);
	else {
		if (lad != NULL)
			read_ladder_finish(lad);
		read_summary(&counts, read_emit_all, sinks);
	}
	read_ladder_free(lad);
	sinks_close(&sinks);
	/* A file cut short keeps what was printed, and says where it ends. */
	if (st == READ_CUT)
		fatalx("%s", err);
	return 0;
}

const struct cmd_entry cmd_read_entry = {
	.name = "read",
	.usage = "read [-e] [-x] [-q|-v] [--json|--ladder] [--absolute] "
	    "[--filter BPF] [--shake HOST:PORT] FILE.pcap",
	.summary = "print the TCP segments of a capture file as packet lines",
	.exec = read_exec,
};
