/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-segment-text.c: the packet-line parser and printer: round trips,
 * exact printed text, packetdrill's own lines, and malformed lines with the
 * column and message each must report. */
#include "config.h"

#include <stdlib.h>

#include "check.h"
#include "segment.h"

/* ------------------------------------------------------------- helpers */

static bool
opt_eq(const struct tcp_option *a, const struct tcp_option *b)
{
	int i;

	if (a->kind != b->kind || a->len != b->len ||
	    a->any_data != b->any_data)
		return false;
	switch (a->kind) {
	case OPT_EOL:
	case OPT_NOP:
	case OPT_SACKOK:
		return true;
	case OPT_MSS:
		return a->u.mss == b->u.mss;
	case OPT_WSCALE:
		return a->u.wscale == b->u.wscale;
	case OPT_TS:
		return a->u.ts.val == b->u.ts.val && a->u.ts.ecr == b->u.ts.ecr;
	case OPT_SACK:
		if (a->u.sack.n != b->u.sack.n)
			return false;
		for (i = 0; i < a->u.sack.n; i++)
			if (a->u.sack.b[i].left != b->u.sack.b[i].left ||
			    a->u.sack.b[i].right != b->u.sack.b[i].right)
				return false;
		return true;
	default:
		return memcmp(a->u.raw, b->u.raw, (size_t)a->len - 2) == 0;
	}
}

/* Every field the text form carries. */
static bool
seg_eq(const struct segment *a, const struct segment *b)
{
	int i;

	if (a->has != b->has || a->flags != b->flags || a->ae != b->ae || a->len != b->len ||
	    a->nopts != b->nopts)
		return false;
	if ((a->has & SEG_HAS_PORTS) &&
	    (a->sport != b->sport || a->dport != b->dport))
		return false;
	if (a->seq != b->seq || a->ack != b->ack || a->win != b->win ||
	    a->urg != b->urg || a->ttl != b->ttl || a->tos != b->tos ||
	    a->flowlabel != b->flowlabel)
		return false;
	for (i = 0; i < a->nopts; i++)
		if (!opt_eq(&a->opts[i], &b->opts[i]))
			return false;
	if ((a->data == NULL) != (b->data == NULL))
		return false;
	return a->data == NULL || memcmp(a->data, b->data, a->len) == 0;
}

static void
add_opt(struct segment *s, uint8_t kind, uint8_t len)
{
	struct tcp_option o;

	memset(&o, 0, sizeof o);
	o.kind = kind;
	o.len = len;
	segment_add_opt(s, &o);
}

static struct tcp_option *
last_opt(struct segment *s)
{
	return &s->opts[s->nopts - 1];
}

static void
seg_base(struct segment *s, uint8_t flags, uint32_t seq, uint32_t len)
{
	segment_init(s);
	s->flags = flags;
	s->seq = seq;
	s->len = len;
}

/* Print with SEGFMT_FULL, parse, compare; print again, same text. */
static void
round_trip(struct segment *s, const char *name)
{
	struct segment back;
	struct text_error err;
	char *text, *again;
	bool ok;

	segment_init(&back);
	text = segment_format(s, SEGFMT_FULL);
	ok = segment_parse(text, &back, &err);
	CHECK_(ok, "round trip %s parses: %s%s%s", name, text,
	    ok ? "" : " -- ", ok ? "" : err.msg);
	CHECK_(ok && seg_eq(s, &back), "round trip %s gives the segment back",
	    name);
	again = segment_format(&back, SEGFMT_FULL);
	CHECK_(strcmp(text, again) == 0, "round trip %s prints the same: %s",
	    name, again);
	free(text);
	free(again);
	segment_clear(&back);
	segment_clear(s);
}

/* Parse text, print it back with fmt, compare with want. */
static void
reprint(const char *text, int fmt, const char *want)
{
	struct segment s;
	struct text_error err;
	char *got = NULL;

	segment_init(&s);
	if (segment_parse(text, &s, &err))
		got = segment_format(&s, fmt);
	else
		printf("# %s: column %d: %s\n", text, err.column, err.msg);
	CHECK_STR(got, want);
	free(got);
	segment_clear(&s);
}

static void
bad(const char *text, int column, const char *msg)
{
	struct segment s;
	struct text_error err;
	bool ok;

	segment_init(&s);
	ok = segment_parse(text, &s, &err);
	CHECK_(!ok, "rejects '%s'", text);
	CHECK_(!ok && err.column == column, "'%s': column %d (got %d)", text,
	    column, err.column);
	CHECK_STR(ok ? "(parsed)" : err.msg, msg);
	CHECK_(s.data == NULL && s.nopts == 0 && s.has == 0,
	    "'%s' leaves the segment cleared", text);
	segment_clear(&s);
}

/* ------------------------------------------------------ round trips */

static void
test_round_trips_flags(void)
{
	struct segment s;
	static const struct {
		uint8_t		 flags;
		const char	*name;
	} f[] = {
		{ TH_SYN_, "S" }, { TH_SYN_ | TH_ACK_, "S." },
		{ TH_ACK_, "." }, { TH_FIN_ | TH_ACK_, "F." },
		{ TH_RST_, "R" }, { TH_RST_ | TH_ACK_, "R." },
		{ TH_PSH_ | TH_ACK_, "P." }, { TH_URG_ | TH_ACK_, "U." },
		{ TH_SYN_ | TH_ECE_ | TH_CWR_, "SEW" },
		{ 0, "-" }, { 0xff, "all flags" },
	};
	size_t i;

	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		seg_base(&s, f[i].flags, 0, 0);
		round_trip(&s, f[i].name);
	}
}

