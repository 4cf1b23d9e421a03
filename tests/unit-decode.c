/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-decode.c: decode.c on hex vectors. Good packets on every link type,
 * and malformed ones, each pinned to the status and detail it must give. */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>

#include "check.h"
#include "decode.h"
#include "decode-vectors.h"
#include "extract.h"

#define MAXPKT	2048

static uint8_t buf[MAXPKT];
static char detail[256];

static size_t
hex(const char *s, uint8_t *out)
{
	return check_hex(s, out, MAXPKT);
}

/* link + ip into buf; returns the frame length, *iphdr the link length. */
static size_t
frame(const char *link, const char *ip, size_t *linklen)
{
	size_t n = hex(link, buf);

	if (linklen != NULL)
		*linklen = n;
	return n + check_hex(ip, buf + n, MAXPKT - n);
}

static bool
addr_is(const struct ipaddr *a, const char *text)
{
	struct ipaddr want;

	return ipaddr_parse(text, &want) && ipaddr_eq(a, &want);
}

/* Decode and check the status and a piece of the detail sentence. */
static void
expect(int link, const uint8_t *p, size_t len, enum decode_status want,
    const char *part, const char *what)
{
	struct decoded d;
	enum decode_status st;

	st = decode_frame(link, p, len, &d, detail, sizeof detail);
	CHECK_(st == want, "%s: status %s (got %s)", what,
	    decode_strerror(want), decode_strerror(st));
	CHECK_(strstr(detail, part) != NULL, "%s: detail has \"%s\"\n#   "
	    "got: %s", what, part, detail);
	if (st == DEC_OK)
		segment_clear(&d.seg);
}

static void
test_v4_syn(void)
{
	struct decoded d;
	size_t n = hex(V4_SYN, buf);
	const struct tcp_option *o = NULL;

	CHECK_INT(decode_frame(LINK_RAW, buf, n, &d, detail, sizeof detail),
	    DEC_OK);
	CHECK_STR(detail, "");
	CHECK_INT(d.kind, DK_TCP);
	CHECK(d.ip == buf);
	CHECK_INT(d.iplen, 60);
	CHECK(addr_is(&d.seg.src, "198.18.0.1"));
	CHECK(addr_is(&d.seg.dst, "198.18.0.2"));
	CHECK_INT(d.seg.ttl, 64);
	CHECK_INT(d.seg.tos, 0);
	CHECK_INT(d.seg.ip_id, 0x1234);
	CHECK(d.seg.df);
	CHECK_INT(d.seg.sport, 40000);
	CHECK_INT(d.seg.dport, 80);
	CHECK_INT(d.seg.seq, 1000);
	CHECK_INT(d.seg.ack, 0);
	CHECK_INT(d.seg.flags, TH_SYN_);
	CHECK_INT(d.seg.doff, 10);
	CHECK_INT(d.seg.win, 65535);
	CHECK_INT(d.seg.urg, 0);
	CHECK_INT(d.seg.cksum, 0x1afc);
	CHECK_INT(d.seg.cksum_good, 0x1afc);
	CHECK_INT(d.seg.cksum_state, CKSUM_OK);
	CHECK_INT(d.seg.len, 0);
	CHECK(d.seg.data == NULL);
	CHECK_INT(d.seg.has, SEG_HAS_PORTS | SEG_HAS_WIN | SEG_HAS_OPTS |
	    SEG_HAS_TTL | SEG_HAS_TOS | SEG_HAS_ID);
	CHECK_INT(d.seg.nopts, 5);
	if (d.seg.nopts == 5)
		o = d.seg.opts;
	CHECK(o != NULL && o[0].kind == OPT_MSS && o[0].len == 4 &&
	    o[0].u.mss == 1460);
	CHECK(o != NULL && o[1].kind == OPT_SACKOK && o[1].len == 2);
	CHECK(o != NULL && o[2].kind == OPT_TS && o[2].len == 10 &&
	    o[2].u.ts.val == 100 && o[2].u.ts.ecr == 0);
	CHECK(o != NULL && o[3].kind == OPT_NOP && o[3].len == 0);
	CHECK(o != NULL && o[4].kind == OPT_WSCALE && o[4].len == 3 &&
	    o[4].u.wscale == 7);
	segment_clear(&d.seg);
}

/* decode_ip is decode_frame without a link header. */
static void
test_decode_ip(void)
{
	struct decoded d;
	size_t n = hex(V4_SYN, buf);

	CHECK_INT(decode_ip(buf, n, &d, detail, sizeof detail), DEC_OK);
	CHECK(d.ip == buf && d.iplen == 60 && d.seg.seq == 1000 &&
	    d.seg.cksum_state == CKSUM_OK);
	segment_clear(&d.seg);
	n = hex(V6_ICMP, buf);
	CHECK_INT(decode_ip(buf, n, &d, detail, sizeof detail), DEC_OK);
	CHECK_INT(d.kind, DK_ICMP);
	segment_clear(&d.seg);
	CHECK_INT(decode_ip(buf, 12, &d, detail, sizeof detail),
	    DEC_IP_TRUNCATED);
	CHECK(strstr(detail, "IPv6 header needs 40 bytes") != NULL);
}

