/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-decode.c: decode_frame on hostile bytes. A libFuzzer target, and
 * (without TCPSHAKE_LIBFUZZER) a check program mutating the unit vectors. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "decode-vectors.h"
#include "extract.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Every link type decode knows, and one it does not. */
static const int fuzz_links[] = {
	LINK_NULL, LINK_EN10MB, LINK_RAW, LINK_LOOP, LINK_LINUX_SLL,
	LINK_IPV4, LINK_IPV6, LINK_LINUX_SLL2, LINK_RAW_101, 147,
};
#define NLINKS	(sizeof fuzz_links / sizeof fuzz_links[0])

/* What any answer must satisfy, whatever the input: a status with a name,
 * a sentence for every error, and a result that stays inside the input. */
static const char *
fuzz_violation(const uint8_t *data, size_t size, enum decode_status st,
    const struct decoded *d, const char *detail, size_t detaillen)
{
	if (strcmp(decode_strerror(st), "unknown decode status") == 0)
		return "status out of range";
	if (strnlen(detail, detaillen) == detaillen)
		return "detail not terminated";
	if (st != DEC_OK)
		return detail[0] == '\0' ? "error without detail" : NULL;
	if (d->ip < data || d->iplen > size ||
	    (size_t)(d->ip - data) > size - d->iplen)
		return "IP packet outside the frame";
	if (d->seg.len > d->iplen || (d->seg.len > 0) != (d->seg.data != NULL))
		return "payload longer than the packet";
	if (d->seg.nopts > SEG_MAX_OPTS)
		return "too many options";
	if (d->kind == DK_ICMP && (d->seg.len != 0 || d->seg.nopts != 0))
		return "ICMP quote with more than ports and seq";
	return NULL;
}

static unsigned long fuzz_seen[DEC_ICMP_TRUNCATED + 1];

/* 0 when every link type decoded `data` within the rules. */
static int
fuzz_one(const uint8_t *data, size_t size)
{
	struct decoded d;
	struct segment seg;
	enum decode_status st;
	char detail[160];
	const char *bad;
	size_t i;

	for (i = 0; i < NLINKS; i++) {
		st = decode_frame(fuzz_links[i], data, size, &d, detail,
		    sizeof detail);
		if ((size_t)st <= DEC_ICMP_TRUNCATED)
			fuzz_seen[st]++;
		bad = fuzz_violation(data, size, st, &d, detail, sizeof detail);
		if (st == DEC_OK)
			segment_clear(&d.seg);
		if (bad != NULL) {
			fprintf(stderr, "link %d, %zu bytes: %s (%s: %s)\n",
			    fuzz_links[i], size, bad, decode_strerror(st),
			    detail);
			return 1;
		}
	}
	/* No detail buffer is a valid call too. */
	if (decode_frame(LINK_RAW, data, size, &d, NULL, 0) == DEC_OK)
		segment_clear(&d.seg);
	segment_init(&seg);
	decode_tcp_options(data, size, &seg, detail, sizeof detail);
	segment_clear(&seg);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_one(data, size) != 0)
		abort();
	return 0;
}

#ifndef TCPSHAKE_LIBFUZZER

#define FUZZ_ROUNDS	200000
#define FUZZ_MAX	512

/* xorshift32: the same mutations on every run and every machine. */
static uint32_t
fuzz_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static const struct {
	int		 link;
	const char	*hdr;
	const char	*ip;
} fuzz_seeds[] = {
	{ LINK_RAW, "", V4_SYN }, { LINK_RAW, "", V4_IPOPT },
	{ LINK_RAW, "", V4_ACK }, { LINK_RAW, "", V4_ACK_ZEROSUM },
	{ LINK_RAW, "", V4_SACK1 }, { LINK_RAW, "", V4_SACK4 },
	{ LINK_RAW, "", V4_RAW_DATA }, { LINK_RAW, "", V6_SYNACK },
	{ LINK_RAW, "", V6_EXT }, { LINK_RAW, "", V6_RH },
	{ LINK_RAW, "", V6_AH }, { LINK_RAW, "", V6_FRAG1 },
	{ LINK_RAW, "", V6_SRH },
	{ LINK_RAW, "", V4_ICMP }, { LINK_RAW, "", V6_ICMP },
	{ LINK_EN10MB, ETH_V4, V4_SYN }, { LINK_EN10MB, ETH_V6, V6_EXT },
	{ LINK_EN10MB, ETH_VLAN_V4, V4_ICMP },
	{ LINK_EN10MB, ETH_QINQ_V6, V6_ICMP },
	{ LINK_LINUX_SLL, SLL_V4, V4_RAW_DATA },
	{ LINK_LINUX_SLL2, SLL2_V6, V6_RH },
	{ LINK_NULL, NULL_V4_LE, V4_SACK4 }, { LINK_NULL, NULL_V4_BE, V4_ACK },
	{ LINK_NULL, NULL_V6_LE, V6_SYNACK },
	{ LINK_NULL, NULL_V6_LINUX, V6_AH },
	{ LINK_LOOP, LOOP_V4, V4_IPOPT }, { LINK_LOOP, LOOP_V6, V6_FRAG1 },
};
#define NSEEDS	(sizeof fuzz_seeds / sizeof fuzz_seeds[0])

