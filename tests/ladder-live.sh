#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ladder-live.sh: the ladder of real conversations in the lab: each state
# on the row of the segment that caused it (the target's FIN_WAIT_2 on our
# ACK of its FIN, not on an earlier ACK), times that never run backwards,
# and --time-wait's wait drawn as a row of its own that says how long
# TIME_WAIT held.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/connect-lib.sh"
need_root
connect_lab_start
in_server "$TCPSHAKE" serve --port 81 --mode close-first bye \
    >"$TMP/serve.log" 2>&1 </dev/null &
SERVE=$!
trap 'kill $SERVE 2>/dev/null; server_capture_stop; lab_stop; rm -rf "$TMP"' EXIT INT TERM HUP
i=0
until in_server ss -ltn "( sport = :81 )" | grep -q LISTEN; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "server on port 81 did not start"
	sleep 0.1
done

# The time column (ms) of the rows that have one, in order.
monotonic() {
	awk '/^ *-?[0-9]+\.[0-9]+ / { if (seen && $1 + 0 < last) {
		print "row " NR ": " $1 " after " last; bad = 1 }
		last = $1 + 0; seen = 1 } END { exit bad }' "$TMP/out"
}

# The target closes first: "bye", its FIN; we ACK the data, then the FIN
# (ack 5), then close. Its FIN_WAIT_2 belongs to our ack 5 and only there.
connect_run --ladder --peer-netns "$LAB-s" --close wait 198.18.0.2:81
expect_rc 0
expect_line "\|-- \. 1:1\(0\) ack 5 win [0-9]+ -+>\|  FIN_WAIT_2$"
expect_no_line "ack 4 win [0-9]+ -+>\|  FIN_WAIT_2$"
expect_line "\|<-+ F\. 4:4\(0\) ack 1 win [0-9]+ --\|"
expect_line "LAST_ACK +\|-- F\. 1:1\(0\) ack 5 .*-->\|  TIME_WAIT$"
monotonic || { show "$TMP/out"; fail "times run backwards (target closes first)"; }

# Our close with a TIME_WAIT of 1 s: the ACK of the target's FIN, then a
# row a second later where CLOSED ends TIME_WAIT, saying how long it held.
connect_run --ladder --peer-netns "$LAB-s" --send hello --close fin \
    --time-wait 1s 198.18.0.2:80
expect_rc 0
expect_line "TIME_WAIT +\|<-+ F\. 6:6\(0\) ack 7 win [0-9]+ --\|"
expect_line "\|-- \. 7:7\(0\) ack 7 win [0-9]+ -+>\|  CLOSED$"
expect_line "^ +1[0-9]{3}\.[0-9]{3} CLOSED +\|  \.\. TIME_WAIT held 1\.[0-9]{6} s +\|$"
monotonic || { show "$TMP/out"; fail "times run backwards (our close)"; }
held=$(sed -nE 's/.*TIME_WAIT held ([0-9.]+) s.*/\1/p' "$TMP/out")
awk -v h="$held" 'BEGIN { exit !(h >= 1.0 && h < 1.5) }' ||
	{ show "$TMP/out"; fail "TIME_WAIT held $held s, want 1 s (up to 0.5 s late)"; }
exit 0
