#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-syscall.sh: system-call lines under `run --lab`: the agent makes
# them in the target's namespace (passive and active opens, errno,
# blocking calls with '...' spans, socket options, TCP_INFO, poll, ioctl,
# shutdown, %{ }% blocks, control messages and the error queue;
# packetdrill's numbers and later connections on the four-tuple); a
# wrong return, wrong control data, a late return, a call that
# blocks without a span and a failing assert each fail their line with
# the reason; without a lab the lines are refused as before.
. "$top_srcdir/tests/lib.sh"
need_root
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM HUP
D=$top_srcdir/tests/data/syscall

# Our own scenarios pass, each in its lab; one more run for a file that
# fails under make check's load, said aloud.
for f in passive active blocking python cmsg numbers-server numbers-client \
    errno; do
	run_lab_passes "$D/$f.shake" "$TMP/out"
	cp "$TMP/out" "$TMP/$f.out"
done
grep -qF 'read(3, ..., 10) = -1 ENOTCONN' "$TMP/out" ||
	{ show "$TMP/out"; fail "errno.shake: no ENOTCONN line"; }
# packetdrill's numbers (absolute on a SYN; the later connection on the
# four-tuple): the earlier connection's RST, and its SYN retransmitted
# before the new socket's connect(), left aside with a note.
grep -q 'line 28: left aside, .*: R\.' "$TMP/numbers-server.out" ||
	{ show "$TMP/numbers-server.out"; fail "numbers-server: no RST aside"; }
grep -q 'line 30: left aside, .*: S [0-9]*!:[0-9]*(0)' \
    "$TMP/numbers-client.out" ||
	{ show "$TMP/numbers-client.out"; fail "numbers-client: no SYN aside"; }

# A wrong result, a late blocking call, a call that blocks without a
# span, a failing assert: each fails with its reason. fails_with NAME
# WHAT REASON: $TMP/NAME.shake fails (exit 1) and says REASON (a grep
# pattern).
fails_with() {
	RC=0
	"$TCPSHAKE" run --lab "$TMP/$1.shake" >"$TMP/out" 2>&1 || RC=$?
	[ "$RC" = 1 ] || { show "$TMP/out"; fail "$2: exit $RC, not 1"; }
	grep -q "$3" "$TMP/out" || { show "$TMP/out"; fail "$2: no reason"; }
}
cat >"$TMP/wrong.shake" <<'EOS'
--tolerance_usecs=20000
0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0   fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
+0   read(3, ..., 10) = -1 EAGAIN (Resource temporarily unavailable)
EOS
fails_with wrong "wrong errno" 'read returned = -1 ENOTCONN (Transport endpoint is not connected), the line says = -1 EAGAIN'

cat >"$TMP/late.shake" <<'EOS'
--tolerance_usecs=20000
0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0   bind(3, ..., ...) = 0
+0   listen(3, 1) = 0
+0...0.100 accept(3, ..., ...) = 4
+.3  < S 0:0(0) win 32792 <mss 1000>
+0   > S. 0:0(0) ack 1 <...>
+0   < . 1:1(0) ack 1 win 257
EOS
fails_with late "late accept" 'returned at 0\.3.*, the line says 0\.10'

cat >"$TMP/blocks.shake" <<'EOS'
--tolerance_usecs=20000
0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0   bind(3, ..., ...) = 0
+0   listen(3, 1) = 0
+0   accept(3, ..., ...) = 4
EOS
fails_with blocks "blocking accept" 'the call blocks: write its time as a span'

cat >"$TMP/assert.shake" <<'EOS'
0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0   bind(3, ..., ...) = 0
+0   listen(3, 1) = 0
+0   < S 0:0(0) win 32792 <mss 1000>
+0   > S. 0:0(0) ack 1 <...>
+0   < . 1:1(0) ack 1 win 32792
+0   accept(3, ..., ...) = 4
+0   %{ assert tcpi_snd_mss == 1234, 'mss=%d' % tcpi_snd_mss }%
+0   %{ assert True }%
EOS
fails_with assert "a failing assert" "%{ }%: AssertionError: mss=1000"
grep -q "not run: the block of line 8 failed before it" "$TMP/out" ||
	{ show "$TMP/out"; fail "a block after a failing one ran"; }

