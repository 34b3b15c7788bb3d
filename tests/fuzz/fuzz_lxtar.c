/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for linuxd's root archive index (services/linuxd/
 * pure_tar.h): any bytes as an archive.
 *
 * Invariants: the index answers VX_OK, VX_E_CORRUPT or VX_E_FULL only; on
 * VX_OK every entry's path is absolute and normalised (no "." or ".."
 * component, no "//", no trailing "/"), its parent is a directory whose
 * path is its own minus the last component, a file's bytes lie inside the
 * archive, and tar_find finds every entry by its path, through the hash
 * table and without it alike.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectra/abi.h"
#include "../../services/linuxd/pure_tar.h"

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_lxtar: %s\n", #c);                                   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static struct tar_ent ents[64];
static char arena[4096];
static uint32_t buckets[16];

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	struct tar_index ix = {.ent = ents,
			       .max = 64,
			       .arena = arena,
			       .cap = sizeof(arena),
			       .hash = buckets,
			       .nhash = 16};
	int rc = tar_index_build(&ix, in, n);

	CHECK(rc == VX_OK || rc == VX_E_CORRUPT || rc == VX_E_FULL);
	if (rc != VX_OK)
		return 0;
	CHECK(ix.n >= 1 && strcmp(tar_path(&ix, 0), "/") == 0);
	for (uint32_t i = 0; i < ix.n; i++) {
		const char *p = tar_path(&ix, i);
		size_t len = strlen(p);
		CHECK(p[0] == '/');
		CHECK(i == 0 || p[len - 1] != '/');
		CHECK(strstr(p, "//") == NULL && strstr(p, "/./") == NULL &&
		      strstr(p, "/../") == NULL);
		CHECK(len < 2 || strcmp(p + len - 2, "/.") != 0);
		CHECK(len < 3 || strcmp(p + len - 3, "/..") != 0);
		CHECK(tar_find(&ix, p) == i);
		struct tar_index linear = ix;
		linear.hash = NULL;
		CHECK(tar_find(&linear, p) == i);
		if (i == 0)
			continue;
		uint32_t par = ix.ent[i].parent;
		CHECK(par < ix.n && ix.ent[par].kind == TAR_DIR);
		const char *pp = tar_path(&ix, par);
		size_t pl = strlen(pp);
		CHECK(strncmp(p, pp, pl) == 0);
		CHECK(strchr(p + (pl == 1 ? 1 : pl + 1), '/') == NULL);
		if (ix.ent[i].kind == TAR_FILE)
			CHECK(ix.ent[i].off <= n && ix.ent[i].size <= n - ix.ent[i].off);
	}
	return 0;
}
