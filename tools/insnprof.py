# SPDX-License-Identifier: BSD-3-Clause
"""
insnprof: names the instructions tools/insnprof.c counted and prints, per
function (kernel, or PROGRAM:function for the Task that ran it), what ran
between two of its snapshots, divided by DIV (MiB, iterations):

    tools/insnprof.py PROFILE A B DIV [FUNCTION]

A and B are snapshot numbers (A = -1 lists each snapshot's instructions
since the one before, to find the span wanted).  FUNCTION ("netd:memcpy")
also prints that function's instructions address by address.  Programs are
told apart by their bytes: an instruction belongs to the ELF of
$B/prog/*.elf that holds the same bytes at its address (a tie, the same
code at the same address in two programs, goes to the ELF most of its
physical page's other instructions name).  TOP (default 60) rows.
"""
import bisect
import collections
import glob
import os
import subprocess
import sys

prof, a, b, div = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
detail = sys.argv[5] if len(sys.argv) > 5 else None
B = os.environ.get("B", "build")
snaps = {}
insn = {}
cur = None
for line in open(prof):
    p = line.split()
    if p[0] == "snap":
        cur = snaps.setdefault(int(p[1]), {})
    elif p[0] == "insn":
        insn[int(p[1])] = (int(p[2], 16), int(p[3], 16), bytes.fromhex(p[4]))
    else:
        cur[int(p[0])] = int(p[1])
if a < 0:
    for k in sorted(snaps):
        if k > 0:
            print(k, sum(snaps[k].values()) - sum(snaps[k-1].values()))
    sys.exit()

def syms(elf):
    out = subprocess.run(["nm", "-n", "--defined-only", elf], capture_output=True, text=True).stdout
    s = [(int(l.split()[0], 16), l.split()[2]) for l in out.splitlines() if len(l.split()) == 3 and l.split()[1] in "tTwW"]
    return [x for x, _ in s], [n for _, n in s]

def loadsegs(elf):
    data = open(elf, "rb").read()
    phoff = int.from_bytes(data[32:40], "little")
    phs = int.from_bytes(data[54:56], "little")
    phn = int.from_bytes(data[56:58], "little")
    segs = []
    for i in range(phn):
        ph = data[phoff + i*phs: phoff + (i+1)*phs]
        if int.from_bytes(ph[0:4], "little") == 1:
            off = int.from_bytes(ph[8:16], "little")
            va = int.from_bytes(ph[16:24], "little")
            fs = int.from_bytes(ph[32:40], "little")
            segs.append((va, data[off:off+fs]))
    return segs

def at(segs, va, n):
    for sva, d in segs:
        if sva <= va and va + n <= sva + len(d):
            return d[va-sva:va-sva+n]
    return None

elfs = sorted(glob.glob(B + "/prog/*.elf"))
segs = {e: loadsegs(e) for e in elfs}
symtab = {e: syms(e) for e in elfs}
kernel = syms(B + "/kernel.elf")
# each user instruction -> the ELFs with its bytes at its address; ties
# go to the ELF most of its physical page's unambiguous instructions name
cands = {}
votes = collections.defaultdict(collections.Counter)
for i, (va, key, by) in insn.items():
    if va < 1 << 63:
        c = [e for e in elfs if at(segs[e], va, len(by)) == by]
        cands[i] = c
        if len(c) == 1:
            votes[key >> 12][c[0]] += 1
def owner_of(i):
    c = cands[i]
    if not c:
        return None
    if len(c) == 1:
        return c[0]
    v = votes[insn[i][1] >> 12]
    return max(c, key=lambda e: v[e])
def name(i):
    va, key, by = insn[i]
    if va >= 1 << 63:
        addrs, names = kernel
        tag = "kernel"
    else:
        e = owner_of(i)
        if e is None:
            return "?", hex(va)
        tag = os.path.basename(e).split(".")[0]
        addrs, names = symtab[e]
    j = bisect.bisect_right(addrs, va) - 1
    return tag, (names[j] if j >= 0 else hex(va))
SA, SB = snaps[a], snaps[b]
cnt = collections.Counter()
per_task = collections.Counter()
det = collections.Counter()
for i, c in SB.items():
    d = c - SA.get(i, 0)
    if d:
        t, f = name(i)
        cnt[t + ":" + f] += d
        per_task[t] += d
        if detail and t + ":" + f == detail:
            det[insn[i][0]] += d
tot = sum(cnt.values())
print("total %.0f per unit" % (tot / div))
for t, n in per_task.most_common():
    print("%12.0f  %s" % (n / div, t))
print()
for f, n in cnt.most_common(int(os.environ.get("TOP", "60"))):
    print("%12.0f  %5.1f%%  %s" % (n / div, 100 * n / tot, f))
for va in sorted(det):
    print("%12.1f  %#x" % (det[va] / div, va))
