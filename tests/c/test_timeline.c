/* test_timeline.c -- the per-call timeline (timeline.c) with an injected clock: the exact
 * events of a known sequence (begins, ends, depths, caller ticks), what records nothing
 * (node-only and paused pushes), drops counted when a thread's buffer is full with every
 * recorded call kept whole, distinct tids and names per thread, out-of-order pops and calls
 * still running, the trace document (exact events, parsed by the strict JSON reader), clear,
 * fork, the file written at output, and no allocation on the hot path after warm-up. Each
 * scenario runs on a thread of its own: a thread's buffer takes the capacity of its first
 * event. */
#include "internal.h"
#include "tm_test.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const timemory_components_t WALL = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);

static int64_t tm_tl_now, tm_tl_ticks;
static int64_t tm_tl_reader(int comp, int idx)
{
    (void)comp;
    return idx == 0 ? tm_tl_now : 0;
}
static int64_t tm_tl_tick_source(void)
{
    return tm_tl_ticks;
}

typedef struct tm_tl_saved {
    bool    timeline;
    int64_t capacity;
} tm_tl_saved;

/* timeline on with capacity events per new thread, the injected clock, an empty timeline */
static tm_tl_saved tm_tl_begin(int64_t capacity)
{
    tm_tl_saved saved = { tm__settings.timeline, tm__settings.timeline_capacity };
    timemory_clear(0);
    tm__settings.timeline          = true;
    tm__settings.timeline_capacity = capacity;
    tm__set_test_reader(tm_tl_reader);
    tm__fast_wall = false;
    tm_tl_now     = 0;
    return saved;
}

static void tm_tl_end(tm_tl_saved saved)
{
    tm__set_test_reader(NULL);
    tm__fast_wall                  = true;
    tm__settings.timeline          = saved.timeline;
    tm__settings.timeline_capacity = saved.capacity;
    timemory_clear(0);
}

typedef struct tm_tl_run {
    void (*fn)(struct tm_tl_run*);
    int         tid;
    const char* name; /* set with pthread_setname_np / the API before the first event */
    bool        api_name;
    int         arg;
} tm_tl_run;

static void* tm_tl_thread(void* p)
{
    tm_tl_run* run = p;
    if(run->name && !run->api_name) pthread_setname_np(pthread_self(), run->name);
    if(run->name && run->api_name) timemory_timeline_set_thread_name(run->name);
    run->tid = tm__graph_thread_tid();
    run->fn(run);
    return NULL;
}

static void tm_tl_on_thread(tm_tl_run* run)
{
    pthread_t t;
    CHECK_INT(pthread_create(&t, NULL, tm_tl_thread, run), 0);
    pthread_join(t, NULL);
}

static char* tm_tl_trace(void)
{
    tm__buf b;
    tm__buf_init(&b);
    tm__write_timeline(&b);
    CHECK(!b.failed);
    char*          text = tm__buf_take(&b);
    tm__json_error err;
    tm__jtree*     tree = tm__jtree_parse(text, strlen(text), NULL, &err);
    CHECK(tree != NULL);
    if(!tree) fprintf(stderr, "  %s\n%s\n", err.message, text);
    tm__jtree_free(tree);
    return text;
}

static int tm_tl_count(const char* text, const char* what)
{
    int n = 0;
    for(const char* p = text; (p = strstr(p, what)); p += strlen(what)) ++n;
    return n;
}

/* ---- a known sequence ------------------------------------------------------------------------ */

static uint64_t tm_tl_a, tm_tl_b, tm_tl_c, tm_tl_h, tm_tl_n;

static void tm_tl_sequence(tm_tl_run* run)
{
    (void)run;
    static int code;
    tm_tl_now = 100;
    timemory_push(tm_tl_a, WALL, TIMEMORY_SCOPE_TREE);
    tm_tl_now = 110;
    timemory_push(tm_tl_b, WALL | TIMEMORY_COMPONENT_BIT(TIMEMORY_PEAK_RSS), TIMEMORY_SCOPE_TREE);
    tm_tl_now = 130;
    timemory_pop(tm_tl_b);
    /* nothing measured, nothing in the timeline: a node-only push, a paused pair */
    timemory_push(tm_tl_n, 0, TIMEMORY_SCOPE_TREE);
    int64_t d[2] = { 5, 0 };
    timemory_pop_values(tm_tl_n, TIMEMORY_WALL_CLOCK, d, 1);
    timemory_pause();
    timemory_push(tm_tl_n, WALL, TIMEMORY_SCOPE_TREE);
    timemory_pop(tm_tl_n);
    timemory_resume();
    tm_tl_now = 140;
    timemory_push(tm_tl_c, WALL, TIMEMORY_SCOPE_FLAT);
    /* a hook push timed by its caller's ticks */
    timemory_hook_push(tm_tl_h, 0, TIMEMORY_SCOPE_TREE, &code, NULL, 1000);
    timemory_hook_pop(&code, NULL, 1250, 0.5);
    tm_tl_now = 150;
    timemory_pop(tm_tl_c);
    tm_tl_now = 200;
    timemory_pop(tm_tl_a);
}

