/* SPDX-License-Identifier: GPL-2.0-or-later */
/* peer.h: the target's own TCP socket states, read from its kernel through
 * sock_diag inside the target's network namespace (the lab's NAME-s). */
#ifndef TCPSHAKE_PEER_H
#define TCPSHAKE_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "segment.h"

/* The states peer_state() returns: Linux's TCP_* numbers, with the
 * kernel's TCP_NEW_SYN_RECV (a request socket) reported as
 * PEER_SYN_RECV, and PEER_CLOSED when no socket matches. */
enum peer_tcp_state {
	PEER_ERROR = -1,	/* sock_diag could not be asked */
	PEER_ESTABLISHED = 1,
	PEER_SYN_SENT = 2,
	PEER_SYN_RECV = 3,
	PEER_FIN_WAIT1 = 4,
	PEER_FIN_WAIT2 = 5,
	PEER_TIME_WAIT = 6,
	PEER_CLOSED = 7,	/* TCP_CLOSE, or no socket at all */
	PEER_CLOSE_WAIT = 8,
	PEER_LAST_ACK = 9,
	PEER_LISTEN = 10,
	PEER_CLOSING = 11,
};

struct peer;

/* A sock_diag socket inside network namespace NAME (/run/netns/NAME), or
 * in the caller's own when netns_name is NULL. Needs CAP_SYS_ADMIN for
 * another namespace. NULL and one line in err on failure. The calling
 * thread enters the namespace only for the moment it takes to open the
 * socket: the socket stays bound to that namespace afterwards. */
struct peer *peer_open(const char *netns_name, char *err, size_t errlen);
void	 peer_close(struct peer *);

/*
 * The state of the target's socket for one connection, seen from the
 * target: `local` and `lport` are the target's own address and port (the
 * prober's remote), `remote` and `rport` the prober's. With remote NULL
 * (or AF_UNSPEC) the listening socket on lport is meant, bound to local
 * or to the wildcard. IPv4 sockets of a dual-stack (::) listener are
 * matched through their ::ffff:a.b.c.d addresses. PEER_CLOSED when no
 * socket matches, PEER_ERROR when the kernel could not be asked.
 */
int	 peer_state(struct peer *, const struct ipaddr *local, uint16_t lport,
	    const struct ipaddr *remote, uint16_t rport);

/* "ESTABLISHED", "SYN_RECEIVED", "FIN_WAIT_1", ..., "CLOSED": the names
 * flow_state_name() uses; "UNKNOWN" for PEER_ERROR or other numbers. */
const char *peer_state_name(int state);

/* For a driver after each segment: reads the state as peer_state() does
 * into *state and returns true when it differs from what the previous
 * call saw for the same connection (the first call for a connection
 * always returns true), so the driver emits an EV_STATE with
 * DIR_FROM_TARGET. False, *state PEER_ERROR, when the kernel could not be
 * asked; the last state seen is kept then. */
bool	 peer_changed(struct peer *, const struct ipaddr *local,
	    uint16_t lport, const struct ipaddr *remote, uint16_t rport,
	    int *state);

#endif
