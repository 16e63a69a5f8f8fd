#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(buf_t *b) {
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void buf_fini(buf_t *b) {
    free(b->data);
    buf_init(b);
}

int buf_reserve(buf_t *b, size_t extra) {
    if (b->cap - b->len >= extra) return 0;
    size_t need = b->len + extra;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap = cap < (1u << 30) ? cap * 2 : cap + (1u << 30);
    char *p = realloc(b->data, cap);
    if (!p) return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

static void buf_reserve_or_die(buf_t *b, size_t extra) {
    /* Out of memory while building a reply has no sane recovery; the
     * allocator's own failure message is the best we can do. */
    if (buf_reserve(b, extra) != 0) {
        fprintf(stderr, "basalt: out of memory growing a buffer by %zu bytes\n", extra);
        abort();
    }
}

void buf_append(buf_t *b, const void *data, size_t len) {
    if (len == 0) return;
    buf_reserve_or_die(b, len);
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

void buf_append_cstr(buf_t *b, const char *s) { buf_append(b, s, strlen(s)); }

void buf_append_char(buf_t *b, char c) {
    buf_reserve_or_die(b, 1);
    b->data[b->len++] = c;
}

void buf_vappendf(buf_t *b, const char *fmt, va_list ap) {
    va_list copy;
    va_copy(copy, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        buf_append(b, small, (size_t)n);
        return;
    }
    buf_reserve_or_die(b, (size_t)n + 1);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_appendf(buf_t *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    buf_vappendf(b, fmt, ap);
    va_end(ap);
}

void buf_consume(buf_t *b, size_t n) {
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

void buf_clear(buf_t *b) { b->len = 0; }

void buf_shrink_if_empty(buf_t *b, size_t keep) {
    if (b->len == 0 && b->cap > keep) buf_fini(b);
}
