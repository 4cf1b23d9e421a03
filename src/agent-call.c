/* SPDX-License-Identifier: GPL-2.0-or-later */
/* agent-call.c: inside the agent, one system-call line made on the
 * target's kernel and judged: its return value and errno, and the
 * values it reads back (getsockopt, poll, ioctl). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "agent.h"
#include "clock.h"
#include "syscall.h"
#include "xmalloc.h"

#define AGENT_MAX_IO	(16 * 1024 * 1024)	/* bytes in one call */
#define AGENT_MAX_CMSG	1024			/* control bytes */

/*
 * Script fds are the numbers the script wrote ("socket(...) = 3"); the
 * agent maps them to its own, as packetdrill does, so a file's numbers
 * need not be the ones the kernel hands out.
 */
struct agent_ctx {
	const struct script *sc;
	int		 fds[AGENT_MAX_FD];	/* script fd -> ours; -1 */
	int		 family;		/* of socket(..., ...) */
	bool		 mapped;		/* ipv4-mapped-ipv6 */
	struct agent_names names;		/* --local_ip, --remote_ip */
	struct agent_req addrs;
	char		*bad;			/* a line the agent cannot
						 * make: why */
	char		*buf;			/* AGENT_MAX_IO zeros */
	int		 sut;			/* the socket under test (its
						 * script fd) for %{ }%: the
						 * last accepted or connected
						 * one; -1 */
	char		**snaps;		/* per step: the names %{ }%
						 * runs with (agent-python.c) */
	int64_t		 t0;			/* the call's struct agent_req */
	int64_t		 tol;
};

struct agent_ctx *
agent_ctx_new(const struct script *sc)
{
	struct agent_ctx *a = xcalloc(1, sizeof *a);
	const char *v = script_option(sc, "ip_version");
	size_t k;

	a->sc = sc;
	for (k = 0; k < AGENT_MAX_FD; k++)
		a->fds[k] = -1;
	a->family = strchr(sc->target_host, ':') != NULL ? AF_INET6 : AF_INET;
	if (v != NULL && strcmp(v, "ipv6") == 0)
		a->family = AF_INET6;
	else if (v != NULL && strcmp(v, "ipv4-mapped-ipv6") == 0) {
		a->family = AF_INET6;
		a->mapped = true;
	}
	agent_names_init(&a->names, sc, a->family == AF_INET6 && !a->mapped);
	a->buf = xcalloc(1, AGENT_MAX_IO);
	a->sut = -1;
	a->snaps = xcalloc(sc->nsteps + 1, sizeof *a->snaps);
	return a;
}

/* Its memory (the agent's fds stay open). */
void
agent_ctx_free(struct agent_ctx *a)
{
	size_t k;

	if (a == NULL)
		return;
	for (k = 0; k <= a->sc->nsteps; k++)
		free(a->snaps[k]);
	free(a->snaps);
	free(a->buf);
	free(a->bad);
	free(a);
}

void
agent_ctx_addrs(struct agent_ctx *a, const struct agent_req *req)
{
	a->addrs = *req;
}

void
agent_bad(struct agent_ctx *a, const char *fmt, ...)
{
	va_list ap;

	if (a->bad != NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&a->bad, fmt, ap) == -1)
		a->bad = NULL;
	va_end(ap);
}

/* ------------------------------------------------------- arguments */

static const struct sx *
arg(struct agent_ctx *a, const struct syscall *c, size_t i)
{
	if (i < c->nargs)
		return c->args[i];
	agent_bad(a, "%s() wants at least %zu arguments", c->name, i + 1);
	return NULL;
}

static int64_t
arg_int(struct agent_ctx *a, const struct syscall *c, size_t i)
{
	const struct sx *x = arg(a, c, i);

	if (x != NULL && x->kind == SX_LIST && x->nkids == 1 &&
	    x->kids[0]->kind == SX_INT)
		return x->kids[0]->v;		/* [4] for a length */
	if (x != NULL && x->kind != SX_INT) {
		agent_bad(a, "%s(): argument %zu must be a number", c->name,
		    i + 1);
		return 0;
	}
	return x != NULL ? x->v : 0;
}

/* The script's fd, ours in its place. */
static int
arg_fd(struct agent_ctx *a, const struct syscall *c, size_t i)
{
	int64_t v = arg_int(a, c, i);

	if (v < 0 || v >= AGENT_MAX_FD || a->fds[v] == -1)
		return v < 0 || v >= AGENT_MAX_FD ? -1 : 100000 + (int)v;
	return a->fds[v];
}

