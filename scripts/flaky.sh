#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/flaky.sh: run one scenario N times (default 20) against a fresh
# lab and report the pass count; a test of the tests. Needs root.
#   sh scripts/flaky.sh [-n N] [-k] [-b BUILDDIR] SCENARIO
#   sh scripts/flaky.sh [-n N] [-k] [-b BUILDDIR] [-f] -e EXERCISE
# -k keeps a capture of both veth ends for each failed run (in ./flaky-*);
# with -e, the output of each failed run.
# The lab: tcp_synack_retries=2, and the servers of the scenario's
# "lab serve ARGS" lines (tcpshake-scenario(5)); one lab for all N runs,
# the servers at real-time priority (as tests/run-lib.sh runs them).
# -e: a lab exercise (NN-name, of TCPSHAKE_LABS or the source tree's
# labs/), run N times as tests/labs.sh runs it: `tcpshake lab exercise
# --no-worksheet --quick` in a lab of its own each time (-f: in full, not
# --quick), and its worksheet checked against each run's output.
set -u
n=20 keep=0 build=_build exercise='' quick=--quick
usage() {
	echo "usage: flaky.sh [-n N] [-k] [-b BUILDDIR] SCENARIO | [-f] -e EXERCISE" >&2
	exit 2
}
while getopts n:kb:e:f o; do
	case $o in
	n) n=$OPTARG ;;
	k) keep=1 ;;
	b) build=$OPTARG ;;
	e) exercise=$OPTARG ;;
	f) quick= ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ "$(id -u)" = 0 ] || { echo "flaky.sh: needs root (namespaces, raw sockets)" >&2; exit 2; }
if [ -n "$exercise" ]; then
	[ $# = 0 ] || usage
	T=$(realpath "$build/tcpshake")
	top=$(cd "$(dirname "$0")/.." && pwd)
	dir=${TCPSHAKE_LABS:-$top/labs}
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT INT TERM HUP
	pass=0 i=0 fails=
	while [ $i -lt "$n" ]; do
		i=$((i + 1))
		: >"$tmp/check"
		if TCPSHAKE_LABS=$dir "$T" lab exercise --no-worksheet $quick "$exercise" \
		    >"$tmp/out" 2>&1 &&
		    sh "$top/scripts/worksheet-check.sh" $quick "$dir/$exercise.md" \
		    "$tmp/out" >"$tmp/check" 2>&1; then
			pass=$((pass + 1))
		else
			fails="$fails $i"
			if [ $keep = 1 ]; then
				mkdir -p "flaky-$exercise-$i"
				cat "$tmp/check" >>"$tmp/out" 2>/dev/null
				cp "$tmp/out" "flaky-$exercise-$i/"
				echo "run $i failed: see flaky-$exercise-$i" >&2
			fi
		fi
	done
	echo "$exercise: $pass/$n passed${fails:+ (failed: runs$fails)}"
	[ $pass = "$n" ]
	exit
fi
[ $# = 1 ] || usage
shake=$(realpath "$1")
T=$(realpath "$build/tcpshake")
LAB=fk$$
tmp=$(mktemp -d)
pids=
stop() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	"$T" lab down --name "$LAB" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap stop EXIT INT TERM HUP
"$T" lab up --name "$LAB" --no-serve \
    --sysctl net.ipv4.tcp_synack_retries=2 >/dev/null || exit 2
# The scenario's own servers, from its "lab serve ..." lines (comments
# after them left out; their words have no quotes).
sed -n 's/^lab serve //p' "$shake" | sed 's/ *#.*//' >"$tmp/serve"
while read -r args; do
	# shellcheck disable=SC2086 # the line's words are the arguments
	ip netns exec "$LAB-s" "$T" serve $args --realtime >/dev/null 2>&1 </dev/null &
	pids="$pids $!"
done <"$tmp/serve"
sleep 0.5
pass=0 i=0
while [ $i -lt "$n" ]; do
	i=$((i + 1))
	if [ $keep = 1 ]; then
		ip netns exec "$LAB-c" tcpdump -i any -nn -U --immediate-mode -w "$tmp/c.pcap" \
		    tcp 2>"$tmp/c.err" &
		c=$!
		ip netns exec "$LAB-s" tcpdump -i any -nn -U --immediate-mode -w "$tmp/s.pcap" \
		    tcp 2>"$tmp/s.err" &
		s=$!
		until grep -q listening "$tmp/c.err" &&
		    grep -q listening "$tmp/s.err"; do
			sleep 0.05
		done
	fi
	if ip netns exec "$LAB-c" "$T" run -D LAB="$LAB" "$shake" >"$tmp/out" 2>&1; then
		pass=$((pass + 1))
		ok=1
	else
		ok=0
	fi
	if [ $keep = 1 ]; then
		sleep 0.2
		kill "$c" "$s"; wait "$c" "$s" 2>/dev/null
		if [ $ok = 0 ]; then
			d=flaky-$LAB-$i
			mkdir -p "$d"
			cp "$tmp/out" "$tmp/c.pcap" "$tmp/s.pcap" "$d/"
			echo "run $i failed: see $d" >&2
		fi
	fi
done
echo "$(basename "$shake"): $pass/$n passed"
[ $pass = "$n" ]
