#ifndef BASALT_MEMORY_MEMORY_HISTORY_H
#define BASALT_MEMORY_MEMORY_HISTORY_H

#include <stddef.h>
#include <stdint.h>

/* The memory timeline: a fixed-size ring of per-second samples of the
 * allocator totals and the memory components, written by one sampler thread
 * and read by commands on any worker. Memory is bounded: capacity *
 * sizeof(memory_sample_t) bytes (80 bytes a sample; 3600 samples = 281 KiB),
 * allocated once (and again only when the capacity changes). */

typedef struct memory_sample {
    int64_t time_ms;          /* wall clock, Unix milliseconds */
    uint64_t allocated;       /* allocator: bytes in live allocations */
    uint64_t active;          /* allocator: bytes in active pages */
    uint64_t resident;        /* allocator: resident bytes */
    uint64_t rss;             /* process resident set size */
    uint64_t memtables;       /* RocksDB memtables */
    uint64_t block_cache;     /* RocksDB block cache usage */
    uint64_t table_readers;   /* RocksDB index and filter blocks outside the cache */
    uint64_t client_buffers;  /* client structs, query and output buffers */
    uint64_t profiler;        /* heap profiler overhead (estimate) */
} memory_sample_t;

/* Field names in the order of memory_sample_t, as KPROFILE MEMORY HISTORY
 * shows them. */
enum { MEMORY_SAMPLE_FIELDS = 10 };
const char *memory_sample_field_name(size_t i);
/* Field i of s as a signed integer (every value fits: bytes and ms). */
long long memory_sample_field(const memory_sample_t *s, size_t i);

typedef struct memory_history memory_history_t;

/* A ring of `capacity` samples (at least 1). NULL when out of memory. */
memory_history_t *memory_history_new(size_t capacity);
void memory_history_free(memory_history_t *h);
/* Changes the capacity, keeping the newest samples that fit. Returns 0, or
 * -1 when out of memory (the ring is unchanged). */
int memory_history_resize(memory_history_t *h, size_t capacity);
size_t memory_history_capacity(memory_history_t *h);
size_t memory_history_count(memory_history_t *h);
/* Appends a sample, overwriting the oldest when full. */
void memory_history_push(memory_history_t *h, const memory_sample_t *s);
/* Copies the samples of the last `seconds` (those newer than the newest
 * sample's time minus `seconds`; 0 = all), oldest first, into a new array
 * the caller frees (NULL when there are none). Returns 0, or -1 when out of
 * memory. */
int memory_history_snapshot(memory_history_t *h, int64_t seconds, memory_sample_t **out, size_t *count);

#endif
