#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lab.sh: `tcpshake lab` builds both namespaces with their addresses,
# serves on 80, applies sysctls, runs commands inside, and goes away.
. "$top_srcdir/tests/lib.sh"
need_root

# What a TCP client in the client namespace gets back for DATA (sent, then
# our side shut down) from HOST PORT.
talk() {
	in_client python3 - "$@" <<'EOF'
import socket, sys
host, port, data = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
s = socket.create_connection((host, port), timeout=3)
s.sendall(data)
s.shutdown(socket.SHUT_WR)
out = b''
while True:
    b = s.recv(4096)
    if not b:
        break
    out += b
sys.stdout.write(out.decode())
EOF
}

# Bad names fail before anything is made, root or not.
for bad in Upper toolongname1 -x a_b ''; do
	out=$("$TCPSHAKE" lab up --name "$bad" 2>&1) && fail "name '$bad' taken"
	[ $? = 2 ] || fail "name '$bad': exit status not 2"
	echo "$out" | grep -q "name '$bad' is not valid" ||
	    fail "name '$bad': no clear line: $out"
	[ "$(echo "$out" | wc -l)" = 1 ] || fail "name '$bad': not one line"
done
out=$("$TCPSHAKE" lab up --name x --sysctl kernel.panic=1 2>&1) &&
    fail "a non-net sysctl was taken"
echo "$out" | grep -q "only net.\* settings" || fail "kernel.* sysctl: $out"
[ ! -e /run/netns/x-c ] || fail "a refused up made a namespace"

# Without root: one line naming the fix, status 2.
if command -v setpriv >/dev/null; then
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$TCPSHAKE" lab up 2>&1)
	[ $? = 2 ] || fail "lab up as nobody: exit status not 2"
	[ "$out" = "tcpshake: lab up: needs CAP_SYS_ADMIN (network namespaces and their mounts): run it as root" ] ||
	    fail "lab up as nobody said: $out"
fi

lab_start --sysctl net.ipv4.tcp_synack_retries=2
LAB2=u$(echo "$LAB" | cut -c2-)
trap 'lab_stop; "$TCPSHAKE" lab down --name "$LAB2" >/dev/null 2>&1' \
    EXIT INT TERM HUP

# Both namespaces, the veth ends named c0 and s0, the addresses.
[ -e "/run/netns/$LAB-c" ] && [ -e "/run/netns/$LAB-s" ] ||
    fail "namespaces $LAB-c/$LAB-s missing"
c=$(in_client ip -br addr show c0) || fail "no c0 in $LAB-c"
s=$(in_server ip -br addr show s0) || fail "no s0 in $LAB-s"
# No address is tentative right after up (DAD off, link-local too): an
# IPv6 send at once must not wait a second for its neighbour.
t=$(in_client ip -6 addr show dev c0 tentative; in_server ip -6 addr show dev s0 tentative)
[ -z "$t" ] || fail "tentative IPv6 addresses after lab up: $t"
for a in 198.18.0.1/24 2001:db8::1/64; do
	echo "$c" | grep -q "$a" || fail "c0 lacks $a: $c"
done
for a in 198.18.0.2/24 2001:db8::2/64; do
	echo "$s" | grep -q "$a" || fail "s0 lacks $a: $s"
done
echo "$c" | grep -q " UP " || fail "c0 not up: $c"
in_server ss -Hltn 'sport = :80' | grep -q LISTEN ||
    fail "nothing listens on 80 in $LAB-s"
[ -z "$(ip -br link | grep -E '^(c0|s0)[@ ]')" ] ||
    fail "a veth end landed in the root namespace"

# The default serve echoes, over IPv4 and IPv6.
[ "$(talk 198.18.0.2 80 hello4)" = hello4 ] || fail "no echo over IPv4"
[ "$(talk 2001:db8::2 80 hello6)" = hello6 ] || fail "no echo over IPv6"

# The sysctl is set in the server namespace only.
[ "$(in_server cat /proc/sys/net/ipv4/tcp_synack_retries)" = 2 ] ||
    fail "tcp_synack_retries not 2 in $LAB-s"
[ "$(in_client cat /proc/sys/net/ipv4/tcp_synack_retries)" = \
    "$(cat /proc/sys/net/ipv4/tcp_synack_retries)" ] ||
    fail "the server's sysctl leaked into $LAB-c"

st=$("$TCPSHAKE" lab status --name "$LAB") || fail "status failed"
for want in "lab '$LAB' is up" "198.18.0.2/24" "2001:db8::1/64" \
    "serve --port 80 --mode echo" "LISTEN" \
    "net.ipv4.tcp_synack_retries=2 (now 2)"; do
	echo "$st" | grep -qF -- "$want" || fail "status lacks '$want': $st"
done

# exec runs in the client namespace (or the server's) and passes the
# exit status through.
out=$("$TCPSHAKE" lab exec --name "$LAB" -- sh -c 'ip -br addr; exit 7')
[ $? = 7 ] || fail "exec did not return the command's status 7"
echo "$out" | grep -q '^c0.*198\.18\.0\.1/24' || fail "exec not in $LAB-c"
out=$("$TCPSHAKE" lab exec --name "$LAB" --server ip -br addr) ||
    fail "exec --server failed"
