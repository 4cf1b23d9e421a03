#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# status-line.sh: the live status line on stderr. On a terminal (a pseudo-
# terminal here) a wait over a second shows what it awaits, the elapsed
# time and the deadline, redrawn in place and erased at the end; in a
# pipe, with --json, --tap or -q, never.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/connect-lib.sh"
need_root
connect_lab_start

# on_tty FILE CMD...: run CMD with stderr on a pseudo-terminal (stdout to
# $TMP/out); what the terminal got goes to FILE, raw.
on_tty() {
	python3 - "$@" <<'PY'
import os, pty, select, subprocess, sys
path, cmd = sys.argv[1], sys.argv[2:]
m, s = pty.openpty()
with open(os.environ["TMP"] + "/out", "wb") as out:
    p = subprocess.Popen(cmd, stdout=out, stderr=s, stdin=subprocess.DEVNULL)
    os.close(s)
    got = b""
    while True:
        r, _, _ = select.select([m], [], [], 0.2)
        if r:
            try:
                d = os.read(m, 4096)
            except OSError:
                break
            if not d:
                break
            got += d
        elif p.poll() is not None:
            break
    p.wait()
open(path, "wb").write(got)
sys.exit(p.returncode)
PY
}
export TMP

# expect_status FILE REGEX: the terminal got a status line matching REGEX
# (after "\r\033[K") and ended erased.
expect_status() {
	python3 - "$1" "$2" <<'PY' || { cat -v "$1" >&2; echo >&2; fail "status line: want '$2'"; }
import re, sys
got = open(sys.argv[1], "rb").read().decode()
lines = [l for l in got.split("\r\x1b[K") if l]
assert any(re.fullmatch(sys.argv[2], l) for l in lines), lines
assert got.endswith("\r\x1b[K"), "not erased at the end: %r" % got[-40:]
PY
}

# TIME_WAIT of 2 s: the status counts up to it.
on_tty "$TMP/tty" ip netns exec "$LAB-c" "$TCPSHAKE" connect --close fin \
    --time-wait 2s 198.18.0.2:80 || fail "connect --time-wait 2s exited $?"
expect_status "$TMP/tty" "TIME_WAIT: 1\.[0-9] s of 2\.0 s"
grep -q "^--- as asked (--close fin)$" "$TMP/out" || { show "$TMP/out"; fail "connect's report"; }

# --recv-wait: the status says what the phase does.
on_tty "$TMP/tty" ip netns exec "$LAB-c" "$TCPSHAKE" connect --recv-wait 1500ms \
    198.18.0.2:80 || fail "connect --recv-wait exited $?"
expect_status "$TMP/tty" "receiving: 1\.[0-9] s of 1\.5 s"

# In a pipe: nothing on stderr at all.
connect_run --close fin --time-wait 1200ms 198.18.0.2:80
expect_rc 0
[ -s "$TMP/err" ] && { show "$TMP/err"; fail "stderr in a pipe is not empty"; }

# --json and -q: a terminal, but no status line.
for opt in --json -q; do
	on_tty "$TMP/tty" ip netns exec "$LAB-c" "$TCPSHAKE" connect $opt \
	    --close fin --time-wait 1200ms 198.18.0.2:80 || fail "connect $opt exited $?"
	[ -s "$TMP/tty" ] && { cat -v "$TMP/tty" >&2; fail "connect $opt: a status line"; }
done

# run: a silence of 1.5 s, shown with its line; not with --tap.
cat >"$TMP/quiet.shake" <<'END'
target 198.18.0.2:80
0       < S 0:0(0) win 65535 <mss 1460>
+0      > S. 0:0(0) ack 1 <mss 1460>
+0      < . 1:1(0) ack 1 win 65535
+0~+1.5 > none
+0      < R. 1:1(0) ack 1 win 0
END
on_tty "$TMP/tty" ip netns exec "$LAB-c" "$TCPSHAKE" run "$TMP/quiet.shake" ||
	{ show "$TMP/out"; fail "run exited $?"; }
expect_status "$TMP/tty" "silence asked by line 5 \(\+0~\+1\.5 > none\): 1\.[0-9] s of 1\.5 s"
grep -q "quiet.shake: ok, 5 steps" "$TMP/out" || { show "$TMP/out"; fail "run's report"; }
for opt in --tap -q; do
	on_tty "$TMP/tty" ip netns exec "$LAB-c" "$TCPSHAKE" run $opt \
	    "$TMP/quiet.shake" || fail "run $opt exited $?"
	[ -s "$TMP/tty" ] && { cat -v "$TMP/tty" >&2; fail "run $opt: a status line"; }
done
exit 0
