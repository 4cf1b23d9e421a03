/* SPDX-License-Identifier: GPL-2.0-or-later */
/* explain.c: every IP and TCP header field of a segment in words, for
 * people learning TCP (read -e), and the names of ICMP errors. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "checksum.h"
#include "explain.h"
#include "fmt.h"
#include "segment.h"

#define IND	"    "

/* In the order they sit in byte 13 of the header, high bit first. */
static const struct flag_word {
	uint8_t		 bit;
	const char	*name;
	const char	*meaning;
} flag_words[] = {
	{ .bit = TH_CWR_, .name = "CWR", .meaning = "congestion window "
	    "reduced: the sender slowed down after an ECN echo" },
	{ .bit = TH_ECE_, .name = "ECE", .meaning = "ECN echo: the network "
	    "marked congestion; on a SYN, the sender can do ECN" },
	{ .bit = TH_URG_, .name = "URG", .meaning = "urgent: the urgent "
	    "pointer counts" },
	{ .bit = TH_ACK_, .name = "ACK", .meaning = "acknowledgment: the "
	    "acknowledgment number counts" },
	{ .bit = TH_PSH_, .name = "PSH", .meaning = "push: hand the data to "
	    "the application now" },
	{ .bit = TH_RST_, .name = "RST", .meaning = "reset: abort the "
	    "connection" },
	{ .bit = TH_SYN_, .name = "SYN", .meaning = "synchronize: open a "
	    "connection; the sequence number is the ISN" },
	{ .bit = TH_FIN_, .name = "FIN", .meaning = "finish: the sender has "
	    "no more data to send" },
};

static void
opt_value_mss(FILE *out, const struct tcp_option *o)
{
	fprintf(out, " %u", o->u.mss);
}

static void
opt_value_wscale(FILE *out, const struct tcp_option *o)
{
	fprintf(out, " %u", o->u.wscale);
}

static void
opt_value_sack(FILE *out, const struct tcp_option *o)
{
	int j;

	for (j = 0; j < o->u.sack.n && j < OPT_MAX_SACK; j++)
		fprintf(out, " %" PRIu32 ":%" PRIu32, o->u.sack.b[j].left,
		    o->u.sack.b[j].right);
}

static void
opt_value_ts(FILE *out, const struct tcp_option *o)
{
	fprintf(out, " val %" PRIu32 " ecr %" PRIu32, o->u.ts.val,
	    o->u.ts.ecr);
}

static const struct opt_word {
	const char	*name;
	void		(*value)(FILE *, const struct tcp_option *);
	const char	*meaning;
} opt_words[] = {
	[OPT_EOL] = { .name = "eol", .meaning = "end of the option list" },
	[OPT_NOP] = { .name = "nop", .meaning = "no operation: padding that "
	    "aligns the next option" },
	[OPT_MSS] = { .name = "mss", .value = opt_value_mss, .meaning = "the "
	    "largest segment the sender wants to receive" },
	[OPT_WSCALE] = { .name = "wscale", .value = opt_value_wscale,
	    .meaning = "window scale: shift the sender's later windows left "
	    "by this many bits" },
	[OPT_SACKOK] = { .name = "sackOK", .meaning = "the sender understands "
	    "selective acknowledgments" },
	[OPT_SACK] = { .name = "sack", .value = opt_value_sack, .meaning =
	    "selective acknowledgment: blocks received beyond the "
	    "acknowledgment number" },
	[OPT_TS] = { .name = "TS", .value = opt_value_ts, .meaning =
	    "timestamps: the sender's clock (val) and the last val it got "
	    "from the other side (ecr), for RTT and old-segment checks" },
};

static const char *const ecn_words[] = {
	[0] = "not ECN-capable",
	[1] = "ECN-capable, ECT(1)",
	[2] = "ECN-capable, ECT(0)",
	[3] = "CE, congestion experienced",
};

