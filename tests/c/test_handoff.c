/* test_handoff.c -- forked children hand their data over to their parent (src/handoff.c): each
 * scenario runs in a forked "parent" process of its own (a parent finalizes only once), which
 * reports its checks through its exit status. Children nest under the region open at the fork,
 * counts add up exactly, a child killed after a hand-off keeps what it handed off, lost children
 * are named, a child whose parent has finalized writes its own output, child_output. */
#include "internal.h"
#include "tm_test.h"

#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TM_WALL TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK)

/* Runs scenario in a forked process; the test fails when it returns non-zero. */
static int tm_ho_run(int (*scenario)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    if(pid == 0)
    {
        tm_test_failures = 0;
        int rc           = scenario();
        fflush(NULL);
        _exit(rc == 0 && tm_test_failures == 0 ? 0 : 1);
    }
    int status = -1;
    while(waitpid(pid, &status, 0) < 0)
    {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void tm_ho_measure(uint64_t key, int times)
{
    for(int i = 0; i < times; ++i)
    {
        timemory_push(key, TM_WALL, TIMEMORY_SCOPE_TREE);
        timemory_pop(key);
    }
}

static const tm__rnode* tm_ho_child(const tm__rnode* n, const char* label)
{
    for(size_t i = 0; n && i < n->nchildren; ++i)
        if(strcmp(n->children[i].label, label) == 0) return &n->children[i];
    return NULL;
}

static bool tm_ho_has_pid(const tm__rnode* n, long pid)
{
    for(int i = 0; n && i < n->npids; ++i)
        if(tm__rnode_pids(n)[i] == pid) return true;
    return false;
}

/* no folder of this process is left in $TMPDIR */
static int tm_ho_folders_of(long pid)
{
    const char* tmp = getenv("TMPDIR");
    DIR*        d   = opendir(tmp && tmp[0] == '/' ? tmp : "/tmp");
    if(!d) return 0;
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "timemory-handoff-%ld-", pid);
    int            n = 0;
    struct dirent* e;
    while((e = readdir(d))) n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

/* ---- children nest under the open region, counts add up, lost ones are named ------------ */

static int tm_ho_merge_scenario(void)
{
    timemory_clear(0);
    uint64_t outer = timemory_add_hash_id("ho-outer");
    uint64_t work  = timemory_add_hash_id("ho-work");
    timemory_push(outer, TM_WALL, TIMEMORY_SCOPE_TREE);
    int ready[2];
    if(pipe(ready) != 0) return 2;
    fflush(NULL);
    pid_t a = fork(); /* ends normally: its exit hook makes the last hand-off */
    if(a == 0)
    {
        tm_ho_measure(work, 3);
        exit(0);
    }
    pid_t b = fork(); /* registered, hands off, then is killed: what it handed off is kept */
    if(b == 0)
    {
        if(timemory_handoff_attach(0, TIMEMORY_HANDOFF_REGISTER) != TIMEMORY_OK) _exit(3);
        tm_ho_measure(work, 2);
        if(timemory_handoff() != TIMEMORY_OK) _exit(4);
        tm_ho_measure(work, 5); /* lost with it */
        if(write(ready[1], "b", 1) != 1) _exit(5);
        pause();
        _exit(6);
    }
    pid_t c = fork(); /* registered and killed before any hand-off */
    if(c == 0)
    {
        if(timemory_handoff_attach(0, TIMEMORY_HANDOFF_REGISTER) != TIMEMORY_OK) _exit(3);
        tm_ho_measure(work, 7);
        if(write(ready[1], "c", 1) != 1) _exit(5);
        pause();
        _exit(6);
    }
    int status = -1;
    waitpid(a, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char got[2];
    for(size_t n = 0; n < 2;)
    {
        ssize_t k = read(ready[0], got + n, 2 - n);
        if(k <= 0) return 7;
        n += (size_t)k;
    }
    kill(b, SIGKILL);
    kill(c, SIGKILL);
    waitpid(b, &status, 0);
    waitpid(c, &status, 0);
    timemory_pop(outer);

    tm_capture err;
    tm_capture_begin(&err, 2);
    tm__handoff_close();
    char* text = tm_capture_end(&err);
    char  line[256];
    snprintf(line, sizeof(line),
             "[timemory] warning: 2 child processes ended without handing over their last data: "
             "pids %ld, %ld\n",
             (long)(b < c ? b : c), (long)(b < c ? c : b));
    CHECK(text && strstr(text, line));
    if(text && !strstr(text, line)) fprintf(stderr, "%s", text);
    free(text);
    CHECK_INT(tm_ho_folders_of((long)getpid()), 0);

    CHECK_INT(tm__adopted_count(), 2);
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    const tm__rnode* o = tm_ho_child(&r.root, "ho-outer");
    const tm__rnode* w = tm_ho_child(o, "ho-work");
    CHECK(o && w);
    CHECK_INT(r.root.nchildren, 1); /* the children's nodes are under ho-outer */
    if(o && w)
    {
        CHECK_INT(o->laps, 1); /* this process's own: the children never ended it */
        CHECK_INT(w->laps, 5); /* a's 3 and the 2 b handed off */
        CHECK(tm_ho_has_pid(o, (long)getpid()) && tm_ho_has_pid(o, a) && tm_ho_has_pid(o, b));
        CHECK(tm_ho_has_pid(w, a) && tm_ho_has_pid(w, b) && !tm_ho_has_pid(w, c));
        CHECK(!tm_ho_has_pid(w, (long)getpid()));
    }
    tm__result_free(&r);
    timemory_clear(0);
    return 0;
}

TM_TEST(handoff_fork_children_nest_add_up_and_lost_ones_are_named)
{
    CHECK_INT(tm_ho_run(tm_ho_merge_scenario), 0);
}

/* ---- a child whose parent has finalized writes its own output ---------------------------- */

static char tm_ho_dir[256];

static void tm_ho_text_output_only(const char* path)
{
    timemory_settings_set_string("output_path", path);
    timemory_settings_set_bool("auto_output", true);
    timemory_settings_set_bool("file_output", true);
    timemory_settings_set_bool("text_output", true);
    timemory_settings_set_bool("json_output", false);
    timemory_settings_set_bool("tree_output", false);
    timemory_settings_set_bool("cout_output", false);
    timemory_settings_set_bool("flamegraph_output", false);
    timemory_settings_set_bool("diff_output", false);
    timemory_settings_set_bool("dart_output", false);
    timemory_settings_set_bool("plot_output", false);
}

static int tm_ho_orphan_scenario(void)
{
    timemory_clear(0);
    int go[2];
    if(pipe(go) != 0) return 2;
    long parent = (long)getpid();
    fflush(NULL);
    pid_t d = fork();
    if(d == 0)
    {
        char c;
        if(read(go[0], &c, 1) != 1) _exit(3);
        tm_ho_measure(timemory_add_hash_id("ho-orphan"), 4);
        tm_ho_text_output_only(tm_ho_dir);
        tm_capture err;
        tm_capture_begin(&err, 2);
        tm_capture out;
        tm_capture_begin(&out, 1);
        timemory_finalize();
        free(tm_capture_end(&out));
        char* text = tm_capture_end(&err);
        char  line[512];
        snprintf(line, sizeof(line),
                 "[timemory] warning: could not hand the data over to the parent process %ld "
                 "(it has finalized or ended): it is written to '%s'\n",
                 parent, tm_ho_dir);
        int bad = !(text && strstr(text, line));
        if(bad) fprintf(stderr, "%s", text ? text : "");
        free(text);
        char path[512];
        snprintf(path, sizeof(path), "%s/wall.txt", tm_ho_dir);
        char* table = tm_read_file(path);
        bad += !(table && strstr(table, "ho-orphan"));
        free(table);
        _exit(bad ? 4 : 0);
    }
    tm__handoff_close(); /* the parent finalizes first */
    CHECK_INT(write(go[1], "g", 1), 1);
    int status = -1;
    waitpid(d, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_INT(tm__adopted_count(), 0);
    CHECK_INT(tm_ho_folders_of(parent), 0);
    return 0;
}

/* ---- child_output: a child also writes <output_path>/fork-<pid>/ --------------------------- */

static int tm_ho_child_output_scenario(void)
{
    timemory_clear(0);
    tm_ho_text_output_only(tm_ho_dir);
    timemory_settings_set_bool("child_output", true);
    fflush(NULL);
    pid_t e = fork();
    if(e == 0)
    {
        tm_ho_measure(timemory_add_hash_id("ho-both"), 2);
        if(!freopen("/dev/null", "w", stdout)) _exit(3); /* "Outputting ..." */
        exit(0);
    }
    int status = -1;
    waitpid(e, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    timemory_settings_set_bool("child_output", false);
    tm__handoff_collect(); /* e made its last hand-off */
    CHECK_INT(tm__adopted_count(), 1);
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    const tm__rnode* n = tm_ho_child(&r.root, "ho-both");
    CHECK(n && n->laps == 2 && tm_ho_has_pid(n, e));
    tm__result_free(&r);
    char path[512];
    snprintf(path, sizeof(path), "%s/fork-%ld/wall.txt", tm_ho_dir, (long)e);
    char* table = tm_read_file(path);
    CHECK(table && strstr(table, "ho-both"));
    free(table);
    tm__handoff_close();
    timemory_clear(0);
    return 0;
}

TM_TEST(handoff_a_child_of_a_finalized_parent_writes_its_own_output)
{
    char tmpl[] = "/tmp/tm_handoff_XXXXXX";
    CHECK(mkdtemp(tmpl) != NULL);
    snprintf(tm_ho_dir, sizeof(tm_ho_dir), "%s", tmpl);
    CHECK_INT(tm_ho_run(tm_ho_orphan_scenario), 0);
    tm_remove_tree(tm_ho_dir);
}

TM_TEST(handoff_child_output_writes_both)
{
    char tmpl[] = "/tmp/tm_handoff_XXXXXX";
    CHECK(mkdtemp(tmpl) != NULL);
    snprintf(tm_ho_dir, sizeof(tm_ho_dir), "%s", tmpl);
    CHECK_INT(tm_ho_run(tm_ho_child_output_scenario), 0);
    tm_remove_tree(tm_ho_dir);
}

/* ---- a crashed child: the fatal-signal handler's writer hands off in its name -------------- */

static int tm_ho_crash_scenario(void)
{
    timemory_clear(0);
    uint64_t work = timemory_add_hash_id("ho-crash");
    fflush(NULL);
    pid_t x = fork();
    if(x == 0)
    {
        if(!freopen("/dev/null", "w", stderr) || !freopen("/dev/null", "w", stdout)) _exit(2);
        if(timemory_handoff_attach(0, TIMEMORY_HANDOFF_REGISTER) != TIMEMORY_OK) _exit(3);
        timemory_settings_set_bool("allow_signal_handler", true);
        int segv[] = { SIGSEGV };
        if(timemory_signal_handler_enable(segv, 1) != 1) _exit(4);
        tm_ho_measure(work, 3);
        *(volatile int*)(uintptr_t)4096 = 1; /* an unmapped address */
        _exit(5);
    }
    int status = -1;
    waitpid(x, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
    tm_capture err;
    tm_capture_begin(&err, 2);
    tm__handoff_close();
    char* text = tm_capture_end(&err);
    CHECK(text && !strstr(text, "without handing over")); /* its last hand-off was made */
    free(text);
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    const tm__rnode* n = tm_ho_child(&r.root, "ho-crash");
    CHECK(n && n->laps == 3 && tm_ho_has_pid(n, x) && n->npids == 1);
    tm__result_free(&r);
    timemory_clear(0);
    return 0;
}

TM_TEST(handoff_a_crashed_child_hands_off_from_the_signal_handler)
{
    CHECK_INT(tm_ho_run(tm_ho_crash_scenario), 0);
}

/* ---- arguments ------------------------------------------------------------------------------ */

TM_TEST(handoff_attach_checks_its_arguments)
{
    CHECK_INT(timemory_handoff_attach(-1, 0), TIMEMORY_EINVAL);
    CHECK_INT(timemory_handoff_attach(0, 8u), TIMEMORY_EINVAL);
    /* the test runner is nobody's timemory child: pid 1 is not its parent */
    CHECK_INT(timemory_handoff_attach(1, TIMEMORY_HANDOFF_REGISTER), TIMEMORY_ENOTFOUND);
    CHECK_INT(timemory_handoff_attach(1, TIMEMORY_HANDOFF_RELAY), TIMEMORY_ENOTFOUND);
    CHECK_INT(timemory_handoff(), TIMEMORY_ENOTFOUND);
    CHECK_INT(timemory_handoff_parent(), 0);
}
