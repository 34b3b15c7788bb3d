#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# make bench-trust, part two: `vectra log serve` over HTTP on loopback, with
# its fsync before every acknowledgement.  Appends COUNT entries one request
# at a time, then fetches COUNT inclusion proofs; prints per-request medians
# of 5 batches.  Durable appends are bound by the disk's fsync latency, so
# this is the figure that says what a real log costs.
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time

V = sys.argv[1]
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
d = tempfile.mkdtemp()
subprocess.run([V, "log", "keygen", "bench.example/log", "--out", f"{d}/op"], check=True,
               capture_output=True)
p = subprocess.Popen([V, "log", "serve", "--dir", f"{d}/log", "--key", f"{d}/op.skey",
                      "--port-file", f"{d}/port"], stderr=subprocess.DEVNULL)
for _ in range(200):
    if os.path.exists(f"{d}/port") and open(f"{d}/port").read().strip():
        break
    time.sleep(0.05)
port = int(open(f"{d}/port").read())


def call(method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request(method, path, body=body)
    r = c.getresponse()
    r.read()
    c.close()
    assert r.status == 200


batches = []
for b in range(5):
    t0 = time.perf_counter()
    for i in range(COUNT // 5):
        call("POST", "/add", os.urandom(144))
    batches.append((time.perf_counter() - t0) / (COUNT // 5))
app = statistics.median(batches)
batches = []
for b in range(5):
    t0 = time.perf_counter()
    for i in range(COUNT // 5):
        call("GET", f"/proof/inclusion?index={(i * 7919) % COUNT}&size={COUNT}")
    batches.append((time.perf_counter() - t0) / (COUNT // 5))
prf = statistics.median(batches)
print(f"bench-trust http-append entries={COUNT} per_append_ms={app * 1e3:.2f} "
      f"projected_100k_s={app * 100000:.0f} (fsync before each ack)")
print(f"bench-trust http-inclusion-proof tree={COUNT} per_request_ms={prf * 1e3:.3f}")
p.terminate()
p.wait()
subprocess.run(["rm", "-rf", d])
