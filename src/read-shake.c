/* SPDX-License-Identifier: GPL-2.0-or-later */
/* read-shake.c: `read --shake`, a capture's conversation with one endpoint
 * turned into scenario lines: flows, relative numbers, relative times. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "fmt.h"
#include "icmp.h"
#include "offload.h"
#include "read-shake.h"
#include "report.h"
#include "seqspace.h"
#include "xmalloc.h"

/* The two sides of a flow: whose ISN a number counts from. */
#define SIDE_PROBER	SEQ_LOCAL
#define SIDE_TARGET	SEQ_REMOTE

#define FLOW_NAME_LEN	8	/* "aaaaaaa": more flows than a file holds */

/* One connection with the endpoint. */
struct shake_flow {
	struct ipaddr	 peer;
	uint16_t	 pport;
	struct seqspace	 ss;		/* SEQ_LOCAL is the prober's */
	bool		 ts_shown;	/* a '>' line wrote the target's TS */
	uint16_t	 syn_mss[2];	/* MSS each side's SYN offered */
};

/* One packet line, kept until the flows are all known: the header
 * declares them before the first step. */
struct shake_line {
	int64_t		 t_ns;
	size_t		 flow;
	enum event_dir	 dir;
	char		*text;		/* the packet line after the direction */
};

struct shake {
	char		*source;
	struct ipaddr	 addr;
	uint16_t	 port;
	struct shake_flow *flows;
	size_t		 nflows, flows_cap;
	struct shake_line *lines;
	size_t		 nlines, lines_cap;
	size_t		 nicmp;		/* of the lines, ICMP errors' */
};

struct shake *
shake_new(const char *source, const struct ipaddr *addr, uint16_t port)
{
	struct shake *sh = xcalloc(1, sizeof *sh);

	sh->source = xstrdup(source);
	sh->addr = *addr;
	sh->port = port;
	return sh;
}

void
shake_free(struct shake *sh)
{
	size_t i;

	if (sh == NULL)
		return;
	for (i = 0; i < sh->nlines; i++)
		free(sh->lines[i].text);
	free(sh->lines);
	free(sh->flows);
	free(sh->source);
	free(sh);
}

size_t
shake_count(const struct shake *sh)
{
	return sh->nlines;
}

static bool
shake_is_target(const struct shake *sh, const struct ipaddr *a,
    uint16_t port)
{
	return port == sh->port && ipaddr_eq(a, &sh->addr);
}

/* The newest flow with the peer, or a new one. */
static size_t
shake_flow_of(struct shake *sh, const struct ipaddr *peer, uint16_t pport,
    int side, const struct segment *seg)
{
	struct shake_flow *f;
	size_t i;

	for (i = sh->nflows; i-- > 0;) {
		f = &sh->flows[i];
		if (f->pport == pport && ipaddr_eq(&f->peer, peer)) {
			/* A bare SYN with another ISN: a new connection
			 * on the same ports. */
			if (!seqspace_restarts(&f->ss, side, seg))
				return i;
			break;
		}
	}
	if (sh->nflows == sh->flows_cap) {
		sh->flows_cap = sh->flows_cap ? sh->flows_cap * 2 : 8;
		sh->flows = xreallocarray(sh->flows, sh->flows_cap,
		    sizeof *sh->flows);
	}
	f = &sh->flows[sh->nflows];
	memset(f, 0, sizeof *f);
	f->peer = *peer;
	f->pport = pport;
	return sh->nflows++;
}

/* What run must see from the target: its window is its own business, and
 * its options are checked where they are negotiated (its SYN) or where
 * run learns its TS clock from them (match.h); elsewhere <...>. */
static void
view_expected(struct shake_flow *f, struct segment *v)
{
	bool full = (v->flags & TH_SYN_) != 0;

	v->has &= ~(uint32_t)SEG_HAS_WIN;
	if (v->nopts == 0)
		return;
	if (!f->ts_shown && segment_find_opt(v, OPT_TS) != NULL) {
		full = true;
		f->ts_shown = true;
	}
	if (!full)
		v->has |= SEG_ANY_OPTS;
}

