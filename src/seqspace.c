/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seqspace.c: ISNs learned from SYNs and the one conversion of seq, ack,
 * SACK blocks and TS ecr between the wire and relative numbers. */
#include "config.h"

#include <string.h>

#include "seqspace.h"

void
seqspace_init(struct seqspace *ss)
{
	memset(ss, 0, sizeof *ss);
}

void
seqspace_set(struct seqspace *ss, int side, uint32_t isn)
{
	ss->isn[side] = isn;
	ss->syn_base[side] = ss->pd ? 0 : isn;
	ss->known[side] = true;
}

void
seqspace_set_named(struct seqspace *ss, int side, uint32_t wire,
    uint32_t label)
{
	ss->isn[side] = ss->pd ? wire : wire - label;
	ss->syn_base[side] = wire - label;
	ss->known[side] = true;
}

bool
seqspace_restarts(const struct seqspace *ss, int side,
    const struct segment *seg)
{
	return (seg->flags & (TH_SYN_ | TH_ACK_)) == TH_SYN_ &&
	    ss->known[side] && ss->isn[side] != seg->seq;
}

void
seqspace_learn(struct seqspace *ss, int side, const struct segment *seg)
{
	if (!(seg->flags & TH_SYN_))
		return;
	if (seqspace_restarts(ss, side, seg))
		ss->known[1 - side] = false;
	seqspace_set(ss, side, seg->seq);
}

uint32_t
seqspace_base(const struct seqspace *ss, int side)
{
	return ss->known[side] ? ss->isn[side] : 0;
}

uint32_t
seqspace_base_in(const struct seqspace *ss, int side,
    const struct segment *seg)
{
	if (!ss->known[side])
		return 0;
	return ss->pd && seg != NULL && (seg->flags & TH_SYN_) ?
	    ss->syn_base[side] : ss->isn[side];
}

void
seqspace_bases(const struct seqspace *ss, int side,
    const struct segment *seg, uint32_t *seq_base, uint32_t *ack_base)
{
	*seq_base = seqspace_base_in(ss, side, seg);
	*ack_base = seqspace_base_in(ss, 1 - side, seg);
}

uint32_t
seqspace_rel(const struct seqspace *ss, int side, uint32_t wire)
{
	return wire - seqspace_base(ss, side);
}

uint32_t
seqspace_wire(const struct seqspace *ss, int side, uint32_t rel)
{
	return rel + seqspace_base(ss, side);
}

void
seqspace_shift(struct segment *seg, uint32_t seq_base, uint32_t ack_base,
    unsigned what)
{
	struct tcp_option *o;
	int i, k;

	if (what & SEQSPACE_SEQ)
		seg->seq -= seq_base;
	if (what & SEQSPACE_ACK)
		seg->ack -= ack_base;
	if (!(what & SEQSPACE_SACK))
		return;
	for (i = 0; i < seg->nopts && i < SEG_MAX_OPTS; i++) {
		o = &seg->opts[i];
		if (o->kind != OPT_SACK)
			continue;
		for (k = 0; k < o->u.sack.n && k < OPT_MAX_SACK; k++) {
			o->u.sack.b[k].left -= ack_base;
			o->u.sack.b[k].right -= ack_base;
		}
	}
}

void
seqspace_to_rel(const struct seqspace *ss, int side, struct segment *seg,
    unsigned what)
{
	uint32_t sb, ab;

	seqspace_bases(ss, side, seg, &sb, &ab);
	seqspace_shift(seg, sb, ab, what);
}

void
seqspace_to_wire(const struct seqspace *ss, int side, struct segment *seg,
    unsigned what)
{
	struct tcp_option *o;
	uint32_t sb, ab;
	int i;

	seqspace_bases(ss, side, seg, &sb, &ab);
	seqspace_shift(seg, 0u - sb, 0u - ab, what);
	if (!(what & SEQSPACE_ECR) || side != SEQ_LOCAL || !ss->ts_known)
		return;
	for (i = 0; i < seg->nopts && i < SEG_MAX_OPTS; i++) {
		o = &seg->opts[i];
		if (o->kind == OPT_TS && o->u.ts.ecr != 0)
			o->u.ts.ecr += ss->ts_offset;
	}
}
