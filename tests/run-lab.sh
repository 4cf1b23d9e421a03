#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-lab.sh: `run --lab` builds each file's own lab from its "lab" lines:
# every shipped scenario passes in it (synack-retransmit with its shortened
# tcp_synack_retries, the middlebox ones behind their router), the
# target's states are shown, and no lab is left however the run ends:
# a pass, a SIGINT or SIGTERM during the run or the build, and a SIGKILL
# (the next run removes what the dead one left); a "lab serve" line that
# serve would refuse is one line before anything is built; the files'
# commands find this tcpshake as TCPSHAKE and $TCPSHAKE (one rule for
# both, an exported TCPSHAKE aside); a file piped in is read once; a file
# without a target line runs against the lab's first server.
. "$top_srcdir/tests/lib.sh"
need_root
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM HUP

# The labs of run pid $1: "rl", the pid in base 36, '-', the file's number.
b36() {
	n=$1 out=
	while :; do
		out=$(printf '%s' "0123456789abcdefghijklmnopqrstuvwxyz" |
		    cut -c$((n % 36 + 1)))$out
		n=$((n / 36))
		[ $n -gt 0 ] || break
	done
	echo "$out"
}
labs_of() {
	ls /run/tcpshake /run/netns 2>/dev/null | grep "^rl$(b36 "$1")-" || true
}

