#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-peer-gone.sh: a state the target's own timer ends shows as it
# happens, not at the end of the run. With tcp_synack_retries=1 the target
# sends its SYN-ACK at 0 and 1 s and drops the request when the next timer
# fires (3 s): during the silence that follows, the ladder shows the
# target's SYN_RECEIVED giving way to CLOSED on a row of its own, at about
# 3 s, with how long SYN_RECEIVED held; --json has the state at that
# time; on a terminal the silence shows its live status line.
. "$top_srcdir/tests/lib.sh"
need_root
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM HUP
cat >"$TMP/gone.shake" <<'SHAKE'
lab sysctl net.ipv4.tcp_synack_retries=1
lab serve --port 80 --mode echo --realtime
target 198.18.0.2:80
0        < S 0:0(0) win 65535 <mss 1460>
+0       > S. 0:0(0) ack 1 <mss 1460>
+1       > S. 0:0(0) ack 1 <mss 1460>
+0~+4    > none
SHAKE
"$TCPSHAKE" run --lab --ladder "$TMP/gone.shake" >"$TMP/out" 2>"$TMP/err" ||
	{ show "$TMP/out" "$TMP/err"; fail "the run failed"; }
# The row: "  3012.345  |  .. SYN_RECEIVED held 3.01 s ...|  CLOSED"
row=$(grep 'SYN_RECEIVED held .* CLOSED *$' "$TMP/out") ||
	{ show "$TMP/out"; fail "no row of the target's give-up (SYN_RECEIVED held ... CLOSED)"; }
ms=$(echo "$row" | awk '{ printf "%d", $1 }')
[ "$ms" -ge 2500 ] && [ "$ms" -le 4000 ] ||
	{ show "$TMP/out"; fail "the give-up shown at $ms ms, not at about 3000 (as it happened)"; }
# Before the silence's verdict, which comes at 5 s.
awk '/SYN_RECEIVED held/ { g = NR } /# ok .*> none/ { o = NR } END { exit !(g && o && g < o) }' \
    "$TMP/out" || { show "$TMP/out"; fail "the give-up is not before the silence's verdict"; }

"$TCPSHAKE" run --lab --json "$TMP/gone.shake" >"$TMP/json" 2>"$TMP/err" ||
	{ show "$TMP/json" "$TMP/err"; fail "the --json run failed"; }
t=$(grep '"type":"state"' "$TMP/json" | grep '"CLOSED"' |
    sed -n 's/.*"t_ns":\([0-9]*\).*/\1/p' | head -n 1)
[ -n "$t" ] && [ "$t" -ge 2500000000 ] && [ "$t" -le 4000000000 ] ||
	{ show "$TMP/json"; fail "--json: the target's CLOSED at '$t' ns, not at about 3 s"; }
# On a terminal the silence shows its live status line on stderr (never
# in a pipe, as above): run --lab's child has the terminal.
if command -v script >/dev/null; then
	script -qc "'$TCPSHAKE' run --lab --ladder '$TMP/gone.shake'" "$TMP/tty" >/dev/null 2>&1 ||
		{ show "$TMP/tty"; fail "the run on a terminal failed"; }
	grep -a -q "silence asked by line 7 (+0~+4    > none): [0-9.]* s of 4.0 s" "$TMP/tty" ||
		{ show "$TMP/tty"; fail "no status line during the silence on a terminal"; }
	grep -a -q "silence asked by" "$TMP/out" && fail "a status line in a pipe"
fi
exit 0
