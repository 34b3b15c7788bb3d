/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kmain: from the boot loader to the first Task.
 *
 * The kernel turns usable RAM (less its own image and the boot modules)
 * into boot Reticles, makes the device capabilities, loads the first boot
 * module as the root Task and hands it everything through its Bundle:
 *
 *   self      Task       the root Task itself (map, supervise, mint signals)
 *   ram0..    Reticle    usable RAM; ram0 also holds the root Task's own objects
 *   devmem    Reticle    device memory (legacy VGA/BIOS window), Mem only
 *   ecam      Reticle    PCI Express configuration space (MCFG), Mem only
 *   mmio0..   Reticle    the physical addresses left for device registers
 *                        (BARs): below 4 GiB up to the IOAPIC, and above
 *                        all memory; Mem only
 *   ioports   IoPort     every I/O port
 *   irqs      Irq        IOAPIC lines 1..23 (2, the old cascade, refused at bind)
 *   msi       Irq        the MSI lines
 *   pci       Pci        every PCI function of segment 0 (IoSpace authority)
 *   bootimg   Mem        the second boot module (the boot image), read-only
 *
 * It parses only what it needs of the root Task's ELF; everything later is
 * loaded by user land.
 */
#include "core/kernel.h"
#include "vx_elf.h"
#include "vx_fmt.h"
#include "vx_acpi.h"

#define ROOT_STACK_PAGES  16
#define ROOT_STACK_TOP	  0x00007fffffff0000ull
#define ROOT_ARGS_BYTES	  256 /* the command line (at most 127 bytes) and its NUL */
#define MAX_ROOT_RETICLES 8

extern uint8_t _phys_start[], _phys_end[];
static struct kobj root_reticles[MAX_ROOT_RETICLES];
static unsigned nroot;
#define MAX_MMIO_RETICLES 3
static struct kobj devmem_obj, bootimg_obj, ecam_obj, mmio_obj[MAX_MMIO_RETICLES];
/* The device Reticles' records (a RAM Reticle keeps its own at its base). */
static struct kobj devmem_rec[RETICLE_DEVICE_RECORDS], ecam_rec[RETICLE_DEVICE_RECORDS];
static struct kobj mmio_rec[MAX_MMIO_RETICLES][RETICLE_DEVICE_RECORDS];
static unsigned nmmio;
static struct boot_info bi;

static uint64_t page_up(uint64_t a)
{
	return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}
static uint64_t page_down(uint64_t a)
{
	return a & ~(PAGE_SIZE - 1);
}

static void add_mmio(uint64_t base, uint64_t end)
{
	base = page_up(base);
	end = page_down(end);
	if (end > base && nmmio < MAX_MMIO_RETICLES) {
		reticle_init_root(&mmio_obj[nmmio], base, end - base, mmio_rec[nmmio]);
		nmmio++;
	}
}

/* PCI Express configuration space (the MCFG's segment 0 entry), and the
 * physical addresses no memory-map entry claims, where firmware puts BARs:
 * from the top of low memory to the IOAPIC (less ECAM), and 256 GiB above
 * the top of all memory. */
static void make_device_reticles(void)
{
	uint64_t ecam = 0, ecam_end = 0;

	for (uint32_t i = 0; i < acpi_mcfg.n; i++) {
		if (acpi_mcfg.ecam[i].segment != 0 || ecam)
			continue;
		ecam = acpi_mcfg.ecam[i].base + ((uint64_t)acpi_mcfg.ecam[i].bus_first << 20);
		ecam_end =
		    acpi_mcfg.ecam[i].base + (((uint64_t)acpi_mcfg.ecam[i].bus_last + 1) << 20);
		reticle_init_root(&ecam_obj, ecam, ecam_end - ecam, ecam_rec);
	}
	uint64_t low = bi.low_top > 0x100000 ? bi.low_top : 0x100000;
	if (ecam >= low && ecam_end <= BOOT_MMIO32_END) {
		add_mmio(low, ecam);
		add_mmio(ecam_end, BOOT_MMIO32_END);
	} else {
		add_mmio(low, BOOT_MMIO32_END);
	}
	uint64_t high = (bi.mem_top > (4ull << 30) ? bi.mem_top : (4ull << 30));
	high = (high + (1ull << 30) - 1) & ~((1ull << 30) - 1);
	add_mmio(high, high + (256ull << 30));
	kprintf("VectraOS: PCI configuration space %s", ecam ? "at " : "not found\n");
	if (ecam)
		kprintf("0x%lx, %lu buses\n", (unsigned long)ecam,
			(unsigned long)((ecam_end - ecam) >> 20));
}