# Every shipped scenario in one run, each in its own lab, as one TAP
# stream (the files numbered in order, one plan); a file that fails under
# make check's load gets one more run of its own, said aloud.
files=$(ls "$top_srcdir"/scenarios/*.shake "$top_srcdir"/scenarios/middlebox/*.shake)
n=$(echo "$files" | wc -l)
[ "$n" -ge 11 ] || fail "only $n scenarios found"
RC=0
# shellcheck disable=SC2086
"$TCPSHAKE" run --lab --tap $files >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait $pid || RC=$?
[ -z "$(labs_of $pid)" ] || fail "labs left after the run: $(labs_of $pid)"
i=0
for f in $files; do
	i=$((i + 1))
	grep -qxF "ok $i - $f" "$TMP/out" && continue
	echo "run-lab: $f failed in the run of all, trying again:" >&2
	show "$TMP/out" "$TMP/err"
	"$TCPSHAKE" run --lab "$f" >"$TMP/one" 2>&1 ||
	    { show "$TMP/one"; fail "$f does not pass in its lab"; }
	grep -qF "$f: ok," "$TMP/one" || { show "$TMP/one"; fail "$f: no ok line"; }
	RC=0
done
[ "$RC" = 0 ] || { show "$TMP/out" "$TMP/err"; fail "run --lab exited $RC"; }
[ "$(tail -n 1 "$TMP/out")" = "1..$n" ] || { show "$TMP/out"; fail "--tap: plan is not 1..$n"; }
[ "$(grep -c '^1\.\.' "$TMP/out")" = 1 ] || { show "$TMP/out"; fail "--tap: more than one plan"; }
grep -v '^ok [0-9]* - \|^not ok [0-9]* - \|^1\.\.\|^# ' "$TMP/out" &&
	fail "--tap: stray lines"

# The router's drops: the out-of-window segment of conntrack-invalid never
# reached the target, and the run says the router dropped it (stderr);
# a file whose router dropped nothing says nothing of it.
f=$top_srcdir/scenarios/middlebox/conntrack-invalid.shake
"$TCPSHAKE" run --lab "$f" >"$TMP/inv" 2>"$TMP/inv.err" ||
    { show "$TMP/inv" "$TMP/inv.err"; fail "conntrack-invalid under --lab"; }
grep -q "the lab's router dropped 1 packets the target never saw" "$TMP/inv.err" &&
    grep -q "conntrack invalid: router dropped 1 packets" "$TMP/inv.err" ||
    { show "$TMP/inv.err"; fail "run --lab did not say the router dropped the INVALID segment"; }
grep "the lab's router dropped" "$TMP/err" | grep -v "/conntrack-invalid\.shake:" &&
    fail "a file without drops reported router drops"

# The target's states beside ours (--peer-netns of the file's lab), as
# JSON; (synack-retransmit passed above with the file's shortened
# tcp_synack_retries: 2 retransmissions, not the default 5's.)
f="$top_srcdir/scenarios/three-segment-close.shake"
"$TCPSHAKE" run --lab --json "$f" >"$TMP/out" 2>"$TMP/err" ||
	{ show "$TMP/out" "$TMP/err"; fail "three-segment-close --json"; }
# (The states between, ESTABLISHED and FIN_WAIT_1, may pass between two
# reads: the server writes and closes as it accepts.)
for st in SYN_RECEIVED TIME_WAIT; do
	grep -q "\"type\":\"state\".*\"side\":\"target\",\"text\":\"$st\"" \
	    "$TMP/out" || { show "$TMP/out"; fail "--json: no target state $st"; }
done

# The file's target maps into the lab: an IPv6 target becomes the lab's
# 2001:db8::2, its port kept.
sed 's/^target .*/target [2001:db8::99]:9/' \
    "$top_srcdir/scenarios/rst-closed-port.shake" >"$TMP/v6.shake"
"$TCPSHAKE" run --lab -v "$TMP/v6.shake" >"$TMP/out" 2>"$TMP/err" ||
	{ show "$TMP/out" "$TMP/err"; fail "IPv6 target in the lab"; }
grep -q 'SENT .* > \[2001:db8::2\]:9 S ' "$TMP/out" ||
	{ show "$TMP/out"; fail "IPv6: the lab's server is not the target"; }

# TCPSHAKE names this binary to the file's commands: the target's kernel
# is the client (serve --connect in the server namespace, killed with the
# lab), in SYN_SENT, and --absolute=yes shows the wire's numbers: our
# literal ISN 7654321, the target's random one acknowledged + 1.
cat >"$TMP/client.shake" <<'END'
lab no-serve
--commands_as=root
--absolute=yes
target 198.18.0.2:5555
flow a 8080
0        `ip netns exec LAB-s TCPSHAKE serve --connect 198.18.0.1:8080 --bind 198.18.0.2 --port 5555 --mode echo >/dev/null 2>&1 &`
*        a > S 0:0(0) <...>
+0       a < S. 7654321:7654321(0) ack 1 win 65535 <mss 1460>
+0~+0.5  a > . 1:1(0) ack 1
END
"$TCPSHAKE" run --lab --ladder "$TMP/client.shake" >"$TMP/out" 2>"$TMP/err" ||
	{ show "$TMP/out" "$TMP/err"; fail "serve --connect through TCPSHAKE"; }
isn=$(sed -n 's/.*<-* S \([0-9]*\):\1(0) .*/\1/p' "$TMP/out")
[ -n "$isn" ] && grep -q "SYN_SENT" "$TMP/out" &&
    grep -q -- "-- S\. 7654321:7654321(0) ack $(( (isn + 1) % 4294967296 )) " \
    "$TMP/out" && grep -q "<-* \. $(( (isn + 1) % 4294967296 )):[0-9]*(0) ack 7654322 " \
    "$TMP/out" || { show "$TMP/out"; fail "--absolute=yes, SYN_SENT: not in the ladder"; }

# A malformed lab line: file:line:col, exit 2, no lab made.
printf 'target 198.18.0.2:80\nlab serve --port 0\n0 < S 0:0(0) win 1\n' \
    >"$TMP/bad.shake"
RC=0
"$TCPSHAKE" run --lab "$TMP/bad.shake" >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait $pid || RC=$?
[ "$RC" = 2 ] || fail "bad lab line: exit $RC, want 2"
grep -q "bad.shake:2:11: error: serve's --port" "$TMP/err" ||
	{ show "$TMP/err"; fail "bad lab line: no file:line:col error"; }
[ -z "$(labs_of $pid)" ] || fail "bad lab line: a lab was made"

# Signals: in the middle of a 30 s silence, and early (during the build).
printf '%s\n' 'target 198.18.0.2:80' 'lab serve --port 80 --mode echo' \
    '0 < S 0:0(0) win 65535 <mss 1460>' '+0 > S. 0:0(0) ack 1 <mss 1460>' \
    '+0~+30 > none' >"$TMP/long.shake"
for sig in INT TERM; do
	# (The last round's output goes first: the background run truncates
	# it only once it has started, and the wait below must not find the
	# last round's line in the meantime.)
	rm -f "$TMP/out" "$TMP/err"
	"$TCPSHAKE" run --lab "$TMP/long.shake" "$TMP/long.shake" \
	    >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	i=0
	until grep -qs 'S\. 0:0(0) ack 1' "$TMP/out"; do
		i=$((i + 1))
		[ $i -lt 100 ] || { show "$TMP/out" "$TMP/err"; fail "SIG$sig: the run did not start"; }
		sleep 0.1
	done
	[ -n "$(labs_of $pid)" ] || fail "SIG$sig: no lab while running"
	kill -$sig $pid
	RC=0
	wait $pid || RC=$?
	[ "$RC" = 2 ] || { show "$TMP/out" "$TMP/err"; fail "SIG$sig: exit $RC, want 2"; }
	[ -z "$(labs_of $pid)" ] || fail "SIG$sig: labs left: $(labs_of $pid)"
	grep -q "interrupted by" "$TMP/err" ||
		{ show "$TMP/err"; fail "SIG$sig: no line saying so"; }
	[ "$(grep -c 'S\. 0:0(0) ack 1' "$TMP/out")" = 1 ] ||
		{ show "$TMP/out"; fail "SIG$sig: the second file ran"; }
done
for delay in 0.05 0.2; do
	"$TCPSHAKE" run --lab "$TMP/long.shake" >"$TMP/out" 2>&1 &
	pid=$!
	sleep $delay
	kill -INT $pid
	wait $pid || true
	[ -z "$(labs_of $pid)" ] || fail "SIGINT after ${delay}s: labs left: $(labs_of $pid)"
done

# SIGKILL leaves the lab; the next run --lab removes it.
rm -f "$TMP/out"
"$TCPSHAKE" run --lab "$TMP/long.shake" >"$TMP/out" 2>&1 &
pid=$!
i=0
until grep -qs 'S\. 0:0(0) ack 1' "$TMP/out"; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "SIGKILL: the run did not start"
	sleep 0.1
done
kill -KILL $pid
wait $pid || true
[ -n "$(labs_of $pid)" ] || fail "SIGKILL: want the lab left (the test tests nothing)"
"$TCPSHAKE" run --lab "$top_srcdir/scenarios/rst-closed-port.shake" \
    >"$TMP/out" 2>&1 || { show "$TMP/out"; fail "the run after a SIGKILL"; }
[ -z "$(labs_of $pid)" ] || fail "SIGKILL: the next run left the dead one's labs: $(labs_of $pid)"

# A "lab serve" line serve does not take: one line before any lab is
# built, exit 2, and the next file still runs.
printf 'lab serve --port 80 --mode banner\ntarget 198.18.0.2:80\n0 < S 0:0(0) win 1\n' \
    >"$TMP/badserve.shake"
rc=0
"$TCPSHAKE" run --lab "$TMP/badserve.shake" "$top_srcdir/scenarios/rst-closed-port.shake" \
    >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait $pid || rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] &&
    grep -q "^tcpshake: run --lab: .*badserve.shake: 'lab serve --port 80 --mode banner': serve: --mode banner needs a TEXT after it" "$TMP/err" &&
    grep -q "rst-closed-port.shake: ok" "$TMP/out" ||
	{ show "$TMP/out" "$TMP/err"; fail "a bad 'lab serve' line: exit $rc"; }
