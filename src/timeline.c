/* timeline.c -- the per-call timeline (setting `timeline`): the begin and end of every measured
 * push of a thread, in a buffer of fixed capacity per thread (`timeline_capacity` events,
 * allocated at the thread's first event), written at output as a Chrome / Perfetto trace
 * (<output_path>/<output_prefix>timeline.json): one "X" event per call with its real start
 * and duration, a pid, one tid per thread, process and thread names, dropped events per thread.
 * Hot path (push.c calls tm__timeline_begin/_end inside push and pop): the thread's buffer
 * from an initial-exec TLS pointer, one 24-byte store, the count published with a release
 * store -- no lock, no allocation after the first event, no string. A full buffer drops the
 * newest events (counted) and always keeps room for the ends of the calls it holds, so every
 * recorded begin gets its end; slots below the count never change, so output reads a buffer
 * while its thread records. Timestamps are CLOCK_MONOTONIC nanoseconds (wall_clock's clock),
 * or a hook caller's ticks converted at output (timemory_timeline_set_tick_source).
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* One begin or end. depth: the push's index on its thread's frame stack. */
typedef struct tm__tl_event {
    int64_t  ts; /* ns, or the caller's ticks (TM__TL_TICKS) */
    uint64_t key;
    uint32_t depth;
    uint32_t flags; /* TM__TL_END, TM__TL_TICKS */
} tm__tl_event;

typedef struct tm__tl_ring {
    tm__tl_event* events;
    size_t        cap;     /* slots of events */
    size_t        count;   /* slots written: stored with release by the owner, read with acquire */
    size_t        open;    /* recorded begins whose end is still to come: their slots are kept */
    size_t        limit;   /* the hot path's bound: cap, or the event at which to name the thread */
    size_t        name_at; /* count at which the thread-start hook runs again (0: never) */
    unsigned      name_tries;
    bool          started;  /* the buffer was allocated (or failed to be) at the first event */
    uint8_t       state;    /* what a begin recorded now returns (tm__tl_recorded_state(gen)) */
    unsigned      gen;      /* tm__tl_gen when the buffer was last emptied */
    uint64_t      dropped;  /* events not recorded (relaxed atomic: output reads it) */
    int           tid;      /* the thread's graph id (graph.c): 0 = the main thread */
    char          name[64]; /* "" = unnamed; changed under tm__tl_mutex */
} tm__tl_ring;

/* ---- registry of buffers (a lock at registration, naming and output only) -------------------- */

static pthread_mutex_t            tm__tl_mutex = PTHREAD_MUTEX_INITIALIZER;
static tm__tl_ring**              tm__tl_rings;
static size_t                     tm__tl_nrings;
static size_t                     tm__tl_cap;
static _Thread_local tm__tl_ring* tm__tl_tls __attribute__((tls_model("initial-exec")));
/* bumped by timemory_clear (and in a forked child): buffers of an older generation are empty,
 * their owners empty them at their next event */
static _Atomic unsigned                  tm__tl_gen;
static pthread_key_t                     tm__tl_key;
static pthread_once_t                    tm__tl_once = PTHREAD_ONCE_INIT;
static bool                              tm__tl_key_ok;
static _Atomic(timemory_thread_start_fn) tm__tl_start_hook;
/* caller ticks -> ns: the source's ticks and CLOCK_MONOTONIC read together when it is given,
 * and again at output; without a source ticks are nanoseconds */
static struct {
    timemory_tick_source_fn source;
    int64_t                 anchor_ticks;
    int64_t                 anchor_ns;
} tm__tl_ticks;
static pthread_mutex_t tm__tl_ticks_mutex = PTHREAD_MUTEX_INITIALIZER;

static unsigned tm__tl_generation(void)
{
    return atomic_load_explicit(&tm__tl_gen, memory_order_relaxed);
}

/* The state a push keeps for its pop (the frame's byte): 0 none, 1 dropped, else recorded in
 * generation (state - 2) modulo 254. */
static inline uint8_t tm__tl_recorded_state(unsigned gen)
{
    return (uint8_t)(2 + gen % 254u);
}

