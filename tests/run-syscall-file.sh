#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-syscall-file.sh: the agent's calls on files and pipes under
# `run --lab`: open() of a file a command line made and sendfile() of it
# (its bytes seen in the target's segments on the wire), pipe() and
# splice() from an accepted socket (their counts, the bytes read back
# from the pipe), IP_FREEBIND set and read back; a wrong count, a file
# that is not there and a wrong payload each fail their line with the
# reason.
. "$top_srcdir/tests/lib.sh"
need_root
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM HUP
D=$top_srcdir/tests/data/syscall

# The files run from a copy: sendfile.shake makes its file in its own
# directory, which the source tree may not let it write.
cp "$D/sendfile.shake" "$D/splice.shake" "$TMP/"
for f in sendfile splice; do
	run_lab_passes "$TMP/$f.shake" "$TMP/out"
done
[ "$(cat "$TMP/sendfile.data")" = "hello, file" ] ||
	fail "sendfile.shake's command did not make its file where it runs"

# fails_with NAME WHAT REASON: $TMP/NAME.shake (sendfile.shake with a
# sed script's change) fails (exit 1) and says REASON (a grep pattern).
fails_with() {
	sed "$2" "$TMP/sendfile.shake" >"$TMP/$1.shake"
	RC=0
	"$TCPSHAKE" run --lab "$TMP/$1.shake" >"$TMP/out" 2>&1 || RC=$?
	[ "$RC" = 1 ] || { show "$TMP/out"; fail "$1: exit $RC, not 1"; }
	grep -q "$3" "$TMP/out" || { show "$TMP/out"; fail "$1: no reason"; }
}
fails_with count 's/\[0\], 11) = 11/[0], 11) = 10/' \
    'sendfile returned = 11, the line says = 10'
fails_with nofile 's/open("sendfile.data"/open("none.data"/' \
    'open returned = -1 ENOENT (No such file or directory), the line says = 5'
# The bytes on the wire are the file's: other bytes fail the line.
fails_with bytes 's/"hello, file"/"hello, fila"/' \
    'got: P\. 1:12(11) ack 1 "hello, file"'
exit 0
