/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wire-fake.h: a wire without a network, for tests: a clock of its own,
 * scripted arrivals with their stamps, and every send recorded. */
#ifndef TCPSHAKE_WIRE_FAKE_H
#define TCPSHAKE_WIRE_FAKE_H

#include <stddef.h>
#include <stdint.h>

#include "segment.h"
#include "wire.h"

/*
 * Time is the fake's: it moves only when the caller waits (to the next
 * arrival or the end of the wait) and by WIRE_FAKE_TICK_NS at each clock
 * read, so a spin to a deadline ends. Segments are built with craft's
 * byte builder and decoded on the way in, as the live wire's are: each
 * send shows in the capture WIRE_FAKE_LAG_NS later (its kernel stamp);
 * an arrival shows at the time it was scripted for. Times are on the
 * wire's clock (wire_now()).
 */
#define WIRE_FAKE_TICK_NS	100
#define WIRE_FAKE_LAG_NS	20000	/* 20 us from send to its stamp */

struct wire_fake;

/* Called on every send at its time: a scripted peer answers from here. */
typedef void (*wire_fake_peer)(void *arg, struct wire_fake *,
	    const struct segment *sent, int64_t t_ns);

/* A fake wire for cfg (addresses as given, nothing opened). */
struct wire *wire_fake_open(const struct wire_config *, struct wire_fake **);
void	 wire_fake_set_peer(struct wire_fake *, wire_fake_peer, void *arg);

/* From now on a send shows in the capture lag_ns after it (default
 * WIRE_FAKE_LAG_NS): a slow path, or a sender the scheduler held up. */
void	 wire_fake_set_lag(struct wire_fake *, int64_t lag_ns);

/* After nsends more sends, every send fails (-1: none fails). */
void	 wire_fake_fail_after(struct wire_fake *, int nsends);

/* The remote sends seg at t_ns: its addresses are the wire's (remote to
 * local); its ports, when 0, the config's rport and lport. */
void	 wire_fake_arrive(struct wire_fake *, int64_t t_ns,
	    const struct segment *seg);
/* The same from a packet line (numbers as on the wire: write them with
 * '!' or as the test means them); false when it does not parse. */
bool	 wire_fake_arrive_line(struct wire_fake *, int64_t t_ns,
	    const char *line);

/* The sends so far, in order, with their times. */
size_t	 wire_fake_nsent(const struct wire_fake *);
const struct segment *wire_fake_sent(const struct wire_fake *, size_t i,
	    int64_t *t_ns);
/* ICMP errors sent so far; the last one's bytes (NULL: none). */
size_t	 wire_fake_icmp(const struct wire_fake *, const uint8_t **bytes,
	    uint32_t *len);
/* Ports taken and flows guarded through the wire. */
size_t	 wire_fake_nports(const struct wire_fake *);
size_t	 wire_fake_nguarded(const struct wire_fake *);

#endif
