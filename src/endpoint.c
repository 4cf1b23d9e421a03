/* endpoint.c: flows driven over the wire (wire.c): their segments sent and
 * seen with the kernel's stamps, their timers, and the events in order. */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "decode.h"
#include "endpoint.h"
#include "seqspace.h"
#include "status.h"
#include "wire.h"
#include "xmalloc.h"

/* An event waiting its turn. A segment we sent waits for the capture to
 * show it leaving (its kernel stamp is its time); what came after it in
 * the conversation waits behind it, so the order is the flow's. */
struct pend {
	struct event	 ev;		/* pointers set when emitted */
	bool		 has_seg;
	struct segment	 seg;
	uint8_t		*ip;
	char		*text;
	struct ipaddr	 icmp_from;
	struct ep_flow	*fl;
	bool		 waiting;	/* sent, not yet seen leaving */
	uint64_t	 tag;		/* its wire_send() tag */
};

struct ep_flow {
	struct flow	 tcb;
	bool		 guarded;
	uint8_t		*rcv;		/* bytes delivered in order */
	size_t		 rcv_len;
	size_t		 rcv_cap;
	uint64_t	 rcv_after_fin;
	bool		 syn_seen;	/* our latest SYN, seen leaving */
	struct timespec	 syn_ts;
	int64_t		 hs_rtt_ns;
	uint64_t	 foreign;
};

struct endpoint {
	struct endpoint_config cfg;
	struct wire	*w;
	uint64_t	 next_tag;
	struct ep_flow	**flows;
	size_t		 nflows;
	struct pend	*q;
	size_t		 qn;
	size_t		 qcap;
	struct flow_out	 out;
	bool		 fallback_said;
	bool		 settling;	/* endpoint_close: no timers */
	bool		 in_timer;	/* handling a flow's timer */
	int64_t		 last_t;	/* of the last event emitted */
};

int64_t
endpoint_now(const struct endpoint *ep)
{
	return wire_now(ep->w);
}

/* ---- The queue of events ---- */

static struct pend *
pend_push(struct endpoint *ep, enum event_type type, enum event_dir dir)
{
	struct pend *p;

	if (ep->qn == ep->qcap) {
		ep->qcap = ep->qcap ? ep->qcap * 2 : 16;
		ep->q = xreallocarray(ep->q, ep->qcap, sizeof *ep->q);
	}
	p = &ep->q[ep->qn++];
	memset(p, 0, sizeof *p);
	event_init(&p->ev, type);
	p->ev.dir = dir;
	p->ev.relative = !ep->cfg.absolute;
	p->ev.t_ns = endpoint_now(ep);
	p->ev.ts = wire_realtime(ep->w, p->ev.t_ns);
	segment_init(&p->seg);
	return p;
}

