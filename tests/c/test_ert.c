/* test_ert.c -- the ERT kernels execute exactly the operations they count (every kernel set
 * this CPU runs, vector blocks and the scalar tail), the driver's points and their exact
 * byte/FLOP totals for a known configuration, stopping from the callback, bad configurations,
 * and the defaults from the settings. */
#include "tm_test.h"

#include "ert_kernels.h"
#include "timemory/ert.h"
#include "timemory/timemory.h"

#include <stdlib.h>

#define TM_ERT_N 333 /* whole 8-vector blocks for every width, and a tail */

/* x = x * c + d applied ops/2 times, then x + d when ops is odd, per trial */
static double tm_ert_expect(double x, unsigned ops, uint64_t trials, double c, double d)
{
    for(uint64_t t = 0; t < trials; ++t)
    {
        for(unsigned p = 0; p < ops / 2; ++p) x = x * c + d;
        if(ops & 1) x = x + d;
    }
    return x;
}

TM_TEST(ert_kernels_execute_the_counted_operations)
{
    tm__ert_kernels sets[TM_ERT_MAX_SETS];
    int             nsets = tm__ert_kernel_sets(sets);
    CHECK(nsets >= 1);
    CHECK(strcmp(timemory_ert_isa(), sets[0].isa) == 0);
    static const unsigned ops_list[] = { 1, 2, 5, 8, 64 };
    /* (c, d) = (1, 1) counts the additions, (2, 0) the multiplications: exact in float too */
    static const float cd[][2] = { { 1.0f, 1.0f }, { 2.0f, 0.0f } };
    for(int s = 0; s < nsets; ++s)
        for(size_t k = 0; k < sizeof(ops_list) / sizeof(ops_list[0]); ++k)
            for(int v = 0; v < 2; ++v)
            {
                unsigned ops    = ops_list[k];
                uint64_t trials = ops >= 64 ? 1 : 3;
                if(v == 1 && ops * trials > 48) continue; /* 2^(ops/2 * trials) stays exact */
                float*  f = (float*)malloc(TM_ERT_N * sizeof(float));
                double* d = (double*)malloc(TM_ERT_N * sizeof(double));
                for(int i = 0; i < TM_ERT_N; ++i)
                {
                    f[i] = (float)(i % 7);
                    d[i] = (double)(i % 7);
                }
                sets[s].kfloat(f, TM_ERT_N, trials, ops, cd[v][0], cd[v][1]);
                sets[s].kdouble(d, TM_ERT_N, trials, ops, cd[v][0], cd[v][1]);
                int bad_f = 0, bad_d = 0;
                for(int i = 0; i < TM_ERT_N; ++i)
                {
                    double want = tm_ert_expect(i % 7, ops, trials, cd[v][0], cd[v][1]);
                    bad_f += (double)f[i] != want;
                    bad_d += d[i] != want;
                }
                if(bad_f || bad_d)
                    fprintf(stderr, "  %s ops=%u c=%g: %d float, %d double elements differ\n",
                            sets[s].isa, ops, cd[v][0], bad_f, bad_d);
                CHECK_INT(bad_f, 0);
                CHECK_INT(bad_d, 0);
                free(f);
                free(d);
            }
}

typedef struct {
    timemory_ert_point points[64];
    int                n;
    int                stop_at;
} tm_ert_seen;

static int tm_ert_collect(const timemory_ert_point* p, void* arg)
{
    tm_ert_seen* seen = (tm_ert_seen*)arg;
    if(seen->n < 64) seen->points[seen->n] = *p;
    ++seen->n;
    return seen->stop_at >= 0 && seen->n > seen->stop_at;
}

static void tm_ert_small_config(timemory_ert_config* cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->min_working_set = 256;
    cfg->max_data_size   = 2 * 4096 * sizeof(double); /* 4096 doubles per thread */
    cfg->num_threads     = 2;
    cfg->trials_min      = 1;
    cfg->repeats         = 2;
    cfg->alignment       = 64;
    cfg->dtypes          = TIMEMORY_ERT_DOUBLE;
    cfg->num_ops         = 2;
    cfg->ops[0]          = 1;
    cfg->ops[1]          = 8;
}

