#ifndef BASALT_MEMORY_PROFILE_SITES_H
#define BASALT_MEMORY_PROFILE_SITES_H

#include <stddef.h>
#include <stdint.h>

#include "memory/heap_profile.h"

/* Allocation sites: the stacks of a profile cut to their first `depth`
 * source frames (leaf first, inlined frames counted), those that agree on
 * the function names of these frames merged. What TOP, DIFF and the json
 * format show. */

typedef struct heap_site {
    char *key;      /* function names joined by "\n" (the grouping key) */
    char **frames;  /* "function (file:line)" or "function", leaf first */
    size_t nframes;
    int64_t bytes, objects;           /* estimates; DIFF: growth (may be < 0) */
    int64_t base_bytes, base_objects; /* DIFF: in the base profile */
    int64_t best_bytes;               /* the frames shown are those of the biggest stack */
} heap_site_t;

typedef struct heap_site_list {
    heap_site_t *sites;
    size_t n, cap;
    /* key -> index */
    size_t *slots;
    size_t nslots;
} heap_site_list_t;

enum heap_site_order { SITES_BY_BYTES, SITES_BY_OBJECTS };

/* Groups p's stacks (depth 0 = whole stacks). Returns 0 or -1 when out of
 * memory. */
int heap_sites_build(const heap_profile_t *p, size_t depth, heap_site_list_t *out);
/* Sites of cur minus those of base (bytes, objects = growth). */
int heap_sites_diff(const heap_profile_t *base, const heap_profile_t *cur, size_t depth, heap_site_list_t *out);
/* The site of sample s of p in l (built with depth 0, not sorted yet), or NULL. */
heap_site_t *heap_sites_lookup(heap_site_list_t *l, const heap_profile_t *p, const heap_sample_t *s);
/* Largest first (growth first for a diff). */
void heap_sites_sort(heap_site_list_t *l, enum heap_site_order order);
void heap_sites_free(heap_site_list_t *l);

/* The source frames of a sample, leaf first, inlined frames expanded;
 * calls fn for each until it returns non-zero. */
typedef int (*heap_frame_fn)(const heap_frame_t *f, const heap_location_t *loc, void *arg);
void heap_sample_frames(const heap_profile_t *p, const heap_sample_t *s, heap_frame_fn fn, void *arg);

/* "function (file:line)" (file as its last two path components) into out. */
void heap_frame_label(const heap_frame_t *f, char *out, size_t cap);

#endif
