# SPDX-License-Identifier: BSD-3-Clause
"""HTTP and the shell's network tools end to end (docs/userland/httpd.md).

One boot of the normal image with a virtio-net card on QEMU's user-mode
network, restricted (`restrict=on`).  Everything stays on 127.0.0.1: the
host reaches the guest only through hostfwd rules bound to 127.0.0.1, and
the guest reaches the host only through guestfwd rules for 10.0.2.100,
each of which runs tests/qemu/tcp_relay.py to a server of this script on
127.0.0.1.  Ports are picked free at run time.  Python's http.server,
urllib and http.client are the oracles: code nobody here wrote.

  get     the guest fetches from a host http.server (10.0.2.100:80): a
          300 KiB file, a chunked body and a close-delimited one, each
          compared by SHA-256 (`sum`); a 404 writes no file; a body cut
          short is an error and leaves no file; https, names and bad URLs
          are refused by name
  serve   `serve www 80` runs httpd; the host fetches through hostfwd with
          urllib and compares bytes (the 300 KiB file, a small one), gets
          404, 400 for traversal attempts, 301 for a directory without
          '/', listings, 405 for POST, HEAD's length, and a second
          connection served while a first one is still sending its head;
          httpd logs each request; Ctrl-C stops it; its narrowed net
          grant (net.listen.PORT) refuses another port
  nc      `nc 10.0.2.100 7` talks to a host server both ways until it
          closes; `nc -l 7777` takes a connection from the host through
          hostfwd, both ways, until the host closes
"""
import hashlib
import http.client
import os
import random
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(__file__))
from vterm import Tap, Timeout, VTerm, capture, has  # noqa: E402
from devices_test import seen  # noqa: E402

B = os.environ.get("B", "build")
HERE = os.path.dirname(os.path.abspath(__file__))
BIG = bytes(random.Random(12).getrandbits(8) for _ in range(300 * 1024))
SMALL = b"small file from the host\n"
CHUNKED = b"".join(b"chunk %d of the chunked body\n" % i for i in range(200))
CLOSE = b"a body that ends when the connection does\n" * 50


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Handler(SimpleHTTPRequestHandler):
    """Files from the temporary directory, and three made-up answers."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/chunked":
            self.protocol_version = "HTTP/1.1"
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            for i in range(0, len(CHUNKED), 777):
                part = CHUNKED[i:i + 777]
                self.wfile.write(b"%x;n=%d\r\n%s\r\n" % (len(part), i, part))
            self.wfile.write(b"0\r\nX-Trailer: 1\r\n\r\n")
            self.close_connection = True
        elif self.path == "/close":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(CLOSE)
            self.close_connection = True
        elif self.path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(BIG[:5000])
            self.close_connection = True
        else:
            super().do_GET()


def nc_server(sock, got):
    """Accepts one connection: greets, reads a line, answers it, closes."""
    sock.settimeout(60)
    try:
        c, _ = sock.accept()
        c.settimeout(30)
        c.sendall(b"hello from the host\n")
        line = b""
        while not line.endswith(b"\n") and len(line) < 200:
            b = c.recv(1)
            if not b:
                break
            line += b
        got.append(line)
        c.sendall(b"got: " + line)
        c.close()
    except OSError as e:
        got.append(repr(e).encode())


def raw(port, request, timeout=30):
    """Sends request bytes, returns (status, headers and body) as bytes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    m = re.match(rb"HTTP/1\.1 (\d{3}) ", data)
    return (int(m.group(1)) if m else 0), data


