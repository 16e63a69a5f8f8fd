/* Sorted-set commands: parse arguments, call db_zset_*, write the reply.
 * Argument checks come in Redis 7.0's order, so that the same bad command
 * gets the same error. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands/coll_reply.h"
#include "commands/command.h"
#include "server/blocking.h"
#include "storage/db_zset.h"
#include "util/strutil.h"

#define ERR_NOT_FLOAT "ERR value is not a valid float"
#define ERR_NAN_SCORE "ERR resulting score is not a number (NaN)"
#define ERR_RANGE_FLOAT "ERR min or max is not a float"
#define ERR_RANGE_LEX "ERR min or max not valid string range item"

static void reply_zset_status(cmd_ctx_t *ctx, db_status_t st) {
    if (st == DB_NAN)
        reply_error(ctx->reply, ERR_NAN_SCORE);
    else
        reply_db_status(ctx, st);
}

/* ---- argument parsing ---- */

static int arg_to_score(slice_t arg, double *out) { return str_to_double(arg.ptr, arg.len, out); }

/* One bound of a score range, as Redis's zslParseRange reads it: an
 * optional "(" for exclusive, then whatever strtod takes up to the end of
 * the C string (so "(" alone is an exclusive 0, as in Redis), not NaN. */
static int parse_score_bound(slice_t arg, double *value, int *exclusive) {
    *exclusive = 0;
    if (arg.len && arg.ptr[0] == '(') {
        *exclusive = 1;
        arg.ptr++;
        arg.len--;
    }
    char small[128];
    char *tmp = arg.len < sizeof small ? small : malloc(arg.len + 1);
    if (!tmp) return 0;
    memcpy(tmp, arg.ptr, arg.len);
    tmp[arg.len] = '\0';
    char *end;
    double v = strtod(tmp, &end);
    int ok = *end == '\0' && !isnan(v);
    if (tmp != small) free(tmp);
    if (ok) *value = v;
    return ok;
}

static int parse_score_range(slice_t min, slice_t max, zscore_range_t *r) {
    return parse_score_bound(min, &r->min, &r->minex) && parse_score_bound(max, &r->max, &r->maxex);
}

/* "-", "+", "[value" or "(value" (zslParseLexRangeItem). The value is a
 * view of the argument. */
static int parse_lex_bound(slice_t arg, zlex_bound_t *b) {
    memset(b, 0, sizeof *b);
    if (arg.len == 0) return 0;
    switch (arg.ptr[0]) {
    case '+':
    case '-':
        if (arg.len != 1) return 0;
        b->inf = arg.ptr[0] == '+' ? 1 : -1;
        b->exclusive = 1;
        return 1;
    case '(':
    case '[':
        b->exclusive = arg.ptr[0] == '(';
        b->value = slice_make(arg.ptr + 1, arg.len - 1);
        return 1;
    default: return 0;
    }
}

static int parse_lex_range(slice_t min, slice_t max, zlex_range_t *r) {
    return parse_lex_bound(min, &r->min) && parse_lex_bound(max, &r->max);
}

/* ---- element replies ---- */

/* Writes visited elements: members, or member-score pairs (flat in RESP2,
 * nested pairs in RESP3 when `nested`). */
typedef struct zout {
    reply_t *reply;
    int withscores;
    int nested;
    long long n;
} zout_t;

static void zout_init(zout_t *o, cmd_ctx_t *ctx, int withscores) {
    o->reply = ctx->reply;
    o->withscores = withscores;
    o->nested = withscores && ctx->reply->proto >= 3;
    o->n = 0;
}

static int zout_visit(void *arg, slice_t member, double score) {
    zout_t *o = arg;
    if (o->nested) reply_array(o->reply, 2);
    reply_bulk(o->reply, member.ptr, member.len);
    if (o->withscores) reply_double(o->reply, score);
    o->n++;
    return 0;
}

/* The array header of what zout wrote since mark. */
static void zout_finish(zout_t *o, size_t mark) {
    reply_deferred_array(o->reply, mark, o->withscores && !o->nested ? 2 * o->n : o->n);
}

