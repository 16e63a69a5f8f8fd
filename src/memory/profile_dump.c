#include "memory/profile_dump.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memory/profiler.h"
#include "util/buf.h"

heap_profile_t *profile_capture_symbolized(const char *work_dir, const char *title, char *err, size_t cap) {
    char why[512];
    buf_t text;
    buf_init(&text);
    int64_t now = 0;
    heap_profile_t *p = NULL;
    if (profiler_capture(work_dir, &text, &now, why, sizeof why) != 0) {
        snprintf(err, cap, "dump failed: %s", why);
    } else if (heap_profile_load(text.data ? text.data : "", text.len, 1, &p, why, sizeof why) != 0) {
        snprintf(err, cap, "cannot read jemalloc's profile: %s", why);
        p = NULL;
    } else {
        p->time_ms = now;
        p->pid = (int)getpid();
        free((char *)p->title);
        p->title = strdup(title ? title : "");
        if (!p->title) {
            snprintf(err, cap, "out of memory");
            heap_profile_free(p);
            p = NULL;
        }
    }
    buf_fini(&text);
    return p;
}

int profile_dump_to_dir(const char *dir, const char *work_dir, enum heap_format f, const char *title,
                        const char *server_version, const char *summary_extra, char *path_out, size_t path_cap,
                        char *err, size_t cap) {
    heap_profile_t *p = profile_capture_symbolized(work_dir, title, err, cap);
    if (!p) return -1;
    char why[512];
    int rc = -1;
    buf_t out;
    buf_init(&out);
    if (heap_profile_write(p, f, &out, why, sizeof why) != 0)
        snprintf(err, cap, "cannot format the profile: %s", why);
    else if (profiler_save(dir, heap_format_name(f), heap_format_extension(f), out.data ? out.data : "", out.len,
                           p->time_ms, server_version, summary_extra, path_out, path_cap, why, sizeof why) != 0)
        snprintf(err, cap, "dump failed: %s", why);
    else
        rc = 0;
    buf_fini(&out);
    heap_profile_free(p);
    return rc;
}
