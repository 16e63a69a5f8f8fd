#ifndef BASALT_MEMORY_HEAP_PROFILE_H
#define BASALT_MEMORY_HEAP_PROFILE_H

#include <stddef.h>
#include <stdint.h>

/* A heap profile as the output formats see it: a jemalloc dump parsed,
 * its addresses symbolized in-process. Built by heap_profile_load (or by
 * hand in tests) and released by heap_profile_free, which frees every
 * string and array below: the profile owns all of them. */

/* One source-level frame. Several share an address when the compiler
 * inlined callees into the caller. */
typedef struct heap_frame {
    const char *function; /* demangled; "??" when unknown, never NULL */
    const char *file;     /* source file, NULL without debug information */
    int line;             /* 0 when unknown */
} heap_frame_t;

/* One distinct code address of the profile. */
typedef struct heap_location {
    uint64_t address;
    int mapping;          /* index into mappings, -1 when none covers it */
    heap_frame_t *frames; /* innermost (inlined callee) first; nframes >= 1 */
    size_t nframes;
} heap_location_t;

/* One executable mapping of the process, from /proc/self/maps. */
typedef struct heap_mapping {
    uint64_t start, limit, offset;
    const char *path;     /* module file ("[vdso]" and such kept as is) */
    const char *build_id; /* lower-case hex, "" when the module has none */
} heap_mapping_t;

/* One call stack with its estimated (already unsampled) heap use. */
typedef struct heap_sample {
    size_t *locations;    /* indexes into locations, leaf (allocation site) first */
    size_t nlocations;
    uint64_t inuse_objects, inuse_bytes;
    uint64_t alloc_objects, alloc_bytes; /* accumulated; 0 when the allocator does not track them */
} heap_sample_t;

typedef struct heap_profile {
    uint64_t sample_period; /* mean bytes between samples (jemalloc's lg_prof_sample) */
    int64_t time_ms;        /* unix ms of the dump */
    int pid;
    const char *title;      /* e.g. "basalt-server 0.1.0 pid 1234"; may be "" */
    uint64_t total_inuse_objects, total_inuse_bytes; /* sums over samples */
    uint64_t total_alloc_objects, total_alloc_bytes;
    heap_sample_t *samples;
    size_t nsamples;
    heap_location_t *locations;
    size_t nlocations;
    heap_mapping_t *mappings;
    size_t nmappings;
} heap_profile_t;

/* ---- building a profile (heap_profile.c) ---- */

/* Reads a heap profile: jemalloc's heap_v2 text (counts scaled to
 * unsampled estimates as jeprof does: jemalloc 5.3 writes the values that
 * jeprof's correction turns into its estimate), or the self-contained
 * jeprof form heap_profile_write_jeprof writes (names from its symbol
 * section). Addresses without a name are symbolized in this process when
 * symbolize is set (a dump of this very process), and frames inside the
 * allocator are dropped from the leaf end of every stack, so each stack
 * starts at its allocation site. Returns 0, or -1 with a message. */
int heap_profile_load(const char *text, size_t len, int symbolize, heap_profile_t **out, char *err, size_t cap);
/* Frees p and everything it owns; NULL is fine. */
void heap_profile_free(heap_profile_t *p);

/* Checks that every sample's locations and every location's mapping index
 * exist, so a writer never reads out of bounds of a hand-built profile.
 * 0, or -1 with the first bad index in err. */
int heap_profile_check(const heap_profile_t *p, char *err, size_t cap);

/* jemalloc's sampling correction: the estimate a sampled pair (count,
 * bytes) stands for at this mean sample interval, and its inverse. */
void heap_unsample(uint64_t period, uint64_t count, uint64_t bytes, uint64_t *est_count, uint64_t *est_bytes);
void heap_resample(uint64_t period, uint64_t est_count, uint64_t est_bytes, uint64_t *count, uint64_t *bytes);

#endif