/* ---- ZADD, ZINCRBY, ZREM ---- */

void cmd_zadd(cmd_ctx_t *ctx) {
    unsigned flags = 0;
    int ch = 0;
    size_t i = 2;
    for (; i < ctx->argc; i++) {
        slice_t a = ctx->argv[i];
        if (slice_eq_nocase(a, "nx"))
            flags |= ZADD_NX;
        else if (slice_eq_nocase(a, "xx"))
            flags |= ZADD_XX;
        else if (slice_eq_nocase(a, "ch"))
            ch = 1;
        else if (slice_eq_nocase(a, "incr"))
            flags |= ZADD_INCR;
        else if (slice_eq_nocase(a, "gt"))
            flags |= ZADD_GT;
        else if (slice_eq_nocase(a, "lt"))
            flags |= ZADD_LT;
        else
            break;
    }
    size_t elements = ctx->argc - i;
    if (elements == 0 || elements % 2) {
        reply_syntax_error(ctx->reply);
        return;
    }
    elements /= 2;
    if ((flags & ZADD_NX) && (flags & ZADD_XX)) {
        reply_error(ctx->reply, "ERR XX and NX options at the same time are not compatible");
        return;
    }
    int gt = (flags & ZADD_GT) != 0, lt = (flags & ZADD_LT) != 0, nx = (flags & ZADD_NX) != 0;
    if ((gt && nx) || (lt && nx) || (gt && lt)) {
        reply_error(ctx->reply, "ERR GT, LT, and/or NX options at the same time are not compatible");
        return;
    }
    if ((flags & ZADD_INCR) && elements > 1) {
        reply_error(ctx->reply, "ERR INCR option supports a single increment-element pair");
        return;
    }
    /* Every score is checked before anything is written. */
    double local[16];
    double *scores = elements <= 16 ? local : malloc(elements * sizeof *scores);
    if (!scores) {
        reply_error(ctx->reply, "ERR out of memory");
        return;
    }
    for (size_t j = 0; j < elements; j++) {
        if (!arg_to_score(ctx->argv[i + 2 * j], &scores[j])) {
            reply_error(ctx->reply, ERR_NOT_FLOAT);
            goto out;
        }
    }
    zadd_result_t res;
    db_status_t st = db_zset_add(ctx->db, ctx->scratch, ctx->argv[1], flags, scores, ctx->argv + i + 1, 2, elements,
                                 &res);
    if (st == DB_OK && (res.added > 0 || res.processed)) blocking_signal(ctx->srv, ctx->argv[1]);
    if (st != DB_OK)
        reply_zset_status(ctx, st);
    else if (!(flags & ZADD_INCR))
        reply_int(ctx->reply, ch ? res.added + res.updated : res.added);
    else if (res.processed)
        reply_double(ctx->reply, res.score);
    else
        reply_null(ctx->reply);
out:
    if (scores != local) free(scores);
}

void cmd_zincrby(cmd_ctx_t *ctx) {
    double incr;
    if (!arg_to_score(ctx->argv[2], &incr)) {
        reply_error(ctx->reply, ERR_NOT_FLOAT);
        return;
    }
    zadd_result_t res;
    db_status_t st = db_zset_add(ctx->db, ctx->scratch, ctx->argv[1], ZADD_INCR, &incr, ctx->argv + 3, 1, 1, &res);
    if (st == DB_OK) blocking_signal(ctx->srv, ctx->argv[1]);
    if (st != DB_OK)
        reply_zset_status(ctx, st);
    else
        reply_double(ctx->reply, res.score);
}

void cmd_zrem(cmd_ctx_t *ctx) {
    long long removed = 0;
    db_status_t st = db_zset_remove(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv + 2, ctx->argc - 2, &removed);
    if (st != DB_OK)
        reply_db_status(ctx, st);
    else
        reply_int(ctx->reply, removed);
}

/* ---- point reads ---- */

void cmd_zcard(cmd_ctx_t *ctx) {
    uint64_t card;
    db_status_t st = db_zset_card(ctx->db, ctx->scratch, ctx->argv[1], &card);
    if (st != DB_OK)
        reply_db_status(ctx, st);
    else
        reply_int(ctx->reply, (long long)card);
}

