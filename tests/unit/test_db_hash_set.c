/* Hashes and sets in the data layer, on a real RocksDB in a temporary
 * directory; and the element helpers of coll_util. */
#include <stdlib.h>
#include <unistd.h>

#include "storage/db_hash.h"
#include "storage/db_set.h"
#include "unit.h"

static slice_t S(const char *s) { return slice_from_cstr(s); }

typedef struct env {
    char dir[32];
    db_t *db;
    db_scratch_t s;
} env_t;

static void env_open(env_t *e) {
    snprintf(e->dir, sizeof e->dir, "/tmp/basalt-unit-XXXXXX");
    if (!mkdtemp(e->dir)) exit(1);
    engine_options_t o = {.dir = e->dir, .block_cache_bytes = 8 << 20, .write_buffer_bytes = 4 << 20,
                          .max_open_files = 100, .max_background_jobs = 2, .compression = "lz4"};
    engine_err_t err;
    if (db_open(&o, &e->db, &err) != 0) {
        fprintf(stderr, "open: %s\n", err.msg);
        exit(1);
    }
    db_scratch_init(e->db, &e->s);
}

static void env_close(env_t *e) {
    db_scratch_fini(&e->s);
    db_close(e->db);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", e->dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", e->dir);
}

/* Collects visited fields as "f=v," or "m," into a buffer. */
typedef struct collect {
    buf_t out;
    int with_values;
    int n;
} collect_t;

static int collect_visit(void *arg, slice_t field, slice_t value) {
    collect_t *c = arg;
    buf_append(&c->out, field.ptr, field.len);
    if (c->with_values) {
        buf_append_char(&c->out, '=');
        buf_append(&c->out, value.ptr, value.len);
    }
    buf_append_char(&c->out, ',');
    c->n++;
    return 0;
}

TEST(unique_args_keep_last_occurrence) {
    slice_t pairs[] = {S("b"), S("1"), S("a"), S("2"), S("b"), S("3"), S("a"), S("4"), S("c"), S("5")};
    size_t idx[5];
    size_t n = coll_unique_args(pairs, 5, 2, idx);
    CHECK_EQ(n, 3);
    CHECK_EQ(idx[0], 3); /* "a", its last value "4" */
    CHECK_EQ(idx[1], 2); /* "b" -> "3" */
    CHECK_EQ(idx[2], 4); /* "c" */
    slice_t same[] = {S("x"), S("x"), S("x")};
    CHECK_EQ(coll_unique_args(same, 3, 1, idx), 1);
    CHECK_EQ(idx[0], 2);
    CHECK_EQ(coll_unique_args(same, 0, 1, idx), 0);
}

TEST(random_below_stays_in_range_and_spreads) {
    int counts[5] = {0};
    for (int i = 0; i < 5000; i++) {
        uint64_t v = coll_random_below(5);
        CHECK(v < 5);
        if (v < 5) counts[v]++;
    }
    for (int i = 0; i < 5; i++) CHECK(counts[i] > 800);
    CHECK_EQ(coll_random_below(1), 0);
}

TEST(hash_set_get_del) {
    env_t e;
    env_open(&e);
    long long added, deleted;
    slice_t pairs[] = {S("f1"), S("v1"), S("f2"), S("v2"), S("f1"), S("v3")};
    CHECK_EQ(db_hash_set(e.db, &e.s, S("h"), pairs, 3, 0, &added), DB_OK);
    CHECK_EQ(added, 2);
    slice_t v;
    CHECK_EQ(db_hash_get(e.db, &e.s, S("h"), S("f1"), &v), DB_OK);
    CHECK_MEM(v.ptr, v.len, "v3");
    CHECK_EQ(db_hash_get(e.db, &e.s, S("h"), S("zz"), &v), DB_NOT_FOUND);
    slice_t nx[] = {S("f2"), S("new")};
    CHECK_EQ(db_hash_set(e.db, &e.s, S("h"), nx, 1, 1, &added), DB_OK);
    CHECK_EQ(added, 0);
    uint64_t len;
    CHECK_EQ(db_hash_len(e.db, &e.s, S("h"), &len), DB_OK);
    CHECK_EQ(len, 2);

    collect_t c = {.with_values = 1};
    buf_init(&c.out);
    buf_t next;
    buf_init(&next);
    CHECK_EQ(db_hash_scan(e.db, &e.s, S("h"), S(""), 0, collect_visit, &c, &next), DB_OK);
    CHECK_MEM(c.out.data, c.out.len, "f1=v3,f2=v2,");
    CHECK_EQ(next.len, 0);

    slice_t del[] = {S("f1"), S("f1"), S("nope")};
    CHECK_EQ(db_hash_del(e.db, &e.s, S("h"), del, 3, &deleted), DB_OK);
    CHECK_EQ(deleted, 1);
    slice_t del2[] = {S("f2")};
    CHECK_EQ(db_hash_del(e.db, &e.s, S("h"), del2, 1, &deleted), DB_OK);
    enum value_type t;
    CHECK_EQ(db_key_type(e.db, &e.s, S("h"), &t), DB_OK);
    CHECK_EQ(t, TYPE_NONE); /* the last field took the key */
    buf_fini(&c.out);
    buf_fini(&next);
    env_close(&e);
}

