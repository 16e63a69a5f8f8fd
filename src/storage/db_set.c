/* Sets: [keylen][key][version][member] -> "" in the subkeys family, the
 * member count in the metadata record. Members sort by their bytes, so
 * unions merge sorted streams and every result comes out in byte order. */
#include "storage/db_set.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static db_status_t out_of_memory(db_scratch_t *s) {
    snprintf(s->err.msg, sizeof s->err.msg, "out of memory");
    return DB_IO_ERROR;
}

db_status_t db_set_add(db_t *db, db_scratch_t *s, slice_t key, const slice_t *members, size_t n, long long *added) {
    return coll_put_fields(db, s, key, TYPE_SET, members, n, 1, 1, added);
}

db_status_t db_set_rem(db_t *db, db_scratch_t *s, slice_t key, const slice_t *members, size_t n,
                       long long *removed) {
    return coll_del_fields(db, s, key, TYPE_SET, members, n, removed);
}

db_status_t db_set_card(db_t *db, db_scratch_t *s, slice_t key, uint64_t *card) {
    coll_t c;
    db_status_t st = coll_open_read(db, s, key, TYPE_SET, &c);
    *card = st == DB_OK ? c.size : 0;
    return st == DB_NOT_FOUND ? DB_OK : st;
}

db_status_t db_set_ismember(db_t *db, db_scratch_t *s, slice_t key, const slice_t *members, size_t n,
                            coll_lookup_fn fn, void *arg) {
    return coll_lookup(db, s, key, TYPE_SET, members, n, fn, arg);
}

db_status_t db_set_scan(db_t *db, db_scratch_t *s, slice_t key, slice_t start, size_t limit, coll_visit_fn visit,
                        void *arg, buf_t *next) {
    return coll_scan(db, s, key, TYPE_SET, start, limit, visit, arg, next);
}

db_status_t db_set_random(db_t *db, db_scratch_t *s, slice_t key, long long count, coll_visit_fn visit, void *arg,
                          uint64_t *visited) {
    if (visited) *visited = 0;
    coll_t c;
    db_status_t st = coll_open_read(db, s, key, TYPE_SET, &c);
    if (st != DB_OK) return st;
    return coll_sample(db, s, &c, count, visit, arg, visited);
}

/* ---- SPOP ---- */

typedef struct pop_state {
    db_scratch_t *s;
    coll_t *c;
    coll_visit_fn visit;
    void *arg;
    uint64_t n;
    int delete_each; /* 0 when the whole set goes */
} pop_state_t;

static int pop_visit(void *arg, slice_t member, slice_t value) {
    pop_state_t *p = arg;
    if (p->delete_each) coll_del(p->s, p->c, member);
    p->n++;
    return p->visit(p->arg, member, value);
}

db_status_t db_set_pop(db_t *db, db_scratch_t *s, slice_t key, long long count, coll_visit_fn visit, void *arg,
                       uint64_t *popped) {
    *popped = 0;
    db_lockset_t held;
    db_lock_key(db, key, &held);
    coll_t c;
    db_status_t st = coll_open_write(db, s, key, TYPE_SET, &c);
    if (st != DB_OK) goto out;
    if (!c.exists) {
        st = DB_NOT_FOUND;
        goto out;
    }
    if (count <= 0) goto out;
    pop_state_t p = {s, &c, visit, arg, 0, 1};
    if ((uint64_t)count >= c.size) {
        /* Everything goes: the subkeys die with the key's version. */
        p.delete_each = 0;
        st = coll_walk(db, s, &c, pop_visit, &p);
    } else {
        st = coll_sample(db, s, &c, count, pop_visit, &p, NULL);
    }
    if (st != DB_OK) goto out;
    c.size = p.delete_each ? c.size - p.n : 0;
    coll_finish(s, &c);
    st = db_commit(db, s);
    if (st == DB_OK) *popped = p.n;
out:
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    return st;
}

/* ---- SMOVE ---- */

db_status_t db_set_move(db_t *db, db_scratch_t *s, slice_t src, slice_t dst, slice_t member, int *moved) {
    *moved = 0;
    slice_t keys[2] = {src, dst};
    db_lockset_t held;
    db_lock_keys(db, keys, 2, 1, &held);
    coll_t sc, dc;
    db_status_t st = coll_open_write(db, s, src, TYPE_SET, &sc);
    if (st != DB_OK || !sc.exists) goto out; /* as Redis: a missing src answers 0 before dst is checked */
    st = coll_open_write(db, s, dst, TYPE_SET, &dc);
    if (st != DB_OK) goto out;
    int found = coll_get(db, s, &sc, member, &s->value);
    if (found < 0) {
        st = DB_IO_ERROR;
        goto out;
    }
    if (!found || slice_eq(src, dst)) {
        *moved = found;
        goto out;
    }
    coll_del(s, &sc, member);
    sc.size--;
    coll_finish(s, &sc);
    int in_dst = dc.exists ? coll_get(db, s, &dc, member, &s->value) : 0;
    if (in_dst < 0) {
        st = DB_IO_ERROR;
        goto out;
    }
    if (!in_dst) {
        coll_put(s, &dc, member, slice_make("", 0));
        dc.size++;
        coll_finish(s, &dc);
    }
    st = db_commit(db, s);
    if (st == DB_OK) *moved = 1;
out:
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    return st;
}

