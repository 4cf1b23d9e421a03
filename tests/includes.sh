#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/includes.sh: the modules of src/ include each other without a cycle
# (scripts/includes.py lists the edges and any cycle), and the checker
# itself sees a cycle when one is there; the front ends (cmd-*.c) stay
# thin: under 500 lines, and none talks to libnet or libpcap or decodes
# (craft.h, sniff.h, decode.h, pcap.h, libnet.h); a module's private
# header (foo-int.h) is included by foo's files only.
set -u
top=${top_srcdir:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! out=$(python3 "$top/scripts/includes.py" "$top/src"); then
	echo "$out" | grep '^cycle:'
	echo "FAIL: include cycles in src/"
	exit 1
fi
echo "$out" | grep -q '^engine -> event$' ||
	{ echo "FAIL: the graph lacks engine -> event: the checker reads nothing"; exit 1; }

# Front ends parse options, build a plan and run it: none reaches the
# packet layers (libnet, libpcap, craft, sniff, decode) itself, and none
# grows past 500 lines (its logic goes to a module).
front_bad() {	# DIR: the front ends of DIR that include a packet layer
	grep -lE '^#include [<"](craft|sniff|decode|libnet|pcap|pcap/pcap)\.h[>"]' \
	    "$1"/cmd-*.c
}
front_long() {	# DIR: the front ends of DIR of 500 lines or more
	for f in "$1"/cmd-*.c; do
		[ "$(wc -l <"$f")" -lt 500 ] || echo "$f"
	done
}
bad=$(front_bad "$top/src")
[ -z "$bad" ] ||
	{ echo "FAIL: front ends include the packet layers: $bad"; exit 1; }
long=$(front_long "$top/src")
[ -z "$long" ] ||
	{ echo "FAIL: front ends of 500 lines or more (move their logic into a module): $long"; exit 1; }
mkdir "$tmp/fe"
printf '#include "cli.h"\n#include <pcap/pcap.h>\n' >"$tmp/fe/cmd-x.c"
printf '#include "decode.h"\n' >"$tmp/fe/probe-plan.c"
seq 500 | sed 's/^/int x/' >"$tmp/fe/cmd-y.c"
[ "$(front_bad "$tmp/fe")" = "$tmp/fe/cmd-x.c" ] ||
	{ echo "FAIL: the front-end check missed a planted <pcap/pcap.h>"; exit 1; }
[ "$(front_long "$tmp/fe")" = "$tmp/fe/cmd-y.c" ] ||
	{ echo "FAIL: the front-end check missed a planted 500-line front end"; exit 1; }
rm -rf "$tmp/fe"

# Private headers: foo-int.h only in foo.c, foo-*.c, foo*.h.
for h in "$top"/src/*-int.h; do
	[ -e "$h" ] || continue
	base=${h##*/}
	mod=${base%-int.h}
	users=$(grep -l "^#include \"$base\"" "$top"/src/*.c "$top"/src/*.h |
	    sed 's|.*/||' | grep -vE "^$mod(-[a-z0-9-]+)?\.[ch]$")
	[ -z "$users" ] ||
		{ echo "FAIL: $base is $mod's own, but included by: $users"; exit 1; }
done

# A planted cycle, through an include and through a forward declaration.
printf '#include "b.h"\n' >"$tmp/a.h"
printf '#include "a.h"\n' >"$tmp/b.c"
printf 'struct z;\n' >"$tmp/b.h"
printf 'struct z {\n\tint x;\n};\n#include "b.h"\n' >"$tmp/c.h"
out=$(python3 "$top/scripts/includes.py" "$tmp") &&
	{ echo "FAIL: a planted cycle was not seen"; exit 1; }
echo "$out" | grep -q '^cycle: a -> b -> a$' ||
	{ echo "FAIL: the include cycle a -> b -> a was not named: $out"; exit 1; }
echo "$out" | grep -q '^cycle: b -> c -> b$' ||
	{ echo "FAIL: the forward-declared cycle b -> c -> b was not named: $out"; exit 1; }
echo "ok: no include cycle in src/; planted ones are found; the front ends are thin"
