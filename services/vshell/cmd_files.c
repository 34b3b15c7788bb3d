/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * File commands, through vfsd (vectra/proto/fs.h, client/fs.h): ls cat write echo rm
 * mv mkdir cp sum.  Paths are vfsd's (relative to its root, '/'-separated); a
 * leading '/' is accepted and ignored, so "/notes.txt" is "notes.txt".
 * commands.c runs these only when the shell holds an fs connection.
 *
 * SYS: is the boot image, which nsd serves (vectra/proto/ns.h), not vfsd:
 * ls, cat, sum and cp read it through the shell's ns connection, and every
 * command that would change it says that it is read-only.
 */
#include "shell.h"
#include "client/fs.h"
#include "client/ns.h"
#include "crypto/sha2.h"
#include "rt/path.h"
#include "vx_string.h"

#define CAT_INLINE_MAX 4096u /* larger files are read through a view (FS_READ_MEM) */

static char text[VSH_LINE_MAX + 2]; /* write/echo: the words joined, plus '\n' */
static char chunk[CAT_INLINE_MAX];

/* What the chunk loops return when Ctrl-C stopped them: not an error
 * code, so that no one reports it as a server that did not answer (they
 * once returned VX_E_TIMEOUT, and cp and sum said "cannot reach fs: it
 * did not answer in time"); and they look at the console for it
 * (con_interrupted), which nothing else does while they run. */
#define INTERRUPTED 1

static const char *fs_path(const char *p)
{
	while (*p == '/')
		p++;
	return p;
}

/* A path that may name a directory, as people type one: fs_path's, and a
 * trailing '/' dropped too ("ls notes/", "rm notes/"), which vfsd would
 * refuse as an empty last name.  For ls, mkdir, rm and mv's FROM. */
