/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine.h: the one step executor: steps (step.h) carried out one at a
 * time over a session, on flows the steps write or TCBs, each step's
 * verdict as data and as EV_STEP; and a whole scenario run with it. */
#ifndef TCPSHAKE_ENGINE_H
#define TCPSHAKE_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "outcome.h"
#include "privdrop.h"
#include "script.h"
#include "step.h"

/*
 * The engine runs steps over a session (session.h) on its flows, each a
 * conversation of the session:
 *  - a flow the steps write (engine_add_flow: a scenario's): it runs no
 *    TCP of its own; each segment is the one the step wrote, its numbers
 *    moved from the script's relative space to the wire (match.h); the
 *    target's segments wait in its queue for the '>' lines;
 *  - a TCB (engine_add_tcb: an endpoint's flow, endpoint.h): the steps
 *    are user calls and waits for a state or condition.
 *
 * Time is ns since the session started, on the capture's kernel stamps:
 * a sent segment's time is its stamp in the capture, a received one's its
 * arrival stamp. Steps follow step.h's rule: a relative time counts from
 * the completion of the previous step, except a '<' after a '<', which
 * counts from the previous one's scheduled time. Sends sleep until
 * shortly before their time, then spin.
 *
 * An expected line takes the next segment of its flow from the target
 * and waits for it until the end of its window plus the tolerance; '*'
 * waits at most ENGINE_ANY_WAIT_NS. A silence fails on any segment of its
 * flow not taken by an earlier step and seen before its end. A command
 * runs through /bin/sh -c and fails on a non-zero exit or after
 * ENGINE_SHELL_WAIT_NS. A TCB's wait fails at its timeout_ns, or when the
 * flow closes before its condition holds. Nothing waits without a
 * deadline.
 *
 * One step at a time (the shell's way, and how the drivers below run):
 *
 *	engine_feed(e, &st);
 *	while ((r = engine_poll(e, session_now(s) + 10 ms)) == ENGINE_BUSY)
 *		look at stdin, the clock, ...;
 *	ENGINE_DONE: engine_outcome(e) is the verdict (also emitted as
 *	EV_STEP when opts.verdicts); ENGINE_STOPPED: *opts.stop cut it short
 *	(no verdict); ENGINE_ERROR: the wire failed (engine_result(e)->why).
 *
 * Between steps, engine_poll() keeps serving the session (ENGINE_IDLE).
 *
 * The step must stay valid until it is done. engine_finish() at the end,
 * on every path, resets what the target may still hold.
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

struct engine;
struct endpoint;
struct ep_flow;
struct session;
struct wire;
struct peer;

struct engine_opts {
	int64_t		 spin_ns;	/* 0: ENGINE_SPIN_NS */
	/* An expected line's time tolerance (a script's:
	 * SCRIPT_TOLERANCE_USECS, SCRIPT_TOLERANCE_PERCENT). */
	int64_t		 tolerance_usecs;
	double		 tolerance_percent;
	volatile sig_atomic_t *stop;	/* set by a signal: stop soon */
	/* Each step's verdict as EV_STEP through the session (run, the
	 * shell); connect reports its own way. */
	bool		 verdicts;
	const char	*file;		/* EV_STEP's file */
	const char *const *flow_names;	/* EV_STEP's flow, by index; NULL */
	int64_t		 any_wait_ns;	/* how long '*' waits; 0:
					 * ENGINE_ANY_WAIT_NS */
	/* STEP_SYNACKS: the SYN-ACKs seen so far; may be NULL. */
	size_t		(*synacks)(void *arg);
	void		*synacks_arg;
};

struct engine_result {
	int		 nsteps;	/* steps with a verdict */
	int		 nfailed;
	int		 nlate;		/* sends late beyond the tolerance */
	bool		 stopped;	/* by *opts.stop */
	bool		 error;		/* the wire failed: why says how */
	/* The first failure's reason ("interrupted by SIGINT" for a stop),
	 * or the wire's error; NULL: none. */
	const char	*failed;
	char		 why[256];
};

enum engine_poll {
	ENGINE_BUSY,	/* the step is under way at `until` */
	ENGINE_DONE,	/* it has its verdict (engine_outcome) */
	ENGINE_STOPPED,	/* cut short by *opts.stop: no verdict */
	ENGINE_ERROR,	/* the wire failed: engine_result()->why */
	ENGINE_IDLE,	/* no step under way: the session was served */
};

/* An engine over s (which stays the caller's). */
struct engine *engine_new(struct session *s, const struct engine_opts *);
void	 engine_free(struct engine *);

/* A flow the steps write: local port lport (0: a free one) held from the
 * local kernel, to the target's rport, guarded. Its index, or -1 with
 * err. */
int	 engine_add_flow(struct engine *, uint16_t lport, uint16_t rport,
	    char *err, size_t errlen);
/* A TCB: an endpoint's flow over the same session. Its index. */
int	 engine_add_tcb(struct engine *, struct endpoint *, struct ep_flow *);

/* Start st on its flow (st->flow) when the step before is done. */
void	 engine_feed(struct engine *, const struct step *st);
/* Serve the session until the step fed is done, or the clock reaches
 * until (WIRE_NEVER: until it is done). With no step under way, serve
 * it until `until` (the target's segments shown, a TCB's timers):
 * ENGINE_IDLE, or ENGINE_STOPPED, ENGINE_ERROR. */
enum engine_poll engine_poll(struct engine *, int64_t until);
/* The next step's relative time counts from now, not from the end of
 * the step before (a step typed after a pause). */
void	 engine_clock_now(struct engine *);
/* The verdict of the step done last: valid until the next feed. */
const struct step_outcome *engine_outcome(const struct engine *);
const struct engine_result *engine_result(const struct engine *);

/*
 * The steps in order, each fed and polled until done. After a failure,
 * only the steps marked always run (all of them with keep_going); after
 * a stop, none (run) or those marked always (with cleanup_after_stop:
 * connect).
 */
void	 engine_run_steps(struct engine *, const struct step *, size_t n,
	    bool keep_going, bool cleanup_after_stop);

/* A plan whole on an engine of its own over s, on the TCB (ep, fl)
 * when fl is not NULL: engine_run_steps() (no keep-going, the `always`
 * steps after a stop too), engine_finish(); *res its result (failed
 * pointing into res). connect's, probe's and the shell's plans. */
void	 engine_run_plan(struct session *s, const struct engine_opts *,
	    struct endpoint *ep, struct ep_flow *fl, const struct plan *,
	    struct engine_result *res);

/* The end, on every path but a wire error: a flow the steps wrote that
 * the target may still hold gets a RST at our next sequence number (an
 * interrupted run must not leave the target's socket ESTABLISHED); a
 * TCB is reset the same way after a failure or a stop. */
void	 engine_finish(struct engine *);

/* ---- A scenario, run whole (tcpshake run) ---- */

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

/* Run sc (its target must be set) on a session of its own: 0 when it
 * ran (r says whether it passed), -1 with one line in err when it could
 * not start or the wire failed (capture, send). Emits EV_SEGMENT,
 * EV_STEP, EV_NOTE and, at the end, the file's EV_STEP verdict.
 * (engine-run.c) */
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
 * (engine-run.c, over the engine above)
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