static void
explain_ip(FILE *out, const struct segment *seg)
{
	char src[64], dst[64];

	if (seg->src.family == AF_UNSPEC)
		return;
	ipaddr_str(&seg->src, src, sizeof src);
	ipaddr_str(&seg->dst, dst, sizeof dst);
	if (seg->src.family == AF_INET6) {
		fprintf(out, IND "IP version 6, from %s to %s\n", src, dst);
		fprintf(out, IND "hop limit %u: routers it may still cross "
		    "before one drops it\n", seg->ttl);
		fprintf(out, IND "traffic class 0x%02x: DSCP %u, ECN %u "
		    "(%s)\n", seg->tos, seg->tos >> 2, seg->tos & 3,
		    ecn_words[seg->tos & 3]);
		return;
	}
	fprintf(out, IND "IP version 4, from %s to %s\n", src, dst);
	fprintf(out, IND "TTL %u: routers it may still cross before one "
	    "drops it\n", seg->ttl);
	fprintf(out, IND "TOS 0x%02x: DSCP %u, ECN %u (%s)\n", seg->tos,
	    seg->tos >> 2, seg->tos & 3, ecn_words[seg->tos & 3]);
	fprintf(out, IND "id %u: tells the fragments of one datagram apart\n",
	    seg->ip_id);
	fprintf(out, IND "DF %s: %s\n", seg->df ? "set" : "clear", seg->df ?
	    "routers must not fragment it" : "routers may fragment it");
}

static void
explain_numbers(FILE *out, const struct event *ev, const struct segment *v)
{
	const struct segment *seg = ev->seg;

	fprintf(out, IND "source port %u, destination port %u: the two "
	    "applications' ends of the connection\n", v->sport, v->dport);
	if (ev->relative && ev->seq_base != 0)
		fprintf(out, IND "sequence number %" PRIu32 " (absolute %"
		    PRIu32 ", relative to this side's ISN)", v->seq, seg->seq);
	else
		fprintf(out, IND "sequence number %" PRIu32 " (absolute)",
		    seg->seq);
	fprintf(out, ": %s\n", (seg->flags & TH_SYN_) ? "the ISN this side "
	    "chose; the SYN uses up one number" : "the number of the first "
	    "byte of data (or of the FIN)");
	if (!(seg->flags & TH_ACK_)) {
		fprintf(out, IND "acknowledgment number %" PRIu32 ": not "
		    "meaningful, the ACK flag is clear\n", seg->ack);
		return;
	}
	if (ev->relative && ev->ack_base != 0)
		fprintf(out, IND "acknowledgment number %" PRIu32 " (absolute %"
		    PRIu32 ", relative to the other side's ISN)", v->ack,
		    seg->ack);
	else
		fprintf(out, IND "acknowledgment number %" PRIu32 " (absolute)",
		    seg->ack);
	fprintf(out, ": the next byte the sender expects from the other "
	    "side\n");
}

static void
explain_flags(FILE *out, uint8_t flags)
{
	size_t i;

	for (i = 0; i < sizeof flag_words / sizeof flag_words[0]; i++)
		fprintf(out, IND "flag %s %s (%s)\n", flag_words[i].name,
		    (flags & flag_words[i].bit) ? "set" : "clear",
		    flag_words[i].meaning);
}

/* The window, scaled once both SYNs are known (RFC 7323 2.2: only when
 * both carried wscale; never in a SYN itself). */
static void
explain_window(FILE *out, const struct segment *seg,
    const struct explain_syn *mine, const struct explain_syn *theirs)
{
	fprintf(out, IND "window %u: bytes the sender can take in now", seg->win);
	if (seg->flags & TH_SYN_)
		fprintf(out, " (never scaled in a SYN)\n");
	else if (!mine->seen || !theirs->seen)
		fprintf(out, " (times 2^wscale if both SYNs carried wscale)\n");
	else if (mine->wscale < 0 || theirs->wscale < 0)
		fprintf(out, " (not scaled: %s)\n", mine->wscale < 0 &&
		    theirs->wscale < 0 ? "neither SYN carried wscale" :
		    "only one SYN carried wscale");
	else
		fprintf(out, " x 2^%d = %" PRIu64 " bytes (wscale %d from "
		    "this side's SYN)\n", mine->wscale,
		    (uint64_t)seg->win << mine->wscale, mine->wscale);
}

/* The pseudo-header: not sent, but summed into the checksum, so a
 * segment delivered to the wrong address or protocol fails it. */
static void
explain_pseudo(FILE *out, const struct segment *seg, unsigned tcplen)
{
	char src[64], dst[64];

	if (seg->src.family == AF_UNSPEC)
		return;
	ipaddr_str(&seg->src, src, sizeof src);
	ipaddr_str(&seg->dst, dst, sizeof dst);
	if (seg->src.family == AF_INET6)
		fprintf(out, IND "pseudo-header (not sent, summed into the "
		    "checksum, 40 bytes): source %s, destination %s, TCP "
		    "length %u (32 bits), 3 zero bytes, next header 6; its "
		    "one's complement sum 0x%04x\n", src, dst, tcplen,
		    cksum_tcp_pseudo(&seg->src, &seg->dst, tcplen));
	else
		fprintf(out, IND "pseudo-header (not sent, summed into the "
		    "checksum, 12 bytes): source %s, destination %s, a zero "
		    "byte, protocol 6, TCP length %u; its one's complement "
		    "sum 0x%04x\n", src, dst, tcplen,
		    cksum_tcp_pseudo(&seg->src, &seg->dst, tcplen));
	fprintf(out, IND "checksum = the complement of the one's complement "
	    "sum of the pseudo-header, the TCP header (its checksum field "
	    "taken as 0) and the payload\n");
}

