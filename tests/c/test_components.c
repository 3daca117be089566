/* test_components.c -- the component table (rows, names, labels, aliases, suggestions),
 * availability, stop/accumulate/get semantics through the injectable reader and the display
 * format. The real readings of the Linux sources are test_components_real.c's.
 */
#include "internal.h"
#include "tm_test.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* tm__record_set of a compact mask */
static void record_mask(timemory_components_t mask, int64_t (*out)[2])
{
    tm__cset set = timemory_component_set_from_mask(mask);
    tm__record_set(&set, out);
}

/* ---- the table ---------------------------------------------------------------------------- */

TM_TEST(components_table_has_the_seed_members)
{
    CHECK_INT(TIMEMORY_COMPONENTS_END, 64);
    CHECK_INT(TIMEMORY_ALLINEA_MAP, 0);
    CHECK_INT(TIMEMORY_CPU_CLOCK, 4);
    CHECK_INT(TIMEMORY_CPU_UTIL, 8);
    CHECK_INT(TIMEMORY_CURRENT_PEAK_RSS, 18);
    CHECK_INT(TIMEMORY_PEAK_RSS, 40);
    CHECK_INT(TIMEMORY_SYS_CLOCK, 45);
    CHECK_INT(TIMEMORY_TRIP_COUNT, 49);
    CHECK_INT(TIMEMORY_USER_GLOBAL_BUNDLE, 51);
    CHECK_INT(TIMEMORY_WALL_CLOCK, 62);
    CHECK_INT(TIMEMORY_WRITTEN_BYTES, 63);
    for(int c = 0; c < TM_NTABLE; ++c)
    {
        const tm__component_row* row = &tm__components[c];
        CHECK_INT(tm__comp_index(row->id), c);
        CHECK(c >= 64 || row->id == c); /* the seed's rows first, in order */
        CHECK(row->name && row->class_name && row->label && row->ids && row->description);
        CHECK(row->description && strlen(row->description) > 10);
        /* enum name = upper-case name; class name = CamelCase of the name */
        char   upper[64], camel[64];
        size_t n = 0, k = 0;
        bool   up = true;
        for(const char* p = row->name; *p && n < 63; ++p, ++n)
        {
            upper[n] = (char)toupper((unsigned char)*p);
            if(*p == '_')
            {
                up = true;
                continue;
            }
            camel[k++] = up ? (char)toupper((unsigned char)*p) : *p;
            up         = false;
        }
        upper[n] = camel[k] = '\0';
        CHECK_STR(row->enum_name, upper);
        CHECK_STR(row->class_name, camel);
        for(int d = 0; d < c; ++d)
        {
            CHECK(strcmp(tm__components[d].name, row->name) != 0);
            CHECK(strcmp(tm__components[d].label, row->label) != 0);
        }
        /* the shape columns agree with each other */
        CHECK(row->nvalues >= 0 && row->nvalues <= 2);
        if(row->labels[1]) CHECK(row->nvalues == 2 && row->labels[0]);
        if(row->nvalues == 0) CHECK(row->flags & TIMEMORY_CFLAG_NO_STATS);
    }
}

