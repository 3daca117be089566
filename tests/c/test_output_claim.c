/* test_output_claim.c -- processes sharing an output folder (output_claim.c): this process
 * takes its own folder again; the stamp of a process whose run did not overlap this one
 * (ended, killed, pid reused, finished its output) lets this one replace its files; one whose
 * run overlapped (wrote after this one began, still running, another host) moves this one to
 * <folder>-<pid> with one line on stderr and the console lines naming the new folder; and two
 * forked processes writing at the same moment both keep their files. */
#include "internal.h"
#include "tm_test.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers -------------------------------------------------------------------------------- */

typedef struct tm_claim_saved {
    tm__settings_store scalars;
    char*              output_path;
    char*              output_prefix;
} tm_claim_saved;

static tm_claim_saved tm_claim_save(void)
{
    tm_claim_saved s;
    s.scalars                = tm__settings;
    s.output_path            = tm__settings_string_copy("output_path");
    s.output_prefix          = tm__settings_string_copy("output_prefix");
    tm__settings.file_output = tm__settings.json_output = true;
    tm__settings.tree_output = tm__settings.text_output = tm__settings.flamegraph_output = false;
    tm__settings.cout_output = tm__settings.dart_output = tm__settings.ctest_notes = false;
    tm__settings.time_output = tm__settings.diff_output = false;
    timemory_settings_set_string("output_prefix", "");
    return s;
}

static void tm_claim_restore(tm_claim_saved* s)
{
    timemory_settings_set_string("output_path", s->output_path);
    timemory_settings_set_string("output_prefix", s->output_prefix);
    free(s->output_path), free(s->output_prefix);
#define TM_RESTORE(field) tm__settings.field = s->scalars.field
    TM_RESTORE(file_output), TM_RESTORE(json_output), TM_RESTORE(tree_output);
    TM_RESTORE(text_output), TM_RESTORE(flamegraph_output), TM_RESTORE(cout_output);
    TM_RESTORE(dart_output), TM_RESTORE(ctest_notes), TM_RESTORE(time_output);
    TM_RESTORE(diff_output);
#undef TM_RESTORE
}

static bool tm_exists(const char* fmt, const char* a, long b)
{
    char path[1024];
    snprintf(path, sizeof(path), fmt, a, b);
    struct stat st;
    return stat(path, &st) == 0;
}

/* one top-level entry "claim" with laps calls of 1 ms */
typedef struct tm_claim_fixture {
    tm__entry  e;
    tm__rnode  top;
    tm__result r;
} tm_claim_fixture;

static int tm_claim_tid0[1] = { 0 };

static void tm_claim_fixture_init(tm_claim_fixture* f, uint64_t laps)
{
    memset(f, 0, sizeof(*f));
    f->e.prefix   = (char*)">>> claim";
    f->e.label    = "claim";
    f->e.laps     = laps;
    f->e.accum[0] = (int64_t)laps * 1000000;
    f->e.hash     = 77;
    double v[2]   = { 1000000.0, 0.0 };
    for(uint64_t k = 0; k < laps; ++k) tm__stats_add(&f->e.stats, v, 1);
    f->top.id           = 77;
    f->top.label        = "claim";
    f->top.depth        = 1;
    f->top.tids         = tm_claim_tid0;
    f->top.ntids        = 1;
    f->top.laps         = laps;
    f->top.accum[0]     = f->e.accum[0];
    f->top.stats        = f->e.stats;
    f->r.comp           = TIMEMORY_WALL_CLOCK;
    f->r.entries        = &f->e;
    f->r.nentries       = 1;
    f->r.thread_count   = 1;
    f->r.pid            = (long)getpid();
    f->r.root.label     = "unknown-hash=0";
    f->r.root.children  = &f->top;
    f->r.root.nchildren = 1;
}

static long long tm_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static unsigned long long tm_start_ticks(long pid)
{
    char path[64], text[1024];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    FILE* f = fopen(path, "r");
    if(!f) return 0;
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n]     = '\0';
    char* field = strrchr(text, ')');
    for(int i = 2; i < 22 && field; ++i) field = strchr(field + 1, ' ');
    return field ? strtoull(field + 1, NULL, 10) : 0;
}

static const char* tm_host(void)
{
    static char host[256];
    if(gethostname(host, sizeof(host)) != 0 || !host[0]) snprintf(host, sizeof(host), "localhost");
    for(char* p = host; *p; ++p)
        if(*p == ' ' || *p == '\n' || *p == '\t') *p = '_';
    return host;
}

