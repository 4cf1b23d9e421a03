/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe-table.c: the probe table finds a probe again from our segment
 * leaving, the target's reply and an ICMP quote, and refuses what fits no
 * probe: wrong ports, wrong ack, wrong addresses, the kernel's own RST. */
#include "config.h"

#include <string.h>

#include "check.h"
#include "probe.h"

static struct ipaddr A, B, C;

static void
mkseg(struct segment *s, const struct ipaddr *src, const struct ipaddr *dst,
    uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack)
{
	segment_init(s);
	s->src = *src;
	s->dst = *dst;
	s->sport = sport;
	s->dport = dport;
	s->flags = flags;
	s->seq = seq;
	s->ack = ack;
}

static void
test_syn(void)
{
	struct probe_table *t = probe_table_new(&A, &B, 4);
	struct segment s;
	uint32_t id;

	mkseg(&s, &A, &B, 40000, 80, TH_SYN_, 1234567, 0);
	id = probe_add(t, &s, 0);
	CHECK_INT(id, 0);
	/* Our SYN leaving matches once; the same again is not a new probe. */
	CHECK_INT(probe_match_out(t, &s), 0);
	probe_get(t, 0)->seen_out = true;
	CHECK_INT(probe_match_out(t, &s), PROBE_NONE);
	/* The kernel's RST to the SYN-ACK: seq + 1, other flags. */
	mkseg(&s, &A, &B, 40000, 80, TH_RST_, 1234568, 0);
	CHECK_INT(probe_match_out(t, &s), PROBE_NONE);
	/* SYN-ACK with ack = seq + 1. */
	mkseg(&s, &B, &A, 80, 40000, TH_SYN_ | TH_ACK_, 999, 1234568);
	CHECK_INT(probe_match_reply(t, &s), 0);
	/* Off by one, wrong port, wrong address, no ACK flag: no match. */
	s.ack = 1234567;
	CHECK_INT(probe_match_reply(t, &s), PROBE_NONE);
	mkseg(&s, &B, &A, 81, 40000, TH_SYN_ | TH_ACK_, 999, 1234568);
	CHECK_INT(probe_match_reply(t, &s), PROBE_NONE);
	mkseg(&s, &C, &A, 80, 40000, TH_SYN_ | TH_ACK_, 999, 1234568);
	CHECK_INT(probe_match_reply(t, &s), PROBE_NONE);
	mkseg(&s, &B, &A, 80, 40000, TH_RST_, 0, 1234568);
	CHECK_INT(probe_match_reply(t, &s), PROBE_NONE);
	/* RST-ACK from a closed port. */
	mkseg(&s, &B, &A, 80, 40000, TH_RST_ | TH_ACK_, 0, 1234568);
	CHECK_INT(probe_match_reply(t, &s), 0);
	/* An ICMP error quoting the SYN. */
	mkseg(&s, &A, &B, 40000, 80, 0, 1234567, 0);
	CHECK_INT(probe_match_quoted(t, &s), 0);
	s.seq = 1;
	CHECK_INT(probe_match_quoted(t, &s), PROBE_NONE);
	probe_table_free(t);
}

static void
test_ack_probe(void)
{
	struct probe_table *t = probe_table_new(&A, &B, 4);
	struct segment s;

	mkseg(&s, &A, &B, 40001, 80, TH_ACK_, 5000, 777777);
	segment_set_data(&s, "hi", 2);
	CHECK_INT(probe_add(t, &s, 0), 0);
	CHECK_INT(probe_get(t, 0)->seqlen, 2);
	segment_clear(&s);
	/* RST with seq = our ack, no ACK flag. */
	mkseg(&s, &B, &A, 80, 40001, TH_RST_, 777777, 0);
	CHECK_INT(probe_match_reply(t, &s), 0);
	s.seq = 777778;
	CHECK_INT(probe_match_reply(t, &s), PROBE_NONE);
	/* A data-less ACK from the target with seq = our ack is no RST. */
	mkseg(&s, &B, &A, 80, 40001, TH_ACK_, 777777, 1);
	CHECK_INT(probe_match_reply(t, &s), PROBE_NONE);
	/* An ACK covering our two bytes answers it. */
	mkseg(&s, &B, &A, 80, 40001, TH_ACK_, 1, 5002);
	CHECK_INT(probe_match_reply(t, &s), 0);
	probe_table_free(t);
}

