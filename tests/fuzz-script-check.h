/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-script-check.h: what the .shake parser must do with any input, for
 * the bounded check (tests/fuzz-script.c) and the libFuzzer target
 * (fuzz/fuzz-script.c): errors well formed, and whatever parses prints
 * back to itself. */
#ifndef TCPSHAKE_FUZZ_SCRIPT_CHECK_H
#define TCPSHAKE_FUZZ_SCRIPT_CHECK_H

#include <stdlib.h>
#include <string.h>

#include "script.h"

/* What every error must be: a message, and a column inside its line. */
static inline const char *
errors_violation(const struct script_errors *errs)
{
	size_t k;

	if (errs->n == 0)
		return "failure without an error";
	for (k = 0; k < errs->n; k++) {
		const struct script_error *e = &errs->v[k];

		if (e->msg == NULL || e->msg[0] == '\0')
			return "error without a message";
		if (e->line < 0 || e->column < 0)
			return "negative line or column";
		if (e->source != NULL && strchr(e->source, '\n') != NULL)
			return "source line holds a newline";
		if (e->source != NULL && (size_t)e->column >
		    strlen(e->source) + 1)
			return "column past the end of its line";
	}
	return NULL;
}

/* Parse; when it parses, print, parse the print, print again: the same. */
static inline const char *
check_one(const char *text, char **detail)
{
	struct script_errors errs = { NULL, 0, false };
	struct script *a, *b;
	const char *bad = NULL;
	char *pa, *pb;

	*detail = NULL;
	a = script_parse_string("f.shake", text, NULL, &errs);
	if (a == NULL) {
		bad = errors_violation(&errs);
		script_errors_clear(&errs);
		return bad;
	}
	pa = script_format(a);
	b = script_parse_string("p.shake", pa, NULL, &errs);
	if (b == NULL) {
		bad = "the print does not parse";
		*detail = pa;
		script_errors_clear(&errs);
		script_free(a);
		return bad;
	}
	pb = script_format(b);
	if (strcmp(pa, pb) != 0 || a->nsteps != b->nsteps) {
		bad = "the print does not print back to itself";
		*detail = pa;
	} else
		free(pa);
	free(pb);
	script_free(a);
	script_free(b);
	return bad;
}

#endif
