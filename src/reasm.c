/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reasm.c: out-of-order bytes of a receive stream, held in sorted ranges
 * and handed back once the bytes before them have arrived. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "reasm.h"
#include "xmalloc.h"

void
reasm_init(struct reasm *q, size_t max_ranges)
{
	memset(q, 0, sizeof *q);
	q->max_ranges = max_ranges > 0 ? max_ranges : REASM_DEFAULT_RANGES;
}

void
reasm_free(struct reasm *q)
{
	size_t i, max = q->max_ranges;

	for (i = 0; i < q->n; i++)
		free(q->r[i].data);
	free(q->r);
	reasm_init(q, max);
}

/* Offsets from nxt: every held byte is after nxt and within a window of
 * it, so plain unsigned comparisons of offsets are safe across 2^32. */
static uint32_t
range_off(const struct reasm_range *r, uint32_t nxt)
{
	return r->seq - nxt;
}

static uint32_t
range_end(const struct reasm_range *r, uint32_t nxt)
{
	return r->seq - nxt + r->len;
}

/* Make room for one more range at index i. */
static void
reasm_open_slot(struct reasm *q, size_t i)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 4;
		q->r = xreallocarray(q->r, q->cap, sizeof *q->r);
	}
	memmove(&q->r[i + 1], &q->r[i], (q->n - i) * sizeof *q->r);
	q->n++;
}

/* Replace ranges [first, last) with one range. */
static void
reasm_replace(struct reasm *q, size_t first, size_t last,
    const struct reasm_range *nr)
{
	size_t i;

	if (first == last) {
		reasm_open_slot(q, first);
		q->r[first] = *nr;
		return;
	}
	for (i = first; i < last; i++)
		free(q->r[i].data);
	q->r[first] = *nr;
	memmove(&q->r[first + 1], &q->r[last], (q->n - last) * sizeof *q->r);
	q->n -= last - first - 1;
}

int64_t
reasm_add(struct reasm *q, uint32_t nxt, uint32_t seq, const uint8_t *data,
    uint32_t len)
{
	struct reasm_range nr;
	uint32_t off = seq - nxt, end = off + len, lo, hi;
	uint64_t old = 0;
	size_t first = 0, last, i;

	if (len == 0)
		return 0;
	/* Ranges that overlap or touch [off, end) merge with it. */
	while (first < q->n && range_end(&q->r[first], nxt) < off)
		first++;
	for (last = first; last < q->n && range_off(&q->r[last], nxt) <= end;
	    last++)
		;
	if (first == last && q->n >= q->max_ranges)
		return -1;
	lo = off;
	hi = end;
	if (first < last) {
		if (range_off(&q->r[first], nxt) < lo)
			lo = range_off(&q->r[first], nxt);
		if (range_end(&q->r[last - 1], nxt) > hi)
			hi = range_end(&q->r[last - 1], nxt);
	}
	nr.seq = nxt + lo;
	nr.len = hi - lo;
	nr.data = xmalloc(nr.len);
	memcpy(nr.data + (off - lo), data, len);
	/* Bytes held first win: copy them over the new ones. */
	for (i = first; i < last; i++) {
		memcpy(nr.data + (range_off(&q->r[i], nxt) - lo), q->r[i].data,
		    q->r[i].len);
		old += q->r[i].len;
	}
	reasm_replace(q, first, last, &nr);
	q->bytes += nr.len - old;
	return (int64_t)(nr.len - old);
}

uint32_t
reasm_take(struct reasm *q, uint32_t nxt, uint8_t **out)
{
	uint8_t *buf = NULL;
	uint32_t got = 0;

	while (q->n > 0 && seq_leq(q->r[0].seq, nxt)) {
		struct reasm_range *r = &q->r[0];
		uint32_t end = r->seq + r->len;

		if (seq_gt(end, nxt)) {
			uint32_t n = end - nxt;

			buf = xrealloc(buf, (size_t)got + n);
			memcpy(buf + got, r->data + (nxt - r->seq), n);
			got += n;
			nxt = end;
		}
		q->bytes -= r->len;
		free(r->data);
		memmove(&q->r[0], &q->r[1], (q->n - 1) * sizeof *q->r);
		q->n--;
	}
	*out = buf;
	return got;
}

size_t
reasm_sack(const struct reasm *q, uint32_t recent, struct sack_block *blocks,
    size_t max)
{
	size_t i, k = 0, first = q->n;

	for (i = 0; i < q->n && first == q->n; i++)
		if (seq_in(recent, q->r[i].seq, q->r[i].seq + q->r[i].len))
			first = i;
	if (first < q->n && k < max) {
		blocks[k].left = q->r[first].seq;
		blocks[k++].right = q->r[first].seq + q->r[first].len;
	}
	for (i = 0; i < q->n && k < max; i++) {
		if (i == first)
			continue;
		blocks[k].left = q->r[i].seq;
		blocks[k++].right = q->r[i].seq + q->r[i].len;
	}
	return k;
}
