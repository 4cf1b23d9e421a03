/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wire-test.c: the live half of wire-loopback.sh, run inside the namespace
 * that script makes. Sends a crafted SYN with craft_send() over a raw
 * socket, captures on lo with sniff_open_live(), and checks the capture
 * holds exactly the bytes sent and the kernel's answer to them.
 *
 *	wire-test syn SRC DST PORT synack|rst	send, expect that answer
 *	wire-test noperm			unprivileged: error lines
 *	wire-test nodev				capture on a missing interface
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "craft.h"
#include "extract.h"
#include "segment.h"
#include "sniff.h"

#define SPORT		40123
#define WAIT_NS		2000000000LL	/* give up on the answer after 2 s */
#define DLT_EN10MB_	1
#define DLT_SLL_	113

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The IP packet inside a captured frame on lo (Ethernet) or "any". */
static const uint8_t *
frame_ip(int linktype, const struct sniff_pkt *pk, size_t *len)
{
	size_t hl;

	switch (linktype) {
	case DLT_EN10MB_:
		hl = 14;
		break;
	case DLT_SLL_:
		hl = 16;
		break;
	default:
		return NULL;
	}
	if (pk->caplen < hl)
		return NULL;
	*len = pk->caplen - hl;
	return pk->data + hl;
}

/* A listening socket on dst:port, so the kernel answers SYN-ACK. */
static int
listen_on(const struct ipaddr *dst, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;

	memset(&ss, 0, sizeof ss);
	if (dst->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, dst->a, 4);
		sl = sizeof *sin;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, dst->a, 16);
		sl = sizeof *sin6;
	}
	fd = socket(dst->family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 4) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Whether ip is a TCP segment from a:ap to b:bp; its TCP header offset
 * in *toff. */
static int
is_tcp(const uint8_t *ip, size_t len, const struct ipaddr *a, uint16_t ap,
    const struct ipaddr *b, uint16_t bp, size_t *toff)
{
	uint8_t v = 0, proto = 0;
	uint16_t sp = 0, dp = 0;
	size_t off;

	if (!get_u8(ip, len, 0, &v))
		return 0;
	if (v >> 4 == 4 && a->family == AF_INET) {
		off = (size_t)(v & 15) * 4;
		if (!get_u8(ip, len, 9, &proto) || len < 20)
			return 0;
		if (memcmp(ip + 12, a->a, 4) || memcmp(ip + 16, b->a, 4))
			return 0;
	} else if (v >> 4 == 6 && a->family == AF_INET6) {
		off = 40;
		if (!get_u8(ip, len, 6, &proto) || len < 40)
			return 0;
		if (memcmp(ip + 8, a->a, 16) || memcmp(ip + 24, b->a, 16))
			return 0;
	} else {
		return 0;
	}
	if (proto != 6 || !get_be16(ip, len, off, &sp) ||
	    !get_be16(ip, len, off + 2, &dp))
		return 0;
	*toff = off;
	return sp == ap && dp == bp;
}

/* Send seg and watch the capture until it shows both the bytes sent and
 * the kernel's answer with want_flags. */
