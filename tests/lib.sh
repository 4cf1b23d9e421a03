# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lib.sh: sourced by the shell tests. Says why a test skips, names
# labs uniquely per test so tests can run in parallel, and tears down what
# a test made on every exit path.

: "${TCPSHAKE:=$top_builddir/tcpshake}"

# Exit 77 (automake's SKIP) unless root: raw sockets and namespaces need it.
need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: $(basename "$0") needs root (raw sockets, network namespaces); run 'make check' as root" >&2
		exit 77
	fi
}

# Print files on stderr, each under a "--- NAME" line. (The loop variable
# has a name of its own: sh has no locals, and callers loop over "$f".)
show() {
	for show_file in "$@"; do
		echo "--- $show_file" >&2
		cat "$show_file" >&2
	done
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# A short unique lab name: namespaces NAME-c and NAME-s. `tcpshake lab`
# takes at most 10 characters, so the test's name gives way to the pid,
# which is always whole (with pid_max 4194304, seven digits): parallel
# runs never collide. lab_name_as LETTER PREFIX: LETTER, then the test's
# name without PREFIX, then the pid.
lab_name_as() {
	echo "$1$(basename "$0" .sh | sed "s/^$2//" | tr -cd 'a-z0-9' |
	    cut -c1-$((9 - ${#$})))$$"
}
lab_name() { lab_name_as t ""; }

# Bring a lab up and remove it when the test exits, whatever the way.
lab_start() {
	LAB=$(lab_name)
	trap 'lab_stop' EXIT INT TERM HUP
	"$TCPSHAKE" lab up --name "$LAB" "$@" >/dev/null || fail "lab up $LAB failed"
}

lab_stop() {
	[ -n "${LAB:-}" ] && "$TCPSHAKE" lab down --name "$LAB" >/dev/null 2>&1
	LAB=
}

# run_lab_passes_as WHAT OUT ARGS...: `run --lab ARGS` passes (OUT keeps
# the output), or fails the test naming WHAT; a second try, said aloud,
# for a run that fails once under make check's load.
run_lab_passes_as() {
	what=$1 out=$2
	shift 2
	"$TCPSHAKE" run --lab "$@" >"$out" 2>&1 && return 0
	echo "$(basename "$0"): $what failed, trying again:" >&2
	show "$out"
	"$TCPSHAKE" run --lab "$@" >"$out" 2>&1 ||
	    { show "$out"; fail "$what does not pass"; }
}
# run_lab_passes FILE OUT: the same for FILE alone.
run_lab_passes() { run_lab_passes_as "$(basename "$1")" "$2" "$1"; }

# Run a command in the lab's client (prober) or server (target) namespace.
in_client() { ip netns exec "$LAB-c" "$@"; }
in_server() { ip netns exec "$LAB-s" "$@"; }

# Several labs in one test: labs_init makes $TMP and removes it and every
# lab made by lab_up_as (and tcpdumps in $CAPS) however the test ends.
labs_init() {
	TMP=$(mktemp -d)
	LABS=
	CAPS=
	trap 'labs_cleanup' EXIT INT TERM HUP
}

labs_cleanup() {
	for p in $CAPS; do kill "$p" 2>/dev/null; done
	for l in $LABS; do "$TCPSHAKE" lab down --name "$l" >/dev/null 2>&1; done
	rm -rf "$TMP"
}

# lab_up_as NAME ARGS...: lab up, its output in $TMP/up.NAME.
lab_up_as() {
	lab_up_name=$1
	shift
	LABS="$LABS $lab_up_name"
	"$TCPSHAKE" lab up --name "$lab_up_name" "$@" >"$TMP/up.$lab_up_name" 2>&1 ||
	    { show "$TMP/up.$lab_up_name"; fail "lab up --name $lab_up_name $*"; }
}

# Wait (up to 5 s) until something in the server namespace listens on TCP
# port $1.
server_wait_listen() {
	swl=0
	until in_server ss -Hltn "sport = :$1" | grep -q LISTEN; do
		swl=$((swl + 1))
		[ $swl -lt 100 ] || fail "nothing listens on port $1"
		sleep 0.05
	done
}