static const char *dir_path(const char *p)
{
	static char buf[VSH_LINE_MAX + 1];
	size_t n, len;

	p = fs_path(p);
	n = len = strlen(p);
	while (n > 0 && p[n - 1] == '/')
		n--;
	if (n == len || len >= sizeof(buf))
		return p;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* A path as an error line names it: an empty one (typed as "") would
 * leave a blank there. */
static const char *shown(const char *path)
{
	return *path ? path : "'' (an empty path: the root)";
}

/* What a file-system error means to a person. */
static const char *fs_why(int rc)
{
	switch (rc) {
	case VX_E_NOTFOUND:
		return "no such file or directory";
	case VX_E_EXISTS:
		return "already exists";
	case VX_E_TYPE:
		return "wrong kind (a file where a directory is needed, or the reverse)";
	case VX_E_INVAL:
		return "not a valid path";
	case VX_E_STATE:
		return "directory not empty";
	case VX_E_FULL:
		return "the file system is full";
	case VX_E_CORRUPT:
		return "damaged on the disk: a block failed its checksum, and nothing of it is "
		       "returned (vfsd's log names it)";
	case VX_E_RIGHTS:
		return "read-only (a snapshot)";
	case VX_E_TOOBIG:
		return "too large (a RAM file holds at most 1 MiB; a name at most 63 bytes, a path "
		       "200)";
	default:
		return vx_strerror(rc);
	}
}

/* As shell.h says. */
bool vsh_is_sys(const char *path)
{
	return strncmp(path, "SYS:", 4) == 0;
}

/* The one error line of a file command. */
static void fs_fail(const char *cmd, int rc, const char *path)
{
	if (vsh_is_sys(path)) {
		/* vfsd has no SYS:; nsd's answers come through sys_fail. */
		con_printf("%s: SYS: is the boot image, read-only: %s\n", cmd, path);
		return;
	}
	if (client_report(cmd, &shell.fs, rc))
		return;
	con_printf("%s: %s: %s\n", cmd, fs_why(rc), shown(path));
}

/* ---------------------------------------------------------------- ls */

static void show_entry(const struct fs_dirent *e)
{
	char size[24];

	if (e->st.type == FS_DIR)
		con_printf("  dir  %10u %s  %s/\n", e->st.entries,
			   e->st.entries == 1 ? "entry  " : "entries", e->name);
	else
		con_printf("  file %10s          %s\n",
			   vsh_show_bytes(size, sizeof(size), e->st.size), e->name);
}

/* ---------------------------------------------------------------- SYS: */

/* The error line of a read of SYS: through nsd. */
static void sys_fail(const char *cmd, int rc, const char *name)
{
	if (client_report(cmd, &shell.ns, rc))
		return;
	if (rc == VX_E_TYPE)
		con_printf("%s: is a directory: %s\n", cmd, shown(name));
	else
		con_printf("%s: %s: %s\n", cmd, fs_why(rc), name);
}

/* What nsd says the SYS: name is (NS_RESOLVE; a file's MemCap, sent with
 * the answer, is dropped). */
static int sys_stat(const char *name, struct ns_object *obj)
{
	struct vx_msg m;
	int rc, tries = 0;

	do {
		m = (struct vx_msg){.op = NS_RESOLVE};
		if ((rc = vx_msg_put_str(&m, name)) == VX_OK)
			rc = client_call(&shell.ns, &m);
	} while (client_retry(&shell.ns, rc, &tries));
	client_drop_caps(&shell.ns);
	if (rc == VX_OK && m.len < sizeof(*obj))
		rc = VX_E_CORRUPT;
	if (rc == VX_OK)
		memcpy(obj, m.data, sizeof(*obj));
	return rc;
}

/* One line of ls for an object nsd described. */
static void show_ns(const char *name, const struct ns_object *obj)
{
	struct fs_dirent d;

	memset(&d, 0, sizeof(d));
	d.st.type = obj->kind == NS_KIND_DIR ? FS_DIR : FS_FILE;
	d.st.size = obj->size;
	d.st.entries = (uint32_t)obj->size; /* a directory's size is its entries */
	vx_snprintf(d.name, sizeof(d.name), "%s", name);
	show_entry(&d);
}

/* ls SYS:NAME: nsd's entries (NS_LIST), as ls shows vfsd's. */
static void sys_ls(const char *name)
{
	struct ns_object obj;
	struct ns_entry e;
	struct vx_msg m;
	uint32_t i;
	int rc = sys_stat(name, &obj);

	if (rc != VX_OK) {
		sys_fail("ls", rc, name);
		return;
	}
	if (obj.kind != NS_KIND_DIR) {
		show_ns(name, &obj);
		return;
	}
	for (i = 0; i < FS_ENTRIES_MAX; i++) {
		int tries = 0;
		do {
			m = (struct vx_msg){.op = NS_LIST, .len = sizeof(i)};
			memcpy(m.data, &i, sizeof(i));
			if ((rc = vx_msg_put_str(&m, name)) == VX_OK)
				rc = client_call(&shell.ns, &m);
		} while (client_retry(&shell.ns, rc, &tries));
		if (rc == VX_OK && m.len < sizeof(e))
			rc = VX_E_CORRUPT;
		if (rc != VX_OK)
			break;
		memcpy(&e, m.data, sizeof(e));
		e.name[sizeof(e.name) - 1] = '\0';
		show_ns(e.name, &e.obj);
	}
	if (rc == VX_E_NOTFOUND) /* past the last entry */
		con_printf("%u %s\n", i, i == 1 ? "entry" : "entries");
	else
		sys_fail("ls", rc, name);
}

/* Reads the SYS: file name in chunks of BULK bytes, each copied to the
 * bulk buffer and handed to fn (what each_chunk does for vfsd); *size is
 * the file's.  nsd's read-only MemCap of the boot image is mapped at
 * VA_PROGRAM (free but during run) meanwhile.  Ctrl-C stops it
 * (INTERRUPTED). */
static int sys_each_chunk(const char *name, uint64_t *size, int (*fn)(const char *, size_t, void *),
			  void *arg)
{
	struct ns_object obj;
	vx_handle_t mem, img;
	int rc = vsh_bulk(&mem), tries = 0;

	*size = 0;
	if (rc != VX_OK)
		return rc;
	do {
		client_drop_caps(&shell.ns);
		rc = vx_ns_open_file(&shell.ns.c, name, &obj, &img, client_deadline());
	} while (client_retry(&shell.ns, rc, &tries));
	if (rc == VX_E_NOTFOUND && sys_stat(name, &obj) == VX_OK && obj.kind == NS_KIND_DIR)
		rc = VX_E_TYPE; /* vx_ns_open_file says VX_E_NOTFOUND of a directory */
	if (rc != VX_OK)
		return rc;
	if ((rc = (int)vx_task_map(shell.self, img, VA_PROGRAM, VX_PROT_READ)) != VX_OK) {
		vx_cap_delete(img);
		return rc;
	}
	const char *p = (const char *)(uintptr_t)(VA_PROGRAM + obj.offset);
	for (uint64_t off = 0; off < obj.size && rc == VX_OK;) {
		size_t n = obj.size - off < BULK ? (size_t)(obj.size - off) : BULK;
		memcpy((void *)(uintptr_t)VA_BULK, p + off, n);
		rc = fn((const char *)(uintptr_t)VA_BULK, n, arg);
		off += n;
		if (rc == VX_OK && con_interrupted())
			rc = INTERRUPTED;
	}
	vx_task_unmap(img);
	vx_cap_delete(img);
	*size = obj.size;
	return rc;
}

void cmd_ls(const struct vsh_cmd *c)
{
	const char *path = dir_path(c->argc > 1 ? c->argv[1] : "");

	if (vsh_is_sys(path)) {
		sys_ls(path);
		return;
	}
	struct fs_dirent e;
	struct fs_stat st;
	int rc, tries = 0;
	uint32_t i;

	do
		rc = vx_fs_stat(&shell.fs.c, path, &st, client_deadline());
	while (client_retry(&shell.fs, rc, &tries));
	if (rc < 0) {
		fs_fail("ls", rc, c->argc > 1 ? c->argv[1] : "/");
		return;
	}
	if (st.type == FS_FILE) {
		memset(&e, 0, sizeof(e));
		e.st = st;
		vx_snprintf(e.name, sizeof(e.name), "%s", path);
		show_entry(&e);
		return;
	}
	/* Until the first index past the last entry: a directory on a disk
	 * may hold far more than RAM:'s FS_ENTRIES_MAX (it once stopped
	 * there, with "ls: VX_OK (success)").  Ctrl-C stops a long one. */
	for (i = 0;; i++) {
		rc = vx_fs_list(&shell.fs.c, path, i, &e, client_deadline());
		if (rc < 0 || con_take_interrupt())
			break;
		e.name[FS_NAME_MAX] = '\0';
		show_entry(&e);
	}
	if (rc == VX_E_NOTFOUND) /* past the last entry */
		con_printf("%u %s\n", i, i == 1 ? "entry" : "entries");
	else if (rc == VX_OK)
		con_printf("ls: interrupted (Ctrl-C) after %u entries\n", i);
	else
		fs_fail("ls", rc, path);
}

/* ---------------------------------------------------------------- cat */

/* Prints file bytes; control bytes other than newline and tab show as '.'
 * so that a binary file cannot drive the terminal. */
static void show_bytes(const char *p, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)p[i];
		if (b >= 0x20 || b == '\n' || b == '\t')
			continue;
		con_write(p + start, i - start);
		con_write(".", 1);
		start = i + 1;
	}
	con_write(p + start, n - start);
}

