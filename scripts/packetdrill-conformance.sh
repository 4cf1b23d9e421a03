#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# packetdrill-conformance.sh: run google/packetdrill's TCP scripts
# (gtests/net/tcp, the pinned list tests/packetdrill/list.txt) with
# `tcpshake run --lab`, and with packetdrill itself when -p gives its
# binary, side by side, in the three families packetdrill's run_all.py
# runs (ipv4, ipv6 with --mtu=1520, ipv4-mapped-ipv6), each with its -D
# names; one line a script and family: passed, failed (the first failing
# step's reason) or refused (the first parse error).
#
#   sh scripts/packetdrill-conformance.sh [-p PACKETDRILL] [-o DIR]
#       [-t TCPSHAKE] [-f FAMILY[,FAMILY...]] [-k] [CHECKOUT] [NAME...]
#
# CHECKOUT is a packetdrill checkout (or $PACKETDRILL_SRC); without one
# the pinned commit is cloned when the network allows. The scripts are
# GPLv2 and stay outside this repository: they are copied to a scratch
# directory. NAMEs (as in the list) pick scripts; -f picks families
# (ipv4, ipv6, ipv4-mapped-ipv6; all three by default); -k keeps the
# scratch directory and the outputs. As root, cubic joins the host's
# net.ipv4.tcp_allowed_congestion_control for the run (a namespace may
# only select an allowed one, and common/defaults.sh selects cubic); the
# exact previous value is put back on every exit.
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
families="ipv4 ipv6 ipv4-mapped-ipv6"
timeout_s=${PD_TIMEOUT:-120}

usage() {
	echo "usage: $0 [-p PACKETDRILL] [-o DIR] [-t TCPSHAKE]" \
	    "[-f FAMILY[,FAMILY...]] [-k] [CHECKOUT] [NAME...]" >&2
	exit 2
}

while getopts p:o:t:f:k o; do
	case $o in
	p) pd=$(cd "$(dirname "$OPTARG")" && pwd)/$(basename "$OPTARG") ;;
	o) out=$OPTARG ;;
	t) tcpshake=$OPTARG ;;
	f) families=$(echo "$OPTARG" | tr ',' ' ')
	   for f in $families; do
		case $f in
		ipv4|ipv6|ipv4-mapped-ipv6) ;;
		*) echo "packetdrill-conformance: -f $f: a family is ipv4," \
		    "ipv6 or ipv4-mapped-ipv6" >&2; exit 2 ;;
		esac
	   done ;;
	k) keep=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))

src=${PACKETDRILL_SRC:-}
if [ $# -gt 0 ] && [ -d "$1" ]; then
	src=$1
	shift
fi
scratch=$(mktemp -d /tmp/tcpshake-pd.XXXXXX)
cc_sysctl=net.ipv4.tcp_allowed_congestion_control
cc_was=
cleanup() {
	[ -z "$cc_was" ] || sysctl -q -w "$cc_sysctl=$cc_was" ||
	    echo "packetdrill-conformance: could not put back" \
	    "$cc_sysctl=\"$cc_was\"" >&2
	[ -n "$keep" ] || rm -rf "$scratch"
}
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
# The runs start in the scripts' folders.
tcpshake=$(cd "$(dirname "$tcpshake")" && pwd)/$(basename "$tcpshake")

mkdir -p "$scratch/net"
cp -RL "$src/gtests/net/." "$scratch/net/"
# Ten fastopen/server/opt34 scripts write run_all.py's IPv4 cookie
# itself, not its name: the copies name it TFO_COOKIE, which each tool's
# runs define as the cookie of their own addresses (below).
find "$scratch/net/tcp" -name '*.pkt' -exec \
    sed -i 's/3021b9d889017eeb/TFO_COOKIE/g' {} +
[ -n "$out" ] || out=$scratch/out
mkdir -p "$out"

if [ $# -gt 0 ]; then
	names=$*
else
	names=$(grep -v '^#' "$list")
fi

# cubic allowed in the namespaces, as root (common/defaults.sh asks for
# it; a namespace may only select what the host allows).
cc_now=$(sysctl -n "$cc_sysctl" 2>/dev/null)
if [ "$(id -u)" = 0 ] && [ -n "$cc_now" ] &&
    ! echo " $cc_now " | grep -q ' cubic '; then
	if sysctl -q -w "$cc_sysctl=$cc_now cubic"; then
		cc_was=$cc_now
	else
		echo "packetdrill-conformance: cannot allow cubic" \
		    "($cc_sysctl); the namespaces run the host's default" >&2
	fi
fi

# What packetdrill's run_all.py gives each family: its options and -D
# names (defs FAMILY), and the addresses our packetdrill runs use in
# place of its own (pdaddrs FAMILY): 198.18.0.0/15 and 2001:db8::/32.
defs() {
	case $1 in
	ipv4) echo "--ip_version=ipv4 --local_ip=192.168.0.1" \
	    "--remote_ip=192.0.2.1 -D TFO_COOKIE=3021b9d889017eeb" \
	    "-D CODE=host_unreachable -D CMSG_LEVEL_IP=SOL_IP" \
	    "-D CMSG_TYPE_RECVERR=IP_RECVERR" ;;
	ipv6) echo "--ip_version=ipv6 --mtu=1520 --local_ip=fd3d:a0b:17d6::1" \
	    "--remote_ip=fd3d:fa7b:d17d::1 -D TFO_COOKIE=c1d1e9742a47a9bc" \
	    "-D CMSG_LEVEL_IP=SOL_IPV6 -D CMSG_TYPE_RECVERR=IPV6_RECVERR" ;;
	ipv4-mapped-ipv6) echo "--ip_version=ipv4-mapped-ipv6" \
	    "--local_ip=192.168.0.1 --remote_ip=192.0.2.1" \
	    "-D TFO_COOKIE=3021b9d889017eeb -D CODE=host_unreachable" \
	    "-D CMSG_LEVEL_IP=SOL_IPV6 -D CMSG_TYPE_RECVERR=IPV6_RECVERR" ;;
	esac
}
pdaddrs() {
	case $1 in
	ipv6) echo "--local_ip=2001:db8:17d6::1" \
	    "--gateway_ip=2001:db8:17d6:8888::1 --remote_ip=2001:db8:d17d::1" ;;
	*) echo "--local_ip=198.18.0.1 --gateway_ip=198.18.0.1" \
	    "--netmask_ip=255.255.0.0 --remote_ip=198.19.0.1" ;;
	esac
}
# The Fast Open cookie the target's kernel gives a client: run_all.py's
# TFO_COOKIE is the one for its own addresses; each tool's runs get the
# one for the addresses on its wire (scripts/tfo-cookie.py, keyed with
# defaults.sh's tcp_fastopen_key). tfo CLIENT4 SERVER4 CLIENT6 SERVER6
# FAMILY.
tfo_key=$(sed -n 's/.*tcp_fastopen_key=\([0-9a-fA-F-]*\).*/\1/p' \
    "$scratch/net/common/defaults.sh" | head -n 1)
