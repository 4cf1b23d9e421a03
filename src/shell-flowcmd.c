/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shell-flowcmd.c: the shell's commands that move a flow: connect (a TCB
 * of the endpoint carrying out plan steps, step.h, on an engine over
 * the shell's session), send and close on it, or on a typed flow as the packet line
 * they stand for. */
#include "config.h"

#include <sys/random.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "endpoint.h"
#include "flow.h"
#include "engine.h"
#include "serve.h"
#include "session.h"
#include "shell.h"
#include "xmalloc.h"

const char *const shell_connect_flags[] = {
	"--mss", "--wscale", "--sackok", "--ts", "--win", NULL,
};

/* ---- the flow a command acts on ---- */

/* connect's while it is open, else the first typed one: its local port,
 * and whether it is connect's. 0: none. */
uint16_t
shell_cmd_flow(struct shell *sh, bool *ep)
{
	const struct flow *f;
	struct conn *c;

	*ep = false;
	if (sh->epf != NULL) {
		f = ep_flow_tcb(sh->epf);
		c = sh->eng != NULL ? engine_flow_conn(sh->eng, 0) : NULL;
		if (f->state != FLOW_CLOSED || c == NULL ||
		    !obs_state_known(sh->obs, c->lport)) {
			*ep = true;
			return f->cfg.lport;
		}
	}
	if (sh->eng == NULL || (c = engine_flow_conn(sh->eng, 0)) == NULL)
		return 0;
	return c->lport;
}

static void
cmd_plan(struct shell *sh, struct plan *p, const char *what)
{
	struct engine_opts eo;
	struct engine_result r;

	memset(&eo, 0, sizeof eo);
	eo.stop = sh->stop;
	engine_run_plan(engine_session(sh->eng), &eo, sh->ep, sh->epf, p,
	    &r);
	plan_free(p);
	session_settle(engine_session(sh->eng));
	if (r.error)
		shell_error(sh, "%s", r.failed);
	else if (r.failed != NULL && sh->stop != NULL && *sh->stop)
		shell_say(sh, "cancelled (%s)", what);
	else if (r.failed != NULL) {
		sh->nfailed++;
		shell_say(sh, "%s: not as asked: %s", what, r.failed);
	}
}

/* ---- connect ---- */

