/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe-plan.h: `tcpshake probe` past its options: route, sinks, the
 * session, a plan of one BURST step (burst.h), the summary. */
#ifndef TCPSHAKE_PROBE_PLAN_H
#define TCPSHAKE_PROBE_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "output.h"
#include "privdrop.h"
#include "segment.h"
#include "srcrange.h"

#define PROBE_MAX_TOTAL		1000000	/* probes a run may send: 85 MB of
					 * tables at most */

struct probe_opts {
	char		*target;
	struct segment	 tmpl;		/* flags, win, options, payload, IP */
	bool		 seq_fixed;
	bool		 ack_fixed;
	uint16_t	 sport;		/* 0: random per probe */
	uint16_t	*ports;
	uint32_t	 nports;
	uint64_t	 count;		/* rounds over the port list */
	int64_t		 interval_ns;
	int64_t		 timeout_ns;
	struct output_opts out;		/* text or --json, -q, -v, -w */
	const char	*iface;
	const char	*source;
	bool		 forged;	/* --source-range */
	struct srcrange	 range;
	struct privdrop_opts drop;	/* --user, --no-drop */
};

/* The probes, their replies, the summary: the exit status (0 when every
 * probe sent was answered, 1 when not, 2 when a sender failed: one line
 * says why). Setup failures end the program with one line. Frees o's
 * ports, target and template. */
int	 probe_plan_run(struct probe_opts *o);

#endif
