# SPDX-License-Identifier: BSD-3-Clause
"""VectraOS against a network stack nobody here wrote: a Linux guest.

Two QEMUs, each its own machine: the Linux peer (Debian's kernel and
busybox, bench/linux/peer.sh; eth0 10.8.0.1/24, a shell on its serial
console) and VectraOS (linuxpeer.img: netd with `args static
10.8.0.2/24`).  Their cards are joined by one `-netdev stream` link on
127.0.0.1: this script listens on a free port of 127.0.0.1 and hands the
listening socket to the Linux peer's QEMU; VectraOS's QEMU connects to
it.  Nothing else is on the link, and no network leaves the host.

  peer      Debian's packages are fetched (apt-get download, cached) and
            the peer's initramfs is built; a failure to fetch them fails
            here, with apt's reason
  boot      the peer configures eth0, netd takes its fixed address
  ping      VectraOS pings Linux (ARP from VectraOS, echo both ways), then
            Linux pings VectraOS after forgetting its ARP entry (ARP from
            Linux); both ARP caches hold the other's MAC, and netd's
            counters show each exchange
  probes    Linux sends what VectraOS's shell cannot: 1500-byte,
            fragmented and 65535-byte echoes, a burst of 100, a SYN to a
            closed port (refused), a UDP probe to one (traceroute: port
            unreachable), a duplicate address probe (answered), a new
            MAC announced by unsolicited ARP (followed)
  socktest  TCP both ways through netd's sockets, with tests/hostile/
            sock.c (socktest) as VectraOS's end, in a second VectraOS boot
            (linuxpeer-sock.img) on the same link: 256 KiB to busybox's
            echo server and back, and LINUXPEER_MIB MiB of random bytes
            from busybox's nc to socktest's listener and back, each
            compared
  tcp       busybox `nc -l` on Linux takes a line from VectraOS's `nc`,
            and VectraOS's `nc -l` one from Linux's `nc`
  http      busybox `httpd` on Linux answers VectraOS's `get` (a page, a
            404, and LINUXPEER_MIB MiB of random bytes whose SHA-256
            VectraOS's `sum` must match); VectraOS's `serve` answers
            Linux's `wget` (a page, a 404, and the same bytes back, whose
            SHA-256 busybox must match): the large transfer both ways

LINUXPEER_MIB (default 4) sizes socktest's echo and the http file.  For
tcp and http VectraOS gets a disk and keeps the file on HOME: (a RAM:
file stops at 1 MiB); LINUXPEER_SOCKETS=0 leaves them out (each then
reports a TAP SKIP that says so).  make test-linuxpeer-100m runs 100 MiB.  socktest runs last, in its
own boot, after the first VectraOS has stopped.

Every wait is bounded; nothing here measures time.
"""
import os
import re
import socket
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from vterm import Tap, Timeout, VTerm, capture, has  # noqa: E402
from devices_test import seen  # noqa: E402

B = os.environ.get("B", "build")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

LINUX_IP, VX_IP = "10.8.0.1", "10.8.0.2"
LINUX_MAC, VX_MAC = "52:54:00:00:08:01", "52:54:00:12:34:56"
PROMPT = "linuxpeer# "
# The machine and the card, as mk/linuxpeer.mk gives them to both
# (make run-linuxpeer): q35, the VT-d IOMMU, a root port, a modern-only
# virtio-net behind the IOMMU.
DEVICES = ["-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off", "-device", "intel-iommu",
           "-device", "pcie-root-port,id=rp1,chassis=1,slot=1"]
CARD = "virtio-net-pci,bus=rp1,netdev=n0,iommu_platform=on,disable-legacy=on"
SOCKETS = os.environ.get("LINUXPEER_SOCKETS", "1") != "0"
MIB = int(os.environ.get("LINUXPEER_MIB", "4"))
# The shell's cases keep the large file on HOME:, on a disk of their own
# (tools/mkdisk.sh): a RAM: file stops at 1 MiB (FS_FILE_MAX).
DISK = os.path.join(B, "test-logs", "linuxpeer-disk.img")
DISK_FLAGS = ["-device", "pcie-root-port,id=rp2,chassis=2,slot=2",
              "-drive", "file=%s,if=none,id=disk0,format=raw" % DISK,
              "-device", "virtio-blk-pci,bus=rp2,drive=disk0,iommu_platform=on,disable-legacy=on"]


