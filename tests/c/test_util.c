/* test_util.c -- the text buffer, JSON string and number formatting, and whole-or-nothing
 * file writes. */
#include "internal.h"
#include "tm_test.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

TM_TEST(util_buffer_and_json)
{
    tm__buf b;
    tm__buf_init(&b);
    for(int i = 0; i < 1000; ++i) tm__buf_printf(&b, "%d,", i);
    CHECK_INT(b.len, 3890);
    tm__buf_free(&b);

    tm__buf_json_string(&b, "a\"b\\c\n\t\x01");
    CHECK_STR(b.data, "\"a\\\"b\\\\c\\n\\t\\u0001\"");
    tm__buf_free(&b);

    static const double values[]   = { 0.080856527, 1.0, 0.0, -2.5e-12, 1e300, 0.1 + 0.2 };
    static const char*  expected[] = { "0.080856527", "1.0",    "0.0",
                                       "-2.5e-12",    "1e+300", "0.30000000000000004" };
    for(size_t i = 0; i < 6; ++i)
    {
        tm__buf_json_double(&b, values[i]);
        CHECK_STR(b.data, expected[i]);
        CHECK(strtod(b.data, NULL) == values[i]);
        tm__buf_free(&b);
    }
    tm__buf_json_double(&b, 0.0 / 0.0); /* NaN is not JSON */
    CHECK_STR(b.data, "0.0");
    char* taken = tm__buf_take(&b);
    CHECK_STR(taken, "0.0");
    free(taken);
}

TM_TEST(util_atomic_write)
{
    char dir[] = "/tmp/tm-util-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof(path), "%s/a/b/c.txt", dir);
    CHECK_INT(tm__write_file_atomic(path, "hello", 5), TIMEMORY_OK);
    FILE* f        = fopen(path, "r");
    char  text[16] = { 0 };
    CHECK(f && fread(text, 1, sizeof(text) - 1, f) == 5);
    if(f) fclose(f);
    CHECK_STR(text, "hello");

    /* a folder under a regular file cannot be made: an error, and nothing is left behind */
    char bad[300];
    snprintf(bad, sizeof(bad), "%s/sub/file.json", path);
    CHECK_INT(tm__write_file_atomic(bad, "x", 1), TIMEMORY_EIO);
    struct stat st;
    CHECK(stat(bad, &st) != 0);

    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
}

TM_TEST(util_sticky_errors)
{
    timemory_take_errors(NULL);
    tm__set_error(TIMEMORY_ENOMEM);
    tm__set_error(TIMEMORY_EUNBALANCED);
    timemory_note_error(TIMEMORY_OK); /* not a failure */
    timemory_note_error(TIMEMORY_ENOMEM);
    int first = -1;
    CHECK_INT(timemory_take_errors(&first), 3);
    CHECK_INT(first, TIMEMORY_ENOMEM); /* the first one, not the last */
    CHECK_INT(timemory_take_errors(&first), 0);
    CHECK_INT(first, TIMEMORY_OK);
}

/* finalize/report/get report the sticky errors: one warning with the count and the first */
TM_TEST(util_sticky_errors_reported_once)
{
    timemory_take_errors(NULL);
    uint64_t key = timemory_add_hash_id("sticky-unbalanced");
    CHECK_INT(timemory_pop(key), TIMEMORY_EUNBALANCED); /* never pushed */
    CHECK_INT(timemory_pop(key), TIMEMORY_EUNBALANCED);
    tm_capture err;
    tm_capture_begin(&err, 2);
    char* json = NULL;
    CHECK_INT(timemory_get_json(0, false, &json), TIMEMORY_OK);
    free(json);
    CHECK_INT(timemory_get_json(0, false, &json), TIMEMORY_OK); /* nothing new: silent */
    free(json);
    char* text = tm_capture_end(&err);
    CHECK_STR(text, "[timemory] warning: 2 push/pop or hook calls failed since the last report "
                    "(reading the results); the first: pop without a matching push\n");
    free(text);
}
