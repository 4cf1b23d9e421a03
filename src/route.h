/* SPDX-License-Identifier: GPL-2.0-or-later */
/* route.h: where a probe goes and where it leaves from: a target name
 * resolved once, and the interface and source address the routing table
 * picks for it (or the ones the user names). */
#ifndef TCPSHAKE_ROUTE_H
#define TCPSHAKE_ROUTE_H

#include <net/if.h>
#include <stddef.h>

#include "segment.h"

struct route {
	struct ipaddr	dst;
	struct ipaddr	src;
	char		ifname[IF_NAMESIZE];
	char		canon[256];	/* the name as given or resolved */
	uint32_t	scope;		/* dst's IPv6 zone (interface index),
					 * 0 when none */
};

/* Resolve name (an address or a host name) with getaddrinfo; family is
 * AF_UNSPEC, AF_INET or AF_INET6. Returns 0, or -1 with one line in err. */
int	 route_resolve(const char *name, int family, struct ipaddr *out,
	    char *err, size_t errlen);
/* Fill r->src and r->ifname for r->dst (in r->scope's interface when
 * set): the source address the kernel
 * would use (a UDP socket is connected, nothing is sent, and asked for its
 * name) and the interface holding it. ifname and src override the routing
 * table when not NULL (src as text); given only ifname, its first address
 * of the family is used, global before link-local. */
int	 route_lookup(struct route *r, const char *ifname, const char *src,
	    char *err, size_t errlen);

#endif
