/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run-lines.h: option lines given on run's command line (--ip_version,
 * --mtu, --mss, --local_ip, --remote_ip, -O NAME=VALUE), over the files'
 * own lines of the same name, as packetdrill's command line wins. */
#ifndef TCPSHAKE_RUN_LINES_H
#define TCPSHAKE_RUN_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "script.h"

struct run_lines {
	struct script_option *v;	/* in the command line's order */
	size_t		 n;
};

/* run's options that are option lines (--ip_version, --mtu, --mss,
 * --local_ip, --remote_ip, -O): a table of cli.h's, its ids apart from
 * run's own; run_lines_cli() keeps option id's line, false when id is
 * not one of them. */
struct cli_opt;
extern const struct cli_opt run_lines_table[];
bool	 run_lines_cli(struct run_lines *, int id, const char *arg);

/* --name=value; '-' in the name is '_', as in a file. */
void	 run_lines_add(struct run_lines *, const char *name,
	    const char *value);
/* -O NAME=VALUE (or --NAME=VALUE); the program ends on another form. */
void	 run_lines_option(struct run_lines *, const char *arg);
/* Each checked as a file's line is (the same messages, "command line"
 * for the file); on an error the program ends with status 2, a name no
 * line knows is a warning. */
void	 run_lines_check(const struct run_lines *);
void	 run_lines_free(struct run_lines *);

#endif
