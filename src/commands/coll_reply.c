/* Reply helpers shared by the collection commands. */
#include "commands/coll_reply.h"

#include <string.h>

#include "commands/scan_cursor.h"
#include "util/strutil.h"

/* ---- HSCAN / SSCAN ---- */

typedef struct scan_state {
    reply_t *reply;
    slice_t pattern; /* ptr NULL = every element */
    int with_values;
    long long n;
} scan_state_t;

static int scan_visit(void *arg, slice_t field, slice_t value) {
    scan_state_t *ss = arg;
    if (ss->pattern.ptr && !glob_match(ss->pattern.ptr, ss->pattern.len, field.ptr, field.len, 0)) return 0;
    reply_bulk(ss->reply, field.ptr, field.len);
    if (ss->with_values) reply_bulk(ss->reply, value.ptr, value.len);
    ss->n++;
    return 0;
}

static void reply_empty_scan(reply_t *r) {
    reply_array(r, 2);
    reply_bulk(r, "0", 1);
    reply_array(r, 0);
}

void coll_scan_command(cmd_ctx_t *ctx, enum value_type type, coll_scan_fn scan, int with_values) {
    unsigned long long cursor;
    if (!str_to_ull(ctx->argv[2].ptr, ctx->argv[2].len, &cursor)) {
        reply_error(ctx->reply, "ERR invalid cursor");
        return;
    }
    /* As Redis: the key is looked up before the options are parsed, so a
     * missing key answers an empty scan whatever follows. */
    enum value_type found;
    db_status_t st = db_key_type(ctx->db, ctx->scratch, ctx->argv[1], &found);
    if (st != DB_OK) {
        reply_db_status(ctx, st);
        return;
    }
    if (found == TYPE_NONE) {
        reply_empty_scan(ctx->reply);
        return;
    }
    if (found != type) {
        reply_db_status(ctx, DB_WRONGTYPE);
        return;
    }
    scan_options_t opts;
    if (!scan_options_parse(ctx, 3, 0, &opts)) return;
    long long count = opts.count;
    scan_state_t ss = {ctx->reply, opts.pattern, with_values, 0};
    buf_t start, next;
    buf_init(&start);
    buf_init(&next);
    if (!scan_cursor_resume(ctx, cursor, &start)) {
        buf_fini(&start);
        return;
    }
    size_t reply_start = reply_deferred_begin(ctx->reply);
    reply_array(ctx->reply, 2);
    size_t cursor_mark = reply_deferred_begin(ctx->reply);
    size_t elements_mark = reply_deferred_begin(ctx->reply);
    st = scan(ctx->db, ctx->scratch, ctx->argv[1], slice_make(start.data, start.len), (size_t)count, scan_visit, &ss,
              &next);
    buf_fini(&start);
    if (st == DB_NOT_FOUND) { /* deleted since the type check */
        buf_fini(&next);
        reply_discard(ctx->reply, reply_start);
        reply_empty_scan(ctx->reply);
        return;
    }
    if (st != DB_OK) {
        buf_fini(&next);
        reply_discard(ctx->reply, reply_start);
        reply_db_status(ctx, st);
        return;
    }
    reply_deferred_array(ctx->reply, elements_mark, with_values ? 2 * ss.n : ss.n);
    uint64_t next_cursor = next.len ? scan_cursor_save(slice_make(next.data, next.len)) : 0;
    buf_fini(&next);
    reply_deferred_bulk_ll(ctx->reply, cursor_mark, (long long)next_cursor);
}
