/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz/fuzz-match.c: a libFuzzer target: two packet lines (expected, then
 * received) parsed, printed back and parsed again (the same), then the
 * expected line matched against the other with learned bases, as run
 * does with what the target sent. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-text.h"
#include "match.h"
#include "seqspace.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Parse; the full print must parse to the same print. false: no parse. */
static bool
parse_round(const char *text, struct segment *seg)
{
	struct text_error err;
	struct segment again;
	char *a, *b;

	if (!segment_parse(text, seg, &err)) {
		if (err.column < 1 || err.msg[0] == '\0')
			abort();
		return false;
	}
	a = segment_format(seg, SEGFMT_FULL);
	segment_init(&again);
	if (!segment_parse(a, &again, &err))
		abort();
	b = segment_format(&again, SEGFMT_FULL);
	if (strcmp(a, b) != 0)
		abort();
	free(a);
	free(b);
	segment_clear(&again);
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seqspace b = { .isn = { 1000 }, .known = { true } };
	struct match_result r;
	struct segment exp, got, view, out;
	char *text, *nl, *s;

	if ((text = fuzz_text(data, size)) == NULL)
		return 0;
	if ((nl = strchr(text, '\n')) == NULL) {
		free(text);
		return 0;
	}
	*nl = '\0';
	segment_init(&exp);
	segment_init(&got);
	if (parse_round(text, &exp) && parse_round(nl + 1, &got)) {
		/* Seen from both sides: before and after the target's ISN. */
		match_segment(&exp, &got, &b, &r);
		match_learn(&b, &exp, &got);
		match_segment(&exp, &got, &b, &r);
		s = match_result_str(&r);
		free(s);
		match_view(&got, &exp, &b, &view);
		s = segment_format(&view, SEGFMT_FULL);
		free(s);
		segment_clear(&view);
		match_outgoing(&exp, &b, &out);
		segment_clear(&out);
	}
	segment_clear(&exp);
	segment_clear(&got);
	free(text);
	return 0;
}
