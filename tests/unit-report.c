/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-report.c: the text, JSON Lines and pcap sinks on events built by
 * hand: exact lines, JSON escaping, pcap records read back (and by tcpdump). */
#include "config.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "decode.h"
#include "engine.h"
#include "explain.h"
#include "fmt.h"
#include "report.h"
#include "sniff.h"

/* Run one event through a fresh sink on a memory stream; returns the text
 * (free it). */
static char *
through(const struct sink_ops *ops, int kind, int flags,
    const struct event *ev)
{
	struct sink *chain = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	sinks_add(&chain, ops, kind == 'j' ? report_json_new(f) :
	    report_text_new(f, flags));
	sinks_emit(chain, ev);
	sinks_close(&chain);
	fclose(f);
	return buf;
}

static void
syn_segment(struct segment *seg)
{
	struct tcp_option mss = { .kind = OPT_MSS, .len = 4, .u.mss = 1460 };

	segment_init(seg);
	ipaddr_parse("198.18.0.1", &seg->src);
	ipaddr_parse("198.18.0.2", &seg->dst);
	seg->sport = 4000;
	seg->dport = 80;
	seg->seq = 1000;
	seg->flags = TH_SYN_;
	seg->win = 65535;
	seg->ttl = 64;
	seg->df = true;
	seg->ip_id = 1;
	segment_add_opt(seg, &mss);
	seg->has = SEG_HAS_PORTS | SEG_HAS_WIN | SEG_HAS_OPTS | SEG_HAS_TTL |
	    SEG_HAS_TOS | SEG_HAS_ID;
	seg->cksum = 0x1234;
	seg->cksum_state = CKSUM_OK;
}

