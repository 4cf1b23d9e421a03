/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-craft.c: craft_build() byte for byte, with no privileges
 * (CRAFT_BYTES): hex vectors computed outside libnet, checksums verified
 * by a routine of the test's own, and sequences of changing shapes. */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>

#include "check.h"
#include "craft.h"
#include "segment.h"

/* Vectors made by a few lines of Python (struct packing and RFC 1071
 * checksums), independent of libnet and of craft.c. */
static const char v4_syn[] =		/* <mss 1460,sackOK,TS 12345 0,nop,wscale 7> */
	"45 00 00 3c 12 34 40 00 40 06 9c 60 c6 12 00 01"
	"c6 12 00 02 9c 40 00 50 11 22 33 44 00 00 00 00"
	"a0 02 fa f0 af b7 00 00 02 04 05 b4 04 02 08 0a"
	"00 00 30 39 00 00 00 00 01 03 03 07";
static const char v6_synack[] =		/* tclass 0x20, <mss 1440,nop,nop,sackOK,nop,wscale 7> */
	"62 00 00 00 00 20 06 40 20 01 0d b8 00 00 00 00"
	"00 00 00 00 00 00 00 02 20 01 0d b8 00 00 00 00"
	"00 00 00 00 00 00 00 01 00 50 9c 40 aa bb cc dd"
	"11 22 33 45 80 12 fe 88 bc 86 00 00 02 04 05 a0"
	"01 01 04 02 01 03 03 07";
static const char v6_synack_fl[] =	/* the same, flow label 0xabcde (not
					 * in the checksum) */
	"62 0a bc de 00 20 06 40 20 01 0d b8 00 00 00 00"
	"00 00 00 00 00 00 00 02 20 01 0d b8 00 00 00 00"
	"00 00 00 00 00 00 00 01 00 50 9c 40 aa bb cc dd"
	"11 22 33 45 80 12 fe 88 bc 86 00 00 02 04 05 a0"
	"01 01 04 02 01 03 03 07";
static const char v6_synack_ae[] =	/* the same, AccECN's AE flag (byte
					 * 12's low bit, checksum 0x100 less) */
	"62 00 00 00 00 20 06 40 20 01 0d b8 00 00 00 00"
	"00 00 00 00 00 00 00 02 20 01 0d b8 00 00 00 00"
	"00 00 00 00 00 00 00 01 00 50 9c 40 aa bb cc dd"
	"11 22 33 45 81 12 fe 88 bb 86 00 00 02 04 05 a0"
	"01 01 04 02 01 03 03 07";
static const char v4_psh[] =		/* ttl 1, tos 0x10, id 7, no DF, "hello" */
	"45 10 00 2d 00 07 00 00 01 06 2d 8d c6 12 00 01"
	"c6 12 00 02 9c 40 00 50 00 00 03 e9 00 00 07 d2"
	"50 18 01 f6 35 8c 00 00 68 65 6c 6c 6f";
static const char v4_sack[] =		/* <nop,nop,sack 100:200 300:400,30 len 6,eol> */
	"45 00 00 44 00 01 40 00 40 06 ae 8b c6 12 00 01"
	"c6 12 00 02 9c 40 00 50 00 00 00 05 00 00 00 06"
	"c0 10 00 64 ea 89 00 00 01 01 05 12 00 00 00 64"
	"00 00 00 c8 00 00 01 2c 00 00 01 90 1e 06 01 02"
	"03 04 00 00";
static const char v6_data[] =		/* hop limit 255, FPU, "xyz" */
	"60 00 00 00 00 17 06 ff 20 01 0d b8 00 00 00 00"
	"00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00"
	"00 00 00 00 00 00 00 02 9c 40 00 50 00 00 00 07"
	"00 00 00 08 50 19 03 e8 c1 52 00 00 78 79 7a";

/* ---- the test's own reference: RFC 1071 and a plain header writer ---- */

