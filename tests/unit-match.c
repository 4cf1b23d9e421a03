/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-match.c: expected lines against received segments, field by field,
 * relative numbers, what we send, and packetdrill's time tolerance. */
#include "config.h"

#include <stdlib.h>

#include "check.h"
#include "match.h"

/* A segment from its packet line; the test dies loudly on a typo. */
static void
seg(const char *text, struct segment *s)
{
	struct text_error err;

	segment_init(s);
	if (!segment_parse(text, s, &err)) {
		printf("Bail out! cannot parse '%s': %s\n", text, err.msg);
		exit(1);
	}
	s->cksum_state = CKSUM_OK;
}

/* Match exp against got with bases b; the joined differences ("" when it
 * matched), into a static buffer. */
static const char *
diffs(const char *exp, const char *got, const struct seqspace *b)
{
	static char buf[1024];
	struct match_result r;
	struct segment e, g;
	char *s;

	seg(exp, &e);
	seg(got, &g);
	match_segment(&e, &g, b, &r);
	s = match_result_str(&r);
	snprintf(buf, sizeof buf, "%s", s);
	free(s);
	segment_clear(&e);
	segment_clear(&g);
	return buf;
}

static void
test_learn_and_fields(void)
{
	struct seqspace b = { .isn = { 1000 }, .known = { true } };
	struct match_result r;
	struct segment e, g;

	seg("S. 0:0(0) ack 1 <mss 1460>", &e);
	seg("S. 50000:50000(0) ack 1001 win 64240 <mss 1460>", &g);
	match_learn(&b, &e, &g);
	CHECK(b.known[SEQ_REMOTE]);
	CHECK_INT(b.isn[SEQ_REMOTE], 50000);
	CHECK(match_segment(&e, &g, &b, &r));
	CHECK_INT(r.ndiffs, 0);
	segment_clear(&e);
	segment_clear(&g);

	/* A SYN met by a line that is no SYN: its own seq is the base. */
	{
		struct seqspace b2 = { .isn = { 1000 }, .known = { true } };

		seg("P. 1:2(1) ack 1", &e);
		seg("S. 777:777(0) ack 1001", &g);
		match_learn(&b2, &e, &g);
		CHECK_INT(b2.isn[SEQ_REMOTE], 777);
		segment_clear(&e);
		segment_clear(&g);
		/* A SYN written with another number counts from it. */
		b2.known[SEQ_REMOTE] = false;
		seg("S. 100:100(0) ack 1", &e);
		seg("S. 777:777(0) ack 1001", &g);
		match_learn(&b2, &e, &g);
		CHECK_INT(b2.isn[SEQ_REMOTE], 677);
		segment_clear(&e);
		segment_clear(&g);
	}

	/* Once learned, a second SYN does not move the base. */
	seg("S. 0:0(0) ack 1", &e);
	seg("S. 777:777(0) ack 1001", &g);
	match_learn(&b, &e, &g);
	CHECK_INT(b.isn[SEQ_REMOTE], 50000);
	segment_clear(&e);
	segment_clear(&g);

	/* The target's SYN again: the same ISN is a retransmission (the
	 * base stays), a new one a new connection on the 4-tuple (both
	 * bases go; ours comes from our next SYN). A line with '*' or '!'
	 * keeps them. */
	{
		struct seqspace b3 = { .isn = { 1000, 5000 },
		    .known = { true, true } };
		struct segment o;

		seg("S 0:0(0)", &e);
		seg("S 5000:5000(0)", &g);
		match_learn(&b3, &e, &g);
		CHECK(b3.known[SEQ_LOCAL] && b3.isn[SEQ_REMOTE] == 5000);
		segment_clear(&e);
		segment_clear(&g);
		seg("S *:*(0)", &e);
		seg("S 9000:9000(0)", &g);
		match_learn(&b3, &e, &g);
		CHECK(b3.known[SEQ_LOCAL] && b3.isn[SEQ_REMOTE] == 5000);
		segment_clear(&e);
		seg("S 0:0(0)", &e);
		match_learn(&b3, &e, &g);
		CHECK(!b3.known[SEQ_LOCAL]);
		CHECK(b3.known[SEQ_REMOTE] && b3.isn[SEQ_REMOTE] == 9000);
		CHECK(match_segment(&e, &g, &b3, &r));
		segment_clear(&e);
		segment_clear(&g);
		seg("S. 70:70(0) ack 1", &e);
		match_outgoing(&e, &b3, &o);
		CHECK_INT(o.seq, 70);
		CHECK_INT(o.ack, 9001);
		segment_clear(&o);
		segment_clear(&e);
	}

	CHECK_STR(diffs(". 1:1(0) ack 1", ". 50001:50001(0) ack 1002", &b),
	    "ack: expected 1, got 2");
	CHECK_STR(diffs(". 1:1(0) ack 1", "R. 50001:50001(0) ack 1001", &b),
	    "flags: expected ., got R.");
	CHECK_STR(diffs(". 1:1(0) ack 1", ". 50002:50002(0) ack 1001", &b),
	    "seq: expected 1, got 2");
	CHECK_STR(diffs(". 1:1(0) ack 1 win 100",
	    ". 50001:50001(0) ack 1001 win 200", &b),
	    "win: expected 100, got 200");
	CHECK_STR(diffs(". 1:1(0) ack 1 win *",
	    ". 50001:50001(0) ack 1001 win 200", &b), "");
	CHECK_STR(diffs(". 1:1(0) ack *", ". 50001:50001(0) ack 9", &b), "");
	CHECK_STR(diffs(". *:*(0) ack 1", ". 9:9(0) ack 1001", &b), "");
	CHECK_STR(diffs(". 50001!:50001!(0) ack 1",
	    ". 50001:50001(0) ack 1001", &b), "");
	CHECK_STR(diffs(". 1:1(0) ack 1001!", ". 50001:50001(0) ack 1002", &b),
	    "ack: expected 1001!, got 1002");
	CHECK_STR(diffs("U. 1:1(0) ack 1 urg 5",
	    "U. 50001:50001(0) ack 1001 urg 6", &b),
	    "urg: expected 5, got 6");
	/* Several at once, in field order. */
	CHECK_STR(diffs("F. 1:1(0) ack 1", ". 50003:50003(0) ack 1004", &b),
	    "flags: expected F., got .; seq: expected 1, got 3; "
	    "ack: expected 1, got 4");
}

