/* SPDX-License-Identifier: GPL-2.0-or-later */
/* peer.c: the target's TCP socket states, asked of its kernel through
 * NETLINK_SOCK_DIAG from a socket opened inside the target's namespace. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "peer.h"
#include "xmalloc.h"

#define PEER_NETNS_DIR		"/run/netns"
#define PEER_NEW_SYN_RECV	12	/* the kernel's TCP_NEW_SYN_RECV */
#define PEER_RECV_BUF		32768

struct peer {
	int		 fd;		/* NETLINK_SOCK_DIAG, in the target's ns */
	uint32_t	 seq;		/* of the last request */
	/* peer_changed(): the connection asked about last and its state. */
	bool		 known;
	struct ipaddr	 last_local, last_remote;
	uint16_t	 last_lport, last_rport;
	int		 last_state;
};

/* What one connection is being looked for as. */
struct peer_query {
	struct ipaddr	 local, remote;	/* AF_UNSPEC: any */
	uint16_t	 lport, rport;
	bool		 listener;	/* remote not given */
};

static void
peer_err(char *err, size_t len, const char *what, const char *name)
{
	snprintf(err, len, "%s%s%s: %s", what, name ? " " : "",
	    name ? name : "", strerror(errno));
}

/* The netlink socket, made inside netns `name`: sockets stay in the
 * namespace they were created in, so the thread goes back at once. */
static int
peer_socket_in(const char *name, char *err, size_t errlen)
{
	char path[256];
	int saved, nsfd, fd, e;

	snprintf(path, sizeof path, "%s/%s", PEER_NETNS_DIR, name);
	if ((saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) == -1) {
		peer_err(err, errlen, "cannot open", "/proc/self/ns/net");
		return -1;
	}
	if ((nsfd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    setns(nsfd, CLONE_NEWNET) == -1) {
		peer_err(err, errlen, "cannot enter network namespace", path);
		if (nsfd != -1)
			close(nsfd);
		close(saved);
		return -1;
	}
	close(nsfd);
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	e = errno;
	/* Root got in, so root gets back; staying would make every later
	 * socket of this thread live in the target's namespace. */
	if (setns(saved, CLONE_NEWNET) == -1)
		abort();
	close(saved);
	errno = e;
	if (fd == -1)
		peer_err(err, errlen, "cannot open sock_diag socket in", name);
	return fd;
}

struct peer *
peer_open(const char *netns_name, char *err, size_t errlen)
{
	struct peer *p;
	int fd;

	if (netns_name != NULL)
		fd = peer_socket_in(netns_name, err, errlen);
	else if ((fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_SOCK_DIAG)) == -1)
		peer_err(err, errlen, "cannot open sock_diag socket", NULL);
	if (fd == -1)
		return NULL;
	p = xcalloc(1, sizeof *p);
	p->fd = fd;
	p->last_state = PEER_ERROR;
	return p;
}

void
peer_close(struct peer *p)
{
	if (p == NULL)
		return;
	close(p->fd);
	free(p);
}

/* ::ffff:a.b.c.d is the IPv4 address a.b.c.d: a dual-stack listener's
 * sockets carry IPv4 peers that way. */
static void
peer_addr_norm(struct ipaddr *out, int family, const void *raw)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	const uint8_t *b = raw;

	memset(out, 0, sizeof *out);
	if (family == AF_INET6 && memcmp(b, mapped, sizeof mapped) == 0) {
		out->family = AF_INET;
		memcpy(out->a, b + 12, 4);
	} else if (family == AF_INET6) {
		out->family = AF_INET6;
		memcpy(out->a, b, 16);
	} else if (family == AF_INET) {
		out->family = AF_INET;
		memcpy(out->a, b, 4);
	}
}

static bool
peer_addr_any(const struct ipaddr *a)
{
	static const uint8_t zero[16];

	return a->family == AF_UNSPEC ||
	    memcmp(a->a, zero, a->family == AF_INET ? 4 : 16) == 0;
}

/* The socket's own (local) address matches the query's: the same, or
 * either side a wildcard (a listener bound to 0.0.0.0 or ::). */
static bool
peer_local_match(const struct peer_query *q, const struct ipaddr *a)
{
	if (q->local.family == AF_UNSPEC)
		return true;
	if (q->listener && peer_addr_any(a))
		return true;
	return ipaddr_eq(&q->local, a);
}

