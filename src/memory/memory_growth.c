#include "memory/memory_growth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strutil.h"

#define SLICES 5
#define MIN_SAMPLES 5
#define MIN_PERCENT 10.0
#define MIN_BYTES (1024.0 * 1024.0)
#define NOISE_FRACTION 0.01
#define NOISE_MIN_BYTES (64.0 * 1024.0)

static const char *const component_names[MEMORY_COMPONENT_COUNT] = {
    "rocksdb memtables", "the rocksdb block cache", "rocksdb table readers", "client buffers",
    "the heap profiler", "heap outside the tracked components",
};

const char *memory_component_name(enum memory_component c) {
    return c < MEMORY_COMPONENT_COUNT ? component_names[c] : "?";
}

static uint64_t component_bytes(const memory_sample_t *s, enum memory_component c) {
    uint64_t tracked = s->memtables + s->block_cache + s->table_readers + s->client_buffers + s->profiler;
    switch (c) {
    case MEMORY_COMPONENT_MEMTABLES: return s->memtables;
    case MEMORY_COMPONENT_BLOCK_CACHE: return s->block_cache;
    case MEMORY_COMPONENT_TABLE_READERS: return s->table_readers;
    case MEMORY_COMPONENT_CLIENT_BUFFERS: return s->client_buffers;
    case MEMORY_COMPONENT_PROFILER: return s->profiler;
    default: return s->allocated > tracked ? s->allocated - tracked : 0;
    }
}

static int compare_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of one value over samples [from, to); component < 0 = allocated. */
static double slice_median(const memory_sample_t *s, size_t from, size_t to, int component, double *scratch) {
    size_t n = to - from;
    for (size_t i = 0; i < n; i++)
        scratch[i] = component < 0 ? (double)s[from + i].allocated
                                   : (double)component_bytes(&s[from + i], (enum memory_component)component);
    qsort(scratch, n, sizeof *scratch, compare_double);
    return n % 2 ? scratch[n / 2] : (scratch[n / 2 - 1] + scratch[n / 2]) / 2;
}

int memory_growth_detect(const memory_sample_t *samples, size_t n, int64_t window_s, memory_growth_t *out) {
    if (n == 0 || window_s <= 0) return 0;
    int64_t newest = samples[n - 1].time_ms;
    size_t first = n;
    while (first > 0 && samples[first - 1].time_ms > newest - window_s * 1000) first--;
    size_t count = n - first;
    /* One sample stands for the second before it, hence the + 1000. */
    int64_t covered_ms = newest - samples[first].time_ms + 1000;
    if (count < MIN_SAMPLES || covered_ms * 10 < window_s * 1000 * 8) return 0;
    const memory_sample_t *s = samples + first;

    double *scratch = malloc(count * sizeof *scratch);
    if (!scratch) return 0;
    double medians[SLICES];
    size_t bounds[SLICES + 1];
    for (size_t i = 0; i <= SLICES; i++) bounds[i] = i * count / SLICES;
    for (size_t i = 0; i < SLICES; i++) medians[i] = slice_median(s, bounds[i], bounds[i + 1], -1, scratch);

    double tolerance = medians[0] * NOISE_FRACTION;
    if (tolerance < NOISE_MIN_BYTES) tolerance = NOISE_MIN_BYTES;
    int rising = 0, falling = 0;
    for (size_t i = 1; i < SLICES; i++) {
        if (medians[i] > medians[i - 1] + tolerance) rising++;
        if (medians[i] < medians[i - 1] - tolerance) falling++;
    }
    double growth = medians[SLICES - 1] - medians[0];
    int found = falling == 0 && rising >= 3 && growth >= MIN_BYTES && medians[0] > 0 &&
                growth * 100.0 / medians[0] >= MIN_PERCENT;
    if (found) {
        memset(out, 0, sizeof *out);
        out->window_s = window_s;
        out->from = (uint64_t)medians[0];
        out->to = (uint64_t)medians[SLICES - 1];
        out->percent = growth * 100.0 / medians[0];
        double best = -1;
        for (int c = 0; c < MEMORY_COMPONENT_COUNT; c++) {
            double delta = slice_median(s, bounds[SLICES - 1], bounds[SLICES], c, scratch) -
                           slice_median(s, bounds[0], bounds[1], c, scratch);
            if (delta > best) {
                best = delta;
                out->component = (enum memory_component)c;
                out->component_delta = (int64_t)delta;
            }
        }
    }
    free(scratch);
    return found;
}

void memory_bytes_human(char *dst, size_t cap, double bytes) {
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    size_t u = 0;
    double v = bytes < 0 ? -bytes : bytes;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(dst, cap, "%s%.0f B", bytes < 0 ? "-" : "", v);
    else
        snprintf(dst, cap, "%s%.1f %s", bytes < 0 ? "-" : "", v, units[u]);
}

static void describe_window(char *dst, size_t cap, int64_t s) {
    if (s % 3600 == 0)
        snprintf(dst, cap, "%lld hour%s", (long long)(s / 3600), s == 3600 ? "" : "s");
    else if (s % 60 == 0)
        snprintf(dst, cap, "%lld minute%s", (long long)(s / 60), s == 60 ? "" : "s");
    else
        snprintf(dst, cap, "%lld second%s", (long long)s, s == 1 ? "" : "s");
}

void memory_growth_describe(const memory_growth_t *g, buf_t *out) {
    char window[48], from[32], to[32], delta[32];
    describe_window(window, sizeof window, g->window_s);
    memory_bytes_human(from, sizeof from, (double)g->from);
    memory_bytes_human(to, sizeof to, (double)g->to);
    memory_bytes_human(delta, sizeof delta, (double)g->component_delta);
    buf_appendf(out, "allocated +%.0f%% over %s (%s -> %s), mostly in %s (+%s)", g->percent, window, from, to,
                memory_component_name(g->component), delta);
}

int memory_growth_parse_windows(const char *text, int64_t *windows, char *err, size_t cap) {
    int n = 0;
    const char *p = text;
    for (;;) {
        while (*p == ' ') p++;
        if (!*p) break;
        size_t len = strcspn(p, " ");
        long long v;
        if (!str_to_ll(p, len, &v) || v < 1 || v > 24LL * 3600) {
            snprintf(err, cap, "windows must be numbers of seconds between 1 and 86400, separated by spaces");
            return -1;
        }
        if (n == MEMORY_GROWTH_MAX_WINDOWS) {
            snprintf(err, cap, "at most %d windows", MEMORY_GROWTH_MAX_WINDOWS);
            return -1;
        }
        windows[n++] = v;
        p += len;
    }
    if (n == 0) {
        snprintf(err, cap, "at least one window is needed");
        return -1;
    }
    return n;
}
