#ifndef BASALT_MEMORY_PROFILER_H
#define BASALT_MEMORY_PROFILER_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Run-time control of jemalloc's heap profiler: sampling on and off, the
 * sample interval, and dumps written safely (created new, mode 0600, never
 * through a symlink). Thread-safe; dumps are serialized. Functions that can
 * fail return 0 or -1 with a message in err. */

typedef struct profiler_status {
    int available;
    char why_unavailable[160];
    int active;
    uint64_t sample_bytes;  /* effective mean sample interval */
    int64_t active_since_ms; /* 0 when inactive */
    uint64_t dumps;
    char last_dump[4096];
    char conf_source[32]; /* "built-in" or "MALLOC_CONF" */
    uint64_t overhead_bytes; /* growth of the allocator's internal bytes since enable (estimate) */
} profiler_status_t;

/* Reads whether profiling can work in this process. Call once at start. */
void profiler_init(void);
int profiler_available(char *why, size_t cap);
/* Activates sampling (idempotent). sample_bytes > 0 sets the mean interval,
 * rounded to a power of two, and resets the collected profile. */
int profiler_enable(uint64_t sample_bytes, uint64_t *effective, char *err, size_t cap);
int profiler_disable(char *err, size_t cap);
void profiler_get_status(profiler_status_t *out);

/* The two halves of a dump, for callers that convert the profile first:
 * capture makes jemalloc write its heap_v2 text (in a private directory
 * under work_dir) and returns it in heap with the time; save writes
 * "jeprof.<pid>.<seq>.<time_ms><extension>" in dir (validated by the
 * caller) the same safe way, with its summary.json naming format. */
int profiler_capture(const char *work_dir, buf_t *heap, int64_t *time_ms, char *err, size_t cap);
int profiler_save(const char *dir, const char *format, const char *extension, const char *data, size_t len,
                  int64_t time_ms, const char *server_version, const char *summary_extra, char *path_out,
                  size_t path_cap, char *err, size_t cap);

/* Appends the allocator totals as JSON members (no braces). */
void profiler_totals_json(buf_t *out);

#endif