/* Hex into bytes (the seeds are written as in the unit test). */
static size_t
fuzz_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else
			continue;
		if (hi < 0)
			hi = v;
		else if (n < cap) {
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return n;
}

/* A value a length field might lie with. */
static uint8_t
fuzz_byte(uint32_t *s)
{
	static const uint8_t edge[] = { 0, 1, 2, 3, 4, 5, 8, 10, 0x0f, 0x10,
	    0x28, 0x40, 0x45, 0x50, 0x60, 0x7f, 0x80, 0xf0, 0xff };
	uint32_t r = fuzz_rand(s);

	return r & 1 ? edge[(r >> 1) % sizeof edge] : (uint8_t)(r >> 8);
}

/* Lie in a length field: IPv4 IHL or total length, IPv6 payload length,
 * the TCP data offset, or a byte among the options and extension headers
 * (where option and extension lengths live). */
static void
fuzz_lie(uint8_t *p, size_t n, size_t ip, uint32_t *s)
{
	uint32_t r = fuzz_rand(s);
	uint16_t v = (uint16_t)(fuzz_rand(s) % (n + 16));
	size_t l4;

	if (ip + 6 > n)
		return;
	l4 = ip + ((p[ip] >> 4) == 6 ? 40 : (size_t)(p[ip] & 15) * 4);
	switch (r % 5) {
	case 0:
		p[ip] = (uint8_t)((p[ip] & 0xf0) | (fuzz_rand(s) & 15));
		break;
	case 1:
		put_be16(p + ip + ((p[ip] >> 4) == 6 ? 4 : 2), v);
		break;
	case 2:
		if (l4 + 13 < n)
			p[l4 + 12] = (uint8_t)(fuzz_rand(s) << 4);
		break;
	default:
		if (l4 + 20 < n)
			p[l4 + 20 + fuzz_rand(s) % (n - l4 - 20)] =
			    fuzz_byte(s);
		else if (l4 < n)
			p[l4 + fuzz_rand(s) % (n - l4)] = fuzz_byte(s);
		break;
	}
}

/* One to four mutations of a seed; returns the new length. */
static size_t
fuzz_mutate(uint8_t *p, size_t n, size_t ip, uint32_t *s)
{
	int k, times = 1 + (int)(fuzz_rand(s) % 4);
	uint32_t r;

	for (k = 0; k < times && n > 0; k++) {
		r = fuzz_rand(s);
		switch (r % 6) {
		case 0:
			p[fuzz_rand(s) % n] ^= (uint8_t)(1u << (r >> 8) % 8);
			break;
		case 1:
			p[fuzz_rand(s) % n] = fuzz_byte(s);
			break;
		case 2:
			n = fuzz_rand(s) % (n + 1);
			break;
		case 3:
			/* Grow with junk, as Ethernet padding would. */
			while (n < FUZZ_MAX && (fuzz_rand(s) & 7) != 0)
				p[n++] = fuzz_byte(s);
			break;
		default:
			fuzz_lie(p, n, ip, s);
			break;
		}
	}
	return n;
}

int
main(void)
{
	uint8_t seed[FUZZ_MAX], work[FUZZ_MAX], *exact;
	uint32_t s = 0x7c9a51e3;
	size_t i, n, hl, distinct = 0;
	unsigned long round;
	const char *name;

	for (round = 0; round < FUZZ_ROUNDS; round++) {
		i = fuzz_rand(&s) % NSEEDS;
		hl = fuzz_hex(fuzz_seeds[i].hdr, seed, sizeof seed);
		n = hl + fuzz_hex(fuzz_seeds[i].ip, seed + hl,
		    sizeof seed - hl);
		memcpy(work, seed, n);
		n = fuzz_mutate(work, n, hl, &s);
		/* An exact-size copy, so a sanitizer sees any over-read. */
		exact = malloc(n > 0 ? n : 1);
		if (exact == NULL) {
			printf("not ok 1 - out of memory\n1..1\n");
			return 1;
		}
		memcpy(exact, work, n);
		if (fuzz_one(exact, n) != 0) {
			printf("not ok 1 - decode rules broken in round %lu "
			    "(seed %zu)\n1..1\n", round, i);
			free(exact);
			return 1;
		}
		free(exact);
	}
	for (i = 0; i <= DEC_ICMP_TRUNCATED; i++) {
		name = decode_strerror((enum decode_status)i);
		printf("# %-50s %lu\n", name, fuzz_seen[i]);
		distinct += fuzz_seen[i] > 0;
	}
	/* Mutations that stopped reaching the decoder's corners would pass
	 * while testing nothing: every status but TOO_MANY (a TCP header
	 * holds at most 40 one-byte options) must come up. */
	printf("%s 1 - %d mutated frames through %zu link types, %zu of %d "
	    "statuses seen\n1..1\n", distinct >= DEC_ICMP_TRUNCATED ? "ok" :
	    "not ok", FUZZ_ROUNDS, NLINKS, distinct, DEC_ICMP_TRUNCATED + 1);
	return distinct >= DEC_ICMP_TRUNCATED ? 0 : 1;
}

#endif
