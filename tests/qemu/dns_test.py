# SPDX-License-Identifier: BSD-3-Clause
"""dnsd, the stub resolver, seen from the shell (vectra/proto/dns.h).

One boot of dns.img (mk/dns.mk: netd with the static address 10.9.0.2/24,
dnsd asking 10.9.0.1, SYS:etc/hosts from tests/qemu/etc/hosts-dns) with
its virtio-net card on QEMU's socket netdev, connected on 127.0.0.1 to
tests/net/dnspeer.py, which plays 10.9.0.1: ARP, ping, and a DNS server
with a fixed zone.  Nothing else is on the link, and nothing leaves the
host (no slirp: its DNS would forward to the real resolver).

  hosts     names in the hosts file are answered without a query; its bad
            line is reported with its number; an address answers itself
  refused   names lib/net/dns.h refuses, with their errors
  server    a CNAME chain's addresses and TTL come from the server, then
            from the cache (no second query); a flush sends the next ask
            to the server again
  negative  NXDOMAIN and NODATA are cached for the SOA's negative TTL
  expiry    a name with a 2 s TTL is asked again once it has expired
  errors    TC, SERVFAIL, REFUSED, a malformed reply (compression loop)
            and a server that stays silent each end with their own result
  spoof     a reply with the wrong id and one from another address are
            ignored and counted; the real answer is taken
  ping      ping takes a name
  restart   netd is crashed: dnsd's next query goes through a new socket
  queries   the peer saw random ids from a port above 49152
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "net"))
from vterm import Tap, Timeout, VTerm, capture, has  # noqa: E402
from dnspeer import Peer  # noqa: E402

B = os.environ.get("B", "build")


def counter(out, name):
    m = re.search(r"\b%s +(\d+)\b" % name, out)
    return int(m.group(1)) if m else 0


def main():
    tap = Tap("dns")
    peer = Peer()
    peer.start()
    flags = ["-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off",
             "-device", "intel-iommu",
             "-device", "pcie-root-port,id=rp1,chassis=1,slot=1",
             "-netdev", "socket,id=n0,connect=127.0.0.1:%d" % peer.port,
             "-device", "virtio-net-pci,bus=rp1,netdev=n0,iommu_platform=on,disable-legacy=on"]
    term = VTerm(B, image="dns.img", extra=flags + capture(B, "dns"))
    try:
        term.expect(r"vshell> ", 120)
        boot = term.text()
        for _ in range(60):  # netd's address and dnsd's start, in either order
            if re.search(r"^netd: static address 10\.9\.0\.2: VX_OK", term.text(), re.M) and \
                    re.search(r"dnsd: \d+ names from", term.text()):
                break
            time.sleep(0.5)
        boot = term.text()
        tap.check("boot: netd has 10.9.0.2", has(boot, r"^netd: static address 10\.9\.0\.2: VX_OK"),
                  boot)
        # dnsd's lines may come after the first prompt, on its line.
        tap.check("hosts: dnsd read the hosts file",
                  has(boot, r"dnsd: 4 names from SYS:etc/hosts, server from the args"), boot)
        tap.check("hosts: the bad line is reported with its number",
                  has(boot, r"dnsd: SYS:etc/hosts line 5 skipped: bad-addr"), boot)

        out = term.command("host Pinned.test")
        tap.check("hosts: pinned.test from the hosts file",
                  has(out, r"^Pinned\.test: 10\.9\.0\.77  \(from hosts\)"), out)
        tap.check("hosts: no query was sent for it", peer.count("pinned.test") == 0,
                  str(peer.queries))

        out = term.command("host 10.9.0.5")
        tap.check("hosts: an address is its own answer",
                  has(out, r"^10\.9\.0\.5: 10\.9\.0\.5  \(from literal\)"), out)
        # Refused names are said in words with the rule (they were once
        # only "VX_E_INVAL (invalid argument)").
        out = term.command("host a..b")
        tap.check("refused: an empty label (VX_E_INVAL)",
                  has(out, r"^host: 'a\.\.b' is not a host name or an address \(VX_E_INVAL: .*none empty\)$"),
                  out)
        out = term.command('host ""')
        tap.check("refused: an empty name, in words",
                  has(out, r"^host: '' is not a host name or an address \(VX_E_INVAL"), out)
        out = term.command('nc "" 7')
        tap.check("refused: nc to an empty host name, in words",
                  has(out, r"^nc: '' is not a host name or an address \(VX_E_INVAL"), out)
        out = term.command("host " + "x" * 64 + ".test")
        tap.check("refused: a label of 64 bytes (VX_E_TOOBIG)",
                  has(out, r"^host: 'x+\.test' is too long for a host name \(VX_E_TOOBIG: a label holds at most 63 bytes"),
                  out)

        out = term.command("host www.test", timeout=30)
        tap.check("server: www.test's two addresses through the CNAME, TTL 120",
                  has(out, r"^www\.test: 10\.9\.0\.80 10\.9\.0\.81  \(ttl 120 s, from server\)"),
                  out)
        out = term.command("host WWW.Test.", timeout=30)
        tap.check("server: asked again (another case), from the cache",
                  has(out, r"^WWW\.Test\.: 10\.9\.0\.80 10\.9\.0\.81  \(ttl \d+ s, from cache\)"),
                  out)
        tap.check("server: one query for www.test", peer.asked("www.test") == 1,
                  str(peer.queries))

        out = term.command("host nope.test", timeout=30)
        tap.check("negative: NXDOMAIN, TTL the SOA's MINIMUM",
                  has(out, r"^host: nope\.test: not found \[VX_E_NOTFOUND nxdomain\] "
                      r"\(ttl 60 s, from server\)"), out)
        out = term.command("host nope.test", timeout=30)
        tap.check("negative: the second ask is a cached negative",
                  has(out, r"^host: nope\.test: not found \[VX_E_NOTFOUND\] \(ttl \d+ s, from cache\)")
                  and peer.asked("nope.test") == 1, out)
        out = term.command("host empty.test", timeout=30)
        tap.check("negative: NODATA, TTL the SOA record's own",
                  has(out, r"^host: empty\.test: not found \[VX_E_NOTFOUND nodata\] "
                      r"\(ttl 30 s, from server\)"), out)

        out = term.command("host short.test", timeout=30)
        tap.check("expiry: short.test from the server, TTL 2",
                  has(out, r"^short\.test: 10\.9\.0\.22  \(ttl 2 s, from server\)"), out)
        time.sleep(3)
        out = term.command("host short.test", timeout=30)
        tap.check("expiry: after 3 s it is asked again",
                  has(out, r"^short\.test: 10\.9\.0\.22  \(ttl 2 s, from server\)")
                  and peer.asked("short.test") == 2, out + str(peer.queries))

        for name, want in [("big.test", r"the answer was truncated \[VX_E_TOOBIG truncated\]"),
                           ("fail.test", r"the server failed \(SERVFAIL\) \[VX_E_AGAIN servfail\]"),
                           ("refused.test", r"the server refused \[VX_E_REFUSED refused\]")]:
            out = term.command("host " + name, timeout=30)
            tap.check("errors: %s" % name, has(out, r"^host: %s: %s" % (re.escape(name), want)),
                      out)

        out = term.command("host spoof.test", timeout=30)
        tap.check("spoof: the real answer is taken",
                  has(out, r"^spoof\.test: 10\.9\.0\.33  \(ttl 300 s, from server\)"), out)

        out = term.command("host loop.test", timeout=30)
        tap.check("errors: a compression loop, every try: malformed",
                  has(out, r"^host: loop\.test: only malformed replies came "
                      r"\[VX_E_CORRUPT ptr-forward\]"), out)
        tap.check("errors: loop.test was sent three times, one id",
                  peer.count("loop.test") == 3 and peer.asked("loop.test") == 1,
                  str(peer.queries))
        out = term.command("host silent.test", timeout=30)
        tap.check("errors: a silent server: timeout after three tries",
                  has(out, r"^host: silent\.test: the server did not answer \[VX_E_TIMEOUT\]")
                  and peer.count("silent.test") == 3 and peer.asked("silent.test") == 1,
                  out + str(peer.queries))

        out = term.command("ping gw.test 1", timeout=40)
        tap.check("ping: by name",
                  has(out, r"^PING gw\.test \(10\.9\.0\.1\)") and has(out, r"^1 sent, 1 received"),
                  out)
        out = term.command("ping nope.test 1", timeout=30)
        tap.check("ping: a name that does not exist",
                  has(out, r"^ping: nope\.test: not found \(VX_E_NOTFOUND\)"), out)
        out = term.command("ping 1.2.3 1", timeout=30)
        tap.check("ping: digits that are not an address are still refused",
                  has(out, r"^ping: '1\.2\.3' is not an address"), out)

        out = term.command("dns", timeout=30)
        tap.check("counters: dns shows the server from the args",
                  has(out, r"^server   10\.9\.0\.1 \(args\)"), out)
        tap.check("counters: the cache lists www.test",
                  has(out, r"^  www\.test +\d+ s  10\.9\.0\.80 10\.9\.0\.81"), out)
        tap.check("counters: the cache lists nope.test as negative",
                  has(out, r"^  nope\.test +\d+ s  \(does not exist\)"), out)
        for name, test in [("spoofed_id", lambda v: v >= 1), ("spoofed_source", lambda v: v >= 1),
                           ("bad_replies", lambda v: v == 3), ("timeouts", lambda v: v == 1),
                           ("truncated", lambda v: v == 1), ("server_errors", lambda v: v == 2),
                           ("hosts_hits", lambda v: v == 1), ("cache_hits", lambda v: v == 1),
                           ("cache_neg_hits", lambda v: v == 2), ("sock_opens", lambda v: v == 1)]:
            tap.check("counters: %s" % name, test(counter(out, name)), out)

        out = term.command("dns flush")
        tap.check("flush: entries dropped", has(out, r"^dns: flushed \d+ entries"), out)
        out = term.command("host www.test", timeout=30)
        tap.check("flush: www.test comes from the server again",
                  has(out, r"\(ttl 120 s, from server\)") and peer.asked("www.test") == 2, out)

        # netd restarts under dnsd: its socket is gone; the next query
        # opens a new one.
        term.command("crash netd")
        term.expect(r"init: restarting netd", 30)
        term.expect(r"netd: static address 10\.9\.0\.2: VX_OK", 60)
        out = term.command("host short.test", timeout=30)
        tap.check("netd restart: dnsd asks through a new socket",
                  has(out, r"^short\.test: 10\.9\.0\.22  \(ttl 2 s, from server\)"), out)
        out = term.command("dns", timeout=30)
        tap.check("netd restart: counted as a second socket", counter(out, "sock_opens") == 2,
                  out)

        # Ctrl-C stops a resolution that waits on a silent server (dnsd
        # gives it up to 7 s): host, ping, nc and get once sat it out.
        # The answer that comes later is dropped, and the next ask works.
        for line in ("host silent.test", "nc silent.test 7"):
            term.send(line + "\r")
            time.sleep(1)
            out = term.interrupt()
            tap.check("Ctrl-C stops a resolution (said 'interrupted', not 'timed out'): %s" % line,
                      has(out, r"^%s: interrupted \(Ctrl-C\) while resolving silent\.test$" % line.split()[0]),
                      out)
        out = term.command("host www.test", timeout=30)
        tap.check("after a Ctrl-C, the next resolution is answered",
                  has(out, r"^www\.test: 10\.9\.0\.80 10\.9\.0\.81"), out)

        with peer.lock:
            qs = list(peer.queries)
        # Fourteen queries (retransmits keep their id, as the loop and
        # silent checks saw): random 16-bit ids, so at least 12 distinct
        # ones (a third collision by chance: about 1 in 10^9).
        ids = set(q[1] for q in qs)
        ports = set(q[2] for q in qs)
        tap.check("queries: random ids", len(ids) >= 12, str(qs))
        tap.check("queries: from a random port above 49152, one for each socket",
                  len(ports) == 2 and min(ports) >= 49152, str(ports))
        faults = [line for line in term.text().splitlines() if re.search(r"fault|panic", line)
                  and not line.startswith("devices: made ") and "netd" not in line]
        tap.check("no fault in any Task but netd, crashed on purpose", not faults,
                  "\n".join(faults))
    except Timeout as e:
        tap.check("the session ran to the end", False, str(e))
    finally:
        log = os.path.join(B, "test-logs", "dns.log")
        os.makedirs(os.path.dirname(log), exist_ok=True)
        with open(log, "w") as f:
            f.write(term.text())
        term.close()
        peer.close()
    return 1 if tap.failed else 0


sys.exit(main())
