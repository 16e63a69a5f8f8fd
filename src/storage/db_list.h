#ifndef BASALT_STORAGE_DB_LIST_H
#define BASALT_STORAGE_DB_LIST_H

#include "storage/db.h"

/* Lists: metadata carries [head:8][tail:8]; elements live at indexes
 * head..tail-1 as subkeys with an 8-byte big-endian index for field.
 * Pushes and pops at either end are O(1); LINSERT and LREM rewrite the
 * list under a new version (O(n)). Write functions take the key's lock
 * themselves. */

/* Called for each element produced; returns nonzero to stop. The value is
 * valid during the call only. */
typedef int (*db_list_visit_fn)(void *arg, slice_t value);

/* LPUSH/RPUSH (only_existing: LPUSHX/RPUSHX). *len = new length (0 when
 * only_existing and the key is absent). */
db_status_t db_list_push(db_t *db, db_scratch_t *s, slice_t key, const slice_t *values, size_t n, int left,
                         int only_existing, long long *len);
/* Pops up to count elements from one end, visiting each; *popped says how
 * many. DB_NOT_FOUND when the key is absent. */
db_status_t db_list_pop(db_t *db, db_scratch_t *s, slice_t key, int left, long long count, db_list_visit_fn visit,
                        void *arg, long long *popped);
db_status_t db_list_len(db_t *db, db_scratch_t *s, slice_t key, long long *len);
/* Visits elements start..stop (Redis index rules, negatives from the end). */
db_status_t db_list_range(db_t *db, db_scratch_t *s, slice_t key, long long start, long long stop,
                          db_list_visit_fn visit, void *arg);
/* LINDEX: DB_NOT_FOUND when the key or the index is absent; value in out. */
db_status_t db_list_index(db_t *db, db_scratch_t *s, slice_t key, long long index, buf_t *out);
/* LSET: DB_NOT_FOUND for a missing key; *out_of_range for a bad index. */
db_status_t db_list_set(db_t *db, db_scratch_t *s, slice_t key, long long index, slice_t value, int *out_of_range);
db_status_t db_list_trim(db_t *db, db_scratch_t *s, slice_t key, long long start, long long stop);
/* LREM: count > 0 from head, < 0 from tail, 0 all. */
db_status_t db_list_rem(db_t *db, db_scratch_t *s, slice_t key, long long count, slice_t value, long long *removed);
/* LINSERT: *len = new length, -1 when pivot not found, 0 when no key. */
db_status_t db_list_insert(db_t *db, db_scratch_t *s, slice_t key, int before, slice_t pivot, slice_t value,
                           long long *len);
/* LPOS: visits matching positions (as long long via arg callback). */
typedef int (*db_list_pos_fn)(void *arg, long long pos);
db_status_t db_list_pos(db_t *db, db_scratch_t *s, slice_t key, slice_t element, long long rank, long long count,
                        long long maxlen, db_list_pos_fn visit, void *arg);
/* LMOVE: pops from src's end (from_left) and pushes onto dst (to_left),
 * atomically. DB_NOT_FOUND when src is empty; the element goes to out. */
db_status_t db_list_move(db_t *db, db_scratch_t *s, slice_t src, slice_t dst, int from_left, int to_left,
                         buf_t *out);

#endif
