/* SPDX-License-Identifier: MIT */
/* Signal's numeric fingerprint construction over natter identity keys. */
#include "safety.h"
#include "ncrypto.h"

#include <stdio.h>
#include <string.h>

/* 30 digits for one key. The stable identifier Signal hashes with the key is
 * the fingerprint text itself (lowercase hex of the key). */
static void half(char out[static 31], const uint8_t key[static 32])
{
	uint8_t h[NCRYPTO_HASH], buf[2 + 32 + 64];
	char fp[65];
	ncrypto_hex(fp, key, 32);
	buf[0] = 0; /* version, big-endian u16 */
	buf[1] = 0;
	memcpy(buf + 2, key, 32);
	memcpy(buf + 34, fp, 64);
	ncrypto_sha512(h, buf, sizeof buf, NULL, 0);
	for (int i = 0; i < SAFETY_ITERATIONS; i++)
		ncrypto_sha512(h, h, sizeof h, key, 32);
	for (int chunk = 0; chunk < 6; chunk++) {
		uint64_t v = 0;
		for (int k = 0; k < 5; k++)
			v = (v << 8) | h[chunk * 5 + k];
		snprintf(out + chunk * 5, 6, "%05u", (unsigned)(v % 100000));
	}
}

void safety_number(char out[static SAFETY_TEXT_LEN + 1], const uint8_t a[static 32],
		   const uint8_t b[static 32])
{
	char ha[31], hb[31], all[61];
	half(ha, a);
	half(hb, b);
	if (strcmp(ha, hb) <= 0)
		snprintf(all, sizeof all, "%s%s", ha, hb);
	else
		snprintf(all, sizeof all, "%s%s", hb, ha);
	char *o = out;
	for (int g = 0; g < 12; g++) {
		if (g)
			*o++ = ' ';
		memcpy(o, all + g * 5, 5);
		o += 5;
	}
	*o = '\0';
}
