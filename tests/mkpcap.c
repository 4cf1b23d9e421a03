/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mkpcap.c: writes the capture files tests/read-golden.sh reads, built by
 * hand as bytes (not by craft.c) so the golden data checks the crafter too. */
#include "config.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0_SEC	1700000000	/* 2023-11-14 22:13:20 UTC, any instant will do */

#define F_FIN	0x01
#define F_SYN	0x02
#define F_RST	0x04
#define F_PSH	0x08
#define F_ACK	0x10

struct tcpspec {
	const char	*src, *dst;
	uint16_t	 sport, dport;
	uint32_t	 seq, ack;
	uint8_t		 flags;
	uint16_t	 win;
	const uint8_t	*opts;		/* a multiple of 4 bytes */
	size_t		 optlen;
	const char	*data;
	size_t		 len;
	uint16_t	 id;
	bool		 nodf;
	int		 doff;		/* 0: computed; else written as given */
	bool		 fixsum;	/* write `sum`, not the right one */
	uint16_t	 sum;
	size_t		 cut;		/* TCP bytes kept (0: all) */
};

struct cap {
	pcap_t		*dead;
	pcap_dumper_t	*dump;
	bool		 nano;
	size_t		 snap;		/* records keep at most this much */
};

static const char *dir;

static void
die(const char *what, const char *name)
{
	fprintf(stderr, "mkpcap: %s %s\n", what, name);
	exit(1);
}

/* RFC 1071, kept here so the test does not trust checksum.c. */
static uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* The TCP header and payload of s at out; returns its length. */
static size_t
tcp_bytes(const struct tcpspec *s, uint8_t *out)
{
	size_t hlen = 20 + s->optlen;
	int doff = s->doff ? s->doff : (int)(hlen / 4);

	memset(out, 0, hlen);
	put16(out, s->sport);
	put16(out + 2, s->dport);
	put32(out + 4, s->seq);
	put32(out + 8, s->ack);
	out[12] = (uint8_t)(doff << 4);
	out[13] = s->flags;
	put16(out + 14, s->win);
	if (s->optlen)
		memcpy(out + 20, s->opts, s->optlen);
	if (s->len)
		memcpy(out + hlen, s->data, s->len);
	return hlen + s->len;
}

static void
tcp_sum(const struct tcpspec *s, uint8_t *tcp, size_t tcplen,
    const uint8_t *src, const uint8_t *dst, size_t alen)
{
	uint32_t sum = 0;
	uint8_t tail[4] = { 0, 0, 0, 6 };

	sum = sum16(sum, src, alen);
	sum = sum16(sum, dst, alen);
	if (alen == 4) {
		sum += 6;
		sum += (uint32_t)tcplen;
	} else {
		sum += (uint32_t)(tcplen >> 16);
		sum += (uint32_t)(tcplen & 0xffff);
		sum = sum16(sum, tail, 4);
	}
	sum = sum16(sum, tcp, tcplen);
	put16(tcp + 16, s->fixsum ? s->sum : fold(sum));
}

/* IPv4 or IPv6 (by the address) around a TCP segment; returns the length. */
static size_t
ip_tcp(const struct tcpspec *s, uint8_t *out)
{
	uint8_t src[16], dst[16];
	bool v6 = strchr(s->src, ':') != NULL;
	size_t hl = v6 ? 40 : 20, tl;

	if (inet_pton(v6 ? AF_INET6 : AF_INET, s->src, src) != 1 ||
	    inet_pton(v6 ? AF_INET6 : AF_INET, s->dst, dst) != 1)
		die("bad address in", s->src);
	tl = tcp_bytes(s, out + hl);
	tcp_sum(s, out + hl, tl, src, dst, v6 ? 16 : 4);
	if (s->cut)
		tl = s->cut;
	memset(out, 0, hl);
	if (v6) {
		out[0] = 0x60;
		put16(out + 4, (uint16_t)tl);
		out[6] = 6;
		out[7] = 64;
		memcpy(out + 8, src, 16);
		memcpy(out + 24, dst, 16);
		return hl + tl;
	}
	out[0] = 0x45;
	put16(out + 2, (uint16_t)(hl + tl));
	put16(out + 4, s->id);
	out[6] = s->nodf ? 0 : 0x40;
	out[8] = 64;
	out[9] = 6;
	memcpy(out + 12, src, 4);
	memcpy(out + 16, dst, 4);
	put16(out + 10, fold(sum16(0, out, 20)));
	return hl + tl;
}

