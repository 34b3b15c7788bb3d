/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The model-based test of the capability system (tests/support/capmodel.c):
 * the real kernel/core code against a reference model, every invariant
 * checked after every step.  Each test is one fixed seed and a fixed number
 * of steps, so a failure replays exactly; the failing step's message and
 * the operations before it are printed as TAP comments.
 *
 * CM_STEPS (steps per seed), CM_SEED (one seed only) and CM_KNOWN_BUGS
 * (enum cm_bug bits to step around) override the budget for a longer run
 * or for a kernel with known bugs.
 */
#define _POSIX_C_SOURCE 200112L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/capmodel.h"

/* The sanitizer runtime calls this before it exits on a report (a kernel
 * NULL dereference, say): print the trace then too. */
void __sanitizer_set_death_callback(void (*cb)(void));
static struct cm_world *current_world;

static void on_death(void)
{
	if (current_world) {
		printf("# the kernel crashed; the last operations:\n");
		cm_print_trace(current_world, stdout);
		fflush(stdout);
	}
}

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : dflt;
}

/* Runs steps steps of seed seed; fails the test with the model's message. */
static void run(uint64_t seed, uint64_t steps, uint64_t ram)
{
	struct cm_config cfg = {.ram_bytes = ram,
				.known_bugs = (unsigned)env_u64("CM_KNOWN_BUGS", 0)};
	struct cm_world *w = cm_create(&cfg);
	int r = CM_OK;

	assert_non_null(w);
	current_world = w;
	__sanitizer_set_death_callback(on_death);
	seed = env_u64("CM_SEED", seed);
	steps = env_u64("CM_STEPS", steps);
	cm_seed(w, seed);
	for (uint64_t i = 0; i < steps && r == CM_OK; i++)
		r = cm_step(w);
	if (r == CM_OK)
		r = cm_end_epoch(w);
	const struct cm_stats *st = cm_stats(w);
	printf("# seed %llu: %llu steps, %llu calls (%llu ok, %llu refused), %llu epochs, "
	       "%llu objects destroyed, %llu chains, %llu restarts, deepest stack %zu bytes\n",
	       (unsigned long long)seed, (unsigned long long)st->steps,
	       (unsigned long long)st->calls, (unsigned long long)st->ok,
	       (unsigned long long)st->errors, (unsigned long long)st->epochs,
	       (unsigned long long)st->destroyed, (unsigned long long)st->chains,
	       (unsigned long long)st->restarts, st->stack_max);
	if (r != CM_OK) {
		printf("# FAILED: %s\n# the last operations:\n", cm_error(w));
		cm_print_trace(w, stdout);
		fflush(stdout);
	}
	struct cm_stats s = *st;
	current_world = NULL;
	cm_destroy(w);
	assert_int_equal(r, CM_OK);
	/* The run must have exercised the system, not just been refused. */
	assert_true(s.ok > s.steps / 3);
	assert_true(s.epochs >= 1);
}

#define STEPS 40000

static void test_model_seed_1(void **state)
{
	run(1, STEPS, 8u << 20);
}

static void test_model_seed_2(void **state)
{
	run(2, STEPS, 8u << 20);
}

static void test_model_seed_3(void **state)
{
	run(3, STEPS, 8u << 20);
}

/* A small root Reticle: most retypes, splits and maps run out of memory,
 * and the page tables' cost decides many of them. */
static void test_model_small_ram(void **state)
{
	run(4, STEPS, 512u << 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_model_seed_1),
	    cmocka_unit_test(test_model_seed_2),
	    cmocka_unit_test(test_model_seed_3),
	    cmocka_unit_test(test_model_small_ram),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
