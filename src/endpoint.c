/* SPDX-License-Identifier: GPL-2.0-or-later */
/* endpoint.c: flows driven over the wire (wire.c): their segments sent and
 * seen with the kernel's stamps, their timers, and the events in order. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "endpoint.h"
#include "seqspace.h"
#include "session.h"
#include "wire.h"
#include "xmalloc.h"

struct ep_flow {
	struct flow	 tcb;
	struct conn	*conn;		/* its 4-tuple in the session */
	struct endpoint	*ep;
	uint8_t		*rcv;		/* bytes delivered in order */
	size_t		 rcv_len;
	size_t		 rcv_cap;
	uint64_t	 rcv_after_fin;
	int64_t		 hs_rtt_ns;
};

struct endpoint {
	struct endpoint_config cfg;
	struct session	*s;
	struct ep_flow	**flows;
	size_t		 nflows;
	struct flow_out	 out;
	bool		 in_timer;	/* handling a flow's timer */
};

static int64_t
endpoint_now(const struct endpoint *ep)
{
	return session_now(ep->s);
}

/* The numbers the session's events show follow the TCB's ISNs. */
static void
flow_sync_space(struct ep_flow *fl)
{
	seqspace_set(&fl->conn->ss, SEQ_LOCAL, fl->tcb.iss);
	if (fl->tcb.have_irs)
		seqspace_set(&fl->conn->ss, SEQ_REMOTE, fl->tcb.irs);
}

/* ---- What a flow produced ---- */

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

/* One item as events; FLOW_SEND goes on the wire. */
static int
item_handle(struct endpoint *ep, struct ep_flow *fl,
    const struct flow_item *it, char *err, size_t errlen)
{
	struct session *s = ep->s;

	switch (it->type) {
	case FLOW_SEND:
		flow_sync_space(fl);
		return session_send(s, fl->conn, &it->seg, err, errlen);
	case FLOW_STATE:
		session_state(s, DIR_NONE, flow_state_name(it->to),
		    ep->in_timer);
		if (ep->cfg.state_causes && it->text[0] != '\0')
			session_note(s, "%s -> %s: %s",
			    flow_state_name(it->from), flow_state_name(it->to),
			    it->text);
		return 0;
	case FLOW_NOTE:
		session_note(s, "%s", it->text);
		return 0;
	case FLOW_DATA:
		rcv_append(fl, it->data, it->len);
		session_note(s, "%" PRIu32 " byte%s delivered in order%s (%zu "
		    "in all)", it->len, it->len == 1 ? "" : "s",
		    it->from_hold ? " from the out-of-order hold" : "",
		    fl->rcv_len);
		return 0;
	case FLOW_HELD:
		session_note(s, "%" PRIu32 " byte%s held out of order at seq %"
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
	flow_sync_space(fl);
	session_flush(ep->s);
	return rc;
}

/* ---- The session's calls into a flow ---- */

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

/* The target's segment, its event queued: what the flow makes of it. */
static void
flow_arrived(void *drv, struct conn *c, const struct wire_pkt *pkt,
    int64_t *rtt_ns)
{
	struct ep_flow *fl = drv;
	enum flow_state before = fl->tcb.state;

	flow_input(&fl->tcb, &pkt->d.seg, pkt->t_ns, &fl->ep->out);
	flow_sync_space(fl);
	if (is_hs_answer(fl, before, &pkt->d.seg)) {
		fl->hs_rtt_ns = c->syn_seen ?
		    timespec_diff_ns(&pkt->ts, &c->syn_ts) : fl->tcb.hs_rtt_ns;
		*rtt_ns = fl->hs_rtt_ns;
	}
}

/* Then its answer, and the states and notes it made. */
static int
flow_react(void *drv, struct conn *c, char *err, size_t errlen)
{
	struct ep_flow *fl = drv;

	(void)c;
	return out_handle(fl->ep, fl, false, err, errlen);
}

static int64_t
flow_timer_at(void *drv, struct conn *c)
{
	struct ep_flow *fl = drv;

	(void)c;
	return flow_next_timeout(&fl->tcb);
}

static int
flow_timer(void *drv, struct conn *c, int64_t now, char *err, size_t errlen)
{
	struct ep_flow *fl = drv;
	int rc;

	(void)c;
	flow_on_timer(&fl->tcb, now, &fl->ep->out);
	fl->ep->in_timer = true;
	rc = out_handle(fl->ep, fl, false, err, errlen);
	fl->ep->in_timer = false;
	return rc;
}

static const struct conn_ops flow_conn_ops = {
	.arrived = flow_arrived,
	.react = flow_react,
	.next_timer = flow_timer_at,
	.on_timer = flow_timer,
};

/* ---- Opening and closing ---- */

struct endpoint *
endpoint_new(struct session *s, const struct endpoint_config *cfg)
{
	struct endpoint *ep = xcalloc(1, sizeof *ep);

	ep->cfg = *cfg;
	ep->s = s;
	flow_out_init(&ep->out);
	return ep;
}

void
endpoint_free(struct endpoint *ep)
{
	size_t i;

	if (ep == NULL)
		return;
	for (i = 0; i < ep->nflows; i++) {
		flow_free(&ep->flows[i]->tcb);
		free(ep->flows[i]->rcv);
		free(ep->flows[i]);
	}
	free(ep->flows);
	flow_out_free(&ep->out);
	free(ep);
}

struct ep_flow *
endpoint_add_flow(struct endpoint *ep, const struct flow_config *cfg,
    char *err, size_t errlen)
{
	struct ep_flow *fl;
	struct flow_config c = *cfg;
	const struct wire_config *wc = wire_config(session_wire(ep->s));

	c.local = wc->local;
	c.remote = wc->remote;
	c.abs_numbers = ep->cfg.absolute;
	fl = xcalloc(1, sizeof *fl);
	fl->ep = ep;
	fl->hs_rtt_ns = -1;
	if ((fl->conn = session_add_conn(ep->s, c.lport, c.rport, false,
	    &flow_conn_ops, fl, err, errlen)) == NULL) {
		free(fl);
		return NULL;
	}
	flow_init(&fl->tcb, &c);
	flow_sync_space(fl);
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
	fl->conn->syn_seen = false;
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
	return fl->conn->foreign;
}

