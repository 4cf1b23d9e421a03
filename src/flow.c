/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flow.c: the prober's TCB and the RFC 9293 state machine: user calls,
 * segment arrival, retransmission and TIME_WAIT, with no I/O and no clock. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "xmalloc.h"

#define TS_OPT_BYTES	12	/* nop, nop, TS: taken from each segment */
#define MAX_WSCALE	14	/* RFC 7323 2.3 */
#define DEFAULT_MSS4	536	/* RFC 9293 3.7.1, without an MSS option */
#define DEFAULT_MSS6	1220	/* RFC 8200's 1280 minus 60 */

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

static struct flow_item *
out_push(struct flow_out *out, enum flow_item_type type)
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

static struct flow_item *out_note(struct flow_out *, enum flow_note,
    const char *, ...) __attribute__((format(printf, 3, 4)));

static struct flow_item *
out_note(struct flow_out *out, enum flow_note note, const char *fmt, ...)
{
	struct flow_item *it = out_push(out, FLOW_NOTE);
	va_list ap;

	it->note = note;
	va_start(ap, fmt);
	vsnprintf(it->text, sizeof it->text, fmt, ap);
	va_end(ap);
	return it;
}

static void
out_data(struct flow_out *out, uint32_t seq, const uint8_t *data,
    uint32_t len, bool from_hold)
{
	struct flow_item *it = out_push(out, FLOW_DATA);

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
static uint32_t
nsnd(const struct flow *f, uint32_t seq)
{
	return f->cfg.abs_numbers ? seq : flow_rel_snd(f, seq);
}

static uint32_t
nrcv(const struct flow *f, uint32_t seq)
{
	return f->cfg.abs_numbers ? seq : flow_rel_rcv(f, seq);
}

static double
secs(int64_t ns)
{
	return (double)ns / 1e9;
}

/* Our receive window in bytes: what the field can say at our scale. */
static uint32_t
flow_window_bytes(const struct flow *f)
{
	uint32_t w = f->cfg.rcv_wnd, max = 65535u << f->rcv_wscale;

	if (w > max)
		w = max;
	return (w >> f->rcv_wscale) << f->rcv_wscale;
}

/* Everything a connection learns, back to what a fresh open starts from. */
static void
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

static void
flow_set_state(struct flow *f, enum flow_state to, const char *cause,
    struct flow_out *out)
{
	struct flow_item *it = out_push(out, FLOW_STATE);

	it->from = f->state;
	it->to = to;
	snprintf(it->text, sizeof it->text, "%s", cause);
	f->state = to;
	if (to == FLOW_CLOSED || to == FLOW_LISTEN) {
		f->rtx_at = FLOW_NO_TIMEOUT;
		f->time_wait_at = FLOW_NO_TIMEOUT;
	}
}

static bool
fin_acked(const struct flow *f)
{
	return f->fin_sent && seq_gt(f->snd_una, f->fin_seq);
}

/* Where our sent payload ends: the FIN, once sent, is not payload. */
static uint32_t
data_sent_end(const struct flow *f)
{
	return f->fin_sent ? f->fin_seq : f->snd_nxt;
}

static uint32_t
unsent_bytes(const struct flow *f)
{
	uint32_t sent = data_sent_end(f) - f->sndbuf_seq;

	return sent >= f->sndbuf_len ? 0 : f->sndbuf_len - sent;
}

/* ---- Timers ---- */

static void
rtx_arm(struct flow *f, int64_t now)
{
	f->rtx_at = now + f->rto;
	f->rtx_armed = now;
}

static void
rtx_stop(struct flow *f)
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
	struct flow_item *it = out_push(out, FLOW_SEND);
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

static void
send_syn(struct flow *f, int64_t now, struct flow_out *out, int rtx,
    int64_t interval)
{
	bool synack = f->have_irs;
	struct segment *s = out_send(out, f,
	    synack ? TH_SYN_ | TH_ACK_ : TH_SYN_, f->iss, f->rcv_nxt, now);

	add_syn_opts(f, s, synack, now);
	item_rtx(out, rtx, interval);
	f->syn_tx = now;
}

static void
send_ack(struct flow *f, int64_t now, struct flow_out *out)
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
static void
send_rst_reply(struct flow *f, const struct segment *in, int64_t now,
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
static void
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
		rtx_arm(f, now);
}

/* Our SYN is out and not acknowledged (SYN_SENT, SYN_RECEIVED, or
 * FIN_WAIT_1 after a close in SYN_RECEIVED). */
static bool
syn_unacked(const struct flow *f)
{
	return f->snd_una == f->iss && f->snd_nxt != f->iss;
}

/* The earliest unacknowledged segment again: SYN, SYN-ACK, data, FIN. */
static void
flow_resend(struct flow *f, int64_t now, struct flow_out *out, int rtx,
    int64_t interval)
{
	uint32_t seq = f->snd_una, end = data_sent_end(f), n = 0;
	bool fin;

	if (syn_unacked(f)) {
		send_syn(f, now, out, rtx, interval);
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
	if (syn_unacked(f))
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
	out_note(out, FLOW_NOTE_REFUSED, "%s in %s: %s", call,
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
	send_syn(f, now, out, 0, 0);
	rtx_arm(f, now);
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
	send_syn(f, now, out, 0, 0);
	rtx_arm(f, now);
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
	out_note(out, FLOW_NOTE_GAVE_UP, "%s of %s: no answer", cause,
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
	it = out_note(out, FLOW_NOTE_RETRANSMIT,
	    "retransmission %d of %s, %.3f s after the previous send",
	    f->rtx_count, resend_what(f), secs(interval));
	it->rtx = f->rtx_count;
	it->interval_ns = interval;
	flow_resend(f, now, out, f->rtx_count, interval);
	f->rto = f->rto > FLOW_MAX_RTO_NS / 2 ? FLOW_MAX_RTO_NS : f->rto * 2;
	rtx_arm(f, now);
}

void
flow_on_timer(struct flow *f, int64_t now, struct flow_out *out)
{
	if (f->time_wait_at <= now) {
		char cause[64];

		f->time_wait_at = FLOW_NO_TIMEOUT;
		snprintf(cause, sizeof cause, "TIME_WAIT ended after %.3f s",
		    secs(f->cfg.time_wait_ns));
		flow_set_state(f, FLOW_CLOSED, cause, out);
	}
	if (f->rtx_at > now)
		return;
	if (f->snd_una == f->snd_nxt && unsent_bytes(f) == 0) {
		rtx_stop(f);
		return;
	}
	if (f->rtx_count >= f->cfg.retries)
		flow_give_up(f, out);
	else
		flow_retransmit(f, now, out);
}

static void
enter_time_wait(struct flow *f, const char *cause, int64_t now,
    struct flow_out *out)
{
	f->end = FLOW_END_CLOSED;
	rtx_stop(f);
	flow_set_state(f, FLOW_TIME_WAIT, cause, out);
	f->time_wait_at = now + f->cfg.time_wait_ns;
}

/* With a TIME_WAIT of 0 the flow leaves once this segment's ACK is out. */
static void
time_wait_settle(struct flow *f, struct flow_out *out)
{
	if (f->state != FLOW_TIME_WAIT || f->cfg.time_wait_ns > 0)
		return;
	out_note(out, FLOW_NOTE_TIME_WAIT,
	    "TIME_WAIT duration 0: left at once (RFC 9293 asks for 2 MSL)");
	flow_set_state(f, FLOW_CLOSED, "TIME_WAIT not kept", out);
}

/* ---- Segment arrival: the peer's SYN ---- */

static void
take_syn_opts(struct flow *f, const struct segment *in)
{
	const struct tcp_option *o;

	f->peer_nopts = in->nopts;
	memcpy(f->peer_opts, in->opts, sizeof f->peer_opts);
	f->peer_win = in->win;
	if ((o = segment_find_opt(in, OPT_MSS)) != NULL)
		f->peer_mss = o->u.mss;
	if ((o = segment_find_opt(in, OPT_WSCALE)) != NULL)
		f->peer_wscale = o->u.wscale;
	f->peer_sackok = segment_find_opt(in, OPT_SACKOK) != NULL;
	if ((o = segment_find_opt(in, OPT_TS)) != NULL) {
		f->peer_ts = true;
		f->ts_recent = o->u.ts.val;
	}
}

/* Learn the peer's ISN and options; negotiate what both offered. */
static void
take_syn(struct flow *f, const struct segment *in)
{
	take_syn_opts(f, in);
	f->have_irs = true;
	f->irs = in->seq;
	f->rcv_nxt = in->seq + 1;
	f->last_ack_sent = f->rcv_nxt;
	f->wscale_ok = f->cfg.wscale >= 0 && f->peer_wscale >= 0;
	if (f->wscale_ok) {
		f->snd_wscale = (uint8_t)(f->peer_wscale > MAX_WSCALE ?
		    MAX_WSCALE : f->peer_wscale);
		f->rcv_wscale = (uint8_t)f->cfg.wscale;
	}
	f->sack_ok = f->cfg.sackok && f->peer_sackok;
	f->ts_ok = f->cfg.ts && f->peer_ts;
	f->rcv_wnd = flow_window_bytes(f);
	if (f->peer_mss > 0)
		f->snd_mss = f->peer_mss;
	else
		f->snd_mss = f->cfg.remote.family == AF_INET6 ? DEFAULT_MSS6 :
		    DEFAULT_MSS4;
	if (f->ts_ok && f->snd_mss > TS_OPT_BYTES + 1)
		f->snd_mss -= TS_OPT_BYTES;
	f->snd_wnd = in->win;	/* a SYN's window is never scaled */
	f->snd_wl1 = in->seq;
	f->snd_wl2 = in->ack;
}

/* ---- Segment arrival: CLOSED and LISTEN (RFC 9293 3.10.7.1, 3.10.7.2) */

static bool
input_closed(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	if (in->flags & TH_RST_) {
		out_note(out, FLOW_NOTE_IGNORED, "RST to a closed flow ignored");
		return false;
	}
	send_rst_reply(f, in, now, out);
	out_note(out, FLOW_NOTE_IGNORED, "segment to a closed flow: RST sent");
	return false;
}

static bool
input_listen(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	if (in->flags & TH_RST_) {
		out_note(out, FLOW_NOTE_IGNORED, "RST in LISTEN ignored");
		return false;
	}
	if (in->flags & TH_ACK_) {
		send_rst_reply(f, in, now, out);
		out_note(out, FLOW_NOTE_IGNORED, "ACK in LISTEN: RST sent");
		return false;
	}
	if (!(in->flags & TH_SYN_)) {
		out_note(out, FLOW_NOTE_IGNORED, "no SYN in LISTEN: dropped");
		return false;
	}
	if (f->cfg.remote.family == AF_UNSPEC) {
		f->cfg.remote = in->src;
		f->took_remote = true;
	}
	if (f->cfg.rport == 0) {
		f->cfg.rport = in->sport;
		f->took_rport = true;
	}
	take_syn(f, in);
	f->passive = true;
	f->snd_una = f->iss;
	f->snd_nxt = f->iss + 1;
	if (in->len > 0)
		out_note(out, FLOW_NOTE_IGNORED, "%u bytes on the SYN ignored",
		    in->len);
	flow_set_state(f, FLOW_SYN_RECEIVED, "SYN received", out);
	send_syn(f, now, out, 0, 0);
	rtx_arm(f, now);
	return true;
}

/* SYN_RECEIVED -> LISTEN after a RST or a new SYN, when opened passively:
 * forget the peer, keep listening. */
static void
back_to_listen(struct flow *f, const char *cause, struct flow_out *out)
{
	if (f->took_remote)
		f->cfg.remote.family = AF_UNSPEC;
	if (f->took_rport)
		f->cfg.rport = 0;
	flow_reset_tcb(f);
	f->state = FLOW_SYN_RECEIVED;	/* so the change reads from there */
	flow_set_state(f, FLOW_LISTEN, cause, out);
}

/* ---- Segment arrival: SYN_SENT (RFC 9293 3.10.7.3) ---- */

/* --no-final-ack: report each SYN-ACK and the time since the last one. */
static bool
synack_watch(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	struct flow_item *it;

	if (f->synacks == 0) {
		take_syn(f, in);
		f->rtx_at = FLOW_NO_TIMEOUT;
		f->hs_rtt_ns = now - f->syn_tx;
		it = out_note(out, FLOW_NOTE_SYNACK,
		    "SYN-ACK 1 received; final ACK withheld");
	} else {
		it = out_note(out, FLOW_NOTE_SYNACK,
		    "SYN-ACK %d received, %.3f s after the previous one%s",
		    f->synacks + 1, secs(now - f->synack_last),
		    in->seq == f->irs ? "" : " (a different ISN)");
		it->interval_ns = now - f->synack_last;
	}
	it->rtx = f->synacks++;
	f->synack_last = now;
	return true;
}

/* The part of a segment that lies in the receive window. */
struct seg_view {
	uint32_t	 seq;	/* of data[0] */
	const uint8_t	*data;
	uint32_t	 len;
	bool		 fin;
};

static void text_and_fin(struct flow *, const struct segment *,
    const struct seg_view *, int64_t, struct flow_out *, bool *);

static void
establish(struct flow *f, const char *cause, int64_t now,
    struct flow_out *out)
{
	f->hs_rtt_ns = now - f->syn_tx;
	rtx_stop(f);
	flow_set_state(f, FLOW_ESTABLISHED, cause, out);
	if (f->fin_queued)
		flow_set_state(f, FLOW_FIN_WAIT_1,
		    "close requested during the handshake", out);
}

/* The first steps of 3.10.7.3: the ack must cover our SYN and nothing
 * more; a RST with such an ack refuses the connection. False when the
 * segment goes no further (the flow may be CLOSED by then). */
static bool
syn_sent_check(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	bool has_ack = (in->flags & TH_ACK_) != 0;

	if (has_ack && (seq_leq(in->ack, f->iss) || seq_gt(in->ack, f->snd_nxt))) {
		out_note(out, FLOW_NOTE_BAD_ACK,
		    "ack %u does not acknowledge our SYN (expects %u)%s",
		    nsnd(f, in->ack), nsnd(f, f->snd_nxt),
		    in->flags & TH_RST_ ? ": RST ignored" : ": RST sent");
		if (!(in->flags & TH_RST_))
			send_rst_reply(f, in, now, out);
		return false;
	}
	if ((in->flags & TH_RST_) && !has_ack) {
		out_note(out, FLOW_NOTE_IGNORED,
		    "RST without ACK in SYN_SENT ignored");
		return false;
	}
	if (in->flags & TH_RST_) {
		f->end = FLOW_END_REFUSED;
		flow_set_state(f, FLOW_CLOSED, "RST received: connection refused",
		    out);
		return false;
	}
	if (!(in->flags & TH_SYN_)) {
		out_note(out, FLOW_NOTE_IGNORED,
		    "neither SYN nor RST in SYN_SENT: dropped");
		return false;
	}
	return true;
}

static bool
input_syn_sent(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	bool need_ack = true;
	struct seg_view v;

	if (!syn_sent_check(f, in, now, out))
		return f->state == FLOW_CLOSED;
	if ((in->flags & TH_ACK_) && f->cfg.no_final_ack)
		return synack_watch(f, in, now, out);
	take_syn(f, in);
	if (!(in->flags & TH_ACK_)) {
		flow_set_state(f, FLOW_SYN_RECEIVED,
		    "SYN received (simultaneous open)", out);
		send_syn(f, now, out, 0, 0);
		return true;
	}
	f->snd_una = in->ack;
	establish(f, "SYN-ACK received", now, out);
	v.seq = in->seq + 1;
	v.data = in->data;
	v.len = in->len;
	v.fin = (in->flags & TH_FIN_) != 0;
	text_and_fin(f, in, &v, now, out, &need_ack);
	send_ack(f, now, out);
	time_wait_settle(f, out);
	flow_push(f, now, out);
	return true;
}

/* ---- Segment arrival: synchronized states (RFC 9293 3.10.7.4) ---- */

/* The four cases of segment length against receive window. */
static bool
seq_acceptable(const struct flow *f, uint32_t seq, uint32_t seglen)
{
	uint32_t lo = f->rcv_nxt, hi = f->rcv_nxt + f->rcv_wnd;

	if (seglen == 0 && f->rcv_wnd == 0)
		return seq == lo;
	if (seglen == 0)
		return seq_in(seq, lo, hi);
	if (f->rcv_wnd == 0)
		return false;
	return seq_in(seq, lo, hi) || seq_in(seq + seglen - 1, lo, hi);
}

static void
seq_refuse(struct flow *f, const struct segment *in, const char *why,
    int64_t now, struct flow_out *out)
{
	bool rst = (in->flags & TH_RST_) != 0;

	f->unacceptable++;
	out_note(out, FLOW_NOTE_UNACCEPTABLE, "%s: %s", why,
	    rst ? "RST dropped" : "ACK sent");
	if (!rst)
		send_ack(f, now, out);
}

static bool
paws_ok(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	const struct tcp_option *o = segment_find_opt(in, OPT_TS);
	char why[128];

	if (!f->ts_ok || o == NULL || (in->flags & TH_RST_) ||
	    seq_geq(o->u.ts.val, f->ts_recent))
		return true;
	snprintf(why, sizeof why, "TSval %u older than TS.recent %u (PAWS)",
	    o->u.ts.val, f->ts_recent);
	seq_refuse(f, in, why, now, out);
	return false;
}

/* "seq 5000:5100 outside the receive window 1000..66535", relative. */
static void
seq_refuse_window(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	uint32_t seglen = segment_seqlen(in), lo = f->rcv_nxt;
	char why[128], end[16] = "";

	if (seglen > 0)
		snprintf(end, sizeof end, ":%u", nrcv(f, in->seq + seglen));
	snprintf(why, sizeof why, "seq %u%s outside the receive window "
	    "%u..%u%s", nrcv(f, in->seq), end, nrcv(f, lo),
	    nrcv(f, lo + f->rcv_wnd),
	    seq_leq(in->seq + seglen, lo) ? " (already received)" : "");
	seq_refuse(f, in, why, now, out);
}

/* Keep the part of an acceptable segment inside the window: bytes
 * before rcv.nxt were received already, bytes beyond the end are cut. */
static void
seq_trim(const struct flow *f, const struct segment *in, struct seg_view *v,
    struct flow_out *out)
{
	uint32_t lo = f->rcv_nxt, hi = lo + f->rcv_wnd, skip, end, cut;

	v->seq = in->seq + ((in->flags & TH_SYN_) ? 1 : 0);
	v->data = in->data;
	v->len = in->len;
	v->fin = (in->flags & TH_FIN_) != 0;
	if (seq_lt(v->seq, lo)) {
		skip = lo - v->seq;
		if (skip > v->len)
			skip = v->len;
		v->seq += skip;
		v->data += skip;
		v->len -= skip;
	}
	end = v->seq + v->len;
	if (seq_gt(end, hi)) {
		cut = seq_lt(v->seq, hi) ? end - hi : v->len;
		out_note(out, FLOW_NOTE_TRIMMED,
		    "%u bytes beyond the receive window end %u dropped%s",
		    cut, nrcv(f, hi), v->fin ? " with the FIN" : "");
		v->len -= cut;
		v->fin = false;
	}
}

/* Check a segment against the window and keep the part inside it. */
static bool
seq_check(struct flow *f, const struct segment *in, struct seg_view *v,
    int64_t now, struct flow_out *out)
{
	/* RFC 9293: with a zero window, ACKs, URGs and RSTs still count. */
	if (!seq_acceptable(f, in->seq, segment_seqlen(in)) &&
	    !(f->rcv_wnd == 0 && in->seq == f->rcv_nxt)) {
		seq_refuse_window(f, in, now, out);
		return false;
	}
	if (!paws_ok(f, in, now, out))
		return false;
	seq_trim(f, in, v, out);
	return true;
}

/* RFC 7323 4.3: TS.recent follows the segment that Last.ACK.sent covers. */
static void
ts_update(struct flow *f, const struct segment *in)
{
	const struct tcp_option *o = segment_find_opt(in, OPT_TS);

	if (f->ts_ok && o != NULL && seq_leq(in->seq, f->last_ack_sent) &&
	    seq_geq(o->u.ts.val, f->ts_recent))
		f->ts_recent = o->u.ts.val;
}

/* An acceptable RST: exactly at rcv.nxt it resets, elsewhere in the window
 * it gets a challenge ACK (RFC 5961 3.2, as RFC 9293 recommends). */
static bool
input_rst(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	if (in->seq != f->rcv_nxt) {
		out_note(out, FLOW_NOTE_CHALLENGE,
		    "RST seq %u in the window but not at rcv.nxt %u: challenge "
		    "ACK sent (RFC 5961)", nrcv(f, in->seq), nrcv(f, f->rcv_nxt));
		send_ack(f, now, out);
		return false;
	}
	switch (f->state) {
	case FLOW_SYN_RECEIVED:
		if (f->passive) {
			back_to_listen(f, "RST received", out);
			return true;
		}
		f->end = FLOW_END_REFUSED;
		flow_set_state(f, FLOW_CLOSED, "RST received: connection refused",
		    out);
		return true;
	case FLOW_TIME_WAIT:
		break;
	default:
		f->end = FLOW_END_RESET;
		break;
	}
	flow_set_state(f, FLOW_CLOSED, "RST received: connection reset", out);
	return true;
}

static bool
input_syn(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	if (f->state == FLOW_SYN_RECEIVED && f->passive) {
		back_to_listen(f, "SYN with a new ISN in SYN_RECEIVED", out);
		return true;
	}
	out_note(out, FLOW_NOTE_CHALLENGE,
	    "SYN seq %u in %s: challenge ACK sent (RFC 5961)",
	    nrcv(f, in->seq), flow_state_name(f->state));
	send_ack(f, now, out);
	return false;
}

enum ack_result {
	ACK_DROP,	/* segment dropped (note said why) */
	ACK_DONE,	/* taken; nothing more to do (LAST_ACK -> CLOSED) */
	ACK_GO,		/* go on with urgent, text and FIN */
};

/* Drop from the send buffer what the peer has acknowledged. */
static void
ack_advance(struct flow *f, uint32_t ack, int64_t now)
{
	uint32_t end = seq_min(ack, data_sent_end(f)), n;

	if (seq_gt(end, f->sndbuf_seq)) {
		n = end - f->sndbuf_seq;
		memmove(f->sndbuf, f->sndbuf + n, f->sndbuf_len - n);
		f->sndbuf_len -= n;
		f->sndbuf_seq = end;
		f->bytes_acked += n;
	}
	f->snd_una = ack;
	rtx_stop(f);
	if (f->snd_una != f->snd_nxt)
		rtx_arm(f, now);
}

static void
window_update(struct flow *f, const struct segment *in)
{
	if (!seq_leq(f->snd_una, in->ack) || !seq_leq(in->ack, f->snd_nxt))
		return;
	if (seq_lt(f->snd_wl1, in->seq) ||
	    (f->snd_wl1 == in->seq && seq_leq(f->snd_wl2, in->ack))) {
		f->snd_wnd = (uint32_t)in->win << f->snd_wscale;
		f->snd_wl1 = in->seq;
		f->snd_wl2 = in->ack;
	}
}

static enum ack_result
ack_synrcvd(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	if (!seq_lt(f->snd_una, in->ack) || !seq_leq(in->ack, f->snd_nxt)) {
		out_note(out, FLOW_NOTE_BAD_ACK,
		    "ack %u does not acknowledge our SYN-ACK (expects %u): "
		    "RST sent", nsnd(f, in->ack), nsnd(f, f->snd_nxt));
		send_rst_reply(f, in, now, out);
		return ACK_DROP;
	}
	f->snd_wnd = (uint32_t)in->win << f->snd_wscale;
	f->snd_wl1 = in->seq;
	f->snd_wl2 = in->ack;
	f->snd_una = in->ack;
	establish(f, "ACK of our SYN-ACK", now, out);
	return ACK_GO;
}

static enum ack_result
input_ack(struct flow *f, const struct segment *in, const struct seg_view *v,
    int64_t now, struct flow_out *out)
{
	if (!(in->flags & TH_ACK_)) {
		out_note(out, FLOW_NOTE_IGNORED, "no ACK bit: dropped");
		return ACK_DROP;
	}
	if (f->state == FLOW_SYN_RECEIVED &&
	    ack_synrcvd(f, in, now, out) == ACK_DROP)
		return ACK_DROP;
	if (seq_gt(in->ack, f->snd_nxt)) {
		out_note(out, FLOW_NOTE_BAD_ACK,
		    "ack %u acknowledges data not yet sent (snd.nxt %u): "
		    "ACK sent", nsnd(f, in->ack), nsnd(f, f->snd_nxt));
		send_ack(f, now, out);
		return ACK_DROP;
	}
	if (syn_unacked(f) && seq_lt(f->snd_una, in->ack))
		f->hs_rtt_ns = now - f->syn_tx;
	if (seq_lt(f->snd_una, in->ack))
		ack_advance(f, in->ack, now);
	window_update(f, in);
	switch (f->state) {
	case FLOW_FIN_WAIT_1:
		/* A FIN in order on this segment goes straight to TIME_WAIT. */
		if (fin_acked(f) && !(v->fin && v->seq == f->rcv_nxt))
			flow_set_state(f, FLOW_FIN_WAIT_2, "ACK of our FIN", out);
		break;
	case FLOW_CLOSING:
		if (fin_acked(f))
			enter_time_wait(f, "ACK of our FIN", now, out);
		break;
	case FLOW_LAST_ACK:
		if (fin_acked(f)) {
			f->end = FLOW_END_CLOSED;
			flow_set_state(f, FLOW_CLOSED, "ACK of our FIN", out);
			return ACK_DONE;
		}
		break;
	default:
		break;
	}
	return ACK_GO;
}

static void
input_urg(struct flow *f, const struct segment *in, struct flow_out *out)
{
	if (!(in->flags & TH_URG_))
		return;
	f->urg_count++;
	f->urg_last = in->urg;
	out_note(out, FLOW_NOTE_URGENT,
	    "urgent pointer %u recorded and ignored: the bytes are delivered "
	    "inline", in->urg);
}

static bool
receiving(const struct flow *f)
{
	return f->state == FLOW_ESTABLISHED || f->state == FLOW_FIN_WAIT_1 ||
	    f->state == FLOW_FIN_WAIT_2;
}

/* The peer's FIN, in order: rcv.nxt passes it, the state moves on. */
static void
fin_take(struct flow *f, int64_t now, struct flow_out *out)
{
	switch (f->state) {
	case FLOW_ESTABLISHED:
		f->rcv_nxt++;
		flow_set_state(f, FLOW_CLOSE_WAIT, "FIN received", out);
		break;
	case FLOW_FIN_WAIT_1:
		f->rcv_nxt++;
		if (fin_acked(f))
			enter_time_wait(f, "FIN+ACK received", now, out);
		else
			flow_set_state(f, FLOW_CLOSING,
			    "FIN received (simultaneous close)", out);
		break;
	case FLOW_FIN_WAIT_2:
		f->rcv_nxt++;
		enter_time_wait(f, "FIN received", now, out);
		break;
	default:
		break;
	}
	f->rcv_fin_held = false;
}

/* Bytes in order go up at once, with any held bytes they join; bytes after
 * a gap are held and reported. */
static void
input_text(struct flow *f, const struct seg_view *v, struct flow_out *out)
{
	struct flow_item *it;
	uint8_t *more;
	uint32_t n;
	int64_t added;

	if (v->seq == f->rcv_nxt) {
		out_data(out, v->seq, v->data, v->len, false);
		f->rcv_nxt += v->len;
		f->bytes_received += v->len;
		if ((n = reasm_take(&f->held, f->rcv_nxt, &more)) > 0) {
			out_data(out, f->rcv_nxt, more, n, true);
			f->rcv_nxt += n;
			f->bytes_received += n;
			free(more);
		}
		return;
	}
	added = reasm_add(&f->held, f->rcv_nxt, v->seq, v->data, v->len);
	if (added < 0) {
		out_note(out, FLOW_NOTE_HOLD_FULL,
		    "%u bytes at seq %u dropped: %zu gaps held already",
		    v->len, nrcv(f, v->seq), f->held.n);
		return;
	}
	f->held_recent = v->seq;
	it = out_push(out, FLOW_HELD);
	it->seq = v->seq;
	it->len = v->len;
	it->newbytes = (uint32_t)added;
	snprintf(it->text, sizeof it->text,
	    "seq %u:%u held out of order (%u new), waiting for %u",
	    nrcv(f, v->seq), nrcv(f, v->seq + v->len), (uint32_t)added,
	    nrcv(f, f->rcv_nxt));
}

/* Steps six to eight of 3.10.7.4 on the part of the segment kept. */
static void
text_and_fin(struct flow *f, const struct segment *in,
    const struct seg_view *v, int64_t now, struct flow_out *out,
    bool *need_ack)
{
	input_urg(f, in, out);
	if (v->len > 0 || v->fin)
		*need_ack = true;
	if (v->len > 0 && !receiving(f))
		out_note(out, FLOW_NOTE_IGNORED,
		    "%u bytes after the peer's FIN ignored", v->len);
	else if (v->len > 0)
		input_text(f, v, out);
	if (v->fin && receiving(f) && v->seq + v->len != f->rcv_nxt) {
		f->rcv_fin_held = true;	/* beyond a gap: wait for it */
		f->rcv_fin_seq = v->seq + v->len;
	} else if (v->fin) {
		fin_take(f, now, out);
	}
	if (f->rcv_fin_held && f->rcv_fin_seq == f->rcv_nxt)
		fin_take(f, now, out);
}

/* TIME_WAIT: a retransmission of the peer's FIN is ACKed again and the
 * timer restarts (RFC 9293 3.10.7.4, eighth step). */
static bool
time_wait_refin(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	if (f->state != FLOW_TIME_WAIT || !(in->flags & TH_FIN_) ||
	    (in->flags & (TH_RST_ | TH_SYN_)) ||
	    in->seq + in->len + 1 != f->rcv_nxt)
		return false;
	out_note(out, FLOW_NOTE_TIME_WAIT,
	    "retransmitted FIN in TIME_WAIT: ACKed again, %.3f s restarted",
	    secs(f->cfg.time_wait_ns));
	send_ack(f, now, out);
	f->time_wait_at = now + f->cfg.time_wait_ns;
	return true;
}

/* SYN_RECEIVED: the peer's SYN again (our SYN-ACK was lost) gets the
 * SYN-ACK again; in a simultaneous open the peer's SYN-ACK completes it. */
static int
synrcvd_syn(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	if (f->state != FLOW_SYN_RECEIVED || !(in->flags & TH_SYN_) ||
	    (in->flags & TH_RST_) || in->seq != f->irs)
		return 0;
	if (!(in->flags & TH_ACK_)) {
		out_note(out, FLOW_NOTE_DUP_SYN,
		    "retransmitted SYN: SYN-ACK sent again");
		send_syn(f, now, out, 0, 0);
		rtx_arm(f, now);	/* the timer counts from this send */
		return 1;
	}
	if (f->passive || in->ack != f->snd_nxt)
		return 0;
	f->snd_wnd = in->win;
	f->snd_wl1 = in->seq;
	f->snd_wl2 = in->ack;
	f->snd_una = in->ack;
	establish(f, "SYN-ACK received (simultaneous open)", now,
	    out);
	flow_push(f, now, out);
	return 1;
}

static bool
input_sync(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	struct seg_view v;
	bool need_ack = false;
	enum ack_result r;

	if (time_wait_refin(f, in, now, out) || synrcvd_syn(f, in, now, out))
		return true;
	if (!seq_check(f, in, &v, now, out))
		return false;
	ts_update(f, in);
	if (in->flags & TH_RST_)
		return input_rst(f, in, now, out);
	if (in->flags & TH_SYN_)
		return input_syn(f, in, now, out);
	if ((r = input_ack(f, in, &v, now, out)) != ACK_GO)
		return r == ACK_DONE;
	if (v.len < in->len || ((in->flags & TH_FIN_) && !v.fin))
		need_ack = true;	/* a part was cut: say where we are */
	text_and_fin(f, in, &v, now, out, &need_ack);
	if (need_ack)
		send_ack(f, now, out);
	time_wait_settle(f, out);
	flow_push(f, now, out);
	return true;
}

bool
flow_input(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	if (in->cksum_state == CKSUM_BAD) {
		out_note(out, FLOW_NOTE_IGNORED, "bad checksum: dropped");
		return false;
	}
	if (in->len > 0 && in->data == NULL) {
		out_note(out, FLOW_NOTE_IGNORED,
		    "payload length %u without its bytes: dropped", in->len);
		return false;
	}
	switch (f->state) {
	case FLOW_CLOSED:
		return input_closed(f, in, now, out);
	case FLOW_LISTEN:
		return input_listen(f, in, now, out);
	case FLOW_SYN_SENT:
		return input_syn_sent(f, in, now, out);
	default:
		return input_sync(f, in, now, out);
	}
}
