#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# connect-handshake.sh: the handshake completes against the lab's Linux
# target, our ISN, window and options reach it as asked (its own capture
# says so), and the target's kernel holds the connection ESTABLISHED.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/connect-lib.sh"
need_root
connect_lab_start

server_capture_start "$TMP/server.pcap"
connect_run --isn 1234567 --win 30000 --mss 1300 --sackok --ts 1000 --wscale 9 \
    --absolute --close none 198.18.0.2:80
server_capture_stop
expect_rc 0

# Our side, absolute numbers: the SYN as asked, the SYN-ACK acking
# ISN + 1 with an RTT, our ACK, ESTABLISHED after the SYN-ACK.
expect_line "^0\.[0-9]{6} SENT 198\.18\.0\.1:[0-9]+ > 198\.18\.0\.2:80 S 1234567:1234567\(0\) win 30000 <mss 1300,sackOK,TS val 1[0-9]{3} ecr 0,nop,wscale 9>$"
expect_line "^SYN_SENT$"
expect_line "RCVD 198\.18\.0\.2:80 > 198\.18\.0\.1:[0-9]+ S\. [0-9]+:[0-9]+\(0\) ack 1234568 win [0-9]+ <mss [0-9]+,sackOK,TS val [0-9]+ ecr [0-9]+,nop,wscale [0-9]+> rtt [0-9]+\.[0-9]{3} us$"
expect_line "SENT 198\.18\.0\.1:[0-9]+ > 198\.18\.0\.2:80 \. 1234568:1234568\(0\) ack [0-9]+ win [0-9]+ <nop,nop,TS val [0-9]+ ecr [0-9]+>$"
grep -A1 " S\. " "$TMP/out" | tail -n 1 | grep -qx ESTABLISHED ||
	{ show "$TMP/out"; fail "ESTABLISHED does not follow the SYN-ACK"; }
expect_line "^--- 198\.18\.0\.2:80 from 198\.18\.0\.1:[0-9]+ \(ISN 1234567\): open, prober ESTABLISHED$"
expect_line "^--- target ISN [0-9]+, SYN-ACK win [0-9]+ <mss 1460,sackOK,TS val [0-9]+ ecr [0-9]+,nop,wscale [0-9]+>$"
expect_line "^--- handshake rtt [0-9]+\.[0-9]{3} us; sent 0 bytes "
expect_line "^--- as asked \(--close none\)$"
port=$(prober_port)
[ -n "$port" ] || { show "$TMP/out"; fail "no source port in the SYN line"; }

# The target's side: seq, window and every option as given; our final
# ACK acknowledges its SYN.
server_capture_text >"$TMP/server.txt"
grep -Eq "198\.18\.0\.1\.$port > 198\.18\.0\.2\.80: Flags \[S\], cksum 0x[0-9a-f]+ \(correct\), seq 1234567, win 30000, options \[mss 1300,sackOK,TS val [0-9]+ ecr 0,nop,wscale 9\]" "$TMP/server.txt" ||
	{ show "$TMP/server.txt"; fail "the target did not see our SYN as asked"; }
isn=$(sed -nE "s/.*198\.18\.0\.2\.80 > 198\.18\.0\.1\.$port: Flags \[S\.\], .* seq ([0-9]+), ack 1234568,.*/\1/p" "$TMP/server.txt")
[ -n "$isn" ] || { show "$TMP/server.txt"; fail "no SYN-ACK acking 1234568 in the target's capture"; }
# (tcpdump prints no seq for a segment without payload.)
grep -Eq "198\.18\.0\.1\.$port > 198\.18\.0\.2\.80: Flags \[\.\], cksum 0x[0-9a-f]+ \(correct\), ack $((isn + 1)), win 58, " "$TMP/server.txt" ||
	{ show "$TMP/server.txt"; fail "our final ACK (ack $((isn + 1)), win 30000 >> 9 = 58) is not in the target's capture"; }
grep -q "target ISN $isn," "$TMP/out" ||
	{ show "$TMP/out"; fail "the summary does not name the target's ISN $isn"; }

# No RST from anyone: the guard kept our kernel out of it.
! grep -q "Flags \[R" "$TMP/server.txt" ||
	{ show "$TMP/server.txt"; fail "a RST reached the target"; }

# The target's kernel: the connection is ESTABLISHED (--close none left it).
server_sockets "$port" >"$TMP/ss"
grep -q "^ESTAB" "$TMP/ss" ||
	{ show "$TMP/ss"; fail "the target does not show ESTABLISHED for port $port"; }

# The same seen through the target's own socket states (sock_diag in the
# server namespace), drawn in the ladder's right margin: SYN_RECEIVED once
# our SYN is in, ESTABLISHED once our ACK is.
connect_run --ladder --peer-netns "$LAB-s" --close none \
    --svg "$TMP/hs.svg" 198.18.0.2:80
expect_rc 0
expect_line "SYN_SENT +\|-- S 0:0\(0\) .*-->\|  SYN_RECEIVED$"
expect_line "^ +[0-9.]+ +\|-- \. 1:1\(0\) ack 1 .*-->\|  ESTABLISHED$"

# --svg: the same ladder as a picture, well-formed, with both ends' states.
python3 - "$TMP/hs.svg" <<'PY' || { show "$TMP/hs.svg"; fail "--svg"; }
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
for want in ("SYN_SENT", "SYN_RECEIVED", "ESTABLISHED"):
    assert any(want in t for t in texts), want
assert any(t.startswith("S 0:0(0)") for t in texts), texts
PY
exit 0
