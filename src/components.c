/* components.c -- the component table made real: name lookup, availability, sampling of the
 * Linux sources, stop/accumulate semantics, unit conversion and display format.
 * Owns no call-graph and no output: the graph stores what tm__record_set/tm__delta give it,
 * the writers ask tm__get/tm__format how to print it. Policy: tm__record_set is the hot path
 * (no allocation, no lock, no string built); raw values are integers in ns, bytes or counts.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* ---- sources ------------------------------------------------------------------------------ */

/* What the system must be asked for a sample; one bit per read, each done at most once. */
enum {
    TM_RD_MONO    = 1u << 0, /* clock_gettime(CLOCK_MONOTONIC): wall and monotonic clocks */
    TM_RD_RAW     = 1u << 1, /* clock_gettime(CLOCK_MONOTONIC_RAW) */
    TM_RD_THREAD  = 1u << 2, /* clock_gettime(CLOCK_THREAD_CPUTIME_ID) */
    TM_RD_PROCESS = 1u << 3, /* clock_gettime(CLOCK_PROCESS_CPUTIME_ID) */
    TM_RD_RUSAGE  = 1u << 5, /* getrusage(tm_rusage_target) */
    TM_RD_STATM   = 1u << 6, /* /proc/self/statm */
    TM_RD_IO      = 1u << 7, /* /proc/self/io */
};

/* S(name, reads, sampler): the samplers a table row names in its `source` column -- the system
 * reads it needs (each done at most once per sample) and the statements that set a (element 0)
 * and b (element 1) from the sample s, in base units (ns, bytes, counts). The user/sys/cpu
 * clocks come from the getrusage() the set reads anyway (us, the target of set_rusage_*)
 * rather than times() (10 ms ticks, another syscall); Linux's ru_maxrss is in kB, which the
 * original multiplies by 1000. */
#define TM_RU_NS(field) tm_timeval_ns(s->ru.field)
#define TM_SOURCES(S)                                                                              \
    S(NONE, 0, (void)0;)                                                                           \
    S(TRIP, 0, a = 1;)                                                                             \
    S(WALL, TM_RD_MONO, a = s->mono_ns;)                                                           \
    S(MONOTONIC, TM_RD_MONO, a = s->mono_ns;)                                                      \
    S(MONOTONIC_RAW, TM_RD_RAW, a = s->raw_ns;)                                                    \
    S(THREAD_CPU, TM_RD_THREAD, a = s->thread_ns;)                                                 \
    S(PROCESS_CPU, TM_RD_PROCESS, a = s->process_ns;)                                              \
    S(TIMES_CPU, TM_RD_RUSAGE, a = TM_RU_NS(ru_utime) + TM_RU_NS(ru_stime);)                       \
    S(TIMES_USER, TM_RD_RUSAGE, a = TM_RU_NS(ru_utime);)                                           \
    S(TIMES_SYS, TM_RD_RUSAGE, a = TM_RU_NS(ru_stime);)                                            \
    S(UTIL_CPU, TM_RD_RUSAGE | TM_RD_MONO, a = TM_RU_NS(ru_utime) + TM_RU_NS(ru_stime);            \
      b = s->mono_ns;)                                                                             \
    S(UTIL_THREAD_CPU, TM_RD_THREAD | TM_RD_MONO, a = s->thread_ns; b = s->mono_ns;)               \
    S(UTIL_PROCESS_CPU, TM_RD_PROCESS | TM_RD_MONO, a = s->process_ns; b = s->mono_ns;)            \
    S(RUSAGE_MAXRSS, TM_RD_RUSAGE, a = (int64_t)s->ru.ru_maxrss * 1000;)                           \
    S(RUSAGE_MAXRSS_ABS, TM_RD_RUSAGE, a = b = (int64_t)s->ru.ru_maxrss * 1000;)                   \
    S(RUSAGE_UTIME, TM_RD_RUSAGE, a = TM_RU_NS(ru_utime);)                                         \
    S(RUSAGE_STIME, TM_RD_RUSAGE, a = TM_RU_NS(ru_stime);)                                         \
    S(RUSAGE_INBLOCK, TM_RD_RUSAGE, a = s->ru.ru_inblock;)                                         \
    S(RUSAGE_OUBLOCK, TM_RD_RUSAGE, a = s->ru.ru_oublock;)                                         \
    S(RUSAGE_MAJFLT, TM_RD_RUSAGE, a = s->ru.ru_majflt;)                                           \
    S(RUSAGE_MINFLT, TM_RD_RUSAGE, a = s->ru.ru_minflt;)                                           \
    S(RUSAGE_NVCSW, TM_RD_RUSAGE, a = s->ru.ru_nvcsw;)                                             \
    S(RUSAGE_NIVCSW, TM_RD_RUSAGE, a = s->ru.ru_nivcsw;)                                           \
    S(STATM_SIZE, TM_RD_STATM, a = s->statm_size;)                                                 \
    S(STATM_RESIDENT, TM_RD_STATM, a = s->statm_resident;)                                         \
    S(IO_READ_BYTES, TM_RD_IO | TM_RD_MONO, a = s->io_read; b = s->mono_ns;)                       \
    S(IO_WRITE_BYTES, TM_RD_IO | TM_RD_MONO, a = s->io_write; b = s->mono_ns;)                     \
    TM_TEST_SOURCES(S)

