/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session-int.h: what the session's files share (session.c: the wire,
 * the conversations, the loop; session-queue.c: the events' queue and the
 * lanes' merge). Not for anything else. */
#ifndef TCPSHAKE_SESSION_INT_H
#define TCPSHAKE_SESSION_INT_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pthread.h>

#include "session.h"

/* An event waiting its turn. A segment we sent waits for the capture to
 * show it leaving (its kernel stamp is its time); what came after it in
 * the conversation waits behind it, so the order is the wire's. */
struct pend {
	struct event	 ev;		/* pointers set when emitted */
	bool		 has_seg;
	struct segment	 seg;
	uint8_t		*ip;
	char		*text;
	struct ipaddr	 icmp_from;
	struct conn	*conn;
	bool		 waiting;	/* sent, not yet seen leaving */
	uint64_t	 tag;		/* its wire_send() tag */
};

struct session {
	struct session_config cfg;
	struct wire	*w;
	struct conn_table conns;
	/* The conversations whose driver has timers, in the order added:
	 * a wakeup asks these only (a run's flows have none, and a file may
	 * have thousands). */
	struct conn	**timed;
	size_t		 ntimed;
	uint64_t	 next_tag;
	struct pend	*q;
	size_t		 qn;
	size_t		 qcap;
	bool		 fallback_said;
	bool		 settling;	/* session_settle: no timers */
	bool		 holding;	/* a driver takes an arrival: the
					 * queue stays until its event is
					 * complete */
	int64_t		 last_t;	/* of the last event emitted */
	/* --peer-netns: the target's state of the last conversation shown */
	struct conn	*peer_conn;
	bool		 peer_shown;	/* a state of the target's was shown */
	bool		 peer_armed;	/* something of ours went out */
	bool		 peer_due;	/* a segment shown since the last change */
	/* A burst's tap on what is read (session_set_tap). */
	bool		(*tap)(void *arg, const struct wire_pkt *);
	void		*tap_arg;
	/* With lanes: the parent's group, shared; under its lock, how far
	 * this session has read its capture (the parent's clock). */
	struct group	*group;
	atomic_bool	 done_reading;	/* session_lane_done() */
	_Atomic int64_t	 read_to;
	struct pend	*ob;		/* its events ready, [obh, obn) */
	size_t		 obh, obn, obcap;
	int64_t		 peer_poll_at;	/* the next read while quiet */
};

/*
 * A session and its lanes: one lock for their emits, and their events
 * merged in the order of the capture's stamps on the parent's clock
 * (each lane reads its own capture, in its own order). An event waits
 * until every member has read its capture past the event's stamp: a
 * member's mark is where its last drain that emptied the capture began
 * (or its wait for the capture began), less SESSION_MERGE_SLACK_NS for a
 * packet stamped before it reached the capture; a member done reading
 * holds nothing back. Settle and close emit the rest.
 */
struct group {
	pthread_mutex_t	 lock;
	struct session	*owner;		/* the parent: its clock, its emit */
	struct session	**mv;		/* the members, owner first */
	size_t		 nm;
	atomic_size_t	 held;		/* events in the outboxes */
};

/* session-queue.c */
/* A new event at the queue's tail, stamped now. */
struct pend *pend_push(struct session *, enum event_type, enum event_dir);
void	 pend_vtext(struct pend *, const char *fmt, va_list)
	    __attribute__((format(printf, 2, 0)));
void	 pend_text(struct pend *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* A copy of the IP bytes (NULL: none). */
void	 pend_set_ip(struct pend *, const uint8_t *ip, uint32_t len);
/* The send of this wire_send() tag still waiting for its stamp, or NULL. */
struct pend *pend_by_tag(struct session *, uint64_t tag);
/* Sends the capture did not show by now (now < 0: any) go out on the
 * user-space clock, with a note the first time. */
void	 queue_expire(struct session *, int64_t now);
/* Our send at i, stamped later than the target's blocks behind it, moved
 * after them. */
void	 queue_order(struct session *, size_t i);
/* With lanes: s has read its capture to `to`; emit what every member has
 * read past. */
void	 group_mark(struct session *, int64_t to);
/* All that the group holds (NULL: none). */
void	 group_drain(struct group *);
/* The group's part of session_close(): the owner frees it, a lane
 * leaves it (what it holds goes out). */
void	 group_close(struct session *);

#endif
