/* The SVG flame-graph writer: builds the call tree of in-use bytes from the
 * samples, lays it out, and prints one <g> (hover title, box, label) per
 * box wide enough to see. */
#include "memory/profile_svg.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/intern.h"

/* Geometry, in SVG user units (pixels at 100% zoom). */
#define SVG_WIDTH 1200.0
#define SVG_PAD 10.0
#define SVG_FRAME_H 17.0
#define SVG_HEAD_H 64.0
#define SVG_FOOT_H 44.0
#define SVG_FONT_PX 12.0
/* Advance of one glyph of a monospace font: about 0.6 em for DejaVu Sans
 * Mono and Liberation Mono, the fonts a Linux browser picks. */
#define SVG_GLYPH_W (SVG_FONT_PX * 0.6)
#define SVG_MIN_LABEL_CHARS 3

#define NO_NODE UINT32_MAX

typedef struct flame_node {
    uint32_t name, file;       /* string ids; file is the first one seen */
    uint32_t first_child;      /* index into kids, after layout */
    uint32_t nkids;
    uint32_t depth;
    int inlined;               /* seen as a frame inlined into its caller */
    uint64_t bytes, objects;
} flame_node_t;

typedef struct flame {
    const heap_profile_t *p;
    strtab_t strings;
    u64map_t child_of;  /* (parent << 32 | name) -> node */
    flame_node_t *nodes;
    size_t nnodes, nodes_cap;
    uint32_t *kids;     /* every node's children, grouped by parent */
    uint32_t *parents;  /* node -> parent, NO_NODE for the root */
    uint32_t *stack;    /* depth-first walk */
    double *stack_x;
    uint32_t max_depth; /* of the boxes drawn */
    uint64_t elided_bytes;
    size_t elided_boxes, drawn_boxes;
    int oom;
} flame_t;

static uint32_t intern(flame_t *f, const char *s) {
    int64_t id = strtab_intern(&f->strings, s, strlen(s));
    if (id < 0) f->oom = 1;
    return id < 0 ? 0 : (uint32_t)id;
}

static uint32_t node_add(flame_t *f, uint32_t name, uint32_t file, uint32_t depth) {
    if (f->nnodes == f->nodes_cap) {
        size_t cap = f->nodes_cap ? f->nodes_cap * 2 : 1024;
        flame_node_t *nodes = realloc(f->nodes, cap * sizeof *nodes);
        uint32_t *parents = realloc(f->parents, cap * sizeof *parents);
        if (nodes) f->nodes = nodes;
        if (parents) f->parents = parents;
        if (!nodes || !parents || cap >= NO_NODE) {
            f->oom = 1;
            return NO_NODE;
        }
        f->nodes_cap = cap;
    }
    flame_node_t *n = &f->nodes[f->nnodes];
    memset(n, 0, sizeof *n);
    n->name = name;
    n->file = file;
    n->depth = depth;
    f->parents[f->nnodes] = NO_NODE;
    return (uint32_t)f->nnodes++;
}

static uint32_t child_get(flame_t *f, uint32_t parent, const heap_frame_t *fr) {
    uint32_t name = intern(f, fr->function ? fr->function : "??");
    uint64_t key = (uint64_t)parent << 32 | name;
    uint64_t *found = u64map_get(&f->child_of, key);
    if (found) return (uint32_t)*found;
    uint32_t child = node_add(f, name, intern(f, fr->file ? fr->file : ""), f->nodes[parent].depth + 1);
    if (child == NO_NODE) return NO_NODE;
    f->parents[child] = parent;
    if (u64map_put(&f->child_of, key, child) != 0) f->oom = 1;
    return child;
}

