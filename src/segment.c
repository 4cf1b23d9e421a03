/* SPDX-License-Identifier: GPL-2.0-or-later */
/* segment.c: struct segment's life (init, copy, clear), its options list,
 * flag letters, and the addresses it carries. The text form is in
 * segment-text.c. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "segment.h"
#include "xmalloc.h"

void
segment_init(struct segment *seg)
{
	memset(seg, 0, sizeof *seg);
}

void
segment_clear(struct segment *seg)
{
	free(seg->data);
	segment_init(seg);
}

void
segment_copy(struct segment *dst, const struct segment *src)
{
	if (dst == src)
		return;
	free(dst->data);
	*dst = *src;
	dst->data = NULL;
	if (src->len > 0 && src->data != NULL)
		dst->data = memcpy(xmalloc(src->len), src->data, src->len);
}

void
segment_set_data(struct segment *seg, const void *data, uint32_t len)
{
	free(seg->data);
	seg->data = NULL;
	seg->len = len;
	if (len > 0) {
		seg->data = xmalloc(len);
		if (data != NULL)
			memcpy(seg->data, data, len);
		else
			memset(seg->data, 0, len);
	}
}

uint32_t
segment_seqlen(const struct segment *seg)
{
	return seg->len + ((seg->flags & TH_SYN_) ? 1 : 0) +
	    ((seg->flags & TH_FIN_) ? 1 : 0);
}

static size_t
opt_wire_len(const struct tcp_option *o)
{
	switch (o->kind) {
	case OPT_EOL:
	case OPT_NOP:
		return 1;
	default:
		return o->len;
	}
}

size_t
segment_optlen(const struct segment *seg)
{
	size_t n = 0;
	int i;

	for (i = 0; i < seg->nopts; i++)
		n += opt_wire_len(&seg->opts[i]);
	return n;
}

bool
segment_add_opt(struct segment *seg, const struct tcp_option *o)
{
	if (seg->nopts >= SEG_MAX_OPTS)
		return false;
	seg->opts[seg->nopts++] = *o;
	return true;
}

const struct tcp_option *
segment_find_opt(const struct segment *seg, uint8_t kind)
{
	int i;

	for (i = 0; i < seg->nopts; i++)
		if (seg->opts[i].kind == kind)
			return &seg->opts[i];
	return NULL;
}

/* packetdrill's letters, in its order; ACK prints last as '.'. */
static const struct {
	uint8_t	bit;
	char	letter;
} flag_letters[] = {
	{ TH_FIN_, 'F' }, { TH_SYN_, 'S' }, { TH_RST_, 'R' }, { TH_PSH_, 'P' },
	{ TH_URG_, 'U' }, { TH_ECE_, 'E' }, { TH_CWR_, 'W' }, { TH_ACK_, '.' },
};

char *
segment_flags_str(uint8_t flags, char *buf, size_t len)
{
	size_t i, n = 0;

	if (len < 10) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	/* SYN first, as packetdrill prints "S." rather than ".S". */
	if (flags & TH_SYN_)
		buf[n++] = 'S';
	for (i = 0; i < sizeof flag_letters / sizeof flag_letters[0]; i++) {
		if (flag_letters[i].bit == TH_SYN_)
			continue;
		if (flags & flag_letters[i].bit)
			buf[n++] = flag_letters[i].letter;
	}
	if (n == 0)
		buf[n++] = '-';
	buf[n] = '\0';
	return buf;
}

char *
segment_flags_ae_str(uint8_t flags, bool ae, char *buf, size_t len)
{
	size_t n;

	segment_flags_str(flags, buf, len);
	n = strlen(buf);
	if (ae && n + 1 < len) {
		if (strcmp(buf, "-") == 0)
			n = 0;
		/* Before the ACK's '.', which the flags end with. */
		if (n > 0 && buf[n - 1] == '.')
			n--;
		buf[n++] = 'A';
		if (flags & TH_ACK_)
			buf[n++] = '.';
		buf[n] = '\0';
	}
	return buf;
}

static const struct {
	uint8_t		 kind;
	const char	*name;
} opt_names[] = {
	{ OPT_EOL, "eol" }, { OPT_NOP, "nop" }, { OPT_MSS, "mss" },
	{ OPT_WSCALE, "wscale" }, { OPT_SACKOK, "sackOK" },
	{ OPT_SACK, "sack" }, { OPT_TS, "TS" },
};

const char *
opt_kind_name(uint8_t kind)
{
	size_t i;

	for (i = 0; i < sizeof opt_names / sizeof opt_names[0]; i++)
		if (opt_names[i].kind == kind)
			return opt_names[i].name;
	return NULL;
}

bool
ipaddr_parse(const char *s, struct ipaddr *a)
{
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = AF_INET6;
		return true;
	}
	a->family = AF_UNSPEC;
	return false;
}

char *
ipaddr_str(const struct ipaddr *a, char *buf, size_t len)
{
	if (a->family == AF_UNSPEC ||
	    inet_ntop(a->family, a->a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

size_t
ipaddr_len(const struct ipaddr *a)
{
	switch (a->family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	default:
		return 0;
	}
}

bool
ipaddr_eq(const struct ipaddr *x, const struct ipaddr *y)
{
	return x->family == y->family &&
	    memcmp(x->a, y->a, ipaddr_len(x)) == 0;
}
