/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-craft-decode.c: round trips, segment -> craft_build() -> bytes ->
 * decode_ip() -> segment, for both families, every option kind, odd and
 * empty payloads and bad checksums: the fields come back as crafted. */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "craft.h"
#include "decode.h"
#include "segment.h"

#define MAXO	8

struct rt_case {
	const char	*name;
	const char	*src, *dst;
	uint16_t	 sport, dport;
	uint32_t	 seq, ack;
	uint8_t		 flags;
	uint16_t	 win, urg;
	uint8_t		 ttl, tos;
	uint16_t	 id;
	bool		 df, badsum;
	int		 nopts;
	struct tcp_option opts[MAXO];
	const char	*data;		/* NULL with len > 0: zero bytes */
	uint32_t	 len;
};

#define V4	"198.18.0.1", "198.18.1.2"
#define V6	"2001:db8::1", "2001:db8:1::2"
#define MSS(v)	{ .kind = OPT_MSS, .len = 4, .u.mss = (v) }
#define WS(v)	{ .kind = OPT_WSCALE, .len = 3, .u.wscale = (v) }
#define SOK	{ .kind = OPT_SACKOK, .len = 2 }
#define NOP	{ .kind = OPT_NOP }
#define EOL	{ .kind = OPT_EOL }
#define TS(v, e) { .kind = OPT_TS, .len = 10, .u.ts = { (v), (e) } }

