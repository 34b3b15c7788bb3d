#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Crash test of `vectra log serve` (TAP output).  Two clients append
# entries while the server is killed with SIGKILL after a chosen number of
# acknowledgements (no clocks: the kill point is counted, not timed).  After
# each restart every acknowledged entry must be at its acknowledged index
# with its exact bytes, and the old checkpoint must be consistent with the
# new tree.  A torn record left in the file (a write the crash cut short)
# must be dropped on restart, never served.
import http.client
import os
import random
import signal
import struct
import subprocess
import sys
import tempfile
import threading

B = os.environ.get("B", "build")
V = os.path.realpath(os.environ.get("VECTRA", f"{B}/host/tools/vectra/vectra"))
n = 0


def tap(ok, desc):
    global n
    n += 1
    print(f"{'ok' if ok else 'not ok'} {n} - {desc}", flush=True)
    return ok


def start(d):
    pf = os.path.join(d, "port")
    if os.path.exists(pf):
        os.unlink(pf)
    p = subprocess.Popen([V, "log", "serve", "--dir", os.path.join(d, "log"), "--key",
                          os.path.join(d, "op.skey"), "--port-file", pf],
                         stderr=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(pf) and open(pf).read().strip():
            return p, int(open(pf).read())
        if p.poll() is not None:
            break
        threading.Event().wait(0.05)
    raise SystemExit("log serve did not start")


def call(port, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request(method, path, body=body)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def appender(port, tag, acked, lock, stop_after, proc):
    """Append until the server dies; record every acknowledged entry."""
    i = 0
    while True:
        body = f"{tag}-{i}-".encode() + os.urandom(random.randrange(0, 200))
        try:
            st, data = call(port, "POST", "/add", body)
        except Exception:
            return
        if st != 200:
            return
        with lock:
            acked.append((int(data), body))
            if stop_after is not None and len(acked) >= stop_after:
                proc.send_signal(signal.SIGKILL)
        i += 1


def main():
    rng = random.Random(13)
    random.seed(13)
    d = tempfile.mkdtemp()
    subprocess.run([V, "log", "keygen", "crash.example/log", "--out", os.path.join(d, "op")],
                   check=True, capture_output=True)
    acked = []
    last_cp = None
    for rnd in range(5):
        p, port = start(d)
        if last_cp:
            st, cp = call(port, "GET", "/checkpoint")
            size = int(cp.split(b"\n")[1])
            old = int(last_cp.split(b"\n")[1])
            ok = st == 200 and size >= old
            if ok and old == size:
                ok = cp.split(b"\n")[2] == last_cp.split(b"\n")[2]
            elif ok and old:
                st2, _ = call(port, "GET", f"/proof/consistency?old={old}&size={size}")
                ok = st2 == 200
            tap(ok, f"round {rnd}: restarted tree ({size}) extends the last checkpoint ({old})")
        lock = threading.Lock()
        mine = []
        stop = len(acked) + rng.randrange(5, 60)
        ts = [threading.Thread(target=appender,
                               args=(port, f"r{rnd}c{c}", mine, lock,
                                     stop - len(acked) if c == 0 else None, p))
              for c in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        p.wait()
        acked += mine
        tap(p.returncode == -signal.SIGKILL, f"round {rnd}: killed with SIGKILL after {len(mine)} acks")
        # Leave a torn record behind in one round, as a cut-short write would.
        entries = os.path.join(d, "log", "entries")
        whole = os.path.getsize(entries)
        if rnd == 2:
            with open(entries, "ab") as f:
                f.write(struct.pack(">I", 100) + b"\x00" * 40)
        p, port = start(d)
        if rnd == 2:
            tap(os.path.getsize(entries) == whole, "a torn record is cut off at restart")
        bad = 0
        for idx, body in acked:
            st, data = call(port, "GET", f"/entry?index={idx}")
            if st != 200 or data != body:
                bad += 1
        tap(bad == 0, f"round {rnd}: all {len(acked)} acknowledged entries intact after restart")
        st, cp = call(port, "GET", "/checkpoint")
        last_cp = cp
        size = int(cp.split(b"\n")[1])
        tap(size >= len(acked), f"round {rnd}: tree size {size} >= {len(acked)} acknowledged")
        p.send_signal(signal.SIGTERM)
        p.wait()
    print(f"1..{n}")
    subprocess.run(["rm", "-rf", d])


main()
