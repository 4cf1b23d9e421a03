/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guard.h: the kernel-RST guard, an nftables table of the process's own
 * that keeps the target's segments for the prober's flows from the kernel. */
#ifndef TCPSHAKE_GUARD_H
#define TCPSHAKE_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "segment.h"

/*
 * A SYN-ACK answering a raw SYN reaches the local kernel too, which knows no
 * such connection and answers RST. The guard adds table inet tcpshake_<pid>
 * whose input chain drops the target's segments for exactly the 4-tuples
 * given to guard_add_flow(); libpcap taps before netfilter, so the prober
 * still captures them. Nothing else on the machine is affected.
 *
 * The table goes away on every exit:
 *  - it is created with nftables' "owner" flag (Linux 5.12+): the kernel
 *    removes it when the process's netlink socket closes, whatever the
 *    way the process ends, kill -9 included;
 *  - on kernels without that flag, guard_close() at the end, an atfatal()
 *    and an atexit() hook, and handlers for SIGINT, SIGTERM and SIGHUP (only
 *    those still at their default action when the guard opens) remove it;
 *    a table left by kill -9 is removed by the next guard_open() or by
 *    `tcpshake guard --flush`.
 * A program that installs its own handlers for those signals after
 * guard_open() must end through exit() (or call guard_close()).
 *
 * One guard per process. Errors are one line in err (no exit): without
 * root it names CAP_NET_ADMIN and --no-guard; without nftables in the
 * kernel it says so and names --no-guard.
 */
struct guard;

#define GUARD_TABLE_PREFIX	"tcpshake_"

/* Flags for guard_open_flags(). */
#define GUARD_NO_OWNER	0x01	/* no "owner" flag: the old-kernel path (tests) */

/* Remove stale tables, then create this process's table. NULL on error. */
struct guard *guard_open(char *err, size_t errlen);
struct guard *guard_open_flags(unsigned int flags, char *err, size_t errlen);
/* Whether the kernel took the "owner" flag (the table dies with us). */
bool	 guard_owned(const struct guard *);
/* The table's name, "tcpshake_<pid>". */
const char *guard_table(const struct guard *);

/* Drop on input what remote:rport sends to local:lport (TCP). Both
 * addresses must be of one family. Adding a flow twice is not an error.
 * Returns 0, or -1 with err. */
int	 guard_add_flow(struct guard *, const struct ipaddr *local,
	    uint16_t lport, const struct ipaddr *remote, uint16_t rport,
	    char *err, size_t errlen);
/* Stop dropping that flow. Returns 0, or -1 with err (no such flow). */
int	 guard_del_flow(struct guard *, const struct ipaddr *local,
	    uint16_t lport, const struct ipaddr *remote, uint16_t rport,
	    char *err, size_t errlen);
/* Delete the table and free the guard; NULL is fine. */
void	 guard_close(struct guard *);

/*
 * Leftovers, in the current network namespace. A table is "stale" when
 * the process named by its pid no longer exists.
 */
/* Print each tcpshake table, its pid, whether that pid is alive, and its
 * rules. Returns the number of tables, or -1 with err. */
int	 guard_list(FILE *out, char *err, size_t errlen);
/* Remove stale tables, or all tables when `all`, one line each on out
 * (NULL: silent). A live process's owned table cannot be removed by
 * another process: it is named on out and skipped. Returns the count
 * removed, or -1 with err. */
int	 guard_flush(bool all, FILE *out, char *err, size_t errlen);

#endif
