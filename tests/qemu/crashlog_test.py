# SPDX-License-Identifier: BSD-3-Clause
"""Crash consistency of HOME: on a real guest, exhaustively (docs/FS.md).

A VectraOS guest runs an ALICE/CrashMonkey-style workload on a whole-disk
Keep volume through the shell, while QEMU's blklogwrites driver logs every
write and flush the disk sees, in completion order, in the dm-log-writes
format.  Then tests/crashlog/replay builds every state a power cut could
leave (at every flush; between two flushes, every single write and random
subsets, since a volatile cache may reorder them), mounts each as Keep
mounts at boot, checks it with Keep's own fsck, and lists its files.

The pass rule is strict: every state must mount and check with zero
violations, with no repair by fsck, and hold exactly the files of a state
the workload reached, with the flush points never going back; and the last
flush must hold everything.  vfsd commits on sync and also two seconds
after a change, so any state between two requests may be committed: each
shell command is a step, and the two that take several requests count
their states on the way too ("echo X > F" empties F before it writes; cp
writes 64 KiB at a time, so its file may hold any prefix).  Every state
counted.

QEMU 7.2's blklogwrites, as the issue records: completion order; a FUA
write is a write entry then a flush entry; one extra flush at exit; it can
corrupt its own log when a write-zeroes request completes while another
entry is placed, so the disk has write-zeroes=off (and detect-zeroes is
left off); log-super-update-interval=1 and an empty log to start.
"""
import hashlib
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from vterm import Tap, Timeout, VTerm, has  # noqa: E402
from devices_test import seen  # noqa: E402

B = os.environ.get("B", "build")
WORK = os.path.abspath(os.path.join(B, "test-logs", "crashlog"))
KEEP = os.path.join(B, "host", "tools", "keep")
REPLAY = os.path.join(B, "host", "tests", "crashlog", "replay")

# The workload: (shell command, model step).  The model is {path: bytes}
# for files and {path: None} for directories, paths as replay lists them.
STEPS = [
    ("echo one > HOME:a", ("write", "/a", b"one\n")),
    ("sync", None),
    # rename over an existing file, then sync
    ("echo two > HOME:b", ("write", "/b", b"two\n")),
    ("mv HOME:b HOME:a", ("mv", "/b", "/a")),
    ("sync", None),
    # write and append
    ("echo first > HOME:log", ("write", "/log", b"first\n")),
    ("echo second >> HOME:log", ("append", "/log", b"second\n")),
    ("sync", None),
    # a directory and a file in it, then sync
    ("mkdir HOME:d", ("mkdir", "/d", None)),
    ("echo three > HOME:d/c", ("write", "/d/c", b"three\n")),
    ("sync", None),
    # delete, then sync
    ("rm HOME:a", ("rm", "/a", None)),
    ("sync", None),
    # many small files, one sync
] + [("echo f%d > HOME:d/f%d" % (i, i), ("write", "/d/f%d" % i, b"f%d\n" % i)) for i in range(8)] + [
    ("sync", None),
    # a larger file across the cache (copied in 64 KiB requests), then sync
    ("cp HOME:big HOME:d/big2", ("cp", "/big", "/d/big2")),
    ("sync", None),
]
BIG = hashlib.shake_256(b"crashlog").digest(2 << 20)


def model_states():
    """The model after each step, and the states a step passes through on
    its way, which vfsd's two-second commit may catch and make durable:
    "echo X > F" is a truncate (or create) and then a write, so F empty;
    cp is 64 KiB writes, so any 4 KiB-multiple prefix of its file.  Returns
    (states, between): between[k] lists the models inside step k."""
    m = {"/big": BIG}
    states, between = [dict(m)], [[]]
    for _, step in STEPS:
        if step is None:
            continue
        op, a, b = step
        inside = []
        if op == "write":
            inside.append(dict(m, **{a: b""}))
            m[a] = b
        elif op == "append":
            m[a] = m.get(a, b"") + b
        elif op == "mv":
            m[b] = m.pop(a)
        elif op == "mkdir":
            m[a] = None
        elif op == "rm":
            del m[a]
        elif op == "cp":
            for n in range(0, len(m[a]), 4096):
                inside.append(dict(m, **{b: m[a][:n]}))
            m[b] = m[a]
        states.append(dict(m))
        between.append(inside)
    return states, between


def key(m):
    """A model state as (path, kind, size, content) tuples, sorted."""
    out = []
    for p, v in m.items():
        out.append((p, "dir") if v is None else (p, "file", len(v), hashlib.sha256(v).hexdigest()))
    return tuple(sorted(out))


