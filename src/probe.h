/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.h: the probe table: every probe sent to one target, found again
 * from a captured segment (our own, leaving; the target's reply; an ICMP
 * error quoting ours) by a hash on the 4-tuple and seq or ack, then
 * checked on every field that relates them. */
#ifndef TCPSHAKE_PROBE_H
#define TCPSHAKE_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "segment.h"

#define PROBE_NONE	UINT32_MAX

struct probe {
	uint32_t	 seq;		/* as sent */
	uint32_t	 ack;
	uint32_t	 seqlen;	/* payload + SYN + FIN */
	uint16_t	 sport;
	uint16_t	 dport;
	uint8_t		 flags;
	bool		 seen_out;	/* the capture saw it leave */
	bool		 answered;	/* a reply or an ICMP error matched */
	uint32_t	 port_idx;	/* which -p port, for the summary */
	uint32_t	 replies;	/* segments matched, duplicates included */
	struct timespec	 ts_out;	/* kernel stamp of it leaving */
	int64_t		 rtt_ns;	/* first reply's RTT, -1 if none */
	uint32_t	 next;		/* chain of the hash on 4-tuple and seq */
};

struct probe_table;

/* A table for up to `max` probes from src to dst. */
struct probe_table *probe_table_new(const struct ipaddr *src,
	    const struct ipaddr *dst, uint32_t max);
void	 probe_table_free(struct probe_table *);
struct srcrange;
/* Probes leave from forged addresses of r too (--source-range); r must
 * outlive the table. */
void	 probe_table_src_range(struct probe_table *, const struct srcrange *r);

/* Record a probe about to be sent; returns its number, or PROBE_NONE when
 * the table is full (or holds probes of four other sequence lengths: the
 * reply lookup tries each length). */
uint32_t probe_add(struct probe_table *, const struct segment *seg,
	    uint32_t port_idx);
struct probe *probe_get(struct probe_table *, uint32_t id);
uint32_t probe_count(const struct probe_table *);

/* A captured segment from src to dst that is one of our probes leaving
 * (same ports, seq and flags, not seen before): its number or PROBE_NONE.
 * The local kernel's own segments on the flow (its RST to a SYN-ACK) do
 * not match. */
uint32_t probe_match_out(struct probe_table *, const struct segment *seg);
/* A captured segment from dst to src that answers a probe: the ports
 * reversed, and its ack covering the probe (ack == seq + seqlen, for
 * SYN-ACK and RST-ACK; or seq + 1 for a SYN whose payload the target did
 * not take) or its seq equal to the probe's ack (a RST to a segment with
 * ACK set). PROBE_NONE when it fits none. */
uint32_t probe_match_reply(struct probe_table *, const struct segment *seg);
/* A captured RST from src to dst, not a probe, whose seq is where a
 * probe's sequence space ends (the local kernel answering the target's
 * SYN-ACK: it knows no such connection). */
uint32_t probe_match_kernel(struct probe_table *, const struct segment *seg);
/* The TCP header quoted by an ICMP error: same ports and seq as a probe. */
uint32_t probe_match_quoted(struct probe_table *, const struct segment *seg);

#endif
