/* cmd-run.c: `tcpshake run FILE.shake...`: scenario files parsed (--check,
 * --print) or run against their target by the engine (engine.h). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "report.h"
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
	bool		 verbose;	/* text: every segment, not only steps */
	enum { RUN_TEXT, RUN_JSON, RUN_TAP, RUN_LADDER } report;
	const char	*pcap;		/* -w FILE */
	const char	*junit;		/* --junit FILE */
	const char	*svg;		/* --svg FILE */
	const char	*ifname;	/* -i IFACE */
	int64_t		 tolerance_usecs;	/* -1: the file's */
	double		 tolerance_percent;	/* -1: the file's */
};

static void __attribute__((noreturn))
run_usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "tcpshake: run: %s '%s'\n", what, arg);
	cmd_usage(&cmd_run_entry);
}

/* -D NAME=value: NAME is a word of letters, digits and '_'. */
static void
run_add_def(struct run_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct script_def *d;
	size_t i;

	if (eq == NULL || eq == arg)
		fatalx("run: -D wants NAME=value, got '%s'", arg);
	for (i = 0; arg + i < eq; i++)
		if (!((arg[i] >= 'a' && arg[i] <= 'z') || (arg[i] >= 'A' &&
		    arg[i] <= 'Z') || arg[i] == '_' || (i > 0 &&
		    arg[i] >= '0' && arg[i] <= '9')))
			fatalx("run: -D %s: NAME takes letters, digits and "
			    "'_', and does not start with a digit", arg);
	o->defs = xreallocarray(o->defs, o->ndefs + 1, sizeof *d);
	d = &o->defs[o->ndefs++];
	d->name = strndup(arg, (size_t)(eq - arg));
	if (d->name == NULL)
		fatalx("out of memory");
	d->value = eq + 1;
}

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

