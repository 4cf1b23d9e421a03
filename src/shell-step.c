/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shell-step.c: the shell's session: opened on the engine (engine.h, one
 * step at a time), each typed line parsed by the scenario parser and run
 * as one step, the events shown between prompts, kept and observed. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "endpoint.h"
#include "output.h"
#include "script.h"
#include "session.h"
#include "shell.h"
#include "xmalloc.h"

void
shell_say(struct shell *sh, const char *fmt, ...)
{
	va_list ap;

	(void)sh;
	shell_term_hide();
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	shell_term_show();
}

void
shell_error(struct shell *sh, const char *fmt, ...)
{
	va_list ap;

	sh->nerrors++;
	fflush(stdout);
	shell_term_hide();
	fputs("tcpshake: shell: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	shell_term_show();
}

/* Is lport one of the flows the user types (not connect's)? */
static bool
typed_port(const struct shell *sh, uint16_t lport)
{
	struct conn *c;
	size_t i;

	for (i = 0; sh->eng != NULL &&
	    (c = engine_flow_conn(sh->eng, i)) != NULL; i++)
		if (c->lport == lport)
			return true;
	return false;
}

/* A typed flow's state: kept and shown. */
static void
shell_state_out(void *arg, const struct event *st)
{
	struct shell *sh = arg;

	shell_rec_event(sh->rec, st);
	output_emit(sh->out, st);
}

/* Every event: kept, shown, and for a typed flow's segment the states it
 * causes (connect's TCB says its own). */
static void
shell_emit(void *arg, const struct event *ev)
{
	struct shell *sh = arg;
	const char *to[OBS_CHANGES_MAX];
	size_t n = 0;
	uint16_t lport;

	shell_rec_event(sh->rec, ev);
	if (ev->type == EV_SEGMENT && ev->seg != NULL && ev->dir != DIR_NONE) {
		lport = ev->dir == DIR_FROM_TARGET ? ev->seg->dport :
		    ev->seg->sport;
		if (typed_port(sh, lport))
			n = obs_state_segment(sh->obs, lport, ev, to);
	}
	shell_term_hide();
	output_emit(sh->out, ev);
	obs_state_emit(ev, to, n, shell_state_out, sh);
	fflush(stdout);
	shell_term_show();
}

/* "HOST:PORT", with brackets around an IPv6 host. */
static char *
target_text(const struct shell *sh)
{
	char *t;

	xasprintf(&t, strchr(sh->host, ':') ? "[%s]:%u" : "%s:%u", sh->host,
	    sh->port);
	return t;
}

/* The flows declared so far, and line at its line number. */
static struct script *
shell_parse(struct shell *sh, const char *line)
{
	struct script_errors errs = { NULL, 0, false };
	char *target = sh->host != NULL ? target_text(sh) : NULL, *text;
	struct script_defs defs = { NULL, 0, target, target != NULL,
	    false, NULL, 0 };
	struct script *sc;
	int hl = 0, pad;
	const char *p;

	for (p = sh->header; p != NULL && *p != '\0'; p++)
		hl += *p == '\n';
	pad = line != NULL && sh->nlines > hl + 1 ? sh->nlines - hl - 1 : 0;
	xasprintf(&text, "%s%*s%s\n", sh->header ? sh->header : "", pad, "",
	    line != NULL ? line : "");
	/* Blank lines, not spaces: the step's line number is the input's. */
	memset(text + strlen(sh->header ? sh->header : ""), '\n',
	    (size_t)pad);
	sc = script_parse_string("shell", text, &defs, &errs);
	free(text);
	free(target);
	if (sc == NULL) {
		fflush(stdout);
		shell_term_hide();
		script_errors_print(stderr, &errs);
		shell_term_show();
		script_errors_clear(&errs);
		sh->nerrors++;
	}
	return sc;
}

int
shell_check(struct shell *sh, const char *line)
{
	struct script *sc = shell_parse(sh, line);

	script_free(sc);
	return sc != NULL ? 0 : -1;
}

int
shell_open(struct shell *sh)
{
	struct script *sc;
	char err[256];

	if (sh->eng != NULL)
		return 0;
	if (sh->host == NULL) {
		shell_error(sh, "no target: give one with 'target HOST:PORT'");
		return -1;
	}
	if ((sc = shell_parse(sh, NULL)) == NULL)
		return -1;
	sh->cfg.emit = shell_emit;
	sh->cfg.emit_arg = sh;
	sh->cfg.any_wait_ns = sh->deadline_ns;
	sh->cfg.tolerance_usecs = -1;
	sh->cfg.tolerance_percent = -1;
	sh->cfg.ifname = sh->ifname;
	sh->cfg.source = sh->source;
	sh->cfg.no_guard = sh->no_guard;
	sh->cfg.stop = sh->stop;
	sh->cfg.peer = sh->peer;
	/* Root goes once the wire is open, as in run: CAP_NET_RAW and
	 * CAP_NET_ADMIN stay for the flows and sessions to come. */
	sh->cfg.drop = &sh->drop;
	if ((sh->eng = engine_open(sc, &sh->cfg, &sh->res, err,
	    sizeof err)) == NULL) {
		script_free(sc);
		shell_error(sh, "%s", err);
		return -1;
	}
	script_free(sh->sc);
	sh->sc = sc;
	return 0;
}

void
shell_close(struct shell *sh)
{
	const struct flow *tcb;
	char err[256];

	if (sh->eng == NULL)
		return;
	if (sh->epf != NULL) {
		tcb = ep_flow_tcb(sh->epf);
		if (tcb->state != FLOW_CLOSED && tcb->state != FLOW_TIME_WAIT) {
			shell_say(sh, "resetting the flow connect opened (%s)",
			    flow_state_name(tcb->state));
			if (endpoint_abort(sh->ep, sh->epf, err, sizeof err) ==
			    -1)
				shell_error(sh, "%s", err);
		}
	}
	engine_close(sh->eng);
	sh->eng = NULL;
	endpoint_free(sh->ep);
	sh->ep = NULL;
	sh->epf = NULL;
	script_free(sh->sc);
	sh->sc = NULL;
}

/* ---- typed lines ---- */

/* "2s", "250ms", "1.5": ns, or -1. */
static int64_t
shell_duration(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || !(v >= 0 && v < 86400))
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		return (int64_t)(v * 1e9);
	if (strcmp(end, "ms") == 0)
		return (int64_t)(v * 1e6);
	if (strcmp(end, "us") == 0)
		return (int64_t)(v * 1e3);
	return -1;
}

