/* Sorted sets: a member -> score map in the subkeys family and a
 * [score][member] index in the zset_score family (zset_encoding.h). */
#include "storage/db_zset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/collection.h"
#include "storage/zset_encoding.h"
#include "util/strutil.h"

static db_status_t out_of_memory(db_scratch_t *s) {
    snprintf(s->err.msg, sizeof s->err.msg, "out of memory");
    return DB_IO_ERROR;
}

static db_status_t corrupt(db_scratch_t *s) {
    snprintf(s->err.msg, sizeof s->err.msg, "corrupt sorted set element");
    return DB_IO_ERROR;
}

static db_status_t iter_status(db_scratch_t *s, coll_iter_t *ci) {
    return coll_iter_error(ci, &s->err) == 0 ? DB_OK : DB_IO_ERROR;
}

/* 0, or -1 (nothing to finish) when the iterator cannot be made. */
static int open_iter(db_t *db, const coll_t *c, enum engine_cf cf, coll_iter_t *ci) {
    return coll_iter_init(ci, db, c, cf);
}

static int slice_cmp(slice_t a, slice_t b) {
    size_t m = a.len < b.len ? a.len : b.len;
    int c = m ? memcmp(a.ptr, b.ptr, m) : 0;
    if (c) return c;
    return a.len < b.len ? -1 : a.len > b.len;
}

void zrange_spec_init(zrange_spec_t *spec) {
    memset(spec, 0, sizeof *spec);
    spec->by = ZRANGE_BY_RANK;
    spec->stop = -1;
    spec->limit = -1;
}

/* ---- a list of elements held in memory ---- */

typedef struct zent {
    size_t off, len;
    double score;
} zent_t;

typedef struct zlist {
    buf_t bytes; /* the members, back to back */
    zent_t *ents;
    size_t n, cap;
} zlist_t;

static void zlist_init(zlist_t *l) {
    memset(l, 0, sizeof *l);
    buf_init(&l->bytes);
}

static void zlist_fini(zlist_t *l) {
    buf_fini(&l->bytes);
    free(l->ents);
}

static int zlist_add(zlist_t *l, slice_t member, double score) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        zent_t *e = realloc(l->ents, cap * sizeof *e);
        if (!e) return -1;
        l->ents = e;
        l->cap = cap;
    }
    if (buf_reserve(&l->bytes, member.len) != 0) return -1;
    l->ents[l->n].off = l->bytes.len;
    l->ents[l->n].len = member.len;
    l->ents[l->n].score = score;
    l->n++;
    buf_append(&l->bytes, member.ptr, member.len);
    return 0;
}

static slice_t zlist_member(const zlist_t *l, size_t i) {
    return slice_make(l->bytes.data + l->ents[i].off, l->ents[i].len);
}

static int zlist_add_visit(void *arg, slice_t member, double score) {
    zlist_t *l = arg;
    return zlist_add(l, member, score) == 0 ? 0 : -1;
}

static int cmp_zent(const void *a, const void *b, void *arg) {
    const zlist_t *l = arg;
    const zent_t *x = a, *y = b;
    if (x->score < y->score) return -1;
    if (x->score > y->score) return 1;
    return slice_cmp(slice_make(l->bytes.data + x->off, x->len), slice_make(l->bytes.data + y->off, y->len));
}

/* Sorts by score, then member: the order of a sorted set. */
static void zlist_sort(zlist_t *l) {
    if (l->n > 1) qsort_r(l->ents, l->n, sizeof *l->ents, cmp_zent, l);
}

static void zlist_shuffle(zlist_t *l) {
    for (size_t i = l->n; i > 1; i--) {
        size_t j = (size_t)coll_random_below(i);
        zent_t t = l->ents[i - 1];
        l->ents[i - 1] = l->ents[j];
        l->ents[j] = t;
    }
}

static void zlist_visit(const zlist_t *l, int reverse, zset_visit_fn visit, void *arg) {
    for (size_t k = 0; k < l->n; k++) {
        size_t i = reverse ? l->n - 1 - k : k;
        if (visit(arg, zlist_member(l, i), l->ents[i].score)) break;
    }
}

/* ---- elements ---- */

/* Reads member's score: 1 found, 0 absent, -1 error (s->err set). */
static int get_score(db_t *db, db_scratch_t *s, const coll_t *c, slice_t member, double *score) {
    int found = coll_get(db, s, c, member, &s->value);
    if (found <= 0) return found;
    if (zset_score_value_decode(slice_make(s->value.data, s->value.len), score) != 0) {
        corrupt(s);
        return -1;
    }
    return 1;
}

/* Queues both records of an element. member must not live in s->aux or
 * s->key (the collection writers use them). */
static void put_element(db_scratch_t *s, const coll_t *c, slice_t member, double score) {
    char v[ZSET_SCORE_LEN];
    zset_score_encode(v, score);
    coll_put(s, c, member, slice_make(v, sizeof v));
    buf_clear(&s->aux);
    zset_index_encode(&s->aux, score, member);
    coll_put_cf(s, c, CF_ZSET_SCORE, slice_make(s->aux.data, s->aux.len), slice_make("", 0));
}

static void del_index(db_scratch_t *s, const coll_t *c, slice_t member, double score) {
    buf_clear(&s->aux);
    zset_index_encode(&s->aux, score, member);
    coll_del_cf(s, c, CF_ZSET_SCORE, slice_make(s->aux.data, s->aux.len));
}

