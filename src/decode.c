/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decode.c: captured bytes to a struct decoded. Link headers, IPv4 with
 * options, IPv6 with extension headers, TCP and its options, ICMP errors. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checksum.h"
#include "offload.h"
#include "decode.h"
#include "extract.h"
#include "xmalloc.h"

#define ETHERTYPE_IPV4	0x0800
#define ETHERTYPE_IPV6	0x86dd
#define ETHERTYPE_VLAN	0x8100
#define ETHERTYPE_QINQ	0x88a8
#define ETHERTYPE_QINQ1	0x9100	/* pre-standard double tagging */

#define PROTO_ICMP	1
#define PROTO_TCP	6
#define PROTO_ICMP6	58

#define IP6_HOPOPTS	0
#define IP6_ROUTING	43
#define IP6_FRAGMENT	44
#define IP6_AH		51
#define IP6_DSTOPTS	60

#define TCP_HLEN	20
#define TCP_QUOTE	8	/* what an ICMP error must quote: ports, seq */

/* Where the error sentence goes. */
struct why {
	char	*buf;
	size_t	 len;
};

/* What the IP layer leaves for the transport layer. */
struct ipinfo {
	const uint8_t	*l4;	/* transport header */
	size_t		 l4len;	/* bytes to the end of the IP packet, as
				 * captured */
	size_t		 l4wire;	/* the same on the wire: more than
					 * l4len when the snaplen cut it */
	uint8_t		 proto;
	bool		 partial;	/* a first fragment: no checksum */
	uint32_t	 iplen;		/* IP packet length, as trusted */
	struct ipaddr	 cksum_dst;	/* pseudo-header destination */
};

static enum decode_status why(struct why *, enum decode_status,
	    const char *, ...) __attribute__((format(printf, 3, 4)));

static enum decode_status
why(struct why *w, enum decode_status st, const char *fmt, ...)
{
	va_list ap;

	if (w->buf != NULL && w->len > 0) {
		va_start(ap, fmt);
		vsnprintf(w->buf, w->len, fmt, ap);
		va_end(ap);
	}
	return st;
}

/* Bounds-checked copy of n bytes, the byte-string sibling of get_be32. */
static bool
get_bytes(const uint8_t *p, size_t len, size_t off, void *out, size_t n)
{
	if (off > len || n > len - off)
		return false;
	memcpy(out, p + off, n);
	return true;
}

/* ---- TCP options ---- */

/* The one length a fixed-size option may have, or 0 for variable/unknown. */
static uint8_t
opt_fixed_len(uint8_t kind)
{
	switch (kind) {
	case OPT_MSS:
		return 4;
	case OPT_WSCALE:
		return 3;
	case OPT_SACKOK:
		return 2;
	case OPT_TS:
		return 10;
	default:
		return 0;
	}
}

/* Fill o's value from the option at off (kind and length already
 * checked to fit in len). */
static enum decode_status
opt_value(const uint8_t *p, size_t len, size_t off, struct tcp_option *o,
    struct why *w)
{
	size_t i, n;

	switch (o->kind) {
	case OPT_MSS:
		get_be16(p, len, off + 2, &o->u.mss);
		break;
	case OPT_WSCALE:
		get_u8(p, len, off + 2, &o->u.wscale);
		break;
	case OPT_SACKOK:
		break;
	case OPT_TS:
		get_be32(p, len, off + 2, &o->u.ts.val);
		get_be32(p, len, off + 6, &o->u.ts.ecr);
		break;
	case OPT_SACK:
		n = (size_t)(o->len - 2) / 8;
		if (o->len < 10 || (o->len - 2) % 8 != 0 || n > OPT_MAX_SACK)
			return why(w, DEC_OPT_BAD_LEN, "option sack at offset "
			    "%zu has length %u, not 2 + 8 * (1 to %d blocks)",
			    off, o->len, OPT_MAX_SACK);
		o->u.sack.n = (uint8_t)n;
		for (i = 0; i < n; i++) {
			get_be32(p, len, off + 2 + 8 * i, &o->u.sack.b[i].left);
			get_be32(p, len, off + 6 + 8 * i,
			    &o->u.sack.b[i].right);
		}
		break;
	default:
		/* Only reachable by a caller passing more than the 40 bytes
		 * a TCP header can hold. */
		if (o->len - 2 > OPT_MAX_RAW)
			return why(w, DEC_OPT_BAD_LEN, "option kind %u at "
			    "offset %zu has length %u, more than the %d bytes "
			    "kept", o->kind, off, o->len, OPT_MAX_RAW + 2);
		get_bytes(p, len, off + 2, o->u.raw, (size_t)o->len - 2);
		break;
	}
	return DEC_OK;
}

