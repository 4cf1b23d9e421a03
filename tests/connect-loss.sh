#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# connect-loss.sh: our SYN and FIN lost once are retransmitted after the
# RTO and the connection still completes. This kernel has no netem, so the
# loss is nftables in the server namespace: each rule drops every other
# segment it matches (numgen inc mod 2), deterministically the first SYN
# and the first FIN.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/connect-lib.sh"
need_root
connect_lab_start

in_server nft -f - <<'NFT' || fail "cannot add the loss table in the server namespace"
table inet loss {
	chain input {
		type filter hook input priority 0;
		tcp dport 80 tcp flags & (syn | ack) == syn numgen inc mod 2 == 0 drop
		tcp dport 80 tcp flags & fin == fin numgen inc mod 2 == 0 drop
	}
}
NFT

connect_run --send 'hi' --expect-echo --rto 500ms 198.18.0.2:80
expect_rc 0
[ "$(count_lines "SENT .* S 0:0\(0\) ")" = 2 ] ||
	{ show "$TMP/out"; fail "the SYN was not sent exactly twice"; }
[ "$(count_lines "SENT .* F\. 3:3\(0\) ")" = 2 ] ||
	{ show "$TMP/out"; fail "the FIN was not sent exactly twice"; }
expect_line "^retransmission 1 of SYN, 0\.5[0-9]{2} s after the previous send$"
expect_line "^retransmission 1 of FIN, 0\.5[0-9]{2} s after the previous send$"
expect_line "2 retransmissions, 0 unacceptable$"
expect_line "^--- 198\.18\.0\.2:80 from 198\.18\.0\.1:[0-9]+ \(ISN [0-9]+\): closed, prober CLOSED$"

# The interval on the wire between the two SYNs, from the kernel stamps.
grep -E "SENT .* S 0:0\(0\) " "$TMP/out" | cut -d' ' -f1 | tr '\n' ' ' |
    awk '{ d = $2 - $1; if (d < 0.425 || d > 0.575) { print d; exit 1 } }' >"$TMP/why" ||
	{ show "$TMP/out"; fail "SYN retransmitted $(cat "$TMP/why") s after the first, want 0.5 s +-15%"; }

# Every SYN lost: the RTO doubles at each retransmission, the flow gives up
# after --retries, and the run says the connection timed out (exit 1).
in_server nft add rule inet loss input tcp dport 80 tcp flags '&' '(syn | ack)' == syn drop ||
	fail "cannot add the drop-every-SYN rule"
connect_run --rto 100ms --retries 2 198.18.0.2:80
expect_rc 1
[ "$(count_lines "SENT .* S 0:0\(0\) ")" = 3 ] ||
	{ show "$TMP/out"; fail "the SYN was not sent exactly three times"; }
expect_line "^retransmission 1 of SYN, 0\.1[0-9]{2} s after the previous send$"
expect_line "^retransmission 2 of SYN, 0\.2[0-9]{2} s after the previous send$"
expect_line "^gave up after 2 retransmissions of SYN: no answer$"
expect_line "^--- not as asked: timed out$"
exit 0