static void del_element(db_scratch_t *s, coll_t *c, slice_t member, double score) {
    coll_del(s, c, member);
    del_index(s, c, member, score);
}

/* ---- ZADD ---- */

struct member_order {
    const slice_t *members;
    size_t step;
};

/* By member bytes, then argument position (so a member named twice keeps
 * its updates in command order). */
static int cmp_member_then_index(const void *a, const void *b, void *arg) {
    const struct member_order *o = arg;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = slice_cmp(o->members[i * o->step], o->members[j * o->step]);
    if (c) return c;
    return i < j ? -1 : i > j;
}

db_status_t db_zset_add(db_t *db, db_scratch_t *s, slice_t key, unsigned flags, const double *scores,
                        const slice_t *members, size_t step, size_t n, zadd_result_t *res) {
    memset(res, 0, sizeof *res);
    size_t local[COLL_LOCAL_IDX];
    size_t *idx = coll_idx_alloc(n, local);
    if (!idx) return out_of_memory(s);
    for (size_t i = 0; i < n; i++) idx[i] = i;
    /* The batch is not visible to reads, so the occurrences of one member
     * are grouped and applied to an in-memory state, then written once. */
    struct member_order order = {members, step};
    if (n > 1) qsort_r(idx, n, sizeof *idx, cmp_member_then_index, &order);
    db_lockset_t held;
    db_lock_key(db, key, &held);
    coll_t c;
    db_status_t st = coll_open_write(db, s, key, TYPE_ZSET, &c);
    if (st != DB_OK || (!c.exists && (flags & ZADD_XX))) goto out;
    int dirty = 0;
    for (size_t g = 0, end; g < n; g = end) {
        slice_t member = members[idx[g] * step];
        for (end = g + 1; end < n && slice_eq(members[idx[end] * step], member);) end++;
        double orig = 0;
        int orig_found = c.exists ? get_score(db, s, &c, member, &orig) : 0;
        if (orig_found < 0) {
            st = DB_IO_ERROR;
            goto out;
        }
        int found = orig_found;
        double cur = orig;
        for (size_t k = g; k < end; k++) { /* Redis's zsetAdd, element by element */
            double score = scores[idx[k]];
            if (found) {
                if (flags & ZADD_NX) continue;
                if (flags & ZADD_INCR) {
                    score += cur;
                    if (isnan(score)) {
                        st = DB_NAN;
                        goto out;
                    }
                }
                if (((flags & ZADD_LT) && score >= cur) || ((flags & ZADD_GT) && score <= cur)) continue;
                res->processed++;
                res->score = score;
                if (score != cur) {
                    res->updated++;
                    cur = score;
                }
            } else {
                if (flags & ZADD_XX) continue;
                found = 1;
                cur = score;
                res->added++;
                res->processed++;
                res->score = score;
            }
        }
        if (!found || (orig_found && cur == orig)) continue;
        if (orig_found)
            del_index(s, &c, member, orig);
        else
            c.size++;
        put_element(s, &c, member, cur);
        dirty = 1;
    }
    if (dirty) {
        coll_finish(s, &c);
        st = db_commit(db, s);
    }
out:
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    coll_idx_free(idx, local);
    return st;
}

/* ---- ZREM ---- */

db_status_t db_zset_remove(db_t *db, db_scratch_t *s, slice_t key, const slice_t *members, size_t n,
                           long long *removed) {
    *removed = 0;
    size_t local[COLL_LOCAL_IDX];
    size_t *idx = coll_idx_alloc(n, local);
    if (!idx) return out_of_memory(s);
    size_t nunique = coll_unique_args(members, n, 1, idx);
    db_lockset_t held;
    db_lock_key(db, key, &held);
    coll_t c;
    db_status_t st = coll_open_write(db, s, key, TYPE_ZSET, &c);
    if (st != DB_OK || !c.exists) goto out;
    for (size_t i = 0; i < nunique; i++) {
        slice_t member = members[idx[i]];
        double score;
        int found = get_score(db, s, &c, member, &score);
        if (found < 0) {
            st = DB_IO_ERROR;
            goto out;
        }
        if (!found) continue;
        del_element(s, &c, member, score);
        c.size--;
        (*removed)++;
    }
    if (*removed) {
        coll_finish(s, &c);
        st = db_commit(db, s);
    }
out:
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    coll_idx_free(idx, local);
    return st;
}

/* ---- range walks ---- */

static int score_gte_min(double v, const zscore_range_t *r) { return r->minex ? v > r->min : v >= r->min; }
static int score_lte_max(double v, const zscore_range_t *r) { return r->maxex ? v < r->max : v <= r->max; }

static int score_range_empty(const zscore_range_t *r) {
    return r->min > r->max || (r->min == r->max && (r->minex || r->maxex));
}

/* Orders a value against a bound (Redis's sdscmplex with its min and max
 * strings). */
static int lex_cmp_bound(slice_t v, const zlex_bound_t *b) {
    if (b->inf) return -b->inf;
    return slice_cmp(v, b->value);
}

static int lex_gte_min(slice_t v, const zlex_range_t *r) {
    int c = lex_cmp_bound(v, &r->min);
    return r->min.exclusive ? c > 0 : c >= 0;
}

