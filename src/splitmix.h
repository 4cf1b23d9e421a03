/* SPDX-License-Identifier: GPL-2.0-or-later */
/* splitmix.h: splitmix64, the one small pseudo-random generator: fast,
 * seedable, the same sequence on every machine (probe's ports and
 * sequence numbers, the lab's seeded impairments). */
#ifndef TCPSHAKE_SPLITMIX_H
#define TCPSHAKE_SPLITMIX_H

#include <stdint.h>

static inline uint64_t
splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#endif
