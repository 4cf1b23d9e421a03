/* SPDX-License-Identifier: GPL-2.0-or-later */
/* segment-text.c: a segment's text form, packetdrill's packet line without
 * its time and direction; the parser and the printer, kept one pair. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "segment.h"
#include "xmalloc.h"

/*
 * The grammar (SCENARIO.md), with the choices this file makes:
 *
 *	[ip]... [sport>dport] FLAGS SEQ [ack N|N!|*] [win N|*] [urg N]
 *	    [<options>] [payload] [ip]...
 *
 * - ip is (ttl N), (tos N), (flowlabel N), [ect0], [ect1], [ect01], [ce]
 *   or [noecn], and packetdrill's IPv6 names (hlim N) for ttl, (class N)
 *   for tos; packetdrill writes them before the flags, we print them at
 *   the end, and accept both places, with ( ) or [ ] around any of them.
 *   tos and flowlabel take hex or decimal; an ECN mark replaces the tos
 *   byte's two low bits; [ect01] (either ECT codepoint) is ECT(0) plus
 *   SEG_ECN_ECT01.
 * - FLAGS: letters, then '.' for ACK, which packetdrill also lets stand
 *   apart ("F  .").
 * - SEQ is start:end(len), end - start == len modulo 2^32, len at most
 *   65535, a trailing '!' on start (or end, or packetdrill's after
 *   (len)) when absolute; "*:*(len)", or packetdrill's "...(len)", when
 *   any sequence number will do. packetdrill's older form without (len)
 *   is not accepted.
 * - ack, win, urg, the options, the payload and the ip fields may come in
 *   any order after SEQ (we print them in the order above), each once.
 *   "ack *" sets SEG_HAS_ACK and SEG_ANY_ACK, "win *" likewise; the ACK
 *   flag comes only from '.'.
 * - Options are packetdrill's (mss, wscale, sackOK, sack, TS, nop, eol,
 *   FO, FOEXP, md5, and "md5 valid" for any digest) plus "kind N 0xHEX" for any kind, its data bytes in
 *   hex ("kind 30" alone when it has none). A known kind given a length
 *   not its own ("kind 2 0x05", an mss one byte short) prints that way.
 *   "<...>" is any options, "<>" an empty list; without SEGFMT_PREVIEW an
 *   empty list prints as "<>" so the round trip keeps SEG_HAS_OPTS.
 * - A payload is "C-escaped" or 0xHEX; its size must equal len.
 * - Addresses, the IPv4 id and DF, doff and checksums have no text form.
 * - The line is the whole string: comments must be gone before it comes
 *   here, and segment_parse() frees what `seg` held, so pass it initialized.
 */

#define PREVIEW_BYTES	24

/* ---------------------------------------------------------------- parser */

struct lexer {
	const char		*s;
	size_t			 pos;
	struct text_error	*err;
};

static bool tx_fail(struct lexer *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static bool
tx_fail(struct lexer *lx, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (lx->err != NULL) {
		lx->err->column = (int)pos + 1;
		va_start(ap, fmt);
		vsnprintf(lx->err->msg, sizeof lx->err->msg, fmt, ap);
		va_end(ap);
	}
	return false;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c == '_';
}

static char
tx_peek(const struct lexer *lx)
{
	return lx->s[lx->pos];
}

static void
tx_skip_ws(struct lexer *lx)
{
	while (is_space(lx->s[lx->pos]))
		lx->pos++;
}

/* Copy the token at pos (up to a space or a delimiter) into buf, shortened
 * with "..." when long: for quoting in messages. */
static const char *
tx_token(const struct lexer *lx, size_t pos, char *buf, size_t len)
{
	size_t n = 0;

	while (lx->s[pos + n] != '\0' && !is_space(lx->s[pos + n]) &&
	    !(n > 0 && strchr(",<>()[]\"", lx->s[pos + n]) != NULL))
		n++;
	if (n < len)
		snprintf(buf, len, "%.*s", (int)n, lx->s + pos);
	else
		snprintf(buf, len, "%.*s...", (int)len - 4, lx->s + pos);
	return buf;
}

/* A run of letters and digits at the cursor; false when there is none. */
static bool
tx_word(struct lexer *lx, char *buf, size_t len)
{
	size_t n = 0;

	while (is_alnum(lx->s[lx->pos + n]))
		n++;
	if (n == 0)
		return false;
	snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1),
	    lx->s + lx->pos);
	lx->pos += n;
	return true;
}

/* The checks after a number's digits: nothing glued on, not above max. */
static bool
tx_number_end(struct lexer *lx, const char *what, size_t start, uint64_t v,
    uint32_t max, uint32_t *out)
{
	char tok[32];

	if (is_alnum(tx_peek(lx)))
		return tx_fail(lx, start, "malformed %s '%s'", what,
		    tx_token(lx, start, tok, sizeof tok));
	if (v > max)
		return tx_fail(lx, start, "%s %.*s is out of range (0-%lu)",
		    what, (int)(lx->pos - start > 24 ? 24 : lx->pos - start),
		    lx->s + start, (unsigned long)max);
	*out = (uint32_t)v;
	return true;
}

/* A decimal number no larger than max; `what` names it in messages. */
static bool
tx_number(struct lexer *lx, const char *what, uint32_t max, uint32_t *out)
{
	size_t start = lx->pos;
	uint64_t v = 0;
	char tok[32];

	if (tx_peek(lx) == '\0')
		return tx_fail(lx, start, "expected %s (a decimal number) "
		    "before the end of the line", what);
	if (!is_digit(tx_peek(lx)))
		return tx_fail(lx, start, "expected %s (a decimal number), "
		    "got '%s'", what, tx_token(lx, start, tok, sizeof tok));
	while (is_digit(tx_peek(lx))) {
		if (v <= UINT32_MAX)
			v = v * 10 + (uint64_t)(tx_peek(lx) - '0');
		lx->pos++;
	}
	return tx_number_end(lx, what, start, v, max, out);
}

/* Decimal, or hex with 0x, no larger than max. */
static bool
tx_number_hex(struct lexer *lx, const char *what, uint32_t max,
    uint32_t *out)
{
	size_t start = lx->pos;
	uint64_t v = 0;
	int d;

	if (tx_peek(lx) != '0' || (lx->s[start + 1] != 'x' &&
	    lx->s[start + 1] != 'X'))
		return tx_number(lx, what, max, out);
	lx->pos += 2;
	if (hex_digit(tx_peek(lx)) < 0)
		return tx_fail(lx, start, "expected hex digits after 0x in %s",
		    what);
	while ((d = hex_digit(tx_peek(lx))) >= 0) {
		if (v <= UINT32_MAX)
			v = v * 16 + (uint64_t)d;
		lx->pos++;
	}
	return tx_number_end(lx, what, start, v, max, out);
}

/* Hex digit pairs into out (at most max bytes); with need0x the run must
 * open with 0x. Returns false with a message naming `what`. */
