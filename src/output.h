/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output.h: where a run's events go, chosen from one set of options that
 * every front end fills (probe, connect, run, the shell): standard
 * output's sink (text, JSON Lines, TAP, a ladder) behind -q's filter, the
 * status line, and the files (-w pcap, --junit, --svg); flushed and
 * closed on every path, a fatal one included. */
#ifndef TCPSHAKE_OUTPUT_H
#define TCPSHAKE_OUTPUT_H

#include <stdbool.h>

#include "event.h"

enum output_format {
	OUTPUT_TEXT,
	OUTPUT_JSON,
	OUTPUT_TAP,
	OUTPUT_LADDER,
};

struct output_opts {
	enum output_format format;	/* standard output's sink */
	/* -q: standard output shows summaries and failed steps only. */
	bool		 quiet;
	/* Text shows steps, notes, the target's states and verdicts, not
	 * each segment nor our states (run without -v). */
	bool		 no_segments;
	int		 flags;		/* text, ladder: REPORT_IP, REPORT_HEX
					 * (report.h); --svg takes REPORT_IP */
	/* A status line on stderr while waits last, when it is a terminal
	 * and standard output is text or a ladder without -q (status.h). */
	bool		 status;
	const char	*pcap;		/* -w FILE */
	const char	*junit;		/* --junit FILE */
	const char	*svg;		/* --svg FILE */
};

struct output;

/* The sinks the options ask for, in one chain: the status line, standard
 * output's, then -w, --junit and --svg. A file that cannot be written
 * ends the program with one line ("CMD: -w cannot write 'F': why"). One
 * output open at a time: a fatal exit closes it (atfatal). */
struct output *output_open(const char *cmd, const struct output_opts *);
/* ev to every sink that takes it; the shape of session_config.emit, out
 * an output. */
void	 output_emit(void *out, const struct event *ev);
/* Flush and close every sink and file; NULL is fine. */
void	 output_close(struct output *);

#endif
