/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shell-rec.c: the shell's conversation as it happened (segments, states,
 * notes), drawn again as a ladder or saved as a scenario that `run` plays
 * back: our segments as sent, the target's as '>' lines with relative
 * numbers and a time window around what was seen. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fmt.h"
#include "icmp.h"
#include "report.h"
#include "shell.h"
#include "xmalloc.h"

/* A '>' line's window: what was seen, give or take this much and a
 * quarter of the gap (a timer's segment moves with the machine's load). */
#define REC_SLACK_NS	50000000LL

struct rec_ev {
	struct event	 ev;		/* pointers below are the entry's */
	struct segment	 seg;
	char		*text;
	uint16_t	 lport;
	bool		 foreign;	/* the local kernel's, not ours */
};

struct rec_name {
	uint16_t	 lport;
	char		*name;
};

struct shell_rec {
	struct rec_ev	*v;
	size_t		 n, cap;
	struct rec_name	*names;
	size_t		 nnames;
};

struct shell_rec *
shell_rec_new(void)
{
	return xcalloc(1, sizeof(struct shell_rec));
}

void
shell_rec_free(struct shell_rec *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		segment_clear(&r->v[i].seg);
		free(r->v[i].text);
	}
	for (i = 0; i < r->nnames; i++)
		free(r->names[i].name);
	free(r->names);
	free(r->v);
	free(r);
}

size_t
shell_rec_count(const struct shell_rec *r)
{
	return r->n;
}

void
shell_rec_name(struct shell_rec *r, uint16_t lport, const char *name)
{
	size_t i;

	for (i = 0; i < r->nnames; i++)
		if (r->names[i].lport == lport)
			return;
	r->names = xreallocarray(r->names, r->nnames + 1, sizeof *r->names);
	r->names[r->nnames].lport = lport;
	r->names[r->nnames++].name = xstrdup(name);
}

/* The session says so in the note after a segment of the local kernel's
 * (session.c, seen_foreign): it is no line of a scenario. */
#define REC_FOREIGN_NOTE "the segment above was not sent by tcpshake"

void
shell_rec_event(struct shell_rec *r, const struct event *ev)
{
	struct rec_ev *e;
	size_t k;

	if (ev->type == EV_NOTE && ev->text != NULL &&
	    strncmp(ev->text, REC_FOREIGN_NOTE, strlen(REC_FOREIGN_NOTE)) ==
	    0)
		for (k = r->n; k > 0; k--)
			if (r->v[k - 1].ev.type == EV_SEGMENT) {
				r->v[k - 1].foreign = true;
				break;
			}
	if (ev->type != EV_SEGMENT && ev->type != EV_STATE &&
	    ev->type != EV_NOTE && !(ev->type == EV_ICMP &&
	    ev->dir == DIR_TO_TARGET))
		return;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = xreallocarray(r->v, r->cap, sizeof *r->v);
	}
	e = &r->v[r->n++];
	memset(e, 0, sizeof *e);
	e->ev = *ev;
	e->ev.ip = NULL;
	e->ev.iplen = 0;
	e->ev.outcome = NULL;
	e->ev.counts = NULL;
	e->ev.icmp_from = NULL;
	segment_init(&e->seg);
	if (ev->seg != NULL) {
		segment_copy(&e->seg, ev->seg);
		/* An ICMP error's segment is the target's it quotes. */
		e->lport = ev->dir == DIR_FROM_TARGET || ev->type == EV_ICMP ?
		    ev->seg->dport : ev->seg->sport;
	}
	e->ev.seg = ev->seg != NULL ? &e->seg : NULL;
	e->text = ev->text != NULL ? xstrdup(ev->text) : NULL;
	e->ev.text = e->text;
}

void
shell_rec_ladder(const struct shell_rec *r)
{
	struct sink *chain = NULL;
	size_t i;

	sinks_add(&chain, &report_ladder_ops, report_ladder_new(stdout, 0));
	for (i = 0; i < r->n; i++)
		sinks_emit(chain, &r->v[i].ev);
	sinks_close(&chain);
	fflush(stdout);
}

/* ---- save ---- */

static const char *
rec_flow_name(const struct shell_rec *r, uint16_t lport, size_t idx,
    char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < r->nnames; i++)
		if (r->names[i].lport == lport)
			return r->names[i].name;
	snprintf(buf, len, "f%zu", idx + 1);
	return buf;
}

