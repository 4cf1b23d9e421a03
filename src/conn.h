/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conn.h: the session's conversations, one per 4-tuple (found by a hash
 * on it): our address and source port (held for the run), the target's,
 * the sequence space, the driver that owns it (a TCB, or none), the
 * target's segments waiting for an expectation, counters. */
#ifndef TCPSHAKE_CONN_H
#define TCPSHAKE_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "segment.h"
#include "seqspace.h"

struct conn;
struct wire_pkt;

/*
 * A conversation with a driver (endpoint.c: a TCB from flow.c) is fed
 * every segment of the target's and asked for its timers; one without
 * (engine.c: a scenario's flow) keeps the target's segments in its queue
 * until a step takes them.
 */
struct conn_ops {
	/* A segment of the target's, its event queued before this call:
	 * feed the TCB (it may learn the ISNs the event shows: set c->ss)
	 * or the queue; send nothing yet. *rtt_ns (-1 on entry) becomes the
	 * event's RTT. */
	void	(*arrived)(void *drv, struct conn *, const struct wire_pkt *,
		    int64_t *rtt_ns);
	/* Then, the event completed: answer (send, states). May be NULL.
	 * 0, or -1 with err. */
	int	(*react)(void *drv, struct conn *, char *err, size_t errlen);
	/* The next timer on the session's clock (INT64_MAX: none). */
	int64_t	(*next_timer)(void *drv, struct conn *);
	int	(*on_timer)(void *drv, struct conn *, int64_t now, char *err,
		    size_t errlen);
};

/* A segment of the target's waiting for a step. */
struct conn_rcvd {
	struct segment	 seg;
	int64_t		 t_ns;
};

struct conn {
	struct ipaddr	 laddr;		/* ours */
	struct ipaddr	 raddr;		/* the target's */
	uint16_t	 lport;		/* ours */
	uint16_t	 rport;		/* the target's */
	size_t		 idx;		/* in conn_table.v */
	struct seqspace	 ss;		/* the numbers the events show */
	const struct conn_ops *ops;	/* NULL: segments wait in q */
	void		*drv;
	bool		 guarded;
	struct conn_rcvd *q;
	size_t		 qhead, qlen, qcap;
	/* Our latest SYN seen leaving: its stamp and MSS option. */
	bool		 syn_seen;
	struct timespec	 syn_ts;
	uint16_t	 syn_mss;	/* 0: none */
	/* The target's latest SYN seen arriving: its ISN shows the
	 * segments after it relative before a step learned it into ss. */
	bool		 rsyn_seen;
	uint32_t	 rsyn_seq;
	int64_t		 last_sent_t;	/* stamp of our last segment seen */
	uint64_t	 sent;		/* segments seen leaving */
	uint64_t	 received;	/* the target's */
	uint64_t	 foreign;	/* on the 4-tuple, not sent by us */
};

/*
 * The table: v in the order added (a removal moves the last one into
 * the gap), and an open-addressing hash on the 4-tuple (linear probing,
 * at most half full, removal by backward shift), so that a probe's
 * thousands of conversations are found in constant time. Zeroed is
 * empty.
 */
struct conn_table {
	struct conn	**v;
	size_t		 n, cap;
	struct conn	**slot;		/* nslot: 0 or a power of two */
	size_t		 nslot;
};

/* A new conversation laddr:lport <-> raddr:rport (the 4-tuple must not
 * be in the table yet). */
struct conn *conn_add(struct conn_table *, const struct ipaddr *laddr,
	    uint16_t lport, const struct ipaddr *raddr, uint16_t rport);
/* The conversation laddr:lport <-> raddr:rport, or NULL. */
struct conn *conn_find(const struct conn_table *, const struct ipaddr *laddr,
	    uint16_t lport, const struct ipaddr *raddr, uint16_t rport);
/* Take c out of the table and free it (its queue too). */
void	 conn_remove(struct conn_table *, struct conn *c);
void	 conn_table_free(struct conn_table *);

/* The expectation queue: the target's segments in arrival order. */
void	 conn_push(struct conn *, const struct segment *, int64_t t_ns);
/* The oldest not taken, or NULL. */
struct conn_rcvd *conn_peek(struct conn *);
/* The first not taken seen in [lo, hi], or NULL. */
struct conn_rcvd *conn_find_in(struct conn *, int64_t lo, int64_t hi);
/* Take r out of the queue (its segment is freed). */
void	 conn_take(struct conn *, struct conn_rcvd *r);

#endif
