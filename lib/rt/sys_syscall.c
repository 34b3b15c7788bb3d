/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The out-of-line pieces of the syscall layer.  The wrappers themselves are
 * static inline in rt/syscall.h; this file holds what assembly must call.
 */
#include "rt/syscall.h"
#include "rt/start.h"

/*
 * start.S calls this with main's return value.  It is a real symbol (not an
 * inline) so that assembly can reach it.  Never returns.
 */
_Noreturn void vx_rt_exit(int64_t code)
{
	vx_task_exit(code);
}
