/* SPDX-License-Identifier: GPL-2.0-or-later */
/* match.c: an expected step against the target's segment, field by field,
 * relative numbers through the flow's bases, and packetdrill's time rule. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "tcpmd5.h"
#include "xmalloc.h"

static void diff_add(struct match_result *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
diff_add(struct match_result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->ndiffs == MATCH_MAX_DIFFS)
		return;
	va_start(ap, fmt);
	vsnprintf(r->diff[r->ndiffs++], MATCH_DIFF_LEN, fmt, ap);
	va_end(ap);
}

/* The target's seq in the script's space (got: the segment carrying
 * it). */
static uint32_t
rel_theirs(const struct seqspace *b, const struct segment *got, uint32_t v,
    bool absolute)
{
	return absolute ? v : v - seqspace_base_in(b, SEQ_REMOTE, got);
}

/* The target's ack (or SACK edge) in the script's space. */
static uint32_t
rel_ours(const struct seqspace *b, const struct segment *got, uint32_t v,
    bool absolute)
{
	return absolute ? v : v - seqspace_base_in(b, SEQ_LOCAL, got);
}

void
match_learn(struct seqspace *b, const struct segment *exp,
    const struct segment *got)
{
	const struct tcp_option *e, *g;

	/* The target's SYN (no ACK) with a new ISN, met by a SYN line
	 * written relative: a new connection on the same 4-tuple (the
	 * target connected again). Both sides count afresh: its numbers
	 * from this SYN, ours from our next SYN, as on the first. */
	if (b->known[SEQ_REMOTE] && (got->flags & (TH_SYN_ | TH_ACK_)) ==
	    TH_SYN_ && (exp->flags & (TH_SYN_ | TH_ACK_)) == TH_SYN_ &&
	    !(exp->has & (SEG_ANY_SEQ | SEG_ABS_SEQ)) &&
	    got->seq - seqspace_base_in(b, SEQ_REMOTE, got) != exp->seq) {
		b->known[SEQ_REMOTE] = false;
		b->known[SEQ_LOCAL] = false;
	}
	/* The script's number for that SYN, when it wrote a SYN; otherwise
	 * the SYN's own seq is the target's 0. */
	if (!b->known[SEQ_REMOTE] && (got->flags & TH_SYN_))
		seqspace_set_named(b, SEQ_REMOTE, got->seq, (exp->flags &
		    TH_SYN_) && !(exp->has & (SEG_ANY_SEQ | SEG_ABS_SEQ)) ?
		    exp->seq : 0);
	if (!b->ts_known && !(exp->has & SEG_ANY_OPTS) &&
	    (e = segment_find_opt(exp, OPT_TS)) != NULL &&
	    (g = segment_find_opt(got, OPT_TS)) != NULL) {
		b->ts_offset = g->u.ts.val - e->u.ts.val;
		b->ts_known = true;
	}
}

/* Two options alike; an expected TS val is not compared (match.h). */
static bool
opt_equal(const struct tcp_option *e, const struct tcp_option *g,
    const struct seqspace *b, const struct segment *got)
{
	int i;

	if (e->kind != g->kind)
		return false;
	if (e->any_data)
		return e->len == g->len;	/* the digest: match_md5() */
	switch (e->kind) {
	case OPT_EOL:
	case OPT_NOP:
	case OPT_SACKOK:
		return true;
	case OPT_MSS:
		return e->u.mss == g->u.mss;
	case OPT_WSCALE:
		return e->u.wscale == g->u.wscale;
	case OPT_TS:
		return e->u.ts.ecr == g->u.ts.ecr;
	case OPT_SACK:
		if (e->u.sack.n != g->u.sack.n)
			return false;
		for (i = 0; i < e->u.sack.n; i++)
			if (e->u.sack.b[i].left != rel_ours(b, got,
			    g->u.sack.b[i].left, false) ||
			    e->u.sack.b[i].right != rel_ours(b, got,
			    g->u.sack.b[i].right, false))
				return false;
		return true;
	default:
		return e->len == g->len && memcmp(e->u.raw, g->u.raw,
		    e->len > 2 ? (size_t)e->len - 2 : 0) == 0;
	}
}

static void
match_opts(const struct segment *exp, const struct segment *got,
    const struct seqspace *b, struct match_result *r)
{
	struct segment view;
	char *es, *gs;
	int i;
	bool same = exp->nopts == got->nopts;

	for (i = 0; same && i < exp->nopts; i++)
		same = opt_equal(&exp->opts[i], &got->opts[i], b, got);
	if (same)
		return;
	match_view(got, exp, b, &view);
	es = segment_format_opts(exp);
	gs = segment_format_opts(&view);
	diff_add(r, "options: expected %s, got %s", exp->nopts ? es : "none",
	    view.nopts ? gs : "none");
	free(es);
	free(gs);
	segment_clear(&view);
}

