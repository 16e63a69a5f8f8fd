/* Element-level helpers shared by the hash and set types. */
#include "storage/coll_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"

static db_status_t out_of_memory(db_scratch_t *s) {
    snprintf(s->err.msg, sizeof s->err.msg, "out of memory");
    return DB_IO_ERROR;
}

static db_status_t iter_status(db_scratch_t *s, coll_iter_t *ci) {
    return engine_iter_error(ci->it, &s->err) == 0 ? DB_OK : DB_IO_ERROR;
}

/* ---- lookups ---- */

db_status_t coll_lookup(db_t *db, db_scratch_t *s, slice_t key, enum value_type type, const slice_t *fields,
                        size_t n, coll_lookup_fn fn, void *arg) {
    coll_t c;
    db_status_t st = coll_open_read(db, s, key, type, &c);
    if (st != DB_OK && st != DB_NOT_FOUND) return st;
    int exists = st == DB_OK;
    for (size_t i = 0; i < n; i++) {
        int found = exists ? coll_get(db, s, &c, fields[i], &s->value) : 0;
        if (found < 0) return DB_IO_ERROR;
        fn(arg, i, found, found ? slice_make(s->value.data, s->value.len) : slice_make("", 0));
    }
    return DB_OK;
}

/* ---- element writes ---- */

db_status_t coll_put_fields(db_t *db, db_scratch_t *s, slice_t key, enum value_type type, const slice_t *items,
                            size_t n, size_t step, int nx, long long *added) {
    *added = 0;
    size_t local[COLL_LOCAL_IDX];
    size_t *idx = coll_idx_alloc(n, local);
    if (!idx) return out_of_memory(s);
    /* Each distinct field is read and written once, with its last value:
     * the batch is not visible to reads, so a field named twice would
     * otherwise be counted as new twice. */
    size_t nunique = coll_unique_args(items, n, step, idx);
    db_lockset_t held;
    db_lock_key(db, key, &held);
    coll_t c;
    db_status_t st = coll_open_write(db, s, key, type, &c);
    if (st != DB_OK) goto out;
    int changed = 0;
    for (size_t i = 0; i < nunique; i++) {
        slice_t field = items[step * idx[i]];
        slice_t value = step > 1 ? items[step * idx[i] + 1] : slice_make("", 0);
        int found = c.exists ? coll_get(db, s, &c, field, &s->value) : 0;
        if (found < 0) {
            st = DB_IO_ERROR;
            goto out;
        }
        if (found && (nx || slice_eq(slice_make(s->value.data, s->value.len), value))) continue;
        if (!found) {
            c.size++;
            (*added)++;
        }
        coll_put(s, &c, field, value);
        changed = 1;
    }
    if (changed) {
        if (*added) coll_finish(s, &c); /* the metadata only changes with the size */
        st = db_commit(db, s);
    }
out:
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    coll_idx_free(idx, local);
    return st;
}

db_status_t coll_del_fields(db_t *db, db_scratch_t *s, slice_t key, enum value_type type, const slice_t *fields,
                            size_t n, long long *deleted) {
    *deleted = 0;
    size_t local[COLL_LOCAL_IDX];
    size_t *idx = coll_idx_alloc(n, local);
    if (!idx) return out_of_memory(s);
    size_t nunique = coll_unique_args(fields, n, 1, idx);
    db_lockset_t held;
    db_lock_key(db, key, &held);
    coll_t c;
    db_status_t st = coll_open_write(db, s, key, type, &c);
    if (st != DB_OK || !c.exists) goto out;
    for (size_t i = 0; i < nunique; i++) {
        int found = coll_get(db, s, &c, fields[idx[i]], &s->value);
        if (found < 0) {
            st = DB_IO_ERROR;
            goto out;
        }
        if (!found) continue;
        coll_del(s, &c, fields[idx[i]]);
        c.size--;
        (*deleted)++;
    }
    if (*deleted) {
        coll_finish(s, &c); /* deletes the key with its last element */
        st = db_commit(db, s);
    }
out:
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    coll_idx_free(idx, local);
    return st;
}

/* ---- ordered walks ---- */

