#ifndef BASALT_MEMORY_PROFILE_DUMP_H
#define BASALT_MEMORY_PROFILE_DUMP_H

#include <stddef.h>

#include "memory/heap_profile.h"
#include "memory/profile_formats.h"

/* A fresh profile of this process: jemalloc's dump (written in a private
 * directory under work_dir), parsed and symbolized, with time, pid and
 * title set. Slow (symbolization): call it off the worker threads. The
 * caller frees the result with heap_profile_free. NULL with err on failure. */
heap_profile_t *profile_capture_symbolized(const char *work_dir, const char *title, char *err, size_t cap);

/* Captures as above and writes it in format f into dir (validated by the
 * caller) with its summary.json, the way profiler_save does. The path goes
 * to path_out. 0, or -1 with err. */
int profile_dump_to_dir(const char *dir, const char *work_dir, enum heap_format f, const char *title,
                        const char *server_version, const char *summary_extra, char *path_out, size_t path_cap,
                        char *err, size_t cap);

#endif
