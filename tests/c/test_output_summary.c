/* test_output_summary.c -- the stdout summary (output_summary.c) of a run recorded with an
 * injected clock, so every line is exact: the top lists by self and inclusive time, the call
 * tree pruned below the threshold with its "more below" lines, labels cut to the width, the
 * files; widths of 80, $COLUMNS=60/120 and the setting; the choice between the whole table and
 * the summary (cout_mode, cout_max_rows, cout_output); threads merged; the progress line; a
 * component whose values do not add up (trip_count). */
#include "internal.h"
#include "tm_test.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const timemory_components_t WALL = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);

static int64_t tm_fake_now;
static int64_t tm_fake_reader(int comp, int idx)
{
    (void)comp;
    return idx == 0 ? tm_fake_now : 0;
}

/* ---- settings saved and restored around each test ----------------------------------------- */

typedef struct tm_saved {
    tm__settings_store scalars;
    char*              output_path;
    char*              cout_mode;
    char*              output_progress;
    char*              columns; /* $COLUMNS, or NULL when unset */
} tm_saved;

static tm_saved tm_save(void)
{
    tm_saved s;
    s.scalars                = tm__settings;
    s.output_path            = tm__settings_string_copy("output_path");
    s.cout_mode              = tm__settings_string_copy("cout_mode");
    s.output_progress        = tm__settings_string_copy("output_progress");
    s.columns                = getenv("COLUMNS") ? tm__strdup(getenv("COLUMNS")) : NULL;
    tm__settings.file_output = tm__settings.text_output = tm__settings.cout_output = true;
    tm__settings.json_output = tm__settings.tree_output = tm__settings.flamegraph_output = true;
    tm__settings.dart_output = tm__settings.ctest_notes = tm__settings.time_output = false;
    tm__settings.diff_output                                                       = false;
    tm__settings.max_depth                                                         = 65535;
    tm__settings.cout_max_rows                                                     = 50;
    tm__settings.summary_width                                                     = 0;
    tm__settings.summary_threshold                                                 = 1.0;
    tm__settings.summary_top                                                       = 5;
    tm__settings.summary_tree_lines                                                = 30;
    timemory_settings_set_string("cout_mode", "auto");
    timemory_settings_set_string("output_progress", "auto");
    unsetenv("COLUMNS");
    return s;
}

static void tm_restore(tm_saved* s)
{
    timemory_settings_set_string("output_path", s->output_path);
    timemory_settings_set_string("cout_mode", s->cout_mode);
    timemory_settings_set_string("output_progress", s->output_progress);
    free(s->output_path), free(s->cout_mode), free(s->output_progress);
#define TM_RESTORE(field) tm__settings.field = s->scalars.field
    TM_RESTORE(file_output), TM_RESTORE(text_output), TM_RESTORE(cout_output);
    TM_RESTORE(json_output), TM_RESTORE(tree_output), TM_RESTORE(flamegraph_output);
    TM_RESTORE(dart_output), TM_RESTORE(ctest_notes), TM_RESTORE(time_output);
    TM_RESTORE(diff_output), TM_RESTORE(max_depth), TM_RESTORE(cout_max_rows);
    TM_RESTORE(summary_width), TM_RESTORE(summary_threshold), TM_RESTORE(summary_top);
    TM_RESTORE(summary_tree_lines);
#undef TM_RESTORE
    if(s->columns)
        setenv("COLUMNS", s->columns, 1);
    else
        unsetenv("COLUMNS");
    free(s->columns);
}

/* ---- a recorded run ------------------------------------------------------------------------- */

static void tm_region(const char* name, int64_t before, int64_t after, void (*inside)(void))
{
    uint64_t id = timemory_add_hash_id(name);
    timemory_push(id, WALL, TIMEMORY_SCOPE_TREE);
    tm_fake_now += before;
    if(inside) inside();
    tm_fake_now += after;
    timemory_pop(id);
}

