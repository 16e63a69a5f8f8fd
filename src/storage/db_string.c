/* Strings: the value lives inline in the metadata record. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "storage/db.h"
#include "util/clock.h"
#include "util/strutil.h"

db_status_t db_string_get(db_t *db, db_scratch_t *s, slice_t key, slice_t *value) {
    metadata_t m;
    db_status_t st = db_lookup_meta(db, s, key, &m);
    if (st != DB_OK) return st;
    if (m.type != TYPE_STRING) return DB_WRONGTYPE;
    *value = m.rest;
    return DB_OK;
}

/* Queues the string record for key in the batch. */
static void batch_put_string(db_scratch_t *s, slice_t key, int64_t expire_ms, slice_t value) {
    buf_clear(&s->value);
    meta_encode_string(&s->value, expire_ms, value);
    engine_batch_put(s->batch, CF_METADATA, key, slice_make(s->value.data, s->value.len));
}

db_status_t db_string_set(db_t *db, db_scratch_t *s, slice_t key, slice_t value, const db_set_options_t *o,
                          int *written, slice_t *old, int *old_found) {
    *written = 0;
    if (old_found) *old_found = 0;
    int plain = !o->nx && !o->xx && !o->keepttl && !o->get;
    db_lockset_t held;
    /* Even a plain SET takes the key's lock, so it is ordered with
     * read-modify-writes (INCR, APPEND) and lazy expiry of the same key. */
    db_lock_key(db, key, &held);
    if (plain) {
        /* No read needed: the new record replaces whatever was there, and
         * a collection's subkeys die with its version. */
        batch_put_string(s, key, o->expire_ms, value);
        db_status_t st = db_commit(db, s);
        if (st == DB_OK) *written = 1;
        db_unlock_keys(db, &held);
        return st;
    }
    metadata_t m;
    db_status_t st = db_read_meta(db, s, key, &m);
    int exists = st == DB_OK;
    if (st == DB_IO_ERROR) goto out;
    st = DB_OK;
    if (o->get && exists) {
        if (m.type != TYPE_STRING) {
            st = DB_WRONGTYPE;
            goto out;
        }
        /* The old value moves to aux: batch_put_string reuses value. */
        buf_clear(&s->aux);
        buf_append(&s->aux, m.rest.ptr, m.rest.len);
        *old = slice_make(s->aux.data, s->aux.len);
        *old_found = 1;
    }
    if ((o->nx && exists) || (o->xx && !exists)) goto out;
    int64_t expire = o->expire_ms;
    if (o->keepttl && exists) expire = m.expire_ms;
    batch_put_string(s, key, expire, value);
    st = db_commit(db, s);
    if (st == DB_OK) *written = 1;
out:
    db_unlock_keys(db, &held);
    return st;
}

db_status_t db_string_mset(db_t *db, db_scratch_t *s, const slice_t *pairs, size_t npairs, int nx, int *written) {
    db_lockset_t held;
    db_lock_keys(db, pairs, npairs, 2, &held);
    db_status_t st = DB_OK;
    *written = 0;
    if (nx) {
        for (size_t i = 0; i < npairs; i++) {
            metadata_t m;
            st = db_read_meta(db, s, pairs[2 * i], &m);
            if (st == DB_IO_ERROR) goto out;
            if (st == DB_OK) {
                st = DB_OK;
                goto out;
            }
        }
    }
    for (size_t i = 0; i < npairs; i++) batch_put_string(s, pairs[2 * i], 0, pairs[2 * i + 1]);
    st = db_commit(db, s);
    if (st == DB_OK) *written = 1;
out:
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    return st;
}

/* Reads the current string of key for a read-modify-write (the caller holds
 * the key's lock). *value points into scratch->meta; *exists is 0 (and
 * *value empty, *expire 0) when the key is absent. */
static db_status_t read_string_for_update(db_t *db, db_scratch_t *s, slice_t key, slice_t *value, int64_t *expire,
                                          int *exists) {
    metadata_t m;
    db_status_t st = db_read_meta(db, s, key, &m);
    *value = slice_make("", 0);
    *expire = 0;
    *exists = 0;
    if (st == DB_IO_ERROR) return st;
    if (st == DB_NOT_FOUND) return DB_OK;
    if (m.type != TYPE_STRING) return DB_WRONGTYPE;
    *value = m.rest;
    *expire = m.expire_ms;
    *exists = 1;
    return DB_OK;
}

/* Same, with a copy of the value in scratch->aux to edit in place. */
static db_status_t load_string_for_update(db_t *db, db_scratch_t *s, slice_t key, int64_t *expire, int *exists) {
    slice_t value;
    db_status_t st = read_string_for_update(db, s, key, &value, expire, exists);
    buf_clear(&s->aux);
    if (st == DB_OK) buf_append(&s->aux, value.ptr, value.len);
    return st;
}

