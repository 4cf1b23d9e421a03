/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reasm.h: 32-bit sequence-number arithmetic, and the out-of-order bytes of
 * a receive stream held as a sorted list of ranges until the gap fills. */
#ifndef TCPSHAKE_REASM_H
#define TCPSHAKE_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "segment.h"

/*
 * Sequence numbers compare modulo 2^32 (RFC 9293 3.4): a is before b when
 * b - a, taken as a signed 32-bit number, is positive. Valid while the two
 * are less than 2^31 apart, which every window guarantees.
 */
static inline bool
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool
seq_leq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

static inline bool
seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static inline bool
seq_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

/* lo =< x < hi, in sequence space; false for an empty range (lo == hi). */
static inline bool
seq_in(uint32_t x, uint32_t lo, uint32_t hi)
{
	return x - lo < hi - lo;
}

static inline uint32_t
seq_max(uint32_t a, uint32_t b)
{
	return seq_gt(a, b) ? a : b;
}

static inline uint32_t
seq_min(uint32_t a, uint32_t b)
{
	return seq_lt(a, b) ? a : b;
}

/* One held range: len bytes starting at sequence number seq. */
struct reasm_range {
	uint32_t	 seq;
	uint32_t	 len;
	uint8_t		*data;
};

/* Held ranges, sorted, never overlapping or touching (touching ranges are
 * merged), all after the delivery point the caller passes in. */
struct reasm {
	struct reasm_range *r;
	size_t		 n;
	size_t		 cap;		/* allocated entries */
	size_t		 max_ranges;	/* a segment that needs more is refused */
	uint64_t	 bytes;		/* bytes held */
};

#define REASM_DEFAULT_RANGES	32

void	 reasm_init(struct reasm *, size_t max_ranges);
void	 reasm_free(struct reasm *);
/*
 * Hold len bytes at seq; nxt is the next byte the stream expects, and seq
 * must be after it (the caller delivers in-order bytes itself and trims to
 * its window). Bytes already held win over a new copy. Returns the bytes
 * newly held (0 when all were held already), or -1 when keeping them would
 * take more than max_ranges ranges: then nothing changes.
 */
int64_t	 reasm_add(struct reasm *, uint32_t nxt, uint32_t seq,
	    const uint8_t *data, uint32_t len);
/*
 * Remove the held bytes that continue the stream at nxt, dropping any held
 * bytes at or below nxt that were delivered another way. Returns how many
 * bytes continue it, in *out (a new buffer to free(), NULL when none).
 */
uint32_t reasm_take(struct reasm *, uint32_t nxt, uint8_t **out);
/*
 * SACK blocks (RFC 2018) for the held ranges, at most max: the range that
 * holds sequence number `recent` (the latest segment) first, then the
 * others in order. Returns the count.
 */
size_t	 reasm_sack(const struct reasm *, uint32_t recent,
	    struct sack_block *blocks, size_t max);

#endif
