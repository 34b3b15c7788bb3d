#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A hostile wire between two QEMU guests (issue 12, "How it is proven").

    relay.py --port1 P1 --port2 P2 --control PC --pcap OUT.pcap [--seed N]
             [--loss PCT] [--reorder PCT] [--dup PCT] [--corrupt PCT]
             [--max-seconds S]

Listens on 127.0.0.1 only: ports P1 and P2 take one guest each (QEMU
`-netdev stream,server=off,addr.type=inet,addr.host=127.0.0.1,addr.port=P`,
whose framing is tests/net/qwire.py's), PC takes control connections.
Every frame one guest sends is forwarded to the other, after the
impairments, drawn from one random.Random(seed), in this order: lost;
corrupted (one byte flipped so that an IPv4 checksum fails: IPv4 frames
only, ARP has no checksum); duplicated; held back and sent after the next
frame the other way round (reordered; a held frame goes anyway after
REORDER_HOLD_S).  Each frame as a guest received it is written to the
pcap; OUT.pcap.json (written by `save` and at exit) lists the frames the
relay made bad on purpose, corrupted or injected, and what it counted.

The relay also plays a third host, FAKE_IP (10.7.0.66) with FAKE_MAC: it
answers ARP for it, swallows frames sent to it, and is the source of most
hostile packets, so a guest's answers to them come back to the relay and
can be examined (`since`).

Control: one command per line, one answer line, "ok JSON" or "err TEXT".

    impair loss=P reorder=P dup=P corrupt=P   set percentages (any subset)
    inject NAME SIDE                          a hostile packet (HOSTILE below) to guest SIDE (1 or 2)
    list                                      the hostile packets' names and what each should do
    stats                                     what the relay counted, what it learned
    mark                                      the index of the next frame a guest sends
    since N                                   summaries of the frames the guests sent from mark N
    save                                      write OUT.pcap.json now
    quit                                      save and stop

SAFETY: addresses are 127.0.0.1 only; the main loop ends after
--max-seconds whatever happens; every buffer is bounded.
"""
import argparse
import json
import os
import random
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qwire as q  # noqa: E402

HOST = "127.0.0.1"
FAKE_IP = q.ip("10.7.0.66")
FAKE_MAC = q.mac("02:00:00:0a:07:42")
REORDER_HOLD_S = 0.05      # a held frame goes after this even if nothing follows
OUT_BUF_MAX = 4 << 20      # bytes waiting for a guest; past it, frames are dropped
LOG_MAX = 20000            # frame summaries kept for `since`
CONTROL_LINE_MAX = 4096


class Side:
    """One guest's end: its socket, the bytes waiting to go to it, and
    what the relay learned of it from the frames it sent."""

    def __init__(self, name, port):
        self.name = name
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((HOST, port))
        self.listener.listen(1)
        self.conn = None
        self.deframer = q.Deframer()
        self.out = bytearray()
        self.mac = None
        self.ip = None
        self.held = []  # [(deadline, frame, bad)] reordered frames waiting


class Relay:
    def __init__(self, args):
        self.sides = {"1": Side("1", args.port1), "2": Side("2", args.port2)}
        self.ctl = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.ctl.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ctl.bind((HOST, args.control))
        self.ctl.listen(4)
        self.clients = {}  # socket -> bytes of a line not yet ended
        self.rng = random.Random(args.seed)
        self.imp = {"loss": args.loss, "reorder": args.reorder, "dup": args.dup,
                    "corrupt": args.corrupt}
        self.pcap = q.PcapWriter(args.pcap)
        self.pcap_path = args.pcap
        self.bad = []  # [{"index", "why"}] frames made bad on purpose
        self.stats = {k: 0 for k in ("frames_in", "forwarded", "lost", "corrupted", "duplicated",
                                     "reordered", "no_peer", "overflow", "injected", "to_fake",
                                     "fake_arp_replies", "stream_errors", "delivered_1",
                                     "delivered_2")}
        self.log = []  # [(mark, side, summary)] of frames the guests sent
        self.marks = 0
        self.conns = {}  # (src, sport, dst, dport) -> {"nxt", "ack", "win"} as sent
        self.deadline = time.monotonic() + args.max_seconds
        self.running = True

    # ------------------------------------------------------------ output

    def deliver(self, side, frame, why_bad=None):
        """Queue one frame to guest side and write it to the pcap."""
        s = self.sides[side]
        if s.conn is None:
            self.stats["no_peer"] += 1
            return
        if len(s.out) > OUT_BUF_MAX:
            self.stats["overflow"] += 1
            return
        s.out += q.frame_encode(frame)
        self.stats["delivered_" + side] += 1
        idx = self.pcap.write(frame)
        if why_bad:
            self.bad.append({"index": idx, "why": why_bad})

    def corrupt(self, frame):
        """Flip one byte of an IPv4 frame where a checksum covers it: the
        transport payload if there is one (past the ICMP, UDP or TCP
        header, so no length or checksum field is hit), else the IP ID.
        None for frames that are not IPv4 (they go unharmed)."""
        try:
            p = q.parse_frame(frame)
        except q.Malformed:
            return None
        if "ip" not in p:
            return None
        h = p["ip"]
        ip_start = 14
        l4 = ip_start + h["ihl"] * 4
        if "icmp" in p or "udp" in p:
            hdr = 8
        elif "tcp" in p:
            hdr = (frame[l4 + 12] >> 4) * 4
        else:
            hdr = 0  # a fragment, or a protocol without a parser here
        first, last = l4 + hdr, ip_start + h["len"]
        if not hdr or first >= last:
            first, last = ip_start + 4, ip_start + 6  # the IP ID
        at = self.rng.randrange(first, last)
        b = bytearray(frame)
        b[at] ^= 1 << self.rng.randrange(8)
        return bytes(b)

    def forward(self, src, frame):
        """A frame from guest src toward the other guest, impaired."""
        dst = "2" if src == "1" else "1"
        r = self.rng
        if r.random() * 100 < self.imp["loss"]:
            self.stats["lost"] += 1
            return
        why = None
        if r.random() * 100 < self.imp["corrupt"]:
            c = self.corrupt(frame)
            if c is not None:
                frame, why = c, "corrupted by the relay"
        copies = 1
        if r.random() * 100 < self.imp["dup"]:
            copies = 2
            self.stats["duplicated"] += 1
        s = self.sides[dst]
        for _ in range(copies):
            if why:
                self.stats["corrupted"] += 1
            if r.random() * 100 < self.imp["reorder"] and not s.held:
                s.held.append((time.monotonic() + REORDER_HOLD_S, frame, why))
                self.stats["reordered"] += 1
                continue
            self.stats["forwarded"] += 1
            self.deliver(dst, frame, why)
            self.release(dst)  # a held frame goes after this one: reordered

    def release(self, side, only_due=False):
        s = self.sides[side]
        now = time.monotonic()
        keep = []
        for deadline, frame, why in s.held:
            if only_due and deadline > now:
                keep.append((deadline, frame, why))
            else:
                self.stats["forwarded"] += 1
                self.deliver(side, frame, why)
        s.held = keep

    # ----------------------------------------------------------- learning

    def learn(self, side, frame):
        """Addresses and TCP sequence numbers from a frame guest side
        sent; a summary for `since`.  Returns the parsed frame or None."""
        s = self.sides[side]
        summary = {"len": len(frame)}
        try:
            p = q.parse_frame(frame)
        except q.Malformed as e:
            summary["malformed"] = str(e)
            self.log_frame(side, summary)
            return None
        e = p["eth"]
        summary["dst_mac"] = q.mac_str(e["dst"])
        if not e["src"][0] & 1:
            s.mac = e["src"]
        if "arp" in p:
            a = p["arp"]
            summary.update(arp=a["op"], spa=q.ip_str(a["spa"]), tpa=q.ip_str(a["tpa"]))
            if a["spa"] != b"\0\0\0\0":
                s.ip = a["spa"]
        if "ip" in p:
            h = p["ip"]
            summary.update(src=q.ip_str(h["src"]), dst=q.ip_str(h["dst"]), proto=h["proto"])
            s.ip = h["src"]
        if "icmp" in p:
            summary.update(icmp=p["icmp"]["type"], code=p["icmp"]["code"])
        if "udp" in p:
            summary.update(sport=p["udp"]["sport"], dport=p["udp"]["dport"])
        if "tcp" in p:
            t = p["tcp"]
            n = len(t["payload"]) + (1 if t["flags"] & q.SYN else 0) + (1 if t["flags"] & q.FIN else 0)
            key = (q.ip_str(p["ip"]["src"]), t["sport"], q.ip_str(p["ip"]["dst"]), t["dport"])
            c = self.conns.setdefault(key, {"nxt": t["seq"], "ack": 0, "win": 0})
            end = (t["seq"] + n) & 0xFFFFFFFF
            if (end - c["nxt"]) & 0x80000000 == 0:  # end >= nxt in sequence space
                c["nxt"] = end
            c["ack"], c["win"] = t["ack"], t["win"]
            for kind, body in t["options"]:
                if kind == 8:  # timestamps (RFC 7323): a segment without them is dropped
                    c["ts"] = struct.unpack("!II", body)
            if t["flags"] & q.SYN:
                c["nxt"] = end
            summary.update(sport=t["sport"], dport=t["dport"], flags=q.flags_str(t["flags"]),
                           seq=t["seq"], ack=t["ack"], plen=len(t["payload"]))
        self.log_frame(side, summary)
        return p

    def log_frame(self, side, summary):
        self.log.append((self.marks, side, summary))
        self.marks += 1
        if len(self.log) > LOG_MAX:
            del self.log[:LOG_MAX // 10]

    def fake_host(self, side, frame, p):
        """Play FAKE_IP: answer ARP for it; swallow frames sent to it.
        True when the frame was for the fake host alone."""
        if p is None:
            return False
        e = p["eth"]
        if "arp" in p and p["arp"]["op"] == 1 and p["arp"]["tpa"] == FAKE_IP:
            a = p["arp"]
            reply = q.eth(a["sha"], FAKE_MAC, q.ETH_ARP, q.arp(2, FAKE_MAC, FAKE_IP, a["sha"], a["spa"]))
            self.stats["fake_arp_replies"] += 1
            self.deliver(side, reply)
            return True
        if e["dst"] == FAKE_MAC or (e["dst"][0] == 0x02 and e["dst"][1:3] == b"\0\xff"):
            self.stats["to_fake"] += 1  # to FAKE_MAC or a flood's made-up MAC
            self.pcap.write(frame)  # as the fake host received it
            return True
        return False

    # ------------------------------------------------------------ control

    def command(self, line):
        words = line.split()
        if not words:
            return "err empty command"
        cmd, rest = words[0], words[1:]
        if cmd == "impair":
            for w in rest:
                k, _, v = w.partition("=")
                if k not in self.imp:
                    return "err unknown impairment %r" % k
                self.imp[k] = float(v)
            return "ok " + json.dumps(self.imp)
        if cmd == "stats":
            return "ok " + json.dumps(self.summary())
        if cmd == "mark":
            return "ok %d" % self.marks
        if cmd == "since" and len(rest) == 1 and rest[0].isdigit():
            n = int(rest[0])
            return "ok " + json.dumps([dict(s, mark=m, side=sd) for m, sd, s in self.log if m >= n])
        if cmd == "list":
            return "ok " + json.dumps({k: v[1] for k, v in HOSTILE.items()})
        if cmd == "inject" and len(rest) == 2 and rest[1] in self.sides:
            return self.inject(rest[0], rest[1])
        if cmd == "save":
            self.save()
            return "ok " + json.dumps(self.pcap_path)
        if cmd == "quit":
            self.running = False
            return "ok bye"
        return "err unknown command %r" % line

    def inject(self, name, side):
        if name not in HOSTILE:
            return "err no hostile packet %r" % name
        s = self.sides[side]
        peer = self.sides["2" if side == "1" else "1"]
        if s.mac is None or s.ip is None:
            return "err guest %s not learned yet (no frame from it)" % side
        try:
            frames = HOSTILE[name][0](Target(s, peer, self))
        except LookupError as e:
            return "err %s: %s" % (name, e)
        for frame, why in frames:
            self.deliver(side, frame, why and "injected %s: %s" % (name, why))
        self.stats["injected"] += len(frames)
        return "ok " + json.dumps({"name": name, "frames": len(frames), "expect": HOSTILE[name][1]})

    def summary(self):
        return {"stats": self.stats, "impair": self.imp, "planted": len(self.bad),
                "frames": self.pcap.count,
                "guests": {n: {"mac": s.mac and q.mac_str(s.mac), "ip": s.ip and q.ip_str(s.ip),
                               "connected": s.conn is not None, "pending": len(s.out)}
                           for n, s in self.sides.items()},
                "tcp": [{"conn": "%s:%d>%s:%d" % k, **v} for k, v in self.conns.items()]}

    def save(self):
        with open(self.pcap_path + ".json", "w") as f:
            json.dump({"bad": self.bad, **self.summary()}, f, indent=1)

    # --------------------------------------------------------------- loop

    def run(self):
        print("relay: listening on %s ports %d, %d; control %d" % (
            HOST, self.sides["1"].listener.getsockname()[1], self.sides["2"].listener.getsockname()[1],
            self.ctl.getsockname()[1]), flush=True)
        while self.running and time.monotonic() < self.deadline:
            rd = [self.ctl] + list(self.clients)
            wr = []
            for s in self.sides.values():
                rd.append(s.conn if s.conn else s.listener)
                if s.conn and s.out:
                    wr.append(s.conn)
            r, w, _ = select.select(rd, wr, [], 0.02)
            for sock in r:
                self.readable(sock)
            for s in self.sides.values():
                if s.conn and s.conn in w:
                    self.flush(s)
                if s.held:
                    self.release(s.name, only_due=True)
        self.save()
        self.pcap.close()

    def readable(self, sock):
        if sock is self.ctl:
            c, _ = self.ctl.accept()
            self.clients[c] = b""
            return
        if sock in self.clients:
            self.control_input(sock)
            return
        for s in self.sides.values():
            if sock is s.listener:
                s.conn, _ = s.listener.accept()
                # Small frames back to back must not wait for the guest's
                # delayed ACK (Nagle): about 40 ms each otherwise.
                s.conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s.conn.setblocking(False)
                s.deframer = q.Deframer()
                return
            if sock is s.conn:
                self.guest_input(s)
                return

    def guest_input(self, s):
        try:
            data = s.conn.recv(65536)
        except OSError:
            data = b""
        if not data:  # the guest went away; wait for it to come back
            s.conn.close()
            s.conn, s.out, s.held = None, bytearray(), []
            return
        try:
            frames = s.deframer.feed(data)
        except q.Malformed:
            self.stats["stream_errors"] += 1
            s.conn.close()
            s.conn = None
            return
        for f in frames:
            self.stats["frames_in"] += 1
            p = self.learn(s.name, f)
            if not self.fake_host(s.name, f, p):
                self.forward(s.name, f)

    def flush(self, s):
        try:
            n = s.conn.send(s.out)
        except BlockingIOError:
            return
        except OSError:
            n = len(s.out)
        del s.out[:n]

    def control_input(self, c):
        try:
            data = c.recv(4096)
        except OSError:
            data = b""
        if not data:
            del self.clients[c]
            c.close()
            return
        buf = self.clients[c] + data.replace(b"\r", b"\n")  # a raw terminal sends CR
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if not line.strip():
                continue  # an empty line gets no answer
            try:
                answer = self.command(line.decode("ascii", "replace").strip())
            except (ValueError, KeyError) as e:
                answer = "err %s" % e
            c.sendall(answer.encode() + b"\n")
        if len(buf) > CONTROL_LINE_MAX:
            buf = b""
        self.clients[c] = buf


class Target:
    """What a hostile packet is built from: the target guest, the other
    guest (whose addresses a spoofed segment takes), the fake host, and
    the TCP connections seen between the two guests."""

    def __init__(self, s, peer, relay):
        self.mac, self.ip = s.mac, s.ip
        self.peer_mac, self.peer_ip = peer.mac, peer.ip
        self.relay = relay
        self.rng = random.Random(relay.rng.random())

    def frame(self, payload, etype=q.ETH_IPV4, src_mac=FAKE_MAC, pad=True):
        return q.eth(self.mac, src_mac, etype, payload, pad)

    def ip4(self, proto, payload, **kw):
        return self.frame(q.ipv4(FAKE_IP, self.ip, proto, payload, **kw))

    def echo(self, ident=0x4242, seq=1, data=b"hostile!" * 4, **kw):
        return self.ip4(q.PROTO_ICMP, q.echo(ident, seq, data), **kw)

    def tcp(self, sport, dport, seq, ack, flags, payload=b"", src_ip=FAKE_IP, **kw):
        seg = q.tcp(src_ip, self.ip, sport, dport, seq, ack, flags, payload, **kw)
        return q.ipv4(src_ip, self.ip, q.PROTO_TCP, seg)

    @staticmethod
    def ts_of(c):
        """The timestamp option a segment of connection c must carry when
        the two ends agreed on timestamps (RFC 7323 3.2: a non-RST segment
        without one is dropped): the peer's last TSval plus one (not older,
        PAWS), and the echo it last sent."""
        if "ts" not in c:
            return b""
        return q.tcp_options(ts=((c["ts"][0] + 1) & 0xFFFFFFFF, c["ts"][1]))

    def live_conn(self):
        """The latest TCP connection from the peer to the target: the
        peer's next sequence number and what it acknowledged."""
        me, peer = q.ip_str(self.ip), q.ip_str(self.peer_ip or b"\0\0\0\0")
        for (src, sport, dst, dport), c in reversed(list(self.relay.conns.items())):
            if src == peer and dst == me:
                return sport, dport, c
        raise LookupError("no TCP connection from %s to %s seen yet" % (peer, me))

    def spoof(self, payload):
        """An IPv4 frame that claims to come from the peer guest."""
        return q.eth(self.mac, self.peer_mac, q.ETH_IPV4, payload)