TM_TEST(components_labels_and_units_of_the_spec)
{
    static const struct {
        int         id;
        const char* name;
        const char* label;
        const char* repr;
        double      unit;
    } expect[] = {
        { TIMEMORY_WALL_CLOCK, "wall_clock", "wall", "sec", 1 },
        { TIMEMORY_CPU_CLOCK, "cpu_clock", "cpu", "sec", 1 },
        { TIMEMORY_SYS_CLOCK, "sys_clock", "sys", "sec", 1 },
        { TIMEMORY_USER_CLOCK, "user_clock", "user", "sec", 1 },
        { TIMEMORY_MONOTONIC_CLOCK, "monotonic_clock", "monotonic_clock", "sec", 1 },
        { TIMEMORY_MONOTONIC_RAW_CLOCK, "monotonic_raw_clock", "monotonic_raw_clock", "sec", 1 },
        { TIMEMORY_THREAD_CPU_CLOCK, "thread_cpu_clock", "thread_cpu", "sec", 1 },
        { TIMEMORY_PROCESS_CPU_CLOCK, "process_cpu_clock", "process_cpu", "sec", 1 },
        { TIMEMORY_CPU_UTIL, "cpu_util", "cpu_util", "%", 1 },
        { TIMEMORY_THREAD_CPU_UTIL, "thread_cpu_util", "thread_cpu_util", "%", 1 },
        { TIMEMORY_PROCESS_CPU_UTIL, "process_cpu_util", "proc_cpu_util", "%", 1 },
        { TIMEMORY_PEAK_RSS, "peak_rss", "peak_rss", "MB", 1e6 },
        { TIMEMORY_PAGE_RSS, "page_rss", "page_rss", "MB", 1e6 },
        { TIMEMORY_VIRTUAL_MEMORY, "virtual_memory", "virtual_memory", "MB", 1e6 },
        { TIMEMORY_CURRENT_PEAK_RSS, "current_peak_rss", "current_peak_rss", "MB", 1e6 },
        { TIMEMORY_READ_BYTES, "read_bytes", "read_bytes", "MB", 1e6 },
        { TIMEMORY_WRITTEN_BYTES, "written_bytes", "written_bytes", "MB", 1e6 },
        { TIMEMORY_NUM_IO_IN, "num_io_in", "io_in", "", 1 },
        { TIMEMORY_NUM_IO_OUT, "num_io_out", "io_out", "", 1 },
        { TIMEMORY_NUM_MAJOR_PAGE_FAULTS, "num_major_page_faults", "major_page_flts", "", 1 },
        { TIMEMORY_NUM_MINOR_PAGE_FAULTS, "num_minor_page_faults", "minor_page_flts", "", 1 },
        { TIMEMORY_PRIORITY_CONTEXT_SWITCH, "priority_context_switch", "prio_cxt_swch", "", 1 },
        { TIMEMORY_VOLUNTARY_CONTEXT_SWITCH, "voluntary_context_switch", "vol_cxt_swch", "", 1 },
        { TIMEMORY_KERNEL_MODE_TIME, "kernel_mode_time", "kernel_mode", "sec", 1 },
        { TIMEMORY_USER_MODE_TIME, "user_mode_time", "user_mode", "sec", 1 },
        { TIMEMORY_TRIP_COUNT, "trip_count", "trip_count", "", 1 },
        { TIMEMORY_TAU_MARKER, "tau_marker", "tau", "", 0 },
    };
    for(size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); ++i)
    {
        timemory_component_info info;
        CHECK_INT(timemory_component_get_info(expect[i].id, &info), TIMEMORY_OK);
        CHECK_STR(info.name, expect[i].name);
        CHECK_STR(info.label, expect[i].label);
        CHECK_STR(info.unit_repr[0], expect[i].repr);
        CHECK_NEAR(info.unit_value[0], expect[i].unit, 0);
    }
    timemory_component_info info;
    CHECK_INT(timemory_component_get_info(TIMEMORY_WALL_CLOCK, &info), TIMEMORY_OK);
    CHECK_STR(info.description, "Real-clock timer (i.e. wall-clock timer)");
    CHECK_STR(info.enum_name, "WALL_CLOCK");
    CHECK_STR(info.class_name, "WallClock");
    CHECK_STR(info.ids, "real_clock,virtual_clock");
    CHECK_INT(info.value_count, 1);
    CHECK(info.flags & TIMEMORY_CFLAG_FLAMEGRAPH);
    CHECK(info.labels[0] == NULL);

    CHECK_INT(timemory_component_get_info(TIMEMORY_CURRENT_PEAK_RSS, &info), TIMEMORY_OK);
    CHECK_INT(info.value_count, 2);
    CHECK_STR(info.labels[0], "start peak rss");
    CHECK_STR(info.labels[1], " stop peak rss");
    CHECK_STR(info.unit_repr[1], "MB");
    CHECK(info.flags & TIMEMORY_CFLAG_NO_SUM);
    CHECK(info.flags & TIMEMORY_CFLAG_MAX_ACCUM);

    CHECK_INT(timemory_component_get_info(TIMEMORY_WRITTEN_BYTES, &info), TIMEMORY_OK);
    CHECK_STR(info.labels[0], "written_bytes");
    CHECK_STR(info.labels[1], "written_rate");
    CHECK_STR(info.unit_repr[1], "MB/sec");

    CHECK_INT(timemory_component_get_info(TIMEMORY_TRIP_COUNT, &info), TIMEMORY_OK);
    CHECK(info.flags & TIMEMORY_CFLAG_NO_STATS);
    CHECK(info.flags & TIMEMORY_CFLAG_NO_MEAN);
    CHECK(info.flags & TIMEMORY_CFLAG_NO_UNITS);

    CHECK_INT(timemory_component_get_info(-1, &info), TIMEMORY_EINVAL);
    CHECK_INT(timemory_component_get_info(64, &info), TIMEMORY_EINVAL);
    CHECK_INT(timemory_component_get_info(0, NULL), TIMEMORY_EINVAL);
}

TM_TEST(components_flamegraph_and_categories)
{
    int flame[] = { TIMEMORY_WALL_CLOCK,       TIMEMORY_SYS_CLOCK,
                    TIMEMORY_USER_CLOCK,       TIMEMORY_CPU_CLOCK,
                    TIMEMORY_MONOTONIC_CLOCK,  TIMEMORY_MONOTONIC_RAW_CLOCK,
                    TIMEMORY_THREAD_CPU_CLOCK, TIMEMORY_PROCESS_CPU_CLOCK };
    int nflame  = 0;
    for(int c = 0; c < TM_NTABLE; ++c)
        nflame += (tm__components[c].flags & TIMEMORY_CFLAG_FLAMEGRAPH) != 0;
    CHECK_INT(nflame, 8);
    for(size_t i = 0; i < 8; ++i) CHECK(tm__components[flame[i]].flags & TIMEMORY_CFLAG_FLAMEGRAPH);
    /* counts are in the memory category (width/precision) but have no units */
    unsigned flt = tm__components[TIMEMORY_NUM_MINOR_PAGE_FAULTS].flags;
    CHECK(flt & TIMEMORY_CFLAG_MEMORY);
    CHECK(flt & TIMEMORY_CFLAG_INTEGER);
    CHECK(flt & TIMEMORY_CFLAG_NO_UNITS);
    CHECK(tm__components[TIMEMORY_USER_MODE_TIME].flags & TIMEMORY_CFLAG_TIMING);
    CHECK(tm__components[TIMEMORY_CPU_UTIL].flags & TIMEMORY_CFLAG_PERCENT);
    CHECK(!(tm__components[TIMEMORY_CPU_UTIL].flags & TIMEMORY_CFLAG_TIMING));
}

