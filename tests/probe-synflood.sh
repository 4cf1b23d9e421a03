#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# probe-synflood.sh: --source-range forges each SYN's source from a prefix
# of the lab's ranges (and refuses any other with one line); a bounded
# flood fills a small listener's half-open queue (SYN_RECV, read with ss
# in the server namespace) with tcp_syncookies=0, and with syncookies on
# the target answers every SYN with a cookie, keeping no state for it.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/probe-lib.sh"
need_root
probe_lab_start --no-serve --sysctl net.ipv4.tcp_synack_retries=1

# The forged sources route back into the client namespace, so their
# SYN-ACKs reach the prober's capture (and nothing there answers them).
in_server ip route add 198.18.100.0/24 via 198.18.0.1 ||
    fail "cannot route 198.18.100.0/24 back"
in_server ip -6 route add 2001:db8:100::/48 via 2001:db8::1 ||
    fail "cannot route 2001:db8:100::/48 back"
SERVE_PIDS=
trap 'for p in $SERVE_PIDS; do kill "$p" 2>/dev/null; done;
    server_capture_stop; lab_stop; rm -rf "$TMP"' EXIT INT TERM HUP

# A listener with a backlog of 16 on PORT.
small_listener() {
	in_server "$TCPSHAKE" serve --port "$1" --backlog 16 \
	    >/dev/null 2>&1 </dev/null &
	SERVE_PIDS="$SERVE_PIDS $!"
	server_wait_listen "$1"
}

half_open() {
	in_server ss -Htn state syn-recv "( sport = :$1 )" | wc -l
}

# nstat's counter NAME since the last call (nstat keeps the history).
counter() {
	in_server nstat -z "$1" | awk -v n="$1" '$1 == n { print $2 }'
}

# Refusals: outside the lab's ranges, not a prefix, the wrong family.
for bad in 10.0.0.0/8 198.20.0.0/16 2001:db9::/32; do
	probe_run --source-range "$bad" -p 80 198.18.0.2
	[ "$RC" = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] &&
	    grep -q "forged sources must lie inside the lab's 198.18.0.0/15 or 2001:db8::/32" "$TMP/err" ||
	    { cat "$TMP/err" >&2; fail "--source-range $bad: not refused with one line"; }
done
probe_run --source-range 198.18.100.0 -p 80 198.18.0.2
[ "$RC" = 2 ] && grep -q "not a prefix" "$TMP/err" || fail "prefix without length"
probe_run --source-range 2001:db8:100::/48 -p 80 198.18.0.2
[ "$RC" = 2 ] && grep -q "give a prefix of the target's family" "$TMP/err" ||
    fail "IPv6 range for an IPv4 target: $(cat "$TMP/err")"

# Each SYN leaves from another address of the prefix (the target's own
# capture says so).
small_listener 87
server_capture_start "$TMP/server.pcap"
probe_run --source-range 198.18.100.0/24 -c 20 -i 1ms --timeout 200ms -p 87 198.18.0.2
server_capture_stop
nsrc=$(server_capture_text | sed -nE 's/.* (198\.18\.100\.[0-9]+)\.[0-9]+ > 198\.18\.0\.2\.87: Flags \[S\],.*/\1/p' | sort -u | wc -l)
[ "$nsrc" -ge 10 ] || fail "20 SYNs came from $nsrc source addresses, want at least 10"
server_capture_text | grep -E ' > 198\.18\.0\.2\.87: Flags \[S\]' |
    grep -vqE ' 198\.18\.100\.[0-9]+\.[0-9]+ > ' && fail "a SYN left from outside the prefix"

# tcp_syncookies=0: 100 SYNs at 2000 a second; the queue holds the
# backlog's worth (16, and one more: Linux checks "more than") and the
# rest are dropped unanswered.
in_server sysctl -qw net.ipv4.tcp_syncookies=0
small_listener 88
probe_run -q --source-range 198.18.100.0/24 -c 100 --rate 2000 --timeout 300ms -p 88 198.18.0.2
n=$(half_open 88)
[ "$n" -ge 16 ] && [ "$n" -le 17 ] || fail "syncookies=0: $n in SYN_RECV, want 16 or 17"
expect_line "^--- 198\.18\.0\.2 port 88: 100 sent, 1[67] received, 8[34] lost"

# tcp_syncookies=1: the queue fills the same way, then cookies answer
# every other SYN: all 100 answered, still at most 17 half-open sockets.
in_server sysctl -qw net.ipv4.tcp_syncookies=1
small_listener 89
counter TcpExtSyncookiesSent >/dev/null
probe_run -q --source-range 198.18.100.0/24 -c 100 --rate 2000 --timeout 300ms -p 89 198.18.0.2
n=$(half_open 89)
[ "$n" -ge 16 ] && [ "$n" -le 17 ] || fail "syncookies=1: $n in SYN_RECV, want 16 or 17"
expect_line "^--- 198\.18\.0\.2 port 89: 100 sent, 100 received, 0 lost"
c=$(counter TcpExtSyncookiesSent)
[ "$c" -ge 83 ] && [ "$c" -le 84 ] || fail "syncookies=1: $c cookies sent, want 83 or 84"

# tcp_syncookies=2: cookies always, no state at all; over IPv6 too.
# Neighbour discovery needs the client's link-local address, which is
# tentative (DAD) for about a second after lab up: until then no
# solicitation leaves and the first packets to 2001:db8::2 are dropped.
i=0
while in_client ip -6 addr show dev c0 tentative | grep -q inet6; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "c0's IPv6 addresses stay tentative"
	sleep 0.05
done
in_server sysctl -qw net.ipv4.tcp_syncookies=2
small_listener 90
probe_run -q --source-range 2001:db8:100::/48 -c 100 --rate 2000 --timeout 300ms -p 90 2001:db8::2
[ "$(half_open 90)" = 0 ] || fail "syncookies=2: $(half_open 90) in SYN_RECV, want 0"
expect_line "^--- 2001:db8::2 port 90: 100 sent, 100 received, 0 lost"
# read -e on a real cookie: with tcp_timestamps=2 (no per-connection TS
# offset) the SYN-ACK's TS val keeps the SYN's wscale and SACK in its low
# 6 bits, and read -e recognises them.
in_server sysctl -qw net.ipv4.tcp_timestamps=2
probe_run -w "$TMP/cookie.pcap" --mss 1460 --sackok --ts 100:0 --nop \
    --wscale 7 -p 90 198.18.0.2
"$TCPSHAKE" read -e "$TMP/cookie.pcap" >"$TMP/cookie.txt" ||
    fail "read -e of the cookie capture failed"
grep -q "SYN cookie? TS val's low 6 bits are 23: wscale 7, SACK on, ECN off" "$TMP/cookie.txt" || {
	cat "$TMP/cookie.txt" >&2
	fail "read -e did not recognise the SYN cookie"
}
exit 0
