# SPDX-License-Identifier: BSD-3-Clause
"""The hostile-client scenario (issue 7): boots the hostile image (the
normal one plus bin/hostile, which also runs once at boot) and checks, over
the serial line, that no misuse of a service leaves a request unanswered,
the kernel down or the shell stuck.

  - unknown ops, 0xffffffff among them, to init, console, fs and ns: each
    answered VX_E_NOSYS
  - Ctrl-C stops a program that holds a console, and its Reticle comes back
  - finding 1's four routes, each followed by proof that the system is up
  - vfsd's capacity: 511 one-page files then a 1 MiB one, a fragmented
    store, and the entry limit
  - init's broker under back-pressure: a port's transfer queue full, the
    pairs that do not fit held back whole and delivered later
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vterm import has, mem_figures, run_session  # noqa: E402

PROMPT = "vshell> "
UNKNOWN_OPS = ("0xffffffff", "0x0", "0x7fffffff", "0x80000000", "0xfffffffe")


def main():
    return run_session("hostile", run, image="hostile.img")


def answered(out, conn):
    return all(has(out, r"hostile: %s op %s: VX_E_NOSYS$" % (conn, op)) for op in UNKNOWN_OPS)


def still_up(t, tap, what):
    """The kernel did not panic, the shell answers and vfsd serves."""
    out = t.command("write alive.txt %s" % what.replace(" ", "-"), timeout=30)
    out += t.command("cat alive.txt", timeout=30)
    out += t.command("uptime")
    tap.check("after %s: no kernel panic, the shell and vfsd still work" % what,
              "kernel panic" not in t.text() and what.replace(" ", "-") in out
              and has(out, r"\d+:\d\d:\d\d"), t.text()[-1500:])


def run(t, tap):
    t.expect(re.escape(PROMPT), timeout=60)
    t.expect(r"hostile: ops done", timeout=60)
    boot = t.text()
    tap.check("init answers op 0xffffffff and other unknown ops VX_E_NOSYS",
              answered(boot, "init"), boot[-1500:])
    tap.check("uartd answers op 0xffffffff and other unknown ops VX_E_NOSYS (boot client)",
              answered(boot, "console"), boot[-1500:])

    # Back-pressure: 12 connections to sink, whose port queues 16 capabilities
    # and is not read until all are made.
    # The whole line: matching its first words returned while " by sink"
    # was still on its way, and the check below then failed on "by sin".
    t.expect(r"hostile: back-pressure: \d+ of \d+ connections answered by \w+\r?\n",
             timeout=400)
    boot = t.text()
    tap.check("back-pressure: init makes 12 connections to a server that takes none",
              has(boot, r"hostile: back-pressure: 12 of 12 connections to sink made"), boot[-2500:])
    tap.check("back-pressure: init says a pair waits for room in sink's full port",
              has(boot, r"^init: sink's port holds 16 capabilities; a connection to it waits"),
              boot[-2500:])
    tap.check("back-pressure: init answers INIT_PS while sink's port is full",
              has(boot, r"hostile: back-pressure: init answers INIT_PS meanwhile: VX_OK"),
              boot[-2500:])
    tap.check("back-pressure: sink finds its port full (CAP_INSPECT's count is 16)",
              has(boot, r"hostile: sink: 16 capabilities wait in the port before it takes any"),
              boot[-2500:])
    tap.check("back-pressure: every pair arrives whole, the held-back ones too",
              has(boot, r"hostile: back-pressure: 12 of 12 connections answered by sink"),
              boot[-2500:])

    out = t.command("run hostile ops with fs=fs ns=ns console=console", timeout=60)
    for conn in ("fs", "ns", "console"):
        tap.check("%s answers op 0xffffffff and other unknown ops VX_E_NOSYS" % conn,
                  answered(out, conn), out)

    # A narrowed fs connection (vfsd's grants, proto/fs.h GRANTS): it reads
    # www and nothing else, and changes nothing.
    t.command("mkdir www")
    t.command("echo granted > www/a.txt")
    t.command("echo secret > secret.txt")
    out = t.command("run hostile fs-grant with fs=fs.read:www console=console", timeout=60)
    cases = re.findall(r"^hostile: fs-grant: (.*)$", out, re.M)
    tap.check("fs.read:www: every case got its named error or its bytes",
              len(cases) == 23 and "done, 0 wrong" in cases[-1] and not [c for c in cases if "(WRONG)" in c], "\n".join(cases) or out)
    out = t.command("run hostile fs-grant with fs=fs.read:../www console=console", timeout=60)
    # vfsd closes the connection as it takes it: the server end is never
    # bound, and every call says so (VX_E_AGAIN, rt/svc.h).
    tap.check("a grant vfsd refuses (a path with '..') gives no connection at all",
              re.search(r"hostile: fs-grant: read a.txt, its root's file: VX_E_AGAIN",
                        out) is not None, out)

    # Ctrl-C stops a program that holds a console of its own.
    mem_before = t.command("mem")
    t.send("run hostile spin with console=console\r")
    t.expect(r"hostile: spinning", timeout=30)
    start = len(t.buf)
    t.send(b"\x03")
    t.expect(re.escape(PROMPT), timeout=30)
    out = t.text(start)
    tap.check("Ctrl-C stops a program run with a console", has(out, r"interrupted"), out)
    mem_after = t.command("mem")
    tap.check("after Ctrl-C the shell's Reticle is whole",
              "warning" not in out and mem_figures(mem_before) == mem_figures(mem_after),
              out + mem_before + mem_after)
    out = t.command("uptime")
    tap.check("the prompt works after Ctrl-C", has(out, r"\d+:\d\d:\d\d"), out)

    # Finding 1, route (a): a view revoked before it was received.
    out = t.command("run hostile view-rewrite with fs=fs console=console", timeout=60)
    tap.check("route a: a view revoked in flight is received as VX_E_REVOKED",
              has(out, r"view received after rewrite: VX_E_REVOKED"), out)
    tap.check("route a: the next view is received in order",
              has(out, r"next view: VX_OK, 4608 bytes") and has(out, r"code 0"), out)
    still_up(t, tap, "route a")

    # (b): the same, and exit with the view still queued.
    out = t.command("run hostile view-exit with fs=fs console=console", timeout=60)
    tap.check("route b: the client exited with a revoked view queued",
              has(out, r"exiting with the view queued") and has(out, r"code 0"), out)
    still_up(t, tap, "route b")

    # (c): corrupt the request ring's head while holding a second fs connection.
    out = t.command("run hostile corrupt-exit with fs=fs fs2=fs console=console", timeout=60)
    tap.check("route c: the client corrupted its ring and exited",
              has(out, r"second connection: VX_OK") and has(out, r"head corrupted"), out)
    still_up(t, tap, "route c")

    # (d): requests without reading replies, views without receiving them.
    out = t.command("run hostile flood-exit with fs=fs console=console", timeout=60)
    tap.check("route d: the client flooded vfsd and exited", has(out, r"flood: \d+ requests"),
              out)
    still_up(t, tap, "route d")
    out = t.command("run hostile view-rewrite with fs=fs console=console", timeout=60)
    tap.check("after the four routes a new fs client is served",
              has(out, r"next view: VX_OK"), out)

    # vfsd's capacity, each on an empty file system (hostile empties it).
    out = t.command("run hostile fill-small with fs=fs console=console", timeout=300)
    tap.check("vfsd holds 511 one-page files", has(out, r"small files: 511 made"), out)
    tap.check("then one of them grows to 1 MiB",
              has(out, r"grows to 1 MiB: VX_OK") and has(out, r"code 0"), out)
    out = t.command("run hostile fill-frag with fs=fs console=console", timeout=600)
    tap.check("vfsd fills its 16 MiB with 32 KiB files", has(out, r"32 KiB files: 510 made"), out)
    tap.check("1 MiB files fill the holes of a fragmented store",
              has(out, r"1 MiB files in the holes: ([1-9]\d*) made of \1 free") and has(out, r"code 0"),
              out)
    out = t.command("run hostile fill-max with fs=fs console=console", timeout=300)
    tap.check("vfsd holds 512 entries and refuses the 513th with VX_E_FULL",
              has(out, r"entries: 512 made, the next: VX_E_FULL") and has(out, r"code 0"), out)
    still_up(t, tap, "the capacity tests")


if __name__ == "__main__":
    sys.exit(main())
