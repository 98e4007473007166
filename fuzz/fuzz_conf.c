/* SPDX-License-Identifier: MIT */
/* conf_parse on an arbitrary natter.conf: whatever the bytes, every field
 * stays within its limits, every warning is one terminated line that names
 * the file and a line that exists, and there is at most one per line. */
#include "conf.h"
#include "fuzz.h"
#include "nerr.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	size_t warnings;
	size_t lines;
};

static void on_warn(void *ctx, const char *msg)
{
	struct seen *s = ctx;
	size_t n = strlen(msg);
	FUZZ_CHECK(strncmp(msg, "natter.conf:", 12) == 0);
	FUZZ_CHECK(memchr(msg, '\n', n) == NULL);
	unsigned long line = strtoul(msg + 12, NULL, 10);
	FUZZ_CHECK(line >= 1 && line <= s->lines);
	s->warnings++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c;
	struct seen s = {0, 1};
	for (size_t i = 0; i < size; i++)
		s.lines += data[i] == '\n';
	conf_defaults(&c);
	size_t w = conf_parse(&c, "natter.conf", (const char *)data, size, on_warn, &s);
	FUZZ_CHECK(w == s.warnings && w <= s.lines);
	FUZZ_CHECK(c.read_receipts == 0 || c.read_receipts == 1);
	FUZZ_CHECK(c.bell == 0 || c.bell == 1);
	FUZZ_CHECK(c.n_ifaces <= CONF_IFACES_MAX && c.n_peers <= CONF_PEERS_MAX);
	FUZZ_CHECK(c.n_aliases <= CONF_ALIASES_MAX);
	FUZZ_CHECK(memchr(c.nick, '\0', sizeof c.nick) != NULL);
	for (size_t i = 0; i < c.n_ifaces; i++)
		FUZZ_CHECK(c.ifaces[i][0] && memchr(c.ifaces[i], '\0', CONF_IFACE_LEN) != NULL);
	for (size_t i = 0; i < c.n_aliases; i++)
		FUZZ_CHECK(c.aliases[i].name[0] && c.aliases[i].target[0]);
	FUZZ_CHECK(c.ttl_s >= 0 && c.ttl_s <= CONF_TTL_MAX_S);
	FUZZ_CHECK(c.timeout_ms >= 0 && c.timeout_ms <= CONF_TIMEOUT_MAX_MS);
	return 0;
}
