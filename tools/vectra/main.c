/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vectra: the trust chain from Linux.  Person and Machine identity, VCIDs,
 * packages and the install gate, and the transparency log.  See
 * docs/TRUST.md for every command and its exit statuses.
 */
#define _DEFAULT_SOURCE /* fsync, O_DIRECTORY, sockets under -std=c11 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <vectra/abi.h>

#include "crypto/ct.h"
#include "trust/codec.h"
#include "trust/terr.h"
#include "trust/vcid.h"
#include "trust/vpkg.h"
#include "vectra.h"

const char *opt_nth(const struct args *a, const char *name, int i)
{
	for (int k = 0; k + 1 < a->argc; k++)
		if (strcmp(a->argv[k], name) == 0 && i-- == 0)
			return a->argv[k + 1];
	return NULL;
}

const char *opt(const struct args *a, const char *name)
{
	return opt_nth(a, name, 0);
}

const char *pos(const struct args *a, int i)
{
	for (int k = 0; k < a->argc; k++) {
		if (strncmp(a->argv[k], "--", 2) == 0) {
			k++;
			continue;
		}
		if (i-- == 0)
			return a->argv[k];
	}
	return NULL;
}

int fail(int err, const char *what)
{
	fprintf(stderr, "vectra: %s: %s\n", what, vt_strerror(err));
	if (err <= VT_E_TRUNCATED && err >= VT_E_LAST)
		return -err;
	return 1;
}

int usage(const char *line)
{
	fprintf(stderr, "usage: vectra %s\n", line);
	return EXIT_USAGE;
}

