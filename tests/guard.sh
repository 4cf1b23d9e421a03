#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/guard.sh: the kernel-RST guard's table goes away on every exit path,
# `tcpshake guard --list/--flush` see and clear leftovers, and the guard keeps
# the local kernel from answering a SYN-ACK with RST, for that flow only.
# Everything runs in network namespaces made here: the host's ruleset is
# never touched.
. "$top_srcdir/tests/lib.sh"
need_root

HELPER=$top_builddir/tests/guard-helper
NS=tguard$$
A=${NS}a
B=${NS}b
TMP=$(mktemp -d)

cleanup() {
	for p in $(cat "$TMP"/pids 2>/dev/null); do
		kill -9 "$p" 2>/dev/null
	done
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$A" || fail "cannot add namespace $A"
ip netns add "$B" || fail "cannot add namespace $B"

in_a() { ip netns exec "$A" "$@"; }
in_b() { ip netns exec "$B" "$@"; }

# The tcpshake tables in namespace A, one name a line.
tables() { in_a nft list tables inet | sed -n 's/^table inet \(tcpshake_[0-9]*\)$/\1/p'; }

no_tables() {
	t=$(tables)
	[ -z "$t" ] || fail "$1: tables left: $t"
}

# Start the helper in A; background jobs of a script ignore SIGINT, so put
# the default action back for it (a prober run from a terminal has it).
# Sets HPID and waits for its "ready" line.
start_helper() {
	: >"$TMP"/out
	ip netns exec "$A" env --default-signal=INT "$HELPER" "$@" >"$TMP"/out 2>"$TMP"/err &
	HPID=$!
	echo "$HPID" >>"$TMP"/pids
	i=0
	until grep -q '^ready' "$TMP"/out; do
		i=$((i + 1))
		[ $i -le 100 ] || fail "helper $*: no ready line: $(cat "$TMP"/err)"
		kill -0 "$HPID" 2>/dev/null ||
		    fail "helper $* died: $(cat "$TMP"/err)"
		sleep 0.05
	done
	grep -q "^ready .* tcpshake_$HPID\$" "$TMP"/out ||
	    fail "helper's table is not named after its pid: $(cat "$TMP"/out)"
}

# end_by SIGNAL STATUS: the helper dies of SIGNAL (the shell's 128+n).
end_by() {
	kill -s "$1" "$HPID"
	wait "$HPID"
	st=$?
	[ "$st" = "$2" ] || fail "helper after SIG$1: status $st, want $2"
}

FLOW4="198.18.0.1 40000 198.18.0.2 80"
ELEM4="198.18.0.2 . 198.18.0.1 . 80 . 40000"

# --- Exit paths, with the owner flag (the kernel removes the table with the
# --- process) and without it (the old-kernel path: handlers and hooks).
for mode in owned unowned; do
	opt=
	[ $mode = unowned ] && opt=--no-owner

	start_helper $opt $FLOW4 wait
	grep -q "^ready $mode " "$TMP"/out || fail "helper is not $mode: $(cat "$TMP"/out)"
	rules=$(in_a nft list table inet "tcpshake_$HPID") ||
	    fail "$mode: no table tcpshake_$HPID while the helper runs"
	echo "$rules" | grep -q "elements = { $ELEM4 }" ||
	    fail "$mode: the flow is not in the table: $rules"
	echo "$rules" | grep -q 'type filter hook input priority filter - 10' ||
	    fail "$mode: no input chain: $rules"
	echo "$rules" | grep -q 'ip saddr . ip daddr . tcp sport . tcp dport @in4 drop' ||
	    fail "$mode: no drop rule: $rules"
	end_by INT 130
	no_tables "$mode, after SIGINT"

	for sig in TERM:143 HUP:129; do
		start_helper $opt $FLOW4 wait
		[ "$(tables)" = "tcpshake_$HPID" ] || fail "$mode: no table before SIG${sig%:*}"
		end_by "${sig%:*}" "${sig#*:}"
		no_tables "$mode, after SIG${sig%:*}"
	done

	in_a "$HELPER" $opt $FLOW4 close >/dev/null || fail "$mode: close run failed"
	no_tables "$mode, after guard_close"
	in_a "$HELPER" $opt $FLOW4 exit >/dev/null || fail "$mode: exit run failed"
	no_tables "$mode, after exit without guard_close"
	in_a "$HELPER" $opt $FLOW4 fatal >/dev/null 2>"$TMP"/err
	[ $? = 2 ] || fail "$mode: fatal run did not exit 2"
	grep -q 'ending by fatalx' "$TMP"/err || fail "$mode: fatal run: $(cat "$TMP"/err)"
	no_tables "$mode, after fatalx"

	# Flows go as they came; a flow not there is an error that names it.
	out=$(in_a "$HELPER" $opt $FLOW4 delflow) || fail "$mode: delflow run failed"
	echo "$out" | grep -q 'second delete: the guard has no flow 198.18.0.2:80 > 198.18.0.1:40000' ||
	    fail "$mode: deleting a missing flow: $out"
	echo "$out" | grep -q "elements" && fail "$mode: the flow stayed after delete: $out"
	out=$(in_a "$HELPER" $opt 2001:db8::1 40000 2001:db8::2 80 delflow) ||
	    fail "$mode: IPv6 delflow run failed"
	echo "$out" | grep -q 'no flow \[2001:db8::2\]:80 > \[2001:db8::1\]:40000' ||
	    fail "$mode: deleting a missing IPv6 flow: $out"
	no_tables "$mode, after delflow"
done

# kill -9: the kernel removes an owned table; an unowned one stays until the
# next guard opens.
start_helper $FLOW4 wait
end_by KILL 137
no_tables "owned, after SIGKILL"

start_helper --no-owner $FLOW4 wait
dead=$HPID
end_by KILL 137
[ "$(tables)" = "tcpshake_$dead" ] || fail "unowned, after SIGKILL: tables: $(tables)"
in_a "$HELPER" 198.18.0.1 40001 198.18.0.2 80 close >/dev/null ||
    fail "the next helper run failed"
no_tables "the next guard_open did not remove the dead process's table"

# tcpshake guard --list and --flush.
out=$(in_a "$TCPSHAKE" guard --list) || fail "guard --list failed"
[ "$out" = "no tcpshake tables in this network namespace" ] ||
    fail "guard --list with no tables: $out"

# (The live one first: a guard opening removes dead tables.)
start_helper --no-owner 198.18.0.1 40002 198.18.0.2 80 wait
live=$HPID
start_helper --no-owner $FLOW4 wait
dead=$HPID
end_by KILL 137
out=$(in_a "$TCPSHAKE" guard --list) || fail "guard --list failed"
echo "$out" | grep -q "^tcpshake_$dead: pid $dead, dead" || fail "--list, dead one: $out"
echo "$out" | grep -q "^tcpshake_$live: pid $live, alive" || fail "--list, live one: $out"
echo "$out" | grep -q "elements = { $ELEM4 }" || fail "--list shows no rules: $out"
echo "$out" | grep -q "@in4 drop" || fail "--list shows no rules: $out"

out=$(in_a "$TCPSHAKE" guard --flush) || fail "guard --flush failed"
echo "$out" | grep -q "^removed tcpshake_$dead (pid $dead, dead)" || fail "--flush: $out"
echo "$out" | grep -q "^kept tcpshake_$live: pid $live is alive" || fail "--flush: $out"
echo "$out" | grep -q '^removed 1 tcpshake table$' || fail "--flush count: $out"
[ "$(tables)" = "tcpshake_$live" ] || fail "--flush removed a live table: $(tables)"

out=$(in_a "$TCPSHAKE" guard --flush --all) || fail "guard --flush --all failed"
echo "$out" | grep -q "^removed tcpshake_$live (pid $live, alive)" || fail "--flush --all: $out"
no_tables "after --flush --all"
HPID=$live
end_by TERM 143

# An owned table cannot be removed by another process; it goes with its owner.
start_helper $FLOW4 wait
out=$(in_a "$TCPSHAKE" guard --list) || fail "guard --list failed"
echo "$out" | grep -q "^tcpshake_$HPID: pid $HPID, alive (owner: the table goes when it ends)" ||
    fail "--list, owned table: $out"
out=$(in_a "$TCPSHAKE" guard --flush --all) || fail "guard --flush --all failed"
echo "$out" | grep -q "^kept tcpshake_$HPID: its owner, pid $HPID, is running" ||
    fail "--flush --all on an owned table: $out"
echo "$out" | grep -q '^removed 0 tcpshake tables$' || fail "--flush --all count: $out"
end_by TERM 143
no_tables "owned, after --flush --all and SIGTERM"

in_a "$TCPSHAKE" guard >/dev/null 2>&1
[ $? = 2 ] || fail "guard without --list or --flush did not exit 2"

# --- Without root: one line naming the need, exit 2.
nobody() { in_a setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# A build tree closed to others (under /root, say): run copies instead.
NTCPSHAKE=$TCPSHAKE
NHELPER=$HELPER
if ! nobody test -x "$TCPSHAKE" || ! nobody test -x "$HELPER"; then
	mkdir "$TMP"/pub && cp "$TCPSHAKE" "$HELPER" "$TMP"/pub/ &&
	    chmod 755 "$TMP" "$TMP"/pub || fail "cannot copy the programs for nobody"
	NTCPSHAKE=$TMP/pub/$(basename "$TCPSHAKE")
	NHELPER=$TMP/pub/$(basename "$HELPER")
fi
nobody "$NTCPSHAKE" guard --list >"$TMP"/out 2>"$TMP"/err
[ $? = 2 ] || fail "guard --list as nobody did not exit 2"
[ "$(cat "$TMP"/err)" = "tcpshake: the guard needs root or CAP_NET_ADMIN" ] ||
    fail "guard --list as nobody: $(cat "$TMP"/err)"
nobody "$NTCPSHAKE" guard --flush >"$TMP"/out 2>"$TMP"/err
[ $? = 2 ] || fail "guard --flush as nobody did not exit 2"
nobody "$NHELPER" $FLOW4 close >"$TMP"/out 2>"$TMP"/err
[ $? = 2 ] || fail "the guard as nobody did not exit 2"
[ "$(cat "$TMP"/err)" = "tcpshake: the guard needs root or CAP_NET_ADMIN (or run with --no-guard)" ] ||
    fail "the guard as nobody: $(cat "$TMP"/err)"

# --- Without nftables in the kernel (faked: its netlink sockets cannot be
# --- opened): one line saying so and naming --no-guard, exit 2.
in_a "$HELPER" --no-nft $FLOW4 close >"$TMP"/out 2>"$TMP"/err
st=$?
if [ $st = 77 ]; then
	echo "guard.sh: $(cat "$TMP"/err); not checking that line" >&2
else
	[ $st = 2 ] || fail "the guard without nftables: status $st, want 2"
	[ "$(cat "$TMP"/err)" = "tcpshake: cannot add nftables table: cannot open a netfilter netlink socket: Protocol not supported (the kernel lacks nftables? run with --no-guard and drop the kernel's RSTs yourself)" ] ||
	    fail "the guard without nftables: $(cat "$TMP"/err)"
fi
no_tables "after the run without nftables"

# --- The guard at work: A (198.18.0.1, 2001:db8::1) sends raw SYNs to a
# --- listener in B (198.18.0.2, 2001:db8::2); A's kernel answers the SYN-ACK
# --- with RST, unless the guard drops it for that flow.
in_a ip link add a0 type veth peer name b0 netns "$B" || fail "cannot add veth"
in_a ip addr add 198.18.0.1/24 dev a0
in_a ip addr add 2001:db8::1/64 dev a0 nodad
in_b ip addr add 198.18.0.2/24 dev b0
in_b ip addr add 2001:db8::2/64 dev b0 nodad
in_a ip link set a0 up
in_b ip link set b0 up
# Static neighbours: a SYN waiting on neighbour discovery could miss the
# capture's window.
amac=$(in_a cat /sys/class/net/a0/address)
bmac=$(in_b cat /sys/class/net/b0/address)
in_a ip neigh replace 198.18.0.2 lladdr "$bmac" dev a0 nud permanent
in_a ip neigh replace 2001:db8::2 lladdr "$bmac" dev a0 nud permanent
in_b ip neigh replace 198.18.0.1 lladdr "$amac" dev b0 nud permanent
in_b ip neigh replace 2001:db8::1 lladdr "$amac" dev b0 nud permanent

cat >"$TMP"/listen.py <<'EOF'
import socket, time
for fam, addr in ((socket.AF_INET, "198.18.0.2"), (socket.AF_INET6, "2001:db8::2")):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.bind((addr, 80))
    s.listen(16)
    globals()["keep_" + str(fam)] = s
time.sleep(60)
EOF
cat >"$TMP"/syn.py <<'EOF'
# syn.py SRC SPORT DST DPORT: one SYN through a raw socket.
import socket, struct, sys
src, sport, dst, dport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
tcp = struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, 5 << 4, 0x02, 64240, 0, 0)
if fam == socket.AF_INET:
    pseudo = socket.inet_pton(fam, src) + socket.inet_pton(fam, dst) + struct.pack("!BBH", 0, 6, len(tcp))
else:
    pseudo = socket.inet_pton(fam, src) + socket.inet_pton(fam, dst) + struct.pack("!IxxxB", len(tcp), 6)
data = pseudo + tcp
s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
while s >> 16:
    s = (s & 0xffff) + (s >> 16)
tcp = tcp[:16] + struct.pack("!H", ~s & 0xffff) + tcp[18:]
r = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_TCP)
r.bind((src, 0))
r.sendto(tcp, (dst, 0))
EOF
ip netns exec "$B" python3 "$TMP"/listen.py &
echo $! >>"$TMP"/pids
i=0
until [ "$(in_b ss -Hltn 'sport = :80' | wc -l)" = 2 ]; do
	i=$((i + 1)); [ $i -le 100 ] || fail "listener in $B did not start"
	sleep 0.05