static size_t
arg_len(struct agent_ctx *a, const struct syscall *c, size_t i)
{
	int64_t v = arg_int(a, c, i);

	if (v < 0 || v > AGENT_MAX_IO) {
		agent_bad(a, "%s(): a length of %lld bytes (at most %d)",
		    c->name, (long long)v, AGENT_MAX_IO);
		return 0;
	}
	return (size_t)v;
}

/* The same for the calls of agent-file.c. */
const struct sx *
agent_arg(struct agent_ctx *a, const struct syscall *c, size_t i)
{
	return arg(a, c, i);
}

int64_t
agent_arg_int(struct agent_ctx *a, const struct syscall *c, size_t i)
{
	return arg_int(a, c, i);
}

int
agent_arg_fd(struct agent_ctx *a, const struct syscall *c, size_t i)
{
	return arg_fd(a, c, i);
}

/* Script fd s is ours now: false when s is no number the agent maps. */
bool
agent_fd_map(struct agent_ctx *a, int64_t s, int fd)
{
	if (s < 0 || s >= AGENT_MAX_FD)
		return false;
	a->fds[s] = fd;
	return true;
}

bool
agent_is_bad(const struct agent_ctx *a)
{
	return a->bad != NULL;
}

/* Script fd s is taken (mapped to one of ours). */
bool
agent_fd_taken(const struct agent_ctx *a, int64_t s)
{
	return s >= 0 && s < AGENT_MAX_FD && a->fds[s] != -1;
}

/* --------------------------------------------------------- addresses */

/* The lab's address for "..." (or for any address a line writes: the
 * script's addresses are packetdrill's --local_ip and --remote_ip, the
 * lab's here). target: bind()'s, else connect()'s. */
static socklen_t
lab_sockaddr(const struct agent_ctx *a, bool target,
    struct sockaddr_storage *ss)
{
	const struct ipaddr *ip = target ? &a->addrs.target :
	    &a->addrs.prober;
	uint16_t port = target ? a->addrs.target_port : a->addrs.prober_port;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (a->family == AF_INET && ip->family == AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, ip->a, 4);
		return sizeof *s4;
	}
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	if (ip->family == AF_INET) {
		s6->sin6_addr.s6_addr[10] = 0xff;
		s6->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&s6->sin6_addr.s6_addr[12], ip->a, 4);
	} else
		memcpy(&s6->sin6_addr, ip->a, 16);
	return sizeof *s6;
}

/* ------------------------------------------------------------ calls */

static long
call_socket(struct agent_ctx *a, const struct syscall *c, char *why,
    size_t n)
{
	const struct sx *d = arg(a, c, 0);
	int dom = d != NULL && d->kind == SX_INT ? (int)d->v : a->family;

	(void)why;
	(void)n;
	return socket(dom, (int)arg_int(a, c, 1), (int)arg_int(a, c, 2));
}

/* The lab's sockaddr for argument i ('...', or the end its address
 * names); -1 after agent_bad() when it names neither end. */
static int
arg_sockaddr(struct agent_ctx *a, const struct syscall *c, size_t i,
    bool target, struct sockaddr_storage *ss, socklen_t *len)
{
	char why[300];
	int end = agent_sockaddr_end(&a->names, i < c->nargs ? c->args[i] :
	    NULL, target, why, sizeof why);

	if (end == -1) {
		agent_bad(a, "%s(): %s", c->name, why);
		return -1;
	}
	*len = lab_sockaddr(a, end == 1, ss);
	return 0;
}

static long
call_bind(struct agent_ctx *a, const struct syscall *c, char *why, size_t n)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = arg_fd(a, c, 0);

	(void)why;
	(void)n;
	if (arg_sockaddr(a, c, 1, true, &ss, &len) == -1)
		return -1;
	return bind(fd, (struct sockaddr *)&ss, len);
}

/* An earlier connection of the file's on the flow's four-tuple, gone
 * (agent-kill.c): packetdrill's next connection has a port of its own,
 * ours the same four-tuple. */
static void
flow_kill(const struct agent_ctx *a)
{
	struct sockaddr_storage t, p;

	lab_sockaddr(a, true, &t);
	lab_sockaddr(a, false, &p);
	agent_flow_kill(&t, &p);
}

