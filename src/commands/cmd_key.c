/* Generic key commands. */
#include <stdio.h>
#include <string.h>

#include "commands/command.h"
#include "commands/expire_args.h"
#include "commands/scan_cursor.h"
#include "server/blocking.h"
#include "util/clock.h"
#include "util/strutil.h"

static void delete_generic(cmd_ctx_t *ctx) {
    long long deleted = 0;
    db_status_t st = db_key_delete(ctx->db, ctx->scratch, ctx->argv + 1, ctx->argc - 1, &deleted);
    if (st == DB_OK)
        reply_int(ctx->reply, deleted);
    else
        reply_db_status(ctx, st);
}

void cmd_del(cmd_ctx_t *ctx) { delete_generic(ctx); }
/* Deletion is O(1) for every type here, so UNLINK is DEL. */
void cmd_unlink(cmd_ctx_t *ctx) { delete_generic(ctx); }

static void count_existing(cmd_ctx_t *ctx) {
    long long n = 0;
    for (size_t i = 1; i < ctx->argc; i++) {
        metadata_t m;
        db_status_t st = db_lookup_meta(ctx->db, ctx->scratch, ctx->argv[i], &m);
        if (st == DB_IO_ERROR) {
            reply_db_status(ctx, st);
            return;
        }
        if (st == DB_OK) n++;
    }
    reply_int(ctx->reply, n);
}

void cmd_exists(cmd_ctx_t *ctx) { count_existing(ctx); }
void cmd_touch(cmd_ctx_t *ctx) { count_existing(ctx); }

void cmd_type(cmd_ctx_t *ctx) {
    enum value_type t;
    db_status_t st = db_key_type(ctx->db, ctx->scratch, ctx->argv[1], &t);
    if (st == DB_OK)
        reply_simple(ctx->reply, type_name(t));
    else
        reply_db_status(ctx, st);
}

static void expire_generic(cmd_ctx_t *ctx, int64_t unit_ms, int absolute) {
    int nx = 0, xx = 0, gt = 0, lt = 0;
    for (size_t i = 3; i < ctx->argc; i++) {
        slice_t a = ctx->argv[i];
        if (slice_eq_nocase(a, "nx")) nx = 1;
        else if (slice_eq_nocase(a, "xx")) xx = 1;
        else if (slice_eq_nocase(a, "gt")) gt = 1;
        else if (slice_eq_nocase(a, "lt")) lt = 1;
        else {
            char opt[64];
            arg_to_cstr(a, opt, sizeof opt);
            reply_errorf(ctx->reply, "ERR Unsupported option %s", opt);
            return;
        }
    }
    if (nx && (xx || gt || lt)) {
        reply_error(ctx->reply, "ERR NX and XX, GT or LT options at the same time are not compatible");
        return;
    }
    if (gt && lt) {
        reply_error(ctx->reply, "ERR GT and LT options at the same time are not compatible");
        return;
    }
    int64_t when;
    if (!expire_arg_to_abs_ms(ctx, ctx->argv[2], unit_ms, absolute, 0, ctx->cmd->name, &when)) return;
    unsigned flags = (nx ? EXPIRE_NX : 0) | (xx ? EXPIRE_XX : 0) | (gt ? EXPIRE_GT : 0) | (lt ? EXPIRE_LT : 0);
    int applied = 0;
    db_status_t st = db_key_expire(ctx->db, ctx->scratch, ctx->argv[1], when, flags, &applied);
    if (st == DB_OK)
        reply_int(ctx->reply, applied);
    else
        reply_db_status(ctx, st);
}

void cmd_expire(cmd_ctx_t *ctx) { expire_generic(ctx, 1000, 0); }
void cmd_pexpire(cmd_ctx_t *ctx) { expire_generic(ctx, 1, 0); }
void cmd_expireat(cmd_ctx_t *ctx) { expire_generic(ctx, 1000, 1); }
void cmd_pexpireat(cmd_ctx_t *ctx) { expire_generic(ctx, 1, 1); }