/* ---- a thread's buffer ----------------------------------------------------------------------- */

/* The thread exits: its buffer shrinks to what it holds (plus the ends still to come). */
static void tm__tl_thread_exit(void* arg)
{
    tm__tl_ring* r = arg;
    pthread_mutex_lock(&tm__tl_mutex);
    size_t keep = r->count + r->open;
    if(r->events && keep < r->cap)
    {
        tm__tl_event* small = keep ? malloc(keep * sizeof(*small)) : NULL;
        if(small || keep == 0)
        {
            if(keep) memcpy(small, r->events, r->count * sizeof(*small));
            free(r->events);
            r->events = small;
            r->cap    = keep;
        }
    }
    r->started = true; /* events after this (other exit handlers) are dropped */
    r->limit   = r->cap;
    r->name_at = 0;
    pthread_mutex_unlock(&tm__tl_mutex);
}

/* fork: the locks are held across it (a thread holding one would leave it locked for good
 * in the child). A forked child records only its own calls: every buffer is emptied (only the
 * forking thread is left), and that thread's calls open at the fork end unrecorded. */
static void tm__tl_before_fork(void)
{
    pthread_mutex_lock(&tm__tl_mutex);
    pthread_mutex_lock(&tm__tl_ticks_mutex);
}

static void tm__tl_after_fork_parent(void)
{
    pthread_mutex_unlock(&tm__tl_ticks_mutex);
    pthread_mutex_unlock(&tm__tl_mutex);
}

static void tm__tl_after_fork_child(void)
{
    tm__tl_after_fork_parent();
    atomic_fetch_add_explicit(&tm__tl_gen, 1, memory_order_relaxed);
}

static void tm__tl_once_init(void)
{
    tm__tl_key_ok = pthread_key_create(&tm__tl_key, tm__tl_thread_exit) == 0;
    pthread_atfork(tm__tl_before_fork, tm__tl_after_fork_parent, tm__tl_after_fork_child);
}

static void tm__tl_set_limit(tm__tl_ring* r)
{
    r->limit = r->name_at && r->name_at < r->cap ? r->name_at : r->cap;
}

/* The thread's buffer, made at its first event (NULL when out of memory). */
static tm__tl_ring* tm__tl_ring_create(int tid)
{
    pthread_once(&tm__tl_once, tm__tl_once_init);
    tm__tl_ring* r = calloc(1, sizeof(*r));
    if(!r) return NULL;
    r->tid   = tid;
    r->gen   = tm__tl_generation();
    r->state = tm__tl_recorded_state(r->gen);
    /* a C thread named with pthread_setname_np keeps its name when it differs from the
     * process's (which every thread inherits) */
    char own[16] = { 0 }, proc[16] = { 0 };
    if(tid != 0 && prctl(PR_GET_NAME, own) == 0 && own[0])
    {
        int fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
        if(fd >= 0)
        {
            ssize_t n = read(fd, proc, sizeof(proc) - 1);
            close(fd);
            if(n > 0 && proc[n - 1] == '\n') proc[n - 1] = '\0';
        }
        if(strcmp(own, proc) != 0) snprintf(r->name, sizeof(r->name), "%s", own);
    }
    pthread_mutex_lock(&tm__tl_mutex);
    if(tm__tl_nrings == tm__tl_cap)
    {
        size_t        cap  = tm__tl_cap ? tm__tl_cap * 2 : 16;
        tm__tl_ring** list = realloc(tm__tl_rings, cap * sizeof(*list));
        if(!list)
        {
            pthread_mutex_unlock(&tm__tl_mutex);
            free(r);
            return NULL;
        }
        tm__tl_rings = list;
        tm__tl_cap   = cap;
    }
    tm__tl_rings[tm__tl_nrings++] = r;
    pthread_mutex_unlock(&tm__tl_mutex);
    if(tm__tl_key_ok) pthread_setspecific(tm__tl_key, r);
    return r;
}

/* The language runtime names the thread (timemory_timeline_set_thread_start): at the first
 * event, then again 16, 32, 64, ... events later while it says the name is not known yet (a
 * Python thread's first calls can come before threading registers it), 16 times at most. */
