#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/build.sh [DIR [CONFIGURE ARGS...]]: configure and build tcpshake
# out of tree in DIR (default _build), warnings as errors.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-_build}
[ $# -gt 0 ] && shift
cd "$top"
[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi >/dev/null
mkdir -p "$dir"
cd "$dir"
"$top/configure" -q --enable-werror "$@"
make -j"$(nproc)" >/dev/null
