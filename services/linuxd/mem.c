// SPDX-License-Identifier: BSD-3-Clause
/*
 * Address spaces of Linux processes (linuxd.h, "Memory").  An area is one
 * Mem, mapped into the process at its address and into linuxd at a window
 * of its own; everything a process maps is areas.  Splitting an area (a
 * munmap or mprotect of part of it, a MAP_FIXED over part of it) copies
 * the parts that stay into new areas: a Mem cannot be cut.
 */
#include "linuxd.h"
#include "vx_string.h"

struct slab {
	vx_handle_t h;
	int owner;     /* 0: free; a pid; TEXT_OWNER; DETACHED */
	uint32_t refs; /* areas, of any process, whose Mem lives here */
};
#define TEXT_OWNER (-1)
#define DETACHED   (-2) /* its process let go; areas that fork shared still live here */

/* A Mem fork shares copy-on-write: how many areas map it (cow.c's rule:
 * the last one writes in place, the others copy first). */
#define COW_MAX 256u
static uint32_t cow_refs[COW_MAX];

struct text {
	bool used;
	uint32_t ent;	 /* the root archive's entry */
	uint64_t off;	 /* the file offset it starts at (page-aligned) */
	uint64_t len;	 /* bytes (page-aligned) */
	vx_handle_t mem; /* full rights; mapped read-only into linuxd */
	uint8_t *ptr;
	int8_t slab; /* the text slab its Mem was carved from */
};

static struct slab slabs[SLAB_MAX];
/* The text being given its first area (area_text): no area maps it yet,
 * and texts_evict must leave it be. */
static struct text *text_pinned;
static uint32_t nslabs;
static struct text texts[TEXT_MAX];

/* ----------------------------------------------------- linuxd's windows */

/* Windows come in power-of-two classes from 64 KiB to SLAB_BYTES and are
 * reused, so linuxd's page tables do not grow with every area it ever
 * had.  A new window is made only when its class has none free, so a
 * class never has more windows than were ever live at once: every area of
 * every process, every text, and the few a copy or a cut holds for a
 * moment.  A free list that size never drops one.  (It was 64, and a
 * session of many short processes with dozens of areas each ran linuxd's
 * window space, or the page tables behind it, out.) */
#define WIN_MIN_LOG2 16u
#define WIN_CLASSES  7u
#define WIN_FREE_MAX (PROC_LIMIT * AREA_MAX + TEXT_MAX + 4u)
static struct {
	uint64_t free[WIN_FREE_MAX];
	uint32_t n;
} win[WIN_CLASSES];
static uint64_t win_next = LOCAL_BASE;

static unsigned win_class(uint64_t len)
{
	unsigned c = 0;

	while (c + 1 < WIN_CLASSES && (1ull << (WIN_MIN_LOG2 + c)) < len)
		c++;
	return c;
}

static uint64_t win_get(uint64_t len)
{
	unsigned c = win_class(len);
	uint64_t size = 1ull << (WIN_MIN_LOG2 + c);

	if (len > size)
		return 0;
	if (win[c].n)
		return win[c].free[--win[c].n];
	if (win_next + size > LOCAL_END)
		return 0;
	uint64_t va = win_next;
	win_next += size;
	return va;
}

static void win_put(uint64_t va, uint64_t len)
{
	unsigned c = win_class(len);

	if (win[c].n < WIN_FREE_MAX) /* always: see WIN_FREE_MAX */
		win[c].free[win[c].n++] = va;
}

static unsigned texts_evict(void);

/* A cap on mem with rights; with linuxd's handle table full, the text cache
 * gives back what no process maps (texts_evict) and it tries again. */
static int64_t derive(vx_handle_t mem, uint32_t rights)
{
	int64_t h = vx_cap_derive(mem, rights, 0);

	if (h == VX_E_FULL && texts_evict())
		h = vx_cap_derive(mem, rights, 0);
	return h;
}

/* A cap on mem with rights, mapped into linuxd at a window of its own with
 * prot: the cap's handle (*ptr the window), or -LX_ENOMEM with nothing
 * held. */
static int64_t local_map(vx_handle_t mem, uint64_t len, uint32_t rights, uint32_t prot,
			 uint8_t **ptr)
{
	int64_t l = derive(mem, rights);
	uint64_t lva;

	if (l < 0)
		return -LX_ENOMEM;
	if ((lva = win_get(len)) == 0) {
		vx_cap_delete((vx_handle_t)l);
		return -LX_ENOMEM;
	}
	if (vx_task_map(self_task, (vx_handle_t)l, lva, prot) != VX_OK) {
		vx_cap_delete((vx_handle_t)l);
		win_put(lva, len);
		return -LX_ENOMEM;
	}
	*ptr = (uint8_t *)(uintptr_t)lva;
	return l;
}

static void local_unmap(vx_handle_t local, uint8_t *ptr, uint64_t len)
{
	vx_cap_delete(local); /* and its mapping */
	win_put((uint64_t)(uintptr_t)ptr, len);
}

/* ----------------------------------------------------------------- slabs */

int mem_init(vx_handle_t ret)
{
	while (nslabs < SLAB_MAX) {
		int64_t h = vx_reticle_split(ret, SLAB_BYTES);
		if (h < 0)
			break;
		slabs[nslabs++] = (struct slab){.h = (vx_handle_t)h, .owner = 0};
	}
	return nslabs >= 4 ? VX_OK : VX_E_NOMEM;
}

uint32_t slabs_of_procs(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < nslabs; i++)
		n += slabs[i].owner > 0 || slabs[i].owner == DETACHED;
	return n;
}

/* One area more, or fewer, lives in slab s; a detached slab nobody's
 * areas live in any more is reset and free again. */