static void tm_helpers(void)
{
    /* 60 helpers of 1 ms: 0.1% each, below the threshold */
    for(int i = 0; i < 60; ++i)
    {
        char name[32];
        snprintf(name, sizeof(name), "helper_%02d", i);
        tm_region(name, 1000000, 0, NULL);
    }
}

static void tm_kernel_calls(void)
{
    for(int i = 0; i < 10; ++i) tm_region("kernel_a/solver.py:12", 30000000, 0, NULL); /* 300 ms */
    tm_region("kernel_b/solver.py:40", 150000000, 0, NULL);
}

static void tm_compute(void)
{
    tm_kernel_calls();
    tm_helpers();
}

static void tm_read(void)
{
    tm_region("read_block/io.py:7", 200000000, 0, NULL);
}

static void tm_deep(void)
{
    tm_region("a_function_with_a_very_long_name_that_cannot_fit/some/deep/package/path/"
              "module_with_a_long_name.py:1234",
              40000000, 0, NULL);
}

static void tm_main(void)
{
    tm_region("compute/app.py:20", 10000000, 0, tm_compute); /* 10 + 450 + 60 = 520 ms */
    tm_region("io/app.py:30", 0, 50000000, tm_read);         /* 250 ms */
    tm_region("kernel_b/solver.py:40", 100000000, 0, NULL);  /* the same function elsewhere */
    tm_region("setup/app.py:5", 5000000, 0, NULL);           /* 0.5%: hidden */
    tm_region("deep/app.py:50", 0, 0, tm_deep);
}

/* main 1000 ms = compute 520 + io 250 + kernel_b 100 + setup 5 + deep 40 + 85 of its own */
static void tm_record_run(void)
{
    timemory_clear(0);
    tm__set_test_reader(tm_fake_reader);
    tm__fast_wall = false;
    tm_fake_now   = 0;
    tm_region("main/app.py:1", 0, 85000000, tm_main);
    tm__set_test_reader(NULL);
    tm__fast_wall = true;
}

static size_t tm_longest_line(const char* text, size_t* lines)
{
    size_t longest = 0, n = 0;
    *lines = 0;
    for(const char* p = text; *p; ++p)
    {
        if(*p == '\n')
        {
            if(n > longest) longest = n;
            n = 0;
            ++*lines;
            continue;
        }
        if(((unsigned char)*p & 0xC0) != 0x80) ++n; /* characters */
    }
    return n > longest ? n : longest;
}

static const char* const tm_summary_80 =
    "[wall] summary of 70 entries: total 1.000 sec\n"
    "\n"
    "Top 5 by self time       count       self  % total\n"
    "  kernel_a/solver.py:12     10  0.300 sec     30.0\n"
    "  kernel_b/solver.py:40      2  0.250 sec     25.0\n"
    "  read_block/io.py:7         1  0.200 sec     20.0\n"
    "  main/app.py:1              1  0.085 sec      8.5\n"
    "  io/app.py:30               1  0.050 sec      5.0\n"
    "\n"
    "Top 5 by inclusive time  count  inclusive  % total\n"
    "  main/app.py:1              1  1.000 sec    100.0\n"
    "  compute/app.py:20          1  0.520 sec     52.0\n"
    "  kernel_a/solver.py:12     10  0.300 sec     30.0\n"
    "  io/app.py:30               1  0.250 sec     25.0\n"
    "  kernel_b/solver.py:40      2  0.250 sec     25.0\n"
    "\n"
    "Call tree (inclusive time; entries below 1% of the total hidden)\n"
    "  1.000 sec  100.0%  main/app.py:1\n"
    "  0.520 sec   52.0%  |_compute/app.py:20\n"
    "  0.300 sec   30.0%    |_kernel_a/solver.py:12\n"
    "  0.150 sec   15.0%    |_kernel_b/solver.py:40\n"
    "  0.060 sec    6.0%      (60 more below 1%)\n"
    "  0.250 sec   25.0%  |_io/app.py:30\n"
    "  0.200 sec   20.0%    |_read_block/io.py:7\n"
    "  0.100 sec   10.0%  |_kernel_b/solver.py:40\n"
    "  0.040 sec    4.0%  |_deep/app.py:50\n"
    "  0.040 sec    4.0%    |_a_function_with_a_very_lon...e_with_a_long_name.py:1234\n"
    "  0.005 sec    0.5%    (1 more below 1%)\n"
    "\n"
    "Full table (70 rows): out/wall.txt\n"
    "Files in out/: wall.json wall.tree.json wall.txt\n"
    "Whole table on stdout: TIMEMORY_COUT_MODE=full\n";

