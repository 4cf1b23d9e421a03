/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tcpmd5.c: RFC 2385's digest, over the bytes of a built segment (craft)
 * or over a decoded segment laid out again (match). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "md5.h"
#include "tcpmd5.h"
#include "xmalloc.h"

void
tcpmd5_digest(const struct ipaddr *src, const struct ipaddr *dst,
    const uint8_t *tcp, size_t hlen, size_t tcplen, const char *key,
    uint8_t digest[16])
{
	struct md5 m;
	uint8_t ph[40], hdr[20];
	size_t n = ipaddr_len(src), k = 0;

	/* RFC 2385 for IPv4 (src, dst, zero, protocol, TCP length), RFC
	 * 2460's upper-layer pseudo-header for IPv6 (its length in 32 bits,
	 * three zeros, next header), as Linux signs them. */
	memcpy(ph, src->a, n);
	memcpy(ph + n, dst->a, n);
	k = 2 * n;
	if (n == 4) {
		ph[k++] = 0;
		ph[k++] = 6;
		ph[k++] = (uint8_t)(tcplen >> 8);
		ph[k++] = (uint8_t)tcplen;
	} else {
		ph[k++] = (uint8_t)(tcplen >> 24);
		ph[k++] = (uint8_t)(tcplen >> 16);
		ph[k++] = (uint8_t)(tcplen >> 8);
		ph[k++] = (uint8_t)tcplen;
		ph[k++] = 0;
		ph[k++] = 0;
		ph[k++] = 0;
		ph[k++] = 6;
	}
	memcpy(hdr, tcp, sizeof hdr);
	hdr[16] = hdr[17] = 0;
	md5_init(&m);
	md5_update(&m, ph, k);
	md5_update(&m, hdr, sizeof hdr);
	md5_update(&m, tcp + hlen, tcplen - hlen);
	md5_update(&m, key, strlen(key));
	md5_final(&m, digest);
}

size_t
tcpmd5_find(const uint8_t *tcp, size_t hlen)
{
	size_t i = 20;

	while (i < hlen && tcp[i] != OPT_EOL) {
		if (tcp[i] == OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= hlen || tcp[i + 1] < 2 || i + tcp[i + 1] > hlen)
			return 0;
		if (tcp[i] == 19 && tcp[i + 1] == 18)
			return i + 2;
		i += tcp[i + 1];
	}
	return 0;
}

bool
tcpmd5_check(const struct segment *seg, const char *key)
{
	const struct tcp_option *o = segment_find_opt(seg, 19);
	size_t hlen = (size_t)seg->doff * 4, tcplen = hlen + seg->len;
	uint8_t digest[16], *tcp;
	bool ok;

	if (o == NULL || o->len != 18 || seg->truncated ||
	    seg->src.family == AF_UNSPEC || hlen < 20)
		return false;
	/* The header as it was on the wire (the digest skips the options,
	 * so they may stay zero), then the payload. */
	tcp = xcalloc(1, tcplen);
	put_be16(tcp, seg->sport);
	put_be16(tcp + 2, seg->dport);
	put_be32(tcp + 4, seg->seq);
	put_be32(tcp + 8, seg->ack);
	tcp[12] = (uint8_t)(seg->doff << 4 | (seg->ae ? 1 : 0));
	tcp[13] = seg->flags;
	put_be16(tcp + 14, seg->win);
	put_be16(tcp + 18, seg->urg);
	if (seg->len > 0 && seg->data != NULL)
		memcpy(tcp + hlen, seg->data, seg->len);
	tcpmd5_digest(&seg->src, &seg->dst, tcp, hlen, tcplen, key, digest);
	free(tcp);
	ok = memcmp(digest, o->u.raw, 16) == 0;
	return ok;
}
