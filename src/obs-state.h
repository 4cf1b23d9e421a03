/* SPDX-License-Identifier: GPL-2.0-or-later */
/* obs-state.h: the TCB of flows that have none (typed in the shell, run
 * by a scenario, read from a capture), inferred from the segments they
 * send and receive; an active or a passive open. */
#ifndef TCPSHAKE_OBS_STATE_H
#define TCPSHAKE_OBS_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "event.h"

struct obs_state;

struct obs_state *obs_state_new(void);
void	 obs_state_free(struct obs_state *);
/* A segment changes a flow's state at most this many times (FIN_WAIT_1
 * to FIN_WAIT_2 to TIME_WAIT on a FIN that acks ours). */
#define OBS_CHANGES_MAX	3

/* A segment event of our flow with local port lport: the states it
 * caused, in order (RFC 9293 names, into to[]), how many (0: none). */
size_t	 obs_state_segment(struct obs_state *, uint16_t lport,
	    const struct event *, const char *to[OBS_CHANGES_MAX]);
/* Any event: for a segment sent or seen, the same for the flow of our
 * port in it (sport going out, dport coming in); else 0. */
size_t	 obs_state_event(struct obs_state *, const struct event *,
	    const char *to[OBS_CHANGES_MAX]);
/* The states a segment event `cause` caused as EV_STATE events of the
 * prober's side, each given to emit(arg, ev) with the segment's time. */
void	 obs_state_emit(const struct event *cause, const char *const *to,
	    size_t n, void (*emit)(void *, const struct event *), void *arg);
/* The same for either side: side DIR_FROM_TARGET makes them the
 * target's (read --ladder infers both ends). */
void	 obs_state_emit_side(const struct event *cause, const char *const *to,
	    size_t n, enum event_dir side,
	    void (*emit)(void *, const struct event *), void *arg);
/* Seen anything on it? Its next numbers (relative) and our last window:
 * 0, or -1 when nothing was seen. */
bool	 obs_state_known(const struct obs_state *, uint16_t lport);
int	 obs_state_next(const struct obs_state *, uint16_t lport,
	    uint32_t *snd_nxt, uint32_t *rcv_nxt, uint32_t *rcv_wnd);
/* What the shell's `show` prints for it: 0, or -1 when nothing was
 * seen. */
int	 obs_state_show(const struct obs_state *, uint16_t lport, FILE *);

#endif
