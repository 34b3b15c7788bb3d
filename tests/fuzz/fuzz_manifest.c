/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the boot manifest parser.  The input is the file.
 *
 * Always: no crash, no read outside the input (ASan), the error message is
 * NUL-terminated inside its buffer and the bytes after it are untouched.
 * On failure the result is all zero.  On success every promise of
 * pure_manifest.h holds: names valid, counts within limits, Bundle slots
 * unique per service, every connect resolvable and not to itself, numbers
 * in range.  And the result survives a round trip: written back out as
 * text and parsed again, it gives the same text.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <vectra/abi.h>
#include "../../services/init/pure_manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

#define ERR_CANARY 0x5a
#define SLOTS	   (MF_MAX_GRANTS + 2 * MF_MAX_CONNECTS)

static struct mf_manifest m, again;
static const struct mf_manifest zero;
static char err[160 + 16];
static char text[4 * MF_FILE_MAX];
static char text2[4 * MF_FILE_MAX];

/* A NUL-terminated name of 1..MF_NAME_MAX-1 bytes of [a-z0-9_.-], zero-padded. */
static bool name_ok(const char *s)
{
	const char *end = memchr(s, '\0', MF_NAME_MAX);
	size_t n = end != NULL ? (size_t)(end - s) : 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	for (size_t i = n; i < MF_NAME_MAX; i++)
		if (s[i] != '\0')
			return false;
	return true;
}

static bool size_ok(uint64_t v)
{
	return v >= (64u << 10) && v <= (256u << 20) && v % VX_PAGE_SIZE == 0; /* pure_manifest.h */
}

static void check_grant(const struct mf_grant *g)
{
	CHECK(name_ok(g->slot));
	CHECK(g->line > 0);
	switch (g->kind) {
	case MF_IOPORT:
		CHECK(g->b >= 1 && g->a < 0x10000 && g->b <= 0x10000 - g->a);
		CHECK(g->rights != 0 && (g->rights & ~(uint32_t)(VX_R_READ | VX_R_WRITE)) == 0);
		break;
	case MF_IRQ:
		/* the IOAPIC's lines since issue 10: 1..23, not 2 */
		CHECK(g->a >= 1 && g->a <= 23 && g->a != 2 && g->b == 0 && g->rights == 0);
		break;
	case MF_RETICLE:
		CHECK(size_ok(g->a) && g->b == 0 && g->rights == 0);
		break;
	case MF_BOOTIMG:
		CHECK(g->a == 0 && g->b == 0 && g->rights == VX_R_READ);
		break;
	case MF_SELF:
		CHECK(g->a == 0 && g->b == 0 && g->rights == 0);
		break;
	case MF_BOOT:
		CHECK(g->a == 0 && g->b == 0 && g->rights == 0);
		CHECK(strcmp(g->boot, "ecam") == 0 || strcmp(g->boot, "mmio") == 0 ||
		      strcmp(g->boot, "pci") == 0 || strcmp(g->boot, "msi") == 0 ||
		      strcmp(g->boot, "devmem") == 0);
		break;
	default:
		CHECK(0);
	}
}

/* Every Bundle slot of s, including the .req/.rep pair of each connect, is
 * distinct; "port" is free in a service that serves. */
static void check_slots(const struct mf_service *s)
{
	static char slot[SLOTS][MF_NAME_MAX + 8];
	uint32_t n = 0;

	for (uint32_t i = 0; i < s->ngrant; i++)
		snprintf(slot[n++], sizeof(slot[0]), "%s", s->grant[i].slot);
	for (uint32_t i = 0; i < s->nconnect; i++) {
		snprintf(slot[n++], sizeof(slot[0]), "%s.req", s->connect[i].as);
		snprintf(slot[n++], sizeof(slot[0]), "%s.rep", s->connect[i].as);
	}
	for (uint32_t i = 0; i < n; i++) {
		CHECK(strlen(slot[i]) < 32); /* VX_BUNDLE_NAME_MAX */
		CHECK(s->serve[0] == '\0' || strcmp(slot[i], "port") != 0);
		for (uint32_t j = i + 1; j < n; j++)
			CHECK(strcmp(slot[i], slot[j]) != 0);
	}
}

