// SPDX-License-Identifier: BSD-3-Clause
/*
 * linux PROGRAM [ARG...] [with work|tmp|none...]: runs a Linux program
 * under linuxd, the POSIX bridge (docs/POSIX.md), with the console as its
 * terminal and only the parts of the tree named after "with" (by
 * default /work and /tmp; the read-only root archive always); linux
 * --detach PROGRAM [ARG...] starts it and gives the prompt back (its
 * output still comes; nothing typed reaches it) until linux --attach;
 * linux --stats: the Linux syscalls linuxd has served and refused.
 *
 * While the program runs the shell is only the console's reader: what is
 * typed goes to linuxd's terminal (LINUX_INPUT), where the line
 * discipline, echo and Ctrl-C (SIGINT to the foreground process group)
 * are linuxd's business, as termios says.  A program that turned Ctrl-C
 * off is stopped by typing Ctrl-] (SIGKILL through LINUX_SIGNAL).
 */
#include "shell.h"
#include "posix/errno.h"
#include "vectra/proto/linux.h"
#include "vx_string.h"

#define STEP_NS	      (20 * MS)
#define LINUX_CALL_NS (10000 * MS)
#define CTRL_RBRACKET 0x1d

/* One request to linuxd; once more after waiting for it if it was
 * restarting (VX_E_AGAIN); again on a timeout unless once_only (a
 * LINUX_RUN asked twice would find its own session running). */
static int call_once(struct vx_msg *m, bool once_only);
static int call(struct vx_msg *m)
{
	return call_once(m, false);
}

static int call_once(struct vx_msg *m, bool once_only)
{
	struct vx_msg keep = *m;
	int rc, tries = 0;

	/* A loaded machine (four vCPUs on two host cores) can keep linuxd
	 * busy for seconds: a slow answer is not a lost one. */
	while ((rc = client_call_for(&shell.lx, m, LINUX_CALL_NS)) != VX_OK &&
	       (client_retry(&shell.lx, rc, &tries) ||
		(rc == VX_E_TIMEOUT && !once_only && tries++ < 5)))
		*m = keep;
	return rc;
}

static void stats(void)
{
	struct vx_msg m;
	struct linux_stat_row row;
	uint32_t idx = LINUX_STATS_TOTAL;

	memset(&m, 0, sizeof(m));
	m.op = LINUX_STATS;
	m.len = 4;
	memcpy(m.data, &idx, 4);
	int rc = call(&m);
	if (client_report("linux", &shell.lx, rc))
		return;
	if (rc != VX_OK || m.len != sizeof(row)) {
		con_printf("linux: linuxd does not answer: %s\n", vx_strerror(rc));
		return;
	}
	memcpy(&row, m.data, sizeof(row));
	con_printf("linuxd: %u processes holding %u MiB; %lu calls served, %lu refused (ENOSYS)\n",
		   row.nr, row.slabs * 4, (unsigned long)row.served, (unsigned long)row.refused);
	con_printf("  %-20s %5s %10s %8s\n", "syscall", "nr", "served", "refused");
	for (idx = 0; idx < 1024; idx++) {
		memset(&m, 0, sizeof(m));
		m.op = LINUX_STATS;
		m.len = 4;
		memcpy(m.data, &idx, 4);
		if (call(&m) != VX_OK || m.len != sizeof(row))
			break;
		memcpy(&row, m.data, sizeof(row));
		const char *name = lx_sys_name(row.nr);
		con_printf("  %-20s %5u %10lu %8lu\n", name ? name : "?", row.nr,
			   (unsigned long)row.served, (unsigned long)row.refused);
	}
}

/* Sends what was typed to the program's terminal.  false when nothing
 * more can reach it. */