/* ---- names -------------------------------------------------------------------------------- */

TM_TEST(components_find_names_and_aliases)
{
    static const struct {
        const char* name;
        int         id;
    } cases[] = {
        { "wall_clock", TIMEMORY_WALL_CLOCK },
        { "WALL_CLOCK", TIMEMORY_WALL_CLOCK },
        { "WallClock", TIMEMORY_WALL_CLOCK },
        { "wallclock", TIMEMORY_WALL_CLOCK },
        { "Wall_Clock", TIMEMORY_WALL_CLOCK },
        { "  real_clock\t", TIMEMORY_WALL_CLOCK },
        { "virtual_clock", TIMEMORY_WALL_CLOCK },
        { "system_clock", TIMEMORY_SYS_CLOCK },
        { "sys_clock", TIMEMORY_SYS_CLOCK },
        { "caliper_marker", TIMEMORY_CALIPER },
        { "cali", TIMEMORY_CALIPER },
        { "papi_array_t", TIMEMORY_PAPI_ARRAY },
        { "papi", TIMEMORY_PAPI_VECTOR },
        { "global_bundle", TIMEMORY_USER_GLOBAL_BUNDLE },
        { "tuple_bundle", TIMEMORY_USER_GLOBAL_BUNDLE },
        { "list_bundle", TIMEMORY_USER_GLOBAL_BUNDLE },
        { "user_list_bundle", TIMEMORY_USER_LIST_BUNDLE },
        { "user_tuple_bundle", TIMEMORY_USER_TUPLE_BUNDLE },
        { "cpu_utilization", TIMEMORY_CPU_UTIL },
        { "cpu_thread_utilization", TIMEMORY_THREAD_CPU_UTIL },
        { "cpu_process_util", TIMEMORY_PROCESS_CPU_UTIL },
        { "cpu_thread_clock", TIMEMORY_THREAD_CPU_CLOCK },
        { "write_bytes", TIMEMORY_WRITTEN_BYTES },
        { "gperftools-cpu", TIMEMORY_GPERFTOOLS_CPU_PROFILER },
        { "gperf_heap", TIMEMORY_GPERFTOOLS_HEAP_PROFILER },
        { "major_page_faults", TIMEMORY_NUM_MAJOR_PAGE_FAULTS },
        { "vol_ctx_switch", TIMEMORY_VOLUNTARY_CONTEXT_SWITCH },
        { "prio_ctx_switch", TIMEMORY_PRIORITY_CONTEXT_SWITCH },
        { "mpip", TIMEMORY_USER_MPIP_BUNDLE },
        { "ompt", TIMEMORY_OMPT_HANDLE },
        { "nvtx", TIMEMORY_NVTX_MARKER },
        { "forge", TIMEMORY_ALLINEA_MAP },
        { "gpu_roofline_half", TIMEMORY_GPU_ROOFLINE_HP_FLOPS },
        { "cpu_roofline", TIMEMORY_CPU_ROOFLINE_FLOPS },
    };
    for(size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i)
    {
        int got = timemory_component_find(cases[i].name);
        if(got != cases[i].id) fprintf(stderr, "  find(\"%s\")\n", cases[i].name);
        CHECK_INT(got, cases[i].id);
    }
    /* every name, class name and id of every row resolves: ids to the first row listing them,
     * unless the id is another member's own name (51 lists 52's and 56's as 3.2 aliases) */
    for(int c = 0; c < TM_NTABLE; ++c)
    {
        int own = tm__components[c].id;
        CHECK_INT(timemory_component_find(tm__components[c].name), own);
        CHECK_INT(timemory_component_find(tm__components[c].class_name), own);
        CHECK_INT(timemory_component_find(tm__components[c].enum_name), own);
        char ids[256];
        snprintf(ids, sizeof(ids), "%s", tm__components[c].ids);
        for(char* id = strtok(ids, ","); id; id = strtok(NULL, ","))
        {
            int got = tm__comp_index(timemory_component_find(id));
            CHECK(got >= 0 && (got <= c || strcmp(tm__components[got].name, id) == 0));
        }
    }
    CHECK_INT(timemory_component_find("wal_clock"), TIMEMORY_EUNKNOWN);
    CHECK_INT(timemory_component_find("wall_clock_x"), TIMEMORY_EUNKNOWN);
    CHECK_INT(timemory_component_find("wall"), TIMEMORY_EUNKNOWN); /* a label is not an id */
    CHECK_INT(timemory_component_find(""), TIMEMORY_EUNKNOWN);
    CHECK_INT(timemory_component_find(NULL), TIMEMORY_EINVAL);
}

