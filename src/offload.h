/* SPDX-License-Identifier: GPL-2.0-or-later */
/* offload.h: what a capture holds where the kernel left work to the NIC:
 * checksums not filled in yet (CHECKSUM_PARTIAL), and super-segments (GSO,
 * TSO, GRO) that were several segments on the wire. */
#ifndef TCPSHAKE_OFFLOAD_H
#define TCPSHAKE_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "segment.h"

/*
 * The verdict on a received checksum `field`, the right one being `right`,
 * for a TCP segment of tcplen bytes (header and payload) between src and
 * dst. CKSUM_OK when it is right (0x0000 and 0xffff are both zero);
 * CKSUM_OFFLOADED when it is the pseudo-header sum that Linux leaves for
 * the NIC under CHECKSUM_PARTIAL (~tcp_v4_check(len, saddr, daddr, 0), the
 * same for IPv6), for a segment or a whole super-segment; CKSUM_BAD
 * otherwise. libpcap does not pass on the kernel's TP_STATUS_CSUMNOTREADY
 * flag, so the value is all there is: a wrong checksum that happens to
 * equal the pseudo-header sum (1 in 65536) is taken as offloaded.
 */
enum cksum_state offload_cksum_verdict(uint16_t field, uint16_t right,
	    const struct ipaddr *src, const struct ipaddr *dst, size_t tcplen);

/* The interface's MTU, or 0 when it cannot be learned (NULL, "any"). */
unsigned offload_iface_mtu(const char *ifname);
/* True when the interface hands captures super-segments or may: TSO, GSO
 * or GRO on (ethtool). False when all are off or it cannot be told. */
bool	 offload_iface_segments(const char *ifname);

/*
 * Super-segments. A captured IP packet of iplen bytes longer than the MTU
 * of the interface it was captured on cannot have crossed that link whole:
 * the sender's TSO/GSO or the receiver's GRO made it. offload_split_size
 * gives the payload of each wire segment the way the sender cut it:
 * min(syn_mss, MTU - IP header - 20) minus the option bytes in seg's
 * header (syn_mss 0: not known, the MTU alone). 0 when seg is no
 * super-segment or no size can be had.
 */
uint32_t offload_split_size(const struct segment *seg, uint32_t iplen,
	    unsigned mtu, uint16_t syn_mss);
/* The same for a segment whose receiver offered mss in its SYN, where no
 * MTU is known (a capture file): a payload longer than mss less seg's
 * option bytes cannot have been one segment from a sender that keeps to
 * the MSS. 0 when it fits, or no mss is known (0). */
uint32_t offload_split_size_mss(const struct segment *seg, uint32_t mss);
/*
 * Cut seg into segments of `size` payload bytes (the last one shorter) as
 * tcp_gso_segment does: seq advanced, CWR on the first only, PSH and FIN
 * on the last only, options and the rest copied, the IPv4 id counted up.
 * Returns how many; *out (free with offload_split_free) holds them.
 */
size_t	 offload_split(const struct segment *seg, uint32_t size,
	    struct segment **out);
void	 offload_split_free(struct segment *, size_t n);
/* Both in one: the segments a captured one of iplen bytes was on the wire
 * (itself alone, copied, when it is no super-segment). */
size_t	 offload_wire_segments(const struct segment *seg, uint32_t iplen,
	    unsigned mtu, uint16_t syn_mss, struct segment **out);

#endif
