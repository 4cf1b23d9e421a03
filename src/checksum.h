/* SPDX-License-Identifier: GPL-2.0-or-later */
/* checksum.h: the Internet checksum (RFC 1071) and TCP's over its IPv4 or
 * IPv6 pseudo-header, for verifying what arrives and for --badsum. */
#ifndef TCPSHAKE_CHECKSUM_H
#define TCPSHAKE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#include "segment.h"

/* One's-complement sum of data folded into 16 bits, added to `sum`; start
 * with 0. Chunks may have any length: after an odd-length chunk the result
 * carries CKSUM_ODD, so the next chunk's bytes pair up as if the chunks
 * were one buffer. Pass the result on unchanged; cksum_finish() drops it. */
#define CKSUM_ODD	0x80000000u
uint32_t cksum_add(uint32_t sum, const void *data, size_t len);
/* Fold and complement: the value that goes in a checksum field. */
uint16_t cksum_finish(uint32_t sum);
/* The TCP checksum for `tcp` (header+options+payload, tcplen bytes) between
 * src and dst, computed as if the checksum field were zero. Without
 * addresses of one family (AF_UNSPEC) there is no pseudo-header to add. */
uint16_t cksum_tcp(const struct ipaddr *src, const struct ipaddr *dst,
	    const uint8_t *tcp, size_t tcplen);
/* The pseudo-header alone, summed and folded but not complemented: what
 * Linux leaves in the checksum field for the NIC to finish (an offloaded
 * checksum, CHECKSUM_PARTIAL). */
uint16_t cksum_tcp_pseudo(const struct ipaddr *src, const struct ipaddr *dst,
	    size_t tcplen);
/* The IPv4 header checksum for hdr (hlen bytes), field taken as zero. */
uint16_t cksum_ipv4_header(const uint8_t *hdr, size_t hlen);

#endif
