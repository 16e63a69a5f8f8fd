#ifndef BASALT_UTIL_PB_WRITER_H
#define BASALT_UTIL_PB_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* The write side of the Protocol Buffers wire format, enough to emit a
 * message by hand: varints, length-delimited fields and packed repeated
 * integers. A nested message is encoded into its own buffer first and then
 * appended with pb_put_bytes, since its length precedes it on the wire.
 * Every function appends to `b` (buf_t's allocation rules apply). */

enum { PB_WIRE_VARINT = 0, PB_WIRE_LEN = 2 };

/* Bytes that v takes as a varint (1..10). */
size_t pb_varint_size(uint64_t v);
void pb_put_varint(buf_t *b, uint64_t v);
void pb_put_tag(buf_t *b, uint32_t field, int wire_type);
/* An integer field (int64, uint64 and bool share the varint encoding; an
 * int64 is written as its two's complement, as protobuf does). Zero is
 * proto3's default and is left out. */
void pb_put_uint(buf_t *b, uint32_t field, uint64_t v);
/* A length-delimited field: a string, bytes or an encoded sub-message. It is
 * written even when empty, because a repeated string such as a string table
 * entry must keep its position. */
void pb_put_bytes(buf_t *b, uint32_t field, const void *data, size_t len);
/* A packed repeated integer field: one tag, the byte length, the varints. */
void pb_put_packed(buf_t *b, uint32_t field, const uint64_t *v, size_t n);

#endif
