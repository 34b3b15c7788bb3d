/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vx_spawn_*: see rt/spawn.h.  Every step is a syscall that validates its
 * own inputs; the ELF itself was validated by vx_elf_parse first.
 */
#include "rt/spawn.h"
#include "vx_elf.h"
#include "vx_string.h"

#define PAGE 4096ull

static uint64_t page_down(uint64_t a)
{
	return a & ~(PAGE - 1);
}
static uint64_t page_up(uint64_t a)
{
	return (a + PAGE - 1) & ~(PAGE - 1);
}

/* Retypes pages of memory, fills it through the scratch window with fill(),
 * and maps it into the child at va with prot. */
static int64_t make_region(struct vx_spawn *sp, uint64_t va, uint64_t pages, uint32_t prot,
			   void (*fill)(uint8_t *dst, const void *ctx), const void *ctx)
{
	int64_t mem = vx_reticle_retype(sp->reticle, VX_OBJ_MEM, pages);
	int64_t err;

	if (mem < 0)
		return mem;
	if ((err = vx_task_map(sp->self, (vx_handle_t)mem, VX_SPAWN_SCRATCH_VA,
			       VX_PROT_READ | VX_PROT_WRITE)) < 0)
		goto fail;
	fill((uint8_t *)(uintptr_t)VX_SPAWN_SCRATCH_VA, ctx);
	vx_task_unmap((vx_handle_t)mem);
	if ((err = vx_task_map(sp->task, (vx_handle_t)mem, va, prot)) < 0)
		goto fail;
	return mem;
fail:
	vx_cap_delete((vx_handle_t)mem);
	return err;
}

struct seg_ctx {
	const uint8_t *img;
	const struct vx_elf_seg *s;
};

static void fill_segment(uint8_t *dst, const void *ctx)
{
	const struct seg_ctx *c = ctx;

	memcpy(dst + (c->s->vaddr - page_down(c->s->vaddr)), c->img + c->s->offset, c->s->filesz);
}

struct stack_ctx {
	uint64_t bytes;
	const char *args;
	size_t len;
};

static void fill_stack(uint8_t *dst, const void *ctx)
{
	const struct stack_ctx *c = ctx;

	memcpy(dst + c->bytes - page_up(c->len + 1), c->args, c->len);
}

int vx_spawn_load(struct vx_spawn *sp, const void *elf, size_t len, uint32_t stack_pages,
		  const char *args)
{
	struct vx_elf_image im;
	int64_t r;
	size_t alen = args ? strlen(args) : 0;

	if (alen > VX_SPAWN_ARGS_MAX)
		return VX_E_TOOBIG;
	if (stack_pages < 2 || stack_pages > VX_SPAWN_STACK_MAX_PAGES)
		return VX_E_INVAL;
	if ((r = vx_elf_parse(elf, len, &im)) < 0)
		return (int)r;
	if ((r = vx_reticle_retype(sp->reticle, VX_OBJ_TASK, 0)) < 0)
		return (int)r;
	sp->task = (vx_handle_t)r;
	if ((r = vx_reticle_retype(sp->reticle, VX_OBJ_BUNDLE, 0)) < 0)
		return (int)r;
	sp->bundle = (vx_handle_t)r;

	for (uint32_t i = 0; i < im.nseg; i++) {
		struct seg_ctx c = {elf, &im.seg[i]};
		uint64_t va = page_down(im.seg[i].vaddr);
		uint64_t pages = (page_up(im.seg[i].vaddr + im.seg[i].memsz) - va) / PAGE;
		if ((r = make_region(sp, va, pages, im.seg[i].prot, fill_segment, &c)) < 0)
			return (int)r;
	}
	struct stack_ctx sc = {stack_pages * PAGE, args ? args : "", alen};
	uint64_t top = VX_SPAWN_STACK_TOP;
	if ((r = make_region(sp, top - sc.bytes, stack_pages, VX_PROT_READ | VX_PROT_WRITE,
			     fill_stack, &sc)) < 0)
		return (int)r;
	uint64_t args_va = top - page_up(alen + 1);
	sp->entry = im.entry;
	return (int)vx_task_set_regs(sp->task, im.entry, args_va, args_va);
}

int vx_spawn_start(struct vx_spawn *sp)
{
	return (int)vx_task_start(sp->task, sp->bundle);
}

bool vx_task_stopped(vx_handle_t task, struct vx_task_info *ti)
{
	if (vx_task_inspect(task, ti) < 0)
		return false;
	return ti->state == VX_TASK_FAULTED || ti->state == VX_TASK_EXITED;
}
