/* main.c -- the C test runner: runs every TM_TEST in registration order (a substring filter
 * may be given as argv[1]) and closes with the line "N passed, N failed". */
#include "tm_test.h"
#include "timemory/timemory.h"

#include <stdlib.h>

#define TM_MAX_TESTS 1024

static struct {
    const char* name;
    tm_test_fn  fn;
} tm_tests[TM_MAX_TESTS];
static int tm_ntests;
int        tm_test_failures;

void tm_test_register(const char* name, tm_test_fn fn)
{
    if(tm_ntests < TM_MAX_TESTS)
    {
        tm_tests[tm_ntests].name = name;
        tm_tests[tm_ntests].fn   = fn;
        ++tm_ntests;
    }
}

int main(int argc, char** argv)
{
    const char* filter = argc > 1 ? argv[1] : NULL;
    int         passed = 0, failed = 0;
    for(int i = 0; i < tm_ntests; ++i)
    {
        if(filter && !strstr(tm_tests[i].name, filter)) continue;
        tm_test_failures = 0;
        tm_tests[i].fn();
        if(tm_test_failures == 0)
        {
            ++passed;
            printf("ok   %s\n", tm_tests[i].name);
        }
        else
        {
            ++failed;
            printf("FAIL %s (%d checks)\n", tm_tests[i].name, tm_test_failures);
        }
        fflush(stdout);
    }
    /* the tests leave data behind on purpose; the exit hook must not write it anywhere */
    timemory_settings_set_bool("auto_output", false);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