/* Usable RAM above 1 MiB, below the direct map's limit, less the kernel
 * image and the modules: each remaining piece becomes a boot Reticle. */
static void make_reticles(void)
{
	uint64_t kend = page_up((uint64_t)(uintptr_t)_phys_end);
	uint64_t mend = 0;

	for (unsigned i = 0; i < bi.nmod; i++)
		if (bi.mod[i].base + bi.mod[i].size > mend)
			mend = bi.mod[i].base + bi.mod[i].size;
	mend = page_up(mend);
	for (unsigned i = 0; i < bi.nram && nroot < MAX_ROOT_RETICLES; i++) {
		uint64_t base = page_up(bi.ram[i].base);
		uint64_t end = page_down(bi.ram[i].base + bi.ram[i].size);
		if (end > DMAP_LIMIT)
			end = DMAP_LIMIT;
		if (base < 0x100000)
			base = 0x100000;
		if (base < kend && end > 0x100000)
			base = kend;
		if (base < mend && mend <= end)
			base = mend > base ? mend : base;
		if (end <= base || end - base < 64 * PAGE_SIZE)
			continue;
		reticle_init_root(&root_reticles[nroot++], base, end - base, NULL);
	}
	if (!nroot)
		panic("no usable RAM above the kernel");
	uint64_t total = 0;
	for (unsigned i = 0; i < nroot; i++)
		total += root_reticles[i].size;
	kprintf("VectraOS: %u boot Reticles, %lu MiB\n", nroot, (unsigned long)(total >> 20));
	reticle_init_root(&devmem_obj, 0xa0000, 0x60000, devmem_rec);
	make_device_reticles();
}

/* Carves and fills the root Task's memory from a loaded ELF; returns its
 * stack. */
static struct kobj *load_root_segments(struct task *t, struct kobj *ram, const uint8_t *img,
				       size_t len, const struct vx_elf_image *elf)
{
	for (unsigned i = 0; i < elf->nseg; i++) {
		const struct vx_elf_seg *s = &elf->seg[i];
		uint64_t va = page_down(s->vaddr);
		uint64_t bytes = page_up(s->vaddr + s->memsz) - va;
		uint64_t dummy;
		uint32_t idx;
		if (reticle_check_retype(ram, VX_OBJ_MEM, bytes / PAGE_SIZE, &dummy) ||
		    cap_find_slot(t, &idx))
			panic("no room for the root task's segment %u", i);
		struct kobj *m = reticle_carve(ram, VX_OBJ_MEM, bytes, 0);
		while (!kobj_zero_step(m)) /* all of it now: the copy goes on top */
			;
		KASSERT(s->offset + s->filesz <= len);
		memcpy((uint8_t *)phys_to_virt(m->pa) + (s->vaddr - va), img + s->offset,
		       s->filesz);
		uint32_t h = cap_install(t, idx, m, VX_OBJ_MEM, VX_R_READ | VX_R_WRITE | VX_R_GRANT,
					 0, NULL);
		if (task_check_new_mapping(t, va, bytes))
			panic("root task segment %u cannot be mapped", i);
		task_map_cap(&t->table[VX_HANDLE_INDEX(h)], t, va, m->pa, bytes, s->prot,
			     CAP_F_MAPPED);
	}
	uint32_t idx;
	uint64_t bytes = ROOT_STACK_PAGES * PAGE_SIZE, dummy;
	if (reticle_check_retype(ram, VX_OBJ_MEM, ROOT_STACK_PAGES, &dummy) ||
	    cap_find_slot(t, &idx))
		panic("no room for the root task's stack");
	struct kobj *stack = reticle_carve(ram, VX_OBJ_MEM, bytes, 0);
	uint32_t h =
	    cap_install(t, idx, stack, VX_OBJ_MEM, VX_R_READ | VX_R_WRITE | VX_R_GRANT, 0, NULL);
	KASSERT(task_check_new_mapping(t, ROOT_STACK_TOP - bytes, bytes) == VX_OK);
	task_map_cap(&t->table[VX_HANDLE_INDEX(h)], t, ROOT_STACK_TOP - bytes, stack->pa, bytes,
		     VX_PROT_READ | VX_PROT_WRITE, CAP_F_MAPPED);
	return stack;
}

