#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# probe-closed.sh: the lab's Linux target refuses a SYN to a closed port
# with RST-ACK (ack = seq + 1), answers an ACK to its open port with a RST
# whose seq is our ack, and an ICMP port-unreachable (from a reject rule)
# is matched to the probe it quotes, and written to -w FILE.pcap beside
# the probe (IPv4 and IPv6). All count as answers: exit 0. A host name is
# resolved and printed once.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/probe-lib.sh"
need_root
probe_lab_start

probe_run --seq 1000 -p 81 198.18.0.2
[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "SYN to a closed port: exit $RC, want 0"; }
expect_line "SENT 198\.18\.0\.1:[0-9]+ > 198\.18\.0\.2:81 S 1000:1000\(0\) win 65535$"
expect_line "RCVD 198\.18\.0\.2:81 > 198\.18\.0\.1:[0-9]+ R\. 0:0\(0\) ack 1001 win 0 rtt [0-9.]+ us$"
expect_line "^--- 198\.18\.0\.2 port 81: 1 sent, 1 received, 0 lost \(0\.0%\), rtt "

probe_run -A --seq 5 --ack 424242 -p 80 198.18.0.2
[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "ACK to an open port: exit $RC, want 0"; }
expect_line "SENT 198\.18\.0\.1:[0-9]+ > 198\.18\.0\.2:80 \. 5:5\(0\) ack 424242 win 65535$"
expect_line "RCVD 198\.18\.0\.2:80 > 198\.18\.0\.1:[0-9]+ R 424242:424242\(0\) win 0 rtt [0-9.]+ us$"

# The target rejects port 7777 with ICMP port unreachable.
in_server nft -f - <<'NFT' || fail "cannot load the reject rule in the server namespace"
table inet probetest {
	chain input {
		type filter hook input priority 0;
		tcp dport 7777 reject with icmpx type port-unreachable
	}
}
NFT
probe_run --seq 77 -p 7777 -w "$TMP/icmp.pcap" 198.18.0.2
[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "ICMP-refused probe: exit $RC, want 0"; }
expect_line "ICMP 3/3 .* from 198\.18\.0\.2 about 198\.18\.0\.1:[0-9]+ > 198\.18\.0\.2:7777 seq 77$"
expect_line "^--- 198\.18\.0\.2 port 7777: 1 sent, 1 received, 0 lost"
# The file holds the probe, then the ICMP error with the probe quoted.
tcpdump -r "$TMP/icmp.pcap" -nn -S -v >"$TMP/icmp.txt" 2>"$TMP/icmp.err" ||
    fail "tcpdump cannot read the -w file: $(cat "$TMP/icmp.err")"
[ "$(grep -c '^[0-9]' "$TMP/icmp.txt")" = 2 ] &&
    sed -n 4p "$TMP/icmp.txt" | grep -Eq "198\.18\.0\.2 > 198\.18\.0\.1: ICMP 198\.18\.0\.2 tcp port 7777 unreachable" &&
    sed -n 6p "$TMP/icmp.txt" | grep -Eq "198\.18\.0\.1\.[0-9]+ > 198\.18\.0\.2\.7777: Flags \[S\], .*seq 77," || {
	cat "$TMP/icmp.txt" >&2
	fail "the -w file does not hold the probe and the ICMP error quoting it"
}

probe_run --seq 78 -p 7777 -w "$TMP/icmp6.pcap" 2001:db8::2
[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "ICMPv6-refused probe: exit $RC, want 0"; }
expect_line "ICMPv6 1/4 .* from 2001:db8::2 about \[2001:db8::1\]:[0-9]+ > \[2001:db8::2\]:7777 seq 78$"
tcpdump -r "$TMP/icmp6.pcap" -nn >"$TMP/icmp6.txt" 2>"$TMP/icmp.err" ||
    fail "tcpdump cannot read the IPv6 -w file: $(cat "$TMP/icmp.err")"
[ "$(wc -l <"$TMP/icmp6.txt")" = 2 ] &&
    sed -n 2p "$TMP/icmp6.txt" | grep -Eq "2001:db8::2 > 2001:db8::1: ICMP6, destination unreachable, unreachable port, 2001:db8::2 tcp port 7777" || {
	cat "$TMP/icmp6.txt" >&2
	fail "the IPv6 -w file does not hold the probe and the ICMPv6 error"
}

if grep -q "unmatched" "$TMP/out"; then
	cat "$TMP/out" >&2
	fail "a reply was left unmatched"
fi

# A name is resolved once and said; loopback is found as the interface.
probe_run -p 9 localhost
[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "probe localhost: exit $RC, want 0"; }
expect_line "^probing localhost \((127\.0\.0\.1|::1)\) from (127\.0\.0\.1|::1) on lo: 1 probe$"
expect_line "RCVD (127\.0\.0\.1|\[::1\]):9 > .* R\. 0:0\(0\) ack [0-9]+ win 0 rtt"
exit 0
