#ifndef BASALT_COMMANDS_KPROFILE_H
#define BASALT_COMMANDS_KPROFILE_H

#include <stddef.h>

#include "commands/command.h"
#include "server/server.h"

/* KPROFILE MEMORY subcommands that read profiles (cmd_kprofile.c) and the
 * path rules they share with cmd_memory.c. */

void kprofile_dump(cmd_ctx_t *ctx);
void kprofile_top(cmd_ctx_t *ctx);
void kprofile_diff(cmd_ctx_t *ctx);

/* The directory of a dump (see cmd_memory.c). Replies with the error and
 * returns 0 when refused. */
int kprofile_resolve_dump_dir(cmd_ctx_t *ctx, const slice_t *arg, char *out, size_t cap);
/* Whether dir (absolute, normalized) is profiling-dir or listed in profiling-dump-dirs. */
int kprofile_dir_allowed(server_t *srv, const char *dir);
/* RocksDB's memory as JSON members for a dump's summary. */
void kprofile_summary_extra(cmd_ctx_t *ctx, char *out, size_t cap);

#endif
