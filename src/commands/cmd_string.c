/* String commands: parse arguments, call the data layer, write the reply. */
#include <limits.h>
#include <string.h>

#include "commands/command.h"
#include "commands/expire_args.h"
#include "server/client.h"
#include "server/server.h"
#include "util/strutil.h"

static void count_lookup(cmd_ctx_t *ctx, int hit) {
    worker_stats_t *st = &ctx->client->worker->stats;
    atomic_fetch_add_explicit(hit ? &st->keyspace_hits : &st->keyspace_misses, 1, memory_order_relaxed);
}

static size_t max_string_len(cmd_ctx_t *ctx) {
    return (size_t)config_int(ctx->srv->config, CONF_PROTO_MAX_BULK_LEN);
}

void cmd_get(cmd_ctx_t *ctx) {
    slice_t value;
    db_status_t st = db_string_get(ctx->db, ctx->scratch, ctx->argv[1], &value);
    if (st == DB_OK || st == DB_NOT_FOUND) count_lookup(ctx, st == DB_OK);
    if (st == DB_OK)
        reply_bulk(ctx->reply, value.ptr, value.len);
    else
        reply_db_status(ctx, st);
}

enum expire_opt { EXP_NONE, EXP_EX, EXP_PX, EXP_EXAT, EXP_PXAT };

static int expire_opt_of(slice_t a) {
    if (slice_eq_nocase(a, "ex")) return EXP_EX;
    if (slice_eq_nocase(a, "px")) return EXP_PX;
    if (slice_eq_nocase(a, "exat")) return EXP_EXAT;
    if (slice_eq_nocase(a, "pxat")) return EXP_PXAT;
    return EXP_NONE;
}

static int expire_opt_to_ms(cmd_ctx_t *ctx, int opt, slice_t arg, const char *cmdname, int64_t *out) {
    int64_t unit = (opt == EXP_EX || opt == EXP_EXAT) ? 1000 : 1;
    int absolute = opt == EXP_EXAT || opt == EXP_PXAT;
    return expire_arg_to_abs_ms(ctx, arg, unit, absolute, 1, cmdname, out);
}

/* Plain SET/MSET from a pipeline join the worker's write group: one
 * WriteBatch for the run of them, replies appended by client_group_commit.
 * Returns 0 when the command must run on its own (the group is then
 * committed, so the replies stay in order). */
static int join_write_group(cmd_ctx_t *ctx, const slice_t *pairs, size_t npairs) {
    client_t *c = ctx->client;
    if (!c->grouping) return 0;
    if (db_group_put_strings(ctx->db, ctx->scratch, pairs, npairs) == 0) return 1;
    client_group_commit(c);
    return db_group_put_strings(ctx->db, ctx->scratch, pairs, npairs) == 0;
}

void cmd_set(cmd_ctx_t *ctx) {
    if (ctx->argc == 3 && join_write_group(ctx, ctx->argv + 1, 1)) return;
    client_group_commit(ctx->client);
    db_set_options_t o = {0};
    int expire_opt = EXP_NONE;
    slice_t expire_arg = {0};
    for (size_t i = 3; i < ctx->argc; i++) {
        slice_t a = ctx->argv[i];
        int eo = expire_opt_of(a);
        if (slice_eq_nocase(a, "nx") && !o.xx) {
            o.nx = 1;
        } else if (slice_eq_nocase(a, "xx") && !o.nx) {
            o.xx = 1;
        } else if (slice_eq_nocase(a, "get")) {
            o.get = 1;
        } else if (slice_eq_nocase(a, "keepttl") && expire_opt == EXP_NONE) {
            o.keepttl = 1;
        } else if (eo != EXP_NONE && (expire_opt == EXP_NONE || expire_opt == eo) && !o.keepttl && i + 1 < ctx->argc) {
            expire_opt = eo;
            expire_arg = ctx->argv[++i];
        } else {
            reply_syntax_error(ctx->reply);
            return;
        }
    }
    if (expire_opt != EXP_NONE && !expire_opt_to_ms(ctx, expire_opt, expire_arg, "set", &o.expire_ms)) return;
    int written = 0, old_found = 0;
    slice_t old = {0};
    db_status_t st = db_string_set(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[2], &o, &written, &old, &old_found);
    if (st != DB_OK) {
        reply_db_status(ctx, st);
    } else if (o.get) {
        if (old_found)
            reply_bulk(ctx->reply, old.ptr, old.len);
        else
            reply_null(ctx->reply);
    } else if (written) {
        reply_ok(ctx->reply);
    } else {
        reply_null(ctx->reply);
    }
}