TM_TEST(timeline_exact_events_of_a_known_sequence)
{
    tm_tl_a           = timemory_add_hash_id("tl-a");
    tm_tl_b           = timemory_add_hash_id("tl-b");
    tm_tl_c           = timemory_add_hash_id("tl-c");
    tm_tl_h           = timemory_add_hash_id("tl-hook");
    tm_tl_n           = timemory_add_hash_id("tl-node-only");
    tm_tl_saved saved = tm_tl_begin(1024);
    /* the caller's ticks: 1000 at 500 ns, 3000 at 1500 ns when the trace is made: half a
     * nanosecond a tick */
    tm_tl_ticks = 1000;
    tm_tl_now   = 500;
    timemory_timeline_set_tick_source(tm_tl_tick_source);
    tm_tl_run run = { tm_tl_sequence, -1, NULL, false, 0 };
    tm_tl_on_thread(&run);
    CHECK(run.tid > 0);

    tm__timeline_event ev[16];
    uint64_t           dropped = 99;
    size_t             n       = tm__timeline_events(run.tid, ev, 16, &dropped);
    CHECK_INT(n, 8);
    CHECK_INT(dropped, 0);
    struct {
        int64_t  ts;
        uint64_t key;
        uint32_t depth;
        bool     end;
    } want[8] = { { 100, tm_tl_a, 0, false },  { 110, tm_tl_b, 1, false },
                  { 130, tm_tl_b, 1, true },   { 140, tm_tl_c, 1, false },
                  { 1000, tm_tl_h, 2, false }, { 1250, tm_tl_h, 2, true },
                  { 150, tm_tl_c, 1, true },   { 200, tm_tl_a, 0, true } };
    for(size_t i = 0; i < n && i < 8; ++i)
    {
        CHECK_INT(ev[i].ts, want[i].ts);
        CHECK(ev[i].key == want[i].key);
        CHECK_INT(ev[i].depth, want[i].depth);
        CHECK_INT(ev[i].end, want[i].end);
    }
    uint64_t recorded = 0;
    CHECK_INT(timemory_timeline_counts(&recorded, &dropped), TIMEMORY_OK);
    CHECK_INT(recorded, 8);
    CHECK_INT(dropped, 0);

    /* the trace: one X per call in order of start, microseconds; the hook call's ticks
     * converted (500 .. 625 ns) and its parents stretched to hold it */
    tm_tl_ticks      = 3000;
    tm_tl_now        = 1500;
    char*       text = tm_tl_trace();
    char        line[256];
    long        pid         = tm__data_pid();
    const char* calls[4][3] = { { "tl-a", "0.100", "0.525" },
                                { "tl-b", "0.110", "0.020" },
                                { "tl-c", "0.140", "0.485" },
                                { "tl-hook", "0.500", "0.125" } };
    const char* at          = text;
    for(int i = 0; i < 4; ++i)
    {
        snprintf(line, sizeof(line),
                 "{\"name\":\"%s\",\"ph\":\"X\",\"ts\":%s,\"dur\":%s,\"pid\":%ld,\"tid\":%d}",
                 calls[i][0], calls[i][1], calls[i][2], pid, run.tid);
        const char* found = strstr(at, line);
        CHECK(found != NULL);
        if(!found)
            fprintf(stderr, "  missing, or out of order: %s\n", line);
        else
            at = found;
    }
    CHECK_INT(tm_tl_count(text, "\"ph\":\"X\""), 4);
    CHECK(strstr(text, "tl-node-only") == NULL);
    snprintf(line, sizeof(line),
             "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%ld,\"tid\":%d,\"args\":{\"name\":"
             "\"thread %d\",\"dropped_events\":0}}",
             pid, run.tid, run.tid);
    CHECK(strstr(text, line) != NULL);
    CHECK(strstr(text, "{\"name\":\"process_name\",\"ph\":\"M\"") != NULL);
    CHECK(strstr(text, "\"otherData\":{\"producer\":\"timemory ") != NULL);
    CHECK(strstr(text, "\"events\":8,\"dropped_events\":0,\"capacity_per_thread\":1024}}") != NULL);
    free(text);
    timemory_timeline_set_tick_source(NULL);
    tm_tl_end(saved);
}