/* Linux's SYN options: mss, sackOK, TS, nop, wscale (20 bytes). */
static const uint8_t *
opts_syn(uint8_t *o, uint16_t mss, uint32_t val, uint32_t ecr, uint8_t ws)
{
	o[0] = 2;
	o[1] = 4;
	put16(o + 2, mss);
	o[4] = 4;
	o[5] = 2;
	o[6] = 8;
	o[7] = 10;
	put32(o + 8, val);
	put32(o + 12, ecr);
	o[16] = 1;
	o[17] = 3;
	o[18] = 3;
	o[19] = ws;
	return o;
}

/* nop, nop, TS (12 bytes), as Linux sends on every later segment. */
static const uint8_t *
opts_ts(uint8_t *o, uint32_t val, uint32_t ecr)
{
	o[0] = 1;
	o[1] = 1;
	o[2] = 8;
	o[3] = 10;
	put32(o + 4, val);
	put32(o + 8, ecr);
	return o;
}

static struct cap *
cap_open_snap(const char *name, int linktype, bool nano, size_t snap)
{
	static struct cap c;
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	c.nano = nano;
	c.snap = snap;
	c.dead = pcap_open_dead_with_tstamp_precision(linktype, (int)snap,
	    nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	if (c.dead == NULL || (c.dump = pcap_dump_open(c.dead, path)) == NULL)
		die("cannot write", path);
	return &c;
}

static struct cap *
cap_open(const char *name, int linktype, bool nano)
{
	return cap_open_snap(name, linktype, nano, 65535);
}

/* One record at T0 + t_ns of a len-byte frame, of which caplen bytes
 * are kept, as a capture's snaplen does. */
static void
cap_write_cut(struct cap *c, uint64_t t_ns, const uint8_t *p, size_t len,
    size_t caplen)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof h);
	h.ts.tv_sec = T0_SEC + (time_t)(t_ns / 1000000000);
	h.ts.tv_usec = (suseconds_t)(t_ns % 1000000000);
	if (!c->nano)
		h.ts.tv_usec /= 1000;
	h.len = (bpf_u_int32)len;
	h.caplen = (bpf_u_int32)(caplen < len ? caplen : len);
	pcap_dump((u_char *)c->dump, &h, p);
}

/* One record at T0 + t_ns, cut at the file's snaplen. */
static void
cap_write(struct cap *c, uint64_t t_ns, const uint8_t *p, size_t len)
{
	cap_write_cut(c, t_ns, p, len, c->snap);
}

static void
cap_close(struct cap *c)
{
	pcap_dump_close(c->dump);
	pcap_close(c->dead);
}

static void
cap_tcp(struct cap *c, uint64_t t_ns, const struct tcpspec *s)
{
	uint8_t pkt[2048];

	cap_write(c, t_ns, pkt, ip_tcp(s, pkt));
}

/* Ethernet II: 02:00:00:00:00:0N addresses, padded to the 60-byte
 * minimum as a NIC would, so the decoder must trust IP's length. */
