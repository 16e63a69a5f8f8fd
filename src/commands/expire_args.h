#ifndef BASALT_COMMANDS_EXPIRE_ARGS_H
#define BASALT_COMMANDS_EXPIRE_ARGS_H

#include <stdint.h>

#include "commands/command.h"

/* Turns a relative or absolute time argument (seconds or milliseconds)
 * into an absolute Unix time in ms. must_be_positive makes zero and
 * negative values an "invalid expire time" error (SET, GETEX, SETEX).
 * Replies with the error and returns 0 on bad input. */
int expire_arg_to_abs_ms(cmd_ctx_t *ctx, slice_t arg, int64_t unit_ms, int absolute, int must_be_positive,
                         const char *cmdname, int64_t *out);

#endif