# ------------------------------------------------------------ the packets
#
# Each: name -> (builder(Target) -> [(frame, why-bad or None)], what netd
# should do).  "expect" maps a counter of `net` (lib/net/net.h) to the
# least it must move by; "driver_drops" is how many of the frames the
# card's driver drops before netd (so ETH_IN does not count them);
# "reply" says what the target sends back to the fake host: "none", "rst",
# "echo", "unreach" (ICMP destination unreachable), "arp" (replies to the
# flood), "synack", or "ack" (a challenge or
# duplicate ACK, inside a connection).
#
# TCP segments to a closed port are answered with RST whatever their
# flags (RFC 9293 3.10.7.1: in CLOSED, every segment without RST gets
# one): the impossible-flag cases are only dropped silently by a listener
# or a connection (the "tcp" cases, which need sockets).

def _eth_runt(t):
    return [(t.mac + FAKE_MAC[:4], "10-byte frame")]


def _ip_short(t):
    # 12 bytes of an IPv4 header, unpadded: the frame is 26 bytes long.
    d = q.ipv4(FAKE_IP, t.ip, q.PROTO_ICMP, q.echo(0x4242, 9))[:12]
    return [(t.frame(d, pad=False), "12-byte IPv4 header")]


def _ip_truncated(t):
    # IHL 15 (60 bytes of header) in a datagram of 24 bytes.
    d = q.ipv4(FAKE_IP, t.ip, q.PROTO_ICMP, b"\x08\0\0\0", ihl=15)
    return [(t.frame(d), "IHL past the frame")]


