#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# read-live.sh: `tcpshake read` of a capture that tcpdump took of a real
# Linux conversation in the lab (handshake, a request echoed, the close)
# prints lines that read like the start of a scenario: numbers relative to
# each side's SYN, the options of both SYNs, the payload. Put a direction
# before each line and `tcpshake run --check` takes them as a scenario.
#
# read --ladder draws it with both ends' states. Then the real proof of
# `read --shake`: the scenario it makes from that capture runs against
# the same lab and passes. The kernel client's ISN,
# port and TS clock are not tcpshake's: the scenario keeps the captured
# ISN (the language's first SYN), run takes a free port, and the target's
# TS clock is learned from its SYN-ACK, whose options --shake writes out.
# The times are the kernel client's, which answered in microseconds; the
# target must answer within run's tolerance of them, so the run gets 50
# ms of it: `make check -j2` on a two-CPU machine can delay a reply by
# more than the default 4 ms without anything being wrong with TCP.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/probe-lib.sh"
need_root
probe_lab_start

server_capture_start "$TMP/real.pcap"
in_client python3 - <<'PY' || fail "the kernel client in the lab failed"
import socket
s = socket.create_connection(("198.18.0.2", 80), timeout=5)
s.sendall(b"hello")
got = b""
while len(got) < 5:
    got += s.recv(16)
s.shutdown(socket.SHUT_WR)
while s.recv(16):
    pass
s.close()
PY
sleep 0.3
server_capture_stop

"$TCPSHAKE" read "$TMP/real.pcap" >"$TMP/read" 2>"$TMP/err" ||
	{ show "$TMP/read" "$TMP/err"; fail "read exited $?"; }

# Line N of the output must match the extended regex $2.
line_is() {
	sed -n "$1p" "$TMP/read" | grep -Eq -- "$2" ||
		{ show "$TMP/read"; fail "line $1 is not: $2"; }
}
c='198\.18\.0\.1:[0-9]+' s='198\.18\.0\.2:80'
# Times count from the file's first packet, which may be an ICMPv6
# neighbour solicitation (skipped) rather than the SYN.
line_is 1 "^0\.[0-9]{6} $c > $s S 0:0\(0\) win [0-9]+ <mss 1460,sackOK,TS val [0-9]+ ecr 0,nop,wscale [0-9]+>$"
line_is 2 "^0\.[0-9]{6} $s > $c S\. 0:0\(0\) ack 1 win [0-9]+ <mss 1460,sackOK,TS val [0-9]+ ecr [0-9]+,nop,wscale [0-9]+>$"
line_is 3 "^0\.[0-9]{6} $c > $s \. 1:1\(0\) ack 1 win [0-9]+ <nop,nop,TS val [0-9]+ ecr [0-9]+>$"
line_is 4 "^0\.[0-9]{6} $c > $s P\. 1:6\(5\) ack 1 win [0-9]+ <nop,nop,TS val [0-9]+ ecr [0-9]+> \"hello\"$"
grep -Eq "^0\.[0-9]{6} $s > $c P\. 1:6\(5\) ack 6 .* \"hello\"$" "$TMP/read" ||
	{ show "$TMP/read"; fail "no echo from the target"; }
grep -Eq "^0\.[0-9]{6} $c > $s F\. 6:6\(0\) ack 6 " "$TMP/read" ||
	{ show "$TMP/read"; fail "no FIN of ours"; }
grep -Eq "^[0-9]+ TCP segments, 0 malformed, 0 bad checksums, [0-9]+ other packets? skipped$" \
    "$TMP/read" || { show "$TMP/read"; fail "summary"; }

# read --ladder: the kernel client on the left, the server on the right,
# each end's states as its segments show them.
"$TCPSHAKE" read --ladder "$TMP/real.pcap" >"$TMP/ladder" 2>"$TMP/err" ||
	{ show "$TMP/ladder" "$TMP/err"; fail "read --ladder exited $?"; }