/* Puts one boot capability into the root Bundle. */
static void grant(struct kobj *bundle, const char *name, struct kobj *o, uint32_t type,
		  uint32_t rights, uint64_t narrow)
{
	struct cap tmp;

	memset(&tmp, 0, sizeof(tmp));
	cap_hold(&tmp, o, type, rights, narrow);
	bundle_put(bundle, name, strlen(name), &tmp, rights, NULL);
	cap_remove(&tmp);
}

/* Builds the root Task from boot module 0 in ram0: its segments and stack,
 * a Bundle of every boot capability, priority 15, runnable.  Panics if the
 * module is not a loadable ELF or ram0 cannot hold it (nothing else could
 * run). */
static struct task *make_root_task(void)
{
	struct kobj *ram = &root_reticles[0];
	const struct boot_module *m = &bi.mod[0];
	const uint8_t *img = phys_to_virt(m->base);
	struct vx_elf_image elf;
	uint64_t dummy;
	int err;

	if ((err = vx_elf_parse(img, m->size, &elf)))
		panic("boot module '%s' is not a loadable ELF (error %d)", m->name, err);
	if (reticle_check_retype(ram, VX_OBJ_TASK, 0, &dummy) ||
	    reticle_check_retype(ram, VX_OBJ_BUNDLE, 0, &dummy))
		panic("ram0 too small for the root task");
	struct kobj *to = reticle_carve(ram, VX_OBJ_TASK, VX_TASK_OBJ_BYTES, 0);
	task_init(to);
	struct task *t = task_of(to);
	struct kobj *stack = load_root_segments(t, ram, img, m->size, &elf);
	/* The kernel command line is the root Task's args (rsi), on the top of
	 * its stack, as vx_spawn passes a child's. */
	char *args = (char *)phys_to_virt(stack->pa) + stack->size - ROOT_ARGS_BYTES;
	memset(args, 0, ROOT_ARGS_BYTES);
	memcpy(args, bi.cmdline, strlen(bi.cmdline));

