/* SPDX-License-Identifier: GPL-2.0-or-later */
/* outcome.h: a scenario step's verdict as data (EV_STEP), built by the
 * engine and put into words by the sinks (fmt.h), never by the engine. */
#ifndef TCPSHAKE_OUTCOME_H
#define TCPSHAKE_OUTCOME_H

#include <stdbool.h>
#include <stdint.h>

/* `line` 0 is the file's own verdict, sent once at the end of each file:
 * ok when every step passed, with counts. */
struct step_outcome {
	const char	*file;
	int		 line;		/* 0: the file's verdict */
	bool		 ok;
	const char	*flow;		/* the step's flow name, or NULL */
	bool		 from_target;	/* a '>' line */
	const char	*expected;	/* the step's line as written */
	const char	*got;		/* what arrived, in the same syntax, or
					 * NULL (none, or not a '>' line) */
	bool		 awaited;	/* a '>' packet line: NULL got means
					 * nothing came by the deadline */
	bool		 asserts;	/* a '>' line or a command: it checks
					 * the target (a send or a wait does
					 * not; JUnit makes a test case of
					 * each step that does) */
	const char	*why;		/* the differences, joined by "; ", or
					 * NULL when ok */
	int64_t		 t_ns;		/* when it happened (run's clock) */
	int64_t		 dev_ns;	/* from the scheduled time or window */
	bool		 has_dev;
	/* The file's verdict (line 0). */
	int		 nsteps;	/* steps run */
	int		 nfailed;
	int		 nsteps_file;	/* steps in the file */
	int		 nlate;		/* sends later than their time by more
					 * than the tolerance (they pass) */
	bool		 stopped;	/* by a signal */
	const char	*error;		/* setup error that stopped the file */
};

#endif
