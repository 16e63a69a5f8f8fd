#include <string.h>

#include "memory/auto_dump_policy.h"
#include "unit.h"

#define MiB (1024ULL * 1024)

static auto_dump_inputs_t at(int64_t second, uint64_t allocated, uint64_t peak) {
    auto_dump_inputs_t in;
    memset(&in, 0, sizeof in);
    in.now_ms = 1700000000000LL + second * 1000;
    in.profiling_active = 1;
    in.allocated = allocated;
    in.peak = peak;
    in.growth_gap_ms = AUTO_DUMP_GROWTH_GAP_MS;
    return in;
}

TEST(nothing_while_profiling_is_inactive) {
    auto_dump_policy_t p = {0};
    for (int s = 0; s < 100; s++) {
        auto_dump_inputs_t in = at(s, (uint64_t)s * 100 * MiB, (uint64_t)s * 100 * MiB);
        in.profiling_active = 0;
        in.interval_s = 1;
        in.growth_bytes = 1;
        CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_NONE);
    }
}

TEST(periodic_every_interval_after_arming) {
    auto_dump_policy_t p = {0};
    int dumps = 0, first = -1;
    for (int s = 0; s <= 30; s++) {
        auto_dump_inputs_t in = at(s, 10 * MiB, 10 * MiB);
        in.interval_s = 10;
        if (auto_dump_decide(&p, &in) == AUTO_DUMP_PERIODIC) {
            dumps++;
            if (first < 0) first = s;
        }
    }
    CHECK_EQ(first, 10);
    CHECK_EQ(dumps, 3); /* 10, 20, 30 */
}

TEST(periodic_restarts_after_deactivation) {
    auto_dump_policy_t p = {0};
    auto_dump_inputs_t in = at(0, MiB, MiB);
    in.interval_s = 5;
    CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_NONE);
    in = at(3, MiB, MiB);
    in.profiling_active = 0;
    CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_NONE);
    in = at(6, MiB, MiB);
    in.interval_s = 5;
    CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_NONE); /* armed again at 6 */
    in = at(10, MiB, MiB);
    in.interval_s = 5;
    CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_NONE);
    in = at(11, MiB, MiB);
    in.interval_s = 5;
    CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_PERIODIC);
}

TEST(growth_fires_above_the_previous_peak_once_per_gap) {
    auto_dump_policy_t p = {0};
    /* armed with a peak of 100 MiB although 50 MiB are allocated now */
    auto_dump_inputs_t in = at(0, 50 * MiB, 100 * MiB);
    in.growth_bytes = 32 * MiB;
    CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_NONE);
    in = at(1, 120 * MiB, 120 * MiB); /* below the peak + 32 MiB */
    in.growth_bytes = 32 * MiB;
    CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_NONE);
    in = at(2, 132 * MiB, 132 * MiB);
    in.growth_bytes = 32 * MiB;
    CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_GROWTH);
    /* the new baseline is 132 MiB; 200 MiB passes it but the gap has not */
    for (int s = 3; s < 62; s++) {
        in = at(s, 200 * MiB, 200 * MiB);
        in.growth_bytes = 32 * MiB;
        CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_NONE);
    }
    in = at(62, 200 * MiB, 200 * MiB); /* 60 s after the last growth dump: fires */
    in.growth_bytes = 32 * MiB;
    CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_GROWTH);
    in = at(200, 220 * MiB, 220 * MiB); /* baseline 200: +20 MiB is not enough */
    in.growth_bytes = 32 * MiB;
    CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_NONE);
}

TEST(growth_and_interval_in_one_tick_make_one_dump) {
    auto_dump_policy_t p = {0};
    auto_dump_inputs_t in = at(0, 10 * MiB, 10 * MiB);
    in.interval_s = 2;
    in.growth_bytes = MiB;
    CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_NONE);
    in = at(2, 20 * MiB, 20 * MiB);
    in.interval_s = 2;
    in.growth_bytes = MiB;
    CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_PERIODIC | AUTO_DUMP_GROWTH);
}

TEST(growth_rule_off_then_on_rearms) {
    auto_dump_policy_t p = {0};
    auto_dump_inputs_t in = at(0, 10 * MiB, 10 * MiB);
    in.growth_bytes = MiB;
    auto_dump_decide(&p, &in);
    in = at(1, 50 * MiB, 50 * MiB); /* rule switched off while memory grows */
    CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_NONE);
    in = at(2, 50 * MiB, 50 * MiB); /* on again: the baseline is the peak now */
    in.growth_bytes = MiB;
    CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_NONE);
    in = at(3, 50 * MiB, 50 * MiB);
    in.growth_bytes = MiB;
    CHECK_EQ(auto_dump_decide(&p, &in), AUTO_DUMP_NONE);
}

UNIT_MAIN
