#include "memory/heap_hold.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t hold_lock = PTHREAD_MUTEX_INITIALIZER;
static void **blocks;
static size_t nblocks, held_bytes;

/* noinline: the function must appear by this name in profiles. */
__attribute__((noinline)) int debug_heap_hold(size_t bytes, size_t count) {
    if (count == 0 || bytes < count) return -1;
    size_t each = bytes / count;
    pthread_mutex_lock(&hold_lock);
    void **grown = realloc(blocks, (nblocks + count) * sizeof *blocks);
    if (!grown) {
        pthread_mutex_unlock(&hold_lock);
        return -1;
    }
    blocks = grown;
    size_t made = 0;
    for (; made < count; made++) {
        void *p = malloc(each);
        if (!p) break;
        memset(p, 0xab, each);
        blocks[nblocks + made] = p;
    }
    if (made < count) {
        for (size_t i = 0; i < made; i++) free(blocks[nblocks + i]);
        pthread_mutex_unlock(&hold_lock);
        return -1;
    }
    nblocks += count;
    held_bytes += each * count;
    pthread_mutex_unlock(&hold_lock);
    return 0;
}

/* The chain of DEBUG HEAP-STACKS. Each step's call is followed by a store
 * of its result, so it cannot become a tail jump that would drop the frame
 * (and with it the distinct return address); the two steps store to
 * different places so the compiler cannot fold them into one function. */
static void *stack_step(unsigned level, unsigned bits);
static void *volatile last_zero, *volatile last_one;

__attribute__((noinline)) static void *debug_stack_leaf(void) {
    void *p = malloc(64);
    if (p) memset(p, 0x5a, 64);
    return p;
}

__attribute__((noinline)) static void *debug_stack_zero(unsigned level, unsigned bits) {
    void *p = stack_step(level + 1, bits);
    last_zero = p;
    return p;
}

__attribute__((noinline)) static void *debug_stack_one(unsigned level, unsigned bits) {
    void *p = stack_step(level + 1, bits);
    last_one = p;
    return p;
}

__attribute__((noinline)) static void *stack_step(unsigned level, unsigned bits) {
    if (level == DEBUG_HEAP_STACKS_DEPTH) return debug_stack_leaf();
    return (bits >> level) & 1 ? debug_stack_one(level, bits) : debug_stack_zero(level, bits);
}

int debug_heap_stacks(size_t count) {
    if (count == 0 || count > DEBUG_HEAP_STACKS_MAX) return -1;
    pthread_mutex_lock(&hold_lock);
    void **grown = realloc(blocks, (nblocks + count) * sizeof *blocks);
    if (!grown) {
        pthread_mutex_unlock(&hold_lock);
        return -1;
    }
    blocks = grown;
    size_t made = 0;
    for (; made < count; made++) {
        void *p = stack_step(0, (unsigned)made);
        if (!p) break;
        blocks[nblocks + made] = p;
    }
    if (made < count) {
        for (size_t i = 0; i < made; i++) free(blocks[nblocks + i]);
        pthread_mutex_unlock(&hold_lock);
        return -1;
    }
    nblocks += count;
    held_bytes += 64 * count;
    pthread_mutex_unlock(&hold_lock);
    return 0;
}

size_t debug_heap_release(void) {
    pthread_mutex_lock(&hold_lock);
    for (size_t i = 0; i < nblocks; i++) free(blocks[i]);
    free(blocks);
    blocks = NULL;
    nblocks = 0;
    size_t released = held_bytes;
    held_bytes = 0;
    pthread_mutex_unlock(&hold_lock);
    return released;
}

size_t debug_heap_held(void) {
    pthread_mutex_lock(&hold_lock);
    size_t n = held_bytes;
    pthread_mutex_unlock(&hold_lock);
    return n;
}