#ifdef TIMEMORY_TEST_COMPONENT
/* the test row's sampler: the number of samples taken of it so far */
static atomic_llong tm_test_samples;
#    define TM_TEST_SOURCES(S) S(SAMPLE_COUNTER, 0, a = atomic_fetch_add(&tm_test_samples, 1);)
#else
#    define TM_TEST_SOURCES(S)
#endif

enum tm_source {
#define TM_SOURCE_ENUM(name, reads, ...) TM_SRC_##name,
    TM_SOURCES(TM_SOURCE_ENUM)
#undef TM_SOURCE_ENUM
        TM_SRC_COUNT
};

enum {
#define TM_SOURCE_READS(name, reads, ...) TM_READS_OF_##name = (reads),
    TM_SOURCES(TM_SOURCE_READS)
#undef TM_SOURCE_READS
};

/* ---- the table ---------------------------------------------------------------------------- */

#define TM_ROW(ENUM, value_, name_, class_, label_, ids_, source_, nvalues_, flags_, unit0, repr0, \
               label0, unit1, repr1, label1, needs_, description_)                                 \
    [TM__POS_##ENUM] = { .id          = value_,                                                    \
                         .enum_name   = #ENUM,                                                     \
                         .name        = name_,                                                     \
                         .class_name  = class_,                                                    \
                         .label       = label_,                                                    \
                         .ids         = ids_,                                                      \
                         .source      = TM_SRC_##source_,                                          \
                         .nvalues     = nvalues_,                                                  \
                         .flags       = flags_,                                                    \
                         .unit        = { unit0, unit1 },                                          \
                         .repr        = { repr0, repr1 },                                          \
                         .labels      = { label0, label1 },                                        \
                         .needs       = needs_,                                                    \
                         .description = description_ },
tm__component_row tm__components[TM_COMP_CAP] = { TIMEMORY_COMPONENTS(TM_ROW) };
#undef TM_ROW
int tm__ncomponents = TM_NTABLE;

