/* SPDX-License-Identifier: BSD-3-Clause */
/* VectraOS errors as Linux errnos, and system calls' names (posix/errno.h). */
#include "posix/errno.h"
#include <vectra/abi.h>

/* Indexed by -vx_err; every VX_E_* has its row. */
static const short linux_of[] = {
    [-VX_E_BADHANDLE] = LX_EBADF,   [-VX_E_STALE] = LX_EBADF,
    [-VX_E_TYPE] = LX_EINVAL,	    [-VX_E_RIGHTS] = LX_EACCES,
    [-VX_E_NOMEM] = LX_ENOMEM,	    [-VX_E_FAULT] = LX_EFAULT,
    [-VX_E_INVAL] = LX_EINVAL,	    [-VX_E_RANGE] = LX_EINVAL,
    [-VX_E_FULL] = LX_ENOSPC,	    [-VX_E_EMPTY] = LX_EAGAIN,
    [-VX_E_STATE] = LX_EINVAL,	    [-VX_E_NOTFOUND] = LX_ENOENT,
    [-VX_E_EXISTS] = LX_EEXIST,	    [-VX_E_NOSYS] = LX_ENOSYS,
    [-VX_E_TIMEOUT] = LX_ETIMEDOUT, [-VX_E_CORRUPT] = LX_EIO,
    [-VX_E_ALIGN] = LX_EINVAL,	    [-VX_E_DEPTH] = LX_ENOMEM,
    [-VX_E_AGAIN] = LX_EAGAIN,	    [-VX_E_AUTH] = LX_EIO,
    [-VX_E_TOOBIG] = LX_EFBIG,	    [-VX_E_REVOKED] = LX_EBADF,
    [-VX_E_BUSY] = LX_EBUSY,	    [-VX_E_REFUSED] = LX_ECONNREFUSED,
    [-VX_E_RESET] = LX_ECONNRESET,  [-VX_E_UNREACH] = LX_EHOSTUNREACH,
    [-VX_E_HANGUP] = LX_EPIPE,
};
_Static_assert(sizeof(linux_of) / sizeof(linux_of[0]) == 1 - VX_E_LAST,
	       "one Linux errno per VectraOS error");

int lx_errno_of(int vx_err)
{
	if (vx_err >= 0)
		return vx_err;
	if (vx_err < VX_E_LAST || linux_of[-vx_err] == 0)
		return -LX_EIO;
	return -linux_of[-vx_err];
}

static const char *const names[LX_SYS_COUNT] = {
#define LX_SYS_NAME(nr, name) [nr] = #name,
    LX_SYSCALLS(LX_SYS_NAME)
#undef LX_SYS_NAME
};

const char *lx_sys_name(unsigned nr)
{
	return nr < LX_SYS_COUNT ? names[nr] : NULL;
}
