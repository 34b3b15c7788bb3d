# SPDX-License-Identifier: BSD-3-Clause
"""Python's own HTTP code as an oracle for lib/net/http.c (test_http.c).

Shares no code with lib/net: the responses come from a real
http.server.SimpleHTTPRequestHandler answering real requests over a
socket pair, and what lib/net builds is judged by http.client and by
http.server's request parser.

  responses SEED N   N responses of Python's file server, one a line:
                     "RAW-HEX BODY-HEX" (the bytes on the wire, and the
                     file it served), files of random size and bytes
  parse-response     stdin: a response lib/net built; http.client must
                     read it; prints "STATUS LENGTH BODY-HEX"
  parse-request      stdin: a request lib/net built; http.server's
                     parser must take it; prints "METHOD PATH HOST"
"""
import http.client
import http.server
import io
import os
import random
import socket
import sys
import tempfile
import threading


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def responses(seed, n):
    rnd = random.Random(seed)
    with tempfile.TemporaryDirectory() as root:
        for i in range(n):
            size = rnd.choice([0, 1, 100, 1500, 4096, rnd.randrange(0, 70000)])
            body = bytes(rnd.getrandbits(8) for _ in range(size))
            name = "f%d.%s" % (i, rnd.choice(["bin", "txt", "html", "json"]))
            with open(os.path.join(root, name), "wb") as f:
                f.write(body)
            a, b = socket.socketpair()

            def serve(conn=b):
                Quiet(conn, ("127.0.0.1", 1), None, directory=root)
                conn.close()  # what socketserver's shutdown_request would do

            t = threading.Thread(target=serve)
            t.start()
            a.sendall(b"GET /%s HTTP/1.0\r\nHost: h\r\n\r\n" % name.encode())
            raw = b""
            while True:
                chunk = a.recv(65536)
                if not chunk:
                    break
                raw += chunk
            t.join()
            a.close()
            print(raw.hex(), body.hex())


class FakeSock:
    def __init__(self, data):
        self.data = data

    def makefile(self, *args, **kw):
        return io.BytesIO(self.data)


def parse_response():
    r = http.client.HTTPResponse(FakeSock(sys.stdin.buffer.read()))
    r.begin()
    body = r.read()
    print(r.status, r.getheader("Content-Length"), body.hex())


class Parse(http.server.BaseHTTPRequestHandler):
    def __init__(self, data):
        self.rfile = io.BytesIO(data)
        self.wfile = io.BytesIO()
        self.raw_requestline = self.rfile.readline(65537)
        self.client_address = ("127.0.0.1", 1)
        self.request_version = self.default_request_version = "HTTP/0.9"
        self.close_connection = True

    def log_message(self, *args):
        pass


def parse_request():
    p = Parse(sys.stdin.buffer.read())
    if not p.parse_request():
        sys.exit(1)
    print(p.command, p.path, p.headers.get("Host"))


if __name__ == "__main__":
    if sys.argv[1] == "responses":
        responses(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1] == "parse-response":
        parse_response()
    elif sys.argv[1] == "parse-request":
        parse_request()