static uint32_t
ref_sum(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t
ref_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The TCP checksum of the segment in pkt, its field taken as zero. */
static uint16_t
ref_tcp_cksum(const uint8_t *pkt, size_t len)
{
	uint8_t ph[40];
	size_t hl, tl, phl;
	uint32_t s;

	if ((pkt[0] >> 4) == 4) {
		hl = (size_t)(pkt[0] & 15) * 4;
		tl = len - hl;
		memcpy(ph, pkt + 12, 8);
		ph[8] = 0;
		ph[9] = 6;
		ph[10] = (uint8_t)(tl >> 8);
		ph[11] = (uint8_t)tl;
		phl = 12;
	} else {
		hl = 40;
		tl = len - hl;
		memcpy(ph, pkt + 8, 32);
		ph[32] = ph[33] = 0;
		ph[34] = (uint8_t)(tl >> 8);
		ph[35] = (uint8_t)tl;
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = 6;
		phl = 40;
	}
	s = ref_sum(0, ph, phl);
	s = ref_sum(s, pkt + hl, 16);
	s = ref_sum(s, pkt + hl + 18, tl - 18);
	return ref_fold(s);
}

static uint16_t
ref_ip_cksum(const uint8_t *pkt)
{
	uint32_t s = ref_sum(0, pkt, 10);

	return ref_fold(ref_sum(s, pkt + 12, 8));
}

static size_t
ref_iphlen(const uint8_t *pkt)
{
	return (pkt[0] >> 4) == 4 ? 20 : 40;
}

static uint16_t
field16(const uint8_t *p, size_t off)
{
	return (uint16_t)(p[off] << 8 | p[off + 1]);
}

static void
ref_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
ref_put32(uint8_t *p, uint32_t v)
{
	ref_put16(p, (uint16_t)(v >> 16));
	ref_put16(p + 2, (uint16_t)v);
}

/* Options of the kinds the shape tests use (mss, nop, wscale, sackOK,
 * TS), written the textbook way. */
static size_t
ref_opts(const struct segment *seg, uint8_t *o)
{
	size_t n = 0;
	int i;

	memset(o, 0, 40);
	for (i = 0; i < seg->nopts; i++) {
		const struct tcp_option *t = &seg->opts[i];
		o[n] = t->kind;
		switch (t->kind) {
		case OPT_NOP: case OPT_EOL:
			n += 1;
			break;
		case OPT_MSS:
			o[n + 1] = 4;
			ref_put16(o + n + 2, t->u.mss);
			n += 4;
			break;
		case OPT_WSCALE:
			o[n + 1] = 3;
			o[n + 2] = t->u.wscale;
			n += 3;
			break;
		case OPT_SACKOK:
			o[n + 1] = 2;
			n += 2;
			break;
		case OPT_TS:
			o[n + 1] = 10;
			ref_put32(o + n + 2, t->u.ts.val);
			ref_put32(o + n + 6, t->u.ts.ecr);
			n += 10;
			break;
		}
	}
	return (n + 3) & ~(size_t)3;
}

/* The whole packet for seg, as the test expects it. */
static size_t
ref_build(const struct segment *seg, uint8_t *out)
{
	int v4 = seg->src.family == AF_INET;
	size_t hl = v4 ? 20 : 40, ol, tl;
	uint8_t *t = out + hl;

	memset(out, 0, hl + 60);
	ol = ref_opts(seg, t + 20);
	tl = 20 + ol + seg->len;
	ref_put16(t, seg->sport);
	ref_put16(t + 2, seg->dport);
	ref_put32(t + 4, seg->seq);
	ref_put32(t + 8, seg->ack);
	t[12] = (uint8_t)((seg->doff ? seg->doff : 5 + ol / 4) << 4);
	t[13] = seg->flags;
	ref_put16(t + 14, seg->win);
	ref_put16(t + 18, seg->urg);
	if (seg->len > 0)
		memcpy(t + 20 + ol, seg->data, seg->len);
	if (v4) {
		out[0] = 0x45;
		out[1] = seg->tos;
		ref_put16(out + 2, (uint16_t)(20 + tl));
		ref_put16(out + 4, seg->ip_id);
		out[6] = seg->df ? 0x40 : 0;
		out[8] = seg->ttl ? seg->ttl : 64;
		out[9] = 6;
		memcpy(out + 12, seg->src.a, 4);
		memcpy(out + 16, seg->dst.a, 4);
		ref_put16(out + 10, ref_ip_cksum(out));
	} else {
		out[0] = (uint8_t)(0x60 | seg->tos >> 4);
		out[1] = (uint8_t)(seg->tos << 4);
		ref_put16(out + 4, (uint16_t)tl);
		out[6] = 6;
		out[7] = seg->ttl ? seg->ttl : 64;
		memcpy(out + 8, seg->src.a, 16);
		memcpy(out + 24, seg->dst.a, 16);
	}
	ref_put16(t + 16, (uint16_t)(ref_tcp_cksum(out, hl + tl) +
	    (seg->badsum ? 1 : 0)));
	return hl + tl;
}

/* ---- segment helpers ---- */

static void
seg_addrs(struct segment *s, const char *src, const char *dst)
{
	CHECK(ipaddr_parse(src, &s->src));
	CHECK(ipaddr_parse(dst, &s->dst));
}

static void
add_mss(struct segment *s, uint16_t mss)
{
	struct tcp_option o = { .kind = OPT_MSS, .len = 4 };

	o.u.mss = mss;
	segment_add_opt(s, &o);
}

static void
add_ws(struct segment *s, uint8_t ws)
{
	struct tcp_option o = { .kind = OPT_WSCALE, .len = 3 };

	o.u.wscale = ws;
	segment_add_opt(s, &o);
}

static void
add_kind(struct segment *s, uint8_t kind, uint8_t len)
{
	struct tcp_option o = { .kind = kind, .len = len };

	segment_add_opt(s, &o);
}

static void
add_ts(struct segment *s, uint32_t val, uint32_t ecr)
{
	struct tcp_option o = { .kind = OPT_TS, .len = 10 };

	o.u.ts.val = val;
	o.u.ts.ecr = ecr;
	segment_add_opt(s, &o);
}

/* Build seg and compare with the hex vector. */
static void
check_vector(struct craft *c, const struct segment *seg, const char *hex,
    const char *what)
{
	uint8_t want[200];
	const uint8_t *got = NULL;
	uint32_t n = 0;
	size_t wn = check_hex(hex, want, sizeof want);
	char err[256] = "";

	CHECK_(craft_build(c, seg, &got, &n, err, sizeof err) == 0,
	    "%s: builds (%s)", what, err);
	CHECK_(n == wn, "%s: %u bytes (want %zu)", what, n, wn);
	CHECK_(got != NULL && n == wn && memcmp(got, want, wn) == 0,
	    "%s: bytes equal the vector", what);
}

/* Build seg and compare with the reference writer. */
static void
check_ref(struct craft *c, const struct segment *seg, const char *what)
{
	uint8_t want[2048];
	const uint8_t *got = NULL;
	uint32_t n = 0;
	size_t wn = ref_build(seg, want), i;
	char err[256] = "";

	CHECK_(craft_build(c, seg, &got, &n, err, sizeof err) == 0,
	    "%s: builds (%s)", what, err);
	CHECK_(n == wn, "%s: length %u (want %zu)", what, n, wn);
	if (got == NULL || n != wn)
		return;
	for (i = 0; i < wn && got[i] == want[i]; i++)
		;
	CHECK_(i == wn, "%s: byte-exact (first difference at %zu)", what, i);
	if (want[0] == 0x45)
		CHECK_(field16(got, 2) == wn && field16(got, 10) ==
		    ref_ip_cksum(got), "%s: IPv4 total length and header "
		    "checksum", what);
	else
		CHECK_(field16(got, 4) == wn - 40, "%s: IPv6 payload length",
		    what);
}

/* ---- tests ---- */

static void
test_vectors(void)
{
	struct craft *c4, *c6;
	struct segment s;
	char err[256];

	c4 = craft_open(AF_INET, CRAFT_BYTES, err, sizeof err);
	c6 = craft_open(AF_INET6, CRAFT_BYTES, err, sizeof err);
	CHECK(c4 != NULL && c6 != NULL);
	if (c4 == NULL || c6 == NULL)
		return;

	segment_init(&s);
	seg_addrs(&s, "198.18.0.1", "198.18.0.2");
	s.sport = 40000; s.dport = 80; s.seq = 0x11223344;
	s.flags = TH_SYN_; s.win = 64240; s.ip_id = 0x1234; s.df = true;
	add_mss(&s, 1460);
	add_kind(&s, OPT_SACKOK, 2);
	add_ts(&s, 12345, 0);
	add_kind(&s, OPT_NOP, 0);
	add_ws(&s, 7);
	check_vector(c4, &s, v4_syn, "IPv4 SYN with options");
	segment_clear(&s);

	seg_addrs(&s, "2001:db8::2", "2001:db8::1");
	s.sport = 80; s.dport = 40000; s.seq = 0xaabbccdd; s.ack = 0x11223345;
	s.flags = TH_SYN_ | TH_ACK_; s.win = 65160; s.tos = 0x20;
	add_mss(&s, 1440);
	add_kind(&s, OPT_NOP, 0);
	add_kind(&s, OPT_NOP, 0);
	add_kind(&s, OPT_SACKOK, 2);
	add_kind(&s, OPT_NOP, 0);
	add_ws(&s, 7);
	check_vector(c6, &s, v6_synack, "IPv6 SYN-ACK with options");
	s.flowlabel = 0xabcde;
	s.has |= SEG_HAS_FLOWLABEL;
	check_vector(c6, &s, v6_synack_fl, "IPv6 SYN-ACK, flow label");
	s.flowlabel = 0;
	s.ae = true;
	check_vector(c6, &s, v6_synack_ae, "IPv6 SYN-ACK, AE flag");
	segment_clear(&s);

	seg_addrs(&s, "198.18.0.1", "198.18.0.2");
	s.sport = 40000; s.dport = 80; s.seq = 1001; s.ack = 2002;
	s.flags = TH_PSH_ | TH_ACK_; s.win = 502; s.ttl = 1; s.tos = 0x10;
	s.ip_id = 7;
	segment_set_data(&s, "hello", 5);
	check_vector(c4, &s, v4_psh, "IPv4 PSH-ACK, odd payload, ttl/tos/id");
	segment_clear(&s);

	seg_addrs(&s, "198.18.0.1", "198.18.0.2");
	s.sport = 40000; s.dport = 80; s.seq = 5; s.ack = 6;
	s.flags = TH_ACK_; s.win = 100; s.ip_id = 1; s.df = true;
	add_kind(&s, OPT_NOP, 0);
	add_kind(&s, OPT_NOP, 0);
	{
		struct tcp_option o = { .kind = OPT_SACK, .len = 18 };
		o.u.sack.n = 2;
		o.u.sack.b[0].left = 100; o.u.sack.b[0].right = 200;
		o.u.sack.b[1].left = 300; o.u.sack.b[1].right = 400;
		segment_add_opt(&s, &o);
	}
	{
		struct tcp_option o = { .kind = 30, .len = 6 };
		memcpy(o.u.raw, "\x01\x02\x03\x04", 4);
		segment_add_opt(&s, &o);
	}
	add_kind(&s, OPT_EOL, 0);
	check_vector(c4, &s, v4_sack, "IPv4 SACK blocks, unknown option, EOL");
	segment_clear(&s);

	seg_addrs(&s, "2001:db8::1", "2001:db8::2");
	s.sport = 40000; s.dport = 80; s.seq = 7; s.ack = 8;
	s.flags = TH_FIN_ | TH_PSH_ | TH_ACK_; s.win = 1000; s.ttl = 255;
	segment_set_data(&s, "xyz", 3);
	check_vector(c6, &s, v6_data, "IPv6 FIN-PSH-ACK, odd payload, hlim");
	segment_clear(&s);

	craft_close(c4);
	craft_close(c6);
}

/* Checksums against the test's own routine, for odd and even payloads of
 * many sizes, both families, and badsum. */
static void
test_checksums(void)
{
	static const char *pairs[][2] = {
		{ "198.18.0.1", "198.18.255.254" },
		{ "2001:db8::1", "2001:db8:ffff::fffe" },
	};
	static const uint32_t lens[] = { 0, 1, 2, 3, 255, 256, 1001, 1460,
	    9001 };
	uint8_t *pay = malloc(9001);
	size_t f, i, k;
	char err[256];

	for (k = 0; k < 9001; k++)
		pay[k] = (uint8_t)(k * 7 + 3);
	for (f = 0; f < 2; f++) {
		struct craft *c = craft_open(f ? AF_INET6 : AF_INET,
		    CRAFT_BYTES, err, sizeof err);
		CHECK(c != NULL);
		if (c == NULL)
			continue;
		for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
			int bad;
			for (bad = 0; bad < 2; bad++) {
				struct segment s;
				const uint8_t *p;
				uint32_t n;
				uint16_t want, got;

				segment_init(&s);
				seg_addrs(&s, pairs[f][0], pairs[f][1]);
				s.sport = 0xfffe; s.dport = 443;
				s.seq = 0xfffffff0u + (uint32_t)i;
				s.ack = 0xdeadbeef; s.flags = TH_ACK_ | TH_PSH_;
				s.win = 0xffff; s.badsum = bad;
				add_ts(&s, 0xffffffffu, 0x80000000u);
				segment_set_data(&s, pay, lens[i]);
				if (craft_build(c, &s, &p, &n, err, sizeof err)) {
					CHECK_(0, "build: %s", err);
					segment_clear(&s);
					continue;
				}
				want = ref_tcp_cksum(p, n);
				got = field16(p, ref_iphlen(p) + 16);
				if (!bad)
					CHECK_(got == want, "IPv%d payload %u: "
					    "TCP checksum %04x (want %04x)",
					    f ? 6 : 4, lens[i], got, want);
				else
					CHECK_(got == (uint16_t)(want + 1),
					    "IPv%d payload %u badsum: %04x is "
					    "right+1 (%04x)", f ? 6 : 4,
					    lens[i], got, want);
				if (f == 0)
					CHECK_(field16(p, 10) == ref_ip_cksum(p),
					    "IPv4 payload %u: header checksum",
					    lens[i]);
				segment_clear(&s);
			}
		}
		craft_close(c);
	}
	free(pay);
}

