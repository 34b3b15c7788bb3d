/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/posix/fdtab.c against a reference model.  Random operations (open,
 * dup, dup2, dup3, close, F_SETFD, close_range, fork, execve, exit) run on
 * two tables, a parent's and a forked child's, and on a plain model of
 * each: arrays of file numbers.  After every step the tables must equal
 * their models, every call must return what the model says Linux returns,
 * and every file's reference count must equal the number of slots that
 * name it across both tables (the rule of posix/fdtab.h), never dropping
 * below zero or touching a file already gone.  At the end, with both
 * tables closed, every file ever opened must be gone.  Then a few named
 * cases of the semantics the model encodes.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "posix/fdtab.h"
#include "posix/linux.h"

#define NFILES 200000

struct file {
	int id;
	int refs;
};

static struct file files[NFILES];
static int nfiles, alive;

static void ref(void *p)
{
	struct file *f = p;

	assert_true(f->refs > 0); /* a reference is taken only from a live slot */
	f->refs++;
}

static void unref(void *p)
{
	struct file *f = p;

	assert_true(f->refs > 0);
	if (--f->refs == 0)
		alive--;
}

static const struct lx_fdops ops = {ref, unref};

/* A freshly opened file: one reference, the caller's. */
static struct file *open_file(void)
{
	struct file *f = &files[nfiles];

	assert_true(nfiles < NFILES);
	f->id = ++nfiles;
	f->refs = 1;
	alive++;
	return f;
}

struct model {
	int file[LX_FD_MAX]; /* 0: free, else a file's id */
	int cloexec[LX_FD_MAX];
};

static int m_lowest(const struct model *m, int min)
{
	if (min < 0 || min >= LX_FD_MAX)
		return -LX_EINVAL;
	for (int fd = min; fd < LX_FD_MAX; fd++)
		if (!m->file[fd])
			return fd;
	return -LX_EMFILE;
}

static int m_open(const struct model *m, int fd)
{
	return fd >= 0 && fd < LX_FD_MAX && m->file[fd];
}

static struct lx_fdtab tab[2];
static struct model mod[2];
static int forked;	/* tab[1] is in use */
static int emfile_seen; /* how often a table was full */

static void check_state(int step)
{
	static int count[NFILES + 1];

	memset(count, 0, sizeof(int) * (size_t)(nfiles + 1));
	for (int k = 0; k < 2; k++) {
		for (int fd = 0; fd < LX_FD_MAX; fd++) {
			struct file *f = tab[k].file[fd];
			int id = f ? f->id : 0;

			if (id != mod[k].file[fd] || !!tab[k].cloexec[fd] != mod[k].cloexec[fd])
				fail_msg("step %d: table %d fd %d holds %d/%d, the model %d/%d",
					 step, k, fd, id, tab[k].cloexec[fd], mod[k].file[fd],
					 mod[k].cloexec[fd]);
			count[id]++;
		}
	}
	for (int i = 1; i <= nfiles; i++)
		if (files[i - 1].refs != count[i])
			fail_msg("step %d: file %d has %d references, %d slots name it", step, i,
				 files[i - 1].refs, count[i]);
}

/* A descriptor: mostly small (so tables share them), sometimes anything. */
static int pick_fd(unsigned *seed)
{
	int r = rand_r(seed) % 100;

	if (r < 75)
		return rand_r(seed) % 12;
	if (r < 80)
		return -1 - rand_r(seed) % 3;
	return rand_r(seed) % (LX_FD_MAX + 4);
}

