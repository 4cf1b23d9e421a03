/* SPDX-License-Identifier: GPL-2.0-or-later */
/* syscall-parse.c: a system-call line after its time, "name(args) = RET
 * [ERRNO] [(note)]", into a struct syscall (syscall.h). */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscall.h"
#include "xmalloc.h"

/* The calls the agent makes (agent-call.c's table); a row there and
 * here. */
const char *const syscall_supported[] = {
	"socket", "bind", "listen", "accept", "connect", "setsockopt",
	"getsockopt", "fcntl", "read", "write", "send", "recv", "sendto",
	"recvfrom", "sendmsg", "recvmsg", "readv", "writev", "shutdown",
	"close", "poll", "ioctl", "epoll_create", "epoll_ctl", "epoll_wait",
	"open", "sendfile", "pipe", "splice", "getsockname", "getpeername",
	NULL,
};

bool
syscall_is_supported(const char *name)
{
	size_t k;

	for (k = 0; syscall_supported[k] != NULL; k++)
		if (strcmp(syscall_supported[k], name) == 0)
			return true;
	return false;
}

#define SX_MAX_DEPTH	8

struct sxp {
	const char	*s;
	size_t		 i;
	char		*err;
	size_t		 errlen;
	bool		 failed;
};

static void sxp_fail(struct sxp *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
sxp_fail(struct sxp *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
}

static void
sxp_ws(struct sxp *p)
{
	while (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
	    p->s[p->i] == '\r')
		p->i++;
}

static size_t
sxp_ident(const struct sxp *p)
{
	size_t n = 0;

	if (!isalpha((unsigned char)p->s[p->i]) && p->s[p->i] != '_')
		return 0;
	while (isalnum((unsigned char)p->s[p->i + n]) || p->s[p->i + n] == '_')
		n++;
	return n;
}

static struct sx *
sx_new(enum sx_kind kind)
{
	struct sx *x = xcalloc(1, sizeof *x);

	x->kind = kind;
	return x;
}

static void
sx_free(struct sx *x)
{
	size_t k;

	if (x == NULL)
		return;
	for (k = 0; k < x->nkids; k++)
		sx_free(x->kids[k]);
	free(x->kids);
	free(x->s);
	free(x->name);
	free(x);
}

const struct sx *
sx_member(const struct sx *x, const char *name)
{
	size_t k;

	for (k = 0; x != NULL && k < x->nkids; k++)
		if (x->kids[k]->name != NULL &&
		    strcmp(x->kids[k]->name, name) == 0)
			return x->kids[k];
	return NULL;
}

bool
syscall_connects(const struct syscall *c)
{
	const struct sx *m;

	if (strcmp(c->name, "connect") == 0)
		return true;
	if (strcmp(c->name, "sendto") == 0)
		return c->nargs > 4 && (c->args[4]->kind == SX_ELLIPSIS ||
		    c->args[4]->kind == SX_STRUCT);
	if (strcmp(c->name, "sendmsg") != 0 || c->nargs < 2)
		return false;
	m = sx_member(c->args[1], "msg_name");
	return m != NULL && m->kind == SX_ELLIPSIS;
}

static void
sx_add(struct sx ***v, size_t *n, struct sx *x)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = x;
}

/* A number or a constant's name, '-' allowed before a number. */
static bool
sxp_int(struct sxp *p, int64_t *v)
{
	const char *start = p->s + p->i;
	char *end;
	size_t n;

	if ((n = sxp_ident(p)) > 0) {
		if (!syscall_const(start, n, v)) {
			sxp_fail(p, "unknown name '%.*s' (tcpshake-scenario(5), "
			    "SYSTEM CALLS, lists the names)", (int)n, start);
			return false;
		}
		p->i += n;
		return true;
	}
	*v = strtoll(start, &end, 0);
	if (end == start) {
		sxp_fail(p, "expected a number, a name, '...', a string, "
		    "[list] or {struct}");
		return false;
	}
	p->i += (size_t)(end - start);
	return true;
}

/* "a|b|c" folded into one number. */
static struct sx *
sxp_flags(struct sxp *p)
{
	struct sx *x = sx_new(SX_INT);
	int64_t v;

	for (;;) {
		if (!sxp_int(p, &v)) {
			sx_free(x);
			return NULL;
		}
		x->v |= v;
		sxp_ws(p);
		if (p->s[p->i] != '|')
			return x;
		p->i++;
		sxp_ws(p);
	}
}

