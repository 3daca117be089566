/* test_hwc_roofline.c -- cpu_roofline_* (hwc_roofline.c): here (no PMU) they say which PAPI
 * preset cannot be counted, per roofline mode; with the test reader in place of the clock and
 * the counters, a pushed/popped region records the exact run time and counts of its mode's
 * members (flops the sum of the FP events), written as cpu_roofline_<mode>.json with the type
 * labels and repr_data python/timemory/roofline reads a region's point from. */
#include "internal.h"
#include "tm_test.h"

#include <stdlib.h>

/* call k (from 1) of the reader: wall time 2e9 * k ns, event j counts j * 1e9 * k */
static long long tst_calls;
static int       tst_reader(int comp, int64_t* values, int n)
{
    (void)comp;
    ++tst_calls;
    values[0] = 2000000000LL * tst_calls;
    for(int j = 1; j < n; ++j) values[j] = 1000000000LL * j * tst_calls;
    return 0;
}

static char* tst_mode(const char* mode, const char* extras, int comp, const char* dir)
{
    timemory_settings_set_string("cpu_roofline_mode", mode);
    timemory_settings_set_string("cpu_roofline_events", extras);
    timemory_settings_set_string("output_path", dir);
    timemory_clear(0);
    tst_calls                = 0;
    timemory_component_set s = { { 0 } };
    timemory_component_set_add(&s, comp);
    uint64_t key = timemory_add_hash_id("roof-region");
    CHECK_INT(timemory_push_set(key, &s, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
    CHECK_INT(timemory_pop(key), TIMEMORY_OK);
    CHECK_INT((int)tst_calls, 2); /* one read at the push, one at the pop */
    char* json = NULL;
    CHECK_INT(timemory_get_json_set(&s, false, &json), TIMEMORY_OK);
    return json;
}

TM_TEST(hwc_roofline_unavailable_names_the_event)
{
    timemory_component_info info;
    char*                   saved = tm__settings_string_copy("cpu_roofline_mode");
    timemory_settings_set_string("cpu_roofline_mode", "op");
    CHECK_INT(timemory_component_get_info(TIMEMORY_CPU_ROOFLINE_FLOPS, &info), TIMEMORY_OK);
    CHECK(!info.available);
    CHECK(info.unavailable_reason && strstr(info.unavailable_reason, "PAPI_SP_OPS"));
    timemory_settings_set_string("cpu_roofline_mode", "ai");
    CHECK_INT(timemory_component_get_info(TIMEMORY_CPU_ROOFLINE_DP_FLOPS, &info), TIMEMORY_OK);
    CHECK(!info.available);
    CHECK(info.unavailable_reason && strstr(info.unavailable_reason, "PAPI_LST_INS"));
    /* roofline_mode applies while cpu_roofline_mode is left at "op" */
    timemory_settings_set_string("cpu_roofline_mode", "op");
    timemory_settings_set_string("roofline_mode", "ai");
    CHECK(tm__roofline_ai());
    timemory_settings_set_string("roofline_mode", "op");
    CHECK(!tm__roofline_ai());
    /* nothing is recorded by a push of an unavailable row */
    timemory_clear(0);
    timemory_component_set s = { { 0 } };
    timemory_component_set_add(&s, TIMEMORY_CPU_ROOFLINE_SP_FLOPS);
    uint64_t key = timemory_add_hash_id("roof-unavailable");
    timemory_push_set(key, &s, TIMEMORY_SCOPE_TREE);
    timemory_pop(key);
    timemory_component_set with = timemory_components_with_data_set();
    CHECK(!timemory_component_set_has(&with, TIMEMORY_CPU_ROOFLINE_SP_FLOPS));
    timemory_take_errors(NULL);
    timemory_settings_set_string("cpu_roofline_mode", saved);
    free(saved);
}

TM_TEST(hwc_roofline_records_and_writes_both_modes)
{
    char* saved_mode         = tm__settings_string_copy("cpu_roofline_mode");
    char* saved_path         = tm__settings_string_copy("output_path");
    bool  saved_json         = tm__settings.json_output;
    bool  saved_file         = tm__settings.file_output;
    tm__settings.json_output = tm__settings.file_output = true;
    char* dir                                           = tm_temp_dir("tm_roofline");
    char  opdir[512], aidir[512], path[600];
    snprintf(opdir, sizeof(opdir), "%s/op", dir);
    snprintf(aidir, sizeof(aidir), "%s/ai", dir);
    tm__roofline_set_test_reader(tst_reader);

    /* op, both precisions: runtime, flops = SP + DP, SP, DP */
    timemory_component_info info;
    timemory_settings_set_string("cpu_roofline_mode", "op");
    CHECK_INT(timemory_component_get_info(TIMEMORY_CPU_ROOFLINE_FLOPS, &info), TIMEMORY_OK);
    CHECK(info.available);
    char* json = tst_mode("op", "", TIMEMORY_CPU_ROOFLINE_FLOPS, opdir);
    CHECK(json && strstr(json, "\"type\":[\"runtime_ns\",\"flops\",\"PAPI_SP_OPS\","
                               "\"PAPI_DP_OPS\"]"));
    CHECK(json && strstr(json, "\"laps\":1,\"value\":[2000000000,3000000000,1000000000,"
                               "2000000000],\"accum\":[2000000000,3000000000,1000000000,"
                               "2000000000],\"repr_data\":[2000000000,3000000000,1000000000,"
                               "2000000000]"));
    timemory_free(json);
    CHECK_INT(timemory_report(), TIMEMORY_OK);
    snprintf(path, sizeof(path), "%s/cpu_roofline_op.json", opdir);
    char* file = tm_read_file(path);
    CHECK(file && strstr(file, "\"cpu_roofline_flops\":{"));
    CHECK(file && strstr(file, "\"prefix\":\">>> roof-region\""));
    CHECK(file && strstr(file, "\"repr_data\":[2000000000,3000000000,1000000000,2000000000]"));
    free(file);

    /* (the mode is read when a thread pushes a set naming the row, unless it pushed that same
     * set last: another row here) ai with an extra event: runtime, PAPI_LST_INS, PAPI_L1_DCM (no
     * flops member) */
    json = tst_mode("ai", "PAPI_L1_DCM,PAPI_LST_INS", TIMEMORY_CPU_ROOFLINE_DP_FLOPS, aidir);
    CHECK(json && strstr(json, "\"type\":[\"runtime_ns\",\"PAPI_LST_INS\",\"PAPI_L1_DCM\"]"));
    CHECK(json && strstr(json, "\"value\":[2000000000,1000000000,2000000000]"));
    timemory_free(json);
    CHECK_INT(timemory_report(), TIMEMORY_OK);
    snprintf(path, sizeof(path), "%s/cpu_roofline_ai.json", aidir);
    file = tm_read_file(path);
    CHECK(file && strstr(file, "\"repr_data\":[2000000000,1000000000,2000000000]"));
    free(file);

    /* single precision only, with type labels: cpu_roofline_float_op */
    tm__settings.roofline_type_labels = true;
    json                              = tst_mode("op", "", TIMEMORY_CPU_ROOFLINE_SP_FLOPS, opdir);
    CHECK(json && strstr(json, "\"type\":[\"runtime_ns\",\"flops\",\"PAPI_SP_OPS\"]"));
    CHECK(json && strstr(json, "\"value\":[2000000000,1000000000,1000000000]"));
    timemory_free(json);
    CHECK_INT(timemory_report(), TIMEMORY_OK);
    snprintf(path, sizeof(path), "%s/cpu_roofline_float_op.json", opdir);
    file = tm_read_file(path);
    CHECK(file != NULL);
    free(file);
    tm__settings.roofline_type_labels = false;

    tm__roofline_set_test_reader(NULL);
    timemory_clear(0);
    const char* keep = getenv("TM_ROOFLINE_TEST_KEEP"); /* to run the plotter on them */
    if(!keep) tm_remove_tree(dir);
    free(dir);
    timemory_settings_set_string("cpu_roofline_events", "");
    timemory_settings_set_string("cpu_roofline_mode", saved_mode);
    timemory_settings_set_string("output_path", saved_path);
    tm__settings.json_output = saved_json;
    tm__settings.file_output = saved_file;
    free(saved_mode);
    free(saved_path);
}