static void
test_options(void)
{
	struct seqspace b = { .isn = { 1000, 50000 },
	    .known = { true, true } };

	CHECK_STR(diffs("S. 0:0(0) ack 1 <mss 1460>",
	    "S. 50000:50000(0) ack 1001 <mss 1400>", &b),
	    "options: expected <mss 1460>, got <mss 1400>");
	CHECK_STR(diffs("S. 0:0(0) ack 1",
	    "S. 50000:50000(0) ack 1001 <mss 1460>", &b),
	    "options: expected none, got <mss 1460>");
	CHECK_STR(diffs("S. 0:0(0) ack 1 <mss 1460,nop,wscale 7>",
	    "S. 50000:50000(0) ack 1001 <mss 1460,nop,wscale 8>", &b),
	    "options: expected <mss 1460,nop,wscale 7>, "
	    "got <mss 1460,nop,wscale 8>");
	CHECK_STR(diffs("S. 0:0(0) ack 1 <...>",
	    "S. 50000:50000(0) ack 1001 <mss 1460,sackOK>", &b), "");
	/* Order counts. */
	CHECK_STR(diffs(". 1:1(0) ack 1 <nop,sackOK>",
	    ". 50001:50001(0) ack 1001 <sackOK,nop>", &b),
	    "options: expected <nop,sackOK>, got <sackOK,nop>");
	/* TS val runs on the target's clock: only ecr is compared. */
	CHECK_STR(diffs(". 1:1(0) ack 1 <nop,nop,TS val 1 ecr 100>",
	    ". 50001:50001(0) ack 1001 <nop,nop,TS val 98765 ecr 100>", &b),
	    "");
	CHECK_STR(diffs(". 1:1(0) ack 1 <nop,nop,TS val 1 ecr 100>",
	    ". 50001:50001(0) ack 1001 <nop,nop,TS val 98765 ecr 101>", &b),
	    "options: expected <nop,nop,TS val 1 ecr 100>, "
	    "got <nop,nop,TS val 98765 ecr 101>");
	/* SACK blocks acknowledge our bytes: relative to our ISN. */
	CHECK_STR(diffs(". 1:1(0) ack 1 <sack 11:21>",
	    ". 50001:50001(0) ack 1001 <sack 1011:1021>", &b), "");
	CHECK_STR(diffs(". 1:1(0) ack 1 <sack 11:21>",
	    ". 50001:50001(0) ack 1001 <sack 1011:1031>", &b),
	    "options: expected <sack 11:21>, got <sack 11:31>");
}

