/* test_signals.c -- the fatal-signal handler (src/signals.c): the default set and its
 * environment variables, install/restore, and real crashes in a forked child (a segfault on the
 * main thread and on a worker thread's overflowing stack, abort(), a writer that cannot finish):
 * the exit status is the signal's, stderr has the report, the outputs are whole and valid JSON
 * with exact counts, and no temporary file is left. */
#include "internal.h"
#include "tm_test.h"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------------------------ */

/* files of dir whose name contains part */
static int tm_sig_count_named(const char* dir, const char* part)
{
    DIR* d = opendir(dir);
    if(!d) return 0;
    int            n = 0;
    struct dirent* e;
    while((e = readdir(d)) != NULL) n += strstr(e->d_name, part) != NULL;
    closedir(d);
    return n;
}

static char* tm_sig_file(const char* dir, const char* name)
{
    char path[2048];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return tm_read_file(path);
}

/* laps of the flat JSON entry whose prefix is prefix, or -1 */
static long long tm_sig_laps(const char* dir, const char* prefix)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/wall.json", dir);
    tm__json_error   err;
    tm__jtree*       tree = tm__jtree_read_file(path, NULL, &err);
    long long        laps = -1;
    const tm__jnode* wall =
        tree ? tm__jnode_member(tm__jnode_member(tm__jtree_root(tree), "timemory"), "wall_clock")
             : NULL;
    const tm__jnode* ranks = tm__jnode_member(wall, "ranks");
    const tm__jnode* graph = ranks && ranks->kind == TM_JSON_ARRAY && ranks->u.items.first
                                 ? tm__jnode_member(ranks->u.items.first, "graph")
                                 : NULL;
    for(const tm__jnode* e = graph ? graph->u.items.first : NULL; e; e = e->next)
    {
        const tm__jnode* p = tm__jnode_member(e, "prefix");
        int64_t          v = 0;
        if(p && p->kind == TM_JSON_STRING && strcmp(p->u.string.text, prefix) == 0 &&
           tm__jnode_i64(tm__jnode_member(tm__jnode_member(e, "entry"), "laps"), &v))
            laps = v;
    }
    tm__jtree_free(tree);
    return laps;
}

/* The child's side: output into dir, its stdout and stderr into files there. */
static void tm_sig_child_setup(const char* dir)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/stderr.log", dir);
    if(!freopen(path, "w", stderr)) _exit(90);
    setvbuf(stderr, NULL, _IONBF, 0);
    snprintf(path, sizeof(path), "%s/stdout.log", dir);
    if(!freopen(path, "w", stdout)) _exit(91);
    snprintf(path, sizeof(path), "%s/out", dir);
    timemory_settings_set_string("output_path", path);
    timemory_settings_set_bool("auto_output", true);
    timemory_settings_set_bool("file_output", true);
    timemory_settings_set_bool("json_output", true);
    timemory_settings_set_bool("text_output", true);
    timemory_settings_set_bool("tree_output", true);
    timemory_settings_set_bool("cout_output", false);
    timemory_settings_set_bool("flamegraph_output", false);
    timemory_settings_set_bool("diff_output", false);
    timemory_settings_set_bool("dart_output", false);
    timemory_settings_set_bool("allow_signal_handler", true);
    /* a forked child hands its data to its parent (handoff.c): these tests read its own files */
    timemory_settings_set_bool("child_output", true);
    timemory_set_default_components(TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK));
    timemory_clear(0);
}

/* "outer" open, "inner" three times inside it: what every crash below has measured */
static void tm_sig_measure(void)
{
    timemory_push_region("outer");
    for(int i = 0; i < 3; ++i)
    {
        timemory_push_region("inner");
        timemory_pop_region("inner");
    }
}

static void tm_sig_report(int fd, int signum)
{
    char text[64];
    int  n = snprintf(text, sizeof(text), "EXTRA REPORT %d\n", signum);
    if(write(fd, text, (size_t)n) < 0) return;
}

