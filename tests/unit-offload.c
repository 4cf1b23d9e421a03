/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-offload.c: offload.c on hex vectors captured on a veth pair with
 * the kernel's default offloads: the three checksum verdicts (right,
 * offloaded, wrong) in IPv4 and IPv6, and super-segments cut back into
 * the segments that were on the wire. */
#include "config.h"

#include <stdlib.h>

#include "check.h"
#include "checksum.h"
#include "decode.h"
#include "offload.h"

#define MAXPKT	256

/* A SYN-ACK from 198.18.201.2:7, as captured: its checksum field holds
 * 0x1e48, the pseudo-header sum (the right checksum is 0xd4fd). */
static const char syn_ack4[] =
    "4500 002c 0000 4000 4006 1ca3 c612 c902 c612 c901 0007 9898"
    "b637 7c13 0a72 d4a1 6012 faf0 1e48 0000 0204 05b4";
#define SYN_ACK4_CKSUM	36	/* offset of the TCP checksum field */

/* The same from [2001:db8:201::2]:8: 0x5f95, right would be 0x9768. */
static const char syn_ack6[] =
    "6005 7161 0018 0640 2001 0db8 0201 0000 0000 0000 0000 0002"
    "2001 0db8 0201 0000 0000 0000 0000 0001 0008 954d 3260 2a44"
    "adb9 0477 6012 fd20 5f95 0000 0204 05a0";
#define SYN_ACK6_CKSUM	56

static enum cksum_state
verdict_with(const char *hex, size_t at, uint16_t field, uint16_t *good)
{
	uint8_t pkt[MAXPKT];
	size_t len = check_hex(hex, pkt, sizeof pkt);
	struct decoded d;
	enum cksum_state st;

	if (field != 0) {
		pkt[at] = (uint8_t)(field >> 8);
		pkt[at + 1] = (uint8_t)field;
	}
	if (decode_ip(pkt, len, &d, NULL, 0) != DEC_OK)
		return CKSUM_UNKNOWN;
	st = d.seg.cksum_state;
	*good = d.seg.cksum_good;
	segment_clear(&d.seg);
	return st;
}

static void
test_verdicts(const char *name, const char *hex, size_t at,
    uint16_t partial, uint16_t right)
{
	uint16_t good = 0;

	CHECK_(verdict_with(hex, at, 0, &good) == CKSUM_OFFLOADED,
	    "%s: captured 0x%04x is offloaded", name, partial);
	CHECK_INT(good, right);
	CHECK_(verdict_with(hex, at, right, &good) == CKSUM_OK,
	    "%s: 0x%04x is right", name, right);
	CHECK_(verdict_with(hex, at, (uint16_t)(partial + 1), &good) ==
	    CKSUM_BAD, "%s: the partial sum plus one is wrong", name);
	CHECK_(verdict_with(hex, at, (uint16_t)(right ^ 0x0100), &good) ==
	    CKSUM_BAD, "%s: the right sum with a bit flipped is wrong", name);
}

/* A super-segment's field is the pseudo-header sum over its whole
 * length: here 28960 + 32 bytes of TCP, summed by hand. */
static void
test_super_sum(void)
{
	struct ipaddr a, b;
	uint32_t sum;

	ipaddr_parse("198.18.201.2", &a);
	ipaddr_parse("198.18.201.1", &b);
	sum = 0xc612 + 0xc902 + 0xc612 + 0xc901 + 6 + 28992;
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	CHECK_INT(cksum_tcp_pseudo(&a, &b, 28992), sum);
	CHECK(offload_cksum_verdict((uint16_t)sum, 0x1234, &a, &b, 28992) ==
	    CKSUM_OFFLOADED);
	/* The sum for one segment's length is wrong for the whole. */
	CHECK(offload_cksum_verdict(cksum_tcp_pseudo(&a, &b, 1480), 0x1234,
	    &a, &b, 28992) == CKSUM_BAD);
	/* Zero is written either way. */
	CHECK(offload_cksum_verdict(0xffff, 0, &a, &b, 20) == CKSUM_OK);
}

