# SPDX-License-Identifier: BSD-3-Clause
"""Storage, seen from outside (docs/STORAGE.md): the virtio-blk driver,
partitions as grants, and vfsd's EXT: root, checked against tools no one
here wrote (sgdisk, mkfs.fat, mcopy, fsck.fat, sha256).

Every boot gets a disk image made here, in build/test-logs/, afresh:

  disk      a GPT disk: partition 1 "home" a Keep volume `keep` made and
            filled (a marker in its first sector, which Keep leaves
            unused), partition 2 "ext" a FAT32 volume mcopy filled.  The
            shell's disk listing is sgdisk's; a grant reaches its partition
            and nothing past it; EXT: reads what Linux wrote and writes what
            Linux reads (fsck.fat -n clean, mcopy bit for bit); HOME: reads
            what `keep put` wrote, takes files, snapshots and renames, and
            `keep fsck` finds the result clean; a full volume is a named
            error and loses nothing.  Beside it a scratch disk (one
            partition no root mounts): a raw `disk write` to HOME:'s
            partition, or to the disk under it, is refused by name (one
            writer per block), and one to the scratch partition lands,
            then one to the scratch disk's whole once that writer let go.
  persist   the same disk booted again: everything written is still there.
  kill9     QEMU killed (SIGKILL) in the middle of a copy to HOME: (at its
            first write to the disk image, an event, not a time) after
            a run of appends each followed by sync: the next boot mounts
            HOME:, every acknowledged line is there, keep fsck is clean.
  bitrot    one bit of a file's data flipped on the disk: reading that
            file is a named error, never its bytes; the other files read.
  blk-hostile  a program granted devices misuses DEV_OPEN and the block
            protocol (forged records, wrong or missing capabilities, blocks
            past the grant, second writers over a held range, a write left
            in flight as it exits): each gets its named error, the driver
            keeps serving, and the range it held is free once it is gone.
  crash     the driver faults at its fourth write request (crash-at-write-4),
            in the middle of a 1 MiB copy from HOME: to EXT:: the copy and
            the checksum running across the crash are right, and the
            volume is clean.
  hostile   a disk whose GPT is broken in both copies, and one whose FAT
            boot sector is garbage: named refusals, the shell keeps
            working, no fault anywhere.
"""
import datetime
import hashlib
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from vterm import Tap, Timeout, VTerm, has  # noqa: E402
from devices_test import seen  # noqa: E402

B = os.environ.get("B", "build")
WORK = os.path.abspath(os.path.join(B, "test-logs", "storage"))
SECTOR = 512
P1_START, P1_SECTORS = 2048, 48 * 2048  # 48 MiB "home"
P2_START = P1_START + P1_SECTORS  # "ext": FAT32 to the end
DISK_MIB = 96
SCRATCH_MIB = 8
KEEP = os.path.join(B, "host", "tools", "keep")
ENV = dict(os.environ, PATH=os.environ.get("PATH", "") + ":/usr/sbin:/sbin", LC_ALL="C.UTF-8",
           MTOOLS_SKIP_CHECK="1")


def sh(*cmd):
    return subprocess.run(list(cmd), env=ENV, capture_output=True, text=True, check=True).stdout


def disk_flags(*images):
    """make run's IOMMU and one root port with a virtio-blk per image."""
    flags = ["-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off", "-device", "intel-iommu"]
    for i, img in enumerate(images, 1):
        flags += ["-device", "pcie-root-port,id=rp%d,chassis=%d,slot=%d" % (i, i, i),
                  "-drive", "file=%s,if=none,id=d%d,format=raw,cache=writeback" % (img, i),
                  "-device", "virtio-blk-pci,bus=rp%d,drive=d%d,iommu_platform=on" % (i, i)]
    return flags


def make_scratch(path):
    """A small GPT disk with one partition no file system is on."""
    if os.path.exists(path):
        os.unlink(path)
    with open(path, "wb") as f:
        f.truncate(SCRATCH_MIB << 20)
    sh("sgdisk", "-n", "1:%d:0" % P1_START, "-c", "1:scratch", "-t", "1:8300", path)
    return path


def scratch_block(path, lba):
    """What the scratch disk holds at block lba (of the disk), 64 bytes."""
    with open(path, "rb") as f:
        f.seek(lba * SECTOR)
        return f.read(64)


def ext(img):
    return "%s@@%d" % (img, P2_START * SECTOR)


def home_files():
    """{name: bytes} of what make_disk puts on HOME:."""
    return {"hello.txt": b"hello from the host's keep tool\n",
            "data.bin": hashlib.shake_256(b"vectra home").digest(1 << 20)}