/* ---- a full buffer --------------------------------------------------------------------------- */

static void tm_tl_many(tm_tl_run* run)
{
    uint64_t outer = timemory_add_hash_id("tl-outer"), inner = timemory_add_hash_id("tl-inner");
    timemory_push(outer, WALL, TIMEMORY_SCOPE_TREE);
    for(int i = 0; i < run->arg; ++i)
    {
        ++tm_tl_now;
        timemory_push(inner, WALL, TIMEMORY_SCOPE_TREE);
        ++tm_tl_now;
        timemory_pop(inner);
    }
    ++tm_tl_now;
    timemory_pop(outer);
}

TM_TEST(timeline_full_buffer_drops_and_counts)
{
    tm_tl_saved saved = tm_tl_begin(16);
    tm_tl_run   run   = { tm_tl_many, -1, NULL, false, 20 };
    tm_tl_on_thread(&run);
    /* 16 slots: the outer begin, 7 inner calls (room is kept for the ends of open calls), the
     * outer end; the other 13 calls are dropped, 2 events each */
    tm__timeline_event ev[32];
    uint64_t           dropped = 0;
    size_t             n       = tm__timeline_events(run.tid, ev, 32, &dropped);
    CHECK_INT(n, 16);
    CHECK_INT(dropped, 26);
    CHECK(n == 16 && ev[15].end && ev[15].key == timemory_add_hash_id("tl-outer"));
    char* text = tm_tl_trace();
    CHECK_INT(tm_tl_count(text, "\"ph\":\"X\""), 8);
    CHECK_INT(tm_tl_count(text, "\"ph\":\"B\""), 0);
    CHECK(strstr(text, "\"dropped_events\":26}}") != NULL);
    free(text);
    tm_tl_end(saved);
}

/* ---- threads --------------------------------------------------------------------------------- */

static void tm_tl_one_call(tm_tl_run* run)
{
    uint64_t k = timemory_add_hash_id(run->arg ? "tl-two" : "tl-one");
    timemory_push(k, WALL, TIMEMORY_SCOPE_TREE);
    tm_tl_now += 10;
    timemory_pop(k);
}

TM_TEST(timeline_threads_have_distinct_tids_and_names)
{
    tm_tl_saved saved = tm_tl_begin(64);
    tm_tl_run   one   = { tm_tl_one_call, -1, "tl-os-name", false, 0 };
    tm_tl_run   two   = { tm_tl_one_call, -1, "tl-api-name", true, 1 };
    tm_tl_on_thread(&one);
    tm_tl_on_thread(&two);
    CHECK(one.tid > 0 && two.tid > 0 && one.tid != two.tid);
    tm__timeline_event ev[4];
    CHECK_INT(tm__timeline_events(one.tid, ev, 4, NULL), 2);
    CHECK(ev[0].key == timemory_add_hash_id("tl-one"));
    CHECK_INT(tm__timeline_events(two.tid, ev, 4, NULL), 2);
    CHECK(ev[0].key == timemory_add_hash_id("tl-two"));
    char*            text = tm_tl_trace();
    long             pid  = tm__data_pid();
    char             line[256];
    const tm_tl_run* runs[2] = { &one, &two };
    for(int i = 0; i < 2; ++i)
    {
        snprintf(line, sizeof(line), "\"tid\":%d,\"args\":{\"name\":\"%s\",\"dropped_events\":0}}",
                 runs[i]->tid, runs[i]->name);
        CHECK(strstr(text, line) != NULL);
        snprintf(line, sizeof(line), "\"name\":\"%s\",\"ph\":\"X\"", i ? "tl-two" : "tl-one");
        const char* x = strstr(text, line);
        snprintf(line, sizeof(line), "\"pid\":%ld,\"tid\":%d}", pid, runs[i]->tid);
        CHECK(x && strncmp(strstr(x, "\"pid\""), line, strlen(line)) == 0);
    }
    free(text);
    tm_tl_end(saved);
}

/* ---- out of order, still running, clear ------------------------------------------------------ */