static void
pend_text(struct pend *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
pend_text(struct pend *p, const char *fmt, ...)
{
	va_list ap;

	free(p->text);
	va_start(ap, fmt);
	if (vasprintf(&p->text, fmt, ap) == -1)
		p->text = xstrdup("?");
	va_end(ap);
}

static void
pend_set_ip(struct pend *p, const uint8_t *ip, uint32_t len)
{
	free(p->ip);
	p->ip = NULL;
	p->ev.iplen = 0;
	if (ip == NULL || len == 0)
		return;
	p->ip = xmalloc(len);
	memcpy(p->ip, ip, len);
	p->ev.iplen = len;
}

static void
pend_emit(struct endpoint *ep, struct pend *p)
{
	/* A state or a note comes after the segment before it: never show
	 * it earlier (a user call's clock can lag the kernel's stamp). */
	if (p->ev.type != EV_SEGMENT && p->ev.type != EV_ICMP &&
	    p->ev.type != EV_MALFORMED && p->ev.t_ns < ep->last_t) {
		p->ev.t_ns = ep->last_t;
		p->ev.ts = wire_realtime(ep->w, ep->last_t);
	}
	ep->last_t = p->ev.t_ns;
	p->ev.seg = p->has_seg ? &p->seg : NULL;
	p->ev.ip = p->ip;
	p->ev.text = p->text;
	if (p->ev.type == EV_ICMP)
		p->ev.icmp_from = &p->icmp_from;
	if (ep->cfg.emit != NULL)
		ep->cfg.emit(ep->cfg.emit_arg, &p->ev);
	segment_clear(&p->seg);
	free(p->ip);
	free(p->text);
}

/* Emit from the head up to the first segment still unseen. */
static void
queue_flush(struct endpoint *ep)
{
	size_t i = 0;

	while (i < ep->qn && !ep->q[i].waiting)
		pend_emit(ep, &ep->q[i++]);
	if (i == 0)
		return;
	memmove(ep->q, ep->q + i, (ep->qn - i) * sizeof *ep->q);
	ep->qn -= i;
}

static struct pend *
pend_by_tag(struct endpoint *ep, uint64_t tag)
{
	size_t i;

	for (i = 0; i < ep->qn; i++)
		if (ep->q[i].waiting && ep->q[i].tag == tag)
			return &ep->q[i];
	return NULL;
}

/* Sent segments the capture did not show in time (now < 0: any): their
 * time is the user-space clock's, and the reader is told so once. */
static void
queue_expire(struct endpoint *ep, int64_t now)
{
	struct pend *p;
	uint64_t tag;
	bool any = false;

	while (ep->w != NULL && wire_expire(ep->w, now < 0 ? WIRE_NEVER : now,
	    &tag))
		if ((p = pend_by_tag(ep, tag)) != NULL) {
			p->waiting = false;
			any = true;
		}
	if (any && !ep->fallback_said) {
		ep->fallback_said = true;
		/* The note goes after what it is about. */
		p = pend_push(ep, EV_NOTE, DIR_NONE);
		pend_text(p, "a sent segment did not show in the capture on "
		    "%s within %.0f ms: its time is the user-space clock's, "
		    "not the kernel's", ep->cfg.ifname ? ep->cfg.ifname :
		    "any", (double)ep->cfg.sent_wait_ns / 1e6);
	}
	queue_flush(ep);
}

void
endpoint_state(struct endpoint *ep, enum event_dir dir, const char *name)
{
	struct pend *p = pend_push(ep, EV_STATE, dir);

	pend_text(p, "%s", name);
	queue_flush(ep);
}

void
endpoint_note(struct endpoint *ep, const char *fmt, ...)
{
	struct pend *p = pend_push(ep, EV_NOTE, DIR_NONE);
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&p->text, fmt, ap) == -1)
		p->text = xstrdup("?");
	va_end(ap);
	queue_flush(ep);
}

/* ---- Relative numbering ---- */

/* The bases of a segment sent by side (SEQ_LOCAL: ours), from the TCB. */
static void
ep_bases(const struct ep_flow *fl, int side, struct event *ev)
{
	struct seqspace ss;

	seqspace_init(&ss);
	seqspace_set(&ss, SEQ_LOCAL, fl->tcb.iss);
	if (fl->tcb.have_irs)
		seqspace_set(&ss, SEQ_REMOTE, fl->tcb.irs);
	seqspace_bases(&ss, side, &ev->seq_base, &ev->ack_base);
}

/* ---- What a flow produced ---- */

static int
send_seg(struct endpoint *ep, struct ep_flow *fl, const struct segment *seg,
    char *err, size_t errlen)
{
	const uint8_t *bytes;
	uint32_t len;
	struct pend *p;

	/* What led to this segment is shown before it leaves. */
	queue_flush(ep);
	if (ep->cfg.before_send != NULL)
		ep->cfg.before_send(ep->cfg.emit_arg);
	if (wire_send(ep->w, seg, ep->next_tag, &bytes, &len, err,
	    errlen) == -1)
		return -1;
	p = pend_push(ep, EV_SEGMENT, DIR_TO_TARGET);
	segment_copy(&p->seg, seg);
	p->has_seg = true;
	pend_set_ip(p, bytes, len);
	ep_bases(fl, SEQ_LOCAL, &p->ev);
	p->fl = fl;
	p->waiting = true;
	p->tag = ep->next_tag++;
	return 0;
}

