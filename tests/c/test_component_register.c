/* test_component_register.c -- components added at run time (timemory_component_register):
 * a group source of three members read by one call per sample, and a single component,
 * recorded through push/pop with exact values from the test's own source, found by name,
 * described by get_info and written by the text and JSON writers; bad specs refused.
 */
#include "internal.h"
#include "tm_test.h"

#include <stdlib.h>

/* the test's counters: what read() reports now, and how often it was called */
static int64_t tst_now[3];
static int     tst_reads;
static int     tst_fail;

static int tst_read_group(void* context, int64_t* values)
{
    CHECK(context == (void*)tst_now);
    ++tst_reads;
    if(tst_fail) return TIMEMORY_EIO;
    memcpy(values, tst_now, sizeof(tst_now));
    return 0;
}

static int64_t tst_bytes;
static int     tst_read_one(void* context, int64_t* values)
{
    (void)context;
    values[0] = tst_bytes;
    return 0;
}

static int tst_group_first = -1;
static int tst_one_id      = -1;

static void tst_register(void)
{
    if(tst_group_first >= 0) return;
    static const char* const names[] = { "tst_alpha", "tst_beta", "tst_gamma" };
    timemory_component_spec  group   = { 0 };
    group.name                       = "tst_counters";
    group.description                = "Test counters read together";
    group.flags                      = TIMEMORY_CFLAG_INTEGER;
    group.unit_repr                  = "";
    group.nmembers                   = 3;
    group.member_names               = names;
    group.read                       = tst_read_group;
    group.context                    = tst_now;
    tst_group_first                  = timemory_component_register(&group);
    timemory_component_spec one      = { 0 };
    one.name                         = "tst_bytes";
    one.flags                        = TIMEMORY_CFLAG_MEMORY;
    one.read                         = tst_read_one;
    tst_one_id                       = timemory_component_register(&one);
}

TM_TEST(component_register_ids_names_info)
{
    tst_register();
    CHECK(tst_group_first >= TIMEMORY_COMPONENT_RUNTIME_FIRST);
    CHECK_INT(tst_one_id, tst_group_first + 3);
    CHECK_INT(timemory_component_find("tst_alpha"), tst_group_first);
    CHECK_INT(timemory_component_find("TST_GAMMA"), tst_group_first + 2);
    CHECK_INT(timemory_component_find("TstBeta"), tst_group_first + 1);
    CHECK_INT(timemory_component_find("tst_bytes"), tst_one_id);
    int first = -1, n = -1;
    CHECK_INT(timemory_component_source(tst_group_first + 2, &first, &n), TIMEMORY_OK);
    CHECK_INT(first, tst_group_first);
    CHECK_INT(n, 3);
    CHECK_INT(timemory_component_source(TIMEMORY_WALL_CLOCK, &first, &n), TIMEMORY_OK);
    CHECK_INT(first, TIMEMORY_WALL_CLOCK);
    CHECK_INT(n, 1);
    timemory_component_info info;
    CHECK_INT(timemory_component_get_info(tst_group_first + 1, &info), TIMEMORY_OK);
    CHECK_INT(info.id, tst_group_first + 1);
    CHECK_STR(info.name, "tst_beta");
    CHECK_STR(info.class_name, "TstBeta");
    CHECK_STR(info.enum_name, "TST_BETA");
    CHECK_STR(info.label, "tst_beta");
    CHECK_STR(info.description, "Test counters read together");
    CHECK_INT(info.value_count, 1);
    CHECK(info.available);
    CHECK(info.unavailable_reason == NULL);
    /* a typo of a registered name is suggested */
    const char* close[4];
    int         nclose = timemory_component_suggest("tst_alpah", close, 4);
    CHECK(nclose >= 1 && strcmp(close[0], "tst_alpha") == 0);
    /* in a set by id or by name */
    timemory_component_set s = { { 0 } };
    CHECK_INT(timemory_component_set_add(&s, tst_group_first + 2), TIMEMORY_OK);
    CHECK_INT(timemory_components_parse_set("wall_clock tst_alpha", &s, NULL), TIMEMORY_OK);
    CHECK(timemory_component_set_has(&s, tst_group_first));
    CHECK(!timemory_component_set_has(&s, tst_group_first + 2)); /* parse clears the set */
    CHECK_INT(timemory_component_set_next(&s, -1), TIMEMORY_WALL_CLOCK);
    CHECK_INT(timemory_component_set_next(&s, TIMEMORY_WALL_CLOCK), tst_group_first);
    CHECK_INT(timemory_component_set_next(&s, tst_group_first), -1);
    /* the compact form cannot hold it */
    timemory_components_t mask = 0;
    CHECK_INT(timemory_components_parse("tst_alpha", &mask, NULL), TIMEMORY_OK);
    CHECK(mask == 0);
}

