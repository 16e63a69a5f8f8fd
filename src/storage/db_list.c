/* Lists on the collection building blocks. */
#include "storage/db_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/collection.h"

#define LIST_MIDDLE (1ULL << 63)

static void list_bounds(const coll_t *c, uint64_t *head, uint64_t *tail) {
    if (c->exists && c->extra_len >= 16) {
        *head = get_u64_be(c->extra);
        *tail = get_u64_be(c->extra + 8);
    } else {
        *head = *tail = LIST_MIDDLE;
    }
}

static void list_set_bounds(coll_t *c, uint64_t head, uint64_t tail) {
    put_u64_be(c->extra, head);
    put_u64_be(c->extra + 8, tail);
    c->extra_len = 16;
    c->size = tail - head;
}

static slice_t index_field(char *buf8, uint64_t index) {
    put_u64_be(buf8, index);
    return slice_make(buf8, 8);
}

/* Normalizes Redis start/stop indexes against len; returns 0 when the
 * range is empty. */
static int normalize_range(long long len, long long *start, long long *stop) {
    if (*start < 0) *start += len;
    if (*stop < 0) *stop += len;
    if (*start < 0) *start = 0;
    if (*start >= len || *start > *stop) return 0;
    if (*stop >= len) *stop = len - 1;
    return 1;
}

/* Length-prefixed values kept in memory between reading and replying. */
static void stash_value(buf_t *b, slice_t v) {
    char len[8];
    put_u64_be(len, v.len);
    buf_append(b, len, 8);
    buf_append(b, v.ptr, v.len);
}

static void visit_stash(const buf_t *b, db_list_visit_fn visit, void *arg) {
    size_t off = 0;
    while (off + 8 <= b->len) {
        uint64_t n = get_u64_be(b->data + off);
        off += 8;
        if (visit(arg, slice_make(b->data + off, n))) break;
        off += n;
    }
}

db_status_t db_list_push(db_t *db, db_scratch_t *s, slice_t key, const slice_t *values, size_t n, int left,
                         int only_existing, long long *len) {
    db_lockset_t held;
    db_lock_key(db, key, &held);
    coll_t c;
    db_status_t st = coll_open_write(db, s, key, TYPE_LIST, &c);
    *len = 0;
    if (st != DB_OK || (only_existing && !c.exists)) goto out;
    uint64_t head, tail;
    list_bounds(&c, &head, &tail);
    char f[8];
    for (size_t i = 0; i < n; i++) {
        if (left)
            coll_put(s, &c, index_field(f, --head), values[i]);
        else
            coll_put(s, &c, index_field(f, tail++), values[i]);
    }
    list_set_bounds(&c, head, tail);
    coll_finish(s, &c);
    st = db_commit(db, s);
    *len = (long long)c.size;
out:
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    return st;
}

/* Pops up to count elements of an open list into stash (caller commits). */
static db_status_t pop_into(db_t *db, db_scratch_t *s, coll_t *c, int left, long long count, buf_t *stash,
                            long long *popped) {
    uint64_t head, tail;
    list_bounds(c, &head, &tail);
    buf_t value;
    buf_init(&value);
    char f[8];
    *popped = 0;
    db_status_t st = DB_OK;
    while (*popped < count && head < tail) {
        uint64_t idx = left ? head : tail - 1;
        int rc = coll_get(db, s, c, index_field(f, idx), &value);
        if (rc < 0) {
            st = DB_IO_ERROR;
            break;
        }
        if (rc == 1) stash_value(stash, slice_make(value.data, value.len));
        coll_del(s, c, index_field(f, idx));
        if (left)
            head++;
        else
            tail--;
        if (rc == 1) (*popped)++;
    }
    buf_fini(&value);
    list_set_bounds(c, head, tail);
    return st;
}

