/* tcpshake.h: the subcommands' entries (their type and the global options
 * are cli.h's), and the helpers every front end uses to parse its arguments. */
#ifndef TCPSHAKE_H
#define TCPSHAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"

/* Subcommands: each cmd-*.c defines one of these. */
extern const struct cmd_entry cmd_read_entry;
extern const struct cmd_entry cmd_probe_entry;
extern const struct cmd_entry cmd_guard_entry;
extern const struct cmd_entry cmd_serve_entry;
extern const struct cmd_entry cmd_lab_entry;
extern const struct cmd_entry cmd_connect_entry;
extern const struct cmd_entry cmd_run_entry;

/* Parse a whole number in [min, max] for option `what`; exit 2 naming the
 * option if it is not one. */
uint64_t parse_uint(const char *s, uint64_t min, uint64_t max,
	    const char *what);
/* Parse a duration: "250us", "10ms", "1s", "1.5" (seconds), "2m".
 * Returns nanoseconds; exit 2 naming the option if unparsable. */
int64_t	 parse_duration(const char *s, const char *what);

#endif
