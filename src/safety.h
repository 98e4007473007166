/* SPDX-License-Identifier: MIT */
/* Safety numbers, as Signal computes them: each side's identity key hashed
 * 5200 times with SHA-512 gives 30 digits; the two halves in sorted order make
 * the 60 digits both users see, printed as 12 groups of 5. */
#ifndef NATTER_SAFETY_H
#define NATTER_SAFETY_H

#include <stdint.h>

#define SAFETY_ITERATIONS 5200
#define SAFETY_TEXT_LEN 71 /* 12 groups of 5 digits and 11 spaces */

/* The safety number of the pair (a, b), the same whichever order they come
 * in, into out[SAFETY_TEXT_LEN + 1]. */
void safety_number(char out[static SAFETY_TEXT_LEN + 1], const uint8_t a[static 32],
		   const uint8_t b[static 32]);

#endif
