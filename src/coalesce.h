/* SPDX-License-Identifier: GPL-2.0-or-later */
/* coalesce.h: packetdrill's super-segments on a wire of MSS-sized ones:
 * the target's contiguous segments merged for one expected line, and a
 * sent line longer than the MTU cut into the segments it would be. */
#ifndef TCPSHAKE_COALESCE_H
#define TCPSHAKE_COALESCE_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "segment.h"

/* How long past an expected line's deadline the rest of its super-
 * segment may come (the kernel's pacing spreads it). */
#define COALESCE_WAIT_NS	100000000LL

/*
 * packetdrill's kernel writes onto a tun device with TSO and GSO, so its
 * '>' lines show the frames the kernel built ("> P. 1:2001(2000)") and
 * its '<' lines may be larger than the MTU (tun takes them whole). A
 * lab's veth carries what the wire would: MSS-sized segments. For a file
 * with system-call lines (packetdrill's), an expected line longer than
 * the segment that came takes the run of contiguous data segments that
 * follow it (ACK and PSH only, one ack number) up to its length, as GRO
 * would merge them; and a sent line is cut at the MTU where the lab's
 * interfaces could not be widened (syscall-step.h).
 */

/* Payload bytes from the head of c's queue that one merge would take:
 * the head and the contiguous segments after it, at most want. */
uint32_t coalesce_run(struct conn *c, uint32_t want);
/* Merge those into the head (their payloads, the last one's PSH and
 * window; the head's time: the kernel paces the MSS-sized segments of
 * what would have been one TSO frame); the others leave the queue. */
void	 coalesce_merge(struct conn *c, uint32_t want);

/* seg cut into segments of at most mss payload bytes (SYN on the first,
 * FIN and PSH on the last); *out holds n (offload_split_free()). */
size_t	 coalesce_cut(const struct segment *seg, uint32_t mss,
	    struct segment **out);

#endif
