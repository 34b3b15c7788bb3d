/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shell's command grammar.  Pure: no syscalls, no allocation.
 *
 * WORDS
 *
 * A line splits into words at spaces and tabs.  Double quotes group ("two
 * words" is one word, "" is an empty word) and may sit inside a word
 * (a"b c"d is one word).  \" and \\ stand for " and \ (inside or outside
 * quotes); any other backslash is an ordinary character.  An unquoted > or
 * >> is an operator even without spaces around it (echo hi>f); quoted it is
 * text.  An unquoted keyword (run's "with") is recognised only when no part
 * of the word was quoted.
 *
 * REDIRECTION (echo only)
 *
 *     WORDS... > FILE     replace FILE's contents
 *     WORDS... >> FILE    append to FILE
 *
 * The operator must be followed by exactly one word, and end the line.
 *
 * RUN
 *
 *     run PROGRAM [ARG...] [with GRANT...]
 *     GRANT = SLOT=CAPABILITY | CAPABILITY     (the second means CAP=CAP)
 *
 * SLOT names the child's connection (it finds SLOT.req and SLOT.rep in its
 * Bundle); CAPABILITY names what the shell connects it to.  Whether the
 * capability exists is the caller's question (vsh_grantable).
 */
#ifndef VSHELL_PURE_CMD_H
#define VSHELL_PURE_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include "pure_line.h"

#define VSH_WORDS_MAX  32u
#define VSH_GRANTS_MAX 8u
#define VSH_SLOT_MAX   27u /* so that SLOT.req fits a 31-byte Bundle name */
#define VSH_PROG_MAX   40u /* SYS:bin/ plus this fits a boot image name */

enum vsh_word_kind {
	VSH_W_PLAIN = 0,  /* unquoted text */
	VSH_W_QUOTED = 1, /* text, some part of it quoted */
	VSH_W_REDIR = 2,  /* > */
	VSH_W_APPEND = 3, /* >> */
};

enum vsh_cmd_error {
	VSH_OK = 0,
	VSH_ERR_QUOTE = -1,	 /* unterminated quote */
	VSH_ERR_WORDS = -2,	 /* more than VSH_WORDS_MAX words */
	VSH_ERR_REDIR_FILE = -3, /* > or >> without one file word after it */
	VSH_ERR_REDIR_MANY = -4, /* more than one redirection, or words after the file */
	VSH_ERR_REDIR_HERE = -5, /* a redirection on a command other than echo */
	VSH_ERR_PROGRAM = -6,	 /* run without a program, or a bad program name */
	VSH_ERR_GRANT = -7,	 /* a malformed SLOT=CAPABILITY */
	VSH_ERR_GRANTS = -8,	 /* "with" and nothing after it, or too many grants */
	VSH_ERR_DUP_SLOT = -9,	 /* the same slot granted twice */
	VSH_ERR_LINE = -10,	 /* the line is longer than VSH_LINE_MAX */
	VSH_ERR_NEED_SLOT = -11, /* a CAPABILITY alone whose name is no slot ("fs.read:DIR") */
};

/* A split line.  Words point into store. */
struct vsh_words {
	uint32_t argc;
	const char *argv[VSH_WORDS_MAX];
	uint8_t kind[VSH_WORDS_MAX]; /* enum vsh_word_kind */
	char store[VSH_LINE_MAX + VSH_WORDS_MAX + 1];
};

/* A command ready to run: argv without any redirection. */
struct vsh_cmd {
	uint32_t argc;
	const char *const *argv;
	const uint8_t *kind;
	uint32_t redir;		/* 0, VSH_W_REDIR or VSH_W_APPEND */
	const char *redir_path; /* the file, when redir != 0 */
};

struct vsh_grant {
	const char *slot;
	const char *cap;
	char slot_buf[VSH_SLOT_MAX + 1];
};

struct vsh_run {
	const char *program;
	char args[VSH_LINE_MAX + 1]; /* the arguments, joined by single spaces */
	uint32_t ngrants;
	struct vsh_grant grant[VSH_GRANTS_MAX];
	const char *bad; /* on an error: the offending word, if there is one */
};

/* Splits line into w.  VSH_OK, VSH_ERR_QUOTE, VSH_ERR_WORDS or VSH_ERR_LINE. */
int vsh_split(const char *line, struct vsh_words *w);

/* Separates the redirection from the words; VSH_ERR_REDIR_* on misuse.
 * An empty line gives argc 0. */
int vsh_command(const struct vsh_words *w, struct vsh_cmd *cmd);

/* Parses "run PROGRAM ..." from cmd (argv[0] is "run"). */
int vsh_run_parse(const struct vsh_cmd *cmd, struct vsh_run *run);

/* One line of text for a VSH_ERR_* code, without the command's name. */
const char *vsh_cmd_strerror(int err);

/* Is name a capability the shell can grant with run ... with? */
bool vsh_grantable(const char *name);

/* The capabilities vsh_grantable accepts, NULL-terminated (for help). */
extern const char *const vsh_grantables[];

#endif
