#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# connect-synack.sh: --no-final-ack against a target with
# net.ipv4.tcp_synack_retries=2 sees exactly three SYN-ACKs, at about 0, 1
# and 3 s (each interval within 15 % of Linux's 1 s doubling).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/connect-lib.sh"
need_root
connect_lab_start --sysctl net.ipv4.tcp_synack_retries=2

connect_run --no-final-ack --watch 8s 198.18.0.2:80
expect_rc 0
n=$(count_lines "RCVD 198\.18\.0\.2:80 > 198\.18\.0\.1:[0-9]+ S\. 0:0\(0\) ack 1 ")
[ "$n" = 3 ] || { show "$TMP/out"; fail "$n SYN-ACKs, want 3"; }
# We never acknowledged: one SYN, no ACK, no RST from us or our kernel.
[ "$(count_lines "SENT ")" = 1 ] ||
	{ show "$TMP/out"; fail "we sent more than the SYN"; }
expect_line "^SYN-ACK 1 received; final ACK withheld$"
expect_line "^SYN-ACK 2 received, [0-9.]+ s after the previous one$"
expect_line "^SYN-ACK 3 received, [0-9.]+ s after the previous one$"
expect_line "^--- 3 SYN-ACKs, intervals [0-9.]+ [0-9.]+ s$"
expect_line "^--- as asked \(--no-final-ack\)$"

# The times of the three, from their packet lines (kernel stamps).
grep -E "RCVD .* S\. " "$TMP/out" | cut -d' ' -f1 >"$TMP/times"
awk 'NR == 1 { t1 = $1 } NR == 2 { t2 = $1 } NR == 3 { t3 = $1 }
    END {
	d1 = t2 - t1; d2 = t3 - t2
	if (d1 < 0.85 || d1 > 1.15) { print "first interval " d1 " s, want 1 s +-15%"; exit 1 }
	if (d2 < 1.70 || d2 > 2.30) { print "second interval " d2 " s, want 2 s +-15%"; exit 1 }
	if (t3 - t1 < 2.55 || t3 - t1 > 3.45) { print "third SYN-ACK at " t3 - t1 " s, want 3 s +-15%"; exit 1 }
    }' "$TMP/times" >"$TMP/why" || { show "$TMP/out"; fail "$(cat "$TMP/why")"; }
exit 0
