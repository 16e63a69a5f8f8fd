#include "memory/profiler.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memory/allocator.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/path.h"

#ifndef BASALT_NO_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

/* Without jemalloc (sanitizer builds) most of this file is unused. */
#define PROFILER_STATE __attribute__((unused))

PROFILER_STATE static pthread_mutex_t profiler_lock = PTHREAD_MUTEX_INITIALIZER;
static int available;
static char why_unavailable[160];
PROFILER_STATE static int64_t active_since_ms;
PROFILER_STATE static uint64_t dump_count;
PROFILER_STATE static uint64_t internal_at_enable;
PROFILER_STATE static char last_dump[4096];

void profiler_init(void) {
#ifdef BASALT_NO_JEMALLOC
    snprintf(why_unavailable, sizeof why_unavailable,
             "this build uses the system allocator (sanitizer build), not jemalloc");
#else
    bool on = false;
    size_t len = sizeof on;
    if (mallctl("config.prof", &on, &len, NULL, 0) != 0 || !on) {
        snprintf(why_unavailable, sizeof why_unavailable, "jemalloc was built without profiling (--enable-prof)");
        return;
    }
    len = sizeof on;
    if (mallctl("opt.prof", &on, &len, NULL, 0) != 0 || !on) {
        snprintf(why_unavailable, sizeof why_unavailable, "jemalloc was started with prof:false (MALLOC_CONF)");
        return;
    }
    available = 1;
    /* MALLOC_CONF may start the process with sampling already on. */
    len = sizeof on;
    if (mallctl("prof.active", &on, &len, NULL, 0) == 0 && on) active_since_ms = clock_unix_ms();
#endif
}

int profiler_available(char *why, size_t cap) {
    if (!available && why) snprintf(why, cap, "%s", why_unavailable);
    return available;
}

#ifndef BASALT_NO_JEMALLOC

static int set_active(bool on, char *err, size_t cap) {
    if (mallctl("prof.active", NULL, NULL, &on, sizeof on) != 0) {
        snprintf(err, cap, "cannot set prof.active");
        return -1;
    }
    return 0;
}

static int prof_is_active(void) {
    bool on = false;
    size_t len = sizeof on;
    mallctl("prof.active", &on, &len, NULL, 0);
    return on;
}

static uint64_t current_sample_bytes(void) {
    size_t lg = 0, len = sizeof lg;
    if (mallctl("prof.lg_sample", &lg, &len, NULL, 0) != 0) return 0;
    return (uint64_t)1 << lg;
}

int profiler_enable(uint64_t sample_bytes, uint64_t *effective, char *err, size_t cap) {
    if (!available) {
        snprintf(err, cap, "%s", why_unavailable);
        return -1;
    }
    pthread_mutex_lock(&profiler_lock);
    int rc = 0;
    if (sample_bytes > 0) {
        /* Round to the nearest power of two, as jemalloc keeps a log2. */
        size_t lg = 0;
        while (lg < 62 && ((uint64_t)1 << (lg + 1)) <= sample_bytes) lg++;
        if (lg < 62 && sample_bytes - ((uint64_t)1 << lg) > ((uint64_t)1 << (lg + 1)) - sample_bytes) lg++;
        if (mallctl("prof.reset", NULL, NULL, &lg, sizeof lg) != 0) {
            snprintf(err, cap, "cannot set the sample interval (prof.reset)");
            rc = -1;
        }
    }
    bool on = false;
    size_t len = sizeof on;
    mallctl("prof.active", &on, &len, NULL, 0);
    if (rc == 0 && !on) {
        rc = set_active(true, err, cap);
        if (rc == 0) {
            active_since_ms = clock_unix_ms();
            allocator_stats_t a;
            allocator_stats_read(&a);
            internal_at_enable = a.internal;
        }
    }
    if (effective) *effective = current_sample_bytes();
    pthread_mutex_unlock(&profiler_lock);
    return rc;
}

int profiler_disable(char *err, size_t cap) {
    if (!available) {
        snprintf(err, cap, "%s", why_unavailable);
        return -1;
    }
    pthread_mutex_lock(&profiler_lock);
    int rc = set_active(false, err, cap);
    if (rc == 0) active_since_ms = 0;
    pthread_mutex_unlock(&profiler_lock);
    return rc;
}

