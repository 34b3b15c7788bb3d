/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The boot manifest parser: the shipped manifest, every directive and
 * default, and one named test per rule, each checking VX_E_INVAL and the
 * line the message names.  Runs from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <vectra/abi.h>
#include "../../services/init/pure_manifest.h"

#define DEFAULT_MANIFEST "services/init/etc/manifest"

static struct mf_manifest m;
static char err[256];
static char big[MF_FILE_MAX + 256];

static int parse_n(const char *text, size_t len)
{
	memset(err, 'x', sizeof(err));
	return mf_parse(text, len, &m, err, sizeof(err));
}

static int parse(const char *text)
{
	return parse_n(text, strlen(text));
}

/* Parses text and asserts success with an empty message. */
static void good(const char *text)
{
	int rc = parse(text);

	if (rc != VX_OK)
		fail_msg("expected VX_OK, got %d: %s", rc, err);
	assert_string_equal(err, "");
}

/* Parses text and asserts VX_E_INVAL, a message naming line, one that
 * contains what, and a wiped result. */
static void bad_n(const char *text, size_t len, unsigned line, const char *what)
{
	static const struct mf_manifest zero;
	char prefix[64];
	int rc = parse_n(text, len);

	snprintf(prefix, sizeof(prefix), "manifest line %u: ", line);
	if (rc != VX_E_INVAL)
		fail_msg("expected VX_E_INVAL, got %d (%s)", rc, rc == VX_OK ? "" : err);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("expected '%s...', got '%s'", prefix, err);
	if (what != NULL && strstr(err, what) == NULL)
		fail_msg("expected '%s' in '%s'", what, err);
	assert_memory_equal(&m, &zero, sizeof(m));
}

static void bad(const char *text, unsigned line, const char *what)
{
	bad_n(text, strlen(text), line, what);
}

/* Reads the shipped manifest into big; returns its length. */
static size_t read_default(void)
{
	FILE *f = fopen(DEFAULT_MANIFEST, "rb");
	size_t n;

	if (f == NULL)
		fail_msg("cannot open %s (run from the repository root)", DEFAULT_MANIFEST);
	n = fread(big, 1, sizeof(big), f);
	fclose(f);
	assert_true(n <= MF_FILE_MAX);
	return n;
}

static const struct mf_service *svc(const char *name)
{
	for (uint32_t i = 0; i < m.n; i++)
		if (strcmp(m.svc[i].name, name) == 0)
			return &m.svc[i];
	fail_msg("no service '%s'", name);
	return NULL;
}

/* ------------------------------------------------------------ valid files */

