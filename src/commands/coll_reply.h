#ifndef BASALT_COMMANDS_COLL_REPLY_H
#define BASALT_COMMANDS_COLL_REPLY_H

#include <stddef.h>

#include "commands/command.h"
#include "storage/coll_util.h"

/* Reply helpers shared by the collection commands (hashes, sets). */

/* The storage scan of one collection type (db_hash_scan, db_set_scan). */
typedef db_status_t (*coll_scan_fn)(db_t *db, db_scratch_t *s, slice_t key, slice_t start, size_t limit,
                                    coll_visit_fn visit, void *arg, buf_t *next);

/* HSCAN / SSCAN key cursor [MATCH pattern] [COUNT n], on a key of `type`:
 * replies [next cursor, elements] (with field-value pairs when
 * with_values). Cursors are SCAN's: server-side resume points in the
 * shared ring of scan_cursor.h, here the field to resume from. */
void coll_scan_command(cmd_ctx_t *ctx, enum value_type type, coll_scan_fn scan, int with_values);

#endif