static void
test_round_trips_fields(void)
{
	struct segment s;

	seg_base(&s, TH_ACK_, 4294967290u, 10);	/* end wraps past 2^32 */
	s.ack = 4294967295u;
	s.win = 65535;
	s.has = SEG_HAS_ACK | SEG_HAS_WIN;
	round_trip(&s, "wrapping sequence space");

	seg_base(&s, TH_PSH_ | TH_ACK_ | TH_URG_, 1, 3);
	s.sport = 40000;
	s.dport = 80;
	s.urg = 2;
	s.has = SEG_HAS_PORTS | SEG_HAS_URG;
	round_trip(&s, "ports and urg");

	seg_base(&s, TH_SYN_, 1000, 0);
	s.has = SEG_ABS_SEQ;
	round_trip(&s, "absolute seq");

	seg_base(&s, TH_ACK_, 1, 0);
	s.ack = 77;
	s.has = SEG_HAS_ACK | SEG_ABS_ACK;
	round_trip(&s, "absolute ack");

	seg_base(&s, TH_ACK_, 0, 5);
	s.has = SEG_ANY_SEQ | SEG_HAS_ACK | SEG_ANY_ACK | SEG_HAS_WIN |
	    SEG_ANY_WIN;
	round_trip(&s, "any seq, ack, win");

	seg_base(&s, TH_SYN_ | TH_ACK_, 0, 0);
	s.has = SEG_HAS_OPTS | SEG_ANY_OPTS;
	round_trip(&s, "any options");

	seg_base(&s, TH_ACK_, 0, 0);
	s.has = SEG_HAS_OPTS;
	round_trip(&s, "empty option list");

	seg_base(&s, TH_SYN_, 0, 0);
	s.ttl = 1;
	s.tos = 0xb8;
	s.has = SEG_HAS_TTL | SEG_HAS_TOS;
	round_trip(&s, "ttl and tos");

	seg_base(&s, TH_ACK_, 0, 0);
	s.tos = ECN_CE;
	s.has = SEG_HAS_ECN;
	round_trip(&s, "ce");

	seg_base(&s, TH_ACK_, 0, 0);
	s.tos = 0x28 | ECN_ECT1;
	s.has = SEG_HAS_TOS | SEG_HAS_ECN;
	round_trip(&s, "tos and ect1");

	seg_base(&s, TH_ACK_, 0, 0);
	s.tos = ECN_ECT0;
	s.ttl = 255;
	s.has = SEG_HAS_ECN | SEG_HAS_TTL;
	round_trip(&s, "ect0 and ttl");

	seg_base(&s, TH_ACK_, 0, 0);
	s.has = SEG_HAS_ECN;
	round_trip(&s, "noecn");
}

static void
test_round_trips_opts(void)
{
	struct segment s;
	int i;

	seg_base(&s, TH_SYN_, 0, 0);
	s.has = SEG_HAS_OPTS;
	add_opt(&s, OPT_MSS, 4);
	last_opt(&s)->u.mss = 1460;
	add_opt(&s, OPT_SACKOK, 2);
	add_opt(&s, OPT_TS, 10);
	last_opt(&s)->u.ts.val = 4294967295u;
	last_opt(&s)->u.ts.ecr = 0;
	add_opt(&s, OPT_NOP, 0);
	add_opt(&s, OPT_WSCALE, 3);
	last_opt(&s)->u.wscale = 14;
	round_trip(&s, "SYN options");

	seg_base(&s, TH_ACK_, 1, 0);
	s.has = SEG_HAS_OPTS;
	add_opt(&s, OPT_NOP, 0);
	add_opt(&s, OPT_NOP, 0);
	add_opt(&s, OPT_SACK, 10);
	last_opt(&s)->u.sack.n = 1;
	last_opt(&s)->u.sack.b[0].left = 1461;
	last_opt(&s)->u.sack.b[0].right = 2921;
	round_trip(&s, "sack, one block");

	seg_base(&s, TH_ACK_, 1, 0);
	s.has = SEG_HAS_OPTS;
	add_opt(&s, OPT_NOP, 0);
	add_opt(&s, OPT_NOP, 0);
	add_opt(&s, OPT_SACK, 34);
	last_opt(&s)->u.sack.n = 4;
	for (i = 0; i < 4; i++) {
		last_opt(&s)->u.sack.b[i].left = 1000u * (uint32_t)i + 1;
		last_opt(&s)->u.sack.b[i].right = 1000u * (uint32_t)i + 501;
	}
	round_trip(&s, "sack, four blocks");

	seg_base(&s, TH_ACK_, 1, 0);
	s.has = SEG_HAS_OPTS;
	add_opt(&s, 30, 6);
	memcpy(last_opt(&s)->u.raw, "\x01\x02\xfe\xff", 4);
	add_opt(&s, 99, 2);
	add_opt(&s, OPT_EOL, 0);
	round_trip(&s, "unknown kinds and eol");

	seg_base(&s, TH_ACK_, 1, 0);
	s.has = SEG_HAS_OPTS;
	add_opt(&s, OPT_MSS, 3);	/* an mss one byte short */
	last_opt(&s)->u.mss = 0x0500;
	add_opt(&s, OPT_SACK, 2);	/* a sack without blocks */
	add_opt(&s, OPT_TS, 12);	/* a timestamp two bytes long */
	last_opt(&s)->u.ts.val = 1;
	last_opt(&s)->u.ts.ecr = 2;
	round_trip(&s, "known kinds with odd lengths");

	seg_base(&s, TH_SYN_, 0, 10);
	s.has = SEG_HAS_OPTS | SEG_HAS_DATA;
	segment_set_data(&s, "0123456789", 10);
	add_opt(&s, 34, 10);
	memcpy(last_opt(&s)->u.raw, "\x30\x21\xb9\xd8\x89\x01\x7e\xeb", 8);
	add_opt(&s, 254, 4);
	memcpy(last_opt(&s)->u.raw, "\xf9\x89", 2);
	add_opt(&s, 19, 18);
	memset(last_opt(&s)->u.raw, 0xab, 16);
	round_trip(&s, "FO, FOEXP, md5");

	seg_base(&s, TH_ACK_, 1, 0);
	s.has = SEG_HAS_OPTS;
	for (i = 0; i < 40; i++)
		add_opt(&s, OPT_NOP, 0);
	round_trip(&s, "forty nops");
}

