/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report-ladder.c: the ladder sinks, the conversation drawn as arrows
 * between the prober (left) and the target (right) with both ends' states,
 * as ASCII text or as an SVG picture. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "fmt.h"
#include "report.h"
#include "segment.h"
#include "xmalloc.h"

/*
 * The model both forms draw: rows, each an arrow (or nothing) with its
 * time and the states the prober and the target entered after it, and
 * notes between the rows. A row waits for the EV_STATE events its segment
 * causes; notes wait with it, to be drawn after it.
 */
enum row_kind {
	ROW_STATES,		/* no arrow: a state change alone */
	ROW_TO,			/* the prober sent it */
	ROW_FROM,		/* the target (or a router: ICMP) sent it */
};

#define LAD_LABEL_BUF	256
#define LAD_STATE_BUF	32

struct ladder_row {
	bool		 used;
	enum row_kind	 kind;
	int64_t		 t_ns;
	char		 label[LAD_LABEL_BUF];
	char		 left[LAD_STATE_BUF];	/* the prober's new state */
	char		 right[LAD_STATE_BUF];	/* the target's new state */
};

struct report_ladder;

/* A growing string (the SVG body). */
struct strbuf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

/* One form of drawing. */
struct ladder_render {
	size_t	 label_max;	/* longest arrow label, in characters */
	size_t	 note_width;	/* notes wrap at this many characters */
	void	(*row)(struct report_ladder *, const struct ladder_row *);
	void	(*note)(struct report_ladder *, const char *line, bool first);
	void	(*summary)(struct report_ladder *, const char *text);
	void	(*end)(struct report_ladder *);
};

