/* SPDX-License-Identifier: GPL-2.0-or-later */
/* read-ladder.h: `tcpshake read --ladder`: one conversation of a capture
 * (its first TCP flow) on its way to the ladder sink, with both ends'
 * states inferred from its segments (obs-state.c, once for each end). */
#ifndef TCPSHAKE_READ_LADDER_H
#define TCPSHAKE_READ_LADDER_H

#include "event.h"

struct read_ladder;

/* Events go on to emit(arg, ev). */
struct read_ladder *read_ladder_new(void (*emit)(void *, const struct event *),
	    void *arg);
/* read's emit (read.h) with read_config.directions set: the first TCP
 * flow's segments and ICMP errors go on, each followed by the states it
 * put either end in ('<' the opener's, '>' the other's); other flows'
 * packets are counted, not shown. */
void	 read_ladder_emit(void *read_ladder, const struct event *);
/* Before the summary: a note of what other flows were left out. */
void	 read_ladder_finish(struct read_ladder *);
void	 read_ladder_free(struct read_ladder *);

#endif
