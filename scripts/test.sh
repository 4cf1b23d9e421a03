#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/test.sh: build everything and run the whole test suite, as CI
# does: the full suite (live tests in network namespaces need root), the
# unit tests once more under ASan+UBSan, the libFuzzer targets for a
# minute (make fuzz-smoke, clang), make distcheck, and the lab exercises
# in full (make check-slow) when the run so far leaves time for them in
# CI's budget. Ends with the line "N passed, N failed" and exits non-zero
# on any failure.
set -u
# The job counts below are ours: a MAKEFLAGS from the environment (-j16,
# say) would run the live tests many at a time on a small machine.
unset MAKEFLAGS MFLAGS GNUMAKEFLAGS
start=$(date +%s)
# CI's budget is 25 minutes; the full exercises take a few.
slow_before=${SLOW_BEFORE_S:-900}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh scripts/deps.sh --fuzz || exit 2
autoreconf -fi >/dev/null 2>&1 || { echo "autoreconf failed"; exit 2; }

passed=0 failed=0 skipped=0

# Add one suite's counts from automake's test-suite.log.
count() {
	log=$1
	[ -f "$log" ] || { failed=$((failed + 1)); return; }
	get() { sed -n "s/^# $1: *\([0-9]*\).*/\1/p" "$log" | head -n 1; }
	passed=$((passed + $(get PASS) + $(get XFAIL)))
	failed=$((failed + $(get FAIL) + $(get XPASS) + $(get ERROR)))
	skipped=$((skipped + $(get SKIP)))
}

# Show the logs of what failed, so CI's output says why.
show_failures() {
	for f in $(grep -l '^:test-result: \(FAIL\|ERROR\|XPASS\)' \
	    $(find "$@" -name '*.trs') 2>/dev/null); do
		echo "==== ${f%.trs}.log"
		tail -n 40 "${f%.trs}.log"
		# The reason, once more at the very end (CI shows the tail).
		echo "${f%.trs}: $(grep '^FAIL: ' "${f%.trs}.log" | tail -n 3 |
		    tr '\n' ' ' | cut -c1-300)" >>"$digest"
	done
}
digest=$(mktemp)

suite() {	# suite NAME DIR MAKE-TARGET CONFIGURE-ARGS...
	name=$1 dir=$2 target=$3
	shift 3
	echo "== $name"
	rm -rf "$dir"
	if ! sh scripts/build.sh "$dir" "$@"; then
		echo "$name: build failed"
		failed=$((failed + 1))
		return
	fi
	(cd "$dir" && make -j2 "$target" >/dev/null 2>&1)
	sed -n '/^# TOTAL/,/^# ERROR/p' "$dir/test-suite.log" 2>/dev/null
	show_failures "$dir"
	count "$dir/test-suite.log"
}

# Safety net: the lab ranges only ever live inside namespaces that the tests
# make. In the root namespace, drop and count anything sent towards them, and
# fail the run if a test did: such a segment would have left the host.
# The table name carries the pid: parallel runs never take down each
# other's net.
safety=tcpshake_ci_safety_$$
safety_on() {
	[ "$(id -u)" = 0 ] && command -v nft >/dev/null || return 0
	nft -f - <<-NFT
	table inet $safety {
		chain out {
			type filter hook output priority -300; policy accept;
			ip daddr 198.18.0.0/15 counter drop
			ip6 daddr 2001:db8::/32 counter drop
		}
	}
	NFT
}
safety_off() {
	[ "$(id -u)" = 0 ] && command -v nft >/dev/null || return 0
	hits=$(nft list table inet $safety 2>/dev/null |
	    sed -n 's/.*counter packets \([0-9]*\).*/\1/p' |
	    awk '{ n += $1 } END { print n + 0 }')
	nft delete table inet $safety 2>/dev/null
	if [ "$hits" -gt 0 ]; then
		echo "SAFETY: $hits packets were sent to 198.18.0.0/15 or 2001:db8::/32 from the root namespace (dropped); a test sends outside its namespaces"
		failed=$((failed + 1))
	fi
}
trap 'nft delete table inet $safety 2>/dev/null; rm -f "$digest"' EXIT INT TERM HUP
safety_on

suite "test suite" _build check
suite "unit tests under ASan+UBSan" _build-san check-unit \
	CFLAGS="-g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"

# Each libFuzzer target from its seeds for a bounded time: one pass each.
echo "== fuzz smoke (libFuzzer)"
rm -rf _build-fuzz
if sh scripts/build.sh _build-fuzz --enable-fuzz CC=clang &&
    (cd _build-fuzz && make fuzz-smoke) >_build-fuzz/smoke.log 2>&1; then
	grep '^fuzz-smoke:' _build-fuzz/smoke.log
	passed=$((passed + $(grep -c '^fuzz-smoke: .* ok' _build-fuzz/smoke.log)))
else
	failed=$((failed + 1))
	tail -n 40 _build-fuzz/smoke.log 2>/dev/null
fi

echo "== make distcheck"
if (cd _build && make distcheck >distcheck.log 2>&1); then
	passed=$((passed + 1))
	echo "distcheck: ok"
else
	failed=$((failed + 1))
	tail -n 40 _build/distcheck.log
	# distcheck leaves its tree behind on failure: show why each failed.
	for d in _build/tcpshake-*/_build/sub; do
		[ -d "$d" ] && show_failures "$d"
	done
	echo "load: $(cat /proc/loadavg); namespaces: $(ip netns list 2>/dev/null | wc -l)"
	# (and then goes, so that nothing below counts its logs again)
	chmod -R u+w _build/tcpshake-* 2>/dev/null
	rm -rf _build/tcpshake-*/
fi

# make check ran the long exercises shortened; in full when time allows
# (test-suite.log then holds tests/labs.sh alone).
echo "== the lab exercises in full (make check-slow)"
if [ "$(id -u)" != 0 ]; then
	echo "check-slow: not run (needs root)"
elif [ $(($(date +%s) - start)) -gt "$slow_before" ]; then
	echo "check-slow: not run ($(($(date +%s) - start)) s gone, more than $slow_before)"
else
	(cd _build && make check-slow >check-slow.log 2>&1)
	sed -n '/^# TOTAL/,/^# ERROR/p' _build/test-suite.log 2>/dev/null
	show_failures _build/tests/labs.sh.trs
	count _build/test-suite.log
fi

safety_off

# As root the live tests must run: a skip there is a failure.
if [ "$(id -u)" = 0 ] && [ "$skipped" -gt 0 ]; then
	echo "$skipped tests skipped although running as root"
	failed=$((failed + skipped))
	skipped=0
fi
if [ -s "$digest" ]; then
	echo "== why the failed tests failed"
	cat "$digest"
fi
rm -f "$digest"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