db_status_t db_string_incrby(db_t *db, db_scratch_t *s, slice_t key, long long delta, long long *result) {
    db_lockset_t held;
    db_lock_key(db, key, &held);
    slice_t value;
    int64_t expire;
    int exists;
    long long current = 0;
    db_status_t st = read_string_for_update(db, s, key, &value, &expire, &exists);
    if (st != DB_OK) goto out;
    if (exists && !str_to_ll(value.ptr, value.len, &current)) {
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
    batch_put_string(s, key, expire, slice_make(digits, n));
    st = db_commit(db, s);
    *result = current;
out:
    db_unlock_keys(db, &held);
    return st;
}

db_status_t db_string_incrbyfloat(db_t *db, db_scratch_t *s, slice_t key, long double delta, slice_t *result) {
    db_lockset_t held;
    db_lock_key(db, key, &held);
    slice_t value;
    int64_t expire;
    int exists;
    long double current = 0;
    db_status_t st = read_string_for_update(db, s, key, &value, &expire, &exists);
    if (st != DB_OK) goto out;
    if (exists && !str_to_ld(value.ptr, value.len, &current)) {
        st = DB_NOT_FLOAT;
        goto out;
    }
    current += delta;
    buf_clear(&s->aux);
    buf_reserve(&s->aux, 5200);
    size_t n = ld_to_human_str(s->aux.data, s->aux.cap, current);
    if (n == 0) {
        st = DB_NAN;
        goto out;
    }
    s->aux.len = n;
    *result = slice_make(s->aux.data, n);
    batch_put_string(s, key, expire, *result);
    st = db_commit(db, s);
out:
    db_unlock_keys(db, &held);
    return st;
}

db_status_t db_string_append(db_t *db, db_scratch_t *s, slice_t key, slice_t value, size_t max_len,
                             size_t *new_len) {
    db_lockset_t held;
    db_lock_key(db, key, &held);
    int64_t expire;
    int exists;
    db_status_t st = load_string_for_update(db, s, key, &expire, &exists);
    if (st != DB_OK) goto out;
    if (s->aux.len + value.len > max_len) {
        st = DB_TOO_BIG;
        goto out;
    }
    buf_append(&s->aux, value.ptr, value.len);
    batch_put_string(s, key, expire, slice_make(s->aux.data, s->aux.len));
    st = db_commit(db, s);
    *new_len = s->aux.len;
out:
    db_unlock_keys(db, &held);
    return st;
}

db_status_t db_string_setrange(db_t *db, db_scratch_t *s, slice_t key, size_t offset, slice_t value,
                               size_t max_len, size_t *new_len) {
    db_lockset_t held;
    db_lock_key(db, key, &held);
    int64_t expire;
    int exists;
    db_status_t st = load_string_for_update(db, s, key, &expire, &exists);
    if (st != DB_OK) goto out;
    if (value.len == 0) { /* nothing to write: report the length only */
        *new_len = s->aux.len;
        goto out;
    }
    if (offset > max_len || value.len > max_len - offset) {
        st = DB_TOO_BIG;
        goto out;
    }
    size_t end = offset + value.len;
    if (end > s->aux.len) {
        if (buf_reserve(&s->aux, end - s->aux.len) != 0) {
            st = DB_TOO_BIG;
            goto out;
        }
        memset(s->aux.data + s->aux.len, 0, end - s->aux.len);
        s->aux.len = end;
    }
    memcpy(s->aux.data + offset, value.ptr, value.len);
    batch_put_string(s, key, expire, slice_make(s->aux.data, s->aux.len));
    st = db_commit(db, s);
    *new_len = s->aux.len;
out:
    db_unlock_keys(db, &held);
    return st;
}

db_status_t db_string_getdel(db_t *db, db_scratch_t *s, slice_t key, slice_t *value) {
    db_lockset_t held;
    db_lock_key(db, key, &held);
    int64_t expire;
    int exists;
    db_status_t st = load_string_for_update(db, s, key, &expire, &exists);
    if (st == DB_OK && !exists) st = DB_NOT_FOUND;
    if (st == DB_OK) {
        db_batch_delete_key(s, key);
        st = db_commit(db, s);
        *value = slice_make(s->aux.data, s->aux.len);
    }
    db_unlock_keys(db, &held);
    return st;
}

db_status_t db_string_getex(db_t *db, db_scratch_t *s, slice_t key, enum db_getex_mode mode, int64_t expire_ms,
                            slice_t *value) {
    if (mode == GETEX_KEEP) return db_string_get(db, s, key, value);
    db_lockset_t held;
    db_lock_key(db, key, &held);
    int64_t expire;
    int exists;
    db_status_t st = load_string_for_update(db, s, key, &expire, &exists);
    if (st == DB_OK && !exists) st = DB_NOT_FOUND;
    if (st == DB_OK) {
        *value = slice_make(s->aux.data, s->aux.len);
        if (mode == GETEX_SET && expire_ms <= clock_unix_ms()) {
            db_batch_delete_key(s, key);
        } else {
            int64_t new_expire = mode == GETEX_PERSIST ? 0 : expire_ms;
            if (new_expire != expire) batch_put_string(s, key, new_expire, *value);
        }
        st = db_commit(db, s);
    }
    db_unlock_keys(db, &held);
    return st;
}
