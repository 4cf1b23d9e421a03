/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab-sys.h: what every lab-*.c needs from the system: run dir paths,
 * running ip/tc/iptables, entering a namespace, sysctls, nftables inside a
 * namespace, and the interrupt flag that `lab up` polls. */
#ifndef TCPSHAKE_LAB_SYS_H
#define TCPSHAKE_LAB_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "lab-types.h"

/* How long `up` waits for a link or a process, and `down` for processes
 * to end after SIGTERM before SIGKILL. */
#define LAB_WAIT_MS		2000
#define LAB_POLL_MS		20

/* "NAME-c", "NAME-s" or "NAME-r" into buf. */
void	 lab_ns_name(const char *name, enum lab_side, char *buf, size_t len);
/* "/run/tcpshake/NAME" or "/run/tcpshake/NAME/FILE". */
void	 lab_path(char *buf, size_t len, const char *name, const char *file);
/* "/run/netns/NAME-c" and so on. */
void	 lab_ns_path(char *buf, size_t len, const char *name, enum lab_side);
void	 lab_sleep_ms(long ms);
/* In a child: no blocked signals, default dispositions. */
void	 lab_child_signals(void);
/* Run argv with stdout and stderr into *output; its exit status or -1. */
int	 lab_run(char *const argv[], char **output);
/* Run argv; on failure *error names the command and its first line. */
bool	 lab_cmd(char **error, char *const argv[]);
/* Move this single-threaded process into a side's namespace; *saved (if
 * not NULL) keeps the way back for lab_leave(). */
bool	 lab_enter(const char *name, enum lab_side, int *saved, char **error);
void	 lab_leave(int saved);
/* Write one sysctl inside the side's namespace. */
bool	 lab_sysctl_write(const char *name, enum lab_side, const char *key,
	    const char *value, char **error);
/* A sysctl's value as the side's namespace sees it, or NULL. */
char	*lab_sysctl_read(const char *name, enum lab_side, const char *key);
/* Run nftables commands in the side's namespace through libnftables;
 * with out, what nft printed. */
bool	 lab_nft(const char *name, enum lab_side, const char *cmds,
	    char **out, char **error);
/* Whether a process is alive (not a zombie). */
bool	 lab_pid_alive(long pid);
/* Read a pid file of the run dir; 0 when absent. */
long	 lab_pid_read(const char *name, const char *file);
void	 lab_pid_write(const char *name, const char *file, long pid);

/* In a forked child that becomes a daemon of the lab: default signals,
 * its own session (the terminal's ^C is not its), cwd /, stdin
 * /dev/null, stdout and stderr to the run dir's LOG, and inside the
 * side's namespace. Exits 126 when any of it fails. */
void	 lab_daemon_child(const char *name, enum lab_side, const char *log);
/* fork() for a daemon of the lab: the child starts with SIGINT, SIGTERM
 * and SIGHUP blocked (lab_daemon_child() unblocks them), the parent
 * keeps its pid for lab_daemons_stop(). */
pid_t	 lab_daemon_fork(void);
/* An interrupted or failed `lab up`: SIGTERM each daemon it forked, up to
 * LAB_WAIT_MS for them to go, then SIGKILL; all reaped. */
void	 lab_daemons_stop(void);
/* The last non-empty line of the run dir's LOG, to say why a daemon did
 * not start. */
char	*lab_log_tail(const char *name, const char *log);

/* Whether a TCP socket listens on port in the side's namespace. */
bool	 lab_listening(const char *name, enum lab_side, uint16_t port);

/* Whether the effective set holds capability bit (linux/capability.h's
 * number): the lab needs LAB_CAP_SYS_ADMIN. */
#define LAB_CAP_SYS_ADMIN	21
bool	 lab_have_cap(int bit);

/* Set by the signal handlers `lab up` installs; steps poll it. */
extern volatile int lab_interrupted;

#endif
