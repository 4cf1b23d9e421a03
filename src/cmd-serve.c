/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-serve.c: `tcpshake serve`, the lab's listener: parses the options
 * and runs serve.c until a signal ends it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "realtime.h"
#include "serve.h"
#include "tcpshake.h"
#include "xmalloc.h"

static int cmd_serve_exec(int, char **);

const struct cmd_entry cmd_serve_entry = {
	.name = "serve",
	.usage = "serve [-q|-v] [--port N] [--mode echo|discard|banner TEXT|"
	    "close-after N|write-after-eof TEXT|close-first TEXT|"
	    "close-delay DURATION] [--eof-delay DURATION] [--half-close] "
	    "[--connect HOST:PORT] [--realtime] "
	    "[--bind ADDR] [--backlog N] [--no-accept] [--once]",
	.summary = "run a plain TCP server (echo, discard, banner, ...) "
	    "for the lab",
	.exec = cmd_serve_exec,
};

enum { SO_PORT = 1, SO_MODE, SO_BIND, SO_BACKLOG, SO_NO_ACCEPT, SO_ONCE,
	SO_HALF_CLOSE, SO_CONNECT, SO_EOF_DELAY, SO_REALTIME };

static const struct cli_opt serve_table[] = {
	{ "port", 'p', SO_PORT, "N", "port to listen on, 1-65535 (80)", 0,
	    NULL },
	{ "mode", 'm', SO_MODE, "MODE [ARG]", "echo, discard, banner TEXT, "
	    "close-after N, write-after-eof TEXT, close-first TEXT, "
	    "close-delay DURATION (echo; at the peer's FIN wait, then close)",
	    0, NULL },
	{ "eof-delay", 0, SO_EOF_DELAY, "DURATION", "wait this long after "
	    "the peer's FIN before the mode answers it (text, close)", 0,
	    NULL },
	{ "half-close", 0, SO_HALF_CLOSE, NULL, "where the mode closes, "
	    "shutdown(SHUT_WR) and read on to the peer's FIN", 0, NULL },
	{ "connect", 'c', SO_CONNECT, "HOST:PORT", "connect to HOST:PORT "
	    "instead of listening (the target as client), serve that one "
	    "connection, exit", 0, NULL },
	{ "bind", 'b', SO_BIND, "ADDR", "address to listen on (all)", 0,
	    NULL },
	{ "backlog", 0, SO_BACKLOG, "N", "listen backlog, 0-65535", 0, NULL },
	{ "no-accept", 0, SO_NO_ACCEPT, NULL, "listen but never accept", 0,
	    NULL },
	{ "once", 0, SO_ONCE, NULL, "serve one connection, then exit", 0,
	    NULL },
	{ "realtime", 0, SO_REALTIME, NULL, "real-time priority where "
	    "allowed: answers on time on a busy machine", 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cli_table serve_tables[] = {
	{ "Serve options", serve_table, 0 },
	{ NULL, NULL, 0 },
};

/* --mode NAME [ARG]: the argument of banner, close-after, ... is the word
 * after the mode's name. */
static void
serve_parse_mode(struct serve_opts *o, const char *name, int argc,
    char **argv)
{
	const struct serve_mode_info *mi;
	const char *arg;
	char *error;

	if ((mi = serve_mode_find(name)) == NULL)
		fatalx("serve: unknown mode '%s' (give --mode %s)", name,
		    serve_mode_names());
	o->mode = mi->mode;
	if (mi->arg == SERVE_ARG_NONE)
		return;
	if (optind >= argc)
		fatalx("serve: --mode %s needs %s after it (e.g. --mode %s %s)",
		    mi->name, mi->arg == SERVE_ARG_COUNT ? "a byte count N" :
		    mi->arg == SERVE_ARG_DURATION ? "a DURATION" : "a TEXT",
		    mi->name, mi->arg == SERVE_ARG_COUNT ? "100" :
		    mi->arg == SERVE_ARG_DURATION ? "500ms" :
		    "'hello\\r\\n'");
	arg = argv[optind++];
	if (mi->arg == SERVE_ARG_DURATION) {
		o->delay_ns = parse_duration(arg, "serve: --mode close-delay");
		return;
	}
	if (mi->arg == SERVE_ARG_COUNT) {
		o->count = parse_uint(arg, 0, UINT64_MAX / 2,
		    "serve: --mode close-after");
		return;
	}
	free(o->text);
	if (!serve_unescape(arg, &o->text, &o->textlen, &error))
		fatalx("serve: --mode %s %s", mi->name, error);
}

static void
serve_option(struct serve_opts *o, int id, const char *arg, int argc,
    char **argv)
{
	switch (id) {
	case SO_PORT:
		o->port = (uint16_t)parse_uint(arg, 1, 65535, "serve: --port");
		break;
	case SO_MODE:
		serve_parse_mode(o, arg, argc, argv);
		break;
	case SO_BIND:
		o->bind = arg;
		break;
	case SO_BACKLOG:
		o->backlog = (int)parse_uint(arg, 0, 65535, "serve: --backlog");
		break;
	case SO_NO_ACCEPT:
		o->no_accept = true;
		break;
	case SO_ONCE:
		o->once = true;
		break;
	case SO_HALF_CLOSE:
		o->half_close = true;
		break;
	case SO_CONNECT:
		o->connect = arg;
		break;
	case SO_REALTIME:
		o->realtime = true;
		break;
	case SO_EOF_DELAY:
		o->delay_ns = parse_duration(arg, "serve: --eof-delay");
		break;
	}
}

/* --connect: --port is the source port, so it needs --bind's address;
 * the listener's options mean nothing. */
static void
serve_connect_check(struct serve_opts *o, bool port)
{
	if (o->no_accept)
		fatalx("serve: --no-accept goes with a listener, not --connect");
	if (port && o->bind == NULL)
		fatalx("serve: --port with --connect is the source port: give "
		    "--bind ADDR too");
	if (!port)
		o->port = 0;
}

/* The command line into o; a bad one ends the program with one line. */
static void
serve_parse(int argc, char **argv, struct serve_opts *o)
{
	struct cli c;
	int id, ind;
	bool port = false;

	serve_opts_init(o);
	cli_begin(&c, &cmd_serve_entry, serve_tables, true, argc, argv);
	while ((id = cli_next(&c)) != -1) {
		serve_option(o, id, c.arg, argc, argv);
		port |= id == SO_PORT;
	}
	ind = cli_optind(&c);
	cli_end(&c);
	if (ind != argc)
		cli_usage_error(&cmd_serve_entry, "unexpected argument '%s'",
		    argv[ind]);
	if (o->connect != NULL)
		serve_connect_check(o, port);
}

/* The parse in a child, whose one line on stderr is the error. */
bool
serve_check_args(char *const *words, char **error)
{
	struct serve_opts o;
	char **argv, buf[512];
	size_t n, len = 0;
	ssize_t r;
	int fds[2], status;
	pid_t pid;

	for (n = 0; words[n] != NULL; n++)
		;
	if (pipe2(fds, O_CLOEXEC) == -1) {
		xasprintf(error, "pipe: %s", strerror(errno));
		return false;
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		xasprintf(error, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	if (pid == 0) {
		argv = xcalloc(n + 2, sizeof *argv);
		argv[0] = "serve";
		memcpy(argv + 1, words, n * sizeof *argv);
		if (dup2(fds[1], STDERR_FILENO) == -1 || freopen("/dev/null",
		    "w", stdout) == NULL)
			_exit(2);
		serve_parse((int)n + 1, argv, &o);
		_exit(0);
	}
	close(fds[1]);
	while (len < sizeof buf - 1 && ((r = read(fds[0], buf + len,
	    sizeof buf - 1 - len)) > 0 || (r == -1 && errno == EINTR)))
		len += r > 0 ? (size_t)r : 0;
	close(fds[0]);
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	xasprintf(error, "%s", strncmp(buf, "tcpshake: ", 10) == 0 ? buf + 10 :
	    buf[0] != '\0' ? buf : "serve's arguments are not valid");
	return false;
}

static int
cmd_serve_exec(int argc, char **argv)
{
	struct serve_opts o;
	char *error, rterr[256];

	serve_parse(argc, argv, &o);
	/* Not allowed is no error: the server still serves, later. */
	if (o.realtime && realtime_enable(rterr, sizeof rterr) == -1)
		warnx_("serve: --realtime: %s; running at normal priority",
		    rterr);
	if (gopts.verbose > 0) {
		/* Events go to a log file under the lab: a line at a time. */
		setvbuf(stdout, NULL, _IOLBF, 0);
		o.log = stdout;
	}
	if (serve_run(&o, &error) == -1)
		fatalx("serve: %s", error);
	free(o.text);
	return 0;
}
