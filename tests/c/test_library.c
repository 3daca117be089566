/* test_library.c -- the life cycle and results API end to end: regions pushed through the
 * real graph with an injected clock give exactly the spec's table (OUTPUT.md §2.1) and its
 * JSON values; the output folder from argv[0]; finalize writes once and is idempotent. */
#include "internal.h"
#include "tm_test.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int64_t tm_lib_now;
static int64_t tm_lib_reader(int comp, int idx)
{
    (void)comp;
    return idx == 0 ? tm_lib_now : 0;
}

/* foo (80.856527 ms) holding bar three times (10.136, 20.140214, 30.175 ms), then baz. */
static void tm_record_foo_bar_baz(void)
{
    tm__set_test_reader(tm_lib_reader);
    tm__fast_wall                   = false;
    const timemory_components_t w   = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    uint64_t                    foo = timemory_add_hash_id("foo");
    uint64_t                    bar = timemory_add_hash_id("bar");
    uint64_t                    baz = timemory_add_hash_id("baz");
    tm_lib_now                      = 1000;
    timemory_push(foo, w, TIMEMORY_SCOPE_TREE);
    static const int64_t bars[3] = { 10136000, 20140214, 30175000 };
    for(int i = 0; i < 3; ++i)
    {
        timemory_push(bar, w, TIMEMORY_SCOPE_TREE);
        tm_lib_now += bars[i];
        timemory_pop(bar);
    }
    tm_lib_now += 80856527 - 60451214;
    timemory_pop(foo);
    timemory_push(baz, w, TIMEMORY_SCOPE_TREE);
    tm_lib_now += 12693156;
    timemory_pop(baz);
    tm__set_test_reader(NULL);
    tm__fast_wall = true;
}

TM_TEST(library_golden_table_through_the_graph)
{
    timemory_clear(0);
    tm_record_foo_bar_baz();
    char* text = NULL;
    CHECK_INT(timemory_get_text(TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK), &text), TIMEMORY_OK);
    CHECK_STR(text, "|-----------------------------------------------------------------------------"
                    "------------------------|\n"
                    "|                               REAL-CLOCK TIMER (I.E. WALL-CLOCK TIMER)      "
                    "                        |\n"
                    "|-----------------------------------------------------------------------------"
                    "------------------------|\n"
                    "|  LABEL    | COUNT  | DEPTH  | METRIC | UNITS  |  SUM   | MEAN   |  MIN   |  "
                    "MAX   | STDDEV | % SELF |\n"
                    "|-----------|--------|--------|--------|--------|--------|--------|--------|--"
                    "------|--------|--------|\n"
                    "| >>> foo   |      1 |      0 | wall   | sec    |  0.081 |  0.081 |  0.081 |  "
                    "0.081 |  0.000 |   25.2 |\n"
                    "| >>> |_bar |      3 |      1 | wall   | sec    |  0.060 |  0.020 |  0.010 |  "
                    "0.030 |  0.010 |  100.0 |\n"
                    "| >>> baz   |      1 |      0 | wall   | sec    |  0.013 |  0.013 |  0.013 |  "
                    "0.013 |  0.000 |  100.0 |\n"
                    "|-----------------------------------------------------------------------------"
                    "------------------------|\n");
    free(text);

    char* json = NULL;
    CHECK_INT(timemory_get_json(TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK), false, &json),
              TIMEMORY_OK);
    CHECK(json && strstr(json, "\"hash\":1012012477271656842,\"prefix\":\">>> foo\",\"depth\":0"));
    CHECK(json && strstr(json, "\"laps\":1,\"value\":80856527,\"accum\":80856527,"
                               "\"repr_data\":0.080856527,\"repr_display\":0.080856527"));
    CHECK(json && strstr(json, "\"rolling_hash\":8535859154899696670"));
    free(json);

    CHECK_INT(timemory_get_json(TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK), true, &json),
              TIMEMORY_OK);
    CHECK(json && strstr(json, "\"prefix\":\"unknown-hash=0\""));
    CHECK(json && strstr(json, "\"value\":-93549683")); /* root exclusive = -(foo + baz) */
    free(json);
    timemory_clear(0);
}

