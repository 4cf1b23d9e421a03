/* SPDX-License-Identifier: GPL-2.0-or-later */
/* status.c: the live status line on stderr (status.h): what a wait awaits,
 * elapsed and deadline, redrawn in place on a terminal, never in a pipe. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "status.h"

/*
 * One line for the process, as there is one stderr: the state is the
 * module's own, not a caller's (a wait deep in the engine reaches it
 * without a context threaded through every layer).
 */
static struct {
	bool	 enabled;
	bool	 active;	/* between begin and end */
	bool	 shown;		/* something is drawn now */
	char	 what[128];
	int64_t	 start;		/* CLOCK_MONOTONIC ns */
	int64_t	 span;		/* 0: no deadline */
	int64_t	 drawn_at;
} st;

static int64_t
status_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void
status_setup(bool want)
{
	st.enabled = want && isatty(STDERR_FILENO);
}

bool
status_enabled(void)
{
	return st.enabled;
}

void
status_clear(void)
{
	if (!st.shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	st.shown = false;
	st.drawn_at = 0;
}

void
status_begin(const char *what, int64_t span_ns)
{
	if (!st.enabled)
		return;
	status_clear();
	snprintf(st.what, sizeof st.what, "%s", what);
	st.start = status_now();
	st.span = span_ns > 0 ? span_ns : 0;
	st.active = true;
}

void
status_tick(void)
{
	int64_t now, el;

	if (!st.active)
		return;
	now = status_now();
	el = now - st.start;
	if (el < STATUS_AFTER_NS || (st.shown &&
	    now - st.drawn_at < STATUS_TICK_NS))
		return;
	if (st.span > 0)
		fprintf(stderr, "\r\033[K%.70s: %.1f s of %.1f s", st.what,
		    (double)el / 1e9, (double)st.span / 1e9);
	else
		fprintf(stderr, "\r\033[K%.70s: %.1f s", st.what,
		    (double)el / 1e9);
	fflush(stderr);
	st.shown = true;
	st.drawn_at = now;
}

void
status_end(void)
{
	status_clear();
	st.active = false;
}

int64_t
status_sleep_ns(int64_t ns)
{
	return st.active && ns > STATUS_TICK_NS ? STATUS_TICK_NS : ns;
}

static void
status_sink_event(void *ctx, const struct event *ev)
{
	(void)ctx;
	(void)ev;
	status_clear();
}

const struct sink_ops status_sink_ops = {
	.name = "status",
	.event = status_sink_event,
	.close = NULL,
};