static void tm_tl_out_of_order(tm_tl_run* run)
{
    (void)run;
    uint64_t a = timemory_add_hash_id("tl-gen-a"), b = timemory_add_hash_id("tl-gen-b");
    tm_tl_now = 10;
    timemory_push(a, WALL, TIMEMORY_SCOPE_TREE);
    tm_tl_now = 20;
    timemory_push(b, WALL, TIMEMORY_SCOPE_TREE);
    tm_tl_now = 30;
    CHECK_INT(timemory_pop(a), TIMEMORY_OK); /* a closes before b, which it opened */
    tm_tl_now = 50;
    CHECK_INT(timemory_pop(b), TIMEMORY_OK);
}

static pthread_mutex_t tm_tl_gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  tm_tl_cond = PTHREAD_COND_INITIALIZER;
static int             tm_tl_stage;

static void* tm_tl_running(void* arg)
{
    int* tid   = arg;
    *tid       = tm__graph_thread_tid();
    uint64_t k = timemory_add_hash_id("tl-running");
    tm_tl_now  = 70;
    timemory_push(k, WALL, TIMEMORY_SCOPE_TREE);
    pthread_mutex_lock(&tm_tl_gate);
    tm_tl_stage = 1;
    pthread_cond_broadcast(&tm_tl_cond);
    while(tm_tl_stage != 2) pthread_cond_wait(&tm_tl_cond, &tm_tl_gate);
    pthread_mutex_unlock(&tm_tl_gate);
    timemory_pop(k);
    return NULL;
}

TM_TEST(timeline_out_of_order_and_running_calls)
{
    tm_tl_saved saved = tm_tl_begin(64);
    tm_tl_run   run   = { tm_tl_out_of_order, -1, NULL, false, 0 };
    tm_tl_on_thread(&run);
    /* a call still running when the trace is made: a "B" event, marked unfinished */
    int       tid = -1;
    pthread_t t;
    tm_tl_stage = 0;
    pthread_create(&t, NULL, tm_tl_running, &tid);
    pthread_mutex_lock(&tm_tl_gate);
    while(tm_tl_stage != 1) pthread_cond_wait(&tm_tl_cond, &tm_tl_gate);
    pthread_mutex_unlock(&tm_tl_gate);
    char* text = tm_tl_trace();
    CHECK(strstr(text, "{\"name\":\"tl-gen-a\",\"ph\":\"X\",\"ts\":0.010,\"dur\":0.020,") != NULL);
    CHECK(strstr(text, "{\"name\":\"tl-gen-b\",\"ph\":\"X\",\"ts\":0.020,\"dur\":0.030,") != NULL);
    char line[160];
    snprintf(line, sizeof(line),
             "{\"name\":\"tl-running\",\"ph\":\"B\",\"ts\":0.070,\"pid\":%ld,\"tid\":%d,\"args\":"
             "{\"unfinished\":true}}",
             tm__data_pid(), tid);
    CHECK(strstr(text, line) != NULL);
    free(text);
    pthread_mutex_lock(&tm_tl_gate);
    tm_tl_stage = 2;
    pthread_cond_broadcast(&tm_tl_cond);
    pthread_mutex_unlock(&tm_tl_gate);
    pthread_join(t, NULL);
    tm__timeline_event ev[4];
    CHECK_INT(tm__timeline_events(tid, ev, 4, NULL), 2);

    /* clear: every timeline empty, and nothing to write */
    timemory_clear(0);
    uint64_t recorded = 1, dropped = 1;
    timemory_timeline_counts(&recorded, &dropped);
    CHECK_INT(recorded, 0);
    CHECK_INT(dropped, 0);
    CHECK(!tm__timeline_has_data());
    tm_tl_end(saved);
}

/* ---- fork, the output file ------------------------------------------------------------------- */

static void tm_tl_fork(tm_tl_run* run)
{
    uint64_t k = timemory_add_hash_id("tl-fork");
    timemory_push(k, WALL, TIMEMORY_SCOPE_TREE);
    pid_t child = fork();
    if(child == 0)
    {
        /* the child starts empty; the call open at the fork ends unrecorded */
        uint64_t n = 9, d = 9;
        timemory_timeline_counts(&n, &d);
        int bad = n != 0 || d != 0;
        timemory_pop(k);
        timemory_push(k, WALL, TIMEMORY_SCOPE_TREE);
        timemory_pop(k);
        timemory_timeline_counts(&n, &d);
        bad |= (n != 2 || d != 0) << 1;
        _exit(bad);
    }
    int status = -1;
    waitpid(child, &status, 0);
    run->arg = WIFEXITED(status) ? WEXITSTATUS(status) : 100;
    timemory_pop(k);
}

