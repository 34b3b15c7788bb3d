# SPDX-License-Identifier: BSD-3-Clause
"""listen.py PORTFILE COMMAND ARG...: runs COMMAND with a TCP socket that
already listens on a free port of 127.0.0.1, for QEMU's
`-netdev stream,server=on,addr.type=fd,addr.str=@FD@` (every @FD@ in the
arguments becomes the socket's descriptor).  The port is written to
PORTFILE (whole, by a rename) before COMMAND starts, so the other guest's
QEMU may connect as soon as the file is there, and no other program can
take the port in between.  Only 127.0.0.1 is ever bound."""
import os
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# QEMU 7.2 sets TCP_NODELAY on a stream link it connects, not on one it
# accepts; the accepted socket inherits it from here.  Without it, a
# small frame right behind another waits for the host's delayed ACK
# (about 40 ms) before it leaves the listening QEMU.
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.bind(("127.0.0.1", 0))
s.listen(1)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
os.set_inheritable(s.fileno(), True)
args = [a.replace("@FD@", str(s.fileno())) for a in sys.argv[2:]]
os.execvp(args[0], args)
