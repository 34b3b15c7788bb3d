# SPDX-License-Identifier: BSD-3-Clause
"""All of RAM (issue 9): init carves its Reticles from every boot RAM
Reticle, not ram0 alone.

Boots the normal image with 6 GiB of RAM of which QEMU puts only 128 MiB
below 4 GiB (max-ram-below-4g): ram0 is then about 104 MiB, too small for
everything the manifest asks (linuxd alone wants 132 MiB), and ram1 is the
6 GiB less that, from 4 GiB up.  Before, init stopped with "not enough
memory for linuxd"; now it must take linuxd's Reticle from ram1, say where
it put it, and everything must come up and work from there.  The choice
itself is host-tested in tests/host/test_ram.c.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vterm import Tap, Timeout, VTerm, has  # noqa: E402

PROMPT = "vshell> "
GIB = 1 << 30
# Later -m and -machine options override vterm's 512M and plain q35.
EXTRA = ("-m", "6G", "-machine", "q35,max-ram-below-4g=128M")


def run(t, tap):
    t.expect(re.escape(PROMPT), timeout=60)
    tap.check("boots to the vshell prompt with a 104 MiB ram0", True)
    boot = t.text()

    tap.check("init is given ram0 and ram1",
              has(boot, r"^init: hello\. .* ram0 ram1 "), boot)
    m = re.search(r"^init: RAM: ram0 (\d+) MiB ram1 (\d+) MiB; (\d+) MiB free in all$", boot, re.M)
    tap.check("init's boot line counts every RAM Reticle, above 4 GiB too",
              m is not None and int(m.group(1)) < 128 and int(m.group(3)) > 4096
              and int(m.group(3)) == int(m.group(1)) + int(m.group(2)), boot)
    m = re.search(r"^init: linuxd's Reticle \((\d+) KiB\) comes from ram1, at 0x([0-9a-f]+): "
                  r"ram0 has (\d+) KiB free$", boot, re.M)
    tap.check("linuxd's Reticle, which ram0 cannot hold, comes from above 4 GiB",
              m is not None and int(m.group(2), 16) >= 4 * GIB
              and int(m.group(3)) < int(m.group(1)), boot)
    tap.check("the small services stay in ram0",
              not has(boot, r"^init: (uartd|vfsd|nsd|rngd|vshell)'s Reticle .* comes from"), boot)
    tap.check("init starts every service", "not enough memory" not in boot
              and has(boot, r"^init: starting vshell "), boot)

    out = t.command("ps")
    tap.check("ps: linuxd runs", has(out, r"^linuxd\s+running"), out)
    out = t.command("linux busybox echo hello from above 4 GiB", timeout=60)
    tap.check("a Linux program runs in linuxd's memory above 4 GiB",
              has(out, r"^hello from above 4 GiB$"), out)
    out = t.command("mem")
    m = re.search(r"^RAM:  ([\d.]+) GiB, ", out, re.M)
    tap.check("the shell's mem counts the RAM above 4 GiB", m is not None and float(m.group(1)) > 4,
              out)
    tap.check("no kernel panic", "kernel panic" not in t.text(), t.text()[-800:])


def main():
    build = os.environ.get("B", "build")
    tap = Tap("ram")
    term = VTerm(build, extra=EXTRA)
    try:
        run(term, tap)
    except Timeout as e:
        tap.check("the session ran to the end", False, str(e))
    finally:
        term.close()
    with open(os.path.join(build, "test-logs", "ram.serial"), "w") as f:
        f.write(term.text())
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