/* One option at *off with a length byte; advances *off past it. */
static enum decode_status
opt_one(const uint8_t *p, size_t len, size_t *off, struct tcp_option *o,
    struct why *w)
{
	uint8_t fixed;
	const char *name = opt_kind_name(o->kind);

	if (!get_u8(p, len, *off + 1, &o->len))
		return why(w, DEC_OPT_OVERRUN, "option kind %u at offset %zu "
		    "has no length byte: the options end at %zu", o->kind,
		    *off, len);
	if (o->len == 0)
		return why(w, DEC_OPT_LEN_ZERO, "option kind %u at offset %zu "
		    "has length 0", o->kind, *off);
	if (o->len == 1)
		return why(w, DEC_OPT_LEN_ONE, "option kind %u at offset %zu "
		    "has length 1", o->kind, *off);
	if (o->len > len - *off)
		return why(w, DEC_OPT_OVERRUN, "option kind %u at offset %zu "
		    "has length %u, only %zu option bytes left", o->kind,
		    *off, o->len, len - *off);
	fixed = opt_fixed_len(o->kind);
	if (fixed != 0 && o->len != fixed)
		return why(w, DEC_OPT_BAD_LEN, "option %s at offset %zu has "
		    "length %u, not %u", name, *off, o->len, fixed);
	if (opt_value(p, len, *off, o, w) != DEC_OK)
		return DEC_OPT_BAD_LEN;
	*off += o->len;
	return DEC_OK;
}

enum decode_status
decode_tcp_options(const uint8_t *opts, size_t len, struct segment *seg,
    char *detail, size_t detaillen)
{
	struct why w = { detail, detaillen };
	struct tcp_option o;
	enum decode_status st;
	size_t off = 0, start;

	if (detail != NULL && detaillen > 0)
		detail[0] = '\0';
	seg->nopts = 0;
	seg->has |= SEG_HAS_OPTS;
	while (off < len) {
		memset(&o, 0, sizeof o);
		start = off;
		get_u8(opts, len, off, &o.kind);
		if (o.kind == OPT_EOL || o.kind == OPT_NOP)
			off++;
		else if ((st = opt_one(opts, len, &off, &o, &w)) != DEC_OK)
			return st;
		if (!segment_add_opt(seg, &o))
			return why(&w, DEC_OPT_TOO_MANY, "option kind %u at "
			    "offset %zu is past the %d options a segment "
			    "keeps", o.kind, start, SEG_MAX_OPTS);
		/* What follows an end-of-list is padding. */
		if (o.kind == OPT_EOL)
			break;
	}
	return DEC_OK;
}

/* ---- TCP ---- */

static void
tcp_checksum(const uint8_t *tcp, size_t len, const struct ipinfo *ii,
    struct segment *seg)
{
	if (ii->partial) {
		/* The rest of the segment is in other fragments. */
		seg->cksum_state = CKSUM_UNKNOWN;
		return;
	}
	seg->cksum_good = cksum_tcp(&seg->src, &ii->cksum_dst, tcp, len);
	seg->cksum_state = offload_cksum_verdict(seg->cksum, seg->cksum_good,
	    &seg->src, &ii->cksum_dst, len);
}

/* A payload the snaplen cut: its whole length as the wire had it, the
 * bytes captured, the rest zero, and no checksum to verify. */
static void
tcp_cut_payload(const uint8_t *p, size_t captured, size_t wire,
    struct segment *seg)
{
	uint8_t *data = xcalloc(wire, 1);

	memcpy(data, p, captured);
	segment_set_data(seg, data, (uint32_t)wire);
	free(data);
	seg->truncated = true;
	seg->captured = (uint32_t)captured;
	seg->cksum_state = CKSUM_UNKNOWN;
}