static bool
tx_hex_bytes(struct lexer *lx, const char *what, bool need0x, uint8_t *out,
    size_t max, size_t *n)
{
	size_t start = lx->pos, digits = 0;
	int hi, lo;

	if (tx_peek(lx) == '0' && (lx->s[lx->pos + 1] == 'x' ||
	    lx->s[lx->pos + 1] == 'X'))
		lx->pos += 2;
	else if (need0x)
		return tx_fail(lx, start, "expected %s as 0x and hex digits",
		    what);
	*n = 0;
	while (hex_digit(lx->s[lx->pos + digits]) >= 0)
		digits++;
	if (digits == 0 || is_alnum(lx->s[lx->pos + digits]))
		return tx_fail(lx, start, "expected hex digits for %s", what);
	if (digits % 2 != 0)
		return tx_fail(lx, start, "odd number of hex digits (%zu) in "
		    "%s", digits, what);
	if (digits / 2 > max)
		return tx_fail(lx, start, "%s is %zu bytes, more than %zu",
		    what, digits / 2, max);
	for (; digits > 0; digits -= 2) {
		hi = hex_digit(lx->s[lx->pos]);
		lo = hex_digit(lx->s[lx->pos + 1]);
		out[(*n)++] = (uint8_t)(hi << 4 | lo);
		lx->pos += 2;
	}
	return true;
}

/* The keyword must be followed by a space before its value. */
static bool
tx_need_space(struct lexer *lx, const char *after)
{
	if (!is_space(tx_peek(lx)))
		return tx_fail(lx, lx->pos, "expected a space after '%s'",
		    after);
	tx_skip_ws(lx);
	return true;
}

/* ------------------------------------------------------- parser: options */

/*
 * The known kinds keep their data in fields, whatever their length byte
 * says; craft.c writes the fields cut short or followed by zeros to fill
 * `len`. So "kind 2 0x05" (an mss one byte short) holds 0x0500 in u.mss,
 * and prints back from the fields. Other kinds keep raw bytes.
 */
static bool
opt_has_fields(uint8_t kind)
{
	return kind == OPT_MSS || kind == OPT_WSCALE || kind == OPT_SACKOK ||
	    kind == OPT_SACK || kind == OPT_TS;
}

/* Data bytes the fields of a known kind hold. */
static size_t
opt_field_bytes(const struct tcp_option *o)
{
	switch (o->kind) {
	case OPT_MSS:
		return 2;
	case OPT_WSCALE:
		return 1;
	case OPT_SACK:
		return (size_t)8 * (o->u.sack.n <= OPT_MAX_SACK ?
		    o->u.sack.n : OPT_MAX_SACK);
	case OPT_TS:
		return 8;
	default:
		return 0;
	}
}

/* A known kind whose length is its own (or left to craft.c: 0) prints by
 * name; sack needs 1 to 4 blocks for that. */
static bool
opt_is_plain(const struct tcp_option *o)
{
	if (o->kind == OPT_SACK && (o->u.sack.n == 0 ||
	    o->u.sack.n > OPT_MAX_SACK))
		return false;
	return o->len == 0 || o->len == opt_field_bytes(o) + 2;
}

