/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab-impair.h: impairments of the lab's link (delay, jitter, loss,
 * reordering, duplication) by netem where the kernel has it, else by an
 * NFQUEUE daemon in the server namespace (lab-impaird.c). */
#ifndef TCPSHAKE_LAB_IMPAIR_H
#define TCPSHAKE_LAB_IMPAIR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lab-types.h"

/* The daemon's packets (its duplicates) carry this mark, which the
 * queue rule lets pass. */
#define LAB_IMPAIR_MARK		0x7473
#define LAB_IMPAIR_QUEUE	0

/* "2%", "0.5%" or "2" (percent) into parts per million; false with
 * *error naming the option. */
bool	 lab_impair_percent(const char *, const char *what, uint32_t *ppm,
	    char **error);
bool	 lab_impair_active(const struct lab_impair *);
/* "delay 50ms jitter 5ms loss 2% ..." into buf. */
void	 lab_impair_describe(const struct lab_impair *, char *buf,
	    size_t len);
/* Impair the server's outgoing packets on s0: netem, else the daemon and
 * its iptables rules. Says which in made->impair. */
bool	 lab_impair_start(const struct lab_config *, struct lab_made *,
	    char **error);
/* What the impairment is, whether its daemon runs, its counts. Returns
 * false when the daemon should run and does not. */
bool	 lab_impair_status(const char *name, FILE *f);

/* What happens to one packet the target sends. */
struct lab_fate {
	bool		 drop;
	bool		 duplicate;	/* also send a copy, after delay_ns */
	bool		 reorder;	/* send at once, ahead of held ones */
	uint64_t	 delay_ns;
};

/* The next packet's fate: four draws from the splitmix64 state *rng, in
 * this order: loss, duplicate, reorder, jitter. With a fixed seed the
 * k-th packet's fate is always the same. */
struct lab_fate lab_impair_fate(const struct lab_impair *, uint64_t *rng);

/* The daemon (lab-impaird.c), run as `tcpshake lab impaird` inside the
 * server namespace; returns its exit status. */
int	 lab_impaird_main(const char *name, const struct lab_impair *);

#endif