/* ---- union, intersection, difference ---- */

#define LOCAL_SETS 8

/* Opens every key as a set (a missing one as empty, exists = 0). Under the
 * keys' locks (locked), reads must not take a lock again, so they go
 * through coll_open_write, which only reads. */
static db_status_t open_sets(db_t *db, db_scratch_t *s, const slice_t *keys, size_t n, int locked, coll_t *sets) {
    for (size_t i = 0; i < n; i++) {
        db_status_t st = locked ? coll_open_write(db, s, keys[i], TYPE_SET, &sets[i])
                                : coll_open_read(db, s, keys[i], TYPE_SET, &sets[i]);
        if (st == DB_NOT_FOUND) {
            sets[i].exists = 0;
            sets[i].size = 0;
            continue;
        }
        if (st != DB_OK) return st;
    }
    return DB_OK;
}

static int slice_cmp(slice_t a, slice_t b) {
    size_t m = a.len < b.len ? a.len : b.len;
    int c = m ? memcmp(a.ptr, b.ptr, m) : 0;
    if (c) return c;
    return a.len < b.len ? -1 : a.len > b.len;
}

typedef struct combine {
    db_t *db;
    db_scratch_t *s;
    coll_t *sets;
    size_t n;
    uint64_t limit; /* 0 = all */
    coll_visit_fn visit;
    void *arg;
} combine_t;

/* Walks the smallest set and keeps the members every other set has. */
static db_status_t combine_inter(combine_t *k) {
    size_t driver = 0;
    for (size_t i = 0; i < k->n; i++) {
        if (!k->sets[i].exists) return DB_OK; /* an empty set empties the result */
        if (k->sets[i].size < k->sets[driver].size) driver = i;
    }
    coll_iter_t ci;
    if (coll_iter_init(&ci, k->db, &k->sets[driver], CF_SUBKEYS) != 0) {
        coll_iter_fini(&ci);
        return out_of_memory(k->s);
    }
    db_status_t st = DB_OK;
    uint64_t emitted = 0;
    for (coll_iter_seek_first(&ci); coll_iter_valid(&ci); coll_iter_next(&ci)) {
        slice_t m = coll_iter_field(&ci);
        int in_all = 1;
        for (size_t j = 0; j < k->n && in_all; j++) {
            if (j == driver || k->sets[j].version == k->sets[driver].version) continue;
            int r = coll_get(k->db, k->s, &k->sets[j], m, &k->s->value);
            if (r < 0) {
                st = DB_IO_ERROR;
                goto done;
            }
            in_all = r;
        }
        if (!in_all) continue;
        emitted++;
        if (k->visit(k->arg, m, slice_make("", 0))) break;
        if (k->limit && emitted == k->limit) break;
    }
    if (engine_iter_error(ci.it, &k->s->err) != 0) st = DB_IO_ERROR;
done:
    coll_iter_fini(&ci);
    return st;
}

/* Walks the first set and drops the members any other set has. */
static db_status_t combine_diff(combine_t *k) {
    if (!k->sets[0].exists) return DB_OK;
    coll_iter_t ci;
    if (coll_iter_init(&ci, k->db, &k->sets[0], CF_SUBKEYS) != 0) {
        coll_iter_fini(&ci);
        return out_of_memory(k->s);
    }
    db_status_t st = DB_OK;
    for (coll_iter_seek_first(&ci); coll_iter_valid(&ci); coll_iter_next(&ci)) {
        slice_t m = coll_iter_field(&ci);
        int found = 0;
        for (size_t j = 1; j < k->n && !found; j++) {
            if (!k->sets[j].exists) continue;
            found = coll_get(k->db, k->s, &k->sets[j], m, &k->s->value);
            if (found < 0) {
                st = DB_IO_ERROR;
                goto done;
            }
        }
        if (!found && k->visit(k->arg, m, slice_make("", 0))) break;
    }
    if (engine_iter_error(ci.it, &k->s->err) != 0) st = DB_IO_ERROR;
done:
    coll_iter_fini(&ci);
    return st;
}

/* A min-heap of iterators ordered by their current member. */
static int heap_less(coll_iter_t *its, size_t a, size_t b) {
    return slice_cmp(coll_iter_field(&its[a]), coll_iter_field(&its[b])) < 0;
}

static void heap_down(coll_iter_t *its, size_t *heap, size_t len, size_t i) {
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < len && heap_less(its, heap[l], heap[m])) m = l;
        if (r < len && heap_less(its, heap[r], heap[m])) m = r;
        if (m == i) return;
        size_t t = heap[i];
        heap[i] = heap[m];
        heap[m] = t;
        i = m;
    }
}

