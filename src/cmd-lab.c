/* cmd-lab.c: `tcpshake lab up|down|status|exec`: parses the options,
 * checks the name and privileges, and reports what lab.c did. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab.h"
#include "tcpshake.h"
#include "xmalloc.h"

static int cmd_lab_exec(int, char **);

const struct cmd_entry cmd_lab_entry = {
	.name = "lab",
	.usage = "lab up|down|status|exec [--name NAME] "
	    "[--sysctl KEY=VALUE] [--client-sysctl KEY=VALUE] "
	    "[--serve \"ARGS\"] [--no-serve] [--offloads on|off] [--server] "
	    "[--] [CMD ARGS...]",
	.summary = "make a client and a server namespace joined by veth",
	.exec = cmd_lab_exec,
};

enum {
	OPT_SYSCTL = 256,
	OPT_CLIENT_SYSCTL,
	OPT_SERVE,
	OPT_NO_SERVE,
	OPT_SERVER,
	OPT_OFFLOADS,
};

static const struct option lab_longopts[] = {
	{ "name",		required_argument, NULL, 'n' },
	{ "sysctl",		required_argument, NULL, OPT_SYSCTL },
	{ "client-sysctl",	required_argument, NULL, OPT_CLIENT_SYSCTL },
	{ "serve",		required_argument, NULL, OPT_SERVE },
	{ "no-serve",		no_argument,	   NULL, OPT_NO_SERVE },
	{ "server",		no_argument,	   NULL, OPT_SERVER },
	{ "offloads",		required_argument, NULL, OPT_OFFLOADS },
	{ "help",		no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The parsed command line. */
struct lab_args {
	const char		*verb;
	const char		*name;
	struct lab_sysctl	*sysctls;
	size_t			 nsysctls;
	const char		*serve;		/* --serve "ARGS" */
	bool			 no_serve;
	bool			 server;	/* exec --server */
	const char		*offloads;	/* up --offloads on|off */
	char			**cmd;		/* exec's CMD ARGS... */
};

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

/* Options that only some verbs take. */
static void
lab_check_verb(const struct lab_args *a, int argc, char **argv, int optind_)
{
	bool up = strcmp(a->verb, "up") == 0;
	bool exec = strcmp(a->verb, "exec") == 0;

	if (!up && strcmp(a->verb, "down") != 0 &&
	    strcmp(a->verb, "status") != 0 && !exec)
		fatalx("lab: unknown action '%s' (give up, down, status or "
		    "exec)", a->verb);
	if (!up && (a->nsysctls > 0 || a->serve || a->no_serve ||
	    a->offloads))
		fatalx("lab %s: --sysctl, --client-sysctl, --serve, "
		    "--no-serve and --offloads go with 'lab up'", a->verb);
	if (a->offloads && strcmp(a->offloads, "on") != 0 &&
	    strcmp(a->offloads, "off") != 0)
		fatalx("lab up: --offloads takes on or off, not '%s'",
		    a->offloads);
	if (!exec && a->server)
		fatalx("lab %s: --server goes with 'lab exec'", a->verb);
	if (exec && optind_ == argc)
		fatalx("lab exec: give a command to run (tcpshake lab exec "
		    "--name %s -- CMD ARGS...)", a->name);
	if (!exec && optind_ != argc)
		fatalx("lab %s: unexpected argument '%s'", a->verb,
		    argv[optind_]);
	if (up && a->serve && a->no_serve)
		fatalx("lab up: --serve and --no-serve exclude each other");
}

static void
lab_parse(struct lab_args *a, int argc, char **argv)
{
	int ch;

	memset(a, 0, sizeof *a);
	a->name = LAB_DEFAULT_NAME;
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
		    strcmp(argv[1], "--help") == 0)) {
			printf("usage: tcpshake %s\n", cmd_lab_entry.usage);
			exit(0);
		}
		cmd_usage(&cmd_lab_entry);
	}
	a->verb = argv[1];
	argc--;
	argv++;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+n:h", lab_longopts, NULL))
	    != -1) {
		switch (ch) {
		case 'n':
			a->name = optarg;
			break;
		case OPT_SYSCTL:
			lab_add_sysctl(a, optarg, LAB_SERVER);
			break;
		case OPT_CLIENT_SYSCTL:
			lab_add_sysctl(a, optarg, LAB_CLIENT);
			break;
		case OPT_SERVE:
			a->serve = optarg;
			break;
		case OPT_NO_SERVE:
			a->no_serve = true;
			break;
		case OPT_SERVER:
			a->server = true;
			break;
		case OPT_OFFLOADS:
			a->offloads = optarg;
			break;
		case 'h':
			printf("usage: tcpshake %s\n", cmd_lab_entry.usage);
			exit(0);
		default:
			cmd_usage(&cmd_lab_entry);
		}
	}
	if (!lab_name_valid(a->name))
		fatalx("lab: name '%s' is not valid: give 1 to %d characters "
		    "of a-z, 0-9 and '-' (--name NAME)", a->name,
		    LAB_NAME_MAX);
	lab_check_verb(a, argc, argv, optind);
	a->cmd = argv + optind;
}