static long
call_listen(struct agent_ctx *a, const struct syscall *c, char *why,
    size_t n)
{
	(void)why;
	(void)n;
	/* A new listener: the connection an earlier one accepted on the
	 * flow's four-tuple would take our next SYN. */
	flow_kill(a);
	return listen(arg_fd(a, c, 0), (int)arg_int(a, c, 1));
}

/* The address the kernel gave against the line's argument i (when it
 * writes one), as the file's names. */
static void
sockaddr_check(struct agent_ctx *a, const struct syscall *c, size_t i,
    const struct sockaddr_storage *got, char *why, size_t n)
{
	if (i < c->nargs && !agent_sockaddr_check(&a->names, c->args[i],
	    (const struct sockaddr *)got, &a->addrs.target, &a->addrs.prober,
	    why, n))
		agent_bad(a, "%s(): %s", c->name, why);
}

static long
call_accept(struct agent_ctx *a, const struct syscall *c, char *why,
    size_t n)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	long rc;
	int err;

	rc = accept(arg_fd(a, c, 0), (struct sockaddr *)&ss, &len);
	err = errno;
	if (rc >= 0)
		sockaddr_check(a, c, 1, &ss, why, n);
	errno = err;
	return rc;
}

/* getsockname(fd, ADDR, [len]), getpeername(...): ADDR checked. */
static long
call_name(struct agent_ctx *a, const struct syscall *c, char *why, size_t n)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int fd = arg_fd(a, c, 0), err;
	long rc;

	memset(&ss, 0, sizeof ss);
	rc = c->name[3] == 's' ? getsockname(fd, (struct sockaddr *)&ss,
	    &len) : getpeername(fd, (struct sockaddr *)&ss, &len);
	err = errno;
	if (rc == 0)
		sockaddr_check(a, c, 1, &ss, why, n);
	errno = err;
	return rc;
}

/*
 * The target connects to the prober's held port. Its own port must be
 * the one the scenario's flow talks to (the file's target port), so an
 * unbound socket is bound to it first, with SO_REUSEADDR: packetdrill's
 * kernel picks an ephemeral port instead, which its lines never show.
 * Also before a sendto() or sendmsg() that connects (MSG_FASTOPEN).
 */
static void
prebind(struct agent_ctx *a, int fd)
{
	struct sockaddr_storage me;
	socklen_t len = sizeof me;
	int one = 1;

	if (getsockname(fd, (struct sockaddr *)&me, &len) == 0 &&
	    ((me.ss_family == AF_INET &&
	    ((struct sockaddr_in *)&me)->sin_port == 0) ||
	    (me.ss_family == AF_INET6 &&
	    ((struct sockaddr_in6 *)&me)->sin6_port == 0))) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		flow_kill(a);
		len = lab_sockaddr(a, true, &me);
		(void)bind(fd, (struct sockaddr *)&me, len);
	}
}

static long
call_connect(struct agent_ctx *a, const struct syscall *c, char *why,
    size_t n)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = arg_fd(a, c, 0);

	(void)why;
	(void)n;
	if (arg_sockaddr(a, c, 1, false, &ss, &len) == -1)
		return -1;
	prebind(a, fd);
	return connect(fd, (struct sockaddr *)&ss, len);
}

/* The bytes a write sends: the script's string, NULL for NULL (0; the
 * kernel answers EFAULT), else zeros. */
static const void *
out_bytes(struct agent_ctx *a, const struct sx *x, size_t len)
{
	if (x != NULL && x->kind == SX_STRING && x->slen >= len)
		return x->s;
	if (x != NULL && x->kind == SX_INT && x->v == 0)
		return NULL;
	return a->buf;
}

static long
call_write(struct agent_ctx *a, const struct syscall *c, char *why,
    size_t n)
{
	size_t len = arg_len(a, c, 2);

	(void)why;
	(void)n;
	if (a->bad != NULL)
		return 0;
	if (strcmp(c->name, "write") == 0)
		return write(arg_fd(a, c, 0), out_bytes(a, arg(a, c, 1), len),
		    len);
	if (strcmp(c->name, "send") == 0)
		return send(arg_fd(a, c, 0), out_bytes(a, arg(a, c, 1), len),
		    len, (int)arg_int(a, c, 3));
	/* sendto(fd, buf, len, flags, ..., ...): MSG_FASTOPEN connects. */
	{
		struct sockaddr_storage ss;
		socklen_t sl = lab_sockaddr(a, false, &ss);
		const struct sx *to = c->nargs > 4 ? c->args[4] : NULL;

		if (to != NULL && to->kind == SX_STRUCT && arg_sockaddr(a, c,
		    4, false, &ss, &sl) == -1)
			return -1;
		if (syscall_connects(c))
			prebind(a, arg_fd(a, c, 0));
		/* A family written in place of the address, its length
		 * "..." (AF_UNSPEC): an address of that family alone; a
		 * number with a number (NULL, 0): none. */
		if (to != NULL && to->kind == SX_INT && c->nargs > 5 &&
		    c->args[5]->kind == SX_ELLIPSIS) {
			memset(&ss, 0, sizeof ss);
			ss.ss_family = (sa_family_t)to->v;
			sl = sizeof(struct sockaddr_in6);
		} else if (to != NULL && to->kind != SX_ELLIPSIS &&
		    to->kind != SX_STRUCT)
			to = NULL;
		return sendto(arg_fd(a, c, 0), out_bytes(a, arg(a, c, 1), len),
		    len, (int)arg_int(a, c, 3), to != NULL ?
		    (struct sockaddr *)&ss : NULL, to != NULL ? sl : 0);
	}
}