/* One random operation on table k (and its model); checks the result. */
static void step(unsigned *seed, int op, int k)
{
	struct lx_fdtab *t = &tab[k];
	struct model *m = &mod[k];
	int a = pick_fd(seed), b = pick_fd(seed), cx = rand_r(seed) & 1, rc, want;

	switch (op) {
	case 0: { /* open: alloc at the lowest >= min (often 0) */
		struct file *f = open_file();
		int min = rand_r(seed) % 3 ? 0 : a;

		want = m_lowest(m, min);
		emfile_seen += want == -LX_EMFILE;
		rc = lx_fd_alloc(t, min, f, cx);
		assert_int_equal(rc, want);
		if (rc >= 0) {
			m->file[rc] = f->id;
			m->cloexec[rc] = cx;
		} else {
			unref(f); /* still ours: the open fails */
		}
		break;
	}
	case 1: /* dup / F_DUPFD */
		want = !m_open(m, a) ? -LX_EBADF : m_lowest(m, b);
		rc = lx_fd_dup(t, &ops, a, b, cx);
		assert_int_equal(rc, want);
		if (rc >= 0) {
			m->file[rc] = m->file[a];
			m->cloexec[rc] = cx;
		}
		break;
	case 2: /* dup2 */
	case 3: /* dup3 */
		if (op == 3 && a == b)
			want = -LX_EINVAL;
		else if (!m_open(m, a) || b < 0 || b >= LX_FD_MAX)
			want = -LX_EBADF;
		else
			want = b;
		rc = op == 2 ? lx_fd_dup2(t, &ops, a, b) : lx_fd_dup3(t, &ops, a, b, cx);
		assert_int_equal(rc, want);
		if (rc >= 0 && a != b) {
			m->file[b] = m->file[a];
			m->cloexec[b] = op == 3 ? cx : 0;
		}
		break;
	case 4: /* close */
		want = m_open(m, a) ? 0 : -LX_EBADF;
		assert_int_equal(lx_fd_close(t, &ops, a), want);
		if (want == 0)
			m->file[a] = m->cloexec[a] = 0;
		break;
	case 5: /* F_SETFD, F_GETFD */
		want = m_open(m, a) ? 0 : -LX_EBADF;
		assert_int_equal(lx_fd_set_cloexec(t, a, cx), want);
		if (want == 0)
			m->cloexec[a] = cx;
		assert_int_equal(lx_fd_get_cloexec(t, a), m_open(m, a) ? m->cloexec[a] : -LX_EBADF);
		assert_ptr_equal(lx_fd_get(t, a),
				 m_open(m, a) ? (void *)&files[m->file[a] - 1] : NULL);
		break;
	case 6: { /* close_range */
		unsigned first = (unsigned)rand_r(seed) % 20, last;

		last = rand_r(seed) % 4 ? first + (unsigned)rand_r(seed) % 30 : ~0u;
		if (rand_r(seed) % 8 == 0)
			last = first - 1; /* first > last (or ~0u when first is 0) */
		want = first > last ? -LX_EINVAL : 0;
		assert_int_equal(lx_fd_close_range(t, &ops, first, last, cx), want);
		for (unsigned fd = first; want == 0 && fd < LX_FD_MAX && fd <= last; fd++) {
			if (!m->file[fd])
				continue;
			if (cx)
				m->cloexec[fd] = 1;
			else
				m->file[fd] = m->cloexec[fd] = 0;
		}
		break;
	}
	case 7: /* fork: table 0 into table 1 */
		if (forked)
			lx_fd_close_all(&tab[1], &ops);
		lx_fd_fork(&tab[1], &tab[0], &ops);
		mod[1] = mod[0];
		forked = 1;
		break;
	case 8: /* execve */
		lx_fd_exec(t, &ops);
		for (int fd = 0; fd < LX_FD_MAX; fd++)
			if (m->file[fd] && m->cloexec[fd])
				m->file[fd] = m->cloexec[fd] = 0;
		break;
	default: /* exit */
		lx_fd_close_all(t, &ops);
		memset(m, 0, sizeof(*m));
		if (k == 1)
			forked = 0;
		break;
	}
}

/* Runs n random steps with the given weights for ops 0..9. */
static void run(unsigned seed, int n, const int w[10])
{
	int total = 0;

	for (int i = 0; i < 10; i++)
		total += w[i];
	for (int s = 0; s < n; s++) {
		int r = rand_r(&seed) % total, op = 0;

		while (r >= w[op])
			r -= w[op++];
		step(&seed, op, forked && (rand_r(&seed) & 1));
		check_state(s);
	}
	lx_fd_close_all(&tab[0], &ops);
	lx_fd_close_all(&tab[1], &ops);
	memset(mod, 0, sizeof(mod));
	forked = 0;
	check_state(n);
	assert_int_equal(alive, 0);
}

