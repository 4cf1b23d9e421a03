/* endpoint.h: the prober's TCP endpoints on the wire: flows (flow.c) driven
 * over wire.h (raw sends, a live capture, the kernel-RST guard), as events. */
#ifndef TCPSHAKE_ENDPOINT_H
#define TCPSHAKE_ENDPOINT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "event.h"
#include "flow.h"
#include "segment.h"

/*
 * One endpoint is one local address talking to one remote address: a raw
 * sending context, a capture opened (and filtered) before the first send,
 * and, unless told not to, the guard keeping the local kernel from
 * answering the target's segments with RST. Flows are added to it; the
 * caller makes user calls on them (connect, send, shutdown, abort) and
 * then lets endpoint_run() serve the wire until its condition holds.
 *
 * Time: ns since endpoint_open(), one clock for everything. The capture's
 * stamps (CLOCK_REALTIME, as in pcap files) are converted once against the
 * realtime start; the loop's own time is the monotonic clock since the
 * same start. Flows see the capture stamp of each segment as `now`.
 *
 * Events, in the order they happened, go to cfg.emit:
 *  - EV_SEGMENT DIR_TO_TARGET for each segment we sent, emitted when the
 *    capture sees it leave, with the kernel's stamp as its time. If the
 *    capture does not show it within cfg.sent_wait_ns, it is emitted with
 *    the user-space clock's time and a note says so (once per run).
 *    Segments on a flow's 4-tuple that the flow did not send (the local
 *    kernel's RST when there is no guard) are emitted too, and noted.
 *  - EV_SEGMENT DIR_FROM_TARGET for each of the target's segments (with
 *    rtt_ns on the SYN-ACK that completes or answers our SYN), then what
 *    the flow made of it: EV_STATE (text: the new state's name), EV_NOTE
 *    (unacceptable segments, retransmissions, data delivered or held).
 *  - A state change a user call causes (SYN_SENT, FIN_WAIT_1, LAST_ACK)
 *    follows the segment that call sent.
 *  - EV_ICMP for ICMP errors quoting a flow's segment; EV_MALFORMED for
 *    captured packets that do not decode.
 * Sequence numbers in events are relative to the flow's ISNs (our ISN for
 * our seq and the target's ack, the target's ISN for the others) unless
 * cfg.absolute.
 *
 * Nothing blocks without a deadline. Errors are one line in err; nothing
 * here exits.
 */
struct endpoint;
struct ep_flow;

#define ENDPOINT_SENT_WAIT_NS	100000000LL	/* 100 ms */

struct wire;

struct endpoint_config {
	/* A wire opened by the caller (a fake one in tests), used as it is
	 * and left open; NULL: open the live wire from the fields below. */
	struct wire	*wire;
	struct ipaddr	 local;		/* our address */
	struct ipaddr	 remote;	/* the target's (same family) */
	const char	*ifname;	/* capture here; NULL: "any" */
	uint16_t	 lport;		/* narrow the capture to these ports */
	uint16_t	 rport;		/* (0: every port between the hosts) */
	bool		 no_guard;	/* leave the local kernel in the way */
	bool		 absolute;	/* events show absolute numbers */
	bool		 state_causes;	/* an EV_NOTE with each state change's
					 * cause ("SYN_SENT -> ESTABLISHED:
					 * SYN-ACK received") */
	int64_t		 sent_wait_ns;	/* 0: ENDPOINT_SENT_WAIT_NS */
	/* Set by the caller's signal handler: endpoint_run() returns
	 * EP_STOPPED. While it runs, SIGINT, SIGTERM and SIGHUP are held
	 * except inside its wait, so none is lost between check and wait. */
	volatile sig_atomic_t *stop;
	void		(*emit)(void *arg, const struct event *);
	/* Called (with emit_arg) right before each segment goes out, once
	 * the events that led to it are emitted; may be NULL. */
	void		(*before_send)(void *arg);
	/* Called (with emit_arg) when a segment of a flow arrives from the
	 * target, before its event is queued; may be NULL. */
	void		(*before_recv)(void *arg);
	void		*emit_arg;
};

enum ep_status {
	EP_DONE,	/* the caller's condition holds */
	EP_DEADLINE,	/* the deadline came first */
	EP_STOPPED,	/* *cfg.stop was set */
	EP_ERROR,	/* capture or send failed: err says why */
};

/* Open the sender, the capture (before anything is sent) and the guard.
 * NULL with one line in err. The guard removes stale tables and hooks
 * SIGINT/SIGTERM/SIGHUP only where they are still SIG_DFL: install your
 * handlers first if you want the run to end through endpoint_close(). */
struct endpoint *endpoint_open(const struct endpoint_config *, char *err,
	    size_t errlen);
/* Wait (at most sent_wait_ns, running no timers, ignoring *cfg.stop) for
 * sent segments still unseen in the capture, and emit every pending
 * event: call it before a summary. */
void	 endpoint_settle(struct endpoint *);
/* Settle, remove the guard, close capture and sender. NULL is fine. */
void	 endpoint_close(struct endpoint *);

/* ns since endpoint_open() on the run's clock. */
int64_t	 endpoint_now(const struct endpoint *);
/* Packets the capture dropped so far. */
unsigned endpoint_drops(const struct endpoint *);

/* A flow between cfg.local and cfg.remote; its addresses are taken from
 * the endpoint. Guarded at once (its lport/rport must be set). NULL with
 * err. The endpoint owns it. */
struct ep_flow *endpoint_add_flow(struct endpoint *,
	    const struct flow_config *, char *err, size_t errlen);

/* User calls: flow_open_active, flow_send_data, flow_close, flow_abort,
 * with their segments sent. 0; 1 when the flow refused the call (a note
 * says why); -1 with err when sending failed. */
int	 endpoint_connect(struct endpoint *, struct ep_flow *, char *err,
	    size_t errlen);
int	 endpoint_send(struct endpoint *, struct ep_flow *, const void *,
	    size_t, char *err, size_t errlen);
int	 endpoint_shutdown(struct endpoint *, struct ep_flow *, char *err,
	    size_t errlen);
int	 endpoint_abort(struct endpoint *, struct ep_flow *, char *err,
	    size_t errlen);

/* A state of the target's (DIR_FROM_TARGET) or another the caller read,
 * queued after the events so far: drawn on the row of the segment before
 * it. */
void	 endpoint_state(struct endpoint *, enum event_dir, const char *name);
/* A note from the caller, in order with the events around it. */
void	 endpoint_note(struct endpoint *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Serve the wire: capture, flows' timers, pending events, until done(arg)
 * is true (checked after each batch of work), the run's clock reaches
 * deadline (ns, as endpoint_now()), or *cfg.stop is set. done may be NULL.
 */
enum ep_status endpoint_run(struct endpoint *, int64_t deadline,
	    bool (*done)(void *arg), void *arg, char *err, size_t errlen);

/* A flow's TCB (state, ISNs, what the peer's SYN carried, counters). */
const struct flow *ep_flow_tcb(const struct ep_flow *);
/* The bytes delivered in order so far. */
const uint8_t *ep_flow_received(const struct ep_flow *, size_t *len);
/* Of those, the bytes delivered after our FIN went out. */
uint64_t ep_flow_received_after_fin(const struct ep_flow *);
/* Handshake RTT from kernel stamps (our last SYN leaving to the SYN-ACK
 * arriving), else the flow's own; -1 when there was none. */
int64_t	 ep_flow_hs_rtt(const struct ep_flow *);
/* Segments of the flow's 4-tuple we did not send (the local kernel's). */
uint64_t ep_flow_foreign(const struct ep_flow *);

#endif
