/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vpkg: the install gate (vectra/proto/pkg.h).  A package gets onto the
 * machine only through PKG_INSTALL, which runs lib/trust's vt_gate, the
 * same code as `vectra pkg verify --policy`, against SYS:etc/policy.
 *
 * Bundle (services/init/etc/manifest):
 *   port          Ring: connections named "pkg"
 *   ns.req/.rep   connection to nsd: the policy, and SYS: files to install
 *   fs.req/.rep   connection to vfsd: files to install, and the store
 *   self          Task: to map the files it reads
 *
 * The store.  An accepted payload is written to vfsd as pkg/<VCID> (see
 * pkg_store_path); the table of installed packages lives in vpkg's memory.
 * vfsd is a RAM file system and there is no persistent one yet, so both are
 * gone at the next boot (and a restart of vpkg forgets its table).  vfsd's
 * files can be changed by anyone holding "fs", so the store is not trusted:
 * the shell hashes the payload again before it runs it, and refuses a
 * payload that no longer matches its VCID.
 */
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/syscall.h"
#include "client/fs.h"
#include "client/ns.h"
#include "trust/policy.h"
#include "trust/terr.h"
#include "vectra/proto/pkg.h"
#include "pure_bundle.h"
#include "vx_string.h"

#define MS 1000000ull

#define VA_NS	0x10000000ull
#define VA_FS	0x10010000ull
#define VA_SRV	0x20000000ull
#define VA_FILE 0x40000000ull
#define BIT_SRV 1u
#define BIT_NS	2u
#define BIT_FS	3u
#define TIMEOUT (5000 * MS)
#define POLICY	"SYS:etc/policy"

struct installed {
	struct pkg_info info;
	struct pkg_grant grant[PKG_GRANTS];
};

static struct {
	const struct vx_bundle_page *b;
	vx_handle_t self;
	struct vx_client ns, fs;
	bool ns_open, fs_open;
	struct vx_server srv;
	bool have_policy;
	struct vt_policy pol;
	struct vt_pkg k;
	struct installed pkg[PKG_MAX];
	uint32_t npkg;
} P;

static uint64_t deadline(void)
{
	return (uint64_t)vx_clock() + TIMEOUT;
}

/* A file mapped read-only at VA_FILE: bytes, size, and the Mem to drop. */
struct mapped {
	const uint8_t *p;
	size_t n;
	vx_handle_t mem;
};

static void unmap(struct mapped *f)
{
	if (f->mem == VX_NO_HANDLE)
		return;
	vx_task_unmap(f->mem);
	vx_cap_delete(f->mem);
	f->mem = VX_NO_HANDLE;
}

/* A vfsd file is copied, not mapped: vfsd revokes a view when the file
 * changes, and a read through a revoked view faults.  Copies keep a
 * concurrent `write` from taking vpkg down. */
static uint8_t fs_copy[PKG_FILE_MAX];

static int read_fs(const char *name, struct mapped *f, size_t max)
{
	struct fs_stat st;
	size_t at = 0;
	int64_t n;
	int rc;

	if (!P.fs_open)
		return VX_E_NOTFOUND;
	if ((rc = vx_fs_stat(&P.fs, name, &st, deadline())) < 0)
		return rc;
	if (st.type != FS_FILE)
		return VX_E_NOTFOUND; /* a directory: no such file */
	if (st.size > max)
		return VX_E_TOOBIG;
	while (at < st.size) {
		n = vx_fs_read(&P.fs, name, at, fs_copy + at, st.size - at, deadline());
		if (n < 0)
			return (int)n;
		if (n == 0)
			break; /* cut meanwhile: judge what there is */
		at += (size_t)n;
	}
	f->p = fs_copy;
	f->n = at;
	return VX_OK;
}

/* Maps name: "SYS:..." through nsd; anything else is read from vfsd. */
static int map_file(const char *name, struct mapped *f, size_t max)
{
	uint64_t off = 0, size = 0;
	int rc;

	f->mem = VX_NO_HANDLE;
	if (strncmp(name, "SYS:", 4) == 0) {
		struct ns_object obj;
		if (!P.ns_open)
			return VX_E_NOTFOUND;
		if ((rc = vx_ns_open_file(&P.ns, name, &obj, &f->mem, deadline())) < 0)
			return rc;
		off = obj.offset;
		size = obj.size;
	} else {
		return read_fs(name, f, max);
	}
	if (size > max) {
		unmap(f);
		return VX_E_TOOBIG;
	}
	if ((rc = (int)vx_task_map(P.self, f->mem, VA_FILE, VX_PROT_READ)) < 0) {
		vx_cap_delete(f->mem);
		f->mem = VX_NO_HANDLE;
		return rc;
	}
	f->p = (const uint8_t *)(uintptr_t)(VA_FILE + off);
	f->n = (size_t)size;
	return VX_OK;
}

/* The machine's policy, read and parsed once (the boot image does not
 * change under us). */
static int load_policy(void)
{
	struct mapped f;
	size_t line;
	int rc;

	if (P.have_policy)
		return VX_OK;
	if (map_file(POLICY, &f, VT_POLICY_MAX) < 0)
		return PKG_E_NOPOLICY;
	rc = vt_policy_parse(&P.pol, (const char *)f.p, f.n, &line);
	unmap(&f);
	if (rc < 0)
		return PKG_E_NOPOLICY;
	P.have_policy = true;
	return VX_OK;
}

