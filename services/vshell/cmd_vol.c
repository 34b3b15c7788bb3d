/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The roots vfsd mounts from disks (vectra/proto/fs.h, ROOTS): df, sync
 * and snap.
 *
 *   df                       every root: what holds it, its size and use
 *   sync [ROOT:]             commit every mounted root, or one: when it
 *                            returns, what was written survives a power cut
 *   snap                     the snapshots of HOME:
 *   snap create|delete NAME  make or delete snapshot NAME of HOME:
 *                            (ROOT:NAME for another root)
 */
#include "shell.h"
#include "client/fs.h"
#include "vx_string.h"

static const char *kind_name(uint32_t kind)
{
	return kind == 1 ? "FAT32" : kind == 2 ? "Keep" : "-";
}

void cmd_df(const struct vsh_cmd *c)
{
	struct fs_mount_info mi;
	struct fs_info ri;
	char used[24], size[24];
	int rc;

	(void)c;
	if ((rc = vx_fs_info(&shell.fs.c, &ri, client_deadline())) != VX_OK) {
		if (!client_report("df", &shell.fs, rc))
			con_printf("df: %s\n", vx_strerror(rc));
		return;
	}
	con_printf("ROOT   KIND   WHERE      USED        SIZE        USE  STATE\n");
	con_printf("RAM:   RAM    -          %-11s %-11s %3lu%%  %u of %u entries\n",
		   vsh_show_bytes(used, sizeof(used), ri.bytes),
		   vsh_show_bytes(size, sizeof(size), ri.bytes_max),
		   (unsigned long)(ri.bytes_max ? ri.bytes * 100 / ri.bytes_max : 0), ri.entries,
		   ri.entries_max);
	for (uint32_t i = 0; vx_fs_mounts(&shell.fs.c, i, &mi, client_deadline()) == VX_OK; i++) {
		char root[12];
		vx_snprintf(root, sizeof(root), "%s:", mi.name);
		if (mi.kind == 0) {
			con_printf(
			    "%-6s -      -          -           -             -  not mounted: "
			    "%s (%s)\n",
			    root, mi.why, vx_strerror(mi.state));
			continue;
		}
		con_printf("%-6s %-6s %-10s %-11s %-11s %3lu%%  %lu commits\n", root,
			   kind_name(mi.kind), mi.where,
			   vsh_show_bytes(used, sizeof(used), mi.bytes),
			   vsh_show_bytes(size, sizeof(size), mi.bytes_max),
			   (unsigned long)(mi.bytes_max ? mi.bytes * 100 / mi.bytes_max : 0),
			   (unsigned long)mi.commits);
	}
}

void cmd_sync(const struct vsh_cmd *c)
{
	const char *root = c->argc > 1 ? c->argv[1] : "";
	int rc = vx_fs_sync(&shell.fs.c, root, client_deadline());

	if (rc == VX_OK)
		con_printf("sync: %s on disk\n", root[0] ? root : "every mounted root");
	else if (rc == VX_E_NOSYS)
		con_printf("sync: %s is in RAM, on no disk: nothing of it survives a power cut "
			   "(cp a file to HOME: to keep it)\n",
			   root);
	else if (rc == VX_E_NOTFOUND || rc == VX_E_INVAL) /* "FOO:", or "HOME" without ':' */
		con_printf(
		    "sync: %s: no such root is mounted (a root ends in ':'; df lists them)\n",
		    root);
	else if (!client_report("sync", &shell.fs, rc))
		con_printf("sync: %s: %s\n", root[0] ? root : "-", vx_strerror(rc));
}

/* Is the root path names ("HOME:" of "HOME:x") there?  A missing
 * snapshot and a root that is not mounted both answer VX_E_NOTFOUND. */
static bool root_mounted(const char *path)
{
	char root[FS_PATH_MAX + 1];
	struct fs_stat st;
	size_t n = 0;

	while (path[n] && path[n] != ':' && n < FS_PATH_MAX - 1)
		n++;
	vx_snprintf(root, sizeof(root), "%.*s:", (int)n, path);
	return vx_fs_stat(&shell.fs.c, root, &st, client_deadline()) == VX_OK;
}

void cmd_snap(const struct vsh_cmd *c)
{
	char path[FS_PATH_MAX + 1];
	struct fs_snap_info si;
	int rc;

	if (c->argc == 1) {
		uint32_t i;
		for (i = 0; (rc = vx_fs_snap_list(&shell.fs.c, "HOME:", i, &si,
						  client_deadline())) == VX_OK;
		     i++)
			con_printf("  %-32s commit %lu\n", si.name, (unsigned long)si.txg);
		if (rc == VX_E_NOTFOUND)
			con_printf("%u snapshot%s of HOME:\n", i, i == 1 ? "" : "s");
		else if (!client_report("snap", &shell.fs, rc))
			con_printf("snap: HOME: %s\n", vx_strerror(rc));
		return;
	}
	bool create = strcmp(c->argv[1], "create") == 0;
	if (c->argc != 3 || (!create && strcmp(c->argv[1], "delete") != 0)) {
		con_printf("usage: snap | snap create NAME | snap delete NAME\n");
		return;
	}
	bool rooted = false;
	for (const char *p = c->argv[2]; *p; p++)
		rooted |= *p == ':';
	if (rooted)
		vx_snprintf(path, sizeof(path), "%s", c->argv[2]);
	else
		vx_snprintf(path, sizeof(path), "HOME:%s", c->argv[2]);
	rc = vx_fs_snap(&shell.fs.c, path, create ? FS_SNAP_CREATE : FS_SNAP_DELETE,
			client_deadline());
	if (rc == VX_OK)
		con_printf("snap: %s %s\n", create ? "made" : "deleted", path);
	else if (rc == VX_E_INVAL || rc == VX_E_TOOBIG)
		con_printf("snap: '%s': a snapshot's name is 1 to 55 bytes, without '/', "
			   "and not '.' or '..'\n",
			   rooted ? strchr(c->argv[2], ':') + 1 : c->argv[2]);
	else if (rc == VX_E_EXISTS)
		con_printf("snap: there is a snapshot named %s already\n", path);
	else if (rc == VX_E_NOTFOUND && root_mounted(path))
		con_printf("snap: no snapshot named %s (snap lists them)\n", path);
	else if (rc == VX_E_NOTFOUND)
		con_printf("snap: %s: no such root is mounted (df lists them)\n", path);
	else if (rc == VX_E_NOSYS)
		con_printf("snap: %s: only HOME: (Keep) keeps snapshots\n", path);
	else if (!client_report("snap", &shell.fs, rc))
		con_printf("snap: %s: %s\n", path, vx_strerror(rc));
}