static void slab_ref(int s)
{
	if (s >= 0)
		slabs[s].refs++;
}

static void slab_unref(int s)
{
	if (s < 0 || --slabs[s].refs > 0 || slabs[s].owner != DETACHED)
		return;
	vx_reticle_reset(slabs[s].h);
	slabs[s].owner = 0;
}

static int cow_new(void)
{
	for (uint32_t i = 0; i < COW_MAX; i++)
		if (cow_refs[i] == 0)
			return (int)i;
	return -1;
}

uint32_t slabs_free(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < nslabs; i++)
		n += slabs[i].owner == 0;
	return n;
}

static int claim_free(int owner)
{
	for (uint32_t i = 0; i < nslabs; i++)
		if (slabs[i].owner == 0) {
			slabs[i].owner = owner;
			return (int)i;
		}
	return -1;
}

/* A free slab for owner; with none free, the text cache gives back what no
 * process maps (texts_evict), and one more look. */
static int claim(int owner)
{
	int s = claim_free(owner);

	if (s < 0 && texts_evict())
		s = claim_free(owner);
	return s;
}

/* A zeroed Mem of pages from one of p's slabs (or the text slabs when p is
 * NULL), claiming another slab when they are full. */
static int64_t mem_alloc(struct proc *p, uint64_t pages, int8_t *slab)
{
	int owner = p ? p->pid : TEXT_OWNER;

	if (pages == 0 || pages > SLAB_PAGES)
		return -LX_ENOMEM;
	for (uint32_t i = 0; i < nslabs; i++) {
		if (slabs[i].owner != owner)
			continue;
		int64_t m = vx_reticle_retype(slabs[i].h, VX_OBJ_MEM, pages);
		if (m >= 0) {
			*slab = (int8_t)i;
			return m;
		}
	}
	if (p && p->nslabs == PROC_SLABS)
		return -LX_ENOMEM;
	int s = claim(owner);
	if (s < 0)
		return -LX_ENOMEM;
	if (p)
		p->slab[p->nslabs++] = (int8_t)s;
	int64_t m = vx_reticle_retype(slabs[s].h, VX_OBJ_MEM, pages);
	if (m < 0)
		return -LX_ENOMEM;
	*slab = (int8_t)s;
	return m;
}

/* ----------------------------------------------------------------- areas */

static uint32_t vx_prot(uint32_t prot)
{
	return VX_PROT_READ | (prot & LX_PROT_WRITE ? VX_PROT_WRITE : 0) |
	       (prot & LX_PROT_EXEC ? VX_PROT_EXEC : 0);
}

/* The protection a is mapped with in the process's Tasks: a Mem fork
 * shares copy-on-write is mapped read-only until one writes. */
static uint32_t area_vprot(const struct area *a)
{
	return vx_prot(a->cow >= 0 ? a->prot & ~(uint32_t)LX_PROT_WRITE : a->prot);
}

/* ------------------------------------------------------ threads' Tasks */

/*
 * A process's threads are Tasks of their own (linuxd.h, "Threads"), and a
 * Task maps a Mem only through a cap of its own, so an area is mapped into
 * its process's first Task through a->mem and into thread i's through
 * a->mirror[i], a cap on the same Mem made when the thread or the area
 * appears.  Every mapping change goes to every Task of the group, and
 * every cap of an area goes with it (a deleted cap's children would live
 * on under its parent).
 */

/* A mirror takes the rights of the area's own cap: a text's lacks WRITE. */
static uint32_t area_rights(const struct area *a)
{
	return a->text ? VX_R_READ | VX_R_EXEC : VX_R_READ | VX_R_WRITE | VX_R_EXEC;
}

/* Maps a (an area of leader p) with vprot into every Task of p's group.
 * 0 or -LX_ENOMEM (what was mapped stays: the caller unmaps it all). */
static int area_map_tasks(struct proc *p, struct area *a, uint32_t vprot)
{
	if (vx_task_map(p->task, a->mem, a->va, vprot) != VX_OK)
		return -LX_ENOMEM;
	for (unsigned t = 1; t < THREAD_MAX; t++) {
		if (!p->thread[t])
			continue;
		if (!a->mirror[t]) {
			int64_t m = derive(a->mem, area_rights(a));
			if (m < 0)
				return -LX_ENOMEM;
			a->mirror[t] = (vx_handle_t)m;
		}
		if (vx_task_map(p->thread[t]->task, a->mirror[t], a->va, vprot) != VX_OK)
			return -LX_ENOMEM;
	}
	return 0;
}

static void area_unmap_tasks(struct area *a)
{
	vx_task_unmap(a->mem);
	for (unsigned t = 1; t < THREAD_MAX; t++)
		if (a->mirror[t])
			vx_task_unmap(a->mirror[t]);
}

/* a's mirrors go, and with them its mappings in the threads' Tasks. */
static void area_mirrors_drop(struct area *a)
{
	for (unsigned t = 1; t < THREAD_MAX; t++)
		if (a->mirror[t]) {
			vx_cap_delete(a->mirror[t]);
			a->mirror[t] = 0;
		}
}

/* Thread t of g appears: a mirror of every mapped area, mapped into its
 * Task (an area mapped PROT_NONE gets one when it is mapped). */
int mem_thread_add(struct proc *g, unsigned t)
{
	for (uint32_t i = 0; i < g->nareas; i++) {
		struct area *a = &g->area[i];
		if (a->prot == LX_PROT_NONE)
			continue;
		int64_t m = derive(a->mem, area_rights(a));
		if (m < 0)
			return -LX_EAGAIN;
		a->mirror[t] = (vx_handle_t)m;
		if (vx_task_map(g->thread[t]->task, a->mirror[t], a->va, area_vprot(a)) != VX_OK)
			return -LX_EAGAIN;
	}
	return 0;
}