static size_t
ether(uint8_t *out, bool to_server, uint16_t type, const uint8_t *l3,
    size_t len)
{
	static const uint8_t mac1[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t mac2[6] = { 2, 0, 0, 0, 0, 2 };
	size_t n = 14 + len;

	memcpy(out, to_server ? mac2 : mac1, 6);
	memcpy(out + 6, to_server ? mac1 : mac2, 6);
	put16(out + 12, type);
	memcpy(out + 14, l3, len);
	if (n < 60) {
		memset(out + n, 0, 60 - n);
		n = 60;
	}
	return n;
}

static void
cap_ether_tcp(struct cap *c, uint64_t t_ns, bool to_server,
    const struct tcpspec *s)
{
	uint8_t ip[2048], frame[2100];

	cap_write(c, t_ns, frame, ether(frame, to_server, 0x0800, ip,
	    ip_tcp(s, ip)));
}

/* Linux cooked (SLL): packet type 4 for outgoing, 0 for to-us. */
static void
cap_sll_tcp(struct cap *c, uint64_t t_ns, bool outgoing,
    const struct tcpspec *s)
{
	uint8_t frame[2100];
	size_t n;

	memset(frame, 0, 16);
	put16(frame, outgoing ? 4 : 0);
	put16(frame + 2, 1);		/* ARPHRD_ETHER */
	put16(frame + 4, 6);
	frame[6] = 2;
	frame[11] = outgoing ? 1 : 2;
	put16(frame + 14, 0x0800);
	n = ip_tcp(s, frame + 16);
	cap_write(c, t_ns, frame, 16 + n);
}

#define C4	"198.18.0.1"
#define S4	"198.18.0.2"
#define C6	"2001:db8::1"
#define S6	"2001:db8::2"
#define REQ	"GET / HTTP/1.0\r\n\r\n"
#define RESP	"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi"

/* A whole connection: handshake, request, response, client closes. */
static void
write_handshake4(void)
{
	const uint32_t c = 1000000000, s = 3000000000u;
	struct cap *cp = cap_open("handshake4.pcap", DLT_RAW, true);
	uint8_t o[40];

#define CS(...) (&(struct tcpspec){ .src = C4, .dst = S4, .sport = 40000, \
	.dport = 80, __VA_ARGS__ })
#define SC(...) (&(struct tcpspec){ .src = S4, .dst = C4, .sport = 80, \
	.dport = 40000, __VA_ARGS__ })
	cap_tcp(cp, 0, CS(.seq = c, .flags = F_SYN, .win = 64240,
	    .opts = opts_syn(o, 1460, 100, 0, 7), .optlen = 20, .id = 0x4a1b));
	cap_tcp(cp, 150000, SC(.seq = s, .ack = c + 1, .flags = F_SYN | F_ACK,
	    .win = 65160, .opts = opts_syn(o, 1460, 5000, 100, 7),
	    .optlen = 20));
	cap_tcp(cp, 210000, CS(.seq = c + 1, .ack = s + 1, .flags = F_ACK,
	    .win = 502, .opts = opts_ts(o, 101, 5000), .optlen = 12,
	    .id = 0x4a1c));
	cap_tcp(cp, 400123, CS(.seq = c + 1, .ack = s + 1,
	    .flags = F_PSH | F_ACK, .win = 502, .opts = opts_ts(o, 101, 5000),
	    .optlen = 12, .data = REQ, .len = 18, .id = 0x4a1d));
	cap_tcp(cp, 520000, SC(.seq = s + 1, .ack = c + 19, .flags = F_ACK,
	    .win = 509, .opts = opts_ts(o, 5001, 101), .optlen = 12,
	    .id = 0x8f01));
	cap_tcp(cp, 1000000, SC(.seq = s + 1, .ack = c + 19,
	    .flags = F_PSH | F_ACK, .win = 509, .opts = opts_ts(o, 5001, 101),
	    .optlen = 12, .data = RESP, .len = 40, .id = 0x8f02));
	cap_tcp(cp, 1100000, CS(.seq = c + 19, .ack = s + 41, .flags = F_ACK,
	    .win = 501, .opts = opts_ts(o, 102, 5001), .optlen = 12,
	    .id = 0x4a1e));
	cap_tcp(cp, 2000000, CS(.seq = c + 19, .ack = s + 41,
	    .flags = F_FIN | F_ACK, .win = 501, .opts = opts_ts(o, 103, 5001),
	    .optlen = 12, .id = 0x4a1f));
	cap_tcp(cp, 2150000, SC(.seq = s + 41, .ack = c + 20,
	    .flags = F_FIN | F_ACK, .win = 509, .opts = opts_ts(o, 5002, 103),
	    .optlen = 12, .id = 0x8f03));
	cap_tcp(cp, 2300999, CS(.seq = c + 20, .ack = s + 42, .flags = F_ACK,
	    .win = 501, .opts = opts_ts(o, 104, 5002), .optlen = 12,
	    .id = 0x4a20));
	cap_close(cp);
}