static void
run_parse(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "print", no_argument, NULL, 'p' },
		{ "define", required_argument, NULL, 'D' },
		{ "target", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "no-guard", no_argument, NULL, 'G' },
		{ "json", no_argument, NULL, 'J' },
		{ "tap", no_argument, NULL, 'T' },
		{ "ladder", no_argument, NULL, 'L' },
		{ "junit", required_argument, NULL, 'X' },
		{ "svg", required_argument, NULL, 'S' },
		{ "interface", required_argument, NULL, 'i' },
		{ "tolerance_usecs", required_argument, NULL, 'U' },
		{ "tolerance-usecs", required_argument, NULL, 'U' },
		{ "tolerance_percent", required_argument, NULL, 'P' },
		{ "tolerance-percent", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	char why[128], *host;
	uint16_t port;
	int c;

	memset(o, 0, sizeof *o);
	o->tolerance_usecs = -1;
	o->tolerance_percent = -1;
	while ((c = getopt_long(argc, argv, ":D:hi:vw:", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'k':
			o->keep_going = true;
			break;
		case 'G':
			o->no_guard = true;
			break;
		case 'J':
		case 'T':
		case 'L':
			if (o->report != RUN_TEXT)
				fatalx("run: give one of --json, --tap and "
				    "--ladder");
			o->report = c == 'J' ? RUN_JSON : c == 'T' ? RUN_TAP :
			    RUN_LADDER;
			break;
		case 'i':
			o->ifname = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'w':
			o->pcap = optarg;
			break;
		case 'X':
			o->junit = optarg;
			break;
		case 'S':
			o->svg = optarg;
			break;
		case 'U':
			o->tolerance_usecs = run_number(optarg,
			    "--tolerance_usecs", 1e9);
			break;
		case 'P':
			o->tolerance_percent = run_number(optarg,
			    "--tolerance_percent", 1000);
			break;
		case 'c':
			o->check = true;
			break;
		case 'p':
			o->print = true;
			break;
		case 'D':
			run_add_def(o, optarg);
			break;
		case 't':
			if (!script_target_parse(optarg, &host, &port, why,
			    sizeof why))
				fatalx("run: --target %s: %s", optarg, why);
			free(host);
			o->target = optarg;
			break;
		case 'h':
			printf("usage: tcpshake %s\n", cmd_run_entry.usage);
			exit(0);
		case ':':
			run_usage_error("option needs an argument:",
			    argv[optind - 1]);
		default:
			if (optopt != 0) {
				char opt[3] = { '-', (char)optopt, '\0' };
				run_usage_error("unknown option", opt);
			}
			run_usage_error("unknown option", argv[optind - 1]);
		}
	}
	if (optind == argc)
		cmd_usage(&cmd_run_entry);
	o->files = argv + optind;
	o->nfiles = argc - optind;
	if (o->svg != NULL && o->nfiles > 1)
		fatalx("run: --svg draws one file's conversation; give one "
		    "FILE.shake");
}

/* Parse every file; 0 when all parse, 2 when any has errors. */
static int
run_check(const struct run_opts *o)
{
	struct script_defs defs = { o->defs, o->ndefs, o->target, false };
	struct script_errors errs = { NULL, 0, false };
	struct script *sc;
	int i, status = 0;

	for (i = 0; i < o->nfiles; i++) {
		sc = script_parse_file(o->files[i], &defs, &errs);
		if (sc == NULL) {
			fflush(stdout);
			script_errors_print(stderr, &errs);
			script_errors_clear(&errs);
			status = 2;
			continue;
		}
		if (o->print) {
			if (o->nfiles > 1)
				printf("%s# %s\n", i > 0 ? "\n" : "",
				    o->files[i]);
			script_print(stdout, sc);
		} else
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

/* The text report: steps, notes and verdicts; with -v every segment. */
struct run_text {
	void	*text;
	bool	 verbose;
};

static void
run_text_event(void *ctx, const struct event *ev)
{
	struct run_text *rt = ctx;

	if (ev->type != EV_SEGMENT || rt->verbose)
		report_text_ops.event(rt->text, ev);
}

static void
run_text_close(void *ctx)
{
	struct run_text *rt = ctx;

	report_text_ops.close(rt->text);
	free(rt);
}

static const struct sink_ops run_text_ops = {
	.name = "run-text",
	.event = run_text_event,
	.close = run_text_close,
};

/* --svg FILE: the ladder as a picture, closed with the sink. */
struct run_svg {
	void	*ladder;
	FILE	*f;
};

static void
run_svg_event(void *ctx, const struct event *ev)
{
	struct run_svg *rs = ctx;

	report_ladder_ops.event(rs->ladder, ev);
}

static void
run_svg_close(void *ctx)
{
	struct run_svg *rs = ctx;

	report_ladder_ops.close(rs->ladder);
	if (fclose(rs->f) != 0)
		warnx_("run: --svg: cannot write the picture: %s",
		    strerror(errno));
	free(rs);
}

static const struct sink_ops run_svg_ops = {
	.name = "run-svg",
	.event = run_svg_event,
	.close = run_svg_close,
};

static void
run_svg(struct sink **chain, const char *path)
{
	struct run_svg *rs = xcalloc(1, sizeof *rs);

	if ((rs->f = fopen(path, "w")) == NULL)
		fatalx("run: --svg: cannot write '%s': %s", path,
		    strerror(errno));
	rs->ladder = report_ladder_svg_new(rs->f, 0);
	sinks_add(chain, &run_svg_ops, rs);
}

static struct sink *
run_sinks(const struct run_opts *o)
{
	struct sink *chain = NULL;
	struct run_text *rt;
	char err[256];
	void *pc;

	switch (o->report) {
	case RUN_TEXT:
		rt = xcalloc(1, sizeof *rt);
		rt->text = report_text_new(stdout, 0);
		rt->verbose = o->verbose;
		sinks_add(&chain, &run_text_ops, rt);
		break;
	case RUN_JSON:
		sinks_add(&chain, &report_json_ops, report_json_new(stdout));
		break;
	case RUN_TAP:
		sinks_add(&chain, &report_tap_ops, report_tap_new(stdout));
		break;
	case RUN_LADDER:
		sinks_add(&chain, &report_ladder_ops,
		    report_ladder_new(stdout, 0));
		break;
	}
	if (o->pcap != NULL) {
		if ((pc = report_pcap_new(o->pcap, err, sizeof err)) == NULL)
			fatalx("run: %s", err);
		sinks_add(&chain, &report_pcap_ops, pc);
	}
	if (o->junit != NULL) {
		if ((pc = report_junit_new(o->junit, err, sizeof err)) == NULL)
			fatalx("run: --junit %s", err);
		sinks_add(&chain, &report_junit_ops, pc);
	}
	if (o->svg != NULL)
		run_svg(&chain, o->svg);
	return chain;
}

static void
run_emit(void *arg, const struct event *ev)
{
	sinks_emit(arg, ev);
}

/* A file that does not parse still gets its verdict (TAP: not ok). */
static void
run_unparsed(struct sink *chain, const char *file)
{
	struct step_outcome out = { 0 };
	struct event ev;

	out.file = file;
	out.error = "the file has errors; see tcpshake run --check";
	event_init(&ev, EV_STEP);
	ev.outcome = &out;
	sinks_emit(chain, &ev);
}

static void
run_summary(struct sink *chain, int pass, int failed, int errors)
{
	struct event_count counts[] = {
		{ "files", (uint64_t)(pass + failed + errors) },
		{ "passed", (uint64_t)pass },
		{ "failed", (uint64_t)failed },
		{ "errors", (uint64_t)errors },
	};
	struct event ev;
	char *text;

	xasprintf(&text, "%d %s: %d passed, %d failed, %d with errors",
	    pass + failed + errors, pass + failed + errors == 1 ? "file" :
	    "files", pass, failed, errors);
	event_init(&ev, EV_SUMMARY);
	ev.text = text;
	ev.counts = counts;
	ev.ncounts = sizeof counts / sizeof counts[0];
	ev.verdict = failed == 0 && errors == 0 && !run_stop ? VERDICT_OK :
	    VERDICT_FAIL;
	sinks_emit(chain, &ev);
	free(text);
}

/* Run every file: 0 all passed, 1 a step failed, 2 a file or a run had
 * an error. */
static int
run_scenarios(const struct run_opts *o)
{
	struct script_defs defs = { o->defs, o->ndefs, o->target, true };
	struct script_errors errs = { NULL, 0, false };
	struct engine_config cfg;
	struct engine_result r;
	struct sigaction sa;
	struct script *sc;
	struct sink *chain = run_sinks(o);
	int i, pass = 0, failed = 0, errors = 0;
	char err[512];

	/* Lines as they happen, also into a pipe (| tee). */
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = run_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	memset(&cfg, 0, sizeof cfg);
	cfg.ifname = o->ifname;
	cfg.no_guard = o->no_guard;
	cfg.keep_going = o->keep_going;
	cfg.tolerance_usecs = o->tolerance_usecs;
	cfg.tolerance_percent = o->tolerance_percent;
	cfg.stop = &run_stop;
	cfg.emit = run_emit;
	cfg.emit_arg = chain;
	for (i = 0; i < o->nfiles && !run_stop; i++) {
		if ((sc = script_parse_file(o->files[i], &defs, &errs)) ==
		    NULL) {
			fflush(stdout);
			script_errors_print(stderr, &errs);
			script_errors_clear(&errs);
			run_unparsed(chain, o->files[i]);
			errors++;
			continue;
		}
		if (engine_run(sc, &cfg, &r, err, sizeof err) < 0) {
			fflush(stdout);
			warnx_("run: %s", err);
			errors++;
		} else if (r.nfailed > 0 || r.stopped)
			failed++;
		else
			pass++;
		script_free(sc);
	}
	run_summary(chain, pass, failed, errors);
	sinks_close(&chain);
	if (errors > 0 || run_stop)
		return 2;
	return failed > 0 ? 1 : 0;
}

static int
run_exec(int argc, char **argv)
{
	struct run_opts o;
	size_t k;
	int status;

	run_parse(argc, argv, &o);
	status = o.check || o.print ? run_check(&o) : run_scenarios(&o);
	for (k = 0; k < o.ndefs; k++)
		free((char *)o.defs[k].name);
	free(o.defs);
	return status;
}

const struct cmd_entry cmd_run_entry = {
	.name = "run",
	.usage = "run [--check|--print] [-D NAME=value]... [--target HOST:PORT] "
	    "[--keep-going] [--tolerance_usecs N] [--tolerance_percent P] "
	    "[--json|--tap|--ladder] [--junit FILE.xml] [--svg FILE.svg] "
	    "[-w FILE.pcap] [-v] [-i IFACE] "
	    "[--no-guard] FILE.shake...",
	.summary = "run scenario files (.shake, packetdrill's packet lines "
	    "seen from the target) against their target",
	.exec = run_exec,
};
