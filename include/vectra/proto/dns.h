/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The name-resolution protocol, served by dnsd over connections named
 * "dns" (rt/svc.h shape).  dnsd is a stub resolver: it answers from the
 * hosts file (SYS:etc/hosts), then its cache, then by asking one DNS
 * server over UDP through netd (a socket of proto/net.h).  A Task resolves
 * names only through a "dns" connection; it never needs a "net" one for
 * that.  lib/net/dns.h holds the rules for names, answers, TTLs and the
 * hosts file; this is the contract.
 *
 * Every request is decoded whole before anything happens
 * (services/dnsd/pure_dnsmsg.c, host-tested in tests/host/test_dnsmsg.c
 * and fuzzed by tests/fuzz/fuzz_dnsmsg.c).
 *
 *   DNS_RESOLVE   struct dns_resolve_req (8 bytes, then the name and its
 *                 NUL: len = 8 + strlen(name) + 1) -> struct dns_answer,
 *                 when the answer is known.  The reply's status is VX_OK
 *                 and dns_answer.result says how it ended (as NET_PING
 *                 does: in the status, VX_E_TIMEOUT would read as dnsd not
 *                 answering):
 *                   VX_OK          1..DNS_ADDRS_MAX addresses, good for
 *                                  ttl_s more seconds
 *                   VX_E_NOTFOUND  no such name, or no A record for it
 *                                  (a negative answer, cached ttl_s)
 *                   VX_E_TIMEOUT   the server did not answer: DNS_TRIES
 *                                  sends, DNS_RETRY_MS apart, doubling
 *                   VX_E_AGAIN     the server said SERVFAIL
 *                   VX_E_REFUSED   the server said REFUSED
 *                   VX_E_NOSYS     the server said another RCODE
 *                   VX_E_TOOBIG    the answer was truncated (TC): no TCP
 *                   VX_E_CORRUPT   the only replies were malformed (why
 *                                  says how: lib/net/dns.h)
 *                   VX_E_STATE     no server to ask: none in the args and
 *                                  none from netd's DHCP lease yet
 *                   VX_E_UNREACH, VX_E_HANGUP, ...  netd's socket failed
 *                 source says where the answer came from (DNS_SRC_*).  A
 *                 name that is an IPv4 address (A.B.C.D) is its own
 *                 answer (DNS_SRC_LITERAL, ttl_s 0).  Clients asking for
 *                 a name already being asked join that query.  At most
 *                 DNS_WAIT_MAX requests wait at once, over all
 *                 connections (VX_E_FULL).
 *   DNS_INFO      no data -> struct dns_info: the server and where it came
 *                 from, the hosts file, the cache's use.
 *   DNS_COUNTERS  struct dns_counters_req {first} -> struct dns_counters:
 *                 up to DNS_COUNTERS_BATCH counters (enum dns_counter)
 *                 from index first; total says how many there are.
 *   DNS_CACHE     struct dns_cache_req {first} -> struct dns_cache_entry:
 *                 the first live cache entry in a slot >= first;
 *                 VX_E_NOTFOUND past the last.  Ask again from slot + 1.
 *   DNS_FLUSH     no data -> struct dns_flushed: the cache is emptied (the
 *                 hosts file stays).
 *
 * ERRORS (the reply's status)
 *
 *   VX_E_NOSYS    an unknown op
 *   VX_E_INVAL    data of the wrong length for the op; capabilities sent
 *                 (no op takes any); a reserved field or flags not 0; a
 *                 name not ending in exactly one NUL at the end of the
 *                 data; a name lib/net/dns.h refuses (empty, an empty
 *                 label, a character other than letters, digits, '-',
 *                 '_')
 *   VX_E_TOOBIG   a label over 63 bytes (a name over DNS_REQ_NAME_MAX
 *                 bytes, under DNS's 253, does not fit a message: the
 *                 client library refuses it with VX_E_TOOBIG unsent)
 *   VX_E_FULL     DNS_WAIT_MAX requests wait already, or DNS_QUERIES_MAX
 *                 different names are being asked
 */
#ifndef VECTRA_PROTO_DNS_H
#define VECTRA_PROTO_DNS_H

#include <stdint.h>

enum dns_op {
	DNS_RESOLVE = 1,
	DNS_INFO = 2,
	DNS_COUNTERS = 3,
	DNS_CACHE = 4,
	DNS_FLUSH = 5,
};

#define DNS_ADDRS_MAX	     8u
#define DNS_REQ_NAME_MAX     231u /* 240 - 8 - the NUL */
#define DNS_WAIT_MAX	     16u
#define DNS_QUERIES_MAX	     8u
#define DNS_TRIES	     3u
#define DNS_RETRY_MS	     1000u /* then 2000, 4000: an answer by 7 s */
#define DNS_RESOLVE_MAX_MS   7000u /* the longest a DNS_RESOLVE waits */
#define DNS_COUNTERS_BATCH   28u
#define DNS_CACHE_NAME_BYTES 192u

struct dns_resolve_req {
	uint32_t flags; /* 0 */
	uint32_t reserved;
	char name[DNS_REQ_NAME_MAX + 1]; /* NUL-terminated; len says how much is sent */
};
_Static_assert(sizeof(struct dns_resolve_req) == 240, "dns_resolve_req layout");

/* dns_answer.source */
#define DNS_SRC_NONE	0u /* the server could not be asked (none, or the socket failed) */
#define DNS_SRC_HOSTS	1u /* SYS:etc/hosts */
#define DNS_SRC_CACHE	2u /* an earlier answer of the server */
#define DNS_SRC_SERVER	3u /* the server, just now (or its silence, or its bad replies) */
#define DNS_SRC_LITERAL 4u /* the name was an address */

struct dns_answer {
	int32_t result; /* see DNS_RESOLVE */
	uint8_t source; /* DNS_SRC_* */
	uint8_t naddr;	/* 0..DNS_ADDRS_MAX */
	uint8_t why;	/* lib/net/dns.h's enum vx_dns_why for the server's reply; else 0 */
	uint8_t reserved;
	uint32_t ttl_s; /* seconds it stays good (0 for the hosts file and literals) */
	uint32_t reserved2;
	uint8_t addr[DNS_ADDRS_MAX][4];
};
_Static_assert(sizeof(struct dns_answer) == 48, "dns_answer layout");

/* dns_info.how */
#define DNS_SERVER_NONE 0u /* none known yet */
#define DNS_SERVER_ARGS 1u /* "args server A.B.C.D" */
#define DNS_SERVER_DHCP 2u /* the first of netd's NET_INFO dns */

struct dns_info {
	uint8_t server[4];
	uint8_t how;	    /* DNS_SERVER_* */
	uint8_t sock;	    /* 1 while dnsd holds a UDP socket */
	uint16_t port;	    /* its local port */
	uint32_t hosts;	    /* names from the hosts file */
	uint32_t hosts_bad; /* its lines skipped */
	uint32_t cache_used, cache_size;
	uint32_t waiting; /* requests waiting for the server */
	uint32_t reserved;
};
_Static_assert(sizeof(struct dns_info) == 32, "dns_info layout");

struct dns_counters_req {
	uint32_t first;
	uint32_t reserved;
};
_Static_assert(sizeof(struct dns_counters_req) == 8, "dns_counters_req layout");

/* dnsd's counters, by index (names: lib/client/dns.h). */
enum dns_counter {
	DNSC_REQUESTS,	     /* DNS_RESOLVE requests decoded */
	DNSC_LITERALS,	     /* answered as addresses */
	DNSC_HOSTS_HITS,     /* answered from the hosts file */
	DNSC_CACHE_HITS,     /* answered from the cache, positive */
	DNSC_CACHE_NEG_HITS, /* answered from the cache, negative */
	DNSC_JOINED,	     /* joined a query already being asked */
	DNSC_QUERIES,	     /* queries sent (first tries) */
	DNSC_RETRIES,	     /* queries sent again */
	DNSC_ANSWERS,	     /* replies with addresses */
	DNSC_NEGATIVE,	     /* NXDOMAIN or no A record */
	DNSC_SERVER_ERRORS,  /* SERVFAIL, REFUSED, other RCODEs */
	DNSC_TRUNCATED,	     /* TC set */
	DNSC_TIMEOUTS,	     /* queries that ran out of tries */
	DNSC_SPOOFED_SOURCE, /* replies from another address or port */
	DNSC_SPOOFED_ID,     /* replies that were not answers to a query of ours */
	DNSC_BAD_REPLIES,    /* malformed replies (VX_E_CORRUPT) */
	DNSC_FULL,	     /* requests refused: too many waiting */
	DNSC_NO_SERVER,	     /* requests with no server to ask */
	DNSC_SOCK_OPENS,     /* UDP sockets opened through netd */
	DNSC_SOCK_ERRORS,    /* socket calls that failed */
	DNSC_FLUSHES,	     /* DNS_FLUSH requests */
	DNSC_RNG_FALLBACKS,  /* query ids from the clock: rngd did not answer */
	DNSC_COUNT
};

struct dns_counters {
	uint32_t first, count, total, reserved;
	uint64_t v[DNS_COUNTERS_BATCH];
};
_Static_assert(sizeof(struct dns_counters) == 240, "dns_counters layout");

struct dns_cache_req {
	uint32_t first;
	uint32_t reserved;
};
_Static_assert(sizeof(struct dns_cache_req) == 8, "dns_cache_req layout");

struct dns_cache_entry {
	uint32_t slot;
	uint8_t negative; /* 1: the name does not exist (or has no A record) */
	uint8_t naddr;
	uint16_t name_len; /* the whole name's length: more than fits if cut */
	uint32_t ttl_s;	   /* seconds left */
	uint32_t reserved;
	uint8_t addr[DNS_ADDRS_MAX][4];
	char name[DNS_CACHE_NAME_BYTES]; /* NUL-terminated, cut to 191 bytes */
};
_Static_assert(sizeof(struct dns_cache_entry) == 240, "dns_cache_entry layout");

struct dns_flushed {
	uint32_t dropped; /* entries the cache held */
	uint32_t reserved;
};
_Static_assert(sizeof(struct dns_flushed) == 8, "dns_flushed layout");

#endif
