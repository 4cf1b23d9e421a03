#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# probe-rtt.sh: each RTT the prober reports (kernel stamps of its segment
# leaving and the reply arriving) is within 20 microseconds of the RTT the
# target's own capture shows for the same probe, and never below it.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/probe-lib.sh"
need_root
probe_lab_start

server_capture_start "$TMP/server.pcap"
probe_run --json -c 10 -i 20ms -p 80,81 198.18.0.2
server_capture_stop
[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "probe exited $RC, want 0"; }
tcpdump -r "$TMP/server.pcap" -nn -S -tt --time-stamp-precision=nano \
    >"$TMP/server.txt" 2>/dev/null

python3 - "$TMP/out" "$TMP/server.txt" 20 <<'PY' || fail "RTTs disagree with the target's capture (see above)"
import json, re, sys
N = int(sys.argv[3])

# Probes are told apart by their random seq: a reply acks seq + 1.
# Our side: the RTT of each probe's first reply.
ours = {}
for line in open(sys.argv[1]):
    ev = json.loads(line)
    if ev.get("type") == "segment" and ev.get("dir") == "rcvd" \
            and ev.get("rtt_ns") is not None:
        ours.setdefault((ev["ack_abs"] - 1) % 2**32, ev["rtt_ns"] / 1000)

# The target's side: the probe arriving, the first reply leaving.
pat = re.compile(r"^(\d+\.\d+) IP 198\.18\.0\.(\d)\.\d+ > 198\.18\.0\.\d\.\d+: Flags \[([^\]]*)\], seq (\d+)(?:, ack (\d+))?")
arrive, leave = {}, {}
for line in open(sys.argv[2]):
    m = pat.match(line)
    if not m:
        continue
    t, src, flags, seq, ack = m.groups()
    if src == "1" and flags == "S":
        arrive.setdefault(int(seq), float(t))
    elif src == "2" and ack is not None:
        leave.setdefault((int(ack) - 1) % 2**32, float(t))

if len(ours) != N:
    print("want %d RTTs from the prober, got %d" % (N, len(ours)))
    sys.exit(1)
diffs = []
for seq, rtt in ours.items():
    if seq not in arrive or seq not in leave:
        print("probe seq %d: not in the target's capture" % seq)
        sys.exit(1)
    theirs = (leave[seq] - arrive[seq]) * 1e6
    diffs.append(rtt - theirs)
    print("seq %10d: prober %8.3f us, target %8.3f us, diff %7.3f us" % (seq, rtt, theirs, rtt - theirs))
diffs.sort()
# The prober's RTT holds the target's plus the wire both ways: never less
# (1 us of slack for stamp rounding), and within 20 us. The target's
# capture has its own scheduling noise on a loaded machine, so one probe
# in ten may stray further; the median may not.
late = [d for d in diffs if d > 20.0]
print("diff min %.3f median %.3f max %.3f us; %d of %d over 20 us" % (diffs[0], diffs[len(diffs) // 2], diffs[-1], len(late), len(diffs)))
if diffs[0] < -1.0:
    print("the prober's RTT is shorter than the target's: wrong stamps")
    sys.exit(1)
if diffs[len(diffs) // 2] > 20.0 or len(late) > len(diffs) // 10:
    print("more than 20 us apart")
    sys.exit(1)
PY
exit 0
