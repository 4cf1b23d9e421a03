/* tcpshake.h: the subcommand table's entry type, the global options, and
 * the helpers every front end uses to parse its arguments. */
#ifndef TCPSHAKE_H
#define TCPSHAKE_H

#include <stdbool.h>
#include <stdint.h>

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* one line: "read [-e] [--json] FILE" */
	const char	*summary;	/* one sentence for `tcpshake help` */
	int		(*exec)(int argc, char **argv);	/* argv[0] = name */
};

/* Subcommands: each cmd-*.c defines one of these. */
extern const struct cmd_entry cmd_read_entry;
extern const struct cmd_entry cmd_probe_entry;
extern const struct cmd_entry cmd_guard_entry;
extern const struct cmd_entry cmd_serve_entry;
extern const struct cmd_entry cmd_lab_entry;
extern const struct cmd_entry cmd_connect_entry;
extern const struct cmd_entry cmd_run_entry;

/* Global options, parsed before the subcommand. */
struct global_opts {
	int	verbose;
	bool	quiet;
};
extern struct global_opts gopts;

/* Parse a whole number in [min, max] for option `what`; exit 2 naming the
 * option if it is not one. */
uint64_t parse_uint(const char *s, uint64_t min, uint64_t max,
	    const char *what);
/* Parse a duration: "250us", "10ms", "1s", "1.5" (seconds), "2m".
 * Returns nanoseconds; exit 2 naming the option if unparsable. */
int64_t	 parse_duration(const char *s, const char *what);

#endif