db_status_t db_list_pop(db_t *db, db_scratch_t *s, slice_t key, int left, long long count, db_list_visit_fn visit,
                        void *arg, long long *popped) {
    db_lockset_t held;
    db_lock_key(db, key, &held);
    coll_t c;
    buf_t stash;
    buf_init(&stash);
    *popped = 0;
    db_status_t st = coll_open_write(db, s, key, TYPE_LIST, &c);
    if (st == DB_OK && !c.exists) st = DB_NOT_FOUND;
    if (st == DB_OK) st = pop_into(db, s, &c, left, count, &stash, popped);
    if (st == DB_OK) {
        coll_finish(s, &c);
        st = db_commit(db, s);
    }
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    if (st == DB_OK) visit_stash(&stash, visit, arg);
    buf_fini(&stash);
    return st;
}

db_status_t db_list_len(db_t *db, db_scratch_t *s, slice_t key, long long *len) {
    coll_t c;
    db_status_t st = coll_open_read(db, s, key, TYPE_LIST, &c);
    *len = st == DB_OK ? (long long)c.size : 0;
    return st == DB_NOT_FOUND ? DB_OK : st;
}

db_status_t db_list_range(db_t *db, db_scratch_t *s, slice_t key, long long start, long long stop,
                          db_list_visit_fn visit, void *arg) {
    coll_t c;
    db_status_t st = coll_open_read(db, s, key, TYPE_LIST, &c);
    if (st != DB_OK) return st;
    if (!normalize_range((long long)c.size, &start, &stop)) return DB_OK;
    uint64_t head, tail;
    list_bounds(&c, &head, &tail);
    coll_iter_t it;
    if (coll_iter_init(&it, db, &c, CF_SUBKEYS) != 0) return DB_IO_ERROR;
    char f[8];
    long long want = stop - start + 1, seen = 0;
    for (coll_iter_seek(&it, index_field(f, head + (uint64_t)start)); coll_iter_valid(&it) && seen < want;
         coll_iter_next(&it), seen++)
        if (visit(arg, coll_iter_value(&it))) break;
    coll_iter_fini(&it);
    return DB_OK;
}

db_status_t db_list_index(db_t *db, db_scratch_t *s, slice_t key, long long index, buf_t *out) {
    coll_t c;
    db_status_t st = coll_open_read(db, s, key, TYPE_LIST, &c);
    if (st != DB_OK) return st;
    long long len = (long long)c.size;
    if (index < 0) index += len;
    if (index < 0 || index >= len) return DB_NOT_FOUND;
    uint64_t head, tail;
    list_bounds(&c, &head, &tail);
    char f[8];
    int rc = coll_get(db, s, &c, index_field(f, head + (uint64_t)index), out);
    return rc < 0 ? DB_IO_ERROR : rc == 0 ? DB_NOT_FOUND : DB_OK;
}

db_status_t db_list_set(db_t *db, db_scratch_t *s, slice_t key, long long index, slice_t value, int *out_of_range) {
    db_lockset_t held;
    db_lock_key(db, key, &held);
    coll_t c;
    *out_of_range = 0;
    db_status_t st = coll_open_write(db, s, key, TYPE_LIST, &c);
    if (st == DB_OK && !c.exists) st = DB_NOT_FOUND;
    if (st == DB_OK) {
        long long len = (long long)c.size;
        if (index < 0) index += len;
        if (index < 0 || index >= len) {
            *out_of_range = 1;
        } else {
            uint64_t head, tail;
            list_bounds(&c, &head, &tail);
            char f[8];
            coll_put(s, &c, index_field(f, head + (uint64_t)index), value);
            st = db_commit(db, s);
        }
    }
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    return st;
}

db_status_t db_list_trim(db_t *db, db_scratch_t *s, slice_t key, long long start, long long stop) {
    db_lockset_t held;
    db_lock_key(db, key, &held);
    coll_t c;
    db_status_t st = coll_open_write(db, s, key, TYPE_LIST, &c);
    if (st != DB_OK || !c.exists) goto out;
    uint64_t head, tail;
    list_bounds(&c, &head, &tail);
    char f[8];
    if (!normalize_range((long long)c.size, &start, &stop)) {
        c.size = 0; /* everything trimmed: the key goes */
    } else {
        uint64_t new_head = head + (uint64_t)start, new_tail = head + (uint64_t)stop + 1;
        for (uint64_t i = head; i < new_head; i++) coll_del(s, &c, index_field(f, i));
        for (uint64_t i = new_tail; i < tail; i++) coll_del(s, &c, index_field(f, i));
        list_set_bounds(&c, new_head, new_tail);
    }
    coll_finish(s, &c);
    st = db_commit(db, s);
out:
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    return st == DB_NOT_FOUND ? DB_OK : st;
}

