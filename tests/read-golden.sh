#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/read-golden.sh: `tcpshake read` on hand-built captures (tests/mkpcap)
# against expected output written by hand in tests/data/read-*; and its errors.
. "$top_srcdir/tests/lib.sh"

data=$top_srcdir/tests/data
tmp=$(mktemp -d "${TMPDIR:-/tmp}/read-golden.XXXXXX") || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT INT TERM HUP
"$top_builddir/tests/mkpcap" "$tmp" || fail "tests/mkpcap could not write the captures"

failed=0
bad() {
	echo "FAIL: $*" >&2
	failed=1
}

# golden EXPECTED CAPTURE [READ OPTIONS...]: exit 0, nothing on stderr, and
# stdout exactly as tests/data/EXPECTED says.
golden() {
	want=$1 cap=$2
	shift 2
	"$TCPSHAKE" read "$@" "$tmp/$cap" >"$tmp/$want" 2>"$tmp/$want.err"
	rc=$?
	[ "$rc" = 0 ] || bad "read $* $cap exited $rc: $(cat "$tmp/$want.err")"
	[ -s "$tmp/$want.err" ] && bad "read $* $cap wrote to stderr: $(cat "$tmp/$want.err")"
	diff -u "$data/$want" "$tmp/$want" >&2 || bad "read $* $cap differs from tests/data/$want"
}

golden read-handshake4.out handshake4.pcap
golden read-handshake4-abs.out handshake4.pcap --absolute
golden read-handshake6-e.out handshake6.pcap --explain
golden read-cookie4-e.out cookie4.pcap -e
golden read-ether.out ether.pcap -v
golden read-sll.out sll.pcap
golden read-badsum.out badsum.pcap
golden read-badsum-ex.out badsum.pcap -e -x --filter 'tcp[13] == 0x10'
golden read-malformed.out malformed.pcap
golden read-other.out other.pcap
golden read-nosyn.out nosyn.pcap
golden read-sll.json sll.pcap --json
golden read-other.json other.pcap --json
golden read-nosyn.json nosyn.pcap --json
golden read-malformed.json malformed.pcap --json

# tcpdump -s 96: a payload the snaplen cut is a segment with its whole
# length, the bytes captured and a mark; a cut TCP header and an IP
# length beyond the wire's are malformed.
golden read-snaplen.out snaplen.pcap
golden read-snaplen.shake snaplen.pcap --shake 198.18.0.2:80

# --ladder: the first conversation, both ends' states inferred (the
# target's SYN_RECEIVED on its SYN-ACK, LAST_ACK on its FIN, CLOSED on the
# last ACK); the other flows of a file counted in a note.
golden read-ladder-handshake4.out handshake4.pcap --ladder
golden read-ladder-flows.out flows.pcap --ladder
"$TCPSHAKE" read --json "$tmp/snaplen.pcap" >"$tmp/read-snaplen.json" 2>&1 || bad "read --json snaplen.pcap failed"
grep -q '"len":1448,.*"payload_hex":"485454502f312e3020323030204f4b0d0a0d0a6161616161616161616161","payload_captured":30,"checksum":"unknown",.*"checksum_right":null' \
    "$tmp/read-snaplen.json" || bad "read --json snaplen.pcap: the cut segment: $(sed -n 4p "$tmp/read-snaplen.json")"
[ "$(grep -c payload_captured "$tmp/read-snaplen.json")" = 1 ] ||
	bad "read --json snaplen.pcap: payload_captured on more than the cut segment"