TM_TEST(library_components_with_data_and_size)
{
    timemory_clear(0);
    CHECK(timemory_components_with_data() == 0);
    tm_record_foo_bar_baz();
    CHECK(timemory_components_with_data() == TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK));
    size_t n = 0;
    CHECK_INT(timemory_get_size(TIMEMORY_WALL_CLOCK, &n), TIMEMORY_OK);
    CHECK_INT(n, 3);
    CHECK_INT(timemory_get_size(TIMEMORY_CPU_CLOCK, &n), TIMEMORY_OK);
    CHECK_INT(n, 0);
    CHECK_INT(timemory_get_size(99, &n), TIMEMORY_EINVAL);
    timemory_clear(0);
}

TM_TEST(library_output_path_from_argv)
{
    /* the runner may be given TIMEMORY_OUTPUT_PATH; it would win over argv */
    const char* env   = getenv("TIMEMORY_OUTPUT_PATH");
    char*       saved = env ? tm__strdup(env) : NULL;
    unsetenv("TIMEMORY_OUTPUT_PATH");
    char  path[256];
    char* argv1[] = { (char*)"/usr/bin/doc-profiler.py", NULL };
    timemory_init(1, argv1);
    timemory_settings_get_string("output_path", path, sizeof(path));
    CHECK_STR(path, "timemory-doc-profiler-output");
    char* argv2[] = { (char*)"test_flat.pyc", NULL };
    timemory_init(1, argv2);
    timemory_settings_get_string("output_path", path, sizeof(path));
    CHECK_STR(path, "timemory-test-flat-output");
    char* argv3[] = { (char*)"app", NULL };
    timemory_init_ex(1, argv3, "pre_", "_post");
    timemory_settings_get_string("output_path", path, sizeof(path));
    CHECK_STR(path, "pre-app-post");
    /* the environment wins over argv */
    setenv("TIMEMORY_OUTPUT_PATH", "from-env", 1);
    timemory_init(1, argv3);
    timemory_settings_get_string("output_path", path, sizeof(path));
    CHECK_STR(path, "from-env");
    unsetenv("TIMEMORY_OUTPUT_PATH");
    if(saved) setenv("TIMEMORY_OUTPUT_PATH", saved, 1);
    free(saved);
    timemory_settings_reset();
    timemory_settings_parse_env();
    CHECK(timemory_is_initialized());
}

TM_TEST(library_strerror_names_every_code)
{
#define TM_CHECK_MESSAGE(name, value, msg) CHECK_STR(timemory_strerror(value), msg);
    TIMEMORY_ERRORS(TM_CHECK_MESSAGE)
#undef TM_CHECK_MESSAGE
    CHECK_STR(timemory_strerror(-999), "unknown error");
}

TM_TEST(library_region_names_and_default_components)
{
    timemory_clear(0);
    timemory_settings_set_string("components", "cpu_clock, peak_rss");
    CHECK(timemory_get_default_components() ==
          (TIMEMORY_COMPONENT_BIT(TIMEMORY_CPU_CLOCK) | TIMEMORY_COMPONENT_BIT(TIMEMORY_PEAK_RSS)));
    char name[32];
    strcpy(name, "region-a");
    CHECK_INT(timemory_push_region(name), TIMEMORY_OK);
    strcpy(name, "region-b"); /* the same buffer, new text: the name cache must notice */
    CHECK_INT(timemory_push_region(name), TIMEMORY_OK);
    CHECK_INT(timemory_pop_region(name), TIMEMORY_OK);
    strcpy(name, "region-a");
    CHECK_INT(timemory_pop_region(name), TIMEMORY_OK);
    CHECK_INT(timemory_pop_region("region-never"), TIMEMORY_EUNBALANCED);
    size_t n = 0;
    timemory_get_size(TIMEMORY_CPU_CLOCK, &n);
    CHECK_INT(n, 2);
    timemory_settings_reset();
    CHECK(timemory_get_default_components() == TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK));
    timemory_take_errors(NULL);
    timemory_clear(0);
}