static bool
peer_msg_match(const struct peer_query *q, const struct inet_diag_msg *m)
{
	struct ipaddr src, dst;

	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return false;
	peer_addr_norm(&src, m->idiag_family, m->id.idiag_src);
	peer_addr_norm(&dst, m->idiag_family, m->id.idiag_dst);
	if (ntohs(m->id.idiag_sport) != q->lport ||
	    !peer_local_match(q, &src))
		return false;
	if (q->listener)
		return m->id.idiag_dport == 0 && peer_addr_any(&dst);
	return ntohs(m->id.idiag_dport) == q->rport &&
	    ipaddr_eq(&q->remote, &dst);
}

static int
peer_norm_state(int s)
{
	return s == PEER_NEW_SYN_RECV ? PEER_SYN_RECV : s;
}

/* A connection's 4-tuple may have a TIME_WAIT socket and a new one at
 * once; the live one says more. */
static int
peer_better(int have, int cand)
{
	if (have == PEER_CLOSED)
		return cand;
	if (have == PEER_TIME_WAIT && cand != PEER_TIME_WAIT)
		return cand;
	return have;
}

static int
peer_request(struct peer *p, int family)
{
	struct {
		struct nlmsghdr		nlh;
		struct inet_diag_req_v2	req;
	} msg;
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };

	memset(&msg, 0, sizeof msg);
	msg.nlh.nlmsg_len = sizeof msg;
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.nlh.nlmsg_seq = ++p->seq;
	msg.req.sdiag_family = (uint8_t)family;
	msg.req.sdiag_protocol = IPPROTO_TCP;
	msg.req.idiag_states = ~0U;	/* request sockets included */
	if (sendto(p->fd, &msg, sizeof msg, 0, (struct sockaddr *)&nl,
	    sizeof nl) != (ssize_t)sizeof msg)
		return -1;
	return 0;
}

/* One datagram of the dump: 1 at its end, 0 for more, -1 on error.
 * Lengths come from the kernel but are checked all the same. */
static int
peer_parse(struct peer *p, const uint8_t *buf, size_t n,
    const struct peer_query *q, int *best)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	struct inet_diag_msg m;
	int len = (int)n;

	for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_seq != p->seq)
			continue;
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR) {
			errno = EPROTO;
			if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct
			    nlmsgerr)))
				errno = -((const struct nlmsgerr *)
				    NLMSG_DATA(h))->error;
			return -1;
		}
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
		    h->nlmsg_len < NLMSG_LENGTH(sizeof m))
			continue;
		memcpy(&m, NLMSG_DATA(h), sizeof m);
		if (peer_msg_match(q, &m))
			*best = peer_better(*best,
			    peer_norm_state(m.idiag_state));
	}
	return 0;
}

static int
peer_dump(struct peer *p, int family, const struct peer_query *q, int *best)
{
	uint8_t *buf;
	ssize_t n;
	int r = 0;

	if (peer_request(p, family) == -1)
		return -1;
	buf = xmalloc(PEER_RECV_BUF);
	while (r == 0) {
		n = recv(p->fd, buf, PEER_RECV_BUF, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = -1;
			break;
		}
		r = peer_parse(p, buf, (size_t)n, q, best);
	}
	free(buf);
	return r == 1 ? 0 : -1;
}

static void
peer_query_make(struct peer_query *q, const struct ipaddr *local,
    uint16_t lport, const struct ipaddr *remote, uint16_t rport)
{
	memset(q, 0, sizeof *q);
	if (local != NULL && local->family != AF_UNSPEC)
		peer_addr_norm(&q->local, local->family, local->a);
	q->lport = lport;
	q->listener = remote == NULL || remote->family == AF_UNSPEC;
	if (!q->listener)
		peer_addr_norm(&q->remote, remote->family, remote->a);
	q->rport = rport;
}

/* One connection by its 4-tuple: the kernel looks it up in its hash
 * rather than walking every socket of every namespace, which a dump does
 * (milliseconds on a busy host, and --peer-netns reads before each send).
 * 0 with *state (PEER_CLOSED when there is none), or -1. */
