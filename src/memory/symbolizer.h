#ifndef BASALT_MEMORY_SYMBOLIZER_H
#define BASALT_MEMORY_SYMBOLIZER_H

#include <stddef.h>
#include <stdint.h>

/* Code addresses of this process turned into source-level names with
 * elfutils' libdw: function (C++ demangled), file:line where debug
 * information exists, and the module (path, build ID). One process-wide
 * instance behind a lock (libdw's Dwfl is not thread-safe); results are
 * cached per address and live until the process ends, so the returned
 * pointers stay valid. */

typedef struct sym_frame {
    const char *function; /* never NULL; "??" when unknown */
    const char *file;     /* NULL without debug information */
    int line;
} sym_frame_t;

typedef struct sym_info {
    uint64_t pc;
    const sym_frame_t *frames; /* innermost (inlined callee) first; nframes >= 1 */
    size_t nframes;
    const char *module;   /* path of the module holding pc, NULL when none */
    const char *build_id; /* lower-case hex, "" when unknown */
} sym_info_t;

/* Resolves pc, an address inside an instruction: callers pass a return
 * address minus one. Never fails: unknown addresses give "??". Returns
 * NULL only when out of memory. Thread-safe. */
const sym_info_t *symbolizer_lookup(uint64_t pc);

/* Build ID (lower-case hex) of the module loaded at addr, malloc'ed;
 * "" when unknown, NULL when out of memory. Thread-safe. */
char *symbolizer_build_id_at(uint64_t addr);

/* Releases libdw's state (opened modules, DWARF, decompressed debug
 * sections: megabytes) but keeps the cached results; the next lookup of a
 * new address opens what it needs again. Call after each profile so the
 * server does not keep that memory between dumps. */
void symbolizer_trim(void);

/* Demangles a C++ symbol; returns a malloc'ed copy of name when it is not
 * mangled (or NULL when out of memory). */
char *symbolizer_demangle(const char *name);

#endif
