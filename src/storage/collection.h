#ifndef BASALT_STORAGE_COLLECTION_H
#define BASALT_STORAGE_COLLECTION_H

#include <stdint.h>

#include "storage/db.h"

/* Building blocks for the collection types (hash, list, set, zset): one
 * metadata record per key (type, expire, version, size, type-specific
 * trailing fields) and one subkey per element, [keylen][key][version][field]
 * in the subkeys family (and, for sorted sets, [keylen][key][version]
 * [score][member] in the zset_score family).
 *
 * A write command: lock the key (db_lock_key), coll_open_write, then
 * coll_get/coll_put/coll_del, adjust c->size, coll_finish, db_commit,
 * unlock. coll_finish writes the metadata, or deletes the key when the
 * collection became empty (empty collections do not exist, as in Redis).
 * A read command: coll_open_read, coll_get or a coll_iter. */

#define COLL_EXTRA_MAX 32

typedef struct coll {
    slice_t key;
    enum value_type type;
    int exists;        /* a live collection was found */
    uint64_t version;  /* of the found one, or a fresh one */
    uint64_t size;     /* element count; update it as elements change */
    int64_t expire_ms; /* kept across writes */
    char extra[COLL_EXTRA_MAX]; /* type-specific metadata fields (list head/tail) */
    size_t extra_len;
    /* Hash, set, zset: elements deleted under this version. Each leaves a
     * RocksDB tombstone that ordered scans must step over until compaction;
     * when they outnumber the live elements, coll_open_write moves the
     * collection to a fresh version so scans stay proportional to size. */
    uint64_t dead;
} coll_t;

/* Opens key for writing (hold its lock). DB_WRONGTYPE when it holds another
 * type; an absent or expired key opens as a new, empty collection with a
 * fresh version. */
db_status_t coll_open_write(db_t *db, db_scratch_t *s, slice_t key, enum value_type type, coll_t *c);
/* Opens key for reading: DB_NOT_FOUND when absent, DB_WRONGTYPE when it
 * holds another type. Never while holding the key's lock: an expired key is
 * deleted lazily under that lock (not re-entrant); use coll_open_write
 * inside locked sections. */
db_status_t coll_open_read(db_t *db, db_scratch_t *s, slice_t key, enum value_type type, coll_t *c);

/* Reads one element's value into out (replacing it). Returns 1 when found,
 * 0 when absent, -1 on error (message in s->err). */
int coll_get(db_t *db, db_scratch_t *s, const coll_t *c, slice_t field, buf_t *out);
/* Queue element writes in s->batch. */
void coll_put(db_scratch_t *s, const coll_t *c, slice_t field, slice_t value);
void coll_del(db_scratch_t *s, coll_t *c, slice_t field); /* counts c->dead */
/* Same in another family (zset_score). */
void coll_put_cf(db_scratch_t *s, const coll_t *c, enum engine_cf cf, slice_t field, slice_t value);
void coll_del_cf(db_scratch_t *s, const coll_t *c, enum engine_cf cf, slice_t field);
/* Queues the metadata (or the key's deletion when c->size == 0). */
void coll_finish(db_scratch_t *s, const coll_t *c);

/* Ordered iteration over a collection's elements in one family, from a
 * snapshot taken at creation. Field and value views live until the next
 * move. */
typedef struct coll_iter {
    engine_iter_t *it;
    buf_t prefix;
    buf_t seek;
} coll_iter_t;

/* Returns 0, or -1 (nothing to finish) when the iterator cannot be made. */
int coll_iter_init(coll_iter_t *ci, db_t *db, const coll_t *c, enum engine_cf cf);
/* 0, or -1 with the message in err when the iteration stopped on an error. */
int coll_iter_error(coll_iter_t *ci, engine_err_t *err);
void coll_iter_fini(coll_iter_t *ci);
void coll_iter_seek_first(coll_iter_t *ci);
/* First element whose field is >= field. */
void coll_iter_seek(coll_iter_t *ci, slice_t field);
/* Last element (for reverse walks): positions on it, or invalid if none. */
void coll_iter_seek_last(coll_iter_t *ci);
int coll_iter_valid(coll_iter_t *ci);
void coll_iter_next(coll_iter_t *ci);
void coll_iter_prev(coll_iter_t *ci);
slice_t coll_iter_field(coll_iter_t *ci);
slice_t coll_iter_value(coll_iter_t *ci);

#endif