TM_TEST(timeline_fork_child_starts_empty)
{
    tm_tl_saved saved = tm_tl_begin(64);
    tm_tl_run   run   = { tm_tl_fork, -1, NULL, false, -1 };
    tm_tl_on_thread(&run);
    CHECK_INT(run.arg, 0);
    tm__timeline_event ev[4];
    CHECK_INT(tm__timeline_events(run.tid, ev, 4, NULL), 2); /* the parent's call */
    tm_tl_end(saved);
}

TM_TEST(timeline_written_at_output)
{
    tm_tl_saved saved        = tm_tl_begin(64);
    char*       dir          = tm_temp_dir("tm_timeline");
    char*       old          = tm__settings_string_copy("output_path");
    bool        keep[6]      = { tm__settings.text_output, tm__settings.json_output,
                                 tm__settings.tree_output, tm__settings.flamegraph_output,
                                 tm__settings.cout_output, tm__settings.file_output };
    tm__settings.text_output = tm__settings.json_output = tm__settings.tree_output = false;
    tm__settings.flamegraph_output = tm__settings.cout_output = false;
    tm__settings.file_output                                  = true;
    timemory_settings_set_string("output_path", dir);
    tm_tl_run run = { tm_tl_one_call, -1, NULL, false, 0 };
    tm_tl_on_thread(&run);
    tm_capture cap;
    tm_capture_begin(&cap, 1);
    tm__output_all();
    char* console = tm_capture_end(&cap);
    char  path[4096];
    snprintf(path, sizeof(path), "%s/timeline.json", dir);
    char line[4200];
    snprintf(line, sizeof(line), "[timeline]|0> Outputting '%s'...", path);
    CHECK(console && strstr(console, line) != NULL);
    char* text = tm_read_file(path);
    CHECK(text != NULL);
    if(text)
    {
        tm__json_error err;
        tm__jtree*     tree = tm__jtree_parse(text, strlen(text), NULL, &err);
        CHECK(tree != NULL);
        const tm__jnode* events =
            tree ? tm__jnode_member(tm__jtree_root(tree), "traceEvents") : NULL;
        CHECK(events && events->kind == TM_JSON_ARRAY);
        int x = 0;
        for(const tm__jnode* e = events ? events->u.items.first : NULL; e; e = e->next)
        {
            const tm__jnode* ph = tm__jnode_member(e, "ph");
            CHECK(ph && ph->kind == TM_JSON_STRING);
            if(ph && strcmp(ph->u.string.text, "X") == 0) ++x;
        }
        CHECK_INT(x, 1);
        tm__jtree_free(tree);
    }
    free(text);
    free(console);
    timemory_settings_set_string("output_path", old ? old : "");
    free(old);
    tm__settings.text_output       = keep[0];
    tm__settings.json_output       = keep[1];
    tm__settings.tree_output       = keep[2];
    tm__settings.flamegraph_output = keep[3];
    tm__settings.cout_output       = keep[4];
    tm__settings.file_output       = keep[5];
    tm_remove_tree(dir);
    free(dir);
    tm_tl_end(saved);
}

/* ---- the hot path ---------------------------------------------------------------------------- */

extern unsigned long tm_test_allocations; /* alloc_count.c */

static void tm_tl_loops(int n)
{
    uint64_t a = timemory_add_hash_id("tl-alloc-a"), b = timemory_add_hash_id("tl-alloc-b");
    int64_t  d[2] = { 0, 0 };
    for(int i = 0; i < n; ++i)
    {
        timemory_push(a, WALL, TIMEMORY_SCOPE_TREE);
        timemory_push(b, WALL | TIMEMORY_COMPONENT_BIT(TIMEMORY_CPU_CLOCK), TIMEMORY_SCOPE_TREE);
        timemory_pop(b);
        timemory_hook_push(b, 0, TIMEMORY_SCOPE_TREE, &d[0], NULL, i);
        timemory_hook_pop(&d[0], NULL, i + 3, 0.5);
        timemory_pop(a);
    }
}

static void tm_tl_alloc(tm_tl_run* run)
{
    tm_tl_loops(100); /* warm-up: the buffer, nodes, records */
    unsigned long before = tm_test_allocations;
    tm_tl_loops(20000); /* fills the buffer of 4096 events: the rest is dropped */
    run->arg = (int)(tm_test_allocations - before);
}

