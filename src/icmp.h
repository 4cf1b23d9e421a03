/* SPDX-License-Identifier: GPL-2.0-or-later */
/* icmp.h: an ICMP error about a TCP segment, as a scenario line writes it
 * (packetdrill's "icmp unreachable frag_needed mtu 1200 [1:1461(1460)]")
 * and as it goes on the wire: names, text form, numbers per family. */
#ifndef TCPSHAKE_ICMP_H
#define TCPSHAKE_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "segment.h"

#define ICMP_NAME_MAX	32	/* "host_unreachable_for_tos", "type_255" */

/*
 * The line's form, family-free: packetdrill names ICMP types and codes
 * after the run's family ("unreachable" is type 3 in IPv4, 1 in ICMPv6;
 * "packet_too_big" is ICMPv6's alone), and a scenario learns the family
 * from its target only when it runs. The words are kept as written and
 * turned into numbers by icmp_resolve().
 *
 *	icmp TYPE [CODE] [mtu N] [[start:end(len)]]
 *
 * The bracket quotes the target's segment the error is about: start is
 * in the target's numbers (relative to its ISN, as the target's numbers
 * on '>' lines are); without it, the quote carries the target's ISN
 * (relative 0) and a length of 0.
 */
struct icmp_msg {
	char		 type[ICMP_NAME_MAX];
	char		 code[ICMP_NAME_MAX];	/* "": none written (code 0) */
	bool		 has_mtu;
	uint32_t	 mtu;
	bool		 has_quote;
	uint32_t	 seq;		/* start */
	uint32_t	 len;		/* end - start */
};

/* On the wire: numbers of one family, and the segment quoted. */
struct icmp_wire {
	uint8_t		 type;
	uint8_t		 code;
	uint32_t	 rest;		/* bytes 4-7: IPv4's next-hop MTU in
					 * the low 16 bits, ICMPv6's MTU */
	struct segment	 quote;		/* src, dst, sport, dport, seq, len
					 * (payload bytes: the quoted IP
					 * header's length counts them) */
};

/* Parse the text after the direction, from "icmp" on. False with err
 * (column 1-based in text) when it is not one. */
bool	 icmp_parse(const char *text, struct icmp_msg *, struct text_error *);
/* The text form, "icmp unreachable frag_needed mtu 1200 [1:1461(1460)]":
 * icmp_parse() gives the same back. Into a new string; free() it. */
char	*icmp_format(const struct icmp_msg *);

/* The numbers for family (AF_INET, AF_INET6): false with one sentence in
 * err when the words name nothing there ("frag_needed" in an IPv6 run).
 * The quote is left to the caller. */
bool	 icmp_resolve(const struct icmp_msg *, int family,
	    struct icmp_wire *, char *err, size_t errlen);

/* A message whose bytes 4-7 carry an MTU: IPv4's unreachable
 * frag_needed (RFC 1191), ICMPv6's packet_too_big (RFC 4443). */
bool	 icmp_has_mtu(int family, uint8_t type, uint8_t code);

/* The line's form of what arrived (a capture's ICMP error): names where
 * family has them, else type_N, code_N; the quote's seq as given (the
 * caller makes it relative). */
void	 icmp_from_wire(int family, uint8_t type, uint8_t code, uint32_t rest,
	    uint32_t seq, uint32_t len, struct icmp_msg *);

#endif
