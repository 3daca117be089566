/* get_while_recording.c -- built with -fsanitize=thread by scripts/test.sh: results are read
 * (timemory_get_json, the merge of every thread's graph) while threads record and create
 * nodes; ThreadSanitizer must find no race, and the counts after the threads end are exact. */
#include "timemory/timemory.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 3
#define PAIRS   20000

static atomic_int started;

static void* record(void* arg)
{
    (void)arg;
    char name[32];
    atomic_fetch_add(&started, 1);
    for(int i = 0; i < PAIRS; ++i)
    {
        snprintf(name, sizeof(name), "tsan-%d", i % 64); /* new nodes while get() reads */
        timemory_push_region(name);
        timemory_push_region("tsan-inner");
        timemory_pop_region("tsan-inner");
        timemory_pop_region(name);
    }
    return NULL;
}

int main(void)
{
    timemory_settings_set_bool("auto_output", false);
    pthread_t threads[THREADS];
    for(int i = 0; i < THREADS; ++i) pthread_create(&threads[i], NULL, record, NULL);
    while(atomic_load(&started) < THREADS)
    {
    }
    for(int k = 0; k < 30; ++k)
    {
        char* out = NULL;
        if(timemory_get_json(0, true, &out) != TIMEMORY_OK) return 2;
        free(out);
    }
    for(int i = 0; i < THREADS; ++i) pthread_join(threads[i], NULL);
    char* text = NULL;
    if(timemory_get_json(0, false, &text) != TIMEMORY_OK || !text) return 3;
    /* every thread's pairs, merged: "tsan-inner" under each of 64 names, laps summed */
    long total = 0;
    for(const char* p = text; (p = strstr(p, "|_tsan-inner\"")) != NULL; ++p)
    {
        const char* laps = strstr(p, "\"laps\":");
        if(laps) total += atol(laps + 7);
    }
    free(text);
    if(total != (long)THREADS * PAIRS)
    {
        fprintf(stderr, "tsan-inner laps: %ld, expected %d\n", total, THREADS * PAIRS);
        return 1;
    }
    printf("get_while_recording: %d threads x %d pairs read back exactly, no race\n", THREADS,
           PAIRS);
    return 0;
}
