/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FAT32, read and write, as a pure library (docs/STORAGE.md).  Written from
 * the facts of Microsoft's FAT specification (FAT: General Overview of
 * On-Disk Format, 1.03): the BPB, the FSInfo sector, the 28-bit FAT
 * entries and the long-name (LFN) directory entries.
 *
 * WHAT THE CALLER BRINGS
 *
 * A block device of 512-byte sectors as three callbacks and its size
 * (struct vx_fat_dev), and one struct vx_fat, the whole work area: the
 * volume's geometry, a one-sector FAT cache, a one-sector data cache and a
 * scratch directory entry.  Nothing is allocated; sizeof(struct vx_fat)
 * is 2992 bytes on x86-64, struct vx_fat_dirent 824 and struct vx_fat_node
 * 40, and no function puts more than a few hundred bytes on the stack.
 * The library is not reentrant: one struct vx_fat is used by one thread
 * at a time.  A struct vx_fat_dircur (zeroed) walks one directory.
 *
 * Callbacks return 0 or a negative VX_E_* that the library passes back
 * unchanged.  read/write move `count` whole sectors starting at `lba`.
 *
 * FILES
 *
 * A file or directory is named by a '/'-separated path from the root
 * ("a/b/c.txt"; leading, trailing and repeated '/' are ignored) and is
 * reached through a struct vx_fat_node, which vx_fat_lookup fills: where
 * its directory entry is, its first cluster, size and attributes.  Names
 * match case-insensitively in ASCII (other characters exactly), against
 * both the long name and the 8.3 name.  A node stays valid until the
 * entry is unlinked or renamed; vx_fat_write and vx_fat_truncate update the
 * node they are given and its directory entry.
 *
 * Names are UTF-8.  A name needs a long-name entry unless it already is an
 * upper-case 8.3 name; the library then writes the UTF-16 long name and a
 * unique 8.3 alias ("LONGNA~1.TXT") with its checksum.  The limits, each
 * with its error:
 *
 *   a name longer than 255 UTF-16 units    VX_E_TOOBIG
 *   a path of more than 32 components      VX_E_DEPTH
 *   a path longer than 4096 bytes          VX_E_TOOBIG
 *   invalid UTF-8, a name with a control or one of  " * / : < > ? \ |,
 *     ".", "..", or ending in ' ' or '.'   VX_E_INVAL
 *   a file beyond 4 GiB - 1 bytes           VX_E_TOOBIG
 *   a directory beyond 65536 entries        VX_E_FULL
 *   no free cluster left                   VX_E_NOMEM (the operation is
 *                                          undone: nothing half-written)
 *   the name exists                        VX_E_EXISTS
 *   a path that names nothing              VX_E_NOTFOUND
 *   a file where a directory is needed     VX_E_TYPE (and the reverse)
 *   a directory that is not empty          VX_E_BUSY
 *
 * HOSTILE IMAGES
 *
 * The image is untrusted.  Mount checks every BPB field (VX_E_CORRUPT, or
 * VX_E_TYPE for a FAT12/FAT16 volume, VX_E_RANGE for a volume larger than
 * the device; v->why names the check that failed, vx_fat_why_str says it
 * in words).  Every cluster-chain walk is bounded by the cluster count and
 * checks each link: a link to a cluster that is out of range, free or
 * marked bad, a loop, or a chain shorter than the file's size is
 * VX_E_CORRUPT.  A cross-link between two files is caught once one side
 * is freed (the other then links to a free cluster); a full check of the
 * FAT is not done.  A directory entry whose cluster is out of range or
 * whose 8.3 name holds control bytes is VX_E_CORRUPT; a long-name entry
 * that is out of order or whose checksum does not match the 8.3 entry is
 * ignored (the 8.3 name is used).
 *
 * DURABILITY
 *
 * Directory entries and file data are written through; FAT changes are
 * cached one sector at a time and written to every FAT copy when the
 * cache moves on.  vx_fat_sync writes the FAT cache and the FSInfo sector
 * (free count and next-free hint) and then calls flush: after it returns 0
 * the volume is consistent on the device.
 */
#ifndef VX_FS_FAT32_H
#define VX_FS_FAT32_H

#include <stdbool.h>
#include <stdint.h>

#define VX_FAT_SECTOR	   512
#define VX_FAT_NAME_MAX	   255			     /* UTF-16 units of a long name */
#define VX_FAT_NAME_BYTES  (VX_FAT_NAME_MAX * 3 + 1) /* as UTF-8, with its NUL */
#define VX_FAT_DEPTH_MAX   32			     /* components of a path */
#define VX_FAT_PATH_MAX	   4096			     /* bytes of a path */
#define VX_FAT_DIR_ENTRIES 65536		     /* 32-byte entries in one directory */
#define VX_FAT_FILE_MAX	   0xFFFFFFFFu

