/* tm_test.h -- the C test runner's one list of tests: TM_TEST(name) registers a test function
 * at load time; CHECK* record failures and go on; tests/c/main.c runs them all in order of
 * registration (or those whose names contain argv[1]) and prints "N passed, N failed". */
#ifndef TM_TEST_H
#define TM_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef void (*tm_test_fn)(void);
void       tm_test_register(const char* name, tm_test_fn fn);
extern int tm_test_failures; /* failures of the test in progress */

/* tm_capture.c: what a call writes to a file descriptor (1 or 2), and whole files. */
typedef struct tm_capture {
    int  fd;
    int  saved;
    char path[64];
} tm_capture;
void  tm_capture_begin(tm_capture* c, int fd);
char* tm_capture_end(tm_capture* c); /* the captured text (caller frees) */
/* A new folder /tmp/<tag>_XXXXXX (malloc'd name), and a folder removed with what it holds. */
char* tm_temp_dir(const char* tag);
void  tm_remove_tree(const char* dir);
char* tm_read_file(const char* path); /* NULL when it cannot be opened (caller frees) */

#define TM_TEST(name)                                                                              \
    static void                              tm_test_##name(void);                                 \
    __attribute__((constructor)) static void tm_test_reg_##name(void)                              \
    {                                                                                              \
        tm_test_register(#name, tm_test_##name);                                                   \
    }                                                                                              \
    static void tm_test_##name(void)

#define CHECK(cond)                                                                                \
    do                                                                                             \
    {                                                                                              \
        if(!(cond))                                                                                \
        {                                                                                          \
            fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);             \
            ++tm_test_failures;                                                                    \
        }                                                                                          \
    } while(0)

#define CHECK_INT(a, b)                                                                            \
    do                                                                                             \
    {                                                                                              \
        long long tm_a_ = (long long)(a), tm_b_ = (long long)(b);                                  \
        if(tm_a_ != tm_b_)                                                                         \
        {                                                                                          \
            fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #a,  \
                    tm_a_, #b, tm_b_);                                                             \
            ++tm_test_failures;                                                                    \
        }                                                                                          \
    } while(0)

#define CHECK_NEAR(a, b, tol)                                                                      \
    do                                                                                             \
    {                                                                                              \
        double tm_a_ = (double)(a), tm_b_ = (double)(b);                                           \
        if(!(fabs(tm_a_ - tm_b_) <= (tol)))                                                        \
        {                                                                                          \
            fprintf(stderr, "  %s:%d: %s == %.17g, expected %.17g (tol %g)\n", __FILE__, __LINE__, \
                    #a, tm_a_, tm_b_, (double)(tol));                                              \
            ++tm_test_failures;                                                                    \
        }                                                                                          \
    } while(0)

#define CHECK_STR(a, b)                                                                            \
    do                                                                                             \
    {                                                                                              \
        const char *tm_a_ = (a), *tm_b_ = (b);                                                     \
        if(!tm_a_ || !tm_b_ || strcmp(tm_a_, tm_b_) != 0)                                          \
        {                                                                                          \
            fprintf(stderr, "  %s:%d: %s ==\n\"%s\"\n  expected\n\"%s\"\n", __FILE__, __LINE__,    \
                    #a, tm_a_ ? tm_a_ : "(null)", tm_b_ ? tm_b_ : "(null)");                       \
            ++tm_test_failures;                                                                    \
        }                                                                                          \
    } while(0)

#endif
