/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run-lab.c: `run --lab`: each file in a lab of its own, built from its
 * header by lab.c, run by a child tcpshake inside the client namespace,
 * and removed by this process, which keeps its privileges for that. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "lab-router.h"
#include "lab-serve.h"
#include "lab-sys.h"
#include "lab.h"
#include "run-lab.h"
#include "script-lab.h"
#include "stops.h"
#include "tcpshake.h"
#include "xmalloc.h"

/*
 * Why a child: the run may drop its privileges once its wire is open,
 * and the lab is only removed with them; the child also enters the
 * client namespace and a mount namespace of its own (a /sys of that
 * network namespace, for libpcap) that this process must not keep
 * between files. The child is this binary again, `tcpshake run` with
 * the caller's options, so every report and option behaves as without
 * --lab.
 */

static volatile pid_t run_lab_child;

static void
run_lab_on_signal(int sig)
{
	lab_interrupted = sig;
	if (run_lab_child > 0)
		kill(run_lab_child, sig);
}

/* "rl" + our pid + "-" + the file's number, both base 36: at most 10
 * characters (pids below 36^5), never another run's. */
static void
run_lab_name(char *buf, size_t len, unsigned n)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char pid[16], num[8];
	unsigned long v = (unsigned long)getpid();
	size_t i = sizeof pid - 1, k = sizeof num - 1;

	pid[i] = '\0';
	do
		pid[--i] = digits[v % 36];
	while ((v /= 36) != 0 && i > 0);
	num[k] = '\0';
	do
		num[--k] = digits[n % 36];
	while ((n /= 36) != 0 && k > 0);
	snprintf(buf, len, "rl%s-%s", pid + i, num + k);
}

/* Labs of runs that died without removing them (a SIGKILL): "rl", the
 * pid of a process that is gone, '-', a number. Removed before ours are
 * made, as the guard removes the tables of dead processes. */
static void
run_lab_sweep(void)
{
	struct dirent *de;
	unsigned long pid;
	char *end, *error;
	DIR *d;

	if ((d = opendir(LAB_RUN_DIR)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "rl", 2) != 0 ||
		    !lab_name_valid(de->d_name))
			continue;
		pid = strtoul(de->d_name + 2, &end, 36);
		if (*end != '-' || end == de->d_name + 2 || end[1] == '\0' ||
		    strspn(end + 1, "0123456789abcdefghijklmnopqrstuvwxyz") !=
		    strlen(end + 1) || pid == 0 || lab_pid_alive((long)pid))
			continue;
		if (lab_down(de->d_name, &error) == -1) {
			warnx_("run --lab: cannot remove lab '%s' of a dead run: "
			    "%s", de->d_name, error);
			free(error);
		}
	}
	closedir(d);
}

/* The lab the file asks for: its lines over `lab up`'s defaults (an
 * echo server on port 80 when it names none, offloads off). */
static char **
run_lab_config(const struct script_lab *b, bool syscalls, const char *name,
    struct lab_config *cf, char **more[LAB_MAX_SERVE])
{
	char **dflt = NULL, *error;
	size_t k;

	memset(cf, 0, sizeof *cf);
	memset(more, 0, LAB_MAX_SERVE * sizeof *more);
	cf->name = name;
	/* A file with system calls makes its own listener. */
	if (!syscalls && (b == NULL || (b->nserve == 0 && !b->no_serve))) {
		if ((dflt = lab_split_words(LAB_SERVE_DEFAULT, &error)) ==
		    NULL)
			fatalx("run --lab: %s", error);
		cf->serve_argv = dflt;
	}
	if (b == NULL)
		return dflt;
	cf->sysctls = b->sysctls;
	cf->nsysctls = b->nsysctls;
	if (b->nserve > 0)
		cf->serve_argv = b->serve[0];
	for (k = 1; k < b->nserve; k++)
		more[k - 1] = b->serve[k];
	cf->serve_more = more;
	cf->offloads = b->offloads;
	cf->router = b->router;
	cf->impair = b->impair;
	return dflt;
}

