/* SPDX-License-Identifier: MIT */
/* Nick colours from fingerprints: FNV-1a over the hex string picks an entry
 * of a fixed palette, so a peer keeps its colour across runs and machines. */
#include "palette.h"

#include <stdint.h>

/* xterm-256 colours of medium brightness: legible on black and on white. */
static const int palette_256[] = {
    31, 33, 37, 40, 64, 70, 97, 98, 99, 127, 130, 133, 136, 166, 172, 202,
};
/* The basic colours: green, yellow, blue, magenta, cyan. */
static const int palette_8[] = {2, 3, 4, 5, 6};

#define PALETTE_N256 (sizeof palette_256 / sizeof palette_256[0])
#define PALETTE_N8   (sizeof palette_8 / sizeof palette_8[0])

size_t palette_size(int ncolours)
{
	if (ncolours >= 256)
		return PALETTE_N256;
	return ncolours >= 8 ? PALETTE_N8 : 0;
}

size_t palette_index(const char *fp, int ncolours)
{
	size_t n = palette_size(ncolours);
	uint32_t h = 2166136261u;
	if (n == 0)
		return 0;
	for (const unsigned char *p = (const unsigned char *)fp; *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	return h % n;
}

int palette_colour(size_t i, int ncolours)
{
	if (ncolours >= 256)
		return palette_256[i % PALETTE_N256];
	return palette_8[i % PALETTE_N8];
}
