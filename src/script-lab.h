/* SPDX-License-Identifier: GPL-2.0-or-later */
/* script-lab.h: a scenario's "lab" header lines: the lab `run --lab`
 * builds for the file (sysctls, servers, offloads, router, impairments),
 * read into lab-types.h's own structs. */
#ifndef TCPSHAKE_SCRIPT_LAB_H
#define TCPSHAKE_SCRIPT_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lab-types.h"

struct script_lab {
	int		 line;		/* of the first lab line */
	int		 impair_line;	/* of the last impairment line */
	char		**lines;	/* each line after "lab ", as read */
	size_t		 nlines;
	struct lab_sysctl *sysctls;
	size_t		 nsysctls;
	char		**serve[LAB_MAX_SERVE];	/* each server's serve words */
	size_t		 nserve;
	bool		 no_serve;
	bool		 offloads;	/* "lab offloads on" */
	struct lab_router router;
	struct lab_impair impair;
	/* For `tcpshake lab exercise`, not the lab: */
	bool		 explain;	/* "lab explain": read -e the capture */
	char		**quick;	/* "lab quick NAME=value": -D NAME=value
					 * of the shortened run (--quick) */
	size_t		 nquick;
};

/*
 * One line's words after "lab" into *labp (made on the first line).
 * False with *error (to free) and *errat, the offset in text of what is
 * wrong.
 */
bool	 script_lab_line(struct script_lab **labp, int line, const char *text,
	    size_t *errat, char **error);
/* What only the whole header can say (jitter larger than the delay, ...);
 * false with *error, about the last impairment line (impair_line). */
bool	 script_lab_finish(const struct script_lab *, char **error);
void	 script_lab_print(FILE *, const struct script_lab *);
void	 script_lab_free(struct script_lab *);

#endif
