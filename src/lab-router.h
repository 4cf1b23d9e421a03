/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab-router.h: what the lab's router does besides routing: NAT, a
 * synproxy, a firewall, and counting conntrack's INVALID drops. */
#ifndef TCPSHAKE_LAB_ROUTER_H
#define TCPSHAKE_LAB_ROUTER_H

#include <stdbool.h>
#include <stdio.h>

#include "lab-types.h"

#define LAB_ROUTER_TABLE	"tcpshake_lab"

/* Parse --firewall's "drop|reject" and "PORT" into a rule; false with
 * *error. */
bool	 lab_firewall_parse(const char *action, const char *port,
	    struct lab_firewall *, char **error);
/* The router's nftables table (and the sysctls its synproxy needs). */
bool	 lab_router_setup(const struct lab_config *, char **error);
/* "nat, synproxy, firewall drop 81" or "routing only" into buf. */
void	 lab_router_describe(const struct lab_router *, char *buf,
	    size_t len);
/* The counters of the router's rules, one line each; how many packets
 * they dropped in all. */
unsigned long lab_router_counters(const char *name, FILE *f);

#endif
