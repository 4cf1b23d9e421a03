/* cmd-guard.c: `tcpshake guard --list | --flush [--all]`, the firewall
 * tables tcpshake's guards left in this network namespace, shown or removed. */
#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "tcpshake.h"
#include "xmalloc.h"

/* Parsed options (the only globals a front end keeps). */
struct guard_opts {
	bool	list;
	bool	flush;
	bool	all;
};

static void
guard_parse(int argc, char **argv, struct guard_opts *o)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "flush", no_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof *o);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+lfah", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			o->list = true;
			break;
		case 'f':
			o->flush = true;
			break;
		case 'a':
			o->all = true;
			break;
		case 'h':
			printf("usage: tcpshake %s\n", cmd_guard_entry.usage);
			exit(0);
		default:
			fatalx("guard: unknown option '%s' (usage: tcpshake %s)",
			    argv[optind - 1], cmd_guard_entry.usage);
		}
	}
	if (optind != argc || o->list == o->flush || (o->all && !o->flush))
		cmd_usage(&cmd_guard_entry);
}

static int
guard_exec(int argc, char **argv)
{
	struct guard_opts o;
	char err[512];
	int n;

	guard_parse(argc, argv, &o);
	if (o.list) {
		if ((n = guard_list(stdout, err, sizeof err)) == -1)
			fatalx("%s", err);
		if (n == 0)
			printf("no tcpshake tables in this network namespace\n");
		return 0;
	}
	if ((n = guard_flush(o.all, stdout, err, sizeof err)) == -1)
		fatalx("%s", err);
	printf("removed %d tcpshake table%s\n", n, n == 1 ? "" : "s");
	return 0;
}

const struct cmd_entry cmd_guard_entry = {
	.name = "guard",
	.usage = "guard --list | --flush [--all]",
	.summary = "show or remove the firewall tables tcpshake's guard left",
	.exec = guard_exec,
};
