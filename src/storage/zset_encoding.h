#ifndef BASALT_STORAGE_ZSET_ENCODING_H
#define BASALT_STORAGE_ZSET_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/slice.h"

/* How a sorted set lies in the two element families (see collection.h for
 * the [keylen][key][version] prefix of every subkey):
 *
 *   subkeys CF:    field = member                  value = score (8 bytes)
 *   zset_score CF: field = [score (8 bytes)][member]   value = ""
 *
 * The first answers ZSCORE and member-ordered walks (lex ranges, ZSCAN,
 * set operations); the second is the score order (ranks, score ranges,
 * pops). A score is stored as an order-preserving 8-byte string: the IEEE
 * bits, big-endian, with the sign bit flipped for positive numbers and every
 * bit flipped for negative ones, so that bytewise order is numeric order:
 * -inf < negatives < 0 < positives < +inf. -0.0 is stored as +0.0 (Redis
 * replies 0 for it too). NaN is never stored: the commands refuse it. Equal
 * scores order by member bytes, as in Redis. */

#define ZSET_SCORE_LEN 8

/* The order-preserving 64-bit image of a score (NaN excluded). */
uint64_t zset_score_bits(double score);
/* The inverse of zset_score_bits. */
double zset_score_from_bits(uint64_t bits);

/* Writes the 8-byte form of score into out. */
void zset_score_encode(char out[ZSET_SCORE_LEN], double score);
/* Reads it back. */
double zset_score_decode(const char in[ZSET_SCORE_LEN]);
/* Decodes a member's value from the subkeys family; returns 0, or -1 when
 * it is not 8 bytes long. */
int zset_score_value_decode(slice_t value, double *score);

/* Appends the score-index field [score][member] to out. */
void zset_index_encode(buf_t *out, double score, slice_t member);
/* Splits a score-index field. *member points into field. Returns 0, or -1
 * when the field is shorter than a score. */
int zset_index_decode(slice_t field, double *score, slice_t *member);

/* Writes the 8-byte seek target for "the first index entry whose score is
 * >= score" (after_equal = 0) or "> score" (after_equal = 1). */
void zset_index_seek_target(char out[ZSET_SCORE_LEN], double score, int after_equal);

#endif
