#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# probe-ipv6.sh: the same over IPv6: our SYN with its seq and options as
# the target sees it, SYN-ACK acking seq + 1, RST-ACK from a closed port,
# RST with seq = our ack for an ACK to the open port.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/probe-lib.sh"
need_root
probe_lab_start

server_capture_start "$TMP/server.pcap"
probe_run --seq 1234567 --mss 1220 --sackok --ts 99:7 --nop --wscale 3 \
    -p 80,81 2001:db8::2
server_capture_stop
[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "probe exited $RC, want 0"; }
expect_line "SENT \[2001:db8::1\]:[0-9]+ > \[2001:db8::2\]:80 S 1234567:1234567\(0\) win 65535 <mss 1220,sackOK,TS val 99 ecr 7,nop,wscale 3>"
expect_line "RCVD \[2001:db8::2\]:80 > \[2001:db8::1\]:[0-9]+ S\. [0-9]+:[0-9]+\(0\) ack 1234568 .* rtt [0-9.]+ us"
expect_line "RCVD \[2001:db8::2\]:81 > \[2001:db8::1\]:[0-9]+ R\. 0:0\(0\) ack 1234568 win 0 rtt [0-9.]+ us"
expect_line "^--- 2001:db8::2 port 80: 1 sent, 1 received, 0 lost"
expect_line "^--- 2001:db8::2 port 81: 1 sent, 1 received, 0 lost"

server_capture_text >"$TMP/server.txt"
grep -Eq "2001:db8::1\.[0-9]+ > 2001:db8::2\.80: Flags \[S\], cksum 0x[0-9a-f]+ \(correct\), seq 1234567, win 65535, options \[mss 1220,sackOK,TS val 99 ecr 7,nop,wscale 3\]" "$TMP/server.txt" || {
	cat "$TMP/server.txt" >&2
	fail "the target did not see our IPv6 SYN with seq 1234567 and our options"
}

probe_run -A --ack 424242 -p 80 2001:db8::2
[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "ACK probe exited $RC, want 0"; }
expect_line "RCVD \[2001:db8::2\]:80 > \[2001:db8::1\]:[0-9]+ R 424242:424242\(0\) win 0 rtt [0-9.]+ us"
exit 0
