/* SPDX-License-Identifier: BSD-3-Clause */
/* vectra person ... and vectra machine ...: the identity commands. */
#define _DEFAULT_SOURCE /* fsync, O_DIRECTORY, sockets under -std=c11 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vectra/abi.h>

#include "crypto/bip39.h"
#include "crypto/ct.h"
#include "crypto/ed25519.h"
#include "crypto/rng.h"
#include "crypto/rng_host.h"
#include "trust/codec.h"
#include "trust/terr.h"
#include "vectra.h"

/* n bytes of High-confidence randomness, or an error after a bounded wait. */
int high_random(uint8_t *out, size_t n)
{
	struct vx_rng rng;
	int rc = VX_E_AGAIN;
	vx_rng_init(&rng);
	vx_rng_add_source(&rng, &vx_rng_source_getrandom);
	if (vx_rng_cpu_has_rdseed())
		vx_rng_add_source(&rng, &vx_rng_source_rdseed);
	vx_rng_add_source(&rng, &vx_rng_source_jitter);
	for (int i = 0; i < 1000 && rc == VX_E_AGAIN; i++) {
		rc = vx_rng_get(&rng, VX_RNG_HIGH, out, n);
		if (rc == VX_E_AGAIN)
			vx_rng_poll(&rng);
	}
	vx_rng_wipe(&rng);
	return rc;
}

static int write_pub(const char *path, const char *kind, const uint8_t pk[32])
{
	char line[128], hex[65];
	vt_hex(hex, pk, 32);
	int n = snprintf(line, sizeof(line), "%s v1 %s\n", kind, hex);
	return save(path, line, (size_t)n, 0644);
}

/* person new: words shown once on stdout, only the public key on disk. */
static int person_new(const struct args *a)
{
	uint8_t ent[32], seed[32], pk[32];
	char words[VX_BIP39_MNEMONIC_MAX], hex[65];
	const char *out = opt(a, "--out");
	if (!out)
		return usage("person new --out PUB");
	int rc = high_random(ent, sizeof(ent));
	if (rc)
		return fail(rc, "High-confidence randomness");
	vx_bip39_from_entropy(ent, 32, words, sizeof(words));
	vt_person_from_entropy(ent, seed, pk);
	vx_wipe(ent, sizeof(ent));
	vx_wipe(seed, sizeof(seed));
	rc = write_pub(out, "person", pk);
	if (rc == 0) {
		printf("%s\n", words);
		fflush(stdout);
		vt_hex(hex, pk, 32);
		fprintf(stderr,
			"vectra: write these 24 words down now; they are shown once and never "
			"stored.\nvectra: person %s written to %s\n",
			hex, out);
	}
	vx_wipe(words, sizeof(words));
	return rc;
}

static int person_recover(const struct args *a)
{
	uint8_t seed[32], pk[32];
	char hex[65];
	int rc = person_seed(seed, pk);
	vx_wipe(seed, sizeof(seed));
	if (rc)
		return rc;
	if (opt(a, "--out") && (rc = write_pub(opt(a, "--out"), "person", pk)))
		return rc;
	vt_hex(hex, pk, 32);
	printf("%s\n", hex);
	return 0;
}

int cmd_person(const struct args *a)
{
	const char *sub = pos(a, 0);
	if (sub && strcmp(sub, "new") == 0)
		return person_new(a);
	if (sub && strcmp(sub, "recover") == 0)
		return person_recover(a);
	return usage("person new|recover --out PUB");
}

static int kdf_opt(const struct args *a, const char *name, uint32_t def, uint32_t *v)
{
	uint64_t x;
	const char *s = opt(a, name);
	*v = def;
	if (!s)
		return 0;
	if (vt_parse_u64(s, strlen(s), &x) != VX_OK || x > UINT32_MAX)
		return usage("machine new ... --kdf-kib KIB --kdf-t T");
	*v = (uint32_t)x;
	return 0;
}

static int machine_new(const struct args *a)
{
	uint8_t seed[32], rnd[40], file[VT_SEAL_BYTES], pk[32];
	char pass[1024], again[1024], hex[65];
	struct vt_kdf kdf = {.p = VT_SEAL_P_DEF};
	const char *out = opt(a, "--out");
	if (!out)
		return usage("machine new --out KEY [--kdf-kib M] [--kdf-t T]");
	if (kdf_opt(a, "--kdf-kib", VT_SEAL_M_DEF, &kdf.m_kib) ||
	    kdf_opt(a, "--kdf-t", VT_SEAL_T_DEF, &kdf.t))
		return EXIT_USAGE;
	size_t mb = vt_seal_mem_bytes(&kdf);
	if (!mb)
		return fail(VT_E_KDF, "machine new");
	int rc = read_secret("New Machine passphrase: ", pass, sizeof(pass));
	if (rc)
		return rc;
	if (isatty(0)) {
		rc = read_secret("Again: ", again, sizeof(again));
		if (rc || strcmp(pass, again) != 0) {
			fprintf(stderr, "vectra: the passphrases differ\n");
			return EXIT_USAGE;
		}
	}
	rc = high_random(seed, 32);
	if (rc == VX_OK)
		rc = high_random(rnd, sizeof(rnd));
	if (rc)
		return fail(rc, "randomness");
	void *mem = malloc(mb);
	if (!mem)
		return fail(VX_E_NOMEM, "Argon2id memory");
	rc = vt_seal(file, seed, pass, strlen(pass), &kdf, rnd, mem, mb);
	free(mem);
	vx_wipe(pass, sizeof(pass));
	vx_ed25519_public_key(pk, seed);
	vx_wipe(seed, sizeof(seed));
	if (rc)
		return fail(rc, "seal");
	rc = save(out, file, sizeof(file), 0600);
	if (rc)
		return rc;
	vt_hex(hex, pk, 32);
	printf("%s\n", hex);
	return 0;
}