static void
test_payload_ip_cksum(void)
{
	struct seqspace b = { .isn = { 1000, 50000 },
	    .known = { true, true } };
	struct match_result r;
	struct segment e, g;

	CHECK_STR(diffs("P. 1:4(3) ack 1 \"abc\"",
	    "P. 50001:50004(3) ack 1001 \"abc\"", &b), "");
	CHECK_STR(diffs("P. 1:4(3) ack 1 \"abc\"",
	    "P. 50001:50004(3) ack 1001 \"abd\"", &b),
	    "payload: expected \"abc\", got \"abd\"");
	/* No payload given: any bytes of that length. */
	CHECK_STR(diffs("P. 1:4(3) ack 1", "P. 50001:50004(3) ack 1001 \"xyz\"",
	    &b), "");
	CHECK_STR(diffs("P. 1:4(3) ack 1", "P. 50001:50006(5) ack 1001", &b),
	    "length: expected 3, got 5");
	CHECK_STR(diffs(". 1:1(0) ack 1 (ttl 64)",
	    ". 50001:50001(0) ack 1001 (ttl 63)", &b),
	    "ttl: expected 64, got 63");
	CHECK_STR(diffs(". 1:1(0) ack 1 [ce]", ". 50001:50001(0) ack 1001 [ect0]",
	    &b), "ecn: expected 3, got 2");
	/* AccECN's AE flag is a flag like the others. */
	CHECK_STR(diffs("SEA. 0:0(0) ack 1", "SE. 50000:50000(0) ack 1001",
	    &b), "flags: expected SEA., got SE.");
	CHECK_STR(diffs(".5 1:1(0) ack 1", "EA. 50001:50001(0) ack 1001", &b),
	    "");
	/* DSCP alone leaves the ECN bits free; [ect01] with a tos. */
	CHECK_STR(diffs(". 1:1(0) ack 1 (dscp af11)",
	    ". 50001:50001(0) ack 1001 (tos 0x2b)", &b), "");
	CHECK_STR(diffs(". 1:1(0) ack 1 (dscp af11)",
	    ". 50001:50001(0) ack 1001 (tos 0x2c)", &b),
	    "dscp: expected 0x0a, got 0x0b");
	CHECK_STR(diffs(". 1:1(0) ack 1 (tos 0x28) [ect01]",
	    ". 50001:50001(0) ack 1001 (tos 0x29)", &b), "");
	CHECK_STR(diffs(". 1:1(0) ack 1 (tos 0x28) [ect01]",
	    ". 50001:50001(0) ack 1001 (tos 0x2b)", &b),
	    "ecn: expected ECT(0) or ECT(1), got 3");
	/* [ect01]: either ECT codepoint. */
	CHECK_STR(diffs(". 1:1(0) ack 1 [ect01]",
	    ". 50001:50001(0) ack 1001 [ect0]", &b), "");
	CHECK_STR(diffs(". 1:1(0) ack 1 [ect01]",
	    ". 50001:50001(0) ack 1001 [ect1]", &b), "");
	CHECK_STR(diffs(". 1:1(0) ack 1 [ect01]",
	    ". 50001:50001(0) ack 1001 [ce]", &b),
	    "ecn: expected ECT(0) or ECT(1), got 3");
	CHECK_STR(diffs(". 1:1(0) ack 1 [ect01]",
	    ". 50001:50001(0) ack 1001 [noecn]", &b),
	    "ecn: expected ECT(0) or ECT(1), got 0");
	CHECK_STR(diffs(". 1:1(0) ack 1 (flowlabel 0xabcde)",
	    ". 50001:50001(0) ack 1001 (flowlabel 0xabcde)", &b), "");
	CHECK_STR(diffs(". 1:1(0) ack 1 (flowlabel 0xabcde)",
	    ". 50001:50001(0) ack 1001", &b),
	    "flowlabel: expected 0xabcde, got 0x00000");
	/* md5 valid: a digest of 16 bytes, any. */
	CHECK_STR(diffs(". 1:1(0) ack 1 <nop,nop,md5 valid>",
	    ". 50001:50001(0) ack 1001 <nop,nop,md5 "
	    "00112233445566778899aabbccddeeff>", &b), "");
	CHECK_STR(diffs(". 1:1(0) ack 1 <nop,nop,md5 valid>",
	    ". 50001:50001(0) ack 1001 <nop,nop,nop,nop>", &b),
	    "options: expected <nop,nop,md5 valid>, got <nop,nop,nop,nop>");

	seg(". 1:1(0) ack 1", &e);
	seg(". 50001:50001(0) ack 1001", &g);
	g.cksum_state = CKSUM_BAD;
	g.cksum = 0x1234;
	g.cksum_good = 0x1233;
	CHECK(!match_segment(&e, &g, &b, &r));
	CHECK_STR(r.diff[0], "checksum: expected 0x1233, got 0x1234");
	segment_clear(&e);
	segment_clear(&g);
}