/* The server's ISN is 0xffffffff: its ack wraps through zero. */
static void
write_handshake6(void)
{
	struct cap *cp = cap_open("handshake6.pcap", DLT_RAW, true);
	uint8_t o[40];

#define CS6(...) (&(struct tcpspec){ .src = C6, .dst = S6, .sport = 40001, \
	.dport = 443, __VA_ARGS__ })
	cap_tcp(cp, 0, CS6(.seq = 1, .flags = F_SYN, .win = 64800,
	    .opts = opts_syn(o, 1440, 7, 0, 7), .optlen = 20));
	cap_tcp(cp, 80000, (&(struct tcpspec){ .src = S6, .dst = C6,
	    .sport = 443, .dport = 40001, .seq = 0xffffffffu,
	    .ack = 2, .flags = F_SYN | F_ACK, .win = 64260,
	    .opts = opts_syn(o, 1440, 9, 7, 7), .optlen = 20 }));
	cap_tcp(cp, 160000, CS6(.seq = 2, .ack = 0, .flags = F_ACK, .win = 507,
	    .opts = opts_ts(o, 8, 9), .optlen = 12));
	cap_close(cp);
}

/*
 * For read -e: a SYN-ACK whose TS val carries the SYN's options in its
 * low 6 bits as a Linux SYN cookie does (2679895 & 63 = 23: wscale 7 and
 * SACK), one whose bits do not (5000 & 63 = 8), and a SYN-ACK without
 * wscale, after which the client's window is not scaled.
 */
static void
write_cookie4(void)
{
	struct cap *cp = cap_open("cookie4.pcap", DLT_RAW, true);
	uint8_t o[40];

#define CK(p, ...) (&(struct tcpspec){ .src = C4, .dst = S4, .sport = (p), \
	.dport = 80, __VA_ARGS__ })
#define KC(p, ...) (&(struct tcpspec){ .src = S4, .dst = C4, .sport = 80, \
	.dport = (p), __VA_ARGS__ })
	cap_tcp(cp, 0, CK(40010, .seq = 100, .flags = F_SYN, .win = 64240,
	    .opts = opts_syn(o, 1460, 100, 0, 7), .optlen = 20));
	cap_tcp(cp, 50000, KC(40010, .seq = 0x5f3a8c41u, .ack = 101,
	    .flags = F_SYN | F_ACK, .win = 65160,
	    .opts = opts_syn(o, 1460, 2679895, 100, 7), .optlen = 20));
	cap_tcp(cp, 100000, CK(40010, .seq = 101, .ack = 0x5f3a8c42u,
	    .flags = F_ACK, .win = 502, .opts = opts_ts(o, 101, 2679895),
	    .optlen = 12));
	cap_tcp(cp, 200000, CK(40011, .seq = 200, .flags = F_SYN, .win = 64240,
	    .opts = opts_syn(o, 1460, 200, 0, 7), .optlen = 20));
	cap_tcp(cp, 250000, KC(40011, .seq = 7000, .ack = 201,
	    .flags = F_SYN | F_ACK, .win = 65160,
	    .opts = opts_syn(o, 1460, 5000, 200, 7), .optlen = 20));
	cap_tcp(cp, 300000, CK(40012, .seq = 300, .flags = F_SYN, .win = 64240,
	    .opts = opts_syn(o, 1460, 300, 0, 7), .optlen = 20));
	/* mss, sackOK, TS: the first 16 bytes of opts_syn, no wscale. */
	cap_tcp(cp, 350000, KC(40012, .seq = 9000, .ack = 301,
	    .flags = F_SYN | F_ACK, .win = 65160,
	    .opts = opts_syn(o, 1460, 6001, 300, 0), .optlen = 16));
	cap_tcp(cp, 400000, CK(40012, .seq = 301, .ack = 9001,
	    .flags = F_ACK, .win = 502, .opts = opts_ts(o, 301, 6001),
	    .optlen = 12));
	cap_close(cp);
}

/* Ethernet, with a padded bare ACK and a SACK block. */
static void
write_ether(void)
{
	const uint32_t c = 0x11223344, s = 0x55667788;
	struct cap *cp = cap_open("ether.pcap", DLT_EN10MB, false);
	uint8_t o[40];

#define CE(...) (&(struct tcpspec){ .src = C4, .dst = S4, .sport = 40002, \
	.dport = 22, __VA_ARGS__ })