/* Adds every sample's in-use bytes along its stack, root first. */
static int flame_build(flame_t *f, char *err, size_t cap) {
    const heap_profile_t *p = f->p;
    if (heap_profile_check(p, err, cap) != 0) return -1;
    intern(f, "");
    uint32_t root = node_add(f, intern(f, "all"), 0, 0);
    if (root == NO_NODE) {
        snprintf(err, cap, "out of memory building the flame graph");
        return -1;
    }
    for (size_t i = 0; i < p->nsamples && !f->oom; i++) {
        const heap_sample_t *s = &p->samples[i];
        if (s->inuse_bytes == 0) continue;
        uint32_t cur = root;
        f->nodes[root].bytes += s->inuse_bytes;
        f->nodes[root].objects += s->inuse_objects;
        for (size_t j = s->nlocations; j-- > 0 && cur != NO_NODE;) {
            const heap_location_t *loc = &p->locations[s->locations[j]];
            /* Frames are innermost first: walk them caller first. */
            for (size_t k = loc->nframes; k-- > 0 && cur != NO_NODE;) {
                cur = child_get(f, cur, &loc->frames[k]);
                if (cur == NO_NODE) break;
                flame_node_t *n = &f->nodes[cur];
                n->bytes += s->inuse_bytes;
                n->objects += s->inuse_objects;
                if (k + 1 < loc->nframes) n->inlined = 1;
            }
        }
    }
    if (f->oom) {
        snprintf(err, cap, "out of memory building the flame graph");
        return -1;
    }
    return 0;
}

static int by_bytes_then_name(const void *a, const void *b, void *arg) {
    const flame_t *f = arg;
    const flame_node_t *x = &f->nodes[*(const uint32_t *)a], *y = &f->nodes[*(const uint32_t *)b];
    if (x->bytes != y->bytes) return x->bytes > y->bytes ? -1 : 1;
    return strcmp(f->strings.strs[x->name], f->strings.strs[y->name]);
}

/* Groups each node's children together in kids[], widest first. */
static int flame_sort(flame_t *f) {
    size_t n = f->nnodes;
    f->kids = malloc((n ? n : 1) * sizeof *f->kids);
    f->stack = malloc((n ? n : 1) * sizeof *f->stack);
    f->stack_x = malloc((n ? n : 1) * sizeof *f->stack_x);
    if (!f->kids || !f->stack || !f->stack_x) return -1;
    for (size_t i = 1; i < n; i++) f->nodes[f->parents[i]].nkids++;
    uint32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        f->nodes[i].first_child = next;
        next += f->nodes[i].nkids;
        f->nodes[i].nkids = 0;
    }
    for (size_t i = 1; i < n; i++) {
        flame_node_t *parent = &f->nodes[f->parents[i]];
        f->kids[parent->first_child + parent->nkids++] = (uint32_t)i;
    }
    for (size_t i = 0; i < n; i++)
        if (f->nodes[i].nkids > 1)
            qsort_r(f->kids + f->nodes[i].first_child, f->nodes[i].nkids, sizeof *f->kids,
                    by_bytes_then_name, f);
    return 0;
}

/* Appends s with XML's five special characters escaped, control
 * characters and invalid UTF-8 replaced by '?', and at most max_chars
 * characters (code points) taken. Returns the characters written. */
static size_t xml_append(buf_t *out, const char *s, size_t max_chars) {
    const unsigned char *u = (const unsigned char *)s;
    size_t chars = 0;
    while (*u && chars < max_chars) {
        unsigned char c = *u;
        size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        int valid = len > 0 && !(len == 2 && c < 0xc2) && !(len == 4 && c > 0xf4);
        for (size_t i = 1; valid && i < len; i++)
            if ((u[i] & 0xc0) != 0x80) valid = 0;
        /* Overlong 3-byte forms and UTF-16 surrogates are not XML text. */
        if (valid && len == 3 && ((c == 0xe0 && u[1] < 0xa0) || (c == 0xed && u[1] >= 0xa0))) valid = 0;
        if (valid && len == 4 && ((c == 0xf0 && u[1] < 0x90) || (c == 0xf4 && u[1] >= 0x90))) valid = 0;
        if (!valid) {
            buf_append_char(out, '?');
            u++;
        } else if (len > 1) {
            buf_append(out, u, len);
            u += len;
        } else {
            switch (c) {
            case '&': buf_append_cstr(out, "&amp;"); break;
            case '<': buf_append_cstr(out, "&lt;"); break;
            case '>': buf_append_cstr(out, "&gt;"); break;
            case '"': buf_append_cstr(out, "&quot;"); break;
            case '\'': buf_append_cstr(out, "&apos;"); break;
            default: buf_append_char(out, c < 0x20 || c == 0x7f ? '?' : (char)c);
            }
            u++;
        }
        chars++;
    }
    return chars;
}

