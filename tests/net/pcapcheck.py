#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks a pcap of Ethernet frames without Wireshark.

    pcapcheck.py FILE.pcap [--expect FILE.pcap.json] [--tcp]

Every frame is parsed again with tests/net/qwire.py (Ethernet, ARP, IPv4
with its options, ICMP, UDP, TCP with its options; every length and
checksum; impossible TCP flag combinations), and each malformed frame is
reported with its index (0 for the first) and the reason.

With --expect, the relay's account of the run (relay.py writes
FILE.pcap.json) names the frames it made bad on purpose; the check then
passes only if the malformed frames are exactly those: a bad frame the
relay did not plant fails it, and so does a planted one the parser let
through.  Without it, any malformed frame fails.

--tcp prints each TCP connection's flag sequence ("1>2 S", "2>1 SA",
"1>2 A", ...), in capture order.

Exit status: 0 when the check passes, 1 when it fails, 2 for a file that
is not a pcap.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qwire as q  # noqa: E402


def malformed(frames):
    """[(index, reason)] for the frames that do not parse."""
    bad = []
    for i, (_, f) in enumerate(frames):
        try:
            q.parse_frame(f)
        except q.Malformed as e:
            bad.append((i, str(e)))
    return bad


def tcp_flows(frames):
    """{(a, aport, b, bport): [(direction, flags)]} for every TCP
    connection in the capture, a:aport the side that sent the first
    segment seen; direction is ">" (a to b) or "<"."""
    flows = {}
    for _, f in frames:
        try:
            p = q.parse_frame(f)
        except q.Malformed:
            continue
        if "tcp" not in p:
            continue
        src, dst = q.ip_str(p["ip"]["src"]), q.ip_str(p["ip"]["dst"])
        t = p["tcp"]
        fwd = (src, t["sport"], dst, t["dport"])
        rev = (dst, t["dport"], src, t["sport"])
        if rev in flows:
            flows[rev].append(("<", q.flags_str(t["flags"])))
        else:
            flows.setdefault(fwd, []).append((">", q.flags_str(t["flags"])))
    return flows


def flag_string(seq):
    """A flow's flags as one string, e.g. '>S <SA >A >PA <A >FA <FA >A'."""
    return " ".join(d + fl for d, fl in seq)


def compare(bad, expected):
    """(unexpected, missed): malformed frames nobody planted, and planted
    frames that parsed clean.  expected is {index: why}."""
    found = {i for i, _ in bad}
    unexpected = [(i, why) for i, why in bad if i not in expected]
    missed = [(i, expected[i]) for i in sorted(expected) if i not in found]
    return unexpected, missed


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pcap")
    ap.add_argument("--expect", help="the relay's FILE.pcap.json")
    ap.add_argument("--tcp", action="store_true", help="print each TCP connection's flags")
    a = ap.parse_args(argv)
    try:
        frames = q.read_pcap(a.pcap)
    except (OSError, q.Malformed) as e:
        print("pcapcheck: %s: %s" % (a.pcap, e))
        return 2
    bad = malformed(frames)
    expected = {}
    if a.expect:
        with open(a.expect) as f:
            expected = {b["index"]: b["why"] for b in json.load(f)["bad"]}
    unexpected, missed = compare(bad, expected)
    for i, why in unexpected:
        print("malformed frame %d: %s" % (i, why))
    for i, why in missed:
        print("planted frame %d parsed clean: %s" % (i, why))
    if a.tcp:
        for (sa, sp, da, dp), seq in tcp_flows(frames).items():
            print("tcp %s:%d %s:%d  %s" % (sa, sp, da, dp, flag_string(seq)))
    print("pcapcheck: %d frames, %d malformed (%d planted), %d unexpected, %d missed"
          % (len(frames), len(bad), len(expected), len(unexpected), len(missed)))
    return 1 if unexpected or missed else 0


if __name__ == "__main__":
    sys.exit(main())