/* Before the target's ISN is known, its numbers are absolute: Linux's RST
 * to a SYN carries seq 0 and acks our ISN + 1. */
static void
test_rst_before_isn(void)
{
	struct seqspace b = { .isn = { 7 }, .known = { true } };

	CHECK_STR(diffs("R. 0:0(0) ack 1", "R. 0:0(0) ack 8 win 0", &b), "");
	CHECK_STR(diffs("R. 0:0(0) ack 1", "R. 0:0(0) ack 9 win 0", &b),
	    "ack: expected 1, got 2");
}

static void
test_view(void)
{
	struct seqspace b = { .isn = { 1000, 50000 },
	    .known = { true, true } };
	struct segment g, v;
	char *s;

	seg("F. 50001:50001(0) ack 1020 <sack 1030:1040>", &g);
	match_view(&g, NULL, &b, &v);
	s = segment_format(&v, 0);
	CHECK_STR(s, "F. 1:1(0) ack 20 <sack 30:40>");
	free(s);
	segment_clear(&v);
	segment_clear(&g);
}

static void
test_outgoing(void)
{
	struct seqspace b = { 0 };
	struct segment e, o;

	/* Our first SYN: its number is our ISN, as written. */
	seg("S 4000:4000(0) win 65535 <mss 1460>", &e);
	match_outgoing(&e, &b, &o);
	CHECK(b.known[SEQ_LOCAL]);
	CHECK_INT(b.isn[SEQ_LOCAL], 4000);
	CHECK_INT(o.seq, 4000);
	segment_clear(&e);
	segment_clear(&o);

	b.isn[SEQ_REMOTE] = 90000;
	b.known[SEQ_REMOTE] = true;
	b.ts_offset = 500;
	b.ts_known = true;
	seg(". 1:1(0) ack 1 win 502 <nop,nop,TS val 7 ecr 3>", &e);
	match_outgoing(&e, &b, &o);
	CHECK_INT(o.seq, 4001);
	CHECK_INT(o.ack, 90001);
	CHECK_INT(segment_find_opt(&o, OPT_TS)->u.ts.val, 7);
	CHECK_INT(segment_find_opt(&o, OPT_TS)->u.ts.ecr, 503);
	segment_clear(&e);
	segment_clear(&o);

	seg("R 123!:123!(0) ack 5!", &e);
	match_outgoing(&e, &b, &o);
	CHECK_INT(o.seq, 123);
	CHECK_INT(o.ack, 5);
	segment_clear(&e);
	segment_clear(&o);

	/* The offset is learned from the first expected TS val. */
	b.ts_known = false;
	seg(". 1:1(0) ack 1 <TS val 10 ecr 7>", &e);
	seg(". 90001:90001(0) ack 4001 <TS val 3000010 ecr 7>", &o);
	match_learn(&b, &e, &o);
	CHECK(b.ts_known);
	CHECK_INT(b.ts_offset, 3000000);
	segment_clear(&e);
	segment_clear(&o);
}