static void
send_and_check(struct craft *c, struct sniff *sn, const struct segment *s,
    uint8_t want_flags, const char *what)
{
	char err[256] = "";
	const uint8_t *sent = NULL;
	uint32_t sentlen = 0, got_ack = 0;
	int seen_sent = 0, seen_reply = 0, rc, r = 0;
	int64_t t0, t1, deadline, stamp_sent = 0;
	uint8_t got_flags = 0;

	t0 = now_ns();
	rc = craft_send(c, s, &sent, &sentlen, err, sizeof err);
	t1 = now_ns();
	CHECK_(rc == 0, "%s: craft_send (%s)", what, err);
	CHECK_(sent != NULL && sentlen == (s->src.family == AF_INET ? 20 : 40)
	    + 32, "%s: craft_send returns the %u bytes sent", what, sentlen);

	deadline = now_ns() + WAIT_NS;
	while (rc == 0 && (!seen_sent || !seen_reply) && now_ns() < deadline) {
		struct pollfd pfd = { .fd = sniff_fd(sn), .events = POLLIN };
		struct sniff_pkt pk;
		const uint8_t *ip;
		size_t iplen = 0, toff = 0;

		poll(&pfd, 1, 100);
		while ((r = sniff_next(sn, &pk, err, sizeof err)) == 1) {
			ip = frame_ip(sniff_linktype(sn), &pk, &iplen);
			if (ip == NULL)
				continue;
			if (!seen_sent && iplen == sentlen &&
			    memcmp(ip, sent, sentlen) == 0) {
				seen_sent = 1;
				stamp_sent = (int64_t)pk.ts.tv_sec *
				    1000000000LL + pk.ts.tv_nsec;
			} else if (is_tcp(ip, iplen, &s->dst, s->dport,
			    &s->src, s->sport, &toff)) {
				get_u8(ip, iplen, toff + 13, &got_flags);
				get_be32(ip, iplen, toff + 8, &got_ack);
				seen_reply = 1;
			}
		}
		if (r != 0)
			break;
	}
	CHECK_(r == 0, "%s: sniff_next drains without error (%s)", what,
	    r == -2 ? err : "");
	CHECK_(seen_sent, "%s: the capture holds exactly the bytes sent",
	    what);
	CHECK_(!seen_sent || (stamp_sent >= t0 - 1000000 &&
	    stamp_sent <= t1 + 1000000000LL), "%s: the stamp %lld lies "
	    "within the send (%lld..%lld)", what, (long long)stamp_sent,
	    (long long)t0, (long long)t1);
	CHECK_(seen_reply, "%s: the kernel answered", what);
	CHECK_(got_flags == want_flags, "%s: the answer's flags are 0x%02x "
	    "(want 0x%02x)", what, got_flags, want_flags);
	CHECK_(got_ack == s->seq + 1, "%s: the answer acks seq+1 (%u)", what,
	    got_ack);
}

static int
run_syn(const char *src, const char *dst, const char *port,
    const char *want)
{
	char err[256] = "", filter[200], sbuf[64], dbuf[64];
	struct segment s;
	struct craft *c;
	struct sniff *sn;
	int lfd = -1;
	uint8_t want_flags = strcmp(want, "synack") == 0 ?
	    (TH_SYN_ | TH_ACK_) : (TH_RST_ | TH_ACK_);
	struct tcp_option o;

	segment_init(&s);
	if (!ipaddr_parse(src, &s.src) || !ipaddr_parse(dst, &s.dst)) {
		fprintf(stderr, "wire-test: bad address\n");
		return 2;
	}
	s.sport = SPORT;
	s.dport = (uint16_t)atoi(port);
	s.seq = 0x5eed0001;
	s.flags = TH_SYN_;
	s.win = 64240;
	s.ip_id = 0x4242;
	s.df = true;
	memset(&o, 0, sizeof o);
	o.kind = OPT_MSS; o.len = 4; o.u.mss = 1400;
	segment_add_opt(&s, &o);
	memset(&o, 0, sizeof o);
	o.kind = OPT_SACKOK; o.len = 2;
	segment_add_opt(&s, &o);
	memset(&o, 0, sizeof o);
	o.kind = OPT_WSCALE; o.len = 3; o.u.wscale = 7;
	segment_add_opt(&s, &o);

	ipaddr_str(&s.src, sbuf, sizeof sbuf);
	ipaddr_str(&s.dst, dbuf, sizeof dbuf);
	snprintf(filter, sizeof filter, "tcp and host %s and host %s and "
	    "portrange %d-%d", sbuf, dbuf, SPORT, SPORT + 1);
	sn = sniff_open_live("lo", filter, err, sizeof err);
	CHECK_(sn != NULL, "capture on lo with '%s' (%s)", filter, err);
	if (sn == NULL)
		return check_done();
	CHECK_(sniff_fd(sn) >= 0, "capture has a pollable fd");
	CHECK_(sniff_nano(sn), "live stamps are ns-precise on lo");
	if (strcmp(want, "synack") == 0) {
		lfd = listen_on(&s.dst, s.dport);
		CHECK_(lfd >= 0, "listening on %s port %u", dbuf, s.dport);
	}
	c = craft_open(s.src.family, CRAFT_WIRE, err, sizeof err);
	CHECK_(c != NULL, "raw socket opens as root (%s)", err);
	if (c == NULL)
		return check_done();

	send_and_check(c, sn, &s, want_flags, "SYN, id 0x4242, DF");
	/* With DF, Linux leaves an id of 0 alone too (it fills one in only
	 * without DF): the capture still equals what craft_send returned. */
	s.sport = SPORT + 1;
	s.ip_id = 0;
	s.seq = 0x5eed1001;
	send_and_check(c, sn, &s, want_flags, "SYN, id 0, DF");
	CHECK_INT(sniff_drops(sn), 0);

	if (lfd >= 0)
		close(lfd);
	craft_close(c);
	sniff_close(sn);
	segment_clear(&s);
	return check_done();
}

