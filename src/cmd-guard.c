/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-guard.c: `tcpshake guard --list | --flush [--all]`, the firewall
 * tables tcpshake's guards left in this network namespace, shown or removed. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "guard.h"
#include "tcpshake.h"
#include "xmalloc.h"

/* Parsed options (the only globals a front end keeps). */
struct guard_opts {
	bool	list;
	bool	flush;
	bool	all;
};

enum { GO_LIST = 1, GO_FLUSH, GO_ALL };

static const struct cli_opt guard_opt_table[] = {
	{ "list", 'l', GO_LIST, NULL, "list tcpshake's tables in this "
	    "network namespace", 0, NULL },
	{ "flush", 'f', GO_FLUSH, NULL, "remove those of dead processes", 0,
	    NULL },
	{ "all", 'a', GO_ALL, NULL, "with --flush: those of live ones too",
	    0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static const struct cli_table guard_tables[] = {
	{ "Guard options", guard_opt_table, 0 },
	{ NULL, NULL, 0 },
};

static void
guard_parse(int argc, char **argv, struct guard_opts *o)
{
	struct cli c;
	int id, ind;

	memset(o, 0, sizeof *o);
	cli_begin(&c, &cmd_guard_entry, guard_tables, false, argc, argv);
	while ((id = cli_next(&c)) != -1) {
		o->list |= id == GO_LIST;
		o->flush |= id == GO_FLUSH;
		o->all |= id == GO_ALL;
	}
	ind = cli_optind(&c);
	cli_end(&c);
	if (ind != argc)
		cli_usage_error(&cmd_guard_entry, "unexpected argument '%s' "
		    "(guard takes options only)", argv[ind]);
	if (!o->list && !o->flush)
		cli_usage_error(&cmd_guard_entry, "give --list or --flush");
	if (o->list && o->flush)
		cli_usage_error(&cmd_guard_entry, "--list and --flush exclude "
		    "each other: give one");
	if (o->all && !o->flush)
		cli_usage_error(&cmd_guard_entry, "--all goes with --flush");
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
		if (n == 0 && !gopts.quiet)
			printf("no tcpshake tables in this network namespace\n");
		return 0;
	}
	if ((n = guard_flush(o.all, stdout, err, sizeof err)) == -1)
		fatalx("%s", err);
	if (!gopts.quiet)
		printf("removed %d tcpshake table%s\n", n,
		    n == 1 ? "" : "s");
	return 0;
}

const struct cmd_entry cmd_guard_entry = {
	.name = "guard",
	.usage = "guard --list | --flush [--all]",
	.summary = "show or remove the firewall tables tcpshake's guard left",
	.exec = guard_exec,
};
