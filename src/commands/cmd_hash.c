/* Hash commands: parse arguments, call the data layer, write the reply. */
#include <limits.h>
#include <math.h>

#include "commands/coll_reply.h"
#include "commands/command.h"
#include "storage/db_hash.h"
#include "util/strutil.h"

#define HASH_NOT_INTEGER "ERR hash value is not an integer"
#define HASH_NOT_FLOAT "ERR hash value is not a float"

/* ---- writes ---- */

/* HSET and HMSET: key field value [field value ...]. */
static int hset_generic(cmd_ctx_t *ctx, long long *added) {
    if (ctx->argc < 4 || ctx->argc % 2 != 0) {
        reply_wrong_arity(ctx->reply, ctx->cmd->name);
        return 0;
    }
    db_status_t st = db_hash_set(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv + 2, (ctx->argc - 2) / 2, 0, added);
    if (st != DB_OK) {
        reply_db_status(ctx, st);
        return 0;
    }
    return 1;
}

void cmd_hset(cmd_ctx_t *ctx) {
    long long added;
    if (hset_generic(ctx, &added)) reply_int(ctx->reply, added);
}

void cmd_hmset(cmd_ctx_t *ctx) {
    long long added;
    if (hset_generic(ctx, &added)) reply_ok(ctx->reply);
}

void cmd_hsetnx(cmd_ctx_t *ctx) {
    long long added;
    db_status_t st = db_hash_set(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv + 2, 1, 1, &added);
    if (st == DB_OK)
        reply_int(ctx->reply, added);
    else
        reply_db_status(ctx, st);
}

void cmd_hdel(cmd_ctx_t *ctx) {
    long long deleted;
    db_status_t st = db_hash_del(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv + 2, ctx->argc - 2, &deleted);
    if (st == DB_OK)
        reply_int(ctx->reply, deleted);
    else
        reply_db_status(ctx, st);
}

void cmd_hincrby(cmd_ctx_t *ctx) {
    long long delta, result;
    if (!arg_to_ll(ctx, ctx->argv[3], &delta)) return;
    db_status_t st = db_hash_incrby(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[2], delta, &result);
    if (st == DB_OK)
        reply_int(ctx->reply, result);
    else if (st == DB_NOT_INTEGER)
        reply_error(ctx->reply, HASH_NOT_INTEGER);
    else
        reply_db_status(ctx, st);
}

void cmd_hincrbyfloat(cmd_ctx_t *ctx) {
    long double delta;
    if (!str_to_ld(ctx->argv[3].ptr, ctx->argv[3].len, &delta)) {
        reply_error(ctx->reply, "ERR value is not a valid float");
        return;
    }
    if (isnan(delta) || isinf(delta)) {
        reply_error(ctx->reply, "ERR value is NaN or Infinity");
        return;
    }
    slice_t result;
    db_status_t st = db_hash_incrbyfloat(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[2], delta, &result);
    if (st == DB_OK)
        reply_bulk(ctx->reply, result.ptr, result.len);
    else if (st == DB_NOT_FLOAT)
        reply_error(ctx->reply, HASH_NOT_FLOAT);
    else
        reply_db_status(ctx, st);
}

/* ---- point reads ---- */

void cmd_hget(cmd_ctx_t *ctx) {
    slice_t value;
    db_status_t st = db_hash_get(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[2], &value);
    if (st == DB_OK)
        reply_bulk(ctx->reply, value.ptr, value.len);
    else
        reply_db_status(ctx, st); /* DB_NOT_FOUND: nil */
}

static void hmget_reply(void *arg, size_t i, int found, slice_t value) {
    (void)i;
    if (found)
        reply_bulk(arg, value.ptr, value.len);
    else
        reply_null(arg);
}

void cmd_hmget(cmd_ctx_t *ctx) {
    size_t mark = reply_deferred_begin(ctx->reply);
    reply_array(ctx->reply, (long long)ctx->argc - 2);
    db_status_t st = db_hash_mget(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv + 2, ctx->argc - 2, hmget_reply,
                                  ctx->reply);
    if (st != DB_OK) {
        reply_discard(ctx->reply, mark);
        reply_db_status(ctx, st);
    }
}

void cmd_hexists(cmd_ctx_t *ctx) {
    slice_t value;
    db_status_t st = db_hash_get(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[2], &value);
    if (st == DB_OK || st == DB_NOT_FOUND)
        reply_int(ctx->reply, st == DB_OK);
    else
        reply_db_status(ctx, st);
}

void cmd_hstrlen(cmd_ctx_t *ctx) {
    slice_t value;
    db_status_t st = db_hash_get(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[2], &value);
    if (st == DB_OK)
        reply_int(ctx->reply, (long long)value.len);
    else if (st == DB_NOT_FOUND)
        reply_int(ctx->reply, 0);
    else
        reply_db_status(ctx, st);
}

