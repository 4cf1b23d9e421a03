#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-lab-named.sh: run --lab=NAME runs files in a lab that `lab up
# --name NAME` made and leaves it up: system-call lines in its server
# namespace (IPv4 and IPv6), packet-only files against its server, and
# several files one after the other (one TAP stream); a file's own lab
# lines are said to be not applied; one run at a time in a lab (a later
# one waits); a SIGINT leaves the lab up as it was; a lab that is not up
# and a bad name are one line each, exit 2.
. "$top_srcdir/tests/lib.sh"
need_root
D=$top_srcdir/tests/data/syscall
lab_start
TMP=$(mktemp -d)
trap 'lab_stop; rm -rf "$TMP"' EXIT INT TERM HUP

# passes ARGS...: run --lab=$LAB ARGS passes (exit 0).
passes() {
	"$TCPSHAKE" run --lab="$LAB" "$@" >"$TMP/out" 2>"$TMP/err" ||
	    { show "$TMP/out"; show "$TMP/err"; fail "run --lab=$LAB $*"; }
}

passes "$D/active.shake"
grep -q "active.shake: ok" "$TMP/out" || { show "$TMP/out"; fail "no ok"; }
passes --ip_version=ipv6 "$D/passive.shake"
grep -q "passive.shake: ok" "$TMP/out" || { show "$TMP/out"; fail "no ok"; }
# The lab is still up and its server (lab up's echo on port 80) answers
# a file with packet lines only.
st=$("$TCPSHAKE" lab status --name "$LAB") || fail "lab not up after runs: $st"
{ echo "target 198.18.0.2:80"; cat "$top_srcdir/tests/data/lab-echo.shake"; } \
    >"$TMP/echo.shake"
passes "$TMP/echo.shake"
[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "a file without lab lines: stderr"; }
# Without its target line: the lab's server all the same.
passes "$top_srcdir/tests/data/lab-echo.shake"

# Two files, one TAP stream; a file's lab lines are not applied, and
# one line says so.
{ echo "lab serve --port 81 --mode echo"; cat "$TMP/echo.shake"; } \
    >"$TMP/withlab.shake"
passes --tap "$D/passive.shake" "$TMP/withlab.shake"
[ "$(grep -c '^ok [12] - ' "$TMP/out")" = 2 ] && grep -q '^1\.\.2$' "$TMP/out" ||
    { show "$TMP/out"; fail "two files: not one TAP stream of 2"; }
grep -q "withlab.shake: its 'lab' lines are not applied: lab '$LAB' is used as it is" \
    "$TMP/err" || { show "$TMP/err"; fail "lab lines: no line"; }
"$TCPSHAKE" lab status --name "$LAB" >/dev/null || fail "lab not up at the end"

# One run at a time in a lab: while one holds it (its flock in
# /proc/locks; the test must not take the lock to look), a second says it
# waits, then runs and passes; so does the first.
printf 'target 198.18.0.2:80\n0 `sleep 4`\n' >"$TMP/hold.shake"
"$TCPSHAKE" run --lab="$LAB" "$TMP/hold.shake" >"$TMP/hold.out" 2>&1 &
first=$!
lock=/run/tcpshake/$LAB/run.lock
n=0
until [ -e "$lock" ] &&
    grep -q ":$(stat -c %i "$lock") " /proc/locks; do
	n=$((n + 1))
	[ $n -lt 200 ] || { show "$TMP/hold.out"; fail "the first run never held the lab"; }
	sleep 0.05
done
passes "$D/passive.shake"
grep -qx "tcpshake: run --lab=$LAB: waiting for another run in lab '$LAB' to end" "$TMP/err" ||
    { show "$TMP/err"; fail "a second run in a held lab did not say it waits"; }
wait $first || { show "$TMP/hold.out"; fail "the run holding the lab failed"; }

# Interrupted while the agent holds the target's interfaces (tun0 is
# there): exit 2, the lab left up, its links and routes as they were.
ip netns exec "$LAB-s" ip -o link >"$TMP/links"
ip netns exec "$LAB-s" ip route >"$TMP/routes"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+5 close(3) = 0\n' \
    >"$TMP/long.shake"
"$TCPSHAKE" run --lab="$LAB" "$TMP/long.shake" >"$TMP/out" 2>&1 &
first=$!
n=0
until ip netns exec "$LAB-s" ip -o link | grep -q 'altname tun0'; do
	n=$((n + 1))
	[ $n -lt 200 ] || { show "$TMP/out"; fail "no tun0 in the lab's target"; }
	sleep 0.05
done
kill -INT $first
rc=0
wait $first || rc=$?
[ "$rc" = 2 ] && grep -q "interrupted by SIGINT; the lab is left up" "$TMP/out" ||
    { show "$TMP/out"; fail "SIGINT: exit $rc"; }
"$TCPSHAKE" lab status --name "$LAB" >/dev/null || fail "lab not up after SIGINT"
ip netns exec "$LAB-s" ip -o link | diff "$TMP/links" - >&2 ||
    fail "SIGINT: the target's links not put back"
ip netns exec "$LAB-s" ip route | diff "$TMP/routes" - >&2 ||
    fail "SIGINT: the target's routes not put back"

# Not up: one line naming the fix, exit 2; nothing run.
NAME=$LAB
lab_stop
rc=0
"$TCPSHAKE" run --lab="$NAME" "$D/passive.shake" >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] && [ ! -s "$TMP/out" ] && [ "$(wc -l <"$TMP/err")" = 1 ] &&
    grep -q "^tcpshake: run --lab=$NAME: lab '$NAME' is not up (tcpshake lab up --name $NAME)$" "$TMP/err" ||
    { show "$TMP/err"; fail "a lab not up: exit $rc"; }
exit 0
