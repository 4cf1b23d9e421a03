/* SPDX-License-Identifier: GPL-2.0-or-later */
/* craft.c: a struct segment becomes IPv4 or IPv6 bytes through libnet, and
 * goes on the wire through a raw IP socket (libnet 1.1.6's RAW4 / RAW6).
 *
 * Build once, patch per send: the TCP options, TCP and IP blocks are kept
 * by their libnet ptags. While the shape (padded option length, payload
 * length) stays the same, the next segment rewrites the blocks in place;
 * when it changes, the packet is cleared and built anew. Rebuilding rather
 * than resizing in place sidesteps libnet 1.1.6's length bookkeeping:
 * libnet_build_tcp_options() on an existing ptag adds the size difference
 * to the IPv4 total length with `ip_len += htons(offset)`, which loses the
 * carry between the two bytes and corrupts the header.
 *
 * libnet 1.1.6's libnet_build_ipv6() writes the flow label wrongly (an
 * operator-precedence slip puts its low byte in the middle byte), so it
 * is given 0 and craft_fixup() writes the segment's label into the copy;
 * the traffic class comes out right.
 *
 * The bytes handed back are a copy that craft fixes up after libnet:
 * a data offset the user asked for, and a deliberately wrong checksum.
 * The same copy is what goes on the wire, so a caller logging it to a
 * pcap file logs exactly what was sent.
 *
 * Template and patch, for floods: libnet's rebuild (a coalesce that
 * allocates, and a block lookup that formats a string) and one sendto(2)
 * per packet cost more than the packet itself. A template is built once;
 * copies get their ports, numbers and flags written in with the checksum
 * adjusted (RFC 1624), and leave by sendmmsg(2) on libnet's own raw
 * socket (IP_HDRINCL for IPv4; IPPROTO_RAW, which implies it, for IPv6),
 * addressed as libnet_write_raw_ipv4/6() address them. */
#include "config.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libnet.h>

#include "checksum.h"
#include "craft.h"
#include "craft-int.h"
#include "extract.h"
#include "tcpmd5.h"
#include "xmalloc.h"

#define TCP_OPT_SPACE	40	/* option bytes a TCP header can carry */
#define IP4_HLEN	20
#define IP6_HLEN	40
#define TCP_HLEN	20
#define IP_MAXLEN	65535	/* IPv4 total length / IPv6 payload length */
#define DEFAULT_TTL	64

struct craft {
	libnet_t	*l;
	int		 family;
	enum craft_mode	 mode;

	/* The packet libnet holds: its blocks and the shape they were built
	 * for. Tags are 0 while no packet is built. */
	libnet_ptag_t	 opt_tag;
	libnet_ptag_t	 tcp_tag;
	libnet_ptag_t	 ip_tag;
	size_t		 shape_optlen;
	uint32_t	 shape_len;

	/* The finished bytes (libnet's output plus craft's fix-ups). */
	uint8_t		*buf;
	size_t		 bufsize;
	uint32_t	 buflen;

	/* Zero bytes for a segment whose payload pointer is NULL. */
	uint8_t		*zeros;
	size_t		 nzeros;

	/* The template: its bytes with the right TCP checksum (a wrong one
	 * is made per copy), where its TCP header starts, and where copies
	 * go. */
	uint8_t		*tmpl;
	uint32_t	 tmpl_len;
	size_t		 tmpl_tcp;
	bool		 tmpl_badsum;
	struct sockaddr_storage tmpl_to;
	socklen_t	 tmpl_tolen;

	/* craft_send_batch's room: the copies and a message for each. */
	uint8_t		*bat;
	struct iovec	*bat_iov;
	struct mmsghdr	*bat_msg;
	size_t		 bat_n;
	uint32_t	 bat_len;	/* the template length it was made for */
};

static int
craft_libnet_type(int family, enum craft_mode mode)
{
	if (mode == CRAFT_BYTES)
		return LIBNET_NONE;
	return family == AF_INET6 ? LIBNET_RAW6 : LIBNET_RAW4;
}

/* libnet's message on a failed raw socket does not keep errno (it closes
 * things after the failure), so ask the kernel once more to learn why. */