/* Through a view: map vfsd's MemCap of the file, print it, unmap, delete. */
static int cat_mapped(const char *path, bool *ends_nl)
{
	struct vx_cap_info info;
	vx_handle_t mem;
	uint64_t size;
	int rc;

	client_drop_caps(&shell.fs);
	if ((rc = vx_fs_read_mem(&shell.fs.c, path, &mem, &size, client_deadline())) < 0)
		return rc;
	if (mem == VX_NO_HANDLE)
		return VX_OK; /* empty */
	if ((rc = (int)vx_cap_inspect(mem, &info)) == VX_OK && info.size < size)
		rc = VX_E_CORRUPT;
	if (rc == VX_OK)
		rc = (int)vx_task_map(shell.self, mem, VA_FILE, VX_PROT_READ);
	if (rc == VX_OK) {
		const char *p = (const char *)(uintptr_t)VA_FILE;
		show_bytes(p, size);
		*ends_nl = size == 0 || p[size - 1] == '\n';
		vx_task_unmap(mem);
	}
	vx_cap_delete(mem);
	return rc;
}

static int show_chunk(const char *p, size_t n, void *arg)
{
	show_bytes(p, n);
	*(bool *)arg = n == 0 || p[n - 1] == '\n';
	return VX_OK;
}

/* cat SYS:FILE, from the boot image. */
static void sys_cat(const char *name)
{
	bool ends_nl = true;
	uint64_t size;
	int rc = sys_each_chunk(name, &size, show_chunk, &ends_nl);

	if (!ends_nl)
		con_write("\n", 1);
	if (rc != VX_OK && rc != INTERRUPTED) /* Ctrl-C: it just stops */
		sys_fail("cat", rc, name);
}

