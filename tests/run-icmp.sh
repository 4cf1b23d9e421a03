#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-icmp.sh: "< icmp ..." lines under `run --lab` against Linux: path
# MTU discovery over IPv4 (frag_needed mtu 1200) and IPv6 (packet_too_big
# mtu 1280) makes the target send its full-size segment again in smaller
# ones; without the ICMP line, or with a quote outside the target's
# window, it does not (the line's seq is the target's, mapped as
# packetdrill maps it); a host_unreachable in SYN-SENT ends the target's
# connect with EHOSTUNREACH and no SYN again; the capture of a run shows
# the error with its MTU, and `read --shake` writes it back as a line
# that runs again; a name the target's family lacks is one clear line;
# the shell sends one as typed and saves it as the same line.
. "$top_srcdir/tests/lib.sh"
need_root
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM HUP
D=$top_srcdir/tests/data/icmp

# passes FILE [ARGS]: it passes in its lab (lib.sh: one more run under
# load).
passes() {
	f=$1
	shift
	run_lab_passes_as "$f" "$TMP/out" "$@" "$f"
}
passes "$D/pmtu.shake" -w "$TMP/p4.pcap"
grep -q 'SENT ICMP 3/4 fragmentation needed from 198\.18\.0\.1 mtu 1200 about 198\.18\.0\.2:80 > 198\.18\.0\.1:[0-9]* seq 1$' "$TMP/out" ||
	{ show "$TMP/out"; fail "pmtu.shake: no SENT ICMP line"; }
passes "$D/pmtu6.shake"
passes "$D/syn-sent-unreach.shake"

# The retransmission at 1160 bytes is the ICMP's doing: without it, or
# with a quote whose seq lies outside what the target has in flight
# (Linux ignores those, RFC 5927), the line expecting it waits in vain.
fails_at() {
	RC=0
	"$TCPSHAKE" run --lab "$TMP/$1.shake" >"$TMP/out" 2>&1 || RC=$?
	[ "$RC" = 1 ] || { show "$TMP/out"; fail "$1: exit $RC, not 1"; }
	grep -q "$2" "$TMP/out" || { show "$TMP/out"; fail "$1: not at $2"; }
}
grep -v '< icmp' "$D/pmtu.shake" >"$TMP/no-icmp.shake"
fails_at no-icmp 'shake:[0-9]*: expected: +0 *> \. 1:1161(1160) ack 1461$'
sed 's/\[1:1461(1460)\]/[9001:10461(1460)]/' "$D/pmtu.shake" >"$TMP/outside.shake"
fails_at outside 'shake:[0-9]*: expected: +0 *> \. 1:1161(1160) ack 1461$'

# The capture holds the error as sent: read shows it with its MTU, and
# read --shake writes the line back; with the lab line again it runs.
"$TCPSHAKE" read "$TMP/p4.pcap" >"$TMP/read" 2>&1 ||
	{ show "$TMP/read"; fail "read of the run's capture"; }
grep -q '^[0-9.]* ICMP 3/4 fragmentation needed from 198\.18\.0\.1 mtu 1200 about 198\.18\.0\.2:80 > 198\.18\.0\.1:[0-9]* seq 1$' "$TMP/read" ||
	{ show "$TMP/read"; fail "read: no ICMP line with its MTU"; }
"$TCPSHAKE" read --shake 198.18.0.2:80 "$TMP/p4.pcap" >"$TMP/back.shake" ||
	fail "read --shake"
grep -q '^+0\.[0-9]* < icmp unreachable frag_needed mtu 1200 \[1:1461(1460)\]$' "$TMP/back.shake" ||
	{ show "$TMP/back.shake"; fail "read --shake: no icmp line"; }
{ echo "lab serve --port 80 --mode echo --realtime"
  cat "$TMP/back.shake"; } >"$TMP/again.shake"
passes "$TMP/again.shake"

# A name the target's family does not have: one line, exit 2.
sed 's/packet_too_big mtu 1280/unreachable frag_needed mtu 1200/' \
    "$D/pmtu6.shake" >"$TMP/v4name.shake"
RC=0
"$TCPSHAKE" run --lab "$TMP/v4name.shake" >"$TMP/out" 2>&1 || RC=$?
[ "$RC" = 2 ] || { show "$TMP/out"; fail "frag_needed in IPv6: exit $RC, not 2"; }
grep -q "v4name.shake:[0-9]*: ICMPv6 unreachable has no code 'frag_needed' (ICMPv6's is 'packet_too_big mtu N') (the target is IPv6)" "$TMP/out" ||
	{ show "$TMP/out"; fail "frag_needed in IPv6: no reason"; }
# The shell: the line as typed, the retransmission seen, saved as is.
lab_start --serve "--port 80 --mode echo"
trap 'lab_stop; rm -rf "$TMP"' EXIT INT TERM HUP
chmod 1777 "$TMP"
cat >"$TMP/shell.txt" <<EOS
< S 0:0(0) win 65535 <mss 1460>
> S. 0:0(0) ack 1 <...>
< . 1:1(0) ack 1 win 65535
< P. 1:1461(1460) ack 1 win 65535
> . 1:1(0) ack 1461
> P. 1:1461(1460) ack 1461
< icmp unreachable frag_needed mtu 1200 [1:1461(1460)]
> . 1:1161(1160) ack 1461
> P. 1161:1461(300) ack 1461
< R. 1461:1461(0) ack 1461 win 0
save $TMP/saved.shake
EOS
RC=0
in_client "$TCPSHAKE" shell 198.18.0.2:80 <"$TMP/shell.txt" >"$TMP/out" 2>&1 || RC=$?
[ "$RC" = 0 ] || { show "$TMP/out"; fail "shell: exit $RC"; }
grep -q '^+0\.[0-9]* < icmp unreachable frag_needed mtu 1200 \[1:1461(1460)\]$' "$TMP/saved.shake" ||
	{ show "$TMP/saved.shake"; fail "shell save: no icmp line"; }
exit 0
