/* SPDX-License-Identifier: GPL-2.0-or-later */
/* extract.h: bounds-checked big-endian reads from a packet. Every byte that
 * comes from the network is read through these: a read past the end
 * returns false and leaves *out untouched, never touches memory beyond. */
#ifndef TCPSHAKE_EXTRACT_H
#define TCPSHAKE_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cursor {
	const uint8_t	*p;	/* start of the buffer */
	size_t		 len;	/* bytes in the buffer */
	size_t		 off;	/* read position */
};

static inline void
cursor_init(struct cursor *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->len = len;
	c->off = 0;
}

static inline size_t
cursor_left(const struct cursor *c)
{
	return c->off <= c->len ? c->len - c->off : 0;
}

static inline bool
cursor_has(const struct cursor *c, size_t n)
{
	return cursor_left(c) >= n;
}

static inline bool
get_u8(const uint8_t *p, size_t len, size_t off, uint8_t *out)
{
	if (off >= len)
		return false;
	*out = p[off];
	return true;
}

static inline bool
get_be16(const uint8_t *p, size_t len, size_t off, uint16_t *out)
{
	if (len < 2 || off > len - 2)
		return false;
	*out = (uint16_t)((p[off] << 8) | p[off + 1]);
	return true;
}

static inline bool
get_be32(const uint8_t *p, size_t len, size_t off, uint32_t *out)
{
	if (len < 4 || off > len - 4)
		return false;
	*out = ((uint32_t)p[off] << 24) | ((uint32_t)p[off + 1] << 16) |
	    ((uint32_t)p[off + 2] << 8) | p[off + 3];
	return true;
}

static inline bool
cursor_u8(struct cursor *c, uint8_t *out)
{
	if (!get_u8(c->p, c->len, c->off, out))
		return false;
	c->off += 1;
	return true;
}

static inline bool
cursor_be16(struct cursor *c, uint16_t *out)
{
	if (!get_be16(c->p, c->len, c->off, out))
		return false;
	c->off += 2;
	return true;
}

static inline bool
cursor_be32(struct cursor *c, uint32_t *out)
{
	if (!get_be32(c->p, c->len, c->off, out))
		return false;
	c->off += 4;
	return true;
}

static inline bool
cursor_skip(struct cursor *c, size_t n)
{
	if (!cursor_has(c, n))
		return false;
	c->off += n;
	return true;
}

static inline void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
