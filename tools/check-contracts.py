#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Every kernel function the rest of the kernel may call has a contract.

docs/ARCHITECTURE.md ("Locking (SMP)") says every function in kernel/
runs with the kernel lock held exclusive unless its contract comment says
otherwise, the way xv6's comments say what each function needs held.  So
each function with external linkage defined in kernel/ (a definition that
starts at column 0 and is not static) must have a comment right above it:
its last line ends the comment, with at most its own prototype and
attribute lines between.  This checks that; what the comment says is for
review.

usage: tools/check-contracts.py [FILE...]   (default: kernel/**/*.c)
       tools/check-contracts.py --self-test
Prints a TAP line per file; exits 1 if any function has no contract.
"""
import glob
import re
import sys

# A definition's first line: a return type and a name at column 0, an
# open parenthesis, and no semicolon (a prototype) at its end.
DEF = re.compile(r"^(?!static\b|typedef\b|struct\s+\w+\s*\{|#|\s)[A-Za-z_][\w\s\*]*?\b(\w+)\(")


def missing(text):
    """The names of the external functions in text with no comment above."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        m = DEF.match(line)
        if not m or line.rstrip().endswith(";") or line.rstrip().endswith(","):
            continue
        # The definition's body starts at the first "{" at column 0 after
        # it, with no ";" before that (a multi-line prototype has one).
        j = i
        while j < len(lines) and not lines[j].startswith("{"):
            if lines[j].rstrip().endswith(";"):
                break
            j += 1
        if j >= len(lines) or not lines[j].startswith("{"):
            continue
        name = m.group(1)
        k = i - 1
        while k >= 0 and (lines[k].startswith("__attribute__") or lines[k].startswith("_Noreturn")
                          or (lines[k].rstrip().endswith(";") and name + "(" in lines[k])):
            k -= 1
        if k < 0 or not lines[k].rstrip().endswith("*/"):
            out.append((i + 1, name))
    return out


def self_test():
    bad = "int a;\n\nvoid lonely(void)\n{\n}\n"
    good = ("/* Says what it needs held. */\nvoid fine(void);\nvoid fine(void)\n{\n}\n"
            "static void hidden(void)\n{\n}\n/* Multi\n * line. */\nint\nwide(int a,\n     int b)\n{\n}\n")
    cases = [
        ("a function with no comment is caught", [n for _, n in missing(bad)] == ["lonely"]),
        ("a comment above the prototype counts; static functions are skipped",
         missing(good) == []),
        ("a prototype alone is not a definition", missing("void p(void);\n") == []),
    ]
    n = 0
    for name, ok in cases:
        n += 1
        print("%s %d - check-contracts self-test: %s" % ("ok" if ok else "not ok", n, name))
    return all(ok for _, ok in cases)


def main(argv):
    if argv[1:] == ["--self-test"]:
        return 0 if self_test() else 1
    files = argv[1:] or sorted(glob.glob("kernel/**/*.c", recursive=True))
    bad = 0
    for n, path in enumerate(files, 1):
        with open(path, encoding="utf-8") as f:
            found = missing(f.read())
        if found:
            bad += 1
            print("not ok %d - contracts: %s" % (n, path))
            for line, name in found:
                print("#   %s:%d: %s has no contract comment above it" % (path, line, name))
        else:
            print("ok %d - contracts: %s" % (n, path))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
