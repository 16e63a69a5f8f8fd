#ifndef BASALT_COMMANDS_SCAN_CURSOR_H
#define BASALT_COMMANDS_SCAN_CURSOR_H

#include <stdint.h>

#include "util/buf.h"
#include "util/slice.h"

/* SCAN cursors are numbers to clients (redis-py parses them as integers)
 * but positions in a sorted key space to us. A fixed ring remembers the key
 * each cursor resumes from; its memory is bounded by the ring size and the
 * longest key. A cursor evicted from the ring is refused, not restarted. */

/* The options of SCAN, HSCAN, SSCAN, ZSCAN. */
typedef struct scan_options {
    long long count;   /* elements examined per call; default 10 */
    slice_t pattern;   /* MATCH; ptr NULL = every element */
    int type;          /* SCAN's TYPE: TYPE_NONE = any; a type no key has
                        * (unknown name) matches nothing, as in Redis */
} scan_options_t;

struct cmd_ctx;
/* Parses [MATCH p] [COUNT n] (and [TYPE t] when allow_type) from argv[first].
 * Replies with the error and returns 0 when invalid. */
int scan_options_parse(struct cmd_ctx *ctx, size_t first, int allow_type, scan_options_t *o);
/* The resume point of a client's cursor into start (empty for 0). Replies
 * "ERR invalid cursor" and returns 0 for an unknown one. */
int scan_cursor_resume(struct cmd_ctx *ctx, unsigned long long cursor, buf_t *start);

/* Stores key and returns a new non-zero cursor. */
uint64_t scan_cursor_save(slice_t key);
/* Copies the key of cursor into out; returns 1, or 0 when unknown. */
int scan_cursor_load(uint64_t cursor, buf_t *out);

#endif