/* Run without CAP_NET_RAW: both opens fail with the line naming the fix. */
static int
run_noperm(void)
{
	char err[256];
	int fam;

	for (fam = 0; fam < 2; fam++) {
		err[0] = '\0';
		CHECK(craft_open(fam ? AF_INET6 : AF_INET, CRAFT_WIRE, err,
		    sizeof err) == NULL);
		CHECK_STR(err, "cannot open a raw socket: Operation not "
		    "permitted (need root or CAP_NET_RAW)");
	}
	err[0] = '\0';
	CHECK(sniff_open_live("lo", NULL, err, sizeof err) == NULL);
	CHECK_STR(err, "cannot open capture on lo: permission denied "
	    "(need root or CAP_NET_RAW)");
	/* Building bytes needs no privilege. */
	err[0] = '\0';
	{
		struct craft *c = craft_open(AF_INET6, CRAFT_BYTES, err,
		    sizeof err);
		CHECK_(c != NULL, "CRAFT_BYTES opens unprivileged (%s)", err);
		craft_close(c);
	}
	return check_done();
}

static int
run_nodev(void)
{
	char err[256] = "";

	CHECK(sniff_open_live("nosuchif0", NULL, err, sizeof err) == NULL);
	CHECK_STR(err, "no such interface 'nosuchif0' (see 'ip link')");
	err[0] = '\0';
	CHECK(sniff_open_live("lo", "tcp port", err, sizeof err) == NULL);
	CHECK_(strncmp(err, "bad capture filter 'tcp port': ", 31) == 0,
	    "a bad live filter is named: %s", err);
	/* No interface: "any", Linux cooked capture. */
	err[0] = '\0';
	{
		struct sniff *s = sniff_open_live(NULL, "tcp", err, sizeof err);
		CHECK_(s != NULL, "capture on any (%s)", err);
		CHECK_(s != NULL && (sniff_linktype(s) == DLT_SLL_ ||
		    sniff_linktype(s) == 276), "any is cooked (linktype %d)",
		    s != NULL ? sniff_linktype(s) : -1);
		sniff_close(s);
	}
	return check_done();
}

int
main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "syn") == 0)
		return run_syn(argv[2], argv[3], argv[4], argv[5]);
	if (argc == 2 && strcmp(argv[1], "noperm") == 0)
		return run_noperm();
	if (argc == 2 && strcmp(argv[1], "nodev") == 0)
		return run_nodev();
	fprintf(stderr, "usage: wire-test syn SRC DST PORT synack|rst | "
	    "noperm | nodev\n");
	return 2;
}
