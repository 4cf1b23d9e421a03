/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report-json.c: the JSON Lines sink, one object per event with stable
 * keys (documented in tcpshake(1)), for scripts and notebooks. */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explain.h"
#include "fmt.h"
#include "icmp.h"
#include "report.h"
#include "segment.h"
#include "xmalloc.h"

/* Every figure is an integer count of nanoseconds ("_ns"); the first
 * object names the schema, so a reader can tell this layout from later
 * ones. */
#define JSON_SCHEMA	"tcpshake/1"

struct report_json {
	FILE	*out;
	bool	 started;	/* the schema key went out */
	bool	 have_base;	/* epoch_base is known */
	int64_t	 epoch_base;	/* wall clock (ns) at t_ns 0 */
};

/* A JSON string with quotes; control bytes and non-ASCII as \u00XX so the
 * output stays valid whatever bytes a decode error quotes. */
static void
json_str(FILE *out, const char *s)
{
	const unsigned char *p;

	fputc('"', out);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (*p < 0x20 || *p >= 0x7f)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static void
json_key_str(FILE *out, const char *key, const char *val)
{
	fprintf(out, ",\"%s\":", key);
	if (val == NULL)
		fputs("null", out);
	else
		json_str(out, val);
}

static void
json_addr(FILE *out, const char *key, const struct ipaddr *a)
{
	char buf[64];

	json_key_str(out, key, a != NULL ? ipaddr_str(a, buf, sizeof buf) :
	    NULL);
}

static void
json_hex(FILE *out, const uint8_t *p, size_t len)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < len; i++)
		fprintf(out, "%02x", p[i]);
	fputc('"', out);
}

/* The object's opening: the schema on the first one, then its type. */
static void
json_open(struct report_json *rj, const char *type)
{
	fputc('{', rj->out);
	if (!rj->started)
		fputs("\"schema\":\"" JSON_SCHEMA "\",", rj->out);
	rj->started = true;
	fprintf(rj->out, "\"type\":\"%s\"", type);
}

/* Wall-clock ns of an event: its kernel stamp when it has one, else its
 * run time placed on the last stamped event's clock (a step, a note),
 * else now. */
