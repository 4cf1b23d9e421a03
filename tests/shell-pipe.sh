#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shell-pipe.sh: `tcpshake shell < steps` runs the lines without a prompt
# against the lab's echo server, with run's exit statuses: 0 when every
# step passed, 1 when one failed (its difference shown), 2 for a line it
# refuses (the parser's error, line and column) or no target; help lists
# every command; a saved conversation passes under `run`; root goes once
# the session opens.
. "$top_srcdir/tests/lib.sh"
need_root
lab_start --serve "--port 80"
TMP=$(mktemp -d)
trap 'lab_stop; rm -rf "$TMP"' EXIT INT TERM HUP
# The shell gives root up once its session opens (nobody, here): save
# writes as that user.
chmod 1777 "$TMP"

shell_pipe() {
	RC=0
	in_client "$TCPSHAKE" shell "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
}

cat >"$TMP/ok.txt" <<'STEPS'
# a comment, then the handshake, data and its echo, our FIN
< S 0:0(0) win 65535 <mss 1460,sackOK,nop,nop,nop,wscale 7>
> S. 0:0(0) ack 1 <...>
< . 1:1(0) ack 1 win 512
send hello
> . 1:1(0) ack 6
> P. 1:6(5) ack 6 "hello"
< . 6:6(0) ack 6 win 512
> none 200ms
+0.2 `true`
close fin
> F. 6:6(0) ack 7
< . 7:7(0) ack 7 win 512
show
save @TMP@/pipe.shake
STEPS
sed -i "s#@TMP@#$TMP#" "$TMP/ok.txt"
shell_pipe 198.18.0.2:80 <"$TMP/ok.txt"
[ "$RC" = 0 ] || { show "$TMP/out" "$TMP/err"; fail "exit $RC, want 0"; }
[ -s "$TMP/err" ] && { show "$TMP/err"; fail "stderr not empty"; }
grep -q 'tcpshake.*>' "$TMP/out" && { show "$TMP/out"; fail "a prompt in pipe mode"; }
n=$(grep -c '^ok ' "$TMP/out")
[ "$n" = 12 ] || { show "$TMP/out"; fail "$n steps ok, want 12"; }
grep -q "^  state TIME_WAIT" "$TMP/out" || { show "$TMP/out"; fail "show: not TIME_WAIT"; }
# A time column waits: the command 0.2 s after the silence that ended at 0.2.
awk '/`true`/ { t = $3 } END { exit !(t >= 0.39 && t < 1.5) }' "$TMP/out" ||
    { show "$TMP/out"; fail "+0.2 did not wait 0.2 s"; }
grep -q '^< P\. 1:6(5) ack 1 win 512 "hello"$' "$TMP/out" ||
    { show "$TMP/out"; fail "send: the line it typed"; }
RC=0
in_client "$TCPSHAKE" run "$TMP/pipe.shake" >"$TMP/run" 2>&1 || RC=$?
[ "$RC" = 0 ] || { show "$TMP/pipe.shake" "$TMP/run"; fail "run pipe.shake: exit $RC"; }

# A wrong expectation: exit 1, the difference said.
printf '%s\n' '< S 0:0(0) win 65535' '> S. 0:0(0) ack 2 <...>' >"$TMP/in"
shell_pipe 198.18.0.2:80 <"$TMP/in"
[ "$RC" = 1 ] || { show "$TMP/out" "$TMP/err"; fail "wrong ack: exit $RC, want 1"; }
grep -q 'differs: ack: expected 2, got 1' "$TMP/out" ||
    { show "$TMP/out"; fail "wrong ack: no difference"; }
grep -q 'reset 1 flow' "$TMP/out" || { show "$TMP/out"; fail "no reset said"; }

# Lines the parser refuses: each error with the input's line number.
printf '%s\n' 'help' '< Q 0:0(0)' 'flow 9bad' >"$TMP/in"
shell_pipe 198.18.0.2:80 <"$TMP/in"
[ "$RC" = 2 ] || { show "$TMP/out" "$TMP/err"; fail "bad line: exit $RC, want 2"; }
grep -q '^shell:2:' "$TMP/err" || { show "$TMP/err"; fail "bad line: no shell:2:"; }
grep -q '^shell:3:6: error: expected a flow name' "$TMP/err" ||
    { show "$TMP/err"; fail "bad flow line: no shell:3:6:"; }
for c in target connect send close show ladder save guard quit; do
	grep -q "^  $c " "$TMP/out" || { show "$TMP/out"; fail "help lacks $c"; }
done

# SIGINT during a wait: the step is cancelled, the lines end, the flow is
# reset, exit 2 as run's. (And root went when the session opened.)
printf '%s\n' '< S 0:0(0) win 65535' '> S. 0:0(0) ack 1 <...>' \
    '< . 1:1(0) ack 1 win 65535' '> P. 1:2(1) ack 1' 'show' >"$TMP/in"
# Not through in_client: $! would name a subshell, not tcpshake.
ip netns exec "$LAB-c" "$TCPSHAKE" shell --deadline 30s 198.18.0.2:80 \
    <"$TMP/in" >"$TMP/out" 2>"$TMP/err" &
pid=$!
i=0
until grep -q '^ok .* < \. 1:1(0)' "$TMP/out"; do
	i=$((i + 1))
	[ $i -lt 100 ] || { show "$TMP/out"; fail "SIGINT: the ACK never went"; }
	sleep 0.05
done
sleep 0.3
# Meanwhile root is gone, as in run: nobody, CAP_NET_RAW, CAP_NET_ADMIN
# and CAP_NET_BIND_SERVICE, no new privileges, the seccomp filter.
grep -q '^Uid:[[:space:]]*65534' "/proc/$pid/status" &&
    grep -q '^CapEff:[[:space:]]*0000000000003400$' "/proc/$pid/status" &&
    grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$pid/status" &&
    grep -q '^Seccomp:[[:space:]]*2$' "/proc/$pid/status" ||
    { show "/proc/$pid/status"; fail "the shell kept root"; }
kill -INT "$pid"
RC=0
wait "$pid" || RC=$?
[ "$RC" = 2 ] || { show "$TMP/out" "$TMP/err"; fail "SIGINT: exit $RC, want 2"; }
grep -q '^cancelled$' "$TMP/out" && grep -q 'reset 1 flow' "$TMP/out" ||
    { show "$TMP/out"; fail "SIGINT: not cancelled and reset"; }
grep -q 'state ESTABLISHED' "$TMP/out" && { show "$TMP/out"; fail "SIGINT: the lines went on"; }

# No target: one line naming the fix.
echo '< S 0:0(0) win 65535' >"$TMP/in"
shell_pipe <"$TMP/in"
[ "$RC" = 2 ] || fail "no target: exit $RC, want 2"
grep -q "target HOST:PORT" "$TMP/err" || { show "$TMP/err"; fail "no target: no fix named"; }
exit 0
