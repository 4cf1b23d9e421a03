/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-lab.c: `tcpshake lab up|down|status|exec|list|exercise`: parses the
 * options, checks the name and privileges, and reports what lab.c did
 * (list and exercise: lab-exercise.c). */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lab-exercise.h"
#include "lab-impair.h"
#include "lab-router.h"
#include "lab-sys.h"
#include "lab.h"
#include "tcpshake.h"
#include "xmalloc.h"

static int cmd_lab_exec(int, char **);

const struct cmd_entry cmd_lab_entry = {
	.name = "lab",
	.usage = "lab up|down|status|exec|list|exercise [--name NAME] "
	    "[--sysctl KEY=VALUE] [--client-sysctl KEY=VALUE] "
	    "[--serve \"ARGS\"] [--no-serve] [--offloads on|off] [--router] "
	    "[--nat] [--synproxy] [--firewall drop|reject|reject-icmp PORT] "
	    "[--delay T] [--jitter T] [--loss P%] [--reorder P%] "
	    "[--duplicate P%] "
	    "[--seed N] [--server|--router] [--no-worksheet] [--quick] "
	    "[-D NAME=value] [--] [CMD ARGS...|EXERCISE]",
	.summary = "make a client and a server namespace joined by veth "
	    "(or through a router)",
	.exec = cmd_lab_exec,
};

enum {
	LO_NAME = 1,
	LO_SYSCTL,
	LO_CLIENT_SYSCTL,
	LO_SERVE,
	LO_NO_SERVE,
	LO_SERVER,
	LO_OFFLOADS,
	LO_ROUTER,
	LO_NAT,
	LO_SYNPROXY,
	LO_FIREWALL,
	LO_DELAY,
	LO_JITTER,
	LO_LOSS,
	LO_REORDER,
	LO_DUPLICATE,
	LO_SEED,
	LO_NO_WORKSHEET,
	LO_QUICK,
	LO_DEFINE,
};

