# SPDX-License-Identifier: BSD-3-Clause
"""
stepprof: where the guest instructions of a benchmark go, function by
function, counted by single-stepping a QEMU guest through gdb.

Under -icount shift=0 a benchmark's figure is its instruction count, so
the profile that explains it is an exact count, not a sample.  This script
runs inside gdb (it needs gdb's Python); bench/profile.sh starts QEMU with
the benchmark's own flags plus -s -S and runs it:

    gdb -batch -nx -x tools/stepprof.py

It reads its settings from the environment:

    STEPPROF_KERNEL   the kernel ELF with symbols (build/kernel.elf)
    STEPPROF_ELFS     user ELFs, comma-separated: the first is the program
                      that hits STEPPROF_START; each new address space
                      (CR3) met after it takes the next ELF of the list
    STEPPROF_START    a symbol of the first user ELF (or 0x address): the
                      profile starts the STEPPROF_SKIP'th time it is hit
    STEPPROF_SKIP     hits to let pass first (warm-up), default 1
    STEPPROF_STEPS    instructions to count, default 20000
    STEPPROF_MARK     a symbol or address of the first ELF whose hits in
                      that address space divide the totals (one hit per
                      iteration), default STEPPROF_START
    STEPPROF_DETAIL   a function name as printed (kernel:sched_direct):
                      also print its instructions, address by address

and prints, per function, the instructions per iteration, most first.
"""
import bisect
import os
import subprocess

import gdb


def symbols(elf):
    """Sorted (address, name) of the ELF's functions."""
    out = subprocess.run(["nm", "-n", "--defined-only", elf], capture_output=True,
                         text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    return syms


def elf_bytes(elf, va, n):
    """n bytes of the ELF's loaded image at address va (from its file)."""
    with open(elf, "rb") as f:
        data = f.read()
    phoff = int.from_bytes(data[32:40], "little")
    phentsize = int.from_bytes(data[54:56], "little")
    phnum = int.from_bytes(data[56:58], "little")
    for i in range(phnum):
        ph = data[phoff + i * phentsize:phoff + (i + 1) * phentsize]
        kind = int.from_bytes(ph[0:4], "little")
        off = int.from_bytes(ph[8:16], "little")
        vaddr = int.from_bytes(ph[16:24], "little")
        filesz = int.from_bytes(ph[32:40], "little")
        if kind == 1 and vaddr <= va and va + n <= vaddr + filesz:
            return data[off + va - vaddr:off + va - vaddr + n]
    raise SystemExit("stepprof: %#x is not in %s's file image" % (va, elf))


def running(code, va):
    """Is code what the guest's current address space holds at va?"""
    mem = gdb.selected_inferior().read_memory(va, len(code))
    return bytes(mem) == code


class Table:
    def __init__(self, elf, tag):
        self.syms = symbols(elf)
        self.addrs = [a for a, _ in self.syms]
        self.tag = tag

    def name(self, pc):
        i = bisect.bisect_right(self.addrs, pc) - 1
        return "%s:%s" % (self.tag, self.syms[i][1] if i >= 0 else hex(pc))

    def addr(self, what):
        if what.startswith("0x"):
            return int(what, 16)
        for a, n in self.syms:
            if n == what:
                return a
        raise SystemExit("stepprof: no symbol %s" % what)


def reg(name):
    return int(gdb.parse_and_eval("$" + name)) & 0xFFFFFFFFFFFFFFFF


def main():
    kernel = Table(os.environ["STEPPROF_KERNEL"], "kernel")
    elfs = os.environ["STEPPROF_ELFS"].split(",")
    tables = [Table(e, os.path.basename(e).split(".")[0]) for e in elfs]
    start = tables[0].addr(os.environ["STEPPROF_START"])
    mark = tables[0].addr(os.environ.get("STEPPROF_MARK", os.environ["STEPPROF_START"]))
    skip = int(os.environ.get("STEPPROF_SKIP", "1"))
    steps = int(os.environ.get("STEPPROF_STEPS", "20000"))

    gdb.execute("target remote :%s" % os.environ.get("STEPPROF_PORT", "1234"))
    # The first ELF's address space: the one in which START holds the
    # first ELF's own code (the other programs may use the same addresses,
    # so a breakpoint alone does not say whose code it hit).
    code = elf_bytes(elfs[0], start, 16)
    gdb.execute("hbreak *%#x" % start, to_string=True)
    main_cr3 = None
    hits = 0
    while hits < skip:
        gdb.execute("continue", to_string=True)
        cr3 = reg("cr3") & ~0xFFF
        if main_cr3 is None and running(code, start):
            main_cr3 = cr3
        if cr3 == main_cr3:
            hits += 1
    gdb.execute("delete", to_string=True)

    spaces = {main_cr3: tables[0]}
    trace = []  # the function of each instruction from the first mark on
    pcs = []  # ...and its address
    ends = []  # len(trace) at each later mark
    for _ in range(steps):
        pc = reg("pc")
        if pc >= 1 << 63:
            name = kernel.name(pc)
        else:
            cr3 = reg("cr3") & ~0xFFF
            t = spaces.get(cr3)
            if t is None:
                t = tables[min(len(spaces), len(tables) - 1)]
                spaces[cr3] = t
            name = t.name(pc)
            if pc == mark and cr3 == main_cr3:
                if trace:
                    ends.append(len(trace))
                else:
                    trace.append(None)  # the first mark opens the count
                    ends.append(0)
        if trace:
            trace.append(name)
            pcs.append(pc)
        gdb.execute("stepi", to_string=True)
    gdb.execute("kill", to_string=True)

    # Whole iterations only: from the first mark to the last.
    iters = len(ends) - 1
    if iters < 1:
        raise SystemExit("stepprof: fewer than two marks in %d steps" % steps)
    counts = {}
    for name in trace[1:ends[-1]]:
        counts[name] = counts.get(name, 0) + 1
    total = ends[-1] - 1
    print("stepprof: %d instructions over %d iterations: %.1f per iteration" %
          (total, iters, total / iters))
    for name, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print("%9.1f  %s" % (n / iters, name))
    detail = os.environ.get("STEPPROF_DETAIL")
    if detail:
        at = {}
        for name, pc in zip(trace[1:ends[-1]], pcs[:ends[-1] - 1]):
            if name == detail:
                at[pc] = at.get(pc, 0) + 1
        print("stepprof: %s, instructions per iteration by address" % detail)
        for pc in sorted(at):
            print("%9.1f  %#x" % (at[pc] / iters, pc))


main()