def main():
    tap = Tap("crashlog")
    os.makedirs(WORK, exist_ok=True)
    img, base, log = (os.path.join(WORK, n) for n in ("disk.img", "base.img", "writes.log"))
    for p in (img, log):
        if os.path.exists(p):
            os.unlink(p)
    subprocess.run([KEEP, "mkfs", img, "48M", "home"], check=True, capture_output=True)
    big = os.path.join(WORK, "big")
    with open(big, "wb") as f:
        f.write(BIG)
    subprocess.run([KEEP, "put", img, big, "big"], check=True, capture_output=True)
    with open(img, "rb") as src, open(base, "wb") as dst:
        dst.write(src.read())
    open(log, "wb").close()
    drive = ("driver=blklogwrites,file.driver=file,file.filename=%s,log.driver=file,"
             "log.filename=%s,log-super-update-interval=1,if=none,id=d0" % (img, log))
    term = VTerm(B, image="boot.img", extra=[
        "-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off", "-device", "intel-iommu",
        "-drive", drive,
        "-device", "virtio-blk-pci,drive=d0,iommu_platform=on,disable-legacy=on,write-zeroes=off"])
    try:
        term.expect(r"vshell> ", 60)
        seen(term, r"vfsd: HOME: mounted disk0 \(Keep\)", 30)
        for cmd, _ in STEPS:
            out = term.command(cmd, timeout=120)
            if cmd == "sync" and "on disk" not in out:
                raise Timeout("sync failed: %s" % out)
        tap.check("the workload ran on HOME: under blklogwrites",
                  not has(term.text(), r"stopped by|kernel panic"), term.text()[-800:])
    except Timeout as e:
        tap.check("the workload ran to the end", False, str(e))
    finally:
        term.close()
        with open(os.path.join(B, "test-logs", "crashlog.serial"), "w") as f:
            f.write(term.text())
    r = subprocess.run([REPLAY, base, log, "8"], capture_output=True, text=True)
    tap.check("the replayer read the guest's log", r.returncode == 0, r.stderr[-800:])
    listings = {}
    for m in re.finditer(r"^file (\S+) (\S+) (file|dir) (\d+) (\S+)$", r.stdout, re.M):
        sig, path, kind, size, digest = m.groups()
        listings.setdefault(sig, set()).add((path, kind) if kind == "dir" else
                                            (path, kind, int(size), digest))
    states = re.findall(r"^state (\d+) at=(\w+) (.*)$", r.stdout, re.M)
    total = re.search(r"^states (\d+)$", r.stdout, re.M)
    models, between = model_states()

    def shape(mm):
        return frozenset((t[0], t[1]) if t[1] == "dir" else (t[0], t[1], t[2], t[3][:12])
                         for t in key(mm))
    # Each reachable state and its place: step k, or "inside step k" (k - 0.5).
    shapes = {}
    for k, mm in enumerate(models):
        shapes.setdefault(shape(mm), []).append(float(k))
        for inner in between[k]:
            shapes.setdefault(shape(inner), []).append(k - 0.5)
    bad, back, last = [], [], -1
    for n, at, rest in states:
        m = re.match(r"violations=0 signature=(\S+)$", rest)
        if not m:
            bad.append("state %s (%s): %s" % (n, at, rest))
            continue
        got_shape = frozenset(listings.get(m.group(1), set()))
        steps = shapes.get(got_shape, [])
        if not steps:
            bad.append("state %s (%s): files %s are no state the workload reached"
                       % (n, at, sorted(got_shape)))
            continue
        if at == "flush":
            if max(steps) < last:
                back.append("state %s: step %d after step %d" % (n, max(steps), last))
            last = max(last, max(steps))
    count = int(total.group(1)) if total else 0
    print("# crash states checked: %d" % count)
    tap.check("every crash state mounts, checks clean and is a state the workload reached "
              "(%d states)" % count, count > 50 and not bad, "\n".join(bad[:20]))
    tap.check("the flush points never go back to an earlier state", not back, "\n".join(back[:10]))
    tap.check("the last flush holds every step", last == len(models) - 1,
              "last step %d of %d" % (last, len(models) - 1))
    # Contents, which the listing only hashes: the final image through the
    # host's keep tool.
    got = {}
    for path in ("a", "log", "d/c", "d/f7", "d/big2"):
        out = os.path.join(WORK, "got")
        rr = subprocess.run([KEEP, "get", img, path, out], capture_output=True)
        got[path] = open(out, "rb").read() if rr.returncode == 0 else None
    final = models[-1]
    tap.check("the final contents are the workload's, byte for byte",
              got["a"] is None and got["log"] == final["/log"] and got["d/c"] == final["/d/c"]
              and got["d/f7"] == final["/d/f7"] and got["d/big2"] == BIG, repr(got)[:400])
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
