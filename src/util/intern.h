#ifndef BASALT_UTIL_INTERN_H
#define BASALT_UTIL_INTERN_H

#include <stddef.h>
#include <stdint.h>

/* Two small open-addressing hash tables for building indexed outputs (the
 * profile writers): a string interner and a map of 64-bit keys. Both are
 * caller-owned (x_init / x_fini) and grow on demand; insertion returns -1
 * only when memory runs out. */

/* Strings to dense ids 0, 1, 2... in first-seen order. The strings are
 * borrowed, not copied: each must outlive the table. */
typedef struct strtab {
    const char **strs; /* id -> string */
    size_t *lens;      /* id -> length */
    size_t n, strs_cap;
    uint32_t *slots;   /* id + 1, 0 = empty */
    size_t nslots;     /* a power of two */
} strtab_t;

void strtab_init(strtab_t *t);
void strtab_fini(strtab_t *t);
/* Finds or adds s[0..len). Returns its id, or -1 without memory. */
int64_t strtab_intern(strtab_t *t, const char *s, size_t len);

/* uint64 keys to uint64 values. */
typedef struct u64map {
    uint64_t *keys, *vals;
    unsigned char *used;
    size_t n, nslots; /* nslots is 0 or a power of two */
} u64map_t;

void u64map_init(u64map_t *m);
void u64map_fini(u64map_t *m);
/* Returns a pointer to the value of key, or NULL when absent. The pointer
 * is valid until the next insertion. */
uint64_t *u64map_get(const u64map_t *m, uint64_t key);
/* Sets key to val (adding or replacing). Returns 0, or -1 without memory. */
int u64map_put(u64map_t *m, uint64_t key, uint64_t val);

/* The hashes the tables use, for callers that want stable colours or
 * buckets: FNV-1a over bytes, and a 64-bit integer mixer. */
uint64_t hash_bytes(const void *data, size_t len);
uint64_t hash_u64(uint64_t x);

#endif
