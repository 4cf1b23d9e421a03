/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab-impaird.c: the impairment daemon, for kernels without sch_netem:
 * takes the lab server's outgoing packets from NFQUEUE, drops, holds,
 * reorders and duplicates them, and gives them back when they are due. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netfilter.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libnetfilter_queue/libnetfilter_queue.h>

#include "lab-impair.h"
#include "lab-sys.h"
#include "xmalloc.h"

/*
 * How it works. Packets wait in the kernel's queue while we hold their
 * ids; a verdict may be given in any order, so a packet is delayed by
 * giving its NF_ACCEPT late, dropped by NF_DROP, and reordered by giving
 * it at once while others wait. NFQUEUE has no verdict that makes two
 * packets of one, so a duplicate is a copy of the bytes, sent when it is
 * due through a raw socket whose mark the queue rule lets pass.
 *
 * Every packet's fate comes from lab_impair_fate(): with --seed, the
 * fate of the k-th packet depends only on k, so a test can know which
 * packet a run loses.
 */

struct held {
	uint64_t	 due_ns;
	uint32_t	 id;		/* the queued packet's id */
	unsigned char	*copy;		/* a duplicate's bytes, or NULL */
	size_t		 len;
};

struct impaird {
	const struct lab_impair	*im;
	struct nfq_q_handle	*qh;
	uint64_t		 rng;
	struct held		*held;
	size_t			 nheld, cap;
	int			 raw4, raw6;
	unsigned long		 packets, dropped, duplicated, reordered,
				 delayed;
	bool			 changed;
};

static volatile sig_atomic_t impaird_stop;

static void
impaird_on_signal(int sig)
{
	impaird_stop = sig;
}

static uint64_t
impaird_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
impaird_hold(struct impaird *d, uint32_t id, uint64_t due,
    const unsigned char *copy, size_t len)
{
	struct held *h;

	if (d->nheld == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->held = xreallocarray(d->held, d->cap, sizeof *d->held);
	}
	h = &d->held[d->nheld++];
	h->due_ns = due;
	h->id = id;
	h->copy = NULL;
	h->len = len;
	if (copy != NULL) {
		h->copy = xmalloc(len);
		memcpy(h->copy, copy, len);
	}
}

static int
impaird_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg,
    struct nfq_data *nfa, void *arg)
{
	struct impaird *d = arg;
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	unsigned char *data = NULL;
	uint64_t now = impaird_now();
	struct lab_fate f;
	uint32_t id;
	int len;

	(void)msg;
	if (ph == NULL)
		return 0;
	id = ntohl(ph->packet_id);
	len = nfq_get_payload(nfa, &data);
	f = lab_impair_fate(d->im, &d->rng);
	d->packets++;
	d->changed = true;
	if (f.drop) {
		d->dropped++;
		return nfq_set_verdict(qh, id, NF_DROP, 0, NULL);
	}
	if (f.duplicate && len > 0) {
		d->duplicated++;
		impaird_hold(d, 0, now + f.delay_ns, data, (size_t)len);
	}
	/* As netem does: a reordered packet goes at once, ahead of those
	 * still held. */
	if (f.reorder || f.delay_ns == 0) {
		d->reordered += f.reorder;
		return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
	}
	d->delayed++;
	impaird_hold(d, id, now + f.delay_ns, NULL, 0);
	return 0;
}

/* A duplicate goes out through a raw socket with the pass mark. */
static void
impaird_send_copy(struct impaird *d, const unsigned char *p, size_t len)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;

	if (len >= 20 && (p[0] >> 4) == 4) {
		memset(&s4, 0, sizeof s4);
		s4.sin_family = AF_INET;
		memcpy(&s4.sin_addr, p + 16, 4);
		sendto(d->raw4, p, len, 0, (struct sockaddr *)&s4, sizeof s4);
	} else if (len >= 40 && (p[0] >> 4) == 6) {
		memset(&s6, 0, sizeof s6);
		s6.sin6_family = AF_INET6;
		memcpy(&s6.sin6_addr, p + 24, 16);
		sendto(d->raw6, p, len, 0, (struct sockaddr *)&s6, sizeof s6);
	}
}

/* Give back (or send) every packet whose time has come, oldest first;
 * return the nanoseconds until the next one, or -1 if none is held. */