def run_get(term, tap, big_sum):
    out = term.command("mkdir www")
    out = term.command("get http://10.0.2.100/big.bin www/big.bin", timeout=90)
    tap.check("get: 300 KiB from the host's http.server",
              has(out, r"^get: 200 OK: .* -> www/big\.bin \(307200 bytes\) in \d+\.\d{3} s"), out)
    out = term.command("sum www/big.bin", timeout=30)
    tap.check("get: its SHA-256 is the host's", has(out, r"^%s  www/big\.bin \(307200 bytes\)" % big_sum),
              out)
    out = term.command("get http://10.0.2.100/small.txt", timeout=30)
    tap.check("get: the default name is the URL's last name",
              has(out, r"^get: 200 OK: .* -> small\.txt \(%d bytes\)" % len(SMALL)), out)
    out = term.command("cat small.txt")
    tap.check("get: small.txt holds the host's bytes", has(out, r"^small file from the host$"), out)
    for name, body in (("chunked", CHUNKED), ("close", CLOSE)):
        out = term.command("get http://10.0.2.100/%s" % name, timeout=30)
        ok = has(out, r"^get: 200 OK: .* -> %s \(%d bytes\)" % (name, len(body)))
        out2 = term.command("sum %s" % name, timeout=30)
        tap.check("get: a %s body arrives whole" % ("chunked" if name == "chunked" else "close-delimited"),
                  ok and has(out2, r"^%s  %s " % (hashlib.sha256(body).hexdigest(), name)), out + out2)
    out = term.command("get http://10.0.2.100/missing.txt", timeout=30)
    out2 = term.command("ls missing.txt")
    tap.check("get: a 404 writes no file and says so",
              has(out, r"^get: 404 .*from 10\.0\.2\.100: no file written")
              and has(out2, r"no such file"), out + out2)
    out = term.command("get http://10.0.2.100/truncated", timeout=60)
    out2 = term.command("ls truncated")
    tap.check("get: a body cut short is an error and leaves no file",
              has(out, r"^get: VX_HTTP_E_TRUNCATED: .*the partial file truncated was removed")
              and has(out2, r"no such file"), out + out2)
    # Onto a FILE that was there, a transfer that fails leaves it as it
    # was: get once emptied it at the 200 and removed it at the failure.
    term.command("echo precious > kept.txt")
    out = term.command("get http://10.0.2.100/truncated kept.txt", timeout=60)
    out2 = term.command("cat kept.txt") + term.command("ls")
    tap.check("get: a body cut short leaves a FILE that was there as it was",
              has(out, r"^get: VX_HTTP_E_TRUNCATED: .*; kept\.txt is left as it was$")
              and has(out2, r"^precious$") and ".cp~" not in out2, out + out2)
    out = term.command("get http://10.0.2.100/small.txt kept.txt", timeout=30)
    out2 = term.command("cat kept.txt")
    tap.check("get: a whole body replaces a FILE that was there",
              has(out, r"-> kept\.txt \(%d bytes\)" % len(SMALL))
              and has(out2, r"^small file from the host$"), out + out2)
    for line, want in [("get https://10.0.2.100/", r"^get: VX_HTTP_E_HTTPS"),
                       ("get ftp://10.0.2.100/", r"^get: VX_HTTP_E_SCHEME"),
                       ("get http://user@10.0.2.100/", r"^get: VX_HTTP_E_USERINFO"),
                       ("get http://10.0.2.100:0/", r"^get: VX_HTTP_E_PORT"),
                       # dnsd has no server here (restricted slirp names none):
                       # the name fails to resolve, and nothing is sent
                       ("get http://example.org/", r"^get: example\.org: .*\(VX_E_")]:
        out = term.command(line)
        tap.check("get: refused: %s" % line, has(out, want), out)
    # A FILE that cannot be written is refused before any connection
    # (nothing answers at 10.0.2.99: a connection would time out).
    for line, want in [("get http://10.0.2.99/x SYS:x", r"^get: SYS: is the boot image, read-only: SYS:x$"),
                       ("get http://10.0.2.99/x www", r"^get: is a directory: www$"),
                       ("get http://10.0.2.99/x nodir/x", r"^get: no such directory: nodir \(for nodir/x\)$"),
                       ("get http://10.0.2.99/x NOPE:x", r"^get: no such directory: NOPE: \(for NOPE:x\)$"),
                       ("get http://10.0.2.99/x HOME:", r"^get: 'HOME:' names no file$")]:
        out = term.command(line, timeout=10)
        tap.check("get: refused before connecting: %s" % line.split()[-1],
                  has(out, want) and "connect" not in out, out)
    # There is no loopback: a connection to it, to ourselves or to a
    # broadcast is refused at once, not left to time out.
    for line in ("get http://127.0.0.1/", "get http://10.0.2.15/", "nc 127.0.0.1 7",
                 "nc 255.255.255.255 7"):
        out = term.command(line, timeout=10)
        tap.check("refused at once, with the reason: %s" % line,
                  has(out, r"cannot connect to .*: not a host to connect to \(loopback"), out)


