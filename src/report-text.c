/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report-text.c: the text sink, one line per event for people; the words
 * for times, endpoints and verdicts come from fmt.h. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "fmt.h"
#include "icmp.h"
#include "report.h"
#include "segment.h"
#include "seqspace.h"
#include "xmalloc.h"

struct report_text {
	FILE	*out;
	int	 flags;
	struct explain_ctx *ex;		/* -e: the SYNs seen so far */
};

static const char *const dir_words[] = {
	[DIR_NONE] = NULL,
	[DIR_TO_TARGET] = "SENT",
	[DIR_FROM_TARGET] = "RCVD",
};

static void
text_prefix(struct report_text *rt, const struct event *ev)
{
	char t[32];

	fprintf(rt->out, "%s ", fmt_time(ev->t_ns, t, sizeof t));
	if ((unsigned)ev->dir < sizeof dir_words / sizeof dir_words[0] &&
	    dir_words[ev->dir] != NULL)
		fprintf(rt->out, "%s ", dir_words[ev->dir]);
}

/* Like tcpdump -x: offset, then 16 bytes in groups of two. */
static void
text_hexdump(FILE *out, const uint8_t *p, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			fprintf(out, "%s    0x%04x: ", i ? "\n" : "", i);
		if (i % 2 == 0)
			fputc(' ', out);
		fprintf(out, "%02x", p[i]);
	}
	if (len > 0)
		fputc('\n', out);
}

/* After a segment the snaplen cut: the bytes captured, then the mark. */
static void
text_cut(FILE *out, const struct segment *v)
{
	char *data;

	if (v->captured > 0 && v->data != NULL) {
		data = segment_format_data(v->data, v->captured, 24);
		fprintf(out, " %s%s", data, v->captured <= 24 ? "..." : "");
		free(data);
	}
	fprintf(out, " [captured %" PRIu32 " of %" PRIu32 " payload bytes]",
	    v->captured, v->len);
}

static void
text_segment(struct report_text *rt, const struct event *ev)
{
	struct segment view;
	char src[80], dst[80], *line;
	int fmt = SEGFMT_PREVIEW;

	if (ev->seg == NULL)
		return;
	if (rt->flags & REPORT_IP)
		fmt |= SEGFMT_IP;
	fmt_view_segment(ev, &view);
	/* A payload the capture cut: the preview shows what was captured,
	 * not the zeros standing in for the rest. */
	if (view.truncated)
		view.data = NULL;
	line = segment_format(&view, fmt);
	text_prefix(rt, ev);
	fprintf(rt->out, "%s > %s %s",
	    fmt_endpoint(&view.src, view.sport, src, sizeof src),
	    fmt_endpoint(&view.dst, view.dport, dst, sizeof dst), line);
	free(line);
	if (view.truncated)
		text_cut(rt->out, ev->seg);
	if (ev->rtt_ns >= 0)
		fprintf(rt->out, " rtt %" PRId64 ".%03" PRId64 " us",
		    ev->rtt_ns / 1000, ev->rtt_ns % 1000);
	if (view.cksum_state == CKSUM_BAD)
		fprintf(rt->out, " [bad checksum 0x%04x, should be 0x%04x]",
		    view.cksum, view.cksum_good);
	else if (view.cksum_state == CKSUM_OFFLOADED)
		fputs(" [checksum offloaded]", rt->out);
	fputc('\n', rt->out);
	if (rt->flags & REPORT_EXPLAIN)
		explain_segment(rt->out, ev, rt->ex);
	if ((rt->flags & REPORT_HEX) && ev->ip != NULL)
		text_hexdump(rt->out, ev->ip, ev->iplen);
}

static void
text_icmp(struct report_text *rt, const struct event *ev)
{
	struct segment view;
	char from[64], src[80], dst[80];
	const char *name = NULL, *proto = "ICMP";

	if (ev->icmp_from != NULL) {
		name = explain_icmp_name(ev->icmp_from->family, ev->icmp_type,
		    ev->icmp_code);
		if (ev->icmp_from->family == AF_INET6)
			proto = "ICMPv6";
		ipaddr_str(ev->icmp_from, from, sizeof from);
	} else
		snprintf(from, sizeof from, "?");
	text_prefix(rt, ev);
	fprintf(rt->out, "%s %u/%u %s from %s", proto, ev->icmp_type,
	    ev->icmp_code, name != NULL ? name : "(unnamed)", from);
	if (ev->icmp_from != NULL && icmp_has_mtu(ev->icmp_from->family,
	    ev->icmp_type, ev->icmp_code))
		fprintf(rt->out, " mtu %" PRIu32, ev->icmp_from->family ==
		    AF_INET ? ev->icmp_rest & 0xffff : ev->icmp_rest);
	if (ev->seg != NULL) {
		fmt_view_segment(ev, &view);
		fprintf(rt->out, " about %s > %s seq %" PRIu32,
		    fmt_endpoint(&view.src, view.sport, src, sizeof src),
		    fmt_endpoint(&view.dst, view.dport, dst,
		    sizeof dst), view.seq);
	}
	fputc('\n', rt->out);
}

static void
text_malformed(struct report_text *rt, const struct event *ev)
{
	text_prefix(rt, ev);
	fprintf(rt->out, "malformed: %s\n", ev->text ? ev->text : "?");
}

static void
text_plain(struct report_text *rt, const struct event *ev)
{
	if (ev->text != NULL)
		fprintf(rt->out, "%s\n", ev->text);
}

/* A step's verdict in words; an event without an outcome keeps its text. */
static void
text_step(struct report_text *rt, const struct event *ev)
{
	char *text;

	if (ev->outcome == NULL) {
		text_plain(rt, ev);
		return;
	}
	text = fmt_outcome(ev->outcome);
	fprintf(rt->out, "%s\n", text);
	free(text);
}


/* The prober's state stands alone on the line after its segment; the
 * target's (read in the lab) says whose it is. */
static void
text_state(struct report_text *rt, const struct event *ev)
{
	if (ev->text == NULL)
		return;
	fprintf(rt->out, "%s%s\n", ev->dir == DIR_FROM_TARGET ? "target " : "",
	    ev->text);
}

static void (*const text_handlers[])(struct report_text *,
    const struct event *) = {
	[EV_SEGMENT] = text_segment,
	[EV_MALFORMED] = text_malformed,
	[EV_ICMP] = text_icmp,
	[EV_STATE] = text_state,
	[EV_STEP] = text_step,
	[EV_NOTE] = text_plain,
	[EV_SUMMARY] = text_plain,
};

static void
text_event(void *ctx, const struct event *ev)
{
	struct report_text *rt = ctx;

	if ((unsigned)ev->type < sizeof text_handlers / sizeof text_handlers[0]
	    && text_handlers[ev->type] != NULL)
		text_handlers[ev->type](rt, ev);
}

static void
text_close(void *ctx)
{
	struct report_text *rt = ctx;

	fflush(rt->out);
	explain_ctx_free(rt->ex);
	free(rt);
}

void *
report_text_new(FILE *out, int flags)
{
	struct report_text *rt = xcalloc(1, sizeof *rt);

	rt->out = out;
	rt->flags = flags;
	if (flags & REPORT_EXPLAIN)
		rt->ex = explain_ctx_new();
	return rt;
}

const struct sink_ops report_text_ops = {
	.name = "text",
	.event = text_event,
	.close = text_close,
};
