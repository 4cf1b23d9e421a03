/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fmt.h: the small formatting helpers every sink shares: times, endpoints,
 * the relative view of a segment, and a step's verdict in words. */
#ifndef TCPSHAKE_FMT_H
#define TCPSHAKE_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "outcome.h"
#include "segment.h"

/* Seconds.microseconds since the run started ("0.000123", "-0.000001"),
 * into buf. */
char	*fmt_time(int64_t t_ns, char *buf, size_t len);
/* "198.18.0.1:80" or "[2001:db8::1]:80" into buf. */
char	*fmt_endpoint(const struct ipaddr *, uint16_t port, char *buf,
	    size_t len);
/* The segment as the reader should see it: seq, ack and SACK blocks made
 * relative when the event says so. `out` shares seg's payload: do not
 * segment_clear() it. */
void	 fmt_view_segment(const struct event *ev, struct segment *out);
/* A step's verdict as the text report says it, allocated: "ok   12
 * 0.100123    +52 us  > S. 0:0(0) ack 1 ..." or a FAIL with the expected
 * line, what came and the differences on the lines below; for line 0 the
 * file's "FILE: ok, N steps" (FAIL, STOPPED, ERROR). */
char	*fmt_outcome(const struct step_outcome *);

#endif