# --shake: the conversation with one endpoint as a scenario (hand-written
# expectations), which run --check takes as one, step for step.
golden read-shake4.shake handshake4.pcap --shake 198.18.0.2:80
golden read-shake6.shake handshake6.pcap --shake '[2001:db8::2]:443'
golden read-shake-flows.shake flows.pcap --shake 198.18.0.2:80
golden read-shake-nosyn.shake nosyn.pcap --shake 198.18.0.2:80
for f in shake4:10 shake6:3 shake-flows:9 shake-nosyn:2 snaplen:5; do
	name=${f%:*} n=${f#*:}
	out=$("$TCPSHAKE" run --check "$tmp/read-$name.shake" 2>&1)
	[ "$out" = "$tmp/read-$name.shake: $n steps, ok" ] ||
		bad "run --check read-$name.shake: $out"
done
# The filter narrows what is replayed: the port-22 SYN of flows.pcap is
# the only segment of that endpoint.
"$TCPSHAKE" read --shake 198.18.0.2:22 "$tmp/flows.pcap" >"$tmp/ssh.shake" 2>&1 ||
	bad "read --shake 198.18.0.2:22 failed: $(cat "$tmp/ssh.shake")"
[ "$(grep -c '^[0-9+]' "$tmp/ssh.shake")" = 1 ] &&
	grep -q '^0.000000  < S 300:300(0) win 1000$' "$tmp/ssh.shake" ||
	bad "read --shake 198.18.0.2:22: $(cat "$tmp/ssh.shake")"

# "-" reads standard input.
"$TCPSHAKE" read - <"$tmp/handshake4.pcap" >"$tmp/stdin.out" 2>&1 || bad "read - failed"
diff -u "$data/read-handshake4.out" "$tmp/stdin.out" >&2 || bad "read - differs from read FILE"

# The global -v means the same as read's own.
"$TCPSHAKE" -v read "$tmp/ether.pcap" >"$tmp/ether-gv" 2>&1 || bad "tcpshake -v read failed"
diff -u "$data/read-ether.out" "$tmp/ether-gv" >&2 || bad "tcpshake -v read differs from read -v"

# -q: the summary alone.
out=$("$TCPSHAKE" -q read "$tmp/malformed.pcap")
[ "$out" = "3 TCP segments, 9 malformed, 0 bad checksums, 0 other packets skipped" ] ||
	bad "tcpshake -q read printed: $out"

# Every JSON line parses, when there is a parser to ask.
if command -v python3 >/dev/null 2>&1; then
	for f in sll other nosyn malformed snaplen; do
		python3 -c 'import json, sys
for line in sys.stdin: json.loads(line)' <"$tmp/read-$f.json" ||
			bad "read --json $f.pcap is not JSON Lines"
	done
fi

# errcase NAME WANT_STDERR_LINE1 ARGS...: exit 2, stdout empty, stderr's
# first line exactly as given.
errcase() {
	name=$1 want=$2
	shift 2
	"$TCPSHAKE" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	[ "$rc" = 2 ] || bad "$name: exit $rc, want 2"
	[ -s "$tmp/$name.out" ] && bad "$name: wrote to stdout: $(cat "$tmp/$name.out")"
	got=$(head -n 1 "$tmp/$name.err")
	[ "$got" = "$want" ] || bad "$name: stderr '$got', want '$want'"
}

errcase missing "tcpshake: cannot read '$tmp/nope.pcap': No such file or directory" \
	read "$tmp/nope.pcap"
[ "$(wc -l <"$tmp/missing.err")" = 1 ] || bad "missing file: more than one line on stderr"
errcase badopt "tcpshake: read: unknown option '--bogus' (see 'tcpshake read --help')" read --bogus "$tmp/sll.pcap"
[ "$(wc -l <"$tmp/badopt.err")" = 1 ] || bad "bad option: more than one line"
errcase badshort "tcpshake: read: unknown option '-z' (see 'tcpshake read --help')" read -z "$tmp/sll.pcap"
errcase noarg "tcpshake: read: no capture file (give FILE.pcap, or - for standard input) (see 'tcpshake read --help')" read
errcase shakejson "tcpshake: read: --shake prints a scenario; leave out --json, --absolute, -e and -x" \
	read --shake 198.18.0.2:80 --json "$tmp/sll.pcap"
errcase shakeport "tcpshake: read: --shake '198.18.0.2': expected HOST:PORT (a port after ':')" \
	read --shake 198.18.0.2 "$tmp/sll.pcap"
errcase shakename "tcpshake: read: --shake 'lab:80': give the target's address, as 198.18.0.2:80 or [2001:db8::2]:80" \
	read --shake lab:80 "$tmp/sll.pcap"
errcase shakenone "tcpshake: read: no TCP segment in '$tmp/sll.pcap' is to or from 198.18.0.2:80" \
	read --shake 198.18.0.2:80 "$tmp/sll.pcap"
errcase filterarg "tcpshake: read: --filter needs a value (--filter BPF) (see 'tcpshake read --help')" read "$tmp/sll.pcap" --filter
errcase linktype "tcpshake: cannot read '$tmp/unsupported.pcap': link type 105 is not one tcpshake decodes (try Ethernet, Linux cooked or raw IP)" \
	read "$tmp/unsupported.pcap"

# Not a capture, and a filter libpcap refuses: one line, exit 2.
echo "not a capture" >"$tmp/text.pcap"
"$TCPSHAKE" read "$tmp/text.pcap" >/dev/null 2>"$tmp/text.err"
rc=$?
[ "$rc" = 2 ] || bad "text file: exit $rc, want 2"
[ "$(wc -l <"$tmp/text.err")" = 1 ] && grep -q "^tcpshake: .*text.pcap" "$tmp/text.err" ||
	bad "text file: stderr is not one line naming the file: $(cat "$tmp/text.err")"
"$TCPSHAKE" read --filter 'tcp port banana' "$tmp/sll.pcap" >/dev/null 2>"$tmp/filter.err"
rc=$?
[ "$rc" = 2 ] || bad "bad filter: exit $rc, want 2"
[ "$(wc -l <"$tmp/filter.err")" = 1 ] && grep -q "banana" "$tmp/filter.err" ||
	bad "bad filter: stderr is not one line naming it: $(cat "$tmp/filter.err")"

# A file cut inside its last record: what was read is printed, then the
# summary, then one line saying where the file ends; exit 2.
"$TCPSHAKE" read "$tmp/truncated.pcap" >"$tmp/trunc.out" 2>"$tmp/trunc.err"
rc=$?
[ "$rc" = 2 ] || bad "truncated file: exit $rc, want 2"
{ head -n 9 "$data/read-handshake4.out"
  echo "9 TCP segments, 0 malformed, 0 bad checksums, 0 other packets skipped"; } >"$tmp/trunc.want"
diff -u "$tmp/trunc.want" "$tmp/trunc.out" >&2 || bad "truncated file: output differs"
[ "$(wc -l <"$tmp/trunc.err")" = 1 ] &&
	grep -q "^tcpshake: cannot read '$tmp/truncated.pcap' past packet 9: " "$tmp/trunc.err" ||
	bad "truncated file: stderr: $(cat "$tmp/trunc.err")"

# The captures themselves, as tcpdump sees them: the checksums mkpcap
# computes are right where meant and wrong where meant.
if command -v tcpdump >/dev/null 2>&1; then
	n=$(tcpdump -nn -vv -r "$tmp/handshake4.pcap" 2>/dev/null | grep -c 'cksum 0x[0-9a-f]* (correct)')
	[ "$n" = 10 ] || bad "tcpdump finds $n correct TCP checksums in handshake4.pcap, want 10"
	n=$(tcpdump -nn -vv -r "$tmp/badsum.pcap" 2>/dev/null | grep -c 'incorrect')
	[ "$n" = 2 ] || bad "tcpdump finds $n bad checksums in badsum.pcap, want 2"
	n=$(tcpdump -nn -r "$tmp/other.pcap" 2>/dev/null | grep -c 'port 81 unreachable')
	[ "$n" = 1 ] || bad "tcpdump does not see the ICMP port unreachable in other.pcap"
fi

exit $failed
