/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stops.c: holding back the signals that stop a command. */
#include "config.h"

#include <signal.h>

#include "stops.h"

void
stops_block(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, old);
}
