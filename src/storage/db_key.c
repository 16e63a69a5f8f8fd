/* Generic key operations: they work on the metadata record of any type. */
#include <stdlib.h>
#include <string.h>

#include "storage/db.h"
#include "util/clock.h"

db_status_t db_key_delete(db_t *db, db_scratch_t *s, const slice_t *keys, size_t n, long long *deleted) {
    db_lockset_t held;
    db_lock_keys(db, keys, n, 1, &held);
    *deleted = 0;
    db_status_t st = DB_OK;
    for (size_t i = 0; i < n; i++) {
        /* A key named twice is deleted once. */
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) seen = slice_eq(keys[i], keys[j]);
        if (seen) continue;
        metadata_t m;
        st = db_read_meta(db, s, keys[i], &m);
        if (st == DB_IO_ERROR) goto out;
        if (st == DB_OK) (*deleted)++;
        if (s->meta.len > 0) db_batch_delete_key(s, keys[i]); /* live or expired leftovers */
    }
    st = db_commit(db, s);
out:
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    return st;
}

db_status_t db_key_type(db_t *db, db_scratch_t *s, slice_t key, enum value_type *type) {
    metadata_t m;
    db_status_t st = db_lookup_meta(db, s, key, &m);
    *type = st == DB_OK ? m.type : TYPE_NONE;
    return st == DB_NOT_FOUND ? DB_OK : st;
}

db_status_t db_key_expire(db_t *db, db_scratch_t *s, slice_t key, int64_t when_ms, unsigned flags, int *applied) {
    db_lockset_t held;
    db_lock_key(db, key, &held);
    metadata_t m;
    *applied = 0;
    db_status_t st = db_read_meta(db, s, key, &m);
    if (st != DB_OK) goto out;
    int has = m.expire_ms != 0;
    if ((flags & EXPIRE_NX) && has) goto out;
    if ((flags & EXPIRE_XX) && !has) goto out;
    if ((flags & EXPIRE_GT) && (!has || when_ms <= m.expire_ms)) goto out;
    if ((flags & EXPIRE_LT) && has && when_ms >= m.expire_ms) goto out;
    if (when_ms <= clock_unix_ms()) {
        db_batch_delete_key(s, key);
    } else {
        meta_set_expire(s->meta.data, when_ms);
        engine_batch_put(s->batch, CF_METADATA, key, slice_make(s->meta.data, s->meta.len));
    }
    st = db_commit(db, s);
    if (st == DB_OK) *applied = 1;
out:
    db_unlock_keys(db, &held);
    return st == DB_NOT_FOUND ? DB_OK : st;
}

db_status_t db_key_expire_time(db_t *db, db_scratch_t *s, slice_t key, int64_t *expire_ms) {
    metadata_t m;
    db_status_t st = db_lookup_meta(db, s, key, &m);
    if (st == DB_OK) *expire_ms = m.expire_ms;
    return st;
}

db_status_t db_key_persist(db_t *db, db_scratch_t *s, slice_t key, int *changed) {
    db_lockset_t held;
    db_lock_key(db, key, &held);
    metadata_t m;
    *changed = 0;
    db_status_t st = db_read_meta(db, s, key, &m);
    if (st == DB_OK && m.expire_ms != 0) {
        meta_set_expire(s->meta.data, 0);
        engine_batch_put(s->batch, CF_METADATA, key, slice_make(s->meta.data, s->meta.len));
        st = db_commit(db, s);
        if (st == DB_OK) *changed = 1;
    }
    db_unlock_keys(db, &held);
    return st == DB_NOT_FOUND ? DB_OK : st;
}

/* Queues copies of every subkey of (src, version) under (dst, new_version),
 * in the subkey and score families. */