static void test_default_manifest(void **state)
{
	const struct mf_service *s;
	size_t n = read_default();
	int rc;

	(void)state;
	rc = parse_n(big, n);
	if (rc != VX_OK)
		fail_msg("%s: %s", DEFAULT_MANIFEST, err);
	assert_int_equal(m.n, 12);

	s = svc("uartd");
	assert_string_equal(s->binary, "uartd");
	assert_int_equal(s->restart, MF_ALWAYS);
	assert_int_equal(s->memory, 2u << 20);
	assert_string_equal(s->serve, "console");
	assert_int_equal(s->nconnect, 0);
	assert_int_equal(s->ngrant, 2);
	assert_string_equal(s->grant[0].slot, "com1");
	assert_int_equal(s->grant[0].kind, MF_IOPORT);
	assert_int_equal(s->grant[0].a, 0x3f8);
	assert_int_equal(s->grant[0].b, 8);
	assert_int_equal(s->grant[0].rights, VX_R_READ | VX_R_WRITE);
	assert_string_equal(s->grant[1].slot, "irq");
	assert_int_equal(s->grant[1].kind, MF_IRQ);
	assert_int_equal(s->grant[1].a, 4);

	s = svc("vfsd");
	assert_int_equal(s->restart, MF_ON_FAILURE);
	assert_string_equal(s->serve, "fs");
	assert_int_equal(s->ngrant, 3);
	assert_string_equal(s->grant[0].slot, "store");
	assert_int_equal(s->grant[0].kind, MF_RETICLE);
	assert_int_equal(s->grant[0].a, (24u << 20) + (128u << 10)); /* heap, snapshots, records */
	assert_string_equal(s->grant[1].slot, "disk");		     /* the disks' bounce buffers */
	assert_int_equal(s->grant[1].kind, MF_RETICLE);
	assert_int_equal(s->grant[2].kind, MF_SELF);
	assert_int_equal(s->nconnect, 3);
	assert_string_equal(s->connect[0].service, "console");
	assert_string_equal(s->connect[1].service, "devices");
	assert_string_equal(s->connect[2].service, "rtc"); /* FAT32's dates */

	s = svc("nsd");
	assert_int_equal(s->restart, MF_ON_FAILURE);
	assert_string_equal(s->serve, "ns");
	assert_int_equal(s->ngrant, 2);
	assert_int_equal(s->grant[0].kind, MF_BOOTIMG);
	assert_int_equal(s->grant[1].kind, MF_SELF);
	assert_string_equal(s->grant[0].slot, "boot");

	s = svc("rngd");
	assert_int_equal(s->restart, MF_ON_FAILURE);
	assert_string_equal(s->serve, "rng");
	assert_int_equal(s->nconnect, 0);
	assert_int_equal(s->ngrant, 0);

	/* rtcd: the CMOS clock's two ports, and nothing else. */
	s = svc("rtcd");
	assert_string_equal(s->serve, "rtc");
	assert_int_equal(s->ngrant, 1);
	assert_string_equal(s->grant[0].slot, "cmos");
	assert_int_equal(s->grant[0].kind, MF_IOPORT);
	assert_int_equal(s->grant[0].a, 0x70);
	assert_int_equal(s->grant[0].b, 2);
	assert_int_equal(s->grant[0].rights, VX_R_READ | VX_R_WRITE);

	/* devd: boot's device capabilities, and no unconfined DMA. */
	s = svc("devd");
	assert_string_equal(s->serve, "devices");
	assert_int_equal(s->nconnect, 1);
	assert_string_equal(s->connect[0].service, "init");
	assert_int_equal(s->dma_unconfined, 0);
	assert_int_equal(s->ngrant, 8);
	assert_int_equal(s->grant[3].kind, MF_BOOT);
	assert_string_equal(s->grant[3].boot, "ecam");
	assert_string_equal(s->grant[4].boot, "mmio");
	assert_string_equal(s->grant[5].boot, "pci");
	assert_string_equal(s->grant[6].boot, "msi");
	assert_int_equal(s->grant[7].kind, MF_IOPORT);
	assert_int_equal(s->grant[7].rights, VX_R_WRITE);

	s = svc("vshell");
	assert_int_equal(s->restart, MF_ALWAYS);
	assert_string_equal(s->serve, "");
	assert_int_equal(s->nconnect, 12);
	assert_string_equal(s->connect[0].service, "console");
	assert_string_equal(s->connect[0].as, "console");
	assert_string_equal(s->connect[1].service, "fs");
	assert_string_equal(s->connect[2].service, "ns");
	assert_string_equal(s->connect[3].service, "init");
	assert_string_equal(s->connect[4].service, "identity");
	assert_string_equal(s->connect[5].service, "pkg");
	assert_string_equal(s->connect[6].service, "rng");
	assert_string_equal(s->connect[7].service, "devices");
	assert_string_equal(s->connect[8].service, "net");
	assert_string_equal(s->connect[9].service, "dns");
	assert_string_equal(s->connect[10].service, "linux");
	assert_string_equal(s->connect[11].service, "rtc");
	assert_int_equal(s->ngrant, 2);
	assert_int_equal(s->grant[0].kind, MF_RETICLE);
	assert_int_equal(s->grant[0].a, 8u << 20);
	assert_string_equal(s->grant[1].slot, "self");
	assert_int_equal(s->grant[1].kind, MF_SELF);

	assert_int_equal(mf_server_of(&m, "console"), svc("uartd") - m.svc);
	assert_int_equal(mf_server_of(&m, "fs"), svc("vfsd") - m.svc);
	assert_int_equal(mf_server_of(&m, "ns"), svc("nsd") - m.svc);
	assert_int_equal(mf_server_of(&m, "init"), -1);

	/* netd: the network card through devd, frame pools of its own, init
	 * for its sockets' Ring pairs, and no args (so DHCP). */
	s = svc("netd");
	assert_string_equal(s->serve, "net");
	assert_int_equal(s->memory, 16u << 20);
	assert_string_equal(s->args, "");
	assert_int_equal(s->nconnect, 4);
	assert_string_equal(s->connect[1].service, "devices");
	assert_string_equal(s->connect[3].service, "init");
	assert_int_equal(s->ngrant, 2);
	assert_string_equal(s->grant[1].slot, "pools");
	assert_int_equal(mf_server_of(&m, "net"), svc("netd") - m.svc);

	/* dnsd: a small Reticle, netd for its socket, nsd for SYS:etc/hosts,
	 * and no args (so netd's DHCP lease names the server). */
	s = svc("dnsd");
	assert_string_equal(s->serve, "dns");
	assert_int_equal(s->memory, 1u << 20);
	assert_string_equal(s->args, "");
	assert_int_equal(s->nconnect, 4);
	assert_string_equal(s->connect[1].service, "net");
	assert_string_equal(s->connect[3].service, "ns");
	assert_int_equal(s->ngrant, 1);
	assert_int_equal(s->grant[0].kind, MF_SELF);
	assert_int_equal(mf_server_of(&m, "dns"), svc("dnsd") - m.svc);

	/* The trust services: identityd reads the sealed key through nsd and
	 * mints from its own Reticle; vpkg reads through nsd and stores in
	 * vfsd.  Neither gets the boot image or a console. */
	s = svc("identityd");
	assert_string_equal(s->serve, "identity");
	assert_int_equal(s->memory, 4u << 20);
	assert_int_equal(s->nconnect, 1);
	assert_string_equal(s->connect[0].service, "ns");
	assert_int_equal(s->ngrant, 2);
	assert_string_equal(s->grant[0].slot, "rings");
	assert_int_equal(s->grant[0].kind, MF_RETICLE);
	assert_int_equal(s->grant[1].kind, MF_SELF);
	s = svc("vpkg");
	assert_string_equal(s->serve, "pkg");
	assert_int_equal(s->nconnect, 2);
	assert_string_equal(s->connect[0].service, "ns");
	assert_string_equal(s->connect[1].service, "fs");
	assert_int_equal(s->ngrant, 1);
	assert_int_equal(s->grant[0].kind, MF_SELF);
	assert_int_equal(mf_server_of(&m, "identity"), svc("identityd") - m.svc);
	assert_int_equal(mf_server_of(&m, "pkg"), svc("vpkg") - m.svc);
}