/* Thread t of g is gone: its mirrors, and so its mappings, go. */
void mem_thread_remove(struct proc *g, unsigned t)
{
	for (uint32_t i = 0; i < g->nareas; i++)
		if (g->area[i].mirror[t]) {
			vx_cap_delete(g->area[i].mirror[t]);
			g->area[i].mirror[t] = 0;
		}
}

struct area *area_find(struct proc *p, uint64_t va)
{
	p = p->grp;
	for (uint32_t i = 0; i < p->nareas; i++)
		if (va >= p->area[i].va && va - p->area[i].va < p->area[i].len)
			return &p->area[i];
	return NULL;
}

/* Is [va, va + len) free of areas? */
static bool range_free(const struct proc *p, uint64_t va, uint64_t len)
{
	for (uint32_t i = 0; i < p->nareas; i++) {
		const struct area *a = &p->area[i];
		if (va < a->va + a->len && a->va < va + len)
			return false;
	}
	return true;
}

/* ------------------------------------------------- shared file mappings */

/* The files MAP_SHARED maps (AREA_FILE): an area names its file by slot,
 * and the slot lives while an area does. */
#define FMAP_MAX 16u
static struct {
	char vpath[PATH_LEN];
	uint32_t refs;
} fmaps[FMAP_MAX];
static uint32_t fmaps_used;

/* The slot of vpath, taken for one more area: 1 + its index, or
 * -LX_ENFILE when every slot names another file. */
static int fmap_get(const char *vpath)
{
	int free = -1;

	for (uint32_t i = 0; i < FMAP_MAX; i++) {
		if (fmaps[i].refs && strcmp(fmaps[i].vpath, vpath) == 0) {
			fmaps[i].refs++;
			return (int)i + 1;
		}
		if (!fmaps[i].refs && free < 0)
			free = (int)i;
	}
	if (free < 0)
		return -LX_ENFILE;
	memcpy(fmaps[free].vpath, vpath, PATH_LEN);
	fmaps[free].refs = 1;
	fmaps_used++;
	return free + 1;
}

static void fmap_put(uint8_t slot)
{
	if (slot && --fmaps[slot - 1].refs == 0)
		fmaps_used--;
}

/* A piece of area old (a cut, a protection change) maps the same file,
 * at its own offset. */
static void area_same_file(struct area *piece, const struct area *old)
{
	if (!old->fmap)
		return;
	piece->flags = old->flags;
	piece->fmap = old->fmap;
	piece->foff = old->foff + (piece->va - old->va);
	fmaps[old->fmap - 1].refs++;
}

/* Area a's bytes back into its file, if it maps one for writing. */
static void area_writeback(const struct area *a)
{
	if (a->fmap && (a->flags & AREA_FILE_RW))
		file_writeback(fmaps[a->fmap - 1].vpath, a->foff, a->ptr, a->len);
}

static bool maps_file(const struct area *a, const char *vpath)
{
	return a->fmap && strcmp(fmaps[a->fmap - 1].vpath, vpath) == 0;
}

void fmaps_sync(const char *vpath)
{
	for (uint32_t i = 0; fmaps_used && i < PROC_MAX; i++)
		for (uint32_t k = 0; k < procs[i].nareas; k++)
			if (maps_file(&procs[i].area[k], vpath))
				area_writeback(&procs[i].area[k]);
}

void fmaps_refresh(const char *vpath, uint64_t off, uint64_t len)
{
	for (uint32_t i = 0; fmaps_used && i < PROC_MAX; i++)
		for (uint32_t k = 0; k < procs[i].nareas; k++) {
			struct area *a = &procs[i].area[k];
			if (!maps_file(a, vpath) || !a->ptr_write || off + len <= a->foff ||
			    a->foff + a->len <= off)
				continue;
			uint64_t lo = off > a->foff ? off : a->foff;
			uint64_t hi = off + len < a->foff + a->len ? off + len : a->foff + a->len;
			file_fill(vpath, lo, a->ptr + (lo - a->foff), hi - lo);
		}
}

/* Drops area a: its caps (which unmaps it from the process and from
 * linuxd) and its window.  The Mem itself comes back with its slab; a
 * shared file mapping's bytes go back to the file first. */
static void area_drop(struct proc *p, struct area *a)
{
	int slab = a->slab;

	area_writeback(a);
	fmap_put(a->fmap);
	area_mirrors_drop(a);
	vx_cap_delete(a->mem);
	if (a->local)
		local_unmap(a->local, a->ptr, a->len);
	if (a->cow >= 0)
		cow_refs[a->cow]--;
	*a = p->area[--p->nareas];
	slab_unref(slab);
}

/*
 * Makes an area [va, va + len) with a zeroed Mem, mapped writable into
 * linuxd but not yet into the process (area_protect does that).  Returns
 * it, or NULL with *err set.
 */
/* A zeroed Mem of len bytes from p's slabs, mapped writable into linuxd:
 * the Mem's handle (*local, *ptr, *slab the rest), or a negative errno
 * with nothing held. */
static int64_t fresh_mem(struct proc *p, uint64_t len, vx_handle_t *local, uint8_t **ptr,
			 int8_t *slab)
{
	int64_t m = mem_alloc(p, len / VX_PAGE_SIZE, slab);

	if (m < 0)
		return m;
	int64_t l = local_map((vx_handle_t)m, len, VX_R_READ | VX_R_WRITE,
			      VX_PROT_READ | VX_PROT_WRITE, ptr);
	if (l < 0) {
		vx_cap_delete((vx_handle_t)m);
		return l;
	}
	*local = (vx_handle_t)l;
	return m;
}

