/* test_output_text.c -- the text table (OUTPUT.md §2) from hand-built results: the spec's
 * foo/bar/baz table and the seeds' tables byte for byte, % SELF, multi-valued sub-rows, the
 * trip_count layout, never-run rows, max_width, separator_frequency, max_depth, the
 * TIMEMORY_PRINT_* columns and banner packing. */
#include "internal.h"
#include "tm_test.h"

#include <stdlib.h>

static tm__settings_store tm_saved_settings;
static char*              tm_saved_env[3];
static const char* const  tm_env_names[3] = { "TIMEMORY_PRINT_MIN", "TIMEMORY_PRINT_STDDEV",
                                              "TIMEMORY_PRINT_VARIANCE" };

/* Only scalar settings change here, so restoring the struct restores everything. */
static void tm_begin(void)
{
    tm_saved_settings                = tm__settings;
    tm__settings.max_width           = 120;
    tm__settings.max_depth           = 65535;
    tm__settings.separator_frequency = 0;
    tm__settings.scientific          = false;
    tm__settings.timing_scientific   = false;
    tm__settings.memory_scientific   = false;
    tm__settings.precision = tm__settings.width = -1;
    tm__settings.timing_precision = tm__settings.timing_width = -1;
    tm__settings.memory_precision = tm__settings.memory_width = -1;
    for(int i = 0; i < 3; ++i)
    {
        const char* v   = getenv(tm_env_names[i]);
        tm_saved_env[i] = v ? tm__strdup(v) : NULL;
        unsetenv(tm_env_names[i]);
    }
}

static void tm_end(void)
{
    tm__settings = tm_saved_settings;
    for(int i = 0; i < 3; ++i)
    {
        if(tm_saved_env[i])
            setenv(tm_env_names[i], tm_saved_env[i], 1);
        else
            unsetenv(tm_env_names[i]);
        free(tm_saved_env[i]);
        tm_saved_env[i] = NULL;
    }
}

/* statistics of explicit per-pop samples (base units) */
static tm__stats tm_samples(int n, const double* v)
{
    tm__stats s;
    memset(&s, 0, sizeof(s));
    for(int i = 0; i < n; ++i)
    {
        double x[2] = { v[i], 0.0 };
        tm__stats_add(&s, x, 1);
    }
    return s;
}

/* statistics from aggregates: n samples with this sum, min, max and standard deviation */
static tm__stats tm_aggregate(double sum, uint64_t n, double mn, double mx, double stddev)
{
    tm__stats s;
    memset(&s, 0, sizeof(s));
    s.sum[0] = sum;
    s.count  = n;
    s.min[0] = mn;
    s.max[0] = mx;
    s.sqr[0] = stddev * stddev * (double)(n - 1) + sum * sum / (double)n;
    return s;
}

static tm__entry tm_entry(const char* prefix, int depth, uint64_t laps, int64_t value,
                          tm__stats stats)
{
    tm__entry e;
    memset(&e, 0, sizeof(e));
    e.prefix   = (char*)prefix;
    e.label    = prefix;
    e.depth    = depth;
    e.laps     = laps;
    e.accum[0] = value;
    e.stats    = stats;
    return e;
}

static tm__result tm_result(int comp, tm__entry* entries, size_t n)
{
    tm__result r;
    memset(&r, 0, sizeof(r));
    r.comp         = comp;
    r.entries      = entries;
    r.nentries     = n;
    r.thread_count = 1;
    r.pid          = 4242;
    return r;
}

static char* tm_table(const tm__result* r)
{
    tm__buf b;
    tm__buf_init(&b);
    tm__write_text(&b, r);
    return tm__buf_take(&b);
}

