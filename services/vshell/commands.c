/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The command table: names, argument counts, which connection each needs,
 * and the one-line help.  vsh_execute checks all of that before a command
 * runs, so the commands themselves start from valid arguments.
 */
#include "shell.h"
#include "vx_string.h"

enum need {
	NEED_NONE = 0,
	NEED_FS = 1,
	NEED_NS = 2,
	NEED_INIT = 4,
	NEED_ID = 8,
	NEED_PKG = 16,
	NEED_RNG = 32,
	NEED_DEV = 64,
	NEED_NET = 128
};

struct command {
	const char *name;
	const char *usage;
	const char *help;
	void (*fn)(const struct vsh_cmd *c);
	uint8_t min_args, max_args; /* words after the name */
	uint8_t needs;		    /* enum need */
};

#define MANY 255

static const struct command table[] = {
    {"help", "help [COMMAND]", "list the commands, or say what one does", cmd_help, 0, 1,
     NEED_NONE},
    {"ls", "ls [DIR]", "list a directory (default: the root)", cmd_ls, 0, 1, NEED_FS},
    {"cat", "cat FILE", "print a file", cmd_cat, 1, 1, NEED_FS},
    {"write", "write FILE TEXT...", "replace FILE's contents with TEXT", cmd_write, 2, MANY,
     NEED_FS},
    {"echo", "echo TEXT... [> FILE | >> FILE]", "print TEXT, or put it in FILE or append it",
     cmd_echo, 0, MANY, NEED_NONE},
    {"rm", "rm PATH", "remove a file or an empty directory", cmd_rm, 1, 1, NEED_FS},
    {"mv", "mv FROM TO|DIR", "rename a file or directory, or move it into DIR", cmd_mv, 2, 2,
     NEED_FS},
    {"mkdir", "mkdir DIR", "make a directory", cmd_mkdir, 1, 1, NEED_FS},
    {"cp", "cp FROM TO|DIR", "copy a file, between roots too (RAM:, HOME:, EXT:)", cmd_cp, 2, 2,
     NEED_FS},
    {"sum", "sum FILE", "a file's SHA-256, as sha256sum prints it", cmd_sum, 1, 1, NEED_FS},
    {"run", "run PROGRAM [ARG...] [with SLOT=CAP...]",
     "run an installed package with exactly its footprint, or SYS:bin/PROGRAM with only the "
     "named grants (console, fs, fs.read[:DIR], ns, pkg, identity.sign, identity.status, devices, "
     "net, "
     "net.connect, net.udp, net.listen[.PORT])",
     cmd_run, 1, MANY, NEED_NS},
    {"ps", "ps", "list the services init supervises, and the last program run", cmd_ps, 0, 0,
     NEED_INIT},
    {"caps", "caps", "list this shell's own capabilities", cmd_caps, 0, 0, NEED_NONE},
    {"mem", "mem", "memory: the shell's Reticle for programs, and all RAM", cmd_mem, 0, 0,
     NEED_INIT},
    {"kill", "kill SERVICE", "stop a service until start", cmd_kill, 1, 1, NEED_INIT},
    {"start", "start SERVICE", "start a stopped service again", cmd_start, 1, 1, NEED_INIT},
    {"uptime", "uptime", "time since boot", cmd_uptime, 0, 0, NEED_NONE},
    {"date", "date", "the date and time, UTC (rtcd's CMOS clock)", cmd_date, 0, 0, NEED_NONE},
    {"crash", "crash SERVICE", "make a service fault, to watch init restart it", cmd_crash, 1, 1,
     NEED_INIT},
    {"login", "login", "unseal the Machine key (asks for its passphrase, not echoed)", cmd_login, 0,
     0, NEED_ID},
    {"lock", "lock", "seal the Machine key again", cmd_lock, 0, 0, NEED_ID},
    {"install", "install FILE", "check a .vpkg against SYS:etc/policy and install it", cmd_install,
     1, 1, NEED_PKG},
    {"pkgs", "pkgs", "list installed packages: VCIDs, signers, footprints", cmd_pkgs, 0, 0,
     NEED_PKG},
    {"random", "random [high] N | random feed TEXT | random status",
     "N random bytes in hex (Standard, or High); stir TEXT in; where rngd's entropy came from",
     cmd_random, 1, 2, NEED_RNG},
    {"devices", "devices [crash BB:DD.F]",
     "PCI functions, their drivers and interrupts; or make a driver fault", cmd_devices, 0, 2,
     NEED_DEV},
    {"net", "net", "the network: card, address, ARP cache, TCP connections, counters", cmd_net, 0,
     0, NEED_NET},
    {"ping", "ping HOST [COUNT]",
     "send COUNT (4) ICMP echo requests to HOST (an address, or a name dnsd resolves), one a "
     "second",
     cmd_ping, 1, 2, NEED_NET},
    {"host", "host NAME", "resolve NAME through dnsd: its addresses, TTL and where they came from",
     cmd_host, 1, 1, NEED_NONE},
    {"dns", "dns [flush]", "dnsd: its server, counters and cache; or empty the cache", cmd_dns, 0,
     1, NEED_NONE},
    {"get", "get URL [FILE]",
     "fetch an http:// URL (its host an address, or a name dnsd resolves) into FILE (default: "
     "its last name)",
     cmd_get, 1, 2, NEED_NET | NEED_FS},
    {"serve", "serve DIR PORT", "run httpd: DIR's files over HTTP on PORT, read-only, until Ctrl-C",
     cmd_serve, 2, 2, NEED_NS | NEED_FS},
    {"nc", "nc HOST PORT | nc -l PORT",
     "a TCP connection between the console and HOST:PORT (an address, or a name dnsd resolves), "
     "or the first to come to PORT",
     cmd_nc, 1, 2, NEED_NET},
    {"linux", "linux [--detach] PROGRAM [ARG...] [with work|tmp|none] | --attach | --stats",
     "run a Linux program (busybox: sh, ls, vi...) with the console as its terminal; Ctrl-] kills "
     "it",
     cmd_linux, 1, MANY, NEED_NONE},
    {"df", "df", "the file system roots: where each lives, its size and use", cmd_df, 0, 0,
     NEED_FS},
    {"sync", "sync [ROOT:]", "commit the roots on disks: what was written survives a power cut",
     cmd_sync, 0, 1, NEED_FS},
    {"snap", "snap | snap create|delete NAME", "list, make or delete snapshots of HOME:", cmd_snap,
     0, 2, NEED_FS},
    {"disk", "disk | disk read|write DISK BLOCK [TEXT]",
     "disks and their partitions; read a block, or write TEXT to one (DISK: disk0, disk0p2)",
     cmd_disk, 0, 4, NEED_DEV},
};
#define NCOMMANDS (sizeof(table) / sizeof(table[0]))