/* Reads every element of an open list into stash, in order. */
static db_status_t read_all(db_t *db, const coll_t *c, buf_t *stash) {
    coll_iter_t it;
    if (coll_iter_init(&it, db, c, CF_SUBKEYS) != 0) return DB_IO_ERROR;
    for (coll_iter_seek_first(&it); coll_iter_valid(&it); coll_iter_next(&it)) stash_value(stash, coll_iter_value(&it));
    coll_iter_fini(&it);
    return DB_OK;
}

/* Writes the stashed elements as the list's new content, under a new
 * version (the old elements die with the old version). */
static void rewrite_from(db_t *db, db_scratch_t *s, coll_t *c, const buf_t *stash) {
    c->version = db_new_version(db);
    uint64_t tail = LIST_MIDDLE;
    char f[8];
    size_t off = 0;
    while (off + 8 <= stash->len) {
        uint64_t n = get_u64_be(stash->data + off);
        off += 8;
        coll_put(s, c, index_field(f, tail++), slice_make(stash->data + off, n));
        off += n;
    }
    list_set_bounds(c, LIST_MIDDLE, tail);
}

db_status_t db_list_rem(db_t *db, db_scratch_t *s, slice_t key, long long count, slice_t value, long long *removed) {
    db_lockset_t held;
    db_lock_key(db, key, &held);
    coll_t c;
    buf_t all, kept;
    buf_init(&all);
    buf_init(&kept);
    *removed = 0;
    db_status_t st = coll_open_write(db, s, key, TYPE_LIST, &c);
    if (st != DB_OK || !c.exists) goto out;
    st = read_all(db, &c, &all);
    if (st != DB_OK) goto out;
    /* Collect element offsets so removal can run from either end. */
    size_t nel = 0, cap = 0;
    size_t *offs = NULL;
    for (size_t off = 0; off + 8 <= all.len; off += 8 + get_u64_be(all.data + off)) {
        if (nel == cap) {
            cap = cap ? cap * 2 : 64;
            size_t *grown = realloc(offs, cap * sizeof *offs);
            if (!grown) {
                free(offs);
                st = DB_IO_ERROR;
                snprintf(s->err.msg, sizeof s->err.msg, "out of memory");
                goto out;
            }
            offs = grown;
        }
        offs[nel++] = off;
    }
    char *drop = calloc(nel ? nel : 1, 1);
    /* |count| without overflow for LLONG_MIN (UBSan caught LREM k -9223372036854775808). */
    unsigned long long limit = count < 0 ? (unsigned long long)(-(count + 1)) + 1 : (unsigned long long)count;
    for (size_t k = 0; k < nel; k++) {
        size_t i = count < 0 ? nel - 1 - k : k;
        uint64_t n = get_u64_be(all.data + offs[i]);
        if (n == value.len && memcmp(all.data + offs[i] + 8, value.ptr, n) == 0) {
            drop[i] = 1;
            if ((unsigned long long)++*removed == limit && limit) break;
        }
    }
    for (size_t i = 0; i < nel; i++)
        if (!drop[i]) buf_append(&kept, all.data + offs[i], 8 + get_u64_be(all.data + offs[i]));
    free(drop);
    free(offs);
    if (*removed) {
        rewrite_from(db, s, &c, &kept);
        coll_finish(s, &c);
        st = db_commit(db, s);
    }
out:
    engine_batch_clear(s->batch);
    buf_fini(&all);
    buf_fini(&kept);
    db_unlock_keys(db, &held);
    return st;
}

