#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# labs.sh: every lab exercise (labs/NN-name.shake) passes, run as
# `tcpshake lab exercise --no-worksheet`, and its worksheet's quoted
# output (```output blocks) is in what it printed
# (scripts/worksheet-check.sh). make check runs the shortened exercises
# shortened (--quick: their "lab quick" values; the worksheet's
# ```output-full blocks left out); LABS_FULL=1 (make check-slow) runs
# those in full and checks every block. Every exercise is listed in
# mk/labs.am (make dist ships only what is listed). First the mechanism
# itself, on exercises of its own in a directory of its own: a passing
# one, a worksheet that quotes what the run did not print, and a
# shortened one both ways.
. "$top_srcdir/tests/lib.sh"
need_root
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM HUP
check=$top_srcdir/scripts/worksheet-check.sh
full=${LABS_FULL:-0}

# exercise DIR NAME: run it (one more run when it fails under make
# check's load, said aloud) and check the worksheet; the reason on stderr.
exercise() {
	ex_dir=$1 ex=$2 q=--quick wq=--quick
	[ "$full" = 1 ] && q='' wq=
	out=$TMP/$ex.out
	for try in 1 2; do
		rc=0
		TCPSHAKE_LABS=$ex_dir "$TCPSHAKE" lab exercise --no-worksheet $q "$ex" \
		    >"$out" 2>"$TMP/$ex.err" || rc=$?
		[ $rc = 0 ] && sh "$check" $wq "$ex_dir/$ex.md" "$out" >"$TMP/$ex.check" 2>&1 &&
			return 0
		[ $try = 1 ] && echo "$ex: failed once (exit $rc), once more:" >&2 &&
			cat "$TMP/$ex.check" >&2
	done
	show "$out" "$TMP/$ex.err" "$TMP/$ex.check"
	return 1
}

# The mechanism, on exercises of its own.
L=$TMP/labs
mkdir "$L"
cat >"$L/01-test.shake" <<'SHAKE'
# 01-test: a SYN-ACK, retransmitted, then the target gives up
--define=RETRIES=2
lab quick RETRIES=1
lab sysctl net.ipv4.tcp_synack_retries=RETRIES
lab serve --port 80 --mode echo --realtime
target 198.18.0.2:80
0        < S 0:0(0) win 65535 <mss 1460>
+0       > S. 0:0(0) ack 1 <mss 1460>
+1       > S. 0:0(0) ack 1 <mss 1460>
#ifndef QUICK
+2       > S. 0:0(0) ack 1 <mss 1460>
+0~+4.5  > none
#endif
#ifdef QUICK
+0~+2.5  > none
#endif
SHAKE
cat >"$L/01-test.md" <<'MD'
# 01-test

## Run

```output
...|-- S 0:0(0) win 65535 <mss 1460> ---...SYN_RECEIVED
...|<---... S. 0:0(0) ack 1 win ... <mss 1460> --|
...|<---... S. 0:0(0) ack 1 win ... <mss 1460> --|
```

Only the full run retransmits twice:

```output-full
...|<---... S. 0:0(0) ack 1 win ... <mss 1460> --|
```

```output
SYN_RECEIVED held ...CLOSED
# 01-test.shake: ok, ... steps
```
MD
exercise "$L" 01-test || fail "the test exercise"
n=$(grep -c '<--.* S\. 0:0(0) ack 1' "$TMP/01-test.out")
if [ "$full" = 1 ]; then want=3; else want=2; fi
[ "$n" = $want ] || { show "$TMP/01-test.out"; fail "$want SYN-ACKs expected, $n seen"; }
# A worksheet that quotes what the run did not print is caught.
sed 's/ok, \.\.\. steps/FAILED/' "$L/01-test.md" >"$L/02-test.md"
rc=0
wq=--quick
[ "$full" = 1 ] && wq=
sh "$check" $wq "$L/02-test.md" "$TMP/01-test.out" >"$TMP/bad" 2>&1 || rc=$?
[ $rc = 1 ] && grep -q "02-test.md:.*: not in the output (in this order): # 01-test.shake: FAILED" "$TMP/bad" ||
	{ show "$TMP/bad"; fail "worksheet-check did not catch a wrong quote (exit $rc)"; }
# The quick output lacks the full run's third SYN-ACK: without --quick
# the check says so.
if [ "$full" != 1 ]; then
	sh "$check" "$L/01-test.md" "$TMP/01-test.out" >/dev/null 2>&1 &&
		fail "worksheet-check read the shortened run as the full one"
fi

# The exercises of the tree, each listed in mk/labs.am.
names=$(TCPSHAKE_LABS=$top_srcdir/labs "$TCPSHAKE" lab list 2>/dev/null | awk '{ print $1 }')
bad=0 ran=0
for ex in $names; do
	for f in "$ex.shake" "$ex.md"; do
		[ -r "$top_srcdir/labs/$f" ] || { echo "FAIL: labs/$f: missing" >&2; bad=1; }
		[ ! -r "$top_srcdir/mk/labs.am" ] || grep -q "labs/$f\( \|\$\)" "$top_srcdir/mk/labs.am" ||
			{ echo "FAIL: labs/$f is not listed in mk/labs.am (LABS_FILES)" >&2; bad=1; }
	done
	# make check-slow: only what make check ran shortened.
	[ "$full" = 1 ] && ! grep -q '^lab quick ' "$top_srcdir/labs/$ex.shake" && continue
	ran=$((ran + 1))
	t0=$(date +%s)
	if exercise "$top_srcdir/labs" "$ex"; then
		echo "$ex: ok ($(($(date +%s) - t0)) s)"
	else
		echo "FAIL: $ex" >&2
		bad=1
	fi
done
echo "$ran exercises run$([ "$full" = 1 ] && echo " in full" || echo " (shortened where they say how)")"
exit $bad
