/* test_output.c -- output file names (SETTINGS.md §4), the per-component sequence of
 * OUTPUT.md §1 into a temporary folder (console lines, files, stdout table), an unwritable
 * folder (one message, no file, data kept), dart tags and CTest notes (§7), the whole pass
 * with metadata.json/functions.json (§8), and timemory_add_metadata/get_metadata. */
#include "internal.h"
#include "tm_test.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- settings saved and restored around each test ------------------------------------------ */

typedef struct tm_saved {
    tm__settings_store scalars;
    char*              output_path;
    char*              output_prefix;
    char*              time_format;
    char*              dart_type;
} tm_saved;

static tm_saved tm_save(void)
{
    tm_saved s;
    s.scalars                = tm__settings;
    s.output_path            = tm__settings_string_copy("output_path");
    s.output_prefix          = tm__settings_string_copy("output_prefix");
    s.time_format            = tm__settings_string_copy("time_format");
    s.dart_type              = tm__settings_string_copy("dart_type");
    tm__settings.file_output = tm__settings.json_output = tm__settings.tree_output = true;
    tm__settings.text_output = tm__settings.flamegraph_output = tm__settings.cout_output = true;
    tm__settings.dart_output = tm__settings.ctest_notes = tm__settings.time_output = false;
    tm__settings.max_depth                                                         = 65535;
    tm__settings.max_width                                                         = 120;
    tm__settings.verbose                                                           = 0;
    tm__settings.banner                                                            = false;
    timemory_settings_set_string("output_prefix", "");
    timemory_settings_set_string("dart_type", "");
    return s;
}

static void tm_restore(tm_saved* s)
{
    timemory_settings_set_string("output_path", s->output_path);
    timemory_settings_set_string("output_prefix", s->output_prefix);
    timemory_settings_set_string("time_format", s->time_format);
    timemory_settings_set_string("dart_type", s->dart_type);
    free(s->output_path), free(s->output_prefix), free(s->time_format), free(s->dart_type);
#define TM_RESTORE(field) tm__settings.field = s->scalars.field
    TM_RESTORE(file_output), TM_RESTORE(json_output), TM_RESTORE(tree_output);
    TM_RESTORE(text_output), TM_RESTORE(flamegraph_output), TM_RESTORE(cout_output);
    TM_RESTORE(dart_output), TM_RESTORE(dart_label), TM_RESTORE(dart_count);
    TM_RESTORE(ctest_notes), TM_RESTORE(time_output), TM_RESTORE(max_depth);
    TM_RESTORE(max_width), TM_RESTORE(verbose), TM_RESTORE(banner);
#undef TM_RESTORE
}

/* the entries of a folder, less the lock file of output_claim.c (test_output_claim.c) */
static int tm_count_files(const char* dir)
{
    DIR* d = opendir(dir);
    if(!d) return -1;
    int            n = 0;
    struct dirent* e;
    while((e = readdir(d)) != NULL)
        if(strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
           strcmp(e->d_name, ".timemory.lock") != 0)
            ++n;
    closedir(d);
    return n;
}

static int tm_python_loads_file(const char* path)
{
    if(system("command -v python3 >/dev/null 2>&1") != 0) return -1;
    char cmd[1200];
    snprintf(cmd, sizeof(cmd),
             "python3 -c 'import json,sys; json.load(open(sys.argv[1]))' '%s' 2>/dev/null", path);
    return system(cmd) == 0 ? 1 : 0;
}

static void tm_check_python_loads_file(const char* path)
{
    int rc = tm_python_loads_file(path);
    if(rc < 0)
        printf("  (python3 not found: JSON validity of %s not checked)\n", path);
    else
        CHECK_INT(rc, 1);
}

/* ---- a hand-built result: foo (800 ms) > bar (40 ms, 2 laps); baz (80 ms) ------------------- */

static int tm_tid0[1] = { 0 };

typedef struct tm_fixture {
    tm__entry  e[3];
    tm__rnode  bar, top[2];
    tm__result r;
} tm_fixture;