static void setup(void)
{
	memset(files, 0, sizeof(files));
	nfiles = alive = 0;
	lx_fd_init(&tab[0]);
	lx_fd_init(&tab[1]);
	memset(mod, 0, sizeof(mod));
	forked = 0;
}

static void test_model_mixed(void **state)
{
	static const int w[10] = {20, 15, 12, 8, 15, 8, 3, 3, 2, 1};

	(void)state;
	for (unsigned seed = 1; seed <= 8; seed++) {
		setup();
		run(seed, 6000, w);
	}
}

/* Mostly opens and dups, so the tables fill up and EMFILE is reached. */
static void test_model_full_tables(void **state)
{
	static const int w[10] = {40, 30, 10, 5, 5, 2, 1, 2, 1, 0};

	(void)state;
	emfile_seen = 0;
	for (unsigned seed = 100; seed < 103; seed++) {
		setup();
		run(seed, 4000, w);
	}
	assert_true(emfile_seen > 100);
}

static void test_semantics(void **state)
{
	struct file *a, *b;

	(void)state;
	setup();
	a = open_file();
	b = open_file();
	assert_int_equal(lx_fd_alloc(&tab[0], 0, a, false), 0);
	assert_int_equal(lx_fd_alloc(&tab[0], 0, b, true), 1);
	/* dup2 onto itself: nothing changes, not even close-on-exec. */
	assert_int_equal(lx_fd_dup2(&tab[0], &ops, 1, 1), 1);
	assert_int_equal(lx_fd_get_cloexec(&tab[0], 1), 1);
	assert_int_equal(b->refs, 1);
	/* dup3 onto itself is an error; onto another fd it sets the flag. */
	assert_int_equal(lx_fd_dup3(&tab[0], &ops, 1, 1, false), -LX_EINVAL);
	assert_int_equal(lx_fd_dup3(&tab[0], &ops, 0, 5, true), 5);
	assert_int_equal(lx_fd_get_cloexec(&tab[0], 5), 1);
	assert_int_equal(a->refs, 2);
	/* dup2 over an open fd drops what it held; the flag is cleared. */
	assert_int_equal(lx_fd_dup2(&tab[0], &ops, 1, 5), 5);
	assert_int_equal(a->refs, 1);
	assert_int_equal(b->refs, 2);
	assert_int_equal(lx_fd_get_cloexec(&tab[0], 5), 0);
	/* Out of range. */
	assert_int_equal(lx_fd_dup2(&tab[0], &ops, 0, LX_FD_MAX), -LX_EBADF);
	assert_int_equal(lx_fd_dup2(&tab[0], &ops, 7, 3), -LX_EBADF);
	assert_int_equal(lx_fd_dup(&tab[0], &ops, 0, LX_FD_MAX, false), -LX_EINVAL);
	assert_int_equal(lx_fd_alloc(&tab[0], -1, a, false), -LX_EINVAL);
	assert_int_equal(lx_fd_alloc(&tab[0], 0, NULL, false), -LX_EINVAL);
	assert_null(lx_fd_get(&tab[0], -1));
	assert_null(lx_fd_get(&tab[0], LX_FD_MAX));
	/* F_DUPFD's minimum. */
	assert_int_equal(lx_fd_dup(&tab[0], &ops, 0, 10, false), 10);
	/* execve closes exactly the close-on-exec ones (fd 1). */
	lx_fd_exec(&tab[0], &ops);
	assert_null(lx_fd_get(&tab[0], 1));
	assert_non_null(lx_fd_get(&tab[0], 0));
	assert_non_null(lx_fd_get(&tab[0], 5));
	assert_int_equal(b->refs, 1);
	lx_fd_close_all(&tab[0], &ops);
	assert_int_equal(alive, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_model_mixed),
	    cmocka_unit_test(test_model_full_tables),
	    cmocka_unit_test(test_semantics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
