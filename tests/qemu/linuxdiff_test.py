# SPDX-License-Identifier: BSD-3-Clause
"""Differential tests of the POSIX bridge against Linux itself (issue 14,
docs/POSIX.md): the same programs, the same busybox binary, under linuxd in
VectraOS and on this Linux host, their outputs compared byte for byte.

  - shell scripts (tests/linux/root/tests/sh/*.sh) run by busybox sh through
    the wrapper tests/linux/root/tests/lxdiff.sh, which keeps stdout, stderr
    and the exit status apart although the console merges them
  - badptr (tests/linux/badptr.c): every call linuxd serves, given bad
    pointers; linuxd must answer as Linux does and survive
  - hostile programs, each a named check: an mmap storm, a fork bomb, a
    signal handler that never returns, a fault, paths that try to leave
    the root

One VectraOS boot for all of it.  The host side runs the very files that
went into the root archive (the overlay, mk/linux.mk), bounded by timeouts.
"""
import base64
import difflib
import glob
import os
import re
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vterm import Timeout, has, mem_figures, run_session, whole_line  # noqa: E402

PROMPT = "vshell> "
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
OVERLAY = os.path.join(TOP, "tests", "linux", "root")
BUSYBOX = "/bin/busybox"
SCRIPTS = sorted(os.path.basename(p)[:-3]
                 for p in glob.glob(os.path.join(OVERLAY, "tests", "sh", "*.sh")))
RESULT = re.compile(r"^@@lxdiff (\S+) status (\d+)\n@@stdout\n(.*?)^@@stderr\n(.*?)^@@end \1$",
                    re.S | re.M)


def main():
    build = os.environ.get("B", "build")
    with tempfile.TemporaryDirectory(prefix="linuxdiff-") as tmp:
        host = HostSide(build, tmp)
        return run_session("linuxdiff", lambda t, tap: run(t, tap, host))


# ------------------------------------------------------------ the host side

class HostSide:
    """Runs the overlay's scripts and programs on the Linux host: busybox's
    applets alone on PATH, every run in a scratch directory of its own."""

    def __init__(self, build, tmp):
        self.build = os.path.abspath(build)
        self.tmp = tmp
        self.bin = os.path.join(tmp, "bin")
        os.mkdir(self.bin)
        applets = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True,
                                 timeout=30).stdout.split()
        for a in applets:
            os.symlink(BUSYBOX, os.path.join(self.bin, a))
        self.env = {"PATH": self.bin, "HOME": "/", "TZ": "UTC0", "LC_ALL": "C"}

    @staticmethod
    def default_signals():
        """In the host's child, before exec: SIGINT and SIGQUIT back to their
        default actions.  A test run started in the background (`make test &`,
        nohup) ignores them, and the child would inherit that: a script's
        `kill -INT $$` would then do nothing on the host side alone."""
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGQUIT, signal.SIG_DFL)

    def script(self, name):
        """The wrapper's report for one script, as text (or a failure note)."""
        try:
            r = subprocess.run([BUSYBOX, "sh", os.path.join(OVERLAY, "tests", "lxdiff.sh"),
                                os.path.join(OVERLAY, "tests", "sh", name + ".sh"),
                                os.path.join(self.tmp, "sh-" + name)],
                               stdin=subprocess.DEVNULL, capture_output=True, env=self.env,
                               timeout=120, preexec_fn=self.default_signals)
        except subprocess.TimeoutExpired:
            return "(the host run timed out)"
        return r.stdout.decode("utf-8", "replace")

    def program(self, name, *args, tty=False, timeout=120):
        """Output and wait status of one overlay program run on the host.
        With tty, its stdin is a pseudo-terminal it controls, like the
        console is under linuxd."""
        path = os.path.join(self.build, "linux", "overlay", "tests", "bin", name)
        scratch = os.path.join(self.tmp, "prog-" + name)
        os.makedirs(scratch, exist_ok=True)
        master = slave = None
        kw = {}
        if tty:
            import fcntl
            import termios
            master, slave = os.openpty()

            def ctty():
                self.default_signals()
                fcntl.ioctl(0, termios.TIOCSCTTY, 0)
            kw = {"stdin": slave, "start_new_session": True, "preexec_fn": ctty}
        else:
            kw = {"stdin": subprocess.DEVNULL, "preexec_fn": self.default_signals}
        try:
            r = subprocess.run([path] + list(args), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, cwd=scratch, env=self.env,
                               timeout=timeout, **kw)
            return r.stdout.decode("utf-8", "replace"), r.returncode
        except subprocess.TimeoutExpired:
            return "(the host run timed out)", None
        finally:
            for fd in (master, slave):
                if fd is not None:
                    os.close(fd)


