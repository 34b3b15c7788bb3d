/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GPT: reading a disk's partition table (UEFI specification, "GUID
 * Partition Table (GPT) Disk Layout").  docs/STORAGE.md explains the
 * layout and why each rule is here.
 *
 * WHAT THIS WORKS ON
 *
 * The caller owns the disk and reads it: vx_gpt_parse asks for blocks
 * through the callback `read` (one block at a time, into a buffer inside
 * struct vx_gpt) and never allocates.  Logical blocks are 512 or 4096
 * bytes, as the caller says; every LBA in the table is in those blocks.
 * The same code runs in a driver Task and on the host
 * (tests/host/test_gpt.c, tests/fuzz/fuzz_gpt.c).
 *
 * TRUST
 *
 * Every byte of the disk may be hostile.  Nothing read from it is used as
 * an index, a size or a loop bound before it is checked against the disk
 * and against the limits below, all sums are done so they cannot wrap,
 * and each refusal names its reason (enum vx_gpt_why) beside the VX_E_*
 * code:
 *
 *   VX_E_INVAL     the caller's arguments: block size not 512 or 4096, a
 *                  disk smaller than VX_GPT_MIN_BLOCKS, a NULL pointer
 *   VX_E_NOTFOUND  not a GPT disk: LBA 0 has no MBR signature, or its MBR
 *                  has no 0xEE (protective) entry
 *   VX_E_TYPE      a hybrid MBR: the 0xEE entry shares the MBR with other
 *                  partitions.  Two tables describing one disk can
 *                  disagree, and a grant must have one source of truth
 *   VX_E_CORRUPT   the protective entry does not start at LBA 1 or does
 *                  not cover the disk (or 2 TiB of it); neither the
 *                  primary nor the backup header and entry array is valid
 *                  (why names the primary's fault, backup_why the
 *                  backup's); two partitions overlap
 *   VX_E_RANGE     a partition ends before it starts, or lies outside
 *                  FirstUsableLBA..LastUsableLBA
 *   VX_E_TOOBIG    more than VX_GPT_MAX_PARTS entries are in use
 *   any error the callback returns (< 0), passed through, when it failed
 *                  reading LBA 0, or a copy it could not read was needed
 *                  (the primary's error first); why is then VX_GPT_READ
 *
 * Which header is used: the primary (LBA 1) if it is valid; otherwise
 * (an unreadable block of it included) the backup (the last LBA), and
 * then `source` says so and `why` keeps the primary's fault, so the
 * caller can warn that the disk wants repair.
 * When the primary is used the backup is checked too, and backup_why
 * reports it (VX_GPT_OK or its fault); the parse does not fail for it.
 * Partitions are checked only in the copy used: a table whose CRCs are
 * good but whose partitions are wrong was written that way, and the other
 * copy is not consulted.
 */
#ifndef VX_BLK_GPT_H
#define VX_BLK_GPT_H

#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"

#define VX_GPT_MAX_PARTS  128u	     /* partitions reported (entries in use) */
#define VX_GPT_ARRAY_MAX  (1u << 20) /* bytes: entry count * entry size */
#define VX_GPT_BLOCK_MAX  4096u	     /* the larger block size */
#define VX_GPT_MIN_BLOCKS 6u	     /* MBR, header, one array block, one usable, backup pair */
#define VX_GPT_NAME_UNITS 36u	     /* UTF-16 code units of a name on disk */
/* UTF-8 of a name: each unit is at most 3 bytes (a surrogate pair, two
 * units, is 4), plus the NUL. */
#define VX_GPT_NAME_BYTES (VX_GPT_NAME_UNITS * 3u + 1u)

/* Why a parse failed, or why a copy of the table was not used. */
enum vx_gpt_why {
	VX_GPT_OK = 0,
	VX_GPT_ARGS,		   /* the caller's arguments */
	VX_GPT_READ,		   /* the callback failed */
	VX_GPT_MBR_SIGNATURE,	   /* LBA 0 does not end in 55 AA */
	VX_GPT_MBR_NOT_PROTECTIVE, /* no 0xEE entry */
	VX_GPT_MBR_HYBRID,	   /* 0xEE and other entries */
	VX_GPT_MBR_RANGE,	   /* 0xEE entry not LBA 1 .. end of disk */
	VX_GPT_HDR_SIGNATURE,	   /* not "EFI PART" */
	VX_GPT_HDR_REVISION,	   /* major revision not 1 */
	VX_GPT_HDR_SIZE,	   /* HeaderSize not 92 .. block size */
	VX_GPT_HDR_CRC,		   /* HeaderCRC32 wrong */
	VX_GPT_HDR_MY_LBA,	   /* MyLBA is not where it was read */
	VX_GPT_HDR_ALTERNATE_LBA,  /* AlternateLBA not the other copy's place */
	VX_GPT_HDR_USABLE,	   /* usable range empty or off the disk */
	VX_GPT_HDR_ENTRY_SIZE,	   /* not 128 * 2^n */
	VX_GPT_HDR_ENTRY_COUNT,	   /* 0, or count * size > VX_GPT_ARRAY_MAX */
	VX_GPT_HDR_ARRAY_LBA,	   /* array off the disk or over usable space */
	VX_GPT_ARRAY_CRC,	   /* PartitionEntryArrayCRC32 wrong */
	VX_GPT_PART_REVERSED,	   /* EndingLBA < StartingLBA */
	VX_GPT_PART_OUTSIDE,	   /* beyond FirstUsableLBA..LastUsableLBA */
	VX_GPT_PART_OVERLAP,	   /* shares blocks with another partition */
	VX_GPT_PART_TOO_MANY,	   /* more than VX_GPT_MAX_PARTS in use */
	VX_GPT_WHY_COUNT,
};

enum vx_gpt_source {
	VX_GPT_NONE = 0,
	VX_GPT_PRIMARY = 1, /* the header at LBA 1 */
	VX_GPT_BACKUP = 2,  /* the header at the last LBA */
};

/* GUIDs are kept in their on-disk bytes (the first three fields little
 * endian); vx_gpt_guid_format prints the usual text form. */
struct vx_gpt_guid {
	uint8_t b[16];
};

struct vx_gpt_part {
	uint32_t index;		 /* the entry's position in the array, from 0 */
	struct vx_gpt_guid type; /* PartitionTypeGUID, never zero here */
	struct vx_gpt_guid uuid; /* UniquePartitionGUID */
	uint64_t first_lba;	 /* StartingLBA */
	uint64_t last_lba;	 /* EndingLBA, inclusive */
	uint64_t attributes;
	char name[VX_GPT_NAME_BYTES]; /* UTF-8, NUL-terminated */
};

struct vx_gpt {
	/* Results, valid when vx_gpt_parse returns VX_OK (why and
	 * backup_why also after a failure). */
	uint32_t block_size;
	uint32_t source;      /* enum vx_gpt_source */
	uint32_t why;	      /* VX_GPT_OK, or the primary's fault */
	uint32_t backup_why;  /* the backup's fault, VX_GPT_OK if valid */
	uint32_t bad_index;   /* a PART_* failure: the entry at fault */
	uint32_t other_index; /* PART_OVERLAP: the entry it overlaps */
	uint64_t nblocks;     /* the disk's size, as the caller gave it */
	uint64_t first_usable, last_usable;
	struct vx_gpt_guid disk_guid;
	uint32_t nparts;
	struct vx_gpt_part part[VX_GPT_MAX_PARTS]; /* in array order */
	/* Scratch for one block; its contents are not part of the result. */
	uint8_t io[VX_GPT_BLOCK_MAX];
};

/* Reads `count` blocks starting at `lba` into buf (count * block size
 * bytes).  Returns VX_OK or an error (< 0), which the parse passes on.
 * vx_gpt_parse calls it with count 1 and lba < nblocks only. */
typedef int (*vx_blk_read_fn)(void *ctx, uint64_t lba, uint32_t count, void *buf);

/* Parses the partition table of a disk of `nblocks` blocks of
 * `block_size` bytes, read through read(ctx, ...), into *g.  Returns
 * VX_OK or one of the errors above, with g->why (and g->backup_why,
 * bad_index, other_index) saying exactly which rule failed.  *g is
 * overwritten whatever the outcome. */
int vx_gpt_parse(vx_blk_read_fn read, void *ctx, uint32_t block_size, uint64_t nblocks,
		 struct vx_gpt *g);

/* A fixed name for each enum vx_gpt_why ("hdr-crc", ...), "?" for others. */
const char *vx_gpt_why_name(uint32_t why);

/* Writes g as text ("c12a7328-f81f-11d2-ba4b-00a0c93ec93b", 36 bytes and
 * a NUL) to out, which must hold 37 bytes. */
void vx_gpt_guid_format(const struct vx_gpt_guid *g, char out[37]);

/* Decodes n UTF-16LE code units at src (stopping at the first zero unit)
 * into NUL-terminated UTF-8 in out, which holds cap >= 1 bytes.  An
 * unpaired surrogate becomes U+FFFD; a character that would not fit with
 * its NUL ends the string there.  Returns the bytes written before the
 * NUL. */
size_t vx_utf16le_to_utf8(const uint8_t *src, size_t n, char *out, size_t cap);

#endif
