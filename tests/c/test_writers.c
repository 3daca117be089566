/* test_writers.c -- the writers stay linear and never recurse once per level: a deep chain
 * merged, flattened, written in every layout and freed on a thread with a small stack; the
 * flame graph's start times against the straightforward per-entry reset; dart names of
 * entries whose parents are not where a pre-order list puts them; previous entries matched
 * by hashing; functions.json sorted by label. */
#include "internal.h"
#include "tm_test.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int64_t tm_chain_now;
static int64_t tm_chain_reader(int comp, int idx)
{
    (void)comp;
    return idx == 0 ? ++tm_chain_now : 0;
}

#define TM_CHAIN_DEPTH 3000

typedef struct tm_chain_job {
    tm__result r;
    int        rc;
    size_t     text_rows, flat_entries, tree_depth, flame_events, svg_boxes;
    bool       tree_parsed;
} tm_chain_job;

static size_t tm_count(const char* text, const char* what)
{
    size_t n = 0;
    for(const char* p = text ? strstr(text, what) : NULL; p; p = strstr(p + 1, what)) ++n;
    return n;
}

/* everything a finalize does with one component, on the small stack */
static void* tm_chain_work(void* arg)
{
    tm_chain_job* job = arg;
    job->rc           = tm__result_build(TIMEMORY_WALL_CLOCK, &job->r);
    if(job->rc != TIMEMORY_OK) return NULL;
    const tm__result* one[1] = { &job->r };
    tm__buf           b;

    tm__buf_init(&b);
    tm__write_text(&b, &job->r);
    job->text_rows = tm_count(b.data, "| wall   |");
    tm__buf_free(&b);

    tm__write_json_flat(&b, one, 1);
    job->flat_entries = tm_count(b.data, "\"rolling_hash\":");
    tm__buf_free(&b);

    tm__write_json_tree(&b, one, 1);
    tm__json_limits limits = { 0, 0, 4 * TM_CHAIN_DEPTH + 64 };
    tm__json_error  err;
    tm__jtree*      tree = b.data ? tm__jtree_parse(b.data, b.len, &limits, &err) : NULL;
    job->tree_parsed     = tree != NULL;
    if(tree)
    {
        /* timemory.wall_clock.graph[0][0]: the placeholder root, then one child per level */
        const tm__jnode* n =
            tm__jnode_member(tm__jnode_member(tm__jtree_root(tree), "timemory"), "wall_clock");
        n = tm__jnode_member(n, "graph");
        n = n && n->u.items.first ? n->u.items.first->u.items.first : NULL;
        while(n)
        {
            const tm__jnode* kids = tm__jnode_member(n, "children");
            n                     = kids && kids->u.items.count == 1 ? kids->u.items.first : NULL;
            if(n) ++job->tree_depth;
        }
        tm__jtree_free(tree);
    }
    tm__buf_free(&b);

    tm__write_flamegraph(&b, &job->r);
    job->flame_events = tm_count(b.data, "\"ph\":\"X\"");
    tm__buf_free(&b);

    tm__write_flamegraph_svg(&b, &job->r);
    job->svg_boxes = tm_count(b.data, "<g class=\"f\">");
    tm__buf_free(&b);

    tm__result_free(&job->r);
    return NULL;
}