/* A read's data against the script's string, when it gives one. */
static bool
in_check(const struct sx *x, const char *got, long rc, char *why, size_t n)
{
	if (x == NULL || x->kind != SX_STRING || rc < 0)
		return true;
	if ((size_t)rc >= x->slen && memcmp(got, x->s, x->slen) == 0)
		return true;
	snprintf(why, n, "read other bytes than \"%.*s\"", (int)(x->slen > 40 ?
	    40 : x->slen), x->s);
	return false;
}

static long
call_read(struct agent_ctx *a, const struct syscall *c, char *why, size_t n)
{
	size_t len = arg_len(a, c, 2);
	void *into = out_bytes(a, arg(a, c, 1), 0) == NULL ? NULL : a->buf;
	long rc;

	if (a->bad != NULL)
		return 0;
	if (strcmp(c->name, "read") == 0)
		rc = read(arg_fd(a, c, 0), into, len);
	else
		rc = recv(arg_fd(a, c, 0), into, len, (int)arg_int(a, c, 3));
	if (rc >= 0 && !in_check(arg(a, c, 1), a->buf, rc, why, n))
		agent_bad(a, "%s", why);
	memset(a->buf, 0, rc > 0 ? (size_t)rc : 0);
	return rc;
}

/* [{..., N}, ...] into iovecs over the zero buffer, IOV_GAP bytes
 * apart as packetdrill's buffers of their own are: MSG_ZEROCOPY makes a
 * fragment of each, where adjacent ones would merge into one. *span:
 * the bytes of the buffer they cover. */
#define IOV_GAP	64

static int
iovs(struct agent_ctx *a, const struct sx *x, struct iovec *iov, int max,
    size_t *span)
{
	size_t k, total = 0;
	int n = 0;

	*span = 0;
	if (x == NULL || x->kind != SX_LIST) {
		agent_bad(a, "an iovec list is [{..., LEN}, ...]");
		return 0;
	}
	for (k = 0; k < x->nkids && n < max; k++) {
		const struct sx *e = x->kids[k];
		const struct sx *l = e->nkids == 2 ? e->kids[1] :
		    sx_member(e, "iov_len");

		if (e->kind != SX_STRUCT || l == NULL || l->kind != SX_INT ||
		    l->v < 0 || total + (size_t)l->v > AGENT_MAX_IO) {
			agent_bad(a, "an iovec is {..., LEN}");
			return 0;
		}
		iov[n].iov_base = a->buf + total;
		iov[n++].iov_len = (size_t)l->v;
		total += (size_t)l->v;
		*span = total;
		total = total + IOV_GAP < AGENT_MAX_IO ? total + IOV_GAP :
		    AGENT_MAX_IO;
	}
	return n;
}

static long
call_vec(struct agent_ctx *a, const struct syscall *c, char *why, size_t n)
{
	struct iovec iov[64];
	size_t span;
	int cnt = iovs(a, arg(a, c, 1), iov, 64, &span);
	long rc;

	(void)why;
	(void)n;
	if (a->bad != NULL)
		return 0;
	if (strcmp(c->name, "writev") == 0)
		return writev(arg_fd(a, c, 0), iov, cnt);
	rc = readv(arg_fd(a, c, 0), iov, cnt);
	memset(a->buf, 0, rc > 0 ? span : 0);
	return rc;
}