[ -z "$(labs_of $pid)" ] || fail "a bad 'lab serve' line: labs left: $(labs_of $pid)"

# The file's commands can run this tcpshake: the word TCPSHAKE and
# $TCPSHAKE name it, whatever TCPSHAKE the caller exported; with
# -D TCPSHAKE=PATH both name PATH. The word and the variable agree, and
# the command says which it saw.
cat >"$TMP/self.shake" <<'SHAKE'
lab no-serve
target 198.18.0.2:9
0 `TCPSHAKE --version >/dev/null && "$TCPSHAKE" --version >/dev/null`
SHAKE
t=$TCPSHAKE
env -u TCPSHAKE "$t" run --lab "$TMP/self.shake" >"$TMP/out" 2>&1 ||
	{ show "$TMP/out"; fail "a command running TCPSHAKE and \$TCPSHAKE"; }
cat >"$TMP/agree.shake" <<'SHAKE'
lab no-serve
target 198.18.0.2:9
0 `test "$TCPSHAKE" = TCPSHAKE && echo "saw $TCPSHAKE" >&2`
SHAKE
self=$(readlink -f "$t")
TCPSHAKE=/elsewhere/tcpshake "$t" run --lab "$TMP/agree.shake" >"$TMP/out" 2>&1 ||
	{ show "$TMP/out"; fail "an exported TCPSHAKE: the word and \$TCPSHAKE differ"; }
