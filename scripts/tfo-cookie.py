#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tfo-cookie.py: the TCP Fast Open cookie a Linux server gives a client.

    python3 scripts/tfo-cookie.py CLIENT SERVER [KEY]

Linux (net/ipv4/tcp_fastopen.c) makes the cookie as SipHash-2-4 of the
SYN's source then destination address, keyed with the 128-bit key of
net.ipv4.tcp_fastopen_key ("a1a1a1a1-b2b2b2b2-..." is four 32-bit words,
each stored little-endian), and sends the 8 bytes in the hash's
little-endian order. packetdrill's scripts name the cookie its own
addresses get (TFO_COOKIE, from run_all.py); a lab with other addresses
gets another, which this prints as hex. KEY defaults to the key of
packetdrill's common/defaults.sh.
"""
import socket
import struct
import sys

MASK = (1 << 64) - 1
DEFAULT_KEY = "a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4"


def rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & MASK


def siphash24(k0, k1, data):
    v = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D,
         k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573]

    def sipround():
        v[0] = (v[0] + v[1]) & MASK
        v[1] = rotl(v[1], 13) ^ v[0]
        v[0] = rotl(v[0], 32)
        v[2] = (v[2] + v[3]) & MASK
        v[3] = rotl(v[3], 16) ^ v[2]
        v[0] = (v[0] + v[3]) & MASK
        v[3] = rotl(v[3], 21) ^ v[0]
        v[2] = (v[2] + v[1]) & MASK
        v[1] = rotl(v[1], 17) ^ v[2]
        v[2] = rotl(v[2], 32)

    full = len(data) // 8 * 8
    tail = data[full:] + bytes(8 - (len(data) - full))
    last = struct.unpack("<Q", tail)[0] | ((len(data) & 0xFF) << 56)
    words = [struct.unpack("<Q", data[i:i + 8])[0]
             for i in range(0, full, 8)] + [last]
    for m in words:
        v[3] ^= m
        sipround()
        sipround()
        v[0] ^= m
    v[2] ^= 0xFF
    for _ in range(4):
        sipround()
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def cookie(client, server, key=DEFAULT_KEY):
    words = key.split("-")
    if len(words) != 4:
        raise ValueError("a key is four 32-bit hex words joined by '-'")
    kb = b"".join(struct.pack("<I", int(w, 16)) for w in words)
    k0, k1 = struct.unpack("<QQ", kb)
    fam = socket.AF_INET6 if ":" in client else socket.AF_INET
    data = socket.inet_pton(fam, client) + socket.inet_pton(fam, server)
    return struct.pack("<Q", siphash24(k0, k1, data)).hex()


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write("usage: tfo-cookie.py CLIENT SERVER [KEY]\n")
        return 2
    try:
        print(cookie(*argv[1:]))
    except (OSError, ValueError) as e:
        sys.stderr.write("tfo-cookie.py: %s\n" % e)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
