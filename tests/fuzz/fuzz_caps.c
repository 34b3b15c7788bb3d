/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the capability system: the input's bytes are the
 * choices of the model engine (tests/support/capmodel.c): which Task acts,
 * which operation, which handles (valid, stale, wrong type, random) and
 * which arguments.  The real kernel/core code runs every call; the model
 * predicts each result and checks every invariant after every step.  Any
 * mismatch, kernel panic or sanitizer report is a crash.
 *
 * make fuzz-caps runs it for ten minutes; make test runs a short smoke.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../support/capmodel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cm_world *world;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int r = CM_OK;

	if (!world) {
		/* Known kernel bugs stepped around: as in test_kcore_model.c. */
		struct cm_config cfg = {.ram_bytes = 1u << 20, .epoch_steps = 400, .known_bugs = 0};
		const char *bugs = getenv("CM_KNOWN_BUGS");
		if (bugs)
			cfg.known_bugs = (unsigned)strtoul(bugs, NULL, 0);
		world = cm_create(&cfg);
		if (!world)
			abort();
	}
	cm_input(world, data, size);
	while (r == CM_OK)
		r = cm_step(world);
	/* Every input ends with the world torn down, so the next starts fresh. */
	if (r == CM_DONE)
		r = cm_end_epoch(world);
	if (r != CM_OK) {
		fprintf(stderr, "capmodel: %s\nthe last operations:\n", cm_error(world));
		cm_print_trace(world, stderr);
		abort();
	}
	return 0;
}
