/* test_settings.c -- the settings registry (settings.c): the table, defaults, environment and
 * config-file parsing, typed access and its errors, units, text round trips, reset, metadata.
 * Every test leaves the store at its defaults and unsets the variables it set, because the
 * runner shares one process with the other modules' tests.
 */
#include "internal.h"
#include "tm_test.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Fields other modules read by name: this file does not compile if one goes missing. */
/* clang-format off */
#define TM_REQUIRED_FIELDS(X)                                                                   \
    X(enabled) X(flat_profile) X(timeline_profile) X(max_depth) X(components)                   \
    X(global_components) X(verbose) X(debug) X(auto_output) X(cout_output) X(file_output)       \
    X(text_output) X(json_output) X(tree_output) X(dart_output) X(time_output) X(plot_output)   \
    X(diff_output) X(flamegraph_output) X(ctest_notes) X(output_path) X(output_prefix)          \
    X(input_path) X(input_prefix) X(input_extensions) X(time_format) X(precision) X(width)      \
    X(max_width) X(scientific) X(timing_precision) X(timing_width) X(timing_units)              \
    X(timing_scientific) X(memory_precision) X(memory_width) X(memory_units)                    \
    X(memory_scientific) X(collapse_threads) X(collapse_processes) X(stack_clearing)            \
    X(throttle_count) X(throttle_value) X(max_thread_bookmarks) X(banner) X(destructor_report)  \
    X(separator_frequency) X(dart_type) X(dart_count) X(dart_label) X(trace_components)         \
    X(profiler_components) X(suppress_parsing) X(suppress_config) X(config_file)               \
    X(enable_signal_handler)
/* clang-format on */
#define TM_FIELD_SIZE(f) +sizeof(tm__settings.f)
enum { tm_required_fields_size = 0 TM_REQUIRED_FIELDS(TM_FIELD_SIZE) };

/* ---- helpers ------------------------------------------------------------------------------ */

static int count_of(const char* hay, const char* needle)
{
    int n = 0;
    for(const char* p = hay; p && (p = strstr(p, needle)); p += strlen(needle)) ++n;
    return n;
}