static void
explain_sum_urg(FILE *out, const struct segment *seg)
{
	switch (seg->cksum_state) {
	case CKSUM_OK:
		fprintf(out, IND "checksum 0x%04x: right\n", seg->cksum);
		break;
	case CKSUM_BAD:
		fprintf(out, IND "checksum 0x%04x: WRONG, should be 0x%04x; "
		    "a receiver drops this segment\n", seg->cksum,
		    seg->cksum_good);
		break;
	case CKSUM_OFFLOADED:
		fprintf(out, IND "checksum 0x%04x: offloaded, the pseudo-header "
		    "sum the sender's kernel left for its NIC to finish "
		    "(would be 0x%04x); not a wrong checksum\n", seg->cksum,
		    seg->cksum_good);
		break;
	default:
		fprintf(out, IND "checksum 0x%04x: not verified\n", seg->cksum);
		break;
	}
	if (seg->flags & TH_URG_)
		fprintf(out, IND "urgent pointer %u: urgent data ends %u bytes "
		    "after the sequence number\n", seg->urg, seg->urg);
	else
		fprintf(out, IND "urgent pointer %u: ignored, the URG flag is "
		    "clear\n", seg->urg);
}

static void
explain_option(FILE *out, const struct tcp_option *o)
{
	const struct opt_word *w = NULL;

	if (o->kind < sizeof opt_words / sizeof opt_words[0] &&
	    opt_words[o->kind].name != NULL)
		w = &opt_words[o->kind];
	if (w == NULL) {
		fprintf(out, IND "option kind %u, %u bytes: not one tcpshake "
		    "knows\n", o->kind, o->len);
		return;
	}
	fprintf(out, IND "option %s", w->name);
	if (w->value != NULL)
		w->value(out, o);
	fprintf(out, ": %s\n", w->meaning);
}

static unsigned
explain_doff_words(const struct segment *v)
{
	size_t optlen = segment_optlen(v);

	return v->doff ? v->doff : (unsigned)(5 + (optlen + 3) / 4);
}

/*
 * A Linux SYN cookie with timestamps keeps the SYN's options in the low 6
 * bits of the SYN-ACK's TS val (net/ipv4/syncookies.c,
 * cookie_init_timestamp(): bits 0-3 the SYN's wscale or 15 for none, bit
 * 4 SACK, bit 5 ECN). When they agree with the SYN this SYN-ACK answers,
 * say so; 1 SYN-ACK in 64 agrees by chance.
 */
static void
explain_cookie(FILE *out, const struct segment *seg,
    const struct explain_syn *theirs)
{
	unsigned low, want;
	char ws[8];
	int i;

	if ((seg->flags & (TH_SYN_ | TH_ACK_)) != (TH_SYN_ | TH_ACK_) ||
	    !theirs->seen || !theirs->ts)
		return;
	for (i = 0; i < seg->nopts && i < SEG_MAX_OPTS; i++)
		if (seg->opts[i].kind == OPT_TS)
			break;
	if (i == seg->nopts || i == SEG_MAX_OPTS)
		return;
	low = seg->opts[i].u.ts.val & 63;
	want = (theirs->wscale >= 0 ? (unsigned)theirs->wscale : 15) |
	    (theirs->sackok ? 16 : 0) | ((seg->flags & TH_ECE_) ? 32 : 0);
	if (low != want)
		return;
	if ((low & 15) == 15)
		snprintf(ws, sizeof ws, "none");
	else
		snprintf(ws, sizeof ws, "%u", low & 15);
	fprintf(out, IND "SYN cookie? TS val's low 6 bits are %u: wscale %s, "
	    "SACK %s, ECN %s, the options of the SYN it answers, as a Linux "
	    "SYN cookie keeps them (a SYN-ACK agrees by chance 1 time in "
	    "64)\n", low, ws, (low & 16) ? "on" : "off",
	    (low & 32) ? "on" : "off");
	fprintf(out, IND "a cookie's ISN carries the SYN's MSS as an index "
	    "(0-3: 536, 1300, 1440, 1460) under a keyed hash: only the host's "
	    "secret reads it back\n");
}

