/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The trust commands, through identityd (vectra/proto/identity.h) and vpkg
 * (vectra/proto/pkg.h):
 *
 *   login         asks for the Machine passphrase (not echoed: main.c reads
 *                 it byte by byte into a struct vsh_secret, never into the
 *                 line editor or its history) and hands it to identityd,
 *                 which unseals the Machine key; the copy here is wiped
 *   lock          identityd wipes the opened key
 *   install FILE  vpkg judges FILE against SYS:etc/policy and stores it
 *   pkgs          the installed packages: VCIDs, signers, footprints
 *
 * and the calls cmd_run.c makes for `run` of a package, and for grants of
 * "identity.sign" / "identity.status" (minted identityd connections).
 */
#include "shell.h"
#include "client/identity.h"
#include "crypto/ct.h"
#include "trust/terr.h"
#include "trust/vcid.h"
#include "vx_string.h"

#define LOGIN_TIMEOUT	(30000 * MS) /* Argon2id under TCG */
#define INSTALL_TIMEOUT (60000 * MS) /* signatures, proofs, and the store */

/* A call that, when the service is not bound yet (just booted, or
 * restarting), waits for it and asks once more, like the file commands. */
static int call(struct vsh_client *k, struct vx_msg *m, uint64_t timeout)
{
	struct vx_msg req = *m;
	int rc, tries = 0;

	do {
		*m = req;
		rc = client_call_for(k, m, timeout);
	} while (client_retry(k, rc, &tries));
	vx_wipe(&req, sizeof(req));
	return rc;
}

const char *trust_strerror(int rc)
{
	const char *s = vx_id_strerror(rc);

	if (s)
		return s;
	if (rc <= VT_E_TRUNCATED && rc >= VT_E_LAST)
		return vt_strerror(rc);
	return vx_strerror(rc);
}

void cmd_login(const struct vsh_cmd *c)
{
	struct id_status st;
	int rc;

	(void)c;
	struct vx_msg m = {.op = ID_STATUS};

	rc = call(&shell.id, &m, CALL_TIMEOUT);
	if (client_report("login", &shell.id, rc))
		return;
	if (rc == VX_OK && m.len != sizeof(st))
		rc = VX_E_CORRUPT;
	if (rc == VX_OK)
		memcpy(&st, m.data, sizeof(st));
	if (rc == VX_OK && st.state == ID_OPEN) {
		con_printf("login: already logged in (the Machine key is open; 'lock' seals it)\n");
		return;
	}
	if (rc == VX_OK && st.state == ID_NOKEY) {
		con_printf("login: %s\n", trust_strerror(ID_E_NOKEY));
		return;
	}
	shell.secret = true;
	con_printf("Machine passphrase: ");
}

void login_finish(const char *pass, size_t n)
{
	struct vx_msg m = {.op = ID_LOGIN};
	int rc;

	if (n == 0) {
		con_printf("login: no passphrase given; the key stays sealed\n");
		return;
	}
	memcpy(m.data, pass, n);
	m.len = (uint16_t)n;
	rc = call(&shell.id, &m, LOGIN_TIMEOUT);
	vx_wipe(&m, sizeof(m));
	if (client_report("login", &shell.id, rc))
		return;
	if (rc == VX_OK)
		con_printf("login: the Machine key is unsealed; identityd signs for Tasks granted "
			   "identity.sign\n");
	else if (rc == VX_E_STATE)
		con_printf("login: already logged in\n");
	else
		con_printf("login: refused: %s; the key stays sealed\n", trust_strerror(rc));
}

void cmd_lock(const struct vsh_cmd *c)
{
	struct vx_msg m = {.op = ID_LOCK};
	int rc;

	(void)c;
	rc = call(&shell.id, &m, CALL_TIMEOUT);
	if (client_report("lock", &shell.id, rc))
		return;
	if (rc < 0)
		con_printf("lock: %s\n", trust_strerror(rc));
	else
		con_printf("lock: the Machine key is sealed again\n");
}

/* "console identity.sign" from a package's Bundle entries. */
static void print_footprint(const char *name, uint32_t n)
{
	struct pkg_grant g;

	con_printf("    footprint:");
	for (uint32_t i = 0; i < n; i++) {
		if (pkg_grant_at(name, i, &g) == VX_OK)
			con_printf(" %s", g.cap);
	}
	con_printf("%s\n", n ? "" : " (nothing)");
}

static void print_info(const struct pkg_info *p)
{
	char v[VT_VCID_TEXT + 1];

	vt_vcid_fmt(v, p->vcid);
	con_printf("  %s %s  %s\n", p->name, p->version, v);
	con_printf("    signed by Machine %s, certified by Person %s; %u rebuilders agree\n",
		   p->machine, p->person, p->rebuilders);
	vt_vcid_fmt(v, p->payload);
	con_printf("    payload %s (%llu bytes)\n", v, (unsigned long long)p->payload_size);
	print_footprint(p->name, p->ngrants);
}