static enum decode_status
tcp_decode(const struct ipinfo *ii, struct segment *seg, struct why *w)
{
	const uint8_t *p = ii->l4;
	size_t len = ii->l4len, wire = ii->l4wire, hlen;
	struct cursor c;
	uint8_t doff;
	enum decode_status st;

	cursor_init(&c, p, len);
	if (!cursor_be16(&c, &seg->sport) || !cursor_be16(&c, &seg->dport) ||
	    !cursor_be32(&c, &seg->seq) || !cursor_be32(&c, &seg->ack) ||
	    !cursor_u8(&c, &doff) || !cursor_u8(&c, &seg->flags) ||
	    !cursor_be16(&c, &seg->win) || !cursor_be16(&c, &seg->cksum) ||
	    !cursor_be16(&c, &seg->urg)) {
		/* Its own length, when the data offset was captured. */
		hlen = get_u8(p, len, 12, &doff) && doff >> 4 >= 5 ?
		    (size_t)(doff >> 4) * 4 : TCP_HLEN;
		if (wire >= hlen)
			return why(w, DEC_TCP_TRUNCATED, "TCP header cut by the "
			    "capture: %zu of its %zu bytes captured (snaplen "
			    "too small)", len, hlen);
		return why(w, DEC_TCP_TRUNCATED, "TCP header needs %d bytes, "
		    "the packet has %zu", TCP_HLEN, wire);
	}
	seg->doff = doff >> 4;
	seg->ae = (doff & 0x01) != 0;
	hlen = (size_t)seg->doff * 4;
	if (seg->doff < 5)
		return why(w, DEC_TCP_DOFF_SMALL, "TCP data offset %u is below "
		    "5", seg->doff);
	if (hlen > wire)
		return why(w, DEC_TCP_DOFF_LARGE, "TCP data offset %u (%zu "
		    "bytes) exceeds the %zu-byte segment", seg->doff, hlen,
		    wire);
	if (hlen > len)
		return why(w, DEC_TCP_TRUNCATED, "TCP header cut by the "
		    "capture: %zu of its %zu bytes captured (snaplen too "
		    "small)", len, hlen);
	st = decode_tcp_options(p + TCP_HLEN, hlen - TCP_HLEN, seg, w->buf,
	    w->len);
	if (st != DEC_OK)
		return st;
	seg->has |= SEG_HAS_PORTS | SEG_HAS_WIN;
	/* A number in the ack field without the ACK flag (a crafted SYN or
	 * RST) is shown too, absolute: nothing acknowledges it. */
	if (seg->flags & TH_ACK_)
		seg->has |= SEG_HAS_ACK;
	else if (seg->ack != 0)
		seg->has |= SEG_HAS_ACK | SEG_ABS_ACK;
	if (seg->flags & TH_URG_)
		seg->has |= SEG_HAS_URG;
	if (wire > hlen)
		seg->has |= SEG_HAS_DATA;
	if (wire > len) {
		tcp_cut_payload(p + hlen, len - hlen, wire - hlen, seg);
		return DEC_OK;
	}
	tcp_checksum(p, len, ii, seg);
	segment_set_data(seg, p + hlen, (uint32_t)(len - hlen));
	return DEC_OK;
}

/* ---- IPv4 ---- */

/* Quoted headers (inside ICMP errors) are cut short by design: running
 * out of bytes there is an ICMP truncation, not a lying IP header. */
static enum decode_status
ip4_decode(const uint8_t *p, size_t len, size_t wire, bool quoted,
    struct segment *seg, struct ipinfo *ii, struct why *w)
{
	const char *q = quoted ? "quoted " : "";
	struct cursor c;
	uint8_t vihl;
	uint16_t totlen, frag;
	size_t hlen, end;
	bool cut = false;

