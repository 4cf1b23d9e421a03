/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine-run.c: a scenario run whole on the engine (tcpshake run): its
 * session through the route, a flow per script flow, the steps with
 * run's rules, the resets, the file's verdict. */
#include "config.h"

#include <sys/prctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-int.h"
#include "realtime.h"
#include "route.h"
#include "syscall-step.h"
#include "target.h"
#include "xmalloc.h"

#define ENGINE_GRACE_NS		2000000LL	/* the last stamps, read */

struct eng_run {
	const struct script		*sc;
	const struct engine_config	*cfg;
	struct route	 rt;
	struct session	*s;
	struct engine	*e;
	const char	**names;	/* the flows' */
	uint16_t	 dport;		/* the target's port */
	struct sysstep	*sys;		/* a file with system calls: the
					 * agent */
	bool		 started;	/* the run's clock is running */
	int64_t		 end_ns;	/* on it, when the session closed */
	char		 err[256];
	struct engine_result *res;
};

/* The session to the script's target: through the route, or on the
 * caller's wire. */
static int
run_open_session(struct eng_run *r)
{
	struct session_config sc;
	struct wire_config *wc = &sc.wire_cfg;
	const char *abs = script_option(r->sc, "absolute");

	memset(&sc, 0, sizeof sc);
	sc.wire = r->cfg->wire;
	sc.absolute = r->cfg->absolute || (abs != NULL &&
	    strcmp(abs, "yes") == 0);
	sc.stop = r->cfg->stop;
	sc.peer = r->cfg->peer;
	sc.emit = r->cfg->emit;
	sc.emit_arg = r->cfg->emit_arg;
	if (sc.wire == NULL) {
		if (target_route(r->sc->target_host, r->cfg->ifname,
		    r->cfg->source, &r->rt, r->err, sizeof r->err) < 0)
			return -1;
		wc->local = r->rt.src;
		wc->remote = r->rt.dst;
		wc->ifname = r->rt.ifname;
		wc->rport = r->sc->target_port;
		wc->no_guard = r->cfg->no_guard;
		/* The guard first: without privileges, the line names
		 * CAP_NET_ADMIN (tcpshake(1), run). */
		wc->guard_first = true;
	}
	if ((r->s = session_open(&sc, r->err, sizeof r->err)) == NULL)
		return -1;
	return 0;
}

static void
run_engine(struct eng_run *r)
{
	const struct script *sc = r->sc;
	const struct engine_config *cfg = r->cfg;
	struct engine_opts o;
	size_t i;

	r->names = xcalloc(sc->nflows, sizeof *r->names);
	for (i = 0; i < sc->nflows; i++)
		r->names[i] = sc->flows[i].name;
	memset(&o, 0, sizeof o);
	o.spin_ns = cfg->spin_ns;
	o.tolerance_usecs = cfg->tolerance_usecs >= 0 ? cfg->tolerance_usecs :
	    sc->tolerance_usecs;
	o.tolerance_percent = cfg->tolerance_percent >= 0 ?
	    cfg->tolerance_percent : sc->tolerance_percent;
	o.stop = cfg->stop;
	o.any_wait_ns = cfg->any_wait_ns;
	o.verdicts = true;
	o.file = sc->file;
	o.flow_names = r->names;
	r->e = engine_new(r->s, &o);
}

/* A blocking call's verdict (the agent's late callback). */
static void
run_late(void *arg, const struct step *st, const struct sysstep_verdict *sv)
{
	eng_agent_late(((struct eng_run *)arg)->e, st, sv);
}

/* A file with system calls: the agent, forked before the wire opens and
 * root goes (it enters the target's namespace and makes calls there as
 * root). */
