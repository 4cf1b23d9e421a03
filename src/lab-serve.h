/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab-serve.h: the lab's listener, `tcpshake serve` in the server
 * namespace, started and waited for until it listens. */
#ifndef TCPSHAKE_LAB_SERVE_H
#define TCPSHAKE_LAB_SERVE_H

#include <stdbool.h>
#include <stdint.h>

#include "lab-types.h"

/* The port a serve command line listens on (its --port, else 80). */
uint16_t lab_serve_port(char *const *argv);
bool	 lab_serve_start(const struct lab_config *, struct lab_made *,
	    char **error);

#endif
