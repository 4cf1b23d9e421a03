/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli.c: a subcommand's options from its tables: getopt_long's arrays built
 * from the rows, --help and --version answered, unknown options met with
 * the nearest known one; the global options and the number and duration
 * parsers every front end uses. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "script.h"
#include "target.h"
#include "xmalloc.h"

struct global_opts gopts;

enum { CLI_HELP = 0x7f000100, CLI_VERSION };

/* getopt_long's value for a long option: its table and row, above any
 * short option's letter. */
#define CLI_LONG_BASE	0x10000

/* Rows every command has, after its own. */
static const struct cli_opt cli_common[] = {
	{ "quiet", 'q', CLI_QUIET, NULL,
	    "print less (as 'tcpshake -q COMMAND')", 0, NULL },
	{ "verbose", 'v', CLI_VERBOSE, NULL,
	    "print more; twice for even more", 0, NULL },
	{ "help", 'h', CLI_HELP, NULL, "list these options and exit", 0,
	    NULL },
	{ "version", 0, CLI_VERSION, NULL, "print the version and exit", 0,
	    NULL },
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static bool
row_end(const struct cli_opt *o)
{
	return o->name == NULL && o->letter == 0;
}

static bool
row_in(const struct cli_table *t, const struct cli_opt *o)
{
	return o->scope == 0 || t->scope == 0 || (o->scope & t->scope) != 0;
}

/* Every row the command has, its own and the common ones. */
#define CLI_EACH(c, t, o)						\
	for ((t) = (c)->tables; (t) < (c)->tables + (c)->ntables; (t)++) \
		for ((o) = (t)->opts; !row_end(o); (o)++)		\
			if (row_in((t), (o)))

void
cli_begin(struct cli *c, const struct cmd_entry *cmd,
    const struct cli_table *tables, bool in_order, int argc, char **argv)
{
	const struct cli_table *t;
	const struct cli_opt *o;
	struct option *lo;
	size_t n = 0, nl = 0, ns = 0;

	memset(c, 0, sizeof *c);
	c->cmd = cmd;
	for (; tables != NULL && tables->opts != NULL; tables++) {
		if (c->ntables == CLI_MAX_TABLES - 1)
			fatalx("cli: too many option tables");
		c->tables[c->ntables++] = *tables;
	}
	c->tables[c->ntables].opts = cli_common;
	c->tables[c->ntables++].title = "Common options";
	c->argc = argc;
	c->argv = argv;
	c->in_order = in_order;
	CLI_EACH(c, t, o)
		n++;
	lo = xcalloc(n + 1, sizeof *lo);
	c->shortopts = xmalloc(3 * n + 3);
	if (in_order)
		c->shortopts[ns++] = '+';
	c->shortopts[ns++] = ':';
	CLI_EACH(c, t, o) {
		if (o->name != NULL) {
			lo[nl].name = o->name;
			lo[nl].has_arg = o->arg == NULL ? no_argument :
			    o->arg[0] == '[' ? optional_argument :
			    required_argument;
			lo[nl].val = CLI_LONG_BASE + (int)(o - t->opts) +
			    (int)(t - c->tables) * 1000;
			nl++;
		}
		if (o->letter != 0) {
			c->shortopts[ns++] = (char)o->letter;
			if (o->arg != NULL)
				c->shortopts[ns++] = ':';
			if (o->arg != NULL && o->arg[0] == '[')
				c->shortopts[ns++] = ':';
		}
	}
	c->shortopts[ns] = '\0';
	c->longopts = lo;
	optind = 1;
	opterr = 0;
}

void
cli_end(struct cli *c)
{
	free(c->longopts);
	free(c->shortopts);
	c->longopts = NULL;
	c->shortopts = NULL;
}

int
cli_optind(const struct cli *c)
{
	(void)c;
	return optind;
}

void
cli_skip(struct cli *c)
{
	if (optind < c->argc)
		optind++;
}

const char *
cli_one_operand(const struct cli *c, const char *missing)
{
	if (optind >= c->argc)
		cli_usage_error(c->cmd, "%s", missing);
	if (optind + 1 < c->argc)
		cli_usage_error(c->cmd, "one target only ('%s' is one too "
		    "many)", c->argv[optind + 1]);
	return c->argv[optind];
}

void
cli_target(const char *cmd, const char *arg, bool port_given,
    struct target *t)
{
	char err[256];
	int rc;

	if ((rc = target_parse(arg, t, err, sizeof err)) < 0)
		fatalx("%s: %s%s", cmd, err, rc == TARGET_AMBIGUOUS ?
		    " (or give the port with -p)" : "");
	if (t->port != 0 && port_given)
		fatalx("%s: '%s' names a port and so does -p: give one", cmd,
		    arg);
}

void
cli_usage_error(const struct cmd_entry *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tcpshake: %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'tcpshake %s --help')\n", cmd->name);
	exit(2);
}

