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
lab_serve_child(const struct lab_config *cf)
{
	char **argv;
	size_t n, i;

	lab_daemon_child(cf->name, LAB_SERVER, "serve.log");
	for (n = 0; cf->serve_argv[n] != NULL; n++)
		;
	argv = xcalloc(n + 4, sizeof *argv);
	argv[0] = "tcpshake";
	argv[1] = "-v";
	argv[2] = "serve";
	for (i = 0; i < n; i++)
		argv[i + 3] = cf->serve_argv[i];
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

bool
lab_serve_start(const struct lab_config *cf, struct lab_made *made,
    char **error)
{
	char *tail;
	int waited, status;
	pid_t pid;

	made->serve_port = lab_serve_port(cf->serve_argv);
	lab_path(made->log, sizeof made->log, cf->name, "serve.log");
	if ((pid = fork()) == -1) {
		xasprintf(error, "fork: %s", strerror(errno));
		return false;
	}
	if (pid == 0)
		lab_serve_child(cf);
	made->serve_pid = pid;
	lab_pid_write(cf->name, "serve.pid", pid);
	lab_pid_write(cf->name, "serve.port", made->serve_port);
	for (waited = 0; waited <= LAB_WAIT_MS && !lab_interrupted;
	    waited += LAB_POLL_MS) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			tail = lab_log_tail(cf->name, "serve.log");
			xasprintf(error, "serve did not start: %s", tail);
			free(tail);
			return false;
		}
		if (made->serve_port != 0 &&
		    lab_listening(cf->name, LAB_SERVER, made->serve_port))
			return true;
		lab_sleep_ms(LAB_POLL_MS);
	}
	xasprintf(error, "serve did not listen on port %u within %d ms "
	    "(see %s)", made->serve_port, LAB_WAIT_MS, made->log);
	return false;
}
