#include "util/intern.h"

#include <stdlib.h>
#include <string.h>

uint64_t hash_bytes(const void *data, size_t len) {
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

uint64_t hash_u64(uint64_t x) {
    /* splitmix64's finalizer: every input bit moves every output bit, so
     * keys made of small packed integers still spread over the slots. */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

void strtab_init(strtab_t *t) { memset(t, 0, sizeof *t); }

void strtab_fini(strtab_t *t) {
    free(t->strs);
    free(t->lens);
    free(t->slots);
    strtab_init(t);
}

static size_t strtab_find_slot(const strtab_t *t, const char *s, size_t len, uint64_t h) {
    size_t mask = t->nslots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        uint32_t id1 = t->slots[i];
        if (id1 == 0) return i;
        size_t id = id1 - 1;
        if (t->lens[id] == len && memcmp(t->strs[id], s, len) == 0) return i;
    }
}

static int strtab_rehash(strtab_t *t, size_t nslots) {
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots) return -1;
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    for (size_t id = 0; id < t->n; id++) {
        size_t i = strtab_find_slot(t, t->strs[id], t->lens[id], hash_bytes(t->strs[id], t->lens[id]));
        t->slots[i] = (uint32_t)(id + 1);
    }
    return 0;
}

int64_t strtab_intern(strtab_t *t, const char *s, size_t len) {
    /* Keep the load under one half so probes stay short. */
    if ((t->n + 1) * 2 > t->nslots && strtab_rehash(t, t->nslots ? t->nslots * 2 : 64) != 0)
        return -1;
    uint64_t h = hash_bytes(s, len);
    size_t slot = strtab_find_slot(t, s, len, h);
    if (t->slots[slot]) return (int64_t)t->slots[slot] - 1;
    if (t->n >= UINT32_MAX - 1) return -1;
    if (t->n == t->strs_cap) {
        size_t cap = t->strs_cap ? t->strs_cap * 2 : 64;
        const char **strs = realloc(t->strs, cap * sizeof *strs);
        if (!strs) return -1;
        t->strs = strs;
        size_t *lens = realloc(t->lens, cap * sizeof *lens);
        if (!lens) return -1;
        t->lens = lens;
        t->strs_cap = cap;
    }
    t->strs[t->n] = s;
    t->lens[t->n] = len;
    t->slots[slot] = (uint32_t)(t->n + 1);
    return (int64_t)t->n++;
}

void u64map_init(u64map_t *m) { memset(m, 0, sizeof *m); }

void u64map_fini(u64map_t *m) {
    free(m->keys);
    free(m->vals);
    free(m->used);
    u64map_init(m);
}

static size_t u64map_find_slot(const u64map_t *m, uint64_t key) {
    size_t mask = m->nslots - 1;
    for (size_t i = (size_t)hash_u64(key) & mask;; i = (i + 1) & mask)
        if (!m->used[i] || m->keys[i] == key) return i;
}

uint64_t *u64map_get(const u64map_t *m, uint64_t key) {
    if (m->nslots == 0) return NULL;
    size_t i = u64map_find_slot(m, key);
    return m->used[i] ? &m->vals[i] : NULL;
}

static int u64map_grow(u64map_t *m) {
    size_t nslots = m->nslots ? m->nslots * 2 : 64;
    u64map_t bigger = {.nslots = nslots};
    bigger.keys = malloc(nslots * sizeof *bigger.keys);
    bigger.vals = malloc(nslots * sizeof *bigger.vals);
    bigger.used = calloc(nslots, 1);
    if (!bigger.keys || !bigger.vals || !bigger.used) {
        u64map_fini(&bigger);
        return -1;
    }
    for (size_t i = 0; i < m->nslots; i++) {
        if (!m->used[i]) continue;
        size_t j = u64map_find_slot(&bigger, m->keys[i]);
        bigger.used[j] = 1;
        bigger.keys[j] = m->keys[i];
        bigger.vals[j] = m->vals[i];
    }
    bigger.n = m->n;
    u64map_fini(m);
    *m = bigger;
    return 0;
}

int u64map_put(u64map_t *m, uint64_t key, uint64_t val) {
    if ((m->n + 1) * 2 > m->nslots && u64map_grow(m) != 0) return -1;
    size_t i = u64map_find_slot(m, key);
    if (!m->used[i]) {
        m->used[i] = 1;
        m->keys[i] = key;
        m->n++;
    }
    m->vals[i] = val;
    return 0;
}