def run_serve(term, tap, hport):
    term.command("echo hello > www/a.txt")
    term.command("mkdir www/sub")
    term.command("echo inside > www/sub/b.txt")
    out = term.command("run httpd www 81 with console fs net=net.listen.80", timeout=30)
    tap.check("serve: httpd's net grant listens on its own port only",
              has(out, r"^httpd: cannot listen on port 81: VX_E_RIGHTS")
              and has(out, r"^httpd exited with code 5"), out)
    # A DIR serve cannot take is refused in words (once "nosuch is not a
    # directory: VX_E_NOTFOUND (no such name)", and "SYS: is not a
    # directory" of the boot image's root).
    for line, want in (("serve nosuch 80", r"^serve: nosuch: no such directory$"),
                       ("serve www/a.txt 80", r"^serve: www/a\.txt: not a directory"),
                       ("serve SYS:etc 80", r"^serve: SYS:etc: SYS: is the boot image, which httpd cannot read")):
        out = term.command(line)
        tap.check("serve: refused in words: %s" % line, has(out, want) and "VX_E" not in out, out)
    term.send("serve www 80\r")
    seen(term, r"^httpd: serving / on port 80", 30)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    base = "http://127.0.0.1:%d" % hport
    try:
        with opener.open(base + "/big.bin", timeout=60) as r:
            body = r.read()
            tap.check("serve: the host fetches the 300 KiB file, byte for byte",
                      r.status == 200 and body == BIG, "status %d, %d bytes" % (r.status, len(body)))
    except (OSError, http.client.HTTPException) as e:
        tap.check("serve: the host fetches the 300 KiB file, byte for byte", False, repr(e))
    try:
        with opener.open(base + "/a.txt", timeout=30) as r:
            tap.check("serve: a small file with its type",
                      r.read() == b"hello\n" and r.headers["Content-Type"].startswith("text/plain"),
                      str(r.headers))
    except (OSError, http.client.HTTPException) as e:
        tap.check("serve: a small file with its type", False, repr(e))
    try:
        opener.open(base + "/nothing-here", timeout=30)
        tap.check("serve: 404 for a missing file", False, "no error")
    except urllib.error.HTTPError as e:
        tap.check("serve: 404 for a missing file", e.code == 404, str(e.code))
    except (OSError, http.client.HTTPException) as e:
        tap.check("serve: 404 for a missing file", False, repr(e))
    for target in ["/../a.txt", "/%2e%2e/www/a.txt", "/sub/..%2fa.txt", "/sub/%2E%2E/a.txt",
                   "/HOME:x", "/a.txt%00.html", "/.%2e/.%2e/etc"]:
        st, data = raw(hport, b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % target.encode())
        tap.check("serve: traversal %s is 400" % target, st == 400, data[:200])
    st, data = raw(hport, b"GET /sub HTTP/1.1\r\nHost: x\r\n\r\n")
    tap.check("serve: a directory without '/' is 301 to it",
              st == 301 and b"\r\nLocation: /sub/\r\n" in data, data[:300])
    st, data = raw(hport, b"GET / HTTP/1.0\r\n\r\n")
    tap.check("serve: the listing of /",
              st == 200 and b'<a href="a.txt">a.txt</a>' in data and b'<a href="sub/">sub/</a>' in data
              and b'<a href="big.bin">' in data, data[:600])
    st, data = raw(hport, b"GET /sub/ HTTP/1.1\r\nHost: x\r\n\r\n")
    tap.check("serve: the listing of /sub/", st == 200 and b'href="b.txt"' in data, data[:600])
    st, data = raw(hport, b"POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
    tap.check("serve: POST is 405 with Allow", st == 405 and b"\r\nAllow: GET, HEAD\r\n" in data, data[:300])
    st, data = raw(hport, b"HEAD /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
    tap.check("serve: HEAD gives the length and no body",
              st == 200 and b"\r\nContent-Length: 307200\r\n" in data and data.endswith(b"\r\n\r\n"),
              data[:300])
    st, data = raw(hport, b"GET / HTTP/1.1\r\n\r\n")
    tap.check("serve: HTTP/1.1 without Host is 400", st == 400, data[:200])
    # A first connection sends half its head and waits; a second one is
    # served whole meanwhile; then the first finishes.
    try:
        a = socket.create_connection(("127.0.0.1", hport), timeout=30)
        a.sendall(b"GET /sub/b.txt HTTP/1.1\r\n")
        time.sleep(0.5)
        with opener.open(base + "/a.txt", timeout=60) as r:
            second = r.read() == b"hello\n"
        a.sendall(b"Host: x\r\n\r\n")
        data = b""
        while True:
            b = a.recv(65536)
            if not b:
                break
            data += b
        a.close()
        tap.check("serve: a second connection is served while the first is open",
                  second and data.startswith(b"HTTP/1.1 200 ") and data.endswith(b"\r\n\r\ninside\n"),
                  data[:300])
    except (OSError, http.client.HTTPException) as e:
        tap.check("serve: a second connection is served while the first is open", False, repr(e))
    try:
        seen(term, r"^httpd: 10\.0\.2\.2:\d+ GET /big\.bin 200 307200$", 10)
        seen(term, r"^httpd: 10\.0\.2\.2:\d+ GET - 400 \d+ \(VX_HTTP_E_TRAVERSAL", 10)
        tap.check("serve: httpd logs one line per request", True)
    except Timeout as e:
        tap.check("serve: httpd logs one line per request", False, str(e))
    term.send("\x03")
    term.expect(r"httpd was interrupted \(Ctrl-C\)", 20)
    term.expect(r"vshell> ", 20)
    tap.check("serve: Ctrl-C stops httpd", True)


def run_nc(term, tap, hnc, nc_sock):
    got = []
    t = threading.Thread(target=nc_server, args=(nc_sock, got), daemon=True)
    t.start()
    start = len(term.text())
    term.send("nc 10.0.2.100 7\r")
    try:
        term.expect(r"hello from the host", 30)
        term.send("ping from guest\r")
        term.expect(r"got: ping from guest", 30)
        term.expect(r"nc: the peer closed the connection", 30)
        term.expect(r"vshell> ", 20)
        t.join(10)
        tap.check("nc: connect, both ways, until the peer closes", got == [b"ping from guest\n"],
                  repr(got) + term.text(start))
    except Timeout as e:
        tap.check("nc: connect, both ways, until the peer closes", False, str(e))
    term.send("nc -l 7777\r")
    term.expect(r"nc: listening on port 7777", 20)
    try:
        with socket.create_connection(("127.0.0.1", hnc), timeout=30) as s:
            term.expect(r"nc: connection from 10\.0\.2\.2:\d+", 30)
            s.sendall(b"from the host\n")
            term.expect(r"from the host", 30)
            term.send("reply\r")
            line = b""
            while not line.endswith(b"\n") and len(line) < 100:
                b = s.recv(1)
                if not b:
                    break
                line += b
        term.expect(r"nc: the peer closed the connection", 30)
        term.expect(r"vshell> ", 20)
        tap.check("nc -l: takes a connection from the host, both ways", line == b"reply\n", repr(line))
    except (Timeout, OSError) as e:
        tap.check("nc -l: takes a connection from the host, both ways", False, str(e))


def main():
    tap = Tap("http")
    root = tempfile.mkdtemp(prefix="vectra-http-")
    with open(os.path.join(root, "big.bin"), "wb") as f:
        f.write(BIG)
    with open(os.path.join(root, "small.txt"), "wb") as f:
        f.write(SMALL)
    server = ThreadingHTTPServer(("127.0.0.1", 0), lambda *a, **k: Handler(*a, directory=root, **k))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    nc_sock = socket.socket()
    nc_sock.bind(("127.0.0.1", 0))
    nc_sock.listen(1)
    sport, ncport = server.server_address[1], nc_sock.getsockname()[1]
    hport, hnc = free_port(), free_port()
    relay = "cmd:python3 %s" % os.path.join(HERE, "tcp_relay.py")
    netdev = ("user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:%d-:80,hostfwd=tcp:127.0.0.1:%d-:7777,"
              "guestfwd=tcp:10.0.2.100:80-%s %d,guestfwd=tcp:10.0.2.100:7-%s %d"
              % (hport, hnc, relay, sport, relay, ncport))
    flags = ["-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off", "-device", "intel-iommu",
             "-device", "pcie-root-port,id=rp1,chassis=1,slot=1",
             "-netdev", netdev,
             "-device", "virtio-net-pci,bus=rp1,netdev=n0,iommu_platform=on,disable-legacy=on"]
    term = VTerm(B, image="boot.img", extra=flags + capture(B, "http"))
    try:
        term.expect(r"vshell> ", 120)
        seen(term, r"^netd: DHCP: 10\.0\.2\.15 mask 255\.255\.255\.0 ", 60)
        run_get(term, tap, hashlib.sha256(BIG).hexdigest())
        run_serve(term, tap, hport)
        run_nc(term, tap, hnc, nc_sock)
        text = term.text()
        faults = [l for l in text.splitlines() if re.search(r"fault|panic|run: warning", l)
                  and not l.startswith("devices: made ")]
        tap.check("no fault, and run gave back every byte of ret", not faults, "\n".join(faults))
    except Timeout as e:
        tap.check("the session ran to the end", False, str(e))
    finally:
        log = os.path.join(B, "test-logs", "http.log")
        os.makedirs(os.path.dirname(log), exist_ok=True)
        with open(log, "w") as f:
            f.write(term.text())
        term.close()
        server.shutdown()
        nc_sock.close()
        shutil.rmtree(root, ignore_errors=True)
    return 1 if tap.failed else 0


sys.exit(main())
