/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report-tap.c: the TAP sink, one test per scenario file ("ok 1 -
 * handshake.shake"), failures as "# " diagnostics, the plan at the end. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "xmalloc.h"

/*
 * Only EV_STEP events with an outcome count: a failed step's lines are
 * kept until its file's verdict (line 0), which prints the test line and
 * then them, so a harness shows each diagnostic under its test. The plan
 * goes last ("1..N"), which TAP allows, as the count of files is known
 * only at the end.
 */
struct report_tap {
	FILE	*out;
	int	 n;		/* tests printed */
	char	*diag;		/* the current file's diagnostics */
	size_t	 dlen;
};

static void
tap_diag(struct report_tap *rt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
tap_diag(struct report_tap *rt, const char *fmt, ...)
{
	va_list ap;
	char line[2048];
	size_t n;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	n = strlen(line);
	rt->diag = xrealloc(rt->diag, rt->dlen + n + 4);
	memcpy(rt->diag + rt->dlen, "# ", 2);
	memcpy(rt->diag + rt->dlen + 2, line, n);
	rt->dlen += n + 2;
	rt->diag[rt->dlen++] = '\n';
	rt->diag[rt->dlen] = '\0';
}

static void
tap_step(struct report_tap *rt, const struct step_outcome *o)
{
	tap_diag(rt, "%s:%d: %s", o->file, o->line, o->why != NULL ? o->why :
	    "failed");
	tap_diag(rt, "  expected: %s", o->expected != NULL ? o->expected :
	    "?");
	if (o->got != NULL)
		tap_diag(rt, "  got:      %s", o->got);
	else if (o->awaited)
		tap_diag(rt, "  got:      nothing");
}

static void
tap_file(struct report_tap *rt, const struct step_outcome *o)
{
	rt->n++;
	fprintf(rt->out, "%sok %d - %s\n", o->ok ? "" : "not ", rt->n,
	    o->file);
	if (o->error != NULL)
		fprintf(rt->out, "# %s: %s\n", o->file, o->error);
	else if (!o->ok)
		fprintf(rt->out, "# %d of %d steps failed\n", o->nfailed,
		    o->nsteps);
	if (o->nlate > 0)
		fprintf(rt->out, "# %d send%s late by more than the "
		    "tolerance\n", o->nlate, o->nlate == 1 ? "" : "s");
	if (rt->diag != NULL)
		fputs(rt->diag, rt->out);
	fflush(rt->out);
	free(rt->diag);
	rt->diag = NULL;
	rt->dlen = 0;
}

static void
tap_event(void *ctx, const struct event *ev)
{
	struct report_tap *rt = ctx;
	const struct step_outcome *o = ev->outcome;

	if (ev->type != EV_STEP || o == NULL)
		return;
	if (o->line == 0)
		tap_file(rt, o);
	else if (!o->ok)
		tap_step(rt, o);
}

static void
tap_close(void *ctx)
{
	struct report_tap *rt = ctx;

	fprintf(rt->out, "1..%d\n", rt->n);
	fflush(rt->out);
	free(rt->diag);
	free(rt);
}

void *
report_tap_new(FILE *out)
{
	struct report_tap *rt = xcalloc(1, sizeof *rt);

	rt->out = out;
	return rt;
}

const struct sink_ops report_tap_ops = {
	.name = "tap",
	.event = tap_event,
	.close = tap_close,
};
