/* The data layer on a real RocksDB in a temporary directory. */
#include <stdlib.h>
#include <unistd.h>

#include "storage/db.h"
#include "unit.h"
#include "util/clock.h"

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

static slice_t S(const char *s) { return slice_from_cstr(s); }

static void remove_dir(int *unit_failed, const char *dir) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_EQ(system(cmd), 0);
}

TEST(set_get_survives_reopen) {
    char dir[] = "/tmp/basalt-unit-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    db_t *db = open_db(dir);
    db_scratch_t s;
    db_scratch_init(db, &s);
    db_set_options_t o = {0};
    int written;
    CHECK_EQ(db_string_set(db, &s, S("k"), S("v1"), &o, &written, NULL, NULL), DB_OK);
    CHECK_EQ(written, 1);
    db_scratch_fini(&s);
    db_close(db);

    db = open_db(dir);
    db_scratch_init(db, &s);
    slice_t v;
    CHECK_EQ(db_string_get(db, &s, S("k"), &v), DB_OK);
    CHECK_MEM(v.ptr, v.len, "v1");
    CHECK_EQ(db_string_get(db, &s, S("missing"), &v), DB_NOT_FOUND);
    db_scratch_fini(&s);
    db_close(db);
    remove_dir(unit_failed, dir);
}

TEST(incr_overflow_and_types) {
    char dir[] = "/tmp/basalt-unit-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    db_t *db = open_db(dir);
    db_scratch_t s;
    db_scratch_init(db, &s);
    long long r;
    CHECK_EQ(db_string_incrby(db, &s, S("n"), 5, &r), DB_OK);
    CHECK_EQ(r, 5);
    CHECK_EQ(db_string_incrby(db, &s, S("n"), 9223372036854775807LL, &r), DB_OVERFLOW);
    db_set_options_t o = {0};
    int written;
    db_string_set(db, &s, S("t"), S("abc"), &o, &written, NULL, NULL);
    CHECK_EQ(db_string_incrby(db, &s, S("t"), 1, &r), DB_NOT_INTEGER);
    slice_t f;
    CHECK_EQ(db_string_incrbyfloat(db, &s, S("t"), 1.0L, &f), DB_NOT_FLOAT);
    db_scratch_fini(&s);
    db_close(db);
    remove_dir(unit_failed, dir);
}

TEST(expiry_hides_and_counts) {
    char dir[] = "/tmp/basalt-unit-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    db_t *db = open_db(dir);
    db_scratch_t s;
    db_scratch_init(db, &s);
    db_set_options_t o = {.expire_ms = clock_unix_ms() + 50};
    int written;
    db_string_set(db, &s, S("short"), S("x"), &o, &written, NULL, NULL);
    o.expire_ms = 0;
    db_string_set(db, &s, S("long"), S("y"), &o, &written, NULL, NULL);
    uint64_t keys, expires;
    CHECK_EQ(db_key_count(db, &s, &keys, &expires), DB_OK);
    CHECK_EQ(keys, 2);
    CHECK_EQ(expires, 1);
    usleep(80 * 1000);
    slice_t v;
    CHECK_EQ(db_string_get(db, &s, S("short"), &v), DB_NOT_FOUND);
    CHECK_EQ(db_key_count(db, &s, &keys, &expires), DB_OK);
    CHECK_EQ(keys, 1);
    int applied;
    CHECK_EQ(db_key_expire(db, &s, S("long"), clock_unix_ms() - 1, 0, &applied), DB_OK);
    CHECK_EQ(applied, 1);
    CHECK_EQ(db_key_count(db, &s, &keys, &expires), DB_OK);
    CHECK_EQ(keys, 0);
    db_scratch_fini(&s);
    db_close(db);
    remove_dir(unit_failed, dir);
}

TEST(rename_copy_delete_flush) {
    char dir[] = "/tmp/basalt-unit-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    db_t *db = open_db(dir);
    db_scratch_t s;
    db_scratch_init(db, &s);
    db_set_options_t o = {0};
    int written, done;
    db_string_set(db, &s, S("a"), S("1"), &o, &written, NULL, NULL);
    CHECK_EQ(db_key_move(db, &s, S("a"), S("b"), 0, 1, &done), DB_OK);
    CHECK_EQ(done, 1);
    slice_t v;
    CHECK_EQ(db_string_get(db, &s, S("a"), &v), DB_NOT_FOUND);
    CHECK_EQ(db_key_move(db, &s, S("b"), S("c"), 1, 0, &done), DB_OK);
    CHECK_EQ(db_string_get(db, &s, S("c"), &v), DB_OK);
    CHECK_EQ(db_key_move(db, &s, S("b"), S("c"), 1, 0, &done), DB_OK);
    CHECK_EQ(done, 0);
    slice_t keys[3] = {S("b"), S("c"), S("b")};
    long long deleted;
    CHECK_EQ(db_key_delete(db, &s, keys, 3, &deleted), DB_OK);
    CHECK_EQ(deleted, 2);
    db_string_set(db, &s, S("x"), S("1"), &o, &written, NULL, NULL);
    db_string_set(db, &s, S("\xff\xff"), S("1"), &o, &written, NULL, NULL);
    CHECK_EQ(db_flush_all(db, &s), DB_OK);
    uint64_t n;
    CHECK_EQ(db_key_count(db, &s, &n, NULL), DB_OK);
    CHECK_EQ(n, 0);
    db_scratch_fini(&s);
    db_close(db);
    remove_dir(unit_failed, dir);
}

UNIT_MAIN
