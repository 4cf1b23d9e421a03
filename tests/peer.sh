#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/peer.sh: peer.c reads the lab target's own socket states through
# sock_diag: LISTEN, SYN_RECEIVED, ESTABLISHED, TIME_WAIT, CLOSED, IPv6.
. "$top_srcdir/tests/lib.sh"
need_root

PT=$top_builddir/tests/peer-test
lab_start
tmp=$(mktemp -d)
trap 'lab_stop; rm -rf "$tmp"' EXIT INT TERM HUP
S=$LAB-s

# The client: connect from SPORT to HOST PORT, touch $tmp/up.SPORT, then
# "hold" until $tmp/stop.SPORT appears (10 s at most) or "eof" read until
# the server closes; then close.
cat >"$tmp/client.py" <<'EOF'
import os, socket, sys, time
host, port, sport, mode, tmp = sys.argv[1:6]
fam = socket.AF_INET6 if ':' in host else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('', int(sport)))
s.settimeout(5)
s.connect((host, int(port)))
open(os.path.join(tmp, 'up.' + sport), 'w').close()
if mode == 'eof':
    while s.recv(4096):
        pass
else:
    end = time.time() + 10
    while time.time() < end and not os.path.exists(
            os.path.join(tmp, 'stop.' + sport)):
        time.sleep(0.02)
s.close()
EOF

# client HOST PORT SPORT MODE: start it in the background, wait until up.
client() {
	in_client python3 "$tmp/client.py" "$1" "$2" "$3" "$4" "$tmp" &
	i=0
	while [ ! -e "$tmp/up.$3" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || fail "client from port $3 to $1:$2 did not connect"
		sleep 0.05
	done
}

# expect WANT ARGS...: peer-test ARGS prints WANT (polled for 3 s, since
# the target's kernel moves on its own time).
expect() {
	want=$1
	shift
	i=0
	while got=$("$PT" "$@") || fail "peer-test $* failed"; \
	    [ "$got" != "$want" ]; do
		i=$((i + 1))
		[ $i -le 60 ] || fail "peer-test $*: got '$got', want '$want'"
		sleep 0.05
	done
}

# The echo server listens on [::]:80, dual-stack: both families see it.
expect LISTEN "$S" 198.18.0.2 80
expect LISTEN "$S" 2001:db8::2 80
expect LISTEN "$S" 0.0.0.0 80
[ "$("$PT" "$S" 198.18.0.2 81)" = CLOSED ] || fail "port 81 is not CLOSED"
# The client's namespace has no listener on 80.
[ "$("$PT" "$LAB-c" 198.18.0.1 80)" = CLOSED ] ||
	fail "the client namespace shows a listener on 80"
# No such connection.
[ "$("$PT" "$S" 198.18.0.2 80 198.18.0.1 40001)" = CLOSED ] ||
	fail "an unmade 4-tuple is not CLOSED"

# A connection held open, IPv4 (through the :: listener's mapped address).
client 198.18.0.2 80 40001 hold
expect ESTABLISHED "$S" 198.18.0.2 80 198.18.0.1 40001
[ "$("$PT" -c "$S" 198.18.0.2 80 198.18.0.1 40001)" = \
    "ESTABLISHED changed unchanged" ] ||
	fail "peer_changed does not report a first state once"
# Other ports of the same pair are not this connection.
[ "$("$PT" "$S" 198.18.0.2 80 198.18.0.1 40002)" = CLOSED ] ||
	fail "another client port matched"
[ "$("$PT" "$S" 198.18.0.1 40001 198.18.0.2 80)" = CLOSED ] ||
	fail "the connection matched with its ends swapped"
# The client closes first: the server passes LAST_ACK and ends CLOSED
# (TIME_WAIT is on the client's side).
touch "$tmp/stop.40001"
expect TIME_WAIT "$LAB-c" 198.18.0.1 40001 198.18.0.2 80
expect CLOSED "$S" 198.18.0.2 80 198.18.0.1 40001

# IPv6.
client 2001:db8::2 80 40003 hold
expect ESTABLISHED "$S" 2001:db8::2 80 2001:db8::1 40003
[ "$("$PT" "$S" 198.18.0.2 80 198.18.0.1 40003)" = CLOSED ] ||
	fail "the IPv6 connection matched IPv4 addresses"
touch "$tmp/stop.40003"
expect CLOSED "$S" 2001:db8::2 80 2001:db8::1 40003

# A server that closes first keeps TIME_WAIT on its side.
in_server "$TCPSHAKE" serve --port 8082 --mode close-first bye \
    >"$tmp/serve.log" 2>&1 &
expect LISTEN "$S" 198.18.0.2 8082
client 198.18.0.2 8082 40004 eof
expect TIME_WAIT "$S" 198.18.0.2 8082 198.18.0.1 40004
client 2001:db8::2 8082 40005 eof
expect TIME_WAIT "$S" 2001:db8::2 8082 2001:db8::1 40005

# SYN_RECEIVED: the client's kernel never sees the SYN-ACK, so it never
# sends the final ACK; the target holds a request socket (the kernel's
# TCP_NEW_SYN_RECV), shown as SYN_RECEIVED.
in_client nft -f - <<'EOF' || fail "nft in the client namespace failed"
table inet peertest {
	chain in {
		type filter hook input priority 0; policy accept;
		tcp sport 80 tcp dport 40006 drop
	}
}
EOF
in_client python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("", 40006))
s.setblocking(False)
try:
    s.connect(("198.18.0.2", 80))
except BlockingIOError:
    pass
time.sleep(4)
' &
expect SYN_RECEIVED "$S" 198.18.0.2 80 198.18.0.1 40006
exit 0
