#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-peer.sh: `tcpshake run --peer-netns NS` shows the target's own socket
# states, read after each segment: every state of an active close, in
# order, in the text report and as JSON state objects of the target's side;
# --ladder draws them with ours, inferred from the segments, opposite.
. "$top_srcdir/tests/lib.sh"
need_root
lab_start
TMP=$(mktemp -d)
trap 'lab_stop; rm -rf "$TMP"' EXIT INT TERM HUP

scenario="$top_srcdir/scenarios/handshake-and-active-close.shake"
rc=0
# A wide tolerance: this is about states, and the echo server may be
# slow to run on a busy machine.
in_client "$TCPSHAKE" run --tolerance_usecs 100000 --peer-netns "$LAB-s" \
    "$scenario" >"$TMP/out" \
    2>"$TMP/err" || rc=$?
[ "$rc" = 0 ] || { show "$TMP/out" "$TMP/err"; fail "run exited $rc"; }
# CLOSE_WAIT shows when the echo server has not closed yet as the state
# is read after our FIN.
states=$(sed -n 's/^target //p' "$TMP/out" | tr '\n' ' ')
echo "$states" | grep -Eqx 'SYN_RECEIVED ESTABLISHED (CLOSE_WAIT )?LAST_ACK CLOSED ' ||
    { show "$TMP/out"; fail "the target's states: $states"; }
# A state comes after the segment that caused it: SYN_RECEIVED after the
# first step's SYN went out, before the SYN-ACK's step.
awk '/^target SYN_RECEIVED/ { s = NR } /^ok .* > S\./ { a = NR }
    END { exit !(s && a && s < a) }' "$TMP/out" ||
    { show "$TMP/out"; fail "SYN_RECEIVED out of place"; }

rc=0
in_client "$TCPSHAKE" run --json --tolerance_usecs 100000 \
    --peer-netns "$LAB-s" "$scenario" \
    >"$TMP/json" 2>"$TMP/err" || rc=$?
[ "$rc" = 0 ] || { show "$TMP/json" "$TMP/err"; fail "run --json exited $rc"; }
n=$(grep -c '"type":"state".*"side":"target"' "$TMP/json")
[ "$n" = 4 ] || [ "$n" = 5 ] ||
    { show "$TMP/json"; fail "JSON: $n target states, want 4 or 5"; }

# Both ends' states in the ladder: ours inferred from the segments (run
# has no TCB) in the left margin, each on the row of the segment that
# caused it; the target's read from its kernel in the right one.
rc=0
in_client "$TCPSHAKE" run --ladder --tolerance_usecs 100000 \
    --peer-netns "$LAB-s" "$scenario" >"$TMP/ladder" 2>"$TMP/err" || rc=$?
[ "$rc" = 0 ] || { show "$TMP/ladder" "$TMP/err"; fail "run --ladder exited $rc"; }
row() {
	grep -Eq "$1" "$TMP/ladder" ||
	    { show "$TMP/ladder"; fail "run --ladder: no row matching: $1"; }
}
row '^ +[0-9.]+ SYN_SENT +\|-- S 0:0\(0\) .*-->\|  SYN_RECEIVED$'
row '^ +[0-9.]+ ESTABLISHED +\|<-+ S\. 0:0\(0\) ack 1 .*--\|'
row '^ +[0-9.]+ FIN_WAIT_1 +\|-- F\. 6:6\(0\) ack 6 .*-->\|'
row '^ +[0-9.]+ FIN_WAIT_2 +\|<-+ F\. 6:6\(0\) ack 7 .*--\|'
row '^ +[0-9.]+ TIME_WAIT +\| +\|'
ours=$(sed -nE 's/^ +[0-9.]+ ([A-Z_0-9]+) +\|.*/\1/p' "$TMP/ladder" | tr '\n' ' ')
[ "$ours" = "SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT " ] ||
    { show "$TMP/ladder"; fail "run --ladder: our states: $ours"; }
# The same as JSON state objects of the prober's side, in order.
ours=$(sed -nE 's/.*"type":"state".*"side":"prober".*/&/p' "$TMP/json" |
    sed -nE 's/.*"text":"([A-Z_0-9]+)".*/\1/p' | tr '\n' ' ')
[ "$ours" = "SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT " ] ||
    { show "$TMP/json"; fail "JSON: our states: $ours"; }

# A namespace that does not exist: one line naming it, exit 2.
rc=0
in_client "$TCPSHAKE" run --peer-netns "$LAB-nonesuch" "$scenario" \
    >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] || fail "--peer-netns nonesuch: exit $rc, want 2"
grep -q "$LAB-nonesuch" "$TMP/err" || { show "$TMP/err"; fail "no namespace named"; }
exit 0