static uint32_t
be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put32_at(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* n data bytes (zero-padded here to 32) into a known kind's fields. */
static void
opt_fields_from(struct tcp_option *o, const uint8_t *data, size_t n)
{
	uint8_t d[OPT_MAX_SACK * 8] = { 0 };
	size_t i;

	memcpy(d, data, n < sizeof d ? n : sizeof d);
	switch (o->kind) {
	case OPT_MSS:
		o->u.mss = (uint16_t)(d[0] << 8 | d[1]);
		break;
	case OPT_WSCALE:
		o->u.wscale = d[0];
		break;
	case OPT_SACK:
		o->u.sack.n = (uint8_t)(n >= sizeof d ? OPT_MAX_SACK :
		    (n + 7) / 8);
		for (i = 0; i < o->u.sack.n; i++) {
			o->u.sack.b[i].left = be32_at(d + 8 * i);
			o->u.sack.b[i].right = be32_at(d + 8 * i + 4);
		}
		break;
	case OPT_TS:
		o->u.ts.val = be32_at(d);
		o->u.ts.ecr = be32_at(d + 4);
		break;
	default:
		break;
	}
}

/* A known kind's fields as the bytes craft.c writes; d holds 40. */
static void
opt_fields_to(const struct tcp_option *o, uint8_t *d)
{
	size_t i;

	memset(d, 0, 40);
	switch (o->kind) {
	case OPT_MSS:
		d[0] = (uint8_t)(o->u.mss >> 8);
		d[1] = (uint8_t)o->u.mss;
		break;
	case OPT_WSCALE:
		d[0] = o->u.wscale;
		break;
	case OPT_SACK:
		for (i = 0; i < opt_field_bytes(o) / 8; i++) {
			put32_at(d + 8 * i, o->u.sack.b[i].left);
			put32_at(d + 8 * i + 4, o->u.sack.b[i].right);
		}
		break;
	case OPT_TS:
		put32_at(d, o->u.ts.val);
		put32_at(d + 4, o->u.ts.ecr);
		break;
	default:
		break;
	}
}

/* "kind N [0xHEX]": any kind, its data bytes in hex. */
static bool
parse_opt_kind(struct lexer *lx, struct tcp_option *o)
{
	uint8_t d[OPT_MAX_RAW];
	size_t n = 0, i, start, cap;
	uint32_t k;

	if (!tx_need_space(lx, "kind"))
		return false;
	start = lx->pos;
	if (!tx_number(lx, "option kind", 255, &k))
		return false;
	o->kind = (uint8_t)k;
	if (is_space(tx_peek(lx))) {
		tx_skip_ws(lx);
		if (tx_peek(lx) == '0' && !tx_hex_bytes(lx, "the option data",
		    true, d, sizeof d, &n))
			return false;
	}
	if (k == OPT_EOL || k == OPT_NOP) {
		if (n > 0)
			return tx_fail(lx, start, "option kind %u (%s) has no "
			    "length or data", k, k == OPT_EOL ? "eol" : "nop");
		return true;
	}
	o->len = (uint8_t)(n + 2);
	if (!opt_has_fields(o->kind)) {
		memcpy(o->u.raw, d, n);
		return true;
	}
	/* Past its fields a known kind is sent as zeros: say so. */
	cap = o->kind == OPT_SACK ? OPT_MAX_SACK * 8 : opt_field_bytes(o);
	for (i = cap; i < n; i++)
		if (d[i] != 0)
			return tx_fail(lx, start, "option kind %u holds %zu "
			    "data bytes; the rest can only be zeros", k, cap);
	memset(&o->u, 0, sizeof o->u);
	opt_fields_from(o, d, n);
	return true;
}

/* "FO [cookie]", "FOEXP [cookie]" (RFC 7413's kind 34 and the experimental
 * kind 254 with magic 0xf989), "md5 DIGEST": packetdrill's forms. */
static bool
parse_opt_cookie(struct lexer *lx, struct tcp_option *o, const char *name)
{
	size_t off = 0, n = 0, start;

	if (strcmp(name, "FOEXP") == 0) {
		o->kind = 254;
		o->u.raw[0] = 0xf9;
		o->u.raw[1] = 0x89;
		off = 2;
	} else
		o->kind = strcmp(name, "FO") == 0 ? 34 : 19;
	tx_skip_ws(lx);
	start = lx->pos;
	if (o->kind == 19 && strncmp(lx->s + start, "valid", 5) == 0 &&
	    !is_alnum(lx->s[start + 5])) {
		/* packetdrill's "md5 valid": a digest made with the secret;
		 * tcpshake computes none, so it stands for any digest. */
		lx->pos += 5;
		o->len = 18;
		o->any_data = true;
		return true;
	}
	if (hex_digit(tx_peek(lx)) >= 0 && !tx_hex_bytes(lx, o->kind == 19 ?
	    "the md5 digest" : "the cookie", false, o->u.raw + off,
	    OPT_MAX_RAW - off, &n))
		return false;
	if (o->kind == 19 && n != 16)
		return tx_fail(lx, start, "expected the md5 digest, 16 bytes "
		    "in hex (32 digits)");
	o->len = (uint8_t)(2 + off + n);
	return true;
}

/*
 * AccECN's option, packetdrill's "ECN e0b N [ceb N [e1b N]]" (kind 172,
 * order 0) or "ECN e1b N [ceb N [e0b N]]" (kind 174, order 1): byte
 * counters of 24 bits each, in that order, the later ones optional.
 */
static const char *const accecn_fields[2][3] = {
	{ "e0b", "ceb", "e1b" },
	{ "e1b", "ceb", "e0b" },
};

static bool
parse_opt_accecn(struct lexer *lx, struct tcp_option *o)
{
	char w[8], tok[32];
	size_t at, save, n;
	uint32_t v;
	int order = -1;

	for (n = 0; n < 3; n++) {
		save = lx->pos;
		tx_skip_ws(lx);
		at = lx->pos;
		if (!tx_word(lx, w, sizeof w) || lx->pos - at >= sizeof w)
			w[0] = '\0';
		if (n == 0)
			order = strcmp(w, "e1b") == 0 ? 1 : 0;
		if (strcmp(w, accecn_fields[order][n]) != 0) {
			if (n > 0) {
				lx->pos = save;
				break;
			}
			return tx_fail(lx, at, "expected e0b N or e1b N after "
			    "ECN (AccECN's counters), got '%s'",
			    tx_token(lx, at, tok, sizeof tok));
		}
		if (!tx_need_space(lx, w) ||
		    !tx_number(lx, w, 0xffffff, &v))
			return false;
		o->u.raw[3 * n] = (uint8_t)(v >> 16);
		o->u.raw[3 * n + 1] = (uint8_t)(v >> 8);
		o->u.raw[3 * n + 2] = (uint8_t)v;
	}
	o->kind = order == 0 ? 172 : 174;
	o->len = (uint8_t)(2 + 3 * n);
	return true;
}

static bool
parse_opt_sack(struct lexer *lx, struct tcp_option *o)
{
	uint32_t l, r;
	size_t start;

	o->kind = OPT_SACK;
	if (!tx_need_space(lx, "sack"))
		return false;
	while (is_digit(tx_peek(lx))) {
		start = lx->pos;
		if (!tx_number(lx, "SACK block left edge", UINT32_MAX, &l))
			return false;
		if (tx_peek(lx) != ':')
			return tx_fail(lx, lx->pos, "expected ':' in the SACK "
			    "block left:right");
		lx->pos++;
		if (!tx_number(lx, "SACK block right edge", UINT32_MAX, &r))
			return false;
		if (o->u.sack.n == OPT_MAX_SACK)
			return tx_fail(lx, start, "more than %d SACK blocks",
			    OPT_MAX_SACK);
		o->u.sack.b[o->u.sack.n].left = l;
		o->u.sack.b[o->u.sack.n].right = r;
		o->u.sack.n++;
		tx_skip_ws(lx);
	}
	if (o->u.sack.n == 0)
		return tx_fail(lx, lx->pos, "expected a SACK block left:right");
	o->len = (uint8_t)(2 + 8 * o->u.sack.n);
	return true;
}

static bool
parse_opt_ts(struct lexer *lx, struct tcp_option *o)
{
	char w[16];
	size_t at;

	o->kind = OPT_TS;
	o->len = 10;
	if (!tx_need_space(lx, "TS"))
		return false;
	at = lx->pos;
	if (!tx_word(lx, w, sizeof w) || strcmp(w, "val") != 0)
		return tx_fail(lx, at, "expected 'val' after TS (TS val X ecr "
		    "Y)");
	if (!tx_need_space(lx, "val") ||
	    !tx_number(lx, "TS value", UINT32_MAX, &o->u.ts.val))
		return false;
	tx_skip_ws(lx);
	at = lx->pos;
	if (!tx_word(lx, w, sizeof w) || strcmp(w, "ecr") != 0)
		return tx_fail(lx, at, "expected 'ecr' after the TS value (TS "
		    "val X ecr Y)");
	return tx_need_space(lx, "ecr") &&
	    tx_number(lx, "TS echo reply", UINT32_MAX, &o->u.ts.ecr);
}

/* One option, by name. */
static bool
parse_opt(struct lexer *lx, struct tcp_option *o)
{
	size_t at = lx->pos;
	uint32_t v;
	char w[16], tok[32];

	memset(o, 0, sizeof *o);
	if (!tx_word(lx, w, sizeof w) || lx->pos - at >= sizeof w)
		return tx_fail(lx, at, "unknown option '%s' (expected mss, "
		    "wscale, sackOK, sack, TS, nop, eol or kind N)",
		    tx_token(lx, at, tok, sizeof tok));
	if (strcmp(w, "nop") == 0 || strcmp(w, "eol") == 0) {
		o->kind = w[0] == 'n' ? OPT_NOP : OPT_EOL;
		return true;
	}
	if (strcmp(w, "mss") == 0) {
		o->kind = OPT_MSS;
		o->len = 4;
		if (!tx_need_space(lx, w) ||
		    !tx_number(lx, "mss value", UINT16_MAX, &v))
			return false;
		o->u.mss = (uint16_t)v;
		return true;
	}
	if (strcmp(w, "wscale") == 0) {
		o->kind = OPT_WSCALE;
		o->len = 3;
		if (!tx_need_space(lx, w) ||
		    !tx_number(lx, "window scale", UINT8_MAX, &v))
			return false;
		o->u.wscale = (uint8_t)v;
		return true;
	}
	if (strcmp(w, "sackOK") == 0) {
		o->kind = OPT_SACKOK;
		o->len = 2;
		return true;
	}
	if (strcmp(w, "sack") == 0)
		return parse_opt_sack(lx, o);
	if (strcmp(w, "TS") == 0)
		return parse_opt_ts(lx, o);
	if (strcmp(w, "kind") == 0)
		return parse_opt_kind(lx, o);
	if (strcmp(w, "FO") == 0 || strcmp(w, "FOEXP") == 0 ||
	    strcmp(w, "md5") == 0)
		return parse_opt_cookie(lx, o, w);
	if (strcmp(w, "ECN") == 0)
		return parse_opt_accecn(lx, o);
	return tx_fail(lx, at, "unknown option '%s' (expected mss, wscale, "
	    "sackOK, sack, TS, nop, eol or kind N)",
	    tx_token(lx, at, tok, sizeof tok));
}

/* "<opt,opt,...>", "<>" or "<...>"; the cursor is on '<'. */
static bool
parse_opts(struct lexer *lx, struct segment *seg)
{
	size_t open = lx->pos, at;
	struct tcp_option o;

	lx->pos++;
	tx_skip_ws(lx);
	seg->has |= SEG_HAS_OPTS;
	if (strncmp(lx->s + lx->pos, "...", 3) == 0) {
		lx->pos += 3;
		tx_skip_ws(lx);
		if (tx_peek(lx) != '>')
			return tx_fail(lx, lx->pos, "expected '>' after '<...'");
		lx->pos++;
		seg->has |= SEG_ANY_OPTS;
		return true;
	}
	while (tx_peek(lx) != '>') {
		at = lx->pos;
		if (tx_peek(lx) == '\0')
			return tx_fail(lx, open, "unterminated option list "
			    "(expected '>')");
		if (!parse_opt(lx, &o))
			return false;
		if (!segment_add_opt(seg, &o))
			return tx_fail(lx, at, "more than %d options",
			    SEG_MAX_OPTS);
		tx_skip_ws(lx);
		if (tx_peek(lx) == ',') {
			lx->pos++;
			tx_skip_ws(lx);
			if (tx_peek(lx) == '>')
				return tx_fail(lx, lx->pos, "expected an "
				    "option after ','");
		} else if (tx_peek(lx) != '>' && tx_peek(lx) != '\0')
			return tx_fail(lx, lx->pos, "expected ',' or '>' after "
			    "an option");
	}
	lx->pos++;
	if (segment_optlen(seg) > 40)
		return tx_fail(lx, open, "the options take %zu bytes, more "
		    "than the 40 a TCP header holds", segment_optlen(seg));
	return true;
}

/* ------------------------------------------------------- parser: payload */

static bool
parse_escape(struct lexer *lx, uint8_t *out)
{
	size_t at = lx->pos;
	const char *named = "r\rn\nt\t\\\\\"\"''a\ab\bf\fv\ve\033";
	unsigned v = 0;
	int d, i;
	char c;

	lx->pos++;		/* the backslash */
	c = tx_peek(lx);
	if (c == 'x') {
		lx->pos++;
		for (i = 0; i < 2 && (d = hex_digit(tx_peek(lx))) >= 0; i++) {
			v = v * 16 + (unsigned)d;
			lx->pos++;
		}
		if (i == 0)
			return tx_fail(lx, at, "expected hex digits after \\x");
		*out = (uint8_t)v;
		return true;
	}
	if (c >= '0' && c <= '7') {
		for (i = 0; i < 3 && tx_peek(lx) >= '0' && tx_peek(lx) <= '7';
		    i++) {
			v = v * 8 + (unsigned)(tx_peek(lx) - '0');
			lx->pos++;
		}
		if (v > 255)
			return tx_fail(lx, at, "octal escape \\%.3s is above "
			    "\\377", lx->s + at + 1);
		*out = (uint8_t)v;
		return true;
	}
	for (i = 0; c != '\0' && named[i] != '\0'; i += 2)
		if (named[i] == c) {
			*out = (uint8_t)named[i + 1];
			lx->pos++;
			return true;
		}
	if (c == '\0')
		return tx_fail(lx, at, "unterminated string");
	return tx_fail(lx, at, "unknown escape '\\%c' (expected \\r, \\n, "
	    "\\t, \\\\, \\\", \\xNN or octal \\NNN)", c);
}

/* "C-escaped" into a new buffer; the cursor is on the quote. */
static bool
parse_cstring(struct lexer *lx, uint8_t **out, size_t *n)
{
	size_t open = lx->pos;
	uint8_t *buf = xmalloc(strlen(lx->s + open) + 1);

	*n = 0;
	lx->pos++;
	for (;;) {
		char c = tx_peek(lx);

		if (c == '\0') {
			free(buf);
			return tx_fail(lx, open, "unterminated string");
		}
		if (c == '"')
			break;
		if (c == '\\') {
			if (!parse_escape(lx, &buf[*n])) {
				free(buf);
				return false;
			}
			(*n)++;
			continue;
		}
		buf[(*n)++] = (uint8_t)c;
		lx->pos++;
	}
	lx->pos++;
	*out = buf;
	return true;
}

static bool
parse_payload(struct lexer *lx, struct segment *seg)
{
	size_t at = lx->pos, n;
	uint8_t *buf = NULL;

	if (tx_peek(lx) == '"') {
		if (!parse_cstring(lx, &buf, &n))
			return false;
	} else {
		buf = xmalloc(strlen(lx->s + at) / 2 + 1);
		if (!tx_hex_bytes(lx, "the payload", true, buf, SIZE_MAX,
		    &n)) {
			free(buf);
			return false;
		}
	}
	if (n != seg->len) {
		free(buf);
		return tx_fail(lx, at, "payload is %zu bytes but the length "
		    "says %u", n, seg->len);
	}
	free(seg->data);
	seg->data = n > 0 ? buf : NULL;
	if (n == 0)
		free(buf);
	seg->has |= SEG_HAS_DATA;
	return true;
}

/* ---------------------------------------------- parser: fields in order */

/* Parsed IP fields, combined into the segment at the end so that tos and
 * an ECN mark may come in either order. */
struct ipfields {
	uint32_t	has;
	uint8_t		tos;
	uint8_t		ecn;
	uint8_t		dscp;
};

/* DSCP names (RFC 2474's class selectors, RFC 2597's AF, RFC 3246's EF,
 * RFC 5865's VOICE-ADMIT, RFC 8622's LE), as packetdrill spells them. */
static const struct {
	const char	*name;
	uint8_t		 value;
} dscp_names[] = {
	{ "cs0", 0 }, { "cs1", 8 }, { "cs2", 16 }, { "cs3", 24 },
	{ "cs4", 32 }, { "cs5", 40 }, { "cs6", 48 }, { "cs7", 56 },
	{ "af11", 10 }, { "af12", 12 }, { "af13", 14 }, { "af21", 18 },
	{ "af22", 20 }, { "af23", 22 }, { "af31", 26 }, { "af32", 28 },
	{ "af33", 30 }, { "af41", 34 }, { "af42", 36 }, { "af43", 38 },
	{ "ef", 46 }, { "voice_admit", 44 }, { "le", 1 },
};
#define NDSCP_NAMES (sizeof dscp_names / sizeof dscp_names[0])

/* "dscp N" or "dscp NAME"; the cursor is past "dscp". */
static bool
parse_dscp(struct lexer *lx, struct ipfields *ip)
{
	char w[16];
	size_t at, i;
	uint32_t v;

	if (!tx_need_space(lx, "dscp"))
		return false;
	at = lx->pos;
	if (!is_digit(tx_peek(lx)) && tx_word(lx, w, sizeof w) &&
	    lx->pos - at < sizeof w) {
		for (i = 0; i < NDSCP_NAMES; i++)
			if (strcmp(w, dscp_names[i].name) == 0) {
				ip->dscp = dscp_names[i].value;
				return true;
			}
		return tx_fail(lx, at, "unknown DSCP '%s' (a number 0-63, "
		    "cs0-cs7, af11-af43, ef, voice_admit or le)", w);
	}
	lx->pos = at;
	if (!tx_number_hex(lx, "dscp", 63, &v))
		return false;
	ip->dscp = (uint8_t)v;
	return true;
}

/* An ECN mark's name ("ect0", ...), after "[" or "ecn "; false if w is
 * none. */
static bool
ecn_mark(const char *w, struct ipfields *ip)
{
	static const char *ecn_names[] = { "noecn", "ect1", "ect0", "ce" };
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(w, ecn_names[i]) == 0) {
			ip->ecn = (uint8_t)i;
			return true;
		}
	if (strcmp(w, "ect01") == 0) {
		ip->ecn = ECN_ECT0;
		ip->has |= SEG_ECN_ECT01;
		return true;
	}
	return false;
}

