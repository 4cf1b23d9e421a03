/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmdrun.c: scenario commands, here or through the helper that kept root
 * (a socketpair: a command out, its wait status back). */
#include "config.h"

#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdrun.h"
#include "script.h"
#include "xmalloc.h"

/*
 * The protocol, one command at a time: the run writes 'R', the command's
 * length (uint32) and its bytes; the helper answers with two int32, ran
 * (1, or 0 when it does not hold the command) and the wait status. While
 * the command runs the run may write 'K': the helper kills it and answers
 * as usual. End of file on the socket ends the helper and its command.
 */
struct cmdrun {
	pid_t	 pid;		/* a command run here, or -1 */
	bool	 helper;	/* through the helper */
};

static int helper_fd = -1;
static char **helper_cmds;
static size_t helper_ncmds;

bool
cmdrun_as_root(const char *cmd)
{
	size_t k;

	for (k = 0; k < helper_ncmds; k++)
		if (strcmp(helper_cmds[k], cmd) == 0)
			return helper_fd != -1;
	return false;
}

/* What TCPSHAKE names to the commands (cmdrun_tcpshake), once known. */
static char *tcpshake_path;

const char *
cmdrun_tcpshake(const char *given)
{
	char self[4096];
	ssize_t n;

	if (given != NULL) {
		free(tcpshake_path);
		tcpshake_path = xstrdup(given);
	} else if (tcpshake_path == NULL &&
	    (n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
		self[n] = '\0';
		tcpshake_path = xstrdup(self);
	}
	return tcpshake_path;
}

void
cmdrun_define_tcpshake(struct script_def **v, size_t *n)
{
	struct script_def *d;
	const char *path;
	size_t k;

	/* The first definition is the one the file sees (script.h). */
	for (k = 0; k < *n; k++)
		if (strcmp((*v)[k].name, "TCPSHAKE") == 0) {
			cmdrun_tcpshake((*v)[k].value);
			return;
		}
	if ((path = cmdrun_tcpshake(NULL)) == NULL)
		return;
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	d = &(*v)[(*n)++];
	d->name = xstrdup("TCPSHAKE");
	d->value = path;
}

/* The command's process: stdout to stderr, the signals as a shell
 * expects them, TCPSHAKE set (cmdrun_tcpshake). */
static pid_t
spawn(const char *cmd)
{
	const char *self;
	pid_t pid;

	/* Known before the fork: the child does not look it up again. */
	self = cmdrun_tcpshake(NULL);
	fflush(NULL);
	if ((pid = fork()) != 0)
		return pid;
	if (self != NULL)
		setenv("TCPSHAKE", self, 1);
	else
		unsetenv("TCPSHAKE");
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	dup2(STDERR_FILENO, STDOUT_FILENO);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* All n bytes through fd, read or written; false on an error or the end. */
static bool
io_full(int fd, void *buf, size_t n, bool out)
{
	char *p = buf;
	ssize_t r;

	while (n > 0) {
		r = out ? write(fd, p, n) : read(fd, p, n);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return false;
		}
		p += r;
		n -= (size_t)r;
	}
	return true;
}

static bool
read_full(int fd, void *buf, size_t n)
{
	return io_full(fd, buf, n, false);
}

static bool
write_full(int fd, const void *buf, size_t n)
{
	return io_full(fd, (void *)buf, n, true);
}

/* ---------------------------------------------------------- the helper */

/* Run one command, killed on 'K' or end of file; its wait status. The
 * command's end wakes the helper at once through a pidfd (Linux 5.3);
 * without one it looks every millisecond. */
static int
helper_run(int fd, const char *cmd, bool *eof)
{
	struct pollfd pfd[2] = { { fd, POLLIN, 0 }, { -1, POLLIN, 0 } };
	pid_t pid = spawn(cmd), r;
	int status = 0;
	char c;

	if (pid < 0)
		return 127 << 8;
#ifdef SYS_pidfd_open
	pfd[1].fd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
	while ((r = waitpid(pid, &status, WNOHANG)) == 0) {
		if (poll(pfd, pfd[1].fd >= 0 ? 2 : 1, pfd[1].fd >= 0 ? -1 : 1)
		    > 0 && (pfd[0].revents & (POLLIN | POLLHUP))) {
			*eof = read(fd, &c, 1) != 1;
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
	}
	if (pfd[1].fd >= 0)
		close(pfd[1].fd);
	return r < 0 && errno != EINTR ? 127 << 8 : status;
}

static void __attribute__((noreturn))
helper_main(int fd)
{
	int32_t reply[2];
	uint32_t len;
	bool eof = false;
	char op, *cmd;

	/* The run's signals are the run's: it ends us by closing the socket. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	while (!eof && read_full(fd, &op, 1) && op == 'R' &&
	    read_full(fd, &len, sizeof len) && len <= 1 << 20) {
		cmd = xmalloc((size_t)len + 1);
		if (!read_full(fd, cmd, len))
			break;
		cmd[len] = '\0';
		reply[0] = 0;
		reply[1] = 0;
		for (size_t k = 0; k < helper_ncmds; k++)
			if (strcmp(helper_cmds[k], cmd) == 0) {
				reply[0] = 1;
				reply[1] = helper_run(fd, cmd, &eof);
				break;
			}
		free(cmd);
		if (!write_full(fd, reply, sizeof reply))
			break;
	}
	_exit(0);
}

int
cmdrun_helper_start(char *const *cmds, size_t n, char *err, size_t errlen)
{
	int sv[2];
	pid_t pid;
	size_t k;

	if (helper_fd != -1) {
		snprintf(err, errlen, "the command helper runs already");
		return -1;
	}
	helper_cmds = xcalloc(n > 0 ? n : 1, sizeof *helper_cmds);
	for (k = 0; k < n; k++)
		helper_cmds[k] = xstrdup(cmds[k]);
	helper_ncmds = n;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		snprintf(err, errlen, "cannot start the command helper: %s",
		    strerror(errno));
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "cannot start the command helper: %s",
		    strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		helper_main(sv[1]);
	}
	close(sv[1]);
	helper_fd = sv[0];
	/* A helper gone makes a write fail, not the run die. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* ------------------------------------------------------------- the run */

struct cmdrun *
cmdrun_start(const char *cmd, char *err, size_t errlen)
{
	struct cmdrun *c = xcalloc(1, sizeof *c);
	uint32_t len = (uint32_t)strlen(cmd);

	c->pid = -1;
	if (cmdrun_as_root(cmd)) {
		c->helper = true;
		if (write_full(helper_fd, "R", 1) &&
		    write_full(helper_fd, &len, sizeof len) &&
		    write_full(helper_fd, cmd, len))
			return c;
		snprintf(err, errlen, "the command helper is gone");
	} else if ((c->pid = spawn(cmd)) != -1)
		return c;
	else
		snprintf(err, errlen, "fork: %s", strerror(errno));
	free(c);
	return NULL;
}

/* The helper's answer: 1 with *status, or -1 with err. */
static int
helper_reply(int *status, char *err, size_t errlen)
{
	int32_t reply[2];

	if (!read_full(helper_fd, reply, sizeof reply)) {
		snprintf(err, errlen, "the command helper is gone");
		return -1;
	}
	if (reply[0] != 1) {
		snprintf(err, errlen, "the command helper refused a command "
		    "it was not given");
		return -1;
	}
	*status = reply[1];
	return 1;
}

int
cmdrun_poll(struct cmdrun *c, int *status, char *err, size_t errlen)
{
	struct pollfd pfd;
	pid_t r;

	if (c->helper) {
		pfd.fd = helper_fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 0) <= 0)
			return 0;
		return helper_reply(status, err, errlen);
	}
	if ((r = waitpid(c->pid, status, WNOHANG)) == 0)
		return 0;
	if (r > 0)
		return 1;
	snprintf(err, errlen, "waitpid: %s", strerror(errno));
	return -1;
}

void
cmdrun_kill(struct cmdrun *c)
{
	char err[64];
	int status;

	if (c->helper) {
		if (write_full(helper_fd, "K", 1))
			helper_reply(&status, err, sizeof err);
		return;
	}
	kill(c->pid, SIGKILL);
	waitpid(c->pid, &status, 0);
}

void
cmdrun_free(struct cmdrun *c)
{
	free(c);
}
