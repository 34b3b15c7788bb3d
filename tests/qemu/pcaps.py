# SPDX-License-Identifier: BSD-3-Clause
"""The network scenarios' captures, read by tshark: Wireshark's dissectors,
code nobody here wrote, as a second opinion beside tests/net/pcapcheck.py.

Each capture was written earlier in the same `make test` by its scenario:
QEMU's filter-dump of the guest's card (tests/qemu/vterm.py, capture()),
every frame the guest sent or received, in build/test-logs/NAME.pcap.

  clean links  sock, netd, dns, http, linuxpeer, linuxpeer-sock
  hostile wire wire (tests/net/relay.py's own capture), whose frames the
               relay made bad on purpose are listed in wire.pcap.json

For each clean capture, one TAP line each:
  read      tshark reads it, and finds the protocols its scenario uses
  malformed no frame is malformed (_ws.malformed) or carries an expert
            error (Wireshark's worst severity)
  tcp       every TCP stream whose start was captured opens with a SYN
            without ACK, answered by SYN+ACK or a RST from the other side;
            every later segment carries ACK, or is a RST; no segment has
            SYN with FIN or RST, or FIN with RST; and the scenario's
            connections are there (at least MIN_STREAMS streams)
For the hostile wire: every frame tshark finds malformed is one the relay
planted (tshark may let a planted one through: it checks no checksum), or
an ICMP error quoting one.
First of all, the checker must find the faults planted in a capture it
writes itself (tests/net/qwire.py builds the frames).

A capture that is missing fails its line: its scenario did not run to
the point of writing one.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "net"))
from vterm import Tap  # noqa: E402
import qwire as q  # noqa: E402

B = os.environ.get("B", "build")
LOGS = os.path.join(B, "test-logs")

# The clean captures: the protocols tshark must find in each (what its
# scenario does), and the fewest TCP streams whose opening it must see.
CLEAN = {
    "sock": ({"arp", "dhcp", "tcp", "udp"}, 10),
    "netd": ({"arp", "dhcp", "icmp"}, 0),
    "dns": ({"arp", "dns"}, 0),
    "http": ({"arp", "dhcp", "http"}, 4),
    "linuxpeer": ({"arp", "icmp", "tcp", "http"}, 2),
    "linuxpeer-sock": ({"arp", "tcp"}, 2),
}


def tshark(path, *args):
    """tshark's fields of every frame of path that args select, one list a
    frame; raises RuntimeError when tshark cannot read it."""
    r = subprocess.run(["tshark", "-n", "-r", path] + list(args), capture_output=True, text=True,
                       timeout=300)
    if r.returncode != 0:
        raise RuntimeError("tshark: %s" % r.stderr.strip()[-400:])
    return [line.split("\t") for line in r.stdout.splitlines() if line]


def protocols(path):
    """(frames, the set of every protocol any frame holds)."""
    rows = tshark(path, "-T", "fields", "-e", "frame.protocols")
    return len(rows), {p for r in rows for p in r[0].split(":")}


# What VectraOS speaks.  tshark also guesses at payloads by port number (the
# tests' bytes to port 7000 read as "gryphon"): a frame whose deepest layer
# is none of these is the test's data, not a protocol of ours.
OURS = {"eth", "ethertype", "arp", "ip", "icmp", "udp", "tcp", "dhcp", "dns", "http", "data",
        "data-text-lines", "echo"}


def bad_frames(path):
    """(frame number, protocols) of each frame tshark finds malformed or
    gives an expert error in a protocol of ours."""
    rows = tshark(path, "-Y", "_ws.malformed || _ws.expert.severity == error", "-T", "fields",
                  "-e", "frame.number", "-e", "frame.protocols")
    bad = [(int(r[0]), r[1] if len(r) > 1 else "") for r in rows]
    return [b for b in bad if b[1].split(":")[-1] in OURS]


def tcp_problems(path):
    """(streams whose opening was captured, [problem]) by the rules above."""
    rows = tshark(path, "-Y", "tcp", "-T", "fields", "-e", "frame.number", "-e", "tcp.stream",
                  "-e", "ip.src", "-e", "tcp.srcport", "-e", "tcp.flags.syn", "-e", "tcp.flags.ack",
                  "-e", "tcp.flags.fin", "-e", "tcp.flags.reset")
    streams, problems = {}, []

    def on(v):
        return v in ("1", "True")
    for r in rows:
        if len(r) < 8:
            continue
        n, stream, src, port = r[0], r[1], r[2], r[3]
        syn, ack, fin, rst = (on(v) for v in r[4:8])
        if syn and (fin or rst) or fin and rst:
            problems.append("frame %s: impossible flags (SYN %d ACK %d FIN %d RST %d)"
                            % (n, syn, ack, fin, rst))
        streams.setdefault(stream, []).append((n, (src, port), syn, ack, rst))
    opened = 0
    for stream, segs in streams.items():
        n0, opener, syn0, ack0, _ = segs[0]
        if not syn0 or ack0:
            continue  # its start was not captured (or it is a SYN+ACK-first capture)
        opened += 1
        answer = next((s for s in segs[1:] if s[1] != opener), None)
        if answer and not (answer[2] and answer[3]) and not answer[4]:
            problems.append("stream %s: the SYN of frame %s is answered by frame %s, "
                            "neither SYN+ACK nor RST" % (stream, n0, answer[0]))
        for n, _, syn, ack, rst in segs[1:]:
            if not ack and not rst and not (syn and n == n0):
                problems.append("stream %s: frame %s after the opening carries no ACK"
                                % (stream, n))
    return opened, problems


def check_clean(tap, name, want, min_streams):
    path = os.path.join(LOGS, name + ".pcap")
    if not os.path.exists(path):
        tap.check("%s: a capture was written" % name, False, "no %s" % path)
        return
    try:
        n, seen = protocols(path)
        tap.check("%s: tshark reads its %d frames, %s among them" % (name, n, ", ".join(sorted(want))),
                  n > 0 and want <= seen, "missing: %s" % ", ".join(sorted(want - seen)))
        bad = bad_frames(path)
        tap.check("%s: no frame malformed or with an expert error" % name, not bad,
                  "\n".join("frame %d: %s" % b for b in bad[:10]))
        opened, problems = tcp_problems(path)
        tap.check("%s: %d TCP streams open SYN, then SYN+ACK (or RST); every later segment "
                  "carries ACK; no impossible flags" % (name, opened),
                  not problems and opened >= min_streams,
                  "\n".join(problems[:10]) or "want at least %d streams" % min_streams)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        tap.check("%s: tshark reads it" % name, False, str(e))


def check_wire(tap):
    path = os.path.join(LOGS, "wire.pcap")
    try:
        with open(path + ".json") as f:
            planted = {b["index"] + 1 for b in json.load(f)["bad"]}  # tshark counts from 1
        bad = bad_frames(path)
        # An ICMP error quotes the datagram it is about (RFC 792: its
        # header and 8 bytes): one about a planted datagram quotes the
        # planted garbage (a fragment's UDP length 0, say), faithfully.
        unplanted = [b for b in bad if b[0] not in planted and ":icmp:ip" not in b[1]]
        tap.check("wire: tshark finds %d frames malformed, each planted by the relay or quoted from one (%d planted)"
                  % (len(bad), len(planted)), not unplanted,
                  "\n".join("frame %d: %s" % b for b in unplanted[:10]))
    except (RuntimeError, OSError, ValueError, KeyError, subprocess.TimeoutExpired) as e:
        tap.check("wire: tshark reads the relay's capture", False, str(e))


def self_check(tap):
    """The checker itself, on a capture with its faults planted: an IPv4
    header whose length runs past the frame, a SYN with FIN, and a SYN
    answered by a bare ACK."""
    a, b = q.ip("10.9.0.1"), q.ip("10.9.0.2")
    ma, mb = q.mac("52:54:00:00:00:01"), q.mac("52:54:00:00:00:02")

    def seg(src, dst, sport, dport, flags):
        return q.eth(mb if src == a else ma, ma if src == a else mb, q.ETH_IPV4,
                     q.ipv4(src, dst, q.PROTO_TCP, q.tcp(src, dst, sport, dport, 1, 0, flags)))
    frames = [
        q.eth(mb, ma, q.ETH_IPV4, q.ipv4(a, b, q.PROTO_UDP, q.udp(a, b, 1, 2, b"x"), total_len=400)),
        seg(a, b, 1000, 80, q.SYN | q.FIN),
        seg(a, b, 1001, 80, q.SYN),
        seg(b, a, 80, 1001, q.ACK),
    ]
    path = os.path.join(LOGS, "pcaps-selfcheck.pcap")
    os.makedirs(LOGS, exist_ok=True)
    w = q.PcapWriter(path)
    for i, f in enumerate(frames):
        w.write(f, ts=i)
    w.close()
    try:
        bad = [n for n, _ in bad_frames(path)]
        _, problems = tcp_problems(path)
        text = "\n".join(problems)
        ok = bad == [1] and "frame 2: impossible flags" in text and "neither SYN+ACK nor RST" in text
        tap.check("the checker finds the faults planted in a capture of its own", ok,
                  "malformed %s; %s" % (bad, text))
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        tap.check("the checker finds the faults planted in a capture of its own", False, str(e))


def main():
    tap = Tap("pcaps")
    self_check(tap)
    for name, (want, min_streams) in CLEAN.items():
        check_clean(tap, name, want, min_streams)
    check_wire(tap)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
