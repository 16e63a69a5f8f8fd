#ifndef BASALT_UTIL_SLICE_H
#define BASALT_UTIL_SLICE_H

#include <stddef.h>
#include <string.h>

/* A borrowed view of bytes. Whoever hands one out states how long it lives;
 * a slice never owns its memory. */
typedef struct slice {
    const char *ptr;
    size_t len;
} slice_t;

static inline slice_t slice_make(const void *ptr, size_t len) {
    slice_t s = {(const char *)ptr, len};
    return s;
}

static inline slice_t slice_from_cstr(const char *s) { return slice_make(s, strlen(s)); }

/* Case-insensitive comparison against a NUL-terminated ASCII word, for
 * command names and options. */
static inline int slice_eq_nocase(slice_t s, const char *word) {
    size_t n = strlen(word);
    if (s.len != n) return 0;
    for (size_t i = 0; i < n; i++) {
        char a = s.ptr[i], b = word[i];
        if (a >= 'A' && a <= 'Z') a = (char)(a + 32);
        if (b >= 'A' && b <= 'Z') b = (char)(b + 32);
        if (a != b) return 0;
    }
    return 1;
}

static inline int slice_eq(slice_t a, slice_t b) {
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

#endif
