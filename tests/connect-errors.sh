#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# connect-errors.sh: usage and setup errors end with exit 2 and one line
# on standard error, nothing on standard output, nothing sent.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/connect-lib.sh"
need_root
connect_lab_start

# $1: regex the single error line must match; the rest: connect's args.
expect_error() {
	re=$1
	shift
	connect_run "$@"
	expect_rc 2
	[ ! -s "$TMP/out" ] || { show "$TMP/out"; fail "connect $*: output on stdout"; }
	[ "$(wc -l <"$TMP/err")" = 1 ] || { show "$TMP/err"; fail "connect $*: not one line on stderr"; }
	grep -Eq -- "$re" "$TMP/err" || { show "$TMP/err"; fail "connect $*: the line does not match '$re'"; }
}

expect_error "^tcpshake: connect: '198\.18\.0\.2' has no port \(give TARGET:PORT" 198.18.0.2
expect_error "'2001:db8::2:80' is ambiguous: write \[2001:db8::2\]:80 for port 80" 2001:db8::2:80
expect_error "is not \[ADDRESS\]:PORT" '[2001:db8::2]80'
expect_error "port '0' is not a number in 1\.\.65535" 198.18.0.2:0
expect_error "port '70000' is not a number in 1\.\.65535" 198.18.0.2:70000
expect_error "^tcpshake: --close: 'later' is not a close mode \(use fin, half, wait, rst or none\)$" --close later 198.18.0.2:80
expect_error "no target" --send x
expect_error "--ladder and --json" --ladder --json 198.18.0.2:80
expect_error "--expect-echo needs --send" --expect-echo 198.18.0.2:80
expect_error "--watch goes with --no-final-ack" --watch 2s 198.18.0.2:80
expect_error "^tcpshake: --send: .*unknown escape" --send 'a\q' 198.18.0.2:80

# Not root: the capture cannot open; the line says what is needed.
RC=0
in_client setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$TCPSHAKE" connect 198.18.0.2:80 >"$TMP/out" 2>"$TMP/err" || RC=$?
expect_rc 2
[ "$(wc -l <"$TMP/err")" = 1 ] || { show "$TMP/err"; fail "not root: not one line on stderr"; }
grep -Eq "root or CAP_NET_RAW" "$TMP/err" || { show "$TMP/err"; fail "not root: the line does not name CAP_NET_RAW"; }
expect_no_guard_table "after an unprivileged run"
exit 0
