/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz/replay.c: a main() for a fuzz target without libFuzzer: each file
 * named on the command line (or each file of a directory) through
 * LLVMFuzzerTestOneInput once. The default build links the targets with
 * it, so `make check` runs their seeds and a target that no longer
 * compiles is seen without clang. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* One input; -1 when it cannot be read. */
static int
replay_file(const char *path)
{
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((buf = realloc(buf, cap)) == NULL) {
				fclose(f);
				return -1;
			}
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	char path[4096];
	struct dirent *de;
	struct stat st;
	long count = 0;
	DIR *d;
	int i;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode) &&
		    (d = opendir(argv[i])) != NULL) {
			while ((de = readdir(d)) != NULL) {
				if (de->d_name[0] == '.')
					continue;
				snprintf(path, sizeof path, "%s/%s", argv[i],
				    de->d_name);
				if (replay_file(path) == 0)
					count++;
			}
			closedir(d);
		} else if (replay_file(argv[i]) == 0)
			count++;
		else {
			fprintf(stderr, "replay: cannot read '%s'\n", argv[i]);
			return 2;
		}
	}
	printf("replay: %ld inputs\n", count);
	return count > 0 ? 0 : 1;
}
