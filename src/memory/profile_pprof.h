#ifndef BASALT_MEMORY_PROFILE_PPROF_H
#define BASALT_MEMORY_PROFILE_PPROF_H

#include <stddef.h>

#include "memory/heap_profile.h"
#include "util/buf.h"

/* Appends p to out as a gzipped pprof profile.proto (the format of
 * github.com/google/pprof/proto/profile.proto), readable by
 * `go tool pprof`, speedscope and Pyroscope:
 *   sample types alloc_objects/count, alloc_space/bytes,
 *   inuse_objects/count, inuse_space/bytes (default inuse_space), values
 *   as given (already unsampled: pprof does not rescale them);
 *   period type space/bytes, period = p->sample_period;
 *   one Location per heap_location (id = index + 1) with its inlined frames
 *   as Lines, innermost first; one Function per distinct (name, file);
 *   one Mapping per heap_mapping (id = index + 1), marked as symbolized;
 *   time_nanos from p->time_ms, the title and totals as comments.
 * Reads p only. Returns 0, or -1 with a message in err (capacity cap) when
 * p is inconsistent (an index out of range) or memory or zlib fail; out is
 * then left as it was. */
int heap_profile_write_pprof(const heap_profile_t *p, buf_t *out, char *err, size_t cap);

#endif