#define SE(...) (&(struct tcpspec){ .src = S4, .dst = C4, .sport = 22, \
	.dport = 40002, __VA_ARGS__ })
	cap_ether_tcp(cp, 0, true, CE(.seq = c, .flags = F_SYN, .win = 64240,
	    .opts = opts_syn(o, 1460, 200, 0, 7), .optlen = 20, .id = 1));
	cap_ether_tcp(cp, 95000, false, SE(.seq = s, .ack = c + 1,
	    .flags = F_SYN | F_ACK, .win = 65160,
	    .opts = opts_syn(o, 1460, 7000, 200, 7), .optlen = 20));
	cap_ether_tcp(cp, 130000, true, CE(.seq = c + 1, .ack = s + 1,
	    .flags = F_ACK, .win = 502, .id = 2));
	cap_ether_tcp(cp, 200000, true, CE(.seq = c + 1, .ack = s + 1,
	    .flags = F_PSH | F_ACK, .win = 502, .data = "SSH-2.0-x\r\n",
	    .len = 11, .id = 3));
	o[0] = 1;
	o[1] = 1;
	o[2] = 5;
	o[3] = 10;
	put32(o + 4, c + 12);
	put32(o + 8, c + 20);
	cap_ether_tcp(cp, 300000, false, SE(.seq = s + 1, .ack = c + 1,
	    .flags = F_ACK, .win = 509, .opts = o, .optlen = 12));
	cap_close(cp);
}

/* Linux cooked capture: a SYN to a closed port and its RST. */
static void
write_sll(void)
{
	struct cap *cp = cap_open("sll.pcap", DLT_LINUX_SLL, false);
	uint8_t o[40];

	cap_sll_tcp(cp, 0, true, &(struct tcpspec){ .src = C4, .dst = S4,
	    .sport = 40003, .dport = 25, .seq = 0x01020304,
	    .flags = F_SYN, .win = 64240, .opts = opts_syn(o, 1460, 300, 0, 7),
	    .optlen = 20, .id = 7 });
	cap_sll_tcp(cp, 60000, false, &(struct tcpspec){ .src = S4, .dst = C4,
	    .sport = 25, .dport = 40003, .seq = 0,
	    .ack = 0x01020305, .flags = F_RST | F_ACK, .win = 0 });
	cap_close(cp);
}

static const uint8_t mss1460[4] = { 2, 4, 0x05, 0xb4 };

/* Two of four segments with wrong checksums; the run goes on. */
static void
write_badsum(void)
{
	struct cap *cp = cap_open("badsum.pcap", DLT_RAW, false);

#define CB(...) (&(struct tcpspec){ .src = C4, .dst = S4, .sport = 40004, \
	.dport = 80, __VA_ARGS__ })
#define SB(...) (&(struct tcpspec){ .src = S4, .dst = C4, .sport = 80, \
	.dport = 40004, __VA_ARGS__ })
	cap_tcp(cp, 0, CB(.seq = 500, .flags = F_SYN, .win = 64240,
	    .opts = mss1460, .optlen = 4, .id = 0x0100));
	cap_tcp(cp, 100000, SB(.seq = 900000, .ack = 501,
	    .flags = F_SYN | F_ACK, .win = 65160, .opts = mss1460, .optlen = 4,
	    .fixsum = true, .sum = 0xbad0));
	cap_tcp(cp, 1100000, SB(.seq = 900000, .ack = 501,
	    .flags = F_SYN | F_ACK, .win = 65160, .opts = mss1460,
	    .optlen = 4));
	cap_tcp(cp, 1100200, CB(.seq = 501, .ack = 900001, .flags = F_ACK,
	    .win = 502, .id = 0x0101, .fixsum = true, .sum = 0));
	cap_close(cp);
}

