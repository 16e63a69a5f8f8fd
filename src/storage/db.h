#ifndef BASALT_STORAGE_DB_H
#define BASALT_STORAGE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "storage/encoding.h"
#include "storage/engine.h"
#include "util/buf.h"
#include "util/slice.h"

/* The data layer: Redis data types on top of the engine. It knows keys,
 * types, versions and expiry; it never sees a socket or a reply format.
 * Functions return a db_status; DB_IO_ERROR leaves a message in
 * scratch->err. */

typedef enum db_status {
    DB_OK = 0,
    DB_NOT_FOUND,
    DB_WRONGTYPE,
    DB_NOT_INTEGER, /* stored value is not an integer */
    DB_NOT_FLOAT,   /* stored value is not a float */
    DB_OVERFLOW,    /* increment would overflow */
    DB_NAN,         /* result would be NaN or infinite */
    DB_TOO_BIG,     /* string would exceed the size limit */
    DB_IO_ERROR,
} db_status_t;

typedef struct db db_t;

/* Per-thread scratch space so commands allocate nothing on the hot path.
 * Values returned as slices by db_* functions point into it and stay valid
 * until the next db_* call with the same scratch. */
/* Consecutive plain writes of one pipeline, committed as one WriteBatch
 * (db_group.c). It holds the lock stripes of its keys until the commit, so
 * the writes stay ordered with read-modify-writes of other threads. */
#define DB_GROUP_MAX_KEYS 64
#define DB_GROUP_MAX_BYTES (1024 * 1024)

typedef struct db_group {
    engine_batch_t *batch;
    unsigned stripes[DB_GROUP_MAX_KEYS];
    int nstripes;
    int ops;      /* commands whose replies wait for the commit */
    size_t bytes; /* keys and values queued */
} db_group_t;

typedef struct db_scratch {
    buf_t meta;  /* raw metadata of the key being worked on */
    buf_t value; /* encoded values, results */
    buf_t key;   /* encoded subkeys */
    buf_t aux;
    engine_batch_t *batch;
    engine_err_t err;
    db_group_t group;
} db_scratch_t;

int db_open(const engine_options_t *opts, db_t **out, engine_err_t *err);
void db_close(db_t *db);
engine_t *db_engine(db_t *db);

void db_scratch_init(db_t *db, db_scratch_t *s);
void db_scratch_fini(db_scratch_t *s);

/* A fresh version for a new collection: larger than every version handed out
 * before, in this run or an earlier one. */
uint64_t db_new_version(db_t *db);

/* ---- striped key locks for read-modify-write commands ---- */

#define DB_LOCKSET_MAX 64

typedef struct db_lockset {
    unsigned stripes[DB_LOCKSET_MAX];
    int count;
    int all; /* every stripe held (too many keys to list) */
} db_lockset_t;

void db_lock_keys(db_t *db, const slice_t *keys, size_t n, size_t step, db_lockset_t *held);
void db_unlock_keys(db_t *db, db_lockset_t *held);
void db_lock_key(db_t *db, slice_t key, db_lockset_t *held);
/* Single stripes, for the write group: it never blocks while holding one. */
unsigned db_key_stripe(slice_t key);
int db_stripe_trylock(db_t *db, unsigned stripe); /* 0 when taken */
void db_stripe_lock(db_t *db, unsigned stripe);
void db_stripe_unlock(db_t *db, unsigned stripe);

/* ---- the write group (db_group.c) ---- */

/* Queues the plain writes of "SET key value" / "MSET k v ..." (no options)
 * for npairs pairs. Returns 0, or -1 when the group must be committed first
 * (a key's stripe is held by another thread, or the group is full); the
 * caller commits and calls again, which on an empty group always succeeds
 * (it then waits for the stripes like any writer). */
int db_group_put_strings(db_t *db, db_scratch_t *s, const slice_t *pairs, size_t npairs);
/* Writes the group (if any) and releases its stripes. *ops is the number
 * of commands that were waiting for it; DB_IO_ERROR when the write failed
 * (none of them took effect: a WriteBatch is atomic). */
db_status_t db_group_commit(db_t *db, db_scratch_t *s, int *ops);

/* Reads a live key's metadata into scratch->meta. Expired records read as
 * DB_NOT_FOUND. Use under the key's lock for read-modify-write. */
db_status_t db_read_meta(db_t *db, db_scratch_t *s, slice_t key, metadata_t *m);
/* Same for plain reads without a lock: an expired record found here is
 * deleted (taking the lock and checking again), so expiry is also lazy. */
db_status_t db_lookup_meta(db_t *db, db_scratch_t *s, slice_t key, metadata_t *m);