TM_TEST(writers_deep_chain_small_stack)
{
    timemory_clear(0);
    uint16_t max_depth     = tm__settings.max_depth;
    tm__settings.max_depth = 65535;
    tm__set_test_reader(tm_chain_reader);
    tm__fast_wall                    = false;
    tm_chain_now                     = 0;
    const timemory_components_t wall = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    uint64_t*                   ids  = malloc(TM_CHAIN_DEPTH * sizeof(uint64_t));
    if(!ids) return;
    for(int d = 0; d < TM_CHAIN_DEPTH; ++d)
    {
        char name[32];
        snprintf(name, sizeof(name), "chain-%d", d);
        ids[d] = timemory_add_hash_id(name);
        timemory_push(ids[d], wall, TIMEMORY_SCOPE_TREE);
    }
    for(int d = TM_CHAIN_DEPTH; d-- > 0;) timemory_pop(ids[d]);
    free(ids);
    tm__set_test_reader(NULL);
    tm__fast_wall = true;

    /* 64 KiB: a frame per level of any of them would need several times that */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    CHECK_INT(pthread_attr_setstacksize(&attr, 64 * 1024), 0);
    pthread_t    thread;
    tm_chain_job job;
    memset(&job, 0, sizeof(job));
    CHECK_INT(pthread_create(&thread, &attr, tm_chain_work, &job), 0);
    pthread_join(thread, NULL);
    pthread_attr_destroy(&attr);

    CHECK_INT(job.rc, TIMEMORY_OK);
    CHECK_INT(job.text_rows, TM_CHAIN_DEPTH);
    CHECK_INT(job.flat_entries, TM_CHAIN_DEPTH);
    CHECK(job.tree_parsed);
    CHECK_INT(job.tree_depth, TM_CHAIN_DEPTH);
    CHECK_INT(job.flame_events, TM_CHAIN_DEPTH);
    /* "all" and one box per level: the innermost still spans 1 of 5999 ticks */
    CHECK_INT(job.svg_boxes, TM_CHAIN_DEPTH + 1);
    tm__settings.max_depth = max_depth;
    timemory_clear(0);
}

/* ---- the flame graph's start times ----------------------------------------------------------- */

/* The layout as first written: every sibling resets all the levels below it. */
static void tm_flame_starts(const tm__result* r, double* ts)
{
    int max_depth = 0;
    for(size_t i = 0; i < r->nentries; ++i)
        if(r->entries[i].depth > max_depth) max_depth = r->entries[i].depth;
    size_t  levels = (size_t)max_depth + 1;
    double* next   = calloc(levels, sizeof(double));
    double* last   = calloc(levels, sizeof(double));
    bool*   has    = calloc(levels, sizeof(bool));
    for(size_t i = 0; i < r->nentries && next && last && has; ++i)
    {
        size_t d = r->entries[i].depth < 0 ? 0 : (size_t)r->entries[i].depth;
        if(has[d])
        {
            next[d] += last[d];
            for(size_t j = d + 1; j < levels; ++j)
            {
                next[j] = next[d];
                has[j]  = false;
            }
            has[d] = false;
        }
        ts[i]   = next[d];
        last[d] = (double)r->entries[i].accum[0] / 1000.0;
        has[d]  = true;
    }
    free(next);
    free(last);
    free(has);
}

TM_TEST(writers_flamegraph_starts)
{
    /* pre-order lists and lists with jumps in depth (what a previous run's file may hold) */
    uint64_t rng = 7;
    for(int round = 0; round < 40; ++round)
    {
        tm__result r;
        memset(&r, 0, sizeof(r));
        r.comp     = TIMEMORY_WALL_CLOCK;
        r.nentries = 200;
        r.entries  = calloc(r.nentries, sizeof(tm__entry));
        double* ts = calloc(r.nentries, sizeof(double));
        if(!r.entries || !ts) return;
        int depth = 0;
        for(size_t i = 0; i < r.nentries; ++i)
        {
            rng           = rng * 6364136223846793005ull + 1442695040888963407ull;
            unsigned step = (unsigned)(rng >> 33) % 7;
            if(round % 2 == 0) /* pre-order: one deeper at most */
                depth = step < 3 ? depth + 1 : (step < 5 ? depth : depth - (int)(step - 4));
            else
                depth = (int)(step * 3 % 11);
            if(depth < 0) depth = 0;
            r.entries[i].depth    = depth;
            r.entries[i].prefix   = (char*)"x";
            r.entries[i].accum[0] = (int64_t)(rng >> 40) % 100000 + 1;
        }
        tm_flame_starts(&r, ts);
        tm__buf b;
        tm__buf_init(&b);
        tm__write_flamegraph(&b, &r);
        const char* p    = b.data;
        size_t      seen = 0;
        for(size_t i = 0; i < r.nentries && p; ++i)
        {
            p = strstr(p, "\"ts\":");
            if(!p) break;
            double got = strtod(p + 5, NULL);
            if(got != ts[i] && seen++ < 3)
                fprintf(stderr, "  round %d entry %zu: ts %.17g, expected %.17g\n", round, i, got,
                        ts[i]);
            ++p;
        }
        CHECK_INT(seen, 0);
        CHECK_INT(tm_count(b.data, "\"ts\":"), r.nentries);
        tm__buf_free(&b);
        free(ts);
        free(r.entries);
    }
}