static int
run_agent(struct eng_run *r)
{
	struct route rt;

	if (r->cfg->agent_netns == NULL) {
		snprintf(r->err, sizeof r->err, "system-call lines need a lab "
		    "target: run it with --lab");
		return -1;
	}
	if ((r->sys = sysstep_start(r->sc, r->cfg->agent_netns, run_late, r,
	    r->err, sizeof r->err)) == NULL)
		return -1;
	/* packetdrill's '<' lines may exceed the MTU: our interface to the
	 * target takes them whole, as the target's does (agent.c), before
	 * the capture sizes itself. */
	if (r->cfg->wire == NULL && target_route(r->sc->target_host,
	    r->cfg->ifname, r->cfg->source, &rt, r->err, sizeof r->err) == 0)
		sysstep_wide_mtu(r->sys, rt.ifname);
	return 0;
}

/* A port of our own for each flow, held, then root goes. */
static int
run_open(struct eng_run *r)
{
	const struct wire_config *wc;
	size_t i;

	if (r->sc->target_host == NULL) {
		snprintf(r->err, sizeof r->err, "no target: give --target "
		    "HOST:PORT or a 'target' line");
		return -1;
	}
	r->dport = r->sc->target_port;
	if (r->sc->syscalls && run_agent(r) < 0)
		return -1;
	if (run_open_session(r) < 0)
		return -1;
	run_engine(r);
	r->e->run = r;
	r->e->sys = r->sys;
	r->e->steps0 = r->sc->steps;
	r->e->syscalls = r->sc->syscalls;
	if (script_option(r->sc, "mss") != NULL)
		r->e->mss_cut = (uint32_t)strtoul(script_option(r->sc, "mss"),
		    NULL, 10);
	for (i = 0; i < r->sc->nflows; i++)
		if (engine_add_flow(r->e, r->sc->flows[i].sport,
		    r->sc->target_port, r->err, sizeof r->err) < 0)
			return -1;
	wc = wire_config(session_wire(r->s));
	if (r->sys != NULL && sysstep_addrs(r->sys, &wc->remote, r->dport,
	    &wc->local, r->e->flows[0]->c->lport, r->err, sizeof r->err) == -1)
		return -1;
	/* Root goes now; the next file opens its wire with what is kept. */
	return privdrop_apply(r->cfg->drop, PRIVDROP_KEEP_BIND |
	    (r->cfg->no_guard ? 0 : PRIVDROP_KEEP_ADMIN), r->err,
	    sizeof r->err);
}

static void
run_close(struct eng_run *r)
{
	bool ok = r->started && !r->res->error;

	if (ok)
		engine_finish(r->e);
	/* Stamps for the last sends, and what the target still says. */
	ok = ok && !engine_result(r->e)->error;
	if (ok && session_run(r->s, session_now(r->s) + ENGINE_GRACE_NS,
	    NULL, NULL, r->err, sizeof r->err) != SESSION_ERROR)
		session_settle(r->s);
	if (r->started)
		r->end_ns = session_now(r->s);
	engine_free(r->e);
	r->e = NULL;
	free(r->names);
	r->names = NULL;
	session_close(r->s);
	r->s = NULL;
	/* After the RSTs above: its sockets close with it. */
	sysstep_stop(r->sys);
	r->sys = NULL;
}

/* The flows sc declares beyond the engine's (sc repeats the earlier
 * ones in order): conversations added, the names taken again. */
static int
run_grow(struct eng_run *r, const struct script *sc)
{
	size_t i;

	for (i = r->e->nflows; i < sc->nflows; i++)
		if (engine_add_flow(r->e, sc->flows[i].sport, r->dport, r->err,
		    sizeof r->err) < 0)
			return -1;
	r->names = xreallocarray(r->names, sc->nflows, sizeof *r->names);
	for (i = 0; i < sc->nflows; i++)
		r->names[i] = sc->flows[i].name;
	r->e->o.flow_names = r->names;
	r->e->o.file = sc->file;
	r->sc = sc;
	return 0;
}