# Control messages read back: a wrong field, a timestamp off its time,
# msg_flags and a message the line lists but the kernel did not give
# each fail the line.
zc_head() {
	cat <<'EOS'
--tolerance_usecs=20000
0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0   setsockopt(3, SOL_SOCKET, SO_ZEROCOPY, [1], 4) = 0
+0   bind(3, ..., ...) = 0
+0   listen(3, 1) = 0
+0   < S 0:0(0) win 32792 <mss 1000>
+0   > S. 0:0(0) ack 1 <...>
+0   < . 1:1(0) ack 1 win 257
+0   accept(3, ..., ...) = 4
+0   send(4, ..., 100, MSG_ZEROCOPY) = 100
+0   > P. 1:101(100) ack 1
+.05 < . 1:1(0) ack 101 win 257
EOS
}
zc_read() {	# FLAGS DATA: the completion's read, ee_data=DATA
	printf '+0 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 0}], '
	printf 'msg_flags=%s, msg_control=[{cmsg_level=SOL_IP, ' "$1"
	printf 'cmsg_type=IP_RECVERR, cmsg_data={ee_errno=0, '
	printf 'ee_origin=SO_EE_ORIGIN_ZEROCOPY, ee_type=0, '
	printf 'ee_code=SO_EE_CODE_ZEROCOPY_COPIED, ee_info=0, '
	printf 'ee_data=%s}}]}, MSG_ERRQUEUE) = 0\n' "$2"
}
{ zc_head; zc_read MSG_ERRQUEUE 7; } >"$TMP/eedata.shake"
fails_with eedata "a wrong ee_data" 'control message 0: ee_data is 0, the line says 7'
{ zc_head; zc_read 0 0; } >"$TMP/msgflags.shake"
fails_with msgflags "a wrong msg_flags" 'recvmsg read msg_flags 0x2000, the line says 0x0'
{ zc_head; zc_read MSG_ERRQUEUE 0 | sed 's/}}]}/}}, {cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ, cmsg_data=0}]}/'; } >"$TMP/twocmsg.shake"
fails_with twocmsg "a missing control message" 'recvmsg read 1 control messages, the line says 2'
{ zc_head; zc_read MSG_ERRQUEUE 0; cat <<'EOS'
+0   setsockopt(4, SOL_SOCKET, SO_TIMESTAMPING, [SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_TX_ACK], 4) = 0
+0   send(4, ..., 10, 0) = 10
+0   > P. 101:111(10) ack 1
+.05 < . 1:1(0) ack 111 win 257
+0   recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 0}], msg_flags=MSG_ERRQUEUE|MSG_TRUNC, msg_control=[{cmsg_level=SOL_SOCKET, cmsg_type=SCM_TIMESTAMPING, cmsg_data={scm_sec=0, scm_nsec=50000000}}, {cmsg_level=SOL_IP, cmsg_type=IP_RECVERR, cmsg_data={ee_errno=ENOMSG, ee_origin=SO_EE_ORIGIN_TIMESTAMPING, ee_type=0, ee_code=0, ee_info=SCM_TSTAMP_ACK, ee_data=9}}]}, MSG_ERRQUEUE) = 0
EOS
} >"$TMP/tstamp.shake"
fails_with tstamp "a timestamp off its time" 'control message 0: timestamp at 0\.1.* s, the line says 0\.050000 s'

# Without a lab: refused as a black-box target has no calls.
RC=0
"$TCPSHAKE" run --check "$D/passive.shake" >"$TMP/out" 2>&1 || RC=$?
[ "$RC" = 2 ] || { show "$TMP/out"; fail "--check without --lab: exit $RC"; }
grep -q "'socket(...)' is a system call line" "$TMP/out" ||
	{ show "$TMP/out"; fail "no refusal without a lab"; }
"$TCPSHAKE" run --check --lab "$D/passive.shake" >"$TMP/out" 2>&1 ||
	{ show "$TMP/out"; fail "--check --lab refuses the calls"; }

# Names are checked when the file is read.
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCPX) = 3\n' >"$TMP/name.shake"
RC=0
"$TCPSHAKE" run --check --lab "$TMP/name.shake" >"$TMP/out" 2>&1 || RC=$?
[ "$RC" = 2 ] && grep -q "unknown name 'IPPROTO_TCPX'" "$TMP/out" ||
	{ show "$TMP/out"; fail "an unknown name is not refused"; }

# %{ }% blocks: refused without a lab, as system-call lines are.
printf '0 `true`\n+0 %%{\nassert tcpi_state == 1\n}%%\n' >"$TMP/py.shake"
RC=0
"$TCPSHAKE" run --check "$TMP/py.shake" >"$TMP/out" 2>&1 || RC=$?
[ "$RC" = 2 ] && grep -q "'%{ }%' is a python block" "$TMP/out" ||
	{ show "$TMP/out"; fail "%{ }% not refused without a lab"; }
"$TCPSHAKE" run --check --lab "$TMP/py.shake" >"$TMP/out" 2>&1 ||
	{ show "$TMP/out"; fail "--check --lab refuses %{ }%"; }
exit 0