static void
explain_doff(FILE *out, const struct segment *v)
{
	unsigned doff = explain_doff_words(v);

	fprintf(out, IND "data offset %u words (%u bytes): the header's "
	    "length; %u bytes of options\n", doff, doff * 4,
	    doff >= 5 ? (doff - 5) * 4 : 0);
}

void
explain_segment(FILE *out, const struct event *ev, struct explain_ctx *ctx)
{
	static const struct explain_syn unknown;
	const struct explain_syn *mine = &unknown, *theirs = &unknown;
	struct segment v;
	int i;

	if (ev->seg == NULL)
		return;
	fmt_view_segment(ev, &v);
	if (ctx != NULL)
		explain_ctx_see(ctx, ev->seg, &mine, &theirs);
	/* In the order the fields sit in the headers. */
	explain_ip(out, &v);
	explain_numbers(out, ev, &v);
	explain_doff(out, &v);
	explain_flags(out, v.flags);
	explain_window(out, &v, mine, theirs);
	explain_sum_urg(out, &v);
	explain_pseudo(out, &v, explain_doff_words(&v) * 4 + v.len);
	for (i = 0; i < v.nopts; i++)
		explain_option(out, &v.opts[i]);
	explain_cookie(out, &v, theirs);
	fprintf(out, IND "payload %" PRIu32 " byte%s\n", v.len,
	    v.len == 1 ? "" : "s");
}

struct icmp_name {
	sa_family_t	 family;
	uint8_t		 type;
	int		 code;		/* -1: any code */
	const char	*name;
};

static const struct icmp_name icmp_names[] = {
	{ .family = AF_INET, .type = 3, .code = 0, .name = "net unreachable" },
	{ .family = AF_INET, .type = 3, .code = 1, .name = "host unreachable" },
	{ .family = AF_INET, .type = 3, .code = 2,
	    .name = "protocol unreachable" },
	{ .family = AF_INET, .type = 3, .code = 3, .name = "port unreachable" },
	{ .family = AF_INET, .type = 3, .code = 4,
	    .name = "fragmentation needed" },
	{ .family = AF_INET, .type = 3, .code = 9,
	    .name = "net administratively prohibited" },
	{ .family = AF_INET, .type = 3, .code = 10,
	    .name = "host administratively prohibited" },
	{ .family = AF_INET, .type = 3, .code = 13,
	    .name = "communication administratively prohibited" },
	{ .family = AF_INET, .type = 3, .code = -1,
	    .name = "destination unreachable" },
	{ .family = AF_INET, .type = 4, .code = -1, .name = "source quench" },
	{ .family = AF_INET, .type = 5, .code = -1, .name = "redirect" },
	{ .family = AF_INET, .type = 11, .code = 0,
	    .name = "time exceeded in transit" },
	{ .family = AF_INET, .type = 11, .code = 1,
	    .name = "fragment reassembly time exceeded" },
	{ .family = AF_INET, .type = 12, .code = -1,
	    .name = "parameter problem" },
	{ .family = AF_INET6, .type = 1, .code = 0, .name = "no route" },
	{ .family = AF_INET6, .type = 1, .code = 1,
	    .name = "administratively prohibited" },
	{ .family = AF_INET6, .type = 1, .code = 3,
	    .name = "address unreachable" },
	{ .family = AF_INET6, .type = 1, .code = 4, .name = "port unreachable" },
	{ .family = AF_INET6, .type = 1, .code = -1,
	    .name = "destination unreachable" },
	{ .family = AF_INET6, .type = 2, .code = -1, .name = "packet too big" },
	{ .family = AF_INET6, .type = 3, .code = 0,
	    .name = "hop limit exceeded in transit" },
	{ .family = AF_INET6, .type = 3, .code = -1, .name = "time exceeded" },
	{ .family = AF_INET6, .type = 4, .code = -1,
	    .name = "parameter problem" },
};

const char *
explain_icmp_name(sa_family_t family, uint8_t type, uint8_t code)
{
	size_t i;

	/* Exact codes come before the catch-all row of their type. */
	for (i = 0; i < sizeof icmp_names / sizeof icmp_names[0]; i++)
		if (icmp_names[i].family == family &&
		    icmp_names[i].type == type &&
		    (icmp_names[i].code == code || icmp_names[i].code < 0))
			return icmp_names[i].name;
	return NULL;
}