static int lex_lte_max(slice_t v, const zlex_range_t *r) {
    int c = lex_cmp_bound(v, &r->max);
    return r->max.exclusive ? c < 0 : c <= 0;
}

static int lex_range_empty(const zlex_range_t *r) {
    const zlex_bound_t *a = &r->min, *b = &r->max;
    int c;
    if (a->inf && a->inf == b->inf)
        c = 0;
    else if (a->inf < 0 || b->inf > 0)
        c = -1;
    else if (a->inf > 0 || b->inf < 0)
        c = 1;
    else
        c = slice_cmp(a->value, b->value);
    return c > 0 || (c == 0 && (a->exclusive || b->exclusive));
}

/* LIMIT bookkeeping shared by the score and lex walks. */
typedef struct limiter {
    long long skip, left; /* left < 0: unlimited */
} limiter_t;

/* 1: visit this element; 0: skip it; -1: stop. */
static int limiter_take(limiter_t *l) {
    if (l->skip > 0) {
        l->skip--;
        return 0;
    }
    if (l->left == 0) return -1;
    if (l->left > 0) l->left--;
    return 1;
}

/* Decodes the index entry under ci. */
static int index_entry(coll_iter_t *ci, double *score, slice_t *member) {
    return zset_index_decode(coll_iter_field(ci), score, member);
}

/* Positions ci on the last index entry with a score <= max (< max when
 * exclusive). */
static void seek_index_last_le(coll_iter_t *ci, double max, int exclusive) {
    if (isinf(max) && max > 0 && !exclusive) {
        coll_iter_seek_last(ci);
        return;
    }
    char target[ZSET_SCORE_LEN];
    zset_index_seek_target(target, max, !exclusive);
    coll_iter_seek(ci, slice_make(target, sizeof target));
    /* Invalid here means past the collection's last entry. */
    if (coll_iter_valid(ci))
        coll_iter_prev(ci);
    else
        coll_iter_seek_last(ci);
}

static db_status_t walk_score(db_t *db, db_scratch_t *s, const coll_t *c, const zrange_spec_t *spec,
                              zset_visit_fn visit, void *arg) {
    const zscore_range_t *r = &spec->score;
    if (score_range_empty(r) || spec->offset < 0) return DB_OK;
    coll_iter_t ci;
    if (open_iter(db, c, CF_ZSET_SCORE, &ci) != 0) return out_of_memory(s);
    limiter_t lim = {spec->offset, spec->limit};
    db_status_t st = DB_OK;
    if (!spec->rev) {
        if (isinf(r->min) && r->min < 0 && !r->minex) {
            coll_iter_seek_first(&ci);
        } else {
            char target[ZSET_SCORE_LEN];
            zset_index_seek_target(target, r->min, r->minex);
            coll_iter_seek(&ci, slice_make(target, sizeof target));
        }
    } else {
        seek_index_last_le(&ci, r->max, r->maxex);
    }
    for (; coll_iter_valid(&ci); spec->rev ? coll_iter_prev(&ci) : coll_iter_next(&ci)) {
        double score;
        slice_t member;
        if (index_entry(&ci, &score, &member) != 0) {
            st = corrupt(s);
            break;
        }
        if (!score_gte_min(score, r)) {
            if (spec->rev) break;
            continue;
        }
        if (!score_lte_max(score, r)) {
            if (!spec->rev) break;
            continue;
        }
        int t = limiter_take(&lim);
        if (t < 0) break;
        if (t > 0 && visit(arg, member, score)) break;
    }
    if (st == DB_OK) st = iter_status(s, &ci);
    coll_iter_fini(&ci);
    return st;
}

static db_status_t walk_lex(db_t *db, db_scratch_t *s, const coll_t *c, const zrange_spec_t *spec,
                            zset_visit_fn visit, void *arg) {
    /* Lex ranges walk the member-ordered family: with equal scores (the
     * case Redis defines) that is the order of the sorted set. */
    const zlex_range_t *r = &spec->lex;
    if (lex_range_empty(r) || spec->offset < 0) return DB_OK;
    coll_iter_t ci;
    if (open_iter(db, c, CF_SUBKEYS, &ci) != 0) return out_of_memory(s);
    limiter_t lim = {spec->offset, spec->limit};
    db_status_t st = DB_OK;
    if (!spec->rev) {
        if (r->min.inf)
            coll_iter_seek_first(&ci);
        else
            coll_iter_seek(&ci, r->min.value);
    } else if (r->max.inf) {
        coll_iter_seek_last(&ci);
    } else {
        coll_iter_seek(&ci, r->max.value);
        if (!coll_iter_valid(&ci))
            coll_iter_seek_last(&ci);
        else if (!lex_lte_max(coll_iter_field(&ci), r))
            coll_iter_prev(&ci);
    }
    for (; coll_iter_valid(&ci); spec->rev ? coll_iter_prev(&ci) : coll_iter_next(&ci)) {
        slice_t member = coll_iter_field(&ci);
        if (!lex_gte_min(member, r)) {
            if (spec->rev) break;
            continue;
        }
        if (!lex_lte_max(member, r)) {
            if (!spec->rev) break;
            continue;
        }
        int t = limiter_take(&lim);
        if (t < 0) break;
        if (t == 0) continue;
        double score;
        if (zset_score_value_decode(coll_iter_value(&ci), &score) != 0) {
            st = corrupt(s);
            break;
        }
        if (visit(arg, member, score)) break;
    }
    if (st == DB_OK) st = iter_status(s, &ci);
    coll_iter_fini(&ci);
    return st;
}

