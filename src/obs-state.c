/* SPDX-License-Identifier: GPL-2.0-or-later */
/* obs-state.c: the TCB of a flow that has none (typed in the shell, run
 * by a scenario), as its segments show it: RFC 9293 state, snd.una/nxt,
 * rcv.nxt, windows, the options each SYN offered. It sends nothing. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "fmt.h"
#include "obs-state.h"
#include "xmalloc.h"

struct obs_flow {
	uint16_t	 lport;
	enum flow_state	 state;
	bool		 have_snd, have_rcv;
	uint32_t	 snd_una, snd_nxt, rcv_nxt;	/* relative */
	uint32_t	 snd_wnd, rcv_wnd;	/* fields as sent, unscaled */
	bool		 syn_sent, fin_sent, fin_rcvd;
	uint32_t	 syn_seq, fin_seq;	/* our SYN's, our FIN's */
	char		 our_opts[128], their_opts[128];
	/* The states one segment went through, in order (a FIN that also
	 * acks ours: FIN_WAIT_2, then TIME_WAIT). */
	enum flow_state	 to[OBS_CHANGES_MAX];
	size_t		 nto;
};

struct obs_state {
	struct obs_flow	*v;
	size_t		 n;
};

struct obs_state *
obs_state_new(void)
{
	return xcalloc(1, sizeof(struct obs_state));
}

void
obs_state_free(struct obs_state *o)
{
	if (o == NULL)
		return;
	free(o->v);
	free(o);
}

static struct obs_flow *
obs_find(const struct obs_state *o, uint16_t lport)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (o->v[i].lport == lport)
			return &o->v[i];
	return NULL;
}

static bool
after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static void
obs_opts(const struct segment *s, char *buf, size_t len)
{
	char *t = segment_format_opts(s);

	snprintf(buf, len, "%s", s->nopts > 0 ? t : "<no options>");
	free(t);
}

static void
obs_set(struct obs_flow *f, enum flow_state to)
{
	if (to == f->state)
		return;
	f->state = to;
	if (f->nto < OBS_CHANGES_MAX)
		f->to[f->nto++] = to;
}

/* Ours going out. */
static void
obs_out(struct obs_flow *f, const struct segment *s)
{
	uint32_t end = s->seq + segment_seqlen(s);

	if (s->flags & TH_RST_) {
		obs_set(f, FLOW_CLOSED);
		return;
	}
	if (!f->have_snd || after(end, f->snd_nxt))
		f->snd_nxt = end;
	if (!f->have_snd)
		f->snd_una = s->seq;
	f->have_snd = true;
	f->rcv_wnd = s->win;
	if (s->flags & TH_SYN_) {
		obs_opts(s, f->our_opts, sizeof f->our_opts);
		f->syn_sent = true;
		f->syn_seq = s->seq;
		/* A SYN-ACK with no SYN seen before it: a passive open whose
		 * SYN came before we looked. */
		if (f->state == FLOW_CLOSED)
			obs_set(f, (s->flags & TH_ACK_) ? FLOW_SYN_RECEIVED :
			    FLOW_SYN_SENT);
	}
	if ((s->flags & TH_FIN_) && !f->fin_sent) {
		f->fin_sent = true;
		f->fin_seq = end - 1;
		obs_set(f, f->state == FLOW_CLOSE_WAIT ? FLOW_LAST_ACK :
		    FLOW_FIN_WAIT_1);
	}
}

/* The target's coming in. */
static void
obs_in(struct obs_flow *f, const struct segment *s)
{
	uint32_t end = s->seq + segment_seqlen(s);
	bool fin_acked;

	if (s->flags & TH_RST_) {
		obs_set(f, FLOW_CLOSED);
		return;
	}
	if (!f->have_rcv || after(end, f->rcv_nxt))
		f->rcv_nxt = end;
	f->have_rcv = true;
	f->snd_wnd = s->win;
	if ((s->flags & TH_ACK_) && after(s->ack, f->snd_una))
		f->snd_una = s->ack;
	if (s->flags & TH_SYN_) {
		obs_opts(s, f->their_opts, sizeof f->their_opts);
		if (f->state == FLOW_SYN_SENT && (s->flags & TH_ACK_))
			obs_set(f, FLOW_ESTABLISHED);
		/* A simultaneous open. (A SYN in CLOSED changes nothing
		 * the segments show: LISTEN is not seen; the SYN-ACK that
		 * answers it is SYN_RECEIVED, a RST leaves it CLOSED.) */
		else if (!(s->flags & TH_ACK_) && f->state == FLOW_SYN_SENT)
			obs_set(f, FLOW_SYN_RECEIVED);
	}
	if (f->state == FLOW_SYN_RECEIVED && (s->flags & TH_ACK_) &&
	    f->syn_sent && after(s->ack, f->syn_seq))
		obs_set(f, FLOW_ESTABLISHED);
	fin_acked = f->fin_sent && (s->flags & TH_ACK_) &&
	    after(s->ack, f->fin_seq);
	if (fin_acked && f->state == FLOW_FIN_WAIT_1)
		obs_set(f, FLOW_FIN_WAIT_2);
	else if (fin_acked && f->state == FLOW_CLOSING)
		obs_set(f, FLOW_TIME_WAIT);
	else if (fin_acked && f->state == FLOW_LAST_ACK)
		obs_set(f, FLOW_CLOSED);
	if ((s->flags & TH_FIN_) && !f->fin_rcvd) {
		f->fin_rcvd = true;
		if (f->state == FLOW_ESTABLISHED)
			obs_set(f, FLOW_CLOSE_WAIT);
		else if (f->state == FLOW_FIN_WAIT_1)
			obs_set(f, FLOW_CLOSING);
		else if (f->state == FLOW_FIN_WAIT_2)
			obs_set(f, FLOW_TIME_WAIT);
	}
}

