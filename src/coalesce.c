/* SPDX-License-Identifier: GPL-2.0-or-later */
/* coalesce.c: merging the target's segments for a super-segment line,
 * cutting ours at the MTU (coalesce.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "coalesce.h"
#include "xmalloc.h"

#define DATA_FLAGS	(TH_ACK_ | TH_PSH_)

static bool
joins(const struct segment *prev, uint32_t prev_len, const struct segment *s)
{
	/* A PSH inside: the kernel marks MSS-sized segments where a TSO
	 * frame would carry it at its end alone (forced pushes). */
	return (s->flags & ~DATA_FLAGS) == 0 && s->len > 0 &&
	    s->seq == prev->seq + prev_len && s->ack == prev->ack;
}

uint32_t
coalesce_run(struct conn *c, uint32_t want)
{
	struct conn_rcvd *h = conn_peek(c);
	uint32_t len;
	size_t k;

	if (h == NULL || (h->seg.flags & ~DATA_FLAGS) != 0)
		return h != NULL ? h->seg.len : 0;
	len = h->seg.len;
	for (k = c->qhead + 1; k < c->qlen && len < want; k++) {
		if (!joins(&h->seg, len, &c->q[k].seg))
			break;
		len += c->q[k].seg.len;
	}
	return len;
}

void
coalesce_merge(struct conn *c, uint32_t want)
{
	struct conn_rcvd *h = conn_peek(c), *n;
	uint8_t *data;
	uint32_t len;

	if (h == NULL || (h->seg.flags & ~DATA_FLAGS) != 0)
		return;
	len = h->seg.len;
	data = xmalloc(want > len ? want : len);
	memcpy(data, h->seg.data, len);
	while (len < want && c->qhead + 1 < c->qlen) {
		n = &c->q[c->qhead + 1];
		if (!joins(&h->seg, len, &n->seg) || len + n->seg.len > want)
			break;
		memcpy(data + len, n->seg.data, n->seg.len);
		len += n->seg.len;
		/* A TSO frame's PSH is its last segment's. */
		h->seg.flags = (uint8_t)((h->seg.flags & ~TH_PSH_) |
		    (n->seg.flags & TH_PSH_));
		h->seg.win = n->seg.win;
		conn_take(c, n);
		h = conn_peek(c);
	}
	segment_set_data(&h->seg, data, len);
	free(data);
}

size_t
coalesce_cut(const struct segment *seg, uint32_t mss, struct segment **out)
{
	size_t n = mss == 0 || seg->len <= mss ? 1 : (seg->len + mss - 1) / mss;
	size_t k;
	uint32_t off, part;

	*out = xcalloc(n, sizeof **out);
	for (k = 0, off = 0; k < n; k++, off += part) {
		struct segment *s = &(*out)[k];

		part = n == 1 ? seg->len : seg->len - off < mss ?
		    seg->len - off : mss;
		segment_init(s);
		segment_copy(s, seg);
		s->seq = seg->seq + off + (k > 0 && (seg->flags & TH_SYN_) ?
		    1 : 0);
		if (k > 0)
			s->flags &= (uint8_t)~TH_SYN_;
		if (k + 1 < n)
			s->flags &= (uint8_t)~(TH_FIN_ | TH_PSH_);
		segment_set_data(s, seg->data != NULL ? seg->data + off :
		    NULL, part);
	}
	return n;
}
