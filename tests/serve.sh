#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/serve.sh: each `tcpshake serve` mode does what it says, seen by a
# client in the lab's client namespace; errors end with one line, exit 2.
. "$top_srcdir/tests/lib.sh"
need_root

lab_start --no-serve
tmp=$(mktemp -d)
trap 'lab_stop; rm -rf "$tmp"' EXIT INT TERM HUP

# The client: connect to HOST PORT and run the actions, one output line
# for each that reports: send:TEXT sendn:N shut sleep:MS quiet:MS recv
# (to EOF: "data:BYTES" then eof|reset) recvn:N state big:N.
cat >"$tmp/client.py" <<'EOF'
import select, socket, sys, threading, time
host, port = sys.argv[1], int(sys.argv[2])
s = socket.create_connection((host, port), timeout=5)
STATES = {1: 'ESTABLISHED', 4: 'FIN_WAIT1', 5: 'FIN_WAIT2', 6: 'TIME_WAIT',
          7: 'CLOSE', 8: 'CLOSE_WAIT', 9: 'LAST_ACK', 11: 'CLOSING'}

def show(b):
    return 'data:' + repr(b)[2:-1]

def state():
    lport = s.getsockname()[1]
    for f in ('/proc/net/tcp', '/proc/net/tcp6'):
        for line in open(f).readlines()[1:]:
            p = line.split()
            if (int(p[1].split(':')[1], 16) == lport and
                    int(p[2].split(':')[1], 16) == port):
                return STATES.get(int(p[3], 16), p[3])
    return 'none'

for act in sys.argv[3:]:
    cmd, _, arg = act.partition(':')
    if cmd == 'send':
        s.sendall(arg.encode())
    elif cmd == 'sendn':
        s.sendall(b'x' * int(arg))
    elif cmd == 'shut':
        s.shutdown(socket.SHUT_WR)
    elif cmd == 'sleep':
        time.sleep(int(arg) / 1000)
    elif cmd == 'quiet':
        r, _, _ = select.select([s], [], [], int(arg) / 1000)
        print('not quiet' if r else 'quiet')
    elif cmd == 'recvn':
        out = b''
        while len(out) < int(arg):
            b = s.recv(int(arg) - len(out))
            if not b:
                break
            out += b
        print(show(out))
    elif cmd == 'recv':
        out, end = b'', 'eof'
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                out += b
        except ConnectionResetError:
            end = 'reset'
        except socket.timeout:
            end = 'timeout'
        print(show(out))
        print(end)
    elif cmd == 'state':
        print(state())
    elif cmd == 'big':
        n = int(arg)
        data = bytes(i % 251 for i in range(n))
        t = threading.Thread(target=s.sendall, args=(data,))
        t.start()
        got = b''
        while len(got) < n:
            b = s.recv(65536)
            if not b:
                break
            got += b
        t.join()
        print('big ok' if got == data else 'big got %d bytes' % len(got))
EOF

client() {
	in_client python3 "$tmp/client.py" "$@" 2>&1
}

# check WHAT GOT WANT
check() {
	[ "$2" = "$3" ] || fail "$1: got
$2
want
$3"
}

# serve_bg PORT ARGS...: serve in the server namespace, its output in
# $tmp/PORT.out, its pid in SERVE_PID.
serve_bg() {
	port=$1
	shift
	"$TCPSHAKE" lab exec --name "$LAB" --server \
	    "$TCPSHAKE" "$@" --port "$port" >"$tmp/$port.out" 2>&1 &
	SERVE_PID=$!
	server_wait_listen "$port"
}

serve_bg 7 serve --mode echo
check "echo" "$(client 198.18.0.2 7 send:hello shut recv)" "data:hello
eof"
check "echo over IPv6" "$(client 2001:db8::2 7 send:hi6 shut recv)" "data:hi6
eof"
# One client that sends much and never reads must not hold up another.
in_client python3 -c '
import socket, time
s = socket.create_connection(("198.18.0.2", 7))
s.setblocking(False)
try:
    while True:
        s.send(b"y" * 65536)
except BlockingIOError:
    pass
time.sleep(4)' &
hog=$!
sleep 0.5
check "echo beside a stuck client" "$(client 198.18.0.2 7 big:2000000)" \
    "big ok"
kill "$hog" 2>/dev/null
[ ! -s "$tmp/7.out" ] || fail "serve printed without -v: $(cat "$tmp/7.out")"

serve_bg 9 serve --mode discard
check "discard" "$(client 198.18.0.2 9 sendn:100000 shut recv)" "data:
eof"

