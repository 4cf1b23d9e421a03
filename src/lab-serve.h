/* lab-serve.h: the lab's listener, `tcpshake serve` in the server
 * namespace, started and waited for until it listens. */
#ifndef TCPSHAKE_LAB_SERVE_H
#define TCPSHAKE_LAB_SERVE_H

#include <stdbool.h>

#include "lab.h"

bool	 lab_serve_start(const struct lab_config *, struct lab_made *,
	    char **error);

#endif
