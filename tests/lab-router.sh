#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lab-router.sh: `lab up --router` puts a routing namespace between
# client and server; --nat masquerades (the target sees the router's
# address and another port), --synproxy answers handshakes in the router
# and replays them to the server (both handshakes captured), --firewall
# drops or rejects a port, and what conntrack calls INVALID is dropped and
# counted in `lab status`.
. "$top_srcdir/tests/lib.sh"
need_root

labs_init

# capture NS IFACE FILE: tcpdump running (and listening) when it returns.
capture() {
	rm -f "$3.log"	# a last capture's "listening on" must not count
	ip netns exec "$1" tcpdump -i "$2" -nn -U --immediate-mode -w "$3" tcp 2>"$3.log" &
	CAPS="$CAPS $!"
	n=0
	until grep -q "listening on" "$3.log" 2>/dev/null; do
		n=$((n + 1))
		[ $n -le 100 ] || fail "tcpdump in $1 did not start"
		sleep 0.05
	done
}

capture_stop() {
	sleep 0.3
	for p in $CAPS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	CAPS=
}

# Plain routing: three namespaces, the server on its own subnet.
L=n$$
lab_up_as "$L" --router --nat
for ns in "$L-c" "$L-r" "$L-s"; do
	[ -e "/run/netns/$ns" ] || fail "no namespace $ns"
done
grep -q "router: namespace $L-r, r0 198.18.0.254/24 2001:db8::fe/64, r1 198.18.1.254/24 2001:db8:1::fe/64 (nat)" "$TMP/up.$L" ||
    { show "$TMP/up.$L"; fail "up did not describe the router"; }
grep -q "server: namespace $L-s, interface s0, 198.18.1.2/24, 2001:db8:1::2/64" "$TMP/up.$L" ||
    { show "$TMP/up.$L"; fail "up did not give the routed server's address"; }
[ "$(ip netns exec "$L-r" cat /proc/sys/net/ipv4/ip_forward)" = 1 ] ||
    fail "the router does not forward"
out=$("$TCPSHAKE" lab exec --name "$L" --router ip -br addr show r1) ||
    fail "lab exec --router failed"
echo "$out" | grep -q "198.18.1.254/24" || fail "exec --router: $out"

# NAT: connect completes through the router; in the server the peer is
# the router's address with a port that is not the prober's.
# (ss prints both in brackets, IPv4 as ::ffff:198.18.1.254.)
for t in 198.18.1.2:80/198.18.1.254 '[2001:db8:1::2]:80/2001:db8:1::fe'; do
	target=${t%/*}
	peer=${t#*/}
	ip netns exec "$L-c" "$TCPSHAKE" connect --sport 40404 --send hello \
	    --expect-echo --close none "$target" >"$TMP/nat" 2>&1 ||
	    { show "$TMP/nat"; fail "connect through NAT to $target"; }
	grep -q "as asked (--close none)" "$TMP/nat" ||
	    { show "$TMP/nat"; fail "connect through NAT: not as asked"; }
	ss=$(ip netns exec "$L-s" ss -Htn state established)
	line=$(echo "$ss" | grep -F "$peer]:") ||
	    fail "the server sees no peer $peer: $ss"
	echo "$line" | grep -q ":40404 *$" &&
	    fail "NAT kept the prober's port 40404: $line"
	echo "$ss" | grep -qF -e "198.18.0.1]" -e "2001:db8::1]" &&
	    fail "the server sees the client's own address: $ss"
done
st=$("$TCPSHAKE" lab status --name "$L") || fail "status of a NAT lab: $st"
echo "$st" | grep -q "nat: 2 connections masqueraded" ||
    fail "status lacks the NAT count: $st"
# A router that stopped forwarding is a broken lab.
ip netns exec "$L-r" sysctl -qw net.ipv4.ip_forward=0
st=$("$TCPSHAKE" lab status --name "$L") && fail "status of a router that does not forward exited 0"
echo "$st" | head -n 1 | grep -q "NOT working: the router does not forward" ||
    fail "status with forwarding off: $st"
ip netns exec "$L-r" sysctl -qw net.ipv4.ip_forward=1

# The synproxy: the client's handshake is answered by the router (its own
# ISN), then the router makes a second handshake with the server.
L=y$$
lab_up_as "$L" --synproxy
capture "$L-c" c0 "$TMP/c.pcap"
capture "$L-s" s0 "$TMP/s.pcap"
ip netns exec "$L-c" "$TCPSHAKE" connect --send 'through the proxy' \
    --expect-echo 198.18.1.2:80 >"$TMP/syn" 2>&1 ||
    { show "$TMP/syn"; fail "connect through the synproxy"; }
capture_stop
grep -q "as asked (--close fin)" "$TMP/syn" || { show "$TMP/syn"; fail "synproxy: not as asked"; }
tcpdump -r "$TMP/c.pcap" -nn -S 2>/dev/null >"$TMP/c.txt"
tcpdump -r "$TMP/s.pcap" -nn -S 2>/dev/null >"$TMP/s.txt"
isn() { sed -nE 's/.*198\.18\.1\.2\.80 > .*Flags \[S\.\], seq ([0-9]+),.*/\1/p' "$1" | head -n 1; }
c_isn=$(isn "$TMP/c.txt")
s_isn=$(isn "$TMP/s.txt")
[ -n "$c_isn" ] && [ -n "$s_isn" ] ||
    { show "$TMP/c.txt" "$TMP/s.txt"; fail "a SYN-ACK is missing on a link"; }