def _icmp_truncated(t):
    return [(t.ip4(q.PROTO_ICMP, b"\x08\0\xf7\xff"), "4-byte ICMP")]


def _udp_truncated(t):
    return [(t.ip4(q.PROTO_UDP, b"\x30\x39\0\x07"), "4-byte UDP")]


def _tcp_truncated(t):
    return [(t.ip4(q.PROTO_TCP, struct.pack("!HHII", 40000, 7, 1, 0)), "12-byte TCP")]


def _ip_bad_cksum(t):
    d = q.ipv4(FAKE_IP, t.ip, q.PROTO_ICMP, q.echo(0x4242, 2, b"x" * 32))
    c = struct.unpack("!H", d[10:12])[0] ^ 0x0101
    return [(t.frame(d[:10] + struct.pack("!H", c) + d[12:]), "IP checksum")]


def _icmp_bad_cksum(t):
    e = q.echo(0x4242, 3, b"x" * 32)
    e = e[:2] + struct.pack("!H", struct.unpack("!H", e[2:4])[0] ^ 0x0100) + e[4:]
    return [(t.ip4(q.PROTO_ICMP, e), "ICMP checksum")]


def _udp_bad_cksum(t):
    u = q.udp(FAKE_IP, t.ip, 40000, 7, b"hostile udp")
    u = u[:6] + struct.pack("!H", struct.unpack("!H", u[6:8])[0] ^ 0x0011) + u[8:]
    return [(t.ip4(q.PROTO_UDP, u), "UDP checksum")]


