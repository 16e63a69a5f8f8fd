/* Reading heap profiles into the shared model (heap_profile.h). */
#include "memory/heap_profile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory/symbolizer.h"

void heap_unsample(uint64_t period, uint64_t count, uint64_t bytes, uint64_t *est_count, uint64_t *est_bytes) {
    if (count == 0 || bytes == 0 || period <= 1) {
        *est_count = count;
        *est_bytes = bytes;
        return;
    }
    double mean = (double)bytes / (double)count;
    double scale = 1.0 / (1.0 - exp(-mean / (double)period));
    *est_count = (uint64_t)llround((double)count * scale);
    *est_bytes = (uint64_t)llround((double)bytes * scale);
}

/* The sampled pair jeprof turns into (est_count, est_bytes). Counts are
 * integers, so the count is rounded first and the bytes solved for
 * exactly (bisection; the estimate grows with the sampled bytes): bytes
 * are what a reader adds up, objects come out within the rounding. */
void heap_resample(uint64_t period, uint64_t est_count, uint64_t est_bytes, uint64_t *count, uint64_t *bytes) {
    if (est_count == 0 || est_bytes == 0 || period <= 1) {
        *count = est_count;
        *bytes = est_bytes;
        return;
    }
    double R = (double)period, target = (double)est_bytes;
    double mean = target / (double)est_count;
    double c = llround((double)est_count * (1.0 - exp(-mean / R)));
    /* n samples stand for at least n * R bytes: fewer samples then */
    if (c > floor(target / R)) c = floor(target / R);
    if (c < 1) c = 1;
    double lo = 0.0, hi = target;
    for (int i = 0; i < 80; i++) {
        double mid = (lo + hi) / 2;
        double x = mid / c / R;
        double f = x > 1e-12 ? mid / (1.0 - exp(-x)) : c * R;
        if (f < target)
            lo = mid;
        else
            hi = mid;
    }
    *count = (uint64_t)c;
    *bytes = (uint64_t)llround((lo + hi) / 2);
    if (*bytes == 0) *bytes = 1;
}

/* ---- freeing ---- */

static void free_frames(heap_frame_t *frames, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free((char *)frames[i].function);
        free((char *)frames[i].file);
    }
    free(frames);
}

void heap_profile_free(heap_profile_t *p) {
    if (!p) return;
    for (size_t i = 0; i < p->nsamples; i++) free(p->samples[i].locations);
    free(p->samples);
    for (size_t i = 0; i < p->nlocations; i++) free_frames(p->locations[i].frames, p->locations[i].nframes);
    free(p->locations);
    for (size_t i = 0; i < p->nmappings; i++) {
        free((char *)p->mappings[i].path);
        free((char *)p->mappings[i].build_id);
    }
    free(p->mappings);
    free((char *)p->title);
    free(p);
}

/* ---- parsing state ---- */

/* address -> index into the location table, open addressing. */
typedef struct addr_index {
    uint64_t *keys;
    size_t *vals;
    size_t cap, len;
} addr_index_t;

static size_t addr_slot(uint64_t a, size_t cap) { return (size_t)((a * 0x9e3779b97f4a7c15ULL) >> 17) & (cap - 1); }

static int addr_index_grow(addr_index_t *ix) {
    size_t cap = ix->cap ? ix->cap * 2 : 1024;
    uint64_t *keys = malloc(cap * sizeof *keys);
    size_t *vals = malloc(cap * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return -1;
    }
    for (size_t i = 0; i < cap; i++) vals[i] = SIZE_MAX;
    for (size_t i = 0; i < ix->cap; i++) {
        if (ix->vals[i] == SIZE_MAX) continue;
        size_t s = addr_slot(ix->keys[i], cap);
        while (vals[s] != SIZE_MAX) s = (s + 1) & (cap - 1);
        keys[s] = ix->keys[i];
        vals[s] = ix->vals[i];
    }
    free(ix->keys);
    free(ix->vals);
    ix->keys = keys;
    ix->vals = vals;
    ix->cap = cap;
    return 0;
}

/* Finds a's slot; *found tells whether it holds a. */
static size_t addr_index_find(const addr_index_t *ix, uint64_t a, int *found) {
    size_t s = addr_slot(a, ix->cap);
    while (ix->vals[s] != SIZE_MAX && ix->keys[s] != a) s = (s + 1) & (ix->cap - 1);
    *found = ix->vals[s] != SIZE_MAX;
    return s;
}