/* A right checksum of 0x0000 must still come out wrong under badsum: the
 * reason badsum adds 1 rather than flipping bits (0xffff == 0x0000 in
 * one's complement). Search seq values until the right checksum is 0. */
static void
test_badsum_zero(void)
{
	struct craft *c;
	struct segment s;
	const uint8_t *p;
	uint32_t n, seq;
	char err[256];
	int found = 0;

	c = craft_open(AF_INET, CRAFT_BYTES, err, sizeof err);
	segment_init(&s);
	seg_addrs(&s, "198.18.0.1", "198.18.0.2");
	s.sport = 1; s.dport = 2; s.flags = TH_SYN_;
	for (seq = 0; seq < 0x20000 && !found; seq++) {
		s.seq = seq;
		s.badsum = false;
		if (craft_build(c, &s, &p, &n, err, sizeof err) != 0)
			break;
		if (field16(p, 36) != 0)
			continue;
		found = 1;
		s.badsum = true;
		craft_build(c, &s, &p, &n, err, sizeof err);
		CHECK_(field16(p, 36) == 1, "right checksum 0x0000 with "
		    "badsum becomes 0x0001 (got %04x)", field16(p, 36));
	}
	CHECK_(found, "some seq gives checksum 0x0000");
	craft_close(c);
}