static db_status_t copy_subkeys(db_t *db, db_scratch_t *s, slice_t src, uint64_t version, slice_t dst,
                                uint64_t new_version) {
    static const enum engine_cf families[] = {CF_SUBKEYS, CF_ZSET_SCORE};
    buf_t prefix, newkey;
    buf_init(&prefix);
    buf_init(&newkey);
    subkey_encode(&prefix, src, version, slice_make("", 0));
    db_status_t st = DB_OK;
    for (size_t f = 0; f < sizeof families / sizeof families[0] && st == DB_OK; f++) {
        engine_iter_t *it = engine_iter_new_bulk(db_engine(db), families[f]);
        for (engine_iter_seek(it, slice_make(prefix.data, prefix.len)); engine_iter_valid(it); engine_iter_next(it)) {
            slice_t k = engine_iter_key(it);
            if (k.len < prefix.len || memcmp(k.ptr, prefix.data, prefix.len) != 0) break;
            buf_clear(&newkey);
            subkey_encode(&newkey, dst, new_version, slice_make(k.ptr + prefix.len, k.len - prefix.len));
            engine_batch_put(s->batch, families[f], slice_make(newkey.data, newkey.len), engine_iter_value(it));
        }
        if (engine_iter_error(it, &s->err) != 0) st = DB_IO_ERROR;
        engine_iter_free(it);
    }
    buf_fini(&prefix);
    buf_fini(&newkey);
    return st;
}

db_status_t db_key_move(db_t *db, db_scratch_t *s, slice_t src, slice_t dst, int keep_src, int replace,
                        int *done) {
    slice_t keys[2] = {src, dst};
    db_lockset_t held;
    db_lock_keys(db, keys, 2, 1, &held);
    *done = 0;
    metadata_t m;
    db_status_t st = db_read_meta(db, s, src, &m);
    if (st != DB_OK) goto out;
    if (slice_eq(src, dst)) {
        /* RENAME k k is OK; COPY k k and RENAMENX k k change nothing. */
        *done = keep_src || !replace ? 0 : 1;
        goto out;
    }
    buf_clear(&s->aux);
    buf_append(&s->aux, s->meta.data, s->meta.len);
    metadata_t dm;
    st = db_read_meta(db, s, dst, &dm);
    if (st == DB_IO_ERROR) goto out;
    if (st == DB_OK && !replace) {
        st = DB_OK;
        goto out;
    }
    st = DB_OK;
    metadata_t sm;
    meta_decode(slice_make(s->aux.data, s->aux.len), &sm);
    if (sm.type != TYPE_STRING) {
        uint64_t version = db_new_version(db);
        put_u64_be(s->aux.data + 9, version);
        st = copy_subkeys(db, s, src, sm.version, dst, version);
        if (st != DB_OK) goto out;
    }
    engine_batch_put(s->batch, CF_METADATA, dst, slice_make(s->aux.data, s->aux.len));
    if (!keep_src) db_batch_delete_key(s, src);
    st = db_commit(db, s);
    if (st == DB_OK) *done = 1;
out:
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    return st;
}

db_status_t db_key_scan(db_t *db, db_scratch_t *s, slice_t start, size_t limit, db_key_visit_fn visit, void *arg,
                        buf_t *next) {
    engine_iter_t *it = engine_iter_new_bulk(db_engine(db), CF_METADATA);
    if (!it) return DB_IO_ERROR;
    int64_t now = clock_unix_ms();
    size_t examined = 0;
    buf_clear(next);
    if (start.len)
        engine_iter_seek(it, start);
    else
        engine_iter_seek_first(it);
    for (; engine_iter_valid(it); engine_iter_next(it)) {
        slice_t k = engine_iter_key(it);
        if (limit && examined == limit) {
            buf_append(next, k.ptr, k.len);
            break;
        }
        examined++;
        metadata_t m;
        if (meta_decode(engine_iter_value(it), &m) != 0 || meta_is_expired(&m, now)) continue;
        if (visit(arg, k, &m)) {
            engine_iter_next(it);
            if (engine_iter_valid(it)) {
                slice_t nk = engine_iter_key(it);
                buf_append(next, nk.ptr, nk.len);
            }
            break;
        }
    }
    db_status_t st = engine_iter_error(it, &s->err) == 0 ? DB_OK : DB_IO_ERROR;
    engine_iter_free(it);
    return st;
}

