#include "server/reply.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/strutil.h"

void reply_init(reply_t *r) {
    buf_init(&r->out);
    r->proto = 2;
    r->error_count = 0;
    r->max_len = SIZE_MAX;
    r->overflowed = 0;
}

/* Makes room for len more bytes within the output limit. Returns 0, or -1
 * (and marks the reply overflowed) when over the limit or out of memory. */
static int reply_room(reply_t *r, size_t len) {
    if (r->overflowed) return -1;
    if (r->out.len > r->max_len || len > r->max_len - r->out.len || buf_reserve(&r->out, len) != 0) {
        r->overflowed = 1;
        return -1;
    }
    return 0;
}

static void reply_put(reply_t *r, const void *data, size_t len) {
    if (len == 0 || reply_room(r, len) != 0) return;
    memcpy(r->out.data + r->out.len, data, len);
    r->out.len += len;
}

static void reply_put_cstr(reply_t *r, const char *s) { reply_put(r, s, strlen(s)); }

void reply_fini(reply_t *r) { buf_fini(&r->out); }

static void reply_header(reply_t *r, char type, long long n) {
    char tmp[32];
    tmp[0] = type;
    size_t len = 1 + ll_to_str(tmp + 1, n);
    tmp[len++] = '\r';
    tmp[len++] = '\n';
    reply_put(r, tmp, len);
}

void reply_simple(reply_t *r, const char *status) {
    reply_put(r, "+", 1);
    reply_put_cstr(r, status);
    reply_put(r, "\r\n", 2);
}

void reply_ok(reply_t *r) { reply_put(r, "+OK\r\n", 5); }

void reply_error(reply_t *r, const char *msg) {
    reply_put(r, "-", 1);
    size_t start = r->out.len;
    size_t len = strlen(msg);
    while (len && (msg[len - 1] == '\r' || msg[len - 1] == '\n')) len--;
    reply_put(r, msg, len);
    for (size_t i = start; i < r->out.len; i++)
        if (r->out.data[i] == '\r' || r->out.data[i] == '\n') r->out.data[i] = ' ';
    reply_put(r, "\r\n", 2);
    r->error_count++;
}

void reply_errorf(reply_t *r, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    reply_error(r, msg);
}

void reply_int(reply_t *r, long long v) { reply_header(r, ':', v); }

void reply_bulk(reply_t *r, const void *data, size_t len) {
    reply_header(r, '$', (long long)len);
    if (reply_room(r, len + 2) != 0) return;
    reply_put(r, data, len);
    reply_put(r, "\r\n", 2);
}

void reply_bulk_cstr(reply_t *r, const char *s) { reply_bulk(r, s, strlen(s)); }

void reply_bulk_ll(reply_t *r, long long v) {
    char tmp[24];
    size_t n = ll_to_str(tmp, v);
    reply_bulk(r, tmp, n);
}

void reply_null(reply_t *r) {
    if (r->proto >= 3)
        reply_put(r, "_\r\n", 3);
    else
        reply_put(r, "$-1\r\n", 5);
}

void reply_null_array(reply_t *r) {
    if (r->proto >= 3)
        reply_put(r, "_\r\n", 3);
    else
        reply_put(r, "*-1\r\n", 5);
}

void reply_array(reply_t *r, long long n) { reply_header(r, '*', n); }

void reply_map(reply_t *r, long long pairs) {
    if (r->proto >= 3)
        reply_header(r, '%', pairs);
    else
        reply_header(r, '*', pairs * 2);
}

void reply_set(reply_t *r, long long n) { reply_header(r, r->proto >= 3 ? '~' : '*', n); }

void reply_double(reply_t *r, double v) {
    char tmp[64];
    size_t n = double_to_str(tmp, sizeof tmp, v);
    if (r->proto >= 3) {
        reply_put(r, ",", 1);
        reply_put(r, tmp, n);
        reply_put(r, "\r\n", 2);
    } else {
        reply_bulk(r, tmp, n);
    }
}

void reply_bool(reply_t *r, int v) {
    if (r->proto >= 3)
        reply_put(r, v ? "#t\r\n" : "#f\r\n", 4);
    else
        reply_int(r, v ? 1 : 0);
}

void reply_verbatim(reply_t *r, const char *data, size_t len) {
    if (r->proto < 3) {
        reply_bulk(r, data, len);
        return;
    }
    reply_header(r, '=', (long long)len + 4);
    reply_put(r, "txt:", 4);
    reply_put(r, data, len);
    reply_put(r, "\r\n", 2);
}

size_t reply_deferred_begin(reply_t *r) { return r->out.len; }

/* Inserts len bytes at mark, moving what follows. */
static void reply_insert(reply_t *r, size_t mark, const char *bytes, size_t len) {
    if (mark > r->out.len || reply_room(r, len) != 0) return;
    memmove(r->out.data + mark + len, r->out.data + mark, r->out.len - mark);
    memcpy(r->out.data + mark, bytes, len);
    r->out.len += len;
}

static void reply_insert_header(reply_t *r, size_t mark, char type, long long n) {
    char tmp[32];
    tmp[0] = type;
    size_t len = 1 + ll_to_str(tmp + 1, n);
    tmp[len++] = '\r';
    tmp[len++] = '\n';
    reply_insert(r, mark, tmp, len);
}

void reply_deferred_array(reply_t *r, size_t mark, long long n) { reply_insert_header(r, mark, '*', n); }

void reply_deferred_map(reply_t *r, size_t mark, long long pairs) {
    if (r->proto >= 3)
        reply_insert_header(r, mark, '%', pairs);
    else
        reply_insert_header(r, mark, '*', pairs * 2);
}

void reply_deferred_set(reply_t *r, size_t mark, long long n) { reply_insert_header(r, mark, r->proto >= 3 ? '~' : '*', n); }

void reply_deferred_bulk_ll(reply_t *r, size_t mark, long long v) {
    char digits[24], tmp[48];
    size_t n = ll_to_str(digits, v);
    size_t len = (size_t)snprintf(tmp, sizeof tmp, "$%zu\r\n%s\r\n", n, digits);
    reply_insert(r, mark, tmp, len);
}

void reply_discard(reply_t *r, size_t mark) {
    if (mark < r->out.len) r->out.len = mark;
}
