/* SPDX-License-Identifier: GPL-2.0-or-later */
/* craft-int.h: what craft.c lends the other builders of its context
 * (craft-icmp.c): libnet's handle, the copy of what was built, the raw
 * socket's write. */
#ifndef TCPSHAKE_CRAFT_INT_H
#define TCPSHAKE_CRAFT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <libnet.h>

#include "craft.h"

libnet_t *craft_libnet(struct craft *);
int	 craft_family(const struct craft *);
/* Forget the packet libnet holds (the segment's blocks): a builder of
 * another packet starts from nothing, and the next segment is built
 * anew. */
void	 craft_clear(struct craft *);
/* libnet's packet copied out (valid until the next build), then
 * forgotten. 0, or -1 with err. */
int	 craft_take(struct craft *, const uint8_t **out, uint32_t *outlen,
	    char *err, size_t errlen);
/* A whole IP packet out of the raw socket. 0, or -1 with err. */
int	 craft_write(struct craft *, const uint8_t *p, uint32_t n, char *err,
	    size_t errlen);

#endif