/* A segment may carry a length without bytes (a sent line written without
 * a payload, a library caller's segment): those bytes are zero, as craft
 * sends them. */
static const uint8_t *
data_or_zeros(const struct segment *s, uint8_t **zeros)
{
	if (s->data != NULL)
		return s->data;
	if (*zeros == NULL)
		*zeros = xcalloc(s->len > 0 ? s->len : 1, 1);
	return *zeros;
}

static void
match_data(const struct segment *exp, const struct segment *got,
    struct match_result *r)
{
	const uint8_t *ed, *gd;
	uint8_t *zeros = NULL;
	char *es, *gs;

	if (exp->len != got->len) {
		diff_add(r, "length: expected %" PRIu32 ", got %" PRIu32,
		    exp->len, got->len);
		return;
	}
	if (!(exp->has & SEG_HAS_DATA) || exp->len == 0)
		return;
	ed = data_or_zeros(exp, &zeros);
	gd = data_or_zeros(got, &zeros);
	if (memcmp(ed, gd, exp->len) != 0) {
		es = segment_format_data(ed, exp->len, 24);
		gs = segment_format_data(gd, got->len, 24);
		diff_add(r, "payload: expected %s, got %s", es, gs);
		free(es);
		free(gs);
	}
	free(zeros);
}

/* "md5 valid" under --tcp_md5_secret: the digest is right for the key;
 * without a key any digest does. */
static void
match_md5(const struct segment *exp, const struct segment *got,
    struct match_result *r)
{
	const struct tcp_option *o = segment_find_opt(exp, 19);

	if (o == NULL || !o->any_data || exp->md5_key == NULL ||
	    segment_find_opt(got, 19) == NULL)
		return;
	if (!tcpmd5_check(got, exp->md5_key))
		diff_add(r, "md5: the digest is not valid under "
		    "--tcp_md5_secret");
}

static void
match_ip(const struct segment *exp, const struct segment *got,
    struct match_result *r)
{
	uint8_t mask = (exp->has & SEG_ECN_ECT01) ? 0xfc : 0xff;

	if ((exp->has & SEG_HAS_TTL) && exp->ttl != got->ttl)
		diff_add(r, "ttl: expected %u, got %u", exp->ttl, got->ttl);
	/* [ect01] leaves the ECN bits to the check below. */
	if ((exp->has & SEG_HAS_TOS) && (exp->tos & mask) != (got->tos & mask))
		diff_add(r, "tos: expected 0x%02x, got 0x%02x", exp->tos,
		    got->tos);
	else if ((exp->has & SEG_HAS_DSCP) && exp->tos >> 2 != got->tos >> 2)
		diff_add(r, "dscp: expected 0x%02x, got 0x%02x", exp->tos >> 2,
		    got->tos >> 2);
	if ((exp->has & SEG_ECN_ECT01) && (got->tos & 3) != ECN_ECT0 &&
	    (got->tos & 3) != ECN_ECT1)
		diff_add(r, "ecn: expected ECT(0) or ECT(1), got %u",
		    got->tos & 3u);
	else if ((exp->has & SEG_HAS_ECN) && !(exp->has & (SEG_ECN_ECT01 |
	    SEG_HAS_TOS)) && (exp->tos & 3) != (got->tos & 3))
		diff_add(r, "ecn: expected %u, got %u", exp->tos & 3u,
		    got->tos & 3u);
	if ((exp->has & SEG_HAS_FLOWLABEL) && exp->flowlabel != got->flowlabel)
		diff_add(r, "flowlabel: expected 0x%05x, got 0x%05x",
		    exp->flowlabel, got->flowlabel);
}

bool
match_segment(const struct segment *exp, const struct segment *got,
    const struct seqspace *b, struct match_result *r)
{
	char ef[16], gf[16];
	uint32_t v;

	memset(r, 0, sizeof *r);
	if (exp->flags != got->flags || exp->ae != got->ae)
		diff_add(r, "flags: expected %s, got %s",
		    segment_flags_ae_str(exp->flags, exp->ae, ef, sizeof ef),
		    segment_flags_ae_str(got->flags, got->ae, gf, sizeof gf));
	v = rel_theirs(b, got, got->seq, exp->has & SEG_ABS_SEQ);
	if (!(exp->has & SEG_ANY_SEQ) && v != exp->seq)
		diff_add(r, "seq: expected %" PRIu32 "%s, got %" PRIu32,
		    exp->seq, exp->has & SEG_ABS_SEQ ? "!" : "", v);
	v = rel_ours(b, got, got->ack, exp->has & SEG_ABS_ACK);
	if ((exp->has & SEG_HAS_ACK) && !(exp->has & SEG_ANY_ACK) &&
	    v != exp->ack)
		diff_add(r, "ack: expected %" PRIu32 "%s, got %" PRIu32,
		    exp->ack, exp->has & SEG_ABS_ACK ? "!" : "", v);
	if ((exp->has & SEG_HAS_WIN) && !(exp->has & SEG_ANY_WIN) &&
	    exp->win != got->win)
		diff_add(r, "win: expected %u, got %u", exp->win, got->win);
	if ((exp->has & SEG_HAS_URG) && exp->urg != got->urg)
		diff_add(r, "urg: expected %u, got %u", exp->urg, got->urg);
	if (!(exp->has & SEG_ANY_OPTS))
		match_opts(exp, got, b, r);
	match_md5(exp, got, r);
	match_data(exp, got, r);
	match_ip(exp, got, r);
	if (got->cksum_state == CKSUM_BAD)
		diff_add(r, "checksum: expected 0x%04x, got 0x%04x",
		    got->cksum_good, got->cksum);
	return r->ndiffs == 0;
}

