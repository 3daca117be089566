/* test_diff.c -- difference output: the input file names (SETTINGS.md §4.4), the schema check
 * of a previous run's flat JSON (ours, corrupt, truncated, foreign, another component), the
 * subtraction and its golden table (OUTPUT.md §6) against hand-built previous-run JSON, the
 * console lines of the whole step, and the files written by tm__output_result. */
#include "internal.h"
#include "tm_test.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- settings saved and restored ----------------------------------------------------------- */

typedef struct tm_diff_saved {
    tm__settings_store scalars;
    char*              strings[7];
} tm_diff_saved;

static const char* const tm_diff_string_names[7] = { "output_path",      "output_prefix",
                                                     "input_path",       "input_prefix",
                                                     "input_extensions", "time_format",
                                                     "timing_units" };

static tm_diff_saved tm_diff_save(void)
{
    tm_diff_saved s;
    s.scalars = tm__settings;
    for(int i = 0; i < 7; ++i) s.strings[i] = tm__settings_string_copy(tm_diff_string_names[i]);
    timemory_settings_set_string("output_prefix", "");
    timemory_settings_set_string("input_path", "");
    timemory_settings_set_string("input_prefix", "");
    timemory_settings_set_string("input_extensions", "json,xml");
    tm__settings.scientific = false;
    tm__settings.precision = tm__settings.width = -1;
    tm__settings.timing_precision = tm__settings.timing_width = -1;
    tm__settings.max_depth                                    = 65535;
    tm__settings.max_width                                    = 120;
    tm__settings.time_output                                  = false;
    tm__settings.separator_frequency                          = 0;
    timemory_settings_set_string("timing_units", "");
    return s;
}

static void tm_diff_restore(tm_diff_saved* s)
{
    for(int i = 0; i < 7; ++i)
    {
        timemory_settings_set_string(tm_diff_string_names[i], s->strings[i] ? s->strings[i] : "");
        free(s->strings[i]);
    }
#define TM_RESTORE(field) tm__settings.field = s->scalars.field
    TM_RESTORE(scientific), TM_RESTORE(precision), TM_RESTORE(width);
    TM_RESTORE(timing_precision), TM_RESTORE(timing_width), TM_RESTORE(max_depth);
    TM_RESTORE(max_width), TM_RESTORE(time_output), TM_RESTORE(separator_frequency);
    TM_RESTORE(file_output), TM_RESTORE(json_output), TM_RESTORE(tree_output);
    TM_RESTORE(text_output), TM_RESTORE(flamegraph_output), TM_RESTORE(cout_output);
    TM_RESTORE(diff_output), TM_RESTORE(dart_output), TM_RESTORE(ctest_notes);
#undef TM_RESTORE
}

static void tm_diff_write(const char* path, const char* text)
{
    FILE* f = fopen(path, "wb");
    if(!f) return;
    fputs(text, f);
    fclose(f);
}

/* ---- this run: foo (800 ms) > bar (2 x 20 ms); baz (80 ms) ---------------------------------- */

typedef struct tm_diff_run {
    tm__entry  e[3];
    tm__result r;
} tm_diff_run;

static void tm_diff_run_init(tm_diff_run* f)
{
    memset(f, 0, sizeof(*f));
    static const char* const prefix[3] = { ">>> foo", ">>> |_bar", ">>> baz" };
    int                      depth[3]  = { 0, 1, 0 };
    uint64_t                 laps[3]   = { 1, 2, 1 };
    int64_t                  value[3]  = { 800000000, 40000000, 80000000 };
    uint64_t hash[3] = { 1012012477271656842ull, 7523846677628039828ull, 11756064828771843836ull };
    for(int i = 0; i < 3; ++i)
    {
        tm__entry* e    = &f->e[i];
        e->prefix       = (char*)prefix[i];
        e->label        = prefix[i] + strlen(prefix[i]) - 3;
        e->depth        = depth[i];
        e->laps         = laps[i];
        e->accum[0]     = value[i];
        e->hash         = hash[i];
        e->rolling_hash = i == 1 ? hash[0] + hash[1] : hash[i];
        double v[2]     = { (double)value[i] / (double)laps[i], 0.0 };
        for(uint64_t k = 0; k < laps[i]; ++k) tm__stats_add(&e->stats, v, 1);
    }
    f->r.comp         = TIMEMORY_WALL_CLOCK;
    f->r.entries      = f->e;
    f->r.nentries     = 3;
    f->r.thread_count = 1;
    f->r.pid          = 4242;
    f->r.root.label   = "unknown-hash=0";
}

