/* SPDX-License-Identifier: GPL-2.0-or-later */
/* target.c: HOST[:PORT] and friends, checked before any name lookup, and
 * -p port lists. */
#include "config.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"
#include "target.h"
#include "xmalloc.h"

static bool
all_of(const char *s, const char *set)
{
	return *s != '\0' && s[strspn(s, set)] == '\0';
}

static bool
is_v6(const char *s)
{
	char buf[INET6_ADDRSTRLEN + 1];
	struct in6_addr a;
	size_t n = strcspn(s, "%");

	if (n >= sizeof buf)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, &a) == 1;
}

static int
port_of(const char *s, const char *whole, uint16_t *port, char *err,
    size_t errlen)
{
	unsigned long v;
	char *end;

	if (!all_of(s, "0123456789") || strlen(s) > 5 ||
	    (v = strtoul(s, &end, 10)) < 1 || v > 65535) {
		snprintf(err, errlen, "'%s': port '%s' is not a number in "
		    "1..65535", whole, s);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

/* An unbracketed string with two colons or more: IPv6, never a port. */
static int
parse_v6_bare(const char *s, struct target *t, char *err, size_t errlen)
{
	const char *last = strrchr(s, ':');
	char head[256];

	if (!is_v6(s)) {
		snprintf(err, errlen, "'%s' is not an IPv6 address (an "
		    "address with a port is written [2001:db8::2]:80)", s);
		return -1;
	}
	/* "2001:db8::2:80" is an address, but maybe not the one meant. */
	if (strchr(s, '%') == NULL && all_of(last + 1, "0123456789") &&
	    (size_t)(last - s) < sizeof head) {
		memcpy(head, s, (size_t)(last - s));
		head[last - s] = '\0';
		if (is_v6(head)) {
			snprintf(err, errlen, "'%s' is ambiguous: write "
			    "[%s]:%s for port %s of %s, or [%s] for the "
			    "address", s, head, last + 1, last + 1, head, s);
			return TARGET_AMBIGUOUS;
		}
	}
	snprintf(t->host, sizeof t->host, "%s", s);
	return 0;
}

static int
parse_bracket(const char *s, struct target *t, char *err, size_t errlen)
{
	const char *close = strchr(s, ']');
	size_t n;

	if (close == NULL || (close[1] != '\0' && close[1] != ':')) {
		snprintf(err, errlen, "'%s' is not [ADDRESS]:PORT (as in "
		    "[2001:db8::2]:80)", s);
		return -1;
	}
	n = (size_t)(close - s - 1);
	if (n == 0 || n >= sizeof t->host) {
		snprintf(err, errlen, "'%s' has no address in its brackets",
		    s);
		return -1;
	}
	memcpy(t->host, s + 1, n);
	t->host[n] = '\0';
	if (!is_v6(t->host)) {
		snprintf(err, errlen, "'%s': brackets hold an IPv6 address, "
		    "and '%s' is not one", s, t->host);
		return -1;
	}
	if (close[1] == ':')
		return port_of(close + 2, s, &t->port, err, errlen);
	return 0;
}

int
target_parse(const char *s, struct target *t, char *err, size_t errlen)
{
	const char *colon = strchr(s, ':');

	memset(t, 0, sizeof *t);
	if (*s == '\0') {
		snprintf(err, errlen, "the target is empty (give an address "
		    "or a host name)");
		return -1;
	}
	if (s[0] == '[')
		return parse_bracket(s, t, err, errlen);
	if (colon != NULL && strchr(colon + 1, ':') != NULL)
		return parse_v6_bare(s, t, err, errlen);
	if (strlen(s) >= sizeof t->host) {
		snprintf(err, errlen, "the target '%.20s...' is too long", s);
		return -1;
	}
	snprintf(t->host, sizeof t->host, "%s", s);
	if (colon == NULL)
		return 0;
	t->host[colon - s] = '\0';
	if (t->host[0] == '\0') {
		snprintf(err, errlen, "'%s' has no address before the port",
		    s);
		return -1;
	}
	return port_of(colon + 1, s, &t->port, err, errlen);
}

static int
resolve_v6(const char *host, struct ipaddr *out, uint32_t *scope,
    char *err, size_t errlen)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *zone = strchr(host, '%');
	size_t n = zone != NULL ? (size_t)(zone - host) : strlen(host);

	if (n >= sizeof buf || !is_v6(host)) {
		snprintf(err, errlen, "'%s' is not an IPv6 address", host);
		return -1;
	}
	memcpy(buf, host, n);
	buf[n] = '\0';
	memset(out, 0, sizeof *out);
	out->family = AF_INET6;
	inet_pton(AF_INET6, buf, out->a);
	if (zone == NULL)
		return 0;
	if (all_of(zone + 1, "0123456789"))
		*scope = (uint32_t)strtoul(zone + 1, NULL, 10);
	else
		*scope = if_nametoindex(zone + 1);
	if (*scope == 0 || if_indextoname(*scope, buf) == NULL) {
		snprintf(err, errlen, "'%s': no interface '%s' for the zone "
		    "(see 'ip link')", host, zone + 1);
		return -1;
	}
	return 0;
}

int
target_resolve(const char *host, struct ipaddr *out, uint32_t *scope,
    char *err, size_t errlen)
{
	*scope = 0;
	if (strchr(host, ':') != NULL)
		return resolve_v6(host, out, scope, err, errlen);
	if (all_of(host, "0123456789.")) {
		memset(out, 0, sizeof *out);
		out->family = AF_INET;
		if (inet_pton(AF_INET, host, out->a) != 1) {
			snprintf(err, errlen, "'%s' is not an IPv4 address "
			    "(four numbers 0-255: 198.18.0.2)", host);
			return -1;
		}
		return 0;
	}
	return route_resolve(host, AF_UNSPEC, out, err, errlen);
}

int
target_route(const char *host, const char *ifname, const char *src,
    struct route *r, char *err, size_t errlen)
{
	if (target_resolve(host, &r->dst, &r->scope, err, errlen) == -1)
		return -1;
	snprintf(r->canon, sizeof r->canon, "%s", host);
	if (route_lookup(r, ifname, src, err, errlen) == -1)
		return TARGET_NO_ROUTE;
	return 0;
}

static uint16_t
one_port(const char *tok, const char *whole, const char *what)
{
	unsigned long v;

	if (!all_of(tok, "0123456789"))
		fatalx("%s: '%s' is not a port list (ports 1-65535, as in "
		    "80 or 20-25,443)", what, whole);
	v = strlen(tok) > 5 ? 0 : strtoul(tok, NULL, 10);
	if (v < 1 || v > 65535)
		fatalx("%s: '%s' is not a number in 1..65535", what, tok);
	return (uint16_t)v;
}

uint16_t *
target_ports(const char *s, uint32_t *n, const char *what)
{
	char *copy = xstrdup(s), *tok, *next, *dash;
	uint16_t *ports = NULL;
	uint32_t lo, hi, p;

	*n = 0;
	for (tok = copy; tok != NULL; tok = next) {
		if ((next = strchr(tok, ',')) != NULL)
			*next++ = '\0';
		if (*tok == '\0')
			fatalx("%s: '%s' has an empty entry (write -p 80,81 "
			    "or -p 80-90)", what, s);
		if ((dash = strchr(tok, '-')) != NULL)
			*dash = '\0';
		lo = hi = one_port(tok, s, what);
		if (dash != NULL)
			hi = one_port(dash + 1, s, what);
		if (hi < lo)
			fatalx("%s: range %u-%u runs backwards", what, lo, hi);
		if (*n + (hi - lo + 1) > 65535 * 4)
			fatalx("%s: '%s' lists too many ports", what, s);
		ports = xreallocarray(ports, *n + (hi - lo + 1),
		    sizeof *ports);
		for (p = lo; p <= hi; p++)
			ports[(*n)++] = (uint16_t)p;
	}
	free(copy);
	return ports;
}