/* One field of "(...)" or "[...]": "ttl N", "hlim N", "tos N", "class N",
 * "dscp N", "flowlabel N", "ecn MARK" or a mark alone. */
static bool
parse_ipfield_one(struct lexer *lx, struct segment *seg, struct ipfields *ip)
{
	char w[16], m[16], tok[32];
	size_t at = lx->pos, mat;
	uint32_t v, bit = 0;

	if (!tx_word(lx, w, sizeof w) || lx->pos - at >= sizeof w)
		w[0] = '\0';
	if (ecn_mark(w, ip))
		bit = SEG_HAS_ECN;
	else if (strcmp(w, "ecn") == 0) {
		if (!tx_need_space(lx, w))
			return false;
		mat = lx->pos;
		if (!tx_word(lx, m, sizeof m) || lx->pos - mat >= sizeof m ||
		    !ecn_mark(m, ip))
			return tx_fail(lx, mat, "expected an ECN mark after ecn "
			    "(ect0, ect1, ect01, ce or noecn)");
		bit = SEG_HAS_ECN;
	} else if (strcmp(w, "ttl") == 0 || strcmp(w, "hlim") == 0) {
		bit = SEG_HAS_TTL;
		if (!tx_need_space(lx, w) ||
		    !tx_number(lx, w, UINT8_MAX, &v))
			return false;
		seg->ttl = (uint8_t)v;
	} else if (strcmp(w, "tos") == 0 || strcmp(w, "class") == 0) {
		bit = SEG_HAS_TOS;
		if (!tx_need_space(lx, w) ||
		    !tx_number_hex(lx, w, UINT8_MAX, &v))
			return false;
		ip->tos = (uint8_t)v;
	} else if (strcmp(w, "dscp") == 0) {
		bit = SEG_HAS_DSCP;
		if (!parse_dscp(lx, ip))
			return false;
	} else if (strcmp(w, "flowlabel") == 0) {
		bit = SEG_HAS_FLOWLABEL;
		if (!tx_need_space(lx, w) ||
		    !tx_number_hex(lx, w, 0xfffff, &v))
			return false;
		seg->flowlabel = v;
	} else
		return tx_fail(lx, at, "unknown IP field '%s' (expected ttl N, "
		    "hlim N, tos N, class N, dscp N, flowlabel N, ecn MARK, "
		    "ect0, ect1, ect01, ce or noecn)",
		    tx_token(lx, at, tok, sizeof tok));
	if ((ip->has & bit) || (bit == SEG_HAS_DSCP && (ip->has &
	    SEG_HAS_TOS)) || (bit == SEG_HAS_TOS && (ip->has & SEG_HAS_DSCP)))
		return tx_fail(lx, at, "'%s' given twice", bit == SEG_HAS_ECN ?
		    "ECN mark" : bit == SEG_HAS_TTL ? "ttl (hlim)" :
		    bit == SEG_HAS_FLOWLABEL ? w : "tos (class, dscp)");
	ip->has |= bit;
	return true;
}