# --------------------------------------------------------------- comparing

def parse(text, name):
    """(status, stdout bytes, stderr bytes) from the wrapper's report."""
    for m in RESULT.finditer(text):
        if m.group(1) == name:
            try:
                return (int(m.group(2)), base64.b64decode(m.group(3)),
                        base64.b64decode(m.group(4)))
            except ValueError:
                return None
    return None


def render(res):
    status, out, err = res
    return (["exit status %d" % status, "--- stdout"] +
            out.decode("utf-8", "replace").split("\n") +
            ["--- stderr"] + err.decode("utf-8", "replace").split("\n"))


def diff(linux, vectra):
    return "\n".join(difflib.unified_diff(linux, vectra, "Linux", "VectraOS", lineterm="", n=2))


def report(tap, name, ok, detail):
    """A check whose whole diagnostic is printed (Tap keeps only 15 lines)."""
    tap.check(name, ok)
    if not ok:
        for line in detail.splitlines()[:80]:
            print("#   " + line, flush=True)


def linux_cmd(t, line, timeout=120):
    """Runs a linux command; a run that hangs is killed with Ctrl-] and
    reported, so that the checks after it still run."""
    start = len(t.buf)
    try:
        t.command(line, timeout=timeout)
    except Timeout:
        t.send("\x1d")
        t.expect(re.escape(PROMPT), timeout=60)
        return t.text(start) + "\n(timed out: killed with Ctrl-])", False
    return t.text(start), True


# ------------------------------------------------------------------- tests

def run(t, tap, host):
    t.expect(re.escape(PROMPT), timeout=60)
    whole_line(t, r"linuxd: \d+ files in the root archive")
    if os.environ.get("LXFUZZ_ONLY"):  # make fuzz-linux: the fuzzer alone, long
        fuzz(t, tap)
        return
    mem_before = t.command("mem")
    differential_scripts(t, tap, host)
    differential_programs(t, tap, host)
    bad_pointers(t, tap, host)
    fuzz(t, tap)
    mmap_storm(t, tap)
    fork_bomb(t, tap)
    thread_storm(t, tap)
    signal_handler_never_returns(t, tap)
    faults(t, tap)
    path_escapes(t, tap)
    mem_after = t.command("mem")
    tap.check("every byte of memory comes back after all of it",
              mem_figures(mem_before) == mem_figures(mem_after),
              "before:\n%s\nafter:\n%s" % (mem_before, mem_after))


def differential_scripts(t, tap, host):
    for name in SCRIPTS:
        want = parse(host.script(name), name)
        out, _ = linux_cmd(t, "linux sh /tests/lxdiff.sh /tests/sh/%s.sh /tmp/lxdiff-%s"
                           % (name, name), timeout=45)
        got = parse(out, name)
        check = "%s: stdout, stderr and exit code as on Linux" % name
        if want is None:
            report(tap, check, False, "the host run gave no report")
        elif got is None:
            report(tap, check, False, "no report from VectraOS:\n" + out[-2000:])
        else:
            report(tap, check, want == got, diff(render(want), render(got)))


# Overlay programs whose whole output and exit status must be Linux's.
PROGRAMS = [
    ("forkregs", ()),  # the registers fork, vfork and clone keep
    ("shmem", ()),  # MAP_SHARED and MAP_PRIVATE anonymous memory across fork
    ("pmask", ()),  # ppoll's and pselect6's signal masks
    ("fmap", ()),  # MAP_SHARED mappings of a file, read(), write() and msync
    ("threads", ()),  # pthreads: join, mutexes, condvars, TLS, signals, futexes, fork, exits
    ("lxfound", ()),  # what lxfuzz found, each reduced to a named case
    ("procfs", ()),  # /proc read as programs read it: maps whole however read, ids, links
]


