/* SPDX-License-Identifier: GPL-2.0-or-later */
/* read-shake.h: `read --shake`, the segments of a capture to and from one
 * endpoint written back as a scenario file that `tcpshake run` plays. */
#ifndef TCPSHAKE_READ_SHAKE_H
#define TCPSHAKE_READ_SHAKE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "segment.h"

/*
 * The endpoint is the target: a segment to it is a '<' line (the prober
 * sends it), one from it a '>' line (the prober expects it). Each
 * connection with it is a flow; a capture with several gets named flows.
 *
 * Numbers follow tcpshake-scenario(5): the prober's first SYN of a flow
 * carries its ISN literally, every later number of a side is relative to
 * that side's SYN, and a side whose SYN is not in the capture keeps its
 * numbers absolute ('!'). '<' lines keep everything that was sent:
 * window, options, payload. '>' lines keep flags, numbers and payload;
 * the target's window is left out (not compared) and its options are
 * written out only on its SYN, or on its first segment with timestamps
 * when no SYN of it carried them, so that run learns the target's TS
 * clock from them; elsewhere they are <...>.
 *
 * A super-segment (TSO, GSO, GRO) longer than the MSS its receiver's SYN
 * offered, less its option bytes, is written as the segments it was on
 * the wire (offload.h), as run will match them.
 *
 * Times: the first line at 0.000000, then each line relative to the one
 * before it (+0.000150), in microseconds.
 */
struct shake;

/* `source` names the capture in the header comment. */
struct shake *shake_new(const char *source, const struct ipaddr *addr,
	    uint16_t port);
/* Take one decoded segment at t_ns (ns since the capture's first packet);
 * false when it is neither to nor from the endpoint. */
bool	 shake_add(struct shake *, const struct segment *, int64_t t_ns);
/* Take an ICMP error about a segment of the endpoint's (quote: its
 * addresses, ports and seq; qlen its payload bytes) at t_ns: a '<'
 * line "icmp TYPE [CODE] [mtu N] [start:end(len)]" of its flow, start
 * relative to the endpoint's ISN. False when it quotes no segment of the
 * endpoint's. */
bool	 shake_add_icmp(struct shake *, int family, uint8_t type,
	    uint8_t code, uint32_t rest, const struct segment *quote,
	    uint32_t qlen, int64_t t_ns);
/* How many segments were taken. */
size_t	 shake_count(const struct shake *);
/* Print the scenario. */
void	 shake_write(const struct shake *, FILE *);
void	 shake_free(struct shake *);

#endif
