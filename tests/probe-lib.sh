# SPDX-License-Identifier: GPL-2.0-or-later
# tests/probe-lib.sh: sourced by the probe-*.sh tests after lib.sh: a lab
# with a scratch directory, and a tcpdump capture in the server namespace
# (the target's own view of what the prober sent).

# Lab up, scratch dir made; both go away however the test ends.
probe_lab_start() {
	lab_start "$@"
	TMP=$(mktemp -d)
	trap 'server_capture_stop; lab_stop; rm -rf "$TMP"' EXIT INT TERM HUP
}

# Start tcpdump on s0 writing $1 (nanosecond stamps); return once it
# listens, so nothing the test sends next is missed.
server_capture_start() {
	CAP_FILE=$1
	rm -f "$CAP_FILE.log"	# a last capture's "listening on" must not count
	# Not through in_server: $! must be tcpdump itself (ip execs it),
	# and a shell function run in the background would be a subshell.
	ip netns exec "$LAB-s" tcpdump -i s0 -nn -U --immediate-mode --time-stamp-precision=nano \
	    -w "$CAP_FILE" 'tcp or icmp or icmp6' 2>"$CAP_FILE.log" &
	CAP_PID=$!
	n=0
	until grep -q "listening on" "$CAP_FILE.log" 2>/dev/null; do
		n=$((n + 1))
		[ $n -le 100 ] || fail "tcpdump in the server namespace did not start: $(cat "$CAP_FILE.log")"
		sleep 0.05
	done
}

# Stop it and let it flush; safe to call when none runs.
server_capture_stop() {
	[ -n "${CAP_PID:-}" ] || return 0
	kill -TERM "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
}

# Print the capture as tcpdump sees it: absolute seq, verbose, ns stamps.
server_capture_text() {
	tcpdump -r "$CAP_FILE" -nn -S -v -tt --time-stamp-precision=nano \
	    2>/dev/null
}

# Run the prober in the client namespace; output in $TMP/out, status in $RC.
probe_run() {
	RC=0
	in_client "$TCPSHAKE" probe "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
}

# Fail unless the output has a line matching the extended regex $1.
expect_line() {
	grep -Eq -- "$1" "$TMP/out" || {
		cat "$TMP/out" "$TMP/err" >&2
		fail "no line matching '$1' in the probe's output"
	}
}
