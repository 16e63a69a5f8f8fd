#include "memory/profile_sites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

void heap_sample_frames(const heap_profile_t *p, const heap_sample_t *s, heap_frame_fn fn, void *arg) {
    for (size_t i = 0; i < s->nlocations; i++) {
        const heap_location_t *l = &p->locations[s->locations[i]];
        for (size_t k = 0; k < l->nframes; k++)
            if (fn(&l->frames[k], l, arg)) return;
    }
}

void heap_frame_label(const heap_frame_t *f, char *out, size_t cap) {
    if (!f->file) {
        snprintf(out, cap, "%s", f->function);
        return;
    }
    /* The last two components say enough ("memory/heap_hold.c"). */
    const char *file = f->file, *last = strrchr(file, '/');
    if (last) {
        const char *q = last;
        while (q > file && q[-1] != '/') q--;
        file = q > file ? q : file;
        if (q == file && file[0] == '/') file = last + 1;
    }
    if (f->line > 0)
        snprintf(out, cap, "%s (%s:%d)", f->function, file, f->line);
    else
        snprintf(out, cap, "%s (%s)", f->function, file);
}

typedef struct collect {
    size_t depth, n;
    buf_t key;
    char **labels;
    size_t nlabels, cap;
    int failed;
} collect_t;

static int collect_frame(const heap_frame_t *f, const heap_location_t *loc, void *arg) {
    (void)loc;
    collect_t *c = arg;
    if (c->depth && c->n >= c->depth) return 1;
    if (c->n) buf_append_char(&c->key, '\n');
    buf_append_cstr(&c->key, f->function);
    if (c->labels) {
        if (c->nlabels == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 16;
            char **g = realloc(c->labels, cap * sizeof *g);
            if (!g) {
                c->failed = 1;
                return 1;
            }
            c->labels = g;
            c->cap = cap;
        }
        char label[1024];
        heap_frame_label(f, label, sizeof label);
        c->labels[c->nlabels] = strdup(label);
        if (!c->labels[c->nlabels]) {
            c->failed = 1;
            return 1;
        }
        c->nlabels++;
    }
    c->n++;
    return 0;
}

