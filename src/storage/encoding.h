#ifndef BASALT_STORAGE_ENCODING_H
#define BASALT_STORAGE_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/slice.h"

/* The on-disk layout (see docs/architecture.md):
 *
 *   metadata CF:  user key -> [type:1][expire_ms:8]            [string value]   (strings)
 *                 user key -> [type:1][expire_ms:8][version:8][size:8][...]  (collections)
 *   subkeys CF:   [keylen:4][user key][version:8][field] -> value
 *   zset_score CF:[keylen:4][user key][version:8][score:8][member] -> ""
 *
 * Integers are big-endian so keys sort numerically. expire_ms is a Unix
 * time in milliseconds, 0 for no expiry. A collection's subkeys belong to
 * the metadata's version: writing new metadata with a new version deletes
 * the old collection in O(1), and the compaction filter reclaims the rest. */

enum value_type {
    TYPE_NONE = 0,
    TYPE_STRING = 1,
    TYPE_HASH = 2,
    TYPE_LIST = 3,
    TYPE_SET = 4,
    TYPE_ZSET = 5,
};

#define META_TYPE_MASK 0x0f
#define META_STRING_HEADER 9      /* type + expire */
#define META_COLLECTION_HEADER 25 /* type + expire + version + size */

typedef struct metadata {
    enum value_type type;
    int64_t expire_ms;
    uint64_t version; /* collections only */
    uint64_t size;    /* collections only */
    slice_t rest;     /* string value, or type-specific trailing fields */
} metadata_t;

/* Decodes a metadata value. m->rest points into raw. Returns 0, or -1 when
 * the bytes are not a metadata record. */
int meta_decode(slice_t raw, metadata_t *m);

/* True when the record has an expiry at or before now_ms. */
static inline int meta_is_expired(const metadata_t *m, int64_t now_ms) {
    return m->expire_ms > 0 && m->expire_ms <= now_ms;
}

/* Appends a string record to out. */
void meta_encode_string(buf_t *out, int64_t expire_ms, slice_t value);
/* Appends a collection record header; type-specific fields follow. */
void meta_encode_collection(buf_t *out, enum value_type type, int64_t expire_ms, uint64_t version,
                            uint64_t size);

/* Rewrites the expiry of an encoded record in place. */
void meta_set_expire(char *raw, int64_t expire_ms);

/* Appends a subkey key: [keylen][key][version][field]. */
void subkey_encode(buf_t *out, slice_t user_key, uint64_t version, slice_t field);
/* Splits a subkey key. Returns 0, or -1 when malformed. */
int subkey_decode(slice_t raw, slice_t *user_key, uint64_t *version, slice_t *field);

const char *type_name(enum value_type t);

void put_u64_be(char *dst, uint64_t v);
uint64_t get_u64_be(const char *src);
void put_u32_be(char *dst, uint32_t v);
uint32_t get_u32_be(const char *src);

#endif