static void tm_fixture_init(tm_fixture* f)
{
    memset(f, 0, sizeof(*f));
    const char* prefix[3] = { ">>> foo", ">>> |_bar", ">>> baz" };
    int         depth[3]  = { 0, 1, 0 };
    uint64_t    laps[3]   = { 1, 2, 1 };
    int64_t     value[3]  = { 800000000, 40000000, 80000000 };
    for(int i = 0; i < 3; ++i)
    {
        tm__entry* e = &f->e[i];
        e->prefix    = (char*)prefix[i];
        e->label     = prefix[i] + strlen(prefix[i]) - 3;
        e->depth     = depth[i];
        e->laps      = laps[i];
        e->accum[0]  = value[i];
        e->hash      = 100 + (uint64_t)i;
        double v[2]  = { (double)value[i] / (double)laps[i], 0.0 };
        for(uint64_t k = 0; k < laps[i]; ++k) tm__stats_add(&e->stats, v, 1);
    }
    tm__rnode* nodes[3] = { &f->top[0], &f->bar, &f->top[1] };
    for(int i = 0; i < 3; ++i)
    {
        nodes[i]->id       = f->e[i].hash;
        nodes[i]->label    = f->e[i].label;
        nodes[i]->depth    = depth[i] + 1;
        nodes[i]->tids     = tm_tid0;
        nodes[i]->ntids    = 1;
        nodes[i]->laps     = laps[i];
        nodes[i]->accum[0] = value[i];
        nodes[i]->stats    = f->e[i].stats;
    }
    f->top[0].children  = &f->bar;
    f->top[0].nchildren = 1;
    f->r.comp           = TIMEMORY_WALL_CLOCK;
    f->r.entries        = f->e;
    f->r.nentries       = 3;
    f->r.thread_count   = 1;
    f->r.pid            = 4242;
    f->r.root.label     = "unknown-hash=0";
    f->r.root.children  = f->top;
    f->r.root.nchildren = 2;
}

/* ---- file names ------------------------------------------------------------------------------ */

TM_TEST(output_filename_composition)
{
    tm_saved s = tm_save();
    char     buf[512];
    timemory_settings_set_string("output_path", "out");
    CHECK_INT(tm__output_filename("wall", ".json", buf, sizeof(buf)), TIMEMORY_OK);
    CHECK_STR(buf, "out/wall.json");
    CHECK_INT(tm__output_filename("wall.tree", ".json", buf, sizeof(buf)), TIMEMORY_OK);
    CHECK_STR(buf, "out/wall.tree.json");
    CHECK_INT(tm__output_filename("wall", "txt", buf, sizeof(buf)), TIMEMORY_OK);
    CHECK_STR(buf, "out/wall.txt");

    timemory_settings_set_string("output_prefix", "pre");
    tm__output_filename("wall", ".json", buf, sizeof(buf));
    CHECK_STR(buf, "out/pre-wall.json");
    timemory_settings_set_string("output_prefix", "pre_");
    tm__output_filename("wall", ".json", buf, sizeof(buf));
    CHECK_STR(buf, "out/pre_wall.json");
    timemory_settings_set_string("output_prefix", "");

    timemory_settings_set_string("output_path", "timemory-app-output/");
    tm__output_filename("wall", ".json", buf, sizeof(buf));
    CHECK_STR(buf, "timemory-app-output/wall.json");
    timemory_settings_set_string("output_path", "a--b__c//d");
    tm__output_filename("wall", ".json", buf, sizeof(buf));
    CHECK_STR(buf, "a-b_c/d/wall.json");
    /* UTF-8 (any byte) is kept; a prefix ending in a non-ASCII letter reads "prefixé-wall" */
    timemory_settings_set_string("output_path", "r\xc3\xa9sum\xc3\xa9-out");
    tm__output_filename("wall", ".json", buf, sizeof(buf));
    CHECK_STR(buf, "r\xc3\xa9sum\xc3\xa9-out/wall.json");
    timemory_settings_set_string("output_prefix", "pr\xc3\xa9");
    tm__output_filename("wall", ".json", buf, sizeof(buf));
    CHECK_STR(buf, "r\xc3\xa9sum\xc3\xa9-out/pr\xc3\xa9-wall.json");
    timemory_settings_set_string("output_prefix", "");
    timemory_settings_set_string("output_path", "caf\xe9");
    tm__output_filename("wall", ".json", buf, sizeof(buf));
    CHECK_STR(buf, "caf\xe9/wall.json");

    /* too small a buffer */
    CHECK_INT(tm__output_filename("wall", ".json", buf, 5), TIMEMORY_ERANGE);
    CHECK_INT(tm__output_filename(NULL, ".json", buf, sizeof(buf)), TIMEMORY_EINVAL);
    tm_restore(&s);
}

