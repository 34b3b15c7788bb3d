/* SPDX-License-Identifier: BSD-3-Clause */
/* The shell's command grammar (words, quotes, redirection, run) and the
 * way it shows values (pure_show). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../services/vshell/pure_cmd.h"
#include "../../services/vshell/pure_show.h"
#include "vectra/proto/init.h"
#include "rt/errstr.h"
#include <vectra/abi.h>

static struct vsh_words w;
static struct vsh_cmd cmd;
static struct vsh_run run;

/* Splits line and checks the words (NULL-terminated list). */
static void words_are(const char *line, ...)
{
	va_list ap;
	uint32_t i = 0;

	assert_int_equal(vsh_split(line, &w), VSH_OK);
	va_start(ap, line);
	for (const char *s; (s = va_arg(ap, const char *)); i++) {
		assert_true(i < w.argc);
		assert_string_equal(w.argv[i], s);
	}
	va_end(ap);
	assert_int_equal(w.argc, i);
}

static void test_split_plain(void **state)
{
	(void)state;
	words_are("", NULL);
	words_are("   \t  ", NULL);
	words_are("ls", "ls", NULL);
	words_are("  cat\tnotes.txt  ", "cat", "notes.txt", NULL);
	words_are("write a  b\t\tc", "write", "a", "b", "c", NULL);
}

static void test_split_quotes(void **state)
{
	(void)state;
	words_are("echo \"two words\"", "echo", "two words", NULL);
	words_are("echo \"\"", "echo", "", NULL);
	assert_int_equal(w.kind[1], VSH_W_QUOTED);
	words_are("a\"b c\"d", "ab cd", NULL);
	words_are("echo \"say \\\"hi\\\"\" \\\\", "echo", "say \"hi\"", "\\", NULL);
	words_are("echo \"a\\nb\"", "echo", "a\\nb", NULL); /* other backslashes stay */
	words_are("echo \"  \t \"", "echo", "  \t ", NULL);
	words_are("echo x\\", "echo", "x\\", NULL);

	/* Single quotes, as sh's: everything inside is literal, a backslash
	 * too, and a double quote; a ' inside "..." is a character. */
	words_are("echo 'two words'", "echo", "two words", NULL);
	words_are("echo ''", "echo", "", NULL);
	assert_int_equal(w.kind[1], VSH_W_QUOTED);
	words_are("echo 'a\\\"b'", "echo", "a\\\"b", NULL);
	words_are("echo \"it's\" 'say \"hi\"'", "echo", "it's", "say \"hi\"", NULL);
	words_are("a'b c'\"d e\"f", "ab cd ef", NULL);
	words_are("echo '>' x", "echo", ">", "x", NULL);
	assert_int_equal(w.kind[1], VSH_W_QUOTED);
	words_are("echo don\\'t \"\\'\"", "echo", "don't", "\\'", NULL);
}

static void test_split_errors(void **state)
{
	(void)state;
	assert_int_equal(vsh_split("echo \"open", &w), VSH_ERR_QUOTE);
	assert_int_equal(w.argc, 0);
	assert_int_equal(vsh_split("echo \\\"\"", &w), VSH_ERR_QUOTE);
	assert_int_equal(vsh_split("echo 'open", &w), VSH_ERR_QUOTE);
	assert_int_equal(vsh_split("echo don't", &w), VSH_ERR_QUOTE);
	assert_int_equal(vsh_split("echo '\\''", &w), VSH_ERR_QUOTE); /* no escape inside '...' */
	char many[200] = "";
	for (int i = 0; i < 33; i++)
		strcat(many, "w ");
	assert_int_equal(vsh_split(many, &w), VSH_ERR_WORDS);
	many[2 * 32] = '\0';
	assert_int_equal(vsh_split(many, &w), VSH_OK);
	assert_int_equal(w.argc, 32);
	char *big = malloc(VSH_LINE_MAX + 2);
	memset(big, 'x', VSH_LINE_MAX + 1);
	big[VSH_LINE_MAX + 1] = '\0';
	assert_int_equal(vsh_split(big, &w), VSH_ERR_LINE);
	big[VSH_LINE_MAX] = '\0';
	assert_int_equal(vsh_split(big, &w), VSH_OK);
	free(big);
	assert_string_not_equal(vsh_cmd_strerror(VSH_ERR_QUOTE), vsh_cmd_strerror(VSH_ERR_WORDS));
}

/* The worst case for the word store: many short words and operators. */
static void test_split_store_worst_case(void **state)
{
	(void)state;
	char line[VSH_LINE_MAX + 1];

	memset(line, '>', VSH_LINE_MAX);
	line[VSH_LINE_MAX] = '\0';
	assert_int_equal(vsh_split(line, &w), VSH_ERR_WORDS);
	memset(line, 0, sizeof(line));
	for (int i = 0; i < 31; i++)
		strcat(line, "\"\"");
	assert_int_equal(vsh_split(line, &w), VSH_OK);
	assert_int_equal(w.argc, 1);
}

