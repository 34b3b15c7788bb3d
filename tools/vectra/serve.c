/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vectra log serve: the transparency log over HTTP on loopback.
 *
 * Storage is one append-only file, DIR/entries, of records
 *     length (u32, big-endian) | leaf hash (32) | entry (length bytes)
 * written with one write() and fsync()ed before the entry's index is sent:
 * an index a client has seen is on disk.  At start the file is read back;
 * the first record that is cut short or whose hash does not match (a write
 * the crash interrupted, never acknowledged) is cut off with the rest.
 *
 * The tree lives in memory as levels of complete-subtree hashes (level j
 * holds n >> j hashes), which is all lib/trust's proof code asks for.
 *
 *   POST /add                          entry in the body -> "INDEX\n"
 *   GET  /checkpoint                   signed checkpoint note of the tree now
 *   GET  /lookup?leaf=HEX              index of the entry with that leaf hash
 *   GET  /entry?index=I                the entry's bytes
 *   GET  /proof/inclusion?index=I&size=N      hex hashes, one a line
 *   GET  /proof/consistency?old=M&size=N      hex hashes, one a line
 *
 * One connection at a time (httpd.c); every read has a size bound and a
 * timeout.
 */
#define _DEFAULT_SOURCE /* fsync, O_DIRECTORY, sockets under -std=c11 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <vectra/abi.h>

#include "trust/codec.h"
#include "trust/merkle.h"
#include "trust/note.h"
#include "trust/terr.h"
#include "vectra.h"

#define ENTRY_MAX HTTP_BODY_MAX

struct log {
	int fd;
	uint64_t n;
	uint8_t (*level[64])[32];
	uint64_t cap[64];
	uint64_t *off; /* file offset of each entry's bytes */
	uint32_t *len;
	uint64_t offcap, lencap;
	uint64_t fsize;
	struct vt_notekey key;
	uint8_t seed[32];
};

static int node(void *ctx, unsigned level, uint64_t index, uint8_t out[32])
{
	struct log *l = ctx;
	if (level >= 64 || index >= (l->n >> level))
		return VX_E_INVAL;
	memcpy(out, l->level[level][index], 32);
	return VX_OK;
}

static int grow(void **p, uint64_t *cap, uint64_t need, size_t each)
{
	if (need <= *cap)
		return 0;
	uint64_t c = *cap ? *cap : 1024;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * each);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

/* Add a leaf hash (and where its entry is) to the in-memory tree. */
static int tree_add(struct log *l, const uint8_t h[32], uint64_t off, uint32_t len)
{
	if (grow((void **)&l->off, &l->offcap, l->n + 1, sizeof(uint64_t)) ||
	    grow((void **)&l->len, &l->lencap, l->n + 1, sizeof(uint32_t)))
		return -1;
	l->off[l->n] = off;
	l->len[l->n] = len;
	uint64_t idx = l->n;
	uint8_t cur[32];
	memcpy(cur, h, 32);
	for (unsigned j = 0; j < 64; j++) {
		if (grow((void **)&l->level[j], &l->cap[j], idx + 1, 32))
			return -1;
		memcpy(l->level[j][idx], cur, 32);
		if (!(idx & 1))
			break;
		vt_node_hash(l->level[j][idx - 1], cur, cur);
		idx >>= 1;
	}
	l->n++;
	return 0;
}

/* Read DIR/entries back, cutting off an unacknowledged torn tail. */
static int log_open(struct log *l, const char *dir)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/entries", dir);
	mkdir(dir, 0755);
	l->fd = open(path, O_RDWR | O_CREAT, 0644);
	if (l->fd < 0 || fstat(l->fd, &st) != 0) {
		fprintf(stderr, "vectra: %s: %s\n", path, strerror(errno));
		return EXIT_IO;
	}
	uint8_t *buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return EXIT_IO;
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t r = pread(l->fd, buf + got, (size_t)st.st_size - got, (off_t)got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	uint64_t at = 0;
	uint8_t h[32];
	while (at + 36 <= got) {
		uint32_t len = vt_get32(buf + at);
		if (len > ENTRY_MAX || got - at - 36 < len)
			break;
		vt_leaf_hash(buf + at + 36, len, h);
		if (memcmp(h, buf + at + 4, 32) != 0)
			break;
		if (tree_add(l, h, at + 36, len)) {
			free(buf);
			return EXIT_IO;
		}
		at += 36 + len;
	}
	free(buf);
	if (at != (uint64_t)st.st_size) {
		fprintf(stderr, "vectra: log: dropping %llu bytes of an unacknowledged write\n",
			(unsigned long long)(st.st_size - (off_t)at));
		if (ftruncate(l->fd, (off_t)at) != 0 || fsync(l->fd) != 0)
			return EXIT_IO;
	}
	l->fsize = at;
	fprintf(stderr, "vectra: log: %llu entries\n", (unsigned long long)l->n);
	return 0;
}