static const struct command *lookup(const char *name)
{
	for (uint32_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

/* Prints text from column col (where the cursor is) to column 79 at most,
 * breaking lines between words and starting each new one at column col. */
static void print_wrapped(const char *text, uint32_t col)
{
	uint32_t at = col;

	while (*text) {
		uint32_t n = 0;
		while (text[n] && text[n] != ' ')
			n++;
		if (at > col && at + 1 + n > 79) {
			con_printf("\n%*s", (int)col, "");
			at = col;
		} else if (at > col) {
			con_printf(" ");
			at++;
		}
		con_printf("%.*s", (int)n, text);
		at += n;
		text += n;
		while (*text == ' ')
			text++;
	}
	con_printf("\n");
}

/* help: every command, its usage and what it does, a usage too long for
 * the first column on a line of its own; help COMMAND: that one. */
void cmd_help(const struct vsh_cmd *c)
{
	if (c->argc == 2) {
		const struct command *k = lookup(c->argv[1]);
		if (!k) {
			con_printf("help: unknown command: %s (type 'help' for the list)\n",
				   c->argv[1]);
			return;
		}
		con_printf("usage: %s\n  ", k->usage);
		print_wrapped(k->help, 2);
		return;
	}
	for (uint32_t i = 0; i < NCOMMANDS; i++) {
		if (strlen(table[i].usage) > 40) {
			con_printf("  %s\n%*s", table[i].usage, 43, "");
		} else {
			con_printf("  %-40s ", table[i].usage);
		}
		print_wrapped(table[i].help, 43);
	}
	con_printf("Quotes group words (\"a b\" or 'a b'); Up/Down recall the last 16 lines;\n"
		   "Ctrl-C cancels a line; 'help COMMAND' shows one command.\n");
}

/* The connection a command needs, if the shell lacks it. */
static const struct vsh_client *missing(uint8_t needs)
{
	if ((needs & NEED_FS) && !shell.fs.open)
		return &shell.fs;
	if ((needs & NEED_NS) && !shell.ns.open)
		return &shell.ns;
	if ((needs & NEED_INIT) && !shell.init.open)
		return &shell.init;
	if ((needs & NEED_ID) && !shell.id.open)
		return &shell.id;
	if ((needs & NEED_PKG) && !shell.pkg.open)
		return &shell.pkg;
	if ((needs & NEED_RNG) && !shell.rng.open)
		return &shell.rng;
	if ((needs & NEED_DEV) && !shell.dev.open)
		return &shell.dev;
	if ((needs & NEED_NET) && !shell.net.open)
		return &shell.net;
	return NULL;
}

void vsh_execute(const char *line)
{
	static struct vsh_words w;
	struct vsh_cmd cmd;
	const struct command *k;
	const struct vsh_client *lack;
	int rc;

	if ((rc = vsh_split(line, &w)) < 0) {
		con_printf("vshell: %s\n", vsh_cmd_strerror(rc));
		return;
	}
	rc = vsh_command(&w, &cmd);
	if (w.argc == 0)
		return;
	if (rc < 0) {
		con_printf("%s: %s\n", w.argv[0], vsh_cmd_strerror(rc));
		return;
	}
	if (cmd.argc == 0)
		return;
	if (!(k = lookup(cmd.argv[0]))) {
		con_printf("%s: unknown command (type 'help' for the list)\n", cmd.argv[0]);
		return;
	}
	if (cmd.argc - 1 < k->min_args || cmd.argc - 1 > k->max_args) {
		con_printf("%s: usage: %s\n", k->name, k->usage);
		return;
	}
	if ((lack = missing(k->needs))) {
		client_report(k->name, lack, VX_E_NOTFOUND);
		return;
	}
	k->fn(&cmd);
}