/* recvmsg's msg_flags and control messages against the line's. */
static void
msg_check(struct agent_ctx *a, const struct sx *m, const struct msghdr *mh,
    char *why, size_t n)
{
	const struct sx *f = sx_member(m, "msg_flags");
	const struct sx *ctl = sx_member(m, "msg_control");
	int64_t want = f != NULL && f->kind == SX_INT ? f->v : 0;

	if (mh->msg_flags != want) {
		snprintf(why, n, "recvmsg read msg_flags 0x%x, the line says "
		    "0x%llx", (unsigned)mh->msg_flags,
		    (unsigned long long)want);
		agent_bad(a, "%s", why);
	} else if (ctl != NULL && !agent_cmsg_check(ctl, mh, a->t0, a->tol,
	    why, n))
		agent_bad(a, "%s", why);
}

/* sendmsg/recvmsg(fd, {msg_name(...)=..., msg_iov(N)=[...],
 * msg_flags=F, msg_control=[...]}, flags). recvmsg is given room for
 * the control messages the line lists, as packetdrill gives it. */
static long
call_msg(struct agent_ctx *a, const struct syscall *c, char *why, size_t n)
{
	const struct sx *m = arg(a, c, 1), *ctl;
	struct sockaddr_storage to;
	struct iovec iov[64];
	struct msghdr mh;
	char cbuf[AGENT_MAX_CMSG] __attribute__((aligned(8)));
	long rc, clen = 0;
	size_t span;
	bool send = strcmp(c->name, "sendmsg") == 0;

	memset(&mh, 0, sizeof mh);
	if (m == NULL || m->kind != SX_STRUCT) {
		agent_bad(a, "%s(): the message is {msg_name(...)=..., "
		    "msg_iov(N)=[...], msg_flags=F}", c->name);
		return 0;
	}
	if ((ctl = sx_member(m, "msg_control")) != NULL &&
	    (clen = agent_cmsg_build(ctl, cbuf, sizeof cbuf, why, n)) < 0) {
		agent_bad(a, "%s(): %s", c->name, why);
		return 0;
	}
	mh.msg_control = ctl != NULL ? cbuf : NULL;
	mh.msg_controllen = (size_t)clen;
	mh.msg_iov = iov;
	mh.msg_iovlen = (size_t)iovs(a, sx_member(m, "msg_iov"), iov, 64, &span);
	if (syscall_connects(c)) {
		mh.msg_namelen = lab_sockaddr(a, false, &to);
		mh.msg_name = &to;
		prebind(a, arg_fd(a, c, 0));
	}
	if (a->bad != NULL)
		return 0;
	if (send)
		return sendmsg(arg_fd(a, c, 0), &mh, (int)arg_int(a, c, 2));
	rc = recvmsg(arg_fd(a, c, 0), &mh, (int)arg_int(a, c, 2));
	if (rc >= 0) {
		int err = errno;

		msg_check(a, m, &mh, why, n);
		errno = err;
	}
	memset(a->buf, 0, rc > 0 ? span : 0);
	return rc;
}

static long
call_shutdown(struct agent_ctx *a, const struct syscall *c, char *why,
    size_t n)
{
	(void)why;
	(void)n;
	return shutdown(arg_fd(a, c, 0), (int)arg_int(a, c, 1));
}

static long
call_close(struct agent_ctx *a, const struct syscall *c, char *why,
    size_t n)
{
	int64_t s = arg_int(a, c, 0);
	long rc = close(arg_fd(a, c, 0));

	(void)why;
	(void)n;
	if (rc == 0 && s >= 0 && s < AGENT_MAX_FD)
		a->fds[s] = -1;
	return rc;
}

static long
call_fcntl(struct agent_ctx *a, const struct syscall *c, char *why,
    size_t n)
{
	(void)why;
	(void)n;
	if (c->nargs < 3)
		return fcntl(arg_fd(a, c, 0), (int)arg_int(a, c, 1));
	return fcntl(arg_fd(a, c, 0), (int)arg_int(a, c, 1),
	    (long)arg_int(a, c, 2));
}

/* ioctl(fd, SIOCINQ|SIOCOUTQ|..., [N]): the count read back against N. */
static long
call_ioctl(struct agent_ctx *a, const struct syscall *c, char *why,
    size_t n)
{
	const struct sx *want = arg(a, c, 2);
	int v = 0;
	long rc = ioctl(arg_fd(a, c, 0), (unsigned long)arg_int(a, c, 1), &v);

	if (rc == 0 && want != NULL && want->kind == SX_LIST &&
	    want->nkids == 1 && want->kids[0]->kind == SX_INT &&
	    want->kids[0]->v != v) {
		snprintf(why, n, "ioctl read %d, the line says %lld", v,
		    (long long)want->kids[0]->v);
		agent_bad(a, "%s", why);
	}
	return rc;
}