static const char example[] = "# an example\n"
			      "service uartd                 # starts a block\n"
			      "    binary uart-driver\n"
			      "    restart never\n"
			      "    memory 4M\n"
			      "    serve console\n"
			      "    connect fs\n"
			      "    grant com1 = ioport 0x3f8 8 r\n"
			      "    grant irq = irq 4\n"
			      "    grant ret = reticle 64K\n"
			      "    grant boot = bootimg\n"
			      "    grant me = self\n"
			      "\n"
			      "service vfsd\n"
			      "\tconnect console as log\n"
			      "\tconnect console as log2\n"
			      "\tconnect init\n"
			      "\tserve fs\n";

static void test_every_directive(void **state)
{
	const struct mf_service *s;

	(void)state;
	good(example);
	assert_int_equal(m.n, 2);
	s = &m.svc[0];
	assert_string_equal(s->name, "uartd");
	assert_string_equal(s->binary, "uart-driver");
	assert_int_equal(s->restart, MF_NEVER);
	assert_int_equal(s->memory, 4u << 20);
	assert_int_equal(s->line, 2);
	assert_int_equal(s->connect[0].line, 7);
	assert_int_equal(s->ngrant, 5);
	assert_int_equal(s->grant[0].rights, VX_R_READ);
	assert_int_equal(s->grant[0].line, 8);
	assert_int_equal(s->grant[2].kind, MF_RETICLE);
	assert_int_equal(s->grant[2].a, 64u << 10);
	assert_int_equal(s->grant[3].rights, VX_R_READ);
	assert_int_equal(s->grant[4].kind, MF_SELF);
	assert_string_equal(s->grant[4].slot, "me");
	s = &m.svc[1];
	assert_int_equal(s->line, 14);
	assert_int_equal(s->nconnect, 3);
	assert_string_equal(s->connect[0].service, "console");
	assert_string_equal(s->connect[0].as, "log");
	assert_string_equal(s->connect[1].as, "log2");
	assert_string_equal(s->connect[2].as, "init");
	assert_int_equal(mf_server_of(&m, "fs"), 1);
	assert_int_equal(mf_server_of(&m, "console"), 0);
}

static void test_defaults(void **state)
{
	(void)state;
	good("service a\n");
	assert_int_equal(m.n, 1);
	assert_string_equal(m.svc[0].binary, "a");
	assert_int_equal(m.svc[0].restart, MF_ON_FAILURE);
	assert_int_equal(m.svc[0].memory, 2u << 20);
	assert_string_equal(m.svc[0].serve, "");
	assert_int_equal(m.svc[0].nconnect, 0);
	assert_int_equal(m.svc[0].ngrant, 0);
	good("service a\ngrant p = ioport 0x60 1\n");
	assert_int_equal(m.svc[0].grant[0].rights, VX_R_READ | VX_R_WRITE);
	good("service a\ngrant p = ioport 0x60 1 w\n");
	assert_int_equal(m.svc[0].grant[0].rights, VX_R_WRITE);
	good("service a\ngrant p = ioport 0x60 1 rw\n");
	assert_int_equal(m.svc[0].grant[0].rights, VX_R_READ | VX_R_WRITE);
}

/* args: the words main gets instead of the service's name, once. */
static void test_args(void **state)
{
	(void)state;
	good("service a\nargs static 10.0.0.2/24 10.0.0.1\n");
	assert_string_equal(m.svc[0].args, "static 10.0.0.2/24 10.0.0.1");
	good("service a\nargs   one\t two  # a comment\n");
	assert_string_equal(m.svc[0].args, "one two");
	good("service a\n");
	assert_string_equal(m.svc[0].args, "");
	bad("service a\nargs\n", 2, "missing argument (usage: args WORD...)");
	bad("service a\nargs x\nargs y\n", 3, "second 'args' in service 'a'");
	bad("service a\nargs 1 2 3 4 5 6 7\n", 2, "extra argument '7'");
	bad("service a\nargs aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb "
	    "cccccccccccccccccccc\n",
	    2, "args too long at 'cccccccccccccccccccc' (at most 95 bytes)");
}

static void test_spacing_and_comments(void **state)
{
	(void)state;
	good("\n\n   # only a comment\n\t\n"
	     "  \t service   a\t  # trailing comment \t\n"
	     "grant irq=irq 4#no space before the comment\n"
	     "grant x =bootimg\n"
	     "grant y= self   \n"
	     "# caf\xc3\xa9: bytes above 0x7f are fine in comments\n");
	assert_int_equal(m.svc[0].ngrant, 3);
	assert_string_equal(m.svc[0].grant[0].slot, "irq");
	assert_int_equal(m.svc[0].grant[0].a, 4);
	assert_int_equal(m.svc[0].line, 5);
}

static void test_crlf(void **state)
{
	(void)state;
	good("# crlf\r\nservice a\r\n  serve x\r\n\r\nservice b\r\n  connect x\r\n");
	assert_int_equal(m.n, 2);
	assert_string_equal(m.svc[0].serve, "x");
	assert_string_equal(m.svc[1].connect[0].service, "x");
	assert_int_equal(m.svc[1].connect[0].line, 6);
	/* Line numbers in errors count CRLF lines too. */
	bad("service a\r\n\r\n  bogus\r\n", 3, "unknown keyword 'bogus'");
}