static void
test_round_trips_payload(void)
{
	static const uint8_t esc[] = "a\"b\\c\r\n\t\0" "7\0x\x7f\x80\xff ";
	uint8_t bin[256];
	struct segment s;
	int i;

	seg_base(&s, TH_PSH_ | TH_ACK_, 1, 18);
	s.has = SEG_HAS_DATA | SEG_HAS_ACK;
	s.ack = 1;
	segment_set_data(&s, "GET / HTTP/1.0\r\n\r\n", 18);
	round_trip(&s, "HTTP request");

	seg_base(&s, TH_PSH_ | TH_ACK_, 1, sizeof esc - 1);
	s.has = SEG_HAS_DATA;
	segment_set_data(&s, esc, sizeof esc - 1);
	round_trip(&s, "escapes, \\0 before a digit");

	for (i = 0; i < 256; i++)
		bin[i] = (uint8_t)i;
	seg_base(&s, TH_PSH_ | TH_ACK_, 1, 256);
	s.has = SEG_HAS_DATA;
	segment_set_data(&s, bin, 256);
	round_trip(&s, "every byte value (hex form)");

	seg_base(&s, TH_ACK_, 1, 0);
	s.has = SEG_HAS_DATA;
	round_trip(&s, "empty payload");

	seg_base(&s, TH_PSH_ | TH_ACK_, 1, 1000);
	s.has = SEG_HAS_ACK;
	round_trip(&s, "length without payload");

	seg_base(&s, TH_PSH_ | TH_ACK_ | TH_FIN_, 7, 4);
	s.sport = 1;
	s.dport = 65535;
	s.ack = 9;
	s.win = 0;
	s.urg = 65535;
	s.ttl = 64;
	s.tos = 0x10 | ECN_CE;
	s.has = SEG_HAS_PORTS | SEG_HAS_ACK | SEG_HAS_WIN | SEG_HAS_URG |
	    SEG_HAS_OPTS | SEG_HAS_DATA | SEG_HAS_TTL | SEG_HAS_TOS |
	    SEG_HAS_ECN | SEG_ABS_SEQ | SEG_ABS_ACK;
	segment_set_data(&s, "\x01\x02\x03\x04", 4);
	add_opt(&s, OPT_TS, 10);
	last_opt(&s)->u.ts.val = 1;
	last_opt(&s)->u.ts.ecr = 2;
	round_trip(&s, "everything at once");
}

/* ------------------------------------------------------- exact printing */

