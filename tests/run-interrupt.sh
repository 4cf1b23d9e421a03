#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-interrupt.sh: however a run ends, the target keeps no connection of
# it: SIGINT and SIGTERM in the middle of a scenario, a failed step, and
# the last step leaving the flow open all end with our RST, and no guard
# table is left behind (issue 13: an interrupted run left the target
# ESTABLISHED).
. "$top_srcdir/tests/lib.sh"
need_root
lab_start
TMP=$(mktemp -d)
trap 'lab_stop; rm -rf "$TMP"' EXIT INT TERM HUP

HANDSHAKE='target 198.18.0.2:80
0 < S 0:0(0) win 65535 <mss 1460>
+0 > S. 0:0(0) ack 1 <mss 1460>
+0 < . 1:1(0) ack 1 win 65535'

established() {
	in_server ss -tanH state established '( sport = :80 )'
}

# Wait until the target holds $1 connections (at most 5 s).
wait_established() {
	i=0
	while [ "$(established | wc -l)" != "$1" ]; do
		i=$((i + 1))
		[ $i -lt 50 ] || { established >&2; fail "$2: want $1 ESTABLISHED at the target"; }
		sleep 0.1
	done
}

expect_no_guard_table() {
	t=$(in_client nft list tables 2>&1 | grep tcpshake_ || true)
	[ -z "$t" ] || fail "$1: guard table left behind: $t"
}

# A signal in the middle of a 30 s silence.
printf '%s\n+0~+30 > none\n' "$HANDSHAKE" >"$TMP/long.shake"
for sig in INT TERM; do
	# Not through in_client: $! would name a subshell, not tcpshake.
	ip netns exec "$LAB-c" "$TCPSHAKE" run -v "$TMP/long.shake" \
	    >"$TMP/out" 2>&1 &
	pid=$!
	wait_established 1 "SIG$sig: before the signal"
	kill -"$sig" "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" = 2 ] || { show "$TMP/out"; fail "SIG$sig: run exited $rc, want 2"; }
	grep -q 'STOPPED' "$TMP/out" || { show "$TMP/out"; fail "SIG$sig: no STOPPED verdict"; }
	grep -Eq 'SENT .* R [0-9]+:[0-9]+\(0\)' "$TMP/out" ||
	    { show "$TMP/out"; fail "SIG$sig: no RST shown"; }
	wait_established 0 "SIG$sig: after the run"
	expect_no_guard_table "SIG$sig"
done

# A step that fails stops the run: the flow is reset too.
printf '%s\n+0~+0.1 > P. 1:2(1) ack 1\n+0 < F. 1:1(0) ack 1 win 65535\n' \
    "$HANDSHAKE" >"$TMP/fail.shake"
rc=0
in_client "$TCPSHAKE" run "$TMP/fail.shake" >"$TMP/out" 2>&1 || rc=$?
[ "$rc" = 1 ] || { show "$TMP/out"; fail "failed step: run exited $rc, want 1"; }
grep -q 'reset 1 flow the run left open' "$TMP/out" ||
    { show "$TMP/out"; fail "failed step: no reset note"; }
wait_established 0 "failed step"

# The last step leaves the flow open: the run passes, and resets it.
printf '%s\n' "$HANDSHAKE" >"$TMP/open.shake"
rc=0
in_client "$TCPSHAKE" run "$TMP/open.shake" >"$TMP/out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { show "$TMP/out"; fail "open at the end: run exited $rc, want 0"; }
wait_established 0 "open at the end"
exit 0