static long
call_poll(struct agent_ctx *a, const struct syscall *c, char *why, size_t n)
{
	const struct sx *l = arg(a, c, 0);
	struct pollfd pfd[16];
	size_t k, cnt = 0;
	long rc;

	if (l == NULL || l->kind != SX_LIST) {
		agent_bad(a, "poll(): [{fd=N, events=E, revents=R}, ...]");
		return 0;
	}
	for (k = 0; k < l->nkids && cnt < 16; k++, cnt++) {
		const struct sx *fd = sx_member(l->kids[k], "fd");
		const struct sx *ev = sx_member(l->kids[k], "events");
		int64_t s = fd != NULL ? fd->v : -1;

		pfd[cnt].fd = s >= 0 && s < AGENT_MAX_FD ? a->fds[s] : -1;
		pfd[cnt].events = ev != NULL ? (short)ev->v : 0;
		pfd[cnt].revents = 0;
	}
	rc = poll(pfd, cnt, (int)arg_int(a, c, 2));
	for (k = 0; rc >= 0 && k < cnt; k++) {
		const struct sx *re = sx_member(l->kids[k], "revents");

		if (re != NULL && re->kind == SX_INT && re->v !=
		    pfd[k].revents) {
			snprintf(why, n, "poll: revents 0x%x for entry %zu, "
			    "the line says 0x%llx", (unsigned)pfd[k].revents,
			    k, (unsigned long long)re->v);
			agent_bad(a, "%s", why);
		}
	}
	return rc;
}

/* epoll_create(N); epoll_ctl(EP, OP, FD, {events=E, fd=F}): the event
 * carries the script's fd F; epoll_wait(EP, {events=E, fd=F}, N, T):
 * the first event read back against E and F. */
static long
call_epoll(struct agent_ctx *a, const struct syscall *c, char *why,
    size_t n)
{
	struct epoll_event ev;
	const struct sx *x, *e, *f;
	long rc;

	if (strcmp(c->name, "epoll_create") == 0)
		return epoll_create((int)arg_int(a, c, 0));
	memset(&ev, 0, sizeof ev);
	if (strcmp(c->name, "epoll_ctl") == 0) {
		x = arg(a, c, 3);
		e = sx_member(x, "events");
		f = sx_member(x, "fd");
		ev.events = e != NULL ? (uint32_t)e->v : 0;
		ev.data.u64 = f != NULL ? (uint64_t)f->v : 0;
		return epoll_ctl(arg_fd(a, c, 0), (int)arg_int(a, c, 1),
		    arg_fd(a, c, 2), x != NULL && x->kind == SX_STRUCT ? &ev :
		    NULL);
	}
	x = arg(a, c, 1);
	rc = epoll_wait(arg_fd(a, c, 0), &ev, 1, (int)arg_int(a, c, 3));
	e = sx_member(x, "events");
	f = sx_member(x, "fd");
	if (rc >= 1 && ((e != NULL && e->kind == SX_INT && e->v != ev.events) ||
	    (f != NULL && f->kind == SX_INT && (uint64_t)f->v !=
	    ev.data.u64))) {
		snprintf(why, n, "epoll_wait read events 0x%x for fd %llu, the "
		    "line says 0x%llx for fd %lld", ev.events,
		    (unsigned long long)ev.data.u64, e != NULL ?
		    (unsigned long long)e->v : 0ULL, f != NULL ?
		    (long long)f->v : -1LL);
		agent_bad(a, "%s", why);
	}
	return rc;
}

/* ---------------------------------------------------- socket options */

/* {tcpi_x=N, ...} against what the kernel said. */
static bool
tcpi_check(struct agent_ctx *a, const struct sx *want,
    const struct tcp_info *ti, char *why, size_t n)
{
	uint64_t v;
	size_t k;

	for (k = 0; k < want->nkids; k++) {
		const struct sx *m = want->kids[k];

		if (m->name == NULL || m->kind != SX_INT ||
		    !agent_tcpi_field(ti, m->name, &v)) {
			agent_bad(a, "TCP_INFO has no field '%s' this agent "
			    "reads", m->name != NULL ? m->name : "?");
			return false;
		}
		if (v != (uint64_t)m->v) {
			snprintf(why, n, "%s is %llu, the line says %lld",
			    m->name, (unsigned long long)v, (long long)m->v);
			return false;
		}
	}
	return true;
}

