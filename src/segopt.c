/* SPDX-License-Identifier: GPL-2.0-or-later */
/* segopt.c: the command line's segment options, one table and one parser
 * for every command that builds segments (probe, connect, the shell). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "segopt.h"
#include "xmalloc.h"

#define A	SEGOPT_ANY
#define AS	(SEGOPT_ANY | SEGOPT_SYN)

const struct cli_opt segopt_table[] = {
	{ NULL, 'S', SO_SYN, NULL, "set SYN", A, NULL },
	{ NULL, 'A', SO_ACKF, NULL, "set ACK", A, NULL },
	{ NULL, 'F', SO_FIN, NULL, "set FIN", A, NULL },
	{ NULL, 'R', SO_RST, NULL, "set RST", A, NULL },
	{ NULL, 'P', SO_PSH, NULL, "set PSH", A, NULL },
	{ NULL, 'U', SO_URGF, NULL, "set URG", A, NULL },
	{ "flags", 0, SO_FLAGS, "F",
	    "flags as on a packet line: SFRPUEW, '.' for ACK, '-' none", A,
	    NULL },
	{ "seq", 0, SO_SEQ, "N|random", "sequence number (random)", A, NULL },
	{ "ack", 0, SO_ACK, "N", "acknowledgment number", A, NULL },
	{ "win", 0, SO_WIN, "N",
	    "window in bytes, 0-1073741824 (above 65535 needs --wscale)", AS,
	    NULL },
	{ "urg", 0, SO_URG, "N", "urgent pointer, 0-65535", A, NULL },
	{ "mss", 0, SO_MSS, "N", "MSS option, 0-65535", AS, NULL },
	{ "wscale", 0, SO_WSCALE, "N", "window scale option, 0-14", AS,
	    NULL },
	{ "sackok", 0, SO_SACKOK, NULL, "SACK-permitted option", AS, NULL },
	{ "sack", 0, SO_SACK, "L:R",
	    "a SACK block; repeat for more blocks", A, NULL },
	{ "ts", 0, SO_TS, "VAL[:ECR]", "timestamps option (ECR 0 on a SYN)",
	    AS, NULL },
	{ "nop", 0, SO_NOP, NULL, "a NOP option", A, NULL },
	{ "option", 0, SO_OPTION, "KIND[:HEX]",
	    "any option kind with raw data bytes", A, NULL },
	{ "data", 0, SO_DATA, "STR", "payload bytes", A, NULL },
	{ "data-hex", 0, SO_DATA_HEX, "HEX", "payload bytes in hex", A,
	    NULL },
	{ "data-len", 0, SO_DATA_LEN, "N", "payload of N zero bytes, 0-65000",
	    A, NULL },
	{ "ttl", 0, SO_TTL, "N", "IP TTL or hop limit, 1-255", A, NULL },
	{ "tos", 0, SO_TOS, "N", "IP TOS or traffic class, 0-255", A, NULL },
	{ "id", 0, SO_ID, "N", "IPv4 id, 0-65535", A, NULL },
	{ "df", 0, SO_DF, NULL, "IPv4 don't fragment", A, NULL },
	{ "badsum", 0, SO_BADSUM, NULL, "send a wrong TCP checksum", A, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

#undef A
#undef AS

void
segopts_init(struct segopts *so)
{
	memset(so, 0, sizeof *so);
	segment_init(&so->seg);
}

uint8_t *
segopt_hex(const char *s, size_t *len, const char *what)
{
	uint8_t *buf = xmalloc(strlen(s) / 2 + 1);
	size_t n = 0;
	int hi = -1, v;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == ':')
			continue;
		if ((v = hex_digit(*s)) < 0)
			fatalx("%s: '%c' is not a hex digit", what, *s);
		if (hi < 0) {
			hi = v;
			continue;
		}
		buf[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		fatalx("%s: odd number of hex digits", what);
	*len = n;
	return buf;
}

static void
add_opt(struct segopts *so, const struct tcp_option *o, const char *what)
{
	if (!segment_add_opt(&so->seg, o))
		fatalx("%s: too many TCP options", what);
	if (segment_optlen(&so->seg) > 40)
		fatalx("%s: TCP options would take %zu bytes, more than the "
		    "40 a header holds", what, segment_optlen(&so->seg));
	so->opts_given = true;
}

/* Two numbers "A:B" (B optional when bdef is not NULL). */
static void
parse_pair(const char *s, uint32_t *a, uint32_t *b, const uint32_t *bdef,
    const char *what)
{
	char *copy = xstrdup(s), *colon = strchr(copy, ':');

	if (colon == NULL && bdef == NULL)
		fatalx("%s: '%s' is not two numbers A:B", what, s);
	if (colon != NULL)
		*colon = '\0';
	*a = (uint32_t)parse_uint(copy, 0, UINT32_MAX, what);
	*b = colon != NULL ? (uint32_t)parse_uint(colon + 1, 0, UINT32_MAX,
	    what) : *bdef;
	free(copy);
}

