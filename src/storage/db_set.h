#ifndef BASALT_STORAGE_DB_SET_H
#define BASALT_STORAGE_DB_SET_H

#include <stddef.h>
#include <stdint.h>

#include "storage/coll_util.h"
#include "storage/db.h"

/* Sets: one subkey per member, with an empty value. Members are kept, and
 * returned, in byte order. Every function returns DB_WRONGTYPE when a key
 * holds another type and DB_IO_ERROR (message in scratch->err) when the
 * engine fails. Visitors get the member as `field` (value empty); the
 * views are valid during the call only. */

/* SADD: *added receives the number of new members (each counted once). */
db_status_t db_set_add(db_t *db, db_scratch_t *s, slice_t key, const slice_t *members, size_t n, long long *added);

/* SREM: *removed receives how many were members. The key goes away with
 * its last member. */
db_status_t db_set_rem(db_t *db, db_scratch_t *s, slice_t key, const slice_t *members, size_t n,
                       long long *removed);

/* SCARD: 0 for a missing key. */
db_status_t db_set_card(db_t *db, db_scratch_t *s, slice_t key, uint64_t *card);

/* SISMEMBER / SMISMEMBER: reports each member in argument order; a missing
 * key reports none. See coll_lookup. */
db_status_t db_set_ismember(db_t *db, db_scratch_t *s, slice_t key, const slice_t *members, size_t n,
                            coll_lookup_fn fn, void *arg);

/* SMEMBERS (start empty, limit 0) and SSCAN: see coll_scan. DB_NOT_FOUND
 * when the key is missing. */
db_status_t db_set_scan(db_t *db, db_scratch_t *s, slice_t key, slice_t start, size_t limit, coll_visit_fn visit,
                        void *arg, buf_t *next);

/* SRANDMEMBER: see coll_sample for count. DB_NOT_FOUND when the key is
 * missing. */
db_status_t db_set_random(db_t *db, db_scratch_t *s, slice_t key, long long count, coll_visit_fn visit, void *arg,
                          uint64_t *visited);

/* SPOP: removes and visits min(count, size) random members (count >= 0;
 * 0 only checks the key). DB_NOT_FOUND when the key is missing. The visits
 * happen before the write is committed: on an error the caller discards
 * what they produced. *popped receives the number removed. */
db_status_t db_set_pop(db_t *db, db_scratch_t *s, slice_t key, long long count, coll_visit_fn visit, void *arg,
                       uint64_t *popped);

/* SMOVE: *moved is 1 when member was in src (and is now in dst). A missing
 * src moves nothing, whatever dst holds; otherwise DB_WRONGTYPE when src
 * or dst is not a set. */
db_status_t db_set_move(db_t *db, db_scratch_t *s, slice_t src, slice_t dst, slice_t member, int *moved);

enum db_set_op { DB_SET_UNION, DB_SET_INTER, DB_SET_DIFF };

/* SUNION / SINTER / SDIFF (and SINTERCARD with limit > 0: stop after that
 * many) over keys[0..n): visits the resulting members in byte order. A
 * missing key is an empty set; DB_WRONGTYPE when any key is not a set,
 * before any visit. */
db_status_t db_set_combine(db_t *db, db_scratch_t *s, enum db_set_op op, const slice_t *keys, size_t n,
                           uint64_t limit, coll_visit_fn visit, void *arg);

/* SUNIONSTORE / SINTERSTORE / SDIFFSTORE: stores the result in dst (any
 * previous value, of any type, is replaced; an empty result deletes dst),
 * atomically under the locks of every key. *stored receives the result's
 * size. */
db_status_t db_set_combine_store(db_t *db, db_scratch_t *s, enum db_set_op op, slice_t dst, const slice_t *keys,
                                 size_t n, long long *stored);

#endif