/* Lying headers between good segments; each is reported, none stops. */
static void
write_malformed(void)
{
	struct cap *cp = cap_open("malformed.pcap", DLT_RAW, false);
	static const uint8_t len0[4] = { 2, 0, 0, 0 };
	static const uint8_t len1[4] = { 8, 1, 0, 0 };
	static const uint8_t overrun[4] = { 1, 30, 10, 0 };
	uint8_t pkt[256];
	size_t n;

#define CM(...) (&(struct tcpspec){ .src = C4, .dst = S4, .sport = 40005, \
	.dport = 80, .seq = 7001, .ack = 8001, .flags = F_ACK, \
	.win = 502, __VA_ARGS__ })
	cap_tcp(cp, 0, (&(struct tcpspec){ .src = C4, .dst = S4,
	    .sport = 40005, .dport = 80, .seq = 7000, .flags = F_SYN,
	    .win = 64240, .opts = mss1460, .optlen = 4 }));
	cap_tcp(cp, 10, CM(.cut = 10));
	cap_tcp(cp, 20, CM(.doff = 3));
	cap_tcp(cp, 30, CM(.doff = 15));
	cap_tcp(cp, 40, CM(.opts = len0, .optlen = 4));
	cap_tcp(cp, 50, CM(.opts = len1, .optlen = 4));
	cap_tcp(cp, 60, CM(.opts = overrun, .optlen = 4));
	n = ip_tcp(CM(.id = 9), pkt);
	pkt[0] = 0x44;			/* IHL 4: 16 bytes */
	cap_write(cp, 70, pkt, n);
	pkt[0] = 0x4f;			/* IHL 15: 60 bytes of 40 */
	cap_write(cp, 80, pkt, n);
	pkt[0] = 0x45;
	put16(pkt + 2, 100);		/* total length 100 of 40 */
	cap_write(cp, 90, pkt, n);
	cap_tcp(cp, 100000, (&(struct tcpspec){ .src = S4, .dst = C4,
	    .sport = 80, .dport = 40005, .seq = 8000, .ack = 7001,
	    .flags = F_SYN | F_ACK, .win = 65160, .opts = mss1460,
	    .optlen = 4 }));
	cap_tcp(cp, 200000, CM(.id = 10));
	cap_close(cp);
}

/* ARP, UDP, ICMP echo, IPv6 UDP are skipped; an ICMP port unreachable
 * quoting our SYN is reported. */
static void
write_other(void)
{
	struct cap *cp = cap_open("other.pcap", DLT_EN10MB, false);
	static const uint8_t arp[28] = {
		0, 1, 8, 0, 6, 4, 0, 1,  2, 0, 0, 0, 0, 1,  198, 18, 0, 1,
		0, 0, 0, 0, 0, 0,  198, 18, 0, 2,
	};
	uint8_t syn[128], ip[256], frame[300], o[40];
	size_t n, sn;

	n = ether(frame, true, 0x0806, arp, sizeof arp);
	memset(frame, 0xff, 6);
	cap_write(cp, 0, frame, n);

	/* UDP 5353 -> 53, 12 bytes of a DNS header; checksum 0 (none). */
	memset(ip, 0, sizeof ip);
	ip[0] = 0x45;
	put16(ip + 2, 20 + 8 + 12);
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 17;
	inet_pton(AF_INET, C4, ip + 12);
	inet_pton(AF_INET, S4, ip + 16);
	put16(ip + 10, fold(sum16(0, ip, 20)));
	put16(ip + 20, 5353);
	put16(ip + 22, 53);
	put16(ip + 24, 8 + 12);
	put16(ip + 28, 0x1234);
	put16(ip + 30, 0x0100);
	put16(ip + 32, 1);
	cap_write(cp, 1000, frame, ether(frame, true, 0x0800, ip, 40));

	sn = ip_tcp(&(struct tcpspec){ .src = C4, .dst = S4, .sport = 40006,
	    .dport = 81, .seq = 0x0a0b0c0d, .flags = F_SYN,
	    .win = 64240, .opts = opts_syn(o, 1460, 400, 0, 7), .optlen = 20,
	    .id = 0x2222 }, syn);
	cap_write(cp, 2000, frame, ether(frame, true, 0x0800, syn, sn));

	/* ICMP 3/3 from the server, quoting the whole SYN as Linux does. */
	memset(ip, 0, sizeof ip);
	ip[0] = 0x45;
	ip[1] = 0xc0;
	put16(ip + 2, (uint16_t)(20 + 8 + sn));
	ip[8] = 64;
	ip[9] = 1;
	inet_pton(AF_INET, S4, ip + 12);
	inet_pton(AF_INET, C4, ip + 16);
	put16(ip + 10, fold(sum16(0, ip, 20)));
	ip[20] = 3;
	ip[21] = 3;
	memcpy(ip + 28, syn, sn);
	put16(ip + 22, fold(sum16(0, ip + 20, 8 + sn)));
	cap_write(cp, 3000, frame, ether(frame, false, 0x0800, ip, 28 + sn));

	/* ICMP echo request: not an error, skipped. */
	memset(ip, 0, sizeof ip);
	ip[0] = 0x45;
	put16(ip + 2, 28);
	ip[8] = 64;
	ip[9] = 1;
	inet_pton(AF_INET, C4, ip + 12);
	inet_pton(AF_INET, S4, ip + 16);
	put16(ip + 10, fold(sum16(0, ip, 20)));
	ip[20] = 8;
	put16(ip + 24, 0x0001);
	put16(ip + 26, 0x0001);
	put16(ip + 22, fold(sum16(0, ip + 20, 8)));
	cap_write(cp, 4000, frame, ether(frame, true, 0x0800, ip, 28));

	/* IPv6 UDP 546 -> 547, 4 bytes. */
	memset(ip, 0, sizeof ip);
	ip[0] = 0x60;
	put16(ip + 4, 12);
	ip[6] = 17;
	ip[7] = 64;
	inet_pton(AF_INET6, C6, ip + 8);
	inet_pton(AF_INET6, S6, ip + 24);
	put16(ip + 40, 546);
	put16(ip + 42, 547);
	put16(ip + 44, 12);
	cap_write(cp, 5000, frame, ether(frame, true, 0x86dd, ip, 52));
	cap_close(cp);
}

