/* SPDX-License-Identifier: GPL-2.0-or-later */
/* md5.h: MD5 (RFC 1321), for TCP's MD5 signature option (RFC 2385) only:
 * not for anything that needs a secure hash. */
#ifndef TCPSHAKE_MD5_H
#define TCPSHAKE_MD5_H

#include <stddef.h>
#include <stdint.h>

struct md5 {
	uint32_t	a, b, c, d;
	uint64_t	len;		/* bytes so far */
	uint8_t		buf[64];
};

void	 md5_init(struct md5 *);
void	 md5_update(struct md5 *, const void *, size_t);
void	 md5_final(struct md5 *, uint8_t digest[16]);

#endif