TEST(hash_incr_and_types) {
    env_t e;
    env_open(&e);
    long long r;
    CHECK_EQ(db_hash_incrby(e.db, &e.s, S("h"), S("n"), 5, &r), DB_OK);
    CHECK_EQ(r, 5);
    CHECK_EQ(db_hash_incrby(e.db, &e.s, S("h"), S("n"), 9223372036854775807LL, &r), DB_OVERFLOW);
    slice_t res;
    CHECK_EQ(db_hash_incrbyfloat(e.db, &e.s, S("h"), S("n"), 0.5L, &res), DB_OK);
    CHECK_MEM(res.ptr, res.len, "5.5");
    CHECK_EQ(db_hash_incrby(e.db, &e.s, S("h"), S("n"), 1, &r), DB_NOT_INTEGER);
    db_set_options_t o = {0};
    int written;
    CHECK_EQ(db_string_set(e.db, &e.s, S("str"), S("v"), &o, &written, NULL, NULL), DB_OK);
    CHECK_EQ(db_hash_incrby(e.db, &e.s, S("str"), S("n"), 1, &r), DB_WRONGTYPE);
    long long added;
    slice_t m[] = {S("a")};
    CHECK_EQ(db_set_add(e.db, &e.s, S("h"), m, 1, &added), DB_WRONGTYPE);
    env_close(&e);
}

TEST(set_algebra_in_byte_order) {
    env_t e;
    env_open(&e);
    long long added;
    slice_t a[] = {S("d"), S("a"), S("c"), S("b")};
    slice_t b[] = {S("e"), S("c"), S("d")};
    CHECK_EQ(db_set_add(e.db, &e.s, S("a"), a, 4, &added), DB_OK);
    CHECK_EQ(db_set_add(e.db, &e.s, S("b"), b, 3, &added), DB_OK);
    slice_t keys[] = {S("a"), S("b"), S("missing")};
    collect_t c = {0};
    buf_init(&c.out);
    CHECK_EQ(db_set_combine(e.db, &e.s, DB_SET_UNION, keys, 3, 0, collect_visit, &c), DB_OK);
    CHECK_MEM(c.out.data, c.out.len, "a,b,c,d,e,");
    buf_clear(&c.out);
    CHECK_EQ(db_set_combine(e.db, &e.s, DB_SET_INTER, keys, 2, 0, collect_visit, &c), DB_OK);
    CHECK_MEM(c.out.data, c.out.len, "c,d,");
    buf_clear(&c.out);
    CHECK_EQ(db_set_combine(e.db, &e.s, DB_SET_INTER, keys, 3, 0, collect_visit, &c), DB_OK);
    CHECK_EQ(c.out.len, 0);
    CHECK_EQ(db_set_combine(e.db, &e.s, DB_SET_DIFF, keys, 3, 0, collect_visit, &c), DB_OK);
    CHECK_MEM(c.out.data, c.out.len, "a,b,");
    long long stored;
    CHECK_EQ(db_set_combine_store(e.db, &e.s, DB_SET_INTER, S("a"), keys, 2, &stored), DB_OK);
    CHECK_EQ(stored, 2);
    uint64_t card;
    CHECK_EQ(db_set_card(e.db, &e.s, S("a"), &card), DB_OK);
    CHECK_EQ(card, 2);
    buf_fini(&c.out);
    env_close(&e);
}

TEST(sampling_counts) {
    env_t e;
    env_open(&e);
    long long added;
    slice_t m[] = {S("a"), S("b"), S("c"), S("d"), S("e")};
    CHECK_EQ(db_set_add(e.db, &e.s, S("s"), m, 5, &added), DB_OK);
    collect_t c = {0};
    buf_init(&c.out);
    uint64_t n;
    CHECK_EQ(db_set_random(e.db, &e.s, S("s"), 3, collect_visit, &c, &n), DB_OK);
    CHECK_EQ(n, 3);
    CHECK_EQ(c.out.len, 6); /* three distinct one-letter members */
    CHECK_EQ(db_set_random(e.db, &e.s, S("s"), -40, collect_visit, &c, &n), DB_OK);
    CHECK_EQ(n, 40);
    CHECK_EQ(db_set_random(e.db, &e.s, S("s"), 9, collect_visit, &c, &n), DB_OK);
    CHECK_EQ(n, 5);
    CHECK_EQ(db_set_random(e.db, &e.s, S("nosuch"), 9, collect_visit, &c, &n), DB_NOT_FOUND);
    uint64_t popped;
    CHECK_EQ(db_set_pop(e.db, &e.s, S("s"), 2, collect_visit, &c, &popped), DB_OK);
    CHECK_EQ(popped, 2);
    uint64_t card;
    CHECK_EQ(db_set_card(e.db, &e.s, S("s"), &card), DB_OK);
    CHECK_EQ(card, 3);
    CHECK_EQ(db_set_pop(e.db, &e.s, S("s"), 10, collect_visit, &c, &popped), DB_OK);
    CHECK_EQ(popped, 3);
    CHECK_EQ(db_set_card(e.db, &e.s, S("s"), &card), DB_OK);
    CHECK_EQ(card, 0);
    buf_fini(&c.out);
    env_close(&e);
}

UNIT_MAIN
