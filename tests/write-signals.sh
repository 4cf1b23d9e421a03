#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# write-signals.sh: run's -w capture reads after SIGINT, SIGTERM or SIGHUP
# with every segment it showed (connect-guard.sh checks connect's); and a
# capture's header is written at open, so even kill -9 before the first
# record leaves a file that reads (empty), never zero bytes.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/connect-lib.sh"
need_root
connect_lab_start

# Start tcpshake ARGS in the client namespace in the background ($PID).
start() {
	# A fresh file: the waits on it must not find the last run's lines
	# before this run has started (and truncated it).
	rm -f "$TMP/out" "$TMP/err"
	ip netns exec "$LAB-c" "$TCPSHAKE" "$@" >"$TMP/out" 2>"$TMP/err" &
	PID=$!
}

# The file $1 reads, with tcpdump and with tcpshake read ($TMP/read).
expect_readable() {
	tcpdump -r "$1" -nn >"$TMP/td" 2>"$TMP/td.err" ||
		fail "$2: tcpdump cannot read the file: $(cat "$TMP/td.err")"
	"$TCPSHAKE" read "$1" >"$TMP/read" ||
		fail "$2: tcpshake read cannot read the file"
}

cat >"$TMP/hold.shake" <<SHAKE
target 198.18.0.2:80
0    < S 0:0(0) win 1000
+0   > S. 0:0(0) ack 1 <...>
+10  wait
SHAKE
for sig in INT TERM HUP; do
	start run -v -w "$TMP/$sig.pcap" "$TMP/hold.shake"
	n=0
	until grep -q '^ok .*S\. 0:0(0) ack 1' "$TMP/out"; do
		n=$((n + 1))
		[ $n -le 100 ] || { show "$TMP/out" "$TMP/err"; fail "run did not see the SYN-ACK"; }
		sleep 0.05
	done
	kill -s $sig $PID
	wait $PID
	expect_readable "$TMP/$sig.pcap" "after SIG$sig"
	grep -q ' S 0:0(0) win 1000' "$TMP/read" &&
	    grep -q ' S\. 0:0(0) ack 1' "$TMP/read" ||
		{ show "$TMP/out" "$TMP/read"; fail "after SIG$sig the file lacks the handshake"; }
done

# kill -9 before any record: a scenario whose first send is 5 s away.
cat >"$TMP/late.shake" <<SHAKE
target 198.18.0.2:80
5    < S 0:0(0) win 1000
SHAKE
start run -w "$TMP/kill.pcap" "$TMP/late.shake"
n=0
until grep -q "^Uid:	[1-9]" "/proc/$PID/status" 2>/dev/null; do
	n=$((n + 1))
	[ $n -le 100 ] || { show "$TMP/out" "$TMP/err"; fail "run did not start"; }
	sleep 0.05
done
kill -9 $PID
wait $PID
[ "$(wc -c <"$TMP/kill.pcap")" = 24 ] ||
	fail "after kill -9 the file has $(wc -c <"$TMP/kill.pcap") bytes, want 24 (the header)"
expect_readable "$TMP/kill.pcap" "after kill -9"
exit 0