/* Adds the deletion of key (and nothing else: subkeys die by version) to
 * scratch->batch. */
void db_batch_delete_key(db_scratch_t *s, slice_t key);
/* Writes scratch->batch and clears it. */
db_status_t db_commit(db_t *db, db_scratch_t *s);

/* ---- strings ---- */

typedef struct db_set_options {
    int nx, xx, keepttl, get;
    int64_t expire_ms; /* absolute, 0 = none */
} db_set_options_t;

db_status_t db_string_get(db_t *db, db_scratch_t *s, slice_t key, slice_t *value);
/* *written says whether the NX/XX condition let the write happen; with
 * opts->get, *old and *old_found return the previous value. */
db_status_t db_string_set(db_t *db, db_scratch_t *s, slice_t key, slice_t value, const db_set_options_t *opts,
                          int *written, slice_t *old, int *old_found);
/* pairs: key, value, key, value... With nx, writes nothing unless no key
 * exists (MSETNX); *written tells. */
db_status_t db_string_mset(db_t *db, db_scratch_t *s, const slice_t *pairs, size_t npairs, int nx, int *written);
db_status_t db_string_incrby(db_t *db, db_scratch_t *s, slice_t key, long long delta, long long *result);
/* The result is formatted into *result (valid as scratch values are). */
db_status_t db_string_incrbyfloat(db_t *db, db_scratch_t *s, slice_t key, long double delta, slice_t *result);
db_status_t db_string_append(db_t *db, db_scratch_t *s, slice_t key, slice_t value, size_t max_len,
                             size_t *new_len);
db_status_t db_string_setrange(db_t *db, db_scratch_t *s, slice_t key, size_t offset, slice_t value,
                               size_t max_len, size_t *new_len);
db_status_t db_string_getdel(db_t *db, db_scratch_t *s, slice_t key, slice_t *value);

enum db_getex_mode { GETEX_KEEP = 0, GETEX_SET = 1, GETEX_PERSIST = 2 };
db_status_t db_string_getex(db_t *db, db_scratch_t *s, slice_t key, enum db_getex_mode mode, int64_t expire_ms,
                            slice_t *value);

/* ---- generic keys ---- */

/* keys[i * step] for i < n. */
db_status_t db_key_delete(db_t *db, db_scratch_t *s, const slice_t *keys, size_t n, long long *deleted);
db_status_t db_key_type(db_t *db, db_scratch_t *s, slice_t key, enum value_type *type);

enum db_expire_flag { EXPIRE_NX = 1, EXPIRE_XX = 2, EXPIRE_GT = 4, EXPIRE_LT = 8 };
/* Sets an absolute expiry; a time not in the future deletes the key.
 * flags: a set of db_expire_flag conditions, all of which must hold (a key
 * without expiry has an infinite TTL for GT and LT). *applied says whether
 * they did. */
db_status_t db_key_expire(db_t *db, db_scratch_t *s, slice_t key, int64_t when_ms, unsigned flags, int *applied);
/* *expire_ms = 0 when the key has no expiry. */
db_status_t db_key_expire_time(db_t *db, db_scratch_t *s, slice_t key, int64_t *expire_ms);
db_status_t db_key_persist(db_t *db, db_scratch_t *s, slice_t key, int *changed);
/* RENAME / RENAMENX (nx) / COPY (copy, replace). DB_NOT_FOUND when src is
 * absent; *done is 0 when dst existed and neither replace nor plain rename. */
db_status_t db_key_move(db_t *db, db_scratch_t *s, slice_t src, slice_t dst, int keep_src, int replace,
                        int *done);

/* Visits live keys in order from `start` (inclusive), at most `limit`
 * (0 = no limit) records examined; the callback may return nonzero to
 * stop. *next receives the key to resume from (empty when done). */
typedef int (*db_key_visit_fn)(void *arg, slice_t key, const metadata_t *m);
db_status_t db_key_scan(db_t *db, db_scratch_t *s, slice_t start, size_t limit, db_key_visit_fn visit, void *arg,
                        buf_t *next);
/* Bytes the key takes as stored: key and metadata record, plus its
 * subkeys; with samples > 0 only that many subkeys are read and the total
 * is extrapolated from the collection's size. */
db_status_t db_key_usage(db_t *db, db_scratch_t *s, slice_t key, size_t samples, uint64_t *bytes);
db_status_t db_key_count(db_t *db, db_scratch_t *s, uint64_t *keys, uint64_t *expires);
/* A random live key into *key (scratch-backed); DB_NOT_FOUND when empty. */
db_status_t db_key_random(db_t *db, db_scratch_t *s, slice_t *key);
db_status_t db_flush_all(db_t *db, db_scratch_t *s);

#endif
