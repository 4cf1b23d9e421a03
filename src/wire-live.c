/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wire-live.c: the live wire backend: a libpcap capture (open first), a raw
 * sender (libnet), the guard, bound sockets keeping our source ports. */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "craft.h"
#include "guard.h"
#include "sniff.h"
#include "wire.h"
#include "xmalloc.h"

struct wire_live {
	struct wire_config cfg;
	struct sniff	*sn;
	int		 linktype;
	struct craft	*cr;
	struct guard	*gd;
	int		*fds;		/* sockets holding our ports */
	size_t		 nfds;
};

static int
live_send(void *impl, const struct segment *seg, const uint8_t **bytes,
    uint32_t *len, char *err, size_t errlen)
{
	struct wire_live *l = impl;

	return craft_send(l->cr, seg, bytes, len, err, errlen);
}

static int
live_send_icmp(void *impl, const struct ipaddr *src, const struct ipaddr *dst,
    const struct icmp_wire *w, const uint8_t **bytes, uint32_t *len,
    char *err, size_t errlen)
{
	struct wire_live *l = impl;

	return craft_icmp_send(l->cr, src, dst, w, bytes, len, err, errlen);
}

static int
live_next(void *impl, struct wire_frame *fr, char *err, size_t errlen)
{
	struct wire_live *l = impl;
	struct sniff_pkt sp;
	int rc;

	if ((rc = sniff_next(l->sn, &sp, err, errlen)) != 1)
		return rc == -2 ? -1 : 0;
	fr->ts = sp.ts;
	fr->linktype = l->linktype;
	fr->data = sp.data;
	fr->caplen = sp.caplen;
	return 1;
}

static int
live_wait(void *impl, int64_t ns, const sigset_t *mask, char *err,
    size_t errlen)
{
	struct wire_live *l = impl;
	struct pollfd pfd = { .fd = sniff_fd(l->sn), .events = POLLIN };
	struct timespec tmo;
	int rc;

	tmo.tv_sec = ns / 1000000000;
	tmo.tv_nsec = ns % 1000000000;
	if ((rc = ppoll(&pfd, 1, &tmo, mask)) == -1) {
		if (errno == EINTR)
			return 1;	/* a signal: the caller looks */
		snprintf(err, errlen, "poll on the capture: %s",
		    strerror(errno));
		return -1;
	}
	return rc > 0 ? 1 : 0;
}

static int64_t
live_mono(void *impl)
{
	(void)impl;
	return mono_ns();
}

static void
live_realtime(void *impl, struct timespec *ts)
{
	(void)impl;
	clock_gettime(CLOCK_REALTIME, ts);
}

