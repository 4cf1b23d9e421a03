/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flow-int.h: what flow.c (the TCB, user calls, timers, building
 * segments) gives flow-input.c (segment arrival): the state machine's own
 * helpers, not for flow.h's users. */
#ifndef TCPSHAKE_FLOW_INT_H
#define TCPSHAKE_FLOW_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "flow.h"

#define TS_OPT_BYTES	12	/* nop, nop, TS: taken from each segment */
#define MAX_WSCALE	14	/* RFC 7323 2.3 */
#define DEFAULT_MSS4	536	/* RFC 9293 3.7.1, without an MSS option */
#define DEFAULT_MSS6	1220	/* RFC 8200's 1280 minus 60 */

/* What a call produced: an item pushed, a note, received data. */
struct flow_item *flow_out_push(struct flow_out *, enum flow_item_type);
struct flow_item *flow_out_add_note(struct flow_out *, enum flow_note,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void	 flow_out_data(struct flow_out *, uint32_t seq, const uint8_t *data,
	    uint32_t len, bool from_hold);

/* Numbers in notes: relative unless the configuration asks otherwise. */
uint32_t flow_nsnd(const struct flow *, uint32_t seq);
uint32_t flow_nrcv(const struct flow *, uint32_t seq);
double	 flow_secs(int64_t ns);

/* The TCB. */
/* Our receive window in bytes: what the field can say at our scale. */
uint32_t flow_window_bytes(const struct flow *);
/* Everything a connection learns, back to what a fresh open starts from. */
void	 flow_reset_tcb(struct flow *);
void	 flow_set_state(struct flow *, enum flow_state to, const char *cause,
	    struct flow_out *);
bool	 flow_fin_acked(const struct flow *);
/* Where our sent payload ends: the FIN, once sent, is not payload. */
uint32_t flow_data_sent_end(const struct flow *);
/* Our SYN is out and not acknowledged (SYN_SENT, SYN_RECEIVED, or
 * FIN_WAIT_1 after a close in SYN_RECEIVED). */
bool	 flow_syn_unacked(const struct flow *);

/* The retransmission timer and TIME_WAIT. */
void	 flow_rtx_arm(struct flow *, int64_t now);
void	 flow_rtx_stop(struct flow *);
void	 flow_enter_time_wait(struct flow *, const char *cause, int64_t now,
	    struct flow_out *);
/* With a TIME_WAIT of 0 the flow leaves once this segment's ACK is out. */
void	 flow_time_wait_settle(struct flow *, struct flow_out *);

/* Sending. */
void	 flow_send_syn(struct flow *, int64_t now, struct flow_out *, int rtx,
	    int64_t interval);
void	 flow_send_ack(struct flow *, int64_t now, struct flow_out *);
/* RST for a segment with no connection behind it (RFC 9293 3.10.7.1):
 * <SEQ=SEG.ACK><CTL=RST>, or <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
void	 flow_send_rst_reply(struct flow *, const struct segment *in,
	    int64_t now, struct flow_out *);
/* Send what the peer's window allows, then the FIN once the data is out.
 * With nothing in flight and a zero window one byte goes anyway, and the
 * retransmission timer repeats it: RFC 9293 3.8.6.1's window probe. */
void	 flow_push(struct flow *, int64_t now, struct flow_out *);

#endif