void cmd_install(const struct vsh_cmd *c)
{
	struct vx_msg m = {.op = PKG_INSTALL};
	struct pkg_info info;
	int rc;

	if (vx_msg_put_str(&m, c->argv[1]) < 0) {
		con_printf("install: file name too long\n");
		return;
	}
	con_flush();
	rc = call(&shell.pkg, &m, INSTALL_TIMEOUT);
	if (client_report("install", &shell.pkg, rc))
		return;
	if (rc == VX_OK && m.len != sizeof(info))
		rc = VX_E_CORRUPT;
	if (rc == VX_E_NOTFOUND) {
		con_printf("install: no such file: %s\n", c->argv[1]);
		return;
	}
	if (rc == VX_E_EXISTS) {
		con_printf("install: a package of that name is already installed\n");
		return;
	}
	if (rc < 0) {
		con_printf("install: refused %s: %s\n", c->argv[1], trust_strerror(rc));
		return;
	}
	memcpy(&info, m.data, sizeof(info));
	con_printf("install: %s passed every check of the install gate; installed:\n", c->argv[1]);
	print_info(&info);
}

void cmd_pkgs(const struct vsh_cmd *c)
{
	struct pkg_info info;
	uint32_t i = 0;
	int rc;

	(void)c;
	for (;; i++) {
		struct vx_msg m = {.op = PKG_LIST, .len = 4};
		memcpy(m.data, &i, 4);
		rc = call(&shell.pkg, &m, CALL_TIMEOUT);
		if (rc == VX_OK && m.len != sizeof(info))
			rc = VX_E_CORRUPT;
		if (rc < 0)
			break;
		memcpy(&info, m.data, sizeof(info));
		print_info(&info);
	}
	if (client_report("pkgs", &shell.pkg, rc))
		return;
	if (rc != VX_E_NOTFOUND)
		con_printf("pkgs: %s\n", trust_strerror(rc));
	else if (i == 0)
		con_printf("no packages installed (try: install SYS:pkg/demo.vpkg)\n");
}

int pkg_info_of(const char *name, struct pkg_info *info)
{
	struct vx_msg m = {.op = PKG_INFO};
	int rc;

	if (!shell.pkg.open)
		return VX_E_NOTFOUND;
	if (vx_msg_put_str(&m, name) < 0)
		return VX_E_NOTFOUND;
	rc = call(&shell.pkg, &m, CALL_TIMEOUT);
	if (rc == VX_OK && m.len != sizeof(*info))
		rc = VX_E_CORRUPT;
	if (rc == VX_OK)
		memcpy(info, m.data, sizeof(*info));
	return rc;
}

int pkg_grant_at(const char *name, uint32_t index, struct pkg_grant *g)
{
	struct vx_msg m = {.op = PKG_GRANT, .len = 4};
	int rc;

	memcpy(m.data, &index, 4);
	if (vx_msg_put_str(&m, name) < 0)
		return VX_E_INVAL;
	rc = call(&shell.pkg, &m, CALL_TIMEOUT);
	if (rc == VX_OK && m.len != sizeof(*g))
		rc = VX_E_CORRUPT;
	if (rc == VX_OK) {
		memcpy(g, m.data, sizeof(*g));
		/* Terminated, whatever vpkg sent. */
		g->cap[sizeof(g->cap) - 1] = g->slot[sizeof(g->slot) - 1] = '\0';
		g->target[sizeof(g->target) - 1] = '\0';
	}
	return rc;
}

int id_mint(uint32_t rights, int64_t *req, int64_t *rep, uint32_t *id)
{
	struct vx_msg m = {.op = ID_MINT, .len = 4};
	struct id_minted mi;
	int rc;

	*req = *rep = VX_E_NOTFOUND;
	memcpy(m.data, &rights, 4);
	rc = call(&shell.id, &m, CALL_TIMEOUT);
	if (rc == VX_OK && (m.ncaps != 2 || m.len != sizeof(mi)))
		rc = VX_E_CORRUPT;
	if (rc < 0) {
		client_drop_caps(&shell.id);
		return rc;
	}
	memcpy(&mi, m.data, sizeof(mi));
	*id = mi.id;
	*req = client_take_cap(&shell.id);
	*rep = client_take_cap(&shell.id);
	return *req < 0 ? (int)*req : *rep < 0 ? (int)*rep : VX_OK;
}

void id_unmint(uint32_t id)
{
	struct vx_msg m = {.op = ID_UNMINT, .len = 4};

	memcpy(m.data, &id, 4);
	call(&shell.id, &m, CALL_TIMEOUT);
}
