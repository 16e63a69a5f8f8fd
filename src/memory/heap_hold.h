#ifndef BASALT_MEMORY_HEAP_HOLD_H
#define BASALT_MEMORY_HEAP_HOLD_H

#include <stddef.h>

/* A test instrument for the profiler's accuracy (DEBUG HEAP-HOLD): allocates
 * `count` blocks totalling `bytes` from a function named debug_heap_hold,
 * touches them so they are resident, and keeps them until
 * debug_heap_release. Returns 0, or -1 when out of memory (nothing held). */
int debug_heap_hold(size_t bytes, size_t count);
/* Another instrument (DEBUG HEAP-STACKS): keeps `count` blocks of 64 bytes,
 * the i-th allocated through a chain of DEBUG_HEAP_STACKS_DEPTH calls that
 * spells i in binary, so every block has its own call stack: profiles with
 * many distinct stacks, for measuring the formats' cost. */
#define DEBUG_HEAP_STACKS_DEPTH 16
#define DEBUG_HEAP_STACKS_MAX (1 << DEBUG_HEAP_STACKS_DEPTH)
int debug_heap_stacks(size_t count);
/* Frees every held block; returns the bytes released. */
size_t debug_heap_release(void);
size_t debug_heap_held(void);

#endif
