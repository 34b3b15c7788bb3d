/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/posix/elf.c: Linux programs' ELF files as load plans.
 *
 * First the real thing: Debian's busybox (static ET_EXEC), make and tcc
 * (PIE, with PT_INTERP), ld-linux-x86-64.so.2 (ET_DYN without one) and
 * libc.so.6 parse to what `readelf -hlW` says of them; then every ELF
 * file in /usr/bin and /usr/sbin does (and /usr/lib/x86_64-linux-gnu's
 * with LX_ELF_SWEEP_LIBS=1 in the environment: all 2,304 agreed on
 * 2026-12-01), which is the differential test against binutils.  Then one named test per
 * rule of posix/elf.h, each breaking exactly one rule of a valid
 * hand-built image (a PIE: PT_PHDR, PT_INTERP, three PT_LOADs,
 * PT_GNU_STACK).  Every image is read from a heap buffer of its exact
 * size, so ASan sees any read past it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "posix/elf.h"
#include "posix/linux.h"

/* ---- real files, and readelf's view of them ---- */

/* The whole file in a buffer of its exact size, or NULL (*len 0). */
static uint8_t *slurp(const char *path, size_t *len, size_t max)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	struct stat st;

	*len = 0;
	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (size_t)st.st_size <= max) {
		buf = malloc((size_t)st.st_size);
		if (buf && fread(buf, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
			*len = (size_t)st.st_size;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

struct ref {
	int type;
	uint64_t entry;
	unsigned nloads;
	struct lx_seg load[64];
	char interp[LX_INTERP_MAX + 64];
	bool gnu_stack_x;
};

/* `readelf -hlW path`, read into *r: the type, entry, non-empty LOADs and
 * interpreter.  False if readelf is missing or says nothing. */
static bool readelf(const char *path, struct ref *r)
{
	char cmd[4200], line[1024];
	FILE *p;
	bool any = false;

	memset(r, 0, sizeof(*r));
	snprintf(cmd, sizeof(cmd), "readelf -hlW '%s' 2>/dev/null", path);
	p = popen(cmd, "r");
	if (!p)
		return false;
	while (fgets(line, sizeof(line), p)) {
		unsigned long long off, va, pa, fsz, msz;
		char *s = line + strspn(line, " ");

		if (strncmp(s, "Type:", 5) == 0) {
			r->type = strstr(s, "EXEC") ? LX_ET_EXEC : strstr(s, "DYN") ? LX_ET_DYN : 0;
			any = true;
		} else if (sscanf(s, "Entry point address: %llx", &off) == 1) {
			r->entry = off;
		} else if (sscanf(s, "LOAD 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx", &off, &va, &pa,
				  &fsz, &msz) == 5) {
			/* The flags sit between the sizes and the alignment. */
			char *fl = strstr(s, "0x");

			for (int k = 0; k < 5 && fl; k++)
				fl = strstr(fl + 2, "0x");
			if (msz == 0 || r->nloads == 64)
				continue;
			r->load[r->nloads++] = (struct lx_seg){
			    .offset = off,
			    .vaddr = va,
			    .filesz = fsz,
			    .memsz = msz,
			    .prot = (memchr(s, 'R', (size_t)(fl - s)) ? VX_PROT_READ : 0) |
				    (memchr(s, 'W', (size_t)(fl - s)) ? VX_PROT_WRITE : 0) |
				    (memchr(s, 'E', (size_t)(fl - s)) ? VX_PROT_EXEC : 0),
			};
		} else if (strncmp(s, "GNU_STACK", 9) == 0) {
			char *fl = strstr(s, "0x");

			for (int k = 0; k < 5 && fl; k++)
				fl = strstr(fl + 2, "0x");
			r->gnu_stack_x = fl && memchr(s, 'E', (size_t)(fl - s)) != NULL;
		} else if (sscanf(s, "[Requesting program interpreter: %319[^]]]", r->interp) ==
			   1) {
		}
	}
	pclose(p);
	return any;
}

/* Our plan of file[0..len) against readelf's reference; a message on a
 * difference, NULL if they agree. */
static const char *compare(const struct lx_elf *e, const struct ref *r)
{
	if (e->type != r->type)
		return "type";
	if (e->entry != r->entry)
		return "entry";
	if (e->nsegs != r->nloads)
		return "number of loaded segments";
	for (unsigned i = 0; i < e->nsegs; i++) {
		const struct lx_seg *a = &e->seg[i], *b = &r->load[i];

		if (a->vaddr != b->vaddr || a->offset != b->offset || a->filesz != b->filesz ||
		    a->memsz != b->memsz || a->prot != b->prot)
			return "a segment";
	}
	if (strcmp(e->interp, r->interp) != 0)
		return "interpreter";
	if (e->exec_stack != r->gnu_stack_x)
		return "stack";
	return NULL;
}

/* Parses path and compares it with readelf; returns our plan in *e. */
static void check_real(const char *path, struct lx_elf *e)
{
	size_t len;
	uint8_t *f = slurp(path, &len, 1u << 30);
	struct ref r;
	const char *diff;

	if (!f)
		fail_msg("%s is missing: run scripts/install-deps.sh (busybox-static, make, tcc)",
			 path);
	assert_int_equal(lx_elf_parse(f, len, e), 0);
	assert_true(readelf(path, &r));
	diff = compare(e, &r);
	if (diff)
		fail_msg("%s: %s differs from readelf's", path, diff);
	free(f);
}

static void test_busybox_static(void **state)
{
	struct lx_elf e;

	(void)state;
	check_real("/bin/busybox", &e);
	assert_int_equal(e.type, LX_ET_EXEC);
	assert_string_equal(e.interp, "");
	assert_true(e.lo >= VX_USER_MIN && e.hi <= VX_MAP_END);
	assert_int_equal(e.phentsize, 56);
	/* No PT_PHDR: the first segment maps the table at 0x400000 + e_phoff. */
	assert_int_equal(e.phdr_vaddr, e.seg[0].vaddr + e.phoff);
	assert_false(e.exec_stack);
}

static void test_make_pie(void **state)
{
	struct lx_elf e;

	(void)state;
	check_real("/usr/bin/make", &e);
	assert_int_equal(e.type, LX_ET_DYN);
	assert_string_equal(e.interp, "/lib64/ld-linux-x86-64.so.2");
	assert_int_equal(e.lo, 0);
	assert_int_equal(e.phdr_vaddr, 0x40); /* PT_PHDR */
}

static void test_tcc_pie(void **state)
{
	struct lx_elf e;

	(void)state;
	check_real("/usr/bin/tcc", &e);
	assert_int_equal(e.type, LX_ET_DYN);
	assert_string_equal(e.interp, "/lib64/ld-linux-x86-64.so.2");
}

static void test_ld_so(void **state)
{
	struct lx_elf e;

	(void)state;
	check_real("/lib64/ld-linux-x86-64.so.2", &e);
	assert_int_equal(e.type, LX_ET_DYN);
	assert_string_equal(e.interp, "");
	assert_int_equal(e.phdr_vaddr, e.phoff); /* held by the first segment at 0 */
}

static void test_libc_so(void **state)
{
	struct lx_elf e;

	(void)state;
	check_real("/lib/x86_64-linux-gnu/libc.so.6", &e);
	assert_int_equal(e.type, LX_ET_DYN);
}

/* Whether readelf's view has the entry inside an executable segment. */
static bool runnable(const struct ref *r)
{
	for (unsigned i = 0; i < r->nloads; i++)
		if ((r->load[i].prot & VX_PROT_EXEC) && r->entry >= r->load[i].vaddr &&
		    r->entry - r->load[i].vaddr < r->load[i].memsz)
			return true;
	return false;
}

/* Every ELF64 x86_64 executable or shared object in dir, against readelf:
 * a program must parse to what readelf says, a library without an entry
 * point must be refused. */
static void sweep(const char *dir, unsigned *files, unsigned *bad)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char path[4096];
		size_t len;
		uint8_t *f;
		struct lx_elf e;
		struct ref r;
		const char *diff = NULL;
		int rc;

		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = slurp(path, &len, 8u << 20); /* the big ones add time, not cases */
		if (!f)
			continue;
		if (len < 20 || memcmp(f, "\177ELF\2\1\1", 7) != 0 || f[18] != LX_EM_X86_64 ||
		    (f[16] != LX_ET_EXEC && f[16] != LX_ET_DYN)) {
			free(f);
			continue;
		}
		rc = lx_elf_parse(f, len, &e);
		free(f);
		if (!readelf(path, &r))
			continue;
		(*files)++;
		if (!runnable(&r)) {
			/* A library with no entry point: not a program. */
			if (rc != -LX_ENOEXEC)
				diff = "accepted with its entry outside every executable segment";
		} else if (rc == 0) {
			diff = compare(&e, &r);
		} else {
			diff = "refused";
		}
		if (diff) {
			print_message("# %s: %s (rc %d)\n", path, diff, rc);
			(*bad)++;
		}
	}
	closedir(d);
}

static void test_sweep_host_binaries(void **state)
{
	unsigned files = 0, bad = 0;

	(void)state;
	sweep("/usr/bin", &files, &bad);
	sweep("/usr/sbin", &files, &bad);
	if (getenv("LX_ELF_SWEEP_LIBS")) /* some 1,300 more files; ten seconds */
		sweep("/usr/lib/x86_64-linux-gnu", &files, &bad);
	print_message("# %u ELF files compared with readelf\n", files);
	assert_true(files >= 100);
	if (bad)
		fail_msg("%u of %u files differ from readelf", bad, files);
}

/* ---- hand-built images ---- */

#define IMG_LEN 0x2100u
#define MAXPH	20
#define INTERP	"/lib64/ld-linux-x86-64.so.2"

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

struct img {
	uint8_t ident[16];
	uint16_t type, machine, phentsize, phnum;
	uint32_t version;
	uint64_t entry, phoff;
	struct phdr ph[MAXPH];
	size_t len;
	const char *interp; /* written at 0x200 */
	size_t interp_len;  /* bytes written, with the NUL if any */
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* A PIE: R [0, 0x300) with the headers and the interpreter's path, RX
 * 0x1000 (file 0x1000), RW 0x3000 (file 0x2000, bss to 0x5000). */
static struct img valid(void)
{
	struct img m;

	memset(&m, 0, sizeof(m));
	memcpy(m.ident, "\177ELF\2\1\1", 7);
	m.type = LX_ET_DYN;
	m.machine = LX_EM_X86_64;
	m.version = 1;
	m.entry = 0x1010;
	m.phoff = 64;
	m.phentsize = 56;
	m.phnum = 6;
	m.ph[0] = (struct phdr){LX_PT_PHDR, LX_PF_R, 64, 64, 6 * 56, 6 * 56};
	m.ph[1] =
	    (struct phdr){LX_PT_INTERP, LX_PF_R, 0x200, 0x200, sizeof(INTERP), sizeof(INTERP)};
	m.ph[2] = (struct phdr){LX_PT_LOAD, LX_PF_R, 0, 0, 0x300, 0x300};
	m.ph[3] = (struct phdr){LX_PT_LOAD, LX_PF_R | LX_PF_X, 0x1000, 0x1000, 0x800, 0x800};
	m.ph[4] = (struct phdr){LX_PT_LOAD, LX_PF_R | LX_PF_W, 0x2000, 0x3000, 0x100, 0x2000};
	m.ph[5] = (struct phdr){LX_PT_GNU_STACK, LX_PF_R | LX_PF_W, 0, 0, 0, 0};
	m.len = IMG_LEN;
	m.interp = INTERP;
	m.interp_len = sizeof(INTERP);
	return m;
}

/* The same as a static ET_EXEC at 0x400000, no PT_PHDR or PT_INTERP. */
static struct img valid_exec(void)
{
	struct img m = valid();

	m.type = LX_ET_EXEC;
	m.entry = 0x401010;
	m.phnum = 4;
	m.ph[0] = (struct phdr){LX_PT_LOAD, LX_PF_R, 0, 0x400000, 0x300, 0x300};
	m.ph[1] = (struct phdr){LX_PT_LOAD, LX_PF_R | LX_PF_X, 0x1000, 0x401000, 0x800, 0x800};
	m.ph[2] = (struct phdr){LX_PT_LOAD, LX_PF_R | LX_PF_W, 0x2000, 0x403000, 0x100, 0x2000};
	m.ph[3] = (struct phdr){LX_PT_GNU_STACK, LX_PF_R | LX_PF_W, 0, 0, 0, 0};
	memset(&m.ph[4], 0, sizeof(m.ph) - 4 * sizeof(m.ph[0]));
	m.interp = NULL;
	return m;
}

/* Serialises m into a fresh buffer of exactly m->len bytes (the parts that fit). */
static uint8_t *emit(const struct img *m)
{
	uint8_t *b = calloc(1, m->len ? m->len : 1);
	uint8_t h[64] = {0};

	assert_non_null(b);
	memcpy(h, m->ident, 16);
	put16(h + 16, m->type);
	put16(h + 18, m->machine);
	put32(h + 20, m->version);
	put64(h + 24, m->entry);
	put64(h + 32, m->phoff);
	put16(h + 52, 64);
	put16(h + 54, m->phentsize);
	put16(h + 56, m->phnum);
	memcpy(b, h, m->len < 64 ? m->len : 64);
	for (unsigned i = 0; i < m->phnum && i < MAXPH; i++) {
		uint8_t p[56] = {0};
		uint64_t at = m->phoff + (uint64_t)i * 56;

		put32(p, m->ph[i].type);
		put32(p + 4, m->ph[i].flags);
		put64(p + 8, m->ph[i].offset);
		put64(p + 16, m->ph[i].vaddr);
		put64(p + 24, m->ph[i].vaddr);
		put64(p + 32, m->ph[i].filesz);
		put64(p + 40, m->ph[i].memsz);
		put64(p + 48, 0x1000);
		if (at < m->len && 56 <= m->len - at)
			memcpy(b + at, p, 56);
	}
	if (m->interp && 0x200 + m->interp_len <= m->len)
		memcpy(b + 0x200, m->interp, m->interp_len);
	return b;
}

/* Parses m; on error also checks *out was zeroed. */
static int parse_img(const struct img *m, struct lx_elf *e)
{
	uint8_t *b = emit(m);
	int rc = lx_elf_parse(b, m->len, e);

	if (rc != 0) {
		static const struct lx_elf zero;

		assert_memory_equal(e, &zero, sizeof(zero));
	}
	free(b);
	return rc;
}

static int rc_of(const struct img *m)
{
	struct lx_elf e;

	return parse_img(m, &e);
}

static void test_valid_pie(void **state)
{
	struct img m = valid();
	struct lx_elf e;

	(void)state;
	assert_int_equal(parse_img(&m, &e), 0);
	assert_int_equal(e.type, LX_ET_DYN);
	assert_int_equal(e.entry, 0x1010);
	assert_int_equal(e.phnum, 6);
	assert_int_equal(e.phentsize, 56);
	assert_int_equal(e.phoff, 64);
	assert_int_equal(e.phdr_vaddr, 64);
	assert_int_equal(e.nsegs, 3);
	assert_int_equal(e.lo, 0);
	assert_int_equal(e.hi, 0x5000);
	assert_string_equal(e.interp, INTERP);
	assert_false(e.exec_stack);
	assert_int_equal(e.seg[0].prot, VX_PROT_READ);
	assert_int_equal(e.seg[1].prot, VX_PROT_READ | VX_PROT_EXEC);
	assert_int_equal(e.seg[2].prot, VX_PROT_READ | VX_PROT_WRITE);
	assert_int_equal(e.seg[2].vaddr, 0x3000);
	assert_int_equal(e.seg[2].offset, 0x2000);
	assert_int_equal(e.seg[2].filesz, 0x100);
	assert_int_equal(e.seg[2].memsz, 0x2000);
}

static void test_valid_static_exec(void **state)
{
	struct img m = valid_exec();
	struct lx_elf e;

	(void)state;
	assert_int_equal(parse_img(&m, &e), 0);
	assert_int_equal(e.type, LX_ET_EXEC);
	assert_int_equal(e.lo, 0x400000);
	assert_int_equal(e.hi, 0x405000);
	assert_int_equal(e.phdr_vaddr, 0x400040);
	assert_string_equal(e.interp, "");
}

static void test_too_short(void **state)
{
	struct img m = valid();

	(void)state;
	m.len = 63;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m.len = 0;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
}

static void test_bad_ident(void **state)
{
	struct img m = valid();

	(void)state;
	m.ident[0] = 0x7e;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m = valid();
	m.ident[4] = 1; /* ELFCLASS32 */
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m = valid();
	m.ident[5] = 2; /* big-endian */
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m = valid();
	m.ident[6] = 0;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m = valid();
	m.version = 2;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
}

static void test_bad_machine(void **state)
{
	struct img m = valid();

	(void)state;
	m.machine = 3; /* EM_386 */
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m.machine = 183; /* EM_AARCH64 */
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
}

static void test_bad_type(void **state)
{
	struct img m = valid();

	(void)state;
	m.type = 1; /* ET_REL */
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m.type = 4; /* ET_CORE */
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m.type = 0;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
}

static void test_bad_phentsize(void **state)
{
	struct img m = valid();

	(void)state;
	m.phentsize = 64;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m.phentsize = 0;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
}

static void test_no_program_headers(void **state)
{
	struct img m = valid();

	(void)state;
	m.phnum = 0;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
}

static void test_program_headers_outside_file(void **state)
{
	struct img m = valid();

	(void)state;
	m.phoff = IMG_LEN - 56 * 6 + 1;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m.phoff = UINT64_MAX - 100; /* phoff + size wraps */
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m = valid();
	m.phnum = 0xffff; /* 3.5 MiB of headers in a 8 KiB file */
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
}

/* Linux reads at most a page of program headers: 73 fit, 74 do not. */
static void test_too_many_program_headers(void **state)
{
	struct img m = valid_exec();

	(void)state;
	m.phnum = LX_ELF_PHDRS_MAX / 56; /* ph[4..] are PT_NULL */
	assert_int_equal(m.phnum, 73);
	assert_int_equal(rc_of(&m), 0);
	m.phnum++;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
}

static void test_load_outside_file(void **state)
{
	struct img m = valid();

	(void)state;
	m.ph[4].filesz = IMG_LEN - 0x2000 + 1;
	m.ph[4].memsz = 0x2000;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m = valid();
	m.ph[4].offset = UINT64_MAX - 0xff; /* offset + filesz wraps */
	m.ph[4].vaddr = 0x3f00;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m = valid();
	m.ph[4].offset = IMG_LEN + 0x1000; /* beyond, even with filesz 0 */
	m.ph[4].filesz = 0;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
}

static void test_filesz_over_memsz(void **state)
{
	struct img m = valid();

	(void)state;
	m.ph[4].memsz = m.ph[4].filesz - 1;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
}

static void test_vaddr_not_congruent(void **state)
{
	struct img m = valid();

	(void)state;
	m.ph[4].vaddr = 0x3008;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
}

static void test_address_wraps(void **state)
{
	struct img m = valid();

	(void)state;
	m.ph[4].vaddr = 0xfffffffffffff000ull; /* + 0x2000 wraps */
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m = valid();
	m.ph[4].memsz = UINT64_MAX;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m = valid();
	m.ph[4].vaddr = 0xffffffffffffe000ull; /* ends at 2^64 - 0x1000 + ... rounding wraps */
	m.ph[4].memsz = 0x1001;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
}

static void test_segments_out_of_order(void **state)
{
	struct img m = valid();
	struct phdr t = m.ph[3];

	(void)state;
	m.ph[3] = m.ph[4];
	m.ph[4] = t;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
}

static void test_segments_overlap(void **state)
{
	struct img m = valid();

	(void)state;
	m.ph[3].memsz = 0x2800; /* text runs into data's page at 0x3000 */
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
}

static void test_segments_share_a_page(void **state)
{
	struct img m = valid();

	(void)state;
	m.ph[4].vaddr = 0x1800 + 0x2000 - 0x2000; /* data at 0x1800: in text's page */
	m.ph[4].offset = 0x1800;
	m.ph[4].filesz = 0x100;
	m.ph[4].memsz = 0x100;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	/* One byte later in the next page is fine. */
	m.ph[4].vaddr = 0x2000;
	m.ph[4].offset = 0x2000;
	assert_int_equal(rc_of(&m), 0);
}

static void test_write_and_exec(void **state)
{
	struct img m = valid();

	(void)state;
	m.ph[4].flags = LX_PF_R | LX_PF_W | LX_PF_X;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m = valid();
	m.ph[3].flags = LX_PF_W | LX_PF_X;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
}

static void test_segment_limit(void **state)
{
	struct img m = valid_exec();

	(void)state;
	/* LX_ELF_SEGS_MAX one-page segments, one per page (filesz 0: no file). */
	m.phnum = LX_ELF_SEGS_MAX;
	m.entry = 0x400000;
	for (unsigned i = 0; i < LX_ELF_SEGS_MAX; i++)
		m.ph[i] = (struct phdr){LX_PT_LOAD, i == 0 ? LX_PF_R | LX_PF_X : LX_PF_R,
					0,	    0x400000 + 0x1000 * (uint64_t)i,
					0,	    0x10};
	assert_int_equal(rc_of(&m), 0);
	m.phnum = LX_ELF_SEGS_MAX + 1;
	m.ph[LX_ELF_SEGS_MAX] =
	    (struct phdr){LX_PT_LOAD, LX_PF_R, 0, 0x400000 + 0x1000 * LX_ELF_SEGS_MAX, 0, 0x10};
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	/* Empty ones do not count, and are dropped. */
	m.ph[LX_ELF_SEGS_MAX].memsz = 0;
	assert_int_equal(rc_of(&m), 0);
}

static void test_no_loads(void **state)
{
	struct img m = valid();

	(void)state;
	m.ph[2].type = m.ph[3].type = m.ph[4].type = LX_PT_NOTE;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m = valid();
	m.ph[2].memsz = m.ph[2].filesz = 0;
	m.ph[3].memsz = m.ph[3].filesz = 0;
	m.ph[4].memsz = m.ph[4].filesz = 0;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
}

static void test_interp_rules(void **state)
{
	struct img m = valid();
	char longp[LX_INTERP_MAX + 1];
	struct lx_elf e;

	(void)state;
	m.interp = "/lib/ld"; /* no NUL in its bytes */
	m.interp_len = 7;
	m.ph[1].filesz = 7;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m.ph[1].filesz = 1; /* just a NUL */
	m.interp = "";
	m.interp_len = 1;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m = valid();
	m.ph[1].offset = IMG_LEN - 4; /* runs off the end */
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m = valid();
	m.ph[1].offset = UINT64_MAX - 2;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	/* Two of them. */
	m = valid();
	m.ph[5] = m.ph[1];
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	/* 255 bytes and its NUL fit; 256 do not. */
	m = valid();
	memset(longp, 'a', sizeof(longp));
	longp[0] = '/';
	longp[LX_INTERP_MAX - 1] = '\0';
	m.interp = longp;
	m.interp_len = LX_INTERP_MAX;
	m.ph[1].filesz = LX_INTERP_MAX;
	assert_int_equal(parse_img(&m, &e), 0);
	assert_int_equal(strlen(e.interp), LX_INTERP_MAX - 1);
	longp[LX_INTERP_MAX - 1] = 'a';
	longp[LX_INTERP_MAX] = '\0';
	m.interp_len = LX_INTERP_MAX + 1;
	m.ph[1].filesz = LX_INTERP_MAX + 1;
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	/* An early NUL ends the path; the bytes must still end in one. */
	m = valid();
	m.interp = "/lib/ld\0junk";
	m.interp_len = 13;
	m.ph[1].filesz = 13;
	assert_int_equal(parse_img(&m, &e), 0);
	assert_string_equal(e.interp, "/lib/ld");
}

static void test_entry_not_executable(void **state)
{
	struct img m = valid();

	(void)state;
	m.entry = 0x3010; /* data */
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m.entry = 0x10; /* the read-only headers */
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m.entry = 0x1800; /* just past text */
	assert_int_equal(rc_of(&m), -LX_ENOEXEC);
	m.entry = 0x17ff;
	assert_int_equal(rc_of(&m), 0);
}

static void test_exec_outside_user_range(void **state)
{
	struct img m = valid_exec();

	(void)state;
	for (int i = 0; i < 3; i++)
		m.ph[i].vaddr -= 0x400000 - 0x1000; /* at 0x1000: below VX_USER_MIN */
	m.entry -= 0x400000 - 0x1000;
	assert_int_equal(rc_of(&m), -LX_EINVAL);
	m = valid_exec();
	m.ph[2].vaddr = VX_MAP_END - 0x1000;
	m.ph[2].offset = 0x2000;
	assert_int_equal(rc_of(&m), -LX_EINVAL); /* ends at VX_MAP_END + 0x1000 */
	m.ph[2].memsz = 0x1000;
	assert_int_equal(rc_of(&m), 0);	       /* ends exactly at VX_MAP_END */
	m.ph[2].vaddr = 0xffff800000000000ull; /* the kernel's half */
	assert_int_equal(rc_of(&m), -LX_EINVAL);
	/* An ET_DYN's addresses are offsets from a base the loader picks:
	 * any will do while they span less than a TiB... */
	m.type = LX_ET_DYN;
	m.ph[2].vaddr = 0x400000 + LX_ELF_DYN_SPAN_MAX - 0x2000;
	m.ph[2].memsz = 0x1000;
	assert_int_equal(rc_of(&m), 0);
	/* ...and not a TiB or more. */
	m.ph[2].vaddr += 0x1000;
	assert_int_equal(rc_of(&m), -LX_EINVAL);
}

static void test_phdr_address(void **state)
{
	struct img m = valid();
	struct lx_elf e;

	(void)state;
	/* PT_PHDR naming bytes no segment loads: fall back to e_phoff's. */
	m.ph[0].vaddr = 0x4000; /* bss */
	assert_int_equal(parse_img(&m, &e), 0);
	assert_int_equal(e.phdr_vaddr, 64);
	/* No PT_PHDR and the table outside every segment: 0. */
	m = valid();
	m.ph[0].type = LX_PT_NOTE;
	m.phoff = 0x400; /* past the first segment's 0x300 bytes */
	memset(&e, 0xff, sizeof(e));
	assert_int_equal(parse_img(&m, &e), 0);
	assert_int_equal(e.phdr_vaddr, 0);
}

static void test_exec_stack(void **state)
{
	struct img m = valid();
	struct lx_elf e;

	(void)state;
	m.ph[5].flags = LX_PF_R | LX_PF_W | LX_PF_X;
	assert_int_equal(parse_img(&m, &e), 0);
	assert_true(e.exec_stack);
	m.ph[5].type = LX_PT_NOTE; /* no PT_GNU_STACK: x86_64 says not executable */
	assert_int_equal(parse_img(&m, &e), 0);
	assert_false(e.exec_stack);
}

static void test_other_headers_ignored(void **state)
{
	struct img m = valid();

	(void)state;
	m.ph[5] = (struct phdr){LX_PT_TLS, LX_PF_R, UINT64_MAX, UINT64_MAX, UINT64_MAX, 1};
	assert_int_equal(rc_of(&m), 0);
	m.ph[5] = (struct phdr){LX_PT_DYNAMIC, LX_PF_R | LX_PF_W, 0x2000, 0x3000, 0x10, 0x10};
	assert_int_equal(rc_of(&m), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_busybox_static),
	    cmocka_unit_test(test_make_pie),
	    cmocka_unit_test(test_tcc_pie),
	    cmocka_unit_test(test_ld_so),
	    cmocka_unit_test(test_libc_so),
	    cmocka_unit_test(test_sweep_host_binaries),
	    cmocka_unit_test(test_valid_pie),
	    cmocka_unit_test(test_valid_static_exec),
	    cmocka_unit_test(test_too_short),
	    cmocka_unit_test(test_bad_ident),
	    cmocka_unit_test(test_bad_machine),
	    cmocka_unit_test(test_bad_type),
	    cmocka_unit_test(test_bad_phentsize),
	    cmocka_unit_test(test_no_program_headers),
	    cmocka_unit_test(test_program_headers_outside_file),
	    cmocka_unit_test(test_too_many_program_headers),
	    cmocka_unit_test(test_load_outside_file),
	    cmocka_unit_test(test_filesz_over_memsz),
	    cmocka_unit_test(test_vaddr_not_congruent),
	    cmocka_unit_test(test_address_wraps),
	    cmocka_unit_test(test_segments_out_of_order),
	    cmocka_unit_test(test_segments_overlap),
	    cmocka_unit_test(test_segments_share_a_page),
	    cmocka_unit_test(test_write_and_exec),
	    cmocka_unit_test(test_segment_limit),
	    cmocka_unit_test(test_no_loads),
	    cmocka_unit_test(test_interp_rules),
	    cmocka_unit_test(test_entry_not_executable),
	    cmocka_unit_test(test_exec_outside_user_range),
	    cmocka_unit_test(test_phdr_address),
	    cmocka_unit_test(test_exec_stack),
	    cmocka_unit_test(test_other_headers_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
