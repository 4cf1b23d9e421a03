/* SPDX-License-Identifier: GPL-2.0-or-later */
/* connect-plan.h: `tcpshake connect` past its options: the conversation
 * asked for as a plan of steps (step.h), carried out by the engine
 * (engine.h) over one session, and its summary. */
#ifndef TCPSHAKE_CONNECT_PLAN_H
#define TCPSHAKE_CONNECT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "output.h"
#include "privdrop.h"

#define CONNECT_MAX_SEND	(16 << 20)	/* --send bytes in all */

enum close_mode {
	CLOSE_FIN,
	CLOSE_HALF,
	CLOSE_WAIT,
	CLOSE_RST,
	CLOSE_NONE,
};

/* Their names, as --close takes them. */
extern const char *const close_names[];
#define CLOSE_NMODES	5


struct send_chunk {
	uint8_t		*data;
	size_t		 len;
};

struct connect_opts {
	char		*host;
	uint16_t	 port;
	struct flow_config fc;
	bool		 isn_fixed;
	bool		 opts_given;	/* --mss/--wscale/--sackok/--ts */
	bool		 ts_fixed;	/* --ts VAL: TSval starts near VAL */
	uint32_t	 ts_val;
	bool		 no_options;
	uint32_t	 win;
	bool		 win_given;
	uint16_t	 sport;
	struct send_chunk *sends;
	size_t		 nsends;
	size_t		 send_total;
	bool		 expect_echo;
	int64_t		 recv_wait_ns;
	enum close_mode	 close;
	bool		 close_given;
	int64_t		 watch_ns;
	int64_t		 timeout_ns;	/* 0: computed */
	bool		 no_guard;
	bool		 realtime;	/* --realtime: SCHED_FIFO if allowed */
	bool		 absolute;
	struct output_opts out;		/* text, --ladder or --json, -q, -v,
					 * -w, --svg */
	bool		 formats_clash;	/* --ladder and --json */
	const char	*iface;
	const char	*source;
	const char	*peer_netns;
	struct privdrop_opts drop;	/* --user, --no-drop */
	int		 verbose;
};

struct plan;

/* The steps the options ask for (the flow's config must be final). */
void	 connect_build_plan(const struct connect_opts *, struct plan *);
/* Route, sinks, session, the plan, the summary: the exit status (0 as
 * asked, 1 not). Setup failures end the program with one line. */
int	 connect_plan_run(struct connect_opts *);

#endif