static void check_service(const struct mf_manifest *mm, uint32_t i)
{
	const struct mf_service *s = &mm->svc[i];

	CHECK(name_ok(s->name) && name_ok(s->binary));
	CHECK(s->serve[0] == '\0' || (name_ok(s->serve) && strcmp(s->serve, "init") != 0));
	CHECK(s->restart >= MF_ALWAYS && s->restart <= MF_NEVER);
	CHECK(size_ok(s->memory));
	CHECK(s->line > 0 && (i == 0 || s->line > mm->svc[i - 1].line));
	CHECK(s->nconnect <= MF_MAX_CONNECTS && s->ngrant <= MF_MAX_GRANTS);
	for (uint32_t j = i + 1; j < mm->n; j++) {
		CHECK(strcmp(s->name, mm->svc[j].name) != 0);
		CHECK(s->serve[0] == '\0' || strcmp(s->serve, mm->svc[j].serve) != 0);
	}
	if (s->serve[0] != '\0')
		CHECK(mf_server_of(mm, s->serve) == (int)i);
	for (uint32_t j = 0; j < s->nconnect; j++) {
		const struct mf_connect *c = &s->connect[j];
		int k = mf_server_of(mm, c->service);

		CHECK(name_ok(c->service) && name_ok(c->as) && c->line > s->line);
		CHECK(strcmp(c->service, "init") == 0 || (k >= 0 && k != (int)i));
	}
	for (uint32_t j = 0; j < s->ngrant; j++) {
		check_grant(&s->grant[j]);
		CHECK(s->grant[j].line > s->line);
	}
	check_slots(s);
}

/* Writes mm back out as manifest text; returns its length. */
static size_t emit(const struct mf_manifest *mm, char *out, size_t cap)
{
	static const char *const restart[] = {"", "always", "on-failure", "never"};
	static const char *const access[] = {"", "r", "w", "rw"};
	size_t n = 0;

#define PUT(...) (n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, __VA_ARGS__))
	for (uint32_t i = 0; i < mm->n; i++) {
		const struct mf_service *s = &mm->svc[i];

		PUT("service %s\nbinary %s\nrestart %s\nmemory %llu\n", s->name, s->binary,
		    restart[s->restart], (unsigned long long)s->memory);
		if (s->serve[0] != '\0')
			PUT("serve %s\n", s->serve);
		for (uint32_t j = 0; j < s->nconnect; j++)
			PUT("connect %s as %s\n", s->connect[j].service, s->connect[j].as);
		for (uint32_t j = 0; j < s->ngrant; j++) {
			const struct mf_grant *g = &s->grant[j];

			PUT("grant %s=", g->slot);
			if (g->kind == MF_IOPORT)
				PUT("ioport 0x%llx %llu %s\n", (unsigned long long)g->a,
				    (unsigned long long)g->b, access[g->rights]);
			else if (g->kind == MF_IRQ)
				PUT("irq %llu\n", (unsigned long long)g->a);
			else if (g->kind == MF_RETICLE)
				PUT("reticle %lluK\n", (unsigned long long)(g->a >> 10));
			else
				PUT("%s\n", g->kind == MF_BOOTIMG ? "bootimg" : "self");
		}
	}
#undef PUT
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The error buffer's size comes from the last byte: small ones too. */
	size_t errlen = size > 0 ? 1 + data[size - 1] % 160 : sizeof(err) - 16;
	size_t n, n2;
	int rc;

	memset(err, ERR_CANARY, sizeof(err));
	rc = mf_parse((const char *)data, size, &m, err, errlen);
	CHECK(memchr(err, '\0', errlen) != NULL);
	for (size_t i = errlen; i < sizeof(err); i++)
		CHECK(err[i] == ERR_CANARY);
	if (rc != VX_OK) {
		CHECK(rc == VX_E_INVAL || (rc == VX_E_TOOBIG && size > MF_FILE_MAX));
		CHECK(memcmp(&m, &zero, sizeof(m)) == 0);
		CHECK(errlen < 10 || strncmp(err, "manifest", 8) == 0);
		return 0;
	}
	CHECK(err[0] == '\0');
	CHECK(size <= MF_FILE_MAX && m.n >= 1 && m.n <= MF_MAX_SERVICES);
	for (uint32_t i = 0; i < m.n; i++)
		check_service(&m, i);
	for (uint32_t i = m.n; i < MF_MAX_SERVICES; i++)
		CHECK(memcmp(&m.svc[i], &zero.svc[i], sizeof(m.svc[i])) == 0);

	/* Round trip, when the written-out form fits in a manifest. */
	n = emit(&m, text, sizeof(text));
	CHECK(n < sizeof(text));
	if (n > MF_FILE_MAX)
		return 0;
	rc = mf_parse(text, n, &again, err, sizeof(err));
	CHECK(rc == VX_OK);
	n2 = emit(&again, text2, sizeof(text2));
	CHECK(n2 == n && memcmp(text, text2, n) == 0);
	return 0;
}