/* ---- dart names -------------------------------------------------------------------------------
 */

TM_TEST(writers_dart_names_follow_parents)
{
    /* a pre-order list, then an entry whose depth jumps past its last sibling's parent */
    static const int         depths[] = { 0, 1, 2, 1, 0, 2, 1, 3 };
    static const char* const labels[] = { "a", "b c", "d", "e", "f<g>", "h", "i", "j" };
    const size_t             n        = sizeof(depths) / sizeof(depths[0]);
    tm__result               r;
    memset(&r, 0, sizeof(r));
    r.comp    = TIMEMORY_WALL_CLOCK;
    r.entries = calloc(n, sizeof(tm__entry));
    if(!r.entries) return;
    r.nentries = n;
    for(size_t i = 0; i < n; ++i)
    {
        r.entries[i].depth    = depths[i];
        r.entries[i].label    = labels[i];
        r.entries[i].prefix   = (char*)labels[i];
        r.entries[i].laps     = 1;
        r.entries[i].accum[0] = 1000000000;
    }
    tm__settings_store saved = tm__settings;
    tm__settings.file_output = tm__settings.cout_output = false;
    tm__settings.dart_output                            = true;
    tm__settings.dart_label                             = false;
    tm__settings.dart_count                             = 0;
    tm__settings.max_depth                              = 65535;
    tm_capture cap;
    tm_capture_begin(&cap, 1);
    tm__output_result(&r);
    char* out = tm_capture_end(&cap);
    /* the nearest entry one level up before each entry, and so on up: "h" (depth 2) follows
     * "f" at depth 0 with no depth-1 entry between, so its chain is e's, under a; "j" is
     * under h */
    static const char* const names[] = { "WALL//a//sec",    "WALL//ab_c//sec", "WALL//ab_cd//sec",
                                         "WALL//ae//sec",   "WALL//f_g//sec",  "WALL//aeh//sec",
                                         "WALL//f_gi//sec", "WALL//aehj//sec" };
    CHECK_INT(tm_count(out, "<DartMeasurement"), n);
    const char* p = out;
    for(size_t i = 0; i < n && p; ++i)
    {
        char expected[128];
        snprintf(expected, sizeof(expected), "name=\"%s\">1</DartMeasurement>", names[i]);
        p = strstr(p, expected);
        if(!p) fprintf(stderr, "  missing in order: %s\n", expected);
        CHECK(p != NULL);
    }
    free(out);
    tm__settings.file_output = saved.file_output;
    tm__settings.cout_output = saved.cout_output;
    tm__settings.dart_output = saved.dart_output;
    tm__settings.dart_label  = saved.dart_label;
    tm__settings.dart_count  = saved.dart_count;
    tm__settings.max_depth   = saved.max_depth;
    free(r.entries);
}

/* ---- a previous run matched by hashing --------------------------------------------------------
 */

TM_TEST(writers_diff_matching_is_linear)
{
    enum { N = 20000 };
    tm__result cur, prev, out;
    memset(&cur, 0, sizeof(cur));
    memset(&prev, 0, sizeof(prev));
    cur.comp = prev.comp = TIMEMORY_WALL_CLOCK;
    cur.entries          = calloc(N + 1, sizeof(tm__entry));
    prev.entries         = calloc(N, sizeof(tm__entry));
    if(!cur.entries || !prev.entries) return;
    cur.nentries  = N + 1;
    prev.nentries = N;
    for(size_t i = 0; i < N; ++i)
    {
        char prefix[32];
        snprintf(prefix, sizeof(prefix), ">>> |_entry-%zu", i);
        tm__entry* c    = &cur.entries[i];
        c->depth        = 1;
        c->hash         = i % 97; /* many share a hash: the prefix tells them apart */
        c->rolling_hash = 1000 + i % 97;
        c->prefix       = tm__strdup(prefix);
        c->label        = c->prefix + 4;
        c->laps         = 1;
        c->accum[0]     = 5000 + (int64_t)i;
        /* the previous run listed them in reverse */
        tm__entry* p = &prev.entries[N - 1 - i];
        *p           = *c;
        p->prefix    = tm__strdup(prefix);
        p->label     = p->prefix + 4;
        p->accum[0]  = 1000;
    }
    /* a repeated key: the first current entry is the one subtracted from */
    cur.entries[N]          = cur.entries[0];
    cur.entries[N].prefix   = tm__strdup(cur.entries[0].prefix);
    cur.entries[N].label    = cur.entries[N].prefix + 4;
    cur.entries[N].accum[0] = 99;
    tm__diff_probes         = 0;
    CHECK_INT(tm__diff_compute(&cur, &prev, "prev.json", &out), TIMEMORY_OK);
    CHECK_INT(out.nentries, N);
    CHECK(tm__diff_probes < 4 * (size_t)N);
    CHECK_INT(out.entries[0].accum[0], 5000 + N - 1 - 1000);
    CHECK_INT(out.entries[N - 1].accum[0], 5000 - 1000);
    CHECK_STR(out.entries[N - 1].prefix, ">>> |_entry-0");
    tm__result_free(&out);
    tm__result_free(&cur);
    tm__result_free(&prev);
}

