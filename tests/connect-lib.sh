# SPDX-License-Identifier: GPL-2.0-or-later
# tests/connect-lib.sh: sourced by the connect-*.sh tests after lib.sh: a
# lab with a scratch directory, the prober run in the client namespace, a
# tcpdump capture in the server namespace (the target's own view), and
# checks on the prober's output and the target's sockets.

lab_name() { lab_name_as k connect-; }

# Lab up (arguments go to `lab up`), scratch dir made; both go away
# however the test ends.
connect_lab_start() {
	lab_start "$@"
	TMP=$(mktemp -d)
	trap 'server_capture_stop; lab_stop; rm -rf "$TMP"' EXIT INT TERM HUP
}

# Run connect in the client namespace; output in $TMP/out, errors in
# $TMP/err, exit status in $RC.
connect_run() {
	RC=0
	in_client "$TCPSHAKE" connect "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
}


# Fail unless connect exited $1.
expect_rc() {
	[ "$RC" = "$1" ] || {
		show "$TMP/out" "$TMP/err"
		fail "connect exited $RC, want $1"
	}
}

# Fail unless the output has a line matching the extended regex $1.
expect_line() {
	grep -Eq -- "$1" "$TMP/out" || {
		show "$TMP/out" "$TMP/err"
		fail "no line matching '$1' in connect's output"
	}
}

# Fail if the output has a line matching $1.
expect_no_line() {
	! grep -Eq -- "$1" "$TMP/out" || {
		show "$TMP/out" "$TMP/err"
		fail "a line matches '$1' in connect's output"
	}
}

# How many lines match $1.
count_lines() {
	grep -Ec -- "$1" "$TMP/out"
}

# The prober's source port, from its first SYN.
prober_port() {
	sed -nE 's/.* SENT [^ ]+:([0-9]+) > .* S [0-9]+:.*/\1/p' "$TMP/out" |
	    head -n 1
}

# The target's sockets to the prober's port $1 (ss -tan, no header).
server_sockets() {
	in_server ss -tanH | grep -E "[]:.]$1( |\$)" || true
}

# No guard table left in the client namespace.
expect_no_guard_table() {
	t=$(in_client nft list tables 2>&1 | grep tcpshake_ || true)
	[ -z "$t" ] || fail "guard table left behind $1: $t"
}

# tcpdump on s0 writing $1; return once it listens.
server_capture_start() {
	CAP_FILE=$1
	rm -f "$CAP_FILE.log"	# a last capture's "listening on" must not count
	# Not through in_server: a function in the background is a subshell,
	# and $! would name it rather than tcpdump.
	ip netns exec "$LAB-s" tcpdump -i s0 -nn -U --immediate-mode \
	    -w "$CAP_FILE" 'tcp' 2>"$CAP_FILE.log" &
	CAP_PID=$!
	n=0
	until grep -q "listening on" "$CAP_FILE.log" 2>/dev/null; do
		n=$((n + 1))
		[ $n -le 100 ] || fail "tcpdump in the server namespace did not start: $(cat "$CAP_FILE.log")"
		sleep 0.05
	done
}

server_capture_stop() {
	[ -n "${CAP_PID:-}" ] || return 0
	# Let it write what it holds. TERM, not INT: a background job of a
	# script ignores SIGINT.
	sleep 0.2
	kill -TERM "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
}

# The capture as tcpdump prints it: absolute numbers, verbose.
server_capture_text() {
	tcpdump -r "$CAP_FILE" -nn -S -v 2>/dev/null
}

# Start `tcpshake serve ARGS` in the server namespace and wait until its
# port ($1) listens.
serve_start() {
	port=$1
	shift
	in_server "$TCPSHAKE" serve --port "$port" "$@" >"$TMP/serve-$port.log" 2>&1 &
	n=0
	until in_server ss -tlnH | grep -q ":$port "; do
		n=$((n + 1))
		[ $n -le 100 ] || fail "serve on port $port did not start: $(cat "$TMP/serve-$port.log")"
		sleep 0.05
	done
}
