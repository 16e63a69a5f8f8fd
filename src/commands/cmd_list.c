/* List commands, including the blocking ones. */
#include <limits.h>
#include <string.h>

#include "commands/command.h"
#include "server/blocking.h"
#include "storage/db_list.h"

/* ---- shared ---- */

static int reply_bulk_visit(void *arg, slice_t value) {
    reply_bulk(arg, value.ptr, value.len);
    return 0;
}

static int parse_side(slice_t arg, int *left) {
    if (slice_eq_nocase(arg, "left")) *left = 1;
    else if (slice_eq_nocase(arg, "right")) *left = 0;
    else return 0;
    return 1;
}

/* LPOP/RPOP's COUNT: Redis's "positive" includes 0. */
static int parse_count(cmd_ctx_t *ctx, slice_t arg, long long *count) {
    if (!str_to_ll_arg(arg, count) || *count < 0) {
        reply_error(ctx->reply, "ERR value is out of range, must be positive");
        return 0;
    }
    return 1;
}

/* ---- pushes ---- */

static void push_generic(cmd_ctx_t *ctx, int left, int only_existing) {
    long long len = 0;
    db_status_t st = db_list_push(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv + 2, ctx->argc - 2, left,
                                  only_existing, &len);
    if (st != DB_OK) {
        reply_db_status(ctx, st);
        return;
    }
    reply_int(ctx->reply, len);
    if (len > 0) blocking_signal(ctx->srv, ctx->argv[1]);
}

void cmd_lpush(cmd_ctx_t *ctx) { push_generic(ctx, 1, 0); }
void cmd_rpush(cmd_ctx_t *ctx) { push_generic(ctx, 0, 0); }
void cmd_lpushx(cmd_ctx_t *ctx) { push_generic(ctx, 1, 1); }
void cmd_rpushx(cmd_ctx_t *ctx) { push_generic(ctx, 0, 1); }

/* ---- pops ---- */

static void pop_generic(cmd_ctx_t *ctx, int left) {
    if (ctx->argc > 3) {
        reply_wrong_arity(ctx->reply, ctx->cmd->name);
        return;
    }
    long long count = 1;
    int has_count = ctx->argc == 3;
    if (has_count && !parse_count(ctx, ctx->argv[2], &count)) return;
    if (has_count && count == 0) {
        /* Redis answers without looking at the key beyond its type. */
        long long len;
        db_status_t st = db_list_len(ctx->db, ctx->scratch, ctx->argv[1], &len);
        if (st != DB_OK) reply_db_status(ctx, st);
        else if (len == 0) reply_null_array(ctx->reply);
        else reply_array(ctx->reply, 0);
        return;
    }
    /* Elements are produced after the commit; the reply header needs their
     * number, so it is inserted afterwards. */
    size_t mark = reply_deferred_begin(ctx->reply);
    long long popped = 0;
    db_status_t st = db_list_pop(ctx->db, ctx->scratch, ctx->argv[1], left, count, reply_bulk_visit, ctx->reply,
                                 &popped);
    if (st == DB_NOT_FOUND) {
        if (has_count) reply_null_array(ctx->reply);
        else reply_null(ctx->reply);
    } else if (st != DB_OK) {
        reply_db_status(ctx, st);
    } else if (has_count) {
        reply_deferred_array(ctx->reply, mark, popped);
    }
}

void cmd_lpop(cmd_ctx_t *ctx) { pop_generic(ctx, 1); }
void cmd_rpop(cmd_ctx_t *ctx) { pop_generic(ctx, 0); }

/* ---- reads and edits ---- */

void cmd_llen(cmd_ctx_t *ctx) {
    long long len = 0;
    db_status_t st = db_list_len(ctx->db, ctx->scratch, ctx->argv[1], &len);
    if (st != DB_OK) reply_db_status(ctx, st);
    else reply_int(ctx->reply, len);
}

typedef struct range_state {
    reply_t *reply;
    long long n;
} range_state_t;

static int range_visit(void *arg, slice_t value) {
    range_state_t *rs = arg;
    reply_bulk(rs->reply, value.ptr, value.len);
    rs->n++;
    return 0;
}