/* "(ttl N)", "(tos N)", "[ect0]", "(ttl 4, dscp af11, ecn ect0)"...; the
 * cursor is on '(' or '['. packetdrill's IPv6 names (hlim, class) are
 * the same fields. */
static bool
parse_ipfield(struct lexer *lx, struct segment *seg, struct ipfields *ip)
{
	char close = tx_peek(lx) == '(' ? ')' : ']';

	lx->pos++;
	for (;;) {
		tx_skip_ws(lx);
		if (!parse_ipfield_one(lx, seg, ip))
			return false;
		tx_skip_ws(lx);
		if (tx_peek(lx) != ',')
			break;
		lx->pos++;
	}
	if (tx_peek(lx) != close)
		return tx_fail(lx, lx->pos, "expected '%c' after the IP field",
		    close);
	lx->pos++;
	return true;
}

static bool
parse_ports(struct lexer *lx, struct segment *seg)
{
	uint32_t sp, dp;

	if (!tx_number(lx, "source port", UINT16_MAX, &sp))
		return false;
	lx->pos++;		/* '>', checked by the caller */
	if (!tx_number(lx, "destination port", UINT16_MAX, &dp))
		return false;
	seg->sport = (uint16_t)sp;
	seg->dport = (uint16_t)dp;
	seg->has |= SEG_HAS_PORTS;
	return true;
}

/* packetdrill's lexer takes "F ." as "F.": a lone '.' after the letters
 * (not "...(len)", not a number) is the ACK flag. */
static bool
parse_flags_ack(struct lexer *lx, struct segment *seg)
{
	size_t j = lx->pos;

	while (is_space(lx->s[j]))
		j++;
	if (j == lx->pos || (seg->flags & TH_ACK_) || lx->s[j] != '.' ||
	    (lx->s[j + 1] != '\0' && !is_space(lx->s[j + 1])))
		return true;
	seg->flags |= TH_ACK_;
	lx->pos = j + 1;
	return true;
}

/* An ACE digit (AccECN's 3-bit counter in ECE, CWR and AE): packetdrill
 * writes "S.5" for ECE, AE and ACK. */