static void
rcv_append(struct ep_flow *fl, const uint8_t *data, uint32_t len)
{
	if (fl->rcv_len + len > fl->rcv_cap) {
		fl->rcv_cap = (fl->rcv_len + len) * 2;
		fl->rcv = xrealloc(fl->rcv, fl->rcv_cap);
	}
	if (data != NULL)
		memcpy(fl->rcv + fl->rcv_len, data, len);
	else
		memset(fl->rcv + fl->rcv_len, 0, len);
	fl->rcv_len += len;
	if (fl->tcb.fin_sent)
		fl->rcv_after_fin += len;
}

static void
item_state(struct endpoint *ep, const struct flow_item *it)
{
	struct pend *p = pend_push(ep, EV_STATE, DIR_NONE);

	pend_text(p, "%s", flow_state_name(it->to));
	p->ev.timer = ep->in_timer;
}

/* One item as events; FLOW_SEND goes on the wire. */
static int
item_handle(struct endpoint *ep, struct ep_flow *fl,
    const struct flow_item *it, char *err, size_t errlen)
{
	struct pend *p;

	switch (it->type) {
	case FLOW_SEND:
		return send_seg(ep, fl, &it->seg, err, errlen);
	case FLOW_STATE:
		item_state(ep, it);
		if (ep->cfg.state_causes && it->text[0] != '\0') {
			p = pend_push(ep, EV_NOTE, DIR_NONE);
			pend_text(p, "%s -> %s: %s", flow_state_name(it->from),
			    flow_state_name(it->to), it->text);
		}
		return 0;
	case FLOW_NOTE:
		p = pend_push(ep, EV_NOTE, DIR_NONE);
		pend_text(p, "%s", it->text);
		return 0;
	case FLOW_DATA:
		rcv_append(fl, it->data, it->len);
		p = pend_push(ep, EV_NOTE, DIR_NONE);
		pend_text(p, "%" PRIu32 " byte%s delivered in order%s (%zu in "
		    "all)", it->len, it->len == 1 ? "" : "s",
		    it->from_hold ? " from the out-of-order hold" : "",
		    fl->rcv_len);
		return 0;
	case FLOW_HELD:
		p = pend_push(ep, EV_NOTE, DIR_NONE);
		pend_text(p, "%" PRIu32 " byte%s held out of order at seq %"
		    PRIu32 " (%" PRIu32 " new)", it->len, it->len == 1 ? "" :
		    "s", ep->cfg.absolute ? it->seq :
		    flow_rel_rcv(&fl->tcb, it->seq), it->newbytes);
		return 0;
	}
	return 0;
}

/*
 * Everything in ep->out. For a user call, a state change it causes comes
 * before the segments in flow_out; the reader sees it after them (EV_STATE
 * follows the segment that caused it), so it is held until they are out.
 */
static int
out_handle(struct endpoint *ep, struct ep_flow *fl, bool user_call,
    char *err, size_t errlen)
{
	const struct flow_item *held[4];
	size_t i, k, nheld = 0;
	int rc = 0;

	for (i = 0; i < ep->out.n && rc == 0; i++) {
		const struct flow_item *it = &ep->out.item[i];

		if (user_call && it->type == FLOW_STATE && nheld < 4 &&
		    i + 1 < ep->out.n) {
			held[nheld++] = it;
			continue;
		}
		rc = item_handle(ep, fl, it, err, errlen);
		if (nheld > 0 && (i + 1 == ep->out.n ||
		    ep->out.item[i + 1].type != FLOW_SEND)) {
			for (k = 0; k < nheld; k++)
				item_handle(ep, fl, held[k], err, errlen);
			nheld = 0;
		}
	}
	for (k = 0; k < nheld; k++)
		item_handle(ep, fl, held[k], err, errlen);
	flow_out_reset(&ep->out);
	queue_flush(ep);
	return rc;
}

