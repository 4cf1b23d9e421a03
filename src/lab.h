/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab.h: the lab: a client and a server network namespace joined by veth
 * (or through a router namespace), per-namespace sysctls, the serve
 * process, impairments, and running commands inside. */
#ifndef TCPSHAKE_LAB_H
#define TCPSHAKE_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lab-types.h"

/* NAME: 1..10 of [a-z0-9-], not starting with '-'. */
bool	 lab_name_valid(const char *);
/* Parse "KEY=VALUE" (KEY a net.* sysctl); false with *error. */
bool	 lab_sysctl_parse(const char *, enum lab_side, struct lab_sysctl *,
	    char **error);
/* Split --serve "ARGS" into words as sh(1) would: '...' and "..." quote,
 * \ escapes (inside "..." only before " and \).
 * Returns a NULL-terminated array, or NULL with *error. */
char	**lab_split_words(const char *, char **error);
/* Free what lab_split_words() and lab_sysctl_parse() made. */
void	 lab_words_free(char **);
void	 lab_sysctls_free(struct lab_sysctl *, size_t);

/* Whether any part of lab NAME exists (a namespace, its run dir). */
bool	 lab_exists(const char *name);
/* Whether lab NAME was built to the end by `lab up` (and not yet taken
 * down): its run dir's ready file. */
bool	 lab_is_up(const char *name);
/* Whether lab NAME has a router namespace. */
bool	 lab_has_router(const char *name);
/* The target's addresses in lab NAME (routed or not). */
const char *lab_target_v4(const char *name);
const char *lab_target_v6(const char *name);
/* Build the lab; on failure (or when lab_interrupted is set) remove what
 * was made, return -1 and *error. Parts left by an `up` that was killed
 * are removed first (made->recovered). */
int	 lab_up(const struct lab_config *, struct lab_made *, char **error);
/* Kill every process in the namespaces and remove them and the run dir.
 * Returns -1 with *error when something could not be removed. */
int	 lab_down(const char *name, char **error);
/* Processes whose network namespace is the side's; *out to free. */
size_t	 lab_pids(const char *name, enum lab_side, long **out);
/* Describe an existing lab on f (lab-status.c). Returns 0 when the lab is
 * whole and working, 1 when it is half-built or broken (what is wrong is
 * on f, with the command that fixes it). */
int	 lab_status(const char *name, FILE *f);
/* What lab_up() made of cf, as `lab up` says it (lab-status.c). */
void	 lab_print_up(const char *name, const struct lab_config *,
	    const struct lab_made *, FILE *f);
/* Enter the side's namespace and execvp argv: returns only on failure,
 * with errno set and *error. */
int	 lab_exec(const char *name, enum lab_side, char **argv, char **error);

#endif
