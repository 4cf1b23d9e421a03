#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# probe-syn.sh: a SYN with our seq and options reaches the lab's Linux
# target as given (the target's own capture says so), and its SYN-ACK
# acknowledges seq + 1; the run exits 0.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/probe-lib.sh"
need_root
probe_lab_start

server_capture_start "$TMP/server.pcap"
probe_run --seq 1234567 --mss 1300 --sackok --ts 4242:0 --nop --wscale 9 \
    -p 80 198.18.0.2
server_capture_stop
[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "probe exited $RC, want 0"; }

# Our side: the SYN as sent, the SYN-ACK acking seq + 1, an RTT.
expect_line "SENT 198\.18\.0\.1:[0-9]+ > 198\.18\.0\.2:80 S 1234567:1234567\(0\) win 65535 <mss 1300,sackOK,TS val 4242 ecr 0,nop,wscale 9>"
expect_line "RCVD 198\.18\.0\.2:80 > 198\.18\.0\.1:[0-9]+ S\. [0-9]+:[0-9]+\(0\) ack 1234568 .* rtt [0-9]+\.[0-9]+ us"
expect_line "^--- 198\.18\.0\.2 port 80: 1 sent, 1 received, 0 lost"
# probe keeps no guard: the local kernel answers the SYN-ACK with RST at
# seq + 1, and probe says whose RST that is (why a handshake made of raw
# segments, scapy's way, dies there).
expect_line "SENT 198\.18\.0\.1:[0-9]+ > 198\.18\.0\.2:80 R 1234568:1234568\(0\) win 0$"
expect_line "^the RST above was not sent by tcpshake: the local kernel's, which knows no such connection"

# The target's side: seq and every option arrived as given.
server_capture_text >"$TMP/server.txt"
grep -Eq "198\.18\.0\.1\.[0-9]+ > 198\.18\.0\.2\.80: Flags \[S\], cksum 0x[0-9a-f]+ \(correct\), seq 1234567, win 65535, options \[mss 1300,sackOK,TS val 4242 ecr 0,nop,wscale 9\]" "$TMP/server.txt" || {
	cat "$TMP/server.txt" >&2
	fail "the target did not see our SYN with seq 1234567 and our options"
}
grep -Eq "198\.18\.0\.2\.80 > 198\.18\.0\.1\.[0-9]+: Flags \[S\.\], .* ack 1234568," "$TMP/server.txt" || {
	cat "$TMP/server.txt" >&2
	fail "the target's SYN-ACK does not ack 1234568"
}
grep -Eq "198\.18\.0\.1\.[0-9]+ > 198\.18\.0\.2\.80: Flags \[R\], cksum 0x[0-9a-f]+ \(correct\), seq 1234568," "$TMP/server.txt" || {
	cat "$TMP/server.txt" >&2
	fail "the target did not see our kernel's RST"
}
# An ack number without the ACK flag goes out as given and shows, absolute.
probe_run -S --seq 10 --ack 777 -p 80 198.18.0.2
expect_line "SENT 198\.18\.0\.1:[0-9]+ > 198\.18\.0\.2:80 S 10:10\(0\) ack 777! win 65535$"
# A SYN with a payload: Linux takes the SYN, not the data; its SYN-ACK
# acks seq + 1 and is still this probe's answer.
probe_run --seq 500 --data xyz -p 80 198.18.0.2
[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "SYN with data: exit $RC, want 0"; }
expect_line "SENT .* S 500:503\(3\) win 65535 \"xyz\"$"
expect_line "RCVD 198\.18\.0\.2:80 > .* S\. [0-9]+:[0-9]+\(0\) ack 501 .* rtt [0-9.]+ us$"

# A payload arrives as given; a wrong checksum arrives wrong, is dropped
# by the target, and the unanswered probe makes the run exit 1.
server_capture_start "$TMP/server2.pcap"
probe_run -A -P --ack 99 --data-hex 68656c6c6f -p 80 198.18.0.2
RC1=$RC
probe_run --badsum --timeout 300ms -p 80 198.18.0.2
RC2=$RC
server_capture_stop
[ "$RC1" = 0 ] || fail "data probe exited $RC1, want 0"
[ "$RC2" = 1 ] || fail "bad-checksum probe exited $RC2, want 1"
expect_line "^--- 198\.18\.0\.2 port 80: 1 sent, 0 received, 1 lost \(100\.0%\)$"
server_capture_text >"$TMP/server2.txt"
grep -Eq "198\.18\.0\.1\.[0-9]+ > 198\.18\.0\.2\.80: Flags \[P\.\], cksum 0x[0-9a-f]+ \(correct\), seq [0-9]+:[0-9]+, ack 99, win 65535, length 5" "$TMP/server2.txt" &&
grep -Eq "198\.18\.0\.1\.[0-9]+ > 198\.18\.0\.2\.80: Flags \[S\], cksum 0x[0-9a-f]+ \(incorrect -> 0x[0-9a-f]+\)" "$TMP/server2.txt" || {
	cat "$TMP/server2.txt" >&2
	fail "the target did not see our payload, or our wrong checksum"
}
exit 0
