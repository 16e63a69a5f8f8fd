#include "memory/allocator.h"

#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef BASALT_NO_JEMALLOC
#include <jemalloc/jemalloc.h>

/* Profiling compiled in but inactive, so it can be switched on at run time
 * without a restart; a MALLOC_CONF in the environment still wins. */
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

static uint64_t read_size_stat(const char *name) {
    size_t v = 0, len = sizeof v;
    if (mallctl(name, &v, &len, NULL, 0) != 0) return 0;
    return v;
}

int allocator_stats_read(allocator_stats_t *out) {
    uint64_t epoch = 1;
    size_t len = sizeof epoch;
    mallctl("epoch", &epoch, &len, &epoch, len);
    out->allocated = read_size_stat("stats.allocated");
    out->active = read_size_stat("stats.active");
    out->resident = read_size_stat("stats.resident");
    out->mapped = read_size_stat("stats.mapped");
    out->metadata = read_size_stat("stats.metadata");
    out->retained = read_size_stat("stats.retained");
    return 0;
}

#elif defined(__SANITIZE_ADDRESS__)
/* From libasan's allocator interface (the header is not always shipped). */
size_t __sanitizer_get_current_allocated_bytes(void);
size_t __sanitizer_get_heap_size(void);

/* AddressSanitizer replaces malloc; its own counters are the truth. */
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

uint64_t process_rss_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long long size = 0, resident = 0;
    int n = fscanf(f, "%llu %llu", &size, &resident);
    fclose(f);
    if (n != 2) return 0;
    return resident * (uint64_t)sysconf(_SC_PAGESIZE);
}