static const struct rt_case cases[] = {
	{ "v4 SYN, Linux options", V4, 40000, 80, 1, 0, TH_SYN_, 64240, 0,
	  0, 0, 1, true, false, 5,
	  { MSS(1460), SOK, TS(100, 0), NOP, WS(7) }, NULL, 0 },
	{ "v6 SYN, Linux options", V6, 40000, 80, 1, 0, TH_SYN_, 64800, 0,
	  0, 0, 0, false, false, 5,
	  { MSS(1440), SOK, TS(0xffffffffu, 0), NOP, WS(14) }, NULL, 0 },
	{ "v4 SYN-ACK, mss nop nop sackOK nop wscale", V4, 80, 40000,
	  0x80000000u, 2, TH_SYN_ | TH_ACK_, 65535, 0, 63, 0, 99, true, false,
	  6, { MSS(536), NOP, NOP, SOK, NOP, WS(0) }, NULL, 0 },
	{ "v6 SYN-ACK, tclass 0xb8, hlim 1", V6, 443, 51000, 7, 2,
	  TH_SYN_ | TH_ACK_, 28560, 0, 1, 0xb8, 0, false, false, 2,
	  { MSS(1220), WS(9) }, NULL, 0 },
	{ "v4 ACK, one SACK block", V4, 1, 2, 1000, 2000, TH_ACK_, 501, 0,
	  0, 0, 7, true, false, 3,
	  { NOP, NOP, { .kind = OPT_SACK, .len = 10, .u.sack = { 1,
	    { { 3000, 4000 } } } } }, NULL, 0 },
	{ "v6 ACK, four SACK blocks", V6, 1, 2, 1000, 2000, TH_ACK_, 501, 0,
	  0, 0, 0, false, false, 3,
	  { NOP, NOP, { .kind = OPT_SACK, .len = 34, .u.sack = { 4,
	    { { 1, 2 }, { 3, 4 }, { 0xfffffff0u, 5 }, { 7, 8 } } } } },
	  NULL, 0 },
	{ "v4 ACK, TS and three SACK blocks", V4, 5, 6, 7, 8, TH_ACK_, 9, 0,
	  0, 0, 1, true, false, 5,
	  { NOP, NOP, TS(11, 22), NOP, { .kind = OPT_SACK, .len = 26,
	    .u.sack = { 3, { { 10, 20 }, { 30, 40 }, { 50, 60 } } } } },
	  NULL, 0 },
	{ "v4 unknown option (TFO cookie, kind 34)", V4, 9, 10, 11, 0,
	  TH_SYN_, 1000, 0, 0, 0, 1, true, false, 2,
	  { MSS(1460), { .kind = 34, .len = 10, .u.raw = { 1, 2, 3, 4, 5, 6,
	    7, 8 } } }, NULL, 0 },
	{ "v6 unknown options (kind 30 len 2, kind 254 len 6)", V6, 9, 10,
	  11, 0, TH_SYN_, 1000, 0, 0, 0, 0, false, false, 2,
	  { { .kind = 30, .len = 2 }, { .kind = 254, .len = 6, .u.raw = {
	    0xf9, 0x89, 0xaa, 0xbb } } }, NULL, 0 },
	{ "v4 explicit EOL after wscale", V4, 3, 4, 5, 6, TH_SYN_, 7, 0, 0,
	  0, 1, true, false, 2, { WS(3), EOL }, NULL, 0 },
	{ "v6 nops only", V6, 3, 4, 5, 6, TH_ACK_, 7, 0, 0, 0, 0, false,
	  false, 4, { NOP, NOP, NOP, NOP }, NULL, 0 },
	{ "v4 PSH-ACK, odd payload", V4, 40000, 80, 101, 202,
	  TH_PSH_ | TH_ACK_, 502, 0, 0, 0x10, 0x4444, true, false, 0, { },
	  "GET / HTTP/1.0\r\n\r\n!", 19 },
	{ "v6 PSH-ACK, TS and odd payload", V6, 40000, 80, 101, 202,
	  TH_PSH_ | TH_ACK_, 502, 0, 0, 0, 0, false, false, 3,
	  { NOP, NOP, TS(5, 6) }, "abcde", 5 },
	{ "v4 1460 zero bytes", V4, 1, 2, 3, 4, TH_ACK_, 5, 0, 0, 0, 2, true,
	  false, 0, { }, NULL, 1460 },
	{ "v6 1441 zero bytes", V6, 1, 2, 3, 4, TH_ACK_, 5, 0, 0, 0, 0,
	  false, false, 0, { }, NULL, 1441 },
	{ "v4 FIN-ACK", V4, 80, 40000, 0xffffffffu, 0xfffffffeu,
	  TH_FIN_ | TH_ACK_, 0, 0, 0, 0, 3, true, false, 0, { }, NULL, 0 },
	{ "v6 RST", V6, 80, 40000, 12345, 0, TH_RST_, 0, 0, 0, 0, 0, false,
	  false, 0, { }, NULL, 0 },
	{ "v4 RST-ACK, no DF, id 0", V4, 80, 40000, 0, 12346,
	  TH_RST_ | TH_ACK_, 0, 0, 0, 0, 0, false, false, 0, { }, NULL, 0 },
	{ "v4 URG with pointer", V4, 1, 2, 3, 4, TH_URG_ | TH_ACK_ | TH_PSH_,
	  5, 1, 0, 0, 9, true, false, 0, { }, "!", 1 },
	{ "v6 every flag", V6, 65535, 65535, 1, 1, 0xff, 65535, 65535, 255,
	  0xff, 0, false, false, 0, { }, "x", 1 },
	{ "v4 ECE-CWR SYN (ECN setup), tos ECT0", V4, 7, 8, 9, 0,
	  TH_SYN_ | TH_ECE_ | TH_CWR_, 1, 0, 0, 0x02, 5, true, false, 1,
	  { MSS(1400) }, NULL, 0 },
	{ "v4 badsum SYN", V4, 40000, 80, 1, 0, TH_SYN_, 64240, 0, 0, 0, 1,
	  true, true, 1, { MSS(1460) }, NULL, 0 },
	{ "v6 badsum with payload", V6, 40000, 80, 1, 2, TH_ACK_ | TH_PSH_,
	  10, 0, 0, 0, 0, false, true, 0, { }, "payload", 7 },
	{ "v4 every kind in 40 bytes: mss ws sackOK TS sack(2) eol", V4, 1, 2, 3,
	  4, TH_ACK_, 5, 0, 0, 0, 1, true, false, 6,
	  { MSS(1), WS(2), SOK, TS(3, 4), { .kind = OPT_SACK, .len = 18,
	    .u.sack = { 2, { { 5, 6 }, { 7, 8 } } } }, EOL }, NULL, 0 },
};

/* What decode gives back for the crafted options: the same list, plus
 * the zero padding read as one EOL (decode stops at the first EOL). */
static int
want_opts(const struct rt_case *k, struct tcp_option *w)
{
	size_t bytes = 0;
	int i, n = 0;

	for (i = 0; i < k->nopts; i++) {
		w[n] = k->opts[i];
		if (w[n].kind == OPT_EOL || w[n].kind == OPT_NOP) {
			w[n].len = 0;
			bytes += 1;
		} else {
			bytes += w[n].len;
		}
		n++;
	}
	if (bytes % 4 != 0 && (n == 0 || w[n - 1].kind != OPT_EOL)) {
		memset(&w[n], 0, sizeof w[n]);
		w[n++].kind = OPT_EOL;
	}
	return n;
}

