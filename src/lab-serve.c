/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab-serve.c: starts `tcpshake serve` in the lab's server namespace and
 * waits until it listens (or says why it did not). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab-serve.h"
#include "lab-sys.h"
#include "xmalloc.h"

/* The serve child: a daemon of the lab running this very binary. */
static void __attribute__((noreturn))
lab_serve_child(const char *name, char **serve_argv, const char *log)
{
	char **argv;
	size_t n, i;

	lab_daemon_child(name, LAB_SERVER, log);
	for (n = 0; serve_argv[n] != NULL; n++)
		;
	argv = xcalloc(n + 4, sizeof *argv);
	argv[0] = "tcpshake";
	argv[1] = "-v";
	argv[2] = "serve";
	for (i = 0; i < n; i++)
		argv[i + 3] = serve_argv[i];
	execv("/proc/self/exe", argv);
	dprintf(STDERR_FILENO, "tcpshake: cannot run /proc/self/exe: %s\n",
	    strerror(errno));
	_exit(126);
}

uint16_t
lab_serve_port(char *const *argv)
{
	const char *p = NULL;
	unsigned long v;
	char *end;

	for (; *argv != NULL; argv++) {
		if ((strcmp(*argv, "--port") == 0 || strcmp(*argv, "-p") == 0)
		    && argv[1] != NULL)
			p = *++argv;
		else if (strncmp(*argv, "--port=", 7) == 0)
			p = *argv + 7;
	}
	if (p == NULL)
		return 80;
	v = strtoul(p, &end, 0);
	return (*end == '\0' && v > 0 && v < 65536) ? (uint16_t)v : 0;
}

/* One server. The first one's files are serve.log, serve.pid and
 * serve.port; the others' serve-PORT.log and serve-PORT.pid. */
static bool
lab_serve_one(const char *name, char **argv, bool first,
    struct lab_served *sv, char **error)
{
	char log[32], pidf[32], *tail;
	int waited, status;
	pid_t pid;

	sv->port = lab_serve_port(argv);
	snprintf(log, sizeof log, first ? "serve.log" : "serve-%u.log",
	    sv->port);
	snprintf(pidf, sizeof pidf, first ? "serve.pid" : "serve-%u.pid",
	    sv->port);
	lab_path(sv->log, sizeof sv->log, name, log);
	if ((pid = lab_daemon_fork()) == -1) {
		xasprintf(error, "fork: %s", strerror(errno));
		return false;
	}
	if (pid == 0)
		lab_serve_child(name, argv, log);
	sv->pid = pid;
	lab_pid_write(name, pidf, pid);
	if (first)
		lab_pid_write(name, "serve.port", sv->port);
	for (waited = 0; waited <= LAB_WAIT_MS && !lab_interrupted;
	    waited += LAB_POLL_MS) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			tail = lab_log_tail(name, log);
			xasprintf(error, "serve did not start: %s", tail);
			free(tail);
			return false;
		}
		if (sv->port != 0 && lab_listening(name, LAB_SERVER, sv->port))
			return true;
		lab_sleep_ms(LAB_POLL_MS);
	}
	xasprintf(error, "serve did not listen on port %u within %d ms "
	    "(see %s)", sv->port, LAB_WAIT_MS, sv->log);
	return false;
}

/* A port an earlier server listens on would look like this one's. */
static bool
lab_serve_ports_distinct(const struct lab_config *cf, char **error)
{
	size_t i, k;
	uint16_t p;

	for (i = 0; cf->serve_more != NULL && cf->serve_more[i] != NULL;
	    i++) {
		p = lab_serve_port(cf->serve_more[i]);
		for (k = 0; k <= i; k++)
			if (p == lab_serve_port(k == 0 ? cf->serve_argv :
			    cf->serve_more[k - 1])) {
				xasprintf(error, "two --serve on port %u (give "
				    "each its own --port)", p);
				return false;
			}
	}
	return true;
}

/* The first server, then one for each further --serve. */
bool
lab_serve_start(const struct lab_config *cf, struct lab_made *made,
    char **error)
{
	struct lab_served first;
	size_t i;

	if (!lab_serve_ports_distinct(cf, error) ||
	    !lab_serve_one(cf->name, cf->serve_argv, true, &first, error))
		return false;
	made->serve_pid = first.pid;
	made->serve_port = first.port;
	memcpy(made->log, first.log, sizeof made->log);
	for (i = 0; cf->serve_more != NULL && cf->serve_more[i] != NULL &&
	    i < LAB_MAX_SERVE - 1; i++) {
		if (!lab_serve_one(cf->name, cf->serve_more[i], false,
		    &made->more[i], error))
			return false;
		made->nmore = i + 1;
	}
	return true;
}
