#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# target-zone.sh: targets as written reach the host meant. A link-local
# target's zone id picks the link: two links from one namespace lead to two
# hosts with the same address fe80::2; one listens on port 80 (SYN-ACK),
# the other does not (RST); fe80::2%IFACE must reach the one on IFACE, for
# probe and connect. And 198.18.0.2:80 (probe) and -p 80 198.18.0.2
# (connect) reach port 80.
. "$top_srcdir/tests/lib.sh"
need_root

A=tza$$ B=tzb$$ C=tzc$$
cleanup() {
	[ -n "$SP" ] && kill "$SP" 2>/dev/null
	for n in $A $B $C; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$tmp"
}
tmp=$(mktemp -d) || exit 1
trap cleanup EXIT INT TERM HUP
for n in $A $B $C; do ip netns add "$n" || fail "ip netns add $n"; done
ip link add zb$$ netns $A type veth peer name zb0 netns $B || fail "veth"
ip link add zc$$ netns $A type veth peer name zc0 netns $C || fail "veth"
ip -n $B addr add fe80::2/64 dev zb0 nodad
ip -n $A addr add 198.18.0.1/24 dev zb$$
ip -n $B addr add 198.18.0.2/24 dev zb0
ip -n $C addr add fe80::2/64 dev zc0 nodad
for x in "$A zb$$" "$A zc$$" "$B zb0" "$C zc0"; do
	set -- $x
	ip -n "$1" link set "$2" up
	ip netns exec "$1" ethtool -K "$2" tx off >/dev/null 2>&1
done
ip -n $A link set lo up
# Our own link-local addresses must be usable (no DAD pending).
i=0
while ip -n $A -6 addr show tentative | grep -q fe80 && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
ip netns exec $B "$TCPSHAKE" serve --port 80 & SP=$!
i=0
while ! ip netns exec $B ss -Hltn 'sport = :80' | grep -q LISTEN && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done

ip netns exec $A "$TCPSHAKE" probe -p 80 --timeout 500ms "fe80::2%zb$$" >"$tmp/b" 2>&1 ||
	{ show "$tmp/b"; fail "probe fe80::2%zb$$: exit $?"; }
grep -q " on zb$$: " "$tmp/b" && grep -Eq 'RCVD \[fe80::2\]:80 > .* S\. ' "$tmp/b" ||
	{ show "$tmp/b"; fail "probe fe80::2%zb$$ did not reach the listener"; }
ip netns exec $A "$TCPSHAKE" probe --timeout 500ms "[fe80::2%zc$$]:80" >"$tmp/c" 2>&1 ||
	{ show "$tmp/c"; fail "probe [fe80::2%zc$$]:80: exit $?"; }
grep -q " on zc$$: " "$tmp/c" && grep -Eq 'RCVD \[fe80::2\]:80 > .* R\. ' "$tmp/c" ||
	{ show "$tmp/c"; fail "probe [fe80::2%zc$$]:80 did not reach the host without a listener"; }
ip netns exec $A "$TCPSHAKE" connect --timeout 3s "[fe80::2%zb$$]:80" >"$tmp/conn" 2>&1 ||
	{ show "$tmp/conn"; fail "connect [fe80::2%zb$$]:80: exit $?"; }
ip netns exec $A "$TCPSHAKE" probe -I zc$$ "fe80::2%zb$$" >"$tmp/both" 2>&1
[ $? = 2 ] && grep -q "name two interfaces" "$tmp/both" ||
	{ show "$tmp/both"; fail "-I and another zone: not refused"; }

ip netns exec $A "$TCPSHAKE" probe --timeout 500ms 198.18.0.2:80 >"$tmp/v4" 2>&1 ||
	{ show "$tmp/v4"; fail "probe 198.18.0.2:80: exit $?"; }
grep -Eq 'RCVD 198\.18\.0\.2:80 > .* S\. ' "$tmp/v4" ||
	{ show "$tmp/v4"; fail "probe 198.18.0.2:80 did not reach port 80"; }
ip netns exec $A "$TCPSHAKE" connect --timeout 3s -p 80 198.18.0.2 >"$tmp/v4c" 2>&1 ||
	{ show "$tmp/v4c"; fail "connect -p 80 198.18.0.2: exit $?"; }
exit 0