/* Writes text to a new file named like pattern (mkstemps, suffix kept); path receives it. */
static int write_temp(const char* text, const char* suffix, char* path, size_t len)
{
    snprintf(path, len, "/tmp/tm_settings_test_XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    if(fd < 0) return -1;
    size_t n  = strlen(text);
    bool   ok = write(fd, text, n) == (ssize_t)n;
    close(fd);
    return ok ? 0 : -1;
}

static bool get_bool(const char* name)
{
    bool v = false;
    CHECK_INT(timemory_settings_get_bool(name, &v), TIMEMORY_OK);
    return v;
}

static int64_t get_int(const char* name)
{
    int64_t v = -12345;
    CHECK_INT(timemory_settings_get_int(name, &v), TIMEMORY_OK);
    return v;
}

static const char* get_str(const char* name)
{
    static char buf[4][1024];
    static int  slot;
    char*       b = buf[slot++ % 4];
    b[0]          = '\0';
    CHECK(timemory_settings_get_string(name, b, 1024) >= 0);
    return b;
}

/* ---- the table ---------------------------------------------------------------------------- */

TM_TEST(settings_table_complete)
{
    tm__settings_init();
    CHECK_INT(timemory_settings_count(), 131);
    CHECK(tm_required_fields_size > 0);

    timemory_setting_info info;
    CHECK_INT(timemory_settings_info(0, &info), TIMEMORY_OK);
    CHECK_STR(info.name, "config_file");
    /* the timeline's rows follow flamegraph_output */
    CHECK_INT(timemory_settings_find("timeline"), timemory_settings_find("flamegraph_output") + 1);
    CHECK_INT(timemory_settings_find("TIMEMORY_TIMELINE_CAPACITY"),
              timemory_settings_find("timeline") + 1);
    CHECK_INT(timemory_settings_info(120, &info), TIMEMORY_OK);
    CHECK_STR(info.env, "TIMEMORY_DART_LABEL");
    CHECK_INT(timemory_settings_info(121, &info), TIMEMORY_OK); /* after the spec's rows */
    CHECK_STR(info.env, "TIMEMORY_CHILD_OUTPUT");
    CHECK_INT(timemory_settings_info(122, &info), TIMEMORY_OK);
    CHECK_STR(info.env, "TIMEMORY_SORT_KEY");
    CHECK_INT(timemory_settings_info(129, &info), TIMEMORY_OK);
    CHECK_STR(info.env, "TIMEMORY_OUTPUT_PROGRESS");
    CHECK_INT(timemory_settings_info(131, &info), TIMEMORY_EINVAL);
    CHECK_INT(timemory_settings_info(-1, &info), TIMEMORY_EINVAL);

    for(int i = 0; i < timemory_settings_count(); ++i)
    {
        CHECK_INT(timemory_settings_info(i, &info), TIMEMORY_OK);
        CHECK(strncmp(info.env, "TIMEMORY_", 9) == 0);
        CHECK_INT(timemory_settings_find(info.env), i);
        if(info.name[0]) CHECK_INT(timemory_settings_find(info.name), i);
        CHECK(info.description && info.description[0]);
        if(info.type == TIMEMORY_SETTING_BOOL) CHECK_STR(info.type_name, "bool");
        if(info.type == TIMEMORY_SETTING_STRING) CHECK_STR(info.type_name, "std::string");
        /* every default is a value its own parser accepts */
        CHECK_INT(timemory_settings_set_text(info.env, info.default_text), TIMEMORY_OK);
    }
    timemory_settings_reset();
}

TM_TEST(settings_info_fields)
{
    timemory_setting_info info;
    int                   i = timemory_settings_find("max_depth");
    CHECK_INT(i, timemory_settings_find("TIMEMORY_MAX_DEPTH"));
    CHECK_INT(timemory_settings_info(i, &info), TIMEMORY_OK);
    CHECK_INT(info.type, TIMEMORY_SETTING_INT);
    CHECK_STR(info.type_name, "unsigned short");
    CHECK_STR(info.cli_flags, "--timemory-max-depth");
    CHECK_STR(info.default_text, "65535");
    CHECK_INT(info.min_value, 0);
    CHECK_INT(info.max_value, 65535);
    CHECK(info.choices == NULL);

    CHECK_INT(timemory_settings_info(timemory_settings_find("roofline_mode"), &info), 0);
    CHECK_STR(info.choices, "op,ai");
    CHECK_INT(timemory_settings_info(timemory_settings_find("precision"), &info), 0);
    CHECK_STR(info.type_name, "short");
    CHECK_INT(info.min_value, -32768);
    CHECK_INT(timemory_settings_info(timemory_settings_find("throttle_count"), &info), 0);
    CHECK_STR(info.type_name, "unsigned long");
    CHECK_INT(timemory_settings_info(timemory_settings_find("config_file"), &info), 0);
    CHECK_STR(info.cli_flags, "-C --timemory-config");

    /* the network interface entry is hidden: no python name, found by its variable only */
    i = timemory_settings_find("TIMEMORY_NETWORK_INTERFACE");
    CHECK(i >= 0);
    CHECK_INT(timemory_settings_info(i, &info), TIMEMORY_OK);
    CHECK_STR(info.name, "");
    CHECK_INT(timemory_settings_find("network_interface"), TIMEMORY_EUNKNOWN);
    CHECK_INT(timemory_settings_find("no_such_setting"), TIMEMORY_EUNKNOWN);
    CHECK_INT(timemory_settings_find(NULL), TIMEMORY_EINVAL);
}

TM_TEST(settings_defaults)
{
    timemory_settings_reset();
    CHECK(get_bool("enabled"));
    CHECK(!get_bool("flat_profile"));
    CHECK(!get_bool("timeline_profile"));
    CHECK(get_bool("cout_output"));
    CHECK(get_bool("flamegraph_output"));
    CHECK(!get_bool("dart_output"));
    CHECK(get_bool("collapse_threads"));
    CHECK(!get_bool("papi_multiplexing"));
    CHECK(get_bool("papi_threading"));
    CHECK_INT(get_int("max_depth"), 65535);
    CHECK_INT(tm__settings.max_depth, 65535);
    CHECK_INT(get_int("precision"), -1);
    CHECK_INT(tm__settings.width, -1);
    CHECK_INT(get_int("max_width"), 120);
    CHECK_INT(get_int("throttle_count"), 10000);
    CHECK_INT(get_int("max_thread_bookmarks"), 50);
    CHECK_INT(get_int("dart_count"), 1);
    CHECK_INT(get_int("cupti_pcsampling_period"), 8);
    CHECK_INT(get_int("ert_min_working_size_gpu"), 10000000);
    CHECK_INT(get_int("target_pid"), getpid());
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    CHECK_INT(get_int("ert_num_threads_cpu"), ncpu > 0 ? ncpu : 0);
    CHECK_STR(get_str("output_path"), "timemory-output");
    CHECK_STR(tm__settings.output_path, "timemory-output");
    CHECK_STR(get_str("input_extensions"), "json,xml");
    CHECK_STR(get_str("time_format"), "%F_%I.%M_%p");
    CHECK_STR(get_str("roofline_mode"), "op");
    CHECK_STR(get_str("gpu_roofline_mode"), "op");
    CHECK_STR(get_str("components"), "");

    const char* home = getenv("HOME");
    char        expect[2048];
    snprintf(expect, sizeof(expect),
             "%s/.timemory.cfg;%s/.timemory.json;%s/.config/timemory.cfg;"
             "%s/.config/timemory.json",
             home ? home : "", home ? home : "", home ? home : "", home ? home : "");
    CHECK_STR(get_str("config_file"), expect);
}

/* ---- environment -------------------------------------------------------------------------- */

TM_TEST(settings_env_parse)
{
    timemory_settings_reset();
    setenv("TIMEMORY_FLAT_PROFILE", "ON", 1);
    setenv("TIMEMORY_MAX_DEPTH", " 12 ", 1);
    setenv("TIMEMORY_OUTPUT_PATH", "my out", 1);
    setenv("TIMEMORY_SEPARATOR_FREQ", "-3", 1);
    setenv("TIMEMORY_TIMING_UNITS", "ms", 1);
    CHECK_INT(timemory_settings_parse_env(), 0);
    CHECK(get_bool("flat_profile"));
    CHECK(tm__settings.flat_profile);
    CHECK_INT(tm__settings.max_depth, 12);
    CHECK_STR(get_str("output_path"), "my out");
    CHECK_INT(get_int("separator_frequency"), -3);
    CHECK_STR(get_str("timing_units"), "ms");
    unsetenv("TIMEMORY_FLAT_PROFILE");
    unsetenv("TIMEMORY_MAX_DEPTH");
    unsetenv("TIMEMORY_OUTPUT_PATH");
    unsetenv("TIMEMORY_SEPARATOR_FREQ");
    unsetenv("TIMEMORY_TIMING_UNITS");

    /* only variables that are present are applied */
    CHECK_INT(timemory_settings_set_int("max_depth", 9), TIMEMORY_OK);
    CHECK_INT(timemory_settings_parse_env(), 0);
    CHECK_INT(get_int("max_depth"), 9);
    CHECK(get_bool("flat_profile"));
    timemory_settings_reset();
}

TM_TEST(settings_env_booleans)
{
    static const struct {
        const char* text;
        bool        value;
    } cases[] = { { "ON", true },  { "off", false }, { "True", true }, { "FALSE", false },
                  { "yes", true }, { "No", false },  { "1", true },    { "0", false },
                  { "t", true },   { "F", false },   { "Y", true },    { "n", false },
                  { "", true },    { "2", true },    { " on ", true } };
    for(size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); ++k)
    {
        CHECK_INT(timemory_settings_set_bool("debug", !cases[k].value), TIMEMORY_OK);
        setenv("TIMEMORY_DEBUG", cases[k].text, 1);
        CHECK_INT(timemory_settings_parse_env(), 0);
        if(get_bool("debug") != cases[k].value)
        {
            fprintf(stderr, "  TIMEMORY_DEBUG=\"%s\" parsed wrong\n", cases[k].text);
            ++tm_test_failures;
        }
    }
    unsetenv("TIMEMORY_DEBUG");
    timemory_settings_reset();
}

