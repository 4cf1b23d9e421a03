/* report-ladder.c: the ladder sink, the conversation drawn as ASCII arrows
 * between the prober (left) and the target (right) with both ends' states. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "report.h"
#include "segment.h"
#include "xmalloc.h"

/*
 * One row, 99 columns at most:
 *
 *	TTTTTTTTT SSSSSSSSSSSS |<- 60 columns of arrow ->|  SSSSSSSSSSSS
 *
 * the time in ms (9 wide), the prober's state (12), the arrow between two
 * bars, the target's state. A state shows on the row of the segment after
 * which it was entered; rows without a change leave the margin blank.
 */
#define LAD_TIME_W	9
#define LAD_STATE_W	12
#define LAD_INNER	60
#define LAD_LEFT	(LAD_TIME_W + 1 + LAD_STATE_W + 1)	/* to the bar */
/* "-- " LABEL " -->": at least 7 columns are arrow. */
#define LAD_LABEL_MAX	(LAD_INNER - 7)
/* Notes sit inside the bars: "  # " TEXT " ". */
#define LAD_NOTE_W	(LAD_INNER - 5)
#define LAD_PREVIEW	20	/* payload bytes in a label at most */
#define LAD_PREVIEW_MIN	4	/* fewer than this: no preview at all */

/* The row waiting for the states its segment causes. */
struct ladder_row {
	bool	 used;
	int64_t	 t_ns;
	char	 inner[LAD_INNER + 1];
	char	 left[32];		/* the prober's new state */
	char	 right[32];		/* the target's new state */
};

struct report_ladder {
	FILE		*out;
	int		 flags;
	bool		 header_done;
	bool		 have_ends;
	struct ipaddr	 prober, target;
	uint16_t	 pport, tport;
	struct ladder_row row;
	char		*notes;		/* lines to print after the row */
	size_t		 notes_len;
};

/* Milliseconds with three decimals: "0.105", "1000.250", "-0.001". */
static char *
ladder_time(int64_t t_ns, char *buf, size_t len)
{
	uint64_t us;
	const char *sign = "";

	if (t_ns < 0) {
		sign = "-";
		us = ((uint64_t)0 - (uint64_t)t_ns) / 1000;
	} else
		us = (uint64_t)t_ns / 1000;
	snprintf(buf, len, "%s%" PRIu64 ".%03" PRIu64, sign, us / 1000,
	    us % 1000);
	return buf;
}

static void
ladder_header(struct report_ladder *rl)
{
	char p[80] = "", t[80] = "";
	int gap;

	if (rl->header_done)
		return;
	rl->header_done = true;
	if (rl->have_ends) {
		report_endpoint_str(&rl->prober, rl->pport, p, sizeof p);
		report_endpoint_str(&rl->target, rl->tport, t, sizeof t);
	}
	gap = LAD_INNER + 2 - (int)strlen(p) - (int)strlen(t);
	if (gap < 1) {
		/* Two long IPv6 endpoints: the target's on a line of its own,
		 * still ending above the right bar. */
		fprintf(rl->out, "%*s %-*s %s\n", LAD_TIME_W, "ms",
		    LAD_STATE_W, "prober", p);
		fprintf(rl->out, "%*s  target\n", LAD_LEFT + LAD_INNER + 2, t);
		return;
	}
	fprintf(rl->out, "%*s %-*s %s%*s  target\n", LAD_TIME_W, "ms",
	    LAD_STATE_W, "prober", p, gap + (int)strlen(t), t);
}

/* Print a line and drop the spaces a blank margin leaves at its end. */
static void
ladder_put(struct report_ladder *rl, char *line)
{
	size_t n = strlen(line);

	while (n > 0 && line[n - 1] == ' ')
		n--;
	fprintf(rl->out, "%.*s\n", (int)n, line);
}