/* Small files: FS_READ, FS_INLINE_MAX bytes per message. */
static int cat_inline(const char *path, uint64_t size, bool *ends_nl)
{
	int64_t n = vx_fs_read(&shell.fs.c, path, 0, chunk, size, client_deadline());

	if (n < 0)
		return (int)n;
	show_bytes(chunk, (size_t)n);
	*ends_nl = n == 0 || chunk[n - 1] == '\n';
	return VX_OK;
}

/* Large files without a view: FS_READ in chunks, Ctrl-C stops it. */
static int cat_streamed(const char *path, uint64_t size, bool *ends_nl)
{
	for (uint64_t off = 0; off < size;) {
		uint64_t want = size - off < CAT_INLINE_MAX ? size - off : CAT_INLINE_MAX;
		int64_t n = vx_fs_read(&shell.fs.c, path, off, chunk, want, client_deadline());
		if (n < 0)
			return (int)n;
		if (n == 0)
			break; /* it shrank meanwhile */
		show_bytes(chunk, (size_t)n);
		*ends_nl = chunk[n - 1] == '\n';
		off += (uint64_t)n;
		if (con_take_interrupt())
			return VX_OK;
	}
	return VX_OK;
}

void cmd_cat(const struct vsh_cmd *c)
{
	const char *path = fs_path(c->argv[1]);
	bool ends_nl = true;
	struct fs_stat st;
	int rc, tries = 0;

	if (vsh_is_sys(path)) {
		sys_cat(path);
		return;
	}

	do
		rc = vx_fs_stat(&shell.fs.c, path, &st, client_deadline());
	while (client_retry(&shell.fs, rc, &tries));
	if (rc == VX_E_NOTFOUND) {
		con_printf("cat: no such file: %s\n", c->argv[1]);
		return;
	}
	if (rc == VX_OK && st.type == FS_DIR) {
		con_printf("cat: is a directory: %s\n", shown(c->argv[1]));
		return;
	}
	if (rc == VX_OK && st.size <= CAT_INLINE_MAX)
		rc = cat_inline(path, st.size, &ends_nl);
	else if (rc == VX_OK && (rc = cat_mapped(path, &ends_nl)) == VX_E_REVOKED)
		rc = cat_mapped(path, &ends_nl); /* it changed while the view was in flight */
	else if (rc == VX_E_NOSYS)		 /* a root on a disk hands out no views */
		rc = cat_streamed(path, st.size, &ends_nl);
	if (!ends_nl)
		con_write("\n", 1); /* the prompt starts on a line of its own */
	if (rc < 0)
		fs_fail("cat", rc, c->argv[1]);
}

/* ------------------------------------------------------- write, echo */

/* Joins argv[from..argc) with spaces and a final newline into text. */
static size_t join(const struct vsh_cmd *c, uint32_t from)
{
	size_t n = 0;

	for (uint32_t i = from; i < c->argc; i++) {
		size_t k = strlen(c->argv[i]);
		if (n + k + 2 > sizeof(text))
			k = sizeof(text) - 2 - n; /* cannot happen for a split line */
		if (i > from)
			text[n++] = ' ';
		memcpy(text + n, c->argv[i], k);
		n += k;
	}
	text[n++] = '\n';
	text[n] = '\0';
	return n;
}

/* Replaces the file's contents with text[0..n). */
static int replace(const char *path, size_t n)
{
	int rc, tries = 0;

	do
		rc = vx_fs_write(&shell.fs.c, path, 0, text, n, client_deadline());
	while (client_retry(&shell.fs, rc, &tries));
	if (rc == VX_OK)
		rc = vx_fs_truncate(&shell.fs.c, path, n, client_deadline());
	return rc;
}

void cmd_write(const struct vsh_cmd *c)
{
	const char *path = fs_path(c->argv[1]);
	int rc = replace(path, join(c, 2));

	if (rc < 0)
		fs_fail("write", rc, c->argv[1]);
}

