#include "commands/expire_args.h"

#include <limits.h>

#include "util/clock.h"
#include "util/strutil.h"

int expire_arg_to_abs_ms(cmd_ctx_t *ctx, slice_t arg, int64_t unit_ms, int absolute, int must_be_positive,
                         const char *cmdname, int64_t *out) {
    long long v;
    if (!arg_to_ll(ctx, arg, &v)) return 0;
    if (must_be_positive && v <= 0) goto invalid;
    if (v > LLONG_MAX / unit_ms || v < LLONG_MIN / unit_ms) goto invalid;
    v *= unit_ms;
    if (!absolute) {
        int64_t now = clock_unix_ms();
        if (v > 0 && v > LLONG_MAX - now) goto invalid;
        v += now;
    }
    /* 0 means "no expiry" in the encoding; a past time is still past. */
    *out = v <= 0 ? 1 : v;
    return 1;
invalid:
    reply_errorf(ctx->reply, "ERR invalid expire time in '%s' command", cmdname);
    return 0;
}
