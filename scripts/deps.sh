#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/deps.sh [--fuzz]: install what tcpshake needs to build and test on
# Debian; --fuzz adds clang and its libFuzzer runtime for the fuzz targets
# (./configure --enable-fuzz). Runs apt-get only when something is missing.
set -e
pkgs="build-essential autoconf automake pkg-config libpcap-dev libnet1-dev
libnftables-dev nftables iproute2 tcpdump python3 hping3 nmap ethtool
nginx-light openssh-server libnetfilter-queue-dev iptables libreadline-dev"
[ "${1:-}" = --fuzz ] && pkgs="$pkgs clang libclang-rt-dev"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "scripts/deps.sh: missing packages:$missing; run as root to install them" >&2
	exit 2
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
