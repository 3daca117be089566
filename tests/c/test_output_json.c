/* test_output_json.c -- flat JSON (OUTPUT.md §3), tree JSON (§4), flamegraph (§5) and the
 * shared metadata keys, from hand-built results: exact documents, cereal_class_version
 * placement, pair/array/no-statistics serialization, the flamegraph's synthetic start times,
 * and (when python3 is on the machine) that every document loads with Python's json module. */
#include "internal.h"
#include "tm_test.h"

#include <stdlib.h>
#include <unistd.h>

static int tm_tid0[1] = { 0 };

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

/* foo (800 ms) > bar (2 laps: 10 ms, 30 ms); baz (80 ms). Values whose seconds are exact. */
typedef struct tm_fixture {
    tm__entry  e[3];
    tm__rnode  bar, top[2];
    tm__result r;
} tm_fixture;

static void tm_fixture_init(tm_fixture* f, int comp)
{
    memset(f, 0, sizeof(*f));
    double      foo[] = { 8.0e8 }, bar[] = { 1.0e7, 3.0e7 }, baz[] = { 8.0e7 };
    const char* prefix[3] = { ">>> foo", ">>> |_bar", ">>> baz" };
    int         depth[3]  = { 0, 1, 0 };
    uint64_t    laps[3]   = { 1, 2, 1 };
    int64_t     value[3]  = { 800000000, 40000000, 80000000 };
    tm__stats   stats[3]  = { tm_samples(1, foo), tm_samples(2, bar), tm_samples(1, baz) };
    uint64_t    hash[3]   = { 11, 22, 33 };
    for(int i = 0; i < 3; ++i)
    {
        tm__entry* e    = &f->e[i];
        e->prefix       = (char*)prefix[i];
        e->label        = prefix[i] + strlen(prefix[i]) - 3;
        e->depth        = depth[i];
        e->laps         = laps[i];
        e->accum[0]     = value[i];
        e->stats        = stats[i];
        e->hash         = hash[i];
        e->rolling_hash = i == 1 ? 33 : hash[i];
    }
    tm__rnode* nodes[3] = { &f->top[0], &f->bar, &f->top[1] };
    for(int i = 0; i < 3; ++i)
    {
        tm__rnode* n = nodes[i];
        n->id        = hash[i];
        n->key       = hash[i];
        n->label     = f->e[i].label;
        n->depth     = depth[i] + 1;
        n->tids      = tm_tid0;
        n->ntids     = 1;
        n->laps      = laps[i];
        n->accum[0]  = value[i];
        n->stats     = stats[i];
    }
    f->top[0].children  = &f->bar;
    f->top[0].nchildren = 1;
    f->r.comp           = comp;
    f->r.entries        = f->e;
    f->r.nentries       = 3;
    f->r.thread_count   = 1;
    f->r.pid            = 4242;
    f->r.root.label     = "unknown-hash=0";
    f->r.root.tids      = tm_tid0;
    f->r.root.ntids     = 1;
    f->r.root.children  = f->top;
    f->r.root.nchildren = 2;
}

typedef void (*tm_multi_writer)(tm__buf*, const tm__result* const*, size_t);

static char* tm_doc(tm_multi_writer w, const tm__result* r)
{
    tm__buf b;
    tm__buf_init(&b);
    w(&b, &r, 1);
    return tm__buf_take(&b);
}

/* Loads the document with Python's json module; returns 1 loaded, 0 rejected, -1 no python3. */
static int tm_python_loads(const char* text)
{
    if(system("command -v python3 >/dev/null 2>&1") != 0) return -1;
    char path[] = "/tmp/tm_json_XXXXXX";
    int  fd     = mkstemp(path);
    if(fd < 0) return -1;
    size_t n  = strlen(text);
    bool   ok = write(fd, text, n) == (ssize_t)n;
    close(fd);
    char cmd[256];
    snprintf(cmd, sizeof(cmd),
             "python3 -c 'import json,sys; json.load(open(sys.argv[1]))' %s 2>/dev/null", path);
    int rc = ok ? system(cmd) : -1;
    unlink(path);
    return rc == 0 ? 1 : 0;
}