static void
craft_raw_error(int family, const char *lnerr, char *err, size_t errlen)
{
	int fd, e;

	fd = socket(family, SOCK_RAW, IPPROTO_RAW);
	e = errno;
	if (fd >= 0) {
		close(fd);
		snprintf(err, errlen, "cannot open a raw socket: %s", lnerr);
		return;
	}
	if (e == EPERM || e == EACCES)
		snprintf(err, errlen, "cannot open a raw socket: %s "
		    "(need root or CAP_NET_RAW)", strerror(e));
	else
		snprintf(err, errlen, "cannot open a raw socket: %s",
		    strerror(e));
}

struct craft *
craft_open(int family, enum craft_mode mode, char *err, size_t errlen)
{
	char lnerr[LIBNET_ERRBUF_SIZE];
	struct craft *c;
	libnet_t *l;
	size_t n;

	if (family != AF_INET && family != AF_INET6) {
		snprintf(err, errlen, "craft: address family %d is neither "
		    "IPv4 nor IPv6", family);
		return NULL;
	}
	lnerr[0] = '\0';
	l = libnet_init(craft_libnet_type(family, mode), NULL, lnerr);
	if (l == NULL) {
		n = strlen(lnerr);
		while (n > 0 && (lnerr[n - 1] == '\n' || lnerr[n - 1] == ' '))
			lnerr[--n] = '\0';
		if (mode == CRAFT_WIRE)
			craft_raw_error(family, lnerr, err, errlen);
		else
			snprintf(err, errlen, "libnet: %s", lnerr);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->l = l;
	c->family = family;
	c->mode = mode;
	return c;
}

int
craft_bind_device(struct craft *c, const char *ifname, char *err,
    size_t errlen)
{
	if (c->mode != CRAFT_WIRE)
		return 0;
	if (setsockopt(libnet_getfd(c->l), SOL_SOCKET, SO_BINDTODEVICE,
	    ifname, (socklen_t)strlen(ifname) + 1) == -1) {
		snprintf(err, errlen, "cannot send through %s only: %s",
		    ifname, strerror(errno));
		return -1;
	}
	return 0;
}

void
craft_close(struct craft *c)
{
	if (c == NULL)
		return;
	libnet_destroy(c->l);
	free(c->buf);
	free(c->zeros);
	free(c->tmpl);
	free(c->bat);
	free(c->bat_iov);
	free(c->bat_msg);
	free(c);
}

/*
 * Options. Known kinds are laid out from their fields; the length byte is
 * the option's own `len` when set (so a user can make it lie) and the
 * usual length otherwise; the bytes written are as many as the length byte
 * says, the fields cut short or followed by zeros. A length below 2 on a
 * kind that has one writes just the kind and that length byte: the
 * malformed options a decoder must refuse.
 */
static size_t
craft_opt_fields(const struct tcp_option *o, uint8_t *d, char *err,
    size_t errlen)
{
	int i;

	switch (o->kind) {
	case OPT_MSS:
		put_be16(d, o->u.mss);
		return 2;
	case OPT_WSCALE:
		d[0] = o->u.wscale;
		return 1;
	case OPT_SACKOK:
		return 0;
	case OPT_SACK:
		if (o->u.sack.n > OPT_MAX_SACK) {
			snprintf(err, errlen, "sack option with %u blocks "
			    "(at most %d fit)", o->u.sack.n, OPT_MAX_SACK);
			return SIZE_MAX;
		}
		for (i = 0; i < o->u.sack.n; i++) {
			put_be32(d + 8 * i, o->u.sack.b[i].left);
			put_be32(d + 8 * i + 4, o->u.sack.b[i].right);
		}
		return (size_t)8 * o->u.sack.n;
	case OPT_TS:
		put_be32(d, o->u.ts.val);
		put_be32(d + 4, o->u.ts.ecr);
		return 8;
	default:
		/* Unknown: raw holds len - 2 bytes (at most OPT_MAX_RAW). */
		if (o->len > 2) {
			size_t n = (size_t)o->len - 2;
			if (n > OPT_MAX_RAW)
				n = OPT_MAX_RAW;
			memcpy(d, o->u.raw, n);
			return n;
		}
		return 0;
	}
}

/* Encode seg's options into out (TCP_OPT_SPACE bytes), zero padded to a
 * multiple of 4. Returns the padded length, or -1 with err. */
static int
craft_encode_opts(const struct segment *seg, uint8_t *out, char *err,
    size_t errlen)
{
	uint8_t fields[OPT_MAX_RAW];
	size_t off = 0, want, nf, n = 0;
	int i;

	memset(out, 0, TCP_OPT_SPACE);
	for (i = 0; i < seg->nopts; i++) {
		const struct tcp_option *o = &seg->opts[i];

		if (o->kind == OPT_EOL || o->kind == OPT_NOP) {
			want = 1;
		} else {
			memset(fields, 0, sizeof fields);
			nf = craft_opt_fields(o, fields, err, errlen);
			if (nf == SIZE_MAX)
				return -1;
			n = o->len != 0 ? o->len : nf + 2;
			want = n < 2 ? 2 : n;
		}
		if (off + want > TCP_OPT_SPACE) {
			snprintf(err, errlen, "TCP options take more than %d "
			    "bytes (option %d of %u needs %zu more)",
			    TCP_OPT_SPACE, i + 1, seg->nopts,
			    off + want - TCP_OPT_SPACE);
			return -1;
		}
		out[off] = o->kind;
		if (want > 1) {
			out[off + 1] = (uint8_t)n;
			if (want > 2)
				memcpy(out + off + 2, fields, want - 2);
		}
		off += want;
	}
	return (int)((off + 3) & ~(size_t)3);
}

/* RFC 1624: the checksum after one 16-bit word of what it covers changed
 * from old to new. */
static uint16_t
craft_cksum_adjust(uint16_t sum, uint16_t old, uint16_t new)
{
	uint32_t s = (uint16_t)~sum;

	s += (uint16_t)~old;
	s += new;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
craft_reset(struct craft *c)
{
	libnet_clear_packet(c->l);
	c->opt_tag = c->tcp_tag = c->ip_tag = 0;
	c->shape_optlen = 0;
	c->shape_len = 0;
}

static const uint8_t *
craft_payload(struct craft *c, const struct segment *seg)
{
	if (seg->len == 0)
		return NULL;
	if (seg->data != NULL)
		return seg->data;
	if (c->nzeros < seg->len) {
		free(c->zeros);
		c->zeros = xcalloc(1, seg->len);
		c->nzeros = seg->len;
	}
	return c->zeros;
}

static int
craft_check(const struct craft *c, const struct segment *seg, size_t optlen,
    char *err, size_t errlen)
{
	size_t iphlen = c->family == AF_INET ? IP4_HLEN : 0;

	if (seg->src.family != c->family || seg->dst.family != c->family) {
		snprintf(err, errlen, "segment addresses are not %s, as this "
		    "context is", c->family == AF_INET ? "IPv4" : "IPv6");
		return -1;
	}
	if (seg->doff > 15) {
		snprintf(err, errlen, "data offset %u does not fit in 4 bits "
		    "(0-15)", seg->doff);
		return -1;
	}
	if (iphlen + TCP_HLEN + optlen + seg->len > IP_MAXLEN) {
		snprintf(err, errlen, "payload of %u bytes does not fit in "
		    "one IP packet", seg->len);
		return -1;
	}
	return 0;
}

/* Build (or patch) libnet's blocks for seg. */
static int
craft_blocks(struct craft *c, const struct segment *seg, const uint8_t *opts,
    size_t optlen, char *err, size_t errlen)
{
	uint16_t tcplen = (uint16_t)(TCP_HLEN + optlen + seg->len);
	uint8_t ttl = seg->ttl != 0 ? seg->ttl : DEFAULT_TTL;
	libnet_ptag_t t;

	if (c->tcp_tag != 0 && (c->shape_optlen != optlen ||
	    c->shape_len != seg->len))
		craft_reset(c);
	if (optlen > 0) {
		t = libnet_build_tcp_options(opts, (uint32_t)optlen, c->l,
		    c->opt_tag);
		if (t == -1)
			goto bad;
		c->opt_tag = t;
	}
	t = libnet_build_tcp(seg->sport, seg->dport, seg->seq, seg->ack,
	    seg->flags, seg->win, 0, seg->urg, tcplen,
	    craft_payload(c, seg), seg->len, c->l, c->tcp_tag);
	if (t == -1)
		goto bad;
	c->tcp_tag = t;
	if (c->family == AF_INET) {
		uint32_t s, d;

		memcpy(&s, seg->src.a, 4);
		memcpy(&d, seg->dst.a, 4);
		t = libnet_build_ipv4((uint16_t)(IP4_HLEN + tcplen), seg->tos,
		    seg->ip_id, seg->df ? IP_DF : 0, ttl, IPPROTO_TCP, 0,
		    s, d, NULL, 0, c->l, c->ip_tag);
	} else {
		struct libnet_in6_addr s6, d6;

		memcpy(&s6, seg->src.a, 16);
		memcpy(&d6, seg->dst.a, 16);
		t = libnet_build_ipv6(seg->tos, 0, tcplen, IPPROTO_TCP, ttl,
		    s6, d6, NULL, 0, c->l, c->ip_tag);
	}
	if (t == -1)
		goto bad;
	c->ip_tag = t;
	c->shape_optlen = optlen;
	c->shape_len = seg->len;
	return 0;
bad:
	snprintf(err, errlen, "libnet: %s", libnet_geterror(c->l));
	craft_reset(c);
	return -1;
}

/* Copy libnet's packet into c->buf. */
static int
craft_collect(struct craft *c, char *err, size_t errlen)
{
	uint8_t *p = NULL;
	uint32_t n = 0;

	if (libnet_pblock_coalesce(c->l, &p, &n) == -1) {
		snprintf(err, errlen, "libnet: %s", libnet_geterror(c->l));
		craft_reset(c);
		return -1;
	}
	if (c->bufsize < n) {
		free(c->buf);
		c->buf = xmalloc(n);
		c->bufsize = n;
	}
	memcpy(c->buf, p, n);
	c->buflen = n;
	/* coalesce allocates, shifted by the context's aligner: this frees
	 * the block it really allocated. */
	libnet_adv_free_packet(c->l, p);
	return 0;
}

/*
 * What libnet cannot be told: a data offset that need not match the
 * header (written as given, and the checksum follows it), AccECN's AE
 * flag (byte 12's low bit, a reserved bit to libnet), the IPv6 flow
 * label, and a wrong checksum on request. The wrong checksum is the right one plus 1, modulo
 * 2^16: unlike XOR 0xffff, it never turns a right 0x0000 into 0xffff,
 * which one's-complement arithmetic counts as the same value.
 */
static void
craft_fixup(struct craft *c, const struct segment *seg)
{
	size_t iphlen = c->family == AF_INET ? IP4_HLEN : IP6_HLEN;
	uint8_t *tcp = c->buf + iphlen;
	uint16_t sum, old;

	if (c->family == AF_INET6) {
		/* Not in the pseudo-header: the checksum stays. */
		c->buf[1] = (uint8_t)((c->buf[1] & 0xf0) |
		    ((seg->flowlabel >> 16) & 0x0f));
		c->buf[2] = (uint8_t)(seg->flowlabel >> 8);
		c->buf[3] = (uint8_t)seg->flowlabel;
	}
	sum = (uint16_t)(tcp[16] << 8 | tcp[17]);
	if (seg->doff != 0 || seg->ae) {
		old = (uint16_t)(tcp[12] << 8 | tcp[13]);
		if (seg->doff != 0)
			tcp[12] = (uint8_t)(seg->doff << 4 | (tcp[12] & 0x0f));
		if (seg->ae)
			tcp[12] |= 0x01;
		sum = craft_cksum_adjust(sum, old,
		    (uint16_t)(tcp[12] << 8 | tcp[13]));
	}
	if (seg->badsum)
		sum = (uint16_t)(sum + 1);
	put_be16(tcp + 16, sum);
}

/* "md5 valid" with a key: RFC 2385's digest of the bytes as built, into
 * the option, and the checksum again (a wrong one stays wrong). */
static void
craft_md5_sign(struct craft *c, const struct segment *seg)
{
	size_t iphlen = c->family == AF_INET ? IP4_HLEN : IP6_HLEN, at;
	size_t tcplen = c->buflen - iphlen, hlen;
	uint8_t *tcp = c->buf + iphlen;
	uint16_t sum;
	int i;

	for (i = 0; i < seg->nopts; i++)
		if (seg->opts[i].kind == 19 && seg->opts[i].any_data)
			break;
	if (i == seg->nopts || seg->md5_key == NULL)
		return;
	hlen = TCP_HLEN + segment_optlen(seg);
	hlen = (hlen + 3) & ~(size_t)3;
	if ((at = tcpmd5_find(tcp, hlen)) == 0)
		return;
	tcpmd5_digest(&seg->src, &seg->dst, tcp, hlen, tcplen, seg->md5_key,
	    tcp + at);
	sum = cksum_tcp(&seg->src, &seg->dst, tcp, tcplen);
	if (seg->badsum)
		sum = (uint16_t)(sum + 1);
	put_be16(tcp + 16, sum);
}

int
craft_build(struct craft *c, const struct segment *seg, const uint8_t **out,
    uint32_t *outlen, char *err, size_t errlen)
{
	uint8_t opts[TCP_OPT_SPACE];
	int optlen;

	optlen = craft_encode_opts(seg, opts, err, errlen);
	if (optlen < 0)
		return -1;
	if (craft_check(c, seg, (size_t)optlen, err, errlen) == -1)
		return -1;
	if (craft_blocks(c, seg, opts, (size_t)optlen, err, errlen) == -1)
		return -1;
	if (craft_collect(c, err, errlen) == -1)
		return -1;
	craft_fixup(c, seg);
	craft_md5_sign(c, seg);
	*out = c->buf;
	*outlen = c->buflen;
	return 0;
}

int
craft_send(struct craft *c, const struct segment *seg, const uint8_t **out,
    uint32_t *outlen, char *err, size_t errlen)
{
	const uint8_t *p;
	uint32_t n;

	if (c->mode != CRAFT_WIRE) {
		snprintf(err, errlen, "craft: this context builds bytes only "
		    "and cannot send");
		return -1;
	}
	if (craft_build(c, seg, &p, &n, err, errlen) == -1)
		return -1;
	/* Send craft's copy, not libnet_write()'s own coalesced packet, so
	 * the fix-ups above go out too. */
	if (craft_write(c, p, n, err, errlen) == -1)
		return -1;
	if (out != NULL)
		*out = p;
	if (outlen != NULL)
		*outlen = n;
	return 0;
}

/* ---- for the other builders of this context (craft-int.h) ---- */

libnet_t *
craft_libnet(struct craft *c)
{
	return c->l;
}

int
craft_family(const struct craft *c)
{
	return c->family;
}

void
craft_clear(struct craft *c)
{
	craft_reset(c);
}

int
craft_take(struct craft *c, const uint8_t **out, uint32_t *outlen, char *err,
    size_t errlen)
{
	if (craft_collect(c, err, errlen) == -1)
		return -1;
	/* The next segment builds its blocks anew. */
	craft_reset(c);
	*out = c->buf;
	*outlen = c->buflen;
	return 0;
}

int
craft_write(struct craft *c, const uint8_t *p, uint32_t n, char *err,
    size_t errlen)
{
	int sent;

	if (c->mode != CRAFT_WIRE) {
		snprintf(err, errlen, "craft: this context builds bytes only "
		    "and cannot send");
		return -1;
	}
	if (c->family == AF_INET)
		sent = libnet_write_raw_ipv4(c->l, p, n);
	else
		sent = libnet_write_raw_ipv6(c->l, p, n);
	if (sent < 0 || (uint32_t)sent != n) {
		snprintf(err, errlen, "cannot send: %s", libnet_geterror(c->l));
		return -1;
	}
	return 0;
}

/* The address sendto(2) needs beside a whole IP packet: the destination,
 * port 0 (a raw socket has none). */
static void
craft_template_to(struct craft *c, const struct segment *seg)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&c->tmpl_to;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&c->tmpl_to;

	memset(&c->tmpl_to, 0, sizeof c->tmpl_to);
	if (c->family == AF_INET) {
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, seg->dst.a, 4);
		c->tmpl_tolen = sizeof *sin;
	} else {
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, seg->dst.a, 16);
		c->tmpl_tolen = sizeof *sin6;
	}
}

