/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * devices: what devd found and runs (vectra/proto/devices.h).
 *
 *   devices              every PCI function: address, vendor:device,
 *                        class, driver, state, interrupts, and the last
 *                        stop or refusal
 *   devices crash ADDR   make ADDR's driver fault (BB:DD.F, hex), to watch
 *                        devd stop the device and restart the driver
 */
#include "shell.h"
#include "vectra/proto/devices.h"
#include "vx_string.h"

static const char *state_name(uint8_t s)
{
	static const char *const names[] = {"-",       "running", "restarting",
					    "gave up", "refused", "removed"};

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* PCI's base classes, for people. */
static const char *class_name(uint8_t c)
{
	static const char *const names[] = {
	    "unclassified", "storage", "network", "display", "multimedia", "memory",	 "bridge",
	    "comms",	    "system",  "input",	  "docking", "processor",  "serial bus",
	};

	return c < sizeof(names) / sizeof(names[0]) ? names[c] : "other";
}

static int hexval(char ch)
{
	return ch >= '0' && ch <= '9'	? ch - '0'
	       : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
	       : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
					: -1;
}

/* "BB:DD.F": bus and device in hex, function 0..7. */
static bool parse_bdf(const char *s, uint16_t *bdf)
{
	int d[6];

	if (strlen(s) != 7 || s[2] != ':' || s[5] != '.')
		return false;
	const int at[] = {0, 1, 3, 4, 6};
	for (int i = 0; i < 5; i++)
		if ((d[i] = hexval(s[at[i]])) < 0)
			return false;
	uint32_t dev = (uint32_t)(d[2] << 4 | d[3]);
	if (dev > 31 || d[4] > 7)
		return false;
	*bdf = (uint16_t)VX_PCI_BDF(d[0] << 4 | d[1], dev, d[4]);
	return true;
}

static void list(void)
{
	struct vx_msg m;
	struct dev_info di;
	uint32_t n = 0;
	int rc;

	con_printf("ADDR     VENDOR:DEV  CLASS         DRIVER        STATE       IRQS  NOTE\n");
	for (uint32_t i = 0;; i++) {
		memset(&m, 0, sizeof(m));
		m.op = DEV_LIST;
		memcpy(m.data, &i, sizeof(i));
		m.len = sizeof(i);
		rc = client_call(&shell.dev, &m);
		if (rc == VX_E_NOTFOUND)
			break;
		if (client_report("devices", &shell.dev, rc))
			return;
		if (m.len < sizeof(di)) {
			con_printf("devices: devd sent a short answer\n");
			return;
		}
		memcpy(&di, m.data, sizeof(di));
		di.driver[sizeof(di.driver) - 1] = 0;
		di.note[sizeof(di.note) - 1] = 0;
		con_printf("%02x:%02x.%x  %04x:%04x   %-13s %-13s %-10s %5lu  %s\n", di.bdf >> 8,
			   (di.bdf >> 3) & 31, di.bdf & 7, di.vendor, di.device,
			   class_name(di.class_code), di.driver[0] ? di.driver : "-",
			   state_name(di.state), (unsigned long)di.irqs, di.note);
		n++;
	}
	con_printf("%u PCI functions\n", n);
}

/* For ps: one line per driver Task devd runs (or ran), under init's
 * services.  Quiet when devd is not there. */
void dev_ps_lines(void)
{
	struct dev_info di;

	if (!shell.dev.open)
		return;
	for (uint32_t i = 0;; i++) {
		struct vx_msg m = {.op = DEV_LIST, .len = sizeof(i)};
		memcpy(m.data, &i, sizeof(i));
		if (client_call(&shell.dev, &m) != VX_OK || m.len < sizeof(di))
			return;
		memcpy(&di, m.data, sizeof(di));
		if (!di.driver[0] || di.state == DEV_UNCLAIMED)
			continue;
		di.driver[sizeof(di.driver) - 1] = 0;
		di.note[sizeof(di.note) - 1] = 0;
		char cpu[8], used[24];
		vx_snprintf(cpu, sizeof(cpu), "%u", di.cpu);
		con_printf("%-16s %-11s %3s %8u  %-10s %10s  %s (driver of %02x:%02x.%x, devd)\n",
			   di.driver, state_name(di.state), di.cpu == 0xff ? "-" : cpu, di.restarts,
			   "devd",
			   di.driver_bytes ? vsh_show_bytes(used, sizeof(used), di.driver_bytes)
					   : "-",
			   di.note[0] ? di.note : "-", di.bdf >> 8, (di.bdf >> 3) & 31, di.bdf & 7);
	}
}

void cmd_devices(const struct vsh_cmd *c)
{
	struct vx_msg m = {.op = DEV_CRASH};
	uint16_t bdf;
	int rc;

	if (c->argc == 1) {
		list();
		return;
	}
	if (c->argc != 3 || strcmp(c->argv[1], "crash") != 0) {
		con_printf("usage: devices | devices crash BB:DD.F\n");
		return;
	}
	if (!parse_bdf(c->argv[2], &bdf)) {
		con_printf("devices: '%s' is not a PCI address (BB:DD.F, hex; DD below 20, F below "
			   "8)\n",
			   c->argv[2]);
		return;
	}
	memcpy(m.data, &bdf, sizeof(bdf));
	m.len = sizeof(bdf);
	rc = client_call(&shell.dev, &m);
	if (rc == VX_E_NOTFOUND && shell.dev.open)
		con_printf("devices: no PCI function at %s\n", c->argv[2]);
	else if (rc == VX_E_STATE)
		con_printf("devices: %s has no running driver\n", c->argv[2]);
	else if (!client_report("devices", &shell.dev, rc))
		con_printf("devices: made %s's driver fault; devd stops the device and restarts "
			   "it\n",
			   c->argv[2]);
}
