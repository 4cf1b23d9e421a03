/* SPDX-License-Identifier: GPL-2.0-or-later */
/* read-ladder.c: `tcpshake read --ladder`: the capture's first TCP flow
 * on its way to the ladder, with the states its segments put each end in
 * (obs-state.c for the opener, and for the other end on the segments seen
 * from there); other flows are counted and left out. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "obs-state.h"
#include "read-ladder.h"
#include "segment.h"
#include "xmalloc.h"

struct read_ladder {
	void		(*emit)(void *, const struct event *);
	void		*arg;
	bool		 have;		/* the conversation's ends are known */
	struct ipaddr	 a, b;
	uint16_t	 pa, pb;
	struct obs_state *opener;	/* the '<' side's states */
	struct obs_state *other;	/* the '>' side's */
	uint64_t	 left_out;	/* other flows' packets */
};

struct read_ladder *
read_ladder_new(void (*emit)(void *, const struct event *), void *arg)
{
	struct read_ladder *rl = xcalloc(1, sizeof *rl);

	rl->emit = emit;
	rl->arg = arg;
	rl->opener = obs_state_new();
	rl->other = obs_state_new();
	return rl;
}

void
read_ladder_free(struct read_ladder *rl)
{
	if (rl == NULL)
		return;
	obs_state_free(rl->opener);
	obs_state_free(rl->other);
	free(rl);
}

/* Whether s is of the conversation (the first flow seen is). */
static bool
read_ladder_ours(struct read_ladder *rl, const struct segment *s)
{
	if (!rl->have) {
		rl->a = s->src;
		rl->pa = s->sport;
		rl->b = s->dst;
		rl->pb = s->dport;
		rl->have = true;
	}
	return (ipaddr_eq(&s->src, &rl->a) && s->sport == rl->pa &&
	    ipaddr_eq(&s->dst, &rl->b) && s->dport == rl->pb) ||
	    (ipaddr_eq(&s->src, &rl->b) && s->sport == rl->pb &&
	    ipaddr_eq(&s->dst, &rl->a) && s->dport == rl->pa);
}

/* The states a segment put one end in: the opener's as its segments
 * show them, the other end's the same inference run on the segment as
 * that end saw it. */
static void
read_ladder_end(struct read_ladder *rl, const struct event *ev,
    bool opener)
{
	const char *to[OBS_CHANGES_MAX];
	struct event seen = *ev;
	size_t n;

	if (!opener)
		seen.dir = ev->dir == DIR_TO_TARGET ? DIR_FROM_TARGET :
		    DIR_TO_TARGET;
	n = obs_state_event(opener ? rl->opener : rl->other, &seen, to);
	obs_state_emit_side(ev, to, n, opener ? DIR_NONE : DIR_FROM_TARGET,
	    rl->emit, rl->arg);
}

/* Both ends' states after a segment: its sender's first, as sending
 * comes before receiving. */
static void
read_ladder_states(struct read_ladder *rl, const struct event *ev)
{
	bool from_opener = ev->dir == DIR_TO_TARGET;

	read_ladder_end(rl, ev, from_opener);
	read_ladder_end(rl, ev, !from_opener);
}

void
read_ladder_emit(void *arg, const struct event *ev)
{
	struct read_ladder *rl = arg;

	if ((ev->type == EV_SEGMENT || ev->type == EV_ICMP) &&
	    ev->seg != NULL && !read_ladder_ours(rl, ev->seg)) {
		rl->left_out++;
		return;
	}
	rl->emit(rl->arg, ev);
	if (ev->type == EV_SEGMENT && ev->dir != DIR_NONE)
		read_ladder_states(rl, ev);
}

void
read_ladder_finish(struct read_ladder *rl)
{
	char text[160];
	struct event ev;

	if (rl->left_out == 0)
		return;
	snprintf(text, sizeof text, "%" PRIu64 " packet%s of other flows "
	    "left out: the ladder draws the first (--filter picks another)",
	    rl->left_out, rl->left_out == 1 ? "" : "s");
	event_init(&ev, EV_NOTE);
	ev.text = text;
	rl->emit(rl->arg, &ev);
}
