#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A small Ethernet peer for VectraOS's DNS scenario (tests/qemu/dns_test.py).

It listens on 127.0.0.1 (and nowhere else) for QEMU's `-netdev socket,
connect=127.0.0.1:PORT`, whose framing is each Ethernet frame preceded by
its length as a 4-byte big-endian integer, and plays one host, 10.9.0.1
(MAC 52:54:00:0a:09:01), on the guest's link:

  ARP    answers requests for 10.9.0.1
  ICMP   answers echo requests to 10.9.0.1
  DNS    answers A queries to 10.9.0.1:53 from the zone below; every
         query is logged (name, id, source port) for the test to count

The zone (all names under .test):

  gw.test       A 10.9.0.1, TTL 300
  www.test      CNAME web.test (TTL 120); web.test A 10.9.0.80 and
                10.9.0.81 (TTL 600)
  short.test    A 10.9.0.22, TTL 2 (to watch it expire)
  nope.test     NXDOMAIN; SOA TTL 300, MINIMUM 60
  empty.test    no A record (NODATA); SOA TTL 30, MINIMUM 600
  big.test      TC=1 (truncated)
  fail.test     SERVFAIL
  refused.test  REFUSED
  spoof.test    first a reply with the wrong id (a spoof), then one from
                another address (10.9.0.66), then the real one: A 10.9.0.33
  loop.test     a reply whose answer name is a compression pointer to
                itself (malformed), every time
  cloop.test    a CNAME loop (cloop.test -> cloop2.test -> cloop.test)
  silent.test   no reply at all
  anything else NXDOMAIN without an SOA

Nothing here reads a clock except to bound waits; everything loops a
bounded number of times or until the link closes.
"""
import socket
import struct
import threading

PEER_IP = bytes([10, 9, 0, 1])
SPOOF_IP = bytes([10, 9, 0, 66])
PEER_MAC = bytes([0x52, 0x54, 0x00, 0x0A, 0x09, 0x01])


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def read_qname(msg, off):
    """The question's name (no compression in a query), and the offset after."""
    labels = []
    for _ in range(128):
        if off >= len(msg):
            return None, off
        n = msg[off]
        if n == 0:
            return ".".join(labels).lower(), off + 1
        if n & 0xC0:
            return None, off
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n
    return None, off


def rr(owner, rtype, ttl, rdata):
    return owner + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def a_rdata(addr):
    return bytes(int(x) for x in addr.split("."))


def soa(ttl, minimum):
    rdata = wire_name("ns.test") + wire_name("admin.test") + struct.pack("!5I", 1, 3600, 600,
                                                                          86400, minimum)
    return rr(wire_name("test"), 6, ttl, rdata)


class Peer:
    def __init__(self):
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(1)
        self.port = self.lsock.getsockname()[1]
        self.conn = None
        self.guest_mac = None
        self.queries = []  # (name, id, source port)
        self.pings = 0
        self.arps = 0
        self.lock = threading.Lock()
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()

    def count(self, name):
        """Datagrams that asked for name (retransmits included)."""
        with self.lock:
            return sum(1 for q in self.queries if q[0] == name)

    def asked(self, name):
        """Queries for name: distinct ids (a retransmit keeps its id)."""
        with self.lock:
            return len(set(q[1] for q in self.queries if q[0] == name))

    def close(self):
        self.stop = True
        for s in (self.conn, self.lsock):
            try:
                if s:
                    s.close()
            except OSError:
                pass

    # ------------------------------------------------------------ the link

    def _run(self):
        self.lsock.settimeout(120)
        try:
            self.conn, _ = self.lsock.accept()
        except OSError:
            return
        self.conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms Nagle waits
        self.conn.settimeout(1.0)
        buf = b""
        while not self.stop:
            try:
                chunk = self.conn.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            while len(buf) >= 4:
                n = struct.unpack("!I", buf[:4])[0]
                if len(buf) < 4 + n:
                    break
                frame, buf = buf[4:4 + n], buf[4 + n:]
                self._frame(frame)

    def _send(self, frame):
        if len(frame) < 60:
            frame += b"\0" * (60 - len(frame))
        try:
            self.conn.sendall(struct.pack("!I", len(frame)) + frame)
        except OSError:
            pass

    def _frame(self, f):
        if len(f) < 14:
            return
        etype = struct.unpack("!H", f[12:14])[0]
        if etype == 0x0806:
            self._arp(f)
        elif etype == 0x0800:
            self._ip(f)

    def _arp(self, f):
        a = f[14:42]
        if len(a) < 28 or struct.unpack("!H", a[6:8])[0] != 1 or a[24:28] != PEER_IP:
            return
        self.arps += 1
        mac, ip = a[8:14], a[14:18]
        self.guest_mac = mac
        reply = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + PEER_MAC + PEER_IP + mac + ip
        self._send(mac + PEER_MAC + b"\x08\x06" + reply)

    def _ip_out(self, dst_mac, src, dst, proto, payload):
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, proto, 0,
                          src, dst)
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        self._send(dst_mac + PEER_MAC + b"\x08\x00" + hdr + payload)

    def _ip(self, f):
        ip = f[14:]
        if len(ip) < 20 or ip[0] >> 4 != 4:
            return
        ihl = (ip[0] & 15) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        src, dst, proto = ip[12:16], ip[16:20], ip[9]
        if dst != PEER_IP:
            return
        body = ip[ihl:total]
        if proto == 1 and len(body) >= 8 and body[0] == 8:
            self.pings += 1
            rep = b"\0\0\0\0" + body[4:]
            rep = rep[:2] + struct.pack("!H", csum(rep)) + rep[4:]
            self._ip_out(f[6:12], PEER_IP, src, 1, rep)
        elif proto == 17 and len(body) >= 8:
            sport, dport, ulen = struct.unpack("!HHH", body[:6])
            if dport == 53:
                self._dns(f[6:12], src, sport, body[8:ulen])

    def _udp_out(self, mac, src, dst, dport, payload, sport=53):
        u = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
        pseudo = src + dst + struct.pack("!BBH", 0, 17, len(u))
        c = csum(pseudo + u) or 0xFFFF
        u = u[:6] + struct.pack("!H", c) + u[8:]
        self._ip_out(mac, src, dst, 17, u)

    # ----------------------------------------------------------------- DNS

    def _dns(self, mac, src, sport, q):
        if len(q) < 12:
            return
        qid, flags, qd = struct.unpack("!HHH", q[:6])
        name, end = read_qname(q, 12)
        if name is None or qd != 1 or end + 4 > len(q):
            return
        with self.lock:
            self.queries.append((name, qid, sport))
        question = q[12:end + 4]
        qname_wire = q[12:end]

        def reply(rcode=0, answers=(), authority=(), tc=False, rid=None, from_ip=PEER_IP):
            fl = 0x8180 | rcode | (0x0200 if tc else 0)
            head = struct.pack("!HHHHHH", qid if rid is None else rid, fl, 1, len(answers),
                               len(authority), 0)
            msg = head + question + b"".join(answers) + b"".join(authority)
            self._udp_out(mac, from_ip, src, sport, msg)

        ptr = b"\xc0\x0c"
        if name == "gw.test":
            reply(answers=[rr(ptr, 1, 300, a_rdata("10.9.0.1"))])
        elif name == "www.test":
            reply(answers=[rr(ptr, 5, 120, wire_name("web.test")),
                           rr(wire_name("web.test"), 1, 600, a_rdata("10.9.0.80")),
                           rr(wire_name("web.test"), 1, 600, a_rdata("10.9.0.81"))])
        elif name == "short.test":
            reply(answers=[rr(ptr, 1, 2, a_rdata("10.9.0.22"))])
        elif name == "nope.test":
            reply(rcode=3, authority=[soa(300, 60)])
        elif name == "empty.test":
            reply(authority=[soa(30, 600)])
        elif name == "big.test":
            reply(tc=True)
        elif name == "fail.test":
            reply(rcode=2)
        elif name == "refused.test":
            reply(rcode=5)
        elif name == "spoof.test":
            reply(rid=qid ^ 0x5A5A, answers=[rr(ptr, 1, 300, a_rdata("6.6.6.6"))])
            reply(from_ip=SPOOF_IP, answers=[rr(ptr, 1, 300, a_rdata("6.6.6.7"))])
            reply(answers=[rr(ptr, 1, 300, a_rdata("10.9.0.33"))])
        elif name == "loop.test":
            off = 12 + len(question)
            reply(answers=[struct.pack("!H", 0xC000 | off) +
                           struct.pack("!HHIH", 1, 1, 60, 4) + a_rdata("1.2.3.4")])
        elif name == "cloop.test":
            reply(answers=[rr(ptr, 5, 60, wire_name("cloop2.test")),
                           rr(wire_name("cloop2.test"), 5, 60, qname_wire)])
        elif name == "silent.test":
            pass
        else:
            reply(rcode=3)


if __name__ == "__main__":
    import time
    p = Peer()
    print("dnspeer: 127.0.0.1:%d (qemu ... -netdev socket,id=n0,connect=127.0.0.1:%d)"
          % (p.port, p.port), flush=True)
    p.start()
    for _ in range(3600):
        if not p.thread.is_alive():
            break
        time.sleep(1)
    print("queries:", p.queries)