static void
ladder_flush(struct report_ladder *rl)
{
	struct ladder_row *r = &rl->row;
	char t[32], line[256];

	if (r->used) {
		ladder_header(rl);
		snprintf(line, sizeof line, "%*s %-*.*s |%s|  %s", LAD_TIME_W,
		    ladder_time(r->t_ns, t, sizeof t), LAD_STATE_W,
		    LAD_STATE_W, r->left, r->inner, r->right);
		ladder_put(rl, line);
		memset(r, 0, sizeof *r);
	}
	if (rl->notes_len > 0) {
		ladder_header(rl);
		fputs(rl->notes, rl->out);
		rl->notes[0] = '\0';
		rl->notes_len = 0;
	}
}

static void
ladder_row_start(struct report_ladder *rl, int64_t t_ns)
{
	ladder_flush(rl);
	rl->row.used = true;
	rl->row.t_ns = t_ns;
	memset(rl->row.inner, ' ', LAD_INNER);
	rl->row.inner[LAD_INNER] = '\0';
}

/* The arrow with its label near the sending end: "-- S 0:0(0) ---->" when
 * the prober sent it, "<---- S. 0:0(0) ack 1 --" when the target did. */
static void
ladder_arrow(char *inner, const char *label, bool to_target)
{
	size_t n = strlen(label), dashes = LAD_INNER - 5 - n;

	if (to_target) {
		memcpy(inner, "-- ", 3);
		memcpy(inner + 3, label, n);
		inner[3 + n] = ' ';
		memset(inner + 4 + n, '-', dashes);
		inner[LAD_INNER - 1] = '>';
	} else {
		inner[0] = '<';
		memset(inner + 1, '-', dashes);
		inner[1 + dashes] = ' ';
		memcpy(inner + 2 + dashes, label, n);
		memcpy(inner + 2 + dashes + n, " --", 3);
	}
	inner[LAD_INNER] = '\0';
}

/* ------------------------------------------------------------- labels */

/* How much a label may say; each step down says less. */
struct label_level {
	size_t	 preview;	/* payload bytes, 0: none */
	bool	 opt_values;	/* "mss 1460" rather than "mss" */
	bool	 win;
	bool	 opt_names;	/* false: "<4 opts>" */
	bool	 ttl;		/* REPORT_IP's "(ttl N)" */
};