/* a pid that no process has now: a child that has exited and been waited for */
static long tm_dead_pid(void)
{
    pid_t child = fork();
    if(child == 0) _exit(0);
    if(child > 0) waitpid(child, NULL, 0);
    return (long)child;
}

/* a new folder <tmp>/out holding the stamp text in its lock file */
static char* tm_folder_with_stamp(const char* stamp)
{
    char tmpl[] = "/tmp/tm_claim_XXXXXX";
    if(!mkdtemp(tmpl)) return NULL;
    char dir[256], lock[300];
    snprintf(dir, sizeof(dir), "%s/out", tmpl);
    mkdir(dir, 0755);
    snprintf(lock, sizeof(lock), "%s/.timemory.lock", dir);
    FILE* f = fopen(lock, "w");
    if(f)
    {
        fputs(stamp, f);
        fclose(f);
    }
    return tm__strdup(dir);
}

static void tm_stamp(char* out, size_t len, long pid, unsigned long long ticks, long long wrote,
                     int final, const char* host)
{
    snprintf(out, len,
             "timemory output: pid %ld start-ticks %llu began %lld wrote %lld final %d host %s\n",
             pid, ticks, wrote > 1 ? wrote - 1 : 0LL, wrote, final, host);
}

typedef struct tm_claim_run {
    int   rc;
    char* console;
    char* errors;
} tm_claim_run;

static tm_claim_run tm_claim_output(const char* dir, uint64_t laps)
{
    timemory_settings_set_string("output_path", dir);
    tm_claim_fixture f;
    tm_claim_fixture_init(&f, laps);
    tm_capture   err, con;
    tm_claim_run run;
    tm_capture_begin(&err, 2);
    tm_capture_begin(&con, 1);
    run.rc      = tm__output_result(&f.r);
    run.console = tm_capture_end(&con);
    run.errors  = tm_capture_end(&err);
    return run;
}

static void tm_claim_run_free(tm_claim_run* run)
{
    free(run->console);
    free(run->errors);
}

/* the folder's lock file names this process as its last writer */
static void tm_check_stamp_is_ours(const char* dir)
{
    char path[1024], head[128];
    snprintf(path, sizeof(path), "%s/.timemory.lock", dir);
    snprintf(head, sizeof(head), "timemory output: pid %ld start-ticks ", (long)getpid());
    char* text = tm_read_file(path);
    CHECK(text && strncmp(text, head, strlen(head)) == 0);
    CHECK(text && strstr(text, " final 0 host ") && text[strlen(text) - 1] == '\n');
    free(text);
}

static void tm_check_laps(const char* dir, uint64_t laps)
{
    char path[1024], want[64];
    snprintf(path, sizeof(path), "%s/wall.json", dir);
    snprintf(want, sizeof(want), "\"laps\":%llu,", (unsigned long long)laps);
    char* json = tm_read_file(path);
    CHECK(json && strstr(json, want));
    if(!json || !strstr(json, want)) fprintf(stderr, "  %s: no %s\n", path, want);
    free(json);
}

/* ---- this process, sequential runs ---------------------------------------------------------- */

TM_TEST(claim_own_folder_twice)
{
    tm_claim_saved s   = tm_claim_save();
    char*          dir = tm_folder_with_stamp("");
    if(!dir) return;
    for(uint64_t laps = 2; laps <= 3; ++laps) /* report, then finalize: the same folder */
    {
        tm_claim_run run = tm_claim_output(dir, laps);
        CHECK_INT(run.rc, TIMEMORY_OK);
        CHECK_STR(run.errors, "");
        tm_check_laps(dir, laps);
        tm_claim_run_free(&run);
    }
    tm_check_stamp_is_ours(dir);
    CHECK(!tm_exists("%s-%ld", dir, (long)getpid()));
    tm_remove_tree(dir);
    *strrchr(dir, '/') = '\0';
    rmdir(dir);
    free(dir);
    tm_claim_restore(&s);
}

