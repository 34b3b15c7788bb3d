/* SPDX-License-Identifier: BSD-3-Clause */
/* Showing values to a person (see pure_show.h). */
#include "pure_show.h"
#include "vx_fmt.h"
#include <vectra/abi.h>
#include "vectra/proto/init.h"

#define NAMED(table, i, other)                                                                     \
	((i) < sizeof(table) / sizeof((table)[0]) && (table)[i] ? (table)[i] : (other))

char *vsh_show_uptime(char *buf, size_t size, uint64_t ns)
{
	uint64_t ms = ns / 1000000u;

	vx_snprintf(buf, size, "%llu:%02llu:%02llu.%03llu", (unsigned long long)(ms / 3600000u),
		    (unsigned long long)(ms / 60000u % 60u), (unsigned long long)(ms / 1000u % 60u),
		    (unsigned long long)(ms % 1000u));
	return buf;
}

char *vsh_show_rights(char *buf, uint32_t rights)
{
	static const char letters[] = "rwxpcog";

	for (uint32_t i = 0; i < 7; i++)
		buf[i] = rights & (1u << i) ? letters[i] : '-';
	buf[7] = '\0';
	return buf;
}

char *vsh_show_bytes(char *buf, size_t size, uint64_t bytes)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	uint64_t whole = bytes, tenths = 0;
	uint32_t u = 0;

	while (whole >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		tenths = (whole % 1024) * 10 / 1024;
		whole /= 1024;
		u++;
	}
	if (u > 0 && whole < 10 && tenths)
		vx_snprintf(buf, size, "%llu.%llu %s", (unsigned long long)whole,
			    (unsigned long long)tenths, units[u]);
	else
		vx_snprintf(buf, size, "%llu %s", (unsigned long long)whole, units[u]);
	return buf;
}

const char *vsh_type_name(uint32_t type)
{
	static const char *const names[] = {
	    [VX_OBJ_RETICLE] = "Reticle", [VX_OBJ_TASK] = "Task",     [VX_OBJ_MEM] = "Mem",
	    [VX_OBJ_RING] = "Ring",	  [VX_OBJ_SIGNAL] = "Signal", [VX_OBJ_BUNDLE] = "Bundle",
	    [VX_OBJ_IRQ] = "Irq",	  [VX_OBJ_IOPORT] = "IoPort",
	};
	return NAMED(names, type, "?");
}

const char *vsh_state_name(uint32_t state)
{
	static const char *const names[] = {
	    [INIT_RUNNING] = "running",
	    [INIT_RESTARTING] = "restarting",
	    [INIT_STOPPED] = "stopped",
	    [INIT_GAVE_UP] = "gave-up",
	};
	return NAMED(names, state, "?");
}

const char *vsh_policy_name(uint32_t policy)
{
	static const char *const names[] = {[1] = "always", [2] = "on-failure", [3] = "never"};
	return NAMED(names, policy, "?");
}
