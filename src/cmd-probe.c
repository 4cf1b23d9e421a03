/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-probe.c: `tcpshake probe TARGET`: crafted segments to one target's
 * ports, each reply matched to its probe, RTT from kernel capture stamps. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "privdrop.h"
#include "probe-plan.h"
#include "report.h"
#include "segment.h"
#include "segopt.h"
#include "srcrange.h"
#include "target.h"
#include "tcpshake.h"
#include "xmalloc.h"

#define PROBE_DEFAULT_PORT	80
#define PROBE_DEFAULT_WIN	65535

enum {
	PO_PORT = 1, PO_SPORT, PO_COUNT, PO_INTERVAL, PO_RATE, PO_TIMEOUT,
	PO_JSON, PO_WRITE, PO_IFACE, PO_SOURCE, PO_SOURCE_RANGE,
};

static const struct cli_opt probe_opts_table[] = {
	{ "port", 'p', PO_PORT, "PORTS",
	    "target ports: 80, 20-25,443 (80; or TARGET:PORT)", 0, NULL },
	{ "sport", 0, PO_SPORT, "N", "source port, 1-65535 (random)", 0,
	    NULL },
	{ "count", 'c', PO_COUNT, "N", "rounds over the ports (1)", 0, NULL },
	{ "interval", 'i', PO_INTERVAL, "T",
	    "time between probes (10ms; 0: full rate)", 0, NULL },
	{ "rate", 0, PO_RATE, "N", "probes a second (0: full rate)", 0,
	    NULL },
	{ "timeout", 0, PO_TIMEOUT, "T", "wait for replies after the last "
	    "probe (1s)", 0, NULL },
	{ "json", 0, PO_JSON, NULL, "JSON Lines on standard output", 0,
	    NULL },
	{ "write", 'w', PO_WRITE, "FILE", "write the segments to a pcap file",
	    0, NULL },
	{ "interface", 'I', PO_IFACE, "IFACE", "send from this interface", 0,
	    NULL },
	{ "source", 0, PO_SOURCE, "ADDR", "source address", 0, NULL },
	{ "source-range", 0, PO_SOURCE_RANGE, "PREFIX", "forge each probe's "
	    "source at random from PREFIX, inside 198.18.0.0/15 or "
	    "2001:db8::/32 (a SYN flood)", 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cli_table probe_tables[] = {
	{ "Segment options", segopt_table, SEGOPT_ANY },
	{ "Probe options", probe_opts_table, 0 },
	{ "Privileges", privdrop_table, 0 },
	{ NULL, NULL, 0 },
};

static int cmd_probe_exec(int, char **);

const struct cmd_entry cmd_probe_entry = {
	.name = "probe",
	.usage = "probe [segment options] [-p PORTS] [-c N] "
	    "[-i T | --rate N] [--timeout T] [-q|-v] [--json] [-w FILE] "
	    "[-I IFACE] [--source ADDR] [--source-range PREFIX] "
	    "[--user NAME|--no-drop] TARGET[:PORT]",
	.summary = "send crafted segments to a host, match its replies, "
	    "time them",
	.exec = cmd_probe_exec,
};

/* Pacing, output and where from. */
static void
parse_run_opt(struct probe_opts *o, int id, const char *arg)
{
	uint64_t rate;
	char err[256];

	switch (id) {
	case PO_PORT:
		free(o->ports);
		o->ports = target_ports(arg, &o->nports, "-p");
		break;
	case PO_SPORT:
		o->sport = (uint16_t)parse_uint(arg, 1, 65535, "--sport");
		break;
	case PO_COUNT:
		o->count = parse_uint(arg, 1, PROBE_MAX_TOTAL, "-c");
		break;
	case PO_INTERVAL:
		o->interval_ns = parse_duration(arg, "-i");
		break;
	case PO_RATE:
		rate = parse_uint(arg, 0, 100000000, "--rate");
		o->interval_ns = rate == 0 ? 0 : (int64_t)(1000000000 / rate);
		break;
	case PO_TIMEOUT:
		o->timeout_ns = parse_duration(arg, "--timeout");
		break;
	case PO_JSON: o->out.format = OUTPUT_JSON; break;
	case PO_WRITE: o->out.pcap = arg; break;
	case PO_IFACE: o->iface = arg; break;
	case PO_SOURCE: o->source = arg; break;
	case PO_SOURCE_RANGE:
		if (!srcrange_parse(arg, &o->range, err, sizeof err))
			fatalx("probe: %s", err);
		o->forged = true;
		break;
	}
}

/* The segment options into the template. */
static void
probe_take_segopts(struct probe_opts *o, struct segopts *so)
{
	if (so->win_given && so->win > 65535)
		fatalx("probe: --win %" PRIu32 ": a probe's window field "
		    "holds 65535 at most (it is sent unscaled)", so->win);
	o->tmpl = so->seg;
	o->tmpl.win = so->win_given ? (uint16_t)so->win : PROBE_DEFAULT_WIN;
	if (!so->flags_given)
		o->tmpl.flags = TH_SYN_;
	o->seq_fixed = so->seq_given;
	o->ack_fixed = so->ack_given;
}

static void
probe_target(struct probe_opts *o, const char *arg)
{
	struct target t;

	cli_target("probe", arg, o->ports != NULL, &t);
	o->target = xstrdup(t.host);
	if (t.port != 0) {
		o->ports = xmalloc(sizeof *o->ports);
		o->ports[0] = t.port;
		o->nports = 1;
	}
}

static void
probe_parse(struct probe_opts *o, int argc, char **argv)
{
	struct segopts so;
	struct cli c;
	const char *target;
	int id;

	memset(o, 0, sizeof *o);
	segopts_init(&so);
	o->count = 1;
	o->interval_ns = 10 * 1000000;
	o->timeout_ns = 1000000000;
	cli_begin(&c, &cmd_probe_entry, probe_tables, false, argc, argv);
	while ((id = cli_next(&c)) != -1)
		if (!segopts_apply(&so, id, c.arg) &&
		    !privdrop_option(&o->drop, id, c.arg))
			parse_run_opt(o, id, c.arg);
	o->out.quiet = gopts.quiet;
	if (gopts.verbose > 0)
		o->out.flags = REPORT_HEX | REPORT_IP;
	target = cli_one_operand(&c, "no target (give an address or a host "
	    "name)");
	cli_end(&c);
	probe_take_segopts(o, &so);
	probe_target(o, target);
	if (o->ports == NULL) {
		o->ports = xmalloc(sizeof *o->ports);
		o->ports[o->nports++] = PROBE_DEFAULT_PORT;
	}
	if (o->count * o->nports > PROBE_MAX_TOTAL)
		fatalx("probe: %" PRIu64 " probes is more than one run sends "
		    "(%d); lower -c or the port count", o->count * o->nports,
		    PROBE_MAX_TOTAL);
}

static int
cmd_probe_exec(int argc, char **argv)
{
	struct probe_opts o;

	probe_parse(&o, argc, argv);
	return probe_plan_run(&o);
}
