/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-run.c: `tcpshake run FILE.shake...`: scenario files parsed (--check,
 * --print) or run against their target by the engine (engine.h). */
#include "config.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmdrun.h"
#include "engine.h"
#include "lab.h"
#include "obs-state.h"
#include "output.h"
#include "peer.h"
#include "realtime.h"
#include "privdrop.h"
#include "run-lab.h"
#include "run-lines.h"
#include "run-report.h"
#include "script.h"
#include "tcpshake.h"
#include "xmalloc.h"

/* Parsed options (the only globals a front end keeps). */
struct run_opts {
	bool		 check;		/* parse only, report errors */
	bool		 print;		/* parse only, print canonical form */
	struct script_def *defs;	/* -D NAME=value, in order */
	size_t		 ndefs;
	const char	*target;	/* --target HOST:PORT */
	char		**files;
	int		 nfiles;
	/* Running the files (neither --check nor --print). */
	bool		 keep_going;
	bool		 no_guard;
	bool		 absolute;	/* --absolute: the wire's numbers */
	struct output_opts out;		/* what the sinks are */
	const char	*ifname;	/* -I IFACE */
	bool		 realtime;	/* --realtime: SCHED_FIFO if allowed */
	const char	*peer_netns;	/* --peer-netns NS: target's states */
	const char	*commands_as;	/* --commands-as root|user, or NULL */
	struct privdrop_opts drop;	/* --user, --no-drop */
	bool		 lab;		/* --lab: each file in its own lab */
	const char	*lab_name;	/* --lab=NAME: in that lab, up */
	char		**argv;		/* as given, for --lab's runs */
	int		 text_fd;	/* --text-fd: the one file's text */
	int64_t		 tolerance_usecs;	/* -1: the file's */
	double		 tolerance_percent;	/* -1: the file's */
	struct run_lines lines;		/* --ip_version, --mtu, ..., -O:
					 * option lines over the files' */
};

/* A number from 0 to max for option `name`, or the program ends. */
static double
run_number(const char *arg, const char *name, double max)
{
	char *end;
	double v;

	v = strtod(arg, &end);
	if (end == arg || *end != '\0' || !(v >= 0 && v <= max))
		fatalx("run: %s wants a number from 0 to %g, got '%s'", name,
		    max, arg);
	return v;
}

enum {
	RO_CHECK = 1, RO_PRINT, RO_DEFINE, RO_TARGET, RO_KEEP_GOING,
	RO_NO_GUARD, RO_JSON, RO_TAP, RO_LADDER, RO_IFACE, RO_WRITE,
	RO_TOL_USECS, RO_TOL_PERCENT, RO_JUNIT, RO_SVG, RO_REALTIME,
	RO_PEER_NETNS, RO_COMMANDS_AS, RO_LAB, RO_ABSOLUTE, RO_TEXT_FD,
};