TM_TEST(settings_env_bad_values_warn_and_keep)
{
    timemory_settings_reset();
    CHECK_INT(timemory_settings_set_int("max_depth", 33), TIMEMORY_OK);
    setenv("TIMEMORY_MAX_DEPTH", "abc", 1);
    setenv("TIMEMORY_ENABLED", "maybe", 1);
    setenv("TIMEMORY_MEMORY_UNITS", "parsec", 1);
    setenv("TIMEMORY_PRECISION", "99999", 1);
    setenv("TIMEMORY_ROOFLINE_MODE", "xyz", 1);
    tm_capture cap;
    tm_capture_begin(&cap, 2);
    int   bad = timemory_settings_parse_env();
    char* err = tm_capture_end(&cap);
    CHECK_INT(bad, 5);
    CHECK_INT(count_of(err, "\n"), 5);
    CHECK(strstr(err, "TIMEMORY_MAX_DEPTH") && strstr(err, "\"abc\""));
    CHECK(strstr(err, "TIMEMORY_ENABLED") && strstr(err, "\"maybe\""));
    CHECK(strstr(err, "TIMEMORY_MEMORY_UNITS") && strstr(err, "\"parsec\""));
    CHECK(strstr(err, "TIMEMORY_PRECISION") && strstr(err, "\"99999\""));
    CHECK(strstr(err, "TIMEMORY_ROOFLINE_MODE") && strstr(err, "\"xyz\""));
    CHECK(strstr(err, "keeping 33") != NULL);
    free(err);
    CHECK_INT(get_int("max_depth"), 33);
    CHECK(get_bool("enabled"));
    CHECK_STR(get_str("memory_units"), "");
    CHECK_INT(get_int("precision"), -1);
    CHECK_STR(get_str("roofline_mode"), "op");
    unsetenv("TIMEMORY_MAX_DEPTH");
    unsetenv("TIMEMORY_ENABLED");
    unsetenv("TIMEMORY_MEMORY_UNITS");
    unsetenv("TIMEMORY_PRECISION");
    unsetenv("TIMEMORY_ROOFLINE_MODE");
    timemory_settings_reset();
}

TM_TEST(settings_suppress_parsing)
{
    timemory_settings_reset();
    CHECK_INT(timemory_settings_set_bool("suppress_parsing", true), TIMEMORY_OK);
    setenv("TIMEMORY_MAX_DEPTH", "5", 1);
    tm_capture cap;
    tm_capture_begin(&cap, 2);
    CHECK_INT(timemory_settings_parse_env(), 0);
    CHECK_INT(timemory_settings_parse_env(), 0);
    char* err = tm_capture_end(&cap);
    CHECK_INT(count_of(err, "settings parsing has been suppressed"), 1);
    free(err);
    CHECK_INT(get_int("max_depth"), 65535);
    CHECK_INT(timemory_settings_set_bool("suppress_parsing", false), TIMEMORY_OK);
    CHECK_INT(timemory_settings_parse_env(), 0);
    CHECK_INT(get_int("max_depth"), 5);
    unsetenv("TIMEMORY_MAX_DEPTH");
    timemory_settings_reset();
}

