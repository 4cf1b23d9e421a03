/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-script.c: the .shake parser on mutated scenarios, bounded: every
 * error is well formed, and whatever parses prints back to itself. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-script-check.h"
#include "script.h"

#define ROUNDS		20000
#define MAX_EDITS	2

/* Seeds: the shell test's scenarios and a few packetdrill-style lines. */
static const char *const seed_files[] = {
	"tests/data/rich.shake", "tests/data/flows.shake",
	"tests/data/bad.shake",
};

static const char seed_inline[] =
    "--tolerance_usecs=10000\n"
    "`sysctl -q a=1\nsysctl -q b=2`\n"
    "    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
    "   +0 setsockopt(4, SOL_SOCKET, SO_LINGER, {onoff=1,\n"
    "                 linger=0}, 8) = 0\n"
    "   +0 < S 0:0(0) win 29200 <mss 1460,sackOK,TS val 7 ecr 0,nop>\n"
    "   +0 %{ assert x == 1 }%\n"
    " +.01 < P. 1:5(4) ack 1 win 457 \"ab\\x00c\" (ttl 3) /* c */\n"
    "  0.5~0.7 > . 1:1(0) ack 5 <...>\n";

/* Bytes that mean something to the parser, and some that do not. */
static const char alphabet[] =
    "0123456789+*~<>.:()[]!\"`#/%{}SFRPUEW \n\t-=xab_\\";

static unsigned long long rng = 0x2545f4914f6cdd1dULL;

static unsigned
next(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static char *
read_seed(const char *dir, const char *path)
{
	char full[1024], *buf;
	FILE *f;
	long n;

	snprintf(full, sizeof full, "%s/%s", dir, path);
	if ((f = fopen(full, "r")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* One to MAX_EDITS replaced, inserted or deleted bytes. */
static char *
mutate(const char *seed)
{
	size_t len = strlen(seed), at;
	char *s = malloc(len + MAX_EDITS + 1);
	int k, edits = 1 + (int)next(MAX_EDITS);

	memcpy(s, seed, len + 1);
	for (k = 0; k < edits; k++) {
		at = len > 0 ? next((unsigned)len) : 0;
		switch (next(3)) {
		case 0:
			if (len > 0)
				s[at] = alphabet[next(sizeof alphabet - 1)];
			break;
		case 1:
			memmove(s + at + 1, s + at, len - at + 1);
			s[at] = alphabet[next(sizeof alphabet - 1)];
			len++;
			break;
		default:
			if (len > 0) {
				memmove(s + at, s + at + 1, len - at);
				len--;
			}
			break;
		}
	}
	return s;
}

int
main(void)
{
	const char *dir = getenv("top_srcdir"), *bad;
	const char *seeds[8];
	char *owned[8], *text, *detail;
	size_t nseeds = 0, i;
	int round, parsed = 0, failures = 0;

	if (dir == NULL)
		dir = ".";
	for (i = 0; i < sizeof seed_files / sizeof seed_files[0]; i++)
		if ((owned[nseeds] = read_seed(dir, seed_files[i])) != NULL) {
			seeds[nseeds] = owned[nseeds];
			nseeds++;
		}
	seeds[nseeds] = seed_inline;
	owned[nseeds++] = NULL;
	for (round = 0; round < ROUNDS && failures < 5; round++) {
		text = mutate(seeds[round % nseeds]);
		if ((bad = check_one(text, &detail)) != NULL) {
			printf("# round %d: %s\n--- input:\n%s\n", round,
			    bad, text);
			if (detail != NULL)
				printf("--- printed:\n%s\n", detail);
			failures++;
		} else {
			struct script_errors errs = { NULL, 0, false };
			struct script *sc = script_parse_string("f", text,
			    NULL, &errs);

			parsed += sc != NULL;
			script_free(sc);
			script_errors_clear(&errs);
		}
		free(detail);
		free(text);
	}
	for (i = 0; i < nseeds; i++)
		free(owned[i]);
	printf("1..1\n%s 1 - %d mutated scenarios (%d parsed), %zu seeds\n",
	    failures ? "not ok" : "ok", round, parsed, nseeds);
	return failures ? 1 : 0;
}