	cursor_init(&c, p, len);
	if (!cursor_u8(&c, &vihl) || !cursor_u8(&c, &seg->tos) ||
	    !cursor_be16(&c, &totlen) || !cursor_be16(&c, &seg->ip_id) ||
	    !cursor_be16(&c, &frag) || !cursor_u8(&c, &seg->ttl) ||
	    !cursor_u8(&c, &ii->proto) || !cursor_skip(&c, 2) ||
	    !get_bytes(p, len, 12, seg->src.a, 4) ||
	    !get_bytes(p, len, 16, seg->dst.a, 4))
		return why(w, quoted ? DEC_ICMP_TRUNCATED : DEC_IP_TRUNCATED,
		    "%sIPv4 header needs 20 bytes, the packet has %zu", q,
		    len);
	if (vihl >> 4 != 4)
		return why(w, DEC_IP_VERSION, "%sIPv4 packet has IP version "
		    "%u", q, vihl >> 4);
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < 20)
		return why(w, DEC_IP_HLEN, "%sIPv4 header length %zu (IHL %u) "
		    "is below 20", q, hlen, vihl & 0x0f);
	if (hlen > len)
		return why(w, quoted ? DEC_ICMP_TRUNCATED : DEC_IP_HLEN,
		    "%sIPv4 header length %zu exceeds the %zu captured bytes",
		    q, hlen, len);
	if (totlen < hlen)
		return why(w, DEC_IP_TOTLEN, "%sIPv4 total length %u is below "
		    "the header length %zu", q, totlen, hlen);
	if (totlen > len && !quoted && totlen > wire && wire > len)
		return why(w, DEC_IP_TOTLEN, "IPv4 total length %u exceeds the "
		    "%zu bytes on the wire (%zu captured)", totlen, wire, len);
	if (totlen > len && !quoted && totlen > wire)
		return why(w, DEC_IP_TOTLEN, "IPv4 total length %u exceeds the "
		    "%zu captured bytes (captured %zu of %u bytes)", totlen,
		    len, len, totlen);
	/* The wire had it all; the capture's snaplen cut it. */
	if (totlen > len && !quoted)
		cut = true;
	if ((frag & 0x1fff) != 0)
		return why(w, DEC_FRAGMENT, "%sIPv4 fragment at offset %u "
		    "holds no TCP header", q, (frag & 0x1fff) * 8);
	/* Trailing bytes past the total length are link padding. */
	end = totlen < len ? totlen : len;
	seg->src.family = seg->dst.family = AF_INET;
	seg->df = (frag & 0x4000) != 0;
	seg->has |= SEG_HAS_TTL | SEG_HAS_TOS | SEG_HAS_ID;
	ii->l4 = p + hlen;
	ii->l4len = end - hlen;
	ii->l4wire = (cut ? totlen : end) - hlen;
	ii->partial = (frag & 0x2000) != 0;
	ii->iplen = (uint32_t)end;
	ii->cksum_dst = seg->dst;
	return DEC_OK;
}

/* ---- IPv6 ---- */

static const char *
ip6_ext_name(uint8_t nxt)
{
	switch (nxt) {
	case IP6_HOPOPTS:
		return "hop-by-hop";
	case IP6_ROUTING:
		return "routing";
	case IP6_FRAGMENT:
		return "fragment";
	case IP6_AH:
		return "AH";
	case IP6_DSTOPTS:
		return "destination options";
	default:
		return NULL;
	}
}

/* The pseudo-header takes the final destination, which a routing header
 * with segments left names: the last address for types 0 and 2, the
 * first entry of the segment list for type 4 (RFC 8754). */
static void
ip6_routing_dst(const uint8_t *p, size_t end, size_t off, size_t hl,
    struct ipaddr *dst)
{
	uint8_t type, left;
	size_t at;

	if (!get_u8(p, end, off + 2, &type) ||
	    !get_u8(p, end, off + 3, &left) || left == 0)
		return;
	if (type == 0 || type == 2) {
		if (hl < 24)
			return;
		at = off + 8 + ((hl - 8) / 16 - 1) * 16;
	} else if (type == 4)
		at = off + 8;
	else
		return;
	get_bytes(p, end, at, dst->a, 16);
}

/* Walk the extension headers from off to the transport header. */
static enum decode_status
ip6_exthdrs(const uint8_t *p, size_t end, bool quoted, size_t *offp,
    struct ipinfo *ii, struct why *w)
{
	const char *q = quoted ? "quoted " : "";
	enum decode_status trunc = quoted ? DEC_ICMP_TRUNCATED : DEC_IP6_EXTHDR;
	const char *name;
	size_t off = *offp, hl;
	uint8_t nxt = ii->proto, next, hlb;
	uint16_t frag = 0;

