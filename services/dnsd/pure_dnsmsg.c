/* SPDX-License-Identifier: BSD-3-Clause */
/* dnsd's request decoder; see pure_dnsmsg.h. */
#include "vectra/abi.h"
#include "vx_string.h"
#include "net/addr.h"
#include "pure_dnsmsg.h"

static int resolve_of(const struct vx_msg *m, struct dns_req *r)
{
	uint32_t head[2];
	const char *name = (const char *)m->data + sizeof(head);

	if (m->len < sizeof(head) + 2) /* at least one byte and the NUL */
		return VX_E_INVAL;
	memcpy(head, m->data, sizeof(head));
	if (head[0] != 0 || head[1] != 0)
		return VX_E_INVAL;
	size_t n = m->len - sizeof(head);
	for (size_t i = 0; i < n; i++)
		if ((name[i] == 0) != (i == n - 1))
			return VX_E_INVAL; /* no NUL at the end, or one before it */
	if (vx_ip_parse(name, r->addr)) {
		r->literal = true;
		memcpy(r->name, name, n);
		return VX_OK;
	}
	return vx_dns_name_check(name, r->name, &r->why);
}

int dns_decode(const struct vx_msg *m, struct dns_req *r)
{
	memset(r, 0, sizeof(*r));
	r->op = m->op;
	if (m->op < DNS_RESOLVE || m->op > DNS_FLUSH)
		return VX_E_NOSYS;
	if (m->ncaps != 0 || m->len > VX_MSG_DATA)
		return VX_E_INVAL;
	switch (m->op) {
	case DNS_RESOLVE:
		return resolve_of(m, r);
	case DNS_INFO:
	case DNS_FLUSH:
		return m->len == 0 ? VX_OK : VX_E_INVAL;
	case DNS_COUNTERS:
	case DNS_CACHE:
		return vx_msg_first(m, &r->first);
	}
	return VX_E_NOSYS;
}

bool dns_parse_config(const char *args, struct dns_config *cfg)
{
	const char *p = args ? args : "";

	memset(cfg, 0, sizeof(*cfg));
	while (*p == ' ')
		p++;
	if (*p == 0 || strcmp(p, "dnsd") == 0)
		return true;
	if (strncmp(p, "server ", 7) != 0)
		return false;
	for (p += 7; *p == ' '; p++)
		;
	char w[16];
	size_t n = 0;
	while (*p && *p != ' ' && n + 1 < sizeof(w))
		w[n++] = *p++;
	w[n] = 0;
	while (*p == ' ')
		p++;
	uint8_t a[4];
	if (*p || !vx_ip_parse(w, a) || !vx_ip_unicast(a))
		return false;
	cfg->how = DNS_SERVER_ARGS;
	memcpy(cfg->server, a, 4);
	return true;
}
