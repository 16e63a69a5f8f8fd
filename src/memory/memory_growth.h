#ifndef BASALT_MEMORY_MEMORY_GROWTH_H
#define BASALT_MEMORY_MEMORY_GROWTH_H

#include <stddef.h>
#include <stdint.h>

#include "memory/memory_history.h"
#include "util/buf.h"

/* Sustained-growth detection on the memory timeline, for MEMORY DOCTOR.
 *
 * The samples of a window are cut into (up to) five equal slices and each
 * slice is reduced to its median, so a spike of a few samples moves
 * nothing. Growth is reported when the medians form a rising staircase:
 * no slice falls back by more than the noise tolerance (1% of the start,
 * at least 64 KiB), at least three of the four steps rise by more than it
 * (a single jump of memory that then stays flat is not a trend),
 * and the last median is at least 10% and 1 MiB above the first. A window
 * needs five samples covering 80% of its length, so a server younger than
 * the window is not judged on it. */

#define MEMORY_GROWTH_MAX_WINDOWS 8

/* The component a growth is attributed to (the largest rise of a slice
 * median, first to last slice); MEMORY_COMPONENT_OTHER is the allocated
 * bytes not in any tracked component (data structures, caches, leaks). */
enum memory_component {
    MEMORY_COMPONENT_MEMTABLES,
    MEMORY_COMPONENT_BLOCK_CACHE,
    MEMORY_COMPONENT_TABLE_READERS,
    MEMORY_COMPONENT_CLIENT_BUFFERS,
    MEMORY_COMPONENT_PROFILER,
    MEMORY_COMPONENT_OTHER,
    MEMORY_COMPONENT_COUNT
};
const char *memory_component_name(enum memory_component c);

typedef struct memory_growth {
    int64_t window_s;
    uint64_t from, to; /* median allocated bytes of the first and last slice */
    double percent;    /* (to - from) / from * 100 */
    enum memory_component component;
    int64_t component_delta; /* bytes */
} memory_growth_t;

/* Looks for sustained growth of allocated bytes over the last window_s
 * seconds of samples (oldest first, as memory_history_snapshot gives them).
 * Returns 1 and fills *out when found, else 0. */
int memory_growth_detect(const memory_sample_t *samples, size_t n, int64_t window_s, memory_growth_t *out);

/* Appends one sentence: "allocated +38% over 10 minutes (12.0 MiB -> 16.6
 * MiB), mostly in rocksdb memtables (+3.9 MiB)". */
void memory_growth_describe(const memory_growth_t *g, buf_t *out);

/* Parses the memory-doctor-windows value: 1 to MEMORY_GROWTH_MAX_WINDOWS
 * positive numbers of seconds separated by spaces. Returns the count, or -1
 * with a reason in err. */
int memory_growth_parse_windows(const char *text, int64_t *windows, char *err, size_t cap);

/* "12.0 MiB" style, for messages. */
void memory_bytes_human(char *dst, size_t cap, double bytes);

#endif
