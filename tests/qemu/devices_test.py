# SPDX-License-Identifier: BSD-3-Clause
"""Drivers as Tasks, seen from outside (docs/DEVICES.md).

Three boots, each checked over the serial console and QEMU's own monitor:

  devices   make run's devices (IOMMU, two PCIe root ports, a virtio-rng):
            devd's list matches QEMU's `info pci` (an oracle nobody here
            wrote), the driver feeds rngd so High answers, and a crashed
            driver is restarted and works again.
  hostile   devices-hostile.img: five virtio-rng drivers that each misuse
            their device (DMA to the kernel, to an unmapped IO address, to
            a frame never mapped for the device, into a buffer freed while
            the device held it, an MSI storm) beside an honest one.  Every
            DMA is blocked and reported, the kernel's text is unchanged
            byte for byte (read through the monitor), the honest driver and
            the shell keep working.
  confined  a virtio-rng and no IOMMU: devd refuses to start its driver,
            and rngd's High level stays unavailable without it.
  devdkill  make run's network card and disk: devd killed (`kill devd`)
            while netd holds the card and a socket (dnsd's) and vfsd holds
            HOME: with a change not yet committed, then started again;
            then made to fault (`crash devd`), which init restarts.  Its
            drivers die with it and each starts once in its next life;
            netd and vfsd never fault (their connections' Rings are
            init's); meanwhile netd shows the link down and vfsd answers
            HOME: with VX_E_HANGUP, keeping its uncommitted change; ping,
            HOME: (the change kept) and EXT: work again once devd is back.
            (sock_test.py kills devd under a held TCP connection.)
"""
import hashlib
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from vterm import Tap, Timeout, VTerm, has  # noqa: E402

B = os.environ.get("B", "build")
ROOT_PORT = "pcie-root-port,id=rp%d,chassis=%d,slot=%d"
RNG = "virtio-rng-pci,bus=rp%d,id=rng%d,iommu_platform=on"


def device_flags(n, iommu=True, spare=0):
    """n root ports with a virtio-rng each, then spare empty ones."""
    flags = ["-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"]
    flags += ["-device", "intel-iommu"] if iommu else []
    for i in range(1, n + 1):
        flags += ["-device", ROOT_PORT % (i, i, i), "-device", RNG % (i, i)]
    for i in range(n + 1, n + 1 + spare):
        flags += ["-device", ROOT_PORT % (i, i, i)]
    return flags


class Monitor:
    """QEMU's human monitor on a Unix socket: one command, its answer."""

    def __init__(self, path):
        self.path = path
        self.sock = None

    def connect(self, timeout=20.0):
        end = time.time() + timeout
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(self.path)
                self.sock = s
                self.sock.settimeout(10)
                self._until_prompt()
                return
            except OSError:
                if time.time() > end:
                    raise Timeout("no QEMU monitor at %s" % self.path)
                time.sleep(0.1)

    def _until_prompt(self):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            buf += chunk
        return buf.decode("utf-8", "replace")

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\n")
        out = self._until_prompt()
        # Drop the echoed command line and the terminal's escape sequences.
        out = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out).replace("\r", "")
        return "\n".join(out.splitlines()[1:-1])


