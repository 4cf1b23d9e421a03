#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# realpath-lab.sh: `tcpshake lab up --offloads on` turns checksum offload,
# TSO, GSO and GRO on at both veth ends, so connect sees offloaded
# checksums and super-segments; `--offloads off` (and the default) turn
# them off, so the same echo shows right checksums and wire segments.
. "$top_srcdir/tests/lib.sh"
need_root
TMP=$(mktemp -d)
trap 'lab_stop; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
head -c 100000 /dev/urandom >"$TMP/100k"

# Offloads of one veth end, as ethtool -k names them, on or off. (Its
# summary line tcp-segmentation-offload stays "on" on kernels with
# tx-tcp-accecn-segmentation, which the ioctls lab.c uses do not reach:
# the features that matter are asked for one by one.)
feature() {
	ip netns exec "$LAB-$1" ethtool -k "$2" |
	    sed -n "s/^[[:space:]]*$3: \([a-z]*\).*/\1/p"
}

for setting in on off; do
	lab_start --offloads $setting
	# (lab_start sets traps of its own: $TMP must still go at the end)
	trap 'lab_stop; rm -rf "$TMP"' EXIT
	trap 'exit 1' INT TERM HUP
	for f in tx-checksum-ip-generic tx-tcp-segmentation \
	    tx-tcp6-segmentation generic-segmentation-offload \
	    generic-receive-offload; do
		[ "$(feature c c0 $f)" = $setting ] ||
			fail "--offloads $setting: c0 $f is $(feature c c0 $f)"
		[ "$(feature s s0 $f)" = $setting ] ||
			fail "--offloads $setting: s0 $f is $(feature s s0 $f)"
	done
	in_client "$TCPSHAKE" connect 198.18.0.2:80 --send @"$TMP/100k" \
	    --expect-echo >"$TMP/out" 2>&1 || {
		show "$TMP/out"
		fail "--offloads $setting: 100 KB echo failed"
	}
	grep -q 'received 100000 ' "$TMP/out" || {
		show "$TMP/out"
		fail "--offloads $setting: not 100000 bytes received"
	}
	big=$(grep ' RCVD ' "$TMP/out" |
	    sed -n 's/.* [0-9]*:[0-9]*(\([0-9]*\)).*/\1/p' | sort -n | tail -n 1)
	if [ $setting = on ]; then
		grep -q 'RCVD .*\[checksum offloaded\]$' "$TMP/out" ||
			fail "--offloads on: no offloaded checksum"
		[ "$big" -gt 1460 ] || fail "--offloads on: no super-segment"
	else
		grep -q 'checksum offloaded\|bad checksum' "$TMP/out" &&
			fail "--offloads off: a checksum not right"
		[ "$big" -le 1460 ] ||
			fail "--offloads off: a $big-byte segment"
	fi
	lab_stop
done
"$TCPSHAKE" lab up --name "$(lab_name)" --offloads sometimes \
    >"$TMP/out" 2>&1 && fail "--offloads sometimes accepted"
grep -q 'takes on or off' "$TMP/out" || fail "--offloads sometimes: $(cat "$TMP/out")"
exit 0
