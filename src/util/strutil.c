#include "util/strutil.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int str_to_ull(const char *s, size_t len, unsigned long long *out) {
    if (len == 0 || len > 20) return 0;
    if (len > 1 && s[0] == '0') return 0;
    unsigned long long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (ULLONG_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

int str_to_ll(const char *s, size_t len, long long *out) {
    if (len == 0) return 0;
    int negative = s[0] == '-';
    if (negative) {
        s++;
        len--;
        if (len == 0 || s[0] == '0') return 0; /* "-" and "-0..." */
    }
    unsigned long long v;
    if (!str_to_ull(s, len, &v)) return 0;
    if (negative) {
        if (v > (unsigned long long)LLONG_MAX + 1) return 0;
        *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
    } else {
        if (v > (unsigned long long)LLONG_MAX) return 0;
        *out = (long long)v;
    }
    return 1;
}

int str_to_ld(const char *s, size_t len, long double *out) {
    char tmp[5 * 1024 + 1];
    if (len == 0 || len >= sizeof tmp) return 0;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    if (isspace((unsigned char)tmp[0])) return 0;
    errno = 0;
    char *end;
    long double v = strtold(tmp, &end);
    if ((size_t)(end - tmp) != len || isnan(v)) return 0;
    if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || fpclassify(v) == FP_ZERO)) return 0;
    *out = v;
    return 1;
}

int str_to_double(const char *s, size_t len, double *out) {
    char tmp[5 * 1024 + 1];
    if (len == 0 || len >= sizeof tmp) return 0;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    if (isspace((unsigned char)tmp[0])) return 0;
    errno = 0;
    char *end;
    double v = strtod(tmp, &end);
    if ((size_t)(end - tmp) != len || isnan(v)) return 0;
    /* Redis's string2d: an overflow ("1e400") or an underflow to zero
     * ("1e-400") is refused; a subnormal result ("1e-310") is kept.
     * "inf" itself parses without ERANGE. */
    if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || fpclassify(v) == FP_ZERO)) return 0;
    *out = v;
    return 1;
}

size_t ll_to_str(char *dst, long long v) {
    char tmp[24];
    unsigned long long u = v < 0 ? (unsigned long long)(-(v + 1)) + 1 : (unsigned long long)v;
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t len = 0;
    if (v < 0) dst[len++] = '-';
    while (n) dst[len++] = tmp[--n];
    dst[len] = '\0';
    return len;
}

size_t ld_to_human_str(char *dst, size_t cap, long double v) {
    if (isinf(v) || isnan(v)) return 0;
    int n = snprintf(dst, cap, "%.17Lf", v);
    if (n <= 0 || (size_t)n >= cap) return 0;
    size_t len = (size_t)n;
    if (memchr(dst, '.', len)) {
        while (len > 0 && dst[len - 1] == '0') len--;
        if (len > 0 && dst[len - 1] == '.') len--;
    }
    if (len == 2 && dst[0] == '-' && dst[1] == '0') { /* "-0" reads as 0 */
        dst[0] = '0';
        len = 1;
    }
    dst[len] = '\0';
    return len;
}

size_t double_to_str(char *dst, size_t cap, double v) {
    int n;
    if (isinf(v))
        n = snprintf(dst, cap, "%s", v > 0 ? "inf" : "-inf");
    else
        n = snprintf(dst, cap, "%.17g", v);
    return n > 0 ? (size_t)n : 0;
}

static int fold(int c, int nocase) { return nocase ? tolower(c) : c; }

static int glob_match_depth(const char *p, size_t plen, const char *s, size_t slen, int nocase, int depth,
                            int *skip_longer) {
    /* The depth bound stops patterns like "*a*a*a*..." from recursing
     * without limit on hostile input. */
    if (depth > 1000) return 0;
    if (slen == 0) {
        while (plen && p[0] == '*') {
            p++;
            plen--;
        }
        return plen == 0;
    }
    while (plen && slen) {
        switch (p[0]) {
        case '*':
            while (plen > 1 && p[1] == '*') {
                p++;
                plen--;
            }
            if (plen == 1) return 1;
            while (slen) {
                if (glob_match_depth(p + 1, plen - 1, s, slen, nocase, depth + 1, skip_longer)) return 1;
                if (*skip_longer) return 0;
                s++;
                slen--;
            }
            /* The rest of the pattern matches nowhere in the rest of the
             * string, so no earlier '*' can help by matching more: stop
             * every enclosing loop (this keeps hostile patterns linear). */
            *skip_longer = 1;
            return 0;
        case '?':
            s++;
            slen--;
            break;
        case '[': {
            p++;
            plen--;
            int negate = plen && p[0] == '^';
            if (negate) {
                p++;
                plen--;
            }
            int matched = 0;
            while (plen && p[0] != ']') {
                if (p[0] == '\\' && plen >= 2) {
                    p++;
                    plen--;
                    if (p[0] == s[0]) matched = 1;
                } else if (plen >= 3 && p[1] == '-') {
                    int lo = fold((unsigned char)p[0], nocase), hi = fold((unsigned char)p[2], nocase);
                    int c = fold((unsigned char)s[0], nocase);
                    if (lo > hi) {
                        int t = lo;
                        lo = hi;
                        hi = t;
                    }
                    if (c >= lo && c <= hi) matched = 1;
                    p += 2;
                    plen -= 2;
                } else if (fold((unsigned char)p[0], nocase) == fold((unsigned char)s[0], nocase)) {
                    matched = 1;
                }
                p++;
                plen--;
            }
            if (negate) matched = !matched;
            if (!matched) return 0;
            s++;
            slen--;
            if (plen == 0) return slen == 0; /* unterminated class ends the pattern */
            break;
        }
        case '\\':
            if (plen >= 2) {
                p++;
                plen--;
            }
            /* fall through */
        default:
            if (fold((unsigned char)p[0], nocase) != fold((unsigned char)s[0], nocase)) return 0;
            s++;
            slen--;
            break;
        }
        p++;
        plen--;
        if (slen == 0) {
            while (plen && p[0] == '*') {
                p++;
                plen--;
            }
            break;
        }
    }
    return plen == 0 && slen == 0;
}

int glob_match(const char *pattern, size_t plen, const char *string, size_t slen, int nocase) {
    int skip_longer = 0;
    return glob_match_depth(pattern, plen, string, slen, nocase, 0, &skip_longer);
}

/* Redis's memory units: k = 1000, kb = 1024, and so on. */
int memory_to_ll(const char *s, long long *out) {
    size_t len = strlen(s);
    size_t digits = 0;
    while (digits < len && (isdigit((unsigned char)s[digits]) || (digits == 0 && s[0] == '-'))) digits++;
    long long mul = 1;
    const char *unit = s + digits;
    if (!*unit || !strcasecmp(unit, "b")) mul = 1;
    else if (!strcasecmp(unit, "k")) mul = 1000;
    else if (!strcasecmp(unit, "kb")) mul = 1024;
    else if (!strcasecmp(unit, "m")) mul = 1000 * 1000;
    else if (!strcasecmp(unit, "mb")) mul = 1024 * 1024;
    else if (!strcasecmp(unit, "g")) mul = 1000LL * 1000 * 1000;
    else if (!strcasecmp(unit, "gb")) mul = 1024LL * 1024 * 1024;
    else return 0;
    long long v;
    if (!str_to_ll(s, digits, &v)) return 0;
    if (v != 0 && (v > LLONG_MAX / mul || v < LLONG_MIN / mul)) return 0;
    *out = v * mul;
    return 1;
}
