# SPDX-License-Identifier: BSD-3-Clause
"""The trust scenario: boots the normal image, whose etc/ and pkg/ hold the
demo material tools/vectra/mkdemo.sh made during make, and drives the shell:

  - install of the good package, and of each bad one, each refused with the
    gate's own error (the same verdicts `vectra pkg verify` gives);
  - pkgs with the VCID this script computes itself from the package;
  - run of the package before login (identityd: sealed), a wrong
    passphrase (refused, the key stays sealed), the right one; nothing
    typed is echoed;
  - run with exactly its footprint: it signs, the signature verifies, and
    one more capability ("fs", also asked for on the command line) is denied;
  - a Task whose identity grant cannot sign, refused by identityd; malformed
    and forbidden requests to identityd and vpkg, each with its documented
    error;
  - a payload changed in the store refused before it runs;
  - identityd and vpkg never restarted, and no Reticle leak after run.
"""
import hashlib
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vterm import has, mem_figures, run_session  # noqa: E402

PROMPT = "vshell> "
PASS = "vectra"
WRONG = "notthepassphrase"


def sections(b):
    """The sections of a .vpkg: {tag: body} (docs/FORMATS.md)."""
    at, out = 8, {}
    while at < len(b):
        tag, n = b[at], int.from_bytes(b[at + 1:at + 5], "big")
        out.setdefault(tag, b[at + 5:at + 5 + n])
        at += 5 + n
    return out


def demo_ids():
    build = os.environ.get("B", "build")
    s = sections(open(os.path.join(build, "demo", "demo.vpkg"), "rb").read())
    return hashlib.sha256(s[1]).hexdigest(), hashlib.sha256(s[2]).hexdigest()


def main():
    return run_session("trust", run)


def login(t, passphrase):
    """Types login and a passphrase; returns what the screen showed."""
    start = len(t.buf)
    t.send("login\r")
    t.expect("Machine passphrase: ", timeout=20)
    t.send(passphrase + "\r")
    t.expect(re.escape(PROMPT), timeout=60)
    return t.text(start)


