/* libFuzzer target for the request parser (src/server/resp_parser).
 *
 * The input is a byte stream a client might send. It is replayed the way
 * client.c drives the parser — parse from the request start, skip what a
 * finished request consumed, wait for more bytes on RESP_INCOMPLETE, stop
 * the connection on RESP_ERROR — under several chunkings of the same stream:
 * all at once, one byte at a time, and random splits derived from the input.
 * Every call sees a fresh heap copy of exactly the bytes that have arrived,
 * so a read past them is an AddressSanitizer report, not a silent success.
 *
 * Invariants checked (a violation aborts, which libFuzzer reports):
 *  - consumed is within the bytes given and non-zero on DONE/EMPTY;
 *  - every argument slice lies within the consumed request;
 *  - an error carries a "Protocol error: " message;
 *  - the sequence of outcomes (each request's arguments, empty requests,
 *    the final error or incomplete state) is the same for every chunking;
 *  - the whole thing runs under two limit sets: generous ones and tight ones
 *    so the limit checks are reached by small inputs too. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/resp_parser.h"

/* The outcome log of one replay: a byte string that two chunkings must
 * produce identically. */
typedef struct outlog {
    unsigned char *data;
    size_t len, cap;
} outlog_t;

static void die(const char *what) {
    fprintf(stderr, "fuzz_resp_parser: invariant violated: %s\n", what);
    abort();
}

static void log_append(outlog_t *l, const void *p, size_t n) {
    if (l->len + n > l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        while (cap < l->len + n) cap *= 2;
        unsigned char *d = realloc(l->data, cap);
        if (!d) die("out of memory");
        l->data = d;
        l->cap = cap;
    }
    memcpy(l->data + l->len, p, n);
    l->len += n;
}

static void log_tag(outlog_t *l, char tag, size_t value) {
    log_append(l, &tag, 1);
    log_append(l, &value, sizeof value);
}

/* A deterministic generator seeded from the input, so a crash reproduces
 * from the input file alone. */
static uint64_t rng_next(uint64_t *s) {
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static uint64_t seed_of(const uint8_t *data, size_t size, uint64_t salt) {
    uint64_t h = 1469598103934665603ULL ^ salt;
    for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 1099511628211ULL;
    return h ? h : 1;
}

enum chunking { WHOLE, BYTE_BY_BYTE, RANDOM_SPLITS };

/* Replays the stream in chunks and logs the outcomes. */
static void replay(const uint8_t *data, size_t size, enum chunking how, uint64_t seed, const resp_limits_t *lim,
                   outlog_t *log) {
    /* The connection's query buffer: the parser may unescape inline
     * arguments in place, and that change must persist like it does in
     * client.c's buffer. */
    char *stream = malloc(size ? size : 1);
    if (!stream) die("out of memory");
    if (size) memcpy(stream, data, size);
    resp_parser_t p;
    resp_parser_init(&p);
    size_t arrived = 0, qpos = 0;
    int failed = 0;
    uint64_t rng = seed;
    while (arrived < size && !failed) {
        size_t step = 1;
        if (how == WHOLE) step = size;
        else if (how == RANDOM_SPLITS) step = 1 + (size_t)(rng_next(&rng) % 64);
        arrived = arrived + step > size ? size : arrived + step;
        /* Parse every complete request that has arrived. */
        while (qpos < arrived) {
            size_t have = arrived - qpos;
            char *view = malloc(have);
            if (!view) die("out of memory");
            memcpy(view, stream + qpos, have);
            size_t consumed = (size_t)-1;
            enum resp_status st = resp_parse(&p, view, have, lim, &consumed);
            memcpy(stream + qpos, view, have);
            if (st == RESP_INCOMPLETE) {
                size_t want = resp_parser_bytes_wanted(&p, have);
                if (want > (size_t)lim->max_bulk_len + 2) die("bytes_wanted beyond the bulk limit");
                free(view);
                break;
            }
            if (st == RESP_ERROR) {
                if (strncmp(p.error, "Protocol error: ", 16) != 0 || strlen(p.error) <= 16)
                    die("error without a protocol error message");
                log_tag(log, 'E', 0);
                free(view);
                failed = 1;
                break;
            }
            if (st != RESP_DONE && st != RESP_EMPTY) die("unknown status");
            if (consumed == 0 || consumed > have) die("consumed outside the bytes given");
            if (st == RESP_EMPTY) {
                if (p.argc != 0) die("empty request with arguments");
                log_tag(log, '0', consumed);
            } else {
                if (p.argc == 0) die("done without arguments");
                slice_t *argv = malloc(p.argc * sizeof *argv);
                if (!argv) die("out of memory");
                resp_parser_args(&p, view, argv);
                log_tag(log, 'R', p.argc);
                for (size_t i = 0; i < p.argc; i++) {
                    if (argv[i].ptr < view || argv[i].len > consumed ||
                        (size_t)(argv[i].ptr - view) > consumed - argv[i].len)
                        die("argument outside the consumed request");
                    log_tag(log, 'a', argv[i].len);
                    log_append(log, argv[i].ptr, argv[i].len);
                }
                free(argv);
                log_tag(log, 'c', consumed);
            }
            free(view);
            qpos += consumed;
            resp_parser_reset(&p);
        }
    }
    if (!failed) log_tag(log, 'I', size - qpos);
    resp_parser_fini(&p);
    free(stream);
}

static void check_limits(const uint8_t *data, size_t size, const resp_limits_t *lim) {
    outlog_t whole = {0}, other = {0};
    replay(data, size, WHOLE, 0, lim, &whole);
    replay(data, size, BYTE_BY_BYTE, 0, lim, &other);
    if (other.len != whole.len || memcmp(other.data, whole.data, whole.len) != 0)
        die("byte-by-byte parse differs from the whole-buffer parse");
    for (uint64_t salt = 1; salt <= 3; salt++) {
        other.len = 0;
        replay(data, size, RANDOM_SPLITS, seed_of(data, size, salt), lim, &other);
        if (other.len != whole.len || memcmp(other.data, whole.data, whole.len) != 0)
            die("random-split parse differs from the whole-buffer parse");
    }
    free(whole.data);
    free(other.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* client.c's authenticated limits (bulk limit lowered: the fuzzer's
     * inputs are small either way) ... */
    static const resp_limits_t generous = {512 * 1024 * 1024LL, 1024 * 1024, 64 * 1024, 0};
    /* ... and tight ones, so every limit check is within reach. */
    static const resp_limits_t tight = {16, 4, 32, 1};
    check_limits(data, size, &generous);
    check_limits(data, size, &tight);
    return 0;
}
