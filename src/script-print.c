/* SPDX-License-Identifier: GPL-2.0-or-later */
/* script-print.c: a parsed scenario printed back in canonical syntax, and
 * the parser's errors printed with file:line:column and a caret. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "echo.h"
#include "script-lab.h"
#include "script.h"
#include "syscall.h"
#include "xmalloc.h"

#define NS_PER_SEC	1000000000LL

/* Seconds with at least three decimals ("0.100", "1.000", "0.0005"),
 * "0" for zero. */
static void
secs_str(char *buf, size_t len, int64_t ns)
{
	char *dot;
	size_t n;

	if (ns == 0) {
		snprintf(buf, len, "0");
		return;
	}
	snprintf(buf, len, "%lld.%09lld", (long long)(ns / NS_PER_SEC),
	    (long long)(ns % NS_PER_SEC));
	dot = strchr(buf, '.');
	for (n = strlen(buf); n > 0 && buf[n - 1] == '0' &&
	    dot != NULL && buf + n > dot + 4; n--)
		buf[n - 1] = '\0';
}

const char *
script_time_str(const struct step_time *t, char *buf, size_t len)
{
	const char *plus = t->kind == STEP_TIME_REL ? "+" : "";
	char a[32], b[32];

	switch (t->kind) {
	case STEP_TIME_ANY:
		snprintf(buf, len, "*");
		break;
	case STEP_TIME_NONE:
		snprintf(buf, len, "%s", "");
		break;
	default:
		secs_str(a, sizeof a, t->start_ns);
		secs_str(b, sizeof b, t->end_ns);
		if (t->window)
			snprintf(buf, len, "%s%s~%s%s", plus, a, plus, b);
		else
			snprintf(buf, len, "%s%s", plus, a);
		break;
	}
	return buf;
}

/* A command as written back: the parser takes a CR before a line feed for
 * the line's end (CRLF files), so a CR the command holds there is written
 * twice and the parse gives it back. */
static char *
command_text(const char *cmd)
{
	size_t n = 0, k;
	char *out, *o;

	for (k = 0; cmd[k] != '\0'; k++)
		n += cmd[k] == '\r' && cmd[k + 1] == '\n' ? 2 : 1;
	o = out = xmalloc(n + 1);
	for (k = 0; cmd[k] != '\0'; k++) {
		if (cmd[k] == '\r' && cmd[k + 1] == '\n')
			*o++ = '\r';
		*o++ = cmd[k];
	}
	*o = '\0';
	return out;
}

char *
script_step_format(const struct script *sc, const struct step *st)
{
	char tbuf[64], flow[80] = "", *seg, *out, *cmd;
	const char *dir = st->dir == DIR_TO_TARGET ? "<" : ">";

	script_time_str(&st->time, tbuf, sizeof tbuf);
	if (st->flow >= 0 && (size_t)st->flow < sc->nflows &&
	    sc->flows[st->flow].name != NULL)
		snprintf(flow, sizeof flow, "%s ", sc->flows[st->flow].name);
	switch (st->kind) {
	case STEP_PACKET:
		seg = segment_format(&st->seg, SEGFMT_FULL);
		xasprintf(&out, "%-8s %s%s %s", tbuf, flow, dir, seg);
		free(seg);
		break;
	case STEP_ICMP:
		seg = icmp_format(&st->icmp);
		xasprintf(&out, "%-8s %s< %s", tbuf, flow, seg);
		free(seg);
		break;
	case STEP_SILENCE:
		xasprintf(&out, "%-8s %s> none", tbuf, flow);
		break;
	case STEP_SHELL:
		cmd = command_text(st->command);
		if (st->time.kind == STEP_TIME_NONE)
			xasprintf(&out, "`%s`", cmd);
		else
			xasprintf(&out, "%-8s `%s`", tbuf, cmd);
		free(cmd);
		break;
	case STEP_PYTHON:
		xasprintf(&out, "%-8s %%{%s}%%", tbuf, st->command);
		break;
	case STEP_SYSCALL:
		if (st->call->blocking)
			xasprintf(&out, "%s...%lld.%06lld %s", tbuf,
			    (long long)(st->call->end_ns / 1000000000),
			    (long long)(st->call->end_ns % 1000000000 / 1000),
			    st->call->text);
		else
			xasprintf(&out, "%-8s %s", tbuf, st->call->text);
		break;
	default:
		xasprintf(&out, "%-8s wait", tbuf);
		break;
	}
	return out;
}

