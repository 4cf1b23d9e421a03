/* SPDX-License-Identifier: GPL-2.0-or-later */
/* match.h: an expected scenario step against a segment the target sent,
 * field by field, and a time against its window; no network, no clock. */
#ifndef TCPSHAKE_MATCH_H
#define TCPSHAKE_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "segment.h"
#include "seqspace.h"

/*
 * Script numbers are relative (SCENARIO.md): the target's seq numbers to
 * the ISN it chose, its ack numbers (and SACK blocks) to ours. A number
 * marked '!' is absolute. Until the target's ISN is known (before its SYN
 * or SYN-ACK; a RST answering our SYN) its seq numbers are taken as
 * absolute, so "R. 0:0(0) ack 1" matches Linux's RST to a SYN.
 *
 * TCP timestamps: the target's TS val runs on its own clock, so an
 * expected TS val is not compared (packetdrill does the same unless told
 * a clock tick); the first one seen ties the script's value to the real
 * one (the seqspace's ts_offset), and an ecr we send is moved by that
 * offset, so a script can echo "the val the target sent". An expected ecr
 * is ours and compared as written.
 *
 * The bases are a struct seqspace (seqspace.h): SEQ_LOCAL is ours,
 * SEQ_REMOTE the target's.
 */
#define MATCH_MAX_DIFFS	16
#define MATCH_DIFF_LEN	192

/* Every differing field, as "ack: expected 1, got 2". */
struct match_result {
	int	 ndiffs;
	char	 diff[MATCH_MAX_DIFFS][MATCH_DIFF_LEN];
};

/* Learn from an expected line and the segment meeting it: the target's
 * ISN from its SYN (seq as the script wrote it), the TS val offset; a
 * target's SYN with a new ISN met by a relative SYN line starts both
 * sides' numbers afresh (the target connected again). Call before
 * match_segment(). */
void	 match_learn(struct seqspace *, const struct segment *exp,
	    const struct segment *got);
/* True when got meets exp; r gets every difference either way. */
bool	 match_segment(const struct segment *exp, const struct segment *got,
	    const struct seqspace *, struct match_result *r);
/* The differences joined with "; " into a new string (free() it). */
char	*match_result_str(const struct match_result *);

/* A copy of got with its numbers in the script's space (relative to the
 * bases unless exp marks them absolute; exp may be NULL), for printing
 * in the same syntax as the expected line. Free with segment_clear(). */
void	 match_view(const struct segment *got, const struct segment *exp,
	    const struct seqspace *, struct segment *out);
/* What we send for a '<' line: numbers from the script's space to the
 * wire (our seq from our ISN, ack and SACK blocks from theirs, ecr by
 * the TS offset). Our first SYN sets our ISN and goes out as written;
 * until then our numbers are absolute. out is a copy of exp (free with
 * segment_clear()). */
void	 match_outgoing(const struct segment *exp, struct seqspace *,
	    struct segment *out);

/*
 * Time: packetdrill's tolerance, the larger of tol_usecs and tol_percent
 * of the gap since the previous step, on both sides of [lo_ns, hi_ns].
 */
int64_t	 match_tolerance_ns(int64_t tol_usecs, double tol_percent,
	    int64_t gap_ns);
/* True when got_ns lies in [lo_ns - tol_ns, hi_ns + tol_ns]. *dev_ns gets
 * the deviation from the window (0 inside it, negative when early). On
 * failure why gets "time: expected 1.000000~1.100000 (+-0.004000), got
 * 1.300000 (200000 us late)". */
bool	 match_time(int64_t lo_ns, int64_t hi_ns, int64_t tol_ns,
	    int64_t got_ns, int64_t *dev_ns, char *why, size_t whylen);

#endif
