#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# BIP39 differential test: lib/crypto (through $B/host/tests/crypto/tool_bip39)
# against Debian's python3-mnemonic, in one batch each way:
#   - 10,000 random entropies of every size -> phrase, and phrase -> entropy;
#   - 2,000 corrupted phrases (one word replaced by another list word, or two
#     words swapped): python-mnemonic's check() and our VX_E_AUTH must agree;
#   - 300 seeds with random passphrases: ASCII, empty, and non-ASCII ones that
#     we pass already NFKD-normalised (our documented contract) while
#     python-mnemonic normalises them itself.
import os
import random
import subprocess
import sys
import unicodedata

from mnemonic import Mnemonic

B = os.environ.get("B", "build")
TOOL = os.path.join(B, "host/tests/crypto/tool_bip39")
VX_E_AUTH = -20
UNICODE = ["ñ", "é", "Å", "ﬁ", "①", "ｶ", "한", "½", "Ω", "😀"]


def run_tool(jobs):
    res = subprocess.run([TOOL], input="".join(jobs).encode(), capture_output=True)
    if res.returncode != 0:
        raise RuntimeError("tool_bip39 exited %d: %s" % (res.returncode, res.stderr[:300]))
    return res.stdout.decode().split("\n")[:len(jobs)]


def main():
    rng = random.Random(0xB139)
    m = Mnemonic("english")
    # to_mnemonic() asks detect_language() whether to join with the Japanese
    # ideographic space, and that re-reads every wordlist file on each call
    # (about 1 ms).  Our list is English, so answer it directly; the
    # encoding itself is still entirely python-mnemonic's.
    m.detect_language = lambda phrase: "english"
    words = m.wordlist
    results = []

    ents = [rng.randbytes(rng.choice([16, 20, 24, 28, 32])) for _ in range(10000)]
    ents[:5] = [bytes(n) for n in (16, 20, 24, 28, 32)]
    ref_phrases = [m.to_mnemonic(e) for e in ents]
    ours = run_tool(["m %s\n" % e.hex() for e in ents])
    bad = sum(a != b for a, b in zip(ours, ref_phrases))
    results.append((bad == 0, "entropy -> phrase, %d entropies of 16..32 bytes (%d differ)"
                    % (len(ents), bad)))
    back = run_tool(["e %s\n" % p.encode().hex() for p in ref_phrases])
    bad = sum(a != e.hex() for a, e in zip(back, ents))
    results.append((bad == 0, "phrase -> entropy, %d phrases (%d differ)" % (len(ents), bad)))

    corrupt = []
    for i in range(2000):
        w = ref_phrases[i].split(" ")
        if i % 2:
            w[rng.randrange(len(w))] = rng.choice(words)
        else:
            a, b = rng.randrange(len(w)), rng.randrange(len(w))
            w[a], w[b] = w[b], w[a]
        corrupt.append(" ".join(w))
    got = run_tool(["e %s\n" % p.encode().hex() for p in corrupt])
    bad = 0
    n_invalid = 0
    for p, g in zip(corrupt, got):
        valid = m.check(p)
        n_invalid += not valid
        if valid:
            bad += g != m.to_entropy(p).hex()
        else:
            bad += g != "ERR %d" % VX_E_AUTH
    results.append((bad == 0 and n_invalid > 1000,
                    "corrupted phrases: valid/invalid agrees with check(), invalid ones are "
                    "VX_E_AUTH (%d of %d invalid, %d differ)" % (n_invalid, len(corrupt), bad)))

    seeds = []
    for i in range(300):
        phrase = ref_phrases[i]
        kind = i % 3
        if kind == 0:
            pw = ""
        elif kind == 1:
            pw = "".join(chr(rng.randrange(32, 127)) for _ in range(rng.randrange(1, 40)))
        else:
            pw = "".join(rng.choice(UNICODE + ["a", "b", " "]) for _ in range(rng.randrange(1, 12)))
        seeds.append((phrase, pw))
    jobs = ["s %s %s\n" % (p.encode().hex(),
                           unicodedata.normalize("NFKD", pw).encode().hex() or "-")
            for p, pw in seeds]
    got = run_tool(jobs)
    for kind, name in ((0, "empty"), (1, "ASCII"), (2, "non-ASCII, passed as NFKD")):
        idx = [i for i in range(len(seeds)) if i % 3 == kind]
        bad = sum(got[i] != m.to_seed(*seeds[i]).hex() for i in idx)
        results.append((bad == 0, "seed, %s passphrase, %d phrases (%d differ)"
                        % (name, len(idx), bad)))

    print("1..%d" % len(results))
    for n, (ok, name) in enumerate(results, 1):
        print("%sok %d - bip39 %s" % ("" if ok else "not ", n, name))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
