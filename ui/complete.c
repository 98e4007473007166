/* SPDX-License-Identifier: MIT */
/* Tab completion with irssi's cycling: Tab again offers the next match for
 * the word as first typed. */
#include "complete.h"

#include <stdlib.h>
#include <string.h>

void complete_init(struct complete *c)
{
	memset(c, 0, sizeof *c);
}

void complete_reset(struct complete *c)
{
	free(c->prefix);
	free(c->last);
	memset(c, 0, sizeof *c);
}

static int complete_lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

static int complete_starts(const char *s, const char *prefix)
{
	for (; *prefix; prefix++, s++)
		if (!*s ||
		    complete_lower((unsigned char)*s) != complete_lower((unsigned char)*prefix))
			return 0;
	return 1;
}

static char *complete_dup(const char *s, size_t len)
{
	char *p = malloc(len + 1);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

const char *complete_next(struct complete *c, const char *word, size_t wlen,
			  const char *const *cands, size_t n)
{
	int cycling =
	    c->prefix && c->last && strlen(c->last) == wlen && memcmp(c->last, word, wlen) == 0;
	if (!cycling) {
		complete_reset(c);
		c->prefix = complete_dup(word, wlen);
		if (!c->prefix)
			return NULL;
	}
	for (size_t k = 0; k < n; k++) {
		size_t i = (c->next + k) % n;
		if (!complete_starts(cands[i], c->prefix))
			continue;
		char *last = complete_dup(cands[i], strlen(cands[i]));
		if (!last)
			return NULL;
		free(c->last);
		c->last = last;
		c->next = i + 1;
		return cands[i];
	}
	return NULL;
}
