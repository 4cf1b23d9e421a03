/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shell.h: `tcpshake shell`: what its modules share: the options, the
 * engine the typed lines run on (engine.h, one step at a time), connect's
 * endpoint on the same session, the recorder behind save and ladder. */
#ifndef TCPSHAKE_SHELL_H
#define TCPSHAKE_SHELL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "event.h"
#include "obs-state.h"
#include "privdrop.h"

#define SHELL_DEADLINE_NS	3000000000LL	/* a '>' line without a time */
#define SHELL_PLAN_NS		10000000000LL	/* connect, send, close */
#define SHELL_HISTORY		".tcpshake_history"

struct shell_rec;
struct endpoint;
struct ep_flow;
struct output;
struct peer;
struct script;

struct shell {
	/* Options. */
	char		*host;		/* the target; NULL: none yet */
	uint16_t	 port;
	int64_t		 deadline_ns;	/* --deadline */
	const char	*ifname;	/* -I */
	const char	*source;
	const char	*peer_netns;	/* --peer-netns */
	bool		 no_guard;
	bool		 interactive;	/* a terminal: prompt, editing */
	struct privdrop_opts drop;	/* --user, --no-drop: when the
					 * session opens (privdrop.h) */

	/* The typed lines: the flows declared so far ("flow NAME" lines,
	 * parsed again in front of each step) and the lines read. */
	char		*header;
	int		 nlines;
	struct script	*sc;		/* the last step's script (the engine
					 * refers to it until the next) */

	/* The session: opened by the first step or connect. */
	struct engine_config cfg;
	struct engine_result res;
	struct engine	*eng;
	struct peer	*peer;
	struct endpoint	*ep;		/* connect's, on the same session */
	struct ep_flow	*epf;

	struct output	*out;		/* text on stdout (output.h) */
	struct shell_rec *rec;		/* what happened: save, ladder */
	struct obs_state *obs;		/* the typed flows' states */
	volatile sig_atomic_t *stop;	/* Ctrl-C: the wait ends */
	volatile sig_atomic_t *ended;	/* SIGTERM, SIGHUP: the shell ends */

	int		 nfailed;	/* steps failed: exit 1 */
	int		 nerrors;	/* lines refused, wire errors: exit 2 */
	bool		 quit;
};

/* shell-step.c: the session and the typed lines. */
/* Open the session to the target if it is not. 0, or -1 (said). */
int	 shell_open(struct shell *);
/* Reset the flows the target may hold (a note says so), close it all. */
void	 shell_close(struct shell *);
/* The flows declared so far and line (at its line number) parse: 0, or
 * -1 (said). */
int	 shell_check(struct shell *, const char *line);
/* A line of the scenario language: parsed, run as one step. */
void	 shell_step(struct shell *, const char *line);
/* Serve the wire for what arrived meanwhile (between prompts). */
void	 shell_poll(struct shell *);
/* A line of ours to the user, between the events. */
void	 shell_say(struct shell *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* One line on stderr, counted as an error. */
void	 shell_error(struct shell *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* shell-cmds.c: the commands beside the language. */
struct shell_cmd {
	const char	*name;
	const char	*args;		/* for help: "fin|half|rst", or "" */
	const char	*help;		/* one line */
	void		(*fn)(struct shell *, char *args);
};
extern const struct shell_cmd shell_cmds[];
/* The command named by the line's first word, or NULL. */
const struct shell_cmd *shell_cmd_find(const char *line);
/* shell-flowcmd.c: connect, send, close; the flow they act on:
 * connect's while open, else the first typed one (its local port, 0:
 * none). */
void	 shell_cmd_connect(struct shell *, char *args);
void	 shell_cmd_send(struct shell *, char *args);
void	 shell_cmd_close(struct shell *, char *args);
uint16_t shell_cmd_flow(struct shell *, bool *connects);
/* The words connect takes (for completion): NULL-terminated. */
extern const char *const shell_connect_flags[];
/* A line: a command, or a step. */
void	 shell_line(struct shell *, char *line);

/* shell-term.c: readline. */
void	 shell_term_init(struct shell *);
void	 shell_term_end(struct shell *);
/* Around output while the prompt may be on the screen. */
void	 shell_term_hide(void);
void	 shell_term_show(void);
/* Read and run lines until quit or end of input. */
void	 shell_term_loop(struct shell *);

/* shell-rec.c: the conversation kept, saved as a scenario. */
struct shell_rec *shell_rec_new(void);
void	 shell_rec_free(struct shell_rec *);
void	 shell_rec_event(struct shell_rec *, const struct event *);
/* Name the flow whose local port is lport (a typed flow's name). */
void	 shell_rec_name(struct shell_rec *, uint16_t lport, const char *name);
/* As a scenario on path: 0, or -1 with err. */
int	 shell_rec_save(const struct shell_rec *, const char *path,
	    const char *target, char *err, size_t errlen);
/* The conversation so far as a ladder on stdout. */
void	 shell_rec_ladder(const struct shell_rec *);
size_t	 shell_rec_count(const struct shell_rec *);

#endif
