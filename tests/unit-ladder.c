/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-ladder.c: the ladder sink on event sequences built from packet
 * lines, compared byte for byte with tests/data/ladder-*.out. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "report.h"

/* One conversation being fed to a ladder sink on a memory stream. */
struct conv {
	struct sink	*chain;
	FILE		*f;
	char		*buf;
	size_t		 len;
	struct ipaddr	 prober, target;
	uint16_t	 pport, tport;
	uint32_t	 piss, tiss;	/* bases for relative numbers */
	bool		 relative;
};

typedef void *(*ladder_maker)(FILE *, int);

static void
conv_start_with(struct conv *c, ladder_maker make, const char *prober,
    uint16_t pport, const char *target, uint16_t tport, uint32_t piss,
    uint32_t tiss, int flags)
{
	memset(c, 0, sizeof *c);
	c->f = open_memstream(&c->buf, &c->len);
	sinks_add(&c->chain, &report_ladder_ops, make(c->f, flags));
	ipaddr_parse(prober, &c->prober);
	ipaddr_parse(target, &c->target);
	c->pport = pport;
	c->tport = tport;
	c->piss = piss;
	c->tiss = tiss;
	c->relative = true;
}

static void
conv_start(struct conv *c, const char *prober, uint16_t pport,
    const char *target, uint16_t tport, uint32_t piss, uint32_t tiss,
    int flags)
{
	conv_start_with(c, report_ladder_new, prober, pport, target, tport,
	    piss, tiss, flags);
}

static int64_t
ms(double t)
{
	return (int64_t)(t * 1e6 + 0.5);
}

/* A segment given as a packet line ('<' the prober sent it, '>' the
 * target did, '?' a segment of the prober's with no direction known). */
static void
conv_seg(struct conv *c, double t, char dir, const char *line)
{
	struct segment seg;
	struct text_error err;
	struct event ev;
	bool out = dir != '>';

	segment_init(&seg);
	if (!segment_parse(line, &seg, &err)) {
		CHECK_(0, "packet line '%s': column %d: %s", line, err.column,
		    err.msg);
		return;
	}
	seg.src = out ? c->prober : c->target;
	seg.dst = out ? c->target : c->prober;
	seg.sport = out ? c->pport : c->tport;
	seg.dport = out ? c->tport : c->pport;
	seg.has |= SEG_HAS_PORTS;
	event_init(&ev, EV_SEGMENT);
	ev.dir = dir == '<' ? DIR_TO_TARGET : dir == '>' ? DIR_FROM_TARGET :
	    DIR_NONE;
	ev.t_ns = ms(t);
	ev.seg = &seg;
	ev.relative = c->relative;
	ev.seq_base = out ? c->piss : c->tiss;
	ev.ack_base = out ? c->tiss : c->piss;
	sinks_emit(c->chain, &ev);
	segment_clear(&seg);
}

static void
conv_text(struct conv *c, double t, enum event_type type,
    enum event_dir dir, const char *text)
{
	struct event ev;

	event_init(&ev, type);
	ev.dir = dir;
	ev.t_ns = ms(t);
	ev.text = text;
	sinks_emit(c->chain, &ev);
}

/* The prober's state ('p') or the target's ('t'). */
static void
conv_state(struct conv *c, double t, char who, const char *name)
{
	conv_text(c, t, EV_STATE, who == 't' ? DIR_FROM_TARGET : DIR_NONE,
	    name);
}

static void
conv_note(struct conv *c, const char *text)
{
	conv_text(c, 0, EV_NOTE, DIR_NONE, text);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		buf = realloc(buf, len + n + 1);
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(f);
	if (buf == NULL)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	return buf;
}

/* Every line fits in 99 columns, and every arrow row keeps its bars in
 * columns 23 and 84. */
