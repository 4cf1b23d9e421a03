#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# probe-flood.sh: at full rate (-i 0, one sender per CPU, probes sent in
# batches as patched copies of one template) every probe is seen leaving
# and matched to its own reply: per-port counts add up, no reply is
# unmatched, and every probe number appears once as sent and once as
# answered; over IPv6 and on lo too. The copies carry right checksums (the target
# answers them) or, with --badsum, wrong ones; a target that answers
# nothing does not hold the run back. The senders' lines come in the
# order of their stamps, one clock for all (the session merges them).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/probe-lib.sh"
need_root
probe_lab_start

probe_run -q -i 0 -c 5000 -p 80,81 198.18.0.2
[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "flood exited $RC, want 0"; }
expect_line "^--- 198\.18\.0\.2 port 80: 5000 sent, 5000 received, 0 lost \(0\.0%\), rtt "
expect_line "^--- 198\.18\.0\.2 port 81: 5000 sent, 5000 received, 0 lost \(0\.0%\), rtt "
[ "$(wc -l <"$TMP/out")" = 2 ] || { cat "$TMP/out" >&2; fail "more than the two summary lines (unmatched replies or drops?)"; }

probe_run --json -i 0 -c 5000 -p 81,82 198.18.0.2
[ "$RC" = 0 ] || { cat "$TMP/err" >&2; fail "--json flood exited $RC, want 0"; }
python3 - "$TMP/out" <<'PY' || fail "probe numbers of the flood do not add up"
import json, sys
sent, rcvd = {}, {}
last = None
for line in open(sys.argv[1]):
    ev = json.loads(line)
    if "t_ns" in ev and ev["type"] != "summary":
        if last is not None and ev["t_ns"] < last:
            sys.exit("t_ns %d after %d: the senders' lines are out of order" % (ev["t_ns"], last))
        last = ev["t_ns"]
    if ev["type"] != "segment":
        continue
    side = sent if ev["dir"] == "sent" else rcvd
    side[ev["probe"]] = side.get(ev["probe"], 0) + 1
    # -p 81,82 in rounds: even probe numbers go to 81, odd ones to 82.
    port = ev["dport"] if ev["dir"] == "sent" else ev["sport"]
    if port != 81 + ev["probe"] % 2:
        sys.exit("probe %d went to port %d" % (ev["probe"], port))
want = {i: 1 for i in range(10000)}
if sent != want or rcvd != want:
    sys.exit("sent %d distinct, rcvd %d distinct (want 10000 each, once)" % (len(sent), len(rcvd)))
PY

probe_run -q -i 0 -c 3000 -p 80,81 2001:db8::2
[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "IPv6 flood exited $RC, want 0"; }
expect_line "^--- 2001:db8::2 port 80: 3000 sent, 3000 received, 0 lost \(0\.0%\), rtt "
expect_line "^--- 2001:db8::2 port 81: 3000 sent, 3000 received, 0 lost \(0\.0%\), rtt "
[ "$(wc -l <"$TMP/out")" = 2 ] || { cat "$TMP/out" >&2; fail "IPv6 flood: more than the two summary lines"; }

# On lo (MTU 65536) the capture's ring frames are 64 KB each: the ring
# is sized for the packets, or most of a flood goes unseen.
probe_run -q -i 0 -c 20000 -p 9 127.0.0.1
[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "flood on lo exited $RC, want 0"; }
expect_line "^--- 127\.0\.0\.1 port 9: 20000 sent, 20000 received, 0 lost \(0\.0%\), rtt "
[ "$(wc -l <"$TMP/out")" = 1 ] || { cat "$TMP/out" >&2; fail "flood on lo: more than the summary line"; }

# --badsum at full rate: every copy leaves with a wrong checksum, so the
# target drops them all.
server_capture_start "$TMP/badsum.pcap"
probe_run -q -i 0 -c 500 --badsum --timeout 300ms -p 81 198.18.0.2
server_capture_stop
[ "$RC" = 1 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "--badsum flood exited $RC, want 1"; }
expect_line "^--- 198\.18\.0\.2 port 81: 500 sent, 0 received, 500 lost"
server_capture_text >"$TMP/badsum.txt"
bad=$(grep -c "Flags \[S\], cksum 0x[0-9a-f]* (incorrect" "$TMP/badsum.txt")
good=$(grep -c "(correct)" "$TMP/badsum.txt")
[ "$bad" = 500 ] && [ "$good" = 0 ] || fail "--badsum flood: the target saw $bad wrong and $good right checksums, want 500 and 0"

# A target that drops everything: the window of unanswered probes lifts
# after a stall instead of waiting on every batch (313 batches of 64
# would take over 3 s), and the run ends after --timeout.
in_server nft -f - <<'NFT' || fail "cannot load the drop rule in the server namespace"
table inet floodtest {
	chain input {
		type filter hook input priority 0;
		tcp dport 7000 drop
	}
}
NFT
# Its JSON summary counts them all lost and has no RTTs.
t0=$(date +%s%N)
probe_run -q --json -i 0 -c 20000 --timeout 300ms -p 7000 198.18.0.2
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$RC" = 1 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "flood to a silent port exited $RC, want 1"; }
[ "$ms" -lt 2500 ] || fail "flood to a silent port took $ms ms (want under 2500)"
python3 - "$TMP/out" <<'PY' || { cat "$TMP/out" >&2; fail "silent port: JSON summary wrong"; }
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
want = {"schema": "tcpshake/1", "type": "summary", "ok": False, "port": 7000,
        "sent": 20000, "received": 0, "lost": 20000}
if len(lines) != 1 or {k: v for k, v in lines[0].items() if k != "text"} != want:
    sys.exit("got %r" % lines)
PY
exit 0
