/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run-report.h: the sinks `tcpshake run` reports through, chosen from its
 * options, and the events it makes itself (an unparsed file, the
 * summary). */
#ifndef TCPSHAKE_RUN_REPORT_H
#define TCPSHAKE_RUN_REPORT_H

#include <stdbool.h>

#include "event.h"

enum run_format { RUN_TEXT, RUN_JSON, RUN_TAP, RUN_LADDER };

struct run_report {
	enum run_format	 format;
	bool		 verbose;	/* text: every segment, not only steps */
	bool		 quiet;		/* text: failed steps and the summary */
	const char	*pcap;		/* -w FILE */
	const char	*junit;		/* --junit FILE */
	const char	*svg;		/* --svg FILE */
};

/* The chain (the status line first where it may show); a file that
 * cannot be written ends the program with one line. */
struct sink *run_report_open(const struct run_report *);
/* A file that does not parse still gets its verdict (TAP: not ok). */
void	 run_report_unparsed(struct sink *chain, const char *file);
/* All files: counts and the verdict (stopped: interrupted). */
void	 run_report_summary(struct sink *chain, int pass, int failed,
	    int errors, bool stopped);

#endif
