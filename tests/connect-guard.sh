#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# connect-guard.sh: the guard keeps the local kernel from resetting our
# connection, and leaves no nftables table behind: after a normal run,
# after SIGINT and SIGTERM (which also flush the pcap and print the
# summary), and after kill -9 followed by the next run.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/connect-lib.sh"
need_root
connect_lab_start

connect_run --send 'x' 198.18.0.2:80
expect_rc 0
expect_no_line "not sent by tcpshake"
expect_no_guard_table "after a normal run"

# Without the guard our kernel answers the SYN-ACK with a RST of its own.
connect_run --no-guard --close rst 198.18.0.2:80
expect_line "^the segment above was not sent by tcpshake: the local kernel's \(the guard is off\)$"
expect_line "segments from the local kernel"

# A signal in the middle of --recv-wait: the run ends at once, resets the
# connection, reports, removes the table; the pcap holds the RST.
for sig in INT TERM HUP; do
	# A fresh output file: the loop below must not see the last run's.
	rm -f "$TMP/out"
	ip netns exec "$LAB-c" "$TCPSHAKE" connect --recv-wait 10s \
	    -w "$TMP/$sig.pcap" 198.18.0.2:80 >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	n=0
	until grep -q "^ESTABLISHED$" "$TMP/out" 2>/dev/null; do
		n=$((n + 1))
		[ $n -le 100 ] || { show "$TMP/out" "$TMP/err"; fail "connect did not get ESTABLISHED"; }
		sleep 0.05
	done
	in_client nft list tables | grep -q "tcpshake_$pid" ||
		fail "no guard table tcpshake_$pid while connect runs"
	kill -"$sig" "$pid"
	RC=0
	wait "$pid" || RC=$?
	expect_rc 1
	expect_line "^--- not as asked: interrupted by SIG$sig$"
	expect_no_guard_table "after SIG$sig"
	"$TCPSHAKE" read "$TMP/$sig.pcap" >"$TMP/read" ||
		fail "the pcap written before SIG$sig does not read"
	grep -Eq "198\.18\.0\.1:[0-9]+ > 198\.18\.0\.2:80 R " "$TMP/read" ||
		{ show "$TMP/read"; fail "the pcap written before SIG$sig lacks the RST"; }
done

# kill -9: no handler runs. The kernel drops an owned table with its
# process; a table nobody owns (an older kernel's, faked here with a dead
# pid) is removed by the next run.
ip netns exec "$LAB-c" "$TCPSHAKE" connect --recv-wait 10s 198.18.0.2:80 \
    >/dev/null 2>&1 &
pid=$!
sleep 0.5
kill -9 "$pid"
wait "$pid" 2>/dev/null
in_client nft add table inet tcpshake_4194304 ||
	fail "cannot add a stale-looking table"
connect_run --close rst 198.18.0.2:80
expect_rc 0
expect_no_guard_table "after kill -9 and the next run"
exit 0