left=$(sed -n 's/^ *[0-9.]* \([A-Z][A-Z_0-9]*\) *|.*/\1/p' "$TMP/ladder" | tr '\n' ' ')
right=$(sed -n 's/.*|  \([A-Z][A-Z_0-9]*\)$/\1/p' "$TMP/ladder" | tr '\n' ' ')
echo "$left" | grep -Eqx 'SYN_SENT ESTABLISHED FIN_WAIT_1 (FIN_WAIT_2 )?TIME_WAIT ' ||
	{ show "$TMP/ladder"; fail "read --ladder: the client's states: $left"; }
[ "$right" = "SYN_RECEIVED ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED " ] ||
	{ show "$TMP/ladder"; fail "read --ladder: the server's states: $right"; }

# The same lines as a scenario: the time, then '<' for what went into the
# target, '>' for what came out of it.
{
	echo "target 198.18.0.2:80"
	awk '$3 == ">" { dir = ($4 ~ /:80$/) ? "<" : ">"
		line = $0; sub(/^[^ ]+ [^ ]+ > [^ ]+ /, "", line)
		print $1, dir, line }' "$TMP/read"
} >"$TMP/real.shake"
[ "$(grep -c '^0\.' "$TMP/real.shake")" -ge 8 ] ||
	{ show "$TMP/real.shake"; fail "too few segment lines"; }
"$TCPSHAKE" run --check "$TMP/real.shake" >"$TMP/check" 2>&1 ||
	{ show "$TMP/real.shake" "$TMP/check"; fail "the lines do not parse as a scenario"; }
grep -q ": [0-9]* steps, ok$" "$TMP/check" || { show "$TMP/check"; fail "run --check"; }

"$TCPSHAKE" read --shake 198.18.0.2:80 "$TMP/real.pcap" >"$TMP/replay.shake" 2>"$TMP/err" ||
	{ show "$TMP/replay.shake" "$TMP/err"; fail "read --shake exited $?"; }
# The segments are the capture's, in its order, each with its direction.
n=$(grep -c '^[0-9+]' "$TMP/replay.shake")
[ "$n" = "$(grep -c '^0\.' "$TMP/real.shake")" ] ||
	{ show "$TMP/replay.shake" "$TMP/real.shake"; fail "read --shake has $n steps"; }
grep -Eq '^0\.000000  < S [0-9]+:[0-9]+\(0\) win [0-9]+ <mss 1460,sackOK,TS val [0-9]+ ecr 0,nop,wscale [0-9]+>$' \
    "$TMP/replay.shake" || { show "$TMP/replay.shake"; fail "read --shake: our SYN"; }
grep -Eq '^\+0\.[0-9]{6} > S\. 0:0\(0\) ack 1 <mss 1460,sackOK,TS val [0-9]+ ecr [0-9]+,nop,wscale [0-9]+>$' \
    "$TMP/replay.shake" || { show "$TMP/replay.shake"; fail "read --shake: the SYN-ACK"; }
grep -Eq '^\+0\.[0-9]{6} > P\. 1:6\(5\) ack 6 <\.\.\.> "hello"$' "$TMP/replay.shake" ||
	{ show "$TMP/replay.shake"; fail "read --shake: the echo"; }
"$TCPSHAKE" run --check "$TMP/replay.shake" >"$TMP/check" 2>&1 ||
	{ show "$TMP/replay.shake" "$TMP/check"; fail "read --shake's scenario does not parse"; }
in_client "$TCPSHAKE" run --tolerance_usecs 50000 "$TMP/replay.shake" >"$TMP/run" 2>&1 ||
	{ show "$TMP/replay.shake" "$TMP/run"; fail "read --shake's scenario failed against the lab"; }
[ "$(grep -c '^ok ' "$TMP/run")" = "$n" ] ||
	{ show "$TMP/replay.shake" "$TMP/run"; fail "not every step of the replay was met"; }
exit 0