static struct area *area_make(struct proc *p, uint64_t va, uint64_t len, uint32_t flags, int *err)
{
	vx_handle_t local;
	uint8_t *ptr;
	int8_t slab;

	if (p->nareas == AREA_MAX) {
		*err = -LX_ENOMEM;
		return NULL;
	}
	int64_t m = fresh_mem(p, len, &local, &ptr, &slab);
	if (m < 0) {
		*err = (int)m;
		return NULL;
	}
	struct area *a = &p->area[p->nareas++];
	*a = (struct area){.va = va,
			   .len = len,
			   .prot = LX_PROT_NONE,
			   .flags = flags,
			   .mem = (vx_handle_t)m,
			   .local = local,
			   .ptr = ptr,
			   .ptr_write = true,
			   .slab = slab,
			   .cow = -1};
	slab_ref(slab);
	return a;
}

/*
 * Gives a its protection: mapped into the process with prot (not at all
 * for PROT_NONE), and into linuxd read-only when executable (W^X holds
 * per frame) or read-write otherwise.  -LX_EACCES for W+X.
 */
static int area_protect(struct proc *p, struct area *a, uint32_t prot)
{
	if ((prot & LX_PROT_WRITE) && (prot & LX_PROT_EXEC))
		return -LX_EACCES;
	if (a->prot != LX_PROT_NONE || a->text)
		area_unmap_tasks(a);
	if (a->local) {
		/* Shared copy-on-write, nobody writes it, linuxd neither. */
		bool want_write = !(prot & LX_PROT_EXEC) && a->cow < 0;
		if (want_write != a->ptr_write) {
			vx_task_unmap(a->local);
			if (vx_task_map(self_task, a->local, (uint64_t)(uintptr_t)a->ptr,
					VX_PROT_READ | (want_write ? VX_PROT_WRITE : 0)) != VX_OK)
				return -LX_ENOMEM;
			a->ptr_write = want_write;
		}
	}
	a->prot = prot;
	if (prot != LX_PROT_NONE && area_map_tasks(p, a, area_vprot(a)) != 0) {
		area_unmap_tasks(a);
		a->prot = LX_PROT_NONE;
		return -LX_ENOMEM;
	}
	return 0;
}

/*
 * Copy-on-write, broken for area a of p, which is about to be written (a
 * write fault of the process, or linuxd writing into it).  The last area
 * to map the Mem takes it over and writes in place; any other gets a copy
 * of its own.  0, or -LX_ENOMEM (nothing changed).
 */
int area_unshare(struct proc *p, struct area *a)
{
	p = p->grp;
	if (a->cow < 0)
		return 0;
	if (cow_refs[a->cow] == 1) {
		cow_refs[a->cow] = 0;
		a->cow = -1;
		return area_protect(p, a, a->prot);
	}
	vx_handle_t local;
	uint8_t *ptr;
	int8_t slab;
	int64_t m = fresh_mem(p, a->len, &local, &ptr, &slab);
	if (m < 0)
		return -LX_ENOMEM;
	memcpy(ptr, a->ptr, a->len);
	/* The shared Mem goes from this area: its mappings with its caps. */
	area_mirrors_drop(a);
	vx_cap_delete(a->mem);
	local_unmap(a->local, a->ptr, a->len);
	cow_refs[a->cow]--;
	int old = a->slab;
	a->mem = (vx_handle_t)m;
	a->local = local;
	a->ptr = ptr;
	a->ptr_write = true;
	a->slab = slab;
	a->cow = -1;
	slab_ref(slab);
	slab_unref(old);
	uint32_t prot = a->prot;
	a->prot = LX_PROT_NONE; /* nothing mapped in the process now */
	return area_protect(p, a, prot);
}

int area_new(struct proc *p, uint64_t va, uint64_t len, uint32_t prot, uint32_t flags)
{
	int err;
	struct area *a;

	p = p->grp;
	if ((va | len) & (VX_PAGE_SIZE - 1) || len == 0 || va < VX_USER_MIN ||
	    va + len > VX_MAP_END || va + len < va)
		return -LX_ENOMEM;
	if ((a = area_make(p, va, len, flags, &err)) == NULL)
		return err;
	if ((err = area_protect(p, a, prot)) != 0) {
		area_drop(p, a);
		return err;
	}
	return 0;
}

/* The shared copy of file bytes [off, off + len) of root archive entry
 * ent (zero past the file's end), loading it at first use. */
static struct text *text_get(uint32_t ent, uint64_t off, uint64_t len)
{
	struct text *t = NULL;
	int8_t slab;
	uint64_t lva;

	for (uint32_t i = 0; i < TEXT_MAX; i++)
		if (texts[i].used && texts[i].ent == ent && texts[i].off == off &&
		    texts[i].len == len)
			return &texts[i];
	for (int round = 0; round < 2 && !t; round++) {
		for (uint32_t i = 0; i < TEXT_MAX && !t; i++)
			if (!texts[i].used)
				t = &texts[i];
		if (!t && !texts_evict()) /* a full cache: what no process maps goes */
			return NULL;
	}
	int64_t m = mem_alloc(NULL, len / VX_PAGE_SIZE, &slab);
	if (m < 0)
		return NULL;
	if ((lva = win_get(len)) == 0 ||
	    vx_task_map(self_task, (vx_handle_t)m, lva, VX_PROT_READ | VX_PROT_WRITE) != VX_OK) {
		if (lva)
			win_put(lva, len);
		vx_cap_delete((vx_handle_t)m);
		return NULL;
	}
	const struct tar_ent *e = &root_ix.ent[ent];
	uint64_t n = off < e->size ? e->size - off : 0;
	memcpy((void *)(uintptr_t)lva, root_tar + e->off + off, n < len ? n : len);
	/* Read-only from here on: it will be executable in processes. */
	vx_task_unmap((vx_handle_t)m);
	if (vx_task_map(self_task, (vx_handle_t)m, lva, VX_PROT_READ) != VX_OK) {
		vx_cap_delete((vx_handle_t)m);
		win_put(lva, len);
		return NULL;
	}
	*t = (struct text){.used = true,
			   .ent = ent,
			   .off = off,
			   .len = len,
			   .mem = (vx_handle_t)m,
			   .ptr = (uint8_t *)(uintptr_t)lva,
			   .slab = slab};
	return t;
}

