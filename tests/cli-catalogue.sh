#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cli-catalogue.sh: every bad command line of tests/data/cli-catalogue.txt
# ends with its exit status and its one line on standard error, nothing on
# standard output; then what the command-line dialect promises: --help and
# --version on every subcommand, -q everywhere, run --check - and read -q.
# Everything runs in a network namespace of its own with only a loopback
# that is down, so nothing a mistake would send can leave.
. "$top_srcdir/tests/lib.sh"
need_root

if [ -z "$CLI_CATALOGUE_NETNS" ]; then
	CLI_CATALOGUE_NETNS=1 exec unshare -n sh "$0" "$@"
fi
[ "$(ip -o link | wc -l)" = 1 ] || fail "not alone in a network namespace"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM HUP
cd "$tmp" || exit 1

n=0 bad=0
while IFS= read -r entry; do
	case $entry in '#'*|'') continue ;; esac
	want=${entry%% *}
	rest=${entry#* }
	args=${rest%% => *}
	re=${rest#* => }
	eval "set -- $args"
	n=$((n + 1))
	"$TCPSHAKE" "$@" </dev/null >out 2>err
	rc=$?
	why=
	[ "$rc" = "$want" ] || why="exit $rc, want $want"
	[ -s out ] && why="$why; wrote to standard output"
	[ "$(wc -l <err)" = 1 ] || why="$why; $(wc -l <err) lines on standard error"
	grep -Eq -- "$re" err || why="$why; the line does not match $re"
	if [ -n "$why" ]; then
		echo "FAIL: tcpshake $args: $why" >&2
		show err >&2
		bad=$((bad + 1))
	fi
done <"$top_srcdir/tests/data/cli-catalogue.txt"
echo "$n bad command lines, $bad answered wrongly"
[ "$n" -ge 150 ] || fail "the catalogue holds $n entries, fewer than 150"
[ "$bad" = 0 ] || exit 1

# lab without CAP_SYS_ADMIN names the capability, and makes nothing.
setpriv --bounding-set=-sys_admin "$TCPSHAKE" lab up --name "c$$" >out 2>err
rc=$?
[ "$rc" = 2 ] && grep -q "needs CAP_SYS_ADMIN" err && [ "$(wc -l <err)" = 1 ] ||
	{ show err; fail "lab up without CAP_SYS_ADMIN: exit $rc"; }
ip netns list | grep -q "c$$" && fail "lab up without CAP_SYS_ADMIN made a namespace"

# --version and --help on every subcommand; --help lists every option,
# one line each, and nothing on stderr.
version=$("$TCPSHAKE" --version)
for cmd in read probe connect run shell lab serve guard; do
	[ "$("$TCPSHAKE" "$cmd" --version)" = "$version" ] ||
		fail "$cmd --version does not print '$version'"
	"$TCPSHAKE" "$cmd" --help >help 2>err || fail "$cmd --help: exit $?"
	[ -s err ] && { show err; fail "$cmd --help wrote to stderr"; }
	head -n 1 help | grep -q "^usage: tcpshake $cmd " ||
		fail "$cmd --help: no usage line"
	grep -Eq -- '^  -q, --quiet ' help || fail "$cmd --help lacks -q"
	grep -Eq -- '^  --version ' help || fail "$cmd --help lacks --version"
done
"$TCPSHAKE" probe --help >help
for o in --flags --wscale --ts --win --mss --sackok --data -I -i -p; do
	grep -Eq -- "^  ($o[ ,]|-., $o )" help || fail "probe --help lacks $o"
done
"$TCPSHAKE" connect --help >help
for o in --wscale --ts --win --mss --sackok -I -p; do
	grep -Eq -- "^  ($o[ ,]|-., $o )" help || fail "connect --help lacks $o"
done
grep -q -- '--ttl' help && fail "connect --help lists --ttl, which connect does not take"

# run --check - reads standard input; -q (global or after the command)
# leaves only what failed.
printf '0 < S 0:0(0) win 1000\n+0 > S. 0:0(0) ack 1 <...>\n' >ok.shake
out=$("$TCPSHAKE" run --check - <ok.shake) || fail "run --check -: exit $?"
[ "$out" = "-: 2 steps, ok" ] || fail "run --check - said '$out'"
out=$("$TCPSHAKE" -q run --check ok.shake) || fail "-q run --check: exit $?"
[ -z "$out" ] || fail "-q run --check printed '$out'"
out=$("$TCPSHAKE" run -q --check ok.shake) || fail "run -q --check: exit $?"
[ -z "$out" ] || fail "run -q --check printed '$out'"
printf '0 < Q 0:0(0)\n' | "$TCPSHAKE" run --check - >out 2>err
rc=$?
[ "$rc" = 2 ] && grep -q "^-:1:" err || { show err; fail "run --check - with a bad line: exit $rc"; }

# The old spelling run -i IFACE still works, with a line saying so.
"$TCPSHAKE" run -i lo --check ok.shake >out 2>err || fail "run -i: exit $?"
grep -q "deprecated: write -I IFACE" err || { show err; fail "run -i: no deprecation line"; }

# read -q prints only the counts.
"$top_builddir/tests/mkpcap" "$tmp" || fail "tests/mkpcap could not write the captures"
"$TCPSHAKE" read "$tmp/handshake4.pcap" >all || fail "read: exit $?"
"$TCPSHAKE" read -q "$tmp/handshake4.pcap" >quiet || fail "read -q: exit $?"
[ "$(wc -l <quiet)" = 1 ] && [ "$(cat quiet)" = "$(tail -n 1 all)" ] ||
	{ show quiet all; fail "read -q: not the last line alone"; }
exit 0