def make_disk(path, fill_kib=0):
    """The GPT disk; returns {name: bytes} of what EXT: holds."""
    if os.path.exists(path):
        os.unlink(path)
    with open(path, "wb") as f:
        f.truncate(DISK_MIB << 20)
    sh("sgdisk", "-n", "1:%d:%d" % (P1_START, P2_START - 1), "-c", "1:home", "-t", "1:8300",
       "-n", "2:%d:0" % P2_START, "-c", "2:ext", "-t", "2:0700", path)
    end = int(re.search(r"Last sector: (\d+)", sh("sgdisk", "-i", "2", path)).group(1))
    sh("mkfs.fat", "-F", "32", "-s", "1", "-n", "EXT", "--offset", str(P2_START), path,
       str((end - P2_START + 1) // 2))
    keep("mkfs", path, "home")
    for name, data in home_files().items():
        host = os.path.join(WORK, "home-" + name)
        with open(host, "wb") as f:
            f.write(data)
        keep("put", path, host, name)
    with open(path, "r+b") as f:  # Keep leaves its first block unused
        f.seek(P1_START * SECTOR)
        f.write(b"home-partition-marker")
    files = {"hello.txt": b"hello from linux\n",
             "big.bin": hashlib.shake_256(b"vectra storage").digest(192 * 1024)}
    for name, data in files.items():
        host = os.path.join(WORK, name)
        with open(host, "wb") as f:
            f.write(data)
        sh("mcopy", "-i", ext(path), host, "::/" + name)
    if fill_kib:
        host = os.path.join(WORK, "filler.bin")
        with open(host, "wb") as f:
            f.truncate(fill_kib << 10)
        sh("mcopy", "-i", ext(path), host, "::/filler.bin")
    return files


def keep(cmd, img, *args):
    """The host's keep tool on partition 1 of img; its output."""
    part = ["--offset", str(P1_START * SECTOR), "--size", str(P1_SECTORS * SECTOR)]
    return subprocess.run([KEEP, cmd, img] + list(args) + part, env=ENV, capture_output=True,
                          text=True, check=True).stdout


def keep_get(img, name):
    out = os.path.join(WORK, "got-" + name.replace("/", "_"))
    keep("get", img, name, out)
    with open(out, "rb") as f:
        return f.read()


def keep_clean(img):
    """keep fsck on HOME:'s partition: (clean, report)."""
    part = ["--offset", str(P1_START * SECTOR), "--size", str(P1_SECTORS * SECTOR)]
    r = subprocess.run([KEEP, "fsck", img] + part, env=ENV, capture_output=True, text=True)
    return r.returncode == 0 and "0 violations" in r.stdout + r.stderr, r.stdout + r.stderr


def mread(img, name):
    return subprocess.run(["mtype", "-i", ext(img), "::/" + name], env=ENV, capture_output=True,
                          check=True).stdout


def fat_clean(img):
    """fsck.fat -n on the FAT32 partition, copied out: (clean, report)."""
    part = img + ".p2"
    with open(img, "rb") as src, open(part, "wb") as dst:
        src.seek(P2_START * SECTOR)
        dst.write(src.read())
    r = subprocess.run(["fsck.fat", "-n", part], env=ENV, capture_output=True, text=True)
    return r.returncode == 0 and "differences" not in r.stdout, r.stdout + r.stderr


def boot(image, disks):
    return VTerm(B, image=image, extra=disk_flags(*disks))


def df_until(term, pattern, timeout=30):
    """df, again every half second, until a line matches pattern (vfsd looks
    at the disks every second while a root is unmounted); the last df."""
    end = time.time() + timeout
    while True:
        out = term.command("df")
        if has(out, pattern) or time.time() > end:
            return out
        time.sleep(0.5)


def mounted(term, root, timeout=30):
    """Waits until vfsd has mounted root (it looks for disks every second)."""
    seen(term, r"vfsd: %s: mounted" % root, timeout)
    out = term.command("df")
    if not has(out, r"^%s:\s+(FAT32|Keep)\s" % root):
        raise Timeout("vfsd said it mounted %s:, df does not show it:\n%s" % (root, out))


def session_disk(logs, tap, img, scratch):
    files = make_disk(img, fill_kib=0)
    many = os.path.join(WORK, "many")  # more entries than RAM: holds in all
    os.makedirs(many, exist_ok=True)
    for i in range(600):
        with open(os.path.join(many, "f%03d" % i), "wb") as f:
            f.write(b"%d\n" % i)
    keep("put-tree", img, many, "many")
    make_scratch(scratch)
    term = boot("boot.img", [img, scratch])
    try:
        term.expect(r"vshell> ", 60)
        mounted(term, "EXT")
        out = term.command("disk")
        want = [(int(a), int(b), n) for _, a, b, n in
                re.findall(r"^\s+(\d)\s+(\d+)\s+(\d+)\s+\S+ \S+\s+\S+\s+(\S+)$", sh("sgdisk", "-p", img), re.M)]
        got = [(int(a), int(b), n) for n, a, b in
               re.findall(r"^\s+disk0p\d\s+(\S+)\s+.*blocks (\d+)\.\.(\d+),", out, re.M)]
        got = [(a, b, n) for a, b, n in got]
        tap.check("disk lists the partitions sgdisk made", got == want and len(got) == 2,
                  "shell: %s\nsgdisk: %s" % (got, want))
        out = term.command("disk read disk0p1 0")
        tap.check("a partition's block 0 is its first sector on the disk",
                  has(out, r"disk0p1 block 0: home-partition-marker"), out)
        out = term.command("disk read disk0p1 %d" % P1_SECTORS)
        tap.check("a grant ends where its partition ends (VX_E_RANGE)", "VX_E_RANGE" in out, out)
        out = term.command("disk read disk0p3 0")
        out += term.command("disk write disk7 0 x")
        tap.check("a partition or disk that does not exist is VX_E_NOTFOUND, in words",
                  has(out, r"^disk: disk0p3: no such disk or partition \(VX_E_NOTFOUND; disk lists them\)$")
                  and has(out, r"^disk: disk7: no such disk or partition \(VX_E_NOTFOUND"), out)
        # One writer per block: vfsd holds HOME:'s partition writable once
        # it has mounted it, and so the disk under it too.
        mounted(term, "HOME")
        out = term.command("disk write disk0p1 1 vectra-was-here")
        tap.check("disk write to a mounted partition is refused, by name",
                  has(out, r"^disk: disk0p1 is in use by another writer \(mounted\?") and
                  "wrote block" not in out, out)
        out = term.command("disk write disk0 1 vectra-was-here")
        tap.check("disk write to the whole disk under a mounted partition is refused",
                  has(out, r"^disk: disk0 is in use by another writer") and "wrote block" not in out,
                  out)
        out = term.command("disk read disk0p1 0")
        tap.check("a mounted partition still reads (readers take no claim)",
                  has(out, r"disk0p1 block 0: home-partition-marker"), out)
        out = term.command("disk write disk1p1 1 vectra-was-here")
        tap.check("disk write to a partition nobody holds is accepted",
                  "wrote block 1 of disk1p1" in out, out)
        out = term.command("disk write disk1 100 whole-disk-too")
        tap.check("the whole disk is writable once the partition's writer let go",
                  "wrote block 100 of disk1" in out, out)
        out = term.command("df")
        tap.check("df shows EXT: as FAT32 on disk0p2", has(out, r"^EXT:\s+FAT32\s+disk0p2"), out)
        out = term.command("cat EXT:hello.txt")
        tap.check("EXT: reads what Linux wrote", has(out, r"^hello from linux$"), out)
        big = hashlib.sha256(files["big.bin"]).hexdigest()
        out = term.command("sum EXT:big.bin", timeout=120)
        tap.check("a 192 KiB file reads back bit for bit (SHA-256)", big in out, out)
        for line in ("mkdir EXT:notes", "echo written by vectra > EXT:notes/today.txt",
                     "echo second line >> EXT:notes/today.txt"):
            term.command(line)
        out = term.command("cp EXT:big.bin EXT:notes/copy.bin", timeout=300)
        tap.check("cp copies within EXT:", "cp: %d bytes" % len(files["big.bin"]) in out, out)
        term.command("cp EXT:hello.txt RAM:hello.txt")
        out = term.command("cat hello.txt")
        tap.check("cp copies across roots (EXT: to RAM:)", has(out, r"^hello from linux$"), out)
        out = term.command("cp EXT:hello.txt EXT:HELLO.TXT")
        out += term.command("cat EXT:hello.txt")
        tap.check("cp onto the same file under another case (FAT32) keeps its bytes",
                  has(out, r"^hello from linux$"), out)
        out = term.command("mv EXT:hello.txt RAM:moved.txt")
        out += term.command("cat EXT:hello.txt")
        tap.check("mv across roots is refused by name, and the file stays",
                  has(out, r"^mv: EXT:hello.txt and RAM:moved.txt are on different roots") and
                  has(out, r"^hello from linux$"), out)
        # A name that differs in case alone is the entry itself on FAT32:
        # mv changes the case stored (it was refused as "already exists").
        term.command("echo case > EXT:CASE.TXT")
        out = term.command("mv EXT:CASE.TXT EXT:case.txt")
        out += term.command("mkdir EXT:Dir1")
        out += term.command("mv EXT:Dir1 EXT:DIR1")
        listing = term.command("ls EXT:")
        out += term.command("cat EXT:case.txt")
        tap.check("mv to another case of the same name (FAT32) renames it, file and directory",
                  "already exists" not in out and has(listing, r"  case\.txt$")
                  and not has(listing, r"CASE\.TXT$") and has(listing, r"  DIR1/$")
                  and not has(listing, r"Dir1/$") and has(out, r"^case$"), out + listing)
        # HOME:, the native file system
        mounted(term, "HOME")
        out = term.command("cat HOME:hello.txt")
        tap.check("HOME: reads what the host's keep tool put there",
                  has(out, r"^hello from the host's keep tool$"), out)
        out = term.command("sum HOME:data.bin", timeout=120)
        tap.check("a 1 MiB file on HOME: reads back bit for bit",
                  hashlib.sha256(hashlib.shake_256(b"vectra home").digest(1 << 20)).hexdigest() in out,
                  out)
        # Ctrl-C typed with the line (one burst, as a hurried person does)
        # stops sum and cp: it once reached only the next prompt, and the
        # loops never looked at the console while they ran.
        start = len(term.buf)
        term.send("sum HOME:data.bin\r\x03")
        term.expect(r"vshell> ", 60)
        out = term.text(start)
        tap.check("Ctrl-C stops sum", has(out, r"^sum: interrupted \(Ctrl-C\): HOME:data\.bin$"), out)
        start = len(term.buf)
        term.send("cp HOME:data.bin HOME:cut.bin\r\x03")
        term.expect(r"vshell> ", 60)
        out = term.text(start)
        listing = term.command("ls HOME:")
        tap.check("Ctrl-C stops cp and removes the partial copy",
                  has(out, r"^cp: interrupted \(Ctrl-C\): HOME:cut\.bin \(the partial copy is removed\)$")
                  and "cut.bin" not in listing, out + listing)
        # ...and an existing TO stays as it was: cp once wrote over it in
        # place, so a copy stopped part way left it half old, half new.
        term.command("echo old bytes > HOME:kept.bin")
        start = len(term.buf)
        term.send("cp HOME:data.bin HOME:kept.bin\r\x03")
        term.expect(r"vshell> ", 60)
        out = term.text(start)
        out += term.command("cat HOME:kept.bin")
        listing = term.command("ls HOME:")
        tap.check("Ctrl-C stops cp over an existing file, which is left as it was",
                  has(out, r"^cp: interrupted \(Ctrl-C\): HOME:kept\.bin \(it is left as it was\)$")
                  and has(out, r"^old bytes$") and ".cp~" not in listing, out + listing)
        for line in ("mkdir HOME:notes", "echo hello home > HOME:notes/today",
                     "cp EXT:notes/copy.bin HOME:copy.bin", "snap create before",
                     "echo changed > HOME:notes/today", "echo fresh > HOME:new.txt",
                     "mv HOME:new.txt HOME:notes/today"):
            term.command(line, timeout=120)
        out = term.command("cat HOME:notes/today")
        tap.check("rename over a file on HOME: replaces it", has(out, r"^fresh$"), out)
        out = term.command("ls HOME:many", timeout=120)
        tap.check("ls of a HOME: directory of 600 entries lists every one",
                  len(re.findall(r"^  file .* f\d{3}$", out, re.M)) == 600
                  and has(out, r"^600 entries$"), out[-300:])
        name64 = "n" * 64
        out = term.command("mkdir HOME:" + name64)
        tap.check("a 64-byte name on HOME: is refused as a name, not as a file's size",
                  has(out, r"^mkdir: too large \(.*a name at most 63 bytes.*\): HOME:n{64}$"), out)
        out = term.command("mv HOME:hello.txt HOME:" + name64)
        out += term.command("cat HOME:hello.txt")
        tap.check("mv to a name too long blames the new name, and the file stays",
                  has(out, r"^mv: too large \(.*\): HOME:n{64}$")
                  and has(out, r"^hello from the host's keep tool$"), out)
        term.command("echo moving > HOME:r1.txt")
        term.command("mv HOME:r1.txt HOME:r2.txt")
        out = term.command("ls HOME:")
        tap.check("ls after a rename in the same directory lists the new name once",
                  len(re.findall(r"r2\.txt$", out, re.M)) == 1 and "r1.txt" not in out, out)
        out = term.command("cat HOME:@before/notes/today")
        tap.check("the snapshot reads as it was (HOME:@before)", has(out, r"^hello home$"), out)
        out = term.command("echo x > HOME:@before/notes/today")
        tap.check("a snapshot takes no change", "read-only (a snapshot)" in out, out)
        out = term.command("cp HOME:hello.txt HOME:@before/notes/today")
        tap.check("cp over a snapshot's file is refused and says the file is as it was",
                  has(out, r"^cp: read-only \(a snapshot\): HOME:@before/notes/today \(it is left as it was\)$"),
                  out)
        out = term.command("snap")
        tap.check("snap lists the snapshot", has(out, r"^\s+before\s+commit \d+")
                  and has(out, r"^1 snapshot of HOME:$"), out)
        for line, want in (("snap create before", r"^snap: there is a snapshot named HOME:before already$"),
                           ("snap delete nosuch", r"^snap: no snapshot named HOME:nosuch \(snap lists"),
                           ("snap delete EXT:x", r"^snap: EXT:x: only HOME: \(Keep\) keeps snapshots$"),
                           ("snap delete NOPE:x", r"^snap: NOPE:x: no such root is mounted"),
                           ("snap create HOME:", r"^snap: '': a snapshot's name is 1 to 55 bytes")):
            out = term.command(line)
            tap.check("snap refusal in words: %s" % line, has(out, want), out)
        out = term.command("snap create ../up")
        tap.check("a snapshot name with a slash gets the rule, not an error code",
                  has(out, r"^snap: '\.\./up': a snapshot's name is 1 to 55 bytes"), out)
        out = term.command("sync")
        tap.check("sync makes it durable", "on disk" in out, out)
        # sync makes the rename durable through Keep's intent log, not a
        # commit; vfsd's tick commits within 2 s of the first change.
        for _ in range(10):
            out = term.command("df")
            if has(out, r"^HOME:\s+Keep\s+disk0p1\s+.*[1-9]\d* commits"):
                break
            time.sleep(1)
        tap.check("df shows HOME: as Keep on disk0p1 with its commits",
                  has(out, r"^HOME:\s+Keep\s+disk0p1\s+.*[1-9]\d* commits"), out)
        tap.check("no fault in any Task", not has(term.text(), r"stopped by|kernel panic"), term.text())
    finally:
        logs["disk"] = term.text()
        term.close()
    clean, report = fat_clean(img)
    tap.check("fsck.fat -n finds the volume VectraOS wrote clean", clean, report)
    tap.check("mcopy reads back what VectraOS wrote",
              mread(img, "notes/today.txt") == b"written by vectra\nsecond line\n")
    tap.check("mcopy reads the copy bit for bit", mread(img, "notes/copy.bin") == files["big.bin"])
    # vfsd stamps what it writes on FAT32 with rtcd's date (QEMU's CMOS clock
    # is the host's UTC time), not FAT's 1980-01-01.
    listing = subprocess.run(["mdir", "-i", ext(img), "::/notes"], env=ENV, capture_output=True,
                             text=True).stdout
    today = datetime.datetime.now(datetime.timezone.utc).date()
    days = {(today + datetime.timedelta(days=d)).isoformat() for d in (-1, 0, 1)}
    line = next((ln for ln in listing.splitlines() if "today" in ln and "txt" in ln), "")
    tap.check("a file VectraOS wrote on FAT32 carries today's date (mdir)",
              any(d in line for d in days), listing)
    tap.check("disk write landed at the partition's block 1",
              scratch_block(scratch, P1_START + 1).startswith(b"vectra-was-here"))
    tap.check("disk write landed at the whole disk's block 100",
              scratch_block(scratch, 100).startswith(b"whole-disk-too"))
    with open(img, "rb") as f:
        f.seek((P1_START + 1) * SECTOR)
        tap.check("the refused writes left HOME:'s partition alone",
                  not f.read(15).startswith(b"vectra-was-here"))
    clean, report = keep_clean(img)
    tap.check("keep fsck finds HOME: clean: every checksum and invariant", clean, report)
    tap.check("the host's keep tool reads what VectraOS wrote",
              keep_get(img, "notes/today") == b"fresh\n" and
              keep_get(img, "copy.bin") == files["big.bin"])
    tap.check("the host sees the snapshot", "before" in keep("snap", img, "list"))
    return files


def session_persist(logs, tap, img, scratch, files):
    term = boot("boot.img", [img, scratch])
    try:
        term.expect(r"vshell> ", 60)
        mounted(term, "EXT")
        out = term.command("cat EXT:notes/today.txt")
        tap.check("after a reboot the files are there", has(out, r"^written by vectra\nsecond line$"),
                  out)
        out = term.command("sum EXT:notes/copy.bin", timeout=120)
        tap.check("after a reboot the copy is bit for bit",
                  hashlib.sha256(files["big.bin"]).hexdigest() in out, out)
        out = term.command("disk read disk1p1 1")
        tap.check("after a reboot the raw block is there", "vectra-was-here" in out, out)
        mounted(term, "HOME")
        out = term.command("cat HOME:notes/today")
        out += term.command("cat HOME:@before/notes/today")
        tap.check("after a reboot HOME: and its snapshot are there",
                  has(out, r"^fresh$") and has(out, r"^hello home$"), out)
    finally:
        logs["persist"] = term.text()
        term.close()


def session_full(logs, tap, img):
    """A volume with ~100 KiB free: a copy of 192 KiB fails by name."""
    make_disk(img)
    free = int(re.search(r"(\d[\d ]*) bytes free", subprocess.run(
        ["mdir", "-i", ext(img), "::/"], env=ENV, capture_output=True, text=True).stdout)
        .group(1).replace(" ", ""))
    host = os.path.join(WORK, "filler.bin")
    with open(host, "wb") as f:
        f.truncate(free - (100 << 10))
    sh("mcopy", "-i", ext(img), host, "::/filler.bin")
    term = boot("boot.img", [img])
    try:
        term.expect(r"vshell> ", 60)
        mounted(term, "EXT")
        # A copy over an existing file that does not fit leaves that file
        # as it was (cp once wrote over it in place: 100 KiB of big.bin
        # in hello.txt, then "full").
        out = term.command("cp EXT:big.bin EXT:hello.txt", timeout=300)
        out += term.command("cat EXT:hello.txt")
        listing = term.command("ls EXT:")
        tap.check("a full volume: cp over an existing file fails by name and leaves it as it was",
                  has(out, r"^cp: the file system is full: EXT:hello\.txt \(it is left as it was\)$")
                  and has(out, r"^hello from linux$") and ".cp~" not in listing, out + listing)
        out = term.command("cp EXT:big.bin EXT:overflow.bin", timeout=300)
        tap.check("a full volume is a named error", "the file system is full" in out, out)
        # A refused write leaves its file as it was (FAT32: no cluster is
        # half-taken), so the room the last chunk did not get is still there.
        term.command("rm EXT:overflow.bin")
        term.command("echo still here > EXT:small.txt")
        out = term.command("cat EXT:small.txt")
        tap.check("once room is made the volume works", has(out, r"^still here$"), out)
        out = term.command("sync")
        tap.check("sync after a full volume", "on disk" in out, out)
    finally:
        logs["full"] = term.text()
        term.close()
    clean, report = fat_clean(img)
    tap.check("the full volume is clean (fsck.fat -n)", clean, report)
    tap.check("nothing written before was lost", mread(img, "hello.txt") == b"hello from linux\n"
              and mread(img, "small.txt") == b"still here\n")


def session_crash(logs, tap, img):
    make_disk(img)
    home = home_files()
    term = boot("storage-crash.img", [img])
    try:
        term.expect(r"vshell> ", 60)
        mounted(term, "EXT")
        mounted(term, "HOME")
        out = term.command("cp HOME:data.bin EXT:copy.bin", timeout=300)
        seen(term, r"virtio-blk: crash-at-write-4: faulting with requests in flight", 5)
        seen(term, r"devd: 01:00\.0 virtio-blk stopped by a page fault", 5)
        seen(term, r"devd: 01:00\.0 1af4:1042: started virtio-blk", 5, count=2)
        tap.check("the driver crashed mid-I/O and devd restarted it", True)
        tap.check("the copy across the crash finished", "cp: %d bytes" % len(home["data.bin"]) in out,
                  out)
        out = term.command("sum EXT:copy.bin", timeout=120)
        tap.check("the copy made across the crash is right",
                  hashlib.sha256(home["data.bin"]).hexdigest() in out, out)
        out = term.command("sync")
        tap.check("sync after the crash", "on disk" in out, out)
        out = term.command("disk write disk0p2 1 not-over-fsinfo")
        tap.check("after the restart the new life still keeps writers off EXT:'s partition",
                  has(out, r"^disk: disk0p2 is in use by another writer"), out)
        out = term.command("devices")
        tap.check("devices notes the restart", has(out, r"^01:00\.0 .*virtio-blk\s+running .*page fault"),
                  out)
    finally:
        logs["crash"] = term.text()
        term.close()
    clean, report = fat_clean(img)
    tap.check("the volume is clean after the crash (fsck.fat -n)", clean, report)
    tap.check("mcopy reads the copy bit for bit", mread(img, "copy.bin") == home["data.bin"])


def session_kill9(logs, tap, img):
    """Appends acknowledged by sync, then QEMU killed during a copy."""
    make_disk(img)
    host = os.path.join(WORK, "big20.bin")
    with open(host, "wb") as f:
        f.write(hashlib.shake_256(b"twenty").digest(20 << 20))
    keep("put", img, host, "big20.bin")
    term = boot("boot.img", [img])
    n = 12
    try:
        term.expect(r"vshell> ", 60)
        mounted(term, "HOME")
        for i in range(1, n + 1):
            term.command("echo line %d >> HOME:log" % i)
            out = term.command("sync")
            if "on disk" not in out:
                raise Timeout("sync %d: %s" % (i, out))
        # The kill waits for an event, not for a time: the copy's first
        # write to the disk image (its mtime moves).  A copy that ends
        # before the kill can land (a fast host) is removed and tried
        # again, at most three times.
        mid = False
        for _ in range(3):
            before = os.stat(img).st_mtime_ns
            mark = len(term.buf)
            term.send("cp HOME:big20.bin HOME:copy.bin\r")
            seen(term, r"cp HOME:big20\.bin", 10)
            for _ in range(3000):  # at most 30 s
                if os.stat(img).st_mtime_ns != before or has(term.text(mark), r"^cp: "):
                    break
                time.sleep(0.01)
            mid = not has(term.text(mark), r"^cp: ")
            if mid:
                break
            term.expect(r"vshell> ", 60)
            term.command("rm HOME:copy.bin")
            term.command("sync")
        tap.check("the kill comes while the copy runs", mid, term.text()[-300:])
    finally:
        term.proc.kill()  # SIGKILL: no flush, no goodbye
        term.proc.wait()
        logs["kill9"] = term.text()
    clean, report = keep_clean(img)
    tap.check("after SIGKILL mid-copy, keep fsck finds HOME: clean (no repair)", clean, report)
    term = boot("boot.img", [img])
    try:
        term.expect(r"vshell> ", 60)
        mounted(term, "HOME")
        out = term.command("cat HOME:log")
        want = "\n".join("line %d" % i for i in range(1, n + 1))
        tap.check("every synced append survived the kill", want in out.replace("\r", ""), out)
        out = term.command("ls HOME:")
        tap.check("the volume works after the kill", has(out, r"log$"), out)
        term.command("rm HOME:copy.bin")
        out = term.command("sum HOME:big20.bin", timeout=120)
        tap.check("the copy's source is whole",
                  hashlib.sha256(hashlib.shake_256(b"twenty").digest(20 << 20)).hexdigest() in out, out)
        out = term.command("echo after > HOME:after.txt")
        out += term.command("sync")
        tap.check("and takes writes again", "on disk" in out, out)
    finally:
        logs["kill9-after"] = term.text()
        term.close()
    clean, report = keep_clean(img)
    tap.check("keep fsck after the next boot", clean, report)


def session_bitrot(logs, tap, img):
    """One bit of a file's data flipped: a named error, never the bytes."""
    make_disk(img)
    data = hashlib.shake_256(b"vectra home").digest(1 << 20)
    with open(img, "r+b") as f:
        f.seek(P1_START * SECTOR)
        part = bytearray(f.read(P1_SECTORS * SECTOR))
        at = part.find(data[8192:8192 + 4096])
        if at < 0:
            raise Timeout("data.bin's third block is not on the disk")
        f.seek(P1_START * SECTOR + at + 77)
        f.write(bytes([part[at + 77] ^ 0x04]))
    term = boot("boot.img", [img])
    try:
        term.expect(r"vshell> ", 60)
        mounted(term, "HOME")
        out = term.command("sum HOME:data.bin", timeout=60)
        tap.check("reading the damaged file is a named error",
                  "sum: damaged on the disk: a block failed its checksum" in out, out)
        seen(term, r"vfsd: HOME:data\.bin: a file.s data block failed its checksum \(block \d+\): refused, not returned", 10)
        tap.check("vfsd names the damaged file in its log", True)
        out = term.command("cat HOME:hello.txt")
        tap.check("the other files still read", has(out, r"^hello from the host's keep tool$"), out)
        tap.check("no fault in any Task", not has(term.text(), r"stopped by|kernel panic"), term.text())
    finally:
        logs["bitrot"] = term.text()
        term.close()


BLK_CASES = (
    ("open reserved", "VX_E_INVAL"), ("open unterminated", "VX_E_INVAL"),
    ("open short", "VX_E_INVAL"), ("open unit 99", "VX_E_NOTFOUND"),
    ("open partition 9", "VX_E_NOTFOUND"), ("forged attach record", "VX_E_NOSYS"),
    ("op 0xffffffff", "VX_E_NOSYS"), ("read without the capability it claims", "VX_E_INVAL"),
    ("read with a Ring for memory", "VX_E_TYPE"), ("read into memory it may not write", "VX_E_RIGHTS"),
    ("write to a read-only grant", "VX_E_RIGHTS"), ("write past the partition", "VX_E_RANGE"),
    ("write whose end wraps", "VX_E_RANGE"), ("write of zero blocks", "VX_E_INVAL"),
    ("write of 3 MiB", "VX_E_TOOBIG"), ("write from a view's page past its end", "VX_E_RANGE"),
    ("partition table from a partition's grant", "VX_E_RIGHTS"),
    ("message of 3 bytes", "VX_E_INVAL"),
    ("writable open of a mounted partition", "VX_E_BUSY"),
    ("writable open of the whole disk under a mounted partition", "VX_E_BUSY"),
    ("second writer of a held partition", "VX_E_BUSY"),
    ("writable open of the whole disk under a writer", "VX_E_BUSY"),
    ("read-only open under a writer", "VX_OK"),
    ("writable open once the writer let go", "VX_OK"),
    ("call on a closed connection", "VX_E_STATE"))


def session_blk_hostile(logs, tap, img):
    """A program granted devices misuses devd's DEV_OPEN and the driver
    (tests/hostile, "blk"): every misuse gets its named error, and the
    driver keeps serving, even after a client exits with a write in flight."""
    make_disk(img)
    scratch = make_scratch(img + ".scratch")
    term = boot("hostile.img", [img, scratch])
    try:
        term.expect(r"vshell> ", 60)
        mounted(term, "HOME")
        # hostile.img's own hostile, started at boot, holds 12 of init's
        # connections until its back-pressure case ends: a run before
        # that could not be granted fs (VX_E_FULL).
        seen(term, r"^init: hostile exited with code", 400)
        out = term.command("run hostile blk with console devices fs", timeout=60)
        for what, err in BLK_CASES:
            tap.check("blk misuse, %s: %s" % (what, err), has(out, r"^hostile: blk %s: %s$"
                                                            % (re.escape(what), err)), out[-1500:])
        tap.check("the driver still serves after the misuse",
                  has(out, r"^hostile: blk info after all that: VX_OK, read-only 1, \d+ blocks$"), out)
        out = term.command("disk read disk0p2 0")
        out += term.command("cat HOME:hello.txt")
        tap.check("a client gone with its write in flight harms nobody: the disk and HOME: serve",
                  has(out, r"disk0p2 block 0: ") and has(out, r"^hello from the host's keep tool$"),
                  out)
        out = term.command("disk write disk1p1 2 after-hostile")
        tap.check("the partition a client held writable is free once it is gone",
                  "wrote block 2 of disk1p1" in out, out)
        tap.check("no fault in any Task", not has(term.text(), r"stopped by|kernel panic"), term.text())
    finally:
        logs["blk-hostile"] = term.text()
        term.close()


def session_hostile(logs, tap, img):
    bad_gpt, bad_fat = img + ".badgpt", img + ".badfat"
    make_disk(bad_gpt)
    with open(bad_gpt, "r+b") as f:  # both headers' CRCs wrong
        for lba in (1, (DISK_MIB << 11) - 1):
            f.seek(lba * SECTOR + 16)
            f.write(b"\xde\xad\xbe\xef")
    make_disk(bad_fat)
    with open(bad_fat, "r+b") as f:  # the BPB: bytes per sector 1000, clusters of 3
        f.seek(P2_START * SECTOR + 11)
        f.write(b"\xe8\x03\x03")
        # and HOME:'s uberblock rings, both, overwritten with noise
        noise = hashlib.shake_256(b"noise").digest(17 * 4096)
        f.seek(P1_START * SECTOR)
        f.write(noise)
        f.seek((P1_START + P1_SECTORS) * SECTOR - len(noise))
        f.write(noise)
    term = boot("boot.img", [bad_gpt, bad_fat])
    try:
        term.expect(r"vshell> ", 60)
        seen(term, r"virtio-blk: the partition table is bad \(VX_E_CORRUPT .*, hdr-crc\)", 30)
        tap.check("the driver names the broken partition table", True)
        out = term.command("disk")
        tap.check("disk says the table is bad and lists the other disk's partitions",
                  has(out, r"the partition table is bad: hdr-crc") and has(out, r"disk1p2\s+ext"), out)
        out = term.command("disk read disk0p1 0")
        tap.check("no partitions from a broken table", "VX_E_NOTFOUND" in out, out)
        out = df_until(term, r"^EXT:.*not mounted: disk1p2: ")
        tap.check("df says why EXT: is not mounted",
                  has(out, r"^EXT:.*not mounted: disk1p2: .*\(VX_E_CORRUPT"), out)
        out = term.command("ls EXT:")
        tap.check("the unmounted root is VX_E_NOTFOUND", "no such file or directory" in out, out)
        out = df_until(term, r"^HOME:.*not mounted: disk\d(p\d)?: ")
        tap.check("df says why HOME: is not mounted (Keep's rule)",
                  has(out, r"^HOME:.*not mounted: disk\d(p\d)?: .*\(VX_E_CORRUPT"), out)
        term.command("echo fine > x.txt")
        out = term.command("cat x.txt")
        tap.check("the shell and the RAM file system keep working", has(out, r"^fine$"), out)
        tap.check("no fault in any Task", not has(term.text(), r"stopped by|kernel panic"), term.text())
    finally:
        logs["hostile"] = term.text()
        term.close()


def main():
    tap = Tap("storage")
    logs = {}
    os.makedirs(WORK, exist_ok=True)
    img = os.path.join(WORK, "disk.img")
    scratch = os.path.join(WORK, "scratch.img")
    try:
        files = session_disk(logs, tap, img, scratch)
        session_persist(logs, tap, img, scratch, files)
    except (Timeout, subprocess.CalledProcessError) as e:
        tap.check("the disk sessions ran to the end", False, str(e))
    for session in (session_full, session_crash, session_kill9, session_bitrot, session_blk_hostile,
                    session_hostile):
        try:
            session(logs, tap, os.path.join(WORK, session.__name__ + ".img"))
        except (Timeout, subprocess.CalledProcessError) as e:
            tap.check("%s ran to the end" % session.__name__, False, str(e))
    for name, text in logs.items():
        with open(os.path.join(B, "test-logs", "storage-%s.serial" % name), "w") as f:
            f.write(text)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
