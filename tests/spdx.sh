#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# spdx.sh: every source file of the tree says its licence in an SPDX line
# (the project is GPL-2.0-or-later, COPYING), so a new file cannot land
# without one.
. "$top_srcdir/tests/lib.sh"

cd "$top_srcdir" || exit 1
missing=
for f in configure.ac Makefile.am mk/*.am src/*.c src/*.h tests/*.c \
    tests/*.h tests/*.sh fuzz/*.c fuzz/*.h fuzz/*.py scripts/* bench/* \
    man/*.[15] completions/*; do
	[ -f "$f" ] || continue
	grep -q 'SPDX-License-Identifier: GPL-2.0-or-later' "$f" ||
	    missing="$missing $f"
done
[ -z "$missing" ] || fail "no SPDX line in:$missing"
exit 0
