/* SPDX-License-Identifier: MIT */
/* Bounded readers, writers and byte queues; see nbuf.h for the contracts. */
#include "nbuf.h"
#include "nerr.h"

#include <stdlib.h>
#include <string.h>

void nbuf_reader_init(struct nbuf_reader *r, const void *data, size_t len)
{
	r->p = data;
	r->len = data ? len : 0;
	r->off = 0;
}

size_t nbuf_left(const struct nbuf_reader *r)
{
	return r->len - r->off;
}

int nbuf_get_ref(struct nbuf_reader *r, const uint8_t **out, size_t n)
{
	if (nbuf_left(r) < n)
		return NERR_SHORT;
	*out = r->p + r->off;
	r->off += n;
	return 0;
}

int nbuf_get_bytes(struct nbuf_reader *r, void *out, size_t n)
{
	const uint8_t *p;
	int e = nbuf_get_ref(r, &p, n);
	if (e == 0 && n > 0)
		memcpy(out, p, n);
	return e;
}

static int get_be(struct nbuf_reader *r, size_t n, uint64_t *v)
{
	const uint8_t *p;
	uint64_t x = 0;
	int e = nbuf_get_ref(r, &p, n);
	if (e != 0)
		return e;
	for (size_t i = 0; i < n; i++)
		x = (x << 8) | p[i];
	*v = x;
	return 0;
}

int nbuf_get_u8(struct nbuf_reader *r, uint8_t *v)
{
	uint64_t x;
	int e = get_be(r, 1, &x);
	if (e == 0)
		*v = (uint8_t)x;
	return e;
}

int nbuf_get_u16(struct nbuf_reader *r, uint16_t *v)
{
	uint64_t x;
	int e = get_be(r, 2, &x);
	if (e == 0)
		*v = (uint16_t)x;
	return e;
}

int nbuf_get_u32(struct nbuf_reader *r, uint32_t *v)
{
	uint64_t x;
	int e = get_be(r, 4, &x);
	if (e == 0)
		*v = (uint32_t)x;
	return e;
}

int nbuf_get_u64(struct nbuf_reader *r, uint64_t *v)
{
	return get_be(r, 8, v);
}

int nbuf_expect_end(const struct nbuf_reader *r)
{
	return nbuf_left(r) == 0 ? 0 : NERR_TRAILING;
}

void nbuf_writer_init(struct nbuf_writer *w, void *buf, size_t cap)
{
	w->p = buf;
	w->cap = buf ? cap : 0;
	w->len = 0;
}

int nbuf_put_bytes(struct nbuf_writer *w, const void *data, size_t n)
{
	if (w->cap - w->len < n)
		return NERR_TOOLONG;
	if (n > 0)
		memcpy(w->p + w->len, data, n);
	w->len += n;
	return 0;
}

static int put_be(struct nbuf_writer *w, size_t n, uint64_t v)
{
	uint8_t b[8];
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return nbuf_put_bytes(w, b, n);
}

int nbuf_put_u8(struct nbuf_writer *w, uint8_t v)
{
	return put_be(w, 1, v);
}

int nbuf_put_u16(struct nbuf_writer *w, uint16_t v)
{
	return put_be(w, 2, v);
}

int nbuf_put_u32(struct nbuf_writer *w, uint32_t v)
{
	return put_be(w, 4, v);
}

int nbuf_put_u64(struct nbuf_writer *w, uint64_t v)
{
	return put_be(w, 8, v);
}

void nbuf_q_init(struct nbuf_q *q, size_t max)
{
	q->buf = NULL;
	q->head = q->tail = q->cap = 0;
	q->max = max;
}

void nbuf_q_clear(struct nbuf_q *q)
{
	free(q->buf);
	nbuf_q_init(q, q->max);
}

size_t nbuf_q_len(const struct nbuf_q *q)
{
	return q->tail - q->head;
}

const uint8_t *nbuf_q_data(const struct nbuf_q *q)
{
	return q->buf ? q->buf + q->head : NULL;
}

int nbuf_q_reserve(struct nbuf_q *q, size_t n, uint8_t **out)
{
	size_t len = nbuf_q_len(q);
	if (n > q->max || len > q->max - n)
		return NERR_LIMIT;
	if (q->cap - q->tail < n) {
		/* Compact first; grow only if the data still does not fit. */
		if (q->head > 0) {
			memmove(q->buf, q->buf + q->head, len);
			q->head = 0;
			q->tail = len;
		}
		if (q->cap - q->tail < n) {
			size_t ncap = q->cap ? q->cap : 4096;
			while (ncap - len < n)
				ncap *= 2;
			if (ncap > q->max)
				ncap = q->max;
			uint8_t *nb = realloc(q->buf, ncap);
			if (!nb)
				return NERR_NOMEM;
			q->buf = nb;
			q->cap = ncap;
		}
	}
	*out = q->buf + q->tail;
	return 0;
}

void nbuf_q_commit(struct nbuf_q *q, size_t n)
{
	q->tail += n;
}

int nbuf_q_put(struct nbuf_q *q, const void *data, size_t n)
{
	uint8_t *p;
	int e = nbuf_q_reserve(q, n, &p);
	if (e != 0)
		return e;
	if (n > 0)
		memcpy(p, data, n);
	nbuf_q_commit(q, n);
	return 0;
}

void nbuf_q_consume(struct nbuf_q *q, size_t n)
{
	if (n > nbuf_q_len(q))
		n = nbuf_q_len(q);
	q->head += n;
	if (q->head == q->tail)
		q->head = q->tail = 0;
}
