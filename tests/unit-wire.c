/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-wire.c: wire.c's pure parts: the capture filter it builds, and the
 * table that gives each sent segment the capture's stamp of it; on the
 * fake wire, a burst's sends (template and batch, forged sources). */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "segment.h"
#include "srcrange.h"
#include "wire-fake.h"
#include "wire.h"

static struct ipaddr
addr(int family, const char *s)
{
	struct ipaddr a;

	memset(&a, 0, sizeof a);
	a.family = family;
	inet_pton(family, s, a.a);
	return a;
}

static void
filter_is(const struct wire_config *c, const char *want)
{
	char *f = wire_filter(c);

	CHECK_STR(f, want);
	free(f);
}

static void
test_filter(void)
{
	struct wire_config c;

	memset(&c, 0, sizeof c);
	c.local = addr(AF_INET, "198.18.0.1");
	c.remote = addr(AF_INET, "198.18.0.2");
	/* run: the target's port only, no ICMP. */
	c.rport = 80;
	filter_is(&c, "tcp and host 198.18.0.1 and host 198.18.0.2 and port 80");
	/* connect: one flow, and ICMP errors to us. */
	c.lport = 40000;
	c.icmp = true;
	filter_is(&c, "(tcp and host 198.18.0.1 and host 198.18.0.2 and port "
	    "40000 and port 80) or (icmp and dst host 198.18.0.1)");
	c.lport = c.rport = 0;
	filter_is(&c, "(tcp and host 198.18.0.1 and host 198.18.0.2) or "
	    "(icmp and dst host 198.18.0.1)");
	c.local = addr(AF_INET6, "2001:db8::1");
	c.remote = addr(AF_INET6, "2001:db8::2");
	filter_is(&c, "(tcp and host 2001:db8::1 and host 2001:db8::2) or "
	    "(icmp6 and dst host 2001:db8::1)");
	c.icmp = false;
	filter_is(&c, "tcp and host 2001:db8::1 and host 2001:db8::2");
}

/* A burst's lanes: our ports narrowed, with their direction (the
 * target's port may fall in the range); forged sources taken as ours. */
static void
test_filter_burst(void)
{
	struct wire_config c;
	struct srcrange r;
	char err[128];

	memset(&c, 0, sizeof c);
	c.local = addr(AF_INET, "198.18.0.1");
	c.remote = addr(AF_INET, "198.18.0.2");
	c.icmp = true;
	c.lport_lo = 32768;
	c.lport_hi = 46883;
	filter_is(&c, "((tcp and src host 198.18.0.1 and dst host 198.18.0.2 "
	    "and src portrange 32768-46883) or (tcp and src host 198.18.0.2 "
	    "and dst host 198.18.0.1 and dst portrange 32768-46883)) or "
	    "(icmp and dst host 198.18.0.1)");
	c.lport_lo = c.lport_hi = 0;
	CHECK(srcrange_parse("198.18.100.0/24", &r, err, sizeof err));
	c.forged = &r;
	filter_is(&c, "(tcp and (host 198.18.0.1 or net 198.18.100.0/24) and "
	    "host 198.18.0.2) or (icmp and (dst host 198.18.0.1 or dst net "
	    "198.18.100.0/24))");
}

/* What a burst sends on the fake wire: n patched copies of the template,
 * each seen leaving as WIRE_FOREIGN (no stamp kept); a forged source is
 * ours only when the config names its range. */
