#include <stdlib.h>
#include <string.h>

#include "memory/memory_growth.h"
#include "unit.h"

#define MiB (1024.0 * 1024.0)

/* n samples one second apart; allocated = base + the memtables, block
 * cache and "other" parts given by the callbacks' values. */
typedef struct series {
    memory_sample_t s[4000];
    size_t n;
} series_t;

static void add(series_t *x, double other, double memtables, double block_cache) {
    memory_sample_t *s = &x->s[x->n];
    memset(s, 0, sizeof *s);
    s->time_ms = 1700000000000LL + (int64_t)x->n * 1000;
    s->memtables = (uint64_t)memtables;
    s->block_cache = (uint64_t)block_cache;
    s->client_buffers = 4096;
    s->allocated = (uint64_t)(other + memtables + block_cache) + s->client_buffers;
    x->n++;
}

static series_t *series_new(void) { return calloc(1, sizeof(series_t)); }

/* Deterministic noise in [-amp, amp]. */
static double noise(size_t i, double amp) { return amp * ((double)((i * 7919) % 201) / 100.0 - 1.0); }

TEST(steady_memory_is_not_growth) {
    series_t *x = series_new();
    for (size_t i = 0; i < 600; i++) add(x, 20 * MiB + noise(i, 0.1 * MiB), 8 * MiB, 4 * MiB);
    memory_growth_t g;
    CHECK_EQ(memory_growth_detect(x->s, x->n, 60, &g), 0);
    CHECK_EQ(memory_growth_detect(x->s, x->n, 600, &g), 0);
    free(x);
}

TEST(a_spike_is_not_growth) {
    series_t *x = series_new();
    for (size_t i = 0; i < 600; i++) {
        double spike = (i >= 300 && i < 305) || i == 599 ? 200 * MiB : 0; /* in the middle, and the last sample */
        add(x, 20 * MiB + spike, 8 * MiB, 4 * MiB);
    }
    memory_growth_t g;
    CHECK_EQ(memory_growth_detect(x->s, x->n, 600, &g), 0);
    CHECK_EQ(memory_growth_detect(x->s, x->n, 60, &g), 0);
    free(x);
}

TEST(a_spike_on_a_slow_rise_is_not_growth) {
    series_t *x = series_new();
    /* +7.5% over 10 minutes (under the threshold), then 20 s at +100 MiB at the end */
    for (size_t i = 0; i < 600; i++) add(x, 40 * MiB + 3 * MiB * (double)i / 600 + (i >= 580 ? 100 * MiB : 0), 0, 0);
    memory_growth_t g;
    CHECK_EQ(memory_growth_detect(x->s, x->n, 600, &g), 0);
    free(x);
}

TEST(one_jump_that_stays_flat_is_not_a_trend) {
    series_t *x = series_new();
    for (size_t i = 0; i < 600; i++) add(x, (i < 240 ? 20 : 40) * MiB, 8 * MiB, 4 * MiB);
    memory_growth_t g;
    CHECK_EQ(memory_growth_detect(x->s, x->n, 600, &g), 0);
    free(x);
}

TEST(sustained_growth_names_the_component) {
    series_t *x = series_new();
    /* memtables grow 12 MiB over 10 minutes, the rest is steady with noise */
    for (size_t i = 0; i < 600; i++) add(x, 10 * MiB + noise(i, 0.2 * MiB), 4 * MiB + 12 * MiB * (double)i / 600, 2 * MiB);
    memory_growth_t g;
    CHECK_EQ(memory_growth_detect(x->s, x->n, 600, &g), 1);
    CHECK_EQ(g.window_s, 600);
    CHECK_EQ(g.component, MEMORY_COMPONENT_MEMTABLES);
    /* the median of the first and last fifth: about 4 + 1.2 and 4 + 10.8 MiB of memtables */
    CHECK(g.component_delta > 9 * MiB && g.component_delta < 10.5 * MiB);
    CHECK(g.percent > 50 && g.percent < 70);
    buf_t out;
    buf_init(&out);
    memory_growth_describe(&g, &out);
    buf_append_char(&out, '\0');
    CHECK(strstr(out.data, "over 10 minutes") != NULL);
    CHECK(strstr(out.data, "mostly in rocksdb memtables (+") != NULL);
    CHECK(strstr(out.data, "allocated +") == out.data);
    buf_fini(&out);
    free(x);
}