/* A 4000-byte super-segment with timestamps (doff 8), PSH, FIN, CWR. */
static void
super_segment(struct segment *s)
{
	struct tcp_option ts = { .kind = OPT_TS, .len = 10 };
	uint8_t *data = malloc(4000);
	size_t i;

	for (i = 0; i < 4000; i++)
		data[i] = (uint8_t)i;
	segment_init(s);
	ipaddr_parse("198.18.201.2", &s->src);
	ipaddr_parse("198.18.201.1", &s->dst);
	s->seq = 1000;
	s->ack = 77;
	s->flags = TH_ACK_ | TH_PSH_ | TH_FIN_ | TH_CWR_;
	s->doff = 8;
	s->ip_id = 500;
	s->has = SEG_HAS_ID | SEG_HAS_ACK | SEG_HAS_OPTS | SEG_HAS_DATA;
	ts.u.ts.val = 9;
	segment_add_opt(s, &ts);
	segment_set_data(s, data, 4000);
	free(data);
}

static void
test_split_size(void)
{
	struct segment s;

	super_segment(&s);
	/* 20 + 32 + 4000 bytes over a 1500-byte MTU. */
	CHECK_INT(offload_split_size(&s, 4052, 1500, 1460), 1448);
	CHECK_INT(offload_split_size(&s, 4052, 1500, 0), 1448);
	CHECK_INT(offload_split_size(&s, 4052, 1500, 1000), 988);
	CHECK_INT(offload_split_size(&s, 4052, 9000, 1460), 0);
	CHECK_INT(offload_split_size(&s, 4052, 0, 1460), 0);
	/* From a capture file: the receiver's MSS alone. */
	CHECK_INT(offload_split_size_mss(&s, 1460), 1448);
	CHECK_INT(offload_split_size_mss(&s, 4012), 0);
	CHECK_INT(offload_split_size_mss(&s, 0), 0);
	s.truncated = true;
	CHECK_INT(offload_split_size(&s, 4052, 1500, 1460), 0);
	CHECK_INT(offload_split_size_mss(&s, 1460), 0);
	segment_clear(&s);
}

static void
test_split(void)
{
	struct segment s, *p;
	size_t n, i;
	uint32_t total = 0;

	super_segment(&s);
	n = offload_split(&s, 1448, &p);
	CHECK_INT(n, 3);
	CHECK_INT(p[0].len, 1448);
	CHECK_INT(p[1].len, 1448);
	CHECK_INT(p[2].len, 1104);
	CHECK_INT(p[0].seq, 1000);
	CHECK_INT(p[1].seq, 2448);
	CHECK_INT(p[2].seq, 3896);
	CHECK_INT(p[0].flags, TH_ACK_ | TH_CWR_);
	CHECK_INT(p[1].flags, TH_ACK_);
	CHECK_INT(p[2].flags, TH_ACK_ | TH_PSH_ | TH_FIN_);
	CHECK_INT(p[2].ip_id, 502);
	for (i = 0; i < n; i++) {
		CHECK_INT(p[i].nopts, 1);
		CHECK_INT(p[i].opts[0].u.ts.val, 9);
		CHECK_INT(p[i].ack, 77);
		CHECK(memcmp(p[i].data, s.data + (p[i].seq - 1000),
		    p[i].len) == 0);
		total += p[i].len;
	}
	CHECK_INT(total, 4000);
	offload_split_free(p, n);
	/* No size, or no more than one size: the segment as it is. */
	n = offload_split(&s, 0, &p);
	CHECK_INT(n, 1);
	CHECK_INT(p[0].len, 4000);
	CHECK_INT(p[0].flags, s.flags);
	offload_split_free(p, n);
	n = offload_split(&s, 4000, &p);
	CHECK_INT(n, 1);
	offload_split_free(p, n);
	segment_clear(&s);
}

int
main(void)
{
	test_verdicts("IPv4 SYN-ACK", syn_ack4, SYN_ACK4_CKSUM, 0x1e48,
	    0xd4fd);
	test_verdicts("IPv6 SYN-ACK", syn_ack6, SYN_ACK6_CKSUM, 0x5f95,
	    0x9768);
	test_super_sum();
	test_split_size();
	test_split();
	return check_done();
}
