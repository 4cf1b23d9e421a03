/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flow.c: the prober's TCB and the RFC 9293 state machine: user calls,
 * retransmission and TIME_WAIT, with no I/O and no clock (segment arrival:
 * flow-input.c; what the two share: flow-int.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow-int.h"
#include "flow.h"
#include "xmalloc.h"

static const char *const state_names[] = {
	[FLOW_CLOSED] = "CLOSED",
	[FLOW_LISTEN] = "LISTEN",
	[FLOW_SYN_SENT] = "SYN_SENT",
	[FLOW_SYN_RECEIVED] = "SYN_RECEIVED",
	[FLOW_ESTABLISHED] = "ESTABLISHED",
	[FLOW_FIN_WAIT_1] = "FIN_WAIT_1",
	[FLOW_FIN_WAIT_2] = "FIN_WAIT_2",
	[FLOW_CLOSING] = "CLOSING",
	[FLOW_TIME_WAIT] = "TIME_WAIT",
	[FLOW_CLOSE_WAIT] = "CLOSE_WAIT",
	[FLOW_LAST_ACK] = "LAST_ACK",
};

static const char *const end_names[] = {
	[FLOW_END_NONE] = "open",
	[FLOW_END_CLOSED] = "closed",
	[FLOW_END_RESET] = "reset by peer",
	[FLOW_END_REFUSED] = "refused",
	[FLOW_END_ABORTED] = "aborted",
	[FLOW_END_TIMEOUT] = "timed out",
};

const char *
flow_state_name(enum flow_state s)
{
	if ((size_t)s >= sizeof state_names / sizeof state_names[0])
		return "?";
	return state_names[s];
}

const char *
flow_end_name(enum flow_end e)
{
	if ((size_t)e >= sizeof end_names / sizeof end_names[0])
		return "?";
	return end_names[e];
}

void
flow_config_init(struct flow_config *c)
{
	memset(c, 0, sizeof *c);
	c->rcv_wnd = 65535;
	c->mss = 1460;
	c->wscale = -1;
	c->rto_ns = FLOW_DEFAULT_RTO_NS;
	c->retries = FLOW_DEFAULT_RETRIES;
	c->max_held_ranges = REASM_DEFAULT_RANGES;
}

/* ---- What a call produced ---- */

void
flow_out_init(struct flow_out *out)
{
	memset(out, 0, sizeof *out);
}

void
flow_out_reset(struct flow_out *out)
{
	size_t i;

	for (i = 0; i < out->n; i++) {
		segment_clear(&out->item[i].seg);
		free(out->item[i].data);
	}
	out->n = 0;
}

void
flow_out_free(struct flow_out *out)
{
	flow_out_reset(out);
	free(out->item);
	flow_out_init(out);
}

size_t
flow_out_count(const struct flow_out *out, enum flow_item_type type)
{
	size_t i, n = 0;

	for (i = 0; i < out->n; i++)
		if (out->item[i].type == type)
			n++;
	return n;
}

const struct segment *
flow_out_seg(const struct flow_out *out, size_t k)
{
	size_t i;

	for (i = 0; i < out->n; i++)
		if (out->item[i].type == FLOW_SEND && k-- == 0)
			return &out->item[i].seg;
	return NULL;
}

const struct flow_item *
flow_out_note(const struct flow_out *out, enum flow_note note)
{
	size_t i;

	for (i = 0; i < out->n; i++)
		if (out->item[i].type == FLOW_NOTE && out->item[i].note == note)
			return &out->item[i];
	return NULL;
}

struct flow_item *
flow_out_push(struct flow_out *out, enum flow_item_type type)
{
	struct flow_item *it;

	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 8;
		out->item = xreallocarray(out->item, out->cap, sizeof *it);
	}
	it = &out->item[out->n++];
	memset(it, 0, sizeof *it);
	it->type = type;
	return it;
}

struct flow_item *
flow_out_add_note(struct flow_out *out, enum flow_note note, const char *fmt, ...)
{
	struct flow_item *it = flow_out_push(out, FLOW_NOTE);
	va_list ap;

	it->note = note;
	va_start(ap, fmt);
	vsnprintf(it->text, sizeof it->text, fmt, ap);
	va_end(ap);
	return it;
}

void
flow_out_data(struct flow_out *out, uint32_t seq, const uint8_t *data,
    uint32_t len, bool from_hold)
{
	struct flow_item *it = flow_out_push(out, FLOW_DATA);

	it->seq = seq;
	it->len = len;
	it->from_hold = from_hold;
	it->data = memcpy(xmalloc(len), data, len);
}

