#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# fuzz/seeds.py PCAPDIR SRCDIR OUTDIR: the fuzz targets' seed corpora,
# made at build time from what the tree already holds: every packet of
# tests/mkpcap's captures (PCAPDIR) for the decoder, the scenarios and
# test scenarios for the parser, and pairs of their packet lines for the
# matcher. Writes OUTDIR/decode, OUTDIR/script and OUTDIR/match.
import glob
import os
import re
import struct
import sys

# fuzz/fuzz-decode.c's link table, in its order: byte 0 of a seed.
LINKS = [12, 1, 0, 108, 113, 228, 229, 276, 101]


def pcap_packets(path):
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        end = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        end = '>'
    else:
        return
    link = struct.unpack(end + 'I', data[20:24])[0] & 0xffff
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack(end + 'I', data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if link in LINKS:
            yield LINKS.index(link), frame


def write(outdir, kind, n, blob):
    with open(os.path.join(outdir, kind, '%s-%03d' % (kind, n)), 'wb') as f:
        f.write(blob)


def main():
    pcapdir, srcdir, outdir = sys.argv[1:4]
    for kind in ('decode', 'script', 'match'):
        os.makedirs(os.path.join(outdir, kind), exist_ok=True)
    n = 0
    for path in sorted(glob.glob(os.path.join(pcapdir, '*.pcap'))):
        for sel, frame in pcap_packets(path):
            write(outdir, 'decode', n, bytes([sel]) + frame)
            n += 1
    shakes = sorted(glob.glob(os.path.join(srcdir, 'scenarios', '*.shake')) +
                    glob.glob(os.path.join(srcdir, 'tests', 'data', '*.shake')))
    lines = []
    for i, path in enumerate(shakes):
        with open(path, 'rb') as f:
            text = f.read()
        write(outdir, 'script', i, text)
        for line in text.decode('utf-8', 'replace').splitlines():
            m = re.match(r'^\s*\S+\s+(?:\w+\s+)?[<>]\s+(.*\S)\s*$', line)
            if m and m.group(1) != 'none':
                lines.append(m.group(1))
    for i in range(len(lines) - 1):
        write(outdir, 'match', i, (lines[i] + '\n' + lines[i + 1]).encode())
    print('seeds: %d frames, %d scenarios, %d line pairs' %
          (n, len(shakes), max(len(lines) - 1, 0)))


main()
