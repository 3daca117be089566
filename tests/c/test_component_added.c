/* test_component_added.c -- a component added as docs/adding-a-component.md says (one table
 * row, one sampler), built in by the option TIMEMORY_TEST_COMPONENT: test_sample_counter,
 * public id 65 (after the seed's 0..63 and the end marker 64), the 65th row. Its sampler counts
 * the samples taken of it, so each push/pop pair adds exactly 1, and an enclosing pair 1 more
 * for each sample its children took: exact values through push/pop, the text and JSON writers.
 */
#include "internal.h"
#include "tm_test.h"

#ifdef TIMEMORY_TEST_COMPONENT

TM_TEST(component_added_row_is_a_component)
{
    CHECK_INT(TIMEMORY_TEST_SAMPLE_COUNTER, 65);
    CHECK_INT(TIMEMORY_COMPONENT_TABLE_SIZE, 65);
    CHECK_INT(timemory_component_find("test_sample_counter"), 65);
    CHECK_INT(timemory_component_find("TestSampleCounter"), 65);
    CHECK_INT(timemory_component_find("test_samples"), 65);
    CHECK_INT(tm__comp_index(65), 64); /* the 65th row */
    CHECK_INT(tm__comp_index(64), -1);
    timemory_component_info info;
    CHECK_INT(timemory_component_get_info(65, &info), TIMEMORY_OK);
    CHECK_STR(info.label, "test_samples");
    CHECK(info.available);
    /* the compact form cannot name it, the set can */
    timemory_components_t mask = 1;
    CHECK_INT(timemory_components_parse("test_sample_counter", &mask, NULL), TIMEMORY_OK);
    CHECK(mask == 0);
    timemory_component_set set;
    CHECK_INT(timemory_components_parse_set("test_sample_counter wall_clock", &set, NULL),
              TIMEMORY_OK);
    CHECK_INT(timemory_component_set_next(&set, -1), TIMEMORY_WALL_CLOCK);
    CHECK_INT(timemory_component_set_next(&set, TIMEMORY_WALL_CLOCK), 65);
}

TM_TEST(component_added_records_exact_values)
{
    timemory_clear(0);
    timemory_component_set set = { { 0 } };
    CHECK_INT(timemory_component_set_add(&set, TIMEMORY_TEST_SAMPLE_COUNTER), TIMEMORY_OK);
    uint64_t outer = timemory_add_hash_id("added-outer");
    uint64_t inner = timemory_add_hash_id("added-inner");
    CHECK_INT(timemory_push_set(outer, &set, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
    for(int i = 0; i < 3; ++i)
    {
        CHECK_INT(timemory_push_set(inner, &set, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
        CHECK_INT(timemory_pop(inner), TIMEMORY_OK);
    }
    CHECK_INT(timemory_pop(outer), TIMEMORY_OK);
    timemory_component_set with = timemory_components_with_data_set();
    CHECK(timemory_component_set_has(&with, TIMEMORY_TEST_SAMPLE_COUNTER));
    char* json = NULL;
    CHECK_INT(timemory_get_json_set(&set, false, &json), TIMEMORY_OK);
    /* outer: 1 + the 6 samples of its children; inner: 3 laps of 1 */
    CHECK(json && strstr(json, "\"laps\":1,\"value\":7,\"accum\":7"));
    CHECK(json && strstr(json, "\"laps\":3,\"value\":3,\"accum\":3"));
    CHECK(json && strstr(json, "\"test_sample_counter\":{\"properties\":{\"cereal_class_version\":"
                               "0,\"value\":65,\"enum\":\"TEST_SAMPLE_COUNTER\""));
    timemory_free(json);
    char* text = NULL;
    CHECK_INT(timemory_get_text_set(&set, &text), TIMEMORY_OK);
    CHECK(text && strstr(text, "added-outer"));
    CHECK(text && strstr(text, "added-inner"));
    CHECK(text && strstr(text, "test_samples"));
    timemory_free(text);
    timemory_clear(0);
}

#endif
