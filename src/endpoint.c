/* endpoint.c: flows driven over the wire: raw sends, a capture giving the
 * kernel's stamps both ways, the guard, timers, and the events in order. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "craft.h"
#include "decode.h"
#include "endpoint.h"
#include "guard.h"
#include "sniff.h"
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
	int64_t		 sent_at;	/* user-space clock at sending */
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

/* Sent segments given the user-space time: if the capture shows them
 * later, they are not mistaken for someone else's. */
#define LATE_KEYS	16

struct endpoint {
	struct endpoint_config cfg;
	struct sniff	*sn;
	int		 linktype;
	struct craft	*cr;
	struct guard	*gd;
	struct timespec	 start_rt;	/* pcap stamps are realtime */
	int64_t		 start_mono;
	struct ep_flow	**flows;
	size_t		 nflows;
	struct pend	*q;
	size_t		 qn;
	size_t		 qcap;
	struct flow_out	 out;
	bool		 fallback_said;
	struct segment	 late[LATE_KEYS];	/* keys only: no payload */
	bool		 late_used[LATE_KEYS];
	size_t		 nlate;
	bool		 settling;	/* endpoint_close: no timers */
	int64_t		 last_t;	/* of the last event emitted */
};

int64_t
endpoint_now(const struct endpoint *ep)
{
	return mono_ns() - ep->start_mono;
}