static void tm_check_python_loads(const char* text)
{
    int rc = tm_python_loads(text);
    if(rc < 0)
        printf("  (python3 not found: JSON validity with Python's json module not checked)\n");
    else
        CHECK_INT(rc, 1);
}

#define TM_WALL_METADATA                                                                           \
    "\"properties\":{\"cereal_class_version\":0,\"value\":62,\"enum\":\"WALL_CLOCK\",\"id\":"      \
    "\"wall_clock\",\"ids\":[\"real_clock\",\"virtual_clock\",\"wall_clock\"]},\"type\":"          \
    "\"wall\",\"description\":\"Real-clock timer (i.e. wall-clock timer)\",\"unit_value\":1,"      \
    "\"unit_repr\":\"sec\",\"thread_scope_only\":false,\"thread_count\":1,\"mpi_size\":1,"         \
    "\"upcxx_size\":1,\"process_count\":1,\"num_ranks\":1,\"concurrency\":1"

TM_TEST(output_json_flat_document)
{
    tm_fixture f;
    tm_fixture_init(&f, TIMEMORY_WALL_CLOCK);
    char* text = tm_doc(tm__write_json_flat, &f.r);
    CHECK_STR(
        text,
        "{\"timemory\":{\"wall_clock\":{" TM_WALL_METADATA
        ",\"ranks\":[{\"rank\":0,\"graph_size\":3,\"graph\":["
        "{\"hash\":11,\"prefix\":\">>> foo\",\"depth\":0,"
        "\"entry\":{\"cereal_class_version\":0,\"laps\":1,\"value\":800000000,\"accum\":800000000,"
        "\"repr_data\":0.8,\"repr_display\":0.8},"
        "\"stats\":{\"cereal_class_version\":0,\"sum\":0.8,\"count\":1,\"min\":0.8,\"max\":0.8,"
        "\"sqr\":0.64,\"mean\":0.8,\"stddev\":0.0},\"rolling_hash\":11},"
        "{\"hash\":22,\"prefix\":\">>> |_bar\",\"depth\":1,"
        "\"entry\":{\"laps\":2,\"value\":40000000,\"accum\":40000000,\"repr_data\":0.04,"
        "\"repr_display\":0.04},"
        "\"stats\":{\"sum\":0.04,\"count\":2,\"min\":0.01,\"max\":0.030000000000000002,"
        "\"sqr\":0.0010000000000000002,"
        "\"mean\":0.02,\"stddev\":0.014142135623730958},\"rolling_hash\":33},"
        "{\"hash\":33,\"prefix\":\">>> baz\",\"depth\":0,"
        "\"entry\":{\"laps\":1,\"value\":80000000,\"accum\":80000000,\"repr_data\":0.08,"
        "\"repr_display\":0.08},"
        "\"stats\":{\"sum\":0.08,\"count\":1,\"min\":0.08,\"max\":0.08,\"sqr\":0.0064,"
        "\"mean\":0.08,\"stddev\":0.0},\"rolling_hash\":33}]}]}}}\n");
    tm_check_python_loads(text);
    free(text);
}

/* Two components in one document: each gets its own properties/entry version, the shared
 * statistics<double> type is versioned once. A component without entries has no rank. */
TM_TEST(output_json_flat_versions_and_empty)
{
    tm_fixture a, b;
    tm_fixture_init(&a, TIMEMORY_WALL_CLOCK);
    tm_fixture_init(&b, TIMEMORY_CPU_CLOCK);
    const tm__result* both[2] = { &a.r, &b.r };
    tm__buf           buf;
    tm__buf_init(&buf);
    tm__write_json_flat(&buf, both, 2);
    char*       text = tm__buf_take(&buf);
    const char* cpu  = strstr(text, "\"cpu_clock\":{");
    CHECK(cpu != NULL);
    if(cpu)
    {
        CHECK(strstr(cpu, "\"properties\":{\"cereal_class_version\":0,\"value\":4,"));
        CHECK(strstr(cpu, "\"entry\":{\"cereal_class_version\":0,\"laps\":1,"));
        CHECK(strstr(cpu, "\"stats\":{\"cereal_class_version\"") == NULL);
    }
    tm_check_python_loads(text);
    free(text);

    a.r.nentries = 0;
    text         = tm_doc(tm__write_json_flat, &a.r);
    CHECK_STR(text, "{\"timemory\":{\"wall_clock\":{" TM_WALL_METADATA ",\"ranks\":[]}}}\n");
    free(text);
}

