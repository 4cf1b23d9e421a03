#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lab-impair.sh: `lab up --delay/--jitter/--loss/--reorder/
# --duplicate` impair the target's outgoing packets (netem where the
# kernel has it, else the NFQUEUE daemon): a 50 ms delay shows as a 50 ms
# handshake RTT in probe and connect, with and without a router; a seeded
# loss drops the first SYN-ACK, so its retransmission is what arrives;
# duplicates and reordering are seen; the daemon dies with the lab; a
# machine with neither netem nor iptables gets one line.
. "$top_srcdir/tests/lib.sh"
need_root

labs_init

# in_range VALUE_US MIN_MS MAX_MS WHAT
in_range() {
	awk -v v="$1" -v lo="$2" -v hi="$3" \
	    'BEGIN { exit !(v != "" && v / 1000 >= lo && v / 1000 <= hi) }' ||
	    fail "$4: $1 us is not in $2..$3 ms"
}

# probe's per-port RTT summary field N (1 min, 2 avg, 3 max), in us.
rtt_field() {
	sed -nE "s|.*rtt min/avg/max/stddev = ([0-9.]+)/([0-9.]+)/([0-9.]+)/[0-9.]+ us$|\\$1|p" "$2"
}

# 50 ms delay: probe's RTTs and connect's handshake RTT near 50 ms.
for mode in direct router; do
	L=d$(echo $mode | cut -c1)$$	# the whole pid: parallel runs never collide
	target=198.18.0.2
	if [ $mode = router ]; then
		lab_up_as "$L" --router --delay 50ms
		target=198.18.1.2
	else
		lab_up_as "$L" --delay 50ms
	fi
	grep -qE "impair: (netem|nfqueue daemon).* on s0: delay 50.000ms" "$TMP/up.$L" ||
	    { show "$TMP/up.$L"; fail "up did not say how it impairs"; }
	ip netns exec "$L-c" "$TCPSHAKE" probe -S -p 80 -c 4 -i 100ms \
	    --timeout 1s "$target" >"$TMP/p" 2>&1 || { show "$TMP/p"; fail "probe with delay ($mode)"; }
	in_range "$(rtt_field 1 "$TMP/p")" 45 70 "probe min rtt ($mode)"
	in_range "$(rtt_field 3 "$TMP/p")" 45 70 "probe max rtt ($mode)"
	echo "$mode probe: $(grep 'rtt min' "$TMP/p")"
	ip netns exec "$L-c" "$TCPSHAKE" connect --send hi --expect-echo \
	    "$target:80" >"$TMP/c" 2>&1 || { show "$TMP/c"; fail "connect with delay ($mode)"; }
	hs=$(sed -nE 's/.*handshake rtt ([0-9.]+) us;.*/\1/p' "$TMP/c")
	in_range "$hs" 45 70 "connect handshake rtt ($mode)"
	echo "$mode connect: handshake rtt $hs us"
	pid=$(cat "/run/tcpshake/$L/impaird.pid" 2>/dev/null)
	"$TCPSHAKE" lab down --name "$L" >/dev/null || fail "down $L"
	if [ -n "$pid" ]; then
		st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
		[ -z "$st" ] || [ "$st" = Z ] || fail "down left the impairment daemon running"
	fi
done

# Jitter stays within delay +- jitter (plus the path's own time).
L=j$$
lab_up_as "$L" --delay 50ms --jitter 5ms --seed 1
ip netns exec "$L-c" "$TCPSHAKE" probe -S -p 80 -c 8 -i 50ms --timeout 1s \
    198.18.0.2 >"$TMP/p" 2>&1 || { show "$TMP/p"; fail "probe with jitter"; }
in_range "$(rtt_field 1 "$TMP/p")" 44.5 70 "jitter: min rtt"
in_range "$(rtt_field 3 "$TMP/p")" 44.5 75 "jitter: max rtt"
echo "jitter probe: $(grep 'rtt min' "$TMP/p")"