static void
test_v4_ipopts(void)
{
	struct decoded d;
	size_t n = hex(V4_IPOPT, buf);

	CHECK_INT(decode_frame(LINK_IPV4, buf, n, &d, detail, sizeof detail),
	    DEC_OK);
	CHECK_INT(d.iplen, 49);
	CHECK_INT(d.seg.tos, 2);
	CHECK_INT(d.seg.flags, TH_PSH_ | TH_ACK_);
	CHECK_INT(d.seg.seq, 1001);
	CHECK_INT(d.seg.ack, 5001);
	CHECK_INT(d.seg.doff, 5);
	CHECK_INT(d.seg.nopts, 0);
	CHECK_INT(d.seg.cksum_state, CKSUM_OK);
	CHECK_INT(d.seg.len, 5);
	CHECK(d.seg.data != NULL && memcmp(d.seg.data, "hello", 5) == 0);
	CHECK((d.seg.has & (SEG_HAS_ACK | SEG_HAS_DATA)) ==
	    (SEG_HAS_ACK | SEG_HAS_DATA));
	CHECK((d.seg.has & SEG_HAS_URG) == 0);
	segment_clear(&d.seg);
}

static void
test_v6_synack(void)
{
	struct decoded d;
	size_t n = hex(V6_SYNACK, buf);

	CHECK_INT(decode_frame(LINK_IPV6, buf, n, &d, detail, sizeof detail),
	    DEC_OK);
	CHECK_INT(d.iplen, 80);
	CHECK(addr_is(&d.seg.src, "2001:db8::1"));
	CHECK(addr_is(&d.seg.dst, "2001:db8::2"));
	CHECK_INT(d.seg.ttl, 63);
	CHECK_INT(d.seg.tos, 0x2a);
	CHECK_INT(d.seg.has & SEG_HAS_ID, 0);
	CHECK_INT(d.seg.sport, 80);
	CHECK_INT(d.seg.dport, 40000);
	CHECK_INT(d.seg.seq, 3000);
	CHECK_INT(d.seg.ack, 1001);
	CHECK_INT(d.seg.flags, TH_SYN_ | TH_ACK_);
	CHECK_INT(d.seg.win, 64800);
	CHECK_INT(d.seg.cksum_state, CKSUM_OK);
	CHECK_INT(d.seg.cksum_good, 0x4211);
	CHECK_INT(d.seg.nopts, 5);
	CHECK(segment_find_opt(&d.seg, OPT_MSS) != NULL &&
	    segment_find_opt(&d.seg, OPT_MSS)->u.mss == 1440);
	CHECK(segment_find_opt(&d.seg, OPT_TS) != NULL &&
	    segment_find_opt(&d.seg, OPT_TS)->u.ts.val == 200 &&
	    segment_find_opt(&d.seg, OPT_TS)->u.ts.ecr == 100);
	segment_clear(&d.seg);
}

/* Extension headers are walked and the TCP checksum still verifies. */
static void
test_v6_exthdrs(void)
{
	static const struct {
		const char	*name;
		const char	*hex;
		size_t		 iplen;
	} v[] = {
		{ "hop-by-hop + destination options", V6_EXT, 76 },
		{ "routing header (final destination)", V6_RH, 84 },
		{ "segment routing header (segment 0)", V6_SRH, 100 },
		{ "AH", V6_AH, 84 },
	};
	struct decoded d;
	size_t i, n;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		n = hex(v[i].hex, buf);
		CHECK_(decode_frame(LINK_RAW, buf, n, &d, detail,
		    sizeof detail) == DEC_OK, "%s decodes (%s)", v[i].name,
		    detail);
		CHECK_(d.seg.cksum_state == CKSUM_OK, "%s: checksum ok "
		    "(good 0x%04x)", v[i].name, d.seg.cksum_good);
		CHECK_(d.seg.seq == 1001 && d.seg.ack == 3001 &&
		    d.seg.flags == TH_ACK_ && d.seg.sport == 40000,
		    "%s: TCP fields", v[i].name);
		CHECK_(d.iplen == v[i].iplen, "%s: iplen %u", v[i].name,
		    d.iplen);
		segment_clear(&d.seg);
	}
	/* The header's destination stays what was on the wire. */
	n = hex(V6_RH, buf);
	CHECK_INT(decode_frame(LINK_RAW, buf, n, &d, NULL, 0), DEC_OK);
	CHECK(addr_is(&d.seg.dst, "2001:db8::2"));
	segment_clear(&d.seg);
}

/* Every link type, with the IP packet found at the right offset. */
static void
test_links(void)
{
	static const struct {
		const char	*name;
		int		 link;
		const char	*hdr;
		const char	*ip;
		uint32_t	 seq;
	} v[] = {
		{ "Ethernet IPv4", LINK_EN10MB, ETH_V4, V4_SYN, 1000 },
		{ "Ethernet IPv6", LINK_EN10MB, ETH_V6, V6_SYNACK, 3000 },
		{ "Ethernet 802.1Q", LINK_EN10MB, ETH_VLAN_V4, V4_SYN, 1000 },
		{ "Ethernet QinQ", LINK_EN10MB, ETH_QINQ_V6, V6_SYNACK, 3000 },
		{ "Linux SLL", LINK_LINUX_SLL, SLL_V4, V4_SYN, 1000 },
		{ "Linux SLL2", LINK_LINUX_SLL2, SLL2_V6, V6_SYNACK, 3000 },
		{ "null LE IPv4", LINK_NULL, NULL_V4_LE, V4_SYN, 1000 },
		{ "null BE IPv4", LINK_NULL, NULL_V4_BE, V4_SYN, 1000 },
		{ "null IPv6 30", LINK_NULL, NULL_V6_LE, V6_SYNACK, 3000 },
		{ "null IPv6 10", LINK_NULL, NULL_V6_LINUX, V6_SYNACK, 3000 },
		{ "loop IPv4", LINK_LOOP, LOOP_V4, V4_SYN, 1000 },
		{ "loop IPv6 24", LINK_LOOP, LOOP_V6, V6_SYNACK, 3000 },
		{ "raw 12 IPv4", LINK_RAW, "", V4_SYN, 1000 },
		{ "raw 12 IPv6", LINK_RAW, "", V6_SYNACK, 3000 },
		{ "raw 101 IPv4", LINK_RAW_101, "", V4_SYN, 1000 },
		{ "raw 101 IPv6", LINK_RAW_101, "", V6_SYNACK, 3000 },
		{ "IPv4 228", LINK_IPV4, "", V4_SYN, 1000 },
		{ "IPv6 229", LINK_IPV6, "", V6_SYNACK, 3000 },
	};
	struct decoded d;
	size_t i, n, hl;
	enum decode_status st;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		n = frame(v[i].hdr, v[i].ip, &hl);
		st = decode_frame(v[i].link, buf, n, &d, detail, sizeof detail);
		CHECK_(st == DEC_OK, "%s decodes (%s)", v[i].name, detail);
		CHECK_(d.ip == buf + hl && d.iplen == n - hl, "%s: IP at %zu, "
		    "%u bytes", v[i].name, hl, d.iplen);
		CHECK_(d.seg.seq == v[i].seq &&
		    d.seg.cksum_state == CKSUM_OK, "%s: segment", v[i].name);
		segment_clear(&d.seg);
	}
}

