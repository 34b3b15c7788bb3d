/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DNS for a stub resolver (RFC 1035, RFC 2181, RFC 2308): A queries, a
 * strict response parser, a TTL cache and a hosts-file parser.  dnsd
 * (services/dnsd) is built on it; tests/host/test_dns.c and
 * tests/fuzz/fuzz_dns.c run it on the host.
 *
 * SHAPE
 *
 * Pure logic, like the rest of lib/net: no syscalls, no allocation, no
 * clock (the time comes in as now, nanoseconds from any fixed origin).
 * Every refusal returns one of the VX_E_* codes below and, where the
 * function takes a `why`, names the exact reason (enum vx_dns_why,
 * vx_dns_why_name): the tests check both, and dnsd counts by them.
 *
 * NAMES
 *
 * A name is text: labels of 1..VX_DNS_LABEL_MAX bytes of letters, digits,
 * '-' and '_', joined by '.', at most VX_DNS_NAME_MAX bytes in all, with
 * one trailing '.' accepted (and dropped).  vx_dns_name_check returns the
 * canonical form (ASCII lower case, no trailing dot), which the cache and
 * the hosts table use as their key: names compare case-insensitively.
 * Refusals, all VX_E_INVAL except the two lengths (VX_E_TOOBIG):
 *   EMPTY_NAME      "" or "."
 *   EMPTY_LABEL     "a..b", ".a", "a.."
 *   LABEL_LONG      a label over 63 bytes (VX_E_TOOBIG)
 *   NAME_LONG       over 253 bytes (VX_E_TOOBIG)
 *   BAD_CHAR        any other byte (space, '*', '\', 8-bit, controls)
 *
 * QUERIES
 *
 * vx_dns_query writes one A/IN question with the caller's id, RD=1 and no
 * other section: at most VX_DNS_QUERY_MAX bytes.
 *
 * RESPONSES
 *
 * vx_dns_parse(msg, len, id, name) takes one UDP payload that claims to
 * answer our query for name (canonical or not) and decides, in this order:
 *
 *   VX_E_CORRUPT  len < 12 (SHORT) or len > VX_DNS_MSG_MAX (LONG)
 *   VX_E_AUTH     not an answer to our query, to be ignored while the
 *                 real one may still come: another id (WRONG_ID), QR=0
 *                 (NOT_RESPONSE), an opcode not 0 (BAD_OPCODE), a
 *                 question count not 1 (BAD_QDCOUNT), or a question that
 *                 is not exactly ours: name (compared case-insensitively),
 *                 type A, class IN (WRONG_QUESTION)
 *   VX_E_TOOBIG   TC=1: the answer did not fit UDP (TRUNCATED); there is
 *                 no TCP fallback
 *   VX_E_NOTFOUND RCODE 3, NXDOMAIN (NXDOMAIN), or RCODE 0 without an A
 *                 record for the name at the end of the CNAME chain
 *                 (NODATA).  ttl is the negative TTL (RFC 2308): the
 *                 smaller of the TTL and the MINIMUM field of an SOA
 *                 record in the authority section, capped at
 *                 VX_DNS_NEG_TTL_MAX, and no longer than the CNAMEs
 *                 followed; 0 (do not cache) without an SOA.
 *   VX_E_AGAIN    RCODE 2, SERVFAIL (SERVFAIL)
 *   VX_E_REFUSED  RCODE 5, REFUSED (REFUSED)
 *   VX_E_NOSYS    any other RCODE: 1 FORMERR, 4 NOTIMP, 6..15 (RCODE)
 *   VX_E_CORRUPT  a malformed message, found while walking the answer and
 *                 authority sections (the additional section is not
 *                 read):
 *                   PTR_FORWARD   a compression pointer to its own offset
 *                                 or later (loops are impossible)
 *                   PTR_HOPS      more than VX_DNS_PTR_HOPS_MAX pointers
 *                                 in one name
 *                   PTR_PAST_END  a pointer, or a name, running past len
 *                   BAD_LABEL     a label type 01 or 10 (bits 0x40/0x80)
 *                   WIRE_LONG     a name over 255 bytes in wire form
 *                   COUNT_LIES    a section count claiming more records
 *                                 than the message holds
 *                   RDATA_PAST_END an rdlength running past len
 *                   BAD_A_LEN     an A/IN record of the name we follow
 *                                 whose rdlength is not 4
 *                   BAD_SOA       an SOA record whose names or five
 *                                 numbers do not fill its rdata exactly
 *                   CNAME_LOOP    the chain comes back to a name it left
 *                   CNAME_LONG    more than VX_DNS_CNAME_MAX CNAMEs
 *                   BAD_CNAME     a CNAME whose rdata is not exactly one
 *                                 name
 *   VX_OK         at least one address: the chain of CNAMEs (class IN)
 *                 is followed from the question's name, and the A/IN
 *                 records of its last name are taken, at most
 *                 VX_DNS_ADDRS_MAX of them, duplicates once.  Records for
 *                 other names and of other types are ignored.  ttl is the
 *                 smallest TTL of the CNAMEs followed and the A records
 *                 taken; a TTL with the top bit set counts as 0 (RFC
 *                 2181), and any TTL is capped at VX_DNS_TTL_MAX.
 *
 * THE CACHE
 *
 * VX_DNS_CACHE_ENTRIES entries, each a canonical name with up to
 * VX_DNS_ADDRS_MAX addresses (positive) or none (negative: the name does
 * not exist or has no A record), and the time it expires.  Inserting a
 * name that is there replaces it; a TTL of 0 stores nothing.  When full,
 * an expired entry is reused first, else the least recently used one
 * (lookups count as use) is evicted.  Lookups drop expired entries.
 *
 * THE HOSTS FILE
 *
 * Text lines "ADDR NAME [ALIAS...]": an IPv4 address (A.B.C.D), then 1 to
 * VX_HOSTS_NAMES_MAX names, separated by spaces or tabs; '#' starts a
 * comment; blank lines are skipped; "\n" ends a line ("\r\n" too).  A bad
 * line is skipped whole and reported to the callback with its number
 * (from 1) and why: LINE_LONG (over VX_HOSTS_LINE_MAX bytes), NOT_IPV4 (an
 * IPv6 address), BAD_ADDR, NO_NAME, TOO_MANY_NAMES, a name's refusal
 * (above), NUL_BYTE, or HOSTS_FULL (more than VX_HOSTS_ENTRIES names in
 * the file: that line and all the lines after it).  A name listed twice
 * keeps every address, in file order, up to VX_DNS_ADDRS_MAX.
 */
#ifndef VX_NET_DNS_H
#define VX_NET_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"

/* ---------------------------------------------------------------- limits */

#define VX_DNS_LABEL_MAX      63u
#define VX_DNS_NAME_MAX	      253u /* text, without the trailing dot */
#define VX_DNS_WIRE_MAX	      255u /* a name in wire form */
#define VX_DNS_MSG_MAX	      512u /* a UDP message (no EDNS) */
#define VX_DNS_QUERY_MAX      (12u + VX_DNS_WIRE_MAX + 4u)
#define VX_DNS_ADDRS_MAX      8u     /* addresses kept for one name */
#define VX_DNS_CNAME_MAX      8u     /* CNAMEs followed in one answer */
#define VX_DNS_PTR_HOPS_MAX   16u    /* compression pointers in one name */
#define VX_DNS_RR_MAX	      48u    /* answer + authority records: more than fit */
#define VX_DNS_TTL_MAX	      86400u /* one day */
#define VX_DNS_NEG_TTL_MAX    3600u  /* one hour */
#define VX_DNS_CACHE_ENTRIES  32u
#define VX_HOSTS_LINE_MAX     256u /* bytes, without the newline */
#define VX_HOSTS_NAMES_MAX    8u   /* names on one line */
#define VX_HOSTS_ENTRIES      32u  /* names in the whole file */
#define VX_DNS_PORT	      53u
#define VX_DNS_RCODE_NXDOMAIN 3u
#define VX_DNS_TYPE_A	      1u
#define VX_DNS_TYPE_CNAME     5u
#define VX_DNS_TYPE_SOA	      6u
#define VX_DNS_CLASS_IN	      1u

/* Why something was refused, beside its VX_E_* code (see above). */
enum vx_dns_why {
	VX_DNS_OK = 0,
	/* names */
	VX_DNS_EMPTY_NAME,
	VX_DNS_EMPTY_LABEL,
	VX_DNS_LABEL_LONG,
	VX_DNS_NAME_LONG,
	VX_DNS_BAD_CHAR,
	/* responses: not ours */
	VX_DNS_SHORT,
	VX_DNS_LONG,
	VX_DNS_WRONG_ID,
	VX_DNS_NOT_RESPONSE,
	VX_DNS_BAD_OPCODE,
	VX_DNS_BAD_QDCOUNT,
	VX_DNS_WRONG_QUESTION,
	/* responses: what the server said */
	VX_DNS_TRUNCATED,
	VX_DNS_NXDOMAIN,
	VX_DNS_NODATA,
	VX_DNS_SERVFAIL,
	VX_DNS_REFUSED,
	VX_DNS_RCODE,
	/* responses: malformed */
	VX_DNS_PTR_FORWARD,
	VX_DNS_PTR_HOPS,
	VX_DNS_PTR_PAST_END,
	VX_DNS_BAD_LABEL,
	VX_DNS_WIRE_LONG,
	VX_DNS_COUNT_LIES,
	VX_DNS_RDATA_PAST_END,
	VX_DNS_BAD_A_LEN,
	VX_DNS_BAD_SOA,
	VX_DNS_CNAME_LOOP,
	VX_DNS_CNAME_LONG,
	VX_DNS_BAD_CNAME,
	/* the hosts file */
	VX_DNS_LINE_LONG,
	VX_DNS_NOT_IPV4,
	VX_DNS_BAD_ADDR,
	VX_DNS_NO_NAME,
	VX_DNS_TOO_MANY_NAMES,
	VX_DNS_NUL_BYTE,
	VX_DNS_HOSTS_FULL,
	VX_DNS_WHY_COUNT
};

/* "wrong-id", "ptr-forward", ...; NULL out of range. */
const char *vx_dns_why_name(enum vx_dns_why why);

/* ----------------------------------------------------------------- names */

/* Checks name and writes its canonical form into out (NUL-terminated).
 * VX_OK, VX_E_INVAL or VX_E_TOOBIG with *why (why may be NULL). */
int vx_dns_name_check(const char *name, char out[VX_DNS_NAME_MAX + 1], enum vx_dns_why *why);

/* ---------------------------------------------------------------- queries */

/* An A query for name with id into buf[0..cap): *len its length.  The
 * name's refusals, or VX_E_TOOBIG when cap is too small. */
int vx_dns_query(uint8_t *buf, size_t cap, uint16_t id, const char *name, size_t *len,
		 enum vx_dns_why *why);

/* -------------------------------------------------------------- responses */

struct vx_dns_answer {
	uint8_t rcode;	/* the header's RCODE (when the header was read) */
	uint8_t naddr;	/* 0..VX_DNS_ADDRS_MAX */
	uint8_t ncname; /* CNAMEs followed */
	uint32_t ttl;	/* seconds: see RESPONSES */
	enum vx_dns_why why;
	uint8_t addr[VX_DNS_ADDRS_MAX][4];
};

int vx_dns_parse(const uint8_t *msg, size_t len, uint16_t id, const char *name,
		 struct vx_dns_answer *a);

/* ------------------------------------------------------------------ cache */

struct vx_dns_entry {
	bool used;
	bool negative;
	uint8_t naddr;
	uint8_t addr[VX_DNS_ADDRS_MAX][4];
	uint64_t expires; /* ns, on the caller's clock */
	uint64_t last;	  /* the cache's use counter at the last use */
	char name[VX_DNS_NAME_MAX + 1];
};

struct vx_dns_cache {
	struct vx_dns_entry e[VX_DNS_CACHE_ENTRIES];
	uint64_t use; /* counts inserts and lookups, for LRU */
	uint64_t hits, neg_hits, misses, evicted, expired;
};

void vx_dns_cache_init(struct vx_dns_cache *c);

/* name's entry into *out (may be NULL): VX_OK (addresses), VX_E_NOTFOUND
 * (a negative entry) or VX_E_EMPTY (none, or it expired: dropped).  name
 * is compared canonically; an invalid name is VX_E_EMPTY. */
int vx_dns_cache_lookup(struct vx_dns_cache *c, const char *name, uint64_t now,
			struct vx_dns_entry *out);

/* Stores name with naddr (1..VX_DNS_ADDRS_MAX) addresses, or, with naddr
 * 0, as negative, for ttl_s seconds (capped at VX_DNS_TTL_MAX).  VX_OK;
 * VX_OK storing nothing for ttl_s 0; the name's refusals; VX_E_INVAL for
 * naddr over the maximum. */
int vx_dns_cache_insert(struct vx_dns_cache *c, const char *name, const uint8_t (*addr)[4],
			uint32_t naddr, uint32_t ttl_s, uint64_t now);

/* Drops every expired entry; returns how many. */
uint32_t vx_dns_cache_expire(struct vx_dns_cache *c, uint64_t now);

/* Drops every entry; returns how many there were. */
uint32_t vx_dns_cache_flush(struct vx_dns_cache *c);

/* The first entry in a slot >= first that has not expired: its slot, with
 * *out filled; VX_E_NOTFOUND when there is none. */
int vx_dns_cache_next(const struct vx_dns_cache *c, uint32_t first, uint64_t now,
		      struct vx_dns_entry *out);

/* Entries in use (expired ones included until dropped). */
uint32_t vx_dns_cache_used(const struct vx_dns_cache *c);

/* ------------------------------------------------------------ hosts file */

struct vx_hosts_entry {
	uint8_t addr[4];
	char name[VX_DNS_NAME_MAX + 1];
};

struct vx_hosts {
	uint32_t n;   /* entries */
	uint32_t bad; /* lines skipped */
	uint32_t lines;
	struct vx_hosts_entry e[VX_HOSTS_ENTRIES];
};

typedef void (*vx_hosts_bad_fn)(void *ctx, uint32_t line, enum vx_dns_why why);

/* Parses text[0..len) into h (emptied first); bad (may be NULL) hears of
 * each bad line.  Returns the number of bad lines. */
uint32_t vx_hosts_parse(struct vx_hosts *h, const char *text, size_t len, vx_hosts_bad_fn bad,
			void *ctx);

/* name's addresses (compared canonically), at most max of them, in file
 * order, into addr; returns how many (0: not listed). */
uint32_t vx_hosts_lookup(const struct vx_hosts *h, const char *name, uint8_t (*addr)[4],
			 uint32_t max);

#endif
