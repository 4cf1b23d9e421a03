#!/bin/sh
# probe-flood.sh: at full rate (-i 0, one sender per CPU) every probe is
# seen leaving and matched to its own reply: per-port counts add up, no
# reply is unmatched, and every probe number appears once as sent and
# once as answered.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/probe-lib.sh"
need_root
probe_lab_start

probe_run -q -i 0 -c 5000 -p 80,81 198.18.0.2
[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "flood exited $RC, want 0"; }
expect_line "^--- 198\.18\.0\.2 port 80: 5000 sent, 5000 received, 0 lost \(0\.0%\), rtt "
expect_line "^--- 198\.18\.0\.2 port 81: 5000 sent, 5000 received, 0 lost \(0\.0%\), rtt "
[ "$(wc -l <"$TMP/out")" = 2 ] || { cat "$TMP/out" >&2; fail "more than the two summary lines (unmatched replies or drops?)"; }

probe_run --json -i 0 -c 1000 -p 81,82 198.18.0.2
[ "$RC" = 0 ] || { cat "$TMP/err" >&2; fail "--json flood exited $RC, want 0"; }
python3 - "$TMP/out" <<'PY' || fail "probe numbers of the flood do not add up"
import json, sys
sent, rcvd = {}, {}
for line in open(sys.argv[1]):
    ev = json.loads(line)
    if ev["type"] != "segment":
        continue
    side = sent if ev["dir"] == "sent" else rcvd
    side[ev["probe"]] = side.get(ev["probe"], 0) + 1
    # -p 81,82 in rounds: even probe numbers go to 81, odd ones to 82.
    port = ev["dport"] if ev["dir"] == "sent" else ev["sport"]
    if port != 81 + ev["probe"] % 2:
        sys.exit("probe %d went to port %d" % (ev["probe"], port))
want = {i: 1 for i in range(2000)}
if sent != want or rcvd != want:
    sys.exit("sent %d distinct, rcvd %d distinct (want 2000 each, once)" % (len(sent), len(rcvd)))
PY
exit 0
