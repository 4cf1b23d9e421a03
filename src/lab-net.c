/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab-net.c: the lab's namespaces and links: veth pairs made inside the
 * namespaces, addresses, offloads off, routes through the router. */
#include "config.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab-net.h"
#include "lab-sys.h"
#include "xmalloc.h"

static const struct lab_end lab_direct[] = {
	{ LAB_CLIENT, LAB_CLIENT_IF, LAB_CLIENT_V4, LAB_CLIENT_V6 },
	{ LAB_SERVER, LAB_SERVER_IF, LAB_SERVER_V4, LAB_SERVER_V6 },
};

static const struct lab_end lab_routed[] = {
	{ LAB_CLIENT, LAB_CLIENT_IF, LAB_CLIENT_V4, LAB_CLIENT_V6 },
	{ LAB_ROUTER, LAB_ROUTER_CIF, LAB_ROUTER_CV4, LAB_ROUTER_CV6 },
	{ LAB_ROUTER, LAB_ROUTER_SIF, LAB_ROUTER_SV4, LAB_ROUTER_SV6 },
	{ LAB_SERVER, LAB_SERVER_IF, LAB_ROUTED_SERVER_V4,
	    LAB_ROUTED_SERVER_V6 },
};

size_t
lab_net_ends(bool router, const struct lab_end **ends)
{
	*ends = router ? lab_routed : lab_direct;
	return router ? 4 : 2;
}

/* Turn checksum offload, TSO, GSO and GRO off on the veth end (the
 * default: the capture sees real segments with real checksums, not 64 KB
 * super-packets carrying partial sums), or on (--offloads on: what a
 * container's veth gives). Called inside the namespace. */
static void
lab_offloads_set(const char *ifname, bool on)
{
	static const uint32_t cmds[] = {
		ETHTOOL_STXCSUM, ETHTOOL_STSO, ETHTOOL_SGSO, ETHTOOL_SGRO,
	};
	struct ethtool_value ev;
	struct ifreq ifr;
	size_t i;
	int fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		memset(&ifr, 0, sizeof ifr);
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
		ev.cmd = cmds[i];
		ev.data = on;
		ifr.ifr_data = (void *)&ev;
		ioctl(fd, SIOCETHTOOL, &ifr);
	}
	close(fd);
}

static bool
lab_ns_add(const char *name, enum lab_side side, char **error)
{
	char ns[32];
	char *argv[] = { "ip", "netns", "add", ns, NULL };

	lab_ns_name(name, side, ns, sizeof ns);
	/* Links made in it later skip duplicate address detection for their
	 * link-local addresses too: while one is tentative (about 1 s) no
	 * neighbour solicitation leaves, and IPv6 sends are dropped. */
	return lab_cmd(error, argv) && lab_sysctl_write(name, side,
	    "net.ipv6.conf.default.accept_dad", "0", error);
}

/* Loopback up, addresses on the veth end (IPv6 without DAD, so it is
 * usable at once; the link-local one too, by the namespace's default), link up, offloads off (or on). */
static bool
lab_end_setup(const char *name, const struct lab_end *e, bool offloads,
    char **error)
{
	char ns[32], v4[64], v6[64];
	char *lo[] = { "ip", "-n", ns, "link", "set", "lo", "up", NULL };
	char *a4[] = { "ip", "-n", ns, "addr", "add", v4, "dev",
	    (char *)e->ifname, NULL };
	char *a6[] = { "ip", "-n", ns, "addr", "add", v6, "dev",
	    (char *)e->ifname, "nodad", NULL };
	char *up[] = { "ip", "-n", ns, "link", "set", (char *)e->ifname,
	    "up", NULL };
	int saved;

	lab_ns_name(name, e->side, ns, sizeof ns);
	snprintf(v4, sizeof v4, "%s/%d", e->v4, LAB_V4_PREFIX);
	snprintf(v6, sizeof v6, "%s/%d", e->v6, LAB_V6_PREFIX);
	if (!lab_cmd(error, lo) || !lab_cmd(error, a4) ||
	    !lab_cmd(error, a6) || !lab_cmd(error, up))
		return false;
	if (!lab_enter(name, e->side, &saved, error))
		return false;
	lab_offloads_set(e->ifname, offloads);
	lab_leave(saved);
	return true;
}