static void tm__tl_name_thread(tm__tl_ring* r)
{
    timemory_thread_start_fn hook = atomic_load_explicit(&tm__tl_start_hook, memory_order_acquire);
    pthread_mutex_lock(&tm__tl_mutex);
    bool named = r->name[0] != '\0';
    pthread_mutex_unlock(&tm__tl_mutex);
    r->name_at = 0;
    if(hook && !named && hook() == 0 && r->name_tries < 16)
        r->name_at = r->count + r->open + ((size_t)16 << r->name_tries++);
    tm__tl_set_limit(r);
}

/* Everything unusual before an event: no buffer yet, a clear since the last event, time to
 * name the thread. Returns the buffer ready for one more event, or NULL. */
static tm__tl_ring* tm__tl_prepare(int tid)
{
    tm__tl_ring* r = tm__tl_tls;
    if(!r)
    {
        if(!(r = tm__tl_ring_create(tid)))
        {
            tm__set_error(TIMEMORY_ENOMEM);
            return NULL;
        }
        tm__tl_tls = r;
    }
    unsigned gen = tm__tl_generation();
    if(r->gen != gen)
    {
        /* emptied (the ends of begins made before stay expected: `open` keeps their room) */
        __atomic_store_n(&r->count, 0, __ATOMIC_RELEASE);
        __atomic_store_n(&r->dropped, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&r->gen, gen, __ATOMIC_RELAXED); /* output reads it */
        r->state = tm__tl_recorded_state(gen);
    }
    if(!r->started)
    {
        /* pages are committed as they are written: a short thread costs what it records */
        size_t cap = (size_t)tm__settings.timeline_capacity;
        r->started = true;
        r->events  = malloc(cap * sizeof(tm__tl_event));
        r->cap     = r->events ? cap : 0;
        if(!r->events) tm__set_error(TIMEMORY_ENOMEM);
        tm__tl_name_thread(r);
    }
    else if(r->name_at && r->count + r->open + 2 > r->name_at)
        tm__tl_name_thread(r);
    return r;
}

static inline void tm__tl_put(tm__tl_ring* r, size_t n, uint64_t key, uint32_t depth, int64_t ts,
                              uint32_t flags)
{
    tm__tl_event* e = &r->events[n];
    e->ts           = ts;
    e->key          = key;
    e->depth        = depth;
    e->flags        = flags;
    __atomic_store_n(&r->count, n + 1, __ATOMIC_RELEASE);
}

static inline void tm__tl_drop(tm__tl_ring* r)
{
    __atomic_store_n(&r->dropped, r->dropped + 1, __ATOMIC_RELAXED);
}

__attribute__((noinline)) static uint8_t tm__tl_begin_slow(int tid, uint64_t key, uint32_t depth,
                                                           int64_t ts, unsigned flags)
{
    tm__tl_ring* r = tm__tl_prepare(tid);
    if(!r) return 0;
    size_t n = r->count;
    if(n + r->open + 2 > r->cap) /* room for this begin, its end and the ends to come */
    {
        tm__tl_drop(r);
        return 1;
    }
    tm__tl_put(r, n, key, depth, ts, flags);
    ++r->open;
    return r->state;
}

uint8_t tm__timeline_begin(int tid, uint64_t key, uint32_t depth, int64_t ts, unsigned flags)
{
    tm__tl_ring* r = tm__tl_tls;
    if(TM_UNLIKELY(!r || r->gen != tm__tl_generation() || r->count + r->open + 2 > r->limit))
        return tm__tl_begin_slow(tid, key, depth, ts, flags);
    tm__tl_put(r, r->count, key, depth, ts, flags);
    ++r->open;
    return r->state;
}

void tm__timeline_end(uint8_t state, uint64_t key, uint32_t depth, int64_t ts, unsigned flags)
{
    tm__tl_ring* r = tm__tl_tls;
    if(TM_UNLIKELY(!r || state == 0)) return;
    if(state == 1) /* its begin was dropped */
    {
        if(r->gen == tm__tl_generation()) tm__tl_drop(r);
        return;
    }
    if(r->open > 0) --r->open;
    /* a begin emptied by a clear or a fork ends unrecorded */
    if(TM_UNLIKELY(state != r->state || r->gen != tm__tl_generation() || r->count >= r->cap))
        return;
    tm__tl_put(r, r->count, key, depth, ts, flags | TM__TL_END);
}

