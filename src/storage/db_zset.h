#ifndef BASALT_STORAGE_DB_ZSET_H
#define BASALT_STORAGE_DB_ZSET_H

#include <stddef.h>
#include <stdint.h>

#include "storage/coll_util.h"
#include "storage/db.h"

/* Sorted sets on the collection building blocks (collection.h), encoded as
 * zset_encoding.h describes. Every function returns DB_WRONGTYPE when the
 * key holds another type and DB_IO_ERROR (message in s->err) on a storage
 * error. Writes take the key's lock and apply one WriteBatch; an empty
 * sorted set is deleted, as in Redis.
 *
 * Cost: point reads (ZSCORE, ZADD, ZREM) are O(log N) RocksDB lookups.
 * Score and lex ranges seek to their start and walk (O(log N + M)), but
 * anything addressed by rank (ZRANGE by index, ZRANK, ZREMRANGEBYRANK)
 * walks the score index from the nearer end: O(rank), not O(log N), as no
 * rank index is kept. Counting (ZCOUNT, ZLEXCOUNT) walks the range.
 *
 * Plain reads take no lock: the metadata and the walk each see the
 * latest state, so a concurrent write may show between the two (a range
 * then holds fewer elements than ZCARD said); replies are built with
 * deferred headers and stay well-formed. */

/* One element: member and score views are valid during the call only.
 * Return nonzero to stop the walk. */
typedef int (*zset_visit_fn)(void *arg, slice_t member, double score);

/* ---- ranges ---- */

/* A score interval; minex/maxex make a bound exclusive ("(" in Redis). */
typedef struct zscore_range {
    double min, max;
    int minex, maxex;
} zscore_range_t;

/* A lex bound: "-" (inf < 0), "+" (inf > 0), or "[value" / "(value". */
typedef struct zlex_bound {
    int inf;       /* -1 below everything, +1 above everything, 0 a value */
    int exclusive; /* "(" */
    slice_t value; /* borrowed from the caller */
} zlex_bound_t;

typedef struct zlex_range {
    zlex_bound_t min, max;
} zlex_range_t;

enum zrange_by { ZRANGE_BY_RANK = 0, ZRANGE_BY_SCORE, ZRANGE_BY_LEX };

/* What ZRANGE and friends select. Bounds are always given as min..max
 * (rank start..stop), whatever the direction: rev only changes the order
 * in which elements are visited (and where LIMIT's offset counts from). */
typedef struct zrange_spec {
    enum zrange_by by;
    int rev;
    long long start, stop; /* ZRANGE_BY_RANK, Redis indexes (negative from the end) */
    zscore_range_t score;  /* ZRANGE_BY_SCORE */
    zlex_range_t lex;      /* ZRANGE_BY_LEX: by member bytes */
    long long offset;      /* LIMIT (score and lex only); offset < 0 selects nothing */
    long long limit;       /* < 0: no limit */
} zrange_spec_t;

/* Sets *spec to "every element by rank": start 0, stop -1, no LIMIT. */
void zrange_spec_init(zrange_spec_t *spec);

/* ---- writes ---- */

enum zadd_flag {
    ZADD_NX = 1 << 0,   /* only add new members */
    ZADD_XX = 1 << 1,   /* only update existing members */
    ZADD_GT = 1 << 2,   /* update only to a greater score */
    ZADD_LT = 1 << 3,   /* update only to a lower score */
    ZADD_INCR = 1 << 4, /* the score is an increment (one element) */
};

typedef struct zadd_result {
    long long added;     /* new members */
    long long updated;   /* existing members whose score changed */
    long long processed; /* elements not skipped by NX/XX/GT/LT */
    double score;        /* the last processed element's new score (INCR) */
} zadd_result_t;

/* ZADD / ZINCRBY: scores[i] for members[i * step], i < n, applied left to
 * right as Redis does (a member named twice sees its first update). The
 * caller has checked that the flags are compatible and the scores are not
 * NaN. DB_NAN (nothing written) when an increment gives NaN
 * (inf + -inf). With XX, a missing key stays missing. */
db_status_t db_zset_add(db_t *db, db_scratch_t *s, slice_t key, unsigned flags, const double *scores,
                        const slice_t *members, size_t step, size_t n, zadd_result_t *res);

/* ZREM: *removed receives the number of distinct members that existed. */
db_status_t db_zset_remove(db_t *db, db_scratch_t *s, slice_t key, const slice_t *members, size_t n,
                           long long *removed);

/* ZREMRANGEBYRANK / BYSCORE / BYLEX (spec->rev and LIMIT are ignored).
 * A missing key removes nothing. */
db_status_t db_zset_remove_range(db_t *db, db_scratch_t *s, slice_t key, const zrange_spec_t *spec,
                                 long long *removed);

/* ZPOPMIN (max = 0) / ZPOPMAX (max = 1): removes up to count elements from
 * one end and visits them in pop order, before the batch is committed (on
 * DB_IO_ERROR from the commit the caller drops what it built). DB_NOT_FOUND
 * when the key is missing. This is the non-blocking core that BZPOPMIN,
 * BZPOPMAX and BZMPOP can build on: call it per key, in order. */