static const struct cli_opt run_table[] = {
	{ "check", 0, RO_CHECK, NULL, "parse the files only ('-' reads "
	    "standard input)", 0, NULL },
	{ "print", 0, RO_PRINT, NULL, "parse and print the files in "
	    "canonical form", 0, NULL },
	{ "define", 'D', RO_DEFINE, "NAME=value", "substitute NAME in the "
	    "files (repeatable)", 0, NULL },
	{ "target", 0, RO_TARGET, "HOST:PORT", "the target, over the files' "
	    "own", 0, NULL },
	{ "keep-going", 0, RO_KEEP_GOING, NULL, "run a file's steps past a "
	    "failed one", 0, NULL },
	{ "tolerance_usecs", 0, RO_TOL_USECS, "N", "timing tolerance in "
	    "microseconds (4000)", 0, NULL },
	{ "tolerance-usecs", 0, RO_TOL_USECS, "N", "", 0, "" },
	{ "tolerance_percent", 0, RO_TOL_PERCENT, "P", "timing tolerance in "
	    "percent of the step's gap (12.5)", 0, NULL },
	{ "tolerance-percent", 0, RO_TOL_PERCENT, "P", "", 0, "" },
	{ "no-guard", 0, RO_NO_GUARD, NULL, "let the local kernel answer "
	    "with RST", 0, NULL },
	{ "realtime", 0, RO_REALTIME, NULL, "real-time priority where "
	    "allowed, so a busy machine does not delay sends", 0, NULL },
	{ "peer-netns", 0, RO_PEER_NETNS, "NS", "show the target's socket "
	    "states, read in network namespace NS", 0, NULL },
	{ "commands-as", 0, RO_COMMANDS_AS, "root|user", "whom the files' "
	    "commands run as (each file's --commands_as; user)", 0, NULL },
	{ "lab", 0, RO_LAB, "[=NAME]", "run each file in a lab of its own, "
	    "built from its 'lab' lines; =NAME: in lab NAME, which "
	    "'lab up --name NAME' made", 0, NULL },
	{ "absolute", 0, RO_ABSOLUTE, NULL, "show the segments' sequence "
	    "and acknowledgment numbers as on the wire", 0, NULL },
	{ "json", 0, RO_JSON, NULL, "JSON Lines on standard output", 0,
	    NULL },
	{ "tap", 0, RO_TAP, NULL, "TAP on standard output", 0, NULL },
	{ "ladder", 0, RO_LADDER, NULL, "a ladder diagram", 0, NULL },
	{ "junit", 0, RO_JUNIT, "FILE.xml", "JUnit XML of the steps, for CI "
	    "systems", 0, NULL },
	{ "svg", 0, RO_SVG, "FILE.svg", "the ladder of one file as an SVG "
	    "picture", 0, NULL },
	{ "write", 'w', RO_WRITE, "FILE", "write the segments to a pcap file",
	    0, NULL },
	{ "interface", 'I', RO_IFACE, "IFACE", "send from this interface", 0,
	    NULL },
	{ NULL, 'i', RO_IFACE, "IFACE", "", 0, "-I IFACE" },
	/* run --lab's child: the text its parent read (run-lab.c). */
	{ "text-fd", 0, RO_TEXT_FD, "FD", "", 0, "" },
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cli_table run_tables[] = {
	{ "Run options", run_table, 0 },
	{ "packetdrill's options (over the files' option lines)",
	    run_lines_table, 0 },
	{ "Privileges", privdrop_table, 0 },
	{ NULL, NULL, 0 },
};

static void
run_report(struct run_opts *o, int id)
{
	if (o->out.format != OUTPUT_TEXT)
		fatalx("run: give one of --json, --tap and --ladder");
	o->out.format = id == RO_JSON ? OUTPUT_JSON : id == RO_TAP ?
	    OUTPUT_TAP : OUTPUT_LADDER;
}

static void
run_option(struct run_opts *o, int id, const char *arg)
{
	char why[128], *host;
	uint16_t port;

	switch (id) {
	case RO_KEEP_GOING: o->keep_going = true; break;
	case RO_NO_GUARD: o->no_guard = true; break;
	case RO_REALTIME: o->realtime = true; break;
	case RO_PEER_NETNS: o->peer_netns = arg; break;
	case RO_COMMANDS_AS:
		if (strcmp(arg, "root") != 0 && strcmp(arg, "user") != 0)
			fatalx("run: --commands-as wants root or user, got "
			    "'%s'", arg);
		o->commands_as = arg;
		break;
	case RO_LAB:
		o->lab = true;
		if ((o->lab_name = arg) != NULL && !lab_name_valid(arg))
			fatalx("run: --lab=%s: not a lab name: give 1 to %d "
			    "characters of a-z, 0-9 and '-'", arg,
			    LAB_NAME_MAX);
		break;
	case RO_ABSOLUTE: o->absolute = true; break;
	case RO_TEXT_FD:
		o->text_fd = (int)parse_uint(arg, 0, INT_MAX, "--text-fd");
		break;
	case RO_JSON:
	case RO_TAP:
	case RO_LADDER:
		run_report(o, id);
		break;
	case RO_IFACE: o->ifname = arg; break;
	case RO_WRITE: o->out.pcap = arg; break;
	case RO_JUNIT: o->out.junit = arg; break;
	case RO_SVG: o->out.svg = arg; break;
	case RO_TOL_USECS:
		o->tolerance_usecs = (int64_t)run_number(arg,
		    "--tolerance_usecs", 1e9);
		break;
	case RO_TOL_PERCENT:
		o->tolerance_percent = run_number(arg, "--tolerance_percent",
		    1000);
		break;
	case RO_CHECK: o->check = true; break;
	case RO_PRINT: o->print = true; break;
	case RO_DEFINE: cli_define("run", arg, &o->defs, &o->ndefs); break;
	case RO_TARGET:
		if (!script_target_parse(arg, &host, &port, why, sizeof why))
			fatalx("run: --target %s: %s", arg, why);
		free(host);
		o->target = arg;
		break;
	}
}

static void
run_parse(int argc, char **argv, struct run_opts *o)
{
	struct cli c;
	int id, ind;

	memset(o, 0, sizeof *o);
	o->tolerance_usecs = -1;
	o->tolerance_percent = -1;
	o->text_fd = -1;
	cli_begin(&c, &cmd_run_entry, run_tables, false, argc, argv);
	while ((id = cli_next(&c)) != -1)
		if (!privdrop_option(&o->drop, id, c.arg) &&
		    !run_lines_cli(&o->lines, id, c.arg))
			run_option(o, id, c.arg);
	ind = cli_optind(&c);
	cli_end(&c);
	/* Text shows each segment with -v only. */
	o->out.no_segments = gopts.verbose == 0;
	o->out.quiet = gopts.quiet;
	o->out.status = true;
	if (ind == argc)
		cli_usage_error(&cmd_run_entry, "no scenario file (give "
		    "FILE.shake..., or - with --check to read standard "
		    "input)");
	run_lines_check(&o->lines);
	o->argv = argv;
	o->files = argv + ind;
	o->nfiles = argc - ind;
	if (o->text_fd >= 0 && o->nfiles != 1)
		fatalx("run: --text-fd holds one FILE's text; give one FILE");
	if (o->out.svg != NULL && o->nfiles > 1)
		fatalx("run: --svg draws one file's conversation; give one "
		    "FILE.shake");
}

/* File i parsed, read from --text-fd when given. */
static struct script *
run_parse_one(const struct run_opts *o, int i,
    const struct script_defs *defs, struct script_errors *errs)
{
	struct script *sc;
	char *text;

	if (o->text_fd < 0)
		return script_parse_file(o->files[i], defs, errs);
	if ((text = script_read_file(o->files[i], o->text_fd, errs)) == NULL)
		return NULL;
	sc = script_parse_string(o->files[i], text, defs, errs);
	free(text);
	return sc;
}

/* Parse every file; 0 when all parse, 2 when any has errors. */
static int
run_check(const struct run_opts *o)
{
	struct script_defs defs = { o->defs, o->ndefs, o->target, false,
	    o->lab || o->peer_netns != NULL, o->lines.v, o->lines.n };
	struct script_errors errs = { NULL, 0, false };
	struct script *sc;
	int i, status = 0;

	for (i = 0; i < o->nfiles; i++) {
		sc = run_parse_one(o, i, &defs, &errs);
		if (sc == NULL) {
			fflush(stdout);
			script_errors_print(stderr, &errs);
			script_errors_clear(&errs);
			status = 2;
			continue;
		}
		fflush(stdout);
		script_warnings_print(stderr, sc);
		if (o->print) {
			if (o->nfiles > 1)
				printf("%s# %s\n", i > 0 ? "\n" : "",
				    o->files[i]);
			script_print(stdout, sc);
		} else if (!o->out.quiet)
			printf("%s: %zu %s, ok\n", o->files[i], sc->nsteps,
			    sc->nsteps == 1 ? "step" : "steps");
		script_free(sc);
	}
	return status;
}

/* ---- Running the files ---- */

static volatile sig_atomic_t run_stop;

static void
run_on_signal(int sig)
{
	(void)sig;
	run_stop = 1;
}

/* Every file is parsed before the first runs: root goes once the first
 * wire is open (privdrop.h), and a later file may be one only root can
 * read. */
struct run_file {
	struct script		*sc;	/* NULL: errs says why */
	struct script_errors	 errs;
};

static struct run_file *
run_parse_files(const struct run_opts *o, const struct script_defs *defs)
{
	struct run_file *v = xcalloc((size_t)o->nfiles, sizeof *v);
	int i;

	for (i = 0; i < o->nfiles; i++)
		v[i].sc = run_parse_one(o, i, defs, &v[i].errs);
	return v;
}

/* Commands that need root (the command line says so for every file, else
 * each file's --commands_as line) go through a helper forked while root
 * is still here (cmdrun.h); without a drop they need none. */
static void
run_command_helper(const struct run_opts *o, const struct run_file *v)
{
	char **cmds = NULL, err[256];
	const struct script *sc;
	const char *as;
	size_t n = 0, k;
	int i;

	if (o->drop.no_drop || geteuid() != 0)
		return;
	for (i = 0; i < o->nfiles; i++) {
		if ((sc = v[i].sc) == NULL)
			continue;
		as = o->commands_as != NULL ? o->commands_as :
		    script_option(sc, "commands_as");
		for (k = 0; as != NULL && strcmp(as, "root") == 0 &&
		    k < sc->nsteps; k++)
			if (sc->steps[k].kind == STEP_SHELL) {
				cmds = xreallocarray(cmds, n + 1, sizeof *cmds);
				cmds[n++] = sc->steps[k].command;
			}
	}
	if (n > 0 && cmdrun_helper_start(cmds, n, err, sizeof err) == -1)
		fatalx("run: %s", err);
	free(cmds);
}

/* Run every file: 0 all passed, 1 a step failed, 2 a file or a run had
 * an error. */
static int
run_scenarios(const struct run_opts *o)
{
	struct script_defs defs = { o->defs, o->ndefs, o->target, true,
	    o->peer_netns != NULL, o->lines.v, o->lines.n };
	struct engine_config cfg;
	struct engine_result r;
	struct run_file *files;
	struct output *out = output_open("run", &o->out);
	struct run_out ro = { out, NULL };
	struct peer *peer = NULL;
	int i, rc, pass = 0, failed = 0, errors = 0;
	char err[512];

	if (o->peer_netns != NULL && (peer = peer_open(o->peer_netns, err,
	    sizeof err)) == NULL)
		fatalx("run: --peer-netns: %s", err);
	/* Lines as they happen, also into a pipe (| tee). */
	setvbuf(stdout, NULL, _IOLBF, 0);
	cli_catch_stops(run_on_signal);
	/* Not allowed is no error: the report counts late sends anyway. */
	memset(&cfg, 0, sizeof cfg);
	if (o->realtime) {
		if (realtime_enable(err, sizeof err) == 0)
			cfg.spin_ns = ENGINE_RT_SPIN_NS;
		else
			warnx_("run: --realtime: %s; running at normal "
			    "priority", err);
	}
	cfg.ifname = o->ifname;
	cfg.no_guard = o->no_guard;
	cfg.keep_going = o->keep_going;
	cfg.absolute = o->absolute;
	cfg.tolerance_usecs = o->tolerance_usecs;
	cfg.tolerance_percent = o->tolerance_percent;
	cfg.stop = &run_stop;
	cfg.peer = peer;
	cfg.agent_netns = o->peer_netns;
	cfg.drop = &o->drop;
	cfg.emit = run_report_emit;
	cfg.emit_arg = &ro;
	files = run_parse_files(o, &defs);
	run_command_helper(o, files);
	for (i = 0; i < o->nfiles && !run_stop; i++) {
		if (files[i].sc == NULL) {
			fflush(stdout);
			script_errors_print(stderr, &files[i].errs);
			run_report_unparsed(out, o->files[i]);
			errors++;
			continue;
		}
		if (!o->out.quiet)
			script_warnings_print(stderr, files[i].sc);
		ro.obs = obs_state_new();
		rc = engine_run(files[i].sc, &cfg, &r, err, sizeof err);
		obs_state_free(ro.obs);
		if (rc < 0) {
			fflush(stdout);
			warnx_("run: %s", err);
			errors++;
		} else if (r.nfailed > 0 || r.stopped)
			failed++;
		else
			pass++;
	}
	for (i = 0; i < o->nfiles; i++) {
		script_free(files[i].sc);
		script_errors_clear(&files[i].errs);
	}
	free(files);
	run_report_summary(out, pass, failed, errors, run_stop);
	output_close(out);
	peer_close(peer);
	if (errors > 0 || run_stop)
		return 2;
	return failed > 0 ? 1 : 0;
}

/* --lab: lab.c builds each file's lab; run-lab.c runs the file in it. */
static int
run_lab(const struct run_opts *o)
{
	struct run_lab_args a = {
		.opts = o->argv + 1,
		.nopts = (int)(o->files - o->argv) - 1,
		.files = o->files,
		.nfiles = o->nfiles,
		.defs = o->defs,
		.ndefs = o->ndefs,
		.target = o->target,
		.lines = o->lines.v,
		.nlines = o->lines.n,
		.one_report = o->out.junit != NULL || o->out.svg != NULL ||
		    o->out.pcap != NULL,
		.tap = o->out.format == OUTPUT_TAP,
		.lab_name = o->lab_name,
	};

	return run_lab_files(&a);
}

static int
run_exec(int argc, char **argv)
{
	struct run_opts o;
	size_t k;
	int status;

	run_parse(argc, argv, &o);
	/* Before root goes: the helper that keeps it, and /proc/self/exe,
	 * need it so. */
	if (!o.check && !o.print)
		cmdrun_define_tcpshake(&o.defs, &o.ndefs);
	status = o.check || o.print ? run_check(&o) : o.lab ? run_lab(&o) :
	    run_scenarios(&o);
	for (k = 0; k < o.ndefs; k++)
		free((char *)o.defs[k].name);
	free(o.defs);
	run_lines_free(&o.lines);
	return status;
}

const struct cmd_entry cmd_run_entry = {
	.name = "run",
	.usage = "run [--check|--print] [-D NAME=value]... [--target HOST:PORT] "
	    "[--keep-going] [--tolerance_usecs N] [--tolerance_percent P] "
	    "[--json|--tap|--ladder] [--absolute] [--junit FILE.xml] "
	    "[--svg FILE.svg] "
	    "[-w FILE.pcap] [-q|-v] [-I IFACE] "
	    "[--no-guard] [--realtime] [--peer-netns NS] "
	    "[--commands-as root|user] [--user NAME|--no-drop] [--lab[=NAME]] "
	    "[--ip_version V] [--mtu N] [--mss N] [--local_ip A] "
	    "[--remote_ip A] [-O NAME=VALUE]... FILE.shake...",
	.summary = "run scenario files (.shake, packetdrill's packet lines "
	    "seen from the target) against their target",
	.exec = run_exec,
};
