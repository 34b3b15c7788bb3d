# SPDX-License-Identifier: BSD-3-Clause
"""make run, the README's command that boots VectraOS, the way a person
meets it: it boots to the shell with its disk and network card attached,
the shell answers, and Ctrl-A x (QEMU's monitor on the same line) ends it
with make's status 0.  The disk is a fresh one in test-logs (DISK=), so a
person's build/disk.img is never touched.  (make run once attached a
drive with an empty file name, and QEMU refused to start: nothing ran
make run itself.)"""
import os
import subprocess
import sys

from vterm import Tap, Timeout, VTerm, has

B = os.environ.get("B", "build")
disk = os.path.join(B, "test-logs", "make-run-disk.img")
if os.path.exists(disk):
    os.unlink(disk)
t = Tap("make run")
# The line make run would run with its own default disk (nothing is made
# or started: -n).  A DISK= on the command line, as below, would hide a
# default that comes too late for the flags that name it.
dry = subprocess.run(["make", "--no-print-directory", "-n", "B=" + B, "run"],
                     capture_output=True, text=True).stdout
t.check("its QEMU line attaches the default disk, %s/disk.img" % B,
        "-drive file=%s/disk.img," % B in dry, dry[-600:])
vt = VTerm(B, cmd=["make", "--no-print-directory", "-s", "B=" + B, "DISK=" + disk, "run"])
try:
    try:
        vt.expect(r"vshell> ", 180)
        t.check("boots to the shell's prompt", True)
    except Timeout as e:
        t.check("boots to the shell's prompt", False, e)
        raise
    for name, pattern in (("the disk is attached and HOME: mounted", r"vfsd: HOME: mounted disk0p1"),
                          ("the network card is attached", r"netd: card [0-9a-f:]+, link up")):
        try:
            vt.pos = 0
            vt.expect(pattern, 60)
            t.check(name, True)
        except Timeout as e:
            t.check(name, False, e)
    out = vt.command("ps")
    t.check("ps shows the shell running and the CPU it is on", has(out, r"^vshell\s+running\s+\d"), out)
    out = vt.command("echo typed-into-make-run")
    t.check("the shell answers", has(out, r"^typed-into-make-run$"), out)
    out = vt.command("df")
    t.check("df lists HOME: on the disk", has(out, r"^HOME:\s+Keep\s+disk0p1"), out)
    vt.send(b"\x01x")
    try:
        status = vt.proc.wait(timeout=30)
    except Exception as e:  # subprocess.TimeoutExpired
        status = e
    t.check("Ctrl-A x ends it, and make says 0", status == 0, "make's status: %s" % status)
    t.check("the disk was made where DISK= said", os.path.getsize(disk) > 0 if os.path.exists(disk) else False)
except Timeout:
    pass
finally:
    vt.close()
print("# %d passed, %d failed" % (t.n - t.failed, t.failed))
sys.exit(1 if t.failed else 0)
