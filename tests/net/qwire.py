# SPDX-License-Identifier: BSD-3-Clause
"""The wire as bytes: QEMU's stream framing, and builders and parsers for
Ethernet II, ARP, IPv4 (options, fragments), ICMP, UDP and TCP (options),
with their checksums; and the pcap file format.

Written for the hostile-wire tests (tests/net/relay.py, pcapcheck.py,
tests/qemu/wire_test.py).  Shares no code with lib/net: it is the second
opinion.  Only the standard library.

Conventions: MACs are 6 bytes, IPv4 addresses 4 bytes (mac()/ip() turn the
usual text into them); numbers are Python ints; every builder returns
bytes.  A builder computes lengths and checksums unless the caller passes
one of the override arguments (that is how the hostile packets lie).
A parser returns a small dict of the fields and raises Malformed with a
reason when the bytes are not a valid packet of its protocol.

QEMU's framing: `-netdev stream` (and `-netdev socket`'s TCP mode) carry
each Ethernet frame (no FCS) after its length as a 4-byte big-endian
integer.
"""
import struct
import time

ETH_IPV4 = 0x0800
ETH_ARP = 0x0806
PROTO_ICMP = 1
PROTO_TCP = 6
PROTO_UDP = 17

# TCP flags (RFC 9293 3.1; ECE and CWR from RFC 3168).
FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = 1, 2, 4, 8, 16, 32, 64, 128
# Letters in the order people write them: SYN+ACK is "SA", RST+ACK "RA".
FLAG_NAMES = [(SYN, "S"), (FIN, "F"), (RST, "R"), (PSH, "P"), (ACK, "A"), (URG, "U"), (ECE, "E"),
              (CWR, "C")]

BROADCAST = b"\xff" * 6
FRAME_MAX = 1514        # header + MTU 1500, no FCS
FRAME_LEN_LIMIT = 65536  # what the relay accepts in a length prefix


class Malformed(ValueError):
    """The bytes are not a valid packet; str() says why."""


# ------------------------------------------------------------- addresses

def mac(text):
    """'52:54:00:12:34:56' -> 6 bytes."""
    parts = text.split(":")
    if len(parts) != 6:
        raise ValueError("not a MAC: %r" % text)
    return bytes(int(p, 16) for p in parts)


def ip(text):
    """'10.7.0.1' -> 4 bytes."""
    parts = text.split(".")
    if len(parts) != 4 or not all(p.isdigit() and int(p) < 256 for p in parts):
        raise ValueError("not an IPv4 address: %r" % text)
    return bytes(int(p) for p in parts)


def mac_str(b):
    return ":".join("%02x" % x for x in b)


def ip_str(b):
    return ".".join(str(x) for x in b)


def flags_str(flags):
    """TCP flags as letters, e.g. 'SA' for SYN+ACK, '.' for none."""
    s = "".join(ch for bit, ch in FLAG_NAMES if flags & bit)
    return s or "."


# -------------------------------------------------------------- checksum

def cksum(data):
    """The Internet checksum (RFC 1071): the ones' complement of the ones'
    complement sum of 16-bit big-endian words, an odd byte padded with 0."""
    if len(data) % 2:
        data = bytes(data) + b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def pseudo(src, dst, proto, length):
    """The IPv4 pseudo-header for UDP and TCP checksums."""
    return src + dst + struct.pack("!BBH", 0, proto, length)


# ----------------------------------------------------------- QEMU stream

def frame_encode(frame):
    """One frame as QEMU's stream backend sends it: length, then bytes."""
    return struct.pack("!I", len(frame)) + frame