static char* tm_summary_of_run(int width, const char* const* files, size_t nfiles)
{
    tm_record_run();
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    tm__buf b;
    tm__buf_init(&b);
    tm__write_summary(&b, &r, files, nfiles, width);
    tm__result_free(&r);
    timemory_clear(0);
    CHECK(!b.failed);
    return tm__buf_take(&b);
}

static const char* const tm_files[3] = { "out/wall.json", "out/wall.tree.json", "out/wall.txt" };

/* self time summed over every call path of a function (kernel_b: 150 + 100 ms), inclusive
 * time, the tree heaviest first with what is below 1% counted under its parent, the label too
 * long for the line cut in the middle, the files */
TM_TEST(summary_exact_lines_at_80)
{
    tm_saved s    = tm_save();
    char*    text = tm_summary_of_run(80, tm_files, 3);
    CHECK_STR(text, tm_summary_80);
    size_t lines = 0;
    CHECK_INT(tm_longest_line(text, &lines), 80);
    CHECK_INT(lines, 32);
    free(text);
    tm_restore(&s);
}

/* the width: summary_width, else $COLUMNS (else the terminal's), else 80; at least 40 */
TM_TEST(summary_width_follows_columns)
{
    tm_saved s = tm_save();
    if(!isatty(STDOUT_FILENO)) CHECK_INT(tm__summary_width(), 80);
    setenv("COLUMNS", "60", 1);
    CHECK_INT(tm__summary_width(), 60);
    char*  text  = tm_summary_of_run(tm__summary_width(), tm_files, 3);
    size_t lines = 0;
    CHECK_INT(tm_longest_line(text, &lines), 60);
    CHECK(strstr(text, "  0.040 sec    4.0%    |_a_function_with_...ong_name.py:1234\n"));
    CHECK(strstr(text, "Call tree (below 1% hidden)\n"));
    free(text);
    setenv("COLUMNS", "120", 1);
    CHECK_INT(tm__summary_width(), 120);
    text = tm_summary_of_run(tm__summary_width(), tm_files, 3);
    /* the long label is cut at 120: 97 of its 103 characters */
    CHECK_INT(tm_longest_line(text, &lines), 120);
    CHECK(strstr(text, "|_a_function_with_a_very_long_name_that_cannot_f...p/package/path/"
                       "module_with_a_long_name.py:1234\n"));
    free(text);
    tm__settings.summary_width = 100; /* the setting wins */
    CHECK_INT(tm__summary_width(), 100);
    tm__settings.summary_width = 0;
    setenv("COLUMNS", "10", 1);
    CHECK_INT(tm__summary_width(), 40);
    text = tm_summary_of_run(tm__summary_width(), tm_files, 3);
    CHECK_INT(tm_longest_line(text, &lines), 40);
    CHECK(strstr(text, "[wall] summary of 70 entries\ntotal 1.000 sec\n"));
    CHECK(strstr(text, "Top 5 by self time\n               count       self  % total\n"));
    free(text);
    tm_restore(&s);
}