/* the line of text that starts with `start` (static copy), or "" */
static const char* tm_line_starting(const char* text, const char* start)
{
    static char line[1024];
    line[0] = '\0';
    for(const char* p = text; p && *p;)
    {
        const char* nl  = strchr(p, '\n');
        size_t      len = nl ? (size_t)(nl - p) : strlen(p);
        if(strncmp(p, start, strlen(start)) == 0 && len < sizeof(line))
        {
            memcpy(line, p, len);
            line[len] = '\0';
            return line;
        }
        p = nl ? nl + 1 : NULL;
    }
    return line;
}

static int tm_count_lines(const char* text)
{
    int n = 0;
    for(const char* p = text; p && *p; ++p) n += *p == '\n';
    return n;
}

/* foo (81 ms) with three bar (10/20/30 ms), and baz (13 ms) */
static void tm_foo_bar_baz(tm__entry e[3])
{
    double foo[] = { 80856527.0 }, bar[] = { 10136000.0, 20140214.0, 30175000.0 },
           baz[] = { 12693156.0 };
    e[0]         = tm_entry(">>> foo", 0, 1, 80856527, tm_samples(1, foo));
    e[1]         = tm_entry(">>> |_bar", 1, 3, 60451214, tm_samples(3, bar));
    e[2]         = tm_entry(">>> baz", 0, 1, 12693156, tm_samples(1, baz));
}

TM_TEST(output_text_spec_example)
{
    tm_begin();
    tm__entry e[3];
    tm_foo_bar_baz(e);
    tm__result r    = tm_result(TIMEMORY_WALL_CLOCK, e, 3);
    char*      text = tm_table(&r);
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
    tm_end();
}

TM_TEST(output_text_seed_profiler_table)
{
    tm_begin();
    tm__entry e[6];
    e[0]            = tm_entry(">>> profile_func/doc-profiler.py:15", 0, 1, 1610000000,
                               tm_aggregate(1.61e9, 1, 1.61e9, 1.61e9, 0.0));
    e[1]            = tm_entry(">>> |_eval_func/doc-profiler.py:9", 1, 4994, 690000000,
                               tm_aggregate(6.9e8, 4994, 0.0, 1.0e5, 1.0e6));
    e[2]            = tm_entry(">>>   |__mean/_methods.py:134", 2, 4994, 340000000,
                               tm_aggregate(3.4e8, 4994, 0.0, 1.0e5, 1.0e6));
    e[3]            = tm_entry(">>>     |__count_reduce_items/_methods.py:50", 3, 4994, 40000000,
                               tm_aggregate(4.0e7, 4994, 0.0, 1.0e5, 1.0e5));
    e[4]            = tm_entry(">>>       |__count_reduce_items/_methods.py:50", 4, 4994, 10000000,
                               tm_aggregate(1.0e7, 4994, 0.0, 1.0e5, 1.0e5));
    e[5]            = tm_entry(">>>     |__mean/_methods.py:134", 3, 24970, 110000000,
                               tm_aggregate(1.1e8, 24970, 0.0, 1.0e5, 1.0e5));
    tm__result r    = tm_result(TIMEMORY_CPU_CLOCK, e, 6);
    char*      text = tm_table(&r);
    CHECK_STR(text, "|-----------------------------------------------------------------------------"
                    "-------------------------------------------------------------|\n"
                    "|                                            TOTAL CPU TIME SPENT IN BOTH "
                    "USER- AND KERNEL-MODE                                            |\n"
                    "|-----------------------------------------------------------------------------"
                    "-------------------------------------------------------------|\n"
                    "|                     LABEL                      | COUNT  | DEPTH  | METRIC | "
                    "UNITS  |  SUM   | MEAN   |  MIN   |  MAX   | STDDEV | % SELF |\n"
                    "|------------------------------------------------|--------|--------|--------|-"
                    "-------|--------|--------|--------|--------|--------|--------|\n"
                    "| >>> profile_func/doc-profiler.py:15            |      1 |      0 | cpu    | "
                    "sec    |  1.610 |  1.610 |  1.610 |  1.610 |  0.000 |   57.1 |\n"
                    "| >>> |_eval_func/doc-profiler.py:9              |   4994 |      1 | cpu    | "
                    "sec    |  0.690 |  0.000 |  0.000 |  0.000 |  0.001 |   50.7 |\n"
                    "| >>>   |__mean/_methods.py:134                  |   4994 |      2 | cpu    | "
                    "sec    |  0.340 |  0.000 |  0.000 |  0.000 |  0.001 |   55.9 |\n"
                    "| >>>     |__count_reduce_items/_methods.py:50   |   4994 |      3 | cpu    | "
                    "sec    |  0.040 |  0.000 |  0.000 |  0.000 |  0.000 |   75.0 |\n"
                    "| >>>       |__count_reduce_items/_methods.py:50 |   4994 |      4 | cpu    | "
                    "sec    |  0.010 |  0.000 |  0.000 |  0.000 |  0.000 |  100.0 |\n"
                    "| >>>     |__mean/_methods.py:134                |  24970 |      3 | cpu    | "
                    "sec    |  0.110 |  0.000 |  0.000 |  0.000 |  0.000 |  100.0 |\n"
                    "|-----------------------------------------------------------------------------"
                    "-------------------------------------------------------------|\n");
    free(text);
    tm_end();
}