/* A socket bound to local:want holds the port (no listen, no connect). */
static int
live_take_port(void *impl, uint16_t want, uint16_t *port, char *err,
    size_t errlen)
{
	struct wire_live *l = impl;
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fam = l->cfg.local.family, fd;

	memset(&ss, 0, sizeof ss);
	if (fam == AF_INET) {
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, l->cfg.local.a, 4);
		s4->sin_port = htons(want);
		len = sizeof *s4;
	} else {
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, l->cfg.local.a, 16);
		s6->sin6_port = htons(want);
		len = sizeof *s6;
	}
	if ((fd = socket(fam, SOCK_STREAM, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		snprintf(err, errlen, "cannot take source port %u: %s", want,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	l->fds = xreallocarray(l->fds, l->nfds + 1, sizeof *l->fds);
	l->fds[l->nfds++] = fd;
	*port = ntohs(fam == AF_INET ? s4->sin_port : s6->sin6_port);
	return 0;
}

static int
live_guard_flow(void *impl, uint16_t lport, uint16_t rport, char *err,
    size_t errlen)
{
	struct wire_live *l = impl;

	if (l->gd == NULL)
		return 0;
	return guard_add_flow(l->gd, &l->cfg.local, lport, &l->cfg.remote,
	    rport, err, errlen);
}

static bool
live_guarded(void *impl)
{
	return ((struct wire_live *)impl)->gd != NULL;
}

static unsigned
live_drops(void *impl)
{
	return sniff_drops(((struct wire_live *)impl)->sn);
}

static int
live_set_template(void *impl, const struct segment *seg, char *err,
    size_t errlen)
{
	return craft_template(((struct wire_live *)impl)->cr, seg, err,
	    errlen);
}

static int
live_send_batch(void *impl, const struct wire_patch *p, size_t n, char *err,
    size_t errlen)
{
	struct craft_patch cp[64];
	size_t i, k;

	for (i = 0; i < n; i += k) {
		for (k = 0; k < n - i && k < sizeof cp / sizeof cp[0]; k++) {
			cp[k].sport = p[i + k].sport;
			cp[k].dport = p[i + k].dport;
			cp[k].seq = p[i + k].seq;
			cp[k].ack = p[i + k].ack;
			cp[k].flags = p[i + k].flags;
		}
		if (craft_send_batch(((struct wire_live *)impl)->cr, cp, k,
		    err, errlen) == -1)
			return -1;
	}
	return 0;
}

static void
live_close(void *impl)
{
	struct wire_live *l = impl;
	size_t i;

	guard_close(l->gd);
	craft_close(l->cr);
	sniff_close(l->sn);
	for (i = 0; i < l->nfds; i++)
		close(l->fds[i]);
	free(l->fds);
	free(l);
}

static const struct wire_ops live_ops = {
	.name = "live",
	.send = live_send,
	.next = live_next,
	.wait = live_wait,
	.mono = live_mono,
	.realtime = live_realtime,
	.take_port = live_take_port,
	.guard_flow = live_guard_flow,
	.guarded = live_guarded,
	.drops = live_drops,
	.set_template = live_set_template,
	.send_batch = live_send_batch,
	.send_icmp = live_send_icmp,
	.close = live_close,
};

static int
open_capture(struct wire_live *l, char *err, size_t errlen)
{
	char *filter = wire_filter(&l->cfg);

	l->sn = sniff_open_live(l->cfg.ifname, filter, err, errlen);
	free(filter);
	if (l->sn == NULL)
		return -1;
	l->linktype = sniff_linktype(l->sn);
	if ((l->cr = craft_open(l->cfg.local.family, CRAFT_WIRE, err,
	    errlen)) == NULL)
		return -1;
	/* A link-local target lives on one link: the zone's interface. */
	if (l->cfg.ifname != NULL && l->cfg.remote.family == AF_INET6 &&
	    l->cfg.remote.a[0] == 0xfe && (l->cfg.remote.a[1] & 0xc0) == 0x80 &&
	    craft_bind_device(l->cr, l->cfg.ifname, err, errlen) == -1)
		return -1;
	return 0;
}

static int
open_guard(struct wire_live *l, char *err, size_t errlen)
{
	if (l->cfg.no_guard)
		return 0;
	return (l->gd = guard_open(err, errlen)) == NULL ? -1 : 0;
}

struct wire *
wire_open(const struct wire_config *cfg, char *err, size_t errlen)
{
	struct wire_live *l;
	int rc;

	if (cfg->local.family != cfg->remote.family) {
		snprintf(err, errlen, "local and remote addresses are of "
		    "different families");
		return NULL;
	}
	l = xcalloc(1, sizeof *l);
	l->cfg = *cfg;
	if (cfg->guard_first)
		rc = open_guard(l, err, errlen) == -1 ||
		    open_capture(l, err, errlen) == -1 ? -1 : 0;
	else
		rc = open_capture(l, err, errlen) == -1 ||
		    open_guard(l, err, errlen) == -1 ? -1 : 0;
	if (rc == -1) {
		live_close(l);
		return NULL;
	}
	return wire_new(cfg, &live_ops, l);
}
