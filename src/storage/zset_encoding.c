#include "storage/zset_encoding.h"

#include <string.h>

#include "storage/encoding.h"

#define SIGN_BIT 0x8000000000000000ULL

uint64_t zset_score_bits(double score) {
    if (score == 0) score = 0.0; /* -0.0 == 0.0: store both as +0.0 */
    uint64_t bits;
    memcpy(&bits, &score, sizeof bits);
    /* Positive: above every negative. Negative: flipping all the bits
     * reverses their order (a larger magnitude is a smaller number). */
    return (bits & SIGN_BIT) ? ~bits : bits | SIGN_BIT;
}

double zset_score_from_bits(uint64_t bits) {
    bits = (bits & SIGN_BIT) ? bits & ~SIGN_BIT : ~bits;
    double score;
    memcpy(&score, &bits, sizeof score);
    return score;
}

void zset_score_encode(char out[ZSET_SCORE_LEN], double score) { put_u64_be(out, zset_score_bits(score)); }

double zset_score_decode(const char in[ZSET_SCORE_LEN]) { return zset_score_from_bits(get_u64_be(in)); }

int zset_score_value_decode(slice_t value, double *score) {
    if (value.len != ZSET_SCORE_LEN) return -1;
    *score = zset_score_decode(value.ptr);
    return 0;
}

void zset_index_encode(buf_t *out, double score, slice_t member) {
    char head[ZSET_SCORE_LEN];
    zset_score_encode(head, score);
    buf_reserve(out, sizeof head + member.len);
    buf_append(out, head, sizeof head);
    buf_append(out, member.ptr, member.len);
}

int zset_index_decode(slice_t field, double *score, slice_t *member) {
    if (field.len < ZSET_SCORE_LEN) return -1;
    *score = zset_score_decode(field.ptr);
    *member = slice_make(field.ptr + ZSET_SCORE_LEN, field.len - ZSET_SCORE_LEN);
    return 0;
}

void zset_index_seek_target(char out[ZSET_SCORE_LEN], double score, int after_equal) {
    /* Every field with this score is [bits][member] >= [bits]; the first
     * field with a larger score is >= [bits + 1]. bits + 1 cannot wrap:
     * +inf's image is 0xfff0..., far below the maximum. */
    put_u64_be(out, zset_score_bits(score) + (after_equal ? 1 : 0));
}