int load(const char *path, uint8_t **buf, size_t *len, size_t max)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "vectra: %s: %s\n", path, strerror(errno));
		return EXIT_IO;
	}
	size_t cap = 4096, n = 0;
	uint8_t *p = malloc(cap + 1);
	size_t got;
	while (p && (got = fread(p + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n > max)
			break;
		if (n == cap) {
			uint8_t *q = realloc(p, 2 * cap + 1);
			if (!q) {
				free(p);
				p = NULL;
				break;
			}
			p = q;
			cap *= 2;
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (!p || bad || n > max) {
		free(p);
		fprintf(stderr, "vectra: %s: %s\n", path,
			n > max ? "file too large" : "read failed");
		return EXIT_IO;
	}
	p[n] = 0;
	*buf = p;
	*len = n;
	return 0;
}

int save(const char *path, const void *p, size_t n, int mode)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0) {
		fprintf(stderr, "vectra: %s: %s\n", tmp, strerror(errno));
		return EXIT_IO;
	}
	const uint8_t *b = p;
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, b + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off != n || fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "vectra: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return EXIT_IO;
	}
	/* Make the rename itself durable. */
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = 0;
	else
		strcpy(dir, ".");
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int read_secret(const char *prompt, char *buf, size_t cap)
{
	struct termios old, quiet;
	int tty = isatty(0) && tcgetattr(0, &old) == 0;
	if (tty) {
		fprintf(stderr, "%s", prompt);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	char *got = fgets(buf, (int)cap, stdin);
	if (tty) {
		tcsetattr(0, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	if (!got) {
		fprintf(stderr, "vectra: no input for: %s\n", prompt);
		return EXIT_IO;
	}
	size_t n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = 0;
	if (n && buf[n - 1] == '\r')
		buf[--n] = 0;
	return 0;
}

int when(const struct args *a, uint64_t *t)
{
	const char *s = opt(a, "--time");
	if (!s) {
		*t = (uint64_t)time(NULL);
		return 0;
	}
	if (vt_parse_u64(s, strlen(s), t) != VX_OK)
		return usage("... --time SECONDS (decimal)");
	return 0;
}

int person_seed(uint8_t seed[32], uint8_t pk[32])
{
	char words[1024];
	int rc = read_secret("The 24 words: ", words, sizeof(words));
	if (rc)
		return rc;
	rc = vt_person_from_words(words, strlen(words), seed, pk);
	vx_wipe(words, sizeof(words));
	return rc ? fail(rc, "the Person's words") : 0;
}

int machine_seed(const char *path, uint8_t seed[32], uint8_t pk[32])
{
	uint8_t *file;
	size_t len;
	char pass[1024];
	struct vt_kdf kdf;
	int rc = load(path, &file, &len, 4096);
	if (rc)
		return rc;
	rc = vt_seal_peek(file, len, pk, &kdf);
	if (rc != VX_OK) {
		free(file);
		return fail(rc, path);
	}
	rc = read_secret("Machine passphrase: ", pass, sizeof(pass));
	if (rc) {
		free(file);
		return rc;
	}
	size_t mb = vt_seal_mem_bytes(&kdf);
	void *mem = malloc(mb);
	if (!mem) {
		free(file);
		return fail(VX_E_NOMEM, "Argon2id memory");
	}
	rc = vt_unseal(file, len, pass, strlen(pass), seed, mem, mb);
	vx_wipe(pass, sizeof(pass));
	free(mem);
	free(file);
	return rc ? fail(rc, path) : 0;
}

/* Read a one-line key file, trailing newline allowed. */
static int keyline(const char *path, uint8_t **buf, size_t *len)
{
	int rc = load(path, buf, len, VT_SKEY_MAX + 2);
	if (rc == 0 && *len && (*buf)[*len - 1] == '\n')
		(*buf)[--*len] = 0;
	return rc;
}

int load_skey(const char *path, struct vt_notekey *k, uint8_t seed[32])
{
	uint8_t *b;
	size_t n;
	int rc = keyline(path, &b, &n);
	if (rc)
		return rc;
	rc = vt_skey_parse(k, seed, (const char *)b, n);
	vx_wipe(b, n);
	free(b);
	return rc ? fail(rc, path) : 0;
}

int load_vkey(const char *path, struct vt_notekey *k)
{
	uint8_t *b;
	size_t n;
	int rc = keyline(path, &b, &n);
	if (rc)
		return rc;
	rc = vt_vkey_parse(k, (const char *)b, n);
	free(b);
	return rc ? fail(rc, path) : 0;
}

int cmd_vcid(const struct args *a)
{
	uint8_t *p, id[32];
	size_t n;
	char text[VT_VCID_TEXT + 1];
	if (!pos(a, 0))
		return usage("vcid FILE");
	int rc = load(pos(a, 0), &p, &n, VT_PAYLOAD_MAX);
	if (rc)
		return rc;
	vt_vcid(p, n, id);
	vt_vcid_fmt(text, id);
	printf("%s\n", text);
	free(p);
	return 0;
}

static const char help[] =
    "usage: vectra COMMAND ...\n"
    "  person new --out PUB | person recover --out PUB        (words on stdin)\n"
    "  machine new --out KEY [--kdf-kib M] [--kdf-t T]       (passphrase on stdin)\n"
    "  machine certify --key KEY --name NAME --out CERT      (words on stdin)\n"
    "  machine revoke --cert CERT --out REV [--time T] [--log-checkpoint CP]\n"
    "  machine unlock --key KEY                              (passphrase on stdin)\n"
    "  vcid FILE\n"
    "  pkg build --name N --version V --payload F [--dep VCID] [--cap CAP] --out PKG\n"
    "  pkg sign PKG --key KEY --cert CERT | pkg attest PKG --key KEY --payload F\n"
    "  pkg prove PKG --url URL --checkpoint CP | pkg info PKG\n"
    "  pkg verify PKG --policy POLICY\n"
    "  log keygen NAME --out PREFIX | log serve --dir D --key SKEY [--port P]\n"
    "  log add --url URL PKG | log checkpoint --url URL\n"
    "  log witness --key SKEY --state F --log VKEY --url URL CP\n"
    "  log witness-serve --key SKEY --state F --log VKEY [--port-file F]\n"
    "  log cosign --witness WURL --url URL --log VKEY CP\n"
    "  log gossip --log VKEY CP1 CP2 [--url URL]\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(help, stderr);
		return EXIT_USAGE;
	}
	struct args a = {argc - 2, argv + 2};
	if (strcmp(argv[1], "person") == 0)
		return cmd_person(&a);
	if (strcmp(argv[1], "machine") == 0)
		return cmd_machine(&a);
	if (strcmp(argv[1], "vcid") == 0)
		return cmd_vcid(&a);
	if (strcmp(argv[1], "pkg") == 0)
		return cmd_pkg(&a);
	if (strcmp(argv[1], "log") == 0)
		return cmd_log(&a);
	fputs(help, stderr);
	return EXIT_USAGE;
}
