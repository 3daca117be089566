/* bench_finalize.c -- the cost of finalize (merging the call-graph and writing every output
 * file) against the number of distinct nodes: N regions under one parent ("siblings", the
 * shape that used to be quadratic) or a tree of N nodes with 32 children per node ("tree").
 * A program, not a test: it prints the record and finalize times and the growth per doubling.
 *
 *   bench_finalize [--cout] [siblings|tree] [N ...]    default: siblings 100000 200000 1000000
 * Each N runs in a new process of its own (the program runs itself with --one: finalize
 * happens once per process); outputs go to a new temporary folder per run (json, tree, text,
 * flamegraph on; stdout off, or with --cout on as a program has it by default: the summary,
 * output_summary.c, made and printed to /dev/null).
 */
#include "timemory/timemory.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void record(const char* shape, long n)
{
    const timemory_components_t wall = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    char                        name[64];
    if(strcmp(shape, "tree") == 0)
    {
        /* node i's parent is node (i - 1) / 32: push the chain of ancestors, then the node */
        long chain[16];
        for(long i = 0; i < n; ++i)
        {
            int  depth = 0;
            long k     = i;
            while(depth < 16)
            {
                chain[depth++] = k;
                if(k == 0) break;
                k = (k - 1) / 32;
            }
            for(int d = depth; d-- > 0;)
            {
                snprintf(name, sizeof(name), "node-%ld", chain[d]);
                timemory_push(timemory_add_hash_id(name), wall, TIMEMORY_SCOPE_TREE);
            }
            for(int d = 0; d < depth; ++d)
            {
                snprintf(name, sizeof(name), "node-%ld", chain[d]);
                timemory_pop(timemory_get_hash(name));
            }
        }
        return;
    }
    timemory_push_region("parent");
    for(long i = 0; i < n; ++i)
    {
        snprintf(name, sizeof(name), "region-%ld", i);
        timemory_push_region(name);
        timemory_pop_region(name);
    }
    timemory_pop_region("parent");
}

static int run_one(const char* shape, long n, const char* dir, bool cout)
{
    char* argv[] = { (char*)"bench_finalize", NULL };
    timemory_init(1, argv);
    timemory_settings_set_string("output_path", dir);
    timemory_settings_set_bool("cout_output", cout);
    timemory_settings_set_bool("json_output", true);
    timemory_settings_set_bool("tree_output", true);
    timemory_settings_set_bool("text_output", true);
    timemory_settings_set_bool("flamegraph_output", true);
    double t0 = now_s();
    record(shape, n);
    double t1 = now_s();
    fflush(stdout);
    /* the "Outputting ..." lines are not what is measured */
    if(!freopen("/dev/null", "w", stdout)) return 1;
    int    rc = timemory_finalize();
    double t2 = now_s();
    fprintf(stderr, "%-9s %9ld nodes: record %7.3f s   finalize %7.3f s%s\n", shape, n, t1 - t0,
            t2 - t1, rc == TIMEMORY_OK ? "" : "  (an output failed)");
    return rc == TIMEMORY_OK ? 0 : 1;
}

extern char** environ;

int main(int argc, char** argv)
{
    if(argc == 6 && strcmp(argv[1], "--one") == 0)
        return run_one(argv[2], atol(argv[3]), argv[4], strcmp(argv[5], "cout") == 0);
    const char* shape = "siblings";
    int         first = 1;
    char*       self  = argv[0];
    bool        cout  = argc > 1 && strcmp(argv[1], "--cout") == 0;
    if(cout)
    {
        ++argv;
        --argc;
    }
    if(argc > 1 && (strcmp(argv[1], "siblings") == 0 || strcmp(argv[1], "tree") == 0))
    {
        shape = argv[1];
        first = 2;
    }
    const char* defaults[] = { "100000", "200000", "1000000" };
    int         count      = argc > first ? argc - first : 3;
    char        dir[]      = "/tmp/timemory-bench-finalize-XXXXXX";
    if(!mkdtemp(dir)) return 1;
    int failed = 0;
    for(int i = 0; i < count; ++i)
    {
        const char* n = argc > first ? argv[first + i] : defaults[i];
        /* a new folder per run, removed after it: replacing the previous run's files would
         * add the file system's cost of freeing them (0.4-0.9 s for the 1.1 GB of 10^6) */
        char sub[sizeof(dir) + 32];
        snprintf(sub, sizeof(sub), "%s/run-%d", dir, i);
        char* child[7] = {
            self, (char*)"--one", (char*)shape, (char*)n, sub, (char*)(cout ? "cout" : "-"), NULL
        };
        /* the page cache's write-back of the previous run's files would take a core from
         * this one: flushed first */
        sync();
        pid_t pid;
        if(posix_spawn(&pid, "/proc/self/exe", NULL, NULL, child, environ) != 0)
        {
            failed = 1;
            continue;
        }
        int status = 0;
        waitpid(pid, &status, 0);
        if(!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed = 1;
        char rm[sizeof(sub) + 16];
        snprintf(rm, sizeof(rm), "rm -rf '%s'", sub);
        if(system(rm) != 0) failed = 1;
    }
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if(system(cmd) != 0) failed = 1;
    return failed;
}
