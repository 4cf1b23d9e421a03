#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# probe-interrupt.sh: Ctrl-C (SIGINT) or SIGTERM between two probes stops
# the run without sending another one: the target's capture holds exactly
# the probes sent before the signal, and the summary still comes.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/probe-lib.sh"
need_root
probe_lab_start

for sig in INT TERM; do
	server_capture_start "$TMP/$sig.pcap"
	# One probe a second: two go out (at 0 and 1 s), the signal comes
	# at about 1.5 s, the third is due at 2 s.
	ip netns exec "$LAB-c" "$TCPSHAKE" probe -S -p 80 -c 10 -i 1 \
	    198.18.0.2 >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	sleep 1.5
	kill -"$sig" "$pid"
	rc=0
	wait "$pid" || rc=$?
	sleep 0.3
	server_capture_stop
	n=$(tcpdump -r "$TMP/$sig.pcap" -nn 'tcp[tcpflags] == tcp-syn and dst port 80' 2>/dev/null | wc -l)
	[ "$n" = 2 ] || { show "$TMP/out" "$TMP/err"; fail "SIG$sig: $n probes reached the target, want 2"; }
	grep -q '^--- ' "$TMP/out" || { show "$TMP/out" "$TMP/err"; fail "SIG$sig: no summary"; }
	# Both answered: the status says so, as for a run that ended.
	[ "$rc" = 0 ] || { show "$TMP/out" "$TMP/err"; fail "SIG$sig: exit $rc"; }
done
exit 0
