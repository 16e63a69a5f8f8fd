#ifndef BASALT_MEMORY_ALLOCATOR_H
#define BASALT_MEMORY_ALLOCATOR_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* The process allocator's totals. With jemalloc these are exact (refreshed
 * through its epoch, mallctl "stats.*"); on the system allocator
 * (sanitizer builds) only allocated/mapped are known and the rest is 0. */
typedef struct allocator_stats {
    uint64_t allocated; /* bytes in live allocations */
    uint64_t active;    /* bytes in active pages */
    uint64_t resident;  /* bytes the allocator has resident */
    uint64_t mapped;
    uint64_t metadata;
    uint64_t retained;
    uint64_t internal;     /* the allocator's own internal allocations (incl. profiler data) */
    uint64_t nmalloc;      /* allocation requests since start (thread caches merged at each epoch) */
    uint64_t ndalloc;      /* nmalloc - live_objects */
    uint64_t live_objects; /* objects in use; those parked in thread caches count as live */
    uint64_t largest_live_class; /* size class of the largest live allocation */
} allocator_stats_t;

/* "jemalloc-5.3.0" or "libc". */
const char *allocator_name(void);
int allocator_stats_read(allocator_stats_t *out);
/* Resident set size of the process, from /proc/self/statm. */
uint64_t process_rss_bytes(void);

/* The calling thread's allocated/deallocated byte counters, as pointers
 * another thread may read (jemalloc "thread.allocatedp"). NULL when not
 * available. Call on the thread to be observed. */
void allocator_thread_counters(const uint64_t **allocated, const uint64_t **deallocated);

/* Appends jemalloc's statistics text (malloc_stats_print). */
void allocator_stats_text(buf_t *out);
/* Returns dirty pages of every arena to the OS. Returns 0 or -1. */
int allocator_purge(void);

#endif
