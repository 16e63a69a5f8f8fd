#include "memory/memory_history.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct memory_history {
    pthread_mutex_t lock; /* one writer (the sampler), readers on workers */
    memory_sample_t *ring;
    size_t capacity;
    size_t start; /* index of the oldest sample */
    size_t count;
};

static const struct {
    const char *name;
    size_t offset;
} fields[MEMORY_SAMPLE_FIELDS] = {
    {"time_ms", offsetof(memory_sample_t, time_ms)},
    {"allocated", offsetof(memory_sample_t, allocated)},
    {"active", offsetof(memory_sample_t, active)},
    {"resident", offsetof(memory_sample_t, resident)},
    {"rss", offsetof(memory_sample_t, rss)},
    {"rocksdb.memtables", offsetof(memory_sample_t, memtables)},
    {"rocksdb.block_cache", offsetof(memory_sample_t, block_cache)},
    {"rocksdb.table_readers", offsetof(memory_sample_t, table_readers)},
    {"clients.buffers", offsetof(memory_sample_t, client_buffers)},
    {"profiler.overhead", offsetof(memory_sample_t, profiler)},
};

/* Every field is 8 bytes: the ring's size per sample is what the docs say. */
_Static_assert(sizeof(memory_sample_t) == MEMORY_SAMPLE_FIELDS * 8, "memory_sample_t has padding or extra fields");

const char *memory_sample_field_name(size_t i) { return i < MEMORY_SAMPLE_FIELDS ? fields[i].name : NULL; }

long long memory_sample_field(const memory_sample_t *s, size_t i) {
    const char *base = (const char *)s + fields[i].offset;
    if (i == 0) return (long long)s->time_ms;
    uint64_t v;
    memcpy(&v, base, sizeof v);
    return v > (uint64_t)INT64_MAX ? INT64_MAX : (long long)v;
}

memory_history_t *memory_history_new(size_t capacity) {
    if (capacity == 0) capacity = 1;
    memory_history_t *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->ring = calloc(capacity, sizeof *h->ring);
    if (!h->ring) {
        free(h);
        return NULL;
    }
    h->capacity = capacity;
    pthread_mutex_init(&h->lock, NULL);
    return h;
}

void memory_history_free(memory_history_t *h) {
    if (!h) return;
    pthread_mutex_destroy(&h->lock);
    free(h->ring);
    free(h);
}

/* Copies the newest `n` of the held samples, oldest first. Lock held. */
static void copy_newest(const memory_history_t *h, size_t n, memory_sample_t *dst) {
    size_t first = h->start + (h->count - n);
    for (size_t i = 0; i < n; i++) dst[i] = h->ring[(first + i) % h->capacity];
}

int memory_history_resize(memory_history_t *h, size_t capacity) {
    if (capacity == 0) capacity = 1;
    memory_sample_t *ring = calloc(capacity, sizeof *ring);
    if (!ring) return -1;
    pthread_mutex_lock(&h->lock);
    size_t keep = h->count < capacity ? h->count : capacity;
    copy_newest(h, keep, ring);
    free(h->ring);
    h->ring = ring;
    h->capacity = capacity;
    h->start = 0;
    h->count = keep;
    pthread_mutex_unlock(&h->lock);
    return 0;
}

size_t memory_history_capacity(memory_history_t *h) {
    pthread_mutex_lock(&h->lock);
    size_t n = h->capacity;
    pthread_mutex_unlock(&h->lock);
    return n;
}

size_t memory_history_count(memory_history_t *h) {
    pthread_mutex_lock(&h->lock);
    size_t n = h->count;
    pthread_mutex_unlock(&h->lock);
    return n;
}

void memory_history_push(memory_history_t *h, const memory_sample_t *s) {
    pthread_mutex_lock(&h->lock);
    if (h->count < h->capacity) {
        h->ring[(h->start + h->count) % h->capacity] = *s;
        h->count++;
    } else {
        h->ring[h->start] = *s;
        h->start = (h->start + 1) % h->capacity;
    }
    pthread_mutex_unlock(&h->lock);
}

int memory_history_snapshot(memory_history_t *h, int64_t seconds, memory_sample_t **out, size_t *count) {
    *out = NULL;
    *count = 0;
    pthread_mutex_lock(&h->lock);
    size_t n = h->count;
    if (n > 0 && seconds > 0 && seconds < INT64_MAX / 1000) {
        int64_t newest = h->ring[(h->start + h->count - 1) % h->capacity].time_ms;
        int64_t after = newest - seconds * 1000;
        n = 0; /* samples are in time order: count back from the newest */
        while (n < h->count && h->ring[(h->start + h->count - 1 - n) % h->capacity].time_ms > after) n++;
    }
    int rc = 0;
    if (n > 0) {
        memory_sample_t *copy = malloc(n * sizeof *copy);
        if (copy) {
            copy_newest(h, n, copy);
            *out = copy;
            *count = n;
        } else {
            rc = -1;
        }
    }
    pthread_mutex_unlock(&h->lock);
    return rc;
}