/* ---- typed access ------------------------------------------------------------------------- */

TM_TEST(settings_typed_errors)
{
    timemory_settings_reset();
    bool    b;
    int64_t i;
    double  d;
    char    buf[8];
    CHECK_INT(timemory_settings_set_int("enabled", 1), TIMEMORY_ETYPE);
    CHECK_INT(timemory_settings_get_bool("max_depth", &b), TIMEMORY_ETYPE);
    CHECK_INT(timemory_settings_get_int("output_path", &i), TIMEMORY_ETYPE);
    CHECK_INT(timemory_settings_set_string("max_depth", "3"), TIMEMORY_ETYPE);
    CHECK_INT(timemory_settings_get_string("enabled", buf, sizeof(buf)), TIMEMORY_ETYPE);
    CHECK_INT(timemory_settings_set_double("enabled", 1.0), TIMEMORY_ETYPE);
    CHECK_INT(timemory_settings_get_double("max_depth", &d), TIMEMORY_ETYPE);
    CHECK_INT(timemory_settings_set_int("no_such_setting", 1), TIMEMORY_EUNKNOWN);
    CHECK_INT(timemory_settings_set_text("no_such_setting", "1"), TIMEMORY_EUNKNOWN);

    CHECK_INT(timemory_settings_set_int("max_depth", 70000), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_set_int("max_depth", -1), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_set_int("throttle_count", -5), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_set_int("precision", 40000), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_set_int("cupti_pcsampling_period", 4), TIMEMORY_EVALUE);
    CHECK_INT(get_int("max_depth"), 65535);
    CHECK_INT(timemory_settings_set_int("max_depth", 100), TIMEMORY_OK);
    CHECK_INT(tm__settings.max_depth, 100);
    CHECK_INT(timemory_settings_set_int("TIMEMORY_THROTTLE_VALUE", 123), TIMEMORY_OK);
    CHECK_INT(tm__settings.throttle_value, 123);

    CHECK_INT(timemory_settings_set_text("max_depth", "12abc"), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_set_text("max_depth", "99999999999999999999999"), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_set_text("enabled", "perhaps"), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_set_text("verbose", ""), TIMEMORY_EVALUE);
    CHECK_INT(get_int("max_depth"), 100);
    CHECK(get_bool("enabled"));

    CHECK_INT(timemory_settings_set_string("roofline_mode", "xyz"), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_set_string("roofline_mode", "AI"), TIMEMORY_OK);
    CHECK_STR(get_str("roofline_mode"), "ai");
    CHECK_INT(timemory_settings_set_string("output_path", NULL), TIMEMORY_EINVAL);

    /* the stdout summary's settings: choices, a boolean spelling for output_progress, the
     * threshold's bounds */
    CHECK_STR(get_str("cout_mode"), "auto");
    CHECK_INT(timemory_settings_set_string("cout_mode", "Summary"), TIMEMORY_OK);
    CHECK_STR(get_str("cout_mode"), "summary");
    CHECK_INT(timemory_settings_set_text("TIMEMORY_COUT_MODE", "FULL"), TIMEMORY_OK);
    CHECK_STR(get_str("cout_mode"), "full");
    CHECK_INT(timemory_settings_set_string("cout_mode", "ai"), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_set_string("cout_mode", "on"), TIMEMORY_EVALUE);
    CHECK_STR(get_str("cout_mode"), "full");
    CHECK_STR(get_str("output_progress"), "auto");
    CHECK_INT(timemory_settings_set_string("output_progress", "ON"), TIMEMORY_OK);
    CHECK_STR(get_str("output_progress"), "on");
    CHECK_INT(timemory_settings_set_text("output_progress", "0"), TIMEMORY_OK);
    CHECK_STR(get_str("output_progress"), "off");
    CHECK_INT(timemory_settings_set_string("output_progress", "summary"), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_set_string("output_progress", ""), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_set_double("summary_threshold", 100.5), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_set_double("summary_threshold", -1.0), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_set_text("summary_threshold", "101"), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_set_text("summary_threshold", "2.5"), TIMEMORY_OK);
    CHECK_NEAR(tm__settings.summary_threshold, 2.5, 0.0);
    CHECK_INT(timemory_settings_set_double("summary_threshold", 0.0), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_int("summary_width", 5000), TIMEMORY_EVALUE);

    /* get_string: truncated copy, full length returned */
    CHECK_INT(timemory_settings_set_string("output_prefix", "abcdef"), TIMEMORY_OK);
    CHECK_INT(timemory_settings_get_string("output_prefix", buf, 4), 6);
    CHECK_STR(buf, "abc");
    CHECK_INT(timemory_settings_get_string("output_prefix", NULL, 0), 6);
    CHECK_INT(timemory_settings_get_text("max_depth", buf, sizeof(buf)), 3);
    CHECK_STR(buf, "100");
    timemory_settings_reset();
}

