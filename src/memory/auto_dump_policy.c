#include "memory/auto_dump_policy.h"

#include <string.h>

int auto_dump_decide(auto_dump_policy_t *p, const auto_dump_inputs_t *in) {
    if (!in->profiling_active) {
        memset(p, 0, sizeof *p);
        return AUTO_DUMP_NONE;
    }
    int reasons = AUTO_DUMP_NONE;

    if (in->interval_s <= 0) {
        p->periodic_since_ms = 0;
    } else if (p->periodic_since_ms == 0) {
        p->periodic_since_ms = in->now_ms;
    } else if (in->now_ms - p->periodic_since_ms >= in->interval_s * 1000) {
        p->periodic_since_ms = in->now_ms;
        reasons |= AUTO_DUMP_PERIODIC;
    }

    if (in->growth_bytes == 0) {
        p->growth_armed = 0;
        p->last_growth_ms = 0;
    } else if (!p->growth_armed) {
        p->growth_armed = 1;
        p->growth_base = in->peak > in->allocated ? in->peak : in->allocated;
    } else if (in->allocated >= p->growth_base && in->allocated - p->growth_base >= in->growth_bytes &&
               (p->last_growth_ms == 0 || in->now_ms - p->last_growth_ms >= in->growth_gap_ms)) {
        p->growth_base = in->allocated;
        p->last_growth_ms = in->now_ms;
        reasons |= AUTO_DUMP_GROWTH;
    }
    return reasons;
}