/* Ethernet pads short frames to 60 bytes: the total length cuts it. */
static void
test_eth_padding(void)
{
	struct decoded d;
	size_t n = frame(ETH_V4, V4_ACK, NULL);

	memset(buf + n, 0, 6);
	CHECK_INT(decode_frame(LINK_EN10MB, buf, n + 6, &d, detail,
	    sizeof detail), DEC_OK);
	CHECK_INT(d.iplen, 40);
	CHECK_INT(d.seg.len, 0);
	CHECK_INT(d.seg.cksum_state, CKSUM_OK);
	segment_clear(&d.seg);
}

static void
test_options(void)
{
	struct decoded d;
	size_t n, i;
	const struct tcp_option *o;

	n = hex(V4_SACK1, buf);
	CHECK_INT(decode_frame(LINK_RAW, buf, n, &d, NULL, 0), DEC_OK);
	CHECK_INT(d.seg.nopts, 3);
	CHECK(d.seg.opts[0].kind == OPT_NOP && d.seg.opts[1].kind == OPT_NOP);
	o = segment_find_opt(&d.seg, OPT_SACK);
	CHECK(o != NULL && o->len == 10 && o->u.sack.n == 1 &&
	    o->u.sack.b[0].left == 1001 && o->u.sack.b[0].right == 2001);
	CHECK_INT(d.seg.cksum_state, CKSUM_OK);
	segment_clear(&d.seg);

	n = hex(V4_SACK4, buf);
	CHECK_INT(decode_frame(LINK_RAW, buf, n, &d, NULL, 0), DEC_OK);
	o = segment_find_opt(&d.seg, OPT_SACK);
	CHECK(o != NULL && o->len == 34 && o->u.sack.n == 4);
	for (i = 0; o != NULL && i < 4; i++)
		CHECK_(o->u.sack.b[i].left == 1000 * (i + 1) + 1 &&
		    o->u.sack.b[i].right == 1000 * (i + 1) + 501,
		    "sack block %zu", i);
	CHECK_INT(d.seg.cksum_state, CKSUM_OK);
	segment_clear(&d.seg);

	n = hex(V4_RAW_DATA, buf);
	CHECK_INT(decode_frame(LINK_RAW, buf, n, &d, NULL, 0), DEC_OK);
	CHECK_INT(d.seg.nopts, 2);
	CHECK(d.seg.opts[0].kind == 253 && d.seg.opts[0].len == 6 &&
	    memcmp(d.seg.opts[0].u.raw, "\xde\xad\xbe\xef", 4) == 0);
	CHECK(d.seg.opts[1].kind == OPT_EOL && d.seg.opts[1].len == 0);
	CHECK_INT(d.seg.len, 18);
	CHECK(d.seg.data != NULL &&
	    memcmp(d.seg.data, "GET / HTTP/1.0\r\n\r\n", 18) == 0);
	CHECK_INT(d.seg.cksum_state, CKSUM_OK);
	CHECK_INT(d.seg.cksum_good, 0xd44d);
	segment_clear(&d.seg);
}

static void
test_checksums(void)
{
	struct decoded d;
	size_t n;

	/* Wrong checksum field. */
	n = hex(V4_SYN, buf);
	buf[37] = 0xfd;
	CHECK_INT(decode_frame(LINK_RAW, buf, n, &d, NULL, 0), DEC_OK);
	CHECK_INT(d.seg.cksum, 0x1afd);
	CHECK_INT(d.seg.cksum_good, 0x1afc);
	CHECK_INT(d.seg.cksum_state, CKSUM_BAD);
	segment_clear(&d.seg);

	/* Right field, changed payload. */
	n = hex(V4_IPOPT, buf);
	buf[n - 1] = 'O';
	CHECK_INT(decode_frame(LINK_RAW, buf, n, &d, NULL, 0), DEC_OK);
	CHECK_INT(d.seg.cksum_state, CKSUM_BAD);
	CHECK(d.seg.cksum_good != 0x29d5);
	segment_clear(&d.seg);

	/* IPv6: wrong field. */
	n = hex(V6_SYNACK, buf);
	buf[57] ^= 0x01;
	CHECK_INT(decode_frame(LINK_RAW, buf, n, &d, NULL, 0), DEC_OK);
	CHECK_INT(d.seg.cksum_state, CKSUM_BAD);
	CHECK_INT(d.seg.cksum_good, 0x4211);
	segment_clear(&d.seg);

	/* A zero sum may be sent as 0x0000 or 0xffff. */
	n = hex(V4_ACK_ZEROSUM, buf);
	CHECK_INT(decode_frame(LINK_RAW, buf, n, &d, NULL, 0), DEC_OK);
	CHECK_INT(d.seg.cksum_good, 0);
	CHECK_INT(d.seg.cksum_state, CKSUM_OK);
	segment_clear(&d.seg);
	buf[36] = buf[37] = 0xff;
	CHECK_INT(decode_frame(LINK_RAW, buf, n, &d, NULL, 0), DEC_OK);
	CHECK_INT(d.seg.cksum_state, CKSUM_OK);
	segment_clear(&d.seg);
}