size_t
cli_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row, prev, cur, best;

	row = xcalloc(lb + 1, sizeof *row);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

/* The known long option nearest to `name` (no dashes), if near enough to
 * be a slip. */
static const char *
cli_nearest(const struct cli *c, const char *name)
{
	const struct cli_table *t;
	const struct cli_opt *o;
	const char *best = NULL;
	size_t d, bestd = (size_t)-1, len = strlen(name);
	size_t limit = len < 6 ? 2 : len / 3 + 1;

	CLI_EACH(c, t, o) {
		if (o->name == NULL)
			continue;
		d = cli_distance(name, o->name);
		if (strncmp(name, o->name, len) == 0 && len >= 2)
			d = 1;	/* a prefix that getopt found ambiguous */
		if (d < bestd) {
			bestd = d;
			best = o->name;
		}
	}
	return bestd <= limit ? best : NULL;
}

/* A row of the command's tables that the command does not take. */
static bool
cli_out_of_scope(const struct cli *c, const char *name)
{
	const struct cli_table *t;
	const struct cli_opt *o;

	for (t = c->tables; t < c->tables + c->ntables; t++)
		for (o = t->opts; !row_end(o); o++)
			if (o->name != NULL && strcmp(o->name, name) == 0 &&
			    !row_in(t, o))
				return true;
	return false;
}

static void __attribute__((noreturn))
cli_unknown(const struct cli *c, const char *word)
{
	char name[64];
	const char *near;
	size_t n;

	if (word[0] == '-' && word[1] == '-') {
		n = strcspn(word + 2, "=");
		if (n >= sizeof name)
			n = sizeof name - 1;
		memcpy(name, word + 2, n);
		name[n] = '\0';
		if (cli_out_of_scope(c, name))
			cli_usage_error(c->cmd, "--%s is a segment option "
			    "that %s does not take", name, c->cmd->name);
		if ((near = cli_nearest(c, name)) != NULL &&
		    strcmp(near, name) == 0 && word[2 + n] == '=')
			cli_usage_error(c->cmd, "--%s takes no value", name);
		if (near != NULL)
			cli_usage_error(c->cmd, "unknown option '--%s': did you "
			    "mean --%s?", name, near);
		cli_usage_error(c->cmd, "unknown option '--%s'", name);
	}
	if (optopt != 0)
		cli_usage_error(c->cmd, "unknown option '-%c'", optopt);
	cli_usage_error(c->cmd, "unknown option '%s'", word);
}

static const struct cli_opt *
cli_row(const struct cli *c, int val)
{
	const struct cli_table *t;
	const struct cli_opt *o;

	if (val >= CLI_LONG_BASE) {
		t = &c->tables[(val - CLI_LONG_BASE) / 1000];
		return &t->opts[(val - CLI_LONG_BASE) % 1000];
	}
	CLI_EACH(c, t, o)
		if (o->letter == val)
			return o;
	return NULL;
}

static void __attribute__((noreturn))
cli_missing(const struct cli *c)
{
	const struct cli_opt *o = optopt != 0 ? cli_row(c, optopt) : NULL;
	const char *w = c->argv[optind - 1];

	if (o == NULL || o->arg == NULL)
		cli_usage_error(c->cmd, "option '%s' needs a value", w);
	if (w[0] == '-' && w[1] == '-')
		cli_usage_error(c->cmd, "--%s needs a value (--%s %s)",
		    o->name, o->name, o->arg);
	cli_usage_error(c->cmd, "-%c needs a value (-%c %s)", o->letter,
	    o->letter, o->arg);
}