void cmd_echo(const struct vsh_cmd *c)
{
	size_t n = join(c, 1);
	const char *path;
	int rc, tries = 0;

	if (!c->redir) {
		con_write(text, n);
		return;
	}
	path = fs_path(c->redir_path);
	if (c->redir == VSH_W_REDIR) {
		rc = replace(path, n);
	} else {
		do
			rc = vx_fs_append(&shell.fs.c, path, text, n, client_deadline());
		while (client_retry(&shell.fs, rc, &tries));
	}
	if (rc < 0)
		fs_fail("echo", rc, c->redir_path);
}

/* ---------------------------------------------------- rm, mv, mkdir */

void cmd_rm(const struct vsh_cmd *c)
{
	int rc, tries = 0;

	do
		rc = vx_fs_remove(&shell.fs.c, dir_path(c->argv[1]), client_deadline());
	while (client_retry(&shell.fs, rc, &tries));
	if (rc < 0)
		fs_fail("rm", rc, c->argv[1]);
}

/* The length of path's root name with its colon ("HOME:"), or 0 for a
 * path that names none. */
static size_t root_len(const char *path)
{
	for (size_t i = 0; path[i] && path[i] != '/'; i++)
		if (path[i] == ':')
			return i + 1;
	return 0;
}

/* Do from and to name two different roots ("HOME:" and "RAM:")?  A
 * rename never crosses roots; a path without a root name is the RAM
 * file system's, as it is to vfsd. */
static bool other_roots(const char *from, const char *to)
{
	size_t fl = root_len(from), tl = root_len(to);
	const char *f = fl ? from : "RAM:", *t = tl ? to : "RAM:";

	fl = fl ? fl : 4;
	tl = tl ? tl : 4;
	return fl != tl || memcmp(f, t, fl) != 0;
}

/* cp and mv into a directory: when to names one (it ends in '/', is a
 * root, or is a directory now), the target is from's last name inside
 * it, built in buf; otherwise to itself.  NULL if that is too long. */
static const char *target_in(const char *from, const char *to, char *buf, size_t cap)
{
	size_t tl = strlen(to);
	bool dir = tl == 0 || to[tl - 1] == '/' || to[tl - 1] == ':';
	struct fs_stat st;

	if (!dir && !vsh_is_sys(to) && vx_fs_stat(&shell.fs.c, to, &st, client_deadline()) == VX_OK)
		dir = st.type == FS_DIR;
	if (!dir)
		return to;
	const char *name = from + root_len(from);
	for (const char *p = name; *p; p++)
		if (*p == '/' && p[1])
			name = p + 1;
	size_t nl = strlen(name);
	while (nl && name[nl - 1] == '/')
		nl--;
	while (tl && to[tl - 1] == '/')
		tl--;
	bool slash = tl && to[tl - 1] != ':';
	if (nl == 0 || tl + slash + nl + 1 > cap)
		return NULL;
	memcpy(buf, to, tl);
	if (slash)
		buf[tl] = '/';
	memcpy(buf + tl + slash, name, nl);
	buf[tl + slash + nl] = '\0';
	return buf;
}

static char target_buf[VSH_LINE_MAX + 1];

/* Does path, after its root name, break lib/rt/path.h's rules? */
static bool bad_path(const char *path)
{
	const char *p = path + root_len(path);

	return vx_path_check(p, strlen(p)) != VX_OK;
}

/* Are a and b the same but for the case of ASCII letters, and not the
 * same bytes? */
static bool only_case_differs(const char *a, const char *b)
{
	bool differ = false;

	for (; *a && *b; a++, b++) {
		char x = *a >= 'a' && *a <= 'z' ? (char)(*a - 32) : *a;
		char y = *b >= 'a' && *b <= 'z' ? (char)(*b - 32) : *b;
		if (x != y)
			return false;
		differ = differ || *a != *b;
	}
	return *a == *b && differ;
}

/* Is path's root a FAT32 volume, whose names are case-blind? */
static bool case_blind(const char *path)
{
	size_t rl = root_len(path);
	struct fs_mount_info mi;

	if (rl < 2 || rl > sizeof(mi.name))
		return false;
	for (uint32_t i = 0; vx_fs_mounts(&shell.fs.c, i, &mi, client_deadline()) == VX_OK; i++)
		if (mi.name[rl - 1] == '\0' && memcmp(mi.name, path, rl - 1) == 0)
			return mi.kind == 1;
	return false;
}