/* time_output: one sub-folder named from the launch time, not added twice */
TM_TEST(output_filename_time_folder)
{
    tm_saved s = tm_save();
    char     buf[512], year[16];
    time_t   now = time(NULL);
    strftime(year, sizeof(year), "%Y", localtime(&now));
    timemory_settings_set_string("output_path", "out");
    timemory_settings_set_string("time_format", "run-%Y");
    tm__settings.time_output = true;
    CHECK_INT(tm__output_filename("wall", ".json", buf, sizeof(buf)), TIMEMORY_OK);
    char expected[64];
    snprintf(expected, sizeof(expected), "out/run-%s/wall.json", year);
    CHECK_STR(buf, expected);
    snprintf(expected, sizeof(expected), "out/run-%s", year);
    timemory_settings_set_string("output_path", expected);
    tm__output_filename("wall", ".json", buf, sizeof(buf));
    snprintf(expected, sizeof(expected), "out/run-%s/wall.json", year);
    CHECK_STR(buf, expected);
    tm_restore(&s);
}

/* ---- one result --------------------------------------------------------------------------- */

TM_TEST(output_result_files_and_console)
{
    tm_saved s   = tm_save();
    char*    dir = tm_temp_dir("tm_output");
    CHECK(dir != NULL);
    if(!dir) return;
    char out[512];
    snprintf(out, sizeof(out), "%s/results", dir);
    timemory_settings_set_string("output_path", out);
    tm_fixture f;
    tm_fixture_init(&f);

    tm_capture cap;
    tm_capture_begin(&cap, 1);
    int   rc      = tm__output_result(&f.r);
    char* console = tm_capture_end(&cap);
    CHECK_INT(rc, TIMEMORY_OK);

    tm__buf table;
    tm__buf_init(&table);
    tm__write_text(&table, &f.r);
    tm__buf expected;
    tm__buf_init(&expected);
    const char* names[5] = { "wall.flamegraph.json", "wall.flamegraph.svg", "wall.json",
                             "wall.tree.json", "wall.txt" };
    for(int i = 0; i < 5; ++i)
        tm__buf_printf(&expected, "[wall]|0> Outputting '%s/%s'...\n", out, names[i]);
    tm__buf_printf(&expected, "\n%s\n", table.data);
    CHECK_STR(console, expected.data);

    /* the files hold what the writers produce, and nothing else is left in the folder */
    CHECK_INT(tm_count_files(out), 5);
    char path[1024];
    snprintf(path, sizeof(path), "%s/wall.txt", out);
    char* txt = tm_read_file(path);
    CHECK_STR(txt, table.data);
    free(txt);
    const tm__result* rs[1] = { &f.r };
    tm__buf           doc;
    tm__buf_init(&doc);
    tm__write_json_tree(&doc, rs, 1);
    snprintf(path, sizeof(path), "%s/wall.tree.json", out);
    char* tree = tm_read_file(path);
    CHECK_STR(tree, doc.data);
    free(tree);
    tm__buf_free(&doc);
    for(int i = 0; i < 4; ++i)
    {
        if(i == 1) continue; /* the SVG: tests/c/test_output_svg.c */
        snprintf(path, sizeof(path), "%s/%s", out, names[i]);
        tm_check_python_loads_file(path);
    }

    tm__buf_free(&table);
    tm__buf_free(&expected);
    free(console);
    tm_remove_tree(dir);
    free(dir);
    tm_restore(&s);
}

/* cout_output off: a single empty line; file switches are honoured; flamegraph only for
 * components that have one */
