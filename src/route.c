/* SPDX-License-Identifier: GPL-2.0-or-later */
/* route.c: target names to addresses, and the routing table's choice of
 * source address and interface, asked of the kernel without sending. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "route.h"

int
route_resolve(const char *name, int family, struct ipaddr *out, char *err,
    size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = SOCK_RAW;
	hints.ai_protocol = IPPROTO_TCP;
	if ((rc = getaddrinfo(name, NULL, &hints, &res)) != 0) {
		snprintf(err, errlen, "cannot resolve '%s': %s", name,
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		memset(out, 0, sizeof *out);
		if (ai->ai_family == AF_INET) {
			const struct sockaddr_in *sin =
			    (const struct sockaddr_in *)ai->ai_addr;
			out->family = AF_INET;
			memcpy(out->a, &sin->sin_addr, 4);
			break;
		}
		if (ai->ai_family == AF_INET6) {
			const struct sockaddr_in6 *sin6 =
			    (const struct sockaddr_in6 *)ai->ai_addr;
			out->family = AF_INET6;
			memcpy(out->a, &sin6->sin6_addr, 16);
			break;
		}
	}
	freeaddrinfo(res);
	if (ai == NULL) {
		snprintf(err, errlen, "cannot resolve '%s': no IPv4 or IPv6 "
		    "address", name);
		return -1;
	}
	return 0;
}

/* struct ipaddr <-> sockaddr, port 0 unless given. */
static socklen_t
route_sockaddr(const struct ipaddr *a, uint16_t port, uint32_t scope,
    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a->a, 4);
		return sizeof *sin;
	}
	{
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_scope_id = scope;
		memcpy(&sin6->sin6_addr, a->a, 16);
		return sizeof *sin6;
	}
}

static bool
route_from_sockaddr(const struct sockaddr *sa, struct ipaddr *a)
{
	memset(a, 0, sizeof *a);
	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET) {
		a->family = AF_INET;
		memcpy(a->a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		a->family = AF_INET6;
		memcpy(a->a, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		    16);
		return true;
	}
	return false;
}

/* The source address the kernel would use towards dst: a UDP socket is
 * connected (nothing is sent) and asked for its name. */
static int
route_source(const struct ipaddr *dst, uint32_t scope, struct ipaddr *src,
    char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	char buf[INET6_ADDRSTRLEN];
	int fd;

	/* connect() on a UDP socket only consults the routing table. */
	if ((fd = socket(dst->family, SOCK_DGRAM, 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	sslen = route_sockaddr(dst, 9, scope, &ss);
	if (connect(fd, (struct sockaddr *)&ss, sslen) == -1) {
		snprintf(err, errlen, "no route to %s: %s",
		    ipaddr_str(dst, buf, sizeof buf), strerror(errno));
		close(fd);
		return -1;
	}
	sslen = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		snprintf(err, errlen, "getsockname: %s", strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (!route_from_sockaddr((struct sockaddr *)&ss, src)) {
		snprintf(err, errlen, "no source address towards %s",
		    ipaddr_str(dst, buf, sizeof buf));
		return -1;
	}
	return 0;
}

/* The interface holding address a (getifaddrs). */
static int
route_iface_of(const struct ipaddr *a, char *ifname, size_t len, char *err,
    size_t errlen)
{
	struct ifaddrs *ifa, *i;
	struct ipaddr got;
	char buf[INET6_ADDRSTRLEN];
	int rc = -1;

	if (getifaddrs(&ifa) == -1) {
		snprintf(err, errlen, "getifaddrs: %s", strerror(errno));
		return -1;
	}
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (route_from_sockaddr(i->ifa_addr, &got) &&
		    ipaddr_eq(&got, a)) {
			snprintf(ifname, len, "%s", i->ifa_name);
			rc = 0;
			break;
		}
	}
	freeifaddrs(ifa);
	if (rc != 0)
		snprintf(err, errlen, "no interface has address %s "
		    "(see 'ip addr')", ipaddr_str(a, buf, sizeof buf));
	return rc;
}

static bool
route_linklocal(const struct ipaddr *a)
{
	return a->family == AF_INET6 && a->a[0] == 0xfe &&
	    (a->a[1] & 0xc0) == 0x80;
}

/* The first address of the given family on interface ifname; a global
 * IPv6 address before a link-local one. */
static int
route_addr_of(const char *ifname, int family, struct ipaddr *out,
    char *err, size_t errlen)
{
	struct ifaddrs *ifa, *i;
	struct ipaddr got;
	bool found = false;

	if (getifaddrs(&ifa) == -1) {
		snprintf(err, errlen, "getifaddrs: %s", strerror(errno));
		return -1;
	}
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (strcmp(i->ifa_name, ifname) != 0 ||
		    !route_from_sockaddr(i->ifa_addr, &got) ||
		    got.family != family)
			continue;
		/* A global address beats a link-local one. */
		if (!found || (route_linklocal(out) && !route_linklocal(&got)))
			*out = got;
		found = true;
	}
	freeifaddrs(ifa);
	if (!found) {
		snprintf(err, errlen, "interface %s has no %s address "
		    "(give --source ADDR)", ifname,
		    family == AF_INET ? "IPv4" : "IPv6");
		return -1;
	}
	return 0;
}

int
route_lookup(struct route *r, const char *ifname, const char *src,
    char *err, size_t errlen)
{
	if (ifname != NULL && r->scope != 0 &&
	    if_nametoindex(ifname) != r->scope) {
		snprintf(err, errlen, "-I %s and the target's zone name two "
		    "interfaces: give one", ifname);
		return -1;
	}
	if (ifname != NULL) {
		if (if_nametoindex(ifname) == 0) {
			snprintf(err, errlen, "no interface '%s' "
			    "(see 'ip link')", ifname);
			return -1;
		}
		snprintf(r->ifname, sizeof r->ifname, "%s", ifname);
	}
	if (src != NULL) {
		if (!ipaddr_parse(src, &r->src)) {
			snprintf(err, errlen, "--source: '%s' is not an IPv4 "
			    "or IPv6 address", src);
			return -1;
		}
		if (r->src.family != r->dst.family) {
			snprintf(err, errlen, "--source: %s is not of the "
			    "target's address family", src);
			return -1;
		}
	} else if (ifname != NULL) {
		if (route_addr_of(ifname, r->dst.family, &r->src, err,
		    errlen) == -1)
			return -1;
	} else if (route_source(&r->dst, r->scope, &r->src, err,
	    errlen) == -1)
		return -1;
	if (ifname == NULL && r->scope != 0 &&
	    if_indextoname(r->scope, r->ifname) != NULL)
		return 0;
	if (ifname == NULL && route_iface_of(&r->src, r->ifname,
	    sizeof r->ifname, err, errlen) == -1)
		return -1;
	return 0;
}
