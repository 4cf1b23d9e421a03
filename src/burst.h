/* SPDX-License-Identifier: GPL-2.0-or-later */
/* burst.h: the BURST step: many crafted segments to one target's ports,
 * paced or at full rate (batches, a window), each found again leaving and
 * answered through the probe table (probe.h), over the session's wire. */
#ifndef TCPSHAKE_BURST_H
#define TCPSHAKE_BURST_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe.h"
#include "segment.h"

struct session;
struct srcrange;

#define BURST_BATCH	64	/* sends between drains at full rate */
#define BURST_WINDOW	256	/* unanswered probes at full rate */
#define BURST_STALL_NS	10000000 /* no answer so long: no window */
#define BURST_MAX_LANES	8	/* senders at full rate */
#define BURST_PAR_MIN	1000	/* fewer probes: one sender */
#define BURST_SPORT_LOW	32768	/* random source ports: Linux's */
#define BURST_SPORT_HIGH 60999	/* ephemeral range */

struct burst_spec {
	const struct segment *tmpl;	/* flags, win, options, payload, IP
					 * fields; addresses are the wire's */
	const uint16_t	*ports;		/* probe i goes to ports[i % nports] */
	uint32_t	 nports;
	uint32_t	 nprobes;
	uint16_t	 sport;		/* 0: random per probe */
	bool		 seq_fixed;	/* tmpl's seq and ack as given; else */
	bool		 ack_fixed;	/* random per probe */
	int64_t		 interval_ns;	/* 0: full rate */
	int64_t		 timeout_ns;	/* for replies after the last probe */
	const struct srcrange *forged;	/* a forged source per probe */
	bool		 show;		/* emit segments, ICMP, the notes */
};

/* Counters summed over the lanes. */
struct burst_totals {
	uint32_t	 sent;
	uint32_t	 seen_out;
	uint32_t	 answered;
	uint64_t	 unmatched;
	unsigned	 drops;
};

struct burst;

/*
 * Lanes: at full rate with random source ports (what tells their replies
 * apart) and at least BURST_PAR_MIN probes, one sender per CPU the
 * process may run on (at most BURST_MAX_LANES), each a thread with a
 * session of its own (session_open_lane()), its capture narrowed to its
 * share of the source ports; otherwise one, so paced probes go out in
 * order. Lane 0 is the caller's session: open it with the ports
 * burst_lane_ports(0, n) gives. The lanes' events go through their
 * sessions' queues (session_queue()), which merge them in stamp order;
 * burst_run() emits them all before it returns.
 */
int	 burst_lanes(const struct burst_spec *);
void	 burst_lane_ports(int k, int nlanes, uint16_t *lo, uint16_t *hi);

/* The step over s with nlanes lanes (their sessions opened here, before
 * any privilege is dropped). NULL with err. */
struct burst *burst_new(struct session *s, const struct burst_spec *,
	    int nlanes, char *err, size_t errlen);
/*
 * Send and match until every probe is sent and either all are in or
 * timeout_ns passed after the last; *stop (Ctrl-C) sends nothing more.
 * A lane that cannot send or capture stops every lane; its error comes
 * back to the calling thread: -1 with err. 0 otherwise.
 */
int	 burst_run(struct burst *, volatile sig_atomic_t *stop, char *err,
	    size_t errlen);
void	 burst_totals(const struct burst *, struct burst_totals *);
/* Each probe sent (a failed send's are not), in no set order. */
void	 burst_foreach(const struct burst *, void (*fn)(void *arg,
	    const struct probe *), void *arg);
/* Close the lanes' sessions (not the caller's). NULL is fine. */
void	 burst_free(struct burst *);

#endif
