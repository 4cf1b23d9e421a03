/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session.h: the one loop every driver runs on: the wire (live or fake)
 * and its guard opened from one config, arrivals drained and classified,
 * each handed to its conversation (conn.h), timers, and the events queued
 * and emitted in the order of the wire's stamps. */
#ifndef TCPSHAKE_SESSION_H
#define TCPSHAKE_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "event.h"
#include "wire.h"

/*
 * Time: ns since the session opened (or session_start()), the wire's
 * clock: monotonic for deadlines, the capture's kernel stamps for what
 * was seen.
 *
 * Events, in the order they happened, go to cfg.emit:
 *  - EV_SEGMENT DIR_TO_TARGET for each segment sent by session_send(),
 *    when the capture shows it leave, with the kernel's stamp as its time;
 *    what is queued after it waits behind it. A send the capture does not
 *    show within sent_wait_ns is emitted on the user-space clock, and a
 *    note says so (once). Segments on a conversation's 4-tuple that we
 *    did not send (the local kernel's) are shown and noted.
 *  - EV_SEGMENT DIR_FROM_TARGET for each of the target's segments on a
 *    conversation, then whatever its driver queues (states, notes).
 *  - EV_ICMP for ICMP errors quoting a conversation's segment;
 *    EV_MALFORMED for packets that do not decode.
 * Numbers are relative to the conversation's seqspace unless cfg.absolute;
 * the target's SYN shows its ISN as 0 before anything has learned it.
 *
 * Nothing blocks without a deadline; errors are one line in err; nothing
 * here exits.
 */
struct session;
struct peer;

#define SESSION_SENT_WAIT_NS	WIRE_SENT_WAIT_NS
/* With lanes, how much earlier than a lane's read of its capture a
 * packet may be stamped and still come in a later read (a stamp taken
 * before the packet reached the capture). */
#define SESSION_MERGE_SLACK_NS	2000000LL	/* 2 ms */

struct session_config {
	/* A caller's wire (a fake one in tests), used and left open; NULL:
	 * the live wire opened from wire_cfg. */
	struct wire	*wire;
	struct wire_config wire_cfg;
	bool		 absolute;	/* events show absolute numbers */
	/* --peer-netns: the target's socket states, read as the segments
	 * come and go (session.c, peer_read), shown as EV_STATE from the
	 * target; NULL: none. The caller's. */
	struct peer	*peer;
	/* Set by the caller's signal handler: session_run() returns
	 * SESSION_STOPPED. While it runs, SIGINT, SIGTERM and SIGHUP are
	 * held except inside its wait, so none is lost between check and
	 * wait. */
	volatile sig_atomic_t *stop;
	void		(*emit)(void *arg, const struct event *);
	void		*emit_arg;
};

enum session_status {
	SESSION_DONE,		/* the caller's condition holds */
	SESSION_DEADLINE,	/* the deadline came first */
	SESSION_STOPPED,	/* *cfg.stop was set */
	SESSION_ERROR,		/* capture or send failed: err says why */
};

/* Open (or take) the wire. NULL with one line in err. */
struct session *session_open(const struct session_config *, char *err,
	    size_t errlen);
/* Wait (at most sent_wait_ns, no timers, *cfg.stop ignored) for sends
 * still unseen in the capture, and emit every pending event. */
void	 session_settle(struct session *);
/* Settle, close the wire unless the caller's. NULL is fine. */
void	 session_close(struct session *);

struct wire *session_wire(const struct session *);
/* Time zero is now. */
void	 session_start(struct session *);
int64_t	 session_now(const struct session *);
unsigned session_drops(const struct session *);

/* A conversation local:lport <-> remote:rport, guarded at once; with
 * reserve, lport (0: any free one) is held from the local kernel first.
 * ops NULL: the target's segments wait in its queue. NULL with err. */
struct conn *session_add_conn(struct session *, uint16_t lport,
	    uint16_t rport, bool reserve, const struct conn_ops *ops,
	    void *drv, char *err, size_t errlen);
const struct conn_table *session_conns(const struct session *);

/* Send seg (addresses are the wire's) on c; its event waits for the
 * capture's stamp. 0, or -1 with err. */
int	 session_send(struct session *, struct conn *, const struct segment *,
	    char *err, size_t errlen);
/* Send the ICMP error w (icmp.h) about the target's segment w->quote on
 * c, from our address to the target's: its event (EV_ICMP, DIR_TO_TARGET,
 * the quote as its segment) goes out at once, with no capture stamp (the
 * capture shows only what arrives). 0, or -1 with err. */
struct icmp_wire;
int	 session_send_icmp(struct session *, struct conn *,
	    const struct icmp_wire *w, char *err, size_t errlen);
/* Queued after the events so far: a state (timer: caused by a timer), a
 * note. */
void	 session_state(struct session *, enum event_dir, const char *name,
	    bool timer);
void	 session_note(struct session *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* A copy of ev (its segment, IP bytes, text, ICMP source; no outcome or
 * counts) queued with the events, for a driver that builds its own from
 * what it reads (the burst). Without a time it comes right after the
 * event before it. */
void	 session_queue(struct session *, const struct event *);
/* Emit what is not waiting for a stamp. */
void	 session_flush(struct session *);
/* An event whose pointers are the caller's (a step's verdict): emitted
 * now, after what the queue can emit. */
void	 session_emit(struct session *, const struct event *);

/* Serve the wire: capture, timers, pending events, until done(arg) holds
 * (checked after each batch), the clock reaches deadline, or *cfg.stop is
 * set. done may be NULL. */
enum session_status session_run(struct session *, int64_t deadline,
	    bool (*done)(void *arg), void *arg, char *err, size_t errlen);
/* Sends not yet seen in the capture. */
size_t	 session_unseen(const struct session *);

/*
 * For a burst (burst.h): tap sees each packet the session reads before
 * the conversations do; true: taken, nothing more is done with it (NULL:
 * no tap). A lane is a sibling session for one more sender thread: a
 * live wire of its own as s's, its capture narrowed to our ports [lo,
 * hi], no guard of its own; its events go to s's emit, one at a time
 * across s and its lanes (a lock), merged with theirs in the order of
 * their stamps on s's clock: an event waits until s and every lane not
 * done have read their captures past its stamp (a lane that reads no
 * more says so with session_lane_done()); session_settle(s),
 * session_emit() and session_close() emit all that is held. Close lanes
 * before s. NULL with err (a fake wire has none).
 */
void	 session_set_tap(struct session *, bool (*tap)(void *arg,
	    const struct wire_pkt *), void *arg);
struct session *session_open_lane(struct session *s, uint16_t lo,
	    uint16_t hi, char *err, size_t errlen);
void	 session_lane_done(struct session *);

#endif
