/* ert.c -- the Empirical Roofline Toolkit's driver on the CPU (include/timemory/ert.h): the
 * configuration from the settings, the cache sizes (sysfs), the threads and the measurement
 * loop. The kernels themselves are in ert_kernels.c.
 *
 * The calling thread is thread 0; num_threads - 1 worker threads are started once per dtype,
 * each allocating and first-touching its own buffer (the largest working set's share). For
 * each kernel (FLOPs per element) and each working set n (elements per thread, doubling from
 * min_working_set to the buffer's size) all threads meet at a barrier, sweep their first n
 * elements `trials` times, and meet at a second barrier; thread 0 reads CLOCK_MONOTONIC after
 * the first and after the second. trials = max(trials_min, V / n) with V the buffer's elements
 * but at most 64 MiB and 2^28 FLOPs per thread, so the measurements of a kernel move about the
 * same bytes (the original ERT driver moves the whole buffer's; the caps keep the small working
 * sets' measurements near a millisecond, shorter than a time slice of the scheduler). Each
 * point is measured `repeats` times and the fastest kept.
 * The callback runs on thread 0 between measurements. */
#include "timemory/ert.h"

#include "ert_kernels.h"
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- cache sizes ------------------------------------------------------------------------ */

static int tm_ert_read_line(const char* path, char* buf, size_t len)
{
    FILE* f = fopen(path, "r");
    if(!f) return -1;
    char* got = fgets(buf, (int)len, f);
    fclose(f);
    if(!got) return -1;
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

/* "0-1,4,6-7" -> 5 */
static unsigned tm_ert_count_cpus(const char* list)
{
    unsigned    count = 0;
    const char* p     = list;
    while(*p)
    {
        char*         end = NULL;
        unsigned long a   = strtoul(p, &end, 10);
        if(end == p) break;
        unsigned long b = a;
        if(*end == '-')
        {
            p = end + 1;
            b = strtoul(p, &end, 10);
            if(end == p) break;
        }
        if(b >= a) count += (unsigned)(b - a + 1);
        p = end;
        if(*p == ',') ++p;
    }
    return count;
}

uint64_t timemory_ert_cache_size(int level, unsigned* shared_cpus)
{
    if(shared_cpus) *shared_cpus = 0;
    if(level < 1 || level > 3) return 0;
    char path[128], text[256];
    for(int index = 0; index < 16; ++index)
    {
        snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/level", index);
        if(tm_ert_read_line(path, text, sizeof(text)) < 0) break;
        if(atoi(text) != level) continue;
        snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/type", index);
        if(tm_ert_read_line(path, text, sizeof(text)) < 0 || strcmp(text, "Instruction") == 0)
            continue;
        snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", index);
        if(tm_ert_read_line(path, text, sizeof(text)) < 0) continue;
        char*    unit  = NULL;
        uint64_t bytes = strtoull(text, &unit, 10);
        if(unit && (*unit == 'K' || *unit == 'k'))
            bytes <<= 10;
        else if(unit && *unit == 'M')
            bytes <<= 20;
        else if(unit && *unit == 'G')
            bytes <<= 30;
        if(shared_cpus)
        {
            snprintf(path, sizeof(path),
                     "/sys/devices/system/cpu/cpu0/cache/index%d/shared_cpu_list", index);
            *shared_cpus =
                tm_ert_read_line(path, text, sizeof(text)) == 0 ? tm_ert_count_cpus(text) : 1;
        }
        if(bytes > 0) return bytes;
    }
#if defined(_SC_LEVEL1_DCACHE_SIZE)
    long v = level == 1   ? sysconf(_SC_LEVEL1_DCACHE_SIZE)
             : level == 2 ? sysconf(_SC_LEVEL2_CACHE_SIZE)
                          : sysconf(_SC_LEVEL3_CACHE_SIZE);
    if(v > 0)
    {
        if(shared_cpus) *shared_cpus = 1;
        return (uint64_t)v;
    }
#endif
    return 0;
}

const char* timemory_ert_isa(void)
{
    tm__ert_kernels sets[TM_ERT_MAX_SETS];
    tm__ert_kernel_sets(sets);
    return sets[0].isa;
}

/* ---- configuration ---------------------------------------------------------------------- */

static uint64_t tm_ert_setting(const char* name)
{
    int64_t v = 0;
    if(timemory_settings_get_int(name, &v) != TIMEMORY_OK || v < 0) return 0;
    return (uint64_t)v;
}

int timemory_ert_config_init(timemory_ert_config* config)
{
    if(!config) return TIMEMORY_EINVAL;
    memset(config, 0, sizeof(*config));
    config->min_working_set = tm_ert_setting("ert_min_working_size_cpu");
    if(config->min_working_set == 0)
        config->min_working_set = tm_ert_setting("ert_min_working_size");
    if(config->min_working_set == 0) config->min_working_set = 64;

    config->max_data_size = tm_ert_setting("ert_max_data_size_cpu");
    if(config->max_data_size == 0) config->max_data_size = tm_ert_setting("ert_max_data_size");
    if(config->max_data_size == 0)
    {
        uint64_t largest = 0;
        for(int level = 1; level <= 3; ++level)
        {
            uint64_t size = timemory_ert_cache_size(level, NULL);
            if(size > largest) largest = size;
        }
        config->max_data_size = largest > 0 ? 8 * largest : (uint64_t)256 << 20;
    }

    config->num_threads = tm_ert_setting("ert_num_threads_cpu");
    if(config->num_threads == 0) config->num_threads = tm_ert_setting("ert_num_threads");
    if(config->num_threads == 0)
    {
        long ncpu           = sysconf(_SC_NPROCESSORS_ONLN);
        config->num_threads = ncpu > 0 ? (uint64_t)ncpu : 1;
    }

    config->trials_min = tm_ert_setting("ert_trials_min");
    if(config->trials_min == 0) config->trials_min = 1;
    config->repeats = 3;

    uint64_t align_bits = tm_ert_setting("ert_alignment");
    uint64_t align      = align_bits ? align_bits / 8 : sizeof(double);
    uint64_t pow2       = 64;
    while(pow2 < align && pow2 < ((uint64_t)1 << 20)) pow2 <<= 1;
    config->alignment = pow2;

    config->dtypes = TIMEMORY_ERT_FLOAT | TIMEMORY_ERT_DOUBLE;
    char skip[512] = "";
    timemory_settings_get_string("ert_skip_ops", skip, sizeof(skip));
    for(unsigned ops = 1; ops <= 256; ops *= 2)
    {
        int         skipped = 0;
        const char* p       = skip;
        while(*p)
        {
            char*         end = NULL;
            unsigned long v   = strtoul(p, &end, 10);
            if(end == p)
            {
                ++p; /* separators: ',', ';', ' ' */
                continue;
            }
            if(v == ops) skipped = 1;
            p = end;
        }
        if(!skipped) config->ops[config->num_ops++] = ops;
    }
    return TIMEMORY_OK;
}

/* elements per thread of the largest working set of one dtype */
static uint64_t tm_ert_nsize(const timemory_ert_config* config, size_t elem)
{
    return config->max_data_size / config->num_threads / elem;
}

static uint64_t tm_ert_sizes(const timemory_ert_config* config, size_t elem)
{
    uint64_t count = 0, nsize = tm_ert_nsize(config, elem);
    for(uint64_t n = config->min_working_set; n <= nsize; n *= 2) ++count;
    return count;
}

int64_t timemory_ert_count_points(const timemory_ert_config* config)
{
    if(!config) return TIMEMORY_EINVAL;
    const char* bad = NULL;
    if(config->min_working_set == 0)
        bad = "min_working_set must be at least 1";
    else if(config->num_threads == 0 || config->num_threads > 4096)
        bad = "num_threads must be 1 to 4096";
    else if(config->trials_min == 0)
        bad = "trials_min must be at least 1";
    else if(config->repeats == 0)
        bad = "repeats must be at least 1";
    else if(config->alignment < sizeof(double) || (config->alignment & (config->alignment - 1)))
        bad = "alignment must be a power of two of at least 8 bytes";
    else if(config->dtypes == 0 || (config->dtypes & ~(TIMEMORY_ERT_FLOAT | TIMEMORY_ERT_DOUBLE)))
        bad = "dtypes must be TIMEMORY_ERT_FLOAT and/or TIMEMORY_ERT_DOUBLE";
    else if(config->num_ops == 0 || config->num_ops > TIMEMORY_ERT_MAX_KERNELS)
        bad = "num_ops must be 1 to TIMEMORY_ERT_MAX_KERNELS";
    for(unsigned i = 0; !bad && i < config->num_ops; ++i)
        if(config->ops[i] == 0 || config->ops[i] > TIMEMORY_ERT_MAX_OPS)
            bad = "ops must be 1 to TIMEMORY_ERT_MAX_OPS FLOPs per element";
    int64_t points = 0;
    for(unsigned bit = 1; !bad && bit <= 2; bit <<= 1)
    {
        if(!(config->dtypes & bit)) continue;
        size_t   elem  = bit == TIMEMORY_ERT_FLOAT ? sizeof(float) : sizeof(double);
        uint64_t sizes = tm_ert_sizes(config, elem);
        if(sizes == 0) bad = "max_data_size is smaller than the smallest working set";
        points += (int64_t)(sizes * config->num_ops);
    }
    if(bad)
    {
        tm__warn("ert: %s", bad);
        return TIMEMORY_EINVAL;
    }
    return points;
}

/* ---- threads ---------------------------------------------------------------------------- */

typedef struct tm_ert_shared {
    pthread_barrier_t start, done;
    tm__ert_kernels   kernels;
    unsigned          dtype;
    uint64_t          nalloc;    /* elements of each buffer */
    uint64_t          alignment; /* bytes */
    /* the command of the next measurement, written by thread 0 before the start barrier */
    int      stop;
    uint64_t n, trials;
    unsigned ops;
    int      alloc_failed; /* a worker could not get its buffer (read after the first barrier) */
    pthread_mutex_t gate_lock;
    pthread_cond_t  gate_cond;
    int             gate; /* opened once the workers are started and the barriers made */
} tm_ert_shared;

typedef struct tm_ert_worker {
    tm_ert_shared* shared;
    void*          buf;
    pthread_t      thread;
    int            started;
} tm_ert_worker;

static void* tm_ert_alloc(const tm_ert_shared* s, size_t elem)
{
    void* buf = NULL;
    if(posix_memalign(&buf, s->alignment, s->nalloc * elem) != 0) return NULL;
    /* first touch by the thread that sweeps it; 1.0 is a fixed point of x * 1 + 0 */
    if(elem == sizeof(float))
        for(uint64_t i = 0; i < s->nalloc; ++i) ((float*)buf)[i] = 1.0f;
    else
        for(uint64_t i = 0; i < s->nalloc; ++i) ((double*)buf)[i] = 1.0;
    return buf;
}

static void tm_ert_sweep(const tm_ert_shared* s, void* buf)
{
    /* c = 1, d = 0: the values stay 1.0 (no overflow, no denormals); c and d are not
     * known to the compiler, so every operation is executed */
    if(s->dtype == TIMEMORY_ERT_FLOAT)
        s->kernels.kfloat((float*)buf, s->n, s->trials, s->ops, 1.0f, 0.0f);
    else
        s->kernels.kdouble((double*)buf, s->n, s->trials, s->ops, 1.0, 0.0);
}

static void* tm_ert_worker_main(void* arg)
{
    tm_ert_worker* w = (tm_ert_worker*)arg;
    tm_ert_shared* s = w->shared;
    pthread_mutex_lock(&s->gate_lock);
    while(!s->gate) pthread_cond_wait(&s->gate_cond, &s->gate_lock);
    int stop = s->stop;
    pthread_mutex_unlock(&s->gate_lock);
    if(stop) return NULL;
    size_t elem = s->dtype == TIMEMORY_ERT_FLOAT ? sizeof(float) : sizeof(double);
    w->buf      = tm_ert_alloc(s, elem);
    if(!w->buf) __atomic_store_n(&s->alloc_failed, 1, __ATOMIC_RELAXED);
    pthread_barrier_wait(&s->start); /* buffers ready */
    for(;;)
    {
        pthread_barrier_wait(&s->start);
        if(s->stop) break;
        if(w->buf) tm_ert_sweep(s, w->buf);
        pthread_barrier_wait(&s->done);
    }
    free(w->buf);
    w->buf = NULL;
    return NULL;
}

static uint64_t tm_ert_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* one dtype: returns 0, 1 when the callback stopped the run, or a negative code */
static int tm_ert_run_dtype(const timemory_ert_config* config, unsigned dtype,
                            timemory_ert_callback callback, void* arg, uint64_t* index,
                            uint64_t count)
{
    size_t        elem = dtype == TIMEMORY_ERT_FLOAT ? sizeof(float) : sizeof(double);
    tm_ert_shared s;
    memset(&s, 0, sizeof(s));
    tm__ert_kernels sets[TM_ERT_MAX_SETS];
    tm__ert_kernel_sets(sets);
    s.kernels   = sets[0];
    s.dtype     = dtype;
    s.nalloc    = tm_ert_nsize(config, elem);
    s.alignment = config->alignment;
    pthread_mutex_init(&s.gate_lock, NULL);
    pthread_cond_init(&s.gate_cond, NULL);

    /* the workers wait at the gate until every one of them is started and the barriers are
     * made for that number; when one cannot be started, the gate opens with stop set */
    unsigned       nthreads = (unsigned)config->num_threads;
    tm_ert_worker* workers  = (tm_ert_worker*)calloc(nthreads, sizeof(tm_ert_worker));
    int            rc       = workers ? 0 : TIMEMORY_ENOMEM;
    for(unsigned t = 1; rc == 0 && t < nthreads; ++t)
    {
        workers[t].shared = &s;
        if(pthread_create(&workers[t].thread, NULL, tm_ert_worker_main, &workers[t]) != 0)
            rc = TIMEMORY_ENOMEM;
        else
            workers[t].started = 1;
    }
    int barriers = 0;
    if(rc == 0)
    {
        if(pthread_barrier_init(&s.start, NULL, nthreads) != 0)
            rc = TIMEMORY_ENOMEM;
        else if(pthread_barrier_init(&s.done, NULL, nthreads) != 0)
        {
            pthread_barrier_destroy(&s.start);
            rc = TIMEMORY_ENOMEM;
        }
        else
            barriers = 1;
    }
    pthread_mutex_lock(&s.gate_lock);
    s.stop = rc != 0;
    s.gate = 1;
    pthread_cond_broadcast(&s.gate_cond);
    pthread_mutex_unlock(&s.gate_lock);

    void* buf = NULL;
    if(rc == 0)
    {
        buf = tm_ert_alloc(&s, elem);
        if(!buf) __atomic_store_n(&s.alloc_failed, 1, __ATOMIC_RELAXED);
        pthread_barrier_wait(&s.start); /* every buffer ready (or not) */
        if(__atomic_load_n(&s.alloc_failed, __ATOMIC_RELAXED)) rc = TIMEMORY_ENOMEM;
    }

    uint64_t nsize  = s.nalloc;
    uint64_t volume = ((uint64_t)64 << 20) / elem;
    if(volume > nsize) volume = nsize;
    for(unsigned k = 0; rc == 0 && k < config->num_ops; ++k)
    {
        for(uint64_t n = config->min_working_set; rc == 0 && n <= nsize; n *= 2)
        {
            /* at most 2^28 FLOPs per thread too: the intense kernels' measurements stay
             * near a millisecond where the working set allows */
            uint64_t work   = ((uint64_t)1 << 28) / config->ops[k];
            uint64_t trials = (work < volume ? work : volume) / n;
            if(trials < config->trials_min) trials = config->trials_min;
            s.n           = n;
            s.trials      = trials;
            s.ops         = config->ops[k];
            uint64_t best = UINT64_MAX;
            for(uint64_t r = 0; r < config->repeats; ++r)
            {
                pthread_barrier_wait(&s.start);
                uint64_t t0 = tm_ert_now_ns();
                tm_ert_sweep(&s, buf);
                pthread_barrier_wait(&s.done);
                uint64_t t1 = tm_ert_now_ns();
                uint64_t dt = t1 > t0 ? t1 - t0 : 1;
                if(dt < best) best = dt;
            }

            timemory_ert_point p;
            memset(&p, 0, sizeof(p));
            p.dtype       = dtype;
            p.dtype_name  = dtype == TIMEMORY_ERT_FLOAT ? "float" : "double";
            p.ops_per_set = config->ops[k];
            p.working_set = n * config->num_threads * elem;
            p.trials      = trials;
            p.total_bytes = trials * p.working_set * 2;
            p.total_ops   = trials * n * config->num_threads * config->ops[k];
            p.elapsed_ns  = best;
            p.num_threads = config->num_threads;
            p.index       = (*index)++;
            p.count       = count;
            if(callback && callback(&p, arg) != 0) rc = 1;
        }
    }
    if(barriers)
    {
        s.stop = 1;
        pthread_barrier_wait(&s.start);
    }
    for(unsigned t = 1; workers && t < nthreads; ++t)
        if(workers[t].started) pthread_join(workers[t].thread, NULL);
    free(buf);
    free(workers);
    if(barriers)
    {
        pthread_barrier_destroy(&s.start);
        pthread_barrier_destroy(&s.done);
    }
    pthread_cond_destroy(&s.gate_cond);
    pthread_mutex_destroy(&s.gate_lock);
    return rc;
}

int64_t timemory_ert_run(const timemory_ert_config* config, timemory_ert_callback callback,
                         void* arg)
{
    int64_t count = timemory_ert_count_points(config);
    if(count < 0) return count;
    uint64_t index = 0;
    for(unsigned bit = 1; bit <= 2; bit <<= 1)
    {
        if(!(config->dtypes & bit)) continue;
        int rc = tm_ert_run_dtype(config, bit, callback, arg, &index, (uint64_t)count);
        if(rc < 0) return rc;
        if(rc > 0) break;
    }
    return (int64_t)index;
}
