#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/worksheet-check.sh [--quick] WORKSHEET.md OUTPUT: the golden
# check of a lab exercise. Every non-empty line of the worksheet's
# ```output and ```output-full blocks must be found in a line of OUTPUT
# (what `tcpshake lab exercise --no-worksheet NAME` printed), in the same
# order: the quoted text may be part of the line, "..." in it matches any
# text, and leading and trailing blanks are ignored. With --quick (OUTPUT
# is the shortened run, `lab exercise --quick`) the ```output-full blocks
# are left out. Prints the first quoted line that no later output line
# matches and exits 1; exits 0 when all match.
quick=0
[ "${1:-}" = --quick ] && { quick=1; shift; }
[ $# = 2 ] || { echo "usage: worksheet-check.sh [--quick] WORKSHEET.md OUTPUT" >&2; exit 2; }
[ -r "$1" ] && [ -r "$2" ] || { echo "worksheet-check: cannot read $1 or $2" >&2; exit 2; }
awk -v out="$2" -v quick=$quick '
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t\r]+$/, "", s); return s }
# A quoted line as a regular expression: "..." is ".*", every other
# character stands for itself.
function pattern(s,    r, i, c) {
	r = ""
	for (i = 1; i <= length(s); i++) {
		if (substr(s, i, 3) == "...") { r = r ".*"; i += 2; continue }
		c = substr(s, i, 1)
		if (c ~ /[][\\^$.|?*+(){}\/]/) r = r "\\" c
		else r = r c
	}
	return r
}
BEGIN { n = 0; while ((getline l < out) > 0) lines[++n] = trim(l); at = 1 }
/^```output(-full)?[ \t]*$/ { blocks++; inside = !(quick && $0 ~ /full/); next }
/^```/ { inside = 0; next }
inside {
	q = trim($0)
	if (q == "") next
	quoted++
	p = pattern(q)
	while (at <= n && lines[at] !~ p) at++
	if (at > n) { printf "worksheet-check: %s:%d: not in the output (in this order): %s\n", FILENAME, FNR, q; bad = 1; exit 1 }
	at++
}
END {
	if (bad) exit 1
	if (!blocks) { printf "worksheet-check: %s quotes no output (no ```output block)\n", FILENAME; exit 1 }
}' "$1"
