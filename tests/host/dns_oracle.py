#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# An independent oracle for tests/host/test_dns.c: DNS responses built and
# read back with dnspython (Debian's python3-dnspython), which shares no
# code with lib/net/dns.c.
#
#   dns_oracle.py build SEED N   print N responses, one line each:
#                                HEX ID QNAME VERDICT TTL ADDRS
#
# Each response answers an A query for QNAME (mixed case) with a random
# mix of: a CNAME chain of 0 to 3 links (sometimes a loop), A records of
# the chain's last name and of other names, records of other types, an
# SOA in the authority section, records in the additional section, a
# random RCODE and, now and then, TC.  dnspython writes the message (with
# its own name compression) and reads it back; the verdict comes from
# dnspython's parsed message by dns.h's rules:
#
#   truncated | servfail | refused | rcode | corrupt (a CNAME loop)
#   ok TTL ADDRS              the chain's minimum TTL, capped at a day
#   nxdomain TTL | nodata TTL min(SOA TTL, MINIMUM) capped at an hour,
#                             and the chain's TTLs; 0 without an SOA
#
# ADDRS is the comma-separated addresses, sorted ("-" for none).  Exits 77
# when dnspython is not installed.
import random
import sys

try:
    import dns.flags
    import dns.message
    import dns.name
    import dns.rcode
    import dns.rdataclass
    import dns.rdatatype
    import dns.rrset
except ImportError:
    sys.exit(77)

TTL_MAX = 86400
NEG_TTL_MAX = 3600
WORDS = ["www", "web", "mail", "a", "b-c", "x_y", "host7", "cdn", "edge", "real"]


def rand_name(rng):
    n = rng.randint(1, 3)
    labels = [rng.choice(WORDS) for _ in range(n)] + ["test"]
    return ".".join(labels)


def mixed_case(rng, s):
    return "".join(c.upper() if rng.random() < 0.3 else c for c in s)


def rand_ttl(rng):
    return rng.choice([0, 1, 2, 60, 300, 3600, 86400, 86401, 604800, 0x7FFFFFFF,
                       rng.randint(0, 100000)])


def rand_addr(rng):
    return "10.%d.%d.%d" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))


def rr(name, ttl, rtype, *values):
    return dns.rrset.from_text(name + ".", ttl, "IN", rtype, *values)


def build(rng):
    qname = rand_name(rng)
    query = dns.message.make_query(mixed_case(rng, qname) + ".", "A")
    query.id = rng.randint(0, 0xFFFF)
    resp = dns.message.make_response(query)
    records = []
    # The chain.
    links = rng.choice([0, 0, 1, 1, 2, 3])
    chain = [qname]
    for _ in range(links):
        nxt = rand_name(rng)
        if nxt in chain:
            nxt = "n%d.%s" % (len(chain), nxt)
        chain.append(nxt)
    if links and rng.random() < 0.1:
        chain.append(chain[rng.randint(0, len(chain) - 2)])  # a loop
    for i in range(len(chain) - 1):
        records.append(rr(mixed_case(rng, chain[i]), rand_ttl(rng), "CNAME",
                          chain[i + 1] + "."))
    last = chain[-1]
    for _ in range(rng.choice([0, 1, 1, 2, 3, 5])):
        records.append(rr(mixed_case(rng, last), rand_ttl(rng), "A", rand_addr(rng)))
    for _ in range(rng.randint(0, 2)):
        other = rand_name(rng)
        if other not in chain:
            records.append(rr(other, rand_ttl(rng), "A", rand_addr(rng)))
    if rng.random() < 0.3:
        records.append(rr(last, rand_ttl(rng), "TXT", '"hello"'))
    if rng.random() < 0.3:
        records.append(rr(last, rand_ttl(rng), "AAAA", "fd00::1"))
    rng.shuffle(records)
    for r in records:
        resp.answer.append(r)
    if rng.random() < 0.5:
        resp.authority.append(rr("test", rand_ttl(rng), "SOA",
                                 "ns.test. admin.test. 1 3600 600 86400 %d" % rand_ttl(rng)))
    if rng.random() < 0.3:
        resp.additional.append(rr("ns.test", 60, "A", rand_addr(rng)))
    resp.set_rcode(rng.choice([0, 0, 0, 0, 3, 3, 2, 5, 1, 4]))
    if rng.random() < 0.05:
        resp.flags |= dns.flags.TC
    return qname, query.id, resp.to_wire()


def verdict(qname, wire):
    m = dns.message.from_wire(wire)
    if m.flags & dns.flags.TC:
        return "truncated", 0, []
    rc = m.rcode()
    if rc == 2:
        return "servfail", 0, []
    if rc == 5:
        return "refused", 0, []
    if rc not in (0, 3):
        return "rcode", 0, []

    def cap(t):
        return 0 if t & 0x80000000 else t

    def find(name, rtype):
        for s in m.answer:
            if s.rdclass == dns.rdataclass.IN and s.rdtype == rtype and s.name == name:
                return s
        return None

    cur = dns.name.from_text(qname)
    seen = [cur]
    ttl = None
    hops = 0
    while True:
        s = find(cur, dns.rdatatype.CNAME)
        if s is None:
            break
        target = list(s)[0].target
        if target in seen:
            return "corrupt", 0, []
        hops += 1
        if hops > 8:
            return "corrupt", 0, []
        seen.append(target)
        ttl = cap(s.ttl) if ttl is None else min(ttl, cap(s.ttl))
        cur = target
    a = find(cur, dns.rdatatype.A)
    addrs = []
    if a is not None:
        for r in a:
            if r.address not in addrs and len(addrs) < 8:
                addrs.append(r.address)
    if rc == 0 and addrs:
        t = cap(a.ttl) if ttl is None else min(ttl, cap(a.ttl))
        return "ok", min(t, TTL_MAX), addrs
    neg = 0
    for s in m.authority:
        if s.rdtype == dns.rdatatype.SOA and s.rdclass == dns.rdataclass.IN:
            soa = list(s)[0]
            neg = min(cap(s.ttl), cap(soa.minimum), NEG_TTL_MAX)
            break
    if ttl is not None:
        neg = min(neg, ttl)
    return ("nxdomain" if rc == 3 else "nodata"), neg, []


def main():
    if len(sys.argv) != 4 or sys.argv[1] != "build":
        sys.exit("usage: dns_oracle.py build SEED N")
    rng = random.Random(int(sys.argv[2]))
    made = 0
    while made < int(sys.argv[3]):
        qname, qid, wire = build(rng)
        if len(wire) > 512:
            continue
        v, ttl, addrs = verdict(qname, wire)
        addr_text = ",".join(sorted(addrs, key=lambda s: tuple(map(int, s.split("."))))) or "-"
        print(wire.hex(), qid, mixed_case(rng, qname), v, ttl, addr_text)
        made += 1


if __name__ == "__main__":
    main()