static const struct cli_opt lab_table[] = {
	{ "name", 'n', LO_NAME, "NAME", "the lab's name, 1-10 characters "
	    "of a-z, 0-9, '-' (tcpshake)", 0, NULL },
	{ "sysctl", 0, LO_SYSCTL, "KEY=VALUE", "up: a sysctl of the server "
	    "namespace (repeatable)", 0, NULL },
	{ "client-sysctl", 0, LO_CLIENT_SYSCTL, "KEY=VALUE", "up: a sysctl "
	    "of the client namespace", 0, NULL },
	{ "serve", 0, LO_SERVE, "ARGS", "up: the server's 'tcpshake serve' "
	    "arguments; again for more servers (repeatable)", 0, NULL },
	{ "no-serve", 0, LO_NO_SERVE, NULL, "up: start no server", 0, NULL },
	{ "server", 0, LO_SERVER, NULL, "exec: run in the server namespace",
	    0, NULL },
	{ "offloads", 0, LO_OFFLOADS, "on|off", "up: checksum offload, TSO, "
	    "GSO and GRO on every veth end (off)", 0, NULL },
	{ "router", 0, LO_ROUTER, NULL, "up: a router namespace between "
	    "client and server; exec: run in it", 0, NULL },
	{ "nat", 0, LO_NAT, NULL, "up: the router masquerades towards the "
	    "server", 0, NULL },
	{ "synproxy", 0, LO_SYNPROXY, NULL, "up: the router answers "
	    "handshakes (nftables synproxy)", 0, NULL },
	{ "firewall", 0, LO_FIREWALL, "drop|reject|reject-icmp PORT",
	    "up: the router drops or rejects a port (repeatable)", 0, NULL },
	{ "delay", 0, LO_DELAY, "T", "up: delay the target's packets (50ms)",
	    0, NULL },
	{ "jitter", 0, LO_JITTER, "T", "up: plus or minus this, uniform",
	    0, NULL },
	{ "loss", 0, LO_LOSS, "P%", "up: drop this share of the target's "
	    "packets", 0, NULL },
	{ "reorder", 0, LO_REORDER, "P%", "up: send this share at once, "
	    "ahead of delayed ones", 0, NULL },
	{ "duplicate", 0, LO_DUPLICATE, "P%", "up: send this share twice",
	    0, NULL },
	{ "seed", 0, LO_SEED, "N", "up: seed the impairment daemon's "
	    "choices", 0, NULL },
	{ "no-worksheet", 0, LO_NO_WORKSHEET, NULL, "exercise: the run "
	    "only, not the worksheet before it", 0, NULL },
	{ "quick", 0, LO_QUICK, NULL, "exercise: the shortened run (the "
	    "file's 'lab quick' values and -D QUICK=1)", 0, NULL },
	{ "define", 'D', LO_DEFINE, "NAME=value", "exercise: substitute "
	    "NAME in the scenario (repeatable)", 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cli_table lab_tables[] = {
	{ "Lab options (after the action)", lab_table, 0 },
	{ NULL, NULL, 0 },
};

/* The parsed command line. */
struct lab_args {
	const char		*verb;
	const char		*name;
	struct lab_sysctl	*sysctls;
	size_t			 nsysctls;
	const char		*serve;		/* the first --serve "ARGS" */
	const char		*serve_more[LAB_MAX_SERVE];	/* the rest */
	size_t			 nserve_more;
	bool			 no_serve;
	bool			 server;	/* exec --server */
	const char		*offloads;	/* up --offloads on|off */
	struct lab_router	 router;
	struct lab_impair	 impair;
	bool			 impair_set;
	enum lab_side		 exec_side;	/* exec: --server, --router */
	char			**cmd;		/* exec's CMD ARGS... */
	bool			 name_set;	/* --name given */
	struct exercise_opts	 ex;		/* exercise's options */
	struct script_def	*defs;		/* exercise -D */
};

/* --serve again: one more server, each on a port of its own. */
static void
lab_add_serve(struct lab_args *a, const char *arg)
{
	if (a->serve == NULL) {
		a->serve = arg;
		return;
	}
	if (a->nserve_more == LAB_MAX_SERVE - 1)
		fatalx("lab up: at most %d --serve (one server each)",
		    LAB_MAX_SERVE);
	a->serve_more[a->nserve_more++] = arg;
}

static void
lab_add_sysctl(struct lab_args *a, const char *kv, enum lab_side side)
{
	char *error;

	a->sysctls = xreallocarray(a->sysctls, a->nsysctls + 1,
	    sizeof *a->sysctls);
	if (!lab_sysctl_parse(kv, side, &a->sysctls[a->nsysctls], &error))
		fatalx("lab: %s", error);
	a->nsysctls++;
}

/* A duration in whole microseconds, at most 10 s. */
static uint32_t
lab_parse_us(const char *s, const char *what)
{
	int64_t ns = parse_duration(s, what);

	if (ns < 0 || ns > 10000000000LL)
		fatalx("lab up: %s '%s': give 0 to 10s", what, s);
	return (uint32_t)(ns / 1000);
}

/* --delay, --jitter, --loss, --reorder, --duplicate, --seed. */
static void
lab_impair_option(struct lab_args *a, int id, const char *arg)
{
	struct lab_impair *im = &a->impair;
	char *error;
	bool ok = true;

	a->impair_set = true;
	if (id == LO_DELAY)
		im->delay_us = lab_parse_us(arg, "--delay");
	else if (id == LO_JITTER)
		im->jitter_us = lab_parse_us(arg, "--jitter");
	else if (id == LO_LOSS)
		ok = lab_impair_percent(arg, "--loss", &im->loss_ppm, &error);
	else if (id == LO_REORDER)
		ok = lab_impair_percent(arg, "--reorder", &im->reorder_ppm,
		    &error);
	else if (id == LO_DUPLICATE)
		ok = lab_impair_percent(arg, "--duplicate",
		    &im->duplicate_ppm, &error);
	else {
		im->seed = parse_uint(arg, 0, UINT64_MAX, "--seed");
		im->seeded = true;
	}
	if (!ok)
		fatalx("lab up: %s", error);
}

/* --router, and what the router does (each implies --router).
 * --firewall takes two words: the action here, the port next. */
static void
lab_router_option(struct lab_args *a, int id, struct cli *c)
{
	struct lab_firewall fw;
	char *error;
	int ind;

	a->router.enabled = true;
	if (id == LO_NAT)
		a->router.nat = true;
	else if (id == LO_SYNPROXY)
		a->router.synproxy = true;
	else if (id == LO_FIREWALL) {
		ind = cli_optind(c);
		if (!lab_firewall_parse(c->arg, ind < c->argc ?
		    c->argv[ind] : NULL, &fw, &error))
			fatalx("lab up: %s", error);
		cli_skip(c);
		a->router.firewall = xreallocarray(a->router.firewall,
		    a->router.nfirewall + 1, sizeof fw);
		a->router.firewall[a->router.nfirewall++] = fw;
	}
}

/* exercise NAME: one name, and a lab of its own. */
static void
lab_check_exercise(struct lab_args *a, int argc, char **argv, int optind_)
{
	if (a->name_set)
		fatalx("lab exercise: it builds a lab of its own; --name goes "
		    "with up, down, status and exec");
	if (optind_ == argc)
		fatalx("lab exercise: give the exercise's name (tcpshake lab "
		    "list names them)");
	if (optind_ + 1 != argc)
		fatalx("lab exercise: one exercise at a time, not '%s' too",
		    argv[optind_ + 1]);
	a->ex.name = argv[optind_];
}

/* Options that only some verbs take. */
static void
lab_check_verb(struct lab_args *a, int argc, char **argv, int optind_)
{
	bool up = strcmp(a->verb, "up") == 0;
	bool exec = strcmp(a->verb, "exec") == 0;
	bool impaird = strcmp(a->verb, "impaird") == 0;

	/* exec --router: run in the router's namespace. */
	if (exec && a->router.enabled && !a->router.nat &&
	    !a->router.synproxy && a->router.nfirewall == 0 && !a->server) {
		a->router.enabled = false;
		a->exec_side = LAB_ROUTER;
	}
	if (!up && (a->nsysctls > 0 || a->serve || a->no_serve ||
	    a->offloads || a->router.enabled || (a->impair_set && !impaird)))
		fatalx("lab %s: --sysctl, --client-sysctl, --serve, "
		    "--no-serve, --offloads, the router's and the impairment "
		    "options go with 'lab up'", a->verb);
	if (up && a->impair.reorder_ppm > 0 && a->impair.delay_us == 0)
		fatalx("lab up: --reorder needs --delay (a reordered packet "
		    "overtakes delayed ones)");
	if (up && a->impair.jitter_us > a->impair.delay_us)
		fatalx("lab up: --jitter %uus is larger than --delay %uus",
		    a->impair.jitter_us, a->impair.delay_us);
	if (a->offloads && strcmp(a->offloads, "on") != 0 &&
	    strcmp(a->offloads, "off") != 0)
		fatalx("lab up: --offloads takes on or off, not '%s'",
		    a->offloads);
	if (!exec && a->server)
		fatalx("lab %s: --server goes with 'lab exec'", a->verb);
	if (strcmp(a->verb, "exercise") != 0 && (a->ex.no_worksheet ||
	    a->ex.quick || a->ex.ndefs > 0))
		fatalx("lab %s: --no-worksheet, --quick and -D go with 'lab "
		    "exercise'", a->verb);
	if (exec && optind_ == argc)
		fatalx("lab exec: give a command to run (tcpshake lab exec "
		    "--name %s -- CMD ARGS...)", a->name);
	if (strcmp(a->verb, "exercise") == 0) {
		lab_check_exercise(a, argc, argv, optind_);
		return;
	}
	if (!exec && optind_ != argc)
		fatalx("lab %s: unexpected argument '%s'", a->verb,
		    argv[optind_]);
	if (up && a->serve && a->no_serve)
		fatalx("lab up: --serve and --no-serve exclude each other");
}

static void
lab_option(struct lab_args *a, int id, struct cli *c)
{
	const char *arg = c->arg;

	if (id >= LO_ROUTER && id <= LO_FIREWALL) {
		lab_router_option(a, id, c);
		return;
	}
	if (id >= LO_DELAY && id <= LO_SEED) {
		lab_impair_option(a, id, arg);
		return;
	}
	switch (id) {
	case LO_NAME: a->name = arg; a->name_set = true; break;
	case LO_NO_WORKSHEET: a->ex.no_worksheet = true; break;
	case LO_QUICK: a->ex.quick = true; break;
	case LO_DEFINE:
		cli_define("lab exercise", arg, &a->defs, &a->ex.ndefs);
		a->ex.dargs = xreallocarray(a->ex.dargs, a->ex.ndefs,
		    sizeof *a->ex.dargs);
		a->ex.dargs[a->ex.ndefs - 1] = (char *)arg;
		a->ex.defs = a->defs;
		break;
	case LO_SYSCTL: lab_add_sysctl(a, arg, LAB_SERVER); break;
	case LO_CLIENT_SYSCTL: lab_add_sysctl(a, arg, LAB_CLIENT); break;
	case LO_SERVE: lab_add_serve(a, arg); break;
	case LO_NO_SERVE: a->no_serve = true; break;
	case LO_SERVER: a->server = true; a->exec_side = LAB_SERVER; break;
	case LO_OFFLOADS: a->offloads = arg; break;
	}
}

static void
lab_parse(struct lab_args *a, int argc, char **argv)
{
	struct cli c;
	int id, ind;

	memset(a, 0, sizeof *a);
	a->name = LAB_DEFAULT_NAME;
	if (argc < 2 || argv[1][0] == '-') {
		/* lab --help, lab --version; anything else lacks the action */
		cli_begin(&c, &cmd_lab_entry, lab_tables, true, argc, argv);
		while (cli_next(&c) != -1)
			;
		cli_usage_error(&cmd_lab_entry, "no action (give up, down, "
		    "status, exec, list or exercise: tcpshake lab up)");
	}
	a->verb = argv[1];
	if (strcmp(a->verb, "up") != 0 && strcmp(a->verb, "down") != 0 &&
	    strcmp(a->verb, "status") != 0 && strcmp(a->verb, "exec") != 0 &&
	    strcmp(a->verb, "impaird") != 0 && strcmp(a->verb, "list") != 0 &&
	    strcmp(a->verb, "exercise") != 0)
		cli_usage_error(&cmd_lab_entry, "unknown action '%s' (give "
		    "up, down, status, exec, list or exercise)", a->verb);
	argc--;
	argv++;
	cli_begin(&c, &cmd_lab_entry, lab_tables, true, argc, argv);
	while ((id = cli_next(&c)) != -1)
		lab_option(a, id, &c);
	ind = cli_optind(&c);
	cli_end(&c);
	if (!lab_name_valid(a->name))
		fatalx("lab: name '%s' is not valid: give 1 to %d characters "
		    "of a-z, 0-9 and '-' (--name NAME)", a->name,
		    LAB_NAME_MAX);
	lab_check_verb(a, argc, argv, ind);
	a->cmd = argv + ind;
}

static void
lab_on_signal(int sig)
{
	lab_interrupted = sig;
}

static int
lab_do_up(const struct lab_args *a)
{
	struct lab_config cf = {
		.name = a->name,
		.sysctls = a->sysctls,
		.nsysctls = a->nsysctls,
		.offloads = a->offloads && strcmp(a->offloads, "on") == 0,
		.router = a->router,
		.impair = a->impair,
	};
	struct lab_made made;
	char *error, **more[LAB_MAX_SERVE];
	size_t i;
	int rc = 0;

	if (!a->no_serve && (cf.serve_argv = lab_split_words(a->serve ?
	    a->serve : LAB_SERVE_DEFAULT, &error)) == NULL)
		fatalx("lab up: %s", error);
	if (cf.serve_argv != NULL && !serve_check_args(cf.serve_argv, &error))
		fatalx("lab up: --serve '%s': %s", a->serve, error);
	for (i = 0; i < a->nserve_more; i++)
		if ((more[i] = lab_split_words(a->serve_more[i], &error)) ==
		    NULL)
			fatalx("lab up: %s", error);
		else if (!serve_check_args(more[i], &error))
			fatalx("lab up: --serve '%s': %s", a->serve_more[i],
			    error);
	more[a->nserve_more] = NULL;
	cf.serve_more = more;
	/* A ^C, TERM or HUP half-way undoes what was made: the steps poll
	 * the flag, and lab_up removes everything when it is set. (A
	 * SIGKILL cannot be caught: the next `lab up` of the name removes
	 * the parts its dead builder left.) */
	cli_catch_stops(lab_on_signal);
	if (lab_up(&cf, &made, &error) == -1) {
		fprintf(stderr, "tcpshake: %s\n", error);
		free(error);
		rc = lab_interrupted ? 128 + lab_interrupted : 2;
	} else if (!gopts.quiet)
		lab_print_up(a->name, &cf, &made, stdout);
	fflush(stdout);
	lab_words_free(cf.serve_argv);
	for (i = 0; i < a->nserve_more; i++)
		lab_words_free(more[i]);
	free(a->router.firewall);
	return rc;
}

static int
lab_do_exec(const struct lab_args *a)
{
	char *error;
	int errnum;

	if (!lab_exists(a->name))
		fatalx("lab '%s' is not up (tcpshake lab up --name %s)",
		    a->name, a->name);
	fflush(stdout);
	lab_exec(a->name, a->exec_side, a->cmd, &error);
	errnum = errno;
	fprintf(stderr, "tcpshake: %s\n", error);
	free(error);
	/* As env(1) and the shells do: 127 not found, 126 not runnable. */
	return errnum == ENOENT ? 127 : 126;
}

static int
cmd_lab_exec(int argc, char **argv)
{
	struct lab_args a;
	char *error;
	int rc;

	lab_parse(&a, argc, argv);
	if (strcmp(a.verb, "list") == 0)
		return exercise_list();
	if (!lab_have_cap(LAB_CAP_SYS_ADMIN))
		fatalx("lab %s: needs CAP_SYS_ADMIN (network namespaces and "
		    "their mounts): run it as root", a.verb);
	if (strcmp(a.verb, "up") == 0) {
		rc = lab_do_up(&a);
		lab_sysctls_free(a.sysctls, a.nsysctls);
		return rc;
	}
	if (strcmp(a.verb, "exec") == 0)
		return lab_do_exec(&a);
	if (strcmp(a.verb, "exercise") == 0)
		return exercise_run(&a.ex);
	if (strcmp(a.verb, "impaird") == 0)
		return lab_impaird_main(a.name, &a.impair);
	if (!lab_exists(a.name)) {
		printf("lab '%s' is not up\n", a.name);
		return strcmp(a.verb, "down") == 0 ? 0 : 1;
	}
	if (strcmp(a.verb, "status") == 0)
		return lab_status(a.name, stdout);
	if (lab_down(a.name, &error) == -1)
		fatalx("lab down: %s", error);
	if (!gopts.quiet)
		printf("lab '%s' is down\n", a.name);
	return 0;
}
