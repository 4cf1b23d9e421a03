/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flow.h: the prober's end of one TCP connection (RFC 9293): its TCB, the
 * state machine, retransmission and TIME_WAIT timers, as a pure library. */
#ifndef TCPSHAKE_FLOW_H
#define TCPSHAKE_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reasm.h"
#include "segment.h"

/*
 * Nothing here does I/O or reads a clock. A driver owns the wire and the
 * time: it feeds each segment of the flow to flow_input() with the time it
 * arrived, calls the user calls (open, send, close, abort), and calls
 * flow_on_timer() when flow_next_timeout() is due. Every call appends what
 * happened, in order, to a struct flow_out: segments to put on the wire,
 * state changes with their cause, notes for people (unacceptable segments
 * and why), data delivered in order and data held out of order.
 *
 * Times are int64_t nanoseconds on any clock the driver likes, as long as
 * it is the same one throughout (for example ns since the run started).
 *
 * A driver's loop, in short:
 *
 *	flow_config_init(&cfg); ...addresses, ports, iss, options...
 *	flow_init(&f, &cfg); flow_out_init(&out);
 *	flow_open_active(&f, now, &out); emit(&out); flow_out_reset(&out);
 *	while (not done) {
 *		wait for a segment of the flow until flow_next_timeout(&f);
 *		if (a segment came)
 *			flow_input(&f, &seg, its time, &out);
 *		else
 *			flow_on_timer(&f, now, &out);
 *		emit(&out); flow_out_reset(&out);
 *		user steps: flow_send_data(), flow_close(), flow_abort();
 *	}
 *
 * where emit() walks out.item[] in order: FLOW_SEND to the wire, the rest
 * to the report.
 */

enum flow_state {
	FLOW_CLOSED = 0,
	FLOW_LISTEN,
	FLOW_SYN_SENT,
	FLOW_SYN_RECEIVED,
	FLOW_ESTABLISHED,
	FLOW_FIN_WAIT_1,
	FLOW_FIN_WAIT_2,
	FLOW_CLOSING,
	FLOW_TIME_WAIT,
	FLOW_CLOSE_WAIT,
	FLOW_LAST_ACK,
};

/* "SYN_SENT", ...: the RFC 9293 names with underscores. */
const char *flow_state_name(enum flow_state);

/* How the connection ended, for the summary. */
enum flow_end {
	FLOW_END_NONE = 0,	/* not ended (or never opened) */
	FLOW_END_CLOSED,	/* orderly: both FINs acknowledged */
	FLOW_END_RESET,		/* the peer sent RST */
	FLOW_END_REFUSED,	/* RST answering our SYN */
	FLOW_END_ABORTED,	/* flow_abort() (RST where the peer has
				 * state), or a close before any SYN-ACK */
	FLOW_END_TIMEOUT,	/* gave up after the last retransmission */
};

/* "closed", "reset by peer", "refused", "aborted", "timed out", "open". */
const char *flow_end_name(enum flow_end);

#define FLOW_NO_TIMEOUT		INT64_MAX
#define FLOW_DEFAULT_RTO_NS	1000000000LL	/* RFC 6298's 1 s */
#define FLOW_DEFAULT_RETRIES	3		/* sends at 0, 1, 3, 7 s */
#define FLOW_MAX_RTO_NS		120000000000LL	/* doubling stops here */

/* What the flow is told before it opens. flow_config_init() fills in the
 * defaults named on each field. */
struct flow_config {
	struct ipaddr	local;		/* our address */
	struct ipaddr	remote;		/* the target's; LISTEN takes it from
					 * the SYN when its family is AF_UNSPEC */
	uint16_t	lport;
	uint16_t	rport;		/* LISTEN: 0 takes it from the SYN */
	uint32_t	iss;		/* our ISN: chosen, or random from the
					 * driver (flow.c draws nothing) */
	uint32_t	rcv_wnd;	/* bytes we accept beyond rcv.nxt (65535);
					 * above 65535 only with wscale */
	uint16_t	mss;		/* MSS option on our SYN (1460); 0: none */
	int		wscale;		/* wscale option on our SYN, 0..14
					 * (more is 14), or -1 for none (-1) */
	bool		sackok;		/* sackOK on our SYN (false) */
	bool		ts;		/* TS on our SYN (false) */
	uint32_t	ts_offset;	/* our TSval = now in ms + this (0) */
	int64_t		rto_ns;		/* initial RTO (1 s), doubled per retry */
	int		retries;	/* retransmissions before giving up (3) */
	int64_t		time_wait_ns;	/* TIME_WAIT duration; 0 leaves it at
					 * once and says so (0) */
	bool		no_final_ack;	/* SYN_SENT: take SYN-ACKs but never
					 * ACK them; report each (false) */
	bool		abs_numbers;	/* notes print absolute sequence
					 * numbers, not relative to the ISNs */
	size_t		max_held_ranges; /* out-of-order ranges held (32) */
};

void	 flow_config_init(struct flow_config *);

/*
 * The TCB. The driver reads it (state, ISNs for relative numbering, what
 * the peer's SYN offered, counters) and never writes it.
 */