static void
test_padding_doff(void)
{
	struct craft *c;
	struct segment s;
	const uint8_t *p;
	uint32_t n;
	char err[256];

	c = craft_open(AF_INET, CRAFT_BYTES, err, sizeof err);
	segment_init(&s);
	seg_addrs(&s, "198.18.0.1", "198.18.0.2");
	s.sport = 1000; s.dport = 2000; s.flags = TH_SYN_; s.df = true;

	/* 7 option bytes: one zero byte pads them to 8. */
	add_mss(&s, 536);
	add_ws(&s, 14);
	CHECK(craft_build(c, &s, &p, &n, err, sizeof err) == 0);
	CHECK_INT(n, 48);
	CHECK_INT(p[32], 0x70);
	CHECK_MEM(p + 40, "\x02\x04\x02\x18\x03\x03\x0e\x00", 8);
	check_ref(c, &s, "mss+wscale padded to 8");

	/* A single NOP pads to 4 with zeros (EOL), not NOPs. */
	s.nopts = 0;
	add_kind(&s, OPT_NOP, 0);
	CHECK(craft_build(c, &s, &p, &n, err, sizeof err) == 0);
	CHECK_INT(n, 44);
	CHECK_MEM(p + 40, "\x01\x00\x00\x00", 4);

	/* Exactly 40 bytes fit; 41 do not. */
	s.nopts = 0;
	while (s.nopts < 40)
		add_kind(&s, OPT_NOP, 0);
	CHECK(craft_build(c, &s, &p, &n, err, sizeof err) == 0);
	CHECK_INT(p[32] >> 4, 15);
	s.nopts = 0;
	add_ts(&s, 1, 2);
	add_ts(&s, 3, 4);
	add_ts(&s, 5, 6);
	add_ts(&s, 7, 8);
	add_kind(&s, OPT_NOP, 0);
	err[0] = '\0';
	CHECK(craft_build(c, &s, &p, &n, err, sizeof err) == -1);
	CHECK_(strstr(err, "40") != NULL, "41 option bytes refused: %s", err);

	/* doff given: written even when it lies, checksum still right. */
	s.nopts = 0;
	s.doff = 15;
	CHECK(craft_build(c, &s, &p, &n, err, sizeof err) == 0);
	CHECK_INT(n, 40);
	CHECK_INT(p[32], 0xf0);
	CHECK_INT(field16(p, 36), ref_tcp_cksum(p, n));
	check_ref(c, &s, "doff 15 over a 20-byte header");
	s.doff = 3;
	add_mss(&s, 1460);
	CHECK(craft_build(c, &s, &p, &n, err, sizeof err) == 0);
	CHECK_INT(p[32], 0x30);
	CHECK_INT(field16(p, 36), ref_tcp_cksum(p, n));
	s.badsum = true;
	CHECK(craft_build(c, &s, &p, &n, err, sizeof err) == 0);
	CHECK_INT(field16(p, 36), (uint16_t)(ref_tcp_cksum(p, n) + 1));
	s.badsum = false;
	s.doff = 16;
	CHECK(craft_build(c, &s, &p, &n, err, sizeof err) == -1);

	/* Option lengths that lie: written as given. */
	s.doff = 0;
	s.nopts = 0;
	add_kind(&s, OPT_MSS, 1);	/* too short: kind and length only */
	add_kind(&s, OPT_MSS, 6);	/* too long: the value then zeros */
	s.opts[1].u.mss = 0x1234;
	CHECK(craft_build(c, &s, &p, &n, err, sizeof err) == 0);
	CHECK_MEM(p + 40, "\x02\x01\x02\x06\x12\x34\x00\x00", 8);
	segment_clear(&s);
	craft_close(c);
}