/* Redis's clamping of rank ranges. Returns 0 when the range is empty. */
static int normalize_ranks(long long size, long long *start, long long *stop) {
    if (*start < 0) *start += size;
    if (*stop < 0) *stop += size;
    if (*start < 0) *start = 0;
    if (*start > *stop || *start >= size) return 0;
    if (*stop >= size) *stop = size - 1;
    return 1;
}

/* Visits positions first..last (0-based, in score order) ascending, or
 * descending when rev. The walk starts from the nearer end of the index;
 * when that end is the wrong one for the visiting order, the elements are
 * collected first and visited in reverse. */
static db_status_t walk_positions(db_t *db, db_scratch_t *s, const coll_t *c, uint64_t first, uint64_t last,
                                  int rev, zset_visit_fn visit, void *arg) {
    uint64_t size = c->size, count = last - first + 1;
    int from_back = size - 1 - last < first;
    coll_iter_t ci;
    if (open_iter(db, c, CF_ZSET_SCORE, &ci) != 0) return out_of_memory(s);
    uint64_t skip = from_back ? size - 1 - last : first;
    if (from_back)
        coll_iter_seek_last(&ci);
    else
        coll_iter_seek_first(&ci);
    for (uint64_t i = 0; i < skip && coll_iter_valid(&ci); i++) from_back ? coll_iter_prev(&ci) : coll_iter_next(&ci);
    int collect = from_back != rev;
    zlist_t l;
    zlist_init(&l);
    db_status_t st = DB_OK;
    for (uint64_t i = 0; i < count && coll_iter_valid(&ci); i++) {
        double score;
        slice_t member;
        if (index_entry(&ci, &score, &member) != 0) {
            st = corrupt(s);
            break;
        }
        if (collect) {
            if (zlist_add(&l, member, score) != 0) {
                st = out_of_memory(s);
                break;
            }
        } else if (visit(arg, member, score)) {
            break;
        }
        from_back ? coll_iter_prev(&ci) : coll_iter_next(&ci);
    }
    if (st == DB_OK) st = iter_status(s, &ci);
    coll_iter_fini(&ci);
    if (st == DB_OK && collect) zlist_visit(&l, 1, visit, arg);
    zlist_fini(&l);
    return st;
}

static db_status_t walk_rank(db_t *db, db_scratch_t *s, const coll_t *c, const zrange_spec_t *spec,
                             zset_visit_fn visit, void *arg) {
    long long start = spec->start, stop = spec->stop;
    if (c->size == 0 || !normalize_ranks((long long)c->size, &start, &stop)) return DB_OK;
    uint64_t size = c->size;
    if (!spec->rev) return walk_positions(db, s, c, (uint64_t)start, (uint64_t)stop, 0, visit, arg);
    /* Reverse rank r is position size - 1 - r. */
    return walk_positions(db, s, c, size - 1 - (uint64_t)stop, size - 1 - (uint64_t)start, 1, visit, arg);
}

static db_status_t walk_range(db_t *db, db_scratch_t *s, const coll_t *c, const zrange_spec_t *spec,
                              zset_visit_fn visit, void *arg) {
    switch (spec->by) {
    case ZRANGE_BY_SCORE: return walk_score(db, s, c, spec, visit, arg);
    case ZRANGE_BY_LEX: return walk_lex(db, s, c, spec, visit, arg);
    case ZRANGE_BY_RANK: break;
    }
    return walk_rank(db, s, c, spec, visit, arg);
}

db_status_t db_zset_range(db_t *db, db_scratch_t *s, slice_t key, const zrange_spec_t *spec, zset_visit_fn visit,
                          void *arg) {
    coll_t c;
    db_status_t st = coll_open_read(db, s, key, TYPE_ZSET, &c);
    if (st != DB_OK) return st;
    return walk_range(db, s, &c, spec, visit, arg);
}

static int count_visit(void *arg, slice_t member, double score) {
    (void)member;
    (void)score;
    (*(uint64_t *)arg)++;
    return 0;
}

db_status_t db_zset_count(db_t *db, db_scratch_t *s, slice_t key, const zscore_range_t *range, uint64_t *count) {
    zrange_spec_t spec;
    zrange_spec_init(&spec);
    spec.by = ZRANGE_BY_SCORE;
    spec.score = *range;
    *count = 0;
    db_status_t st = db_zset_range(db, s, key, &spec, count_visit, count);
    return st == DB_NOT_FOUND ? DB_OK : st;
}

db_status_t db_zset_lexcount(db_t *db, db_scratch_t *s, slice_t key, const zlex_range_t *range, uint64_t *count) {
    zrange_spec_t spec;
    zrange_spec_init(&spec);
    spec.by = ZRANGE_BY_LEX;
    spec.lex = *range;
    *count = 0;
    db_status_t st = db_zset_range(db, s, key, &spec, count_visit, count);
    return st == DB_NOT_FOUND ? DB_OK : st;
}

/* ---- removal by range and pops ---- */

typedef struct remover {
    db_scratch_t *s;
    coll_t *c;
    long long removed;
} remover_t;

static int remove_visit(void *arg, slice_t member, double score) {
    remover_t *rm = arg;
    del_element(rm->s, rm->c, member, score);
    rm->c->size--;
    rm->removed++;
    return 0;
}