TM_TEST(component_register_group_read_once_per_sample)
{
    tst_register();
    timemory_clear(0);
    timemory_component_set s = { { 0 } };
    timemory_component_set_add(&s, tst_group_first);     /* alpha */
    timemory_component_set_add(&s, tst_group_first + 2); /* gamma */
    timemory_component_set_add(&s, tst_one_id);
    timemory_component_set_add(&s, TIMEMORY_TRIP_COUNT);
    uint64_t key = timemory_add_hash_id("registered-region");
    tst_reads    = 0;
    tst_fail     = 0;
    for(int lap = 0; lap < 2; ++lap)
    {
        tst_now[0] = 10;
        tst_now[1] = 20;
        tst_now[2] = 30;
        tst_bytes  = 1000;
        CHECK_INT(timemory_push_set(key, &s, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
        tst_now[0] = 15;      /* alpha: +5 a lap */
        tst_now[1] = 999;     /* beta: not in the set */
        tst_now[2] = 100;     /* gamma: +70 a lap */
        tst_bytes  = 4000000; /* +3999000 bytes a lap */
        CHECK_INT(timemory_pop(key), TIMEMORY_OK);
    }
    CHECK_INT(tst_reads, 4); /* one read of the group per push and per pop */
    CHECK_INT(timemory_take_errors(NULL), 0);

    timemory_component_set with = timemory_components_with_data_set();
    CHECK(timemory_component_set_has(&with, tst_group_first));
    CHECK(!timemory_component_set_has(&with, tst_group_first + 1));
    CHECK(timemory_component_set_has(&with, tst_group_first + 2));
    CHECK(timemory_component_set_has(&with, tst_one_id));
    size_t n = 0;
    CHECK_INT(timemory_get_size(tst_group_first + 2, &n), TIMEMORY_OK);
    CHECK_INT(n, 1);

    /* the JSON writer: one component entry per member, values exact */
    timemory_component_set gamma = { { 0 } };
    timemory_component_set_add(&gamma, tst_group_first + 2);
    char* json = NULL;
    CHECK_INT(timemory_get_json_set(&gamma, false, &json), TIMEMORY_OK);
    CHECK(json && strstr(json, "{\"timemory\":{\"tst_gamma\":{\"properties\":"));
    char value[96];
    snprintf(value, sizeof(value), "\"value\":%d,\"enum\":\"TST_GAMMA\"", tst_group_first + 2);
    CHECK(json && strstr(json, value));
    CHECK(json && strstr(json, "\"laps\":2,\"value\":140,\"accum\":140"));
    CHECK(json && !strstr(json, "tst_alpha"));
    timemory_free(json);

    /* the text writer: a table per member */
    char* text = NULL;
    CHECK_INT(timemory_get_text_set(&s, &text), TIMEMORY_OK);
    CHECK(text && strstr(text, "tst_alpha"));
    CHECK(text && strstr(text, "tst_gamma"));
    CHECK(text && strstr(text, "tst_bytes"));
    CHECK(text && strstr(text, "registered-region"));
    CHECK(text && strstr(text, "140"));
    CHECK(text && strstr(text, " 10 ")); /* alpha: 2 laps of 5 */
    timemory_free(text);

    /* get() of the bytes member follows memory_units (MB): 2 * 3999000 bytes */
    int64_t raw[2] = { 2 * 3999000, 0 };
    double  shown[2];
    CHECK_INT(timemory_component_get(tst_one_id, raw, shown), 1);
    CHECK_NEAR(shown[0], 7.998, 1e-12);
    timemory_clear(0);
}

TM_TEST(component_register_read_failure_is_a_sticky_error)
{
    tst_register();
    timemory_take_errors(NULL);
    int64_t raw[2] = { -1, -1 };
    tst_fail       = 1;
    /* a read that failed is an error, not a value (the sample reads 0) */
    CHECK_INT(timemory_component_record(tst_group_first + 1, raw), TIMEMORY_EIO);
    tst_fail = 0;
    CHECK_INT(raw[0], 0);
    CHECK_INT(raw[1], 0);
    int first = 0;
    CHECK_INT(timemory_take_errors(&first), 1);
    CHECK_INT(first, TIMEMORY_EIO);
    tst_now[1] = 77;
    CHECK_INT(timemory_component_record(tst_group_first + 1, raw), TIMEMORY_OK);
    CHECK_INT(raw[0], 77);
}

TM_TEST(component_register_refuses_bad_specs)
{
    tst_register();
    int                     before = tm__ncomp();
    timemory_component_spec spec   = { 0 };
    spec.read                      = tst_read_one;
    tm_capture cap;
    tm_capture_begin(&cap, 2);
    spec.name = "wall_clock"; /* taken */
    CHECK_INT(timemory_component_register(&spec), TIMEMORY_EINVAL);
    char* said = tm_capture_end(&cap);
    CHECK_STR(said, "[timemory] warning: component 'wall_clock' not registered: the name is taken "
                    "by another component\n");
    free(said);
    tm_capture_begin(&cap, 2);
    CHECK_INT(timemory_component_register(NULL), TIMEMORY_EINVAL);
    spec.name = "real_clock"; /* an id of wall_clock */
    CHECK_INT(timemory_component_register(&spec), TIMEMORY_EINVAL);
    spec.name = "tst_alpha"; /* registered above */
    CHECK_INT(timemory_component_register(&spec), TIMEMORY_EINVAL);
    spec.name = "has space";
    CHECK_INT(timemory_component_register(&spec), TIMEMORY_EINVAL);
    spec.name = "";
    CHECK_INT(timemory_component_register(&spec), TIMEMORY_EINVAL);
    spec.name  = "tst_fine";
    spec.flags = 0x80000000u;
    CHECK_INT(timemory_component_register(&spec), TIMEMORY_EINVAL);
    spec.flags = 0;
    spec.read  = NULL;
    CHECK_INT(timemory_component_register(&spec), TIMEMORY_EINVAL);
    spec.read                      = tst_read_one;
    static const char* const dup[] = { "tst_x", "TST_X" };
    spec.nmembers                  = 2;
    spec.member_names              = dup;
    CHECK_INT(timemory_component_register(&spec), TIMEMORY_EINVAL);
    spec.member_names = NULL; /* a group needs its names */
    CHECK_INT(timemory_component_register(&spec), TIMEMORY_EINVAL);
    spec.nmembers = TIMEMORY_COMPONENT_RUNTIME_MAX + 1;
    CHECK_INT(timemory_component_register(&spec), TIMEMORY_EINVAL);
    said = tm_capture_end(&cap);
    CHECK(said && strstr(said, "component 'has space' not registered: its name is not"));
    CHECK(said && strstr(said, "component 'TST_X' not registered: the name is given twice"));
    free(said);
    CHECK_INT(tm__ncomp(), before); /* nothing half-registered */
    CHECK_INT(timemory_component_find("tst_fine"), TIMEMORY_EUNKNOWN);
}