TM_TEST(components_close_matches)
{
    const char* out[8];
    int         n = tm__component_close_matches("wal_clock", out, 8);
    CHECK(n >= 1);
    if(n >= 1) CHECK_STR(out[0], "wall_clock");
    n = tm__component_close_matches("cpu_utilisation", out, 8);
    CHECK(n >= 1);
    if(n >= 1) CHECK_STR(out[0], "cpu_utilization");
    n = tm__component_close_matches("PEAK_RS", out, 8);
    CHECK(n >= 1);
    if(n >= 1) CHECK_STR(out[0], "peak_rss");
    n                   = tm__component_close_matches("wall", out, 8); /* a fragment */
    bool has_wall_clock = false;
    for(int i = 0; i < n; ++i) has_wall_clock |= strcmp(out[i], "wall_clock") == 0;
    CHECK(has_wall_clock);
    CHECK_INT(tm__component_close_matches("zzzzzzzzzzzzzzzz", out, 8), 0);
    CHECK_INT(tm__component_close_matches("wal_clock", out, 1), 1);
    CHECK_INT(tm__component_close_matches("wal_clock", out, 0), 0);
}

TM_TEST(components_parse_lists)
{
    timemory_components_t set = 0;
    const char*           bad = "untouched";
    CHECK_INT(timemory_components_parse("wall_clock, cpu_clock peak_rss", &set, &bad), 0);
    CHECK(set ==
          (TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK) |
           TIMEMORY_COMPONENT_BIT(TIMEMORY_CPU_CLOCK) | TIMEMORY_COMPONENT_BIT(TIMEMORY_PEAK_RSS)));
    CHECK(bad == NULL);
    CHECK_INT(timemory_components_parse("\"WallClock\";'system_clock':trip_count\n", &set, NULL),
              0);
    CHECK(set == (TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK) |
                  TIMEMORY_COMPONENT_BIT(TIMEMORY_SYS_CLOCK) |
                  TIMEMORY_COMPONENT_BIT(TIMEMORY_TRIP_COUNT)));
    CHECK_INT(timemory_components_parse("cpu_clock,wal_clock,bogus, peak_rss", &set, &bad),
              TIMEMORY_EUNKNOWN);
    CHECK_STR(bad, "wal_clock");
    CHECK(set ==
          (TIMEMORY_COMPONENT_BIT(TIMEMORY_CPU_CLOCK) | TIMEMORY_COMPONENT_BIT(TIMEMORY_PEAK_RSS)));
    CHECK_INT(timemory_components_parse(" ,; ", &set, &bad), 0);
    CHECK(set == 0);
    CHECK_INT(timemory_components_parse(NULL, &set, NULL), 0);
    CHECK(set == 0);
    CHECK_INT(timemory_components_parse("wall_clock", NULL, NULL), TIMEMORY_EINVAL);
}

/* ---- availability ------------------------------------------------------------------------- */

TM_TEST(components_availability)
{
    static const int measured[] = {
        TIMEMORY_WALL_CLOCK,
        TIMEMORY_MONOTONIC_CLOCK,
        TIMEMORY_MONOTONIC_RAW_CLOCK,
        TIMEMORY_SYS_CLOCK,
        TIMEMORY_USER_CLOCK,
        TIMEMORY_CPU_CLOCK,
        TIMEMORY_CPU_UTIL,
        TIMEMORY_THREAD_CPU_CLOCK,
        TIMEMORY_THREAD_CPU_UTIL,
        TIMEMORY_PROCESS_CPU_CLOCK,
        TIMEMORY_PROCESS_CPU_UTIL,
        TIMEMORY_PEAK_RSS,
        TIMEMORY_CURRENT_PEAK_RSS,
        TIMEMORY_PAGE_RSS,
        TIMEMORY_VIRTUAL_MEMORY,
        TIMEMORY_NUM_IO_IN,
        TIMEMORY_NUM_IO_OUT,
        TIMEMORY_NUM_MAJOR_PAGE_FAULTS,
        TIMEMORY_NUM_MINOR_PAGE_FAULTS,
        TIMEMORY_VOLUNTARY_CONTEXT_SWITCH,
        TIMEMORY_PRIORITY_CONTEXT_SWITCH,
        TIMEMORY_READ_BYTES,
        TIMEMORY_WRITTEN_BYTES,
        TIMEMORY_KERNEL_MODE_TIME,
        TIMEMORY_USER_MODE_TIME,
        TIMEMORY_TRIP_COUNT,
        TIMEMORY_MALLOC_GOTCHA, /* its values come from allocation events (events.c) */
    };
    /* containers without a value of their own, configured through settings */
    static const int      bundles[] = { TIMEMORY_USER_GLOBAL_BUNDLE, TIMEMORY_USER_LIST_BUNDLE,
                                        TIMEMORY_USER_TUPLE_BUNDLE };
    timemory_components_t expect = 0, avail = 0;
    for(size_t i = 0; i < sizeof(measured) / sizeof(measured[0]); ++i)
        expect |= TIMEMORY_COMPONENT_BIT(measured[i]);
    for(size_t i = 0; i < sizeof(bundles) / sizeof(bundles[0]); ++i)
        expect |= TIMEMORY_COMPONENT_BIT(bundles[i]);
    /* groups of the events of papi_events: available where a counter backend is (perf_event
     * here), see test_hwc_components.c */
    expect |=
        TIMEMORY_COMPONENT_BIT(TIMEMORY_PAPI_VECTOR) | TIMEMORY_COMPONENT_BIT(TIMEMORY_PAPI_ARRAY);
    for(int c = 0; c < TM_NTABLE; ++c)
    {
        timemory_component_info info;
        int                     id = tm__components[c].id;
        CHECK_INT(timemory_component_get_info(id, &info), 0);
        CHECK(info.available == (info.unavailable_reason == NULL));
        CHECK(info.available == (tm__unavailable_reason(c) == NULL));
        if(info.available && id < 64) avail |= TIMEMORY_COMPONENT_BIT(id);
        if(!info.available)
        {
            CHECK(strstr(info.unavailable_reason, "requires") != NULL);
            int64_t raw[2];
            CHECK_INT(timemory_component_record(id, raw), TIMEMORY_EUNAVAILABLE);
        }
    }
    /* gperftools is found at run time: test_gperftools.c checks those two either way */
    CHECK((avail & ~(timemory_components_t)TM__GPERFTOOLS_SET) == expect);
    for(size_t i = 0; i < sizeof(bundles) / sizeof(bundles[0]); ++i)
        CHECK_INT(tm__components[bundles[i]].nvalues, 0);
    CHECK(tm__unavailable_reason(TIMEMORY_PAPI_VECTOR) == NULL);
    CHECK(strstr(tm__unavailable_reason(TIMEMORY_CPU_ROOFLINE_FLOPS), "PAPI_SP_OPS") != NULL);
    CHECK(strstr(tm__unavailable_reason(TIMEMORY_CUDA_EVENT), "CUDA") != NULL);
    CHECK(strstr(tm__unavailable_reason(TIMEMORY_USER_MPIP_BUNDLE), "MPI") != NULL);
    CHECK(tm__unavailable_reason(-1) != NULL);
    int64_t raw[2];
    CHECK_INT(timemory_component_record(64, raw), TIMEMORY_EINVAL);
    CHECK_INT(timemory_component_record(TIMEMORY_TRIP_COUNT, raw), 0);
    CHECK_INT(raw[0], 1);
}