char *
match_result_str(const struct match_result *r)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < r->ndiffs; i++)
		len += strlen(r->diff[i]) + 2;
	s = xmalloc(len);
	s[0] = '\0';
	for (i = 0; i < r->ndiffs; i++) {
		if (i > 0)
			strcat(s, "; ");
		strcat(s, r->diff[i]);
	}
	return s;
}

void
match_view(const struct segment *got, const struct segment *exp,
    const struct seqspace *b, struct segment *out)
{
	uint32_t has = exp != NULL ? exp->has : 0;
	unsigned what = SEQSPACE_SACK;

	segment_init(out);
	segment_copy(out, got);
	if (!(has & SEG_ABS_SEQ))
		what |= SEQSPACE_SEQ;
	if (!(has & SEG_ABS_ACK))
		what |= SEQSPACE_ACK;
	seqspace_to_rel(b, SEQ_REMOTE, out, what);
	out->has &= ~(SEG_ABS_SEQ | SEG_ABS_ACK);
	out->has |= has & (SEG_ABS_SEQ | SEG_ABS_ACK);
	if (!(got->flags & TH_ACK_))
		out->has &= ~(uint32_t)SEG_HAS_ACK;
}

void
match_outgoing(const struct segment *exp, struct seqspace *b,
    struct segment *out)
{
	unsigned what = SEQSPACE_SACK | SEQSPACE_ECR;

	segment_init(out);
	segment_copy(out, exp);
	if (!b->known[SEQ_LOCAL] && (exp->flags & TH_SYN_) &&
	    !(exp->has & SEG_ANY_SEQ))
		/* Our first SYN: its number is our ISN, sent as written. */
		seqspace_set(b, SEQ_LOCAL, exp->seq);
	else if (!(exp->has & SEG_ABS_SEQ))
		what |= SEQSPACE_SEQ;
	/* An ACK without "ack N" acknowledges 0, relative as any (the
	 * peer's ISN), as packetdrill sends it. */
	if (((exp->has & SEG_HAS_ACK) || (exp->flags & TH_ACK_)) &&
	    !(exp->has & SEG_ABS_ACK))
		what |= SEQSPACE_ACK;
	seqspace_to_wire(b, SEQ_LOCAL, out, what);
}

int64_t
match_tolerance_ns(int64_t tol_usecs, double tol_percent, int64_t gap_ns)
{
	int64_t a = tol_usecs * 1000;
	int64_t p = gap_ns > 0 ? (int64_t)((double)gap_ns * tol_percent /
	    100.0) : 0;

	return a > p ? a : p;
}

/* Seconds with microseconds, "1.000000", into buf. */
static const char *
secs(int64_t ns, char *buf, size_t len)
{
	const char *sign = ns < 0 ? "-" : "";
	int64_t a = ns < 0 ? -ns : ns;

	snprintf(buf, len, "%s%" PRId64 ".%06" PRId64, sign,
	    a / 1000000000, a % 1000000000 / 1000);
	return buf;
}

bool
match_time(int64_t lo_ns, int64_t hi_ns, int64_t tol_ns, int64_t got_ns,
    int64_t *dev_ns, char *why, size_t whylen)
{
	char a[32], b[32], t[32], g[32], win[72];
	int64_t dev = 0;

	if (got_ns < lo_ns)
		dev = got_ns - lo_ns;
	else if (got_ns > hi_ns)
		dev = got_ns - hi_ns;
	if (dev_ns != NULL)
		*dev_ns = dev;
	if (dev >= -tol_ns && dev <= tol_ns)
		return true;
	if (hi_ns > lo_ns)
		snprintf(win, sizeof win, "%s~%s", secs(lo_ns, a, sizeof a),
		    secs(hi_ns, b, sizeof b));
	else
		snprintf(win, sizeof win, "%s", secs(lo_ns, a, sizeof a));
	snprintf(why, whylen, "time: expected %s (+-%s), got %s (%" PRId64
	    " us %s)", win, secs(tol_ns, t, sizeof t), secs(got_ns, g,
	    sizeof g), (dev < 0 ? -dev : dev) / 1000, dev < 0 ? "early" :
	    "late");
	return false;
}
