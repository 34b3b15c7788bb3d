# SPDX-License-Identifier: BSD-3-Clause
"""The POSIX bridge (issue 14, docs/POSIX.md): Debian's busybox-static runs
unmodified under linuxd, typed into the VectraOS shell over the serial
line like a person would.

  - programs found by name and by path, their output and exit status
  - fork, exec, wait and pipes through busybox sh
  - the files: /work is the shell's own RAM file system both ways, the
    root archive is read-only, ".." never leaves "/"
  - the terminal: an interactive busybox sh, Ctrl-C as SIGINT
  - hostile programs: a fault, a fork bomb, a runaway loop; and every
    byte of linuxd's memory back after each session
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vterm import Timeout, has, mem_figures, near_host_utc, run_session, whole_line  # noqa: E402

PROMPT = "vshell> "


def main():
    return run_session("linux", run)


def ram_free(mem):
    m = re.search(r"^RAM:\s+(.*?) free", mem, re.M)
    return m.group(1) if m else None


def vi(t, name, lines):
    """Types lines into a new file with busybox vi and saves it."""
    t.send("linux vi %s\r" % name)
    t.expect(re.escape(name), timeout=60)  # vi's status line
    t.send("i")
    for k, line in enumerate(lines):
        t.send(line + "\r")
        # vi's status line counts the lines: the next one has begun.
        t.expect(r"\[Modified\] %d/%d" % (k + 2, k + 2), timeout=30)
    t.send("\x1b")  # back to command mode: vi says so on its status line
    t.expect(r"- %s \[Modified\]" % re.escape(name), timeout=30)
    t.send(":wq\r")
    t.expect(r"'%s' \d+L" % re.escape(name), timeout=30)
    t.expect(re.escape(PROMPT), timeout=30)


def run(t, tap):
    t.expect(re.escape(PROMPT), timeout=60)
    boot = whole_line(t, r"linuxd: \d+ files in the root archive")
    tap.check("linuxd indexes the root archive at boot",
              has(boot, r"linuxd: \d+ files in the root archive, \d+ MiB for processes$"),
              boot[-1500:])
    mem_before = t.command("mem")

    out = t.command("linux busybox echo hello from linux", timeout=60)
    tap.check("busybox echo by path of the multi-call binary", has(out, r"^hello from linux$"), out)
    out = t.command("linux echo found on PATH", timeout=60)
    tap.check("a program found by name in /bin (a link to busybox)",
              has(out, r"^found on PATH$"), out)
    out = t.command("linux /bin/busybox uname -sm", timeout=60)
    tap.check("uname says Linux x86_64", has(out, r"^Linux x86_64$"), out)
    # nproc asks sched_getaffinity: every CPU the kernel has online.
    out = t.command("linux nproc", timeout=60)
    tap.check("nproc counts the machine's CPUs (sched_getaffinity)",
              has(out, r"^%s$" % os.environ.get("SMP", "1"))
              and "unimplemented syscall" not in out, out)
    # CLOCK_REALTIME counts from rtcd's CMOS clock, which QEMU starts at the
    # host's UTC time (without rtcd it would be 2026-01-01 plus the uptime).
    out = t.command("linux date -u +%Y-%m-%dT%H:%M:%S", timeout=60)
    near, why = near_host_utc(out, r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)$")
    tap.check("busybox date tells the host's day: CLOCK_REALTIME is rtcd's wall clock", near, why)

    out = t.command('linux sh -c "echo one; echo two | cat; echo three"', timeout=60)
    tap.check("sh runs a pipeline: fork, pipe2, dup2, execve, wait4",
              has(out, r"^one$") and has(out, r"^two$") and has(out, r"^three$"), out)
    out = t.command('linux sh -c "exit 3"', timeout=60)
    tap.check("an exit status comes back to the shell",
              has(out, r"\[linux: sh exited with status 3\]"), out)
    out = t.command('linux sh -c "x=$(echo sub); echo got $x"', timeout=60)
    tap.check("command substitution", has(out, r"^got sub$"), out)
    out = t.command("linux nosuchprogram", timeout=60)
    tap.check("a missing program is named as such", has(out, r"no such program"), out)
    out = t.command('linux ""', timeout=60)
    tap.check("an empty program name is refused in words",
              has(out, r"^linux: an empty program name \(name one"), out)
    out = t.command("linux --stats x", timeout=60)
    tap.check("linux --stats with more after it says so (not 'no such program')",
              has(out, r"^linux: --stats takes nothing after it$"), out)

    out = t.command("linux ls /bin", timeout=60)
    tap.check("ls lists the root archive's /bin", has(out, r"busybox"), out)
    t.command("write shared.txt written by vshell")
    out = t.command("linux cat /work/shared.txt", timeout=60)
    tap.check("/work is the shell's RAM file system (a file the shell wrote)",
              has(out, r"^written by vshell$"), out)
    tap.check("cat copies to the terminal with sendfile, which linuxd serves",
              "unimplemented syscall" not in out, out)
    t.command('linux sh -c "echo written by busybox > /work/back.txt"', timeout=60)
    out = t.command("cat back.txt")
    tap.check("...and the other way (a file busybox wrote)", has(out, r"written by busybox"), out)
    # Grants: a run reaches only the parts of the tree named after "with".
    out = t.command("linux cat /work/shared.txt with tmp", timeout=60)
    tap.check("with tmp: /work is not there for the program (ENOENT)",
              has(out, r"No such file or directory") and "written by vshell" not in out, out)
    out = t.command('linux sh -c "echo into-tmp > /tmp/granted; cat /tmp/granted" with tmp',
                    timeout=60)
    tap.check("with tmp: /tmp is", has(out, r"^into-tmp$"), out)
    out = t.command('linux sh -c "ls /work | wc -l; echo x > /tmp/y" with none', timeout=60)
    tap.check("with none: only the root archive (an empty /work, no /tmp to write)",
              has(out, r"^0$") and has(out, r"can't create /tmp/y"), out)
    out = t.command("linux ls /work with fs", timeout=30)
    tap.check("an unknown grant is refused by name", has(out, r"'fs' is not a grant"), out)
    out = t.command('linux sh -c "cd /../../..; pwd; ls /.. | head -n 3"', timeout=60)
    tap.check("'..' never leaves the root", has(out, r"^/$") and has(out, r"^bin$"), out)
    out = t.command('linux sh -c "echo x > /bin/new"', timeout=60)
    tap.check("the root archive is read-only (EROFS)", has(out, r"[Rr]ead-only file system"), out)

    # /proc, as linuxd knows its processes (the numbers differ from the
    # host's, so scenario_linuxdiff's proc.sh compares only forms).
    out = t.command('linux sh -c "ps; free; uptime; pidof ps sh; top -b -n 1 | head -4; '
                    'readlink /proc/self/exe; head -1 /proc/self/maps"', timeout=60)
    # busybox sh runs its applets in a forked child without exec, so ps's
    # own command line is the shell's, shown after its name in braces (as
    # on Linux).
    tap.check("/proc: busybox ps lists the shell and itself",
              has(out, r"^\s*\d+ root\s+sh -c ps;")
              and has(out, r"^\s*\d+ root\s+\{ps\} sh -c ps;"), out)
    tap.check("/proc: free and top print linuxd's memory",
              has(out, r"^Mem:\s+163840\s+\d+\s+\d+\s+0") and has(out, r"^Mem: \d+K used, \d+K free"),
              out)
    tap.check("/proc: uptime, and top's CPU and process lines",
              has(out, r"up .*load average: 0\.00, 0\.00, 0\.00$") and has(out, r"^CPU:")
              and has(out, r"^\s+PID\s+PPID USER"), out)
    tap.check("/proc: pidof finds the shell, exe and maps name the program",
              has(out, r"^\d+$") and has(out, r"^/bin/busybox$")
              and has(out, r"^00400000-\w+ r--p 00000000 \S+ \d+\s+/bin/busybox$"), out)

    # The seeds' sentence: edit, compile, build, run.  busybox vi (raw mode
    # over the serial line) writes hello.c and a Makefile; Debian's make
    # runs Debian's tcc (both dynamically linked: ld.so, libc.so.6); the
    # result runs as a Linux program.
    vi(t, "hello.c", ["#include <stdio.h>", "int main(void)", "{",
                      '\tprintf("built inside VectraOS\\n");', "\treturn 0;", "}"])
    out = t.command("cat hello.c")
    tap.check("busybox vi, driven over the console, wrote hello.c",
              has(out, r'^\tprintf\("built inside VectraOS\\n"\);$'), out)
    vi(t, "Makefile", ["hello: hello.c", "\ttcc -o hello hello.c"])
    out = t.command("linux make", timeout=180)
    tap.check("Debian's make runs Debian's tcc (PT_INTERP: ld.so and libc.so.6)",
              has(out, r"^tcc -o hello hello.c$") and "exited with status" not in out, out)
    out = t.command("linux ./hello", timeout=60)
    tap.check("the program tcc built runs as a Linux program",
              has(out, r"^built inside VectraOS$"), out)
    out = t.command("linux make", timeout=120)
    tap.check("make again: hello is up to date", has(out, r"'hello' is up to date"), out)

    # An interactive shell: the console is its terminal.
    t.send("linux sh\r")
    t.expect(r"# |\$ ", timeout=60)
    t.send("echo inter$((6*7))active\r")
    t.expect(r"inter42active", timeout=30)
    # Job control: Ctrl-Z stops the foreground job (SIGTSTP), jobs lists
    # it, fg continues it (SIGCONT) and Ctrl-C ends it.
    t.send('sh -c "echo started; exec sleep 300"\r')
    t.expect(r"\nstarted", timeout=30)
    t.send("\x1a")
    t.expect(r"Stopped", timeout=30)
    t.send("jobs\r")
    t.expect(r"\[1\]\+\s+Stopped\s+sh -c", timeout=30)
    t.send("fg\r")
    t.expect(r"sh -c", timeout=30)
    t.send("\x03")
    t.expect(r"# ", timeout=30)
    start = len(t.buf)
    t.send("jobs; echo jobs-listed\r")
    t.expect(r"\njobs-listed", timeout=30)
    tap.check("job control: Ctrl-Z stops a job, jobs lists it, fg continues it, Ctrl-C ends it",
              "Stopped" not in t.text(start), t.text(start))
    t.send("exit\r")
    t.expect(re.escape(PROMPT), timeout=30)
    tap.check("an interactive busybox sh reads the console and exits", True)

    # A program run straight from the VectraOS shell is its session's
    # leader, in a group no one in the session could continue: Ctrl-Z
    # (SIGTSTP) is dropped there, as on Linux, so Ctrl-C still ends it.
    # A stop would leave it, and the shell, waiting for ever.
    t.send('linux sh -c "while true; do echo tick; sleep 1; done"\r')
    t.expect(r"\ntick", timeout=60)
    t.send("\x1a")
    start = len(t.buf)
    try:
        t.expect(r"\ntick", timeout=60)  # still running
        t.expect(r"\ntick", timeout=60)
        ticks = True
    except Timeout:
        ticks = False
    t.send("\x03")
    t.expect(re.escape(PROMPT), timeout=60)
    out = t.text(start)
    tap.check("Ctrl-Z is dropped for a program with no job-control shell; Ctrl-C ends it",
              ticks and has(out, r"killed by signal 2\]"), out)

    # Ctrl-C is SIGINT to the foreground process group.
    t.send('linux sh -c "echo looping; while true; do :; done"\r')
    t.expect(r"\nlooping", timeout=60)  # it runs: Ctrl-C now goes to it, not to the shell's line
    t.send("\x03")
    t.expect(re.escape(PROMPT), timeout=60)
    out = t.text(t.pos - 400)
    tap.check("Ctrl-C stops a runaway loop (SIGINT)", has(out, r"killed by signal 2"), out)

    out = t.command("linux --stats", timeout=30)
    tap.check("linux --stats shows the calls served, by name",
              has(out, r"calls served") and has(out, r"^\s+execve\s+59\s+\d+"), out)
    tap.check("no process and no process memory left after the sessions",
              has(out, r"^linuxd: 0 processes holding 0 MiB"), out)

    # kill -9 of the personality: every Linux process goes with it, and
    # every byte of their memory comes back (init resets linuxd's Reticle).
    ram_before = ram_free(t.command("mem"))
    out = t.command('linux --detach sh -c "while true; do :; done"', timeout=60)
    tap.check("linux --detach starts a session and gives the prompt back",
              has(out, r"runs detached as process \d+"), out)
    out = t.command("linux --stats", timeout=30)
    tap.check("...its process holds memory",
              has(out, r"^linuxd: 1 processes holding [1-9]\d* MiB"), out)
    out = t.command("linux echo second", timeout=30)
    tap.check("a second session waits its turn, and the shell says how to get the first back",
              has(out, r"cannot run echo: a session runs already .*linux --attach"), out)
    t.command("crash linuxd", timeout=30)
    t.expect(r"linuxd: \d+ files in the root archive[^\n]*\n", timeout=60)
    out = t.command("linux --stats", timeout=30)
    tap.check("after linuxd's crash and restart: no process, no memory held",
              has(out, r"^linuxd: 0 processes holding 0 MiB"), out)
    out = t.command("linux echo back again", timeout=60)
    tap.check("the restarted linuxd runs programs", has(out, r"^back again$"), out)
    ram_after = ram_free(t.command("mem"))
    tap.check("all RAM's free bytes are what they were before (no Reticle leaked)",
              ram_before is not None and ram_before == ram_after,
              "before %s, after %s" % (ram_before, ram_after))

    # The same with threads running: every thread's Task, its mirrors of
    # the process's memory and its slot go with linuxd.
    ram_before = ram_free(t.command("mem"))
    start = len(t.buf)
    t.command("linux --detach /tests/bin/threads spin", timeout=60)
    try:
        t.expect(r"threads: spinning", timeout=60)
        spinning = True
    except Timeout:
        spinning = False
    out = t.command("linux --stats", timeout=30)
    tap.check("a detached program with three threads spinning: one process holding memory",
              spinning and has(out, r"^linuxd: 1 processes holding [1-9]\d* MiB"), t.text(start))
    t.command("crash linuxd", timeout=30)
    t.expect(r"linuxd: \d+ files in the root archive[^\n]*\n", timeout=60)
    out = t.command("linux echo threads gone", timeout=60)
    tap.check("kill -9 of linuxd under running threads: the restarted linuxd runs programs",
              has(out, r"^threads gone$"), out)
    ram_after = ram_free(t.command("mem"))
    tap.check("...and all RAM's free bytes are what they were before (threads leaked nothing)",
              ram_before is not None and ram_before == ram_after,
              "before %s, after %s" % (ram_before, ram_after))

    mem_after = t.command("mem")
    tap.check("every byte of memory comes back after the sessions",
              mem_figures(mem_before) == mem_figures(mem_after),
              "before:\n%s\nafter:\n%s" % (mem_before, mem_after))


if __name__ == "__main__":
    sys.exit(main())