void cmd_mv(const struct vsh_cmd *c)
{
	const char *from = dir_path(c->argv[1]), *to = fs_path(c->argv[2]);
	int rc, tries = 0;

	if (other_roots(from, to)) {
		con_printf("mv: %s and %s are on different roots: mv renames within one; cp, then "
			   "rm, moves between them\n",
			   c->argv[1], c->argv[2]);
		return;
	}
	/* On a case-blind root, a new name that differs in case alone names
	 * the file or directory itself: the rename changes its case (a
	 * directory is not moved into itself). */
	bool recase = only_case_differs(from, to) && case_blind(from);
	if (!recase && !(to = target_in(from, to, target_buf, sizeof(target_buf)))) {
		con_printf("mv: no name to give it in %s\n", c->argv[2]);
		return;
	}
	do
		rc = vx_fs_rename(&shell.fs.c, from, to, client_deadline());
	while (client_retry(&shell.fs, rc, &tries));
	size_t fl = strlen(from);
	if (rc == VX_E_EXISTS)
		con_printf("mv: already exists: %s\n", to);
	else if (rc == VX_E_INVAL && strncmp(to, from, fl) == 0 && to[fl] == '/')
		con_printf("mv: cannot move %s into itself (%s)\n", c->argv[1], to);
	else if ((rc == VX_E_INVAL || rc == VX_E_TOOBIG) && bad_path(to))
		fs_fail("mv", rc, to); /* the new name is the bad one */
	else if (rc < 0)
		fs_fail("mv", rc, c->argv[1]);
}

void cmd_mkdir(const struct vsh_cmd *c)
{
	int rc, tries = 0;

	do
		rc = vx_fs_mkdir(&shell.fs.c, dir_path(c->argv[1]), client_deadline());
	while (client_retry(&shell.fs, rc, &tries));
	if (rc < 0)
		fs_fail("mkdir", rc, c->argv[1]);
}

/* ------------------------------------------------------------- cp, sum */

/* The shell's bulk buffer (shell.h): made on first use, kept. */
static vx_handle_t bulk_mem;

int vsh_bulk(vx_handle_t *mem)
{
	int64_t m;

	*mem = bulk_mem;
	if (bulk_mem)
		return VX_OK;
	if (shell.ret == VX_NO_HANDLE || shell.self == VX_NO_HANDLE)
		return VX_E_RIGHTS;
	if ((m = vx_reticle_retype(shell.ret, VX_OBJ_MEM, BULK / VX_PAGE_SIZE)) < 0)
		return (int)m;
	int64_t rc = vx_task_map(shell.self, (vx_handle_t)m, VA_BULK, VX_PROT_READ | VX_PROT_WRITE);
	if (rc < 0) {
		vx_cap_delete((vx_handle_t)m);
		return (int)rc;
	}
	bulk_mem = *mem = (vx_handle_t)m;
	return VX_OK;
}

/* Reads path from offset 0 in chunks of BULK bytes, handing each to fn;
 * Ctrl-C stops it (INTERRUPTED then).  Returns VX_OK or the first error. */
static int each_chunk(const char *path, uint64_t size, int (*fn)(const char *, size_t, void *),
		      void *arg)
{
	vx_handle_t mem;
	int rc = vsh_bulk(&mem);

	if (rc != VX_OK)
		return rc;
	for (uint64_t off = 0; off < size;) {
		uint64_t want = size - off < BULK ? size - off : BULK, n;
		rc = vx_fs_read_into(&shell.fs.c, path, off, mem, (uint32_t)want, &n,
				     client_deadline());
		if (rc != VX_OK)
			return rc;
		if (n == 0)
			break;
		rc = fn((const char *)(uintptr_t)VA_BULK, (size_t)n, arg);
		if (rc != VX_OK)
			return rc;
		off += (uint64_t)n;
		if (con_interrupted())
			return INTERRUPTED;
	}
	return VX_OK;
}

struct copy {
	const char *to;	  /* the file written: TO, or the temporary beside it */
	const char *name; /* TO, as the lines name it */
	uint64_t off;
	int werr; /* the write that failed, if one did: TO is to blame, not FROM */
};

static int copy_chunk(const char *p, size_t n, void *arg)
{
	struct copy *c = arg;
	int rc =
	    vx_fs_write_mem(&shell.fs.c, c->to, c->off, bulk_mem, (uint32_t)n, client_deadline());

	(void)p; /* the same bytes, in bulk_mem */
	c->off += n;
	c->werr = rc;
	return rc;
}