/* The file's target inside the lab: the lab's server of the family
 * --ip_version names (ipv4-mapped-ipv6: an IPv4 wire), else of the
 * file's target (IPv4 without one), on the file's port; a file that
 * names no target gets the lab's first server's port. */
static void
run_lab_target(const struct script *sc, bool routed, uint16_t served,
    char *buf, size_t len)
{
	const char *v = script_option(sc, "ip_version");
	bool v6 = v != NULL ? strcmp(v, "ipv6") == 0 :
	    sc->target_host != NULL && strchr(sc->target_host, ':') != NULL;
	unsigned port = sc->target_host != NULL ? sc->target_port : served;

	if (v6)
		snprintf(buf, len, "[%s]:%u", routed ? LAB_ROUTED_SERVER_V6 :
		    LAB_SERVER_V6, port);
	else
		snprintf(buf, len, "%s:%u", routed ? LAB_ROUTED_SERVER_V4 :
		    LAB_SERVER_V4, port);
}

/* The child's command line: tcpshake [-v...] [-q] run -D LAB=NAME (first,
 * so it wins over the caller's) OPTIONS --target T --peer-netns NAME-s
 * --text-fd FD -- FILE: the file's text as this process read it (read
 * once: standard input cannot be read twice). The child defines TCPSHAKE
 * itself, by the rule every run keeps (cmdrun.h), from the caller's
 * options it is given. */
static char **
run_lab_argv(const struct run_lab_args *a, const char *name,
    const char *target, const char *file, int text_fd, char *bufs[4])
{
	char **argv = xcalloc((size_t)a->nopts + (size_t)gopts.verbose + 18,
	    sizeof *argv);
	size_t n = 0;
	int i;

	argv[n++] = "/proc/self/exe";
	for (i = 0; i < gopts.verbose; i++)
		argv[n++] = "-v";
	if (gopts.quiet)
		argv[n++] = "-q";
	argv[n++] = "run";
	xasprintf(&bufs[0], "LAB=%s", name);
	argv[n++] = "-D";
	argv[n++] = bufs[0];
	for (i = 0; i < a->nopts; i++)
		if (strcmp(a->opts[i], "--lab") != 0 &&
		    strncmp(a->opts[i], "--lab=", 6) != 0 && !(i == a->nopts - 1 &&
		    strcmp(a->opts[i], "--") == 0))
			argv[n++] = a->opts[i];
	bufs[1] = xstrdup(target);
	argv[n++] = "--target";
	argv[n++] = bufs[1];
	xasprintf(&bufs[2], "%s-s", name);
	argv[n++] = "--peer-netns";
	argv[n++] = bufs[2];
	xasprintf(&bufs[3], "%d", text_fd);
	argv[n++] = "--text-fd";
	argv[n++] = bufs[3];
	argv[n++] = "--";
	argv[n++] = (char *)file;
	argv[n] = NULL;
	return argv;
}

/* The child: the client namespace, the run. lab_exec() gives it default
 * signals before it unblocks them, so a signal that came since the fork
 * ends it. */
static void __attribute__((noreturn))
run_lab_exec(const char *name, char **argv)
{
	char *error;

	lab_exec(name, LAB_CLIENT, argv, &error);
	fprintf(stderr, "tcpshake: run --lab: %s\n", error);
	_exit(2);
}

/* --tap over several files: one TAP stream. Each child's "ok 1 - FILE"
 * is numbered in the order of the files and its plan "1..1" left out;
 * the plan of them all goes last. */
struct run_lab_tap {
	bool		 on;
	int		 n;		/* files reported so far */
};

static void
run_lab_tap_notok(struct run_lab_tap *tap, const char *file,
    const char *why)
{
	printf("not ok %d - %s\n# %s: %s\n", ++tap->n, file, file, why);
	fflush(stdout);
}