/* The conversations in the order they began: their local ports. */
static size_t
rec_ports(const struct shell_rec *r, uint16_t **ports)
{
	size_t i, k, n = 0;

	*ports = NULL;
	for (i = 0; i < r->n; i++) {
		if (r->v[i].ev.type != EV_SEGMENT || r->v[i].foreign)
			continue;
		for (k = 0; k < n && (*ports)[k] != r->v[i].lport; k++)
			;
		if (k == n) {
			*ports = xreallocarray(*ports, n + 1, sizeof **ports);
			(*ports)[n++] = r->v[i].lport;
		}
	}
	return n;
}

/* A segment as a packet line of the scenario: relative numbers, no ports;
 * the target's without its window, its options as <...>. */
static char *
rec_seg_text(const struct rec_ev *e)
{
	struct segment view;

	fmt_view_segment(&e->ev, &view);
	view.has &= ~(uint32_t)(SEG_HAS_PORTS | SEG_HAS_TTL | SEG_HAS_TOS |
	    SEG_HAS_ECN | SEG_HAS_ID | SEG_HAS_FLOWLABEL | SEG_HAS_DSCP);
	if (view.nopts == 0)
		view.has &= ~(uint32_t)SEG_HAS_OPTS;
	if (e->ev.dir == DIR_FROM_TARGET) {
		view.has &= ~(uint32_t)SEG_HAS_WIN;
		if (view.nopts > 0)
			view.has |= SEG_ANY_OPTS;
	}
	return segment_format(&view, SEGFMT_PAYLOAD);
}

/* An ICMP error we sent, as its "icmp ..." line: the quote's seq in the
 * target's relative numbers. */
static char *
rec_icmp_text(const struct rec_ev *e)
{
	struct segment view;
	struct icmp_msg m;

	fmt_view_segment(&e->ev, &view);
	icmp_from_wire(e->seg.src.family, e->ev.icmp_type, e->ev.icmp_code,
	    e->ev.icmp_rest, view.seq, e->seg.len, &m);
	return icmp_format(&m);
}

static void
rec_time(FILE *f, bool first, bool expect, int64_t gap)
{
	int64_t slack = REC_SLACK_NS + gap / 4, lo = gap - slack;

	if (first)
		fprintf(f, "0      ");
	else if (!expect)
		fprintf(f, "+%.6f ", (double)gap / 1e9);
	else
		fprintf(f, "+%.6f~+%.6f ", (double)(lo > 0 ? lo : 0) / 1e9,
		    (double)(gap + slack) / 1e9);
}

static void
rec_write(const struct shell_rec *r, FILE *f, const uint16_t *ports,
    size_t nports)
{
	char nb[24], *text;
	bool first = true;
	int64_t prev = 0;
	size_t i, k;

	for (i = 0; i < r->n; i++) {
		const struct rec_ev *e = &r->v[i];

		if ((e->ev.type != EV_SEGMENT && e->ev.type != EV_ICMP) ||
		    e->foreign)
			continue;
		rec_time(f, first, e->ev.dir == DIR_FROM_TARGET,
		    e->ev.t_ns - prev);
		for (k = 0; nports > 1 && ports[k] != e->lport; k++)
			;
		if (nports > 1)
			fprintf(f, "%s ", rec_flow_name(r, e->lport, k, nb,
			    sizeof nb));
		text = e->ev.type == EV_ICMP ? rec_icmp_text(e) :
		    rec_seg_text(e);
		fprintf(f, "%c %s\n", e->ev.dir == DIR_FROM_TARGET ? '>' : '<',
		    text);
		free(text);
		first = false;
		prev = e->ev.t_ns;
	}
}

int
shell_rec_save(const struct shell_rec *r, const char *path,
    const char *target, char *err, size_t errlen)
{
	uint16_t *ports;
	size_t nports = rec_ports(r, &ports), k;
	char nb[24], when[64];
	time_t now = time(NULL);
	FILE *f;

	if (nports == 0) {
		free(ports);
		snprintf(err, errlen, "nothing to save yet: no segment went "
		    "either way");
		return -1;
	}
	if ((f = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
		free(ports);
		return -1;
	}
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
	fprintf(f, "# Saved by tcpshake shell on %s: our segments as sent,\n"
	    "# the target's as seen, with a window around when.\n", when);
	if (target != NULL)
		fprintf(f, "target %s\n", target);
	for (k = 0; nports > 1 && k < nports; k++)
		fprintf(f, "flow %s\n", rec_flow_name(r, ports[k], k, nb,
		    sizeof nb));
	fprintf(f, "\n");
	rec_write(r, f, ports, nports);
	free(ports);
	if (fclose(f) != 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}
