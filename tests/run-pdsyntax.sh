#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-pdsyntax.sh: packetdrill's spellings reach the wire, seen by the
# target's own capture: a SYN with (flowlabel 0xabcde) carries that flow
# label (libnet alone writes 0), AccECN's AE flag (byte 12's low bit, the
# checksum still right) and the ECN option's counters; (class 0x02) is the
# traffic class; #ifdef reads its lines only with -D; an unknown --send_omit_free
# line is one warning, and the run passes. "md5 valid" under
# --tcp_md5_secret: a listener with that TCP_MD5SIG key answers our signed
# SYN, and its SYN-ACK's digest checks; under another key the target's
# kernel drops the SYN.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/connect-lib.sh"
need_root
connect_lab_start

cat >"$TMP/pd.shake" <<'SHAKE'
--send_omit_free
target [2001:db8::2]:80
#ifdef WANT
+ 0 < (flowlabel 0xabcde) SEWA 0:0(0) win 65535 <mss 1440,
        ECN e0b 1 ceb 2 e1b 3>
+ 0 > SE. 0:0(0) ack 1 <...>
+ 0 < (class 0x02) . 1:1(0) ack 1 win 65535
+ 0 < R. 1:1(0) ack 1 win 0
#endif
SHAKE

RC=0
in_client "$TCPSHAKE" run --check "$TMP/pd.shake" >"$TMP/out" 2>"$TMP/err" || RC=$?
expect_rc 0 "--check without WANT"
grep -q "pd.shake: 0 steps, ok" "$TMP/out" ||
	{ show "$TMP/out"; fail "without -D WANT the #ifdef lines were read"; }
grep -q "pd.shake:1:1: warning: unknown option --send_omit_free ignored" "$TMP/err" ||
	{ show "$TMP/err"; fail "no warning for --send_omit_free"; }

server_capture_start "$TMP/cap.pcap"
RC=0
in_client "$TCPSHAKE" run --tolerance_usecs 200000 -D WANT=1 "$TMP/pd.shake" \
    >"$TMP/out" 2>"$TMP/err" || RC=$?
server_capture_stop
expect_rc 0 "the scenario with -D WANT=1"
[ "$(grep -c 'warning: unknown option --send_omit_free ignored' "$TMP/err")" = 1 ] ||
	{ show "$TMP/err"; fail "not one warning for --send_omit_free"; }

tcpdump -r "$TMP/cap.pcap" -nn -v -x 'ip6 and tcp and src 2001:db8::1' \
    >"$TMP/cap.txt" 2>/dev/null || fail "tcpdump cannot read the capture"
# The SYN: its IPv6 header's first word is 6, class 0, label 0xabcde.
grep -q "flowlabel 0xabcde, .*Flags \[SEW\], cksum 0x[0-9a-f]* (correct)" \
    "$TMP/cap.txt" ||
	{ show "$TMP/cap.txt"; fail "the SYN does not carry flow label 0xabcde"; }
grep -A6 "Flags \[SEW\]" "$TMP/cap.txt" | grep -q "0x0000:  600a bcde" ||
	{ show "$TMP/cap.txt"; fail "the SYN's first word is not 600abcde"; }
# TCP byte 12: data offset 9 (20 + 4 mss + 11 ECN + 1 pad) and AE; byte
# 13: CWR, ECE, SYN.
grep -A6 "Flags \[SEW\]" "$TMP/cap.txt" | grep -q "0x0030:  0000 0000 91c2 ffff" ||
	{ show "$TMP/cap.txt"; fail "the SYN's byte 12 has no AE bit"; }
grep -q "unknown-172 0x000001000002000003" "$TMP/cap.txt" ||
	{ show "$TMP/cap.txt"; fail "the SYN's ECN option is not e0b 1 ceb 2 e1b 3"; }
grep -q "cksum 0x[0-9a-f]* (incorrect" "$TMP/cap.txt" &&
	{ show "$TMP/cap.txt"; fail "a segment left with a wrong checksum"; }
# The ACK: traffic class 0x02 (ECT(0)) after the version: 6020 0000.
grep -A6 "Flags \[\.\]" "$TMP/cap.txt" | grep -q "0x0000:  6020 0000" ||
	{ show "$TMP/cap.txt"; fail "the ACK's traffic class is not 0x02"; }

# RFC 2385: a listener on port 179 whose key for 198.18.0.1 is "secret".
cat >"$TMP/md5srv.py" <<'PY'
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
addr = struct.pack("=H", socket.AF_INET) + b"\0\0" + socket.inet_aton("198.18.0.1")
key = b"secret"
# struct tcp_md5sig: the peer, flags, prefixlen, keylen, ifindex, the key
sig = addr.ljust(128, b"\0") + struct.pack("=BBHI", 0, 0, len(key), 0) + key.ljust(80, b"\0")
s.setsockopt(socket.IPPROTO_TCP, 14, sig)   # TCP_MD5SIG
s.bind(("198.18.0.2", 179))
s.listen(5)
print("listening", flush=True)
time.sleep(30)
PY
ip netns exec "$LAB-s" python3 "$TMP/md5srv.py" >"$TMP/md5srv.log" 2>&1 &
MD5SRV=$!
trap 'kill $MD5SRV 2>/dev/null; server_capture_stop; lab_stop; rm -rf "$TMP"' EXIT INT TERM HUP
n=0
until grep -q listening "$TMP/md5srv.log"; do
	n=$((n + 1))
	[ $n -le 100 ] || { show "$TMP/md5srv.log"; fail "the TCP_MD5SIG listener did not start"; }
	sleep 0.05
done
cat >"$TMP/md5.shake" <<'SHAKE'
--tcp_md5_secret=secret
target 198.18.0.2:179
0  < S 0:0(0) win 65535 <mss 1460,nop,nop,md5 valid>
+0 > S. 0:0(0) ack 1 <nop,nop,md5 valid,mss 1460>
+0 < . 1:1(0) ack 1 win 65535 <nop,nop,md5 valid>
+0 < R. 1:1(0) ack 1 win 0 <nop,nop,md5 valid>
SHAKE
RC=0
in_client "$TCPSHAKE" run --tolerance_usecs 200000 "$TMP/md5.shake" \
    >"$TMP/out" 2>"$TMP/err" || RC=$?
expect_rc 0 "md5 valid under the listener's key"
sed 's/^--tcp_md5_secret=secret$/--tcp_md5_secret=secreT/' "$TMP/md5.shake" \
    >"$TMP/md5-wrong.shake"
RC=0
in_client "$TCPSHAKE" run --tolerance_usecs 300000 "$TMP/md5-wrong.shake" \
    >"$TMP/out" 2>"$TMP/err" || RC=$?
expect_rc 1 "md5 valid under another key"
grep -q "no segment arrived" "$TMP/out" ||
	{ show "$TMP/out"; fail "the SYN signed with another key was answered"; }
exit 0