void cmd_lrange(cmd_ctx_t *ctx) {
    long long start, stop;
    if (!arg_to_ll(ctx, ctx->argv[2], &start) || !arg_to_ll(ctx, ctx->argv[3], &stop)) return;
    size_t mark = reply_deferred_begin(ctx->reply);
    range_state_t rs = {ctx->reply, 0};
    db_status_t st = db_list_range(ctx->db, ctx->scratch, ctx->argv[1], start, stop, range_visit, &rs);
    if (st == DB_NOT_FOUND) st = DB_OK;
    if (st != DB_OK) {
        reply_discard(ctx->reply, mark);
        reply_db_status(ctx, st);
        return;
    }
    reply_deferred_array(ctx->reply, mark, rs.n);
}

/* LINDEX/LSET look the key up before parsing the index, as Redis: a
 * missing key or another type answers first. Returns 0 when it replied. */
static int list_key_answers_first(cmd_ctx_t *ctx, int missing_is_error) {
    long long len;
    db_status_t st = db_list_len(ctx->db, ctx->scratch, ctx->argv[1], &len);
    if (st != DB_OK) {
        reply_db_status(ctx, st);
        return 0;
    }
    if (len == 0) {
        if (missing_is_error)
            reply_error(ctx->reply, "ERR no such key");
        else
            reply_null(ctx->reply);
        return 0;
    }
    return 1;
}

void cmd_lindex(cmd_ctx_t *ctx) {
    long long index;
    if (!str_to_ll_arg(ctx->argv[2], &index)) {
        if (list_key_answers_first(ctx, 0)) reply_not_integer(ctx->reply);
        return;
    }
    buf_t out;
    buf_init(&out);
    db_status_t st = db_list_index(ctx->db, ctx->scratch, ctx->argv[1], index, &out);
    if (st == DB_OK) reply_bulk(ctx->reply, out.data ? out.data : "", out.len);
    else reply_db_status(ctx, st);
    buf_fini(&out);
}

void cmd_lset(cmd_ctx_t *ctx) {
    long long index;
    if (!str_to_ll_arg(ctx->argv[2], &index)) {
        if (list_key_answers_first(ctx, 1)) reply_not_integer(ctx->reply);
        return;
    }
    int out_of_range = 0;
    db_status_t st = db_list_set(ctx->db, ctx->scratch, ctx->argv[1], index, ctx->argv[3], &out_of_range);
    if (st == DB_NOT_FOUND) reply_error(ctx->reply, "ERR no such key");
    else if (st != DB_OK) reply_db_status(ctx, st);
    else if (out_of_range) reply_error(ctx->reply, "ERR index out of range");
    else reply_ok(ctx->reply);
}

void cmd_ltrim(cmd_ctx_t *ctx) {
    long long start, stop;
    if (!arg_to_ll(ctx, ctx->argv[2], &start) || !arg_to_ll(ctx, ctx->argv[3], &stop)) return;
    reply_db_status(ctx, db_list_trim(ctx->db, ctx->scratch, ctx->argv[1], start, stop));
}

void cmd_lrem(cmd_ctx_t *ctx) {
    long long count, removed = 0;
    if (!arg_to_ll(ctx, ctx->argv[2], &count)) return;
    db_status_t st = db_list_rem(ctx->db, ctx->scratch, ctx->argv[1], count, ctx->argv[3], &removed);
    if (st != DB_OK) reply_db_status(ctx, st);
    else reply_int(ctx->reply, removed);
}

void cmd_linsert(cmd_ctx_t *ctx) {
    int before;
    if (slice_eq_nocase(ctx->argv[2], "before")) before = 1;
    else if (slice_eq_nocase(ctx->argv[2], "after")) before = 0;
    else {
        reply_syntax_error(ctx->reply);
        return;
    }
    long long len = 0;
    db_status_t st = db_list_insert(ctx->db, ctx->scratch, ctx->argv[1], before, ctx->argv[3], ctx->argv[4], &len);
    if (st != DB_OK) {
        reply_db_status(ctx, st);
        return;
    }
    reply_int(ctx->reply, len);
    if (len > 0) blocking_signal(ctx->srv, ctx->argv[1]);
}

static int pos_visit(void *arg, long long pos) {
    range_state_t *rs = arg;
    reply_int(rs->reply, pos);
    rs->n++;
    return 0;
}