	while ((name = ip6_ext_name(nxt)) != NULL) {
		if (!get_u8(p, end, off, &next) ||
		    !get_u8(p, end, off + 1, &hlb))
			return why(w, trunc, "%sIPv6 %s header at offset %zu "
			    "needs 2 bytes, %zu left", q, name, off,
			    end - off);
		hl = nxt == IP6_AH ? ((size_t)hlb + 2) * 4 :
		    nxt == IP6_FRAGMENT ? 8 : ((size_t)hlb + 1) * 8;
		if (hl > end - off)
			return why(w, trunc, "%sIPv6 %s header at offset %zu "
			    "has length %zu, only %zu bytes left", q, name,
			    off, hl, end - off);
		if (nxt == IP6_FRAGMENT) {
			get_be16(p, end, off + 2, &frag);
			if ((frag & 0xfff8) != 0)
				return why(w, DEC_FRAGMENT, "%sIPv6 fragment "
				    "at offset %u holds no TCP header", q,
				    frag & 0xfff8);
			if (frag & 1)
				ii->partial = true;
		}
		if (nxt == IP6_ROUTING)
			ip6_routing_dst(p, end, off, hl, &ii->cksum_dst);
		nxt = next;
		off += hl;
	}
	ii->proto = nxt;
	*offp = off;
	return DEC_OK;
}

static enum decode_status
ip6_decode(const uint8_t *p, size_t len, size_t wire, bool quoted,
    struct segment *seg, struct ipinfo *ii, struct why *w)
{
	const char *q = quoted ? "quoted " : "";
	struct cursor c;
	uint8_t b0, b1;
	uint16_t plen;
	size_t end, off = 40;
	enum decode_status st;

	cursor_init(&c, p, len);
	if (!cursor_u8(&c, &b0) || !cursor_u8(&c, &b1) ||
	    !cursor_skip(&c, 2) || !cursor_be16(&c, &plen) ||
	    !cursor_u8(&c, &ii->proto) || !cursor_u8(&c, &seg->ttl) ||
	    !get_bytes(p, len, 8, seg->src.a, 16) ||
	    !get_bytes(p, len, 24, seg->dst.a, 16))
		return why(w, quoted ? DEC_ICMP_TRUNCATED : DEC_IP_TRUNCATED,
		    "%sIPv6 header needs 40 bytes, the packet has %zu", q, len);
	if (b0 >> 4 != 6)
		return why(w, DEC_IP_VERSION, "%sIPv6 packet has IP version "
		    "%u", q, b0 >> 4);
	if (plen == 0 && ii->proto == IP6_HOPOPTS)
		return why(w, DEC_IP6_PLEN, "%sIPv6 payload length 0 with a "
		    "hop-by-hop header: a jumbogram, not supported", q);
	if (plen > len - 40 && !quoted && plen > wire - 40 && wire > len)
		return why(w, DEC_IP6_PLEN, "IPv6 payload length %u exceeds "
		    "the %zu bytes on the wire after the header (%zu "
		    "captured)", plen, wire - 40, len - 40);
	if (plen > len - 40 && !quoted && plen > wire - 40)
		return why(w, DEC_IP6_PLEN, "IPv6 payload length %u exceeds "
		    "the %zu bytes captured after the header (captured %zu "
		    "of %u bytes)", plen, len - 40, len, 40u + plen);
	end = 40 + (size_t)plen < len ? 40 + (size_t)plen : len;
	seg->src.family = seg->dst.family = AF_INET6;
	seg->tos = (uint8_t)((b0 & 0x0f) << 4 | b1 >> 4);
	seg->flowlabel = (uint32_t)(b1 & 0x0f) << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	/* The label is kept without SEG_HAS_FLOWLABEL, so printed segments
	 * stay as they were; match reads the field. */
	seg->has |= SEG_HAS_TTL | SEG_HAS_TOS;
	ii->cksum_dst = seg->dst;
	ii->iplen = (uint32_t)end;
	st = ip6_exthdrs(p, end, quoted, &off, ii, w);
	if (st != DEC_OK)
		return st;
	ii->l4 = p + off;
	ii->l4len = end - off;
	/* Cut by the snaplen (the checks above leave no other way for the
	 * payload length to pass the captured end): the wire had it all. */
	ii->l4wire = 40 + (size_t)plen > end && !quoted ?
	    40 + (size_t)plen - off : ii->l4len;
	return DEC_OK;
}

/* ---- ICMP errors ---- */

static bool
icmp_is_error(int family, uint8_t type)
{
	if (family == AF_INET)
		return type == 3 || type == 11 || type == 12;
	return type >= 1 && type <= 4;
}

