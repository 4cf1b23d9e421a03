#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# lab-exercise.sh: `lab list` names the exercises of a directory
# (TCPSHAKE_LABS) with their titles; `lab exercise NAME` finds one by
# NN-name, name or NN, prints its worksheet (not with --no-worksheet),
# runs it as `run --lab --ladder` does (the same ladder), explains its
# capture with a "lab explain" line, takes the file's "lab quick" values
# with --quick (and -D over them); an unknown name is one line with the
# close names, exit 2.
. "$top_srcdir/tests/lib.sh"
need_root
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM HUP
L=$TMP/labs
mkdir "$L"
TCPSHAKE_LABS=$L
export TCPSHAKE_LABS

# No exercises: nothing listed, no error.
"$TCPSHAKE" lab list >"$TMP/out" 2>"$TMP/err" || fail "lab list of an empty directory failed"
[ ! -s "$TMP/out" ] || { show "$TMP/out"; fail "lab list of an empty directory listed something"; }

cat >"$L/01-shake-hands.shake" <<'SHAKE'
# 01-shake-hands: a handshake, then a reset
--define=WIN=65535
lab quick WIN=1000
lab serve --port 80 --mode echo
target 198.18.0.2:80
0      < S 0:0(0) win WIN <mss 1460>
+0     > S. 0:0(0) ack 1 <mss 1460>
#ifdef QUICK
+0     < . 1:1(0) ack 1 win 999
#endif
#ifndef QUICK
+0     < . 1:1(0) ack 1 win 1234
#endif
+0     < R. 1:1(0) ack 1 win 0
SHAKE
printf '# 01-shake-hands\n\n## Claim\n\nWORKSHEET-TEXT\n' >"$L/01-shake-hands.md"
sed -e 's/^# 01-shake-hands:.*/# 02-explained: the same, explained/' \
    -e 's/^lab quick.*/lab explain/' "$L/01-shake-hands.shake" >"$L/02-explained.shake"
printf '# 02-explained\n' >"$L/02-explained.md"
echo '0 < S 0:0(0) win 1' >"$L/03-untitled.shake"
: >"$L/not-an-exercise.shake"
: >"$L/04-bad.name.shake"

"$TCPSHAKE" lab list >"$TMP/out" 2>"$TMP/err" || { show "$TMP/err"; fail "lab list failed"; }
cat >"$TMP/want" <<'OUT'
01-shake-hands           a handshake, then a reset
02-explained             the same, explained
03-untitled              (no '# NN-name: title' first line)
OUT
diff -u "$TMP/want" "$TMP/out" >&2 || fail "lab list"

# Unknown: one line, the close names, exit 2.
rc=0
"$TCPSHAKE" lab exercise shake-hnads >"$TMP/out" 2>"$TMP/err" || rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && [ ! -s "$TMP/out" ] &&
    grep -q "no exercise 'shake-hnads' (close: 01-shake-hands;" "$TMP/err" ||
	{ show "$TMP/err"; fail "unknown exercise: exit $rc"; }
rc=0
"$TCPSHAKE" lab exercise 01 02 >"$TMP/out" 2>"$TMP/err" || rc=$?
[ $rc = 2 ] || fail "two names: exit $rc"
rc=0
"$TCPSHAKE" lab exercise --name x 01 >"$TMP/out" 2>"$TMP/err" || rc=$?
[ $rc = 2 ] || fail "exercise --name: exit $rc"
rc=0
"$TCPSHAKE" lab up --quick >"$TMP/out" 2>"$TMP/err" || rc=$?
[ $rc = 2 ] && grep -q "go with 'lab exercise'" "$TMP/err" || fail "lab up --quick: exit $rc"