TM_TEST(output_json_tree_document)
{
    tm_fixture f;
    tm_fixture_init(&f, TIMEMORY_WALL_CLOCK);
    char* text = tm_doc(tm__write_json_tree, &f.r);
    /* root exclusive values come from tm__rnode_exclusive (result.c): check the structure
     * around them and the exact nodes below */
    const char* head = "{\"timemory\":{\"wall_clock\":{" TM_WALL_METADATA
                       ",\"graph\":[[{\"cereal_class_version\":0,\"node\":{\"hash\":0,\"prefix\":"
                       "\"unknown-hash=0\",\"tid\":[0],\"pid\":[4242],\"depth\":0,\"is_dummy\":"
                       "false,\"inclusive\":{\"entry\":{\"laps\":0,\"value\":0,\"accum\":0,"
                       "\"repr_data\":0.0,\"repr_display\":0.0},\"stats\":{\"sum\":0.0,\"count\":0,"
                       "\"min\":0.0,\"max\":0.0,\"sqr\":0.0,\"mean\":0.0,\"stddev\":0.0}},"
                       "\"exclusive\":{\"entry\":{\"laps\":0,\"value\":-880000000,\"accum\":"
                       "-880000000,\"repr_data\":-0.88,\"repr_display\":-0.88},\"stats\":{";
    CHECK(text && strncmp(text, head, strlen(head)) == 0);
    const char* foo =
        "\"children\":[{\"node\":{\"hash\":11,\"prefix\":\"foo\",\"tid\":[0],\"pid\":[4242],"
        "\"depth\":1,\"is_dummy\":false,\"inclusive\":{\"entry\":{\"laps\":1,\"value\":800000000,"
        "\"accum\":800000000,\"repr_data\":0.8,\"repr_display\":0.8},\"stats\":{\"sum\":0.8,"
        "\"count\":1,\"min\":0.8,\"max\":0.8,\"sqr\":0.64,\"mean\":0.8,\"stddev\":0.0}},"
        "\"exclusive\":{\"entry\":{\"laps\":1,\"value\":760000000,\"accum\":760000000,"
        "\"repr_data\":0.76,\"repr_display\":0.76},\"stats\":{\"sum\":0.76,\"count\":1,"
        "\"min\":0.01,\"max\":0.8,\"sqr\":0.639,\"mean\":0.76,\"stddev\":0.0}}},"
        "\"children\":[{\"node\":{\"hash\":22,\"prefix\":\"bar\",\"tid\":[0],\"pid\":[4242],"
        "\"depth\":2,\"is_dummy\":false,\"inclusive\":{\"entry\":{\"laps\":2,\"value\":40000000,"
        "\"accum\":40000000,\"repr_data\":0.04,\"repr_display\":0.04},\"stats\":{\"sum\":0.04,"
        "\"count\":2,\"min\":0.01,\"max\":0.030000000000000002,\"sqr\":0.0010000000000000002,"
        "\"mean\":0.02,"
        "\"stddev\":0.014142135623730958}},\"exclusive\":{\"entry\":{\"laps\":2,"
        "\"value\":40000000,\"accum\":40000000,\"repr_data\":0.04,\"repr_display\":0.04},"
        "\"stats\":{\"sum\":0.04,\"count\":2,\"min\":0.01,\"max\":0.030000000000000002,"
        "\"sqr\":0.0010000000000000002,"
        "\"mean\":0.02,\"stddev\":0.014142135623730958}}},\"children\":[]}]},";
    CHECK(text && strstr(text, foo));
    const char* tail =
        "{\"node\":{\"hash\":33,\"prefix\":\"baz\",\"tid\":[0],\"pid\":[4242],\"depth\":1,"
        "\"is_dummy\":false,\"inclusive\":{\"entry\":{\"laps\":1,\"value\":80000000,"
        "\"accum\":80000000,\"repr_data\":0.08,\"repr_display\":0.08},\"stats\":{\"sum\":0.08,"
        "\"count\":1,\"min\":0.08,\"max\":0.08,\"sqr\":0.0064,\"mean\":0.08,\"stddev\":0.0}},"
        "\"exclusive\":{\"entry\":{\"laps\":1,\"value\":80000000,\"accum\":80000000,"
        "\"repr_data\":0.08,\"repr_display\":0.08},\"stats\":{\"sum\":0.08,\"count\":1,"
        "\"min\":0.08,\"max\":0.08,\"sqr\":0.0064,\"mean\":0.08,\"stddev\":0.0}}},"
        "\"children\":[]}]}]]}}}\n";
    CHECK(text && strlen(text) > strlen(tail) &&
          strcmp(text + strlen(text) - strlen(tail), tail) == 0);
    tm_check_python_loads(text);
    free(text);
}

