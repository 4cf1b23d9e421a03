/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run-report.h: the events `tcpshake run` makes itself (an unparsed
 * file, the summary of all files), into its output (output.h). */
#ifndef TCPSHAKE_RUN_REPORT_H
#define TCPSHAKE_RUN_REPORT_H

#include <stdbool.h>

struct output;

/* A file that does not parse still gets its verdict (TAP: not ok). */
void	 run_report_unparsed(struct output *, const char *file);
/* All files: counts and the verdict (stopped: interrupted). */
void	 run_report_summary(struct output *, int pass, int failed,
	    int errors, bool stopped);

#endif