static void tm_sig_segfault(void)
{
    /* a real fault: an unmapped address (not NULL, which the sanitizers check themselves) */
    *(volatile int*)(uintptr_t)4096 = 1;
}

static int tm_sig_wait(pid_t pid)
{
    int status = -1;
    while(waitpid(pid, &status, 0) < 0)
    {
    }
    return status;
}

/* ---- the default set ---------------------------------------------------------------------- */

TM_TEST(signals_default_set_and_environment)
{
    int set[32];
    int n = timemory_signal_default_set(set, 32);
#ifdef NDEBUG
    int expected[] = { SIGQUIT, SIGILL, SIGABRT, SIGBUS, SIGSEGV };
#else
    int expected[] = { SIGQUIT, SIGILL, SIGABRT, SIGBUS, SIGSEGV, SIGFPE };
#endif
    CHECK_INT(n, (int)(sizeof(expected) / sizeof(expected[0])));
    for(int i = 0; i < n && i < (int)(sizeof(expected) / sizeof(expected[0])); ++i)
        CHECK_INT(set[i], expected[i]);

    setenv("SIGNAL_ENABLE_USER2", " 1 ", 1);
    setenv("SIGNAL_DISABLE_QUIT", "ON", 1);
    setenv("SIGNAL_ENABLE_PIPE", "off", 1);
    setenv("SIGNAL_ENABLE_KILL", "1", 1);
    n         = timemory_signal_default_set(set, 32);
    bool usr2 = false, quit = false, pipe = false, kill = false;
    for(int i = 0; i < n; ++i)
    {
        usr2 |= set[i] == SIGUSR2;
        quit |= set[i] == SIGQUIT;
        pipe |= set[i] == SIGPIPE;
        kill |= set[i] == SIGKILL;
    }
    CHECK(usr2 && !quit && !pipe && !kill);
    CHECK_INT(set[n - 1], SIGUSR2); /* added at the end */
    unsetenv("SIGNAL_ENABLE_USER2");
    unsetenv("SIGNAL_DISABLE_QUIT");
    unsetenv("SIGNAL_ENABLE_PIPE");
    unsetenv("SIGNAL_ENABLE_KILL");

    timemory_settings_set_bool("enable_all_signals", true);
    n = timemory_signal_default_set(set, 32);
    CHECK_INT(n, 21); /* every row of the table but Kill (and Emulate, which Linux lacks) */
    CHECK_INT(set[0], SIGHUP);
    CHECK_INT(set[n - 1], SIGUSR2);
    CHECK_INT(timemory_signal_default_set(set, 2), 21); /* the count, whatever max */
    timemory_settings_set_bool("disable_all_signals", true);
    CHECK_INT(timemory_signal_default_set(set, 32), 0);
    timemory_settings_set_bool("enable_all_signals", false);
    timemory_settings_set_bool("disable_all_signals", false);

    CHECK_STR(timemory_signal_name(SIGSEGV), "SegFault");
    CHECK_STR(timemory_signal_name(SIGTSTP), "Stop");
    CHECK(timemory_signal_name(SIGCHLD) == NULL);
}

/* ---- install and restore ------------------------------------------------------------------ */

static volatile sig_atomic_t tm_sig_plain_count;
static void                  tm_sig_plain(int sig)
{
    (void)sig;
    ++tm_sig_plain_count;
}

