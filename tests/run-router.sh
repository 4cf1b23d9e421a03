#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-router.sh: every shipped scenario passes through the lab's router
# (--target the routed server), and conntrack in the router finds none of
# their segments INVALID: a middlebox that tracks connections does not get
# in the way of ordinary conversations.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/run-lib.sh"
need_root
run_lab_start --router

n=0
for f in "$top_srcdir"/scenarios/*.shake; do
	n=$((n + 1))
	name=$(basename "$f")
	port=$(sed -nE 's/^target [0-9.]+:([0-9]+)$/\1/p' "$f")
	[ -n "$port" ] || fail "$name: no target line"
	run_run --target "198.18.1.2:$port" "$f"
	if [ "$RC" != 0 ]; then
		echo "run-router: $name failed once, trying again:" >&2
		show "$TMP/out"
		run_run --target "198.18.1.2:$port" "$f"
	fi
	expect_rc 0 "$name through the router"
	expect_out "$f: ok," "$name through the router"
done
[ $n -ge 9 ] || fail "only $n scenarios found"
st=$("$TCPSHAKE" lab status --name "$LAB")
echo "$st" | grep -q "conntrack invalid: router dropped 0 packets" ||
    fail "the router's conntrack dropped segments of shipped scenarios: $st"
exit 0
