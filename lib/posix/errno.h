/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Translation between VectraOS and Linux for linuxd: a VectraOS error as
 * the Linux errno a program expects, and a system call's number as its
 * name.
 */
#ifndef VX_POSIX_ERRNO_H
#define VX_POSIX_ERRNO_H

#include "posix/linux.h"

/*
 * Returns vx_err as a Linux result: a value >= 0 (success, a count) as it
 * is, a VectraOS error (VX_E_*) as a negative Linux errno:
 *
 *   BADHANDLE, STALE, REVOKED  -EBADF     (the file behind a descriptor is gone)
 *   TYPE, INVAL, ALIGN, STATE, RANGE
 *                              -EINVAL
 *   RIGHTS                     -EACCES
 *   NOMEM, DEPTH               -ENOMEM
 *   FAULT                      -EFAULT
 *   FULL                       -ENOSPC
 *   EMPTY, AGAIN               -EAGAIN
 *   NOTFOUND                   -ENOENT
 *   EXISTS                     -EEXIST
 *   NOSYS                      -ENOSYS
 *   TIMEOUT                    -ETIMEDOUT
 *   CORRUPT, AUTH              -EIO       (the stored bytes failed a check)
 *   TOOBIG                     -EFBIG     (a size limit; a path's length is
 *                                          caught first by lx_path_vx_ok,
 *                                          which says -ENAMETOOLONG)
 *   BUSY                       -EBUSY
 *   REFUSED                    -ECONNREFUSED
 *   RESET                      -ECONNRESET
 *   UNREACH                    -EHOSTUNREACH
 *   HANGUP                     -EPIPE     (the other end of a Ring went away)
 *   anything else < 0          -EIO
 *
 * A caller with a better answer in context (ENOTEMPTY from a directory's
 * STATE, say) tests for that error before calling this.
 */
int lx_errno_of(int vx_err);

/*
 * The name of system call nr ("read", "openat", "rseq"), or NULL for a
 * number x86_64 does not assign (335..423, and nr >= LX_SYS_COUNT).  The
 * names are lx_sys_name(LX_SYS_x) == "x" for every LX_SYS_x of linux.h.
 */
const char *lx_sys_name(unsigned nr);

#endif