TM_TEST(output_result_switches)
{
    tm_saved s   = tm_save();
    char*    dir = tm_temp_dir("tm_output");
    if(!dir) return;
    timemory_settings_set_string("output_path", dir);
    tm_fixture f;
    tm_fixture_init(&f);
    tm__settings.cout_output = false;
    tm__settings.json_output = tm__settings.tree_output = false;
    tm_capture cap;
    tm_capture_begin(&cap, 1);
    CHECK_INT(tm__output_result(&f.r), TIMEMORY_OK);
    char* console = tm_capture_end(&cap);
    char  expected[2048];
    snprintf(expected, sizeof(expected),
             "[wall]|0> Outputting '%s/wall.flamegraph.json'...\n"
             "[wall]|0> Outputting '%s/wall.flamegraph.svg'...\n"
             "[wall]|0> Outputting '%s/wall.txt'...\n\n",
             dir, dir, dir);
    CHECK_STR(console, expected);
    free(console);
    CHECK_INT(tm_count_files(dir), 3);

    /* peak_rss has no flamegraph; file_output off writes nothing */
    f.r.comp                 = TIMEMORY_PEAK_RSS;
    tm__settings.file_output = false;
    tm_capture_begin(&cap, 1);
    CHECK_INT(tm__output_result(&f.r), TIMEMORY_OK);
    console = tm_capture_end(&cap);
    CHECK_STR(console, "\n");
    free(console);
    tm__settings.file_output = true;
    tm_capture_begin(&cap, 1);
    tm__output_result(&f.r);
    console = tm_capture_end(&cap);
    CHECK(strstr(console, "peak_rss.flamegraph") == NULL);
    CHECK(strstr(console, "[peak_rss]|0> Outputting '") != NULL);
    free(console);
    tm_remove_tree(dir);
    free(dir);
    tm_restore(&s);
}

/* A folder under a regular file cannot be made: one line on stderr naming the path and the
 * reason, an error code, no file, and the table still on stdout. */
TM_TEST(output_result_unwritable_folder)
{
    tm_saved s      = tm_save();
    char     file[] = "/tmp/tm_notdir_XXXXXX";
    int      fd     = mkstemp(file);
    CHECK(fd >= 0);
    if(fd < 0) return;
    close(fd);
    char out[256];
    snprintf(out, sizeof(out), "%s/sub", file);
    timemory_settings_set_string("output_path", out);
    tm_fixture f;
    tm_fixture_init(&f);
    tm_capture err, con;
    tm_capture_begin(&err, 2);
    tm_capture_begin(&con, 1);
    int   rc      = tm__output_result(&f.r);
    char* console = tm_capture_end(&con);
    char* errors  = tm_capture_end(&err);
    CHECK_INT(rc, TIMEMORY_EIO);
    char expected[512];
    snprintf(expected, sizeof(expected),
             "[timemory] warning: cannot write '%s/wall.flamegraph.json': Not a directory; the "
             "data stays in memory\n",
             out);
    CHECK_STR(errors, expected);
    CHECK(strstr(console, "| >>> foo") != NULL);
    CHECK(strstr(console, "wall.json") == NULL); /* later files are not attempted */
    struct stat st;
    CHECK(stat(out, &st) != 0);
    struct stat fst;
    CHECK(stat(file, &fst) == 0 && S_ISREG(fst.st_mode) && fst.st_size == 0);
    free(console);
    free(errors);
    unlink(file);
    tm_restore(&s);
}

TM_TEST(output_dart_measurements)
{
    tm_saved   s = tm_save();
    tm_fixture f;
    tm_fixture_init(&f);
    tm__settings.file_output = tm__settings.cout_output = false;
    tm__settings.dart_output                            = true;
    tm__settings.dart_label                             = true;
    tm__settings.dart_count                             = 1;
    tm_capture cap;
    tm_capture_begin(&cap, 1);
    tm__output_result(&f.r);
    char* console = tm_capture_end(&cap);
    CHECK_STR(console, "\n<DartMeasurement type=\"numeric/double\" name=\"wall//sec\">0.8"
                       "</DartMeasurement>\n");
    free(console);

    tm__settings.dart_label = false;
    tm__settings.dart_count = 0;
    tm_capture_begin(&cap, 1);
    tm__output_result(&f.r);
    console = tm_capture_end(&cap);
    CHECK_STR(console, "\n<DartMeasurement type=\"numeric/double\" name=\"WALL//foo//sec\">0.8"
                       "</DartMeasurement>\n"
                       "<DartMeasurement type=\"numeric/double\" name=\"WALL//foobar//sec\">0.04"
                       "</DartMeasurement>\n"
                       "<DartMeasurement type=\"numeric/double\" name=\"WALL//baz//sec\">0.08"
                       "</DartMeasurement>\n");
    free(console);

    /* dart_type selects another component: nothing */
    timemory_settings_set_string("dart_type", "cpu");
    tm_capture_begin(&cap, 1);
    tm__output_result(&f.r);
    console = tm_capture_end(&cap);
    CHECK_STR(console, "\n");
    free(console);

    /* multi-valued: one tag per element, names joined */
    timemory_settings_set_string("dart_type", "");
    tm__settings.dart_label = true;
    tm__entry e;
    memset(&e, 0, sizeof(e));
    e.prefix   = ">>> m";
    e.label    = "m";
    e.laps     = 1;
    e.accum[0] = 5028000;
    e.accum[1] = 5156000;
    tm__result r;
    memset(&r, 0, sizeof(r));
    r.comp     = TIMEMORY_CURRENT_PEAK_RSS;
    r.entries  = &e;
    r.nentries = 1;
    tm_capture_begin(&cap, 1);
    tm__output_result(&r);
    console = tm_capture_end(&cap);
    CHECK_STR(console, "\n<DartMeasurement type=\"numeric/double\" name=\"INDEX_0 "
                       "current_peak_rss//MB,current_peak_rss//MB\">5.03</DartMeasurement>\n"
                       "<DartMeasurement type=\"numeric/double\" name=\"INDEX_1 "
                       "current_peak_rss//MB,current_peak_rss//MB\">5.16</DartMeasurement>\n");
    free(console);
    tm_restore(&s);
}

