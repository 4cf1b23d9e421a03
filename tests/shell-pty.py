#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/shell-pty.py TRANSCRIPT COMMAND...: drive COMMAND through a
# pseudo-terminal as a person would, following a dialogue read on stdin,
# one directive a line:
#   type TEXT          keys to press (\r Enter, \t Tab, \x03 Ctrl-C,
#                      \x04 Ctrl-D, \x1b[A Up: Python escapes)
#   expect REGEX [S]   wait at most S seconds (5) for REGEX in what the
#                      terminal shows after the previous match
#   absent REGEX       REGEX is not in what was shown since then
#   sleep S
#   within S           the previous expect came at most S s after the
#                      type before it
#   status N           the command ends with exit status N (within 15 s)
# Everything the terminal showed goes to TRANSCRIPT; exit 1 on the first
# directive that does not hold, saying which.
import os
import pty
import re
import select
import sys
import time


def main():
    transcript, argv = sys.argv[1], sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.execvp(argv[0], argv)
    seen = b""
    pos = 0
    typed_at = time.monotonic()
    last_match_at = typed_at

    def pump(timeout):
        nonlocal seen
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(fd, 4096)
        except OSError:
            return None
        if not data:
            return None
        seen += data
        with open(transcript, "ab") as f:
            f.write(data)
        return True

    def fail(msg):
        sys.stderr.write("shell-pty: %s\n--- shown since the last match:\n%s\n"
                         % (msg, seen[pos:].decode("utf-8", "replace")))
        try:
            os.kill(pid, 9)
        except OSError:
            pass
        sys.exit(1)

    for raw in sys.stdin:
        line = raw.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        word, _, arg = line.partition(" ")
        if word == "type":
            os.write(fd, arg.encode().decode("unicode_escape").encode(
                "latin-1"))
            typed_at = time.monotonic()
        elif word == "expect":
            m = re.match(r"(.*?)(?: (\d+(?:\.\d+)?))?$", arg)
            rx, tmo = re.compile(m.group(1).encode()), float(m.group(2) or 5)
            end = time.monotonic() + tmo
            while True:
                hit = rx.search(seen, pos)
                if hit:
                    pos = hit.end()
                    last_match_at = time.monotonic()
                    break
                left = end - time.monotonic()
                if left <= 0 or pump(left) is None and not rx.search(seen, pos):
                    fail("no /%s/ within %g s" % (m.group(1), tmo))
        elif word == "absent":
            while pump(0.2):
                pass
            if re.search(arg.encode(), seen[pos:]):
                fail("/%s/ was shown" % arg)
        elif word == "sleep":
            end = time.monotonic() + float(arg)
            while time.monotonic() < end:
                pump(max(0, end - time.monotonic()))
        elif word == "within":
            if last_match_at - typed_at > float(arg):
                fail("took %.2f s, more than %s" % (last_match_at - typed_at,
                                                     arg))
        elif word == "status":
            end = time.monotonic() + 15
            while time.monotonic() < end:
                if pump(0.1) is None:
                    break
            _, st = os.waitpid(pid, 0)
            code = os.waitstatus_to_exitcode(st)
            if code != int(arg):
                fail("exit status %d, want %s" % (code, arg))
            return
        else:
            fail("unknown directive: " + line)


main()
