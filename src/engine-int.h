/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine-int.h: what the engine's files share (engine.c: the executor;
 * engine-packet.c: the steps of flows the steps write; engine-tcb.c: a
 * TCB's steps; engine-run.c: a whole scenario). Not for front ends. */
#ifndef TCPSHAKE_ENGINE_INT_H
#define TCPSHAKE_ENGINE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "session.h"

struct cmdrun;
struct sysstep;
struct eng_run;

/* A flow of the engine: its conversation in the session, and either a
 * TCB or what the target may still hold of a flow the steps write
 * (eng_reset_written). */
struct eng_flow {
	struct engine	*e;
	struct conn	*c;		/* ports, seqspace, the target's
					 * segments waiting for '>' lines */
	/* A TCB's (NULL: the steps write the segments). */
	struct endpoint	*ep;
	struct ep_flow	*fl;
	uint8_t		*written;	/* the bytes of its STEP_WRITEs */
	size_t		 nwritten;
	bool		 tw_shown;	/* the status line said TIME_WAIT */
	/* A written flow's. */
	bool		 opened;	/* we sent on it */
	bool		 rst;		/* a RST went either way */
	bool		 fin_out;	/* we sent a FIN */
	bool		 fin_in;	/* the target sent one */
	bool		 fin_acked;	/* and we acknowledged it */
	uint32_t	 fin_in_end;	/* the target's seq after its FIN */
	uint32_t	 snd_nxt;	/* ours after the last send (wire) */
	uint16_t	 out_sport, out_dport;	/* the last send's ports */
};

struct eng_clock {
	int64_t	 any_ns;	/* how long '*' waits */
	int64_t	 ref;		/* when the previous step completed */
	int64_t	 prev_at;	/* the previous step's scheduled time */
	bool	 prev_send;	/* the previous step was a '<' line */
};

/* Where a step lies on the run's clock: [lo, hi], the gap it counts from
 * (for the tolerance), whether any time will do. */
struct eng_when {
	int64_t	 lo, hi, gap;
	bool	 any;
};

/* What a step's phases return. */
enum eng_next {
	ENG_WAIT,	/* a wait is set (eng_wait): call again after it */
	ENG_END,	/* done: the verdict is set */
	ENG_FAILED,	/* the wire failed: no verdict */
};

/* The step under way: its phase, its wait, what it keeps between
 * phases, its verdict. */
struct eng_exec {
	const struct step *st;
	bool		 busy;		/* fed, not done */
	int		 phase;		/* 0 on the first call */
	/* The wait: until the clock reaches `until` or done(arg). */
	bool		 waiting;
	int64_t		 until;
	bool		(*done)(void *);
	void		*arg;
	bool		 status;	/* a status line is shown */
	enum session_status ended;	/* how the last wait ended */
	/* Kept between phases. */
	struct eng_when	 w;
	int64_t		 tol, deadline, user_ns;
	uint64_t	 seen;
	size_t		 before;
	struct cmdrun	*cmd;
	int64_t		 span_lo, span_hi;
	struct conn	*coal;		/* a super-segment being gathered */
	uint32_t	 coal_want;
	bool		 deferred;	/* a blocking call handed over: its
					 * verdict comes later, no verdict
					 * now */
	/* The verdict. */
	bool		 ok;
	char		*got;		/* what arrived, as a packet line */
	char		 why[1024];
	int64_t		 t_ns, dev_ns;
	bool		 has_dev;
	struct step_outcome out;
};

struct engine {
	struct session	*s;
	struct engine_opts o;
	struct eng_flow	**flows;
	size_t		 nflows;
	struct eng_clock clock;
	unsigned	 mtu;		/* the interface's; 0: unknown */
	struct engine_result res;
	struct eng_exec	 x;
	struct eng_run	*run;		/* engine_open()'s, or NULL */
	/* A file with system calls (engine-run.c, engine-agent.c): its
	 * agent (NULL: none), its steps (a step's index for the agent). */
	struct sysstep	*sys;
	const struct step *steps0;
	bool		 syscalls;
	int64_t		 connect_ns;	/* when the last call that connects
					 * a new socket was handed over */
	bool		 fresh_socket;	/* a socket() since then */
	uint32_t	 mss_cut;	/* --mss: a sent segment longer goes
					 * as segments of this many bytes, as
					 * packetdrill's GSO; 0: none */
};

int64_t	 eng_now(const struct engine *);
bool	 eng_stopped(const struct engine *);
struct eng_flow *eng_flow_of(struct engine *, const struct step *);
/* Serve the session until `until` or done(arg). */
void	 eng_wait(struct engine *, int64_t until, bool (*done)(void *),
	    void *arg);
/* A status line for the wait, counting down ns; it ends with it. */
void	 eng_status(struct engine *, const char *text, int64_t ns);
/* The spin after a wait until `at` less the spin. */
void	 eng_spin_to(struct engine *, int64_t at);
int64_t	 eng_spin_ns(const struct engine *);
/* The first failure's reason. */
void	 eng_fail(struct engine *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
const char *eng_signal_name(int sig);

/* The phases of each kind (engine-packet.c, engine-tcb.c). */
enum eng_next eng_send(struct engine *, struct eng_exec *);
enum eng_next eng_expect(struct engine *, struct eng_exec *);
enum eng_next eng_silence(struct engine *, struct eng_exec *);
enum eng_next eng_shell(struct engine *, struct eng_exec *);
enum eng_next eng_pause(struct engine *, struct eng_exec *);
enum eng_next eng_tcb_call(struct engine *, struct eng_exec *);
enum eng_next eng_close(struct engine *, struct eng_exec *);
enum eng_next eng_await(struct engine *, struct eng_exec *);
enum eng_next eng_burst(struct engine *, struct eng_exec *);
enum eng_next eng_agent(struct engine *, struct eng_exec *);
enum eng_next eng_no_agent(struct engine *, struct eng_exec *);
enum eng_next eng_icmp(struct engine *, struct eng_exec *);

/* Where st lies on the clock; the first phase of a timed step (the
 * wait until shortly before its time). */
struct eng_when eng_step_when(const struct step *, const struct eng_clock *);
enum eng_next eng_wait_for_time(struct engine *, struct eng_exec *);
/* The previous step for the next one's time: completed at ref, was
 * scheduled at x->w.lo, a '<' line or not. */
void	 eng_clock_done(struct engine *, struct eng_exec *, int64_t ref,
	    bool send);
/* A step's verdict as EV_STEP (and in the counts), from its parts. */
void	 eng_verdict_emit(struct engine *, const struct step *, bool ok,
	    const char *got, const char *why, int64_t t_ns, int64_t dev_ns,
	    bool has_dev);
/* A blocking call's verdict, once it returned (syscall-step.h's late
 * callback; arg: the engine). */
struct sysstep_verdict;
void	 eng_agent_late(void *arg, const struct step *,
	    const struct sysstep_verdict *);

/* A written flow's conversation driver (engine-packet.c), and its RST
 * at the end. */
extern const struct conn_ops eng_written_ops;
int	 eng_reset_written(struct engine *);
/* A TCB reset after a failure (engine-tcb.c). */
void	 eng_reset_tcb(struct engine *, struct eng_flow *);

#endif
