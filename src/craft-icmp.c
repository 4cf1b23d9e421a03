/* SPDX-License-Identifier: GPL-2.0-or-later */
/* craft-icmp.c: an ICMP error about a TCP segment into bytes through
 * libnet, on a segment crafter's context: the quoted IP header and TCP
 * header's first 8 bytes written here, the ICMP and IP headers and their
 * checksums by libnet. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "checksum.h"
#include "craft-int.h"
#include "extract.h"
#include "icmp.h"

#define IP4_HLEN	20
#define IP6_HLEN	40
#define TCP_HLEN	20
#define TCP_QUOTED	8	/* ports and seq: what demultiplexes it */
#define QUOTE_TTL	64
#define OUTER_TTL	64
#define ICMP_HLEN	8

/* The quoted packet's headers into q; their length. */
static size_t
quote_bytes(int family, const struct segment *s, uint8_t *q)
{
	size_t at = family == AF_INET ? IP4_HLEN : IP6_HLEN;

	if (family == AF_INET) {
		memset(q, 0, IP4_HLEN);
		q[0] = 0x45;
		put_be16(q + 2, (uint16_t)(IP4_HLEN + TCP_HLEN + s->len));
		put_be16(q + 6, 0x4000);	/* DF: what PMTUD sends */
		q[8] = QUOTE_TTL;
		q[9] = IPPROTO_TCP;
		memcpy(q + 12, s->src.a, 4);
		memcpy(q + 16, s->dst.a, 4);
		put_be16(q + 10, cksum_ipv4_header(q, IP4_HLEN));
	} else {
		memset(q, 0, IP6_HLEN);
		q[0] = 0x60;
		put_be16(q + 4, (uint16_t)(TCP_HLEN + s->len));
		q[6] = IPPROTO_TCP;
		q[7] = QUOTE_TTL;
		memcpy(q + 8, s->src.a, 16);
		memcpy(q + 24, s->dst.a, 16);
	}
	put_be16(q + at, s->sport);
	put_be16(q + at + 2, s->dport);
	put_be32(q + at + 4, s->seq);
	return at + TCP_QUOTED;
}

static int
check_icmp(struct craft *c, const struct ipaddr *src, const struct ipaddr *dst,
    const struct icmp_wire *w, char *err, size_t errlen)
{
	int f = craft_family(c);

	if (src->family != f || dst->family != f || w->quote.src.family != f ||
	    w->quote.dst.family != f) {
		snprintf(err, errlen, "ICMP error addresses are not %s, as "
		    "this context is", f == AF_INET ? "IPv4" : "IPv6");
		return -1;
	}
	if (w->quote.len > 65535 - TCP_HLEN - IP4_HLEN) {
		snprintf(err, errlen, "quoted segment of %u bytes does not fit "
		    "in one IP packet", w->quote.len);
		return -1;
	}
	return 0;
}

int
craft_icmp_build(struct craft *c, const struct ipaddr *src,
    const struct ipaddr *dst, const struct icmp_wire *w, const uint8_t **out,
    uint32_t *outlen, char *err, size_t errlen)
{
	libnet_t *l = craft_libnet(c);
	uint8_t q[IP6_HLEN + TCP_QUOTED];
	uint32_t qlen;
	/* Bytes 4-7 as libnet's echo builders lay out id and sequence:
	 * the next-hop MTU (RFC 1191) or ICMPv6's MTU (RFC 4443) in the
	 * same place, unused bytes 0. */
	uint16_t hi = (uint16_t)(w->rest >> 16), lo = (uint16_t)w->rest;
	libnet_ptag_t t;

	if (check_icmp(c, src, dst, w, err, errlen) == -1)
		return -1;
	qlen = (uint32_t)quote_bytes(craft_family(c), &w->quote, q);
	craft_clear(c);
	if (craft_family(c) == AF_INET) {
		uint32_t s, d;

		memcpy(&s, src->a, 4);
		memcpy(&d, dst->a, 4);
		t = libnet_build_icmpv4_echo(w->type, w->code, 0, hi, lo, q,
		    qlen, l, 0);
		if (t != -1)
			t = libnet_build_ipv4((uint16_t)(IP4_HLEN + ICMP_HLEN +
			    qlen), 0, 0, 0, OUTER_TTL, IPPROTO_ICMP, 0, s, d,
			    NULL, 0, l, 0);
	} else {
		struct libnet_in6_addr s6, d6;

		memcpy(&s6, src->a, 16);
		memcpy(&d6, dst->a, 16);
		t = libnet_build_icmpv6_echo(w->type, w->code, 0, hi, lo, q,
		    qlen, l, 0);
		if (t != -1)
			t = libnet_build_ipv6(0, 0, (uint16_t)(ICMP_HLEN + qlen),
			    IPPROTO_ICMPV6, OUTER_TTL, s6, d6, NULL, 0, l, 0);
	}
	if (t == -1) {
		snprintf(err, errlen, "libnet: %s", libnet_geterror(l));
		craft_clear(c);
		return -1;
	}
	return craft_take(c, out, outlen, err, errlen);
}

int
craft_icmp_send(struct craft *c, const struct ipaddr *src,
    const struct ipaddr *dst, const struct icmp_wire *w, const uint8_t **out,
    uint32_t *outlen, char *err, size_t errlen)
{
	const uint8_t *p;
	uint32_t n;

	if (craft_icmp_build(c, src, dst, w, &p, &n, err, errlen) == -1 ||
	    craft_write(c, p, n, err, errlen) == -1)
		return -1;
	if (out != NULL)
		*out = p;
	if (outlen != NULL)
		*outlen = n;
	return 0;
}
