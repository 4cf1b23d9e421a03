/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab-net.h: the lab's namespaces, veth pairs, addresses and routes. */
#ifndef TCPSHAKE_LAB_NET_H
#define TCPSHAKE_LAB_NET_H

#include <stdbool.h>

#include "lab-types.h"

/* One end of a veth pair. */
struct lab_end {
	enum lab_side	 side;
	const char	*ifname;
	const char	*v4;
	const char	*v6;
};

/* The ends of the lab's links: 2 (direct) or 4 (through a router), in
 * pairs. Returns how many. */
size_t	 lab_net_ends(bool router, const struct lab_end **);
/* Make the namespaces, links, addresses, routes and forwarding. */
bool	 lab_net_setup(const struct lab_config *, char **error);
/* Whether an end exists and is operationally up (IFF_RUNNING). */
bool	 lab_end_running(const char *name, const struct lab_end *);

#endif
