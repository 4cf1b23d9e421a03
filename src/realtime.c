/* SPDX-License-Identifier: GPL-2.0-or-later */
/* realtime.c: SCHED_FIFO for the send and answer loops, bounded by
 * RLIMIT_RTTIME. */
#include "config.h"

#include <sys/mman.h>
#include <sys/resource.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "realtime.h"

int
realtime_enable(char *err, size_t errlen)
{
	struct sched_param sp = { .sched_priority = REALTIME_PRIORITY };
	struct rlimit rl = { REALTIME_MAX_RUN_US, REALTIME_MAX_RUN_US +
	    1000000 };

	if (setrlimit(RLIMIT_RTTIME, &rl) == -1) {
		snprintf(err, errlen, "cannot bound real-time running "
		    "(RLIMIT_RTTIME): %s", strerror(errno));
		return -1;
	}
	if (sched_setscheduler(0, SCHED_FIFO, &sp) == -1) {
		snprintf(err, errlen, "cannot run at real-time priority: %s%s",
		    strerror(errno), errno == EPERM ? " (needs CAP_SYS_NICE "
		    "or an RLIMIT_RTPRIO of 10)" : "");
		return -1;
	}
	/* A page fault in the loop costs what the priority saved. Only
	 * what is mapped now: MCL_FUTURE could fail the capture's ring
	 * under a small RLIMIT_MEMLOCK. Failing here changes nothing. */
	(void)mlockall(MCL_CURRENT);
	return 0;
}

void
realtime_settle(void)
{
	struct timespec ts = { 0, REALTIME_SETTLE_NS };

	/* A signal cuts it short: the run stops anyway. */
	nanosleep(&ts, NULL);
}
