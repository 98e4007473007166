/* SPDX-License-Identifier: MIT */
/* Bounded buffers: the only code that does pointer arithmetic on wire bytes.
 * A reader get either succeeds whole or consumes nothing; a writer put either
 * fits whole or writes nothing. Integers on the wire are big-endian.
 * nbuf_q is a growable byte queue with a hard capacity, for socket I/O. */
#ifndef NATTER_NBUF_H
#define NATTER_NBUF_H

#include <stddef.h>
#include <stdint.h>

#define NBUF_WUR __attribute__((warn_unused_result))

/* A read cursor over caller-owned bytes; never copies or frees them. */
struct nbuf_reader {
	const uint8_t *p;
	size_t len;
	size_t off;
};

void nbuf_reader_init(struct nbuf_reader *r, const void *data, size_t len);
/* Bytes not yet consumed. */
size_t nbuf_left(const struct nbuf_reader *r);
/* Each get returns 0, or NERR_SHORT and consumes nothing. */
int nbuf_get_u8(struct nbuf_reader *r, uint8_t *v) NBUF_WUR;
int nbuf_get_u16(struct nbuf_reader *r, uint16_t *v) NBUF_WUR;
int nbuf_get_u32(struct nbuf_reader *r, uint32_t *v) NBUF_WUR;
int nbuf_get_u64(struct nbuf_reader *r, uint64_t *v) NBUF_WUR;
/* Copy n bytes to out. */
int nbuf_get_bytes(struct nbuf_reader *r, void *out, size_t n) NBUF_WUR;
/* Point *out at the next n bytes inside the reader's buffer (valid while it is). */
int nbuf_get_ref(struct nbuf_reader *r, const uint8_t **out, size_t n) NBUF_WUR;
/* NERR_TRAILING if any byte is left, else 0. */
int nbuf_expect_end(const struct nbuf_reader *r) NBUF_WUR;

/* A write cursor over a caller-owned fixed array of cap bytes. */
struct nbuf_writer {
	uint8_t *p;
	size_t cap;
	size_t len;
};

void nbuf_writer_init(struct nbuf_writer *w, void *buf, size_t cap);
/* Each put returns 0, or NERR_TOOLONG and writes nothing. */
int nbuf_put_u8(struct nbuf_writer *w, uint8_t v) NBUF_WUR;
int nbuf_put_u16(struct nbuf_writer *w, uint16_t v) NBUF_WUR;
int nbuf_put_u32(struct nbuf_writer *w, uint32_t v) NBUF_WUR;
int nbuf_put_u64(struct nbuf_writer *w, uint64_t v) NBUF_WUR;
int nbuf_put_bytes(struct nbuf_writer *w, const void *data, size_t n) NBUF_WUR;

/* A heap byte queue: append at the tail, consume from the head, never more
 * than max bytes held (NERR_LIMIT). Owns its storage; nbuf_q_clear frees it. */
struct nbuf_q {
	uint8_t *buf;
	size_t head; /* first unconsumed byte */
	size_t tail; /* one past the last byte */
	size_t cap;  /* allocated size */
	size_t max;  /* hard limit on held bytes */
};

void nbuf_q_init(struct nbuf_q *q, size_t max);
void nbuf_q_clear(struct nbuf_q *q);
size_t nbuf_q_len(const struct nbuf_q *q);
const uint8_t *nbuf_q_data(const struct nbuf_q *q);
/* Append n bytes: 0, NERR_LIMIT (over max) or NERR_NOMEM; nothing on failure. */
int nbuf_q_put(struct nbuf_q *q, const void *data, size_t n) NBUF_WUR;
/* Reserve n writable bytes at the tail; *out points at them until the next
 * call on q. Commit what was written with nbuf_q_commit. */
int nbuf_q_reserve(struct nbuf_q *q, size_t n, uint8_t **out) NBUF_WUR;
void nbuf_q_commit(struct nbuf_q *q, size_t n);
/* Drop n bytes from the head (n <= length). */
void nbuf_q_consume(struct nbuf_q *q, size_t n);

#endif