class Deframer:
    """Cuts a byte stream into frames.  feed() takes what recv() returned
    and gives back the whole frames in it; a partial frame waits for the
    next feed.  A length of 0 or past FRAME_LEN_LIMIT is a broken stream
    (raises Malformed): QEMU never sends one."""

    def __init__(self):
        self.buf = b""

    def feed(self, data):
        self.buf += data
        frames = []
        while len(self.buf) >= 4:
            (n,) = struct.unpack("!I", self.buf[:4])
            if n == 0 or n > FRAME_LEN_LIMIT:
                raise Malformed("stream: frame length %d" % n)
            if len(self.buf) < 4 + n:
                break
            frames.append(self.buf[4:4 + n])
            self.buf = self.buf[4 + n:]
        return frames


# -------------------------------------------------------------- Ethernet

def eth(dst, src, etype, payload, pad=True):
    """An Ethernet II frame; padded to 60 bytes unless pad is False."""
    f = dst + src + struct.pack("!H", etype) + payload
    if pad and len(f) < 60:
        f += b"\0" * (60 - len(f))
    return f


def parse_eth(f):
    if len(f) < 14:
        raise Malformed("ethernet: %d bytes, shorter than the header" % len(f))
    if len(f) > FRAME_MAX:
        raise Malformed("ethernet: %d bytes, longer than %d" % (len(f), FRAME_MAX))
    (etype,) = struct.unpack("!H", f[12:14])
    return {"dst": f[0:6], "src": f[6:12], "type": etype, "payload": f[14:]}


# ------------------------------------------------------------------- ARP

def arp(op, sha, spa, tha, tpa):
    """An ARP packet for Ethernet and IPv4 (op 1 request, 2 reply)."""
    return struct.pack("!HHBBH", 1, ETH_IPV4, 6, 4, op) + sha + spa + tha + tpa


def parse_arp(p):
    if len(p) < 28:
        raise Malformed("arp: %d bytes, shorter than 28" % len(p))
    htype, ptype, hlen, plen, op = struct.unpack("!HHBBH", p[:8])
    if (htype, ptype, hlen, plen) != (1, ETH_IPV4, 6, 4):
        raise Malformed("arp: not Ethernet/IPv4 (%d, %#x, %d, %d)" % (htype, ptype, hlen, plen))
    if op not in (1, 2):
        raise Malformed("arp: op %d" % op)
    return {"op": op, "sha": p[8:14], "spa": p[14:18], "tha": p[18:24], "tpa": p[24:28]}


# ------------------------------------------------------------------ IPv4

