#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# completion.sh: completions/tcpshake.bash is what scripts/gen-completion.sh
# makes from the option tables today (so every option of every command is
# in it), it parses, and it completes options, values and lab's actions.
. "$top_srcdir/tests/lib.sh"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM HUP
sh "$top_srcdir/scripts/gen-completion.sh" "$TCPSHAKE" >"$tmp/gen.bash" ||
	fail "gen-completion.sh failed"
diff -u "$top_srcdir/completions/tcpshake.bash" "$tmp/gen.bash" >&2 ||
	fail "completions/tcpshake.bash is out of date: run sh scripts/gen-completion.sh _build/tcpshake >completions/tcpshake.bash"

# Every option --help lists is offered for its command.
for cmd in read probe connect run shell lab serve guard; do
	for o in $("$TCPSHAKE" "$cmd" --help | sed -n 's/^  \(-[^ ]*\).*/\1/p' | tr -d , | sed 's/\[=.*//'); do
		out=$(bash -c '. "$1"; COMP_WORDS=(tcpshake "$2" "$3"); COMP_CWORD=2; _tcpshake; printf "%s\n" "${COMPREPLY[@]}"' \
		    sh "$top_srcdir/completions/tcpshake.bash" "$cmd" "$o")
		printf '%s\n' "$out" | grep -qx -- "$o" || fail "$cmd $o: not completed (got: $out)"
	done
done

complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _tcpshake; echo "${COMPREPLY[*]}"' \
	    sh "$top_srcdir/completions/tcpshake.bash" "$@"
}
[ "$(complete_words tcpshake probe --wsc)" = "--wscale" ] || fail "probe --wsc"
[ "$(complete_words tcpshake lab '')" = "up down status exec list exercise" ] || fail "lab's actions"
# lab exercise: the names lab list gives (of TCPSHAKE_LABS here).
mkdir "$tmp/labs"
printf '# 07-fin-wait: t\n' >"$tmp/labs/07-fin-wait.shake"
printf '# 08-fin-seq: t\n' >"$tmp/labs/08-fin-seq.shake"
[ "$(TCPSHAKE_LABS=$tmp/labs complete_words "$TCPSHAKE" lab exercise --quick 0)" = "07-fin-wait 08-fin-seq" ] ||
	fail "lab exercise's names: $(TCPSHAKE_LABS=$tmp/labs complete_words "$TCPSHAKE" lab exercise --quick 0)"
[ "$(complete_words tcpshake connect --close h)" = "half" ] || fail "connect --close h"
[ "$(complete_words tcpshake pro)" = "probe" ] || fail "pro"
[ "$(complete_words tcpshake sh)" = "shell" ] || fail "sh"
[ "$(complete_words tcpshake shell --dead)" = "--deadline" ] || fail "shell --dead"
[ -z "$(complete_words tcpshake probe --win '')" ] || fail "--win's value: nothing to offer"
exit 0