/* A flow caught mid-way: no SYN, so numbers stay absolute. */
static void
write_nosyn(void)
{
	struct cap *cp = cap_open("nosyn.pcap", DLT_RAW, true);

	cap_tcp(cp, 0, &(struct tcpspec){ .src = C4, .dst = S4, .sport = 40007,
	    .dport = 80, .seq = 123456789, .ack = 987654321,
	    .flags = F_PSH | F_ACK, .win = 502, .data = "hello\n", .len = 6,
	    .id = 5 });
	cap_tcp(cp, 40000, &(struct tcpspec){ .src = S4, .dst = C4,
	    .sport = 80, .dport = 40007, .seq = 987654321,
	    .ack = 123456795, .flags = F_ACK, .win = 509, .id = 6 });
	cap_close(cp);
}

/* Three connections with 198.18.0.2:80 for read --shake: two at once,
 * then port 40010 again with a new ISN, refused; and one to port 22
 * that is not the target's. */
static void
write_flows(void)
{
	struct cap *cp = cap_open("flows.pcap", DLT_RAW, false);

#define CF(p, ...) (&(struct tcpspec){ .src = C4, .dst = S4, .sport = (p), \
	.dport = 80, __VA_ARGS__ })
#define SF(p, ...) (&(struct tcpspec){ .src = S4, .dst = C4, .sport = 80, \
	.dport = (p), __VA_ARGS__ })
	cap_tcp(cp, 0, CF(40010, .seq = 100, .flags = F_SYN, .win = 1000));
	cap_tcp(cp, 1000, CF(40011, .seq = 200, .flags = F_SYN, .win = 1000));
	cap_tcp(cp, 2000, SF(40010, .seq = 5000, .ack = 101,
	    .flags = F_SYN | F_ACK, .win = 2000, .opts = mss1460,
	    .optlen = 4));
	cap_tcp(cp, 3000, SF(40011, .seq = 6000, .ack = 201,
	    .flags = F_SYN | F_ACK, .win = 2000, .opts = mss1460,
	    .optlen = 4));
	cap_tcp(cp, 4000, CF(40010, .seq = 101, .ack = 5001, .flags = F_ACK,
	    .win = 1000));
	cap_tcp(cp, 5000, &(struct tcpspec){ .src = C4, .dst = S4,
	    .sport = 40012, .dport = 22, .seq = 300, .flags = F_SYN,
	    .win = 1000 });
	cap_tcp(cp, 6000, CF(40011, .seq = 201, .flags = F_RST));
	cap_tcp(cp, 7000, CF(40010, .seq = 101, .ack = 5001,
	    .flags = F_RST | F_ACK));
	cap_tcp(cp, 10000, CF(40010, .seq = 900, .flags = F_SYN, .win = 1000));
	cap_tcp(cp, 11000, SF(40010, .seq = 0, .ack = 901,
	    .flags = F_RST | F_ACK));
	cap_close(cp);
}

/* As tcpdump -s 96 writes: frames cut at 96 bytes, with their length on
 * the wire kept. The SYNs and the request fit; the response's payload is
 * cut (30 of its 1448 bytes captured); a record cut at 50 bytes holds
 * half a TCP header; an IP length beyond even the wire's is a lie. */
