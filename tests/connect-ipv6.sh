#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# connect-ipv6.sh: handshake, echo and close over IPv6, with every option.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/connect-lib.sh"
need_root
connect_lab_start

connect_run --isn 7 --sackok --ts 1000 --wscale 7 --send 'hello v6\n' \
    --expect-echo '[2001:db8::2]:80'
expect_rc 0
expect_line "^0\.[0-9]{6} SENT \[2001:db8::1\]:[0-9]+ > \[2001:db8::2\]:80 S 0:0\(0\) win 65535 <mss 1460,sackOK,TS val [0-9]+ ecr 0,nop,wscale 7>$"
expect_line "RCVD \[2001:db8::2\]:80 > \[2001:db8::1\]:[0-9]+ S\. 0:0\(0\) ack 1 win [0-9]+ <mss [0-9]+,sackOK,TS val [0-9]+ ecr [0-9]+,nop,wscale [0-9]+> rtt "
expect_line "SENT \[2001:db8::1\]:[0-9]+ > \[2001:db8::2\]:80 P\. 1:10\(9\) ack 1 .*\"hello v6\\\\n\"$"
expect_line "RCVD \[2001:db8::2\]:80 > \[2001:db8::1\]:[0-9]+ P\. 1:10\(9\) ack 10 .*\"hello v6\\\\n\"$"
expect_line "^--- \[2001:db8::2\]:80 from \[2001:db8::1\]:[0-9]+ \(ISN 7\): closed, prober CLOSED$"
expect_line "^--- handshake rtt [0-9.]+ us; sent 9 bytes \(9 acked\), received 9 "

# --absolute shows the ISN itself.
connect_run --isn 7 --absolute --close rst '[2001:db8::2]:80'
expect_rc 0
expect_line "SENT \[2001:db8::1\]:[0-9]+ > \[2001:db8::2\]:80 S 7:7\(0\) "
exit 0
