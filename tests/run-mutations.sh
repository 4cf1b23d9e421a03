#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-mutations.sh: a mutated copy of each shipped scenario fails at the
# mutated line with the right difference: a wrong ack, a wrong flag, a
# time outside its window (each on the first expected line), a segment
# the target never sends. Exit status 1 for a failure, the file:line and
# the differing field in the report.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/run-lib.sh"
need_root
run_lab_start

# The first expected packet line: "LINE FLAGS ACK TIME".
first_expected() {
	awk '$1 !~ /^(#|--|target|flow|`)/ && $2 == ">" && $3 != "none" {
		ack = "-"
		for (i = 4; i < NF; i++) if ($i == "ack") ack = $(i + 1)
		print NR, $3, ack, $1; exit }' "$1"
}

# Replace field $2 of line $1 with $3.
mutate_field() {
	awk -v l="$1" -v f="$2" -v v="$3" 'NR == l { $f = v } { print }' "$4"
}

# Whether the last run failed at line $2 of $1 with difference $3.
failed_at() {
	[ "$RC" = 1 ] && grep -qF -- "$1:$2: expected:" "$TMP/out" &&
	    grep -F -- "differs: " "$TMP/out" | grep -qF -- "$3"
}

# Run the mutated copy $1; it must fail at line $2 with difference $3
# (a second try when it did not: the target's timing is a real kernel's
# under make check's load).
expect_fail_at() {
	run_run "$1"
	if ! failed_at "$@"; then
		echo "run-mutations: $(basename "$1") once failed elsewhere:" >&2
		show "$TMP/out"
		run_run "$1"
	fi
	expect_rc 1 "$(basename "$1")"
	expect_out "$1:$2: expected:" "$(basename "$1")"
	grep -F -- "differs: " "$TMP/out" | grep -qF -- "$3" || {
		show "$TMP/out" "$TMP/err"
		fail "$(basename "$1"): line $2 does not differ by: $3"
	}
}

n=0
for f in "$top_srcdir"/scenarios/*.shake; do
	name=$(basename "$f" .shake)
	set -- $(first_expected "$f")
	line=$1 flags=$2 ack=$3
	[ -n "$line" ] || fail "$name: no expected line"

	# A wrong ack.
	if [ "$ack" != - ]; then
		m="$TMP/$name-ack.shake"
		awk -v l="$line" 'NR == l { for (i = 1; i < NF; i++)
		    if ($i == "ack") { $(i + 1) = $(i + 1) + 1; break } }
		    { print }' "$f" >"$m"
		expect_fail_at "$m" "$line" \
		    "ack: expected $((ack + 1)), got $ack"
		n=$((n + 1))
	fi

	# A wrong flag.
	want=R.
	[ "$flags" = R. ] && want=.
	m="$TMP/$name-flag.shake"
	mutate_field "$line" 3 "$want" "$f" >"$m"
	expect_fail_at "$m" "$line" "flags: expected $want, got $flags"
	n=$((n + 1))

	# A time outside its window: the segment comes half a second early.
	m="$TMP/$name-time.shake"
	mutate_field "$line" 1 "+0.5" "$f" >"$m"
	expect_fail_at "$m" "$line" "us early"
	n=$((n + 1))

	# A segment the target never sends, before the closing silence.
	m="$TMP/$name-missing.shake"
	last=$(awk 'END { print NR }' "$f")
	awk -v l="$last" 'NR == l { print "+0 > P. 1:2(1) ack 1" } { print }' \
	    "$f" >"$m"
	expect_fail_at "$m" "$last" "no segment arrived by"
	n=$((n + 1))
done
[ $n -ge 36 ] || fail "only $n mutations ran"

# The command line's tolerance wins over the default: a second of it
# forgives the half-second-early segment.
m="$TMP/data-exchange-time.shake"
run_run --tolerance_usecs 1000000 "$m"
expect_rc 0 "--tolerance_usecs"
# The gap is the step's own +0.5: 150% of it forgives 0.5 s, 50% not.
run_run --tolerance_percent 150 "$m"
expect_rc 0 "--tolerance_percent 150"
run_run --tolerance_percent 50 "$m"
expect_rc 1 "--tolerance_percent 50"

# --keep-going: past the first failure to the end; both failures counted.
m="$TMP/two.shake"
awk '$2 == ">" && $3 != "none" && !done { sub(/ack [0-9]+/, "ack 9"); done = 1 }
    { print }' "$top_srcdir/scenarios/data-exchange.shake" >"$m"
echo '+0 > P. 1:2(1) ack 1' >>"$m"
run_run --keep-going "$m"
expect_rc 1 "--keep-going"
expect_out "$m: FAIL, 2 of" "--keep-going"
exit 0
