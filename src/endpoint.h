/* SPDX-License-Identifier: GPL-2.0-or-later */
/* endpoint.h: the prober's TCP endpoints: flows (flow.c) as drivers of the
 * session's conversations (session.h), their user calls, as events. */
#ifndef TCPSHAKE_ENDPOINT_H
#define TCPSHAKE_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "flow.h"
#include "segment.h"

/*
 * The endpoint drives TCBs (flow.c, pure) over a session (session.h): each
 * flow is a conversation of the session with a TCB. The caller makes user
 * calls on them (connect, send, shutdown, abort) and then lets
 * session_run() serve the wire until its condition holds; the session
 * feeds each flow the target's segments and its timers.
 *
 * Events (through the session, in the wire's order): what the flow made
 * of each of the target's segments follows it: EV_STATE (text: the new
 * state's name), EV_NOTE (unacceptable segments, retransmissions, data
 * delivered or held); the SYN-ACK that completes or answers our SYN
 * carries rtt_ns. A state change a user call causes (SYN_SENT,
 * FIN_WAIT_1, LAST_ACK) follows the segment that call sent. Sequence
 * numbers are relative to the flow's ISNs unless the session's absolute.
 *
 * Errors are one line in err; nothing here exits.
 */
struct endpoint;
struct ep_flow;
struct session;

struct endpoint_config {
	bool		 absolute;	/* notes show absolute numbers */
	bool		 state_causes;	/* an EV_NOTE with each state change's
					 * cause ("SYN_SENT -> ESTABLISHED:
					 * SYN-ACK received") */
};

/* The endpoint over s (which it does not own). */
struct endpoint *endpoint_new(struct session *s,
	    const struct endpoint_config *);
/* Its flows and the endpoint; the session stays. NULL is fine. */
void	 endpoint_free(struct endpoint *);

/* A flow between the session's addresses, a conversation of the session
 * guarded at once (its lport/rport must be set). NULL with err. The
 * endpoint owns it. */
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
