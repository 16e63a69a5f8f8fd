#include "storage/encoding.h"
#include "unit.h"

TEST(string_record_round_trip) {
    buf_t b;
    buf_init(&b);
    meta_encode_string(&b, 1234567890123LL, slice_make("va\0lue", 6));
    metadata_t m;
    CHECK_EQ(meta_decode(slice_make(b.data, b.len), &m), 0);
    CHECK_EQ(m.type, TYPE_STRING);
    CHECK_EQ(m.expire_ms, 1234567890123LL);
    CHECK_EQ(m.rest.len, 6);
    CHECK(memcmp(m.rest.ptr, "va\0lue", 6) == 0);
    meta_set_expire(b.data, 0);
    CHECK_EQ(meta_decode(slice_make(b.data, b.len), &m), 0);
    CHECK_EQ(m.expire_ms, 0);
    buf_fini(&b);
}

TEST(collection_record_round_trip) {
    buf_t b;
    buf_init(&b);
    meta_encode_collection(&b, TYPE_HASH, 0, 0x0102030405060708ULL, 42);
    metadata_t m;
    CHECK_EQ(meta_decode(slice_make(b.data, b.len), &m), 0);
    CHECK_EQ(m.type, TYPE_HASH);
    CHECK(m.version == 0x0102030405060708ULL);
    CHECK_EQ(m.size, 42);
    CHECK_EQ(m.rest.len, 0);
    buf_fini(&b);
}

TEST(corrupt_records_are_refused) {
    metadata_t m;
    CHECK_EQ(meta_decode(slice_make("", 0), &m), -1);
    CHECK_EQ(meta_decode(slice_make("\x01\0\0", 3), &m), -1);
    char bad_type[9] = {9};
    CHECK_EQ(meta_decode(slice_make(bad_type, 9), &m), -1);
    char short_hash[9] = {TYPE_HASH};
    CHECK_EQ(meta_decode(slice_make(short_hash, 9), &m), -1);
}

TEST(expiry_check) {
    metadata_t m = {.type = TYPE_STRING, .expire_ms = 1000};
    CHECK(meta_is_expired(&m, 1000));
    CHECK(!meta_is_expired(&m, 999));
    m.expire_ms = 0;
    CHECK(!meta_is_expired(&m, 1LL << 60));
}

TEST(subkeys_sort_by_key_then_version) {
    buf_t a, b;
    buf_init(&a);
    buf_init(&b);
    subkey_encode(&a, slice_make("k", 1), 1, slice_make("zz", 2));
    subkey_encode(&b, slice_make("k", 1), 2, slice_make("aa", 2));
    CHECK(memcmp(a.data, b.data, a.len < b.len ? a.len : b.len) < 0);
    slice_t key, field;
    uint64_t version;
    CHECK_EQ(subkey_decode(slice_make(b.data, b.len), &key, &version, &field), 0);
    CHECK_MEM(key.ptr, key.len, "k");
    CHECK_EQ(version, 2);
    CHECK_MEM(field.ptr, field.len, "aa");
    CHECK_EQ(subkey_decode(slice_make(b.data, 5), &key, &version, &field), -1);
    buf_fini(&a);
    buf_fini(&b);
}

UNIT_MAIN
