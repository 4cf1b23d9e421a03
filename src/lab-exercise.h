/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab-exercise.h: the lab exercises (labs/NN-name.shake and its worksheet
 * labs/NN-name.md): `tcpshake lab list` and `tcpshake lab exercise NAME`. */
#ifndef TCPSHAKE_LAB_EXERCISE_H
#define TCPSHAKE_LAB_EXERCISE_H

#include <stdbool.h>
#include <stddef.h>

#include "script.h"

struct exercise_opts {
	bool		 no_worksheet;	/* --no-worksheet */
	bool		 quick;		/* --quick: the file's "lab quick"
					 * -D's and -D QUICK=1 */
	const char	*name;		/* NN-name, name or NN */
	const struct script_def *defs;	/* -D NAME=value, in order */
	size_t		 ndefs;
	char		**dargs;	/* the same as given: "NAME=value" */
};

/* The directory the exercises are read from: $TCPSHAKE_LABS, else the
 * source tree's labs/ for a tcpshake run from its build tree, else the
 * installed share/tcpshake/labs. */
const char *exercise_dir(void);
/* One line an exercise, "NN-name  title", in order; 0, or 2 when the
 * directory cannot be read. */
int	 exercise_list(void);
/*
 * The worksheet (unless no_worksheet), then the run, as `tcpshake run
 * --lab --ladder FILE` runs it (run-lab.c), then with a "lab explain"
 * line `tcpshake read -e` of the run's capture. Returns run's exit status
 * (0 passed, 1 a step failed, 2 an error); an unknown name is one line
 * naming the close ones, and 2.
 */
int	 exercise_run(const struct exercise_opts *);

#endif