/* The seed's tracer table: a line never run (laps 0) shows its label and empty cells. */
TM_TEST(output_text_seed_tracer_never_run_rows)
{
    tm_begin();
    tm__entry e[3];
    e[0] = tm_entry(">>> @Tracer([\"wall_clock\", \"cpu_clock\"])                             "
                    "                  [trace_func/doc-tracer.py:15]",
                    0, 0, 0, tm_aggregate(0, 0, 0, 0, 0));
    e[0].stats.sqr[0] = 0.0;
    e[1]              = tm_entry(">>> def trace_func(arr, tol):                               "
                                              "                           [trace_func/doc-tracer.py:16]",
                                 0, 1, 2044000000, tm_aggregate(2.044e9, 1, 2.044e9, 2.044e9, 0.0));
    e[2]              = tm_entry(">>>     while not eval_func(arr, tol):                      "
                                              "                           [trace_func/doc-tracer.py:18]",
                                 0, 4994, 27000000, tm_aggregate(2.7e7, 1, 2.7e7, 2.7e7, 0.0));
    tm__result r      = tm_result(TIMEMORY_WALL_CLOCK, e, 3);
    char*      text   = tm_table(&r);
    CHECK_STR(text, "|-----------------------------------------------------------------------------"
                    "------------------------------------------------------------------------------"
                    "-----------------------------------------------------|\n"
                    "|                                                                             "
                    "       REAL-CLOCK TIMER (I.E. WALL-CLOCK TIMER)                               "
                    "                                                     |\n"
                    "|-----------------------------------------------------------------------------"
                    "------------------------------------------------------------------------------"
                    "-----------------------------------------------------|\n"
                    "|                                                        LABEL                "
                    "                                         | COUNT  | DEPTH  | METRIC | UNITS  "
                    "|  SUM   | MEAN   |  MIN   |  MAX   | STDDEV | % SELF |\n"
                    "|-----------------------------------------------------------------------------"
                    "-----------------------------------------|--------|--------|--------|--------|"
                    "--------|--------|--------|--------|--------|--------|\n"
                    "| >>> @Tracer([\"wall_clock\", \"cpu_clock\"])                                "
                    "               [trace_func/doc-tracer.py:15] |        |        |        |     "
                    "   |        |        |        |        |        |        |\n"
                    "| >>> def trace_func(arr, tol):                                               "
                    "           [trace_func/doc-tracer.py:16] |      1 |      0 | wall   | sec    "
                    "|  2.044 |  2.044 |  2.044 |  2.044 |  0.000 |  100.0 |\n"
                    "| >>>     while not eval_func(arr, tol):                                      "
                    "           [trace_func/doc-tracer.py:18] |   4994 |      0 | wall   | sec    "
                    "|  0.027 |  0.000 |  0.027 |  0.027 |  0.000 |  100.0 |\n"
                    "|-----------------------------------------------------------------------------"
                    "------------------------------------------------------------------------------"
                    "-----------------------------------------------------|\n");
    free(text);
    tm_end();
}

