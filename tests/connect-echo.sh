#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# connect-echo.sh: --send to the echo server gets the same bytes back, in
# order, every byte acknowledged both ways; a server that does not echo
# makes --expect-echo fail with exit 1.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/connect-lib.sh"
need_root
connect_lab_start

printf 'from a file\n' >"$TMP/data"
connect_run --send 'hello\r\n' --send "@$TMP/data" --expect-echo 198.18.0.2:80
expect_rc 0
# 7 + 12 bytes in two segments; the target acks all 19; the echo comes
# back and our ACK covers it.
expect_line "SENT 198\.18\.0\.1:[0-9]+ > 198\.18\.0\.2:80 P\. 1:8\(7\) ack 1 win 65535 \"hello\\\\r\\\\n\"$"
expect_line "SENT 198\.18\.0\.1:[0-9]+ > 198\.18\.0\.2:80 P\. 8:20\(12\) ack 1 win 65535 \"from a file\\\\n\"$"
expect_line "RCVD 198\.18\.0\.2:80 > 198\.18\.0\.1:[0-9]+ [.P]+ [0-9]+:[0-9]+\([0-9]+\) ack 20 "
expect_line "RCVD 198\.18\.0\.2:80 > 198\.18\.0\.1:[0-9]+ P\. 1:[0-9]+\([0-9]+\) ack (8|20) win [0-9]+ \"hello\\\\r\\\\n"
expect_line "SENT 198\.18\.0\.1:[0-9]+ > 198\.18\.0\.2:80 \. 20:20\(0\) ack 20 win 65535$"
expect_line "^--- handshake rtt [0-9]+\.[0-9]{3} us; sent 19 bytes \(19 acked\), received 19 \(0 after our FIN\); 0 retransmissions, 0 unacceptable$"
expect_line "^--- as asked \(--close fin\)$"

# The same against a server that reads and says nothing back.
serve_start 8083 --mode discard
connect_run --send 'hello' --expect-echo --timeout 1s 198.18.0.2:8083
expect_rc 1
expect_line "^--- not as asked: waiting for the echo: nothing within 1\.000 s$"
# It does not leave the target a connection nobody closes: it resets it.
expect_line "SENT 198\.18\.0\.1:[0-9]+ > 198\.18\.0\.2:8083 R 6:6\(0\) win 0$"
exit 0
