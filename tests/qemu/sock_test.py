# SPDX-License-Identifier: BSD-3-Clause
"""netd's sockets (vectra/proto/net.h, SOCKETS), end to end.

One boot of sock.img: the normal services plus socktest (tests/hostile/
sock.c), which uses and misuses sockets and prints one line a step.  The
card is on QEMU's user-mode network, restricted, and every forward is
bound to the host's loopback:

  guestfwd  10.0.2.100:7 -> `cat`, started by QEMU for each connection:
            an echo that ends its stream when the guest ends its own (no
            socket at all on the host; a guestfwd to a host port would
            share one connection among all the guest's)
  hostfwd   127.0.0.1:(free) -> the guest's TCP 7000 and UDP 7001

  echo      256 KiB through a connection to the echo server and back
  listen    this script connects to the guest's listener and sends
            128 KiB, which must come back byte for byte, then closes
  udp       five datagrams to the guest's UDP socket come back, as the
            capture of the guest's frames (filter-dump) shows: slirp does
            not carry a restricted guest's UDP answers back to the host;
            then a burst of 12 and a close at once: all 12 leave
  misuse    every bad request and every slot netd must refuse gets its
            named error (a line ending "(WRONG)" fails); netd counts them
  limits    16 sockets on one connection, then VX_E_FULL, then room again
  grants    narrowed connections (net.connect, net.listen.7300, net.udp)
            may do what their grant names and get VX_E_RIGHTS otherwise
  devd      devd is killed under that held connection, then started
            again: netd does not fault, the connection stays established
            and ping works once devd is back
  crash     netd is crashed under a held connection: socktest's receive
            and send say VX_E_HANGUP (socktest does not fault), a new
            connection echoes once netd is back, and the grants hold
"""
import os
import re
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from vterm import Tap, Timeout, VTerm, capture, has  # noqa: E402
from devices_test import console_lines, seen  # noqa: E402

B = os.environ.get("B", "build")


def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def pattern(n, start=0):
    return bytes(((i * 13 + (i >> 9)) & 0xff) for i in range(start, start + n))


def pairs_in_use(out):
    """init's count of socket Ring pairs handed out, from the shell's mem."""
    m = re.search(r"^socket Ring pairs: (\d+) of \d+ in use", out, re.M)
    return int(m.group(1)) if m else None


def udp_answers(path, port):
    """The payloads of the UDP datagrams the guest sent from port, in the
    order of the capture (QEMU's filter-dump: a classic pcap of Ethernet
    frames)."""
    with open(path, "rb") as f:
        d = f.read()
    out, off = [], 24
    while off + 16 <= len(d):
        cl = struct.unpack("<I", d[off + 8:off + 12])[0]
        f = d[off + 16:off + 16 + cl]
        off += 16 + cl
        if len(f) < 42 or f[12:14] != b"\x08\x00" or f[23] != 17:
            continue
        ihl = (f[14] & 15) * 4
        u = f[14 + ihl:]
        sport, _, ulen = struct.unpack(">HHH", u[:6])
        if sport == port and f[26:30] == bytes([10, 0, 2, 15]):
            out.append(u[8:ulen])
    return out


def talk_tcp(port, data):
    """Connects to 127.0.0.1:port, sends data while reading, closes its
    side, and returns everything read until the peer's end."""
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    got = []

    def reader():
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    return
                got.append(d)
        except OSError:
            return

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    for i in range(0, len(data), 4096):
        s.sendall(data[i:i + 4096])
    s.shutdown(socket.SHUT_WR)
    t.join(90)
    s.close()
    return b"".join(got)