static bool
parse_flag_ace(struct lexer *lx, struct segment *seg, bool *ace)
{
	uint8_t v = (uint8_t)(tx_peek(lx) - '0');

	if (*ace || (seg->flags & (TH_ECE_ | TH_CWR_)) || seg->ae)
		return tx_fail(lx, lx->pos, "flag '%c': an ACE digit (0-7) "
		    "stands for E, W and A together, once", tx_peek(lx));
	*ace = true;
	if (v & 1)
		seg->flags |= TH_ECE_;
	if (v & 2)
		seg->flags |= TH_CWR_;
	seg->ae = (v & 4) != 0;
	lx->pos++;
	return true;
}

/* ae_ok: a packet line, where AccECN's A and ACE digits may come; the
 * command line's --flags sets the flags byte only. */
static bool
parse_flags(struct lexer *lx, struct segment *seg, bool ae_ok)
{
	/* Bit i of the flags byte is letters[i]. */
	static const char letters[] = "FSRP.UEW";
	const char *all = ae_ok ? "SFRPUEWA" : "SFRPUEW";
	size_t at = lx->pos;
	const char *p;
	bool ace = false;
	char c;

	if (tx_peek(lx) == '-' && (is_space(lx->s[at + 1]) ||
	    lx->s[at + 1] == '\0')) {
		lx->pos++;
		return true;
	}
	if (tx_peek(lx) == '\0' || is_space(tx_peek(lx)))
		return tx_fail(lx, at, "expected flags (letters from %s, '.' "
		    "or '-')", all);
	while ((c = tx_peek(lx)) != '\0' && !is_space(c)) {
		if (ae_ok && c >= '0' && c <= '7') {
			if (!parse_flag_ace(lx, seg, &ace))
				return false;
			continue;
		}
		p = strchr(letters, c);
		if (ae_ok && c == 'A' && !seg->ae && !ace) {
			seg->ae = true;
			lx->pos++;
			continue;
		}
		if (p == NULL && (c == 'C' || (c == 'A' && !ae_ok)))
			return tx_fail(lx, lx->pos, "unknown flag '%c' (ACK "
			    "is '.', CWR is 'W')", c);
		if (p == NULL && c != 'A')
			return tx_fail(lx, lx->pos, "unknown flag '%c' "
			    "(expected letters from %s, '.' or '-')", c, all);
		if (c == 'A' || (seg->flags & (1u << (p - letters))) ||
		    (ace && (c == 'E' || c == 'W')))
			return tx_fail(lx, lx->pos, ace ? "flag '%c' with an "
			    "ACE digit, which sets E, W and A" :
			    "flag '%c' given twice", c);
		seg->flags |= (uint8_t)(1u << (p - letters));
		lx->pos++;
	}
	return parse_flags_ack(lx, seg);
}

bool
segment_parse_flags(const char *text, uint8_t *flags, struct text_error *err)
{
	struct lexer lx = { text, 0, err };
	struct segment seg;

	memset(err, 0, sizeof *err);
	seg.flags = 0;
	seg.ae = false;
	if (!parse_flags(&lx, &seg, false))
		return false;
	if (tx_peek(&lx) != '\0')
		return tx_fail(&lx, lx.pos, "expected flags (letters from "
		    "SFRPUEW, '.' or '-')");
	*flags = seg.flags;
	return true;
}

/* One number of start:end, or '*'; a trailing '!' sets *bang. */
static bool
parse_seqnum(struct lexer *lx, const char *what, bool *any, bool *bang,
    uint32_t *v)
{
	*any = *bang = false;
	if (tx_peek(lx) == '*') {
		lx->pos++;
		*any = true;
		return true;
	}
	if (!is_digit(tx_peek(lx)))
		return tx_fail(lx, lx->pos, "expected sequence numbers "
		    "start:end(len)");
	if (!tx_number(lx, what, UINT32_MAX, v))
		return false;
	if (tx_peek(lx) == '!') {
		lx->pos++;
		*bang = true;
	}
	return true;
}

static bool
parse_seq(struct lexer *lx, struct segment *seg)
{
	uint32_t start = 0, end = 0, len;
	bool any1, any2, bang1, bang2;
	size_t at = lx->pos, lenat;

	if (strncmp(lx->s + at, "...", 3) == 0 && lx->s[at + 3] == '(') {
		/* packetdrill's "...(len)": any sequence numbers. */
		lx->pos += 3;
		any1 = any2 = true;
		bang1 = bang2 = false;
		goto len;
	}
	if (!parse_seqnum(lx, "start sequence number", &any1, &bang1, &start))
		return false;
	if (tx_peek(lx) != ':')
		return tx_fail(lx, lx->pos, "expected ':' after the start "
		    "sequence number (start:end(len))");
	lx->pos++;
	if (!parse_seqnum(lx, "end sequence number", &any2, &bang2, &end))
		return false;
	if (any1 != any2)
		return tx_fail(lx, at, "'*' must stand for both numbers: "
		    "*:*(len)");
len:
	if (tx_peek(lx) != '(')
		return tx_fail(lx, lx->pos, "expected '(len)' after start:end");
	lx->pos++;
	lenat = lx->pos;
	if (!tx_number(lx, "length", UINT16_MAX, &len))
		return false;
	if (tx_peek(lx) != ')')
		return tx_fail(lx, lx->pos, "expected ')' after the length");
	lx->pos++;
	if (tx_peek(lx) == '!' && !any1) {
		/* packetdrill's "start:end(len)!": absolute, as "start!". */
		lx->pos++;
		bang1 = true;
	}
	if (!any1 && end - start != len)
		return tx_fail(lx, lenat, "end - start (%u) does not match the "
		    "length (%u)", end - start, len);
	seg->seq = start;
	seg->len = len;
	if (any1)
		seg->has |= SEG_ANY_SEQ;
	if (bang1 || bang2)
		seg->has |= SEG_ABS_SEQ;
	return true;
}

/* "ack N", "ack N!", "ack *", "win N", "win *", "urg N"; the cursor is past
 * the keyword. */
static bool
parse_keyword(struct lexer *lx, struct segment *seg, const char *w)
{
	uint32_t v;

	if (!tx_need_space(lx, w))
		return false;
	if (w[0] != 'u' && tx_peek(lx) == '*') {
		lx->pos++;
		seg->has |= w[0] == 'a' ? SEG_HAS_ACK | SEG_ANY_ACK :
		    SEG_HAS_WIN | SEG_ANY_WIN;
		return true;
	}
	if (w[0] == 'a') {
		if (!tx_number(lx, "ack number", UINT32_MAX, &seg->ack))
			return false;
		seg->has |= SEG_HAS_ACK;
		if (tx_peek(lx) == '!') {
			lx->pos++;
			seg->has |= SEG_ABS_ACK;
		}
		return true;
	}
	if (!tx_number(lx, w[0] == 'w' ? "window" : "urgent pointer",
	    UINT16_MAX, &v))
		return false;
	if (w[0] == 'w') {
		seg->win = (uint16_t)v;
		seg->has |= SEG_HAS_WIN;
	} else {
		seg->urg = (uint16_t)v;
		seg->has |= SEG_HAS_URG;
	}
	return true;
}

