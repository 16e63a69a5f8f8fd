/* The sorted-set encoding (order-preserving scores, index fields), score
 * parsing, and the data layer on a real RocksDB in a temporary directory. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "storage/db_zset.h"
#include "storage/zset_encoding.h"
#include "unit.h"
#include "util/strutil.h"

static int bytes_cmp(const char *a, const char *b, size_t n) { return memcmp(a, b, n); }

TEST(score_encoding_sorts_numerically) {
    /* Ascending, as a sorted set orders them. */
    const double v[] = {-INFINITY, -DBL_MAX, -1e308, -1.5, -1, -DBL_MIN, -4.9e-324, 0.0, 4.9e-324, 1e-308,
                        DBL_MIN, 0.5, 1, 1.0000000000000002, 2, 1e308, DBL_MAX, INFINITY};
    size_t n = sizeof v / sizeof v[0];
    for (size_t i = 0; i + 1 < n; i++) {
        char a[ZSET_SCORE_LEN], b[ZSET_SCORE_LEN];
        zset_score_encode(a, v[i]);
        zset_score_encode(b, v[i + 1]);
        if (bytes_cmp(a, b, ZSET_SCORE_LEN) >= 0) {
            fprintf(stderr, "order broken between %g and %g\n", v[i], v[i + 1]);
            (*unit_failed)++;
        }
        CHECK(zset_score_bits(v[i]) < zset_score_bits(v[i + 1]));
    }
    for (size_t i = 0; i < n; i++) {
        char a[ZSET_SCORE_LEN];
        zset_score_encode(a, v[i]);
        double back = zset_score_decode(a);
        CHECK(memcmp(&back, &v[i], sizeof back) == 0); /* bit-exact round trip */
    }
}

TEST(negative_zero_is_stored_as_zero) {
    char a[ZSET_SCORE_LEN], b[ZSET_SCORE_LEN];
    zset_score_encode(a, -0.0);
    zset_score_encode(b, 0.0);
    CHECK(memcmp(a, b, ZSET_SCORE_LEN) == 0);
    double back = zset_score_decode(a);
    CHECK(back == 0 && !signbit(back));
    /* Just below and above zero. */
    char lo[ZSET_SCORE_LEN], hi[ZSET_SCORE_LEN];
    zset_score_encode(lo, -4.9e-324);
    zset_score_encode(hi, 4.9e-324);
    CHECK(memcmp(lo, a, ZSET_SCORE_LEN) < 0);
    CHECK(memcmp(a, hi, ZSET_SCORE_LEN) < 0);
}

TEST(sorted_list_of_doubles_keeps_its_order) {
    /* The list the brief asks for, shuffled, encoded, sorted bytewise with
     * the members as tie-breakers, must come back in numeric order. */
    const double sorted[] = {-INFINITY, -1e308, -1, -0.0, 0, 1e-308, 1, INFINITY};
    const char *members[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
    size_t n = sizeof sorted / sizeof sorted[0];
    const size_t shuffled[] = {5, 2, 7, 0, 3, 6, 1, 4};
    buf_t f[8];
    for (size_t i = 0; i < n; i++) {
        buf_init(&f[i]);
        zset_index_encode(&f[i], sorted[shuffled[i]], slice_from_cstr(members[shuffled[i]]));
    }
    /* Insertion sort by bytes (memcmp, then length): RocksDB's order. */
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0; j--) {
            buf_t *x = &f[j - 1], *y = &f[j];
            size_t m = x->len < y->len ? x->len : y->len;
            int c = memcmp(x->data, y->data, m);
            if (c < 0 || (c == 0 && x->len <= y->len)) break;
            buf_t t = *x;
            *x = *y;
            *y = t;
        }
    }
    for (size_t i = 0; i < n; i++) {
        double score;
        slice_t member;
        CHECK_EQ(zset_index_decode(slice_make(f[i].data, f[i].len), &score, &member), 0);
        CHECK(score == sorted[i] || (isnan(score) && isnan(sorted[i])));
        /* -0.0 and 0 tie on score; the member orders them (d < e). */
        CHECK_MEM(member.ptr, member.len, members[i]);
        buf_fini(&f[i]);
    }
}

TEST(equal_scores_order_by_member_bytes) {
    buf_t a, b, c;
    buf_init(&a);
    buf_init(&b);
    buf_init(&c);
    zset_index_encode(&a, 5, slice_make("a\0b", 3));
    zset_index_encode(&b, 5, slice_make("a\0c", 3));
    zset_index_encode(&c, 5, slice_make("a", 1));
    CHECK(memcmp(a.data, b.data, a.len) < 0);
    CHECK(c.len < a.len && memcmp(c.data, a.data, c.len) == 0); /* a prefix sorts first */
    double score;
    slice_t member;
    CHECK_EQ(zset_index_decode(slice_make(a.data, a.len), &score, &member), 0);
    CHECK(score == 5);
    CHECK_EQ(member.len, 3);
    CHECK(memcmp(member.ptr, "a\0b", 3) == 0);
    CHECK_EQ(zset_index_decode(slice_make(a.data, 7), &score, &member), -1);
    buf_fini(&a);
    buf_fini(&b);
    buf_fini(&c);
}