/*
 * The text cache gives back what no process maps: each such text's Mem and
 * window go, and a text slab no cached text lives in any more is reset and
 * free for anyone.  (A Reticle frees only whole, so a slab comes back only
 * with every text in it.)  Called when memory or the cache runs short;
 * returns how many texts and slabs went.
 */
static unsigned texts_evict(void)
{
	bool mapped[TEXT_MAX] = {false}, live[SLAB_MAX] = {false};
	unsigned n = 0;

	for (uint32_t i = 0; i < PROC_MAX; i++)
		for (uint32_t k = 0; k < procs[i].nareas; k++)
			if (procs[i].area[k].text)
				mapped[procs[i].area[k].text - texts] = true;
	for (uint32_t i = 0; i < TEXT_MAX; i++) {
		struct text *t = &texts[i];
		if (!t->used)
			continue;
		if (mapped[i] || t == text_pinned) {
			live[t->slab] = true;
			continue;
		}
		vx_cap_delete(t->mem); /* and its mapping into linuxd */
		win_put((uint64_t)(uintptr_t)t->ptr, t->len);
		t->used = false;
		n++;
	}
	for (uint32_t i = 0; i < nslabs; i++)
		if (slabs[i].owner == TEXT_OWNER && !live[i]) {
			vx_reticle_reset(slabs[i].h);
			slabs[i].owner = 0;
			n++;
		}
	return n;
}

/* Maps t at va with prot into p (as an area of its own). */
static int area_of_text(struct proc *p, struct text *t, uint64_t va, uint32_t prot)
{
	if (p->nareas == AREA_MAX)
		return -LX_ENOMEM;
	if (prot & LX_PROT_WRITE)
		return -LX_EACCES;
	int64_t c = derive(t->mem, VX_R_READ | VX_R_EXEC);
	if (c < 0)
		return -LX_ENOMEM;
	struct area *a = &p->area[p->nareas++];
	*a = (struct area){.va = va,
			   .len = t->len,
			   .prot = LX_PROT_NONE,
			   .flags = 0,
			   .mem = (vx_handle_t)c,
			   .ptr = t->ptr,
			   .text = t,
			   .slab = -1,
			   .cow = -1};
	if (prot != LX_PROT_NONE && area_map_tasks(p, a, vx_prot(prot)) != 0) {
		area_drop(p, a);
		return -LX_ENOMEM;
	}
	a->prot = prot;
	return 0;
}

int area_text(struct proc *p, uint32_t ent, uint64_t va, uint64_t len, uint64_t off, uint32_t prot)
{
	struct text *t = text_get(ent, off, len);

	p = p->grp;
	if (!t)
		return -LX_ENOMEM;
	text_pinned = t;
	int err = area_of_text(p, t, va, prot);
	text_pinned = NULL;
	return err;
}

/* Replaces area a by private copies of its parts outside [va, va + len)
 * (none, one or two), keeping their protection. */
static int area_cut(struct proc *p, struct area *a, uint64_t va, uint64_t len)
{
	uint64_t lo[2], hi[2];
	unsigned n = 0;
	struct area *piece[2] = {NULL, NULL};
	int err = 0;
	struct area old = *a;

	if (old.va < va)
		lo[n] = old.va, hi[n++] = va;
	if (va + len < old.va + old.len)
		lo[n] = va + len, hi[n++] = old.va + old.len;
	if (p->nareas + n > AREA_MAX)
		return -LX_ENOMEM;
	threads_hold(p); /* what they would write meanwhile would be lost */
	uint32_t idx = (uint32_t)(a - p->area);
	for (unsigned i = 0; i < n; i++) {
		if ((piece[i] = area_make(p, lo[i], hi[i] - lo[i], old.flags, &err)) == NULL) {
			for (unsigned k = 0; k < i; k++)
				area_drop(p, &p->area[p->nareas - 1]);
			return err;
		}
		memcpy(piece[i]->ptr, old.ptr + (lo[i] - old.va), hi[i] - lo[i]);
		area_same_file(piece[i], &old);
	}
	/* The old area goes first, so that the pieces can take its place. */
	area_drop(p, &p->area[idx]);
	for (unsigned i = 0; i < n; i++) {
		struct area *pa = area_find(p, lo[i]);
		if (pa && (err = area_protect(p, pa, old.prot)) != 0)
			return err;
	}
	return 0;
}

int area_unmap(struct proc *p, uint64_t va, uint64_t len)
{
	p = p->grp;
	for (uint32_t i = 0; i < p->nareas;) {
		struct area *a = &p->area[i];
		if (!(va < a->va + a->len && a->va < va + len)) {
			i++;
			continue;
		}
		if (va <= a->va && a->va + a->len <= va + len) {
			area_drop(p, a); /* the last area moved into slot i */
			continue;
		}
		int err = area_cut(p, a, va, len);
		if (err)
			return err;
		i = 0; /* the table changed under us: look again */
	}
	return 0;
}

void mem_release(struct proc *p)
{
	p = p->grp;
	while (p->nareas)
		area_drop(p, &p->area[p->nareas - 1]);
	/* Its slabs go back, but for those still holding Mems that fork
	 * shared with others: they go when the last such area does. */
	for (uint32_t i = 0; i < p->nslabs; i++) {
		struct slab *s = &slabs[(uint32_t)p->slab[i]];
		if (s->refs) {
			s->owner = DETACHED;
		} else {
			vx_reticle_reset(s->h);
			s->owner = 0;
		}
	}
	p->nslabs = 0;
}