static void
test_icmp(void)
{
	struct decoded d;
	size_t n;

	n = hex(V4_ICMP, buf);
	CHECK_INT(decode_frame(LINK_RAW, buf, n, &d, detail, sizeof detail),
	    DEC_OK);
	CHECK_INT(d.kind, DK_ICMP);
	CHECK_INT(d.icmp_type, 3);
	CHECK_INT(d.icmp_code, 3);
	CHECK(addr_is(&d.icmp_from, "198.18.0.2"));
	CHECK(addr_is(&d.seg.src, "198.18.0.1"));
	CHECK(addr_is(&d.seg.dst, "198.18.0.2"));
	CHECK_INT(d.seg.sport, 40000);
	CHECK_INT(d.seg.dport, 80);
	CHECK_INT(d.seg.seq, 1000);
	CHECK_INT(d.seg.ack, 0);
	CHECK_INT(d.seg.flags, 0);
	CHECK_INT(d.seg.ttl, 0);
	CHECK_INT(d.seg.has, SEG_HAS_PORTS);
	CHECK(d.ip == buf && d.iplen == 56);
	segment_clear(&d.seg);

	n = hex(V6_ICMP, buf);
	CHECK_INT(decode_frame(LINK_RAW, buf, n, &d, detail, sizeof detail),
	    DEC_OK);
	CHECK_INT(d.kind, DK_ICMP);
	CHECK_INT(d.icmp_type, 1);
	CHECK_INT(d.icmp_code, 4);
	CHECK(addr_is(&d.icmp_from, "2001:db8::2"));
	CHECK(addr_is(&d.seg.src, "2001:db8::1"));
	CHECK(addr_is(&d.seg.dst, "2001:db8::2"));
	CHECK_INT(d.seg.sport, 40000);
	CHECK_INT(d.seg.dport, 80);
	CHECK_INT(d.seg.seq, 1000);
	CHECK_INT(d.seg.tos, 0);
	segment_clear(&d.seg);
}

/* A first fragment decodes without a checksum verdict; not-IP, not-TCP
 * and later fragments are skips, not malformation. */
static void
test_fragments_skips(void)
{
	struct decoded d;
	size_t n;

	/* A first fragment decodes; its checksum cannot be verified. */
	n = hex(V4_ACK, buf);
	buf[6] = 0x20;
	CHECK_INT(decode_frame(LINK_RAW, buf, n, &d, NULL, 0), DEC_OK);
	CHECK_INT(d.seg.cksum_state, CKSUM_UNKNOWN);
	segment_clear(&d.seg);
	n = hex(V6_FRAG1, buf);
	CHECK_INT(decode_frame(LINK_RAW, buf, n, &d, NULL, 0), DEC_OK);
	CHECK_INT(d.seg.cksum_state, CKSUM_UNKNOWN);
	CHECK_INT(d.seg.len, 4);
	segment_clear(&d.seg);

	CHECK(decode_is_skip(DEC_NOT_IP));
	CHECK(decode_is_skip(DEC_NOT_TCP));
	CHECK(decode_is_skip(DEC_FRAGMENT));
	CHECK(!decode_is_skip(DEC_OK));
	CHECK(!decode_is_skip(DEC_TCP_TRUNCATED));
	CHECK(!decode_is_skip(DEC_IP_TOTLEN));
}

/* Every length 0..19 of TCP after a valid IPv4 header whose total
 * length says exactly that. */
static void
test_tcp_truncated(void)
{
	size_t t;
	char want[64], what[64];

	for (t = 0; t < 20; t++) {
		hex(V4_SYN, buf);
		put_be16(buf + 2, (uint16_t)(20 + t));
		snprintf(want, sizeof want, "needs 20 bytes, the packet has "
		    "%zu", t);
		snprintf(what, sizeof what, "TCP cut to %zu bytes", t);
		expect(LINK_RAW, buf, 20 + t, DEC_TCP_TRUNCATED, want, what);
	}
	/* Same in IPv6, payload length 7. */
	hex(V6_SYNACK, buf);
	put_be16(buf + 4, 7);
	expect(LINK_RAW, buf, 47, DEC_TCP_TRUNCATED, "the packet has 7",
	    "IPv6 TCP cut to 7 bytes");
}

static void
test_tcp_doff(void)
{
	unsigned doff;
	char want[64], what[64];
	size_t n;

	for (doff = 0; doff < 5; doff++) {
		n = hex(V4_SYN, buf);
		buf[32] = (uint8_t)(doff << 4);
		snprintf(want, sizeof want, "TCP data offset %u is below 5",
		    doff);
		snprintf(what, sizeof what, "data offset %u", doff);
		expect(LINK_RAW, buf, n, DEC_TCP_DOFF_SMALL, want, what);
	}
	n = hex(V4_SYN, buf);
	buf[32] = 0xf0;
	expect(LINK_RAW, buf, n, DEC_TCP_DOFF_LARGE, "TCP data offset 15 "
	    "(60 bytes) exceeds the 40-byte segment", "data offset 15");
	n = hex(V4_ACK, buf);
	buf[32] = 0x60;
	expect(LINK_RAW, buf, n, DEC_TCP_DOFF_LARGE, "data offset 6 (24 "
	    "bytes) exceeds the 20-byte", "data offset 6, no options");
}