TM_TEST(settings_strings_are_copies)
{
    char value[] = "abc";
    CHECK_INT(timemory_settings_set_string("output_prefix", value), TIMEMORY_OK);
    value[0] = 'x';
    CHECK_STR(get_str("output_prefix"), "abc");
    char* copy = tm__settings_string_copy("output_prefix");
    CHECK_STR(copy, "abc");
    free(copy);
    copy = tm__settings_string_copy("TIMEMORY_OUTPUT_PREFIX");
    CHECK_STR(copy, "abc");
    free(copy);
    CHECK(tm__settings_string_copy("max_depth") == NULL);
    CHECK(tm__settings_string_copy("no_such_setting") == NULL);
    /* setting a string to its own current value must not read freed memory */
    CHECK_INT(timemory_settings_set_string("output_prefix", tm__settings.output_prefix), 0);
    CHECK_STR(get_str("output_prefix"), "abc");
    timemory_settings_reset();
}

TM_TEST(settings_text_round_trip)
{
    timemory_settings_reset();
    CHECK_INT(timemory_settings_set_text("verbose", "3"), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_text("output_prefix", "pre fix"), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_text("scientific", "yes"), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_text("timing_units", "usec"), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_text("TIMEMORY_MAX_WIDTH", "-7"), TIMEMORY_OK);
    char text[4096], again[4096];
    CHECK_INT(timemory_settings_get_text("verbose", text, sizeof(text)), 1);
    CHECK_STR(text, "3");
    CHECK(timemory_settings_get_text("scientific", text, sizeof(text)) > 0);
    CHECK_STR(text, "true");
    CHECK(timemory_settings_get_text("collapse_processes", text, sizeof(text)) > 0);
    CHECK_STR(text, "true");
    CHECK(timemory_settings_get_text("output_prefix", text, sizeof(text)) > 0);
    CHECK_STR(text, "pre fix");
    CHECK(timemory_settings_get_text("max_width", text, sizeof(text)) > 0);
    CHECK_STR(text, "-7");

    unsigned before = tm__settings_generation;
    for(int i = 0; i < timemory_settings_count(); ++i)
    {
        timemory_setting_info info;
        CHECK_INT(timemory_settings_info(i, &info), TIMEMORY_OK);
        CHECK(timemory_settings_get_text(info.env, text, sizeof(text)) >= 0);
        CHECK_INT(timemory_settings_set_text(info.env, text), TIMEMORY_OK);
        CHECK(timemory_settings_get_text(info.env, again, sizeof(again)) >= 0);
        CHECK_STR(again, text);
    }
    CHECK(tm__settings_generation != before);
    timemory_settings_reset();
}

TM_TEST(settings_reset_restores_defaults)
{
    CHECK_INT(timemory_settings_set_bool("enabled", false), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_int("max_depth", 3), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_string("output_path", "elsewhere"), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_string("memory_units", "kib"), TIMEMORY_OK);
    unsigned before = tm__settings_generation;
    timemory_settings_reset();
    CHECK(tm__settings_generation != before);
    for(int i = 0; i < timemory_settings_count(); ++i)
    {
        timemory_setting_info info;
        char                  text[4096];
        CHECK_INT(timemory_settings_info(i, &info), TIMEMORY_OK);
        CHECK(timemory_settings_get_text(info.env, text, sizeof(text)) >= 0);
        CHECK_STR(text, info.default_text);
    }
    CHECK(tm__settings.enabled);
    CHECK_STR(tm__memory_unit_repr(), "MB");
}

/* ---- units -------------------------------------------------------------------------------- */