def _tcp_bad_cksum(t):
    s = q.tcp(FAKE_IP, t.ip, 40001, 7, 1000, 0, q.SYN, options=q.tcp_options(mss=1460))
    s = s[:16] + struct.pack("!H", struct.unpack("!H", s[16:18])[0] ^ 0x1000) + s[18:]
    return [(t.ip4(q.PROTO_TCP, s), "TCP checksum")]


def _udp_closed_port(t):
    # The control for the silent UDP cases: a sound datagram to a port
    # with no socket is answered with ICMP port unreachable.
    return [(t.ip4(q.PROTO_UDP, q.udp(FAKE_IP, t.ip, 40000, 9, b"anyone?")), None)]


def _tcp_closed_port(t):
    # The control for the silent TCP cases: a sound SYN to a closed port
    # is answered with RST.
    s = q.tcp(FAKE_IP, t.ip, 40002, 7, 5000, 0, q.SYN, options=q.tcp_options(mss=1460))
    return [(t.ip4(q.PROTO_TCP, s), None)]


def _ip_bad_ihl(t):
    return [(t.echo(ihl=4), "IHL 4")]


def _ip_bad_version(t):
    d = bytearray(q.ipv4(FAKE_IP, t.ip, q.PROTO_ICMP, q.echo(0x4242, 4, b"v6?")))
    d[0] = 0x65
    d[10:12] = b"\0\0"
    d[10:12] = struct.pack("!H", q.cksum(bytes(d[:20])))
    return [(t.frame(bytes(d)), "version 6")]