/* Each stamp is of a process whose run did not overlap this one: its files are replaced. */
TM_TEST(claim_sequential_runs_replace)
{
    tm_claim_saved     s      = tm_claim_save();
    long               dead   = tm_dead_pid();
    long               parent = (long)getppid();
    unsigned long long pticks = tm_start_ticks(parent);
    const char*        host   = tm_host();
    char               stamps[7][512];
    /* ended after its final output */
    tm_stamp(stamps[0], 512, dead, 12345, 1000, 1, host);
    /* killed before its final output (not alive any more) */
    tm_stamp(stamps[1], 512, dead, 12345, 1000, 0, host);
    /* an earlier process that had this process's pid */
    tm_stamp(stamps[2], 512, (long)getpid(), 12345, 1000, 0, host);
    /* alive, and done: its final output was written before this process began */
    tm_stamp(stamps[3], 512, parent, pticks, 1000, 1, host);
    /* a live pid, but another process by its start time (the pid was reused) */
    tm_stamp(stamps[4], 512, parent, pticks + 1, 1000, 0, host);
    /* not written whole (no end of line), and empty */
    snprintf(stamps[5], 512, "timemory output: pid %ld start-ticks %llu began 1", parent, pticks);
    stamps[6][0] = '\0';
    for(int i = 0; i < 7; ++i)
    {
        if((i == 3 || i == 4) && pticks == 0) continue; /* no /proc */
        char* dir = tm_folder_with_stamp(stamps[i]);
        if(!dir) continue;
        tm_claim_run run = tm_claim_output(dir, 4);
        CHECK_INT(run.rc, TIMEMORY_OK);
        CHECK_STR(run.errors, "");
        char line[1200];
        snprintf(line, sizeof(line), "[wall]|0> Outputting '%s/wall.json'...\n\n", dir);
        CHECK_STR(run.console, line);
        tm_check_laps(dir, 4);
        tm_check_stamp_is_ours(dir);
        CHECK(!tm_exists("%s-%ld", dir, (long)getpid()));
        if(tm_test_failures) fprintf(stderr, "  (stamp %d: %s)\n", i, stamps[i]);
        tm_claim_run_free(&run);
        tm_remove_tree(dir);
        *strrchr(dir, '/') = '\0';
        rmdir(dir);
        free(dir);
    }
    tm_claim_restore(&s);
}

/* ---- overlapping runs ------------------------------------------------------------------------ */

TM_TEST(claim_overlapping_runs_move)
{
    tm_claim_saved     s      = tm_claim_save();
    long               dead   = tm_dead_pid();
    long               parent = (long)getppid();
    unsigned long long pticks = tm_start_ticks(parent);
    const char*        host   = tm_host();
    long               me     = (long)getpid();
    char               stamps[3][512];
    const char*        why[3]   = { "which wrote it while", "which is still running while",
                                    "which may still be running while" };
    const char*        where[3] = { "", "", " on another-host" };
    /* wrote after this process began (and has ended since) */
    tm_stamp(stamps[0], 512, dead, 12345, tm_now_ns(), 1, host);
    /* still running, not done: it will write again */
    tm_stamp(stamps[1], 512, parent, pticks, 1000, 0, host);
    /* on another machine, not done: whether it runs cannot be known */
    tm_stamp(stamps[2], 512, parent, pticks, 1000, 0, "another-host");
    for(int i = 0; i < 3; ++i)
    {
        if(i == 1 && pticks == 0) continue;
        char* dir = tm_folder_with_stamp(stamps[i]);
        if(!dir) continue;
        char moved[1024], line[2400];
        snprintf(moved, sizeof(moved), "%s-%ld", dir, me);
        long other = i == 0 ? dead : parent;
        for(int pass = 0; pass < 2; ++pass) /* the second output goes to the same folder */
        {
            tm_claim_run run = tm_claim_output(dir, 6 + (uint64_t)pass);
            CHECK_INT(run.rc, TIMEMORY_OK);
            snprintf(line, sizeof(line), "[wall]|0> Outputting '%s/wall.json'...\n\n", moved);
            CHECK_STR(run.console, line);
            snprintf(line, sizeof(line),
                     "[timemory] '%s' holds the output of process %ld%s, %s this process (pid "
                     "%ld) ran: writing to '%s' instead, so that neither overwrites the other\n",
                     dir, other, where[i], why[i], me, moved);
            CHECK_STR(run.errors, pass == 0 ? line : ""); /* said once */
            tm_check_laps(moved, 6 + (uint64_t)pass);
            tm_claim_run_free(&run);
        }
        tm_check_stamp_is_ours(moved);
        char lock[1200];
        snprintf(lock, sizeof(lock), "%s/wall.json", dir);
        struct stat st;
        CHECK(stat(lock, &st) != 0); /* the other's folder is left alone */
        snprintf(lock, sizeof(lock), "%s/.timemory.lock", dir);
        char* kept = tm_read_file(lock);
        CHECK_STR(kept, stamps[i]);
        free(kept);
        tm_remove_tree(moved);
        tm_remove_tree(dir);
        *strrchr(dir, '/') = '\0';
        rmdir(dir);
        free(dir);
    }
    tm_claim_restore(&s);
}

