/* SPDX-License-Identifier: GPL-2.0-or-later */
/* agent.c: the system-call agent's process: forked into the target's
 * network namespace, a request and a reply at a time (agent.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "clock.h"
#include "xmalloc.h"

struct agent {
	pid_t	 pid;		/* the watcher */
	int	 fd;
	int	 life;		/* closed: the watcher ends the maker */
};

/* A command of the script, in the target's namespace; its output on
 * stderr so that reports on stdout stay clean. */
static void
agent_shell(const struct step *st, struct agent_rep *rep)
{
	int status;
	pid_t pid;

	rep->t_start = mono_ns();
	if ((pid = fork()) == 0) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execl("/bin/sh", "sh", "-c", st->command, (char *)NULL);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	rep->t_end = mono_ns();
	if (pid == -1)
		snprintf(rep->why, sizeof rep->why, "command: fork: %s",
		    strerror(errno));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		rep->ok = 1;
	else if (WIFEXITED(status))
		snprintf(rep->why, sizeof rep->why, "command: exit status %d "
		    "(in the target's namespace)", WEXITSTATUS(status));
	else
		snprintf(rep->why, sizeof rep->why, "command: killed by "
		    "signal %d", WTERMSIG(status));
}

static void __attribute__((noreturn))
agent_main(const struct script *sc, int fd)
{
	struct agent_ctx *ctx = agent_ctx_new(sc);
	struct agent_req req;
	struct agent_rep rep;
	ssize_t n;

	for (;;) {
		n = recv(fd, &req, sizeof req, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof req)
			_exit(0);
		memset(&rep, 0, sizeof rep);
		rep.step = req.step;
		if (req.kind == AGENT_ADDRS) {
			agent_ctx_addrs(ctx, &req);
			rep.ok = 1;
		} else if (req.step >= sc->nsteps)
			snprintf(rep.why, sizeof rep.why, "no step %u",
			    req.step);
		else if (req.kind == AGENT_SHELL)
			agent_shell(&sc->steps[req.step], &rep);
		else if (req.kind == AGENT_PY_SNAP)
			agent_python_snap(ctx, req.step, &rep);
		else if (req.kind == AGENT_PY_RUN)
			agent_python_run(ctx, &sc->steps[req.step], req.step,
			    &rep);
		else
			agent_call(ctx, &sc->steps[req.step], &req, &rep);
		if (send(fd, &rep, sizeof rep, MSG_NOSIGNAL) == -1)
			_exit(0);
	}
}

/*
 * packetdrill writes its segments into a tun device, which takes them
 * whole whatever their size (a '<' line of 2000 bytes); a veth drops what
 * exceeds its MTU. So the target's interfaces take 65535 bytes, and its
 * routes keep the path's MTU: 1500, or the file's --mtu (the MTU
 * packetdrill gives its tun device): the MSS the target announces and the
 * segments it sends are those of that path. Not locked: a locked MTU
 * turns path MTU discovery off (no DF, an ICMP "fragmentation needed"
 * ignored), and a file's "< icmp" lines need it on. Best effort: where it
 * fails, the engine cuts such lines at the MTU (coalesce.h). The target's lab
 * interface also answers to packetdrill's device name, tun0 (an altname),
 * so a file's `tc qdisc ... dev tun0` acts there. What it was before is
 * put back when the run ends (agent_restore()): a lab may outlive the run.
 */
static const char agent_setup_sh[] =
    "mtu=$1; devs=$(ip -o link show | sed 's/^[0-9]*: \\([^:@]*\\).*/\\1/' | "
    "grep -vx lo); "
    "for d in $devs; do m=$(ip -o link show dev \"$d\" | "
    "sed -n 's/.* mtu \\([0-9]*\\) .*/\\1/p'); "
    "[ -n \"$m\" ] && echo \"ip link set dev $d mtu $m\"; done; "
    "ip -4 route show | while read -r r; do echo \"ip -4 route replace $r\"; "
    "done; "
    "ip -6 route show | grep -v '^fe80\\|^multicast\\|^local' | "
    "while read -r r; do echo \"ip -6 route replace $r\"; done; "
    "t=$(echo \"$devs\" | head -n 1); "
    "if [ -n \"$t\" ] && ! ip link show dev tun0 >/dev/null 2>&1 && "
    "ip link property add dev \"$t\" altname tun0 2>/dev/null; then "
    "echo \"ip link property del dev $t altname tun0\"; fi; "
    "for d in $devs; do ip link set dev \"$d\" mtu 65535; done; "
    "ip -4 route show | while read -r r; do "
    "ip -4 route change $r mtu \"$mtu\"; done; "
    "ip -6 route show | grep -v '^fe80\\|^multicast\\|^local' | "
    "while read -r r; do ip -6 route change $r mtu \"$mtu\"; done";

/* sh -c script [arg], its errors dropped; its output into *out (a
 * string to free, NULL when it could not be read) or dropped when out is
 * NULL. */