db_status_t db_zset_remove_range(db_t *db, db_scratch_t *s, slice_t key, const zrange_spec_t *spec,
                                 long long *removed) {
    *removed = 0;
    zrange_spec_t all = *spec;
    all.rev = 0;
    all.offset = 0;
    all.limit = -1;
    db_lockset_t held;
    db_lock_key(db, key, &held);
    coll_t c;
    db_status_t st = coll_open_write(db, s, key, TYPE_ZSET, &c);
    if (st != DB_OK || !c.exists) goto out;
    remover_t rm = {s, &c, 0};
    st = walk_range(db, s, &c, &all, remove_visit, &rm);
    if (st == DB_OK && rm.removed) {
        coll_finish(s, &c);
        st = db_commit(db, s);
        if (st == DB_OK) *removed = rm.removed;
    }
out:
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    return st;
}

db_status_t db_zset_pop(db_t *db, db_scratch_t *s, slice_t key, int max, long long count, zset_visit_fn visit,
                        void *arg) {
    db_lockset_t held;
    db_lock_key(db, key, &held);
    coll_t c;
    db_status_t st = coll_open_write(db, s, key, TYPE_ZSET, &c);
    if (st != DB_OK) goto out;
    if (!c.exists) {
        st = DB_NOT_FOUND;
        goto out;
    }
    if (count <= 0) goto out;
    coll_iter_t ci;
    if (open_iter(db, &c, CF_ZSET_SCORE, &ci) != 0) {
        st = out_of_memory(s);
        goto out;
    }
    if (max)
        coll_iter_seek_last(&ci);
    else
        coll_iter_seek_first(&ci);
    long long popped = 0;
    for (; popped < count && coll_iter_valid(&ci); max ? coll_iter_prev(&ci) : coll_iter_next(&ci)) {
        double score;
        slice_t member;
        if (index_entry(&ci, &score, &member) != 0) {
            st = corrupt(s);
            break;
        }
        del_element(s, &c, member, score);
        c.size--;
        popped++;
        if (visit(arg, member, score)) break;
    }
    if (st == DB_OK) st = iter_status(s, &ci);
    coll_iter_fini(&ci);
    if (st == DB_OK && popped) {
        coll_finish(s, &c);
        st = db_commit(db, s);
    }
out:
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    return st;
}

/* ---- point reads ---- */

db_status_t db_zset_card(db_t *db, db_scratch_t *s, slice_t key, uint64_t *card) {
    coll_t c;
    *card = 0;
    db_status_t st = coll_open_read(db, s, key, TYPE_ZSET, &c);
    if (st == DB_OK) *card = c.size;
    return st == DB_NOT_FOUND ? DB_OK : st;
}

db_status_t db_zset_score(db_t *db, db_scratch_t *s, slice_t key, slice_t member, double *score) {
    coll_t c;
    db_status_t st = coll_open_read(db, s, key, TYPE_ZSET, &c);
    if (st != DB_OK) return st;
    int found = get_score(db, s, &c, member, score);
    return found < 0 ? DB_IO_ERROR : found ? DB_OK : DB_NOT_FOUND;
}

db_status_t db_zset_mscore(db_t *db, db_scratch_t *s, slice_t key, const slice_t *members, size_t n,
                           zset_score_fn fn, void *arg) {
    coll_t c;
    db_status_t st = coll_open_read(db, s, key, TYPE_ZSET, &c);
    if (st != DB_OK && st != DB_NOT_FOUND) return st;
    int exists = st == DB_OK;
    for (size_t i = 0; i < n; i++) {
        double score = 0;
        int found = exists ? get_score(db, s, &c, members[i], &score) : 0;
        if (found < 0) return DB_IO_ERROR;
        fn(arg, i, found, score);
    }
    return DB_OK;
}

db_status_t db_zset_rank(db_t *db, db_scratch_t *s, slice_t key, slice_t member, int rev, long long *rank,
                         double *score) {
    coll_t c;
    db_status_t st = coll_open_read(db, s, key, TYPE_ZSET, &c);
    if (st != DB_OK) return st;
    int found = get_score(db, s, &c, member, score);
    if (found <= 0) return found < 0 ? DB_IO_ERROR : DB_NOT_FOUND;
    buf_t target;
    buf_init(&target);
    zset_index_encode(&target, *score, member);
    slice_t t = slice_make(target.data, target.len);
    coll_iter_t ci;
    if (open_iter(db, &c, CF_ZSET_SCORE, &ci) != 0) {
        buf_fini(&target);
        return out_of_memory(s);
    }
    /* No rank index: count the entries on the member's side. */
    long long n = 0;
    if (rev)
        coll_iter_seek_last(&ci);
    else
        coll_iter_seek_first(&ci);
    int cmp = 1;
    for (; coll_iter_valid(&ci); rev ? coll_iter_prev(&ci) : coll_iter_next(&ci), n++) {
        cmp = slice_cmp(coll_iter_field(&ci), t);
        if (rev ? cmp <= 0 : cmp >= 0) break;
    }
    st = iter_status(s, &ci);
    if (st == DB_OK && (!coll_iter_valid(&ci) || cmp != 0)) st = DB_NOT_FOUND; /* removed meanwhile */
    coll_iter_fini(&ci);
    buf_fini(&target);
    *rank = n;
    return st;
}

