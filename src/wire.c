/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wire.c: what every wire shares whatever its backend (wire_ops): the
 * kernel stamps of our sends, the run's clock, arrivals classified. */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "srcrange.h"
#include "wire.h"
#include "xmalloc.h"

/* ---- The table of sends waiting for their stamps ---- */

struct stamp_key {
	struct segment	 key;		/* header fields only: no payload */
	uint64_t	 tag;
	int64_t		 at;
};

struct wire_stamps {
	struct stamp_key *k;		/* in sending order */
	size_t		 n, cap;
	struct segment	 late[WIRE_LATE_KEYS];
	bool		 late_used[WIRE_LATE_KEYS];
	size_t		 nlate;
};

struct wire_stamps *
wire_stamps_new(void)
{
	return xcalloc(1, sizeof(struct wire_stamps));
}

void
wire_stamps_free(struct wire_stamps *t)
{
	if (t == NULL)
		return;
	free(t->k);
	free(t);
}

static void
key_of(struct segment *k, const struct segment *s)
{
	segment_init(k);
	k->sport = s->sport;
	k->dport = s->dport;
	k->seq = s->seq;
	k->ack = s->ack;
	k->flags = s->flags;
	k->len = s->len;
	k->win = s->win;
}

/* The capture shows our bytes as sent: these fields identify them. */
static bool
same_key(const struct segment *a, const struct segment *b)
{
	return a->sport == b->sport && a->dport == b->dport &&
	    a->seq == b->seq && a->flags == b->flags && a->len == b->len &&
	    a->win == b->win && (!(a->flags & TH_ACK_) || a->ack == b->ack);
}

void
wire_stamps_add(struct wire_stamps *t, const struct segment *seg,
    uint64_t tag, int64_t at)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->k = xreallocarray(t->k, t->cap, sizeof *t->k);
	}
	key_of(&t->k[t->n].key, seg);
	t->k[t->n].tag = tag;
	t->k[t->n].at = at;
	t->n++;
}

static void
stamps_remove(struct wire_stamps *t, size_t i)
{
	memmove(&t->k[i], &t->k[i + 1], (t->n - i - 1) * sizeof *t->k);
	t->n--;
}

static bool
stamps_match_late(struct wire_stamps *t, const struct segment *seg)
{
	size_t i, n = t->nlate < WIRE_LATE_KEYS ? t->nlate : WIRE_LATE_KEYS;

	for (i = 0; i < n; i++)
		if (!t->late_used[i] && same_key(&t->late[i], seg)) {
			t->late_used[i] = true;
			return true;
		}
	return false;
}

enum wire_kind
wire_stamps_match(struct wire_stamps *t, const struct segment *seg,
    uint64_t *tag, int64_t *at)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (same_key(&t->k[i].key, seg)) {
			*tag = t->k[i].tag;
			*at = t->k[i].at;
			stamps_remove(t, i);
			return WIRE_SENT;
		}
	return stamps_match_late(t, seg) ? WIRE_LATE : WIRE_FOREIGN;
}

size_t
wire_stamps_count(const struct wire_stamps *t)
{
	return t->n;
}

int64_t
wire_stamps_oldest(const struct wire_stamps *t)
{
	return t->n > 0 ? t->k[0].at : WIRE_NEVER;
}

bool
wire_stamps_expire(struct wire_stamps *t, int64_t before, uint64_t *tag)
{
	size_t slot;

	if (t->n == 0 || t->k[0].at > before)
		return false;
	slot = t->nlate++ % WIRE_LATE_KEYS;
	t->late[slot] = t->k[0].key;
	t->late_used[slot] = false;
	*tag = t->k[0].tag;
	stamps_remove(t, 0);
	return true;
}

/* ---- The wire ---- */

struct wire {
	struct wire_config cfg;
	const struct wire_ops *ops;
	void		*impl;
	struct wire_stamps *st;
	struct timespec	 start_rt;	/* capture stamps are realtime */
	int64_t		 start_mono;
	uint8_t		*last_data;	/* the last wire_read()'s payload */
};

/* Our end as a filter primitive: dir ("", "src ", "dst ") host local,
 * or that or the forged net. */
static void
local_expr(const struct wire_config *c, const char *dir, char *buf,
    size_t len)
{
	char l[64], net[72];

	ipaddr_str(&c->local, l, sizeof l);
	if (c->forged == NULL) {
		snprintf(buf, len, "%shost %s", dir, l);
		return;
	}
	srcrange_str(c->forged, net, sizeof net);
	snprintf(buf, len, "(%shost %s or %snet %s)", dir, l, dir, net);
}

