#include "util/pb_writer.h"

size_t pb_varint_size(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

void pb_put_varint(buf_t *b, uint64_t v) {
    unsigned char tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
        tmp[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (unsigned char)v;
    buf_append(b, tmp, n);
}

void pb_put_tag(buf_t *b, uint32_t field, int wire_type) {
    pb_put_varint(b, ((uint64_t)field << 3) | (uint64_t)wire_type);
}

void pb_put_uint(buf_t *b, uint32_t field, uint64_t v) {
    if (v == 0) return;
    pb_put_tag(b, field, PB_WIRE_VARINT);
    pb_put_varint(b, v);
}

void pb_put_bytes(buf_t *b, uint32_t field, const void *data, size_t len) {
    pb_put_tag(b, field, PB_WIRE_LEN);
    pb_put_varint(b, len);
    buf_append(b, data, len);
}

void pb_put_packed(buf_t *b, uint32_t field, const uint64_t *v, size_t n) {
    if (n == 0) return;
    size_t len = 0;
    for (size_t i = 0; i < n; i++) len += pb_varint_size(v[i]);
    pb_put_tag(b, field, PB_WIRE_LEN);
    pb_put_varint(b, len);
    (void)buf_reserve(b, len); /* one growth, not n; a failure surfaces in buf_append */
    for (size_t i = 0; i < n; i++) pb_put_varint(b, v[i]);
}
