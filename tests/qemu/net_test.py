# SPDX-License-Identifier: BSD-3-Clause
"""Networking, seen from outside (docs/DEVICES.md, "The network driver").

Two boots of net.img, whose manifest starts nettest (tests/hostile/net.c)
at boot.  QEMU's network is user-mode and restricted (`restrict=on`):
nothing leaves the host, and the guest reaches only slirp's own virtual
hosts (10.0.2.2 the gateway and DHCP server).  QEMU answers nettest's
hand-built frames, so every reply is checked by an implementation nobody
here wrote.

  offloads   the card as QEMU makes it: MAC and link read, an ARP reply
             from 10.0.2.2, a DHCP OFFER of 10.0.2.15, the UDP checksum
             left to the device when it offers that (slirp drops a wrong
             one); every misuse of the protocol gets its named error and
             the driver keeps serving; a crash of the driver is ridden out
             by the client library; a link set down from QEMU's monitor
             ends a waiting receive with the link event.
  no-offload the same with csum=off,guest_csum=off: the client sums.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from vterm import Tap, Timeout, VTerm, has  # noqa: E402
from devices_test import Monitor, seen  # noqa: E402

B = os.environ.get("B", "build")

# (what nettest says, the error netif.h names for it)
CASES = [
    ("op 0xffffffff", "VX_E_NOSYS"),
    ("truncated TX", "VX_E_INVAL"),
    ("truncated RETURN", "VX_E_INVAL"),
    ("TX of a bad buffer index", "VX_E_RANGE"),
    ("TX longer than a buffer", "VX_E_TOOBIG"),
    ("TX shorter than a header", "VX_E_INVAL"),
    ("TX with an unknown flag", "VX_E_INVAL"),
    ("TX on a buffer whose TX is in flight", r"VX_E_BUSY \(the first: VX_OK\)"),
    ("TXV of three frames", r"VX_OK \(one answer, count 3, buffer 4\)"),
    ("TXV of no frames", "VX_E_INVAL"),
    ("TXV of one frame too many", "VX_E_TOOBIG"),
    ("TXV with a bad index in the middle", "VX_E_RANGE"),
    ("TXV naming a buffer twice", "VX_E_BUSY"),
    ("TXV one entry short of its count", "VX_E_INVAL"),
    ("RETURN of a bad buffer index", "VX_E_RANGE"),
    ("double RETURN", r"VX_E_STATE \(the first: VX_OK\)"),
    ("pools twice", "VX_E_EXISTS"),
    ("receive waiting a minute", "VX_E_TOOBIG"),
    ("second connection, info", "VX_OK"),
    ("pools without the write right", "VX_E_RIGHTS"),
    ("pools that are a Ring", "VX_E_TYPE"),
    ("a second holder", "VX_E_BUSY"),
    ("receive without holding the card", "VX_E_STATE"),
    ("a connection opened with a partition", "VX_E_INVAL"),
]


def net_flags(props=""):
    return ["-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off", "-device", "intel-iommu",
            "-device", "pcie-root-port,id=rp1,chassis=1,slot=1",
            "-netdev", "user,id=n0,restrict=on",
            "-device", "virtio-net-pci,bus=rp1,netdev=n0,iommu_platform=on,disable-legacy=on" + props]


def boot(name, props):
    sock = os.path.abspath(os.path.join(B, "test-logs", name + ".monitor"))
    if os.path.exists(sock):
        os.unlink(sock)
    term = VTerm(B, image="net.img",
                 extra=net_flags(props) + ["-monitor", "unix:%s,server=on,wait=off" % sock])
    mon = Monitor(sock)
    mon.connect()
    return term, mon


def session(tap, name, props, offloads):
    term, mon = boot(name, props)
    try:
        seen(term, r"^hostile: net card ", 120)
        text = term.text()
        m = re.search(r"^hostile: net card ([0-9a-f:]{17}), link (\w+), offloads:(.*)$", text, re.M)
        tap.check("%s: nettest opens the card through devd: MAC 52:54:00:12:34:56, link up"
                  % name, m and m.group(1) == "52:54:00:12:34:56" and m.group(2) == "up", text)
        got = m.group(3).split() if m else []
        if offloads:
            # QEMU offers CSUM and GUEST_CSUM only over a backend with a
            # virtio-net header (tap, vhost); user-mode networking has none,
            # so the device path of NETIF_TX_CSUM is not reached from here.
            tap.check("%s: the driver reports the offloads it negotiated (%s)"
                      % (name, " ".join(got)), bool(got), text)
            if got == ["none"]:
                print("# note: this QEMU's user-mode backend offers no checksum offload", flush=True)
        else:
            tap.check("%s: with csum=off,guest_csum=off no offload is used" % name,
                      got == ["none"], text)
        seen(term, r"^hostile: net first: ", 20)
        tap.check("%s: an ARP request for 10.0.2.2 is answered by slirp's gateway" % name,
                  has(term.text(), r"^hostile: net first: ARP reply: 10\.0\.2\.2 is at 52:55:0a:00:02:02$"),
                  term.text()[-1500:])
        seen(term, r"^hostile: net (no )?DHCP OFFER", 20)
        by = "device" if "tx-csum" in got else "client"
        tap.check("%s: a DHCP DISCOVER (UDP checksum by the %s) gets an OFFER of 10.0.2.15" % (name, by),
                  has(term.text(), r"^hostile: net DHCP OFFER: 10\.0\.2\.15 \(UDP checksum by the %s\)$"
                      % by), term.text()[-1500:])
        seen(term, r"^hostile: net after the misuse: ", 30)
        out = term.text()
        for what, err in CASES:
            tap.check("%s: misuse, %s: %s" % (name, what, err.replace("\\", "")),
                      has(out, r"^hostile: net %s: %s$" % (re.escape(what), err)), out[-2000:])
        tap.check("%s: the driver still serves after the misuse" % name,
                  has(out, r"^hostile: net after the misuse: ARP reply: 10\.0\.2\.2 is at "), out[-1500:])
        seen(term, r"^hostile: net reconnections: ", 60)
        seen(term, r"devd: 01:00\.0 1af4:1041: started virtio-net", 20, count=2)
        out = term.text()
        tap.check("%s: devd restarts the crashed driver" % name,
                  has(out, r"^devd: 01:00\.0 virtio-net stopped by a page fault") and
                  len(re.findall(r"devd: 01:00\.0 1af4:1041: started virtio-net", out)) == 2, out)
        tap.check("%s: the client reconnects to the driver's next life and ARP works again" % name,
                  has(out, r"^hostile: net after the crash: ARP reply: 10\.0\.2\.2 is at ") and
                  has(out, r"^hostile: net reconnections: 1, life 2$"), out[-1500:])
        seen(term, r"^hostile: net waiting for the link to change$", 20)
        mon.cmd("set_link n0 off")
        seen(term, r"^hostile: net link change: ", 20)
        tap.check("%s: the link set down from QEMU's monitor ends a waiting receive with the event"
                  % name, has(term.text(), r"^hostile: net link change: now down$"), term.text()[-1500:])
        seen(term, r"^init: nettest exited with code 0$", 20)
        seen(term, r"^virtio-net: the client let go; the card is free$", 20)
        tap.check("%s: when its holder goes, the driver resets the card and frees it" % name, True)
        tap.check("%s: no fault in any Task but the one asked for, no DMA fault" % name,
                  len(re.findall(r"stopped by|kernel panic|DMA fault", term.text())) == 1, term.text())
    except Timeout as e:
        tap.check("%s: the session ran to the end" % name, False, str(e))
    finally:
        with open(os.path.join(B, "test-logs", "net-%s.serial" % name), "w") as f:
            f.write(term.text())
        term.close()


def main():
    tap = Tap("net")
    session(tap, "offloads", "", True)
    session(tap, "no-offload", ",csum=off,guest_csum=off", False)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
