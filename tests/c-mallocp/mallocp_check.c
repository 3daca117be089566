/* mallocp_check.c -- known allocations in regions, for libtimemory-mallocp (preloaded or
 * linked): test_mallocp.py builds it against the installed library and checks the
 * malloc_gotcha entries of the output it writes at exit. In "alloc-work": 10 x malloc(1000),
 * calloc(10, 100), realloc of that block to 5000, and free of all 11 blocks; in "alloc-thread"
 * (a second thread): 5 x malloc(2048) and their frees. Prints the usable sizes of the blocks
 * freed in each region ("freed <region> <bytes>"), which the free entries must hold, and the
 * starts active ("active <n>"). */
#include "timemory/mallocp.h"
#include "timemory/timemory.h"

#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void* volatile tm_sink[16]; /* the compiler may not drop a malloc/free pair it sees */

static void* tm_thread(void* arg)
{
    size_t* freed = arg;
    timemory_push_region("alloc-thread");
    for(int i = 0; i < 5; ++i) tm_sink[i] = malloc(2048);
    for(int i = 0; i < 5; ++i)
    {
        *freed += malloc_usable_size(tm_sink[i]);
        free(tm_sink[i]);
    }
    timemory_pop_region("alloc-thread");
    return NULL;
}

int main(int argc, char** argv)
{
    timemory_init(argc, argv);
    printf("active %llu\n", (unsigned long long)timemory_mallocp_count());
    size_t freed = 0;
    timemory_push_region("alloc-work");
    for(int i = 0; i < 10; ++i) tm_sink[i] = malloc(1000);
    tm_sink[10] = calloc(10, 100);
    tm_sink[10] = realloc(tm_sink[10], 5000);
    for(int i = 0; i <= 10; ++i)
    {
        freed += malloc_usable_size(tm_sink[i]);
        free(tm_sink[i]);
    }
    timemory_pop_region("alloc-work");
    printf("freed alloc-work %zu\n", freed);
    size_t    thread_freed = 0;
    pthread_t t;
    if(pthread_create(&t, NULL, tm_thread, &thread_freed) != 0) return 1;
    pthread_join(t, NULL);
    printf("freed alloc-thread %zu\n", thread_freed);
    fflush(stdout);
    return timemory_finalize() == TIMEMORY_OK ? 0 : 1;
}
