# SPDX-License-Identifier: BSD-3-Clause
"""The services' protocol fuzzer (tests/svcfuzz/main.c): boots svcfuzz.img,
whose svcfuzz sends its seed's requests (mk/images.mk: SVCFUZZ_SEED,
SVCFUZZ_COUNT) to every service the shell has, then checks that

  - it finished, and every service still answered an unknown op with
    VX_E_NOSYS after every round of 400 requests;
  - init restarted nothing: no service faulted or exited, ps shows each
    running with no restart (but rtcd, crashed on purpose below);
  - init's own handle table kept room at every round's end, and while
    svcfuzz hogs every INIT_PAIR pair init will give it, init still keeps
    INIT_HANDLES_KEPT (8) of its handles free, makes a connection for a
    program the shell runs and restarts a crashed service;
  - a second run (start svcfuzz) leaves init's handles, connections and
    socket pairs exactly as the first left them: nothing leaks per run;
  - the shell still gets every service's work done;
  - the kernel never panicked.

A failure repeats with make fuzz-services SVCFUZZ_SEED=... (the seed is in
the log's first svcfuzz line); svcfuzz's last line for a silent service
names the last request it sent there.
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vterm import has, run_session  # noqa: E402

PROMPT = "vshell> "
SERVICES = ("console", "init", "fs", "ns", "rng", "rtc", "pkg", "identity", "devices", "net",
            "dns", "linux")
TIMEOUT = float(os.environ.get("SVCFUZZ_TIMEOUT", "300"))
B = os.environ.get("B", "build")
HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    # make run's disk, made afresh (HOME: on Keep, EXT: on FAT32), behind the
    # IOMMU, and a virtio-rng: vfsd's mounted roots, devd's drivers and
    # rngd's device source get the requests too.  No network card.
    disk = os.path.join(B, "test-logs", "svcfuzz-disk.img")
    if os.path.exists(disk):
        os.unlink(disk)
    subprocess.run(["bash", os.path.join(HERE, "..", "..", "tools", "mkdisk.sh"), disk],
                   env=dict(os.environ, KEEP=os.path.join(B, "host", "tools", "keep")),
                   check=True, capture_output=True)
    extra = ["-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off",
             "-device", "intel-iommu",
             "-device", "pcie-root-port,id=rp1,chassis=1,slot=1",
             "-device", "virtio-rng-pci,bus=rp1,iommu_platform=on",
             "-device", "pcie-root-port,id=rp2,chassis=2,slot=2",
             "-drive", "file=%s,if=none,id=d1,format=raw" % disk,
             "-device", "virtio-blk-pci,bus=rp2,drive=d1,iommu_platform=on"]
    return run_session("svcfuzz", run, image="svcfuzz.img", extra=extra)


def init_figures(mem):
    """init's own counts from the shell's mem: connections, socket pairs
    and init's handles in use."""
    return re.findall(r"^(?:connections|socket Ring pairs|init's handles): (\d+) of",
                      mem, re.M)


def settled_figures(t):
    """init's figures once they stop moving: a dynamic connection whose
    asker is gone returns to init's pool only when its server has let go
    of it too, which takes a few of init's 10 ms rounds.  Read until two
    readings half a second apart agree (at most 20: a bound, not a
    measure)."""
    last = None
    for _ in range(20):
        figures = init_figures(t.command("mem", timeout=30))
        if figures == last:
            return figures
        last = figures
        time.sleep(0.5)
    return last


def one_run(t, tap, which, start):
    """Waits for a run's last line; checks its report from start on."""
    t.expect(r"svcfuzz: done: [^\n]*\n", timeout=TIMEOUT)
    log = t.text(start)
    # Not anchored at a line's start: the shell's prompt may come first.
    m = re.search(r"svcfuzz: seed (\w+), (\d+) requests to 12 services$", log, re.M)
    done = re.search(r"svcfuzz: done: (\d+) requests, (\d+) services went silent$", log, re.M)
    tap.check("%s: every request sent (seed %s)" % (which, m.group(1) if m else "?"),
              m is not None and done is not None and done.group(1) == m.group(2), log[-3000:])
    tap.check("%s: every service answered after every round (none went silent)" % which,
              done is not None and done.group(2) == "0"
              and "went silent by" not in log and "stayed away" not in log, log[-3000:])
    for s in SERVICES:
        r = re.search(r"svcfuzz: %s: (\d+) requests" % s, log)
        tap.check("%s: %s was sent requests" % (which, s),
                  r is not None and int(r.group(1)) > 0, log[-3000:])
    bad = [b for b in re.findall(r"init: (?!svcfuzz)\S+ (?:stopped by|exited)[^\n]*"
                                 r"|init: restarting [^\n]*", log)
           if not b.startswith(("init: rtcd stopped by a page fault at address 0x0 ",
                                "init: restarting rtcd in 10 ms (restart 1)"))]
    tap.check("%s: no service faulted, exited or was restarted" % which, not bad,
              "\n".join(bad) or log[-2000:])
    h = re.search(r"svcfuzz: init's handles: at most (\d+) of (\d+) in use", log)
    tap.check("%s: init kept 4 handles free at every round's end" % which,
              h is not None and int(h.group(2)) - int(h.group(1)) >= 4, h and h.group(0))


def as_text(b):
    """A match group of the screen (str) or of the raw buffer (bytes)."""
    return b.decode() if isinstance(b, bytes) else b