def kernel_ro_range():
    """Physical [start, end) of the kernel's text and read-only data."""
    syms = {}
    out = subprocess.run(["nm", os.path.join(B, "kernel.elf")], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    vma = 0xffffffff80000000
    return syms["_phys_start"], syms["_rodata_end"] - vma


def kernel_digest(mon, tag):
    start, end = kernel_ro_range()
    path = os.path.abspath(os.path.join(B, "test-logs", "kernel-%s.bin" % tag))
    if os.path.exists(path):
        os.unlink(path)
    mon.cmd('pmemsave 0x%x 0x%x "%s"' % (start, end - start, path))
    for _ in range(100):
        if os.path.exists(path) and os.path.getsize(path) == end - start:
            break
        time.sleep(0.05)
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def qemu_functions(info):
    """{(bus, dev, fn): (vendor, device)} from `info pci`."""
    found, where = {}, None
    for line in info.splitlines():
        m = re.match(r"\s*Bus\s+(\d+), device\s+(\d+), function (\d+):", line)
        if m:
            where = tuple(int(x) for x in m.groups())
            continue
        m = re.search(r"PCI device ([0-9a-f]{4}):([0-9a-f]{4})", line)
        if m and where is not None:
            found[where] = m.groups()
            where = None
    return found


def ours_count(out):
    return len(devd_functions(out))


def devd_functions(out):
    """{(bus, dev, fn): (vendor, device)} from the shell's `devices`."""
    found = {}
    for m in re.finditer(r"^([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])\s+([0-9a-f]{4}):([0-9a-f]{4})",
                         out, re.M):
        found[(int(m.group(1), 16), int(m.group(2), 16), int(m.group(3)))] = (m.group(4), m.group(5))
    return found


def console_lines(term):
    """The console so far, with the shell's prompts taken off the starts of
    lines: another Task's line may follow a prompt on the same line."""
    return re.sub(r"^(?:vshell> )+", "", term.text(), flags=re.M)


def seen(term, pattern, timeout, count=1):
    """Waits until pattern appears count times anywhere in the console's
    whole lines so far (lines of different Tasks come in no fixed order; a
    line still arriving is not looked at, so a check of the whole line
    after it never sees half of it)."""
    end = time.time() + timeout
    while time.time() < end:
        text = console_lines(term)
        if len(re.findall(pattern, text[:text.rfind("\n") + 1], re.M)) >= count:
            return True
        time.sleep(0.1)
    raise Timeout("no '%s' within %d s; last output:\n%s" % (pattern, timeout, term.text()[-1500:]))


def boot(name, image, flags):
    sock = os.path.abspath(os.path.join(B, "test-logs", name + ".monitor"))
    if os.path.exists(sock):
        os.unlink(sock)
    term = VTerm(B, image=image, extra=flags + ["-monitor", "unix:%s,server=on,wait=off" % sock])
    mon = Monitor(sock)
    mon.connect()
    return term, mon


def session_devices(t, tap):
    term, mon = boot("devices", "boot.img", device_flags(1, spare=1))
    try:
        term.expect(r"vshell> ", 60)
        tap.check("devd finds the IOMMU", has(term.text(), r"^devd: DMA is confined by the IOMMU"),
                  term.text())
        seen(term, r"devd: 01:00\.0 1af4:1044: started virtio-rng", 30)
        tap.check("devd starts the virtio-rng driver for the function", True)
        seen(term, r"virtio-rng: 16 requests answered; rngd credited 512 bits to source 16", 30)
        tap.check("the driver reads entropy and rngd credits it as a device source", True)
        out = term.command("devices")
        ours, qemus = devd_functions(out), qemu_functions(mon.cmd("info pci"))
        tap.check("devd's list of functions is QEMU's own (info pci)", ours == qemus and len(ours) > 5,
                  "devd: %s\nqemu: %s" % (sorted(ours.items()), sorted(qemus.items())))
        m = re.search(r"^01:00\.0\s+1af4:1044\s+\S+\s+virtio-rng\s+running\s+(\d+)", out, re.M)
        tap.check("devices shows the driver running and its interrupts", m and int(m.group(1)) > 0, out)
        out = term.command("random status")
        tap.check("rngd lists the device among its sources", has(out, r"^\s+device\s+16\s+[1-9]"), out)
        out = term.command("random high 16")
        tap.check("High answers once the device has fed it", has(out, r"^[0-9a-f]{32}$"), out)
        before = kernel_digest(mon, "devices-before")
        out = term.command("devices crash 01:00.0")
        tap.check("devices crash is accepted", has(out, r"made 01:00\.0's driver fault"), out)
        seen(term, r"devd: 01:00\.0 virtio-rng stopped by a page fault at address 0x0", 20)
        seen(term, r"devd: restarting virtio-rng for 01:00\.0", 20)
        seen(term, r"devd: 01:00\.0 1af4:1044: started virtio-rng", 20, count=2)
        seen(term, r"virtio-rng: 16 requests answered", 30, count=2)
        tap.check("the crashed driver is restarted and the reset device works again", True)
        out = term.command("devices")
        tap.check("devices notes the crash", has(out, r"^01:00\.0 .*running .*page fault at 0x0"), out)
        for bad, why in (("devices crash 01:00", "is not a PCI address"),
                         ("devices crash 01:20.0", "is not a PCI address"),
                         ("devices crash 07:00.0", "no PCI function at 07:00.0"),
                         ("devices crash 00:1f.0", "00:1f.0 has no running driver"),
                         ("devices frob", "usage: devices")):
            out = term.command(bad)
            tap.check("'%s' is refused: %s" % (bad, why), why in out, out)
        # Hot-plug: a virtio-rng added to the empty port from the monitor.
        seen(term, r"devd: 2 hot-plug slots", 20)
        mon.cmd("device_add virtio-rng-pci,bus=rp2,id=hot1,iommu_platform=on")
        seen(term, r"devd: 02:00\.0 1af4:1044 hot-added", 30)
        seen(term, r"devd: 02:00\.0 1af4:1044: started virtio-rng", 30)
        seen(term, r"virtio-rng: 16 requests answered; rngd credited 512 bits to source 17", 30)
        tap.check("a hot-added device gets its driver, which works", True)
        mon.cmd("device_del hot1")
        seen(term, r"devd: 02:00\.0 removed; its driver stopped and its capabilities revoked", 30)
        out = term.command("devices")
        tap.check("the hot-removed function is listed as removed",
                  has(out, r"^02:00\.0 .*virtio-rng\s+removed .*hot-removed"), out)
        gone = False
        for _ in range(50):
            if "hot1" not in mon.cmd("info pci"):
                gone = True
                break
            time.sleep(0.2)
        tap.check("QEMU lets the device go once devd powers the slot off", gone)
        answered = len(re.findall(r"virtio-rng: 16 requests answered", term.text()))
        mon.cmd("device_add virtio-rng-pci,bus=rp2,id=hot2,iommu_platform=on")
        seen(term, r"devd: 02:00\.0 1af4:1044: started virtio-rng", 30, count=2)
        # its first lines, before the listing they could land inside
        seen(term, r"virtio-rng: 16 requests answered", 30, count=answered + 1)
        out = term.command("devices")
        tap.check("added again, it runs again",
                  has(out, r"^02:00\.0 .*virtio-rng\s+running") and ours_count(out) == len(
                      qemu_functions(mon.cmd("info pci"))), out)
        tap.check("the kernel's text is unchanged", kernel_digest(mon, "devices-after") == before)
        tap.check("no kernel panic", not has(term.text(), r"kernel panic"), term.text())
    finally:
        t["devices"] = term.text()
        term.close()


def session_hostile(t, tap):
    term, mon = boot("devices-hostile", "devices-hostile.img", device_flags(7))
    try:
        term.expect(r"vshell> ", 60)
        before = kernel_digest(mon, "hostile-before")
        cases = (
            ("01:00.0", "DMA into the kernel", r"0x100000 "),
            ("02:00.0", "DMA to an unmapped IO address", r"0x3ff00000 "),
            ("03:00.0", "DMA to a frame never mapped for the device", r"0x[0-9a-f]+ "),
            ("04:00.0", "DMA into a buffer unmapped while the device held it", r"0x200000 "),
        )
        for where, what, addr in cases:
            pat = (r"devd: %s virtio-rng: the IOMMU blocked its device's DMA write at IO address %s"
                   % (re.escape(where), addr))
            try:
                seen(term, pat, 60)
                ok = True
            except Timeout:
                ok = False
            tap.check("%s is blocked and reported (%s)" % (what, where), ok, term.text()[-1500:])
        for where, _, _ in cases:
            seen(term, r"devd: %s virtio-rng stopped 3 times in a row; giving up on it" % re.escape(where),
                 60)
        tap.check("devd gives up on drivers that keep faulting", True)
        seen(term, r"virtio-rng: storming", 30)
        seen(term, r"virtio-rng: 16 requests answered", 60)
        tap.check("the honest driver works beside them", True)
        out = term.command("uptime", timeout=30)
        tap.check("the shell answers during the MSI storm", has(out, r"up "), out)
        out = term.command("devices", timeout=30)
        m = re.search(r"^05:00\.0 .*virtio-rng\s+running\s+(\d+)", out, re.M)
        tap.check("the storming device's interrupts are counted, not acknowledged",
                  m is not None and int(m.group(1)) > 100, out)
        tap.check("devices notes each blocked DMA",
                  len(re.findall(r"gave up .*DMA write at io 0x", out)) == 4, out)
        tap.check("the honest driver is still running",
                  has(out, r"^06:00\.0 .*virtio-rng\s+running"), out)
        seen(term, r"virtio-rng: reach-other: ecam in my Bundle: VX_E_NOTFOUND", 30)
        seen(term, r"devd: 07:00\.0 virtio-rng stopped by a page fault at address 0x10001000", 30)
        tap.check("a driver cannot reach another function's configuration space "
                  "(no ecam; the next page is not mapped: page fault)", True)
        out = term.command("ps", timeout=30)
        tap.check("ps lists the driver Tasks beside the services, with their CPU and memory",
                  has(out, r"^virtio-rng\s+running\s+\d+\s+\d+\s+devd\s+[\d.]+ [KM]iB\s.*"
                      r"driver of 06:00\.0, devd"), out)
        tap.check("the kernel's text is unchanged after every blocked DMA",
                  kernel_digest(mon, "hostile-after") == before)
        tap.check("no kernel panic", not has(term.text(), r"kernel panic"), term.text())
    finally:
        t["hostile"] = term.text()
        term.close()


def session_confined(t, tap):
    term, mon = boot("devices-confined", "boot.img", device_flags(1, iommu=False))
    try:
        term.expect(r"vshell> ", 60)
        tap.check("without an IOMMU devd confines by refusing",
                  has(term.text(), r"^devd: DMA is refused \(no IOMMU\)"), term.text())
        out = term.command("devices")
        tap.check("the virtio-rng is listed as refused, with the reason",
                  has(out, r"^01:00\.0 .*virtio-rng\s+refused .*no IOMMU, and DMA may not go unconfined"),
                  out)
        time.sleep(2)
        out = term.command("random high 16")
        tap.check("without the device, High is not available (jitter alone)",
                  "not enough entropy yet (High)" in out, out)
    finally:
        t["confined"] = term.text()
        term.close()


NET_DISK = ["-device", "pcie-root-port,id=rp3,chassis=3,slot=3",
            "-netdev", "user,id=n0,restrict=on",
            "-device", "virtio-net-pci,bus=rp3,netdev=n0,iommu_platform=on,disable-legacy=on",
            "-device", "pcie-root-port,id=rp4,chassis=4,slot=4",
            "-device", "virtio-blk-pci,bus=rp4,drive=disk0,iommu_platform=on"]


def soon(term, pattern, timeout):
    """seen, as a truth value: False once timeout passed."""
    try:
        return seen(term, pattern, timeout)
    except Timeout:
        return False


def in_use(out, what):
    """mem's count of init's connections or socket Ring pairs in use."""
    m = re.search(r"^%s: (\d+) of \d+ in use" % re.escape(what), out, re.M)
    return int(m.group(1)) if m else None


def service_row(out, name):
    """(state, restarts) of a service in ps's listing, or None."""
    m = re.search(r"^%s\s+(\S+)\s+\d+\s+(\d+)\s" % re.escape(name), out, re.M)
    return (m.group(1), int(m.group(2))) if m else None


def session_devdkill(t, tap):
    """devd's death under netd and vfsd: killed, started again, crashed."""
    disk = os.path.abspath(os.path.join(B, "test-logs", "devdkill-disk.img"))
    os.makedirs(os.path.dirname(disk), exist_ok=True)
    subprocess.run(["bash", os.path.join(os.path.dirname(__file__), "../../tools/mkdisk.sh"), disk],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ, KEEP=os.path.join(B, "host", "tools", "keep")))
    flags = device_flags(0) + ["-drive", "file=%s,if=none,id=disk0,format=raw" % disk] + NET_DISK
    term, mon = boot("devdkill", "boot.img", flags)
    try:
        term.expect(r"vshell> ", 120)
        seen(term, r"^netd: DHCP: 10\.0\.2\.15 ", 60)
        seen(term, r"^vfsd: HOME: mounted", 60)
        seen(term, r"^vfsd: EXT: mounted", 60)
        out = term.command("ping 10.0.2.2 1", timeout=30)
        tap.check("devdkill: ping works before", has(out, r"^1 sent, 1 received"), out)
        term.command("echo kept > HOME:kept.txt")  # not committed yet
        conns_before = in_use(term.command("mem", timeout=30), "connections")

        out = term.command("kill devd")
        tap.check("devdkill: kill devd is accepted", has(out, r"^kill: stopped devd"), out)
        time.sleep(3)
        said = soon(term, r"netd: devd is not running; the card is away until it is back", 30)
        out = term.command("net", timeout=30)
        tap.check("devdkill: while devd is away, netd says so and shows the link down",
                  said and has(out, r"^card +52:54:00:12:34:56 +link down"), out)
        out = term.command("ping 10.0.2.2 1", timeout=30)
        tap.check("devdkill: while devd is away, a ping is not answered (no fault, no hang)",
                  has(out, r"^1 sent, 0 received"), out)
        out = term.command("ls HOME:", timeout=30)
        tap.check("devdkill: while devd is away, HOME: is VX_E_HANGUP, the file system untouched",
                  has(out, r"^ls: VX_E_HANGUP"), out)
        out = term.command("ps")
        tap.check("devdkill: netd did not fault (restarts 0)", service_row(out, "netd") == ("running", 0),
                  out)
        tap.check("devdkill: vfsd did not fault (restarts 0)", service_row(out, "vfsd") == ("running", 0),
                  out)
        tap.check("devdkill: the drivers died with devd", not has(out, r"^virtio-(net|blk) "), out)

        out = term.command("start devd", timeout=30)
        tap.check("devdkill: start devd is accepted", has(out, r"^start: started devd"), out)
        seen(term, r"devd: \S+ 1af4:1041: started virtio-net", 30, count=2)
        seen(term, r"devd: \S+ 1af4:1042: started virtio-blk", 30, count=2)
        out = ""
        for _ in range(10):
            out = term.command("ping 10.0.2.2 1", timeout=30)
            if has(out, r"^1 sent, 1 received"):
                break
            time.sleep(1)
        tap.check("devdkill: after start devd, ping works again", has(out, r"^1 sent, 1 received"), out)
        out = term.command("cat HOME:kept.txt", timeout=30)
        tap.check("devdkill: HOME: works again and kept the change made before",
                  has(out, r"^kept$"), out)
        out = term.command("ls EXT:", timeout=30)
        tap.check("devdkill: EXT: works again", has(out, r"README\.TXT"), out)
        tap.check("devdkill: netd says the card is back", soon(term, r"netd: the card is back", 30),
                  console_lines(term)[-800:])
        out = term.command("ps")
        tap.check("devdkill: one driver of each, started once in devd's new life",
                  len(re.findall(r"^virtio-net ", out, re.M)) == 1
                  and len(re.findall(r"^virtio-blk ", out, re.M)) == 1, out)
        tap.check("devdkill: netd and vfsd still never restarted",
                  service_row(out, "netd") == ("running", 0)
                  and service_row(out, "vfsd") == ("running", 0), out)

        n_net = len(re.findall(r"started virtio-net", console_lines(term)))
        out = term.command("crash devd")
        seen(term, r"init: restarting devd", 30)
        seen(term, r"devd: \S+ 1af4:1041: started virtio-net", 30, count=n_net + 1)
        for _ in range(10):
            out = term.command("ping 10.0.2.2 1", timeout=30)
            if has(out, r"^1 sent, 1 received"):
                break
            time.sleep(1)
        tap.check("devdkill: after devd faults and init restarts it, ping works",
                  has(out, r"^1 sent, 1 received"), out)
        out = term.command("cat HOME:kept.txt", timeout=30)
        tap.check("devdkill: and HOME: reads", has(out, r"^kept$"), out)
        out = term.command("ps")
        tap.check("devdkill: netd and vfsd never faulted",
                  service_row(out, "netd") == ("running", 0)
                  and service_row(out, "vfsd") == ("running", 0)
                  and not has(console_lines(term), r"^init: (netd|vfsd) stopped"), out)
        # The drivers' connections to the console (INIT_CONNECT) that a
        # dead devd never gave back: init takes them back itself.
        conns = None
        for _ in range(20):
            conns = in_use(term.command("mem", timeout=30), "connections")
            if conns is not None and conns_before is not None and conns <= conns_before:
                break
            time.sleep(0.5)
        tap.check("devdkill: init took back the connections of devd's dead lives (%s before, %s "
                  "after two deaths)" % (conns_before, conns),
                  conns is not None and conns_before is not None and conns <= conns_before)
        tap.check("devdkill: no kernel panic", not has(term.text(), r"kernel panic"), term.text())
    finally:
        t["devdkill"] = term.text()
        term.close()


def main():
    tap = Tap("devices")
    logs = {}
    sessions = (session_devices, session_hostile, session_confined, session_devdkill)
    only = os.environ.get("DEVICES_ONLY")
    for session in sessions:
        if only and session.__name__ != "session_" + only:
            continue
        try:
            session(logs, tap)
        except Timeout as e:
            tap.check("%s ran to the end" % session.__name__, False, str(e))
    for name, text in logs.items():
        with open(os.path.join(B, "test-logs", "devices-%s.serial" % name), "w") as f:
            f.write(text)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