static bool
opt_eq(const struct tcp_option *a, const struct tcp_option *b)
{
	int i;

	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case OPT_EOL: case OPT_NOP: case OPT_SACKOK:
		return true;
	case OPT_MSS:
		return a->len == b->len && a->u.mss == b->u.mss;
	case OPT_WSCALE:
		return a->len == b->len && a->u.wscale == b->u.wscale;
	case OPT_TS:
		return a->len == b->len && a->u.ts.val == b->u.ts.val &&
		    a->u.ts.ecr == b->u.ts.ecr;
	case OPT_SACK:
		if (a->len != b->len || a->u.sack.n != b->u.sack.n)
			return false;
		for (i = 0; i < a->u.sack.n; i++)
			if (a->u.sack.b[i].left != b->u.sack.b[i].left ||
			    a->u.sack.b[i].right != b->u.sack.b[i].right)
				return false;
		return true;
	default:
		return a->len == b->len && memcmp(a->u.raw, b->u.raw,
		    a->len > 2 ? (size_t)a->len - 2 : 0) == 0;
	}
}

static void
round_trip(struct craft *c4, struct craft *c6, const struct rt_case *k)
{
	struct tcp_option w[MAXO + 1];
	struct segment s;
	struct decoded d;
	const struct segment *g = &d.seg;
	const uint8_t *p = NULL;
	uint32_t n = 0;
	char err[256] = "", detail[256] = "";
	enum decode_status st;
	int i, nw;
	bool ok;

	segment_init(&s);
	ipaddr_parse(k->src, &s.src);
	ipaddr_parse(k->dst, &s.dst);
	s.sport = k->sport; s.dport = k->dport; s.seq = k->seq; s.ack = k->ack;
	s.flags = k->flags; s.win = k->win; s.urg = k->urg; s.ttl = k->ttl;
	s.tos = k->tos; s.ip_id = k->id; s.df = k->df; s.badsum = k->badsum;
	s.ae = (k->seq & 1) != 0;
	/* Any 20 bits; IPv4 has no flow label and ignores it. */
	s.flowlabel = (k->seq ^ 0x5a5a5u) & 0xfffffu;
	for (i = 0; i < k->nopts; i++)
		segment_add_opt(&s, &k->opts[i]);
	segment_set_data(&s, k->data, k->len);

	if (craft_build(s.src.family == AF_INET ? c4 : c6, &s, &p, &n, err,
	    sizeof err) != 0) {
		CHECK_(0, "%s: craft_build: %s", k->name, err);
		segment_clear(&s);
		return;
	}
	memset(&d, 0, sizeof d);
	st = decode_ip(p, n, &d, detail, sizeof detail);
	CHECK_(st == DEC_OK && d.kind == DK_TCP, "%s: decodes (%s)", k->name,
	    st == DEC_OK ? "ok" : detail);
	if (st != DEC_OK) {
		segment_clear(&s);
		return;
	}
	CHECK_(ipaddr_eq(&g->src, &s.src) && ipaddr_eq(&g->dst, &s.dst),
	    "%s: addresses", k->name);
	CHECK_(g->ttl == (k->ttl ? k->ttl : 64) && g->tos == k->tos,
	    "%s: ttl %u tos 0x%02x", k->name, g->ttl, g->tos);
	CHECK_(g->ae == s.ae, "%s: AE %d", k->name, s.ae);
	if (s.src.family == AF_INET6)
		CHECK_(g->flowlabel == s.flowlabel, "%s: flow label 0x%05x "
		    "(got 0x%05x)", k->name, s.flowlabel, g->flowlabel);
	if (s.src.family == AF_INET)
		CHECK_(g->ip_id == k->id && g->df == k->df,
		    "%s: id %u df %d", k->name, g->ip_id, g->df);
	CHECK_(g->sport == k->sport && g->dport == k->dport &&
	    g->seq == k->seq && g->ack == k->ack && g->flags == k->flags &&
	    g->win == k->win && g->urg == k->urg,
	    "%s: ports, seq, ack, flags, window, urgent", k->name);
	nw = want_opts(k, w);
	ok = g->nopts == nw;
	for (i = 0; ok && i < nw; i++)
		ok = opt_eq(&g->opts[i], &w[i]);
	CHECK_(ok, "%s: %u options back (want %d), each the same", k->name,
	    g->nopts, nw);
	CHECK_(g->len == k->len && (k->len == 0 || (g->data != NULL &&
	    memcmp(g->data, s.data, k->len) == 0)), "%s: payload of %u",
	    k->name, g->len);
	CHECK_(g->cksum_state == (k->badsum ? CKSUM_BAD : CKSUM_OK),
	    "%s: checksum %s", k->name, k->badsum ? "bad" : "ok");
	CHECK_(d.ip == p && d.iplen == n, "%s: the IP packet is all of it",
	    k->name);
	segment_clear(&d.seg);
	segment_clear(&s);
}