static int64_t
json_epoch(struct report_json *rj, const struct event *ev)
{
	struct timespec now;

	if (ev->ts.tv_sec != 0 || ev->ts.tv_nsec != 0) {
		rj->epoch_base = (int64_t)ev->ts.tv_sec * 1000000000 +
		    ev->ts.tv_nsec - ev->t_ns;
		rj->have_base = true;
	}
	if (rj->have_base)
		return rj->epoch_base + ev->t_ns;
	clock_gettime(CLOCK_REALTIME, &now);
	return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* Type, run time and wall-clock time: every object but the summary. */
static void
json_head(struct report_json *rj, const char *type, const struct event *ev)
{
	json_open(rj, type);
	fprintf(rj->out, ",\"t_ns\":%" PRId64 ",\"epoch_ns\":%" PRId64,
	    ev->t_ns, json_epoch(rj, ev));
}

/* A figure in ns, or null when there is none. */
static void
json_ns(FILE *out, const char *key, bool have, int64_t ns)
{
	if (have)
		fprintf(out, ",\"%s\":%" PRId64, key, ns);
	else
		fprintf(out, ",\"%s\":null", key);
}

static const char *const dir_names[] = {
	[DIR_NONE] = NULL,
	[DIR_TO_TARGET] = "sent",
	[DIR_FROM_TARGET] = "rcvd",
};

static void
json_dir(FILE *out, const struct event *ev)
{
	json_key_str(out, "dir",
	    (unsigned)ev->dir < sizeof dir_names / sizeof dir_names[0] ?
	    dir_names[ev->dir] : NULL);
}

static void
json_opt(FILE *out, const struct tcp_option *o)
{
	const char *name = opt_kind_name(o->kind);
	int j;

	if (name == NULL) {
		fprintf(out, "{\"kind\":\"unknown\",\"code\":%u,\"data\":",
		    o->kind);
		json_hex(out, o->u.raw, o->len >= 2 && o->len - 2 <= OPT_MAX_RAW ?
		    (size_t)o->len - 2 : 0);
		fputc('}', out);
		return;
	}
	fputs("{\"kind\":", out);
	json_str(out, name);
	switch (o->kind) {
	case OPT_MSS:
		fprintf(out, ",\"value\":%u", o->u.mss);
		break;
	case OPT_WSCALE:
		fprintf(out, ",\"value\":%u", o->u.wscale);
		break;
	case OPT_TS:
		fprintf(out, ",\"val\":%" PRIu32 ",\"ecr\":%" PRIu32,
		    o->u.ts.val, o->u.ts.ecr);
		break;
	case OPT_SACK:
		fputs(",\"blocks\":[", out);
		for (j = 0; j < o->u.sack.n && j < OPT_MAX_SACK; j++)
			fprintf(out, "%s[%" PRIu32 ",%" PRIu32 "]", j ? "," : "",
			    o->u.sack.b[j].left, o->u.sack.b[j].right);
		fputc(']', out);
		break;
	default:
		break;
	}
	fputc('}', out);
}

static const char *const cksum_names[] = {
	[CKSUM_UNKNOWN] = "unknown",
	[CKSUM_OK] = "ok",
	[CKSUM_BAD] = "bad",
	[CKSUM_OFFLOADED] = "offloaded",
};

static void
json_segment_fields(FILE *out, const struct event *ev,
    const struct segment *v)
{
	char flags[16];
	int i;

	json_addr(out, "src", &v->src);
	fprintf(out, ",\"sport\":%u", v->sport);
	json_addr(out, "dst", &v->dst);
	fprintf(out, ",\"dport\":%u", v->dport);
	json_key_str(out, "flags",
	    segment_flags_ae_str(v->flags, v->ae, flags, sizeof flags));
	fprintf(out, ",\"seq\":%" PRIu32 ",\"ack\":%" PRIu32
	    ",\"seq_abs\":%" PRIu32 ",\"ack_abs\":%" PRIu32, v->seq, v->ack,
	    ev->seg->seq, ev->seg->ack);
	fprintf(out, ",\"len\":%" PRIu32 ",\"win\":%u,\"urg\":%u", v->len,
	    v->win, v->urg);
	fputs(",\"options\":[", out);
	for (i = 0; i < v->nopts; i++) {
		if (i > 0)
			fputc(',', out);
		json_opt(out, &v->opts[i]);
	}
	/* A payload the capture cut: the bytes captured, and how many. */
	fputs("],\"payload_hex\":", out);
	json_hex(out, v->data, v->data == NULL ? 0 : v->truncated ?
	    v->captured : v->len);
	if (v->truncated)
		fprintf(out, ",\"payload_captured\":%" PRIu32, v->captured);
}

static void
json_segment(struct report_json *rj, const struct event *ev)
{
	FILE *out = rj->out;
	struct segment v;

	if (ev->seg == NULL)
		return;
	fmt_view_segment(ev, &v);
	json_head(rj, "segment", ev);
	json_dir(out, ev);
	json_segment_fields(out, ev, &v);
	json_key_str(out, "checksum",
	    (unsigned)v.cksum_state < sizeof cksum_names /
	    sizeof cksum_names[0] ? cksum_names[v.cksum_state] : "unknown");
	fprintf(out, ",\"checksum_wire\":%u", v.cksum);
	if (v.cksum_state == CKSUM_UNKNOWN)
		fputs(",\"checksum_right\":null", out);
	else
		fprintf(out, ",\"checksum_right\":%u", v.cksum_state ==
		    CKSUM_OK ? v.cksum : v.cksum_good);
	json_ns(out, "rtt_ns", ev->rtt_ns >= 0, ev->rtt_ns);
	fprintf(out, ",\"ip\":%d,\"ttl\":%u,\"tos\":%u",
	    v.src.family == AF_INET6 ? 6 : 4, v.ttl, v.tos);
	if (v.src.family == AF_INET6)
		fputs(",\"id\":null,\"df\":null", out);
	else
		fprintf(out, ",\"id\":%u,\"df\":%s", v.ip_id,
		    v.df ? "true" : "false");
	if (ev->probe >= 0)
		fprintf(out, ",\"probe\":%d", ev->probe);
	else
		fputs(",\"probe\":null", out);
	fputs("}\n", out);
}

static void
json_icmp(struct report_json *rj, const struct event *ev)
{
	FILE *out = rj->out;
	struct segment v;
	sa_family_t family = ev->icmp_from ? ev->icmp_from->family : AF_INET;

	json_head(rj, "icmp", ev);
	json_dir(out, ev);
	json_addr(out, "from", ev->icmp_from);
	fprintf(out, ",\"icmp_type\":%u,\"icmp_code\":%u", ev->icmp_type,
	    ev->icmp_code);
	json_key_str(out, "name",
	    explain_icmp_name(family, ev->icmp_type, ev->icmp_code));
	if (icmp_has_mtu(family, ev->icmp_type, ev->icmp_code))
		fprintf(out, ",\"mtu\":%" PRIu32, family == AF_INET ?
		    ev->icmp_rest & 0xffff : ev->icmp_rest);
	if (ev->seg != NULL) {
		fmt_view_segment(ev, &v);
		json_addr(out, "src", &v.src);
		fprintf(out, ",\"sport\":%u", v.sport);
		json_addr(out, "dst", &v.dst);
		fprintf(out, ",\"dport\":%u,\"seq\":%" PRIu32
		    ",\"seq_abs\":%" PRIu32, v.dport, v.seq, ev->seg->seq);
	}
	fputs("}\n", out);
}

static void
json_text(struct report_json *rj, const struct event *ev,
    const char *type)
{
	FILE *out = rj->out;

	json_head(rj, type, ev);
	json_key_str(out, "text", ev->text);
	fputs("}\n", out);
}

static void
json_malformed(struct report_json *rj, const struct event *ev)
{
	FILE *out = rj->out;

	json_head(rj, "malformed", ev);
	json_key_str(out, "error", ev->text);
	fputs("}\n", out);
}

static void
json_state(struct report_json *rj, const struct event *ev)
{
	FILE *out = rj->out;

	json_head(rj, "state", ev);
	json_key_str(out, "side",
	    ev->dir == DIR_FROM_TARGET ? "target" : "prober");
	json_key_str(out, "text", ev->text);
	fputs("}\n", out);
}

/* A scenario step's verdict as keys (tcpshake(1), run): the step's file,
 * line and verdict, the line as written, what came and what differs;
 * line 0 is the file's verdict with its counts. The sentence stays as
 * "text" for people. */
static void
json_step(struct report_json *rj, const struct event *ev)
{
	FILE *out = rj->out;
	const struct step_outcome *o = ev->outcome;
	char *text;

	if (o == NULL) {
		json_text(rj, ev, "step");
		return;
	}
	json_head(rj, "step", ev);
	json_key_str(out, "file", o->file);
	fprintf(out, ",\"line\":%d,\"ok\":%s", o->line, o->ok ? "true" :
	    "false");
	if (o->line == 0) {
		fprintf(out, ",\"steps\":%d,\"failed\":%d,\"late_sends\":%d",
		    o->nsteps, o->nfailed, o->nlate);
		json_key_str(out, "error", o->error);
	} else {
		json_key_str(out, "expected", o->expected);
		fprintf(out, ",\"awaited\":%s", o->awaited ? "true" : "false");
		json_key_str(out, "got", o->got);
		json_key_str(out, "differs", o->why);
		json_ns(out, "deviation_ns", o->has_dev, o->dev_ns);
	}
	text = fmt_outcome(o);
	json_key_str(out, "text", text);
	free(text);
	fputs("}\n", out);
}

static void
json_note(struct report_json *rj, const struct event *ev)
{
	json_text(rj, ev, "note");
}

static void
json_summary(struct report_json *rj, const struct event *ev)
{
	FILE *out = rj->out;
	size_t i;

	json_open(rj, "summary");
	if (ev->verdict != VERDICT_NONE)
		fprintf(out, ",\"ok\":%s", ev->verdict == VERDICT_OK ?
		    "true" : "false");
	for (i = 0; i < ev->ncounts && ev->counts != NULL; i++) {
		fputs(",", out);
		json_str(out, ev->counts[i].key);
		fprintf(out, ":%" PRIu64, ev->counts[i].value);
	}
	json_key_str(out, "text", ev->text);
	fputs("}\n", out);
}

static void (*const json_handlers[])(struct report_json *,
    const struct event *) = {
	[EV_SEGMENT] = json_segment,
	[EV_MALFORMED] = json_malformed,
	[EV_ICMP] = json_icmp,
	[EV_STATE] = json_state,
	[EV_STEP] = json_step,
	[EV_NOTE] = json_note,
	[EV_SUMMARY] = json_summary,
};

static void
json_event(void *ctx, const struct event *ev)
{
	struct report_json *rj = ctx;

	if ((unsigned)ev->type < sizeof json_handlers / sizeof json_handlers[0]
	    && json_handlers[ev->type] != NULL)
		json_handlers[ev->type](rj, ev);
}

static void
json_close(void *ctx)
{
	struct report_json *rj = ctx;

	fflush(rj->out);
	free(rj);
}

void *
report_json_new(FILE *out)
{
	struct report_json *rj = xcalloc(1, sizeof *rj);

	rj->out = out;
	return rj;
}

const struct sink_ops report_json_ops = {
	.name = "json",
	.event = json_event,
	.close = json_close,
};
