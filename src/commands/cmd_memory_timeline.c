/* KPROFILE MEMORY HISTORY, the growth part of MEMORY DOCTOR, and the
 * timeline's STATUS and INFO fields. */
#include "commands/cmd_memory_timeline.h"

#include <stdio.h>
#include <stdlib.h>

#include "memory/memory_growth.h"
#include "server/memory_timeline.h"
#include "server/server.h"
#include "util/strutil.h"

void kprofile_history(cmd_ctx_t *ctx) {
    long long seconds = 0; /* all */
    if (ctx->argc == 4) {
        if (!str_to_ll(ctx->argv[3].ptr, ctx->argv[3].len, &seconds) || seconds < 1) {
            reply_error(ctx->reply, "ERR seconds must be a positive integer");
            return;
        }
    }
    memory_sample_t *samples = NULL;
    size_t n = 0;
    if (memory_history_snapshot(memory_timeline_history(ctx->srv), seconds, &samples, &n) != 0) {
        reply_error(ctx->reply, "ERR out of memory copying the memory history");
        return;
    }
    reply_t *r = ctx->reply;
    reply_array(r, (long long)n + 1);
    reply_array(r, MEMORY_SAMPLE_FIELDS);
    for (size_t f = 0; f < MEMORY_SAMPLE_FIELDS; f++) reply_bulk_cstr(r, memory_sample_field_name(f));
    for (size_t i = 0; i < n; i++) {
        reply_array(r, MEMORY_SAMPLE_FIELDS);
        for (size_t f = 0; f < MEMORY_SAMPLE_FIELDS; f++) reply_int(r, memory_sample_field(&samples[i], f));
    }
    free(samples);
}

void kprofile_status_auto_dumps(cmd_ctx_t *ctx) {
    auto_dump_stats_t st;
    memory_timeline_auto_dump_stats(ctx->srv, &st);
    reply_t *r = ctx->reply;
    reply_bulk_cstr(r, "auto_dumps");
    reply_int(r, (long long)st.written);
    reply_bulk_cstr(r, "auto_dumps_removed");
    reply_int(r, (long long)st.removed);
    reply_bulk_cstr(r, "auto_dumps_failed");
    reply_int(r, (long long)st.failed);
    reply_bulk_cstr(r, "last_auto_dump");
    reply_bulk_cstr(r, st.last_path);
}

int memory_doctor_growth(cmd_ctx_t *ctx, buf_t *out) {
    char text[512], why[160];
    int64_t windows[MEMORY_GROWTH_MAX_WINDOWS];
    config_str(ctx->srv->config, CONF_MEMORY_DOCTOR_WINDOWS, text, sizeof text);
    int nwindows = memory_growth_parse_windows(text, windows, why, sizeof why);
    if (nwindows <= 0) return 0; /* refused at start-up and by CONFIG SET */
    memory_sample_t *samples = NULL;
    size_t n = 0;
    if (memory_history_snapshot(memory_timeline_history(ctx->srv), 0, &samples, &n) != 0) return 0;
    /* The longest window that shows a trend says the most. */
    memory_growth_t best = {0}, g;
    int found = 0;
    for (int i = 0; i < nwindows; i++)
        if (memory_growth_detect(samples, n, windows[i], &g) && (!found || g.window_s > best.window_s)) {
            best = g;
            found = 1;
        }
    free(samples);
    if (!found) return 0;
    buf_append_cstr(out, " * Sustained memory growth: ");
    memory_growth_describe(&best, out);
    buf_append_cstr(out, ".");
    if (best.component == MEMORY_COMPONENT_OTHER)
        buf_append_cstr(out, " To see which call stacks grow: KPROFILE MEMORY ENABLE, then two KPROFILE MEMORY "
                             "DUMPs some minutes apart (jeprof --base=<older> compares them), or set "
                             "profiling-dump-interval.");
    buf_append_cstr(out, "\n\n");
    return 1;
}

void info_memory_timeline(cmd_ctx_t *ctx, buf_t *out) {
    memory_history_t *h = memory_timeline_history(ctx->srv);
    auto_dump_stats_t st;
    memory_timeline_auto_dump_stats(ctx->srv, &st);
    buf_appendf(out,
                "memory_history_samples:%zu\r\nmemory_history_capacity:%zu\r\n"
                "heap_profiling_auto_dumps:%llu\r\nheap_profiling_auto_dumps_removed:%llu\r\n"
                "heap_profiling_auto_dumps_failed:%llu\r\nheap_profiling_last_auto_dump:%s\r\n",
                memory_history_count(h), memory_history_capacity(h), (unsigned long long)st.written,
                (unsigned long long)st.removed, (unsigned long long)st.failed, st.last_path);
}
