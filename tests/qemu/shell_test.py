# SPDX-License-Identifier: BSD-3-Clause
"""The vshell scenario: boots the normal image and uses the shell over the
serial line the way a person would, checking what comes back.

Covers every command, bad input (unknown commands, missing files, bad
arguments, a 10 KB line, non-UTF-8 and control bytes), path escapes, a
program that uses a capability it was not granted, supervision (a crashed
driver comes back, a crashed shell loses no file, a service that keeps
crashing is given up on) and the leak check after `run`.
"""
import hashlib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vterm import Timeout, has, mem_figures, near_host_utc, run_session  # noqa: E402

PROMPT = "vshell> "


def main():
    return run_session("shell", run)


def run(t, tap):
    t.expect(re.escape(PROMPT), timeout=60)
    tap.check("boots to the vshell prompt", True)

    out = t.command("help")
    tap.check("help lists every command",
              all(w in out for w in ("ls", "cat", "write", "echo", "rm", "mv", "mkdir", "run",
                                     "ps", "caps", "mem", "kill", "start", "uptime", "crash", "random")), out)

    out = t.command("help run")
    tap.check("help COMMAND shows that command's usage and what it does",
              has(out, r"^usage: run PROGRAM \[ARG\.\.\.\] \[with SLOT=CAP\.\.\.\]") and "net.listen" in out
              and "mkdir" not in out, out)
    # get and nc resolve names too: their help once said get took an
    # address only (A.B.C.D), and nc's spoke of ADDR where its usage says HOST.
    out = t.command("help get") + t.command("help nc")
    tap.check("help get and help nc say HOST may be a name dnsd resolves",
              "A.B.C.D" not in out and "ADDR" not in out
              and len(re.findall(r"a\s+name\s+dnsd\s+resolves", out)) == 2, out)
    out = t.command("help nosuch")
    tap.check("help of an unknown command says so",
              has(out, r"^help: unknown command: nosuch \(type 'help' for the list\)"), out)

    # Files.
    out = t.command("mkdir notes")
    tap.check("mkdir makes a directory", not has(out, r"mkdir:"), out)
    out = t.command("write notes/todo.txt buy milk")
    tap.check("write makes a file", not has(out, r"write:"), out)
    out = t.command("cat notes/todo.txt")
    tap.check("cat reads it back", "buy milk" in out, out)
    out = t.command("echo hello world > greeting")
    out = t.command("cat greeting")
    tap.check("echo > file, then cat", "hello world" in out, out)
    out = t.command("echo again >> greeting")
    out = t.command("cat greeting")
    tap.check("echo >> appends", "hello world" in out and "again" in out, out)
    # Quotes as sh's: single quotes keep everything, a quoted > is text.
    out = t.command("""echo 'a  "b"' "it's" '>' don\\'t""")
    tap.check("quotes: '...' and \"...\" keep spaces and each other's quote",
              has(out, r"""^a  "b" it's > don't$"""), out)
    out = t.command("echo don't")
    tap.check("quotes: an open single quote is named", has(out, r"^vshell: unterminated quote"), out)
    out = t.command("ls")
    tap.check("ls lists the root", "notes" in out and "greeting" in out, out)
    out = t.command("ls notes")
    tap.check("ls lists a directory", "todo.txt" in out, out)
    out = t.command("mv greeting notes/greeting")
    out2 = t.command("ls notes")
    tap.check("mv moves a file", "greeting" in out2 and not has(out, r"^mv:"), out + out2)
    # To its own name: nothing to do, on RAM: as on HOME: and EXT: (it
    # said "already exists" here alone).
    out = t.command("mv notes/greeting notes/greeting")
    out2 = t.command("cat notes/greeting")
    tap.check("mv of a file to its own name does nothing and says nothing",
              not has(out, r"^mv:") and "again" in out2, out + out2)
    out = t.command("rm notes/greeting")
    out2 = t.command("ls notes")
    tap.check("rm removes a file", "greeting" not in out2, out + out2)
    # cp and mv into a directory take the file's name with them; a copy
    # onto itself changes nothing (it once emptied the file first).
    t.command("echo into > intodir.txt")
    out = t.command("cp intodir.txt notes/")
    out += t.command("cat notes/intodir.txt")
    tap.check("cp FILE DIR/ copies into the directory", has(out, r"^into$"), out)
    out = t.command("cp notes copy-of-notes") + t.command("cp SYS:etc x")
    tap.check("cp of a directory says so, and makes nothing",
              has(out, r"^cp: notes is a directory \(cp copies one file\)$")
              and has(out, r"^cp: SYS:etc is a directory") and "copy-of-notes" not in t.command("ls"), out)
    t.command("rm intodir.txt")
    t.command("echo moved > mvinto.txt")
    out = t.command("mv mvinto.txt notes")
    out += t.command("ls")
    out2 = t.command("cat notes/mvinto.txt")
    tap.check("mv FILE DIR moves into the directory", not has(out, r"^mv:")
              and not has(out, r"mvinto\.txt$") and has(out2, r"^moved$"), out + out2)
    t.command("rm notes/mvinto.txt")
    t.command("mkdir outer")
    t.command("mkdir outer/inner")
    out = t.command("mv outer outer/inner")
    tap.check("mv of a directory into itself says so",
              has(out, r"^mv: cannot move outer into itself \(outer/inner/outer\)$"), out)
    t.command("rm outer/inner")
    t.command("rm outer")
    # A directory's name with a trailing '/', as people type it, once got
    # "not a valid path" from ls, mkdir and rm.
    out = t.command("mkdir slashed/")
    out += t.command("ls slashed/")
    out += t.command("rm slashed/")
    out += t.command("ls")
    tap.check("mkdir, ls and rm take a directory's name with a trailing /",
              not has(out, r"^(mkdir|ls|rm): ") and has(out, r"^0 entries$")
              and "slashed" not in out.split("rm slashed/")[-1], out)
    # ...and so did mv, of the directory it moves.
    t.command("mkdir slashed")
    out = t.command("mv slashed/ slashed2")
    out += t.command("ls")
    tap.check("mv takes a directory's name with a trailing /",
              not has(out, r"^mv: ") and has(out, r"  slashed2/$") and not has(out, r"  slashed/$"), out)
    t.command("rm slashed2")
    out = t.command("cp notes/intodir.txt notes/intodir.txt")
    out += t.command("cat notes/intodir.txt")
    tap.check("cp of a file onto itself keeps its bytes", has(out, r"^cp: 5 bytes$")
              and has(out, r"^into$"), out)
    out = t.command("cp RAM:notes/intodir.txt notes/intodir.txt")
    out += t.command("cat notes/intodir.txt")
    tap.check("...and under another of its names", has(out, r"^into$"), out)
    t.command("rm notes/intodir.txt")

    # A file larger than 4 KiB: cat reads it through a MemCap view (FS_READ_MEM).
    line = "0123456789" * 19
    for i in range(25):
        t.command("echo %02d %s >> big" % (i, line))
    out = t.command("cat big", timeout=30)
    tap.check("a 5 KB file reads back whole (through a view)",
              out.count(line) == 25 and "24 " + line in out, out[-400:])

    # Errors: one clear line, then the prompt.
    for line in ("sync NOPE:", "sync HOME"):
        out = t.command(line)
        tap.check("sync of a root that is not there says so in words: %s" % line,
                  has(out, r"^sync: %s: no such root is mounted" % line.split()[1]), out)
    out = t.command("sync RAM:")
    tap.check("sync RAM: says RAM: is on no disk, not that it is now on one",
              has(out, r"^sync: RAM: is in RAM, on no disk: nothing of it survives a power cut")
              and "on disk\n" not in out, out)
    out = t.command("frobnicate")
    tap.check("an unknown command gets one clear line", has(out, r"frobnicate"), out)
    out = t.command("cat no-such-file")
    tap.check("a missing file gets one clear line", has(out, r"^cat: .*no-such-file"), out)
    out = t.command("sum notes")
    tap.check("sum of a directory says it is one", has(out, r"^sum: is a directory: notes$"), out)

    # SYS:, the boot image, through nsd: read with the file commands,
    # never written.
    out = t.command("ls SYS:")
    tap.check("ls SYS: lists the boot image's directories",
              all(has(out, r"^\s+dir\s+.*\s%s/$" % d) for d in ("bin", "etc", "pkg")), out)
    out = t.command("cat SYS:etc/hosts")
    tap.check("cat SYS:etc/hosts reads the boot image's file",
              has(out, r"^127\.0\.0\.1\s+localhost"), out)
    B = os.environ.get("B", "build")
    with open(os.path.join(B, "demo", "demo.vpkg"), "rb") as f:
        want = hashlib.sha256(f.read()).hexdigest()
    out = t.command("sum SYS:pkg/demo.vpkg")
    tap.check("sum SYS:pkg/demo.vpkg is the host's sha256 of the built package",
              has(out, r"^%s  SYS:pkg/demo\.vpkg" % want), out)
    out = t.command("cp SYS:pkg/demo.vpkg demo-copy.vpkg")
    out2 = t.command("sum demo-copy.vpkg")
    tap.check("cp from SYS: copies the bytes", has(out2, r"^%s  demo-copy" % want), out + out2)
    t.command("rm demo-copy.vpkg")
    # A copy that fails part way names the side that failed (RAM: holds
    # at most 1 MiB), not the boot image it read, and leaves no partial
    # file it made; one that was there is left as it was (it was once
    # left partly written).
    out = t.command("cp SYS:linux/root.tar whole.tar", timeout=60)
    out2 = t.command("ls")
    tap.check("cp failing part way names TO and removes the partial copy",
              has(out, r"^cp: too large \(.*\): whole\.tar \(the partial copy is removed\)$")
              and "whole.tar" not in out2, out + out2)
    t.command("echo before > was-here.tar")
    out = t.command("cp SYS:linux/root.tar was-here.tar", timeout=60)
    out += t.command("cat was-here.tar")
    out2 = t.command("ls")
    tap.check("cp failing part way onto a file that was there leaves it as it was",
              has(out, r"^cp: too large \(.*\): was-here\.tar \(it is left as it was\)$")
              and has(out, r"^before$") and ".cp~" not in out2, out + out2)
    t.command("rm was-here.tar")
    out = t.command("cat SYS:bin")
    tap.check("cat of a SYS: directory says it is one", has(out, r"^cat: is a directory: SYS:bin$"),
              out)
    out = t.command("ls SYS:nothing-here")
    tap.check("ls of a missing SYS: name says so",
              has(out, r"^ls: no such file or directory: SYS:nothing-here$"), out)
    for line in ("echo x > SYS:etc/hosts", "rm SYS:etc/hosts", "mkdir SYS:d",
                 "cp notes/todo.txt SYS:etc/todo"):
        out = t.command(line)
        tap.check("SYS: is read-only: %s" % line,
                  has(out, r"SYS: is the boot image, read-only: SYS:"), out)
    out = t.command("mv onlyone")
    tap.check("a missing argument gets one clear line", has(out, r"^mv: "), out)
    out = t.command("rm notes")
    tap.check("removing a non-empty directory is refused", has(out, r"^rm: "), out)
    # mv renames within one root; the shell says which rule a refusal is.
    t.command("echo m > RAM:/mvsrc")
    out = t.command("mv RAM:/mvsrc SYS:/mvsrc")
    tap.check("mv across roots is refused and says to cp, then rm",
              has(out, r"^mv: RAM:/mvsrc and SYS:/mvsrc are on different roots"), out)
    out = t.command("mv RAM:/mvsrc RAM:/")
    out += t.command("cat RAM:/mvsrc")
    tap.check("mv into the directory the file is in leaves it there", has(out, r"^m$"), out)

    # Path escapes.
    for bad in ("../etc", "notes/../../x", "a//b", "notes/./todo.txt", "x" * 80):
        out = t.command("cat " + bad)
        tap.check("path escape refused: %s" % bad[:20], has(out, r"^cat: "), out)

    # Hostile input.  COM1 is a 16550 with a 16-byte receive FIFO and no
    # flow control: on a loaded host, with four vCPU threads on two cores,
    # uartd can be held back long enough for the FIFO to overrun, and the
    # byte lost may be the final Enter.  The line is refused either way, so
    # if no prompt comes, Enter is pressed again (as a person would).
    start = len(t.buf)
    t.send("x" * 10240 + "\r")
    try:
        t.expect(re.escape("vshell> "), 40)
    except Timeout:
        t.send("\r")
        t.expect(re.escape("vshell> "), 40)
    out = t.text(start)
    tap.check("a 10 KB line is refused, not fatal", has(out, r"too long"), out[-300:])
    t.send(b"\xff\xfe\xc3\xa9\x80\x01\x02\x07\x1b[Z\x1b\x1b[")
    t.command("")
    out = t.command("uptime")
    tap.check("non-UTF-8 and control bytes do not wedge the shell", has(out, r"\d+:\d\d:\d\d"), out)

    # System commands.
    out = t.command("ps")
    tap.check("ps lists the supervised Tasks",
              all(n in out for n in ("uartd", "vfsd", "nsd", "vshell")), out)
    tap.check("ps shows the CPU each Task is on", has(out, r"NAME\s+STATE\s+CPU\s") and
              has(out, r"^vshell\s+running\s+\d+\s"), out)
    out = t.command("caps")
    tap.check("caps lists the shell's Bundle", "console.req" in out and "ret" in out, out)
    out = t.command("mem")
    tap.check("mem reports Reticle usage", has(out, r"(?i)free"), out)
    out = t.command("uptime")
    tap.check("uptime prints the time since boot", has(out, r"\d+:\d\d:\d\d"), out)
    out = t.command("\x1b[A")
    tap.check("up-arrow recalls the last line from history", has(out, r"up \d+:\d\d:\d\d"), out)
    out = t.command("abc\x7f\x7fx\x08\x08uptime")
    tap.check("backspace edits the line", has(out, r"up \d+:\d\d:\d\d"), out)
    # QEMU's CMOS clock starts at the host's UTC time: rtcd's date is the
    # host's, give or take the boot (and a midnight in between).
    out = t.command("date")
    near, why = near_host_utc(out, r"^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) UTC$")
    tap.check("date prints the CMOS clock's time in UTC, the host's day", near, why)

    # Randomness from rngd.
    out = t.command("random feed")
    tap.check("random feed without TEXT says TEXT is missing",
              has(out, r"^random: feed needs TEXT; usage: random "), out)
    out = t.command("random 16")
    tap.check("random 16 prints 16 bytes in hex", has(out, r"^[0-9a-f]{32}\r?$"), out)
    out2 = t.command("random 16")
    tap.check("two random 16 differ", re.findall(r"^[0-9a-f]{32}", out, re.M) !=
              re.findall(r"^[0-9a-f]{32}", out2, re.M), out + out2)
    out = t.command("random 128")
    tap.check("random 128 prints four lines of 32 bytes",
              len(re.findall(r"^[0-9a-f]{64}\r?$", out, re.M)) == 4, out)
    out = t.command("random high 16")
    tap.check("random high 16: bytes, or says High lacks entropy (never weaker bytes)",
              has(out, r"^[0-9a-f]{32}\r?$") or
              has(out, r"^random: not enough entropy yet \(High\)"), out)
    out = t.command('random feed "stirred in by hand"')
    tap.check("random feed: the shell's bytes are mixed in, credited nothing",
              has(out, r"^random: fed 18 bytes, credited 0 bits \(only device sources"), out)
    out = t.command("random status")
    tap.check("random status: Standard seeded, per-source accounting",
              has(out, r"^Standard seeded; High ") and has(out, r"^\s+jitter\s+2\s+[1-9]\d*\s") and
              has(out, r"^\s+cpu\s+1\s") and has(out, r"^\s+fed\s+0\s+18\s+0\s+0\s*$") and
              has(out, r"^served [1-9]\d* standard"), out)
    for bad, want in (('cat ""', r"^cat: .*: '' \(an empty path: the root\)$"),
                      ("random -1", r"^random: bad count '-1'"),
                      ("random 0", r"^random: bad count '0'"),
                      ("random 100000", r"^random: 100000 bytes is too many"),
                      ("random 129", r"^random: 129 bytes is too many"),
                      ("random high", r"^random: high needs a count N; usage: "),
                      ("random low 4", r"^random: usage: "),
                      ("random feed " + "e" * 129, r"^random: feed: 129 bytes is too many"),
                      ('random feed ""', r"^random: feed: nothing to feed")):
        out = t.command(bad)
        tap.check("hostile argument refused: %s" % bad[:30], has(out, want), out)

    # (Here, once the services' boot lines are out: one would land inside.)
    out = t.command("help")
    lines = [line for line in out.splitlines() if line.startswith(("  ", "Quotes", "'help"))]
    tap.check("help's lines fit 80 columns", len(lines) > 40 and max(len(line) for line in lines) <= 80,
              "\n".join(line for line in lines if len(line) > 80))

    # Programs and grants.
    mem_before = t.command("mem")
    out = t.command("run hello with console=console")
    tap.check("run hello with a console grant", has(out, r"(?i)hello") and has(out, r"code 0"), out)
    out = t.command("run hello")
    tap.check("run hello without grants: it cannot print, exits 3", has(out, r"code 3"), out)
    tap.check("run hello without grants: the shell says it was granted nothing, and how to grant",
              has(out, r"^run: hello was granted nothing; name what it needs, e\.g\. 'run hello with console'"),
              out)
    out = t.command("run hello with console=console")
    tap.check("run hello with a grant: no word about grants",
              has(out, r"code 0") and "granted nothing" not in out, out)
    out = t.command("run denied with console=console")
    tap.check("a program using an ungranted capability prints its denial",
              "VX_E_NOTFOUND" in out, out)
    out = t.command("run no-such-program")
    tap.check("run of an unknown program", has(out, r"^run: "), out)
    out = t.command("run SYS:bin/hello") + t.command("run ../x")
    tap.check("run of a path, not a name, says which word is wrong",
              has(out, r"^run: 'SYS:bin/hello' is not a program name")
              and has(out, r"^run: '\.\./x' is not a program name"), out)
    out = t.command("run hello with magic=wand")
    tap.check("run with an unknown grant", has(out, r"^run: "), out)
    mem_after = t.command("mem")
    if conns(mem_after) != conns(mem_before):
        mem_after = t.command("mem")  # the last run's connections may still be closing
    tap.check("every connection made for a run went back to the pool",
              conns(mem_after) == conns(mem_before) is not None, mem_before + mem_after)
    tap.check("no Reticle memory leaked across runs", "leak" not in (out + mem_after).lower()
              and mem_figures(mem_before) == mem_figures(mem_after), mem_before + mem_after)

    # Supervision: the console driver crashes while the shell is idle.
    out = t.command("crash uartd")
    tap.check("crash makes uartd fault and init restart it", "restarting uartd" in out, out)
    out = t.command("uptime", timeout=30)
    tap.check("after uartd crashes, it is restarted and the shell still works",
              has(out, r"\d+:\d\d:\d\d"), out)
    out = t.command("ps")
    tap.check("ps shows uartd's restart", has(out, r"uartd\s+\S+\s+\d+\s+[1-9]"), out)

    # A client of vfsd crashes: the shell itself.  No file is lost.
    t.send("crash vshell\r")
    t.expect(r"restarting vshell", timeout=30)
    t.expect(re.escape(PROMPT), timeout=30)
    out = t.command("")
    out = t.command("cat notes/todo.txt")
    tap.check("after the shell (a vfsd client) crashes, no file is lost", "buy milk" in out, out)

    # A service that crashes in a loop is given up on, and that is reported.
    log = ""
    for _ in range(3):
        wait_running(t, "nsd")
        log += t.command("crash nsd")
    for _ in range(50):
        log += t.command("ps")
        if has(log, r"nsd.*giving up"):
            break
    tap.check("init reports giving up", has(log, r"nsd.*giving up"), log)
    out = log
    tap.check("a service crashing in a loop is given up on", has(out, r"(?i)nsd.*gave"), out)

    # vfsd keeps files in its own memory: a restart of vfsd loses them
    # (documented in docs/userland/vfsd.md), and the shell says so plainly.
    wait_running(t, "vfsd")
    before = t.command("mem")
    t.command("crash vfsd")
    wait_running(t, "vfsd")
    after = t.command("mem")
    # A restart (vfsd: two Reticle grants, three connections, an attached
    # port) costs init's handle table nothing: nothing of the old life stays.
    hb = re.search(r"^init's handles: (\d+) of", before, re.M)
    ha = re.search(r"^init's handles: (\d+) of", after, re.M)
    tap.check("a restart leaves init's handle count as it was",
              hb is not None and ha is not None and hb.group(1) == ha.group(1), before + after)
    out = t.command("cat notes/todo.txt")
    tap.check("a restarted vfsd starts empty, and cat says the file is gone",
              has(out, r"^cat: .*notes/todo.txt"), out)
    out = t.command("write after.txt still works")
    out += t.command("cat after.txt")
    tap.check("the restarted vfsd serves the shell again", "still works" in out, out)

    # This machine has no network card: ping, nc and get say so in words
    # (they once said "VX_E_NOTFOUND (no such name)"), and with netd
    # stopped, that it is not running (once "VX_E_AGAIN").
    for line, want in (("ping 10.0.2.2 1", r"^ping: netd has no network card"),
                       ("nc 10.0.2.2 7", r"^nc: cannot connect to 10\.0\.2\.2:7: netd has no network card"),
                       ("get http://10.0.2.2/x", r"^get: cannot connect to 10\.0\.2\.2:80: netd has no network card")):
        out = t.command(line, timeout=30)
        tap.check("without a card, in words: %s" % line, has(out, want) and "VX_E" not in out, out)
    t.command("kill netd")
    for line, want in (("nc 10.0.2.2 7", r"^nc: cannot connect to 10\.0\.2\.2:7: netd is not running"),
                       ("get http://10.0.2.2/x", r"^get: cannot connect to 10\.0\.2\.2:80: netd is not running")):
        out = t.command(line, timeout=30)
        tap.check("netd stopped, in words: %s" % line, has(out, want) and "VX_E" not in out, out)
    t.command("start netd")
    # ...and so do linux and linux --stats with linuxd stopped (once
    # "cannot run sh: VX_E_AGAIN (not ready, try again)").
    t.command("kill linuxd")
    for line in ("linux sh", "linux --stats"):
        out = t.command(line, timeout=30)
        tap.check("linuxd stopped, in words: %s" % line,
                  has(out, r"^linux: cannot reach linux: it is not running") and "VX_E" not in out, out)
    t.command("start linuxd")
    # kill stops a service for good.
    out = t.command("kill vfsd")
    out += t.command("ps")
    tap.check("kill stops a service and ps shows it stopped", has(out, r"^vfsd\s+stopped"), out)
    out = t.command("kill vfsd")
    tap.check("kill of a stopped service says it is not running",
              has(out, r"^kill: vfsd is not running$"), out)
    out = t.command("crash vfsd")
    tap.check("crash of a stopped service says it is not running, not VX_E_STATE",
              has(out, r"^crash: vfsd is not running \(restarting, or stopped: see ps\)$"), out)
    # The shell and the console run under policy always: killing either
    # for good once left nothing to type into.
    for svc in ("vshell", "uartd"):
        out = t.command("kill " + svc)
        out += t.command("echo still-here")
        tap.check("kill %s is refused (policy always) and the shell still answers" % svc,
                  has(out, r"^kill: %s runs under policy always" % svc) and
                  has(out, r"^still-here$") and not has(out, r"killed on request"), out)
    out = t.command("ls")
    tap.check("with vfsd gone, ls says it cannot reach it", has(out, r"^ls: "), out)
    # start brings a stopped service back: one killed, and one given up on.
    out = t.command("start vfsd")
    tap.check("start starts a killed service", has(out, r"^start: started vfsd$"), out)
    wait_running(t, "vfsd")
    out = t.command("write back.txt vfsd is back")
    out += t.command("cat back.txt")
    tap.check("...which serves again", has(out, r"^vfsd is back$"), out)
    out = t.command("start vfsd")
    tap.check("start of a running service is refused in words",
              has(out, r"^start: vfsd is running, or about to restart"), out)
    # nsd back lets linuxd go on with its boot, whose line may land inside
    # ps's table: ps is asked again until nsd's row reads whole.
    out = t.command("start nsd")
    try:
        wait_running(t, "nsd")
        running = True
    except Timeout as e:
        running = False
        out += str(e)
    tap.check("start starts a service init gave up on",
              has(out, r"^start: started nsd$") and running, out)
    out = t.command("start nosuch")
    tap.check("start of no such service says so", has(out, r"^start: no such service: nosuch$"),
              out)


def wait_running(t, name):
    """Polls ps until name is running again (bounded)."""
    for _ in range(100):
        if has(t.command("ps"), r"^%s\s+running" % name):
            return
    raise Timeout("%s never came back" % name)


def conns(text):
    m = re.search(r"connections: (\d+) of", text)
    return int(m.group(1)) if m else None


if __name__ == "__main__":
    sys.exit(main())