static void addr_index_fini(addr_index_t *ix) {
    free(ix->keys);
    free(ix->vals);
}

/* The names of the symbol section: address -> "outer--...--inner". */
typedef struct symbol_map {
    addr_index_t index;
    char **names;
    size_t n, cap;
} symbol_map_t;

typedef struct parser {
    heap_profile_t *p;
    addr_index_t locs;
    size_t loc_cap, sample_cap, map_cap;
    symbol_map_t syms;
    int has_symbols;
    char *err;
    size_t errcap;
} parser_t;

static int oom(parser_t *ps) {
    snprintf(ps->err, ps->errcap, "out of memory reading the profile");
    return -1;
}

static int grow(void **arr, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap * 2 : 64;
    while (c < need) c *= 2;
    void *n = realloc(*arr, c * size);
    if (!n) return -1;
    *arr = n;
    *cap = c;
    return 0;
}

/* Index of the location of address a, added when new. */
static long location_of(parser_t *ps, uint64_t a) {
    heap_profile_t *p = ps->p;
    if (ps->locs.len * 2 >= ps->locs.cap && addr_index_grow(&ps->locs) != 0) return -1;
    int found;
    size_t s = addr_index_find(&ps->locs, a, &found);
    if (found) return (long)ps->locs.vals[s];
    if (grow((void **)&p->locations, &ps->loc_cap, p->nlocations + 1, sizeof *p->locations) != 0) return -1;
    heap_location_t *l = &p->locations[p->nlocations];
    memset(l, 0, sizeof *l);
    l->address = a;
    l->mapping = -1;
    ps->locs.keys[s] = a;
    ps->locs.vals[s] = p->nlocations;
    ps->locs.len++;
    return (long)p->nlocations++;
}

/* A line of text: [*pos, end of line), advancing *pos past the newline. */
static int next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *line_len) {
    if (*pos >= len) return 0;
    const char *start = text + *pos;
    const char *nl = memchr(start, '\n', len - *pos);
    size_t n = nl ? (size_t)(nl - start) : len - *pos;
    *line = start;
    *line_len = n > 0 && start[n - 1] == '\r' ? n - 1 : n;
    *pos += n + (nl ? 1 : 0);
    return 1;
}

static int starts_with(const char *line, size_t n, const char *prefix) {
    size_t k = strlen(prefix);
    return n >= k && memcmp(line, prefix, k) == 0;
}

static uint64_t parse_hex(const char **s, const char *end, int *ok) {
    const char *q = *s;
    if (end - q >= 2 && q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) q += 2;
    uint64_t v = 0;
    int digits = 0;
    while (q < end) {
        int d;
        if (*q >= '0' && *q <= '9') d = *q - '0';
        else if (*q >= 'a' && *q <= 'f') d = *q - 'a' + 10;
        else if (*q >= 'A' && *q <= 'F') d = *q - 'A' + 10;
        else break;
        if (++digits > 16) {
            *ok = 0;
            return 0;
        }
        v = v * 16 + (uint64_t)d;
        q++;
    }
    *ok = digits > 0;
    *s = q;
    return v;
}

static uint64_t parse_dec(const char **s, const char *end, int *ok) {
    const char *q = *s;
    uint64_t v = 0;
    int digits = 0;
    while (q < end && *q >= '0' && *q <= '9') {
        if (v > (UINT64_MAX - 9) / 10) {
            *ok = 0;
            return 0;
        }
        v = v * 10 + (uint64_t)(*q - '0');
        q++;
        digits++;
    }
    *ok = digits > 0;
    *s = q;
    return v;
}

static void skip_spaces(const char **s, const char *end) {
    while (*s < end && (**s == ' ' || **s == '\t')) (*s)++;
}

static int expect_char(const char **s, const char *end, char c) {
    skip_spaces(s, end);
    if (*s < end && **s == c) {
        (*s)++;
        return 1;
    }
    return 0;
}