static void test_no_final_newline(void **state)
{
	(void)state;
	good("service a\n  serve x");
	assert_string_equal(m.svc[0].serve, "x");
	good("service a\r\n  serve x");
	assert_string_equal(m.svc[0].serve, "x");
	good("service a\r\n  serve x\r");
	assert_string_equal(m.svc[0].serve, "x");
	good("service a");
	bad("service a\n  serve", 2, "missing argument");
}

static void test_not_nul_terminated(void **state)
{
	static const char text[] = {'s', 'e', 'r', 'v', 'i', 'c', 'e', ' ', 'a', 'b'};

	(void)state;
	/* Only text[0..len) is read: "service a", not "service ab". */
	assert_int_equal(parse_n(text, 9), VX_OK);
	assert_string_equal(m.svc[0].name, "a");
}

static void test_mutual_connects(void **state)
{
	(void)state;
	good("service a\nserve x\nconnect y\nservice b\nserve y\nconnect x\nconnect init\n");
	assert_int_equal(mf_server_of(&m, "x"), 0);
	assert_int_equal(mf_server_of(&m, "y"), 1);
}

static void test_names(void **state)
{
	(void)state;
	good("service a0_.-z\n");
	good("service abcdefghijklmnopqrstuvw\n"); /* 23 bytes */
	assert_string_equal(m.svc[0].name, "abcdefghijklmnopqrstuvw");
	good("service a\nconnect x as abcdefghijklmnopqrstuvw\nservice b\nserve x\n");
	assert_string_equal(m.svc[0].connect[0].as, "abcdefghijklmnopqrstuvw");
}

static void test_numbers(void **state)
{
	(void)state;
	good("service a\ngrant p = ioport 96 4\n");
	assert_int_equal(m.svc[0].grant[0].a, 96);
	good("service a\ngrant p = ioport 0x3F8 0x8\n");
	assert_int_equal(m.svc[0].grant[0].a, 0x3f8);
	assert_int_equal(m.svc[0].grant[0].b, 8);
	good("service a\ngrant p = ioport 0 0x10000\n");
	assert_int_equal(m.svc[0].grant[0].b, 0x10000);
	good("service a\ngrant p = ioport 0xffff 1\n");
	good("service a\ngrant p = ioport 0x0000000000000060 01\n");
	assert_int_equal(m.svc[0].grant[0].a, 0x60);
	good("service a\ngrant i = irq 0x0f\n");
	assert_int_equal(m.svc[0].grant[0].a, 15);
	good("service a\ngrant i = irq 1\n");
	good("service a\nmemory 65536\n");
	assert_int_equal(m.svc[0].memory, 65536);
	good("service a\nmemory 256M\n");
	assert_int_equal(m.svc[0].memory, 256u << 20);
	good("service a\nmemory 1024K\n");
	assert_int_equal(m.svc[0].memory, 1u << 20);
	good("service a\ngrant r = reticle 67108864\n");
	assert_int_equal(m.svc[0].grant[0].a, 64u << 20);
}

/* ------------------------------------------------------------ rule tests */

static void test_outside_block(void **state)
{
	(void)state;
	bad("# header\n\nserve x\nservice a\n", 3, "'serve' outside a service block");
	bad("grant x = self\n", 1, "outside a service block");
	bad("memory 2M\nservice a\n", 1, "outside");
}

static void test_unknown_keyword(void **state)
{
	(void)state;
	bad("service a\n  sevre x\n", 2, "unknown keyword 'sevre'");
	bad("Service a\n", 1, "keywords are lowercase");
	bad("service a\nGRANT x = self\n", 2, "keywords are lowercase: 'grant'");
	bad("service a\nrestart Always\n", 2, "bad restart policy 'Always'");
	bad("service a\ngrant x = Self\n", 2, "unknown grant kind 'Self'");
	bad("service a\ngrant p = ioport 1 1 RW\n", 2, "bad port access 'RW'");
}

static void test_missing_argument(void **state)
{
	(void)state;
	bad("service\n", 1, "missing argument (usage: service NAME)");
	bad("service a\nbinary\n", 2, "missing argument");
	bad("service a\nrestart\n", 2, "missing argument");
	bad("service a\nmemory # 2M\n", 2, "missing argument");
	bad("service a\nserve\n", 2, "missing argument");
	bad("service a\nconnect\n", 2, "missing argument");
	bad("service a\nconnect x as\nservice b\nserve x\n", 2, "missing argument");
	bad("service a\ngrant x\n", 2, "missing argument");
	bad("service a\ngrant x =\n", 2, "missing argument");
	bad("service a\ngrant p = ioport 0x60\n", 2, "missing argument");
	bad("service a\ngrant i = irq\n", 2, "missing argument");
	bad("service a\ngrant r = reticle\n", 2, "missing argument");
}