/* ---- The TCB ---- */

uint32_t
flow_rel_snd(const struct flow *f, uint32_t seq)
{
	return seq - f->iss;
}

uint32_t
flow_rel_rcv(const struct flow *f, uint32_t seq)
{
	return f->have_irs ? seq - f->irs : seq;
}

/* Numbers in notes: relative unless the configuration asks otherwise. */
uint32_t
flow_nsnd(const struct flow *f, uint32_t seq)
{
	return f->cfg.abs_numbers ? seq : flow_rel_snd(f, seq);
}

uint32_t
flow_nrcv(const struct flow *f, uint32_t seq)
{
	return f->cfg.abs_numbers ? seq : flow_rel_rcv(f, seq);
}

double
flow_secs(int64_t ns)
{
	return (double)ns / 1e9;
}

/* Our receive window in bytes: what the field can say at our scale. */
uint32_t
flow_window_bytes(const struct flow *f)
{
	uint32_t w = f->cfg.rcv_wnd, max = 65535u << f->rcv_wscale;

	if (w > max)
		w = max;
	return (w >> f->rcv_wscale) << f->rcv_wscale;
}

/* Everything a connection learns, back to what a fresh open starts from. */
void
flow_reset_tcb(struct flow *f)
{
	struct flow_config cfg = f->cfg;

	reasm_free(&f->held);
	free(f->sndbuf);
	memset(f, 0, sizeof *f);
	f->cfg = cfg;
	f->state = FLOW_CLOSED;
	f->iss = cfg.iss;
	f->snd_una = f->snd_nxt = cfg.iss;
	f->sndbuf_seq = cfg.iss + 1;
	f->snd_mss = DEFAULT_MSS4;
	f->peer_wscale = -1;
	f->rcv_wnd = flow_window_bytes(f);
	f->rto = cfg.rto_ns;
	f->rtx_at = f->time_wait_at = FLOW_NO_TIMEOUT;
	f->hs_rtt_ns = -1;
	reasm_init(&f->held, cfg.max_held_ranges);
}

void
flow_init(struct flow *f, const struct flow_config *cfg)
{
	memset(f, 0, sizeof *f);
	f->cfg = *cfg;
	if (f->cfg.wscale > MAX_WSCALE)
		f->cfg.wscale = MAX_WSCALE;
	if (f->cfg.rto_ns <= 0)
		f->cfg.rto_ns = FLOW_DEFAULT_RTO_NS;
	if (f->cfg.retries < 0)
		f->cfg.retries = 0;
	reasm_init(&f->held, f->cfg.max_held_ranges);
	flow_reset_tcb(f);
}

void
flow_free(struct flow *f)
{
	reasm_free(&f->held);
	free(f->sndbuf);
	f->sndbuf = NULL;
	f->sndbuf_len = f->sndbuf_cap = 0;
}

void
flow_set_state(struct flow *f, enum flow_state to, const char *cause,
    struct flow_out *out)
{
	struct flow_item *it = flow_out_push(out, FLOW_STATE);

	it->from = f->state;
	it->to = to;
	snprintf(it->text, sizeof it->text, "%s", cause);
	f->state = to;
	if (to == FLOW_CLOSED || to == FLOW_LISTEN) {
		f->rtx_at = FLOW_NO_TIMEOUT;
		f->time_wait_at = FLOW_NO_TIMEOUT;
	}
}

bool
flow_fin_acked(const struct flow *f)
{
	return f->fin_sent && seq_gt(f->snd_una, f->fin_seq);
}

/* Where our sent payload ends: the FIN, once sent, is not payload. */
uint32_t
flow_data_sent_end(const struct flow *f)
{
	return f->fin_sent ? f->fin_seq : f->snd_nxt;
}

static uint32_t
unsent_bytes(const struct flow *f)
{
	uint32_t sent = flow_data_sent_end(f) - f->sndbuf_seq;

	return sent >= f->sndbuf_len ? 0 : f->sndbuf_len - sent;
}

/* ---- Timers ---- */

void
flow_rtx_arm(struct flow *f, int64_t now)
{
	f->rtx_at = now + f->rto;
	f->rtx_armed = now;
}

void
flow_rtx_stop(struct flow *f)
{
	f->rtx_at = FLOW_NO_TIMEOUT;
	f->rtx_count = 0;
	f->rto = f->cfg.rto_ns;
}

