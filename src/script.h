/* SPDX-License-Identifier: GPL-2.0-or-later */
/* script.h: a .shake scenario file parsed into steps (the language of
 * tcpshake-scenario(5)), its printer, and its error messages. */
#ifndef TCPSHAKE_SCRIPT_H
#define TCPSHAKE_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "event.h"
#include "segment.h"
#include "step.h"

/* A TCP connection the scenario plays; one per TCB and source port. */
struct script_flow {
	char		*name;		/* NULL: the implicit flow of a file
					 * that declares none */
	uint16_t	 sport;		/* 0: the engine picks a free port */
	int		 line;		/* of its "flow" line; 0 if implicit */
};

/* An option line "--name=value" (or "--name"), name with '-' as '_'. */
struct script_option {
	char		*name;
	char		*value;		/* "" when none was given */
	int		 line;
};

#define SCRIPT_TOLERANCE_USECS		4000
#define SCRIPT_TOLERANCE_PERCENT	12.5

struct script_lab;

struct script {
	char		*file;		/* the name errors use */
	struct script_option *options;	/* in file order */
	size_t		 noptions;
	int64_t		 tolerance_usecs;	/* SCRIPT_TOLERANCE_USECS unless
						 * --tolerance_usecs= */
	double		 tolerance_percent;	/* likewise */
	char		*target_host;	/* NULL when neither the file nor the
					 * caller gave one; IPv6 unbracketed */
	uint16_t	 target_port;
	int		 target_line;	/* 0 when from the command line */
	struct script_lab *lab;		/* its "lab" lines (script-lab.h), or
					 * NULL: what `run --lab` builds */
	struct script_flow *flows;	/* always at least one */
	size_t		 nflows;
	struct step	*steps;
	size_t		 nsteps;
	bool		 syscalls;	/* it has system-call lines: its
					 * commands run in the target's
					 * namespace too */
	char		**warnings;	/* "FILE:LINE:COL: warning: MSG":
					 * what was read and ignored */
	size_t		 nwarnings;
};

/* -D NAME=value pairs and what the command line says. */
struct script_def {
	const char	*name;		/* [A-Za-z_][A-Za-z0-9_]* */
	const char	*value;
};

struct script_defs {
	const struct script_def *v;	/* the command line wins over the
					 * file's --define lines */
	size_t		 n;
	const char	*target;	/* --target HOST:PORT, or NULL; wins
					 * over the file's target line */
	bool		 need_target;	/* no target at all is an error */
	bool		 syscalls;	/* system-call lines are steps (a lab
					 * target: run --lab, --peer-netns);
					 * else each is refused */
	const struct script_option *opts;	/* option lines from the
					 * command line (run --ip_version,
					 * -O NAME=VALUE): they win over the
					 * file's lines of the same name */
	size_t		 nopts;
};

/* What a scenario may hold (tcpshake-scenario(5), LIMITS); beyond, the
 * parser refuses the file with one error. */
#define SCRIPT_MAX_BYTES	(16 * 1024 * 1024)	/* the whole file */
#define SCRIPT_MAX_LINES	100000		/* physical lines */
#define SCRIPT_MAX_LINE_LEN	(256 * 1024)	/* bytes in one line */
#define SCRIPT_MAX_FLOWS	4096

/* Parse errors, in file order; at most SCRIPT_MAX_ERRORS are kept and
 * parsing stops there. */
#define SCRIPT_MAX_ERRORS	20

struct script_error {
	char		*file;
	int		 line;		/* 0: about the whole file */
	int		 column;	/* 1-based; 0: no caret */
	char		*source;	/* the line as written, or NULL */
	char		*msg;
};

struct script_errors {
	struct script_error *v;
	size_t		 n;
	bool		 truncated;	/* more errors than were kept */
};

/* NULL on any error, with errs filled (it must start empty or be reused
 * after script_errors_clear()). defs may be NULL. */
struct script *script_parse_file(const char *path,
	    const struct script_defs *defs, struct script_errors *errs);
/* A file's text whole, to parse with script_parse_string() (a file read
 * once: run --lab's standard input): path ("-": standard input), or with
 * fd >= 0 what descriptor fd holds (closed after; path names it). NULL
 * with one error in errs. */
char	*script_read_file(const char *path, int fd,
	    struct script_errors *errs);
/* The same from a string; `name` stands for the file in messages. */
struct script *script_parse_string(const char *name, const char *text,
	    const struct script_defs *defs, struct script_errors *errs);
void	 script_free(struct script *);

/* Its warnings, one a line, on f. */
void	 script_warnings_print(FILE *f, const struct script *);

/* The value of option line --name=, or NULL. */
const char *script_option(const struct script *, const char *name);

/* The canonical text: parsing it again gives the same steps. */
void	 script_print(FILE *, const struct script *);
/* The same into a new string; free() it. */
char	*script_format(const struct script *);
/* One step's line as script_print() writes it; free() it. */
char	*script_step_format(const struct script *, const struct step *);
/* A time as written ("+0.100", "0.9~1.1", "*"); buf holds 64. */
const char *script_time_str(const struct step_time *, char *buf, size_t);

/*
 * "FILE:LINE:COL: error: MSG", then the line and a caret under COL:
 *
 *	demo.shake:3:7: error: expected '<' or '>' after the time
 *	  +0.1  S 0:0(0) win 1000
 *	        ^
 */
void	 script_errors_print(FILE *, const struct script_errors *);
/* The same into a new string (for TAP diagnostics, JSON); free() it. */
char	*script_errors_format(const struct script_errors *);
void	 script_errors_clear(struct script_errors *);

/* "HOST:PORT", "[V6]:PORT": false with why (one sentence) otherwise. */
bool	 script_target_parse(const char *, char **host, uint16_t *port,
	    char *why, size_t whylen);

#endif