/* ---- semantics through the injectable reader ---------------------------------------------- */

static int64_t fake_values[TM_NTABLE][2];
static int     fake_calls;

static int64_t fake_reader(int comp, int idx)
{
    ++fake_calls;
    return fake_values[comp][idx];
}

static void fake_set(int comp, int64_t a, int64_t b)
{
    fake_values[comp][0] = a;
    fake_values[comp][1] = b;
}

/* start reading, stop reading, delta and get() of one component through the reader */
static int fake_cycle(int comp, const int64_t start[2], const int64_t stop[2], int64_t delta[2],
                      double out[2])
{
    int64_t a[2], b[2];
    fake_set(comp, start[0], start[1]);
    CHECK_INT(timemory_component_record(comp, a), 0);
    fake_set(comp, stop[0], stop[1]);
    CHECK_INT(timemory_component_record(comp, b), 0);
    CHECK_INT(timemory_component_delta(comp, a, b, delta), 0);
    return timemory_component_get(comp, delta, out);
}

TM_TEST(components_reader_gives_exact_values)
{
    tm__set_test_reader(fake_reader);
    int64_t delta[2];
    double  out[2];

    CHECK_INT(fake_cycle(TIMEMORY_WALL_CLOCK, (int64_t[]){ 1000000000, 0 },
                         (int64_t[]){ 1500000000, 0 }, delta, out),
              1);
    CHECK_INT(delta[0], 500000000);
    CHECK_NEAR(out[0], 0.5, 1e-12);

    /* rusage times only count when they grew */
    fake_cycle(TIMEMORY_KERNEL_MODE_TIME, (int64_t[]){ 7000, 0 }, (int64_t[]){ 5000, 0 }, delta,
               out);
    CHECK_INT(delta[0], 0);
    fake_cycle(TIMEMORY_USER_MODE_TIME, (int64_t[]){ 7000, 0 }, (int64_t[]){ 9000, 0 }, delta, out);
    CHECK_INT(delta[0], 2000);
    CHECK_NEAR(out[0], 2e-6, 1e-18);

    /* cpu_util: (cpu ns, wall ns) -> 100 * cpu / wall */
    CHECK_INT(fake_cycle(TIMEMORY_CPU_UTIL, (int64_t[]){ 100, 1000 }, (int64_t[]){ 400, 1400 },
                         delta, out),
              1);
    CHECK_INT(delta[0], 300);
    CHECK_INT(delta[1], 400);
    CHECK_NEAR(out[0], 75.0, 1e-12);
    CHECK_INT(timemory_component_get(TIMEMORY_CPU_UTIL, (int64_t[]){ 5, 0 }, out), 1);
    CHECK_NEAR(out[0], 0.0, 0); /* wall == 0 */

    /* peak_rss: the increase of the high-water mark, never negative */
    fake_cycle(TIMEMORY_PEAK_RSS, (int64_t[]){ 5000000, 0 }, (int64_t[]){ 7500000, 0 }, delta, out);
    CHECK_INT(delta[0], 2500000);
    CHECK_NEAR(out[0], 2.5, 1e-12);
    fake_cycle(TIMEMORY_PEAK_RSS, (int64_t[]){ 5000000, 0 }, (int64_t[]){ 4000000, 0 }, delta, out);
    CHECK_INT(delta[0], 0);

    /* page_rss: a plain difference, which may be negative */
    fake_cycle(TIMEMORY_PAGE_RSS, (int64_t[]){ 5000000, 0 }, (int64_t[]){ 4000000, 0 }, delta, out);
    CHECK_INT(delta[0], -1000000);
    CHECK_NEAR(out[0], -1.0, 1e-12);

    /* current_peak_rss: the absolute (start, stop) pair, accumulated as a lexicographic max */
    CHECK_INT(fake_cycle(TIMEMORY_CURRENT_PEAK_RSS, (int64_t[]){ 5000000, 5000000 },
                         (int64_t[]){ 7000000, 7000000 }, delta, out),
              2);
    CHECK_INT(delta[0], 5000000);
    CHECK_INT(delta[1], 7000000);
    CHECK_NEAR(out[0], 5.0, 1e-12);
    CHECK_NEAR(out[1], 7.0, 1e-12);
    int64_t accum[2] = { 0, 0 };
    timemory_component_accumulate(TIMEMORY_CURRENT_PEAK_RSS, accum, delta);
    timemory_component_accumulate(TIMEMORY_CURRENT_PEAK_RSS, accum,
                                  (int64_t[]){ 4000000, 9000000 });
    CHECK_INT(accum[0], 5000000);
    CHECK_INT(accum[1], 7000000);
    timemory_component_accumulate(TIMEMORY_CURRENT_PEAK_RSS, accum,
                                  (int64_t[]){ 5000000, 8000000 });
    CHECK_INT(accum[1], 8000000);

    /* read_bytes: (bytes, elapsed ns) -> (MB, MB/sec) */
    CHECK_INT(fake_cycle(TIMEMORY_READ_BYTES, (int64_t[]){ 1000000, 2000000000 },
                         (int64_t[]){ 3000000, 2500000000 }, delta, out),
              2);
    CHECK_INT(delta[0], 2000000);
    CHECK_INT(delta[1], 500000000);
    CHECK_NEAR(out[0], 2.0, 1e-12);
    CHECK_NEAR(out[1], 4.0, 1e-12);

    /* counts print as integers; trip_count counts starts */
    fake_cycle(TIMEMORY_NUM_MINOR_PAGE_FAULTS, (int64_t[]){ 10, 0 }, (int64_t[]){ 17, 0 }, delta,
               out);
    CHECK_NEAR(out[0], 7.0, 0);
    fake_cycle(TIMEMORY_TRIP_COUNT, (int64_t[]){ 1, 0 }, (int64_t[]){ 1, 0 }, delta, out);
    CHECK_INT(delta[0], 1);
    accum[0] = accum[1] = 0;
    timemory_component_accumulate(TIMEMORY_TRIP_COUNT, accum, delta);
    timemory_component_accumulate(TIMEMORY_TRIP_COUNT, accum, delta);
    CHECK_INT(accum[0], 2);

    /* a marker has no value */
    CHECK_INT(timemory_component_get(TIMEMORY_USER_GLOBAL_BUNDLE, (int64_t[]){ 5, 5 }, out), 0);

    tm__set_test_reader(NULL);
}