void cmd_hlen(cmd_ctx_t *ctx) {
    uint64_t len;
    db_status_t st = db_hash_len(ctx->db, ctx->scratch, ctx->argv[1], &len);
    if (st == DB_OK)
        reply_int(ctx->reply, (long long)len);
    else
        reply_db_status(ctx, st);
}

/* ---- whole-hash reads ---- */

enum hash_part { PART_FIELDS = 1, PART_VALUES = 2, PART_BOTH = 3 };

typedef struct hash_out {
    reply_t *reply;
    int parts;
    int pairs_nested; /* HRANDFIELD WITHVALUES in RESP3: [field, value] arrays */
    long long n;
} hash_out_t;

static int hash_out_visit(void *arg, slice_t field, slice_t value) {
    hash_out_t *o = arg;
    if (o->pairs_nested) reply_array(o->reply, 2);
    if (o->parts & PART_FIELDS) reply_bulk(o->reply, field.ptr, field.len);
    if (o->parts & PART_VALUES) reply_bulk(o->reply, value.ptr, value.len);
    o->n++;
    return 0;
}

/* HGETALL (a map), HKEYS and HVALS (arrays), in field order. */
static void hash_read_all(cmd_ctx_t *ctx, int parts) {
    size_t mark = reply_deferred_begin(ctx->reply);
    hash_out_t o = {ctx->reply, parts, 0, 0};
    buf_t next;
    buf_init(&next);
    db_status_t st = db_hash_scan(ctx->db, ctx->scratch, ctx->argv[1], slice_make("", 0), 0, hash_out_visit, &o,
                                  &next);
    buf_fini(&next);
    if (st != DB_OK && st != DB_NOT_FOUND) {
        reply_discard(ctx->reply, mark);
        reply_db_status(ctx, st);
    } else if (parts == PART_BOTH) {
        reply_deferred_map(ctx->reply, mark, o.n);
    } else {
        reply_deferred_array(ctx->reply, mark, o.n);
    }
}

void cmd_hgetall(cmd_ctx_t *ctx) { hash_read_all(ctx, PART_BOTH); }
void cmd_hkeys(cmd_ctx_t *ctx) { hash_read_all(ctx, PART_FIELDS); }
void cmd_hvals(cmd_ctx_t *ctx) { hash_read_all(ctx, PART_VALUES); }

void cmd_hscan(cmd_ctx_t *ctx) { coll_scan_command(ctx, TYPE_HASH, db_hash_scan, 1); }

/* HRANDFIELD key [count [WITHVALUES]] */
void cmd_hrandfield(cmd_ctx_t *ctx) {
    if (ctx->argc == 2) {
        size_t mark = reply_deferred_begin(ctx->reply);
        hash_out_t o = {ctx->reply, PART_FIELDS, 0, 0};
        db_status_t st = db_hash_random(ctx->db, ctx->scratch, ctx->argv[1], 1, hash_out_visit, &o, NULL);
        if (st != DB_OK) reply_discard(ctx->reply, mark);
        if (st == DB_OK && o.n == 0) st = DB_NOT_FOUND;
        if (st != DB_OK) reply_db_status(ctx, st); /* DB_NOT_FOUND: nil */
        return;
    }
    long long count;
    if (!arg_to_ll(ctx, ctx->argv[2], &count)) return;
    if (count == LLONG_MIN) {
        reply_error(ctx->reply,
                    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        return;
    }
    int withvalues = ctx->argc == 4;
    if (ctx->argc > 4 || (withvalues && !slice_eq_nocase(ctx->argv[3], "withvalues"))) {
        reply_syntax_error(ctx->reply);
        return;
    }
    if (withvalues && (count < -LLONG_MAX / 2 || count > LLONG_MAX / 2)) {
        reply_error(ctx->reply, "ERR value is out of range");
        return;
    }
    if (count < -COLL_SAMPLE_MAX_REPEATS) {
        reply_errorf(ctx->reply, "ERR value is out of range, value must between %lld and 9223372036854775807",
                     -COLL_SAMPLE_MAX_REPEATS);
        return;
    }
    int nested = withvalues && ctx->reply->proto >= 3;
    size_t mark = reply_deferred_begin(ctx->reply);
    hash_out_t o = {ctx->reply, withvalues ? PART_BOTH : PART_FIELDS, nested, 0};
    db_status_t st = db_hash_random(ctx->db, ctx->scratch, ctx->argv[1], count, hash_out_visit, &o, NULL);
    if (st != DB_OK && st != DB_NOT_FOUND) {
        reply_discard(ctx->reply, mark);
        reply_db_status(ctx, st);
        return;
    }
    reply_deferred_array(ctx->reply, mark, withvalues && !nested ? 2 * o.n : o.n);
}
