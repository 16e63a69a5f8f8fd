#ifndef BASALT_SERVER_RESP_PARSER_H
#define BASALT_SERVER_RESP_PARSER_H

#include <stddef.h>

#include "util/slice.h"

/* An incremental parser of client requests: RESP multibulk
 * ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n") and inline commands ("GET k\r\n").
 * It parses in place: arguments are offsets into the caller's buffer, which
 * must start at the first byte of the request being parsed and keep every
 * byte already fed until the request completes. Feeding more bytes resumes
 * where the previous call stopped, so a large request arriving in small
 * pieces costs linear time. Inline arguments with quotes are unescaped in
 * place, which is why the buffer is not const. */

enum resp_status {
    RESP_DONE = 0,       /* a whole request is parsed; see resp_parser_args */
    RESP_INCOMPLETE = 1, /* need more bytes */
    RESP_EMPTY = 2,      /* an empty request (blank line, *0): skip `consumed` bytes */
    RESP_ERROR = -1,     /* protocol error; message in parser->error */
};

typedef struct resp_limits {
    long long max_bulk_len;      /* proto-max-bulk-len */
    long long max_multibulk_len; /* most arguments in one request */
    size_t max_inline_len;       /* longest inline line or length header */
    int unauthenticated;         /* the limits are the pre-AUTH ones: say so in errors */
} resp_limits_t;

typedef struct resp_parser {
    int kind; /* 0 = not started, '*' = multibulk, 'i' = inline */
    long long args_expected;
    long long bulk_len; /* -1 while reading a "$<len>" header */
    size_t pos;         /* next byte to parse, from the request start */
    size_t *arg_off;
    size_t *arg_len;
    size_t argc;
    size_t arg_cap;
    char error[128];
} resp_parser_t;

void resp_parser_init(resp_parser_t *p);
void resp_parser_fini(resp_parser_t *p);
/* Forgets the current request (after it was executed or failed). */
void resp_parser_reset(resp_parser_t *p);

/* Parses buf[0..len). On RESP_DONE or RESP_EMPTY, *consumed is the number of
 * bytes the request used. */
enum resp_status resp_parse(resp_parser_t *p, char *buf, size_t len, const resp_limits_t *limits,
                            size_t *consumed);

/* Fills argv (room for p->argc) with views into buf; valid while buf is. */
void resp_parser_args(const resp_parser_t *p, const char *buf, slice_t *argv);

/* Bytes still missing for the bulk being read, or 0 when unknown: lets the
 * caller size its read buffer once for a large value. */
size_t resp_parser_bytes_wanted(const resp_parser_t *p, size_t have);

#endif
