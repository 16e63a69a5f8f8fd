/* The write group: plain SET/MSET commands of one pipeline become one
 * RocksDB WriteBatch, so a pipeline of 16 SETs joins RocksDB's write queue
 * and appends to the WAL once instead of 16 times. The client layer commits
 * the group before it runs any other command and before it sends replies,
 * so later commands read the group's writes and every acknowledged write is
 * in the WAL before its reply leaves. */
#include <stdlib.h>

#include "storage/db.h"

static int group_holds(const db_group_t *g, unsigned stripe) {
    for (int i = 0; i < g->nstripes; i++)
        if (g->stripes[i] == stripe) return 1;
    return 0;
}

static int cmp_unsigned(const void *a, const void *b) {
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* Collects the stripes of the pairs' keys that the group does not hold yet,
 * sorted and without duplicates. Returns how many, or -1 when the group
 * would exceed DB_GROUP_MAX_KEYS stripes. */
static int new_stripes(const db_group_t *g, const slice_t *pairs, size_t npairs, unsigned *out) {
    int n = 0;
    for (size_t i = 0; i < npairs; i++) {
        unsigned st = db_key_stripe(pairs[2 * i]);
        if (group_holds(g, st)) continue;
        int dup = 0;
        for (int j = 0; j < n && !dup; j++) dup = out[j] == st;
        if (dup) continue;
        if (g->nstripes + n >= DB_GROUP_MAX_KEYS) return -1;
        out[n++] = st;
    }
    qsort(out, (size_t)n, sizeof *out, cmp_unsigned);
    return n;
}

int db_group_put_strings(db_t *db, db_scratch_t *s, const slice_t *pairs, size_t npairs) {
    db_group_t *g = &s->group;
    size_t bytes = 0;
    for (size_t i = 0; i < 2 * npairs; i++) bytes += pairs[i].len;
    int empty = g->ops == 0;
    if (!empty && g->bytes + bytes > DB_GROUP_MAX_BYTES) return -1;
    unsigned fresh[DB_GROUP_MAX_KEYS];
    int n = new_stripes(g, pairs, npairs, fresh);
    if (n < 0) return -1; /* the caller falls back to a plain write when empty */
    if (empty) {
        /* Holding nothing: waiting in stripe order cannot deadlock. */
        for (int i = 0; i < n; i++) db_stripe_lock(db, fresh[i]);
    } else {
        /* Holding stripes already: never wait, or two threads could each
         * hold what the other wants. */
        for (int i = 0; i < n; i++) {
            if (db_stripe_trylock(db, fresh[i]) != 0) {
                while (i-- > 0) db_stripe_unlock(db, fresh[i]);
                return -1;
            }
        }
    }
    for (int i = 0; i < n; i++) g->stripes[g->nstripes++] = fresh[i];
    for (size_t i = 0; i < npairs; i++) {
        buf_clear(&s->value);
        meta_encode_string(&s->value, 0, pairs[2 * i + 1]);
        engine_batch_put(g->batch, CF_METADATA, pairs[2 * i], slice_make(s->value.data, s->value.len));
    }
    g->bytes += bytes;
    g->ops++;
    return 0;
}

db_status_t db_group_commit(db_t *db, db_scratch_t *s, int *ops) {
    db_group_t *g = &s->group;
    *ops = g->ops;
    db_status_t st = DB_OK;
    if (engine_batch_count(g->batch) > 0 && engine_write(db_engine(db), g->batch, &s->err) != 0) st = DB_IO_ERROR;
    engine_batch_clear(g->batch);
    for (int i = g->nstripes - 1; i >= 0; i--) db_stripe_unlock(db, g->stripes[i]);
    g->nstripes = 0;
    g->ops = 0;
    g->bytes = 0;
    return st;
}