/* TCP between the two ends: a range of our ports needs the direction
 * (the target's port may fall in it). */
static char *
tcp_expr(const struct wire_config *c)
{
	char l[160], ls[168], ld[168], r[64], lp[16] = "", rp[16] = "", *f;

	ipaddr_str(&c->remote, r, sizeof r);
	if (c->lport == 0 && c->lport_lo != 0) {
		local_expr(c, "src ", ls, sizeof ls);
		local_expr(c, "dst ", ld, sizeof ld);
		xasprintf(&f, "(tcp and %s and dst host %s and src portrange "
		    "%u-%u) or (tcp and src host %s and %s and dst portrange "
		    "%u-%u)", ls, r, c->lport_lo, c->lport_hi, r, ld,
		    c->lport_lo, c->lport_hi);
		return f;
	}
	local_expr(c, "", l, sizeof l);
	if (c->lport != 0)
		snprintf(lp, sizeof lp, " and port %u", c->lport);
	if (c->rport != 0)
		snprintf(rp, sizeof rp, " and port %u", c->rport);
	xasprintf(&f, "tcp and %s and host %s%s%s", l, r, lp, rp);
	return f;
}

char *
wire_filter(const struct wire_config *c)
{
	char ld[168], *t = tcp_expr(c), *f;

	if (!c->icmp)
		return t;
	local_expr(c, "dst ", ld, sizeof ld);
	xasprintf(&f, "(%s) or (%s and %s)", t, c->local.family == AF_INET6 ?
	    "icmp6" : "icmp", ld);
	free(t);
	return f;
}

struct wire *
wire_new(const struct wire_config *cfg, const struct wire_ops *ops,
    void *impl)
{
	struct wire *w = xcalloc(1, sizeof *w);

	w->cfg = *cfg;
	if (w->cfg.sent_wait_ns <= 0)
		w->cfg.sent_wait_ns = WIRE_SENT_WAIT_NS;
	w->ops = ops;
	w->impl = impl;
	w->st = wire_stamps_new();
	wire_start(w);
	return w;
}

void *
wire_impl(const struct wire *w)
{
	return w->impl;
}

const struct wire_config *
wire_config(const struct wire *w)
{
	return &w->cfg;
}

void
wire_close(struct wire *w)
{
	if (w == NULL)
		return;
	w->ops->close(w->impl);
	wire_stamps_free(w->st);
	free(w->last_data);
	free(w);
}

void
wire_start(struct wire *w)
{
	int64_t before = w->ops->mono(w->impl);

	/* The realtime read between two monotonic ones, taken as their
	 * midpoint: capture stamps land on the run's clock within half the
	 * gap, whichever clock is read first. */
	w->ops->realtime(w->impl, &w->start_rt);
	w->start_mono = before + (w->ops->mono(w->impl) - before) / 2;
}

int64_t
wire_now(const struct wire *w)
{
	return w->ops->mono(w->impl) - w->start_mono;
}

int64_t
wire_stamp_ns(const struct wire *w, const struct timespec *ts)
{
	return timespec_diff_ns(ts, &w->start_rt);
}

struct timespec
wire_realtime(const struct wire *w, int64_t t)
{
	struct timespec ts = w->start_rt;
	int64_t ns = ts.tv_nsec + t % 1000000000;

	ts.tv_sec += t / 1000000000 + ns / 1000000000;
	ts.tv_nsec = ns % 1000000000;
	if (ts.tv_nsec < 0) {
		ts.tv_nsec += 1000000000;
		ts.tv_sec--;
	}
	return ts;
}

int
wire_take_port(struct wire *w, uint16_t want, uint16_t *port, char *err,
    size_t errlen)
{
	return w->ops->take_port(w->impl, want, port, err, errlen);
}

int
wire_guard_flow(struct wire *w, uint16_t lport, uint16_t rport, char *err,
    size_t errlen)
{
	return w->ops->guard_flow(w->impl, lport, rport, err, errlen);
}

bool
wire_guarded(const struct wire *w)
{
	return w->ops->guarded(w->impl);
}

unsigned
wire_drops(const struct wire *w)
{
	return w->ops->drops(w->impl);
}

/* ---- Sending ---- */