/* the threshold and the number of lines of the tree, the length of the top lists */
TM_TEST(summary_threshold_and_limits)
{
    tm_saved s                     = tm_save();
    tm__settings.summary_top       = 2;
    tm__settings.summary_threshold = 20.0;
    char*       text               = tm_summary_of_run(80, tm_files, 3);
    const char* tree               = strstr(text, "Call tree");
    CHECK_STR(tree, "Call tree (inclusive time; entries below 20% of the total hidden)\n"
                    "  1.000 sec  100.0%  main/app.py:1\n"
                    "  0.520 sec   52.0%  |_compute/app.py:20\n"
                    "  0.300 sec   30.0%    |_kernel_a/solver.py:12\n"
                    "  0.210 sec   21.0%      (61 more below 20%)\n"
                    "  0.250 sec   25.0%  |_io/app.py:30\n"
                    "  0.200 sec   20.0%    |_read_block/io.py:7\n"
                    "  0.145 sec   14.5%    (3 more below 20%)\n"
                    "\n"
                    "Full table (70 rows): out/wall.txt\n"
                    "Files in out/: wall.json wall.tree.json wall.txt\n"
                    "Whole table on stdout: TIMEMORY_COUT_MODE=full\n");
    CHECK(strstr(text, "Top 2 by self time       count       self  % total\n"
                       "  kernel_a/solver.py:12     10  0.300 sec     30.0\n"
                       "  kernel_b/solver.py:40      2  0.250 sec     25.0\n\n"));
    free(text);

    /* every helper shown (0.1% each): the lines past the limit are counted */
    tm__settings.summary_threshold  = 0.05;
    tm__settings.summary_tree_lines = 6;
    text                            = tm_summary_of_run(80, tm_files, 3);
    tree                            = strstr(text, "Call tree");
    CHECK(tree && strncmp(tree,
                          "Call tree (inclusive time; entries below 0.05% of the total hidden)\n"
                          "  1.000 sec  100.0%  main/app.py:1\n"
                          "  0.520 sec   52.0%  |_compute/app.py:20\n"
                          "  0.300 sec   30.0%    |_kernel_a/solver.py:12\n"
                          "  0.150 sec   15.0%    |_kernel_b/solver.py:40\n"
                          "  0.001 sec    0.1%    |_helper_00\n"
                          "  0.001 sec    0.1%    |_helper_01\n"
                          "  (64 more lines; TIMEMORY_SUMMARY_TREE_LINES=70 shows them)\n\n",
                          strlen("Call tree (inclusive time; entries below 0.05% of the total "
                                 "hidden)\n") +
                              6 * 37) == 0);
    CHECK(strstr(text, "  (64 more lines; TIMEMORY_SUMMARY_TREE_LINES=70 shows them)\n\n"));
    free(text);

    /* no lists, no tree: the header and the files */
    tm__settings.summary_top        = 0;
    tm__settings.summary_tree_lines = 0;
    text                            = tm_summary_of_run(80, NULL, 0);
    CHECK_STR(text, "[wall] summary of 70 entries: total 1.000 sec\n\n"
                    "Full table (70 rows): not written (text_output, file_output)\n"
                    "Whole table on stdout: TIMEMORY_COUT_MODE=full\n");
    free(text);
    tm_restore(&s);
}

/* ---- what finalize prints ------------------------------------------------------------------- */

static char* tm_output_console(const tm__result* r, char** err)
{
    tm_capture out, e;
    tm_capture_begin(&out, 1);
    tm_capture_begin(&e, 2);
    CHECK_INT(tm__output_result(r), TIMEMORY_OK);
    char* errtext = tm_capture_end(&e);
    char* text    = tm_capture_end(&out);
    if(err)
        *err = errtext;
    else
        free(errtext);
    return text;
}

static bool tm_starts(const char* text, const char* prefix)
{
    return text && strncmp(text, prefix, strlen(prefix)) == 0;
}

static size_t tm_count_lines(const char* text)
{
    size_t n = 0;
    for(const char* p = text; p && *p; ++p) n += *p == '\n';
    return n;
}

/* 70 entries: the summary, naming the files just written, after the "Outputting" lines; the
 * text file holds the whole table. 50 rows or fewer (or cout_mode=full): the whole table, as
 * the seeds show it; cout_mode=summary: the summary; cout_output=false: one empty line. */