static int machine_certify(const struct args *a)
{
	const char *key = opt(a, "--key"), *name = opt(a, "--name"), *out = opt(a, "--out");
	uint8_t *file, seed[32], pk[32], buf[VT_CERT_MAX];
	size_t len;
	struct vt_kdf kdf;
	struct vt_cert c;
	if (!key || !name || !out)
		return usage("machine certify --key KEY --name NAME --out CERT [--time T]");
	int rc = load(key, &file, &len, 4096);
	if (rc)
		return rc;
	rc = vt_seal_peek(file, len, c.machine, &kdf);
	free(file);
	if (rc)
		return fail(rc, key);
	if (strlen(name) > VT_NAME_MAX)
		return fail(VT_E_FIELD, "machine name");
	c.namelen = (uint8_t)strlen(name);
	memcpy(c.name, name, c.namelen);
	if ((rc = when(a, &c.issued)) || (rc = person_seed(seed, pk)))
		return rc;
	int n = vt_cert_sign(&c, seed, buf, sizeof(buf));
	vx_wipe(seed, sizeof(seed));
	if (n < 0)
		return fail(n, "certificate");
	return save(out, buf, (size_t)n, 0644);
}

static int machine_revoke(const struct args *a)
{
	const char *cert = opt(a, "--cert"), *out = opt(a, "--out");
	const char *cpf = opt(a, "--log-checkpoint");
	uint8_t *file, seed[32], pk[32], buf[VT_REVOKE_MAX];
	char hex[2 * VT_REVOKE_MAX + 1];
	size_t len;
	struct vt_cert c;
	struct vt_revoke r;
	if (!cert || !out)
		return usage(
		    "machine revoke --cert CERT --out REV [--time T] [--log-checkpoint CP]");
	memset(&r, 0, sizeof(r));
	int rc = load(cert, &file, &len, 4096);
	if (rc)
		return rc;
	rc = vt_cert_parse(&c, file, len);
	free(file);
	if (rc)
		return fail(rc, cert);
	if ((rc = when(a, &r.effective)))
		return rc;
	if (cpf) {
		/* Bound to a log: claims at or after this checkpoint's size are revoked. */
		size_t n, textlen;
		uint32_t signers;
		struct vt_checkpoint cp;
		if ((rc = load(cpf, &file, &n, VT_NOTE_MAX)))
			return rc;
		rc = vt_note_verify(file, n, NULL, 0, &textlen, &signers);
		if (rc == VX_OK)
			rc = vt_checkpoint_parse(&cp, file, textlen);
		free(file);
		if (rc || cp.originlen > VT_ORIGIN_MAX)
			return fail(rc ? rc : VT_E_FIELD, cpf);
		r.log_size = cp.size;
		r.originlen = (uint8_t)cp.originlen;
		memcpy(r.origin, cp.origin, cp.originlen);
		if (!opt(a, "--time"))
			r.effective = UINT64_MAX; /* the log position alone decides */
	}
	if ((rc = person_seed(seed, pk)))
		return rc;
	if (memcmp(pk, c.person, 32) != 0) {
		vx_wipe(seed, sizeof(seed));
		return fail(VT_E_UNKNOWN_PERSON, "these words did not certify that Machine");
	}
	memcpy(r.machine, c.machine, 32);
	int n = vt_revoke_sign(&r, seed, buf, sizeof(buf));
	vx_wipe(seed, sizeof(seed));
	if (n < 0)
		return fail(n, "revocation");
	if ((rc = save(out, buf, (size_t)n, 0644)))
		return rc;
	vt_hex(hex, buf, (size_t)n);
	printf("revoked %s\n", hex);
	return 0;
}

static int machine_unlock(const struct args *a)
{
	uint8_t seed[32], pk[32];
	char hex[65];
	if (!opt(a, "--key"))
		return usage("machine unlock --key KEY");
	int rc = machine_seed(opt(a, "--key"), seed, pk);
	vx_wipe(seed, sizeof(seed));
	if (rc)
		return rc;
	vt_hex(hex, pk, 32);
	printf("%s\n", hex);
	return 0;
}

int cmd_machine(const struct args *a)
{
	const char *sub = pos(a, 0);
	if (sub && strcmp(sub, "new") == 0)
		return machine_new(a);
	if (sub && strcmp(sub, "certify") == 0)
		return machine_certify(a);
	if (sub && strcmp(sub, "revoke") == 0)
		return machine_revoke(a);
	if (sub && strcmp(sub, "unlock") == 0)
		return machine_unlock(a);
	return usage("machine new|certify|revoke|unlock ...");
}