TM_TEST(ert_run_points_and_exact_totals)
{
    timemory_ert_config cfg;
    tm_ert_small_config(&cfg);
    CHECK_INT(timemory_ert_count_points(&cfg), 10); /* n = 256 .. 4096: 5 sizes x 2 kernels */
    tm_ert_seen seen;
    memset(&seen, 0, sizeof(seen));
    seen.stop_at = -1;
    CHECK_INT(timemory_ert_run(&cfg, tm_ert_collect, &seen), 10);
    CHECK_INT(seen.n, 10);
    for(int i = 0; i < seen.n && i < 10; ++i)
    {
        const timemory_ert_point* p = &seen.points[i];
        uint64_t                  n = 256ull << (i % 5);
        CHECK_INT(p->index, i);
        CHECK_INT(p->count, 10);
        CHECK_INT(p->dtype, TIMEMORY_ERT_DOUBLE);
        CHECK(strcmp(p->dtype_name, "double") == 0);
        CHECK_INT(p->ops_per_set, i < 5 ? 1 : 8);
        CHECK_INT(p->working_set, n * 2 * 8);
        CHECK_INT(p->trials, 4096 / n);
        /* every measurement sweeps 4096 elements per thread in all: 2 threads, 8 bytes,
         * a load and a store; ops FLOPs per element */
        CHECK_INT(p->total_bytes, 4096 * 2 * 8 * 2);
        CHECK_INT(p->total_ops, 4096ull * 2 * (i < 5 ? 1 : 8));
        CHECK_INT(p->num_threads, 2);
        CHECK(p->elapsed_ns > 0);
    }

    /* trials_min raises the trials of the large working sets only */
    cfg.trials_min = 4;
    cfg.num_ops    = 1;
    memset(&seen, 0, sizeof(seen));
    seen.stop_at = -1;
    CHECK_INT(timemory_ert_run(&cfg, tm_ert_collect, &seen), 5);
    CHECK_INT(seen.points[0].trials, 16);
    CHECK_INT(seen.points[3].trials, 4);
    CHECK_INT(seen.points[4].trials, 4);
    CHECK_INT(seen.points[4].total_ops, 4ull * 4096 * 2);

    /* both dtypes, one thread: float has twice the elements in the same bytes */
    tm_ert_small_config(&cfg);
    cfg.num_threads = 1;
    cfg.dtypes      = TIMEMORY_ERT_FLOAT | TIMEMORY_ERT_DOUBLE;
    cfg.num_ops     = 1;
    CHECK_INT(timemory_ert_count_points(&cfg), 7 + 6); /* float 256..16384, double ..8192 */
    memset(&seen, 0, sizeof(seen));
    seen.stop_at = -1;
    CHECK_INT(timemory_ert_run(&cfg, tm_ert_collect, &seen), 13);
    CHECK(strcmp(seen.points[0].dtype_name, "float") == 0);
    CHECK(strcmp(seen.points[12].dtype_name, "double") == 0);
    CHECK_INT(seen.points[6].working_set, 16384 * 4);
}

TM_TEST(ert_callback_stops_the_run)
{
    timemory_ert_config cfg;
    tm_ert_small_config(&cfg);
    tm_ert_seen seen;
    memset(&seen, 0, sizeof(seen));
    seen.stop_at = 2;
    CHECK_INT(timemory_ert_run(&cfg, tm_ert_collect, &seen), 3);
    CHECK_INT(seen.n, 3);
}