def console_run(out, line):
    """A linux command's output on the console: what the program printed
    (linuxd's own log lines left out) and its exit status as the shell
    reported it."""
    body = out.split(line + "\n", 1)[-1].rsplit(PROMPT, 1)[0]
    lines, status = [], 0
    for l in body.split("\n"):
        m = re.match(r"^\[linux: \S+ (exited with status|killed by signal) (\d+)\]$", l)
        if m:
            status = int(m.group(2)) if m.group(1).startswith("exited") else -int(m.group(2))
        elif not l.startswith("linuxd: "):
            lines.append(l)
    return lines, status


def differential_programs(t, tap, host):
    for name, args in PROGRAMS:
        want, status = host.program(name, *args)
        want_lines = want.split("\n")
        line = " ".join(["linux", "/tests/bin/" + name] + list(args))
        out, _ = linux_cmd(t, line)
        got_lines, got_status = console_run(out, line)
        ok = (want_lines, status) == (got_lines, got_status)
        report(tap, "%s: output and exit status as on Linux" % name, ok,
               diff(want_lines + ["exit status %s" % status],
                    got_lines + ["exit status %s" % got_status]))


# badptr's lines that may differ from Linux, each with the reason (a
# documented difference, docs/POSIX.md).  A regular expression on
# "CALL ARG=CASE".
BADPTR_KNOWN = [
    (r"^statx ", "statx is always ENOSYS: glibc falls back to newfstatat"),
    (r"^mremap ", "mremap is always ENOMEM: callers fall back to copying"),
    (r"^clone stack=(kernel|noncanonical)$", "a Task's registers hold user addresses only: "
     "linuxd refuses the clone, where Linux makes a child that dies at its first push"),
]


def badptr_lines(text):
    """{"CALL ARG=CASE": result} from badptr's output, and the calls in order."""
    lines, calls = {}, []
    m = re.search(r"^badptr: begin\n(.*?)^badptr: done$", text, re.S | re.M)
    body = m.group(1) if m else text.split("badptr: begin\n", 1)[-1]
    for line in body.splitlines():
        # CALL [WORD] ARG=CASE RESULT..., or CALL CASE RESULT
        words = line.split(" ")
        if len(words) < 3 or line.startswith(("badptr", "linuxd:")):
            continue
        at = next((i for i, w in enumerate(words) if "=" in w), len(words) - 2)
        key, result = " ".join(words[:at + 1]), " ".join(words[at + 1:])
        lines[key] = result
        call = key.split(" ")[0]
        if call not in calls:
            calls.append(call)
    return lines, calls, m is not None


def bad_pointers(t, tap, host):
    host_out, host_status = host.program("badptr", os.path.join(host.tmp, "badptr"), tty=True)
    want, calls, complete = badptr_lines(host_out)
    if not complete or host_status != 0:
        report(tap, "badptr: the host run completes", False, host_out[-3000:])
        return
    out, done = linux_cmd(t, "linux /tests/bin/badptr /tmp/badptr")
    got, _, finished = badptr_lines(out)
    tap.check("badptr: runs to its end under linuxd", done and finished, out[-1500:])
    for call in calls:
        bad, known = [], []
        for key, result in want.items():
            if key.split(" ")[0] != call:
                continue
            mine = got.get(key, "(missing)")
            if mine == result:
                continue
            why = next((r for rx, r in BADPTR_KNOWN if re.search(rx, key)), None)
            line = "%s: Linux %s, linuxd %s" % (key, result, mine)
            (known if why else bad).append(line + ("  (known: %s)" % why if why else ""))
        report(tap, "badptr: %s: every bad pointer answered as on Linux" % call, not bad,
               "\n".join(bad + known))
        for line in known if not bad else []:
            print("#   " + line, flush=True)
    out = t.command("linux echo ok", timeout=60)
    tap.check("badptr: linuxd survives it (the shell and a following linux echo ok work)",
              has(out, r"^ok$"), out)


# lxfuzz (tests/linux/lxfuzz.c): random calls with arguments built to hit
# linuxd's edges.  A few fixed seeds by default; LXFUZZ_SEEDS="1 2 3" and
# LXFUZZ_COUNT=N run others, or longer, and LXFUZZ_ONLY=1 nothing else
# (make fuzz-linux, docs/POSIX.md).
LXFUZZ_SEEDS = [int(x) for x in os.environ.get("LXFUZZ_SEEDS", "1 2 3").split()]
LXFUZZ_COUNT = int(os.environ.get("LXFUZZ_COUNT", "10000"))
# What no fuzz run may cause: a kernel message about a Task (a fault with
# no supervisor, a DMA fault) or a panic, and linuxd stopped or restarted.
TROUBLE = re.compile(r"^.*(\[kernel\]|kernel panic|init: linuxd ).*$", re.M)


