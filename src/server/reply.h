#ifndef BASALT_SERVER_REPLY_H
#define BASALT_SERVER_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Reply encoding in RESP2 or RESP3, appended to a connection's output
 * buffer. Commands build replies only through these functions, so they never
 * see the wire format or the socket. */
typedef struct reply {
    buf_t out;
    int proto;       /* 2 or 3 */
    int error_count; /* errors queued since the last reset (for stats) */
    /* out.len may not grow past this (the client's output limit; SIZE_MAX
     * = none). An append that would, or that finds no memory, sets
     * `overflowed` and is dropped with every later one: the reply is
     * incomplete and the connection must be closed, not written. */
    size_t max_len;
    int overflowed;
} reply_t;

void reply_init(reply_t *r);
void reply_fini(reply_t *r);

void reply_simple(reply_t *r, const char *status); /* "+OK" */
void reply_ok(reply_t *r);
/* msg begins with the error code ("ERR ...", "WRONGTYPE ..."); line breaks
 * in it are replaced by spaces. */
void reply_error(reply_t *r, const char *msg);
void reply_errorf(reply_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void reply_int(reply_t *r, long long v);
void reply_bulk(reply_t *r, const void *data, size_t len);
void reply_bulk_cstr(reply_t *r, const char *s);
void reply_bulk_ll(reply_t *r, long long v);
void reply_null(reply_t *r);       /* $-1 / _ */
void reply_null_array(reply_t *r); /* *-1 / _ */
void reply_array(reply_t *r, long long n);
void reply_map(reply_t *r, long long pairs); /* RESP2: array of 2n */
void reply_set(reply_t *r, long long n);     /* RESP2: array */
void reply_double(reply_t *r, double v);     /* RESP2: bulk string */
void reply_bool(reply_t *r, int v);          /* RESP2: integer 0/1 */
/* Verbatim text (RESP3 "=len\r\ntxt:..."); a bulk string in RESP2. */
void reply_verbatim(reply_t *r, const char *data, size_t len);

/* For replies whose length is known only at the end (KEYS, SCAN): remember
 * the position, write the elements, then insert the header. */
size_t reply_deferred_begin(reply_t *r);
void reply_deferred_array(reply_t *r, size_t mark, long long n);
void reply_deferred_map(reply_t *r, size_t mark, long long pairs);
void reply_deferred_set(reply_t *r, size_t mark, long long n); /* RESP2: array */
/* Inserts an integer as a bulk string at mark (SCAN's next cursor, known
 * only after the elements are written). */
void reply_deferred_bulk_ll(reply_t *r, size_t mark, long long v);
/* Drops what was written since mark (an error found mid-reply). */
void reply_discard(reply_t *r, size_t mark);

#endif