TM_TEST(ert_bad_configurations)
{
    timemory_ert_config cfg;
    tm_capture          cap;

    tm_ert_small_config(&cfg);
    cfg.min_working_set = 0;
    tm_capture_begin(&cap, 2);
    CHECK_INT(timemory_ert_run(&cfg, NULL, NULL), TIMEMORY_EINVAL);
    char* err = tm_capture_end(&cap);
    CHECK(strstr(err, "min_working_set") != NULL);
    free(err);

    tm_ert_small_config(&cfg);
    cfg.max_data_size = 100; /* fewer than 256 elements per thread */
    tm_capture_begin(&cap, 2);
    CHECK_INT(timemory_ert_count_points(&cfg), TIMEMORY_EINVAL);
    err = tm_capture_end(&cap);
    CHECK(strstr(err, "max_data_size") != NULL);
    free(err);

    tm_ert_small_config(&cfg);
    cfg.ops[1] = 0;
    tm_capture_begin(&cap, 2);
    CHECK_INT(timemory_ert_count_points(&cfg), TIMEMORY_EINVAL);
    err = tm_capture_end(&cap);
    CHECK(strstr(err, "ops") != NULL);
    free(err);

    tm_ert_small_config(&cfg);
    cfg.repeats = 0;
    tm_capture_begin(&cap, 2);
    CHECK_INT(timemory_ert_count_points(&cfg), TIMEMORY_EINVAL);
    err = tm_capture_end(&cap);
    CHECK(strstr(err, "repeats") != NULL);
    free(err);

    tm_ert_small_config(&cfg);
    cfg.alignment = 48;
    tm_capture_begin(&cap, 2);
    CHECK_INT(timemory_ert_count_points(&cfg), TIMEMORY_EINVAL);
    err = tm_capture_end(&cap);
    CHECK(strstr(err, "alignment") != NULL);
    free(err);
    CHECK_INT(timemory_ert_count_points(NULL), TIMEMORY_EINVAL);
}

TM_TEST(ert_config_from_settings)
{
    timemory_ert_config cfg;
    CHECK_INT(timemory_ert_config_init(&cfg), TIMEMORY_OK);
    CHECK_INT(cfg.min_working_set, 64);
    CHECK_INT(cfg.trials_min, 1);
    CHECK_INT(cfg.repeats, 3);
    CHECK_INT(cfg.alignment, 64);
    CHECK_INT(cfg.dtypes, TIMEMORY_ERT_FLOAT | TIMEMORY_ERT_DOUBLE);
    CHECK_INT(cfg.num_ops, 9);
    for(unsigned i = 0; i < cfg.num_ops; ++i) CHECK_INT(cfg.ops[i], 1u << i);
    int64_t ncpu = 0;
    timemory_settings_get_int("ert_num_threads_cpu", &ncpu);
    CHECK_INT(cfg.num_threads, ncpu);
    uint64_t largest = 0;
    for(int level = 1; level <= 3; ++level)
    {
        uint64_t size = timemory_ert_cache_size(level, NULL);
        if(size > largest) largest = size;
    }
    CHECK_INT(cfg.max_data_size, largest ? 8 * largest : 256u << 20);

    CHECK_INT(timemory_settings_set_string("ert_skip_ops", "2, 256"), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_int("ert_min_working_size_cpu", 1024), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_int("ert_max_data_size_cpu", 1 << 20), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_int("ert_trials_min", 3), TIMEMORY_OK);
    CHECK_INT(timemory_settings_set_int("ert_alignment", 1024), TIMEMORY_OK); /* bits */
    CHECK_INT(timemory_ert_config_init(&cfg), TIMEMORY_OK);
    CHECK_INT(cfg.num_ops, 7);
    CHECK_INT(cfg.ops[0], 1);
    CHECK_INT(cfg.ops[1], 4);
    CHECK_INT(cfg.ops[6], 128);
    CHECK_INT(cfg.min_working_set, 1024);
    CHECK_INT(cfg.max_data_size, 1 << 20);
    CHECK_INT(cfg.trials_min, 3);
    CHECK_INT(cfg.alignment, 128);
    CHECK_INT(timemory_settings_set_int("ert_trials_min", 0), TIMEMORY_EVALUE);
    timemory_settings_reset();
}

TM_TEST(ert_cache_sizes_are_ordered)
{
    unsigned shared = 99;
    CHECK_INT(timemory_ert_cache_size(0, &shared), 0);
    CHECK_INT(shared, 0);
    CHECK_INT(timemory_ert_cache_size(4, NULL), 0);
    uint64_t l1 = timemory_ert_cache_size(1, &shared);
    if(l1) CHECK(shared >= 1);
    uint64_t l2 = timemory_ert_cache_size(2, NULL), l3 = timemory_ert_cache_size(3, NULL);
    if(l1 && l2) CHECK(l1 < l2);
    if(l2 && l3) CHECK(l2 < l3);
}
