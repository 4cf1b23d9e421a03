/* SPDX-License-Identifier: GPL-2.0-or-later */
/* syscall-step.c: system-call steps for the engine: the agent started,
 * each call handed to it at its time, its return awaited while the
 * session serves the wire, its time judged (syscall-step.h). */
#include "config.h"

#include <inttypes.h>
#include <libgen.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "clock.h"
#include "fmt.h"
#include "session.h"
#include "syscall-step.h"
#include "syscall.h"
#include "xmalloc.h"

/* The agent is looked at this often while the wire is served: often at
 * first (most calls return within tens of us, and the next line counts
 * from the return), then less. */
#define SYSSTEP_SLICE_FAST_NS	50000LL
#define SYSSTEP_SLICE_NS	1000000LL
#define SYSSTEP_FAST_FOR_NS	5000000LL

struct sysstep {
	struct agent	*ag;
	sysstep_late_fn	 late;
	void		*late_arg;
	/* The blocking call handed over, if any. */
	const struct step *pend;
	uint32_t	 pend_idx;
	int64_t		 pend_lo, pend_end, pend_tol;
	bool		 pend_orphan;	/* a call that should not have
					 * blocked: its return is dropped */
	struct agent_rep rep;
	bool		 have_rep;
	/* %{ }% blocks whose TCP_INFO was taken: run at the end. */
	const struct step **py;
	size_t		 npy;
	char		 err[256];
	bool		 failed;
	/* Our interface, widened: its name and MTU before. */
	char		 wide_if[IFNAMSIZ];
	int		 wide_was;
};

struct sysstep *
sysstep_start(const struct script *sc, const char *netns,
    sysstep_late_fn late, void *late_arg, char *err, size_t errlen)
{
	struct sysstep *ss = xcalloc(1, sizeof *ss);
	char *path = xstrdup(sc->file);
	char *dir = dirname(path);

	ss->late = late;
	ss->late_arg = late_arg;
	ss->ag = agent_start(sc, netns, strcmp(sc->file, "-") == 0 ? NULL :
	    dir, err, errlen);
	free(path);
	if (ss->ag == NULL) {
		free(ss);
		return NULL;
	}
	return ss;
}

/* The session's done(): the agent's reply is in. */
static bool
rep_in(void *arg)
{
	struct sysstep *ss = arg;
	int r;

	if (ss->have_rep || ss->failed)
		return true;
	r = agent_poll(ss->ag, &ss->rep, ss->err, sizeof ss->err);
	if (r < 0)
		ss->failed = true;
	ss->have_rep = r == 1;
	return r != 0;
}

/* Serve the wire until the reply or deadline (run ns). 1: the reply is
 * in ss->rep; 0: the deadline (or a stop) came; -1: a failure. */
static int
await_rep(struct sysstep *ss, struct session *s, int64_t deadline,
    char *err, size_t errlen)
{
	enum session_status st;
	int64_t until, t0 = session_now(s);

	while (!rep_in(ss)) {
		if (session_now(s) >= deadline)
			return 0;
		until = session_now(s) + (session_now(s) - t0 <
		    SYSSTEP_FAST_FOR_NS ? SYSSTEP_SLICE_FAST_NS :
		    SYSSTEP_SLICE_NS);
		st = session_run(s, until < deadline ? until : deadline, rep_in,
		    ss, err, errlen);
		if (st == SESSION_ERROR)
			return -1;
		if (st == SESSION_STOPPED)
			return 0;
	}
	if (ss->failed) {
		snprintf(err, errlen, "%s", ss->err);
		return -1;
	}
	ss->have_rep = false;
	return 1;
}

/* A monotonic stamp of the agent's on the run's clock. */
static int64_t
run_time(struct session *s, int64_t mono)
{
	return mono - (mono_ns() - session_now(s));
}