/* ---- storing a result ---- */

/* Replaces dst (held locked, of any type) with the elements of l, whose
 * members are distinct; an empty l deletes dst. */
static db_status_t store_zlist(db_t *db, db_scratch_t *s, slice_t dst, const zlist_t *l) {
    if (l->n == 0) {
        db_batch_delete_key(s, dst);
        return db_commit(db, s);
    }
    /* A fresh version: whatever dst held dies with its old one. */
    coll_t c;
    memset(&c, 0, sizeof c);
    c.key = dst;
    c.type = TYPE_ZSET;
    c.exists = 1;
    c.version = db_new_version(db);
    c.size = l->n;
    for (size_t i = 0; i < l->n; i++) put_element(s, &c, zlist_member(l, i), l->ents[i].score);
    coll_finish(s, &c);
    return db_commit(db, s);
}

db_status_t db_zset_range_store(db_t *db, db_scratch_t *s, slice_t dst, slice_t src, const zrange_spec_t *spec,
                                uint64_t *stored) {
    *stored = 0;
    slice_t keys[2] = {dst, src};
    db_lockset_t held;
    db_lock_keys(db, keys, 2, 1, &held);
    zlist_t l;
    zlist_init(&l);
    coll_t c;
    db_status_t st = coll_open_write(db, s, src, TYPE_ZSET, &c);
    if (st == DB_OK && c.exists) st = walk_range(db, s, &c, spec, zlist_add_visit, &l);
    if (st == DB_OK) {
        st = store_zlist(db, s, dst, &l);
        if (st == DB_OK) *stored = l.n;
    }
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    zlist_fini(&l);
    return st;
}

/* ---- random members and scans ---- */

typedef struct value_visitor {
    zset_visit_fn visit;
    void *arg;
    zlist_t *collect; /* when set, elements go here instead */
    int corrupt;
} value_visitor_t;

/* Turns a subkeys-family element (member, 8-byte score) into a visit. */
static int value_visit(void *arg, slice_t member, slice_t value) {
    value_visitor_t *v = arg;
    double score;
    if (zset_score_value_decode(value, &score) != 0) {
        v->corrupt = 1;
        return 1;
    }
    if (v->collect) return zlist_add(v->collect, member, score) == 0 ? 0 : (v->corrupt = 2);
    return v->visit(v->arg, member, score);
}

db_status_t db_zset_random(db_t *db, db_scratch_t *s, slice_t key, long long count, zset_visit_fn visit, void *arg) {
    coll_t c;
    db_status_t st = coll_open_read(db, s, key, TYPE_ZSET, &c);
    if (st != DB_OK) return st;
    zlist_t l;
    zlist_init(&l);
    /* Distinct picks come out of coll_sample in member order: shuffle
     * them, as Redis's reply is in no particular order. */
    value_visitor_t v = {visit, arg, count > 1 ? &l : NULL, 0};
    st = coll_sample(db, s, &c, count, value_visit, &v, NULL);
    if (st == DB_OK && v.corrupt) st = v.corrupt == 2 ? out_of_memory(s) : corrupt(s);
    if (st == DB_OK && v.collect) {
        zlist_shuffle(&l);
        zlist_visit(&l, 0, visit, arg);
    }
    zlist_fini(&l);
    return st;
}

typedef struct scan_visitor {
    coll_visit_fn visit;
    void *arg;
} scan_visitor_t;

static int scan_value_visit(void *arg, slice_t member, slice_t value) {
    scan_visitor_t *v = arg;
    double score;
    if (zset_score_value_decode(value, &score) != 0) return v->visit(v->arg, member, value);
    char text[64];
    size_t n = double_to_str(text, sizeof text, score);
    return v->visit(v->arg, member, slice_make(text, n));
}

db_status_t db_zset_scan(db_t *db, db_scratch_t *s, slice_t key, slice_t start, size_t limit, coll_visit_fn visit,
                         void *arg, buf_t *next) {
    scan_visitor_t v = {visit, arg};
    return coll_scan(db, s, key, TYPE_ZSET, start, limit, scan_value_visit, &v, next);
}

/* ---- set operations ---- */

typedef struct zinput {
    coll_t c;
    int exists;
    int is_set; /* a plain set: every member scores 1 */
    double weight;
    coll_iter_t it;
    int has_iter;
} zinput_t;

/* Opens one input: a sorted set or a set. Under the inputs' locks (locked)
 * the metadata is read without the lazy-expiry path, which would take the
 * lock again. */
static db_status_t open_input(db_t *db, db_scratch_t *s, slice_t key, int locked, zinput_t *in) {
    static const enum value_type types[] = {TYPE_ZSET, TYPE_SET};
    db_status_t st = DB_WRONGTYPE;
    for (size_t t = 0; t < 2 && st == DB_WRONGTYPE; t++) {
        st = locked ? coll_open_write(db, s, key, types[t], &in->c) : coll_open_read(db, s, key, types[t], &in->c);
        in->is_set = types[t] == TYPE_SET;
    }
    if (st == DB_NOT_FOUND) st = DB_OK;
    in->exists = st == DB_OK && in->c.exists;
    return st;
}

/* The score of the element under an input's iterator, or of a looked-up
 * value. */
static int input_score(const zinput_t *in, slice_t value, double *score) {
    if (in->is_set) {
        *score = 1.0;
        return 0;
    }
    return zset_score_value_decode(value, score);
}

