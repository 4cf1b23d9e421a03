/* SPDX-License-Identifier: GPL-2.0-or-later */
/* event.h: what happened, as the engine and the front ends report it, and
 * the sinks that turn events into output (text, JSON Lines, pcap, ...).
 * No front end prints packets itself: it emits events to a sink chain. */
#ifndef TCPSHAKE_EVENT_H
#define TCPSHAKE_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "outcome.h"
#include "segment.h"

enum event_type {
	EV_SEGMENT,	/* a segment sent or seen (seg, ip/iplen) */
	EV_MALFORMED,	/* a captured packet that did not decode (text) */
	EV_ICMP,	/* an ICMP error quoting one of our segments */
	EV_STATE,	/* a TCP state changed: text is the new state's RFC 9293
			 * name ("SYN_SENT"); dir DIR_FROM_TARGET means the
			 * target's socket (read in the lab), otherwise the
			 * prober's own; emitted right after the EV_SEGMENT
			 * that caused it, or with `timer` set when a timer
			 * caused it (TIME_WAIT's end, a retransmission
			 * giving up) */
	EV_STEP,	/* a scripted step met or missed */
	EV_NOTE,	/* a sentence for people (text) */
	EV_SUMMARY,	/* end of a run: counters (text holds the summary) */
};

/* Direction, seen from the target as packetdrill does: '<' into the target
 * (the prober sent it), '>' out of it (the prober saw it). */
enum event_dir {
	DIR_NONE = 0,
	DIR_TO_TARGET,		/* '<' */
	DIR_FROM_TARGET,	/* '>' */
};

/* EV_SUMMARY: the counters behind `text`, named for machine-readable sinks
 * (the JSON key), in the order they should appear. */
struct event_count {
	const char	*key;		/* "segments", "malformed", ... */
	uint64_t	 value;
};

/* EV_SUMMARY: the command's verdict on what it did, one JSON key ("ok")
 * for every command. */
enum event_verdict {
	VERDICT_NONE = 0,
	VERDICT_OK,
	VERDICT_FAIL,
};

struct event {
	enum event_type	 type;
	enum event_dir	 dir;
	struct timespec	 ts;		/* kernel stamp when known */
	int64_t		 t_ns;		/* ns since the run started */
	const struct segment *seg;	/* EV_SEGMENT, EV_ICMP (quoted) */
	uint32_t	 seq_base;	/* subtract for relative display */
	uint32_t	 ack_base;
	bool		 relative;	/* print seq/ack minus the bases */
	const uint8_t	*ip;		/* raw IP packet (pcap sink) */
	uint32_t	 iplen;
	const char	*text;		/* EV_MALFORMED/NOTE/STATE/SUMMARY... */
	int64_t		 rtt_ns;	/* >= 0 when this reply has an RTT */
	int		 probe;		/* probe number, -1 if none */
	uint8_t		 icmp_type;	/* EV_ICMP */
	uint8_t		 icmp_code;
	uint32_t	 icmp_rest;	/* bytes 4-7: the MTU of a
					 * frag_needed, packet_too_big */
	const struct ipaddr *icmp_from;
	const struct event_count *counts;	/* EV_SUMMARY, may be NULL */
	size_t		 ncounts;
	const struct step_outcome *outcome;	/* EV_STEP, may be NULL */
	enum event_verdict verdict;	/* EV_SUMMARY */
	bool		 timer;		/* EV_STATE: caused by a timer, not by
					 * the segment before it */
};

struct sink_ops {
	const char	*name;
	void		(*event)(void *ctx, const struct event *);
	void		(*close)(void *ctx);	/* flush and free */
};

struct sink {
	const struct sink_ops	*ops;
	void			*ctx;
	struct sink		*next;
};

void	 event_init(struct event *, enum event_type);
/* Send ev to every sink of the chain. */
void	 sinks_emit(struct sink *chain, const struct event *ev);
/* Append a sink to the chain. */
void	 sinks_add(struct sink **chain, const struct sink_ops *, void *ctx);
/* Close every sink (flushing files) and free the chain. Safe to call from
 * a fatal path; a second call does nothing. */
void	 sinks_close(struct sink **chain);

#endif