def _ip_len_long(t):
    return [(t.echo(total_len=400), "total length past the frame")]


def _ip_len_short(t):
    return [(t.echo(total_len=16), "total length below IHL")]


def _ip_options_bad(t):
    # A record-route option whose length (40) runs past the 4 option bytes.
    return [(t.echo(options=b"\x07\x28\x04\x00"), "option length past the header")]


def _ip_options_ok(t):
    # NOP, NOP, NOP, EOL: well-formed options, to be skipped (docs/NET.md).
    return [(t.echo(options=b"\x01\x01\x01\x00", seq=5), None)]


def _ip_reserved_flag(t):
    return [(t.echo(reserved_flag=True), "reserved flag")]


def _ip_ttl_zero(t):
    return [(t.echo(ttl=0, seq=6), None)]


def _frag_overlap(t):
    data = bytes(range(32))
    a = q.ipv4(FAKE_IP, t.ip, q.PROTO_UDP, data[:16], ident=0x7001, mf=True, offset=0)
    b = q.ipv4(FAKE_IP, t.ip, q.PROTO_UDP, data[8:24], ident=0x7001, mf=True, offset=8)
    return [(t.frame(a), None), (t.frame(b), None)]


def _frag_endless(t):
    # Three datagrams whose fragments keep coming, MF always set, until
    # they pass the reassembly byte limit (128 KiB in all); then one
    # fragment that runs past 65515 bytes.
    out = []
    for ident in (0x7101, 0x7102, 0x7103):
        for off in range(0, 65000 - 1480, 1480):
            out.append((t.frame(q.ipv4(FAKE_IP, t.ip, q.PROTO_UDP, bytes(1480), ident=ident,
                                       mf=True, offset=off)), None))
    past = q.ipv4(FAKE_IP, t.ip, q.PROTO_UDP, bytes(16), ident=0x7104, mf=True, offset=65512)
    out.append((t.frame(past), "fragment past 65515"))
    return out


