/* test_component_sets.c -- sets of components (timemory_component_set): public ids against the
 * engine's dense index, the compact 64-bit form of the seed's ids, and the *_set forms of push,
 * parse, defaults and results giving what the compact forms give.
 */
#include "internal.h"
#include "tm_test.h"

#include <stdlib.h>

TM_TEST(component_sets_ids_and_indices)
{
    /* the table's size comes from the table; run-time members fit after it */
    CHECK(TIMEMORY_COMPONENT_TABLE_SIZE >= 64); /* 65 with the test row */
    CHECK(TIMEMORY_COMPONENT_SET_WORDS * 64 >= TIMEMORY_COMPONENT_CAPACITY);
    CHECK(tm__ncomp() >= TM_NTABLE && tm__ncomp() <= TM_COMP_CAP);
    for(int c = 0; c < TM_NTABLE; ++c)
    {
        CHECK_INT(tm__comp_index(tm__comp_id(c)), c);
        CHECK_INT(tm__comp_id(c), tm__components[c].id);
    }
    CHECK_INT(tm__comp_index(-1), -1);
    CHECK_INT(tm__comp_index(TIMEMORY_COMPONENTS_END), -1); /* 64: the seed's end marker */
    CHECK_INT(tm__comp_index(TIMEMORY_COMPONENT_RUNTIME_FIRST + TIMEMORY_COMPONENT_RUNTIME_MAX),
              -1);
    CHECK_INT(tm__comp_index(100000), -1);
}

TM_TEST(component_sets_add_has_next)
{
    timemory_component_set s = { { 0 } };
    CHECK(timemory_component_set_empty(&s));
    CHECK_INT(timemory_component_set_next(&s, -1), -1);
    CHECK_INT(timemory_component_set_add(&s, TIMEMORY_WALL_CLOCK), TIMEMORY_OK);
    CHECK_INT(timemory_component_set_add(&s, TIMEMORY_CPU_CLOCK), TIMEMORY_OK);
    CHECK_INT(timemory_component_set_add(&s, TIMEMORY_PEAK_RSS), TIMEMORY_OK);
    CHECK_INT(timemory_component_set_add(&s, TIMEMORY_WALL_CLOCK), TIMEMORY_OK); /* once */
    CHECK_INT(timemory_component_set_add(&s, TIMEMORY_COMPONENTS_END), TIMEMORY_EINVAL);
    CHECK_INT(timemory_component_set_add(&s, -3), TIMEMORY_EINVAL);
    CHECK_INT(timemory_component_set_add(NULL, 1), TIMEMORY_EINVAL);
    CHECK(!timemory_component_set_empty(&s));
    CHECK_INT(timemory_component_set_count(&s), 3);
    CHECK(timemory_component_set_has(&s, TIMEMORY_PEAK_RSS));
    CHECK(!timemory_component_set_has(&s, TIMEMORY_SYS_CLOCK));
    CHECK(!timemory_component_set_has(&s, 9999));
    /* members in index order (the table's: ascending ids for the seed's) */
    int order[4], n = 0;
    for(int id = timemory_component_set_next(&s, -1); id >= 0 && n < 4;
        id     = timemory_component_set_next(&s, id))
        order[n++] = id;
    CHECK_INT(n, 3);
    CHECK_INT(order[0], TIMEMORY_CPU_CLOCK);
    CHECK_INT(order[1], TIMEMORY_PEAK_RSS);
    CHECK_INT(order[2], TIMEMORY_WALL_CLOCK);
    CHECK_INT(timemory_component_set_remove(&s, TIMEMORY_PEAK_RSS), TIMEMORY_OK);
    CHECK(!timemory_component_set_has(&s, TIMEMORY_PEAK_RSS));
    CHECK_INT(timemory_component_set_count(&s), 2);
}

TM_TEST(component_sets_compact_mask_round_trip)
{
    timemory_components_t mask = TIMEMORY_COMPONENT_BIT(TIMEMORY_ALLINEA_MAP) |
                                 TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK) |
                                 TIMEMORY_COMPONENT_BIT(TIMEMORY_WRITTEN_BYTES);
    timemory_component_set s = timemory_component_set_from_mask(mask);
    CHECK(timemory_component_set_has(&s, TIMEMORY_ALLINEA_MAP));
    CHECK(timemory_component_set_has(&s, TIMEMORY_WALL_CLOCK));
    CHECK(timemory_component_set_has(&s, TIMEMORY_WRITTEN_BYTES));
    CHECK_INT(timemory_component_set_count(&s), 3);
    CHECK(timemory_component_set_to_mask(&s) == mask);
    CHECK(timemory_component_set_to_mask(NULL) == 0);
}

