/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-reasm.c: sequence arithmetic across 2^32, and the out-of-order
 * queue: holding, merging, trimming duplicates, delivering when gaps fill. */
#include "config.h"

#include <stdlib.h>

#include "check.h"
#include "reasm.h"

static void
test_seq_arith(void)
{
	CHECK(seq_lt(1, 2));
	CHECK(!seq_lt(2, 2));
	CHECK(seq_leq(2, 2));
	CHECK(seq_lt(0xfffffff0u, 0x10));	/* across the wrap */
	CHECK(seq_gt(0x10, 0xfffffff0u));
	CHECK(seq_geq(0, 0xffffffffu));
	CHECK(!seq_gt(0xffffffffu, 0));
	CHECK(seq_lt(0x7ffffffeu, 0xfffffffdu));	/* just under 2^31 apart */
	CHECK(seq_in(0x5, 0xfffffff0u, 0x20));
	CHECK(seq_in(0xfffffff0u, 0xfffffff0u, 0x20));
	CHECK(!seq_in(0x20, 0xfffffff0u, 0x20));	/* end excluded */
	CHECK(!seq_in(0xffffffefu, 0xfffffff0u, 0x20));
	CHECK(!seq_in(7, 7, 7));			/* empty range */
	CHECK_INT(seq_max(0xfffffff0u, 0x10), 0x10);
	CHECK_INT(seq_min(0xfffffff0u, 0x10), 0xfffffff0u);
}

/* Take everything at nxt and compare it with want. */
static void
check_take(struct reasm *q, uint32_t nxt, const char *want)
{
	uint8_t *buf;
	uint32_t n = reasm_take(q, nxt, &buf);

	CHECK_INT(n, strlen(want));
	if (n > 0 && n == strlen(want))
		CHECK_MEM(buf, want, n);
	free(buf);
}

static void
test_hold_and_fill(void)
{
	struct reasm q;
	uint8_t *buf;

	reasm_init(&q, 8);
	/* Stream "abcdefghij" from 100; "fgh" and "j" first. */
	CHECK_INT(reasm_add(&q, 100, 105, (const uint8_t *)"fgh", 3), 3);
	CHECK_INT(reasm_add(&q, 100, 109, (const uint8_t *)"j", 1), 1);
	CHECK_INT(q.n, 2);
	CHECK_INT(q.bytes, 4);
	/* Nothing continues 100 yet. */
	CHECK_INT(reasm_take(&q, 100, &buf), 0);
	CHECK(buf == NULL);
	/* "i" touches both ranges: they merge into one. */
	CHECK_INT(reasm_add(&q, 100, 108, (const uint8_t *)"i", 1), 1);
	CHECK_INT(q.n, 1);
	CHECK_INT(q.r[0].seq, 105);
	CHECK_INT(q.r[0].len, 5);
	/* The caller delivered "abcde" itself: the hold continues at 105. */
	check_take(&q, 105, "fghij");
	CHECK_INT(q.n, 0);
	CHECK_INT(q.bytes, 0);
	reasm_free(&q);
}

static void
test_overlap_and_dups(void)
{
	struct reasm q;

	reasm_init(&q, 8);
	CHECK_INT(reasm_add(&q, 0, 10, (const uint8_t *)"KLMN", 4), 4);
	/* A full duplicate adds nothing. */
	CHECK_INT(reasm_add(&q, 0, 11, (const uint8_t *)"LM", 2), 0);
	CHECK_INT(q.bytes, 4);
	/* Overlapping both ends: only the new edges count, and the bytes
	 * held first win over the new copy's "xxxx". */
	CHECK_INT(reasm_add(&q, 0, 8, (const uint8_t *)"IJxxxxOP", 8), 4);
	CHECK_INT(q.n, 1);
	CHECK_INT(q.bytes, 8);
	/* Delivered up to 9 another way ("I" too): the overlap is trimmed. */
	check_take(&q, 9, "JKLMNOP");
	reasm_free(&q);
}

static void
test_limits(void)
{
	struct reasm q;
	int i;

	reasm_init(&q, 3);
	for (i = 0; i < 3; i++)
		CHECK_INT(reasm_add(&q, 0, 10 + 10 * (uint32_t)i,
		    (const uint8_t *)"x", 1), 1);
	/* A fourth gap is refused and changes nothing... */
	CHECK_INT(reasm_add(&q, 0, 50, (const uint8_t *)"y", 1), -1);
	CHECK_INT(q.n, 3);
	CHECK_INT(q.bytes, 3);
	/* ...but growing a held range needs no new one. */
	CHECK_INT(reasm_add(&q, 0, 11, (const uint8_t *)"z", 1), 1);
	CHECK_INT(q.n, 3);
	reasm_free(&q);
	CHECK_INT(q.n, 0);
	CHECK_INT(q.max_ranges, 3);
}

static void
test_wrap(void)
{
	struct reasm q;
	uint32_t nxt = 0xfffffffcu;	/* 4 bytes before 2^32 */

	reasm_init(&q, 8);
	/* "EFGH" at 0 (after the wrap), "CD" just before it. */
	CHECK_INT(reasm_add(&q, nxt, 0, (const uint8_t *)"EFGH", 4), 4);
	CHECK_INT(reasm_add(&q, nxt, 0xfffffffeu, (const uint8_t *)"CD", 2), 2);
	CHECK_INT(q.n, 1);
	CHECK_INT(q.r[0].seq, 0xfffffffeu);
	/* "AB" arrives in order and is delivered by the caller. */
	check_take(&q, nxt + 2, "CDEFGH");
	reasm_free(&q);
}

static void
test_sack(void)
{
	struct reasm q;
	struct sack_block b[4];

	reasm_init(&q, 8);
	reasm_add(&q, 1000, 1100, (const uint8_t *)"aaaa", 4);
	reasm_add(&q, 1000, 1200, (const uint8_t *)"bbbb", 4);
	reasm_add(&q, 1000, 1300, (const uint8_t *)"cccc", 4);
	/* The range holding the latest segment comes first. */
	CHECK_INT(reasm_sack(&q, 1202, b, 4), 3);
	CHECK_INT(b[0].left, 1200);
	CHECK_INT(b[0].right, 1204);
	CHECK_INT(b[1].left, 1100);
	CHECK_INT(b[2].left, 1300);
	CHECK_INT(reasm_sack(&q, 1300, b, 2), 2);
	CHECK_INT(b[0].left, 1300);
	CHECK_INT(b[1].left, 1100);
	reasm_free(&q);
}

int
main(void)
{
	test_seq_arith();
	test_hold_and_fill();
	test_overlap_and_dups();
	test_limits();
	test_wrap();
	test_sack();
	return check_done();
}
