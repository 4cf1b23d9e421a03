/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-seqspace.c: ISNs from SYNs, restarts, and the conversion of seq,
 * ack, SACK blocks and TS ecr both ways. */
#include "config.h"

#include <stdlib.h>

#include "check.h"
#include "seqspace.h"

static void
seg(const char *text, struct segment *s)
{
	struct text_error err;

	segment_init(s);
	if (!segment_parse(text, s, &err)) {
		printf("Bail out! cannot parse '%s': %s\n", text, err.msg);
		exit(1);
	}
}

static const char *
fmt(const struct segment *s)
{
	static char buf[256];
	char *t = segment_format(s, 0);

	snprintf(buf, sizeof buf, "%s", t);
	free(t);
	return buf;
}

static void
test_learn(void)
{
	struct seqspace ss;
	struct segment s;

	seqspace_init(&ss);
	CHECK_INT(seqspace_base(&ss, SEQ_LOCAL), 0);
	CHECK_INT(seqspace_rel(&ss, SEQ_REMOTE, 77), 77);
	seg("S 1000!:1000!(0) win 100", &s);
	seqspace_learn(&ss, SEQ_LOCAL, &s);
	CHECK(ss.known[SEQ_LOCAL]);
	CHECK_INT(ss.isn[SEQ_LOCAL], 1000);
	seg("S. 5000!:5000!(0) ack 1001!", &s);
	seqspace_learn(&ss, SEQ_REMOTE, &s);
	CHECK_INT(seqspace_base(&ss, SEQ_REMOTE), 5000);
	/* Not a SYN: nothing learned. */
	seg(". 1:1(0) ack 1", &s);
	seqspace_learn(&ss, SEQ_REMOTE, &s);
	CHECK_INT(ss.isn[SEQ_REMOTE], 5000);
	/* The same SYN again (a retransmission) is no restart. */
	seg("S 1000!:1000!(0)", &s);
	CHECK(!seqspace_restarts(&ss, SEQ_LOCAL, &s));
	/* A bare SYN with another ISN restarts: the other side forgotten. */
	seg("S 9000!:9000!(0)", &s);
	CHECK(seqspace_restarts(&ss, SEQ_LOCAL, &s));
	seqspace_learn(&ss, SEQ_LOCAL, &s);
	CHECK_INT(ss.isn[SEQ_LOCAL], 9000);
	CHECK(!ss.known[SEQ_REMOTE]);
	/* A SYN-ACK with another ISN is no restart. */
	seqspace_set(&ss, SEQ_REMOTE, 5000);
	seg("S. 6000!:6000!(0) ack 1!", &s);
	CHECK(!seqspace_restarts(&ss, SEQ_REMOTE, &s));
}

static void
test_convert(void)
{
	struct seqspace ss;
	struct segment s;
	uint32_t sb, ab;

	seqspace_init(&ss);
	seqspace_set(&ss, SEQ_LOCAL, 1000);
	seqspace_set(&ss, SEQ_REMOTE, 0xfffffff0u);
	seqspace_bases(&ss, SEQ_REMOTE, NULL, &sb, &ab);
	CHECK_INT(sb, 0xfffffff0u);
	CHECK_INT(ab, 1000);
	/* Wrapping around 2^32 is ordinary arithmetic. */
	CHECK_INT(seqspace_rel(&ss, SEQ_REMOTE, 0x10), 0x20);
	CHECK_INT(seqspace_wire(&ss, SEQ_REMOTE, 0x20), 0x10);

	/* The target's segment: seq in its space, ack and SACK in ours. */
	seg(". 16!:16!(0) ack 1020! <sack 1030:1040 1050:1060>", &s);
	seqspace_to_rel(&ss, SEQ_REMOTE, &s, SEQSPACE_ALL);
	CHECK_INT(s.seq, 0x20);
	CHECK_INT(s.ack, 20);
	CHECK_INT(s.opts[0].u.sack.b[1].left, 50);
	CHECK_INT(s.opts[0].u.sack.b[1].right, 60);
	segment_clear(&s);

	/* Only what is asked moves. */
	seg(". 16!:16!(0) ack 1020! <sack 1030:1040>", &s);
	seqspace_to_rel(&ss, SEQ_REMOTE, &s, SEQSPACE_SACK);
	CHECK_INT(s.seq, 16);
	CHECK_INT(s.ack, 1020);
	CHECK_INT(s.opts[0].u.sack.b[0].left, 30);
	segment_clear(&s);

	/* Ours to the wire: seq from our ISN, ack and SACK from theirs, ecr
	 * by the TS offset once known (a zero ecr stays zero). */
	ss.ts_offset = 500;
	ss.ts_known = true;
	seg(". 1:1(0) ack 1 <sack 5:9,TS val 7 ecr 3>", &s);
	seqspace_to_wire(&ss, SEQ_LOCAL, &s, SEQSPACE_ALL);
	CHECK_INT(s.seq, 1001);
	CHECK_INT(s.ack, 0xfffffff1u);
	CHECK_INT(s.opts[0].u.sack.b[0].left, 0xfffffff5u);
	CHECK_INT(s.opts[1].u.ts.val, 7);
	CHECK_INT(s.opts[1].u.ts.ecr, 503);
	seqspace_to_rel(&ss, SEQ_LOCAL, &s, SEQSPACE_SEQ | SEQSPACE_ACK |
	    SEQSPACE_SACK);
	CHECK_STR(fmt(&s), ". 1:1(0) ack 1 <sack 5:9,TS val 7 ecr 503>");
	segment_clear(&s);
	seg(". 1:1(0) ack 1 <TS val 7 ecr 0>", &s);
	seqspace_to_wire(&ss, SEQ_LOCAL, &s, SEQSPACE_ECR);
	CHECK_INT(s.opts[0].u.ts.ecr, 0);
	segment_clear(&s);

	/* Explicit bases, as an event carries them. */
	seg(". 110!:110!(0) ack 220! <sack 230:240>", &s);
	seqspace_shift(&s, 100, 200, SEQSPACE_ALL);
	s.has &= ~(uint32_t)(SEG_ABS_SEQ | SEG_ABS_ACK);
	CHECK_STR(fmt(&s), ". 10:10(0) ack 20 <sack 30:40>");
	segment_clear(&s);
}