/* An ack number without the ACK flag (a scapy-style SYN, a crafted RST):
 * the decoded segment's packet line shows it, absolute, and parsing that
 * line gives the same bytes again. */
static void
ack_without_flag(struct craft *c4)
{
	struct segment s, back;
	struct decoded d;
	const uint8_t *p;
	uint8_t first[128];
	uint32_t n, n2;
	char err[256] = "", *line;
	struct text_error te = { 0, "" };

	segment_init(&s);
	ipaddr_parse("198.18.0.1", &s.src);
	ipaddr_parse("198.18.0.2", &s.dst);
	s.sport = 40000; s.dport = 80; s.seq = 1000; s.ack = 12345;
	s.flags = TH_SYN_; s.win = 512;
	CHECK_(craft_build(c4, &s, &p, &n, err, sizeof err) == 0 &&
	    n <= sizeof first, "ack without ACK: crafted (%s)", err);
	memcpy(first, p, n);
	memset(&d, 0, sizeof d);
	CHECK_(decode_ip(first, n, &d, err, sizeof err) == DEC_OK,
	    "ack without ACK: decodes");
	line = segment_format(&d.seg, SEGFMT_FULL);
	CHECK_(strcmp(line, "40000>80 S 1000:1000(0) ack 12345! win 512 "
	    "<> (ttl 64) (tos 0x00)") == 0, "ack without ACK: the line shows "
	    "it: %s", line);
	segment_init(&back);
	CHECK_(segment_parse(line, &back, &te), "ack without ACK: the line "
	    "parses (%s)", te.msg);
	back.src = s.src;
	back.dst = s.dst;
	CHECK_(back.flags == TH_SYN_ && back.ack == 12345,
	    "ack without ACK: flags S, ack 12345 back");
	CHECK_(craft_build(c4, &back, &p, &n2, err, sizeof err) == 0 &&
	    n2 == n && memcmp(p + 20, first + 20, n - 20) == 0,
	    "ack without ACK: the same TCP bytes again");
	/* Zero is what an honest SYN carries: no "ack" then. */
	segment_clear(&d.seg);
	s.ack = 0;
	CHECK_(craft_build(c4, &s, &p, &n, err, sizeof err) == 0 &&
	    decode_ip(p, n, &d, err, sizeof err) == DEC_OK &&
	    !(d.seg.has & SEG_HAS_ACK), "ack 0 without ACK: no ack shown");
	free(line);
	segment_clear(&d.seg);
	segment_clear(&back);
	segment_clear(&s);
}

int
main(void)
{
	struct craft *c4, *c6;
	char err[256];
	size_t i;

	c4 = craft_open(AF_INET, CRAFT_BYTES, err, sizeof err);
	c6 = craft_open(AF_INET6, CRAFT_BYTES, err, sizeof err);
	if (c4 == NULL || c6 == NULL) {
		printf("not ok 1 - craft_open: %s\n", err);
		return 1;
	}
	CHECK_(sizeof cases / sizeof cases[0] >= 20, "%zu round trips",
	    sizeof cases / sizeof cases[0]);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		round_trip(c4, c6, &cases[i]);
	/* Again, in reverse: each context now changes shape in another
	 * order. */
	for (i = sizeof cases / sizeof cases[0]; i-- > 0;)
		round_trip(c4, c6, &cases[i]);
	ack_without_flag(c4);
	craft_close(c4);
	craft_close(c6);
	return check_done();
}