db_status_t coll_scan(db_t *db, db_scratch_t *s, slice_t key, enum value_type type, slice_t start, size_t limit,
                      coll_visit_fn visit, void *arg, buf_t *next) {
    buf_clear(next);
    coll_t c;
    db_status_t st = coll_open_read(db, s, key, type, &c);
    if (st != DB_OK) return st;
    coll_iter_t ci;
    if (coll_iter_init(&ci, db, &c, CF_SUBKEYS) != 0) {
        coll_iter_fini(&ci);
        return out_of_memory(s);
    }
    if (start.len)
        coll_iter_seek(&ci, start);
    else
        coll_iter_seek_first(&ci);
    size_t examined = 0;
    for (; coll_iter_valid(&ci); coll_iter_next(&ci)) {
        if (limit && examined == limit) {
            slice_t f = coll_iter_field(&ci);
            buf_append(next, f.ptr, f.len);
            break;
        }
        examined++;
        if (visit(arg, coll_iter_field(&ci), coll_iter_value(&ci))) {
            coll_iter_next(&ci);
            if (coll_iter_valid(&ci)) {
                slice_t f = coll_iter_field(&ci);
                buf_append(next, f.ptr, f.len);
            }
            break;
        }
    }
    /* A resume point is always past a visited field, so it is never the
     * empty field and "empty" can mean "done". */
    st = iter_status(s, &ci);
    coll_iter_fini(&ci);
    return st;
}

db_status_t coll_walk(db_t *db, db_scratch_t *s, const coll_t *c, coll_visit_fn visit, void *arg) {
    coll_iter_t ci;
    if (coll_iter_init(&ci, db, c, CF_SUBKEYS) != 0) {
        coll_iter_fini(&ci);
        return out_of_memory(s);
    }
    for (coll_iter_seek_first(&ci); coll_iter_valid(&ci); coll_iter_next(&ci))
        if (visit(arg, coll_iter_field(&ci), coll_iter_value(&ci))) break;
    db_status_t st = iter_status(s, &ci);
    coll_iter_fini(&ci);
    return st;
}

/* ---- randomness ---- */