TM_TEST(components_record_set_orders_by_enum)
{
    tm__set_test_reader(fake_reader);
    for(int c = 0; c < TM_NTABLE; ++c) fake_set(c, 1000 + c, 2000 + c);
    timemory_components_t set =
        TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK) | TIMEMORY_COMPONENT_BIT(TIMEMORY_CPU_CLOCK) |
        TIMEMORY_COMPONENT_BIT(TIMEMORY_CPU_UTIL) | TIMEMORY_COMPONENT_BIT(TIMEMORY_PEAK_RSS);
    int64_t out[4][2];
    fake_calls = 0;
    record_mask(set, out);
    CHECK_INT(fake_calls, 1 + 2 + 1 + 1); /* one call per value element */
    CHECK_INT(out[0][0], 1000 + TIMEMORY_CPU_CLOCK);
    CHECK_INT(out[0][1], 0); /* scalars leave the second element zero */
    CHECK_INT(out[1][0], 1000 + TIMEMORY_CPU_UTIL);
    CHECK_INT(out[1][1], 2000 + TIMEMORY_CPU_UTIL);
    CHECK_INT(out[2][0], 1000 + TIMEMORY_PEAK_RSS);
    CHECK_INT(out[3][0], 1000 + TIMEMORY_WALL_CLOCK);
    tm__set_test_reader(NULL);
}

