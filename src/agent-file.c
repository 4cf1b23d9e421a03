/* SPDX-License-Identifier: GPL-2.0-or-later */
/* agent-file.c: inside the agent, the calls on files and pipes that
 * packetdrill's scripts make around a socket: open, sendfile, pipe and
 * splice, in packetdrill's argument forms. */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/sendfile.h>
#include <sys/types.h>
#include <unistd.h>

#include "agent.h"
#include "syscall.h"

/* Between lo and hi arguments, else the line is bad. */
static bool
nargs(struct agent_ctx *a, const struct syscall *c, size_t lo, size_t hi)
{
	if (c->nargs >= lo && c->nargs <= hi)
		return true;
	if (lo == hi)
		agent_bad(a, "%s() takes %zu arguments, the line gives %zu",
		    c->name, lo, c->nargs);
	else
		agent_bad(a, "%s() takes %zu to %zu arguments, the line gives "
		    "%zu", c->name, lo, hi, c->nargs);
	return false;
}

/* A count in an int, as packetdrill reads it; -1 when out of range. */
static long long
count_arg(struct agent_ctx *a, const struct syscall *c, size_t i)
{
	int64_t v = agent_arg_int(a, c, i);

	if (v >= 0 && v <= INT_MAX)
		return v;
	agent_bad(a, "%s(): a count of %lld (0 to %d)", c->name, (long long)v,
	    INT_MAX);
	return -1;
}

/* An offset: [N] gives N (*given true), NULL none. false when
 * neither. */
static bool
off_arg(struct agent_ctx *a, const struct syscall *c, size_t i, int64_t *v,
    bool *given)
{
	const struct sx *x = agent_arg(a, c, i);

	*given = false;
	if (x != NULL && x->kind == SX_INT && x->v == 0)
		return true;
	if (x != NULL && x->kind == SX_LIST && x->nkids == 1 &&
	    x->kids[0]->kind == SX_INT && x->kids[0]->v >= 0) {
		*v = x->kids[0]->v;
		*given = true;
		return true;
	}
	agent_bad(a, "%s(): argument %zu is an offset, [N] or NULL", c->name,
	    i + 1);
	return false;
}

/*
 * open("PATH", FLAGS[, MODE]): the host's file system (the agent left
 * only the network namespace), relative paths from the file's directory,
 * as root; MODE 0666 (less the umask) when O_CREAT comes without one.
 * Its fd is the script's number, as socket()'s (agent-call.c's table).
 */
long
agent_call_open(struct agent_ctx *a, const struct syscall *c, char *why,
    size_t n)
{
	const struct sx *path = agent_arg(a, c, 0);
	int flags = (int)agent_arg_int(a, c, 1);
	mode_t mode = c->nargs > 2 ? (mode_t)agent_arg_int(a, c, 2) : 0666;

	(void)why;
	(void)n;
	if (!nargs(a, c, 2, 3))
		return 0;
	if (path == NULL || path->kind != SX_STRING) {
		agent_bad(a, "open(): the path is a string, \"/tmp/file\"");
		return 0;
	}
	if (agent_is_bad(a))
		return 0;
	return open(path->s, flags, mode);
}

/* sendfile(OUT, IN, [OFFSET] or NULL, COUNT). The offset the kernel
 * writes back is not compared: packetdrill does not either. */
long
agent_call_sendfile(struct agent_ctx *a, const struct syscall *c,
    char *why, size_t n)
{
	int64_t v = 0;
	off_t off;
	long long count;
	bool given;

	(void)why;
	(void)n;
	if (!nargs(a, c, 4, 4) || !off_arg(a, c, 2, &v, &given) ||
	    (count = count_arg(a, c, 3)) < 0 || agent_is_bad(a))
		return 0;
	off = (off_t)v;
	return sendfile(agent_arg_fd(a, c, 0), agent_arg_fd(a, c, 1),
	    given ? &off : NULL, (size_t)count);
}

/* pipe([R, W]): the kernel's two fds mapped to the script's R and W,
 * which must be free in the script, as packetdrill wants them. */
long
agent_call_pipe(struct agent_ctx *a, const struct syscall *c, char *why,
    size_t n)
{
	const struct sx *l = agent_arg(a, c, 0);
	int fds[2];
	size_t k;

	(void)why;
	(void)n;
	if (!nargs(a, c, 1, 1))
		return 0;
	if (l == NULL || l->kind != SX_LIST || l->nkids != 2 ||
	    l->kids[0]->kind != SX_INT || l->kids[1]->kind != SX_INT) {
		agent_bad(a, "pipe(): its fds are a list of two, [R, W]");
		return 0;
	}
	for (k = 0; k < 2; k++) {
		int64_t s = l->kids[k]->v;

		if (s < 0 || s >= AGENT_MAX_FD) {
			agent_bad(a, "pipe(): fd %lld: a script's fd is 0 to "
			    "%d", (long long)s, AGENT_MAX_FD - 1);
			return 0;
		}
		if (agent_fd_taken(a, s) || (k == 1 && s == l->kids[0]->v)) {
			agent_bad(a, "pipe(): fd %lld is open already",
			    (long long)s);
			return 0;
		}
	}
	if (pipe(fds) == -1)
		return -1;
	agent_fd_map(a, l->kids[0]->v, fds[0]);
	agent_fd_map(a, l->kids[1]->v, fds[1]);
	return 0;
}

/* splice(IN, OFF_IN, OUT, OFF_OUT, LEN, FLAGS), the offsets NULL or
 * [N] (packetdrill takes NULL only; it passes a number as the pointer). */
long
agent_call_splice(struct agent_ctx *a, const struct syscall *c, char *why,
    size_t n)
{
	int64_t vin = 0, vout = 0;
	loff_t in, out;
	long long len;
	bool gin, gout;

	(void)why;
	(void)n;
	if (!nargs(a, c, 6, 6) || !off_arg(a, c, 1, &vin, &gin) ||
	    !off_arg(a, c, 3, &vout, &gout) ||
	    (len = count_arg(a, c, 4)) < 0 || agent_is_bad(a))
		return 0;
	in = (loff_t)vin;
	out = (loff_t)vout;
	return splice(agent_arg_fd(a, c, 0), gin ? &in : NULL,
	    agent_arg_fd(a, c, 2), gout ? &out : NULL, (size_t)len,
	    (unsigned)agent_arg_int(a, c, 5));
}