static void
test_errors(void)
{
	struct craft *c;
	struct segment s;
	const uint8_t *p = NULL;
	uint32_t n = 0;
	char err[256];

	c = craft_open(AF_INET, CRAFT_BYTES, err, sizeof err);
	segment_init(&s);
	seg_addrs(&s, "2001:db8::1", "2001:db8::2");
	err[0] = '\0';
	CHECK(craft_build(c, &s, &p, &n, err, sizeof err) == -1);
	CHECK_(strstr(err, "IPv4") != NULL, "family mismatch named: %s", err);
	err[0] = '\0';
	CHECK(craft_send(c, &s, &p, &n, err, sizeof err) == -1);
	CHECK_(err[0] != '\0', "send on a bytes context refused: %s", err);
	segment_clear(&s);

	seg_addrs(&s, "198.18.0.1", "198.18.0.2");
	s.len = 65535 - 40 + 1;		/* NULL data: zero bytes */
	CHECK(craft_build(c, &s, &p, &n, err, sizeof err) == -1);
	s.len = 65535 - 40;
	CHECK(craft_build(c, &s, &p, &n, err, sizeof err) == 0);
	CHECK_INT(n, 65535);
	CHECK_INT(field16(p, 2), 65535);
	CHECK_INT(field16(p, 36), ref_tcp_cksum(p, n));
	s.len = 0;
	CHECK(craft_open(AF_UNIX, CRAFT_BYTES, err, sizeof err) == NULL);
	craft_close(c);
}