struct report_ladder {
	FILE		*out;
	int		 flags;
	const struct ladder_render *render;
	bool		 have_ends;
	struct ipaddr	 prober, target;
	uint16_t	 pport, tport;
	struct ladder_row row;
	/* Each end's current state and when it was entered: a state a timer
	 * ends says how long it held ("TIME_WAIT held 60.000 s"). */
	char		 state[2][LAD_STATE_BUF];
	int64_t		 state_t[2];
	size_t		 rows;		/* drawn or waiting */
	int64_t		 last_t;	/* the latest row's time */
	char		**notes;	/* waiting to be drawn after the row */
	size_t		 nnotes;
	/* ASCII */
	bool		 header_done;
	/* SVG: the body waits for the end, when the height is known. */
	struct strbuf	 body;
	int		 y;		/* of the next row */
	int		 y_last;	/* of the last arrow or state row */
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
ladder_ends_str(const struct report_ladder *rl, char *p, char *t, size_t len)
{
	p[0] = t[0] = '\0';
	if (!rl->have_ends)
		return;
	fmt_endpoint(&rl->prober, rl->pport, p, len);
	fmt_endpoint(&rl->target, rl->tport, t, len);
}

/* -------------------------------------------------------------- ASCII */

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

static void
text_header(struct report_ladder *rl)
{
	char p[80], t[80];
	int gap;

	if (rl->header_done)
		return;
	rl->header_done = true;
	ladder_ends_str(rl, p, t, sizeof p);
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

/* The arrow with its label near the sending end: "-- S 0:0(0) ---->" when
 * the prober sent it, "<---- S. 0:0(0) ack 1 --" when the target did. */
static void
text_arrow(char *inner, const struct ladder_row *r)
{
	size_t n = strlen(r->label), dashes = LAD_INNER - 5 - n;

	memset(inner, ' ', LAD_INNER);
	if (r->kind == ROW_TO) {
		memcpy(inner, "-- ", 3);
		memcpy(inner + 3, r->label, n);
		memset(inner + 4 + n, '-', dashes);
		inner[LAD_INNER - 1] = '>';
	} else if (r->kind == ROW_FROM) {
		inner[0] = '<';
		memset(inner + 1, '-', dashes);
		memcpy(inner + 2 + dashes, r->label, n);
		memcpy(inner + 2 + dashes + n, " --", 3);
	} else if (n > 0) {
		/* A state's row: what it ends, between the bars. */
		memcpy(inner + 2, "..", 2);
		memcpy(inner + 5, r->label, n);
	}
	inner[LAD_INNER] = '\0';
}

static void
text_row(struct report_ladder *rl, const struct ladder_row *r)
{
	char t[32], inner[LAD_INNER + 1], line[256];
	size_t n;

	text_header(rl);
	text_arrow(inner, r);
	snprintf(line, sizeof line, "%*s %-*.*s |%s|  %s", LAD_TIME_W,
	    ladder_time(r->t_ns, t, sizeof t), LAD_STATE_W, LAD_STATE_W,
	    r->left, inner, r->right);
	/* A blank margin leaves spaces at the end. */
	n = strlen(line);
	while (n > 0 && line[n - 1] == ' ')
		n--;
	fprintf(rl->out, "%.*s\n", (int)n, line);
}

static void
text_note(struct report_ladder *rl, const char *line, bool first)
{
	text_header(rl);
	fprintf(rl->out, "%*s|  %s%-*s |\n", LAD_LEFT, "", first ? "# " : "  ",
	    LAD_NOTE_W, line);
}

static void
text_summary(struct report_ladder *rl, const char *text)
{
	text_header(rl);
	fprintf(rl->out, "\n%s%s", text,
	    text[strlen(text) - 1] == '\n' ? "" : "\n");
}

static void
text_end(struct report_ladder *rl)
{
	fflush(rl->out);
}

static const struct ladder_render render_text = {
	.label_max = LAD_LABEL_MAX,
	.note_width = LAD_NOTE_W,
	.row = text_row,
	.note = text_note,
	.summary = text_summary,
	.end = text_end,
};

/* ---------------------------------------------------------------- SVG */

/*
 * The same rows as a picture: the prober's line at x = SVG_XP, the
 * target's at SVG_XT, a row every SVG_ROW pixels; monospace text, so a
 * label is measured in characters as in ASCII, only longer.
 */
#define SVG_W		980
#define SVG_XTIME	70	/* right end of the time */
#define SVG_XP		230	/* the prober's line */
#define SVG_XT		790	/* the target's line */
#define SVG_TOP		70	/* the first row */
#define SVG_ROW		30
#define SVG_NOTE_ROW	17
#define SVG_LABEL_MAX	72
#define SVG_NOTE_W	72

static void
sb_add(struct strbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/* Append a string xasprintf() made, and free it. */
static void
sb_take(struct strbuf *b, char *s)
{
	sb_add(b, s);
	free(s);
}

/* Text content or an attribute value, with XML's five escapes. */
static void
svg_escaped(struct strbuf *b, const char *s)
{
	static const char *const esc[256] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
		['"'] = "&quot;", ['\''] = "&apos;",
	};

	char c[2] = "";

	for (; *s != '\0'; s++) {
		c[0] = *s;
		sb_add(b, esc[(uint8_t)*s] != NULL ? esc[(uint8_t)*s] : c);
	}
}

static void
svg_text(struct strbuf *b, int x, int y, const char *class, const char *s)
{
	char *tag;

	xasprintf(&tag, "<text x=\"%d\" y=\"%d\" class=\"%s\">", x, y, class);
	sb_take(b, tag);
	svg_escaped(b, s);
	sb_add(b, "</text>\n");
}

static void
svg_line(struct strbuf *b, int x1, int y1, int x2, int y2, const char *class)
{
	char *tag;

	xasprintf(&tag, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "class=\"%s\"/>\n", x1, y1, x2, y2, class);
	sb_take(b, tag);
}

static void
svg_start(struct report_ladder *rl)
{
	if (rl->y == 0)
		rl->y = SVG_TOP;
}

static void
svg_row(struct report_ladder *rl, const struct ladder_row *r)
{
	struct strbuf *f = &rl->body;
	char t[32];
	int y;

	svg_start(rl);
	y = rl->y;
	svg_text(f, SVG_XTIME, y + 4, "time", ladder_time(r->t_ns, t,
	    sizeof t));
	if (r->left[0] != '\0')
		svg_text(f, SVG_XP - 10, y + 4, "pstate", r->left);
	if (r->right[0] != '\0')
		svg_text(f, SVG_XT + 10, y + 4, "tstate", r->right);
	if (r->kind == ROW_TO) {
		svg_line(f, SVG_XP, y, SVG_XT - 2, y, "to");
		svg_text(f, SVG_XP + 12, y - 5, "lto", r->label);
	} else if (r->kind == ROW_FROM) {
		svg_line(f, SVG_XT, y, SVG_XP + 2, y, "from");
		svg_text(f, SVG_XT - 12, y - 5, "lfrom", r->label);
	} else if (r->label[0] != '\0')
		svg_text(f, SVG_XP + 12, y + 4, "note", r->label);
	rl->y_last = y;
	rl->y += SVG_ROW;
}

static void
svg_note(struct report_ladder *rl, const char *line, bool first)
{
	char *s;

	svg_start(rl);
	xasprintf(&s, "%s%s", first ? "# " : "  ", line);
	svg_text(&rl->body, SVG_XP + 12, rl->y - 12, "note", s);
	free(s);
	rl->y += SVG_NOTE_ROW;
}

static void
svg_summary(struct report_ladder *rl, const char *text)
{
	const char *nl;
	char *line;

	svg_start(rl);
	rl->y += SVG_NOTE_ROW;
	for (; *text != '\0'; text = *nl != '\0' ? nl + 1 : nl) {
		if ((nl = strchr(text, '\n')) == NULL)
			nl = text + strlen(text);
		line = xmalloc((size_t)(nl - text) + 1);
		memcpy(line, text, (size_t)(nl - text));
		line[nl - text] = '\0';
		svg_text(&rl->body, 10, rl->y - 12, "summary", line);
		free(line);
		rl->y += SVG_NOTE_ROW;
	}
}

static const char svg_style[] =
    "<style>\n"
    "text { font-family: monospace; font-size: 12px; fill: #000; }\n"
    "text.time { text-anchor: end; fill: #555; }\n"
    "text.pstate { text-anchor: end; font-weight: bold; fill: #05a; }\n"
    "text.tstate { font-weight: bold; fill: #a50; }\n"
    "text.lfrom { text-anchor: end; }\n"
    "text.note { font-style: italic; fill: #666; }\n"
    "text.who { font-weight: bold; }\n"
    "text.whoend { text-anchor: end; font-weight: bold; }\n"
    "line.life { stroke: #000; stroke-width: 2; }\n"
    "line.to { stroke: #05a; marker-end: url(#head-to); }\n"
    "line.from { stroke: #a50; marker-end: url(#head-from); }\n"
    "</style>\n"
    "<defs>\n"
    "<marker id=\"head-to\" markerWidth=\"10\" markerHeight=\"8\" "
    "refX=\"9\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" "
    "fill=\"#05a\"/></marker>\n"
    "<marker id=\"head-from\" markerWidth=\"10\" markerHeight=\"8\" "
    "refX=\"9\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" "
    "fill=\"#a50\"/></marker>\n"
    "</defs>\n";

/* Everything is known now: the picture's height, where the two lines end.
 * Nothing drawn, nothing written. */
static void
svg_end(struct report_ladder *rl)
{
	struct strbuf head = { NULL, 0, 0 };
	char p[80], t[80], *top;
	int bottom = rl->y_last + SVG_ROW / 2, height = rl->y + 10;

	if (rl->y == 0)
		return;
	ladder_ends_str(rl, p, t, sizeof p);
	xasprintf(&top, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\">\n%s"
	    "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
	    SVG_W, height, SVG_W, height, svg_style);
	sb_take(&head, top);
	svg_text(&head, SVG_XTIME, 24, "time", "ms");
	svg_text(&head, SVG_XP - 10, 24, "whoend", "prober");
	svg_text(&head, SVG_XP + 4, 40, "who", p);
	svg_text(&head, SVG_XT + 10, 24, "who", "target");
	svg_text(&head, SVG_XT - 4, 40, "whoend", t);
	svg_line(&head, SVG_XP, 48, SVG_XP, bottom, "life");
	svg_line(&head, SVG_XT, 48, SVG_XT, bottom, "life");
	fwrite(head.s, 1, head.len, rl->out);
	fwrite(rl->body.s, 1, rl->body.len, rl->out);
	fputs("</svg>\n", rl->out);
	fflush(rl->out);
	free(head.s);
	free(rl->body.s);
	rl->body.s = NULL;
}

static const struct ladder_render render_svg = {
	.label_max = SVG_LABEL_MAX,
	.note_width = SVG_NOTE_W,
	.row = svg_row,
	.note = svg_note,
	.summary = svg_summary,
	.end = svg_end,
};

/* -------------------------------------------------------------- model */

static void ladder_note_draw(struct report_ladder *, const char *);

static void
ladder_flush(struct report_ladder *rl)
{
	size_t i;

	if (rl->row.used)
		rl->render->row(rl, &rl->row);
	memset(&rl->row, 0, sizeof rl->row);
	for (i = 0; i < rl->nnotes; i++) {
		ladder_note_draw(rl, rl->notes[i]);
		free(rl->notes[i]);
	}
	rl->nnotes = 0;
}

static void
ladder_row_start(struct report_ladder *rl, enum row_kind kind, int64_t t_ns)
{
	ladder_flush(rl);
	/* Rows come in the conversation's order; a stamp earlier than the
	 * row above (a clock step, a reordered capture) shows as that row's
	 * time, so the column never runs backwards. */
	if (rl->rows > 0 && t_ns < rl->last_t)
		t_ns = rl->last_t;
	rl->rows++;
	rl->last_t = t_ns;
	rl->row.used = true;
	rl->row.kind = kind;
	rl->row.t_ns = t_ns;
}

/* ------------------------------------------------------------- labels */

#define LAD_PREVIEW	20	/* payload bytes in a label at most */
#define LAD_PREVIEW_MIN	4	/* fewer than this: no preview at all */

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
		case 34:	/* RFC 7413's Fast Open cookie */
			lbuf_add(buf, len, "FO");
			break;
		case 19:	/* RFC 2385's MD5 signature */
			lbuf_add(buf, len, "md5");
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
	    segment_flags_ae_str(v->flags, v->ae, flags, sizeof flags), v->seq,
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
	size_t max = rl->render->label_max;

	struct label_level lv = { LAD_PREVIEW, true, true, true, true };

	for (;;) {
		ladder_label_at(rl, v, &lv, buf, len);
		if (strlen(buf) <= max)
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
	memcpy(buf + max - 3, "...", 4);
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

	if (ev->seg == NULL)
		return;
	ladder_learn_ends(rl, ev);
	fmt_view_segment(ev, &view);
	ladder_row_start(rl, ladder_to_target(rl, ev) ? ROW_TO : ROW_FROM,
	    ev->t_ns);
	ladder_label(rl, &view, rl->row.label, sizeof rl->row.label);
}

static void
ladder_icmp(struct report_ladder *rl, const struct event *ev)
{
	char from[64] = "?";
	const char *name = NULL;
	size_t max = rl->render->label_max;
	char *label;

	if (ev->icmp_from != NULL) {
		name = explain_icmp_name(ev->icmp_from->family, ev->icmp_type,
		    ev->icmp_code);
		ipaddr_str(ev->icmp_from, from, sizeof from);
	}
	ladder_row_start(rl, ev->dir == DIR_TO_TARGET ? ROW_TO : ROW_FROM,
	    ev->t_ns);
	label = rl->row.label;
	snprintf(label, LAD_LABEL_BUF, "ICMP %u/%u %s from %s",
	    ev->icmp_type, ev->icmp_code, name != NULL ? name : "(unnamed)",
	    from);
	if (strlen(label) > max)
		memcpy(label + max - 3, "...", 4);
}

/* A state goes on the waiting row, the segment's that caused it, unless
 * that side already has one there (two changes after one segment), a note
 * came in between, or a timer caused it: then on a row of its own with
 * its own time; a timer's row says how long the state it ends held. */
static void
ladder_state(struct report_ladder *rl, const struct event *ev)
{
	bool target = ev->dir == DIR_FROM_TARGET;
	char *slot, t[32];

	if (ev->text == NULL)
		return;
	slot = target ? rl->row.right : rl->row.left;
	if (!rl->row.used || slot[0] != '\0' || rl->nnotes > 0 ||
	    ev->timer) {
		ladder_row_start(rl, ROW_STATES, ev->t_ns);
		slot = target ? rl->row.right : rl->row.left;
		if (ev->timer && rl->state[target][0] != '\0')
			snprintf(rl->row.label, sizeof rl->row.label,
			    "%s held %s s", rl->state[target],
			    fmt_time(ev->t_ns - rl->state_t[target], t,
			    sizeof t));
	}
	snprintf(slot, LAD_STATE_BUF, "%s", ev->text);
	snprintf(rl->state[target], LAD_STATE_BUF, "%s", ev->text);
	/* The state's own time: a row's may have been moved on so that the
	 * time column never runs backwards, and a timer counts from this. */
	rl->state_t[target] = ev->t_ns;
}

/* One line of text for the notes, waiting with the row so that states
 * still join that row. */
static void
ladder_note_add(struct report_ladder *rl, const char *prefix,
    const char *text, size_t n)
{
	char *s;

	xasprintf(&s, "%s%.*s", prefix, (int)n, text);
	rl->notes = xreallocarray(rl->notes, rl->nnotes + 1,
	    sizeof *rl->notes);
	rl->notes[rl->nnotes++] = s;
}

/* A note drawn wrapped at spaces (a word too long is cut). */
static void
ladder_note_draw(struct report_ladder *rl, const char *text)
{
	size_t width = rl->render->note_width, n;
	char *line;
	bool first = true;

	while (*text != '\0') {
		n = strlen(text);
		if (n > width) {
			for (n = width; n > 0 && text[n] != ' '; n--)
				;
			if (n == 0)
				n = width;
		}
		line = xmalloc(n + 1);
		memcpy(line, text, n);
		line[n] = '\0';
		rl->render->note(rl, line, first);
		free(line);
		first = false;
		text += n;
		while (*text == ' ')
			text++;
	}
}

/* Each line of a multi-line text is a note of its own. */
static void
ladder_lines(struct report_ladder *rl, const char *prefix, const char *text)
{
	const char *nl;

	for (; *text != '\0'; text = *nl != '\0' ? nl + 1 : nl) {
		if ((nl = strchr(text, '\n')) == NULL)
			nl = text + strlen(text);
		ladder_note_add(rl, prefix, text, (size_t)(nl - text));
	}
}

/* A step's verdict, in the text report's words, between the arrows. */
static void
ladder_step(struct report_ladder *rl, const struct event *ev)
{
	char *text;

	if (ev->outcome == NULL) {
		if (ev->text != NULL)
			ladder_lines(rl, "", ev->text);
		return;
	}
	text = fmt_outcome(ev->outcome);
	ladder_lines(rl, "", text);
	free(text);
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
		ladder_step(rl, ev);
		break;
	case EV_NOTE:
		if (ev->text != NULL)
			ladder_lines(rl, "", ev->text);
		break;
	case EV_SUMMARY:
		ladder_flush(rl);
		if (ev->text != NULL && ev->text[0] != '\0')
			rl->render->summary(rl, ev->text);
		break;
	}
}

static void
ladder_close(void *ctx)
{
	struct report_ladder *rl = ctx;

	ladder_flush(rl);
	rl->render->end(rl);
	free(rl->notes);
	free(rl);
}

static struct report_ladder *
ladder_new(FILE *out, int flags, const struct ladder_render *render)
{
	struct report_ladder *rl = xcalloc(1, sizeof *rl);

	rl->out = out;
	rl->flags = flags;
	rl->render = render;
	return rl;
}

void *
report_ladder_new(FILE *out, int flags)
{
	return ladder_new(out, flags, &render_text);
}

void *
report_ladder_svg_new(FILE *out, int flags)
{
	return ladder_new(out, flags, &render_svg);
}

const struct sink_ops report_ladder_ops = {
	.name = "ladder",
	.event = ladder_event,
	.close = ladder_close,
};
