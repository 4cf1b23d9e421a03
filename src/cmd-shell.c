/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-shell.c: `tcpshake shell [TARGET[:PORT]]`: a prompt where what is
 * typed is the scenario language, run a step at a time by the engine,
 * with commands beside it (shell-cmds.c); from a pipe, line by line. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"
#include "peer.h"
#include "report.h"
#include "shell.h"
#include "target.h"
#include "tcpshake.h"
#include "xmalloc.h"

enum {
	SH_DEADLINE = 1, SH_IFACE, SH_SOURCE, SH_NO_GUARD, SH_PEER_NETNS,
};

static const struct cli_opt shell_table[] = {
	{ "deadline", 0, SH_DEADLINE, "T", "how long a '>' line without a "
	    "time waits (3s)", 0, NULL },
	{ "peer-netns", 0, SH_PEER_NETNS, "NS", "show the target's socket "
	    "states, read in network namespace NS", 0, NULL },
	{ "no-guard", 0, SH_NO_GUARD, NULL, "let the local kernel answer "
	    "with RST", 0, NULL },
	{ "interface", 'I', SH_IFACE, "IFACE", "send from this interface", 0,
	    NULL },
	{ "source", 0, SH_SOURCE, "ADDR", "send from this address", 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cli_table shell_tables[] = {
	{ "Shell options", shell_table, 0 },
	{ "Privileges", privdrop_table, 0 },
	{ NULL, NULL, 0 },
};

/* Set by SIGINT (a wait ends), SIGTERM and SIGHUP (the shell ends too). */
static volatile sig_atomic_t shell_stop;
static volatile sig_atomic_t shell_ended;

static void
shell_on_signal(int sig)
{
	shell_stop = 1;
	if (sig != SIGINT)
		shell_ended = 1;
}

static void
shell_target(struct shell *sh, const char *arg)
{
	struct target t;
	char err[256];

	if (target_parse(arg, &t, err, sizeof err) < 0)
		fatalx("shell: %s", err);
	if (t.port == 0)
		fatalx("shell: '%s' has no port (give TARGET:PORT, as in "
		    "198.18.0.2:80)", arg);
	sh->host = xstrdup(t.host);
	sh->port = t.port;
}

static void
shell_parse_args(int argc, char **argv, struct shell *sh)
{
	struct cli c;
	int id, ind;

	cli_begin(&c, &cmd_shell_entry, shell_tables, false, argc, argv);
	while ((id = cli_next(&c)) != -1) {
		if (privdrop_option(&sh->drop, id, c.arg))
			continue;
		switch (id) {
		case SH_DEADLINE:
			sh->deadline_ns = parse_duration(c.arg, "--deadline");
			if (sh->deadline_ns <= 0)
				fatalx("shell: --deadline wants a time above "
				    "zero, got '%s'", c.arg);
			break;
		case SH_IFACE: sh->ifname = c.arg; break;
		case SH_SOURCE: sh->source = c.arg; break;
		case SH_NO_GUARD: sh->no_guard = true; break;
		case SH_PEER_NETNS: sh->peer_netns = c.arg; break;
		}
	}
	ind = cli_optind(&c);
	cli_end(&c);
	if (argc - ind > 1)
		cli_usage_error(&cmd_shell_entry, "one target at most, got "
		    "'%s' and '%s'", argv[ind], argv[ind + 1]);
	if (ind < argc)
		shell_target(sh, argv[ind]);
}

static void
shell_setup(struct shell *sh)
{
	struct output_opts oo = {
		.format = OUTPUT_TEXT,
		.flags = gopts.verbose > 0 ? REPORT_IP : 0,
	};
	char err[256];

	if (sh->peer_netns != NULL && (sh->peer = peer_open(sh->peer_netns,
	    err, sizeof err)) == NULL)
		fatalx("shell: --peer-netns: %s", err);
	sh->out = output_open("shell", &oo);
	sh->rec = shell_rec_new();
	sh->obs = obs_state_new();
	sh->stop = &shell_stop;
	sh->ended = &shell_ended;
	sh->interactive = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	setvbuf(stdout, NULL, _IOLBF, 0);
	cli_catch_stops(shell_on_signal);
}

/* The flows still open are reset (a note says so), the guard goes. */
static void
shell_end(struct shell *sh)
{
	shell_stop = 0;
	shell_close(sh);
	output_close(sh->out);
	shell_rec_free(sh->rec);
	obs_state_free(sh->obs);
	peer_close(sh->peer);
	free(sh->header);
	free(sh->host);
}

static int
shell_exec(int argc, char **argv)
{
	struct shell sh;
	int status;

	memset(&sh, 0, sizeof sh);
	sh.deadline_ns = SHELL_DEADLINE_NS;
	shell_parse_args(argc, argv, &sh);
	shell_setup(&sh);
	shell_term_init(&sh);
	if (sh.interactive)
		printf("tcpshake shell: type 'help' for the commands; lines "
		    "of a scenario (< S 0:0(0) win 65535) run as typed.\n");
	shell_term_loop(&sh);
	shell_end(&sh);
	shell_term_end(&sh);
	status = sh.nerrors > 0 || shell_ended ? 2 : sh.nfailed > 0 ? 1 : 0;
	return status;
}

const struct cmd_entry cmd_shell_entry = {
	.name = "shell",
	.usage = "shell [--deadline T] [--peer-netns NS] [--no-guard] "
	    "[-I IFACE] [--source ADDR] [--user NAME|--no-drop] "
	    "[TARGET[:PORT]]",
	.summary = "a prompt where scenario lines run as typed, with "
	    "connect, send, close, show, save",
	.exec = shell_exec,
};