/* Merges the sorted member streams of every set, each member once. */
static db_status_t combine_union(combine_t *k) {
    coll_iter_t *its = calloc(k->n ? k->n : 1, sizeof *its);
    size_t *heap = calloc(k->n ? k->n : 1, sizeof *heap);
    buf_t prev;
    buf_init(&prev);
    size_t nits = 0, len = 0;
    db_status_t st = DB_OK;
    if (!its || !heap) {
        st = out_of_memory(k->s);
        goto done;
    }
    for (size_t i = 0; i < k->n; i++) {
        if (!k->sets[i].exists) continue;
        if (coll_iter_init(&its[nits], k->db, &k->sets[i], CF_SUBKEYS) != 0) {
            coll_iter_fini(&its[nits]);
            st = out_of_memory(k->s);
            goto done;
        }
        coll_iter_seek_first(&its[nits]);
        if (coll_iter_valid(&its[nits])) heap[len++] = nits;
        nits++;
    }
    for (size_t i = len / 2; i-- > 0;) heap_down(its, heap, len, i);
    int have_prev = 0;
    while (len > 0) {
        coll_iter_t *top = &its[heap[0]];
        slice_t m = coll_iter_field(top);
        if (!have_prev || !slice_eq(m, slice_make(prev.data, prev.len))) {
            if (k->visit(k->arg, m, slice_make("", 0))) break;
            buf_clear(&prev);
            buf_append(&prev, m.ptr, m.len);
            have_prev = 1;
        }
        coll_iter_next(top);
        if (!coll_iter_valid(top)) heap[0] = heap[--len];
        heap_down(its, heap, len, 0);
    }
    for (size_t i = 0; i < nits && st == DB_OK; i++)
        if (engine_iter_error(its[i].it, &k->s->err) != 0) st = DB_IO_ERROR;
done:
    for (size_t i = 0; i < nits; i++) coll_iter_fini(&its[i]);
    free(its);
    free(heap);
    buf_fini(&prev);
    return st;
}

static db_status_t combine_run(combine_t *k, enum db_set_op op) {
    switch (op) {
    case DB_SET_INTER: return combine_inter(k);
    case DB_SET_DIFF: return combine_diff(k);
    default: return combine_union(k);
    }
}

static coll_t *sets_alloc(size_t n, coll_t *local) {
    return n <= LOCAL_SETS ? local : malloc(n * sizeof(coll_t));
}

static void sets_free(coll_t *sets, coll_t *local) {
    if (sets != local) free(sets);
}

db_status_t db_set_combine(db_t *db, db_scratch_t *s, enum db_set_op op, const slice_t *keys, size_t n,
                           uint64_t limit, coll_visit_fn visit, void *arg) {
    coll_t local[LOCAL_SETS];
    coll_t *sets = sets_alloc(n, local);
    if (!sets) return out_of_memory(s);
    db_status_t st = open_sets(db, s, keys, n, 0, sets);
    if (st == DB_OK) {
        combine_t k = {db, s, sets, n, limit, visit, arg};
        st = combine_run(&k, op);
    }
    sets_free(sets, local);
    return st;
}

typedef struct store_state {
    db_scratch_t *s;
    coll_t *dst;
} store_state_t;

static int store_visit(void *arg, slice_t member, slice_t value) {
    store_state_t *ss = arg;
    coll_put(ss->s, ss->dst, member, value);
    ss->dst->size++;
    return 0;
}

db_status_t db_set_combine_store(db_t *db, db_scratch_t *s, enum db_set_op op, slice_t dst, const slice_t *keys,
                                 size_t n, long long *stored) {
    *stored = 0;
    coll_t local[LOCAL_SETS];
    coll_t *sets = sets_alloc(n, local);
    slice_t *all = malloc((n + 1) * sizeof *all);
    if (!sets || !all) {
        sets_free(sets, local);
        free(all);
        return out_of_memory(s);
    }
    all[0] = dst;
    memcpy(all + 1, keys, n * sizeof *all);
    db_lockset_t held;
    db_lock_keys(db, all, n + 1, 1, &held);

    /* The result replaces dst whatever it held: a fresh version, no TTL. */
    coll_t dc;
    memset(&dc, 0, sizeof dc);
    dc.key = dst;
    dc.type = TYPE_SET;
    metadata_t m;
    db_status_t st = db_read_meta(db, s, dst, &m);
    if (st == DB_IO_ERROR) goto out;
    dc.exists = st == DB_OK;
    dc.version = db_new_version(db);
    st = open_sets(db, s, keys, n, 1, sets);
    if (st != DB_OK) goto out;
    store_state_t ss = {s, &dc};
    combine_t k = {db, s, sets, n, 0, store_visit, &ss};
    st = combine_run(&k, op);
    if (st != DB_OK) goto out;
    coll_finish(s, &dc); /* an empty result deletes dst */
    st = db_commit(db, s);
    if (st == DB_OK) *stored = (long long)dc.size;
out:
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    sets_free(sets, local);
    free(all);
    return st;
}