static int64_t
impaird_release(struct impaird *d)
{
	uint64_t now = impaird_now(), next = UINT64_MAX;
	size_t i, best;

	for (;;) {
		best = d->nheld;
		for (i = 0; i < d->nheld; i++)
			if (d->held[i].due_ns <= now && (best == d->nheld ||
			    d->held[i].due_ns < d->held[best].due_ns))
				best = i;
		if (best == d->nheld)
			break;
		if (d->held[best].copy != NULL) {
			impaird_send_copy(d, d->held[best].copy,
			    d->held[best].len);
			free(d->held[best].copy);
		} else
			nfq_set_verdict(d->qh, d->held[best].id, NF_ACCEPT, 0,
			    NULL);
		d->held[best] = d->held[--d->nheld];
	}
	for (i = 0; i < d->nheld; i++)
		if (d->held[i].due_ns < next)
			next = d->held[i].due_ns;
	return next == UINT64_MAX ? -1 : (int64_t)(next - now);
}

/* The counts, for `lab status`: written whole, then renamed over. */
static void
impaird_stats(const char *name, struct impaird *d)
{
	char path[256], tmp[300];
	FILE *f;

	if (!d->changed)
		return;
	lab_path(path, sizeof path, name, "impaird.stats");
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((f = fopen(tmp, "we")) == NULL)
		return;
	fprintf(f, "%lu packets: %lu dropped, %lu duplicated, %lu reordered, "
	    "%lu delayed\n", d->packets, d->dropped, d->duplicated,
	    d->reordered, d->delayed);
	if (fclose(f) == 0)
		rename(tmp, path);
	d->changed = false;
}

static int
impaird_raw(int family)
{
	int fd, mark = LAB_IMPAIR_MARK;

	if ((fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW)) == -1)
		fatal("raw socket");
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof mark) == -1)
		fatal("SO_MARK");
	return fd;
}

static void
impaird_ready(const char *name)
{
	char path[256];
	int fd;

	lab_path(path, sizeof path, name, "impaird.ready");
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) != -1)
		close(fd);
}

static struct nfq_handle *
impaird_open(struct impaird *d)
{
	struct nfq_handle *h;

	if ((h = nfq_open()) == NULL)
		fatal("nfq_open (the kernel needs NETFILTER_NETLINK_QUEUE)");
	if ((d->qh = nfq_create_queue(h, LAB_IMPAIR_QUEUE, impaird_packet, d))
	    == NULL)
		fatal("cannot bind NFQUEUE %d", LAB_IMPAIR_QUEUE);
	if (nfq_set_mode(d->qh, NFQNL_COPY_PACKET, 0xffff) < 0)
		fatal("nfq_set_mode");
	nfq_set_queue_maxlen(d->qh, 8192);
	/* A full queue lets packets through rather than drop them: loss is
	 * what was asked for, nothing more. */
	nfq_set_queue_flags(d->qh, NFQA_CFG_F_FAIL_OPEN, NFQA_CFG_F_FAIL_OPEN);
	return h;
}

int
lab_impaird_main(const char *name, const struct lab_impair *im)
{
	struct impaird d = { .im = im, .rng = im->seed };
	char buf[0x10000 + 512] __attribute__((aligned));
	struct nfq_handle *h;
	struct pollfd pfd;
	struct timespec ts;
	int64_t wait;
	ssize_t n;

	/* Its timers are the link's delay: wake on time, ahead of the
	 * machine's other work (real-time where allowed; it sleeps but for
	 * the microseconds a verdict takes). */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	if (sched_setscheduler(0, SCHED_FIFO, &(struct sched_param){
	    .sched_priority = 10 }) == -1)
		setpriority(PRIO_PROCESS, 0, -10);
	signal(SIGTERM, impaird_on_signal);
	signal(SIGINT, impaird_on_signal);
	signal(SIGHUP, impaird_on_signal);
	d.raw4 = impaird_raw(AF_INET);
	d.raw6 = impaird_raw(AF_INET6);
	h = impaird_open(&d);
	pfd.fd = nfq_fd(h);
	pfd.events = POLLIN;
	fcntl(pfd.fd, F_SETFL, fcntl(pfd.fd, F_GETFL) | O_NONBLOCK);
	impaird_ready(name);
	while (!impaird_stop) {
		wait = impaird_release(&d);
		impaird_stats(name, &d);
		ts.tv_sec = wait < 0 ? 1 : wait / 1000000000;
		ts.tv_nsec = wait < 0 ? 0 : wait % 1000000000;
		if (ppoll(&pfd, 1, &ts, NULL) <= 0)
			continue;
		while ((n = recv(pfd.fd, buf, sizeof buf, 0)) > 0)
			nfq_handle_packet(h, buf, (int)n);
		if (n == -1 && errno == ENOBUFS)
			fprintf(stderr, "tcpshake: impaird: the queue "
			    "overflowed; some packets passed unimpaired\n");
	}
	d.changed = true;
	impaird_stats(name, &d);
	/* Closing the queue drops what it still holds, as a link that goes
	 * down does. */
	nfq_destroy_queue(d.qh);
	nfq_close(h);
	while (d.nheld > 0)
		free(d.held[--d.nheld].copy);
	free(d.held);
	return 0;
}