tfo() {
	if [ "$5" = ipv6 ]; then set -- "$3" "$4"; else set -- "$1" "$2"; fi
	python3 "$here/scripts/tfo-cookie.py" "$1" "$2" \
	    ${tfo_key:+"$tfo_key"} 2>/dev/null || echo none
}
# The lab's: the prober 198.18.0.1 / 2001:db8::1, the target .2 / ::2.
our_tfo() { tfo 198.18.0.1 198.18.0.2 2001:db8::1 2001:db8::2 "$1"; }
# packetdrill's: its remote then its local address of pdaddrs.
their_tfo() { tfo 198.19.0.1 198.18.0.1 2001:db8:d17d::1 2001:db8:17d6::1 "$1"; }
# Our options: run_all.py's, its addresses being names in the files
# (tcpshake maps them to the lab's).
ourdefs() { defs "$1" | sed "s/TFO_COOKIE=[0-9a-f]*/TFO_COOKIE=$(our_tfo "$1")/"; }
# packetdrill's: run_all.py's with our addresses in place of its own
# (and after them: its last --local_ip wins).
theirdefs() {
	defs "$1" | sed 's/--local_ip=[^ ]* //; s/--remote_ip=[^ ]* //' |
	    sed "s/TFO_COOKIE=[0-9a-f]*/TFO_COOKIE=$(their_tfo "$1")/"
}

# Our verdict: passed, failed REASON, refused REASON.
ours() {
	name=$1 log=$2 fam=$3
	# shellcheck disable=SC2046 # one word an option
	(cd "$scratch/net/$(dirname "$name")" &&
	    timeout -s INT "$timeout_s" "$tcpshake" run --lab \
	    $(ourdefs "$fam") "$(basename "$name")") >"$log" 2>&1
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
# it, but with addresses of 198.18.0.0/15 (RFC 2544) and 2001:db8::/32
# (RFC 3849) in place of its own: nothing else goes on any wire, not
# even a private one.
theirs() {
	name=$1 log=$2 fam=$3
	(cd "$scratch/net/$(dirname "$name")" &&
	    timeout -s INT "$timeout_s" unshare -n sh -c 'ip link set lo up;
	    exec "$0" $1 "$2"' "$pd" "$(theirdefs "$fam") $(pdaddrs "$fam")" \
	    "$(basename "$name")") >"$log" 2>&1
	[ $? -eq 0 ] && echo passed || echo "failed $( (grep -m1 '\.pkt:' \
	    "$log" || grep -m1 -v '^$' "$log") | tr -s ' ' | cut -c1-160)"
}

# Per family: ours passed, failed, refused; packetdrill's passed; both.
count() { eval "$1_$(echo "$2" | tr -- '-' '_')=\$((\${$1_$(echo "$2" |
    tr -- '-' '_'):-0} + 1))"; }
get() { eval "echo \${$1_$(echo "$2" | tr -- '-' '_'):-0}"; }

for name in $names; do
	if [ ! -f "$scratch/net/$name" ]; then
		echo "missing  $name"
		continue
	fi
	base=$(echo "$name" | tr / _)
	for fam in $families; do
		v=$(ours "$name" "$out/$base.$fam.tcpshake" "$fam")
		case $v in
		passed*) count np "$fam" ;;
		refused*) count nr "$fam" ;;
		*) count nf "$fam" ;;
		esac
		line=$(printf '%-56s %-16s tcpshake: %s' "$name" "$fam" "$v")
		if [ -n "$pd" ]; then
			w=$(theirs "$name" "$out/$base.$fam.packetdrill" "$fam")
			case $w in passed*)
				count pdp "$fam"
				case $v in passed*) count both "$fam" ;; esac ;;
			esac
			line="$line | packetdrill: $w"
		fi
		echo "$line"
	done
done
for fam in $families; do
	echo "# $fam: tcpshake: $(get np "$fam") passed, $(get nf "$fam")" \
	    "failed, $(get nr "$fam") refused"
	if [ -n "$pd" ]; then
		echo "# $fam: packetdrill: $(get pdp "$fam") passed; of those" \
		    "tcpshake passes $(get both "$fam")"
	fi
done
[ -z "$keep" ] || echo "# outputs in $out, scripts in $scratch/net"
exit 0
