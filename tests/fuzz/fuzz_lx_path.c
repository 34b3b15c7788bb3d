/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lib/posix/path.h.  The input is a cwd and a path
 * (the first byte says where to split; NULs end each string early).  An
 * accepted join must start with '/', hold no "." or ".." and no empty
 * component, end without '/' unless it is "/", fit, and be a fixed point
 * (joining it again changes nothing); the mount table must hand back a
 * rest inside it, and the VectraOS check must answer one of its three.
 * A path below /proc goes to linuxd's /proc names (pure_proc.h) too: one
 * of its three answers, and a name it accepts is one it would list.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "posix/linux.h"
#include "posix/path.h"
#include "../../services/linuxd/pure_proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

static char cwd_in[LX_PATH_MAX + 2], path_in[2 * LX_PATH_MAX], out[LX_PATH_MAX], again[LX_PATH_MAX];

/* What lxp_parse says of rest, checked against its own tables: a pid or
 * descriptor printed back is the component it came from. */
static void check_proc(const char *rest)
{
	struct lxp_node pn;
	char num[16];
	struct lxp_buf b;
	int e = lxp_parse(rest, &pn);

	CHECK(e == 0 || e == -LX_ENOENT || e == -LX_ENOTDIR);
	if (e)
		return;
	switch (pn.kind) {
	case LXP_ROOT:
		CHECK(rest[0] == 0);
		break;
	case LXP_SELF:
		CHECK(strncmp(rest, "self", 4) == 0 && (rest[4] == 0 || rest[4] == '/'));
		break;
	case LXP_GLOBAL:
		CHECK(pn.which < LXG_N && strcmp(rest, lxp_global_name[pn.which]) == 0);
		break;
	case LXP_PID:
	case LXP_PID_FILE:
	case LXP_FD:
		CHECK(pn.pid >= 0);
		lxp_init(&b, num, sizeof(num) - 1);
		lxp_i64(&b, pn.pid);
		num[b.len] = 0;
		CHECK(strncmp(rest, num, b.len) == 0);
		CHECK(rest[b.len] == (pn.kind == LXP_PID ? 0 : '/'));
		if (pn.kind == LXP_PID_FILE)
			CHECK(pn.which < LXF_N &&
			      strcmp(rest + b.len + 1, lxp_pidfile_name[pn.which]) == 0);
		if (pn.kind == LXP_FD)
			CHECK(pn.fd >= 0 && strncmp(rest + b.len, "/fd/", 4) == 0);
		break;
	default:
		CHECK(0);
	}
}

static void check_normal(const char *p, int n)
{
	CHECK(n >= 1 && (size_t)n == strlen(p) && (size_t)n < LX_PATH_MAX);
	CHECK(p[0] == '/');
	CHECK(n == 1 || p[n - 1] != '/');
	for (int i = 0; i < n; i++) {
		size_t k;

		if (p[i] != '/')
			continue;
		CHECK(i + 1 == n ? n == 1 : p[i + 1] != '/');
		k = strcspn(p + i + 1, "/");
		CHECK(k <= LX_NAME_MAX);
		CHECK(!(k == 1 && p[i + 1] == '.'));
		CHECK(!(k == 2 && p[i + 1] == '.' && p[i + 2] == '.'));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct lx_mount m[] = {{"/", 0}, {"/bin", 1}, {"/tmp", 2}, {"/tmp/x", 3}};
	size_t split, clen, plen;
	const char *rest;
	int n, k, v;

	if (size == 0)
		return 0;
	split = data[0] % (size < 250 ? size : 250);
	clen = split < sizeof(cwd_in) - 2 ? split : sizeof(cwd_in) - 2;
	cwd_in[0] = '/';
	memcpy(cwd_in + 1, data + 1, clen);
	cwd_in[1 + clen] = '\0';
	plen = size - 1 - split < sizeof(path_in) - 1 ? size - 1 - split : sizeof(path_in) - 1;
	memcpy(path_in, data + 1 + split, plen);
	path_in[plen] = '\0';

	n = lx_path_join(cwd_in, path_in, out, sizeof(out));
	if (n < 0) {
		CHECK(n == -LX_ENOENT || n == -LX_ENAMETOOLONG);
		CHECK(out[0] == '\0');
		return 0;
	}
	check_normal(out, n);
	CHECK(lx_path_join("/", out, again, sizeof(again)) == n && strcmp(out, again) == 0);
	CHECK(lx_path_join(NULL, out, again, sizeof(again)) == n);
	k = lx_path_mount(m, 4, out, &rest);
	CHECK(k >= 0 && k < 4 && rest >= out && rest <= out + n);
	CHECK(rest == out + n || rest[-1] == '/');
	CHECK(strncmp(out, m[k].prefix, strlen(m[k].prefix)) == 0);
	v = lx_path_vx_check(rest);
	CHECK(v == 0 || v == -LX_ENOENT || v == -LX_ENAMETOOLONG);
	if (strcmp(out, "/proc") == 0 || strncmp(out, "/proc/", 6) == 0)
		check_proc(out[5] ? out + 6 : out + 5);
	return 0;
}