TM_TEST(settings_units)
{
    static const struct {
        const char* text;
        double      per_sec;
        const char* repr;
    } timing[] = {
        { "", 1, "sec" },
        { "sec", 1, "sec" },
        { "s", 1, "sec" },
        { "Seconds", 1, "sec" },
        { "msec", 1e3, "msec" },
        { "ms", 1e3, "msec" },
        { "usec", 1e6, "usec" },
        { "microsecond", 1e6, "usec" },
        { "ns", 1e9, "nsec" },
        { "NSEC", 1e9, "nsec" },
        { "psec", 1e12, "psec" },
        { "cs", 100, "csec" },
        { "dsec", 10, "dsec" },
        { "min", 1.0 / 60, "min" },
        { "hours", 1.0 / 3600, "hr" },
    };
    for(size_t k = 0; k < sizeof(timing) / sizeof(timing[0]); ++k)
    {
        CHECK_INT(timemory_settings_set_string("timing_units", timing[k].text), TIMEMORY_OK);
        CHECK_NEAR(tm__timing_unit_per_sec(), timing[k].per_sec, timing[k].per_sec * 1e-12);
        CHECK_STR(tm__timing_unit_repr(), timing[k].repr);
    }
    static const struct {
        const char* text;
        double      bytes;
        const char* repr;
    } memory[] = {
        { "", 1e6, "MB" },
        { "B", 1, "byte" },
        { "byte", 1, "byte" },
        { "KB", 1e3, "kb" },
        { "kB", 1e3, "kb" },
        { "kilobyte", 1e3, "kb" },
        { "MB", 1e6, "mb" },
        { "GB", 1e9, "gb" },
        { "tb", 1e12, "tb" },
        { "KiB", 1024, "kib" },
        { "MiB", 1048576, "mib" },
        { "gib", 1073741824.0, "gib" },
        { "pebibyte", 1125899906842624.0, "pib" },
    };
    for(size_t k = 0; k < sizeof(memory) / sizeof(memory[0]); ++k)
    {
        CHECK_INT(timemory_settings_set_string("memory_units", memory[k].text), TIMEMORY_OK);
        CHECK_NEAR(tm__memory_unit_bytes(), memory[k].bytes, 0.0);
        CHECK_STR(tm__memory_unit_repr(), memory[k].repr);
    }
    CHECK_INT(timemory_settings_set_string("memory_units", "KiB"), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_string("memory_units", "parsec"), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_set_text("memory_units", "kibi"), TIMEMORY_EVALUE);
    CHECK_STR(get_str("memory_units"), "KiB");
    CHECK_NEAR(tm__memory_unit_bytes(), 1024, 0.0);
    CHECK_INT(timemory_settings_set_string("timing_units", "fortnight"), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_set_string("timing_units", "ms"), TIMEMORY_OK);
    /* the cache follows every change, including reset */
    CHECK_NEAR(tm__timing_unit_per_sec(), 1000, 0.0);
    timemory_settings_reset();
    CHECK_NEAR(tm__timing_unit_per_sec(), 1, 0.0);
    CHECK_STR(tm__timing_unit_repr(), "sec");
    CHECK_NEAR(tm__memory_unit_bytes(), 1e6, 0.0);
}

/* ---- config files ------------------------------------------------------------------------- */

TM_TEST(settings_config_text)
{
    timemory_settings_reset();
    const char* text = "# a comment\n"
                       "   # an indented comment\n"
                       "\n"
                       "TIMEMORY_PAPI_EVENTS = PAPI_TOT_CYC PAPI_TOT_INS\n"
                       "text_output = off\n"
                       "--timemory-max-depth 7\n"
                       "Flat_Profile=ON\r\n"
                       "MAX_WIDTH = 80\n"
                       "timemory-output-prefix = pre\n"
                       "no_such_setting = 1\n"
                       "TIMEMORY_PRECISION = banana\n"
                       "timing_units\t=\tmsec";
    char        path[256];
    CHECK_INT(write_temp(text, ".cfg", path, sizeof(path)), 0);
    tm_capture cap;
    tm_capture_begin(&cap, 2);
    int   bad = timemory_settings_read_config(path);
    char* err = tm_capture_end(&cap);
    CHECK_INT(bad, 2);
    CHECK(strstr(err, "WARNING! Unknown setting ignored: 'no_such_setting' (value = '1')"));
    CHECK(strstr(err, "TIMEMORY_PRECISION") || strstr(err, "banana"));
    CHECK_INT(count_of(err, "\n"), 2);
    free(err);
    unlink(path);

    CHECK_STR(get_str("papi_events"), "PAPI_TOT_CYC,PAPI_TOT_INS");
    CHECK(!get_bool("text_output"));
    CHECK_INT(get_int("max_depth"), 7);
    CHECK(get_bool("flat_profile"));
    CHECK_INT(get_int("max_width"), 80);
    CHECK_STR(get_str("output_prefix"), "pre");
    CHECK_INT(get_int("precision"), -1);
    CHECK_STR(get_str("timing_units"), "msec");

    CHECK_INT(timemory_settings_read_config("/nonexistent-dir/timemory.cfg"), TIMEMORY_EIO);
    CHECK_INT(timemory_settings_read_config(NULL), TIMEMORY_EINVAL);
    timemory_settings_reset();
}