/* Attributes of a directory entry. */
#define VX_FAT_RDONLY 0x01
#define VX_FAT_HIDDEN 0x02
#define VX_FAT_SYSTEM 0x04
#define VX_FAT_VOLID  0x08
#define VX_FAT_DIR    0x10
#define VX_FAT_ARCH   0x20

struct vx_fat_dev {
	void *ctx;
	int (*read)(void *ctx, uint64_t lba, uint32_t count, void *buf);
	int (*write)(void *ctx, uint64_t lba, uint32_t count, const void *buf);
	int (*flush)(void *ctx);
	uint64_t sectors; /* the device's size in 512-byte sectors */
};

/* Which mount check failed (v->why), beside the VX_E_* it returned. */
enum vx_fat_why {
	VX_FAT_OK = 0,
	VX_FAT_IO,		  /* the device's read failed */
	VX_FAT_BAD_SIGNATURE,	  /* no 0x55 0xAA at the end of sector 0 */
	VX_FAT_BAD_JUMP,	  /* the boot jump is neither EB xx 90 nor E9 */
	VX_FAT_BAD_SECTOR_SIZE,	  /* BytsPerSec is not 512 */
	VX_FAT_BAD_CLUSTER_SIZE,  /* SecPerClus is not a power of two */
	VX_FAT_BAD_RESERVED,	  /* RsvdSecCnt is 0 */
	VX_FAT_BAD_NUM_FATS,	  /* NumFATs is not 1 or 2 */
	VX_FAT_BAD_MEDIA,	  /* Media is not F0 or F8..FF */
	VX_FAT_NOT_FAT32,	  /* RootEntCnt, TotSec16 or FATSz16 set: FAT12/16 */
	VX_FAT_FAT12,		  /* fewer than 4085 clusters */
	VX_FAT_FAT16,		  /* fewer than 65525 clusters */
	VX_FAT_BAD_VERSION,	  /* FSVer is not 0.0 */
	VX_FAT_BAD_TOTAL,	  /* TotSec32 is 0 or the FATs fill the volume */
	VX_FAT_TOO_BIG,		  /* the volume is larger than the device */
	VX_FAT_BAD_FAT_SIZE,	  /* FATSz32 cannot hold every cluster */
	VX_FAT_TOO_MANY_CLUSTERS, /* more than 0x0FFFFFF5 clusters */
	VX_FAT_BAD_ROOT,	  /* RootClus outside the clusters */
	VX_FAT_BAD_FSINFO_SECTOR, /* FSInfo sector number outside the reserved area */
	VX_FAT_WHY_COUNT
};

/* A file or directory: where its entry is and what it says. */
struct vx_fat_node {
	uint32_t first;	    /* first cluster; 0 for an empty file */
	uint32_t size;	    /* bytes (0 for a directory) */
	uint8_t attr;	    /* VX_FAT_* */
	bool root;	    /* the root directory has no entry */
	uint32_t parent;    /* first cluster of the directory holding the entry */
	uint32_t lfn_index; /* index of its first long-name entry (== index if none) */
	uint32_t index;	    /* index of its 8.3 entry in the parent */
	uint64_t ent_lba;   /* the sector holding the 8.3 entry */
	uint16_t ent_off;   /* its byte offset in that sector */
};

/* One entry as vx_fat_readdir reports it. */
struct vx_fat_dirent {
	struct vx_fat_node node;
	char short_name[13];	      /* "NAME.EXT" */
	char name[VX_FAT_NAME_BYTES]; /* the long name if valid, else the 8.3 one */
};

/* A position in a directory for vx_fat_readdir: zero it to start. */
struct vx_fat_dircur {
	uint32_t index; /* the next entry to read */
	uint32_t first; /* the directory it was started on */
	uint32_t clus;	/* the cluster holding entries of cidx */
	uint32_t cidx;	/* which cluster of the chain clus is */
	uint32_t mark;	/* loop detection (Brent): the cluster compared against */
	uint32_t power; /* ... steps until mark moves */
	uint32_t lam;	/* ... steps since it last moved */
	uint32_t steps; /* links followed: bounded by the cluster count */
	bool started;
};

