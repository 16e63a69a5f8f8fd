#ifndef BASALT_UTIL_BUF_H
#define BASALT_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

/* A growable byte buffer owned by its holder (buf_init / buf_fini). The data
 * pointer moves when the buffer grows: never keep it across an append. */
typedef struct buf {
    char *data;
    size_t len;
    size_t cap;
} buf_t;

void buf_init(buf_t *b);
void buf_fini(buf_t *b);
/* Makes room for at least `extra` more bytes. Returns 0, or -1 when the
 * allocation fails (the buffer is unchanged). */
int buf_reserve(buf_t *b, size_t extra);
void buf_append(buf_t *b, const void *data, size_t len);
void buf_append_cstr(buf_t *b, const char *s);
void buf_append_char(buf_t *b, char c);
void buf_appendf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vappendf(buf_t *b, const char *fmt, va_list ap);
/* Drops the first n bytes. */
void buf_consume(buf_t *b, size_t n);
void buf_clear(buf_t *b);
/* Releases memory beyond `keep` bytes of capacity when the buffer is empty,
 * so one big reply does not pin a large block for the connection's life. */
void buf_shrink_if_empty(buf_t *b, size_t keep);

#endif
