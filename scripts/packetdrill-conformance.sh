#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# packetdrill-conformance.sh: run google/packetdrill's TCP scripts
# (gtests/net/tcp, the pinned list tests/packetdrill/list.txt) with
# `tcpshake run --lab`, and with packetdrill itself when -p gives its
# binary, side by side; one line a script: passed, failed (the first
# failing step's reason) or refused (the first parse error).
#
#   sh scripts/packetdrill-conformance.sh [-p PACKETDRILL] [-o DIR]
#       [-t TCPSHAKE] [-k] [CHECKOUT] [NAME...]
#
# CHECKOUT is a packetdrill checkout (or $PACKETDRILL_SRC); without one
# the pinned commit is cloned when the network allows. The scripts are
# GPLv2 and stay outside this repository: they are copied to a scratch
# directory, where the one line of common/defaults.sh that needs
# packetdrill's tun device (its qdisc) is made harmless. NAMEs (as in the
# list) pick scripts; -k keeps the scratch directory and the outputs.
# Exit: 0 when it ran, 2 when the scripts are absent.
set -u

PIN_URL=https://github.com/google/packetdrill
PIN_COMMIT=2c4001c4d6fc04a3bbd01d4b92be62717a37648a
here=$(cd "$(dirname "$0")/.." && pwd)
list=$here/tests/packetdrill/list.txt
tcpshake=${TCPSHAKE:-$here/_build/tcpshake}
pd=
out=
keep=
timeout_s=${PD_TIMEOUT:-120}

while getopts p:o:t:k o; do
	case $o in
	p) pd=$(cd "$(dirname "$OPTARG")" && pwd)/$(basename "$OPTARG") ;;
	o) out=$OPTARG ;;
	t) tcpshake=$OPTARG ;;
	k) keep=1 ;;
	*) echo "usage: $0 [-p PACKETDRILL] [-o DIR] [-t TCPSHAKE] [-k]" \
	    "[CHECKOUT] [NAME...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

src=${PACKETDRILL_SRC:-}
if [ $# -gt 0 ] && [ -d "$1" ]; then
	src=$1
	shift
fi
scratch=$(mktemp -d /tmp/tcpshake-pd.XXXXXX)
cleanup() { [ -n "$keep" ] || rm -rf "$scratch"; }
trap cleanup EXIT
trap 'exit 2' INT TERM HUP

if [ -z "$src" ]; then
	if git clone -q "$PIN_URL" "$scratch/src" 2>/dev/null &&
	    git -C "$scratch/src" checkout -q "$PIN_COMMIT" 2>/dev/null; then
		src=$scratch/src
	else
		echo "packetdrill-conformance: packetdrill's scripts are not" \
		    "here and cannot be cloned (no network?): give a checkout" \
		    "of $PIN_URL (commit $PIN_COMMIT) as CHECKOUT or" \
		    "PACKETDRILL_SRC" >&2
		exit 2
	fi
fi
if [ ! -d "$src/gtests/net/tcp" ]; then
	echo "packetdrill-conformance: $src has no gtests/net/tcp: not a" \
	    "packetdrill checkout" >&2
	exit 2
fi
[ -x "$tcpshake" ] || { echo "packetdrill-conformance: no $tcpshake" \
    "(build first, or -t)" >&2; exit 2; }

mkdir -p "$scratch/net"
cp -RL "$src/gtests/net/." "$scratch/net/"
find "$scratch/net" -name defaults.sh -exec \
    sed -i 's|^tc qdisc add dev tun0 .*|: no tun0 here|' {} +
[ -n "$out" ] || out=$scratch/out
mkdir -p "$out"

if [ $# -gt 0 ]; then
	names=$*
else
	names=$(grep -v '^#' "$list")
fi

# The names packetdrill's run_all.py defines for its IPv4 runs.
PD_DEFS="-D TFO_COOKIE=3021b9d889017eeb -D CODE=host_unreachable
    -D CMSG_LEVEL_IP=SOL_IP -D CMSG_TYPE_RECVERR=IP_RECVERR"

# Our verdict: passed, failed REASON, refused REASON.
ours() {
	name=$1 log=$2
	(cd "$scratch/net/$(dirname "$name")" &&
	    timeout -s INT "$timeout_s" "$tcpshake" run --lab $PD_DEFS \
	    "$(basename "$name")") >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo passed
	elif grep -q ': error: ' "$log"; then
		echo "refused $(grep -m1 ': error: ' "$log" | sed 's/.*error: //')"
	elif [ $rc -eq 1 ]; then
		reason=$(awk '/^FAIL/ { f = 1; l = $0; next }
		    f && /^ +[^ ].*: (expected|differs|command|[a-z])/ &&
		    !/expected:/ && !/got:/ { print l " -- " $0; exit }
		    f && /^ +differs:/ { print l " -- " $0; exit }' "$log" |
		    tr -s ' ' | cut -c1-220)
		[ -n "$reason" ] || reason=$(grep -m1 '^FAIL' "$log" |
		    tr -s ' ')
		echo "failed $reason"
	else
		echo "failed (error) $(grep -m1 -i 'error\|tcpshake:' "$log" |
		    tr -s ' ' | cut -c1-200)"
	fi
}

# packetdrill's verdict in a namespace of its own, as its run_all.py runs
# it, but with addresses of 198.18.0.0/15 (RFC 2544) in place of its
# 192.168.0.1 and 192.0.2.1: nothing else goes on any wire, not even a
# private one.
theirs() {
	name=$1 log=$2
	(cd "$scratch/net/$(dirname "$name")" &&
	    timeout -s INT "$timeout_s" unshare -n sh -c 'ip link set lo up;
	    exec "$0" --ip_version=ipv4 --local_ip=198.18.0.1 \
	    --gateway_ip=198.18.0.1 --netmask_ip=255.255.0.0 \
	    --remote_ip=198.19.0.1 $1 "$2"' "$pd" "$PD_DEFS" \
	    "$(basename "$name")") >"$log" 2>&1
	[ $? -eq 0 ] && echo passed || echo "failed $( (grep -m1 '\.pkt:' \
	    "$log" || grep -m1 -v '^$' "$log") | tr -s ' ' | cut -c1-160)"
}

np=0 nf=0 nr=0 pdp=0 both=0
for name in $names; do
	if [ ! -f "$scratch/net/$name" ]; then
		echo "missing  $name"
		continue
	fi
	base=$(echo "$name" | tr / _)
	v=$(ours "$name" "$out/$base.tcpshake")
	case $v in
	passed*) np=$((np + 1)) ;;
	refused*) nr=$((nr + 1)) ;;
	*) nf=$((nf + 1)) ;;
	esac
	line=$(printf '%-60s tcpshake: %s' "$name" "$v")
	if [ -n "$pd" ]; then
		w=$(theirs "$name" "$out/$base.packetdrill")
		case $w in passed*)
			pdp=$((pdp + 1))
			case $v in passed*) both=$((both + 1)) ;; esac ;;
		esac
		line="$line | packetdrill: $w"
	fi
	echo "$line"
done
echo "# tcpshake: $np passed, $nf failed, $nr refused"
if [ -n "$pd" ]; then
	echo "# packetdrill: $pdp passed; of those tcpshake passes $both"
fi
[ -z "$keep" ] || echo "# outputs in $out, scripts in $scratch/net"
exit 0