struct vx_fat {
	struct vx_fat_dev dev;
	uint32_t spc;	     /* sectors per cluster */
	uint32_t cbytes;     /* bytes per cluster */
	uint32_t fat_lba;    /* first sector of FAT 0 */
	uint32_t fat_size;   /* sectors per FAT */
	uint32_t nfats;	     /* copies written (1 if mirroring is off) */
	uint32_t fat_active; /* the FAT read (0 unless mirroring is off) */
	uint32_t data_lba;   /* first sector of cluster 2 */
	uint32_t nclusters;  /* clusters 2 .. nclusters + 1 exist */
	uint32_t root;	     /* the root directory's first cluster */
	uint32_t fsinfo_lba; /* 0: no usable FSInfo sector */
	uint32_t free_count; /* free clusters; UINT32_MAX until counted */
	uint32_t next_free;  /* where the next allocation starts looking */
	uint16_t date, time; /* stamped on entries written (FAT format; 0: 1980-01-01) */
	enum vx_fat_why why; /* the last mount's verdict */
	bool fsinfo_dirty;
	bool fat_dirty;
	uint32_t fat_cached; /* sector index within a FAT, UINT32_MAX: none */
	uint64_t sec_lba;    /* lba held in sec, UINT64_MAX: none */
	uint8_t fat[VX_FAT_SECTOR];
	uint8_t sec[VX_FAT_SECTOR];
	uint16_t lfn[260];		  /* long name being assembled (20 entries x 13) */
	uint16_t name16[VX_FAT_NAME_MAX]; /* a name being created, as UTF-16 */
	struct vx_fat_dirent scratch;	  /* lookups' entry */
};

/* Reads and checks the boot sector and FSInfo of dev into v; 0 or a VX_E_*
 * (see HOSTILE IMAGES), v->why saying which check failed. */
int vx_fat_mount(struct vx_fat *v, const struct vx_fat_dev *dev);
/* A sentence for a mount verdict. */
const char *vx_fat_why_str(enum vx_fat_why why);
/* Fills *n for the root directory. */
void vx_fat_root(const struct vx_fat *v, struct vx_fat_node *n);
/* Finds path (see FILES); 0, VX_E_NOTFOUND, VX_E_TYPE (a file used as a
 * directory), VX_E_INVAL/TOOBIG/DEPTH for a bad path, or VX_E_CORRUPT. */
int vx_fat_lookup(struct vx_fat *v, const char *path, struct vx_fat_node *n);
/* The next entry of directory dir after *cur (zeroed to start; "." and
 * ".." are skipped); 1 with *e filled and *cur advanced, 0 at the end,
 * VX_E_TYPE if dir is not a directory, VX_E_CORRUPT.  A cursor belongs to
 * one directory; the directory may grow between calls. */
int vx_fat_readdir(struct vx_fat *v, const struct vx_fat_node *dir, struct vx_fat_dircur *cur,
		   struct vx_fat_dirent *e);
/* Copies up to len bytes at off of file n into buf; the count (0 at or past
 * the end), VX_E_TYPE for a directory, VX_E_CORRUPT for a broken chain. */
long vx_fat_read(struct vx_fat *v, const struct vx_fat_node *n, uint32_t off, void *buf,
		 uint32_t len);
/* Creates an empty file at path (its directory must exist); 0 with *n
 * filled, VX_E_EXISTS, VX_E_FULL, VX_E_NOMEM, or a lookup error. */
int vx_fat_create(struct vx_fat *v, const char *path, struct vx_fat_node *n);
/* Writes len bytes at off into file n, allocating clusters and zero-filling
 * any gap past the old end; len or VX_E_TOOBIG (past 4 GiB - 1), VX_E_NOMEM
 * (disk full: the file is as it was), VX_E_TYPE, VX_E_CORRUPT. */
long vx_fat_write(struct vx_fat *v, struct vx_fat_node *n, uint32_t off, const void *buf,
		  uint32_t len);
/* Sets file n's size, freeing clusters past it or zero-extending; 0 or the
 * errors of vx_fat_write. */
int vx_fat_truncate(struct vx_fat *v, struct vx_fat_node *n, uint32_t size);
/* Creates directory path with its "." and ".." entries; the errors of
 * vx_fat_create. */
int vx_fat_mkdir(struct vx_fat *v, const char *path);
/* Removes a file or an empty directory and frees its clusters; 0,
 * VX_E_BUSY (directory not empty), VX_E_INVAL (the root), a lookup error. */
int vx_fat_unlink(struct vx_fat *v, const char *path);
/* Renames from to to, both in the same directory; 0, VX_E_INVAL (other
 * directories), VX_E_EXISTS, VX_E_FULL, a lookup error.  A directory keeps
 * its clusters, so its ".." stays right. */
int vx_fat_rename(struct vx_fat *v, const char *from, const char *to);
/* Free clusters (counted from the FAT if FSInfo gave no plausible figure)
 * into *clusters, and bytes into *bytes; 0 or VX_E_CORRUPT/IO. */
int vx_fat_free(struct vx_fat *v, uint32_t *clusters, uint64_t *bytes);
/* Writes the FAT cache to every FAT, the FSInfo sector, then flushes. */
int vx_fat_sync(struct vx_fat *v);

#endif
