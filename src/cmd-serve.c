/* cmd-serve.c: `tcpshake serve`, the lab's listener: parses the options
 * and runs serve.c until a signal ends it. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"
#include "tcpshake.h"
#include "xmalloc.h"

static int cmd_serve_exec(int, char **);

const struct cmd_entry cmd_serve_entry = {
	.name = "serve",
	.usage = "serve [-v] [--port N] [--mode echo|discard|banner TEXT|"
	    "close-after N|write-after-eof TEXT|close-first TEXT] "
	    "[--bind ADDR] [--backlog N] [--no-accept] [--once]",
	.summary = "run a plain TCP server (echo, discard, banner, ...) "
	    "for the lab",
	.exec = cmd_serve_exec,
};

enum {
	OPT_BACKLOG = 256,
	OPT_NO_ACCEPT,
	OPT_ONCE,
};

static const struct option serve_longopts[] = {
	{ "port",	required_argument, NULL, 'p' },
	{ "mode",	required_argument, NULL, 'm' },
	{ "bind",	required_argument, NULL, 'b' },
	{ "backlog",	required_argument, NULL, OPT_BACKLOG },
	{ "no-accept",	no_argument,	   NULL, OPT_NO_ACCEPT },
	{ "once",	no_argument,	   NULL, OPT_ONCE },
	{ "verbose",	no_argument,	   NULL, 'v' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 },
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
		    "a TEXT", mi->name,
		    mi->arg == SERVE_ARG_COUNT ? "100" : "'hello\\r\\n'");
	arg = argv[optind++];
	if (mi->arg == SERVE_ARG_COUNT) {
		o->count = parse_uint(arg, 0, UINT64_MAX / 2,
		    "serve: --mode close-after");
		return;
	}
	free(o->text);
	if (!serve_unescape(arg, &o->text, &o->textlen, &error))
		fatalx("serve: --mode %s %s", mi->name, error);
}

static int
cmd_serve_exec(int argc, char **argv)
{
	struct serve_opts o;
	char *error;
	int ch;

	serve_opts_init(&o);
	while ((ch = getopt_long(argc, argv, "+p:m:b:vh", serve_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'p':
			o.port = (uint16_t)parse_uint(optarg, 1, 65535,
			    "serve: --port");
			break;
		case 'm':
			serve_parse_mode(&o, optarg, argc, argv);
			break;
		case 'b':
			o.bind = optarg;
			break;
		case OPT_BACKLOG:
			o.backlog = (int)parse_uint(optarg, 0, 65535,
			    "serve: --backlog");
			break;
		case OPT_NO_ACCEPT:
			o.no_accept = true;
			break;
		case OPT_ONCE:
			o.once = true;
			break;
		case 'v':
			gopts.verbose++;
			break;
		case 'h':
			printf("usage: tcpshake %s\n", cmd_serve_entry.usage);
			return 0;
		default:
			cmd_usage(&cmd_serve_entry);
		}
	}
	if (optind != argc)
		cmd_usage(&cmd_serve_entry);
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