int
cli_next(struct cli *c)
{
	const struct cli_opt *o = NULL;
	int ch;

	ch = getopt_long(c->argc, c->argv, c->shortopts, c->longopts, NULL);
	if (ch == -1)
		return -1;
	if (ch == ':')
		cli_missing(c);
	if (ch == '?' || (o = cli_row(c, ch)) == NULL)
		cli_unknown(c, c->argv[optind - 1]);
	c->arg = optarg;
	c->opt = o;
	if (o->deprecated != NULL && o->deprecated[0] == '\0')
		;	/* a silent alias */
	else if (o->deprecated != NULL && o->name != NULL)
		warnx_("%s: --%s is deprecated: write %s", c->cmd->name,
		    o->name, o->deprecated);
	else if (o->deprecated != NULL)
		warnx_("%s: -%c is deprecated: write %s", c->cmd->name,
		    o->letter, o->deprecated);
	switch (o->id) {
	case CLI_HELP:
		cli_print_help(stdout, c->cmd, c->tables);
		exit(0);
	case CLI_VERSION:
		printf("tcpshake %s\n", PACKAGE_VERSION);
		exit(0);
	case CLI_QUIET:
		gopts.quiet = true;
		break;
	case CLI_VERBOSE:
		gopts.verbose++;
		break;
	}
	return o->id;
}

static void
cli_print_row(FILE *f, const struct cli_opt *o)
{
	char left[64];
	int n = 0;

	if (o->letter != 0)
		n += snprintf(left + n, sizeof left - (size_t)n, "-%c%s",
		    o->letter, o->name != NULL ? ", " : "");
	if (o->name != NULL)
		n += snprintf(left + n, sizeof left - (size_t)n, "--%s",
		    o->name);
	if (o->arg != NULL)
		snprintf(left + n, sizeof left - (size_t)n, "%s%s",
		    o->arg[0] == '[' ? "" : " ", o->arg);
	if (strlen(left) > 24)
		fprintf(f, "  %s\n  %-24s %s\n", left, "", o->help);
	else
		fprintf(f, "  %-24s %s\n", left, o->help);
}

void
cli_print_help(FILE *f, const struct cmd_entry *cmd,
    const struct cli_table *tables)
{
	const struct cli_table *t;
	const struct cli_opt *o;

	fprintf(f, "usage: tcpshake %s\n%s.\n", cmd->usage, cmd->summary);
	for (t = tables; t->opts != NULL; t++) {
		fprintf(f, "\n%s:\n", t->title != NULL ? t->title : "Options");
		for (o = t->opts; !row_end(o); o++)
			if (row_in(t, o) && o->deprecated == NULL)
				cli_print_row(f, o);
	}
	fprintf(f, "\n'man tcpshake' describes them in full.\n");
}

uint64_t
parse_uint(const char *s, uint64_t min, uint64_t max, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (s == NULL || *s == '\0' || *s == '-')
		fatalx("%s: '%s' is not a number (give %" PRIu64 "..%" PRIu64
		    ")", what, s ? s : "", min, max);
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		fatalx("%s: '%s' is not a number in %" PRIu64 "..%" PRIu64,
		    what, s, min, max);
	return v;
}

static const struct {
	const char	*suffix;
	double		 ns;
} duration_units[] = {
	{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	{ "m", 60e9 }, { "", 1e9 },
};

int64_t
parse_duration(const char *s, const char *what)
{
	char *end;
	double v;
	size_t i;

	errno = 0;
	v = strtod(s, &end);
	if (errno == 0 && end != s && v >= 0 && isfinite(v)) {
		for (i = 0; i < sizeof duration_units /
		    sizeof duration_units[0]; i++) {
			if (strcmp(end, duration_units[i].suffix) == 0 &&
			    v * duration_units[i].ns < 9.2e18)
				return (int64_t)(v * duration_units[i].ns + 0.5);
		}
	}
	fatalx("%s: '%s' is not a duration (try 250us, 10ms, 1.5s, 2m)",
	    what, s);
}

void
cli_catch_stops(void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void
cli_define(const char *who, const char *arg, struct script_def **v,
    size_t *n)
{
	const char *eq = strchr(arg, '=');
	struct script_def *d;
	size_t i;

	if (eq == NULL || eq == arg)
		fatalx("%s: -D wants NAME=value, got '%s'", who, arg);
	for (i = 0; arg + i < eq; i++)
		if (!((arg[i] >= 'a' && arg[i] <= 'z') || (arg[i] >= 'A' &&
		    arg[i] <= 'Z') || arg[i] == '_' || (i > 0 &&
		    arg[i] >= '0' && arg[i] <= '9')))
			fatalx("%s: -D %s: NAME takes letters, digits and "
			    "'_', and does not start with a digit", who, arg);
	*v = xreallocarray(*v, *n + 1, sizeof *d);
	d = &(*v)[(*n)++];
	d->name = strndup(arg, (size_t)(eq - arg));
	if (d->name == NULL)
		fatalx("out of memory");
	d->value = eq + 1;
}