def fuzz(t, tap):
    start = len(t.buf)
    for seed in LXFUZZ_SEEDS:
        line = "linux /tests/bin/lxfuzz %d %d with tmp" % (seed, LXFUZZ_COUNT)
        # a bound on the wait, not a measure: a batch stuck for good is
        # killed by lxfuzz itself after a few seconds
        out, done = linux_cmd(t, line, timeout=120 + LXFUZZ_COUNT // 20)
        m = re.search(r"^lxfuzz: done (\d+) calls in (\d+) batches: (.*)$", out, re.M)
        tap.check("lxfuzz seed %d: %d calls run to the end" % (seed, LXFUZZ_COUNT),
                  done and m is not None and int(m.group(1)) >= LXFUZZ_COUNT, out[-3000:])
        for l in re.findall(r"^lxfuzz: (?:batch|done) .*$", out, re.M):
            print("#   " + l, flush=True)
    out = t.command("linux echo ok", timeout=60)
    tap.check("lxfuzz: linuxd still runs programs afterwards", has(out, r"^ok$"), out)
    stats_clean(t, tap, "lxfuzz")
    trouble = TROUBLE.findall(t.text(start))
    tap.check("lxfuzz: no Task fault from the kernel, no panic, linuxd never stopped",
              not trouble, "\n".join(trouble))


def stats_clean(t, tap, what):
    out = t.command("linux --stats", timeout=30)
    tap.check("%s: afterwards linuxd holds 0 processes and 0 MiB" % what,
              has(out, r"^linuxd: 0 processes holding 0 MiB"), out)


def mmap_storm(t, tap):
    out, done = linux_cmd(t, "linux /tests/bin/mmapstorm")
    rounds = re.findall(r"^mmapstorm: (\d+) round (\d+): (\d+) maps, then (\S+)$", out, re.M)
    tap.check("mmap storm: every round ends in ENOMEM, and the program in an exit",
              done and len(rounds) == 9 and all(r[3] == "ENOMEM" for r in rounds), out)
    # Memory a process unmaps comes back when it exits or execs, not
    # before (docs/POSIX.md, "Memory"): a second storm, a new process,
    # maps as far as the first one's first rounds did.
    out2, done2 = linux_cmd(t, "linux /tests/bin/mmapstorm")
    rounds2 = re.findall(r"^mmapstorm: (\d+) round (\d+): (\d+) maps, then (\S+)$", out2, re.M)
    first = {r[0]: r[2] for r in rounds if r[1] == "1"}
    again = {r[0]: r[2] for r in rounds2 if r[1] == "1"}
    tap.check("mmap storm: a new process gets back all that the last one took (rounds agree)",
              done2 and first and first == again, "first run:\n%s\nsecond run:\n%s" % (out, out2))
    out = t.command("linux echo ok", timeout=60)
    tap.check("mmap storm: linuxd still runs programs", has(out, r"^ok$"), out)
    stats_clean(t, tap, "mmap storm")


def fork_bomb(t, tap):
    out, done = linux_cmd(t, "linux /tests/bin/forkbomb")
    tap.check("fork bomb: fork fails with EAGAIN at linuxd's process limit",
              done and has(out, r"^forkbomb: fork failed with EAGAIN after \d+ children$"), out)
    tap.check("fork bomb: every process is reaped", has(out, r"^forkbomb: all reaped$"), out)
    out = t.command("mem")
    tap.check("fork bomb: VectraOS's own shell still works", has(out, r"RAM:"), out)
    stats_clean(t, tap, "fork bomb")


def thread_storm(t, tap):
    out, done = linux_cmd(t, "linux /tests/bin/threadstorm")
    rounds = re.findall(r"^threadstorm: round (\d): (\d+) threads, then (\S+); "
                        r"a fork meanwhile: (.*)$", out, re.M)
    tap.check("thread storm: every round ends in EAGAIN, within 8 threads a process",
              done and len(rounds) == 3 and
              all(r[2] == "EAGAIN" and 1 <= int(r[1]) <= 7 for r in rounds), out)
    tap.check("thread storm: a fork in the middle of each storm works (handles to spare)",
              len(rounds) == 3 and all(r[3] == "ok" for r in rounds), out)
    tap.check("thread storm: the later rounds reach as far as each other (nothing leaked)",
              len(rounds) == 3 and rounds[1][1] == rounds[2][1], out)
    out = t.command("linux echo ok", timeout=60)
    tap.check("thread storm: linuxd still runs programs", has(out, r"^ok$"), out)
    stats_clean(t, tap, "thread storm")


def signal_handler_never_returns(t, tap):
    t.send("linux /tests/bin/sighang\r")
    try:
        t.expect(r"sighang: ready", timeout=60)
        t.send("\x03")
        t.expect(r"sighang: in the handler\r*\n", timeout=30)
        tap.check("sighang: Ctrl-C runs its SIGINT handler", True)
        second = len(t.buf)
        t.send("\x03")
        t.expect(r"sighang: still in the handler \d+", timeout=30)
        t.expect(r"sighang: still in the handler \d+", timeout=30)
        out = t.text(second)
        tap.check("sighang: a second Ctrl-C does not stop it (SIGINT blocked in the handler)",
                  PROMPT not in out and "killed by signal" not in out, out)
    except Timeout as e:
        tap.check("sighang: Ctrl-C runs its handler, which goes on", False, str(e))
    start = t.pos
    t.send("\x1d")
    try:
        t.expect(re.escape(PROMPT), timeout=60)
        out = t.text(start)
        tap.check("sighang: Ctrl-] kills it (SIGKILL)", has(out, r"killed by signal 9\]"), out)
    except Timeout as e:
        tap.check("sighang: Ctrl-] kills it (SIGKILL)", False, str(e))
    stats_clean(t, tap, "sighang")


def faults(t, tap):
    # "sse" (#XM) is left out: QEMU 7.2's TCG never raises it.
    for what, sig in (("segv", 11), ("ill", 4), ("fpe", 8), ("x87", 8), ("trap", 5)):
        out, _ = linux_cmd(t, "linux /tests/bin/fault %s" % what)
        tap.check("fault %s: the shell says it was killed by signal %d" % (what, sig),
                  has(out, r"^\[linux: /tests/bin/fault killed by signal %d\]$" % sig), out)
    out = t.command("linux echo ok", timeout=60)
    tap.check("faults: linuxd still runs programs", has(out, r"^ok$"), out)


# What each attempt of tests/linux/root/tests/escape.sh must print: the
# root archive's own files (its /etc/hostname says "vectra"), "/" for any
# number of "..", ELOOP for a loop; in /proc, no Task but linuxd's own
# processes (pid 1 is init's, not a Linux process), no root link, and a
# process's cwd, exe and descriptors lead back into the same tree.
ESCAPES = [
    ("dotdot-pwd", r"/"),
    ("dotdot-hostname", r"vectra"),
    ("work-dotdot", r"/"),
    ("tmp-dotdot", r"vectra"),
    ("tmp-relative", r"vectra"),
    ("work-relative", r"\.\./\.\./\.\./\.\./bin"),
    ("many-dotdot", r"vectra"),
    ("link-up", r"\.\./\.\./\.\./\.\./\.\./\.\./\.\."),
    ("link-up-hostname", r"vectra"),
    ("link-abs-hostname", r"vectra"),
    ("link-chain", r"group hostname passwd vectra-packages"),
    ("link-hostname", r"vectra"),
    ("link-loop", r".*Too many levels of symbolic links"),
    ("link-proc", r".*No such file or directory"),
    ("proc", r".*No such file or directory"),
    ("proc-self-root", r".*No such file or directory"),
    ("proc-self-cwd", r"vectra"),
    ("proc-self-exe", r"/bin/busybox"),
    ("proc-self-fd", r".*Not a directory"),
    ("root-dotdot-etc", r"bench bin dev etc lib lib64 linuxrc sbin tests tmp usr work"),
    ("dev-dotdot", r"/dev/\.\./etc/hostname"),
]


def path_escapes(t, tap):
    out, _ = linux_cmd(t, "linux sh /tests/escape.sh")
    for label, want in ESCAPES:
        tap.check("path escape %s: stays inside the root" % label,
                  has(out, r"^%s: %s $" % (re.escape(label), want)), out)


if __name__ == "__main__":
    sys.exit(main())
