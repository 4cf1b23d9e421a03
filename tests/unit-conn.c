/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-conn.c: the conversation table: found by the whole 4-tuple (both
 * addresses, both ports, either family), thousands of entries, removal in
 * any order keeping every other one findable. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "conn.h"
#include "splitmix.h"

#define MANY	5000

static struct ipaddr
addr(const char *s)
{
	struct ipaddr a;

	ipaddr_parse(s, &a);
	return a;
}

/* Every part of the 4-tuple tells conversations apart. */
static void
test_tuple(void)
{
	struct conn_table t;
	struct ipaddr l = addr("198.18.0.1"), r = addr("198.18.0.2");
	struct ipaddr r2 = addr("198.18.0.3"), l6 = addr("2001:db8::1");
	struct ipaddr r6 = addr("2001:db8::2");
	struct conn *a, *b, *c, *d;

	memset(&t, 0, sizeof t);
	CHECK(conn_find(&t, &l, 40000, &r, 80) == NULL);
	a = conn_add(&t, &l, 40000, &r, 80);
	b = conn_add(&t, &l, 40000, &r2, 80);
	c = conn_add(&t, &l, 40000, &r, 81);
	d = conn_add(&t, &l6, 40000, &r6, 80);
	CHECK(conn_find(&t, &l, 40000, &r, 80) == a);
	CHECK(conn_find(&t, &l, 40000, &r2, 80) == b);
	CHECK(conn_find(&t, &l, 40000, &r, 81) == c);
	CHECK(conn_find(&t, &l6, 40000, &r6, 80) == d);
	/* The ports swapped, the addresses swapped: nobody's. */
	CHECK(conn_find(&t, &l, 80, &r, 40000) == NULL);
	CHECK(conn_find(&t, &r, 40000, &l, 80) == NULL);
	CHECK(conn_find(&t, &l, 40001, &r, 80) == NULL);
	CHECK_INT(t.n, 4);
	CHECK(t.v[0] == a && t.v[3] == d);
	conn_table_free(&t);
	CHECK_INT(t.n, 0);
	CHECK(conn_find(&t, &l, 40000, &r, 80) == NULL);
}

/* A probe's burst: MANY conversations on one source address, ports and
 * remote addresses varied; half removed in a shuffled order; the rest
 * still found, the removed ones not, and the table's list in step. */
static void
test_many(void)
{
	static struct conn *made[MANY];
	static bool gone[MANY];
	struct conn_table t;
	struct ipaddr l = addr("198.18.0.1"), r[4];
	uint64_t rnd = 7;
	size_t i, j, found = 0, missing = 0, listed = 0;
	int order[MANY];

	memset(&t, 0, sizeof t);
	r[0] = addr("198.18.0.2");
	r[1] = addr("198.18.1.2");
	r[2] = addr("198.19.0.2");
	r[3] = addr("198.19.255.254");
	for (i = 0; i < MANY; i++)
		made[i] = conn_add(&t, &l, (uint16_t)(1024 + i / 4), &r[i % 4],
		    (uint16_t)(80 + i % 3));
	CHECK_INT(t.n, MANY);
	CHECK(t.nslot >= 2 * MANY);
	for (i = 0; i < MANY; i++)
		found += conn_find(&t, &l, (uint16_t)(1024 + i / 4), &r[i % 4],
		    (uint16_t)(80 + i % 3)) == made[i];
	CHECK_INT(found, MANY);
	for (i = 0; i < MANY; i++)
		order[i] = (int)i;
	for (i = MANY - 1; i > 0; i--) {
		int tmp;

		j = (size_t)(splitmix64(&rnd) % (i + 1));
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (i = 0; i < MANY / 2; i++) {
		conn_remove(&t, made[order[i]]);
		gone[order[i]] = true;
	}
	CHECK_INT(t.n, MANY - MANY / 2);
	found = 0;
	for (i = 0; i < MANY; i++) {
		struct conn *c = conn_find(&t, &l, (uint16_t)(1024 + i / 4),
		    &r[i % 4], (uint16_t)(80 + i % 3));

		if (gone[i])
			missing += c == NULL;
		else
			found += c == made[i];
	}
	CHECK_INT(found, MANY - MANY / 2);
	CHECK_INT(missing, MANY / 2);
	for (i = 0; i < t.n; i++)
		listed += t.v[i]->idx == i;
	CHECK_INT(listed, t.n);
	/* A removed 4-tuple can come back. */
	made[order[0]] = conn_add(&t, &l, (uint16_t)(1024 + order[0] / 4),
	    &r[order[0] % 4], (uint16_t)(80 + order[0] % 3));
	CHECK(conn_find(&t, &l, (uint16_t)(1024 + order[0] / 4),
	    &r[order[0] % 4], (uint16_t)(80 + order[0] % 3)) ==
	    made[order[0]]);
	conn_table_free(&t);
}

/* The queue a conversation keeps goes with it. */
static void
test_remove_queue(void)
{
	struct conn_table t;
	struct ipaddr l = addr("198.18.0.1"), r = addr("198.18.0.2");
	struct segment seg;
	struct conn *a, *b;

	memset(&t, 0, sizeof t);
	a = conn_add(&t, &l, 40000, &r, 80);
	b = conn_add(&t, &l, 40001, &r, 80);
	segment_init(&seg);
	segment_set_data(&seg, "abc", 3);
	conn_push(a, &seg, 5);
	conn_push(a, &seg, 6);
	segment_clear(&seg);
	conn_remove(&t, a);
	CHECK_INT(t.n, 1);
	CHECK(t.v[0] == b && b->idx == 0);
	CHECK(conn_find(&t, &l, 40000, &r, 80) == NULL);
	CHECK(conn_find(&t, &l, 40001, &r, 80) == b);
	conn_table_free(&t);
}

int
main(void)
{
	test_tuple();
	test_many();
	test_remove_queue();
	return check_done();
}