/* The previous run, as the flat JSON writer would have written it: foo 500 ms; bar 3 pops of
 * 5, 10 and 15 ms; qux, which this run lacks; baz under another parent (another rolling
 * hash): neither of the last two matches. Numbers in display units (sec). */
static const char tm_diff_previous[] =
    "{\"timemory\":{\"wall_clock\":{\"properties\":{\"cereal_class_version\":0,\"value\":62,"
    "\"enum\":\"WALL_CLOCK\",\"id\":\"wall_clock\",\"ids\":[\"real_clock\",\"virtual_clock\","
    "\"wall_clock\"]},\"type\":\"wall\",\"description\":\"Real-clock timer (i.e. wall-clock "
    "timer)\",\"unit_value\":1000000000,\"unit_repr\":\"sec\",\"thread_scope_only\":false,"
    "\"thread_count\":2,\"mpi_size\":1,\"upcxx_size\":1,\"process_count\":1,\"num_ranks\":1,"
    "\"concurrency\":2,\"ranks\":[{\"rank\":0,\"graph_size\":4,\"graph\":[\n"
    "{\"hash\":1012012477271656842,\"prefix\":\">>> foo\",\"depth\":0,\"entry\":{"
    "\"cereal_class_version\":0,\"laps\":1,\"value\":500000000,\"accum\":500000000,"
    "\"repr_data\":0.5,\"repr_display\":0.5},\"stats\":{\"cereal_class_version\":0,\"sum\":0.5,"
    "\"count\":1,\"min\":0.5,\"max\":0.5,\"sqr\":0.25,\"mean\":0.5,\"stddev\":0.0},"
    "\"rolling_hash\":1012012477271656842},\n"
    "{\"hash\":7523846677628039828,\"prefix\":\">>> |_bar\",\"depth\":1,\"entry\":{\"laps\":3,"
    "\"value\":30000000,\"accum\":30000000,\"repr_data\":0.03,\"repr_display\":0.03},"
    "\"stats\":{\"sum\":0.03,\"count\":3,\"min\":0.005,\"max\":0.015,\"sqr\":0.00035,"
    "\"mean\":0.01,\"stddev\":0.005},\"rolling_hash\":8535859154899696670},\n"
    "{\"hash\":99,\"prefix\":\">>> qux\",\"depth\":0,\"entry\":{\"laps\":1,\"value\":7,"
    "\"accum\":7,\"repr_data\":7e-09,\"repr_display\":7e-09},\"stats\":{\"sum\":7e-09,"
    "\"count\":1,\"min\":7e-09,\"max\":7e-09,\"sqr\":4.9e-17,\"mean\":7e-09,\"stddev\":0.0},"
    "\"rolling_hash\":99},\n"
    "{\"hash\":11756064828771843836,\"prefix\":\">>> baz\",\"depth\":0,\"entry\":{\"laps\":1,"
    "\"value\":1,\"accum\":1,\"repr_data\":1e-09,\"repr_display\":1e-09},\"stats\":{\"sum\":1e-09,"
    "\"count\":1,\"min\":1e-09,\"max\":1e-09,\"sqr\":1e-18,\"mean\":1e-09,\"stddev\":0.0},"
    "\"rolling_hash\":5}]}]}}}\n";

/* rolling hash of bar = 1012012477271656842 + 7523846677628039828 (foo's + its own) */
static char* tm_diff_previous_text(void)
{
    return tm__strdup(tm_diff_previous);
}

static int tm_diff_load_text(const char* text, int comp, tm__result* prev, char* why, size_t len)
{
    tm__json_error err;
    tm__jtree*     t = tm__jtree_parse(text, strlen(text), NULL, &err);
    if(!t)
    {
        snprintf(why, len, "%s", err.message);
        return err.code;
    }
    int rc = tm__diff_load(tm__jtree_root(t), comp, prev, why, len);
    tm__jtree_free(t);
    return rc;
}

/* ---- input file names ---------------------------------------------------------------------- */

