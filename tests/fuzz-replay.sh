#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fuzz-replay.sh: each libFuzzer target of fuzz/, built without libFuzzer
# (fuzz/replay.c), runs once over its seeds (fuzz/seeds.py from mkpcap's
# captures and the scenarios): the targets compile in every build, and
# their seeds pass, under the sanitizers too (make check-unit).
. "$top_srcdir/tests/lib.sh"

command -v python3 >/dev/null || fail "python3 is needed for fuzz/seeds.py"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM HUP
mkdir "$tmp/pcap"
"$top_builddir/tests/mkpcap" "$tmp/pcap" || fail "mkpcap failed"
python3 "$top_srcdir/fuzz/seeds.py" "$tmp/pcap" "$top_srcdir" "$tmp/seeds" >/dev/null ||
	fail "fuzz/seeds.py failed"
for t in decode script match; do
	n=$(ls "$tmp/seeds/$t" | wc -l)
	[ "$n" -gt 10 ] || fail "only $n seeds for $t"
	out=$("$top_builddir/tests/fuzz-replay-$t" "$tmp/seeds/$t") ||
		fail "fuzz-$t on its seeds: $out"
	[ "$out" = "replay: $n inputs" ] || fail "fuzz-$t: $out, want $n inputs"
done
exit 0
