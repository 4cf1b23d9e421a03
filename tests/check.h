/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check.h: the smallest unit-test harness that says what failed. Each
 * CHECK prints "ok N - what" or "not ok N - what (file:line)" (TAP), and
 * check_done() prints the plan and returns the exit status. */
#ifndef TCPSHAKE_CHECK_H
#define TCPSHAKE_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_n, check_failed;

#define CHECK_(cond, desc, ...) do {					\
	check_n++;							\
	if (cond)							\
		printf("ok %d - " desc "\n", check_n, ##__VA_ARGS__);	\
	else {								\
		check_failed++;						\
		printf("not ok %d - " desc " (%s:%d)\n", check_n,	\
		    ##__VA_ARGS__, __FILE__, __LINE__);			\
	}								\
} while (0)

#define CHECK(cond) CHECK_((cond), "%s", #cond)

#define CHECK_INT(got, want) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	CHECK_(g_ == w_, "%s == %s (got %lld, want %lld)", #got, #want,	\
	    g_, w_);							\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	CHECK_(g_ != NULL && strcmp(g_, w_) == 0,			\
	    "%s\n#   got:  %s\n#   want: %s", #got, g_ ? g_ : "(null)", w_); \
} while (0)

#define CHECK_MEM(got, want, n) do {					\
	CHECK_(memcmp((got), (want), (n)) == 0, "%s == %s (%zu bytes)",	\
	    #got, #want, (size_t)(n));					\
} while (0)

static inline int
check_done(void)
{
	printf("1..%d\n", check_n);
	if (check_failed)
		printf("# %d of %d checks failed\n", check_failed, check_n);
	return check_failed ? 1 : 0;
}

/* Hex text ("45 00 00 28 ...", spaces and newlines ignored) into bytes;
 * returns the count. */
static inline size_t
check_hex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex != '\0'; hex++) {
		int v;
		if (*hex >= '0' && *hex <= '9') v = *hex - '0';
		else if (*hex >= 'a' && *hex <= 'f') v = *hex - 'a' + 10;
		else if (*hex >= 'A' && *hex <= 'F') v = *hex - 'A' + 10;
		else continue;
		if (hi < 0) { hi = v; continue; }
		if (n < cap) out[n++] = (unsigned char)(hi << 4 | v);
		hi = -1;
	}
	return n;
}

#endif
