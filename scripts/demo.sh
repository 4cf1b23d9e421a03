#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/demo.sh: build tcpshake and run its main job on the lab, no outside
# host needed: bring up a client and a server namespace, probe an open and a
# closed port of the real Linux stack there, hold a whole conversation from
# user space drawn as a ladder with both ends' states, run two shipped
# scenarios, and take the lab down again.
#
# scripts/demo.sh [LAB]: the lab's name (default demo and the pid, so another user's
# lab is never taken down or replaced).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh scripts/deps.sh
sh scripts/build.sh _build
ts="$top/_build/tcpshake"
lab=${1:-demo$(($$ % 100000))}
trap '"$ts" lab down --name $lab >/dev/null 2>&1 || true' EXIT INT TERM HUP
"$ts" lab up --name $lab
echo
echo "\$ tcpshake probe -S -p 80,81 --seq 1234567 --mss 1460 --sackok 198.18.0.2"
"$ts" lab exec --name $lab -- "$ts" probe -S -p 80,81 --seq 1234567 \
	--mss 1460 --sackok 198.18.0.2 || true
echo
echo "\$ tcpshake probe -S -p 80 2001:db8::2"
"$ts" lab exec --name $lab -- "$ts" probe -S -p 80 2001:db8::2 || true
echo
# printf, not echo: dash's echo would turn the \r\n into the bytes.
printf '%s\n' "\$ tcpshake connect --ladder --send 'hello\\r\\n' --expect-echo --peer-netns $lab-s 198.18.0.2:80"
"$ts" lab exec --name $lab -- "$ts" connect --ladder --send 'hello\r\n' \
	--expect-echo --peer-netns $lab-s 198.18.0.2:80 || true
echo
echo "\$ tcpshake run scenarios/handshake-and-active-close.shake scenarios/rst-closed-port.shake"
"$ts" lab exec --name $lab -- "$ts" run \
	scenarios/handshake-and-active-close.shake scenarios/rst-closed-port.shake