def ipv4(src, dst, proto, payload, ident=0, ttl=64, df=False, mf=False, offset=0, options=b"",
         tos=0, ihl=None, total_len=None, csum=None, reserved_flag=False):
    """An IPv4 datagram.  offset is in bytes (a multiple of 8).  options
    are padded with zeros (EOL) to a multiple of 4.  ihl, total_len and
    csum override what would be computed."""
    if len(options) % 4:
        options += b"\0" * (4 - len(options) % 4)
    hl = 20 + len(options)
    flags = (0x8000 if reserved_flag else 0) | (0x4000 if df else 0) | (0x2000 if mf else 0)
    frag = flags | ((offset // 8) & 0x1FFF)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ((hl // 4) if ihl is None else ihl), tos,
                    hl + len(payload) if total_len is None else total_len, ident, frag, ttl,
                    proto, 0, src, dst) + options
    c = cksum(h) if csum is None else csum
    return h[:10] + struct.pack("!H", c) + h[12:] + payload


# Option types whose body this parser knows (RFC 791): type -> name.
IP_OPTIONS = {0: "EOL", 1: "NOP", 7: "RR", 68: "TS", 131: "LSRR", 137: "SSRR", 130: "SEC",
              136: "SID", 148: "RA"}


def parse_ip_options(opts):
    """The option list [(type, body)] of a header's option bytes, checking
    each length (RFC 791: type, length counting type and length, body)."""
    out = []
    i = 0
    while i < len(opts):  # each turn consumes at least one byte
        t = opts[i]
        if t == 0:  # end of the list; the rest is padding
            break
        if t == 1:
            out.append((1, b""))
            i += 1
            continue
        if i + 1 >= len(opts):
            raise Malformed("ip option %d: no length byte" % t)
        n = opts[i + 1]
        if n < 2 or i + n > len(opts):
            raise Malformed("ip option %d: length %d at %d of %d" % (t, n, i, len(opts)))
        out.append((t, bytes(opts[i + 2:i + n])))
        i += n
    return out


def parse_ipv4(p, link_len=None):
    """A datagram (p may carry link padding after it).  Returns header
    fields, 'options' [(type, body)], 'payload' (cut at total length),
    'offset' in bytes, 'mf', 'df'."""
    if len(p) < 20:
        raise Malformed("ipv4: %d bytes, shorter than 20" % len(p))
    vihl, tos, tlen, ident, frag, ttl, proto, c = struct.unpack("!BBHHHBBH", p[:12])
    if vihl >> 4 != 4:
        raise Malformed("ipv4: version %d" % (vihl >> 4))
    hl = (vihl & 15) * 4
    if hl < 20:
        raise Malformed("ipv4: IHL %d" % (vihl & 15))
    if hl > len(p):
        raise Malformed("ipv4: IHL %d past the %d bytes" % (vihl & 15, len(p)))
    if tlen < hl or tlen > len(p):
        raise Malformed("ipv4: total length %d (header %d, %d bytes)" % (tlen, hl, len(p)))
    if cksum(p[:hl]) != 0:
        raise Malformed("ipv4: header checksum %#06x" % c)
    if frag & 0x8000:
        raise Malformed("ipv4: reserved flag set")
    offset = (frag & 0x1FFF) * 8
    mf = bool(frag & 0x2000)
    if offset + tlen - hl > 65535 - 20:
        raise Malformed("ipv4: fragment ends at %d, past 65515" % (offset + tlen - hl))
    if mf and (tlen - hl == 0 or (tlen - hl) % 8):
        raise Malformed("ipv4: MF fragment of %d bytes, not a non-zero multiple of 8" % (tlen - hl))
    return {"tos": tos, "len": tlen, "id": ident, "df": bool(frag & 0x4000), "mf": mf,
            "offset": offset, "ttl": ttl, "proto": proto, "src": p[12:16], "dst": p[16:20],
            "ihl": hl // 4, "options": parse_ip_options(p[20:hl]), "payload": p[hl:tlen]}


# ------------------------------------------------------------------ ICMP

def icmp(itype, code, rest=b"\0\0\0\0", data=b"", csum=None):
    """An ICMP message: type, code, checksum, 4 bytes of 'rest' and data."""
    body = struct.pack("!BBH", itype, code, 0) + rest + data
    c = cksum(body) if csum is None else csum
    return body[:2] + struct.pack("!H", c) + body[4:]


def echo(ident, seq, data=b"", reply=False, csum=None):
    return icmp(0 if reply else 8, 0, struct.pack("!HH", ident, seq), data, csum)


def parse_icmp(p):
    if len(p) < 8:
        raise Malformed("icmp: %d bytes, shorter than 8" % len(p))
    if cksum(p) != 0:
        raise Malformed("icmp: checksum")
    t, code = p[0], p[1]
    out = {"type": t, "code": code, "rest": p[4:8], "data": p[8:]}
    if t in (0, 8):
        out["id"], out["seq"] = struct.unpack("!HH", p[4:8])
    return out


# ------------------------------------------------------------------- UDP

def udp(src, dst, sport, dport, payload, length=None, csum=None):
    """A UDP datagram with its checksum (0 is sent as 0xffff)."""
    n = 8 + len(payload) if length is None else length
    h = struct.pack("!HHHH", sport, dport, n, 0) + payload
    if csum is None:
        csum = cksum(pseudo(src, dst, PROTO_UDP, len(h)) + h) or 0xFFFF
    return h[:6] + struct.pack("!H", csum) + h[8:]


def parse_udp(p, src, dst):
    if len(p) < 8:
        raise Malformed("udp: %d bytes, shorter than 8" % len(p))
    sport, dport, n, c = struct.unpack("!HHHH", p[:8])
    if n < 8 or n > len(p):
        raise Malformed("udp: length %d of %d bytes" % (n, len(p)))
    if c != 0 and cksum(pseudo(src, dst, PROTO_UDP, n) + p[:n]) != 0:
        raise Malformed("udp: checksum")
    return {"sport": sport, "dport": dport, "len": n, "payload": p[8:n]}


# ------------------------------------------------------------------- TCP

def tcp_options(mss=None, wscale=None, sack_ok=False, ts=None):
    """TCP options (RFC 9293, RFC 7323, RFC 2018), padded with NOPs/EOL to
    a multiple of 4.  ts is (TSval, TSecr)."""
    o = b""
    if mss is not None:
        o += struct.pack("!BBH", 2, 4, mss)
    if sack_ok:
        o += b"\x04\x02"
    if ts is not None:
        o += b"\x01\x01" + struct.pack("!BBII", 8, 10, ts[0], ts[1])
    if wscale is not None:
        o += b"\x01" + struct.pack("!BBB", 3, 3, wscale)
    if len(o) % 4:
        o += b"\0" * (4 - len(o) % 4)
    return o


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b"", window=65535, options=b"",
        urg=0, doff=None, csum=None):
    """A TCP segment with its checksum; doff (in 32-bit words) and csum
    override."""
    if len(options) % 4:
        options += b"\0" * (4 - len(options) % 4)
    hl = 20 + len(options)
    off = (hl // 4) if doff is None else doff
    h = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, off << 4,
                    flags, window, 0, urg) + options + payload
    if csum is None:
        csum = cksum(pseudo(src, dst, PROTO_TCP, len(h)) + h)
    return h[:16] + struct.pack("!H", csum) + h[18:]


def parse_tcp_options(opts):
    """[(kind, body)] of a header's option bytes, each length checked;
    the known kinds must have their RFC lengths."""
    want = {2: 4, 3: 3, 4: 2, 8: 10}
    out = []
    i = 0
    while i < len(opts):  # each turn consumes at least one byte
        k = opts[i]
        if k == 0:
            break
        if k == 1:
            i += 1
            continue
        if i + 1 >= len(opts):
            raise Malformed("tcp option %d: no length byte" % k)
        n = opts[i + 1]
        if n < 2 or i + n > len(opts):
            raise Malformed("tcp option %d: length %d at %d of %d" % (k, n, i, len(opts)))
        if k in want and n != want[k]:
            raise Malformed("tcp option %d: length %d, want %d" % (k, n, want[k]))
        if k == 5 and (n - 2) % 8:
            raise Malformed("tcp option 5 (SACK): length %d" % n)
        out.append((k, bytes(opts[i + 2:i + n])))
        i += n
    return out


def tcp_flag_problem(flags):
    """Why a flag combination cannot happen on a sane connection, or None.
    SYN with FIN or RST; no flag at all; FIN, PSH or URG without ACK (after
    the SYN every segment but a RST carries ACK, RFC 9293 3.10.7)."""
    if flags & SYN and flags & FIN:
        return "SYN+FIN"
    if flags & SYN and flags & RST:
        return "SYN+RST"
    if flags & 0x3F == 0:
        return "no flags"
    if not flags & ACK and not flags & (SYN | RST):
        return "%s without ACK" % flags_str(flags)
    return None


def parse_tcp(p, src, dst):
    if len(p) < 20:
        raise Malformed("tcp: %d bytes, shorter than 20" % len(p))
    sport, dport, seq, ack, off, flags, win, c, urg = struct.unpack("!HHIIBBHHH", p[:20])
    hl = (off >> 4) * 4
    if hl < 20 or hl > len(p):
        raise Malformed("tcp: data offset %d of %d bytes" % (off >> 4, len(p)))
    if cksum(pseudo(src, dst, PROTO_TCP, len(p)) + p) != 0:
        raise Malformed("tcp: checksum")
    why = tcp_flag_problem(flags)
    if why:
        raise Malformed("tcp: flags %s (%s)" % (flags_str(flags), why))
    return {"sport": sport, "dport": dport, "seq": seq, "ack": ack, "flags": flags, "win": win,
            "urg": urg, "options": parse_tcp_options(p[20:hl]), "payload": p[hl:]}


# ---------------------------------------------------------- whole frames

def parse_frame(f):
    """Every layer of one frame, checked.  Returns a dict: 'eth', and
    'arp' or 'ip' with, for a whole datagram or a first fragment holding
    the header, 'icmp', 'udp' or 'tcp'.  Raises Malformed at the first
    fault.  Non-first fragments carry only 'ip'."""
    out = {"eth": parse_eth(f)}
    e = out["eth"]
    if e["type"] == ETH_ARP:
        out["arp"] = parse_arp(e["payload"])
    elif e["type"] == ETH_IPV4:
        h = out["ip"] = parse_ipv4(e["payload"])
        whole = not h["mf"] and h["offset"] == 0
        if whole and h["proto"] == PROTO_ICMP:
            out["icmp"] = parse_icmp(h["payload"])
        elif whole and h["proto"] == PROTO_UDP:
            out["udp"] = parse_udp(h["payload"], h["src"], h["dst"])
        elif whole and h["proto"] == PROTO_TCP:
            out["tcp"] = parse_tcp(h["payload"], h["src"], h["dst"])
    return out


# ------------------------------------------------------------------ pcap

PCAP_MAGIC = 0xA1B2C3D4  # microsecond timestamps
LINKTYPE_ETHERNET = 1


class PcapWriter:
    """A classic pcap file (version 2.4, Ethernet), written as frames come."""

    def __init__(self, path, snaplen=65535):
        self.f = open(path, "wb")
        self.snaplen = snaplen
        self.count = 0
        self.f.write(struct.pack("<IHHiIII", PCAP_MAGIC, 2, 4, 0, 0, snaplen, LINKTYPE_ETHERNET))

    def write(self, frame, ts=None):
        """Appends one frame; returns its index (0 for the first)."""
        ts = time.time() if ts is None else ts
        sec = int(ts)
        usec = int((ts - sec) * 1e6)
        cap = frame[:self.snaplen]
        self.f.write(struct.pack("<IIII", sec, usec, len(cap), len(frame)) + cap)
        self.f.flush()
        self.count += 1
        return self.count - 1

    def close(self):
        self.f.close()


def read_pcap(path):
    """[(timestamp, frame)] of a pcap file in either byte order.  Raises
    Malformed for a bad header or a record cut short."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise Malformed("pcap: %d bytes, no header" % len(data))
    (magic,) = struct.unpack("<I", data[:4])
    if magic == PCAP_MAGIC:
        end = "<"
    elif magic == 0xD4C3B2A1:
        end = ">"
    else:
        raise Malformed("pcap: magic %#x" % magic)
    _, _, _, _, snaplen, link = struct.unpack(end + "HHiIII", data[4:24])
    if link != LINKTYPE_ETHERNET:
        raise Malformed("pcap: link type %d, not Ethernet" % link)
    out = []
    i = 24
    while i < len(data):  # each record moves i forward by 16 or more
        if i + 16 > len(data):
            raise Malformed("pcap: record header cut at byte %d" % i)
        sec, usec, incl, orig = struct.unpack(end + "IIII", data[i:i + 16])
        if incl > snaplen or incl > orig or i + 16 + incl > len(data):
            raise Malformed("pcap: record at byte %d: %d of %d bytes" % (i, incl, orig))
        out.append((sec + usec / 1e6, data[i + 16:i + 16 + incl]))
        i += 16 + incl
    return out