TM_TEST(signals_enable_disable_restore_the_previous_handler)
{
    struct sigaction plain, saved;
    memset(&plain, 0, sizeof(plain));
    plain.sa_handler = tm_sig_plain;
    sigemptyset(&plain.sa_mask);
    sigaction(SIGUSR2, &plain, &saved);

    int bad[] = { SIGKILL };
    CHECK_INT(timemory_signal_handler_enable(bad, 1), TIMEMORY_EINVAL);
    int unknown[] = { SIGUSR2, SIGCHLD };
    CHECK_INT(timemory_signal_handler_enable(unknown, 2), TIMEMORY_EINVAL);
    CHECK_INT(timemory_signal_handler_enable(NULL, 1), TIMEMORY_EINVAL);
    int out[8];
    CHECK_INT(timemory_signal_handler_signals(out, 8), 0);

    timemory_settings_set_bool("allow_signal_handler", false);
    int usr2[] = { SIGUSR2, SIGUSR2 };
    CHECK_INT(timemory_signal_handler_enable(usr2, 2), TIMEMORY_EDISABLED);
    timemory_settings_set_bool("allow_signal_handler", true);
    CHECK_INT(timemory_signal_handler_enable(usr2, 2), 1);
    CHECK_INT(timemory_signal_handler_enable(usr2, 1), 0); /* already there */
    CHECK_INT(timemory_signal_handler_signals(out, 8), 1);
    CHECK_INT(out[0], SIGUSR2);
    struct sigaction now;
    sigaction(SIGUSR2, NULL, &now);
    CHECK((now.sa_flags & SA_SIGINFO) && (now.sa_flags & SA_ONSTACK));
    stack_t alt;
    CHECK(sigaltstack(NULL, &alt) == 0 && !(alt.ss_flags & SS_DISABLE) &&
          alt.ss_size >= (size_t)32 << 10);

    CHECK_INT(timemory_signal_handler_disable(), TIMEMORY_OK);
    CHECK_INT(timemory_signal_handler_signals(out, 8), 0);
    tm_sig_plain_count = 0;
    raise(SIGUSR2);
    CHECK_INT(tm_sig_plain_count, 1);

    /* a handler installed over ours since is left alone by disable */
    CHECK_INT(timemory_signal_handler_enable(usr2, 1), 1);
    sigaction(SIGUSR2, &plain, NULL);
    CHECK_INT(timemory_signal_handler_signals(out, 8), 0); /* not ours any more */
    timemory_signal_handler_disable();
    sigaction(SIGUSR2, NULL, &now);
    CHECK(!(now.sa_flags & SA_SIGINFO) && now.sa_handler == tm_sig_plain);
    sigaction(SIGUSR2, &saved, NULL);

    /* timemory_init installs the default set when enable_signal_handler is set */
    timemory_settings_set_bool("enable_signal_handler", true);
    timemory_init(0, NULL);
    timemory_settings_set_bool("enable_signal_handler", false);
#ifdef NDEBUG
    CHECK_INT(timemory_signal_handler_signals(out, 8), 5);
#else
    CHECK_INT(timemory_signal_handler_signals(out, 8), 6);
#endif
    timemory_signal_handler_disable();
    CHECK_INT(timemory_signal_handler_signals(out, 8), 0);

    CHECK_INT(timemory_signal_set_write_timeout(0.0), TIMEMORY_EVALUE);
    CHECK_INT(timemory_signal_set_write_timeout(-1.0), TIMEMORY_EVALUE);
    CHECK_INT(timemory_signal_set_write_timeout(2.5), TIMEMORY_OK);
    CHECK_NEAR(timemory_signal_write_timeout(), 2.5, 1e-9);
    CHECK_INT(timemory_signal_set_write_timeout(30.0), TIMEMORY_OK);
}

/* ---- real crashes in a child -------------------------------------------------------------- */

