/* cmd-run.c: `tcpshake run FILE.shake...`: scenario files parsed (--check,
 * --print) and, once the engine is in, run against the target. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void
run_parse(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "print", no_argument, NULL, 'p' },
		{ "define", required_argument, NULL, 'D' },
		{ "target", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char why[128], *host;
	uint16_t port;
	int c;

	memset(o, 0, sizeof *o);
	while ((c = getopt_long(argc, argv, ":D:h", longopts, NULL)) != -1) {
		switch (c) {
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

static int
run_exec(int argc, char **argv)
{
	struct run_opts o;
	size_t k;
	int status;

	run_parse(argc, argv, &o);
	if (!o.check && !o.print)
		fatalx("running scenarios is not available yet; use --check "
		    "to parse them");
	status = run_check(&o);
	for (k = 0; k < o.ndefs; k++)
		free((char *)o.defs[k].name);
	free(o.defs);
	return status;
}

const struct cmd_entry cmd_run_entry = {
	.name = "run",
	.usage = "run --check|--print [-D NAME=value]... [--target HOST:PORT] "
	    "FILE.shake...",
	.summary = "parse scenario files (.shake, packetdrill's packet lines "
	    "seen from the target)",
	.exec = run_exec,
};