static void
test_print(void)
{
	struct segment s;
	char *t;

	reprint("S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,"
	    "wscale 7>", SEGFMT_FULL, "S 0:0(0) win 65535 <mss 1460,sackOK,"
	    "TS val 100 ecr 0,nop,wscale 7>");
	reprint("  .S  0:0(0)   ack 1  <...> ", SEGFMT_FULL,
	    "S. 0:0(0) ack 1 <...>");
	reprint("WES 0:0(0)", SEGFMT_FULL, "SEW 0:0(0)");
	reprint(".PF 19:19(0) ack 1 win 502", SEGFMT_FULL,
	    "FP. 19:19(0) ack 1 win 502");
	reprint("1234>80 P. 1:19(18) ack 1 win 502 \"GET / HTTP/1.0\\r\\n\\r\\n\"",
	    SEGFMT_FULL, "1234>80 P. 1:19(18) ack 1 win 502 "
	    "\"GET / HTTP/1.0\\r\\n\\r\\n\"");
	reprint("1234>80 P. 1:19(18) ack 1 win 502 \"GET / HTTP/1.0\\r\\n\\r\\n\"",
	    0, "P. 1:19(18) ack 1 win 502");
	reprint("P. 1:31(30) \"0123456789abcdefghijklmnopqrst\"", SEGFMT_PREVIEW,
	    "P. 1:31(30) \"0123456789abcdefghijklmn\"...");
	reprint("P. 1:25(24) \"0123456789abcdefghijklmn\"", SEGFMT_PREVIEW,
	    "P. 1:25(24) \"0123456789abcdefghijklmn\"");
	reprint("P. 1:31(30) 0x000102030405060708090a0b0c0d0e0f101112131415161718"
	    "191a1b1c1d", SEGFMT_PREVIEW, "P. 1:31(30) 0x000102030405060708090a0b"
	    "0c0d0e0f1011121314151617...");
	reprint("P. 1:4(3) \"\\x01\\x02A\"", SEGFMT_FULL, "P. 1:4(3) 0x010241");
	reprint("P. 1:4(3) 0x410a42", SEGFMT_FULL, "P. 1:4(3) \"A\\nB\"");
	reprint("P. 1:6(5) \"\\101\\0\\x4zz\"", SEGFMT_FULL,
	    "P. 1:6(5) \"A\\0\\x04zz\"");
	reprint(". 1:1(0) ack 1 <>", SEGFMT_FULL, ". 1:1(0) ack 1 <>");
	reprint(". 1:1(0) ack 1 <>", SEGFMT_PREVIEW, ". 1:1(0) ack 1");
	reprint("S 100!:100(0) [ect0] (ttl 3)", SEGFMT_FULL,
	    "S 100!:100(0) (ttl 3) [ect0]");
	reprint("[ce] (tos 16) S 0:0(0)", SEGFMT_FULL,
	    "S 0:0(0) (tos 0x13) [ce]");
	reprint("[ce] (tos 16) S 0:0(0)", 0, "S 0:0(0)");
	reprint("- *:*(0) ack *  win *", SEGFMT_FULL, "- *:*(0) ack * win *");
	reprint(". 1:1(0) <kind 2 0x05b4,kind 1,kind 8 0x0000000100000002,"
	    "kind 5 0x0000000a00000014,kind 77>", SEGFMT_FULL,
	    ". 1:1(0) <mss 1460,nop,TS val 1 ecr 2,sack 10:20,kind 77>");
	reprint(". 1:1(0) <kind 2 0x05,kind 2 0x05b400,kind 8 0x00000001,"
	    "kind 5 0x01>", SEGFMT_FULL, ". 1:1(0) <kind 2 0x05,"
	    "kind 2 0x05b400,kind 8 0x00000001,kind 5 0x01>");
	reprint(". 1:1(0) <FO 0x0102,FOEXP,FO>", SEGFMT_FULL,
	    ". 1:1(0) <FO 0102,FOEXP,FO>");

	seg_base(&s, TH_ACK_, 0, 0);
	add_opt(&s, OPT_NOP, 0);
	add_opt(&s, OPT_MSS, 4);
	last_opt(&s)->u.mss = 536;
	t = segment_format_opts(&s);
	CHECK_STR(t, "<nop,mss 536>");
	free(t);
	s.has |= SEG_ANY_OPTS;
	t = segment_format_opts(&s);
	CHECK_STR(t, "<...>");
	free(t);
	segment_clear(&s);

	t = segment_format_data((const uint8_t *)"ab\"\\\x01", 5, 0);
	CHECK_STR(t, "\"ab\\\"\\\\\\x01\"");
	free(t);
	t = segment_format_data((const uint8_t *)"abcdef", 6, 3);
	CHECK_STR(t, "\"abc\"...");
	free(t);
	t = segment_format_data((const uint8_t *)"\0" "1", 2, 0);
	CHECK_STR(t, "\"\\x001\"");
	free(t);
	t = segment_format_data(NULL, 0, 0);
	CHECK_STR(t, "\"\"");
	free(t);
}

/* ------------------------------------------------------ parsed fields */

static void
test_parse_fields(void)
{
	struct segment s;
	struct text_error err;

	segment_init(&s);
	CHECK(segment_parse("40000>80 S 5:5(0) win 1024 <mss 1460,wscale 7>",
	    &s, &err));
	CHECK_INT(s.sport, 40000);
	CHECK_INT(s.dport, 80);
	CHECK_INT(s.flags, TH_SYN_);
	CHECK_INT(s.seq, 5);
	CHECK_INT(s.win, 1024);
	CHECK_INT(s.has, SEG_HAS_PORTS | SEG_HAS_WIN | SEG_HAS_OPTS);
	CHECK_INT(s.nopts, 2);
	CHECK_INT(s.opts[0].kind, OPT_MSS);
	CHECK_INT(s.opts[0].len, 4);
	CHECK_INT(s.opts[0].u.mss, 1460);
	CHECK_INT(s.opts[1].len, 3);
	CHECK_INT(segment_optlen(&s), 7);
	CHECK(s.data == NULL);

	CHECK(segment_parse("P. 1:6(5) ack 9! \"he\\\"lo\"", &s, &err));
	CHECK_INT(s.flags, TH_PSH_ | TH_ACK_);
	CHECK_INT(s.ack, 9);
	CHECK_INT(s.has, SEG_HAS_ACK | SEG_ABS_ACK | SEG_HAS_DATA);
	CHECK(s.data != NULL && memcmp(s.data, "he\"lo", 5) == 0);
	CHECK_INT(s.len, 5);

	CHECK(segment_parse(". 1:1(0) ack 1 <sack 1:2 3:4 5:6 7:8,"
	    "kind 30 0x0102>", &s, &err));
	CHECK_INT(s.opts[0].len, 34);
	CHECK_INT(s.opts[0].u.sack.n, 4);
	CHECK_INT(s.opts[0].u.sack.b[3].right, 8);
	CHECK_INT(s.opts[1].kind, 30);
	CHECK_INT(s.opts[1].len, 4);
	CHECK_MEM(s.opts[1].u.raw, "\x01\x02", 2);
	CHECK_INT(segment_optlen(&s), 38);
	/* Known kinds of odd lengths keep their data in the fields, as
	 * craft.c writes them, cut short or followed by zeros. */
	CHECK(segment_parse(". 1:1(0) <kind 2 0x05,kind 8 0x000000010000,"
	    "kind 5 0x0000000a00000014000000>", &s, &err));
	CHECK_INT(s.opts[0].len, 3);
	CHECK_INT(s.opts[0].u.mss, 0x0500);
	CHECK_INT(s.opts[1].len, 8);
	CHECK_INT(s.opts[1].u.ts.val, 1);
	CHECK_INT(s.opts[1].u.ts.ecr, 0);
	CHECK_INT(s.opts[2].len, 13);
	CHECK_INT(s.opts[2].u.sack.n, 2);
	CHECK_INT(s.opts[2].u.sack.b[0].right, 20);
	CHECK(segment_parse(". 1:1(0) <TS val 4294967295 ecr 7,eol>", &s,
	    &err));
	CHECK_INT(s.opts[0].len, 10);
	CHECK_INT(s.opts[0].u.ts.val, 4294967295u);
	CHECK_INT(s.opts[0].u.ts.ecr, 7);
	CHECK_INT(s.opts[1].kind, OPT_EOL);
	CHECK_INT(s.opts[1].len, 0);

	CHECK(segment_parse("F. 4294967295:4294967295(0) win *", &s, &err));
	CHECK_INT(s.seq, 4294967295u);
	CHECK_INT(s.has, SEG_HAS_WIN | SEG_ANY_WIN);
	CHECK(segment_parse("S 4294967295:4(5)", &s, &err));
	CHECK_INT(s.len, 5);
	CHECK(segment_parse(". 0:0(0) (tos 0x0b) [ect0]", &s, &err));
	CHECK_INT(s.tos, 0x0a);
	CHECK_INT(s.has, SEG_HAS_TOS | SEG_HAS_ECN);
	segment_clear(&s);
}