/* "t*: <n1>: <s1> [<n2>: <s2>]" after the "t*" or "tN" label. */
static int parse_counts(const char *s, const char *end, uint64_t v[4]) {
    int ok = 1;
    if (!expect_char(&s, end, ':')) return 0;
    skip_spaces(&s, end);
    v[0] = parse_dec(&s, end, &ok);
    if (!ok || !expect_char(&s, end, ':')) return 0;
    skip_spaces(&s, end);
    v[1] = parse_dec(&s, end, &ok);
    if (!ok || !expect_char(&s, end, '[')) return 0;
    skip_spaces(&s, end);
    v[2] = parse_dec(&s, end, &ok);
    if (!ok || !expect_char(&s, end, ':')) return 0;
    skip_spaces(&s, end);
    v[3] = parse_dec(&s, end, &ok);
    return ok && expect_char(&s, end, ']');
}

static int add_symbol(parser_t *ps, uint64_t addr, const char *name, size_t n) {
    symbol_map_t *m = &ps->syms;
    if (m->index.len * 2 >= m->index.cap && addr_index_grow(&m->index) != 0) return -1;
    int found;
    size_t s = addr_index_find(&m->index, addr, &found);
    if (found) return 0;
    if (grow((void **)&m->names, &m->cap, m->n + 1, sizeof *m->names) != 0) return -1;
    char *copy = strndup(name, n);
    if (!copy) return -1;
    m->names[m->n] = copy;
    m->index.keys[s] = addr;
    m->index.vals[s] = m->n++;
    m->index.len++;
    return 0;
}

static const char *symbol_of(const parser_t *ps, uint64_t addr) {
    if (!ps->syms.index.cap) return NULL;
    int found;
    size_t s = addr_index_find(&ps->syms.index, addr, &found);
    return found ? ps->syms.names[ps->syms.index.vals[s]] : NULL;
}

/* One "start-limit perms offset dev inode path" line of /proc/maps. Only
 * executable mappings of a file matter to profiles. */
static int parse_mapping(parser_t *ps, const char *s, const char *end) {
    int ok = 1;
    uint64_t start = parse_hex(&s, end, &ok);
    if (!ok || s >= end || *s != '-') return 0;
    s++;
    uint64_t limit = parse_hex(&s, end, &ok);
    if (!ok) return 0;
    skip_spaces(&s, end);
    if (end - s < 4 || s[2] != 'x') return 0;
    s += 4;
    skip_spaces(&s, end);
    uint64_t offset = parse_hex(&s, end, &ok);
    if (!ok) return 0;
    for (int field = 0; field < 2; field++) { /* device, inode */
        skip_spaces(&s, end);
        while (s < end && *s != ' ' && *s != '\t') s++;
    }
    skip_spaces(&s, end);
    if (s >= end) return 0; /* anonymous */
    heap_profile_t *p = ps->p;
    if (grow((void **)&p->mappings, &ps->map_cap, p->nmappings + 1, sizeof *p->mappings) != 0) return -1;
    char *path = strndup(s, (size_t)(end - s));
    if (!path) return -1;
    heap_mapping_t *m = &p->mappings[p->nmappings++];
    m->start = start;
    m->limit = limit;
    m->offset = offset;
    m->path = path;
    m->build_id = NULL;
    return 0;
}

/* The self-contained form's "basalt: time_ms=<ms> pid=<pid> title=<rest>"
 * line (jeprof skips lines it does not know in the heap section). */
static int parse_meta(parser_t *ps, const char *s, const char *end) {
    s += strlen("basalt:");
    while (s < end) {
        skip_spaces(&s, end);
        int ok = 1;
        if (end - s > 8 && !memcmp(s, "time_ms=", 8)) {
            s += 8;
            ps->p->time_ms = (int64_t)parse_dec(&s, end, &ok);
        } else if (end - s > 4 && !memcmp(s, "pid=", 4)) {
            s += 4;
            ps->p->pid = (int)parse_dec(&s, end, &ok);
        } else if (end - s >= 6 && !memcmp(s, "title=", 6)) {
            free((char *)ps->p->title);
            ps->p->title = strndup(s + 6, (size_t)(end - s - 6));
            if (!ps->p->title) return -1;
            return 0;
        } else {
            while (s < end && *s != ' ') s++;
        }
    }
    return 0;
}

