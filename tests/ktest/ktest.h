/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ktest harness, shared by its files: main.c (the suite and the
 * original hostile-input tests), hardening.c (one regression test per
 * finding of the kernel audit), rights.c (the rights table of
 * docs/ABI.md, row by row), supervision.c (the claims of
 * include/vectra/proto/init.h about supervision), fastpath.c (the
 * call/reply fastpath gives the ordinary path's answers) and smp.c (the
 * same objects used from several CPUs at once).
 *
 * Every test runs inside its own child Reticle R split from ram0 and
 * deleted at the end; run() checks that ram0's free bytes afterwards equal
 * those before.
 */
#ifndef TESTS_KTEST_KTEST_H
#define TESTS_KTEST_KTEST_H

#include <stdbool.h>
#include "rt/vx.h"
#include "rt/spawn.h"
#include "vx_string.h"

#define SIG_CHILD      (1ull << 1)
#define SIG_TEST       (1ull << 2)
#define SCRATCH_VA     0x10000000ull
#define TEST_RET_BYTES (4ull << 20)
#define MS	       1000000ull
/* How long a test waits for a child's stop or exit: a bound on a hang,
 * not a timing (four vCPUs on a loaded two-core host once took over 2 s
 * to run a child to its first fault). */
#define CHILD_WAIT (30000 * MS)

extern const struct vx_bundle_page *boot;
extern vx_handle_t self, ram0, io, irqs, devmem, msi, pci;
extern bool has_iommu;	      /* booted with an IOMMU (devices.c finds out) */
extern vx_handle_t child_sig; /* raises SIG_CHILD in ktest */
extern const void *bootimg;
extern size_t bootimg_len;
extern vx_handle_t R; /* the current test's Reticle */
extern int failures_in_test;
extern bool icount; /* booted under -icount: guest time is deterministic */

#define EXPECT(cond)                                                                               \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			vx_printf("#   failed: %s (line %d)\n", #cond, __LINE__);                  \
			failures_in_test++;                                                        \
		}                                                                                  \
	} while (0)
#define EXPECT_EQ(a, b)                                                                            \
	do {                                                                                       \
		int64_t a_ = (int64_t)(a), b_ = (int64_t)(b);                                      \
		if (a_ != b_) {                                                                    \
			vx_printf("#   failed: %s == %s (%ld != %ld, line %d)\n", #a, #b,          \
				  (long)a_, (long)b_, __LINE__);                                   \
			failures_in_test++;                                                        \
		}                                                                                  \
	} while (0)

/* The CPUs online (CLOCK's idle counters: one per CPU). */
unsigned cpus_online(void);
/* Runs one named test in a fresh Reticle R and prints its TAP line. */
void run(const char *name, void (*fn)(void));
/* r as a handle; a negative r fails the test (setup error). */
vx_handle_t must(int64_t r, int line);
#define MUST(x) must((x), __LINE__)
/* Spawns the victim with args into R, supervised through SIG_CHILD; an
 * extra Reticle, if given, is its "ret". */
vx_handle_t spawn_victim(const char *args, vx_handle_t extra_ret);
/* The two halves of a spawn: build it (false and a failed test if it cannot),
 * then start it supervised through SIG_CHILD (returns its Task). */
bool load_victim(const char *args, struct vx_spawn *sp);
vx_handle_t start_victim(struct vx_spawn *sp);
/* The same with extra Bundle entries names[i] = handles[i] (rights[i]) and
 * priority prio (0: leave it). */
vx_handle_t spawn_with(const char *args, unsigned n, const char *const names[],
		       const vx_handle_t handles[], const uint32_t rights[], uint32_t prio);

/* Lets the child run (it is below ktest's priority, so ktest must block,
 * on a bit nobody raises) until t has stopped, without taking SIG_CHILD;
 * false if it has not after 2000 looks (supervision.c). */
bool until_stopped(vx_handle_t t, struct vx_task_info *ti);

/* Waits for the child t to exit and returns its exit code (-1: it did not). */
int64_t exit_code(vx_handle_t t);

/* The victim "echo" and ktest's ends of its two Rings (fastpath.c). */
struct echo_pair {
	vx_handle_t req, rep, out, task;
	struct vx_ring to, from;
	volatile uint64_t *log; /* n, then the characters the victims noted */
};
#define ECHO_REP_BIT 3
/* Starts echo at priority prio with affinity its (ktest's own becomes mine);
 * returns once echo waits for its first request. */
bool echo_start_on(struct echo_pair *e, uint32_t prio, uint64_t mine, uint64_t its);
void echo_send(struct echo_pair *e, uint64_t word);
void echo_stop(struct echo_pair *e); /* also sets ktest's affinity back to any */

/* hunt3.c: waits for child t's stop (SIG_CHILD) and returns its record in
 * ti (false: none came); hunt5.c shares it. */
bool wait_stop(vx_handle_t t, struct vx_task_info *ti);

/* hardening.c, rights.c, supervision.c, fastpath.c, smp.c, edges.c, hunt3.c, hunt4.c,
 * hunt5.c, hunt6.c, hunt7.c, hunt8.c, hunt9.c */
void ktest_hardening(void);
void ktest_rights(void);
void ktest_devices_probe(void);
void ktest_devices(void);
void ktest_supervision(void);
void ktest_fastpath(void);
void ktest_foreign(void);
void ktest_smp(bool stress);
void ktest_edges(void);
void ktest_hunt3(void);
void ktest_hunt4(void);
void ktest_hunt5(void);
void ktest_hunt6(void);
void ktest_hunt7(void);
void ktest_hunt8(void);
void ktest_hunt9(void);

#endif
