/* SPDX-License-Identifier: GPL-2.0-or-later */
/* icmp.c: ICMP errors about a TCP segment: packetdrill's names for their
 * types and codes (RFC 792, 1191, 4443), the line's text form, and the
 * numbers a family gives the words. */
#include "config.h"

#include <sys/socket.h>

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmp.h"
#include "xmalloc.h"

struct icmp_code_name {
	uint8_t		 code;
	const char	*name;
};

/* An error type of one family; mtu: "mtu N" fills bytes 4-7 (with code
 * mtu_code). */
struct icmp_type_name {
	int		 family;
	uint8_t		 type;
	const char	*name;
	const struct icmp_code_name *codes;
	bool		 mtu;
	uint8_t		 mtu_code;
};

static const struct icmp_code_name v4_unreach[] = {
	{ 0, "net_unreachable" }, { 1, "host_unreachable" },
	{ 2, "protocol_unreachable" }, { 3, "port_unreachable" },
	{ 4, "frag_needed" }, { 5, "source_route_failed" },
	{ 6, "net_unknown" }, { 7, "host_unknown" },
	{ 8, "source_host_isolated" }, { 9, "net_prohibited" },
	{ 10, "host_prohibited" }, { 11, "net_unreachable_for_tos" },
	{ 12, "host_unreachable_for_tos" }, { 13, "packet_filtered" },
	{ 14, "precedence_violation" }, { 15, "precedence_cutoff" },
	{ 0, NULL },
};

static const struct icmp_code_name v6_unreach[] = {
	{ 0, "net_unreachable" }, { 0, "no_route" },
	{ 1, "admin_prohibited" }, { 2, "not_neighbour" },
	{ 3, "address_unreachable" }, { 4, "port_unreachable" },
	{ 0, NULL },
};

static const struct icmp_code_name v6_time[] = {
	{ 0, "exceeded_hop_limit" }, { 1, "exceeded_frag_time" },
	{ 0, NULL },
};

static const struct icmp_code_name v6_param[] = {
	{ 0, "header_field" }, { 1, "unknown_next_header" },
	{ 2, "unknown_option" },
	{ 0, NULL },
};

/* The errors a segment can draw: the ones that quote it. packetdrill's
 * other types (echo, redirect, timestamps, ...) are no error about a TCP
 * segment, and refused by name. */
static const struct icmp_type_name icmp_types[] = {
	{ AF_INET, 3, "unreachable", v4_unreach, true, 4 },
	{ AF_INET, 4, "source_quench", NULL, false, 0 },
	{ AF_INET, 11, "time_exceeded", NULL, false, 0 },
	{ AF_INET, 12, "parameter_problem", NULL, false, 0 },
	{ AF_INET6, 1, "unreachable", v6_unreach, false, 0 },
	{ AF_INET6, 2, "packet_too_big", NULL, true, 0 },
	{ AF_INET6, 3, "time_exceeded", v6_time, false, 0 },
	{ AF_INET6, 4, "parameter_problem", v6_param, false, 0 },
};
#define NTYPES	(sizeof icmp_types / sizeof icmp_types[0])

static const char *const icmp_not_errors[] = {
	"echo_reply", "echo_request", "redirect", "timestamp_request",
	"timestamp_reply", "information_request", "information_reply",
	"address_mask_request", "address_mask_reply", NULL,
};

static const char *
family_name(int family)
{
	return family == AF_INET6 ? "ICMPv6" : "ICMP (IPv4)";
}

/* "type_N", "code_N": tcpdump's notation, any number 0-255. */
static bool
numbered(const char *word, const char *prefix, uint8_t *v)
{
	size_t n = strlen(prefix);
	char *end;
	unsigned long x;

	if (strncmp(word, prefix, n) != 0 || !isdigit((unsigned char)word[n]))
		return false;
	x = strtoul(word + n, &end, 10);
	if (*end != '\0' || x > 255)
		return false;
	*v = (uint8_t)x;
	return true;
}

