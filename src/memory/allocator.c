#include "memory/allocator.h"

#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef BASALT_NO_JEMALLOC
#include <jemalloc/jemalloc.h>

/* Profiling compiled in but inactive, so it can be switched on at run time
 * without a restart (KPROFILE MEMORY ENABLE); a MALLOC_CONF in the
 * environment still wins. Mean sample interval 2^19 = 512 KiB. */
const char *malloc_conf = "prof:true,prof_active:false,lg_prof_sample:19";

const char *allocator_name(void) {
    static char name[64];
    if (!name[0]) {
        const char *version = NULL;
        size_t len = sizeof version;
        if (mallctl("version", &version, &len, NULL, 0) == 0 && version) {
            /* "5.3.0-0-g54eaed1d8b56..." -> "5.3.0" */
            snprintf(name, sizeof name, "jemalloc-%.*s", (int)strcspn(version, "-"), version);
        } else {
            snprintf(name, sizeof name, "jemalloc");
        }
    }
    return name;
}

static uint64_t read_size(const char *name) {
    size_t v = 0, len = sizeof v;
    if (mallctl(name, &v, &len, NULL, 0) != 0) return 0;
    return v;
}

static uint64_t read_u64(const char *name) {
    uint64_t v = 0;
    size_t len = sizeof v;
    if (mallctl(name, &v, &len, NULL, 0) != 0) return 0;
    return v;
}

static unsigned read_unsigned(const char *name) {
    unsigned v = 0;
    size_t len = sizeof v;
    if (mallctl(name, &v, &len, NULL, 0) != 0) return 0;
    return v;
}

/* MALLCTL_ARENAS_ALL: the merged statistics of every arena. */
#define ALL_ARENAS "4096"

/* Walks the size classes once: live objects (regions of small bins plus
 * large extents in use; objects parked in thread caches count as live, as
 * jemalloc sees them) and the largest class with a live object. */
static void count_live(uint64_t *live, uint64_t *largest) {
    char name[128];
    *live = 0;
    *largest = 0;
    unsigned nbins = read_unsigned("arenas.nbins");
    for (unsigned j = 0; j < nbins; j++) {
        snprintf(name, sizeof name, "stats.arenas." ALL_ARENAS ".bins.%u.curregs", j);
        uint64_t n = read_size(name);
        *live += n;
        if (n) {
            snprintf(name, sizeof name, "arenas.bin.%u.size", j);
            *largest = read_size(name);
        }
    }
    unsigned nlextents = read_unsigned("arenas.nlextents");
    for (unsigned j = 0; j < nlextents; j++) {
        snprintf(name, sizeof name, "stats.arenas." ALL_ARENAS ".lextents.%u.curlextents", j);
        uint64_t n = read_size(name);
        *live += n;
        if (n) {
            snprintf(name, sizeof name, "arenas.lextent.%u.size", j);
            *largest = read_size(name);
        }
    }
}

int allocator_stats_read(allocator_stats_t *out) {
    memset(out, 0, sizeof *out);
    uint64_t epoch = 1;
    size_t len = sizeof epoch;
    if (mallctl("epoch", &epoch, &len, &epoch, len) != 0) return -1;
    out->allocated = read_size("stats.allocated");
    out->active = read_size("stats.active");
    out->resident = read_size("stats.resident");
    out->mapped = read_size("stats.mapped");
    out->metadata = read_size("stats.metadata");
    out->retained = read_size("stats.retained");
    out->internal = read_size("stats.arenas." ALL_ARENAS ".internal");
    /* nrequests counts every malloc, thread-cache hits included (merged
     * into the arena at each epoch); frees are what is no longer live. */
    out->nmalloc = read_u64("stats.arenas." ALL_ARENAS ".small.nrequests") +
                   read_u64("stats.arenas." ALL_ARENAS ".large.nrequests");
    count_live(&out->live_objects, &out->largest_live_class);
    out->ndalloc = out->nmalloc > out->live_objects ? out->nmalloc - out->live_objects : 0;
    return 0;
}

void allocator_thread_counters(const uint64_t **allocated, const uint64_t **deallocated) {
    uint64_t *a = NULL, *d = NULL;
    size_t len = sizeof a;
    if (mallctl("thread.allocatedp", &a, &len, NULL, 0) != 0) a = NULL;
    len = sizeof d;
    if (mallctl("thread.deallocatedp", &d, &len, NULL, 0) != 0) d = NULL;
    *allocated = a;
    *deallocated = d;
}

static void stats_write(void *arg, const char *text) { buf_append_cstr(arg, text); }

void allocator_stats_text(buf_t *out) { malloc_stats_print(stats_write, out, NULL); }

int allocator_purge(void) { return mallctl("arena." ALL_ARENAS ".purge", NULL, NULL, NULL, 0) == 0 ? 0 : -1; }

#else /* the system allocator: sanitizer builds */

#if defined(__SANITIZE_ADDRESS__)
/* From libasan's allocator interface (the header is not always shipped). */
size_t __sanitizer_get_current_allocated_bytes(void);
size_t __sanitizer_get_heap_size(void);

const char *allocator_name(void) { return "libc (asan)"; }

int allocator_stats_read(allocator_stats_t *out) {
    memset(out, 0, sizeof *out);
    out->allocated = __sanitizer_get_current_allocated_bytes();
    out->active = out->allocated;
    out->mapped = __sanitizer_get_heap_size();
    out->resident = out->mapped;
    return 0;
}
#else
const char *allocator_name(void) { return "libc"; }

int allocator_stats_read(allocator_stats_t *out) {
    memset(out, 0, sizeof *out);
    struct mallinfo2 mi = mallinfo2();
    out->allocated = mi.uordblks + mi.hblkhd;
    out->active = out->allocated;
    out->mapped = mi.arena + mi.hblkhd;
    out->resident = out->mapped;
    return 0;
}
#endif

void allocator_thread_counters(const uint64_t **allocated, const uint64_t **deallocated) {
    *allocated = NULL;
    *deallocated = NULL;
}

void allocator_stats_text(buf_t *out) { buf_append_cstr(out, "Stats not supported for the current allocator\n"); }

int allocator_purge(void) { return 0; }

#endif

uint64_t process_rss_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long long size = 0, resident = 0;
    int n = fscanf(f, "%llu %llu", &size, &resident);
    fclose(f);
    if (n != 2) return 0;
    return resident * (uint64_t)sysconf(_SC_PAGESIZE);
}
