#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pd-compare.sh: bench/packetdrill-compare summarises a saved conformance
# run (-r RUN -o DIR) of a checkout laid out as packetdrill's: one row a
# script and family (ipv4, ipv6, ...) with both verdicts and the difference (tcpshake's first failed
# line from its log, packetdrill's error line from its log, not its
# sysctl warnings), the totals of each family (a listed script the
# checkout lacks counted apart), failures and refusals grouped by reason
# (every reason of a refused file, from run --check --lab), and the
# packet-line coverage through bench/pd-corpus with the runner's names
# (TFO_COOKIE). The scripts are our own, written here in packetdrill's
# layout; nothing is sent (run --check only).
. "$top_srcdir/tests/lib.sh"

TMP=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
co=$TMP/co
d=$co/gtests/net/tcp/t
mkdir -p "$d" "$TMP/out"

# Packet lines only; the runner's name TFO_COOKIE in an option.
cat >"$d/pass.pkt" <<'PKT'
0 < S 0:0(0) win 1000 <mss 1460,FO TFO_COOKIE>
+0 > S. 0:0(0) ack 1 <...>
PKT
cp "$d/pass.pkt" "$d/fail.pkt"
cp "$d/pass.pkt" "$d/late.pkt"
# A call the agent does not make (cap_set), and a UDP line: refused.
cat >"$d/refuse.pkt" <<'PKT'
0 cap_set(CAP_EFFECTIVE, CAP_NET_ADMIN, CAP_CLEAR) = 0
+0 < S 0:0(0) win 1000
+0 > S. 0:0(0) ack 1 <...>
+0 < udp (1024)
PKT

cat >"$TMP/run" <<'RUN'
tcp/t/pass.pkt                ipv4             tcpshake: passed | packetdrill: passed
tcp/t/pass.pkt                ipv6             tcpshake: passed | packetdrill: passed
tcp/t/fail.pkt                ipv4             tcpshake: failed FAIL 2 | packetdrill: passed
tcp/t/fail.pkt                ipv6             tcpshake: passed | packetdrill: passed
tcp/t/late.pkt                ipv4             tcpshake: failed FAIL 2 | packetdrill: failed sysctl: x
tcp/t/late.pkt                ipv6             tcpshake: passed | packetdrill: failed sysctl: x
tcp/t/refuse.pkt              ipv4             tcpshake: refused 'cap_set(...)' no | packetdrill: passed
tcp/t/refuse.pkt              ipv6             tcpshake: refused 'cap_set(...)' no | packetdrill: passed
missing  tcp/t/gone.pkt
# ipv4: tcpshake: 1 passed, 2 failed, 1 refused
RUN
cat >"$TMP/out/tcp_t_fail.pkt.ipv4.tcpshake" <<'LOG'
ok      1 0.000100     +0 us  0 < S 0:0(0) win 1000
FAIL    2 0.000200    +12 us  +0 > S. 0:0(0) ack 1 <...>
     fail.pkt:2: expected: +0 > S. 0:0(0) ack 1 <...>
     got: R. 0:0(0) ack 1
     differs: flags: expected S., got R.
LOG
cat >"$TMP/out/tcp_t_late.pkt.ipv4.tcpshake" <<'LOG'
FAIL    2 0.100200 +90000 us  +0 > S. 0:0(0) ack 1 <...>
     late.pkt:2: expected: +0 > S. 0:0(0) ack 1 <...>
     differs: time: expected 0.000200 (+-0.004000), got 0.100200 (90000 us late)
LOG
cat >"$TMP/out/tcp_t_late.pkt.ipv4.packetdrill" <<'LOG'
sysctl: setting key "net.ipv4.tcp_congestion_control": Operation not permitted
late.pkt:2: error handling packet: timing error
LOG

RC=0
sh "$top_srcdir/bench/packetdrill-compare" -r "$TMP/run" -o "$TMP/out" \
    -t "$TCPSHAKE" "$co" >"$TMP/table" 2>"$TMP/err" || RC=$?
[ "$RC" = 0 ] || { show "$TMP/table" "$TMP/err"; fail "exit $RC"; }

expect_line() {
	grep -qE "$1" "$TMP/table" ||
	    { show "$TMP/table" "$TMP/err"; fail "no line /$1/"; }
}
expect_line '^tcp/t/pass\.pkt +ipv4 +passed +passed$'
expect_line '^tcp/t/pass\.pkt +ipv6 +passed +passed$'
expect_line '^tcp/t/fail\.pkt +ipv4 +passed +failed +tcpshake failed: line 2: differs: flags: expected S\., got R\.$'
expect_line '^tcp/t/late\.pkt +ipv4 +failed +failed +tcpshake failed: line 2: differs: time: .*; packetdrill here: late\.pkt:2: error handling packet: timing error$'
expect_line '^tcp/t/late\.pkt +ipv6 +failed +passed +packetdrill here: sysctl: x$'
expect_line "^tcp/t/refuse\.pkt +ipv4 +passed +refused +tcpshake refused: 'cap_set"
expect_line '^scripts: 4 \(and 1 listed but not in the checkout\)$'
expect_line '^ipv4 \(4 runs\):$'
expect_line '^ipv6 \(4 runs\):$'
expect_line '^  packetdrill: 3 passed, 1 failed$'
expect_line '^  tcpshake: 1 passed, 2 failed, 1 refused$'
expect_line '^  tcpshake: 3 passed, 0 failed, 1 refused$'
expect_line '^  both passed: 1; packetdrill only: 2; tcpshake only: 0$'
expect_line '^  both passed: 2; packetdrill only: 1; tcpshake only: 1$'
expect_line '^ +1  differs: flags$'
expect_line '^ +1  differs: time, late$'
# Without the system-call agent every call is refused as such; with it,
# this one as a call it does not make.
expect_line '^ +1  (system-call lines|a call the agent does not make \(cap_set\))$'
expect_line '^ +1  not TCP \(udp lines\)$'
# TFO_COOKIE is defined as packetdrill's runner defines it: all parse.
expect_line '^  files: 4, with TCP packet lines: 4, all of them parsed: 4 '
expect_line '^  other +statements: +1, parsed +0 '
exit 0
