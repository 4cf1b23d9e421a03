/* SPDX-License-Identifier: GPL-2.0-or-later */
/* realtime.h: --realtime: the process at real-time priority (SCHED_FIFO)
 * where the system allows it, with a bound on how long it may run. */
#ifndef TCPSHAKE_REALTIME_H
#define TCPSHAKE_REALTIME_H

#include <stddef.h>

/*
 * On a busy machine a process that sleeps until a deadline, or until the
 * target answers, wakes when the scheduler gets round to it: milliseconds
 * late (bench/reaction, bench/timing). SCHED_FIFO runs it as soon as it is
 * runnable. Its loops spin only for bounded spans (the engine before a
 * send, the wire after one); RLIMIT_RTTIME ends the process (SIGXCPU,
 * then SIGKILL) if it ever runs REALTIME_MAX_RUN_US without sleeping, so
 * a bug cannot take a CPU for good. The pages mapped so far are locked
 * when allowed.
 */
#define REALTIME_PRIORITY	10
#define REALTIME_MAX_RUN_US	2000000		/* 2 s without a sleep */

/* 0, or -1 with one line in err (then nothing changed). */
int	 realtime_enable(char *err, size_t errlen);

/*
 * At normal priority: set-up (capture, guard, sinks, the privilege drop)
 * runs milliseconds of CPU just before the first segment, and on a busy
 * machine the fair scheduler then preempts the process a few hundred
 * microseconds into the conversation, as often as not while the
 * target's SYN-ACK waits for our ACK (bench/reaction: p99 4.5 ms where
 * the median is 70 us). A short sleep between set-up and the first send
 * lets it start the conversation on a fresh slice. Call it once, right
 * before the first send (before the run's time zero).
 */
#define REALTIME_SETTLE_NS	2000000LL	/* 2 ms */

void	 realtime_settle(void);

#endif
