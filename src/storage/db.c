#include "storage/db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"

#define DB_LOCK_STRIPES 1024

struct db {
    engine_t *engine;
    pthread_mutex_t stripes[DB_LOCK_STRIPES];
    atomic_uint_fast64_t next_version;
};

int db_open(const engine_options_t *opts, db_t **out, engine_err_t *err) {
    db_t *db = calloc(1, sizeof *db);
    if (!db) return -1;
    if (engine_open(opts, &db->engine, err) != 0) {
        free(db);
        return -1;
    }
    for (int i = 0; i < DB_LOCK_STRIPES; i++) pthread_mutex_init(&db->stripes[i], NULL);
    /* Microseconds times 2048: later than any version of an earlier run as
     * long as fewer than 2048 versions are made per microsecond. */
    atomic_store(&db->next_version, (uint64_t)clock_unix_us() << 11);
    *out = db;
    return 0;
}

void db_close(db_t *db) {
    if (!db) return;
    engine_close(db->engine);
    for (int i = 0; i < DB_LOCK_STRIPES; i++) pthread_mutex_destroy(&db->stripes[i]);
    free(db);
}

engine_t *db_engine(db_t *db) { return db->engine; }

void db_scratch_init(db_t *db, db_scratch_t *s) {
    buf_init(&s->meta);
    buf_init(&s->value);
    buf_init(&s->key);
    buf_init(&s->aux);
    s->batch = engine_batch_new(db->engine);
    s->err.msg[0] = '\0';
    memset(&s->group, 0, sizeof s->group);
    s->group.batch = engine_batch_new(db->engine);
}

void db_scratch_fini(db_scratch_t *s) {
    buf_fini(&s->meta);
    buf_fini(&s->value);
    buf_fini(&s->key);
    buf_fini(&s->aux);
    engine_batch_free(s->batch);
    s->batch = NULL;
    engine_batch_free(s->group.batch);
    s->group.batch = NULL;
}

uint64_t db_new_version(db_t *db) { return atomic_fetch_add(&db->next_version, 1); }

/* ---- locks ---- */

unsigned db_key_stripe(slice_t key) {
    /* FNV-1a: cheap and spreads short keys well. */
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < key.len; i++) h = (h ^ (unsigned char)key.ptr[i]) * 16777619u;
    return h % DB_LOCK_STRIPES;
}

static int cmp_unsigned(const void *a, const void *b) {
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

void db_lock_keys(db_t *db, const slice_t *keys, size_t n, size_t step, db_lockset_t *held) {
    held->count = 0;
    held->all = 0;
    if (n > DB_LOCKSET_MAX) {
        /* Taking every stripe in order is deadlock-free and bounded. */
        for (int i = 0; i < DB_LOCK_STRIPES; i++) pthread_mutex_lock(&db->stripes[i]);
        held->all = 1;
        return;
    }
    for (size_t i = 0; i < n; i++) held->stripes[held->count++] = db_key_stripe(keys[i * step]);
    qsort(held->stripes, (size_t)held->count, sizeof held->stripes[0], cmp_unsigned);
    int unique = 0;
    for (int i = 0; i < held->count; i++)
        if (unique == 0 || held->stripes[unique - 1] != held->stripes[i]) held->stripes[unique++] = held->stripes[i];
    held->count = unique;
    for (int i = 0; i < held->count; i++) pthread_mutex_lock(&db->stripes[held->stripes[i]]);
}

void db_lock_key(db_t *db, slice_t key, db_lockset_t *held) {
    held->all = 0;
    held->count = 1;
    held->stripes[0] = db_key_stripe(key);
    pthread_mutex_lock(&db->stripes[held->stripes[0]]);
}

int db_stripe_trylock(db_t *db, unsigned stripe) { return pthread_mutex_trylock(&db->stripes[stripe]); }
void db_stripe_lock(db_t *db, unsigned stripe) { pthread_mutex_lock(&db->stripes[stripe]); }
void db_stripe_unlock(db_t *db, unsigned stripe) { pthread_mutex_unlock(&db->stripes[stripe]); }

void db_unlock_keys(db_t *db, db_lockset_t *held) {
    if (held->all) {
        for (int i = DB_LOCK_STRIPES - 1; i >= 0; i--) pthread_mutex_unlock(&db->stripes[i]);
    } else {
        for (int i = held->count - 1; i >= 0; i--) pthread_mutex_unlock(&db->stripes[held->stripes[i]]);
    }
    held->count = 0;
    held->all = 0;
}

/* ---- metadata ---- */

db_status_t db_read_meta(db_t *db, db_scratch_t *s, slice_t key, metadata_t *m) {
    int rc = engine_get(db->engine, CF_METADATA, key, &s->meta, &s->err);
    if (rc < 0) return DB_IO_ERROR;
    if (rc == 0) {
        buf_clear(&s->meta);
        return DB_NOT_FOUND;
    }
    if (meta_decode(slice_make(s->meta.data, s->meta.len), m) != 0) return DB_NOT_FOUND;
    if (meta_is_expired(m, clock_unix_ms())) return DB_NOT_FOUND;
    return DB_OK;
}

db_status_t db_lookup_meta(db_t *db, db_scratch_t *s, slice_t key, metadata_t *m) {
    int rc = engine_get(db->engine, CF_METADATA, key, &s->meta, &s->err);
    if (rc < 0) return DB_IO_ERROR;
    if (rc == 0) return DB_NOT_FOUND;
    if (meta_decode(slice_make(s->meta.data, s->meta.len), m) != 0) return DB_NOT_FOUND;
    if (!meta_is_expired(m, clock_unix_ms())) return DB_OK;

    db_lockset_t held;
    db_lock_key(db, key, &held);
    db_status_t st = db_read_meta(db, s, key, m);
    if (st == DB_NOT_FOUND && s->meta.len > 0) {
        /* Still there and still expired (not rewritten meanwhile). */
        metadata_t again;
        if (meta_decode(slice_make(s->meta.data, s->meta.len), &again) == 0 &&
            meta_is_expired(&again, clock_unix_ms())) {
            db_batch_delete_key(s, key);
            if (db_commit(db, s) != DB_OK) st = DB_IO_ERROR;
        }
    }
    db_unlock_keys(db, &held);
    return st == DB_OK ? DB_OK : st;
}

void db_batch_delete_key(db_scratch_t *s, slice_t key) { engine_batch_delete(s->batch, CF_METADATA, key); }

db_status_t db_commit(db_t *db, db_scratch_t *s) {
    if (engine_batch_count(s->batch) == 0) return DB_OK;
    int rc = engine_write(db->engine, s->batch, &s->err);
    engine_batch_clear(s->batch);
    return rc == 0 ? DB_OK : DB_IO_ERROR;
}