static int
peer_lookup(struct peer *p, const struct peer_query *q, int *state)
{
	struct {
		struct nlmsghdr		nlh;
		struct inet_diag_req_v2	req;
	} msg;
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	struct inet_diag_msg m;
	const struct nlmsghdr *h;
	uint8_t buf[1024];
	int fam = q->local.family, len;
	ssize_t n;

	memset(&msg, 0, sizeof msg);
	msg.nlh.nlmsg_len = sizeof msg;
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST;
	msg.nlh.nlmsg_seq = ++p->seq;
	msg.req.sdiag_family = (uint8_t)fam;
	msg.req.sdiag_protocol = IPPROTO_TCP;
	msg.req.idiag_states = ~0U;
	msg.req.id.idiag_sport = htons(q->lport);
	msg.req.id.idiag_dport = htons(q->rport);
	memcpy(msg.req.id.idiag_src, q->local.a, fam == AF_INET ? 4 : 16);
	memcpy(msg.req.id.idiag_dst, q->remote.a, fam == AF_INET ? 4 : 16);
	msg.req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	msg.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (sendto(p->fd, &msg, sizeof msg, 0, (struct sockaddr *)&nl,
	    sizeof nl) != (ssize_t)sizeof msg)
		return -1;
	do
		n = recv(p->fd, buf, sizeof buf, 0);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return -1;
	*state = PEER_CLOSED;
	len = (int)n;
	for (h = (const struct nlmsghdr *)buf; NLMSG_OK(h, len);
	    h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_seq != p->seq)
			continue;
		if (h->nlmsg_type == NLMSG_ERROR) {
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct
			    nlmsgerr)))
				return -1;
			errno = -((const struct nlmsgerr *)NLMSG_DATA(h))->error;
			return errno == ENOENT ? 0 : -1;
		}
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
		    h->nlmsg_len < NLMSG_LENGTH(sizeof m))
			continue;
		memcpy(&m, NLMSG_DATA(h), sizeof m);
		/* The lookup falls back to a listener on the port. */
		if (peer_msg_match(q, &m))
			*state = peer_norm_state(m.idiag_state);
	}
	return 0;
}

int
peer_state(struct peer *p, const struct ipaddr *local, uint16_t lport,
    const struct ipaddr *remote, uint16_t rport)
{
	struct peer_query q;
	int best = PEER_CLOSED;

	peer_query_make(&q, local, lport, remote, rport);
	if (!q.listener && q.local.family == q.remote.family &&
	    q.local.family != AF_UNSPEC)
		return peer_lookup(p, &q, &best) == -1 ? PEER_ERROR : best;
	/* IPv4 connections may live in AF_INET6 sockets (a :: listener's). */
	if (q.local.family != AF_INET6 && q.remote.family != AF_INET6 &&
	    peer_dump(p, AF_INET, &q, &best) == -1)
		return PEER_ERROR;
	if (peer_dump(p, AF_INET6, &q, &best) == -1)
		return PEER_ERROR;
	return best;
}

static const char *const peer_names[] = {
	[PEER_ESTABLISHED] = "ESTABLISHED",
	[PEER_SYN_SENT] = "SYN_SENT",
	[PEER_SYN_RECV] = "SYN_RECEIVED",
	[PEER_FIN_WAIT1] = "FIN_WAIT_1",
	[PEER_FIN_WAIT2] = "FIN_WAIT_2",
	[PEER_TIME_WAIT] = "TIME_WAIT",
	[PEER_CLOSED] = "CLOSED",
	[PEER_CLOSE_WAIT] = "CLOSE_WAIT",
	[PEER_LAST_ACK] = "LAST_ACK",
	[PEER_LISTEN] = "LISTEN",
	[PEER_CLOSING] = "CLOSING",
};

const char *
peer_state_name(int state)
{
	if (state == PEER_NEW_SYN_RECV)
		state = PEER_SYN_RECV;
	if (state < 0 || (size_t)state >= sizeof peer_names /
	    sizeof peer_names[0] || peer_names[state] == NULL)
		return "UNKNOWN";
	return peer_names[state];
}

static bool
peer_same_conn(const struct peer *p, const struct peer_query *q)
{
	return p->known && p->last_lport == q->lport &&
	    p->last_rport == q->rport && ipaddr_eq(&p->last_local, &q->local) &&
	    ipaddr_eq(&p->last_remote, &q->remote);
}

bool
peer_changed(struct peer *p, const struct ipaddr *local, uint16_t lport,
    const struct ipaddr *remote, uint16_t rport, int *state)
{
	struct peer_query q;
	bool changed;

	*state = peer_state(p, local, lport, remote, rport);
	if (*state == PEER_ERROR)
		return false;
	peer_query_make(&q, local, lport, remote, rport);
	changed = !peer_same_conn(p, &q) || p->last_state != *state;
	p->known = true;
	p->last_local = q.local;
	p->last_remote = q.remote;
	p->last_lport = q.lport;
	p->last_rport = q.rport;
	p->last_state = *state;
	return changed;
}
