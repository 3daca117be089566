/* bench_mallocp_c.c -- the cost of a malloc/free pair as the program sees it: run bare, then
 * with LD_PRELOAD=libtimemory-mallocp.so stopped (TIMEMORY_MALLOCP_AUTOSTART=OFF) and recording
 * (bench/bench_mallocp.py --c-bench runs the three). Pairs of 64 bytes inside a region, best of
 * R rounds of N pairs; prints "<ns> ns/pair" and whether tracking was active. */
#include "timemory/mallocp.h"
#include "timemory/timemory.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void* volatile tm_sink;

static double tm_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char** argv)
{
    long n = argc > 1 ? atol(argv[1]) : 2000000;
    int  r = argc > 2 ? atoi(argv[2]) : 7;
    timemory_settings_set_bool("auto_output", false);
    timemory_push_region("bench-mallocp");
    double best = 1e300;
    for(int k = 0; k < r; ++k)
    {
        double t0 = tm_now();
        for(long i = 0; i < n; ++i)
        {
            tm_sink = malloc(64);
            free(tm_sink);
        }
        double ns = (tm_now() - t0) / (double)n;
        if(ns < best) best = ns;
    }
    timemory_pop_region("bench-mallocp");
    printf("%.2f ns/pair (tracking %s)\n", best, timemory_mallocp_count() ? "on" : "off");
    return 0;
}