/* The segment as a packet line of flow f, learning ISNs on the way. */
static char *
shake_text(struct shake_flow *f, int side, const struct segment *seg)
{
	struct segment v = *seg;	/* shallow: the payload is borrowed */
	bool literal = false;
	char *line, *text;
	unsigned what;

	if ((seg->flags & TH_SYN_) && !f->ss.known[side]) {
		seqspace_set(&f->ss, side, seg->seq);
		/* The prober's first SYN carries its ISN as written. */
		literal = side == SIDE_PROBER;
	}
	v.has &= ~(uint32_t)(SEG_ABS_SEQ | SEG_ABS_ACK | SEG_ANY_OPTS |
	    SEG_ANY_SEQ | SEG_ANY_ACK | SEG_ANY_WIN);
	if (!literal && !f->ss.known[side])
		v.has |= SEG_ABS_SEQ;
	/* A number whose side's ISN is unknown stays absolute ('!'). */
	if ((v.has & SEG_HAS_ACK) && (!f->ss.known[1 - side] ||
	    !(v.flags & TH_ACK_)))
		v.has |= SEG_ABS_ACK;
	what = literal ? 0 : SEQSPACE_SEQ;
	if (v.has & SEG_HAS_ACK)
		what |= SEQSPACE_SACK | ((v.flags & TH_ACK_) ? SEQSPACE_ACK : 0);
	seqspace_to_rel(&f->ss, side, &v, what);
	if (v.nopts == 0)
		v.has &= ~(uint32_t)SEG_HAS_OPTS;
	if (side == SIDE_TARGET)
		view_expected(f, &v);
	if (!seg->truncated)
		return segment_format(&v, SEGFMT_PAYLOAD);
	/* The capture cut the payload: the line gives its length alone (a
	 * '<' line sends zeros, a '>' line takes any bytes) and says so. */
	v.data = NULL;
	v.has &= ~(uint32_t)SEG_HAS_DATA;
	line = segment_format(&v, SEGFMT_PAYLOAD);
	xasprintf(&text, "%s	# captured %" PRIu32 " of %" PRIu32 " payload "
	    "bytes", line, seg->captured, seg->len);
	free(line);
	return text;
}

/* A line of flow fi at t_ns, its text to come. */
static struct shake_line *
shake_line_new(struct shake *sh, size_t fi, enum event_dir dir, int64_t t_ns)
{
	struct shake_line *l;

	if (sh->nlines == sh->lines_cap) {
		sh->lines_cap = sh->lines_cap ? sh->lines_cap * 2 : 64;
		sh->lines = xreallocarray(sh->lines, sh->lines_cap,
		    sizeof *sh->lines);
	}
	l = &sh->lines[sh->nlines++];
	l->t_ns = t_ns;
	l->flow = fi;
	l->dir = dir;
	return l;
}

static void
shake_line_add(struct shake *sh, size_t fi, int side,
    const struct segment *seg, int64_t t_ns)
{
	struct shake_line *l = shake_line_new(sh, fi, side == SIDE_PROBER ?
	    DIR_TO_TARGET : DIR_FROM_TARGET, t_ns);

	l->text = shake_text(&sh->flows[fi], side, seg);
}

bool
shake_add(struct shake *sh, const struct segment *seg, int64_t t_ns)
{
	const struct tcp_option *mss;
	struct shake_flow *f;
	struct segment *parts;
	int side;
	size_t fi, n, i;

	if (shake_is_target(sh, &seg->dst, seg->dport)) {
		side = SIDE_PROBER;
		fi = shake_flow_of(sh, &seg->src, seg->sport, side, seg);
	} else if (shake_is_target(sh, &seg->src, seg->sport)) {
		side = SIDE_TARGET;
		fi = shake_flow_of(sh, &seg->dst, seg->dport, side, seg);
	} else
		return false;
	f = &sh->flows[fi];
	if ((seg->flags & TH_SYN_) && (mss = segment_find_opt(seg, OPT_MSS)))
		f->syn_mss[side] = mss->u.mss;
	/* A super-segment (TSO, GSO, GRO) as the segments it was on the
	 * wire, which is what run will match (offload.h). */
	n = offload_split(seg, offload_split_size_mss(seg,
	    f->syn_mss[1 - side]), &parts);
	for (i = 0; i < n; i++)
		shake_line_add(sh, fi, side, &parts[i], t_ns);
	offload_split_free(parts, n);
	return true;
}

bool
shake_add_icmp(struct shake *sh, int family, uint8_t type, uint8_t code,
    uint32_t rest, const struct segment *quote, uint32_t qlen, int64_t t_ns)
{
	struct shake_flow *f;
	struct icmp_msg m;
	size_t fi;

	if (!shake_is_target(sh, &quote->src, quote->sport))
		return false;
	fi = shake_flow_of(sh, &quote->dst, quote->dport, SIDE_TARGET, quote);
	f = &sh->flows[fi];
	icmp_from_wire(family, type, code, rest, seqspace_rel(&f->ss,
	    SIDE_TARGET, quote->seq), qlen, &m);
	shake_line_new(sh, fi, DIR_TO_TARGET, t_ns)->text = icmp_format(&m);
	sh->nicmp++;
	return true;
}

