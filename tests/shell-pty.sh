#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shell-pty.sh: `tcpshake shell` at a terminal (a pseudo-terminal driven by
# tests/shell-pty.py) against the lab's echo server: a handshake typed line
# by line, a wrong expectation showing its difference, Ctrl-C ending a
# wait and not the shell, completion of option names, an arrival shown
# while a line is being typed without losing it, save then `run` of the
# saved file passing, history in the next session, connect / send /
# close half / show with both ends' states, Ctrl-D resetting what is open.
. "$top_srcdir/tests/lib.sh"
need_root
lab_start --serve "--port 80"
TMP=$(mktemp -d)
trap 'lab_stop; rm -rf "$TMP"' EXIT INT TERM HUP
# The shell gives root up once its session opens (nobody, here): save
# writes as that user.
chmod 1777 "$TMP"
export HOME="$TMP"

pty() {
	name=$1
	shift
	sed "s#@TMP@#$TMP#g" | python3 "$top_srcdir/tests/shell-pty.py" \
	    "$TMP/$name.tty" \
	    ip netns exec "$LAB-c" "$TCPSHAKE" shell --peer-netns "$LAB-s" \
	    "$@" 198.18.0.2:80 ||
	    { show "$TMP/$name.tty"; fail "session $name"; }
}

# A: typed lines. The wrong ack fails with its difference; the echo is
# acknowledged so that nothing comes while '> P. 6:7(1)' waits for Ctrl-C.
pty a --deadline 30s <<'DIALOGUE'
expect tcpshake 198\.18\.0\.2:80> 
type < S 0:0(0) win 65535 <mss 1460>\r
expect target SYN_RECEIVED
expect RCVD .* S\. 0:0\(0\) ack 1
expect ok .* < S 0:0
type > S. 0:0(0) ack 1 <...>\r
expect ok .* > S\. 0:0\(0\) ack 1
type < . 1:1(0) ack 1 win 65535\r
expect target ESTABLISHED
type < P. 1:6(5) ack 1 win 65535 "hello"\r
expect ok .* < P\. 1:6\(5\)
type > . 1:1(0) ack 7\r
expect FAIL .* > \. 1:1\(0\) ack 7
expect differs: ack: expected 7, got 6
type > P. 1:6(5) ack 6 "hello"\r
expect ok .* > P\. 1:6\(5\) ack 6 "hello"
type < . 6:6(0) ack 6 win 65535\r
expect ok .* < \. 6:6\(0\)
sleep 0.3
type > P. 6:7(1) ack 6\r
sleep 0.5
type \x03
expect cancelled
within 2
type show\r
expect state ESTABLISHED
expect target's kernel \(.*\): ESTABLISHED
sleep 0.3
type < S 0:0(0) win 65535 <ws\t
expect wscale
type \x03
expect \^C
sleep 0.3
type save @TMP@/a.shake\r
expect saved to
sleep 0.3
type \x04
expect quit
expect reset 1 flow
status 1
DIALOGUE
grep -q '^+0.* > P\. 1:6(5) ack 6 "hello"$' "$TMP/a.shake" ||
    { show "$TMP/a.shake"; fail "a.shake: no echo line"; }
rc=0
in_client "$TCPSHAKE" run "$TMP/a.shake" >"$TMP/run-a" 2>&1 || rc=$?
[ "$rc" = 0 ] || { show "$TMP/a.shake" "$TMP/run-a"; fail "run a.shake: exit $rc"; }
grep -q "save $TMP/a.shake" "$TMP/.tcpshake_history" ||
    { show "$TMP/.tcpshake_history"; fail "no history"; }

# B: the next session remembers (Up), then connect does the handshake;
# the echo is shown as it comes; close half leaves us in FIN_WAIT_2 or
# further, and show gives both ends.
pty b <<'DIALOGUE'
expect tcpshake 198\.18\.0\.2:80> 
type \x1b[A
expect save @TMP@/a\.shake
type \x03
expect \^C
sleep 0.3
type connect --ws\t7\r
expect --wscale 7
expect S 0:0\(0\) win 65535 <mss 1460,nop,wscale 7>
expect ESTABLISHED
sleep 0.3
type send "hello\\n"\r
expect RCVD .* P\. 1:7\(6\) ack 7 .*"hello\\n"
sleep 0.3
type close half\r
expect FIN_WAIT_1
sleep 0.5
type show\r
expect state (FIN_WAIT_2|TIME_WAIT|CLOSED)
expect target's kernel \(.*\): (FIN_WAIT_1|CLOSE_WAIT|LAST_ACK|CLOSED)
sleep 0.3
type ladder\r
expect prober .* target
sleep 0.3
type save @TMP@/b.shake\r
expect saved to
sleep 0.3
type quit\r
status 0
DIALOGUE
rc=0
in_client "$TCPSHAKE" run "$TMP/b.shake" >"$TMP/run-b" 2>&1 || rc=$?
[ "$rc" = 0 ] || { show "$TMP/b.shake" "$TMP/run-b"; fail "run b.shake: exit $rc"; }

# C: the target's SYN-ACK comes again (no ACK from us) while "sho" is
# being typed: shown above the prompt, the line kept.
pty c <<'DIALOGUE'
expect tcpshake 198\.18\.0\.2:80> 
type < S 0:0(0) win 65535\r
expect RCVD .* S\. 0:0\(0\) ack 1
expect ok .* < S
sleep 0.3
type sho
expect RCVD .* S\. 0:0\(0\) ack 1 5
expect tcpshake 198\.18\.0\.2:80> sho
type w\r
expect state ESTABLISHED
sleep 0.3
type quit\r
expect reset 1 flow
status 0
DIALOGUE
exit 0
