/* Set commands: parse arguments, call the data layer, write the reply. */
#include <limits.h>

#include "commands/coll_reply.h"
#include "commands/command.h"
#include "storage/db_set.h"
#include "util/strutil.h"

typedef struct members_out {
    reply_t *reply;
    long long n;
} members_out_t;

static int member_visit(void *arg, slice_t member, slice_t value) {
    (void)value;
    members_out_t *o = arg;
    reply_bulk(o->reply, member.ptr, member.len);
    o->n++;
    return 0;
}

/* ---- writes ---- */

void cmd_sadd(cmd_ctx_t *ctx) {
    long long added;
    db_status_t st = db_set_add(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv + 2, ctx->argc - 2, &added);
    if (st == DB_OK)
        reply_int(ctx->reply, added);
    else
        reply_db_status(ctx, st);
}

void cmd_srem(cmd_ctx_t *ctx) {
    long long removed;
    db_status_t st = db_set_rem(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv + 2, ctx->argc - 2, &removed);
    if (st == DB_OK)
        reply_int(ctx->reply, removed);
    else
        reply_db_status(ctx, st);
}

void cmd_smove(cmd_ctx_t *ctx) {
    int moved;
    db_status_t st = db_set_move(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[2], ctx->argv[3], &moved);
    if (st == DB_OK)
        reply_int(ctx->reply, moved);
    else
        reply_db_status(ctx, st);
}

/* SPOP key [count] */
void cmd_spop(cmd_ctx_t *ctx) {
    if (ctx->argc > 3) {
        reply_syntax_error(ctx->reply);
        return;
    }
    long long count = 1;
    int with_count = ctx->argc == 3;
    if (with_count && (!str_to_ll_arg(ctx->argv[2], &count) || count < 0)) {
        reply_error(ctx->reply, "ERR value is out of range, must be positive");
        return;
    }
    size_t mark = reply_deferred_begin(ctx->reply);
    members_out_t o = {ctx->reply, 0};
    uint64_t popped = 0;
    db_status_t st = db_set_pop(ctx->db, ctx->scratch, ctx->argv[1], count, member_visit, &o, &popped);
    if (st != DB_OK) reply_discard(ctx->reply, mark);
    if (st == DB_NOT_FOUND && with_count)
        reply_set(ctx->reply, 0);
    else if (st != DB_OK)
        reply_db_status(ctx, st); /* DB_NOT_FOUND: nil */
    else if (with_count)
        reply_deferred_set(ctx->reply, mark, o.n);
}

/* ---- point reads ---- */

void cmd_scard(cmd_ctx_t *ctx) {
    uint64_t card;
    db_status_t st = db_set_card(ctx->db, ctx->scratch, ctx->argv[1], &card);
    if (st == DB_OK)
        reply_int(ctx->reply, (long long)card);
    else
        reply_db_status(ctx, st);
}

static void ismember_reply(void *arg, size_t i, int found, slice_t value) {
    (void)i;
    (void)value;
    reply_int(arg, found);
}

void cmd_sismember(cmd_ctx_t *ctx) {
    size_t mark = reply_deferred_begin(ctx->reply);
    db_status_t st = db_set_ismember(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv + 2, 1, ismember_reply,
                                     ctx->reply);
    if (st != DB_OK) {
        reply_discard(ctx->reply, mark);
        reply_db_status(ctx, st);
    }
}

void cmd_smismember(cmd_ctx_t *ctx) {
    size_t mark = reply_deferred_begin(ctx->reply);
    reply_array(ctx->reply, (long long)ctx->argc - 2);
    db_status_t st = db_set_ismember(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv + 2, ctx->argc - 2,
                                     ismember_reply, ctx->reply);
    if (st != DB_OK) {
        reply_discard(ctx->reply, mark);
        reply_db_status(ctx, st);
    }
}

/* ---- whole-set reads ---- */

void cmd_smembers(cmd_ctx_t *ctx) {
    size_t mark = reply_deferred_begin(ctx->reply);
    members_out_t o = {ctx->reply, 0};
    buf_t next;
    buf_init(&next);
    db_status_t st = db_set_scan(ctx->db, ctx->scratch, ctx->argv[1], slice_make("", 0), 0, member_visit, &o, &next);
    buf_fini(&next);
    if (st != DB_OK && st != DB_NOT_FOUND) {
        reply_discard(ctx->reply, mark);
        reply_db_status(ctx, st);
        return;
    }
    reply_deferred_set(ctx->reply, mark, o.n);
}

void cmd_sscan(cmd_ctx_t *ctx) { coll_scan_command(ctx, TYPE_SET, db_set_scan, 0); }