static int
connect_flags(struct shell *sh, char *args, struct flow_config *fc)
{
	char *w, *v, *end, *save = NULL;
	unsigned long n;

	for (w = strtok_r(args, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		if (strcmp(w, "--sackok") == 0) {
			fc->sackok = true;
			continue;
		}
		if (strcmp(w, "--ts") == 0) {
			fc->ts = true;
			continue;
		}
		v = strtok_r(NULL, " \t", &save);
		n = v != NULL ? strtoul(v, &end, 10) : 0;
		if (v == NULL || *end != '\0' || end == v)
			goto bad;
		if (strcmp(w, "--mss") == 0 && n <= 65535)
			fc->mss = (uint16_t)n;
		else if (strcmp(w, "--wscale") == 0 && n <= 14)
			fc->wscale = (int)n;
		else if (strcmp(w, "--win") == 0 && n <= 65535)
			fc->rcv_wnd = (uint32_t)n;
		else
			goto bad;
	}
	return 0;
bad:
	shell_error(sh, "connect takes --mss N, --wscale 0..14, --sackok, "
	    "--ts, --win N; not '%s'", w);
	return -1;
}

void
shell_cmd_connect(struct shell *sh, char *args)
{
	struct endpoint_config ec = { false, false };
	struct flow_config fc;
	struct plan p;
	char err[256];
	uint32_t rnd[2];

	flow_config_init(&fc);
	if (connect_flags(sh, args, &fc) < 0 || shell_open(sh) < 0)
		return;
	if (sh->epf != NULL && ep_flow_tcb(sh->epf)->state != FLOW_CLOSED) {
		shell_error(sh, "connect's flow is open (%s): close it first",
		    flow_state_name(ep_flow_tcb(sh->epf)->state));
		return;
	}
	if (getrandom(rnd, sizeof rnd, 0) != sizeof rnd)
		rnd[0] = rnd[1] = (uint32_t)getpid() * 2654435761u;
	fc.iss = rnd[0];
	fc.lport = (uint16_t)(32768 + rnd[1] % 28232);
	fc.rport = sh->port;
	if (sh->ep == NULL)
		sh->ep = endpoint_new(engine_session(sh->eng), &ec);
	if ((sh->epf = endpoint_add_flow(sh->ep, &fc, err, sizeof err)) ==
	    NULL) {
		shell_error(sh, "%s", err);
		return;
	}
	plan_init(&p);
	plan_add(&p, STEP_OPEN);
	plan_await(&p, STEP_ESTABLISHED, SHELL_PLAN_NS,
	    "waiting for the SYN-ACK");
	cmd_plan(sh, &p, "connect");
}

/* ---- send and close on a typed flow: a line of the language ---- */

static void
typed_line(struct shell *sh, uint16_t lport, const char *flags,
    const char *data)
{
	uint32_t nxt, rcv, wnd;
	uint8_t *bytes = NULL;
	size_t len = 0;
	char *line, *why = NULL;

	if (obs_state_next(sh->obs, lport, &nxt, &rcv, &wnd) < 0) {
		shell_error(sh, "nothing sent on this flow yet: type its SYN, "
		    "or use connect");
		return;
	}
	if (data != NULL && !serve_unescape(data, &bytes, &len, &why)) {
		shell_error(sh, "%s", why);
		free(why);
		return;
	}
	free(bytes);
	xasprintf(&line, "< %s %" PRIu32 ":%" PRIu32 "(%zu) ack %" PRIu32
	    " win %" PRIu32 "%s%s%s", flags, nxt, nxt + (uint32_t)len, len, rcv,
	    wnd, data != NULL ? " \"" : "", data != NULL ? data : "",
	    data != NULL ? "\"" : "");
	shell_say(sh, "%s", line);
	shell_step(sh, line);
	free(line);
}

/* STRING: as typed, or between double quotes, with C escapes. */
static char *
send_text(char *args)
{
	size_t n = strlen(args);

	if (n >= 2 && args[0] == '"' && args[n - 1] == '"') {
		args[n - 1] = '\0';
		return args + 1;
	}
	return args;
}

void
shell_cmd_send(struct shell *sh, char *args)
{
	struct plan p;
	struct step *st;
	char *text = send_text(args), *why = NULL;
	uint8_t *bytes;
	size_t len;
	bool ep;
	uint16_t lport = shell_cmd_flow(sh, &ep);

	if (*text == '\0') {
		shell_error(sh, "send wants what to send: send hello\\n");
		return;
	}
	if (lport == 0) {
		shell_error(sh, "no flow yet: connect first, or type a SYN");
		return;
	}
	if (!ep) {
		typed_line(sh, lport, "P.", text);
		return;
	}
	if (!serve_unescape(text, &bytes, &len, &why)) {
		shell_error(sh, "%s", why);
		free(why);
		return;
	}
	plan_init(&p);
	st = plan_add(&p, STEP_WRITE);
	st->data = bytes;
	st->len = len;
	plan_await(&p, STEP_ACKED, SHELL_PLAN_NS,
	    "waiting for our data to be acknowledged");
	cmd_plan(sh, &p, "send");
	free(bytes);
}

void
shell_cmd_close(struct shell *sh, char *args)
{
	struct plan p;
	struct step *st;
	bool ep;
	uint16_t lport = shell_cmd_flow(sh, &ep);

	if (strcmp(args, "fin") != 0 && strcmp(args, "half") != 0 &&
	    strcmp(args, "rst") != 0) {
		shell_error(sh, "close wants fin, half or rst");
		return;
	}
	if (lport == 0) {
		shell_error(sh, "no flow to close");
		return;
	}
	if (!ep) {
		typed_line(sh, lport, args[0] == 'r' ? "R." : "F.", NULL);
		return;
	}
	plan_init(&p);
	if (args[0] == 'r')
		plan_add(&p, STEP_ABORT);
	else {
		plan_add(&p, STEP_SHUTDOWN);
		/* half: back to the prompt; what the target still sends is
		 * shown and acknowledged as it comes. */
		if (args[0] == 'f') {
			st = plan_add(&p, STEP_CLOSE);
			st->timeout_ns = SHELL_PLAN_NS;
			st->what = "waiting for the target's FIN";
		}
	}
	cmd_plan(sh, &p, "close");
}