db_status_t db_list_insert(db_t *db, db_scratch_t *s, slice_t key, int before, slice_t pivot, slice_t value,
                           long long *len) {
    db_lockset_t held;
    db_lock_key(db, key, &held);
    coll_t c;
    buf_t all, out;
    buf_init(&all);
    buf_init(&out);
    *len = 0;
    db_status_t st = coll_open_write(db, s, key, TYPE_LIST, &c);
    if (st != DB_OK || !c.exists) goto done;
    st = read_all(db, &c, &all);
    if (st != DB_OK) goto done;
    int found = 0;
    for (size_t off = 0; off + 8 <= all.len;) {
        uint64_t n = get_u64_be(all.data + off);
        slice_t el = slice_make(all.data + off + 8, n);
        int match = !found && slice_eq(el, pivot);
        if (match && before) stash_value(&out, value);
        buf_append(&out, all.data + off, 8 + n);
        if (match && !before) stash_value(&out, value);
        found |= match;
        off += 8 + n;
    }
    if (!found) {
        *len = -1;
        goto done;
    }
    rewrite_from(db, s, &c, &out);
    coll_finish(s, &c);
    st = db_commit(db, s);
    *len = (long long)c.size;
done:
    engine_batch_clear(s->batch);
    buf_fini(&all);
    buf_fini(&out);
    db_unlock_keys(db, &held);
    return st;
}

db_status_t db_list_pos(db_t *db, db_scratch_t *s, slice_t key, slice_t element, long long rank, long long count,
                        long long maxlen, db_list_pos_fn visit, void *arg) {
    coll_t c;
    db_status_t st = coll_open_read(db, s, key, TYPE_LIST, &c);
    if (st != DB_OK) return st;
    coll_iter_t it;
    if (coll_iter_init(&it, db, &c, CF_SUBKEYS) != 0) return DB_IO_ERROR;
    int reverse = rank < 0;
    long long skip = (reverse ? -rank : rank) - 1, found = 0, scanned = 0;
    long long len = (long long)c.size;
    if (reverse)
        coll_iter_seek_last(&it);
    else
        coll_iter_seek_first(&it);
    for (long long pos = reverse ? len - 1 : 0; coll_iter_valid(&it) && (!maxlen || scanned < maxlen);
         pos += reverse ? -1 : 1, scanned++) {
        if (slice_eq(coll_iter_value(&it), element)) {
            if (skip > 0) {
                skip--;
            } else {
                found++;
                if (visit(arg, pos) || (count && found == count)) break;
            }
        }
        if (reverse)
            coll_iter_prev(&it);
        else
            coll_iter_next(&it);
    }
    coll_iter_fini(&it);
    return DB_OK;
}

db_status_t db_list_move(db_t *db, db_scratch_t *s, slice_t src, slice_t dst, int from_left, int to_left,
                         buf_t *out) {
    slice_t keys[2] = {src, dst};
    db_lockset_t held;
    db_lock_keys(db, keys, 2, 1, &held);
    coll_t from, to;
    buf_t stash;
    buf_init(&stash);
    db_status_t st = coll_open_write(db, s, src, TYPE_LIST, &from);
    if (st == DB_OK && !from.exists) st = DB_NOT_FOUND;
    int same = slice_eq(src, dst);
    /* The destination's type is checked before anything moves. */
    if (st == DB_OK && !same) st = coll_open_write(db, s, dst, TYPE_LIST, &to);
    long long popped = 0;
    if (st == DB_OK) st = pop_into(db, s, &from, from_left, 1, &stash, &popped);
    if (st == DB_OK && popped == 1) {
        slice_t v = slice_make(stash.data + 8, stash.len - 8);
        coll_t *target = same ? &from : &to;
        uint64_t head, tail;
        list_bounds(target, &head, &tail);
        if (same && !target->exists) head = tail = LIST_MIDDLE;
        char f[8];
        if (to_left)
            coll_put(s, target, index_field(f, --head), v);
        else
            coll_put(s, target, index_field(f, tail++), v);
        list_set_bounds(target, head, tail);
        if (!same) coll_finish(s, &from);
        coll_finish(s, target);
        st = db_commit(db, s);
        buf_clear(out);
        buf_append(out, v.ptr, v.len);
    } else if (st == DB_OK) {
        st = DB_NOT_FOUND;
    }
    engine_batch_clear(s->batch);
    buf_fini(&stash);
    db_unlock_keys(db, &held);
    return st;
}
