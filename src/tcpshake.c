/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tcpshake.c: main, the global options and the subcommand table. Each
 * subcommand lives in its own cmd-*.c file. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tcpshake.h"
#include "xmalloc.h"

static const struct cmd_entry *const cmd_table[] = {
	&cmd_read_entry,
	&cmd_probe_entry,
	&cmd_guard_entry,
	&cmd_serve_entry,
	&cmd_lab_entry,
	&cmd_connect_entry,
	&cmd_run_entry,
	&cmd_shell_entry,
};
#define NCMDS (sizeof cmd_table / sizeof cmd_table[0])

static void
usage_all(FILE *f)
{
	size_t i;

	fprintf(f, "usage: tcpshake [-q] [-v] COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-9s %s\n", cmd_table[i]->name,
		    cmd_table[i]->summary);
	fprintf(f, "\n'tcpshake COMMAND --help' for a command's options; "
	    "'man tcpshake' for all.\n");
}

static const struct cmd_entry *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

/* An unknown command: the nearest one when it looks like a slip. */
static int
cmd_unknown(const char *name)
{
	size_t i, d, bestd = (size_t)-1, best = 0;

	for (i = 0; i < NCMDS; i++)
		if ((d = cli_distance(name, cmd_table[i]->name)) < bestd) {
			bestd = d;
			best = i;
		}
	if (bestd <= 2)
		fprintf(stderr, "tcpshake: unknown command '%s': did you mean "
		    "'%s'? (see 'tcpshake --help')\n", name,
		    cmd_table[best]->name);
	else
		fprintf(stderr, "tcpshake: unknown command '%s' (see "
		    "'tcpshake --help')\n", name);
	return 2;
}

int
main(int argc, char **argv)
{
	const struct cmd_entry *cmd;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-q") == 0 ||
		    strcmp(argv[i], "--quiet") == 0)
			gopts.quiet = true;
		else if (strcmp(argv[i], "-v") == 0 ||
		    strcmp(argv[i], "--verbose") == 0)
			gopts.verbose++;
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			usage_all(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("tcpshake %s\n", PACKAGE_VERSION);
			return 0;
		} else {
			fprintf(stderr, "tcpshake: unknown option '%s' "
			    "(see 'tcpshake --help')\n", argv[i]);
			return 2;
		}
	}
	if (i == argc) {
		fprintf(stderr, "tcpshake: no command (give one of");
		for (i = 0; i < (int)NCMDS; i++)
			fprintf(stderr, " %s", cmd_table[i]->name);
		fprintf(stderr, "; see 'tcpshake --help')\n");
		return 2;
	}
	if (strcmp(argv[i], "help") == 0) {
		usage_all(stdout);
		return 0;
	}
	if ((cmd = cmd_find(argv[i])) == NULL)
		return cmd_unknown(argv[i]);
	return cmd->exec(argc - i, argv + i);
}