TM_TEST(diff_input_candidates)
{
    tm_diff_saved s = tm_diff_save();
    char*         c[16];
    timemory_settings_set_string("output_path", "timemory-app-output");
    int n = tm__diff_input_candidates("wall", c, 16);
    CHECK_INT(n, 2); /* ".json" first, then input_extensions "json,xml" without the repeat */
    if(n == 2)
    {
        CHECK_STR(c[0], "timemory-app-output/wall.json");
        CHECK_STR(c[1], "timemory-app-output/wall.xml");
    }
    for(int i = 0; i < n; ++i) free(c[i]);

    /* input_path and input_prefix win over output_path and output_prefix */
    timemory_settings_set_string("output_prefix", "out");
    timemory_settings_set_string("input_path", "previous//run/");
    timemory_settings_set_string("input_extensions", "json5; .old,");
    n = tm__diff_input_candidates("peak_rss", c, 16);
    CHECK_INT(n, 3);
    if(n == 3)
    {
        CHECK_STR(c[0], "previous/run/out-peak_rss.json");
        CHECK_STR(c[1], "previous/run/out-peak_rss.json5");
        CHECK_STR(c[2], "previous/run/out-peak_rss.old");
    }
    for(int i = 0; i < n; ++i) free(c[i]);
    timemory_settings_set_string("input_prefix", "in_");
    n = tm__diff_input_candidates("wall", c, 1);
    CHECK_INT(n, 1);
    if(n == 1) CHECK_STR(c[0], "previous/run/in_wall.json");
    for(int i = 0; i < n; ++i) free(c[i]);
    /* UTF-8 kept, as in the output names */
    timemory_settings_set_string("input_path", "timemory-r\xc3\xa9sum\xc3\xa9-output");
    timemory_settings_set_string("input_prefix", "pr\xc3\xa9");
    n = tm__diff_input_candidates("wall", c, 1);
    CHECK_INT(n, 1);
    if(n == 1) CHECK_STR(c[0], "timemory-r\xc3\xa9sum\xc3\xa9-output/pr\xc3\xa9-wall.json");
    for(int i = 0; i < n; ++i) free(c[i]);
    CHECK_INT(tm__diff_input_candidates(NULL, c, 16), 0);
    tm_diff_restore(&s);
}

/* ---- the schema check ---------------------------------------------------------------------- */

TM_TEST(diff_load_previous_run)
{
    tm_diff_saved s    = tm_diff_save();
    char*         text = tm_diff_previous_text();
    tm__result    prev;
    char          why[512];
    CHECK_INT(tm_diff_load_text(text, TIMEMORY_WALL_CLOCK, &prev, why, sizeof(why)), TIMEMORY_OK);
    CHECK_INT(prev.nentries, 4);
    CHECK_INT(prev.thread_count, 2);
    if(prev.nentries == 4)
    {
        const tm__entry* bar = &prev.entries[1];
        CHECK_STR(bar->prefix, ">>> |_bar");
        CHECK_STR(bar->label, "bar");
        CHECK_INT(bar->depth, 1);
        CHECK_INT(bar->laps, 3);
        CHECK_INT(bar->accum[0], 30000000);
        CHECK(bar->hash == 7523846677628039828ull);
        CHECK(bar->rolling_hash == 8535859154899696670ull);
        /* statistics back in base units (ns) */
        CHECK_NEAR(bar->stats.sum[0], 3.0e7, 1e-3);
        CHECK_NEAR(bar->stats.sqr[0], 3.5e14, 1e2);
        CHECK_NEAR(bar->stats.min[0], 5.0e6, 1e-6);
        CHECK_NEAR(bar->stats.max[0], 1.5e7, 1e-6);
        CHECK_INT(bar->stats.count, 3);
        CHECK(prev.entries[3].hash == 11756064828771843836ull);
    }
    tm__result_free(&prev);

    /* statistics written in msec (another run's timing_units) still come back as ns */
    char* msec = tm__strdup(text);
    char* at   = strstr(msec, "\"repr_data\":0.5,");
    CHECK(at != NULL);
    if(at)
    {
        memcpy(at, "\"repr_data\":500,", 16);
        at = strstr(msec, "\"sum\":0.5,");
        memcpy(at, "\"sum\":500,", 10);
        CHECK_INT(tm_diff_load_text(msec, TIMEMORY_WALL_CLOCK, &prev, why, sizeof(why)),
                  TIMEMORY_OK);
        CHECK_NEAR(prev.nentries ? prev.entries[0].stats.sum[0] : 0.0, 5.0e8, 1e-3);
        tm__result_free(&prev);
    }
    free(msec);
    free(text);
    tm_diff_restore(&s);
}