static bool forward(void)
{
	uint8_t in[VX_MSG_DATA];
	size_t n = con_poll(in, sizeof(in));
	struct vx_msg m;

	if (n == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (in[i] == CTRL_RBRACKET) {
			int32_t sig = LX_SIGKILL;
			memset(&m, 0, sizeof(m));
			m.op = LINUX_SIGNAL;
			m.len = 4;
			memcpy(m.data, &sig, 4);
			call(&m);
			return true;
		}
	memset(&m, 0, sizeof(m));
	m.op = LINUX_INPUT;
	m.len = (uint16_t)n;
	memcpy(m.data, in, n);
	for (int tries = 0; tries < 100; tries++) {
		int rc = call(&m);
		if (rc != VX_E_FULL)
			return rc == VX_OK;
		vx_sig_wait(0, (uint64_t)vx_clock() + STEP_NS);
	}
	return true;
}

/* Stands in for the session's terminal until its leader ends. */
static void attend(const char *name)
{
	struct vx_msg m;
	int rc;

	for (;;) {
		memset(&m, 0, sizeof(m));
		m.op = LINUX_WAIT;
		rc = call(&m);
		if (rc == VX_OK && m.len == sizeof(struct linux_wait)) {
			struct linux_wait w;
			memcpy(&w, m.data, sizeof(w));
			if (w.status & 0x7f)
				con_printf("[linux: %s killed by signal %d]\n", name,
					   w.status & 0x7f);
			else if (w.status >> 8)
				con_printf("[linux: %s exited with status %d]\n", name,
					   (w.status >> 8) & 0xff);
			return;
		}
		if (rc == VX_E_STATE) {
			con_printf("[linux: no session runs]\n");
			return;
		}
		if (rc != VX_E_AGAIN) {
			con_printf("[linux: linuxd went away: %s]\n", vx_strerror(rc));
			return;
		}
		vx_sig_wait(0, (uint64_t)vx_clock() + STEP_NS);
		if (!forward())
			return;
	}
}

void cmd_linux(const struct vsh_cmd *c)
{
	struct vx_msg m;
	uint32_t len = 0, first = 1;
	bool detach = false;
	int rc;

	if (!shell.lx.open) {
		con_printf("linux: no connection to linuxd was granted\n");
		return;
	}
	if (c->argc == 2 && strcmp(c->argv[1], "--stats") == 0) {
		stats();
		return;
	}
	if (c->argc == 2 && strcmp(c->argv[1], "--attach") == 0) {
		attend("the session");
		return;
	}
	if (strcmp(c->argv[1], "--stats") == 0 || strcmp(c->argv[1], "--attach") == 0) {
		con_printf("linux: %s takes nothing after it\n", c->argv[1]);
		return;
	}
	if (strcmp(c->argv[1], "--detach") == 0) {
		if (c->argc < 3) {
			con_printf("linux: --detach needs a program\n");
			return;
		}
		detach = true;
		first = 2;
	}
	/* "with NAME..." (an unquoted with) names what beyond the root
	 * archive the program may reach: work, tmp, or none; all without. */
	uint32_t last = c->argc, grants = LINUX_GRANT_ALL;
	for (uint32_t i = first + 1; i < c->argc; i++)
		if (c->kind[i] == VSH_W_PLAIN && strcmp(c->argv[i], "with") == 0) {
			last = i;
			grants = 0;
			for (uint32_t k = i + 1; k < c->argc; k++) {
				if (strcmp(c->argv[k], "work") == 0)
					grants |= LINUX_GRANT_WORK;
				else if (strcmp(c->argv[k], "tmp") == 0)
					grants |= LINUX_GRANT_TMP;
				else if (strcmp(c->argv[k], "none") != 0) {
					con_printf(
					    "linux: '%s' is not a grant (work, tmp or none)\n",
					    c->argv[k]);
					return;
				}
			}
			break;
		}
	if (c->argv[first][0] == '\0') {
		con_printf("linux: an empty program name (name one: linux sh, linux ls /)\n");
		return;
	}
	memset(&m, 0, sizeof(m));
	m.op = LINUX_RUN;
	memcpy(m.data, &grants, 4);
	for (uint32_t i = first; i < last; i++) {
		size_t n = strlen(c->argv[i]) + 1;
		if (len + n > LINUX_ARGV_MAX) {
			con_printf("linux: the arguments are longer than %u bytes\n",
				   LINUX_ARGV_MAX);
			return;
		}
		memcpy(m.data + 4 + len, c->argv[i], n);
		len += (uint32_t)n;
	}
	m.len = (uint16_t)(4 + len);
	con_flush();
	rc = call_once(&m, true);
	if (rc == VX_E_TIMEOUT && !detach) { /* it may have started: wait for it all the same */
		attend(c->argv[first]);
		return;
	}
	if (rc == VX_E_BUSY) {
		con_printf("linux: cannot run %s: a session runs already (one at a time); "
			   "linux --attach takes a detached one back\n",
			   c->argv[first]);
		return;
	}
	if (client_report("linux", &shell.lx, rc))
		return; /* linuxd stopped, or no connection to it: not the program's fault */
	if (rc != VX_OK) {
		con_printf("linux: cannot run %s: %s\n", c->argv[first],
			   rc == VX_E_NOTFOUND ? "no such program" : vx_strerror(rc));
		return;
	}
	if (detach) {
		int32_t pid;
		memcpy(&pid, m.data, 4);
		con_printf(
		    "[linux: %s runs detached as process %d; linux --attach takes it back]\n",
		    c->argv[first], pid);
		return;
	}
	attend(c->argv[first]);
}
