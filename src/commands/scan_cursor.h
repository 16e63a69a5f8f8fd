#ifndef BASALT_COMMANDS_SCAN_CURSOR_H
#define BASALT_COMMANDS_SCAN_CURSOR_H

#include <stdint.h>

#include "util/buf.h"
#include "util/slice.h"

/* SCAN cursors are numbers to clients (redis-py parses them as integers)
 * but positions in a sorted key space to us. A fixed ring remembers the key
 * each cursor resumes from; its memory is bounded by the ring size and the
 * longest key. A cursor evicted from the ring is refused, not restarted. */

/* Stores key and returns a new non-zero cursor. */
uint64_t scan_cursor_save(slice_t key);
/* Copies the key of cursor into out; returns 1, or 0 when unknown. */
int scan_cursor_load(uint64_t cursor, buf_t *out);

#endif