static void
test_burst_sends(void)
{
	struct wire_config c;
	struct wire_fake *fk;
	struct wire *w;
	struct wire_pkt pkt;
	struct wire_patch p[3] = {
		{ 40001, 80, 1000, 0, TH_SYN_ },
		{ 40002, 81, 2000, 0, TH_SYN_ },
		{ 40003, 82, 3000, 0, TH_SYN_ | TH_ECE_ },
	};
	struct srcrange r;
	struct segment t;
	char err[128];
	int i;

	memset(&c, 0, sizeof c);
	c.local = addr(AF_INET, "198.18.0.1");
	c.remote = addr(AF_INET, "198.18.0.2");
	w = wire_fake_open(&c, &fk);
	segment_init(&t);
	t.src = c.local;
	t.dst = c.remote;
	t.win = 512;
	CHECK_INT(wire_set_template(w, &t, err, sizeof err), 0);
	CHECK_INT(wire_send_batch(w, p, 3, err, sizeof err), 0);
	CHECK_INT(wire_fake_nsent(fk), 3);
	CHECK_INT(wire_unseen(w), 0);
	for (i = 0; i < 3; i++) {
		/* The fake's time moves to the next frame. */
		wire_wait(w, 1000000, NULL, err, sizeof err);
		CHECK_INT(wire_read(w, &pkt, err, sizeof err), 1);
		CHECK_INT(pkt.kind, WIRE_FOREIGN);
		CHECK_INT(pkt.d.seg.sport, p[i].sport);
		CHECK_INT(pkt.d.seg.dport, p[i].dport);
		CHECK_INT(pkt.d.seg.seq, p[i].seq);
		CHECK_INT(pkt.d.seg.flags, p[i].flags);
		CHECK_INT(pkt.d.seg.win, 512);
	}
	/* A forged source: not ours without the range... */
	t.src = addr(AF_INET, "198.18.100.7");
	t.sport = 40004;
	t.dport = 80;
	t.flags = TH_SYN_;
	CHECK_INT(wire_send_unstamped(w, &t, err, sizeof err), 0);
	wire_wait(w, 1000000, NULL, err, sizeof err);
	CHECK_INT(wire_read(w, &pkt, err, sizeof err), 0);
	wire_close(w);
	/* ...and ours with it. */
	CHECK(srcrange_parse("198.18.100.0/24", &r, err, sizeof err));
	c.forged = &r;
	w = wire_fake_open(&c, &fk);
	CHECK(wire_is_local(w, &t.src));
	CHECK_INT(wire_send_unstamped(w, &t, err, sizeof err), 0);
	wire_wait(w, 1000000, NULL, err, sizeof err);
	CHECK_INT(wire_read(w, &pkt, err, sizeof err), 1);
	CHECK_INT(pkt.kind, WIRE_FOREIGN);
	CHECK_INT(pkt.d.seg.sport, 40004);
	wire_close(w);
	segment_clear(&t);
}

static struct segment
seg(uint16_t sport, uint32_t seq, uint8_t flags, uint32_t ack, uint32_t len)
{
	struct segment s;

	segment_init(&s);
	s.sport = sport;
	s.dport = 80;
	s.seq = seq;
	s.flags = flags;
	s.ack = ack;
	s.len = len;
	s.win = 65535;
	return s;
}