bool
lab_end_running(const char *name, const struct lab_end *e)
{
	struct ifreq ifr;
	char *error = NULL;
	bool running = false;
	int saved, fd;

	if (!lab_enter(name, e->side, &saved, &error)) {
		free(error);
		return false;
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) != -1) {
		memset(&ifr, 0, sizeof ifr);
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", e->ifname);
		running = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 &&
		    (ifr.ifr_flags & IFF_RUNNING);
		close(fd);
	}
	lab_leave(saved);
	return running;
}

/* Until a veth end is running its queue discipline drops what is sent. */
static bool
lab_links_wait(const char *name, const struct lab_end *ends, size_t n,
    char **error)
{
	int waited;
	size_t i;

	for (waited = 0; waited <= LAB_WAIT_MS && !lab_interrupted;
	    waited += LAB_POLL_MS) {
		for (i = 0; i < n && lab_end_running(name, &ends[i]); i++)
			;
		if (i == n)
			return true;
		lab_sleep_ms(LAB_POLL_MS);
	}
	xasprintf(error, "the lab's veth links did not come up within %d ms",
	    LAB_WAIT_MS);
	return false;
}

/* One veth pair, each end made straight into its namespace. */
static bool
lab_veth_add(const char *name, const struct lab_end *a,
    const struct lab_end *b, bool offloads, char **error)
{
	char na[32], nb[32];
	char *veth[] = { "ip", "link", "add", (char *)a->ifname, "netns", na,
	    "type", "veth", "peer", "name", (char *)b->ifname, "netns", nb,
	    NULL };

	lab_ns_name(name, a->side, na, sizeof na);
	lab_ns_name(name, b->side, nb, sizeof nb);
	return lab_cmd(error, veth) &&
	    lab_end_setup(name, a, offloads, error) &&
	    lab_end_setup(name, b, offloads, error);
}

/* A default route in END's namespace through VIA's addresses. */
static bool
lab_route_add(const char *name, const struct lab_end *end,
    const struct lab_end *via, char **error)
{
	char ns[32];
	char *r4[] = { "ip", "-n", ns, "route", "add", "default", "via",
	    (char *)via->v4, NULL };
	char *r6[] = { "ip", "-6", "-n", ns, "route", "add", "default",
	    "via", (char *)via->v6, NULL };

	lab_ns_name(name, end->side, ns, sizeof ns);
	return lab_cmd(error, r4) && lab_cmd(error, r6);
}

/* The client and the server route through the router's ends; the router
 * forwards. */
static bool
lab_routes_add(const char *name, const struct lab_end *ends, char **error)
{
	return lab_route_add(name, &ends[0], &ends[1], error) &&
	    lab_route_add(name, &ends[3], &ends[2], error) &&
	    lab_sysctl_write(name, LAB_ROUTER, "net.ipv4.ip_forward", "1",
	    error) && lab_sysctl_write(name, LAB_ROUTER,
	    "net.ipv6.conf.all.forwarding", "1", error);
}

bool
lab_net_setup(const struct lab_config *cf, char **error)
{
	const struct lab_end *ends;
	size_t n = lab_net_ends(cf->router.enabled, &ends), i;

	if (!lab_ns_add(cf->name, LAB_CLIENT, error) ||
	    !lab_ns_add(cf->name, LAB_SERVER, error) ||
	    (cf->router.enabled && !lab_ns_add(cf->name, LAB_ROUTER, error)))
		return false;
	for (i = 0; i < n; i += 2)
		if (lab_interrupted ||
		    !lab_veth_add(cf->name, &ends[i], &ends[i + 1],
		    cf->offloads, error))
			return false;
	if (cf->router.enabled && !lab_routes_add(cf->name, ends, error))
		return false;
	return lab_links_wait(cf->name, ends, n, error);
}