int64_t
flow_next_timeout(const struct flow *f)
{
	return f->rtx_at < f->time_wait_at ? f->rtx_at : f->time_wait_at;
}

/* ---- Building segments ---- */

static uint32_t
ts_val(const struct flow *f, int64_t now)
{
	return (uint32_t)(now / 1000000) + f->cfg.ts_offset;
}

static void
opt_put(struct segment *s, uint8_t kind, uint8_t len)
{
	struct tcp_option o;

	memset(&o, 0, sizeof o);
	o.kind = kind;
	o.len = len;
	segment_add_opt(s, &o);
	s->has |= SEG_HAS_OPTS;
}

static void
opt_nops(struct segment *s, int n)
{
	while (n-- > 0)
		opt_put(s, OPT_NOP, 0);
}

static void
opt_ts(struct segment *s, uint32_t val, uint32_t ecr)
{
	opt_put(s, OPT_TS, 10);
	s->opts[s->nopts - 1].u.ts.val = val;
	s->opts[s->nopts - 1].u.ts.ecr = ecr;
}

static uint16_t
win_field(const struct flow *f, uint8_t flags)
{
	uint32_t w;

	if (flags & TH_RST_)
		return 0;
	if (flags & TH_SYN_)	/* never scaled (RFC 7323 2.2) */
		w = f->cfg.rcv_wnd;
	else
		w = f->rcv_wnd >> f->rcv_wscale;
	return w > 65535 ? 65535 : (uint16_t)w;
}

/* A segment of the flow, appended to out; the caller adds data and SYN
 * options. Every non-SYN, non-RST segment carries TS when negotiated. */
static struct segment *
out_send(struct flow_out *out, struct flow *f, uint8_t flags, uint32_t seq,
    uint32_t ack, int64_t now)
{
	struct flow_item *it = flow_out_push(out, FLOW_SEND);
	struct segment *s = &it->seg;

	s->src = f->cfg.local;
	s->dst = f->cfg.remote;
	s->sport = f->cfg.lport;
	s->dport = f->cfg.rport;
	s->seq = seq;
	s->flags = flags;
	s->win = win_field(f, flags);
	s->has = SEG_HAS_PORTS | SEG_HAS_WIN;
	if (flags & TH_ACK_) {
		s->ack = ack;
		s->has |= SEG_HAS_ACK;
		f->last_ack_sent = ack;
	}
	if (f->ts_ok && !(flags & (TH_SYN_ | TH_RST_))) {
		opt_nops(s, 2);
		opt_ts(s, ts_val(f, now), f->ts_recent);
	}
	return s;
}

static void
item_rtx(struct flow_out *out, int rtx, int64_t interval)
{
	out->item[out->n - 1].rtx = rtx;
	out->item[out->n - 1].interval_ns = interval;
}

/* SYN or SYN-ACK options, in the order Linux sends them. A SYN-ACK only
 * carries what the peer's SYN offered (RFC 7323, RFC 2018). */
static void
add_syn_opts(const struct flow *f, struct segment *s, bool synack,
    int64_t now)
{
	bool ws = f->cfg.wscale >= 0 && (!synack || f->peer_wscale >= 0);
	bool sack = f->cfg.sackok && (!synack || f->peer_sackok);
	bool ts = f->cfg.ts && (!synack || f->peer_ts);

	if (f->cfg.mss > 0) {
		opt_put(s, OPT_MSS, 4);
		s->opts[s->nopts - 1].u.mss = f->cfg.mss;
	}
	if (sack && ts)
		opt_put(s, OPT_SACKOK, 2);
	else if (sack || ts)
		opt_nops(s, 2);
	if (ts)
		opt_ts(s, ts_val(f, now), synack ? f->ts_recent : 0);
	else if (sack)
		opt_put(s, OPT_SACKOK, 2);
	if (ws) {
		opt_nops(s, 1);
		opt_put(s, OPT_WSCALE, 3);
		s->opts[s->nopts - 1].u.wscale = (uint8_t)f->cfg.wscale;
	}
}

void
flow_send_syn(struct flow *f, int64_t now, struct flow_out *out, int rtx,
    int64_t interval)
{
	bool synack = f->have_irs;
	struct segment *s = out_send(out, f,
	    synack ? TH_SYN_ | TH_ACK_ : TH_SYN_, f->iss, f->rcv_nxt, now);

	add_syn_opts(f, s, synack, now);
	item_rtx(out, rtx, interval);
	f->syn_tx = now;
}

