/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wire-fake.c: the fake wire backend: its own clock, scripted arrivals
 * built into bytes and decoded as captured ones, recorded sends. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "craft.h"
#include "decode.h"
#include "wire-fake.h"
#include "xmalloc.h"

#define FAKE_EPOCH_SEC	1700000000	/* realtime of the fake's 0 */

struct fake_frame {
	int64_t		 at;		/* on the fake's clock */
	uint8_t		*data;
	uint32_t	 len;
};

struct fake_sent {
	struct segment	 seg;
	int64_t		 t_ns;		/* wire's clock */
};

struct wire_fake {
	struct wire_config cfg;
	struct wire	*w;
	struct craft	*cr;		/* CRAFT_BYTES */
	int64_t		 now;		/* ns since the fake's 0 */
	int64_t		 lag;		/* from a send to its stamp */
	struct fake_frame *q;		/* by time, oldest first */
	size_t		 qn, qcap;
	uint8_t		*cur;		/* the frame next() handed over */
	uint8_t		*last;		/* the bytes send() handed over */
	struct fake_sent *sent;
	size_t		 nsent, sentcap;
	size_t		 nports, nguarded;
	wire_fake_peer	 peer;
	void		*peer_arg;
	struct segment	 tmpl;		/* send_batch's */
	bool		 has_tmpl;
	int		 fail_after;	/* sends left before one fails; -1 */
	uint8_t		*icmp;		/* the last ICMP error's bytes */
	uint32_t	 icmp_len;
	size_t		 nicmp;
};

/* The fake's clock of a time on the wire's clock. */
static int64_t
fake_at(const struct wire_fake *fk, int64_t t_ns)
{
	struct timespec ts = wire_realtime(fk->w, t_ns);

	return ((int64_t)ts.tv_sec - FAKE_EPOCH_SEC) * 1000000000 + ts.tv_nsec;
}

static void
queue_bytes(struct wire_fake *fk, int64_t at, const uint8_t *b, uint32_t len)
{
	size_t i;

	if (fk->qn == fk->qcap) {
		fk->qcap = fk->qcap ? fk->qcap * 2 : 16;
		fk->q = xreallocarray(fk->q, fk->qcap, sizeof *fk->q);
	}
	/* After every frame due at the same time or before: stable. */
	for (i = fk->qn; i > 0 && fk->q[i - 1].at > at; i--)
		;
	memmove(&fk->q[i + 1], &fk->q[i], (fk->qn - i) * sizeof *fk->q);
	fk->q[i].at = at;
	fk->q[i].data = xmalloc(len);
	memcpy(fk->q[i].data, b, len);
	fk->q[i].len = len;
	fk->qn++;
}

static int
fake_send(void *impl, const struct segment *seg, const uint8_t **bytes,
    uint32_t *len, char *err, size_t errlen)
{
	struct wire_fake *fk = impl;
	const uint8_t *b;
	uint32_t n;
	struct fake_sent *s;

	if (fk->fail_after == 0) {
		snprintf(err, errlen, "sendto: No buffer space available "
		    "(the fake's)");
		return -1;
	}
	if (craft_build(fk->cr, seg, &b, &n, err, errlen) == -1)
		return -1;
	if (fk->fail_after > 0)
		fk->fail_after--;
	queue_bytes(fk, fk->now + fk->lag, b, n);
	if (fk->nsent == fk->sentcap) {
		fk->sentcap = fk->sentcap ? fk->sentcap * 2 : 16;
		fk->sent = xreallocarray(fk->sent, fk->sentcap,
		    sizeof *fk->sent);
	}
	s = &fk->sent[fk->nsent++];
	segment_init(&s->seg);
	segment_copy(&s->seg, seg);
	s->t_ns = wire_now(fk->w);
	/* The peer's answers are built with the same crafter, which reuses
	 * its buffer: the caller gets a copy of ours. */
	free(fk->last);
	fk->last = xmalloc(n > 0 ? n : 1);
	memcpy(fk->last, b, n);
	if (bytes != NULL)
		*bytes = fk->last;
	if (len != NULL)
		*len = n;
	if (fk->peer != NULL)
		fk->peer(fk->peer_arg, fk, &s->seg, s->t_ns);
	return 0;
}

