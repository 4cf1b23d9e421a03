/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output.c: the one sink setup of every front end: standard output's sink
 * behind -q's filter, the status line, the -w, --junit and --svg files,
 * all closed on every path. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "report.h"
#include "status.h"
#include "tcpshake.h"
#include "xmalloc.h"

struct output {
	const char	*cmd;		/* names the command in error lines */
	bool		 quiet;
	struct sink	*term;		/* the status line, standard output's */
	struct sink	*files;		/* -w, --junit, --svg */
};

/* The one open output, closed by a fatal exit of the process that
 * opened it (not of a child forked since: the files are the parent's). */
static struct output *output_current;
static pid_t output_pid;

/* Text without segments (run without -v): the text sink behind a filter;
 * our states, inferred from the segments, go with them (the target's,
 * read from its kernel, stay). */
static void
steps_event(void *ctx, const struct event *ev)
{
	if (ev->type != EV_SEGMENT && !(ev->type == EV_STATE &&
	    ev->dir != DIR_FROM_TARGET))
		report_text_ops.event(ctx, ev);
}

static void
steps_close(void *ctx)
{
	report_text_ops.close(ctx);
}

static const struct sink_ops steps_ops = {
	.name = "text-steps",
	.event = steps_event,
	.close = steps_close,
};

/* --svg FILE: the ladder as a picture, written whole when it closes. */
struct svg_file {
	void		*ladder;
	FILE		*f;
	const char	*cmd, *path;
};

static void
svg_event(void *ctx, const struct event *ev)
{
	report_ladder_ops.event(((struct svg_file *)ctx)->ladder, ev);
}

static void
svg_close(void *ctx)
{
	struct svg_file *sf = ctx;

	report_ladder_ops.close(sf->ladder);
	if (fclose(sf->f) != 0)
		warnx_("%s: --svg cannot write '%s': %s", sf->cmd, sf->path,
		    strerror(errno));
	free(sf);
}

static const struct sink_ops svg_ops = {
	.name = "svg",
	.event = svg_event,
	.close = svg_close,
};

static void
output_term(struct output *out, const struct output_opts *o)
{
	status_setup(o->status && !o->quiet && (o->format == OUTPUT_TEXT ||
	    o->format == OUTPUT_LADDER));
	if (status_enabled())
		sinks_add(&out->term, &status_sink_ops, NULL);
	switch (o->format) {
	case OUTPUT_TEXT:
		sinks_add(&out->term, o->no_segments ? &steps_ops :
		    &report_text_ops, report_text_new(stdout, o->flags));
		break;
	case OUTPUT_JSON:
		sinks_add(&out->term, &report_json_ops,
		    report_json_new(stdout));
		break;
	case OUTPUT_TAP:
		sinks_add(&out->term, &report_tap_ops, report_tap_new(stdout));
		break;
	case OUTPUT_LADDER:
		sinks_add(&out->term, &report_ladder_ops,
		    report_ladder_new(stdout, o->flags));
		break;
	}
}

static void
output_files(struct output *out, const struct output_opts *o)
{
	struct svg_file *sf;
	char err[256];
	void *ctx;

	if (o->pcap != NULL) {
		if ((ctx = report_pcap_new(o->pcap, err, sizeof err)) == NULL)
			fatalx("%s: -w %s", out->cmd, err);
		sinks_add(&out->files, &report_pcap_ops, ctx);
	}
	if (o->junit != NULL) {
		if ((ctx = report_junit_new(o->junit, err, sizeof err)) ==
		    NULL)
			fatalx("%s: --junit %s", out->cmd, err);
		sinks_add(&out->files, &report_junit_ops, ctx);
	}
	if (o->svg != NULL) {
		sf = xcalloc(1, sizeof *sf);
		sf->cmd = out->cmd;
		sf->path = o->svg;
		if ((sf->f = fopen(o->svg, "w")) == NULL)
			fatalx("%s: --svg cannot write '%s': %s", out->cmd,
			    o->svg, strerror(errno));
		sf->ladder = report_ladder_svg_new(sf->f, o->flags & REPORT_IP);
		sinks_add(&out->files, &svg_ops, sf);
	}
}

static void
output_at_fatal(void)
{
	if (getpid() == output_pid)
		output_close(output_current);
}

struct output *
output_open(const char *cmd, const struct output_opts *o)
{
	struct output *out = xcalloc(1, sizeof *out);

	out->cmd = cmd;
	out->quiet = o->quiet;
	output_current = out;
	output_pid = getpid();
	atfatal(output_at_fatal);
	output_term(out, o);
	output_files(out, o);
	return out;
}

/* -q keeps summaries and failed steps on standard output. */
static bool
output_shows(const struct output *out, const struct event *ev)
{
	if (!out->quiet || ev->type == EV_SUMMARY)
		return true;
	return ev->type == EV_STEP && ev->outcome != NULL && !ev->outcome->ok;
}

void
output_emit(void *arg, const struct event *ev)
{
	struct output *out = arg;

	if (output_shows(out, ev))
		sinks_emit(out->term, ev);
	sinks_emit(out->files, ev);
}

void
output_close(struct output *out)
{
	if (out == NULL)
		return;
	if (out == output_current)
		output_current = NULL;
	sinks_close(&out->term);
	sinks_close(&out->files);
	free(out);
}