void cmd_setnx(cmd_ctx_t *ctx) {
    db_set_options_t o = {.nx = 1};
    int written = 0;
    db_status_t st = db_string_set(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[2], &o, &written, NULL, NULL);
    if (st != DB_OK)
        reply_db_status(ctx, st);
    else
        reply_int(ctx->reply, written);
}

static void setex_generic(cmd_ctx_t *ctx, int64_t unit_ms, const char *name) {
    db_set_options_t o = {0};
    if (!expire_arg_to_abs_ms(ctx, ctx->argv[2], unit_ms, 0, 1, name, &o.expire_ms)) return;
    int written = 0;
    db_status_t st = db_string_set(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[3], &o, &written, NULL, NULL);
    reply_db_status(ctx, st);
}

void cmd_setex(cmd_ctx_t *ctx) { setex_generic(ctx, 1000, "setex"); }
void cmd_psetex(cmd_ctx_t *ctx) { setex_generic(ctx, 1, "psetex"); }

void cmd_mget(cmd_ctx_t *ctx) {
    reply_array(ctx->reply, (long long)ctx->argc - 1);
    for (size_t i = 1; i < ctx->argc; i++) {
        slice_t value;
        db_status_t st = db_string_get(ctx->db, ctx->scratch, ctx->argv[i], &value);
        if (st == DB_OK) {
            count_lookup(ctx, 1);
            reply_bulk(ctx->reply, value.ptr, value.len);
        } else {
            if (st == DB_NOT_FOUND) count_lookup(ctx, 0);
            reply_null(ctx->reply); /* wrong types read as nil, as in Redis */
        }
    }
}

static void mset_generic(cmd_ctx_t *ctx, int nx) {
    if (!nx && ctx->argc % 2 == 1 && join_write_group(ctx, ctx->argv + 1, (ctx->argc - 1) / 2)) return;
    client_group_commit(ctx->client);
    if (ctx->argc % 2 == 0) {
        reply_wrong_arity(ctx->reply, ctx->cmd->name);
        return;
    }
    int written = 0;
    db_status_t st = db_string_mset(ctx->db, ctx->scratch, ctx->argv + 1, (ctx->argc - 1) / 2, nx, &written);
    if (st != DB_OK)
        reply_db_status(ctx, st);
    else if (nx)
        reply_int(ctx->reply, written);
    else
        reply_ok(ctx->reply);
}

void cmd_mset(cmd_ctx_t *ctx) { mset_generic(ctx, 0); }
void cmd_msetnx(cmd_ctx_t *ctx) { mset_generic(ctx, 1); }

void cmd_getset(cmd_ctx_t *ctx) {
    db_set_options_t o = {.get = 1};
    int written = 0, old_found = 0;
    slice_t old = {0};
    db_status_t st = db_string_set(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[2], &o, &written, &old, &old_found);
    if (st != DB_OK)
        reply_db_status(ctx, st);
    else if (old_found)
        reply_bulk(ctx->reply, old.ptr, old.len);
    else
        reply_null(ctx->reply);
}

void cmd_getdel(cmd_ctx_t *ctx) {
    slice_t value;
    db_status_t st = db_string_getdel(ctx->db, ctx->scratch, ctx->argv[1], &value);
    if (st == DB_OK)
        reply_bulk(ctx->reply, value.ptr, value.len);
    else
        reply_db_status(ctx, st);
}

void cmd_getex(cmd_ctx_t *ctx) {
    enum db_getex_mode mode = GETEX_KEEP;
    int64_t when = 0;
    int expire_opt = EXP_NONE;
    slice_t expire_arg = {0};
    for (size_t i = 2; i < ctx->argc; i++) {
        slice_t a = ctx->argv[i];
        int eo = expire_opt_of(a);
        if (slice_eq_nocase(a, "persist") && expire_opt == EXP_NONE) {
            mode = GETEX_PERSIST;
        } else if (eo != EXP_NONE && mode != GETEX_PERSIST && (expire_opt == EXP_NONE || expire_opt == eo) &&
                   i + 1 < ctx->argc) {
            expire_opt = eo;
            expire_arg = ctx->argv[++i];
            mode = GETEX_SET;
        } else {
            reply_syntax_error(ctx->reply);
            return;
        }
    }
    slice_t value;
    if (mode == GETEX_SET) {
        /* As Redis: a missing or mistyped key answers before the time is
         * validated. */
        db_status_t found = db_string_get(ctx->db, ctx->scratch, ctx->argv[1], &value);
        if (found != DB_OK) {
            reply_db_status(ctx, found);
            return;
        }
        if (!expire_opt_to_ms(ctx, expire_opt, expire_arg, "getex", &when)) return;
    }
    db_status_t st = db_string_getex(ctx->db, ctx->scratch, ctx->argv[1], mode, when, &value);
    if (st == DB_OK)
        reply_bulk(ctx->reply, value.ptr, value.len);
    else
        reply_db_status(ctx, st);
}