TM_TEST(output_ctest_notes)
{
    tm_saved s   = tm_save();
    char*    dir = tm_temp_dir("tm_output");
    if(!dir) return;
    timemory_settings_set_string("output_path", dir);
    tm__settings.ctest_notes = true;
    tm__settings.cout_output = false;
    tm_fixture f;
    tm_fixture_init(&f);
    tm_capture cap;
    for(int i = 0; i < 2; ++i)
    {
        tm_capture_begin(&cap, 1);
        CHECK_INT(tm__output_result(&f.r), TIMEMORY_OK);
        free(tm_capture_end(&cap));
    }
    char path[512], expected[1024];
    snprintf(path, sizeof(path), "%s/CTestNotes.txt", dir);
    snprintf(expected, sizeof(expected), "LIST(APPEND CTEST_NOTES_FILES \"%s/wall.txt\")\n", dir);
    char* notes = tm_read_file(path);
    CHECK_STR(notes, expected);
    free(notes);
    tm_remove_tree(dir);
    free(dir);
    tm_restore(&s);
}

/* ---- metadata ------------------------------------------------------------------------------- */

TM_TEST(output_metadata_api)
{
    CHECK_INT(timemory_add_metadata("TM_TEST_OUTPUT_KEY", "\"bar\""), TIMEMORY_OK);
    CHECK_INT(timemory_add_metadata("TM_TEST_OUTPUT_KEY", "\"second\""), TIMEMORY_OK);
    CHECK_INT(timemory_add_metadata("TM_TEST_OUTPUT_LIST", " [1.0, 2.0, 3.0] "), TIMEMORY_OK);
    CHECK_INT(timemory_add_metadata("TM_TEST_OUTPUT_BAD", "{\"a\": }"), TIMEMORY_EINVAL);
    CHECK_INT(timemory_add_metadata("TM_TEST_OUTPUT_BAD", "[1,]"), TIMEMORY_EINVAL);
    CHECK_INT(timemory_add_metadata("TM_TEST_OUTPUT_BAD", "\"open"), TIMEMORY_EINVAL);
    CHECK_INT(timemory_add_metadata("TM_TEST_OUTPUT_BAD", "1 2"), TIMEMORY_EINVAL);
    CHECK_INT(timemory_add_metadata(NULL, "1"), TIMEMORY_EINVAL);
    CHECK_INT(timemory_add_metadata("", "1"), TIMEMORY_EINVAL);
    CHECK_INT(timemory_add_metadata("USER", "\"someone-else\""), TIMEMORY_OK);
    CHECK_INT(timemory_get_metadata(NULL), TIMEMORY_EINVAL);

    char* m1 = NULL;
    char* m2 = NULL;
    CHECK_INT(timemory_get_metadata(&m1), TIMEMORY_OK);
    CHECK_INT(timemory_get_metadata(&m2), TIMEMORY_OK);
    CHECK_STR(m1, m2); /* stable between calls */
    CHECK(m1 && strncmp(m1, "{\"info\":{", 9) == 0);
    CHECK(m1 && strstr(m1, "\"TM_TEST_OUTPUT_KEY\":\"bar\""));
    CHECK(m1 && strstr(m1, "\"TM_TEST_OUTPUT_LIST\": [1.0, 2.0, 3.0] "));
    CHECK(m1 && !strstr(m1, "TM_TEST_OUTPUT_BAD"));
    CHECK(m1 && !strstr(m1, "someone-else"));
    CHECK(m1 && strstr(m1, "\"TIMEMORY_API\":\"tim::project::timemory\""));
    CHECK(m1 && strstr(m1, "\"TIMEMORY_VERSION\":\"" TIMEMORY_VERSION_STRING "\""));
    CHECK(m1 && strstr(m1, "\"HW_CONCURRENCY\":"));
    CHECK(m1 && strstr(m1, "},\"settings\":{\"cereal_class_version\":0,"));
    CHECK(m1 && strstr(m1, "\"TIMEMORY_MAX_DEPTH\""));
    CHECK(m1 && strstr(m1, ",\"command_line\":[\""));
    CHECK(m1 && strstr(m1, "]},\"output\":{\"json\":["));
    CHECK(m1 && strstr(m1, "},\"environment\":["));
    char path[] = "/tmp/tm_meta_XXXXXX";
    int  fd     = mkstemp(path);
    if(fd >= 0 && m1)
    {
        CHECK(write(fd, m1, strlen(m1)) == (ssize_t)strlen(m1));
        close(fd);
        tm_check_python_loads_file(path);
        unlink(path);
    }
    free(m1);
    free(m2);
}