/* The quoted segment's payload length, from the IP length it declares
 * (most errors quote less than all of it) less its headers: TCP's from
 * the data offset when quoted, else 20 bytes. */
static uint32_t
icmp_quoted_len(int family, const uint8_t *p, const struct ipinfo *ii)
{
	size_t iph = (size_t)(ii->l4 - p), tcph = TCP_HLEN;
	size_t declared = family == AF_INET ? (size_t)(p[2] << 8 | p[3]) :
	    40 + (size_t)(p[4] << 8 | p[5]);

	if (ii->l4len > 12 && (ii->l4[12] >> 4) >= 5)
		tcph = (size_t)(ii->l4[12] >> 4) * 4;
	return declared > iph + tcph ? (uint32_t)(declared - iph - tcph) : 0;
}

/* The quoted header: addresses, ports and seq of the segment it refused. */
static enum decode_status
icmp_quote(int family, const uint8_t *p, size_t len, struct decoded *d,
    struct why *w)
{
	struct segment q;
	struct ipinfo ii;
	enum decode_status st;
	struct cursor c;

	segment_init(&q);
	memset(&ii, 0, sizeof ii);
	st = family == AF_INET ? ip4_decode(p, len, len, true, &q, &ii, w) :
	    ip6_decode(p, len, len, true, &q, &ii, w);
	if (st != DEC_OK)
		return st;
	if (ii.proto != PROTO_TCP)
		return why(w, DEC_NOT_TCP, "ICMP error quotes IP protocol %u, "
		    "not TCP", ii.proto);
	segment_init(&d->seg);
	d->seg.src = q.src;
	d->seg.dst = q.dst;
	cursor_init(&c, ii.l4, ii.l4len);
	if (!cursor_be16(&c, &d->seg.sport) ||
	    !cursor_be16(&c, &d->seg.dport) || !cursor_be32(&c, &d->seg.seq))
		return why(w, DEC_ICMP_TRUNCATED, "ICMP error quotes %zu bytes "
		    "of TCP, needs %d", ii.l4len, TCP_QUOTE);
	d->seg.has = SEG_HAS_PORTS;
	d->icmp_qlen = icmp_quoted_len(family, p, &ii);
	return DEC_OK;
}

static enum decode_status
icmp_decode(int family, const struct ipinfo *ii, struct decoded *d,
    struct why *w)
{
	const char *name = family == AF_INET ? "ICMP" : "ICMPv6";

	if (!get_u8(ii->l4, ii->l4len, 0, &d->icmp_type))
		return why(w, DEC_ICMP_TRUNCATED, "%s message is empty", name);
	if (!icmp_is_error(family, d->icmp_type))
		return why(w, DEC_NOT_TCP, "%s type %u is not an error that "
		    "quotes a packet", name, d->icmp_type);
	if (ii->l4len < 8)
		return why(w, DEC_ICMP_TRUNCATED, "%s message needs 8 bytes, "
		    "the packet has %zu", name, ii->l4len);
	get_u8(ii->l4, ii->l4len, 1, &d->icmp_code);
	d->icmp_rest = (uint32_t)ii->l4[4] << 24 | (uint32_t)ii->l4[5] << 16 |
	    (uint32_t)ii->l4[6] << 8 | ii->l4[7];
	d->icmp_from = d->seg.src;
	d->kind = DK_ICMP;
	return icmp_quote(family, ii->l4 + 8, ii->l4len - 8, d, w);
}

/* ---- IP ---- */

/* version 0 takes either, from the first nibble. `wire` is the packet's
 * length on the wire, at least len. */
static enum decode_status
ip_decode(const uint8_t *pkt, size_t len, size_t wire, int version,
    struct decoded *d, struct why *w)
{
	struct ipinfo ii;
	enum decode_status st;
	uint8_t b0;

