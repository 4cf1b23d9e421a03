/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-tap.c: the TAP sink: one test per file, diagnostics of failed
 * steps under their test, the plan at the end, other events ignored. */
#include "config.h"

#include <stdlib.h>

#include "check.h"
#include "engine.h"
#include "report.h"

static void
step(const struct sink_ops *ops, void *ctx, const struct step_outcome *o)
{
	struct event ev;

	event_init(&ev, EV_STEP);
	ev.text = "ignored by TAP";
	ev.outcome = o;
	ops->event(ctx, &ev);
}

int
main(void)
{
	struct step_outcome ok3 = { .file = "a.shake", .line = 3, .ok = true,
	    .expected = "+0 > S. 0:0(0) ack 1" };
	struct step_outcome a = { .file = "a.shake", .ok = true, .nsteps = 4 };
	struct step_outcome bad = { .file = "b.shake", .line = 9,
	    .expected = "+0 > F. 1:1(0) ack 2", .awaited = true, .got = ". 1:1(0) ack 2",
	    .why = "flags: expected F., got ." };
	struct step_outcome none = { .file = "b.shake", .line = 12,
	    .expected = "+1 > R. 2:2(0)", .awaited = true, .why = "no segment arrived by 1.004" };
	struct step_outcome sh = { .file = "b.shake", .line = 14,
	    .expected = "+0 `false`", .why = "command: exit status 1" };
	struct step_outcome b = { .file = "b.shake", .nsteps = 12,
	    .nfailed = 2 };
	struct step_outcome c = { .file = "c.shake",
	    .error = "no target: give --target HOST:PORT" };
	static const char *const want[] = {
		"ok 1 - a.shake",
		"not ok 2 - b.shake",
		"# 2 of 12 steps failed",
		"# b.shake:9: flags: expected F., got .",
		"#   expected: +0 > F. 1:1(0) ack 2",
		"#   got:      . 1:1(0) ack 2",
		"# b.shake:12: no segment arrived by 1.004",
		"#   expected: +1 > R. 2:2(0)",
		"#   got:      nothing",
		"# b.shake:14: command: exit status 1",
		"#   expected: +0 `false`",
		"not ok 3 - c.shake",
		"# c.shake: no target: give --target HOST:PORT",
		"1..3",
		NULL,
	};
	struct event note;
	char *buf = NULL, *line;
	int i;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	void *ctx = report_tap_new(out);

	event_init(&note, EV_NOTE);
	note.text = "a note";
	report_tap_ops.event(ctx, &note);
	step(&report_tap_ops, ctx, &ok3);
	step(&report_tap_ops, ctx, &a);
	step(&report_tap_ops, ctx, &bad);
	step(&report_tap_ops, ctx, &none);
	step(&report_tap_ops, ctx, &sh);
	step(&report_tap_ops, ctx, &b);
	step(&report_tap_ops, ctx, &c);
	report_tap_ops.close(ctx);
	fclose(out);
	/* Line by line, so no expected "not ok" starts a line of ours. */
	for (i = 0, line = strtok(buf, "\n"); want[i] != NULL;
	    i++, line = strtok(NULL, "\n"))
		CHECK_STR(line, want[i]);
	CHECK(line == NULL);
	free(buf);
	return check_done();
}