TM_TEST(output_json_flamegraph_document)
{
    tm_fixture f;
    tm_fixture_init(&f, TIMEMORY_WALL_CLOCK);
    tm__buf b;
    tm__buf_init(&b);
    tm__write_flamegraph(&b, &f.r);
    char* text = tm__buf_take(&b);
    CHECK_STR(text, "{\"traceEvents\":["
                    "{\"dur\":800000.0,\"name\":\"foo\",\"ph\":\"X\",\"pid\":4242,\"tid\":0,"
                    "\"ts\":0.0},"
                    "{\"dur\":40000.0,\"name\":\"bar\",\"ph\":\"X\",\"pid\":4242,\"tid\":0,"
                    "\"ts\":0.0},"
                    "{\"dur\":80000.0,\"name\":\"baz\",\"ph\":\"X\",\"pid\":4242,\"tid\":0,"
                    "\"ts\":800000.0}]}\n");
    tm_check_python_loads(text);
    free(text);
}

/* ts: siblings end to end, children at their parent's start, deeper levels reset. */
TM_TEST(output_json_flamegraph_ts)
{
    tm__entry e[6];
    memset(e, 0, sizeof(e));
    const char* prefix[6] = { ">>> a", ">>> |_b", ">>> |_c", ">>>   |_d", ">>> e", ">>> |_f" };
    int         depth[6]  = { 0, 1, 1, 2, 0, 1 };
    int64_t     us[6]     = { 100, 20, 30, 5, 50, 7 };
    for(int i = 0; i < 6; ++i)
    {
        e[i].prefix   = (char*)prefix[i];
        e[i].depth    = depth[i];
        e[i].laps     = 1;
        e[i].accum[0] = us[i] * 1000;
        e[i].tid      = i == 5 ? 3 : -1;
    }
    tm__result r;
    memset(&r, 0, sizeof(r));
    r.comp     = TIMEMORY_WALL_CLOCK;
    r.entries  = e;
    r.nentries = 6;
    r.pid      = 7;
    tm__buf b;
    tm__buf_init(&b);
    tm__write_flamegraph(&b, &r);
    char* text = tm__buf_take(&b);
    CHECK_STR(text, "{\"traceEvents\":["
                    "{\"dur\":100.0,\"name\":\"a\",\"ph\":\"X\",\"pid\":7,\"tid\":0,\"ts\":0.0},"
                    "{\"dur\":20.0,\"name\":\"b\",\"ph\":\"X\",\"pid\":7,\"tid\":0,\"ts\":0.0},"
                    "{\"dur\":30.0,\"name\":\"c\",\"ph\":\"X\",\"pid\":7,\"tid\":0,\"ts\":20.0},"
                    "{\"dur\":5.0,\"name\":\"d\",\"ph\":\"X\",\"pid\":7,\"tid\":0,\"ts\":20.0},"
                    "{\"dur\":50.0,\"name\":\"e\",\"ph\":\"X\",\"pid\":7,\"tid\":0,\"ts\":100.0},"
                    "{\"dur\":7.0,\"name\":\"f\",\"ph\":\"X\",\"pid\":7,\"tid\":0,"
                    "\"ts\":100.0}]}\n");
    free(text);
}

