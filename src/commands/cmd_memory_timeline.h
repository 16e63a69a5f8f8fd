#ifndef BASALT_COMMANDS_CMD_MEMORY_TIMELINE_H
#define BASALT_COMMANDS_CMD_MEMORY_TIMELINE_H

#include "commands/command.h"
#include "util/buf.h"

/* The memory timeline's parts of KPROFILE MEMORY, MEMORY DOCTOR and INFO
 * memory (the data: server/memory_timeline.h). */

/* KPROFILE MEMORY HISTORY [<seconds>]: a header of field names, then one
 * row of integers per sample, oldest first. Works without the profiler. */
void kprofile_history(cmd_ctx_t *ctx);

/* KPROFILE MEMORY STATUS's automatic-dump fields: how many pairs, and the
 * pairs themselves. */
#define KPROFILE_AUTO_DUMP_PAIRS 4
void kprofile_status_auto_dumps(cmd_ctx_t *ctx);

/* Appends MEMORY DOCTOR's sustained-growth finding (one bullet) and returns
 * the number of issues added (0 or 1). */
int memory_doctor_growth(cmd_ctx_t *ctx, buf_t *out);

/* Appends INFO memory's timeline and automatic-dump lines. */
void info_memory_timeline(cmd_ctx_t *ctx, buf_t *out);

#endif