static void test_extra_argument(void **state)
{
	(void)state;
	bad("service a b\n", 1, "extra argument 'b'");
	bad("service a\nbinary a b\n", 2, "extra argument 'b'");
	bad("service a\nrestart always now\n", 2, "extra argument 'now'");
	bad("service a\nmemory 2M 4M\n", 2, "extra argument '4M'");
	bad("service a\nserve x y\n", 2, "expected 'attached', found 'y'");
	bad("service a\nserve x attached y\n", 2, "extra argument 'y'");
	bad("service a\nconnect x y\nservice b\nserve x\n", 2, "expected 'as', found 'y'");
	bad("service a\nconnect x as y z\nservice b\nserve x\n", 2, "extra argument 'z'");
	bad("service a\ngrant p = ioport 1 1 rw r\n", 2, "extra argument 'r'");
	bad("service a\ngrant i = irq 4 5\n", 2, "extra argument '5'");
	bad("service a\ngrant r = reticle 4M 4M\n", 2, "extra argument '4M'");
	bad("service a\ngrant b = bootimg x\n", 2, "extra argument 'x'");
	bad("service a\ngrant s = self x\n", 2, "extra argument 'x'");
	bad("service a\ngrant s = self = = = = = = = = =\n", 2, "extra argument '='");
	bad("service a\ngrant s self\n", 2, "expected '=', found 'self'");
}