TM_TEST(diff_load_two_valued_component)
{
    const char* text =
        "{\"timemory\":{\"current_peak_rss\":{\"ranks\":[{\"rank\":0,\"graph_size\":1,"
        "\"graph\":[{\"hash\":5,\"prefix\":\">>> m\",\"depth\":0,\"entry\":{\"laps\":2,"
        "\"value\":{\"first\":5028000,\"second\":5156000},\"repr_data\":{\"first\":5.028,"
        "\"second\":5.156}},\"stats\":{\"sum\":[10.056,10.312],\"count\":2,\"min\":{\"first\":"
        "5.028,\"second\":5.156},\"max\":{\"first\":5.028,\"second\":5.156},\"sqr\":{\"first\":"
        "50.56,\"second\":53.17}},\"rolling_hash\":5}]}]}}}";
    tm__result prev;
    char       why[512];
    int        rc = tm_diff_load_text(text, TIMEMORY_CURRENT_PEAK_RSS, &prev, why, sizeof(why));
    if(rc != TIMEMORY_OK) fprintf(stderr, "  %s\n", why);
    CHECK_INT(rc, TIMEMORY_OK);
    CHECK_INT(prev.nentries, 1);
    if(prev.nentries == 1)
    {
        CHECK_INT(prev.entries[0].accum[0], 5028000);
        CHECK_INT(prev.entries[0].accum[1], 5156000);
        CHECK_NEAR(prev.entries[0].stats.sum[1], 10312000.0, 1e-6);
        CHECK_NEAR(prev.entries[0].stats.max[0], 5028000.0, 1e-6);
    }
    tm__result_free(&prev);
    /* a scalar where a pair belongs */
    char* scalar = tm__strdup(text);
    char* at     = strstr(scalar, "{\"first\":5028000,\"second\":5156000}");
    memcpy(at, "5028000                           ", 34);
    CHECK_INT(tm_diff_load_text(scalar, TIMEMORY_CURRENT_PEAK_RSS, &prev, why, sizeof(why)),
              TIMEMORY_EFORMAT);
    CHECK_STR(why, "timemory.current_peak_rss.ranks[0].graph[0].entry.value: expected a pair "
                   "({\"first\",\"second\"} or [a,b]) of numbers, found a number (line 1)");
    free(scalar);
}

/* one edit of the previous run -> the message naming what is wrong */
static void tm_diff_check_rejected(const char* from, const char* to, const char* expected)
{
    char* text = tm_diff_previous_text();
    char* at   = text ? strstr(text, from) : NULL;
    CHECK(at != NULL);
    if(!at)
    {
        free(text);
        return;
    }
    tm__buf b;
    tm__buf_init(&b);
    tm__buf_append(&b, text, (size_t)(at - text));
    tm__buf_puts(&b, to);
    tm__buf_puts(&b, at + strlen(from));
    char*      edited = tm__buf_take(&b);
    tm__result prev;
    char       why[512] = "";
    int        rc       = tm_diff_load_text(edited, TIMEMORY_WALL_CLOCK, &prev, why, sizeof(why));
    CHECK(rc != TIMEMORY_OK);
    CHECK_STR(why, expected);
    free(edited);
    free(text);
}