TM_TEST(output_text_seed_scientific)
{
    tm_begin();
    tm__settings.scientific = true;
    double     run[]        = { 27000.0 };
    tm__entry  e[1]         = { tm_entry(">>> run", 0, 1, 27000, tm_samples(1, run)) };
    tm__result r            = tm_result(TIMEMORY_WALL_CLOCK, e, 1);
    char*      text         = tm_table(&r);
    CHECK_STR(text, "|-----------------------------------------------------------------------------"
                    "-------------------------------------|\n"
                    "|                                     REAL-CLOCK TIMER (I.E. WALL-CLOCK "
                    "TIMER)                                     |\n"
                    "|-----------------------------------------------------------------------------"
                    "-------------------------------------|\n"
                    "| LABEL   | COUNT  | DEPTH  | METRIC | UNITS  |   SUM     |   MEAN    |   MIN "
                    "    |   MAX     |  STDDEV   | % SELF |\n"
                    "|---------|--------|--------|--------|--------|-----------|-----------|-------"
                    "----|-----------|-----------|--------|\n"
                    "| >>> run |      1 |      0 | wall   | sec    | 2.700e-05 | 2.700e-05 | "
                    "2.700e-05 | 2.700e-05 | 0.000e+00 |  100.0 |\n"
                    "|-----------------------------------------------------------------------------"
                    "-------------------------------------|\n");
    free(text);
    tm_end();
}

/* An empty banner leaves out the banner lines (the seed's intermediate example). */
TM_TEST(output_text_empty_and_custom_banner)
{
    tm_begin();
    tm__settings.scientific = true;
    double     run[]        = { 20000000.0 };
    tm__entry  e[1]         = { tm_entry(">>> run", 0, 1, 20000000, tm_samples(1, run)) };
    tm__result r            = tm_result(TIMEMORY_CPU_CLOCK, e, 1);
    r.banner                = "";
    char* text              = tm_table(&r);
    CHECK_STR(text, "|-----------------------------------------------------------------------------"
                    "-------------------------------------|\n"
                    "| LABEL   | COUNT  | DEPTH  | METRIC | UNITS  |   SUM     |   MEAN    |   MIN "
                    "    |   MAX     |  STDDEV   | % SELF |\n"
                    "|---------|--------|--------|--------|--------|-----------|-----------|-------"
                    "----|-----------|-----------|--------|\n"
                    "| >>> run |      1 |      0 | cpu    | sec    | 2.000e-02 | 2.000e-02 | "
                    "2.000e-02 | 2.000e-02 | 0.000e+00 |  100.0 |\n"
                    "|-----------------------------------------------------------------------------"
                    "-------------------------------------|\n");
    free(text);
    r.banner = "CPU vs. old/cpu.json";
    text     = tm_table(&r);
    /* T = 115: "|" + 47 spaces + 20 chars + 47 spaces + "|" */
    CHECK_STR(tm_line_starting(text, "|   "),
              "|                                               CPU vs. old/cpu.json"
              "                                               |");
    free(text);
    tm_end();
}