static int parse_text(parser_t *ps, const char *text, size_t len) {
    heap_profile_t *p = ps->p;
    size_t pos = 0;
    const char *line;
    size_t n;
    int have_header = 0, in_maps = 0;
    size_t *stack = NULL, nstack = 0, stack_cap = 0;
    int pending = 0; /* a '@' line waits for its t*: counts */
    int rc = -1;
    while (next_line(text, len, &pos, &line, &n)) {
        const char *end = line + n;
        if (in_maps) {
            if (parse_mapping(ps, line, end) < 0) goto oom;
            continue;
        }
        if (!have_header) {
            if (n == 0) continue;
            if (starts_with(line, n, "--- symbol")) {
                ps->has_symbols = 1;
                while (next_line(text, len, &pos, &line, &n)) {
                    if (starts_with(line, n, "---")) break;
                    const char *s = line;
                    int ok = 1;
                    if (!starts_with(line, n, "0x")) continue; /* binary=... */
                    uint64_t a = parse_hex(&s, line + n, &ok);
                    if (!ok) continue;
                    skip_spaces(&s, line + n);
                    if (s < line + n && add_symbol(ps, a, s, (size_t)(line + n - s)) != 0) goto oom;
                }
                continue;
            }
            if (starts_with(line, n, "--- heap") || line[0] == '%') continue;
            if (!starts_with(line, n, "heap_v2/")) {
                snprintf(ps->err, ps->errcap, "not a jemalloc heap profile (heap_v2 header missing)");
                goto out;
            }
            const char *s = line + strlen("heap_v2/");
            int ok = 1;
            p->sample_period = parse_dec(&s, end, &ok);
            if (!ok) {
                snprintf(ps->err, ps->errcap, "bad heap_v2 header");
                goto out;
            }
            have_header = 1;
            continue;
        }
        const char *s = line;
        skip_spaces(&s, end);
        if (starts_with(s, (size_t)(end - s), "MAPPED_LIBRARIES:")) {
            in_maps = 1;
            continue;
        }
        if (starts_with(s, (size_t)(end - s), "basalt:")) {
            if (parse_meta(ps, s, end) != 0) goto oom;
            continue;
        }
        if (s < end && *s == '@') {
            s++;
            nstack = 0;
            for (;;) {
                skip_spaces(&s, end);
                if (s >= end) break;
                int ok = 1;
                uint64_t a = parse_hex(&s, end, &ok);
                if (!ok) {
                    snprintf(ps->err, ps->errcap, "bad address in a stack line");
                    goto out;
                }
                long li = location_of(ps, a);
                if (li < 0 || grow((void **)&stack, &stack_cap, nstack + 1, sizeof *stack) != 0) goto oom;
                stack[nstack++] = (size_t)li;
            }
            pending = 1;
            continue;
        }
        if (pending && starts_with(s, (size_t)(end - s), "t*")) {
            uint64_t v[4];
            if (!parse_counts(s + 2, end, v)) {
                snprintf(ps->err, ps->errcap, "bad counts line in the profile");
                goto out;
            }
            pending = 0;
            if ((v[0] == 0 && v[2] == 0) || nstack == 0) continue;
            if (grow((void **)&p->samples, &ps->sample_cap, p->nsamples + 1, sizeof *p->samples) != 0) goto oom;
            heap_sample_t *sm = &p->samples[p->nsamples];
            memset(sm, 0, sizeof *sm);
            sm->locations = malloc(nstack * sizeof *sm->locations);
            if (!sm->locations) goto oom;
            memcpy(sm->locations, stack, nstack * sizeof *stack);
            sm->nlocations = nstack;
            heap_unsample(p->sample_period, v[0], v[1], &sm->inuse_objects, &sm->inuse_bytes);
            heap_unsample(p->sample_period, v[2], v[3], &sm->alloc_objects, &sm->alloc_bytes);
            p->nsamples++;
        }
    }
    if (!have_header) {
        snprintf(ps->err, ps->errcap, "not a jemalloc heap profile (heap_v2 header missing)");
        goto out;
    }
    rc = 0;
    goto out;
oom:
    oom(ps);
out:
    free(stack);
    return rc;
}

/* ---- names ---- */

static int set_unknown(heap_location_t *l) {
    l->frames = calloc(1, sizeof *l->frames);
    if (!l->frames) return -1;
    char hex[32];
    snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)l->address);
    l->frames[0].function = strdup(hex);
    l->nframes = 1;
    return l->frames[0].function ? 0 : -1;
}