void
script_warnings_print(FILE *f, const struct script *sc)
{
	size_t k;

	for (k = 0; k < sc->nwarnings; k++)
		fprintf(f, "%s\n", sc->warnings[k]);
}

void
script_print(FILE *f, const struct script *sc)
{
	bool header = false;
	size_t k;
	char *line;

	/* A --define is done: its values are in the steps printed below, and
	 * the line again would substitute what they hold a second time. */
	for (k = 0; k < sc->noptions; k++) {
		if (strcmp(sc->options[k].name, "define") == 0)
			continue;
		fprintf(f, (strpbrk(sc->options[k].value, " \t") != NULL ||
		    sc->options[k].value[0] == '\0') ?
		    "--%s=\"%s\"\n" : "--%s=%s\n", sc->options[k].name,
		    sc->options[k].value);
		header = true;
	}
	if (sc->target_host != NULL) {
		header = true;
		fprintf(f, strchr(sc->target_host, ':') != NULL ?
		    "target [%s]:%u\n" : "target %s:%u\n", sc->target_host,
		    sc->target_port);
	}
	if (sc->lab != NULL) {
		header = true;
		script_lab_print(f, sc->lab);
	}
	for (k = 0; k < sc->nflows; k++) {
		if (sc->flows[k].name == NULL)
			continue;
		header = true;
		if (sc->flows[k].sport != 0)
			fprintf(f, "flow %s %u\n", sc->flows[k].name,
			    sc->flows[k].sport);
		else
			fprintf(f, "flow %s\n", sc->flows[k].name);
	}
	if (header && sc->nsteps > 0)
		fprintf(f, "\n");
	for (k = 0; k < sc->nsteps; k++) {
		line = script_step_format(sc, &sc->steps[k]);
		fprintf(f, "%s\n", line);
		free(line);
	}
}

/* What a printer writes, as a string: open_memstream() keeps one printer
 * for both. */
static char *
to_string(void (*print)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		fatal("open_memstream");
	print(f, arg);
	if (fclose(f) != 0 || buf == NULL)
		fatalx("out of memory printing a scenario");
	return buf;
}

static void
print_script(FILE *f, const void *sc)
{
	script_print(f, sc);
}

char *
script_format(const struct script *sc)
{
	return to_string(print_script, sc);
}

/* --------------------------------------------------------------- errors */

/* Messages quote the file's text: escaped, and cut well past any message
 * of ours. */
#define MSG_WIDTH	400

static void
error_print(FILE *f, const struct script_error *e)
{
	echo_escaped(f, e->file, strlen(e->file), MSG_WIDTH);
	if (e->line > 0)
		fprintf(f, ":%d", e->line);
	if (e->line > 0 && e->column > 0)
		fprintf(f, ":%d", e->column);
	fputs(": error: ", f);
	echo_escaped(f, e->msg, strlen(e->msg), MSG_WIDTH);
	fputc('\n', f);
	if (e->line == 0 || e->source == NULL)
		return;
	echo_caret(f, "  ", e->source, strlen(e->source),
	    e->column > 0 ? (size_t)e->column : 0);
}

void
script_errors_print(FILE *f, const struct script_errors *errs)
{
	size_t k;

	for (k = 0; k < errs->n; k++)
		error_print(f, &errs->v[k]);
	if (errs->truncated && errs->n > 0)
		fprintf(f, "%s: error: too many errors; stopped after %d\n",
		    errs->v[errs->n - 1].file, SCRIPT_MAX_ERRORS);
}

void
script_errors_clear(struct script_errors *errs)
{
	size_t k;

	for (k = 0; k < errs->n; k++) {
		free(errs->v[k].file);
		free(errs->v[k].source);
		free(errs->v[k].msg);
	}
	free(errs->v);
	errs->v = NULL;
	errs->n = 0;
	errs->truncated = false;
}

static void
print_errors(FILE *f, const void *errs)
{
	script_errors_print(f, errs);
}

char *
script_errors_format(const struct script_errors *errs)
{
	return to_string(print_errors, errs);
}
