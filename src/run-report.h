/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run-report.h: the events `tcpshake run` makes itself (an unparsed
 * file, the summary of all files), into its output (output.h), and the
 * sink the engine's events go through. */
#ifndef TCPSHAKE_RUN_REPORT_H
#define TCPSHAKE_RUN_REPORT_H

#include <stdbool.h>

struct event;
struct obs_state;
struct output;

/* A file that does not parse still gets its verdict (TAP: not ok). */
void	 run_report_unparsed(struct output *, const char *file);
/* All files: counts and the verdict (stopped: interrupted). */
void	 run_report_summary(struct output *, int pass, int failed,
	    int errors, bool stopped);

/* What the engine's events go through: the sinks, and after each segment
 * the state it puts our flow in, inferred (obs-state.c: run's flows have
 * no TCB); the target's states with --peer-netns come from the session
 * (session.c). run_report_emit() is the engine's emit, a run_out its
 * argument. */
struct run_out {
	struct output		*out;
	struct obs_state	*obs;	/* this file's flows */
};
void	 run_report_emit(void *run_out, const struct event *);

#endif