/* Append one entry durably; its index, or -1. */
static int64_t log_append(struct log *l, const uint8_t *e, uint32_t len)
{
	uint8_t *rec = malloc(36 + (size_t)len), h[32];
	if (!rec)
		return -1;
	vt_put32(rec, len);
	vt_leaf_hash(e, len, h);
	memcpy(rec + 4, h, 32);
	memcpy(rec + 36, e, len);
	ssize_t w = pwrite(l->fd, rec, 36 + (size_t)len, (off_t)l->fsize);
	free(rec);
	if (w != (ssize_t)(36 + len) || fsync(l->fd) != 0) {
		/* Leave the file as it was: nothing half-written stays. */
		if (ftruncate(l->fd, (off_t)l->fsize) != 0)
			return -1;
		return -1;
	}
	if (tree_add(l, h, l->fsize + 36, len))
		return -1;
	l->fsize += 36 + len;
	return (int64_t)(l->n - 1);
}

/* The value of query parameter name in path, as a u64. */
static int qnum(const char *path, const char *name, uint64_t *v)
{
	const char *q = strchr(path, '?');
	size_t nl = strlen(name);
	while (q) {
		q++;
		if (strncmp(q, name, nl) == 0 && q[nl] == '=') {
			const char *s = q + nl + 1;
			size_t len = strcspn(s, "&");
			return vt_parse_u64(s, len, v) == VX_OK ? 0 : -1;
		}
		q = strchr(q, '&');
	}
	return -1;
}

static void proof_out(struct resp *r, int np, uint8_t path[VT_PROOF_MAX][32])
{
	char hex[66];
	if (np < 0) {
		r->status = 400;
		return;
	}
	for (int i = 0; i < np; i++) {
		vt_hex(hex, path[i], 32);
		hex[64] = '\n';
		resp_out(r, hex, 65);
	}
}

static void handle(struct log *l, const char *method, const char *path, const uint8_t *body,
		   size_t blen, struct resp *r)
{
	struct vt_tree_src src = {node, l};
	uint8_t pp[VT_PROOF_MAX][32];
	uint64_t a, b;
	char num[32];
	r->status = 200;
	if (strcmp(method, "POST") == 0 && strcmp(path, "/add") == 0) {
		int64_t i = blen <= ENTRY_MAX ? log_append(l, body, (uint32_t)blen) : -1;
		if (i < 0) {
			r->status = blen > ENTRY_MAX ? 413 : 500;
			return;
		}
		vt_fmt_u64(num, (uint64_t)i);
		resp_outs(r, num);
		resp_outs(r, "\n");
	} else if (strcmp(method, "GET") != 0) {
		r->status = 405;
	} else if (strcmp(path, "/checkpoint") == 0) {
		struct vt_checkpoint cp;
		char text[VT_NOTE_NAME_MAX + 128], sig[VT_SIGLINE_MAX + 1];
		memcpy(cp.origin, l->key.name, l->key.namelen + 1);
		cp.originlen = l->key.namelen;
		cp.size = l->n;
		vt_tree_root(&src, l->n, cp.root);
		size_t tn = vt_checkpoint_fmt(&cp, text);
		resp_out(r, text, tn);
		resp_outs(r, "\n");
		resp_out(r, sig, vt_note_sign(sig, &l->key, l->seed, text, tn));
	} else if (strncmp(path, "/lookup?leaf=", 13) == 0) {
		uint8_t h[32];
		r->status = 404;
		if (vt_unhex(h, 32, path + 13, strlen(path + 13)) != VX_OK)
			return;
		for (uint64_t i = 0; i < l->n; i++)
			if (memcmp(l->level[0][i], h, 32) == 0) {
				r->status = 200;
				vt_fmt_u64(num, i);
				resp_outs(r, num);
				resp_outs(r, "\n");
				return;
			}
	} else if (strncmp(path, "/entry?", 7) == 0) {
		if (qnum(path, "index", &a) || a >= l->n) {
			r->status = 404;
			return;
		}
		uint8_t *e = malloc(l->len[a] + 1u);
		if (!e || pread(l->fd, e, l->len[a], (off_t)l->off[a]) != (ssize_t)l->len[a])
			r->status = 500;
		else
			resp_out(r, e, l->len[a]);
		free(e);
	} else if (strncmp(path, "/proof/inclusion?", 17) == 0) {
		if (qnum(path, "index", &a) || qnum(path, "size", &b) || b > l->n)
			r->status = 400;
		else
			proof_out(r, vt_tree_inclusion(&src, a, b, pp), pp);
	} else if (strncmp(path, "/proof/consistency?", 19) == 0) {
		if (qnum(path, "old", &a) || qnum(path, "size", &b) || b > l->n)
			r->status = 400;
		else
			proof_out(r, vt_tree_consistency(&src, a, b, pp), pp);
	} else {
		r->status = 404;
	}
}

/* The HTTP handler: a struct log is the context. */
static void log_handle(void *ctx, const char *method, const char *path, const uint8_t *body,
		       size_t blen, struct resp *r)
{
	handle(ctx, method, path, body, blen, r);
}

int log_serve(const struct args *a)
{
	const char *dir = opt(a, "--dir"), *key = opt(a, "--key");
	static struct log l;
	int rc;
	if (!dir || !key)
		return usage("log serve --dir DIR --key SKEY [--addr 127.0.0.1] [--port P] "
			     "[--port-file F]");
	if ((rc = load_skey(key, &l.key, l.seed)) || (rc = log_open(&l, dir)))
		return rc;
	char what[VT_NOTE_NAME_MAX + 8];
	snprintf(what, sizeof(what), "log %s", l.key.name);
	rc = http_serve(a, what, log_handle, &l);
	close(l.fd);
	return rc;
}