static void
check_widths(const char *text, const char *name)
{
	const char *line = text, *nl;
	size_t n, longest = 0;
	int misplaced = 0;

	for (; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		n = (size_t)(nl - line);
		if (n > longest)
			longest = n;
		if (n > 23 && line[23] == '|' && (n < 85 || line[84] != '|'))
			misplaced++;
	}
	CHECK_(longest <= 99, "%s: longest line %zu <= 99", name, longest);
	CHECK_(misplaced == 0, "%s: %d rows with a misplaced right bar", name,
	    misplaced);
}

/* Close the sink and compare with tests/data/NAME; on a difference the
 * output is left in NAME.got in the current directory. */
static void
conv_check(struct conv *c, const char *name)
{
	const char *srcdir = getenv("top_srcdir");
	char path[512];
	char *want;
	FILE *g;

	sinks_close(&c->chain);
	fclose(c->f);
	snprintf(path, sizeof path, "%s/tests/data/%s",
	    srcdir != NULL ? srcdir : ".", name);
	want = slurp(path);
	CHECK_(want != NULL, "%s readable", path);
	CHECK_(want != NULL && strcmp(c->buf, want) == 0, "ladder is %s",
	    name);
	if (want == NULL || strcmp(c->buf, want) != 0) {
		snprintf(path, sizeof path, "%s.got", name);
		if ((g = fopen(path, "w")) != NULL) {
			fputs(c->buf, g);
			fclose(g);
		}
		printf("# got (also in %s):\n%s", path, c->buf);
	}
	if (strstr(name, ".out") != NULL)
		check_widths(c->buf, name);
	free(want);
	free(c->buf);
}

/* Handshake, data with a retransmission, active close, summary. */
static void
feed_handshake4(struct conv *c0)
{
	struct conv c = *c0;

	conv_seg(&c, 0, '<', "S 1000:1000(0) win 65535 "
	    "<mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>");
	conv_state(&c, 0, 'p', "SYN_SENT");
	conv_state(&c, 0.05, 't', "SYN_RECEIVED");
	conv_seg(&c, 0.105, '>', "S. 5000:5000(0) ack 1001 win 65160 "
	    "<mss 1460,sackOK,TS val 200 ecr 100,nop,wscale 7>");
	conv_state(&c, 0.105, 'p', "ESTABLISHED");
	conv_seg(&c, 0.120, '<', ". 1001:1001(0) ack 5001 win 502");
	conv_state(&c, 0.130, 't', "ESTABLISHED");
	conv_seg(&c, 1000, '<', "P. 1001:1006(5) ack 5001 win 502 \"hello\"");
	conv_note(&c, "retransmission 1 of data, 1.000 s after the previous "
	    "send");
	conv_seg(&c, 2000, '<', "P. 1001:1006(5) ack 5001 win 502 \"hello\"");
	conv_seg(&c, 2000.2, '>', ". 5001:5001(0) ack 1006 win 509");
	conv_seg(&c, 2000.3, '>', "P. 5001:5008(7) ack 1006 win 509 "
	    "\"hello\\r\\n\"");
	conv_seg(&c, 2000.35, '<', ". 1006:1006(0) ack 5008 win 502");
	conv_seg(&c, 3000, '<', "F. 1006:1006(0) ack 5008 win 502");
	conv_state(&c, 3000, 'p', "FIN_WAIT_1");
	conv_state(&c, 3000.05, 't', "CLOSE_WAIT");
	conv_seg(&c, 3000.1, '>', ". 5008:5008(0) ack 1007 win 509");
	conv_state(&c, 3000.1, 'p', "FIN_WAIT_2");
	conv_seg(&c, 3000.3, '>', "F. 5008:5008(0) ack 1007 win 509");
	conv_state(&c, 3000.3, 'p', "TIME_WAIT");
	conv_state(&c, 3000.32, 't', "LAST_ACK");
	conv_seg(&c, 3000.35, '<', ". 1007:1007(0) ack 5009 win 502");
	conv_state(&c, 3000.37, 't', "CLOSED");
	conv_note(&c, "TIME_WAIT left at once (give --time-wait to stay)");
	conv_state(&c, 3000.4, 'p', "CLOSED");
	conv_text(&c, 3000.4, EV_SUMMARY, DIR_NONE, "handshake RTT 0.105 ms; "
	    "5 bytes sent, 7 received\nended: closed");
	*c0 = c;
}