/* The child maps a's Mem too, with a's protection: read-only in both
 * until one writes when a is copy-on-write (cow >= 0: area_unshare, on
 * its write fault), or writable in both when a is MAP_SHARED.  The Mem's
 * write rights are kept either way: the last holder of a copy-on-write
 * Mem writes in place. */
static int area_map_same(struct proc *child, const struct area *a)
{
	bool shared = a->cow < 0;
	uint8_t *ptr;

	int64_t m = derive(a->mem, VX_R_READ | VX_R_WRITE | VX_R_EXEC);
	if (m < 0)
		return -LX_ENOMEM;
	int64_t l = local_map(a->mem, a->len, VX_R_READ | VX_R_WRITE,
			      VX_PROT_READ | (shared ? VX_PROT_WRITE : 0), &ptr);
	if (l < 0) {
		vx_cap_delete((vx_handle_t)m);
		return (int)l;
	}
	struct area *c = &child->area[child->nareas++];
	*c = (struct area){.va = a->va,
			   .len = a->len,
			   .prot = LX_PROT_NONE,
			   .flags = a->flags,
			   .mem = (vx_handle_t)m,
			   .local = (vx_handle_t)l,
			   .ptr = ptr,
			   .ptr_write = shared,
			   .slab = a->slab,
			   .cow = a->cow,
			   .fmap = a->fmap,
			   .foff = a->foff};
	if (a->cow >= 0)
		cow_refs[a->cow]++;
	if (a->fmap)
		fmaps[a->fmap - 1].refs++;
	slab_ref(a->slab);
	return area_protect(child, c, a->prot);
}

/* An area in a fork: a MAP_SHARED one (AREA_SHARED) is mapped as it is;
 * any other becomes copy-on-write, in the parent too. */
static int area_share(struct proc *child, struct proc *parent, struct area *a)
{
	int err;

	if (child->nareas == AREA_MAX)
		return -LX_ENOMEM;
	if (!(a->flags & AREA_SHARED) && a->cow < 0) {
		int g = cow_new();
		if (g < 0)
			return -LX_ENOMEM;
		a->cow = (int16_t)g;
		cow_refs[g] = 1;
		if ((err = area_protect(parent, a, a->prot)) != 0) /* now read-only */
			return err;
	}
	return area_map_same(child, a);
}

int mem_fork(struct proc *child, struct proc *parent)
{
	int err;

	parent = parent->grp;

	for (uint32_t i = 0; i < parent->nareas; i++) {
		struct area *a = &parent->area[i];
		if (a->text) {
			if ((err = area_of_text(child, a->text, a->va, a->prot)) != 0)
				return err;
			continue;
		}
		if ((err = area_share(child, parent, a)) != 0)
			return err;
	}
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	child->mmap_next = parent->mmap_next;
	return 0;
}

/* ------------------------------------------------------ process memory */

uint8_t *user_span(struct proc *p, uint64_t va, size_t *n, bool write)
{
	p = p->grp;
	struct area *a = area_find(p, va);

	if (!a || !(a->prot & LX_PROT_READ) || (write && !(a->prot & LX_PROT_WRITE)))
		return NULL;
	if (write && a->cow >= 0 && area_unshare(p, a) != 0)
		return NULL; /* no memory for its copy: as a fault */
	if (write && !a->ptr_write)
		return NULL;
	uint64_t room = a->va + a->len - va;
	if (*n > room)
		*n = (size_t)room;
	return a->ptr + (va - a->va);
}

int copy_in(struct proc *p, void *dst, uint64_t va, size_t n)
{
	uint8_t *d = dst;

	while (n) {
		size_t k = n;
		uint8_t *s = user_span(p, va, &k, false);
		if (!s)
			return -LX_EFAULT;
		memcpy(d, s, k);
		d += k, va += k, n -= k;
	}
	return 0;
}

int copy_out(struct proc *p, uint64_t va, const void *src, size_t n)
{
	const uint8_t *s = src;

	while (n) {
		size_t k = n;
		uint8_t *d = user_span(p, va, &k, true);
		if (!d)
			return -LX_EFAULT;
		memcpy(d, s, k);
		s += k, va += k, n -= k;
	}
	return 0;
}

int64_t copy_str(struct proc *p, char *dst, uint64_t va, size_t cap)
{
	size_t got = 0;

	while (got < cap) {
		size_t k = cap - got;
		const uint8_t *s = user_span(p, va + got, &k, false);
		if (!s)
			return -LX_EFAULT;
		for (size_t i = 0; i < k; i++) {
			dst[got + i] = (char)s[i];
			if (s[i] == 0)
				return (int64_t)(got + i);
		}
		got += k;
	}
	return -LX_ENAMETOOLONG;
}

/* ------------------------------------------------------------ syscalls */

static uint64_t page_up(uint64_t x)
{
	return (x + VX_PAGE_SIZE - 1) & ~(uint64_t)(VX_PAGE_SIZE - 1);
}

/* The end of the heap's mapped areas. */
static uint64_t heap_end(const struct proc *p)
{
	uint64_t end = page_up(p->brk_start);

	for (bool grew = true; grew;) {
		grew = false;
		for (uint32_t i = 0; i < p->nareas; i++)
			if ((p->area[i].flags & AREA_HEAP) && p->area[i].va == end) {
				end += p->area[i].len;
				grew = true;
			}
	}
	return end;
}

#define HEAP_CHUNK (256u * 1024u)

