/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-obs-state.c: the states inferred from a flow's segments (the
 * shell's typed flows, run's scenario flows, read --ladder's ends): each
 * close, both ends first, a reset, passive and simultaneous opens, and two
 * flows kept apart by our port. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "obs-state.h"

#define PPORT	40000
#define TPORT	80

/* One segment given as a packet line ('<' ours, '>' the target's) on
 * the flow of our port pport: the states it causes, in order and space
 * separated, "-" when none. */
static const char *
feed(struct obs_state *o, uint16_t pport, char dir, const char *line)
{
	struct segment seg;
	struct text_error err;
	struct event ev;
	const char *to[OBS_CHANGES_MAX];
	static char buf[128];
	size_t i, n;
	bool out = dir == '<';

	segment_init(&seg);
	if (!segment_parse(line, &seg, &err)) {
		CHECK_(0, "packet line '%s': %s", line, err.msg);
		return "?";
	}
	seg.sport = out ? pport : TPORT;
	seg.dport = out ? TPORT : pport;
	seg.has |= SEG_HAS_PORTS;
	event_init(&ev, EV_SEGMENT);
	ev.dir = out ? DIR_TO_TARGET : DIR_FROM_TARGET;
	ev.seg = &seg;
	n = obs_state_event(o, &ev, to);
	segment_clear(&seg);
	snprintf(buf, sizeof buf, "%s", n == 0 ? "-" : "");
	for (i = 0; i < n; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s",
		    i > 0 ? " " : "", to[i]);
	return buf;
}

struct step {
	char		 dir;
	const char	*line;
	const char	*state;		/* "-": unchanged */
};

static void
walk(const char *what, const struct step *v, size_t n)
{
	struct obs_state *o = obs_state_new();
	size_t i;

	for (i = 0; i < n; i++)
		CHECK_(strcmp(feed(o, PPORT, v[i].dir, v[i].line),
		    v[i].state) == 0, "%s: step %zu (%c %s) gives %s", what,
		    i + 1, v[i].dir, v[i].line, v[i].state);
	obs_state_free(o);
}

/* We close first: the five states of an active close, FIN_WAIT_2 on the
 * ACK of our FIN. */
static const struct step active_close[] = {
	{ '<', "S 0:0(0) win 65535", "SYN_SENT" },
	{ '>', "S. 0:0(0) ack 1 win 65535", "ESTABLISHED" },
	{ '<', ". 1:1(0) ack 1 win 65535", "-" },
	{ '<', "F. 1:1(0) ack 1 win 65535", "FIN_WAIT_1" },
	{ '>', ". 1:1(0) ack 2 win 65535", "FIN_WAIT_2" },
	{ '>', "F. 1:1(0) ack 2 win 65535", "TIME_WAIT" },
	{ '<', ". 2:2(0) ack 2 win 65535", "-" },
};

/* A FIN that also acks ours: FIN_WAIT_2 and TIME_WAIT after it. */
static const struct step fin_acks_fin[] = {
	{ '<', "S 0:0(0) win 65535", "SYN_SENT" },
	{ '>', "S. 0:0(0) ack 1 win 65535", "ESTABLISHED" },
	{ '<', "F. 1:1(0) ack 1 win 65535", "FIN_WAIT_1" },
	{ '>', "F. 1:1(0) ack 2 win 65535", "FIN_WAIT_2 TIME_WAIT" },
};

/* The target closes first. */
static const struct step passive_close[] = {
	{ '<', "S 0:0(0) win 65535", "SYN_SENT" },
	{ '>', "S. 0:0(0) ack 1 win 65535", "ESTABLISHED" },
	{ '<', ". 1:1(0) ack 1 win 65535", "-" },
	{ '>', "F. 1:1(0) ack 1 win 65535", "CLOSE_WAIT" },
	{ '<', ". 1:1(0) ack 2 win 65535", "-" },
	{ '<', "F. 1:1(0) ack 2 win 65535", "LAST_ACK" },
	{ '>', ". 2:2(0) ack 2 win 65535", "CLOSED" },
};

/* Both FINs cross: CLOSING, then TIME_WAIT on the ACK of ours. */
static const struct step simultaneous_close[] = {
	{ '<', "S 0:0(0) win 65535", "SYN_SENT" },
	{ '>', "S. 0:0(0) ack 1 win 65535", "ESTABLISHED" },
	{ '<', "F. 1:1(0) ack 1 win 65535", "FIN_WAIT_1" },
	{ '>', "F. 1:1(0) ack 1 win 65535", "CLOSING" },
	{ '>', ". 2:2(0) ack 2 win 65535", "TIME_WAIT" },
};