TEST(seek_targets_bracket_a_score) {
    char ge[ZSET_SCORE_LEN], gt[ZSET_SCORE_LEN], below[ZSET_SCORE_LEN], above[ZSET_SCORE_LEN];
    zset_index_seek_target(ge, 2.0, 0);
    zset_index_seek_target(gt, 2.0, 1);
    zset_score_encode(below, nextafter(2.0, 0));
    zset_score_encode(above, nextafter(2.0, 3));
    buf_t field;
    buf_init(&field);
    zset_index_encode(&field, 2.0, slice_make("", 0)); /* the smallest field of score 2 */
    CHECK(memcmp(below, ge, ZSET_SCORE_LEN) < 0);
    CHECK(memcmp(ge, field.data, ZSET_SCORE_LEN) == 0);
    CHECK(memcmp(field.data, gt, ZSET_SCORE_LEN) < 0);
    CHECK(memcmp(gt, above, ZSET_SCORE_LEN) <= 0);
    zset_index_seek_target(gt, INFINITY, 1); /* no wrap past +inf */
    zset_score_encode(above, INFINITY);
    CHECK(memcmp(above, gt, ZSET_SCORE_LEN) < 0);
    buf_fini(&field);
}

TEST(score_values_are_eight_bytes) {
    double d;
    char v[ZSET_SCORE_LEN];
    zset_score_encode(v, -2.5);
    CHECK_EQ(zset_score_value_decode(slice_make(v, 8), &d), 0);
    CHECK(d == -2.5);
    CHECK_EQ(zset_score_value_decode(slice_make(v, 7), &d), -1);
    CHECK_EQ(zset_score_value_decode(slice_make("", 0), &d), -1);
}

TEST(score_arguments_follow_redis) {
    double d;
    CHECK(str_to_double("inf", 3, &d) && isinf(d) && d > 0);
    CHECK(str_to_double("+inf", 4, &d) && isinf(d) && d > 0);
    CHECK(str_to_double("-inf", 4, &d) && isinf(d) && d < 0);
    CHECK(str_to_double("1e308", 5, &d) && d == 1e308);
    CHECK(str_to_double("1e-310", 6, &d) && d > 0); /* subnormal: kept */
    CHECK(!str_to_double("1e400", 5, &d));          /* overflow */
    CHECK(!str_to_double("1e-400", 6, &d));         /* underflow to 0 */
    CHECK(!str_to_double("nan", 3, &d));
    CHECK(!str_to_double(" 1", 2, &d));
    CHECK(!str_to_double("1 ", 2, &d));
    CHECK(!str_to_double("", 0, &d));
    CHECK(!str_to_double("1\0", 2, &d));
}

/* ---- the data layer ---- */

static db_t *open_db(char *dir) {
    engine_options_t o = {.dir = dir, .block_cache_bytes = 8 << 20, .write_buffer_bytes = 4 << 20,
                          .max_open_files = 100, .max_background_jobs = 2, .compression = "lz4"};
    db_t *db = NULL;
    engine_err_t err;
    if (db_open(&o, &db, &err) != 0) {
        fprintf(stderr, "open: %s\n", err.msg);
        exit(1);
    }
    return db;
}

static void remove_dir(const char *dir) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

typedef struct collected {
    char text[256];
    size_t len;
    int n;
} collected_t;

/* Appends "member:score " for each visited element. */
static int collect(void *arg, slice_t member, double score) {
    collected_t *c = arg;
    c->len += (size_t)snprintf(c->text + c->len, sizeof c->text - c->len, "%.*s:%g ", (int)member.len, member.ptr,
                               score);
    c->n++;
    return 0;
}

static slice_t S(const char *s) { return slice_from_cstr(s); }