/* ---- functions.json ---------------------------------------------------------------------------
 */

static int64_t tm_fn_now;
static int64_t tm_fn_reader(int comp, int idx)
{
    (void)comp;
    return idx == 0 ? (tm_fn_now += 1000) : 0;
}

TM_TEST(writers_functions_json_sorted)
{
    /* labels sharing long prefixes, prefixes of one another and bytes above 0x7f */
    uint64_t rng = 11;
    for(int i = 0; i < 5000; ++i)
    {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        char name[96];
        snprintf(name, sizeof(name), "writers/a-rather-long/common/prefix/%s%u%s",
                 (rng >> 60) & 1 ? "\xc3\xa9" : "", (unsigned)(rng >> 35) % 100000u,
                 (rng >> 59) & 1 ? "" : "/tail");
        timemory_add_hash_id(name);
    }
    timemory_add_hash_id("writers/a-rather-long/common/prefix/");
    timemory_add_hash_id("writers/a-rather-long/common/prefix");

    char  tmpl[] = "/tmp/tm_writers_XXXXXX";
    char* dir    = mkdtemp(tmpl);
    if(!dir) return;
    char*              saved_path = tm__settings_string_copy("output_path");
    tm__settings_store saved      = tm__settings;
    timemory_settings_set_string("output_path", dir);
    tm__settings.file_output = true;
    tm__settings.json_output = true;
    tm__settings.tree_output = tm__settings.text_output = tm__settings.flamegraph_output = false;
    tm__settings.cout_output = tm__settings.dart_output = tm__settings.ctest_notes = false;
    tm__settings.diff_output = tm__settings.time_output = false;
    timemory_clear(0);
    tm__set_test_reader(tm_fn_reader);
    tm__fast_wall = false;
    uint64_t id   = timemory_add_hash_id("writers-functions");
    timemory_push(id, TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK), TIMEMORY_SCOPE_TREE);
    timemory_pop(id);
    tm__set_test_reader(NULL);
    tm__fast_wall = true;
    tm_capture cap;
    tm_capture_begin(&cap, 1);
    CHECK_INT(tm__output_all(), TIMEMORY_OK);
    free(tm_capture_end(&cap));

    char path[512];
    snprintf(path, sizeof(path), "%s/functions.json", dir);
    tm__json_error err;
    tm__jtree*     tree = tm__jtree_read_file(path, NULL, &err);
    CHECK(tree != NULL);
    const tm__jnode* fns =
        tree ? tm__jnode_member(tm__jnode_member(tm__jtree_root(tree), "timemory"), "functions")
             : NULL;
    CHECK(fns && fns->kind == TM_JSON_OBJECT && fns->u.items.count > 5000);
    size_t      out_of_order = 0, ids = 0;
    const char* last = NULL;
    for(const tm__jnode* m = fns ? fns->u.items.first : NULL; m; m = m->next)
    {
        if(last && strcmp(last, m->key) >= 0) ++out_of_order;
        last              = m->key;
        uint64_t previous = 0;
        for(const tm__jnode* v = m->u.items.first; v; v = v->next, ++ids)
        {
            uint64_t x = 0;
            CHECK(tm__jnode_u64(v, &x) && (v == m->u.items.first || x > previous));
            previous = x;
        }
    }
    CHECK_INT(out_of_order, 0);
    CHECK(ids >= fns->u.items.count);
    tm__jtree_free(tree);

    timemory_settings_set_string("output_path", saved_path);
    free(saved_path);
    tm__settings.file_output       = saved.file_output;
    tm__settings.json_output       = saved.json_output;
    tm__settings.tree_output       = saved.tree_output;
    tm__settings.text_output       = saved.text_output;
    tm__settings.flamegraph_output = saved.flamegraph_output;
    tm__settings.cout_output       = saved.cout_output;
    tm__settings.dart_output       = saved.dart_output;
    tm__settings.ctest_notes       = saved.ctest_notes;
    tm__settings.diff_output       = saved.diff_output;
    tm__settings.time_output       = saved.time_output;
    timemory_clear(0);
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
}