size_t
obs_state_segment(struct obs_state *o, uint16_t lport,
    const struct event *ev, const char *to[OBS_CHANGES_MAX])
{
	struct obs_flow *f = obs_find(o, lport);
	struct segment s;
	size_t i;

	if (f == NULL) {
		o->v = xreallocarray(o->v, o->n + 1, sizeof *o->v);
		f = &o->v[o->n++];
		memset(f, 0, sizeof *f);
		f->lport = lport;
	}
	f->nto = 0;
	fmt_view_segment(ev, &s);
	if (ev->dir == DIR_TO_TARGET)
		obs_out(f, &s);
	else
		obs_in(f, &s);
	for (i = 0; i < f->nto; i++)
		to[i] = flow_state_name(f->to[i]);
	return f->nto;
}

size_t
obs_state_event(struct obs_state *o, const struct event *ev,
    const char *to[OBS_CHANGES_MAX])
{
	if (ev->type != EV_SEGMENT || ev->seg == NULL || ev->dir == DIR_NONE)
		return 0;
	return obs_state_segment(o, ev->dir == DIR_FROM_TARGET ?
	    ev->seg->dport : ev->seg->sport, ev, to);
}

void
obs_state_emit(const struct event *cause, const char *const *to, size_t n,
    void (*emit)(void *, const struct event *), void *arg)
{
	obs_state_emit_side(cause, to, n, DIR_NONE, emit, arg);
}

void
obs_state_emit_side(const struct event *cause, const char *const *to,
    size_t n, enum event_dir side, void (*emit)(void *, const struct event *),
    void *arg)
{
	struct event st;
	size_t i;

	for (i = 0; i < n; i++) {
		event_init(&st, EV_STATE);
		st.dir = side;
		st.t_ns = cause->t_ns;
		st.ts = cause->ts;
		st.text = to[i];
		emit(arg, &st);
	}
}

int
obs_state_show(const struct obs_state *o, uint16_t lport, FILE *out)
{
	const struct obs_flow *f = obs_find(o, lport);

	if (f == NULL)
		return -1;
	fprintf(out, "  state %s (as its segments show it)\n",
	    flow_state_name(f->state));
	fprintf(out, "  snd.una %" PRIu32 "  snd.nxt %" PRIu32 "  rcv.nxt %"
	    PRIu32 "  (relative)\n", f->snd_una, f->snd_nxt, f->rcv_nxt);
	fprintf(out, "  snd.wnd %" PRIu32 " (the target's last win)  rcv.wnd %"
	    PRIu32 " (our last win)\n", f->snd_wnd, f->rcv_wnd);
	fprintf(out, "  our SYN %s\n  the target's SYN %s\n",
	    f->our_opts[0] ? f->our_opts : "(none sent)",
	    f->their_opts[0] ? f->their_opts : "(none seen)");
	return 0;
}

bool
obs_state_known(const struct obs_state *o, uint16_t lport)
{
	const struct obs_flow *f = obs_find(o, lport);

	return f != NULL && f->have_snd;
}

int
obs_state_next(const struct obs_state *o, uint16_t lport, uint32_t *snd_nxt,
    uint32_t *rcv_nxt, uint32_t *rcv_wnd)
{
	const struct obs_flow *f = obs_find(o, lport);

	if (f == NULL || !f->have_snd)
		return -1;
	*snd_nxt = f->snd_nxt;
	*rcv_nxt = f->rcv_nxt;
	*rcv_wnd = f->rcv_wnd;
	return 0;
}