TEST(growth_outside_the_components_is_other) {
    series_t *x = series_new();
    for (size_t i = 0; i < 120; i++) add(x, 10 * MiB + 0.1 * MiB * (double)i, 4 * MiB, 2 * MiB + noise(i, 1024));
    memory_growth_t g;
    CHECK_EQ(memory_growth_detect(x->s, x->n, 60, &g), 1);
    CHECK_EQ(g.component, MEMORY_COMPONENT_OTHER);
    free(x);
}

TEST(small_or_short_growth_is_not_reported) {
    series_t *x = series_new();
    /* +5% over the window: under the 10% threshold */
    for (size_t i = 0; i < 60; i++) add(x, 100 * MiB + 5 * MiB * (double)i / 60, 0, 0);
    memory_growth_t g;
    CHECK_EQ(memory_growth_detect(x->s, x->n, 60, &g), 0);
    free(x);
    /* +50% but only 512 KiB: under the 1 MiB threshold */
    x = series_new();
    for (size_t i = 0; i < 60; i++) add(x, 1 * MiB + 0.5 * MiB * (double)i / 60, 0, 0);
    CHECK_EQ(memory_growth_detect(x->s, x->n, 60, &g), 0);
    free(x);
    /* a clear trend, but only 30 s of history for a 60 s window */
    x = series_new();
    for (size_t i = 0; i < 30; i++) add(x, 10 * MiB + 1 * MiB * (double)i, 0, 0);
    CHECK_EQ(memory_growth_detect(x->s, x->n, 60, &g), 0);
    CHECK_EQ(memory_growth_detect(x->s, x->n, 20, &g), 1);
    CHECK_EQ(memory_growth_detect(x->s, 0, 20, &g), 0);
    free(x);
}

TEST(only_the_window_counts) {
    series_t *x = series_new();
    /* grew during the first 10 minutes, steady for the last 2 */
    for (size_t i = 0; i < 720; i++) add(x, (10 + 20 * (double)(i < 600 ? i : 600) / 600) * MiB, 0, 0);
    memory_growth_t g;
    CHECK_EQ(memory_growth_detect(x->s, x->n, 120, &g), 0);
    CHECK_EQ(memory_growth_detect(x->s, x->n, 600, &g), 1);
    free(x);
}

TEST(parse_windows) {
    int64_t w[MEMORY_GROWTH_MAX_WINDOWS];
    char err[160];
    CHECK_EQ(memory_growth_parse_windows("60 600 3600", w, err, sizeof err), 3);
    CHECK_EQ(w[0], 60);
    CHECK_EQ(w[2], 3600);
    CHECK_EQ(memory_growth_parse_windows("  5  ", w, err, sizeof err), 1);
    CHECK_EQ(w[0], 5);
    CHECK_EQ(memory_growth_parse_windows("", w, err, sizeof err), -1);
    CHECK_EQ(memory_growth_parse_windows("0", w, err, sizeof err), -1);
    CHECK_EQ(memory_growth_parse_windows("10 x", w, err, sizeof err), -1);
    CHECK_EQ(memory_growth_parse_windows("86401", w, err, sizeof err), -1);
    CHECK_EQ(memory_growth_parse_windows("1 2 3 4 5 6 7 8 9", w, err, sizeof err), -1);
}

TEST(human_bytes) {
    char s[32];
    memory_bytes_human(s, sizeof s, 12.0 * MiB);
    CHECK(!strcmp(s, "12.0 MiB"));
    memory_bytes_human(s, sizeof s, 512);
    CHECK(!strcmp(s, "512 B"));
    memory_bytes_human(s, sizeof s, 1536);
    CHECK(!strcmp(s, "1.5 KiB"));
}

UNIT_MAIN