/* ---- Opening and closing ---- */

struct endpoint *
endpoint_open(const struct endpoint_config *cfg, char *err, size_t errlen)
{
	struct endpoint *ep;
	struct wire_config wc = { .local = cfg->local, .remote = cfg->remote,
	    .ifname = cfg->ifname, .icmp = true, .no_guard = cfg->no_guard,
	    .sent_wait_ns = cfg->sent_wait_ns };
	struct wire *w;

	/* Narrow the capture to one flow only when both its ports are known. */
	if (cfg->lport != 0 && cfg->rport != 0) {
		wc.lport = cfg->lport;
		wc.rport = cfg->rport;
	}
	if ((w = cfg->wire) == NULL && (w = wire_open(&wc, err, errlen)) ==
	    NULL)
		return NULL;
	ep = xcalloc(1, sizeof *ep);
	ep->cfg = *cfg;
	if (ep->cfg.sent_wait_ns <= 0)
		ep->cfg.sent_wait_ns = ENDPOINT_SENT_WAIT_NS;
	ep->w = w;
	flow_out_init(&ep->out);
	return ep;
}

static bool
nothing_waiting(void *arg)
{
	const struct endpoint *ep = arg;

	return wire_unseen(ep->w) == 0;
}

void
endpoint_settle(struct endpoint *ep)
{
	volatile sig_atomic_t *stop = ep->cfg.stop;
	char err[256];

	if (ep->w != NULL && !nothing_waiting(ep)) {
		/* A signal may have ended the run: still show what went out. */
		ep->cfg.stop = NULL;
		ep->settling = true;
		endpoint_run(ep, endpoint_now(ep) + ep->cfg.sent_wait_ns,
		    nothing_waiting, ep, err, sizeof err);
		ep->settling = false;
		ep->cfg.stop = stop;
	}
	queue_expire(ep, -1);
}

void
endpoint_close(struct endpoint *ep)
{
	size_t i;

	if (ep == NULL)
		return;
	endpoint_settle(ep);
	for (i = 0; i < ep->qn; i++)
		pend_emit(ep, &ep->q[i]);
	free(ep->q);
	if (ep->w != ep->cfg.wire)
		wire_close(ep->w);
	for (i = 0; i < ep->nflows; i++) {
		flow_free(&ep->flows[i]->tcb);
		free(ep->flows[i]->rcv);
		free(ep->flows[i]);
	}
	free(ep->flows);
	flow_out_free(&ep->out);
	free(ep);
}

unsigned
endpoint_drops(const struct endpoint *ep)
{
	return wire_drops(ep->w);
}

struct ep_flow *
endpoint_add_flow(struct endpoint *ep, const struct flow_config *cfg,
    char *err, size_t errlen)
{
	struct ep_flow *fl;
	struct flow_config c = *cfg;

	c.local = ep->cfg.local;
	c.remote = ep->cfg.remote;
	c.abs_numbers = ep->cfg.absolute;
	if (c.lport == 0 || c.rport == 0) {
		snprintf(err, errlen, "a flow needs both ports");
		return NULL;
	}
	fl = xcalloc(1, sizeof *fl);
	flow_init(&fl->tcb, &c);
	fl->hs_rtt_ns = -1;
	if (wire_guard_flow(ep->w, c.lport, c.rport, err, errlen) == -1) {
		flow_free(&fl->tcb);
		free(fl);
		return NULL;
	}
	fl->guarded = wire_guarded(ep->w);
	ep->flows = xreallocarray(ep->flows, ep->nflows + 1,
	    sizeof *ep->flows);
	ep->flows[ep->nflows++] = fl;
	return fl;
}

/* ---- User calls ---- */

static int
user_call(struct endpoint *ep, struct ep_flow *fl, int called, char *err,
    size_t errlen)
{
	if (out_handle(ep, fl, true, err, errlen) == -1)
		return -1;
	return called == 0 ? 0 : 1;
}