serve_bg 21 serve --mode banner 'hi\r\n'
check "banner" "$(client 198.18.0.2 21 recvn:4 send:abc shut recv)" \
    'data:hi\r\n
data:abc
eof'

# close-after 5: the server closes once it has read 5 bytes, while we
# still have ours open (CLOSE_WAIT); bytes beyond 5 stay unread and the
# kernel resets the connection instead.
serve_bg 22 serve --mode close-after 5
check "close-after, exactly N" "$(client 198.18.0.2 22 send:12345 recv state)" \
    "data:
eof
CLOSE_WAIT"
check "close-after, early part" "$(client 198.18.0.2 22 send:123 quiet:300)" \
    "quiet"
check "close-after, more than N" \
    "$(client 198.18.0.2 22 send:1234567890 sleep:200 recv)" "data:
reset"

# write-after-eof: nothing until we shut down our sending side, then the
# text and the server's FIN.
serve_bg 23 serve --mode write-after-eof 'bye\n'
check "write-after-eof" \
    "$(client 2001:db8::2 23 send:abc quiet:300 shut recv)" "quiet
data:bye\n
eof"

# close-first: text and FIN at once, before we send or close anything.
serve_bg 24 serve --mode close-first 'go away'
check "close-first" "$(client 198.18.0.2 24 recv state)" "data:go away
eof
CLOSE_WAIT"

# --once: one connection, then serve ends by itself with status 0.
serve_bg 25 serve --once
pid=$SERVE_PID
check "once" "$(client 198.18.0.2 25 send:one shut recv)" "data:one
eof"
wait "$pid" || fail "serve --once ended with status $?"
client 198.18.0.2 25 recv | grep -q ConnectionRefused ||
    fail "serve --once still accepts"

# --no-accept: the kernel completes the handshake, the connection waits
# in the accept queue (Recv-Q of the listener), and nothing answers. With
# --backlog 1 the queue takes two; a third SYN is dropped.
serve_bg 26 serve --no-accept --backlog 1
check "no-accept" "$(client 198.18.0.2 26 send:x quiet:300 state)" "quiet
ESTABLISHED"
in_client python3 -c '
import socket, time
s = socket.create_connection(("198.18.0.2", 26))
time.sleep(3)' &
held=$!
# The second client is a python3 start away: wait for it (up to 5 s on a
# loaded machine) rather than for a fixed time.
n=0
while q=$(in_server ss -Hltn 'sport = :26' | awk '{print $2}') &&
    [ "$q" != 2 ] && [ $n -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
[ "$q" = 2 ] || fail "no-accept: accept queue holds '$q', want 2"
check "backlog full" "$(in_client python3 -c '
import socket
try:
    socket.create_connection(("198.18.0.2", 26), timeout=0.8)
    print("connected")
except socket.timeout:
    print("timeout")')" "timeout"
kill "$held" 2>/dev/null

# -v: one line per event; SIGTERM ends serve cleanly (status 0).
"$TCPSHAKE" lab exec --name "$LAB" --server "$TCPSHAKE" -v serve \
    --port 27 >"$tmp/27.out" 2>&1 &
pid=$!
server_wait_listen 27
client 198.18.0.2 27 send:v shut recv >/dev/null
kill -TERM "$pid"
wait "$pid" || fail "serve ended with status $? on SIGTERM"
grep -q '^listen \[::\] port 27 mode echo' "$tmp/27.out" &&
    grep -q '^accept 198\.18\.0\.1:[0-9]*$' "$tmp/27.out" &&
    grep -q '^close 198\.18\.0\.1:[0-9]* after eof (read 1, wrote 1)$' \
    "$tmp/27.out" && grep -q '^stop' "$tmp/27.out" ||
    fail "serve -v log: $(cat "$tmp/27.out")"

# Errors: one line, exit status 2.
out=$("$TCPSHAKE" lab exec --name "$LAB" --server "$TCPSHAKE" serve \
    --port 7 2>&1)
[ $? = 2 ] || fail "port in use: exit status not 2"
check "port in use" "$out" "tcpshake: serve: port 7 is already in use on [::]:7 (stop the other server or pick another --port)"
out=$("$TCPSHAKE" serve --mode bogus 2>&1)
[ $? = 2 ] || fail "bad mode: exit status not 2"
check "bad mode" "$out" "tcpshake: serve: unknown mode 'bogus' (give --mode echo|discard|banner TEXT|close-after N|write-after-eof TEXT|close-first TEXT|close-delay DURATION)"
out=$("$TCPSHAKE" serve --mode close-after 2>&1)
[ $? = 2 ] || fail "close-after without N: exit status not 2"
echo "$out" | grep -q "needs a byte count N" || fail "close-after: $out"
exit 0
