#include "storage/encoding.h"

void put_u64_be(char *dst, uint64_t v) {
    for (int i = 7; i >= 0; i--) {
        dst[i] = (char)(v & 0xff);
        v >>= 8;
    }
}

uint64_t get_u64_be(const char *src) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | (unsigned char)src[i];
    return v;
}

void put_u32_be(char *dst, uint32_t v) {
    for (int i = 3; i >= 0; i--) {
        dst[i] = (char)(v & 0xff);
        v >>= 8;
    }
}

uint32_t get_u32_be(const char *src) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) v = (v << 8) | (unsigned char)src[i];
    return v;
}

int meta_decode(slice_t raw, metadata_t *m) {
    if (raw.len < META_STRING_HEADER) return -1;
    unsigned type = (unsigned char)raw.ptr[0] & META_TYPE_MASK;
    if (type < TYPE_STRING || type > TYPE_ZSET) return -1;
    m->type = (enum value_type)type;
    m->expire_ms = (int64_t)get_u64_be(raw.ptr + 1);
    if (m->type == TYPE_STRING) {
        m->version = 0;
        m->size = 0;
        m->rest = slice_make(raw.ptr + META_STRING_HEADER, raw.len - META_STRING_HEADER);
        return 0;
    }
    if (raw.len < META_COLLECTION_HEADER) return -1;
    m->version = get_u64_be(raw.ptr + 9);
    m->size = get_u64_be(raw.ptr + 17);
    m->rest = slice_make(raw.ptr + META_COLLECTION_HEADER, raw.len - META_COLLECTION_HEADER);
    return 0;
}

void meta_encode_string(buf_t *out, int64_t expire_ms, slice_t value) {
    char head[META_STRING_HEADER];
    head[0] = (char)TYPE_STRING;
    put_u64_be(head + 1, (uint64_t)expire_ms);
    buf_reserve(out, sizeof head + value.len);
    buf_append(out, head, sizeof head);
    buf_append(out, value.ptr, value.len);
}

void meta_encode_collection(buf_t *out, enum value_type type, int64_t expire_ms, uint64_t version,
                            uint64_t size) {
    char head[META_COLLECTION_HEADER];
    head[0] = (char)type;
    put_u64_be(head + 1, (uint64_t)expire_ms);
    put_u64_be(head + 9, version);
    put_u64_be(head + 17, size);
    buf_append(out, head, sizeof head);
}

void meta_set_expire(char *raw, int64_t expire_ms) { put_u64_be(raw + 1, (uint64_t)expire_ms); }

void subkey_encode(buf_t *out, slice_t user_key, uint64_t version, slice_t field) {
    char head[4], ver[8];
    put_u32_be(head, (uint32_t)user_key.len);
    put_u64_be(ver, version);
    buf_reserve(out, 12 + user_key.len + field.len);
    buf_append(out, head, 4);
    buf_append(out, user_key.ptr, user_key.len);
    buf_append(out, ver, 8);
    buf_append(out, field.ptr, field.len);
}

int subkey_decode(slice_t raw, slice_t *user_key, uint64_t *version, slice_t *field) {
    if (raw.len < 12) return -1;
    uint32_t klen = get_u32_be(raw.ptr);
    if ((size_t)klen > raw.len - 12) return -1;
    *user_key = slice_make(raw.ptr + 4, klen);
    *version = get_u64_be(raw.ptr + 4 + klen);
    *field = slice_make(raw.ptr + 12 + klen, raw.len - 12 - klen);
    return 0;
}

const char *type_name(enum value_type t) {
    switch (t) {
    case TYPE_STRING: return "string";
    case TYPE_HASH: return "hash";
    case TYPE_LIST: return "list";
    case TYPE_SET: return "set";
    case TYPE_ZSET: return "zset";
    default: return "none";
    }
}