void profiler_get_status(profiler_status_t *out) {
    memset(out, 0, sizeof *out);
    out->available = available;
    snprintf(out->why_unavailable, sizeof out->why_unavailable, "%s", available ? "" : why_unavailable);
    snprintf(out->conf_source, sizeof out->conf_source, "%s", getenv("MALLOC_CONF") ? "MALLOC_CONF" : "built-in");
    if (!available) return;
    bool on = false;
    size_t len = sizeof on;
    mallctl("prof.active", &on, &len, NULL, 0);
    pthread_mutex_lock(&profiler_lock);
    out->active = on;
    out->sample_bytes = current_sample_bytes();
    out->active_since_ms = on ? active_since_ms : 0;
    out->dumps = dump_count;
    snprintf(out->last_dump, sizeof out->last_dump, "%s", last_dump);
    if (on) {
        allocator_stats_t a;
        allocator_stats_read(&a);
        out->overhead_bytes = a.internal > internal_at_enable ? a.internal - internal_at_enable : 0;
    }
    pthread_mutex_unlock(&profiler_lock);
}

#else

int profiler_enable(uint64_t sample_bytes, uint64_t *effective, char *err, size_t cap) {
    (void)sample_bytes, (void)effective;
    snprintf(err, cap, "%s", why_unavailable);
    return -1;
}

int profiler_disable(char *err, size_t cap) {
    snprintf(err, cap, "%s", why_unavailable);
    return -1;
}

void profiler_get_status(profiler_status_t *out) {
    memset(out, 0, sizeof *out);
    snprintf(out->why_unavailable, sizeof out->why_unavailable, "%s", why_unavailable);
    snprintf(out->conf_source, sizeof out->conf_source, "built-in");
}

#endif

void profiler_totals_json(buf_t *out) {
    allocator_stats_t a;
    allocator_stats_read(&a);
    buf_appendf(out,
                "\"allocated\": %llu, \"active\": %llu, \"resident\": %llu, \"mapped\": %llu, \"metadata\": %llu, "
                "\"retained\": %llu, \"allocations\": %llu, \"frees\": %llu, \"live_objects\": %llu, "
                "\"largest_live_allocation_class\": %llu, \"rss\": %llu",
                (unsigned long long)a.allocated, (unsigned long long)a.active, (unsigned long long)a.resident,
                (unsigned long long)a.mapped, (unsigned long long)a.metadata, (unsigned long long)a.retained,
                (unsigned long long)a.nmalloc, (unsigned long long)a.ndalloc, (unsigned long long)a.live_objects,
                (unsigned long long)a.largest_live_class, (unsigned long long)process_rss_bytes());
}

/* ---- dumps ---- */

/* Creates name in the directory dirfd: new (O_EXCL), not through a symlink,
 * mode 0600, and fills it with data. */
PROFILER_STATE static int write_new_file(int dirfd, const char *name, const char *data, size_t len, char *err, size_t cap) {
    int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, cap, "cannot create %s: %s", name, strerror(errno));
        return -1;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            snprintf(err, cap, "cannot write %s: %s", name, strerror(errno));
            close(fd);
            unlinkat(dirfd, name, 0);
            return -1;
        }
        off += (size_t)n;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        snprintf(err, cap, "cannot write %s: %s", name, strerror(errno));
        unlinkat(dirfd, name, 0);
        return -1;
    }
    return 0;
}

#ifndef BASALT_NO_JEMALLOC
/* jemalloc opens its dump file itself (following symlinks, truncating,
 * 0644), so it writes into a fresh private directory of ours, and the
 * text is read back from there. Call under profiler_lock. */
static int capture_locked(const char *work_dir, buf_t *heap, char *err, size_t cap) {
    char tmpdir[4096], tmpfile[4200];
    snprintf(tmpdir, sizeof tmpdir, "%s/.kprofile-XXXXXX", work_dir);
    if (!mkdtemp(tmpdir)) {
        snprintf(err, cap, "cannot create a private directory in %s: %s", work_dir, strerror(errno));
        return -1;
    }
    snprintf(tmpfile, sizeof tmpfile, "%s/dump.heap", tmpdir);
    const char *p = tmpfile;
    int rc = -1;
    if (mallctl("prof.dump", NULL, NULL, &p, sizeof p) != 0)
        snprintf(err, cap, "jemalloc could not write the profile (prof.dump)");
    else if (path_read_file(tmpfile, SIZE_MAX, heap) != 0)
        snprintf(err, cap, "cannot read the dump: %s", strerror(errno));
    else
        rc = 0;
    unlink(tmpfile);
    rmdir(tmpdir);
    return rc;
}

