#ifndef BASALT_MEMORY_PROFILE_FORMATS_H
#define BASALT_MEMORY_PROFILE_FORMATS_H

#include <stddef.h>

#include "memory/heap_profile.h"
#include "util/buf.h"
#include "util/json.h"

/* The text formats of a heap profile, and the dispatch over every format.
 * Writers append to out and return 0, or -1 with a message. */

enum heap_format { HEAP_FMT_JEPROF, HEAP_FMT_PPROF, HEAP_FMT_COLLAPSED, HEAP_FMT_SVG, HEAP_FMT_JSON, HEAP_FMT_COUNT };

/* "jeprof", "pprof"... any case; -1 when unknown. */
int heap_format_parse(const char *name, size_t len);
const char *heap_format_name(enum heap_format f);
/* File name extension with its dot: ".heap", ".pb.gz", ".collapsed", ".svg", ".json". */
const char *heap_format_extension(enum heap_format f);
/* Whether this build can write f (pprof and svg come from their own modules). */
int heap_format_available(enum heap_format f);

int heap_profile_write(const heap_profile_t *p, enum heap_format f, buf_t *out, char *err, size_t cap);

/* jeprof's self-contained form: a "--- symbol" section (address -> names,
 * inlined frames joined by "--", outermost first) then "--- heap" and the
 * heap_v2 text, counts put back into the sampled form jeprof expects. */
int heap_profile_write_jeprof(const heap_profile_t *p, buf_t *out, char *err, size_t cap);
/* Folded stacks: "root;...;leaf <bytes>" per distinct stack. */
int heap_profile_write_collapsed(const heap_profile_t *p, buf_t *out, char *err, size_t cap);
/* Totals, sample interval, time and the top sites with their stacks. */
int heap_profile_write_json(const heap_profile_t *p, buf_t *out, char *err, size_t cap);

#endif