db_status_t db_zset_pop(db_t *db, db_scratch_t *s, slice_t key, int max, long long count, zset_visit_fn visit,
                        void *arg);

/* ---- reads ---- */

/* ZCARD: 0 for a missing key. */
db_status_t db_zset_card(db_t *db, db_scratch_t *s, slice_t key, uint64_t *card);

/* ZSCORE: DB_NOT_FOUND when the key or the member is missing. */
db_status_t db_zset_score(db_t *db, db_scratch_t *s, slice_t key, slice_t member, double *score);

/* Called once per member of ZMSCORE, in argument order. */
typedef void (*zset_score_fn)(void *arg, size_t i, int found, double score);
/* ZMSCORE: a missing key reports every member as absent. */
db_status_t db_zset_mscore(db_t *db, db_scratch_t *s, slice_t key, const slice_t *members, size_t n,
                           zset_score_fn fn, void *arg);

/* ZRANK (rev = 0) / ZREVRANK (rev = 1): DB_NOT_FOUND when the key or the
 * member is missing. O(rank). */
db_status_t db_zset_rank(db_t *db, db_scratch_t *s, slice_t key, slice_t member, int rev, long long *rank,
                         double *score);

/* ZCOUNT / ZLEXCOUNT: 0 for a missing key. */
db_status_t db_zset_count(db_t *db, db_scratch_t *s, slice_t key, const zscore_range_t *range, uint64_t *count);
db_status_t db_zset_lexcount(db_t *db, db_scratch_t *s, slice_t key, const zlex_range_t *range, uint64_t *count);

/* ZRANGE and its older forms: visits the selected elements in order.
 * DB_NOT_FOUND when the key is missing. */
db_status_t db_zset_range(db_t *db, db_scratch_t *s, slice_t key, const zrange_spec_t *spec, zset_visit_fn visit,
                          void *arg);

/* ZRANGESTORE: stores the selection of src into dst (replacing whatever
 * dst held, of any type, and its TTL; an empty selection deletes dst).
 * *stored receives the size of the result. */
db_status_t db_zset_range_store(db_t *db, db_scratch_t *s, slice_t dst, slice_t src, const zrange_spec_t *spec,
                                uint64_t *stored);

/* ZRANDMEMBER: count > 0 distinct elements (all when count >= size),
 * count < 0 -count picks with repetition (at most
 * COLL_SAMPLE_MAX_REPEATS of coll_util.h), count == 1 one element.
 * DB_NOT_FOUND when the key is missing. */
db_status_t db_zset_random(db_t *db, db_scratch_t *s, slice_t key, long long count, zset_visit_fn visit, void *arg);

/* ZSCAN: visits (member, score as text) in member order from `start`,
 * examining at most `limit` elements; *next receives the member to resume
 * from, empty when done (the signature of coll_scan_fn in coll_reply.h).
 * DB_NOT_FOUND when the key is missing. */
db_status_t db_zset_scan(db_t *db, db_scratch_t *s, slice_t key, slice_t start, size_t limit, coll_visit_fn visit,
                         void *arg, buf_t *next);

/* ---- set operations ---- */

enum zset_setop { ZSET_UNION = 0, ZSET_INTER, ZSET_DIFF };
enum zset_aggregate { ZSET_AGG_SUM = 0, ZSET_AGG_MIN, ZSET_AGG_MAX };

/* Inputs of ZUNION/ZINTER/ZDIFF/ZINTERCARD and their STORE forms: sorted
 * sets, or plain sets whose members count with score 1 (as in Redis). A
 * missing key is an empty input. */
typedef struct zset_setop_spec {
    enum zset_setop op;
    const slice_t *keys;
    size_t nkeys;
    const double *weights; /* nkeys of them, or NULL for 1 each (not for DIFF) */
    enum zset_aggregate aggregate;
} zset_setop_spec_t;

/* Checks that every key is missing, a sorted set or a set: DB_WRONGTYPE
 * otherwise. (Redis looks the inputs up before it parses the options.) */
db_status_t db_zset_check_inputs(db_t *db, db_scratch_t *s, const slice_t *keys, size_t nkeys);

/* Computes the operation and visits the result ordered by score, then
 * member. */
db_status_t db_zset_setop(db_t *db, db_scratch_t *s, const zset_setop_spec_t *spec, zset_visit_fn visit,
                          void *arg);

/* Stores the result into dst (replacing it; an empty result deletes dst),
 * under the locks of dst and every input. */
db_status_t db_zset_setop_store(db_t *db, db_scratch_t *s, slice_t dst, const zset_setop_spec_t *spec,
                                uint64_t *stored);

/* ZINTERCARD: the size of the intersection, stopping at limit (0 = none). */
db_status_t db_zset_intercard(db_t *db, db_scratch_t *s, const slice_t *keys, size_t nkeys, uint64_t limit,
                              uint64_t *card);

#endif