done

# capture SPORT...: SYNs from those ports of A, and what follows, as
# tcpdump prints it; SYN-ACKs are retransmitted after 1 s, so 1.5 s shows
# both the first and the RST it gets.
capture() {
	rm -f "$TMP"/tcpdump.err	# the last capture's "listening on" must not count
	ip netns exec "$A" tcpdump -i a0 -nn -U -w "$TMP"/cap.pcap tcp 2>"$TMP"/tcpdump.err &
	tpid=$!
	echo $tpid >>"$TMP"/pids
	i=0
	until grep -q 'listening on' "$TMP"/tcpdump.err; do
		i=$((i + 1)); [ $i -le 100 ] || fail "tcpdump did not start"
		sleep 0.05
	done
	for f in "$@"; do
		in_a python3 "$TMP"/syn.py $f || fail "cannot send a SYN: $f"
	done
	sleep 1.5
	kill -TERM $tpid
	wait $tpid
	tcpdump -nn -r "$TMP"/cap.pcap 2>/dev/null
}

# Without a guard, A's kernel answers with RST.
out=$(capture "198.18.0.1 40000 198.18.0.2 80" "2001:db8::1 40000 2001:db8::2 80")
echo "$out" | grep -q '198.18.0.2.80 > 198.18.0.1.40000: Flags \[S.\]' ||
    fail "no SYN-ACK without the guard: $out"