/* The value of setsockopt: [N], {onoff=, linger=}, "string". */
static socklen_t
opt_value(struct agent_ctx *a, const struct sx *x, char *buf, size_t cap)
{
	const struct sx *on, *l;
	struct linger lg;
	int v;

	if (x == NULL)
		return 0;
	if (x->kind == SX_STRING) {
		size_t len = x->slen < cap ? x->slen : cap;

		memcpy(buf, x->s, len);
		return (socklen_t)len;
	}
	if (x->kind == SX_STRUCT && (on = sx_member(x, "onoff")) != NULL &&
	    (l = sx_member(x, "linger")) != NULL) {
		lg.l_onoff = (int)on->v;
		lg.l_linger = (int)l->v;
		memcpy(buf, &lg, sizeof lg);
		return sizeof lg;
	}
	if (x->kind == SX_LIST && x->nkids == 1 && x->kids[0]->kind == SX_INT)
		v = (int)x->kids[0]->v;
	else if (x->kind == SX_INT)
		v = (int)x->v;
	else {
		agent_bad(a, "an option value is [N], {onoff=N, linger=N} or "
		    "\"string\"");
		return 0;
	}
	memcpy(buf, &v, sizeof v);
	return sizeof v;
}

static long
call_setsockopt(struct agent_ctx *a, const struct syscall *c, char *why,
    size_t n)
{
	char buf[256];
	socklen_t len = opt_value(a, arg(a, c, 3), buf, sizeof buf);
	int64_t given = c->nargs > 4 ? arg_int(a, c, 4) : len;

	(void)why;
	(void)n;
	if (a->bad != NULL)
		return 0;
	if (given >= 0 && given < (int64_t)len)
		len = (socklen_t)given;
	return setsockopt(arg_fd(a, c, 0), (int)arg_int(a, c, 1),
	    (int)arg_int(a, c, 2), buf, len);
}

static long
call_getsockopt(struct agent_ctx *a, const struct syscall *c, char *why,
    size_t n)
{
	union {
		struct tcp_info	 ti;
		char		 b[512];
	} got;
	char wantb[256];
	const struct sx *want = arg(a, c, 3);
	socklen_t len = sizeof got, wl;
	int64_t wlen = c->nargs > 4 ? arg_int(a, c, 4) : -1;
	long rc;

	memset(&got, 0, sizeof got);
	if (wlen > 0 && wlen < (int64_t)sizeof got)
		len = (socklen_t)wlen;
	if (arg_int(a, c, 2) == TCP_INFO && arg_int(a, c, 1) == IPPROTO_TCP)
		len = sizeof got.ti;
	rc = getsockopt(arg_fd(a, c, 0), (int)arg_int(a, c, 1),
	    (int)arg_int(a, c, 2), &got, &len);
	if (rc != 0 || want == NULL || want->kind == SX_ELLIPSIS)
		return rc;
	if (want->kind == SX_STRUCT && want->nkids > 0 &&
	    want->kids[0]->name != NULL &&
	    strncmp(want->kids[0]->name, "tcpi_", 5) == 0) {
		if (!tcpi_check(a, want, &got.ti, why, n))
			agent_bad(a, "%s", why);
		return rc;
	}
	wl = opt_value(a, want, wantb, sizeof wantb);
	if (a->bad == NULL && want->kind == SX_STRING ?
	    strncmp(got.b, wantb, wl) != 0 : (wl > len ||
	    memcmp(got.b, wantb, wl) != 0)) {
		if (want->kind == SX_STRING)
			snprintf(why, n, "getsockopt read \"%.*s\", the line "
			    "says \"%.*s\"", (int)len, got.b, (int)wl, wantb);
		else {
			int g = 0, w = 0;

			memcpy(&g, got.b, sizeof g);
			memcpy(&w, wantb, sizeof w);
			snprintf(why, n, "getsockopt read %d, the line says "
			    "%d", g, w);
		}
		agent_bad(a, "%s", why);
	}
	return rc;
}

/* ------------------------------------------------------------ table */