/* The realtime stamp of run time t, for events without a kernel stamp. */
static struct timespec
run_to_realtime(const struct endpoint *ep, int64_t t)
{
	struct timespec ts = ep->start_rt;
	int64_t ns = ts.tv_nsec + t % 1000000000;

	ts.tv_sec += t / 1000000000 + ns / 1000000000;
	ts.tv_nsec = ns % 1000000000;
	if (ts.tv_nsec < 0) {
		ts.tv_nsec += 1000000000;
		ts.tv_sec--;
	}
	return ts;
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
	p->ev.ts = run_to_realtime(ep, p->ev.t_ns);
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
		p->ev.ts = run_to_realtime(ep, ep->last_t);
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

static void
late_remember(struct endpoint *ep, const struct segment *s)
{
	struct segment *k = &ep->late[ep->nlate % LATE_KEYS];

	ep->late_used[ep->nlate++ % LATE_KEYS] = false;
	segment_init(k);
	k->sport = s->sport;
	k->dport = s->dport;
	k->seq = s->seq;
	k->ack = s->ack;
	k->flags = s->flags;
	k->len = s->len;
	k->win = s->win;
}

/* Sent segments the capture did not show in time: their time is the
 * user-space clock's, and the reader is told so once. */
static void
queue_expire(struct endpoint *ep, int64_t now)
{
	int64_t bound = ep->cfg.sent_wait_ns;
	size_t i;
	bool any = false;

	for (i = 0; i < ep->qn; i++) {
		struct pend *p = &ep->q[i];

		if (!p->waiting || (now >= 0 && now - p->sent_at < bound))
			continue;
		p->waiting = false;
		late_remember(ep, &p->seg);
		any = true;
	}
	if (any && !ep->fallback_said) {
		struct pend *p;

		ep->fallback_said = true;
		/* The note goes after what it is about. */
		p = pend_push(ep, EV_NOTE, DIR_NONE);
		pend_text(p, "a sent segment did not show in the capture on "
		    "%s within %.0f ms: its time is the user-space clock's, "
		    "not the kernel's", ep->cfg.ifname ? ep->cfg.ifname :
		    "any", (double)bound / 1e6);
	}
	queue_flush(ep);
}

/* Earliest time a waiting segment gives up on the capture. */
static int64_t
queue_next_expiry(const struct endpoint *ep)
{
	size_t i;

	for (i = 0; i < ep->qn; i++)
		if (ep->q[i].waiting)
			return ep->q[i].sent_at + ep->cfg.sent_wait_ns;
	return FLOW_NO_TIMEOUT;
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

static void
bases_ours(const struct ep_flow *fl, struct event *ev)
{
	ev->seq_base = fl->tcb.iss;
	ev->ack_base = fl->tcb.have_irs ? fl->tcb.irs : 0;
}

static void
bases_theirs(const struct ep_flow *fl, struct event *ev)
{
	ev->seq_base = fl->tcb.have_irs ? fl->tcb.irs : 0;
	ev->ack_base = fl->tcb.iss;
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
	if (craft_send(ep->cr, seg, &bytes, &len, err, errlen) == -1)
		return -1;
	p = pend_push(ep, EV_SEGMENT, DIR_TO_TARGET);
	segment_copy(&p->seg, seg);
	p->has_seg = true;
	pend_set_ip(p, bytes, len);
	bases_ours(fl, &p->ev);
	p->fl = fl;
	p->waiting = true;
	p->sent_at = p->ev.t_ns;
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

static char *
capture_filter(const struct endpoint_config *c)
{
	char l[64], r[64], *f;
	bool v6 = c->local.family == AF_INET6;

	ipaddr_str(&c->local, l, sizeof l);
	ipaddr_str(&c->remote, r, sizeof r);
	if (c->lport != 0 && c->rport != 0)
		xasprintf(&f, "(tcp and host %s and host %s and port %u and "
		    "port %u) or (%s and dst host %s)", l, r, c->lport,
		    c->rport, v6 ? "icmp6" : "icmp", l);
	else
		xasprintf(&f, "(tcp and host %s and host %s) or (%s and dst "
		    "host %s)", l, r, v6 ? "icmp6" : "icmp", l);
	return f;
}

struct endpoint *
endpoint_open(const struct endpoint_config *cfg, char *err, size_t errlen)
{
	struct endpoint *ep = xcalloc(1, sizeof *ep);
	char *filter;

	ep->cfg = *cfg;
	if (ep->cfg.sent_wait_ns <= 0)
		ep->cfg.sent_wait_ns = ENDPOINT_SENT_WAIT_NS;
	if (cfg->local.family != cfg->remote.family) {
		snprintf(err, errlen, "local and remote addresses are of "
		    "different families");
		free(ep);
		return NULL;
	}
	flow_out_init(&ep->out);
	filter = capture_filter(cfg);
	ep->sn = sniff_open_live(cfg->ifname, filter, err, errlen);
	free(filter);
	if (ep->sn == NULL)
		goto fail;
	ep->linktype = sniff_linktype(ep->sn);
	if ((ep->cr = craft_open(cfg->local.family, CRAFT_WIRE, err,
	    errlen)) == NULL)
		goto fail;
	if (!cfg->no_guard && (ep->gd = guard_open(err, errlen)) == NULL)
		goto fail;
	clock_gettime(CLOCK_REALTIME, &ep->start_rt);
	ep->start_mono = mono_ns();
	return ep;
fail:
	endpoint_close(ep);
	return NULL;
}

static bool
nothing_waiting(void *arg)
{
	const struct endpoint *ep = arg;
	size_t i;

	for (i = 0; i < ep->qn; i++)
		if (ep->q[i].waiting)
			return false;
	return true;
}

void
endpoint_settle(struct endpoint *ep)
{
	volatile sig_atomic_t *stop = ep->cfg.stop;
	char err[256];

	if (ep->sn != NULL && !nothing_waiting(ep)) {
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
	guard_close(ep->gd);
	craft_close(ep->cr);
	sniff_close(ep->sn);
	for (i = 0; i < ep->nflows; i++) {
		flow_free(&ep->flows[i]->tcb);
		free(ep->flows[i]->rcv);
		free(ep->flows[i]);
	}
	free(ep->flows);
	flow_out_free(&ep->out);
	free(ep);
}

const char *
endpoint_guard_table(const struct endpoint *ep)
{
	return ep->gd != NULL ? guard_table(ep->gd) : NULL;
}

unsigned
endpoint_drops(const struct endpoint *ep)
{
	return ep->sn != NULL ? sniff_drops(ep->sn) : 0;
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
	if (ep->gd != NULL) {
		if (guard_add_flow(ep->gd, &c.local, c.lport, &c.remote,
		    c.rport, err, errlen) == -1) {
			flow_free(&fl->tcb);
			free(fl);
			return NULL;
		}
		fl->guarded = true;
	}
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

static bool
same_key(const struct segment *a, const struct segment *b)
{
	return a->sport == b->sport && a->dport == b->dport &&
	    a->seq == b->seq && a->flags == b->flags && a->len == b->len &&
	    a->win == b->win && (!(a->flags & TH_ACK_) || a->ack == b->ack);
}

/* The first segment of ours still waiting that this capture is. */
static struct pend *
match_sent(struct endpoint *ep, const struct segment *seg)
{
	size_t i;

	for (i = 0; i < ep->qn; i++)
		if (ep->q[i].waiting && same_key(&ep->q[i].seg, seg))
			return &ep->q[i];
	return NULL;
}

static bool
match_late(struct endpoint *ep, const struct segment *seg)
{
	size_t i, n = ep->nlate < LATE_KEYS ? ep->nlate : LATE_KEYS;

	for (i = 0; i < n; i++)
		if (!ep->late_used[i] && same_key(&ep->late[i], seg)) {
			ep->late_used[i] = true;
			return true;
		}
	return false;
}

static void
fill_from_capture(struct endpoint *ep, struct pend *p,
    const struct decoded *d, const struct sniff_pkt *pkt)
{
	segment_clear(&p->seg);
	segment_copy(&p->seg, &d->seg);
	p->has_seg = true;
	pend_set_ip(p, d->ip, d->iplen);
	p->ev.ts = pkt->ts;
	p->ev.t_ns = timespec_diff_ns(&pkt->ts, &ep->start_rt);
}

/* One of ours leaving: it gives its pending SENT the kernel's stamp. */
static void
seen_outgoing(struct endpoint *ep, struct ep_flow *fl,
    const struct decoded *d, const struct sniff_pkt *pkt)
{
	struct pend *p;

	if ((p = match_sent(ep, &d->seg)) != NULL) {
		fill_from_capture(ep, p, d, pkt);
		p->waiting = false;
		if ((d->seg.flags & (TH_SYN_ | TH_ACK_)) == TH_SYN_) {
			fl->syn_seen = true;
			fl->syn_ts = pkt->ts;
		}
		queue_flush(ep);
		return;
	}
	if (match_late(ep, &d->seg))
		return;
	fl->foreign++;
	p = pend_push(ep, EV_SEGMENT, DIR_TO_TARGET);
	fill_from_capture(ep, p, d, pkt);
	bases_ours(fl, &p->ev);
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
    const struct decoded *d, const struct sniff_pkt *pkt, char *err,
    size_t errlen)
{
	enum flow_state before = fl->tcb.state;
	struct pend *p = pend_push(ep, EV_SEGMENT, DIR_FROM_TARGET);
	size_t at = ep->qn - 1;
	int64_t now = timespec_diff_ns(&pkt->ts, &ep->start_rt);

	fill_from_capture(ep, p, d, pkt);
	flow_input(&fl->tcb, &d->seg, now, &ep->out);
	p = &ep->q[at];		/* flow_input may not push, but be sure */
	bases_theirs(fl, &p->ev);
	if (is_hs_answer(fl, before, &d->seg)) {
		fl->hs_rtt_ns = fl->syn_seen ?
		    timespec_diff_ns(&pkt->ts, &fl->syn_ts) : fl->tcb.hs_rtt_ns;
		p->ev.rtt_ns = fl->hs_rtt_ns;
	}
	return out_handle(ep, fl, false, err, errlen);
}

static void
seen_icmp(struct endpoint *ep, struct ep_flow *fl, const struct decoded *d,
    const struct sniff_pkt *pkt)
{
	struct pend *p = pend_push(ep, EV_ICMP, DIR_FROM_TARGET);

	fill_from_capture(ep, p, d, pkt);
	bases_ours(fl, &p->ev);
	p->ev.icmp_type = d->icmp_type;
	p->ev.icmp_code = d->icmp_code;
	p->icmp_from = d->icmp_from;
	queue_flush(ep);
}

static void
seen_malformed(struct endpoint *ep, const struct sniff_pkt *pkt,
    enum decode_status st, const char *detail)
{
	struct pend *p = pend_push(ep, EV_MALFORMED, DIR_NONE);

	p->ev.ts = pkt->ts;
	p->ev.t_ns = timespec_diff_ns(&pkt->ts, &ep->start_rt);
	pend_text(p, "%s%s%s", decode_strerror(st), detail[0] ? ": " : "",
	    detail);
	queue_flush(ep);
}

static int
seen_packet(struct endpoint *ep, const struct sniff_pkt *pkt, char *err,
    size_t errlen)
{
	struct decoded d;
	struct ep_flow *fl;
	const struct segment *s = &d.seg;
	enum decode_status st;
	char detail[160] = "";
	int rc = 0;

	memset(&d, 0, sizeof d);
	st = decode_frame(ep->linktype, pkt->data, pkt->caplen, &d, detail,
	    sizeof detail);
	if (st != DEC_OK) {
		if (!decode_is_skip(st))
			seen_malformed(ep, pkt, st, detail);
		return 0;
	}
	if (d.kind == DK_ICMP) {
		if (ipaddr_eq(&s->src, &ep->cfg.local) &&
		    (fl = flow_by_ports(ep, s->sport, s->dport)) != NULL)
			seen_icmp(ep, fl, &d, pkt);
	} else if (ipaddr_eq(&s->src, &ep->cfg.local) &&
	    ipaddr_eq(&s->dst, &ep->cfg.remote)) {
		if ((fl = flow_by_ports(ep, s->sport, s->dport)) != NULL)
			seen_outgoing(ep, fl, &d, pkt);
	} else if (ipaddr_eq(&s->src, &ep->cfg.remote) &&
	    ipaddr_eq(&s->dst, &ep->cfg.local)) {
		if ((fl = flow_by_ports(ep, s->dport, s->sport)) != NULL)
			rc = seen_incoming(ep, fl, &d, pkt, err, errlen);
	}
	segment_clear(&d.seg);
	return rc;
}

static int
drain(struct endpoint *ep, char *err, size_t errlen)
{
	struct sniff_pkt pkt;
	char e[256];
	int rc;

	while ((rc = sniff_next(ep->sn, &pkt, e, sizeof e)) == 1)
		if (seen_packet(ep, &pkt, err, errlen) == -1)
			return -1;
	if (rc == -2) {
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

	*next = queue_next_expiry(ep);
	for (i = 0; i < ep->nflows && !ep->settling; i++) {
		struct ep_flow *fl = ep->flows[i];

		if (flow_next_timeout(&fl->tcb) <= now) {
			flow_on_timer(&fl->tcb, now, &ep->out);
			if (out_handle(ep, fl, false, err, errlen) == -1)
				return -1;
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

static int
wait_fd(struct endpoint *ep, int64_t ns, const sigset_t *mask, char *err,
    size_t errlen)
{
	struct pollfd pfd = { .fd = sniff_fd(ep->sn), .events = POLLIN };
	struct timespec tmo;

	if (ns < 0)
		ns = 0;
	tmo.tv_sec = ns / 1000000000;
	tmo.tv_nsec = ns % 1000000000;
	if (ppoll(&pfd, 1, &tmo, mask) == -1 && errno != EINTR) {
		snprintf(err, errlen, "poll on the capture: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
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
		if (wait_fd(ep, next - now, mask, err, errlen) == -1)
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

bool
ep_flow_settled(const struct endpoint *ep, const struct ep_flow *fl)
{
	size_t i;

	for (i = 0; i < ep->qn; i++)
		if (ep->q[i].waiting && ep->q[i].fl == fl)
			return false;
	return true;
}