# The daemon's seeded loss: with seed 6 at 50% the first packet the
# server sends is dropped and the next five pass (see lab-impaird.c). The
# SYN-ACK is lost: the first to reach the prober is a retransmission, a
# second after the SYN (the target's timer, or its answer to our own
# retransmitted SYN, whichever comes first).
if grep -q "nfqueue daemon" "$TMP/up.$L"; then
	L=l$$
	lab_up_as "$L" --loss 50% --seed 6
	ip netns exec "$L-c" "$TCPSHAKE" connect --no-final-ack --watch 2.5s \
	    198.18.0.2:80 >"$TMP/c" 2>&1 || { show "$TMP/c"; fail "connect with loss"; }
	t=$(sed -nE 's/^([0-9.]+) RCVD .* S\. .*/\1/p' "$TMP/c" | head -n 1)
	awk -v t="$t" 'BEGIN { exit !(t != "" && t >= 0.9 && t <= 2) }' ||
	    { show "$TMP/c"; fail "the first SYN-ACK seen came at '$t' s, not after the lost one's retransmission"; }
	n=$(sed -nE 's/^--- ([0-9]+) SYN-ACKs?.*/\1/p' "$TMP/c")
	r=$(ip netns exec "$L-s" nstat -az TcpExtTCPSynRetrans | awk '/TCPSynRetrans/ {print $2}')
	[ "${r:-0}" -ge 1 ] || fail "the target counts no SYN-ACK retransmission"
	st=$("$TCPSHAKE" lab status --name "$L")
	echo "$st" | grep -qE "[0-9]+ packets: 1 dropped" || fail "status: loss count: $st"
	echo "loss: first SYN-ACK at $t s, $n SYN-ACKs seen, target TCPSynRetrans $r; $(echo "$st" | grep 'packets:')"

	# Duplicates: every SYN-ACK twice; reordering: the reordered ones
	# overtake the 50 ms delay.
	L=u$$
	lab_up_as "$L" --duplicate 100% --delay 5ms
	ip netns exec "$L-c" tcpdump -i c0 -nn -c 2 -w "$TMP/dup.pcap" \
	    'tcp[tcpflags] & tcp-syn != 0 and src port 80' 2>/dev/null &
	cap=$!
	sleep 0.5
	ip netns exec "$L-c" "$TCPSHAKE" probe -S -p 80 -c 1 --timeout 1s \
	    198.18.0.2 >"$TMP/p" 2>&1
	n=0
	while kill -0 $cap 2>/dev/null && [ $n -lt 40 ]; do sleep 0.05; n=$((n + 1)); done
	kill $cap 2>/dev/null
	wait $cap 2>/dev/null
	[ "$(tcpdump -r "$TMP/dup.pcap" -nn 2>/dev/null | grep -c 'Flags \[S\.\]')" = 2 ] ||
	    fail "--duplicate 100%: the SYN-ACK did not arrive twice"
	L=o$$
	lab_up_as "$L" --delay 50ms --reorder 50% --seed 2
	ip netns exec "$L-c" "$TCPSHAKE" probe -S -p 80 -c 10 -i 20ms \
	    --timeout 1s 198.18.0.2 >"$TMP/p" 2>&1
	fast=$(grep -cE 'rtt [0-9]{1,4}\.[0-9]+ us' "$TMP/p")
	slow=$(grep -cE 'rtt [0-9]{5}\.[0-9]+ us' "$TMP/p")
	[ "$fast" -ge 1 ] && [ "$slow" -ge 1 ] ||
	    { show "$TMP/p"; fail "--reorder: want some replies at once and some delayed ($fast, $slow)"; }
	echo "reorder: $fast replies overtook, $slow delayed"
fi

# Neither netem nor iptables: one line naming what is missing, nothing left.
grep -q "nfqueue daemon" "$TMP/up.j$$" || exit 0
mkdir "$TMP/bin"
for t in ip tc; do ln -s "$(command -v $t)" "$TMP/bin/$t"; done
L=x$$
out=$(PATH=$TMP/bin "$TCPSHAKE" lab up --name "$L" --delay 10ms 2>&1) &&
    { LABS="$LABS $L"; fail "up without iptables worked where netem is missing"; }
if ! echo "$out" | grep -q "netem"; then
	fail "no netem and no iptables: $out"
fi
[ "$(echo "$out" | wc -l)" = 1 ] || fail "not one line: $out"
[ ! -e "/run/netns/$L-c" ] && [ ! -e "/run/tcpshake/$L" ] || fail "a refused up left parts"
echo "refused: $out"
exit 0