static void
test_text(void)
{
	struct segment seg, rep;
	struct tcp_option sack = { .kind = OPT_SACK, .len = 10 };
	struct ipaddr from;
	struct event ev;
	char *s;

	syn_segment(&seg);
	event_init(&ev, EV_SEGMENT);
	ev.dir = DIR_TO_TARGET;
	ev.t_ns = 123456;
	ev.seg = &seg;
	ev.relative = true;
	ev.seq_base = 1000;
	s = through(&report_text_ops, 't', 0, &ev);
	CHECK_STR(s, "0.000123 SENT 198.18.0.1:4000 > 198.18.0.2:80 "
	    "S 0:0(0) win 65535 <mss 1460>\n");
	free(s);

	/* -v adds the IP fields; absolute when not relative. */
	ev.relative = false;
	s = through(&report_text_ops, 't', REPORT_IP, &ev);
	CHECK_STR(s, "0.000123 SENT 198.18.0.1:4000 > 198.18.0.2:80 "
	    "S 1000:1000(0) win 65535 <mss 1460> (ttl 64) (tos 0x00)\n");
	free(s);

	/* A reply: direction, RTT, a wrong checksum, relative ack. */
	segment_init(&rep);
	ipaddr_parse("198.18.0.2", &rep.src);
	ipaddr_parse("198.18.0.1", &rep.dst);
	rep.sport = 80;
	rep.dport = 4000;
	rep.seq = 5000;
	rep.ack = 1001;
	rep.flags = TH_SYN_ | TH_ACK_;
	rep.win = 29200;
	rep.has = SEG_HAS_PORTS | SEG_HAS_WIN | SEG_HAS_ACK;
	rep.cksum = 0xabcd;
	rep.cksum_good = 0x1234;
	rep.cksum_state = CKSUM_BAD;
	event_init(&ev, EV_SEGMENT);
	ev.dir = DIR_FROM_TARGET;
	ev.t_ns = 250000;
	ev.seg = &rep;
	ev.relative = true;
	ev.seq_base = 5000;
	ev.ack_base = 1000;
	ev.rtt_ns = 123456;
	s = through(&report_text_ops, 't', 0, &ev);
	CHECK_STR(s, "0.000250 RCVD 198.18.0.2:80 > 198.18.0.1:4000 S. 0:0(0) "
	    "ack 1 win 29200 rtt 123.456 us [bad checksum 0xabcd, should be "
	    "0x1234]\n");
	free(s);

	/* SACK blocks are in the other side's space, like the ack. */
	sack.u.sack.n = 1;
	sack.u.sack.b[0].left = 1101;
	sack.u.sack.b[0].right = 1201;
	rep.flags = TH_ACK_;
	rep.seq = 5001;
	rep.cksum_state = CKSUM_OK;
	segment_add_opt(&rep, &sack);
	ev.rtt_ns = -1;
	s = through(&report_text_ops, 't', 0, &ev);
	CHECK_STR(s, "0.000250 RCVD 198.18.0.2:80 > 198.18.0.1:4000 . 1:1(0) "
	    "ack 1 win 29200 <sack 101:201>\n");
	free(s);
	CHECK_INT(rep.opts[0].u.sack.b[0].left, 1101);	/* view, not edit */

	/* IPv6 in brackets; times before the start keep their sign. */
	ipaddr_parse("2001:db8::1", &seg.src);
	ipaddr_parse("2001:db8::2", &seg.dst);
	event_init(&ev, EV_SEGMENT);
	ev.seg = &seg;
	ev.t_ns = -1500;
	s = through(&report_text_ops, 't', 0, &ev);
	CHECK_STR(s, "-0.000001 [2001:db8::1]:4000 > [2001:db8::2]:80 "
	    "S 1000:1000(0) win 65535 <mss 1460>\n");
	free(s);

	/* ICMP errors, named and not. */
	ipaddr_parse("2001:db8::2", &from);
	event_init(&ev, EV_ICMP);
	ev.t_ns = 2000000;
	ev.dir = DIR_FROM_TARGET;
	ev.seg = &seg;
	ev.icmp_from = &from;
	ev.icmp_type = 1;
	ev.icmp_code = 4;
	ev.relative = true;
	ev.seq_base = 1000;
	s = through(&report_text_ops, 't', 0, &ev);
	CHECK_STR(s, "0.002000 RCVD ICMPv6 1/4 port unreachable from "
	    "2001:db8::2 about [2001:db8::1]:4000 > [2001:db8::2]:80 seq 0\n");
	free(s);
	ev.icmp_type = 200;
	s = through(&report_text_ops, 't', 0, &ev);
	CHECK(s != NULL && strstr(s, "ICMPv6 200/4 (unnamed) from") != NULL);
	free(s);

	event_init(&ev, EV_MALFORMED);
	ev.t_ns = 1000;
	ev.text = "TCP data offset 3 is below 5";
	s = through(&report_text_ops, 't', 0, &ev);
	CHECK_STR(s, "0.000001 malformed: TCP data offset 3 is below 5\n");
	free(s);
	event_init(&ev, EV_NOTE);
	ev.text = "a note";
	s = through(&report_text_ops, 't', 0, &ev);
	CHECK_STR(s, "a note\n");
	free(s);
	segment_clear(&rep);
	segment_clear(&seg);
}

