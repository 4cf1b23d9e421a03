#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lab-serve.sh: lab up --serve given more than once starts one
# server per --serve, each on its own port and in its own mode, each with
# its own log, each in lab status; two on one port are refused with one
# line; lab down stops them all.
. "$top_srcdir/tests/lib.sh"
need_root

LAB=$(lab_name)
trap 'lab_stop' EXIT INT TERM HUP
out=$("$TCPSHAKE" lab up --name "$LAB" --serve "--port 80" \
    --serve "--port 81 --mode close-first 'bye bye'" \
    --serve "--port 82 --mode discard") || fail "lab up with three --serve"
for p in 80 81 82; do
	in_server ss -Hltn "sport = :$p" | grep -q LISTEN ||
	    fail "nothing listens on port $p"
done
echo "$out" | grep -q "^  serve:  tcpshake serve --port 81 --mode close-first bye bye (pid [0-9]*, port 81, log /run/tcpshake/$LAB/serve-81.log)$" ||
    fail "lab up does not show the second server: $out"
got=$(in_client python3 -c '
import socket
s = socket.create_connection(("198.18.0.2", 81), timeout=5)
print(s.recv(100).decode())')
[ "$got" = "bye bye" ] || fail "port 81's close-first sent '$got'"
got=$(in_client python3 -c '
import socket
s = socket.create_connection(("198.18.0.2", 80), timeout=5)
s.sendall(b"echo")
print(s.recv(100).decode())')
[ "$got" = "echo" ] || fail "port 80's echo sent '$got'"
pids=$(echo "$out" | sed -n 's/.*(pid \([0-9]*\), port.*/\1/p')
[ "$(echo "$pids" | wc -w)" = 3 ] || fail "want three server pids: $out"
# lab status: every server, its pid, listening, its log; a server that
# dies makes the lab not working, whichever it is.
st=$("$TCPSHAKE" lab status --name "$LAB") || fail "lab status: $st"
i=0
for p in 80 81 82; do
	i=$((i + 1))
	pid=$(echo "$pids" | sed -n "${i}p")
	log=serve-$p.log
	[ $p = 80 ] && log=serve.log
	echo "$st" | grep -q "^  port $p: tcpshake serve pid $pid, listening, log /run/tcpshake/$LAB/$log$" ||
		fail "lab status does not show the server on port $p: $st"
done
kill "$(echo "$pids" | sed -n 3p)"
sleep 0.3
rc=0
st=$("$TCPSHAKE" lab status --name "$LAB") || rc=$?
[ $rc = 1 ] && echo "$st" | head -n 1 | grep -q "NOT working: serve (pid [0-9]*, port 82) is not running" &&
    echo "$st" | grep -q "^  port 82: tcpshake serve pid [0-9]*, serve (pid [0-9]*, port 82) is not running" ||
	fail "lab status with the third server dead (exit $rc): $st"
"$TCPSHAKE" lab down --name "$LAB" >/dev/null || fail "lab down"
LAB=
# (A zombie waiting for its reaper has stopped running.)
for p in $pids; do
	st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$p/status" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ] ||
	    fail "server $p still runs after lab down (state $st)"
done

# Two servers on one port: refused before anything is left behind.
LAB=$(lab_name)
err=$("$TCPSHAKE" lab up --name "$LAB" --serve "--port 80" \
    --serve "--mode discard" 2>&1 >/dev/null)
rc=$?
[ $rc = 2 ] || fail "two --serve on port 80: exit $rc, want 2"
[ "$err" = "tcpshake: lab up: two --serve on port 80 (give each its own --port)" ] ||
    fail "two --serve on port 80: $err"
"$TCPSHAKE" lab status --name "$LAB" >/dev/null 2>&1 &&
    fail "the refused lab is up"
LAB=
exit 0