/* ---- a buffer streamed to its file ------------------------------------------------------------
 */

TM_TEST(writers_stream_whole_or_nothing)
{
    char  tmpl[] = "/tmp/tm_stream_XXXXXX";
    char* dir    = mkdtemp(tmpl);
    if(!dir) return;
    char path[512];
    snprintf(path, sizeof(path), "%s/sub/out.txt", dir);

    /* many chunks; a held piece copied after more text follows, across chunk boundaries */
    tm__buf b;
    CHECK_INT(tm__buf_stream_open(&b, path), TIMEMORY_OK);
    tm__buf expected;
    tm__buf_init(&expected);
    for(int i = 0; i < 200000; ++i)
    {
        char   line[64];
        int    n    = snprintf(line, sizeof(line), "line %d,", i);
        size_t mark = tm__buf_hold(&b);
        tm__buf_append(&b, line, (size_t)n);
        tm__buf_append(&expected, line, (size_t)n);
        if(i % 1000 == 0)
        {
            /* more than a chunk after the mark: still there to copy */
            for(int k = 0; k < 3000; ++k) tm__buf_puts(&b, "0123456789abcdef0123456789abcdef");
            for(int k = 0; k < 3000; ++k)
                tm__buf_puts(&expected, "0123456789abcdef0123456789abcdef");
        }
        char* p = tm__buf_space(&b, (size_t)n);
        if(p)
        {
            memcpy(p, tm__buf_held(&b, mark), (size_t)n);
            tm__buf_commit(&b, p + n);
        }
        tm__buf_release(&b);
        tm__buf_append(&expected, line, (size_t)n);
    }
    struct stat st;
    CHECK(stat(path, &st) != 0); /* nothing under the name until it is complete */
    CHECK_INT(tm__buf_stream_close(&b, true), TIMEMORY_OK);
    char* text = tm_read_file(path);
    CHECK(text && expected.data && strlen(text) == expected.len &&
          memcmp(text, expected.data, expected.len) == 0);
    free(text);
    tm__buf_free(&expected);

    /* abandoned (close without keep, or freed): no file, no temporary left */
    snprintf(path, sizeof(path), "%s/gone.txt", dir);
    CHECK_INT(tm__buf_stream_open(&b, path), TIMEMORY_OK);
    for(int k = 0; k < 100000; ++k) tm__buf_puts(&b, "abandoned text ");
    CHECK_INT(tm__buf_stream_close(&b, false), TIMEMORY_OK);
    CHECK(stat(path, &st) != 0);
    CHECK_INT(tm__buf_stream_open(&b, path), TIMEMORY_OK);
    tm__buf_puts(&b, "freed");
    tm__buf_free(&b);
    CHECK(stat(path, &st) != 0);
    int  left = 0;
    DIR* d    = opendir(dir);
    for(struct dirent* e = d ? readdir(d) : NULL; e; e = readdir(d))
        if(strstr(e->d_name, ".tmp.")) ++left;
    if(d) closedir(d);
    CHECK_INT(left, 0);

    /* a folder that cannot be made: an error, no file */
    snprintf(path, sizeof(path), "%s/sub/out.txt/x/y.txt", dir);
    errno = 0;
    CHECK_INT(tm__buf_stream_open(&b, path), TIMEMORY_EIO);
    CHECK(errno != 0);

    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
}