def hogged(t, tap):
    """While svcfuzz holds every pair init gives it: init's room, a
    connection for a program, a restart; then svcfuzz is let go."""
    hog = t.expect(r"svcfuzz: hog: holding (\d+) pairs, then (\w+); "
                   r"init's handles: (\d+) of (\d+) in use", timeout=TIMEOUT)
    got, then, used, most = int(hog.group(1)), hog.group(2).decode(), int(hog.group(3)), \
        int(hog.group(4))
    t.command("", timeout=60)  # the prompt came before svcfuzz's lines, or among them
    # The rounds before may hold pairs already: the hog takes the rest.
    tap.check("hog: init gives pairs until it would keep fewer than 8 handles free "
              "(%d more, then %s, %d of %d handles in use)" % (got, then, used, most),
              then == "VX_E_NOMEM" and most - used >= 8, hog.group(0))
    pattern = r"svcfuzz: hog: (\d+) connections never bound, then (\w+)"
    full = re.search(pattern, t.text()) or t.expect(pattern, timeout=60)
    # The pool may be full for a while: init takes back a connection
    # nobody bound 5 s after it made it.  Asked again each second, at most
    # 30 times (a bound, not a measure).
    for _ in range(30):
        out = t.command("mem", timeout=60) + t.command("run hello with console=console",
                                                       timeout=60)
        if has(out, r"^hello exited with code 0$"):
            break
        time.sleep(1)
    tap.check("hog: init takes back the connections nobody bound, and makes one for a "
              "program the shell runs (%s connections, then %s)"
              % (as_text(full.group(1)), as_text(full.group(2))),
              as_text(full.group(2)) == "VX_E_FULL" and has(out, r"^hello exited with code 0$"),
              out)
    start = len(t.buf)
    t.command("crash rtcd", timeout=30)
    out = t.command("date", timeout=60)  # rtcd's new life answers
    tap.check("hog: init still restarts a crashed service (rtcd), which answers",
              has(t.text(start), r"init: restarting rtcd") and
              has(out, r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$"), t.text(start))
    t.command("echo go > svcfuzz-go", timeout=30)


def run(t, tap):
    start = 0
    hogged(t, tap)
    one_run(t, tap, "first run", start)
    t.command("", timeout=60)
    ps = t.command("ps", timeout=30)
    rows = {m.group(1): m for m in re.finditer(r"^(\S+)\s+(\w+)\s+\d+\s+(\d+)\s", ps, re.M)}
    for s in ("uartd", "vfsd", "nsd", "rngd", "rtcd", "devd", "netd", "dnsd", "identityd",
              "vpkg", "linuxd", "vshell"):
        r = rows.get(s)
        want = "1" if s == "rtcd" else "0"
        tap.check("ps: %s is running and was restarted %s times" % (s, want),
                  r is not None and r.group(2) == "running" and r.group(3) == want, ps)
    mem1 = settled_figures(t)

    # The first run has exited before it is started again (its line may
    # have come before the prompts above, or not yet).
    if not re.search(r"init: svcfuzz exited with code 0", t.text()):
        t.expect(r"init: svcfuzz exited with code 0", timeout=60)
    start = len(t.buf)
    t.command("start svcfuzz", timeout=30)
    one_run(t, tap, "second run", start)
    t.expect(r"init: svcfuzz exited with code 0", timeout=60)
    mem2 = settled_figures(t)
    # init keeps the Rings of a pair it made (two handles) for the next
    # asker; each run's hog makes pairs until 8 or 9 handles are left, so
    # the second run may have made one pair more than the first.
    tap.check("init's connections and socket pairs are what the first run left, its "
              "handles too (or two more: one more pair kept made)",
              mem1 is not None and len(mem1) == 3 and mem2 is not None and len(mem2) == 3
              and mem1[:2] == mem2[:2] and 0 <= int(mem2[2]) - int(mem1[2]) <= 2,
              "after the first run %s, after the second %s" % (mem1, mem2))

    # Every service still does its work for the shell.
    for line, pattern, what in (
            ("ls SYS:", r"^\s*dir .*bin/$", "vfsd lists SYS:"),
            ("cat SYS:etc/hosts", r"localhost", "vfsd reads a file (nsd found SYS:)"),
            ("random 8", r"^[0-9a-f]{16}$", "rngd gives random bytes"),
            ("date", r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$", "rtcd tells the date"),
            ("pkgs", r"demo", "vpkg lists its packages"),
            ("devices", r"^\d+ PCI functions$", "devd lists the PCI functions"),
            ("dns", r"cache", "dnsd reports"),
            ("net", r"card|no network", "netd reports"),
            ("linux echo still here", r"^still here$", "linuxd runs a program"),
            ("df", r"^HOME:\s+Keep\s", "vfsd still has HOME: mounted"),
            ("echo kept > HOME:after.txt", None, None),
            ("cat HOME:after.txt", r"^kept$", "vfsd writes and reads back a file on HOME:"),
            ("echo after > RAM:after.txt", None, None),
            ("cat RAM:after.txt", r"^after$", "vfsd writes and reads back a file")):
        out = t.command(line, timeout=60)
        if pattern:
            tap.check("after the fuzzing, %s (%s)" % (what, line), has(out, pattern), out)
    tap.check("no kernel panic", "kernel panic" not in t.text(), t.text()[-1500:])


if __name__ == "__main__":
    sys.exit(main())
