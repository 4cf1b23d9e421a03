/* SPDX-License-Identifier: GPL-2.0-or-later */
/* checksum.c: the Internet checksum (RFC 1071), chained over chunks of any
 * length, and TCP's checksum over its IPv4 or IPv6 pseudo-header. */
#include "config.h"

#include <sys/socket.h>

#include "checksum.h"

/*
 * The running sum stays folded to 16 bits; bit 31 (CKSUM_ODD) remembers that
 * the bytes so far had an odd count, so the next chunk starts in the low
 * byte of a word. A chunk summed from an odd offset is the byte-swapped sum
 * of the same chunk from an even one (RFC 1071, 2.(B)), which is how the
 * next call picks up where an odd chunk left off.
 */
static uint32_t
cksum_fold(uint64_t sum)
{
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint32_t)sum;
}

static uint32_t
cksum_even(const uint8_t *p, size_t len)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return cksum_fold(sum);
}

uint32_t
cksum_add(uint32_t sum, const void *data, size_t len)
{
	uint32_t odd = sum & CKSUM_ODD;
	uint32_t part = cksum_even(data, len);

	if (odd)
		part = ((part & 0xff) << 8) | (part >> 8);
	sum = cksum_fold((uint64_t)(sum & ~CKSUM_ODD) + part);
	if (len & 1)
		odd ^= CKSUM_ODD;
	return sum | odd;
}

uint16_t
cksum_finish(uint32_t sum)
{
	return (uint16_t)~cksum_fold(sum & ~CKSUM_ODD);
}

/* The pseudo-header's addresses, protocol and length, summed. */
static uint32_t
cksum_pseudo(const struct ipaddr *src, const struct ipaddr *dst,
    size_t tcplen)
{
	uint8_t tail[8] = { 0 };
	uint32_t sum = 0;
	size_t alen = ipaddr_len(src);

	if (alen == 0 || src->family != dst->family)
		return 0;
	sum = cksum_add(sum, src->a, alen);
	sum = cksum_add(sum, dst->a, alen);
	if (src->family == AF_INET) {
		/* zero, protocol, 16-bit TCP length */
		tail[1] = 6;
		tail[2] = (uint8_t)(tcplen >> 8);
		tail[3] = (uint8_t)tcplen;
		return cksum_add(sum, tail, 4);
	}
	/* 32-bit upper-layer length, three zero bytes, next header */
	tail[0] = (uint8_t)(tcplen >> 24);
	tail[1] = (uint8_t)(tcplen >> 16);
	tail[2] = (uint8_t)(tcplen >> 8);
	tail[3] = (uint8_t)tcplen;
	tail[7] = 6;
	return cksum_add(sum, tail, 8);
}

uint16_t
cksum_tcp(const struct ipaddr *src, const struct ipaddr *dst,
    const uint8_t *tcp, size_t tcplen)
{
	uint32_t sum = cksum_pseudo(src, dst, tcplen);

	/* The checksum field (bytes 16-17) counts as zero. */
	if (tcplen <= 16)
		return cksum_finish(cksum_add(sum, tcp, tcplen));
	sum = cksum_add(sum, tcp, 16);
	if (tcplen > 18)
		sum = cksum_add(sum, tcp + 18, tcplen - 18);
	return cksum_finish(sum);
}

uint16_t
cksum_tcp_pseudo(const struct ipaddr *src, const struct ipaddr *dst,
    size_t tcplen)
{
	return (uint16_t)cksum_fold(cksum_pseudo(src, dst, tcplen) &
	    ~CKSUM_ODD);
}

uint16_t
cksum_ipv4_header(const uint8_t *hdr, size_t hlen)
{
	uint32_t sum;

	/* The checksum field (bytes 10-11) counts as zero. */
	if (hlen <= 10)
		return cksum_finish(cksum_add(0, hdr, hlen));
	sum = cksum_add(0, hdr, 10);
	if (hlen > 12)
		sum = cksum_add(sum, hdr + 12, hlen - 12);
	return cksum_finish(sum);
}
