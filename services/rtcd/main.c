/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtcd: the wall clock (vectra/proto/rtc.h).  The driver of the PC's CMOS
 * clock, and nothing more: it reads the clock once, at start, and answers
 * RTC_NOW from that reading plus the kernel's monotonic clock since.
 *
 * Bundle (services/init/etc/manifest):
 *   cmos   I/O ports 0x70 (index) and 0x71 (data), read and write
 *   port   Ring: connections named "rtc"
 *   console.req/.rep  uartd: one line at start, what the clock said
 *
 * Reading the clock.  The MC146818 updates its registers once a second and
 * says so in register A (bit 7, "update in progress") for up to 2 ms
 * before; a read across an update can mix two seconds.  So rtcd waits
 * until no update is in progress, reads every register, and does it
 * again until two reads agree: at most READS_MAX reads, each waiting at
 * most UIP_SPINS port reads.  A clock that never settles, or that holds
 * no valid date, is VX_E_CORRUPT to every client (pure_rtc.c decides).
 *
 * Exit codes: 3 no cmos ports, 5 no port.
 */
#include <stdbool.h>
#include <stdint.h>
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/errstr.h"
#include "rt/syscall.h"
#include "client/console.h"
#include "vectra/proto/rtc.h"
#include "pure_rtc.h"
#include "vx_string.h"

#define VA_SRV	   0x20000000ull
#define VA_CON	   0x21000000ull
#define BIT_SRV	   1u
#define BIT_CON	   2u
#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define UIP_SPINS  100000
#define READS_MAX  8

static struct {
	vx_handle_t io;
	struct vx_server srv;
	struct vx_client con;
	bool have_con;
	int status;	   /* VX_OK, or what every RTC_NOW answers */
	uint64_t base_ns;  /* the clock's reading, ns since 1970 */
	uint64_t clock_ns; /* VX_SYS_CLOCK when it was read */
} R;

static uint8_t cmos(uint8_t reg)
{
	vx_port_out(R.io, CMOS_INDEX, VX_PORT_WIDTH_8, reg);
	int64_t v = vx_port_in(R.io, CMOS_DATA, VX_PORT_WIDTH_8);
	return v < 0 ? 0xff : (uint8_t)v;
}

/* One read of every register, after any update in progress; false when
 * the update never ended. */
static bool read_once(struct rtc_regs *r)
{
	int spins = 0;

	while (cmos(RTC_REG_A) & RTC_A_UIP)
		if (++spins == UIP_SPINS)
			return false;
	r->sec = cmos(RTC_REG_SEC);
	r->min = cmos(RTC_REG_MIN);
	r->hour = cmos(RTC_REG_HOUR);
	r->day = cmos(RTC_REG_DAY);
	r->month = cmos(RTC_REG_MONTH);
	r->year = cmos(RTC_REG_YEAR);
	r->century = cmos(RTC_REG_CENTURY);
	r->b = cmos(RTC_REG_B);
	return true;
}

/* Reads until two reads agree: VX_OK with *c, or VX_E_CORRUPT. */
static int read_clock(struct vx_civil *c)
{
	struct rtc_regs a, b;

	if (!read_once(&a))
		return VX_E_CORRUPT;
	for (int i = 1; i < READS_MAX; i++) {
		if (!read_once(&b))
			return VX_E_CORRUPT;
		if (memcmp(&a, &b, sizeof(a)) == 0)
			return rtc_decode(&a, c);
		a = b;
	}
	return VX_E_CORRUPT; /* it never held still */
}

static enum vx_svc_disp serve(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
			      void *ctx)
{
	(void)s;
	(void)ctx;
	for (uint32_t i = 0; i < m->ncaps && i < VX_RING_XFER_MAX; i++) {
		int64_t h = vx_ring_recv_cap(c->req_h); /* none is wanted */
		if (h >= 0)
			vx_cap_delete((vx_handle_t)h);
		else if (h != VX_E_REVOKED)
			break;
	}
	int rc = m->op != RTC_NOW		? VX_E_NOSYS
		 : m->len != 0 || m->ncaps != 0 ? VX_E_INVAL
						: R.status;
	m->ncaps = 0;
	m->len = 0;
	m->status = rc;
	if (rc == VX_OK) {
		uint64_t now = (uint64_t)vx_clock();
		struct rtc_now n = {.unix_ns = R.base_ns + (now - R.clock_ns), .clock_ns = now};
		memcpy(m->data, &n, sizeof(n));
		m->len = sizeof(n);
	}
	return VX_SVC_REPLY;
}

int main(const struct vx_bundle_page *b, const char *args)
{
	int64_t io = vx_bundle_handle(b, "cmos", VX_OBJ_IOPORT);
	struct vx_civil c;

	(void)args;
	R.have_con = vx_client_open(&R.con, b, "console", VA_CON, BIT_CON) == VX_OK;
	if (io < 0)
		return 3;
	R.io = (vx_handle_t)io;
	R.status = read_clock(&c);
	R.clock_ns = (uint64_t)vx_clock();
	if (R.status == VX_OK)
		R.base_ns = (uint64_t)vx_civil_to_unix(&c) * 1000000000ull;
	if (R.have_con) {
		if (R.status == VX_OK)
			vx_con_printf(
			    &R.con, "rtcd: the CMOS clock says %04u-%02u-%02u %02u:%02u:%02u UTC\n",
			    c.year, c.month, c.day, c.hour, c.minute, c.second);
		else
			vx_con_printf(&R.con, "rtcd: the CMOS clock holds no valid date: %s\n",
				      vx_errname(R.status));
	}
	if (vx_server_init(&R.srv, b, VA_SRV, BIT_SRV) != VX_OK)
		return 5;
	for (;;) {
		vx_server_wait(&R.srv, 0, VX_DEADLINE_NEVER);
		vx_server_poll(&R.srv, serve, NULL);
	}
}
