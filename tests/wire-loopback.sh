#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# wire-loopback.sh: craft_send() puts crafted SYNs on the wire over raw
# IPv4 and IPv6 sockets, sniff_open_live() captures them on lo, and the
# kernel answers SYN-ACK (listener) or RST-ACK (closed port). All inside a
# network namespace this test makes and removes on every exit path.
. "$top_srcdir/tests/lib.sh"
need_root

WT="$top_builddir/tests/wire-test"
[ -x "$WT" ] || fail "$WT not built (make check builds it)"
command -v setpriv >/dev/null || fail "setpriv (util-linux) is needed to drop capabilities"

NS="twire$$"
cleanup() {
	ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$NS" || fail "cannot create namespace $NS"
in_ns() { ip netns exec "$NS" "$@"; }
ip -n "$NS" link set lo up || fail "lo up"
# Test addresses of our own (RFC 2544 and RFC 3849 documentation ranges),
# on lo inside the namespace only; nodad: usable at once.
ip -n "$NS" addr add 198.18.0.1/32 dev lo || fail "address 198.18.0.1"
ip -n "$NS" addr add 198.18.0.2/32 dev lo || fail "address 198.18.0.2"
ip -n "$NS" addr add 2001:db8::1/128 dev lo nodad || fail "address 2001:db8::1"
ip -n "$NS" addr add 2001:db8::2/128 dev lo nodad || fail "address 2001:db8::2"

rc=0
run() {
	echo "# wire-test $*"
	in_ns timeout 20 "$WT" "$@" || { echo "FAIL: wire-test $*"; rc=1; }
}
run syn 198.18.0.1 198.18.0.2 8080 synack
run syn 198.18.0.1 198.18.0.2 8081 rst
run syn 2001:db8::1 2001:db8::2 8080 synack
run syn 2001:db8::1 2001:db8::2 8081 rst
run nodev
# Still uid 0 but with every capability gone: the error lines must name
# the fix.
echo "# wire-test noperm (no capabilities)"
in_ns setpriv --bounding-set=-all --inh-caps=-all "$WT" noperm ||
	{ echo "FAIL: wire-test noperm"; rc=1; }
exit $rc