static void
test_handshake4(void)
{
	struct conv c;

	conv_start(&c, "198.18.0.1", 40000, "198.18.0.2", 80, 1000, 5000, 0);
	feed_handshake4(&c);
	conv_check(&c, "ladder-handshake4.out");
}

/* The same as SVG; and labels, notes, endpoints are XML-escaped. */
static void
test_svg(void)
{
	struct conv c;

	conv_start_with(&c, report_ladder_svg_new, "198.18.0.1", 40000,
	    "198.18.0.2", 80, 1000, 5000, 0);
	feed_handshake4(&c);
	conv_note(&c, "<&\"'> escaped");
	conv_seg(&c, 3001, '>', "R 5009:5022(13) win 0 \"<a href='x'>&\"");
	conv_check(&c, "ladder-handshake4.svg");
}

/* IPv6; the target's LISTEN before anything was sent; absolute numbers;
 * a reset; a segment of the prober's without a direction. */
static void
test_ipv6(void)
{
	struct conv c;

	conv_start(&c, "2001:db8::1", 50000, "2001:db8::2", 8080, 1000, 7000,
	    0);
	conv_state(&c, 0, 't', "LISTEN");
	conv_seg(&c, 0, '<', "S 1000:1000(0) win 64800 <mss 1440>");
	conv_state(&c, 0, 'p', "SYN_SENT");
	conv_state(&c, 0.02, 't', "SYN_RECEIVED");
	c.relative = false;
	conv_seg(&c, 0.061, '>', "S. 7000:7000(0) ack 1001 win 64800 "
	    "<mss 1440>");
	conv_state(&c, 0.061, 'p', "ESTABLISHED");
	conv_seg(&c, 0.07, '?', ". 1001:1001(0) ack 7001 win 64800");
	conv_state(&c, 0.08, 't', "ESTABLISHED");
	conv_seg(&c, 10.5, '<', "R. 1001:1001(0) ack 7001 win 0");
	conv_state(&c, 10.5, 'p', "CLOSED");
	conv_state(&c, 10.6, 't', "CLOSED");
	conv_check(&c, "ladder-ipv6.out");
}

/* Labels too long for the arrow; notes that wrap; a long pair of
 * endpoints; ICMP, a step and a malformed packet. */
static void
test_long(void)
{
	struct conv c;
	struct ipaddr from;
	struct event ev;
	char get[400];

	conv_start(&c, "2001:db8:ffff:ffff:ffff:ffff:ffff:1", 65535,
	    "2001:db8:ffff:ffff:ffff:ffff:ffff:2", 65534, 3626544836u,
	    1739326486u, REPORT_IP);
	c.relative = false;
	conv_seg(&c, 0, '<', "S 3626544836:3626544836(0) win 65535 "
	    "<mss 1460,sackOK,TS val 4294967295 ecr 0,nop,wscale 14> "
	    "(ttl 64)");
	conv_seg(&c, 0.2, '>', "S. 1739326486:1739326486(0) ack 3626544837 "
	    "win 65160 <mss 1460,sackOK,TS val 1 ecr 4294967295,nop,wscale 7>"
	    " (ttl 63)");
	/* From here relative: the lines still give the numbers on the wire. */
	c.relative = true;
	conv_seg(&c, 0.3, '<', ". 3626544837:3626544837(0) ack 1739326487 "
	    "win 502 <nop,nop,TS val 1 ecr 1>");
	snprintf(get, sizeof get, "P. 3626544837:%u(73) ack 1739326487 "
	    "win 502 <nop,nop,TS val 2 ecr 1> \"GET /index.html HTTP/1.1\\r\\n"
	    "Host: www.example.com\\r\\nUser-Agent: tcpshake\\r\\n\\r\\n\"",
	    3626544837u + 73);
	conv_seg(&c, 0.4, '<', get);
	conv_seg(&c, 0.5, '>', ". 1739326487:1739326487(0) ack 3626544910 "
	    "win 509 <nop,nop,sack 3626544837:3626544856 "
	    "3626544866:3626544876 3626544886:3626544896>");
	conv_note(&c, "unacceptable segment: seq 4000 is outside the receive "
	    "window 1..65536 (RFC 9293 3.10.7.4), ACK sent");
	conv_note(&c, "0123456789abcdefghijklmnopqrstuvwxyz0123456789"
	    "abcdefghijklmnopqrstuvwxyz: a word longer than a note line");
	conv_text(&c, 0.6, EV_STEP, DIR_NONE, "step 3 (test.shake:7) met");
	conv_text(&c, 0.7, EV_MALFORMED, DIR_NONE, "truncated TCP header");
	event_init(&ev, EV_ICMP);
	ev.t_ns = ms(0.9);
	ev.icmp_type = 1;
	ev.icmp_code = 4;
	ipaddr_parse("2001:db8::fe", &from);
	ev.icmp_from = &from;
	sinks_emit(c.chain, &ev);
	conv_state(&c, 0.9, 'p', "CLOSED");
	conv_check(&c, "ladder-long.out");
}