	memset(&ii, 0, sizeof ii);
	if (!get_u8(pkt, len, 0, &b0))
		return why(w, DEC_IP_TRUNCATED, "IP packet is empty");
	if (version == 0)
		version = b0 >> 4;
	if (version == 4)
		st = ip4_decode(pkt, len, wire, false, &d->seg, &ii, w);
	else if (version == 6)
		st = ip6_decode(pkt, len, wire, false, &d->seg, &ii, w);
	else
		return why(w, DEC_IP_VERSION, "IP version %u is neither 4 nor "
		    "6", b0 >> 4);
	if (st != DEC_OK)
		return st;
	d->ip = pkt;
	d->iplen = ii.iplen;
	if (ii.proto == PROTO_TCP)
		return tcp_decode(&ii, &d->seg, w);
	if (version == 4 && ii.proto == PROTO_ICMP)
		return icmp_decode(AF_INET, &ii, d, w);
	if (version == 6 && ii.proto == PROTO_ICMP6)
		return icmp_decode(AF_INET6, &ii, d, w);
	return why(w, DEC_NOT_TCP, "IP protocol %u is not TCP", ii.proto);
}

static void
decoded_init(struct decoded *d, char *detail, size_t detaillen)
{
	memset(d, 0, sizeof *d);
	segment_init(&d->seg);
	d->kind = DK_TCP;
	if (detail != NULL && detaillen > 0)
		detail[0] = '\0';
}

/* Only DEC_OK hands the caller a segment to clear. */
static enum decode_status
decoded_finish(struct decoded *d, enum decode_status st)
{
	if (st != DEC_OK)
		segment_clear(&d->seg);
	return st;
}

enum decode_status
decode_ip(const uint8_t *pkt, size_t len, struct decoded *d, char *detail,
    size_t detaillen)
{
	struct why w = { detail, detaillen };

	decoded_init(d, detail, detaillen);
	return decoded_finish(d, ip_decode(pkt, len, len, 0, d, &w));
}

/* ---- link layers ---- */

/* Where the IP packet starts and which version the link says it is. */
struct linkinfo {
	size_t	off;
	int	version;	/* 4, 6, or 0: read it from the packet */
};

/* An ethertype at typeoff, then 802.1Q/802.1ad tags from hdrend on (each
 * a TCI and the next ethertype). */
static enum decode_status
link_ethertype(const uint8_t *f, size_t caplen, const char *name,
    size_t typeoff, size_t hdrend, struct linkinfo *li, struct why *w)
{
	uint16_t type;
	size_t off = hdrend;

	if (caplen < hdrend || !get_be16(f, caplen, typeoff, &type))
		return why(w, DEC_LINK_TRUNCATED, "%s header needs %zu bytes, "
		    "%zu captured", name, hdrend, caplen);
	while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
	    type == ETHERTYPE_QINQ1) {
		if (!get_be16(f, caplen, off + 2, &type))
			return why(w, DEC_LINK_TRUNCATED, "%s VLAN tag at "
			    "offset %zu needs 4 bytes, %zu captured", name,
			    off, caplen - off);
		off += 4;
	}
	li->off = off;
	if (type == ETHERTYPE_IPV4)
		li->version = 4;
	else if (type == ETHERTYPE_IPV6)
		li->version = 6;
	else
		return why(w, DEC_NOT_IP, "%s type 0x%04x is not IP", name,
		    type);
	return DEC_OK;
}

/* BSD loopback families: AF_INET is 2 everywhere, AF_INET6 differs. */
static enum decode_status
link_family(uint32_t af, struct linkinfo *li, struct why *w)
{
	li->off = 4;
	if (af == 2)
		li->version = 4;
	else if (af == 10 || af == 24 || af == 28 || af == 30)
		li->version = 6;
	else
		return why(w, DEC_NOT_IP, "loopback family %u is not IP", af);
	return DEC_OK;
}

static enum decode_status
link_null(const uint8_t *f, size_t caplen, bool host_order,
    struct linkinfo *li, struct why *w)
{
	uint32_t af;

	if (!get_be32(f, caplen, 0, &af))
		return why(w, DEC_LINK_TRUNCATED, "loopback header needs 4 "
		    "bytes, %zu captured", caplen);
	/* Host order is the writer's, maybe not ours; families fit in 16
	 * bits, so a value with high bits set is the other byte order. */
	if (host_order && (af & 0xffff0000) != 0)
		af = (af >> 24) | ((af >> 8) & 0xff00) |
		    ((af << 8) & 0xff0000) | (af << 24);
	return link_family(af, li, w);
}