/* One context, a sequence of shapes: every build byte-exact, including
 * the IPv4 total length and header checksum after libnet rewrote blocks
 * by their ptags (same shape) or was cleared (new shape). */
static void
test_shapes(int family)
{
	const char *a = family == AF_INET ? "198.18.0.1" : "2001:db8::1";
	const char *b = family == AF_INET ? "198.18.0.2" : "2001:db8::2";
	uint8_t big[1200];
	struct craft *c;
	struct segment s;
	char err[256], what[64];
	const char *fam = family == AF_INET ? "IPv4" : "IPv6";
	size_t i;

	for (i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(255 - i);
	c = craft_open(family, CRAFT_BYTES, err, sizeof err);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	segment_init(&s);
	seg_addrs(&s, a, b);
	s.sport = 33000; s.dport = 80; s.df = true; s.ip_id = 42;

	s.flags = TH_SYN_; s.seq = 100; s.win = 64240;
	add_mss(&s, 1460); add_kind(&s, OPT_SACKOK, 2); add_ts(&s, 1, 0);
	add_kind(&s, OPT_NOP, 0); add_ws(&s, 7);
	snprintf(what, sizeof what, "%s 1 SYN <20 option bytes>", fam);
	check_ref(c, &s, what);

	s.seq = 200; s.ip_id = 43; s.opts[2].u.ts.val = 2;
	snprintf(what, sizeof what, "%s 2 same shape, patched", fam);
	check_ref(c, &s, what);

	s.nopts = 0; s.flags = TH_ACK_; s.seq = 101; s.ack = 5000;
	snprintf(what, sizeof what, "%s 3 no options", fam);
	check_ref(c, &s, what);

	segment_set_data(&s, big, 100);
	s.flags = TH_ACK_ | TH_PSH_;
	snprintf(what, sizeof what, "%s 4 payload 100", fam);
	check_ref(c, &s, what);

	segment_set_data(&s, big + 1, 100);
	s.seq = 201;
	snprintf(what, sizeof what, "%s 5 payload 100, other bytes", fam);
	check_ref(c, &s, what);

	add_ts(&s, 300, 400); add_kind(&s, OPT_NOP, 0);
	add_kind(&s, OPT_NOP, 0);
	snprintf(what, sizeof what, "%s 6 TS + payload", fam);
	check_ref(c, &s, what);

	segment_set_data(&s, big, 1111);
	snprintf(what, sizeof what, "%s 7 TS + payload 1111", fam);
	check_ref(c, &s, what);

	/* Options shrink while the payload grows by the same amount: the
	 * total length stays, the shape does not. */
	s.nopts = 0;
	add_kind(&s, OPT_NOP, 0);
	segment_set_data(&s, big, 1111 + 8);
	snprintf(what, sizeof what, "%s 8 options 12 -> 4, payload +8", fam);
	check_ref(c, &s, what);

	s.nopts = 0;
	segment_set_data(&s, NULL, 0);
	s.flags = TH_RST_; s.badsum = true;
	snprintf(what, sizeof what, "%s 9 bare RST, badsum", fam);
	check_ref(c, &s, what);

	s.badsum = false; s.ttl = 3; s.tos = 0xb8;
	add_mss(&s, 9000);
	snprintf(what, sizeof what, "%s 10 mss, ttl 3, tos 0xb8", fam);
	check_ref(c, &s, what);

	for (i = 0; i < 20; i++) {
		s.nopts = 0;
		if (i % 3 != 0)
			add_mss(&s, (uint16_t)(1000 + i));
		if (i % 2)
			add_ts(&s, (uint32_t)i, (uint32_t)(i * 2));
		segment_set_data(&s, big, (uint32_t)(i % 4) * 37);
		s.seq += 37;
		snprintf(what, sizeof what, "%s 11.%zu mixed", fam, i);
		check_ref(c, &s, what);
	}
	segment_clear(&s);
	craft_close(c);
}

/* An IPv4 and an IPv6 context side by side do not disturb each other. */
static void
test_two_contexts(void)
{
	struct craft *c4, *c6;
	struct segment s4, s6;
	char err[256];
	int i;

	c4 = craft_open(AF_INET, CRAFT_BYTES, err, sizeof err);
	c6 = craft_open(AF_INET6, CRAFT_BYTES, err, sizeof err);
	segment_init(&s4);
	segment_init(&s6);
	seg_addrs(&s4, "198.18.0.1", "198.18.0.2");
	seg_addrs(&s6, "2001:db8::1", "2001:db8::2");
	s4.sport = s6.sport = 5; s4.dport = s6.dport = 6;
	for (i = 0; i < 4; i++) {
		s4.seq = s6.seq = (uint32_t)i;
		s4.flags = s6.flags = i ? TH_ACK_ : TH_SYN_;
		if (i == 0) {
			add_mss(&s6, 1220);
		} else if (i == 2) {
			segment_set_data(&s4, "abcdefg", 7);
			s6.nopts = 0;
		}
		check_ref(c6, &s6, "IPv6 context, interleaved");
		check_ref(c4, &s4, "IPv4 context, interleaved");
	}
	segment_clear(&s4);
	segment_clear(&s6);
	craft_close(c4);
	craft_close(c6);
}

/* ---- template and patch ---- */

/* xorshift64: the same values every run, so a failure repeats. */
static uint64_t
rng_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void
patch_random(uint64_t *x, struct craft_patch *p)
{
	uint64_t r = rng_next(x), q = rng_next(x);

	p->sport = (uint16_t)r;
	p->dport = (uint16_t)(r >> 16);
	p->seq = (uint32_t)(r >> 32);
	p->ack = (uint32_t)q;
	p->flags = (uint8_t)(q >> 32);
}

/* Copy p's fields into seg, as a probe run changes its template. */
static void
patch_into(struct segment *seg, const struct craft_patch *p)
{
	seg->sport = p->sport;
	seg->dport = p->dport;
	seg->seq = p->seq;
	seg->ack = p->ack;
	seg->flags = p->flags;
}

/* For many random patches, the patched template equals a fresh
 * craft_build() of the same segment, byte for byte (ports, numbers, flags
 * and the TCP checksum included), and a right checksum verifies. */
static void
check_patches(int family, struct segment *seg, const char *what)
{
	struct craft *c;
	struct craft_patch p;
	uint8_t got[2048];
	const uint8_t *want;
	uint32_t n, len, i, differ = 0, unbuilt = 0, badsum = 0;
	uint64_t x = 0x2545f4914f6cdd1dull;
	char err[256] = "";

	c = craft_open(family, CRAFT_BYTES, err, sizeof err);
	CHECK_(c != NULL && craft_template(c, seg, err, sizeof err) == 0,
	    "%s: template builds (%s)", what, err);
	if (c == NULL)
		return;
	len = craft_template_len(c);
	CHECK_(len > 0 && len <= sizeof got, "%s: template of %u bytes",
	    what, len);
	for (i = 0; i < 20000 && len > 0 && len <= sizeof got; i++) {
		patch_random(&x, &p);
		craft_patch(c, &p, got);
		patch_into(seg, &p);
		if (craft_build(c, seg, &want, &n, err, sizeof err) != 0) {
			unbuilt++;
			continue;
		}
		if (n != len || memcmp(got, want, len) != 0)
			differ++;
		if ((field16(got, ref_iphlen(got) + 16) ==
		    ref_tcp_cksum(got, len)) == seg->badsum)
			badsum++;
	}
	CHECK_(unbuilt == 0 && differ == 0, "%s: 20000 patched copies equal "
	    "fresh builds (%u differ, %u failed to build)", what, differ,
	    unbuilt);
	CHECK_(badsum == 0, "%s: TCP checksums %s (%u not)", what,
	    seg->badsum ? "wrong as asked" : "right", badsum);
	craft_close(c);
}

/* Where the right checksum of a copy comes out 0x0000 (one's-complement
 * arithmetic's other zero is 0xffff), the copy still equals a fresh
 * build, and with badsum it is 0x0001. */
static void
check_patch_zero(int family, const char *src, const char *dst)
{
	struct craft *c, *fresh;
	struct segment s;
	struct craft_patch p = { .sport = 1, .dport = 2, .flags = TH_SYN_ };
	uint8_t got[100];
	const uint8_t *want;
	uint32_t n, off;
	char err[256];
	int found = 0, same = 0;

	c = craft_open(family, CRAFT_BYTES, err, sizeof err);
	fresh = craft_open(family, CRAFT_BYTES, err, sizeof err);
	segment_init(&s);
	seg_addrs(&s, src, dst);
	patch_into(&s, &p);
	s.seq = 12345;	/* the template's own values differ from the copy's */
	craft_template(c, &s, err, sizeof err);
	off = family == AF_INET ? 36 : 56;
	for (p.seq = 0; p.seq < 0x20000 && !found; p.seq++) {
		craft_patch(c, &p, got);
		if (field16(got, off) != 0)
			continue;
		found = 1;
		patch_into(&s, &p);
		craft_build(fresh, &s, &want, &n, err, sizeof err);
		same = n == craft_template_len(c) && memcmp(got, want, n) == 0;
	}
	CHECK_(found && same, "%s: a copy whose checksum is 0x0000 equals a "
	    "fresh build", family == AF_INET ? "IPv4" : "IPv6");
	s.badsum = true;
	s.seq = 12345;
	craft_template(c, &s, err, sizeof err);
	p.seq--;
	craft_patch(c, &p, got);
	CHECK_(field16(got, off) == 1, "%s: and 0x0001 with badsum (got "
	    "%04x)", family == AF_INET ? "IPv4" : "IPv6", field16(got, off));
	segment_clear(&s);
	craft_close(c);
	craft_close(fresh);
}

static void
test_patch(void)
{
	struct segment s;
	struct craft *c;
	struct craft_patch p = { 0 };
	uint8_t buf[100];
	char err[256] = "";

	segment_init(&s);
	seg_addrs(&s, "198.18.0.1", "198.18.0.2");
	s.win = 65535;
	add_mss(&s, 1460);
	add_kind(&s, OPT_SACKOK, 2);
	add_ts(&s, 7, 0);
	add_kind(&s, OPT_NOP, 0);
	add_ws(&s, 7);
	check_patches(AF_INET, &s, "IPv4 SYN with options");
	s.df = true;
	s.ip_id = 99;
	s.ttl = 3;
	s.badsum = true;
	check_patches(AF_INET, &s, "IPv4 badsum, DF, id, ttl");
	s.badsum = false;
	s.doff = 15;	/* a lie the checksum covers */
	segment_set_data(&s, "payload", 7);
	check_patches(AF_INET, &s, "IPv4 data offset 15 and payload");
	segment_clear(&s);

	seg_addrs(&s, "2001:db8::1", "2001:db8::2");
	s.win = 1000;
	s.tos = 0x20;
	check_patches(AF_INET6, &s, "IPv6 bare");
	add_mss(&s, 1220);
	segment_set_data(&s, NULL, 33);
	check_patches(AF_INET6, &s, "IPv6 option and odd payload");
	s.badsum = true;
	check_patches(AF_INET6, &s, "IPv6 badsum");
	segment_clear(&s);

	check_patch_zero(AF_INET, "198.18.0.1", "198.18.0.2");
	check_patch_zero(AF_INET6, "2001:db8::1", "2001:db8::2");

	/* A bytes-only context has a template but cannot send it. */
	c = craft_open(AF_INET, CRAFT_BYTES, err, sizeof err);
	CHECK_INT(craft_template_len(c), 0);
	seg_addrs(&s, "198.18.0.1", "198.18.0.2");
	craft_template(c, &s, err, sizeof err);
	CHECK_INT(craft_template_len(c), 40);
	craft_patch(c, &p, buf);
	CHECK(craft_send_batch(c, &p, 1, err, sizeof err) == -1 &&
	    strstr(err, "cannot send") != NULL);
	segment_clear(&s);
	craft_close(c);
}

int
main(void)
{
	test_vectors();
	test_checksums();
	test_badsum_zero();
	test_padding_doff();
	test_errors();
	test_shapes(AF_INET);
	test_shapes(AF_INET6);
	test_two_contexts();
	test_patch();
	return check_done();
}
