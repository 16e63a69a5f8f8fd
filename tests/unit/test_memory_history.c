#include <stdlib.h>
#include <string.h>

#include "memory/memory_history.h"
#include "unit.h"

static memory_sample_t sample_at(int64_t second, uint64_t allocated) {
    memory_sample_t s;
    memset(&s, 0, sizeof s);
    s.time_ms = 1000000 + second * 1000;
    s.allocated = allocated;
    s.memtables = allocated / 2;
    return s;
}

TEST(empty_ring_has_no_samples) {
    memory_history_t *h = memory_history_new(4);
    memory_sample_t *out = (memory_sample_t *)1;
    size_t n = 99;
    CHECK_EQ(memory_history_snapshot(h, 0, &out, &n), 0);
    CHECK(out == NULL);
    CHECK_EQ(n, 0);
    CHECK_EQ(memory_history_count(h), 0);
    CHECK_EQ(memory_history_capacity(h), 4);
    memory_history_free(h);
}

TEST(ring_keeps_the_newest_oldest_first_after_wrapping) {
    memory_history_t *h = memory_history_new(4);
    for (int i = 0; i < 10; i++) {
        memory_sample_t s = sample_at(i, (uint64_t)i * 100);
        memory_history_push(h, &s);
    }
    CHECK_EQ(memory_history_count(h), 4);
    memory_sample_t *out;
    size_t n;
    CHECK_EQ(memory_history_snapshot(h, 0, &out, &n), 0);
    CHECK_EQ(n, 4);
    for (size_t i = 0; i < n; i++) {
        CHECK_EQ(out[i].allocated, (6 + i) * 100);
        CHECK_EQ(out[i].memtables, (6 + i) * 50);
        CHECK_EQ(out[i].time_ms, 1000000 + (int64_t)(6 + i) * 1000);
    }
    free(out);
    memory_history_free(h);
}

TEST(snapshot_of_the_last_seconds) {
    memory_history_t *h = memory_history_new(100);
    for (int i = 0; i < 30; i++) {
        memory_sample_t s = sample_at(i, (uint64_t)i);
        memory_history_push(h, &s);
    }
    memory_sample_t *out;
    size_t n;
    CHECK_EQ(memory_history_snapshot(h, 5, &out, &n), 0);
    CHECK_EQ(n, 5);
    CHECK_EQ(out[0].allocated, 25);
    CHECK_EQ(out[4].allocated, 29);
    free(out);
    CHECK_EQ(memory_history_snapshot(h, 1, &out, &n), 0);
    CHECK_EQ(n, 1);
    CHECK_EQ(out[0].allocated, 29);
    free(out);
    /* More seconds than held, and absurdly many: everything. */
    CHECK_EQ(memory_history_snapshot(h, 1000, &out, &n), 0);
    CHECK_EQ(n, 30);
    free(out);
    CHECK_EQ(memory_history_snapshot(h, 9223372036854775807LL, &out, &n), 0);
    CHECK_EQ(n, 30);
    free(out);
    memory_history_free(h);
}

TEST(resize_keeps_the_newest_samples) {
    memory_history_t *h = memory_history_new(5);
    for (int i = 0; i < 7; i++) { /* wrapped: holds 2..6 */
        memory_sample_t s = sample_at(i, (uint64_t)i);
        memory_history_push(h, &s);
    }
    CHECK_EQ(memory_history_resize(h, 3), 0);
    memory_sample_t *out;
    size_t n;
    CHECK_EQ(memory_history_snapshot(h, 0, &out, &n), 0);
    CHECK_EQ(n, 3);
    CHECK_EQ(out[0].allocated, 4);
    CHECK_EQ(out[2].allocated, 6);
    free(out);
    CHECK_EQ(memory_history_resize(h, 10), 0);
    for (int i = 7; i < 12; i++) {
        memory_sample_t s = sample_at(i, (uint64_t)i);
        memory_history_push(h, &s);
    }
    CHECK_EQ(memory_history_snapshot(h, 0, &out, &n), 0);
    CHECK_EQ(n, 8);
    for (size_t i = 0; i < n; i++) CHECK_EQ(out[i].allocated, 4 + i);
    free(out);
    CHECK_EQ(memory_history_capacity(h), 10);
    memory_history_free(h);
}

TEST(field_names_and_values_follow_the_struct) {
    memory_sample_t s = {.time_ms = 7, .allocated = 1, .active = 2, .resident = 3, .rss = 4, .memtables = 5,
                         .block_cache = 6, .table_readers = 8, .client_buffers = 9, .profiler = 10};
    const char *names[] = {"time_ms", "allocated", "active", "resident", "rss", "rocksdb.memtables",
                           "rocksdb.block_cache", "rocksdb.table_readers", "clients.buffers", "profiler.overhead"};
    long long values[] = {7, 1, 2, 3, 4, 5, 6, 8, 9, 10};
    for (size_t i = 0; i < MEMORY_SAMPLE_FIELDS; i++) {
        CHECK(!strcmp(memory_sample_field_name(i), names[i]));
        CHECK_EQ(memory_sample_field(&s, i), values[i]);
    }
    CHECK(memory_sample_field_name(MEMORY_SAMPLE_FIELDS) == NULL);
}

UNIT_MAIN