/*
 * One table for the packets that must not decode as they stand: a vector
 * behind a link header, one field patched (a byte, 16 or 32 bits at a frame
 * offset), maybe cut short, and the status and piece of detail it gives.
 */
struct bad {
	const char		*name;
	int			 link;
	const char		*hdr;	/* link header, "" for none */
	const char		*ip;
	size_t			 at;	/* frame offset of the patch */
	uint32_t		 val;
	int			 width;	/* 0: no patch, 1, 2 or 4 bytes */
	size_t			 keep;	/* decode this many bytes; 0: all */
	enum decode_status	 want;
	const char		*part;
};

static const struct bad bad[] = {
	/* Skipped, not malformed. */
	{ "ARP ethertype", LINK_EN10MB, ETH_V4, V4_ACK, 12, 0x0806, 2, 0,
	    DEC_NOT_IP, "Ethernet type 0x0806 is not IP" },
	{ "null family 7", LINK_NULL, NULL_V4_LE, V4_ACK, 0, 7, 1, 0,
	    DEC_NOT_IP, "loopback family 7 is not IP" },
	{ "UDP", LINK_RAW, "", V4_ACK, 9, 17, 1, 0, DEC_NOT_TCP,
	    "IP protocol 17 is not TCP" },
	{ "IPv6 no next header", LINK_RAW, "", V6_EXT, 48, 59, 1, 0,
	    DEC_NOT_TCP, "IP protocol 59" },
	{ "IPv4 later fragment", LINK_RAW, "", V4_ACK, 6, 0x00b9, 2, 0,
	    DEC_FRAGMENT, "IPv4 fragment at offset 1480" },
	{ "IPv6 later fragment", LINK_RAW, "", V6_FRAG1, 42, 0x05c8, 2, 0,
	    DEC_FRAGMENT, "IPv6 fragment at offset 1480" },
	{ "ICMP echo", LINK_RAW, "", V4_ICMP, 20, 8, 1, 0, DEC_NOT_TCP,
	    "ICMP type 8 is not an error" },
	{ "ICMP quoting UDP", LINK_RAW, "", V4_ICMP, 37, 17, 1, 0,
	    DEC_NOT_TCP, "quotes IP protocol 17" },
	/* ICMPv6 packet too big quotes like the other errors. */
	{ "ICMPv6 packet too big", LINK_RAW, "", V6_ICMP, 40, 2, 1, 0,
	    DEC_OK, "" },

	/* Options inside V4_SYN (options from byte 40: mss at option
	 * offset 0, sackOK 4, TS 6, nop 16, wscale 17). */
	{ "mss length 0", LINK_RAW, "", V4_SYN, 41, 0, 1, 0,
	    DEC_OPT_LEN_ZERO, "option kind 2 at offset 0 has length 0" },
	{ "TS length 1", LINK_RAW, "", V4_SYN, 47, 1, 1, 0, DEC_OPT_LEN_ONE,
	    "option kind 8 at offset 6 has length 1" },
	{ "TS overrun", LINK_RAW, "", V4_SYN, 47, 30, 1, 0, DEC_OPT_OVERRUN,
	    "option kind 8 at offset 6 has length 30, only 14 option bytes "
	    "left" },
	{ "wscale without length byte", LINK_RAW, "", V4_SYN, 56, 0x01010103,
	    4, 0, DEC_OPT_OVERRUN, "option kind 3 at offset 19 has no length "
	    "byte" },
	{ "wscale overrun", LINK_RAW, "", V4_SYN, 58, 4, 1, 0,
	    DEC_OPT_OVERRUN, "option kind 3 at offset 17 has length 4, only "
	    "3 option bytes left" },
	{ "mss length 5", LINK_RAW, "", V4_SYN, 41, 5, 1, 0, DEC_OPT_BAD_LEN,
	    "option mss at offset 0 has length 5, not 4" },

	/* IPv4. */
	{ "IHL 4", LINK_RAW, "", V4_ACK, 0, 0x44, 1, 0, DEC_IP_HLEN,
	    "IPv4 header length 16 (IHL 4) is below 20" },
	{ "IHL beyond the packet", LINK_RAW, "", V4_ACK, 0, 0x4f, 1, 0,
	    DEC_IP_HLEN, "IPv4 header length 60 exceeds the 40 captured "
	    "bytes" },
	{ "total length below header", LINK_RAW, "", V4_ACK, 2, 16, 2, 0,
	    DEC_IP_TOTLEN, "IPv4 total length 16 is below the header length "
	    "20" },
	{ "total length beyond the capture", LINK_RAW, "", V4_ACK, 2, 60, 2,
	    0, DEC_IP_TOTLEN, "IPv4 total length 60 exceeds the 40 captured "
	    "bytes (captured 40 of 60 bytes)" },
	/* Without the wire length (decode_frame), a snaplen-cut capture
	 * looks the same and is refused the same way, even with the TCP
	 * header all there; decode_frame_len tells them apart (test_snaplen). */
	{ "snaplen-truncated capture", LINK_RAW, "", V4_SYN, 0, 0, 0, 54,
	    DEC_IP_TOTLEN, "captured 54 of 60 bytes" },
	{ "IPv4 header cut", LINK_RAW, "", V4_ACK, 0, 0, 0, 10,
	    DEC_IP_TRUNCATED, "IPv4 header needs 20 bytes, the packet has "
	    "10" },
	{ "IP version 5", LINK_RAW, "", V4_ACK, 0, 0x55, 1, 0, DEC_IP_VERSION,
	    "IP version 5 is neither 4 nor 6" },
	{ "IPv6 on the IPv4 link type", LINK_IPV4, "", V6_SYNACK, 0, 0, 0, 0,
	    DEC_IP_VERSION, "IPv4 packet has IP version 6" },
	{ "IPv4 behind the IPv6 ethertype", LINK_EN10MB, ETH_V6, V4_ACK, 0,
	    0, 0, 0, DEC_IP_VERSION, "IPv6 packet has IP version 4" },

	/* IPv6. */
	{ "IPv6 header cut", LINK_RAW, "", V6_SYNACK, 0, 0, 0, 30,
	    DEC_IP_TRUNCATED, "IPv6 header needs 40 bytes, the packet has "
	    "30" },
	{ "IPv6 payload length beyond", LINK_RAW, "", V6_SYNACK, 4, 41, 2, 0,
	    DEC_IP6_PLEN, "IPv6 payload length 41 exceeds the 40 bytes "
	    "captured" },
	{ "IPv6 jumbogram", LINK_RAW, "", V6_EXT, 4, 0, 2, 40, DEC_IP6_PLEN,
	    "jumbogram" },
	{ "hop-by-hop past the end", LINK_RAW, "", V6_EXT, 41, 10, 1, 0,
	    DEC_IP6_EXTHDR, "IPv6 hop-by-hop header at offset 40 has length "
	    "88, only 36 bytes left" },
	{ "destination options past the end", LINK_RAW, "", V6_EXT, 49, 4, 1,
	    0, DEC_IP6_EXTHDR, "IPv6 destination options header at offset 48 "
	    "has length 40, only 28 bytes left" },
	{ "no room for the next extension header", LINK_RAW, "", V6_EXT, 4,
	    8, 2, 48, DEC_IP6_EXTHDR, "destination options header at offset "
	    "48 needs 2 bytes, 0 left" },
	{ "AH past the end", LINK_RAW, "", V6_AH, 41, 20, 1, 0,
	    DEC_IP6_EXTHDR, "IPv6 AH header at offset 40 has length 88" },
	{ "fragment header cut", LINK_RAW, "", V6_FRAG1, 4, 4, 2, 44,
	    DEC_IP6_EXTHDR, "IPv6 fragment header at offset 40 has length 8, "
	    "only 4" },

	/* Link headers. */
	{ "Ethernet cut", LINK_EN10MB, ETH_V4, V4_ACK, 0, 0, 0, 13,
	    DEC_LINK_TRUNCATED, "Ethernet header needs 14 bytes, 13 "
	    "captured" },
	{ "Ethernet with nothing after", LINK_EN10MB, ETH_V4, V4_ACK, 0, 0, 0,
	    14, DEC_IP_TRUNCATED, "no IP packet after the 14-byte link "
	    "header" },
	{ "VLAN tag cut", LINK_EN10MB, ETH_VLAN_V4, V4_ACK, 0, 0, 0, 17,
	    DEC_LINK_TRUNCATED, "Ethernet VLAN tag at offset 14 needs 4 "
	    "bytes, 3 captured" },
	{ "SLL cut", LINK_LINUX_SLL, SLL_V4, V4_ACK, 0, 0, 0, 15,
	    DEC_LINK_TRUNCATED, "Linux cooked header needs 16 bytes, 15 "
	    "captured" },
	{ "SLL2 cut", LINK_LINUX_SLL2, SLL2_V6, V6_SYNACK, 0, 0, 0, 19,
	    DEC_LINK_TRUNCATED, "Linux cooked v2 header needs 20 bytes, 19 "
	    "captured" },
	{ "null cut", LINK_NULL, NULL_V4_LE, V4_ACK, 0, 0, 0, 3,
	    DEC_LINK_TRUNCATED, "loopback header needs 4 bytes, 3 captured" },
	{ "loop cut", LINK_LOOP, LOOP_V4, V4_ACK, 0, 0, 0, 2,
	    DEC_LINK_TRUNCATED, "loopback header needs 4 bytes, 2 captured" },
	{ "link type 147", 147, "", V4_ACK, 0, 0, 0, 0, DEC_LINK_UNSUPPORTED,
	    "link type 147 is not supported" },

	/* ICMP errors too short to quote a TCP header's ports and seq. */
	{ "ICMP quoting 4 TCP bytes", LINK_RAW, "", V4_ICMP, 2, 52, 2, 52,
	    DEC_ICMP_TRUNCATED, "ICMP error quotes 4 bytes of TCP, needs 8" },
	{ "ICMP quoting 2 IP bytes", LINK_RAW, "", V4_ICMP, 2, 30, 2, 30,
	    DEC_ICMP_TRUNCATED, "quoted IPv4 header needs 20 bytes, the "
	    "packet has 2" },
	{ "ICMP header cut", LINK_RAW, "", V4_ICMP, 2, 24, 2, 24,
	    DEC_ICMP_TRUNCATED, "ICMP message needs 8 bytes, the packet has "
	    "4" },
	{ "quoted IP options cut", LINK_RAW, "", V4_ICMP, 28, 0x48, 1, 0,
	    DEC_ICMP_TRUNCATED, "quoted IPv4 header length 32 exceeds the 28 "
	    "captured" },
	{ "ICMP quoting IPv6", LINK_RAW, "", V4_ICMP, 28, 0x65, 1, 0,
	    DEC_IP_VERSION, "quoted IPv4 packet has IP version 6" },
	{ "ICMPv6 quoting 6 TCP bytes", LINK_RAW, "", V6_ICMP, 4, 54, 2, 94,
	    DEC_ICMP_TRUNCATED, "ICMP error quotes 6 bytes of TCP" },
	{ "ICMPv6 quoting half an IPv6 header", LINK_RAW, "", V6_ICMP, 4, 28,
	    2, 68, DEC_ICMP_TRUNCATED, "quoted IPv6 header needs 40 bytes" },
};