static void
test_time(void)
{
	char why[160] = "";
	int64_t dev;

	/* max(4 ms, 12.5% of the gap) */
	CHECK_INT(match_tolerance_ns(4000, 12.5, 10000000), 4000000);
	CHECK_INT(match_tolerance_ns(4000, 12.5, 1000000000), 125000000);
	CHECK_INT(match_tolerance_ns(4000, 12.5, -5), 4000000);

	CHECK(match_time(1000000000, 1000000000, 4000000, 1003999000, &dev,
	    why, sizeof why));
	CHECK_INT(dev, 3999000);
	CHECK(!match_time(1000000000, 1000000000, 4000000, 1004001000, &dev,
	    why, sizeof why));
	CHECK_STR(why, "time: expected 1.000000 (+-0.004000), got 1.004001 "
	    "(4001 us late)");
	CHECK(match_time(1000000000, 1100000000, 4000000, 1050000000, &dev,
	    why, sizeof why));
	CHECK_INT(dev, 0);
	CHECK(!match_time(1000000000, 1100000000, 4000000, 900000000, &dev,
	    why, sizeof why));
	CHECK_INT(dev, -100000000);
	CHECK_STR(why, "time: expected 1.000000~1.100000 (+-0.004000), got "
	    "0.900000 (100000 us early)");
}

/* Found by fuzzing packet-line parse plus match: a segment with a length
 * but no bytes (a line written without a payload) made match_data read
 * through a NULL pointer. Such bytes are zeros. */
static void
test_length_without_bytes(void)
{
	struct seqspace b = { .isn = { 1000, 50000 },
	    .known = { true, true } };

	CHECK_STR(diffs("P. 1:5(4) ack 1 \"abcd\"",
	    "P. 50001:50005(4) ack 1001", &b),
	    "payload: expected \"abcd\", got \"\\0\\0\\0\\0\"");
	CHECK_STR(diffs("P. 1:3(2) ack 1 0x0000",
	    "P. 50001:50003(2) ack 1001", &b), "");
	CHECK_STR(diffs("P. 1:3(2) ack 1",
	    "P. 50001:50003(2) ack 1001 \"hi\"", &b), "");
}

/* packetdrill's numbers (a file with system calls): our SYN at 999000
 * and the ack of the target's SYN-ACK absolute, its seq as its line
 * names it (1234); after that, numbers from the ISNs. */
static void
test_pd_numbers(void)
{
	struct seqspace b = { .pd = true };
	struct segment e, g, o;

	seg("S 999000:999040(40) win 32792 <mss 1460>", &e);
	match_outgoing(&e, &b, &o);
	CHECK_INT(o.seq, 999000);
	segment_clear(&e);
	segment_clear(&o);
	seg("S. 1234:1234(0) ack 999001 <mss 1460>", &e);
	seg("S. 70000!:70000!(0) ack 999001! <mss 1460>", &g);
	match_learn(&b, &e, &g);
	CHECK_INT(b.isn[SEQ_REMOTE], 70000);
	segment_clear(&e);
	segment_clear(&g);
	CHECK_STR(diffs("S. 1234:1234(0) ack 999001 <mss 1460>",
	    "S. 70000!:70000!(0) ack 999001! <mss 1460>", &b), "");
	CHECK_STR(diffs("S. 1234:1234(0) ack 1 <mss 1460>",
	    "S. 70000!:70000!(0) ack 999001! <mss 1460>", &b),
	    "ack: expected 1, got 999001");
	CHECK_STR(diffs(". 1:11(10) ack 1", ". 70001!:70011!(10) ack 999001!",
	    &b), "");
	/* Ours: the ACK of the handshake, from both ISNs. */
	seg(". 1:1(0) ack 1", &e);
	match_outgoing(&e, &b, &o);
	CHECK_INT(o.seq, 999001);
	CHECK_INT(o.ack, 70001);
	segment_clear(&e);
	segment_clear(&o);
	/* tcpshake's own numbers: the target's from its ISN less 1234, the
	 * SYN-ACK's ack from our ISN. */
	b.pd = false;
	b.known[SEQ_REMOTE] = false;
	seg("S. 1234:1234(0) ack 1 <mss 1460>", &e);
	seg("S. 70000!:70000!(0) ack 999001! <mss 1460>", &g);
	match_learn(&b, &e, &g);
	segment_clear(&e);
	segment_clear(&g);
	CHECK_STR(diffs("S. 1234:1234(0) ack 1 <mss 1460>",
	    "S. 70000!:70000!(0) ack 999001! <mss 1460>", &b), "");
	CHECK_STR(diffs(". 1235:1245(10) ack 1",
	    ". 70001!:70011!(10) ack 999001!", &b), "");
}

int
main(void)
{
	test_learn_and_fields();
	test_options();
	test_payload_ip_cksum();
	test_rst_before_isn();
	test_view();
	test_outgoing();
	test_time();
	test_length_without_bytes();
	test_pd_numbers();
	return check_done();
}