/* A copy that failed after it began: the line names the side that failed
 * (a full disk is TO's, a bad block FROM's).  The file cp wrote into is
 * one it made (TO, or the temporary beside an existing TO), and it is
 * removed: no file cp leaves is a partial copy, and a TO that was there
 * before is as it was.  Only the in-place copy (made false: no room for
 * a temporary name) leaves TO partly written, and the line says so. */
static void copy_fail(const struct vsh_cmd *c, const struct copy *cp, int rc, bool made, bool tmp)
{
	const char *what = "";

	if (made && vx_fs_remove(&shell.fs.c, cp->to, client_deadline()) == VX_OK)
		what = tmp ? " (it is left as it was)" : " (the partial copy is removed)";
	else if (made && tmp)
		what = " (it is left as it was, but the partial copy could not be removed)";
	else if (!made && rc == VX_E_RIGHTS)
		what = " (it is left as it was)"; /* a snapshot: no write took */
	else if (!made)
		what = " (it is left partly written)";
	if (rc == INTERRUPTED) {
		con_printf("cp: interrupted (Ctrl-C): %s%s\n", cp->name, what);
		return;
	}
	if (cp->werr != VX_OK || !vsh_is_sys(c->argv[1])) {
		if (client_report("cp", &shell.fs, rc))
			return;
		con_printf("cp: %s: %s%s\n", fs_why(rc), cp->werr != VX_OK ? cp->name : c->argv[1],
			   what);
	} else {
		sys_fail("cp", rc, c->argv[1]);
	}
}

static char tmp_buf[FS_PATH_MAX + 1];

/* As shell.h says. */
const char *vsh_temp_beside(const char *to)
{
	static const char hex[] = "0123456789abcdef";
	size_t dir = 0, tl = strlen(to);

	for (size_t i = 0; i < tl; i++)
		if (to[i] == '/' || to[i] == ':')
			dir = i + 1;
	if (dir + 12 > FS_PATH_MAX || dir + 12 + tl > FS_RENAME_MAX)
		return NULL;
	memcpy(tmp_buf, to, dir);
	for (int tries = 0; tries < 4; tries++) {
		uint64_t t = (uint64_t)vx_clock() + (uint64_t)tries;
		char *p = tmp_buf + dir;
		memcpy(p, ".cp~", 4);
		for (int k = 0; k < 8; k++)
			p[4 + k] = hex[(t >> (28 - 4 * k)) & 15];
		p[12] = '\0';
		int rc = vx_fs_create(&shell.fs.c, tmp_buf, client_deadline());
		if (rc == VX_OK)
			return tmp_buf;
		if (rc != VX_E_EXISTS)
			return NULL;
	}
	return NULL;
}

/* As shell.h says. */
bool vsh_take_place(const char *cmd, const char *tmp, const char *to)
{
	int rc = vx_fs_rename(&shell.fs.c, tmp, to, client_deadline());

	if (rc == VX_E_EXISTS) {
		if ((rc = vx_fs_remove(&shell.fs.c, to, client_deadline())) != VX_OK) {
			vx_fs_remove(&shell.fs.c, tmp, client_deadline());
			con_printf("%s: cannot replace %s: %s (it is left as it was)\n", cmd, to,
				   fs_why(rc));
			return false;
		}
		if ((rc = vx_fs_rename(&shell.fs.c, tmp, to, client_deadline())) != VX_OK) {
			con_printf("%s: %s was removed, but the new file cannot take its name: %s; "
				   "it is %s\n",
				   cmd, to, fs_why(rc), tmp);
			return false;
		}
	} else if (rc != VX_OK) {
		vx_fs_remove(&shell.fs.c, tmp, client_deadline());
		con_printf("%s: cannot replace %s: %s (it is left as it was)\n", cmd, to,
			   fs_why(rc));
		return false;
	}
	return true;
}

/* cp FROM TO: any root to any root, through vfsd, into TO if it is a
 * directory.  A new TO is made and written; an existing TO is replaced
 * only once the whole copy is in a temporary file beside it, so that a
 * copy that fails (a full disk, Ctrl-C, a bad block) leaves TO as it was.
 * A copy onto itself, under any of its names (EXT: is case-blind),
 * changes nothing but, on EXT:, the name's case. */