/* The child's TAP from fd, renumbered onto our stdout. */
static void
run_lab_tap_copy(struct run_lab_tap *tap, int fd, const char *file)
{
	FILE *in = fdopen(fd, "r");
	char *line = NULL;
	size_t cap = 0;
	bool seen = false;
	int k;

	if (in == NULL) {
		close(fd);
		return;
	}
	for (;;) {
		errno = 0;
		if (getline(&line, &cap, in) == -1) {
			if (errno != EINTR)
				break;
			clearerr(in);
			continue;
		}
		if (sscanf(line, "1..%d", &k) == 1 && line[0] == '1')
			continue;
		if (strncmp(line, "ok 1 ", 5) == 0 ||
		    strncmp(line, "not ok 1 ", 9) == 0) {
			seen = true;
			printf("%sok %d %s", line[0] == 'n' ? "not " : "",
			    ++tap->n, strchr(line + (line[0] == 'n' ? 7 : 3),
			    ' ') + 1);
		} else
			fputs(line, stdout);
		fflush(stdout);
	}
	free(line);
	fclose(in);
	if (!seen)
		run_lab_tap_notok(tap, file, "the run ended without a "
		    "verdict");
}

/* Run argv in the lab; the run's exit status (2 when it died). */
static int
run_lab_child_run(const char *name, char **argv, int text_fd,
    struct run_lab_tap *tap, const char *file)
{
	sigset_t old;
	int status, fds[2] = { -1, -1 };
	pid_t pid, w;

	fflush(stdout);
	fflush(stderr);
	if (tap->on && pipe2(fds, O_CLOEXEC) == -1) {
		warnx_("run --lab: pipe: %s", strerror(errno));
		return 2;
	}
	stops_block(&old);
	if ((pid = fork()) == -1) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		warnx_("run --lab: fork: %s", strerror(errno));
		if (tap->on) {
			close(fds[0]);
			close(fds[1]);
		}
		return 2;
	}
	if (pid == 0) {
		if ((tap->on && dup2(fds[1], STDOUT_FILENO) == -1) ||
		    fcntl(text_fd, F_SETFD, 0) == -1)
			_exit(2);
		run_lab_exec(name, argv);
	}
	run_lab_child = pid;
	/* A signal that came while blocked goes on to the child now. */
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (tap->on) {
		close(fds[1]);
		run_lab_tap_copy(tap, fds[0], file);
	}
	while ((w = waitpid(pid, &status, 0)) == -1 && errno == EINTR)
		;
	run_lab_child = 0;
	if (w == -1 || !WIFEXITED(status))
		return 2;
	return WEXITSTATUS(status);
}

/* What the lab's router dropped (conntrack INVALID, the firewall) never
 * reached the target: a silence that follows is the router's, and the run
 * says so, on stderr so that TAP and JSON stay clean. */
static void
run_lab_router_drops(const char *name, const char *file)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	unsigned long dropped;

	if (f == NULL)
		return;
	dropped = lab_router_counters(name, f);
	fclose(f);
	if (dropped > 0) {
		fflush(stdout);
		fprintf(stderr, "tcpshake: run --lab: %s: the lab's router "
		    "dropped %lu packets the target never saw:\n%s", file,
		    dropped, text);
	}
	free(text);
}

static int64_t
run_lab_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Each server's words as serve would take them, before anything is
 * built; false after one line naming the file and the server. */
static bool
run_lab_serve_ok(const struct lab_config *cf, const char *file)
{
	char **w, *error;
	size_t i, k;

	for (i = 0; cf->serve_argv != NULL && (i == 0 || (cf->serve_more !=
	    NULL && cf->serve_more[i - 1] != NULL)); i++) {
		w = i == 0 ? cf->serve_argv : cf->serve_more[i - 1];
		if (serve_check_args(w, &error))
			continue;
		fflush(stdout);
		fprintf(stderr, "tcpshake: run --lab: %s: 'lab serve", file);
		for (k = 0; w[k] != NULL; k++)
			fprintf(stderr, " %s", w[k]);
		fprintf(stderr, "': %s\n", error);
		free(error);
		return false;
	}
	return true;
}

/* The file's text for the child, in a memory file: close-on-exec, which
 * the run's child alone clears (run_lab_child_run); -1 after one line. */
