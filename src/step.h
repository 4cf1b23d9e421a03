/* SPDX-License-Identifier: GPL-2.0-or-later */
/* step.h: the one step type every front end builds and the engine
 * (engine.h) carries out: a scenario's lines (script.h), connect's plan,
 * the shell's commands; and a plan, a list of them. */
#ifndef TCPSHAKE_STEP_H
#define TCPSHAKE_STEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "icmp.h"
#include "segment.h"

struct burst;
struct syscall;

/*
 * Times are nanoseconds. A step's time is kept as written (kind, start_ns,
 * end_ns) and also laid out on the script's clock (at_ns, until_ns) as if
 * every earlier step happened exactly on time: a relative time counts from
 * the previous step's at_ns, '*' takes the previous step's at_ns.
 *
 * The engine runs on the same rule with what really happened, packetdrill's
 * way: a relative time (and '*') counts from the moment the previous step
 * completed (the capture stamp of the segment sent or matched, the end of
 * a command, the end of a silence), except that a '<' line right after a
 * '<' line counts from the previous one's scheduled time, so a burst of
 * sends does not drift. Absolute times count from the start of the run
 * and never move. The steps of a TCB (STEP_OPEN and after) have no time:
 * each starts when the one before it ended.
 */
enum step_time_kind {
	STEP_TIME_ABS,		/* "0.250": from the start of the run */
	STEP_TIME_REL,		/* "+0.1": from the previous step */
	STEP_TIME_ANY,		/* "*": whenever it comes (expected lines) */
	STEP_TIME_NONE,		/* a command line written without a time:
				 * setup when no timed step comes before
				 * it, cleanup when none comes after (the
				 * parser allows it nowhere else); a TCB's
				 * steps */
};

struct step_time {
	enum step_time_kind kind;
	int64_t		 start_ns;	/* as written: absolute or offset */
	bool		 window;	/* "A~B" or "+A~+B" was written */
	int64_t		 end_ns;	/* as written, same kind as start */
	int64_t		 at_ns;		/* laid out: start on the clock */
	int64_t		 until_ns;	/* laid out: window end (= at_ns) */
};

enum step_kind {
	/* A scenario's lines, on a flow without a TCB: the segments are
	 * the script's, the target's wait in the flow's queue. */
	STEP_PACKET,	/* '<' send seg, or '>' expect a segment like seg */
	STEP_SILENCE,	/* "TIME FLOW > none": nothing from the target on the
			 * flow from at_ns to until_ns (always a window) */
	STEP_SHELL,	/* "TIME `command`": run it, fail on non-zero exit */
	STEP_WAIT,	/* "TIME wait": nothing happens; the clock moves on */
	STEP_PYTHON,	/* "TIME %{ code }%": in a lab, the target socket's
			 * TCP_INFO taken then (tcpi_* names), the code
			 * run with them after the last step, as
			 * packetdrill does; command holds the code */
	STEP_SYSCALL,	/* "TIME name(args) = RET": made by the agent in the
			 * target's namespace (agent.h); only where the
			 * caller allows them (script_defs.syscalls) */
	STEP_ICMP,	/* "TIME < icmp ...": an ICMP error about the
			 * target's segment on the flow, sent to it */
	/* A TCB's user calls and waits (endpoint.h): connect's plan. */
	STEP_OPEN,	/* active open: our SYN */
	STEP_WRITE,	/* bytes queued on the flow (sent as it can) */
	STEP_SHUTDOWN,	/* our FIN */
	STEP_CLOSE,	/* await the end of the conversation (both FINs,
			 * TIME_WAIT over) */
	STEP_ABORT,	/* our RST */
	STEP_AWAIT,	/* a condition, with a deadline */
	/* probe's. */
	STEP_BURST,	/* many probes, their replies matched (burst.h): no
			 * flow; an interruption ends it, no failure */
};
#define STEP_NKINDS	(STEP_BURST + 1)

/* STEP_AWAIT's conditions. */
enum step_cond {
	STEP_ESTABLISHED,	/* out of SYN_SENT */
	STEP_ACKED,		/* every byte written acknowledged */
	STEP_ECHOED,		/* as many bytes back as written, the same */
	STEP_PEER_FIN,		/* the target's FIN (CLOSE_WAIT) */
	STEP_TIME,		/* nothing: the time runs out, as asked */
	STEP_SYNACKS,		/* watch: the time runs out; at least one
				 * SYN-ACK came (engine_opts.synacks) */
};

struct step {
	int		 line;		/* 1-based line in the file; 0: none */
	int		 column;	/* 1-based column of the time */
	char		*text;		/* the line, comments out, trimmed */
	enum step_kind	 kind;
	struct step_time time;
	enum event_dir	 dir;		/* PACKET, SILENCE: '<' DIR_TO_TARGET,
					 * '>' DIR_FROM_TARGET; else DIR_NONE */
	int		 flow;		/* the engine's flow index (a script's
					 * are script.flows'); -1 for SHELL
					 * and WAIT */
	struct segment	 seg;		/* PACKET: has says what was given
					 * (SEG_HAS_*, SEG_ANY_*, SEG_ABS_*) */
	struct icmp_msg	 icmp;		/* ICMP, as written */
	char		*command;	/* SHELL: the text between backquotes */
	struct syscall	*call;		/* SYSCALL (syscall.h) */
	/* Carried out after an earlier step failed too: a scenario's
	 * cleanup commands, connect's last FIN after a watch. */
	bool		 always;
	/* A TCB's steps. */
	enum step_cond	 cond;		/* STEP_AWAIT */
	const uint8_t	*data;		/* STEP_WRITE, the builder's */
	size_t		 len;
	int64_t		 timeout_ns;	/* STEP_AWAIT, STEP_CLOSE */
	const char	*what;		/* the status line, the failure */
	/* STEP_CLOSE: while the target keeps sending, the bound counts
	 * from the last byte received (a half close). */
	bool		 rearm;
	/* STEP_SHUTDOWN: a refusal is no failure (after a watch). */
	bool		 lenient;
	struct burst	*burst;		/* STEP_BURST, the builder's */
};

/* Steps in order; a plan owns its array, not what the steps point to. */
struct plan {
	struct step	*steps;
	size_t		 n;
};

void	 plan_init(struct plan *);
void	 plan_free(struct plan *);
/* A zeroed step of that kind at the end (time STEP_TIME_NONE; flow 0,
 * a burst's -1). */
struct step *plan_add(struct plan *, enum step_kind);
struct step *plan_await(struct plan *, enum step_cond, int64_t timeout_ns,
	    const char *what);

/* Steps that assert something about the target: a '>' line, a silence,
 * a command (a send or a wait does not; JUnit makes a test case of each
 * that does). */
bool	 step_asserts(const struct step *);

#endif