void cmd_cp(const struct vsh_cmd *c)
{
	const char *from = fs_path(c->argv[1]), *to = fs_path(c->argv[2]);
	struct copy cp;
	struct ns_object obj;
	struct fs_stat st;
	int rc;

	if (vsh_is_sys(from)) {
		/* From the boot image: a file, checked before anything is made. */
		if ((rc = sys_stat(from, &obj)) == VX_OK && obj.kind == NS_KIND_DIR)
			rc = VX_E_TYPE;
	} else {
		rc = vx_fs_stat(&shell.fs.c, from, &st, client_deadline());
		if (rc == VX_OK && st.type == FS_DIR)
			rc = VX_E_TYPE;
	}
	if (rc == VX_E_TYPE) {
		con_printf("cp: %s is a directory (cp copies one file)\n", shown(c->argv[1]));
		return;
	}
	if (rc != VX_OK) {
		if (vsh_is_sys(from))
			sys_fail("cp", rc, c->argv[1]);
		else
			fs_fail("cp", rc, c->argv[1]);
		return;
	}
	if (!(to = target_in(from, to, target_buf, sizeof(target_buf)))) {
		con_printf("cp: no name to give it in %s\n", c->argv[2]);
		return;
	}
	cp = (struct copy){.to = to, .name = to};
	bool made = false;
	const char *tmp = NULL;
	struct fs_stat tst;
	if ((rc = vx_fs_stat(&shell.fs.c, to, &tst, client_deadline())) == VX_E_NOTFOUND) {
		rc = vx_fs_create(&shell.fs.c, to, client_deadline());
		made = rc == VX_OK;
	} else if (rc == VX_OK && tst.type == FS_DIR) {
		rc = VX_E_TYPE;
	} else if (rc == VX_OK && (tmp = vsh_temp_beside(to)) != NULL) {
		cp.to = tmp;
		made = true;
	}
	if (rc != VX_OK) {
		fs_fail("cp", rc, to);
		return;
	}
	if (vsh_is_sys(from)) {
		uint64_t size;
		rc = sys_each_chunk(from, &size, copy_chunk, &cp);
	} else {
		rc = each_chunk(from, st.size, copy_chunk, &cp);
	}
	if (rc == VX_OK && !tmp &&
	    (rc = vx_fs_truncate(&shell.fs.c, to, cp.off, client_deadline())) != VX_OK)
		cp.werr = rc;
	if (rc != VX_OK) {
		copy_fail(c, &cp, rc, made, tmp != NULL);
		return;
	}
	if (tmp && !vsh_take_place("cp", tmp, to))
		return;
	con_printf("cp: %lu bytes\n", (unsigned long)cp.off);
}

static int hash_chunk(const char *p, size_t n, void *arg)
{
	vx_sha256_update(arg, p, n);
	return VX_OK;
}

/* sum FILE: its SHA-256 and size, as sha256sum prints it. */
void cmd_sum(const struct vsh_cmd *c)
{
	const char *path = fs_path(c->argv[1]);
	struct vx_sha256 h;
	struct fs_stat st;
	uint8_t d[32];
	int rc;

	vx_sha256_init(&h);
	if (vsh_is_sys(path)) {
		rc = sys_each_chunk(path, &st.size, hash_chunk, &h);
		if (rc != VX_OK && rc != INTERRUPTED) {
			sys_fail("sum", rc, c->argv[1]);
			return;
		}
	} else {
		rc = vx_fs_stat(&shell.fs.c, path, &st, client_deadline());
		if (rc == VX_OK && st.type == FS_DIR) {
			con_printf("sum: is a directory: %s\n", shown(c->argv[1]));
			return;
		}
		if (rc == VX_OK)
			rc = each_chunk(path, st.size, hash_chunk, &h);
		if (rc != VX_OK && rc != INTERRUPTED) {
			fs_fail("sum", rc, c->argv[1]);
			return;
		}
	}
	if (rc == INTERRUPTED) {
		con_printf("sum: interrupted (Ctrl-C): %s\n", c->argv[1]);
		return;
	}
	vx_sha256_final(&h, d);
	for (int i = 0; i < 32; i++)
		con_printf("%02x", d[i]);
	con_printf("  %s (%lu bytes)\n", c->argv[1], (unsigned long)st.size);
}