static int
run_lab_text_fd(const char *text, const char *file)
{
	size_t len = strlen(text), off = 0;
	ssize_t w;
	int fd;

	if ((fd = memfd_create("tcpshake-run", MFD_CLOEXEC)) == -1) {
		warnx_("run --lab: %s: memfd_create: %s", file,
		    strerror(errno));
		return -1;
	}
	while (off < len) {
		if ((w = write(fd, text + off, len - off)) == -1 &&
		    errno == EINTR)
			continue;
		if (w <= 0) {
			warnx_("run --lab: %s: writing its text: %s", file,
			    w == 0 ? "no space" : strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) == -1) {
		warnx_("run --lab: %s: lseek: %s", file, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Run the file in lab name (up), the target its server of the file's
 * family; the run's status. */
static int
run_lab_in(const struct run_lab_args *a, const struct script *sc,
    const char *name, bool routed, uint16_t served, int text_fd,
    const char *file, struct run_lab_tap *tap)
{
	char target[64], *bufs[4], **argv;
	int status, k;

	run_lab_target(sc, routed, served, target, sizeof target);
	argv = run_lab_argv(a, name, target, file, text_fd, bufs);
	if (gopts.verbose > 0)
		fprintf(stderr, "tcpshake: run --lab: %s: in lab '%s', target "
		    "%s\n", file, name, target);
	status = lab_interrupted ? 2 : run_lab_child_run(name, argv, text_fd,
	    tap, file);
	free(argv);
	for (k = 0; k < 4; k++)
		free(bufs[k]);
	return status;
}

/* --lab=NAME: the lab as it is; a file's own lab lines are not applied
 * (one line says so). */
static int
run_lab_named(const struct run_lab_args *a, const struct script *sc,
    int text_fd, const char *file, struct run_lab_tap *tap)
{
	long port;

	if (sc->lab != NULL) {
		fflush(stdout);
		fprintf(stderr, "tcpshake: run --lab=%s: %s: its 'lab' lines "
		    "are not applied: lab '%s' is used as it is\n",
		    a->lab_name, file, a->lab_name);
	}
	port = lab_pid_read(a->lab_name, "serve.port");
	return run_lab_in(a, sc, a->lab_name, lab_has_router(a->lab_name),
	    port > 0 && port <= 65535 ? (uint16_t)port : 80, text_fd, file,
	    tap);
}

/* Build, run, remove; the file's status. */
static int
run_lab_one(const struct run_lab_args *a, const struct script *sc,
    int text_fd, const char *file, unsigned n, struct run_lab_tap *tap)
{
	struct lab_config cf;
	struct lab_made made;
	char name[32], *error;
	char **dflt, **more[LAB_MAX_SERVE];
	int64_t t0 = run_lab_ms(), t1, t2;
	int status;

	if (a->lab_name != NULL)
		return run_lab_named(a, sc, text_fd, file, tap);
	run_lab_name(name, sizeof name, n);
	if (!lab_name_valid(name)) {
		warnx_("run --lab: %s: no lab name of %d characters for pid "
		    "%ld and file %u", file, LAB_NAME_MAX, (long)getpid(), n);
		return 2;
	}
	dflt = run_lab_config(sc->lab, sc->syscalls, name, &cf, more);
	if (!run_lab_serve_ok(&cf, file)) {
		if (tap->on)
			run_lab_tap_notok(tap, file, "a 'lab serve' line has "
			    "arguments serve does not take");
		lab_words_free(dflt);
		return 2;
	}
	if (lab_up(&cf, &made, &error) == -1) {
		warnx_("run --lab: %s: %s", file, error);
		if (tap->on)
			run_lab_tap_notok(tap, file, error);
		free(error);
		lab_words_free(dflt);
		return 2;
	}
	t1 = run_lab_ms();
	if (gopts.verbose > 0)
		fprintf(stderr, "tcpshake: run --lab: %s: lab '%s' up in %lld "
		    "ms\n", file, name, (long long)(t1 - t0));
	status = run_lab_in(a, sc, name, cf.router.enabled,
	    cf.serve_argv != NULL ? lab_serve_port(cf.serve_argv) : 80,
	    text_fd, file, tap);
	t2 = run_lab_ms();
	if (cf.router.enabled)
		run_lab_router_drops(name, file);
	if (lab_down(name, &error) == -1) {
		warnx_("run --lab: cannot remove lab '%s': %s (tcpshake lab "
		    "down --name %s)", name, error, name);
		free(error);
		status = 2;
	} else if (gopts.verbose > 0)
		fprintf(stderr, "tcpshake: run --lab: %s: ran in %lld ms, lab "
		    "'%s' down in %lld ms\n", file, (long long)(t2 - t1), name,
		    (long long)(run_lab_ms() - t2));
	lab_words_free(dflt);
	return status;
}

/* --lab=NAME: one run at a time in a lab (a file with system calls
 * changes the target's interfaces and routes for the time of its run):
 * the run dir's run.lock, held until the files have run; a later run
 * waits for it, saying so. */
static int
run_lab_hold(const char *name)
{
	char path[256];
	int fd;

	lab_path(path, sizeof path, name, "run.lock");
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1)
		fatalx("run --lab=%s: %s: %s", name, path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	fflush(stdout);
	fprintf(stderr, "tcpshake: run --lab=%s: waiting for another run in "
	    "lab '%s' to end\n", name, name);
	while (flock(fd, LOCK_EX) == -1)
		if (errno != EINTR)
			fatalx("run --lab=%s: %s: %s", name, path,
			    strerror(errno));
	return fd;
}

int
run_lab_files(const struct run_lab_args *a)
{
	/* No target: the lab's server (run_lab_target). */
	struct script_defs defs = { a->defs, a->ndefs, a->target, false,
	    true, a->lines, a->nlines };
	struct script_errors errs = { NULL, 0, false };
	struct run_lab_tap tap = { a->tap && a->nfiles > 1, 0 };
	struct script *sc;
	char *text;
	int i, fd, status, worst = 0, hold = -1;

	if (a->one_report && a->nfiles > 1)
		fatalx("run --lab: --junit, --svg and -w report on one file "
		    "when each file has its own lab; give one FILE.shake");
	if (!lab_have_cap(LAB_CAP_SYS_ADMIN))
		fatalx("run --lab: needs CAP_SYS_ADMIN to build the labs "
		    "(network namespaces and their mounts): run it as root");
	if (a->lab_name != NULL && !lab_is_up(a->lab_name))
		fatalx("run --lab=%s: lab '%s' is not up (tcpshake lab up "
		    "--name %s)", a->lab_name, a->lab_name, a->lab_name);
	if (a->lab_name != NULL)
		hold = run_lab_hold(a->lab_name);
	cli_catch_stops(run_lab_on_signal);
	if (a->lab_name == NULL)
		run_lab_sweep();
	for (i = 0; i < a->nfiles && !lab_interrupted; i++) {
		/* Read once, for the lab's lines here and the child's run. */
		sc = NULL;
		if ((text = script_read_file(a->files[i], -1, &errs)) != NULL)
			sc = script_parse_string(a->files[i], text, &defs,
			    &errs);
		if (sc == NULL) {
			free(text);
			fflush(stdout);
			script_errors_print(stderr, &errs);
			script_errors_clear(&errs);
			if (tap.on)
				run_lab_tap_notok(&tap, a->files[i], "the file "
				    "has errors; see tcpshake run --check");
			worst = 2;
			continue;
		}
		fd = run_lab_text_fd(text, a->files[i]);
		status = fd == -1 ? 2 : run_lab_one(a, sc, fd, a->files[i],
		    (unsigned)i, &tap);
		if (fd == -1 && tap.on)
			run_lab_tap_notok(&tap, a->files[i], "no memory file "
			    "for its text");
		if (status > worst)
			worst = status;
		if (fd != -1)
			close(fd);
		script_free(sc);
		free(text);
	}
	if (hold != -1)
		close(hold);
	if (tap.on)
		printf("1..%d\n", tap.n);
	fflush(stdout);
	if (lab_interrupted) {
		fprintf(stderr, "tcpshake: run --lab: interrupted by %s; %s\n",
		    lab_interrupted == SIGINT ? "SIGINT" :
		    lab_interrupted == SIGTERM ? "SIGTERM" : "SIGHUP",
		    a->lab_name != NULL ? "the lab is left up" :
		    "the lab is removed");
		return 2;
	}
	return worst;
}