int
endpoint_connect(struct endpoint *ep, struct ep_flow *fl, char *err,
    size_t errlen)
{
	fl->syn_seen = false;
	return user_call(ep, fl, flow_open_active(&fl->tcb, endpoint_now(ep),
	    &ep->out), err, errlen);
}

int
endpoint_send(struct endpoint *ep, struct ep_flow *fl, const void *data,
    size_t len, char *err, size_t errlen)
{
	return user_call(ep, fl, flow_send_data(&fl->tcb, data, len,
	    endpoint_now(ep), &ep->out), err, errlen);
}

int
endpoint_shutdown(struct endpoint *ep, struct ep_flow *fl, char *err,
    size_t errlen)
{
	return user_call(ep, fl, flow_close(&fl->tcb, endpoint_now(ep),
	    &ep->out), err, errlen);
}

int
endpoint_abort(struct endpoint *ep, struct ep_flow *fl, char *err,
    size_t errlen)
{
	return user_call(ep, fl, flow_abort(&fl->tcb, endpoint_now(ep),
	    &ep->out), err, errlen);
}

/* ---- The capture ---- */

static struct ep_flow *
flow_by_ports(struct endpoint *ep, uint16_t lport, uint16_t rport)
{
	size_t i;

	for (i = 0; i < ep->nflows; i++)
		if (ep->flows[i]->tcb.cfg.lport == lport &&
		    ep->flows[i]->tcb.cfg.rport == rport)
			return ep->flows[i];
	return NULL;
}

static void
fill_from_capture(struct pend *p, const struct wire_pkt *pkt)
{
	segment_clear(&p->seg);
	segment_copy(&p->seg, &pkt->d.seg);
	p->has_seg = true;
	pend_set_ip(p, pkt->d.ip, pkt->d.iplen);
	p->ev.ts = pkt->ts;
	p->ev.t_ns = pkt->t_ns;
}

static bool
pend_is_packet(const struct pend *p)
{
	return p->ev.type == EV_SEGMENT || p->ev.type == EV_ICMP ||
	    p->ev.type == EV_MALFORMED;
}

/* A packet's block: it and the states and notes after it. */
static size_t
block_end(const struct endpoint *ep, size_t i)
{
	size_t j = i + 1;

	while (j < ep->qn && !pend_is_packet(&ep->q[j]))
		j++;
	return j;
}

/*
 * Ours at i left later than packets of the target queued behind it: they
 * arrived while it waited to be sent and were handled after it. The wire's
 * order is the reader's: its block goes after theirs, so times never run
 * backwards down a ladder.
 */
static void
queue_order(struct endpoint *ep, size_t i)
{
	struct pend *tmp;
	size_t j, k, n;

	for (;;) {
		j = block_end(ep, i);
		if (j >= ep->qn || ep->q[j].waiting ||
		    ep->q[j].ev.t_ns >= ep->q[i].ev.t_ns)
			return;
		k = block_end(ep, j);
		n = j - i;
		tmp = xreallocarray(NULL, n, sizeof *tmp);
		memcpy(tmp, ep->q + i, n * sizeof *tmp);
		memmove(ep->q + i, ep->q + j, (k - j) * sizeof *tmp);
		memcpy(ep->q + i + (k - j), tmp, n * sizeof *tmp);
		free(tmp);
		i += k - j;
	}
}

/* One of ours leaving: it gives its pending SENT the kernel's stamp. */
static void
seen_sent(struct endpoint *ep, const struct wire_pkt *pkt)
{
	struct pend *p;

	if ((p = pend_by_tag(ep, pkt->tag)) == NULL)
		return;
	fill_from_capture(p, pkt);
	p->waiting = false;
	if ((pkt->d.seg.flags & (TH_SYN_ | TH_ACK_)) == TH_SYN_) {
		p->fl->syn_seen = true;
		p->fl->syn_ts = pkt->ts;
	}
	queue_order(ep, (size_t)(p - ep->q));
	queue_flush(ep);
}