def main():
    tap = Tap("sock")
    hp, up = free_port(), free_port(socket.SOCK_DGRAM)
    pcap = os.path.join(B, "test-logs", "sock.pcap")
    flags = ["-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off", "-device", "intel-iommu",
             "-device", "pcie-root-port,id=rp1,chassis=1,slot=1",
             "-netdev", "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:%d-:7000,"
             "hostfwd=udp:127.0.0.1:%d-:7001,guestfwd=tcp:10.0.2.100:7-cmd:cat" % (hp, up),
             "-device", "virtio-net-pci,bus=rp1,netdev=n0,iommu_platform=on,disable-legacy=on"]
    flags += capture(B, "sock")
    term = VTerm(B, image="sock.img", extra=flags)
    try:
        seen(term, r"^socktest: ready: VX_OK", 120)
        tap.check("ready: netd has an address and a connection to the echo goes through", True)
        seen(term, r"^socktest: echo: \d+ bytes: \S+", 120)
        ok = has(console_lines(term), r"^socktest: echo: 262144 bytes: VX_OK")
        term.pos = len(term.buf)
        tap.check("echo: 256 KiB out and back through one connection, hashes equal", ok,
                  "" if ok else term.command("net", timeout=30))

        seen(term, r"^socktest: listen: 7000: VX_OK", 30)
        data = pattern(128 * 1024)
        back = talk_tcp(hp, data)
        tap.check("listen: 128 KiB sent to the guest's listener came back byte for byte",
                  back == data, "sent %d, got %d" % (len(data), len(back)))
        seen(term, r"^socktest: listen: echoed \d+ bytes, then .*", 60)
        tap.check("listen: the guest saw the whole stream and its end",
                  has(console_lines(term), r"^socktest: listen: echoed 131072 bytes, then end of stream"),
                  console_lines(term)[-800:])
        tap.check("listen: the connection came from slirp's host address",
                  has(console_lines(term), r"socktest: listen: accepted 10\.0\.2\.2$"), console_lines(term)[-800:])

        seen(term, r"^socktest: udp: 7001: VX_OK", 30)
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sent = []
        for i in range(5):
            msg = b"datagram %d " % i + pattern(100 + i * 300)
            sent.append(msg)
            u.sendto(msg, ("127.0.0.1", up))
        u.close()
        seen(term, r"^socktest: udp: burst of \d+, then close: \S+", 30)
        burst = [b"burst %d" % i for i in range(12)]
        # A sendto returns once its slot is in the ring: the frames may
        # still be on their way to the capture.  Look again, for a while.
        for _ in range(100):
            back = udp_answers(pcap, 7001)
            if len(back) >= len(sent) + len(burst):
                break
            time.sleep(0.1)
        why = "%d answers, %d equal\n%s" % (len(back), sum(a == b for a, b in zip(back, sent)), "\n".join(
            re.findall(r"^socktest: udp.*$", console_lines(term), re.M)))
        tap.check("udp: five datagrams went back unchanged to their sender", back[:5] == sent, why)
        tap.check("udp: a close right after a burst of 12 sends them all first (none dropped)",
                  back[5:] == burst and has(console_lines(term), r"^socktest: udp: burst of 12, then close: VX_OK"),
                  "%s\nafter the answers: %r" % (why, back[5:]))

        seen(term, r"^socktest: misuse: done", 120)
        lines = re.findall(r"^socktest: misuse: (.*)$", console_lines(term), re.M)
        wrong = [line for line in lines if "(WRONG)" in line]
        tap.check("misuse: every bad request and slot got its named error", not wrong,
                  "\n".join(wrong))
        tap.check("misuse: all 26 cases ran", len(lines) == 27, "\n".join(lines))

        seen(term, r"^socktest: limits: after closing them: \S+", 60)
        tap.check("limits: 16 sockets a connection, then VX_E_FULL",
                  has(console_lines(term), r"^socktest: limits: 16 sockets, then VX_E_FULL"), "\n".join(
                      re.findall(r"^socktest: limits.*$", console_lines(term), re.M)))
        tap.check("limits: closed sockets make room again",
                  has(console_lines(term), r"^socktest: limits: after closing them: VX_OK"), "")

        seen(term, r"^socktest: grants: first: netu connect: \S+", 120)
        lines = re.findall(r"^socktest: grants: first: (.*)$", console_lines(term), re.M)
        tap.check("grants: each narrowed connection may do what its grant names, and no more",
                  len(lines) == 12 and not [line for line in lines if "(WRONG)" in line],
                  "\n".join(lines))
        seen(term, r"^socktest: crash: holding a connection", 60)
        term.pos = len(term.buf)  # (seen matched nothing: skip the old prompts)
        out = term.command("net", timeout=30)
        m = re.search(r"SOCK_BAD_SEG +(\d+)", out)
        tap.check("misuse: netd counted the refused slots (SOCK_BAD_SEG)",
                  m is not None and int(m.group(1)) >= 7, out)
        tap.check("misuse: netd closed the socket whose client let go (SOCK_HANGUP)",
                  has(out, r"SOCK_HANGUP +[1-9]"), out)
        tap.check("net: TCP's counters are shown", has(out, r"TCP_CONN_ESTABLISHED +[1-9]"), out)
        # devd killed and started again under the held connection: the
        # card's driver dies with devd, but the connection's Rings are
        # init's, so netd neither faults nor loses the connection
        # (docs/DEVICES.md, "When devd dies"); socktest's receive still
        # waits, to end only with netd's crash below.
        out = term.command("kill devd", timeout=30)
        seen(term, r"netd: devd is not running; the card is away until it is back", 30)
        time.sleep(2)
        out = term.command("start devd", timeout=30)
        seen(term, r"netd: the card is back", 60)
        out = term.command("ping 10.0.2.2 1", timeout=30)
        tap.check("devd: after kill devd and start devd, ping works", has(out, r"^1 sent, 1 received"),
                  out)
        out = term.command("ps", timeout=30)
        tap.check("devd: netd did not fault when devd was killed (restarts 0)",
                  re.search(r"^netd\s+running\s+\d+\s+0\s", out, re.M) is not None, out)
        out = term.command("net", timeout=30)
        tap.check("devd: the held connection to the echo is still established",
                  has(out, r"10\.0\.2\.100:7 .*ESTABLISHED")
                  and not has(console_lines(term), r"^socktest: crash: receive:"), out)
        pairs_before = pairs_in_use(term.command("mem", timeout=30))
        term.command("crash netd")
        seen(term, r"^socktest: crash: receive: \S+", 60)
        text = console_lines(term)
        tap.check("crash: a receive on a socket of the dead netd says VX_E_HANGUP",
                  has(text, r"^socktest: crash: receive: VX_E_HANGUP"), text[-800:])
        seen(term, r"^socktest: crash: send: \S+", 30)
        tap.check("crash: so does a send", has(console_lines(term), r"^socktest: crash: send: VX_E_HANGUP"),
                  console_lines(term)[-800:])
        seen(term, r"^socktest: crash: after the restart: \S+", 120)
        tap.check("crash: a new connection echoes once netd is back",
                  has(console_lines(term), r"^socktest: crash: after the restart: VX_OK"), console_lines(term)[-800:])
        seen(term, r"^socktest: grants: after the restart: netu connect: \S+", 120)
        lines = re.findall(r"^socktest: grants: after the restart: (.*)$", console_lines(term), re.M)
        tap.check("grants: still narrowed after netd's restart (init sends each grant again)",
                  len(lines) == 12 and not [line for line in lines if "(WRONG)" in line],
                  "\n".join(lines))
        seen(term, r"^socktest: done", 30)
        # The dead netd's pairs come back to init once socktest let go of
        # them; the new netd made what it needed since.
        term.pos = len(term.buf)
        out = term.command("mem", timeout=30)
        after = pairs_in_use(out)
        tap.check("leak: init took back the pairs of netd's last life (%s before the crash, %s "
                  "after)" % (pairs_before, after),
                  pairs_before is not None and after is not None and after <= pairs_before, out)
        faults = [line for line in console_lines(term).splitlines()
                  if re.search(r"fault|panic", line) and "netd" not in line]
        tap.check("no fault in any Task but netd, crashed on purpose", not faults, "\n".join(faults))
    except Timeout as e:
        tap.check("the session ran to the end", False, str(e))
    finally:
        log = os.path.join(B, "test-logs", "sock.log")
        os.makedirs(os.path.dirname(log), exist_ok=True)
        with open(log, "w") as f:
            f.write(console_lines(term))
        term.close()
    return 1 if tap.failed else 0


sys.exit(main())
