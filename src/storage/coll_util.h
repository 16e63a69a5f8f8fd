#ifndef BASALT_STORAGE_COLL_UTIL_H
#define BASALT_STORAGE_COLL_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "storage/collection.h"

/* Element-level helpers shared by the collection types (hash, set), on top
 * of collection.h: looking up several fields, ordered scans, random
 * sampling and de-duplication of a command's arguments. */

/* Visits one element. field and value are valid during the call only.
 * Return nonzero to stop the walk. */
typedef int (*coll_visit_fn)(void *arg, slice_t field, slice_t value);

/* Called once per looked-up field, in argument order. value is valid
 * during the call only (empty when !found). */
typedef void (*coll_lookup_fn)(void *arg, size_t i, int found, slice_t value);

/* Looks up fields[0..n) of key, a collection of `type`. A missing key
 * reports every field as absent. DB_WRONGTYPE before any callback; an I/O
 * error may come after some callbacks (the caller discards what they
 * produced). */
db_status_t coll_lookup(db_t *db, db_scratch_t *s, slice_t key, enum value_type type, const slice_t *fields,
                        size_t n, coll_lookup_fn fn, void *arg);

/* Writes elements under the key's lock (taken here): items[i * step] are
 * the fields (n of them), items[i * step + 1] their values when step is 2,
 * empty values when step is 1. A field named twice takes its last value.
 * With nx, existing fields are left alone. *added receives the number of
 * new fields; an absent key is created. */
db_status_t coll_put_fields(db_t *db, db_scratch_t *s, slice_t key, enum value_type type, const slice_t *items,
                            size_t n, size_t step, int nx, long long *added);

/* Deletes fields (each counted once) under the key's lock; *deleted
 * receives how many existed. The key goes away with its last element. */
db_status_t coll_del_fields(db_t *db, db_scratch_t *s, slice_t key, enum value_type type, const slice_t *fields,
                            size_t n, long long *deleted);

/* Visits the elements of key in field order from `start` (inclusive; empty
 * = the first), examining at most `limit` of them (0 = no limit). *next
 * receives the field to resume from, empty when the walk reached the end.
 * DB_NOT_FOUND when the key is missing (nothing visited). */
db_status_t coll_scan(db_t *db, db_scratch_t *s, slice_t key, enum value_type type, slice_t start, size_t limit,
                      coll_visit_fn visit, void *arg, buf_t *next);

/* The same walk over an already opened collection (for commands that hold
 * the key's lock). */
db_status_t coll_walk(db_t *db, db_scratch_t *s, const coll_t *c, coll_visit_fn visit, void *arg);

/* Largest number of picks with repetition (negative counts) a command may
 * ask for: the reply holds every pick, so the count is bounded before
 * anything is allocated. */
#define COLL_SAMPLE_MAX_REPEATS (1LL << 24)

/* Random elements of the open collection c (sized c->size). Up to 1024
 * elements the picks are uniform (a walk, O(N)); above, each pick seeks to a
 * random point between the first and the last field (O(log N) a pick,
 * close to uniform for evenly spread fields) and count > 0 takes
 * consecutive elements from there:
 *   count > 0: min(count, size) distinct elements, in field order;
 *   count < 0: -count independent uniform picks (repeats allowed), in
 *              random order; |count| <= COLL_SAMPLE_MAX_REPEATS.
 * Without the key's lock, the metadata size and the iterator's snapshot
 * may disagree by a concurrent write: fewer elements may be visited then.
 * *visited (optional) receives the number of visits. */
db_status_t coll_sample(db_t *db, db_scratch_t *s, const coll_t *c, long long count, coll_visit_fn visit, void *arg,
                        uint64_t *visited);

/* Uniform random integer in [0, n) from a per-thread generator. n > 0. */
uint64_t coll_random_below(uint64_t n);

/* De-duplicates the arguments items[i * step], i < n: fills idx with the
 * index i of the last occurrence of each distinct value (the one that
 * wins, as in Redis's left-to-right processing), in byte order of the
 * values, and returns how many there are. idx holds n entries. */
size_t coll_unique_args(const slice_t *items, size_t n, size_t step, size_t *idx);

/* An index array for coll_unique_args: small ones live on the caller's
 * stack (`local` of COLL_LOCAL_IDX entries), larger ones on the heap.
 * Returns NULL when the allocation fails. */
#define COLL_LOCAL_IDX 32
size_t *coll_idx_alloc(size_t n, size_t *local);
void coll_idx_free(size_t *idx, size_t *local);

#endif
