/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mkbootimg: pack files into a VectraOS boot image (vectra/bootimg.h).
 *
 *   mkbootimg OUT NAME=FILE ...     store FILE under NAME
 *   mkbootimg OUT FILE ...          store FILE under its basename
 *
 * Names must be 1..47 bytes and unique.  The layout is lib/rt's
 * vx_bootimg_build, and the result is re-read with vx_bootimg_check before
 * it is written, so a successful run always leaves a valid image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt/bootimg.h"

/* Reads a whole file into a fresh buffer; exits on failure. */
static void *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	long n;
	void *buf;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "mkbootimg: cannot read %s\n", path);
		exit(1);
	}
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "mkbootimg: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* Splits "NAME=FILE" (or "FILE") into the stored name and the path. */
static void parse_arg(char *arg, const char **name, const char **path)
{
	char *eq = strchr(arg, '=');
	const char *slash;

	if (eq) {
		*eq = '\0';
		*name = arg;
		*path = eq + 1;
		return;
	}
	*path = arg;
	slash = strrchr(arg, '/');
	*name = slash ? slash + 1 : arg;
}

/* Writes len bytes to path; exits on failure. */
static void spill(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "mkbootimg: cannot write %s\n", path);
		exit(1);
	}
}

/* Builds and checks the image of the n files; NULL (after a message) on failure. */
static void *pack(const struct vx_bootimg_file *files, uint32_t n, size_t *total)
{
	void *img;

	*total = vx_bootimg_size(files, n);
	if (*total == 0) {
		fprintf(stderr, "mkbootimg: bad file list (names must be 1..%u bytes and unique)\n",
			VX_BOOTIMG_NAME_MAX - 1);
		return NULL;
	}
	img = malloc(*total);
	if (!img || vx_bootimg_build(img, *total, files, n) != (int64_t)*total ||
	    vx_bootimg_check(img, *total) != VX_OK) {
		fprintf(stderr, "mkbootimg: cannot build the image\n");
		free(img);
		return NULL;
	}
	return img;
}

int main(int argc, char **argv)
{
	struct vx_bootimg_file files[VX_BOOTIMG_MAX_FILES];
	uint32_t n = (uint32_t)(argc - 2);
	size_t total;
	void *img;

	if (argc < 2 || argc - 2 > (int)VX_BOOTIMG_MAX_FILES) {
		fprintf(stderr, "usage: mkbootimg OUT [NAME=]FILE ...  (at most %u files)\n",
			VX_BOOTIMG_MAX_FILES);
		return 2;
	}
	for (uint32_t i = 0; i < n; i++) {
		const char *path;

		parse_arg(argv[i + 2], &files[i].name, &path);
		files[i].data = slurp(path, &files[i].size);
	}
	img = pack(files, n, &total);
	for (uint32_t i = 0; i < n; i++)
		free((void *)files[i].data);
	if (!img)
		return 1;
	spill(argv[1], img, total);
	free(img);
	return 0;
}