TM_TEST(settings_config_json)
{
    timemory_settings_reset();
    const char* text = "{\"timemory\": {\"settings\": {\n"
                       "  \"cereal_class_version\": 0,\n"
                       "  \"TIMEMORY_MAX_DEPTH\": {\"value\": 5},\n"
                       "  \"TIMEMORY_OUTPUT_PATH\": {\"name\": \"output_path\",\n"
                       "                           \"value\": \"json-out\"},\n"
                       "  \"TIMEMORY_COUT_OUTPUT\": {\"value\": false},\n"
                       "  \"TIMEMORY_PAPI_EVENTS\": {\"value\": \"A\\u0042\\t\\u00e9\"},\n"
                       "  \"TIMEMORY_TIMING_UNITS\": \"usec\"\n"
                       "}}}";
    char        path[256];
    CHECK_INT(write_temp(text, ".json", path, sizeof(path)), 0);
    CHECK_INT(timemory_settings_read_config(path), 0);
    unlink(path);
    CHECK_INT(get_int("max_depth"), 5);
    CHECK_STR(get_str("output_path"), "json-out");
    CHECK(!get_bool("cout_output"));
    CHECK_STR(get_str("papi_events"), "AB\t\xc3\xa9");
    CHECK_STR(get_str("timing_units"), "usec");

    /* malformed documents change nothing */
    timemory_settings_reset();
    const char* broken[] = {
        "{\"timemory\": {\"settings\": {\"TIMEMORY_MAX_DEPTH\": {\"value\": 5}", /* truncated */
        "{\"timemory\": {\"other\": {}}}",
        "[1, 2",
        "",
        "{\"a\": 1} x",
    };
    for(size_t k = 0; k < sizeof(broken) / sizeof(broken[0]); ++k)
    {
        CHECK_INT(write_temp(broken[k], ".json", path, sizeof(path)), 0);
        tm_capture cap;
        tm_capture_begin(&cap, 2);
        CHECK_INT(timemory_settings_read_config(path), TIMEMORY_EFORMAT);
        char* err = tm_capture_end(&cap);
        CHECK_INT(count_of(err, "\n"), 1);
        /* syntax errors say where (the strict reader's line and column) */
        if(k != 1) CHECK(err && strstr(err, "not valid JSON (") && strstr(err, "line 1"));
        free(err);
        unlink(path);
    }
    CHECK_INT(get_int("max_depth"), 65535);

    /* bad values and unknown keys count, the rest applies */
    const char* mixed = "{\"timemory\": {\"settings\": {\"TIMEMORY_MAX_DEPTH\": {\"value\": -4},"
                        "\"TIMEMORY_NOPE\": {\"value\": 1}, \"TIMEMORY_VERBOSE\": {\"value\": 2},"
                        "\"TIMEMORY_DEBUG\": {\"initial\": false}}}}";
    CHECK_INT(write_temp(mixed, ".json", path, sizeof(path)), 0);
    tm_capture cap;
    tm_capture_begin(&cap, 2);
    CHECK_INT(timemory_settings_read_config(path), 3);
    free(tm_capture_end(&cap));
    unlink(path);
    CHECK_INT(get_int("max_depth"), 65535);
    CHECK_INT(get_int("verbose"), 2);
    timemory_settings_reset();
}

TM_TEST(settings_metadata_json_round_trip)
{
    timemory_settings_reset();
    CHECK_INT(timemory_settings_set_int("max_depth", 42), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_bool("scientific", true), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_string("output_prefix", "meta \"quoted\"\n"), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_string("timing_units", "ms"), TIMEMORY_OK);

    tm__buf b;
    tm__buf_init(&b);
    tm__buf_puts(&b, "{\"timemory\": {\"metadata\": {\"info\": {\"USER\": \"x\"}, \"settings\": {"
                     "\"cereal_class_version\": 0, ");
    size_t start = b.len;
    tm__settings_metadata_json(&b);
    tm__buf_puts(&b, ", \"command_line\": [\"a\"], \"environment\": []}}}}");
    CHECK(!b.failed);
    const char* members = b.data + start;
    CHECK(strncmp(members, "\"TIMEMORY_CONFIG_FILE\": {", 25) == 0);
    CHECK_INT(count_of(members, "\"environ\": "), timemory_settings_count());
    CHECK(strstr(members, "\"TIMEMORY_MAX_DEPTH\": {\"name\": \"max_depth\", \"environ\": "
                          "\"TIMEMORY_MAX_DEPTH\", \"description\": "));
    CHECK(strstr(members, "\"count\": 1, \"max_count\": -1, "
                          "\"cmdline\": [\"--timemory-max-depth\"], "
                          "\"data_type\": \"unsigned short\", \"initial\": 65535, \"value\": 42}"));
    CHECK(strstr(members, "\"cmdline\": [\"-C\", \"--timemory-config\"]"));
    CHECK(strstr(members, "\"TIMEMORY_ENABLED\": {\"name\": \"enabled\""));
    CHECK(strstr(members, "\"count\": -1, \"max_count\": 1, \"cmdline\": [\"--timemory-enabled\"], "
                          "\"data_type\": \"bool\", \"initial\": true, \"value\": true}"));
    CHECK(strstr(members, "\"data_type\": \"string\", \"initial\": \"\", \"value\": "
                          "\"meta \\\"quoted\\\"\\n\"}"));
    CHECK(strstr(members, "\"TIMEMORY_NETWORK_INTERFACE\": {\"name\": \"\""));
    CHECK(strstr(members, "\"TIMEMORY_TIMING_PRECISION\": {\"name\": \"timing_precision\"") &&
          strstr(members, "\"cmdline\": [], \"data_type\": \"short\""));

    char path[256];
    CHECK_INT(write_temp(b.data ? b.data : "", "-metadata.json", path, sizeof(path)), 0);
    tm__buf_free(&b);
    timemory_settings_reset();
    CHECK_INT(get_int("max_depth"), 65535);
    CHECK_INT(timemory_settings_set_int("target_pid", 1), TIMEMORY_OK);
    CHECK_INT(timemory_settings_read_config(path), 0);
    unlink(path);
    CHECK_INT(get_int("max_depth"), 42);
    CHECK(get_bool("scientific"));
    CHECK_STR(get_str("output_prefix"), "meta \"quoted\"\n");
    CHECK_STR(get_str("timing_units"), "ms");
    /* entries left at their initial value in that run are not copied */
    CHECK_INT(get_int("target_pid"), 1);
    timemory_settings_reset();
}

