/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pkgdemo: the payload of the boot image's demo package (tools/vectra/
 * mkdemo.sh signs it; `install SYS:pkg/demo.vpkg`, then `run demo`).  It
 * uses exactly what its Bundle holds and shows the edge of it:
 *
 *   1. lists its Bundle;
 *   2. with an "identity" connection: asks identityd for its status and to
 *      sign a line, and checks the signature itself;
 *   3. tries one more capability, an "fs" connection that its manifest
 *      never declared, and prints the refusal.
 *
 * Run from SYS:bin with `run pkgdemo with identity=identity.status` it
 * holds a connection that may not sign, and shows identityd refusing.
 * With the argument "probe" it also sends identityd (and vpkg, given a
 * "pkg" connection) malformed and forbidden requests and prints each
 * answer (tests/qemu/trust_test.py).
 *
 * Bundle: console.req/.rep (without them it exits 3), identity.req/.rep
 * and pkg.req/.rep (optional).
 */
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/errstr.h"
#include "client/console.h"
#include "client/identity.h"
#include "vectra/proto/pkg.h"
#include "crypto/ed25519.h"
#include "trust/terr.h"
#include "vx_string.h"

#define MS	    1000000ull
#define CONSOLE_VA  0x10000000ull
#define ID_VA	    0x10010000ull
#define FS_VA	    0x10020000ull
#define CONSOLE_BIT 1u
#define ID_BIT	    2u
#define FS_BIT	    3u
#define PKG_VA	    0x10030000ull
#define PKG_BIT	    4u
#define LINE	    "hello from pkgdemo"

static struct vx_client con, id;
static uint8_t signed_msg[sizeof(ID_SIGN_CONTEXT) + sizeof(LINE)];

static const char *errstr(int rc)
{
	const char *s = vx_id_strerror(rc);

	if (s)
		return s;
	return rc <= VT_E_TRUNCATED && rc >= VT_E_LAST ? vt_strerror(rc) : vx_strerror(rc);
}

static void hex8(char out[17], const uint8_t *p)
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 8; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[16] = '\0';
}

static void use_identity(void)
{
	struct id_status st;
	struct id_signature s;
	char a[17], k[17];
	uint64_t dl = (uint64_t)vx_clock() + 5000 * MS;
	int rc;

	if ((rc = vx_id_status(&id, &st, dl)) < 0) {
		vx_con_printf(&con, "pkgdemo: identity status: %s\n", errstr(rc));
		return;
	}
	vx_con_printf(&con, "pkgdemo: identity: the Machine key is %s; this connection may%s%s\n",
		      st.state == ID_OPEN ? "open" : "sealed",
		      st.rights & ID_RIGHT_STATUS ? " status" : "",
		      st.rights & ID_RIGHT_SIGN ? " sign" : "");
	rc = vx_id_sign(&id, LINE, sizeof(LINE) - 1, &s, dl);
	if (rc < 0) {
		vx_con_printf(&con, "pkgdemo: sign refused: %s\n", errstr(rc));
		return;
	}
	memcpy(signed_msg, ID_SIGN_CONTEXT, sizeof(ID_SIGN_CONTEXT));
	memcpy(signed_msg + sizeof(ID_SIGN_CONTEXT), LINE, sizeof(LINE) - 1);
	rc = vx_ed25519_verify(s.sig, signed_msg, sizeof(ID_SIGN_CONTEXT) + sizeof(LINE) - 1,
			       s.machine);
	hex8(a, s.sig);
	hex8(k, s.machine);
	vx_con_printf(&con, "pkgdemo: signed \"%s\" as Machine %s...: signature %s... %s\n", LINE,
		      k, a, rc == VX_OK ? "verifies" : "DOES NOT VERIFY");
}

/* One raw request: op, len bytes of 'x' (or the u32 arg when len is 4). */
static int raw(uint32_t op, uint16_t len, uint32_t arg)
{
	struct vx_msg m = {.op = op, .len = len};

	memset(m.data, 'x', sizeof(m.data));
	if (len == 4)
		memcpy(m.data, &arg, 4);
	return vx_client_call(&id, &m, (uint64_t)vx_clock() + 5000 * MS);
}