TM_TEST(diff_load_rejects_what_is_not_ours)
{
    tm__result prev;
    char       why[512];
    CHECK_INT(tm_diff_load_text("[1, 2]", TIMEMORY_WALL_CLOCK, &prev, why, sizeof(why)),
              TIMEMORY_EFORMAT);
    CHECK_STR(why, "not a timemory output (no \"timemory\" object at the top level)");
    CHECK_INT(
        tm_diff_load_text("{\"timemory\":{\"settings\":{\"TIMEMORY_VERBOSE\":{\"value\":1}}}}",
                          TIMEMORY_WALL_CLOCK, &prev, why, sizeof(why)),
        TIMEMORY_EFORMAT);
    CHECK_STR(why, "timemory: holds no wall_clock data (it holds: settings)");
    CHECK_INT(tm_diff_load_text("{\"timemory\":{}}", TIMEMORY_WALL_CLOCK, &prev, why, sizeof(why)),
              TIMEMORY_EFORMAT);
    CHECK_STR(why, "timemory: holds no wall_clock data (it is empty)");
    /* another component's file */
    char* text = tm_diff_previous_text();
    CHECK_INT(tm_diff_load_text(text, TIMEMORY_CPU_CLOCK, &prev, why, sizeof(why)),
              TIMEMORY_EFORMAT);
    CHECK_STR(why, "timemory: holds no cpu_clock data (it holds: wall_clock)");
    free(text);
    /* the tree layout */
    CHECK_INT(tm_diff_load_text("{\"timemory\":{\"wall_clock\":{\"graph\":[[]]}}}",
                                TIMEMORY_WALL_CLOCK, &prev, why, sizeof(why)),
              TIMEMORY_EFORMAT);
    CHECK_STR(why, "timemory.wall_clock: is the hierarchical (tree) layout; the difference "
                   "reads the flat layout (wall.json)");
    /* no entries at all is not an error: nothing to compare */
    CHECK_INT(tm_diff_load_text("{\"timemory\":{\"wall_clock\":{\"ranks\":[]}}}",
                                TIMEMORY_WALL_CLOCK, &prev, why, sizeof(why)),
              TIMEMORY_OK);
    CHECK_INT(prev.nentries, 0);
    tm__result_free(&prev);

    tm_diff_check_rejected("\"ranks\":", "\"ranks\":{},\"r\":",
                           "timemory.wall_clock.ranks: expected an array, found an object "
                           "(line 1)");
    tm_diff_check_rejected("\"graph_size\":4", "\"graph_size\":5",
                           "timemory.wall_clock.ranks[0].graph_size: does not match the 4 "
                           "entries of the graph");
    tm_diff_check_rejected("\"depth\":1", "\"depth\":\"1\"",
                           "timemory.wall_clock.ranks[0].graph[1].depth: expected an integer, "
                           "found a string (line 3)");
    tm_diff_check_rejected("\"depth\":1", "\"depth\":-1",
                           "timemory.wall_clock.ranks[0].graph[1].depth: -1 is not a depth");
    tm_diff_check_rejected("{\"hash\":99,", "{\"hash\":-99,",
                           "timemory.wall_clock.ranks[0].graph[2].hash: expected an unsigned "
                           "64-bit integer, found a number (line 4)");
    tm_diff_check_rejected("\"prefix\":\">>> qux\",", "",
                           "timemory.wall_clock.ranks[0].graph[2].prefix: missing (expected a "
                           "string)");
    tm_diff_check_rejected("\"value\":30000000", "\"value\":3.5",
                           "timemory.wall_clock.ranks[0].graph[1].entry.value: expected an "
                           "integer, found a number (line 3)");
    tm_diff_check_rejected("\"sqr\":0.00035", "\"sqr\":null",
                           "timemory.wall_clock.ranks[0].graph[1].stats.sqr: expected a "
                           "number, found null (line 3)");
    tm_diff_check_rejected("\"count\":3", "\"count\":1.5",
                           "timemory.wall_clock.ranks[0].graph[1].stats.count: expected an "
                           "unsigned integer, found a number (line 3)");
    tm_diff_check_rejected("\"prefix\":\">>> foo\"", "\"prefix\":\">>> f\\u0000oo\"",
                           "timemory.wall_clock.ranks[0].graph[0].prefix: contains a NUL "
                           "character");
    tm_diff_check_rejected("{\"hash\":99,", "7,{\"hash\":99,",
                           "timemory.wall_clock.ranks[0].graph_size: does not match the 5 "
                           "entries of the graph");
}

/* ---- the subtraction and its table ---------------------------------------------------------- */