int
sysstep_addrs(struct sysstep *ss, const struct ipaddr *target,
    uint16_t tport, const struct ipaddr *prober, uint16_t pport, char *err,
    size_t errlen)
{
	struct agent_req req;
	struct agent_rep rep;
	int r;

	memset(&req, 0, sizeof req);
	req.kind = AGENT_ADDRS;
	req.target = *target;
	req.target_port = tport;
	req.prober = *prober;
	req.prober_port = pport;
	if (agent_send(ss->ag, &req, err, errlen) == -1)
		return -1;
	/* The first reply also says the agent entered the namespace. */
	while ((r = agent_poll(ss->ag, &rep, err, errlen)) == 0) {
		struct timespec ts = { 0, 100000 };

		nanosleep(&ts, NULL);
	}
	return r == 1 ? 0 : -1;
}

static void
verdict_from(struct sysstep_verdict *v, const struct agent_rep *rep)
{
	v->ok = rep->ok != 0;
	snprintf(v->got, sizeof v->got, "%s", rep->got);
	snprintf(v->why, sizeof v->why, "%s", rep->why);
}

/* Appends a timing failure to v->why: pre A mid B post. */
static void
time_fail(struct sysstep_verdict *v, const char *pre, int64_t a,
    const char *mid, int64_t b, const char *post)
{
	char ta[32], tb[32];

	v->ok = false;
	snprintf(v->why + strlen(v->why), sizeof v->why - strlen(v->why),
	    "%s%s%s%s%s%s", v->why[0] != '\0' ? "; " : "", pre,
	    fmt_time(a, ta, sizeof ta), mid, fmt_time(b, tb, sizeof tb), post);
}

int
sysstep_settle(struct sysstep *ss, struct session *s, bool at_end,
    char *err, size_t errlen)
{
	struct sysstep_verdict v;
	int64_t deadline;
	int r;

	if (ss->pend == NULL)
		return 0;
	deadline = ss->pend_orphan ? session_now(s) + SYSSTEP_GRACE_NS :
	    ss->pend_end + ss->pend_tol + SYSSTEP_GRACE_NS;
	memset(&v, 0, sizeof v);
	if ((r = await_rep(ss, s, deadline, err, errlen)) < 0)
		return -1;
	if (ss->pend_orphan) {
		if (r == 0 && at_end)
			return 0;	/* the agent's end ends it */
		if (r == 0) {
			snprintf(err, errlen, "the system call of line %d "
			    "still blocks; no later call can run",
			    ss->pend->line);
			return -1;
		}
		ss->pend = NULL;
		return 0;
	}
	if (r == 0) {
		v.t_ns = session_now(s);
		time_fail(&v, "still blocked at ", v.t_ns, "; the line says "
		    "it returns at ", ss->pend_end, "");
		ss->pend_orphan = true;
		ss->late(ss->late_arg, ss->pend, &v);
		/* The call goes on in the agent; the next one waits. */
		return 0;
	}
	verdict_from(&v, &ss->rep);
	v.t_ns = run_time(s, ss->rep.t_end);
	v.dev_ns = v.t_ns - ss->pend_end;
	if (v.dev_ns > ss->pend_tol || -v.dev_ns > ss->pend_tol)
		time_fail(&v, "returned at ", v.t_ns, ", the line says ",
		    ss->pend_end, "");
	ss->late(ss->late_arg, ss->pend, &v);
	ss->pend = NULL;
	return 0;
}

int
sysstep_run(struct sysstep *ss, struct session *s, const struct step *st,
    size_t idx, int64_t lo, int64_t end_at, int64_t tol_ns,
    struct sysstep_verdict *v, char *err, size_t errlen)
{
	struct agent_req req;
	bool shell = st->kind == STEP_SHELL, py = st->kind == STEP_PYTHON;
	bool blocking = st->kind == STEP_SYSCALL && st->call->blocking;
	int64_t sent, deadline;
	int r;

