/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab-sys.c: the lab's system helpers: run dir paths, child processes,
 * entering namespaces, sysctls and nftables inside a namespace. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "lab-sys.h"
#include "stops.h"
#include "xmalloc.h"

volatile int lab_interrupted;

void
lab_ns_name(const char *name, enum lab_side side, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%c", name, side == LAB_CLIENT ? 'c' :
	    side == LAB_ROUTER ? 'r' : 's');
}

void
lab_path(char *buf, size_t len, const char *name, const char *file)
{
	snprintf(buf, len, "%s/%s%s%s", LAB_RUN_DIR, name, file ? "/" : "",
	    file ? file : "");
}

void
lab_ns_path(char *buf, size_t len, const char *name, enum lab_side side)
{
	char ns[32];

	lab_ns_name(name, side, ns, sizeof ns);
	snprintf(buf, len, "%s/%s", LAB_NETNS_DIR, ns);
}

void
lab_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

void
lab_child_signals(void)
{
	sigset_t none;

	/* Dispositions first: a signal held back across lab_daemon_fork()
	 * then acts as its default once unblocked. */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * The daemons this process forked. An interrupted `lab up` stops them
 * itself: one that has not yet entered its namespace (or entered it after
 * lab_down() looked there, just before the namespace went) is not found
 * by looking into the namespaces, and would live on in an orphaned one.
 */
#define LAB_DAEMONS_MAX	32
static pid_t lab_daemons[LAB_DAEMONS_MAX];
static size_t lab_ndaemons;

pid_t
lab_daemon_fork(void)
{
	sigset_t old;
	pid_t pid;

	/* Until the child has default dispositions, the parent's handlers
	 * (which only set a flag) would swallow a SIGTERM meant for it. */
	stops_block(&old);
	if ((pid = fork()) == 0)
		return 0;
	if (pid > 0 && lab_ndaemons < LAB_DAEMONS_MAX)
		lab_daemons[lab_ndaemons++] = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

/* Whether our child pid is still to be reaped (else it is gone, and its
 * number may be another process's now). */
static bool
lab_daemon_unreaped(pid_t pid)
{
	int status;

	return waitpid(pid, &status, WNOHANG) == 0;
}

void
lab_daemons_stop(void)
{
	size_t i, live;
	int waited;

	for (i = 0; i < lab_ndaemons; i++)
		if (lab_daemon_unreaped(lab_daemons[i]))
			kill(lab_daemons[i], SIGTERM);
	for (waited = 0; waited < LAB_WAIT_MS; waited += LAB_POLL_MS) {
		for (i = live = 0; i < lab_ndaemons; i++)
			if (lab_daemons[i] != 0 &&
			    lab_daemon_unreaped(lab_daemons[i]))
				live++;
			else
				lab_daemons[i] = 0;
		if (live == 0)
			break;
		lab_sleep_ms(LAB_POLL_MS);
	}
	for (i = 0; i < lab_ndaemons; i++)
		if (lab_daemons[i] != 0) {
			kill(lab_daemons[i], SIGKILL);
			waitpid(lab_daemons[i], NULL, 0);
		}
	lab_ndaemons = 0;
}

int
lab_run(char *const argv[], char **output)
{
	size_t len = 0, cap = 256;
	char *buf = xmalloc(cap);
	int p[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		free(buf);
		*output = xstrdup(strerror(errno));
		return -1;
	}
	if (pid == 0) {
		lab_child_signals();
		/* A ^C at the terminal is for `lab up`, which then undoes
		 * its work; it must not fail the step half-way. */
		setpgid(0, 0);
		dup2(p[1], STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "cannot run %s: %s%s\n", argv[0],
		    strerror(errno), errno != ENOENT ? "" :
		    strcmp(argv[0], "iptables") == 0 ||
		    strcmp(argv[0], "ip6tables") == 0 ?
		    " (install iptables)" : " (install iproute2)");
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		if (len + 1 == cap)
			buf = xrealloc(buf, cap *= 2);
		n = read(p[0], buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(p[0]);
	*output = buf;
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool
lab_cmd(char **error, char *const argv[])
{
	char *out, *nl, cmd[256] = "";
	size_t i;

	if (lab_run(argv, &out) == 0) {
		free(out);
		return true;
	}
	for (i = 0; argv[i] != NULL; i++) {
		strncat(cmd, i ? " " : "", sizeof cmd - strlen(cmd) - 1);
		strncat(cmd, argv[i], sizeof cmd - strlen(cmd) - 1);
	}
	if ((nl = strchr(out, '\n')) != NULL)
		*nl = '\0';
	xasprintf(error, "'%s' failed: %s", cmd, *out ? out : "no reason "
	    "given");
	free(out);
	return false;
}

bool
lab_enter(const char *name, enum lab_side side, int *saved, char **error)
{
	char path[256];
	int fd;

	lab_ns_path(path, sizeof path, name, side);
	if (saved != NULL &&
	    (*saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(error, "/proc/self/ns/net: %s", strerror(errno));
		return false;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    setns(fd, CLONE_NEWNET) == -1) {
		xasprintf(error, "cannot enter namespace %s: %s", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		if (saved != NULL)
			close(*saved);
		return false;
	}
	close(fd);
	return true;
}

void
lab_leave(int saved)
{
	/* Going back to where we were cannot fail for root; if it did, the
	 * next step would act in the wrong namespace, so stop here. */
	if (setns(saved, CLONE_NEWNET) == -1)
		abort();
	close(saved);
}

static void
lab_sysctl_path(const char *key, char *buf, size_t len)
{
	char *p;

	snprintf(buf, len, "/proc/sys/%s", key);
	for (p = buf + 10; *p != '\0'; p++)
		if (*p == '.')
			*p = '/';
}

/* /proc/sys/net resolves against the namespace of the opener. */
bool
lab_sysctl_write(const char *name, enum lab_side side, const char *key,
    const char *value, char **error)
{
	char path[512];
	int saved, fd, err = 0;
	size_t len = strlen(value);

	if (!lab_enter(name, side, &saved, error))
		return false;
	lab_sysctl_path(key, path, sizeof path);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		err = errno;
	else {
		if (write(fd, value, len) != (ssize_t)len)
			err = errno;
		close(fd);
	}
	lab_leave(saved);
	if (err == ENOENT)
		xasprintf(error, "sysctl %s: no such setting in a network "
		    "namespace", key);
	else if (err != 0)
		xasprintf(error, "sysctl %s=%s: %s", key, value,
		    strerror(err));
	return err == 0;
}

char *
lab_sysctl_read(const char *name, enum lab_side side, const char *key)
{
	char path[512], buf[256], *error = NULL, *nl;
	ssize_t n = -1;
	int saved, fd;

	if (!lab_enter(name, side, &saved, &error)) {
		free(error);
		return NULL;
	}
	lab_sysctl_path(key, path, sizeof path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
	}
	lab_leave(saved);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	return xstrdup(buf);
}

bool
lab_nft(const char *name, enum lab_side side, const char *cmds, char **out,
    char **error)
{
	struct nft_ctx *nft;
	const char *msg;
	int saved, rc;
	char *nl;

	if (!lab_enter(name, side, &saved, error))
		return false;
	/* The context's netlink socket opens in the namespace we are in. */
	if ((nft = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL) {
		lab_leave(saved);
		xasprintf(error, "nftables: cannot make a context");
		return false;
	}
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	rc = nft_run_cmd_from_buffer(nft, cmds);
	lab_leave(saved);
	if (rc != 0) {
		msg = nft_ctx_get_error_buffer(nft);
		*error = xstrdup(msg && *msg ? msg : "nftables refused the "
		    "ruleset");
		if ((nl = strchr(*error, '\n')) != NULL)
			*nl = '\0';
	} else if (out != NULL)
		*out = xstrdup(nft_ctx_get_output_buffer(nft));
	nft_ctx_free(nft);
	return rc == 0;
}

bool
lab_pid_alive(long pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	if (pid <= 0)
		return false;
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* "pid (comm) S ...": the state follows the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL || p[1] == '\0')
		return false;
	return p[2] != 'Z' && p[2] != 'X';
}

long
lab_pid_read(const char *name, const char *file)
{
	char path[256];
	long pid = 0;
	FILE *f;

	lab_path(path, sizeof path, name, file);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid;
}

void
lab_pid_write(const char *name, const char *file, long pid)
{
	char path[256];
	FILE *f;

	lab_path(path, sizeof path, name, file);
	if ((f = fopen(path, "we")) != NULL) {
		fprintf(f, "%ld\n", pid);
		fclose(f);
	}
}

/* From /proc/self/net/tcp{,6}, which show the reader's namespace. */
bool
lab_listening(const char *name, enum lab_side side, uint16_t port)
{
	static const char *const files[] = {
		"/proc/self/net/tcp6", "/proc/self/net/tcp",
	};
	char line[512], *error = NULL;
	unsigned lport, state;
	bool found = false;
	size_t i;
	FILE *f;
	int saved;

	if (!lab_enter(name, side, &saved, &error)) {
		free(error);
		return false;
	}
	for (i = 0; i < 2 && !found; i++) {
		if ((f = fopen(files[i], "re")) == NULL)
			continue;
		while (!found && fgets(line, sizeof line, f) != NULL)
			if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:"
			    "%*x %x", &lport, &state) == 2 &&
			    lport == port && state == 0x0A)
				found = true;
		fclose(f);
	}
	lab_leave(saved);
	return found;
}

void
lab_daemon_child(const char *name, enum lab_side side, const char *log)
{
	char path[256], *error = NULL;
	int fd;

	lab_child_signals();
	setsid();
	lab_path(path, sizeof path, name, log);
	if (chdir("/") == -1 || (fd = open(path, O_WRONLY | O_CREAT |
	    O_TRUNC | O_CLOEXEC, 0644)) == -1)
		_exit(126);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) != -1)
		dup2(fd, STDIN_FILENO);
	if (!lab_enter(name, side, NULL, &error)) {
		dprintf(STDERR_FILENO, "tcpshake: %s\n", error);
		_exit(126);
	}
}

char *
lab_log_tail(const char *name, const char *log)
{
	char path[256], line[512], last[512] = "no message";
	FILE *f;

	lab_path(path, sizeof path, name, log);
	if ((f = fopen(path, "re")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL)
			if (line[0] != '\n')
				memcpy(last, line, sizeof last);
		fclose(f);
	}
	last[strcspn(last, "\n")] = '\0';
	return xstrdup(last);
}

/* Whether the effective set holds capability `bit` (/proc/self/status,
 * so no libcap is needed for one question). */
bool
lab_have_cap(int bit)
{
	char line[256];
	unsigned long long eff = 0;
	bool found = false;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return geteuid() == 0;
	while (!found && fgets(line, sizeof line, f) != NULL)
		found = sscanf(line, "CapEff: %llx", &eff) == 1;
	fclose(f);
	return found ? (eff >> bit & 1) != 0 : geteuid() == 0;
}
