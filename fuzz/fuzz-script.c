/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz/fuzz-script.c: a libFuzzer target: any text as a .shake file. Its
 * errors are well formed and print (escaped, cut to a window); whatever
 * parses prints, parses again and prints the same. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-script-check.h"
#include "fuzz-text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script_errors errs = { NULL, 0, false };
	struct script *sc;
	char *text, *detail, *out;

	/* A file with a NUL is refused before the parser sees it. */
	if ((text = fuzz_text(data, size)) == NULL)
		return 0;
	if (check_one(text, &detail) != NULL)
		abort();
	sc = script_parse_string("f.shake", text, NULL, &errs);
	out = script_errors_format(&errs);
	free(out);
	script_errors_clear(&errs);
	script_free(sc);
	free(text);
	return 0;
}