static struct sx *
sxp_string(struct sxp *p)
{
	struct sx *x = sx_new(SX_STRING);
	size_t cap = 16;
	char c;

	x->s = xmalloc(cap);
	for (p->i++; p->s[p->i] != '"'; p->i++) {
		if (p->s[p->i] == '\0') {
			sxp_fail(p, "unterminated string");
			sx_free(x);
			return NULL;
		}
		c = p->s[p->i];
		if (c == '\\' && p->s[p->i + 1] != '\0') {
			c = p->s[++p->i];
			c = c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ?
			    '\t' : c == '0' ? '\0' : c;
		}
		if (x->slen + 2 > cap)
			x->s = xrealloc(x->s, cap *= 2);
		x->s[x->slen++] = c;
	}
	x->s[x->slen] = '\0';
	p->i++;
	sxp_ws(p);
	if (strncmp(p->s + p->i, "...", 3) == 0)	/* "abc"... */
		p->i += 3;
	return x;
}

static struct sx *sxp_expr(struct sxp *, int depth);

/* "htons(N)", "inet_addr(\"A\")", "inet6_addr(\"A\")", p on the name;
 * NULL after a message, or with *none when p is on none of them. */
static struct sx *
sxp_call(struct sxp *p, bool *none)
{
	static const struct { const char *name; int family; } fn[] = {
		{ "htons(", 0 }, { "inet_addr(", AF_INET },
		{ "inet6_addr(", AF_INET6 },
	};
	unsigned char buf[16];
	struct sx *x = NULL;
	size_t k;

	*none = false;
	for (k = 0; k < sizeof fn / sizeof fn[0]; k++)
		if (strncmp(p->s + p->i, fn[k].name, strlen(fn[k].name)) == 0)
			break;
	if (k == sizeof fn / sizeof fn[0]) {
		*none = true;
		return NULL;
	}
	p->i += strlen(fn[k].name);
	sxp_ws(p);
	if (fn[k].family == 0)
		x = sxp_flags(p);
	else if (p->s[p->i] != '"')
		sxp_fail(p, "%.*s) wants an address in quotes",
		    (int)strlen(fn[k].name), fn[k].name);
	else if ((x = sxp_string(p)) != NULL &&
	    inet_pton(fn[k].family, x->s, buf) != 1) {
		sxp_fail(p, "'%s' is not an %s address", x->s,
		    fn[k].family == AF_INET ? "IPv4" : "IPv6");
		sx_free(x);
		x = NULL;
	} else if (x != NULL) {
		x->kind = SX_ADDR;
		x->v = fn[k].family;
	}
	if (x == NULL)
		return NULL;
	sxp_ws(p);
	if (p->s[p->i] != ')') {
		sxp_fail(p, "expected ')' after the argument of %.*s)",
		    (int)strlen(fn[k].name), fn[k].name);
		sx_free(x);
		return NULL;
	}
	p->i++;
	return x;
}

/* [a, b] or {a, name=b, name(N)=c}; close is ']' or '}'. */
static struct sx *
sxp_group(struct sxp *p, int depth, char close)
{
	struct sx *x = sx_new(close == ']' ? SX_LIST : SX_STRUCT), *k;
	char *name;
	size_t n, save;

	p->i++;
	sxp_ws(p);
	while (p->s[p->i] != close) {
		name = NULL;
		save = p->i;
		if (close == '}' && (n = sxp_ident(p)) > 0) {
			p->i += n;
			sxp_ws(p);
			if (p->s[p->i] == '(') {	/* msg_iov(1)= */
				while (p->s[p->i] != '\0' && p->s[p->i] != ')')
					p->i++;
				if (p->s[p->i] == ')')
					p->i++;
				sxp_ws(p);
			}
			if (p->s[p->i] == '=') {
				name = xmalloc(n + 1);
				memcpy(name, p->s + save, n);
				name[n] = '\0';
				p->i++;
				sxp_ws(p);
			} else
				p->i = save;
		}
		if ((k = sxp_expr(p, depth + 1)) == NULL) {
			free(name);
			sx_free(x);
			return NULL;
		}
		k->name = name;
		sx_add(&x->kids, &x->nkids, k);
		sxp_ws(p);
		if (p->s[p->i] == ',') {
			p->i++;
			sxp_ws(p);
		} else if (p->s[p->i] != close) {
			sxp_fail(p, "expected ',' or '%c'", close);
			sx_free(x);
			return NULL;
		}
	}
	p->i++;
	return x;
}

