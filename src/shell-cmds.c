/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shell-cmds.c: the shell's commands beside the scenario language (help,
 * target, connect, send, close, show, ladder, save, guard, quit), one row
 * each, and the line dispatch; connect, send and close are in
 * shell-flowcmd.c. */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "endpoint.h"
#include "flow.h"
#include "fmt.h"
#include "peer.h"
#include "script.h"
#include "session.h"
#include "shell.h"
#include "wire.h"
#include "xmalloc.h"

/* ---- show, guard ---- */

static void
show_tcb(const struct flow *f, FILE *out)
{
	fprintf(out, "  state %s\n", flow_state_name(f->state));
	fprintf(out, "  snd.una %" PRIu32 "  snd.nxt %" PRIu32 "  rcv.nxt %"
	    PRIu32 "  (relative; ISNs %" PRIu32 " and %" PRIu32 ")\n",
	    flow_rel_snd(f, f->snd_una), flow_rel_snd(f, f->snd_nxt),
	    f->have_irs ? flow_rel_rcv(f, f->rcv_nxt) : 0, f->iss,
	    f->have_irs ? f->irs : 0);
	fprintf(out, "  snd.wnd %" PRIu32 "  rcv.wnd %" PRIu32 "  mss %u"
	    "  wscale %s  sackOK %s  TS %s\n", f->snd_wnd, f->rcv_wnd,
	    f->snd_mss, f->wscale_ok ? "yes" : "no", f->sack_ok ? "yes" : "no",
	    f->ts_ok ? "yes" : "no");
	fprintf(out, "  sent %" PRIu64 " bytes (%" PRIu64 " acked), received %"
	    PRIu64 "\n", f->bytes_sent, f->bytes_acked, f->bytes_received);
}

static void
cmd_show(struct shell *sh, char *args)
{
	const struct wire_config *wc;
	char a[80], b[80];
	bool ep;
	uint16_t lport = shell_cmd_flow(sh, &ep);

	(void)args;
	if (lport == 0) {
		shell_say(sh, "no flow yet%s%s", sh->host ? "; target " : "",
		    sh->host ? sh->host : "");
		return;
	}
	wc = wire_config(session_wire(engine_session(sh->eng)));
	shell_term_hide();
	printf("prober %s -> target %s (%s)\n", fmt_endpoint(&wc->local,
	    lport, a, sizeof a), fmt_endpoint(&wc->remote, sh->port, b,
	    sizeof b), ep ? "connect's flow" : "a typed flow");
	if (ep)
		show_tcb(ep_flow_tcb(sh->epf), stdout);
	else
		obs_state_show(sh->obs, lport, stdout);
	if (sh->peer != NULL)
		printf("target's kernel (%s): %s\n", sh->peer_netns,
		    peer_state_name(peer_state(sh->peer, &wc->remote, sh->port,
		    &wc->local, lport)));
	else
		printf("target's kernel: not known (start the shell with "
		    "--peer-netns NS)\n");
	fflush(stdout);
	shell_term_show();
}

static void
cmd_guard(struct shell *sh, char *args)
{
	const struct conn_table *t;
	const struct wire *w;
	size_t i;

	(void)args;
	if (sh->eng == NULL) {
		shell_say(sh, "guard: none yet (the session opens with the "
		    "first step or connect)");
		return;
	}
	w = session_wire(engine_session(sh->eng));
	t = session_conns(engine_session(sh->eng));
	shell_term_hide();
	printf("guard: %s\n", wire_guarded(w) ? "on: the local kernel does "
	    "not see the target's segments on these flows (removed when "
	    "the shell ends)" : "off (--no-guard): the local kernel may "
	    "answer with RST");
	for (i = 0; i < t->n; i++)
		printf("  port %u <-> %u: %s\n", t->v[i]->lport, t->v[i]->rport,
		    t->v[i]->guarded ? "guarded" : "not guarded");
	fflush(stdout);
	shell_term_show();
}

/* ---- the rest ---- */

static void
cmd_target(struct shell *sh, char *args)
{
	char *host, why[160];
	uint16_t port;

	if (!script_target_parse(args, &host, &port, why, sizeof why)) {
		shell_error(sh, "target %s: %s", args, why);
		return;
	}
	if (sh->eng != NULL)
		shell_close(sh);
	/* What save and show know is about the old target. */
	shell_rec_free(sh->rec);
	sh->rec = shell_rec_new();
	obs_state_free(sh->obs);
	sh->obs = obs_state_new();
	free(sh->host);
	sh->host = host;
	sh->port = port;
	shell_say(sh, "target %s", args);
}

