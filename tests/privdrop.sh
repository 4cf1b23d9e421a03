#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# privdrop.sh: once the wire is open, probe, connect and run go on as an
# unprivileged user with CAP_NET_RAW (and CAP_NET_ADMIN while the guard
# is on), no new privileges and a seccomp filter, read from
# /proc/PID/status while they run; --no-drop keeps root; a scenario's
# commands run as that user unless it says root; -w still writes.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/connect-lib.sh"
need_root
connect_lab_start
# The default user is the sudo caller; without one, nobody.
unset SUDO_UID SUDO_GID SUDO_USER
nobody=$(id -u nobody)

# Start tcpshake ARGS in the client namespace in the background; its pid
# in $PID (ip netns exec runs it in its own place).
start() {
	ip netns exec "$LAB-c" "$TCPSHAKE" "$@" >"$TMP/out" 2>"$TMP/err" &
	PID=$!
}

# Wait until the process's Uid is $1 (or 40 tries), then keep its status.
status_when_uid() {
	n=0
	while :; do
		grep -s '^Uid:' "/proc/$PID/status" >"$TMP/uid" || true
		grep -q "^Uid:	$1	" "$TMP/uid" && break
		n=$((n + 1))
		[ $n -le 40 ] || { show "$TMP/out" "$TMP/err" "$TMP/uid";
		    fail "tcpshake $2 did not become uid $1"; }
		sleep 0.05
	done
	cp "/proc/$PID/status" "$TMP/status"
}

# Fail unless the kept status has field $1 with value $2 (first word).
expect_status() {
	v=$(sed -n "s/^$1:[	 ]*\([^	 ]*\).*/\1/p" "$TMP/status")
	[ "$v" = "$2" ] || { cat "$TMP/status"; fail "$3: $1 is '$v', want '$2'"; }
}

finish() {
	RC=0
	wait "$PID" || RC=$?
	[ "$RC" = "$1" ] || { show "$TMP/out" "$TMP/err"; fail "$2 exited $RC, want $1"; }
}

# connect, guard on: CAP_NET_RAW (13) and CAP_NET_ADMIN (12) and nothing
# else, in every set that can give one back; -w opened before the drop.
start connect --recv-wait 1.5s -w "$TMP/c.pcap" 198.18.0.2:80
status_when_uid "$nobody" connect
expect_status Uid "$nobody" connect
expect_status Gid "$(id -g nobody)" connect
expect_status CapEff 0000000000003000 connect
expect_status CapPrm 0000000000003000 connect
expect_status CapInh 0000000000000000 connect
expect_status CapBnd 0000000000003000 connect
expect_status CapAmb 0000000000000000 connect
expect_status NoNewPrivs 1 connect
expect_status Seccomp 2 connect
finish 0 connect
grep -q '^--- as asked' "$TMP/out" || { show "$TMP/out" "$TMP/err"; fail "connect after the drop"; }
"$TCPSHAKE" read "$TMP/c.pcap" | grep -q ' S ' || fail "connect -w after the drop"
expect_no_guard_table "after connect dropped root"

# --realtime: the priority is set before root goes, and stays.
start connect --recv-wait 1.5s --realtime 198.18.0.2:80
status_when_uid "$nobody" "connect --realtime"
policy=$(sed 's/.*) //' "/proc/$PID/stat" | awk '{ print $39 }')
finish 0 "connect --realtime"
echo "connect --realtime: policy $policy after the drop"
grep -q -- '--realtime:' "$TMP/out" ||
	[ "$policy" = 1 ] || fail "connect --realtime: policy $policy after the drop, want 1 (SCHED_FIFO)"

# The sudo caller is the default user.
SUDO_UID=4242 SUDO_GID=4343 start connect --recv-wait 1.5s 198.18.0.2:80
status_when_uid 4242 "connect under sudo"
expect_status Gid 4343 "connect under sudo"
finish 0 "connect under sudo"

# --no-drop keeps root with every capability, and no filter.
start connect --recv-wait 1.5s --no-drop 198.18.0.2:80
sleep 0.7
cp "/proc/$PID/status" "$TMP/status"
expect_status Uid 0 "connect --no-drop"
expect_status NoNewPrivs 0 "connect --no-drop"
expect_status Seccomp 0 "connect --no-drop"
[ "$(sed -n 's/^CapEff:[	 ]*//p' "$TMP/status")" = \
    "$(sed -n 's/^CapBnd:[	 ]*//p' "$TMP/status")" ] ||
	fail "connect --no-drop: CapEff is not the whole bounding set"
finish 0 "connect --no-drop"

# probe: raw sends only, no guard: CAP_NET_RAW alone. --user takes a name.
start probe -p 80 -c 3 -i 0.5s --user nobody 198.18.0.2
status_when_uid "$nobody" probe
expect_status CapEff 0000000000002000 probe
expect_status NoNewPrivs 1 probe
finish 0 probe

# run: the next file may bind a low port, so CAP_NET_BIND_SERVICE (10)
# too; a command runs as the user, as root when the file says so.
cat >"$TMP/cmd.shake" <<EOF
target 198.18.0.2:80
0    \`echo cmd-uid=\$(id -u); sleep 1\`
EOF
start run "$TMP/cmd.shake"
status_when_uid "$nobody" run
expect_status CapEff 0000000000003400 run
expect_status Seccomp 2 run
finish 0 run
grep -q "^cmd-uid=$nobody\$" "$TMP/err" || { show "$TMP/out" "$TMP/err"; fail "run: the command did not run as nobody"; }

# Every file is read before root goes: a second file in this root-only
# directory still runs.
cp "$TMP/cmd.shake" "$TMP/cmd2.shake"
start run "$TMP/cmd.shake" "$TMP/cmd2.shake"
finish 0 "run with two files"
[ "$(grep -c "^cmd-uid=$nobody\$" "$TMP/err")" = 2 ] || { show "$TMP/out" "$TMP/err"; fail "run: the second file after the drop"; }

# Root commands go through a helper that kept root: the run itself still
# drops.
printf -- '--commands_as=root\n' | cat - "$TMP/cmd.shake" >"$TMP/root.shake"
start run "$TMP/root.shake"
status_when_uid "$nobody" "run with root commands"
expect_status CapEff 0000000000003400 "run with root commands"
expect_status Seccomp 2 "run with root commands"
finish 0 "run with root commands"
grep -q '^cmd-uid=0$' "$TMP/err" || { show "$TMP/out" "$TMP/err"; fail "run: --commands_as=root"; }
start run --commands-as user "$TMP/root.shake"
finish 0 "run --commands-as user"
grep -q "^cmd-uid=$nobody\$" "$TMP/err" || { show "$TMP/out" "$TMP/err"; fail "run: --commands-as user wins over the file"; }

# A user that does not exist: one line, exit 2, and nothing left.
RC=0
in_client "$TCPSHAKE" connect --user no-such-user-here 198.18.0.2:80 >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 2 ] || { show "$TMP/out" "$TMP/err"; fail "--user unknown exited $RC"; }
grep -q 'no-such-user-here: no such user' "$TMP/err" || { show "$TMP/err"; fail "--user unknown: message"; }
expect_no_guard_table "after a bad --user"
exit 0
