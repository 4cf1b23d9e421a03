#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# probe-write.sh: -w FILE.pcap holds every segment the run showed, with
# the same stamps, readable by tcpdump and by `tcpshake read`; --json
# prints one JSON object a line.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/probe-lib.sh"
need_root
probe_lab_start

probe_run -c 3 -p 80,81 -w "$TMP/probe.pcap" 198.18.0.2
[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "probe exited $RC, want 0"; }
# Six probes, and the local kernel's RST to each of port 80's SYN-ACKs.
[ "$(grep -c ' SENT .* S [0-9]' "$TMP/out")" = 6 ] || fail "want 6 SENT SYN lines"
[ "$(grep -c ' SENT .*:80 R [0-9]' "$TMP/out")" = 3 ] ||
    fail "want 3 SENT lines of the local kernel's RST"
[ "$(grep -c ' RCVD ' "$TMP/out")" = 6 ] || fail "want 6 RCVD lines"

# tcpdump reads it, and sees the same segments in the same order.
tcpdump -r "$TMP/probe.pcap" -nn -S 2>"$TMP/tcpdump.err" >"$TMP/tcpdump.txt" ||
    fail "tcpdump cannot read the file: $(cat "$TMP/tcpdump.err")"
sed -nE 's/^[0-9.]+ (SENT|RCVD) ([0-9.]+):([0-9]+) > ([0-9.]+):([0-9]+) ([SFRPUEW.-]+) ([0-9]+):.*/\2.\3 > \4.\5 \6 \7/p' \
    "$TMP/out" >"$TMP/ours.list"
sed -nE 's/^[0-9:.]+ IP ([0-9.]+) > ([0-9.]+): Flags \[([^]]*)\], seq ([0-9]+).*/\1 > \2 \3 \4/p' \
    "$TMP/tcpdump.txt" >"$TMP/tcpdump.list"
[ "$(wc -l <"$TMP/ours.list")" = 15 ] || fail "could not read our own output back"
cmp -s "$TMP/ours.list" "$TMP/tcpdump.list" || {
	diff "$TMP/ours.list" "$TMP/tcpdump.list" >&2
	fail "tcpdump sees other segments in the file than the run showed"
}

# tcpshake read prints the same packet lines, and its times (from the
# file's first record) are ours shifted by the first segment's time: the
# file keeps the kernel stamps the RTTs came from.
"$TCPSHAKE" read --absolute "$TMP/probe.pcap" >"$TMP/read.txt" ||
    fail "tcpshake read cannot read the file"
sed -nE 's/ rtt [0-9.]+ us$//; s/^([0-9.]+) (SENT|RCVD) /\1 /p' "$TMP/out" >"$TMP/ours.lines"
grep ' > ' "$TMP/read.txt" >"$TMP/read.lines"
awk '{ $1 = ""; print }' "$TMP/ours.lines" >"$TMP/a"
awk '{ $1 = ""; print }' "$TMP/read.lines" >"$TMP/b"
cmp -s "$TMP/a" "$TMP/b" || {
	diff "$TMP/a" "$TMP/b" >&2
	fail "tcpshake read prints other segments than the run showed"
}
paste -d' ' "$TMP/ours.lines" "$TMP/read.lines" | awk '
	NR == 1 { base = $1 }
	{ ours = ($1 - base) * 1e6; file = $(NF / 2 + 1) * 1e6
	  d = ours - file; if (d < 0) d = -d
	  if (d > 1.5) { print "line " NR ": " ours " us vs " file " us"; bad = 1 } }
	END { exit bad }' >&2 || fail "the file's stamps are not the ones the run reported"

# -q: the summary lines only; -v: IP fields and the packet in hex.
probe_run -q -c 2 -p 80,81 198.18.0.2
[ "$RC" = 0 ] || fail "-q run exited $RC"
[ "$(wc -l <"$TMP/out")" = 2 ] && [ "$(grep -c '^--- 198\.18\.0\.2 port 8[01]: 2 sent, 2 received' "$TMP/out")" = 2 ] || {
	cat "$TMP/out" >&2
	fail "-q prints more or less than the two summary lines"
}
probe_run -v --ttl 33 -p 81 198.18.0.2
[ "$RC" = 0 ] || fail "-v run exited $RC"
expect_line "SENT .* S [0-9]+:[0-9]+\(0\) win 65535 \(ttl 33\) \(tos 0x00\)$"
expect_line "^    0x0000:  4500 0028 .... 0000 2106 "

# --json: every line is a JSON object; segments carry their probe number;
# each port's summary object carries the numbers the segments add up to,
# every figure in whole nanoseconds; the first object names the schema; a
# port whose probes were all answered is "ok".
probe_run --json -c 3 -p 80,81 198.18.0.2
[ "$RC" = 0 ] || fail "--json run exited $RC"
python3 - "$TMP/out" <<'PY' || fail "--json output is not JSON Lines as expected"
import json, math, sys
kinds, sent, rtts, summaries = {}, {}, {}, []
for n, line in enumerate(open(sys.argv[1]), 1):
    ev = json.loads(line)
    if (n == 1) != ("schema" in ev) or ev.get("schema", "tcpshake/1") != "tcpshake/1":
        sys.exit("line %d: schema key %r" % (n, ev.get("schema")))
    if ev["type"] != "summary" and not (isinstance(ev.get("t_ns"), int)
            and isinstance(ev.get("epoch_ns"), int)
            and ev["epoch_ns"] > 1.5e18):
        sys.exit("line %d: t_ns/epoch_ns not integer ns: %r" % (n, ev))
    key = ev["type"] + ("/" + ev["dir"] if ev["type"] == "segment" else "")
    kinds[key] = kinds.get(key, 0) + 1
    if ev["type"] == "summary":
        summaries.append(ev)
        continue
    if ev["type"] != "segment":
        continue
    if not isinstance(ev.get("probe"), int):
        sys.exit("line %d: segment without a probe number" % n)
    if ev["dir"] == "sent" and ev["flags"] == "R":
        continue  # the local kernel's RST to a SYN-ACK, and its note
    if ev["dir"] == "sent":
        sent[ev["dport"]] = sent.get(ev["dport"], 0) + 1
    else:
        rtts.setdefault(ev["sport"], {}).setdefault(ev["probe"],
            ev["rtt_ns"])
want = {"note": 4, "segment/sent": 9, "segment/rcvd": 6, "summary": 2}
if kinds != want:
    sys.exit("got %r, want %r" % (kinds, want))
for s in summaries:
    port = s["port"]
    r = list(rtts[port].values())
    mean = sum(r) / len(r)
    sd = math.sqrt(sum((x - mean) ** 2 for x in r) / len(r))
    exact = {"ok": True, "sent": sent[port], "received": len(r), "lost": 0,
             "rtt_min_ns": min(r), "rtt_max_ns": max(r)}
    for k, v in exact.items():
        if s.get(k) != v:
            sys.exit("port %d: %s is %r, want %r" % (port, k, s.get(k), v))
    for k, v in (("rtt_avg_ns", mean), ("rtt_stddev_ns", sd)):
        if not isinstance(s.get(k), int) or abs(s[k] - v) > 1:
            sys.exit("port %d: %s is %r, want %.1f" % (port, k, s.get(k), v))
    if not s["text"].startswith("--- 198.18.0.2 port %d: 3 sent" % port):
        sys.exit("port %d: text %r" % (port, s["text"]))
if sorted(s["port"] for s in summaries) != [80, 81]:
    sys.exit("summaries for ports %r" % [s["port"] for s in summaries])
PY
exit 0