TM_TEST(component_sets_parse_like_the_mask)
{
    const char*            list = "wall_clock, cpu_clock peak_rss";
    timemory_components_t  mask = 0;
    timemory_component_set set;
    memset(&set, 0xff, sizeof(set)); /* cleared by the parse */
    CHECK_INT(timemory_components_parse(list, &mask, NULL), TIMEMORY_OK);
    CHECK_INT(timemory_components_parse_set(list, &set, NULL), TIMEMORY_OK);
    CHECK(timemory_component_set_to_mask(&set) == mask);
    CHECK_INT(timemory_component_set_count(&set), 3);
    const char* bad = NULL;
    CHECK_INT(timemory_components_parse_set("wall_clock, nope", &set, &bad), TIMEMORY_EUNKNOWN);
    CHECK_STR(bad, "nope");
    CHECK_INT(timemory_component_set_count(&set), 1);
}

TM_TEST(component_sets_push_set_records_like_push)
{
    timemory_clear(0);
    timemory_component_set set = { { 0 } };
    timemory_component_set_add(&set, TIMEMORY_WALL_CLOCK);
    timemory_component_set_add(&set, TIMEMORY_TRIP_COUNT);
    uint64_t key = timemory_add_hash_id("sets-push");
    for(int i = 0; i < 3; ++i)
    {
        CHECK_INT(timemory_push_set(key, &set, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
        CHECK_INT(timemory_pop(key), TIMEMORY_OK);
    }
    CHECK_INT(timemory_push(key, TIMEMORY_COMPONENT_BIT(TIMEMORY_TRIP_COUNT), TIMEMORY_SCOPE_TREE),
              TIMEMORY_OK);
    CHECK_INT(timemory_pop(key), TIMEMORY_OK);
    timemory_component_set with = timemory_components_with_data_set();
    CHECK(timemory_component_set_has(&with, TIMEMORY_WALL_CLOCK));
    CHECK(timemory_component_set_has(&with, TIMEMORY_TRIP_COUNT));
    CHECK(timemory_components_with_data() == timemory_component_set_to_mask(&with));
    /* trip_count: 4 laps, one count each */
    timemory_component_set trip =
        timemory_component_set_from_mask(TIMEMORY_COMPONENT_BIT(TIMEMORY_TRIP_COUNT));
    char* json = NULL;
    CHECK_INT(timemory_get_json_set(&trip, false, &json), TIMEMORY_OK);
    CHECK(json && strstr(json, "sets-push"));
    CHECK(json && strstr(json, "\"trip_count\""));
    CHECK(json && !strstr(json, "\"wall_clock\""));
    char* same = NULL;
    CHECK_INT(timemory_get_json(TIMEMORY_COMPONENT_BIT(TIMEMORY_TRIP_COUNT), false, &same),
              TIMEMORY_OK);
    CHECK_STR(json, same);
    timemory_free(json);
    timemory_free(same);
    size_t n = 0;
    CHECK_INT(timemory_get_size(TIMEMORY_TRIP_COUNT, &n), TIMEMORY_OK);
    CHECK_INT(n, 1);
    /* clearing one component by set leaves the other */
    CHECK_INT(timemory_clear_set(&trip), TIMEMORY_OK);
    with = timemory_components_with_data_set();
    CHECK(!timemory_component_set_has(&with, TIMEMORY_TRIP_COUNT));
    CHECK(timemory_component_set_has(&with, TIMEMORY_WALL_CLOCK));
    timemory_clear(0);
}

TM_TEST(component_sets_default_set)
{
    timemory_component_set set = { { 0 } };
    timemory_component_set_add(&set, TIMEMORY_CPU_CLOCK);
    timemory_component_set_add(&set, TIMEMORY_WALL_CLOCK);
    CHECK_INT(timemory_set_default_component_set(&set), TIMEMORY_OK);
    timemory_component_set got = timemory_get_default_component_set();
    CHECK(memcmp(&got, &set, sizeof(set)) == 0);
    CHECK(timemory_get_default_components() == (TIMEMORY_COMPONENT_BIT(TIMEMORY_CPU_CLOCK) |
                                                TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK)));
    CHECK_INT(timemory_set_default_component_set(NULL), TIMEMORY_OK);
    got = timemory_get_default_component_set();
    CHECK_INT(timemory_component_set_count(&got), 1); /* the settings' choice: wall_clock */
    CHECK(timemory_component_set_has(&got, TIMEMORY_WALL_CLOCK));
}