#define TM_ROW_READS(ENUM, value, name, class_name, label, ids, source, ...)                       \
    [TM__POS_##ENUM] = TM_READS_OF_##source,
static uint8_t tm_reads_of[TM_COMP_CAP] = { TIMEMORY_COMPONENTS(TM_ROW_READS) };
#undef TM_ROW_READS

static inline bool tm_valid(int comp)
{
    return tm__comp_valid(comp);
}
static inline int tm_source(int comp)
{
    return tm__components[comp].source;
}

/* ---- reading the system ------------------------------------------------------------------- */

/* whose resource usage the rusage-based components read (timemory_set_rusage_*) */
static int tm_rusage_target = RUSAGE_THREAD;

void timemory_set_rusage_self(void)
{
    tm_rusage_target = RUSAGE_SELF;
}
void timemory_set_rusage_children(void)
{
    tm_rusage_target = RUSAGE_CHILDREN;
}
void timemory_set_rusage_thread(void)
{
    tm_rusage_target = RUSAGE_THREAD;
}

typedef struct tm_sample {
    int64_t       mono_ns, raw_ns, thread_ns, process_ns;
    struct rusage ru;
    int64_t       statm_size, statm_resident; /* bytes */
    int64_t       io_read, io_write;          /* bytes */
} tm_sample;

static _Atomic tm__test_reader tm_test_reader_fn;
static atomic_llong            tm_page_size; /* bytes, 0 until first use */

static inline int64_t tm_timeval_ns(struct timeval tv)
{
    return ((int64_t)tv.tv_sec * 1000000 + tv.tv_usec) * 1000;
}

static int64_t tm_page_bytes(void)
{
    long long size = atomic_load_explicit(&tm_page_size, memory_order_relaxed);
    if(TM_UNLIKELY(size == 0))
    {
        long sz = sysconf(_SC_PAGESIZE);
        size    = sz > 0 ? sz : 4096;
        atomic_store_explicit(&tm_page_size, size, memory_order_relaxed);
    }
    return size;
}

/* Whole small /proc file into buf (NUL-terminated); length, or -1. */
static ssize_t tm_read_proc(const char* path, char* buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if(fd < 0) return -1;
    size_t len = 0;
    while(len + 1 < cap)
    {
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if(n < 0 && errno == EINTR) continue;
        if(n <= 0) break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    return (ssize_t)len;
}

/* The /proc files of the hot path stay open: pread at offset 0 regenerates their text at a
 * quarter of the cost of open+read+close. /proc/self is resolved at open, so a forked child
 * drops the parent's descriptors and opens its own. */
typedef struct tm_proc_file {
    const char* path;
    atomic_int  fd;
} tm_proc_file;

static tm_proc_file   tm_statm_file  = { "/proc/self/statm", -1 };
static tm_proc_file   tm_io_file     = { "/proc/self/io", -1 };
static pthread_once_t tm_atfork_once = PTHREAD_ONCE_INIT;

static void tm_proc_files_after_fork(void)
{
    tm_proc_file* files[] = { &tm_statm_file, &tm_io_file };
    for(size_t i = 0; i < sizeof(files) / sizeof(files[0]); ++i)
    {
        int fd = atomic_exchange(&files[i]->fd, -1);
        if(fd >= 0) close(fd);
    }
}

static void tm_proc_files_register_fork(void)
{
    pthread_atfork(NULL, NULL, tm_proc_files_after_fork);
}

static int tm_proc_fd(tm_proc_file* f)
{
    int fd = atomic_load_explicit(&f->fd, memory_order_acquire);
    if(TM_LIKELY(fd >= 0)) return fd;
    pthread_once(&tm_atfork_once, tm_proc_files_register_fork);
    int opened = open(f->path, O_RDONLY | O_CLOEXEC);
    if(opened < 0) return -1;
    int expected = -1;
    if(atomic_compare_exchange_strong(&f->fd, &expected, opened)) return opened;
    close(opened); /* another thread was first */
    return expected;
}

static ssize_t tm_pread_proc(tm_proc_file* f, char* buf, size_t cap)
{
    for(int attempt = 0; attempt < 2; ++attempt)
    {
        int fd = tm_proc_fd(f);
        if(fd < 0) break;
        ssize_t n;
        do n = pread(fd, buf, cap - 1, 0);
        while(n < 0 && errno == EINTR);
        if(n >= 0)
        {
            buf[n] = '\0';
            return n;
        }
        if(errno != EBADF) break;
        /* someone closed our descriptor (a daemon closing every fd): open it again */
        atomic_compare_exchange_strong(&f->fd, &fd, -1);
    }
    buf[0] = '\0';
    return -1;
}

static int64_t tm_parse_int(const char** p)
{
    const char* s = *p;
    while(*s == ' ' || *s == '\t') ++s;
    int64_t v = 0;
    while(*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
    *p = s;
    return v;
}

static void tm_read_statm(tm_sample* smp)
{
    char        buf[256];
    const char* p = buf;
    if(tm_pread_proc(&tm_statm_file, buf, sizeof(buf)) <= 0) return;
    int64_t page        = tm_page_bytes();
    smp->statm_size     = tm_parse_int(&p) * page;
    smp->statm_resident = tm_parse_int(&p) * page;
}

static void tm_read_io(tm_sample* smp)
{
    char buf[512];
    if(tm_pread_proc(&tm_io_file, buf, sizeof(buf)) <= 0) return;
    for(const char* line = buf; *line;)
    {
        /* line prefixes, so "cancelled_write_bytes" never matches "write_bytes" */
        const char* p = line;
        if(strncmp(line, "read_bytes:", 11) == 0)
        {
            p += 11;
            smp->io_read = tm_parse_int(&p);
        }
        else if(strncmp(line, "write_bytes:", 12) == 0)
        {
            p += 12;
            smp->io_write = tm_parse_int(&p);
        }
        const char* eol = strchr(p, '\n');
        if(!eol) break;
        line = eol + 1;
    }
}

/* The slow sources first and the clocks last, so a start reading's clocks are the freshest. */
static void tm_read_sources(tm_sample* smp, unsigned reads)
{
    if(reads & TM_RD_IO) tm_read_io(smp);
    if(reads & TM_RD_STATM) tm_read_statm(smp);
    if(reads & TM_RD_RUSAGE) getrusage(tm_rusage_target, &smp->ru);
    if(reads & TM_RD_PROCESS) smp->process_ns = tm__clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    if(reads & TM_RD_THREAD) smp->thread_ns = tm__clock_ns(CLOCK_THREAD_CPUTIME_ID);
    if(reads & TM_RD_RAW) smp->raw_ns = tm__clock_ns(CLOCK_MONOTONIC_RAW);
    if(reads & TM_RD_MONO) smp->mono_ns = tm__clock_ns(CLOCK_MONOTONIC);
}

static inline void tm_extract(int comp, const tm_sample* s, int64_t out[2])
{
    int64_t a = 0, b = 0;
    switch(tm_source(comp))
    {
#define TM_SOURCE_CASE(name, reads, ...)                                                           \
    case TM_SRC_##name: {                                                                          \
        __VA_ARGS__                                                                                \
    }                                                                                              \
    break;
        TM_SOURCES(TM_SOURCE_CASE)
#undef TM_SOURCE_CASE
    default:
        break;
    }
    out[0] = a;
    out[1] = b;
}

void tm__set_test_reader(tm__test_reader fn)
{
    atomic_store_explicit(&tm_test_reader_fn, fn, memory_order_relaxed);
}

/* The set's first nwords words (nwords a constant where it is inlined: the common set of the
 * table's first 64 members is one word). */
static inline __attribute__((always_inline)) void tm_record_words(const uint64_t* bits, int nwords,
                                                                  int64_t (*out)[2])
{
    unsigned reads = 0;
    for(int w = 0; w < nwords; ++w)
        for(uint64_t s = bits[w]; s; s &= s - 1) reads |= tm_reads_of[w * 64 + __builtin_ctzll(s)];
    tm_sample smp;
    memset(&smp, 0, sizeof(smp));
    tm_read_sources(&smp, reads);
    tm__runtime_sample rt;
    rt.source = -1;
    rt.failed = false;
    int i     = 0;
    for(int w = 0; w < nwords; ++w)
        for(uint64_t s = bits[w]; s; s &= s - 1, ++i)
        {
            int comp = w * 64 + __builtin_ctzll(s);
            /* (nwords * 64 > TM_NTABLE: there is no run-time member in the first word) */
            if(nwords * 64 > TM_NTABLE && TM_UNLIKELY(comp >= TM_NTABLE))
                tm__runtime_value(comp, &rt, out[i]); /* after the clocks, in index order */
            else
                tm_extract(comp, &smp, out[i]);
        }
}

void tm__record_set(const tm__cset* set, int64_t (*out)[2])
{
    tm__test_reader fake = atomic_load_explicit(&tm_test_reader_fn, memory_order_relaxed);
    if(TM_UNLIKELY(fake != NULL))
    {
        int i = 0;
        for(int w = 0; w < TM_CSET_WORDS; ++w)
            for(uint64_t s = set->bits[w]; s; s &= s - 1, ++i)
            {
                int comp  = w * 64 + __builtin_ctzll(s);
                int n     = tm__components[comp].nvalues;
                out[i][0] = n > 0 ? fake(comp, 0) : 0;
                out[i][1] = n > 1 ? fake(comp, 1) : 0;
            }
        return;
    }
    uint64_t beyond = 0;
    for(int w = 1; w < TM_CSET_WORDS; ++w) beyond |= set->bits[w];
    if(TM_LIKELY(beyond == 0))
        tm_record_words(set->bits, 1, out);
    else
        tm_record_words(set->bits, TM_CSET_WORDS, out);
}

/* ---- stop, accumulate, statistics --------------------------------------------------------- */

void tm__delta(int comp, const int64_t start[2], const int64_t stop[2], int64_t delta[2])
{
    int src  = tm_source(comp);
    delta[0] = delta[1] = 0;
    switch(src)
    {
    case TM_SRC_NONE:
        return;
    case TM_SRC_TRIP:
        delta[0] = start[0];
        return;                    /* each start counts once */
    case TM_SRC_RUSAGE_MAXRSS_ABS: /* absolute (start, stop) pair */
        delta[0] = start[0];
        delta[1] = stop[0];
        return;
    /* the increase of a high-water mark; rusage times only count when they grew */
    case TM_SRC_RUSAGE_MAXRSS:
    case TM_SRC_RUSAGE_UTIME:
    case TM_SRC_RUSAGE_STIME:
        delta[0] = stop[0] > start[0] ? stop[0] - start[0] : 0;
        return;
    default:
        delta[0] = stop[0] - start[0];
        if(tm__components[comp].nvalues > 1) delta[1] = stop[1] - start[1];
        return;
    }
}

void tm__accumulate(int comp, int64_t accum[2], const int64_t delta[2])
{
    const tm__component_row* row = &tm__components[comp];
    if(row->flags & TIMEMORY_CFLAG_MAX_ACCUM)
    {
        /* lexicographic pair comparison, as std::max of a std::pair */
        if(delta[0] > accum[0] || (delta[0] == accum[0] && delta[1] > accum[1]))
        {
            accum[0] = delta[0];
            accum[1] = delta[1];
        }
        return;
    }
    if(row->nvalues > 0) accum[0] += delta[0];
    if(row->nvalues > 1) accum[1] += delta[1];
}

static inline bool tm_is_util(int src)
{
    return src == TM_SRC_UTIL_CPU || src == TM_SRC_UTIL_THREAD_CPU ||
           src == TM_SRC_UTIL_PROCESS_CPU;
}

static inline bool tm_is_io(int src)
{
    return src == TM_SRC_IO_READ_BYTES || src == TM_SRC_IO_WRITE_BYTES;
}

static inline double tm_percent(int64_t cpu, int64_t wall)
{
    return wall != 0 ? 100.0 * (double)cpu / (double)wall : 0.0;
}

/* (bytes, elapsed ns) -> (bytes, bytes per second) */
static inline void tm_io_rate(const int64_t raw[2], double out[2])
{
    out[0] = (double)raw[0];
    out[1] = raw[1] > 0 ? (double)raw[0] / ((double)raw[1] * 1e-9) : 0.0;
}

/* Values in base units (ns, bytes, counts; percent; bytes/sec): the display dimension. */
static int tm_base_values(int comp, const int64_t raw[2], double out[2])
{
    const tm__component_row* row = &tm__components[comp];
    int                      src = row->source;
    out[0] = out[1] = 0.0;
    if(row->nvalues == 0) return 0;
    if(tm_is_util(src))
    {
        out[0] = tm_percent(raw[0], raw[1]);
        return 1;
    }
    if(tm_is_io(src))
    {
        tm_io_rate(raw, out);
        return 2;
    }
    out[0] = (double)raw[0];
    if(row->labels[1] == NULL) return 1;
    out[1] = (double)raw[1];
    return 2;
}

int tm__stat_sample(int comp, const int64_t delta[2], double out[2])
{
    if(tm__components[comp].flags & TIMEMORY_CFLAG_NO_STATS)
    {
        out[0] = out[1] = 0.0;
        return 0;
    }
    return tm_base_values(comp, delta, out);
}

/* ---- units and format --------------------------------------------------------------------- */

static inline bool tm_uses_timing_units(const tm__component_row* row)
{
    return (row->flags & TIMEMORY_CFLAG_TIMING) != 0;
}

/* The memory *category* also holds counts (page faults, context switches): only the byte
 * valued ones follow memory_units. */
static inline bool tm_uses_memory_units(const tm__component_row* row)
{
    return (row->flags & (TIMEMORY_CFLAG_MEMORY | TIMEMORY_CFLAG_INTEGER)) == TIMEMORY_CFLAG_MEMORY;
}

/* base units per display unit (1e9 ns per sec, 1e6 bytes per MB): dividing by it keeps
 * 80856527 ns -> 0.080856527 exact where multiplying by 1e-9 would not */
static double tm_display_divisor(const tm__component_row* row)
{
    if(tm_uses_timing_units(row)) return 1e9 / tm__timing_unit_per_sec();
    if(tm_uses_memory_units(row)) return tm__memory_unit_bytes();
    return 1.0;
}

double tm__display_factor(int comp, int idx)
{
    (void)idx; /* every multi-valued component scales both elements alike */
    return 1.0 / tm_display_divisor(&tm__components[comp]);
}

int tm__get(int comp, const int64_t raw[2], double out[2])
{
    int    n       = tm_base_values(comp, raw, out);
    double divisor = tm_display_divisor(&tm__components[comp]);
    for(int i = 0; i < n; ++i) out[i] /= divisor;
    return n;
}

void tm__format(int comp, int* width, int* precision, bool* scientific)
{
    const tm__component_row* row     = &tm__components[comp];
    bool                     percent = (row->flags & TIMEMORY_CFLAG_PERCENT) != 0;
    int                      w = percent ? 6 : 8, p = percent ? 1 : 3;
    bool                     sci = tm__settings.scientific;
    /* negative settings mean "the component's own"; 0 is a value (the original's rule:
     * TIMEMORY_PRECISION=0 prints no decimals) */
    if(tm__settings.width >= 0) w = tm__settings.width;
    if(tm__settings.precision >= 0) p = tm__settings.precision;
    if(row->flags & TIMEMORY_CFLAG_TIMING)
    {
        if(tm__settings.timing_width >= 0) w = tm__settings.timing_width;
        if(tm__settings.timing_precision >= 0) p = tm__settings.timing_precision;
        sci = sci || tm__settings.timing_scientific;
    }
    if(row->flags & TIMEMORY_CFLAG_MEMORY)
    {
        if(tm__settings.memory_width >= 0) w = tm__settings.memory_width;
        if(tm__settings.memory_precision >= 0) p = tm__settings.memory_precision;
        sci = sci || tm__settings.memory_scientific;
    }
    if(row->flags & TIMEMORY_CFLAG_INTEGER)
    {
        p   = 0;
        sci = false;
    }
    if(width) *width = w;
    if(precision) *precision = p;
    if(scientific) *scientific = sci;
}

/* "<memory unit>/sec" without building strings on every call. */
static const char* tm_rate_repr(const char* mem)
{
    static const char* const known[][2] = {
        { "MB", "MB/sec" },   { "byte", "byte/sec" }, { "b", "b/sec" },     { "kb", "kb/sec" },
        { "mb", "mb/sec" },   { "gb", "gb/sec" },     { "tb", "tb/sec" },   { "pb", "pb/sec" },
        { "kib", "kib/sec" }, { "mib", "mib/sec" },   { "gib", "gib/sec" }, { "tib", "tib/sec" },
        { "pib", "pib/sec" }, { "KB", "KB/sec" },     { "GB", "GB/sec" },
    };
    for(size_t i = 0; i < sizeof(known) / sizeof(known[0]); ++i)
        if(strcmp(mem, known[i][0]) == 0) return known[i][1];
    static _Thread_local char other[48];
    snprintf(other, sizeof(other), "%s/sec", mem);
    return other;
}

const char* tm__display_unit(int comp, int idx)
{
    const tm__component_row* row = &tm__components[comp];
    if(row->nvalues == 0) return "";
    if(tm_uses_timing_units(row)) return tm__timing_unit_repr();
    if(tm_uses_memory_units(row))
    {
        const char* mem = tm__memory_unit_repr();
        return idx == 1 && tm_is_io(row->source) ? tm_rate_repr(mem) : mem;
    }
    const char* repr = row->repr[idx];
    return repr ? repr : "";
}

static double tm_unit(int comp, int idx)
{
    const tm__component_row* row = &tm__components[comp];
    if(row->nvalues == 0) return row->unit[idx];
    if(tm_uses_timing_units(row)) return tm__timing_unit_per_sec();
    if(tm_uses_memory_units(row)) return tm__memory_unit_bytes();
    return row->unit[idx] != 0.0 ? row->unit[idx] : 1.0;
}

/* ---- availability ------------------------------------------------------------------------- */

/* 0 not checked yet, 1 readable, -1 not */
static atomic_int tm_statm_ok, tm_io_ok;

static bool tm_proc_readable(atomic_int* state, const char* path)
{
    int s = atomic_load_explicit(state, memory_order_relaxed);
    if(s == 0)
    {
        char buf[512];
        s = tm_read_proc(path, buf, sizeof(buf)) > 0 ? 1 : -1;
        atomic_store_explicit(state, s, memory_order_relaxed);
    }
    return s > 0;
}

const char* tm__unavailable_reason(int comp)
{
    if(!tm_valid(comp)) return "no such component";
    const tm__component_row* row = &tm__components[comp];
    if(tm__hwc_row(comp)) return tm__hwc_row_reason(comp); /* before needs: found at run time */
    if(row->needs) return row->needs;
    if(comp == TIMEMORY_GPERFTOOLS_CPU_PROFILER || comp == TIMEMORY_GPERFTOOLS_HEAP_PROFILER)
        return tm__gperftools_unavailable(comp); /* found at run time */
    int reads = tm_reads_of[comp];
    if((reads & TM_RD_STATM) && !tm_proc_readable(&tm_statm_ok, "/proc/self/statm"))
        return "requires /proc/self/statm (Linux procfs), which cannot be read here";
    if((reads & TM_RD_IO) && !tm_proc_readable(&tm_io_ok, "/proc/self/io"))
        return "requires /proc/self/io (Linux task I/O accounting), which cannot be read here";
    return NULL;
}

/* ---- public API --------------------------------------------------------------------------- */

int timemory_component_get_info(int id, timemory_component_info* out)
{
    if((id = tm__comp_index(id)) < 0 || !out) return TIMEMORY_EINVAL;
    const tm__component_row* row = &tm__components[id];
    memset(out, 0, sizeof(*out));
    out->id                 = row->id;
    out->name               = row->name;
    out->class_name         = row->class_name;
    out->label              = row->label;
    out->ids                = row->ids;
    out->description        = row->description;
    out->enum_name          = row->enum_name;
    out->value_count        = row->nvalues;
    out->unavailable_reason = tm__unavailable_reason(id);
    out->available          = out->unavailable_reason == NULL;
    out->flags              = row->flags;
    for(int i = 0; i < 2; ++i)
    {
        out->labels[i]     = row->labels[i];
        out->unit_repr[i]  = row->repr[i] ? row->repr[i] : "";
        out->unit_value[i] = row->unit[i];
    }
    return TIMEMORY_OK;
}

int timemory_component_record(int id, int64_t raw[2])
{
    if((id = tm__comp_index(id)) < 0 || !raw) return TIMEMORY_EINVAL;
    if(tm__unavailable_reason(id)) return TIMEMORY_EUNAVAILABLE;
    /* papi_vector/papi_array/cpu_roofline_* have no value of their own: a push records their
     * group's members (hwc_components.c, hwc_roofline.c) */
    if(tm__hwc_row(id)) return TIMEMORY_EINVAL;
    int64_t  one[1][2];
    tm__cset set = tm__cset_one(id);
    tm__record_set(&set, one);
    bool failed = one[0][1] == TM__SAMPLE_FAILED; /* its source could not be read */
    raw[0]      = one[0][0];
    raw[1]      = failed ? 0 : one[0][1];
    return failed ? TIMEMORY_EIO : TIMEMORY_OK;
}

int timemory_component_delta(int id, const int64_t start[2], const int64_t stop[2],
                             int64_t delta[2])
{
    if((id = tm__comp_index(id)) < 0 || !start || !stop || !delta) return TIMEMORY_EINVAL;
    tm__delta(id, start, stop, delta);
    return TIMEMORY_OK;
}

int timemory_component_accumulate(int id, int64_t accum[2], const int64_t delta[2])
{
    if((id = tm__comp_index(id)) < 0 || !accum || !delta) return TIMEMORY_EINVAL;
    tm__accumulate(id, accum, delta);
    return TIMEMORY_OK;
}

int timemory_component_get(int id, const int64_t raw[2], double out[2])
{
    if((id = tm__comp_index(id)) < 0 || !raw || !out) return TIMEMORY_EINVAL;
    return tm__get(id, raw, out);
}

const char* timemory_component_display_unit(int id, int idx)
{
    if((id = tm__comp_index(id)) < 0 || idx < 0 || idx > 1) return "";
    return tm__display_unit(id, idx);
}

double timemory_component_unit(int id, int idx)
{
    if((id = tm__comp_index(id)) < 0 || idx < 0 || idx > 1) return 1.0;
    return tm_unit(id, idx);
}

/* The original's sample(): components whose value is a level (memory, I/O) keep the highest
 * reading, value = accum = max(value, record()); element 1 (I/O's elapsed time) is kept. */
static bool tm_samples(int comp)
{
    switch(tm_source(comp))
    {
    case TM_SRC_RUSAGE_MAXRSS:
    case TM_SRC_STATM_RESIDENT:
    case TM_SRC_STATM_SIZE:
    case TM_SRC_RUSAGE_INBLOCK:
    case TM_SRC_RUSAGE_OUBLOCK:
    case TM_SRC_IO_READ_BYTES:
    case TM_SRC_IO_WRITE_BYTES:
        return true;
    default:
        return false;
    }
}

bool timemory_component_can_sample(int id)
{
    id = tm__comp_index(id);
    return id >= 0 && tm_samples(id);
}

int timemory_component_sample(int id, int64_t value[2], int64_t accum[2])
{
    if((id = tm__comp_index(id)) < 0 || !value || !accum || !tm_samples(id)) return TIMEMORY_EINVAL;
    if(tm__unavailable_reason(id)) return TIMEMORY_EUNAVAILABLE;
    int64_t  now[1][2] = { { 0, 0 } };
    tm__cset set       = tm__cset_one(id);
    tm__record_set(&set, now);
    if(now[0][0] > value[0]) value[0] = now[0][0];
    accum[0] = value[0];
    return TIMEMORY_OK;
}
