#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# probe-errors.sh: every usage and setup error ends with exit 2 and one
# line on stderr naming the problem; a probe nobody answers ends with
# exit 1 within --timeout.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/probe-lib.sh"
need_root
probe_lab_start

# expect_error STATUS REGEX ARGS...: exactly one stderr line matching.
expect_error() {
	want=$1 re=$2
	shift 2
	probe_run "$@"
	[ "$RC" = "$want" ] || { cat "$TMP/err" >&2; fail "probe $*: exit $RC, want $want"; }
	[ "$(wc -l <"$TMP/err")" = 1 ] || { cat "$TMP/err" >&2; fail "probe $*: want one line on stderr"; }
	grep -Eq -- "$re" "$TMP/err" || { cat "$TMP/err" >&2; fail "probe $*: stderr does not say '$re'"; }
	[ ! -s "$TMP/out" ] || { cat "$TMP/out" >&2; fail "probe $*: printed on stdout too"; }
}

expect_error 2 "no interface 'nosuch0'" -I nosuch0 198.18.0.2
expect_error 2 "^tcpshake: --flags 'XZ': unknown flag 'X'" --flags XZ 198.18.0.2
expect_error 2 "^tcpshake: -p: '70000' is not a number in 1\.\.65535" -p 70000 198.18.0.2
expect_error 2 "^tcpshake: -i: '5parsecs' is not a duration" -i 5parsecs 198.18.0.2
expect_error 2 "^tcpshake: --ttl: '300' is not a number in 1\.\.255" --ttl 300 198.18.0.2
expect_error 2 "^tcpshake: --rate: 'fast' is not a number" --rate fast 198.18.0.2
expect_error 2 "^tcpshake: --sack: 'x' is not two numbers" --sack x 198.18.0.2
expect_error 2 "^tcpshake: probe: unknown option '--bogus'" --bogus 198.18.0.2
expect_error 2 "^tcpshake: probe: no target" -p 80
expect_error 2 "^tcpshake: probe: cannot resolve 'nosuch\.invalid'" nosuch.invalid
expect_error 2 "^tcpshake: --mss: TCP options would take 44 bytes" \
    --ts 1 --ts 2 --ts 3 --ts 4 --mss 1
expect_error 2 "^tcpshake: probe: --df and --id are IPv4 fields" --df 2001:db8::2

# A send the kernel refuses (1600 bytes of payload over a 1500-byte link):
# one line, exit 2, from one sender and from several at full rate (-i 0,
# threads), whose error reaches the main thread: no probe is counted sent.
big=$(head -c 1600 /dev/zero | tr '\0' x)
for args in "-c 1" "-c 5000 -i 0"; do
	# shellcheck disable=SC2086
	probe_run $args --data "$big" 198.18.0.2
	[ "$RC" = 2 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "refused send ($args): exit $RC, want 2"; }
	[ "$(wc -l <"$TMP/err")" = 1 ] &&
	    grep -Eq "^tcpshake: probe: cannot send: .*Message too long\)?$" "$TMP/err" ||
	    { cat "$TMP/err" >&2; fail "refused send ($args): want one line saying so"; }
	grep -q " sent, " "$TMP/out" && { cat "$TMP/out" >&2; fail "refused send ($args) was counted"; }
done

# Without privileges: the line names CAP_NET_RAW.
RC=0
in_client setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$TCPSHAKE" probe -p 80 198.18.0.2 >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 2 ] || { cat "$TMP/err" >&2; fail "unprivileged probe: exit $RC, want 2"; }
[ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "CAP_NET_RAW" "$TMP/err" || {
	cat "$TMP/err" >&2
	fail "unprivileged probe: want one line naming CAP_NET_RAW"
}

# Nobody has 198.18.0.99: ARP fails, no answer, exit 1 after --timeout.
start=$(date +%s%N)
probe_run --timeout 300ms -p 80 198.18.0.99
end=$(date +%s%N)
[ "$RC" = 1 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "unanswered probe: exit $RC, want 1"; }
expect_line "^--- 198\.18\.0\.99 port 80: 1 sent, 0 received, 1 lost \(100\.0%\)$"
[ $(((end - start) / 1000000)) -lt 3000 ] || fail "the unanswered probe took $(((end - start) / 1000000)) ms, --timeout was 300ms"
exit 0
