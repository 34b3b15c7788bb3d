/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the requests identityd and vpkg decode
 * (services/identityd/pure_id.c, services/vpkg/pure_bundle.c), and vpkg's
 * footprint -> Bundle builder.  For any message and any rights: only the
 * documented errors come back; a right the connection lacks is never
 * accepted; what a decoded request points at lies inside the message; a
 * decoded name is terminated and non-empty; a built Bundle holds only
 * allowed, grantable names, one entry per slot.
 *
 * Input: op (4 bytes), rights (1), len (2, clamped to 0..VX_MSG_DATA + 1),
 * then the message data; the same bytes, split at '\n', are a footprint.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../services/identityd/pure_id.h"
#include "../../services/vpkg/pure_bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

static void identity(const struct vx_msg *m, uint32_t rights)
{
	struct id_req r;
	int rc = id_decode(m, rights, &r);

	CHECK(rc == VX_OK || rc == VX_E_NOSYS || rc == VX_E_INVAL || rc == ID_E_DENIED ||
	      rc == VX_E_NOTFOUND);
	if (rc != VX_OK)
		return;
	CHECK(rights & id_right_of(m->op));
	CHECK(r.op == m->op);
	if (r.op == ID_LOGIN || r.op == ID_SIGN) {
		CHECK(r.data == m->data && r.len == m->len && r.len > 0);
		CHECK(r.len <= (r.op == ID_LOGIN ? ID_PASS_MAX : ID_SIGN_MAX));
	}
	if (r.op == ID_MINT)
		CHECK((r.arg == ID_FACET_SIGN || r.arg == ID_FACET_STATUS) && !(r.arg & ~rights));
	if (r.op == ID_UNMINT)
		CHECK(r.arg < ID_MINT_MAX);
}

static void pkg(const struct vx_msg *m)
{
	static struct pkg_req r;
	int rc = pkg_decode(m, &r);

	CHECK(rc == VX_OK || rc == VX_E_NOSYS || rc == VX_E_INVAL);
	if (rc != VX_OK || r.op == PKG_LIST)
		return;
	const char *z = memchr(r.name, 0, sizeof(r.name));
	CHECK(z != NULL);
	size_t n = (size_t)(z - r.name);
	CHECK(n > 0 && n < m->len);
}

static void footprint(const uint8_t *data, size_t size)
{
	static const char *allowed[] = {"console", "fs", "identity.sign", "net.raw"};
	struct vt_cap foot[VT_FOOT_MAX], allow[4];
	struct pkg_grant out[PKG_GRANTS];
	size_t nfoot = 0, at = 0;

	for (size_t i = 0; i < 4; i++) {
		allow[i].len = (uint8_t)strlen(allowed[i]);
		memcpy(allow[i].s, allowed[i], allow[i].len + 1);
	}
	while (at < size && nfoot < VT_FOOT_MAX) {
		size_t end = at;
		while (end < size && data[end] != '\n')
			end++;
		size_t n = end - at > VT_CAP_MAX ? VT_CAP_MAX : end - at;
		memset(&foot[nfoot], 0, sizeof(foot[nfoot]));
		foot[nfoot].len = (uint8_t)n;
		memcpy(foot[nfoot].s, data + at, n);
		nfoot++;
		at = end + 1;
	}
	int rc = pkg_bundle_build(foot, nfoot, allow, 4, out, PKG_GRANTS);
	CHECK(rc >= 0 || rc == VT_E_FOOTPRINT || rc == PKG_E_UNGRANTABLE || rc == VT_E_FIELD ||
	      rc == VX_E_TOOBIG);
	for (int i = 0; i < rc; i++) {
		struct pkg_grant g;
		CHECK(pkg_grant_of(out[i].cap, strlen(out[i].cap), &g) == VX_OK);
		CHECK(strcmp(out[i].cap, "net.raw") != 0);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(out[i].slot, out[j].slot) != 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_msg m;
	uint32_t rights = 0;
	uint16_t len = 0;

	memset(&m, 0, sizeof(m));
	if (size >= 4)
		memcpy(&m.op, data, 4);
	if (size >= 5)
		rights = data[4] & 0x1f;
	if (size >= 7)
		memcpy(&len, data + 5, 2);
	m.len = len % (VX_MSG_DATA + 2);
	if (size > 7)
		memcpy(m.data, data + 7, size - 7 < VX_MSG_DATA ? size - 7 : VX_MSG_DATA);
	if (m.len <= VX_MSG_DATA) { /* the transport refuses longer before any server */
		identity(&m, rights);
		pkg(&m);
	}
	footprint(data, size);
	return 0;
}
