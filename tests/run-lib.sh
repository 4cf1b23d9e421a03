# SPDX-License-Identifier: GPL-2.0-or-later
# tests/run-lib.sh: sourced by the run-*.sh tests after lib.sh: the lab
# every shipped scenario expects (tcp_synack_retries=2, an echo server on
# port 80, and the servers of the scenarios' "lab serve" lines on 81, 82
# and 84: one lab for them all, where run-lab.sh builds one per file), a
# scratch directory, and `tcpshake run` in the client namespace.

lab_name() { lab_name_as r run-; }

SERVE_PIDS=
run_lab_stop() {
	for p in $SERVE_PIDS; do kill "$p" 2>/dev/null; done
	lab_stop
	rm -rf "$TMP"
}

# The lab (arguments go to `lab up`), plus one server per port that a
# scenario's comment names. The servers run at real-time priority: a
# scenario's "+0 > P." from an echo needs the server process on a CPU
# within the tolerance, which a loaded machine does not give a normal one
# (scripts/flaky.sh under load: 13 of 150 runs of the two-flows case late
# without it, 1 of 150 with it).
run_lab_start() {
	lab_start --sysctl net.ipv4.tcp_synack_retries=2 \
	    --serve "--port 80 --realtime" "$@"
	TMP=$(mktemp -d)
	trap 'run_lab_stop' EXIT INT TERM HUP
	run_serve 81 --mode close-first bye
	run_serve 82 --mode write-after-eof tail --eof-delay 500ms
	run_serve 84 --mode close-after 5
	for port in 81 82 84; do
		i=0
		until in_server ss -ltn "( sport = :$port )" | grep -q LISTEN; do
			i=$((i + 1))
			[ $i -lt 50 ] || fail "server on port $port did not start"
			sleep 0.1
		done
	done
}

run_serve() {
	port=$1
	shift
	in_server "$TCPSHAKE" serve --port "$port" --realtime "$@" \
	    >"$TMP/serve$port.log" 2>&1 </dev/null &
	SERVE_PIDS="$SERVE_PIDS $!"
}

# `tcpshake run ARGS` in the client namespace: output in $TMP/out, errors
# in $TMP/err, exit status in $RC.
run_run() {
	RC=0
	in_client "$TCPSHAKE" run -D LAB="$LAB" "$@" >"$TMP/out" \
	    2>"$TMP/err" || RC=$?
}


expect_rc() {
	[ "$RC" = "$1" ] || {
		show "$TMP/out" "$TMP/err"
		fail "$2: run exited $RC, want $1"
	}
}

# Fail unless $TMP/out has the fixed string $1.
expect_out() {
	grep -qF -- "$1" "$TMP/out" || {
		show "$TMP/out" "$TMP/err"
		fail "$2: no line with: $1"
	}
}