static int
fake_next(void *impl, struct wire_frame *fr, char *err, size_t errlen)
{
	struct wire_fake *fk = impl;

	(void)err;
	(void)errlen;
	free(fk->cur);
	fk->cur = NULL;
	if (fk->qn == 0 || fk->q[0].at > fk->now)
		return 0;
	fk->cur = fk->q[0].data;
	fr->ts.tv_sec = FAKE_EPOCH_SEC + fk->q[0].at / 1000000000;
	fr->ts.tv_nsec = fk->q[0].at % 1000000000;
	fr->linktype = LINK_RAW;
	fr->data = fk->cur;
	fr->caplen = fk->q[0].len;
	memmove(&fk->q[0], &fk->q[1], (fk->qn - 1) * sizeof *fk->q);
	fk->qn--;
	return 1;
}

/* Time passes to the next frame, or by ns. */
static int
fake_wait(void *impl, int64_t ns, const sigset_t *mask, char *err,
    size_t errlen)
{
	struct wire_fake *fk = impl;
	int64_t until = fk->now + ns;

	(void)mask;
	(void)err;
	(void)errlen;
	if (fk->qn > 0 && fk->q[0].at < until)
		until = fk->q[0].at;
	if (until > fk->now)
		fk->now = until;
	return fk->qn > 0 && fk->q[0].at <= fk->now ? 1 : 0;
}

static int64_t
fake_mono(void *impl)
{
	struct wire_fake *fk = impl;
	int64_t t = fk->now;

	fk->now += WIRE_FAKE_TICK_NS;
	return t;
}

static void
fake_realtime(void *impl, struct timespec *ts)
{
	struct wire_fake *fk = impl;

	ts->tv_sec = FAKE_EPOCH_SEC + fk->now / 1000000000;
	ts->tv_nsec = fk->now % 1000000000;
}

static int
fake_take_port(void *impl, uint16_t want, uint16_t *port, char *err,
    size_t errlen)
{
	struct wire_fake *fk = impl;

	(void)err;
	(void)errlen;
	*port = want != 0 ? want : (uint16_t)(40000 + fk->nports);
	fk->nports++;
	return 0;
}

static int
fake_guard_flow(void *impl, uint16_t lport, uint16_t rport, char *err,
    size_t errlen)
{
	(void)lport;
	(void)rport;
	(void)err;
	(void)errlen;
	((struct wire_fake *)impl)->nguarded++;
	return 0;
}

static bool
fake_guarded(void *impl)
{
	return !((struct wire_fake *)impl)->cfg.no_guard;
}

static unsigned
fake_drops(void *impl)
{
	(void)impl;
	return 0;
}

static int
fake_set_template(void *impl, const struct segment *seg, char *err,
    size_t errlen)
{
	struct wire_fake *fk = impl;

	(void)err;
	(void)errlen;
	segment_clear(&fk->tmpl);
	segment_init(&fk->tmpl);
	segment_copy(&fk->tmpl, seg);
	fk->has_tmpl = true;
	return 0;
}

/* Each copy on its own, through send: recorded, stamped, answered. */
static int
fake_send_batch(void *impl, const struct wire_patch *p, size_t n, char *err,
    size_t errlen)
{
	struct wire_fake *fk = impl;
	struct segment s;
	size_t i;

	if (!fk->has_tmpl) {
		snprintf(err, errlen, "no template");
		return -1;
	}
	for (i = 0; i < n; i++) {
		s = fk->tmpl;	/* shallow: options and payload shared */
		s.sport = p[i].sport;
		s.dport = p[i].dport;
		s.seq = p[i].seq;
		s.ack = p[i].ack;
		s.flags = p[i].flags;
		if (fake_send(fk, &s, NULL, NULL, err, errlen) == -1)
			return -1;
	}
	return 0;
}

/* Built as the live wire would send it, and kept (the capture shows only
 * what arrives). */
static int
fake_send_icmp(void *impl, const struct ipaddr *src, const struct ipaddr *dst,
    const struct icmp_wire *w, const uint8_t **bytes, uint32_t *len,
    char *err, size_t errlen)
{
	struct wire_fake *fk = impl;
	const uint8_t *b;
	uint32_t n;

	if (craft_icmp_build(fk->cr, src, dst, w, &b, &n, err, errlen) == -1)
		return -1;
	free(fk->icmp);
	fk->icmp = xmalloc(n);
	memcpy(fk->icmp, b, n);
	fk->icmp_len = n;
	fk->nicmp++;
	if (bytes != NULL)
		*bytes = fk->icmp;
	if (len != NULL)
		*len = n;
	return 0;
}