static int
count_lines(const char *s, const char *prefix)
{
	int n = 0;
	const char *p;

	for (p = s; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ?
	    p + 1 : NULL)
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

static void
test_explain(void)
{
	struct segment seg;
	struct event ev;
	char *s;

	syn_segment(&seg);
	seg.cksum_state = CKSUM_BAD;
	seg.cksum_good = 0x4321;
	event_init(&ev, EV_SEGMENT);
	ev.seg = &seg;
	ev.relative = true;
	ev.seq_base = 1000;
	s = through(&report_text_ops, 't', REPORT_EXPLAIN, &ev);
	CHECK_INT(count_lines(s, "    flag "), 8);
	CHECK_INT(count_lines(s, "    flag SYN set "), 1);
	CHECK_INT(count_lines(s, "    flag ACK clear "), 1);
	CHECK(strstr(s, "    sequence number 0 (absolute 1000, relative to "
	    "this side's ISN)") != NULL);
	CHECK(strstr(s, "    acknowledgment number 0: not meaningful, the ACK "
	    "flag is clear\n") != NULL);
	CHECK(strstr(s, "    checksum 0x1234: WRONG, should be 0x4321") != NULL);
	CHECK(strstr(s, "    option mss 1460: the largest segment the sender "
	    "wants to receive\n") != NULL);
	CHECK(strstr(s, "    data offset 6 words (24 bytes)") != NULL);
	CHECK(strstr(s, "    TTL 64: ") != NULL);
	CHECK(strstr(s, "    DF set: ") != NULL);
	CHECK(strstr(s, "    id 1: ") != NULL);
	CHECK(strstr(s, "    payload 0 bytes\n") != NULL);
	free(s);
	segment_clear(&seg);

	CHECK_STR(explain_icmp_name(AF_INET, 3, 3), "port unreachable");
	CHECK_STR(explain_icmp_name(AF_INET, 3, 99), "destination unreachable");
	CHECK_STR(explain_icmp_name(AF_INET, 11, 0), "time exceeded in transit");
	CHECK_STR(explain_icmp_name(AF_INET6, 1, 4), "port unreachable");
	CHECK(explain_icmp_name(AF_INET, 8, 0) == NULL);
}

static void
test_json(void)
{
	static const struct event_count counts[] = {
		{ .key = "segments", .value = 12 },
		{ .key = "malformed", .value = 2 },
	};
	struct segment seg;
	struct event ev;
	char *s;

	event_init(&ev, EV_NOTE);
	ev.t_ns = 5000000;
	ev.ts.tv_sec = 1700000000;
	ev.ts.tv_nsec = 5000000;
	ev.text = "say \"hi\"\\ \n\t\x01\xff";
	s = through(&report_json_ops, 'j', 0, &ev);
	CHECK_STR(s, "{\"schema\":\"tcpshake/1\",\"type\":\"note\","
	    "\"t_ns\":5000000,\"epoch_ns\":1700000000005000000,\"text\":"
	    "\"say \\\"hi\\\"\\\\ \\n\\t\\u0001\\u00ff\"}\n");
	free(s);

	event_init(&ev, EV_SUMMARY);
	ev.text = "12 TCP segments";
	ev.counts = counts;
	ev.ncounts = 2;
	ev.verdict = VERDICT_FAIL;
	s = through(&report_json_ops, 'j', 0, &ev);
	CHECK_STR(s, "{\"schema\":\"tcpshake/1\",\"type\":\"summary\","
	    "\"ok\":false,\"segments\":12,\"malformed\":2,"
	    "\"text\":\"12 TCP segments\"}\n");
	free(s);
	ev.verdict = VERDICT_NONE;
	s = through(&report_json_ops, 'j', 0, &ev);
	CHECK(s != NULL && strstr(s, "\"ok\"") == NULL);
	free(s);

	syn_segment(&seg);
	segment_set_data(&seg, "a\"", 2);
	seg.len = 2;
	event_init(&ev, EV_SEGMENT);
	ev.seg = &seg;
	ev.dir = DIR_TO_TARGET;
	ev.t_ns = 1;
	ev.ts.tv_sec = 1700000000;
	ev.ts.tv_nsec = 1;
	ev.rtt_ns = 1500;
	ev.probe = 3;
	ev.relative = true;
	ev.seq_base = 999;
	s = through(&report_json_ops, 'j', 0, &ev);
	CHECK_STR(s, "{\"schema\":\"tcpshake/1\",\"type\":\"segment\","
	    "\"t_ns\":1,\"epoch_ns\":1700000000000000001,\"dir\":\"sent\","
	    "\"src\":\"198.18.0.1\",\"sport\":4000,\"dst\":\"198.18.0.2\","
	    "\"dport\":80,\"flags\":\"S\",\"seq\":1,\"ack\":0,\"seq_abs\":1000,"
	    "\"ack_abs\":0,\"len\":2,\"win\":65535,\"urg\":0,\"options\":"
	    "[{\"kind\":\"mss\",\"value\":1460}],\"payload_hex\":\"6122\","
	    "\"checksum\":\"ok\",\"checksum_wire\":4660,\"checksum_right\":4660,"
	    "\"rtt_ns\":1500,\"ip\":4,\"ttl\":64,\"tos\":0,\"id\":1,"
	    "\"df\":true,\"probe\":3}\n");
	free(s);
	/* AccECN's AE flag is a letter of the flags. */
	seg.ae = true;
	seg.flags |= TH_ECE_;
	s = through(&report_json_ops, 'j', 0, &ev);
	CHECK(s != NULL && strstr(s, "\"flags\":\"SEA\",") != NULL);
	free(s);
	segment_clear(&seg);
}

/* A 44-byte IPv4 SYN 198.18.0.1:4000 > 198.18.0.2:80 with mss 1460. */
static const char syn_hex[] =
	"45 00 00 2c 00 01 40 00 40 06 00 00 c6 12 00 01 c6 12 00 02"
	"0f a0 00 50 00 00 03 e8 00 00 00 00 60 02 ff ff 00 00 00 00"
	"02 04 05 b4";

static void
test_pcap_tcpdump(const char *path)
{
	char cmd[512], line[512];
	FILE *p;
	int seen = 0;

	if (access("/usr/bin/tcpdump", X_OK) != 0 &&
	    access("/usr/sbin/tcpdump", X_OK) != 0) {
		printf("# tcpdump not installed: cross-check not run\n");
		return;
	}
	snprintf(cmd, sizeof cmd, "tcpdump -nn --nano -tt -r '%s' 2>/dev/null",
	    path);
	if ((p = popen(cmd, "r")) == NULL)
		return;
	while (fgets(line, sizeof line, p) != NULL)
		if (strstr(line, "1700000000.123456789 IP 198.18.0.1.4000 > "
		    "198.18.0.2.80: Flags [S], seq 1000") != NULL)
			seen++;
	pclose(p);
	CHECK_INT(seen, 1);
}

static void
test_pcap(void)
{
	char path[] = "/tmp/unit-report.XXXXXX", err[256];
	uint8_t ip[64];
	size_t n = check_hex(syn_hex, ip, sizeof ip);
	struct sink *chain = NULL;
	struct segment seg;
	struct event ev;
	struct sniff *sn;
	struct sniff_pkt pkt;
	struct decoded d;
	void *ctx;
	int fd;

	CHECK(report_pcap_new("/nonexistent/dir/x.pcap", err, sizeof err) ==
	    NULL);
	CHECK_STR(err, "cannot write '/nonexistent/dir/x.pcap': No such file "
	    "or directory");

	if ((fd = mkstemp(path)) == -1)
		return;
	close(fd);
	ctx = report_pcap_new(path, err, sizeof err);
	CHECK(ctx != NULL);
	if (ctx == NULL)
		return;
	sinks_add(&chain, &report_pcap_ops, ctx);
	syn_segment(&seg);
	event_init(&ev, EV_NOTE);	/* not a packet: not written */
	ev.text = "note";
	sinks_emit(chain, &ev);
	event_init(&ev, EV_SEGMENT);
	ev.seg = &seg;
	ev.ip = ip;
	ev.iplen = (uint32_t)n;
	ev.ts.tv_sec = 1700000000;
	ev.ts.tv_nsec = 123456789;
	sinks_emit(chain, &ev);
	sinks_close(&chain);
	CHECK(chain == NULL);

	sn = sniff_open_file(path, NULL, err, sizeof err);
	CHECK(sn != NULL);
	if (sn != NULL) {
		CHECK_INT(sniff_linktype(sn), DLT_RAW);
		CHECK(sniff_nano(sn));
		CHECK_INT(sniff_next(sn, &pkt, err, sizeof err), 1);
		CHECK_INT(pkt.ts.tv_sec, 1700000000);
		CHECK_INT(pkt.ts.tv_nsec, 123456789);
		CHECK_INT(pkt.caplen, n);
		CHECK_MEM(pkt.data, ip, n);
		CHECK_INT(decode_frame(sniff_linktype(sn), pkt.data, pkt.caplen,
		    &d, NULL, 0), DEC_OK);
		CHECK_INT(d.seg.sport, 4000);
		CHECK_INT(d.seg.seq, 1000);
		segment_clear(&d.seg);
		CHECK_INT(sniff_next(sn, &pkt, err, sizeof err), -1);
		sniff_close(sn);
	}
	test_pcap_tcpdump(path);
	unlink(path);
	segment_clear(&seg);
}

static void
test_helpers(void)
{
	struct ipaddr a;
	char buf[64];

	CHECK_STR(fmt_time(0, buf, sizeof buf), "0.000000");
	CHECK_STR(fmt_time(1999999999, buf, sizeof buf), "1.999999");
	CHECK_STR(fmt_time(-2000000000, buf, sizeof buf), "-2.000000");
	ipaddr_parse("2001:db8::1", &a);
	CHECK_STR(fmt_endpoint(&a, 443, buf, sizeof buf),
	    "[2001:db8::1]:443");
	ipaddr_parse("198.18.0.1", &a);
	CHECK_STR(fmt_endpoint(&a, 80, buf, sizeof buf),
	    "198.18.0.1:80");
}

/* Whose state it is: the prober's stands alone, the target's says so. */
static void
test_state(void)
{
	struct event ev;
	char *out;

	event_init(&ev, EV_STATE);
	ev.t_ns = 1000;
	ev.ts.tv_sec = 1;
	ev.text = "SYN_SENT";
	out = through(&report_text_ops, 't', 0, &ev);
	CHECK_STR(out, "SYN_SENT\n");
	free(out);
	out = through(&report_json_ops, 'j', 0, &ev);
	CHECK_STR(out, "{\"schema\":\"tcpshake/1\",\"type\":\"state\","
	    "\"t_ns\":1000,\"epoch_ns\":1000000000,"
	    "\"side\":\"prober\",\"text\":\"SYN_SENT\"}\n");
	free(out);
	ev.dir = DIR_FROM_TARGET;
	ev.text = "SYN_RECEIVED";
	out = through(&report_text_ops, 't', 0, &ev);
	CHECK_STR(out, "target SYN_RECEIVED\n");
	free(out);
	out = through(&report_json_ops, 'j', 0, &ev);
	CHECK_STR(out, "{\"schema\":\"tcpshake/1\",\"type\":\"state\","
	    "\"t_ns\":1000,\"epoch_ns\":1000000000,"
	    "\"side\":\"target\",\"text\":\"SYN_RECEIVED\"}\n");
	free(out);
}

/* run's step verdicts: structured keys from the outcome, and the text
 * sink's words for them (fmt_outcome): the engine gives data, not text. */
#define HEAD "{\"schema\":\"tcpshake/1\",\"type\":\"step\",\"t_ns\":1500000," \
	"\"epoch_ns\":1700000000001500000,"

static void
test_json_step(void)
{
	struct step_outcome o = {
		.file = "demo.shake", .line = 7, .ok = true,
		.from_target = true, .flow = "f2",
		.expected = "+0 > S. 0:0(0) ack 1 <...>",
		.got = "S. 0:0(0) ack 1 <mss 1460>", .awaited = true,
		.t_ns = 1500000, .dev_ns = 12345, .has_dev = true,
	};
	struct event ev;
	char *out;

	event_init(&ev, EV_STEP);
	ev.t_ns = 1500000;
	ev.ts.tv_sec = 1700000000;
	ev.ts.tv_nsec = 1500000;
	ev.outcome = &o;
	out = through(&report_json_ops, 'j', 0, &ev);
	CHECK_STR(out, HEAD
	    "\"file\":\"demo.shake\",\"line\":7,\"ok\":true,"
	    "\"expected\":\"+0 > S. 0:0(0) ack 1 <...>\",\"awaited\":true,"
	    "\"got\":\"S. 0:0(0) ack 1 <mss 1460>\",\"differs\":null,"
	    "\"deviation_ns\":12345,\"text\":\"ok      7 0.001500     +12 us  "
	    "f2 > S. 0:0(0) ack 1 <mss 1460>\"}\n");
	free(out);
	out = through(&report_text_ops, 't', 0, &ev);
	CHECK_STR(out, "ok      7 0.001500     +12 us  f2 > S. 0:0(0) ack 1 "
	    "<mss 1460>\n");
	free(out);

	/* A miss: nothing came, early by 2.5 ms, what differs. */
	o.ok = false;
	o.got = NULL;
	o.why = "time: expected 1.000000, got 0.997500 (2500 us early)";
	o.dev_ns = -2500001;
	out = through(&report_json_ops, 'j', 0, &ev);
	CHECK_STR(out, HEAD
	    "\"file\":\"demo.shake\",\"line\":7,\"ok\":false,"
	    "\"expected\":\"+0 > S. 0:0(0) ack 1 <...>\",\"awaited\":true,"
	    "\"got\":null,\"differs\":\"time: expected 1.000000, got "
	    "0.997500 (2500 us early)\",\"deviation_ns\":-2500001,"
	    "\"text\":\"FAIL    7 0.001500   -2500 us  +0 > S. 0:0(0) ack 1 "
	    "<...>\\n     demo.shake:7: expected: +0 > S. 0:0(0) ack 1 <...>"
	    "\\n     got: nothing\\n     differs: time: expected 1.000000, "
	    "got 0.997500 (2500 us early)\"}\n");
	free(out);

	/* A command: no segment awaited, no deviation. */
	o.ok = true;
	o.from_target = false;
	o.expected = "+0 `true`";
	o.awaited = false;
	o.why = NULL;
	o.has_dev = false;
	out = through(&report_json_ops, 'j', 0, &ev);
	CHECK(out != NULL && strstr(out, "\"awaited\":false,\"got\":null,"
	    "\"differs\":null,\"deviation_ns\":null,") != NULL);
	free(out);
	out = through(&report_text_ops, 't', 0, &ev);
	CHECK_STR(out, "ok      7 0.001500             +0 `true`\n");
	free(out);

	/* Line 0: the file's verdict, with its counts. */
	memset(&o, 0, sizeof o);
	o.file = "demo.shake";
	o.nsteps = 9;
	o.nfailed = 1;
	o.nsteps_file = 12;
	out = through(&report_json_ops, 'j', 0, &ev);
	CHECK_STR(out, HEAD
	    "\"file\":\"demo.shake\",\"line\":0,\"ok\":false,"
	    "\"steps\":9,\"failed\":1,\"late_sends\":0,\"error\":null,\"text\":"
	    "\"demo.shake: FAIL, 1 of 9 steps failed (12 in the file)\"}\n");
	free(out);
	o.stopped = true;
	out = through(&report_text_ops, 't', 0, &ev);
	CHECK_STR(out, "demo.shake: STOPPED after 9 of 12 steps\n");
	free(out);
	o.error = "no route";
	out = through(&report_text_ops, 't', 0, &ev);
	CHECK_STR(out, "demo.shake: ERROR: no route\n");
	free(out);
	o.error = NULL;
	o.stopped = false;
	o.ok = true;
	out = through(&report_text_ops, 't', 0, &ev);
	CHECK_STR(out, "demo.shake: ok, 9 steps\n");
	free(out);

	ev.outcome = NULL;
	ev.text = "a step";
	out = through(&report_json_ops, 'j', 0, &ev);
	CHECK_STR(out, HEAD "\"text\":\"a step\"}\n");
	free(out);
}

/* Only the first object names the schema; an event without a stamp takes
 * its wall-clock time from the last stamped one's. */
static void
test_json_epoch(void)
{
	struct sink *chain = NULL;
	struct event ev;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	sinks_add(&chain, &report_json_ops, report_json_new(f));
	event_init(&ev, EV_NOTE);
	ev.text = "a";
	ev.t_ns = 100;
	ev.ts.tv_sec = 10;
	ev.ts.tv_nsec = 100;
	sinks_emit(chain, &ev);
	ev.t_ns = 2000000000;
	ev.ts.tv_sec = 0;
	ev.ts.tv_nsec = 0;
	sinks_emit(chain, &ev);
	sinks_close(&chain);
	fclose(f);
	CHECK_STR(buf, "{\"schema\":\"tcpshake/1\",\"type\":\"note\",\"t_ns\":100,"
	    "\"epoch_ns\":10000000100,\"text\":\"a\"}\n"
	    "{\"type\":\"note\",\"t_ns\":2000000000,\"epoch_ns\":12000000000,"
	    "\"text\":\"a\"}\n");
	free(buf);
}

int
main(void)
{
	test_helpers();
	test_state();
	test_text();
	test_explain();
	test_json();
	test_json_step();
	test_json_epoch();
	test_pcap();
	return check_done();
}