/* packetdrill's numbering: a SYN's numbers absolute (the target's seq
 * by the number its SYN line gave it), the others from the ISNs. */
static void
test_pd(void)
{
	struct seqspace ss;
	struct segment s;

	seqspace_init(&ss);
	ss.pd = true;
	seqspace_set(&ss, SEQ_LOCAL, 999000);
	seqspace_set_named(&ss, SEQ_REMOTE, 70000, 1234);
	CHECK_INT(seqspace_base(&ss, SEQ_REMOTE), 70000);
	/* The target's SYN-ACK: seq as its line named it, ack absolute. */
	seg("S. 70000!:70000!(0) ack 999001!", &s);
	seqspace_to_rel(&ss, SEQ_REMOTE, &s, SEQSPACE_ALL);
	CHECK_INT(s.seq, 1234);
	CHECK_INT(s.ack, 999001);
	segment_clear(&s);
	/* Its next segment counts from its ISN, the ack from ours. */
	seg(". 70001!:70001!(0) ack 999001! <sack 999001:999002>", &s);
	seqspace_to_rel(&ss, SEQ_REMOTE, &s, SEQSPACE_ALL);
	CHECK_INT(s.seq, 1);
	CHECK_INT(s.ack, 1);
	CHECK_INT(s.opts[0].u.sack.b[0].left, 1);
	segment_clear(&s);
	/* Our SYN-ACK's ack in the target's SYN numbers; our ACK's from
	 * its ISN. */
	seg("S. 999000:999000(0) ack 1235", &s);
	seqspace_to_wire(&ss, SEQ_LOCAL, &s, SEQSPACE_SEQ | SEQSPACE_ACK);
	CHECK_INT(s.seq, 999000);
	CHECK_INT(s.ack, 70001);
	segment_clear(&s);
	seg(". 1:1(0) ack 1", &s);
	seqspace_to_wire(&ss, SEQ_LOCAL, &s, SEQSPACE_SEQ | SEQSPACE_ACK);
	CHECK_INT(s.seq, 999001);
	CHECK_INT(s.ack, 70001);
	segment_clear(&s);

	/* Without pd (tcpshake's own files) every segment counts from the
	 * ISN less the script's number. */
	ss.pd = false;
	seqspace_set_named(&ss, SEQ_REMOTE, 70000, 1234);
	seg("S. 70000!:70000!(0) ack 999001!", &s);
	seqspace_to_rel(&ss, SEQ_REMOTE, &s, SEQSPACE_ALL);
	CHECK_INT(s.seq, 1234);
	CHECK_INT(s.ack, 1);
	segment_clear(&s);
	CHECK_INT(seqspace_rel(&ss, SEQ_REMOTE, 70001), 1235);
}

int
main(void)
{
	test_learn();
	test_convert();
	test_pd();
	return check_done();
}
