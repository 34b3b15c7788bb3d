/* SPDX-License-Identifier: BSD-3-Clause */
/* The shell's command grammar (see pure_cmd.h). */
#include "pure_cmd.h"
#include "rt/bundle.h"
#include "vx_string.h"

/* strlen that stops looking after max + 1 bytes (strnlen is not C11). */
static size_t bounded_len(const char *s, size_t max)
{
	size_t n = 0;

	while (n <= max && s[n])
		n++;
	return n;
}

const char *const vsh_grantables[] = {"console",	 "fs",	    "ns",  "pkg", "identity.sign",
				      "identity.status", "devices", "net", NULL};

/* "net.connect", "net.udp", "net.listen" or "net.listen.PORT" (PORT
 * 1..65535 without leading zeros): a "net" connection netd narrows
 * (docs/NET.md, "Grants"). */
static bool net_grant_ok(const char *name)
{
	uint32_t port = 0;
	const char *p;

	if (strncmp(name, "net.", 4) != 0)
		return false;
	name += 4;
	if (strcmp(name, "connect") == 0 || strcmp(name, "udp") == 0 || strcmp(name, "listen") == 0)
		return true;
	if (strncmp(name, "listen.", 7) != 0)
		return false;
	p = name + 7;
	if (*p < '1' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9' && port <= 65535; p++)
		port = port * 10 + (uint32_t)(*p - '0');
	return *p == '\0' && port <= 65535;
}

/* vfsd's grants (vectra/proto/fs.h, GRANTS): "fs.read" and
 * "fs.read:PATH".  PATH is vfsd's to check: one it refuses closes the
 * connection, and the program finds no fs. */
static bool fs_grant_ok(const char *name)
{
	return strcmp(name, "fs.read") == 0 || (strncmp(name, "fs.read:", 8) == 0 && name[8]);
}

bool vsh_grantable(const char *name)
{
	for (const char *const *g = vsh_grantables; *g; g++)
		if (strcmp(*g, name) == 0)
			return true;
	return net_grant_ok(name) || fs_grant_ok(name);
}

/* Splitting state: the output cursor and the word being built. */
struct splitter {
	struct vsh_words *w;
	uint32_t out; /* next free byte of w->store */
	bool in_word; /* a word has been started */
	bool quoted;  /* some part of it was quoted */
};

static int start_word(struct splitter *s, uint8_t kind)
{
	if (s->w->argc == VSH_WORDS_MAX)
		return VSH_ERR_WORDS;
	s->w->argv[s->w->argc] = &s->w->store[s->out];
	s->w->kind[s->w->argc] = kind;
	s->w->argc++;
	s->in_word = true;
	s->quoted = false;
	return VSH_OK;
}

static void end_word(struct splitter *s)
{
	if (!s->in_word)
		return;
	if (s->quoted)
		s->w->kind[s->w->argc - 1] = VSH_W_QUOTED;
	s->w->store[s->out++] = '\0';
	s->in_word = false;
}

/* Appends one text byte to the current word, starting one if needed. */
static int put(struct splitter *s, char c)
{
	int rc;

	if (!s->in_word && (rc = start_word(s, VSH_W_PLAIN)) < 0)
		return rc;
	s->w->store[s->out++] = c;
	return VSH_OK;
}

/* An operator (> or >>) is a word of its own. */
static int put_operator(struct splitter *s, bool append)
{
	int rc;

	end_word(s);
	if ((rc = start_word(s, append ? VSH_W_APPEND : VSH_W_REDIR)) < 0)
		return rc;
	s->w->store[s->out++] = '>';
	if (append)
		s->w->store[s->out++] = '>';
	s->in_word = true;
	end_word(s);
	return VSH_OK;
}

int vsh_split(const char *line, struct vsh_words *w)
{
	struct splitter s = {.w = w};
	char quote = 0; /* the open quote, '"' or '\'', or none */
	size_t n = bounded_len(line, VSH_LINE_MAX);
	int rc = VSH_OK;

	memset(w, 0, sizeof(*w));
	if (n > VSH_LINE_MAX)
		return VSH_ERR_LINE;
	/* Each input byte yields at most one output byte, plus one NUL per word. */
	for (size_t i = 0; i < n && rc == VSH_OK; i++) {
		char c = line[i];
		if (quote == '\'' && c != '\'') {
			rc = put(&s, c); /* as sh: nothing is special inside '...' */
		} else if (c == '\\' && i + 1 < n &&
			   (line[i + 1] == '"' || line[i + 1] == '\\' ||
			    (!quote && line[i + 1] == '\''))) {
			rc = put(&s, line[++i]);
		} else if (c == '"' || c == '\'') {
			if (quote && quote != c) { /* a ' inside "...", or the reverse */
				rc = put(&s, c);
				continue;
			}
			if (!s.in_word)
				rc = start_word(&s, VSH_W_PLAIN);
			s.quoted = true;
			quote = quote ? 0 : c;
		} else if (quote) {
			rc = put(&s, c);
		} else if (c == ' ' || c == '\t') {
			end_word(&s);
		} else if (c == '>') {
			bool append = i + 1 < n && line[i + 1] == '>';
			i += append;
			rc = put_operator(&s, append);
		} else {
			rc = put(&s, c);
		}
	}
	if (rc == VSH_OK && quote)
		rc = VSH_ERR_QUOTE;
	end_word(&s);
	if (rc != VSH_OK) {
		memset(w, 0, sizeof(*w));
		return rc;
	}
	return VSH_OK;
}

static bool is_redir(uint8_t kind)
{
	return kind == VSH_W_REDIR || kind == VSH_W_APPEND;
}

int vsh_command(const struct vsh_words *w, struct vsh_cmd *cmd)
{
	uint32_t i;

	memset(cmd, 0, sizeof(*cmd));
	cmd->argv = w->argv;
	cmd->kind = w->kind;
	for (i = 0; i < w->argc && !is_redir(w->kind[i]); i++)
		;
	cmd->argc = i;
	if (i == w->argc)
		return VSH_OK;
	if (i + 1 >= w->argc || is_redir(w->kind[i + 1]))
		return VSH_ERR_REDIR_FILE;
	if (i + 2 != w->argc)
		return VSH_ERR_REDIR_MANY;
	cmd->redir = w->kind[i];
	cmd->redir_path = w->argv[i + 1];
	if (i == 0 || strcmp(w->argv[0], "echo") != 0)
		return VSH_ERR_REDIR_HERE;
	return VSH_OK;
}

/* A program name: 1..VSH_PROG_MAX bytes, no '/' or ':' and nothing outside
 * printable ASCII (nsd checks the rest of its path rules). */
static bool program_ok(const char *p)
{
	size_t n = bounded_len(p, VSH_PROG_MAX);

	if (n == 0 || n > VSH_PROG_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] <= ' ' || p[i] > '~' || p[i] == '/' || p[i] == ':')
			return false;
	return true;
}