size_t
wire_fake_icmp(const struct wire_fake *fk, const uint8_t **bytes,
    uint32_t *len)
{
	*bytes = fk->icmp;
	*len = fk->icmp_len;
	return fk->nicmp;
}

static void
fake_close(void *impl)
{
	struct wire_fake *fk = impl;
	size_t i;

	for (i = 0; i < fk->qn; i++)
		free(fk->q[i].data);
	free(fk->q);
	free(fk->cur);
	for (i = 0; i < fk->nsent; i++)
		segment_clear(&fk->sent[i].seg);
	free(fk->sent);
	free(fk->last);
	free(fk->icmp);
	segment_clear(&fk->tmpl);
	craft_close(fk->cr);
	free(fk);
}

static const struct wire_ops fake_ops = {
	.name = "fake",
	.send = fake_send,
	.next = fake_next,
	.wait = fake_wait,
	.mono = fake_mono,
	.realtime = fake_realtime,
	.take_port = fake_take_port,
	.guard_flow = fake_guard_flow,
	.guarded = fake_guarded,
	.drops = fake_drops,
	.set_template = fake_set_template,
	.send_batch = fake_send_batch,
	.send_icmp = fake_send_icmp,
	.close = fake_close,
};

struct wire *
wire_fake_open(const struct wire_config *cfg, struct wire_fake **out)
{
	struct wire_fake *fk = xcalloc(1, sizeof *fk);
	char err[256];

	fk->cfg = *cfg;
	fk->lag = WIRE_FAKE_LAG_NS;
	fk->fail_after = -1;
	segment_init(&fk->tmpl);
	/* Building bytes needs no privilege; failing here is a bug. */
	if ((fk->cr = craft_open(cfg->local.family, CRAFT_BYTES, err,
	    sizeof err)) == NULL) {
		fprintf(stderr, "wire_fake_open: %s\n", err);
		abort();
	}
	fk->w = wire_new(cfg, &fake_ops, fk);
	*out = fk;
	return fk->w;
}

void
wire_fake_set_peer(struct wire_fake *fk, wire_fake_peer fn, void *arg)
{
	fk->peer = fn;
	fk->peer_arg = arg;
}

void
wire_fake_set_lag(struct wire_fake *fk, int64_t lag_ns)
{
	fk->lag = lag_ns;
}

void
wire_fake_fail_after(struct wire_fake *fk, int nsends)
{
	fk->fail_after = nsends;
}

void
wire_fake_arrive(struct wire_fake *fk, int64_t t_ns,
    const struct segment *seg)
{
	struct segment s = *seg;	/* shallow: the payload is borrowed */
	const uint8_t *b;
	uint32_t n;
	char err[256];

	s.src = fk->cfg.remote;
	s.dst = fk->cfg.local;
	if (s.sport == 0)
		s.sport = fk->cfg.rport;
	if (s.dport == 0)
		s.dport = fk->cfg.lport;
	if (craft_build(fk->cr, &s, &b, &n, err, sizeof err) == -1) {
		fprintf(stderr, "wire_fake_arrive: %s\n", err);
		abort();
	}
	queue_bytes(fk, fake_at(fk, t_ns), b, n);
}

bool
wire_fake_arrive_line(struct wire_fake *fk, int64_t t_ns, const char *line)
{
	struct text_error terr;
	struct segment s;

	segment_init(&s);
	if (!segment_parse(line, &s, &terr)) {
		segment_clear(&s);
		return false;
	}
	wire_fake_arrive(fk, t_ns, &s);
	segment_clear(&s);
	return true;
}

size_t
wire_fake_nsent(const struct wire_fake *fk)
{
	return fk->nsent;
}

const struct segment *
wire_fake_sent(const struct wire_fake *fk, size_t i, int64_t *t_ns)
{
	if (i >= fk->nsent)
		return NULL;
	if (t_ns != NULL)
		*t_ns = fk->sent[i].t_ns;
	return &fk->sent[i].seg;
}

size_t
wire_fake_nports(const struct wire_fake *fk)
{
	return fk->nports;
}

size_t
wire_fake_nguarded(const struct wire_fake *fk)
{
	return fk->nguarded;
}
