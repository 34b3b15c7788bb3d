#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# BLAKE3 differential test: lib/crypto (through $B/host/tests/crypto/tool_hash)
# against Debian's b3sum, over 10,000 random inputs spread across the four
# modes: hash, keyed hash (--keyed), derive-key (--derive-key) and long XOF
# output (--length), plus seeks into the XOF stream and random update splits.
# Lengths are random up to 9 KiB with extra weight on the block and chunk
# edges (63/64/65, 1023/1024/1025, 2047/2048/2049, ...), and a few inputs of
# up to 1 MiB.  Inputs go through files and b3sum runs once per group of
# identical options, so the whole run takes seconds.  A sixth of the inputs
# (one update, no seek) go through the one-call functions instead, which
# have a vector path of their own for inputs longer than a chunk.
import os
import random
import subprocess
import sys
import tempfile

N = 10000
B = os.environ.get("B", "build")
TOOL = os.path.join(B, "host/tests/crypto/tool_hash")
KEYS = [bytes(range(32)), bytes(random.Random(7).randrange(256) for _ in range(32))]
CONTEXTS = ["VectraOS 2026-01-01 test context", "x"]
SIZES = {}  # input file -> its length
OUTLENS = [32, 1, 31, 64, 65, 200, 1025]


def pick_len(rng):
    r = rng.random()
    if r < 0.4:
        edge = rng.choice([64, 128, 1024, 2048, 3072, 4096, 8192])
        return max(0, edge + rng.choice([-1, 0, 1]))
    if r < 0.402:
        return rng.randrange(1 << 20) + 1
    return rng.randrange(9 * 1024)


def base(mode):
    """The mode without "-oneshot": what b3sum is asked for."""
    return mode.removesuffix("-oneshot")


def b3sum(args, files, stdin=None):
    """One b3sum run over many files; returns hex digests in file order."""
    out = []
    for i in range(0, len(files), 2000):
        res = subprocess.run(["b3sum", "--no-names"] + args + files[i:i + 2000],
                             input=stdin, capture_output=True, check=True)
        out += res.stdout.decode().split()
    return out


def main():
    rng = random.Random(0xB1A4E3)
    results = {}
    with tempfile.TemporaryDirectory() as d:
        jobs = []
        for i in range(N):
            n = i if i < 300 else pick_len(rng)
            path = os.path.join(d, "in%05d" % i)
            SIZES[path] = n
            with open(path, "wb") as f:
                f.write(rng.randbytes(n))
            mode = ["blake3", "blake3-keyed", "blake3-derive"][i % 3]
            key = rng.randrange(2)
            outlen = OUTLENS[0] if i % 2 == 0 else rng.choice(OUTLENS)
            offset = 0 if i % 5 else rng.choice([1, 63, 64, 65, 1000])
            split = 0 if i % 4 else i + 1
            if split == 0 and offset == 0 and (i // 3) % 2:
                mode += "-oneshot"
            jobs.append((mode, key, outlen, offset, split, path))
        # ours, all in one process
        lines = []
        for mode, key, outlen, offset, split, path in jobs:
            param = {"blake3": "-", "blake3-keyed": KEYS[key].hex(),
                     "blake3-derive": CONTEXTS[key].replace(" ", "_")}[base(mode)]
            lines.append("%s %s %d %d %d %s\n" % (mode, param, outlen, offset, split, path))
        res = subprocess.run([TOOL], input="".join(lines).encode(), capture_output=True)
        if res.returncode != 0:
            print("not ok 1 - tool_hash failed: %s" % res.stderr.decode()[:500])
            return 1
        ours = res.stdout.decode().split()
        # the reference, grouped by identical options
        groups = {}
        for idx, (mode, key, outlen, offset, split, path) in enumerate(jobs):
            groups.setdefault((base(mode), key, outlen + offset), []).append(idx)
        ref = [None] * N
        for (mode, key, total), idxs in groups.items():
            args = ["--length", str(total)]
            stdin = None
            if mode == "blake3-keyed":
                args.append("--keyed")
                stdin = KEYS[key]
            elif mode == "blake3-derive":
                args += ["--derive-key", CONTEXTS[key].replace(" ", "_")]
            for idx, h in zip(idxs, b3sum(args, [jobs[i][5] for i in idxs], stdin)):
                off = jobs[idx][3]
                ref[idx] = h[2 * off:]
    checks = [
        ("hash", lambda j: base(j[0]) == "blake3" and j[2] == 32 and j[3] == 0),
        ("keyed hash (--keyed)", lambda j: base(j[0]) == "blake3-keyed"),
        ("derive-key (--derive-key)", lambda j: base(j[0]) == "blake3-derive"),
        ("one-call functions longer than a chunk",
         lambda j: j[0].endswith("-oneshot") and SIZES[j[5]] > 1024),
        ("XOF output lengths (--length)", lambda j: j[2] != 32),
        ("XOF seek to offsets", lambda j: j[3] != 0),
        ("random update splits", lambda j: j[4] != 0),
        ("all %d inputs" % N, lambda j: True),
    ]
    status = 0
    print("1..%d" % len(checks))
    for t, (name, sel) in enumerate(checks, 1):
        idxs = [i for i, j in enumerate(jobs) if sel(j)]
        bad = [i for i in idxs if i >= len(ours) or ours[i] != ref[i]]
        if bad or not idxs:
            status = 1
            print("not ok %d - blake3 %s: %d of %d differ" % (t, name, len(bad), len(idxs)))
            for i in bad[:3]:
                print("# job %s" % (jobs[i],))
        else:
            print("ok %d - blake3 %s: %d inputs agree with b3sum" % (t, name, len(idxs)))
    return status


sys.exit(main())