# NN-name, name and NN name the same; the worksheet comes first.
for n in 01-shake-hands shake-hands 01 01-shake-hands.shake; do
	"$TCPSHAKE" lab exercise "$n" >"$TMP/ex.$n" 2>"$TMP/err" ||
		{ show "$TMP/ex.$n" "$TMP/err"; fail "lab exercise $n failed"; }
	[ "$(sed -n 3p "$TMP/ex.$n")" = "## Claim" ] &&
	    grep -q "# 01-shake-hands.shake: ok, 4 steps" "$TMP/ex.$n" ||
		{ show "$TMP/ex.$n"; fail "lab exercise $n: worksheet, then the run"; }
done
# The full run: #ifndef QUICK's line, the file's WIN.
grep -q -- '-- S 0:0(0) win 65535 ' "$TMP/ex.01" && grep -q -- '-- \. 1:1(0) ack 1 win 1234 ' "$TMP/ex.01" ||
	{ show "$TMP/ex.01"; fail "the full run is not the file's own"; }
grep -q "tcpshake read -e" "$TMP/ex.01" && fail "explained without 'lab explain'"

# --no-worksheet: the run only, the ladder of run --lab --ladder (its
# arrows and states; times, ports and the step lines' wrapping vary).
"$TCPSHAKE" lab exercise --no-worksheet 01 >"$TMP/nw" 2>"$TMP/err" ||
	{ show "$TMP/nw" "$TMP/err"; fail "--no-worksheet failed"; }
grep -q "WORKSHEET-TEXT" "$TMP/nw" && fail "--no-worksheet printed the worksheet"
(cd "$L" && "$TCPSHAKE" run --lab --ladder 01-shake-hands.shake) >"$TMP/run" 2>"$TMP/err" ||
	{ show "$TMP/run" "$TMP/err"; fail "run --lab --ladder failed"; }
arrows() { grep -e '--' "$1" | grep '|' | sed 's/^ *[0-9.]* *//; s/:[0-9]*/:P/g'; }
arrows "$TMP/nw" >"$TMP/nw.a"
arrows "$TMP/run" >"$TMP/run.a"
[ -s "$TMP/run.a" ] && diff -u "$TMP/run.a" "$TMP/nw.a" >&2 ||
	fail "lab exercise --no-worksheet does not draw run --lab --ladder's ladder"
[ "$(tail -n 1 "$TMP/nw")" = "$(tail -n 1 "$TMP/run")" ] ||
	fail "the summaries differ"

# --quick: the file's "lab quick" values and QUICK; -D wins over them.
"$TCPSHAKE" lab exercise --quick --no-worksheet 01 >"$TMP/q" 2>"$TMP/err" ||
	{ show "$TMP/q" "$TMP/err"; fail "--quick failed"; }
grep -q -- '-- S 0:0(0) win 1000 ' "$TMP/q" && grep -q -- '-- \. 1:1(0) ack 1 win 999 ' "$TMP/q" ||
	{ show "$TMP/q"; fail "--quick: not the shortened run"; }
"$TCPSHAKE" lab exercise --quick -D WIN=2000 --no-worksheet 01 >"$TMP/qd" 2>"$TMP/err" ||
	{ show "$TMP/qd" "$TMP/err"; fail "--quick -D failed"; }
grep -q -- '-- S 0:0(0) win 2000 ' "$TMP/qd" || { show "$TMP/qd"; fail "-D does not win over 'lab quick'"; }

# "lab explain": read -e of the run's capture after the run.
"$TCPSHAKE" lab exercise --no-worksheet explained >"$TMP/e" 2>"$TMP/err" ||
	{ show "$TMP/e" "$TMP/err"; fail "the explained exercise failed"; }
awk '/# 02-explained.shake: ok/ { r = NR } /^# tcpshake read -e/ { e = NR }
    /^    checksum 0x[0-9a-f]*: right/ { c++ } /^4 TCP segments/ { s = NR }
    END { exit !(r && e > r && c == 4 && s > e) }' "$TMP/e" ||
	{ show "$TMP/e"; fail "lab explain: no read -e of the 4 segments after the run"; }
exit 0
