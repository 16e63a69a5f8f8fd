#ifndef BASALT_MEMORY_DEBUG_LEAK_H
#define BASALT_MEMORY_DEBUG_LEAK_H

#include <stddef.h>

/* A test instrument for the sanitizer build (DEBUG LEAK): allocates `bytes`
 * and loses the only pointer, a real leak that LeakSanitizer must report
 * when the server exits. It proves the leak check runs at all: a suite that
 * passes with it disabled would look the same. Returns 0, or -1 when out
 * of memory. */
int debug_leak(size_t bytes);

#endif
