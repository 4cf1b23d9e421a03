/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-checksum.c: the Internet checksum and TCP's over IPv4 and IPv6, on
 * hand-built packets whose checksums tcpdump -vv reported as correct. */
#include "config.h"

#include <sys/socket.h>

#include "check.h"
#include "checksum.h"

/* 198.18.0.1.40000 > 198.18.0.2.80: SYN seq 16909060 win 65535 <mss 1460>,
 * IPv4 header checksum 0x9c70, TCP checksum 0x6b68. */
static const char syn4_hex[] =
    "4500 002c 1234 4000 4006 9c70 c612 0001 c612 0002"
    "9c40 0050 0102 0304 0000 0000 6002 ffff 6b68 0000 0204 05b4";

/* 2001:db8::2.80 > 2001:db8::1.40000: P. with "hello" (odd TCP length 25),
 * TCP checksum 0x0c72. */
static const char data6_hex[] =
    "6000 0000 0019 0640"
    "2001 0db8 0000 0000 0000 0000 0000 0002"
    "2001 0db8 0000 0000 0000 0000 0000 0001"
    "0050 9c40 a0b0 c0d0 0102 0305 5018 01f6 0c72 0000 6865 6c6c 6f";

/* 2001:db8::1.40000 > 2001:db8::2.80: . <nop,nop,TS val 100 ecr 0>,
 * TCP checksum 0x16d5. */
static const char ack6_hex[] =
    "6000 0000 0020 0640"
    "2001 0db8 0000 0000 0000 0000 0000 0001"
    "2001 0db8 0000 0000 0000 0000 0000 0002"
    "9c40 0050 0102 0305 a0b0 c0d1 8010 01f6 16d5 0000"
    "0101 080a 0000 0064 0000 0000";

static void
addr_set(struct ipaddr *a, int family, const uint8_t *bytes)
{
	a->family = (sa_family_t)family;
	memcpy(a->a, bytes, family == AF_INET ? 4 : 16);
}

static void
test_ipv4_header(void)
{
	unsigned char h[20], pkt[64];

	/* The classic example: 192.168.0.1 > 192.168.0.199, UDP. */
	check_hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7", h,
	    sizeof h);
	CHECK_INT(cksum_ipv4_header(h, 20), 0xb861);
	/* The field itself is ignored: a wrong value gives the same answer. */
	h[10] = 0x12;
	h[11] = 0x34;
	CHECK_INT(cksum_ipv4_header(h, 20), 0xb861);
	/* Summed with its right checksum in place, a header folds to 0. */
	h[10] = 0xb8;
	h[11] = 0x61;
	CHECK_INT(cksum_finish(cksum_add(0, h, 20)), 0);

	CHECK_INT(check_hex(syn4_hex, pkt, sizeof pkt), 44);
	CHECK_INT(cksum_ipv4_header(pkt, 20), 0x9c70);
}

static void
test_tcp4(void)
{
	unsigned char pkt[64];
	struct ipaddr src, dst;
	size_t n = check_hex(syn4_hex, pkt, sizeof pkt);

	addr_set(&src, AF_INET, pkt + 12);
	addr_set(&dst, AF_INET, pkt + 16);
	CHECK_INT(cksum_tcp(&src, &dst, pkt + 20, n - 20), 0x6b68);
	/* Swapping the addresses does not change a one's-complement sum. */
	CHECK_INT(cksum_tcp(&dst, &src, pkt + 20, n - 20), 0x6b68);
	/* One bit flipped in the payload area changes it. */
	pkt[n - 1] ^= 0x01;
	CHECK(cksum_tcp(&src, &dst, pkt + 20, n - 20) != 0x6b68);
}

static void
test_tcp6(void)
{
	unsigned char pkt[128];
	struct ipaddr src, dst;
	size_t n;

	n = check_hex(data6_hex, pkt, sizeof pkt);
	CHECK_INT(n, 40 + 25);
	addr_set(&src, AF_INET6, pkt + 8);
	addr_set(&dst, AF_INET6, pkt + 24);
	CHECK_INT(cksum_tcp(&src, &dst, pkt + 40, n - 40), 0x0c72);

	n = check_hex(ack6_hex, pkt, sizeof pkt);
	CHECK_INT(n, 40 + 32);
	addr_set(&src, AF_INET6, pkt + 8);
	addr_set(&dst, AF_INET6, pkt + 24);
	CHECK_INT(cksum_tcp(&src, &dst, pkt + 40, n - 40), 0x16d5);
}

static void
test_plain(void)
{
	unsigned char b[64];

	memset(b, 0, sizeof b);
	CHECK_INT(cksum_finish(cksum_add(0, b, 20)), 0xffff);
	CHECK_INT(cksum_finish(cksum_add(0, b, 0)), 0xffff);
	memset(b, 0xff, sizeof b);
	CHECK_INT(cksum_finish(cksum_add(0, b, 20)), 0x0000);
	/* ff ff ff 00: 0xffff + 0xff00 folds to 0xff00, complement 0x00ff. */
	CHECK_INT(cksum_finish(cksum_add(0, b, 3)), 0x00ff);
	/* 01 02 03 00: 0x0102 + 0x0300 = 0x0402, complement 0xfbfd. */
	b[0] = 1, b[1] = 2, b[2] = 3;
	CHECK_INT(cksum_finish(cksum_add(0, b, 3)), 0xfbfd);
	CHECK(cksum_add(0, b, 3) & CKSUM_ODD);
	CHECK(!(cksum_add(0, b, 4) & CKSUM_ODD));
}

/* Chunks of every split of a packet sum to what the whole buffer does. */
static void
test_chained(void)
{
	unsigned char pkt[128];
	size_t n = check_hex(ack6_hex, pkt, sizeof pkt);
	uint16_t whole = cksum_finish(cksum_add(0, pkt, n));
	size_t i, j, bad = 0;

	for (i = 0; i <= n; i++) {
		for (j = i; j <= n; j++) {
			uint32_t s = cksum_add(0, pkt, i);
			s = cksum_add(s, pkt + i, j - i);
			s = cksum_add(s, pkt + j, n - j);
			if (cksum_finish(s) != whole)
				bad++;
		}
	}
	CHECK_INT(bad, 0);

	/* Byte by byte, each an odd-length chunk. */
	{
		uint32_t s = 0;
		for (i = 0; i < n; i++)
			s = cksum_add(s, pkt + i, 1);
		CHECK_INT(cksum_finish(s), whole);
	}
	/* The IPv6 data packet, chunks 1 + 24 of its TCP part, still right. */
	{
		struct ipaddr src, dst;
		unsigned char d[128];
		size_t m = check_hex(data6_hex, d, sizeof d);
		uint32_t s;

		addr_set(&src, AF_INET6, d + 8);
		addr_set(&dst, AF_INET6, d + 24);
		d[56] = d[57] = 0;	/* checksum field */
		s = cksum_add(0, d + 8, 32);
		s = cksum_add(s, "\0\0\0\x19\0\0\0\x06", 8);
		s = cksum_add(s, d + 40, 1);
		s = cksum_add(s, d + 41, m - 41);
		CHECK_INT(cksum_finish(s), 0x0c72);
		CHECK_INT(cksum_tcp(&src, &dst, d + 40, m - 40), 0x0c72);
	}
}

int
main(void)
{
	test_ipv4_header();
	test_tcp4();
	test_tcp6();
	test_plain();
	test_chained();
	return check_done();
}