/* A state a timer caused: a row of its own at its own time, saying how
 * long the state it ends held (TIME_WAIT, a SYN_SENT that gave up); a
 * stamp earlier than the row above never shows earlier; a state after a
 * note stands on its own row. */
static void
test_timers(void)
{
	struct conv c;
	struct event ev;

	conv_start(&c, "198.18.0.1", 40000, "198.18.0.2", 80, 1000, 5000, 0);
	conv_seg(&c, 0, '<', "F. 1001:1001(0) ack 5001 win 502");
	conv_state(&c, 0.01, 'p', "FIN_WAIT_1");
	conv_seg(&c, 0.2, '>', "F. 5001:5001(0) ack 1002 win 509");
	conv_state(&c, 0.21, 'p', "TIME_WAIT");
	conv_seg(&c, 0.25, '<', ". 1002:1002(0) ack 5002 win 502");
	conv_state(&c, 0.26, 't', "CLOSED");
	/* Out of order by 0.05 ms: shown at the row above's time. */
	conv_seg(&c, 0.2, '>', "R 5002:5002(0) win 0");
	conv_note(&c, "a reset in TIME_WAIT is ignored (RFC 1337)");
	conv_state(&c, 0.3, 't', "LISTEN");
	event_init(&ev, EV_STATE);
	ev.t_ns = ms(60000.25);
	ev.text = "CLOSED";
	ev.timer = true;
	sinks_emit(c.chain, &ev);
	conv_check(&c, "ladder-timers.out");
}

/* Nothing happened: nothing is printed, not even the header. */
static void
test_empty(void)
{
	struct conv c;

	conv_start(&c, "198.18.0.1", 1, "198.18.0.2", 2, 0, 0, 0);
	sinks_close(&c.chain);
	fclose(c.f);
	CHECK_INT(c.len, 0);
	free(c.buf);
}

/* A Fast Open cookie shows as FO, not as its kind number. */
static void
test_fastopen(void)
{
	struct conv c;

	conv_start(&c, "198.18.0.1", 40000, "198.18.0.2", 80, 0, 0, 0);
	conv_seg(&c, 0, '<', "S 0:5(5) win 65535 <mss 1460,FO 0011223344556677>"
	    " \"hello\"");
	sinks_close(&c.chain);
	fclose(c.f);
	CHECK_(strstr(c.buf, "<mss 1460,FO>") != NULL, "FO named:\n%s", c.buf);
	free(c.buf);
}

int
main(void)
{
	test_fastopen();
	test_handshake4();
	test_ipv6();
	test_long();
	test_timers();
	test_svg();
	test_empty();
	return check_done();
}
