/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stops.h: the signals that stop a command (SIGINT, SIGTERM, SIGHUP),
 * held back over a stretch that must not be cut: a fork whose child is
 * not yet ready for them, a cleanup that must finish. */
#ifndef TCPSHAKE_STOPS_H
#define TCPSHAKE_STOPS_H

#include <signal.h>

/* Block the three; the mask before into *old, for
 * sigprocmask(SIG_SETMASK, old, NULL). */
void	 stops_block(sigset_t *old);

#endif
