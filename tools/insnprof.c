/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * insnprof: a QEMU (7.2) TCG plugin that counts every guest instruction
 * executed, by the physical place of its bytes, for make profile-net
 * (bench/net/profile.sh, tools/insnprof.py; docs/BENCHMARKS.md 1.4).
 * Unlike tools/stepprof.py it does not stop the guest, so it can profile
 * one of two machines talking over a link at their normal pace, and it
 * counts a whole run, not a window.
 *
 *   -plugin build/host/tools/insnprof.so,out=FILE,mark=ADDR:HEXBYTES
 *
 * Each instruction gets a counter of its own per (host address of its
 * bytes, virtual address, bytes): a physical page reused for another
 * program's code gets new counters.  Every time the instruction at ADDR
 * whose translation block starts with HEXBYTES runs (netbench's
 * mark_now, say: the bytes tell its program from others at that address)
 * and at exit, the plugin writes every nonzero counter ("snap N" then
 * "SLOT COUNT" lines); at exit it also writes each slot's address, host
 * address and bytes ("insn SLOT VADDR HADDR HEX"), from which
 * tools/insnprof.py names the program and function.  The difference of
 * two snapshots is exactly what ran between two marks.
 *
 * The plugin API's few declarations are written out here (QEMU's
 * qemu-plugin.h is not packaged): plugin API version 1, inline counters.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { CB_NO_REGS, CB_R_REGS, CB_RW_REGS };
enum qemu_plugin_op { INLINE_ADD_U64 };
typedef void (*tb_cb)(qemu_plugin_id_t, struct qemu_plugin_tb *);
typedef void (*udata_cb)(unsigned int, void *);
typedef void (*exit_cb)(qemu_plugin_id_t, void *);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, tb_cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *, size_t);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *);
void *qemu_plugin_insn_haddr(const struct qemu_plugin_insn *);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *, enum qemu_plugin_op,
						void *, uint64_t);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *, udata_cb,
					    enum qemu_plugin_cb_flags, void *);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, exit_cb, void *);

extern int qemu_plugin_version;
int qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc, char **argv);
__attribute__((visibility("default"))) int qemu_plugin_version = 1;

#define NSLOT (1u << 21)
struct slot {
	uint64_t key, vaddr, count;
	uint8_t len, bytes[15];
};
static struct slot *tab;
static FILE *out;
static uint64_t mark_va;
static uint8_t mark_bytes[16];
static size_t mark_len;
static int snaps;

/* One slot per (physical place, address, bytes): a physical page reused
 * for another program's code gets slots of its own. */
static struct slot *find(uint64_t key, uint64_t va, const uint8_t *by, size_t len)
{
	if (len > 15)
		len = 15;
	uint64_t h = ((key ^ va * 31) * 0x9e3779b97f4a7c15ull) >> 43;
	for (;;) {
		struct slot *s = &tab[h & (NSLOT - 1)];
		if (s->key == 0 || (s->key == key && s->vaddr == va && s->len == len &&
				    !memcmp(s->bytes, by, len)))
			return s;
		h++;
	}
}

static void dump(const char *what)
{
	fprintf(out, "snap %d %s\n", snaps++, what);
	for (uint32_t i = 0; i < NSLOT; i++)
		if (tab[i].count)
			fprintf(out, "%u %lu\n", i, (unsigned long)tab[i].count);
	fflush(out);
}

static void on_mark(unsigned int vcpu, void *u)
{
	(void)vcpu, (void)u;
	dump("mark");
}

static void on_tb(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	size_t n = qemu_plugin_tb_n_insns(tb);
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *in = qemu_plugin_tb_get_insn(tb, i);
		uint64_t va = qemu_plugin_insn_vaddr(in);
		uint64_t key = (uint64_t)(uintptr_t)qemu_plugin_insn_haddr(in);
		if (!key)
			key = va | 1;
		size_t len = qemu_plugin_insn_size(in);
		if (len > 15)
			len = 15;
		struct slot *s = find(key, va, qemu_plugin_insn_data(in), len);
		if (!s->key) {
			s->key = key;
			s->vaddr = va;
			s->len = (uint8_t)len;
			memcpy(s->bytes, qemu_plugin_insn_data(in), len);
		}
		qemu_plugin_register_vcpu_insn_exec_inline(in, INLINE_ADD_U64, &s->count, 1);
		if (i == 0 && va == mark_va && n >= 2) {
			/* the mark: its TB's first bytes must be the program's */
			uint8_t b[32];
			size_t k = 0;
			for (size_t j = 0; j < n && k < mark_len; j++) {
				struct qemu_plugin_insn *x = qemu_plugin_tb_get_insn(tb, j);
				size_t l = qemu_plugin_insn_size(x);
				if (k + l > sizeof(b))
					break;
				memcpy(b + k, qemu_plugin_insn_data(x), l);
				k += l;
			}
			if (k >= mark_len && !memcmp(b, mark_bytes, mark_len))
				qemu_plugin_register_vcpu_insn_exec_cb(in, on_mark, CB_NO_REGS,
								       NULL);
		}
	}
}

static void at_exit(qemu_plugin_id_t id, void *u)
{
	(void)id, (void)u;
	if (!out)
		return;
	dump("exit");
	for (uint32_t i = 0; i < NSLOT; i++)
		if (tab[i].key) {
			fprintf(out, "insn %u %lx %lx ", i, (unsigned long)tab[i].vaddr,
				(unsigned long)tab[i].key);
			for (int j = 0; j < tab[i].len && j < 15; j++)
				fprintf(out, "%02x", tab[i].bytes[j]);
			fputc('\n', out);
		}
	fclose(out);
	out = NULL;
}

__attribute__((visibility("default"))) int
qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc, char **argv)
{
	(void)info;
	const char *file = "insnprof.out";
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			file = argv[i] + 4;
		else if (!strncmp(argv[i], "mark=", 5)) {
			char *p;
			mark_va = strtoull(argv[i] + 5, &p, 16);
			if (*p == ':')
				for (p++; p[0] && p[1] && mark_len < sizeof(mark_bytes); p += 2) {
					char h[3] = {p[0], p[1], 0};
					mark_bytes[mark_len++] = (uint8_t)strtoul(h, NULL, 16);
				}
		}
	}
	tab = calloc(NSLOT, sizeof(*tab));
	out = fopen(file, "w");
	if (!tab || !out)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
