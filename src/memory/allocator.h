#ifndef BASALT_MEMORY_ALLOCATOR_H
#define BASALT_MEMORY_ALLOCATOR_H

#include <stddef.h>
#include <stdint.h>

/* The process allocator's totals. With jemalloc these are exact (refreshed
 * through its epoch); on the system allocator (sanitizer builds) they come
 * from mallinfo2 and some are zero. */
typedef struct allocator_stats {
    uint64_t allocated; /* bytes in live allocations */
    uint64_t active;    /* bytes in active pages */
    uint64_t resident;  /* bytes the allocator has resident */
    uint64_t mapped;
    uint64_t metadata;
    uint64_t retained;
} allocator_stats_t;

/* "jemalloc-5.3.0" or "libc". */
const char *allocator_name(void);
int allocator_stats_read(allocator_stats_t *out);
/* Resident set size of the process, from /proc/self/statm. */
uint64_t process_rss_bytes(void);

#endif