static void
test_bad(void)
{
	const struct bad *b;
	size_t i, n;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		b = &bad[i];
		n = frame(b->hdr, b->ip, NULL);
		if (b->width == 1)
			buf[b->at] = (uint8_t)b->val;
		else if (b->width == 2)
			put_be16(buf + b->at, (uint16_t)b->val);
		else if (b->width == 4)
			put_be32(buf + b->at, b->val);
		expect(b->link, buf, b->keep != 0 ? b->keep : n, b->want,
		    b->part, b->name);
	}
	/* Nothing at all, with and without a buffer. */
	expect(LINK_RAW, buf, 0, DEC_IP_TRUNCATED, "IP packet is empty",
	    "raw, empty");
	expect(LINK_IPV6, NULL, 0, DEC_IP_TRUNCATED, "IP packet is empty",
	    "IPv6 link, NULL and empty");
}

static void
opt_expect(const char *opts, enum decode_status want, const char *part,
    const char *what)
{
	struct segment seg;
	uint8_t o[MAXPKT];
	size_t n = hex(opts, o);
	enum decode_status st;

	segment_init(&seg);
	st = decode_tcp_options(o, n, &seg, detail, sizeof detail);
	CHECK_(st == want, "%s: status %s (got %s)", what,
	    decode_strerror(want), decode_strerror(st));
	CHECK_(strstr(detail, part) != NULL, "%s: detail has \"%s\"\n#   "
	    "got: %s", what, part, detail);
	segment_clear(&seg);
}