/* Looks member up in an input: 1 found (*score set), 0 absent, -1 error. */
static int input_find(db_t *db, db_scratch_t *s, const zinput_t *in, slice_t member, double *score) {
    if (!in->exists) return 0;
    int found = coll_get(db, s, &in->c, member, &s->value);
    if (found <= 0) return found;
    if (input_score(in, slice_make(s->value.data, s->value.len), score) != 0) {
        corrupt(s);
        return -1;
    }
    return 1;
}

static double aggregate(double acc, double v, enum zset_aggregate agg) {
    switch (agg) {
    case ZSET_AGG_MIN: return v < acc ? v : acc;
    case ZSET_AGG_MAX: return v > acc ? v : acc;
    case ZSET_AGG_SUM: break;
    }
    acc += v;
    return isnan(acc) ? 0.0 : acc; /* inf + -inf: Redis's convention is 0 */
}

static double weighted(double score, double weight) {
    double v = score * weight;
    return isnan(v) ? 0.0 : v; /* inf * 0 */
}

typedef struct setop {
    db_t *db;
    db_scratch_t *s;
    const zset_setop_spec_t *spec;
    zinput_t *in;
    size_t *order; /* Redis's aggregation order: by size, then position */
    size_t n;
} setop_t;

static int cmp_input_size(const void *a, const void *b, void *arg) {
    const zinput_t *in = arg;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    uint64_t x = in[i].exists ? in[i].c.size : 0, y = in[j].exists ? in[j].c.size : 0;
    if (x != y) return x < y ? -1 : 1;
    return i < j ? -1 : i > j;
}

static void setop_fini(setop_t *op) {
    for (size_t i = 0; i < op->n; i++)
        if (op->in[i].has_iter) coll_iter_fini(&op->in[i].it);
    free(op->in);
    free(op->order);
}

static db_status_t setop_open(setop_t *op, db_t *db, db_scratch_t *s, const zset_setop_spec_t *spec, int locked) {
    memset(op, 0, sizeof *op);
    op->db = db;
    op->s = s;
    op->spec = spec;
    op->in = calloc(spec->nkeys, sizeof *op->in);
    op->order = calloc(spec->nkeys, sizeof *op->order);
    if (!op->in || !op->order) return out_of_memory(s);
    op->n = spec->nkeys;
    for (size_t i = 0; i < op->n; i++) {
        db_status_t st = open_input(db, s, spec->keys[i], locked, &op->in[i]);
        if (st != DB_OK) return st;
        op->in[i].weight = spec->weights ? spec->weights[i] : 1.0;
        op->order[i] = i;
    }
    /* DIFF keeps the first input first; the others follow Redis, which
     * sorts its inputs by size (so SUM adds in that order). */
    if (spec->op != ZSET_DIFF) qsort_r(op->order, op->n, sizeof *op->order, cmp_input_size, op->in);
    return DB_OK;
}

static db_status_t setop_iter(setop_t *op, size_t i) {
    zinput_t *in = &op->in[i];
    if (open_iter(op->db, &in->c, CF_SUBKEYS, &in->it) != 0) return out_of_memory(op->s);
    in->has_iter = 1;
    coll_iter_seek_first(&in->it);
    return DB_OK;
}

/* UNION: a merge of the member-ordered inputs. */
static db_status_t setop_union(setop_t *op, zset_visit_fn visit, void *arg) {
    db_status_t st = DB_OK;
    for (size_t i = 0; i < op->n && st == DB_OK; i++)
        if (op->in[i].exists) st = setop_iter(op, i);
    buf_t cur;
    buf_init(&cur);
    while (st == DB_OK) {
        slice_t min = {NULL, 0};
        for (size_t i = 0; i < op->n; i++) {
            zinput_t *in = &op->in[i];
            if (!in->has_iter || !coll_iter_valid(&in->it)) continue;
            slice_t f = coll_iter_field(&in->it);
            if (!min.ptr || slice_cmp(f, min) < 0) min = f;
        }
        if (!min.ptr) break;
        buf_clear(&cur);
        buf_append(&cur, min.ptr, min.len);
        slice_t member = slice_make(cur.data, cur.len);
        double acc = 0;
        int first = 1;
        for (size_t k = 0; k < op->n; k++) {
            zinput_t *in = &op->in[op->order[k]];
            if (!in->has_iter || !coll_iter_valid(&in->it) || !slice_eq(coll_iter_field(&in->it), member)) continue;
            double score;
            if (input_score(in, coll_iter_value(&in->it), &score) != 0) {
                st = corrupt(op->s);
                break;
            }
            double v = weighted(score, in->weight);
            acc = first ? v : aggregate(acc, v, op->spec->aggregate);
            first = 0;
            coll_iter_next(&in->it);
        }
        if (st == DB_OK && visit(arg, member, acc)) break;
    }
    for (size_t i = 0; i < op->n && st == DB_OK; i++)
        if (op->in[i].has_iter) st = iter_status(op->s, &op->in[i].it);
    buf_fini(&cur);
    return st;
}

/* INTER: walk the smallest input, look the others up (Redis's algorithm:
 * the first score is weighted with inf * 0 read as 0, the others are
 * aggregated as they come). limit > 0 stops after that many matches. */
