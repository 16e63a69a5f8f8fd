/* Hashes: [keylen][key][version][field] -> value in the subkeys family,
 * the field count in the metadata record. */
#include "storage/db_hash.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>

#include "util/strutil.h"

static db_status_t out_of_memory(db_scratch_t *s) {
    snprintf(s->err.msg, sizeof s->err.msg, "out of memory");
    return DB_IO_ERROR;
}

db_status_t db_hash_set(db_t *db, db_scratch_t *s, slice_t key, const slice_t *pairs, size_t npairs, int nx,
                        long long *added) {
    return coll_put_fields(db, s, key, TYPE_HASH, pairs, npairs, 2, nx, added);
}

db_status_t db_hash_get(db_t *db, db_scratch_t *s, slice_t key, slice_t field, slice_t *value) {
    coll_t c;
    db_status_t st = coll_open_read(db, s, key, TYPE_HASH, &c);
    if (st != DB_OK) return st;
    int found = coll_get(db, s, &c, field, &s->value);
    if (found < 0) return DB_IO_ERROR;
    if (!found) return DB_NOT_FOUND;
    *value = slice_make(s->value.data, s->value.len);
    return DB_OK;
}

db_status_t db_hash_mget(db_t *db, db_scratch_t *s, slice_t key, const slice_t *fields, size_t n, coll_lookup_fn fn,
                         void *arg) {
    return coll_lookup(db, s, key, TYPE_HASH, fields, n, fn, arg);
}

db_status_t db_hash_del(db_t *db, db_scratch_t *s, slice_t key, const slice_t *fields, size_t n,
                        long long *deleted) {
    return coll_del_fields(db, s, key, TYPE_HASH, fields, n, deleted);
}

db_status_t db_hash_len(db_t *db, db_scratch_t *s, slice_t key, uint64_t *len) {
    coll_t c;
    db_status_t st = coll_open_read(db, s, key, TYPE_HASH, &c);
    *len = st == DB_OK ? c.size : 0;
    return st == DB_NOT_FOUND ? DB_OK : st;
}

/* Opens key for an update of one field under its lock; *found says
 * whether the field exists, its value then in s->value. */
static db_status_t open_field(db_t *db, db_scratch_t *s, slice_t key, slice_t field, coll_t *c, int *found) {
    db_status_t st = coll_open_write(db, s, key, TYPE_HASH, c);
    *found = 0;
    if (st != DB_OK) return st;
    if (c->exists) *found = coll_get(db, s, c, field, &s->value);
    return *found < 0 ? DB_IO_ERROR : DB_OK;
}

/* Queues the new value of field, and the metadata when the field is new. */
static db_status_t store_field(db_t *db, db_scratch_t *s, coll_t *c, slice_t field, slice_t value, int found) {
    coll_put(s, c, field, value);
    if (!found) {
        c->size++;
        coll_finish(s, c);
    }
    return db_commit(db, s);
}

db_status_t db_hash_incrby(db_t *db, db_scratch_t *s, slice_t key, slice_t field, long long delta,
                           long long *result) {
    db_lockset_t held;
    db_lock_key(db, key, &held);
    coll_t c;
    int found;
    long long current = 0;
    db_status_t st = open_field(db, s, key, field, &c, &found);
    if (st != DB_OK) goto out;
    if (found && !str_to_ll(s->value.data, s->value.len, &current)) {
        st = DB_NOT_INTEGER;
        goto out;
    }
    if ((delta < 0 && current < 0 && delta < LLONG_MIN - current) ||
        (delta > 0 && current > 0 && delta > LLONG_MAX - current)) {
        st = DB_OVERFLOW;
        goto out;
    }
    current += delta;
    char digits[24];
    size_t n = ll_to_str(digits, current);
    st = store_field(db, s, &c, field, slice_make(digits, n), found);
    if (st == DB_OK) *result = current;
out:
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    return st;
}

db_status_t db_hash_incrbyfloat(db_t *db, db_scratch_t *s, slice_t key, slice_t field, long double delta,
                                slice_t *result) {
    db_lockset_t held;
    db_lock_key(db, key, &held);
    coll_t c;
    int found;
    long double current = 0;
    db_status_t st = open_field(db, s, key, field, &c, &found);
    if (st != DB_OK) goto out;
    if (found && !str_to_ld(s->value.data, s->value.len, &current)) {
        st = DB_NOT_FLOAT;
        goto out;
    }
    current += delta;
    buf_clear(&s->aux);
    if (isnan(current) || isinf(current)) {
        st = DB_NAN;
        goto out;
    }
    if (buf_reserve(&s->aux, 5200) != 0) { /* ld_to_human_str needs 5120 */
        st = out_of_memory(s);
        goto out;
    }
    size_t n = ld_to_human_str(s->aux.data, s->aux.cap, current);
    if (n == 0) {
        st = DB_NAN;
        goto out;
    }
    s->aux.len = n;
    st = store_field(db, s, &c, field, slice_make(s->aux.data, n), found);
    if (st == DB_OK) *result = slice_make(s->aux.data, n);
out:
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    return st;
}

db_status_t db_hash_scan(db_t *db, db_scratch_t *s, slice_t key, slice_t start, size_t limit, coll_visit_fn visit,
                         void *arg, buf_t *next) {
    return coll_scan(db, s, key, TYPE_HASH, start, limit, visit, arg, next);
}

db_status_t db_hash_random(db_t *db, db_scratch_t *s, slice_t key, long long count, coll_visit_fn visit, void *arg,
                           uint64_t *visited) {
    if (visited) *visited = 0;
    coll_t c;
    db_status_t st = coll_open_read(db, s, key, TYPE_HASH, &c);
    if (st != DB_OK) return st;
    return coll_sample(db, s, &c, count, visit, arg, visited);
}