TM_TEST(components_stat_samples_are_base_units)
{
    double out[2];
    CHECK_INT(tm__stat_sample(TIMEMORY_WALL_CLOCK, (int64_t[]){ 20000000, 0 }, out), 1);
    CHECK_NEAR(out[0], 2e7, 0);
    CHECK_NEAR(out[0] * tm__display_factor(TIMEMORY_WALL_CLOCK, 0), 0.02, 1e-15);
    CHECK_INT(tm__stat_sample(TIMEMORY_THREAD_CPU_UTIL, (int64_t[]){ 50, 200 }, out), 1);
    CHECK_NEAR(out[0], 25.0, 1e-12);
    CHECK_NEAR(tm__display_factor(TIMEMORY_THREAD_CPU_UTIL, 0), 1.0, 0);
    CHECK_INT(tm__stat_sample(TIMEMORY_WRITTEN_BYTES, (int64_t[]){ 3000000, 1500000000 }, out), 2);
    CHECK_NEAR(out[0], 3e6, 0);
    CHECK_NEAR(out[1], 2e6, 1e-6);
    CHECK_NEAR(tm__display_factor(TIMEMORY_WRITTEN_BYTES, 1), 1e-6, 1e-20);
    CHECK_INT(tm__stat_sample(TIMEMORY_CURRENT_PEAK_RSS, (int64_t[]){ 1, 2 }, out), 2);
    CHECK_NEAR(out[1], 2.0, 0);
    CHECK_INT(tm__stat_sample(TIMEMORY_NUM_IO_OUT, (int64_t[]){ 12, 0 }, out), 1);
    CHECK_NEAR(out[0], 12.0, 0);
    CHECK_NEAR(tm__display_factor(TIMEMORY_NUM_IO_OUT, 0), 1.0, 0);
    CHECK_INT(tm__stat_sample(TIMEMORY_TRIP_COUNT, (int64_t[]){ 1, 0 }, out), 0);
    CHECK_INT(tm__stat_sample(TIMEMORY_VTUNE_EVENT, (int64_t[]){ 1, 0 }, out), 0);
    /* get() = stat sample x display factor, element by element */
    for(int c = 0; c < TM_NTABLE; ++c)
    {
        if(tm__components[c].flags & TIMEMORY_CFLAG_NO_STATS) continue;
        int64_t raw[2] = { 123456789, 987654321 };
        double  s[2], g[2];
        int     ns = tm__stat_sample(c, raw, s), ng = tm__get(c, raw, g);
        CHECK_INT(ns, ng);
        for(int i = 0; i < ns; ++i)
            CHECK_NEAR(g[i], s[i] * tm__display_factor(c, i), 1e-9 * fabs(g[i]) + 1e-12);
    }
}

TM_TEST(components_format_defaults_and_overrides)
{
    int  w, p;
    bool sci;
    tm__format(TIMEMORY_WALL_CLOCK, &w, &p, &sci);
    CHECK_INT(w, 8);
    CHECK_INT(p, 3);
    CHECK(!sci);
    tm__format(TIMEMORY_CPU_UTIL, &w, &p, &sci);
    CHECK_INT(w, 6);
    CHECK_INT(p, 1);
    tm__format(TIMEMORY_PEAK_RSS, &w, &p, &sci);
    CHECK_INT(w, 8);
    CHECK_INT(p, 3);
    tm__format(TIMEMORY_NUM_MAJOR_PAGE_FAULTS, &w, &p, &sci);
    CHECK_INT(p, 0);

    tm__settings_store saved       = tm__settings;
    tm__settings.precision         = 5;
    tm__settings.timing_width      = 12;
    tm__settings.timing_scientific = true;
    tm__settings.memory_precision  = 2;
    tm__format(TIMEMORY_WALL_CLOCK, &w, &p, &sci);
    CHECK_INT(w, 12);
    CHECK_INT(p, 5);
    CHECK(sci);
    tm__format(TIMEMORY_PEAK_RSS, &w, &p, &sci);
    CHECK_INT(w, 8);
    CHECK_INT(p, 2);
    CHECK(!sci);
    tm__format(TIMEMORY_CPU_UTIL, &w, &p, &sci);
    CHECK_INT(w, 6);
    CHECK_INT(p, 5);
    tm__settings.width      = 10;
    tm__settings.scientific = true;
    tm__format(TIMEMORY_THREAD_CPU_UTIL, &w, &p, &sci);
    CHECK_INT(w, 10);
    CHECK(sci);
    tm__settings = saved;
}

/* TIMEMORY_PRECISION=0 is a precision (the original's >= 0 rule); the shared formatter
 * gives the text table's cell text ("%#.*f": the decimal point stays) */
