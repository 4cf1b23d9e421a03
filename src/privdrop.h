/* SPDX-License-Identifier: GPL-2.0-or-later */
/* privdrop.h: least privilege once the wire is open: an unprivileged user,
 * only the capabilities the rest of the run needs, no new privileges, and
 * a seccomp filter over the packet-parsing path. */
#ifndef TCPSHAKE_PRIVDROP_H
#define TCPSHAKE_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

/*
 * tcpdump's -Z, done once the raw sockets, the capture and the guard are
 * open (probe, connect and run call privdrop_apply() right after), while
 * the process has one thread:
 *
 *  - the user: --user NAME (or a number), else the sudo caller
 *    (SUDO_UID/SUDO_GID), else nobody; its groups, or none;
 *  - the capabilities: CAP_NET_RAW (sends), plus those `keep` names; every
 *    other one leaves the effective, permitted, inheritable, ambient and
 *    bounding sets, so a program the run starts (a scenario's command) has
 *    none;
 *  - no new privileges (PR_SET_NO_NEW_PRIVS): no set-user-ID program or
 *    file capability gives them back;
 *  - a seccomp filter (plain BPF) that answers EPERM to the system calls
 *    no capture, decode, print or command needs and that widen the
 *    kernel's surface: ptrace, mount, namespaces (unshare, setns, clone
 *    with CLONE_NEW*; clone3 gets ENOSYS so the C library falls back to
 *    clone), bpf, perf_event_open, userfaultfd, keyrings, modules, kexec,
 *    the clocks, and the set*id/capset family.
 *
 * Nothing happens when not running as root, with --no-drop, or when done
 * already (a second file of a run). Files the run writes later (-w, --svg)
 * are open before this call.
 */
struct privdrop_opts {
	const char	*user;		/* --user; NULL: sudo caller or nobody */
	bool		 no_drop;	/* --no-drop: keep root */
};

#define PRIVDROP_KEEP_ADMIN	0x01	/* CAP_NET_ADMIN: the guard adds and
					 * removes its flows and its table */
#define PRIVDROP_KEEP_BIND	0x02	/* CAP_NET_BIND_SERVICE: a run's next
					 * file binds a port below 1024 */

/* The command line's --user NAME and --no-drop, for probe, connect and
 * run's tables. */
enum { PD_USER = 0x2000, PD_NO_DROP };
extern const struct cli_opt privdrop_table[];
/* Apply option id; false when it is not one of privdrop_table's. */
bool	 privdrop_option(struct privdrop_opts *, int id, const char *arg);

/* 0 (dropped, or nothing to do), or -1 with one line in err. */
int	 privdrop_apply(const struct privdrop_opts *, unsigned int keep,
	    char *err, size_t errlen);
/* Whether privdrop_apply() dropped root in this process. */
bool	 privdrop_dropped(void);

#endif