void
flow_send_ack(struct flow *f, int64_t now, struct flow_out *out)
{
	struct segment *s = out_send(out, f, TH_ACK_, f->snd_nxt, f->rcv_nxt,
	    now);
	struct sack_block b[OPT_MAX_SACK];
	size_t i, n;

	if (!f->sack_ok || f->held.n == 0)
		return;
	/* 40 option bytes: 3 blocks beside TS, 4 without. */
	n = reasm_sack(&f->held, f->held_recent, b, f->ts_ok ? 3 : 4);
	opt_nops(s, 2);
	opt_put(s, OPT_SACK, (uint8_t)(2 + 8 * n));
	s->opts[s->nopts - 1].u.sack.n = (uint8_t)n;
	for (i = 0; i < n; i++)
		s->opts[s->nopts - 1].u.sack.b[i] = b[i];
}

/* RST for a segment with no connection behind it (RFC 9293 3.10.7.1):
 * <SEQ=SEG.ACK><CTL=RST>, or <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
void
flow_send_rst_reply(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	struct segment *s;

	if (in->flags & TH_ACK_)
		s = out_send(out, f, TH_RST_, in->ack, 0, now);
	else
		s = out_send(out, f, TH_RST_ | TH_ACK_, 0,
		    in->seq + segment_seqlen(in), now);
	if (in->src.family != AF_UNSPEC) {
		s->src = in->dst;
		s->dst = in->src;
	}
	if (in->sport != 0) {
		s->sport = in->dport;
		s->dport = in->sport;
	}
}

/* Payload from sequence number seq, n bytes of the send buffer. */
static void
send_data_at(struct flow *f, uint32_t seq, uint32_t n, bool fin, int64_t now,
    struct flow_out *out)
{
	uint8_t flags = TH_ACK_;
	struct segment *s;

	if (n > 0 && seq + n == f->sndbuf_seq + f->sndbuf_len)
		flags |= TH_PSH_;
	if (fin)
		flags |= TH_FIN_;
	s = out_send(out, f, flags, seq, f->rcv_nxt, now);
	if (n > 0)
		segment_set_data(s, f->sndbuf + (seq - f->sndbuf_seq), n);
	if (n > 0)
		s->has |= SEG_HAS_DATA;
}

static bool
can_send_data(const struct flow *f)
{
	switch (f->state) {
	case FLOW_ESTABLISHED:
	case FLOW_CLOSE_WAIT:
		return true;
	case FLOW_FIN_WAIT_1:
	case FLOW_LAST_ACK:
		return !f->fin_sent;
	default:
		return false;
	}
}

/* Send what the peer's window allows, then the FIN once the data is out.
 * With nothing in flight and a zero window one byte goes anyway, and the
 * retransmission timer repeats it: RFC 9293 3.8.6.1's window probe. */
void
flow_push(struct flow *f, int64_t now, struct flow_out *out)
{
	bool sent = false;
	uint32_t unsent;

	if (!can_send_data(f))
		return;
	while ((unsent = unsent_bytes(f)) > 0) {
		uint32_t flight = f->snd_nxt - f->snd_una, usable, n;

		usable = f->snd_wnd > flight ? f->snd_wnd - flight : 0;
		if (usable == 0 && flight == 0)
			usable = 1;
		n = unsent < usable ? unsent : usable;
		if (n > f->snd_mss)
			n = f->snd_mss;
		if (n == 0)
			break;
		send_data_at(f, f->snd_nxt, n, false, now, out);
		f->snd_nxt += n;
		f->bytes_sent += n;
		sent = true;
	}
	if (f->fin_queued && !f->fin_sent && unsent_bytes(f) == 0) {
		f->fin_seq = f->snd_nxt;
		f->fin_sent = true;
		send_data_at(f, f->snd_nxt, 0, true, now, out);
		f->snd_nxt++;
		sent = true;
	}
	if (sent && f->rtx_at == FLOW_NO_TIMEOUT)
		flow_rtx_arm(f, now);
}

/* Our SYN is out and not acknowledged (SYN_SENT, SYN_RECEIVED, or
 * FIN_WAIT_1 after a close in SYN_RECEIVED). */
bool
flow_syn_unacked(const struct flow *f)
{
	return f->snd_una == f->iss && f->snd_nxt != f->iss;
}