TM_TEST(timeline_hot_path_allocates_nothing_after_warm_up)
{
    tm_tl_saved saved = tm_tl_begin(4096);
    tm__set_test_reader(NULL);
    tm__fast_wall = true;
    tm_tl_run run = { tm_tl_alloc, -1, NULL, false, -1 };
    tm_tl_on_thread(&run);
    CHECK_INT(run.arg, 0);
    uint64_t           dropped = 0;
    tm__timeline_event ev[1];
    tm__timeline_events(run.tid, ev, 1, &dropped);
    CHECK(dropped > 0);
    tm_tl_end(saved);
}

/* ---- calls of code with its own stack (the line tracer) -------------------------------------- */

static void tm_tl_own_stack(tm_tl_run* run)
{
    uint64_t f = timemory_add_hash_id("tl-traced-f"), g = timemory_add_hash_id("tl-traced-g");
    tm_tl_now = 10;
    int tf    = timemory_timeline_begin(f, TIMEMORY_TIMELINE_NOW);
    int tg    = timemory_timeline_begin(g, 40); /* ticks: ns without a tick source */
    timemory_timeline_end(g, 45, tg);
    tm_tl_now = 60;
    timemory_timeline_end(f, TIMEMORY_TIMELINE_NOW, tf);
    run->arg              = tf > 0 && tg > 0;
    tm__settings.timeline = false;
    run->arg &= timemory_timeline_begin(f, TIMEMORY_TIMELINE_NOW) == 0;
    timemory_timeline_end(f, 0, 0);
    tm__settings.timeline = true;
}

TM_TEST(timeline_begin_end_for_own_stacks)
{
    tm_tl_saved saved = tm_tl_begin(64);
    tm_tl_run   run   = { tm_tl_own_stack, -1, NULL, false, 0 };
    tm_tl_on_thread(&run);
    CHECK_INT(run.arg, 1);
    tm__timeline_event ev[8];
    CHECK_INT(tm__timeline_events(run.tid, ev, 8, NULL), 4);
    CHECK_INT(ev[0].ts, 10);
    CHECK_INT(ev[1].ts, 40);
    CHECK_INT(ev[2].ts, 45);
    CHECK_INT(ev[3].ts, 60);
    CHECK(ev[3].end && ev[3].key == timemory_add_hash_id("tl-traced-f"));
    char* text = tm_tl_trace();
    CHECK(strstr(text, "{\"name\":\"tl-traced-f\",\"ph\":\"X\",\"ts\":0.010,\"dur\":0.050,") !=
          NULL);
    CHECK(strstr(text, "{\"name\":\"tl-traced-g\",\"ph\":\"X\",\"ts\":0.040,\"dur\":0.005,") !=
          NULL);
    free(text);
    tm_tl_end(saved);
}

/* ---- naming a thread from the runtime -------------------------------------------------------- */

static int      tm_tl_hook_calls;
static uint64_t tm_tl_hook_at[4];

static int tm_tl_start_hook(void)
{
    uint64_t held = 0;
    timemory_timeline_counts(&held, NULL);
    if(tm_tl_hook_calls < 4) tm_tl_hook_at[tm_tl_hook_calls] = held;
    if(++tm_tl_hook_calls < 3) return 0; /* not known yet: ask again later */
    timemory_timeline_set_thread_name("named-late");
    return 1;
}

TM_TEST(timeline_runtime_names_threads_when_it_can)
{
    tm_tl_saved saved = tm_tl_begin(1024);
    tm_tl_hook_calls  = 0;
    timemory_timeline_set_thread_start(tm_tl_start_hook);
    tm_tl_run run = { tm_tl_many, -1, NULL, false, 100 };
    tm_tl_on_thread(&run);
    timemory_timeline_set_thread_start(NULL);
    /* at the first event, then 16 and 32 events later (the outer begin is open: +1) */
    CHECK_INT(tm_tl_hook_calls, 3);
    CHECK_INT(tm_tl_hook_at[0], 0);
    CHECK_INT(tm_tl_hook_at[1], 15);
    CHECK_INT(tm_tl_hook_at[2], 47);
    char* text = tm_tl_trace();
    char  line[128];
    snprintf(line, sizeof(line), "\"tid\":%d,\"args\":{\"name\":\"named-late\"", run.tid);
    CHECK(strstr(text, line) != NULL);
    free(text);
    tm_tl_end(saved);
}