/* SLOT, so that SLOT.req and SLOT.rep are legal Bundle names. */
static bool slot_ok(const char *slot, size_t n)
{
	char name[VSH_SLOT_MAX + 5];

	if (n == 0 || n > VSH_SLOT_MAX)
		return false;
	memcpy(name, slot, n);
	memcpy(name + n, ".req", 5);
	return vx_bundle_name_check(name) == 0;
}

/* Parses one SLOT=CAP or CAP word into g. */
static int parse_grant(const char *word, struct vsh_grant *g)
{
	const char *eq = word;
	size_t slot_len;

	while (*eq && *eq != '=')
		eq++;
	g->cap = *eq ? eq + 1 : word;
	slot_len = (size_t)(eq - word);
	if (!*eq && slot_len > 0 && !slot_ok(word, slot_len) && vsh_grantable(word))
		return VSH_ERR_NEED_SLOT; /* "fs.read:www" alone: ':' and '/' name no slot */
	if (g->cap[0] == '\0' || !slot_ok(word, slot_len))
		return VSH_ERR_GRANT;
	for (const char *c = g->cap; *c; c++)
		if (*c == '=')
			return VSH_ERR_GRANT;
	memcpy(g->slot_buf, word, slot_len);
	g->slot_buf[slot_len] = '\0';
	g->slot = g->slot_buf;
	return VSH_OK;
}

static int parse_grants(const struct vsh_cmd *cmd, uint32_t i, struct vsh_run *run)
{
	int rc;

	if (i == cmd->argc)
		return VSH_ERR_GRANTS;
	for (; i < cmd->argc; i++) {
		struct vsh_grant *g = &run->grant[run->ngrants];
		run->bad = cmd->argv[i];
		if (run->ngrants == VSH_GRANTS_MAX)
			return VSH_ERR_GRANTS;
		if ((rc = parse_grant(cmd->argv[i], g)) < 0)
			return rc;
		for (uint32_t j = 0; j < run->ngrants; j++)
			if (strcmp(run->grant[j].slot, g->slot) == 0)
				return VSH_ERR_DUP_SLOT;
		run->ngrants++;
	}
	run->bad = NULL;
	return VSH_OK;
}

int vsh_run_parse(const struct vsh_cmd *cmd, struct vsh_run *run)
{
	size_t used = 0;
	uint32_t i;

	memset(run, 0, sizeof(*run));
	if (cmd->argc < 2)
		return VSH_ERR_PROGRAM;
	run->program = cmd->argv[1];
	if (!program_ok(run->program)) {
		run->bad = run->program;
		return VSH_ERR_PROGRAM;
	}
	for (i = 2; i < cmd->argc; i++) {
		if (cmd->kind[i] == VSH_W_PLAIN && strcmp(cmd->argv[i], "with") == 0)
			return parse_grants(cmd, i + 1, run);
		size_t n = strlen(cmd->argv[i]);
		if (used + (used > 0) + n > VSH_LINE_MAX)
			return VSH_ERR_LINE; /* cannot happen for a split line; kept as a guard */
		if (used > 0)
			run->args[used++] = ' ';
		memcpy(run->args + used, cmd->argv[i], n);
		used += n;
	}
	return VSH_OK;
}

const char *vsh_cmd_strerror(int err)
{
	switch (err) {
	case VSH_OK:
		return "ok";
	case VSH_ERR_QUOTE:
		return "unterminated quote";
	case VSH_ERR_WORDS:
		return "too many words (max 32)";
	case VSH_ERR_REDIR_FILE:
		return "missing file name after > or >>";
	case VSH_ERR_REDIR_MANY:
		return "only one redirection, at the end of the line";
	case VSH_ERR_REDIR_HERE:
		return "only echo can redirect its output";
	case VSH_ERR_PROGRAM:
		return "usage: run PROGRAM [ARG...] [with SLOT=CAPABILITY...]";
	case VSH_ERR_GRANT:
		return "a grant is SLOT=CAPABILITY (slot: a-z 0-9 _ - ., up to 27 bytes)";
	case VSH_ERR_GRANTS:
		return "'with' takes 1 to 8 grants";
	case VSH_ERR_NEED_SLOT:
		return "this capability's name cannot be a slot's: name one, SLOT=CAPABILITY "
		       "(fs=fs.read:DIR)";
	case VSH_ERR_DUP_SLOT:
		return "a slot is granted twice";
	case VSH_ERR_LINE:
		return "line too long";
	default:
		return "bad command";
	}
}