/* The flow's 4-tuple, but not sent by us: the local kernel's. */
static void
seen_foreign(struct endpoint *ep, struct ep_flow *fl,
    const struct wire_pkt *pkt)
{
	struct pend *p;

	fl->foreign++;
	p = pend_push(ep, EV_SEGMENT, DIR_TO_TARGET);
	fill_from_capture(p, pkt);
	ep_bases(fl, SEQ_LOCAL, &p->ev);
	p = pend_push(ep, EV_NOTE, DIR_NONE);
	pend_text(p, "the segment above was not sent by tcpshake: the local "
	    "kernel's%s", fl->guarded ? "" : " (the guard is off)");
	queue_flush(ep);
}

static bool
is_hs_answer(const struct ep_flow *fl, enum flow_state before,
    const struct segment *seg)
{
	if ((seg->flags & (TH_SYN_ | TH_ACK_)) != (TH_SYN_ | TH_ACK_))
		return false;
	if (before != FLOW_SYN_SENT)
		return false;
	return fl->tcb.state == FLOW_ESTABLISHED ||
	    fl->tcb.state == FLOW_FIN_WAIT_1 ||
	    (fl->tcb.cfg.no_final_ack && fl->tcb.synacks == 1);
}

/* The target's segment: the event first, then what the flow made of it. */
static int
seen_incoming(struct endpoint *ep, struct ep_flow *fl,
    const struct wire_pkt *pkt, char *err, size_t errlen)
{
	enum flow_state before = fl->tcb.state;
	struct pend *p;
	size_t at;

	/* What the target became by sending it goes before it. */
	if (ep->cfg.before_recv != NULL)
		ep->cfg.before_recv(ep->cfg.emit_arg);
	p = pend_push(ep, EV_SEGMENT, DIR_FROM_TARGET);
	at = ep->qn - 1;

	fill_from_capture(p, pkt);
	flow_input(&fl->tcb, &pkt->d.seg, pkt->t_ns, &ep->out);
	p = &ep->q[at];		/* flow_input may not push, but be sure */
	ep_bases(fl, SEQ_REMOTE, &p->ev);
	if (is_hs_answer(fl, before, &pkt->d.seg)) {
		fl->hs_rtt_ns = fl->syn_seen ?
		    timespec_diff_ns(&pkt->ts, &fl->syn_ts) : fl->tcb.hs_rtt_ns;
		p->ev.rtt_ns = fl->hs_rtt_ns;
	}
	return out_handle(ep, fl, false, err, errlen);
}

static void
seen_icmp(struct endpoint *ep, struct ep_flow *fl, const struct wire_pkt *pkt)
{
	struct pend *p = pend_push(ep, EV_ICMP, DIR_FROM_TARGET);

	fill_from_capture(p, pkt);
	ep_bases(fl, SEQ_LOCAL, &p->ev);
	p->ev.icmp_type = pkt->d.icmp_type;
	p->ev.icmp_code = pkt->d.icmp_code;
	p->icmp_from = pkt->d.icmp_from;
	queue_flush(ep);
}

static void
seen_malformed(struct endpoint *ep, const struct wire_pkt *pkt)
{
	struct pend *p = pend_push(ep, EV_MALFORMED, DIR_NONE);

	p->ev.ts = pkt->ts;
	p->ev.t_ns = pkt->t_ns;
	pend_text(p, "%s%s%s", decode_strerror(pkt->status),
	    pkt->detail[0] ? ": " : "", pkt->detail);
	queue_flush(ep);
}

static int
seen_packet(struct endpoint *ep, const struct wire_pkt *pkt, char *err,
    size_t errlen)
{
	const struct segment *s = &pkt->d.seg;
	struct ep_flow *fl;

	switch (pkt->kind) {
	case WIRE_SENT:
		seen_sent(ep, pkt);
		break;
	case WIRE_LATE:		/* shown already, on the user-space clock */
		break;
	case WIRE_FOREIGN:
		if ((fl = flow_by_ports(ep, s->sport, s->dport)) != NULL)
			seen_foreign(ep, fl, pkt);
		break;
	case WIRE_ICMP:
		if ((fl = flow_by_ports(ep, s->sport, s->dport)) != NULL)
			seen_icmp(ep, fl, pkt);
		break;
	case WIRE_ARRIVED:
		if ((fl = flow_by_ports(ep, s->dport, s->sport)) != NULL)
			return seen_incoming(ep, fl, pkt, err, errlen);
		break;
	case WIRE_MALFORMED:
		seen_malformed(ep, pkt);
		break;
	}
	return 0;
}

