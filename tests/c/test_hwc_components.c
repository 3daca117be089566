/* test_hwc_components.c -- papi_vector / papi_array (hwc_components.c): named in a set, they
 * count the events of papi_events as the members of one run-time group (read once a sample),
 * with real software events (task-clock, page faults); an event this machine lacks is one
 * warning and the others still count; an empty list is a warning saying to set papi_events;
 * cpu_roofline_* say why they cannot count. */
#include "internal.h"
#include "tm_test.h"
#include "timemory/hwcounters.h"

#include <pthread.h>
#include <stdlib.h>

/* element index of the accum of the group comp stands for, in its JSON; -1 when absent */
static long long tst_accum(int comp, int index)
{
    timemory_component_set s = { { 0 } };
    timemory_component_set_add(&s, comp);
    char* json = NULL;
    if(timemory_get_json_set(&s, false, &json) != TIMEMORY_OK || !json) return -1;
    const char* at = strstr(json, "\"accum\":[");
    long long   v  = -1;
    char*       p  = at ? (char*)at + 9 : NULL;
    for(int i = 0; p && i <= index; ++i)
    {
        v = *p == ']' ? -1 : strtoll(p, &p, 10);
        if(*p == ',') ++p;
    }
    timemory_free(json);
    return v;
}

/* a marked region that runs and touches fresh pages */
static void tst_busy_region(int comp)
{
    timemory_component_set s = { { 0 } };
    timemory_component_set_add(&s, TIMEMORY_WALL_CLOCK);
    timemory_component_set_add(&s, comp);
    uint64_t key = timemory_add_hash_id("hwc-region");
    CHECK_INT(timemory_push_set(key, &s, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
    volatile double x = 0;
    for(int i = 0; i < 2000000; ++i) x += i * 0.5;
    size_t len = 64u << 20;
    char*  p   = malloc(len);
    CHECK(p != NULL);
    for(size_t i = 0; p && i < len; i += 4096) p[i] = (char)i;
    free(p);
    CHECK_INT(timemory_pop(key), TIMEMORY_OK);
}

/* Whether this machine counts the event (the engine's list, each tested by opening it). */
static bool tst_counts(const char* event)
{
    int                      n    = timemory_hwcounters_list(NULL, 0);
    timemory_hwcounter_info* list = n > 0 ? calloc((size_t)n, sizeof(*list)) : NULL;
    bool                     yes  = false;
    if(list) n = timemory_hwcounters_list(list, n);
    for(int i = 0; list && i < n; ++i)
        if(strcmp(list[i].name, event) == 0 && list[i].available) yes = true;
    free(list);
    return yes;
}

TM_TEST(hwc_components_available_with_a_backend)
{
    timemory_component_info info;
    CHECK_INT(timemory_component_get_info(TIMEMORY_PAPI_VECTOR, &info), TIMEMORY_OK);
    CHECK(info.available);
    CHECK_INT(timemory_component_get_info(TIMEMORY_PAPI_ARRAY, &info), TIMEMORY_OK);
    CHECK(info.available);
    /* where the FP presets cannot count (no PMU, as on this VM) the roofline components say
     * which one (test_hwc_roofline.c records them with a test reader) */
    CHECK_INT(timemory_component_get_info(TIMEMORY_CPU_ROOFLINE_DP_FLOPS, &info), TIMEMORY_OK);
    if(!tst_counts("PAPI_DP_OPS"))
    {
        CHECK(!info.available);
        CHECK(info.unavailable_reason && strstr(info.unavailable_reason, "PAPI_DP_OPS"));
    }
    CHECK_INT(timemory_component_get_info(TIMEMORY_CPU_ROOFLINE_SP_FLOPS, &info), TIMEMORY_OK);
    if(!tst_counts("PAPI_SP_OPS"))
        CHECK(info.unavailable_reason && strstr(info.unavailable_reason, "PAPI_SP_OPS"));
}

static void tst_counts_both(int comp, const char* prefix)
{
    timemory_clear(0);
    CHECK_INT(timemory_settings_set_string("papi_events", "perf::TASK-CLOCK,perf::PAGE-FAULTS"), 0);
    tst_busy_region(comp);
    CHECK_INT(timemory_take_errors(NULL), 0);
    char clock[96], faults[96];
    snprintf(clock, sizeof(clock), "%s_perf_TASK_CLOCK", prefix);
    snprintf(faults, sizeof(faults), "%s_perf_PAGE_FAULTS", prefix);
    long long ns = tst_accum(comp, 0), pf = tst_accum(comp, 1);
    CHECK(ns > 1000);  /* a busy loop of 2e6 iterations: well over a microsecond */
    CHECK(pf >= 1000); /* 64 MiB of fresh pages touched: 16384 faults of 4 kiB pages, or fewer
                        * with huge pages, never under a thousand */
    int first = -1, n = 0;
    CHECK_INT(timemory_component_source(timemory_component_find(faults), &first, &n), 0);
    CHECK_INT(n, 2);
    CHECK_INT(first, timemory_component_find(clock)); /* in the list's order */

    /* written as one component: JSON arrays in the list's order, one table with a sub-row
     * per event (OUTPUT.md 2.4, 3) */
    timemory_component_set s = { { 0 } };
    timemory_component_set_add(&s, comp);
    char* json = NULL;
    CHECK_INT(timemory_get_json_set(&s, false, &json), TIMEMORY_OK);
    char head[64];
    snprintf(head, sizeof(head), "{\"timemory\":{\"%s\":{\"properties\":", prefix);
    CHECK(json && strncmp(json, head, strlen(head)) == 0);
    CHECK(json && strstr(json, "\"type\":[\"perf::TASK-CLOCK\",\"perf::PAGE-FAULTS\"]"));
    CHECK(json && strstr(json, "\"unit_value\":[1,1],\"unit_repr\":[\"\",\"\"]"));
    char values[128];
    snprintf(values, sizeof(values), "\"laps\":1,\"value\":[%lld,%lld],\"accum\":[%lld,%lld]", ns,
             pf, ns, pf);
    CHECK(json && strstr(json, values));
    CHECK(json && strstr(json, "\"count\":1,\"min\":["));
    CHECK(json && !strstr(json, "_perf_")); /* no member written on its own */
    timemory_free(json);
    /* the tree layout: one component, array values at each node */
    CHECK_INT(timemory_get_json_set(&s, true, &json), TIMEMORY_OK);
    CHECK(json && strncmp(json, head, strlen(head)) == 0);
    CHECK(json && strstr(json, "\"graph\":[[{\"cereal_class_version\":0,\"node\":"));
    snprintf(values, sizeof(values), "\"prefix\":\"hwc-region\"");
    CHECK(json && strstr(json, values));
    snprintf(values, sizeof(values), "\"laps\":1,\"value\":[%lld,%lld]", ns, pf);
    CHECK(json && strstr(json, values));
    CHECK(json && !strstr(json, "_perf_"));
    timemory_free(json);
    char* text = NULL;
    CHECK_INT(timemory_get_text_set(&s, &text), TIMEMORY_OK);
    const char* a = text ? strstr(text, "| perf::TASK-CLOCK ") : NULL;
    const char* b = text ? strstr(text, "| perf::PAGE-FAULTS ") : NULL;
    CHECK(a && b && a < b);
    CHECK(text && strstr(text, ">>> hwc-region"));
    CHECK(text && strstr(text, "PAPI HW COUNTERS"));
    timemory_free(text);
    /* the set of components with data names the group, not its members */
    timemory_component_set with = timemory_components_with_data_set();
    CHECK(timemory_component_set_has(&with, comp));
    CHECK(!timemory_component_set_has(&with, timemory_component_find(clock)));
    timemory_clear(0);
}

TM_TEST(hwc_components_papi_vector_counts_each_event)
{
    tst_counts_both(TIMEMORY_PAPI_VECTOR, "papi_vector");
}

TM_TEST(hwc_components_papi_array_counts_each_event)
{
    tst_counts_both(TIMEMORY_PAPI_ARRAY, "papi_array");
}

TM_TEST(hwc_components_missing_event_one_warning)
{
    timemory_clear(0);
    /* cycles where there is no PMU (this VM); elsewhere a name nobody knows */
    const char* missing = tst_counts("cycles") ? "no-such-counter" : "cycles";
    char        events[96], quoted[40], member[64];
    snprintf(events, sizeof(events), "%s,perf::PAGE-FAULTS", missing);
    snprintf(quoted, sizeof(quoted), "'%s'", missing);
    snprintf(member, sizeof(member), "papi_vector2_%s", missing);
    for(char* c = member; *c; ++c)
        if(*c == '-') *c = '_';
    CHECK_INT(timemory_settings_set_string("papi_events", events), 0);
    tm_capture cap;
    tm_capture_begin(&cap, 2);
    tst_busy_region(TIMEMORY_PAPI_VECTOR);
    tst_busy_region(TIMEMORY_PAPI_VECTOR);
    char*       said   = tm_capture_end(&cap);
    const char* warned = said ? strstr(said, quoted) : NULL;
    CHECK(warned != NULL);
    CHECK(warned && !strstr(warned + 1, quoted)); /* one warning for the two pushes */
    free(said);
    CHECK(timemory_component_find(member) < 0);
    CHECK(timemory_component_find("papi_vector2_perf_PAGE_FAULTS") >= 0);
    CHECK(tst_accum(TIMEMORY_PAPI_VECTOR, 0) >= 1000); /* the page faults: the only column */
    CHECK_INT(tst_accum(TIMEMORY_PAPI_VECTOR, 1), -1);
    timemory_clear(0);
}

TM_TEST(hwc_components_list_changed_between_regions)
{
    /* the same set pushed again on this thread after papi_events changed counts the new list */
    timemory_clear(0);
    CHECK_INT(timemory_settings_set_string("papi_events", "perf::TASK-CLOCK,perf::PAGE-FAULTS"), 0);
    tst_busy_region(TIMEMORY_PAPI_VECTOR);
    CHECK_INT(timemory_settings_set_string("papi_events", "perf::PAGE-FAULTS"), 0);
    timemory_clear(0);
    tst_busy_region(TIMEMORY_PAPI_VECTOR);
    CHECK_INT(timemory_take_errors(NULL), 0);
    CHECK(tst_accum(TIMEMORY_PAPI_VECTOR, 0) >= 1000); /* the page faults: the only column */
    CHECK_INT(tst_accum(TIMEMORY_PAPI_VECTOR, 1), -1);
    timemory_clear(0);
}

TM_TEST(hwc_components_list_changed_while_a_region_is_open)
{
    /* the region open across the change records no counter value (no made-up delta), says
     * why once, and its inner region counts the new list */
    timemory_clear(0);
    CHECK_INT(timemory_settings_set_string("papi_events", "perf::TASK-CLOCK,perf::PAGE-FAULTS"), 0);
    timemory_component_set s = { { 0 } };
    timemory_component_set_add(&s, TIMEMORY_WALL_CLOCK);
    timemory_component_set_add(&s, TIMEMORY_PAPI_VECTOR);
    uint64_t outer = timemory_add_hash_id("hwc-outer");
    CHECK_INT(timemory_push_set(outer, &s, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_string("papi_events", "perf::PAGE-FAULTS"), 0);
    tm_capture cap;
    tm_capture_begin(&cap, 2);
    tst_busy_region(TIMEMORY_PAPI_VECTOR);
    CHECK_INT(timemory_pop(outer), TIMEMORY_OK);
    char* said = tm_capture_end(&cap);
    CHECK(said && strstr(said, "papi_vector: papi_events changed while a region counting the "
                               "former list was open"));
    free(said);
    CHECK_INT(timemory_take_errors(NULL), 1);
    timemory_component_set g = { { 0 } };
    timemory_component_set_add(&g, TIMEMORY_PAPI_VECTOR);
    char* json = NULL;
    CHECK_INT(timemory_get_json_set(&g, false, &json), TIMEMORY_OK);
    CHECK(json && strstr(json, "hwc-region") && !strstr(json, "hwc-outer"));
    CHECK(json && !strstr(json, ":-") && !strstr(json, "[-") && !strstr(json, ",-"));
    timemory_free(json);
    timemory_clear(0);
}

TM_TEST(hwc_components_empty_list_says_set_papi_events)
{
    timemory_clear(0);
    CHECK_INT(timemory_settings_set_string("papi_events", ""), 0);
    tm_capture cap;
    tm_capture_begin(&cap, 2);
    tst_busy_region(TIMEMORY_PAPI_ARRAY);
    char* said = tm_capture_end(&cap);
    CHECK(said && strstr(said, "papi_array: no hardware-counter events to count: set "
                               "papi_events (TIMEMORY_PAPI_EVENTS)"));
    free(said);
    timemory_clear(0);
}

static void* tst_thread_region(void* arg)
{
    (void)arg;
    tst_busy_region(TIMEMORY_PAPI_VECTOR);
    return NULL;
}

TM_TEST(hwc_components_threads_name_the_group_at_once)
{
    /* four threads whose first push names papi_vector together: one group, each thread's
     * counters its own, every region counted */
    timemory_clear(0);
    CHECK_INT(timemory_settings_set_string("papi_events", "perf::PAGE-FAULTS,perf::TASK-CLOCK"), 0);
    pthread_t threads[4];
    for(int i = 0; i < 4; ++i)
        CHECK_INT(pthread_create(&threads[i], NULL, tst_thread_region, NULL), 0);
    for(int i = 0; i < 4; ++i) pthread_join(threads[i], NULL);
    CHECK_INT(timemory_take_errors(NULL), 0);
    /* merged over the threads: 4 laps, at least 4 x 1000 faults, a task clock > 0 */
    timemory_component_set s = { { 0 } };
    timemory_component_set_add(&s, TIMEMORY_PAPI_VECTOR);
    char* json = NULL;
    CHECK_INT(timemory_get_json_set(&s, false, &json), TIMEMORY_OK);
    CHECK(json && strstr(json, "\"type\":[\"perf::PAGE-FAULTS\",\"perf::TASK-CLOCK\"]"));
    CHECK(json && strstr(json, "\"laps\":4,"));
    timemory_free(json);
    CHECK(tst_accum(TIMEMORY_PAPI_VECTOR, 0) >= 4000);
    CHECK(tst_accum(TIMEMORY_PAPI_VECTOR, 1) > 4000);
    timemory_settings_set_string("papi_events", "");
    timemory_clear(0);
}
