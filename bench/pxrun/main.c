// SPDX-License-Identifier: BSD-3-Clause
/*
 * pxrun: the VectraOS side of the POSIX bridge's benchmarks (bench/run.sh,
 * docs/BENCHMARKS.md section 1.5).  Started once by init in the
 * bench-posix image (bench/etc/pxrun), it asks linuxd to run
 * /bench/pxbench (bench/linux/pxbench.c, the same static binary the Linux
 * guest runs), waits for it, and ends the run through QEMU's debug exit:
 * code 0 when pxbench exited 0.  pxbench's "bench ..." lines reach the
 * serial console through linuxd's terminal.
 *
 * Bundle: linux and console connections, "exit" (ioport 0xf4, write).
 */
#include "rt/vx.h"
#include "rt/svc.h"
#include "client/console.h"
#include "rt/errstr.h"
#include "vectra/proto/linux.h"
#include "vx_string.h"

#define VA_CONSOLE 0x10000000ull
#define VA_LINUX   0x10010000ull
#define MS	   1000000ull

static struct vx_client con, lx;

static _Noreturn void finish(vx_handle_t exit_port, int code)
{
	vx_con_printf(&con, "pxrun: %s\n", code ? "failed" : "done");
	if (exit_port)
		vx_port_out(exit_port, 0xf4, 1, (uint32_t)code); /* QEMU exits (2v + 1) */
	vx_task_exit(code);
}

int main(const struct vx_bundle_page *b, const char *args)
{
	static const char prog[] = "/bench/pxbench";
	int64_t port = vx_bundle_handle(b, "exit", VX_OBJ_IOPORT);
	vx_handle_t exit_port = port < 0 ? 0 : (vx_handle_t)port;
	struct vx_msg m;
	int rc = VX_E_AGAIN;

	(void)args;
	if (vx_client_open(&con, b, "console", VA_CONSOLE, 1) != VX_OK ||
	    vx_client_open(&lx, b, "linux", VA_LINUX, 2) != VX_OK)
		finish(exit_port, 2);
	vx_client_wait_up(&con, (uint64_t)vx_clock() + 5000 * MS);
	/* linuxd indexes its root archive first: ask until it answers. */
	for (int tries = 0; tries < 600 && rc != VX_OK; tries++) {
		uint32_t grants = 0; /* the benchmark needs nothing beyond the archive */
		memset(&m, 0, sizeof(m));
		m.op = LINUX_RUN;
		m.len = 4 + sizeof(prog);
		memcpy(m.data, &grants, 4);
		memcpy(m.data + 4, prog, sizeof(prog));
		vx_client_wait_up(&lx, (uint64_t)vx_clock() + 1000 * MS);
		rc = vx_client_call(&lx, &m, (uint64_t)vx_clock() + 5000 * MS);
		if (rc != VX_OK)
			vx_sig_wait(0, (uint64_t)vx_clock() + 100 * MS);
	}
	if (rc != VX_OK) {
		vx_con_printf(&con, "pxrun: linuxd would not run %s: %s\n", prog, vx_errname(rc));
		finish(exit_port, 2);
	}
	for (;;) {
		memset(&m, 0, sizeof(m));
		m.op = LINUX_WAIT;
		rc = vx_client_call(&lx, &m, (uint64_t)vx_clock() + 5000 * MS);
		if (rc == VX_OK && m.len == sizeof(struct linux_wait)) {
			struct linux_wait w;
			memcpy(&w, m.data, sizeof(w));
			finish(exit_port, w.status == 0 ? 0 : 2);
		}
		if (rc != VX_E_AGAIN)
			finish(exit_port, 2);
		vx_sig_wait(0, (uint64_t)vx_clock() + 10 * MS);
	}
}