/* The earliest unacknowledged segment again: SYN, SYN-ACK, data, FIN. */
static void
flow_resend(struct flow *f, int64_t now, struct flow_out *out, int rtx,
    int64_t interval)
{
	uint32_t seq = f->snd_una, end = flow_data_sent_end(f), n = 0;
	bool fin;

	if (flow_syn_unacked(f)) {
		flow_send_syn(f, now, out, rtx, interval);
		return;
	}
	if (seq_lt(seq, end)) {
		n = end - seq;
		if (n > f->snd_mss)
			n = f->snd_mss;
	}
	fin = f->fin_sent && seq + n == f->fin_seq;
	send_data_at(f, seq, n, fin, now, out);
	item_rtx(out, rtx, interval);
}

static const char *
resend_what(const struct flow *f)
{
	if (flow_syn_unacked(f))
		return f->have_irs ? "SYN-ACK" : "SYN";
	if (f->fin_sent && f->snd_una == f->fin_seq)
		return "FIN";
	return "data";
}

/* ---- User calls ---- */

static int
refuse(const struct flow *f, struct flow_out *out, const char *call,
    const char *why)
{
	flow_out_add_note(out, FLOW_NOTE_REFUSED, "%s in %s: %s", call,
	    flow_state_name(f->state), why);
	return -1;
}

int
flow_open_active(struct flow *f, int64_t now, struct flow_out *out)
{
	if (f->state != FLOW_CLOSED)
		return refuse(f, out, "open", "connection already exists");
	if (f->cfg.remote.family == AF_UNSPEC || f->cfg.rport == 0)
		return refuse(f, out, "open", "no remote address and port");
	flow_reset_tcb(f);
	f->snd_nxt = f->iss + 1;
	flow_set_state(f, FLOW_SYN_SENT, "active open", out);
	flow_send_syn(f, now, out, 0, 0);
	flow_rtx_arm(f, now);
	return 0;
}

int
flow_open_passive(struct flow *f, int64_t now, struct flow_out *out)
{
	(void)now;
	if (f->state != FLOW_CLOSED)
		return refuse(f, out, "listen", "connection already exists");
	flow_reset_tcb(f);
	flow_set_state(f, FLOW_LISTEN, "passive open", out);
	return 0;
}

static void
sndbuf_append(struct flow *f, const void *data, uint32_t len)
{
	if (f->sndbuf_len + len > f->sndbuf_cap) {
		f->sndbuf_cap = (f->sndbuf_len + len) * 2;
		f->sndbuf = xrealloc(f->sndbuf, f->sndbuf_cap);
	}
	memcpy(f->sndbuf + f->sndbuf_len, data, len);
	f->sndbuf_len += len;
}

/* SEND in LISTEN with the remote end known: the flow opens actively
 * (RFC 9293 3.10.2); the data waits for ESTABLISHED. */
static int
listen_to_active(struct flow *f, int64_t now, struct flow_out *out)
{
	if (f->cfg.remote.family == AF_UNSPEC || f->cfg.rport == 0)
		return refuse(f, out, "send", "no remote address and port");
	f->snd_nxt = f->iss + 1;
	flow_set_state(f, FLOW_SYN_SENT, "send in LISTEN: active open", out);
	flow_send_syn(f, now, out, 0, 0);
	flow_rtx_arm(f, now);
	return 0;
}

int
flow_send_data(struct flow *f, const void *data, size_t len, int64_t now,
    struct flow_out *out)
{
	switch (f->state) {
	case FLOW_SYN_SENT:
	case FLOW_SYN_RECEIVED:
	case FLOW_ESTABLISHED:
	case FLOW_CLOSE_WAIT:
		break;
	case FLOW_LISTEN:
		if (listen_to_active(f, now, out) < 0)
			return -1;
		break;
	case FLOW_CLOSED:
		return refuse(f, out, "send", "connection does not exist");
	default:
		return refuse(f, out, "send", "connection closing");
	}
	if (f->fin_queued)
		return refuse(f, out, "send", "connection closing");
	if (len > UINT32_MAX / 4 || f->sndbuf_len + len > UINT32_MAX / 4)
		return refuse(f, out, "send", "more than 1 GiB queued");
	sndbuf_append(f, data, (uint32_t)len);
	flow_push(f, now, out);
	return 0;
}

