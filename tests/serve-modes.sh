#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/serve-modes.sh: the serve modes an exercise needs, each run as a
# scenario by `tcpshake run` in the lab, the server's socket states read
# with ss in the server namespace: close-delay (the passive closer's
# CLOSE_WAIT, its ACK apart from its FIN), --half-close (FIN_WAIT_2 that
# still takes data) and --connect (the target as client: SYN_SENT, and
# TIME_WAIT on the target's side).
. "$top_srcdir/tests/lib.sh"
need_root

lab_start --no-serve
tmp=$(mktemp -d)
SERVE_PIDS=
trap 'for p in $SERVE_PIDS; do kill "$p" 2>/dev/null; done; lab_stop;
    rm -rf "$tmp"' EXIT INT TERM HUP

serve_bg() {
	port=$1
	shift
	in_server "$TCPSHAKE" -v serve --port "$port" "$@" \
	    >"$tmp/serve$port.log" 2>&1 </dev/null &
	SERVE_PIDS="$SERVE_PIDS $!"
	server_wait_listen "$port"
}

# run NAME: the scenario $tmp/NAME.shake in the client namespace; fail
# with its report unless it passes.
# Its commands look into the server's namespace (ip netns exec): root.
run() {
	in_client "$TCPSHAKE" run --commands-as root -D LAB="$LAB" \
	    -D TCPSHAKE="$TCPSHAKE" \
	    "$tmp/$1.shake" >"$tmp/$1.out" 2>&1 || {
		show "$tmp/$1.out" "$tmp"/serve*.log
		fail "$1: the scenario failed"
	}
}

# A shell step: the server's socket on PORT is in STATE (ss's name).
# ss's state filter names it in lower case ("close-wait").
sstate() {
	echo "+0 \`ip netns exec LAB-s ss -Htn state $2 '( sport = :$1 )' | grep -q .\`"
}

# close-delay: we close first; the target ACKs our FIN at once (CLOSE_WAIT),
# and sends its own FIN only when the delay is over.
serve_bg 91 --mode close-delay 600ms
cat >"$tmp/delay.shake" <<END
target 198.18.0.2:91
0        < S 0:0(0) win 65535 <mss 1460>
+0       > S. 0:0(0) ack 1 <mss 1460>
+0       < . 1:1(0) ack 1 win 65535
+0       < P. 1:3(2) ack 1 win 65535 "hi"
+0~+0.3  > . 1:1(0) ack 3
+0~+0.3  > P. 1:3(2) ack 3 "hi"
+0       < F. 3:3(0) ack 3 win 65535
+0~+0.3  > . 3:3(0) ack 4
$(sstate 91 close-wait)
+0~+0.5  > none
+0~+0.3  > F. 3:3(0) ack 4
$(sstate 91 last-ack)
+0       < . 4:4(0) ack 4 win 65535
END
run delay
grep -q "^close 198.18.0.1:[0-9]* after eof (read 2, wrote 2)" \
    "$tmp/serve91.log" || fail "close-delay log: $(cat "$tmp/serve91.log")"

# --half-close: close-first's text, then shutdown(SHUT_WR) rather than
# close: the target sits in FIN_WAIT_2 and still acknowledges our data
# (a closed socket would answer it with RST); our FIN ends it in TIME_WAIT
# on the target's side.
serve_bg 92 --mode close-first bye --half-close
cat >"$tmp/half.shake" <<END
target 198.18.0.2:92
0        < S 0:0(0) win 65535 <mss 1460>
+0       > S. 0:0(0) ack 1 <mss 1460>
+0       < . 1:1(0) ack 1 win 65535
+0~+0.3  > P. 1:4(3) ack 1 "bye"
+0~+0.1  > F. 4:4(0) ack 1
+0       < . 1:1(0) ack 5 win 65535
$(sstate 92 fin-wait-2)
+0       < P. 1:5(4) ack 5 win 65535 "more"
+0~+0.3  > . 5:5(0) ack 5
+0       < F. 5:5(0) ack 5 win 65535
+0~+0.3  > . 5:5(0) ack 6
$(sstate 92 time-wait)
END
run half
grep -q "^shutdown 198.18.0.1:[0-9]* (read 0, wrote 3)" "$tmp/serve92.log" &&
    grep -q "^close 198.18.0.1:[0-9]* after eof (read 4, wrote 3)" \
    "$tmp/serve92.log" || fail "half-close log: $(cat "$tmp/serve92.log")"

# --connect: the target's kernel opens the connection to us (we play the
# server: our SYN-ACK answers its SYN); SYN_SENT until we answer, and the
# TIME_WAIT of the active closer is the target's.
cat >"$tmp/client.shake" <<END
target 198.18.0.2:5555
flow a 8080
0        \`ip netns exec LAB-s TCPSHAKE -v serve --connect 198.18.0.1:8080 --bind 198.18.0.2 --port 5555 --mode close-first bye >$tmp/serve5555.log 2>&1 &\`
+0~+1    a > S 0:0(0) <...>
$(sstate 5555 syn-sent)
+0       a < S. 0:0(0) ack 1 win 65535 <mss 1460>
+0~+0.2  a > . 1:1(0) ack 1
+0~+0.2  a > P. 1:4(3) ack 1 "bye"
+0~+0.2  a > F. 4:4(0) ack 1
+0       a < . 1:1(0) ack 5 win 65535
$(sstate 5555 fin-wait-2)
+0       a < F. 1:1(0) ack 5 win 65535
+0~+0.2  a > . 5:5(0) ack 2
$(sstate 5555 time-wait)
END
run client
grep -q "^connected 198.18.0.1:8080" "$tmp/serve5555.log" ||
    fail "connect log: $(cat "$tmp/serve5555.log")"

# --realtime: the server runs SCHED_FIFO (as root), so it answers on time
# on a busy machine.
ip netns exec "$LAB-s" "$TCPSHAKE" serve --port 94 --realtime \
    >"$tmp/serve94.log" 2>&1 </dev/null &
rt=$!
SERVE_PIDS="$SERVE_PIDS $rt"
server_wait_listen 94
chrt -p "$rt" | grep -q "policy: SCHED_FIFO" ||
    fail "serve --realtime: $(chrt -p "$rt") $(cat "$tmp/serve94.log")"

# Errors: one line, exit 2.
out=$(in_server "$TCPSHAKE" serve --connect 198.18.0.1:8081 2>&1)
[ $? = 2 ] || fail "refused connect: exit status not 2"
[ "$out" = "tcpshake: serve: connect to 198.18.0.1:8081: Connection refused" ] ||
    fail "refused connect: $out"
out=$("$TCPSHAKE" serve --connect nowhere 2>&1)
[ $? = 2 ] && echo "$out" | grep -q "is not HOST:PORT" ||
    fail "bad --connect: $out"
out=$("$TCPSHAKE" serve --connect 198.18.0.1:1 --port 9 2>&1)
[ $? = 2 ] && echo "$out" | grep -q "give --bind ADDR too" ||
    fail "--port without --bind: $out"
out=$("$TCPSHAKE" serve --mode close-delay soon 2>&1)
[ $? = 2 ] && echo "$out" | grep -q "is not a duration" ||
    fail "bad close-delay: $out"
exit 0