static db_status_t setop_inter(setop_t *op, uint64_t limit, zset_visit_fn visit, void *arg) {
    for (size_t i = 0; i < op->n; i++)
        if (!op->in[i].exists) return DB_OK;
    size_t first = op->order[0];
    db_status_t st = setop_iter(op, first);
    coll_iter_t *it = &op->in[first].it;
    uint64_t matched = 0;
    for (; st == DB_OK && coll_iter_valid(it); coll_iter_next(it)) {
        slice_t member = coll_iter_field(it);
        double score;
        if (input_score(&op->in[first], coll_iter_value(it), &score) != 0) {
            st = corrupt(op->s);
            break;
        }
        double acc = weighted(score, op->in[first].weight);
        int all = 1;
        for (size_t k = 1; k < op->n; k++) {
            zinput_t *in = &op->in[op->order[k]];
            double v;
            int found = input_find(op->db, op->s, in, member, &v);
            if (found < 0) st = DB_IO_ERROR;
            if (found <= 0) {
                all = 0;
                break;
            }
            /* Not weighted(): Redis adds a NaN product here, and SUM
             * then turns the whole score into 0. */
            acc = aggregate(acc, v * in->weight, op->spec->aggregate);
        }
        if (!all) continue;
        matched++;
        if (visit(arg, member, acc)) break;
        if (limit && matched >= limit) break;
    }
    if (st == DB_OK) st = iter_status(op->s, it);
    return st;
}

/* DIFF: members of the first input found in no other, with their score. */
static db_status_t setop_diff(setop_t *op, zset_visit_fn visit, void *arg) {
    if (!op->in[0].exists) return DB_OK;
    db_status_t st = setop_iter(op, 0);
    coll_iter_t *it = &op->in[0].it;
    for (; st == DB_OK && coll_iter_valid(it); coll_iter_next(it)) {
        slice_t member = coll_iter_field(it);
        int elsewhere = 0;
        for (size_t i = 1; i < op->n && !elsewhere; i++) {
            double v;
            int found = input_find(op->db, op->s, &op->in[i], member, &v);
            if (found < 0) {
                st = DB_IO_ERROR;
                break;
            }
            elsewhere = found;
        }
        if (st != DB_OK || elsewhere) continue;
        double score;
        if (input_score(&op->in[0], coll_iter_value(it), &score) != 0) {
            st = corrupt(op->s);
            break;
        }
        if (visit(arg, member, score)) break;
    }
    if (st == DB_OK) st = iter_status(op->s, it);
    return st;
}

/* Computes the operation into l (members distinct, unordered). */
static db_status_t setop_collect(db_t *db, db_scratch_t *s, const zset_setop_spec_t *spec, int locked, zlist_t *l) {
    setop_t op;
    db_status_t st = setop_open(&op, db, s, spec, locked);
    if (st == DB_OK) {
        switch (spec->op) {
        case ZSET_UNION: st = setop_union(&op, zlist_add_visit, l); break;
        case ZSET_INTER: st = setop_inter(&op, 0, zlist_add_visit, l); break;
        case ZSET_DIFF: st = setop_diff(&op, zlist_add_visit, l); break;
        }
    }
    setop_fini(&op);
    return st;
}

db_status_t db_zset_check_inputs(db_t *db, db_scratch_t *s, const slice_t *keys, size_t nkeys) {
    for (size_t i = 0; i < nkeys; i++) {
        zinput_t in;
        db_status_t st = open_input(db, s, keys[i], 0, &in);
        if (st != DB_OK) return st;
    }
    return DB_OK;
}

db_status_t db_zset_setop(db_t *db, db_scratch_t *s, const zset_setop_spec_t *spec, zset_visit_fn visit,
                          void *arg) {
    zlist_t l;
    zlist_init(&l);
    db_status_t st = setop_collect(db, s, spec, 0, &l);
    if (st == DB_OK) {
        zlist_sort(&l);
        zlist_visit(&l, 0, visit, arg);
    }
    zlist_fini(&l);
    return st;
}

db_status_t db_zset_setop_store(db_t *db, db_scratch_t *s, slice_t dst, const zset_setop_spec_t *spec,
                                uint64_t *stored) {
    *stored = 0;
    slice_t *keys = malloc((spec->nkeys + 1) * sizeof *keys);
    if (!keys) return out_of_memory(s);
    keys[0] = dst;
    memcpy(keys + 1, spec->keys, spec->nkeys * sizeof *keys);
    db_lockset_t held;
    db_lock_keys(db, keys, spec->nkeys + 1, 1, &held);
    zlist_t l;
    zlist_init(&l);
    db_status_t st = setop_collect(db, s, spec, 1, &l);
    if (st == DB_OK) {
        st = store_zlist(db, s, dst, &l);
        if (st == DB_OK) *stored = l.n;
    }
    engine_batch_clear(s->batch);
    db_unlock_keys(db, &held);
    zlist_fini(&l);
    free(keys);
    return st;
}

db_status_t db_zset_intercard(db_t *db, db_scratch_t *s, const slice_t *keys, size_t nkeys, uint64_t limit,
                              uint64_t *card) {
    *card = 0;
    zset_setop_spec_t spec = {ZSET_INTER, keys, nkeys, NULL, ZSET_AGG_SUM};
    setop_t op;
    db_status_t st = setop_open(&op, db, s, &spec, 0);
    if (st == DB_OK) st = setop_inter(&op, limit, count_visit, card);
    setop_fini(&op);
    return st;
}
