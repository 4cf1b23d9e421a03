#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-family.sh: packetdrill's options that change the lab's target, in
# a file and on run's command line (which wins): --ip_version=ipv6 runs
# the wire and the sockets on the lab's IPv6 addresses,
# ipv4-mapped-ipv6 gives AF_INET6 sockets with IPv4-mapped addresses on
# an IPv4 wire; --mtu sets the target's path MTU (its SYN-ACK's MSS
# follows); --mss sends a long segment as segments of that size (the
# target's largest segment received says so); addresses written in the
# lines name --local_ip and --remote_ip and become the lab's, any other
# is refused and never called with; commands on tun0 act on the target's
# lab interface; a lab that outlives the run gets its interfaces, routes
# and altname back; scripts/tfo-cookie.py names the lab kernel's Fast
# Open cookie.
. "$top_srcdir/tests/lib.sh"
need_root
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; lab_stop' EXIT INT TERM HUP
D=$top_srcdir/tests/data/family

# passes NAME ARGS...: `run --lab -v ARGS` passes (lib.sh: one more run
# when it fails under make check's load, said aloud).
passes() {
	what=$1
	shift
	run_lab_passes_as "$what" "$TMP/out" -v "$@"
}
# fails NAME REASON ARGS...: `run --lab ARGS` fails (exit 1) saying REASON.
fails() {
	what=$1 reason=$2
	shift 2
	RC=0
	"$TCPSHAKE" run --lab "$@" >"$TMP/out" 2>&1 || RC=$?
	[ "$RC" = 1 ] || { show "$TMP/out"; fail "$what: exit $RC, not 1"; }
	grep -q "$reason" "$TMP/out" || { show "$TMP/out"; fail "$what: no" \
	    "'$reason'"; }
}

# --mtu: the file's 1400 gives MSS 1360; the command line's wins.
passes "mtu 1400" -D MSS=1360 "$D/mtu.pkt"
fails "--mtu=1300 over the file's" 'expected <mss 1360>, got <mss 1260>' \
    -D MSS=1360 --mtu=1300 "$D/mtu.pkt"
passes "-O mtu=1300" -D MSS=1260 -O mtu=1300 "$D/mtu.pkt"

# IPv6, as run_all.py runs it: --mtu=1520 gives MSS 1460 (1440 without).
passes "ipv6 mtu 1520" --ip_version=ipv6 --mtu=1520 -D MSS=1460 "$D/mtu.pkt"
grep -q 'RCVD \[*2001:db8::2\]*[.:]8080 .* S\. ' "$TMP/out" ||
	{ show "$TMP/out"; fail "ipv6: the SYN-ACK did not come from 2001:db8::2"; }
fails "ipv6 without --mtu" 'expected <mss 1460>, got <mss 1440>' \
    --ip_version=ipv6 -O mtu=1500 -D MSS=1460 "$D/mtu.pkt"

# --mss=500: the target's largest segment is 500 bytes; without, 1460.
passes "mss 500" "$D/mss.pkt"
fails "mss 0" 'AssertionError: 1460' -O mss=0 "$D/mss.pkt"

# Addresses by name, in each family; what accept, getsockname and
# getpeername give reads as the same names.
passes "names ipv4" -D FAMILY=AF_INET -D PORT=sin_port -D ADDR=sin_addr \
    -D LOCAL='inet_addr("192.168.0.1")' -D REMOTE='inet_addr("192.0.2.1")' \
    "$D/names.pkt"
passes "names ipv4-mapped-ipv6" --ip_version=ipv4-mapped-ipv6 \
    -D FAMILY=AF_INET6 -D PORT=sin6_port -D ADDR=sin6_addr \
    -D LOCAL='inet6_addr("::ffff:192.168.0.1")' \
    -D REMOTE='inet6_addr("::ffff:192.0.2.1")' "$D/names.pkt"
grep -q 'RCVD 198\.18\.0\.2[.:]8080 .* S\. ' "$TMP/out" ||
	{ show "$TMP/out"; fail "ipv4-mapped-ipv6: the wire is not IPv4"; }
