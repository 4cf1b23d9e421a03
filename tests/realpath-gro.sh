#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# realpath-gro.sh: a plain veth pair with checksum offload, TSO, GSO and GRO
# on at both ends: the capture holds super-segments. A 200 KB echo, IPv4
# and IPv6, comes back byte for byte with exact counts; run matches a
# 5000-byte write as the four segments it was on the wire, and read
# --shake writes it so; the shipped scenarios and probe still pass.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/realpath-lib.sh"
need_root
rp_start
rp_offloads on
S=$RP_V4.2

rp_serve echo 7 "$TCPSHAKE" serve --port 7
rp_serve echo80 80 "$TCPSHAKE" serve --port 80
rp_serve tail82 82 "$TCPSHAKE" serve --port 82 --mode write-after-eof tail --eof-delay 500ms
rp_serve banner85 85 "$TCPSHAKE" serve --port 85 --mode banner \
    "$(printf '%5000s' '' | tr ' ' x)"

# The largest payload among the target's segments in $TMP/out.
largest() {
	grep " RCVD " "$TMP/out" | sed -n 's/.* [0-9]*:[0-9]*(\([0-9]*\)).*/\1/p' |
	    sort -n | tail -n 1
}

head -c 204800 /dev/urandom >"$TMP/200k"
for dst in "$S" "[$RP_V6:2]"; do
	rp_run connect "$dst:7" --send @"$TMP/200k" --expect-echo
	rp_rc 0 "200 KB echo to $dst"
	rp_line 'sent 204800 bytes \(204800 acked\), received 204800 ' \
	    "200 KB echo to $dst"
	rp_no_line 'bad checksum' "200 KB echo to $dst"
	big=$(largest)
	[ "${big:-0}" -gt 1500 ] || {
		show "$TMP/out"
		fail "200 KB echo to $dst: no super-segment (largest ${big:-none})"
	}
	echo "# 200 KB echo to $dst: largest segment captured $big bytes"
done

# run: one write of 5000 bytes, a super-segment in the capture, matched as
# the segments of the MSS (1460: ours, the MTU's) it was on the wire.
cat >"$TMP/super.shake" <<'END'
target 198.18.74.2:85
0       < S 0:0(0) win 65535 <mss 1460>
+0      > S. 0:0(0) ack 1 <mss 1460>
+0      < . 1:1(0) ack 1 win 65535
*       > . 1:1461(1460) ack 1
+0      > . 1461:2921(1460) ack 1
+0      > . 2921:4381(1460) ack 1
+0      > P. 4381:5001(620) ack 1
+0      < . 1:1(0) ack 5001 win 65535
+0      < R. 1:1(0) ack 5001 win 0
END
rp_run run -v "$TMP/super.shake"
rp_rc 0 "run of a super-segment"
rp_line 'RCVD .* P\. 1:5001\(5000\) .*\[checksum offloaded\]$' \
    "run: the super-segment as captured"
rp_line 'a super-segment of 5000 bytes: matched as the 4 segments of 1460' \
    "run: the note"

# A capture of the same made into a scenario by read --shake: the
# super-segment is written as the four wire segments, and run plays the
# scenario back against the target.
rp_run connect "$S:85" --recv-wait 0.2 --close rst -w "$TMP/banner.pcap"
rp_rc 0 "connect to the banner"
rp_line 'RCVD .* P\. 1:5001\(5000\) ' "connect: the super-segment"
"$TCPSHAKE" read --shake "$S:85" "$TMP/banner.pcap" >"$TMP/banner.shake" ||
	fail "read --shake banner.pcap"
for want in '> \. 1:1461\(1460\) ack 1 ' '> \. 2921:4381\(1460\) ack 1 ' \
    '> P\. 4381:5001\(620\) ack 1 '; do
	grep -Eq -- "$want" "$TMP/banner.shake" || {
		show "$TMP/banner.shake"
		fail "read --shake: no line matching '$want'"
	}
done
# (Segments are the point here, not the server's accept latency, which a
# loaded machine stretches past the default 4 ms.)
rp_run run --tolerance_usecs 100000 "$TMP/banner.shake"
rp_rc 0 "run of read --shake's scenario"

for f in handshake-and-active-close data-exchange half-close; do
	port=$(sed -n 's/^target [0-9.]*:\([0-9]*\)$/\1/p' \
	    "$top_srcdir/scenarios/$f.shake")
	rp_run run --target "$S:$port" "$top_srcdir/scenarios/$f.shake"
	if [ "$RC" != 0 ]; then
		echo "realpath-gro: $f failed once, trying again:" >&2
		show "$TMP/out"
		rp_run run --target "$S:$port" "$top_srcdir/scenarios/$f.shake"
	fi
	rp_rc 0 "run $f"
done

rp_run probe -S -p 7 "$S"
rp_rc 0 "probe"
rp_line 'RCVD .* S\. .*\[checksum offloaded\]' "probe"
exit 0
