/* SPDX-License-Identifier: GPL-2.0-or-later */
/* srcrange.h: forged source addresses for `probe --source-range`: a
 * prefix inside the lab's own ranges, and a random address in it. */
#ifndef TCPSHAKE_SRCRANGE_H
#define TCPSHAKE_SRCRANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "segment.h"

struct srcrange {
	struct ipaddr	net;	/* host bits zero */
	int		plen;	/* prefix length */
};

/* "198.18.100.0/24" or "2001:db8:100::/48" into r; it must lie inside
 * 198.18.0.0/15 or 2001:db8::/32 (addresses nobody else owns). False with
 * a sentence in err when it is not a prefix or lies outside. */
bool	 srcrange_parse(const char *text, struct srcrange *r, char *err,
	    size_t errlen);
/* Whether a is inside r. */
bool	 srcrange_contains(const struct srcrange *r, const struct ipaddr *a);
/* An address of r: its host bits from rnd (two 64-bit random words). */
void	 srcrange_pick(const struct srcrange *r, const uint64_t rnd[2],
	    struct ipaddr *out);
/* "198.18.100.0/24" */
void	 srcrange_str(const struct srcrange *r, char *buf, size_t len);

#endif