[ "$c_isn" != "$s_isn" ] ||
    { show "$TMP/c.txt" "$TMP/s.txt"; fail "one handshake, not two: same ISN $c_isn on both links"; }
# The prober saw the router's ISN, not the server's.
grep -q "target ISN $c_isn," "$TMP/syn" ||
    { show "$TMP/syn"; fail "the prober's SYN-ACK ISN is not the router's $c_isn"; }
# The server's handshake: SYN, SYN-ACK, ACK, in that order, from the client's address.
[ "$(grep -cE '198\.18\.0\.1\.[0-9]+ > 198\.18\.1\.2\.80: Flags \[S\]' "$TMP/s.txt")" = 1 ] ||
    { show "$TMP/s.txt"; fail "the server did not get one replayed SYN"; }
grep -qE "198\.18\.0\.1\.[0-9]+ > 198\.18\.1\.2\.80: Flags \[\.\], ack $((s_isn + 1)), " "$TMP/s.txt" ||
    { show "$TMP/s.txt"; fail "the router did not complete the server's handshake"; }
st=$("$TCPSHAKE" lab status --name "$L")
echo "$st" | grep -qE "synproxy: [1-9][0-9]* segments" || fail "status lacks the synproxy count: $st"
# The shipped exercise: the router's window-0 SYN-ACK, its window update
# once the server's handshake is done, the echo in the cookie's numbers.
ip netns exec "$L-c" "$TCPSHAKE" run \
    "$top_srcdir/scenarios/middlebox/synproxy.shake" >"$TMP/synrun" 2>&1 ||
    { show "$TMP/synrun"; fail "scenarios/middlebox/synproxy.shake failed"; }
# IPv6 is not proxied (see lab-router.c) but goes through.
ip netns exec "$L-c" "$TCPSHAKE" connect --send six --expect-echo \
    '[2001:db8:1::2]:80' >"$TMP/syn6" 2>&1 ||
    { show "$TMP/syn6"; fail "IPv6 connect through the synproxy lab"; }

# Firewall: drop is silence, reject is RST, other ports are untouched.
L=f$$
lab_up_as "$L" --firewall drop 81 --firewall reject 82 --serve "--port 83" \
    --firewall reject-icmp 85
ip netns exec "$L-c" "$TCPSHAKE" probe -S -p 81,82,83,84,85 -c 1 --timeout 1s \
    198.18.1.2 >"$TMP/fw" 2>&1
grep -q "port 81: 1 sent, 0 received, 1 lost" "$TMP/fw" || { show "$TMP/fw"; fail "firewall drop: port 81 answered"; }
grep -q "RCVD 198.18.1.2:82 > 198.18.0.1:[0-9]* R\. " "$TMP/fw" || { show "$TMP/fw"; fail "firewall reject: no RST from port 82"; }
grep -q "RCVD 198.18.1.2:83 > 198.18.0.1:[0-9]* S\. " "$TMP/fw" || { show "$TMP/fw"; fail "port 83 is not open through the router"; }
grep -q "RCVD 198.18.1.2:84 > 198.18.0.1:[0-9]* R\. " "$TMP/fw" || { show "$TMP/fw"; fail "closed port 84: no RST"; }
grep -qi "icmp.*unreachable.*198.18.1.2:85\|198.18.1.2:85.*icmp.*unreachable" "$TMP/fw" ||
    { show "$TMP/fw"; fail "firewall reject-icmp: no ICMP port unreachable for port 85"; }
ip netns exec "$L-c" "$TCPSHAKE" connect --timeout 2s 198.18.1.2:82 >"$TMP/fwc" 2>&1 &&
    { show "$TMP/fwc"; fail "connect to a rejected port succeeded"; }
grep -q "R\. " "$TMP/fwc" || { show "$TMP/fwc"; fail "connect to port 82 saw no RST"; }
st=$("$TCPSHAKE" lab status --name "$L")
echo "$st" | grep -q "firewall drop 81: router dropped 1 packets" || fail "status: drop count: $st"
echo "$st" | grep -q "firewall reject 82: router dropped [1-9][0-9]* packets .*answered with RST" ||
    fail "status: reject count: $st"
echo "$st" | grep -q "firewall reject-icmp 85: router dropped 1 packets .*answered with ICMP port unreachable" ||
    fail "status: reject-icmp count: $st"

# Conntrack INVALID: an out-of-window segment in an established
# connection never reaches the server (which would answer it with an
# ACK); the router's counter says it dropped it.
ip netns exec "$L-c" "$TCPSHAKE" run --target 198.18.1.2:83 \
    "$top_srcdir/scenarios/middlebox/conntrack-invalid.shake" >"$TMP/oow" 2>&1 ||
    { show "$TMP/oow"; fail "the out-of-window scenario failed"; }
st=$("$TCPSHAKE" lab status --name "$L")
echo "$st" | grep -q "conntrack invalid: router dropped 1 packets (45 bytes)" ||
    fail "status does not say the router dropped the INVALID segment: $st"
# Ordinary use drops nothing: the scenarios above were all valid.
for l in n$$ y$$; do
	"$TCPSHAKE" lab status --name "$l" |
	    grep -q "conntrack invalid: router dropped 0 packets" ||
	    fail "conntrack dropped ordinary segments in lab $l"
done
exit 0
