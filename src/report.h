/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report.h: the sinks that turn events into output: text for people,
 * JSON Lines for programs, pcap files for Wireshark and tcpdump. */
#ifndef TCPSHAKE_REPORT_H
#define TCPSHAKE_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "event.h"

/* Text sink flags. */
#define REPORT_EXPLAIN	0x01	/* after each segment, every field in words */
#define REPORT_HEX	0x02	/* after each segment, a hex dump of the IP packet */
#define REPORT_IP	0x04	/* IP fields on the packet line: (ttl N) (tos 0xNN) */

/* Text: one line per event on `out` (not closed by the sink). */
void	*report_text_new(FILE *out, int flags);
extern const struct sink_ops report_text_ops;

/* JSON Lines: one object per event on `out` (not closed by the sink). The
 * keys are documented in tcpshake(1) under "read". */
void	*report_json_new(FILE *out);
extern const struct sink_ops report_json_ops;

/* pcap: the IP packet of every EV_SEGMENT event as a LINKTYPE_RAW record
 * with nanosecond stamps, flushed record by record. NULL and one line in
 * err when the file cannot be created. */
void	*report_pcap_new(const char *path, char *err, size_t errlen);
extern const struct sink_ops report_pcap_ops;

/* Ladder: the conversation as ASCII arrows between the prober (left) and
 * the target (right), the time in ms, each end's state in its margin (from
 * EV_STATE; DIR_FROM_TARGET is the target's), notes between the arrows,
 * lines at most 99 columns wide. A row waits for the states its segment
 * causes, so output lags one row until the next segment or close. flags:
 * REPORT_IP adds (ttl N) to the labels; others are ignored. `out` is not
 * closed by the sink. */
void	*report_ladder_new(FILE *out, int flags);
/* The same as an SVG picture, written whole when the sink closes (with
 * report_ladder_ops too). */
void	*report_ladder_svg_new(FILE *out, int flags);
extern const struct sink_ops report_ladder_ops;

/* TAP: one test per scenario file from the engine's EV_STEP outcomes
 * (outcome.h): "ok 1 - FILE" or "not ok 1 - FILE" followed by "# " lines
 * for each failed step (file:line and the differences, the expected
 * line, what arrived); the plan "1..N" when the sink closes. Other
 * events are ignored. `out` is not closed by the sink. */
void	*report_tap_new(FILE *out);
extern const struct sink_ops report_tap_ops;

/* JUnit XML into path, for CI systems: one testsuite per scenario file
 * (its name, counts, run time and start), one testcase per step that
 * checks the target ('>' lines and commands; "line N: LINE"), with the
 * time since the previous step; a failed step's <failure> has the
 * differences as its message and the expected line and what came as its
 * text; a setup error or a stop is a testcase with an <error>. Written
 * whole when the sink closes. NULL and one line in err when the file
 * cannot be created. */
void	*report_junit_new(const char *path, char *err, size_t errlen);
extern const struct sink_ops report_junit_ops;

#endif