static void
test_match(void)
{
	struct wire_stamps *t = wire_stamps_new();
	struct segment syn = seg(40000, 100, TH_SYN_, 0, 0);
	struct segment ack = seg(40000, 101, TH_ACK_, 5001, 0);
	struct segment other;
	uint64_t tag = 0;
	int64_t at = 0;

	wire_stamps_add(t, &syn, 1, 1000);
	wire_stamps_add(t, &ack, 2, 2000);
	CHECK_INT(wire_stamps_count(t), 2);
	CHECK_INT(wire_stamps_oldest(t), 1000);

	/* The capture may show them in another order: each finds its own. */
	CHECK_INT(wire_stamps_match(t, &ack, &tag, &at), WIRE_SENT);
	CHECK_INT(tag, 2);
	CHECK_INT(at, 2000);
	CHECK_INT(wire_stamps_count(t), 1);
	/* A second copy of it is not ours any more. */
	CHECK_INT(wire_stamps_match(t, &ack, &tag, &at), WIRE_FOREIGN);

	/* Fields that differ make it someone else's: the ack of an ACK, the
	 * window, the length, the port. */
	other = seg(40000, 100, TH_SYN_, 0, 0);
	other.win = 1024;
	CHECK_INT(wire_stamps_match(t, &other, &tag, &at), WIRE_FOREIGN);
	other = seg(40001, 100, TH_SYN_, 0, 0);
	CHECK_INT(wire_stamps_match(t, &other, &tag, &at), WIRE_FOREIGN);
	other = seg(40000, 100, TH_SYN_, 0, 1);
	CHECK_INT(wire_stamps_match(t, &other, &tag, &at), WIRE_FOREIGN);
	wire_stamps_add(t, &ack, 3, 3000);
	other = seg(40000, 101, TH_ACK_, 5002, 0);
	CHECK_INT(wire_stamps_match(t, &other, &tag, &at), WIRE_FOREIGN);
	/* Without the ACK flag the ack field is not part of the key. */
	other = seg(40000, 100, TH_SYN_, 77, 0);
	CHECK_INT(wire_stamps_match(t, &other, &tag, &at), WIRE_SENT);
	CHECK_INT(tag, 1);
	CHECK_INT(wire_stamps_match(t, &ack, &tag, &at), WIRE_SENT);
	CHECK_INT(tag, 3);
	CHECK_INT(wire_stamps_count(t), 0);
	CHECK_INT(wire_stamps_oldest(t), WIRE_NEVER);

	/* Two equal sends (a retransmission): the first sent is matched
	 * first. */
	wire_stamps_add(t, &syn, 10, 10000);
	wire_stamps_add(t, &syn, 11, 11000);
	CHECK_INT(wire_stamps_match(t, &syn, &tag, &at), WIRE_SENT);
	CHECK_INT(tag, 10);
	CHECK_INT(wire_stamps_match(t, &syn, &tag, &at), WIRE_SENT);
	CHECK_INT(tag, 11);
	wire_stamps_free(t);
}

static void
test_expire(void)
{
	struct wire_stamps *t = wire_stamps_new();
	struct segment s;
	uint64_t tag = 0;
	int64_t at = 0;
	int i, n;

	s = seg(40000, 1, TH_ACK_, 1, 0);
	wire_stamps_add(t, &s, 1, 1000);
	s = seg(40000, 2, TH_ACK_, 1, 0);
	wire_stamps_add(t, &s, 2, 2000);
	CHECK(!wire_stamps_expire(t, 999, &tag));
	CHECK(wire_stamps_expire(t, 1500, &tag));
	CHECK_INT(tag, 1);
	CHECK(!wire_stamps_expire(t, 1500, &tag));
	CHECK_INT(wire_stamps_oldest(t), 2000);
	/* Given up, then seen: late, once; the one still waiting is sent. */
	s = seg(40000, 1, TH_ACK_, 1, 0);
	CHECK_INT(wire_stamps_match(t, &s, &tag, &at), WIRE_LATE);
	CHECK_INT(wire_stamps_match(t, &s, &tag, &at), WIRE_FOREIGN);
	s = seg(40000, 2, TH_ACK_, 1, 0);
	CHECK_INT(wire_stamps_match(t, &s, &tag, &at), WIRE_SENT);

	/* Giving up everything (WIRE_NEVER), in sending order. */
	for (i = 0; i < 20; i++) {
		s = seg(40000, 100 + (uint32_t)i, TH_ACK_, 1, 0);
		wire_stamps_add(t, &s, (uint64_t)i, i);
	}
	for (n = 0; wire_stamps_expire(t, WIRE_NEVER, &tag); n++)
		CHECK_INT(tag, n);
	CHECK_INT(n, 20);
	/* Only the last WIRE_LATE_KEYS are remembered. */
	s = seg(40000, 100, TH_ACK_, 1, 0);
	CHECK_INT(wire_stamps_match(t, &s, &tag, &at), WIRE_FOREIGN);
	s = seg(40000, 100 + 20 - WIRE_LATE_KEYS, TH_ACK_, 1, 0);
	CHECK_INT(wire_stamps_match(t, &s, &tag, &at), WIRE_LATE);
	s = seg(40000, 119, TH_ACK_, 1, 0);
	CHECK_INT(wire_stamps_match(t, &s, &tag, &at), WIRE_LATE);
	wire_stamps_free(t);
}

int
main(void)
{
	test_filter();
	test_filter_burst();
	test_burst_sends();
	test_match();
	test_expire();
	return check_done();
}