class LinuxTerm(VTerm):
    """The Linux peer's serial console: VTerm's expect, send and command,
    on a QEMU that boots Debian's kernel and listens for the link on the
    socket listen_fd."""

    def __init__(self, kernel, initrd, listen_fd):
        cmd = ["qemu-system-x86_64", "-machine", "q35", "-m", "512M", "-smp", "1", "-no-reboot",
               "-display", "none", "-monitor", "none", "-serial", "stdio",
               "-kernel", kernel, "-initrd", initrd, "-append", "console=ttyS0 quiet panic=-1"]
        cmd += DEVICES + ["-netdev", "stream,id=n0,server=on,addr.type=fd,addr.str=%d" % listen_fd,
                          "-device", CARD + ",mac=" + LINUX_MAC]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, pass_fds=(listen_fd,))
        self.buf = b""
        self.pos = 0
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def sh(self, line, timeout=30.0):
        """Runs a shell command line; returns its output without the echo
        of the line and the next prompt."""
        out = self.command(line, prompt=PROMPT, timeout=timeout)
        out = out.split("\n", 1)[1] if "\n" in out else ""
        return out[:out.rfind(PROMPT)] if PROMPT in out else out


def listening(port):
    """A shell snippet that waits (at most 5 s) until a TCP socket listens
    on port: a server started in the background may not have bound yet
    when the prompt comes back."""
    return ("for _ in $(seq 50); do netstat -ltn | grep -q ':%d ' && break; usleep 100000; done"
            % port)


def counters(out):
    """netd's counters in a `net` report, by name."""
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"\b([A-Z][A-Z0-9_]+) +(\d+)\b", out)}