TM_TEST(summary_or_whole_table_on_stdout)
{
    tm_saved s   = tm_save();
    char*    dir = tm_temp_dir("tm_summary");
    if(!dir) return;
    timemory_settings_set_string("output_path", dir);
    tm_record_run();
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);

    const char* names[5] = { "wall.flamegraph.json", "wall.flamegraph.svg", "wall.json",
                             "wall.tree.json", "wall.txt" };
    char        paths[5][600];
    const char* files[5];
    tm__buf     expected;
    tm__buf_init(&expected);
    for(int i = 0; i < 5; ++i)
    {
        snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, names[i]);
        files[i] = paths[i];
        tm__buf_printf(&expected, "[wall]|0> Outputting '%s'...\n", paths[i]);
    }
    size_t  head = expected.len;
    tm__buf summary, table;
    tm__buf_init(&summary);
    tm__buf_init(&table);
    tm__write_summary(&summary, &r, files, 5, 80);
    tm__write_text(&table, &r);
    tm__buf_printf(&expected, "\n%s\n", summary.data);

    char* console = tm_output_console(&r, NULL);
    CHECK_STR(console, expected.data);
    CHECK(strstr(console, "Full table (70 rows): "));
    char line[1200];
    snprintf(line, sizeof(line), "Files in %s/: wall.flamegraph.json wall.flamegraph.svg", dir);
    CHECK(strlen(line) > 80 || strstr(console, line));
    free(console);
    char* txt = tm_read_file(paths[4]);
    CHECK_STR(txt, table.data);
    CHECK_INT(tm_count_lines(txt), 70 + 6); /* every row, the banner, the header and rules */
    free(txt);

    /* rows within cout_max_rows: the whole table */
    tm__settings.cout_max_rows = 70;
    expected.len               = head;
    tm__buf_printf(&expected, "\n%s\n", table.data);
    console = tm_output_console(&r, NULL);
    CHECK_STR(console, expected.data);
    free(console);
    /* ... unless the summary is asked for */
    timemory_settings_set_string("cout_mode", "summary");
    expected.len = head;
    tm__buf_printf(&expected, "\n%s\n", summary.data);
    console = tm_output_console(&r, NULL);
    CHECK_STR(console, expected.data);
    free(console);
    /* full: the whole table past the limit */
    tm__settings.cout_max_rows = 50;
    timemory_settings_set_string("cout_mode", "full");
    expected.len = head;
    tm__buf_printf(&expected, "\n%s\n", table.data);
    console = tm_output_console(&r, NULL);
    CHECK_STR(console, expected.data);
    free(console);
    /* cout_output off: neither */
    tm__settings.cout_output = false;
    timemory_settings_set_string("cout_mode", "summary");
    expected.len = head;
    tm__buf_puts(&expected, "\n");
    console = tm_output_console(&r, NULL);
    CHECK_STR(console, expected.data);
    free(console);
    /* no file written: the summary says so */
    tm__settings.cout_output = true;
    tm__settings.file_output = false;
    console                  = tm_output_console(&r, NULL);
    CHECK(tm_starts(console, "\n[wall] summary of 70 entries: total 1.000 sec\n\nTop 5"));
    CHECK(strstr(console, "Full table (70 rows): not written (text_output, file_output)\n"));
    CHECK(!strstr(console, "Files in"));
    free(console);

    tm__buf_free(&expected);
    tm__buf_free(&summary);
    tm__buf_free(&table);
    tm__result_free(&r);
    timemory_clear(0);
    tm_remove_tree(dir);
    free(dir);
    tm_restore(&s);
}