/* SRANDMEMBER key [count] */
void cmd_srandmember(cmd_ctx_t *ctx) {
    if (ctx->argc > 3) {
        reply_syntax_error(ctx->reply);
        return;
    }
    long long count = 1;
    int with_count = ctx->argc == 3;
    if (with_count) {
        if (!arg_to_ll(ctx, ctx->argv[2], &count)) return;
        if (count == LLONG_MIN) {
            reply_error(ctx->reply,
                        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            return;
        }
        if (count < -COLL_SAMPLE_MAX_REPEATS) {
            reply_errorf(ctx->reply, "ERR value is out of range, value must between %lld and 9223372036854775807",
                         -COLL_SAMPLE_MAX_REPEATS);
            return;
        }
    }
    size_t mark = reply_deferred_begin(ctx->reply);
    members_out_t o = {ctx->reply, 0};
    db_status_t st = db_set_random(ctx->db, ctx->scratch, ctx->argv[1], count, member_visit, &o, NULL);
    if (st != DB_OK && st != DB_NOT_FOUND) {
        reply_discard(ctx->reply, mark);
        reply_db_status(ctx, st);
    } else if (with_count) {
        reply_deferred_array(ctx->reply, mark, o.n);
    } else if (o.n == 0) {
        reply_null(ctx->reply);
    }
}

/* ---- algebra ---- */

static void combine_generic(cmd_ctx_t *ctx, enum db_set_op op) {
    size_t mark = reply_deferred_begin(ctx->reply);
    members_out_t o = {ctx->reply, 0};
    db_status_t st = db_set_combine(ctx->db, ctx->scratch, op, ctx->argv + 1, ctx->argc - 1, 0, member_visit, &o);
    if (st != DB_OK) {
        reply_discard(ctx->reply, mark);
        reply_db_status(ctx, st);
        return;
    }
    reply_deferred_set(ctx->reply, mark, o.n);
}

void cmd_sinter(cmd_ctx_t *ctx) { combine_generic(ctx, DB_SET_INTER); }
void cmd_sunion(cmd_ctx_t *ctx) { combine_generic(ctx, DB_SET_UNION); }
void cmd_sdiff(cmd_ctx_t *ctx) { combine_generic(ctx, DB_SET_DIFF); }

static void store_generic(cmd_ctx_t *ctx, enum db_set_op op) {
    long long stored;
    db_status_t st =
        db_set_combine_store(ctx->db, ctx->scratch, op, ctx->argv[1], ctx->argv + 2, ctx->argc - 2, &stored);
    if (st == DB_OK)
        reply_int(ctx->reply, stored);
    else
        reply_db_status(ctx, st);
}

void cmd_sinterstore(cmd_ctx_t *ctx) { store_generic(ctx, DB_SET_INTER); }
void cmd_sunionstore(cmd_ctx_t *ctx) { store_generic(ctx, DB_SET_UNION); }
void cmd_sdiffstore(cmd_ctx_t *ctx) { store_generic(ctx, DB_SET_DIFF); }

static int count_visit(void *arg, slice_t member, slice_t value) {
    (void)member;
    (void)value;
    (*(long long *)arg)++;
    return 0;
}

/* SINTERCARD numkeys key [key ...] [LIMIT limit] */
void cmd_sintercard(cmd_ctx_t *ctx) {
    long long numkeys;
    if (!str_to_ll_arg(ctx->argv[1], &numkeys) || numkeys <= 0) {
        reply_error(ctx->reply, "ERR numkeys should be greater than 0");
        return;
    }
    if ((unsigned long long)numkeys > ctx->argc - 2) {
        reply_error(ctx->reply, "ERR Number of keys can't be greater than number of args");
        return;
    }
    long long limit = 0;
    for (size_t i = 2 + (size_t)numkeys; i < ctx->argc; i++) {
        if (slice_eq_nocase(ctx->argv[i], "limit") && i + 1 < ctx->argc) {
            if (!str_to_ll_arg(ctx->argv[++i], &limit) || limit < 0) {
                reply_error(ctx->reply, "ERR LIMIT can't be negative");
                return;
            }
        } else {
            reply_syntax_error(ctx->reply);
            return;
        }
    }
    long long card = 0;
    db_status_t st = db_set_combine(ctx->db, ctx->scratch, DB_SET_INTER, ctx->argv + 2, (size_t)numkeys,
                                    (uint64_t)limit, count_visit, &card);
    if (st == DB_OK)
        reply_int(ctx->reply, card);
    else
        reply_db_status(ctx, st);
}