static const struct icmp_type_name *
type_of(int family, const char *name)
{
	size_t i;

	for (i = 0; i < NTYPES; i++)
		if (icmp_types[i].family == family &&
		    strcmp(icmp_types[i].name, name) == 0)
			return &icmp_types[i];
	return NULL;
}

static const struct icmp_type_name *
type_num(int family, uint8_t type)
{
	size_t i;

	for (i = 0; i < NTYPES; i++)
		if (icmp_types[i].family == family && icmp_types[i].type == type)
			return &icmp_types[i];
	return NULL;
}

static bool
code_of(const struct icmp_type_name *t, const char *name, uint8_t *code)
{
	size_t i;

	for (i = 0; t != NULL && t->codes != NULL && t->codes[i].name != NULL;
	    i++)
		if (strcmp(t->codes[i].name, name) == 0) {
			*code = t->codes[i].code;
			return true;
		}
	return false;
}

static void seterr(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

bool
icmp_resolve(const struct icmp_msg *m, int family, struct icmp_wire *w,
    char *err, size_t errlen)
{
	const struct icmp_type_name *t = type_of(family, m->type);

	memset(w, 0, sizeof *w);
	segment_init(&w->quote);
	if (t != NULL)
		w->type = t->type;
	else if (!numbered(m->type, "type_", &w->type)) {
		seterr(err, errlen, "%s has no error type '%s'%s",
		    family_name(family), m->type, family == AF_INET &&
		    strcmp(m->type, "packet_too_big") == 0 ? " (IPv4's is "
		    "'unreachable frag_needed')" : "");
		return false;
	}
	if (m->code[0] != '\0' && !code_of(t, m->code, &w->code) &&
	    !numbered(m->code, "code_", &w->code)) {
		seterr(err, errlen, "%s %s has no code '%s'%s",
		    family_name(family), m->type, m->code, family == AF_INET6 &&
		    strcmp(m->code, "frag_needed") == 0 ? " (ICMPv6's is "
		    "'packet_too_big mtu N')" : "");
		return false;
	}
	if (m->has_mtu) {
		if (t == NULL || !t->mtu || w->code != t->mtu_code) {
			seterr(err, errlen, "'mtu' goes only with %s",
			    family == AF_INET ? "unreachable frag_needed" :
			    "packet_too_big");
			return false;
		}
		if (family == AF_INET && m->mtu > 65535) {
			seterr(err, errlen, "mtu %" PRIu32 " does not fit in "
			    "IPv4's 16 bits", m->mtu);
			return false;
		}
		w->rest = m->mtu;
	}
	return true;
}

/* Some family knows the words: what the parser checks before the run
 * picks one. */
static bool
check_words(const struct icmp_msg *m, char *err, size_t errlen)
{
	struct icmp_wire w;
	char e4[160], e6[160];
	size_t k;

	for (k = 0; icmp_not_errors[k] != NULL; k++)
		if (strcmp(m->type, icmp_not_errors[k]) == 0) {
			seterr(err, errlen, "icmp %s is no error about a TCP "
			    "segment (tcpshake sends unreachable, "
			    "packet_too_big, time_exceeded, parameter_problem, "
			    "source_quench)", m->type);
			return false;
		}
	if (icmp_resolve(m, AF_INET, &w, e4, sizeof e4) ||
	    icmp_resolve(m, AF_INET6, &w, e6, sizeof e6))
		return true;
	if (type_of(AF_INET, m->type) == NULL &&
	    type_of(AF_INET6, m->type) == NULL &&
	    !numbered(m->type, "type_", &w.type))
		seterr(err, errlen, "unknown ICMP type '%s' (unreachable, "
		    "packet_too_big, time_exceeded, parameter_problem, "
		    "source_quench, or type_N)", m->type);
	else
		seterr(err, errlen, "%s", type_of(AF_INET, m->type) == NULL &&
		    type_of(AF_INET6, m->type) != NULL ? e6 : e4);
	return false;
}

/* ---- text ---- */

struct lex {
	const char	*s;
	size_t		 i;
	struct text_error *err;
};

static bool lex_fail(struct lex *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static bool
lex_fail(struct lex *x, size_t at, const char *fmt, ...)
{
	va_list ap;

	x->err->column = (int)at + 1;
	va_start(ap, fmt);
	vsnprintf(x->err->msg, sizeof x->err->msg, fmt, ap);
	va_end(ap);
	return false;
}

static void
lex_ws(struct lex *x)
{
	while (x->s[x->i] == ' ' || x->s[x->i] == '\t')
		x->i++;
}

/* A word [A-Za-z0-9_]+ into buf; its length (0: none). */
static size_t
lex_word(struct lex *x, char *buf, size_t len)
{
	size_t n = 0;

	while (isalnum((unsigned char)x->s[x->i + n]) || x->s[x->i + n] == '_')
		n++;
	if (n > 0 && n < len) {
		memcpy(buf, x->s + x->i, n);
		buf[n] = '\0';
	}
	return n;
}

static bool
lex_num(struct lex *x, uint64_t max, uint64_t *v, const char *what)
{
	size_t at = x->i;
	uint64_t n = 0;

	if (!isdigit((unsigned char)x->s[x->i]))
		return lex_fail(x, at, "expected a number for %s", what);
	while (isdigit((unsigned char)x->s[x->i])) {
		n = n * 10 + (uint64_t)(x->s[x->i++] - '0');
		if (n > max)
			return lex_fail(x, at, "%s out of range (0-%" PRIu64
			    ")", what, max);
	}
	*v = n;
	return true;
}

static bool
lex_char(struct lex *x, char c, const char *what)
{
	if (x->s[x->i] != c)
		return lex_fail(x, x->i, "expected '%c' %s", c, what);
	x->i++;
	return true;
}

/* "[start:end(len)]"; x->i on the '['. */
static bool
parse_quote(struct lex *x, struct icmp_msg *m)
{
	size_t at = x->i;
	uint64_t start, end, len;
	char w[16];

	x->i++;
	if (lex_word(x, w, sizeof w) > 0 && (strcmp(w, "udp") == 0 ||
	    strcmp(w, "raw") == 0))
		return lex_fail(x, x->i, "not supported: this tool speaks TCP "
		    "(an ICMP error quoting %s)", w);
	if (!lex_num(x, UINT32_MAX, &start, "the quoted segment's start") ||
	    !lex_char(x, ':', "after the quoted segment's start") ||
	    !lex_num(x, UINT32_MAX, &end, "the quoted segment's end") ||
	    !lex_char(x, '(', "before the quoted segment's length") ||
	    !lex_num(x, 65535, &len, "the quoted segment's length") ||
	    !lex_char(x, ')', "after the quoted segment's length") ||
	    !lex_char(x, ']', "closing the quoted segment"))
		return false;
	if ((uint32_t)(start + len) != (uint32_t)end)
		return lex_fail(x, at, "inconsistent quoted segment: end "
		    "%" PRIu64 " is not start %" PRIu64 " + length %" PRIu64,
		    end, start, len);
	m->has_quote = true;
	m->seq = (uint32_t)start;
	m->len = (uint32_t)len;
	return true;
}

/* The words after "icmp": TYPE [CODE] [mtu N]. */
static bool
parse_words(struct lex *x, struct icmp_msg *m)
{
	char w[ICMP_NAME_MAX];
	uint64_t v;
	size_t n;

	if ((n = lex_word(x, m->type, sizeof m->type)) == 0 ||
	    n >= sizeof m->type)
		return lex_fail(x, x->i, "expected an ICMP type after 'icmp' "
		    "(unreachable, packet_too_big, time_exceeded, ...)");
	x->i += n;
	lex_ws(x);
	n = lex_word(x, w, sizeof w);
	if (n > 0 && n < sizeof w && strcmp(w, "mtu") != 0 &&
	    strcmp(w, "id") != 0) {
		memcpy(m->code, w, n + 1);
		x->i += n;
		lex_ws(x);
		n = lex_word(x, w, sizeof w);
	}
	if (n == 3 && strcmp(w, "mtu") == 0) {
		x->i += n;
		lex_ws(x);
		if (!lex_num(x, UINT32_MAX, &v, "mtu"))
			return false;
		m->has_mtu = true;
		m->mtu = (uint32_t)v;
		lex_ws(x);
		n = lex_word(x, w, sizeof w);
	}
	if (n == 2 && strcmp(w, "id") == 0)
		return lex_fail(x, x->i, "'id' is for ICMP echo, which this "
		    "tool does not send");
	if (n > 0)
		return lex_fail(x, x->i, "unexpected '%.*s' in an ICMP line "
		    "(icmp TYPE [CODE] [mtu N] [start:end(len)])", (int)n,
		    x->s + x->i);
	return true;
}

bool
icmp_parse(const char *text, struct icmp_msg *m, struct text_error *err)
{
	struct lex x = { text, 0, err };
	char why[160];
	size_t type_at;

	memset(m, 0, sizeof *m);
	err->column = 0;
	err->msg[0] = '\0';
	lex_ws(&x);
	if (strncmp(text + x.i, "icmp", 4) != 0 || (isalnum((unsigned char)
	    text[x.i + 4]) || text[x.i + 4] == '_'))
		return lex_fail(&x, x.i, "expected 'icmp'");
	x.i += 4;
	lex_ws(&x);
	type_at = x.i;
	if (!parse_words(&x, m))
		return false;
	if (text[x.i] == '[' && !parse_quote(&x, m))
		return false;
	lex_ws(&x);
	if (text[x.i] != '\0')
		return lex_fail(&x, x.i, "trailing text after the ICMP error");
	if (!check_words(m, why, sizeof why))
		return lex_fail(&x, type_at, "%s", why);
	return true;
}

char *
icmp_format(const struct icmp_msg *m)
{
	char code[ICMP_NAME_MAX + 1] = "", mtu[24] = "", quote[48] = "";
	char *out;

	if (m->code[0] != '\0')
		snprintf(code, sizeof code, " %s", m->code);
	if (m->has_mtu)
		snprintf(mtu, sizeof mtu, " mtu %" PRIu32, m->mtu);
	if (m->has_quote)
		snprintf(quote, sizeof quote, " [%" PRIu32 ":%" PRIu32 "(%"
		    PRIu32 ")]", m->seq, m->seq + m->len, m->len);
	xasprintf(&out, "icmp %s%s%s%s", m->type, code, mtu, quote);
	return out;
}

bool
icmp_has_mtu(int family, uint8_t type, uint8_t code)
{
	const struct icmp_type_name *t = type_num(family, type);

	return t != NULL && t->mtu && code == t->mtu_code;
}

void
icmp_from_wire(int family, uint8_t type, uint8_t code, uint32_t rest,
    uint32_t seq, uint32_t len, struct icmp_msg *m)
{
	const struct icmp_type_name *t = type_num(family, type);
	size_t i;

	memset(m, 0, sizeof *m);
	if (t != NULL)
		snprintf(m->type, sizeof m->type, "%s", t->name);
	else
		snprintf(m->type, sizeof m->type, "type_%u", type);
	for (i = 0; t != NULL && t->codes != NULL && t->codes[i].name != NULL;
	    i++)
		if (t->codes[i].code == code) {
			snprintf(m->code, sizeof m->code, "%s",
			    t->codes[i].name);
			break;
		}
	if (m->code[0] == '\0' && code != 0)
		snprintf(m->code, sizeof m->code, "code_%u", code);
	if (icmp_has_mtu(family, type, code)) {
		m->has_mtu = true;
		m->mtu = family == AF_INET ? rest & 0xffff : rest;
	}
	m->has_quote = true;
	m->seq = seq;
	m->len = len;
}
