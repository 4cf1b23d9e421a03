/* SPDX-License-Identifier: GPL-2.0-or-later */
/* script.c: the .shake parser: lines to steps, comments and -D names,
 * header lines, times, refusals, and errors with file:line:column (option
 * lines: script-option.c; the state both share: script-int.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script-lab.h"
#include "script-int.h"
#include "script.h"
#include "syscall.h"
#include "target.h"
#include "xmalloc.h"

/*
 * A file is read whole and parsed a line at a time (packetdrill's packet
 * lines are one line each). Each line goes through three stages:
 *
 *  1. comments out: '#' and '//' to the end of the line, '/ * ... * /'
 *     across lines; never inside "strings" or `commands`. They become
 *     spaces, so columns stay those of the file.
 *  2. -D names in: a whole word NAME (outside "strings") becomes its
 *     value. map[] keeps, for each byte of the result, the column it came
 *     from, so errors still point into the line as written.
 *  3. the line itself: a header line (--option, target, flow) or a step
 *     (TIME then a packet, none, wait or a `command`).
 *
 * Errors do not stop the parse: each line is judged on its own, up to
 * SCRIPT_MAX_ERRORS. Lines that continue a refused system call or python
 * block are skipped, so a packetdrill file gets one error per refusal.
 */

/* ------------------------------------------------------------- errors */

static void
errors_add(struct parser *p, int line, int column, const char *source,
    size_t srclen, char *msg)
{
	struct script_errors *e = p->errs;
	struct script_error *r;

	if (e->n - p->nerr0 >= SCRIPT_MAX_ERRORS) {
		e->truncated = true;
		p->stop = true;
		free(msg);
		return;
	}
	e->v = xreallocarray(e->v, e->n + 1, sizeof *e->v);
	r = &e->v[e->n++];
	r->file = xstrdup(p->file);
	r->line = line;
	r->column = column;
	r->source = source != NULL ? strndup(source, srclen) : NULL;
	if (source != NULL && r->source == NULL)
		fatalx("out of memory");
	r->msg = msg;
}

/* Where index pos of the current (processed) line is in the file: its
 * physical line, the column in it, and where that line starts in orig. */
void
locate(const struct parser *p, size_t pos, int *line, int *column,
    size_t *start)
{
	size_t o = p->map[pos], k;

	*line = p->lineno;
	*start = 0;
	for (k = 0; k < o; k++)
		if (p->orig[k] == '\n') {
			(*line)++;
			*start = k + 1;
		}
	*column = (int)(o - *start) + 1;
}

/* The physical line of index pos of the current line. */
int
line_at(const struct parser *p, size_t pos)
{
	size_t start;
	int line, column;

	locate(p, pos, &line, &column, &start);
	return line;
}

/* An error at index pos of the current (processed) line. */
void
perr(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	size_t start;
	int line, column;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		fatalx("out of memory formatting an error");
	va_end(ap);
	locate(p, pos, &line, &column, &start);
	errors_add(p, line, column, p->orig + start,
	    strcspn(p->orig + start, "\n"), msg);
}

/* An error at a given line and column (0: none), source may be NULL. */
void
perr_at(struct parser *p, int line, int column, const char *source,
    const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		fatalx("out of memory formatting an error");
	va_end(ap);
	errors_add(p, line, column, source, source != NULL ?
	    strcspn(source, "\n") : 0, msg);
}

/* Whether s[i] starts the whole word w. */
static bool
word_at(const char *s, size_t i, const char *w)
{
	size_t n = strlen(w);

	return strncmp(s + i, w, n) == 0 && !is_ident(s[i + n]) &&
	    (i == 0 || !is_ident(s[i - 1]));
}

/* The token at s[i] (to the next blank), quoted in messages. */
static const char *
token(const char *s, size_t i, char *buf, size_t len)
{
	size_t n = 0;

	while (s[i + n] != '\0' && !is_blank(s[i + n]))
		n++;
	if (n < len)
		snprintf(buf, len, "%.*s", (int)n, s + i);
	else
		snprintf(buf, len, "%.*s...", (int)len - 4, s + i);
	return buf;
}

/* ------------------------------------------------- stage 1: comments */

/*
 * Blank the comments of s, the text of one physical line. A `command` may
 * go on over several lines: in_command says one is open at the end, and
 * the next line continues it.
 */
static void
strip_comments(struct parser *p, char *s, const char *line, int lineno)
{
	char quote = p->in_command ? '`' : 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (p->in_comment) {
			if (s[i] == '*' && s[i + 1] == '/') {
				s[i++] = ' ';
				p->in_comment = false;
			}
			s[i] = ' ';
			continue;
		}
		if (quote != 0) {
			if (quote == '"' && s[i] == '\\' && s[i + 1] != '\0')
				i++;
			else if (s[i] == quote)
				quote = 0;
			continue;
		}
		if (s[i] == '"' || s[i] == '`')
			quote = s[i];
		else if (s[i] == '#' || (s[i] == '/' && s[i + 1] == '/')) {
			s[i] = '\0';
			break;
		} else if (s[i] == '/' && s[i + 1] == '*') {
			p->in_comment = true;
			p->comment_line = lineno;
			p->comment_col = (int)i + 1;
			free(p->comment_src);
			p->comment_src = xstrdup(line);
			s[i++] = ' ';
			s[i] = ' ';
		}
	}
	p->in_command = quote == '`';
}

/* --------------------------------------------------- stage 2: -D names */

static const char *
def_lookup(const struct parser *p, const char *name, size_t n)
{
	size_t i;

	if (p->defs != NULL)
		for (i = 0; i < p->defs->n; i++)
			if (strlen(p->defs->v[i].name) == n &&
			    strncmp(p->defs->v[i].name, name, n) == 0)
				return p->defs->v[i].value;
	for (i = 0; i < p->nfdefs; i++)
		if (strlen(p->fdefs[i].name) == n &&
		    strncmp(p->fdefs[i].name, name, n) == 0)
			return p->fdefs[i].value;
	return NULL;
}

struct growbuf {
	char	*s;
	size_t	*map;
	size_t	 len;
	size_t	 cap;
};

static void
grow_put(struct growbuf *b, char c, size_t from)
{
	if (b->len + 2 > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 128;
		b->s = xrealloc(b->s, b->cap);
		b->map = xreallocarray(b->map, b->cap, sizeof *b->map);
	}
	b->s[b->len] = c;
	b->map[b->len++] = from;
}