static bool
tx_trailing(struct lexer *lx, size_t at)
{
	char tok[40];
	size_t n = strlen(lx->s + at);

	while (n > 0 && is_space(lx->s[at + n - 1]))
		n--;
	if (n < sizeof tok)
		snprintf(tok, sizeof tok, "%.*s", (int)n, lx->s + at);
	else
		snprintf(tok, sizeof tok, "%.*s...", (int)sizeof tok - 4,
		    lx->s + at);
	return tx_fail(lx, at, "trailing text '%s'", tok);
}

/* Everything after SEQ, in any order, each part once. */
static bool
parse_tail(struct lexer *lx, struct segment *seg, struct ipfields *ip)
{
	char w[8];
	size_t at;
	uint32_t bit;

	for (tx_skip_ws(lx); tx_peek(lx) != '\0'; tx_skip_ws(lx)) {
		at = lx->pos;
		if (tx_peek(lx) == '(' || tx_peek(lx) == '[') {
			if (!parse_ipfield(lx, seg, ip))
				return false;
			continue;
		}
		if (tx_peek(lx) == '<') {
			if (seg->has & SEG_HAS_OPTS)
				return tx_fail(lx, at, "options given twice");
			if (!parse_opts(lx, seg))
				return false;
			continue;
		}
		if (tx_peek(lx) == '"' || (tx_peek(lx) == '0' &&
		    (lx->s[at + 1] == 'x' || lx->s[at + 1] == 'X'))) {
			if (seg->has & SEG_HAS_DATA)
				return tx_fail(lx, at, "payload given twice");
			if (!parse_payload(lx, seg))
				return false;
			continue;
		}
		if (!tx_word(lx, w, sizeof w) || lx->pos - at >= sizeof w)
			return tx_trailing(lx, at);
		if (strcmp(w, "ack") == 0)
			bit = SEG_HAS_ACK;
		else if (strcmp(w, "win") == 0)
			bit = SEG_HAS_WIN;
		else if (strcmp(w, "urg") == 0)
			bit = SEG_HAS_URG;
		else
			return tx_trailing(lx, at);
		if (seg->has & bit)
			return tx_fail(lx, at, "'%s' given twice", w);
		if (!parse_keyword(lx, seg, w))
			return false;
	}
	return true;
}

/* Port info, when the line opens with a number followed by '>'. */
static bool
parse_head(struct lexer *lx, struct segment *seg, struct ipfields *ip)
{
	size_t n = 0;

	for (tx_skip_ws(lx); tx_peek(lx) == '(' || tx_peek(lx) == '[';
	    tx_skip_ws(lx))
		if (!parse_ipfield(lx, seg, ip))
			return false;
	while (is_digit(lx->s[lx->pos + n]))
		n++;
	if (n > 0 && lx->s[lx->pos + n] == '>') {
		if (!parse_ports(lx, seg))
			return false;
		tx_skip_ws(lx);
	} else if (n > 0)
		return tx_fail(lx, lx->pos, "expected flags (letters from "
		    "SFRPUEWA, '.' or '-')");
	if (!parse_flags(lx, seg, true))
		return false;
	tx_skip_ws(lx);
	return parse_seq(lx, seg);
}

bool
segment_parse(const char *text, struct segment *seg, struct text_error *err)
{
	struct lexer lx = { text, 0, err };
	struct ipfields ip = { 0, 0, 0, 0 };

	segment_clear(seg);
	if (err != NULL) {
		err->column = 0;
		err->msg[0] = '\0';
	}
	if (!parse_head(&lx, seg, &ip) || !parse_tail(&lx, seg, &ip)) {
		segment_clear(seg);
		return false;
	}
	seg->has |= ip.has;
	if (ip.has & SEG_HAS_TOS)
		seg->tos = ip.tos;
	if (ip.has & SEG_HAS_DSCP)
		seg->tos = (uint8_t)(ip.dscp << 2);
	if (ip.has & SEG_HAS_ECN)
		seg->tos = (uint8_t)((seg->tos & ~3u) | ip.ecn);
	return true;
}

/* --------------------------------------------------------------- printer */

