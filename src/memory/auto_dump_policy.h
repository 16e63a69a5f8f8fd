#ifndef BASALT_MEMORY_AUTO_DUMP_POLICY_H
#define BASALT_MEMORY_AUTO_DUMP_POLICY_H

#include <stdint.h>

/* When to write automatic heap profiles: every profiling-dump-interval
 * seconds, and when allocated memory passes its previous peak by
 * profiling-dump-on-growth bytes. Pure logic, fed once a second by the
 * sampler with the time and the numbers, so it can be tested with made-up
 * series.
 *
 * - Nothing happens while profiling is inactive; activation (or setting a
 *   rule) starts its clock and its baseline afresh.
 * - Periodic: the first dump comes one interval after the rule is armed.
 * - Growth: the baseline is the allocator's peak when the rule is armed,
 *   then the allocated bytes at each growth dump. A growth dump fires when
 *   allocated >= baseline + growth_bytes, at most once per growth_gap_ms; a
 *   growth still there when the gap has passed fires then. */

enum {
    AUTO_DUMP_NONE = 0,
    AUTO_DUMP_PERIODIC = 1,
    AUTO_DUMP_GROWTH = 2,
};

#define AUTO_DUMP_GROWTH_GAP_MS 60000

typedef struct auto_dump_policy {
    int64_t periodic_since_ms; /* last periodic dump or arming; 0 = not armed */
    int growth_armed;
    uint64_t growth_base;
    int64_t last_growth_ms; /* 0 = never */
} auto_dump_policy_t;

typedef struct auto_dump_inputs {
    int64_t now_ms;
    int profiling_active;
    uint64_t allocated;
    uint64_t peak;          /* highest allocated seen so far */
    int64_t interval_s;     /* 0 = no periodic dumps */
    uint64_t growth_bytes;  /* 0 = no growth dumps */
    int64_t growth_gap_ms;  /* rate limit of growth dumps */
} auto_dump_inputs_t;

/* Returns AUTO_DUMP_NONE or a mask of AUTO_DUMP_PERIODIC | AUTO_DUMP_GROWTH
 * (one dump serves both), updating the policy's state. */
int auto_dump_decide(auto_dump_policy_t *p, const auto_dump_inputs_t *in);

#endif
