/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fmt.c: times, endpoints, the relative view of a segment and step verdicts
 * in words, for every sink (fmt.h). Depends on nothing but the data. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <sys/socket.h>

#include "fmt.h"
#include "seqspace.h"
#include "xmalloc.h"

char *
fmt_time(int64_t t_ns, char *buf, size_t len)
{
	uint64_t mag;
	const char *sign = "";

	/* Stamps in a file may go backwards; say so rather than wrap. */
	if (t_ns < 0) {
		sign = "-";
		mag = (uint64_t)0 - (uint64_t)t_ns;
	} else
		mag = (uint64_t)t_ns;
	mag /= 1000;
	snprintf(buf, len, "%s%" PRIu64 ".%06" PRIu64, sign, mag / 1000000,
	    mag % 1000000);
	return buf;
}

char *
fmt_endpoint(const struct ipaddr *a, uint16_t port, char *buf, size_t len)
{
	char addr[64];

	ipaddr_str(a, addr, sizeof addr);
	if (a->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", addr, port);
	else
		snprintf(buf, len, "%s:%u", addr, port);
	return buf;
}

void
fmt_view_segment(const struct event *ev, struct segment *out)
{
	*out = *ev->seg;
	/* Without the ACK flag an ack number acknowledges nothing: it stays
	 * absolute ("ack N!"). */
	if (ev->relative)
		seqspace_shift(out, ev->seq_base, ev->ack_base, SEQSPACE_SEQ |
		    SEQSPACE_SACK | ((out->flags & TH_ACK_) ? SEQSPACE_ACK :
		    0));
}

static char *
fmt_file_outcome(const struct step_outcome *o)
{
	char *text, late[96] = "";

	/* Late sends pass, but a busy machine never goes unseen. */
	if (o->nlate > 0)
		snprintf(late, sizeof late, "; %d send%s late by more than the "
		    "tolerance", o->nlate, o->nlate == 1 ? "" : "s");
	if (o->error != NULL)
		xasprintf(&text, "%s: ERROR: %s", o->file, o->error);
	else if (o->stopped)
		xasprintf(&text, "%s: STOPPED after %d of %d steps%s", o->file,
		    o->nsteps, o->nsteps_file, late);
	else if (o->ok)
		xasprintf(&text, "%s: ok, %d steps%s", o->file, o->nsteps,
		    late);
	else
		xasprintf(&text, "%s: FAIL, %d of %d steps failed (%d in the "
		    "file)%s", o->file, o->nfailed, o->nsteps, o->nsteps_file,
		    late);
	return text;
}

char *
fmt_outcome(const struct step_outcome *o)
{
	char t[32], dev[32] = "", *text;
	const char *flow = o->flow != NULL ? o->flow : "";
	const char *sp = o->flow != NULL ? " " : "";

	if (o->line == 0)
		return fmt_file_outcome(o);
	fmt_time(o->t_ns, t, sizeof t);
	if (o->has_dev)
		snprintf(dev, sizeof dev, "%+" PRId64 " us", o->dev_ns / 1000);
	if (o->ok && o->from_target && o->got != NULL)
		xasprintf(&text, "ok   %4d %s %10s  %s%s> %s", o->line, t, dev,
		    flow, sp, o->got);
	else if (o->ok)
		xasprintf(&text, "ok   %4d %s %10s  %s", o->line, t, dev,
		    o->expected);
	else if (o->awaited || o->got != NULL)
		xasprintf(&text, "FAIL %4d %s %10s  %s\n     %s:%d: expected: "
		    "%s\n     got: %s\n     differs: %s", o->line, t, dev,
		    o->expected, o->file, o->line, o->expected,
		    o->got != NULL ? o->got : "nothing", o->why);
	else
		xasprintf(&text, "FAIL %4d %s %10s  %s\n     %s:%d: %s",
		    o->line, t, dev, o->expected, o->file, o->line, o->why);
	return text;
}