static _Thread_local uint64_t rng_state;

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rng_next(void) {
    if (rng_state == 0) {
        /* Seeded per thread from the clock and the thread's own address. */
        uint64_t seed = (uint64_t)clock_unix_us() ^ (uint64_t)(uintptr_t)&rng_state;
        rng_state = splitmix64(&seed) | 1;
    }
    /* xorshift64* */
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

uint64_t coll_random_below(uint64_t n) {
    /* Lemire's multiply-shift: no division, bias below 2^-64 * n. */
    return (uint64_t)(((unsigned __int128)rng_next() * n) >> 64);
}

/* ---- sampling ---- */

/* One uniform element: walk from the nearer end to a random index. */
static db_status_t sample_one(coll_iter_t *ci, uint64_t size, coll_visit_fn visit, void *arg, uint64_t *visited) {
    uint64_t idx = coll_random_below(size);
    if (idx < size / 2) {
        coll_iter_seek_first(ci);
        for (uint64_t i = 0; i < idx && coll_iter_valid(ci); i++) coll_iter_next(ci);
    } else {
        coll_iter_seek_last(ci);
        for (uint64_t i = size - 1; i > idx && coll_iter_valid(ci); i--) coll_iter_prev(ci);
    }
    /* The snapshot may hold fewer elements than the metadata said. */
    if (!coll_iter_valid(ci)) coll_iter_seek_first(ci);
    if (coll_iter_valid(ci)) {
        visit(arg, coll_iter_field(ci), coll_iter_value(ci));
        *visited = 1;
    }
    return DB_OK;
}

/* count distinct elements in one pass (Knuth's selection sampling,
 * algorithm S): element t of N is taken with probability
 * (still needed) / (N - t). */
static void sample_distinct(coll_iter_t *ci, uint64_t size, uint64_t count, coll_visit_fn visit, void *arg,
                            uint64_t *visited) {
    uint64_t need = count, t = 0;
    for (coll_iter_seek_first(ci); coll_iter_valid(ci) && need > 0 && t < size; coll_iter_next(ci), t++) {
        if (coll_random_below(size - t) >= need) continue;
        need--;
        (*visited)++;
        if (visit(arg, coll_iter_field(ci), coll_iter_value(ci))) break;
    }
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void put_len(buf_t *b, size_t len) {
    uint64_t v = len;
    buf_append(b, &v, sizeof v);
}

static size_t get_len(const char *p) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return (size_t)v;
}

#define NO_ELEMENT UINT64_MAX

/* count independent picks: draw the indexes, sort them so that one walk
 * finds them all, copy each distinct picked element once, then emit the
 * picks in a random permutation (a uniformly shuffled sorted sample of
 * i.i.d. picks is distributed as the unsorted one). */
static db_status_t sample_repeats(db_scratch_t *s, coll_iter_t *ci, uint64_t size, uint64_t count,
                                  coll_visit_fn visit, void *arg, uint64_t *visited) {
    uint64_t *picks = malloc((size_t)count * sizeof *picks);
    if (!picks) return out_of_memory(s);
    for (uint64_t i = 0; i < count; i++) picks[i] = coll_random_below(size);
    qsort(picks, (size_t)count, sizeof *picks, cmp_u64);
    buf_t data;
    buf_init(&data);
    uint64_t pos = 0, last_index = NO_ELEMENT, last_offset = NO_ELEMENT;
    coll_iter_seek_first(ci);
    /* picks[i] turns from an element index into the offset of its copy. */
    for (uint64_t i = 0; i < count; i++) {
        uint64_t index = picks[i];
        if (index == last_index) {
            picks[i] = last_offset;
            continue;
        }
        while (coll_iter_valid(ci) && pos < index) {
            coll_iter_next(ci);
            pos++;
        }
        last_index = index;
        if (!coll_iter_valid(ci)) {
            last_offset = picks[i] = NO_ELEMENT;
            continue;
        }
        slice_t f = coll_iter_field(ci), v = coll_iter_value(ci);
        last_offset = picks[i] = data.len;
        put_len(&data, f.len);
        buf_append(&data, f.ptr, f.len);
        put_len(&data, v.len);
        buf_append(&data, v.ptr, v.len);
    }
    for (uint64_t i = count; i > 1; i--) { /* Fisher-Yates */
        uint64_t j = coll_random_below(i);
        uint64_t tmp = picks[i - 1];
        picks[i - 1] = picks[j];
        picks[j] = tmp;
    }
    for (uint64_t i = 0; i < count; i++) {
        if (picks[i] == NO_ELEMENT) continue;
        const char *p = data.data + picks[i];
        size_t flen = get_len(p);
        slice_t f = slice_make(p + sizeof(uint64_t), flen);
        p += sizeof(uint64_t) + flen;
        slice_t v = slice_make(p + sizeof(uint64_t), get_len(p));
        (*visited)++;
        if (visit(arg, f, v)) break;
    }
    buf_fini(&data);
    free(picks);
    return DB_OK;
}

/* Above this size a uniform pick (a walk to a random index, O(N)) costs too
 * much; picks seek to a random point of the fields' range instead (O(log N),
 * close to uniform when fields are spread evenly, as counters and ids are). */
#define COLL_UNIFORM_SAMPLE_MAX 1024

/* Positions ci on a pseudo-random element: a key drawn between the first
 * and the last field (after their common prefix), then the next element,
 * wrapping to the first. */
static void seek_random(coll_iter_t *ci, buf_t *scratch) {
    coll_iter_seek_first(ci);
    if (!coll_iter_valid(ci)) return;
    buf_clear(scratch);
    slice_t first = coll_iter_field(ci);
    buf_append(scratch, first.ptr, first.len);
    coll_iter_seek_last(ci);
    if (!coll_iter_valid(ci)) return;
    slice_t last = coll_iter_field(ci);
    first = slice_make(scratch->data, scratch->len);
    size_t p = 0;
    while (p < first.len && p < last.len && first.ptr[p] == last.ptr[p]) p++;
    /* Each of the next 8 bytes is drawn between the two fields' bytes at
     * that position: text fields (digits, letters) stay inside their
     * alphabet, so the seeks spread over the elements instead of piling
     * onto the ones after each gap. */
    char target[8];
    for (size_t i = 0; i < 8; i++) {
        unsigned a = p + i < first.len ? (unsigned char)first.ptr[p + i] : 0;
        unsigned b = p + i < last.len ? (unsigned char)last.ptr[p + i] : 0;
        unsigned lo = a < b ? a : b, hi = a < b ? b : a;
        if (i == 0) lo = a, hi = b; /* first.ptr[p] < last.ptr[p] */
        target[i] = (char)(lo + (unsigned)coll_random_below((uint64_t)(hi - lo) + 1));
    }
    scratch->len = p; /* keep the common prefix */
    buf_append(scratch, target, 8);
    coll_iter_seek(ci, slice_make(scratch->data, scratch->len));
    if (!coll_iter_valid(ci)) coll_iter_seek_first(ci);
}

static db_status_t sample_seek(coll_iter_t *ci, uint64_t size, long long count, coll_visit_fn visit, void *arg,
                               uint64_t *visited) {
    buf_t scratch;
    buf_init(&scratch);
    if (count > 0) {
        /* count distinct: consecutive elements from a random start. */
        seek_random(ci, &scratch);
        uint64_t want = (uint64_t)count < size ? (uint64_t)count : size;
        for (uint64_t i = 0; i < want && coll_iter_valid(ci); i++) {
            (*visited)++;
            if (visit(arg, coll_iter_field(ci), coll_iter_value(ci))) break;
            coll_iter_next(ci);
            if (!coll_iter_valid(ci)) coll_iter_seek_first(ci);
        }
    } else {
        uint64_t picks = (uint64_t)-count;
        for (uint64_t i = 0; i < picks; i++) {
            seek_random(ci, &scratch);
            if (!coll_iter_valid(ci)) break;
            (*visited)++;
            if (visit(arg, coll_iter_field(ci), coll_iter_value(ci))) break;
        }
    }
    buf_fini(&scratch);
    return DB_OK;
}

db_status_t coll_sample(db_t *db, db_scratch_t *s, const coll_t *c, long long count, coll_visit_fn visit, void *arg,
                        uint64_t *visited) {
    uint64_t n = 0;
    if (visited) *visited = 0;
    if (count == 0 || c->size == 0) return DB_OK;
    coll_iter_t ci;
    if (coll_iter_init(&ci, db, c, CF_SUBKEYS) != 0) {
        coll_iter_fini(&ci);
        return out_of_memory(s);
    }
    db_status_t st = DB_OK;
    if (c->size > COLL_UNIFORM_SAMPLE_MAX && !(count > 0 && (uint64_t)count >= c->size)) {
        long long bounded = count < -COLL_SAMPLE_MAX_REPEATS ? -COLL_SAMPLE_MAX_REPEATS : count;
        st = sample_seek(&ci, c->size, bounded, visit, arg, &n);
    } else if (count > 0 && (uint64_t)count >= c->size) {
        /* Everything, but never more than count even if the snapshot has
         * grown past the metadata's size. */
        for (coll_iter_seek_first(&ci); coll_iter_valid(&ci) && n < (uint64_t)count; coll_iter_next(&ci)) {
            n++;
            if (visit(arg, coll_iter_field(&ci), coll_iter_value(&ci))) break;
        }
    } else if (count == 1) {
        st = sample_one(&ci, c->size, visit, arg, &n);
    } else if (count > 0) {
        sample_distinct(&ci, c->size, (uint64_t)count, visit, arg, &n);
    } else {
        uint64_t picks = count < -COLL_SAMPLE_MAX_REPEATS ? (uint64_t)COLL_SAMPLE_MAX_REPEATS : (uint64_t)-count;
        st = sample_repeats(s, &ci, c->size, picks, visit, arg, &n);
    }
    if (st == DB_OK) st = iter_status(s, &ci);
    coll_iter_fini(&ci);
    if (visited) *visited = n;
    return st;
}

/* ---- argument de-duplication ---- */

struct unique_ctx {
    const slice_t *items;
    size_t step;
};

static int cmp_arg_index(const void *a, const void *b, void *arg) {
    const struct unique_ctx *u = arg;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    slice_t x = u->items[i * u->step], y = u->items[j * u->step];
    size_t m = x.len < y.len ? x.len : y.len;
    int c = m ? memcmp(x.ptr, y.ptr, m) : 0;
    if (c) return c;
    if (x.len != y.len) return x.len < y.len ? -1 : 1;
    return i < j ? -1 : i > j;
}

size_t coll_unique_args(const slice_t *items, size_t n, size_t step, size_t *idx) {
    for (size_t i = 0; i < n; i++) idx[i] = i;
    struct unique_ctx u = {items, step};
    qsort_r(idx, n, sizeof *idx, cmp_arg_index, &u);
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && slice_eq(items[idx[i] * step], items[idx[i + 1] * step])) continue;
        idx[out++] = idx[i];
    }
    return out;
}

size_t *coll_idx_alloc(size_t n, size_t *local) {
    return n <= COLL_LOCAL_IDX ? local : malloc(n * sizeof(size_t));
}

void coll_idx_free(size_t *idx, size_t *local) {
    if (idx != local) free(idx);
}