static void
parse_sack(struct segopts *so, const char *s)
{
	struct segment *seg = &so->seg;
	struct tcp_option o, *last;
	uint32_t l, r;

	parse_pair(s, &l, &r, NULL, "--sack");
	last = seg->nopts > 0 ? &seg->opts[seg->nopts - 1] : NULL;
	/* Consecutive --sack options are blocks of one SACK option. */
	if (last != NULL && last->kind == OPT_SACK &&
	    last->u.sack.n < OPT_MAX_SACK) {
		last->u.sack.b[last->u.sack.n].left = l;
		last->u.sack.b[last->u.sack.n].right = r;
		last->u.sack.n++;
		last->len = (uint8_t)(2 + 8 * last->u.sack.n);
		if (segment_optlen(seg) > 40)
			fatalx("--sack: TCP options would take %zu bytes, "
			    "more than the 40 a header holds",
			    segment_optlen(seg));
		return;
	}
	memset(&o, 0, sizeof o);
	o.kind = OPT_SACK;
	o.len = 10;
	o.u.sack.n = 1;
	o.u.sack.b[0].left = l;
	o.u.sack.b[0].right = r;
	add_opt(so, &o, "--sack");
}

/* A known kind's bytes into its fields, when they have the usual size. */
static void
raw_known(struct tcp_option *o, const uint8_t *raw, size_t n)
{
	switch (o->kind) {
	case OPT_MSS:
		if (n != 2)
			fatalx("--option: mss takes 2 bytes (or use --mss)");
		o->u.mss = (uint16_t)(raw[0] << 8 | raw[1]);
		break;
	case OPT_WSCALE:
		if (n != 1)
			fatalx("--option: wscale takes 1 byte (or use "
			    "--wscale)");
		o->u.wscale = raw[0];
		break;
	case OPT_SACKOK:
		if (n != 0)
			fatalx("--option: sackOK takes no data");
		break;
	case OPT_SACK:
	case OPT_TS:
		fatalx("--option: write kind %u with %s", o->kind,
		    o->kind == OPT_SACK ? "--sack L:R" : "--ts VAL[:ECR]");
	default:
		if (n > 0)
			memcpy(o->u.raw, raw, n);
		break;
	}
}

/* --option KIND[:HEX]: any kind with raw bytes. */
static void
parse_raw_option(struct segopts *so, const char *s)
{
	struct tcp_option o;
	char *copy = xstrdup(s), *colon = strchr(copy, ':');
	uint8_t *raw = NULL;
	size_t n = 0;

	if (colon != NULL)
		*colon = '\0';
	memset(&o, 0, sizeof o);
	o.kind = (uint8_t)parse_uint(copy, 0, 255, "--option");
	if (colon != NULL)
		raw = segopt_hex(colon + 1, &n, "--option");
	free(copy);
	if (o.kind <= OPT_NOP && n > 0)
		fatalx("--option: kind %u is one byte and takes no data",
		    o.kind);
	if (n > OPT_MAX_RAW)
		fatalx("--option: %zu data bytes, at most %d fit", n,
		    OPT_MAX_RAW);
	if (o.kind > OPT_NOP)
		o.len = (uint8_t)(n + 2);
	if (o.kind > OPT_NOP)
		raw_known(&o, raw, n);
	free(raw);
	add_opt(so, &o, "--option");
}