TM_TEST(settings_config_files_list)
{
    timemory_settings_reset();
    char path[256];
    CHECK_INT(write_temp("verbose = 4\n", ".cfg", path, sizeof(path)), 0);
    /* a missing default file is silent; the listed one applies */
    const char* home = getenv("HOME");
    char        list[1024];
    snprintf(list, sizeof(list), "%s/.timemory-test-missing.cfg,%s", home ? home : "", path);
    CHECK_INT(timemory_settings_set_string("config_file", list), TIMEMORY_OK);
    tm_capture cap;
    tm_capture_begin(&cap, 2);
    int   rc  = tm__settings_read_config_files();
    char* err = tm_capture_end(&cap);
    /* the missing file is not one of the four defaults, so it is reported */
    CHECK_INT(rc, TIMEMORY_EIO);
    CHECK(strstr(err, ".timemory-test-missing.cfg") != NULL);
    free(err);
    CHECK_INT(get_int("verbose"), 4);

    CHECK_INT(timemory_settings_set_int("verbose", 0), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_bool("suppress_config", true), TIMEMORY_OK);
    CHECK_INT(tm__settings_read_config_files(), 0);
    CHECK_INT(get_int("verbose"), 0);
    unlink(path);
    timemory_settings_reset();
}

/* ---- threads ------------------------------------------------------------------------------ */

static void* flip_prefix(void* arg)
{
    (void)arg;
    for(int k = 0; k < 5000; ++k)
        timemory_settings_set_string("output_prefix", (k % 2) ? "odd-value" : "even");
    return NULL;
}

TM_TEST(settings_strings_thread_safe)
{
    pthread_t t;
    CHECK_INT(pthread_create(&t, NULL, flip_prefix, NULL), 0);
    int odd = 0;
    for(int k = 0; k < 5000; ++k)
    {
        char* copy = tm__settings_string_copy("output_prefix");
        CHECK(copy != NULL);
        if(copy)
        {
            if(strcmp(copy, "odd-value") == 0)
                ++odd;
            else if(strcmp(copy, "even") != 0 && strcmp(copy, "") != 0)
                CHECK_STR(copy, "even");
            free(copy);
        }
        (void)tm__timing_unit_repr();
    }
    pthread_join(t, NULL);
    (void)odd;
    timemory_settings_reset();
}

/* The environment is read at load and again by timemory_init: a bad value is said once. */
TM_TEST(settings_env_bad_value_warned_once)
{
    timemory_settings_reset();
    setenv("TIMEMORY_PRECISION", "not-a-number", 1);
    tm_capture c;
    tm_capture_begin(&c, 2);
    int   bad1 = timemory_settings_parse_env();
    int   bad2 = timemory_settings_parse_env();
    char* text = tm_capture_end(&c);
    CHECK_INT(bad1, 1);
    CHECK_INT(bad2, 1);
    int lines = 0;
    for(const char* p = text; (p = strstr(p, "TIMEMORY_PRECISION")) != NULL; ++p) ++lines;
    CHECK_INT(lines, 1);
    free(text);
    /* another bad value is a new warning */
    setenv("TIMEMORY_PRECISION", "still-not", 1);
    tm_capture_begin(&c, 2);
    timemory_settings_parse_env();
    text = tm_capture_end(&c);
    CHECK(strstr(text, "still-not") != NULL);
    free(text);
    unsetenv("TIMEMORY_PRECISION");
    timemory_settings_reset();
}

/* A NUL byte in a text configuration file refuses its line and no other. */
TM_TEST(settings_config_nul_byte_refuses_one_line)
{
    timemory_settings_reset();
    char path[] = "/tmp/tm_cfg_nul_XXXXXX";
    int  fd     = mkstemp(path);
    CHECK(fd >= 0);
    static const char text[] = "TIMEMORY_MAX_DEPTH = 21\nTIMEMORY_PRECISION = 4\0junk\n"
                               "TIMEMORY_WIDTH = 19\n";
    CHECK(write(fd, text, sizeof(text) - 1) == (ssize_t)(sizeof(text) - 1));
    close(fd);
    tm_capture c;
    tm_capture_begin(&c, 2);
    int   rc  = timemory_settings_read_config(path);
    char* err = tm_capture_end(&c);
    unlink(path);
    CHECK_INT(rc, 1);
    CHECK(strstr(err, "line 2 holds a NUL byte") != NULL);
    free(err);
    CHECK_INT(get_int("max_depth"), 21);
    CHECK_INT(get_int("width"), 19); /* the line after the NUL is read */
    timemory_settings_reset();
}