static void test_bad_name(void **state)
{
	(void)state;
	bad("service Uartd\n", 1, "bad service name 'Uartd'");
	bad("service abcdefghijklmnopqrstuvwx\n", 1, "bad service name"); /* 24 bytes */
	bad("service a/b\n", 1, "bad service name 'a/b'");
	bad("service caf\xc3\xa9\n", 1, "bad service name");
	bad("service a\nbinary bin/a\n", 2, "bad binary name 'bin/a'");
	bad("service a\nserve X\n", 2, "bad serve name 'X'");
	bad("service a\nconnect a:b\n", 2, "bad connect name 'a:b'");
	bad("service a\nconnect x as l+g\nservice b\nserve x\n", 2, "bad slot name 'l+g'");
	bad("service a\nconnect x as abcdefghijklmnopqrstuvwx\nservice b\nserve x\n", 2,
	    "bad slot name");
	bad("service a\ngrant COM1 = ioport 1 1\n", 2, "bad slot name 'COM1'");
	/* A long bad word is quoted cut short. */
	bad("service "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	    1, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'");
}

static void test_bad_number(void **state)
{
	(void)state;
	bad("service a\ngrant p = ioport 0x 1\n", 2, "bad port base '0x'");
	bad("service a\ngrant p = ioport 0xg 1\n", 2, "bad port base");
	bad("service a\ngrant p = ioport 0X60 1\n", 2, "bad port base");
	bad("service a\ngrant p = ioport -1 1\n", 2, "bad port base");
	bad("service a\ngrant p = ioport 0x10000 1\n", 2, "bad port base");
	bad("service a\ngrant p = ioport 99999999999999999999 1\n", 2, "bad port base");
	bad("service a\ngrant p = ioport 0x60 0\n", 2, "bad port count '0'");
	bad("service a\ngrant p = ioport 0xfff8 9\n", 2, "bad port count '9'");
	bad("service a\ngrant p = ioport 1 0xffffffffffffffff\n", 2, "bad port count");
	bad("service a\ngrant p = ioport 1 0x10000000000000000\n", 2, "bad port count");
	bad("service a\ngrant p = ioport 1 1 x\n", 2, "bad port access 'x'");
	bad("service a\ngrant i = irq 0\n", 2, "bad irq line '0'");
	bad("service a\ngrant i = irq 2\n", 2, "bad irq line '2'");
	bad("service a\ngrant i = irq 24\n", 2, "bad irq line '24' (1..23, not 2)");
	bad("service a\ngrant i = irq 4x\n", 2, "bad irq line");
	bad("service a\ngrant i = irq 18446744073709551620\n", 2, "bad irq line");
	bad("service a\nmemory 99999999999999999999M\n", 2, "bad memory size");
	bad("service a\nmemory 18446744073709551615\n", 2, "bad memory size");
	bad("service a\nmemory 17592186044416M\n", 2, "bad memory size"); /* 2^64 bytes */
	bad("service a\nmemory 63K\n", 2, "bad memory size '63K'");
	bad("service a\nmemory 257M\n", 2, "bad memory size '257M'");
	bad("service a\nmemory 65537\n", 2, "bad memory size");
	bad("service a\nmemory 66K\n", 2, "whole 4K pages");
	bad("service a\nmemory 2m\n", 2, "bad memory size '2m'");
	bad("service a\nmemory 2G\n", 2, "bad memory size");
	bad("service a\nmemory 0x200000\n", 2, "bad memory size");
	bad("service a\nmemory 1.5M\n", 2, "bad memory size");
	bad("service a\nmemory M\n", 2, "bad memory size");
	bad("service a\nmemory 2MK\n", 2, "bad memory size");
	bad("service a\ngrant r = reticle 99999999999999999999M\n", 2, "bad reticle size");
	bad("service a\ngrant r = reticle 0\n", 2, "bad reticle size '0'");
	bad("service a\ngrant r = reticle 257M\n", 2, "bad reticle size");
}

static void test_duplicate_service(void **state)
{
	(void)state;
	bad("service a\nservice b\n\nservice a\n", 4, "service 'a' is already defined on line 1");
}

static void test_duplicate_slot(void **state)
{
	(void)state;
	bad("service a\ngrant x = self\ngrant x = bootimg\n", 3,
	    "slot 'x' is already used in service 'a' (line 2)");
	bad("service a\ngrant self = bootimg\ngrant self = self\n", 3, "slot 'self'");
	/* The slots a connect creates collide with grants, both ways. */
	bad("service a\ngrant x.req = self\nconnect x\nservice b\nserve x\n", 3, "slot 'x.req'");
	bad("service a\nconnect x\ngrant x.rep = self\nservice b\nserve x\n", 3, "slot 'x.rep'");
	bad("service a\nconnect y as x\ngrant x.rep = self\nservice b\nserve y\n", 3,
	    "slot 'x.rep'");
	/* ...and with each other. */
	bad("service a\nconnect x\nconnect x\nservice b\nserve x\n", 3, "slot 'x.req'");
	bad("service a\nconnect x\nconnect y as x\nservice b\nserve x\nservice c\nserve y\n", 3,
	    "slot 'x.req'");
	/* Different services may use the same slot names. */
	good("service a\ngrant x = self\nservice b\ngrant x = self\n");
	/* "x" and "x.req" are different names. */
	good("service a\ngrant x = self\nconnect x\nservice b\nserve x\n");
}

static void test_port_slot_reserved(void **state)
{
	(void)state;
	bad("service a\nserve x\ngrant port = self\n", 3, "slot 'port' is reserved");
	bad("service a\ngrant port = self\nserve x\n", 3, "line 2 already uses it");
	good("service a\ngrant port = self\n"); /* a service that serves nothing may */
}

static void test_second_serve(void **state)
{
	(void)state;
	bad("service a\nserve x\nserve y\n", 3, "second 'serve' in service 'a'");
	bad("service a\nserve x\nserve x\n", 3, "second 'serve'");
}

static void test_second_single(void **state)
{
	(void)state;
	bad("service a\nbinary b\nbinary b\n", 3, "second 'binary'");
	bad("service a\nrestart never\nrestart never\n", 3, "second 'restart'");
	bad("service a\nmemory 2M\nmemory 2M\n", 3, "second 'memory'");
	/* Once per service, not once per file. */
	good("service a\nbinary b\nmemory 4M\nrestart never\n"
	     "service b\nbinary b\nmemory 4M\nrestart never\n");
}

static void test_serve_twice(void **state)
{
	(void)state;
	bad("service a\nserve fs\nservice b\nserve fs\n", 4,
	    "'fs' is already served by service 'a'");
}

static void test_serve_init(void **state)
{
	(void)state;
	bad("service a\nserve init\n", 2, "'init' is reserved");
}

static void test_connect_unserved(void **state)
{
	(void)state;
	bad("service a\nserve x\nservice b\n\nconnect x\nconnect y\n", 6, "no service serves 'y'");
	/* A service name is not a serve name. */
	bad("service a\nservice b\nconnect a\n", 3, "no service serves 'a'");
}

/* A connect to SERVE.GRANT narrows a connection to a service that serves
 * SERVE attached; anything else is refused by name. */
static void test_connect_narrowed(void **state)
{
	(void)state;
	good("service n\nserve net attached\nservice c\nconnect net.connect as "
	     "net\nconnect net.listen.80\nconnect net as net2\n");
	const struct mf_service *n = &m.svc[0], *c = &m.svc[1];
	assert_int_equal(n->attached, 1);
	assert_string_equal(n->serve, "net");
	assert_string_equal(c->connect[0].service, "net");
	assert_string_equal(c->connect[0].narrow, "connect");
	assert_string_equal(c->connect[0].as, "net");
	assert_string_equal(c->connect[1].service, "net");
	assert_string_equal(c->connect[1].narrow, "listen.80");
	assert_string_equal(c->connect[1].as, "net.listen.80");
	assert_string_equal(c->connect[2].narrow, "");
	assert_int_equal(mf_server_of(&m, "net"), 0);
	/* A service that does not take records cannot be narrowed. */
	bad("service n\nserve net\nservice c\nconnect net.connect\n", 4,
	    "does not take grants (it needs 'serve net attached')");
	/* Nothing before or after the dot, or no such service. */
	bad("service n\nserve net attached\nservice c\nconnect net.\n", 4,
	    "no service serves 'net.'");
	bad("service n\nserve net attached\nservice c\nconnect .connect\n", 4,
	    "no service serves '.connect'");
	bad("service n\nserve net attached\nservice c\nconnect nut.connect\n", 4,
	    "no service serves 'nut.connect' (nor 'nut')");
	bad("service c\nconnect init.x\n", 2, "no service serves 'init.x' (nor 'init')");
	/* A dotted serve name is still found whole first. */
	good("service n\nserve a.b\nservice c\nconnect a.b\n");
	assert_string_equal(m.svc[1].connect[0].service, "a.b");
	assert_string_equal(m.svc[1].connect[0].narrow, "");
}

static void test_connect_self(void **state)
{
	(void)state;
	bad("service a\nconnect x\nserve x\n", 2, "service 'a' connects to itself");
	bad("service b\nserve y\nservice a\nserve x\nconnect y\nconnect x\n", 6,
	    "connects to itself");
}

static void test_no_service(void **state)
{
	(void)state;
	assert_int_equal(parse(""), VX_E_INVAL);
	assert_string_equal(err, "manifest: no service is defined");
	assert_int_equal(parse("# nothing\n\n   \t\n"), VX_E_INVAL);
	assert_string_equal(err, "manifest: no service is defined");
	assert_int_equal(mf_parse(NULL, 0, &m, err, sizeof(err)), VX_E_INVAL);
	assert_string_equal(err, "manifest: no service is defined");
}

static void test_too_many_services(void **state)
{
	size_t n = 0;

	(void)state;
	for (int i = 0; i < MF_MAX_SERVICES; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "service s%d\n", i);
	good(big);
	assert_int_equal(m.n, MF_MAX_SERVICES);
	snprintf(big + n, sizeof(big) - n, "service s%d\n", MF_MAX_SERVICES);
	bad(big, MF_MAX_SERVICES + 1, "too many services (at most 16)");
}

static void test_too_many_grants(void **state)
{
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(big + n, sizeof(big) - n, "service a\n");
	for (int i = 0; i < MF_MAX_GRANTS; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "grant g%d = self\n", i);
	good(big);
	assert_int_equal(m.svc[0].ngrant, MF_MAX_GRANTS);
	snprintf(big + n, sizeof(big) - n, "grant g%d = self\n", MF_MAX_GRANTS);
	bad(big, MF_MAX_GRANTS + 2, "too many grants in service 'a' (at most 12)");
}

static void test_too_many_connects(void **state)
{
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(big + n, sizeof(big) - n, "service b\nserve x\nservice a\n");
	for (int i = 0; i < MF_MAX_CONNECTS; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "connect x as c%d\n", i);
	good(big);
	assert_int_equal(m.svc[1].nconnect, MF_MAX_CONNECTS);
	snprintf(big + n, sizeof(big) - n, "connect x as c%d\n", MF_MAX_CONNECTS);
	bad(big, MF_MAX_CONNECTS + 4, "too many connects in service 'a' (at most 12)");
}

static void test_long_line(void **state)
{
	char line[MF_LINE_MAX + 8];

	(void)state;
	/* 200 bytes of comment is fine; 201 is not, comment or not. */
	memset(line, '#', MF_LINE_MAX);
	line[MF_LINE_MAX] = '\0';
	snprintf(big, sizeof(big), "service a\n%s\r\n%s", line, line);
	good(big);
	line[MF_LINE_MAX] = '#';
	line[MF_LINE_MAX + 1] = '\0';
	snprintf(big, sizeof(big), "service a\n\n%s\n", line);
	bad(big, 3, "line is 201 bytes long (at most 200)");
	snprintf(big, sizeof(big), "service a\n\n%s", line);
	bad(big, 3, "line is 201 bytes long");
	/* Spaces count too. */
	memset(line, ' ', MF_LINE_MAX + 1);
	memcpy(line + 100, "service a", 9);
	bad(line, 1, "at most 200");
}

static void test_control_bytes(void **state)
{
	static const char nul[] = "service a\nserve x\0y\n";

	(void)state;
	bad_n(nul, sizeof(nul) - 1, 2, "control byte 0x00 at column 8");
	bad("service a\n# \x01 in a comment\n", 2, "control byte 0x01 at column 3");
	bad("service a\nserve\vx\n", 2, "control byte 0x0b");
	bad("service a\nserve\fx\n", 2, "control byte 0x0c");
	bad("service a\x7f\n", 1, "control byte 0x7f");
	bad("service a\n\x1b[31m\n", 2, "control byte 0x1b");
	/* A CR is part of a line ending only right before "\n" or the end. */
	bad("service a\rserve x\n", 1, "control byte 0x0d at column 10");
	bad("service a\r\r\n", 1, "control byte 0x0d");
	/* Tab is whitespace. */
	good("\tservice\ta\t\n");
}

static void test_too_big(void **state)
{
	size_t n;

	(void)state;
	n = (size_t)snprintf(big, sizeof(big), "service a\n");
	while (n + 101 <= MF_FILE_MAX) {
		memset(big + n, '#', 100);
		big[n + 100] = '\n';
		n += 101;
	}
	memset(big + n, ' ', MF_FILE_MAX - n);
	assert_int_equal(parse_n(big, MF_FILE_MAX), VX_OK);
	big[MF_FILE_MAX] = '\n';
	assert_int_equal(parse_n(big, MF_FILE_MAX + 1), VX_E_TOOBIG);
	assert_string_equal(err, "manifest: file is larger than 8192 bytes");
	assert_int_equal(m.n, 0);
}

static void test_device_grants(void **state)
{
	(void)state;
	good("service devd\ngrant e = boot ecam\ngrant m = boot mmio\ngrant p = boot pci\n"
	     "grant q = boot msi\ngrant i = irq 23\ndma unconfined\n");
	assert_int_equal(m.svc[0].ngrant, 5);
	assert_int_equal(m.svc[0].grant[0].kind, MF_BOOT);
	assert_string_equal(m.svc[0].grant[0].boot, "ecam");
	assert_string_equal(m.svc[0].grant[1].boot, "mmio");
	assert_int_equal(m.svc[0].grant[4].a, 23);
	assert_int_equal(m.svc[0].dma_unconfined, 1);
	good("service devd\ngrant p = boot pci\n");
	assert_int_equal(m.svc[0].dma_unconfined, 0);
}

static void test_bad_grant(void **state)
{
	(void)state;
	bad("service a\ngrant x = memory 4M\n", 2,
	    "unknown grant kind 'memory' (ioport, irq, reticle, bootimg, self or boot)");
	/* The device manager's grants: boot's device capabilities, by name. */
	bad("service a\ngrant x = boot ram0\n", 2,
	    "unknown boot capability 'ram0' (ecam, mmio, pci, msi or devmem)");
	bad("service a\ngrant x = boot self\n", 2, "unknown boot capability 'self'");
	bad("service a\ngrant x = boot\n", 2, "missing argument");
	bad("service a\ngrant x = boot pci msi\n", 2, "extra argument 'msi'");
	bad("service a\ndma confined\n", 2,
	    "bad dma mode 'confined' (only 'unconfined' can be said)");
	bad("service a\ndma\n", 2, "missing argument");
	bad("service a\ndma unconfined\ndma unconfined\n", 3, "second 'dma' in service 'a'");
	bad("dma unconfined\n", 1, "'dma' outside a service block");
	bad("service a\ngrant x : self\n", 2, "expected '=', found ':'");
	bad("service a\ngrant = = self\n", 2, "bad slot name '='");
	bad("service a\nrestart sometimes\n", 2,
	    "bad restart policy 'sometimes' (always, on-failure or never)");
}

/* ------------------------------------------------------------ the API */

static void test_first_error_wins(void **state)
{
	(void)state;
	/* Line errors come in file order, before whole-file checks. */
	bad("service a\nconnect nobody\nbogus\n", 3, "unknown keyword");
	bad("service a\nconnect nobody\nconnect ghost\n", 2, "'nobody'");
}

static void test_error_buffer(void **state)
{
	char small[12];

	(void)state;
	memset(small, 'x', sizeof(small));
	assert_int_equal(mf_parse("bogus", 5, &m, small, sizeof(small)), VX_E_INVAL);
	assert_string_equal(small, "manifest li");
	memset(small, 'x', sizeof(small));
	assert_int_equal(mf_parse("", 0, &m, small, 1), VX_E_INVAL);
	assert_int_equal(small[0], '\0');
	assert_int_equal(small[1], 'x');
	assert_int_equal(mf_parse("bogus", 5, &m, NULL, 0), VX_E_INVAL);
	assert_int_equal(mf_parse("service a", 9, &m, NULL, 0), VX_OK);
	assert_int_equal(mf_parse("service a", 9, NULL, small, sizeof(small)), VX_E_INVAL);
	assert_int_equal(mf_parse(NULL, 3, &m, small, sizeof(small)), VX_E_INVAL);
	assert_int_equal(m.n, 0);
}

static void test_result_wiped(void **state)
{
	(void)state;
	/* A failure after good services leaves nothing behind (bad() checks). */
	bad("service a\nserve x\nservice b\nconnect x\nconnect y\n", 5, NULL);
	bad("service a\nserve x\nservice b\ngrant i = irq 2\n", 4, NULL);
}

static void test_server_of(void **state)
{
	(void)state;
	good("service a\nservice b\nserve x\n");
	assert_int_equal(mf_server_of(&m, "x"), 1);
	assert_int_equal(mf_server_of(&m, "a"), -1);
	assert_int_equal(mf_server_of(&m, ""), -1); /* a has serve "" */
	assert_int_equal(mf_server_of(&m, "init"), -1);
	assert_int_equal(mf_server_of(&m, NULL), -1);
	assert_int_equal(mf_server_of(NULL, "x"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_manifest),
	    cmocka_unit_test(test_every_directive),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_args),
	    cmocka_unit_test(test_spacing_and_comments),
	    cmocka_unit_test(test_crlf),
	    cmocka_unit_test(test_no_final_newline),
	    cmocka_unit_test(test_not_nul_terminated),
	    cmocka_unit_test(test_mutual_connects),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_outside_block),
	    cmocka_unit_test(test_unknown_keyword),
	    cmocka_unit_test(test_missing_argument),
	    cmocka_unit_test(test_extra_argument),
	    cmocka_unit_test(test_bad_name),
	    cmocka_unit_test(test_bad_number),
	    cmocka_unit_test(test_duplicate_service),
	    cmocka_unit_test(test_duplicate_slot),
	    cmocka_unit_test(test_port_slot_reserved),
	    cmocka_unit_test(test_second_serve),
	    cmocka_unit_test(test_second_single),
	    cmocka_unit_test(test_serve_twice),
	    cmocka_unit_test(test_serve_init),
	    cmocka_unit_test(test_connect_unserved),
	    cmocka_unit_test(test_connect_narrowed),
	    cmocka_unit_test(test_connect_self),
	    cmocka_unit_test(test_no_service),
	    cmocka_unit_test(test_too_many_services),
	    cmocka_unit_test(test_too_many_grants),
	    cmocka_unit_test(test_device_grants),
	    cmocka_unit_test(test_too_many_connects),
	    cmocka_unit_test(test_long_line),
	    cmocka_unit_test(test_control_bytes),
	    cmocka_unit_test(test_too_big),
	    cmocka_unit_test(test_bad_grant),
	    cmocka_unit_test(test_first_error_wins),
	    cmocka_unit_test(test_error_buffer),
	    cmocka_unit_test(test_result_wiped),
	    cmocka_unit_test(test_server_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
