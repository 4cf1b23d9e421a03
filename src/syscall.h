/* SPDX-License-Identifier: GPL-2.0-or-later */
/* syscall.h: packetdrill's system-call lines ("accept(3, ..., ...) = 4"):
 * their expressions parsed (syscall-parse.c) and the names of their
 * constants and errno values (syscall-names.c). */
#ifndef TCPSHAKE_SYSCALL_H
#define TCPSHAKE_SYSCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * An argument is a small tree: a number (a flag expression such as
 * O_RDWR|O_NONBLOCK is folded into one at parse time, so an unknown name
 * is a parse error), "..." (the agent fills it in: an address, a buffer),
 * a string, a list [a, b] or a struct {name=value, value}. htons(N) is
 * the number N (the agent puts it in network order where it belongs);
 * inet_addr("A") and inet6_addr("A") are addresses, checked as written.
 */
enum sx_kind {
	SX_INT,
	SX_ELLIPSIS,
	SX_STRING,
	SX_LIST,
	SX_STRUCT,
	SX_ADDR,		/* inet_addr("..."), inet6_addr("...") */
};

struct sx {
	enum sx_kind	 kind;
	int64_t		 v;		/* SX_INT; SX_ADDR: AF_INET or
					 * AF_INET6 */
	char		*s;		/* SX_STRING: the bytes, NUL-ended;
					 * SX_ADDR: the address as written */
	size_t		 slen;
	char		*name;		/* a struct member's "name=" or NULL */
	struct sx	**kids;		/* SX_LIST, SX_STRUCT */
	size_t		 nkids;
};

struct syscall {
	char		*text;		/* "name(...) = RET ...", as written */
	char		*name;
	struct sx	**args;
	size_t		 nargs;
	int64_t		 ret;		/* "= N" */
	int		 err;		/* "= -1 EAGAIN": its errno; 0: none */
	bool		 blocking;	/* "TIME...END name(...)" */
	int64_t		 end_ns;	/* END as written: absolute, or from
					 * the line's time base when the
					 * line's time is relative */
};

/* Parse "name(args) = RET [ERRNO] [(note)]" from s. NULL with *at (index
 * into s) and a message in err on error. */
struct syscall *syscall_parse(const char *s, size_t *at, char *err,
	    size_t errlen);
void	 syscall_free(struct syscall *);
/* The member "name=" of a struct (or any group) x, or NULL. */
const struct sx *sx_member(const struct sx *x, const char *name);

/* The call may open a connection to the prober: connect(), and a
 * sendto() or sendmsg() given the address ("..." or a written one:
 * MSG_FASTOPEN). */
bool	 syscall_connects(const struct syscall *);

/* The calls an agent can make, NULL-ended (tcpshake-scenario(5)). */
extern const char *const syscall_supported[];
bool	 syscall_is_supported(const char *name);

/* A constant's value by name (SOCK_STREAM, SO_REUSEADDR, TCP_INFO, ...);
 * false when unknown. */
bool	 syscall_const(const char *name, size_t len, int64_t *v);
/* An errno's value by name (EAGAIN); 0 when unknown. Its name, or NULL. */
int	 syscall_errno(const char *name, size_t len);
const char *syscall_errno_name(int err);

#endif