static enum decode_status
link_decode(int linktype, const uint8_t *f, size_t caplen,
    struct linkinfo *li, struct why *w)
{
	li->off = 0;
	li->version = 0;
	switch (linktype) {
	case LINK_EN10MB:
		return link_ethertype(f, caplen, "Ethernet", 12, 14, li, w);
	case LINK_LINUX_SLL:
		return link_ethertype(f, caplen, "Linux cooked", 14, 16, li, w);
	case LINK_LINUX_SLL2:
		return link_ethertype(f, caplen, "Linux cooked v2", 0, 20, li,
		    w);
	case LINK_NULL:
		return link_null(f, caplen, true, li, w);
	case LINK_LOOP:
		return link_null(f, caplen, false, li, w);
	case LINK_RAW:
	case LINK_RAW_101:
		return DEC_OK;
	case LINK_IPV4:
		li->version = 4;
		return DEC_OK;
	case LINK_IPV6:
		li->version = 6;
		return DEC_OK;
	default:
		return why(w, DEC_LINK_UNSUPPORTED, "link type %d is not "
		    "supported", linktype);
	}
}

enum decode_status
decode_frame(int linktype, const uint8_t *frame, size_t caplen,
    struct decoded *d, char *detail, size_t detaillen)
{
	return decode_frame_len(linktype, frame, caplen, caplen, d, detail,
	    detaillen);
}

enum decode_status
decode_frame_len(int linktype, const uint8_t *frame, size_t caplen,
    size_t wirelen, struct decoded *d, char *detail, size_t detaillen)
{
	struct why w = { detail, detaillen };
	struct linkinfo li;
	enum decode_status st;

	decoded_init(d, detail, detaillen);
	st = link_decode(linktype, frame, caplen, &li, &w);
	if (st != DEC_OK)
		return st;
	if (caplen == 0)
		return why(&w, DEC_IP_TRUNCATED, "IP packet is empty");
	if (li.off >= caplen)
		return why(&w, DEC_IP_TRUNCATED, "no IP packet after the "
		    "%zu-byte link header", li.off);
	/* A record claiming less on the wire than it holds is taken at
	 * what it holds. */
	if (wirelen < caplen)
		wirelen = caplen;
	return decoded_finish(d, ip_decode(frame + li.off, caplen - li.off,
	    wirelen - li.off, li.version, d, &w));
}

/* ---- status text ---- */

static const char *const decode_errors[] = {
	[DEC_OK] = "decoded",
	[DEC_LINK_UNSUPPORTED] = "unsupported link type",
	[DEC_LINK_TRUNCATED] = "shorter than its link header",
	[DEC_NOT_IP] = "not IP",
	[DEC_IP_TRUNCATED] = "shorter than an IP header",
	[DEC_IP_VERSION] = "IP version neither 4 nor 6",
	[DEC_IP_HLEN] = "IPv4 header length below 20 or beyond the packet",
	[DEC_IP_TOTLEN] = "IPv4 total length below the header or beyond capture",
	[DEC_IP6_PLEN] = "IPv6 payload length beyond the packet",
	[DEC_IP6_EXTHDR] = "IPv6 extension header runs past the end",
	[DEC_FRAGMENT] = "non-first fragment",
	[DEC_NOT_TCP] = "not TCP",
	[DEC_TCP_TRUNCATED] = "shorter than a TCP header",
	[DEC_TCP_DOFF_SMALL] = "TCP data offset below 5",
	[DEC_TCP_DOFF_LARGE] = "TCP data offset beyond the segment",
	[DEC_OPT_LEN_ZERO] = "TCP option with length 0",
	[DEC_OPT_LEN_ONE] = "TCP option with length 1",
	[DEC_OPT_OVERRUN] = "TCP option runs past the header",
	[DEC_OPT_BAD_LEN] = "TCP option with the wrong length",
	[DEC_OPT_TOO_MANY] = "more TCP options than a segment keeps",
	[DEC_ICMP_TRUNCATED] = "ICMP error too short to quote TCP",
};

const char *
decode_strerror(enum decode_status st)
{
	if ((size_t)st >= sizeof decode_errors / sizeof decode_errors[0] ||
	    decode_errors[st] == NULL)
		return "unknown decode status";
	return decode_errors[st];
}

bool
decode_is_skip(enum decode_status st)
{
	return st == DEC_NOT_IP || st == DEC_NOT_TCP || st == DEC_FRAGMENT;
}
