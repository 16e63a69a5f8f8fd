#include "server/resp_parser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strutil.h"

void resp_parser_init(resp_parser_t *p) {
    memset(p, 0, sizeof *p);
    p->bulk_len = -1;
}

void resp_parser_fini(resp_parser_t *p) {
    free(p->arg_off);
    free(p->arg_len);
    resp_parser_init(p);
}

void resp_parser_reset(resp_parser_t *p) {
    p->kind = 0;
    p->args_expected = 0;
    p->bulk_len = -1;
    p->pos = 0;
    p->argc = 0;
    p->error[0] = '\0';
    /* Keep the argument arrays; shrink them only after a huge request. */
    if (p->arg_cap > 4096) {
        free(p->arg_off);
        free(p->arg_len);
        p->arg_off = p->arg_len = NULL;
        p->arg_cap = 0;
    }
}

static int parser_push_arg(resp_parser_t *p, size_t off, size_t len) {
    if (p->argc == p->arg_cap) {
        size_t cap = p->arg_cap ? p->arg_cap * 2 : 16;
        size_t *o = realloc(p->arg_off, cap * sizeof *o);
        if (!o) return -1;
        p->arg_off = o;
        size_t *l = realloc(p->arg_len, cap * sizeof *l);
        if (!l) return -1;
        p->arg_len = l;
        p->arg_cap = cap;
    }
    p->arg_off[p->argc] = off;
    p->arg_len[p->argc] = len;
    p->argc++;
    return 0;
}

static enum resp_status parser_fail(resp_parser_t *p, const char *msg) {
    snprintf(p->error, sizeof p->error, "Protocol error: %s", msg);
    return RESP_ERROR;
}

static const char *find_crlf(const char *s, size_t len) {
    const char *cr = memchr(s, '\r', len);
    while (cr && (size_t)(cr - s) + 1 < len && cr[1] != '\n')
        cr = memchr(cr + 1, '\r', len - (size_t)(cr + 1 - s));
    if (!cr || (size_t)(cr - s) + 1 >= len) return NULL;
    return cr;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Splits one inline line (without its line ending) into arguments, with
 * redis-cli's quoting rules. Unescapes in place. Returns 0 or -1 on
 * unbalanced quotes. */
static int parse_inline_line(resp_parser_t *p, char *line, size_t len, size_t base) {
    size_t i = 0;
    while (1) {
        while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n' ||
                           line[i] == '\v' || line[i] == '\f'))
            i++;
        if (i >= len) return 0;
        size_t start = i, w = i;
        int in_dq = 0, in_sq = 0, done = 0;
        while (!done) {
            if (in_dq) {
                if (i >= len) return -1;
                if (line[i] == '\\' && i + 3 < len && line[i + 1] == 'x' && hex_value(line[i + 2]) >= 0 &&
                    hex_value(line[i + 3]) >= 0) {
                    line[w++] = (char)(hex_value(line[i + 2]) * 16 + hex_value(line[i + 3]));
                    i += 4;
                } else if (line[i] == '\\' && i + 1 < len) {
                    char c = line[i + 1];
                    switch (c) {
                    case 'n': c = '\n'; break;
                    case 'r': c = '\r'; break;
                    case 't': c = '\t'; break;
                    case 'b': c = '\b'; break;
                    case 'a': c = '\a'; break;
                    }
                    line[w++] = c;
                    i += 2;
                } else if (line[i] == '"') {
                    /* a closing quote must be followed by a space or the end */
                    if (i + 1 < len && line[i + 1] != ' ' && line[i + 1] != '\t') return -1;
                    done = 1;
                    i++;
                } else {
                    line[w++] = line[i++];
                }
            } else if (in_sq) {
                if (i >= len) return -1;
                if (line[i] == '\\' && i + 1 < len && line[i + 1] == '\'') {
                    line[w++] = '\'';
                    i += 2;
                } else if (line[i] == '\'') {
                    if (i + 1 < len && line[i + 1] != ' ' && line[i + 1] != '\t') return -1;
                    done = 1;
                    i++;
                } else {
                    line[w++] = line[i++];
                }
            } else {
                if (i >= len || line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\r') {
                    done = 1;
                } else if (line[i] == '"' && w == start) {
                    in_dq = 1;
                    i++;
                } else if (line[i] == '\'' && w == start) {
                    in_sq = 1;
                    i++;
                } else {
                    line[w++] = line[i++];
                }
            }
        }
        if (parser_push_arg(p, base + start, w - start) != 0) return -2;
    }
}

