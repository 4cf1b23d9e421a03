/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine.h: runs a parsed scenario (script.h) against its target on the
 * wire: steps on time, expectations matched (match.h), verdicts as events. */
#ifndef TCPSHAKE_ENGINE_H
#define TCPSHAKE_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "privdrop.h"
#include "script.h"

/*
 * The engine plays every flow of the script from raw sockets; it runs no
 * TCP of its own: each segment is the one the script wrote, its numbers
 * moved from the script's relative space to the wire (match.h). Each flow
 * is a conversation of one session (session.h, conn.h) without a driver:
 * the target's segments wait in its queue for the '>' lines. The capture
 * is open and filtered before the first send; the guard keeps the local
 * kernel from answering the target for every flow's 4-tuple.
 *
 * Time is ns since the run started, on the capture's kernel stamps: a
 * sent segment's time is its stamp in the capture, a received one's its
 * arrival stamp. Steps follow script.h's rule: a relative time counts
 * from the completion of the previous step, except a '<' after a '<',
 * which counts from the previous one's scheduled time. Sends sleep until
 * shortly before their time, then spin.
 *
 * An expected line takes the next segment of its flow from the target
 * and waits for it until the end of its window plus the tolerance; '*'
 * waits at most ENGINE_ANY_WAIT_NS. A silence fails on any segment of its
 * flow not taken by an earlier step and seen before its end. A command
 * runs through /bin/sh -c and fails on a non-zero exit or after
 * ENGINE_SHELL_WAIT_NS. Nothing waits without a deadline.
 */
#define ENGINE_ANY_WAIT_NS	10000000000LL	/* '*': 10 s */
#define ENGINE_SHELL_WAIT_NS	30000000000LL	/* a command: 30 s */
#define ENGINE_SPIN_NS		1000000LL	/* sleep until this before a send:
					 * a wakeup on a loaded machine can
					 * be late by hundreds of us */
#define ENGINE_RT_SPIN_NS	300000LL	/* the same at real-time priority,
					 * which wakes on time: a spin of
					 * 1 ms before sends 1 ms apart
					 * would never sleep (RLIMIT_RTTIME)
					 * and starve the CPU's others */

struct wire;
struct peer;

struct engine_config {
	/* A wire opened by the caller (a fake one in tests): its addresses
	 * are the run's, no route is looked up, and it stays open. NULL:
	 * the live wire to the script's target through the route. */
	struct wire	*wire;
	const char	*ifname;	/* NULL: the route's interface */
	const char	*source;	/* NULL: the route's source address */
	bool		 no_guard;
	bool		 keep_going;	/* run the rest after a failure */
	bool		 absolute;	/* events show the wire's numbers (also
					 * the file's --absolute=yes) */
	int64_t		 spin_ns;	/* 0: ENGINE_SPIN_NS */
	int64_t		 tolerance_usecs;	/* < 0: the script's */
	double		 tolerance_percent;	/* < 0: the script's */
	volatile sig_atomic_t *stop;	/* set by a signal: stop soon */
	const struct privdrop_opts *drop;	/* once the wire is open
						 * (privdrop.h); NULL: keep
						 * root */
	const char	*agent_netns;	/* the target's network namespace:
					 * system-call lines and, in a file
					 * with them, commands run there
					 * (syscall-step.h); NULL: none */
	struct peer	*peer;		/* --peer-netns: the target's states
					 * (session.h); NULL: none */
	int64_t		 any_wait_ns;	/* how long '*' waits; 0:
					 * ENGINE_ANY_WAIT_NS */
	void		(*emit)(void *arg, const struct event *);
	void		*emit_arg;
};

struct engine_result {
	int		 nsteps;	/* steps run */
	int		 nfailed;
	int		 nlate;		/* sends late beyond the tolerance */
	bool		 stopped;	/* by *cfg.stop */
};

/* Run sc (its target must be set). 0 when it ran (r says whether it
 * passed), -1 with one line in err when it could not start or the wire
 * failed (capture, send). Emits EV_SEGMENT, EV_STEP, EV_NOTE and, at the
 * end, the file's EV_STEP verdict. */
int	 engine_run(const struct script *sc, const struct engine_config *,
	    struct engine_result *r, char *err, size_t errlen);

/*
 * One step at a time (the shell): engine_open() opens the session to sc's
 * target with a conversation per flow, and starts the clock. engine_step()
 * runs step i of sc, a script that repeats the flows of the earlier ones
 * in order and may declare more (they are added); from_now: its relative
 * time counts from now, not from the previous step. 1 when it passed, 0
 * when it failed or *cfg.stop cut it short (the caller clears it), -1
 * with err when the wire failed. engine_close() resets the flows the
 * target may still hold (a note says so) and closes the session.
 */
struct engine;
struct session;
struct conn;

struct engine *engine_open(const struct script *sc,
	    const struct engine_config *, struct engine_result *r, char *err,
	    size_t errlen);
int	 engine_step(struct engine *, const struct script *sc, size_t i,
	    bool from_now, char *err, size_t errlen);
struct session *engine_session(const struct engine *);
/* Flow number flow's conversation, or NULL. */
struct conn *engine_flow_conn(const struct engine *, size_t flow);
void	 engine_close(struct engine *);

#endif