/* Writes data as dir/<name> and its summary beside it. Under profiler_lock. */
static int save_locked(const char *dir, const char *name, const char *format, const char *data, size_t len,
                       int64_t now, const char *server_version, const char *summary_extra, char *path_out,
                       size_t path_cap, char *err, size_t cap) {
    char summary_name[400];
    snprintf(summary_name, sizeof summary_name, "%s.summary.json", name);
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dirfd < 0) {
        snprintf(err, cap, "cannot open %s: %s", dir, strerror(errno));
        return -1;
    }
    int rc = -1;
    buf_t summary;
    buf_init(&summary);
    if (write_new_file(dirfd, name, data ? data : "", len, err, cap) != 0) goto out;
    buf_append_cstr(&summary, "{\n  \"format\": ");
    json_append_string(&summary, format);
    buf_append_cstr(&summary, ",\n  \"file\": ");
    json_append_string(&summary, name);
    buf_appendf(&summary, ",\n  \"time_ms\": %lld,\n  \"pid\": %d,\n  \"server_version\": ", (long long)now,
                (int)getpid());
    json_append_string(&summary, server_version);
    buf_appendf(&summary, ",\n  \"allocator\": ");
    json_append_string(&summary, allocator_name());
    buf_appendf(&summary, ",\n  \"sample_bytes\": %llu,\n  \"profiling_active\": %s,\n  ",
                (unsigned long long)current_sample_bytes(), prof_is_active() ? "true" : "false");
    profiler_totals_json(&summary);
    if (summary_extra && summary_extra[0]) buf_appendf(&summary, ",\n  %s", summary_extra);
    buf_append_cstr(&summary, "\n}\n");
    if (write_new_file(dirfd, summary_name, summary.data, summary.len, err, cap) != 0) {
        unlinkat(dirfd, name, 0);
        goto out;
    }
    dump_count++;
    snprintf(path_out, path_cap, "%s/%s", dir, name);
    snprintf(last_dump, sizeof last_dump, "%s", path_out);
    rc = 0;
out:
    close(dirfd);
    buf_fini(&summary);
    return rc;
}
#endif

int profiler_capture(const char *work_dir, buf_t *heap, int64_t *time_ms, char *err, size_t cap) {
    if (!available) {
        snprintf(err, cap, "%s", why_unavailable);
        return -1;
    }
#ifdef BASALT_NO_JEMALLOC
    (void)work_dir, (void)heap, (void)time_ms;
    return -1;
#else
    pthread_mutex_lock(&profiler_lock);
    int rc = capture_locked(work_dir, heap, err, cap);
    *time_ms = clock_unix_ms();
    pthread_mutex_unlock(&profiler_lock);
    return rc;
#endif
}

int profiler_save(const char *dir, const char *format, const char *extension, const char *data, size_t len,
                  int64_t time_ms, const char *server_version, const char *summary_extra, char *path_out,
                  size_t path_cap, char *err, size_t cap) {
    if (!available) {
        snprintf(err, cap, "%s", why_unavailable);
        return -1;
    }
#ifdef BASALT_NO_JEMALLOC
    (void)dir, (void)format, (void)extension, (void)data, (void)len, (void)time_ms, (void)server_version;
    (void)summary_extra, (void)path_out, (void)path_cap;
    return -1;
#else
    pthread_mutex_lock(&profiler_lock);
    char name[256];
    snprintf(name, sizeof name, "jeprof.%d.%llu.%lld%s", (int)getpid(), (unsigned long long)dump_count,
             (long long)time_ms, extension);
    int rc = save_locked(dir, name, format, data, len, time_ms, server_version, summary_extra, path_out, path_cap,
                         err, cap);
    pthread_mutex_unlock(&profiler_lock);
    return rc;
#endif
}