/* a small table is printed whole by default (the seeds' finalize output) */
TM_TEST(summary_small_table_whole)
{
    tm_saved s   = tm_save();
    char*    dir = tm_temp_dir("tm_summary");
    if(!dir) return;
    timemory_settings_set_string("output_path", dir);
    tm__settings.file_output = false;
    timemory_clear(0);
    tm__set_test_reader(tm_fake_reader);
    tm__fast_wall = false;
    tm_fake_now   = 0;
    tm_region("small/app.py:1", 0, 2000000, tm_read);
    tm__set_test_reader(NULL);
    tm__fast_wall = true;
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    tm__buf table;
    tm__buf_init(&table);
    tm__write_text(&table, &r);
    tm__buf expected;
    tm__buf_init(&expected);
    tm__buf_printf(&expected, "\n%s\n", table.data);
    char* console = tm_output_console(&r, NULL);
    CHECK_STR(console, expected.data);
    tm__buf_free(&expected);
    CHECK(strstr(console, "| >>> |_read_block/io.py:7 |      1 |      1 | wall   | sec    |"));
    free(console);
    tm__buf_free(&table);
    tm__result_free(&r);
    timemory_clear(0);
    tm_remove_tree(dir);
    free(dir);
    tm_restore(&s);
}

/* threads: the merged tree (the workers' calls summed) and how many threads */
static void* tm_worker(void* arg)
{
    (void)arg;
    tm_region("worker/pool.py:3", 100000000, 0, NULL);
    return NULL;
}

TM_TEST(summary_threads_merged)
{
    tm_saved s = tm_save();
    timemory_clear(0);
    tm__set_test_reader(tm_fake_reader);
    tm__fast_wall = false;
    tm_fake_now   = 0;
    tm_region("main/app.py:1", 0, 0, tm_main);
    for(int i = 0; i < 2; ++i) /* one at a time: the fake clock is shared */
    {
        pthread_t t;
        CHECK_INT(pthread_create(&t, NULL, tm_worker, NULL), 0);
        pthread_join(t, NULL);
    }
    tm__set_test_reader(NULL);
    tm__fast_wall = true;
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    tm__buf b;
    tm__buf_init(&b);
    tm__write_summary(&b, &r, NULL, 0, 80);
    CHECK(tm_starts(b.data, "[wall] summary of 71 entries (3 threads, merged): total 1.115 "
                            "sec\n"));
    CHECK(strstr(b.data, "  worker/pool.py:3           2  0.200 sec     17.9\n"));
    CHECK(strstr(b.data, "  0.200 sec   17.9%  worker/pool.py:3\n"));
    /* ranks (MPI results merge them into the same tree) */
    r.mpi_size = 4;
    b.len      = 0;
    tm__write_summary(&b, &r, NULL, 0, 80);
    CHECK(tm_starts(b.data, "[wall] summary of 71 entries (3 threads, 4 ranks, merged): total "
                            "1.115 sec\n"));
    r.mpi_size = 0;
    tm__buf_free(&b);
    tm__result_free(&r);
    timemory_clear(0);
    tm_restore(&s);
}

/* output_progress: "on" shows a line per file and the end line even when stderr is not a
 * terminal (once the delay has passed: 1 s, 0 here); "auto" shows nothing there, nor "off" */
TM_TEST(summary_progress_line)
{
    tm_saved s   = tm_save();
    char*    dir = tm_temp_dir("tm_summary");
    if(!dir) return;
    timemory_settings_set_string("output_path", dir);
    tm__settings.cout_output = false;
    tm_record_run();
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    int64_t delay         = tm__progress_delay_ns;
    tm__progress_delay_ns = 0;
    timemory_settings_set_string("output_progress", "on");
    char*       err      = NULL;
    char*       console  = tm_output_console(&r, &err);
    const char* names[5] = { "wall.flamegraph.json", "wall.flamegraph.svg", "wall.json",
                             "wall.tree.json", "wall.txt" };
    const char* at       = err;
    for(int i = 0; i < 5 && at; ++i)
    {
        char line[128];
        snprintf(line, sizeof(line), "[timemory] writing outputs: %d file%s, ", i + 1,
                 i ? "s" : "");
        at = strstr(at, line);
        CHECK(at != NULL);
        if(!at) break;
        at = strchr(at, '\n');
        CHECK(at && strncmp(at - strlen(names[i]) - 2, ": ", 2) == 0 &&
              strncmp(at - strlen(names[i]), names[i], strlen(names[i])) == 0);
    }
    CHECK(err && strstr(err, "[timemory] wrote 5 files ("));
    CHECK(err && err[strlen(err) - 1] == '\n');
    free(err), free(console);
    timemory_settings_set_string("output_progress", "auto"); /* stderr is a file here */
    console = tm_output_console(&r, &err);
    CHECK_STR(err, "");
    free(err), free(console);
    timemory_settings_set_string("output_progress", "off");
    console = tm_output_console(&r, &err);
    CHECK_STR(err, "");
    free(err), free(console);
    tm__progress_delay_ns = delay;
    tm__result_free(&r);
    timemory_clear(0);
    tm_remove_tree(dir);
    free(dir);
    tm_restore(&s);
}