static uint64_t hash_str(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int slots_grow(heap_site_list_t *l) {
    size_t n = l->nslots ? l->nslots * 2 : 256;
    size_t *slots = malloc(n * sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < n; i++) slots[i] = SIZE_MAX;
    for (size_t i = 0; i < l->n; i++) {
        size_t s = (size_t)hash_str(l->sites[i].key) & (n - 1);
        while (slots[s] != SIZE_MAX) s = (s + 1) & (n - 1);
        slots[s] = i;
    }
    free(l->slots);
    l->slots = slots;
    l->nslots = n;
    return 0;
}

/* The site of key, added (with no frames yet) when new; NULL when out of memory. */
static heap_site_t *site_for(heap_site_list_t *l, const char *key) {
    if (l->n * 2 >= l->nslots && slots_grow(l) != 0) return NULL;
    size_t s = (size_t)hash_str(key) & (l->nslots - 1);
    while (l->slots[s] != SIZE_MAX) {
        heap_site_t *site = &l->sites[l->slots[s]];
        if (!strcmp(site->key, key)) return site;
        s = (s + 1) & (l->nslots - 1);
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        heap_site_t *g = realloc(l->sites, cap * sizeof *g);
        if (!g) return NULL;
        l->sites = g;
        l->cap = cap;
    }
    heap_site_t *site = &l->sites[l->n];
    memset(site, 0, sizeof *site);
    site->key = strdup(key);
    if (!site->key) return NULL;
    site->best_bytes = -1;
    l->slots[s] = l->n++;
    return site;
}

static void free_labels(char **labels, size_t n) {
    for (size_t i = 0; i < n; i++) free(labels[i]);
    free(labels);
}

/* Adds one profile's samples with sign +1 (cur) or -1 (base). */
static int add_profile(heap_site_list_t *l, const heap_profile_t *p, size_t depth, int base) {
    for (size_t i = 0; i < p->nsamples; i++) {
        const heap_sample_t *s = &p->samples[i];
        collect_t c = {.depth = depth};
        buf_init(&c.key);
        heap_sample_frames(p, s, collect_frame, &c);
        buf_append_char(&c.key, '\0');
        heap_site_t *site = site_for(l, c.key.data);
        if (!site) {
            buf_fini(&c.key);
            return -1;
        }
        if (base) {
            site->base_bytes += (int64_t)s->inuse_bytes;
            site->base_objects += (int64_t)s->inuse_objects;
            site->bytes -= (int64_t)s->inuse_bytes;
            site->objects -= (int64_t)s->inuse_objects;
        } else {
            site->bytes += (int64_t)s->inuse_bytes;
            site->objects += (int64_t)s->inuse_objects;
        }
        /* Show the frames (with file:line) of the biggest stack of the site. */
        if ((int64_t)s->inuse_bytes > site->best_bytes && (!base || !site->frames)) {
            collect_t lc = {.depth = depth, .labels = NULL};
            buf_init(&lc.key);
            lc.labels = malloc(16 * sizeof *lc.labels);
            lc.cap = lc.labels ? 16 : 0;
            if (!lc.labels) {
                buf_fini(&c.key);
                buf_fini(&lc.key);
                return -1;
            }
            heap_sample_frames(p, s, collect_frame, &lc);
            buf_fini(&lc.key);
            if (lc.failed) {
                free_labels(lc.labels, lc.nlabels);
                buf_fini(&c.key);
                return -1;
            }
            free_labels(site->frames, site->nframes);
            site->frames = lc.labels;
            site->nframes = lc.nlabels;
            site->best_bytes = (int64_t)s->inuse_bytes;
        }
        buf_fini(&c.key);
    }
    return 0;
}

int heap_sites_build(const heap_profile_t *p, size_t depth, heap_site_list_t *out) {
    memset(out, 0, sizeof *out);
    if (add_profile(out, p, depth, 0) != 0) {
        heap_sites_free(out);
        return -1;
    }
    return 0;
}

int heap_sites_diff(const heap_profile_t *base, const heap_profile_t *cur, size_t depth, heap_site_list_t *out) {
    memset(out, 0, sizeof *out);
    if (add_profile(out, cur, depth, 0) != 0 || add_profile(out, base, depth, 1) != 0) {
        heap_sites_free(out);
        return -1;
    }
    return 0;
}

heap_site_t *heap_sites_lookup(heap_site_list_t *l, const heap_profile_t *p, const heap_sample_t *s) {
    if (!l->nslots) return NULL;
    collect_t c = {.depth = 0};
    buf_init(&c.key);
    heap_sample_frames(p, s, collect_frame, &c);
    buf_append_char(&c.key, '\0');
    heap_site_t *found = NULL;
    size_t slot = (size_t)hash_str(c.key.data) & (l->nslots - 1);
    while (l->slots[slot] != SIZE_MAX) {
        if (!strcmp(l->sites[l->slots[slot]].key, c.key.data)) {
            found = &l->sites[l->slots[slot]];
            break;
        }
        slot = (slot + 1) & (l->nslots - 1);
    }
    buf_fini(&c.key);
    return found;
}

static int by_bytes(const void *a, const void *b) {
    const heap_site_t *x = a, *y = b;
    if (x->bytes != y->bytes) return x->bytes > y->bytes ? -1 : 1;
    if (x->objects != y->objects) return x->objects > y->objects ? -1 : 1;
    return strcmp(x->key, y->key);
}

static int by_objects(const void *a, const void *b) {
    const heap_site_t *x = a, *y = b;
    if (x->objects != y->objects) return x->objects > y->objects ? -1 : 1;
    if (x->bytes != y->bytes) return x->bytes > y->bytes ? -1 : 1;
    return strcmp(x->key, y->key);
}

void heap_sites_sort(heap_site_list_t *l, enum heap_site_order order) {
    if (l->n) qsort(l->sites, l->n, sizeof *l->sites, order == SITES_BY_OBJECTS ? by_objects : by_bytes);
    free(l->slots); /* indexes are stale after sorting */
    l->slots = NULL;
    l->nslots = 0;
}

void heap_sites_free(heap_site_list_t *l) {
    for (size_t i = 0; i < l->n; i++) {
        free(l->sites[i].key);
        free_labels(l->sites[i].frames, l->sites[i].nframes);
    }
    free(l->sites);
    free(l->slots);
    memset(l, 0, sizeof *l);
}
