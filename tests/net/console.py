#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A terminal on a TCP port of 127.0.0.1: a guest's serial console that
tests/net/run-net.sh put there, or the relay's control channel.

    console.py PORT        Ctrl-] quits

Keystrokes go out as typed (the terminal in raw mode when it is one);
what comes back is printed.  For hosts without nc or telnet.
"""
import os
import select
import socket
import sys
import termios
import tty

QUIT = b"\x1d"  # Ctrl-]


def main():
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        print("usage: console.py PORT", file=sys.stderr)
        return 2
    sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
    sock.setblocking(False)
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd) if os.isatty(fd) else None
    if saved:
        tty.setraw(fd)
        os.write(1, b"[console: Ctrl-] quits]\r\n")
    try:
        while True:  # until Ctrl-], end of input or the far end closing
            r, _, _ = select.select([sock, fd], [], [])
            if sock in r:
                data = sock.recv(4096)
                if not data:
                    break
                os.write(1, data.replace(b"\n", b"\r\n") if saved and b"\r" not in data else data)
            if fd in r:
                data = os.read(fd, 1024)
                if not data or QUIT in data:
                    break
                sock.sendall(data.replace(b"\r", b"\n") if not saved else data)
    finally:
        if saved:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