static const struct {
	const char	*name;
	agent_call_fn	 fn;
	bool		 makes_fd;	/* its result is a new script fd */
} calls[] = {
	{ "socket",	call_socket,	true },
	{ "bind",	call_bind,	false },
	{ "listen",	call_listen,	false },
	{ "accept",	call_accept,	true },
	{ "connect",	call_connect,	false },
	{ "getsockname", call_name,	false },
	{ "getpeername", call_name,	false },
	{ "setsockopt",	call_setsockopt, false },
	{ "getsockopt",	call_getsockopt, false },
	{ "fcntl",	call_fcntl,	false },
	{ "read",	call_read,	false },
	{ "recv",	call_read,	false },
	{ "recvfrom",	call_read,	false },
	{ "write",	call_write,	false },
	{ "send",	call_write,	false },
	{ "sendto",	call_write,	false },
	{ "readv",	call_vec,	false },
	{ "writev",	call_vec,	false },
	{ "sendmsg",	call_msg,	false },
	{ "recvmsg",	call_msg,	false },
	{ "shutdown",	call_shutdown,	false },
	{ "close",	call_close,	false },
	{ "poll",	call_poll,	false },
	{ "ioctl",	call_ioctl,	false },
	{ "epoll_create", call_epoll,	true },
	{ "epoll_ctl",	call_epoll,	false },
	{ "epoll_wait",	call_epoll,	false },
	{ "open",	agent_call_open, true },
	{ "sendfile",	agent_call_sendfile, false },
	{ "pipe",	agent_call_pipe, false },
	{ "splice",	agent_call_splice, false },
};

/* "= 4" or "= -1 EAGAIN (Resource temporarily unavailable)". */
static void
result_text(char *buf, size_t n, long rc, int err)
{
	if (rc == -1)
		snprintf(buf, n, "= -1 %s (%s)", syscall_errno_name(err),
		    strerror(err));
	else
		snprintf(buf, n, "= %ld", rc);
}

static void
judge(struct agent_ctx *a, const struct syscall *c, bool makes_fd, long rc,
    int err, struct agent_rep *rep)
{
	char want[160];

	if (c->err != 0)
		snprintf(want, sizeof want, "= -1 %s",
		    syscall_errno_name(c->err));
	else
		snprintf(want, sizeof want, "= %lld", (long long)c->ret);
	if (makes_fd && c->ret >= 0 && rc >= 0) {
		if (c->ret < AGENT_MAX_FD)
			a->fds[c->ret] = (int)rc;
		rc = (long)c->ret;	/* the script's number */
	}
	result_text(rep->got, sizeof rep->got, rc, err);
	if ((strcmp(c->name, "accept") == 0 && rc >= 0) ||
	    ((strcmp(c->name, "connect") == 0 || strcmp(c->name, "sendto") ==
	    0 || strcmp(c->name, "sendmsg") == 0) && c->nargs > 0 &&
	    c->args[0]->kind == SX_INT))
		a->sut = strcmp(c->name, "accept") == 0 ? (int)rc :
		    (int)c->args[0]->v;
	if (a->bad != NULL) {
		snprintf(rep->why, sizeof rep->why, "%s", a->bad);
		return;
	}
	if (rc != c->ret || (rc == -1 && c->err != 0 && err != c->err)) {
		snprintf(rep->why, sizeof rep->why, "%s returned %s, the line "
		    "says %s", c->name, rep->got, want);
		return;
	}
	rep->ok = 1;
}

/* For %{ }% (agent-python.c). */
const struct script *
agent_ctx_script(const struct agent_ctx *a)
{
	return a->sc;
}

int
agent_ctx_sut(const struct agent_ctx *a)
{
	return a->sut >= 0 && a->sut < AGENT_MAX_FD ? a->fds[a->sut] : -1;
}

char **
agent_ctx_snap(struct agent_ctx *a, size_t idx)
{
	return &a->snaps[idx];
}

void
agent_call(struct agent_ctx *a, const struct step *st,
    const struct agent_req *req, struct agent_rep *rep)
{
	const struct syscall *c = st->call;
	char why[300] = "";
	size_t k;
	long rc;
	int err;

	free(a->bad);
	a->bad = NULL;
	a->t0 = req->t0;
	a->tol = req->tol_ns;
	for (k = 0; k < sizeof calls / sizeof calls[0]; k++)
		if (strcmp(calls[k].name, c->name) == 0)
			break;
	if (k == sizeof calls / sizeof calls[0]) {
		snprintf(rep->why, sizeof rep->why, "%s: not a call the agent "
		    "makes", c->name);
		return;
	}
	rep->t_start = mono_ns();
	errno = 0;
	rc = calls[k].fn(a, c, why, sizeof why);
	err = errno;
	rep->t_end = mono_ns();
	judge(a, c, calls[k].makes_fd, rc, err, rep);
}