int64_t tm__timeline_now(void)
{
    if(TM_LIKELY(tm__fast_wall)) return tm__now_ns();
    int64_t  v[1][2]; /* a test's injected clock */
    tm__cset wall = tm__cset_one(TIMEMORY_WALL_CLOCK);
    tm__record_set(&wall, v);
    return v[0][0];
}

void tm__timeline_clear(void)
{
    atomic_fetch_add_explicit(&tm__tl_gen, 1, memory_order_relaxed);
}

/* ---- public API ------------------------------------------------------------------------------ */

static void tm__tl_copy_name(char* out, const char* name)
{
    size_t n = name ? strlen(name) : 0;
    if(n > 63)
    {
        n = 63;
        while(n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80) --n; /* whole UTF-8 characters */
    }
    if(n) memcpy(out, name, n);
    out[n] = '\0';
}

int timemory_timeline_set_thread_name(const char* name)
{
    tm__tl_ring* r = tm__tl_tls;
    if(!r)
    {
        r = tm__tl_ring_create(tm__graph_thread_tid());
        if(!r) return TIMEMORY_ENOMEM;
        tm__tl_tls = r;
    }
    pthread_mutex_lock(&tm__tl_mutex);
    tm__tl_copy_name(r->name, name);
    pthread_mutex_unlock(&tm__tl_mutex);
    return TIMEMORY_OK;
}

void timemory_timeline_set_thread_start(timemory_thread_start_fn fn)
{
    atomic_store_explicit(&tm__tl_start_hook, fn, memory_order_release);
}

void timemory_timeline_set_tick_source(timemory_tick_source_fn ticks_now)
{
    pthread_mutex_lock(&tm__tl_ticks_mutex);
    if(ticks_now != tm__tl_ticks.source)
    {
        tm__tl_ticks.source       = ticks_now;
        tm__tl_ticks.anchor_ticks = ticks_now ? ticks_now() : 0;
        tm__tl_ticks.anchor_ns    = ticks_now ? tm__timeline_now() : 0;
    }
    pthread_mutex_unlock(&tm__tl_ticks_mutex);
}

int timemory_timeline_begin(uint64_t key, int64_t ticks)
{
    if(!tm__settings.timeline || !tm__settings.enabled || tm__state >= 2) return 0;
    bool now = ticks == TIMEMORY_TIMELINE_NOW;
    return tm__timeline_begin(tm__graph_thread_tid(), key, (uint32_t)timemory_thread_open_pushes,
                              now ? tm__timeline_now() : ticks, now ? 0 : TM__TL_TICKS);
}

void timemory_timeline_end(uint64_t key, int64_t ticks, int token)
{
    if(token <= 0 || token > 255) return;
    bool now = ticks == TIMEMORY_TIMELINE_NOW;
    tm__timeline_end((uint8_t)token, key, (uint32_t)timemory_thread_open_pushes,
                     now ? tm__timeline_now() : ticks, now ? 0 : TM__TL_TICKS);
}