int
craft_template(struct craft *c, const struct segment *seg, char *err,
    size_t errlen)
{
	const uint8_t *p;
	uint32_t n;
	uint8_t *tcp;

	if (craft_build(c, seg, &p, &n, err, errlen) == -1)
		return -1;
	free(c->tmpl);
	c->tmpl = xmalloc(n);
	memcpy(c->tmpl, p, n);
	c->tmpl_len = n;
	c->tmpl_tcp = c->family == AF_INET ? IP4_HLEN : IP6_HLEN;
	c->tmpl_badsum = seg->badsum;
	/* Keep the right checksum: patching adjusts it, and a copy that
	 * should be wrong gets its +1 after. */
	tcp = c->tmpl + c->tmpl_tcp;
	if (seg->badsum)
		put_be16(tcp + 16, (uint16_t)((tcp[16] << 8 | tcp[17]) - 1));
	craft_template_to(c, seg);
	return 0;
}

uint32_t
craft_template_len(const struct craft *c)
{
	return c->tmpl != NULL ? c->tmpl_len : 0;
}

/* Write v at p (16 bits) and return sum adjusted for the change. */
static uint16_t
craft_patch16(uint8_t *p, uint16_t v, uint16_t sum)
{
	uint16_t old = (uint16_t)(p[0] << 8 | p[1]);

	put_be16(p, v);
	return craft_cksum_adjust(sum, old, v);
}