/* The TCP options, in the order given. */
static bool
apply_tcp_opt(struct segopts *so, int id, const char *arg)
{
	struct tcp_option o;
	uint32_t zero = 0;

	memset(&o, 0, sizeof o);
	switch (id) {
	case SO_MSS:
		o.kind = OPT_MSS;
		o.len = 4;
		o.u.mss = (uint16_t)parse_uint(arg, 0, 65535, "--mss");
		add_opt(so, &o, "--mss");
		return true;
	case SO_WSCALE:
		o.kind = OPT_WSCALE;
		o.len = 3;
		o.u.wscale = (uint8_t)parse_uint(arg, 0, 14, "--wscale");
		add_opt(so, &o, "--wscale");
		return true;
	case SO_SACKOK:
		o.kind = OPT_SACKOK;
		o.len = 2;
		add_opt(so, &o, "--sackok");
		return true;
	case SO_SACK:
		parse_sack(so, arg);
		return true;
	case SO_TS:
		o.kind = OPT_TS;
		o.len = 10;
		parse_pair(arg, &o.u.ts.val, &o.u.ts.ecr, &zero, "--ts");
		add_opt(so, &o, "--ts");
		return true;
	case SO_NOP:
		o.kind = OPT_NOP;
		add_opt(so, &o, "--nop");
		return true;
	case SO_OPTION:
		parse_raw_option(so, arg);
		return true;
	}
	return false;
}

/* Payload and IP fields. */
static bool
apply_body_opt(struct segment *seg, int id, const char *arg)
{
	uint8_t *buf;
	size_t n;

	switch (id) {
	case SO_DATA:
		segment_set_data(seg, arg, (uint32_t)strlen(arg));
		return true;
	case SO_DATA_HEX:
		buf = segopt_hex(arg, &n, "--data-hex");
		if (n > 65000)
			fatalx("--data-hex: %zu bytes, at most 65000", n);
		segment_set_data(seg, buf, (uint32_t)n);
		free(buf);
		return true;
	case SO_DATA_LEN:
		segment_set_data(seg, NULL,
		    (uint32_t)parse_uint(arg, 0, 65000, "--data-len"));
		return true;
	case SO_TTL:
		seg->ttl = (uint8_t)parse_uint(arg, 1, 255, "--ttl");
		seg->has |= SEG_HAS_TTL;
		return true;
	case SO_TOS:
		seg->tos = (uint8_t)parse_uint(arg, 0, 255, "--tos");
		seg->has |= SEG_HAS_TOS;
		return true;
	case SO_ID:
		seg->ip_id = (uint16_t)parse_uint(arg, 0, 65535, "--id");
		seg->has |= SEG_HAS_ID;
		return true;
	case SO_DF:
		seg->df = true;
		return true;
	case SO_BADSUM:
		seg->badsum = true;
		return true;
	}
	return false;
}

static void
apply_flags(struct segopts *so, const char *arg)
{
	struct text_error err;
	uint8_t bits;

	if (*arg == '\0')
		fatalx("--flags: empty (give letters from SFRPUEW, '.' for "
		    "ACK, or - for none)");
	if (!segment_parse_flags(arg, &bits, &err))
		fatalx("--flags '%s': %s", arg, err.msg);
	so->seg.flags |= bits;
}

/* Flags and the other header fields. */
static bool
apply_header_opt(struct segopts *so, int id, const char *arg)
{
	static const struct {
		int	id;
		uint8_t	bit;
	} letters[] = {
		{ SO_SYN, TH_SYN_ }, { SO_ACKF, TH_ACK_ }, { SO_FIN, TH_FIN_ },
		{ SO_RST, TH_RST_ }, { SO_PSH, TH_PSH_ }, { SO_URGF, TH_URG_ },
	};
	size_t i;

	for (i = 0; i < sizeof letters / sizeof letters[0]; i++)
		if (letters[i].id == id) {
			so->seg.flags |= letters[i].bit;
			so->flags_given = true;
			return true;
		}
	switch (id) {
	case SO_FLAGS:
		apply_flags(so, arg);
		so->flags_given = true;
		return true;
	case SO_SEQ:
		so->seq_given = strcmp(arg, "random") != 0;
		if (so->seq_given)
			so->seg.seq = (uint32_t)parse_uint(arg, 0, UINT32_MAX,
			    "--seq");
		return true;
	case SO_ACK:
		so->ack_given = true;
		so->seg.ack = (uint32_t)parse_uint(arg, 0, UINT32_MAX, "--ack");
		return true;
	case SO_WIN:
		so->win = (uint32_t)parse_uint(arg, 0, SEGOPT_MAX_WIN, "--win");
		so->win_given = true;
		return true;
	case SO_URG:
		so->seg.urg = (uint16_t)parse_uint(arg, 0, 65535, "--urg");
		return true;
	}
	return false;
}

bool
segopts_apply(struct segopts *so, int id, const char *arg)
{
	return apply_header_opt(so, id, arg) || apply_tcp_opt(so, id, arg) ||
	    apply_body_opt(&so->seg, id, arg);
}