void cmd_zscore(cmd_ctx_t *ctx) {
    double score;
    db_status_t st = db_zset_score(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[2], &score);
    if (st == DB_OK)
        reply_double(ctx->reply, score);
    else
        reply_db_status(ctx, st); /* DB_NOT_FOUND: nil */
}

static void mscore_visit(void *arg, size_t i, int found, double score) {
    (void)i;
    reply_t *r = arg;
    if (found)
        reply_double(r, score);
    else
        reply_null(r);
}

void cmd_zmscore(cmd_ctx_t *ctx) {
    size_t mark = reply_deferred_begin(ctx->reply);
    reply_array(ctx->reply, (long long)ctx->argc - 2);
    db_status_t st = db_zset_mscore(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv + 2, ctx->argc - 2, mscore_visit,
                                    ctx->reply);
    if (st != DB_OK) {
        reply_discard(ctx->reply, mark);
        reply_db_status(ctx, st);
    }
}

static void rank_generic(cmd_ctx_t *ctx, int rev) {
    int withscore = 0;
    if (ctx->argc > 3) { /* WITHSCORE: Redis 7.2 */
        if (ctx->argc > 4 || !slice_eq_nocase(ctx->argv[3], "withscore")) {
            reply_syntax_error(ctx->reply);
            return;
        }
        withscore = 1;
    }
    long long rank;
    double score;
    db_status_t st = db_zset_rank(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[2], rev, &rank, &score);
    if (st == DB_NOT_FOUND) {
        if (withscore)
            reply_null_array(ctx->reply);
        else
            reply_null(ctx->reply);
    } else if (st != DB_OK) {
        reply_db_status(ctx, st);
    } else if (withscore) {
        reply_array(ctx->reply, 2);
        reply_int(ctx->reply, rank);
        reply_double(ctx->reply, score);
    } else {
        reply_int(ctx->reply, rank);
    }
}

void cmd_zrank(cmd_ctx_t *ctx) { rank_generic(ctx, 0); }
void cmd_zrevrank(cmd_ctx_t *ctx) { rank_generic(ctx, 1); }

void cmd_zcount(cmd_ctx_t *ctx) {
    zscore_range_t r;
    if (!parse_score_range(ctx->argv[2], ctx->argv[3], &r)) {
        reply_error(ctx->reply, ERR_RANGE_FLOAT);
        return;
    }
    uint64_t n;
    db_status_t st = db_zset_count(ctx->db, ctx->scratch, ctx->argv[1], &r, &n);
    if (st != DB_OK)
        reply_db_status(ctx, st);
    else
        reply_int(ctx->reply, (long long)n);
}

void cmd_zlexcount(cmd_ctx_t *ctx) {
    zlex_range_t r;
    if (!parse_lex_range(ctx->argv[2], ctx->argv[3], &r)) {
        reply_error(ctx->reply, ERR_RANGE_LEX);
        return;
    }
    uint64_t n;
    db_status_t st = db_zset_lexcount(ctx->db, ctx->scratch, ctx->argv[1], &r, &n);
    if (st != DB_OK)
        reply_db_status(ctx, st);
    else
        reply_int(ctx->reply, (long long)n);
}

/* ---- ZRANGE and its family ---- */

enum range_dir { DIR_AUTO, DIR_FORWARD, DIR_REVERSE };
#define BY_AUTO (-1)

/* Redis's zrangeGenericCommand: argv[first] is the source key, then min
 * and max, then options. `by` and `dir` are fixed by the older command
 * forms (ZRANGEBYSCORE...) or BY_AUTO / DIR_AUTO for ZRANGE and
 * ZRANGESTORE, which take BYSCORE, BYLEX and REV as options. */