static void
test_opt_direct(void)
{
	struct segment seg;
	uint8_t o[48];
	int i;

	opt_expect("01 01 02", DEC_OPT_OVERRUN, "option kind 2 at offset 2 "
	    "has no length byte", "length byte missing");
	opt_expect("02 00 05 b4", DEC_OPT_LEN_ZERO, "has length 0", "len 0");
	opt_expect("fd 01", DEC_OPT_LEN_ONE, "option kind 253 at offset 0 "
	    "has length 1", "len 1");
	opt_expect("08 0a 00 00 00 01", DEC_OPT_OVERRUN, "length 10, only 6",
	    "TS overrunning");
	opt_expect("02 05 05 b4 00", DEC_OPT_BAD_LEN, "option mss at offset "
	    "0 has length 5, not 4", "mss length 5");
	opt_expect("02 03 05", DEC_OPT_BAD_LEN, "mss at offset 0 has length "
	    "3", "mss length 3");
	opt_expect("01 03 04 07 00", DEC_OPT_BAD_LEN, "option wscale at "
	    "offset 1 has length 4, not 3", "wscale length 4");
	opt_expect("04 03 00", DEC_OPT_BAD_LEN, "option sackOK at offset 0 "
	    "has length 3, not 2", "sackOK length 3");
	opt_expect("08 08 00 00 00 01 00 00", DEC_OPT_BAD_LEN, "option TS "
	    "at offset 0 has length 8, not 10", "TS length 8");
	opt_expect("05 02", DEC_OPT_BAD_LEN, "option sack at offset 0 has "
	    "length 2", "sack without blocks");
	opt_expect("05 09 00 00 00 01 00 00 00 02 00", DEC_OPT_BAD_LEN,
	    "sack at offset 0 has length 9", "sack length 9");
	opt_expect("05 2a"
	    "00000001 00000002 00000003 00000004 00000005"
	    "00000006 00000007 00000008 00000009 0000000a",
	    DEC_OPT_BAD_LEN, "has length 42", "sack of 5 blocks");
	opt_expect("fd 2a 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
	    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
	    "00 00", DEC_OPT_BAD_LEN, "option kind 253 at offset 0 has "
	    "length 42", "raw option longer than kept");
	/* EOL ends the list; what follows is padding, even garbage. */
	opt_expect("01 00 02 00", DEC_OK, "", "eol then padding");

	memset(o, OPT_NOP, sizeof o);
	segment_init(&seg);
	CHECK_INT(decode_tcp_options(o, 40, &seg, NULL, 0), DEC_OK);
	CHECK_INT(seg.nopts, 40);
	CHECK_INT(decode_tcp_options(o, 41, &seg, detail, sizeof detail),
	    DEC_OPT_TOO_MANY);
	CHECK(strstr(detail, "offset 40") != NULL);
	segment_clear(&seg);

	/* Padding after EOL is not parsed: options stop at two. */
	segment_init(&seg);
	hex("01 00 02 00", o);
	CHECK_INT(decode_tcp_options(o, 4, &seg, NULL, 0), DEC_OK);
	CHECK_INT(seg.nopts, 2);
	CHECK((seg.has & SEG_HAS_OPTS) != 0);
	for (i = 0; i < seg.nopts; i++)
		CHECK(seg.opts[i].kind <= OPT_NOP);
	segment_clear(&seg);
}

/* Decode buf's first caplen bytes of a wirelen-byte frame. */
static enum decode_status
cut(int link, size_t caplen, size_t wirelen, struct decoded *d)
{
	return decode_frame_len(link, buf, caplen, wirelen, d, detail,
	    sizeof detail);
}

/* A capture's snaplen cut the packet: with the wire length known, a
 * segment whose headers were captured decodes, its payload marked; an IP
 * length beyond the wire's is still a lie. */
