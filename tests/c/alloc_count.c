/* alloc_count.c -- counts the heap allocations made by the code linked into the test runner
 * (the runner links with -Wl,--wrap=malloc,calloc,realloc), so tests can assert that the hot
 * path allocates nothing after warm-up; tm_test_fail_allocations > 0 makes that many of the
 * next allocations fail (out-of-memory paths). */
#include "timemory/mallocp.h"

#include <stddef.h>
#include <stdlib.h>

void* __real_malloc(size_t n);
void* __real_calloc(size_t n, size_t size);
void* __real_realloc(void* p, size_t n);

unsigned long tm_test_allocations;
unsigned long tm_test_fail_allocations;
/* nonzero: malloc also reports to allocation tracking, as libtimemory-mallocp does
 * (test_mallocp.c: the library's own allocations must not re-enter it) */
int tm_test_alloc_events;

/* atomic: threads of the tests allocate too (ThreadSanitizer runs these tests) */
static int tm_test_fail_now(void)
{
    unsigned long left = __atomic_load_n(&tm_test_fail_allocations, __ATOMIC_RELAXED);
    while(left > 0)
        if(__atomic_compare_exchange_n(&tm_test_fail_allocations, &left, left - 1, 0,
                                       __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            return 1;
    return 0;
}

void* __wrap_malloc(size_t n)
{
    __atomic_fetch_add(&tm_test_allocations, 1, __ATOMIC_RELAXED);
    void* p = tm_test_fail_now() ? NULL : __real_malloc(n);
    if(p && __atomic_load_n(&tm_test_alloc_events, __ATOMIC_RELAXED))
        timemory_alloc_note(TIMEMORY_ALLOC_MALLOC, n);
    return p;
}

void* __wrap_calloc(size_t n, size_t size)
{
    __atomic_fetch_add(&tm_test_allocations, 1, __ATOMIC_RELAXED);
    return tm_test_fail_now() ? NULL : __real_calloc(n, size);
}

void* __wrap_realloc(void* p, size_t n)
{
    __atomic_fetch_add(&tm_test_allocations, 1, __ATOMIC_RELAXED);
    return tm_test_fail_now() ? NULL : __real_realloc(p, n);
}
