/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xmalloc.h: allocation that never returns NULL, and the one way the
 * program ends on a setup error (a line on stderr, exit status 2). */
#ifndef TCPSHAKE_XMALLOC_H
#define TCPSHAKE_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
/* Room for at least `need` elements of `size` bytes in ptr, which has
 * room for *cap: the room doubles, so n additions one at a time cost
 * O(n) copies, not O(n^2). */
void	*xgrow(void *ptr, size_t *cap, size_t need, size_t size);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* Hooks run by fatal()/fatalx() before exiting: flush captures, remove
 * guard tables and lab namespaces. Registered once, run once. */
void	 atfatal(void (*)(void));

/* "tcpshake: MSG: strerror(errno)", exit 2. */
void	 fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/* "tcpshake: MSG", exit 2. */
void	 fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/* "tcpshake: MSG" on stderr, no exit. */
void	 warnx_(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
