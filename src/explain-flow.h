/* SPDX-License-Identifier: GPL-2.0-or-later */
/* explain-flow.h: what read -e remembers of each connection in a
 * capture: the options of both SYNs, so later segments' windows can be
 * shown scaled and a SYN-ACK checked for a Linux SYN cookie's marks. */
#ifndef TCPSHAKE_EXPLAIN_FLOW_H
#define TCPSHAKE_EXPLAIN_FLOW_H

#include <stdbool.h>

#include "segment.h"

/* One side's SYN (or SYN-ACK), as far as it matters here. */
struct explain_syn {
	bool	seen;
	int	wscale;		/* -1: no wscale option */
	bool	sackok;
	bool	ts;
	bool	ecn;		/* a SYN with ECE and CWR: it asks for ECN */
};

struct explain_ctx;

struct explain_ctx *explain_ctx_new(void);
void	 explain_ctx_free(struct explain_ctx *);
/* Take seg in (a SYN records its side's options). *mine and *theirs
 * point at what is known of the sender's and the receiver's SYNs (never
 * NULL; .seen false when the capture has not shown it). */
void	 explain_ctx_see(struct explain_ctx *, const struct segment *seg,
	    const struct explain_syn **mine, const struct explain_syn **theirs);

#endif