/* ---- the whole pass over recorded data ------------------------------------------------------ */

static int64_t tm_fake_now;
static int64_t tm_fake_reader(int comp, int idx)
{
    (void)comp;
    return idx == 0 ? tm_fake_now : 0;
}

TM_TEST(output_all_writes_everything_and_keeps_data)
{
    tm_saved s   = tm_save();
    char*    dir = tm_temp_dir("tm_output");
    if(!dir) return;
    timemory_settings_set_string("output_path", dir);
    tm__settings.cout_output = false;

    timemory_clear(0);
    tm__set_test_reader(tm_fake_reader);
    tm__fast_wall = false;
    tm_fake_now   = 0;
    timemory_components_t comps =
        TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK) | TIMEMORY_COMPONENT_BIT(TIMEMORY_TRIP_COUNT);
    uint64_t outer = timemory_add_hash_id("output-all-outer");
    uint64_t inner = timemory_add_hash_id("output-all-inner");
    timemory_push(outer, comps, TIMEMORY_SCOPE_TREE);
    timemory_push(inner, comps, TIMEMORY_SCOPE_TREE);
    tm_fake_now += 1000;
    timemory_pop(inner);
    tm_fake_now += 1000;
    timemory_pop(outer);
    tm__set_test_reader(NULL);
    tm__fast_wall = true;

    tm_capture cap;
    tm_capture_begin(&cap, 1);
    int   rc      = tm__output_all();
    char* console = tm_capture_end(&cap);
    CHECK_INT(rc, TIMEMORY_OK);
    /* the component used first is reported last */
    int used[TM_COMP_CAP], nused = tm__components_in_use(used, TM_COMP_CAP), trip_at = -1,
                           wall_at = -1;
    for(int i = 0; i < nused; ++i)
    {
        if(used[i] == TIMEMORY_TRIP_COUNT) trip_at = i;
        if(used[i] == TIMEMORY_WALL_CLOCK) wall_at = i;
    }
    CHECK(trip_at >= 0 && wall_at >= 0);
    const char* trip = strstr(console, "[trip_count]|0> Outputting");
    const char* wall = strstr(console, "[wall]|0> Outputting");
    CHECK(trip && wall && (trip_at < wall_at ? wall < trip : trip < wall));
    free(console);

    const char* names[] = { "wall.flamegraph.json",
                            "wall.flamegraph.svg",
                            "wall.json",
                            "wall.tree.json",
                            "wall.txt",
                            "trip_count.json",
                            "trip_count.tree.json",
                            "trip_count.txt",
                            "metadata.json",
                            "functions.json" };
    for(size_t i = 0; i < sizeof(names) / sizeof(names[0]); ++i)
    {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        struct stat st;
        CHECK(stat(path, &st) == 0);
        if(strstr(names[i], ".json")) tm_check_python_loads_file(path);
    }
    CHECK_INT(tm_count_files(dir), (int)(sizeof(names) / sizeof(names[0])));

    char path[512], expected[1024];
    snprintf(path, sizeof(path), "%s/metadata.json", dir);
    char*       meta = tm_read_file(path);
    const char* head = "{\"timemory\":{\"metadata\":{\"info\":{";
    CHECK(meta && strncmp(meta, head, strlen(head)) == 0);
    /* every file written by the process is listed under its label */
    CHECK(meta && strstr(meta, "\"output\":{\"json\":[{\"key\":"));
    const char* listed[] = { "wall.flamegraph.json", "wall.json",
                             "wall.tree.json",       "wall.txt",
                             "trip_count.json",      "trip_count.tree.json",
                             "trip_count.txt" };
    for(size_t i = 0; i < sizeof(listed) / sizeof(listed[0]); ++i)
    {
        snprintf(expected, sizeof(expected), "\"%s/%s\"", dir, listed[i]);
        CHECK(meta && strstr(meta, expected));
    }
    CHECK(meta && strstr(meta, "\"text\":[{\"key\":"));
    free(meta);
    snprintf(path, sizeof(path), "%s/functions.json", dir);
    char* funcs = tm_read_file(path);
    CHECK(funcs && strncmp(funcs, "{\"timemory\":{\"functions\":{", 26) == 0);
    snprintf(expected, sizeof(expected), "\"output-all-outer\":[%llu]", (unsigned long long)outer);
    CHECK(funcs && strstr(funcs, expected));
    free(funcs);
    snprintf(path, sizeof(path), "%s/wall.txt", dir);
    char* txt = tm_read_file(path);
    CHECK(txt && strstr(txt, "| >>> output-all-outer   |      1 |      0 | wall   | sec    |"));
    CHECK(txt && strstr(txt, "| >>> |_output-all-inner |      1 |      1 |"));
    free(txt);

    /* output never clears: the data is still there */
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    CHECK_INT(r.nentries, 2);
    tm__result_free(&r);

    timemory_clear(0);
    tm_remove_tree(dir);
    free(dir);
    tm_restore(&s);
}

