/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 addresses as people write them; see addr.h. */
#include "net/addr.h"

bool vx_ip_unicast(const uint8_t a[4])
{
	return a[0] != 0 && a[0] < 224;
}

/* One decimal number of at most 255 at *s, advancing *s past it. */
static bool octet(const char **s, uint8_t *out)
{
	unsigned v = 0, n = 0;

	while (**s >= '0' && **s <= '9') {
		v = v * 10 + (unsigned)(**s - '0');
		(*s)++;
		if (++n > 3 || v > 255)
			return false;
	}
	*out = (uint8_t)v;
	return n > 0;
}

static bool ip_prefix(const char **s, uint8_t a[4])
{
	for (int i = 0; i < 4; i++) {
		if (i > 0 && *(*s)++ != '.')
			return false;
		if (!octet(s, &a[i]))
			return false;
	}
	return true;
}

bool vx_ip_parse(const char *s, uint8_t a[4])
{
	return ip_prefix(&s, a) && *s == 0;
}

bool vx_cidr_parse(const char *s, uint8_t a[4], uint8_t mask[4])
{
	uint8_t n;

	if (!ip_prefix(&s, a) || *s++ != '/' || !octet(&s, &n) || *s != 0 || n > 32)
		return false;
	uint32_t m = n == 0 ? 0 : ~0u << (32 - n);
	for (int i = 0; i < 4; i++)
		mask[i] = (uint8_t)(m >> (24 - 8 * i));
	return true;
}
