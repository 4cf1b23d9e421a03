/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run-report.c: run's own events: a file that does not parse, the
 * summary of all files; and the sink the engine's events go through. */
#include "config.h"

#include <stdlib.h>

#include "event.h"
#include "obs-state.h"
#include "output.h"
#include "run-report.h"
#include "xmalloc.h"

/* A file that does not parse still gets its verdict (TAP: not ok). */
void
run_report_unparsed(struct output *out, const char *file)
{
	struct step_outcome so = { 0 };
	struct event ev;

	so.file = file;
	so.error = "the file has errors; see tcpshake run --check";
	event_init(&ev, EV_STEP);
	ev.outcome = &so;
	output_emit(out, &ev);
}

void
run_report_summary(struct output *out, int pass, int failed, int errors,
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
	output_emit(out, &ev);
	free(text);
}

void
run_report_emit(void *arg, const struct event *ev)
{
	struct run_out *ro = arg;
	const char *to[OBS_CHANGES_MAX];
	size_t n = obs_state_event(ro->obs, ev, to);

	output_emit(ro->out, ev);
	obs_state_emit(ev, to, n, output_emit, ro->out);
}
