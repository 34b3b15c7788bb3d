/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * random: bytes from rngd (vectra/proto/rng.h, client/rng.h), and its
 * per-source accounting.
 *
 *   random N         N bytes (1..RNG_GET_MAX) at Standard, in hex
 *   random high N    the same at High, or "not enough entropy yet (High)"
 *   random feed TEXT mixes TEXT in (one word; quote spaces): credited
 *                    nothing, since the shell is not a device source
 *   random status    every source's bytes and credit, and whether High
 *                    would answer now
 */
#include "shell.h"
#include "client/rng.h"
#include "crypto/ct.h"
#include "vx_string.h"

#define RANDOM_USAGE "random [high] N | random feed TEXT | random status"

/* A count of bytes: decimal digits only.  0 if it is not one, or too big
 * to matter (anything above RNG_GET_MAX is refused the same way). */
static uint64_t count_of(const char *s, bool *digits)
{
	uint64_t v = 0;

	*digits = *s != '\0';
	for (; *s; s++) {
		if (*s < '0' || *s > '9') {
			*digits = false;
			return 0;
		}
		if (v <= RNG_GET_MAX)
			v = v * 10 + (uint64_t)(*s - '0');
	}
	return v;
}

static const char *kind_name(uint32_t kind)
{
	switch (kind) {
	case RNG_KIND_CPU:
		return "cpu";
	case RNG_KIND_JITTER:
		return "jitter";
	case RNG_KIND_FEED:
		return "fed";
	case RNG_KIND_DEVICE:
		return "device";
	default:
		return "?";
	}
}

static void random_status(void)
{
	struct rng_status st;
	int rc, tries = 0;

	do
		rc = vx_rng_client_status(&shell.rng.c, &st, client_deadline());
	while (client_retry(&shell.rng, rc, &tries));
	if (client_report("random", &shell.rng, rc))
		return;
	if (rc < 0) {
		con_printf("random: status: %s\n", vx_strerror(rc));
		return;
	}
	con_printf("Standard %s; High %s\n", st.seeded ? "seeded" : "not seeded yet",
		   st.high_ready ? "available now"
				 : "not available yet (256 bits from 2 sources, 64 each)");
	con_printf("  %-8s %4s %10s %10s %10s\n", "source", "id", "bytes", "credited", "for-high");
	for (uint32_t i = 0; i < st.nsources; i++) {
		const struct rng_source_info *e = &st.src[i];
		con_printf("  %-8s %4u %10llu %10u %10u\n", kind_name(e->kind), e->id,
			   (unsigned long long)e->bytes, e->credited_bits, e->high_bits);
	}
	con_printf("served %u standard, %u high; refused %u high (not enough entropy), %u "
		   "malformed; %u reseeds\n",
		   st.served_standard, st.served_high, st.refused_high, st.refused_bad, st.reseeds);
}

static void random_feed(const char *text)
{
	struct rng_fed fed;
	size_t n = strlen(text);
	int rc, tries = 0;

	if (n > RNG_FEED_MAX) {
		con_printf("random: feed: %u bytes is too many (at most %u at a time)\n",
			   (unsigned)n, RNG_FEED_MAX);
		return;
	}
	if (n == 0) {
		con_printf("random: feed: nothing to feed\n");
		return;
	}
	do
		rc = vx_rng_client_feed(&shell.rng.c, text, n, &fed, client_deadline());
	while (client_retry(&shell.rng, rc, &tries));
	if (client_report("random", &shell.rng, rc))
		return;
	if (rc < 0) {
		con_printf("random: feed: %s\n", vx_strerror(rc));
		return;
	}
	con_printf("random: fed %u bytes, credited %u bits%s\n", (unsigned)n, fed.credited_bits,
		   fed.credited_bits ? "" : " (only device sources are credited)");
}

void cmd_random(const struct vsh_cmd *c)
{
	uint8_t buf[RNG_GET_MAX];
	uint32_t level = RNG_LEVEL_STANDARD;
	const char *arg = c->argv[1];
	uint64_t n;
	bool digits;
	int rc, tries = 0;

	if (c->argc == 2 && strcmp(arg, "status") == 0) {
		random_status();
		return;
	}
	if (c->argc == 3 && strcmp(arg, "feed") == 0) {
		random_feed(c->argv[2]);
		return;
	}
	if (c->argc == 2 && (strcmp(arg, "feed") == 0 || strcmp(arg, "high") == 0)) {
		con_printf("random: %s needs %s; usage: %s\n", arg,
			   arg[0] == 'f' ? "TEXT" : "a count N", RANDOM_USAGE);
		return;
	}
	if (c->argc == 3 || strcmp(arg, "high") == 0) {
		if (c->argc != 3 || strcmp(arg, "high") != 0) {
			con_printf("random: usage: %s\n", RANDOM_USAGE);
			return;
		}
		level = RNG_LEVEL_HIGH;
		arg = c->argv[2];
	}
	n = count_of(arg, &digits);
	if (!digits || n == 0) {
		con_printf("random: bad count '%s' (a number of bytes, 1..%u)\n", arg, RNG_GET_MAX);
		return;
	}
	if (n > RNG_GET_MAX) {
		con_printf("random: %s bytes is too many (at most %u at a time)\n", arg,
			   RNG_GET_MAX);
		return;
	}
	do
		rc = vx_rng_client_get(&shell.rng.c, level, buf, (size_t)n, client_deadline());
	while (rc == VX_E_AGAIN && !vx_client_server_up(&shell.rng.c) &&
	       client_retry(&shell.rng, rc, &tries));
	if (rc == VX_E_AGAIN && vx_client_server_up(&shell.rng.c)) {
		con_printf("random: not enough entropy yet (%s)\n",
			   level == RNG_LEVEL_HIGH ? "High" : "Standard");
		return;
	}
	if (client_report("random", &shell.rng, rc))
		return;
	if (rc < 0) {
		con_printf("random: %s\n", vx_strerror(rc));
		return;
	}
	for (uint64_t i = 0; i < n; i++)
		con_printf("%02x%s", buf[i], (i % 32 == 31 || i + 1 == n) ? "\n" : "");
	vx_wipe(buf, sizeof(buf));
}
