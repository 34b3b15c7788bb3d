# SPDX-License-Identifier: BSD-3-Clause
"""One guest connection to a host server, for QEMU's guestfwd=...-cmd:.

slirp runs this once per connection the guest opens to the forwarded
address, with the connection as stdin and stdout.  It connects to
127.0.0.1:PORT (only there: the scenario's safety rule) and copies bytes
both ways.  The guest's end of stream becomes a half-close towards the
server; the server's end of stream ends the relay, which the guest sees
as the connection closing.  (The chardev form of guestfwd keeps one host
connection for the life of QEMU and never passes a close on, so a second
request or a close-delimited body could not work through it.)

usage: tcp_relay.py PORT
"""
import os
import select
import socket
import sys


def main():
    port = int(sys.argv[1])
    up = socket.create_connection(("127.0.0.1", port), timeout=30)
    up.setblocking(True)
    guest_open = True
    deadline_polls = 0
    while True:
        fds = [up] + ([0] if guest_open else [])
        r, _, _ = select.select(fds, [], [], 30)
        if not r:
            deadline_polls += 1
            if deadline_polls >= 4:  # two idle minutes: give up, bounded
                return
            continue
        if 0 in r:
            data = os.read(0, 65536)
            if data:
                up.sendall(data)
            else:
                guest_open = False
                up.shutdown(socket.SHUT_WR)
        if up in r:
            data = up.recv(65536)
            if not data:
                return
            view = memoryview(data)
            while view:
                n = os.write(1, view)
                view = view[n:]


main()