passes "names ipv6, --local_ip and --remote_ip given" --ip_version=ipv6 \
    --local_ip=2001:db8:5::1 --remote_ip=fd00::7 \
    -D FAMILY=AF_INET6 -D PORT=sin6_port -D ADDR=sin6_addr \
    -D LOCAL='inet6_addr("2001:db8:5::1")' -D REMOTE='inet6_addr("fd00::7")' \
    "$D/names.pkt"
fails "names: an AF_INET socket name in a mapped run" \
    'getsockname(): the address is of family AF_INET6, the line says AF_INET' \
    --ip_version=ipv4-mapped-ipv6 -D FAMILY=AF_INET -D PORT=sin6_port \
    -D ADDR=sin6_addr -D LOCAL='inet6_addr("::ffff:192.168.0.1")' \
    -D REMOTE='inet6_addr("::ffff:192.0.2.1")' "$D/names.pkt"
# Any other address: refused at its line, the call never made.
cat >"$TMP/other.pkt" <<'EOS'
0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0   connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("203.0.113.9")}, 16) = -1 EINPROGRESS
EOS
fails "another address" 'connect(): address 203.0.113.9 is neither --local_ip (192.168.0.1, the target) nor --remote_ip (192.0.2.1, the prober)' \
    "$TMP/other.pkt"
grep -q 'got: = -1 0 ' "$TMP/out" ||
	{ show "$TMP/out"; fail "another address: the call was made"; }

# tun0: the target's lab interface under packetdrill's name.
passes "tun0" "$D/tun0.pkt"

# A lab that outlives the run (lab up, run --peer-netns): the target's
# interface, routes and altname, and our interface, are as before.
LAB=$(lab_name)
"$TCPSHAKE" lab up --name "$LAB" >/dev/null || fail "lab up $LAB failed"
state() {
	ip -n "$LAB-s" -o link show dev s0 | grep -o 'mtu [0-9]*\|altname .*'
	ip -n "$LAB-s" route
	ip -n "$LAB-s" -6 route
	ip -n "$LAB-c" -o link show dev c0 | grep -o 'mtu [0-9]*'
}
state >"$TMP/before"
"$TCPSHAKE" lab exec --name "$LAB" -- "$TCPSHAKE" run --peer-netns "$LAB-s" \
    --target 198.18.0.2:8080 --mtu=1300 -D MSS=1260 "$D/mtu.pkt" \
    >"$TMP/out" 2>&1 || { show "$TMP/out"; fail "mtu.pkt in lab $LAB"; }
state >"$TMP/after"
cmp -s "$TMP/before" "$TMP/after" || { show "$TMP/before" "$TMP/after"; fail \
    "the lab's interfaces or routes are not as before the run"; }
grep -q 'mtu 1500' "$TMP/after" || { show "$TMP/after"; fail "no mtu"; }
lab_stop

# scripts/tfo-cookie.py gives the Fast Open cookie the lab's kernel gives
# (the conformance script passes it as TFO_COOKIE): in each family, and a
# wrong one fails.
cookie() { python3 "$top_srcdir/scripts/tfo-cookie.py" "$@"; }
[ "$(cookie 192.0.2.1 192.168.0.1)" = 3021b9d889017eeb ] ||
    fail "tfo-cookie.py: not packetdrill's IPv4 cookie"
c4=$(cookie 198.18.0.1 198.18.0.2)
c6=$(cookie 2001:db8::1 2001:db8::2)
passes "tfo.pkt ipv4" -D COOKIE="$c4" "$D/tfo.pkt"
passes "tfo.pkt ipv6" --ip_version=ipv6 --mtu=1520 -D COOKIE="$c6" \
    "$D/tfo.pkt"
passes "tfo.pkt ipv4-mapped-ipv6" --ip_version=ipv4-mapped-ipv6 \
    -D COOKIE="$c4" "$D/tfo.pkt"
fails "tfo.pkt, another cookie" "differs: options" -D COOKIE="$c6" \
    "$D/tfo.pkt"

# Option values checked as a file's lines are.
RC=0
"$TCPSHAKE" run --check --lab --ip_version=ipv5 "$D/mtu.pkt" >"$TMP/out" \
    2>&1 || RC=$?
[ "$RC" = 2 ] && grep -q "command line:1:.*--ip_version wants ipv4, ipv6 or" \
    "$TMP/out" || { show "$TMP/out"; fail "--ip_version=ipv5 accepted"; }
exit 0
