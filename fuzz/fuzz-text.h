/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz/fuzz-text.h: a fuzz input as C text for the targets that read text. */
#ifndef TCPSHAKE_FUZZ_TEXT_H
#define TCPSHAKE_FUZZ_TEXT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The input NUL-terminated in a new buffer (free() it); NULL when it holds
 * a NUL itself, which no text file that reaches the parsers does. */
static inline char *
fuzz_text(const uint8_t *data, size_t size)
{
	char *text;

	if (memchr(data, '\0', size) != NULL || (text = malloc(size + 1)) ==
	    NULL)
		return NULL;
	memcpy(text, data, size);
	text[size] = '\0';
	return text;
}

#endif
