#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""No recursion in the kernel, and a bounded kernel stack.  Prints TAP.

Each CPU runs every kernel entry on its own 16 KiB stack (a row of
kernel_stack in kernel/arch/x86_64/cpu.c) whose guard page turns an overflow
into a double fault.  Nothing at run time bounds how deep C code goes, so this check
bounds it at build time, from what gcc itself reports for an analysis build
of every kernel C file (tests/tests.mk, objects under $(B)/kstack/):

  -fcallgraph-info=su,da  per file, a graph (.ci): every function with its
                          frame size and dynamic allocations, every direct
                          call, and every indirect call site;
  -aux-info               every prototype (.aux), for function-pointer types;
  the object itself       relocations (which functions have their address
                          taken), the symbol table (stack sizes) and the
                          machine code (where interrupts are enabled).

A frame size from gcc includes the return address of the call that entered
it, so the stack used along a path is the sum of its frames.  Inlined code
is part of its caller's frame; a tail call is counted as if it returned,
which only overestimates.

Indirect calls are resolved by type: a site may call every function whose
address is taken anywhere in the kernel and whose prototype matches the
pointer type declared for the site in INDIRECT_SITES.  An indirect call in a
function missing from that table fails the check, and is resolved to every
address-taken function meanwhile.  (Calling through a pointer of another
type is undefined behaviour, which -Werror and review keep out.)