	struct kobj *b = reticle_carve(ram, VX_OBJ_BUNDLE, VX_BUNDLE_OBJ_BYTES, 0);
	bundle_init(b);
	grant(b, "self", to, VX_OBJ_TASK, VX_R_ALL, 0);
	for (unsigned i = 0; i < nroot; i++) {
		char name[8];
		vx_snprintf(name, sizeof(name), "ram%u", i);
		grant(b, name, &root_reticles[i], VX_OBJ_RETICLE, VX_R_ALL, 0);
	}
	grant(b, "devmem", &devmem_obj, VX_OBJ_RETICLE, VX_R_ALL, 0);
	grant(b, "ioports", &ioport_root_obj, VX_OBJ_IOPORT, VX_R_ALL, 0x10000ull << 32);
	if (ecam_obj.type)
		grant(b, "ecam", &ecam_obj, VX_OBJ_RETICLE, VX_R_ALL, 0);
	for (unsigned i = 0; i < nmmio; i++) {
		char name[8];
		vx_snprintf(name, sizeof(name), "mmio%u", i);
		grant(b, name, &mmio_obj[i], VX_OBJ_RETICLE, VX_R_ALL, 0);
	}
	grant(b, "irqs", &irq_root_obj, VX_OBJ_IRQ, VX_R_ALL,
	      ((uint64_t)(VX_IRQ_IOAPIC_LINES - 1) << 32) | 1);
	grant(b, "msi", &irq_root_obj, VX_OBJ_IRQ, VX_R_ALL,
	      ((uint64_t)VX_IRQ_MSI_COUNT << 32) | VX_IRQ_MSI_FIRST);
	grant(b, "pci", &pci_root_obj, VX_OBJ_PCI, VX_R_ALL, 0x10000ull << 32);
	if (bi.nmod > 1) {
		memset(&bootimg_obj, 0, sizeof(bootimg_obj));
		bootimg_obj.type = VX_OBJ_MEM;
		bootimg_obj.state = KOBJ_LIVE;
		bootimg_obj.fixed = 1;
		bootimg_obj.pa = page_down(bi.mod[1].base);
		bootimg_obj.size = page_up(bi.mod[1].base + bi.mod[1].size) - bootimg_obj.pa;
		grant(b, "bootimg", &bootimg_obj, VX_OBJ_MEM, VX_R_READ | VX_R_GRANT, 0);
	}
	KASSERT(bundle_check_attach(b, t) == VX_OK);
	arch_frame_init_user(&t->regs, elf.entry, ROOT_STACK_TOP - ROOT_ARGS_BYTES,
			     ROOT_STACK_TOP - ROOT_ARGS_BYTES);
	bundle_attach(b, t);
	t->regs.rdi = VX_BUNDLE_VADDR;
	t->prio = VX_PRIO_MAX;
	t->state = VX_TASK_RUNNABLE;
	return t;
}

/* The C entry from boot.S, on the boot stack with interrupts off: sets up
 * the CPU, paging, the timer and the boot objects, then enters the root
 * Task and never returns. */
_Noreturn void kmain(uint32_t magic, uint32_t info_pa)
{
	serial_init();
	kprintf("\nVectraOS: kernel starting\n");
	arch_init_cpu(&cpus[0]);
	kernel_lock(); /* held from here to the first return to user mode */
	paging_init(1ull << 30);
	multiboot_parse(magic, info_pa, &bi);
	paging_init(bi.max_phys);
	kprintf("VectraOS: NX %s, SMEP %s, SMAP %s; %lu MiB of RAM; %u boot modules\n",
		cpuinfo.nx ? "on" : "off", cpuinfo.smep ? "on" : "off", cpuinfo.smap ? "on" : "off",
		(unsigned long)(bi.ram_bytes >> 20), bi.nmod);
	if (bi.max_phys > DMAP_LIMIT)
		kprintf("VectraOS: RAM above %lu GiB is not used\n",
			(unsigned long)(DMAP_LIMIT >> 30));
	if (bi.nmod == 0)
		panic("no boot modules: start QEMU with -initrd init.elf,boot.img");
	acpi_init();
	irq_init();
	timer_init();
	device_init();
	iommu_init();
	make_reticles();
	struct task *root = make_root_task();
	kprintf("VectraOS: starting root task '%s' (%lu KiB free in ram0)\n", bi.mod[0].name,
		(unsigned long)(reticle_free_bytes(&root_reticles[0]) >> 10));
	smp_start(bi.cmdline);
	kprintf("VectraOS: %u CPU%s\n", ncpus, ncpus == 1 ? "" : "s");
	sched_make_runnable(root);
	struct trapframe *f = sched_next_frame();
	kernel_unlock();
	enter_frame(f);
}
