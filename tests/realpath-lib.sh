# SPDX-License-Identifier: GPL-2.0-or-later
# tests/realpath-lib.sh: sourced by the realpath-*.sh tests after lib.sh:
# a plain veth pair made with ip (not `tcpshake lab`), its offloads as the
# kernel sets them unless a test changes them, servers started in the
# server namespace, and everything removed on every exit path.

# Names carry the pid: namespaces pNc and pNs, veth ends pNa and pNb.
RP=p$$
RP_C=${RP}c
RP_S=${RP}s
RP_V4=198.18.74
RP_V6=2001:db8:74:
RP_PIDS=

rp_stop() {
	for p in $RP_PIDS; do kill "$p" 2>/dev/null; done
	for p in $RP_PIDS; do wait "$p" 2>/dev/null; done
	# Whatever the servers forked (an sshd child per connection).
	for p in $(ip netns pids "$RP_S" 2>/dev/null); do
		kill -9 "$p" 2>/dev/null
	done
	ip netns del "$RP_C" 2>/dev/null
	ip netns del "$RP_S" 2>/dev/null
	[ -n "${TMP:-}" ] && rm -rf "$TMP"
	RP_PIDS=
}

rp_start() {
	TMP=$(mktemp -d)
	trap 'rp_stop' EXIT
	trap 'exit 1' INT TERM HUP
	ip netns add "$RP_C" && ip netns add "$RP_S" &&
	ip link add "${RP}a" netns "$RP_C" type veth peer name "${RP}b" \
	    netns "$RP_S" || fail "cannot make the veth pair"
	for side in c s; do
		ns=$RP$side
		[ $side = c ] && n=1 dev=${RP}a || n=2 dev=${RP}b
		ip -n "$ns" link set lo up
		ip -n "$ns" addr add "$RP_V4.$n/24" dev "$dev"
		ip -n "$ns" addr add "$RP_V6:$n/64" dev "$dev" nodad
		ip -n "$ns" link set "$dev" up
	done
	i=0
	until in_client ip link show "${RP}a" | grep -q LOWER_UP; do
		i=$((i + 1))
		[ $i -lt 50 ] || fail "veth ${RP}a did not come up"
		sleep 0.1
	done
}

in_client() { ip netns exec "$RP_C" "$@"; }
in_server() { ip netns exec "$RP_S" "$@"; }

# Offloads on both ends: "on" (checksum, TSO, GSO and GRO) or "off".
rp_offloads() {
	in_client ethtool -K "${RP}a" tx "$1" tso "$1" gso "$1" gro "$1" \
	    >/dev/null 2>&1 || fail "ethtool -K ${RP}a $1 failed"
	in_server ethtool -K "${RP}b" tx "$1" tso "$1" gso "$1" gro "$1" \
	    >/dev/null 2>&1 || fail "ethtool -K ${RP}b $1 failed"
}

# Start a server in the server namespace (output in $TMP/NAME.log) and
# wait until it listens on PORT: rp_serve NAME PORT CMD ARGS...
rp_serve() {
	name=$1 port=$2
	shift 2
	in_server "$@" >"$TMP/$name.log" 2>&1 </dev/null &
	RP_PIDS="$RP_PIDS $!"
	i=0
	until in_server ss -ltnH "( sport = :$port )" | grep -q LISTEN; do
		i=$((i + 1))
		[ $i -lt 100 ] || { show "$TMP/$name.log"; fail "$name did not listen on port $port"; }
		sleep 0.1
	done
}

# Stop the servers started so far (the namespaces stay).
rp_serve_stop() {
	for p in $RP_PIDS; do kill "$p" 2>/dev/null; done
	for p in $RP_PIDS; do wait "$p" 2>/dev/null; done
	RP_PIDS=
}

# tcpshake CMD ARGS in the client namespace: output in $TMP/out, errors in
# $TMP/err, exit status in $RC.
rp_run() {
	RC=0
	in_client "$TCPSHAKE" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
}

# Fail unless the last rp_run exited $1 (what: $2).
rp_rc() {
	[ "$RC" = "$1" ] || {
		show "$TMP/out" "$TMP/err"
		fail "$2: exited $RC, want $1"
	}
}

# Fail unless $TMP/out has a line matching the extended regex $1.
rp_line() {
	grep -Eq -- "$1" "$TMP/out" || {
		show "$TMP/out" "$TMP/err"
		fail "$2: no line matching '$1'"
	}
}

# Fail if $TMP/out has a line matching $1.
rp_no_line() {
	! grep -Eq -- "$1" "$TMP/out" || {
		show "$TMP/out" "$TMP/err"
		fail "$2: a line matching '$1'"
	}
}