void cmd_lpos(cmd_ctx_t *ctx) {
    long long rank = 1, count = -1, maxlen = 0;
    for (size_t i = 3; i < ctx->argc; i += 2) {
        if (i + 1 >= ctx->argc) {
            reply_syntax_error(ctx->reply);
            return;
        }
        slice_t opt = ctx->argv[i];
        long long v;
        if (slice_eq_nocase(opt, "rank")) {
            if (!arg_to_ll(ctx, ctx->argv[i + 1], &v)) return;
            if (v == 0) {
                reply_error(ctx->reply, "ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
                                        "second ... or use negative to start from the end of the list");
                return;
            }
            if (v == LLONG_MIN) {
                reply_error(ctx->reply, "ERR value is out of range");
                return;
            }
            rank = v;
        } else if (slice_eq_nocase(opt, "count")) {
            if (!str_to_ll_arg(ctx->argv[i + 1], &v) || v < 0) {
                reply_error(ctx->reply, "ERR COUNT can't be negative");
                return;
            }
            count = v;
        } else if (slice_eq_nocase(opt, "maxlen")) {
            if (!str_to_ll_arg(ctx->argv[i + 1], &v) || v < 0) {
                reply_error(ctx->reply, "ERR MAXLEN can't be negative");
                return;
            }
            maxlen = v;
        } else {
            reply_syntax_error(ctx->reply);
            return;
        }
    }
    size_t mark = reply_deferred_begin(ctx->reply);
    range_state_t rs = {ctx->reply, 0};
    db_status_t st = db_list_pos(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[2], rank, count < 0 ? 1 : count,
                                 maxlen, pos_visit, &rs);
    if (st == DB_NOT_FOUND) st = DB_OK;
    if (st != DB_OK) {
        reply_discard(ctx->reply, mark);
        reply_db_status(ctx, st);
    } else if (count >= 0) {
        reply_deferred_array(ctx->reply, mark, rs.n);
    } else if (rs.n == 0) {
        reply_null(ctx->reply);
    }
}

/* ---- moves ---- */

/* Returns 1 when it replied (moved, or an error), 0 when src was empty. */
static int move_once(cmd_ctx_t *ctx, slice_t src, slice_t dst, int from_left, int to_left) {
    buf_t out;
    buf_init(&out);
    db_status_t st = db_list_move(ctx->db, ctx->scratch, src, dst, from_left, to_left, &out);
    int replied = 1;
    if (st == DB_OK) {
        reply_bulk(ctx->reply, out.data ? out.data : "", out.len);
        blocking_signal(ctx->srv, dst);
    } else if (st == DB_NOT_FOUND) {
        replied = 0;
    } else {
        reply_db_status(ctx, st);
    }
    buf_fini(&out);
    return replied;
}

void cmd_lmove(cmd_ctx_t *ctx) {
    int from_left, to_left;
    if (!parse_side(ctx->argv[3], &from_left) || !parse_side(ctx->argv[4], &to_left)) {
        reply_syntax_error(ctx->reply);
        return;
    }
    if (!move_once(ctx, ctx->argv[1], ctx->argv[2], from_left, to_left)) reply_null(ctx->reply);
}

void cmd_rpoplpush(cmd_ctx_t *ctx) {
    if (!move_once(ctx, ctx->argv[1], ctx->argv[2], 0, 1)) reply_null(ctx->reply);
}

void cmd_blmove(cmd_ctx_t *ctx) {
    int from_left, to_left;
    if (!parse_side(ctx->argv[3], &from_left) || !parse_side(ctx->argv[4], &to_left)) {
        reply_syntax_error(ctx->reply);
        return;
    }
    int64_t timeout;
    if (!blocking_parse_timeout(ctx, ctx->argv[5], &timeout)) return;
    if (!move_once(ctx, ctx->argv[1], ctx->argv[2], from_left, to_left))
        blocking_block(ctx, &ctx->argv[1], 1, timeout, BLOCK_TIMEOUT_NULL_ARRAY);
}

void cmd_brpoplpush(cmd_ctx_t *ctx) {
    int64_t timeout;
    if (!blocking_parse_timeout(ctx, ctx->argv[3], &timeout)) return;
    if (!move_once(ctx, ctx->argv[1], ctx->argv[2], 0, 1))
        blocking_block(ctx, &ctx->argv[1], 1, timeout, BLOCK_TIMEOUT_NULL_ARRAY);
}

/* ---- multi-key pops ---- */

