/* SPDX-License-Identifier: GPL-2.0-or-later */
/* offload.c: checksum verdicts that know CHECKSUM_PARTIAL, the link's
 * MTU and offload settings, and super-segments cut back into what was on
 * the wire. */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checksum.h"
#include "offload.h"
#include "xmalloc.h"

#define TCP_HLEN	20

enum cksum_state
offload_cksum_verdict(uint16_t field, uint16_t right, const struct ipaddr *src,
    const struct ipaddr *dst, size_t tcplen)
{
	if (field == right || (right == 0 && field == 0xffff))
		return CKSUM_OK;
	if (field == cksum_tcp_pseudo(src, dst, tcplen))
		return CKSUM_OFFLOADED;
	return CKSUM_BAD;
}

/* A socket and an ifreq for ifname; -1 when there is no such name. */
static int
offload_ifreq(const char *ifname, struct ifreq *ifr)
{
	if (ifname == NULL || strcmp(ifname, "any") == 0 ||
	    strlen(ifname) >= sizeof ifr->ifr_name)
		return -1;
	memset(ifr, 0, sizeof *ifr);
	memcpy(ifr->ifr_name, ifname, strlen(ifname));
	return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

unsigned
offload_iface_mtu(const char *ifname)
{
	struct ifreq ifr;
	unsigned mtu = 0;
	int fd;

	if ((fd = offload_ifreq(ifname, &ifr)) == -1)
		return 0;
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		mtu = (unsigned)ifr.ifr_mtu;
	close(fd);
	return mtu;
}

bool
offload_iface_segments(const char *ifname)
{
	static const uint32_t cmds[] = { ETHTOOL_GTSO, ETHTOOL_GGSO,
	    ETHTOOL_GGRO };
	struct ethtool_value ev;
	struct ifreq ifr;
	bool on = false;
	size_t i;
	int fd;

	if ((fd = offload_ifreq(ifname, &ifr)) == -1)
		return false;
	for (i = 0; i < sizeof cmds / sizeof cmds[0] && !on; i++) {
		ev.cmd = cmds[i];
		ev.data = 0;
		ifr.ifr_data = (void *)&ev;
		if (ioctl(fd, SIOCETHTOOL, &ifr) == 0 && ev.data != 0)
			on = true;
	}
	close(fd);
	return on;
}

uint32_t
offload_split_size_mss(const struct segment *seg, uint32_t mss)
{
	uint32_t hlen = seg->doff > 0 ? seg->doff * 4u :
	    TCP_HLEN + ((uint32_t)segment_optlen(seg) + 3) / 4 * 4;
	uint32_t optbytes = hlen > TCP_HLEN ? hlen - TCP_HLEN : 0;

	if (seg->truncated || mss <= optbytes || seg->len <= mss - optbytes)
		return 0;
	return mss - optbytes;
}

uint32_t
offload_split_size(const struct segment *seg, uint32_t iplen, unsigned mtu,
    uint16_t syn_mss)
{
	uint32_t iph = seg->src.family == AF_INET6 ? 40 : 20, mss;

	if (mtu == 0 || iplen <= mtu || mtu <= iph + TCP_HLEN)
		return 0;
	mss = mtu - iph - TCP_HLEN;
	if (syn_mss > 0 && syn_mss < mss)
		mss = syn_mss;
	return offload_split_size_mss(seg, mss);
}

size_t
offload_split(const struct segment *seg, uint32_t size, struct segment **out)
{
	size_t n = 1, i;
	struct segment *s, head = *seg;
	uint32_t off, len;

	if (size > 0 && seg->len > size)
		n = (seg->len + size - 1) / size;
	*out = s = xcalloc(n, sizeof *s);
	if (n == 1) {
		segment_init(&s[0]);
		segment_copy(&s[0], seg);
		return 1;
	}
	/* The header fields alone: each piece gets its own bytes. */
	head.data = NULL;
	head.len = 0;
	for (i = 0; i < n; i++) {
		off = (uint32_t)i * size;
		len = seg->len - off < size ? seg->len - off : size;
		segment_init(&s[i]);
		segment_copy(&s[i], &head);
		segment_set_data(&s[i], seg->data != NULL ? seg->data + off :
		    NULL, len);
		s[i].seq = seg->seq + off;
		if (i > 0)
			s[i].flags &= (uint8_t)~TH_CWR_;
		if (i + 1 < n)
			s[i].flags &= (uint8_t)~(TH_PSH_ | TH_FIN_);
		if (seg->has & SEG_HAS_ID)
			s[i].ip_id = (uint16_t)(seg->ip_id + i);
	}
	return n;
}

void
offload_split_free(struct segment *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		segment_clear(&s[i]);
	free(s);
}

size_t
offload_wire_segments(const struct segment *seg, uint32_t iplen,
    unsigned mtu, uint16_t syn_mss, struct segment **out)
{
	return offload_split(seg, offload_split_size(seg, iplen, mtu,
	    syn_mss), out);
}