static void
lbuf_add(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
lbuf_add(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* Options the short way: NOPs and EOL left out, TS without its values,
 * "ws 7" for wscale: "<mss 1460,sackOK,TS,ws 7>"; shorter still without
 * values ("<mss,sackOK,TS,ws>") or names ("<4 opts>"). */
static void
ladder_opts(const struct segment *seg, bool names, bool values, char *buf,
    size_t len)
{
	const struct tcp_option *o;
	const char *name;
	int i, j, shown = 0;

	if (!names) {
		for (i = 0; i < seg->nopts; i++)
			if (seg->opts[i].kind != OPT_NOP &&
			    seg->opts[i].kind != OPT_EOL)
				shown++;
		if (shown > 0)
			lbuf_add(buf, len, " <%d opt%s>", shown,
			    shown == 1 ? "" : "s");
		return;
	}
	for (i = 0; i < seg->nopts; i++) {
		o = &seg->opts[i];
		if (o->kind == OPT_NOP || o->kind == OPT_EOL)
			continue;
		lbuf_add(buf, len, "%s", shown++ ? "," : " <");
		switch (o->kind) {
		case OPT_MSS:
			lbuf_add(buf, len, values ? "mss %u" : "mss",
			    o->u.mss);
			break;
		case OPT_WSCALE:
			lbuf_add(buf, len, values ? "ws %u" : "ws",
			    o->u.wscale);
			break;
		case OPT_SACK:
			lbuf_add(buf, len, "sack");
			for (j = 0; values && j < o->u.sack.n &&
			    j < OPT_MAX_SACK; j++)
				lbuf_add(buf, len, " %" PRIu32 ":%" PRIu32,
				    o->u.sack.b[j].left, o->u.sack.b[j].right);
			break;
		default:
			if ((name = opt_kind_name(o->kind)) != NULL)
				lbuf_add(buf, len, "%s", name);
			else
				lbuf_add(buf, len, "kind %u", o->kind);
			break;
		}
	}
	if (shown)
		lbuf_add(buf, len, ">");
}

static void
ladder_label_at(const struct report_ladder *rl, const struct segment *v,
    const struct label_level *lv, char *buf, size_t len)
{
	char flags[16], *data;

	buf[0] = '\0';
	lbuf_add(buf, len, "%s %" PRIu32 ":%" PRIu32 "(%" PRIu32 ")",
	    segment_flags_str(v->flags, flags, sizeof flags), v->seq,
	    (uint32_t)(v->seq + v->len), v->len);
	if ((v->has & SEG_HAS_ACK) || (v->flags & TH_ACK_))
		lbuf_add(buf, len, " ack %" PRIu32, v->ack);
	if (lv->win)
		lbuf_add(buf, len, " win %u", v->win);
	if (v->flags & TH_URG_)
		lbuf_add(buf, len, " urg %u", v->urg);
	ladder_opts(v, lv->opt_names, lv->opt_values, buf, len);
	if (lv->preview > 0 && v->data != NULL && v->len > 0) {
		data = segment_format_data(v->data, v->len, lv->preview);
		lbuf_add(buf, len, " %s", data);
		free(data);
	}
	if (lv->ttl && (rl->flags & REPORT_IP) && (v->has & SEG_HAS_TTL))
		lbuf_add(buf, len, " (ttl %u)", v->ttl);
	if (v->cksum_state == CKSUM_BAD)
		lbuf_add(buf, len, " [bad cksum]");
}

/* The longest label that fits: the payload preview shrinks first, then
 * it goes, then the TTL, option values, the window, the option names;
 * what still does not fit is cut with "...". */
static void
ladder_label(const struct report_ladder *rl, const struct segment *v,
    char *buf, size_t len)
{
	struct label_level lv = { LAD_PREVIEW, true, true, true, true };

	for (;;) {
		ladder_label_at(rl, v, &lv, buf, len);
		if (strlen(buf) <= LAD_LABEL_MAX)
			return;
		if (lv.preview > LAD_PREVIEW_MIN)
			lv.preview--;
		else if (lv.preview > 0)
			lv.preview = 0;
		else if (lv.ttl)
			lv.ttl = false;
		else if (lv.opt_values)
			lv.opt_values = false;
		else if (lv.win)
			lv.win = false;
		else if (lv.opt_names)
			lv.opt_names = false;
		else
			break;
	}
	memcpy(buf + LAD_LABEL_MAX - 3, "...", 4);
}

/* ------------------------------------------------------------- events */

static void
ladder_learn_ends(struct report_ladder *rl, const struct event *ev)
{
	const struct segment *s = ev->seg;

	if (rl->have_ends)
		return;
	rl->have_ends = true;
	if (ev->dir == DIR_FROM_TARGET) {
		rl->prober = s->dst;
		rl->pport = s->dport;
		rl->target = s->src;
		rl->tport = s->sport;
	} else {
		rl->prober = s->src;
		rl->pport = s->sport;
		rl->target = s->dst;
		rl->tport = s->dport;
	}
}

/* Which way it goes: by the event's direction, or for a segment read
 * without one, by who sent it. */
static bool
ladder_to_target(const struct report_ladder *rl, const struct event *ev)
{
	if (ev->dir != DIR_NONE)
		return ev->dir == DIR_TO_TARGET;
	return ipaddr_eq(&ev->seg->src, &rl->prober) &&
	    ev->seg->sport == rl->pport;
}

static void
ladder_segment(struct report_ladder *rl, const struct event *ev)
{
	struct segment view;
	char label[256];

	if (ev->seg == NULL)
		return;
	ladder_learn_ends(rl, ev);
	report_view_segment(ev, &view);
	ladder_label(rl, &view, label, sizeof label);
	ladder_row_start(rl, ev->t_ns);
	ladder_arrow(rl->row.inner, label, ladder_to_target(rl, ev));
}

static void
ladder_icmp(struct report_ladder *rl, const struct event *ev)
{
	char label[256], from[64] = "?";
	const char *name = NULL;

	if (ev->icmp_from != NULL) {
		name = explain_icmp_name(ev->icmp_from->family, ev->icmp_type,
		    ev->icmp_code);
		ipaddr_str(ev->icmp_from, from, sizeof from);
	}
	snprintf(label, sizeof label, "ICMP %u/%u %s from %s", ev->icmp_type,
	    ev->icmp_code, name != NULL ? name : "(unnamed)", from);
	if (strlen(label) > LAD_LABEL_MAX)
		memcpy(label + LAD_LABEL_MAX - 3, "...", 4);
	ladder_row_start(rl, ev->t_ns);
	ladder_arrow(rl->row.inner, label, false);
}

/* A state goes on the waiting row unless that side already has one there
 * (two changes after one segment, or one a timer caused): then on a row
 * of its own with its own time. */
static void
ladder_state(struct report_ladder *rl, const struct event *ev)
{
	bool target = ev->dir == DIR_FROM_TARGET;
	char *slot;

	if (ev->text == NULL)
		return;
	slot = target ? rl->row.right : rl->row.left;
	if (!rl->row.used || slot[0] != '\0' || rl->notes_len > 0) {
		ladder_row_start(rl, ev->t_ns);
		slot = target ? rl->row.right : rl->row.left;
	}
	snprintf(slot, sizeof rl->row.left, "%s", ev->text);
}

static void
ladder_note_line(struct report_ladder *rl, const char *prefix,
    const char *text, size_t n)
{
	char *line;
	int len;

	len = xasprintf(&line, "%*s|  %s%-*.*s |\n", LAD_LEFT, "", prefix,
	    LAD_NOTE_W, (int)n, text);
	rl->notes = xrealloc(rl->notes, rl->notes_len + (size_t)len + 1);
	memcpy(rl->notes + rl->notes_len, line, (size_t)len + 1);
	rl->notes_len += (size_t)len;
	free(line);
}

/* A note between the arrows, wrapped at spaces to stay inside the bars;
 * it waits with the row so that states still join that row. */
static void
ladder_note(struct report_ladder *rl, const char *text)
{
	const char *prefix = "# ";
	size_t width = LAD_NOTE_W, n;

	while (*text != '\0') {
		n = strlen(text);
		if (n > width) {
			for (n = width; n > 0 && text[n] != ' '; n--)
				;
			if (n == 0)
				n = width;
		}
		ladder_note_line(rl, prefix, text, n);
		prefix = "  ";
		text += n;
		while (*text == ' ')
			text++;
	}
}

static void
ladder_lines(struct report_ladder *rl, const char *prefix, const char *text)
{
	const char *nl;
	char *line;

	for (; *text != '\0'; text = *nl != '\0' ? nl + 1 : nl) {
		if ((nl = strchr(text, '\n')) == NULL)
			nl = text + strlen(text);
		xasprintf(&line, "%s%.*s", prefix, (int)(nl - text), text);
		ladder_note(rl, line);
		free(line);
	}
}

static void
ladder_event(void *ctx, const struct event *ev)
{
	struct report_ladder *rl = ctx;

	switch (ev->type) {
	case EV_SEGMENT:
		ladder_segment(rl, ev);
		break;
	case EV_ICMP:
		ladder_icmp(rl, ev);
		break;
	case EV_STATE:
		ladder_state(rl, ev);
		break;
	case EV_MALFORMED:
		if (ev->text != NULL)
			ladder_lines(rl, "malformed: ", ev->text);
		break;
	case EV_STEP:
	case EV_NOTE:
		if (ev->text != NULL)
			ladder_lines(rl, "", ev->text);
		break;
	case EV_SUMMARY:
		ladder_flush(rl);
		if (ev->text != NULL && ev->text[0] != '\0') {
			ladder_header(rl);
			fprintf(rl->out, "\n%s%s", ev->text,
			    strchr(ev->text, '\0')[-1] == '\n' ? "" : "\n");
		}
		break;
	}
}

static void
ladder_close(void *ctx)
{
	struct report_ladder *rl = ctx;

	ladder_flush(rl);
	fflush(rl->out);
	free(rl->notes);
	free(rl);
}

void *
report_ladder_new(FILE *out, int flags)
{
	struct report_ladder *rl = xcalloc(1, sizeof *rl);

	rl->out = out;
	rl->flags = flags;
	return rl;
}

const struct sink_ops report_ladder_ops = {
	.name = "ladder",
	.event = ladder_event,
	.close = ladder_close,
};
