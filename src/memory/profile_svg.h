#ifndef BASALT_MEMORY_PROFILE_SVG_H
#define BASALT_MEMORY_PROFILE_SVG_H

#include <stddef.h>

#include "memory/heap_profile.h"
#include "util/buf.h"

/* Appends p to out as a standalone SVG flame graph of in-use bytes, for a
 * person with a browser: no script, no external resource.
 *   - Root ("all") at the bottom, callers below callees; each box is one
 *     function in one calling context (equal frames under one parent are
 *     merged; inlined frames are boxes of their own), its width
 *     proportional to the in-use bytes below it; siblings widest first.
 *   - Boxes narrower than SVG_MIN_WIDTH_PX are not drawn; the bytes left
 *     out that way are stated under the graph.
 *   - Names are cut to fit the box (monospace glyph width estimated); the
 *     hover text (<title>) has the full name, file, bytes, objects and
 *     percentage. Colours are a hash of the function name, so a function
 *     keeps its colour from one dump to the next.
 *   - A heading with p->title, the totals, the sample interval and time.
 * Every string from the profile is XML-escaped; invalid UTF-8 and control
 * characters become '?'. Reads p only. Returns 0, or -1 with a message in
 * err (capacity cap) when p is inconsistent (an index out of range) or
 * memory runs out; out is then left as it was. */
int heap_profile_write_svg(const heap_profile_t *p, buf_t *out, char *err, size_t cap);

#define SVG_MIN_WIDTH_PX 0.5

#endif
