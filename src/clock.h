/* SPDX-License-Identifier: GPL-2.0-or-later */
/* clock.h: nanosecond time as every module counts it: the monotonic clock
 * for deadlines and pacing, timespec arithmetic for capture stamps. */
#ifndef TCPSHAKE_CLOCK_H
#define TCPSHAKE_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t
timespec_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

/* a - b in nanoseconds. */
static inline int64_t
timespec_diff_ns(const struct timespec *a, const struct timespec *b)
{
	return (int64_t)(a->tv_sec - b->tv_sec) * 1000000000 +
	    (a->tv_nsec - b->tv_nsec);
}

static inline int64_t
clock_ns(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return timespec_ns(&t);
}

static inline int64_t
mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

#endif