int timemory_timeline_counts(uint64_t* recorded, uint64_t* dropped)
{
    uint64_t n = 0, d = 0;
    unsigned gen = tm__tl_generation();
    pthread_mutex_lock(&tm__tl_mutex);
    for(size_t i = 0; i < tm__tl_nrings; ++i)
    {
        const tm__tl_ring* r = tm__tl_rings[i];
        if(__atomic_load_n(&r->gen, __ATOMIC_RELAXED) != gen) continue;
        n += __atomic_load_n(&r->count, __ATOMIC_ACQUIRE);
        d += __atomic_load_n(&r->dropped, __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&tm__tl_mutex);
    if(recorded) *recorded = n;
    if(dropped) *dropped = d;
    return TIMEMORY_OK;
}

/* ---- output: the Chrome / Perfetto trace ----------------------------------------------------- */

bool tm__timeline_has_data(void)
{
    uint64_t n = 0, d = 0;
    timemory_timeline_counts(&n, &d);
    return n + d > 0;
}

/* "ns / 1000" microseconds with three decimals, exactly (no floating point) */
static char* tm__tl_fmt_us(char* p, int64_t ns)
{
    if(ns < 0)
    {
        *p++ = '-';
        ns   = -ns;
    }
    p        = tm__fmt_i64(p, ns / 1000);
    int frac = (int)(ns % 1000);
    p[0]     = '.';
    p[1]     = (char)('0' + frac / 100);
    p[2]     = (char)('0' + frac / 10 % 10);
    p[3]     = (char)('0' + frac % 10);
    return p + 4;
}

static int64_t tm__tl_ns(const tm__tl_event* e, int64_t anchor_ticks, int64_t anchor_ns,
                         double ns_per_tick)
{
    if(!(e->flags & TM__TL_TICKS) || ns_per_tick == 0.0) return e->ts;
    return anchor_ns + (int64_t)((double)(e->ts - anchor_ticks) * ns_per_tick);
}

/* The tick source's ratio, measured from when it was given to now (0: ticks are ns). */
static double tm__tl_tick_ratio(int64_t* anchor_ticks, int64_t* anchor_ns)
{
    pthread_mutex_lock(&tm__tl_ticks_mutex);
    timemory_tick_source_fn source = tm__tl_ticks.source;
    *anchor_ticks                  = tm__tl_ticks.anchor_ticks;
    *anchor_ns                     = tm__tl_ticks.anchor_ns;
    pthread_mutex_unlock(&tm__tl_ticks_mutex);
    if(!source) return 0.0;
    int64_t ticks = source(), ns = tm__timeline_now();
    /* no tick since (a broken source): one tick a nanosecond from the anchor */
    return ticks > *anchor_ticks ? (double)(ns - *anchor_ns) / (double)(ticks - *anchor_ticks)
                                 : 1.0;
}

/* The process's name: its command line, arguments separated by spaces (at most 255 bytes) */
static void tm__tl_process_name(char* out, size_t len)
{
    out[0] = '\0';
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    if(fd >= 0)
    {
        ssize_t n = read(fd, out, len - 1);
        close(fd);
        if(n < 0) n = 0;
        out[n] = '\0';
        while(n > 0 && out[n - 1] == '\0') --n;
        for(ssize_t i = 0; i < n; ++i)
            if(out[i] == '\0') out[i] = ' ';
        /* argv[0] by its base name */
        char* space = strchr(out, ' ');
        char* slash = NULL;
        for(char* c = out; *c && c != space; ++c)
            if(*c == '/') slash = c;
        if(slash) memmove(out, slash + 1, strlen(slash + 1) + 1);
        /* whole UTF-8 characters when the read stopped in one */
        size_t k = strlen(out);
        if(k == len - 1)
        {
            while(k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80) --k;
            if(k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0xC0) --k;
            out[k] = '\0';
        }
    }
    if(!out[0]) snprintf(out, len, "process %ld", tm__data_pid());
}

static void tm__tl_metadata(tm__buf* b, bool* first, const char* what, long pid, int tid,
                            const char* key, const char* value, uint64_t dropped, bool with_dropped)
{
    tm__buf_puts(b, *first ? "\n" : ",\n");
    *first = false;
    tm__buf_puts(b, "{\"name\":");
    tm__buf_json_string(b, what);
    tm__buf_puts(b, ",\"ph\":\"M\",\"pid\":");
    tm__buf_i64(b, pid);
    tm__buf_puts(b, ",\"tid\":");
    tm__buf_i64(b, tid);
    tm__buf_puts(b, ",\"args\":{");
    tm__buf_json_string(b, key);
    tm__buf_putc(b, ':');
    if(value)
        tm__buf_json_string(b, value);
    else
        tm__buf_i64(b, tid);
    if(with_dropped)
    {
        tm__buf_puts(b, ",\"dropped_events\":");
        tm__buf_u64(b, dropped);
    }
    tm__buf_puts(b, "}}");
}

/* One thread's calls: pairs matched (an end closes the innermost open begin of its key), then
 * one "X" event per call in order of start. Starts and ends are kept nested (a call starts no
 * earlier than its parent or its previous sibling ended, and ends no earlier than its last
 * child) so that conversion of caller ticks cannot unnest them; begins without an end (calls
 * still running) are "B" events. Returns the number of calls written. */
static size_t tm__tl_write_thread(tm__buf* b, bool* first, long pid, const tm__tl_ring* r, size_t n,
                                  int64_t at, int64_t an, double npt)
{
    typedef struct tm__tl_open {
        size_t  idx;
        int64_t child_end; /* the end of its last child so far */
    } tm__tl_open;
    int64_t*     start = malloc((n ? n : 1) * sizeof(int64_t));
    int64_t*     end   = malloc((n ? n : 1) * sizeof(int64_t));
    tm__tl_open* stack = malloc((n + 1) * sizeof(tm__tl_open));
    if(!start || !end || !stack)
    {
        free(start), free(end), free(stack);
        b->failed = true;
        return 0;
    }
    size_t  depth     = 0;
    int64_t root_last = INT64_MIN; /* the end of the last top-level call */
    for(size_t i = 0; i < n; ++i)
    {
        const tm__tl_event* e  = &r->events[i];
        int64_t             ts = tm__tl_ns(e, at, an, npt);
        if(!(e->flags & TM__TL_END))
        {
            int64_t floor = depth ? start[stack[depth - 1].idx] : INT64_MIN;
            int64_t last  = depth ? stack[depth - 1].child_end : root_last;
            if(last > floor) floor = last;
            start[i]       = ts < floor ? floor : ts;
            end[i]         = INT64_MIN;
            stack[depth++] = (tm__tl_open){ i, INT64_MIN };
            continue;
        }
        size_t k = depth;
        while(k > 0 && r->events[stack[k - 1].idx].key != e->key) --k;
        if(k == 0) continue; /* its begin was made before the buffer was emptied */
        size_t  idx = stack[k - 1].idx;
        int64_t fin = ts;
        if(fin < start[idx]) fin = start[idx];
        if(fin < stack[k - 1].child_end) fin = stack[k - 1].child_end;
        end[idx] = fin;
        /* out of order (a generator's region closed after one it opened): the calls above
         * it stay open, as in the engine */
        memmove(&stack[k - 1], &stack[k], (depth - k) * sizeof(*stack));
        --depth;
        if(k - 1 > 0)
        {
            if(fin > stack[k - 2].child_end) stack[k - 2].child_end = fin;
        }
        else if(fin > root_last)
            root_last = fin;
    }
    size_t calls = 0;
    for(size_t i = 0; i < n && !b->failed; ++i)
    {
        const tm__tl_event* e = &r->events[i];
        if(e->flags & TM__TL_END) continue;
        const char* label = tm__lookup(e->key);
        char        unknown[40];
        if(!label)
        {
            char* q = unknown;
            memcpy(q, "unknown-hash=", 13);
            q     = tm__fmt_u64(q + 13, e->key);
            *q    = '\0';
            label = unknown;
        }
        size_t len = strlen(label);
        char*  p   = len < SIZE_MAX / 8 ? tm__buf_space(b, 256 + 6 * len) : NULL;
        if(!p) break;
        p = memcpy(p, *first ? "\n{\"name\":" : ",\n{\"name\":", *first ? 9 : 10);
        p += *first ? 9 : 10;
        *first      = false;
        p           = tm__fmt_json_string(p, label);
        bool closed = end[i] != INT64_MIN;
        memcpy(p, closed ? ",\"ph\":\"X\",\"ts\":" : ",\"ph\":\"B\",\"ts\":", 15);
        p = tm__tl_fmt_us(p + 15, start[i]);
        if(closed)
        {
            memcpy(p, ",\"dur\":", 7);
            p = tm__tl_fmt_us(p + 7, end[i] - start[i]);
            ++calls;
        }
        memcpy(p, ",\"pid\":", 7);
        p = tm__fmt_i64(p + 7, pid);
        memcpy(p, ",\"tid\":", 7);
        p = tm__fmt_i64(p + 7, r->tid);
        if(!closed)
        {
            memcpy(p, ",\"args\":{\"unfinished\":true}", 27);
            p += 27;
        }
        *p++ = '}';
        tm__buf_commit(b, p);
    }
    free(start), free(end), free(stack);
    return calls;
}

void tm__write_timeline(tm__buf* b)
{
    long pid = tm__data_pid();
    char process[256];
    tm__tl_process_name(process, sizeof(process));
    int64_t  at = 0, an = 0;
    double   npt           = tm__tl_tick_ratio(&at, &an);
    unsigned gen           = tm__tl_generation();
    bool     first         = true;
    uint64_t total_dropped = 0, total_events = 0;
    size_t   threads = 0;
    tm__buf_puts(b, "{\"traceEvents\":[");
    tm__tl_metadata(b, &first, "process_name", pid, 0, "name", process, 0, false);
    pthread_mutex_lock(&tm__tl_mutex); /* threads that exit meanwhile wait to shrink theirs */
    for(size_t i = 0; i < tm__tl_nrings && !b->failed; ++i)
    {
        const tm__tl_ring* r = tm__tl_rings[i];
        if(__atomic_load_n(&r->gen, __ATOMIC_RELAXED) != gen) continue;
        size_t   n       = __atomic_load_n(&r->count, __ATOMIC_ACQUIRE);
        uint64_t dropped = __atomic_load_n(&r->dropped, __ATOMIC_RELAXED);
        if(n == 0 && dropped == 0) continue;
        char name[64];
        if(r->name[0])
            memcpy(name, r->name, sizeof(name));
        else
            snprintf(name, sizeof(name), "thread %d", r->tid);
        tm__tl_metadata(b, &first, "thread_name", pid, r->tid, "name", name, dropped, true);
        tm__tl_metadata(b, &first, "thread_sort_index", pid, r->tid, "sort_index", NULL, 0, false);
        tm__tl_write_thread(b, &first, pid, r, n, at, an, npt);
        total_dropped += dropped;
        total_events += n;
        ++threads;
    }
    pthread_mutex_unlock(&tm__tl_mutex);
    tm__buf_puts(b, "\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"producer\":\"timemory ");
    tm__buf_puts(b, TIMEMORY_VERSION_STRING);
    tm__buf_puts(b, "\",\"clock\":\"CLOCK_MONOTONIC\",\"pid\":");
    tm__buf_i64(b, pid);
    tm__buf_puts(b, ",\"threads\":");
    tm__buf_u64(b, threads);
    tm__buf_puts(b, ",\"events\":");
    tm__buf_u64(b, total_events);
    tm__buf_puts(b, ",\"dropped_events\":");
    tm__buf_u64(b, total_dropped);
    tm__buf_puts(b, ",\"capacity_per_thread\":");
    tm__buf_u64(b, (uint64_t)tm__settings.timeline_capacity);
    tm__buf_puts(b, "}}\n");
}

/* ---- tests ----------------------------------------------------------------------------------- */

size_t tm__timeline_events(int tid, tm__timeline_event* out, size_t max, uint64_t* dropped)
{
    size_t   n   = 0;
    unsigned gen = tm__tl_generation();
    if(dropped) *dropped = 0;
    pthread_mutex_lock(&tm__tl_mutex);
    for(size_t i = 0; i < tm__tl_nrings; ++i)
    {
        const tm__tl_ring* r = tm__tl_rings[i];
        if(r->tid != tid || __atomic_load_n(&r->gen, __ATOMIC_RELAXED) != gen) continue;
        size_t count = __atomic_load_n(&r->count, __ATOMIC_ACQUIRE);
        if(dropped) *dropped = __atomic_load_n(&r->dropped, __ATOMIC_RELAXED);
        for(size_t k = 0; k < count && n < max; ++k, ++n)
            out[n] = (tm__timeline_event){ r->events[k].ts, r->events[k].key, r->events[k].depth,
                                           (r->events[k].flags & TM__TL_END) != 0 };
        break;
    }
    pthread_mutex_unlock(&tm__tl_mutex);
    return n;
}