def run(t, tap):
    vcid, payload = demo_ids()
    t.expect(re.escape(PROMPT), timeout=60)
    tap.check("boots to the prompt without asking for a passphrase", True)

    out = t.command("pkgs")
    tap.check("nothing is installed at boot", "no packages installed" in out, out)

    # The gate, one refusal per check, each with its own name.
    for pkg, err in (("bad-sig", "VT_E_CLAIM_SIG"), ("unknown-person", "VT_E_UNKNOWN_PERSON"),
                     ("few-rebuilders", "VT_E_REBUILDERS"), ("no-proof", "VT_E_NO_PROOF"),
                     ("footprint", "VT_E_FOOTPRINT"), ("tampered", "VT_E_PAYLOAD")):
        out = t.command("install SYS:pkg/%s.vpkg" % pkg, timeout=90)
        tap.check("install %s is refused: %s" % (pkg, err),
                  has(out, r"^install: refused SYS:pkg/%s\.vpkg: %s \(" % (pkg, err)), out)
    out = t.command("pkgs")
    tap.check("a refused package is not installed", "no packages installed" in out, out)

    # Files that are not packages, and names that are not files.
    for name, want in (("SYS:etc/manifest", "VT_E_MAGIC"), ("SYS:pkg", "no such file"),
                       ("SYS:pkg/nothing.vpkg", "no such file"),
                       ("SYS:../etc/policy", "VX_E_INVAL"), ("nofile", "no such file")):
        out = t.command("install %s" % name, timeout=60)
        tap.check("install %s: %s" % (name, want), want in out and "installed:" not in out, out)

    out = t.command("install SYS:pkg/demo.vpkg", timeout=90)
    tap.check("install of the demo package passes every check",
              "passed every check" in out and ("vcid1-" + vcid) in out, out)
    out = t.command("install SYS:pkg/demo.vpkg", timeout=90)
    tap.check("a second install of the same name is refused", "already installed" in out, out)
    out = t.command("install pkg", timeout=60)
    tap.check("install of a vfsd directory: no such file", "no such file: pkg" in out, out)
    out = t.command("pkgs")
    tap.check("pkgs lists its VCID (computed here from the package)", ("vcid1-" + vcid) in out, out)
    tap.check("pkgs lists its signers",
              "Machine demo" in out and "Person owner" in out and "3 rebuilders" in out, out)
    tap.check("pkgs lists its footprint", has(out, r"footprint: console identity\.sign$"), out)
    tap.check("pkgs lists its payload's VCID", ("vcid1-" + payload) in out, out)

    # Before login: the package runs, but identityd will not sign.
    out = t.command("run demo", timeout=60)
    tap.check("before login, signing is refused: ID_E_SEALED",
              "sign refused: ID_E_SEALED" in out, out)

    out = login(t, WRONG)
    tap.check("a wrong passphrase is refused: VT_E_PASSPHRASE",
              "login: refused: VT_E_PASSPHRASE" in out and "stays sealed" in out, out)
    tap.check("the passphrase is not echoed", WRONG not in out, out)
    out = t.command("run demo", timeout=60)
    tap.check("after a wrong passphrase the key stays sealed",
              "sign refused: ID_E_SEALED" in out, out)

    # Three wrong in a row: identityd refuses every try for a while.
    out = login(t, WRONG + "2") + login(t, WRONG + "3")
    tap.check("more wrong passphrases are refused", out.count("VT_E_PASSPHRASE") == 2, out)
    out = login(t, PASS)
    tap.check("after three wrong ones, even the right one waits: ID_E_BACKOFF",
              "login: refused: ID_E_BACKOFF" in out and "unsealed" not in out, out)
    # The backoff is 2 s of the guest's clock, which a loaded host can
    # stretch: ask again until it has passed (each refusal leaves it as it
    # was), for at most 20 s.
    for _ in range(10):
        time.sleep(2)
        out = login(t, PASS)
        if "ID_E_BACKOFF" not in out:
            break
    tap.check("login with the right passphrase unseals the key", "key is unsealed" in out, out)
    tap.check("the right passphrase is not echoed either", PASS not in out, out)
    out = t.command("login")
    tap.check("a second login says so, without asking", "already logged in" in out
              and "passphrase:" not in out, out)

    mem_before = mem_figures(t.command("mem"))
    out = t.command("run demo with fs=fs", timeout=60)
    tap.check("run of a package ignores the command line's grants",
              "gets its footprint, not the grants after 'with'" in out, out)
    tap.check("its Bundle is exactly its footprint",
              "my Bundle holds 4 capabilities: console.req console.rep identity.req "
              "identity.rep" in out, out)
    tap.check("it signs through identityd, and the signature verifies",
              has(out, r"signed \"hello from pkgdemo\" as Machine [0-9a-f]+\.\.\.: "
                       r"signature [0-9a-f]+\.\.\. verifies"), out)
    tap.check("one more capability is denied: VX_E_NOTFOUND",
              'one more capability, "fs": VX_E_NOTFOUND' in out, out)
    tap.check("it exits cleanly", "demo exited with code 0" in out and "warning" not in out, out)
    out = t.command("mem")
    tap.check("run gave back every byte of its Reticle", mem_figures(out) == mem_before, out)

    # A Task without the signing right.
    out = t.command("run pkgdemo with console identity=identity.status", timeout=60)
    tap.check("a Task whose grant cannot sign is refused: ID_E_DENIED",
              "this connection may status\n" in out and "sign refused: ID_E_DENIED" in out, out)
    out = t.command("run pkgdemo with console", timeout=60)
    tap.check("a Task with no identity grant cannot reach identityd",
              "no identity connection" in out, out)
    out = t.command("run pkgdemo probe with console identity=identity.sign pkg=pkg",
                    timeout=120)
    for what, err in (("op 0xffffffff", "VX_E_NOSYS"), ("LIST of 3 bytes", "VX_E_INVAL"),
                      ("INFO without its NUL", "VX_E_INVAL"), ("INFO of a bad name", "VX_E_INVAL"),
                      ("INFO of no package", "VX_E_NOTFOUND"),
                      ("GRANT past the end", "VX_E_NOTFOUND"),
                      ("INSTALL of an empty name", "VX_E_INVAL"),
                      ("INSTALL of a directory", "VX_E_NOTFOUND"),
                      ("INSTALL of a non-package", "VT_E_MAGIC"),
                      ("INSTALL of 240 bytes without a NUL", "VX_E_INVAL")):
        tap.check("vpkg answers %s with %s" % (what, err),
                  "pkgdemo: probe pkg %s: %s" % (what, err) in out, out)
    for what, err in (("op 0xffffffff", "VX_E_NOSYS"), ("op 0", "VX_E_NOSYS"),
                      ("SIGN of nothing", "VX_E_INVAL"), ("SIGN of 193 bytes", "VX_E_INVAL"),
                      ("STATUS with data", "VX_E_INVAL"), ("LOGIN", "ID_E_DENIED"),
                      ("LOCK", "ID_E_DENIED"), ("MINT", "ID_E_DENIED"),
                      ("UNMINT 0", "ID_E_DENIED"), ("len 241", "VX_E_INVAL")):
        tap.check("a request of %s gets %s" % (what, err),
                  "pkgdemo: probe %s: %s" % (what, err) in out, out)
    tap.check("and still signs afterwards", "verifies" in out, out)

    # The store is a file: changed, it is refused before it runs.
    path = "pkg/%s/%s" % (payload[:2], payload[2:])
    t.command("write %s not the program" % path)
    out = t.command("run demo", timeout=60)
    tap.check("a payload changed in the store is refused: VT_E_PAYLOAD",
              "no longer matches its VCID: VT_E_PAYLOAD" in out and "pkgdemo:" not in out, out)

    out = t.command("lock")
    out += t.command("run pkgdemo with console identity=identity.sign", timeout=60)
    tap.check("lock seals the key again", "sign refused: ID_E_SEALED" in out, out)

    out = t.command("ps")
    tap.check("identityd and vpkg never crashed",
              has(out, r"^identityd\s+running\s+\d+\s+0\s") and
              has(out, r"^vpkg\s+running\s+\d+\s+0\s"),
              out)


if __name__ == "__main__":
    sys.exit(main())