/* mode: 0 TTL, 1 PTTL, 2 EXPIRETIME, 3 PEXPIRETIME */
static void ttl_generic(cmd_ctx_t *ctx, int mode) {
    int64_t expire;
    db_status_t st = db_key_expire_time(ctx->db, ctx->scratch, ctx->argv[1], &expire);
    if (st == DB_NOT_FOUND) {
        reply_int(ctx->reply, -2);
        return;
    }
    if (st != DB_OK) {
        reply_db_status(ctx, st);
        return;
    }
    if (expire == 0) {
        reply_int(ctx->reply, -1);
        return;
    }
    int64_t left = expire - clock_unix_ms();
    if (left < 0) left = 0;
    switch (mode) {
    case 0: reply_int(ctx->reply, (left + 500) / 1000); break;
    case 1: reply_int(ctx->reply, left); break;
    case 2: reply_int(ctx->reply, expire / 1000 + (expire % 1000 >= 500)); break; /* rounded, no overflow */
    default: reply_int(ctx->reply, expire); break;
    }
}

void cmd_ttl(cmd_ctx_t *ctx) { ttl_generic(ctx, 0); }
void cmd_pttl(cmd_ctx_t *ctx) { ttl_generic(ctx, 1); }
void cmd_expiretime(cmd_ctx_t *ctx) { ttl_generic(ctx, 2); }
void cmd_pexpiretime(cmd_ctx_t *ctx) { ttl_generic(ctx, 3); }

void cmd_persist(cmd_ctx_t *ctx) {
    int changed = 0;
    db_status_t st = db_key_persist(ctx->db, ctx->scratch, ctx->argv[1], &changed);
    if (st == DB_OK)
        reply_int(ctx->reply, changed);
    else
        reply_db_status(ctx, st);
}

/* ---- KEYS and SCAN ---- */

typedef struct match_state {
    reply_t *reply;
    slice_t stop_prefix; /* KEYS: stop at the first key without it */
    slice_t pattern; /* empty ptr = match all */
    int type;        /* TYPE_NONE = any */
    long long count;
} match_state_t;

static int match_visit(void *arg, slice_t key, const metadata_t *m) {
    match_state_t *ms = arg;
    if (ms->stop_prefix.len &&
        (key.len < ms->stop_prefix.len || memcmp(key.ptr, ms->stop_prefix.ptr, ms->stop_prefix.len) != 0))
        return 1;
    if (ms->type != TYPE_NONE && (int)m->type != ms->type) return 0;
    if (ms->pattern.ptr && !glob_match(ms->pattern.ptr, ms->pattern.len, key.ptr, key.len, 0)) return 0;
    reply_bulk(ms->reply, key.ptr, key.len);
    ms->count++;
    return 0;
}

/* The literal part of a pattern before its first special character: a
 * seek target that skips keys that cannot match. */
static size_t literal_prefix_len(slice_t pattern) {
    size_t i = 0;
    while (i < pattern.len && !strchr("*?[\\", pattern.ptr[i])) i++;
    return i;
}

void cmd_keys(cmd_ctx_t *ctx) {
    slice_t pattern = ctx->argv[1];
    match_state_t ms = {ctx->reply, {NULL, 0}, pattern, TYPE_NONE, 0};
    if (pattern.len == 1 && pattern.ptr[0] == '*') ms.pattern.ptr = NULL;
    size_t mark = reply_deferred_begin(ctx->reply);
    buf_t next;
    buf_init(&next);
    size_t plen = ms.pattern.ptr ? literal_prefix_len(pattern) : 0;
    db_status_t st;
    if (plen == pattern.len && ms.pattern.ptr) {
        /* No wildcard at all: one point lookup. */
        metadata_t m;
        st = db_lookup_meta(ctx->db, ctx->scratch, pattern, &m);
        if (st == DB_OK) match_visit(&ms, pattern, &m);
        if (st == DB_NOT_FOUND) st = DB_OK;
    } else {
        ms.stop_prefix = slice_make(pattern.ptr, plen);
        st = db_key_scan(ctx->db, ctx->scratch, slice_make(pattern.ptr, plen), 0, match_visit, &ms, &next);
    }
    buf_fini(&next);
    if (st != DB_OK) {
        reply_discard(ctx->reply, mark);
        reply_db_status(ctx, st);
        return;
    }
    reply_deferred_array(ctx->reply, mark, ms.count);
}