/*
 * Packet lines from packetdrill's own tests (google/packetdrill,
 * gtests/net/tcp/...), their time and direction taken off:
 * fast_retransmit/fr-4pkt-sack.pkt, close/close-remote-fin-then-close.pkt,
 * fastopen/server/opt34/basic-rw.pkt, cwnd_moderation/cwnd-moderation-ecn-
 * enter-cwr-no-moderation-700.pkt, fast_recovery/prr-ss-30pkt-lost-1_4-
 * 11_16.pkt, and a connect() line from the kernel's packetdrill selftests.
 */
static void
test_packetdrill_lines(void)
{
	static const struct {
		const char	*line;
		uint8_t		 flags;
		uint32_t	 seq, len, ack;
		int		 nopts;
	} lines[] = {
		{ "S 0:0(0) win 32792 <mss 1460,sackOK,nop,nop,nop,wscale 7>",
		    TH_SYN_, 0, 0, 0, 6 },
		{ "S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>",
		    TH_SYN_ | TH_ACK_, 0, 0, 1, 6 },
		{ ". 1:1(0) ack 1 win 257", TH_ACK_, 1, 0, 1, 0 },
		{ "P. 1:5841(5840) ack 1", TH_PSH_ | TH_ACK_, 1, 5840, 1, 0 },
		{ ". 1:1(0) ack 1 win 257 <sack 1461:2921,nop,nop>", TH_ACK_,
		    1, 0, 1, 3 },
		{ ". 1:1461(1460) ack 1", TH_ACK_, 1, 1460, 1, 0 },
		{ "F. 5841:5841(0) ack 1", TH_FIN_ | TH_ACK_, 5841, 0, 1, 0 },
		{ ". 5842:5842(0) ack 2", TH_ACK_, 5842, 0, 2, 0 },
		{ "R 2:2(0)", TH_RST_, 2, 0, 0, 0 },
		{ "S 0:10(10) win 32792 <mss 1460,sackOK,nop,nop,"
		    "FO 3021b9d889017eeb,nop,nop>", TH_SYN_, 0, 10, 0, 7 },
		{ "SEW 0:0(0) win 32792 <mss 1000,nop,nop,sackOK,nop,wscale 7>",
		    TH_SYN_ | TH_ECE_ | TH_CWR_, 0, 0, 0, 6 },
		{ "SE. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>",
		    TH_SYN_ | TH_ECE_ | TH_ACK_, 0, 0, 1, 6 },
		{ "[ect1] . 1:1(0) ack 1 win 320", TH_ACK_, 1, 0, 1, 0 },
		{ "[noecn] E. 1:1(0) ack 1001 win 320", TH_ECE_ | TH_ACK_, 1, 0,
		    1001, 0 },
		{ ". 1:1(0) ack 1001 win 320 <sack 2001:12001,nop,nop>",
		    TH_ACK_, 1, 0, 1001, 3 },
		{ "S 0:0(0)  win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,"
		    "wscale 8>", TH_SYN_, 0, 0, 0, 5 },
	};
	struct segment s;
	struct text_error err;
	size_t i;
	bool ok;

	segment_init(&s);
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		ok = segment_parse(lines[i].line, &s, &err);
		CHECK_(ok, "packetdrill line parses: %s%s%s", lines[i].line,
		    ok ? "" : " -- ", ok ? "" : err.msg);
		CHECK_(ok && s.flags == lines[i].flags &&
		    s.seq == lines[i].seq && s.len == lines[i].len &&
		    s.ack == lines[i].ack && s.nopts == lines[i].nopts,
		    "packetdrill line fields: %s", lines[i].line);
	}
	CHECK(segment_parse("[ect1] . 1:1(0) ack 1 win 320", &s, &err));
	CHECK_INT(s.tos, ECN_ECT1);
	CHECK_INT(s.has, SEG_HAS_ECN | SEG_HAS_ACK | SEG_HAS_WIN);
	CHECK(segment_parse(lines[9].line, &s, &err));
	CHECK_INT(s.opts[4].kind, 34);
	CHECK_INT(s.opts[4].len, 10);
	CHECK_MEM(s.opts[4].u.raw, "\x30\x21\xb9\xd8\x89\x01\x7e\xeb", 8);
	segment_clear(&s);
}

