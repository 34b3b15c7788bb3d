# SPDX-License-Identifier: BSD-3-Clause
"""Drives VectraOS over its serial console the way a person would.

VTerm boots an image under QEMU (TCG) with COM1 on a pipe, types keystrokes
into it and waits for output.  Waits are bounded: a missing line is a test
failure with the screen so far in the message, never a hang.  Nothing here
measures time; the timeouts only bound a wait.
"""
import datetime
import os
import re
import subprocess
import threading
import time


class Timeout(Exception):
    pass


def capture(build, name, netdev="n0"):
    """QEMU flags that record every frame of netdev in
    build/test-logs/NAME.pcap (QEMU's filter-dump), for tests/qemu/pcaps.py
    to read once the scenarios are done.  An older capture is removed."""
    path = os.path.join(build, "test-logs", name + ".pcap")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        os.unlink(path)
    return ["-object", "filter-dump,id=cap-%s,netdev=%s,file=%s" % (netdev, netdev, path)]


def near_host_utc(text, pattern):
    """(found, why): does text hold a time (pattern's six groups: year,
    month, day, hour, minute, second, UTC) within a day of the host's clock?
    The guest's wall clock starts at the host's UTC time (QEMU's CMOS
    default); a day's slack covers the boot and a midnight between."""
    host = datetime.datetime.now(datetime.timezone.utc)
    m = re.search(pattern, text, re.M)
    if not m:
        return False, "%s (host: %s)" % (text, host.isoformat())
    guest = datetime.datetime(*map(int, m.groups()), tzinfo=datetime.timezone.utc)
    return abs((host - guest).total_seconds()) < 86400, "%s (host: %s)" % (text, host.isoformat())


class VTerm:
    def __init__(self, build, root="prog/init.elf", image="boot.img", extra=(), cmd=None):
        """cmd: a whole command to run instead (make run, say), whose
        stdin and stdout are the serial line."""
        if cmd is not None:
            self._start(cmd)
            return
        smp = os.environ.get("SMP", "1")
        accel = subprocess.run([os.path.join(os.path.dirname(__file__), "../../scripts/qemu-accel.sh"), smp],
                               capture_output=True, text=True, check=True)
        cmd = ["qemu-system-x86_64", "-machine", "q35", "-m", "512M", "-smp", smp] + accel.stdout.split() + [
               "-no-reboot", "-display", "none", "-monitor", "none", "-serial", "stdio",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
               "-kernel", os.path.join(build, "kernel.bin"),
               "-initrd", os.path.join(build, root) + "," + os.path.join(build, image)]
        cmd += list(extra)
        self._start(cmd)

    def _start(self, cmd):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.buf = b""
        self.pos = 0  # output before pos has been matched already
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(4096)
            if not chunk:
                return
            with self.lock:
                self.buf += chunk

    def text(self, start=0):
        with self.lock:
            return self.buf[start:].decode("utf-8", "replace").replace("\r", "")

    def expect(self, pattern, timeout=20.0):
        """Waits for pattern (a regex) after the last match; returns the match."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        end = time.monotonic() + timeout
        while True:
            with self.lock:
                m = rx.search(self.buf, self.pos)
                if m:
                    self.pos = m.end()
                    return m
            if time.monotonic() > end or self.proc.poll() is not None:
                raise Timeout("no %r within %.0f s; last output:\n%s"
                              % (pattern, timeout, self.text(max(0, len(self.buf) - 800))))
            time.sleep(0.02)

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        # A person types; the UART's FIFO is 16 bytes, so pace long input.
        for i in range(0, len(data), 8):
            self.proc.stdin.write(data[i:i + 8])
            self.proc.stdin.flush()
            time.sleep(0.002)

    def command(self, line, prompt="vshell> ", timeout=20.0):
        """Types a line, waits for the next prompt, returns what came between."""
        start = len(self.buf)
        self.send(line + "\r")
        self.expect(re.escape(prompt), timeout)
        return self.text(start)

    def interrupt(self, prompt="vshell> ", timeout=20.0):
        """Types Ctrl-C and waits for the next prompt; returns what came
        after the Ctrl-C, or the Timeout's message (with the screen so far)
        when no prompt came.  A check judges by the words the program
        printed (an interrupted wait says so; one that ran out says "timed
        out"), never by how long they took."""
        start = len(self.buf)
        self.send("\x03")
        try:
            self.expect(re.escape(prompt), timeout)
            return self.text(start)
        except Timeout as e:
            return str(e)

    def close(self):
        try:
            self.proc.kill()
        except OSError:
            pass
        self.proc.wait()


class Tap:
    """Minimal TAP producer: one 'ok' / 'not ok' line per check."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.n = 0
        self.failed = 0

    def check(self, name, cond, detail=""):
        self.n += 1
        if cond:
            print("ok %d - %s: %s" % (self.n, self.prefix, name), flush=True)
        else:
            self.failed += 1
            print("not ok %d - %s: %s" % (self.n, self.prefix, name), flush=True)
            for line in str(detail).splitlines()[-15:]:
                print("#   " + line, flush=True)


def whole_line(t, start, timeout=60):
    """Waits for a line that begins with start (a regex), which a service
    may print before the shell's prompt or after it, and returns the text so
    far. It waits through the line's newline: a check made when only the
    line's start has arrived would fail on a slow host."""
    line = start + r"[^\n]*\n"
    if not re.search(line, t.text()):
        t.expect(line, timeout=timeout)
    return t.text()


def has(out, pattern):
    """Does a line of out match pattern (a regular expression)?"""
    return re.search(pattern, out, re.M) is not None


def mem_figures(text):
    """The figures of the shell's mem report, for comparing before and after."""
    lines = [l for l in text.splitlines() if "ret" in l.lower() or "reticle" in l.lower()]
    return re.findall(r"\d+", " ".join(lines))


def run_session(name, run, image=None, extra=()):
    """Boots image (the default boot image if None; extra: more QEMU flags)
    and runs run(term, tap) against its serial console; keeps the console
    in test-logs/NAME.serial.  Returns the exit status: 1 if any check
    failed."""
    build = os.environ.get("B", "build")
    tap = Tap(name)
    term = VTerm(build, image=image or "boot.img", extra=extra)
    try:
        run(term, tap)
    except Timeout as e:
        tap.check("the session ran to the end", False, str(e))
    finally:
        term.close()
    with open(os.path.join(build, "test-logs", name + ".serial"), "w") as f:
        f.write(term.text())
    return 1 if tap.failed else 0