/* ---- writing ---- */

/* The name after `name` in a..z, aa..zz, aaa..: counting in base 26
 * with digits a..z and no zero. */
static void
name_next(char *name, size_t len)
{
	size_t n = strlen(name), i = n;

	while (i-- > 0) {
		if (name[i] != 'z') {
			name[i]++;
			return;
		}
		name[i] = 'a';
	}
	if (n + 1 < len) {
		memmove(name + 1, name, n + 1);
		name[0] = 'a';
	}
}

/* Flow names in order, none of them a word the language reserves. */
static char (*flow_names(size_t n))[FLOW_NAME_LEN]
{
	static const char *const reserved[] = { "none", "wait", "flow",
	    "target" };
	char (*names)[FLOW_NAME_LEN] = xcalloc(n ? n : 1, sizeof *names);
	char cur[FLOW_NAME_LEN] = "";
	size_t i = 0, j;

	while (i < n) {
		name_next(cur, sizeof cur);
		for (j = 0; j < sizeof reserved / sizeof reserved[0]; j++)
			if (strcmp(cur, reserved[j]) == 0)
				break;
		if (j == sizeof reserved / sizeof reserved[0])
			memcpy(names[i++], cur, sizeof cur);
	}
	return names;
}

static void
shake_header(const struct shake *sh, char (*names)[FLOW_NAME_LEN],
    FILE *out)
{
	char ep[80], icmp[40] = "";
	const char *base = strrchr(sh->source, '/');
	size_t i, nseg = sh->nlines - sh->nicmp;

	base = base != NULL ? base + 1 : sh->source;
	fmt_endpoint(&sh->addr, sh->port, ep, sizeof ep);
	if (sh->nicmp > 0)
		snprintf(icmp, sizeof icmp, " and %zu ICMP %s", sh->nicmp,
		    sh->nicmp == 1 ? "error" : "errors");
	fprintf(out, "# Made by tcpshake read --shake from %s: %zu %s%s of "
	    "%zu %s with %s.\n", base, nseg, nseg == 1 ? "segment" :
	    "segments", icmp, sh->nflows, sh->nflows == 1 ? "flow" : "flows",
	    ep);
	fputs("# '<' lines are sent as captured (the first SYN with the "
	    "captured ISN);\n# '>' lines leave the target's window open, "
	    "and its options after its SYN.\n", out);
	fprintf(out, "target %s\n", ep);
	if (sh->nflows == 1) {
		fprintf(out, "# The prober's port in the capture was %u; run "
		    "takes a free one.\n", sh->flows[0].pport);
		return;
	}
	for (i = 0; i < sh->nflows; i++) {
		fprintf(out, "flow %s\t# port %u in the capture\n", names[i],
		    sh->flows[i].pport);
	}
}

/* Seconds with microseconds: the first line at 0, as the run starts with
 * it; the rest relative to the line before, each stamp rounded down to
 * the microsecond first so the gaps add up to the capture's times. */
static void
shake_time(const struct shake *sh, size_t i, char *buf, size_t len)
{
	int64_t now, prev, d;

	if (i == 0) {
		snprintf(buf, len, "0.000000");
		return;
	}
	now = sh->lines[i].t_ns / 1000;
	prev = sh->lines[i - 1].t_ns / 1000;
	/* Stamps in a file may go backwards; a scenario cannot. */
	d = now > prev ? now - prev : 0;
	snprintf(buf, len, "+%" PRId64 ".%06" PRId64, d / 1000000,
	    d % 1000000);
}

void
shake_write(const struct shake *sh, FILE *out)
{
	const struct shake_line *l;
	char t[40], (*names)[FLOW_NAME_LEN] = flow_names(sh->nflows);
	size_t i;

	shake_header(sh, names, out);
	fputc('\n', out);
	for (i = 0; i < sh->nlines; i++) {
		l = &sh->lines[i];
		shake_time(sh, i, t, sizeof t);
		fprintf(out, "%-9s ", t);
		if (sh->nflows > 1)
			fprintf(out, "%s ", names[l->flow]);
		fprintf(out, "%c %s\n", l->dir == DIR_TO_TARGET ? '<' : '>',
		    l->text);
	}
	free(names);
}