TM_TEST(signals_segfault_reports_writes_and_ends_with_the_signal)
{
    char* dir = tm_temp_dir("tm_signals");
    CHECK(dir != NULL);
    if(!dir) return;
    fflush(NULL);
    pid_t pid = fork();
    if(pid == 0)
    {
        tm_sig_child_setup(dir);
        timemory_signal_set_report(tm_sig_report);
        int segv[] = { SIGSEGV };
        if(timemory_signal_handler_enable(segv, 1) != 1) _exit(92);
        tm_sig_measure();
        tm_sig_segfault();
        _exit(93);
    }
    int status = tm_sig_wait(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
    char* err = tm_sig_file(dir, "stderr.log");
    char  line[256];
    snprintf(line, sizeof(line),
             "\n### ERROR ###  [ rank : 0 ] Error code : %d @ 0x1000 : SegFault (Segmentation "
             "fault). Address not mapped to object.\n[PID=%ld][TID=%ld][0/",
             SIGSEGV, (long)pid, (long)pid);
    CHECK(err && strstr(err, line));
    snprintf(line, sizeof(line), "EXTRA REPORT %d\nFinalizing after signal: %d :: SegFault\n",
             SIGSEGV, SIGSEGV);
    CHECK(err && strstr(err, line));
    if(err && !strstr(err, line)) fprintf(stderr, "%s", err);
    free(err);
    char out[1024];
    snprintf(out, sizeof(out), "%s/out", dir);
    CHECK_INT(tm_sig_laps(out, ">>> outer"), 1); /* popped by the writer (stack_clearing) */
    CHECK_INT(tm_sig_laps(out, ">>> |_inner"), 3);
    char* text = tm_sig_file(out, "wall.txt");
    CHECK(text && strstr(text, "|_inner"));
    free(text);
    /* the tree names the crashed process, not the writer */
    char* tree = tm_sig_file(out, "wall.tree.json");
    snprintf(line, sizeof(line), "\"pid\":[%ld]", (long)pid);
    CHECK(tree && strstr(tree, line));
    free(tree);
    CHECK_INT(tm_sig_count_named(out, ".tmp."), 0);
    char* stdout_text = tm_sig_file(dir, "stdout.log");
    CHECK(stdout_text && strstr(stdout_text, "wall.json'..."));
    free(stdout_text);
    tm_remove_tree(dir);
    free(dir);
}

TM_TEST(signals_abort_reports_writes_and_ends_with_the_signal)
{
    char* dir = tm_temp_dir("tm_signals");
    CHECK(dir != NULL);
    if(!dir) return;
    fflush(NULL);
    pid_t pid = fork();
    if(pid == 0)
    {
        tm_sig_child_setup(dir);
#ifdef NDEBUG
        const int default_set = 5; /* Quit, Illegal, Abort, Bus, SegFault */
#else
        const int default_set = 6; /* and FPE in debug builds, as the original */
#endif
        if(timemory_signal_handler_enable(NULL, 0) != default_set) _exit(92);
        tm_sig_measure();
        abort();
    }
    int status = tm_sig_wait(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    char* err = tm_sig_file(dir, "stderr.log");
    char  line[256];
    snprintf(line, sizeof(line), "Error code : %d @ ", SIGABRT);
    CHECK(err && strstr(err, line));
    snprintf(line, sizeof(line), " : Abort (Aborted). Sent by tkill()/raise() from process %ld.\n",
             (long)pid);
    CHECK(err && strstr(err, line));
    CHECK(err && strstr(err, "Finalizing after signal: 6 :: Abort\n"));
    free(err);
    char out[1024];
    snprintf(out, sizeof(out), "%s/out", dir);
    CHECK_INT(tm_sig_laps(out, ">>> outer"), 1);
    CHECK_INT(tm_sig_laps(out, ">>> |_inner"), 3);
    CHECK_INT(tm_sig_count_named(out, ".tmp."), 0);
    tm_remove_tree(dir);
    free(dir);
}

/* A writer that cannot finish (a lock the crash left held): stopped after the time limit, no
 * file half-written or left behind, and the process still ends with its signal. */
TM_TEST(signals_writer_that_hangs_is_stopped)
{
    char* dir = tm_temp_dir("tm_signals");
    CHECK(dir != NULL);
    if(!dir) return;
    fflush(NULL);
    pid_t pid = fork();
    if(pid == 0)
    {
        tm_sig_child_setup(dir);
        timemory_signal_set_write_timeout(0.3);
        int segv[] = { SIGSEGV };
        if(timemory_signal_handler_enable(segv, 1) != 1) _exit(92);
        tm_sig_measure();
        tm__graphs_lock(); /* held at the crash: the writer waits for it forever */
        tm_sig_segfault();
        _exit(93);
    }
    int status = tm_sig_wait(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
    char* err = tm_sig_file(dir, "stderr.log");
    CHECK(err && strstr(err, "[timemory] the writer did not finish within 0.3 s"));
    free(err);
    char out[1024];
    snprintf(out, sizeof(out), "%s/out", dir);
    CHECK_INT(tm_sig_count_named(out, "wall"), 0);
    CHECK_INT(tm_sig_count_named(out, ".tmp."), 0);
    tm_remove_tree(dir);
    free(dir);
}

/* A worker thread's stack overflows: the report runs on the alternate stack the thread got at
 * its first push; the report also measures how much of that stack the handler used. */
static char*  tm_sig_alt_base;
static size_t tm_sig_alt_size;

static void tm_sig_stack_report(int fd, int signum)
{
    (void)signum;
    size_t used = 0;
    for(size_t i = 0; i < tm_sig_alt_size; ++i)
        if((unsigned char)tm_sig_alt_base[i] != 0xA5)
        {
            used = tm_sig_alt_size - i;
            break;
        }
    char text[64];
    int  n = snprintf(text, sizeof(text), "ALTSTACK USED %zu\n", used);
    if(write(fd, text, (size_t)n) < 0) return;
}

static volatile int tm_sig_deeper = 1; /* always: the compiler cannot know it */

static int tm_sig_recurse(int depth)
{
    volatile char pad[512];
    pad[0] = (char)depth;
    return (tm_sig_deeper ? tm_sig_recurse(depth + 1) : 0) + pad[0];
}

static void* tm_sig_worker(void* arg)
{
    (void)arg;
    timemory_push_region("worker");
    stack_t alt;
    if(sigaltstack(NULL, &alt) != 0 || (alt.ss_flags & SS_DISABLE)) _exit(94);
    tm_sig_alt_base = alt.ss_sp;
    tm_sig_alt_size = alt.ss_size;
    memset(tm_sig_alt_base, 0xA5, tm_sig_alt_size);
    return (void*)(intptr_t)tm_sig_recurse(0);
}

TM_TEST(signals_stack_overflow_on_a_worker_thread)
{
#if defined(__SANITIZE_THREAD__)
    /* ThreadSanitizer takes SIGSEGV on a thread's guard page for itself: not testable there
     * (the plain and ASan runs test it) */
    return;
#endif
    char* dir = tm_temp_dir("tm_signals");
    CHECK(dir != NULL);
    if(!dir) return;
    fflush(NULL);
    pid_t pid = fork();
    if(pid == 0)
    {
        tm_sig_child_setup(dir);
        timemory_signal_set_report(tm_sig_stack_report);
        int segv[] = { SIGSEGV };
        if(timemory_signal_handler_enable(segv, 1) != 1) _exit(92);
        tm_sig_measure();
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, (size_t)256 << 10);
        pthread_t t;
        pthread_create(&t, &attr, tm_sig_worker, NULL);
        pthread_join(t, NULL);
        _exit(93);
    }
    int status = tm_sig_wait(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
    char* err = tm_sig_file(dir, "stderr.log");
    CHECK(err && strstr(err, "Error code : 11 @ "));
    const char* used = err ? strstr(err, "ALTSTACK USED ") : NULL;
    CHECK(used != NULL);
    if(used)
    {
        long bytes = atol(used + strlen("ALTSTACK USED "));
        CHECK(bytes > 0 && bytes < (32 << 10)); /* TM_SIG_ALTSTACK_MIN in src/signals.c */
        printf("     the handler used %ld bytes of the alternate stack\n", bytes);
    }
    free(err);
    char out[1024];
    snprintf(out, sizeof(out), "%s/out", dir);
    /* the main thread's "outer" is still open there: no record, "inner" moves up */
    CHECK_INT(tm_sig_laps(out, ">>> inner"), 3);
    CHECK_INT(tm_sig_laps(out, ">>> worker"), 1); /* the crashed thread's, popped */
    CHECK_INT(tm_sig_count_named(out, ".tmp."), 0);
    tm_remove_tree(dir);
    free(dir);
}
