#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# connect-close.sh: each --close mode ends as it should, seen from our
# segments and from the target's kernel (ss in the server namespace).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/connect-lib.sh"
need_root
connect_lab_start
serve_start 8081 --mode write-after-eof 'late data\n'
serve_start 8082 --mode close-first 'bye\n'

# Print the line numbers of the first lines matching each regex, in order,
# failing unless each comes after the one before.
in_order() {
	last=0
	for re in "$@"; do
		n=$(grep -nE -- "$re" "$TMP/out" | cut -d: -f1 |
		    awk -v l="$last" '$1 > l { print; exit }')
		[ -n "$n" ] || { show "$TMP/out"; fail "no line matching '$re' after line $last"; }
		last=$n
	done
}

# fin: our FIN first (FIN_WAIT_1); the target's FIN acknowledges it, so the
# target was in CLOSE_WAIT, then LAST_ACK until our last ACK; it ends with
# no socket at all (the passive closer keeps no TIME_WAIT).
connect_run --send 'x' --close fin 198.18.0.2:80
expect_rc 0
# (Our FIN acks the echo of 'x' when it came back first.)
in_order "SENT .* F\. 2:2\(0\) ack [12] " "^FIN_WAIT_1$" \
    "RCVD .* FP?\. [0-9]+:[0-9]+\([0-9]+\) ack 3 " "^TIME_WAIT$" \
    "SENT .* \. 3:3\(0\) ack [0-9]+ " "^CLOSED$"
expect_line "^--- 198\.18\.0\.2:80 from 198\.18\.0\.1:[0-9]+ \(ISN [0-9]+\): closed, prober CLOSED$"
port=$(prober_port)
sleep 0.2
[ -z "$(server_sockets "$port")" ] ||
	{ server_sockets "$port" >&2; fail "--close fin: the target still holds a socket for port $port"; }

# The same through the target's own states (the ladder's right margin):
# LAST_ACK is read before our last ACK leaves (its CLOSE_WAIT lasts only
# as long as the echo server takes to close, too short to be sure to
# see), CLOSED after it.
connect_run --ladder --peer-netns "$LAB-s" --send 'x' --close fin 198.18.0.2:80
expect_rc 0
in_order "\|  LAST_ACK$" "\|  CLOSED$"

# fin with --time-wait: TIME_WAIT is kept for its duration, and a FIN
# the target retransmits in it is acknowledged again. The target's
# firewall drops every other pure ACK from us: the handshake's passes, our
# ACK of its FIN does not, so it sends the FIN again after its RTO.
in_server nft -f - <<'NFT' || fail "cannot add the ACK-dropping table"
table inet lastack {
	chain input {
		type filter hook input priority 0;
		tcp dport 80 tcp flags & (fin | syn | rst | psh) == 0 numgen inc mod 2 == 1 drop
	}
}
NFT
connect_run -v --close fin --time-wait 1s 198.18.0.2:80
in_server nft delete table inet lastack
expect_rc 0
# With no data the target's ACK of our FIN races its application's close:
# the ACK comes alone (FIN_WAIT_2 first) or rides on its FIN, whichever
# the scheduler decides (labs/11-passive-close shows both).
in_order "^FIN_WAIT_[12] -> TIME_WAIT: " "SENT .* \. 2:2\(0\) ack 2 " \
    "RCVD .* F\. 1:1\(0\) ack 2 " \
    "^retransmitted FIN in TIME_WAIT: ACKed again, 1\.000 s restarted$" \
    "SENT .* \. 2:2\(0\) ack 2 " \
    "^TIME_WAIT -> CLOSED: TIME_WAIT ended after 1\.000 s$"
expect_no_line "left at once"

# half: after our FIN the server writes; that data is received and ACKed
# in FIN_WAIT_2, then its FIN. The server's FIN may follow its data within
# microseconds, before our ACK of the data has gone out: the ACK of the
# data and the arrival of the FIN are in either order.
connect_run --send 'x' --close half 198.18.0.2:8081
expect_rc 0
in_order "SENT .* F\. 2:2\(0\) ack 1 " \
    "RCVD .* P\. 1:11\(10\) ack 3 win [0-9]+ \"late data\\\\n\"$" \
    "^10 bytes delivered in order \(10 in all\)$" \
    "SENT .* \. 3:3\(0\) ack 11 " "SENT .* \. 3:3\(0\) ack 12 " \
    "^CLOSED$"
in_order "RCVD .* P\. 1:11\(10\) ack 3 " "RCVD .* F\. 11:11\(0\) ack 3 " \
    "SENT .* \. 3:3\(0\) ack 12 "
expect_line "received 10 \(10 after our FIN\)"
expect_line "^--- as asked \(--close half\)$"

# wait: the server closes first; we ACK its FIN (CLOSE_WAIT), send ours
# (LAST_ACK), and the target is left in TIME_WAIT.
connect_run --close wait 198.18.0.2:8082
expect_rc 0
in_order "RCVD .* F\. 5:5\(0\) ack 1 " "^CLOSE_WAIT$" \
    "SENT .* F\. 1:1\(0\) ack 6 " "^LAST_ACK$" "RCVD .* \. 6:6\(0\) ack 2 " \
    "^CLOSED$"
expect_line "^--- as asked \(--close wait\)$"
port=$(prober_port)
server_sockets "$port" >"$TMP/ss"
grep -q "^TIME-WAIT" "$TMP/ss" ||
	{ show "$TMP/ss"; fail "--close wait: the target is not in TIME_WAIT for port $port"; }

# rst: one RST, and the target keeps nothing.
connect_run --close rst 198.18.0.2:80
expect_rc 0
in_order "SENT .* R 1:1\(0\) win 0$" "^CLOSED$"
expect_line "^--- 198\.18\.0\.2:80 from 198\.18\.0\.1:[0-9]+ \(ISN [0-9]+\): aborted, prober CLOSED$"
port=$(prober_port)
sleep 0.2
[ -z "$(server_sockets "$port")" ] ||
	{ server_sockets "$port" >&2; fail "--close rst: the target still holds a socket for port $port"; }

# A server that never closes (it never accepts: its kernel ACKs our FIN
# and the socket waits in the queue): --close fin gives up after
# --timeout, exit 1.
serve_start 8084 --no-accept
connect_run --close fin --timeout 1s 198.18.0.2:8084
expect_rc 1
expect_line "^--- not as asked: waiting for the target's FIN: still FIN_WAIT_2 after 1\.000 s$"
exit 0