struct flow {
	struct flow_config cfg;
	enum flow_state	 state;
	enum flow_end	 end;
	bool		 passive;	/* reached SYN_RECEIVED from LISTEN */
	bool		 took_remote;	/* LISTEN took the address from a SYN */
	bool		 took_rport;	/* and the port */

	/* Send sequence space (RFC 9293 3.3.1). */
	uint32_t	 iss;
	uint32_t	 snd_una;
	uint32_t	 snd_nxt;
	uint32_t	 snd_wnd;	/* bytes, the peer's scale applied */
	uint32_t	 snd_wl1;	/* seq of the segment of the last window
					 * update */
	uint32_t	 snd_wl2;	/* its ack */
	uint16_t	 snd_mss;	/* payload per segment we send */

	/* Receive sequence space. */
	bool		 have_irs;
	uint32_t	 irs;
	uint32_t	 rcv_nxt;
	uint32_t	 rcv_wnd;	/* bytes; a multiple of 1 << rcv_wscale */

	/* Negotiated on the SYNs: each needs both sides to have offered it. */
	bool		 wscale_ok;
	uint8_t		 snd_wscale;	/* the peer's shift; 0 without wscale_ok */
	uint8_t		 rcv_wscale;	/* ours; 0 without wscale_ok */
	bool		 sack_ok;
	bool		 ts_ok;
	uint32_t	 ts_recent;	/* RFC 7323 TS.recent */
	uint32_t	 last_ack_sent;	/* RFC 7323 Last.ACK.sent */

	/* What the peer's SYN (or SYN-ACK) carried. */
	uint16_t	 peer_win;	/* window field of its SYN */
	uint16_t	 peer_mss;	/* 0: no MSS option */
	int		 peer_wscale;	/* -1: no wscale option */
	bool		 peer_sackok;
	bool		 peer_ts;
	uint8_t		 peer_nopts;
	struct tcp_option peer_opts[SEG_MAX_OPTS];

	/* Our bytes from sndbuf_seq on: sent and unacknowledged, then unsent. */
	uint8_t		*sndbuf;
	uint32_t	 sndbuf_len;
	uint32_t	 sndbuf_cap;
	uint32_t	 sndbuf_seq;
	bool		 fin_queued;	/* user closed: FIN follows the data */
	bool		 fin_sent;
	uint32_t	 fin_seq;	/* sequence number of our FIN */

	/* Retransmission timer. */
	int64_t		 rtx_at;	/* FLOW_NO_TIMEOUT when stopped */
	int64_t		 rtx_armed;	/* when it was last (re)armed */
	int64_t		 rto;		/* current timeout, doubling */
	int		 rtx_count;	/* retransmissions of what is in flight */
	int64_t		 time_wait_at;	/* FLOW_NO_TIMEOUT unless TIME_WAIT */

	/* Receiving. */
	struct reasm	 held;		/* out-of-order bytes */
	uint32_t	 held_recent;	/* seq of the latest held segment,
					 * for the first SACK block */
	bool		 rcv_fin_held;	/* a FIN beyond a gap */
	uint32_t	 rcv_fin_seq;

	/* --no-final-ack: SYN-ACKs seen in SYN_SENT. */
	int		 synacks;
	int64_t		 synack_last;

	/* Handshake RTT: from our latest SYN (active) or SYN-ACK (passive)
	 * to the answer; -1 until known. After a retransmission it counts
	 * from the retransmission, so it may be short (Karn's ambiguity). */
	int64_t		 syn_tx;
	int64_t		 hs_rtt_ns;

	/* Counters. */
	uint64_t	 bytes_sent;	/* new payload bytes, not counting
					 * retransmissions */
	uint64_t	 bytes_acked;	/* of those, acknowledged */
	uint64_t	 bytes_received; /* delivered in order */
	uint64_t	 retransmissions;
	uint64_t	 unacceptable;	/* segments refused by the checks */
	uint32_t	 urg_count;	/* segments with URG seen */
	uint16_t	 urg_last;	/* their latest urgent pointer */
};

/* What one call produced, in the order it happened. */
enum flow_item_type {
	FLOW_SEND,	/* seg: put it on the wire */
	FLOW_STATE,	/* from -> to; text: the cause */
	FLOW_NOTE,	/* note: what kind; text: the sentence */
	FLOW_DATA,	/* seq, data, len: bytes delivered in order */
	FLOW_HELD,	/* seq, len: bytes held out of order; newbytes of
			 * them not held before */
};

