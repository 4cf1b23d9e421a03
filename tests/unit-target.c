/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-target.c: targets as the command line writes them, and the
 * literal checks that keep a mistyped address away from name resolution;
 * the edit distance behind "did you mean". */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>

#include "check.h"
#include "cli.h"
#include "target.h"

static void
good(const char *s, const char *host, unsigned port)
{
	struct target t;
	char err[256] = "";

	CHECK_INT(target_parse(s, &t, err, sizeof err), 0);
	CHECK_STR(t.host, host);
	CHECK_INT(t.port, port);
}

static void
bad(const char *s, int rc, const char *want)
{
	struct target t;
	char err[256] = "";

	CHECK_INT(target_parse(s, &t, err, sizeof err), rc);
	CHECK_(strstr(err, want) != NULL, "'%s': '%s' says '%s'", s, err,
	    want);
}

static void
literal(const char *host, int rc, int family)
{
	struct ipaddr a;
	uint32_t scope;
	char err[256] = "";

	CHECK_INT(target_resolve(host, &a, &scope, err, sizeof err), rc);
	if (rc == 0)
		CHECK_INT(a.family, family);
	else
		CHECK_(strstr(err, "is not an IPv") != NULL, "%s: %s", host,
		    err);
}

int
main(void)
{
	struct ipaddr a;
	uint32_t scope = 7, n;
	uint16_t *p;
	char err[256];

	good("198.18.0.2", "198.18.0.2", 0);
	good("198.18.0.2:80", "198.18.0.2", 80);
	good("lab.example:443", "lab.example", 443);
	good("2001:db8::2", "2001:db8::2", 0);
	good("[2001:db8::2]:80", "2001:db8::2", 80);
	good("[2001:db8::2:80]", "2001:db8::2:80", 0);
	good("fe80::1%lo", "fe80::1%lo", 0);
	good("[fe80::1%lo]:22", "fe80::1%lo", 22);
	good("2001:db8::2:ab", "2001:db8::2:ab", 0);
	good("2001:db8:0:0:0:0:0:2", "2001:db8:0:0:0:0:0:2", 0);
	bad("2001:db8::2:80", TARGET_AMBIGUOUS,
	    "write [2001:db8::2]:80 for port 80");
	bad("", -1, "empty");
	bad(":80", -1, "no address before the port");
	bad("198.18.0.2:", -1, "port '' is not a number");
	bad("198.18.0.2:0", -1, "port '0' is not a number in 1..65535");
	bad("198.18.0.2:65536", -1, "port '65536'");
	bad("198.18.0.2:8o", -1, "port '8o'");
	bad("[2001:db8::2", -1, "is not [ADDRESS]:PORT");
	bad("[2001:db8::2]80", -1, "is not [ADDRESS]:PORT");
	bad("[]:80", -1, "no address in its brackets");
	bad("[198.18.0.2]:80", -1, "brackets hold an IPv6 address");
	bad("2001:db8:::2", -1, "is not an IPv6 address");

	literal("198.18.0.2", 0, AF_INET);
	literal("999.1.1.1", -1, 0);
	literal("198.18.0.256", -1, 0);
	literal("198.18.0", -1, 0);
	literal("198.18.0.2.1", -1, 0);
	literal("1", -1, 0);
	literal("2001:db8::2", 0, AF_INET6);
	literal("2001:db8::g", -1, 0);
	CHECK_INT(target_resolve("fe80::1%lo", &a, &scope, err, sizeof err),
	    0);
	CHECK(scope != 0);
	CHECK_INT(target_resolve("fe80::1%nosuch0", &a, &scope, err,
	    sizeof err), -1);
	CHECK(strstr(err, "no interface 'nosuch0'") != NULL);

	p = target_ports("20-22,80", &n, "-p");
	CHECK_INT(n, 4);
	CHECK_INT(p[0], 20);
	CHECK_INT(p[3], 80);
	free(p);

	CHECK_INT(cli_distance("win", "win"), 0);
	CHECK_INT(cli_distance("wn", "win"), 1);
	CHECK_INT(cli_distance("wscael", "wscale"), 2);
	CHECK_INT(cli_distance("", "abc"), 3);
	return check_done();
}