/* packetdrill's other spellings: each parses to the segment of the
 * canonical line, which is what it prints as. */
static void
test_packetdrill_forms(void)
{
	static const struct {
		const char	*line;
		const char	*canon;
	} forms[] = {
		{ "F  . 1:1(0) ack 1", "F. 1:1(0) ack 1" },
		{ "S . 0:0(0) ack 1", "S. 0:0(0) ack 1" },
		{ "R. 0:0(0)! ack 1 win 0", "R. 0!:0(0) ack 1 win 0" },
		{ "S. ...(0) ack 65538 win 65535", "S. *:*(0) ack 65538 win 65535" },
		{ "(hlim 3) . 1:1(0) ack 2881", ". 1:1(0) ack 2881 (ttl 3)" },
		{ "(class 0x28) . 1:1(0) ack 2881",
		    ". 1:1(0) ack 2881 (tos 0x28)" },
		{ "(flowlabel 0x12345) . 1:1(0)",
		    ". 1:1(0) (flowlabel 0x12345)" },
		{ "[ect01] P. 1:11(10) ack 1", "P. 1:11(10) ack 1 [ect01]" },
		/* nplab's lists in one pair of parentheses, DSCP, "ecn". */
		{ "(ttl 4, tos 0x10) S 0:0(0)", "S 0:0(0) (ttl 4) (tos 0x10)" },
		{ "(dscp af11, ecn ect0) . 1:1(0)",
		    ". 1:1(0) (dscp 0x0a) [ect0]" },
		{ "(ecn ce) . 1:1(0)", ". 1:1(0) [ce]" },
		{ "(hlim 3, dscp 46, flowlabel 7) . 1:1(0)",
		    ". 1:1(0) (ttl 3) (dscp 0x2e) (flowlabel 0x00007)" },
		{ "(dscp voice_admit) . 1:1(0)", ". 1:1(0) (dscp 0x2c)" },
		{ ". 1:1(0) ack 1 <nop,nop,md5 valid>",
		    ". 1:1(0) ack 1 <nop,nop,md5 valid>" },
		/* AccECN: the AE flag, ACE digits (E=1, W=2, A=4), the
		 * option's counters in either order. */
		{ "SEWA 0:0(0) win 65535", "SEWA 0:0(0) win 65535" },
		{ "A 1:1(0)", "A 1:1(0)" },
		{ "S.5 0:0(0) ack 1", "SEA. 0:0(0) ack 1" },
		{ ".0 1:1(0) ack 1", ". 1:1(0) ack 1" },
		{ ".7 1:1(0) ack 1", "EWA. 1:1(0) ack 1" },
		{ ". 1:1(0) ack 1 <ECN e0b 1 ceb 0 e1b 16777215,nop>",
		    ". 1:1(0) ack 1 <ECN e0b 1 ceb 0 e1b 16777215,nop>" },
		{ ". 1:1(0) ack 1 <ECN e1b 5,nop,nop,nop>",
		    ". 1:1(0) ack 1 <ECN e1b 5,nop,nop,nop>" },
		{ ". 1:1(0) ack 1 <ECN e0b 7 ceb 8>",
		    ". 1:1(0) ack 1 <ECN e0b 7 ceb 8>" },
	};
	struct segment s;
	struct text_error err;
	char *got;
	size_t i;

	segment_init(&s);
	for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		got = NULL;
		if (segment_parse(forms[i].line, &s, &err))
			got = segment_format(&s, SEGFMT_FULL);
		else
			printf("# %s: %s\n", forms[i].line, err.msg);
		CHECK_STR(got, forms[i].canon);
		free(got);
		reprint(forms[i].canon, SEGFMT_FULL, forms[i].canon);
	}
	CHECK(segment_parse("R. 5:5(0)! ack 1", &s, &err));
	CHECK(s.seq == 5 && (s.has & SEG_ABS_SEQ));
	CHECK(segment_parse("(flowlabel 0x12345) [ect01] . 1:1(0)", &s, &err));
	CHECK_INT(s.flowlabel, 0x12345);
	CHECK_INT(s.has & (SEG_HAS_FLOWLABEL | SEG_ECN_ECT01 | SEG_HAS_ECN),
	    SEG_HAS_FLOWLABEL | SEG_ECN_ECT01 | SEG_HAS_ECN);
	CHECK(segment_parse(". 1:1(0) <md5 valid>", &s, &err));
	CHECK(s.nopts == 1 && s.opts[0].kind == 19 && s.opts[0].len == 18 &&
	    s.opts[0].any_data);
	round_trip(&s, "md5 valid");
	CHECK(segment_parse("(flowlabel 1048575) . 1:1(0)", &s, &err));
	round_trip(&s, "flowlabel");
	CHECK(segment_parse(". 1:1(0) <ECN e1b 1 ceb 2 e0b 3>", &s, &err));
	CHECK(s.nopts == 1 && s.opts[0].kind == 174 && s.opts[0].len == 11);
	CHECK_MEM(s.opts[0].u.raw, "\0\0\1\0\0\2\0\0\3", 9);
	round_trip(&s, "AccECN option, order 1");
	CHECK(segment_parse("S.6 0:0(0)", &s, &err));
	CHECK(s.ae && s.flags == (TH_SYN_ | TH_ACK_ | TH_CWR_));
	round_trip(&s, "ACE 6");
	bad("S.5E 0:0(0)", 4, "flag 'E' with an ACE digit, which sets E, W "
	    "and A");
	bad("SE5 0:0(0)", 3, "flag '5': an ACE digit (0-7) stands for E, W "
	    "and A together, once");
	bad("SAA 0:0(0)", 3, "flag 'A' given twice");
	bad("S8 0:0(0)", 2, "unknown flag '8' (expected letters from "
	    "SFRPUEWA, '.' or '-')");
	bad(". 1:1(0) <ECN ceb 1>", 15, "expected e0b N or e1b N after ECN "
	    "(AccECN's counters), got 'ceb'");
	bad(". 1:1(0) <ECN e0b 16777216>", 19, "e0b 16777216 is out of range "
	    "(0-16777215)");
	bad(". 1:1(0) <ECN e0b 1 e1b 2>", 21, "expected ',' or '>' after an "
	    "option");
	/* A second '.' is not a second ACK. */
	bad("S. . 0:0(0)", 4, "expected sequence numbers start:end(len)");
	bad(". 1:1(0) (flowlabel 0x100000)", 21, "flowlabel 0x100000 is out "
	    "of range (0-1048575)");
	bad(". 1:1(0) (hlim 1) (ttl 2)", 20, "'ttl (hlim)' given twice");
	bad(". *:*(0)! ack 1", 9, "trailing text '! ack 1'");
	bad(". 1:1(0) (dscp af44)", 16, "unknown DSCP 'af44' (a number 0-63, "
	    "cs0-cs7, af11-af43, ef, voice_admit or le)");
	bad(". 1:1(0) (dscp 64)", 16, "dscp 64 is out of range (0-63)");
	bad(". 1:1(0) (tos 0x10, dscp 1)", 21, "'tos (class, dscp)' given "
	    "twice");
	bad(". 1:1(0) (ecn ect2)", 15, "expected an ECN mark after ecn (ect0, "
	    "ect1, ect01, ce or noecn)");
	bad(". 1:1(0) (ttl 4,)", 17, "unknown IP field ')' (expected ttl N, "
	    "hlim N, tos N, class N, dscp N, flowlabel N, ecn MARK, ect0, "
	    "ect1, ect01, ce or noecn)");
	segment_clear(&s);
}