def _frag_slots(t):
    # More datagrams begun than there are reassembly slots (4).
    return [(t.frame(q.ipv4(FAKE_IP, t.ip, q.PROTO_UDP, bytes(8), ident=0x7200 + i, mf=True)), None)
            for i in range(8)]


def _burst(t):
    # 128 full-size echo requests back to back, each with its own sequence
    # number and data: more frames than the card has receive buffers (64).
    return [(t.echo(seq=1000 + i, data=bytes([i]) * 1472, ident=0x4343), None) for i in range(128)]


def _echo_train(t):
    # 16 echo requests back to back: fewer than the card's buffers.
    base = t.rng.randrange(0, 40000)
    return [(t.echo(seq=base + i, data=bytes([i]) * 64, ident=0x4444), None) for i in range(16)]


def _tcp_flags(flags, why):
    def build(t):
        s = q.tcp(FAKE_IP, t.ip, 40003, 7, 7000, 0, flags)
        return [(t.ip4(q.PROTO_TCP, s), why)]
    return build


def _arp_flood(t):
    # 300 requests for the target's address from 150 made-up senders
    # 10.7.0.100..249, MACs 02:00:ff:00:00:NN; then 50 about other hosts.
    out = []
    net = t.ip[:3]
    for i in range(300):
        sha = bytes([2, 0, 0xFF, 0, (i % 150) >> 8, (i % 150) & 0xFF])
        spa = net + bytes([100 + i % 150])
        out.append((q.eth(q.BROADCAST, sha, q.ETH_ARP, q.arp(1, sha, spa, bytes(6), t.ip)), None))
    for i in range(50):
        sha = bytes([2, 0, 0xFF, 1, 0, i])
        out.append((q.eth(q.BROADCAST, sha, q.ETH_ARP,
                          q.arp(1, sha, net + bytes([100 + i]), bytes(6), net + bytes([200]))), None))
    return out


