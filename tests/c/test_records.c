/* test_records.c -- records by id and the component-set stack (timemory/library.h). */
#include "internal.h"
#include "timemory/library.h"
#include "tm_test.h"

TM_TEST(records_and_component_stack)
{
    timemory_clear(0);
    uint64_t id = 0;
    timemory_begin_record_enum("rec-enum", &id, TIMEMORY_CPU_CLOCK, TIMEMORY_COMPONENTS_END);
    CHECK(id != UINT64_MAX);
    timemory_end_record(id);
    size_t n = 0;
    timemory_get_size(TIMEMORY_CPU_CLOCK, &n);
    CHECK_INT(n, 1);
    CHECK_INT(timemory_end_record_status(id), TIMEMORY_ENOTFOUND);

    timemory_push_components("peak_rss");
    CHECK(timemory_get_default_components() == TIMEMORY_COMPONENT_BIT(TIMEMORY_PEAK_RSS));
    timemory_add_components("wall_clock");
    CHECK(timemory_get_default_components() == (TIMEMORY_COMPONENT_BIT(TIMEMORY_PEAK_RSS) |
                                                TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK)));
    timemory_pop_components();
    timemory_set_default("wall_clock");
    CHECK(timemory_get_default_components() == TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK));

    timemory_pause();
    CHECK(timemory_get_begin_record("rec-paused") == UINT64_MAX);
    timemory_resume();
    timemory_set_default_components(0);
    timemory_clear(0);
}
