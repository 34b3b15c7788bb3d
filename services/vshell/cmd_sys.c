/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * System commands: ps kill crash mem (init, vectra/proto/init.h), caps and
 * uptime (the shell's own Bundle and the kernel clock).
 */
#include "shell.h"
#include "vectra/proto/init.h"
#include "client/rtc.h"
#include "rt/civil.h"
#include "pure_show.h"
#include "rt/errstr.h"
#include "vx_string.h"

#define PS_MAX 64u /* more than init ever supervises (MF_MAX_SERVICES) */

/* Sends INIT_KILL, INIT_CRASH or INIT_START for a service name; prints
 * failures. */
static int by_name(const char *cmd, uint32_t op, const char *name)
{
	struct vx_msg m = {.op = op};
	int rc;

	if (vx_msg_put_str(&m, name) < 0) {
		con_printf("%s: no such service: %s\n", cmd, name);
		return VX_E_NOTFOUND;
	}
	rc = client_call(&shell.init, &m);
	if (rc == VX_E_NOTFOUND || rc == VX_E_INVAL)
		con_printf("%s: no such service: %s\n", cmd, name);
	else if (rc == VX_E_BUSY && op == INIT_KILL)
		con_printf("%s: %s runs under policy always: init keeps it running, and without it "
			   "nothing could be typed (crash %s restarts it)\n",
			   cmd, name, name);
	else if (rc == VX_E_STATE && op == INIT_KILL)
		con_printf("%s: %s is not running\n", cmd, name);
	else if (rc == VX_E_STATE && op == INIT_CRASH)
		con_printf("%s: %s is not running (restarting, or stopped: see ps)\n", cmd, name);
	else if (rc == VX_E_STATE && op == INIT_START)
		con_printf("%s: %s is running, or about to restart (see ps)\n", cmd, name);
	else if (rc < 0 && !client_report(cmd, &shell.init, rc))
		con_printf("%s: %s: %s\n", cmd, name, vx_strerror(rc));
	return rc;
}

void cmd_ps(const struct vsh_cmd *c)
{
	struct init_task t;
	char used[24];
	uint32_t i;
	int rc = VX_OK;

	con_printf("%-16s %-11s %3s %8s  %-10s %10s  %s\n", "NAME", "STATE", "CPU", "RESTARTS",
		   "POLICY", "MEMORY", "LAST STOP");
	for (i = 0; i < PS_MAX; i++) {
		struct vx_msg m = {.op = INIT_PS, .len = 4};
		memcpy(m.data, &i, 4);
		if ((rc = client_call(&shell.init, &m)) < 0)
			break;
		if (m.len < sizeof(t)) {
			rc = VX_E_CORRUPT;
			break;
		}
		memcpy(&t, m.data, sizeof(t));
		t.name[sizeof(t.name) - 1] = '\0';
		con_printf("%-16s %-11s %3u %8u  %-10s %10s  %s\n", t.name, vsh_state_name(t.state),
			   t.cpu, t.restarts, vsh_policy_name(t.policy),
			   vsh_show_bytes(used, sizeof(used), t.reticle_used),
			   t.last_fault ? vx_fault_name(t.last_fault) : "-");
	}
	if (rc != VX_E_NOTFOUND && rc < 0 && !client_report("ps", &shell.init, rc))
		con_printf("ps: %s\n", vx_strerror(rc));
	dev_ps_lines();
	if (shell.last.valid)
		con_printf("last run: %s %s\n", shell.last.name, shell.last.outcome);
}

void cmd_kill(const struct vsh_cmd *c)
{
	if (by_name("kill", INIT_KILL, c->argv[1]) == VX_OK)
		con_printf("kill: stopped %s; init will not restart it (start %s does)\n",
			   c->argv[1], c->argv[1]);
}

void cmd_start(const struct vsh_cmd *c)
{
	if (by_name("start", INIT_START, c->argv[1]) == VX_OK)
		con_printf("start: started %s\n", c->argv[1]);
}

void cmd_crash(const struct vsh_cmd *c)
{
	if (by_name("crash", INIT_CRASH, c->argv[1]) == VX_OK)
		con_printf("crash: made %s fault (as if it had jumped to address 0); init restarts "
			   "it if its policy says so (see ps)\n",
			   c->argv[1]);
}

void cmd_mem(const struct vsh_cmd *c)
{
	struct vx_reticle_info ri;
	struct vx_msg m = {.op = INIT_MEM};
	struct init_mem im;
	char a[24], b[24];
	int rc;

	if (shell.ret == VX_NO_HANDLE)
		con_printf("ret:  none (this shell cannot run programs)\n");
	else if ((rc = (int)vx_reticle_info(shell.ret, &ri)) < 0)
		con_printf("mem: ret: %s\n", vx_strerror(rc));
	else
		con_printf("ret:  %s, %s free, %u objects (pays for the programs run starts)\n",
			   vsh_show_bytes(a, sizeof(a), ri.size),
			   vsh_show_bytes(b, sizeof(b), ri.free), ri.objects);
	rc = client_call(&shell.init, &m);
	if (rc == VX_OK && m.len < sizeof(im))
		rc = VX_E_CORRUPT;
	if (rc < 0) {
		if (!client_report("mem", &shell.init, rc))
			con_printf("mem: %s\n", vx_strerror(rc));
		return;
	}
	memcpy(&im, m.data, sizeof(im));
	con_printf("RAM:  %s, %s free (every boot Reticle)\n",
		   vsh_show_bytes(a, sizeof(a), im.ram_total),
		   vsh_show_bytes(b, sizeof(b), im.ram_free));
	con_printf("connections: %llu of %llu in use\n", (unsigned long long)im.conn_pool_used,
		   (unsigned long long)im.conn_pool_max);
	con_printf("socket Ring pairs: %llu of %llu in use\n", (unsigned long long)im.pairs_used,
		   (unsigned long long)im.pairs_max);
	con_printf("init's handles: %llu of %llu in use\n", (unsigned long long)im.handles_used,
		   (unsigned long long)im.handles_max);
}

void cmd_caps(const struct vsh_cmd *c)
{
	const struct vx_bundle_page *b = shell.bundle;
	char rights[8];

	if (vx_bundle_check(b) != VX_OK) {
		con_printf("caps: my Bundle page is corrupt\n");
		return;
	}
	con_printf("%-16s %-8s %-8s %s\n", "NAME", "TYPE", "RIGHTS", "HANDLE");
	for (uint32_t i = 0; i < b->count; i++) {
		const struct vx_bundle_entry *e = &b->entry[i];
		con_printf("%-16s %-8s %-8s 0x%x\n", e->name, vsh_type_name(e->type),
			   vsh_show_rights(rights, e->rights), e->handle);
	}
	con_printf("rights: r read, w write, x exec, p produce, c consume, o control, g grant\n");
}

/* date: rtcd's wall clock (vectra/proto/rtc.h), as ISO 8601 in UTC. */
void cmd_date(const struct vsh_cmd *c)
{
	struct vx_civil t;
	uint64_t offset = 0;
	int tries = 0, rc;

	(void)c;
	do
		rc = shell.rtc.open ? vx_rtc_client_offset(&shell.rtc.c, &offset, client_deadline())
				    : VX_E_NOTFOUND;
	while (client_retry(&shell.rtc, rc, &tries));
	if (rc == VX_E_CORRUPT) {
		con_printf("date: the CMOS clock holds no valid date (rtcd says %s)\n",
			   vx_errname(rc));
		return;
	}
	if (client_report("date", &shell.rtc, rc))
		return;
	if (rc < 0) {
		con_printf("date: %s\n", vx_strerror(rc));
		return;
	}
	if (vx_civil_from_unix((int64_t)((offset + (uint64_t)vx_clock()) / 1000000000ull), &t) <
	    0) {
		con_printf("date: the clock says a time past %u\n", VX_CIVIL_YEAR_MAX);
		return;
	}
	con_printf("%04u-%02u-%02u %02u:%02u:%02u UTC\n", t.year, t.month, t.day, t.hour, t.minute,
		   t.second);
}

void cmd_uptime(const struct vsh_cmd *c)
{
	char t[32];

	con_printf("up %s\n", vsh_show_uptime(t, sizeof(t), (uint64_t)vx_clock()));
}
