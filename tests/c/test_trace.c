/* test_trace.c -- the throttled trace interface: short keys are throttled after
 * throttle_count pops, long ones are not, regions are never throttled. */
#include "internal.h"
#include "timemory/library.h"
#include "tm_test.h"

#include <time.h>

static void tm_spin_ns(int64_t ns)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do clock_gettime(CLOCK_MONOTONIC, &b);
    while((b.tv_sec - a.tv_sec) * 1000000000 + (b.tv_nsec - a.tv_nsec) < ns);
}

TM_TEST(trace_throttles_short_keys)
{
    timemory_clear(0);
    timemory_settings_set_int("throttle_count", 50);
    timemory_settings_set_int("throttle_value", 100000); /* 100 us */
    for(int i = 0; i < 100; ++i)
    {
        timemory_push_trace("trace-short");
        timemory_pop_trace("trace-short");
    }
    CHECK(timemory_is_throttled("trace-short"));
    CHECK_INT(timemory_push_trace("trace-short"), TIMEMORY_ETHROTTLED);
    CHECK_INT(timemory_stack_depth(), 0);

    for(int i = 0; i < 100; ++i)
    {
        timemory_push_trace("trace-long");
        tm_spin_ns(200000);
        timemory_pop_trace("trace-long");
        if(i == 10) i = 99; /* keep the test fast: 12 pops, below throttle_count */
    }
    CHECK(!timemory_is_throttled("trace-long"));

    timemory_reset_throttle("trace-short");
    CHECK(!timemory_is_throttled("trace-short"));
    CHECK_INT(timemory_push_trace("trace-short"), TIMEMORY_OK);
    CHECK_INT(timemory_pop_trace("trace-short"), TIMEMORY_OK);

    /* regions are never throttled */
    for(int i = 0; i < 100; ++i)
    {
        timemory_push_region("trace-region");
        timemory_pop_region("trace-region");
    }
    CHECK_INT(timemory_push_region("trace-region"), TIMEMORY_OK);
    CHECK_INT(timemory_pop_region("trace-region"), TIMEMORY_OK);
    timemory_settings_reset();
    timemory_clear(0);
}

TM_TEST(trace_not_throttled_when_slow)
{
    timemory_clear(0);
    timemory_settings_set_int("throttle_count", 10);
    timemory_settings_set_int("throttle_value", 20000); /* 20 us */
    for(int i = 0; i < 20; ++i)
    {
        timemory_push_trace("trace-slow");
        tm_spin_ns(40000);
        timemory_pop_trace("trace-slow");
    }
    CHECK(!timemory_is_throttled("trace-slow"));
    timemory_settings_reset();
    timemory_clear(0);
}
