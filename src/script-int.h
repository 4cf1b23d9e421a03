/* SPDX-License-Identifier: GPL-2.0-or-later */
/* script-int.h: the .shake parser's state and helpers, shared by the
 * files of the parser (script.c: lines and steps; script-option.c: option
 * lines). Not for the parser's users: they have script.h. */
#ifndef TCPSHAKE_SCRIPT_INT_H
#define TCPSHAKE_SCRIPT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "script.h"

enum skip_mode {
	SKIP_NONE,
	SKIP_SYSCALL,	/* inside a system call's parentheses */
	SKIP_PYTHON,	/* inside %{ ... }% */
};

/* Where a command without a time was, to point at it later. */
struct untimed {
	int			 line;
	int			 column;
	char			*source;
};

struct parser {
	const char		*file;
	const struct script_defs *defs;
	struct script_errors	*errs;
	struct script		*sc;
	size_t			 nerr0;		/* errs->n when we began */
	bool			 stop;		/* too many errors */

	/* The current line: one physical line, or several when a
	 * `command` goes on past the end of its first. */
	int			 lineno;	/* of its first physical line */
	const char		*orig;		/* as written, '\n' between */
	char			*text;		/* after stages 1 and 2 */
	size_t			*map;		/* text index -> orig index */

	/* State across lines. */
	bool			 in_comment;
	bool			 in_command;	/* a ` is open at the end */
	int			 comment_line;
	int			 comment_col;
	char			*comment_src;
	enum skip_mode		 skip;
	int			 skip_depth;
	int			 skip_line;
	int			 skip_col;
	char			*skip_src;
	bool			 stepped;	/* a step was seen */
	int64_t			 last_at;	/* laid-out time, previous step */
	struct script_def	*fdefs;		/* the file's --define lines */
	size_t			 nfdefs;
	struct untimed		*untimed;	/* commands without a time
						 * after a step: fine unless
						 * a step follows */
	size_t			 nuntimed;
	int			 ifdef_line;	/* of the open #ifdef; 0: none */
	char			*ifdef_src;
	bool			 ifdef_skip;	/* its NAME is not defined */

	/* Room in sc->steps and sc->flows, and the flows by name: an open
	 * addressing table of flow index + 1 (0: empty), twice as large as
	 * the flows at least. */
	size_t			 stepcap;
	size_t			 flowcap;
	size_t			*fslot;
	size_t			 nfslots;
};

/* The character kinds of the language. */

static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
is_ident0(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline bool
is_ident(char c)
{
	return is_ident0(c) || is_digit(c);
}

static inline bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

static inline size_t
skip_ws(const char *s, size_t i)
{
	while (is_blank(s[i]))
		i++;
	return i;
}

/* Length of the identifier at s[i], 0 when there is none. */
static inline size_t
ident_len(const char *s, size_t i)
{
	size_t n = 0;

	if (!is_ident0(s[i]))
		return 0;
	while (is_ident(s[i + n]))
		n++;
	return n;
}

/* Errors and warnings at index pos of the current (processed) line, or at
 * a given line and column (0: none; source may be NULL). */
void	 perr(struct parser *, size_t pos, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 perr_at(struct parser *, int line, int column, const char *source,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Where index pos of the current line is in the file: its physical line,
 * the column in it, and where that line starts in orig. */
void	 locate(const struct parser *, size_t pos, int *line, int *column,
	    size_t *start);
/* The physical line of index pos of the current line. */
int	 line_at(const struct parser *, size_t pos);
/* A decimal number of s, whole, up to max. */
bool	 parse_uint_text(const char *s, unsigned long max,
	    unsigned long *out);
/* Header lines come before the first step; false after an error. */
bool	 header_in_place(struct parser *, size_t at, const char *what);
/* The file's target (a target line, --target=): once. */
void	 set_target(struct parser *, size_t at, const char *value);

/* script-option.c: an option line "--NAME=VALUE" (at on its dashes); the
 * command line's option lines over the file's, once the file is read. */
void	 parse_option(struct parser *, size_t at);
void	 cmdline_options(struct parser *);

#endif