db_status_t db_key_usage(db_t *db, db_scratch_t *s, slice_t key, size_t samples, uint64_t *bytes) {
    metadata_t m;
    db_status_t st = db_lookup_meta(db, s, key, &m);
    if (st != DB_OK) return st;
    uint64_t total = key.len + s->meta.len;
    if (m.type != TYPE_STRING && m.size > 0) {
        static const enum engine_cf families[] = {CF_SUBKEYS, CF_ZSET_SCORE};
        buf_t prefix;
        buf_init(&prefix);
        subkey_encode(&prefix, key, m.version, slice_make("", 0));
        uint64_t seen = 0, seen_bytes = 0;
        for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
            engine_iter_t *it = engine_iter_new(db_engine(db), families[f]);
            size_t n = 0;
            for (engine_iter_seek(it, slice_make(prefix.data, prefix.len)); engine_iter_valid(it);
                 engine_iter_next(it)) {
                slice_t k = engine_iter_key(it);
                if (k.len < prefix.len || memcmp(k.ptr, prefix.data, prefix.len) != 0) break;
                if (samples && n == samples) break;
                seen_bytes += k.len + engine_iter_value(it).len;
                if (f == 0) seen++;
                n++;
            }
            engine_iter_free(it);
        }
        buf_fini(&prefix);
        if (samples && seen > 0 && seen < m.size)
            seen_bytes = (uint64_t)((double)seen_bytes * (double)m.size / (double)seen);
        total += seen_bytes;
    }
    *bytes = total;
    return DB_OK;
}

struct count_state {
    uint64_t keys, expires;
};

static int count_visit(void *arg, slice_t key, const metadata_t *m) {
    (void)key;
    struct count_state *c = arg;
    c->keys++;
    if (m->expire_ms) c->expires++;
    return 0;
}

db_status_t db_key_count(db_t *db, db_scratch_t *s, uint64_t *keys, uint64_t *expires) {
    struct count_state c = {0, 0};
    buf_t next;
    buf_init(&next);
    db_status_t st = db_key_scan(db, s, slice_make("", 0), 0, count_visit, &c, &next);
    buf_fini(&next);
    *keys = c.keys;
    if (expires) *expires = c.expires;
    return st;
}

struct first_state {
    buf_t *out;
    int found;
};

static int first_visit(void *arg, slice_t key, const metadata_t *m) {
    (void)m;
    struct first_state *f = arg;
    buf_clear(f->out);
    buf_append(f->out, key.ptr, key.len);
    f->found = 1;
    return 1;
}

db_status_t db_key_random(db_t *db, db_scratch_t *s, slice_t *key) {
    /* Seek to a random point of the key space and take the next live key,
     * wrapping to the start once: O(log n), though not uniform over keys. */
    char probe[8];
    for (size_t i = 0; i < sizeof probe; i++) probe[i] = (char)(random() & 0xff);
    buf_t next;
    buf_init(&next);
    struct first_state f = {&s->aux, 0};
    db_status_t st = db_key_scan(db, s, slice_make(probe, sizeof probe), 0, first_visit, &f, &next);
    if (st == DB_OK && !f.found) st = db_key_scan(db, s, slice_make("", 0), 0, first_visit, &f, &next);
    buf_fini(&next);
    if (st != DB_OK) return st;
    if (!f.found) return DB_NOT_FOUND;
    *key = slice_make(s->aux.data, s->aux.len);
    return DB_OK;
}

db_status_t db_flush_all(db_t *db, db_scratch_t *s) {
    return engine_delete_all(db_engine(db), &s->err) == 0 ? DB_OK : DB_IO_ERROR;
}
