#include "memory/debug_leak.h"

#include <stdlib.h>
#include <string.h>

/* Written, so the allocation cannot be optimized away; the pointer goes
 * out of scope here and nothing else holds it. */
__attribute__((noinline)) int debug_leak(size_t bytes) {
    void *volatile p = malloc(bytes);
    if (!p) return -1;
    memset(p, 0x5a, bytes);
    return 0;
}
