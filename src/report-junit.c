/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report-junit.c: the JUnit XML sink for CI systems: one testsuite per
 * scenario file, one testcase per step that checks the target. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "xmalloc.h"

/*
 * A testsuite's counts come before its cases, and the root's before every
 * suite, so the document is kept in memory and written whole when the sink
 * closes. A case's time is the time since the previous step of its file; a
 * suite's is the file's run time. A setup error, a file that does not parse
 * or a stop by a signal is one more case with an <error>.
 */
struct junit_suite {
	char	*cases;		/* the <testcase> elements */
	size_t	 clen;
	FILE	*cf;
	int	 ntests;
	int	 nfailures;
	int	 nerrors;
	int64_t	 last_ns;	/* the previous step's time */
	char	 stamp[32];	/* ISO 8601, when its first event came */
};

struct report_junit {
	FILE	*out;
	char	*suites;	/* the <testsuite> elements */
	size_t	 slen;
	FILE	*sf;
	struct junit_suite cur;
	bool	 in_suite;
	int	 ntests;
	int	 nfailures;
	int	 nerrors;
	int64_t	 time_ns;
};

/* Text as XML character data or attribute value: markup escaped, and the
 * bytes XML 1.0 cannot hold (controls, broken UTF-8) as '?'. */
static void
junit_esc(FILE *out, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)(s != NULL ? s : ""); *p != '\0'; p++)
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\n': fputs("&#10;", out); break;
		case '\t': fputs("&#9;", out); break;
		default:
			fputc(*p < 0x20 || *p >= 0x7f ? '?' : *p, out);
		}
}

static void
junit_secs(FILE *out, const char *key, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	fprintf(out, " %s=\"%" PRId64 ".%06" PRId64 "\"", key,
	    ns / 1000000000, ns % 1000000000 / 1000);
}

static void
junit_suite_begin(struct report_junit *rj)
{
	struct junit_suite *s = &rj->cur;
	time_t now = time(NULL);
	struct tm tm;

	memset(s, 0, sizeof *s);
	s->cf = open_memstream(&s->cases, &s->clen);
	if (s->cf == NULL)
		fatal("junit: open_memstream");
	gmtime_r(&now, &tm);
	strftime(s->stamp, sizeof s->stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	rj->in_suite = true;
}

/* <testcase> for a step: its line and the line as written as the name;
 * a miss is a <failure> whose message is the difference. */
static void
junit_case(struct report_junit *rj, const struct step_outcome *o)
{
	struct junit_suite *s = &rj->cur;
	FILE *f = s->cf;

	s->ntests++;
	fputs("    <testcase classname=\"", f);
	junit_esc(f, o->file);
	fprintf(f, "\" name=\"line %d: ", o->line);
	junit_esc(f, o->expected);
	fputs("\" file=\"", f);
	junit_esc(f, o->file);
	fprintf(f, "\" line=\"%d\"", o->line);
	junit_secs(f, "time", o->t_ns - s->last_ns);
	if (o->ok) {
		fputs("/>\n", f);
		return;
	}
	s->nfailures++;
	fputs(">\n      <failure type=\"mismatch\" message=\"", f);
	junit_esc(f, o->why != NULL ? o->why : "failed");
	fputs("\">", f);
	junit_esc(f, o->file);
	fprintf(f, ":%d: expected: ", o->line);
	junit_esc(f, o->expected);
	if (o->got != NULL || o->awaited) {
		fputs("&#10;got: ", f);
		junit_esc(f, o->got != NULL ? o->got : "nothing");
	}
	fputs("</failure>\n    </testcase>\n", f);
}

/* The case a file's error or stop adds. */
static void
junit_error_case(struct report_junit *rj, const struct step_outcome *o)
{
	struct junit_suite *s = &rj->cur;
	const char *why = o->error != NULL ? o->error : "stopped by a signal";
	FILE *f = s->cf;

	s->ntests++;
	s->nerrors++;
	fputs("    <testcase classname=\"", f);
	junit_esc(f, o->file);
	fputs("\" name=\"", f);
	junit_esc(f, o->file);
	fputs("\" file=\"", f);
	junit_esc(f, o->file);
	fputs("\" time=\"0\">\n      <error type=\"", f);
	fputs(o->error != NULL ? "setup" : "stopped", f);
	fputs("\" message=\"", f);
	junit_esc(f, why);
	fputs("\"/>\n    </testcase>\n", f);
}

static void
junit_suite_end(struct report_junit *rj, const struct step_outcome *o)
{
	struct junit_suite *s = &rj->cur;

	if (o->error != NULL || o->stopped)
		junit_error_case(rj, o);
	fclose(s->cf);
	fputs("  <testsuite name=\"", rj->sf);
	junit_esc(rj->sf, o->file);
	fprintf(rj->sf, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
	    "skipped=\"0\"", s->ntests, s->nfailures, s->nerrors);
	junit_secs(rj->sf, "time", o->t_ns);
	fprintf(rj->sf, " timestamp=\"%s\">\n", s->stamp);
	fwrite(s->cases, 1, s->clen, rj->sf);
	fputs("  </testsuite>\n", rj->sf);
	free(s->cases);
	rj->ntests += s->ntests;
	rj->nfailures += s->nfailures;
	rj->nerrors += s->nerrors;
	rj->time_ns += o->t_ns > 0 ? o->t_ns : 0;
	rj->in_suite = false;
}

static void
junit_event(void *ctx, const struct event *ev)
{
	struct report_junit *rj = ctx;
	const struct step_outcome *o = ev->outcome;

	if (ev->type != EV_STEP || o == NULL)
		return;
	if (!rj->in_suite)
		junit_suite_begin(rj);
	if (o->line == 0) {
		junit_suite_end(rj, o);
		return;
	}
	if (o->asserts || !o->ok)
		junit_case(rj, o);
	rj->cur.last_ns = o->t_ns;
}

static void
junit_close(void *ctx)
{
	struct report_junit *rj = ctx;

	if (rj->in_suite) {
		fclose(rj->cur.cf);
		free(rj->cur.cases);
	}
	fclose(rj->sf);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", rj->out);
	fprintf(rj->out, "<testsuites name=\"tcpshake run\" tests=\"%d\" "
	    "failures=\"%d\" errors=\"%d\"", rj->ntests, rj->nfailures,
	    rj->nerrors);
	junit_secs(rj->out, "time", rj->time_ns);
	fputs(">\n", rj->out);
	if (rj->suites != NULL)
		fwrite(rj->suites, 1, rj->slen, rj->out);
	fputs("</testsuites>\n", rj->out);
	fclose(rj->out);
	free(rj->suites);
	free(rj);
}

void *
report_junit_new(const char *path, char *err, size_t errlen)
{
	struct report_junit *rj;
	FILE *out;

	if ((out = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	rj = xcalloc(1, sizeof *rj);
	rj->out = out;
	rj->sf = open_memstream(&rj->suites, &rj->slen);
	if (rj->sf == NULL)
		fatal("junit: open_memstream");
	return rj;
}

const struct sink_ops report_junit_ops = {
	.name = "junit",
	.event = junit_event,
	.close = junit_close,
};