TM_TEST(diff_compute_golden_table)
{
    tm_diff_saved s = tm_diff_save();
    tm_diff_run   run;
    tm_diff_run_init(&run);
    char*      text = tm_diff_previous_text();
    tm__result prev, diff;
    char       why[512];
    CHECK_INT(tm_diff_load_text(text, TIMEMORY_WALL_CLOCK, &prev, why, sizeof(why)), TIMEMORY_OK);
    free(text);
    CHECK_INT(tm__diff_compute(&run.r, &prev, "prev/wall.json", &diff), TIMEMORY_OK);
    CHECK_INT(diff.nentries, 2); /* qux is not in this run; baz moved: both dropped */
    if(diff.nentries == 2)
    {
        const tm__entry* foo = &diff.entries[0];
        const tm__entry* bar = &diff.entries[1];
        CHECK_STR(foo->prefix, ">>> foo");
        CHECK_STR(foo->label, "foo");
        CHECK_INT(foo->accum[0], 300000000);
        CHECK_INT(foo->laps, 1);
        CHECK_NEAR(foo->stats.sum[0], 3.0e8, 1e-3);
        CHECK_NEAR(foo->stats.sqr[0], 6.4e17 - 2.5e17, 1e3);
        CHECK_NEAR(foo->stats.min[0], 5.0e8, 1e-3); /* min and max of both runs */
        CHECK_NEAR(foo->stats.max[0], 8.0e8, 1e-3);
        CHECK_INT(foo->stats.count, 1);
        CHECK_STR(bar->prefix, ">>> |_bar");
        CHECK_STR(bar->label, "bar");
        CHECK_INT(bar->accum[0], 10000000);
        CHECK_INT(bar->laps, 2); /* laps of this run */
        CHECK_INT(bar->stats.count, 2);
        CHECK_NEAR(bar->stats.min[0], 5.0e6, 1e-3);
        CHECK_NEAR(bar->stats.max[0], 2.0e7, 1e-3);
    }
    CHECK_STR(diff.banner, "REAL-CLOCK TIMER (I.E. WALL-CLOCK TIMER) vs. prev/wall.json with 1 "
                           "fewer thread");

    tm__buf table;
    tm__buf_init(&table);
    tm__write_text(&table, &diff);
    CHECK_STR(table.data, "|-----------------------------------------------------------------------"
                          "------------------------------|\n"
                          "|            REAL-CLOCK TIMER (I.E. WALL-CLOCK TIMER) vs. "
                          "prev/wall.json with 1 fewer thread          |\n"
                          "|-----------------------------------------------------------------------"
                          "------------------------------|\n"
                          "|  LABEL    | COUNT  | DEPTH  | METRIC | UNITS  |  SUM   | MEAN   |  "
                          "MIN   |  MAX   | STDDEV | % SELF |\n"
                          "|-----------|--------|--------|--------|--------|--------|--------|-----"
                          "---|--------|--------|--------|\n"
                          "| >>> foo   |      1 |      0 | wall   | sec    |  0.300 |  0.300 |  "
                          "0.500 |  0.800 |  0.000 |   96.7 |\n"
                          "| >>> |_bar |      2 |      1 | wall   | sec    |  0.010 |  0.005 |  "
                          "0.005 |  0.020 |  0.020 |  100.0 |\n"
                          "|-----------------------------------------------------------------------"
                          "------------------------------|\n");
    tm__buf_free(&table);

    /* the flat JSON of the difference reads back as the same entries */
    tm__buf doc;
    tm__buf_init(&doc);
    const tm__result* one[1] = { &diff };
    tm__write_json_flat(&doc, one, 1);
    tm__result back;
    CHECK_INT(tm_diff_load_text(doc.data, TIMEMORY_WALL_CLOCK, &back, why, sizeof(why)),
              TIMEMORY_OK);
    CHECK_INT(back.nentries, diff.nentries);
    for(size_t i = 0; i < back.nentries && i < diff.nentries; ++i)
    {
        CHECK_STR(back.entries[i].prefix, diff.entries[i].prefix);
        CHECK_INT(back.entries[i].accum[0], diff.entries[i].accum[0]);
        CHECK(back.entries[i].rolling_hash == diff.entries[i].rolling_hash);
        CHECK_NEAR(back.entries[i].stats.sum[0], diff.entries[i].stats.sum[0], 1e-3);
    }
    tm__result_free(&back);
    tm__buf_free(&doc);

    /* the same thread count: no thread clause; nothing in common: an empty table */
    prev.thread_count = 1;
    tm__result_free(&diff);
    run.e[0].hash = run.e[1].hash = 1;
    CHECK_INT(tm__diff_compute(&run.r, &prev, "p.json", &diff), TIMEMORY_OK);
    CHECK_STR(diff.banner, "REAL-CLOCK TIMER (I.E. WALL-CLOCK TIMER) vs. p.json");
    CHECK_INT(diff.nentries, 0);
    tm__result_free(&diff);
    tm__result_free(&prev);
    tm_diff_restore(&s);
}

/* ---- the whole step ------------------------------------------------------------------------- */