struct sbuf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static void sbuf_printf(struct sbuf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Never NULL, even when nothing was printed. */
static char *
sbuf_done(struct sbuf *b)
{
	if (b->s == NULL)
		return xstrdup("");
	return b->s;
}

static void
fmt_hex(struct sbuf *b, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sbuf_printf(b, "%02x", p[i]);
}

static void
fmt_opt_named(struct sbuf *b, const struct tcp_option *o)
{
	int i;

	switch (o->kind) {
	case OPT_MSS:
		sbuf_printf(b, "mss %u", o->u.mss);
		break;
	case OPT_WSCALE:
		sbuf_printf(b, "wscale %u", o->u.wscale);
		break;
	case OPT_SACKOK:
		sbuf_printf(b, "sackOK");
		break;
	case OPT_TS:
		sbuf_printf(b, "TS val %u ecr %u", o->u.ts.val, o->u.ts.ecr);
		break;
	default:
		sbuf_printf(b, "sack");
		for (i = 0; i < o->u.sack.n; i++)
			sbuf_printf(b, " %u:%u", o->u.sack.b[i].left,
			    o->u.sack.b[i].right);
		break;
	}
}

/* "ECN e0b N ..." when o is an AccECN option of whole counters. */
static bool
fmt_opt_accecn(struct sbuf *b, const struct tcp_option *o)
{
	size_t n = o->len >= 2 ? (o->len - 2u) / 3 : 0, i;
	int order = o->kind == 174;
	const uint8_t *d = o->u.raw;

	if ((o->kind != 172 && o->kind != 174) || n == 0 || n > 3 ||
	    o->len != 2 + 3 * n)
		return false;
	sbuf_printf(b, "ECN");
	for (i = 0; i < n; i++)
		sbuf_printf(b, " %s %u", accecn_fields[order][i],
		    (unsigned)d[3 * i] << 16 | (unsigned)d[3 * i + 1] << 8 |
		    d[3 * i + 2]);
	return true;
}

static void
fmt_opt(struct sbuf *b, const struct tcp_option *o)
{
	size_t n = o->len >= 2 ? o->len - 2u : 0;
	uint8_t d[40];

	if (o->kind == OPT_EOL || o->kind == OPT_NOP) {
		sbuf_printf(b, "%s", opt_kind_name(o->kind));
		return;
	}
	if (n > OPT_MAX_RAW)
		n = OPT_MAX_RAW;
	if (opt_has_fields(o->kind)) {
		if (opt_is_plain(o)) {
			fmt_opt_named(b, o);
			return;
		}
		opt_fields_to(o, d);
	} else
		memcpy(d, o->u.raw, n);
	if (o->kind == 19 && o->any_data) {
		sbuf_printf(b, "md5 valid");
		return;
	}
	if (fmt_opt_accecn(b, o))
		return;
	if (o->kind == 34 || (o->kind == 19 && n == 16)) {
		sbuf_printf(b, "%s%s", o->kind == 34 ? "FO" : "md5",
		    n > 0 ? " " : "");
		fmt_hex(b, d, n);
		return;
	}
	if (o->kind == 254 && n >= 2 && d[0] == 0xf9 && d[1] == 0x89) {
		sbuf_printf(b, "FOEXP%s", n > 2 ? " " : "");
		fmt_hex(b, d + 2, n - 2);
		return;
	}
	sbuf_printf(b, "kind %u%s", o->kind, n > 0 ? " 0x" : "");
	fmt_hex(b, d, n);
}

static void
fmt_opts(struct sbuf *b, const struct segment *seg)
{
	int i;

	if (seg->has & SEG_ANY_OPTS) {
		sbuf_printf(b, "<...>");
		return;
	}
	sbuf_printf(b, "<");
	for (i = 0; i < seg->nopts; i++) {
		if (i > 0)
			sbuf_printf(b, ",");
		fmt_opt(b, &seg->opts[i]);
	}
	sbuf_printf(b, ">");
}

char *
segment_format_opts(const struct segment *seg)
{
	struct sbuf b = { NULL, 0, 0 };

	fmt_opts(&b, seg);
	return sbuf_done(&b);
}

/* One payload byte inside quotes; `next` decides whether \0 is safe. */
static void
fmt_char(struct sbuf *b, uint8_t c, int next)
{
	switch (c) {
	case '\r':
		sbuf_printf(b, "\\r");
		break;
	case '\n':
		sbuf_printf(b, "\\n");
		break;
	case '\t':
		sbuf_printf(b, "\\t");
		break;
	case '\\':
	case '"':
		sbuf_printf(b, "\\%c", c);
		break;
	case '\0':
		/* "\0" then a digit would read as one octal escape. */
		sbuf_printf(b, next >= '0' && next <= '7' ? "\\x00" : "\\0");
		break;
	default:
		if (c >= 0x20 && c < 0x7f)
			sbuf_printf(b, "%c", c);
		else
			sbuf_printf(b, "\\x%02x", c);
		break;
	}
}

static void
fmt_cstring(struct sbuf *b, const uint8_t *p, size_t len, size_t max)
{
	size_t i, n = max > 0 && max < len ? max : len;

	sbuf_printf(b, "\"");
	for (i = 0; i < n; i++)
		fmt_char(b, p[i], i + 1 < n ? p[i + 1] : -1);
	sbuf_printf(b, "\"%s", n < len ? "..." : "");
}

char *
segment_format_data(const uint8_t *p, size_t len, size_t max)
{
	struct sbuf b = { NULL, 0, 0 };

	fmt_cstring(&b, p, len, max);
	return sbuf_done(&b);
}

/* Mostly binary payloads read better, and shorter, as 0x hex. */
static void
fmt_payload(struct sbuf *b, const uint8_t *p, size_t len, size_t max)
{
	size_t i, binary = 0, n = max > 0 && max < len ? max : len;

	for (i = 0; i < len; i++)
		if ((p[i] < 0x20 || p[i] >= 0x7f) && p[i] != '\r' &&
		    p[i] != '\n' && p[i] != '\t')
			binary++;
	if (len == 0 || binary * 2 <= len) {
		fmt_cstring(b, p, len, max);
		return;
	}
	sbuf_printf(b, "0x");
	fmt_hex(b, p, n);
	sbuf_printf(b, "%s", n < len ? "..." : "");
}

static void
fmt_ip(struct sbuf *b, const struct segment *seg)
{
	static const char *ecn_names[] = { "noecn", "ect1", "ect0", "ce" };

	if (seg->has & SEG_HAS_TTL)
		sbuf_printf(b, " (ttl %u)", seg->ttl);
	if (seg->has & SEG_HAS_TOS)
		sbuf_printf(b, " (tos 0x%02x)", seg->tos);
	else if (seg->has & SEG_HAS_DSCP)
		sbuf_printf(b, " (dscp 0x%02x)", seg->tos >> 2);
	if (seg->has & SEG_HAS_FLOWLABEL)
		sbuf_printf(b, " (flowlabel 0x%05x)", seg->flowlabel);
	if (seg->has & SEG_ECN_ECT01)
		sbuf_printf(b, " [ect01]");
	else if (seg->has & SEG_HAS_ECN)
		sbuf_printf(b, " [%s]", ecn_names[seg->tos & 3]);
}

static void
fmt_seq(struct sbuf *b, const struct segment *seg)
{
	if (seg->has & SEG_ANY_SEQ)
		sbuf_printf(b, " *:*(%u)", seg->len);
	else
		sbuf_printf(b, " %u%s:%u(%u)", seg->seq,
		    (seg->has & SEG_ABS_SEQ) ? "!" : "",
		    (uint32_t)(seg->seq + seg->len), seg->len);
	if (seg->has & SEG_ANY_ACK)
		sbuf_printf(b, " ack *");
	else if (seg->has & SEG_HAS_ACK)
		sbuf_printf(b, " ack %u%s", seg->ack,
		    (seg->has & SEG_ABS_ACK) ? "!" : "");
	if (seg->has & SEG_ANY_WIN)
		sbuf_printf(b, " win *");
	else if (seg->has & SEG_HAS_WIN)
		sbuf_printf(b, " win %u", seg->win);
	if (seg->has & SEG_HAS_URG)
		sbuf_printf(b, " urg %u", seg->urg);
}

char *
segment_format(const struct segment *seg, int fmt)
{
	struct sbuf b = { NULL, 0, 0 };
	char flags[16];

	if ((fmt & SEGFMT_PORTS) && (seg->has & SEG_HAS_PORTS))
		sbuf_printf(&b, "%u>%u ", seg->sport, seg->dport);
	sbuf_printf(&b, "%s", segment_flags_ae_str(seg->flags, seg->ae, flags,
	    sizeof flags));
	fmt_seq(&b, seg);
	if (seg->nopts > 0 || (seg->has & SEG_ANY_OPTS) ||
	    ((seg->has & SEG_HAS_OPTS) && !(fmt & SEGFMT_PREVIEW))) {
		sbuf_printf(&b, " ");
		fmt_opts(&b, seg);
	}
	if ((fmt & (SEGFMT_PAYLOAD | SEGFMT_PREVIEW)) && (seg->data != NULL ||
	    ((seg->has & SEG_HAS_DATA) && seg->len == 0))) {
		sbuf_printf(&b, " ");
		fmt_payload(&b, seg->data, seg->data != NULL ? seg->len : 0,
		    (fmt & SEGFMT_PAYLOAD) ? 0 : PREVIEW_BYTES);
	}
	if (fmt & SEGFMT_IP)
		fmt_ip(&b, seg);
	return sbuf_done(&b);
}
