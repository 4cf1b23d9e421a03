#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# realpath-veth.sh: a plain veth pair made with ip, offloads left as the
# kernel sets them (checksum offload, TSO and GSO on): the target's
# checksums reach the capture unfilled. connect (echo, half-close, IPv4 and
# IPv6), run of three shipped scenarios and probe all pass and say
# "offloaded"; a really wrong checksum is still called bad.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/realpath-lib.sh"
need_root
rp_start
S=$RP_V4.2

in_client ethtool -k "${RP}a" | grep -q '^tx-checksumming: on' ||
	fail "the kernel's veth default has tx checksum offload off here"

rp_serve echo 7 "$TCPSHAKE" serve --port 7
rp_serve echo80 80 "$TCPSHAKE" serve --port 80
rp_serve tail82 82 "$TCPSHAKE" serve --port 82 --mode write-after-eof tail --eof-delay 500ms

# connect: echo, IPv4 and IPv6.
rp_run connect "$S:7" --send hello --expect-echo
rp_rc 0 "connect echo"
rp_line 'RCVD .* S\. .*\[checksum offloaded\]$' "connect echo: SYN-ACK"
rp_line 'received 5 \(' "connect echo"
rp_no_line 'bad checksum' "connect echo"
rp_run connect "[$RP_V6:2]:7" --send hello --expect-echo
rp_rc 0 "connect IPv6 echo"
rp_line 'RCVD .* S\. .*\[checksum offloaded\]$' "connect IPv6: SYN-ACK"

# connect: a half-close, the target writing after our FIN.
rp_run connect "$S:82" --send 'abc' --close half
rp_rc 0 "connect half-close"
rp_line 'RCVD .* "tail" .*\[checksum offloaded\]$' "half-close: data after our FIN"
rp_line 'as asked \(--close half\)' "half-close"

# JSON says it too.
rp_run connect --json "$S:7" --send hi --expect-echo
rp_rc 0 "connect --json"
rp_line '"checksum":"offloaded"' "connect --json"

# run: three shipped scenarios, their target on this pair.
for f in handshake-and-active-close data-exchange half-close; do
	port=$(sed -n 's/^target [0-9.]*:\([0-9]*\)$/\1/p' \
	    "$top_srcdir/scenarios/$f.shake")
	rp_run run -v --target "$S:$port" "$top_srcdir/scenarios/$f.shake"
	if [ "$RC" != 0 ]; then
		echo "realpath-veth: $f failed once, trying again:" >&2
		show "$TMP/out"
		rp_run run -v --target "$S:$port" \
		    "$top_srcdir/scenarios/$f.shake"
	fi
	rp_rc 0 "run $f"
	rp_line ': ok, [0-9]+ steps' "run $f"
	rp_line 'RCVD .*\[checksum offloaded\]$' "run $f"
	rp_no_line 'differs: checksum' "run $f"
done

# probe: a SYN answered, its SYN-ACK's checksum offloaded.
rp_run probe -S -p 7 -c 2 "$S"
rp_rc 0 "probe"
rp_line 'RCVD .* S\. .*\[checksum offloaded\]' "probe"
rp_line '2 sent, 2 received, 0 lost' "probe"

# A wrong checksum is still wrong on this path: our own --badsum SYN, as
# the capture wrote it, reads back as bad; the target drops it unanswered.
rp_run probe -S -p 7 --badsum --timeout 0.5 -w "$TMP/bad.pcap" "$S"
rp_rc 1 "probe --badsum"
in_client "$TCPSHAKE" read "$TMP/bad.pcap" >"$TMP/out" 2>"$TMP/err" ||
	fail "read bad.pcap"
rp_line 'S 0:0\(0\) .*\[bad checksum 0x[0-9a-f]{4}, should be 0x[0-9a-f]{4}\]' \
    "read --badsum"
rp_line '1 bad checksum' "read --badsum"
exit 0
