/* SPDX-License-Identifier: GPL-2.0-or-later */
/* target.h: a target as the command line writes it: HOST, HOST:PORT,
 * [V6]:PORT, [V6] or V6, a zone id kept ("fe80::1%eth0"); port lists for
 * -p; and the checks that keep a mistyped address away from name
 * resolution. */
#ifndef TCPSHAKE_TARGET_H
#define TCPSHAKE_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "segment.h"

struct target {
	char		 host[256];	/* address or name, zone id included */
	uint16_t	 port;		/* 0: none given */
};

/* Split s into host and port. An unbracketed IPv6 address whose last
 * group could be a port ("2001:db8::2:80") is refused, naming both ways
 * to write it (TARGET_AMBIGUOUS: a command with -p adds that way). Returns
 * 0, or -1 or TARGET_AMBIGUOUS with one line in err. */
#define TARGET_AMBIGUOUS	(-2)
int	 target_parse(const char *s, struct target *, char *err,
	    size_t errlen);
/* The host's address: a literal is checked and converted here (a string
 * of digits and dots must be a whole dotted quad), only a name goes to
 * getaddrinfo. *scope gets an IPv6 zone's interface index, or 0. */
int	 target_resolve(const char *host, struct ipaddr *, uint32_t *scope,
	    char *err, size_t errlen);
/* The host resolved (target_resolve) and the way to it (route_lookup,
 * with ifname and src as given, r->canon the host): 0; -1 when the host
 * does not resolve, TARGET_NO_ROUTE when there is no way; one line in
 * err. */
#define TARGET_NO_ROUTE		(-3)
struct route;
int	 target_route(const char *host, const char *ifname, const char *src,
	    struct route *r, char *err, size_t errlen);
/* "20-25,80,443" into a new array of ports; exit 2 naming `what` when
 * it is not such a list. */
uint16_t *target_ports(const char *s, uint32_t *n, const char *what);

#endif