static void
agent_sh(const char *script, const char *arg, char **out)
{
	FILE *f;
	size_t len = 0;
	int fds[2] = { -1, -1 }, status, null;
	pid_t pid;

	if (out != NULL) {
		*out = NULL;
		if (pipe(fds) == -1)
			return;
	}
	if ((pid = fork()) == 0) {
		if ((null = open("/dev/null", O_WRONLY)) != -1) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		if (out != NULL) {
			close(fds[0]);
			dup2(fds[1], STDOUT_FILENO);
		}
		execl("/bin/sh", "sh", "-c", script, "sh", arg, (char *)NULL);
		_exit(127);
	}
	if (out != NULL) {
		close(fds[1]);
		if (pid > 0 && (f = fdopen(fds[0], "r")) != NULL) {
			if (getdelim(out, &len, '\0', f) == -1) {
				free(*out);
				*out = NULL;
			}
			fclose(f);
		} else
			close(fds[0]);
	}
	while (pid > 0 && waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
}

/* Run the setup for a path MTU of mtu; the commands that undo it (a
 * string to free), or NULL. */
static char *
agent_setup(const char *mtu)
{
	char *undo;

	agent_sh(agent_setup_sh, mtu, &undo);
	return undo;
}

/* The interfaces, routes and altname as they were before agent_setup(). */
static void
agent_restore(char *undo)
{
	if (undo == NULL)
		return;
	agent_sh(undo, NULL, NULL);
	free(undo);
}

/*
 * The child: the target's namespace, its directory, then requests. The
 * run drops root after the fork and then may not signal the agent, and a
 * call may block for good; so the agent is two processes: a watcher that
 * kills the maker of the calls when the run closes its end of `life`,
 * and the maker.
 */
static void __attribute__((noreturn))
agent_child(const struct script *sc, const char *netns, const char *dir,
    int fd, int life)
{
	const char *mtu = script_option(sc, "mtu");
	char path[512], c, *undo;
	int ns, status;
	pid_t maker;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	/* A write on a reset connection is '= -1 EPIPE', as packetdrill
	 * sees it. */
	signal(SIGPIPE, SIG_IGN);
	snprintf(path, sizeof path, "/run/netns/%s", netns);
	if ((ns = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    setns(ns, CLONE_NEWNET) == -1) {
		fprintf(stderr, "tcpshake: system-call agent: cannot enter "
		    "%s: %s\n", path, strerror(errno));
		_exit(2);
	}
	close(ns);
	if (dir != NULL && chdir(dir) == -1) {
		fprintf(stderr, "tcpshake: system-call agent: cd %s: %s\n",
		    dir, strerror(errno));
		_exit(2);
	}
	undo = agent_setup(mtu != NULL ? mtu : "1500");
	if ((maker = fork()) == 0) {
		close(life);
		free(undo);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* packetdrill's scripts find their helpers' files by it
		 * (its set_sysctls.py), and "$PPID" of a command is the
		 * maker. */
		snprintf(path, sizeof path, "%ld", (long)getpid());
		setenv("PACKETDRILL_PID", path, 1);
		agent_main(sc, fd);
	}
	close(fd);
	while (maker > 0 && read(life, &c, 1) == -1 && errno == EINTR)
		;
	if (maker > 0) {
		kill(maker, SIGKILL);
		while (waitpid(maker, &status, 0) == -1 && errno == EINTR)
			;
	}
	agent_restore(undo);
	_exit(0);
}

struct agent *
agent_start(const struct script *sc, const char *netns, const char *dir,
    char *err, size_t errlen)
{
	struct agent *a;
	int sv[2], life[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1 ||
	    pipe2(life, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "system-call agent: socketpair: %s",
		    strerror(errno));
		return NULL;
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "system-call agent: fork: %s",
		    strerror(errno));
		close(sv[0]);
		close(sv[1]);
		close(life[0]);
		close(life[1]);
		return NULL;
	}
	if (pid == 0) {
		close(sv[0]);
		close(life[1]);
		agent_child(sc, netns, dir, sv[1], life[0]);
	}
	close(sv[1]);
	close(life[0]);
	a = xcalloc(1, sizeof *a);
	a->pid = pid;
	a->fd = sv[0];
	a->life = life[1];
	return a;
}

int
agent_send(struct agent *a, const struct agent_req *req, char *err,
    size_t errlen)
{
	if (send(a->fd, req, sizeof *req, MSG_NOSIGNAL) == (ssize_t)sizeof
	    *req)
		return 0;
	snprintf(err, errlen, "system-call agent: gone (%s)",
	    strerror(errno));
	return -1;
}

int
agent_poll(struct agent *a, struct agent_rep *rep, char *err, size_t errlen)
{
	ssize_t n = recv(a->fd, rep, sizeof *rep, MSG_DONTWAIT);

	if (n == (ssize_t)sizeof *rep)
		return 1;
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	snprintf(err, errlen, "system-call agent: gone (it could not enter "
	    "the target's namespace, or died)");
	return -1;
}

void
agent_stop(struct agent *a)
{
	int status;

	if (a == NULL)
		return;
	close(a->fd);
	close(a->life);
	while (waitpid(a->pid, &status, 0) == -1 && errno == EINTR)
		;
	free(a);
}
