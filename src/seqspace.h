/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seqspace.h: a connection's two sequence spaces: each side's ISN learned
 * from its SYN, and numbers moved between the wire and the relative view
 * that packet lines use (seq, ack, SACK blocks, TS ecr). */
#ifndef TCPSHAKE_SEQSPACE_H
#define TCPSHAKE_SEQSPACE_H

#include <stdbool.h>
#include <stdint.h>

#include "segment.h"

/*
 * Two sides: SEQ_LOCAL (the prober; in a capture, the flow's first end)
 * and SEQ_REMOTE. A segment sent by a side has its seq in that side's
 * space and its ack and SACK blocks in the other's. A number stays as it
 * is while its side's ISN is unknown (base 0).
 *
 * packetdrill's numbering (pd: files with system calls), as tcpdump's: in
 * a segment with SYN, seq and ack count from syn_base (ours: 0, the
 * numbers are absolute; the target's: its ISN less the number the
 * script's SYN line gave it); in the others from the ISN itself. Without
 * pd (tcpshake's own files) every segment counts from isn, which for
 * the target is its ISN less the script's number.
 *
 * TCP timestamps: the remote's TS val runs on its own clock; ts_offset
 * (remote val minus the script's) moves an ecr we send onto it.
 */
#define SEQ_LOCAL	0
#define SEQ_REMOTE	1

struct seqspace {
	uint32_t	 isn[2];
	bool		 known[2];
	bool		 pd;
	uint32_t	 syn_base[2];
	uint32_t	 ts_offset;
	bool		 ts_known;
};

/* Which numbers a conversion moves. */
#define SEQSPACE_SEQ	0x1u
#define SEQSPACE_ACK	0x2u	/* the ack number */
#define SEQSPACE_SACK	0x4u	/* SACK blocks (the ack's space) */
#define SEQSPACE_ECR	0x8u	/* TS ecr by ts_offset (to the wire) */
#define SEQSPACE_ALL	(SEQSPACE_SEQ | SEQSPACE_ACK | SEQSPACE_SACK | \
			 SEQSPACE_ECR)

void	 seqspace_init(struct seqspace *);
/* side's ISN; a SYN's numbers are absolute under pd. */
void	 seqspace_set(struct seqspace *, int side, uint32_t isn);
/* side's SYN at wire, which the script numbers label. */
void	 seqspace_set_named(struct seqspace *, int side, uint32_t wire,
	    uint32_t label);
/* A bare SYN from side with another ISN than the known one: a new
 * connection on the same ports. */
bool	 seqspace_restarts(const struct seqspace *, int side,
	    const struct segment *);
/* A SYN from side names its ISN; a restart forgets the other side's. */
void	 seqspace_learn(struct seqspace *, int side, const struct segment *);

/* side's ISN, or 0 while unknown. */
uint32_t seqspace_base(const struct seqspace *, int side);
/* The base of side's numbers in seg (a SYN's under pd: syn_base). */
uint32_t seqspace_base_in(const struct seqspace *, int side,
	    const struct segment *seg);
/* The bases of seg, sent by side: its seq's and its ack's. */
void	 seqspace_bases(const struct seqspace *, int side,
	    const struct segment *seg, uint32_t *seq_base, uint32_t *ack_base);
/* A number of side's space in a segment without SYN: wire to relative,
 * relative to wire. */
uint32_t seqspace_rel(const struct seqspace *, int side, uint32_t wire);
uint32_t seqspace_wire(const struct seqspace *, int side, uint32_t rel);

/* seg's numbers minus explicit bases (what: SEQSPACE_*; ECR is ignored):
 * the one place seq, ack and SACK edges are moved. */
void	 seqspace_shift(struct segment *, uint32_t seq_base, uint32_t ack_base,
	    unsigned what);
/* A segment sent by side, from the wire to the relative view. */
void	 seqspace_to_rel(const struct seqspace *, int side, struct segment *,
	    unsigned what);
/* A segment sent by side, from the relative view to the wire (the ecr of
 * a local segment by ts_offset when SEQSPACE_ECR). */
void	 seqspace_to_wire(const struct seqspace *, int side, struct segment *,
	    unsigned what);

#endif