usage: check-kstack.py C_OBJ... --asm ASM_OBJ... [--fixtures FIXTURE_OBJ...]
Each C object's .ci and .aux lie beside it.  Every fixture must be caught.
"""
import re
import subprocess
import sys
from collections import defaultdict

MARGIN = 0.25  # of each stack, kept free for what the analysis cannot see
# Stack symbols that are one row per CPU: a CPU gets size / rows.
PER_CPU_ROWS = {"kernel_stack": 16, "ist_stack": 16}  # MAX_CPUS (arch.h)

# Bytes the assembly pushes on a stack before it calls C.
#   An exception or interrupt taken in kernel mode (entry.S trap_common ->
#   trap_from_kernel) stays on the stack it interrupted: the CPU aligns rsp
#   to 16 (up to 8 bytes) and pushes ss, rsp, rflags, cs, rip (40); the stub
#   pushes the error code or a dummy and the vector (16), then 15 GPRs (120).
#   The stubs' part is checked against the machine code: the most any label
#   on TRAP_PATH pushes before its first jump or call, summed.
TRAP_PATH = (r"trap_stub_\d+", "trap_common", "trap_from_kernel")
TRAP_PUSHED = 16 + 120
KERNEL_TRAP_BYTES = 8 + 40 + TRAP_PUSHED
#   The IST stack starts 16-aligned, so no alignment padding there.
IST_TRAP_BYTES = 40 + TRAP_PUSHED

# The roots: the only ways C code starts running on a fresh stack.  Each is
# (name, asm entry, first C function, stack symbol, bytes the asm put on
# that stack before the call, why).
ROOTS = [
    ("boot", "boot.S boot_entry64", "kmain", "kernel_stack", 0,
     "rsp = kernel_stack_top, then call kmain; kmain never returns"),
    ("AP start", "trampoline.S tramp64", "ap_main", "kernel_stack", 0,
     "each CPU but the first jumps to ap_main on its own kernel_stack row; "
     "ap_main never returns"),
    ("syscall", "entry.S syscall_entry", "syscall_dispatch", "kernel_stack", 0,
     "user registers go to the Task's trapframe (cpu.frame_top), not to "
     "this stack; rsp = cpu.kstack_top, then call"),
    ("call/reply", "entry.S syscall_entry, RING_NOTIFY_WAIT", "syscall_call_reply",
     "kernel_stack", 0,
     "as syscall; when it returns NULL, entry.S calls syscall_dispatch on the "
     "same empty stack"),
    ("user trap", "entry.S trap_common, from user mode", "trap_user", "kernel_stack", 0,
     "the CPU pushes at TSS.rsp0, the top of the Task's trapframe (or on "
     "ist_stack for vectors 2/8/18); rsp = cpu.kstack_top, then call"),
    ("IST trap", "entry.S trap_from_kernel, vectors 2/8/18 (NMI, #DF, #MC)",
     "trap_kernel", "ist_stack", IST_TRAP_BYTES,
     "these gates use IST 1 (cpu.c idt_init), so they run on ist_stack "
     "even when they interrupt the kernel"),
]

# A trap taken in kernel mode runs trap_kernel on top of whatever the
# kernel stack holds at that moment (entry.S trap_from_kernel).  The graph
# gets a node for it, called from every function where one can happen:
#   - where interrupts are enabled (the kernel otherwise runs with IF clear:
#     syscall's SFMASK clears it, every IDT gate is an interrupt gate);
#     sti and popf are looked for in the machine code, see read_code();
#   - uaccess_copy, whose page faults are expected and fixed up.
# A fault anywhere else in kernel mode is a bug that panics; its depth is
# reported, not bounded.
KERNEL_TRAP = "[kernel-mode trap: %d bytes pushed]" % KERNEL_TRAP_BYTES
IRQ_ENABLED = {
    "kernel/core/sched.c:next_frame_slow": "sched_next_frame's work loop: cpu_irq_window() is sti; nop; cli",
    "kernel/core/sched.c:idle_wait": "the idle loop (next_frame_slow's and sched_idle_shared's): "
                                     "cpu_relax_halt() is sti; hlt; cli",
}
TRAPS_BY_DESIGN = {"uaccess_copy": "page fault resumed at uaccess_fault"}

# Functions written in assembly that C calls, with the bytes each uses
# (its return address; none of them pushes more).
ASM_FUNCS = {
    "uaccess_copy": 8,  # entry.S: rep movs, returns
    "enter_frame": 8,  # entry.S: jumps to return_to_frame, which moves rsp away
}
# Assembly whose address goes to the CPU (IDT, LSTAR), never to a C call.
HARDWARE_ENTRY = re.compile(r"^(syscall_entry|trap_stub_\d+)$")

# The pointer type of every indirect call site, by the source function the
# call is written in (gcc may inline it elsewhere), spelled as in the
# prototypes (typedef names are kept, so write size_t, not unsigned long).
INDIRECT_SITES = {
    "kernel/core/syscall.c:dispatch": "int64_t (struct trapframe *)",  # syscalls[]
    "kernel/core/syscall.c:dispatch_shared": "int64_t (struct trapframe *)",  # shared_syscalls[]
    "kernel/arch/x86_64/paging.c:paging_walk_alloc": "uint64_t (void *)",  # alloc argument
    "lib/base/vx_fmt.c:emit": "void (void *, const char *, size_t)",  # vx_fmt_sink
}

tap_n = 0
failed = 0


def tap(ok, msg, notes=()):
    global tap_n, failed
    tap_n += 1
    if not ok:
        failed += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", tap_n, msg))
    for n in notes:
        print("#   " + n)


def run(*argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def src_of(ci_text):
    m = re.match(r'graph: \{ title: "([^"]*)"', ci_text)
    return m.group(1) if m else "?"


class Graph:
    """The call graph of a set of analysis objects."""

    def __init__(self, objs, sites, asm_objs=()):
        self.sites = sites
        self.frame = {}  # title -> bytes
        self.where = {}  # title -> file:line
        self.dynamic = {}  # title -> why its stack is not static
        self.calls = defaultdict(list)  # title -> [(callee, call site)]
        self.indirect = []  # (caller, call site)
        self.defs = defaultdict(list)  # source file -> [(line, function)]
        self.sigs = {}  # title -> normalized prototype
        self.addr_taken = {}  # title -> where
        self.irq_on = set()
        self.unknown = []  # (caller, callee, site)
        self.missed = []  # calls in the machine code that gcc's graph lacks
        self.problems = []
        self.stacks = {}  # stack symbol -> bytes
        self.src_for = {}  # object -> its C source
        self.asm_refs = {}  # C function -> where assembly refers to it
        self.asm_pushed = {}  # assembly label -> bytes pushed before it transfers
        objs = list(objs)
        for o in objs:
            self.read_ci(o)
        for o in objs:
            self.read_aux(o)
            self.read_object(o)
        for o in asm_objs:
            self.read_asm(o)
        self.resolve()

    def title(self, src, name):
        """A static function's node is "file:name" in gcc's graph."""
        t = "%s:%s" % (src, name)
        return t if t in self.frame else name

    def read_ci(self, obj):
        path = obj[:-2] + ".ci"
        try:
            text = open(path).read()
        except OSError as e:
            self.problems.append("%s: %s" % (obj, e.strerror))
            return
        self.src_for[obj] = src_of(text)
        for m in re.finditer(r'node: \{ title: "([^"]*)" label: "([^"]*)"', text):
            title, label = m.groups()
            parts = label.split("\\n")
            if len(parts) < 4:
                continue  # a callee defined elsewhere
            sm = re.match(r"(\d+) bytes \(([^)]*)\)", parts[2])
            dm = re.match(r"(\d+) dynamic objects", parts[3])
            if not sm or not dm:
                self.problems.append("%s: cannot read gcc's label %r" % (path, label))
                continue
            self.frame[title] = int(sm.group(1))
            self.where[title] = parts[1]
            # "dynamic,bounded": gcc knows the most the function pushes (for
            # a call's stack arguments, say) and its figure includes it.
            if sm.group(2) not in ("static", "dynamic,bounded"):
                self.dynamic[title] = "%s stack" % sm.group(2)
            if int(dm.group(1)):
                self.dynamic[title] = "%s dynamic objects (VLA or alloca)" % dm.group(1)
        for m in re.finditer(r'edge: \{ sourcename: "([^"]*)" targetname: "([^"]*)"'
                             r'(?: label: "([^"]*)")?', text):
            src, dst, site = m.groups()
            site = site or "?"  # gcc gives no location for a call to a clone
            if dst == "__indirect_call":
                self.indirect.append((src, site))
            elif (dst, site) not in self.calls[src]:
                self.calls[src].append((dst, site))

    def read_aux(self, obj):
        """Prototypes, normalized to "ret (type, type)" without names."""
        try:
            lines = open(obj[:-2] + ".aux").read().splitlines()
        except OSError:
            return
        src = self.src_for.get(obj, "?")
        for line in lines:
            m = re.match(r"/\* (\S+):\d+:N([CF]) \*/ (.*)$", line)
            if not m:
                continue
            file, kind, decl = m.groups()
            line_no = int(line.split(":")[1])
            names = []
            if kind == "F":
                cm = re.search(r"\); /\* \(([^)]*)\).*\*/$", decl)
                if cm:
                    names = [n.strip() for n in cm.group(1).split(",") if n.strip()]
                    decl = decl[:cm.start() + 2]
            parsed = parse_proto(decl, names)
            if not parsed:
                continue
            name, sig, static = parsed
            if kind == "F" and file == src:
                self.defs[file].append((line_no, name))
            if kind == "F" and file == src and static:
                self.sigs[self.title(src, name)] = sig
            elif not static:
                self.sigs.setdefault(name, sig)

    def read_object(self, obj):
        src = self.src_for.get(obj, "?")
        funcs = defaultdict(list)  # section index -> [(value, name, bind)]
        for line in run("readelf", "-sW", obj).splitlines():
            f = line.split()
            if len(f) < 8 or not f[0].endswith(":") or not f[0][:-1].isdigit():
                continue
            value, size, typ, bind, _, ndx, name = f[1:8]
            if typ == "FUNC":
                funcs[ndx].append((int(value, 16), name, bind))
            if typ == "OBJECT" and ndx != "UND":
                self.stacks[name] = int(size, 0) // PER_CPU_ROWS.get(name, 1)
        secnames = {}
        for line in run("readelf", "-SW", obj).splitlines():
            m = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)", line)
            if m:
                secnames[m.group(2)] = m.group(1)
        for cur, rtype, name, addend in relocations(obj):
            if rtype == "R_X86_64_PLT32":
                continue  # a direct call or jump, already in the graph
            pcrel = "PC" in rtype
            if name.startswith("."):  # a section symbol: find the function
                ndx = secnames.get(name)
                target = addend + (4 if pcrel else 0)
                for value, fname, bind in funcs.get(ndx, ()):
                    if value == target:
                        t = self.title(src, fname) if bind == "LOCAL" else fname
                        self.addr_taken.setdefault(t, "%s %s" % (src, cur))
            elif name in self.frame or name in ASM_FUNCS:
                self.addr_taken.setdefault(name, "%s %s" % (src, cur))
            elif self.title(src, name) in self.frame:
                self.addr_taken.setdefault(self.title(src, name), "%s %s" % (src, cur))
        self.read_code(obj, src)

    def read_asm(self, obj):
        """Which C functions the assembly reaches (by call, jump or address),
        and whether it enables interrupts."""
        for cur, rtype, name, _ in relocations(obj):
            if name in self.frame:
                self.asm_refs.setdefault(name, "%s %s" % (obj, cur))
        fn, label, flowing = None, None, False
        for line in run("objdump", "-d", "--no-show-raw-insn", obj).splitlines():
            m = re.match(r"[0-9a-f]+ <([^>]+)>:", line)
            i = re.match(r"\s+[0-9a-f]+:\t(\S+)\s*(.*)$", line)
            if m:
                label, flowing = m.group(1), True
                fn = "%s:%s" % (obj, label)
                self.asm_pushed[label] = 0
            elif i and i.group(1) in ("sti", "popf", "popfq", "popfw"):
                self.irq_on.add(fn)
            if not i or not flowing:
                continue
            op, args = i.groups()
            if op == "call" or op == "ret" or op.startswith("jmp") or op == "iretq":
                flowing = False  # bytes pushed on the way to the first transfer
            elif op.startswith("push"):
                self.asm_pushed[label] += 8
            elif op == "sub" and args.endswith(",%rsp") and args.startswith("$"):
                self.asm_pushed[label] += int(args[1:-5], 0)

    def read_code(self, obj, src):
        """Interrupt enables, and the calls in the machine code, which must
        all be in gcc's graph: a call it did not report would be a blind
        spot (inline assembly, a call gcc generated late)."""
        fn, insn = None, None
        seen = defaultdict(set)  # function -> direct targets in the code
        indirect = set()  # functions with an indirect call or jump
        for line in run("objdump", "-dr", "--no-show-raw-insn", obj).splitlines() + [""]:
            m = re.match(r"[0-9a-f]+ <([^>]+)>:", line)
            r = re.match(r"\s+[0-9a-f]+: (R_X86_64_\w+)\s+(\S+)", line)
            if r and insn:
                insn[1].append(r.groups())
                continue
            if insn:  # the previous instruction with its relocations is whole
                self.classify(fn, insn, src, seen, indirect)
                insn = None
            if m:
                fn = self.title(src, re.sub(r"\.cold$", "", m.group(1)))
                continue
            i = re.match(r"\s+[0-9a-f]+:\t(\S+)\s*(.*)$", line)
            if not fn or not i:
                continue
            if i.group(1) in ("sti", "popf", "popfq", "popfw"):
                self.irq_on.add(fn)
            if i.group(1) == "call" or i.group(1).startswith("j"):
                insn = (i.groups(), [])
        for f, targets in seen.items():
            have = set(c for c, _ in self.calls.get(f, ()))
            for t in sorted(targets - have):
                self.missed.append("%s calls %s in the machine code" % (f, t))
        sites = set(c for c, _ in self.indirect)
        for f in sorted(indirect - sites):
            self.missed.append("%s makes an indirect call gcc did not report" % f)

    def classify(self, fn, insn, src, seen, indirect):
        (op, args), relocs = insn
        names = [n for t, n in relocs if t != "R_X86_64_NONE"]
        if args.startswith("*"):
            if not any(n.startswith(".rodata") for n in names):  # not a switch table
                indirect.add(fn)
            return
        for n in names:
            n = re.sub(r"[-+]0x[0-9a-f]+$", "", n)
            if not n.startswith("."):
                seen[fn].add(self.title(src, n))
        m = re.search(r"<([^>+]+)>$", args)
        if not relocs and m:
            t = self.title(src, re.sub(r"\.cold$", "", m.group(1)))
            if t != fn:
                seen[fn].add(t)

    def resolve(self):
        """Turn indirect sites and kernel-mode traps into edges."""
        for name, size in ASM_FUNCS.items():
            self.frame.setdefault(name, size)
            self.where.setdefault(name, "assembly")
        for caller, site in self.indirect:
            node = "[indirect %s]" % site
            if node not in self.frame:
                self.frame[node] = 0
                want = self.sites.get(self.written_in(site))
                for t in sorted(self.addr_taken):
                    if HARDWARE_ENTRY.match(t):
                        continue
                    if want is None or self.sigs.get(t) == norm(want):
                        self.calls[node].append((t, site))
            if (node, site) not in self.calls[caller]:
                self.calls[caller].append((node, site))
        if "trap_kernel" in self.frame:
            self.frame[KERNEL_TRAP] = KERNEL_TRAP_BYTES
            self.calls[KERNEL_TRAP].append(("trap_kernel", "entry.S trap_from_kernel"))
            for fn in set(IRQ_ENABLED) | set(TRAPS_BY_DESIGN):
                if fn in self.frame:
                    self.calls[fn].append((KERNEL_TRAP, "trap"))
        for caller in list(self.calls):
            for callee, site in self.calls[caller]:
                if callee not in self.frame:
                    self.unknown.append((caller, callee, site))
                    self.frame[callee] = 0
                    self.where[callee] = "unknown"

    def written_in(self, site):
        """'file:line:col' -> 'file:function' holding that line in the source."""
        parts = site.split(":")
        if len(parts) < 2 or not parts[1].isdigit():
            return "%s:?" % site
        file, line = parts[0], int(parts[1])
        best = None
        for start, name in sorted(self.defs.get(file, ())):
            if start <= line:
                best = name
        return "%s:%s" % (file, best)

    def cycles(self):
        """Every strongly connected component that recurses, as one cycle."""
        index, low, on, stack, sccs = {}, {}, set(), [], []
        for start in sorted(self.frame):
            if start in index:
                continue
            work = [(start, 0)]
            while work:
                v, i = work.pop()
                if i == 0:
                    index[v] = low[v] = len(index)
                    stack.append(v)
                    on.add(v)
                succ = [c for c, _ in self.calls.get(v, ())]
                if i < len(succ):
                    work.append((v, i + 1))
                    w = succ[i]
                    if w not in index:
                        work.append((w, 0))
                    elif w in on:
                        low[v] = min(low[v], index[w])
                    continue
                for w in succ:
                    if w in on:
                        low[v] = min(low[v], low[w])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    sccs.append(comp)
        out = []
        for comp in sccs:
            members = set(comp)
            head = min(comp, key=lambda v: (v.startswith("["), v))
            if len(comp) == 1 and head not in [c for c, _ in self.calls.get(head, ())]:
                continue
            out.append((members, self.path_in(head, members)))
        return out

    def path_in(self, head, members):
        """A shortest cycle head -> ... -> head inside one component."""
        prev, frontier = {}, [head]
        while frontier:
            nxt = []
            for v in frontier:
                for w, site in self.calls.get(v, ()):
                    if w == head:
                        path = [(w, site)]
                        while v != head:
                            path.append((v, prev[v][1]))
                            v = prev[v][0]
                        return [head] + ["%s (at %s)" % p for p in reversed(path)]
                    if w in members and w not in prev:
                        prev[w] = (v, site)
                        nxt.append(w)
            frontier = nxt
        return [head]

    def depths(self, cyclic):
        """Worst stack from each function down, ignoring edges that close a
        cycle; a function that reaches a cycle is marked unbounded."""
        memo, unbounded = {}, set()
        order = self.postorder()
        for v in order:
            best, via = 0, None
            for w, _ in self.calls.get(v, ()):
                if v in cyclic and w in cyclic:
                    unbounded.add(v)
                if w not in memo:
                    continue  # the edge closes a cycle
                if w in unbounded:
                    unbounded.add(v)
                if memo[w][0] > best:
                    best, via = memo[w][0], w
            memo[v] = (self.frame[v] + best, via)
        return memo, unbounded

    def postorder(self):
        """Every function after all it calls (but for edges that close a cycle)."""
        seen, order = set(), []
        for start in sorted(self.frame):
            if start in seen:
                continue
            seen.add(start)
            work = [(start, iter([c for c, _ in self.calls.get(start, ())]))]
            while work:
                v, it = work[-1]
                for w in it:
                    if w not in seen:
                        seen.add(w)
                        work.append((w, iter([c for c, _ in self.calls.get(w, ())])))
                        break
                else:
                    work.pop()
                    order.append(v)
        return order

    def worst_path(self, memo, root):
        path, v = [], root
        while v is not None and len(path) < 200:
            path.append("%s %d" % (v, self.frame[v]))
            v = memo[v][1]
        return path


def relocations(obj):
    """(section, type, symbol, addend) for every relocation outside debug info."""
    cur = None
    for line in run("readelf", "-rW", obj).splitlines():
        m = re.match(r"Relocation section '\.rela(\S+)'", line)
        if m:
            cur = m.group(1)
            continue
        f = line.split()
        if cur is None or cur.startswith(".debug") or len(f) < 5 or not f[2].startswith("R_"):
            continue
        addend = int(f[6], 16) * (-1 if f[5] == "-" else 1) if len(f) >= 7 else 0
        yield cur, f[2], f[4], addend


def split_top(s):
    """Split s at the commas outside parentheses."""
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += (ch == "(") - (ch == ")")
        cur += ch
    out.append(cur)
    return [p.strip() for p in out if p.strip()]


def norm(s):
    return re.sub(r"\s+", "", s)


def parse_proto(decl, names):
    """'static int f (int a, char *b);' -> ('f', 'int(int,char*)', True)."""
    decl = decl.strip()
    if not decl.endswith(");"):
        return None
    end, depth = len(decl) - 2, 0
    for i in range(end, -1, -1):
        depth += (decl[i] == ")") - (decl[i] == "(")
        if depth == 0:
            break
    m = re.search(r"(\w+)\s*$", decl[:i])
    if not m:
        return None
    params = split_top(decl[i + 1:end])
    for k, name in enumerate(names):
        if k < len(params):
            params[k] = re.sub(r"\b%s\b(?!.*\b%s\b)" % (name, name), "", params[k])
    words = decl[:m.start()].split()
    static = "static" in words
    ret = " ".join(w for w in words if w not in ("extern", "static", "inline", "_Noreturn"))
    return m.group(1), norm("%s(%s)" % (ret, ",".join(params))), static


def check_kernel(objs, asm_objs):
    g = Graph(objs, INDIRECT_SITES, asm_objs)
    tap(not g.problems and len(g.frame) > 0,
        "kstack: gcc's call graph and frame sizes for %d kernel objects (%d functions)"
        % (len(objs), len(g.frame)), g.problems)
    tap(not g.missed, "kstack: gcc's call graph holds every call in the machine code",
        g.missed)
    entered = set(r[2] for r in ROOTS) | {"trap_kernel"}
    tap(asm_objs and set(g.asm_refs) == entered,
        "kstack: the assembly enters C only at the listed roots (%s)" % " ".join(sorted(entered)),
        ["%s: reached from assembly (%s) but not a root" % (f, g.asm_refs[f])
         for f in sorted(set(g.asm_refs) - entered)] +
        ["%s: listed as a root, but no assembly refers to it" % f
         for f in sorted(entered - set(g.asm_refs))])
    pushed, parts = 0, []
    for pat in TRAP_PATH:
        got = [(n, b) for n, b in g.asm_pushed.items() if re.fullmatch(pat, n)]
        most = max(got, key=lambda nb: nb[1], default=(pat + " (missing)", 0))
        pushed += most[1]
        parts.append("%s %d" % most)
    tap(pushed == TRAP_PUSHED and all("missing" not in p for p in parts),
        "kstack: the trap path pushes the %d bytes the checker assumes (%s)"
        % (TRAP_PUSHED, ", ".join(parts)))
    asm_bad = ["%s: not defined in the assembly" % f for f in sorted(ASM_FUNCS)
               if f not in g.asm_pushed]
    asm_bad += ["%s: pushes %d bytes before it returns or jumps, ASM_FUNCS says %d in all"
                % (f, g.asm_pushed[f], n) for f, n in sorted(ASM_FUNCS.items())
                if f in g.asm_pushed and 8 + g.asm_pushed[f] > n]
    tap(not g.unknown and not asm_bad,
        "kstack: every callee is kernel C or a listed assembly function",
        ["%s calls %s at %s: not kernel code (add it to ASM_FUNCS with its stack use)"
         % u for u in g.unknown] + asm_bad)
    notes, bad, sites, covered = [], False, sorted(set(s for _, s in g.indirect)), set()
    for site in sites:
        node = "[indirect %s]" % site
        fn = g.written_in(site)
        known = fn in INDIRECT_SITES
        bad |= not known or not g.calls[node]
        covered |= set(t for t, _ in g.calls[node])
        notes.append("%s in %s, %s: %s" % (
            site, fn, INDIRECT_SITES.get(fn, "UNDECLARED type, so every address-taken function"),
            " ".join(t for t, _ in g.calls[node]) or "NO target"))
    for t in sorted(g.addr_taken):
        if not HARDWARE_ENTRY.match(t) and t not in covered:
            bad = True
            notes.append("%s: address taken (%s) but no site's type matches %s"
                         % (t, g.addr_taken[t], g.sigs.get(t, "its unknown prototype")))
    tap(not bad, "kstack: every indirect call site has a declared pointer type, and every "
        "address-taken function is a target of one (%d sites, %d functions)"
        % (len(sites), len(g.addr_taken)), notes)
    tap(not g.dynamic, "kstack: no kernel function has a dynamic stack (VLA, alloca)",
        ["%s (%s): %s" % (t, g.where[t], why) for t, why in sorted(g.dynamic.items())])
    stray = sorted(g.irq_on - set(IRQ_ENABLED))
    tap(not stray, "kstack: interrupts are enabled only in %s"
        % ", ".join(sorted(IRQ_ENABLED)),
        ["%s enables interrupts (sti/popf): list it in IRQ_ENABLED" % s for s in stray])
    cyc = g.cycles()
    cyclic = set().union(*[c[0] for c in cyc]) if cyc else set()
    tap(not cyc, "kstack: no recursion in the kernel call graph",
        ["cycle: " + " -> ".join(path) for _, path in cyc])
    memo, unbounded = g.depths(cyclic)
    for name, entry, fn, stack, pushed, why in ROOTS:
        size = g.stacks.get(stack, 0)
        limit = int(size * (1 - MARGIN))
        if fn not in memo:
            tap(False, "kstack: root %s: %s is not in the kernel" % (name, fn))
            continue
        depth = pushed + memo[fn][0]
        notes = ["entry: %s (%s)" % (entry, why),
                 "worst path: " + (("[asm %d] -> " % pushed) if pushed else "")
                 + " -> ".join(g.worst_path(memo, fn))]
        if fn in unbounded:
            tap(False, "kstack: root %s: unbounded, it reaches recursion (%d bytes before "
                "the first repeat)" % (name, depth), notes)
        else:
            tap(size and depth <= limit,
                "kstack: root %s: worst case %d bytes of %s's %d (limit %d, margin %d%%)"
                % (name, depth, stack, size, limit, int(MARGIN * 100)), notes)
    if KERNEL_TRAP in memo:
        print("# kernel-mode trap: %d bytes, %s (included in the roots above, at %s)" % (
            memo[KERNEL_TRAP][0], " -> ".join(g.worst_path(memo, KERNEL_TRAP)),
            ", ".join(sorted(set(IRQ_ENABLED) | set(TRAPS_BY_DESIGN)))))
        deepest = max((memo[r[2]][0] for r in ROOTS if r[3] == "kernel_stack" and r[2] in memo),
                      default=0)
        print("# a kernel bug that faults at the deepest point panics with %d bytes in use "
              "(reported, not bounded)" % (deepest + memo[KERNEL_TRAP][0]))
    top = sorted((f for f in g.frame if not f.startswith("[")), key=lambda f: -g.frame[f])
    print("# top stack users (bytes per frame):")
    for f in top[:10]:
        print("#   %5d  %s (%s)" % (g.frame[f], f, g.where[f]))


def check_fixture(obj):
    """A fixture must fail: every function in it is a root."""
    g = Graph([obj], {})
    cyc = g.cycles()
    memo, unbounded = g.depths(set().union(*[c[0] for c in cyc]) if cyc else set())
    limit = int(16384 * (1 - MARGIN))
    deep = [f for f in g.frame if f in memo and memo[f][0] > limit]
    found = {"cycle": ["cycle: " + " -> ".join(p) for _, p in cyc],
             "deep": ["%s: %d bytes" % (f, memo[f][0]) for f in sorted(deep)],
             "dynamic": ["dynamic: %s (%s)" % kv for kv in sorted(g.dynamic.items())],
             "missed": g.missed}
    src = g.src_for.get(obj, obj)
    try:
        want = re.findall(r"kstack-expect: (\w+)", open(src).read())
    except OSError:
        want = []
    ok = bool(want) and all(found.get(w) for w in want) and not g.problems
    tap(ok, "kstack self-test: %s is caught (%s)" % (src, ", ".join(want) or "no expectation"),
        sum(found.values(), []) + g.problems)


def main(argv):
    groups, cur = {"": [], "--asm": [], "--fixtures": []}, ""
    for a in argv:
        if a in groups:
            cur = a
        else:
            groups[cur].append(a)
    if not groups[""]:
        print(__doc__[__doc__.index("usage:"):].strip(), file=sys.stderr)
        return 2
    check_kernel(groups[""], groups["--asm"])
    fixtures = groups["--fixtures"]
    for f in fixtures:
        check_fixture(f)
    print("1..%d" % tap_n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
