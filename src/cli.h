/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli.h: the option tables every subcommand is parsed from: getopt's
 * arrays, `COMMAND --help`, --version, "did you mean" and the missing-value
 * messages all come from the same rows, so they cannot disagree. */
#ifndef TCPSHAKE_CLI_H
#define TCPSHAKE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <stdint.h>

/* A subcommand: each cmd-*.c defines one (tcpshake.h lists them). */
struct cmd_entry {
	const char	*name;
	const char	*usage;		/* one line: "read [-e] [--json] FILE" */
	const char	*summary;	/* one sentence for `tcpshake help` */
	int		(*exec)(int argc, char **argv);	/* argv[0] = name */
};

/* Global options, parsed before the subcommand. */
struct global_opts {
	int	verbose;
	bool	quiet;
};
extern struct global_opts gopts;

/* Parse a whole number in [min, max] for option `what`; exit 2 naming the
 * option if it is not one. */
uint64_t parse_uint(const char *s, uint64_t min, uint64_t max,
	    const char *what);
/* Parse a duration: "250us", "10ms", "1s", "1.5" (seconds), "2m".
 * Returns nanoseconds; exit 2 naming the option if unparsable. */
int64_t	 parse_duration(const char *s, const char *what);
/* SIGINT, SIGTERM and SIGHUP call fn (which sets a flag the command's
 * loops poll): a command ends them its own way. */
void	 cli_catch_stops(void (*fn)(int));

/* One option. A table ends with a row whose name and letter are both
 * empty. */
struct cli_opt {
	const char	*name;		/* long name without "--", or NULL */
	int		 letter;	/* short letter, or 0 */
	int		 id;		/* what cli_next() returns */
	const char	*arg;		/* the value's name ("N", "T"), or NULL
					 * when it takes none; "[=NAME]" for
					 * an optional one (--opt=NAME) */
	const char	*help;		/* one line */
	unsigned	 scope;		/* 0: every command using the table;
					 * else the bits a command asks for */
	const char	*deprecated;	/* spelling to use instead (a warning
					 * line), "" for a silent alias, or
					 * NULL; not in --help */
};

/* A command's tables, in the order --help lists them. */
struct cli_table {
	const char		*title;	/* heading in --help, or NULL */
	const struct cli_opt	*opts;
	unsigned		 scope;	/* rows whose scope shares a bit (or
					 * scope 0) are this command's */
};
#define CLI_MAX_TABLES	6

/* Ids every command gets from cli_next() without asking. */
enum {
	CLI_QUIET = 0x7f000001,	/* -q, --quiet */
	CLI_VERBOSE,		/* -v, --verbose */
};

struct cli {
	const struct cmd_entry	*cmd;
	struct cli_table	 tables[CLI_MAX_TABLES + 1];
	size_t			 ntables;
	int			 argc;
	char			**argv;
	bool			 in_order;	/* stop at the first operand */
	void			*longopts;	/* struct option[] */
	char			*shortopts;
	const char		*arg;		/* the current option's value */
	const struct cli_opt	*opt;		/* the current option's row */
};

/* Start parsing argv (argv[0] is the command's name, or its action for
 * `lab ACTION`). tables ends with a NULL opts. in_order: operands end the
 * options (lab exec CMD..., serve --mode banner TEXT). */
void	 cli_begin(struct cli *, const struct cmd_entry *,
	    const struct cli_table *tables, bool in_order, int argc,
	    char **argv);
/* The next option's id; -1 when the options are done (cli_optind() is
 * the first operand). -h/--help and --version are answered here (exit 0);
 * an unknown option or a missing value ends the program with one line
 * naming the fix (exit 2). -q/-v set gopts and return CLI_QUIET and
 * CLI_VERBOSE. */
int	 cli_next(struct cli *);
int	 cli_optind(const struct cli *);
/* Take the next word as the current option's second value (lab up
 * --firewall drop 81): the caller read it at argv[cli_optind()]. */
void	 cli_skip(struct cli *);
/* After the options: the one operand (a target); none or more than one
 * ends the program, `missing` saying what to give. */
const char *cli_one_operand(const struct cli *, const char *missing);
/* The operand as a target (target.h): one line and exit 2 when it does not
 * parse, or when it names a port and -p did too (port_given). */
struct target;
void	 cli_target(const char *cmd, const char *arg, bool port_given,
	    struct target *);
void	 cli_end(struct cli *);

/* "tcpshake: CMD: WHAT (see 'tcpshake CMD --help')", exit 2. */
struct script_def;
/* -D NAME=value (NAME: letters, digits and '_', not a digit first) added
 * to *v; the name allocated, the value arg's own. A bad one ends the
 * program with one line naming `who`. */
void	 cli_define(const char *who, const char *arg, struct script_def **v,
	    size_t *n);
void	 cli_usage_error(const struct cmd_entry *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/* Print the options of a command, one line each (what --help shows). */
void	 cli_print_help(FILE *, const struct cmd_entry *,
	    const struct cli_table *);

/* Levenshtein distance, for "did you mean". */
size_t	 cli_distance(const char *, const char *);

#endif
