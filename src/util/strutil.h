#ifndef BASALT_UTIL_STRUTIL_H
#define BASALT_UTIL_STRUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Parses a whole buffer as a signed 64-bit decimal with Redis's rules: an
 * optional '-', no '+', no spaces, no leading zeros, within range.
 * Returns 1 on success, 0 otherwise. */
int str_to_ll(const char *s, size_t len, long long *out);

/* Parses a whole buffer as a long double (strtold) with Redis's rules: no
 * leading/trailing space, not NaN, at most 5 KiB long. Returns 1 or 0. */
int str_to_ld(const char *s, size_t len, long double *out);

/* Like str_to_ld but a double; "inf"/"+inf"/"-inf" accepted, NaN refused. */
int str_to_double(const char *s, size_t len, double *out);

/* Writes v in decimal into dst (at least 21 bytes); returns the length. */
size_t ll_to_str(char *dst, long long v);

/* Formats a long double the way Redis's INCRBYFLOAT does: fixed notation,
 * 17 digits, trailing zeros and a trailing point removed. dst must hold at
 * least 5120 bytes. Returns the length, or 0 for inf/NaN. */
size_t ld_to_human_str(char *dst, size_t cap, long double v);

/* Formats a double as Redis replies do in RESP3 and ZSCORE ("%.17g", with
 * inf, -inf). Returns the length. dst must hold at least 32 bytes. */
size_t double_to_str(char *dst, size_t cap, double v);

/* Glob-style matching as in Redis KEYS/SCAN: *, ?, [abc], [^a], [a-z], and
 * backslash escapes. Returns 1 when string matches pattern. */
int glob_match(const char *pattern, size_t plen, const char *string, size_t slen, int nocase);

/* Unsigned 64-bit variant of str_to_ll. */
int str_to_ull(const char *s, size_t len, unsigned long long *out);

/* Parses a memory size with Redis's units: 100, 1k (1000), 1kb (1024),
 * 5m, 5mb, 1g, 1gb, any case. Returns 1 or 0. */
int memory_to_ll(const char *s, long long *out);

#endif