static void
lab_print_made(const struct lab_args *a, const struct lab_config *cf,
    const struct lab_made *made)
{
	char nc[32], nsv[32];
	size_t i;

	lab_ns_name(a->name, LAB_CLIENT, nc, sizeof nc);
	lab_ns_name(a->name, LAB_SERVER, nsv, sizeof nsv);
	printf("lab '%s' is up\n", a->name);
	printf("  client: namespace %s, interface %s, %s/%d, %s/%d\n", nc,
	    LAB_CLIENT_IF, LAB_CLIENT_V4, LAB_V4_PREFIX, LAB_CLIENT_V6,
	    LAB_V6_PREFIX);
	printf("  server: namespace %s, interface %s, %s/%d, %s/%d\n", nsv,
	    LAB_SERVER_IF, LAB_SERVER_V4, LAB_V4_PREFIX, LAB_SERVER_V6,
	    LAB_V6_PREFIX);
	if (cf->serve_argv != NULL) {
		printf("  serve:  tcpshake serve");
		for (i = 0; cf->serve_argv[i] != NULL; i++)
			printf(" %s", cf->serve_argv[i]);
		printf(" (pid %ld, port %u, log %s)\n", made->serve_pid,
		    made->serve_port, made->log);
	} else
		printf("  serve:  none (--no-serve)\n");
	printf("  offloads: %s\n", cf->offloads ? "on (checksum offload, "
	    "TSO, GSO, GRO: captures hold partial checksums and "
	    "super-segments)" : "off (the capture sees wire segments)");
	for (i = 0; i < cf->nsysctls; i++)
		printf("  sysctl: %s %s=%s\n", cf->sysctls[i].side ==
		    LAB_CLIENT ? "client" : "server", cf->sysctls[i].key,
		    cf->sysctls[i].value);
	printf("run commands on the client side with: tcpshake lab exec "
	    "--name %s -- COMMAND\n", a->name);
}

static int
lab_do_up(const struct lab_args *a)
{
	struct lab_config cf = {
		.name = a->name,
		.sysctls = a->sysctls,
		.nsysctls = a->nsysctls,
		.offloads = a->offloads && strcmp(a->offloads, "on") == 0,
	};
	struct lab_made made;
	sigset_t block, old;
	char *error;

	if (lab_exists(a->name))
		fatalx("lab '%s' is already up (tcpshake lab down --name %s)",
		    a->name, a->name);
	if (!a->no_serve && (cf.serve_argv = lab_split_words(a->serve ?
	    a->serve : LAB_SERVE_DEFAULT, &error)) == NULL)
		fatalx("lab up: %s", error);
	/* A ^C half-way would leave half a lab: finish (or undo) first. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (lab_up(&cf, &made, &error) == -1)
		fatalx("lab up: %s", error);
	if (!gopts.quiet)
		lab_print_made(a, &cf, &made);
	fflush(stdout);
	sigprocmask(SIG_SETMASK, &old, NULL);
	lab_words_free(cf.serve_argv);
	return 0;
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
	lab_exec(a->name, a->server ? LAB_SERVER : LAB_CLIENT, a->cmd,
	    &error);
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
	if (geteuid() != 0)
		fatalx("lab needs root (network namespaces): run it with "
		    "sudo");
	if (strcmp(a.verb, "up") == 0) {
		rc = lab_do_up(&a);
		lab_sysctls_free(a.sysctls, a.nsysctls);
		return rc;
	}
	if (strcmp(a.verb, "exec") == 0)
		return lab_do_exec(&a);
	if (!lab_exists(a.name)) {
		printf("lab '%s' is not up\n", a.name);
		return strcmp(a.verb, "down") == 0 ? 0 : 1;
	}
	if (strcmp(a.verb, "status") == 0) {
		lab_status(a.name, stdout);
		return 0;
	}
	if (lab_down(a.name, &error) == -1)
		fatalx("lab down: %s", error);
	if (!gopts.quiet)
		printf("lab '%s' is down\n", a.name);
	return 0;
}
