/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shell-term.c: the shell's terminal, through GNU readline's callback
 * interface: the prompt beside the wire (arrivals shown between prompts
 * without garbling the line being typed), history in ~/.tcpshake_history,
 * completion of commands, flags and the words of a packet line. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "shell.h"
#include "xmalloc.h"

#define TERM_TICK_MS	10	/* the wire is served this often at the prompt */
#define TERM_HISTORY	1000	/* lines kept */

static bool	 term_on;	/* the prompt is on the screen */
static int	 term_hidden;	/* depth of shell_term_hide() */
static char	*term_line;	/* a line entered, not yet run */
static bool	 term_eof;	/* Ctrl-D */
static FILE	*term_hist;	/* the history file, open for appending
				 * before root goes (privdrop.h) */
static char	 term_prompt[128];

void
shell_term_hide(void)
{
	if (term_on && term_hidden++ == 0)
		rl_clear_visible_line();
}

void
shell_term_show(void)
{
	if (term_on && term_hidden > 0 && --term_hidden == 0)
		rl_forced_update_display();
}

/* ---- completion ---- */

static const char *const term_fields[] = {
	"ack", "win", "urg", "S", "S.", ".", "P.", "F.", "R", "R.", "none",
	NULL,
};
static const char *const term_opts[] = {
	"mss", "wscale", "sackOK", "sack", "TS", "val", "ecr", "nop", "eol",
	"...", NULL,
};
static const char *const term_close[] = { "fin", "half", "rst", NULL };
static const char *const *term_words;
static const char *term_first[32];

static char *
term_next(const char *text, int state)
{
	static size_t i;
	size_t n = strlen(text);

	if (state == 0)
		i = 0;
	while (term_words[i] != NULL)
		if (strncmp(term_words[i++], text, n) == 0)
			return xstrdup(term_words[i - 1]);
	return NULL;
}

/* Inside the '<...>' of a packet line: after the direction, an
 * unclosed '<'. */
static bool
term_in_opts(const char *s, int upto)
{
	int i = (int)strcspn(s, "<>") + 1, depth = 0;

	for (; i < upto && s[i] != '\0'; i++)
		depth += s[i] == '<' ? 1 : s[i] == '>' ? -1 : 0;
	return depth > 0;
}

static char **
term_complete(const char *text, int start, int end)
{
	const char *l = rl_line_buffer;
	size_t k = 0, n = strspn(l, " \t");
	const struct shell_cmd *c;

	(void)end;
	rl_attempted_completion_over = 1;
	if (strncmp(text, "--", 2) == 0)
		term_words = shell_connect_flags;
	else if ((int)n == start) {
		for (c = shell_cmds; c->name != NULL && k < 30; c++)
			term_first[k++] = c->name;
		term_first[k] = NULL;
		term_words = term_first;
	} else if (strncmp(l + n, "close", 5) == 0)
		term_words = term_close;
	else if (strncmp(l + n, "save", 4) == 0) {
		rl_attempted_completion_over = 0;	/* file names */
		return NULL;
	} else if (strpbrk(l, "<>") != NULL && strpbrk(l, "<>") < l + start)
		term_words = term_in_opts(l, start) ? term_opts : term_fields;
	else
		return NULL;
	return rl_completion_matches(text, term_next);
}

/* ---- the loop ---- */

static void term_prompt_off(void);

/* Readline's handler: the prompt goes (no second one while the line
 * runs); the loop runs the line. */
static void
term_entered(char *line)
{
	term_prompt_off();
	if (line == NULL) {
		term_eof = true;
		return;
	}
	if (line[strspn(line, " \t")] != '\0') {
		add_history(line);
		if (term_hist != NULL) {
			fprintf(term_hist, "%s\n", line);
			fflush(term_hist);
		}
	}
	term_line = line;
}

void
shell_term_init(struct shell *sh)
{
	const char *home = getenv("HOME");
	char *path;

	if (!sh->interactive)
		return;
	rl_readline_name = "tcpshake";
	rl_catch_signals = 0;
	rl_attempted_completion_function = term_complete;
	rl_completer_word_break_characters = (char *)" \t<,";
	stifle_history(TERM_HISTORY);
	if (home != NULL && *home != '\0') {
		xasprintf(&path, "%s/%s", home, SHELL_HISTORY);
		read_history(path);
		history_truncate_file(path, TERM_HISTORY);
		term_hist = fopen(path, "a");
		free(path);
	}
}

void
shell_term_end(struct shell *sh)
{
	(void)sh;
	if (term_hist != NULL)
		fclose(term_hist);
	term_hist = NULL;
}

static void
term_prompt_on(struct shell *sh)
{
	if (sh->host != NULL)
		snprintf(term_prompt, sizeof term_prompt, "tcpshake %s%s%s:%u> ",
		    strchr(sh->host, ':') ? "[" : "", sh->host,
		    strchr(sh->host, ':') ? "]" : "", sh->port);
	else
		snprintf(term_prompt, sizeof term_prompt, "tcpshake> ");
	rl_callback_handler_install(term_prompt, term_entered);
	term_on = true;
}

static void
term_prompt_off(void)
{
	rl_callback_handler_remove();
	term_on = false;
	term_hidden = 0;
}

/* Ctrl-C at the prompt: the line goes, the shell stays. */
static void
term_cancel_line(void)
{
	rl_free_line_state();
	rl_callback_sigcleanup();
	rl_replace_line("", 0);
	fputs("^C\n", stdout);
	fflush(stdout);
	rl_on_new_line();
	rl_redisplay();
}

static void
term_run(struct shell *sh, char *line)
{
	shell_line(sh, line);
	free(line);
	*sh->stop = 0;
	if (!sh->quit)
		term_prompt_on(sh);
}

static void
term_interactive(struct shell *sh)
{
	struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };

	term_prompt_on(sh);
	while (!sh->quit && !*sh->ended) {
		if (poll(&pfd, 1, TERM_TICK_MS) == -1 && errno != EINTR)
			break;
		if (*sh->ended)
			break;
		if (*sh->stop) {
			*sh->stop = 0;
			term_cancel_line();
		}
		if (poll(&pfd, 1, 0) == 1)
			rl_callback_read_char();
		if (term_eof) {
			printf("quit\n");
			break;
		}
		if (term_line != NULL) {
			char *line = term_line;

			term_line = NULL;
			term_run(sh, line);
		}
		shell_poll(sh);
	}
	if (term_on)
		term_prompt_off();
}

/* From a pipe or a file: line by line, no prompt; a signal ends it. */
static void
term_batch(struct shell *sh)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	while (!sh->quit && !*sh->stop &&
	    (n = getline(&buf, &cap, stdin)) > 0) {
		shell_line(sh, buf);
		shell_poll(sh);
	}
	/* As run: a signal ends the lines with exit status 2. */
	if (*sh->stop)
		sh->nerrors++;
	free(buf);
}

void
shell_term_loop(struct shell *sh)
{
	if (sh->interactive)
		term_interactive(sh);
	else
		term_batch(sh);
}
