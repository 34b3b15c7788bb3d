#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# An independent oracle for tests/host/test_net_ip4.c: IPv4, UDP and ICMP
# checksums computed with Python's own arithmetic (struct and int sums),
# sharing no code with lib/net.
#
#   net_oracle.py build SEED N   print N IPv4+UDP datagrams from 10.0.2.2
#                                to 10.0.2.15, one hex line each, with
#                                random lengths (odd and even), ports, IDs
#                                and payloads, and correct checksums
#   net_oracle.py check HEX      check one IPv4 datagram (UDP or ICMP) the
#                                stack sent: print "ok" or what is wrong
#   net_oracle.py frags HEX...   check the fragments of one datagram (each
#                                header's checksum, one ID, offsets that
#                                tile the payload, MF on all but the last),
#                                then the reassembled datagram as "check"
import random
import socket
import struct
import sys


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ip_header(src, dst, proto, ident, payload_len):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident, 0, 64, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]


def udp(src, dst, sport, dport, payload):
    length = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, length)
    head = struct.pack("!HHHH", sport, dport, length, 0)
    s = csum(pseudo + head + payload) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, length, s) + payload


def build(seed, n):
    rng = random.Random(seed)
    for _ in range(n):
        size = rng.choice([0, 1, 2, 7, 8, 9, 100, 511, 1471, 1472, rng.randrange(0, 1473)])
        payload = bytes(rng.randrange(256) for _ in range(size))
        u = udp("10.0.2.2", "10.0.2.15", rng.randrange(1, 65536), 7777, payload)
        print((ip_header("10.0.2.2", "10.0.2.15", 17, rng.randrange(65536), len(u)) + u).hex())


def check(hexstr):
    d = bytes.fromhex(hexstr)
    ihl = (d[0] & 15) * 4
    if d[0] >> 4 != 4 or ihl < 20:
        return "version/ihl"
    if struct.unpack("!H", d[2:4])[0] != len(d):
        return "total length %d != %d" % (struct.unpack("!H", d[2:4])[0], len(d))
    if csum(d[:ihl]) != 0:
        return "ip checksum"
    body = d[ihl:]
    if d[9] == 17:
        if struct.unpack("!H", body[4:6])[0] != len(body):
            return "udp length"
        if body[6:8] == b"\0\0":
            return "udp checksum missing"
        pseudo = d[12:20] + struct.pack("!BBH", 0, 17, len(body))
        if csum(pseudo + body) != 0:
            return "udp checksum"
    elif d[9] == 1:
        if csum(body) != 0:
            return "icmp checksum"
    return "ok"


def frags(hexes):
    parts = [bytes.fromhex(h) for h in hexes]
    ident = struct.unpack("!H", parts[0][4:6])[0]
    payload = b""
    for i, d in enumerate(parts):
        if d[0] != 0x45 or csum(d[:20]) != 0:
            return "fragment %d header" % i
        if struct.unpack("!H", d[4:6])[0] != ident:
            return "fragment %d id" % i
        flags = struct.unpack("!H", d[6:8])[0]
        if (flags & 0x1FFF) * 8 != len(payload):
            return "fragment %d offset" % i
        if bool(flags & 0x2000) != (i < len(parts) - 1):
            return "fragment %d MF" % i
        payload += d[20:struct.unpack("!H", d[2:4])[0]]
    whole = ip_header(socket.inet_ntoa(parts[0][12:16]), socket.inet_ntoa(parts[0][16:20]),
                      parts[0][9], ident, len(payload)) + payload
    return check(whole.hex())


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1] == "frags":
        print(frags(sys.argv[2:]))
    else:
        print(check(sys.argv[2]))
