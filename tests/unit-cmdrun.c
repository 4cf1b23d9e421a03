/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-cmdrun.c: scenario commands run here or through the helper: exit
 * statuses come back either way, a kill ends a command at once, and the
 * helper takes only the commands it was handed; TCPSHAKE names this
 * program in the command's environment whatever the caller exported, and
 * a run's -D TCPSHAKE=PATH names PATH to both the file and the command. */
#include "config.h"

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "cmdrun.h"
#include "script.h"
#include "xmalloc.h"

/* Run cmd to its end (or kill it after ms); its wait status, -1 on error. */
static int
run(const char *cmd, int kill_after_ms)
{
	struct timespec t = { 0, 10 * 1000 * 1000 };
	struct cmdrun *c;
	char err[128];
	int r, status = -1, waited = 0;

	if ((c = cmdrun_start(cmd, err, sizeof err)) == NULL)
		return -1;
	while ((r = cmdrun_poll(c, &status, err, sizeof err)) == 0) {
		if (kill_after_ms > 0 && waited >= kill_after_ms) {
			cmdrun_kill(c);
			status = -2;
			break;
		}
		nanosleep(&t, NULL);
		waited += 10;
	}
	cmdrun_free(c);
	return r < 0 ? -1 : status;
}

/* A run's defines: without -D TCPSHAKE the word is this program, as
 * $TCPSHAKE is; with one (the first of two), both are its PATH. */
static void
check_rule(const char *self)
{
	struct script_def *v = NULL;
	size_t n = 0;
	int st;

	cmdrun_define_tcpshake(&v, &n);
	CHECK(n == 1 && strcmp(v[0].name, "TCPSHAKE") == 0 &&
	    strcmp(v[0].value, self) == 0);
	free((char *)v[0].name);
	free(v);
	v = xcalloc(3, sizeof *v);
	v[0] = (struct script_def){ "LAB", "l1" };
	v[1] = (struct script_def){ "TCPSHAKE", "/opt/t/tcpshake" };
	v[2] = (struct script_def){ "TCPSHAKE", "/second" };
	n = 3;
	cmdrun_define_tcpshake(&v, &n);
	CHECK(n == 3);
	CHECK(strcmp(cmdrun_tcpshake(NULL), "/opt/t/tcpshake") == 0);
	st = run("test \"$TCPSHAKE\" = /opt/t/tcpshake", 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	free(v);
}

int
main(void)
{
	char self[4096], is_self[4200];
	char *cmds[] = { "exit 3", "sleep 5", "echo helper >&2", is_self };
	char err[128];
	ssize_t n;
	time_t t0;
	int st;

	/* The command sees this program's path as $TCPSHAKE, not what the
	 * caller exported. */
	setenv("TCPSHAKE", "/nowhere", 1);
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	CHECK(n > 0);
	self[n > 0 ? n : 0] = '\0';
	snprintf(is_self, sizeof is_self, "test \"$TCPSHAKE\" = '%s'", self);

	/* Here, before any helper. */
	st = run("exit 4", 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4);
	st = run(is_self, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = run("test \"$TCPSHAKE\" = /nowhere", 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	CHECK(!cmdrun_as_root("exit 3"));

	CHECK_INT(cmdrun_helper_start(cmds, 4, err, sizeof err), 0);
	CHECK(cmdrun_as_root("exit 3") && cmdrun_as_root("sleep 5"));
	CHECK(!cmdrun_as_root("exit 4") && !cmdrun_as_root("exit 3 "));
	CHECK_INT(cmdrun_helper_start(cmds, 4, err, sizeof err), -1);
	/* The helper's commands see it too. */
	CHECK(cmdrun_as_root(is_self));
	st = run(is_self, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* Through the helper, twice: it serves one after the other. */
	st = run("exit 3", 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	st = run("echo helper >&2", 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* Not handed to it: runs here. */
	st = run("exit 4", 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4);

	/* A kill ends the command at once, here and in the helper, and the
	 * helper serves the next one. */
	t0 = time(NULL);
	CHECK_INT(run("sleep 5", 50), -2);
	CHECK_INT(run("sleep 6", 50), -2);
	CHECK(time(NULL) - t0 < 4);
	st = run("exit 3", 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	check_rule(self);
	return check_done();
}
