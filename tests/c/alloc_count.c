/* alloc_count.c -- counts the heap allocations made by the code linked into the test runner
 * (the runner links with -Wl,--wrap=malloc,calloc,realloc), so tests can assert that the hot
 * path allocates nothing after warm-up; tm_test_fail_allocations > 0 makes that many of the
 * next allocations fail (out-of-memory paths). */
#include <stddef.h>
#include <stdlib.h>

void* __real_malloc(size_t n);
void* __real_calloc(size_t n, size_t size);
void* __real_realloc(void* p, size_t n);

unsigned long tm_test_allocations;
unsigned long tm_test_fail_allocations;

static int tm_test_fail_now(void)
{
    if(tm_test_fail_allocations == 0) return 0;
    --tm_test_fail_allocations;
    return 1;
}

void* __wrap_malloc(size_t n)
{
    ++tm_test_allocations;
    return tm_test_fail_now() ? NULL : __real_malloc(n);
}

void* __wrap_calloc(size_t n, size_t size)
{
    ++tm_test_allocations;
    return tm_test_fail_now() ? NULL : __real_calloc(n, size);
}

void* __wrap_realloc(void* p, size_t n)
{
    ++tm_test_allocations;
    return tm_test_fail_now() ? NULL : __real_realloc(p, n);
}