/* One file that cannot be written (wall.json is a folder) fails alone: one line on stderr
 * naming it, the error code returned, and every other file -- the tree, the text, the flame
 * graph, trip_count's files, metadata.json and functions.json -- written whole. */
TM_TEST(output_all_unwritable_file_fails_alone)
{
    tm_saved s   = tm_save();
    char*    dir = tm_temp_dir("tm_output");
    if(!dir) return;
    timemory_settings_set_string("output_path", dir);
    tm__settings.cout_output = false;
    char blocked[512];
    snprintf(blocked, sizeof(blocked), "%s/wall.json", dir);
    CHECK_INT(mkdir(blocked, 0755), 0);

    timemory_clear(0);
    timemory_components_t comps =
        TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK) | TIMEMORY_COMPONENT_BIT(TIMEMORY_TRIP_COUNT);
    uint64_t key = timemory_add_hash_id("output-blocked");
    for(int i = 0; i < 3; ++i)
    {
        timemory_push(key, comps, TIMEMORY_SCOPE_TREE);
        timemory_pop(key);
    }

    tm_capture err, con;
    tm_capture_begin(&err, 2);
    tm_capture_begin(&con, 1);
    int   rc      = tm__output_all();
    char* console = tm_capture_end(&con);
    char* errors  = tm_capture_end(&err);
    CHECK_INT(rc, TIMEMORY_EIO);
    char expected[2048];
    snprintf(expected, sizeof(expected),
             "[timemory] warning: cannot write '%s': Is a directory; the data stays in memory\n",
             blocked);
    CHECK_STR(errors, expected);
    const char* names[] = { "wall.flamegraph.json", "wall.flamegraph.svg",
                            "wall.tree.json",       "wall.txt",
                            "trip_count.json",      "trip_count.tree.json",
                            "trip_count.txt",       "metadata.json",
                            "functions.json" };
    for(size_t i = 0; i < sizeof(names) / sizeof(names[0]); ++i)
    {
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        struct stat st;
        CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0);
        if(strstr(names[i], ".json")) tm_check_python_loads_file(path);
        if(i < 7) /* each one announced (the metadata files are not) */
        {
            snprintf(expected, sizeof(expected), "Outputting '%s'...\n", path);
            CHECK(console && strstr(console, expected));
        }
    }
    CHECK_INT(tm_count_files(dir), 10); /* and the folder wall.json */
    char path[1024];
    snprintf(path, sizeof(path), "%s/wall.txt", dir);
    char* txt = tm_read_file(path);
    CHECK(txt && strstr(txt, "| >>> output-blocked |      3 |      0 | wall   | sec    |"));
    free(txt);
    /* the metadata lists the files written, not the one that failed */
    snprintf(path, sizeof(path), "%s/metadata.json", dir);
    char* meta = tm_read_file(path);
    snprintf(expected, sizeof(expected), "\"%s/wall.tree.json\"", dir);
    CHECK(meta && strstr(meta, expected));
    snprintf(expected, sizeof(expected), "\"%s\"", blocked);
    CHECK(meta && !strstr(meta, expected));
    free(meta);
    free(console);
    free(errors);

    timemory_clear(0);
    rmdir(blocked);
    tm_remove_tree(dir);
    free(dir);
    tm_restore(&s);
}