grep -qxF "saw $self" "$TMP/out" ||
	{ show "$TMP/out"; fail "an exported TCPSHAKE: not this binary ($self)"; }
TCPSHAKE=/elsewhere/tcpshake "$t" run --lab -D TCPSHAKE=/opt/t/tcpshake \
    "$TMP/agree.shake" >"$TMP/out" 2>&1 ||
	{ show "$TMP/out"; fail "-D TCPSHAKE: the word and \$TCPSHAKE differ"; }
grep -qxF "saw /opt/t/tcpshake" "$TMP/out" ||
	{ show "$TMP/out"; fail "-D TCPSHAKE=/opt/t/tcpshake: not what the command saw"; }
# (The check can fail: a word that is not $TCPSHAKE fails the step.)
sed 's/= TCPSHAKE/= LAB/' "$TMP/agree.shake" >"$TMP/differ.shake"
RC=0
"$t" run --lab "$TMP/differ.shake" >"$TMP/out" 2>&1 || RC=$?
[ "$RC" = 1 ] || { show "$TMP/out"; fail "a command comparing \$TCPSHAKE with LAB: exit $RC, not 1"; }

# A scenario piped in is read once, for its lab's lines and for the run:
# all its steps run, from /dev/stdin and from - (a pipe: a file behind
# /dev/stdin could be opened twice).
for f in /dev/stdin -; do
	cat "$top_srcdir/scenarios/rst-closed-port.shake" |
	    "$t" run --lab "$f" >"$TMP/out" 2>&1 ||
	    { show "$TMP/out"; fail "a pipe into run --lab $f: exit status"; }
	grep -qxF -e "$f: ok, 5 steps" "$TMP/out" ||
		{ show "$TMP/out"; fail "a pipe into run --lab $f: not its 5 steps"; }
done

# A file that names no target runs against the lab's first server: the
# default echo on port 80, or the port of its first "lab serve" line.
cp "$top_srcdir/tests/data/lab-echo.shake" "$TMP/notarget.shake"
{ echo "lab serve --port 81 --mode echo"; cat "$TMP/notarget.shake"; } \
    >"$TMP/notarget81.shake"
for f in notarget notarget81; do
	"$t" -v run --lab "$TMP/$f.shake" >"$TMP/out" 2>&1 ||
	    { show "$TMP/out"; fail "$f.shake: no target, not run against the lab's server"; }
done
grep -q "notarget81.shake: in lab '[^']*', target 198.18.0.2:81$" "$TMP/out" ||
	{ show "$TMP/out"; fail "notarget81.shake: not the port of its lab serve line"; }
exit 0
