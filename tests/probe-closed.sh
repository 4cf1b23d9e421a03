#!/bin/sh
# probe-closed.sh: the lab's Linux target refuses a SYN to a closed port
# with RST-ACK (ack = seq + 1), answers an ACK to its open port with a RST
# whose seq is our ack, and an ICMP port-unreachable (from a reject rule)
# is matched to the probe it quotes. All count as answers: exit 0. A host
# name is resolved and printed once.
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
probe_run --seq 77 -p 7777 198.18.0.2
[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "ICMP-refused probe: exit $RC, want 0"; }
expect_line "ICMP 3/3 .* from 198\.18\.0\.2 about 198\.18\.0\.1:[0-9]+ > 198\.18\.0\.2:7777 seq 77$"
expect_line "^--- 198\.18\.0\.2 port 7777: 1 sent, 1 received, 0 lost"

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