/* <folder>-<pid> is held too (pids of another pid namespace or machine): -<pid>-2 */
TM_TEST(claim_second_choice_taken)
{
    tm_claim_saved s = tm_claim_save();
    char           stamp[512];
    tm_stamp(stamp, sizeof(stamp), 1, 1, tm_now_ns(), 1, "another-host");
    char* dir = tm_folder_with_stamp(stamp);
    if(!dir) return;
    long me = (long)getpid();
    char second[1024], lock[1200];
    snprintf(second, sizeof(second), "%s-%ld", dir, me);
    mkdir(second, 0755);
    snprintf(lock, sizeof(lock), "%s/.timemory.lock", second);
    FILE* f = fopen(lock, "w");
    if(f) fputs(stamp, f), fclose(f);
    tm_claim_run run = tm_claim_output(dir, 2);
    CHECK_INT(run.rc, TIMEMORY_OK);
    char third[1100], line[1300];
    snprintf(third, sizeof(third), "%s-%ld-2", dir, me);
    snprintf(line, sizeof(line), "[wall]|0> Outputting '%s/wall.json'...\n\n", third);
    CHECK_STR(run.console, line);
    CHECK(run.errors && strstr(run.errors, third));
    tm_check_laps(third, 2);
    tm_claim_run_free(&run);
    tm_remove_tree(third);
    tm_remove_tree(second);
    tm_remove_tree(dir);
    *strrchr(dir, '/') = '\0';
    rmdir(dir);
    free(dir);
    tm_claim_restore(&s);
}

/* Two processes (forked: each begins at its fork) write into one folder at the same moment:
 * one keeps the folder, the other moves beside it and says so; both results survive. */
TM_TEST(claim_concurrent_processes_keep_both)
{
    tm_claim_saved s      = tm_claim_save();
    char           tmpl[] = "/tmp/tm_claim_XXXXXX";
    if(!mkdtemp(tmpl)) return;
    char dir[256];
    snprintf(dir, sizeof(dir), "%s/out", tmpl);
    int ready[2], go[2];
    if(pipe(ready) != 0 || pipe(go) != 0) return;
    fflush(stdout), fflush(stderr);
    pid_t kids[2] = { -1, -1 };
    for(int k = 0; k < 2; ++k)
    {
        kids[k] = fork();
        if(kids[k] != 0) continue;
        char log[300];
        snprintf(log, sizeof(log), "%s/child-%d.log", tmpl, k);
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1), dup2(fd, 2), close(fd);
        close(ready[0]), close(go[1]);
        char c = 'r';
        if(write(ready[1], &c, 1) != 1) _exit(3);
        if(read(go[0], &c, 1) != 1) _exit(4); /* both have begun before either writes */
        timemory_settings_set_string("output_path", dir);
        tm_claim_fixture f;
        tm_claim_fixture_init(&f, k == 0 ? 3 : 5);
        int rc = tm__output_result(&f.r);
        fflush(stdout), fflush(stderr);
        _exit(rc == TIMEMORY_OK ? 0 : 5);
    }
    close(ready[1]), close(go[0]);
    char c;
    for(int k = 0; k < 2; ++k)
        if(kids[k] > 0) CHECK(read(ready[0], &c, 1) == 1);
    CHECK(write(go[1], "gg", 2) == 2);
    for(int k = 0; k < 2; ++k)
    {
        int status = -1;
        if(kids[k] > 0) waitpid(kids[k], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    close(ready[0]), close(go[1]);
    /* which one moved: the folder <dir>-<pid> that exists */
    int moved = tm_exists("%s-%ld", dir, (long)kids[0]) ? 0 : 1;
    CHECK(tm_exists("%s-%ld", dir, (long)kids[moved]));
    CHECK(!tm_exists("%s-%ld", dir, (long)kids[1 - moved]));
    char other[300];
    snprintf(other, sizeof(other), "%s-%ld", dir, (long)kids[moved]);
    tm_check_laps(dir, moved == 0 ? 5 : 3);
    tm_check_laps(other, moved == 0 ? 3 : 5);
    char log[300], line[1200];
    snprintf(log, sizeof(log), "%s/child-%d.log", tmpl, moved);
    char* text = tm_read_file(log);
    snprintf(line, sizeof(line), "[wall]|0> Outputting '%s/wall.json'...\n", other);
    CHECK(text && strstr(text, line));
    snprintf(line, sizeof(line), "[timemory] '%s' holds the output of process %ld, which ", dir,
             (long)kids[1 - moved]);
    CHECK(text && strstr(text, line));
    if(tm_test_failures) fprintf(stderr, "  moved child's log:\n%s\n", text ? text : "");
    free(text);
    tm_remove_tree(tmpl);
    tm_claim_restore(&s);
}