/* A big result (20,000 entries or more) has its tree file made on a thread of its own while
 * the other files are made here: with the tree's name taken by a folder that file alone
 * fails, with its one message; then, free, the tree holds every node and the files agree. */
TM_TEST(output_all_big_result_tree_made_beside)
{
    tm_saved s   = tm_save();
    char*    dir = tm_temp_dir("tm_output");
    if(!dir) return;
    timemory_settings_set_string("output_path", dir);
    tm__settings.cout_output       = false;
    tm__settings.flamegraph_output = true;
    char blocked[512];
    snprintf(blocked, sizeof(blocked), "%s/wall.tree.json", dir);
    CHECK_INT(mkdir(blocked, 0755), 0);

    timemory_clear(0);
    enum { N = 25000 };
    timemory_components_t wall = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    uint64_t              top  = timemory_add_hash_id("parent-of-big");
    timemory_push(top, wall, TIMEMORY_SCOPE_TREE);
    for(int i = 0; i < N; ++i)
    {
        char name[32];
        snprintf(name, sizeof(name), "big-%d", i);
        uint64_t key = timemory_add_hash_id(name);
        timemory_push(key, wall, TIMEMORY_SCOPE_TREE);
        timemory_pop(key);
    }
    timemory_pop(top);

    tm_capture err, con;
    tm_capture_begin(&err, 2);
    tm_capture_begin(&con, 1);
    int   rc      = tm__output_all();
    char* console = tm_capture_end(&con);
    char* errors  = tm_capture_end(&err);
    CHECK_INT(rc, TIMEMORY_EIO);
    char expected[2048];
    snprintf(expected, sizeof(expected),
             "[timemory] warning: cannot write '%s': Is a directory; the data stays in memory\n",
             blocked);
    CHECK_STR(errors, expected);
    snprintf(expected, sizeof(expected), "Outputting '%s'...\n", blocked);
    CHECK(console && strstr(console, expected));
    free(console);
    free(errors);
    const char* names[] = { "wall.json", "wall.txt", "wall.flamegraph.json", "metadata.json",
                            "functions.json" };
    for(size_t i = 0; i < sizeof(names) / sizeof(names[0]); ++i)
    {
        char        path[1024];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0);
    }
    char path[1024];
    snprintf(path, sizeof(path), "%s/metadata.json", dir);
    char* meta = tm_read_file(path);
    snprintf(expected, sizeof(expected), "\"%s\"", blocked);
    CHECK(meta && !strstr(meta, expected));
    free(meta);

    /* the folder gone: every file written, the tree with each node once */
    CHECK_INT(rmdir(blocked), 0);
    tm_capture_begin(&con, 1);
    rc      = tm__output_all();
    console = tm_capture_end(&con);
    free(console);
    CHECK_INT(rc, TIMEMORY_OK);
    char* tree = tm_read_file(blocked);
    CHECK(tree != NULL);
    size_t nodes = 0;
    for(const char* p = tree; p && (p = strstr(p, "\"prefix\":\"big-")) != NULL; ++p) ++nodes;
    CHECK_INT(nodes, N);
    CHECK(tree && strstr(tree, "\"prefix\":\"big-24999\""));
    free(tree);
    tm_check_python_loads_file(blocked);
    snprintf(path, sizeof(path), "%s/wall.json", dir);
    tm_check_python_loads_file(path);

    timemory_clear(0);
    tm_remove_tree(dir);
    free(dir);
    tm_restore(&s);
}