/* The file's verdict: EV_STEP with line 0. */
static void
run_file_verdict(struct eng_run *r, const char *error)
{
	struct step_outcome o = { 0 };
	struct event ev;

	o.file = r->sc->file;
	o.ok = error == NULL && r->res->nfailed == 0 && !r->res->stopped;
	o.nsteps = r->res->nsteps;
	o.nfailed = r->res->nfailed;
	o.nlate = r->res->nlate;
	o.nsteps_file = (int)r->sc->nsteps;
	o.stopped = r->res->stopped;
	o.error = error;
	if (r->started)
		o.t_ns = r->end_ns;
	event_init(&ev, EV_STEP);
	ev.t_ns = o.t_ns;
	ev.outcome = &o;
	if (r->cfg->emit != NULL)
		r->cfg->emit(r->cfg->emit_arg, &ev);
}

/* A blocking call still out: its verdict; the %{ }% blocks. */
static void
run_agent_end(struct eng_run *r)
{
	struct engine *e = r->e;

	if (r->sys == NULL || e->res.error || e->res.stopped)
		return;
	if (sysstep_settle(r->sys, r->s, true, e->res.why,
	    sizeof e->res.why) == -1 || sysstep_python(r->sys, r->s,
	    r->sc->steps, e->res.why, sizeof e->res.why) == -1) {
		e->res.error = true;
		e->res.failed = e->res.why;
	}
}

int
engine_run(const struct script *sc, const struct engine_config *cfg,
    struct engine_result *res, char *err, size_t errlen)
{
	struct eng_run r;
	int rc = 0;

	memset(&r, 0, sizeof r);
	memset(res, 0, sizeof *res);
	r.sc = sc;
	r.cfg = cfg;
	r.res = res;
	if (run_open(&r) < 0) {
		snprintf(err, errlen, "%s: %s", sc->file, r.err);
		run_file_verdict(&r, r.err);
		run_close(&r);
		return -1;
	}
	/* Sleeps end when asked, not up to 50 us later (timer slack). */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	realtime_settle();
	session_start(r.s);
	r.started = true;
	engine_run_steps(r.e, sc->steps, sc->nsteps, cfg->keep_going, false);
	run_agent_end(&r);
	*res = *engine_result(r.e);
	if (res->failed != NULL)
		res->failed = res->why;
	if (res->error) {
		snprintf(r.err, sizeof r.err, "%s", res->why);
		/* The step the wire failed on. */
		snprintf(err, errlen, "%s:%d: %s", sc->file, r.e->x.st != NULL ?
		    r.e->x.st->line : 0, r.err);
		rc = -1;
	}
	run_close(&r);
	run_file_verdict(&r, rc < 0 ? r.err : NULL);
	return rc;
}

/* ---- One step at a time (the shell) ---- */

struct engine *
engine_open(const struct script *sc, const struct engine_config *cfg,
    struct engine_result *res, char *err, size_t errlen)
{
	struct eng_run *r = xcalloc(1, sizeof *r);

	memset(res, 0, sizeof *res);
	r->sc = sc;
	r->cfg = cfg;
	r->res = res;
	if (run_open(r) < 0) {
		snprintf(err, errlen, "%s", r->err);
		run_close(r);
		free(r);
		return NULL;
	}
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	session_start(r->s);
	r->started = true;
	return r->e;
}

int
engine_step(struct engine *e, const struct script *sc, size_t i,
    bool from_now, char *err, size_t errlen)
{
	struct eng_run *r = e->run;
	enum engine_poll rc;

	if (run_grow(r, sc) < 0) {
		snprintf(err, errlen, "%s", r->err);
		return -1;
	}
	if (from_now)
		engine_clock_now(e);
	e->res.stopped = false;
	engine_feed(e, &sc->steps[i]);
	rc = engine_poll(e, WIRE_NEVER);
	*r->res = e->res;
	if (r->res->failed != NULL)
		r->res->failed = r->res->why;
	if (rc == ENGINE_ERROR) {
		snprintf(err, errlen, "%s", e->res.why);
		/* The shell goes on: the next step may find the wire well. */
		e->res.error = false;
		e->res.failed = NULL;
		return -1;
	}
	return rc == ENGINE_DONE && engine_outcome(e)->ok ? 1 : 0;
}

void
engine_close(struct engine *e)
{
	struct eng_run *r;

	if (e == NULL)
		return;
	r = e->run;
	run_close(r);
	free(r);
}
