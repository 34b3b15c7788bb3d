/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vectra host tool: shared helpers.  All file, terminal, clock and
 * socket I/O of the trust chain lives in tools/vectra; lib/trust only
 * judges bytes.  Exit status: 0 success, 1 a crypto or system failure,
 * 2 usage, and -err (100..) for a trust error, so each refusal has its own
 * status (docs/TRUST.md lists them).
 */
#ifndef VECTRA_TOOL_H
#define VECTRA_TOOL_H

#include <stddef.h>
#include <stdint.h>

#include "trust/identity.h"
#include "trust/note.h"

#define EXIT_USAGE 2
#define EXIT_IO	   3

struct args {
	int argc;
	char **argv;
};

/* The value after --name, or NULL.  A repeated option: the i-th value. */
const char *opt(const struct args *a, const char *name);
const char *opt_nth(const struct args *a, const char *name, int i);
/* The i-th argument that is neither an option nor an option's value. */
const char *pos(const struct args *a, int i);
/* Print "vectra: what: error text" and return the exit status for err. */
int fail(int err, const char *what);
/* Print a usage line and return EXIT_USAGE. */
int usage(const char *line);

/* Read a whole file of at most max bytes (malloc'd, NUL-terminated). */
int load(const char *path, uint8_t **buf, size_t *len, size_t max);
/* Write atomically: temporary file, fsync, rename, fsync the directory. */
int save(const char *path, const void *p, size_t n, int mode);
/* One line of secret input (words, passphrase): from the terminal with echo
 * off when stdin is one, else stdin.  The newline is dropped. */
int read_secret(const char *prompt, char *buf, size_t cap);
/* --time if given (decimal seconds), else the clock. */
int when(const struct args *a, uint64_t *t);

/* The Person's seed from 24 words read by read_secret. */
int person_seed(uint8_t seed[32], uint8_t pk[32]);
/* Unseal a Machine key file with a passphrase read by read_secret. */
int machine_seed(const char *path, uint8_t seed[32], uint8_t pk[32]);
/* Load a signed-note key: signer (skey) or verifier (vkey) file. */
int load_skey(const char *path, struct vt_notekey *k, uint8_t seed[32]);
int load_vkey(const char *path, struct vt_notekey *k);

/* HTTP to a loopback log: GET or POST path; body malloc'd. */
int http_call(const char *url, const char *method, const char *path, const void *body, size_t blen,
	      int *status, uint8_t **resp, size_t *rlen);

/* n bytes of High-confidence randomness (bounded wait), VX_OK or an error. */
int high_random(uint8_t *out, size_t n);

/* A server's answer: status (200 unless the handler says otherwise) and body. */
struct resp {
	int status;
	char *body;
	size_t n, cap;
};
#define HTTP_BODY_MAX 65536
typedef void http_handler(void *ctx, const char *method, const char *path, const uint8_t *body,
			  size_t blen, struct resp *r);
void resp_out(struct resp *r, const void *p, size_t n);
void resp_outs(struct resp *r, const char *s);
/* Serve on --addr (127.0.0.1) / --port / --port-file until SIGTERM. */
int http_serve(const struct args *a, const char *what, http_handler *h, void *ctx);

int cmd_person(const struct args *a);
int cmd_machine(const struct args *a);
int cmd_vcid(const struct args *a);
int cmd_pkg(const struct args *a);
int cmd_log(const struct args *a);
int log_serve(const struct args *a);

#endif
