/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmdrun.h: a scenario's `command` lines run through /bin/sh, as the
 * run's own user, or as root through a helper that kept root. */
#ifndef TCPSHAKE_CMDRUN_H
#define TCPSHAKE_CMDRUN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Once `run` has given root up (privdrop.h), a command runs as the user it
 * became. A scenario whose commands need root says so, and before root
 * goes `run` forks a helper that keeps it, handing it those commands: the
 * helper runs a command it was given then, and refuses any other, so the
 * unprivileged run (which parses what the network sends) cannot make it
 * run anything else. The helper ends when the run does.
 *
 * A command's output goes to standard error.
 */
struct cmdrun;
struct script_def;

/*
 * TCPSHAKE, the tcpshake a file's commands run: the word TCPSHAKE in the
 * file and $TCPSHAKE in each command's environment are both this, by one
 * rule (tcpshake-scenario(5), COMMANDS): the command line's first
 * -D TCPSHAKE=PATH when there is one, else this binary. The caller's
 * environment is not asked: an exported TCPSHAKE may name another build,
 * or a path relative to another directory.
 *
 * cmdrun_define_tcpshake() applies it to a run's command-line defines
 * v[0..n): the commands get that -D's PATH, or else the word is added as
 * this binary's path (nothing when /proc/self/exe cannot be read). Call
 * it while root is held: after a drop /proc/self/exe may be unreadable.
 * cmdrun_tcpshake(): what the commands get (given: that from now on),
 * this binary's path when nothing was given; NULL when unknown.
 */
void	 cmdrun_define_tcpshake(struct script_def **v, size_t *n);
const char *cmdrun_tcpshake(const char *given);

/* Fork the helper for the commands cmds[0..n) (copied). 0, or -1 with
 * one line in err. One helper per process. */
int	 cmdrun_helper_start(char *const *cmds, size_t n, char *err,
	    size_t errlen);
/* Whether the helper runs cmd (as root). */
bool	 cmdrun_as_root(const char *cmd);

/* Start cmd: through the helper when it holds cmd, else here. NULL with
 * err. */
struct cmdrun *cmdrun_start(const char *cmd, char *err, size_t errlen);
/* 1 when it ended (*status as waitpid(2) gives it), 0 while it runs, -1
 * with err. Never blocks. */
int	 cmdrun_poll(struct cmdrun *, int *status, char *err, size_t errlen);
/* Kill it (SIGKILL) and wait for it. */
void	 cmdrun_kill(struct cmdrun *);
void	 cmdrun_free(struct cmdrun *);

#endif