static void range_generic(cmd_ctx_t *ctx, size_t first, int store, int by, enum range_dir dir) {
    zrange_spec_t spec;
    zrange_spec_init(&spec);
    int withscores = 0;
    long long offset = 0, limit = -1;
    for (size_t j = first + 3; j < ctx->argc; j++) {
        slice_t a = ctx->argv[j];
        size_t left = ctx->argc - j - 1;
        if (!store && slice_eq_nocase(a, "withscores")) {
            withscores = 1;
        } else if (slice_eq_nocase(a, "limit") && left >= 2) {
            if (!arg_to_ll(ctx, ctx->argv[j + 1], &offset) || !arg_to_ll(ctx, ctx->argv[j + 2], &limit)) return;
            j += 2;
        } else if (dir == DIR_AUTO && slice_eq_nocase(a, "rev")) {
            dir = DIR_REVERSE;
        } else if (by == BY_AUTO && slice_eq_nocase(a, "bylex")) {
            by = ZRANGE_BY_LEX;
        } else if (by == BY_AUTO && slice_eq_nocase(a, "byscore")) {
            by = ZRANGE_BY_SCORE;
        } else {
            reply_syntax_error(ctx->reply);
            return;
        }
    }
    if (dir == DIR_AUTO) dir = DIR_FORWARD;
    if (by == BY_AUTO) by = ZRANGE_BY_RANK;
    if (limit != -1 && by == ZRANGE_BY_RANK) {
        reply_error(ctx->reply, "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        return;
    }
    if (withscores && by == ZRANGE_BY_LEX) {
        reply_error(ctx->reply, "ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        return;
    }
    spec.by = (enum zrange_by)by;
    spec.rev = dir == DIR_REVERSE;
    spec.offset = offset;
    spec.limit = limit;
    slice_t min = ctx->argv[first + 1], max = ctx->argv[first + 2];
    if (spec.rev && by != ZRANGE_BY_RANK) { /* given as max, min */
        slice_t t = min;
        min = max;
        max = t;
    }
    if (by == ZRANGE_BY_RANK) {
        if (!arg_to_ll(ctx, min, &spec.start) || !arg_to_ll(ctx, max, &spec.stop)) return;
    } else if (by == ZRANGE_BY_SCORE) {
        if (!parse_score_range(min, max, &spec.score)) {
            reply_error(ctx->reply, ERR_RANGE_FLOAT);
            return;
        }
    } else if (!parse_lex_range(min, max, &spec.lex)) {
        reply_error(ctx->reply, ERR_RANGE_LEX);
        return;
    }
    if (store) {
        uint64_t stored;
        db_status_t st = db_zset_range_store(ctx->db, ctx->scratch, ctx->argv[1], ctx->argv[first], &spec, &stored);
        if (st != DB_OK)
            reply_db_status(ctx, st);
        else
            reply_int(ctx->reply, (long long)stored);
        if (st == DB_OK && stored > 0) blocking_signal(ctx->srv, ctx->argv[1]);
        return;
    }
    zout_t o;
    zout_init(&o, ctx, withscores);
    size_t mark = reply_deferred_begin(ctx->reply);
    db_status_t st = db_zset_range(ctx->db, ctx->scratch, ctx->argv[first], &spec, zout_visit, &o);
    if (st == DB_NOT_FOUND) {
        reply_array(ctx->reply, 0);
    } else if (st != DB_OK) {
        reply_discard(ctx->reply, mark);
        reply_db_status(ctx, st);
    } else {
        zout_finish(&o, mark);
    }
}

void cmd_zrange(cmd_ctx_t *ctx) { range_generic(ctx, 1, 0, BY_AUTO, DIR_AUTO); }
void cmd_zrangestore(cmd_ctx_t *ctx) { range_generic(ctx, 2, 1, BY_AUTO, DIR_AUTO); }
void cmd_zrevrange(cmd_ctx_t *ctx) { range_generic(ctx, 1, 0, ZRANGE_BY_RANK, DIR_REVERSE); }
void cmd_zrangebyscore(cmd_ctx_t *ctx) { range_generic(ctx, 1, 0, ZRANGE_BY_SCORE, DIR_FORWARD); }
void cmd_zrevrangebyscore(cmd_ctx_t *ctx) { range_generic(ctx, 1, 0, ZRANGE_BY_SCORE, DIR_REVERSE); }
void cmd_zrangebylex(cmd_ctx_t *ctx) { range_generic(ctx, 1, 0, ZRANGE_BY_LEX, DIR_FORWARD); }
void cmd_zrevrangebylex(cmd_ctx_t *ctx) { range_generic(ctx, 1, 0, ZRANGE_BY_LEX, DIR_REVERSE); }

/* ---- removal by range ---- */

static void remrange_reply(cmd_ctx_t *ctx, const zrange_spec_t *spec) {
    long long removed;
    db_status_t st = db_zset_remove_range(ctx->db, ctx->scratch, ctx->argv[1], spec, &removed);
    if (st != DB_OK)
        reply_db_status(ctx, st);
    else
        reply_int(ctx->reply, removed);
}

void cmd_zremrangebyrank(cmd_ctx_t *ctx) {
    zrange_spec_t spec;
    zrange_spec_init(&spec);
    if (!arg_to_ll(ctx, ctx->argv[2], &spec.start) || !arg_to_ll(ctx, ctx->argv[3], &spec.stop)) return;
    remrange_reply(ctx, &spec);
}

void cmd_zremrangebyscore(cmd_ctx_t *ctx) {
    zrange_spec_t spec;
    zrange_spec_init(&spec);
    spec.by = ZRANGE_BY_SCORE;
    if (!parse_score_range(ctx->argv[2], ctx->argv[3], &spec.score)) {
        reply_error(ctx->reply, ERR_RANGE_FLOAT);
        return;
    }
    remrange_reply(ctx, &spec);
}

void cmd_zremrangebylex(cmd_ctx_t *ctx) {
    zrange_spec_t spec;
    zrange_spec_init(&spec);
    spec.by = ZRANGE_BY_LEX;
    if (!parse_lex_range(ctx->argv[2], ctx->argv[3], &spec.lex)) {
        reply_error(ctx->reply, ERR_RANGE_LEX);
        return;
    }
    remrange_reply(ctx, &spec);
}

/* ---- pops ---- */

static void pop_generic(cmd_ctx_t *ctx, int max) {
    long long count = 1;
    int with_count = 0;
    if (ctx->argc > 3) {
        reply_syntax_error(ctx->reply);
        return;
    }
    if (ctx->argc == 3) {
        if (!str_to_ll_arg(ctx->argv[2], &count) || count < 0) {
            reply_error(ctx->reply, "ERR value is out of range, must be positive");
            return;
        }
        with_count = 1;
    }
    /* RESP3 nests pairs only when a count was given, as Redis does. */
    zout_t o;
    zout_init(&o, ctx, 1);
    o.nested = with_count && ctx->reply->proto >= 3;
    size_t mark = reply_deferred_begin(ctx->reply);
    db_status_t st = db_zset_pop(ctx->db, ctx->scratch, ctx->argv[1], max, count, zout_visit, &o);
    if (st == DB_NOT_FOUND) {
        reply_array(ctx->reply, 0);
    } else if (st != DB_OK) {
        reply_discard(ctx->reply, mark);
        reply_db_status(ctx, st);
    } else {
        zout_finish(&o, mark);
    }
}

void cmd_zpopmin(cmd_ctx_t *ctx) { pop_generic(ctx, 0); }
void cmd_zpopmax(cmd_ctx_t *ctx) { pop_generic(ctx, 1); }

/* ZMPOP/BZMPOP from the numkeys argument at `first`. Returns 1 when it
 * replied (popped, or an error), 0 when every key was empty; *keys and
 * *nkeys tell a blocking caller what to wait on. */
static int zmpop_generic(cmd_ctx_t *ctx, size_t first, const slice_t **keys_out, size_t *nkeys_out,
                         int64_t *timeout) {
    long long numkeys;
    if (!str_to_ll_arg(ctx->argv[first], &numkeys) || numkeys < 1) {
        reply_error(ctx->reply, "ERR numkeys should be greater than 0");
        return 1;
    }
    if ((unsigned long long)numkeys >= ctx->argc - first - 1) {
        reply_syntax_error(ctx->reply);
        return 1;
    }
    size_t where = first + 1 + (size_t)numkeys;
    int max;
    if (slice_eq_nocase(ctx->argv[where], "min")) {
        max = 0;
    } else if (slice_eq_nocase(ctx->argv[where], "max")) {
        max = 1;
    } else {
        reply_syntax_error(ctx->reply);
        return 1;
    }
    long long count = -1;
    for (size_t j = where + 1; j < ctx->argc; j++) {
        if (count == -1 && slice_eq_nocase(ctx->argv[j], "count") && j + 1 < ctx->argc) {
            j++;
            if (!str_to_ll_arg(ctx->argv[j], &count) || count < 1) {
                reply_error(ctx->reply, "ERR count should be greater than 0");
                return 1;
            }
        } else {
            reply_syntax_error(ctx->reply);
            return 1;
        }
    }
    if (count == -1) count = 1;
    /* BZMPOP's timeout is parsed after the options, as Redis does. */
    if (timeout && !blocking_parse_timeout(ctx, ctx->argv[1], timeout)) return 1;
    *keys_out = ctx->argv + first + 1;
    *nkeys_out = (size_t)numkeys;
    /* The first key holding a sorted set is popped; keys are tried in
     * order, and a key of another type stops the search with WRONGTYPE. */
    for (size_t k = 0; k < (size_t)numkeys; k++) {
        slice_t key = ctx->argv[first + 1 + k];
        size_t mark = reply_deferred_begin(ctx->reply);
        reply_array(ctx->reply, 2);
        reply_bulk(ctx->reply, key.ptr, key.len);
        size_t elements = reply_deferred_begin(ctx->reply);
        zout_t o;
        zout_init(&o, ctx, 1);
        o.nested = 1;
        db_status_t st = db_zset_pop(ctx->db, ctx->scratch, key, max, count, zout_visit, &o);
        if (st == DB_OK) {
            zout_finish(&o, elements);
            return 1;
        }
        reply_discard(ctx->reply, mark);
        if (st != DB_NOT_FOUND) {
            reply_db_status(ctx, st);
            return 1;
        }
    }
    return 0;
}

void cmd_zmpop(cmd_ctx_t *ctx) {
    const slice_t *keys;
    size_t nkeys;
    if (!zmpop_generic(ctx, 1, &keys, &nkeys, NULL)) reply_null_array(ctx->reply);
}

void cmd_bzmpop(cmd_ctx_t *ctx) {
    int64_t timeout = 0;
    const slice_t *keys = NULL;
    size_t nkeys = 0;
    if (!zmpop_generic(ctx, 2, &keys, &nkeys, &timeout)) blocking_block(ctx, keys, nkeys, timeout, BLOCK_TIMEOUT_NULL_ARRAY);
}

/* BZPOPMIN/BZPOPMAX: [key, member, score] from the first non-empty key. */
typedef struct bzpop_out {
    reply_t *reply;
    slice_t key;
} bzpop_out_t;

static int bzpop_visit(void *arg, slice_t member, double score) {
    bzpop_out_t *o = arg;
    reply_array(o->reply, 3);
    reply_bulk(o->reply, o->key.ptr, o->key.len);
    reply_bulk(o->reply, member.ptr, member.len);
    reply_double(o->reply, score);
    return 0;
}

static void bzpop_generic(cmd_ctx_t *ctx, int max) {
    int64_t timeout;
    if (!blocking_parse_timeout(ctx, ctx->argv[ctx->argc - 1], &timeout)) return;
    const slice_t *keys = ctx->argv + 1;
    size_t nkeys = ctx->argc - 2;
    for (size_t k = 0; k < nkeys; k++) {
        size_t mark = reply_deferred_begin(ctx->reply);
        bzpop_out_t o = {ctx->reply, keys[k]};
        db_status_t st = db_zset_pop(ctx->db, ctx->scratch, keys[k], max, 1, bzpop_visit, &o);
        if (st == DB_OK && ctx->reply->out.len > mark) return;
        reply_discard(ctx->reply, mark);
        if (st != DB_OK && st != DB_NOT_FOUND) {
            reply_db_status(ctx, st);
            return;
        }
    }
    blocking_block(ctx, keys, nkeys, timeout, BLOCK_TIMEOUT_NULL_ARRAY);
}

void cmd_bzpopmin(cmd_ctx_t *ctx) { bzpop_generic(ctx, 0); }
void cmd_bzpopmax(cmd_ctx_t *ctx) { bzpop_generic(ctx, 1); }

/* ---- ZRANDMEMBER ---- */

void cmd_zrandmember(cmd_ctx_t *ctx) {
    long long count = 1;
    int with_count = ctx->argc >= 3, withscores = 0;
    if (with_count) {
        if (!arg_to_ll(ctx, ctx->argv[2], &count)) return;
        if (count == LLONG_MIN) {
            reply_error(ctx->reply,
                        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            return;
        }
        if (ctx->argc > 4 || (ctx->argc == 4 && !slice_eq_nocase(ctx->argv[3], "withscores"))) {
            reply_syntax_error(ctx->reply);
            return;
        }
        withscores = ctx->argc == 4;
        if (withscores && (count < -LLONG_MAX / 2 || count > LLONG_MAX / 2)) {
            reply_error(ctx->reply, "ERR value is out of range");
            return;
        }
        /* Every pick is in the reply: bound the repeats before anything
         * is built (Redis has no bound and can exhaust its memory). */
        if (count < -COLL_SAMPLE_MAX_REPEATS) {
            reply_errorf(ctx->reply, "ERR value is out of range, value must between %lld and 9223372036854775807",
                         -COLL_SAMPLE_MAX_REPEATS);
            return;
        }
    }
    if (with_count && count == 0) { /* the key is still checked */
        uint64_t card;
        db_status_t st = db_zset_card(ctx->db, ctx->scratch, ctx->argv[1], &card);
        if (st != DB_OK)
            reply_db_status(ctx, st);
        else
            reply_array(ctx->reply, 0);
        return;
    }
    zout_t o;
    zout_init(&o, ctx, withscores);
    size_t mark = reply_deferred_begin(ctx->reply);
    db_status_t st = db_zset_random(ctx->db, ctx->scratch, ctx->argv[1], count, zout_visit, &o);
    if (st != DB_OK && st != DB_NOT_FOUND) {
        reply_discard(ctx->reply, mark);
        reply_db_status(ctx, st);
    } else if (!with_count) {
        /* One member as a bulk string (written by the visit), or nil. */
        if (o.n == 0) reply_null(ctx->reply);
    } else if (st == DB_NOT_FOUND) {
        reply_array(ctx->reply, 0);
    } else {
        zout_finish(&o, mark);
    }
}

/* ---- ZSCAN ---- */

void cmd_zscan(cmd_ctx_t *ctx) { coll_scan_command(ctx, TYPE_ZSET, db_zset_scan, 1); }

/* ---- set operations ---- */

/* Redis's zunionInterDiffGenericCommand. argv[numkeys_at] is numkeys;
 * dst is set for the STORE forms; cardinality_only for ZINTERCARD. */
static void setop_generic(cmd_ctx_t *ctx, size_t numkeys_at, int store, enum zset_setop op, int cardinality_only) {
    long long setnum;
    if (!arg_to_ll(ctx, ctx->argv[numkeys_at], &setnum)) return;
    if (setnum < 1) {
        reply_errorf(ctx->reply, "ERR at least 1 input key is needed for '%s' command", ctx->cmd->name);
        return;
    }
    if ((unsigned long long)setnum > ctx->argc - numkeys_at - 1) {
        reply_syntax_error(ctx->reply);
        return;
    }
    size_t nkeys = (size_t)setnum;
    const slice_t *keys = ctx->argv + numkeys_at + 1;
    /* As Redis: the inputs are looked up before the options are parsed. */
    db_status_t st = db_zset_check_inputs(ctx->db, ctx->scratch, keys, nkeys);
    if (st != DB_OK) {
        reply_db_status(ctx, st);
        return;
    }
    zset_setop_spec_t spec = {op, keys, nkeys, NULL, ZSET_AGG_SUM};
    double *weights = NULL;
    int withscores = 0;
    long long limit = 0;
    for (size_t j = numkeys_at + 1 + nkeys; j < ctx->argc;) {
        slice_t a = ctx->argv[j];
        size_t remaining = ctx->argc - j;
        if (op != ZSET_DIFF && !cardinality_only && remaining >= nkeys + 1 && slice_eq_nocase(a, "weights")) {
            j++;
            if (!weights) weights = malloc(nkeys * sizeof *weights);
            if (!weights) {
                reply_error(ctx->reply, "ERR out of memory");
                return;
            }
            for (size_t i = 0; i < nkeys; i++, j++) {
                if (!arg_to_score(ctx->argv[j], &weights[i])) {
                    reply_error(ctx->reply, "ERR weight value is not a float");
                    goto out;
                }
            }
            spec.weights = weights;
        } else if (op != ZSET_DIFF && !cardinality_only && remaining >= 2 && slice_eq_nocase(a, "aggregate")) {
            slice_t agg = ctx->argv[j + 1];
            if (slice_eq_nocase(agg, "sum")) {
                spec.aggregate = ZSET_AGG_SUM;
            } else if (slice_eq_nocase(agg, "min")) {
                spec.aggregate = ZSET_AGG_MIN;
            } else if (slice_eq_nocase(agg, "max")) {
                spec.aggregate = ZSET_AGG_MAX;
            } else {
                reply_syntax_error(ctx->reply);
                goto out;
            }
            j += 2;
        } else if (!store && !cardinality_only && slice_eq_nocase(a, "withscores")) {
            withscores = 1;
            j++;
        } else if (cardinality_only && remaining >= 2 && slice_eq_nocase(a, "limit")) {
            if (!str_to_ll_arg(ctx->argv[j + 1], &limit) || limit < 0) {
                reply_error(ctx->reply, "ERR LIMIT can't be negative");
                goto out;
            }
            j += 2;
        } else {
            reply_syntax_error(ctx->reply);
            goto out;
        }
    }
    if (cardinality_only) {
        uint64_t card;
        st = db_zset_intercard(ctx->db, ctx->scratch, keys, nkeys, (uint64_t)limit, &card);
        if (st != DB_OK)
            reply_db_status(ctx, st);
        else
            reply_int(ctx->reply, (long long)card);
    } else if (store) {
        uint64_t stored;
        st = db_zset_setop_store(ctx->db, ctx->scratch, ctx->argv[1], &spec, &stored);
        if (st != DB_OK)
            reply_db_status(ctx, st);
        else
            reply_int(ctx->reply, (long long)stored);
        if (st == DB_OK && stored > 0) blocking_signal(ctx->srv, ctx->argv[1]);
    } else {
        zout_t o;
        zout_init(&o, ctx, withscores);
        size_t mark = reply_deferred_begin(ctx->reply);
        st = db_zset_setop(ctx->db, ctx->scratch, &spec, zout_visit, &o);
        if (st != DB_OK) {
            reply_discard(ctx->reply, mark);
            reply_db_status(ctx, st);
        } else {
            zout_finish(&o, mark);
        }
    }
out:
    free(weights);
}

void cmd_zunion(cmd_ctx_t *ctx) { setop_generic(ctx, 1, 0, ZSET_UNION, 0); }
void cmd_zinter(cmd_ctx_t *ctx) { setop_generic(ctx, 1, 0, ZSET_INTER, 0); }
void cmd_zdiff(cmd_ctx_t *ctx) { setop_generic(ctx, 1, 0, ZSET_DIFF, 0); }
void cmd_zunionstore(cmd_ctx_t *ctx) { setop_generic(ctx, 2, 1, ZSET_UNION, 0); }
void cmd_zinterstore(cmd_ctx_t *ctx) { setop_generic(ctx, 2, 1, ZSET_INTER, 0); }
void cmd_zdiffstore(cmd_ctx_t *ctx) { setop_generic(ctx, 2, 1, ZSET_DIFF, 0); }
void cmd_zintercard(cmd_ctx_t *ctx) { setop_generic(ctx, 1, 0, ZSET_INTER, 1); }