static struct sx *
sxp_expr(struct sxp *p, int depth)
{
	char c;

	sxp_ws(p);
	c = p->s[p->i];
	if (depth > SX_MAX_DEPTH) {
		sxp_fail(p, "arguments nested deeper than %d", SX_MAX_DEPTH);
		return NULL;
	}
	if (strncmp(p->s + p->i, "...", 3) == 0) {
		p->i += 3;
		return sx_new(SX_ELLIPSIS);
	}
	if (c == '"')
		return sxp_string(p);
	if (c == '[')
		return sxp_group(p, depth, ']');
	if (c == '{')
		return sxp_group(p, depth, '}');
	{
		bool none;
		struct sx *x = sxp_call(p, &none);

		if (!none)
			return x;
	}
	return sxp_flags(p);
}

/* "= RET [ERRNO] [(note)]". */
static bool
sxp_result(struct sxp *p, struct syscall *sc)
{
	int64_t v;
	size_t n;
	int depth;

	sxp_ws(p);
	if (p->s[p->i] != '=') {
		sxp_fail(p, "expected '= RESULT' after the call");
		return false;
	}
	p->i++;
	sxp_ws(p);
	if (!sxp_int(p, &v))
		return false;
	sc->ret = v;
	sxp_ws(p);
	if ((n = sxp_ident(p)) > 0) {
		if ((sc->err = syscall_errno(p->s + p->i, n)) == 0) {
			sxp_fail(p, "unknown errno name '%.*s'", (int)n,
			    p->s + p->i);
			return false;
		}
		if (sc->ret != -1) {
			sxp_fail(p, "an errno goes with '= -1'");
			return false;
		}
		p->i += n;
		sxp_ws(p);
	}
	if (p->s[p->i] == '(') {		/* a note: any text */
		for (depth = 0; p->s[p->i] != '\0'; p->i++) {
			depth += p->s[p->i] == '(' ? 1 : p->s[p->i] == ')' ?
			    -1 : 0;
			if (depth == 0) {
				p->i++;
				break;
			}
		}
		sxp_ws(p);
	}
	if (p->s[p->i] != '\0') {
		sxp_fail(p, "trailing text after the result");
		return false;
	}
	return true;
}

struct syscall *
syscall_parse(const char *s, size_t *at, char *err, size_t errlen)
{
	struct sxp p = { s, 0, err, errlen, false };
	struct syscall *sc = xcalloc(1, sizeof *sc);
	struct sx *x;
	size_t n = sxp_ident(&p);

	sc->name = xmalloc(n + 1);
	memcpy(sc->name, s, n);
	sc->name[n] = '\0';
	p.i = n;
	sxp_ws(&p);
	if (n == 0 || p.s[p.i] != '(')
		sxp_fail(&p, "expected a system call: name(arguments) = "
		    "RESULT");
	else if (!syscall_is_supported(sc->name)) {
		p.i = 0;
		sxp_fail(&p, "'%s' is not a system call the agent makes "
		    "(tcpshake-scenario(5), SYSTEM CALLS)", sc->name);
	} else {
		p.i++;
		sxp_ws(&p);
		while (!p.failed && p.s[p.i] != ')') {
			if ((x = sxp_expr(&p, 0)) == NULL)
				break;
			sx_add(&sc->args, &sc->nargs, x);
			sxp_ws(&p);
			if (p.s[p.i] == ',')
				p.i++;
			else if (p.s[p.i] != ')')
				sxp_fail(&p, "expected ',' or ')'");
		}
		if (!p.failed) {
			p.i++;
			sxp_result(&p, sc);
		}
	}
	if (p.failed) {
		*at = p.i;
		syscall_free(sc);
		return NULL;
	}
	sc->text = xstrdup(s);
	return sc;
}

void
syscall_free(struct syscall *sc)
{
	size_t k;

	if (sc == NULL)
		return;
	for (k = 0; k < sc->nargs; k++)
		sx_free(sc->args[k]);
	free(sc->args);
	free(sc->name);
	free(sc->text);
	free(sc);
}
