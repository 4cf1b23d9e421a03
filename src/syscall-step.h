/* SPDX-License-Identifier: GPL-2.0-or-later */
/* syscall-step.h: the engine's system-call steps (and, in a file that has
 * them, its commands): handed to the agent in the target's namespace
 * (agent.h) at their times, their returns awaited and judged on time. */
#ifndef TCPSHAKE_SYSCALL_STEP_H
#define TCPSHAKE_SYSCALL_STEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "script.h"
#include "segment.h"

struct session;

/*
 * Time follows packetdrill: a call without a span runs at its time and
 * must return within the tolerance (else it blocked: write a span); a
 * blocking call "TIME...END" is handed over at TIME, the script goes on
 * meanwhile, and it must return at END (relative to the same base as
 * TIME when TIME is relative) within the tolerance of END - TIME. Its
 * verdict comes when it returned, reported before the next call, or at
 * the end of the run. One call at a time: the next call waits for it.
 */
#define SYSSTEP_GRACE_NS	1000000000LL	/* past the tolerance, how long
						 * a return is awaited before
						 * the line fails */
#define SYSSTEP_SHELL_WAIT_NS	30000000000LL

struct sysstep_verdict {
	bool	 ok;
	int64_t	 t_ns;		/* run ns: when it returned */
	int64_t	 dev_ns;	/* from when the line said */
	char	 got[200];	/* "= -1 EAGAIN (...)" */
	char	 why[600];
};

/* A blocking call's verdict once it returned (or gave up). */
typedef void (*sysstep_late_fn)(void *arg, const struct step *,
    const struct sysstep_verdict *);

struct sysstep;

/* The agent for sc in network namespace netns; NULL with err. */
struct sysstep *sysstep_start(const struct script *sc, const char *netns,
	    sysstep_late_fn late, void *late_arg, char *err, size_t errlen);
/* The lab's addresses: bind()'s (the target) and connect()'s (ours). */
int	 sysstep_addrs(struct sysstep *, const struct ipaddr *target,
	    uint16_t tport, const struct ipaddr *prober, uint16_t pport,
	    char *err, size_t errlen);
/* Step st (index idx; STEP_SYSCALL or STEP_SHELL), due at lo (run ns);
 * end_at: a blocking call's END on the run's clock. 1 with *v when
 * judged, 0 when a blocking call was handed over (its verdict comes
 * through late), -1 when the agent or the wire failed (err). */
int	 sysstep_run(struct sysstep *, struct session *,
	    const struct step *st, size_t idx, int64_t lo, int64_t end_at,
	    int64_t tol_ns, struct sysstep_verdict *v, char *err,
	    size_t errlen);
/* Wait for the blocking call in progress, if any (its verdict through
 * late); -1 when the agent or the wire failed, or when a call that
 * should not have blocked still blocks (but at_end: the run's end ends
 * it). */
int	 sysstep_settle(struct sysstep *, struct session *, bool at_end,
	    char *err, size_t errlen);
/* The %{ }% blocks, run after the last step with what was taken at
 * their times (packetdrill's order); verdicts through late. -1 when the
 * agent failed. */
int	 sysstep_python(struct sysstep *, struct session *,
	    const struct step *steps, char *err, size_t errlen);
/* Our interface to the target takes 65535 bytes (packetdrill's '<'
 * lines may exceed the MTU; agent.c does the same on the target's side,
 * its routes kept at 1500 or --mtu). Best effort, in the lab's namespace
 * only; sysstep_stop() puts its MTU back (a lab may outlive the run). */
void	 sysstep_wide_mtu(struct sysstep *, const char *ifname);
void	 sysstep_stop(struct sysstep *);

#endif