TEST(zadd_range_rank_pop_on_rocksdb) {
    char dir[] = "/tmp/basalt-unit-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    db_t *db = open_db(dir);
    db_scratch_t s;
    db_scratch_init(db, &s);
    slice_t members[] = {S("c"), S("a"), S("b"), S("d"), S("a")};
    double scores[] = {3, 1, 2, -INFINITY, 5};
    zadd_result_t res;
    CHECK_EQ(db_zset_add(db, &s, S("z"), 0, scores, members, 1, 5, &res), DB_OK);
    CHECK_EQ(res.added, 4);
    CHECK_EQ(res.updated, 1); /* "a" named twice: added, then updated */
    uint64_t card;
    CHECK_EQ(db_zset_card(db, &s, S("z"), &card), DB_OK);
    CHECK_EQ(card, 4);

    zrange_spec_t spec;
    zrange_spec_init(&spec);
    collected_t c = {{0}, 0, 0};
    CHECK_EQ(db_zset_range(db, &s, S("z"), &spec, collect, &c), DB_OK);
    CHECK_MEM(c.text, c.len, "d:-inf b:2 c:3 a:5 ");

    spec.by = ZRANGE_BY_SCORE;
    spec.score = (zscore_range_t){2, INFINITY, 1, 0};
    spec.rev = 1;
    c = (collected_t){{0}, 0, 0};
    CHECK_EQ(db_zset_range(db, &s, S("z"), &spec, collect, &c), DB_OK);
    CHECK_MEM(c.text, c.len, "a:5 c:3 ");

    long long rank;
    double score;
    CHECK_EQ(db_zset_rank(db, &s, S("z"), S("c"), 0, &rank, &score), DB_OK);
    CHECK_EQ(rank, 2);
    CHECK_EQ(db_zset_rank(db, &s, S("z"), S("c"), 1, &rank, &score), DB_OK);
    CHECK_EQ(rank, 1);
    CHECK_EQ(db_zset_rank(db, &s, S("z"), S("zz"), 0, &rank, &score), DB_NOT_FOUND);

    /* inf + -inf is NaN: refused, nothing written. */
    double inc = INFINITY;
    CHECK_EQ(db_zset_add(db, &s, S("z"), ZADD_INCR, &inc, members + 3, 1, 1, &res), DB_NAN);
    CHECK_EQ(db_zset_score(db, &s, S("z"), S("d"), &score), DB_OK);
    CHECK(isinf(score) && score < 0);

    c = (collected_t){{0}, 0, 0};
    CHECK_EQ(db_zset_pop(db, &s, S("z"), 1, 10, collect, &c), DB_OK);
    CHECK_MEM(c.text, c.len, "a:5 c:3 b:2 d:-inf ");
    CHECK_EQ(db_zset_card(db, &s, S("z"), &card), DB_OK);
    CHECK_EQ(card, 0); /* the empty sorted set is gone */
    CHECK_EQ(db_zset_pop(db, &s, S("z"), 0, 1, collect, &c), DB_NOT_FOUND);

    db_scratch_fini(&s);
    db_close(db);
    remove_dir(dir);
}

TEST(setops_and_store_on_rocksdb) {
    char dir[] = "/tmp/basalt-unit-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    db_t *db = open_db(dir);
    db_scratch_t s;
    db_scratch_init(db, &s);
    slice_t m1[] = {S("a"), S("b"), S("c")}, m2[] = {S("b"), S("c"), S("e")};
    double s1[] = {1, 2, 3}, s2[] = {10, 20, 30};
    zadd_result_t res;
    CHECK_EQ(db_zset_add(db, &s, S("z1"), 0, s1, m1, 1, 3, &res), DB_OK);
    CHECK_EQ(db_zset_add(db, &s, S("z2"), 0, s2, m2, 1, 3, &res), DB_OK);
    slice_t keys[] = {S("z1"), S("z2")};
    zset_setop_spec_t spec = {ZSET_UNION, keys, 2, NULL, ZSET_AGG_SUM};
    collected_t c = {{0}, 0, 0};
    CHECK_EQ(db_zset_setop(db, &s, &spec, collect, &c), DB_OK);
    CHECK_MEM(c.text, c.len, "a:1 b:12 c:23 e:30 ");
    spec.op = ZSET_INTER;
    spec.aggregate = ZSET_AGG_MAX;
    c = (collected_t){{0}, 0, 0};
    CHECK_EQ(db_zset_setop(db, &s, &spec, collect, &c), DB_OK);
    CHECK_MEM(c.text, c.len, "b:10 c:20 ");
    spec.op = ZSET_DIFF;
    uint64_t stored;
    CHECK_EQ(db_zset_setop_store(db, &s, S("d"), &spec, &stored), DB_OK);
    CHECK_EQ(stored, 1);
    c = (collected_t){{0}, 0, 0};
    zrange_spec_t all;
    zrange_spec_init(&all);
    CHECK_EQ(db_zset_range(db, &s, S("d"), &all, collect, &c), DB_OK);
    CHECK_MEM(c.text, c.len, "a:1 ");
    uint64_t card;
    CHECK_EQ(db_zset_intercard(db, &s, keys, 2, 1, &card), DB_OK);
    CHECK_EQ(card, 1);
    db_scratch_fini(&s);
    db_close(db);
    remove_dir(dir);
}

UNIT_MAIN
