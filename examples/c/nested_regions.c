/* nested_regions.c -- a C program instrumenting itself through libtimemory's public header:
 * nested regions on the main thread and on a second thread, records by id, then finalize
 * writes the tables and JSON files into timemory-nested-regions-output/.
 *
 *   cc nested_regions.c $(pkg-config --cflags --libs timemory) -lpthread -o nested_regions
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep */

#include <timemory/library.h>
#include <timemory/timemory.h>

#include <pthread.h>
#include <stdio.h>
#include <time.h>

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static void work(const char* outer, int inner_calls)
{
    timemory_push_region(outer);
    for(int i = 0; i < inner_calls; ++i)
    {
        timemory_push_region("inner");
        sleep_ms(5);
        timemory_pop_region("inner");
    }
    timemory_pop_region(outer);
}

static void* worker(void* arg)
{
    (void)arg;
    work("worker-outer", 2);
    return NULL;
}

int main(int argc, char** argv)
{
    timemory_init_library(argc, argv);
    timemory_set_default("wall_clock, cpu_clock, peak_rss");

    pthread_t thread;
    pthread_create(&thread, NULL, worker, NULL);
    work("main-outer", 3);
    pthread_join(thread, NULL);

    uint64_t id = 0;
    timemory_begin_record("record", &id);
    sleep_ms(2);
    timemory_end_record(id);

    int rc = timemory_pop_region("never-pushed"); /* a warning, not a crash */
    printf("unbalanced pop: %s\n", timemory_strerror(rc));

    timemory_finalize_library();
    return 0;
}
