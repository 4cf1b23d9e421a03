/* SPDX-License-Identifier: GPL-2.0-or-later */
/* agent-addr.c: the addresses a system-call line writes, packetdrill's
 * --local_ip and --remote_ip, as the lab's; and the lab's read back
 * (accept, getsockname, getpeername) as the file's names (agent.h). */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "agent.h"
#include "syscall.h"

/* packetdrill's names of the two ends where the file gives none: its
 * defaults for IPv4 (and IPv4-mapped IPv6), run_all.py's for IPv6. */
#define NAME_LOCAL_V4	"192.168.0.1"
#define NAME_REMOTE_V4	"192.0.2.1"
#define NAME_LOCAL_V6	"fd3d:a0b:17d6::1"
#define NAME_REMOTE_V6	"fd3d:fa7b:d17d::1"

void
agent_names_init(struct agent_names *n, const struct script *sc, bool v6)
{
	const char *l = script_option(sc, "local_ip");
	const char *r = script_option(sc, "remote_ip");

	if (l == NULL || !ipaddr_parse(l, &n->local))
		ipaddr_parse(v6 ? NAME_LOCAL_V6 : NAME_LOCAL_V4, &n->local);
	if (r == NULL || !ipaddr_parse(r, &n->remote))
		ipaddr_parse(v6 ? NAME_REMOTE_V6 : NAME_REMOTE_V4, &n->remote);
}

/* An IPv4-mapped IPv6 address as the IPv4 one; others as they are. */
static void
unmap(struct ipaddr *ip)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	if (ip->family == AF_INET6 && memcmp(ip->a, prefix, 12) == 0) {
		ip->family = AF_INET;
		memmove(ip->a, ip->a + 12, 4);
		memset(ip->a + 4, 0, 12);
	}
}

int
agent_addr_end(const struct agent_names *n, const struct sx *addr,
    char *why, size_t len)
{
	struct ipaddr ip, l = n->local, r = n->remote;
	char ls[64], rs[64];

	memset(&ip, 0, sizeof ip);
	if (addr == NULL || addr->kind != SX_ADDR || !ipaddr_parse(addr->s,
	    &ip)) {
		snprintf(why, len, "an address is written inet_addr(\"A\") or "
		    "inet6_addr(\"A\")");
		return -1;
	}
	unmap(&ip);
	unmap(&l);
	unmap(&r);
	if (ipaddr_eq(&ip, &l))
		return 1;
	if (ipaddr_eq(&ip, &r))
		return 0;
	snprintf(why, len, "address %s is neither --local_ip (%s, the "
	    "target) nor --remote_ip (%s, the prober): the agent makes its "
	    "calls with the lab's addresses only", addr->s,
	    ipaddr_str(&n->local, ls, sizeof ls),
	    ipaddr_str(&n->remote, rs, sizeof rs));
	return -1;
}

int
agent_sockaddr_end(const struct agent_names *n, const struct sx *sa,
    int dflt, char *why, size_t len)
{
	const struct sx *addr;

	if (sa == NULL || sa->kind == SX_ELLIPSIS)
		return dflt;
	if (sa->kind != SX_STRUCT) {
		snprintf(why, len, "an address is '...' or {sa_family=..., "
		    "sin_port=htons(N), sin_addr=inet_addr(\"A\")}");
		return -1;
	}
	if ((addr = sx_member(sa, "sin_addr")) == NULL)
		addr = sx_member(sa, "sin6_addr");
	return agent_addr_end(n, addr, why, len);
}

/* The end a live address is: 1 the target, 0 the prober, -1 neither. */
static int
live_end(const struct sockaddr *got, const struct ipaddr *target,
    const struct ipaddr *prober, uint16_t *port)
{
	struct ipaddr ip, t = *target, p = *prober;

	memset(&ip, 0, sizeof ip);
	if (got->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)got;

		ip.family = AF_INET;
		memcpy(ip.a, &s4->sin_addr, 4);
		*port = ntohs(s4->sin_port);
	} else if (got->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)got;

		ip.family = AF_INET6;
		memcpy(ip.a, &s6->sin6_addr, 16);
		*port = ntohs(s6->sin6_port);
	} else
		return -1;
	unmap(&ip);
	unmap(&t);
	unmap(&p);
	return ipaddr_eq(&ip, &t) ? 1 : ipaddr_eq(&ip, &p) ? 0 : -1;
}

bool
agent_sockaddr_check(const struct agent_names *n, const struct sx *want,
    const struct sockaddr *got, const struct ipaddr *target,
    const struct ipaddr *prober, char *why, size_t len)
{
	const struct sx *fam, *port;
	uint16_t gport = 0;
	int end, wend;

	if (want == NULL || want->kind != SX_STRUCT)
		return true;
	fam = sx_member(want, "sa_family");
	if (fam != NULL && fam->kind == SX_INT && fam->v != got->sa_family) {
		snprintf(why, len, "the address is of family %s, the line says "
		    "%s", got->sa_family == AF_INET ? "AF_INET" :
		    got->sa_family == AF_INET6 ? "AF_INET6" : "other",
		    fam->v == AF_INET ? "AF_INET" : fam->v == AF_INET6 ?
		    "AF_INET6" : "other");
		return false;
	}
	if ((wend = agent_sockaddr_end(n, want, -1, why, len)) == -1)
		return false;
	end = live_end(got, target, prober, &gport);
	if (end != wend) {
		snprintf(why, len, "the address is %s, the line says %s",
		    end == 1 ? "the target's (--local_ip)" : end == 0 ?
		    "the prober's (--remote_ip)" : "neither end's",
		    wend == 1 ? "the target's (--local_ip)" :
		    "the prober's (--remote_ip)");
		return false;
	}
	/* The prober's port is the engine's, which no line knows. */
	if ((port = sx_member(want, "sin_port")) == NULL)
		port = sx_member(want, "sin6_port");
	if (end == 1 && port != NULL && port->kind == SX_INT &&
	    port->v != gport) {
		snprintf(why, len, "the port is %u, the line says %lld",
		    gport, (long long)port->v);
		return false;
	}
	return true;
}