TM_TEST(components_format_zero_and_the_shared_formatter)
{
    tm__settings_store saved = tm__settings;
    char               text[64];
    int                w = -1, p = -1;
    bool               sci = true;
    CHECK_INT(timemory_component_format(TIMEMORY_WALL_CLOCK, &w, &p, &sci), TIMEMORY_OK);
    CHECK_INT(w, 8);
    CHECK_INT(p, 3);
    CHECK(!sci);
    CHECK_INT(timemory_component_format(TIMEMORY_COMPONENTS_END, &w, &p, &sci), TIMEMORY_EINVAL);
    CHECK_INT(timemory_component_format_value(TIMEMORY_WALL_CLOCK, 0.0123, -1, text, sizeof(text)),
              8);
    CHECK_STR(text, "   0.012");
    CHECK_INT(timemory_component_format_value(TIMEMORY_WALL_CLOCK, 0.0123, 0, text, sizeof(text)),
              5);
    CHECK_STR(text, "0.012");
    CHECK_INT(timemory_component_format_value(TIMEMORY_CPU_UTIL, 75.04, -1, text, sizeof(text)), 6);
    CHECK_STR(text, "  75.0");
    CHECK_INT(timemory_component_format_value(TIMEMORY_TRIP_COUNT, 42.0, 0, text, sizeof(text)), 2);
    CHECK_STR(text, "42");

    tm__settings.precision = 0;
    tm__format(TIMEMORY_WALL_CLOCK, &w, &p, &sci);
    CHECK_INT(p, 0);
    timemory_component_format_value(TIMEMORY_WALL_CLOCK, 0.0123, 0, text, sizeof(text));
    CHECK_STR(text, "0.");
    tm__settings.timing_precision = 2;
    tm__settings.width            = 0;
    timemory_component_format_value(TIMEMORY_WALL_CLOCK, 0.0123, -1, text, sizeof(text));
    CHECK_STR(text, "0.01");
    tm__settings.timing_scientific = true;
    timemory_component_format_value(TIMEMORY_WALL_CLOCK, 1234.5, 0, text, sizeof(text));
    CHECK_STR(text, "1.23e+03");
    tm__settings = saved;

    /* snprintf conventions: the length needed, the text cut */
    char small[4];
    CHECK_INT(timemory_component_format_value(TIMEMORY_WALL_CLOCK, 1.5, -1, small, sizeof(small)),
              8);
    CHECK_STR(small, "   ");
    CHECK_INT(timemory_component_format_value(TIMEMORY_WALL_CLOCK, 1.5, -1, NULL, 0), 8);
    CHECK_INT(timemory_component_format_value(TIMEMORY_WALL_CLOCK, 1.5, -1, NULL, 8),
              TIMEMORY_EINVAL);
}

TM_TEST(components_format_values_with_units_and_labels)
{
    char         text[128];
    const double wall[1] = { 1.5 }, rss[2] = { 5.0, 6.25 };
    int n = timemory_component_format_values(TIMEMORY_WALL_CLOCK, wall, 1, text, sizeof(text));
    CHECK_STR(text, "   1.500 sec wall");
    CHECK_INT(n, (int)strlen(text));
    timemory_component_format_values(TIMEMORY_CURRENT_PEAK_RSS, rss, 2, text, sizeof(text));
    CHECK_STR(text, "   5.000 MB start peak rss,    6.250 MB  stop peak rss");
    const double count[1] = { 3.0 };
    timemory_component_format_values(TIMEMORY_TRIP_COUNT, count, 1, text, sizeof(text));
    CHECK_STR(text, "       3 trip_count");
    CHECK_INT(timemory_component_format_values(TIMEMORY_WALL_CLOCK, wall, 3, text, sizeof(text)),
              TIMEMORY_EINVAL);
    CHECK_INT(timemory_component_format_values(TIMEMORY_WALL_CLOCK, NULL, 0, text, sizeof(text)),
              0);
    CHECK_STR(text, "");
}

TM_TEST(components_suggest_primary_names)
{
    const char* out[4];
    CHECK_INT(timemory_component_suggest("wal_clock", out, 4), 1);
    CHECK_STR(out[0], "wall_clock");
    /* an alias matched is reported by its component's primary name */
    CHECK_INT(timemory_component_suggest("cpu_utilisation", out, 4), 1);
    CHECK_STR(out[0], "cpu_util");
    int n = timemory_component_suggest("peak_rs", out, 4);
    CHECK(n >= 1);
    if(n >= 1) CHECK_STR(out[0], "peak_rss");
    CHECK_INT(timemory_component_suggest("zzzzzzzzzzzzzzzz", out, 4), 0);
    CHECK_INT(timemory_component_suggest("wal_clock", out, 0), 0);
    CHECK_INT(timemory_component_suggest(NULL, out, 4), TIMEMORY_EINVAL);
}

TM_TEST(components_sample_keeps_the_highest_level)
{
    CHECK(timemory_component_can_sample(TIMEMORY_PEAK_RSS));
    CHECK(timemory_component_can_sample(TIMEMORY_PAGE_RSS));
    CHECK(timemory_component_can_sample(TIMEMORY_VIRTUAL_MEMORY));
    CHECK(timemory_component_can_sample(TIMEMORY_WRITTEN_BYTES));
    CHECK(!timemory_component_can_sample(TIMEMORY_WALL_CLOCK));
    CHECK(!timemory_component_can_sample(TIMEMORY_CURRENT_PEAK_RSS));
    CHECK(!timemory_component_can_sample(-1));
    int64_t value[2] = { 0, 7 }, accum[2] = { 0, 0 };
    CHECK_INT(timemory_component_sample(TIMEMORY_WALL_CLOCK, value, accum), TIMEMORY_EINVAL);
    CHECK_INT(timemory_component_sample(TIMEMORY_PAGE_RSS, value, accum), TIMEMORY_OK);
    CHECK(value[0] > 0 && accum[0] == value[0] && value[1] == 7);
    int64_t high[2] = { INT64_MAX / 2, 0 }, acc[2] = { 0, 0 };
    CHECK_INT(timemory_component_sample(TIMEMORY_PAGE_RSS, high, acc), TIMEMORY_OK);
    CHECK(high[0] == INT64_MAX / 2 && acc[0] == INT64_MAX / 2);
}