static struct installed *find(const char *name)
{
	for (uint32_t i = 0; i < P.npkg; i++)
		if (strcmp(P.pkg[i].info.name, name) == 0)
			return &P.pkg[i];
	return NULL;
}

/* Writes the payload to the store (a directory per first VCID byte). */
static int store(const struct vt_pkg *k)
{
	char path[72];
	int rc;

	pkg_store_path(path, k->manifest.payload);
	rc = vx_fs_mkdir(&P.fs, "pkg", deadline());
	if (rc == VX_OK || rc == VX_E_EXISTS) {
		path[6] = '\0';
		rc = vx_fs_mkdir(&P.fs, path, deadline());
		path[6] = '/';
	}
	if (rc != VX_OK && rc != VX_E_EXISTS)
		return rc;
	if ((rc = vx_fs_truncate(&P.fs, path, 0, deadline())) < 0 && rc != VX_E_NOTFOUND)
		return rc;
	return vx_fs_write(&P.fs, path, 0, k->payload.p, k->payload.n, deadline());
}

static void copy_name(char *dst, const char *s, size_t n)
{
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* PKG_INSTALL: judge, then store, then record.  Nothing is recorded or
 * stored unless every check passed. */
static int install(const char *file, struct vx_msg *m)
{
	struct installed e;
	struct vt_verdict v;
	struct mapped f;
	int rc, n;

	if ((rc = load_policy()) < 0)
		return rc;
	if (P.npkg == PKG_MAX)
		return VX_E_FULL;
	if ((rc = map_file(file, &f, PKG_FILE_MAX)) < 0)
		return rc;
	memset(&e, 0, sizeof(e));
	rc = vt_gate(&P.pol, f.p, f.n, &P.k, &v);
	if (rc == VX_OK) {
		n = pkg_bundle_build(P.k.manifest.foot, P.k.manifest.nfoot, P.pol.allow,
				     P.pol.nallow, e.grant, PKG_GRANTS);
		rc = n < 0 ? n : VX_OK;
		e.info.ngrants = n < 0 ? 0 : (uint32_t)n;
	}
	if (rc == VX_OK) {
		const struct vt_manifest *mf = &P.k.manifest;
		copy_name(e.info.name, mf->name, mf->namelen);
		copy_name(e.info.version, mf->version, mf->verlen);
		memcpy(e.info.vcid, P.k.vcid, 32);
		memcpy(e.info.payload, mf->payload, 32);
		e.info.payload_size = mf->payload_size;
		vx_snprintf(e.info.person, sizeof(e.info.person), "%s", v.person);
		copy_name(e.info.machine, P.k.cert.name, P.k.cert.namelen);
		e.info.rebuilders = (uint32_t)v.rebuilders;
		if (find(e.info.name))
			rc = VX_E_EXISTS;
	}
	if (rc == VX_OK)
		rc = P.fs_open ? store(&P.k) : VX_E_NOTFOUND;
	unmap(&f);
	if (rc < 0)
		return rc;
	P.pkg[P.npkg++] = e;
	memcpy(m->data, &e.info, sizeof(e.info));
	m->len = sizeof(e.info);
	return VX_OK;
}

static enum vx_svc_disp serve(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
			      void *ctx)
{
	static struct pkg_req r;
	struct installed *e;
	int rc;

	(void)s;
	(void)c;
	(void)ctx;
	m->ncaps = 0;
	rc = pkg_decode(m, &r);
	m->len = 0;
	if (rc == VX_OK) {
		switch (r.op) {
		case PKG_INSTALL:
			rc = install(r.name, m);
			break;
		case PKG_LIST:
			if (r.index >= P.npkg) {
				rc = VX_E_NOTFOUND;
				break;
			}
			memcpy(m->data, &P.pkg[r.index].info, sizeof(struct pkg_info));
			m->len = sizeof(struct pkg_info);
			break;
		case PKG_INFO:
		case PKG_GRANT:
			if (!(e = find(r.name))) {
				rc = VX_E_NOTFOUND;
				break;
			}
			if (r.op == PKG_INFO) {
				memcpy(m->data, &e->info, sizeof(e->info));
				m->len = sizeof(e->info);
			} else if (r.index >= e->info.ngrants) {
				rc = VX_E_NOTFOUND;
			} else {
				memcpy(m->data, &e->grant[r.index], sizeof(struct pkg_grant));
				m->len = sizeof(struct pkg_grant);
			}
			break;
		}
	}
	if (rc < 0)
		m->len = 0;
	m->status = rc;
	return VX_SVC_REPLY;
}

int main(const struct vx_bundle_page *b, const char *args)
{
	int64_t h;

	(void)args;
	P.b = b;
	h = vx_bundle_handle(b, "self", VX_OBJ_TASK);
	P.self = h < 0 ? VX_NO_HANDLE : (vx_handle_t)h;
	if (vx_server_init(&P.srv, b, VA_SRV, BIT_SRV) != VX_OK)
		return 5;
	P.ns_open = vx_client_open(&P.ns, b, "ns", VA_NS, BIT_NS) == VX_OK;
	P.fs_open = vx_client_open(&P.fs, b, "fs", VA_FS, BIT_FS) == VX_OK;
	for (;;) {
		vx_server_wait(&P.srv, 0, VX_DEADLINE_NEVER);
		vx_server_poll(&P.srv, serve, NULL);
	}
}
