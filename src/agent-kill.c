/* SPDX-License-Identifier: GPL-2.0-or-later */
/* agent-kill.c: inside the agent, an earlier connection of the file's on
 * the flow's four-tuple destroyed through sock_diag (SOCK_DESTROY). */
#include "config.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"

struct diag_req {
	struct nlmsghdr		 nlh;
	struct inet_diag_req_v2	 r;
};

/* The request for the socket of the four-tuple seen from the target. */
static void
diag_tuple(struct diag_req *req, const struct sockaddr_storage *t,
    const struct sockaddr_storage *p)
{
	memset(req, 0, sizeof *req);
	req->nlh.nlmsg_len = sizeof *req;
	req->r.sdiag_family = (uint8_t)t->ss_family;
	req->r.sdiag_protocol = IPPROTO_TCP;
	req->r.idiag_states = ~0U;
	if (t->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)t;
		const struct sockaddr_in *b = (const void *)p;

		req->r.id.idiag_sport = a->sin_port;
		req->r.id.idiag_dport = b->sin_port;
		memcpy(req->r.id.idiag_src, &a->sin_addr, 4);
		memcpy(req->r.id.idiag_dst, &b->sin_addr, 4);
	} else {
		const struct sockaddr_in6 *a = (const void *)t;
		const struct sockaddr_in6 *b = (const void *)p;

		req->r.id.idiag_sport = a->sin6_port;
		req->r.id.idiag_dport = b->sin6_port;
		memcpy(req->r.id.idiag_src, &a->sin6_addr, 16);
		memcpy(req->r.id.idiag_dst, &b->sin6_addr, 16);
	}
	req->r.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	req->r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
}

/*
 * The lookup by four-tuple falls back to a listener on the port when no
 * connection holds it: the socket found is asked for first, and one in
 * LISTEN is left alone; the other is destroyed by its cookie (any state:
 * SYN_SENT, ESTABLISHED, TIME_WAIT; the kernel sends the RST an abort
 * owes).
 */
void
agent_flow_kill(const struct sockaddr_storage *target,
    const struct sockaddr_storage *prober)
{
	struct diag_req req;
	union {
		struct nlmsghdr	 h;
		char		 b[1024];
	} rep;
	const struct inet_diag_msg *m;
	ssize_t n;
	int fd;

	if ((fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_SOCK_DIAG)) == -1)
		return;
	diag_tuple(&req, target, prober);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST;
	if (send(fd, &req, sizeof req, 0) != (ssize_t)sizeof req ||
	    (n = recv(fd, &rep, sizeof rep, 0)) < (ssize_t)(NLMSG_LENGTH(
	    sizeof *m)) || rep.h.nlmsg_type != SOCK_DIAG_BY_FAMILY)
		goto out;
	m = NLMSG_DATA(&rep.h);
	if (m->idiag_state == TCP_LISTEN)
		goto out;
	req.nlh.nlmsg_type = SOCK_DESTROY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	memcpy(req.r.id.idiag_cookie, m->id.idiag_cookie,
	    sizeof req.r.id.idiag_cookie);
	if (send(fd, &req, sizeof req, 0) == (ssize_t)sizeof req)
		(void)!recv(fd, &rep, sizeof rep, 0);
out:
	close(fd);
}