/* ---------------------------------------------------------- malformed */

static void
test_malformed(void)
{
	bad("", 1, "expected flags (letters from SFRPUEWA, '.' or '-')");
	bad("SX 0:0(0)", 2, "unknown flag 'X' (expected letters from SFRPUEWA, "
	    "'.' or '-')");
	bad("1:1(0) ack 1", 1, "expected flags (letters from SFRPUEWA, '.' "
	    "or '-')");
	bad("SS 0:0(0)", 2, "flag 'S' given twice");
	bad("S", 2, "expected sequence numbers start:end(len)");
	bad("S 0:5(4)", 7, "end - start (5) does not match the length (4)");
	bad("S 0:0", 6, "expected '(len)' after start:end");
	bad("S 0 0(0)", 4, "expected ':' after the start sequence number "
	    "(start:end(len))");
	bad("S 0:0(0", 8, "expected ')' after the length");
	bad("S 4294967296:0(0)", 3, "start sequence number 4294967296 is out "
	    "of range (0-4294967295)");
	bad("S *:0(0)", 3, "'*' must stand for both numbers: *:*(len)");
	bad("S 0:0(70000)", 7, "length 70000 is out of range (0-65535)");
	bad("S 0:0(0) <foo 1>", 11, "unknown option 'foo' (expected mss, "
	    "wscale, sackOK, sack, TS, nop, eol or kind N)");
	bad("S 0:0(0) <mss 1460", 10, "unterminated option list (expected "
	    "'>')");
	bad("S 0:0(0) <mss 65536>", 15, "mss value 65536 is out of range "
	    "(0-65535)");
	bad("S 0:0(0) <mss>", 14, "expected a space after 'mss'");
	bad("S 0:0(0) <mss 1460 nop>", 20, "expected ',' or '>' after an "
	    "option");
	bad("S 0:0(0) <TS val 1 ecx 2>", 20, "expected 'ecr' after the TS "
	    "value (TS val X ecr Y)");
	bad(". 0:0(0) <sack 1:2 3:4 5:6 7:8 9:10>", 32, "more than 4 SACK "
	    "blocks");
	bad(". 0:0(0) <sack>", 15, "expected a space after 'sack'");
	bad(". 0:0(0) <kind 30 0x123>", 19, "odd number of hex digits (3) in "
	    "the option data");
	bad(". 0:0(0) <kind 1 0x00>", 16, "option kind 1 (nop) has no length "
	    "or data");
	bad(". 0:0(0) <kind 2 0x05b4ff>", 16, "option kind 2 holds 2 data "
	    "bytes; the rest can only be zeros");
	bad(". 0:0(0) <mss 1,>", 17, "expected an option after ','");
	bad("P. 1:6(5) \"abc\"", 11, "payload is 3 bytes but the length says "
	    "5");
	bad("P. 1:6(5) \"abcde", 11, "unterminated string");
	bad("P. 1:6(5) \"abcd\\", 16, "unterminated string");
	bad("P. 1:2(1) \"\\q\"", 12, "unknown escape '\\q' (expected \\r, \\n, "
	    "\\t, \\\\, \\\", \\xNN or octal \\NNN)");
	bad("P. 1:2(1) \"\\x\"", 12, "expected hex digits after \\x");
	bad("P. 1:2(1) \"\\777\"", 12, "octal escape \\777 is above \\377");
	bad("P. 1:2(1) 0x4", 11, "odd number of hex digits (1) in the "
	    "payload");
	bad("P. 1:2(1) 0xzz", 11, "expected hex digits for the payload");
	bad("P. 1:2(1) \"a\" \"b\"", 15, "payload given twice");
	bad(". 1:1(0) xyz", 10, "trailing text 'xyz'");
	bad(". 1:1(0) ack 1 win 5 <> xyz  ", 25, "trailing text 'xyz'");
	bad(". 1:1(0) ack", 13, "expected a space after 'ack'");
	bad(". 1:1(0) ack x", 14, "expected ack number (a decimal number), "
	    "got 'x'");
	bad(". 1:1(0) win  ", 15, "expected window (a decimal number) "
	    "before the end of the line");
	bad(". 1:1(0) ack 12ab", 14, "malformed ack number '12ab'");
	bad(". 1:1(0) win 65536", 14, "window 65536 is out of range "
	    "(0-65535)");
	bad(". 1:1(0) ack 1 ack 2", 16, "'ack' given twice");
	bad(". 1:1(0) urg *", 14, "expected urgent pointer (a decimal "
	    "number), got '*'");
	bad(". 1:1(0) (ttl 256)", 15, "ttl 256 is out of range (0-255)");
	bad(". 1:1(0) (tos 0x100)", 15, "tos 0x100 is out of range (0-255)");
	bad(". 1:1(0) [ect2]", 11, "unknown IP field 'ect2' (expected ttl N, "
	    "hlim N, tos N, class N, dscp N, flowlabel N, ecn MARK, ect0, "
	    "ect1, ect01, ce or noecn)");
	bad(". 1:1(0) [ect0", 15, "expected ']' after the IP field");
	bad(". 1:1(0) [ect0] [ce]", 18, "'ECN mark' given twice");
	bad("70000>80 S 0:0(0)", 1, "source port 70000 is out of range "
	    "(0-65535)");
	bad(". 1:1(0) <mss 1> <mss 2>", 18, "options given twice");
	bad(". 1:1(0) <...", 14, "expected '>' after '<...'");
	bad(". 1:1(0) <md5 0102>", 15, "expected the md5 digest, 16 bytes in "
	    "hex (32 digits)");
	bad(". 1:1(0) <TS val 1 ecr 2,TS val 1 ecr 2,TS val 1 ecr 2,TS val 1 "
	    "ecr 2,TS val 1 ecr 2>", 10, "the options take 50 bytes, more "
	    "than the 40 a TCP header holds");
}