int64_t sys_brk(struct proc *p, const uint64_t *a)
{
	p = p->grp;
	uint64_t want = a[0], end = heap_end(p);

	if (want < p->brk_start || want > p->brk_start + (1ull << 30))
		return (int64_t)p->brk;
	while (want > end) {
		uint64_t need = page_up(want) - end, chunk = need < HEAP_CHUNK ? HEAP_CHUNK : need;
		if (chunk > SLAB_PAGES * VX_PAGE_SIZE)
			chunk = SLAB_PAGES * VX_PAGE_SIZE & ~(uint64_t)(HEAP_CHUNK - 1);
		if (!range_free(p, end, chunk) ||
		    area_new(p, end, chunk, LX_PROT_READ | LX_PROT_WRITE, AREA_HEAP) != 0)
			return (int64_t)p->brk;
		end += chunk;
	}
	/* Memory given back and taken again reads as zeros, as on Linux. */
	if (want < p->brk) {
		uint64_t va = want;
		while (va < p->brk) {
			size_t k = (size_t)(p->brk - va);
			uint8_t *d = user_span(p, va, &k, true);
			if (!d)
				break;
			memset(d, 0, k);
			va += k;
		}
	}
	p->brk = want;
	return (int64_t)want;
}

/* A free range of len bytes for mmap(NULL): below the last one placed. */
static uint64_t place(struct proc *p, uint64_t len)
{
	uint64_t top = p->mmap_next;

	for (int tries = 0; tries < 64 && top > len + (1ull << 32); tries++) {
		uint64_t va = top - len;
		bool clash = false;
		for (uint32_t i = 0; i < p->nareas; i++) {
			struct area *ar = &p->area[i];
			if (va < ar->va + ar->len && ar->va < va + len) {
				top = ar->va;
				clash = true;
				break;
			}
		}
		if (!clash) {
			p->mmap_next = va;
			return va;
		}
	}
	return 0;
}

int file_mmap_bytes(struct proc *p, int fd, uint64_t off, uint8_t *dst, uint64_t len,
		    uint32_t *tar_ent);

int64_t sys_mmap(struct proc *p, const uint64_t *a)
{
	uint64_t addr = a[0], len = page_up(a[1]), off = a[5];
	uint32_t prot = (uint32_t)a[2], flags = (uint32_t)a[3];
	int fd = (int)a[4], err;
	uint32_t type = flags & LX_MAP_TYPE;

	p = p->grp;

	if (a[1] == 0 || len < a[1] || (off & (VX_PAGE_SIZE - 1)) ||
	    (type != LX_MAP_PRIVATE && type != LX_MAP_SHARED && type != LX_MAP_SHARED_VALIDATE))
		return -LX_EINVAL;
	if (prot & ~(uint32_t)(LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC))
		return -LX_EINVAL;
	if (len > 64ull * SLAB_PAGES * VX_PAGE_SIZE)
		return -LX_ENOMEM;
	bool fixed = (flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE)) != 0;
	if (fixed) {
		if (addr & (VX_PAGE_SIZE - 1))
			return -LX_EINVAL;
		if (addr < VX_USER_MIN || addr + len > VX_MAP_END || addr + len < addr)
			return -LX_ENOMEM; /* outside the address space: as Linux */
		if ((flags & LX_MAP_FIXED_NOREPLACE) && !range_free(p, addr, len))
			return -LX_EEXIST;
		if ((err = area_unmap(p, addr, len)) != 0)
			return err;
	} else if (addr && !(addr & (VX_PAGE_SIZE - 1)) && addr >= VX_USER_MIN &&
		   addr + len <= VX_MAP_END && addr + len > addr && range_free(p, addr, len)) {
		/* the hint is free: take it */
	} else if ((addr = place(p, len)) == 0) {
		return -LX_ENOMEM;
	}
	/* A file's read-only private pages are shared (the text cache). */
	if (!(flags & LX_MAP_ANONYMOUS)) {
		uint32_t ent = TAR_NONE;
		if ((err = file_mmap_bytes(p, fd, off, NULL, len, &ent)) != 0)
			return err;
		if (ent != TAR_NONE && !(prot & LX_PROT_WRITE) && type == LX_MAP_PRIVATE &&
		    len <= SLAB_PAGES * VX_PAGE_SIZE) {
			if ((err = area_text(p, ent, addr, len, off, prot)) != 0)
				return err;
			return (int64_t)addr;
		}
	}
	/* Anonymous (MAP_SHARED: every process that fork makes from this one
	 * maps the same Mem, AREA_SHARED), a private copy of the file, or a
	 * shared mapping of a vfsd file (AREA_FILE: its bytes go back to the
	 * file, and reads and writes of the file see them), in areas of at
	 * most a slab each. */
	uint32_t aflags = type != LX_MAP_PRIVATE ? AREA_SHARED : 0;
	static char vpath[PATH_LEN];
	bool rw = false;
	int fmap = 0;
	if (!(flags & LX_MAP_ANONYMOUS) && type != LX_MAP_PRIVATE) {
		int t = file_shared_target(p, fd, vpath, &rw);
		if (t == -LX_EACCES && !(prot & LX_PROT_WRITE))
			t = 1; /* the root archive, read-only: a copy is the same thing */
		if (t < 0)
			return t;
		if (t == 0) { /* a file; 1: /dev/zero, or a copy */
			if ((prot & LX_PROT_WRITE) && !rw)
				return -LX_EACCES;
			aflags |= AREA_FILE | (rw ? AREA_FILE_RW : 0);
			fmaps_sync(vpath); /* what other mappings of it wrote */
		}
	}
	for (uint64_t done = 0; done < len;) {
		uint64_t n = len - done, max = SLAB_PAGES * VX_PAGE_SIZE;
		if (n > max)
			n = max & ~(uint64_t)0xffff;
		struct area *ar = area_make(p, addr + done, n, aflags, &err);
		if (!ar) {
			area_unmap(p, addr, done);
			return err;
		}
		if (!(flags & LX_MAP_ANONYMOUS) &&
		    (err = file_mmap_bytes(p, fd, off + done, ar->ptr, n, NULL)) != 0) {
			area_unmap(p, addr, done + n);
			return err;
		}
		/* The file's only once it holds the file's bytes: a drop before
		 * would write zeros back. */
		if ((aflags & AREA_FILE) && (fmap = fmap_get(vpath)) < 0) {
			area_unmap(p, addr, done + n);
			return fmap;
		}
		if (aflags & AREA_FILE) {
			ar->fmap = (uint8_t)fmap;
			ar->foff = off + done;
		}
		if ((err = area_protect(p, ar, prot)) != 0) {
			area_unmap(p, addr, done + n);
			return err;
		}
		done += n;
	}
	return (int64_t)addr;
}