echo "$out" | grep -q '^s0.*198\.18\.0\.2/24' || fail "exec --server: $out"
"$TCPSHAKE" lab exec --name "$LAB" -- /nonexistent 2>/dev/null
[ $? = 127 ] || fail "exec of a missing command: status not 127"

out=$("$TCPSHAKE" lab up --name "$LAB" 2>&1) && fail "second up worked"
[ $? = 2 ] || fail "second up: exit status not 2"
[ "$out" = "tcpshake: lab '$LAB' is already up (tcpshake lab down --name $LAB)" ] ||
    fail "second up said: $out"

# A second lab beside the first, with its own serve and a client sysctl.
out=$("$TCPSHAKE" lab up --name "$LAB2" --serve "--port 8080 --mode discard" \
    --client-sysctl net.ipv4.tcp_syn_retries=3) || fail "lab $LAB2: $out"
echo "$out" | grep -q "serve --port 8080 --mode discard" ||
    fail "up did not say what it serves: $out"
echo "$out" | grep -q "namespace $LAB2-s, interface s0, 198.18.0.2/24" ||
    fail "up did not say what it made: $out"
[ "$(ip netns exec "$LAB2-c" cat /proc/sys/net/ipv4/tcp_syn_retries)" = 3 ] ||
    fail "--client-sysctl not set in $LAB2-c"
[ -z "$(ip netns exec "$LAB2-c" python3 -c '
import socket
s = socket.create_connection(("198.18.0.2", 8080), timeout=3)
s.sendall(b"gone"); s.shutdown(socket.SHUT_WR)
print(s.recv(100).decode(), end="")')" ] || fail "discard sent bytes back"
[ "$(talk 198.18.0.2 80 still)" = still ] || fail "$LAB broke beside $LAB2"
serve2=$(cat "/run/tcpshake/$LAB2/serve.pid")

"$TCPSHAKE" lab down --name "$LAB2" >/dev/null || fail "down $LAB2 failed"
[ ! -e "/run/netns/$LAB2-c" ] && [ ! -e "/run/netns/$LAB2-s" ] ||
    fail "down left a namespace"
[ ! -e "/run/tcpshake/$LAB2" ] || fail "down left /run/tcpshake/$LAB2"
# (A zombie is gone for our purpose: its reaper is init's business.)
st=$(awk '{print $3}' "/proc/$serve2/stat" 2>/dev/null)
[ -z "$st" ] || [ "$st" = Z ] || fail "down left serve running ($st)"
out=$("$TCPSHAKE" lab down --name "$LAB2") || fail "second down failed"
[ "$out" = "lab '$LAB2' is not up" ] || fail "second down said: $out"
[ -e "/run/netns/$LAB-c" ] || fail "down $LAB2 took $LAB with it"

# serve's arguments are checked before anything is built: one line.
out=$("$TCPSHAKE" lab up --name "$LAB2" --serve "--mode bogus" 2>&1) &&
    fail "up with a bad serve worked"
[ "$(echo "$out" | wc -l)" = 1 ] &&
    echo "$out" | grep -q "^tcpshake: lab up: --serve '--mode bogus': serve: unknown mode 'bogus'" ||
    fail "bad serve: $out"
[ ! -e "/run/netns/$LAB2-c" ] && [ ! -e "/run/tcpshake/$LAB2" ] ||
    fail "a bad --serve built a lab"
# A failure half-way leaves nothing behind: a server that cannot bind.
out=$("$TCPSHAKE" lab up --name "$LAB2" --serve "--bind 198.18.0.99" 2>&1) &&
    fail "up with a serve that cannot bind worked"
echo "$out" | grep -q "serve did not start: " ||
    fail "serve that cannot bind: $out"
[ ! -e "/run/netns/$LAB2-c" ] && [ ! -e "/run/netns/$LAB2-s" ] &&
    [ ! -e "/run/tcpshake/$LAB2" ] || fail "failed up left parts behind"

# --serve is split as the shell would: a quoted TEXT keeps its space.
"$TCPSHAKE" lab up --name "$LAB2" >/dev/null \
    --serve "--port 8080 --mode banner 'hello world\r\n'" ||
    fail "up with a quoted banner failed"
[ "$(ip netns exec "$LAB2-c" python3 -c '
import socket
s = socket.create_connection(("198.18.0.2", 8080), timeout=3)
print(repr(s.recv(100)))')" = "b'hello world\\r\\n'" ] ||
    fail "--serve quoting lost the banner's space or escapes"
"$TCPSHAKE" lab down --name "$LAB2" >/dev/null || fail "down $LAB2 failed"

out=$("$TCPSHAKE" lab status --name "$LAB2")
[ $? = 1 ] || fail "status of a lab that is not up: exit status not 1"
[ "$out" = "lab '$LAB2' is not up" ] || fail "status of no lab said: $out"

lab=$LAB
lab_stop
[ ! -e "/run/netns/$lab-c" ] && [ ! -e "/run/netns/$lab-s" ] ||
    fail "lab_stop left $lab"
out=$("$TCPSHAKE" lab exec --name "$lab" true 2>&1)
[ $? = 2 ] || fail "exec in a lab that is not up: exit status not 2"
[ "$out" = "tcpshake: lab '$lab' is not up (tcpshake lab up --name $lab)" ] ||
    fail "exec in no lab said: $out"
exit 0