static size_t utf8_chars(const char *s) {
    size_t n = 0;
    for (const unsigned char *u = (const unsigned char *)s; *u; u++)
        if ((*u & 0xc0) != 0x80) n++;
    return n;
}

/* "1.5 MiB": binary units, as jemalloc and jeprof count. */
static void human_bytes(char *dst, size_t cap, uint64_t v) {
    static const char *units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double d = (double)v;
    int u = 0;
    while (d >= 1024 && u < 5) {
        d /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(dst, cap, "%" PRIu64 " bytes", v);
    else
        snprintf(dst, cap, "%.1f %s", d, units[u]);
}

/* A warm colour derived from the name only, so it is stable across dumps;
 * unknown frames are grey. */
static void frame_colour(const char *name, int *r, int *g, int *b) {
    if (!strcmp(name, "??") || !strcmp(name, "all")) {
        *r = *g = *b = 200;
        return;
    }
    uint64_t h = hash_bytes(name, strlen(name));
    *r = 205 + (int)(h % 50);
    *g = (int)((h >> 16) % 200);
    *b = (int)((h >> 32) % 55);
}

/* The label of a box: name cut to the glyphs that fit, with an ellipsis
 * when cut; nothing when not even SVG_MIN_LABEL_CHARS fit. */
static void put_label(buf_t *out, double x, double y, double w, const char *name) {
    size_t fit = w > 6 ? (size_t)((w - 6) / SVG_GLYPH_W) : 0;
    if (fit < SVG_MIN_LABEL_CHARS) return;
    buf_appendf(out, "<text x=\"%.2f\" y=\"%.1f\">", x + 3, y + SVG_FRAME_H - 5);
    if (utf8_chars(name) <= fit) {
        xml_append(out, name, SIZE_MAX);
    } else {
        xml_append(out, name, fit - 1);
        buf_append_cstr(out, "\xe2\x80\xa6"); /* U+2026, one glyph */
    }
    buf_append_cstr(out, "</text>");
}

static double box_y(const flame_t *f, uint32_t depth) {
    return SVG_HEAD_H + (double)(f->max_depth - depth) * SVG_FRAME_H;
}

static void put_rect(buf_t *out, double x, double y, double w, int r, int g, int b) {
    buf_appendf(out, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"rgb(%d,%d,%d)\"/>", x, y, w,
                SVG_FRAME_H - 1, r, g, b);
}

static void put_box(flame_t *f, buf_t *out, uint32_t id, double x, double w) {
    const flame_node_t *n = &f->nodes[id];
    const char *name = f->strings.strs[n->name];
    const char *file = f->strings.strs[n->file];
    double pct = 100.0 * (double)n->bytes / (double)f->nodes[0].bytes;
    double y = box_y(f, n->depth);
    char human[32];
    human_bytes(human, sizeof human, n->bytes);
    int r, g, b;
    frame_colour(name, &r, &g, &b);

    buf_append_cstr(out, "<g><title>");
    xml_append(out, name, SIZE_MAX);
    if (n->inlined) buf_append_cstr(out, " (inlined)");
    if (*file) {
        buf_append_cstr(out, "\n");
        xml_append(out, file, SIZE_MAX);
    }
    buf_appendf(out, "\n%" PRIu64 " bytes (%s), %.2f%%; %" PRIu64 " objects</title>", n->bytes, human, pct,
                n->objects);
    put_rect(out, x, y, w, r, g, b);
    if (id == 0) {
        char label[64];
        snprintf(label, sizeof label, "all (%s in use)", human);
        put_label(out, x, y, w, label);
    } else {
        put_label(out, x, y, w, name);
    }
    buf_append_cstr(out, "</g>\n");
}

/* One grey box standing for the callees of a box that are each too narrow
 * to draw, so that their bytes still show where they are. */
static void put_group(flame_t *f, buf_t *out, uint32_t depth, double x, double w, uint32_t nkids, uint64_t bytes,
                      uint64_t objects) {
    char human[32], label[48];
    human_bytes(human, sizeof human, bytes);
    double y = box_y(f, depth);
    buf_appendf(out,
                "<g><title>%" PRIu32 " callees, each narrower than %.1f px\n%" PRIu64
                " bytes (%s), %.2f%%; %" PRIu64 " objects</title>",
                nkids, SVG_MIN_WIDTH_PX, bytes, human, 100.0 * (double)bytes / (double)f->nodes[0].bytes, objects);
    put_rect(out, x, y, w, 215, 215, 215);
    snprintf(label, sizeof label, "+%" PRIu32 " small", nkids);
    put_label(out, x, y, w, label);
    buf_append_cstr(out, "</g>\n");
}

/* Walks the tree depth first, drawing the boxes at least SVG_MIN_WIDTH_PX
 * wide (when out is not NULL) or only measuring the depth they reach. */
static void flame_walk(flame_t *f, buf_t *out) {
    double scale = (SVG_WIDTH - 2 * SVG_PAD) / (double)f->nodes[0].bytes;
    size_t top = 0;
    f->stack[top] = 0;
    f->stack_x[top++] = SVG_PAD;
    while (top > 0) {
        top--;
        uint32_t id = f->stack[top];
        double x = f->stack_x[top];
        const flame_node_t *n = &f->nodes[id];
        if (out) {
            put_box(f, out, id, x, (double)n->bytes * scale);
            f->drawn_boxes++;
        } else if (n->depth > f->max_depth) {
            f->max_depth = n->depth;
        }
        /* Children sit left to right from the parent's left edge, widest
         * first, so the narrow ones are all at the end. */
        double cx = x, small_x = 0;
        uint64_t small_bytes = 0, small_objects = 0;
        uint32_t nsmall = 0;
        size_t first = top;
        for (uint32_t k = 0; k < n->nkids; k++) {
            const flame_node_t *kid = &f->nodes[f->kids[n->first_child + k]];
            double w = (double)kid->bytes * scale;
            if (w < SVG_MIN_WIDTH_PX) {
                if (nsmall++ == 0) small_x = cx;
                small_bytes += kid->bytes;
                small_objects += kid->objects;
            } else {
                f->stack[top] = f->kids[n->first_child + k];
                f->stack_x[top++] = cx;
            }
            cx += w;
        }
        if (nsmall) {
            double w = (double)small_bytes * scale;
            if (w < SVG_MIN_WIDTH_PX) {
                if (out) {
                    f->elided_bytes += small_bytes;
                    f->elided_boxes += nsmall;
                }
            } else if (out) {
                put_group(f, out, n->depth + 1, small_x, w, nsmall, small_bytes, small_objects);
                f->drawn_boxes++;
            } else if (n->depth + 1 > f->max_depth) {
                f->max_depth = n->depth + 1;
            }
        }
        /* Pushed left to right, popped right to left: reverse them so the
         * output lists boxes left to right (for readers of the file). */
        for (size_t i = first, j = top; i + 1 < j; i++, j--) {
            uint32_t t = f->stack[i];
            f->stack[i] = f->stack[j - 1];
            f->stack[j - 1] = t;
            double tx = f->stack_x[i];
            f->stack_x[i] = f->stack_x[j - 1];
            f->stack_x[j - 1] = tx;
        }
    }
}

static void put_heading(flame_t *f, buf_t *out, double height) {
    const heap_profile_t *p = f->p;
    char inuse[32], interval[32], when[48], alloc[32];
    human_bytes(inuse, sizeof inuse, p->total_inuse_bytes);
    human_bytes(interval, sizeof interval, p->sample_period);
    human_bytes(alloc, sizeof alloc, p->total_alloc_bytes);
    time_t t = (time_t)(p->time_ms / 1000);
    struct tm tm;
    if (p->time_ms > 0 && gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    else
        snprintf(when, sizeof when, "time unknown");

    buf_appendf(out,
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
                "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" height=\"%.0f\" "
                "viewBox=\"0 0 %.0f %.0f\" font-family=\"'DejaVu Sans Mono',monospace\" font-size=\"%.0f\">\n",
                SVG_WIDTH, height, SVG_WIDTH, height, SVG_FONT_PX);
    buf_append_cstr(out, "<title>Heap profile");
    if (p->title && p->title[0]) {
        buf_append_cstr(out, ": ");
        xml_append(out, p->title, SIZE_MAX);
    }
    buf_append_cstr(out, "</title>\n");
    /* Hover feedback without a script: the box under the pointer gets an
     * outline. */
    buf_append_cstr(out,
                    "<style>g:hover>rect{stroke:#000;stroke-width:1}text{fill:#000;pointer-events:none}"
                    ".h{font-size:17px;font-weight:bold}.s{fill:#444}</style>\n");
    buf_appendf(out, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#fdfdf6\"/>\n", SVG_WIDTH, height);
    buf_appendf(out, "<text class=\"h\" x=\"%.0f\" y=\"24\" text-anchor=\"middle\">Heap profile: in-use memory",
                SVG_WIDTH / 2);
    if (p->title && p->title[0]) {
        buf_append_cstr(out, " of ");
        xml_append(out, p->title, 80);
    }
    buf_append_cstr(out, "</text>\n");
    buf_appendf(out,
                "<text class=\"s\" x=\"%.0f\" y=\"46\" text-anchor=\"middle\">%s in use in %" PRIu64
                " objects",
                SVG_WIDTH / 2, inuse, p->total_inuse_objects);
    if (p->total_alloc_bytes) buf_appendf(out, ", %s allocated", alloc);
    buf_appendf(out, " \xc2\xb7 sample interval %s \xc2\xb7 %s</text>\n", interval, when);
}

static void put_footer(flame_t *f, buf_t *out, double height) {
    double y = height - SVG_FOOT_H + 18;
    buf_appendf(out, "<text class=\"s\" x=\"%.0f\" y=\"%.1f\">", SVG_PAD, y);
    if (f->nodes[0].bytes == 0) {
        buf_append_cstr(out, "No in-use memory in this profile.</text>\n");
        return;
    }
    buf_append_cstr(out, "Width: in-use bytes. Bottom: the root; above each box, its callees; grey \"+N small\": "
                         "callees too narrow to draw one by one. Hover for details.</text>\n");
    if (f->elided_boxes) {
        char human[32];
        human_bytes(human, sizeof human, f->elided_bytes);
        buf_appendf(out,
                    "<text class=\"s\" x=\"%.0f\" y=\"%.1f\">Not drawn: %zu call paths narrower than %.1f px "
                    "even together, %s (%.2f%%).</text>\n",
                    SVG_PAD, y + 16, f->elided_boxes, SVG_MIN_WIDTH_PX, human,
                    100.0 * (double)f->elided_bytes / (double)f->nodes[0].bytes);
    }
}

static void flame_fini(flame_t *f) {
    strtab_fini(&f->strings);
    u64map_fini(&f->child_of);
    free(f->nodes);
    free(f->kids);
    free(f->parents);
    free(f->stack);
    free(f->stack_x);
}

int heap_profile_write_svg(const heap_profile_t *p, buf_t *out, char *err, size_t cap) {
    flame_t f;
    memset(&f, 0, sizeof f);
    f.p = p;
    strtab_init(&f.strings);
    u64map_init(&f.child_of);
    int rc = flame_build(&f, err, cap);
    if (rc == 0 && flame_sort(&f) != 0) {
        snprintf(err, cap, "out of memory laying out the flame graph");
        rc = -1;
    }
    if (rc != 0) {
        flame_fini(&f);
        return -1;
    }
    if (f.nodes[0].bytes > 0) flame_walk(&f, NULL);
    double height = SVG_HEAD_H + (double)(f.max_depth + 1) * SVG_FRAME_H + SVG_FOOT_H;
    put_heading(&f, out, height);
    if (f.nodes[0].bytes > 0) flame_walk(&f, out);
    put_footer(&f, out, height);
    buf_append_cstr(out, "</svg>\n");
    flame_fini(&f);
    return 0;
}