def _syn_flood(port):
    def build(t):
        out = []
        for i in range(200):
            s = q.tcp(FAKE_IP, t.ip, 20000 + i, port, t.rng.getrandbits(32), 0, q.SYN,
                      options=q.tcp_options(mss=1460))
            out.append((t.ip4(q.PROTO_TCP, s, ident=i), None))
        return out
    return build


# TCP inside a live connection (from the peer guest to the target; needs
# sockets in netd and a connection the relay has seen).
def _tcp_rst_in_window(t):
    sport, dport, c = t.live_conn()
    s = t.tcp(sport, dport, c["nxt"] + 1, c["ack"], q.RST, src_ip=t.peer_ip)
    return [(t.spoof(s), None)]


def _tcp_syn_in_window(t):
    sport, dport, c = t.live_conn()
    s = t.tcp(sport, dport, c["nxt"] + 10, 0, q.SYN, src_ip=t.peer_ip, options=t.ts_of(c))
    return [(t.spoof(s), None)]


def _tcp_out_of_window(t):
    sport, dport, c = t.live_conn()
    s = t.tcp(sport, dport, c["nxt"] + (1 << 30), c["ack"], q.ACK | q.PSH, b"far away",
              src_ip=t.peer_ip, options=t.ts_of(c))
    return [(t.spoof(s), None)]


def _tcp_rst_out_of_window(t):
    sport, dport, c = t.live_conn()
    s = t.tcp(sport, dport, c["nxt"] + (1 << 30), 0, q.RST, src_ip=t.peer_ip)
    return [(t.spoof(s), None)]


