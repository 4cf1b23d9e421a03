/* SPDX-License-Identifier: GPL-2.0-or-later */
/* echo.c: text from a file echoed safely to a terminal: a scenario's escape
 * sequence must not retitle the terminal, a 10 MB line must not flood it. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "echo.h"

/* One character as echoed: the bytes of s it takes, and what prints. */
struct echo_char {
	size_t	 len;
	size_t	 width;		/* display columns */
	char	 text[8];
};

/* The length of the valid UTF-8 sequence at s (2 to 4), 0 when there is
 * none; C1 controls (U+0080 to U+009F) count as none. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t need, k;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	if (n < need || (s[0] == 0xc2 && s[1] < 0xa0))
		return 0;
	for (k = 1; k < need; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	return need;
}

static void
echo_char_at(const char *s, size_t n, size_t i, struct echo_char *c)
{
	unsigned char b = (unsigned char)s[i];
	size_t u;

	c->len = 1;
	if (b == '\t' || (b >= 0x20 && b < 0x7f)) {
		c->text[0] = (char)b;
		c->text[1] = '\0';
	} else if (b == 0x1b)
		snprintf(c->text, sizeof c->text, "\\e");
	else if (b == '\r')
		snprintf(c->text, sizeof c->text, "\\r");
	else if (b >= 0x80 && (u = utf8_len((const unsigned char *)s + i,
	    n - i)) > 0) {
		memcpy(c->text, s + i, u);
		c->text[u] = '\0';
		c->len = u;
		c->width = 1;
		return;
	} else
		snprintf(c->text, sizeof c->text, "\\x%02x", b);
	c->width = strlen(c->text);
}

void
echo_escaped(FILE *f, const char *s, size_t n, size_t max)
{
	struct echo_char c;
	size_t i, w = 0;

	for (i = 0; i < n; i += c.len) {
		echo_char_at(s, n, i, &c);
		if (max > 0 && w + c.width > max) {
			fputs("...", f);
			return;
		}
		fputs(c.text, f);
		w += c.width;
	}
}

/* Display columns of s[0..end), and of the whole line. */
static void
widths(const char *s, size_t n, size_t end, size_t *upto, size_t *total)
{
	struct echo_char c;
	size_t i, w = 0;

	*upto = 0;
	for (i = 0; i < n; i += c.len) {
		if (i < end)
			*upto = w;
		echo_char_at(s, n, i, &c);
		w += c.width;
	}
	if (end >= n)
		*upto = w;
	*total = w;
}

void
echo_caret(FILE *f, const char *indent, const char *s, size_t n, size_t col)
{
	struct echo_char c;
	size_t at = col > 0 ? col - 1 : 0, wat, wall, from = 0, i, w = 0;

	if (at > n)
		at = n;
	widths(s, n, at, &wat, &wall);
	if (wall > ECHO_WIDTH) {
		from = wat > ECHO_WIDTH / 2 ? wat - ECHO_WIDTH / 2 : 0;
		if (wall - from < ECHO_WIDTH)
			from = wall - ECHO_WIDTH;
	}
	fputs(indent, f);
	if (from > 0)
		fputs("...", f);
	/* The first character that starts at or after display column from. */
	for (i = 0; i < n && w < from; i += c.len) {
		echo_char_at(s, n, i, &c);
		w += c.width;
	}
	echo_escaped(f, s + i, n - i, ECHO_WIDTH);
	fputc('\n', f);
	if (col == 0)
		return;
	fputs(indent, f);
	if (from > 0)
		fputs("   ", f);
	/* Tabs stay tabs, so the caret lands under the column whatever the
	 * terminal's tab width. */
	for (; i < at; i += c.len) {
		echo_char_at(s, n, i, &c);
		if (c.text[0] == '\t')
			fputc('\t', f);
		else
			fprintf(f, "%*s", (int)c.width, "");
	}
	fputs("^\n", f);
}