void cmd_append(cmd_ctx_t *ctx) {
    size_t len = 0;
    db_status_t st = db_string_append(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[2], max_string_len(ctx), &len);
    if (st == DB_OK)
        reply_int(ctx->reply, (long long)len);
    else
        reply_db_status(ctx, st);
}

void cmd_strlen(cmd_ctx_t *ctx) {
    slice_t value;
    db_status_t st = db_string_get(ctx->db, ctx->scratch, ctx->argv[1], &value);
    if (st == DB_OK)
        reply_int(ctx->reply, (long long)value.len);
    else if (st == DB_NOT_FOUND)
        reply_int(ctx->reply, 0);
    else
        reply_db_status(ctx, st);
}

static void incr_generic(cmd_ctx_t *ctx, long long delta) {
    long long result;
    db_status_t st = db_string_incrby(ctx->db, ctx->scratch, ctx->argv[1], delta, &result);
    if (st == DB_OK)
        reply_int(ctx->reply, result);
    else
        reply_db_status(ctx, st);
}

void cmd_incr(cmd_ctx_t *ctx) { incr_generic(ctx, 1); }
void cmd_decr(cmd_ctx_t *ctx) { incr_generic(ctx, -1); }

void cmd_incrby(cmd_ctx_t *ctx) {
    long long delta;
    if (arg_to_ll(ctx, ctx->argv[2], &delta)) incr_generic(ctx, delta);
}

void cmd_decrby(cmd_ctx_t *ctx) {
    long long delta;
    if (!arg_to_ll(ctx, ctx->argv[2], &delta)) return;
    if (delta == LLONG_MIN) {
        reply_error(ctx->reply, "ERR decrement would overflow");
        return;
    }
    incr_generic(ctx, -delta);
}

void cmd_incrbyfloat(cmd_ctx_t *ctx) {
    long double delta;
    if (!str_to_ld(ctx->argv[2].ptr, ctx->argv[2].len, &delta)) {
        /* Redis looks at the key's type before the increment. */
        enum value_type t = TYPE_NONE;
        if (db_key_type(ctx->db, ctx->scratch, ctx->argv[1], &t) == DB_OK && t != TYPE_NONE && t != TYPE_STRING)
            reply_db_status(ctx, DB_WRONGTYPE);
        else
            reply_error(ctx->reply, "ERR value is not a valid float");
        return;
    }
    slice_t result;
    db_status_t st = db_string_incrbyfloat(ctx->db, ctx->scratch, ctx->argv[1], delta, &result);
    if (st == DB_OK)
        reply_bulk(ctx->reply, result.ptr, result.len);
    else
        reply_db_status(ctx, st);
}

void cmd_getrange(cmd_ctx_t *ctx) {
    long long start, end;
    if (!arg_to_ll(ctx, ctx->argv[2], &start) || !arg_to_ll(ctx, ctx->argv[3], &end)) return;
    slice_t value;
    db_status_t st = db_string_get(ctx->db, ctx->scratch, ctx->argv[1], &value);
    if (st == DB_NOT_FOUND) {
        reply_bulk(ctx->reply, "", 0);
        return;
    }
    if (st != DB_OK) {
        reply_db_status(ctx, st);
        return;
    }
    long long len = (long long)value.len;
    if (start < 0 && end < 0 && start > end) {
        reply_bulk(ctx->reply, "", 0);
        return;
    }
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= len) end = len - 1;
    if (start > end || len == 0)
        reply_bulk(ctx->reply, "", 0);
    else
        reply_bulk(ctx->reply, value.ptr + start, (size_t)(end - start + 1));
}

void cmd_substr(cmd_ctx_t *ctx) { cmd_getrange(ctx); }

void cmd_setrange(cmd_ctx_t *ctx) {
    long long offset;
    if (!arg_to_ll(ctx, ctx->argv[2], &offset)) return;
    if (offset < 0) {
        reply_error(ctx->reply, "ERR offset is out of range");
        return;
    }
    size_t len = 0;
    db_status_t st = db_string_setrange(ctx->db, ctx->scratch, ctx->argv[1], (size_t)offset, ctx->argv[3],
                                        max_string_len(ctx), &len);
    if (st == DB_OK)
        reply_int(ctx->reply, (long long)len);
    else
        reply_db_status(ctx, st);
}