echo "$out" | grep -q '198.18.0.1.40000 > 198.18.0.2.80: Flags \[R\]' ||
    fail "no kernel RST without the guard (the test cannot see the guard work): $out"
echo "$out" | grep -q '2001:db8::1.40000 > 2001:db8::2.80: Flags \[R\]' ||
    fail "no kernel RST without the guard over IPv6: $out"

# With the guard for port 40001, the SYN-ACKs still reach the capture and no
# RST leaves A; port 40002, not guarded, still gets its RST.
for mode in owned unowned; do
	opt=
	[ $mode = unowned ] && opt=--no-owner
	for pair in "198.18.0.1 198.18.0.2" "2001:db8::1 2001:db8::2"; do
		l=${pair% *}
		r=${pair#* }
		start_helper $opt "$l" 40001 "$r" 80 wait
		out=$(capture "$l 40001 $r 80" "$l 40002 $r 80")
		end_by TERM 143
		echo "$out" | grep -q "$r.80 > $l.40001: Flags \[S.\]" ||
		    fail "$mode: the capture lost the SYN-ACK under the guard: $out"
		echo "$out" | grep -q "$l.40001 > .*Flags \[R" &&
		    fail "$mode: the kernel sent RST despite the guard: $out"
		echo "$out" | grep -q "$l.40002 > $r.80: Flags \[R\]" ||
		    fail "$mode: the guard dropped a flow it was not given: $out"
	done
	no_tables "$mode, after the functional runs"
done
exit 0
