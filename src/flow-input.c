/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flow-input.c: the prober's state machine, segment arrival (RFC 9293
 * 3.10.7): the peer's SYN and its options, CLOSED and LISTEN, SYN_SENT,
 * and the synchronized states (sequence checks, RST, ACK, text, FIN). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow-int.h"
#include "flow.h"

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
		flow_out_add_note(out, FLOW_NOTE_IGNORED, "RST to a closed flow ignored");
		return false;
	}
	flow_send_rst_reply(f, in, now, out);
	flow_out_add_note(out, FLOW_NOTE_IGNORED, "segment to a closed flow: RST sent");
	return false;
}

static bool
input_listen(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	if (in->flags & TH_RST_) {
		flow_out_add_note(out, FLOW_NOTE_IGNORED, "RST in LISTEN ignored");
		return false;
	}
	if (in->flags & TH_ACK_) {
		flow_send_rst_reply(f, in, now, out);
		flow_out_add_note(out, FLOW_NOTE_IGNORED, "ACK in LISTEN: RST sent");
		return false;
	}
	if (!(in->flags & TH_SYN_)) {
		flow_out_add_note(out, FLOW_NOTE_IGNORED, "no SYN in LISTEN: dropped");
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
		flow_out_add_note(out, FLOW_NOTE_IGNORED, "%u bytes on the SYN ignored",
		    in->len);
	flow_set_state(f, FLOW_SYN_RECEIVED, "SYN received", out);
	flow_send_syn(f, now, out, 0, 0);
	flow_rtx_arm(f, now);
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
		it = flow_out_add_note(out, FLOW_NOTE_SYNACK,
		    "SYN-ACK 1 received; final ACK withheld");
	} else {
		it = flow_out_add_note(out, FLOW_NOTE_SYNACK,
		    "SYN-ACK %d received, %.3f s after the previous one%s",
		    f->synacks + 1, flow_secs(now - f->synack_last),
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
	flow_rtx_stop(f);
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
		flow_out_add_note(out, FLOW_NOTE_BAD_ACK,
		    "ack %u does not acknowledge our SYN (expects %u)%s",
		    flow_nsnd(f, in->ack), flow_nsnd(f, f->snd_nxt),
		    in->flags & TH_RST_ ? ": RST ignored" : ": RST sent");
		if (!(in->flags & TH_RST_))
			flow_send_rst_reply(f, in, now, out);
		return false;
	}
	if ((in->flags & TH_RST_) && !has_ack) {
		flow_out_add_note(out, FLOW_NOTE_IGNORED,
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
		flow_out_add_note(out, FLOW_NOTE_IGNORED,
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
		flow_send_syn(f, now, out, 0, 0);
		return true;
	}
	f->snd_una = in->ack;
	establish(f, "SYN-ACK received", now, out);
	v.seq = in->seq + 1;
	v.data = in->data;
	v.len = in->len;
	v.fin = (in->flags & TH_FIN_) != 0;
	text_and_fin(f, in, &v, now, out, &need_ack);
	flow_send_ack(f, now, out);
	flow_time_wait_settle(f, out);
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
	flow_out_add_note(out, FLOW_NOTE_UNACCEPTABLE, "%s: %s", why,
	    rst ? "RST dropped" : "ACK sent");
	if (!rst)
		flow_send_ack(f, now, out);
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
		snprintf(end, sizeof end, ":%u", flow_nrcv(f, in->seq + seglen));
	snprintf(why, sizeof why, "seq %u%s outside the receive window "
	    "%u..%u%s", flow_nrcv(f, in->seq), end, flow_nrcv(f, lo),
	    flow_nrcv(f, lo + f->rcv_wnd),
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
		flow_out_add_note(out, FLOW_NOTE_TRIMMED,
		    "%u bytes beyond the receive window end %u dropped%s",
		    cut, flow_nrcv(f, hi), v->fin ? " with the FIN" : "");
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
		flow_out_add_note(out, FLOW_NOTE_CHALLENGE,
		    "RST seq %u in the window but not at rcv.nxt %u: challenge "
		    "ACK sent (RFC 5961)", flow_nrcv(f, in->seq), flow_nrcv(f, f->rcv_nxt));
		flow_send_ack(f, now, out);
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
	flow_out_add_note(out, FLOW_NOTE_CHALLENGE,
	    "SYN seq %u in %s: challenge ACK sent (RFC 5961)",
	    flow_nrcv(f, in->seq), flow_state_name(f->state));
	flow_send_ack(f, now, out);
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
	uint32_t end = seq_min(ack, flow_data_sent_end(f)), n;

	if (seq_gt(end, f->sndbuf_seq)) {
		n = end - f->sndbuf_seq;
		memmove(f->sndbuf, f->sndbuf + n, f->sndbuf_len - n);
		f->sndbuf_len -= n;
		f->sndbuf_seq = end;
		f->bytes_acked += n;
	}
	f->snd_una = ack;
	flow_rtx_stop(f);
	if (f->snd_una != f->snd_nxt)
		flow_rtx_arm(f, now);
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
		flow_out_add_note(out, FLOW_NOTE_BAD_ACK,
		    "ack %u does not acknowledge our SYN-ACK (expects %u): "
		    "RST sent", flow_nsnd(f, in->ack), flow_nsnd(f, f->snd_nxt));
		flow_send_rst_reply(f, in, now, out);
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
		flow_out_add_note(out, FLOW_NOTE_IGNORED, "no ACK bit: dropped");
		return ACK_DROP;
	}
	if (f->state == FLOW_SYN_RECEIVED &&
	    ack_synrcvd(f, in, now, out) == ACK_DROP)
		return ACK_DROP;
	if (seq_gt(in->ack, f->snd_nxt)) {
		flow_out_add_note(out, FLOW_NOTE_BAD_ACK,
		    "ack %u acknowledges data not yet sent (snd.nxt %u): "
		    "ACK sent", flow_nsnd(f, in->ack), flow_nsnd(f, f->snd_nxt));
		flow_send_ack(f, now, out);
		return ACK_DROP;
	}
	if (flow_syn_unacked(f) && seq_lt(f->snd_una, in->ack))
		f->hs_rtt_ns = now - f->syn_tx;
	if (seq_lt(f->snd_una, in->ack))
		ack_advance(f, in->ack, now);
	window_update(f, in);
	switch (f->state) {
	case FLOW_FIN_WAIT_1:
		/* A FIN in order on this segment goes straight to TIME_WAIT. */
		if (flow_fin_acked(f) && !(v->fin && v->seq == f->rcv_nxt))
			flow_set_state(f, FLOW_FIN_WAIT_2, "ACK of our FIN", out);
		break;
	case FLOW_CLOSING:
		if (flow_fin_acked(f))
			flow_enter_time_wait(f, "ACK of our FIN", now, out);
		break;
	case FLOW_LAST_ACK:
		if (flow_fin_acked(f)) {
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
	flow_out_add_note(out, FLOW_NOTE_URGENT,
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
		if (flow_fin_acked(f))
			flow_enter_time_wait(f, "FIN+ACK received", now, out);
		else
			flow_set_state(f, FLOW_CLOSING,
			    "FIN received (simultaneous close)", out);
		break;
	case FLOW_FIN_WAIT_2:
		f->rcv_nxt++;
		flow_enter_time_wait(f, "FIN received", now, out);
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
		flow_out_data(out, v->seq, v->data, v->len, false);
		f->rcv_nxt += v->len;
		f->bytes_received += v->len;
		if ((n = reasm_take(&f->held, f->rcv_nxt, &more)) > 0) {
			flow_out_data(out, f->rcv_nxt, more, n, true);
			f->rcv_nxt += n;
			f->bytes_received += n;
			free(more);
		}
		return;
	}
	added = reasm_add(&f->held, f->rcv_nxt, v->seq, v->data, v->len);
	if (added < 0) {
		flow_out_add_note(out, FLOW_NOTE_HOLD_FULL,
		    "%u bytes at seq %u dropped: %zu gaps held already",
		    v->len, flow_nrcv(f, v->seq), f->held.n);
		return;
	}
	f->held_recent = v->seq;
	it = flow_out_push(out, FLOW_HELD);
	it->seq = v->seq;
	it->len = v->len;
	it->newbytes = (uint32_t)added;
	snprintf(it->text, sizeof it->text,
	    "seq %u:%u held out of order (%u new), waiting for %u",
	    flow_nrcv(f, v->seq), flow_nrcv(f, v->seq + v->len), (uint32_t)added,
	    flow_nrcv(f, f->rcv_nxt));
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
		flow_out_add_note(out, FLOW_NOTE_IGNORED,
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
	flow_out_add_note(out, FLOW_NOTE_TIME_WAIT,
	    "retransmitted FIN in TIME_WAIT: ACKed again, %.3f s restarted",
	    flow_secs(f->cfg.time_wait_ns));
	flow_send_ack(f, now, out);
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
		flow_out_add_note(out, FLOW_NOTE_DUP_SYN,
		    "retransmitted SYN: SYN-ACK sent again");
		flow_send_syn(f, now, out, 0, 0);
		flow_rtx_arm(f, now);	/* the timer counts from this send */
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
		flow_send_ack(f, now, out);
	flow_time_wait_settle(f, out);
	flow_push(f, now, out);
	return true;
}

bool
flow_input(struct flow *f, const struct segment *in, int64_t now,
    struct flow_out *out)
{
	if (in->cksum_state == CKSUM_BAD) {
		flow_out_add_note(out, FLOW_NOTE_IGNORED, "bad checksum: dropped");
		return false;
	}
	if (in->len > 0 && in->data == NULL) {
		flow_out_add_note(out, FLOW_NOTE_IGNORED,
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