def build_peer(tap):
    """bench/linux/peer.sh: Debian's kernel and busybox and the initramfs.
    Returns the kernel's path, or None after a failed check that says why."""
    try:
        r = subprocess.run(["bash", "bench/linux/peer.sh"], cwd=ROOT,
                           env=dict(os.environ, B=os.path.abspath(B)),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
        out, rc = r.stdout.decode("utf-8", "replace"), r.returncode
    except subprocess.TimeoutExpired:
        out, rc = "apt-get download took more than 900 s", 1
    env = os.path.join(B, "linux", "peer.env")
    kernel = None
    if rc == 0 and os.path.exists(env):
        with open(env) as f:
            fields = dict(line.rstrip("\n").split(" ", 1) for line in f if " " in line)
        kernel = fields.get("kernel")
        print("# linux peer: %s" % fields.get("versions", "?"), flush=True)
    tap.check("peer: Debian's kernel and busybox fetched, the peer's initramfs built",
              kernel is not None, out)
    return kernel


def ping_both_ways(tap, vx, lx):
    out = vx.command("ping %s 3" % LINUX_IP, timeout=40)
    tap.check("ping: VectraOS pings Linux, 3 answers",
              len(re.findall(r"^64 bytes from 10\.8\.0\.1: seq=\d time=", out, re.M)) == 3
              and has(out, r"^3 sent, 3 received, 0% lost"), out)
    before = vx.command("net")
    tap.check("ping: VectraOS's ARP cache holds Linux's MAC",
              has(before, r"^  10\.8\.0\.1  %s  \d+ s left" % LINUX_MAC), before)
    c = counters(before)
    tap.check("ping: netd counted its ARP request, the reply, and the echo both ways",
              c.get("ARP_REQUESTS_OUT", 0) >= 1 and c.get("ARP_REPLIES_IN", 0) >= 1
              and c.get("ICMP_ECHO_OUT") == 3 and c.get("ICMP_ECHO_REPLY_IN") == 3, before)

    # Linux forgets what it learnt from VectraOS's request, so that its
    # ping must ask by ARP itself.
    lx.sh("ip neigh flush dev eth0")
    out = lx.sh("ping -c 3 %s" % VX_IP, timeout=40)
    tap.check("ping: Linux pings VectraOS, 3 answers",
              len(re.findall(r"^64 bytes from 10\.8\.0\.2: seq=\d ttl=64 time=", out, re.M)) == 3
              and has(out, r"^3 packets transmitted, 3 packets received, 0% packet loss"), out)
    out = lx.sh("ip neigh show dev eth0")
    tap.check("ping: Linux's ARP cache holds VectraOS's MAC",
              has(out, r"^10\.8\.0\.2 lladdr %s " % VX_MAC), out)
    after = vx.command("net")
    d = {k: v - c.get(k, 0) for k, v in counters(after).items()}
    tap.check("ping: netd answered Linux's ARP request and its 3 echo requests",
              d.get("ARP_REQUESTS_IN", 0) >= 1 and d.get("ICMP_ECHO_IN", 0) == 3, after)


def linux_probes(tap, vx, lx):
    """What Linux's tools send that VectraOS's own shell does not:
    full-size and fragmented datagrams, a burst, and the answers a host
    owes to a closed port and to a duplicate address probe."""
    before = counters(vx.command("net"))
    out = lx.sh("ping -c 2 -s 1472 %s" % VX_IP, timeout=40)
    tap.check("probes: 1500-byte datagrams (one full frame) both ways",
              has(out, r"^2 packets transmitted, 2 packets received"), out)
    out = lx.sh("ping -c 2 -s 4000 %s" % VX_IP, timeout=40)
    tap.check("probes: 4008-byte echoes, fragmented by Linux and by netd",
              has(out, r"^4008 bytes from 10\.8\.0\.2")
              and has(out, r"^2 packets transmitted, 2 packets received"), out)
    out = lx.sh("ping -c 1 -s 65507 %s" % VX_IP, timeout=40)
    tap.check("probes: the largest datagram (65535 bytes, 45 fragments) both ways",
              has(out, r"^65515 bytes from 10\.8\.0\.2")
              and has(out, r"^1 packets transmitted, 1 packets received"), out)
    out = lx.sh("ping -A -q -c 100 -s 1400 %s" % VX_IP, timeout=120)
    tap.check("probes: 100 echoes back to back (ping -A), none lost",
              has(out, r"^100 packets transmitted, 100 packets received, 0% packet loss"), out)
    after = vx.command("net")
    d = {k: v - before.get(k, 0) for k, v in counters(after).items()}
    # 4008 bytes of ICMP are 3 fragments, 65515 are 45: 2 * 3 + 45 each way.
    tap.check("probes: netd reassembled 3 datagrams and sent 51 fragments, 105 echoes answered",
              d.get("FRAG_REASSEMBLED") == 3 and d.get("FRAG_IN") == 51
              and d.get("IP_FRAGS_OUT") == 51 and d.get("ICMP_ECHO_IN") == 105, after)

    out = lx.sh("nc -w 5 %s 80 </dev/null; echo rc=$?" % VX_IP, timeout=30)
    tap.check("probes: a SYN to a closed TCP port is refused (netd's TCP resets it)",
              has(out, r"Connection refused") and has(out, r"^rc=1$"), out)
    # traceroute's UDP probe reaches VectraOS at the first hop, whose port
    # unreachable ends the trace there.
    before = counters(after)
    out = lx.sh("traceroute -n -q 1 -w 2 -m 3 %s" % VX_IP, timeout=30)
    after = vx.command("net")
    d = {k: v - before.get(k, 0) for k, v in counters(after).items()}
    tap.check("probes: UDP to a closed port gets port unreachable (traceroute stops at hop 1)",
              has(out, r"^ 1  10\.8\.0\.2  ") and not has(out, r"^ 2 ")
              and d.get("UDP_NO_PORT", 0) >= 1 and d.get("ICMP_ERR_OUT", 0) >= 1, out + after)
    out = lx.sh("arping -D -c 2 -I eth0 %s; echo rc=$?" % VX_IP, timeout=30)
    tap.check("probes: Linux's duplicate address probe (from 0.0.0.0) finds 10.8.0.2 taken",
              has(out, r"reply from 10\.8\.0\.2 \[%s\]" % VX_MAC) and has(out, r"^rc=1$"), out)
    # Linux moves to another MAC and says so (unsolicited ARP): netd's
    # cache follows, and its pings reach the new MAC.  Then back.
    moved = "52:54:00:00:08:99"
    out = lx.sh("ip link set eth0 address %s && arping -U -c 1 -I eth0 %s; echo rc=$?"
                % (moved, LINUX_IP), timeout=30)
    net = vx.command("net")
    ping = vx.command("ping %s 2" % LINUX_IP, timeout=40)
    tap.check("probes: Linux takes a new MAC and announces it; netd's ARP cache follows",
              has(out, r"^rc=0$") and has(net, r"^  10\.8\.0\.1  %s  " % moved)
              and has(net, r"ARP_GRATUITOUS +1\b") and has(ping, r"^2 sent, 2 received"),
              out + net + ping)
    lx.sh("ip link set eth0 address %s && arping -U -c 1 -I eth0 %s" % (LINUX_MAC, LINUX_IP))


def tcp_socktest(tap, lx, port):
    """TCP both ways through netd's sockets, with socktest (tests/hostile/
    sock.c, as sock_test.py runs it) as VectraOS's end: a second VectraOS
    boot, linuxpeer-sock.img, on the same link (the Linux peer's QEMU
    takes the new connection).  socktest's echo server is 10.0.2.100:7:
    the peer takes that address too and runs busybox's echo there
    (nc -ll -e cat); then the peer connects to socktest's listener on
    10.0.2.15:7000 with MIB MiB, which must come back byte for byte."""
    lx.sh("ip addr add 10.0.2.100/24 dev eth0; nc -ll -p 7 -e /bin/cat & " + listening(7))
    lx.sh("dd if=/dev/urandom of=/tmp/back bs=1M count=%d 2>/dev/null" % MIB, timeout=60 + 2 * MIB)
    vx = VTerm(B, image="linuxpeer-sock.img", extra=DEVICES + [
        "-netdev", "stream,id=n0,server=off,addr.type=inet,addr.host=127.0.0.1,addr.port=%d" % port,
        "-device", CARD] + capture(B, "linuxpeer-sock"))
    try:
        seen(vx, r"^socktest: echo: (\d+ bytes|connect): ", 180)
        tap.check("tcp: VectraOS -> Linux: 256 KiB through busybox's echo and back, hashed by "
                  "socktest, then the end of stream both ways",
                  has(vx.text(), r"^socktest: echo: 262144 bytes: VX_OK"), vx.text()[-1500:])
        seen(vx, r"^socktest: listen: 7000: ", 30)
        out = lx.sh("time nc 10.0.2.15 7000 </tmp/back | sha256sum; sha256sum </tmp/back",
                    timeout=60 + 10 * MIB)
        seen(vx, r"^socktest: listen: echoed ", 60)
        sums = re.findall(r"^([0-9a-f]{64})  -$", out, re.M)
        tap.check("tcp: Linux -> VectraOS: %d MiB to socktest's listener and back, SHA-256 "
                  "compared by Linux" % MIB,
                  len(sums) == 2 and sums[0] == sums[1]
                  and has(vx.text(), r"^socktest: listen: accepted 10\.0\.2\.100$")
                  and has(vx.text(), r"^socktest: listen: echoed %d bytes, then end of stream"
                          % (MIB << 20)), out + vx.text()[-1500:])
    finally:
        vx.close()
        with open(os.path.join(B, "test-logs", "linuxpeer-socktest.log"), "w") as f:
            f.write(vx.text())


def skip_sockets(tap, why):
    for case in ("tcp: Linux nc -l <- VectraOS nc", "tcp: VectraOS nc -l <- Linux nc",
                 "http: Linux httpd <- VectraOS get", "http: VectraOS serve <- Linux wget",
                 "http: %d MiB both ways, SHA-256 compared" % MIB):
        # TAP's SKIP directive: counted as run, not as a failure.
        tap.n += 1
        print("ok %d - %s: %s # SKIP %s" % (tap.n, tap.prefix, case, why), flush=True)


def tcp_both_ways(tap, vx, lx):
    # Linux listens (in the background: its shell stays free), VectraOS
    # connects, sends a line and ends its side; Linux's nc then sees the
    # end of the stream and exits, which closes the connection.
    lx.sh("nc -l -p 7000 >/tmp/from-vectra & " + listening(7000))
    vx.send("nc %s 7000\r" % LINUX_IP)
    vx.expect(r"nc: connected to 10\.8\.0\.1:7000", 30)
    start = len(vx.buf)
    # A person's pace: the line, its echo, then Ctrl-D on its own.
    vx.send("hello linux, from vectra\r")
    vx.expect(r"hello linux, from vectra\r?\n", 30)
    vx.send("\x04")
    vx.expect(r"nc: the peer closed", 60)
    vx.expect(r"vshell> ", 20)
    got = lx.sh("sleep 1; cat /tmp/from-vectra; jobs")
    tap.check("tcp: Linux nc -l <- VectraOS nc: the line arrived, both ends closed",
              has(got, r"^hello linux, from vectra$") and not has(got, r"Running"),
              got + vx.text(start))

    # VectraOS listens; Linux's nc sends a line and closes.
    vx.send("nc -l 7001\r")
    vx.expect(r"nc: listening on port 7001", 30)
    out = lx.sh("echo 'hello vectra, from linux' | timeout 60 nc %s 7001; echo rc=$?" % VX_IP,
                timeout=90)
    vx.expect(r"nc: the peer closed", 60)
    vx.expect(r"vshell> ", 20)
    screen = vx.text()[-2000:]
    tap.check("tcp: VectraOS nc -l <- Linux nc: the line arrived, both ends closed",
              has(out, r"^rc=0$") and has(screen, r"nc: connection from 10\.8\.0\.1:\d+")
              and has(screen, r"^hello vectra, from linux$"), out + screen)


def http_both_ways(tap, vx, lx):
    big, dest = "blob", "HOME:blob"
    # Linux's side: a page and the random bytes, served by busybox httpd.
    lx.sh("echo 'hello from linux' >/www/index.html")
    out = lx.sh("dd if=/dev/urandom of=/www/%s bs=1M count=%d 2>/dev/null; sha256sum /www/%s"
                % (big, MIB, big), timeout=60 + 2 * MIB)
    m = re.search(r"^([0-9a-f]{64})  /www/", out, re.M)
    want = m.group(1) if m else None
    lx.sh("httpd -p 80 -h /www; " + listening(80))

    out = vx.command("get http://%s/ index.html" % LINUX_IP, timeout=60)
    page = vx.command("cat index.html")
    out404 = vx.command("get http://%s/nothing-here" % LINUX_IP, timeout=60)
    tap.check("http: Linux httpd <- VectraOS get: the page, and a 404 that writes no file",
              has(out, r"^get: 200 ") and has(page, r"^hello from linux$")
              and has(out404, r"^get: 404 .*no file written"), out + page + out404)

    bound = 60 + 10 * MIB
    out = vx.command("get http://%s/%s %s" % (LINUX_IP, big, dest), timeout=bound)
    got = vx.command("sum %s" % dest, timeout=bound)
    m = re.search(r"^([0-9a-f]{64})  ", got, re.M)
    ok_in = want is not None and m is not None and m.group(1) == want and \
        has(out, r"^get: 200 .*\(%d bytes\)" % (MIB << 20))

    # VectraOS's side: serve the folder with the bytes, and a page.
    vx.command("echo hello from vectra > HOME:hello.txt")
    vx.send("serve HOME: 8080\r")
    vx.expect(r"serve: .* on port 8080", 30)
    page = lx.sh("wget -q -O - http://%s:8080/hello.txt; echo rc=$?" % VX_IP, timeout=90)
    out404 = lx.sh("wget -q -O - http://%s:8080/nothing-here; echo rc=$?" % VX_IP, timeout=90)
    tap.check("http: VectraOS serve <- Linux wget: the page, and a 404",
              has(page, r"^hello from vectra$") and has(page, r"^rc=0$")
              and has(out404, r"404 Not Found") and has(out404, r"^rc=1$"), page + out404)
    back = lx.sh("wget -q -O - http://%s:8080/%s | sha256sum" % (VX_IP, big), timeout=bound)
    m2 = re.search(r"^([0-9a-f]{64})  -", back, re.M)
    vx.send("\x03")
    vx.expect(r"vshell> ", 30)
    tap.check("http: %d MiB both ways, SHA-256 compared" % MIB,
              ok_in and m2 is not None and m2.group(1) == want,
              "Linux's file: %s\nVectraOS's get and sum:\n%s%s\nLinux's wget from serve:\n%s"
              % (want, out, got, back))


def main():
    tap = Tap("linuxpeer")
    kernel = build_peer(tap)
    if kernel is None:
        return 1
    disk = []
    if SOCKETS:
        r = subprocess.run(["bash", "tools/mkdisk.sh", os.path.abspath(DISK), "256"], cwd=ROOT,
                           env=dict(os.environ,
                                    KEEP=os.path.abspath(os.path.join(B, "host/tools/keep"))),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        tap.check("http: a disk for the %d MiB file" % MIB, r.returncode == 0,
                  r.stdout.decode("utf-8", "replace"))
        if r.returncode != 0:
            return 1
        disk = DISK_FLAGS
    # The link: a listening socket on 127.0.0.1, handed to the Linux
    # peer's QEMU; VectraOS's QEMU connects to its port.  Nothing else can
    # take the port between the two, as the socket is bound all along.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # QEMU 7.2 sets TCP_NODELAY on a stream link it connects, not on one it
    # accepts: the accepted socket inherits it from here (bench/net/listen.py).
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    os.set_inheritable(listener.fileno(), True)
    lx = LinuxTerm(kernel, os.path.join(B, "linux", "peer.cpio"), listener.fileno())
    listener.close()
    vx = VTerm(B, image="linuxpeer.img", extra=DEVICES + [
        "-netdev", "stream,id=n0,server=off,addr.type=inet,addr.host=127.0.0.1,addr.port=%d" % port,
        "-device", CARD] + disk + capture(B, "linuxpeer"))
    try:
        lx.expect(r"linuxpeer: eth0 %s 10\.8\.0\.1/24 up" % LINUX_MAC, 180)
        tap.check("boot: Linux loaded virtio-net and configured eth0 10.8.0.1/24", True)
        lx.expect(re.escape(PROMPT), 60)
        tap.check("boot: Linux's card does DMA through the VT-d IOMMU, as VectraOS's does",
                  has(lx.text(), r"^linuxpeer: iommu: eth0 \(\S+\) in group \d+, domain DMA"),
                  lx.text())
        vx.expect(r"vshell> ", 180)
        seen(vx, r"^netd: static address 10\.8\.0\.2: ", 60)
        tap.check("boot: netd took its fixed address 10.8.0.2",
                  has(vx.text(), r"^netd: static address 10\.8\.0\.2: (VX_)?OK"), vx.text()[-1500:])
        ping_both_ways(tap, vx, lx)
        linux_probes(tap, vx, lx)
        if not SOCKETS:
            skip_sockets(tap, "LINUXPEER_SOCKETS=0 leaves out the shell's nc, get and serve")
        else:
            cmds = vx.command("help")
            missing = [c for c in ("nc", "get", "serve") if not has(cmds, r"^ *%s\b" % c)]
            if missing:
                tap.check("tcp, http: the shell has nc, get and serve", False,
                          "help lists no %s" % ", ".join(missing))
            else:
                tcp_both_ways(tap, vx, lx)
                http_both_ways(tap, vx, lx)
        vx.close()
        tcp_socktest(tap, lx, port)
    except Timeout as e:
        tap.check("the session ran to the end", False, str(e))
    finally:
        vx.close()
        lx.close()
        logs = os.path.join(B, "test-logs")
        os.makedirs(logs, exist_ok=True)
        for name, term in (("linuxpeer-vectra.log", vx), ("linuxpeer-linux.log", lx)):
            with open(os.path.join(logs, name), "w") as f:
                f.write(term.text())
        if disk:
            os.remove(DISK)
    return 1 if tap.failed else 0


sys.exit(main())