/* Threads not collapsed: each thread's entries on its own tid, laid out from 0 there; a tid
 * met again (child processes' sections on tid 0) goes on after its last box. Names are clean:
 * no thread part, arrows, indentation or "|_". */
TM_TEST(output_json_flamegraph_per_thread)
{
    tm__entry e[5];
    memset(e, 0, sizeof(e));
    const char* prefix[5] = { "|0>>> a", "|0>>> |_b", "|1>>> c", "|1>>>   |_d", "|42>>> e" };
    int         depth[5]  = { 0, 1, 0, 2, 0 };
    int         tid[5]    = { 0, 0, 1, 1, 0 };
    int64_t     us[5]     = { 100, 20, 30, 5, 8 };
    for(int i = 0; i < 5; ++i)
    {
        e[i].prefix   = (char*)prefix[i];
        e[i].depth    = depth[i];
        e[i].laps     = 1;
        e[i].accum[0] = us[i] * 1000;
        e[i].tid      = tid[i];
    }
    tm__result r;
    memset(&r, 0, sizeof(r));
    r.comp         = TIMEMORY_WALL_CLOCK;
    r.entries      = e;
    r.nentries     = 5;
    r.pid          = 7;
    r.thread_count = 2;
    bool saved     = tm__settings.collapse_threads;
    for(int collapse = 0; collapse < 2; ++collapse)
    {
        tm__settings.collapse_threads = collapse;
        tm__buf b;
        tm__buf_init(&b);
        tm__write_flamegraph(&b, &r);
        char* text = tm__buf_take(&b);
        if(!collapse)
            CHECK_STR(text,
                      "{\"traceEvents\":["
                      "{\"dur\":100.0,\"name\":\"a\",\"ph\":\"X\",\"pid\":7,\"tid\":0,\"ts\":0.0},"
                      "{\"dur\":20.0,\"name\":\"b\",\"ph\":\"X\",\"pid\":7,\"tid\":0,\"ts\":0.0},"
                      "{\"dur\":30.0,\"name\":\"c\",\"ph\":\"X\",\"pid\":7,\"tid\":1,\"ts\":0.0},"
                      "{\"dur\":5.0,\"name\":\"d\",\"ph\":\"X\",\"pid\":7,\"tid\":1,\"ts\":0.0},"
                      "{\"dur\":8.0,\"name\":\"e\",\"ph\":\"X\",\"pid\":7,\"tid\":0,"
                      "\"ts\":100.0}]}\n");
        else /* one merged tree on tid 0 */
            CHECK(strstr(text, "\"tid\":1") == NULL && strstr(text, "\"name\":\"c\"") != NULL);
        free(text);
    }
    tm__settings.collapse_threads = saved;
}

/* current_peak_rss: pairs, a list of types, a formatted repr_display, pair statistics */
TM_TEST(output_json_pair_component)
{
    tm__entry e;
    memset(&e, 0, sizeof(e));
    e.prefix       = ">>> foo";
    e.label        = "foo";
    e.laps         = 1;
    e.hash         = 5;
    e.rolling_hash = 5;
    e.accum[0]     = 5028000;
    e.accum[1]     = 5156000;
    double s[2]    = { 5028000.0, 5156000.0 };
    tm__stats_add(&e.stats, s, 2);
    tm__result r;
    memset(&r, 0, sizeof(r));
    r.comp         = TIMEMORY_CURRENT_PEAK_RSS;
    r.entries      = &e;
    r.nentries     = 1;
    r.thread_count = 2;
    char* text     = tm_doc(tm__write_json_flat, &r);
    CHECK(strstr(text, "\"type\":[\"start peak rss\",\" stop peak rss\"],"));
    CHECK(strstr(text, "\"unit_value\":{\"first\":1000000,\"second\":1000000},"
                       "\"unit_repr\":[\"MB\",\"MB\"],"));
    CHECK(strstr(text, "\"thread_count\":2,") && strstr(text, "\"concurrency\":2,"));
    CHECK(strstr(text, "\"value\":{\"first\":5028000,\"second\":5156000},"
                       "\"accum\":{\"first\":5028000,\"second\":5156000},"
                       "\"repr_data\":{\"first\":5.028,\"second\":5.156},"
                       "\"repr_display\":\"   5.028 MB,    5.156 MB\"}"));
    CHECK(strstr(text, "\"stats\":{\"cereal_class_version\":0,\"sum\":{\"first\":5.028,"
                       "\"second\":5.156},\"count\":1,\"min\":{\"first\":5.028,\"second\":5.156}"));
    tm_check_python_loads(text);
    free(text);
}