enum flow_note {
	FLOW_NOTE_UNACCEPTABLE,	/* sequence number outside the window, or
				 * PAWS: ACK sent unless it was a RST */
	FLOW_NOTE_BAD_ACK,	/* acks data not yet sent, or not our SYN */
	FLOW_NOTE_CHALLENGE,	/* RFC 5961 challenge ACK for an in-window
				 * RST or a SYN */
	FLOW_NOTE_IGNORED,	/* dropped for its state (RST in LISTEN, no
				 * ACK bit, a segment to a closed flow...) */
	FLOW_NOTE_TRIMMED,	/* part of a segment beyond the window cut */
	FLOW_NOTE_HOLD_FULL,	/* out-of-order data dropped: too many gaps */
	FLOW_NOTE_URGENT,	/* urgent pointer recorded and ignored */
	FLOW_NOTE_RETRANSMIT,	/* a retransmission: item's rtx, interval */
	FLOW_NOTE_GAVE_UP,	/* retries exhausted */
	FLOW_NOTE_TIME_WAIT,	/* TIME_WAIT left at once, or a FIN re-ACKed */
	FLOW_NOTE_DUP_SYN,	/* a retransmitted SYN: SYN-ACK sent again */
	FLOW_NOTE_SYNACK,	/* no_final_ack: a SYN-ACK and its interval */
	FLOW_NOTE_REFUSED,	/* a user call not possible in this state */
};

struct flow_item {
	enum flow_item_type type;
	struct segment	 seg;		/* FLOW_SEND */
	int		 rtx;		/* FLOW_SEND, NOTE_RETRANSMIT: 0 first
					 * send, n the nth retransmission */
	int64_t		 interval_ns;	/* since the previous transmission
					 * (rtx > 0) or SYN-ACK (NOTE_SYNACK) */
	enum flow_state	 from, to;	/* FLOW_STATE */
	enum flow_note	 note;		/* FLOW_NOTE */
	uint32_t	 seq;		/* FLOW_DATA, FLOW_HELD: absolute */
	uint32_t	 len;
	uint32_t	 newbytes;	/* FLOW_HELD */
	bool		 from_hold;	/* FLOW_DATA: released from the hold */
	uint8_t		*data;		/* FLOW_DATA: owned by the item */
	char		 text[192];
};

struct flow_out {
	struct flow_item *item;
	size_t		 n;
	size_t		 cap;
};

void	 flow_out_init(struct flow_out *);
/* Empty it for the next call, keeping its memory. */
void	 flow_out_reset(struct flow_out *);
void	 flow_out_free(struct flow_out *);
/* How many items of a type; the k-th (from 0) segment to send or NULL. */
size_t	 flow_out_count(const struct flow_out *, enum flow_item_type);
const struct segment *flow_out_seg(const struct flow_out *, size_t k);
/* The first note of a kind, or NULL. */
const struct flow_item *flow_out_note(const struct flow_out *,
	    enum flow_note);

/* A flow in CLOSED with this configuration (copied). */
void	 flow_init(struct flow *, const struct flow_config *);
void	 flow_free(struct flow *);

/*
 * User calls (RFC 9293 3.10.1 to 3.10.5). Each returns 0, or -1 when the
 * call is not possible in the current state: then a FLOW_NOTE_REFUSED says
 * why and nothing else changes.
 */
/* CLOSED -> SYN_SENT: the SYN with the configured options. */
int	 flow_open_active(struct flow *, int64_t now, struct flow_out *);
/* CLOSED -> LISTEN. */
int	 flow_open_passive(struct flow *, int64_t now, struct flow_out *);
/* Queue bytes and send what the peer's window allows, in segments of at
 * most snd_mss. Allowed in ESTABLISHED and CLOSE_WAIT, and queued until
 * ESTABLISHED in SYN_SENT and SYN_RECEIVED; in LISTEN with the remote end
 * configured it opens actively first (LISTEN -> SYN_SENT). */
int	 flow_send_data(struct flow *, const void *, size_t, int64_t now,
	    struct flow_out *);
/* FIN after the queued data: ESTABLISHED -> FIN_WAIT_1, CLOSE_WAIT ->
 * LAST_ACK; LISTEN or SYN_SENT -> CLOSED. SYN_RECEIVED -> FIN_WAIT_1 with
 * the FIN sent at once, or, with data queued, once ESTABLISHED. */
int	 flow_close(struct flow *, int64_t now, struct flow_out *);
/* RST where the peer holds state (SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1/2,
 * CLOSE_WAIT), then CLOSED from any state but CLOSED. */
int	 flow_abort(struct flow *, int64_t now, struct flow_out *);

/*
 * A segment of this flow arrived at `now` (its addresses and ports are the
 * driver's business; a decoded segment whose checksum_state is CKSUM_BAD
 * is dropped, as a TCP would). Returns true when it was taken, false when
 * it was dropped: an unacceptable or ignored segment, with a note saying
 * why.
 */
bool	 flow_input(struct flow *, const struct segment *in, int64_t now,
	    struct flow_out *);

/* When flow_on_timer() wants to run next: the retransmission or the
 * TIME_WAIT deadline, FLOW_NO_TIMEOUT when neither is set. */
int64_t	 flow_next_timeout(const struct flow *);
/* Run whatever timer is due at `now`: retransmit (doubling the RTO), give
 * up after cfg.retries retransmissions (CLOSED), or end TIME_WAIT. Calling
 * it early does nothing. */
void	 flow_on_timer(struct flow *, int64_t now, struct flow_out *);

/* Sequence numbers relative to the ISNs, as packet lines show them. */
uint32_t flow_rel_snd(const struct flow *, uint32_t seq);
uint32_t flow_rel_rcv(const struct flow *, uint32_t seq);

#endif
