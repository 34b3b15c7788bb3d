# SPDX-License-Identifier: BSD-3-Clause
"""netd, the IP stack, seen from the shell (docs/NET.md).

One boot of the normal image (boot.img: netd in its manifest, the shell
connected to it) with a virtio-net card on QEMU's user-mode network,
restricted (`restrict=on`): nothing leaves the host, and the guest reaches
only slirp's own virtual hosts (10.0.2.2, 10.0.2.3).  slirp is the oracle:
its DHCP server, ARP and ICMP echo are code nobody here wrote.

  dhcp      netd takes a lease of 10.0.2.15/24 from slirp at boot, and
            `net` shows it with the card, the counters and the lease
  ping      3 echo requests to 10.0.2.2 come back; the ARP cache then
            holds slirp's MAC 52:55:0a:00:02:02; 10.0.2.3 answers too
  silence   an address nobody has (10.0.2.99) and the subnet broadcast get
            "no answer", and the counters say why (ARP unanswered)
  refused   bad addresses and counts are refused by the shell, and
            multicast and 0/8 by netd (VX_E_INVAL, named)
  nc, get   Ctrl-C stops a connect to 192.0.2.1 (no route: it would wait
            its whole 10 s) at once, leaving no connection behind; slirp
            refuses 10.0.2.2:9 (a RST)
  crash     the card's driver is crashed through devd: netd reconnects
            through devd to its next life, and ping works again; then netd
            itself is crashed: init restarts it, and the new netd takes
            the card (the driver let the dead holder's pools go) and a
            lease again
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from vterm import Tap, Timeout, VTerm, capture, has  # noqa: E402
from devices_test import seen  # noqa: E402

B = os.environ.get("B", "build")
FLAGS = ["-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off", "-device", "intel-iommu",
         "-device", "pcie-root-port,id=rp1,chassis=1,slot=1",
         "-netdev", "user,id=n0,restrict=on",
         "-device", "virtio-net-pci,bus=rp1,netdev=n0,iommu_platform=on,disable-legacy=on"]


def main():
    tap = Tap("netd")
    term = VTerm(B, image="boot.img", extra=FLAGS + capture(B, "netd"))
    try:
        term.expect(r"vshell> ", 120)
        seen(term, r"^netd: card 52:54:00:12:34:56, link up", 60)
        seen(term, r"^netd: DHCP: 10\.0\.2\.15 mask 255\.255\.255\.0 ", 60)
        tap.check("dhcp: netd took a lease of 10.0.2.15/24 from slirp", True)
        out = term.command("net")
        tap.check("dhcp: net shows the card", has(out, r"^card +52:54:00:12:34:56 +link up +mtu 1500"),
                  out)
        tap.check("dhcp: net shows the address and the lease",
                  has(out, r"^address +10\.0\.2\.15/24 .*\(DHCP bound, lease 86400 s, \d+ s left\)"),
                  out)
        tap.check("dhcp: net counts the exchange", has(out, r"DHCP_BOUND +1\b"), out)

        out = term.command("ping 10.0.2.2 3", timeout=30)
        tap.check("ping: 3 answers from 10.0.2.2",
                  len(re.findall(r"^64 bytes from 10\.0\.2\.2: seq=\d time=", out, re.M)) == 3
                  and has(out, r"^3 sent, 3 received, 0% lost; round trip"), out)
        out = term.command("net")
        tap.check("ping: the ARP cache holds slirp's MAC for 10.0.2.2",
                  has(out, r"^  10\.0\.2\.2  52:55:0a:00:02:02  \d+ s left"), out)
        tap.check("ping: ICMP echo counted", has(out, r"ICMP_ECHO_OUT +3\b")
                  and has(out, r"ICMP_ECHO_REPLY_IN +3\b"), out)
        out = term.command("ping 10.0.2.3 1", timeout=30)
        tap.check("ping: 10.0.2.3 answers", has(out, r"^1 sent, 1 received"), out)

        out = term.command("ping 10.0.2.99 1", timeout=30)
        tap.check("silence: 10.0.2.99 gets no answer", has(out, r"^seq=1: no answer in 2000 ms")
                  and has(out, r"^1 sent, 0 received, 100% lost"), out)
        out = term.command("ping 10.0.2.255 1", timeout=30)
        tap.check("silence: the subnet broadcast gets no answer", has(out, r"^1 sent, 0 received"),
                  out)
        term.command("ping 10.0.2.2 1", timeout=30)  # lets the ARP retries for .99 run out
        out = term.command("net")
        tap.check("silence: counted as ARP unanswered", has(out, r"ARP_UNRESOLVED +1\b"), out)
        # Ctrl-C ends a long ping with the totals so far (it once ran its
        # whole count, up to 100 requests of 2 s, whatever was typed).
        term.send("ping 10.0.2.99 100\r")
        term.expect(r"seq=1: ", 30)
        out = term.interrupt()
        tap.check("silence: Ctrl-C ends a ping, with the totals so far",
                  has(out, r"^ping: interrupted \(Ctrl-C\)$") and has(out, r"^\d sent, 0 received"),
                  out)

        # Ctrl-C stops nc while it connects to an address no SYN reaches
        # (restricted slirp offers no router): it once waited out the whole
        # connect (10 s and more) whatever was typed.  netd cancels the
        # connect (NET_CANCEL): no socket is left, and the next connect on
        # the shell's connection works.  get connects the same way.
        term.send("nc 192.0.2.1 9\r")
        term.expect(r"nc: connecting to 192\.0\.2\.1:9 \(Ctrl-C stops\)", 20)
        time.sleep(1)
        out = term.interrupt()
        tap.check("nc: Ctrl-C stops a connect (said 'interrupted', not 'timed out')",
                  has(out, r"^nc: interrupted \(Ctrl-C\): no connection$"),
                  out)
        out = term.command("net")
        tap.check("nc: the cancelled connect leaves no TCP connection", has(out, r"^TCP\n  \(none\)$"),
                  out)
        out = term.command("nc 10.0.2.2 9", timeout=30)
        tap.check("nc: the next connect after a cancel is answered",
                  has(out, r"^nc: cannot connect to 10\.0\.2\.2:9: connection refused$"), out)
        term.send("get http://192.0.2.1/x RAM:x\r")
        time.sleep(1)
        out = term.interrupt()
        tap.check("get: Ctrl-C stops a connect (said 'interrupted', not 'timed out')",
                  has(out, r"^get: interrupted \(Ctrl-C\): no connection$"),
                  out)

        for line, want in [("ping 1.2.3", r"^ping: '1\.2\.3' is not an address"),
                           ("ping 256.1.1.1", r"^ping: '256\.1\.1\.1' is not an address"),
                           ("ping 10.0.2.2 0", r"^ping: count '0': want 1\.\.100"),
                           ("ping 10.0.2.2 101", r"^ping: count '101': want 1\.\.100"),
                           # in words (once only "VX_E_INVAL (invalid argument)")
                           ("ping 224.0.0.1 1", r"^ping: 224\.0\.0\.1 is not a host to ping \(VX_E_INVAL: "),
                           ("ping 0.1.2.3 1", r"^ping: 0\.1\.2\.3 is not a host to ping \(VX_E_INVAL: "),
                           ("ping localhost 1", r"^ping: 127\.0\.0\.1 is not a host to ping \(VX_E_INVAL: "),
                           ("ping 10.0.2.15 1", r"^ping: 10\.0\.2\.15 is not a host to ping \(VX_E_INVAL: ")]:
            out = term.command(line, timeout=30)
            tap.check("refused: %s" % line, has(out, want), out)

        out = term.command("devices")
        m = re.search(r"^(\S+) +1af4:1041 .*virtio-net +running", out, re.M)
        tap.check("crash: devd runs virtio-net", m is not None, out)
        if m:
            term.command("devices crash %s" % m.group(1))
            seen(term, r"devd: %s 1af4:1041: started virtio-net" % re.escape(m.group(1)), 60, count=2)
            out = term.command("ping 10.0.2.2 2", timeout=40)
            tap.check("crash: ping works after the driver's restart",
                      has(out, r"^2 sent, [12] received"), out)
            out = term.command("net")
            tap.check("crash: net counts the restart", has(out, r"the driver restarted 1 times"), out)
        # netd itself: init restarts it, the driver lets the dead holder's
        # card go, and the new netd takes it and a lease again.
        out = term.command("crash netd")
        seen(term, r"^init: restarting netd", 30)
        seen(term, r"^netd: DHCP: 10\.0\.2\.15 mask", 60, count=2)
        out = term.command("ping 10.0.2.2 2", timeout=40)
        tap.check("netd crash: init restarts it, it takes the card and a lease again, ping works",
                  has(out, r"^2 sent, [12] received"), out)
        faults = [l for l in term.text().splitlines()
                  if re.search(r"fault|panic", l) and "virtio-net" not in l
                  and not l.startswith("devices: made ") and "netd" not in l]
        tap.check("no fault in any Task but the two crashed on purpose", not faults,
                  "\n".join(faults))
    except Timeout as e:
        tap.check("the session ran to the end", False, str(e))
    finally:
        log = os.path.join(B, "test-logs", "netd.log")
        os.makedirs(os.path.dirname(log), exist_ok=True)
        with open(log, "w") as f:
            f.write(term.text())
        term.close()
    return 1 if tap.failed else 0


sys.exit(main())