/* Names from the symbol section: jeprof looks a caller up at its address
 * minus one and a stack's first frame at its own address, so both keys
 * are tried. Names are outermost first, separated by "--". */
static int name_from_symbols(parser_t *ps, heap_location_t *l) {
    const char *names = symbol_of(ps, l->address - 1);
    if (!names) names = symbol_of(ps, l->address);
    if (!names) return set_unknown(l);
    size_t count = 1;
    for (const char *q = strstr(names, "--"); q; q = strstr(q + 2, "--")) count++;
    l->frames = calloc(count, sizeof *l->frames);
    if (!l->frames) return -1;
    l->nframes = count;
    const char *q = names;
    for (size_t i = 0; i < count; i++) {
        const char *sep = strstr(q, "--");
        size_t n = sep ? (size_t)(sep - q) : strlen(q);
        /* innermost first in the model */
        l->frames[count - 1 - i].function = strndup(q, n);
        if (!l->frames[count - 1 - i].function) return -1;
        q = sep ? sep + 2 : q + n;
    }
    return 0;
}

/* A frame without a symbol: "<module>+0x<file offset>" says at least
 * where it is (and stays meaningful on another machine). */
static char *unknown_name(const heap_profile_t *p, const heap_location_t *l) {
    char name[600];
    if (l->mapping >= 0) {
        const heap_mapping_t *m = &p->mappings[l->mapping];
        const char *base = strrchr(m->path, '/');
        snprintf(name, sizeof name, "%s+0x%llx", base ? base + 1 : m->path,
                 (unsigned long long)(l->address - m->start + m->offset));
    } else {
        snprintf(name, sizeof name, "0x%llx", (unsigned long long)l->address);
    }
    return strdup(name);
}

/* In-process names: every address of a jemalloc stack is a return
 * address, so the call instruction is at address - 1 (as jeprof does). */
static int name_in_process(const heap_profile_t *p, heap_location_t *l) {
    const sym_info_t *si = symbolizer_lookup(l->address - 1);
    if (!si) return set_unknown(l);
    l->frames = calloc(si->nframes, sizeof *l->frames);
    if (!l->frames) return -1;
    l->nframes = si->nframes;
    for (size_t i = 0; i < si->nframes; i++) {
        const char *fn = si->frames[i].function;
        l->frames[i].function = strcmp(fn, "??") ? strdup(fn) : unknown_name(p, l);
        l->frames[i].file = si->frames[i].file ? strdup(si->frames[i].file) : NULL;
        l->frames[i].line = si->frames[i].line;
        if (!l->frames[i].function || (si->frames[i].file && !l->frames[i].file)) return -1;
    }
    return 0;
}

static int mapping_of(const heap_profile_t *p, uint64_t a) {
    for (size_t i = 0; i < p->nmappings; i++)
        if (a >= p->mappings[i].start && a < p->mappings[i].limit) return (int)i;
    return -1;
}

/* Frames of the allocator itself (jemalloc's entry points and its
 * backtrace machinery, operator new): not allocation sites. */
static int is_allocator_frame(const heap_profile_t *p, const heap_location_t *l) {
    if (l->mapping >= 0) {
        const char *path = p->mappings[l->mapping].path;
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        if (!strncmp(base, "libjemalloc", 11)) return 1;
    }
    const char *fn = l->frames[l->nframes - 1].function; /* the outer, real function */
    static const char *const names[] = {"malloc", "calloc", "realloc", "free", "posix_memalign", "aligned_alloc",
                                        "memalign", "valloc", "pvalloc", "mallocx", "rallocx", "xallocx",
                                        "sdallocx", "dallocx", "reallocarray"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(fn, names[i])) return 1;
    return !strncmp(fn, "je_", 3) || !strncmp(fn, "prof_backtrace", 14) || !strncmp(fn, "operator new", 12);
}

/* Drops allocator frames from the leaf end of each stack, then the
 * locations no stack uses any more. */
