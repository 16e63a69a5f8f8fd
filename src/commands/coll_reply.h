#ifndef BASALT_COMMANDS_COLL_REPLY_H
#define BASALT_COMMANDS_COLL_REPLY_H

#include <stddef.h>

#include "commands/command.h"
#include "storage/coll_util.h"

/* Reply helpers shared by the collection commands (hashes, sets). */

/* A set header (RESP3 '~', RESP2 array) for the n elements written since
 * mark (reply.h has deferred array and map headers, not set ones). */
void coll_reply_deferred_set(reply_t *r, size_t mark, long long n);

/* Drops what was written since mark, for an error found after part of a
 * reply was built. */
void coll_reply_discard(reply_t *r, size_t mark);

/* The storage scan of one collection type (db_hash_scan, db_set_scan). */
typedef db_status_t (*coll_scan_fn)(db_t *db, db_scratch_t *s, slice_t key, slice_t start, size_t limit,
                                    coll_visit_fn visit, void *arg, buf_t *next);

/* HSCAN / SSCAN key cursor [MATCH pattern] [COUNT n], on a key of `type`:
 * replies [next cursor, elements] (with field-value pairs when
 * with_values). Cursors are SCAN's: server-side resume points in the
 * shared ring of scan_cursor.h, here the field to resume from. */
void coll_scan_command(cmd_ctx_t *ctx, enum value_type type, coll_scan_fn scan, int with_values);

#endif