/* A banner wider than the table is packed into several centred lines. */
TM_TEST(output_text_banner_packing)
{
    tm_begin();
    double     v[]  = { 1000000.0 };
    tm__entry  e[1] = { tm_entry(">>> a", 0, 1, 1000000, tm_samples(1, v)) };
    tm__result r    = tm_result(TIMEMORY_WALL_CLOCK, e, 1);
    /* widths 8 x 11 columns: T = 99 */
    r.banner   = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron "
                 "pi rho sigma tau upsilon";
    char* text = tm_table(&r);
    CHECK_INT(tm_count_lines(text), 1 + 2 + 1 + 2 + 1 + 1);
    /* words join while current + word + 2 < 99; each line centred: o = T/2 - len/2 + len */
    const char* lines[2] = { "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda "
                             "mu nu xi omicron pi rho sigma tau",
                             "upsilon" };
    for(int i = 0; i < 2; ++i)
    {
        char expected[256], start[64];
        int  len = (int)strlen(lines[i]), o = 99 / 2 - len / 2 + len;
        snprintf(expected, sizeof(expected), "|%*s%*s", o, lines[i], 99 - o, "|");
        snprintf(start, sizeof(start), "|%*s%.3s", 99 / 2 - len / 2, "", lines[i]);
        CHECK_STR(tm_line_starting(text, start), expected);
    }
    CHECK_STR(tm_line_starting(text, "| alpha"),
              "| alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron "
              "pi rho sigma tau|");
    free(text);
    tm_end();
}

/* current_peak_rss: two sub-rows per entry, no SUM column; % SELF per element */
TM_TEST(output_text_multi_valued_rows)
{
    tm_begin();
    tm__entry e[2];
    memset(e, 0, sizeof(e));
    e[0].prefix   = ">>> foo";
    e[0].laps     = 1;
    e[0].accum[0] = 5028000, e[0].accum[1] = 5156000;
    double s0[2] = { 5028000.0, 5156000.0 };
    tm__stats_add(&e[0].stats, s0, 2);
    e[1].prefix   = ">>> |_bar";
    e[1].depth    = 1;
    e[1].laps     = 1;
    e[1].accum[0] = 5100000, e[1].accum[1] = 5156000;
    double s1[2] = { 5100000.0, 5156000.0 };
    tm__stats_add(&e[1].stats, s1, 2);
    tm__result r    = tm_result(TIMEMORY_CURRENT_PEAK_RSS, e, 2);
    char*      text = tm_table(&r);
    CHECK_STR(tm_line_starting(text, "|  LABEL"),
              "|  LABEL    | COUNT  | DEPTH  |     METRIC     | UNITS  | MEAN   |  MIN   |  MAX   "
              "| STDDEV | % SELF |");
    CHECK_STR(tm_line_starting(text, "|-----------|"),
              "|-----------|--------|--------|----------------|--------|--------|--------|--------"
              "|--------|--------|");
    CHECK_STR(tm_line_starting(text, "| >>> foo"),
              "| >>> foo   |      1 |      0 | start peak rss | MB     |  5.028 |  5.028 |  5.028 "
              "|  0.000 |    0.0 |");
    CHECK_STR(tm_line_starting(text, "|           |        |        |  stop"),
              "|           |        |        |  stop peak rss | MB     |  5.156 |  5.156 |  5.156 "
              "|  0.000 |    0.0 |");
    /* the child has no children: 100 % of each element is its own */
    CHECK_STR(tm_line_starting(text, "| >>> |_bar"),
              "| >>> |_bar |      1 |      1 | start peak rss | MB     |  5.100 |  5.100 |  5.100 "
              "|  0.000 |  100.0 |");
    CHECK_INT(tm_count_lines(text), 3 + 2 + 4 + 1);
    free(text);
    tm_end();
}

