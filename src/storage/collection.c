#include "storage/collection.h"

#include <string.h>

static void coll_init(coll_t *c, slice_t key, enum value_type type) {
    memset(c, 0, sizeof *c);
    c->key = key;
    c->type = type;
}

/* Fills c from the metadata just read into s->meta. */
static void coll_from_meta(coll_t *c, const metadata_t *m) {
    c->exists = 1;
    c->version = m->version;
    c->size = m->size;
    c->expire_ms = m->expire_ms;
    if (c->type == TYPE_LIST) {
        c->extra_len = m->rest.len < COLL_EXTRA_MAX ? m->rest.len : COLL_EXTRA_MAX;
        memcpy(c->extra, m->rest.ptr, c->extra_len);
    } else if (m->rest.len >= 8) {
        c->dead = get_u64_be(m->rest.ptr);
    }
}

/* Threshold of coll_t.dead above which a write moves the collection to a
 * new version first. */
static int too_many_dead(const coll_t *c) {
    return c->type != TYPE_LIST && c->dead > 1024 && c->dead > 2 * c->size;
}

/* Copies every live element of c (both families) under a fresh version and
 * commits it with the metadata; the old version's entries, tombstones
 * included, are left to the compaction filter. Hold the key's lock. */
static db_status_t coll_rewrite(db_t *db, db_scratch_t *s, coll_t *c) {
    static const enum engine_cf families[] = {CF_SUBKEYS, CF_ZSET_SCORE};
    uint64_t fresh = db_new_version(db);
    coll_t moved = *c;
    moved.version = fresh;
    moved.dead = 0;
    db_status_t st = DB_OK;
    engine_batch_clear(s->batch);
    for (size_t f = 0; f < sizeof families / sizeof families[0] && st == DB_OK; f++) {
        if (families[f] == CF_ZSET_SCORE && c->type != TYPE_ZSET) continue;
        coll_iter_t it;
        if (coll_iter_init(&it, db, c, families[f]) != 0) return DB_IO_ERROR;
        for (coll_iter_seek_first(&it); coll_iter_valid(&it); coll_iter_next(&it))
            coll_put_cf(s, &moved, families[f], coll_iter_field(&it), coll_iter_value(&it));
        if (coll_iter_error(&it, &s->err) != 0) st = DB_IO_ERROR;
        coll_iter_fini(&it);
    }
    if (st == DB_OK) {
        coll_finish(s, &moved);
        st = db_commit(db, s);
    }
    engine_batch_clear(s->batch);
    if (st == DB_OK) *c = moved;
    return st;
}

db_status_t coll_open_write(db_t *db, db_scratch_t *s, slice_t key, enum value_type type, coll_t *c) {
    coll_init(c, key, type);
    metadata_t m;
    db_status_t st = db_read_meta(db, s, key, &m);
    if (st == DB_IO_ERROR) return st;
    if (st == DB_OK) {
        if (m.type != type) return DB_WRONGTYPE;
        coll_from_meta(c, &m);
        return too_many_dead(c) ? coll_rewrite(db, s, c) : DB_OK;
    }
    c->version = db_new_version(db);
    return DB_OK;
}


db_status_t coll_open_read(db_t *db, db_scratch_t *s, slice_t key, enum value_type type, coll_t *c) {
    coll_init(c, key, type);
    metadata_t m;
    db_status_t st = db_lookup_meta(db, s, key, &m);
    if (st != DB_OK) return st;
    if (m.type != type) return DB_WRONGTYPE;
    coll_from_meta(c, &m);
    return DB_OK;
}

static slice_t encode_subkey(db_scratch_t *s, const coll_t *c, slice_t field) {
    buf_clear(&s->key);
    subkey_encode(&s->key, c->key, c->version, field);
    return slice_make(s->key.data, s->key.len);
}

int coll_get(db_t *db, db_scratch_t *s, const coll_t *c, slice_t field, buf_t *out) {
    return engine_get(db_engine(db), CF_SUBKEYS, encode_subkey(s, c, field), out, &s->err);
}

void coll_put_cf(db_scratch_t *s, const coll_t *c, enum engine_cf cf, slice_t field, slice_t value) {
    engine_batch_put(s->batch, cf, encode_subkey(s, c, field), value);
}