static int strip_allocator_frames(heap_profile_t *p) {
    char *internal = calloc(p->nlocations ? p->nlocations : 1, 1);
    size_t *remap = malloc((p->nlocations ? p->nlocations : 1) * sizeof *remap);
    if (!internal || !remap) {
        free(internal);
        free(remap);
        return -1;
    }
    for (size_t i = 0; i < p->nlocations; i++) {
        internal[i] = (char)is_allocator_frame(p, &p->locations[i]);
        remap[i] = SIZE_MAX;
    }
    for (size_t i = 0; i < p->nsamples; i++) {
        heap_sample_t *s = &p->samples[i];
        size_t skip = 0;
        while (skip + 1 < s->nlocations && internal[s->locations[skip]]) skip++;
        memmove(s->locations, s->locations + skip, (s->nlocations - skip) * sizeof *s->locations);
        s->nlocations -= skip;
        for (size_t k = 0; k < s->nlocations; k++) remap[s->locations[k]] = 0;
    }
    size_t kept = 0;
    for (size_t i = 0; i < p->nlocations; i++) {
        if (remap[i] == SIZE_MAX) {
            free_frames(p->locations[i].frames, p->locations[i].nframes);
            continue;
        }
        p->locations[kept] = p->locations[i];
        remap[i] = kept++;
    }
    p->nlocations = kept;
    for (size_t i = 0; i < p->nsamples; i++)
        for (size_t k = 0; k < p->samples[i].nlocations; k++)
            p->samples[i].locations[k] = remap[p->samples[i].locations[k]];
    free(internal);
    free(remap);
    return 0;
}

int heap_profile_load(const char *text, size_t len, int symbolize, heap_profile_t **out, char *err, size_t cap) {
    *out = NULL;
    parser_t ps;
    memset(&ps, 0, sizeof ps);
    ps.err = err;
    ps.errcap = cap;
    ps.p = calloc(1, sizeof *ps.p);
    if (!ps.p) return oom(&ps);
    heap_profile_t *p = ps.p;
    int rc = parse_text(&ps, text, len);
    if (rc == 0 && !p->title && !(p->title = strdup(""))) rc = oom(&ps);
    for (size_t i = 0; rc == 0 && i < p->nlocations; i++) {
        heap_location_t *l = &p->locations[i];
        l->mapping = mapping_of(p, l->address);
        int r;
        if (ps.has_symbols)
            r = name_from_symbols(&ps, l);
        else if (symbolize)
            r = name_in_process(p, l);
        else
            r = set_unknown(l);
        if (r != 0) rc = oom(&ps);
    }
    for (size_t i = 0; rc == 0 && i < p->nmappings; i++) {
        p->mappings[i].build_id = symbolize && !ps.has_symbols ? symbolizer_build_id_at(p->mappings[i].start)
                                                               : strdup("");
        if (!p->mappings[i].build_id) rc = oom(&ps);
    }
    if (symbolize && !ps.has_symbols) symbolizer_trim();
    if (rc == 0 && strip_allocator_frames(p) != 0) rc = oom(&ps);
    if (rc == 0) {
        for (size_t i = 0; i < p->nsamples; i++) {
            p->total_inuse_objects += p->samples[i].inuse_objects;
            p->total_inuse_bytes += p->samples[i].inuse_bytes;
            p->total_alloc_objects += p->samples[i].alloc_objects;
            p->total_alloc_bytes += p->samples[i].alloc_bytes;
        }
    }
    addr_index_fini(&ps.locs);
    for (size_t i = 0; i < ps.syms.n; i++) free(ps.syms.names[i]);
    free(ps.syms.names);
    addr_index_fini(&ps.syms.index);
    if (rc != 0) {
        /* Locations without frames yet: give free_frames nothing to walk. */
        heap_profile_free(p);
        return -1;
    }
    *out = p;
    return 0;
}

int heap_profile_check(const heap_profile_t *p, char *err, size_t cap) {
    for (size_t i = 0; i < p->nsamples; i++) {
        const heap_sample_t *s = &p->samples[i];
        for (size_t j = 0; j < s->nlocations; j++) {
            if (s->locations[j] >= p->nlocations) {
                snprintf(err, cap, "sample %zu refers to location %zu of %zu", i, s->locations[j], p->nlocations);
                return -1;
            }
        }
    }
    for (size_t i = 0; i < p->nlocations; i++) {
        int m = p->locations[i].mapping;
        if (m < -1 || (m >= 0 && (size_t)m >= p->nmappings)) {
            snprintf(err, cap, "location %zu refers to mapping %d of %zu", i, m, p->nmappings);
            return -1;
        }
    }
    return 0;
}
