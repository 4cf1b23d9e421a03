/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tcpmd5.h: TCP's MD5 signature option (RFC 2385): the digest of a
 * segment under a key, written by craft into a '<' line's "md5 valid" and
 * checked by match against a '>' line's. */
#ifndef TCPSHAKE_TCPMD5_H
#define TCPSHAKE_TCPMD5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "segment.h"

#define TCPMD5_KEY_MAX	80	/* Linux's TCP_MD5SIG_MAXKEYLEN */

/* The digest of the TCP segment tcp (tcplen bytes, its header and options
 * hlen of them) between src and dst: MD5 over the pseudo-header, the
 * 20-byte header with a zero checksum, the payload and the key. */
void	 tcpmd5_digest(const struct ipaddr *src, const struct ipaddr *dst,
	    const uint8_t *tcp, size_t hlen, size_t tcplen, const char *key,
	    uint8_t digest[16]);
/* Where the 16 digest bytes of an MD5 option are in tcp's options (an
 * offset from tcp), or 0 when there is none. */
size_t	 tcpmd5_find(const uint8_t *tcp, size_t hlen);
/* Whether seg (as decoded) carries an MD5 option whose digest is right
 * under key. */
bool	 tcpmd5_check(const struct segment *seg, const char *key);

#endif