/* p->text and p->map from the comment-free line s. */
static void
substitute(struct parser *p, const char *s)
{
	struct growbuf b = { NULL, NULL, 0, 0 };
	const char *v;
	bool instr = false;
	size_t i, n, keep = SIZE_MAX;

	/* The NAME of "--define=NAME=value" and of "lab quick NAME=value"
	 * is not replaced. */
	i = skip_ws(s, 0);
	if (strncmp(s + i, "--define=", 9) == 0)
		keep = i + 9;
	else if (strncmp(s + i, "lab", 3) == 0 && (s[i + 3] == ' ' ||
	    s[i + 3] == '\t') && strncmp(s + skip_ws(s, i + 3), "quick", 5) ==
	    0 && (s[skip_ws(s, i + 3) + 5] == ' ' ||
	    s[skip_ws(s, i + 3) + 5] == '\t'))
		keep = skip_ws(s, skip_ws(s, i + 3) + 5);
	for (i = 0; s[i] != '\0';) {
		if (instr || s[i] == '"') {
			if (s[i] == '\\' && instr && s[i + 1] != '\0')
				grow_put(&b, s[i], i), i++;
			else if (s[i] == '"')
				instr = !instr;
			grow_put(&b, s[i], i);
			i++;
			continue;
		}
		n = (i == 0 || !is_ident(s[i - 1])) ? ident_len(s, i) : 0;
		if (n > 0 && i != keep && (v = def_lookup(p, s + i, n)) != NULL) {
			for (; *v != '\0'; v++)
				grow_put(&b, *v, i);
			i += n;
			continue;
		}
		grow_put(&b, s[i], i);
		i++;
	}
	grow_put(&b, '\0', i);
	free(p->text);
	free(p->map);
	p->text = b.s;
	p->map = b.map;
}

/* --------------------------------------------------------- header lines */

