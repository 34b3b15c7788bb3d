#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Host tests of the hostile wire's Python side (TAP, run by
tests/run-tests.sh host): qwire.py's framing, builders, parsers and
checksums, pcap round trips, pcapcheck.py catching planted bad frames,
and the relay itself between two fake guests on 127.0.0.1.

Each check compares against a fact fixed outside the code under test:
the RFC 1071 worked example, bytes written out by hand from the RFCs'
layouts, or the stdlib (socket.inet_aton, struct), so that a builder and
its own parser cannot agree on a mistake and pass together.
"""
import contextlib
import io
import json
import os
import random
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pcapcheck  # noqa: E402
import qwire as q  # noqa: E402

N = 0
FAILED = 0


def check(name, cond, detail=""):
    global N, FAILED
    N += 1
    if cond:
        print("ok %d - qwire: %s" % (N, name), flush=True)
    else:
        FAILED += 1
        print("not ok %d - qwire: %s" % (N, name), flush=True)
        for line in str(detail).splitlines()[-10:]:
            print("#   " + line, flush=True)


def raises(fn, *args, **kw):
    """The Malformed message fn raised, or None."""
    try:
        fn(*args, **kw)
    except q.Malformed as e:
        return str(e)
    return None


A, B_ = q.ip("10.7.0.1"), q.ip("10.7.0.2")
MA, MB = q.mac("52:54:00:0a:07:01"), q.mac("52:54:00:0a:07:02")


def test_checksum():
    # RFC 1071 section 3's example: the sum of these words is ddf2, so the
    # checksum is its complement.
    data = bytes.fromhex("0001f203f4f5f6f7")
    check("cksum: RFC 1071's example sums to 0xddf2", q.cksum(data) == (~0xDDF2 & 0xFFFF),
          hex(q.cksum(data)))
    check("cksum: an odd byte is padded with zero", q.cksum(b"\x01") == q.cksum(b"\x01\x00"))
    # The worked IPv4 header example of the "Internet checksum" literature
    # (192.168.0.1 -> 192.168.0.199, UDP): its checksum field is 0xb861.
    hdr = bytes.fromhex("450000730000400040110000c0a80001c0a800c7")
    check("cksum: a known IPv4 header's checksum is 0xb861", q.cksum(hdr) == 0xB861,
          hex(q.cksum(hdr)))


def test_addresses():
    check("ip(): agrees with socket.inet_aton",
          q.ip("192.168.1.254") == socket.inet_aton("192.168.1.254"))
    check("mac(): six bytes", q.mac("02:00:00:0a:07:42") == b"\x02\x00\x00\x0a\x07\x42")
    for bad in ("1.2.3", "1.2.3.256", "a.b.c.d"):
        try:
            q.ip(bad)
            ok = False
        except ValueError:
            ok = True
        check("ip(): refuses %r" % bad, ok)


def test_framing():
    f1, f2 = b"\x01" * 60, b"\x02" * 1514
    stream = q.frame_encode(f1) + q.frame_encode(f2)
    check("stream: the length prefix is 4 bytes big-endian", stream[:4] == b"\x00\x00\x00\x3c")
    d = q.Deframer()
    got = []
    for i in range(0, len(stream), 7):  # arrives in awkward pieces
        got += d.feed(stream[i:i + 7])
    check("stream: frames cut from 7-byte pieces come back whole", got == [f1, f2],
          [len(x) for x in got])
    check("stream: a zero length is a broken stream",
          raises(q.Deframer().feed, b"\0\0\0\0") is not None)
    check("stream: a length past 64 KiB is a broken stream",
          raises(q.Deframer().feed, struct.pack("!I", 70000)) is not None)


def test_builders_against_hand_bytes():
    # An echo request written out by hand from RFC 792 and RFC 791.
    e = q.echo(0x1234, 1, b"abcd")
    want = bytes([8, 0]) + struct.pack("!H", q.cksum(bytes([8, 0, 0, 0, 0x12, 0x34, 0, 1]) + b"abcd")) \
        + b"\x12\x34\x00\x01abcd"
    check("icmp: echo request laid out as RFC 792 says", e == want, e.hex())
    d = q.ipv4(A, B_, 1, e, ident=7, df=True)
    check("ipv4: version/IHL 0x45, total length, DF, TTL 64, proto 1",
          d[0] == 0x45 and struct.unpack("!H", d[2:4])[0] == 20 + len(e)
          and struct.unpack("!H", d[6:8])[0] == 0x4000 and d[8] == 64 and d[9] == 1, d[:20].hex())
    check("ipv4: the header checksum verifies", q.cksum(d[:20]) == 0)
    f = q.eth(MB, MA, q.ETH_IPV4, d)
    check("eth: dst, src, type 0x0800", f[:6] == MB and f[6:12] == MA and f[12:14] == b"\x08\x00")
    short = q.eth(MB, MA, q.ETH_ARP, b"x")
    check("eth: short frames padded to 60 bytes", len(short) == 60)
    check("eth: pad=False leaves them short", len(q.eth(MB, MA, q.ETH_ARP, b"x", pad=False)) == 15)
    u = q.udp(A, B_, 1000, 2000, b"hi")
    ps = A + B_ + b"\x00\x11\x00\x0a"
    check("udp: checksum over RFC 768's pseudo-header", q.cksum(ps + u) == 0, u.hex())
    t = q.tcp(A, B_, 1000, 80, 1, 0, q.SYN, options=q.tcp_options(mss=1460))
    check("tcp: data offset 6 with the MSS option, flags SYN",
          t[12] >> 4 == 6 and t[13] == q.SYN and t[20:24] == b"\x02\x04\x05\xb4", t.hex())
    ps = A + B_ + b"\x00\x06" + struct.pack("!H", len(t))
    check("tcp: checksum over the pseudo-header", q.cksum(ps + t) == 0)
    a = q.arp(1, MA, A, bytes(6), B_)
    check("arp: RFC 826 layout (htype 1, ptype 0x0800, 6, 4, op 1)",
          a[:8] == b"\x00\x01\x08\x00\x06\x04\x00\x01" and a[14:18] == A and a[24:28] == B_)


def test_parsers_accept_good():
    frames = {
        "echo": q.eth(MB, MA, q.ETH_IPV4, q.ipv4(A, B_, 1, q.echo(1, 2, b"x" * 56))),
        "udp": q.eth(MB, MA, q.ETH_IPV4, q.ipv4(A, B_, 17, q.udp(A, B_, 68, 67, b"dhcp?"))),
        "tcp": q.eth(MB, MA, q.ETH_IPV4, q.ipv4(A, B_, 6, q.tcp(
            A, B_, 5, 6, 100, 200, q.ACK | q.PSH, b"data",
            options=q.tcp_options(ts=(1, 2), sack_ok=True, wscale=7)))),
        "arp": q.eth(q.BROADCAST, MA, q.ETH_ARP, q.arp(1, MA, A, bytes(6), B_)),
        "options": q.eth(MB, MA, q.ETH_IPV4, q.ipv4(A, B_, 1, q.echo(1, 3), options=b"\x01\x01\x01\x00")),
        "fragment": q.eth(MB, MA, q.ETH_IPV4, q.ipv4(A, B_, 17, bytes(16), mf=True, offset=1480)),
    }
    for name, f in frames.items():
        why = raises(q.parse_frame, f)
        check("parse: a sound %s frame parses" % name, why is None, why)
    p = q.parse_frame(frames["tcp"])
    check("parse: TCP fields and options come back",
          p["tcp"]["seq"] == 100 and p["tcp"]["ack"] == 200 and p["tcp"]["payload"] == b"data"
          and (8, struct.pack("!II", 1, 2)) in p["tcp"]["options"]
          and (3, b"\x07") in p["tcp"]["options"], p["tcp"])
    p = q.parse_frame(frames["echo"] + b"\0" * 10)
    check("parse: link padding past the total length is cut", len(p["icmp"]["data"]) == 56)


def test_parsers_refuse_bad():
    """Each planted fault, named, must be caught, and for the reason."""
    echo = q.echo(1, 1, b"y" * 32)
    good = q.ipv4(A, B_, 1, echo)

    def flip(b, i, x=1):
        b = bytearray(b)
        b[i] ^= x
        return bytes(b)

    def fr(d):
        return q.eth(MB, MA, q.ETH_IPV4, d)

    cases = [
        ("runt", MB + MA[:4], "shorter than the header"),
        ("oversize", fr(q.ipv4(A, B_, 17, q.udp(A, B_, 1, 2, bytes(1600)))), "longer than 1514"),
        ("arp short", q.eth(q.BROADCAST, MA, q.ETH_ARP, b"\0\1\x08\0\6\4\0\1", pad=False), "arp"),
        ("arp op 3", q.eth(q.BROADCAST, MA, q.ETH_ARP, q.arp(3, MA, A, bytes(6), B_)), "op 3"),
        ("ip short", q.eth(MB, MA, q.ETH_IPV4, good[:12], pad=False), "shorter than 20"),
        ("ip version", fr(b"\x65" + good[1:]), "version 6"),
        ("ip IHL 4", fr(q.ipv4(A, B_, 1, echo, ihl=4)), "IHL 4"),
        ("ip IHL past", fr(q.ipv4(A, B_, 1, b"", ihl=15)), "past"),
        ("ip length long", fr(q.ipv4(A, B_, 1, echo, total_len=999)), "total length"),
        ("ip length short", fr(q.ipv4(A, B_, 1, echo, total_len=12)), "total length"),
        ("ip checksum", fr(flip(good, 8)), "header checksum"),
        ("ip reserved flag", fr(q.ipv4(A, B_, 1, echo, reserved_flag=True)), "reserved"),
        ("ip option length 0", fr(q.ipv4(A, B_, 1, echo, options=b"\x07\x00\x00\x00")), "option 7"),
        ("ip option past", fr(q.ipv4(A, B_, 1, echo, options=b"\x44\x28\x05\x00")), "option 68"),
        ("fragment past 65515", fr(q.ipv4(A, B_, 17, bytes(16), mf=True, offset=65512)), "65515"),
        ("MF fragment of 12", fr(q.ipv4(A, B_, 17, bytes(12), mf=True)), "multiple of 8"),
        ("icmp short", fr(q.ipv4(A, B_, 1, b"\x08\0\0\0")), "shorter than 8"),
        ("icmp checksum", fr(q.ipv4(A, B_, 1, flip(echo, 20))), "icmp: checksum"),
        ("udp short", fr(q.ipv4(A, B_, 17, b"\0\1\0\2")), "shorter than 8"),
        ("udp length", fr(q.ipv4(A, B_, 17, q.udp(A, B_, 1, 2, b"abc", length=40))), "length 40"),
        ("udp checksum", fr(q.ipv4(A, B_, 17, flip(q.udp(A, B_, 1, 2, b"abcdef"), 9))), "udp: checksum"),
        ("tcp short", fr(q.ipv4(A, B_, 6, bytes(12))), "shorter than 20"),
        ("tcp offset", fr(q.ipv4(A, B_, 6, q.tcp(A, B_, 1, 2, 0, 0, q.SYN, doff=15))), "data offset"),
        ("tcp checksum", fr(q.ipv4(A, B_, 6, flip(q.tcp(A, B_, 1, 2, 0, 0, q.SYN, b"zz"), 21))),
         "tcp: checksum"),
        ("tcp SYN+FIN", fr(q.ipv4(A, B_, 6, q.tcp(A, B_, 1, 2, 0, 0, q.SYN | q.FIN))), "SYN+FIN"),
        ("tcp SYN+RST", fr(q.ipv4(A, B_, 6, q.tcp(A, B_, 1, 2, 0, 0, q.SYN | q.RST))), "SYN+RST"),
        ("tcp no flags", fr(q.ipv4(A, B_, 6, q.tcp(A, B_, 1, 2, 0, 0, 0))), "no flags"),
        ("tcp FIN without ACK", fr(q.ipv4(A, B_, 6, q.tcp(A, B_, 1, 2, 0, 0, q.FIN))), "without ACK"),
        ("tcp MSS length 3", fr(q.ipv4(A, B_, 6, q.tcp(A, B_, 1, 2, 0, 0, q.SYN,
                                                        options=b"\x02\x03\x05\x00"))), "want 4"),
        ("tcp option past", fr(q.ipv4(A, B_, 6, q.tcp(A, B_, 1, 2, 0, 0, q.SYN,
                                                       options=b"\x08\x0a\x00\x00"))), "length 10"),
    ]
    for name, frame, want in cases:
        why = raises(q.parse_frame, frame)
        check("refuse: %s (%s)" % (name, why), why is not None and want in why, why)


def test_every_byte_flip_is_caught():
    # A single bit flipped anywhere a checksum covers must be caught: the
    # IPv4 header, the ICMP message, the UDP and TCP segments.
    rng = random.Random(7)
    bases = [q.ipv4(A, B_, 1, q.echo(9, 9, bytes(range(40)))),
             q.ipv4(A, B_, 17, q.udp(A, B_, 53, 5353, bytes(range(33)))),
             q.ipv4(A, B_, 6, q.tcp(A, B_, 80, 5555, 1, 2, q.ACK, bytes(range(25))))]
    missed = []
    for d in bases:
        for i in range(len(d)):
            b = bytearray(d)
            b[i] ^= 1 << rng.randrange(8)
            if raises(q.parse_frame, q.eth(MB, MA, q.ETH_IPV4, bytes(b))) is None:
                missed.append((d[9], i, b[i]))
    check("flip: every one-bit flip in %d datagrams is refused" % len(bases), not missed, missed[:10])


def test_pcap_and_checker():
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "t.pcap")
    w = q.PcapWriter(path)
    good = q.eth(MB, MA, q.ETH_IPV4, q.ipv4(A, B_, 1, q.echo(1, 1, b"ok")))
    syn = q.eth(MB, MA, q.ETH_IPV4, q.ipv4(A, B_, 6, q.tcp(A, B_, 1234, 80, 10, 0, q.SYN)))
    synack = q.eth(MA, MB, q.ETH_IPV4, q.ipv4(B_, A, 6, q.tcp(B_, A, 80, 1234, 50, 11, q.SYN | q.ACK)))
    ack = q.eth(MB, MA, q.ETH_IPV4, q.ipv4(A, B_, 6, q.tcp(A, B_, 1234, 80, 11, 51, q.ACK)))
    bad_ck = bytearray(good)
    bad_ck[40] ^= 0x40  # inside the ICMP data
    bad_flags = q.eth(MB, MA, q.ETH_IPV4, q.ipv4(A, B_, 6, q.tcp(A, B_, 1234, 80, 11, 0, q.SYN | q.FIN)))
    for f in (good, syn, synack, bytes(bad_ck), ack, bad_flags):
        w.write(f, ts=1000.5)
    w.close()
    with open(path, "rb") as f:
        head = f.read(24)
    check("pcap: the global header is 2.4, Ethernet, magic a1b2c3d4",
          struct.unpack("<IHHiIII", head) == (0xA1B2C3D4, 2, 4, 0, 0, 65535, 1), head.hex())
    frames = q.read_pcap(path)
    check("pcap: six frames read back byte for byte",
          [f for _, f in frames] == [good, syn, synack, bytes(bad_ck), ack, bad_flags])
    check("pcap: timestamps kept", abs(frames[0][0] - 1000.5) < 1e-6)
    bad = pcapcheck.malformed(frames)
    check("pcapcheck: finds exactly the two planted bad frames (3 and 5)",
          [i for i, _ in bad] == [3, 5], bad)
    u, m = pcapcheck.compare(bad, {3: "planted"})
    check("pcapcheck: a bad frame nobody planted is reported", [i for i, _ in u] == [5], u)
    u, m = pcapcheck.compare(bad, {3: "x", 5: "y", 0: "z"})
    check("pcapcheck: a planted frame that parses clean is reported", [i for i, _ in m] == [0], m)
    flows = pcapcheck.tcp_flows(frames)
    seq = pcapcheck.flag_string(flows.get(("10.7.0.1", 1234, "10.7.0.2", 80), []))
    check("pcapcheck: the handshake's flag sequence is >S <SA >A", seq == ">S <SA >A", seq)
    with open(path + ".json", "w") as f:
        json.dump({"bad": [{"index": 3, "why": "a"}, {"index": 5, "why": "b"}]}, f)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):  # its report is not TAP
        rc_named = pcapcheck.main([path, "--expect", path + ".json"])
        rc_bare = pcapcheck.main([path])
    check("pcapcheck: the command passes when the planted frames are named", rc_named == 0,
          out.getvalue())
    check("pcapcheck: the command fails when they are not, naming both",
          rc_bare == 1 and "malformed frame 3" in out.getvalue()
          and "malformed frame 5" in out.getvalue(), out.getvalue())
    with open(path, "ab") as f:
        f.write(struct.pack("<IIII", 0, 0, 100, 100) + b"cut")
    check("pcap: a record cut short is refused", raises(q.read_pcap, path) is not None)


def test_relay():
    """The relay between two fake guests on 127.0.0.1: forwarding,
    seeded loss, corruption that the parsers catch, the fake host's ARP,
    an injected packet, the pcap and its account."""
    tmp = tempfile.mkdtemp()
    pcap = os.path.join(tmp, "relay.pcap")
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "relay.py"), "--port1", "0",
                             "--port2", "0", "--control", "0", "--pcap", pcap, "--seed", "3",
                             "--max-seconds", "60"], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        ports = [int(x) for x in line.replace(",", " ").replace(";", " ").split() if x.isdigit()]
        check("relay: listens on 127.0.0.1 with three ports", "127.0.0.1" in line and len(ports) == 3,
              line)
        g1 = socket.create_connection(("127.0.0.1", ports[0]), timeout=10)
        g2 = socket.create_connection(("127.0.0.1", ports[1]), timeout=10)
        ctl = socket.create_connection(("127.0.0.1", ports[2]), timeout=10)
        cf = ctl.makefile("rw")

        def cmd(text):
            cf.write(text + "\n")
            cf.flush()
            return cf.readline().strip()

        def recv_frames(sock, n):
            d = q.Deframer()
            got = []
            end = time.monotonic() + 10
            while len(got) < n and time.monotonic() < end:
                got += d.feed(sock.recv(65536))
            return got

        # Clean: 50 echo requests 1 -> 2 arrive in order, intact.
        sent = [q.eth(MB, MA, q.ETH_IPV4, q.ipv4(A, B_, 1, q.echo(1, i, b"p" * 20))) for i in range(50)]
        g1.sendall(b"".join(q.frame_encode(f) for f in sent))
        got = recv_frames(g2, 50)
        check("relay: a clean link forwards 50 frames in order, intact", got == sent, len(got))
        st = json.loads(cmd("stats")[3:])
        check("relay: learned guest 1's MAC and address",
              st["guests"]["1"]["mac"] == "52:54:00:0a:07:01" and st["guests"]["1"]["ip"] == "10.7.0.1",
              st["guests"])
        # Lossy and corrupting: 400 frames 2 -> 1.
        check("relay: impair accepted", cmd("impair loss=10 corrupt=10").startswith("ok "))
        sent = [q.eth(MA, MB, q.ETH_IPV4, q.ipv4(B_, A, 1, q.echo(2, i, b"q" * 20))) for i in range(400)]
        g2.sendall(b"".join(q.frame_encode(f) for f in sent))
        time.sleep(1)
        st = json.loads(cmd("stats")[3:])["stats"]
        got = recv_frames(g1, 400 - st["lost"])
        bad = sum(1 for f in got if raises(q.parse_frame, f))
        check("relay: about 10%% lost (%d of 400)" % st["lost"], 15 <= st["lost"] <= 70, st)
        check("relay: every corrupted frame (%d) fails a checksum, and only those" % st["corrupted"],
              st["corrupted"] > 0 and bad == st["corrupted"] and len(got) == 400 - st["lost"],
              (bad, st))
        cmd("impair loss=0 corrupt=0")
        # The fake host answers ARP for 10.7.0.66.
        g1.sendall(q.frame_encode(q.eth(q.BROADCAST, MA, q.ETH_ARP,
                                        q.arp(1, MA, A, bytes(6), q.ip("10.7.0.66")))))
        got = recv_frames(g1, 1)
        p = q.parse_frame(got[0]) if got else {}
        check("relay: the fake host answers ARP for 10.7.0.66",
              "arp" in p and p["arp"]["op"] == 2 and p["arp"]["spa"] == q.ip("10.7.0.66"), p)
        # An injected hostile packet reaches guest 1 as built.
        ans = cmd("inject ip_bad_ihl 1")
        got = recv_frames(g1, 1)
        why = raises(q.parse_frame, got[0]) if got else None
        check("relay: inject ip_bad_ihl delivers a frame with IHL 4",
              ans.startswith("ok ") and why and "IHL 4" in why, (ans, why))
        check("relay: an unknown name is refused", cmd("inject no_such 1").startswith("err "))
        check("relay: a TCP case with no connection seen is refused",
              cmd("inject tcp_rst_in_window 1").startswith("err "))
        # A connection 2 -> 1 (port 5000 -> 7) carrying 100 bytes: the
        # in-window RST the relay then injects into guest 1 must claim to
        # come from guest 2 and sit one past guest 2's next sequence number.
        isn, ack = 0x10000000, 0x20000000
        for frm, to, seg in ((g2, g1, q.tcp(B_, A, 5000, 7, isn, 0, q.SYN)),
                             (g1, g2, q.tcp(A, B_, 7, 5000, ack, isn + 1, q.SYN | q.ACK)),
                             (g2, g1, q.tcp(B_, A, 5000, 7, isn + 1, ack + 1, q.ACK, bytes(100),
                                            options=q.tcp_options(ts=(777, 555))))):
            s_ip, d_ip = (B_, A) if frm is g2 else (A, B_)
            s_mac, d_mac = (MB, MA) if frm is g2 else (MA, MB)
            frm.sendall(q.frame_encode(q.eth(d_mac, s_mac, q.ETH_IPV4, q.ipv4(s_ip, d_ip, 6, seg))))
            recv_frames(to, 1)
        ans = cmd("inject tcp_rst_in_window 1")
        got = recv_frames(g1, 1)
        p = q.parse_frame(got[0]) if got else {}
        t = p.get("tcp", {})
        check("relay: an in-window RST follows the live connection's sequence numbers",
              ans.startswith("ok ") and p.get("eth", {}).get("src") == MB
              and p.get("ip", {}).get("src") == B_ and t.get("flags") == q.RST
              and t.get("seq") == isn + 1 + 100 + 1 and (t.get("sport"), t.get("dport")) == (5000, 7),
              (ans, t))
        # Timestamps were in use: an injected SYN must carry the peer's
        # TSval plus one and its echo, or RFC 7323 would have it dropped.
        ans = cmd("inject tcp_syn_in_window 1")
        got = recv_frames(g1, 1)
        t = q.parse_frame(got[0]).get("tcp", {}) if got else {}
        check("relay: an injected SYN carries the connection's timestamps (TSval + 1, TSecr)",
              t.get("flags") == q.SYN and (8, struct.pack("!II", 778, 555)) in t.get("options", []),
              (ans, t))
        check("relay: quit answers", cmd("quit") == "ok bye")
        proc.wait(10)
        frames = q.read_pcap(pcap)
        with open(pcap + ".json") as f:
            planted = {b["index"]: b["why"] for b in json.load(f)["bad"]}
        u, m = pcapcheck.compare(pcapcheck.malformed(frames), planted)
        check("relay: its pcap's malformed frames are exactly those it planted (%d)" % len(planted),
              planted and not u and not m, (u[:3], m[:3]))
        for s in (g1, g2, ctl):
            s.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main():
    for t in (test_checksum, test_addresses, test_framing, test_builders_against_hand_bytes,
              test_parsers_accept_good, test_parsers_refuse_bad, test_every_byte_flip_is_caught,
              test_pcap_and_checker, test_relay):
        try:
            t()
        except Exception as e:  # a crash in a test is a failure, named
            check("%s ran to the end" % t.__name__, False, repr(e))
    print("1..%d" % N)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