static void
test_snaplen(void)
{
	struct decoded d;
	size_t n, l;

	/* "GET / HTTP/1.0..." cut after 6 of its 18 payload bytes. */
	n = hex(V4_RAW_DATA, buf);
	CHECK_INT(cut(LINK_RAW, 54, n, &d), DEC_OK);
	CHECK_STR(detail, "");
	CHECK(d.seg.truncated);
	CHECK_INT(d.seg.captured, 6);
	CHECK_INT(d.seg.len, 18);
	CHECK_INT(d.seg.cksum_state, CKSUM_UNKNOWN);
	CHECK(d.seg.has & SEG_HAS_DATA);
	CHECK(d.seg.data != NULL && memcmp(d.seg.data, "GET / \0\0\0\0\0\0"
	    "\0\0\0\0\0\0", 18) == 0);
	CHECK_INT(d.iplen, 54);
	CHECK_INT(d.seg.seq, 1001);
	CHECK_INT(d.seg.nopts, 2);
	segment_clear(&d.seg);
	/* The same bytes without the wire length: refused (decode.h). */
	CHECK_INT(decode_frame(LINK_RAW, buf, 54, &d, detail, sizeof detail),
	    DEC_IP_TOTLEN);
	CHECK_STR(detail, "IPv4 total length 66 exceeds the 54 captured bytes "
	    "(captured 54 of 66 bytes)");
	/* Cut after the header: no payload byte captured. */
	CHECK_INT(cut(LINK_RAW, 48, n, &d), DEC_OK);
	CHECK(d.seg.truncated);
	CHECK_INT(d.seg.captured, 0);
	CHECK_INT(d.seg.len, 18);
	segment_clear(&d.seg);
	/* The whole packet, and a wire length below caplen: not cut. */
	CHECK_INT(cut(LINK_RAW, n, n, &d), DEC_OK);
	CHECK(!d.seg.truncated);
	CHECK_INT(d.seg.cksum_state, CKSUM_OK);
	segment_clear(&d.seg);
	CHECK_INT(cut(LINK_RAW, n, 10, &d), DEC_OK);
	CHECK(!d.seg.truncated);
	segment_clear(&d.seg);
	/* Cut inside the TCP options, inside the fixed header. */
	CHECK_INT(cut(LINK_RAW, 44, n, &d), DEC_TCP_TRUNCATED);
	CHECK_STR(detail, "TCP header cut by the capture: 24 of its 28 bytes "
	    "captured (snaplen too small)");
	CHECK_INT(cut(LINK_RAW, 30, n, &d), DEC_TCP_TRUNCATED);
	CHECK_STR(detail, "TCP header cut by the capture: 10 of its 20 bytes "
	    "captured (snaplen too small)");
	/* A lying total length, beyond even the wire's. */
	put_be16(buf + 2, 100);
	CHECK_INT(cut(LINK_RAW, 54, n, &d), DEC_IP_TOTLEN);
	CHECK_STR(detail, "IPv4 total length 100 exceeds the 66 bytes on the "
	    "wire (54 captured)");
	CHECK_INT(cut(LINK_RAW, n, n, &d), DEC_IP_TOTLEN);
	CHECK_STR(detail, "IPv4 total length 100 exceeds the 66 captured bytes "
	    "(captured 66 of 100 bytes)");

	/* Ethernet padding on the wire: the IP length, not the frame's,
	 * says where the segment ends. */
	n = frame(ETH_V4, V4_RAW_DATA, &l);
	CHECK_INT(cut(LINK_EN10MB, l + 60, n + 4, &d), DEC_OK);
	CHECK(d.seg.truncated);
	CHECK_INT(d.seg.captured, 12);
	CHECK_INT(d.seg.len, 18);
	segment_clear(&d.seg);

	/* IPv6: V4_RAW_DATA's TCP bytes behind an IPv6 header. */
	n = hex("60 00 00 00 00 2e 06 40 20 01 0d b8 00 00 00 00 "
	    "00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00 "
	    "00 00 00 00 00 00 00 02 ", buf);
	n += check_hex(V4_RAW_DATA + 20 * 3, buf + n, MAXPKT - n);
	CHECK_INT(n, 86);
	CHECK_INT(cut(LINK_RAW, 72, n, &d), DEC_OK);
	CHECK(d.seg.truncated);
	CHECK_INT(d.seg.captured, 4);
	CHECK_INT(d.seg.len, 18);
	CHECK_INT(d.seg.cksum_state, CKSUM_UNKNOWN);
	CHECK(d.seg.data != NULL && memcmp(d.seg.data, "GET ", 4) == 0);
	segment_clear(&d.seg);
	CHECK_INT(cut(LINK_RAW, 72, 72, &d), DEC_IP6_PLEN);
	CHECK_STR(detail, "IPv6 payload length 46 exceeds the 32 bytes captured "
	    "after the header (captured 72 of 86 bytes)");
	put_be16(buf + 4, 60);
	CHECK_INT(cut(LINK_RAW, 72, n, &d), DEC_IP6_PLEN);
	CHECK_STR(detail, "IPv6 payload length 60 exceeds the 46 bytes on the "
	    "wire after the header (32 captured)");
}

static void
test_strerror(void)
{
	int s, t;
	bool distinct = true;

	for (s = DEC_OK; s <= DEC_ICMP_TRUNCATED; s++)
		for (t = s + 1; t <= DEC_ICMP_TRUNCATED; t++)
			if (strcmp(decode_strerror(s), decode_strerror(t)) == 0)
				distinct = false;
	CHECK(distinct);
	CHECK_STR(decode_strerror(DEC_TCP_DOFF_SMALL),
	    "TCP data offset below 5");
	CHECK_STR(decode_strerror((enum decode_status)999),
	    "unknown decode status");
}

int
main(void)
{
	test_v4_syn();
	test_decode_ip();
	test_v4_ipopts();
	test_v6_synack();
	test_v6_exthdrs();
	test_links();
	test_eth_padding();
	test_options();
	test_checksums();
	test_icmp();
	test_fragments_skips();
	test_tcp_truncated();
	test_tcp_doff();
	test_bad();
	test_snaplen();
	test_opt_direct();
	test_strerror();
	return check_done();
}
