#ifndef BASALT_STORAGE_DB_HASH_H
#define BASALT_STORAGE_DB_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "storage/coll_util.h"
#include "storage/db.h"

/* Hashes: one subkey per field, whose value is the field's value. Fields
 * are kept, and returned, in byte order. Every function returns
 * DB_WRONGTYPE when key holds another type and DB_IO_ERROR (message in
 * scratch->err) when the engine fails. Slices returned point into the
 * scratch and are valid until its next use. */

/* HSET/HMSET (nx = 0) and HSETNX (nx = 1): pairs are field, value, field,
 * value... (npairs pairs). A field named twice takes its last value. With
 * nx, existing fields are left alone. *added receives the number of new
 * fields. */
db_status_t db_hash_set(db_t *db, db_scratch_t *s, slice_t key, const slice_t *pairs, size_t npairs, int nx,
                        long long *added);

/* The value of one field: DB_NOT_FOUND when the key or the field is
 * missing. */
db_status_t db_hash_get(db_t *db, db_scratch_t *s, slice_t key, slice_t field, slice_t *value);

/* Looks up fields[0..n) in argument order (HMGET, HEXISTS, HSTRLEN); a
 * missing key reports every field absent. See coll_lookup. */
db_status_t db_hash_mget(db_t *db, db_scratch_t *s, slice_t key, const slice_t *fields, size_t n, coll_lookup_fn fn,
                         void *arg);

/* Deletes fields; *deleted receives how many existed. The key goes away
 * with its last field. */
db_status_t db_hash_del(db_t *db, db_scratch_t *s, slice_t key, const slice_t *fields, size_t n,
                        long long *deleted);

/* Number of fields; 0 for a missing key. */
db_status_t db_hash_len(db_t *db, db_scratch_t *s, slice_t key, uint64_t *len);

/* HINCRBY: DB_NOT_INTEGER when the field's value is not an integer,
 * DB_OVERFLOW when the result would not fit in 64 bits. */
db_status_t db_hash_incrby(db_t *db, db_scratch_t *s, slice_t key, slice_t field, long long delta,
                           long long *result);

/* HINCRBYFLOAT: DB_NOT_FLOAT when the field's value is not a number,
 * DB_NAN when the result is NaN or infinite. *result is the new value as
 * stored (INCRBYFLOAT's format). */
db_status_t db_hash_incrbyfloat(db_t *db, db_scratch_t *s, slice_t key, slice_t field, long double delta,
                                slice_t *result);

/* Visits fields and values in byte order (see coll_scan): HGETALL, HKEYS,
 * HVALS with start empty and limit 0; HSCAN with a resume field and its
 * COUNT. DB_NOT_FOUND when the key is missing. */
db_status_t db_hash_scan(db_t *db, db_scratch_t *s, slice_t key, slice_t start, size_t limit, coll_visit_fn visit,
                         void *arg, buf_t *next);

/* HRANDFIELD: random fields (see coll_sample for count). DB_NOT_FOUND when
 * the key is missing. */
db_status_t db_hash_random(db_t *db, db_scratch_t *s, slice_t key, long long count, coll_visit_fn visit, void *arg,
                           uint64_t *visited);

#endif