static void command(const char *line, int expect)
{
	assert_int_equal(vsh_split(line, &w), VSH_OK);
	assert_int_equal(vsh_command(&w, &cmd), expect);
}

static void test_redirection(void **state)
{
	(void)state;
	command("echo hello world > notes.txt", VSH_OK);
	assert_int_equal(cmd.argc, 3);
	assert_int_equal(cmd.redir, VSH_W_REDIR);
	assert_string_equal(cmd.redir_path, "notes.txt");
	command("echo more>>notes.txt", VSH_OK);
	assert_int_equal(cmd.argc, 2);
	assert_string_equal(cmd.argv[1], "more");
	assert_int_equal(cmd.redir, VSH_W_APPEND);
	assert_string_equal(cmd.redir_path, "notes.txt");
	command("echo \">\" x", VSH_OK); /* quoted: text */
	assert_int_equal(cmd.argc, 3);
	assert_int_equal(cmd.redir, 0);
	command("echo \"a > b\"", VSH_OK);
	assert_int_equal(cmd.argc, 2);
	command("echo hi >", VSH_ERR_REDIR_FILE);
	command("echo hi > >> f", VSH_ERR_REDIR_FILE);
	command("echo hi > a b", VSH_ERR_REDIR_MANY);
	command("echo hi > a > b", VSH_ERR_REDIR_MANY);
	command("ls > f", VSH_ERR_REDIR_HERE);
	command("> f", VSH_ERR_REDIR_HERE);
	command("echo > f", VSH_OK); /* an empty line into f */
	assert_int_equal(cmd.argc, 1);
	command("", VSH_OK);
	assert_int_equal(cmd.argc, 0);
}

static int parse_run(const char *line)
{
	assert_int_equal(vsh_split(line, &w), VSH_OK);
	assert_int_equal(vsh_command(&w, &cmd), VSH_OK);
	return vsh_run_parse(&cmd, &run);
}

static void test_run_grammar(void **state)
{
	(void)state;
	assert_int_equal(parse_run("run hello"), VSH_OK);
	assert_string_equal(run.program, "hello");
	assert_string_equal(run.args, "");
	assert_int_equal(run.ngrants, 0);

	assert_int_equal(parse_run("run hello a \"b c\" with console=console fs"), VSH_OK);
	assert_string_equal(run.args, "a b c");
	assert_int_equal(run.ngrants, 2);
	assert_string_equal(run.grant[0].slot, "console");
	assert_string_equal(run.grant[0].cap, "console");
	assert_string_equal(run.grant[1].slot, "fs");
	assert_string_equal(run.grant[1].cap, "fs");

	assert_int_equal(parse_run("run denied with log=console"), VSH_OK);
	assert_string_equal(run.grant[0].slot, "log");
	assert_string_equal(run.grant[0].cap, "console");

	/* a quoted "with" is an argument */
	assert_int_equal(parse_run("run hello \"with\" x"), VSH_OK);
	assert_string_equal(run.args, "with x");
	assert_int_equal(run.ngrants, 0);

	/* unknown capability names parse; the shell refuses them later */
	assert_int_equal(parse_run("run hello with x"), VSH_OK);
	assert_string_equal(run.grant[0].cap, "x");
	assert_false(vsh_grantable("x"));
	assert_true(vsh_grantable("console"));
	assert_true(vsh_grantable("fs"));
	assert_true(vsh_grantable("ns"));
	assert_false(vsh_grantable("self"));
	/* identityd only through a minted facet, never its full connection. */
	assert_true(vsh_grantable("identity.sign"));
	assert_true(vsh_grantable("identity.status"));
	assert_false(vsh_grantable("identity"));
	assert_true(vsh_grantable("pkg"));
	assert_true(vsh_grantable("devices")); /* every disk and driver: the person's choice */
	assert_true(vsh_grantable("net"));     /* all of netd */
	/* vfsd's narrowed connections (fs.h, GRANTS): serve gives httpd one */
	assert_true(vsh_grantable("fs.read"));
	assert_true(vsh_grantable("fs.read:HOME:www"));
	assert_false(vsh_grantable("fs.read:"));
	assert_false(vsh_grantable("fs.write"));
	assert_false(vsh_grantable("fs."));
	/* netd's narrowed connections (NET.md, "Grants"): serve gives httpd one */
	assert_true(vsh_grantable("net.connect"));
	assert_true(vsh_grantable("net.udp"));
	assert_true(vsh_grantable("net.listen"));
	assert_true(vsh_grantable("net.listen.80"));
	assert_true(vsh_grantable("net.listen.65535"));
	assert_false(vsh_grantable("net.listen.0"));
	assert_false(vsh_grantable("net.listen.080"));
	assert_false(vsh_grantable("net.listen.65536"));
	assert_false(vsh_grantable("net.listen.99999999999"));
	assert_false(vsh_grantable("net.listen."));
	assert_false(vsh_grantable("net.listen.8x"));
	assert_false(vsh_grantable("net."));
	assert_false(vsh_grantable("net.all"));
	assert_false(vsh_grantable("netx"));
}