void coll_del_cf(db_scratch_t *s, const coll_t *c, enum engine_cf cf, slice_t field) {
    engine_batch_delete(s->batch, cf, encode_subkey(s, c, field));
}

void coll_put(db_scratch_t *s, const coll_t *c, slice_t field, slice_t value) {
    coll_put_cf(s, c, CF_SUBKEYS, field, value);
}

void coll_del(db_scratch_t *s, coll_t *c, slice_t field) {
    coll_del_cf(s, c, CF_SUBKEYS, field);
    c->dead++;
}

void coll_finish(db_scratch_t *s, const coll_t *c) {
    if (c->size == 0) {
        /* Remaining subkeys (if any) die with the version. */
        if (c->exists) db_batch_delete_key(s, c->key);
        return;
    }
    buf_t *v = &s->key; /* aux may hold the caller's reply value */
    buf_clear(v);
    meta_encode_collection(v, c->type, c->expire_ms, c->version, c->size);
    if (c->type == TYPE_LIST) {
        buf_append(v, c->extra, c->extra_len);
    } else {
        char dead[8];
        put_u64_be(dead, c->dead);
        buf_append(v, dead, 8);
    }
    engine_batch_put(s->batch, CF_METADATA, c->key, slice_make(v->data, v->len));
}

/* ---- iteration ---- */

int coll_iter_init(coll_iter_t *ci, db_t *db, const coll_t *c, enum engine_cf cf) {
    buf_init(&ci->prefix);
    buf_init(&ci->seek);
    subkey_encode(&ci->prefix, c->key, c->version, slice_make("", 0));
    ci->it = engine_iter_new(db_engine(db), cf);
    if (!ci->it) {
        buf_fini(&ci->prefix);
        buf_fini(&ci->seek);
        return -1;
    }
    return 0;
}

int coll_iter_error(coll_iter_t *ci, engine_err_t *err) { return engine_iter_error(ci->it, err); }

void coll_iter_fini(coll_iter_t *ci) {
    engine_iter_free(ci->it);
    buf_fini(&ci->prefix);
    buf_fini(&ci->seek);
}

void coll_iter_seek_first(coll_iter_t *ci) { engine_iter_seek(ci->it, slice_make(ci->prefix.data, ci->prefix.len)); }

void coll_iter_seek(coll_iter_t *ci, slice_t field) {
    buf_clear(&ci->seek);
    buf_append(&ci->seek, ci->prefix.data, ci->prefix.len);
    buf_append(&ci->seek, field.ptr, field.len);
    engine_iter_seek(ci->it, slice_make(ci->seek.data, ci->seek.len));
}

void coll_iter_seek_last(coll_iter_t *ci) {
    /* The smallest key above every field of this version: the prefix with
     * its last byte carried up by one. */
    buf_clear(&ci->seek);
    buf_append(&ci->seek, ci->prefix.data, ci->prefix.len);
    size_t i = ci->seek.len;
    while (i > 0) {
        unsigned char b = (unsigned char)ci->seek.data[i - 1];
        if (b != 0xff) {
            ci->seek.data[i - 1] = (char)(b + 1);
            break;
        }
        ci->seek.data[i - 1] = 0;
        i--;
    }
    slice_t end = slice_make(ci->seek.data, ci->seek.len);
    engine_iter_seek_for_prev(ci->it, end);
    if (engine_iter_valid(ci->it) && slice_eq(engine_iter_key(ci->it), end)) engine_iter_prev(ci->it);
}

int coll_iter_valid(coll_iter_t *ci) {
    if (!engine_iter_valid(ci->it)) return 0;
    slice_t k = engine_iter_key(ci->it);
    return k.len >= ci->prefix.len && memcmp(k.ptr, ci->prefix.data, ci->prefix.len) == 0;
}

void coll_iter_next(coll_iter_t *ci) { engine_iter_next(ci->it); }
void coll_iter_prev(coll_iter_t *ci) { engine_iter_prev(ci->it); }

slice_t coll_iter_field(coll_iter_t *ci) {
    slice_t k = engine_iter_key(ci->it);
    return slice_make(k.ptr + ci->prefix.len, k.len - ci->prefix.len);
}

slice_t coll_iter_value(coll_iter_t *ci) { return engine_iter_value(ci->it); }
