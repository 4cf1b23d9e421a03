/* SPDX-License-Identifier: GPL-2.0-or-later */
/* serve.h: the lab's plain kernel-socket TCP server: one listener, many
 * connections on poll, each treated the way its mode says. */
#ifndef TCPSHAKE_SERVE_H
#define TCPSHAKE_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum serve_mode {
	SERVE_ECHO,		/* write back what is read */
	SERVE_DISCARD,		/* read and drop */
	SERVE_BANNER,		/* send TEXT on accept, then echo */
	SERVE_CLOSE_AFTER,	/* close after reading N bytes */
	SERVE_WRITE_AFTER_EOF,	/* read to EOF, write TEXT, close */
	SERVE_CLOSE_FIRST,	/* send TEXT and close at once on accept */
	SERVE_CLOSE_DELAY,	/* echo; at the peer's EOF wait, then close */
};

/* What a mode takes after its name on the command line. */
enum serve_arg {
	SERVE_ARG_NONE,
	SERVE_ARG_TEXT,		/* C escapes allowed: \r \n \t \\ \xHH */
	SERVE_ARG_COUNT,	/* a byte count */
	SERVE_ARG_DURATION,	/* "500ms" */
};

struct serve_mode_info {
	const char	*name;		/* "close-after" */
	enum serve_mode	 mode;
	enum serve_arg	 arg;
};

/* The mode named `name`, or NULL. */
const struct serve_mode_info *serve_mode_find(const char *name);
/* Every mode's name, "echo|discard|...", for messages. */
const char *serve_mode_names(void);

struct serve_opts {
	uint16_t	 port;
	enum serve_mode	 mode;
	uint8_t		*text;		/* banner / write-after-eof / close-first */
	size_t		 textlen;
	uint64_t	 count;		/* close-after N */
	int64_t		 delay_ns;	/* close-delay DURATION, --eof-delay:
					 * wait this long after the peer's
					 * FIN before answering it */
	bool		 half_close;	/* shutdown(SHUT_WR) where the mode
					 * closes; close at the peer's EOF */
	const char	*connect;	/* "HOST:PORT": connect, not listen */
	const char	*bind;		/* NULL: [::] dual-stack, else a literal */
	int		 backlog;	/* listen(2) backlog */
	bool		 no_accept;	/* listen, never accept */
	bool		 once;		/* serve one connection, then return */
	bool		 realtime;	/* --realtime (cmd-serve.c acts on it) */
	FILE		*log;		/* one line per event; NULL: quiet */
};

void	 serve_opts_init(struct serve_opts *);
/* Turn TEXT with C escapes into bytes; false with *error on a bad escape. */
bool	 serve_unescape(const char *text, uint8_t **out, size_t *outlen,
	    char **error);
/* Listen and serve until SIGINT or SIGTERM (or the --once connection
 * ends); with `connect`, make that one connection instead and serve it
 * until it ends. Returns 0, or -1 with *error (allocated) on a setup
 * failure such as a port in use or a refused connect. */
int	 serve_run(const struct serve_opts *, char **error);

#endif