static enum resp_status parse_inline(resp_parser_t *p, char *buf, size_t len, const resp_limits_t *lim,
                                     size_t *consumed) {
    char *nl = memchr(buf, '\n', len);
    if (!nl) {
        if (len > lim->max_inline_len) return parser_fail(p, "too big inline request");
        return RESP_INCOMPLETE;
    }
    size_t line_len = (size_t)(nl - buf);
    if (line_len > lim->max_inline_len) return parser_fail(p, "too big inline request");
    if (line_len && buf[line_len - 1] == '\r') line_len--;
    *consumed = (size_t)(nl - buf) + 1;
    int rc = parse_inline_line(p, buf, line_len, 0);
    if (rc == -1) return parser_fail(p, "unbalanced quotes in request");
    if (rc == -2) return parser_fail(p, "out of memory");
    return p->argc ? RESP_DONE : RESP_EMPTY;
}

static enum resp_status parse_multibulk(resp_parser_t *p, char *buf, size_t len, const resp_limits_t *lim,
                                        size_t *consumed) {
    if (p->args_expected == 0 && p->argc == 0 && p->pos == 0) {
        const char *cr = find_crlf(buf, len);
        if (!cr) {
            if (len > lim->max_inline_len) return parser_fail(p, "too big mbulk count string");
            return RESP_INCOMPLETE;
        }
        long long n;
        if (!str_to_ll(buf + 1, (size_t)(cr - buf - 1), &n)) return parser_fail(p, "invalid multibulk length");
        if (n > lim->max_multibulk_len)
            return parser_fail(p, lim->unauthenticated ? "unauthenticated multibulk length" : "invalid multibulk length");
        p->pos = (size_t)(cr - buf) + 2;
        if (n <= 0) {
            *consumed = p->pos;
            return RESP_EMPTY;
        }
        p->args_expected = n;
    }
    while ((long long)p->argc < p->args_expected) {
        if (p->bulk_len < 0) {
            if (p->pos >= len) return RESP_INCOMPLETE;
            if (buf[p->pos] != '$') {
                char msg[64];
                unsigned char c = (unsigned char)buf[p->pos];
                if (c >= 32 && c < 127)
                    snprintf(msg, sizeof msg, "expected '$', got '%c'", c);
                else
                    snprintf(msg, sizeof msg, "expected '$', got byte 0x%02x", c);
                return parser_fail(p, msg);
            }
            const char *cr = find_crlf(buf + p->pos, len - p->pos);
            if (!cr) {
                if (len - p->pos > lim->max_inline_len) return parser_fail(p, "too big bulk count string");
                return RESP_INCOMPLETE;
            }
            long long blen;
            const char *digits = buf + p->pos + 1;
            if (!str_to_ll(digits, (size_t)(cr - digits), &blen) || blen < 0)
                return parser_fail(p, "invalid bulk length");
            if (blen > lim->max_bulk_len)
                return parser_fail(p, lim->unauthenticated ? "unauthenticated bulk length" : "invalid bulk length");
            p->bulk_len = blen;
            p->pos = (size_t)(cr - buf) + 2;
        }
        size_t need = (size_t)p->bulk_len + 2;
        if (len - p->pos < need) return RESP_INCOMPLETE;
        if (buf[p->pos + (size_t)p->bulk_len] != '\r' || buf[p->pos + (size_t)p->bulk_len + 1] != '\n')
            return parser_fail(p, "expected CRLF after bulk data");
        if (parser_push_arg(p, p->pos, (size_t)p->bulk_len) != 0) return parser_fail(p, "out of memory");
        p->pos += need;
        p->bulk_len = -1;
    }
    *consumed = p->pos;
    return RESP_DONE;
}

enum resp_status resp_parse(resp_parser_t *p, char *buf, size_t len, const resp_limits_t *limits,
                            size_t *consumed) {
    if (len == 0) return RESP_INCOMPLETE;
    if (p->kind == 0) p->kind = buf[0] == '*' ? '*' : 'i';
    if (p->kind == '*') return parse_multibulk(p, buf, len, limits, consumed);
    return parse_inline(p, buf, len, limits, consumed);
}

void resp_parser_args(const resp_parser_t *p, const char *buf, slice_t *argv) {
    for (size_t i = 0; i < p->argc; i++) argv[i] = slice_make(buf + p->arg_off[i], p->arg_len[i]);
}

size_t resp_parser_bytes_wanted(const resp_parser_t *p, size_t have) {
    if (p->kind != '*' || p->bulk_len < 0) return 0;
    size_t end = p->pos + (size_t)p->bulk_len + 2;
    return end > have ? end - have : 0;
}