/* A reset ends it; an ACK that does not cover our FIN moves nothing. */
static const struct step reset[] = {
	{ '<', "S 0:0(0) win 65535", "SYN_SENT" },
	{ '>', "S. 0:0(0) ack 1 win 65535", "ESTABLISHED" },
	{ '<', "F. 1:1(0) ack 1 win 65535", "FIN_WAIT_1" },
	{ '>', ". 1:1(0) ack 1 win 65535", "-" },
	{ '>', "R. 1:1(0) ack 2 win 0", "CLOSED" },
};

/* A segment without SYN first leaves the flow CLOSED: no state. */
static const struct step no_syn[] = {
	{ '<', ". 1:1(0) ack 1 win 65535", "-" },
	{ '>', "R 1:1(0) win 0", "-" },
};

/* We answer the target's SYN: nothing on its SYN (LISTEN is not seen),
 * SYN_RECEIVED on our SYN-ACK, ESTABLISHED on the ACK of it. */
static const struct step passive_open[] = {
	{ '>', "S 0:0(0) win 65535", "-" },
	{ '<', "S. 0:0(0) ack 1 win 65535", "SYN_RECEIVED" },
	{ '>', ". 1:1(0) ack 1 win 65535", "ESTABLISHED" },
	{ '>', "F. 1:1(0) ack 1 win 65535", "CLOSE_WAIT" },
};

/* A SYN we refuse: CLOSED throughout, no state. */
static const struct step refused[] = {
	{ '>', "S 0:0(0) win 65535", "-" },
	{ '<', "R. 0:0(0) ack 1 win 0", "-" },
};

/* Both SYNs cross (RFC 9293 figure 8): SYN_RECEIVED on theirs,
 * ESTABLISHED on the SYN-ACK that acks ours. */
static const struct step simultaneous_open[] = {
	{ '<', "S 0:0(0) win 65535", "SYN_SENT" },
	{ '>', "S 0:0(0) win 65535", "SYN_RECEIVED" },
	{ '<', "S. 0:0(0) ack 1 win 65535", "-" },
	{ '>', "S. 0:0(0) ack 1 win 65535", "ESTABLISHED" },
};

int
main(void)
{
	struct obs_state *o;
	struct event ev;
	const char *to[OBS_CHANGES_MAX];

	walk("active close", active_close,
	    sizeof active_close / sizeof active_close[0]);
	walk("FIN acking ours", fin_acks_fin,
	    sizeof fin_acks_fin / sizeof fin_acks_fin[0]);
	walk("passive close", passive_close,
	    sizeof passive_close / sizeof passive_close[0]);
	walk("simultaneous close", simultaneous_close,
	    sizeof simultaneous_close / sizeof simultaneous_close[0]);
	walk("reset", reset, sizeof reset / sizeof reset[0]);
	walk("no SYN", no_syn, sizeof no_syn / sizeof no_syn[0]);
	walk("passive open", passive_open,
	    sizeof passive_open / sizeof passive_open[0]);
	walk("refused", refused, sizeof refused / sizeof refused[0]);
	walk("simultaneous open", simultaneous_open,
	    sizeof simultaneous_open / sizeof simultaneous_open[0]);

	/* Two flows, one per port of ours: each its own state. */
	o = obs_state_new();
	CHECK_STR(feed(o, PPORT, '<', "S 0:0(0) win 65535"), "SYN_SENT");
	CHECK_STR(feed(o, PPORT + 1, '<', "S 0:0(0) win 65535"), "SYN_SENT");
	CHECK_STR(feed(o, PPORT, '>', "S. 0:0(0) ack 1 win 65535"),
	    "ESTABLISHED");
	CHECK_STR(feed(o, PPORT + 1, '>', "R. 0:0(0) ack 1 win 0"), "CLOSED");
	CHECK(obs_state_known(o, PPORT));
	CHECK(!obs_state_known(o, PPORT + 2));
	/* Not a segment: nothing. */
	event_init(&ev, EV_NOTE);
	ev.text = "a note";
	CHECK_INT(obs_state_event(o, &ev, to), 0);
	obs_state_free(o);
	return check_done();
}