HOSTILE = {
    # The virtio-net driver drops frames shorter than an Ethernet header
    # (NETIF_FRAME_MIN) before netd sees them: netd's ETH_IN stays put.
    "eth_runt": (_eth_runt, {"expect": {}, "driver_drops": 1, "reply": "none"}),
    "ip_short": (_ip_short, {"expect": {"IP_TRUNCATED": 1}, "reply": "none"}),
    "ip_truncated": (_ip_truncated, {"expect": {"IP_TRUNCATED": 1}, "reply": "none"}),
    "icmp_truncated": (_icmp_truncated, {"expect": {"ICMP_TRUNCATED": 1}, "reply": "none"}),
    "udp_truncated": (_udp_truncated, {"expect": {"UDP_TRUNCATED": 1}, "reply": "none"}),
    "tcp_truncated": (_tcp_truncated, {"expect": {"IP_DELIVERED": 1}, "reply": "none"}),
    "ip_bad_cksum": (_ip_bad_cksum, {"expect": {"IP_BAD_CKSUM": 1}, "reply": "none"}),
    "icmp_bad_cksum": (_icmp_bad_cksum, {"expect": {"ICMP_BAD_CKSUM": 1}, "reply": "none"}),
    "udp_bad_cksum": (_udp_bad_cksum, {"expect": {"UDP_BAD_CKSUM": 1}, "reply": "none"}),
    "tcp_bad_cksum": (_tcp_bad_cksum, {"expect": {"IP_DELIVERED": 1, "TCP_BAD_CKSUM": 1},
                                       "reply": "none"}),
    "udp_closed_port": (_udp_closed_port, {"expect": {"UDP_NO_PORT": 1, "ICMP_ERR_OUT": 1},
                                           "reply": "unreach"}),
    "tcp_closed_port": (_tcp_closed_port, {"expect": {"IP_DELIVERED": 1}, "reply": "rst"}),
    "ip_bad_ihl": (_ip_bad_ihl, {"expect": {"IP_BAD_IHL": 1}, "reply": "none"}),
    "ip_bad_version": (_ip_bad_version, {"expect": {"IP_BAD_VERSION": 1}, "reply": "none"}),
    "ip_len_long": (_ip_len_long, {"expect": {"IP_BAD_LENGTH": 1}, "reply": "none"}),
    "ip_len_short": (_ip_len_short, {"expect": {"IP_BAD_LENGTH": 1}, "reply": "none"}),
    # docs/NET.md: options are checked for form, then skipped.
    "ip_options_bad": (_ip_options_bad, {"expect": {"IP_BAD_OPTIONS": 1}, "reply": "none"}),
    "ip_options_ok": (_ip_options_ok, {"expect": {"ICMP_ECHO_IN": 1}, "reply": "echo"}),
    "ip_reserved_flag": (_ip_reserved_flag, {"expect": {"IP_BAD_FLAGS": 1}, "reply": "none"}),
    "ip_ttl_zero": (_ip_ttl_zero, {"expect": {"IP_TTL_ZERO": 1}, "reply": "none"}),
    "frag_overlap": (_frag_overlap, {"expect": {"FRAG_IN": 2, "FRAG_OVERLAP": 1}, "reply": "none"}),
    "frag_endless": (_frag_endless, {"expect": {"FRAG_NO_BYTES": 1, "FRAG_BAD": 1}, "reply": "none"}),
    "burst": (_burst, {"expect": {"ICMP_ECHO_IN": 128}, "reply": "echo"}),
    "echo_train": (_echo_train, {"expect": {"ICMP_ECHO_IN": 16}, "reply": "echo"}),
    "frag_slots": (_frag_slots, {"expect": {"FRAG_NO_SLOT": 4}, "reply": "none"}),
    "tcp_syn_fin": (_tcp_flags(q.SYN | q.FIN, "SYN+FIN"), {"expect": {"IP_DELIVERED": 1},
                                                          "reply": "rst"}),
    # A RST is never answered.
    "tcp_syn_rst": (_tcp_flags(q.SYN | q.RST, "SYN+RST"), {"expect": {"IP_DELIVERED": 1},
                                                          "reply": "none"}),
    "tcp_null": (_tcp_flags(0, "no flags"), {"expect": {"IP_DELIVERED": 1}, "reply": "rst"}),
    "arp_flood": (_arp_flood, {"expect": {"ARP_REQUESTS_IN": 300, "ARP_EVICTED": 1,
                                          "ARP_IGNORED": 50}, "reply": "arp"}),
    "syn_flood_closed": (_syn_flood(7), {"expect": {"IP_DELIVERED": 200}, "reply": "rst"}),
    # Needs a listener on port 7 (nc -l 7) in the target.
    "syn_flood": (_syn_flood(7), {"expect": {"IP_DELIVERED": 200}, "reply": "synack"}),
    "tcp_rst_in_window": (_tcp_rst_in_window, {"expect": {}, "reply": "ack", "tcp": True}),
    "tcp_syn_in_window": (_tcp_syn_in_window, {"expect": {}, "reply": "ack", "tcp": True}),
    "tcp_out_of_window": (_tcp_out_of_window, {"expect": {}, "reply": "ack", "tcp": True}),
    "tcp_rst_out_of_window": (_tcp_rst_out_of_window, {"expect": {}, "reply": "none", "tcp": True}),
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port1", type=int, required=True)
    ap.add_argument("--port2", type=int, required=True)
    ap.add_argument("--control", type=int, required=True)
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--seed", type=int, default=1)
    for k in ("loss", "reorder", "dup", "corrupt"):
        ap.add_argument("--" + k, type=float, default=0.0, help="percent of frames")
    ap.add_argument("--max-seconds", type=float, default=900.0)
    Relay(ap.parse_args(argv)).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