/* A SYN with payload: the target may ack the SYN alone, or all of it. */
static void
test_syn_data(void)
{
	struct probe_table *t = probe_table_new(&A, &B, 4);
	struct segment s;

	mkseg(&s, &A, &B, 40002, 80, TH_SYN_, 1000, 0);
	segment_set_data(&s, "abc", 3);
	CHECK_INT(probe_add(t, &s, 0), 0);
	CHECK_INT(probe_get(t, 0)->seqlen, 4);
	segment_clear(&s);
	mkseg(&s, &B, &A, 80, 40002, TH_SYN_ | TH_ACK_, 5, 1001);
	CHECK_INT(probe_match_reply(t, &s), 0);
	s.ack = 1004;
	CHECK_INT(probe_match_reply(t, &s), 0);
	s.ack = 1002;
	CHECK_INT(probe_match_reply(t, &s), PROBE_NONE);
	probe_table_free(t);

	/* Without SYN, acking one byte of three is no answer. */
	t = probe_table_new(&A, &B, 4);
	mkseg(&s, &A, &B, 40003, 80, TH_PSH_, 1000, 0);
	segment_set_data(&s, "abc", 3);
	probe_add(t, &s, 0);
	segment_clear(&s);
	mkseg(&s, &B, &A, 80, 40003, TH_RST_ | TH_ACK_, 0, 1001);
	CHECK_INT(probe_match_reply(t, &s), PROBE_NONE);
	s.ack = 1003;
	CHECK_INT(probe_match_reply(t, &s), 0);
	probe_table_free(t);
}

/* A fixed source port: probes share the 4-tuple and seq tells them apart;
 * identical ones are answered oldest first. */
static void
test_shared_tuple(void)
{
	struct probe_table *t = probe_table_new(&A, &B, 8);
	struct segment s;
	uint32_t i;

	for (i = 0; i < 3; i++) {
		mkseg(&s, &A, &B, 5555, 80, TH_SYN_, 100 * (i + 1), 0);
		CHECK_INT(probe_add(t, &s, 0), i);
	}
	mkseg(&s, &B, &A, 80, 5555, TH_SYN_ | TH_ACK_, 9, 201);
	CHECK_INT(probe_match_reply(t, &s), 1);
	mkseg(&s, &A, &B, 5555, 80, TH_SYN_, 300, 0);
	CHECK_INT(probe_match_out(t, &s), 2);

	for (i = 3; i < 5; i++) {
		mkseg(&s, &A, &B, 6666, 80, TH_SYN_, 42, 0);
		CHECK_INT(probe_add(t, &s, 1), i);
	}
	mkseg(&s, &B, &A, 80, 6666, TH_SYN_ | TH_ACK_, 9, 43);
	CHECK_INT(probe_match_reply(t, &s), 3);
	probe_get(t, 3)->answered = true;
	CHECK_INT(probe_match_reply(t, &s), 4);
	probe_get(t, 4)->answered = true;
	/* Both answered: a duplicate goes to the newest. */
	CHECK_INT(probe_match_reply(t, &s), 4);
	/* Full table. */
	for (i = 5; i < 8; i++)
		CHECK_INT(probe_add(t, &s, 0), i);
	CHECK_INT(probe_add(t, &s, 0), PROBE_NONE);
	probe_table_free(t);
}

/* Many probes: every reply finds its own probe. */
static void
test_many(void)
{
	enum { N = 100000 };
	struct probe_table *t = probe_table_new(&A, &B, N);
	struct segment s;
	uint32_t i, bad = 0;

	for (i = 0; i < N; i++) {
		mkseg(&s, &A, &B, (uint16_t)(32768 + i % 28000),
		    (uint16_t)(1 + i % 7), TH_SYN_, i * 2654435761u, 0);
		probe_add(t, &s, 0);
	}
	for (i = 0; i < N; i++) {
		mkseg(&s, &B, &A, (uint16_t)(1 + i % 7),
		    (uint16_t)(32768 + i % 28000), TH_RST_ | TH_ACK_, 0,
		    i * 2654435761u + 1);
		if (probe_match_reply(t, &s) != i)
			bad++;
	}
	CHECK_INT(bad, 0);
	probe_table_free(t);
}

static void
test_ipv6(void)
{
	struct ipaddr x, y;
	struct probe_table *t;
	struct segment s;

	CHECK(ipaddr_parse("2001:db8::1", &x));
	CHECK(ipaddr_parse("2001:db8::2", &y));
	t = probe_table_new(&x, &y, 1);
	mkseg(&s, &x, &y, 40000, 443, TH_SYN_, 7, 0);
	probe_add(t, &s, 0);
	mkseg(&s, &y, &x, 443, 40000, TH_SYN_ | TH_ACK_, 1, 8);
	CHECK_INT(probe_match_reply(t, &s), 0);
	/* The IPv4 addresses with the same ports do not fit. */
	mkseg(&s, &B, &A, 443, 40000, TH_SYN_ | TH_ACK_, 1, 8);
	CHECK_INT(probe_match_reply(t, &s), PROBE_NONE);
	probe_table_free(t);
}

int
main(void)
{
	ipaddr_parse("198.18.0.1", &A);
	ipaddr_parse("198.18.0.2", &B);
	ipaddr_parse("198.18.0.3", &C);
	test_syn();
	test_ack_probe();
	test_syn_data();
	test_shared_tuple();
	test_many();
	test_ipv6();
	return check_done();
}
