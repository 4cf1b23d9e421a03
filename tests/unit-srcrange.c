/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-srcrange.c: --source-range prefixes: parsed, held to the lab's
 * ranges (anything else refused with one sentence), and every picked
 * address inside its prefix, with the host bits varying. */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "check.h"
#include "srcrange.h"

static void
parses(const char *text, const char *want)
{
	struct srcrange r;
	char err[256] = "", got[64] = "";

	CHECK_(srcrange_parse(text, &r, err, sizeof err), "%s parses (%s)",
	    text, err);
	srcrange_str(&r, got, sizeof got);
	CHECK_(strcmp(got, want) == 0, "%s is %s (got %s)", text, want, got);
}

static void
refused(const char *text, const char *why)
{
	struct srcrange r;
	char err[256] = "";

	CHECK_(!srcrange_parse(text, &r, err, sizeof err) &&
	    strstr(err, why) != NULL && strchr(err, '\n') == NULL,
	    "%s refused: %s", text, err);
}

static void
picks(const char *text, int n)
{
	struct srcrange r;
	struct ipaddr a, first;
	uint64_t rnd[2] = { 0x0123456789abcdefull, 0xfedcba9876543210ull };
	char err[256];
	bool inside = true, varies = false;
	int i;

	srcrange_parse(text, &r, err, sizeof err);
	for (i = 0; i < n; i++) {
		rnd[0] = rnd[0] * 6364136223846793005ull + 1442695040888963407ull;
		rnd[1] ^= rnd[0] >> 7;
		srcrange_pick(&r, rnd, &a);
		inside &= srcrange_contains(&r, &a);
		if (i == 0)
			first = a;
		else
			varies |= !ipaddr_eq(&a, &first);
	}
	CHECK_(inside, "%s: %d picks all inside", text, n);
	CHECK_(varies, "%s: the picks vary", text);
}

int
main(void)
{
	struct srcrange r;
	struct ipaddr a;
	uint64_t rnd[2] = { ~0ull, ~0ull };
	char err[256];

	parses("198.18.100.0/24", "198.18.100.0/24");
	parses("198.18.100.77/24", "198.18.100.0/24");
	parses("198.19.0.0/16", "198.19.0.0/16");
	parses("198.18.0.0/15", "198.18.0.0/15");
	parses("198.18.3.4/32", "198.18.3.4/32");
	parses("2001:db8:100::/48", "2001:db8:100::/48");
	parses("2001:db8::/32", "2001:db8::/32");
	refused("10.0.0.0/8", "inside the lab's 198.18.0.0/15");
	refused("198.16.0.0/14", "inside the lab's");
	refused("198.20.0.0/24", "inside the lab's");
	refused("2001:db9::/32", "inside the lab's");
	refused("2001::/16", "inside the lab's");
	refused("0.0.0.0/0", "inside the lab's");
	refused("198.18.100.0", "not a prefix");
	refused("198.18.100.0/33", "not a prefix");
	refused("198.18.100.0/", "not a prefix");
	refused("nowhere/24", "not a prefix");
	picks("198.18.100.0/24", 64);
	picks("198.19.128.0/17", 64);
	picks("2001:db8:100::/48", 64);
	picks("2001:db8::/120", 64);
	/* All host bits set stays inside; a /32 gives its one address. */
	srcrange_parse("198.18.100.0/23", &r, err, sizeof err);
	srcrange_pick(&r, rnd, &a);
	CHECK_(srcrange_contains(&r, &a) && a.a[2] == 101 && a.a[3] == 255,
	    "/23 all ones: 198.18.101.255");
	srcrange_parse("198.18.3.4/32", &r, err, sizeof err);
	srcrange_pick(&r, rnd, &a);
	CHECK_(a.a[0] == 198 && a.a[1] == 18 && a.a[2] == 3 && a.a[3] == 4,
	    "/32: the address itself");
	return check_done();
}