void
craft_patch(const struct craft *c, const struct craft_patch *p, uint8_t *out)
{
	uint8_t *tcp = out + c->tmpl_tcp;
	uint16_t sum;

	memcpy(out, c->tmpl, c->tmpl_len);
	sum = (uint16_t)(tcp[16] << 8 | tcp[17]);
	sum = craft_patch16(tcp, p->sport, sum);
	sum = craft_patch16(tcp + 2, p->dport, sum);
	sum = craft_patch16(tcp + 4, (uint16_t)(p->seq >> 16), sum);
	sum = craft_patch16(tcp + 6, (uint16_t)p->seq, sum);
	sum = craft_patch16(tcp + 8, (uint16_t)(p->ack >> 16), sum);
	sum = craft_patch16(tcp + 10, (uint16_t)p->ack, sum);
	/* Byte 12 (the data offset, perhaps a lie) stays the template's. */
	sum = craft_patch16(tcp + 12, (uint16_t)(tcp[12] << 8 | p->flags),
	    sum);
	if (c->tmpl_badsum)
		sum = (uint16_t)(sum + 1);
	put_be16(tcp + 16, sum);
}

/* Room for n copies of the template and their messages. */
static void
craft_batch_room(struct craft *c, size_t n)
{
	if (c->bat_n >= n && c->bat_len == c->tmpl_len)
		return;
	free(c->bat);
	free(c->bat_iov);
	free(c->bat_msg);
	c->bat = xreallocarray(NULL, n, c->tmpl_len);
	c->bat_iov = xcalloc(n, sizeof *c->bat_iov);
	c->bat_msg = xcalloc(n, sizeof *c->bat_msg);
	c->bat_n = n;
	c->bat_len = c->tmpl_len;
}