bool
parse_uint_text(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (!is_digit(s[0]))
		return false;
	for (i = 0; is_digit(s[i]); i++) {
		v = v * 10 + (unsigned long)(s[i] - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return s[i] == '\0';
}

bool
script_target_parse(const char *s, char **host, uint16_t *port, char *why,
    size_t whylen)
{
	struct target t;

	if (target_parse(s, &t, why, whylen) < 0)
		return false;
	if (t.port == 0) {
		snprintf(why, whylen, "expected HOST:PORT (a port after ':')");
		return false;
	}
	*host = xstrdup(t.host);
	*port = t.port;
	return true;
}

/* Header lines come before the first step. */
bool
header_in_place(struct parser *p, size_t at, const char *what)
{
	if (!p->stepped)
		return true;
	perr(p, at, "%s come before the first step", what);
	return false;
}

void
set_target(struct parser *p, size_t at, const char *value)
{
	char why[128];
	char *host;
	uint16_t port;

	if (p->sc->target_line > 0) {
		perr(p, at, "target given twice (first on line %d)",
		    p->sc->target_line);
		return;
	}
	if (!script_target_parse(value, &host, &port, why, sizeof why)) {
		perr(p, at, "%s", why);
		return;
	}
	p->sc->target_host = host;
	p->sc->target_port = port;
	p->sc->target_line = line_at(p, at);
}

/* "target HOST:PORT"; at is on the word. */
static void
parse_target(struct parser *p, size_t at)
{
	size_t i = skip_ws(p->text, at + 6), end;
	char *value;

	if (!header_in_place(p, at, "target lines"))
		return;
	if (p->text[i] == '\0') {
		perr(p, i, "expected HOST:PORT after 'target'");
		return;
	}
	for (end = i; p->text[end] != '\0' && !is_blank(p->text[end]); end++)
		;
	if (p->text[skip_ws(p->text, end)] != '\0') {
		perr(p, skip_ws(p->text, end), "trailing text after the "
		    "target (one HOST:PORT)");
		return;
	}
	value = xstrdup(p->text + i);
	value[end - i] = '\0';
	set_target(p, i, value);
	free(value);
}

/* FNV-1a of name[0..n). */
static size_t
name_hash(const char *name, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t k;

	for (k = 0; k < n; k++)
		h = (h ^ (unsigned char)name[k]) * 0x100000001b3ULL;
	return (size_t)h;
}

/* The slot of flow name[0..n) in p->fslot: its own, or the empty one
 * where it would go. nfslots is a power of two. */
static size_t
flow_slot(const struct parser *p, const char *name, size_t n)
{
	size_t mask = p->nfslots - 1, i = name_hash(name, n) & mask, f;
	const char *fn;

	while ((f = p->fslot[i]) != 0) {
		fn = p->sc->flows[f - 1].name;
		if (strlen(fn) == n && strncmp(fn, name, n) == 0)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

static int
flow_find(const struct parser *p, const char *name, size_t n)
{
	size_t f;

	if (p->nfslots == 0)
		return -1;
	f = p->fslot[flow_slot(p, name, n)];
	return f == 0 ? -1 : (int)f - 1;
}

/* Room for one more named flow in the table: at most half full. */
static void
flow_index_grow(struct parser *p)
{
	size_t k, n = p->nfslots > 0 ? p->nfslots * 2 : 64;
	const char *name;

	if (2 * (p->sc->nflows + 1) <= p->nfslots)
		return;
	free(p->fslot);
	p->fslot = xcalloc(n, sizeof *p->fslot);
	p->nfslots = n;
	for (k = 0; k < p->sc->nflows; k++)
		if ((name = p->sc->flows[k].name) != NULL)
			p->fslot[flow_slot(p, name, strlen(name))] = k + 1;
}

static const char *const keywords[] = {
	"none", "wait", "flow", "target", NULL,
};

static void
flow_add(struct parser *p, const char *name, uint16_t sport, int line)
{
	struct script *sc = p->sc;
	struct script_flow *f;

	if (name != NULL)
		flow_index_grow(p);
	sc->flows = xgrow(sc->flows, &p->flowcap, sc->nflows + 1, sizeof *f);
	f = &sc->flows[sc->nflows++];
	f->name = name != NULL ? xstrdup(name) : NULL;
	f->sport = sport;
	f->line = line;
	if (name != NULL)
		p->fslot[flow_slot(p, name, strlen(name))] = sc->nflows;
}

/* "flow NAME [PORT]"; at is on the word. */
static void
parse_flow(struct parser *p, size_t at)
{
	size_t i = skip_ws(p->text, at + 4), n, j, k;
	unsigned long port = 0;
	char name[64], num[16];
	int prev;

	if (!header_in_place(p, at, "flow lines"))
		return;
	if ((n = ident_len(p->text, i)) == 0 || n >= sizeof name) {
		perr(p, i, "expected a flow name (letters, digits, '_') "
		    "after 'flow'");
		return;
	}
	snprintf(name, sizeof name, "%.*s", (int)n, p->text + i);
	for (k = 0; keywords[k] != NULL; k++)
		if (strcmp(name, keywords[k]) == 0) {
			perr(p, i, "'%s' is a keyword; give the flow another "
			    "name", name);
			return;
		}
	if (p->sc->nflows >= SCRIPT_MAX_FLOWS) {
		perr(p, at, "more than %d flows: a scenario may declare at most "
		    "%d (tcpshake-scenario(5), LIMITS)", SCRIPT_MAX_FLOWS,
		    SCRIPT_MAX_FLOWS);
		p->stop = true;
		return;
	}
	if ((prev = flow_find(p, name, n)) >= 0) {
		perr(p, i, "flow '%s' declared twice (first on line %d)", name,
		    p->sc->flows[prev].line);
		return;
	}
	j = skip_ws(p->text, i + n);
	if (j == i + n && p->text[j] != '\0') {
		perr(p, j, "expected a space after the flow name");
		return;
	}
	if (p->text[j] != '\0') {
		for (k = j; p->text[k] != '\0' && !is_blank(p->text[k]); k++)
			;
		snprintf(num, sizeof num, "%.*s", (int)(k - j < 15 ? k - j :
		    15), p->text + j);
		if (!parse_uint_text(num, 65535, &port) || port == 0 ||
		    k - j >= sizeof num) {
			perr(p, j, "expected the flow's source port (1 to "
			    "65535), got '%s'", num);
			return;
		}
		if (p->text[skip_ws(p->text, k)] != '\0') {
			perr(p, skip_ws(p->text, k), "trailing text after the "
			    "flow's port");
			return;
		}
		for (k = 0; k < p->sc->nflows; k++)
			if (p->sc->flows[k].sport == port) {
				perr(p, j, "flows '%s' and '%s' both use source "
				    "port %lu", p->sc->flows[k].name, name,
				    port);
				return;
			}
	}
	flow_add(p, name, (uint16_t)port, line_at(p, at));
}

/* "lab WORD ..." (script-lab.c); at is on the word. */
static void
parse_lab(struct parser *p, size_t at)
{
	size_t errat = 0;
	char *msg;

	const char *bq;

	if (!header_in_place(p, at, "lab lines"))
		return;
	/* A backtick would open a command over the lines after it once
	 * the lab line is printed at the head of the file. */
	if ((bq = strchr(p->text + at, '`')) != NULL) {
		perr(p, (size_t)(bq - p->text), "a lab line holds no "
		    "`command`: put commands on lines of their own");
		return;
	}
	if (!script_lab_line(&p->sc->lab, line_at(p, at), p->text + at + 3,
	    &errat, &msg)) {
		perr(p, at + 3 + errat, "%s", msg);
		free(msg);
	}
}

/* ------------------------------------------------------------------ times */

#define NS_PER_SEC	1000000000LL

/* Seconds as written ("0.250", ".1", "3") into ns; i moves past them. */
static bool
parse_secs(struct parser *p, size_t *ip, int64_t *ns)
{
	const char *s = p->text;
	size_t i = *ip, at = *ip, idig = 0, fdig = 0;
	int64_t whole = 0, frac = 0;
	char tok[32];

	if (!is_digit(s[i]) && !(s[i] == '.' && is_digit(s[i + 1]))) {
		perr(p, at, "expected a time in seconds (like 0.250 or +.1), "
		    "got '%s'", token(s, at, tok, sizeof tok));
		return false;
	}
	for (; is_digit(s[i]); i++, idig++)
		if (idig < 10)
			whole = whole * 10 + (s[i] - '0');
	if (s[i] == '.' && s[i + 1] != '.') {
		for (i++; is_digit(s[i]); i++, fdig++)
			if (fdig < 9)
				frac = frac * 10 + (s[i] - '0');
	}
	if (is_ident(s[i]) || (s[i] == '.' && s[i + 1] != '.')) {
		perr(p, at, "malformed time '%s' (seconds, like 0.250)",
		    token(s, at, tok, sizeof tok));
		return false;
	}
	if (idig > 9) {
		perr(p, at, "time %.*s is too large (at most 999999999 "
		    "seconds)", (int)(i - at), s + at);
		return false;
	}
	if (fdig > 9) {
		perr(p, at, "time %.*s has more than 9 decimals (nanoseconds)",
		    (int)(i - at), s + at);
		return false;
	}
	for (; fdig < 9; fdig++)
		frac *= 10;
	*ns = whole * NS_PER_SEC + frac;
	*ip = i;
	return true;
}

/* TIME: "0.25", "+.1", "*", "0.9~1.1", "+.3~+.4". */
static bool
parse_time(struct parser *p, size_t *ip, struct step_time *t)
{
	const char *s = p->text;
	size_t i = *ip;
	bool rel;

	memset(t, 0, sizeof *t);
	if (s[i] == '*') {
		t->kind = STEP_TIME_ANY;
		if (s[++i] == '~') {
			perr(p, i, "'*' stands alone: it cannot open a window");
			return false;
		}
		*ip = i;
		return true;
	}
	/* packetdrill's lexer skips blanks between tokens: "+ 0.1". */
	rel = s[i] == '+';
	if (rel)
		i = skip_ws(s, i + 1);
	if (!parse_secs(p, &i, &t->start_ns))
		return false;
	t->kind = rel ? STEP_TIME_REL : STEP_TIME_ABS;
	if (s[i] == '~') {
		i++;
		if ((s[i] == '+') != rel) {
			perr(p, i, "a window is either absolute (0.9~1.1) or "
			    "relative (+.3~+.4), not both");
			return false;
		}
		if (rel)
			i = skip_ws(s, i + 1);
		if (!parse_secs(p, &i, &t->end_ns))
			return false;
		t->window = true;
	}
	*ip = i;
	return true;
}

/* Seconds as script_print() writes them, for messages. */
static const char *
fmt_secs(char *buf, size_t len, int64_t ns)
{
	struct step_time t;

	memset(&t, 0, sizeof t);
	t.kind = STEP_TIME_ABS;
	t.start_ns = ns;
	return script_time_str(&t, buf, len);
}

/* Lay the time out on the clock; checks order and windows. at: column. */
static bool
layout_time(struct parser *p, size_t at, struct step_time *t)
{
	int64_t prev = p->last_at;
	char a[32], b[32];

	switch (t->kind) {
	case STEP_TIME_ABS:
		t->at_ns = t->start_ns;
		t->until_ns = t->window ? t->end_ns : t->at_ns;
		if (t->at_ns < prev) {
			fmt_secs(a, sizeof a, t->at_ns);
			fmt_secs(b, sizeof b, prev);
			perr(p, at, "time goes backwards (%s after %s)", a, b);
			return false;
		}
		break;
	case STEP_TIME_REL:
		t->at_ns = prev + t->start_ns;
		t->until_ns = prev + (t->window ? t->end_ns : t->start_ns);
		break;
	default:
		t->at_ns = t->until_ns = prev;
		break;
	}
	if (t->window && t->end_ns < t->start_ns) {
		perr(p, at, "the window ends (%s) before it starts (%s)",
		    fmt_secs(a, sizeof a, t->end_ns),
		    fmt_secs(b, sizeof b, t->start_ns));
		return false;
	}
	if (t->kind != STEP_TIME_NONE)
		p->last_at = t->at_ns;
	return true;
}

/* ------------------------------------------------------------- refusals */

/* Parentheses, brackets and braces still open at the end of s + i;
 * those inside quotes or a `command` do not count. */
static int
depth_after(const char *s, size_t i, int depth)
{
	char quote = 0;

	for (; s[i] != '\0'; i++) {
		if (quote != 0) {
			if (s[i] == '\\' && s[i + 1] != '\0')
				i++;
			else if (s[i] == quote)
				quote = 0;
		} else if (s[i] == '"' || s[i] == '\'' || s[i] == '`')
			quote = s[i];
		else if (strchr("([{", s[i]) != NULL)
			depth++;
		else if (strchr(")]}", s[i]) != NULL && depth > 0)
			depth--;
	}
	return depth;
}

static void
skip_begin(struct parser *p, enum skip_mode mode, int depth, size_t at)
{
	size_t start;

	p->skip = mode;
	p->skip_depth = depth;
	locate(p, at, &p->skip_line, &p->skip_col, &start);
	free(p->skip_src);
	p->skip_src = strndup(p->orig + start, strcspn(p->orig + start, "\n"));
	if (p->skip_src == NULL)
		fatalx("out of memory");
}

/* "NAME(...) = N", at on NAME: packetdrill's system call lines. */
static void
refuse_syscall(struct parser *p, size_t at, size_t n)
{
	int depth;

	perr(p, at, "'%.*s(...)' is a system call line: system call lines "
	    "describe the local kernel under test (packetdrill); a black-box "
	    "target has no such calls: write the segments it should send "
	    "instead", (int)n, p->text + at);
	if ((depth = depth_after(p->text, at + n, 0)) > 0)
		skip_begin(p, SKIP_SYSCALL, depth, at);
}

/* "%{ ... }%", at on '%'. */
static void
refuse_python(struct parser *p, size_t at)
{
	perr(p, at, "'%%{ }%%' is a python block: it inspects the local "
	    "kernel under test (packetdrill); a black-box target has none: "
	    "check the target with a `command` line instead");
	if (strstr(p->text + at, "}%") == NULL)
		skip_begin(p, SKIP_PYTHON, 0, at);
}

/* Lines inside a refused call or block; true when the line was eaten. */
static bool
skip_line(struct parser *p)
{
	if (p->skip == SKIP_PYTHON) {
		if (strstr(p->orig, "}%") != NULL)
			p->skip = SKIP_NONE;
		return true;
	}
	if (p->skip == SKIP_SYSCALL) {
		p->skip_depth = depth_after(p->text, 0, p->skip_depth);
		if (p->skip_depth == 0)
			p->skip = SKIP_NONE;
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------- steps */

static void
step_add(struct parser *p, struct step *st)
{
	struct script *sc = p->sc;
	size_t e;

	/* The line without its comments, -D names substituted. */
	st->text = xstrdup(p->text + skip_ws(p->text, 0));
	for (e = strlen(st->text); e > 0 && is_blank(st->text[e - 1]); e--)
		st->text[e - 1] = '\0';
	for (e = 0; (st->kind == STEP_PACKET || st->kind == STEP_SYSCALL) &&
	    st->text[e] != '\0'; e++)
		if (st->text[e] == '\n')
			st->text[e] = ' ';
	sc->steps = xgrow(sc->steps, &p->stepcap, sc->nsteps + 1, sizeof *st);
	sc->steps[sc->nsteps++] = *st;
}

static void
step_discard(struct step *st)
{
	segment_clear(&st->seg);
	free(st->command);
	st->command = NULL;
	syscall_free(st->call);
	st->call = NULL;
}

/* Only '>' lines may leave something open; find where the '<' line does,
 * outside payload strings. */
static size_t
find_open(const char *s, uint32_t bit)
{
	bool instr = false;
	size_t i, j;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '"' && (i == 0 || s[i - 1] != '\\'))
			instr = !instr;
		if (instr)
			continue;
		if (bit == SEG_ANY_SEQ && (s[i] == '*' ||
		    strncmp(s + i, "...(", 4) == 0))
			return i;
		if (bit == SEG_ECN_ECT01 && strncmp(s + i, "ect01", 5) == 0)
			return i;
		if (bit == SEG_ANY_OPTS && s[i] == '<' &&
		    strncmp(s + skip_ws(s, i + 1), "...", 3) == 0)
			return i;
		if ((bit == SEG_ANY_ACK && word_at(s, i, "ack")) ||
		    (bit == SEG_ANY_WIN && word_at(s, i, "win"))) {
			j = skip_ws(s, i + 3);
			if (s[j] == '*')
				return i;
		}
	}
	return 0;
}

static bool
check_send_open(struct parser *p, size_t segat, const struct segment *seg)
{
	static const struct {
		uint32_t	 bit;
		const char	*what;
	} open[] = {
		{ SEG_ANY_SEQ, "'*' sequence numbers are" },
		{ SEG_ANY_ACK, "'ack *' is" },
		{ SEG_ANY_WIN, "'win *' is" },
		{ SEG_ANY_OPTS, "'<...>' (any options) is" },
		{ SEG_ECN_ECT01, "'[ect01]' (either ECT mark) is" },
	};
	const char *md5;
	size_t k;

	for (k = 0; k < sizeof open / sizeof open[0]; k++)
		if (seg->has & open[k].bit) {
			perr(p, segat + find_open(p->text + segat, open[k].bit),
			    "%s only allowed on '>' lines: a sent segment "
			    "needs every value", open[k].what);
			return false;
		}
	for (k = 0; k < seg->nopts; k++)
		if (seg->opts[k].any_data && seg->md5_key == NULL) {
			md5 = strstr(p->text + segat, "valid");
			perr(p, md5 != NULL ? (size_t)(md5 - p->text) : segat,
			    "'md5 valid' on a '<' line needs the key: add "
			    "--tcp_md5_secret=KEY (the target socket's "
			    "TCP_MD5SIG key), or write md5 and the digest in "
			    "hex (32 digits)");
			return false;
		}
	return true;
}

/* The flow of a packet or silence line: named (name at nat, n long) or the
 * default. dat: the direction's index, for messages. */
static int
step_flow(struct parser *p, size_t nat, size_t n, size_t dat)
{
	struct script *sc = p->sc;
	char list[128] = "";
	size_t k;
	int f;

	if (n > 0) {
		if ((f = flow_find(p, p->text + nat, n)) >= 0)
			return f;
		for (k = 0; k < sc->nflows; k++)
			if (sc->flows[k].name != NULL)
				snprintf(list + strlen(list), sizeof list -
				    strlen(list), "%s%s", k > 0 ? ", " : "",
				    sc->flows[k].name);
		if (list[0] == '\0')
			perr(p, nat, "unknown flow '%.*s': declare it first "
			    "with 'flow %.*s [PORT]'", (int)n, p->text + nat,
			    (int)n, p->text + nat);
		else
			perr(p, nat, "unknown flow '%.*s' (declared: %s)",
			    (int)n, p->text + nat, list);
		return -1;
	}
	if (sc->nflows == 0)
		flow_add(p, NULL, 0, 0);
	if (sc->nflows == 1)
		return 0;
	perr(p, dat, "this file declares several flows: name one before the "
	    "direction (%s %c ...)", sc->flows[0].name, p->text[dat]);
	return -1;
}

/* packetdrill's packet lines of other protocols, and its encapsulations
 * ("encap ...", "... win N/udp(1 > 2)" for TCP over UDP). */
static const char *const other_protocols[] = {
	"sctp", "udp", "udplite", "icmp", "ipv4", "ipv6", "gre", "mpls",
	"encap", NULL,
};

/* The other protocol a packet line speaks, or NULL for TCP; i after the
 * direction. */
static const char *
other_protocol(const char *s, size_t i)
{
	const char *enc;
	size_t k;

	/* packetdrill's ICMP lines may open with the quoted segment:
	 * "< [1:1461(1460)] icmp unreachable ..." */
	if (s[i] == '[' && (enc = strchr(s + i, ']')) != NULL &&
	    word_at(s, skip_ws(s, (size_t)(enc - s) + 1), "icmp"))
		return "icmp";
	for (k = 0; other_protocols[k] != NULL; k++)
		if (word_at(s, i, other_protocols[k]))
			return other_protocols[k];
	if ((enc = strstr(s + i, "/udp(")) != NULL ||
	    (enc = strstr(s + i, "/udplite(")) != NULL)
		return enc[4] == '(' ? "/udp" : "/udplite";
	return NULL;
}

/* "< icmp TYPE [CODE] [mtu N] [[start:end(len)]]" (icmp.h); i on its
 * first token. */
static bool
parse_icmp(struct parser *p, size_t i, struct step *st)
{
	struct text_error terr;

	st->kind = STEP_ICMP;
	if (!word_at(p->text, i, "icmp")) {
		perr(p, i, "%s: < icmp TYPE [CODE] [mtu N] [start:end(len)]",
		    p->text[i] == '[' && isdigit((unsigned char)p->text[i + 1]) ?
		    "the quoted segment goes last" :
		    "not supported: IP fields before 'icmp'; write");
		return false;
	}
	if (st->dir != DIR_TO_TARGET) {
		perr(p, i, "not supported: '> icmp' (an ICMP error from the "
		    "target); tcpshake sends ICMP errors with '< icmp' lines");
		return false;
	}
	if (!icmp_parse(p->text + i, &st->icmp, &terr)) {
		perr(p, i + (size_t)terr.column - 1, "%s", terr.msg);
		return false;
	}
	return true;
}

/* After the direction: "none" or a segment; i on the first token. */
static bool
parse_packet(struct parser *p, size_t i, struct step *st)
{
	struct text_error terr;
	const char *other;
	size_t k;

	if (word_at(p->text, i, "none")) {
		st->kind = STEP_SILENCE;
		if (st->dir != DIR_FROM_TARGET) {
			perr(p, i, "'none' (silence) is only for '>' lines: "
			    "it says the target sends nothing");
			return false;
		}
		k = skip_ws(p->text, i + 4);
		if (p->text[k] != '\0') {
			perr(p, k, "trailing text after 'none'");
			return false;
		}
		return true;
	}
	if ((other = other_protocol(p->text, i)) != NULL &&
	    strcmp(other, "icmp") == 0)
		return parse_icmp(p, i, st);
	if (other != NULL) {
		perr(p, i, "not supported: this tool speaks TCP (packetdrill's "
		    "'%s' %s)", other, other[0] == '/' || strcmp(other,
		    "encap") == 0 ? "encapsulation" : "lines");
		/* An SCTP chunk list may go on over the next lines. */
		if ((k = (size_t)depth_after(p->text, i, 0)) > 0)
			skip_begin(p, SKIP_SYSCALL, (int)k, i);
		return false;
	}
	st->kind = STEP_PACKET;
	if (p->text[i] == '\0') {
		perr(p, i, "expected a segment after the direction (FLAGS "
		    "start:end(len) ...) or 'none'");
		return false;
	}
	if (!segment_parse(p->text + i, &st->seg, &terr)) {
		perr(p, i + (size_t)terr.column - 1, "%s", terr.msg);
		return false;
	}
	if (segment_find_opt(&st->seg, 19) != NULL)
		st->seg.md5_key = script_option(p->sc, "tcp_md5_secret");
	if (st->dir == DIR_TO_TARGET && !check_send_open(p, i, &st->seg))
		return false;
	return true;
}

/* "`command`"; i on the backquote. */
static bool
parse_command(struct parser *p, size_t i, struct step *st)
{
	const char *end = strchr(p->text + i + 1, '`');
	size_t e;

	st->kind = STEP_SHELL;
	if (end == NULL) {
		perr(p, i, "unterminated command (expected a closing "
		    "backquote)");
		return false;
	}
	e = (size_t)(end - p->text);
	if (p->text[skip_ws(p->text, i + 1)] == '`') {
		perr(p, i, "empty command between the backquotes");
		return false;
	}
	if (p->text[skip_ws(p->text, e + 1)] != '\0') {
		perr(p, skip_ws(p->text, e + 1), "trailing text after the "
		    "command");
		return false;
	}
	st->command = strndup(p->text + i + 1, e - i - 1);
	if (st->command == NULL)
		fatalx("out of memory");
	return true;
}

/* What a time may stand before: only '>' packet lines take '*' or a
 * window, and silence needs a window. */
static bool
check_time_use(struct parser *p, size_t tat, const struct step *st)
{
	bool expect = st->kind == STEP_PACKET && st->dir == DIR_FROM_TARGET;

	if (st->kind == STEP_SILENCE && !st->time.window) {
		perr(p, tat, "silence needs a span: write its time as a "
		    "window, like +0~+3 > none");
		return false;
	}
	if (st->time.kind == STEP_TIME_ANY && !expect) {
		perr(p, tat, "'*' time is only allowed on expected (>) lines");
		return false;
	}
	if (st->time.window && !expect && st->kind != STEP_SILENCE) {
		perr(p, tat, "a time window is only allowed on expected (>) "
		    "lines");
		return false;
	}
	return true;
}

/* A system-call line in a lab (syscall.h); i on its name. span: where
 * "...END" was (0: none). */
static bool
parse_call(struct parser *p, size_t i, size_t span, int64_t span_end,
    struct step *st)
{
	char err[256];
	size_t at = 0;

	st->kind = STEP_SYSCALL;
	if ((st->call = syscall_parse(p->text + i, &at, err, sizeof err)) ==
	    NULL) {
		perr(p, i + at, "%s", err);
		return false;
	}
	st->call->blocking = span > 0;
	st->call->end_ns = span_end;
	if (span > 0 && st->time.kind == STEP_TIME_ABS && span_end <
	    st->time.start_ns) {
		perr(p, span, "a blocking call cannot end before it begins");
		return false;
	}
	p->sc->syscalls = true;
	return true;
}

/* "%{ code }%" after a time, in a lab: the code as written (comments
 * and -D names are Python's own here), from the file's lines. */
static bool
parse_python(struct parser *p, struct step *st)
{
	const char *open = strstr(p->orig, "%{"), *close, *tail;

	st->kind = STEP_PYTHON;
	if (open == NULL || (close = strstr(open + 2, "}%")) == NULL) {
		perr(p, 0, "unterminated python block (no '}%%' before the "
		    "end of the file)");
		return false;
	}
	/* After it, only a comment (gone from p->text). */
	if ((tail = strstr(p->text, "}%")) != NULL &&
	    p->text[skip_ws(p->text, (size_t)(tail - p->text) + 2)] != '\0') {
		perr(p, skip_ws(p->text, (size_t)(tail - p->text) + 2),
		    "trailing text after '}%%'");
		return false;
	}
	st->command = xmalloc((size_t)(close - open - 2) + 1);
	memcpy(st->command, open + 2, (size_t)(close - open - 2));
	st->command[close - open - 2] = '\0';
	p->sc->syscalls = true;
	return true;
}

/* What follows the time: FLOW? DIR ..., `command`, wait, or a refusal. */
static bool
parse_action(struct parser *p, size_t i, size_t span, int64_t span_end,
    struct step *st)
{
	size_t n = ident_len(p->text, i), j, nat = i;

	if (n > 0) {
		j = skip_ws(p->text, i + n);
		if (p->text[j] == '(' && p->defs != NULL &&
		    p->defs->syscalls)
			return parse_call(p, i, span, span_end, st);
		if (p->text[j] == '(') {
			refuse_syscall(p, i, n);
			return false;
		}
		if (word_at(p->text, i, "wait") && p->text[j] == '\0' &&
		    span == 0) {
			st->kind = STEP_WAIT;
			return true;
		}
		if (p->text[j] != '<' && p->text[j] != '>') {
			perr(p, i, "expected '<' or '>' after the time");
			return false;
		}
		i = j;
	}
	if (p->text[i] == '%' && p->text[i + 1] == '{' && n == 0 &&
	    span == 0 && p->defs != NULL && p->defs->syscalls)
		return parse_python(p, st);
	if (p->text[i] == '%' && p->text[i + 1] == '{') {
		refuse_python(p, i);
		return false;
	}
	if (span > 0) {
		perr(p, span, "'...' spans belong to packetdrill's blocking "
		    "system calls; write a window instead (+0~+3)");
		return false;
	}
	if (p->text[i] == '`' && n == 0)
		return parse_command(p, i, st);
	if (p->text[i] != '<' && p->text[i] != '>') {
		perr(p, i, "expected '<' or '>' after the time");
		return false;
	}
	st->dir = p->text[i] == '<' ? DIR_TO_TARGET : DIR_FROM_TARGET;
	if ((st->flow = step_flow(p, nat, n, i)) < 0)
		return false;
	return parse_packet(p, skip_ws(p->text, i + 1), st);
}

/* A command line without a time: setup before the first step, or cleanup
 * after the last (checked at the end). */
static void
parse_untimed_command(struct parser *p, size_t i)
{
	struct step st;
	size_t start;

	memset(&st, 0, sizeof st);
	segment_init(&st.seg);
	locate(p, i, &st.line, &st.column, &start);
	st.flow = -1;
	st.time.kind = STEP_TIME_NONE;
	if (!parse_command(p, i, &st) || !layout_time(p, i, &st.time)) {
		step_discard(&st);
		return;
	}
	if (p->stepped) {
		/* A cleanup command, unless a step comes after it. */
		p->untimed = xreallocarray(p->untimed, p->nuntimed + 1,
		    sizeof *p->untimed);
		p->untimed[p->nuntimed].line = st.line;
		p->untimed[p->nuntimed].column = st.column;
		p->untimed[p->nuntimed++].source = xstrdup(p->orig + start);
	}
	step_add(p, &st);
}

/* A step comes after commands without a time that followed a step. */
static void
untimed_refuse(struct parser *p)
{
	size_t k;

	for (k = 0; k < p->nuntimed; k++) {
		perr_at(p, p->untimed[k].line, p->untimed[k].column,
		    p->untimed[k].source, "a command without a time runs "
		    "before the first step or after the last; give this one "
		    "a time (+0 `...`)");
		free(p->untimed[k].source);
	}
	p->nuntimed = 0;
}

/* A line that opens with a time; i on it. */
static void
parse_step(struct parser *p, size_t i)
{
	struct step st;
	size_t tat = i, span = 0, start;
	int64_t span_end = 0;	/* a blocking call's end; refused on
				 * other lines */

	memset(&st, 0, sizeof st);
	segment_init(&st.seg);
	locate(p, i, &st.line, &st.column, &start);
	st.flow = -1;
	st.dir = DIR_NONE;
	p->stepped = true;
	untimed_refuse(p);
	if (!parse_time(p, &i, &st.time))
		return;
	if (strncmp(p->text + skip_ws(p->text, i), "...", 3) == 0) {
		/* packetdrill's "+0...0.200 accept(...)"; judged below. */
		span = skip_ws(p->text, i);
		i = skip_ws(p->text, span + 3);
		if (!parse_secs(p, &i, &span_end))
			return;
	}
	if (!parse_action(p, skip_ws(p->text, i), span, span_end, &st) ||
	    !check_time_use(p, tat, &st) || !layout_time(p, tat, &st.time)) {
		step_discard(&st);
		return;
	}
	step_add(p, &st);
}

static void
parse_line(struct parser *p)
{
	const char *s = p->text;
	size_t i = skip_ws(s, 0), n;

	if (s[i] == '\0')
		return;
	if (s[i] == '-' && s[i + 1] == '-')
		parse_option(p, i);
	else if (s[i] == '`')
		parse_untimed_command(p, i);
	else if (s[i] == '%' && s[i + 1] == '{')
		refuse_python(p, i);
	else if (s[i] == '*' || s[i] == '+' || is_digit(s[i]) ||
	    (s[i] == '.' && is_digit(s[i + 1])))
		parse_step(p, i);
	else if (word_at(s, i, "target"))
		parse_target(p, i);
	else if (word_at(s, i, "flow"))
		parse_flow(p, i);
	else if (word_at(s, i, "lab"))
		parse_lab(p, i);
	else if ((n = ident_len(s, i)) > 0 && s[skip_ws(s, i + n)] == '(')
		refuse_syscall(p, i, n);
	else
		perr(p, i, "expected a time (0.250, +0.1 or *), an option line "
		    "(--name=value), 'target HOST:PORT', 'flow NAME [PORT]' or "
		    "'lab WORD ...'");
}

/* ------------------------------------------------------------ the file */

/* Comments and blocks still open at the end; the implicit flow; the
 * target. */
/* The untimed commands after the last timed step are its cleanup: they
 * run after a failure too (tcpshake-scenario(5), COMMANDS). */
static void
mark_cleanup(struct script *sc)
{
	size_t k = sc->nsteps;

	while (k > 0 && sc->steps[k - 1].kind == STEP_SHELL &&
	    sc->steps[k - 1].time.kind == STEP_TIME_NONE)
		sc->steps[--k].always = true;
}

static void
parse_finish(struct parser *p)
{
	struct script *sc = p->sc;
	char *msg;

	if (p->in_comment)
		perr_at(p, p->comment_line, p->comment_col, p->comment_src,
		    "unterminated comment (no '*/' before the end of the "
		    "file)");
	if (p->ifdef_line != 0)
		perr_at(p, p->ifdef_line, 1, p->ifdef_src, "unterminated "
		    "#ifdef (no #endif before the end of the file)");
	if (p->skip != SKIP_NONE)
		perr_at(p, p->skip_line, p->skip_col, p->skip_src,
		    p->skip == SKIP_PYTHON ? "unterminated python block (no "
		    "'}%%' before the end of the file)" : "unterminated system "
		    "call (its parentheses never close)");
	if (sc->nflows == 0)
		flow_add(p, NULL, 0, 0);
	mark_cleanup(sc);
	if (sc->lab != NULL && !script_lab_finish(sc->lab, &msg)) {
		perr_at(p, sc->lab->impair_line, 1, NULL, "%s", msg);
		free(msg);
	}
	if (p->defs != NULL && p->defs->target != NULL) {
		char why[128], *host;
		uint16_t port;

		if (!script_target_parse(p->defs->target, &host, &port, why,
		    sizeof why))
			perr_at(p, 0, 0, NULL, "--target %s: %s",
			    p->defs->target, why);
		else {
			free(sc->target_host);
			sc->target_host = host;
			sc->target_port = port;
			sc->target_line = 0;
		}
	}
	cmdline_options(p);
	/* packetdrill's files name no target: the lab's server on its
	 * port 8080, of the family --ip_version says (run --lab puts the
	 * lab's address in its place). */
	if (sc->syscalls && sc->target_host == NULL) {
		const char *v = script_option(sc, "ip_version");

		sc->target_host = xstrdup(v != NULL && strcmp(v, "ipv6") ==
		    0 ? "2001:db8::1" : "198.18.0.1");
		sc->target_port = 8080;
	}
	if (p->defs != NULL && p->defs->need_target && sc->target_host == NULL)
		perr_at(p, 0, 0, NULL, "no target: add a line 'target "
		    "HOST:PORT' or give --target HOST:PORT");
}

static struct script *
script_new(const char *name)
{
	struct script *sc = xcalloc(1, sizeof *sc);

	sc->file = xstrdup(name);
	sc->tolerance_usecs = SCRIPT_TOLERANCE_USECS;
	sc->tolerance_percent = SCRIPT_TOLERANCE_PERCENT;
	return sc;
}

/* The text's physical lines, '\r' before '\n' dropped; NULL-ended. */
static char **
split_lines(const char *text, size_t *count)
{
	char **v = NULL;
	const char *nl;
	size_t n = 0, cap = 0, len;

	while (*text != '\0') {
		nl = strchr(text, '\n');
		len = nl != NULL ? (size_t)(nl - text) : strlen(text);
		if (len > 0 && text[len - 1] == '\r')
			len--;
		v = xgrow(v, &cap, n + 2, sizeof *v);
		if ((v[n++] = strndup(text, len)) == NULL)
			fatalx("out of memory");
		if (nl == NULL)
			break;
		text = nl + 1;
	}
	*count = n;
	return v;
}

static char *
join(char *a, const char *b)
{
	char *r;

	xasprintf(&r, "%s\n%s", a, b);
	free(a);
	return r;
}

/* ------------------------------------------------------------ #ifdef */

/*
 * packetdrill's "#ifdef NAME" ... "#endif" (its lexer's, not cpp's: no
 * nesting, no #else): the lines between are read when NAME is defined
 * (-D NAME=value or a --define line above) and skipped whole otherwise;
 * "#ifndef NAME" (an addition: a lab exercise's lines that its shortened
 * run, -D QUICK, leaves out) the other way round. The other cpp words are
 * refused, so no file is read with both of its branches. Any other '#'
 * line stays a comment. True when line is a directive or is skipped.
 */
static bool
parse_directive(struct parser *p, const char *line, int lineno)
{
	static const char *const refused[] = { "if", "else", "elif",
	    "define", "undef", "include", NULL };
	size_t i = skip_ws(line, 0), n, k, w;
	bool not;
	int col = (int)i + 1;

	if (p->in_comment || line[i] != '#')
		return p->ifdef_skip;
	n = ident_len(line, i + 1);
	if (n == 5 && strncmp(line + i + 1, "endif", 5) == 0) {
		if (p->ifdef_line == 0)
			perr_at(p, lineno, col, line, "#endif without #ifdef");
		p->ifdef_line = 0;
		p->ifdef_skip = false;
		return true;
	}
	not = n == 6 && strncmp(line + i + 1, "ifndef", 6) == 0;
	if ((n == 5 && strncmp(line + i + 1, "ifdef", 5) == 0) || not) {
		w = i + 1 + n;
		k = skip_ws(line, w);
		if (p->ifdef_line != 0)
			perr_at(p, lineno, col, line, "#%s inside the "
			    "#ifdef of line %d (packetdrill does not nest "
			    "them)", not ? "ifndef" : "ifdef", p->ifdef_line);
		else if ((n = ident_len(line, k)) == 0 || k == w ||
		    line[skip_ws(line, k + n)] != '\0')
			perr_at(p, lineno, (int)k + 1, line, "#%s wants "
			    "one NAME (defined by -D NAME=value or --define)",
			    not ? "ifndef" : "ifdef");
		else {
			p->ifdef_line = lineno;
			p->ifdef_skip = (def_lookup(p, line + k, n) == NULL) !=
			    not;
			free(p->ifdef_src);
			p->ifdef_src = xstrdup(line);
		}
		return true;
	}
	if (p->ifdef_skip)
		return true;
	for (k = 0; refused[k] != NULL; k++)
		if (n == strlen(refused[k]) &&
		    strncmp(line + i + 1, refused[k], n) == 0) {
			perr_at(p, lineno, col, line, "#%s is not supported: "
			    "packetdrill's scripts know only #ifdef NAME ... "
			    "#endif", refused[k]);
			return true;
		}
	return false;
}

/* A packet line that ends in ',', or that the next line's '<' options go
 * on, is one statement with it (packetdrill reads a statement over
 * several lines; its long option lists wrap there), for at most
 * CONTINUED_MAX lines: a file of lines that all end in ',' must not make
 * one line of itself, copied once a line. next is the next physical line
 * or NULL. */
#define CONTINUED_MAX	64

static bool
continues(const char *clean, const char *next)
{
	size_t i = skip_ws(clean, 0), e = strlen(clean);

	if (!(is_digit(clean[i]) || clean[i] == '+' || clean[i] == '*' ||
	    clean[i] == '.'))
		return false;
	while (e > 0 && is_blank(clean[e - 1]))
		e--;
	return (e > 0 && clean[e - 1] == ',') ||
	    (next != NULL && next[skip_ws(next, 0)] == '<') ||
	    depth_after(clean, i, 0) > 0;
}

/* A timed python block open at the end of orig, in a lab: it goes on
 * to its '}%' (at most SCRIPT_MAX_LINES lines: the file's). */
static bool
python_open(const struct parser *p, const char *orig)
{
	const char *o;
	size_t i = skip_ws(orig, 0);

	if (p->defs == NULL || !p->defs->syscalls || !(is_digit(orig[i]) ||
	    orig[i] == '+' || orig[i] == '.'))
		return false;
	return (o = strstr(orig, "%{")) != NULL && strstr(o + 2, "}%") ==
	    NULL;
}

/* One logical line from lines[i]: the stages, then the parse. Returns
 * the number of physical lines it took. */
static size_t
parse_logical(struct parser *p, char **lines, size_t i, size_t n)
{
	char *orig, *clean, *more;
	size_t used = 1;

	p->lineno = (int)i + 1;
	if (p->skip == SKIP_PYTHON) {
		p->orig = lines[i];
		skip_line(p);
		return 1;
	}
	if (parse_directive(p, lines[i], (int)i + 1))
		return 1;
	orig = xstrdup(lines[i]);
	clean = xstrdup(lines[i]);
	strip_comments(p, clean, lines[i], (int)i + 1);
	/* A command, a block comment after some text, or a packet line
	 * ending in ',' or followed by a line of '<' options goes on. */
	while ((p->in_command || python_open(p, orig) || (p->in_comment &&
	    clean[skip_ws(clean, 0)] != '\0') || (!p->in_comment &&
	    used < CONTINUED_MAX && continues(clean, i + used < n ?
	    lines[i + used] : NULL))) && i + used < n) {
		more = xstrdup(lines[i + used]);
		strip_comments(p, more, lines[i + used], (int)(i + used) + 1);
		orig = join(orig, lines[i + used]);
		clean = join(clean, more);
		free(more);
		used++;
	}
	p->in_command = false;
	p->orig = orig;
	substitute(p, clean);
	if (!skip_line(p))
		parse_line(p);
	free(clean);
	free(orig);
	p->orig = NULL;
	return used;
}

/* The lines and their lengths within SCRIPT_MAX_*; else errors, and the
 * file is not parsed. */
static bool
within_limits(struct parser *p, char **lines, size_t n)
{
	size_t i, len;
	bool ok = true;

	if (n > SCRIPT_MAX_LINES) {
		perr_at(p, 0, 0, NULL, "%zu lines: a scenario may have at most "
		    "%d (tcpshake-scenario(5), LIMITS)", n, SCRIPT_MAX_LINES);
		return false;
	}
	for (i = 0; i < n && !p->stop; i++)
		if ((len = strlen(lines[i])) > SCRIPT_MAX_LINE_LEN) {
			perr_at(p, (int)i + 1, 0, NULL, "line of %zu bytes: a "
			    "line may have at most %d (tcpshake-scenario(5), "
			    "LIMITS)", len, SCRIPT_MAX_LINE_LEN);
			ok = false;
		}
	return ok;
}

struct script *
script_parse_string(const char *name, const char *text,
    const struct script_defs *defs, struct script_errors *errs)
{
	struct parser p;
	char **lines;
	size_t n, i, k;

	memset(&p, 0, sizeof p);
	p.file = name;
	p.defs = defs;
	p.errs = errs;
	p.nerr0 = errs->n;
	p.sc = script_new(name);
	lines = split_lines(text, &n);
	if (within_limits(&p, lines, n)) {
		for (i = 0; i < n && !p.stop;)
			i += parse_logical(&p, lines, i, n);
		if (!p.stop)
			parse_finish(&p);
	}
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(p.text);
	free(p.map);
	free(p.comment_src);
	free(p.skip_src);
	free(p.ifdef_src);
	for (k = 0; k < p.nfdefs; k++) {
		free((char *)p.fdefs[k].name);
		free((char *)p.fdefs[k].value);
	}
	free(p.fdefs);
	for (k = 0; k < p.nuntimed; k++)
		free(p.untimed[k].source);
	free(p.untimed);
	free(p.fslot);
	if (errs->n > p.nerr0 || errs->truncated) {
		script_free(p.sc);
		return NULL;
	}
	return p.sc;
}

/* The text of f whole, NUL-terminated, f closed unless stdin; NULL with
 * one error in errs naming path (unreadable, too large, NUL bytes). */
static char *
read_text(FILE *f, const char *path, struct script_errors *errs)
{
	char *text = NULL, *msg;
	size_t len = 0, cap = 0, n;
	struct script_error *r;

	if (f != NULL) {
		do {
			if (len > SCRIPT_MAX_BYTES)
				break;
			if (len + 4096 + 1 > cap) {
				cap = (len + 4096 + 1) * 2;
				text = xrealloc(text, cap);
			}
			n = fread(text + len, 1, cap - len - 1, f);
			len += n;
		} while (n > 0);
		if (ferror(f)) {
			free(text);
			text = NULL;
		}
		if (f != stdin)
			fclose(f);
	}
	if (text == NULL || len > SCRIPT_MAX_BYTES ||
	    memchr(text, '\0', len) != NULL) {
		if (text == NULL)
			xasprintf(&msg, "%s", strerror(errno));
		else if (len > SCRIPT_MAX_BYTES)
			xasprintf(&msg, "larger than %d MiB: a scenario may have "
			    "at most that (tcpshake-scenario(5), LIMITS)",
			    SCRIPT_MAX_BYTES / (1024 * 1024));
		else
			xasprintf(&msg, "not a text file (it holds NUL "
			    "bytes)");
		errs->v = xreallocarray(errs->v, errs->n + 1, sizeof *errs->v);
		r = &errs->v[errs->n++];
		r->file = xstrdup(path);
		r->line = r->column = 0;
		r->source = NULL;
		r->msg = msg;
		free(text);
		return NULL;
	}
	text[len] = '\0';
	return text;
}

char *
script_read_file(const char *path, int fd, struct script_errors *errs)
{
	FILE *f;

	/* "-": standard input (run --check -). */
	if (fd >= 0)
		f = fdopen(fd, "r");
	else
		f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	return read_text(f, path, errs);
}

struct script *
script_parse_file(const char *path, const struct script_defs *defs,
    struct script_errors *errs)
{
	struct script *sc;
	char *text;

	if ((text = script_read_file(path, -1, errs)) == NULL)
		return NULL;
	sc = script_parse_string(path, text, defs, errs);
	free(text);
	return sc;
}

void
script_free(struct script *sc)
{
	size_t k;

	if (sc == NULL)
		return;
	for (k = 0; k < sc->nsteps; k++) {
		segment_clear(&sc->steps[k].seg);
		free(sc->steps[k].text);
		free(sc->steps[k].command);
		syscall_free(sc->steps[k].call);
	}
	free(sc->steps);
	for (k = 0; k < sc->nflows; k++)
		free(sc->flows[k].name);
	free(sc->flows);
	for (k = 0; k < sc->noptions; k++) {
		free(sc->options[k].name);
		free(sc->options[k].value);
	}
	free(sc->options);
	for (k = 0; k < sc->nwarnings; k++)
		free(sc->warnings[k]);
	free(sc->warnings);
	free(sc->target_host);
	script_lab_free(sc->lab);
	free(sc->file);
	free(sc);
}

const char *
script_option(const struct script *sc, const char *name)
{
	size_t k;

	for (k = sc->noptions; k > 0; k--)
		if (strcmp(sc->options[k - 1].name, name) == 0)
			return sc->options[k - 1].value;
	return NULL;
}