/* % SELF: children are summed, grandchildren not; a parent below its children shows 0. */
TM_TEST(output_text_self_percent)
{
    tm_begin();
    double    z[] = { 0.0 };
    tm__entry e[6];
    e[0] = tm_entry(">>> a", 0, 1, 1000000000, tm_samples(1, z));
    e[1] = tm_entry(">>> |_b", 1, 1, 300000000, tm_samples(1, z));
    e[2] = tm_entry(">>>   |_c", 2, 1, 200000000, tm_samples(1, z));
    e[3] = tm_entry(">>> |_d", 1, 1, 200000000, tm_samples(1, z));
    e[4] = tm_entry(">>> x", 0, 1, 100000000, tm_samples(1, z));
    e[5] = tm_entry(">>> |_y", 1, 1, 150000000, tm_samples(1, z)); /* longer than its parent */
    tm__result r    = tm_result(TIMEMORY_WALL_CLOCK, e, 6);
    char*      text = tm_table(&r);
    CHECK(strstr(tm_line_starting(text, "| >>> a "), "|   50.0 |"));
    CHECK(strstr(tm_line_starting(text, "| >>> |_b "), "|   33.3 |"));
    CHECK(strstr(tm_line_starting(text, "| >>>   |_c "), "|  100.0 |"));
    CHECK(strstr(tm_line_starting(text, "| >>> |_d "), "|  100.0 |"));
    CHECK(strstr(tm_line_starting(text, "| >>> x "), "|    0.0 |"));
    free(text);
    /* a zero value without children: 0 */
    e[0]       = tm_entry(">>> zero", 0, 1, 0, tm_samples(1, z));
    r.nentries = 1;
    text       = tm_table(&r);
    CHECK(strstr(tm_line_starting(text, "| >>> zero"), "|    0.0 |"));
    free(text);
    tm_end();
}

/* trip_count: LABEL | COUNT | DEPTH | METRIC | SUM, integers */
TM_TEST(output_text_trip_count_layout)
{
    tm_begin();
    tm__entry e[2];
    memset(e, 0, sizeof(e));
    e[0]            = tm_entry(">>> loop", 0, 7, 7, e[0].stats);
    e[1]            = tm_entry(">>> |_body", 1, 12345, 12345, e[1].stats);
    tm__result r    = tm_result(TIMEMORY_TRIP_COUNT, e, 2);
    char*      text = tm_table(&r);
    CHECK_STR(text, "|----------------------------------------------------|\n"
                    "|            COUNTS NUMBER OF INVOCATIONS            |\n"
                    "|----------------------------------------------------|\n"
                    "|   LABEL    | COUNT  | DEPTH  |   METRIC   |  SUM   |\n"
                    "|------------|--------|--------|------------|--------|\n"
                    "| >>> loop   |      7 |      0 | trip_count |      7 |\n"
                    "| >>> |_body |  12345 |      1 | trip_count |  12345 |\n"
                    "|----------------------------------------------------|\n");
    free(text);
    tm_end();
}

TM_TEST(output_text_max_width_truncation)
{
    tm_begin();
    double    v[]  = { 1.0e6 };
    tm__entry e[1] = { tm_entry(">>> a_rather_long_function_name/with/a/path.py:123", 0, 1, 1000000,
                                tm_samples(1, v)) };
    tm__result r   = tm_result(TIMEMORY_WALL_CLOCK, e, 1);
    tm__settings.max_width = 25;
    char* text             = tm_table(&r);
    CHECK_STR(tm_line_starting(text, "| >>> "),
              "| >>> a_rather_long_func... |      1 |      0 | wall   | sec    |  0.001 |  0.001 "
              "|  0.001 |  0.001 |  0.000 |  100.0 |");
    free(text);
    /* max_width <= 20: a hard cut without ellipsis */
    tm__settings.max_width = 12;
    text                   = tm_table(&r);
    CHECK(strncmp(tm_line_starting(text, "| >>> "), "| >>> a_rather |", 16) == 0);
    free(text);
    tm_end();
}