static void
write_snaplen(void)
{
	const uint32_t c = 1000000000, s = 3000000000u;
	struct cap *cp = cap_open_snap("snaplen.pcap", DLT_EN10MB, false, 96);
	static char big[1448];
	uint8_t o[40], ip[2048], frame[2100];
	size_t n;

	memset(big, 'a', sizeof big);
	memcpy(big, "HTTP/1.0 200 OK\r\n\r\n", 19);
#define CN(...) (&(struct tcpspec){ .src = C4, .dst = S4, .sport = 40020, \
	.dport = 80, __VA_ARGS__ })
#define SN(...) (&(struct tcpspec){ .src = S4, .dst = C4, .sport = 80, \
	.dport = 40020, __VA_ARGS__ })
	cap_ether_tcp(cp, 0, true, CN(.seq = c, .flags = F_SYN, .win = 64240,
	    .opts = opts_syn(o, 1460, 100, 0, 7), .optlen = 20, .id = 1));
	cap_ether_tcp(cp, 100000, false, SN(.seq = s, .ack = c + 1,
	    .flags = F_SYN | F_ACK, .win = 65160,
	    .opts = opts_syn(o, 1460, 5000, 100, 7), .optlen = 20));
	cap_ether_tcp(cp, 200000, true, CN(.seq = c + 1, .ack = s + 1,
	    .flags = F_PSH | F_ACK, .win = 502, .opts = opts_ts(o, 101, 5000),
	    .optlen = 12, .data = REQ, .len = 18, .id = 2));
	cap_ether_tcp(cp, 300000, false, SN(.seq = s + 1, .ack = c + 19,
	    .flags = F_PSH | F_ACK, .win = 509, .opts = opts_ts(o, 5001, 101),
	    .optlen = 12, .data = big, .len = sizeof big));
	n = ether(frame, false, 0x0800, ip, ip_tcp(SN(.seq = s + 1449,
	    .ack = c + 19, .flags = F_ACK, .win = 509,
	    .opts = opts_ts(o, 5002, 101), .optlen = 12), ip));
	cap_write_cut(cp, 400000, frame, n, 50);
	n = ip_tcp(SN(.seq = s + 1449, .ack = c + 19, .flags = F_PSH | F_ACK,
	    .win = 509, .opts = opts_ts(o, 5003, 101), .optlen = 12,
	    .data = big, .len = sizeof big), ip);
	put16(ip + 2, 1600);
	cap_write(cp, 500000, frame, ether(frame, false, 0x0800, ip, n));
	cap_ether_tcp(cp, 600000, true, CN(.seq = c + 19, .ack = s + 1449,
	    .flags = F_ACK, .win = 501, .opts = opts_ts(o, 102, 5001),
	    .optlen = 12, .id = 3));
	cap_close(cp);
}

/* A link type tcpshake does not decode (802.11). */
static void
write_unsupported(void)
{
	struct cap *cp = cap_open("unsupported.pcap", 105, false);
	static const uint8_t junk[24] = { 0x08, 0x02 };

	cap_write(cp, 0, junk, sizeof junk);
	cap_close(cp);
}

/* handshake4.pcap with its last record cut 10 bytes short. */
static void
write_truncated(void)
{
	char from[4096], to[4096], buf[8192];
	FILE *in, *out = NULL;
	size_t n;

	snprintf(from, sizeof from, "%s/handshake4.pcap", dir);
	snprintf(to, sizeof to, "%s/truncated.pcap", dir);
	if ((in = fopen(from, "rb")) == NULL || (out = fopen(to, "wb")) == NULL)
		die("cannot copy to", to);
	n = fread(buf, 1, sizeof buf, in);
	if (n < 10 || n == sizeof buf)
		die("unexpected size of", from);
	fwrite(buf, 1, n - 10, out);
	fclose(in);
	if (fclose(out) != 0)
		die("cannot write", to);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkpcap DIR\n");
		return 2;
	}
	dir = argv[1];
	write_handshake4();
	write_handshake6();
	write_cookie4();
	write_ether();
	write_sll();
	write_badsum();
	write_malformed();
	write_other();
	write_nosyn();
	write_flows();
	write_snaplen();
	write_unsupported();
	write_truncated();
	return 0;
}