/* a component whose values do not add up along the tree: its largest entries, no tree */
TM_TEST(summary_of_counts_lists_entries)
{
    tm_saved s = tm_save();
    timemory_clear(0);
    timemory_components_t both = WALL | TIMEMORY_COMPONENT_BIT(TIMEMORY_TRIP_COUNT);
    uint64_t outer = timemory_add_hash_id("outer-loop"), inner = timemory_add_hash_id("inner");
    timemory_push(outer, both, TIMEMORY_SCOPE_TREE);
    for(int i = 0; i < 7; ++i)
    {
        timemory_push(inner, both, TIMEMORY_SCOPE_TREE);
        timemory_pop(inner);
    }
    timemory_pop(outer);
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_TRIP_COUNT, &r), TIMEMORY_OK);
    tm__buf b;
    tm__buf_init(&b);
    tm__write_summary(&b, &r, NULL, 0, 80);
    CHECK_STR(b.data, "[trip_count] summary of 2 entries\n"
                      "\n"
                      "Top 2 entries by trip_count  count  trip_count\n"
                      "  inner                          7           7\n"
                      "  outer-loop                     1           1\n"
                      "\n"
                      "Full table (2 rows): not written (text_output, file_output)\n"
                      "Whole table on stdout: TIMEMORY_COUT_MODE=full\n");
    tm__buf_free(&b);
    tm__result_free(&r);
    timemory_clear(0);
    tm_restore(&s);
}

/* columns are characters: a UTF-8 label is cut between characters, control characters and
 * invalid bytes show as '?', the cut keeps start and end */
TM_TEST(summary_text_width)
{
    CHECK_INT(tm__text_columns("r\xc3\xa9sum\xc3\xa9"), 6);
    CHECK_INT(tm__text_columns("\xe8\xa8\x88\xe7\xae\x97"), 2);
    CHECK_INT(tm__text_columns("a\xff"
                               "b\xc3"),
              4); /* invalid, and a sequence cut short */
    tm__buf b;
    tm__buf_init(&b);
    CHECK_INT(tm__buf_fit(&b, "r\xc3\xa9sum\xc3\xa9", 6, false), 6);
    CHECK_STR(b.data, "r\xc3\xa9sum\xc3\xa9");
    b.len = 0;
    CHECK_INT(tm__buf_fit(&b, "\xc3\xa9t\xc3\xa9-\xe8\xa8\x88\xe7\xae\x97-abcdef", 8, false), 8);
    CHECK_STR(b.data, "\xc3\xa9t\xc3\xa9...ef");
    b.len = 0;
    CHECK_INT(tm__buf_fit(&b, "tab\there\nnew\xff", 13, true), 13);
    CHECK_STR(b.data, "tab?here?new?");
    b.len = 0;
    CHECK_INT(tm__buf_fit(&b, "abc", 6, true), 6);
    CHECK_STR(b.data, "abc   ");
    b.len = 0;
    CHECK_INT(tm__buf_fit(&b, "abcdef", 2, false), 2);
    CHECK_STR(b.data, "..");
    tm__buf_free(&b);
}