/* Every prefix of valid lines, and every one-byte change of them, must
 * parse or fail cleanly, with a column inside the line (or just past it). */
static void
test_no_crash(void)
{
	static const char *lines[] = {
		"[ect0] 1>2 SEW. 4294967295!:2(3) ack 5! win * urg 3 "
		    "<mss 1,wscale 2,sackOK,sack 1:2,TS val 1 ecr 2,nop,eol,"
		    "kind 30 0x01> (ttl 1) (tos 0x10)",
		"S 0:0(0) <FO 01,FOEXP,md5 000102030405060708090a0b0c0d0e0f>",
		"P. 1:9(8) \"\\x01\\0\\377\\r\\n\\\"\\\\a\" [ce]",
		"- *:*(2) 0xffee <...>",
	};
	static const char subst[] = " \"\\<>()[]:!*,.0x9";
	struct segment s;
	struct text_error err;
	size_t i, j, k, n, badcol = 0, runs = 0;
	char buf[512];

	segment_init(&s);
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		n = strlen(lines[i]);
		CHECK_(segment_parse(lines[i], &s, &err), "stress line %zu "
		    "parses (%s)", i, err.msg);
		for (j = 0; j <= n; j++) {
			memcpy(buf, lines[i], j);
			buf[j] = '\0';
			if (!segment_parse(buf, &s, &err) &&
			    (err.column < 1 || (size_t)err.column > j + 1))
				badcol++;
			runs++;
			for (k = 0; k < sizeof subst - 1 && j < n; k++) {
				memcpy(buf, lines[i], n + 1);
				buf[j] = subst[k];
				if (!segment_parse(buf, &s, &err) &&
				    (err.column < 1 ||
				    (size_t)err.column > n + 1))
					badcol++;
				runs++;
			}
		}
	}
	CHECK_(badcol == 0, "%zu of %zu mangled lines gave a column outside "
	    "the line", badcol, runs);
	segment_clear(&s);
}

int
main(void)
{
	test_round_trips_flags();
	test_round_trips_fields();
	test_round_trips_opts();
	test_round_trips_payload();
	test_print();
	test_parse_fields();
	test_packetdrill_lines();
	test_packetdrill_forms();
	test_malformed();
	test_no_crash();
	return check_done();
}