/* Requests vpkg must refuse, each with its documented error (a "pkg"
 * connection, if the shell granted one). */
static void probe_pkg(const struct vx_bundle_page *b)
{
	static const struct {
		const char *what;
		uint32_t op;
		uint16_t len;
		const char *data;
	} p[] = {
	    {"op 0xffffffff", 0xffffffffu, 0, ""},
	    {"LIST of 3 bytes", PKG_LIST, 3, "abc"},
	    {"INFO without its NUL", PKG_INFO, 4, "demo"},
	    {"INFO of a bad name", PKG_INFO, 9, "Bad/Name"},
	    {"INFO of no package", PKG_INFO, 6, "nopkg"},
	    {"GRANT past the end", PKG_GRANT, 9, "\x63\0\0\0demo"},
	    {"INSTALL of an empty name", PKG_INSTALL, 1, ""},
	    {"INSTALL of a directory", PKG_INSTALL, 8, "SYS:pkg"},
	    {"INSTALL of a non-package", PKG_INSTALL, 17, "SYS:etc/manifest"},
	    {"INSTALL of 240 bytes without a NUL", PKG_INSTALL, VX_MSG_DATA, NULL},
	};
	struct vx_client pkg;

	if (vx_client_open(&pkg, b, "pkg", PKG_VA, PKG_BIT) != VX_OK)
		return;
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		struct vx_msg m = {.op = p[i].op, .len = p[i].len};
		memset(m.data, 'x', sizeof(m.data));
		if (p[i].data)
			memcpy(m.data, p[i].data, p[i].len);
		int rc = vx_client_call(&pkg, &m, (uint64_t)vx_clock() + 30000 * MS);
		vx_con_printf(&con, "pkgdemo: probe pkg %s: %s\n", p[i].what, errstr(rc));
	}
}

/* Requests identityd must refuse, each with its documented error. */
static void probe(void)
{
	static const struct {
		const char *what;
		uint32_t op;
		uint16_t len;
		uint32_t arg;
	} p[] = {
	    {"op 0xffffffff", 0xffffffffu, 0, 0},
	    {"op 0", 0, 0, 0},
	    {"SIGN of nothing", ID_SIGN, 0, 0},
	    {"SIGN of 193 bytes", ID_SIGN, ID_SIGN_MAX + 1, 0},
	    {"STATUS with data", ID_STATUS, 4, 0},
	    {"LOGIN", ID_LOGIN, 6, 0},
	    {"LOCK", ID_LOCK, 0, 0},
	    {"MINT", ID_MINT, 4, ID_FACET_SIGN},
	    {"UNMINT 0", ID_UNMINT, 4, 0},
	    {"len 241", ID_STATUS, VX_MSG_DATA + 1, 0},
	};

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		vx_con_printf(&con, "pkgdemo: probe %s: %s\n", p[i].what,
			      errstr(raw(p[i].op, p[i].len, p[i].arg)));
}

int main(const struct vx_bundle_page *b, const char *args)
{
	struct vx_client fs;
	int rc;

	if (vx_client_open(&con, b, "console", CONSOLE_VA, CONSOLE_BIT) != VX_OK)
		return 3;
	vx_con_printf(&con, "pkgdemo: my Bundle holds %u capabilities:", b->count);
	for (uint32_t i = 0; i < b->count; i++)
		vx_con_printf(&con, " %s", b->entry[i].name);
	vx_con_printf(&con, "\n");
	if (strcmp(args, "probe") == 0)
		probe_pkg(b);
	if (vx_client_open(&id, b, "identity", ID_VA, ID_BIT) == VX_OK) {
		if (strcmp(args, "probe") == 0)
			probe();
		use_identity();
	} else
		vx_con_printf(&con, "pkgdemo: no identity connection\n");
	rc = vx_client_open(&fs, b, "fs", FS_VA, FS_BIT);
	vx_con_printf(&con, "pkgdemo: one more capability, \"fs\": %s\n",
		      rc == VX_OK ? "VX_OK?! (granted beyond my footprint)" : vx_strerror(rc));
	return 0;
}