/* Pops up to count from the first non-empty list among keys and replies
 * [key, [elements]] (mpop) or [key, element] (BLPOP). Returns 1 when it
 * replied, 0 when every list was empty. */
static int pop_first(cmd_ctx_t *ctx, const slice_t *keys, size_t nkeys, int left, long long count, int mpop) {
    for (size_t i = 0; i < nkeys; i++) {
        size_t mark = reply_deferred_begin(ctx->reply);
        reply_array(ctx->reply, 2);
        reply_bulk(ctx->reply, keys[i].ptr, keys[i].len);
        size_t inner = reply_deferred_begin(ctx->reply);
        long long popped = 0;
        db_status_t st = db_list_pop(ctx->db, ctx->scratch, keys[i], left, count, reply_bulk_visit, ctx->reply,
                                     &popped);
        if (st == DB_OK && popped > 0) {
            if (mpop) reply_deferred_array(ctx->reply, inner, popped);
            return 1;
        }
        reply_discard(ctx->reply, mark);
        if (st != DB_OK && st != DB_NOT_FOUND) {
            reply_db_status(ctx, st);
            return 1;
        }
    }
    return 0;
}

static void bpop_generic(cmd_ctx_t *ctx, int left) {
    int64_t timeout;
    if (!blocking_parse_timeout(ctx, ctx->argv[ctx->argc - 1], &timeout)) return;
    const slice_t *keys = ctx->argv + 1;
    size_t nkeys = ctx->argc - 2;
    if (!pop_first(ctx, keys, nkeys, left, 1, 0))
        blocking_block(ctx, keys, nkeys, timeout, BLOCK_TIMEOUT_NULL_ARRAY);
}

void cmd_blpop(cmd_ctx_t *ctx) { bpop_generic(ctx, 1); }
void cmd_brpop(cmd_ctx_t *ctx) { bpop_generic(ctx, 0); }

/* LMPOP/BLMPOP arguments from `first` (the numkeys position). */
static int parse_mpop(cmd_ctx_t *ctx, size_t first, const slice_t **keys, size_t *nkeys, int *left,
                      long long *count) {
    long long numkeys;
    if (!str_to_ll_arg(ctx->argv[first], &numkeys) || numkeys <= 0) {
        reply_error(ctx->reply, "ERR numkeys should be greater than 0");
        return 0;
    }
    /* As Redis: too few arguments for numkeys is a syntax error here. */
    if ((size_t)numkeys >= ctx->argc - first - 1) {
        reply_syntax_error(ctx->reply);
        return 0;
    }
    *keys = ctx->argv + first + 1;
    *nkeys = (size_t)numkeys;
    size_t i = first + 1 + (size_t)numkeys;
    if (!parse_side(ctx->argv[i], left)) {
        reply_syntax_error(ctx->reply);
        return 0;
    }
    *count = 1;
    int has_count = 0;
    for (i++; i < ctx->argc; i++) { /* options left to right, as Redis */
        if (!has_count && slice_eq_nocase(ctx->argv[i], "count") && i + 1 < ctx->argc) {
            has_count = 1;
            if (!str_to_ll_arg(ctx->argv[++i], count) || *count <= 0) {
                reply_error(ctx->reply, "ERR count should be greater than 0");
                return 0;
            }
        } else {
            reply_syntax_error(ctx->reply);
            return 0;
        }
    }
    return 1;
}

void cmd_lmpop(cmd_ctx_t *ctx) {
    const slice_t *keys;
    size_t nkeys;
    int left;
    long long count;
    if (!parse_mpop(ctx, 1, &keys, &nkeys, &left, &count)) return;
    if (!pop_first(ctx, keys, nkeys, left, count, 1)) reply_null_array(ctx->reply);
}

void cmd_blmpop(cmd_ctx_t *ctx) {
    const slice_t *keys;
    size_t nkeys;
    int left;
    long long count;
    if (!parse_mpop(ctx, 2, &keys, &nkeys, &left, &count)) return;
    int64_t timeout; /* parsed last, as Redis */
    if (!blocking_parse_timeout(ctx, ctx->argv[1], &timeout)) return;
    if (!pop_first(ctx, keys, nkeys, left, count, 1))
        blocking_block(ctx, keys, nkeys, timeout, BLOCK_TIMEOUT_NULL_ARRAY);
}