TM_TEST(output_text_separator_frequency_and_max_depth)
{
    tm_begin();
    double    v[] = { 1.0e6 };
    tm__entry e[4];
    e[0]                             = tm_entry(">>> a", 0, 1, 1000000, tm_samples(1, v));
    e[1]                             = tm_entry(">>> |_b", 1, 1, 1000000, tm_samples(1, v));
    e[2]                             = tm_entry(">>> c", 0, 1, 1000000, tm_samples(1, v));
    e[3]                             = tm_entry(">>> d", 0, 1, 1000000, tm_samples(1, v));
    tm__result r                     = tm_result(TIMEMORY_WALL_CLOCK, e, 4);
    tm__settings.separator_frequency = 2;
    char* text                       = tm_table(&r);
    /* banner block 3 + header 2 + 4 rows + one separator (after row 2, not after row 4) + 1 */
    CHECK_INT(tm_count_lines(text), 3 + 2 + 4 + 1 + 1);
    const char* sep = "|---------|--------|";
    const char* at  = strstr(text, "| >>> |_b");
    CHECK(at && strncmp(strchr(at, '\n') + 1, sep, strlen(sep)) == 0);
    free(text);
    tm__settings.separator_frequency = 3;
    text                             = tm_table(&r);
    CHECK_INT(tm_count_lines(text), 3 + 2 + 4 + 1 + 1);
    free(text);

    tm__settings.separator_frequency = 0;
    tm__settings.max_depth           = 0;
    text                             = tm_table(&r);
    CHECK(strstr(text, "|_b") == NULL);
    CHECK_INT(tm_count_lines(text), 3 + 2 + 3 + 1);
    free(text);
    tm_end();
}

TM_TEST(output_text_print_env_columns)
{
    tm_begin();
    double     v[]  = { 1.0e6, 3.0e6 };
    tm__entry  e[1] = { tm_entry(">>> a", 0, 2, 4000000, tm_samples(2, v)) };
    tm__result r    = tm_result(TIMEMORY_WALL_CLOCK, e, 1);
    setenv("TIMEMORY_PRINT_MIN", "OFF", 1);
    setenv("TIMEMORY_PRINT_VARIANCE", "1", 1);
    char* text = tm_table(&r);
    CHECK_STR(tm_line_starting(text, "| LABEL"),
              "| LABEL  | COUNT  | DEPTH  | METRIC | UNITS  |  SUM   | MEAN   |  VAR   | STDDEV "
              "| % SELF |");
    /* samples 1 ms and 3 ms: variance 2e-6 s^2, stddev 0.0014 s */
    CHECK_STR(tm_line_starting(text, "| >>> a"),
              "| >>> a  |      2 |      0 | wall   | sec    |  0.004 |  0.002 |  0.000 |  0.001 "
              "|  100.0 |");
    free(text);
    setenv("TIMEMORY_PRINT_STDDEV", "no", 1);
    setenv("TIMEMORY_PRINT_VARIANCE", "false", 1);
    setenv("TIMEMORY_PRINT_MIN", "yes", 1);
    text = tm_table(&r);
    CHECK_STR(tm_line_starting(text, "| LABEL"),
              "| LABEL  | COUNT  | DEPTH  | METRIC | UNITS  |  SUM   | MEAN   |  MIN   |  MAX   "
              "| % SELF |");
    free(text);
    tm_end();
}

/* Integer components: no UNITS column, integer cells. */
TM_TEST(output_text_integer_component)
{
    tm_begin();
    double     v[]  = { 3.0, 5.0 };
    tm__entry  e[1] = { tm_entry(">>> faults", 0, 2, 8, tm_samples(2, v)) };
    tm__result r    = tm_result(TIMEMORY_NUM_MINOR_PAGE_FAULTS, e, 1);
    char*      text = tm_table(&r);
    CHECK_STR(tm_line_starting(text, "|   LABEL"),
              "|   LABEL    | COUNT  | DEPTH  |     METRIC      |  SUM   | MEAN   |  MIN   |  MAX  "
              " | STDDEV | % SELF |");
    CHECK_STR(tm_line_starting(text, "| >>> faults"),
              "| >>> faults |      2 |      0 | minor_page_flts |      8 |      4 |      3 |      "
              "5 |      1 |  100.0 |");
    free(text);
    tm_end();
}
