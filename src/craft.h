/* SPDX-License-Identifier: GPL-2.0-or-later */
/* craft.h: a segment becomes bytes, and goes on the wire, through libnet.
 * One context per address family and purpose; the TCP and IP headers are
 * built once and patched per send where the shape (options, payload
 * length) stays the same. */
#ifndef TCPSHAKE_CRAFT_H
#define TCPSHAKE_CRAFT_H

#include <stddef.h>
#include <stdint.h>

#include "segment.h"

struct craft;

enum craft_mode {
	CRAFT_BYTES,	/* build only (LIBNET_NONE): no privileges needed */
	CRAFT_WIRE,	/* raw IP socket: needs CAP_NET_RAW */
};

/* Open a context for family AF_INET or AF_INET6. On failure returns NULL
 * and writes one line to err; for CRAFT_WIRE without privileges the line
 * names CAP_NET_RAW. */
struct craft *craft_open(int family, enum craft_mode, char *err,
	    size_t errlen);
void	 craft_close(struct craft *);
/* Send through interface ifname only (SO_BINDTODEVICE): what makes a
 * link-local destination's zone hold for every send. */
int	 craft_bind_device(struct craft *, const char *ifname, char *err,
	    size_t errlen);

/* Build seg (its src/dst family must match) into bytes: the IP header,
 * TCP header, options padded to 4 bytes with NOPs/EOL as given plus zero
 * padding, and payload; checksums right unless seg->badsum. *out stays
 * valid until the next call on this context. Returns 0, or -1 with err.
 *
 * Details a caller can rely on: ttl 0 means 64; IPv6 uses seg->tos as the
 * traffic class and flow label 0; NULL seg->data with seg->len > 0 sends
 * that many zero bytes; seg->doff, when not 0, is written as given even
 * if it lies (the checksum covers the lie); an option's len byte, when
 * not 0, is written as given (known kinds' fields cut short or followed
 * by zeros); more than 40 option bytes is an error. With seg->badsum the
 * TCP checksum is the right one plus 1, modulo 2^16: always wrong, even
 * where the right one is 0x0000 (which 0xffff would equal). */
int	 craft_build(struct craft *, const struct segment *seg,
	    const uint8_t **out, uint32_t *outlen, char *err, size_t errlen);
/* Build and send seg. Returns 0, or -1 with err. If out is not NULL it
 * receives the bytes sent, valid until the next call. Linux sends them
 * as they are, except that it fills in an IPv4 id of 0 when DF is clear
 * (and rewrites the IPv4 header checksum, to the value craft wrote). */
int	 craft_send(struct craft *, const struct segment *seg,
	    const uint8_t **out, uint32_t *outlen, char *err, size_t errlen);

/*
 * An ICMP error about a TCP segment (craft-icmp.c), from src to dst (the
 * context's family): type, code and bytes 4-7 as w says, then the quote
 * RFC 792 and RFC 4443 ask for at least, the segment's IP header (w->quote's
 * addresses, total or payload length counting a 20-byte TCP header and
 * quote.len bytes, TTL 64, IPv4 with DF and its header checksum) and the
 * first 8 bytes of its TCP header (ports, seq). Checksums right, outer
 * TTL 64. *out stays valid until the next call on this context. */
struct icmp_wire;
int	 craft_icmp_build(struct craft *, const struct ipaddr *src,
	    const struct ipaddr *dst, const struct icmp_wire *w,
	    const uint8_t **out, uint32_t *outlen, char *err, size_t errlen);
int	 craft_icmp_send(struct craft *, const struct ipaddr *src,
	    const struct ipaddr *dst, const struct icmp_wire *w,
	    const uint8_t **out, uint32_t *outlen, char *err, size_t errlen);

/*
 * Template and patch: the fast path for many segments that differ only in
 * ports, sequence and ack numbers and flags (a probe run). The template is
 * built once by craft_build(); each copy gets its fields written in and
 * its TCP checksum adjusted word by word (RFC 1624), without libnet. A
 * copy is byte for byte what craft_build() makes of the template with the
 * same fields (badsum and a lying data offset included).
 */
struct craft_patch {
	uint16_t	sport;
	uint16_t	dport;
	uint32_t	seq;
	uint32_t	ack;
	uint8_t		flags;
};

/* Make seg the context's template. Returns 0, or -1 with err. */
int	 craft_template(struct craft *, const struct segment *seg,
	    char *err, size_t errlen);
/* The template's length in bytes (0 before craft_template()). */
uint32_t craft_template_len(const struct craft *);
/* Write the template patched with p into out (craft_template_len()
 * bytes). */
void	 craft_patch(const struct craft *, const struct craft_patch *p,
	    uint8_t *out);
/* Send n copies of the template, the i-th patched with p[i], in as few
 * system calls as sendmmsg(2) takes. Returns 0 once all n left, or -1
 * with err. */
int	 craft_send_batch(struct craft *, const struct craft_patch *p,
	    size_t n, char *err, size_t errlen);

#endif
