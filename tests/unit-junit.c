/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-junit.c: the JUnit sink: suites and cases with their counts and
 * times, the difference as a failure's message, escaping, errors. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "report.h"

static void
step(void *ctx, const struct step_outcome *o)
{
	struct event ev;

	event_init(&ev, EV_STEP);
	ev.outcome = o;
	report_junit_ops.event(ctx, &ev);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

int
main(void)
{
	struct step_outcome send = { .file = "a.shake", .line = 2, .ok = true,
	    .expected = "0 < S 0:0(0)", .t_ns = 1000000 };
	struct step_outcome ok3 = { .file = "a.shake", .line = 3, .ok = true,
	    .asserts = true, .awaited = true, .t_ns = 1250000,
	    .expected = "+0 > S. 0:0(0) ack 1 <mss 1460>" };
	struct step_outcome a = { .file = "a.shake", .ok = true, .nsteps = 2,
	    .t_ns = 2000000 };
	struct step_outcome bad = { .file = "b&.shake", .line = 9,
	    .asserts = true, .awaited = true, .t_ns = 3000000000LL,
	    .expected = "+0 > F. 1:1(0) ack 2", .got = ". 1:1(0) ack 2 \"\x01\"",
	    .why = "flags: expected F., got ." };
	struct step_outcome b = { .file = "b&.shake", .nsteps = 1,
	    .nfailed = 1, .t_ns = 3000000000LL };
	struct step_outcome c = { .file = "c.shake",
	    .error = "no target: give --target HOST:PORT" };
	char path[] = "/tmp/unit-junit.XXXXXX", err[128], *xml;
	int fd = mkstemp(path);
	void *ctx;

	CHECK(fd >= 0);
	close(fd);
	CHECK(report_junit_new("/nonexistent/x.xml", err, sizeof err) == NULL);
	CHECK_STR(err, "cannot write '/nonexistent/x.xml': No such file or "
	    "directory");
	ctx = report_junit_new(path, err, sizeof err);
	CHECK(ctx != NULL);
	step(ctx, &send);
	step(ctx, &ok3);
	step(ctx, &a);
	step(ctx, &bad);
	step(ctx, &b);
	step(ctx, &c);
	report_junit_ops.close(ctx);
	xml = slurp(path);
	unlink(path);
	CHECK(xml != NULL);
	if (xml == NULL)
		return check_done();
	CHECK(strncmp(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites name=\"tcpshake run\" tests=\"3\" failures=\"1\" "
	    "errors=\"1\" time=\"3.002000\">\n", 102) == 0);
	/* The send is no test case; the SYN-ACK's time runs from it. */
	CHECK(strstr(xml, "  <testsuite name=\"a.shake\" tests=\"1\" "
	    "failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.002000\" "
	    "timestamp=\"") != NULL);
	CHECK(strstr(xml, "    <testcase classname=\"a.shake\" name=\"line 3: "
	    "+0 &gt; S. 0:0(0) ack 1 &lt;mss 1460&gt;\" file=\"a.shake\" "
	    "line=\"3\" time=\"0.000250\"/>\n") != NULL);
	CHECK(strstr(xml, "line 2:") == NULL);
	CHECK(strstr(xml, "<testsuite name=\"b&amp;.shake\" tests=\"1\" "
	    "failures=\"1\" errors=\"0\"") != NULL);
	CHECK(strstr(xml, "<failure type=\"mismatch\" message=\"flags: "
	    "expected F., got .\">b&amp;.shake:9: expected: +0 &gt; F. 1:1(0) "
	    "ack 2&#10;got: . 1:1(0) ack 2 &quot;?&quot;</failure>") != NULL);
	CHECK(strstr(xml, "<testsuite name=\"c.shake\" tests=\"1\" "
	    "failures=\"0\" errors=\"1\"") != NULL);
	CHECK(strstr(xml, "<error type=\"setup\" message=\"no target: give "
	    "--target HOST:PORT\"/>") != NULL);
	CHECK(strstr(xml, "</testsuites>\n") != NULL);
	free(xml);
	return check_done();
}
