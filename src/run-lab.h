/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run-lab.h: `tcpshake run --lab FILE...`: each file in a private lab
 * built from its "lab" header lines, torn down on every exit path. */
#ifndef TCPSHAKE_RUN_LAB_H
#define TCPSHAKE_RUN_LAB_H

#include <stdbool.h>
#include <stddef.h>

#include "script.h"

struct run_lab_args {
	char		**opts;		/* run's options as given, up to the
					 * files (--lab and "--" are left out
					 * for the child) */
	int		 nopts;
	char		**files;
	int		 nfiles;
	const struct script_def *defs;	/* -D NAME=value */
	size_t		 ndefs;
	const char	*target;	/* --target, or NULL */
	const struct script_option *lines;	/* the command line's option
					 * lines (the child gets them too) */
	size_t		 nlines;
	bool		 one_report;	/* --junit, --svg, -w: a report of
					 * one file */
	bool		 tap;		/* --tap: one stream of all files */
	const char	*lab_name;	/* --lab=NAME: every file in that lab,
					 * which is up and stays up; NULL:
					 * each in a lab of its own */
};

/*
 * For each file: parse it, build its lab (a name of its own; or use lab
 * lab_name as it is, its lines not applied), run
 * `tcpshake run` on it in a child that enters the client namespace (the
 * target the lab's server, its states read with --peer-netns), remove the
 * lab. SIGINT, SIGTERM and SIGHUP go on to the child; the lab is removed
 * and no further file runs. Returns run's exit status: 0 all passed, 1 a
 * step failed, 2 an error or an interrupt.
 */
int	 run_lab_files(const struct run_lab_args *);

#endif
