#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-scenarios.sh: every shipped scenario passes against the lab, alone
# (text report) and all together (TAP report, one test per file).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/run-lib.sh"
need_root
run_lab_start

n=0
for f in "$top_srcdir"/scenarios/*.shake; do
	n=$((n + 1))
	name=$(basename "$f")
	run_run "$f"
	if [ "$RC" != 0 ]; then
		# The target's timing is a real kernel's under whatever load
		# make check puts on the machine: one more try, said aloud.
		echo "run-scenarios: $name failed once, trying again:" >&2
		show "$TMP/out"
		run_run "$f"
	fi
	expect_rc 0 "$name"
	expect_out "$f: ok," "$name"
	grep -q '^FAIL' "$TMP/out" && fail "$name: a FAIL line in a pass"
done
[ $n -ge 9 ] || fail "only $n scenarios found"

# TAP: one "ok N - FILE" per file, the plan last, nothing else but
# diagnostics.
run_run --tap "$top_srcdir"/scenarios/*.shake
expect_rc 0 "--tap"
[ "$(grep -c '^ok [0-9]* - ' "$TMP/out")" = $n ] || {
	show "$TMP/out" "$TMP/err"
	fail "--tap: want $n ok lines"
}
[ "$(tail -n 1 "$TMP/out")" = "1..$n" ] || fail "--tap: plan is not 1..$n"
grep -v '^ok [0-9]* - \|^1\.\.\|^# ' "$TMP/out" && fail "--tap: stray lines"

# Two flows in one file, each its own port and numbers; one stays quiet.
cat >"$TMP/flows.shake" <<'END'
target 198.18.0.2:80
flow a
flow b
0       a < S 0:0(0) win 65535 <mss 1460>
+0      a > S. 0:0(0) ack 1 <mss 1460>
+0      b < S 100:100(0) win 65535 <mss 1400>
+0      b > S. 0:0(0) ack 1 <mss 1460>
+0      a < . 1:1(0) ack 1 win 65535
+0      b < . 1:1(0) ack 1 win 65535
+0      b < P. 1:4(3) ack 1 win 65535 "abc"
+0      b > . 1:1(0) ack 4
+0      b > P. 1:4(3) ack 4 "abc"
+0~+0.3 a > none
+0      b < R. 4:4(0) ack 4 win 0
+0      a < R. 1:1(0) ack 1 win 0
END
run_run -v "$TMP/flows.shake"
expect_rc 0 "two flows"
expect_out "b > P. 1:4(3) ack 4 \"abc\"" "two flows"
[ "$(grep ' SENT ' "$TMP/out" | awk '{ print $3 }' | sort -u | wc -l)" = 2 ] ||
	fail "two flows: want two source ports"

# Timestamps: the target's TS val is its own; the script's "ecr 700"
# echoes it, so the ecr we send is the val the target sent.
cat >"$TMP/ts.shake" <<'END'
target 198.18.0.2:80
0   < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>
+0  > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 700 ecr 100,nop,wscale 10>
+0  < P. 1:6(5) ack 1 win 512 <nop,nop,TS val 102 ecr 700> "hello"
+0  > . 1:1(0) ack 6 <nop,nop,TS val 700 ecr 102>
+0  > P. 1:6(5) ack 6 <nop,nop,TS val 700 ecr 102> "hello"
+0  < R. 6:6(0) ack 6 win 0
END
run_run -v "$TMP/ts.shake"
expect_rc 0 "timestamps"
val=$(sed -n 's/.* RCVD .* S\. .*TS val \([0-9]*\) ecr 100.*/\1/p' "$TMP/out")
[ -n "$val" ] && expect_out "SENT" "timestamps" &&
    grep ' SENT .* P\. ' "$TMP/out" | grep -q "TS val 102 ecr $val>" || {
	show "$TMP/out"
	fail "timestamps: the ecr sent is not the target's val $val"
}

# IPv6: the same scenario, the target given on the command line.
run_run --target '[2001:db8::2]:9' "$top_srcdir/scenarios/rst-closed-port.shake"
expect_rc 0 "IPv6"

# JSON Lines: segments and steps as objects, then the summary.
run_run --json "$top_srcdir/scenarios/rst-closed-port.shake"
expect_rc 0 "--json"
[ "$(grep -c '^{"type":"step"' "$TMP/out")" = 6 ] || {
	show "$TMP/out"
	fail "--json: want 5 steps and the file's verdict"
}
expect_out '"type":"summary"' "--json"

# Setup errors: exit 2, one line on stderr naming the fix; a file that
# does not parse is an error too, and TAP says "not ok" for both.
run_run -I nosuch0 "$top_srcdir/scenarios/rst-closed-port.shake"
expect_rc 2 "-I nosuch0"
[ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "no interface 'nosuch0'" "$TMP/err" ||
	{ show "$TMP/err"; fail "-I nosuch0: want one line naming the interface"; }
printf '0 < S 0:0(0) win 100\n' >"$TMP/notarget.shake"
run_run --tap "$TMP/notarget.shake" "$top_srcdir/scenarios/rst-closed-port.shake"
expect_rc 2 "no target"
expect_out "not ok 1 - $TMP/notarget.shake" "no target"
expect_out "ok 2 - $top_srcdir/scenarios/rst-closed-port.shake" "no target"
grep -q "no target" "$TMP/err" || { show "$TMP/err"; fail "no target: no message"; }

# -w: a pcap with the sent and received segments of a scenario.
run_run -w "$TMP/hs.pcap" "$top_srcdir/scenarios/handshake-and-active-close.shake"
expect_rc 0 "-w"
"$TCPSHAKE" read "$TMP/hs.pcap" >"$TMP/read" || fail "-w: pcap does not read"
[ "$(grep -c ' > ' "$TMP/read")" -ge 10 ] || {
	show "$TMP/read"
	fail "-w: want at least 10 segments in the pcap"
}
exit 0