int
craft_send_batch(struct craft *c, const struct craft_patch *p, size_t n,
    char *err, size_t errlen)
{
	size_t i, done;
	int k;

	if (c->mode != CRAFT_WIRE || c->tmpl == NULL) {
		snprintf(err, errlen, "craft: %s", c->mode != CRAFT_WIRE ?
		    "this context builds bytes only and cannot send" :
		    "no template to send copies of");
		return -1;
	}
	craft_batch_room(c, n);
	for (i = 0; i < n; i++) {
		uint8_t *b = c->bat + i * c->tmpl_len;

		craft_patch(c, &p[i], b);
		c->bat_iov[i].iov_base = b;
		c->bat_iov[i].iov_len = c->tmpl_len;
		memset(&c->bat_msg[i], 0, sizeof c->bat_msg[i]);
		c->bat_msg[i].msg_hdr.msg_name = &c->tmpl_to;
		c->bat_msg[i].msg_hdr.msg_namelen = c->tmpl_tolen;
		c->bat_msg[i].msg_hdr.msg_iov = &c->bat_iov[i];
		c->bat_msg[i].msg_hdr.msg_iovlen = 1;
	}
	/* sendmmsg(2) may stop short (at UIO_MAXIOV messages, or on an
	 * error after the first): go on from where it stopped. */
	for (done = 0; done < n; done += (size_t)k) {
		k = sendmmsg(libnet_getfd(c->l), c->bat_msg + done,
		    (unsigned)(n - done), 0);
		if (k == -1 && errno == EINTR) {
			k = 0;
			continue;
		}
		if (k <= 0) {
			snprintf(err, errlen, "cannot send: %s",
			    k == 0 ? "sendmmsg sent nothing" :
			    strerror(errno));
			return -1;
		}
	}
	return 0;
}