void cmd_scan(cmd_ctx_t *ctx) {
    unsigned long long cursor;
    if (!str_to_ull(ctx->argv[1].ptr, ctx->argv[1].len, &cursor)) {
        reply_error(ctx->reply, "ERR invalid cursor");
        return;
    }
    scan_options_t opts;
    if (!scan_options_parse(ctx, 2, 1, &opts)) return;
    long long count = opts.count;
    match_state_t ms = {ctx->reply, {NULL, 0}, opts.pattern, opts.type, 0};
    buf_t start;
    buf_init(&start);
    if (!scan_cursor_resume(ctx, cursor, &start)) {
        buf_fini(&start);
        return;
    }
    size_t reply_start = reply_deferred_begin(ctx->reply);
    reply_array(ctx->reply, 2);
    size_t cursor_mark = reply_deferred_begin(ctx->reply);
    size_t mark = reply_deferred_begin(ctx->reply);
    buf_t next;
    buf_init(&next);
    db_status_t st = db_key_scan(ctx->db, ctx->scratch, slice_make(start.data, start.len), (size_t)count,
                                 match_visit, &ms, &next);
    buf_fini(&start);
    if (st != DB_OK) {
        buf_fini(&next);
        reply_discard(ctx->reply, reply_start);
        reply_db_status(ctx, st);
        return;
    }
    reply_deferred_array(ctx->reply, mark, ms.count);
    uint64_t next_cursor = next.len ? scan_cursor_save(slice_make(next.data, next.len)) : 0;
    buf_fini(&next);
    reply_deferred_bulk_ll(ctx->reply, cursor_mark, (long long)next_cursor);
}

/* ---- rename and copy ---- */

void cmd_rename(cmd_ctx_t *ctx) {
    int done = 0;
    db_status_t st = db_key_move(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[2], 0, 1, &done);
    if (st == DB_NOT_FOUND)
        reply_error(ctx->reply, "ERR no such key");
    else
        reply_db_status(ctx, st);
    if (st == DB_OK) blocking_signal(ctx->srv, ctx->argv[2]);
}

void cmd_renamenx(cmd_ctx_t *ctx) {
    int done = 0;
    db_status_t st = db_key_move(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[2], 0, 0, &done);
    if (st == DB_NOT_FOUND)
        reply_error(ctx->reply, "ERR no such key");
    else if (st != DB_OK)
        reply_db_status(ctx, st);
    else
        reply_int(ctx->reply, done);
    if (st == DB_OK && done) blocking_signal(ctx->srv, ctx->argv[2]);
}

void cmd_copy(cmd_ctx_t *ctx) {
    int replace = 0;
    for (size_t i = 3; i < ctx->argc; i++) {
        slice_t a = ctx->argv[i];
        if (slice_eq_nocase(a, "replace")) {
            replace = 1;
        } else if (slice_eq_nocase(a, "db") && i + 1 < ctx->argc) {
            long long dbid;
            if (!arg_to_ll(ctx, ctx->argv[++i], &dbid)) return;
            if (dbid != 0) {
                reply_error(ctx->reply, "ERR DB index is out of range");
                return;
            }
        } else {
            reply_syntax_error(ctx->reply);
            return;
        }
    }
    if (slice_eq(ctx->argv[1], ctx->argv[2])) {
        reply_error(ctx->reply, "ERR source and destination objects are the same");
        return;
    }
    int done = 0;
    db_status_t st = db_key_move(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[2], 1, replace, &done);
    if (st == DB_NOT_FOUND)
        reply_int(ctx->reply, 0);
    else if (st != DB_OK)
        reply_db_status(ctx, st);
    else
        reply_int(ctx->reply, done);
    if (st == DB_OK && done) blocking_signal(ctx->srv, ctx->argv[2]);
}

void cmd_randomkey(cmd_ctx_t *ctx) {
    slice_t key;
    db_status_t st = db_key_random(ctx->db, ctx->scratch, &key);
    if (st == DB_OK)
        reply_bulk(ctx->reply, key.ptr, key.len);
    else
        reply_db_status(ctx, st);
}

void cmd_dbsize(cmd_ctx_t *ctx) {
    uint64_t keys = 0;
    db_status_t st = db_key_count(ctx->db, ctx->scratch, &keys, NULL);
    if (st == DB_OK)
        reply_int(ctx->reply, (long long)keys);
    else
        reply_db_status(ctx, st);
}

static void flush_generic(cmd_ctx_t *ctx) {
    if (ctx->argc > 2 || (ctx->argc == 2 && !slice_eq_nocase(ctx->argv[1], "async") &&
                          !slice_eq_nocase(ctx->argv[1], "sync"))) {
        reply_syntax_error(ctx->reply);
        return;
    }
    reply_db_status(ctx, db_flush_all(ctx->db, ctx->scratch));
}

void cmd_flushdb(cmd_ctx_t *ctx) { flush_generic(ctx); }
void cmd_flushall(cmd_ctx_t *ctx) { flush_generic(ctx); }
