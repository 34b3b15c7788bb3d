/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The boot manifest: which services init starts, and with what authority.
 *
 * init reads etc/manifest from the boot image, parses all of it with
 * mf_parse and starts nothing unless the whole file is valid.  The format
 * is text a person edits; docs/MANIFEST.md describes every directive, its
 * default and every error.  In short:
 *
 *     service NAME                   opens a block; the rest belong to it
 *         binary NAME                program bin/NAME (default: the service name)
 *         restart always|on-failure|never          (default on-failure)
 *         memory SIZE                its own Reticle, 64K..256M (default 2M)
 *         serve NAME [attached]      serves connections named NAME; attached:
 *                                    each comes with init's record of its grant
 *         connect NAME[.GRANT] [as SLOT]   Bundle slots SLOT.req/SLOT.rep;
 *                                    .GRANT narrows a connection to an
 *                                    attached service (its record says GRANT)
 *         dma unconfined             may ask for DMA without an IOMMU
 *         grant SLOT = ioport BASE COUNT [r|w|rw] | irq LINE |
 *                      reticle SIZE | bootimg | self | boot DEVCAP
 *
 * WHAT A VALID RESULT PROMISES (init relies on each of these)
 *
 *   - 1 <= n <= MF_MAX_SERVICES; each service's counts are within limits.
 *   - Every name (service, binary, serve, connect target, as, grant slot)
 *     is 1..MF_NAME_MAX-1 bytes of [a-z0-9_.-], so every Bundle slot it
 *     yields, including SLOT.req and SLOT.rep, is a valid Bundle name.
 *   - Service names are unique; serve names are unique and never "init".
 *   - Within one service every Bundle slot name is unique: the grants'
 *     slots and the .req/.rep pair of each connect.  A service that serves
 *     has no grant named "port": init puts its port Ring there (rt/svc.h).
 *   - Every connect names "init" or a name another service serves;
 *     mf_server_of finds it.  Connections may be mutual (no cycle check).
 *     A connect whose name is not served but is SERVE.GRANT, SERVE served
 *     by a service marked attached, connects to SERVE with narrow = GRANT
 *     (1..MF_NAME_MAX-2 bytes); the service decides what GRANT means and
 *     refuses the connection if it means nothing to it.
 *   - memory and reticle sizes are whole 4 KiB pages in 64K..256M (what
 *     VX_SYS_RETICLE_SPLIT accepts); ioport ranges lie inside 0..0xffff
 *     with count >= 1; irq lines are 1..23 and not 2 (the cascade);
 *     boot names one of the device capabilities boot hands init
 *     (MF_BOOT_CAPS), by which a device manager reaches the hardware.
 *
 * The parser is pure: it allocates nothing, never reads outside
 * text[0..len) and does not need text to be NUL-terminated.
 */
#ifndef INIT_PURE_MANIFEST_H
#define INIT_PURE_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#define MF_MAX_SERVICES 16
#define MF_MAX_GRANTS	12
#define MF_MAX_CONNECTS 12
#define MF_NAME_MAX	24 /* incl. NUL */
/* A connection's grant (INIT_CONNECT "SERVE.GRANT"): vfsd's "read:PATH"
 * names a path (rt/path.h, VX_PATH_FULL_MAX), so this is longer. */
#define MF_GRANT_MAX 240 /* incl. NUL; a record is one message (VX_MSG_DATA) */
#define MF_ARGS_MAX  96	 /* incl. NUL */
#define MF_FILE_MAX  8192u
#define MF_LINE_MAX  200u /* bytes, not counting "\n" or "\r\n" */

/* Same values as struct init_task's policy field (vectra/proto/init.h). */
enum mf_restart { MF_ALWAYS = 1, MF_ON_FAILURE = 2, MF_NEVER = 3 };

enum mf_grant_kind { MF_IOPORT = 1, MF_IRQ, MF_RETICLE, MF_BOOTIMG, MF_SELF, MF_BOOT };

/* What "grant SLOT = boot NAME" may name: init's boot capabilities of the
 * device kind (docs/MANIFEST.md).  "mmio" grants every mmioN boot made, as
 * SLOT0, SLOT1, ...; the others are one slot. */
#define MF_BOOT_CAPS "ecam, mmio, pci, msi or devmem"

struct mf_grant {
	char slot[MF_NAME_MAX]; /* the Bundle slot name */
	uint32_t kind;		/* enum mf_grant_kind */
	uint32_t rights;	/* ioport: VX_R_READ and/or VX_R_WRITE; bootimg: VX_R_READ;
				   others 0 (init chooses) */
	uint64_t a, b;		/* ioport: base, count; irq: line in a; reticle: bytes in a */
	char boot[MF_NAME_MAX]; /* boot: the boot capability's name */
	uint32_t line;		/* where it was written, for init's messages */
};

struct mf_connect {
	char service[MF_NAME_MAX]; /* the serve name connected to ("init" included) */
	char narrow[MF_NAME_MAX];  /* the grant of a narrowed connection, "" for all */
	char as[MF_NAME_MAX];	   /* slot prefix: as.req / as.rep; = service if no "as" */
	uint32_t line;
};

struct mf_service {
	char name[MF_NAME_MAX];
	char binary[MF_NAME_MAX]; /* program bin/<binary>; = name by default */
	uint32_t restart;	  /* enum mf_restart */
	uint64_t memory;	  /* bytes of its own Reticle */
	uint32_t dma_unconfined;  /* "dma unconfined": its pci grant may make unconfined IoSpaces */
	char args[MF_ARGS_MAX];	  /* "args": what main gets as args; "" = its name */
	char serve[MF_NAME_MAX];  /* "" if none */
	uint32_t attached;	  /* "serve NAME attached": its connections carry records */
	uint32_t nconnect;
	struct mf_connect connect[MF_MAX_CONNECTS];
	uint32_t ngrant;
	struct mf_grant grant[MF_MAX_GRANTS];
	uint32_t line; /* its "service" line */
};

struct mf_manifest {
	uint32_t n;
	struct mf_service svc[MF_MAX_SERVICES]; /* in file order; unused entries zero */
};

/*
 * Parses text[0..len).  Returns VX_OK, or VX_E_INVAL / VX_E_TOOBIG (over
 * MF_FILE_MAX bytes) with err set to "manifest line N: <what is wrong>", or
 * "manifest: <what>" for whole-file problems.  On success err is "".  err
 * is always NUL-terminated when errlen > 0 (messages are cut to fit).
 * *out is fully written in every case; on failure it is all zero (n == 0),
 * so a half-parsed manifest can never be acted on.
 */
int mf_parse(const char *text, size_t len, struct mf_manifest *out, char *err, size_t errlen);

/* Index of the service that serves serve_name, or -1 (also for "" and
 * "init", which no service may serve). */
int mf_server_of(const struct mf_manifest *m, const char *serve_name);

#endif
