/* SPDX-License-Identifier: GPL-2.0-or-later */
/* echo.h: text from a file echoed safely to a terminal: control characters
 * escaped, long lines cut to a window around a column. */
#ifndef TCPSHAKE_ECHO_H
#define TCPSHAKE_ECHO_H

#include <stddef.h>
#include <stdio.h>

/* Display columns an echo of a source line keeps around its caret. */
#define ECHO_WIDTH	80

/* s[0..n) with control characters escaped (\e, \r, \xNN; a tab stays a
 * tab) and bytes that are not UTF-8 as \xNN; at most max display columns,
 * then "..." (max 0: all of it). */
void	 echo_escaped(FILE *, const char *s, size_t n, size_t max);

/*
 * The line s[0..n) after indent, escaped, cut to at most ECHO_WIDTH
 * columns around the 1-based byte column col ("..." marks a cut), then,
 * when col > 0, a caret under that byte:
 *
 *	  ...xxxxx \e]0;title\a yyyyy...
 *	                       ^
 */
void	 echo_caret(FILE *, const char *indent, const char *s, size_t n,
	    size_t col);

#endif