static void
cmd_flow_decl(struct shell *sh, char *args)
{
	char *line, *old = sh->header;

	xasprintf(&line, "flow %s", args);
	if (shell_check(sh, line) == 0) {	/* else said why: it goes */
		xasprintf(&sh->header, "%s%s\n", old ? old : "", line);
		free(old);
	}
	free(line);
}

static void
cmd_save(struct shell *sh, char *args)
{
	char err[256], *target = NULL;

	if (*args == '\0') {
		shell_error(sh, "save wants a file: save FILE.shake");
		return;
	}
	if (sh->host != NULL)
		xasprintf(&target, strchr(sh->host, ':') ? "[%s]:%u" : "%s:%u",
		    sh->host, sh->port);
	if (shell_rec_save(sh->rec, args, target, err, sizeof err) < 0)
		shell_error(sh, "%s%s", err, geteuid() != 0 && sh->eng != NULL ?
		    " (root went when the session opened: save where this "
		    "user may write, or start the shell with --no-drop)" : "");
	else
		shell_say(sh, "saved to %s: run it with 'tcpshake run %s'",
		    args, args);
	free(target);
}

static void
cmd_ladder(struct shell *sh, char *args)
{
	(void)args;
	shell_term_hide();
	shell_rec_ladder(sh->rec);
	shell_term_show();
}

static void
cmd_quit(struct shell *sh, char *args)
{
	(void)args;
	sh->quit = true;
}

static void
cmd_help(struct shell *sh, char *args)
{
	const struct shell_cmd *c;
	char head[80];

	(void)sh;
	(void)args;
	shell_term_hide();
	printf("Lines of the scenario language (tcpshake-scenario(5)):\n"
	    "  < S 0:0(0) win 65535 <mss 1460>   send it now\n"
	    "  > S. 0:0(0) ack 1 <...>           wait for the target's next "
	    "segment and check it\n"
	    "  > none 2s                         nothing from the target for "
	    "2 s\n"
	    "  `cmd`                             run a command\n"
	    "  +1 < ...                          a time first: wait until "
	    "then\n"
	    "Commands:\n");
	for (c = shell_cmds; c->name != NULL; c++) {
		snprintf(head, sizeof head, "%s %s", c->name, c->args);
		if (strlen(head) > 33)	/* its help on the next line */
			printf("  %s\n  %-33s %s\n", head, "", c->help);
		else
			printf("  %-33s %s\n", head, c->help);
	}
	printf("Ctrl-C cancels a wait; Ctrl-D or quit ends the shell.\n");
	fflush(stdout);
	shell_term_show();
}

const struct shell_cmd shell_cmds[] = {
	{ "help", "", "this list", cmd_help },
	{ "target", "HOST:PORT", "talk to this target (resets open flows)",
	    cmd_target },
	{ "flow", "NAME [PORT]", "declare a flow; lines then name it",
	    cmd_flow_decl },
	{ "connect", "[--mss N] [--wscale N] [--sackok] [--ts] [--win N]",
	    "the handshake, done for you", shell_cmd_connect },
	{ "send", "STRING", "send data (C escapes: \\r\\n)", shell_cmd_send },
	{ "close", "fin|half|rst", "close: both ways, our half, or reset",
	    shell_cmd_close },
	{ "show", "", "our TCB, and the target's state (--peer-netns)",
	    cmd_show },
	{ "ladder", "", "the conversation so far", cmd_ladder },
	{ "save", "FILE.shake", "save it as a scenario for 'tcpshake run'",
	    cmd_save },
	{ "guard", "", "what keeps the local kernel from answering",
	    cmd_guard },
	{ "quit", "", "reset open flows, remove the guard, leave", cmd_quit },
	{ NULL, NULL, NULL, NULL },
};

const struct shell_cmd *
shell_cmd_find(const char *line)
{
	const struct shell_cmd *c;
	size_t n = strcspn(line, " \t");

	for (c = shell_cmds; c->name != NULL; c++)
		if (strlen(c->name) == n && strncmp(c->name, line, n) == 0)
			return c;
	return NULL;
}

void
shell_line(struct shell *sh, char *line)
{
	const struct shell_cmd *c;
	char *args, *end;

	line += strspn(line, " \t");
	end = line + strlen(line);
	while (end > line && isspace((unsigned char)end[-1]))
		*--end = '\0';
	sh->nlines++;
	if (*line == '\0' || *line == '#')
		return;
	if ((c = shell_cmd_find(line)) == NULL) {
		shell_step(sh, line);
		return;
	}
	args = line + strlen(c->name);
	args += strspn(args, " \t");
	c->fn(sh, args);
}
