/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The reply decision of every service loop (vx_svc_dispatch, lib/rt/svc_msg.c):
 * a request is answered unless its handler explicitly defers it, whatever
 * its op, 0xffffffff (once the runtime's "deferred" marker) included.  And
 * vfsd's decoder answers unknown ops VX_E_NOSYS whatever the message holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rt/svc.h"
#include "../../services/vfsd/pure_fs.h"

static uint32_t calls;

/* A handler that knows no op: answers VX_E_NOSYS, leaving op untouched. */
static enum vx_svc_disp unknown_op(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
				   void *ctx)
{
	(void)s;
	(void)c;
	(void)ctx;
	calls++;
	m->status = VX_E_NOSYS;
	m->len = 0;
	return VX_SVC_REPLY;
}

/* A handler that scribbles over op and seq, then answers. */
static enum vx_svc_disp scribbler(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
				  void *ctx)
{
	(void)s;
	(void)c;
	(void)ctx;
	calls++;
	m->op = 0xffffffffu;
	m->seq = 0;
	m->len = 1;
	return VX_SVC_REPLY;
}

static enum vx_svc_disp deferrer(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
				 void *ctx)
{
	(void)s;
	(void)c;
	(void)ctx;
	(void)m;
	calls++;
	return VX_SVC_DEFER;
}

static struct vx_msg msg(uint32_t op, uint32_t seq)
{
	struct vx_msg m;

	memset(&m, 0, sizeof(m));
	m.op = op;
	m.seq = seq;
	m.status = 12345;
	return m;
}

/* Finding 7b: op 0xffffffff gets its reply, like every other unknown op. */
static void test_svc_op_ffffffff_answered(void **state)
{
	const uint32_t ops[] = {0xffffffffu, 0, 0x7fffffffu, 0x80000000u, 13, 0xfffffffeu};

	(void)state;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct vx_msg m = msg(ops[i], 77 + (uint32_t)i);
		calls = 0;
		assert_true(vx_svc_dispatch(NULL, NULL, &m, unknown_op, NULL));
		assert_int_equal(calls, 1);
		assert_int_equal(m.status, VX_E_NOSYS);
		assert_int_equal(m.op, ops[i]);
		assert_int_equal(m.seq, 77 + i);
	}
}

/* The reply carries the request's op and seq whatever the handler wrote. */
static void test_svc_reply_keeps_op_seq(void **state)
{
	struct vx_msg m = msg(5, 9);

	(void)state;
	assert_true(vx_svc_dispatch(NULL, NULL, &m, scribbler, NULL));
	assert_int_equal(m.op, 5);
	assert_int_equal(m.seq, 9);
	assert_int_equal(m.status, VX_OK); /* preset before the handler */
	assert_int_equal(m.len, 1);
}

/* Only an explicit VX_SVC_DEFER holds the reply back. */
static void test_svc_defer_explicit(void **state)
{
	struct vx_msg m = msg(0xffffffffu, 3);

	(void)state;
	calls = 0;
	assert_false(vx_svc_dispatch(NULL, NULL, &m, deferrer, NULL));
	assert_int_equal(calls, 1);
}

/* An overlong len is answered VX_E_INVAL without reaching the handler. */
static void test_svc_overlong_len(void **state)
{
	struct vx_msg m = msg(0xffffffffu, 4);

	(void)state;
	m.len = VX_MSG_DATA + 1;
	m.ncaps = 3;
	calls = 0;
	assert_true(vx_svc_dispatch(NULL, NULL, &m, deferrer, NULL));
	assert_int_equal(calls, 0);
	assert_int_equal(m.status, VX_E_INVAL);
	assert_int_equal(m.len, 0);
	assert_int_equal(m.ncaps, 0);
	assert_int_equal(m.seq, 4);
}

/* Finding 1 at a server's port: an end revoked before it arrived still
 * consumes its slot, so the pairs after it stay (req, rep); stopping at the
 * first error (as accept once did) took a rep for the next pair's req. */
static void test_svc_pairs_survive_revoked_ends(void **state)
{
	static struct vx_server s;
	const int64_t in[] = {0x101, VX_E_REVOKED, VX_E_REVOKED, 0x202, 0x303,
			      0x404, VX_E_REVOKED, VX_E_REVOKED, 0x505, 0x606};
	const int64_t want[][2] = {{0x101, VX_E_REVOKED},
				   {VX_E_REVOKED, 0x202},
				   {0x303, 0x404},
				   {VX_E_REVOKED, VX_E_REVOKED},
				   {0x505, 0x606}};
	uint32_t pairs = 0;
	int64_t req, rep;

	(void)state;
	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		bool done = vx_svc_pair(&s, in[i], &req, &rep);
		assert_int_equal(done, i % 2 == 1);
		if (!done)
			continue;
		assert_int_equal(req, want[pairs][0]);
		assert_int_equal(rep, want[pairs][1]);
		pairs++;
	}
	assert_int_equal(pairs, 5);
	/* A req whose rep has not come yet waits for it. */
	assert_false(vx_svc_pair(&s, 0x707, &req, &rep));
	assert_true(vx_svc_pair(&s, 0x808, &req, &rep));
	assert_int_equal(req, 0x707);
	assert_int_equal(rep, 0x808);
}

static int no_get(void *ctx, uint32_t pages, struct fs_backing *out)
{
	(void)ctx;
	(void)pages;
	(void)out;
	return VX_E_FULL;
}

static void no_put(void *ctx, const struct fs_backing *b)
{
	(void)ctx;
	(void)b;
}

static struct fs fs;

/* vfsd answers every op outside vectra/proto/fs.h VX_E_NOSYS, even with a
 * malformed body (the op is judged first). */
static void test_vfs_unknown_ops_nosys(void **state)
{
	const uint32_t ops[] = {0xffffffffu, 0, FS_READ_INTO + 1, 0x80000000u};
	struct fs_store st = {.get = no_get, .put = no_put, .changed = no_put};
	struct fs_backing v;

	(void)state;
	fs_init(&fs, &st);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		for (uint16_t len = 0; len <= VX_MSG_DATA; len += VX_MSG_DATA) {
			struct vx_msg m = msg(ops[i], 1);
			memset(m.data, 0xee, sizeof(m.data));
			m.len = len;
			fs_serve(&fs, &m, &v);
			assert_int_equal(m.status, VX_E_NOSYS);
			assert_int_equal(m.len, 0);
			assert_int_equal(v.pages, 0);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_svc_op_ffffffff_answered),
	    cmocka_unit_test(test_svc_reply_keeps_op_seq),
	    cmocka_unit_test(test_svc_defer_explicit),
	    cmocka_unit_test(test_svc_overlong_len),
	    cmocka_unit_test(test_svc_pairs_survive_revoked_ends),
	    cmocka_unit_test(test_vfs_unknown_ops_nosys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
