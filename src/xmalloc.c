/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xmalloc.c: allocation wrappers that never return NULL, and fatal(),
 * the single exit for setup errors (status 2) after running cleanups. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define MAX_ATFATAL 8

static void (*atfatal_fns[MAX_ATFATAL])(void);
static int atfatal_n;

void
atfatal(void (*fn)(void))
{
	int i;

	for (i = 0; i < atfatal_n; i++)
		if (atfatal_fns[i] == fn)
			return;
	if (atfatal_n < MAX_ATFATAL)
		atfatal_fns[atfatal_n++] = fn;
}

static void
run_atfatal(void)
{
	while (atfatal_n > 0)
		atfatal_fns[--atfatal_n]();
}

static void vmsg(const char *, va_list, int)
    __attribute__((format(printf, 1, 0)));

static void
vmsg(const char *fmt, va_list ap, int errnum)
{
	fputs("tcpshake: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (errnum != 0)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	int errnum = errno;

	va_start(ap, fmt);
	vmsg(fmt, ap, errnum);
	va_end(ap);
	run_atfatal();
	exit(2);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
	run_atfatal();
	exit(2);
}

void
warnx_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
}

void *
xmalloc(size_t size)
{
	void *p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		fatalx("out of memory allocating %zu bytes", size);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		fatalx("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

void *
xrealloc(void *old, size_t size)
{
	void *p;

	if (size == 0)
		size = 1;
	if ((p = realloc(old, size)) == NULL)
		fatalx("out of memory allocating %zu bytes", size);
	return p;
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		fatalx("allocation of %zu x %zu bytes overflows", n, size);
	return xrealloc(old, n * size);
}

void *
xgrow(void *ptr, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap > 0 ? *cap : 8;

	if (need <= *cap)
		return ptr;
	while (n < need)
		n = n > SIZE_MAX / 2 ? need : n * 2;
	ptr = xreallocarray(ptr, n, size);
	*cap = n;
	return ptr;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

int
xasprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(out, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("out of memory formatting a string");
	return n;
}