/* A line without a time gets one: '<' and commands now, '>' whenever it
 * comes within the deadline ('*'), "> none 2s" a silence from now. */
static char *
shell_timed(struct shell *sh, const char *line)
{
	const char *p = line, *arrow, *none;
	char *out, dur[32];
	int64_t ns;

	if (isdigit((unsigned char)*p) || *p == '+' || *p == '.' || *p == '*')
		return xstrdup(line);
	arrow = strpbrk(p, "<>`");
	if (arrow == NULL || *arrow != '>') {
		xasprintf(&out, "+0 %s", line);
		return out;
	}
	none = arrow + 1 + strspn(arrow + 1, " \t");
	if (strncmp(none, "none", 4) != 0 || !isspace((unsigned char)none[4])) {
		xasprintf(&out, "* %s", line);
		return out;
	}
	if (sscanf(none + 4, " %31s", dur) != 1 ||
	    (ns = shell_duration(dur)) < 0) {
		shell_error(sh, "'> none' wants how long: '> none 2s'");
		return NULL;
	}
	xasprintf(&out, "+0~+%.6f %.*s> none", (double)ns / 1e9,
	    (int)(arrow - line), line);
	return out;
}

/* The typed flows' names, for save. */
static void
shell_names(struct shell *sh)
{
	struct conn *c;
	size_t i;

	for (i = 0; i < sh->sc->nflows &&
	    (c = engine_flow_conn(sh->eng, i)) != NULL; i++)
		if (sh->sc->flows[i].name != NULL)
			shell_rec_name(sh->rec, c->lport, sh->sc->flows[i].name);
}

void
shell_step(struct shell *sh, const char *line)
{
	struct script *sc;
	char *timed, err[256];
	bool typed_time;
	int rc;

	if ((timed = shell_timed(sh, line)) == NULL)
		return;
	typed_time = strcmp(timed, line) == 0;
	sc = shell_parse(sh, timed);
	free(timed);
	if (sc == NULL)
		return;
	if (sc->nsteps != 1) {
		shell_error(sh, "'%s' is no step: a packet line, '> none 2s', "
		    "a `command`, or one of the commands 'help' lists", line);
		script_free(sc);
		return;
	}
	if (shell_open(sh) < 0) {
		script_free(sc);
		return;
	}
	/* The verdict quotes the line as typed, not the time given it. */
	if (!typed_time) {
		free(sc->steps[0].text);
		sc->steps[0].text = xstrdup(line);
	}
	/* A relative time counts from the line's Enter; '*' from now too. */
	rc = engine_step(sh->eng, sc, 0, !typed_time ||
	    sc->steps[0].time.kind != STEP_TIME_ABS, err, sizeof err);
	script_free(sh->sc);
	sh->sc = sc;
	shell_names(sh);
	if (rc < 0)
		shell_error(sh, "%s", err);
	else if (rc == 0 && sh->stop != NULL && *sh->stop)
		shell_say(sh, "cancelled");
	else if (rc == 0)
		sh->nfailed++;
}

void
shell_poll(struct shell *sh)
{
	struct session *s;
	char err[256];

	if (sh->eng == NULL)
		return;
	s = engine_session(sh->eng);
	if (session_run(s, session_now(s), NULL, NULL, err, sizeof err) ==
	    SESSION_ERROR)
		shell_error(sh, "%s", err);
}