	memset(v, 0, sizeof *v);
	memset(&req, 0, sizeof req);
	req.kind = shell ? AGENT_SHELL : py ? AGENT_PY_SNAP : AGENT_CALL;
	req.step = (uint32_t)idx;
	/* The script's time 0 on CLOCK_MONOTONIC, as the engine laid
	 * this line out (relative times follow what happened). */
	req.t0 = mono_ns() - session_now(s) + lo - st->time.at_ns;
	req.tol_ns = tol_ns;
	sent = session_now(s);
	if (agent_send(ss->ag, &req, err, errlen) == -1)
		return -1;
	if (blocking) {
		ss->pend = st;
		ss->pend_idx = (uint32_t)idx;
		ss->pend_lo = lo;
		ss->pend_end = end_at;
		ss->pend_tol = tol_ns;
		ss->pend_orphan = false;
		return 0;
	}
	deadline = sent + (shell ? SYSSTEP_SHELL_WAIT_NS : tol_ns +
	    SYSSTEP_GRACE_NS);
	if ((r = await_rep(ss, s, deadline, err, errlen)) < 0)
		return -1;
	if (r == 0) {
		v->t_ns = session_now(s);
		v->dev_ns = sent - lo;
		snprintf(v->why, sizeof v->why, "%s", shell ? "command: still "
		    "running after 30 s" : "the call blocks: write its time "
		    "as a span (TIME...END) where a call is to block");
		/* Its return, if it comes, is dropped. */
		ss->pend = st;
		ss->pend_orphan = true;
		return 1;
	}
	verdict_from(v, &ss->rep);
	v->t_ns = run_time(s, ss->rep.t_end);
	v->dev_ns = run_time(s, ss->rep.t_start) - lo;
	if (py && v->ok) {
		ss->py = xreallocarray(ss->py, ss->npy + 1, sizeof *ss->py);
		ss->py[ss->npy++] = st;
		return 0;
	}
	if (!shell && !py && ss->rep.t_end - ss->rep.t_start > tol_ns)
		time_fail(v, "returned at ", v->t_ns, ", begun at ",
		    run_time(s, ss->rep.t_start), ": it blocked; write its "
		    "time as a span (TIME...END)");
	return 1;
}

int
sysstep_python(struct sysstep *ss, struct session *s,
    const struct step *steps, char *err, size_t errlen)
{
	struct sysstep_verdict v;
	struct agent_req req;
	size_t k;
	int r;

	for (k = 0; k < ss->npy && ss->pend != NULL; k++) {
		memset(&v, 0, sizeof v);
		snprintf(v.why, sizeof v.why, "%%{ }%%: not run: the call of "
		    "line %d still blocks the agent", ss->pend->line);
		v.t_ns = session_now(s);
		ss->late(ss->late_arg, ss->py[k], &v);
	}
	for (k = 0; k < ss->npy && ss->pend == NULL; k++) {
		memset(&req, 0, sizeof req);
		req.kind = AGENT_PY_RUN;
		req.step = (uint32_t)(ss->py[k] - steps);
		if (agent_send(ss->ag, &req, err, errlen) == -1 ||
		    (r = await_rep(ss, s, session_now(s) +
		    SYSSTEP_SHELL_WAIT_NS, err, errlen)) < 0)
			return -1;
		memset(&v, 0, sizeof v);
		if (r == 0)
			snprintf(v.why, sizeof v.why, "%%{ }%%: python3 still "
			    "running after 30 s");
		else
			verdict_from(&v, &ss->rep);
		v.t_ns = session_now(s);
		ss->late(ss->late_arg, ss->py[k], &v);
		if (r == 0)
			return -1;
	}
	ss->npy = 0;
	return 0;
}

/* Set ifname's MTU to mtu; the one it had, or 0 when it failed. */
static int
set_mtu(const char *ifname, int mtu)
{
	struct ifreq ifr;
	int fd, was = 0;

	if (ifname == NULL || strlen(ifname) >= sizeof ifr.ifr_name ||
	    (fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0)
		was = ifr.ifr_mtu;
	ifr.ifr_mtu = mtu;
	if (was == mtu || ioctl(fd, SIOCSIFMTU, &ifr) == -1)
		was = 0;
	close(fd);
	return was;
}

void
sysstep_wide_mtu(struct sysstep *ss, const char *ifname)
{
	if ((ss->wide_was = set_mtu(ifname, 65535)) > 0)
		snprintf(ss->wide_if, sizeof ss->wide_if, "%s", ifname);
}

void
sysstep_stop(struct sysstep *ss)
{
	if (ss == NULL)
		return;
	agent_stop(ss->ag);
	if (ss->wide_was > 0)
		(void)set_mtu(ss->wide_if, ss->wide_was);
	free(ss->py);
	free(ss);
}