static void test_run_errors(void **state)
{
	(void)state;
	assert_int_equal(parse_run("run"), VSH_ERR_PROGRAM);
	assert_int_equal(parse_run("run bin/hello"), VSH_ERR_PROGRAM);
	assert_string_equal(run.bad, "bin/hello");
	assert_int_equal(parse_run("run SYS:x"), VSH_ERR_PROGRAM);
	assert_int_equal(parse_run("run \"\""), VSH_ERR_PROGRAM);
	assert_int_equal(parse_run("run \"a b\""), VSH_ERR_PROGRAM);
	assert_int_equal(parse_run("run hello with"), VSH_ERR_GRANTS);
	assert_int_equal(parse_run("run hello with =console"), VSH_ERR_GRANT);
	assert_string_equal(run.bad, "=console");
	assert_int_equal(parse_run("run hello with log="), VSH_ERR_GRANT);
	assert_int_equal(parse_run("run hello with a=b=c"), VSH_ERR_GRANT);
	assert_int_equal(parse_run("run hello with Log=console"), VSH_ERR_GRANT);
	assert_int_equal(parse_run("run hello with a/b=console"), VSH_ERR_GRANT);
	assert_int_equal(parse_run("run hello with "
				   "abcdefghijabcdefghijabcdefgh=console"),
			 VSH_ERR_GRANT);
	assert_int_equal(parse_run("run hello with abcdefghijabcdefghijabcdefg=console"), VSH_OK);
	assert_int_equal(parse_run("run hello with console fs console"), VSH_ERR_DUP_SLOT);
	/* fs.read:DIR alone once got "a grant is SLOT=CAPABILITY (slot: a-z ...)",
	 * as if the slot were at fault: it is the name, which cannot be one */
	assert_int_equal(parse_run("run hello with fs.read:www"), VSH_ERR_NEED_SLOT);
	assert_string_equal(run.bad, "fs.read:www");
	assert_int_equal(parse_run("run hello with fs=fs.read:www"), VSH_OK);
	assert_int_equal(parse_run("run hello with fs.read"), VSH_OK);
	assert_int_equal(parse_run("run hello with a/b"), VSH_ERR_GRANT);
	assert_int_equal(parse_run("run hello with a=ns b=ns c=ns d=ns e=ns f=ns g=ns h=ns"),
			 VSH_OK);
	assert_int_equal(parse_run("run hello with a=ns b=ns c=ns d=ns e=ns f=ns g=ns h=ns i=ns"),
			 VSH_ERR_GRANTS);
}

static void test_show(void **state)
{
	(void)state;
	char buf[64];

	assert_string_equal(vsh_show_uptime(buf, sizeof(buf), 0), "0:00:00.000");
	assert_string_equal(vsh_show_uptime(buf, sizeof(buf), 1999999999ull), "0:00:01.999");
	assert_string_equal(vsh_show_uptime(buf, sizeof(buf),
					    ((25ull * 3600 + 7 * 60 + 9) * 1000 + 42) * 1000000ull),
			    "25:07:09.042");
	assert_string_equal(vsh_show_rights(buf, 0), "-------");
	assert_string_equal(vsh_show_rights(buf, VX_R_ALL), "rwxpcog");
	assert_string_equal(vsh_show_rights(buf, VX_R_READ | VX_R_CONTROL), "r----o-");
	assert_string_equal(vsh_show_bytes(buf, sizeof(buf), 512), "512 B");
	assert_string_equal(vsh_show_bytes(buf, sizeof(buf), 1024), "1 KiB");
	assert_string_equal(vsh_show_bytes(buf, sizeof(buf), 1536), "1.5 KiB");
	assert_string_equal(vsh_show_bytes(buf, sizeof(buf), 3u << 20), "3 MiB");
	assert_string_equal(vsh_show_bytes(buf, sizeof(buf), 500ull << 20), "500 MiB");
	assert_string_equal(vsh_type_name(VX_OBJ_RING), "Ring");
	assert_string_equal(vsh_type_name(VX_OBJ_IOPORT), "IoPort");
	assert_string_equal(vsh_type_name(0), "?");
	assert_string_equal(vsh_type_name(99), "?");
	assert_string_equal(vx_fault_name(VX_FAULT_PAGE), "page fault");
	assert_string_equal(vx_fault_name(1000), "fault");
	assert_string_equal(vsh_state_name(INIT_RUNNING), "running");
	assert_string_equal(vsh_state_name(INIT_GAVE_UP), "gave-up");
	assert_string_equal(vsh_state_name(0), "?");
	assert_string_equal(vsh_policy_name(2), "on-failure");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split_plain),	 cmocka_unit_test(test_split_quotes),
	    cmocka_unit_test(test_split_errors), cmocka_unit_test(test_split_store_worst_case),
	    cmocka_unit_test(test_redirection),	 cmocka_unit_test(test_run_grammar),
	    cmocka_unit_test(test_run_errors),	 cmocka_unit_test(test_show),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