int
flow_close(struct flow *f, int64_t now, struct flow_out *out)
{
	switch (f->state) {
	case FLOW_CLOSED:
		return refuse(f, out, "close", "connection does not exist");
	case FLOW_LISTEN:
	case FLOW_SYN_SENT:
		f->end = FLOW_END_ABORTED;
		flow_set_state(f, FLOW_CLOSED, "user close", out);
		return 0;
	case FLOW_SYN_RECEIVED:
		/* With data queued the FIN waits for the handshake and the
		 * data; otherwise it goes now (RFC 9293 3.10.4). */
		f->fin_queued = true;
		if (f->sndbuf_len > 0)
			return 0;
		flow_set_state(f, FLOW_FIN_WAIT_1, "user close", out);
		break;
	case FLOW_ESTABLISHED:
		f->fin_queued = true;
		flow_set_state(f, FLOW_FIN_WAIT_1, "user close", out);
		break;
	case FLOW_CLOSE_WAIT:
		f->fin_queued = true;
		flow_set_state(f, FLOW_LAST_ACK, "user close", out);
		break;
	default:
		return refuse(f, out, "close", "connection closing");
	}
	flow_push(f, now, out);
	return 0;
}

int
flow_abort(struct flow *f, int64_t now, struct flow_out *out)
{
	switch (f->state) {
	case FLOW_CLOSED:
		return refuse(f, out, "abort", "connection does not exist");
	case FLOW_SYN_RECEIVED:
	case FLOW_ESTABLISHED:
	case FLOW_FIN_WAIT_1:
	case FLOW_FIN_WAIT_2:
	case FLOW_CLOSE_WAIT:
		out_send(out, f, TH_RST_, f->snd_nxt, 0, now);
		break;
	default:
		break;
	}
	if (f->state != FLOW_TIME_WAIT)
		f->end = FLOW_END_ABORTED;
	flow_set_state(f, FLOW_CLOSED, "user abort", out);
	return 0;
}

/* ---- Timers firing ---- */

static void
flow_give_up(struct flow *f, struct flow_out *out)
{
	char cause[64];

	snprintf(cause, sizeof cause, "gave up after %d retransmission%s",
	    f->rtx_count, f->rtx_count == 1 ? "" : "s");
	flow_out_add_note(out, FLOW_NOTE_GAVE_UP, "%s of %s: no answer", cause,
	    resend_what(f));
	f->end = FLOW_END_TIMEOUT;
	flow_set_state(f, FLOW_CLOSED, cause, out);
}

static void
flow_retransmit(struct flow *f, int64_t now, struct flow_out *out)
{
	int64_t interval = now - f->rtx_armed;
	struct flow_item *it;

	f->rtx_count++;
	f->retransmissions++;
	it = flow_out_add_note(out, FLOW_NOTE_RETRANSMIT,
	    "retransmission %d of %s, %.3f s after the previous send",
	    f->rtx_count, resend_what(f), flow_secs(interval));
	it->rtx = f->rtx_count;
	it->interval_ns = interval;
	flow_resend(f, now, out, f->rtx_count, interval);
	f->rto = f->rto > FLOW_MAX_RTO_NS / 2 ? FLOW_MAX_RTO_NS : f->rto * 2;
	flow_rtx_arm(f, now);
}

void
flow_on_timer(struct flow *f, int64_t now, struct flow_out *out)
{
	if (f->time_wait_at <= now) {
		char cause[64];

		f->time_wait_at = FLOW_NO_TIMEOUT;
		snprintf(cause, sizeof cause, "TIME_WAIT ended after %.3f s",
		    flow_secs(f->cfg.time_wait_ns));
		flow_set_state(f, FLOW_CLOSED, cause, out);
	}
	if (f->rtx_at > now)
		return;
	if (f->snd_una == f->snd_nxt && unsent_bytes(f) == 0) {
		flow_rtx_stop(f);
		return;
	}
	if (f->rtx_count >= f->cfg.retries)
		flow_give_up(f, out);
	else
		flow_retransmit(f, now, out);
}

void
flow_enter_time_wait(struct flow *f, const char *cause, int64_t now,
    struct flow_out *out)
{
	f->end = FLOW_END_CLOSED;
	flow_rtx_stop(f);
	flow_set_state(f, FLOW_TIME_WAIT, cause, out);
	f->time_wait_at = now + f->cfg.time_wait_ns;
}

/* With a TIME_WAIT of 0 the flow leaves once this segment's ACK is out. */
void
flow_time_wait_settle(struct flow *f, struct flow_out *out)
{
	if (f->state != FLOW_TIME_WAIT || f->cfg.time_wait_ns > 0)
		return;
	flow_out_add_note(out, FLOW_NOTE_TIME_WAIT,
	    "TIME_WAIT duration 0: left at once (RFC 9293 asks for 2 MSL)");
	flow_set_state(f, FLOW_CLOSED, "TIME_WAIT not kept", out);
}
