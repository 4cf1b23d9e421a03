/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tcpshake.h: the subcommands main() knows; what they are made of (their
 * entry type, the global options, the parsing helpers) is cli.h's. */
#ifndef TCPSHAKE_H
#define TCPSHAKE_H

#include "cli.h"

/* Subcommands: each cmd-*.c defines one of these. */
extern const struct cmd_entry cmd_read_entry;
extern const struct cmd_entry cmd_probe_entry;
extern const struct cmd_entry cmd_guard_entry;
extern const struct cmd_entry cmd_serve_entry;
extern const struct cmd_entry cmd_lab_entry;
extern const struct cmd_entry cmd_connect_entry;
extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_shell_entry;

/* Whether `tcpshake serve WORDS...` would start: serve's own parse, in a
 * child; false with its one line in *error (to free). lab up and run
 * --lab check their servers with it before they build anything. */
bool	 serve_check_args(char *const *words, char **error);

#endif
