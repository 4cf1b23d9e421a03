#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-sinks.sh: run's file sinks in the lab: --junit (one testsuite per
# file, one testcase per step that checks the target, failures with the
# difference, errors for a file that does not parse) read back by an XML
# parser, and --svg (the run's ladder as a picture).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/run-lib.sh"
need_root
run_lab_start

pass=$top_srcdir/scenarios/handshake-and-active-close.shake
# The data's ACK acks one byte too many: the file fails at that line.
awk '/^\+0 +> \. 1:1\(0\) ack 6$/ { sub(/ack 6/, "ack 7") } { print }' \
    "$pass" >"$TMP/wrong-ack.shake"
grep -q 'ack 7$' "$TMP/wrong-ack.shake" || fail "the mutation did not apply"
printf '0 < S 0:0(0) win\n' >"$TMP/broken.shake"

# A loaded machine delays the echo server: timing is not what is tested.
run_run --tolerance_usecs 200000 --junit "$TMP/j.xml" "$pass" "$TMP/wrong-ack.shake" "$TMP/broken.shake"
expect_rc 2 "--junit with a failing and a broken file"
python3 - "$TMP/j.xml" "$pass" "$TMP/wrong-ack.shake" "$TMP/broken.shake" <<'PY' ||
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
files = sys.argv[2:]
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert [s.get("name") for s in suites] == files, [s.get("name") for s in suites]
def counts(e):
    return tuple(int(e.get(k)) for k in ("tests", "failures", "errors"))
# The passing file: its five '>' lines; the failing one: the SYN-ACK, then
# the wrong ACK; the broken one: one error.
want = [(5, 0, 0), (2, 1, 0), (1, 0, 1)]
assert [counts(s) for s in suites] == want, [counts(s) for s in suites]
assert counts(root) == (8, 1, 1), counts(root)
for s in suites:
    assert len(s.findall("testcase")) == int(s.get("tests"))
    assert float(s.get("time")) >= 0 and len(s.get("timestamp")) == 19
    for c in s.findall("testcase"):
        assert float(c.get("time")) >= 0, c.attrib
# The passing file waits 0.1 s before its FIN and 1 s of silence at the end.
assert float(suites[0].get("time")) > 1.1, suites[0].get("time")
names = [c.get("name") for c in suites[0].findall("testcase")]
assert names[0].startswith("line 18: +0       > S. 0:0(0) ack 1"), names
assert names[-1] == "line 27: +0~+1    > none", names
bad = [c for c in suites[1].findall("testcase") if c.find("failure") is not None]
assert len(bad) == 1 and bad[0].get("line") == "21", [c.attrib for c in bad]
f = bad[0].find("failure")
assert "ack" in f.get("message"), f.get("message")
assert "expected: +0       > . 1:1(0) ack 7" in f.text and "got: " in f.text, f.text
err = suites[2].find("testcase/error")
assert err is not None and "--check" in err.get("message"), ET.tostring(suites[2])
PY
	{ show "$TMP/j.xml" "$TMP/out"; fail "--junit: see above"; }

# A file that cannot be written: one line, exit 2, before anything runs.
run_run --junit /nonexistent/j.xml "$pass"
expect_rc 2 "--junit into a missing directory"
grep -q "run: --junit cannot write '/nonexistent/j.xml'" "$TMP/err" ||
	{ show "$TMP/err"; fail "--junit into a missing directory: the error line"; }

# --svg: the run's conversation as a ladder picture beside the text report.
run_run --tolerance_usecs 200000 --svg "$TMP/run.svg" "$pass"
expect_rc 0 "--svg"
expect_out "$pass: ok," "--svg"
python3 - "$TMP/run.svg" <<'PY' || { show "$TMP/run.svg"; fail "--svg"; }
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
for want in ("S 0:0(0)", "S. 0:0(0) ack 1", "F. 6:6(0) ack 6", "F. 6:6(0) ack 7"):
    assert any(t.startswith(want) for t in texts), (want, texts)
PY
run_run --svg "$TMP/two.svg" "$pass" "$pass"
expect_rc 2 "--svg with two files"
grep -q "give one FILE.shake" "$TMP/err" || { show "$TMP/err"; fail "--svg with two files: the error"; }
exit 0
