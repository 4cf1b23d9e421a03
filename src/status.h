/* SPDX-License-Identifier: GPL-2.0-or-later */
/* status.h: a live status line on stderr for any wait over a second: what
 * is awaited, how long so far, and the deadline. Only on a terminal, and
 * only when the front end asked for it (not JSON, TAP or -q). */
#ifndef TCPSHAKE_STATUS_H
#define TCPSHAKE_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

/* Waits may sleep at most this long while a status line may show, so
 * that it moves (status_tick()). */
#define STATUS_TICK_NS		200000000LL	/* 0.2 s */
/* A wait shorter than this shows nothing. */
#define STATUS_AFTER_NS		1000000000LL	/* 1 s */

/*
 * One line, redrawn in place ("\r", erase to the end):
 *
 *	waiting for TIME_WAIT to end: 3.2 s of 60.0 s
 *
 * status_begin() starts a wait (what it awaits, how long at most; span 0:
 * no deadline); status_tick() redraws it once it has lasted a second, at
 * most every STATUS_TICK_NS; status_end() erases it. A new begin ends the
 * wait before it. The line is process-wide, as stderr is.
 */
/* On when `want` and stderr is a terminal; off otherwise (the default). */
void	 status_setup(bool want);
bool	 status_enabled(void);
void	 status_begin(const char *what, int64_t span_ns);
void	 status_tick(void);
void	 status_end(void);
/* Erase the line (it comes back at the next tick): before other output
 * on the same terminal. */
void	 status_clear(void);
/* How long a wait may sleep before its next tick: `ns`, or less while a
 * status line may show. */
int64_t	 status_sleep_ns(int64_t ns);

/* A sink that erases the line before the sinks after it print: add it
 * first to a chain whose output may share the terminal. */
extern const struct sink_ops status_sink_ops;

#endif