int
wire_send(struct wire *w, const struct segment *seg, uint64_t tag,
    const uint8_t **bytes, uint32_t *len, char *err, size_t errlen)
{
	if (w->ops->send(w->impl, seg, bytes, len, err, errlen) == -1)
		return -1;
	wire_stamps_add(w->st, seg, tag, wire_now(w));
	return 0;
}

size_t
wire_unseen(const struct wire *w)
{
	return wire_stamps_count(w->st);
}

int64_t
wire_next_expiry(const struct wire *w)
{
	int64_t at = wire_stamps_oldest(w->st);

	return at == WIRE_NEVER ? WIRE_NEVER : at + w->cfg.sent_wait_ns;
}

bool
wire_expire(struct wire *w, int64_t now, uint64_t *tag)
{
	return wire_stamps_expire(w->st, now == WIRE_NEVER ? WIRE_NEVER :
	    now - w->cfg.sent_wait_ns, tag);
}

int
wire_send_icmp(struct wire *w, const struct icmp_wire *m,
    const uint8_t **bytes, uint32_t *len, char *err, size_t errlen)
{
	return w->ops->send_icmp(w->impl, &w->cfg.local, &w->cfg.remote, m,
	    bytes, len, err, errlen);
}

int
wire_send_unstamped(struct wire *w, const struct segment *seg, char *err,
    size_t errlen)
{
	return w->ops->send(w->impl, seg, NULL, NULL, err, errlen);
}

int
wire_set_template(struct wire *w, const struct segment *seg, char *err,
    size_t errlen)
{
	return w->ops->set_template(w->impl, seg, err, errlen);
}

int
wire_send_batch(struct wire *w, const struct wire_patch *p, size_t n,
    char *err, size_t errlen)
{
	return n == 0 ? 0 : w->ops->send_batch(w->impl, p, n, err, errlen);
}

/* ---- Reading ---- */

bool
wire_is_local(const struct wire *w, const struct ipaddr *a)
{
	return ipaddr_eq(a, &w->cfg.local) || (w->cfg.forged != NULL &&
	    srcrange_contains(w->cfg.forged, a));
}

/* Which of ours, theirs or neither a decoded packet is. */
static bool
classify(struct wire *w, struct wire_pkt *pkt)
{
	const struct segment *s = &pkt->d.seg;

	if (pkt->d.kind == DK_ICMP) {
		pkt->kind = WIRE_ICMP;
		return wire_is_local(w, &s->src);
	}
	if (wire_is_local(w, &s->src) &&
	    ipaddr_eq(&s->dst, &w->cfg.remote)) {
		pkt->kind = wire_stamps_match(w->st, s, &pkt->tag,
		    &pkt->sent_ns);
		return true;
	}
	pkt->kind = WIRE_ARRIVED;
	return ipaddr_eq(&s->src, &w->cfg.remote) &&
	    wire_is_local(w, &s->dst);
}

/* One captured frame: true when the caller should see it. */
static bool
take(struct wire *w, const struct wire_frame *fr, struct wire_pkt *pkt)
{
	/* decode_frame() sets all of pkt->d: no 2 KB memset a packet (a
	 * burst reads hundreds of thousands a second). */
	pkt->tag = 0;
	pkt->sent_ns = 0;
	pkt->detail[0] = '\0';
	pkt->ts = fr->ts;
	pkt->t_ns = wire_stamp_ns(w, &fr->ts);
	pkt->status = decode_frame(fr->linktype, fr->data, fr->caplen,
	    &pkt->d, pkt->detail, sizeof pkt->detail);
	if (pkt->status != DEC_OK) {
		pkt->kind = WIRE_MALFORMED;
		segment_init(&pkt->d.seg);
		return !decode_is_skip(pkt->status);
	}
	/* The payload is the wire's until the next read. */
	w->last_data = pkt->d.seg.data;
	if (classify(w, pkt))
		return true;
	free(w->last_data);
	w->last_data = NULL;
	return false;
}

int
wire_read(struct wire *w, struct wire_pkt *pkt, char *err, size_t errlen)
{
	struct wire_frame fr;
	int rc;

	free(w->last_data);
	w->last_data = NULL;
	while ((rc = w->ops->next(w->impl, &fr, err, errlen)) == 1)
		if (take(w, &fr, pkt))
			return 1;
	return rc;
}

int
wire_wait(struct wire *w, int64_t ns, const sigset_t *mask, char *err,
    size_t errlen)
{
	return w->ops->wait(w->impl, ns < 0 ? 0 : ns, mask, err, errlen) < 0 ?
	    -1 : 0;
}
