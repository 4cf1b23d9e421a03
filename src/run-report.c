/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run-report.c: run's sinks (text with its -q/-v filter, JSON Lines,
 * TAP, a ladder, and -w, --junit, --svg files), a file that does not
 * parse, the summary of all files. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "run-report.h"
#include "status.h"
#include "tcpshake.h"
#include "xmalloc.h"

/* The text report: steps, notes and verdicts; with -v every segment. */
struct run_text {
	void	*text;
	bool	 verbose;
	bool	 quiet;
};

static void
run_text_event(void *ctx, const struct event *ev)
{
	struct run_text *rt = ctx;

	if (rt->quiet && ev->type != EV_SUMMARY && !(ev->type == EV_STEP &&
	    ev->outcome != NULL && !ev->outcome->ok))
		return;
	if (ev->type != EV_SEGMENT || rt->verbose)
		report_text_ops.event(rt->text, ev);
}

static void
run_text_close(void *ctx)
{
	struct run_text *rt = ctx;

	report_text_ops.close(rt->text);
	free(rt);
}

static const struct sink_ops run_text_ops = {
	.name = "run-text",
	.event = run_text_event,
	.close = run_text_close,
};

/* --svg FILE: the ladder as a picture, closed with the sink. */
struct run_svg {
	void	*ladder;
	FILE	*f;
};

static void
run_svg_event(void *ctx, const struct event *ev)
{
	struct run_svg *rs = ctx;

	report_ladder_ops.event(rs->ladder, ev);
}

static void
run_svg_close(void *ctx)
{
	struct run_svg *rs = ctx;

	report_ladder_ops.close(rs->ladder);
	if (fclose(rs->f) != 0)
		warnx_("run: --svg: cannot write the picture: %s",
		    strerror(errno));
	free(rs);
}

static const struct sink_ops run_svg_ops = {
	.name = "run-svg",
	.event = run_svg_event,
	.close = run_svg_close,
};

static void
run_svg(struct sink **chain, const char *path)
{
	struct run_svg *rs = xcalloc(1, sizeof *rs);

	if ((rs->f = fopen(path, "w")) == NULL)
		fatalx("run: --svg: cannot write '%s': %s", path,
		    strerror(errno));
	rs->ladder = report_ladder_svg_new(rs->f, 0);
	sinks_add(chain, &run_svg_ops, rs);
}

struct sink *
run_report_open(const struct run_report *o)
{
	struct sink *chain = NULL;
	struct run_text *rt;
	char err[256];
	void *pc;

	/* The status line shares the terminal with text and ladders only. */
	status_setup(!o->quiet && (o->format == RUN_TEXT ||
	    o->format == RUN_LADDER));
	if (status_enabled())
		sinks_add(&chain, &status_sink_ops, NULL);
	switch (o->format) {
	case RUN_TEXT:
		rt = xcalloc(1, sizeof *rt);
		rt->text = report_text_new(stdout, 0);
		rt->verbose = o->verbose;
		rt->quiet = o->quiet;
		sinks_add(&chain, &run_text_ops, rt);
		break;
	case RUN_JSON:
		sinks_add(&chain, &report_json_ops, report_json_new(stdout));
		break;
	case RUN_TAP:
		sinks_add(&chain, &report_tap_ops, report_tap_new(stdout));
		break;
	case RUN_LADDER:
		sinks_add(&chain, &report_ladder_ops,
		    report_ladder_new(stdout, 0));
		break;
	}
	if (o->pcap != NULL) {
		if ((pc = report_pcap_new(o->pcap, err, sizeof err)) == NULL)
			fatalx("run: %s", err);
		sinks_add(&chain, &report_pcap_ops, pc);
	}
	if (o->junit != NULL) {
		if ((pc = report_junit_new(o->junit, err, sizeof err)) == NULL)
			fatalx("run: --junit %s", err);
		sinks_add(&chain, &report_junit_ops, pc);
	}
	if (o->svg != NULL)
		run_svg(&chain, o->svg);
	return chain;
}

/* A file that does not parse still gets its verdict (TAP: not ok). */
void
run_report_unparsed(struct sink *chain, const char *file)
{
	struct step_outcome out = { 0 };
	struct event ev;

	out.file = file;
	out.error = "the file has errors; see tcpshake run --check";
	event_init(&ev, EV_STEP);
	ev.outcome = &out;
	sinks_emit(chain, &ev);
}

void
run_report_summary(struct sink *chain, int pass, int failed, int errors,
    bool stopped)
{
	struct event_count counts[] = {
		{ "files", (uint64_t)(pass + failed + errors) },
		{ "passed", (uint64_t)pass },
		{ "failed", (uint64_t)failed },
		{ "errors", (uint64_t)errors },
	};
	struct event ev;
	char *text;

	xasprintf(&text, "%d %s: %d passed, %d failed, %d with errors",
	    pass + failed + errors, pass + failed + errors == 1 ? "file" :
	    "files", pass, failed, errors);
	event_init(&ev, EV_SUMMARY);
	ev.text = text;
	ev.counts = counts;
	ev.ncounts = sizeof counts / sizeof counts[0];
	ev.verdict = failed == 0 && errors == 0 && !stopped ? VERDICT_OK :
	    VERDICT_FAIL;
	sinks_emit(chain, &ev);
	free(text);
}