static int
drain(struct endpoint *ep, char *err, size_t errlen)
{
	struct wire_pkt pkt;
	char e[256];
	int rc;

	while ((rc = wire_read(ep->w, &pkt, e, sizeof e)) == 1)
		if (seen_packet(ep, &pkt, err, errlen) == -1)
			return -1;
	if (rc == -1) {
		snprintf(err, errlen, "capture on %s: %s", ep->cfg.ifname ?
		    ep->cfg.ifname : "any", e);
		return -1;
	}
	return 0;
}

/* ---- The loop ---- */

static int
timers(struct endpoint *ep, int64_t now, int64_t *next, char *err,
    size_t errlen)
{
	size_t i;
	int64_t t;

	*next = wire_next_expiry(ep->w);
	for (i = 0; i < ep->nflows && !ep->settling; i++) {
		struct ep_flow *fl = ep->flows[i];

		if (flow_next_timeout(&fl->tcb) <= now) {
			flow_on_timer(&fl->tcb, now, &ep->out);
			ep->in_timer = true;
			if (out_handle(ep, fl, false, err, errlen) == -1) {
				ep->in_timer = false;
				return -1;
			}
			ep->in_timer = false;
		}
		if ((t = flow_next_timeout(&fl->tcb)) < *next)
			*next = t;
	}
	return 0;
}

static void
hold_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, old);
}

static enum ep_status
run_loop(struct endpoint *ep, int64_t deadline, bool (*done)(void *),
    void *arg, const sigset_t *mask, char *err, size_t errlen)
{
	int64_t now, next;

	for (;;) {
		if (drain(ep, err, errlen) == -1)
			return EP_ERROR;
		now = endpoint_now(ep);
		if (timers(ep, now, &next, err, errlen) == -1)
			return EP_ERROR;
		queue_expire(ep, now);
		if (done != NULL && done(arg))
			return EP_DONE;
		if (ep->cfg.stop != NULL && *ep->cfg.stop)
			return EP_STOPPED;
		if (now >= deadline)
			return EP_DEADLINE;
		if (deadline < next)
			next = deadline;
		status_tick();
		if (wire_wait(ep->w, status_sleep_ns(next - now), mask, err,
		    errlen) == -1)
			return EP_ERROR;
	}
}

enum ep_status
endpoint_run(struct endpoint *ep, int64_t deadline, bool (*done)(void *),
    void *arg, char *err, size_t errlen)
{
	sigset_t old;
	enum ep_status st;

	if (ep->cfg.stop == NULL)
		return run_loop(ep, deadline, done, arg, NULL, err, errlen);
	hold_signals(&old);
	st = run_loop(ep, deadline, done, arg, &old, err, errlen);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return st;
}

/* ---- What the caller reads ---- */

const struct flow *
ep_flow_tcb(const struct ep_flow *fl)
{
	return &fl->tcb;
}

const uint8_t *
ep_flow_received(const struct ep_flow *fl, size_t *len)
{
	*len = fl->rcv_len;
	return fl->rcv;
}

uint64_t
ep_flow_received_after_fin(const struct ep_flow *fl)
{
	return fl->rcv_after_fin;
}

int64_t
ep_flow_hs_rtt(const struct ep_flow *fl)
{
	return fl->hs_rtt_ns >= 0 ? fl->hs_rtt_ns : fl->tcb.hs_rtt_ns;
}

uint64_t
ep_flow_foreign(const struct ep_flow *fl)
{
	return fl->foreign;
}

