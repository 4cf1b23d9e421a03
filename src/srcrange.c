/* SPDX-License-Identifier: GPL-2.0-or-later */
/* srcrange.c: a source prefix for forged probes, held to the lab's
 * benchmarking ranges, and random addresses drawn from it. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "srcrange.h"

/* The only ranges a forged source may come from (RFC 2544, RFC 3849). */
static const struct {
	int		 family;
	uint8_t		 a[16];
	int		 plen;
	const char	*name;
} lab_ranges[] = {
	{ AF_INET, { 198, 18 }, 15, "198.18.0.0/15" },
	{ AF_INET6, { 0x20, 0x01, 0x0d, 0xb8 }, 32, "2001:db8::/32" },
};

static int
addr_bytes(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* Whether the first plen bits of a and b agree. */
static bool
prefix_eq(const uint8_t *a, const uint8_t *b, int plen)
{
	int full = plen / 8, rest = plen % 8;
	uint8_t mask;

	if (memcmp(a, b, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

bool
srcrange_contains(const struct srcrange *r, const struct ipaddr *a)
{
	return a->family == r->net.family &&
	    prefix_eq(a->a, r->net.a, r->plen);
}

static bool
srcrange_in_lab(const struct srcrange *r)
{
	size_t i;

	for (i = 0; i < sizeof lab_ranges / sizeof lab_ranges[0]; i++)
		if (lab_ranges[i].family == r->net.family &&
		    r->plen >= lab_ranges[i].plen &&
		    prefix_eq(r->net.a, lab_ranges[i].a, lab_ranges[i].plen))
			return true;
	return false;
}

bool
srcrange_parse(const char *text, struct srcrange *r, char *err,
    size_t errlen)
{
	char addr[INET6_ADDRSTRLEN + 1], *end;
	const char *slash = strchr(text, '/');
	long plen;
	int i, nb;

	memset(r, 0, sizeof *r);
	if (slash == NULL || (size_t)(slash - text) >= sizeof addr)
		goto bad;
	memcpy(addr, text, (size_t)(slash - text));
	addr[slash - text] = '\0';
	if (!ipaddr_parse(addr, &r->net))
		goto bad;
	nb = addr_bytes(r->net.family);
	plen = strtol(slash + 1, &end, 10);
	if (*end != '\0' || end == slash + 1 || plen < 0 || plen > nb * 8)
		goto bad;
	r->plen = (int)plen;
	/* Host bits off: 198.18.100.7/24 is 198.18.100.0/24. */
	for (i = 0; i < nb; i++)
		if (i * 8 >= r->plen)
			r->net.a[i] = 0;
		else if (i * 8 + 8 > r->plen)
			r->net.a[i] &= (uint8_t)(0xff << (8 - (r->plen - i * 8)));
	if (!srcrange_in_lab(r)) {
		snprintf(err, errlen, "--source-range %s: forged sources must "
		    "lie inside the lab's 198.18.0.0/15 or 2001:db8::/32",
		    text);
		return false;
	}
	return true;
bad:
	snprintf(err, errlen, "--source-range '%s': not a prefix (give e.g. "
	    "198.18.100.0/24 or 2001:db8:100::/48)", text);
	return false;
}

void
srcrange_pick(const struct srcrange *r, const uint64_t rnd[2],
    struct ipaddr *out)
{
	int i, nb = addr_bytes(r->net.family);
	uint8_t host, bits;

	*out = r->net;
	for (i = 0; i < nb; i++) {
		if (i * 8 + 8 <= r->plen)
			continue;
		host = (uint8_t)(rnd[i / 8] >> (8 * (i % 8)));
		bits = i * 8 >= r->plen ? 0xff :
		    (uint8_t)(0xff >> (r->plen - i * 8));
		out->a[i] = (uint8_t)((r->net.a[i] & ~bits) | (host & bits));
	}
}

void
srcrange_str(const struct srcrange *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(r->net.family, r->net.a, a, sizeof a);
	snprintf(buf, len, "%s/%d", a, r->plen);
}
