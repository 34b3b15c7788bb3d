#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The layers of the tree, as a check: every #include must point down.

    include/        the ABI (include/vectra/, its protocols in proto/):
                    includes only itself
    lib/base        freestanding, side-effect free: include/, itself
    lib/crypto      include/, lib/base, itself
    lib/trust       include/, lib/base, lib/crypto, itself
    lib/rt          the user-land runtime: include/, lib/base, lib/crypto, itself
    lib/client      one client per service protocol: include/, lib/base,
                    lib/crypto, lib/rt, itself
    lib/dev         PCI and virtio for drivers: include/, lib/base, itself
    lib/drv         a driver Task's bring-up (syscalls): include/, lib/base,
                    lib/rt, lib/dev, itself
    lib/blk         GPT, CRC-32, the block protocol's decoder, the writers'
                    claims: include/, lib/base, itself
    lib/net         the network protocols as pure state machines: include/,
                    lib/base, lib/crypto (keyed TCP initial sequence numbers),
                    itself
    lib/fs          file systems on a caller's block device: include/,
                    lib/base, lib/crypto (Keep's BLAKE3 checksums), itself
    lib/posix       the Linux ABI for linuxd, pure logic: include/,
                    lib/base, itself
    kernel/core     include/, lib/base, itself, and the arch seam only as "arch.h"
    kernel/arch/A   include/, lib/base, kernel/core, its own directory
    services/       include/, lib/*, services/

Code outside the layers (tests/, bench/, tools/) may include anything, but
every quoted include it makes must name a file of the tree: a path that
leaves the tree builds only where that path happens to exist.

So the kernel never reaches the runtime or the services, lib never reaches
the services, lib/rt never reaches the protocol clients, core never
reaches arch internals, and include/ reaches nothing.  System headers
(<...> that name no file of the tree) are limited to the freestanding C
set in every layer above, with the exceptions listed in SYSTEM_EXTRA.

An include, quoted or not, is resolved the way the compiler would: the
including file's directory first (quoted only), then the include
directories of mk/config.mk.  One that names a file of the tree is held
to the table; docs/ARCHITECTURE.md draws the same table (--table prints
it, and tests/layers/test_check_layers.sh compares the two).

usage: tools/check-layers.py [ROOT]     prints TAP, exits 1 on a violation
       tools/check-layers.py --table    prints the table of allowed edges
"""
import os
import re
import sys

LAYERS = [  # (name, path prefix), most specific first
    ("include", "include/"),
    ("base", "lib/base/"),
    ("crypto", "lib/crypto/"),
    ("trust", "lib/trust/"),
    ("rt", "lib/rt/"),
    ("client", "lib/client/"),
    ("dev", "lib/dev/"),
    ("drv", "lib/drv/"),
    ("blk", "lib/blk/"),
    ("fs", "lib/fs/"),
    ("net", "lib/net/"),
    ("posix", "lib/posix/"),
    ("core", "kernel/core/"),
    ("arch", "kernel/arch/"),
    ("services", "services/"),
]

ALLOWED = {
    "include": {"include"},
    "base": {"include", "base"},
    "crypto": {"include", "base", "crypto"},
    "trust": {"include", "base", "crypto", "trust"},
    "rt": {"include", "base", "crypto", "rt"},
    "client": {"include", "base", "crypto", "rt", "client"},
    "dev": {"include", "base", "dev"},
    "drv": {"include", "base", "rt", "dev", "drv"},
    "fs": {"include", "base", "crypto", "fs"},
    "blk": {"include", "base", "blk"},
    "net": {"include", "base", "crypto", "net"},
    "posix": {"include", "base", "posix"},
    "core": {"include", "base", "core", "arch"},  # arch: "arch.h" only, below
    "arch": {"include", "base", "core", "arch"},
    "services": {"include", "base", "crypto", "trust", "rt", "client", "dev", "drv", "blk", "fs",
                 "net", "posix", "services"},
}

# The include path of every build (mk/config.mk).
SEARCH = ["include", "lib", "lib/base", "kernel", "kernel/arch/x86_64"]

FREESTANDING = {"stdint.h", "stddef.h", "stdbool.h", "stdarg.h", "stdalign.h", "limits.h",
                "stdnoreturn.h"}
SYSTEM_EXTRA = {
    # host builds of the memory routines use libc's
    "lib/base/vx_string.h": {"string.h"},
    # SIMD paths, chosen at run time
    "lib/crypto/argon2.c": {"immintrin.h"},
    "lib/crypto/blake3.c": {"emmintrin.h"},
    "lib/crypto/chacha20.c": {"immintrin.h"},
    # the host's entropy source, built only for host programs
    "lib/crypto/rng_host.c": {"sys/random.h", "errno.h"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def layer_of(path):
    for name, prefix in LAYERS:
        if path.startswith(prefix):
            return name
    return None


def resolve(root, src, target, quoted=True):
    here = [os.path.dirname(src)] if quoted else []
    for d in here + SEARCH:
        cand = os.path.normpath(os.path.join(d, target))
        if not cand.startswith("..") and os.path.isfile(os.path.join(root, cand)):
            return cand
    return None


LAYERED = ("include", "lib", "kernel", "services")
UNLAYERED = ("tests", "bench", "tools")


def sources(root, tops=LAYERED):
    for top in tops:
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for f in sorted(files):
                if f.endswith((".c", ".h", ".S")):
                    yield os.path.relpath(os.path.join(dirpath, f), root)


def check(root):
    problems = []
    for src in sorted(sources(root)):
        layer = layer_of(src)
        with open(os.path.join(root, src), encoding="utf-8", errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                kind, target = m.groups()
                where = f"{src}:{n}"
                dest = resolve(root, src, target, kind == '"')
                if kind == "<" and dest is None:
                    if target not in FREESTANDING | SYSTEM_EXTRA.get(src, set()):
                        problems.append(f"{where}: <{target}> is not a freestanding header")
                    continue
                if dest is None:
                    problems.append(f'{where}: "{target}" resolves to no file')
                    continue
                to = layer_of(dest)
                if to not in ALLOWED[layer]:
                    problems.append(f"{where}: {layer} -> {to or dest} ({target})")
                elif layer == "core" and to == "arch" and target != "arch.h":
                    problems.append(f"{where}: core -> arch internals ({target}); use arch.h")
    for src in sorted(sources(root, UNLAYERED)):
        with open(os.path.join(root, src), encoding="utf-8", errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                m = INCLUDE.match(line)
                if m and m.group(1) == '"' and resolve(root, src, m.group(2)) is None:
                    problems.append(f'{src}:{n}: "{m.group(2)}" resolves to no file of the tree')
    return problems


def table():
    """The allowed edges, one layer a line, in LAYERS order."""
    order = [name for name, _ in LAYERS]
    width = max(len(p) for _, p in LAYERS)
    lines = []
    for name, prefix in LAYERS:
        may = [dict(LAYERS)[n] for n in order if n in ALLOWED[name] and n != name]
        if name == "core":
            may = [m + " (arch.h only)" if m == "kernel/arch/" else m for m in may]
        lines.append(f"{prefix:<{width}}  -> {', '.join(may) or '(nothing)'}")
    return lines


def main():
    if sys.argv[1:] == ["--table"]:
        print("\n".join(table()))
        return 0
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    problems = check(root)
    for p in problems:
        print(f"#   {p}")
    if problems:
        print(f"not ok 1 - layers: {len(problems)} include(s) point the wrong way")
        return 1
    print("ok 1 - layers: every include points down (include <- lib <- kernel, services)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