/* written_bytes keeps std::array values: JSON arrays */
TM_TEST(output_json_array_component)
{
    tm__entry e;
    memset(&e, 0, sizeof(e));
    e.prefix   = ">>> w";
    e.laps     = 1;
    e.accum[0] = 2000000;
    e.accum[1] = 1000000000;
    tm__result r;
    memset(&r, 0, sizeof(r));
    r.comp     = TIMEMORY_WRITTEN_BYTES;
    r.entries  = &e;
    r.nentries = 1;
    char* text = tm_doc(tm__write_json_flat, &r);
    CHECK(strstr(text, "\"type\":[\"written_bytes\",\"written_rate\"],"));
    CHECK(strstr(text, "\"unit_value\":[1000000,1000000],\"unit_repr\":[\"MB\",\"MB/sec\"],"));
    CHECK(strstr(text, "\"value\":[2000000,1000000000],\"accum\":[2000000,1000000000],"
                       "\"repr_data\":["));
    CHECK(strstr(text, "\"stats\":{\"cereal_class_version\":0,\"sum\":[0.0,0.0],\"count\":0,"));
    tm_check_python_loads(text);
    free(text);
}

/* trip_count: integer values, statistics of an empty type */
TM_TEST(output_json_no_stats_component)
{
    tm__entry e;
    memset(&e, 0, sizeof(e));
    e.prefix   = ">>> loop";
    e.laps     = 7;
    e.accum[0] = 7;
    tm__result r;
    memset(&r, 0, sizeof(r));
    r.comp     = TIMEMORY_TRIP_COUNT;
    r.entries  = &e;
    r.nentries = 1;
    char* text = tm_doc(tm__write_json_flat, &r);
    CHECK(strstr(text, "\"entry\":{\"cereal_class_version\":0,\"laps\":7,\"value\":7,"
                       "\"accum\":7,\"repr_data\":7,\"repr_display\":7},"
                       "\"stats\":{\"sum\":{},\"count\":0,\"min\":{},\"max\":{},\"sqr\":{},"
                       "\"mean\":{},\"stddev\":{}}"));
    CHECK(strstr(text, "\"type\":\"trip_count\",\"description\":\"Counts number of "
                       "invocations\",\"unit_value\":1,\"unit_repr\":\"\","));
    tm_check_python_loads(text);
    free(text);
}

/* Labels with quotes, backslashes and control characters stay valid JSON. */
TM_TEST(output_json_escapes_labels)
{
    tm_fixture f;
    tm_fixture_init(&f, TIMEMORY_WALL_CLOCK);
    f.e[0].prefix  = ">>> say \"hi\"\\ \t\x01";
    f.top[0].label = "say \"hi\"\\ \t\x01";
    char* flat     = tm_doc(tm__write_json_flat, &f.r);
    char* tree     = tm_doc(tm__write_json_tree, &f.r);
    CHECK(strstr(flat, "\"prefix\":\">>> say \\\"hi\\\"\\\\ \\t\\u0001\""));
    tm_check_python_loads(flat);
    tm_check_python_loads(tree);
    free(flat);
    free(tree);
}
