#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""docs/POSIX.md's syscall coverage table, made from the sources.

Every Linux x86_64 syscall number (lib/posix/linux.h's LX_SYSCALLS list)
gets a row: implemented when services/linuxd/sys.c's table has an entry
for it, partial when PARTIAL below says what is missing, ENOSYS otherwise;
and which test exercised it: the served counts of `linux --stats` that
scenario_linux prints at its end (its serial log, if given).

    coverage.py [TEST=SERIAL_LOG...]  prints the table; each TEST is named
                                      for the calls its log shows served
    coverage.py --check DOC           exit 1 if DOC's table is not the one
                                      the sources make (tests column aside)
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")

PARTIAL = {
    "mmap": "a shared area cut by a partial munmap or mprotect is the cutting process's own from then on (a shared file mapping's pieces still reach the file)",
    "mprotect": "a part of an area is copied into an area of its own",
    "mremap": "always ENOMEM: callers fall back to copying",
    "clone": "threads share memory, files, working directory and handlers, or are ENOSYS; 8 a process; processes: CLONE_VM with CLONE_VFORK gets copy-on-write memory",
    "clone3": "as clone; no pidfd, set_tid or cgroup",
    "vfork": "the parent runs on at once; the child's memory is copy-on-write, not shared",
    "fork": "copy-on-write per area, not per page",
    "futex": "WAIT, WAKE and their BITSET forms; no REQUEUE, WAKE_OP or PI; a word is private to its process even in MAP_SHARED memory",
    "set_robust_list": "the list is never walked: a thread that dies holding a robust mutex leaves it held",
    "rt_sigtimedwait": "the siginfo names the signal, not its sender; a blocked signal whose default is to be ignored is not kept for it",
    "sigaltstack": "accepted, not used: handlers run on the normal stack",
    "wait4": "rusage is all zero; WCONTINUED is not reported",
    "rt_sigaction": "SA_ONSTACK ignored; SA_RESTART not honoured (blocked calls return EINTR)",
    "prlimit64": "limits are reported; new ones are accepted, not enforced",
    "getrlimit": "limits are reported",
    "fcntl": "locks always succeed (nobody to lock against)",
    "ioctl": "the terminal's TCGETS, TCSETS*, TIOCGWINSZ, TIOCSPGRP, TIOCGPGRP, FIONREAD",
    "chmod": "modes on /work and /tmp are linuxd's (vfsd keeps none): kept while it runs, 128 names",
    "fchmod": "as chmod",
    "chown": "owners are not kept: everyone is root",
    "fchown": "owners are not kept: everyone is root",
    "lchown": "owners are not kept: everyone is root",
    "madvise": "the range is checked; the advice is not acted on",
    "rseq": "cpu_id is always 0 (no thread is shown its CPU); a signal does not abort a critical section",
    "utimensat": "accepted, not kept (no times on vfsd)",
    "statx": "always ENOSYS: glibc falls back to newfstatat",
    "setuid": "everyone is root (uid 0)",
    "setgid": "everyone is root (gid 0)",
    "getrusage": "all zero",
    "sysinfo": "memory is linuxd's, not the machine's",
    "fsync": "vfsd's RAM files: nothing to flush",
    "fdatasync": "vfsd's RAM files: nothing to flush",
    "arch_prctl": "ARCH_SET_FS and ARCH_GET_FS; GS and CET are EINVAL",
}


def syscalls():
    text = open(os.path.join(ROOT, "lib/posix/linux.h")).read()
    return [(int(n), name) for n, name in re.findall(r"X\((\d+),\s*(\w+)\)", text)]


def implemented():
    text = open(os.path.join(ROOT, "services/linuxd/sys.c")).read()
    table = text[text.index("static const sys_fn table"):]
    table = table[:table.index("};")]
    return {m: fn for m, fn in re.findall(r"\[LX_SYS_(\w+)\]\s*=\s*(\w+)", table)}


def exercised(log):
    served = set()
    if log and os.path.exists(log):
        for line in open(log, errors="replace"):
            m = re.match(r"\s+(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", line.replace("\r", ""))
            if m and int(m.group(3)) > 0:
                served.add(m.group(1))
    return served


def rows(logs=()):
    impl = implemented()
    seen = [(name, exercised(log)) for name, log in logs]
    out = ["| nr | syscall | status | what is missing | exercised by |",
           "|---:|---|---|---|---|"]
    for nr, name in syscalls():
        if name not in impl:
            status, note = "ENOSYS", ""
        elif name in PARTIAL:
            status, note = "partial", PARTIAL[name]
        else:
            status, note = "yes", ""
        test = ", ".join(t for t, calls in seen if name in calls)
        out.append("| %d | `%s` | %s | %s | %s |" % (nr, name, status, note, test))
    return out


def strip_tests(lines):
    return [l.rsplit("|", 2)[0] for l in lines if l.startswith("| ") and l[2:3].isdigit()]


def main(argv):
    if len(argv) == 3 and argv[1] == "--check":
        doc = open(argv[2]).read().splitlines()
        want = strip_tests(rows())
        have = strip_tests(doc)
        if want != have:
            bad = [w for w, h in zip(want, have) if w != h][:5] or ["%d rows, want %d" % (len(have), len(want))]
            print("docs/POSIX.md's coverage table is stale: tools/linux/coverage.py makes it; first differences:")
            for b in bad:
                print("  " + b)
            return 1
        print("ok - docs/POSIX.md's coverage table matches services/linuxd/sys.c")
        return 0
    print("\n".join(rows([a.split("=", 1) for a in argv[1:]])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