int64_t sys_munmap(struct proc *p, const uint64_t *a)
{
	uint64_t addr = a[0], len = page_up(a[1]);

	p = p->grp;
	if ((addr & (VX_PAGE_SIZE - 1)) || a[1] == 0 || addr + len < addr ||
	    addr + len > VX_USER_END)
		return -LX_EINVAL;
	return area_unmap(p, addr, len);
}

/* msync: a shared file mapping's bytes go back to its file (every flag
 * does it at once: linuxd has nothing to do in the background).  Every
 * page of the range must be mapped (ENOMEM). */
int64_t sys_msync(struct proc *p, const uint64_t *a)
{
	uint64_t addr = a[0], len = page_up(a[1]);
	uint32_t flags = (uint32_t)a[2];

	p = p->grp;
	if ((addr & (VX_PAGE_SIZE - 1)) || addr + len < addr ||
	    (flags & ~(uint32_t)(LX_MS_ASYNC | LX_MS_INVALIDATE | LX_MS_SYNC)) ||
	    ((flags & LX_MS_ASYNC) && (flags & LX_MS_SYNC)))
		return -LX_EINVAL;
	for (uint64_t va = addr; va < addr + len;) {
		struct area *ar = area_find(p, va);
		if (!ar)
			return -LX_ENOMEM;
		area_writeback(ar);
		va = ar->va + ar->len;
	}
	return 0;
}

int64_t sys_mprotect(struct proc *p, const uint64_t *a)
{
	uint64_t addr = a[0], len = page_up(a[1]);
	uint32_t prot = (uint32_t)a[2];
	int err;

	p = p->grp;
	if ((addr & (VX_PAGE_SIZE - 1)) || addr + len < addr)
		return -LX_EINVAL;
	if (prot & ~(uint32_t)(LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC))
		return -LX_EINVAL;
	if (len == 0)
		return 0;
	/* Every page of the range must be mapped; a shared mapping of a file
	 * opened read-only stays so (Linux: EACCES). */
	for (uint64_t va = addr; va < addr + len;) {
		struct area *ar = area_find(p, va);
		if (!ar)
			return -LX_ENOMEM;
		if ((prot & LX_PROT_WRITE) && (ar->flags & AREA_FILE) &&
		    !(ar->flags & AREA_FILE_RW))
			return -LX_EACCES;
		va = ar->va + ar->len;
	}
	for (uint64_t va = addr; va < addr + len;) {
		struct area *ar = area_find(p, va);
		uint64_t end = ar->va + ar->len < addr + len ? ar->va + ar->len : addr + len;
		if (ar->prot != prot) {
			if (ar->va < va || end < ar->va + ar->len || ar->text) {
				/* Part of an area (or shared text): the range becomes an
				 * area of its own, copied before the rest is cut away. */
				struct area *mid = area_make(p, va, end - va, ar->flags, &err);
				if (!mid)
					return err;
				threads_hold(p);
				ar = area_find(p, va); /* the old one: found first, mid is newer */
				memcpy(mid->ptr, ar->ptr + (va - ar->va), end - va);
				area_same_file(mid, ar);
				if ((err = area_cut(p, ar, va, end - va)) != 0)
					return err;
				if ((mid = area_find(p, va)) == NULL ||
				    (err = area_protect(p, mid, prot)) != 0)
					return err ? err : -LX_ENOMEM;
			} else if ((err = area_protect(p, ar, prot)) != 0) {
				return err;
			}
		}
		va = end;
	}
	return 0;
}

int64_t sys_mremap(struct proc *p, const uint64_t *a)
{
	(void)p;
	(void)a;
	return -LX_ENOMEM; /* callers (glibc realloc) fall back to copying */
}

/* Advice is taken and not acted on; the range must still be mapped. */
int64_t sys_madvise(struct proc *p, const uint64_t *a)
{
	uint64_t addr = a[0], len = page_up(a[1]);

	p = p->grp;
	if ((addr & (VX_PAGE_SIZE - 1)) || addr + len < addr)
		return -LX_EINVAL;
	for (uint64_t va = addr; va < addr + len;) {
		struct area *ar = area_find(p, va);
		if (!ar)
			return -LX_ENOMEM;
		va = ar->va + ar->len;
	}
	return 0;
}

/* The file an area maps, for /proc/PID/maps: a text's archive path and
 * (*off) the file offset at its start;
 * NULL for anyone else (linuxd keeps no Linux name for a private copy of
 * a file, nor for a shared mapping of one on vfsd). */
const char *area_name(const struct area *a, uint64_t *off)
{
	*off = a->text ? a->text->off : (a->flags & AREA_FILE) ? a->foff : 0;
	return a->text ? tar_path(&root_ix, a->text->ent) : NULL;
}
