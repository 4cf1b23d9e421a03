/* SPDX-License-Identifier: GPL-2.0-or-later */
/* explain.h: header fields in words, for people learning TCP (read -e),
 * and the names of the ICMP errors that quote a TCP segment. */
#ifndef TCPSHAKE_EXPLAIN_H
#define TCPSHAKE_EXPLAIN_H

#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "event.h"
#include "explain-flow.h"

/* After a segment's line: one indented line per IP and TCP header field,
 * option and the payload, saying what it holds and what it means. With
 * ctx (from explain_ctx_new(), NULL for none) the SYNs seen earlier in
 * the capture tell the scaled window and a SYN cookie's marks. */
void	 explain_segment(FILE *out, const struct event *ev,
	    struct explain_ctx *ctx);

/* "port unreachable", "time exceeded in transit", ... for an ICMP (AF_INET)
 * or ICMPv6 (AF_INET6) error; NULL when the type/code has no name here. */
const char *explain_icmp_name(sa_family_t family, uint8_t type, uint8_t code);

#endif