TM_TEST(diff_build_reads_the_previous_output)
{
    tm_diff_saved s   = tm_diff_save();
    char*         dir = tm_temp_dir("tm_diff");
    CHECK(dir != NULL);
    if(!dir) return;
    char prev_dir[512], path[1024];
    snprintf(prev_dir, sizeof(prev_dir), "%s/previous", dir);
    mkdir(prev_dir, 0777);
    snprintf(path, sizeof(path), "%s/wall.json", prev_dir);
    char* text = tm_diff_previous_text();
    tm_diff_write(path, text);
    free(text);
    timemory_settings_set_string("output_path", dir);
    timemory_settings_set_string("input_path", prev_dir);

    tm_diff_run run;
    tm_diff_run_init(&run);
    tm__result diff;
    tm_capture out, err;
    tm_capture_begin(&err, 2);
    tm_capture_begin(&out, 1);
    int   rc      = tm__diff_build(&run.r, &diff);
    char* console = tm_capture_end(&out);
    char* errors  = tm_capture_end(&err);
    CHECK_INT(rc, TIMEMORY_OK);
    char expected[4096];
    snprintf(expected, sizeof(expected),
             "Checking for existing input at %s...\n[wall]|0> Reading '%s'...\n", path, path);
    CHECK_STR(console, expected);
    CHECK_STR(errors, "");
    CHECK_INT(diff.nentries, 2);
    snprintf(expected, sizeof(expected),
             "REAL-CLOCK TIMER (I.E. WALL-CLOCK TIMER) vs. %s with 1 fewer thread", path);
    CHECK_STR(diff.banner, expected);
    tm__result_free(&diff);
    free(console);
    free(errors);

    /* corrupt, truncated, foreign: one message naming the file and the reason; no diff */
    struct {
        const char* content;
        const char* reason;
    } bad[] = {
        { "{\"timemory\":{\"wall_clock\":{\"ranks\":[{\"rank\":0,",
          "line 1, column 47: the input ends inside an object (truncated?)" },
        { "\x89PNG\r\n\x1a\n", "line 1, column 1: expected a value, found byte 0x89" },
        { "{\"traceEvents\":[]}",
          "not a timemory output (no \"timemory\" object at the top level)" },
        { "{\"timemory\":{\"cpu_clock\":{\"ranks\":[]}}}",
          "timemory: holds no wall_clock data (it holds: cpu_clock)" },
    };
    for(size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); ++i)
    {
        tm_diff_write(path, bad[i].content);
        tm_capture_begin(&err, 2);
        tm_capture_begin(&out, 1);
        rc      = tm__diff_build(&run.r, &diff);
        console = tm_capture_end(&out);
        errors  = tm_capture_end(&err);
        CHECK_INT(rc, TIMEMORY_ENOTFOUND);
        CHECK_INT(diff.nentries, 0);
        snprintf(expected, sizeof(expected),
                 "[timemory] warning: [wall] cannot compare with '%s': %s; no difference "
                 "written\n",
                 path, bad[i].reason);
        CHECK_STR(errors, expected);
        free(console);
        free(errors);
    }

    /* unreadable (unless running as root, who reads everything) */
    tm_diff_write(path, "{}");
    chmod(path, 0);
    FILE* probe = fopen(path, "rb");
    if(probe)
        fclose(probe);
    else
    {
        tm_capture_begin(&err, 2);
        tm_capture_begin(&out, 1);
        rc = tm__diff_build(&run.r, &diff);
        free(tm_capture_end(&out));
        errors = tm_capture_end(&err);
        CHECK_INT(rc, TIMEMORY_ENOTFOUND);
        snprintf(expected, sizeof(expected),
                 "[wall]|0> Failure opening '%s' for input... (Permission denied)\n", path);
        CHECK_STR(errors, expected);
        free(errors);
    }
    chmod(path, 0644);

    /* a socket: it exists, yet cannot be opened (root included) */
    unlink(path);
    int                sock = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    if(sock >= 0 && strlen(path) < sizeof(addr.sun_path))
    {
        memcpy(addr.sun_path, path, strlen(path) + 1); /* length checked above */
        if(bind(sock, (struct sockaddr*)&addr, sizeof(addr)) == 0)
        {
            tm_capture_begin(&err, 2);
            tm_capture_begin(&out, 1);
            rc      = tm__diff_build(&run.r, &diff);
            console = tm_capture_end(&out);
            errors  = tm_capture_end(&err);
            CHECK_INT(rc, TIMEMORY_ENOTFOUND);
            snprintf(expected, sizeof(expected), "[wall]|0> Reading '%s'...\n", path);
            CHECK(console && strstr(console, expected));
            snprintf(expected, sizeof(expected),
                     "[wall]|0> Failure opening '%s' for input... (No such device or address)\n",
                     path);
            CHECK_STR(errors, expected);
            free(console);
            free(errors);
        }
        else
            printf("  (cannot make a socket file: not checked)\n");
    }
    if(sock >= 0) close(sock);

    /* nothing there: every candidate probed, one warning */
    unlink(path);
    tm_capture_begin(&err, 2);
    tm_capture_begin(&out, 1);
    rc      = tm__diff_build(&run.r, &diff);
    console = tm_capture_end(&out);
    errors  = tm_capture_end(&err);
    CHECK_INT(rc, TIMEMORY_ENOTFOUND);
    snprintf(expected, sizeof(expected),
             "Checking for existing input at %s/wall.json...\n"
             "Checking for existing input at %s/wall.xml...\n",
             prev_dir, prev_dir);
    CHECK_STR(console, expected);
    snprintf(expected, sizeof(expected),
             "[timemory] warning: no difference output for 'wall': no previous output at "
             "'%s/wall.json' or '%s/wall.xml'\n",
             prev_dir, prev_dir);
    CHECK_STR(errors, expected);
    free(console);
    free(errors);

    /* an XML input is named, not parsed */
    snprintf(path, sizeof(path), "%s/wall.xml", prev_dir);
    tm_diff_write(path, "<?xml version=\"1.0\"?>");
    tm_capture_begin(&err, 2);
    tm_capture_begin(&out, 1);
    rc = tm__diff_build(&run.r, &diff);
    free(tm_capture_end(&out));
    errors = tm_capture_end(&err);
    CHECK_INT(rc, TIMEMORY_ENOTFOUND);
    snprintf(expected, sizeof(expected),
             "[timemory] warning: [wall] cannot compare with '%s': only JSON input is read, "
             "not XML\n",
             path);
    CHECK_STR(errors, expected);
    free(errors);

    tm_remove_tree(dir);
    free(dir);
    tm_diff_restore(&s);
}

