/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine-icmp.c: a scenario's "< icmp ..." line: an ICMP error about the
 * target's segment on the flow, sent to the target on time, its quote in
 * the target's numbers as packetdrill writes them. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "engine-int.h"
#include "icmp.h"

/* What the line quotes, on the wire: the target's segment from its port
 * to ours, its seq the line's (relative to the target's ISN, as on '>'
 * lines; the ISN itself when the line quotes nothing). */
static void
icmp_quote(const struct engine *e, const struct eng_flow *f,
    const struct icmp_msg *m, struct segment *q)
{
	const struct wire_config *wc = wire_config(session_wire(e->s));

	q->src = wc->remote;
	q->dst = wc->local;
	q->sport = f->opened ? f->out_dport : f->c->rport;
	q->dport = f->opened ? f->out_sport : f->c->lport;
	q->seq = seqspace_wire(&f->c->ss, SEQ_REMOTE,
	    m->has_quote ? m->seq : 0);
	q->len = m->len;
	q->has = SEG_HAS_PORTS;
}

enum eng_next
eng_icmp(struct engine *e, struct eng_exec *x)
{
	const struct wire_config *wc = wire_config(session_wire(e->s));
	struct eng_flow *f = eng_flow_of(e, x->st);
	struct icmp_wire w;
	char why[200];

	switch (x->phase) {
	case 0:
		return eng_wait_for_time(e, x);
	case 1:
		break;
	}
	if (!icmp_resolve(&x->st->icmp, wc->remote.family, &w, why,
	    sizeof why)) {
		snprintf(e->res.why, sizeof e->res.why, "%s (the target is "
		    "%s)", why, wc->remote.family == AF_INET6 ? "IPv6" :
		    "IPv4");
		e->res.error = true;
		e->res.failed = e->res.why;
		return ENG_FAILED;
	}
	icmp_quote(e, f, &x->st->icmp, &w.quote);
	eng_spin_to(e, x->w.lo);
	/* No capture stamp (the capture shows only what arrives): the time
	 * is the send's, before what it draws. */
	x->t_ns = eng_now(e);
	if (session_send_icmp(e->s, f->c, &w, e->res.why,
	    sizeof e->res.why) == -1) {
		e->res.error = true;
		e->res.failed = e->res.why;
		return ENG_FAILED;
	}
	x->dev_ns = x->t_ns - x->w.lo;
	x->has_dev = true;
	x->ok = true;
	eng_clock_done(e, x, x->t_ns, true);
	return ENG_END;
}
