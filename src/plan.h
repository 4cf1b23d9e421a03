/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan.h: a conversation as steps a TCB carries out over the session:
 * open, write, shut down, close, abort, await a state or condition with a
 * deadline; connect builds one from its options. */
#ifndef TCPSHAKE_PLAN_H
#define TCPSHAKE_PLAN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct session;
struct burst;
struct endpoint;
struct ep_flow;

enum plan_kind {
	PLAN_OPEN,	/* active open: our SYN */
	PLAN_WRITE,	/* bytes queued on the flow (sent as it can) */
	PLAN_SHUTDOWN,	/* our FIN */
	PLAN_CLOSE,	/* await the end of the conversation (both FINs,
			 * TIME_WAIT over) */
	PLAN_ABORT,	/* our RST */
	PLAN_AWAIT,	/* a condition, with a deadline */
	PLAN_BURST,	/* many probes, their replies matched (burst.h): no
			 * TCB; an interruption ends it, no failure */
};

enum plan_cond {
	PLAN_ESTABLISHED,	/* out of SYN_SENT */
	PLAN_ACKED,		/* every byte written acknowledged */
	PLAN_ECHOED,		/* as many bytes back as written, the same */
	PLAN_PEER_FIN,		/* the target's FIN (CLOSE_WAIT) */
	PLAN_TIME,		/* nothing: the time runs out, as asked */
	PLAN_SYNACKS,		/* watch: the time runs out; at least one
				 * SYN-ACK came (hooks.synacks) */
};

struct plan_step {
	enum plan_kind	 kind;
	enum plan_cond	 cond;		/* PLAN_AWAIT */
	const uint8_t	*data;		/* PLAN_WRITE, the caller's */
	size_t		 len;
	int64_t		 timeout_ns;	/* PLAN_AWAIT, PLAN_CLOSE */
	const char	*what;		/* the status line, the failure */
	/* PLAN_CLOSE: while the target keeps sending, the bound counts
	 * from the last byte received (a half close). */
	bool		 rearm;
	/* PLAN_SHUTDOWN: a refusal is no failure (after a watch). */
	bool		 lenient;
	/* Carried out after an earlier step failed too (a cleanup). */
	bool		 always;
	struct burst	*burst;		/* PLAN_BURST, the caller's */
};

struct plan {
	struct plan_step *steps;
	size_t		 n;
	size_t		 written;	/* bytes of its PLAN_WRITE steps */
};

/* What the caller sees of the run as it goes. */
struct plan_hooks {
	/* The SYN-ACKs seen so far (PLAN_SYNACKS); may be NULL. */
	size_t		(*synacks)(void *arg);
	void		*arg;
};

struct plan_result {
	const char	*failed;	/* why not as asked; NULL: as asked */
	char		 why[160];
	bool		 error;		/* the wire failed: failed says how */
};

void	 plan_init(struct plan *);
void	 plan_free(struct plan *);
struct plan_step *plan_add(struct plan *, enum plan_kind);
void	 plan_await(struct plan *, enum plan_cond, int64_t timeout_ns,
	    const char *what);

/*
 * Carry the steps out on flow fl of ep over session s, in order, until
 * one fails (a plan of PLAN_BURST steps only takes no flow: NULL, NULL). A failure (or *stop: "interrupted by SIGINT") with the
 * target holding state resets the flow rather than leave it a connection
 * nobody will close. r says how it went; nothing here exits.
 */
void	 plan_run(const struct plan *, struct session *s, struct endpoint *ep,
	    struct ep_flow *fl, volatile sig_atomic_t *stop,
	    const struct plan_hooks *, struct plan_result *r);

#endif