/* diff_output through tm__output_result: the run's own files, then wall.diff.json and
 * wall.diff.txt; input_path empty reads the output folder before it is overwritten. */
TM_TEST(diff_output_writes_difference_files)
{
    tm_diff_saved s   = tm_diff_save();
    char*         dir = tm_temp_dir("tm_diff");
    CHECK(dir != NULL);
    if(!dir) return;
    char path[1024];
    snprintf(path, sizeof(path), "%s/wall.json", dir);
    char* text = tm_diff_previous_text();
    tm_diff_write(path, text);
    free(text);
    timemory_settings_set_string("output_path", dir);
    tm__settings.file_output = tm__settings.json_output = tm__settings.text_output = true;
    tm__settings.tree_output = tm__settings.flamegraph_output = false;
    tm__settings.cout_output                                  = false;
    tm__settings.dart_output = tm__settings.ctest_notes = false;
    tm__settings.diff_output                            = true;

    tm_diff_run run;
    tm_diff_run_init(&run);
    tm_capture out;
    tm_capture_begin(&out, 1);
    int   rc      = tm__output_result(&run.r);
    char* console = tm_capture_end(&out);
    CHECK_INT(rc, TIMEMORY_OK);
    char expected[4096];
    snprintf(expected, sizeof(expected),
             "Checking for existing input at %s/wall.json...\n"
             "[wall]|0> Reading '%s/wall.json'...\n"
             "[wall]|0> Outputting '%s/wall.json'...\n"
             "[wall]|0> Outputting '%s/wall.txt'...\n"
             "\n"
             "[wall]|0> Outputting '%s/wall.diff.json'...\n"
             "[wall]|0> Outputting '%s/wall.diff.txt'...\n"
             "\n",
             dir, dir, dir, dir, dir, dir);
    CHECK_STR(console, expected);
    free(console);

    snprintf(path, sizeof(path), "%s/wall.diff.txt", dir);
    char* table = tm_read_file(path);
    CHECK(table && strstr(table, "| >>> foo   |      1 |      0 | wall   | sec    |  0.300 |"));
    snprintf(expected, sizeof(expected),
             "REAL-CLOCK TIMER (I.E. WALL-CLOCK TIMER) vs. %s/wall.json", dir);
    CHECK(table && strstr(table, expected) != NULL);
    free(table);
    snprintf(path, sizeof(path), "%s/wall.diff.json", dir);
    char*      doc = tm_read_file(path);
    tm__result back;
    char       why[512];
    CHECK_INT(doc ? tm_diff_load_text(doc, TIMEMORY_WALL_CLOCK, &back, why, sizeof(why)) : -1,
              TIMEMORY_OK);
    CHECK_INT(back.nentries, 2);
    CHECK_INT(back.nentries ? back.entries[0].accum[0] : 0, 300000000);
    tm__result_free(&back);
    free(doc);

    /* this run's wall.json replaced the previous one: the next diff is against it */
    snprintf(path, sizeof(path), "%s/wall.json", dir);
    doc = tm_read_file(path);
    CHECK(doc && strstr(doc, "\"value\":800000000"));
    free(doc);

    /* with cout_output the difference table follows on stdout */
    tm__settings.cout_output = true;
    tm__settings.file_output = false;
    tm_capture_begin(&out, 1);
    tm__output_result(&run.r);
    console            = tm_capture_end(&out);
    const char* second = console ? strstr(console, "vs. ") : NULL;
    CHECK(second != NULL);
    CHECK(second && strstr(second, "| >>> foo   |      1 |      0 | wall   | sec    |  0.000 |"));
    free(console);

    tm_remove_tree(dir);
    free(dir);
    tm_diff_restore(&s);
}
