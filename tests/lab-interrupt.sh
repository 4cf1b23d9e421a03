#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lab-interrupt.sh: an interrupted `lab up` leaves nothing behind.
# SIGINT, SIGTERM and SIGHUP at stepped points of a `lab up --router
# --nat --delay` (namespaces, links, routes, nftables, the impairment
# daemon, serve) roll it back; after a SIGKILL `lab status` tells the
# half-built lab from a working one (exit 1), and the next `lab up`
# removes the leftovers and builds a lab that works.
. "$top_srcdir/tests/lib.sh"
need_root

L=i$$
TMP=$(mktemp -d)
trap '"$TCPSHAKE" lab down --name "$L" >/dev/null 2>&1; rm -rf "$TMP"' \
    EXIT INT TERM HUP
UP="lab up --name $L --router --nat --delay 1ms"

# Nothing of lab $L: no namespace, no run dir, no daemon.
nothing_left() {
	for s in c r s; do
		[ ! -e "/run/netns/$L-$s" ] || fail "$1: namespace $L-$s left"
	done
	[ ! -e "/run/tcpshake/$L" ] || fail "$1: /run/tcpshake/$L left"
	! ps -eo args | grep -q "[l]ab impaird --name $L " ||
	    fail "$1: the impairment daemon was left running"
}

# The lab works: status 0 and "is up", the server answers through NAT.
works() {
	st=$("$TCPSHAKE" lab status --name "$L") || fail "$1: status: $st"
	echo "$st" | head -n 1 | grep -q "^lab '$L' is up$" || fail "$1: status: $st"
	out=$(ip netns exec "$L-c" python3 -c '
import socket
s = socket.create_connection(("198.18.1.2", 80), timeout=3)
s.sendall(b"alive"); s.shutdown(socket.SHUT_WR); print(s.recv(10).decode())') ||
	    fail "$1: no echo through the lab"
	[ "$out" = alive ] || fail "$1: echo said '$out'"
}

interrupted=0
for sig in INT TERM HUP; do
	for delay in 0.02 0.15 0.4; do
		"$TCPSHAKE" $UP >"$TMP/out" 2>"$TMP/err" &
		pid=$!
		sleep $delay
		kill -$sig $pid 2>/dev/null
		rc=0
		wait $pid || rc=$?
		if [ $rc = 0 ]; then
			# It finished first: a whole lab, then taken down.
			works "SIG$sig after ${delay}s (up had finished)"
			"$TCPSHAKE" lab down --name "$L" >/dev/null
		else
			interrupted=$((interrupted + 1))
			# Killed before the handlers were set: nothing said.
			[ ! -s "$TMP/err" ] ||
			    [ "$(cat "$TMP/err")" = "tcpshake: lab up: interrupted by SIG$sig; removed what was made" ] ||
			    { show "$TMP/err"; fail "SIG$sig: not the one line"; }
		fi
		nothing_left "SIG$sig after ${delay}s (status $rc)"
	done
done

killed=0
for delay in 0.05 0.2 0.35 0.6; do
	"$TCPSHAKE" $UP >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -KILL $pid 2>/dev/null
	wait $pid
	if [ -e "/run/tcpshake/$L" ] && [ ! -e "/run/tcpshake/$L/ready" ]; then
		killed=$((killed + 1))
		st=$("$TCPSHAKE" lab status --name "$L") &&
		    fail "status of a half-built lab exited 0: $st"
		echo "$st" | head -n 1 | grep -q "^lab '$L' is NOT working: half-built: its 'lab up' (pid $pid) did not finish.*tcpshake lab down --name $L" ||
		    fail "status after SIGKILL: $st"
		out=$("$TCPSHAKE" $UP 2>&1) || fail "up after SIGKILL: $out"
		echo "$out" | grep -q "removed what an interrupted 'lab up --name $L' had left" ||
		    fail "up after SIGKILL did not say it recovered: $out"
	elif [ ! -e "/run/tcpshake/$L" ]; then
		"$TCPSHAKE" $UP >/dev/null || fail "up after an early SIGKILL"
	fi
	works "up after SIGKILL at ${delay}s"
	"$TCPSHAKE" lab down --name "$L" >/dev/null
	nothing_left "down after SIGKILL at ${delay}s"
done

# A lab whose server died is up but broken: status says what and exits 1.
"$TCPSHAKE" $UP >/dev/null || fail "up"
kill "$(cat "/run/tcpshake/$L/serve.pid")"
sleep 0.2
st=$("$TCPSHAKE" lab status --name "$L") && fail "status of a lab without its server exited 0"
echo "$st" | head -n 1 | grep -q "NOT working: serve (pid [0-9]*, port 80) is not running" ||
    fail "status with serve gone: $st"
out=$("$TCPSHAKE" $UP 2>&1) && fail "up over a broken lab worked"
echo "$out" | grep -q "already up (tcpshake lab down --name $L)" || fail "up over a broken lab: $out"
"$TCPSHAKE" lab down --name "$L" >/dev/null
nothing_left "down of a broken lab"

echo "$interrupted of 9 caught signals and $killed of 4 SIGKILLs hit a lab up half-way"
[ $interrupted -ge 1 ] && [ $killed -ge 1 ] ||
    fail "no trial interrupted a lab up half-way: nothing was tested"
exit 0
